package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/domain"
)

// A year of a 5,000-child municipality's attendance: a check-in and a
// check-out for every child on every weekday of 2024 (2 × 5,000 × 262 =
// 2,620,000 events in 50 units), written straight into the schema.
func seedAttendanceYear(b *testing.B) (*postgres.Store, *pgx.Conn, int) {
	b.Helper()
	url, schema := newTestSchema(b)
	s := openTestStore(b, url, schema) // migrate
	conn := rawConn(b, url, schema)
	ctx := context.Background()
	// The secondary indexes are built after the rows, as a bulk load
	// would; the job runs with all of them.
	rows, err := conn.Query(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'attendance_checks'
		AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'attendance_checks'::regclass)`, schema)
	require.NoError(b, err)
	var names, indexes []string
	for rows.Next() {
		var n, q string
		require.NoError(b, rows.Scan(&n, &q))
		names, indexes = append(names, n), append(indexes, q)
	}
	require.NoError(b, rows.Err())
	for _, n := range names {
		_, err := conn.Exec(ctx, `DROP INDEX `+pgx.Identifier{n}.Sanitize())
		require.NoError(b, err)
	}
	_, err = conn.Exec(ctx, `SET maintenance_work_mem = '256MB'`)
	require.NoError(b, err)
	for _, q := range []string{
		`INSERT INTO units (municipality, id, name, kind, owner)
		 SELECT '0301', format('00000000-0000-7000-9000-%s', lpad(i::text, 12, '0'))::uuid, 'Barnehage ' || i, 'kindergarten', 'municipal'
		 FROM generate_series(0, 49) i`,
		`INSERT INTO children (municipality, id, national_id, given_name, family_name, birth_date, address_protection)
		 SELECT '0301', format('00000000-0000-7000-8000-%s', lpad(i::text, 12, '0'))::uuid, NULL, 'Barn', 'Nordmann', '2020-01-01', 'none'
		 FROM generate_series(0, 4999) i`,
		`INSERT INTO attendance_checks (municipality, id, idempotency_key, child_id, unit_id, kind, at, day, recorded_by)
		 SELECT '0301', x.id::uuid, x.id, format('00000000-0000-7000-8000-%s', lpad(i::text, 12, '0'))::uuid,
		   format('00000000-0000-7000-9000-%s', lpad((i % 50)::text, 12, '0'))::uuid,
		   k.kind, (d + make_interval(hours => k.h)) AT TIME ZONE 'Europe/Oslo', d, 'ansatt'
		 FROM generate_series('2024-01-01'::date, '2024-12-31'::date, '1 day') AS g(t),
		   LATERAL (SELECT t::date AS d, (t::date - '2024-01-01'::date) AS n) dd,
		   (VALUES (0, 'in', 8), (1, 'out', 16)) AS k(j, kind, h),
		   generate_series(0, 4999) i,
		   LATERAL (SELECT format('%s-%s-7000-8000-%s', lpad(dd.n::text, 8, '0'), lpad(k.j::text, 4, '0'), lpad(i::text, 12, '0')) AS id) x
		 WHERE extract(isodow FROM d) < 6`,
	} {
		_, err := conn.Exec(ctx, q)
		require.NoError(b, err)
	}
	for _, q := range append(indexes, `ANALYZE`) {
		_, err := conn.Exec(ctx, q)
		require.NoError(b, err)
	}
	var n int
	require.NoError(b, conn.QueryRow(ctx, `SELECT count(*) FROM attendance_checks`).Scan(&n))
	return s, conn, n
}

// BenchmarkPostgresRetentionYear measures the retention job (every rule,
// 1,000 records per transaction, an audit entry per batch) expiring a year
// of attendance, against a bare baseline: one plain DELETE of the same
// rows.
func BenchmarkPostgresRetentionYear(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, time.January, 2, 3, 0, 0, 0, domain.Oslo())
	b.Run("Job", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			s, _, rows := seedAttendanceYear(b)
			b.StartTimer()
			res, err := domain.Retention{Store: s, Clock: domain.FixedClock(now)}.Run(ctx, oslo, domain.RetentionRules())
			require.NoError(b, err)
			b.StopTimer()
			require.Equal(b, rows, res[0].Count)
			b.ReportMetric(float64(rows), "rows")
			b.StartTimer()
		}
	})
	b.Run("BareDelete", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			_, conn, rows := seedAttendanceYear(b)
			b.StartTimer()
			tag, err := conn.Exec(ctx, `DELETE FROM attendance_checks WHERE municipality = '0301' AND day < '2025-01-02'`)
			require.NoError(b, err)
			b.StopTimer()
			require.Equal(b, int64(rows), tag.RowsAffected())
			b.ReportMetric(float64(rows), "rows")
			b.StartTimer()
		}
	})
}
