package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// postgresURL returns a URL to a schema of its own in the test database
// (OPPVEKST_TEST_POSTGRES), dropped when the test ends. Without the
// variable the test is skipped, except in CI.
func postgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("OPPVEKST_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("OPPVEKST_TEST_POSTGRES must be set in CI")
		}
		t.Skip("set OPPVEKST_TEST_POSTGRES to run the app on PostgreSQL")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	require.NoError(t, err)
	defer conn.Close(ctx)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7283450912)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public`)
		return err
	})
	require.NoError(t, err)
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "app_" + hex.EncodeToString(b)
	_, err = conn.Exec(ctx, `CREATE SCHEMA `+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema: %v", err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// The app runs on PostgreSQL with -db: seeded, two municipalities apart,
// every read audited.
func TestRunOnPostgres(t *testing.T) {
	dbURL := postgresURL(t)
	app := start(t, t.TempDir(), "-db", dbURL)
	resp, _ := get(t, app.base+"/readyz")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, app.stdout.String(), `"store":"postgres"`)

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := client.PostForm(app.base+"/login/demo", url.Values{"persona": {personaCaseworker}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "/caseworker", resp.Request.URL.Path)
	resp, err = client.Get(app.base + "/api/v1/children?limit=5")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"nextCursor"`)
	assert.NotContains(t, string(body), "Kaja", "the neighbour's child is not listed")

	// Concurrent reads are all audited (group commit): 20 more lists of 5.
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			r, err := client.Get(app.base + "/api/v1/children?limit=5")
			if err == nil {
				r.Body.Close()
			}
		})
	}
	wg.Wait()
	jar2, _ := cookiejar.New(nil)
	admin := &http.Client{Jar: jar2, Timeout: 10 * time.Second, CheckRedirect: noRedirect.CheckRedirect}
	resp, err = admin.PostForm(app.base+"/login/demo", url.Values{"persona": {personaAdmin}})
	require.NoError(t, err)
	resp.Body.Close()
	resp, err = admin.Get(app.base + "/api/v1/audit?limit=200")
	require.NoError(t, err)
	body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	// The caseworker's start page listed 50, then 21 lists of 5.
	assert.Equal(t, 50+21*5, strings.Count(string(body), `"subject":"saksbehandler-1","name":"Siri Saksbehandler"},"action":"children.list"`))
	require.NoError(t, app.stop())

	// Started again on the same database: the seed is not repeated.
	again := start(t, t.TempDir(), "-db", dbURL)
	resp, _ = get(t, again.base+"/readyz")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, again.stop())
}
