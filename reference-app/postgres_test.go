package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The app runs on PostgreSQL with -db: seeded, two municipalities apart,
// every read audited.
func TestRunOnPostgres(t *testing.T) {
	dbURL := webtest.PostgresURL(t)
	app := start(t, t.TempDir(), "-db", dbURL)
	resp, _ := get(t, app.base+"/readyz")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, app.stdout.String(), `"store":"postgres"`)

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := client.PostForm(app.base+"/login/demo", url.Values{"persona": {demo.PersonaCaseworker}})
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
	admin := &http.Client{Jar: jar2, Timeout: 10 * time.Second, CheckRedirect: webtest.NoRedirect.CheckRedirect}
	resp, err = admin.PostForm(app.base+"/login/demo", url.Values{"persona": {demo.PersonaAdmin}})
	require.NoError(t, err)
	resp.Body.Close()
	resp, err = admin.Get(app.base + "/api/v1/audit?limit=200")
	require.NoError(t, err)
	body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	// The caseworker's start page listed 50, then 21 lists of 5: one
	// entry each, naming the children listed.
	assert.Equal(t, 1+21, strings.Count(string(body), `"subject":"siri.saksbehandler@demo-kommune.example","name":"Siri Saksbehandler"},"action":"children.list"`))
	require.NoError(t, app.stop())

	// Started again on the same database: the seed is not repeated.
	again := start(t, t.TempDir(), "-db", dbURL)
	resp, _ = get(t, again.base+"/readyz")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, again.stop())
}
