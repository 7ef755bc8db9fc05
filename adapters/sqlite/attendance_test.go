package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestSQLiteAttendance(t *testing.T) {
	storetest.RunAttendance(t, func(t *testing.T) storetest.AttendanceStore { return open(t) })
}

func BenchmarkSQLiteAttendance(b *testing.B) {
	storetest.RunAttendanceBenchmarks(b, func(b *testing.B) storetest.AttendanceStore { return openFile(b) })
}
