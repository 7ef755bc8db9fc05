package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every pooled connection, reader and writer, has the PRAGMAs of Open; a
// temporary database is not synced.
func TestPragmasOnEveryConnection(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		testPragmas(t, Options{Path: filepath.Join(t.TempDir(), "oppvekst.db"), ReadConns: 3}, 1)
	})
	t.Run("temp", func(t *testing.T) { testPragmas(t, Options{Temp: true, ReadConns: 3}, 0) })
}

func testPragmas(t *testing.T, opts Options, synchronous int) {
	ctx := context.Background()
	s, err := Open(ctx, opts)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })

	check := func(name string, db *sql.DB, n int, queryOnly int) {
		// Hold n connections at once so that each is a different one.
		conns := make([]*sql.Conn, n)
		for i := range conns {
			conns[i], err = db.Conn(ctx)
			require.NoError(t, err)
		}
		for i, c := range conns {
			var fk, qo, sync, busy int
			var mode string
			require.NoError(t, c.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk))
			require.NoError(t, c.QueryRowContext(ctx, `PRAGMA query_only`).Scan(&qo))
			require.NoError(t, c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync))
			require.NoError(t, c.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy))
			require.NoError(t, c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
			assert.Equal(t, 1, fk, "%s %d foreign_keys", name, i)
			assert.Equal(t, queryOnly, qo, "%s %d query_only", name, i)
			assert.Equal(t, synchronous, sync, "%s %d synchronous", name, i)
			assert.Equal(t, 5000, busy, "%s %d busy_timeout", name, i)
			assert.Equal(t, "wal", mode, "%s %d journal_mode", name, i)
		}
		for _, c := range conns {
			c.Close()
		}
	}
	check("writer", s.writer, 1, 0)
	check("reader", s.reader, 3, 1)

	_, err = s.reader.ExecContext(ctx, `DELETE FROM children`)
	assert.Error(t, err, "readers cannot write")
}

// No query of the store scans a whole table, and only the lists of a whole
// municipality walk all its rows: each is a search on the primary key or an
// index, by the municipality and more.
func TestQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{Path: filepath.Join(t.TempDir(), "oppvekst.db")})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	for _, q := range queries {
		args := make([]any, strings.Count(q, "?"))
		for i := range args {
			args[i] = "x"
		}
		rows, err := s.writer.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, args...)
		require.NoError(t, err, q)
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		for _, step := range plan {
			// Reading records by a list of IDs walks the list (json_each,
			// the bound argument), not a table.
			if strings.HasPrefix(step, "SCAN json_each VIRTUAL TABLE") {
				continue
			}
			// Walking a subquery's own rows (a co-routine whose plan is
			// checked in its own steps: the first children of an audit
			// entry, searched by the entry's index) is not a table scan.
			if strings.HasPrefix(step, "SCAN (subquery-") {
				continue
			}
			assert.NotRegexp(t, `^SCAN `, step, "%s\n%v", q, plan)
			// The registry position's key is the municipality alone (one
			// row); the registry notices are a municipality's list.
			if q != selectChildren && q != selectUnits && q != selectStaffMembers &&
				q != selectRegistryPosition && q != selectRegistryNotices {
				// Not a walk through all of a municipality's rows.
				assert.NotContains(t, step, "(municipality=?)", "%s\n%v", q, plan)
			}
		}
		t.Logf("%.60s…\n\t%v", strings.Join(strings.Fields(q), " "), plan)
	}
}

// The migrations can be rolled back to nothing and applied again.
func TestMigrationsDownAndUp(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{Path: filepath.Join(t.TempDir(), "oppvekst.db")})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	p, err := migrations(s.writer)
	require.NoError(t, err)

	count := func() (n int) {
		require.NoError(t, s.writer.QueryRowContext(ctx,
			`SELECT count(*) FROM sqlite_schema WHERE type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_%' AND name <> ?`,
			VersionTable).Scan(&n))
		return n
	}
	objects := count()
	assert.Equal(t, createdByMigrations(t), objects, "tables, indexes and triggers")

	_, err = p.DownTo(ctx, 0)
	require.NoError(t, err)
	assert.Zero(t, count())
	v, err := p.GetDBVersion(ctx)
	require.NoError(t, err)
	assert.Zero(t, v)

	_, err = p.Up(ctx)
	require.NoError(t, err)
	assert.Equal(t, objects, count())
}

// createdByMigrations counts the tables, indexes and triggers the Up
// sections of the embedded migrations create, so that a new migration does
// not need this test changed.
func createdByMigrations(t *testing.T) int {
	t.Helper()
	files, err := migrationFiles.ReadDir("migrations")
	require.NoError(t, err)
	// Objects by name, with the table of each index and trigger: a
	// migration that rebuilds a table (create, copy, drop, rename, index
	// again) leaves as many as before.
	on := map[string]string{}
	for _, f := range files {
		raw, err := migrationFiles.ReadFile("migrations/" + f.Name())
		require.NoError(t, err)
		up, _, _ := strings.Cut(string(raw), "-- +goose Down")
		for _, line := range strings.Split(up, "\n") {
			w := strings.Fields(strings.TrimSpace(line))
			switch {
			case len(w) >= 3 && w[0] == "CREATE" && w[1] == "TABLE":
				on[w[2]] = w[2]
			case len(w) >= 3 && w[0] == "CREATE" && (w[1] == "INDEX" || w[1] == "TRIGGER"):
				on[w[2]] = tableOf(w) // "" when ON is on a line of its own
			case len(w) >= 4 && w[0] == "CREATE" && w[1] == "UNIQUE" && w[2] == "INDEX":
				on[w[3]] = tableOf(w)
			case len(w) >= 3 && w[0] == "DROP" && w[1] == "TABLE":
				table := strings.TrimSuffix(w[2], ";")
				for name, tab := range on {
					if tab == table {
						delete(on, name)
					}
				}
			case len(w) >= 3 && w[0] == "DROP" && (w[1] == "INDEX" || w[1] == "TRIGGER"):
				delete(on, strings.TrimSuffix(w[2], ";"))
			case len(w) >= 6 && w[0] == "ALTER" && w[1] == "TABLE" && w[3] == "RENAME" && w[4] == "TO":
				from, to := w[2], strings.TrimSuffix(w[5], ";")
				for name, tab := range on {
					if tab == from {
						on[name] = to
					}
				}
				delete(on, from)
				on[to] = to
			}
		}
	}
	return len(on)
}

// tableOf is the table after ON in a CREATE INDEX or CREATE TRIGGER.
func tableOf(words []string) string {
	for i, w := range words {
		if w == "ON" && i+1 < len(words) {
			return strings.TrimSuffix(words[i+1], ";")
		}
	}
	return ""
}
