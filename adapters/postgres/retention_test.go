package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresRetention(t *testing.T) {
	storetest.RunRetention(t, func(t *testing.T) (storetest.RetentionStore, storetest.Dump) {
		url, schema := newTestSchema(t)
		s := openTestStore(t, url, schema)
		conn := rawConn(t, url, schema)
		return s, func(t testing.TB) string { return dumpPostgres(t, conn, schema) }
	})
}

// dumpPostgres selects every column of every table of the schema as text
// (each row cast to its text form).
func dumpPostgres(t testing.TB, conn *pgx.Conn, schema string) string {
	t.Helper()
	ctx := context.Background()
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`, schema)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Contains(t, tables, "children")
	var b strings.Builder
	for _, table := range tables {
		rows, err := conn.Query(ctx, `SELECT t::text FROM `+pgx.Identifier{table}.Sanitize()+` t`)
		require.NoError(t, err)
		texts, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		for _, x := range texts {
			b.WriteString(table + "\t" + x + "\n")
		}
	}
	return b.String()
}
