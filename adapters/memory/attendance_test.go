package memory_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/memory"
	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestMemoryAttendance(t *testing.T) {
	storetest.RunAttendance(t, func(t *testing.T) storetest.AttendanceStore { return memory.New() })
}

func BenchmarkMemoryAttendance(b *testing.B) {
	storetest.RunAttendanceBenchmarks(b, func(b *testing.B) storetest.AttendanceStore { return memory.New() })
}
