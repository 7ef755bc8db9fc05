package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// A year of a 5,000-child municipality's attendance: a check-in and a
// check-out for every child on every weekday of 2024 (2 × 5,000 × 262 =
// 2,620,000 events in 50 units), written straight into the file.
const (
	benchRetentionChildren = 5000
	benchRetentionUnits    = 50
)

func seedAttendanceYear(b *testing.B) (string, int) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "oppvekst.db")
	openAt(b, path) // migrate
	db := rawDB(b, path)
	db.SetMaxOpenConns(1) // the pragmas hold for the one connection
	ctx := context.Background()
	// The secondary indexes are built after the rows, as a bulk load
	// would; the job runs with all of them.
	rows, err := db.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'attendance_checks' AND sql IS NOT NULL`)
	require.NoError(b, err)
	var names, indexes []string
	for rows.Next() {
		var n, q string
		require.NoError(b, rows.Scan(&n, &q))
		names, indexes = append(names, n), append(indexes, q)
	}
	require.NoError(b, rows.Close())
	_, err = db.ExecContext(ctx, `PRAGMA cache_size = -262144`)
	require.NoError(b, err)
	for _, n := range names {
		_, err := db.ExecContext(ctx, `DROP INDEX "`+n+`"`)
		require.NoError(b, err)
	}
	for _, q := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?2 - 1)
		 INSERT INTO units (municipality, id, name, kind, owner)
		 SELECT '0301', printf('00000000-0000-7000-9000-%012d', i), 'Barnehage ' || i, 'kindergarten', 'municipal' FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
		 INSERT INTO children (municipality, id, national_id, given_name, family_name, birth_date, address_protection)
		 SELECT '0301', printf('00000000-0000-7000-8000-%012d', i), NULL, 'Barn', 'Nordmann', '2020-01-01', 'none' FROM n`,
		`WITH RECURSIVE dd(k, d) AS (SELECT 0, '2024-01-01' UNION ALL SELECT k + 1, date(d, '+1 day') FROM dd WHERE d < '2024-12-31'),
		 days AS (SELECT k, d FROM dd WHERE strftime('%w', d) NOT IN ('0', '6')),
		 n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1),
		 kinds(j, kind, h) AS (VALUES (0, 'in', 8), (1, 'out', 16))
		 INSERT INTO attendance_checks (municipality, id, idempotency_key, child_id, unit_id, kind, at_us, day, recorded_by)
		 SELECT '0301', printf('%08d-%04d-7000-8000-%012d', k, j, i), printf('%08d-%04d-7000-8000-%012d', k, j, i),
		   printf('00000000-0000-7000-8000-%012d', i), printf('00000000-0000-7000-9000-%012d', i % ?2),
		   kind, (unixepoch(d) + h * 3600) * 1000000, d, 'ansatt'
		 FROM days, kinds, n`,
	} {
		_, err := db.ExecContext(ctx, q, benchRetentionChildren, benchRetentionUnits)
		require.NoError(b, err)
	}
	for _, q := range indexes {
		_, err := db.ExecContext(ctx, q)
		require.NoError(b, err)
	}
	var n int
	require.NoError(b, db.QueryRowContext(ctx, `SELECT count(*) FROM attendance_checks`).Scan(&n))
	require.NoError(b, db.Close())
	return path, n
}

// BenchmarkSQLiteRetentionYear measures the retention job (every rule,
// 1,000 records per transaction, an audit entry per batch) expiring a year
// of attendance, against a bare baseline: one plain DELETE of the same
// rows.
func BenchmarkSQLiteRetentionYear(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, time.January, 2, 3, 0, 0, 0, domain.Oslo())
	b.Run("Job", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			path, rows := seedAttendanceYear(b)
			s := openAt(b, path)
			b.StartTimer()
			res, err := domain.Retention{Store: s, Clock: domain.FixedClock(now)}.Run(ctx, "0301", domain.RetentionRules())
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
			path, rows := seedAttendanceYear(b)
			db := rawDB(b, path)
			b.StartTimer()
			res, err := db.ExecContext(ctx, `DELETE FROM attendance_checks WHERE municipality = '0301' AND day < '2025-01-02'`)
			require.NoError(b, err)
			b.StopTimer()
			n, err := res.RowsAffected()
			require.NoError(b, err)
			require.Equal(b, int64(rows), n)
			b.ReportMetric(float64(rows), "rows")
			b.StartTimer()
		}
	})
}
