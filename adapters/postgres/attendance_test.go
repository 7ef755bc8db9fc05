package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresAttendance(t *testing.T) {
	storetest.RunAttendance(t, func(t *testing.T) storetest.AttendanceStore { return newTestStore(t) })
}

func BenchmarkPostgresAttendance(b *testing.B) {
	storetest.RunAttendanceBenchmarks(b, func(b *testing.B) storetest.AttendanceStore { return newTestStore(b) })
}
