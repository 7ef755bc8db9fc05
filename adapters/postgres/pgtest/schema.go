package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
)

// Env is the environment variable naming the test database.
const Env = "OPPVEKST_TEST_POSTGRES"

// URL returns the test database's URL. Without it the test is skipped,
// except in CI.
func URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(Env)
	if u == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal(Env + " must be set in CI")
		}
		tb.Skip("PostgreSQL skipped: set " + Env + " to a database URL, " +
			"e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	}
	return u
}

// Schema creates a schema of its own for the test (named prefix + 16 hex
// digits) and drops it when the test ends. It makes sure btree_gist is
// installed in public first, so that no migration installs it into the
// test's schema.
func Schema(tb testing.TB, prefix string) (dbURL, schema string) {
	tb.Helper()
	dbURL = URL(tb)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(tb, err)
	defer conn.Close(ctx)

	// Concurrent CREATE EXTENSION IF NOT EXISTS can still collide; a
	// transaction-level advisory lock serialises the tests of all packages.
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7283450912)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public`)
		return err
	})
	require.NoError(tb, err, "create extension btree_gist")

	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema = prefix + hex.EncodeToString(b)
	_, err = conn.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize())
	require.NoError(tb, err)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return dbURL, schema
}

// SchemaURL returns a URL whose search_path is a fresh schema of the
// test's own (then public), for code that takes only a URL, such as the
// reference app's -db flag.
func SchemaURL(tb testing.TB) string {
	tb.Helper()
	base, schema := Schema(tb, "app_")
	u, err := url.Parse(base)
	require.NoError(tb, err)
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// Store opens a store on a fresh schema; the store is closed and the
// schema dropped when the test ends.
func Store(tb testing.TB) *postgres.Store {
	tb.Helper()
	dbURL, schema := Schema(tb, "t_")
	s, err := postgres.Open(context.Background(), postgres.Options{URL: dbURL, Schema: schema})
	require.NoError(tb, err)
	tb.Cleanup(s.Close)
	return s
}
