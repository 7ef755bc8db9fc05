package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresAttendance(t *testing.T) {
	storetest.RunAttendance(t, func(t *testing.T) storetest.AttendanceStore { return newTestStore(t) })
}

// The benchmarks open the pool with one connection per tablet goroutine
// of the morning rush (the pgx default is four): a check-in waits mostly
// for round trips, which more connections overlap.
func BenchmarkPostgresAttendance(b *testing.B) {
	storetest.RunAttendanceBenchmarks(b, func(b *testing.B) storetest.AttendanceStore {
		url, schema := newTestSchema(b)
		s, err := postgres.Open(context.Background(), postgres.Options{URL: url, Schema: schema, MaxConns: 16})
		require.NoError(b, err)
		b.Cleanup(s.Close)
		return s
	})
}
