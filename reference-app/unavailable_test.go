package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres/pgtest"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// While PostgreSQL cannot be reached the app answers 503 with Retry-After
// (a problem for the API, a page in the user's language for the browser),
// not 500; when the database is back, the same session works again.
func TestDatabaseUnreachableIs503(t *testing.T) {
	dbURL := webtest.PostgresURL(t)
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	proxy := pgtest.StartProxy(t, u.Host)
	u.Host = proxy.Addr
	q := u.Query()
	q.Set("connect_timeout", "5")
	u.RawQuery = q.Encode()
	app := start(t, t.TempDir(), "-db", u.String())

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	resp, err := client.PostForm(app.base+"/login/demo", url.Values{"persona": {demo.PersonaCaseworker}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "/caseworker", resp.Request.URL.Path)
	send := func(method, path string, header ...string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, app.base+path, strings.NewReader(`{"month":"2025-11"}`))
		require.NoError(t, err)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(b)
	}
	resp, _ = send("GET", "/api/v1/children?limit=5")
	require.Equal(t, http.StatusOK, resp.StatusCode)

	proxy.Stop()
	for _, path := range []string{"/api/v1/children?limit=5", "/api/v1/me", "/api/v1/units"} {
		resp, body := send("GET", path)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, path)
		assert.Equal(t, "10", resp.Header.Get("Retry-After"), path)
		assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"), path)
		assert.Contains(t, body, `"type":"https://oppvekst.example/problems/unavailable"`, path)
	}
	resp, _ = send("POST", "/api/v1/invoice-runs", "Content-Type", "application/json", "Origin", app.base)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "a change")
	assert.Equal(t, "10", resp.Header.Get("Retry-After"))
	for lang, title := range map[string]string{"nb": "Tjenesten er ikke tilgjengelig akkurat nå", "en": "The service is not available just now"} {
		resp, body := send("GET", "/caseworker", "Cookie", web.LangCookie+"="+lang)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, lang)
		assert.Equal(t, "10", resp.Header.Get("Retry-After"), lang)
		assert.Contains(t, body, title, lang)
	}
	resp, body := send("GET", "/")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "the public front page reads the units")
	assert.Contains(t, body, "Tjenesten er ikke tilgjengelig")
	resp, _ = send("GET", "/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "10", resp.Header.Get("Retry-After"))
	assert.NotContains(t, app.stdout.String(), `"status":500`, "no 500 while the database was away")

	proxy.Restart(t)
	require.Eventually(t, func() bool {
		resp, _ := send("GET", "/api/v1/children?limit=5")
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 100*time.Millisecond, "the same session works once the database is back")
}
