package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/oidc"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// syncBuffer is a bytes.Buffer safe for the server's concurrent logging.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// started is a running app.
type started struct {
	base   string // http://127.0.0.1:port
	stdout *syncBuffer
	stop   func() error // cancels ctx and returns what run returned
}

// start runs the app in a goroutine on a free port with the data folder
// and waits until it listens.
func start(t *testing.T, dataDir string, extra ...string) started {
	t.Helper()
	return startWith(t, func(string) string { return "" }, dataDir, extra...)
}

// startWith is start with an environment.
func startWith(t *testing.T, getenv func(string) string, dataDir string, extra ...string) started {
	t.Helper()
	return startOpts(t, getenv, dataDir, server.Options{}, extra...)
}

// startOpts is startWith with server options (a clock); Ready is set here.
func startOpts(t *testing.T, getenv func(string) string, dataDir string, opts server.Options, extra ...string) started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &syncBuffer{}
	addrs := make(chan string, 1)
	done := make(chan error, 1)
	args := append([]string{"-data", dataDir, "-addr", "127.0.0.1:0"}, extra...)
	go func() {
		opts.Ready = func(addr string) { addrs <- addr }
		done <- runWith(ctx, args, getenv, stdout, opts)
	}()
	var addr string
	select {
	case addr = <-addrs:
	case err := <-done:
		cancel()
		t.Fatalf("run returned before listening: %v\n%s", err, stdout)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("run did not start listening\n%s", stdout)
	}
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(15 * time.Second):
				t.Fatalf("run did not return after cancel\n%s", stdout)
			}
		})
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	return started{base: "http://" + addr, stdout: stdout, stop: stop}
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

func TestRun(t *testing.T) {
	app := start(t, t.TempDir())

	t.Run("healthz", func(t *testing.T) {
		resp, body := get(t, app.base+"/healthz")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		assert.JSONEq(t, `{"status":"ok"}`, body)
	})

	t.Run("home", func(t *testing.T) {
		resp, body := get(t, app.base+"/")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
		assert.Contains(t, body, `<html lang="nb">`)
		assert.True(t, strings.HasPrefix(body, "<!DOCTYPE html>"), "starts with the doctype")
		for _, unit := range []string{"Solsikken barnehage", "Bjørkelia barnehage", "Trollskogen barnehage", "Nordby skole", "Sjøsiden skole"} {
			assert.Contains(t, body, unit)
		}
		for _, want := range []string{`<meta charset="utf-8">`, `name="viewport"`, `href="#innhold"`, `<main id="innhold"`, "<caption>", `scope="col"`, `scope="row"`, "Demo kommune"} {
			assert.Contains(t, body, want)
		}
		assert.NotContains(t, body, "<script")
		assert.NotEmpty(t, resp.Header.Get("Content-Security-Policy"))
	})

	t.Run("unknown path", func(t *testing.T) {
		resp, body := get(t, app.base+"/finnes-ikke")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.Contains(t, body, `<html lang="nb">`)
	})

	t.Run("wrong method", func(t *testing.T) {
		resp, err := http.Post(app.base+"/healthz", "text/plain", nil)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})

	require.NoError(t, app.stop(), "graceful shutdown")
	out := app.stdout.String()
	assert.Contains(t, out, `"msg":"listening","addr":"127.0.0.1:`, "JSON logs")
	assert.Contains(t, out, "Oppvekst kjører på "+app.base+"/")
	for _, name := range []string{"Hilde Berg", "Tor Ødegård", "Marte Solheim", "Siri Saksbehandler", "Nils Nabo"} {
		assert.Contains(t, out, name, "the demo personas are printed")
	}
	assert.Contains(t, out, `"msg":"shutting down"`)
}

func TestRunTwiceKeepsTheData(t *testing.T) {
	dir := t.TempDir()
	var counts []map[string]int
	for range 2 {
		app := start(t, dir)
		resp, _ := get(t, app.base+"/")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NoError(t, app.stop())
		s := webtest.OpenSQLite(t, filepath.Join(dir, "oppvekst.db"))
		counts = append(counts, webtest.ReadDemo(t, s).Counts())
		require.NoError(t, s.Close())
	}
	assert.Equal(t, 151, counts[0]["children"])
	assert.Equal(t, counts[0], counts[1])
}

func TestRunWithoutSeed(t *testing.T) {
	app := start(t, t.TempDir(), "-seed=false")
	resp, body := get(t, app.base+"/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Ingen barnehager er registrert.")
	resp, _ = get(t, app.base+"/healthz")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, app.stop())
}

func TestParseConfig(t *testing.T) {
	env := map[string]string{"OPPVEKST_DATA": "/srv/oppvekst", "OPPVEKST_ADDR": ":9000"}
	getenv := func(k string) string { return env[k] }

	c, err := parseConfig(nil, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "./oppvekst-data", c.DataDir)
	assert.Equal(t, "127.0.0.1:8080", c.Addr)
	assert.True(t, c.Seed)
	assert.True(t, c.Demo, "demo mode is the default of go run")
	assert.Empty(t, c.DBURL)
	assert.Nil(t, c.Login.IDPorten)
	assert.Equal(t, []domain.Municipality{demo.Municipality, demo.Neighbour}, c.Login.Municipalities)
	assert.Equal(t, web.LoginAttempts, c.LoginLimit)

	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "/srv/oppvekst", c.DataDir)
	assert.Equal(t, ":9000", c.Addr)

	c, err = parseConfig([]string{"-addr", "127.0.0.1:1", "-seed=false", "-demo=false"}, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:1", c.Addr, "flags win over the environment")
	assert.False(t, c.Seed)
	assert.False(t, c.Demo)

	env["OPPVEKST_DATABASE_URL"] = "postgres://db.example/oppvekst"
	env["OPPVEKST_DEMO"] = "false"
	env["OPPVEKST_MUNICIPALITIES"] = "0301, 4601"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "postgres://db.example/oppvekst", c.DBURL)
	assert.False(t, c.Demo)
	assert.Equal(t, []domain.Municipality{"0301", "4601"}, c.Login.Municipalities)
	c, err = parseConfig([]string{"-db", "postgres://other/db"}, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "postgres://other/db", c.DBURL)

	// The demo's size: the environment, a flag over it, nothing below 0.
	assert.Zero(t, c.DemoChildren, "the small demo by default")
	env["OPPVEKST_DEMO_CHILDREN"] = "20000"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 20000, c.DemoChildren)
	c, err = parseConfig([]string{"-demo-children", "50000"}, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 50000, c.DemoChildren)
	_, err = parseConfig([]string{"-demo-children", "-1"}, getenv, io.Discard)
	assert.Error(t, err)
	env["OPPVEKST_DEMO_CHILDREN"] = "lots"
	_, err = parseConfig(nil, getenv, io.Discard)
	assert.Error(t, err)
	delete(env, "OPPVEKST_DEMO_CHILDREN")

	// The login limit: the environment, a flag over it, nothing below 1.
	env["OPPVEKST_LOGIN_LIMIT"] = "5"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 5, c.LoginLimit)
	c, err = parseConfig([]string{"-login-limit", "600"}, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 600, c.LoginLimit)
	_, err = parseConfig([]string{"-login-limit", "0"}, getenv, io.Discard)
	assert.Error(t, err)
	env["OPPVEKST_LOGIN_LIMIT"] = "many"
	_, err = parseConfig(nil, getenv, io.Discard)
	assert.Error(t, err)
	delete(env, "OPPVEKST_LOGIN_LIMIT")

	_, err = parseConfig([]string{"-db", "mysql://x"}, getenv, io.Discard)
	assert.Error(t, err)
	_, err = parseConfig([]string{"extra"}, getenv, io.Discard)
	assert.Error(t, err)

	env["OPPVEKST_MUNICIPALITIES"] = "12"
	_, err = parseConfig(nil, getenv, io.Discard)
	assert.Error(t, err, "a bad kommunenummer")
	delete(env, "OPPVEKST_MUNICIPALITIES")

	env["OPPVEKST_IDPORTEN_ISSUER"] = "https://idporten.no"
	_, err = parseConfig(nil, getenv, io.Discard)
	assert.Error(t, err, "an issuer without client and public URL")
	env["OPPVEKST_IDPORTEN_CLIENT_ID"] = "oppvekst"
	env["OPPVEKST_PUBLIC_URL"] = "https://oppvekst.kommune.example/"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	require.NotNil(t, c.Login.IDPorten)
	assert.Equal(t, "https://oppvekst.kommune.example/login/idporten/callback", c.Login.IDPorten.RedirectURL)
	assert.Equal(t, "https://oppvekst.kommune.example/logout/callback", c.Login.IDPorten.PostLogoutURL)
	assert.Equal(t, []string{"pid"}, c.Login.IDPorten.Claims)
	assert.Equal(t, web.IDPortenACR, c.Login.IDPorten.AcceptACR)
	assert.False(t, c.Demo, "OPPVEKST_DEMO=false")
	delete(env, "OPPVEKST_DEMO")
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.False(t, c.Demo, "no demo login by default once ID-porten is configured")
	env["OPPVEKST_DEMO"] = "true"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.True(t, c.Demo, "unless asked for")

	env["OPPVEKST_FEIDE_ISSUER"] = "https://auth.dataporten.no"
	env["OPPVEKST_FEIDE_CLIENT_ID"] = "oppvekst"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err, "Feide needs no staff list: staff are stored")
	env["OPPVEKST_FEIDE_STAFF"] = "/etc/oppvekst/staff.json"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	require.NotNil(t, c.Login.Feide)
	assert.Equal(t, oidc.FeidePrincipal, c.Login.Feide.Claims[0], "the claim Feide documents comes first")
	assert.Equal(t, "https://oppvekst.kommune.example/logout/callback", c.Login.Feide.PostLogoutURL)

	// The issuer is not fetched at start-up: a malformed one is refused here.
	for _, bad := range []string{"idporten.no", "ftp://idporten.no", "https://"} {
		env["OPPVEKST_FEIDE_ISSUER"] = bad
		_, err = parseConfig(nil, getenv, io.Discard)
		assert.Error(t, err, bad)
	}
}

// brokenStore fails every read, like a store whose database is gone.
type brokenStore struct{ web.Store }

func (brokenStore) Units(context.Context, domain.Municipality) ([]domain.Unit, error) {
	return nil, io.ErrUnexpectedEOF
}

func TestHealthzReportsABrokenStore(t *testing.T) {
	a, err := server.New(brokenStore{}, domain.SystemClock{}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	a.Demo = true
	srv := a.Routes()

	for path, want := range map[string]int{"/healthz": http.StatusServiceUnavailable, "/": http.StatusInternalServerError} {
		rec := httptest.NewRecorder()
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		srv.ServeHTTP(rec, req)
		assert.Equal(t, want, rec.Code, path)
	}
}

// The whole app starts while ID-porten does not answer, and serves Feide.
func TestRunStartsWhileAProviderIsDown(t *testing.T) {
	down := webtest.NewLateIDP(t)
	feideIDP := webtest.NewTestIDP(t)
	staffFile := filepath.Join(t.TempDir(), "staff.json")
	require.NoError(t, os.WriteFile(staffFile, []byte(`[]`), 0o600))
	env := map[string]string{
		"OPPVEKST_PUBLIC_URL":         "http://127.0.0.1",
		"OPPVEKST_IDPORTEN_ISSUER":    down.Url,
		"OPPVEKST_IDPORTEN_CLIENT_ID": down.ClientID,
		"OPPVEKST_FEIDE_ISSUER":       feideIDP.Url,
		"OPPVEKST_FEIDE_CLIENT_ID":    feideIDP.ClientID,
		"OPPVEKST_FEIDE_STAFF":        staffFile,
	}
	app := startWith(t, func(k string) string { return env[k] }, t.TempDir(), "-seed=false")
	resp, _ := get(t, app.base+"/readyz")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err := webtest.NoRedirect.Get(app.base + "/login/idporten")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	resp, err = webtest.NoRedirect.Get(app.base + "/login/feide")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), feideIDP.Url+"/authorize?"))
	require.NoError(t, app.stop())
	assert.Contains(t, app.stdout.String(), "login provider unavailable", "the outage is logged")
}

// Sessions live in the store: a restarted app still knows the user, and an
// expired session is over.
func TestSessionsSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	app := start(t, dir)
	resp, err := webtest.NoRedirect.PostForm(app.base+"/login/demo", map[string][]string{"persona": {demo.PersonaGuardian}})
	require.NoError(t, err)
	resp.Body.Close()
	var cookie string
	for _, c := range resp.Cookies() {
		if c.Name == web.SessionCookie {
			cookie = c.Name + "=" + c.Value
			assert.True(t, strings.HasPrefix(c.Value, string(demo.Municipality)+"."))
		}
	}
	require.NotEmpty(t, cookie)
	require.NoError(t, app.stop())

	again := start(t, dir)
	req, err := http.NewRequest("GET", again.base+"/api/v1/me", nil)
	require.NoError(t, err)
	req.Header.Set("Cookie", cookie)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, again.stop())
}

// -today moves the clock to a later day (10:00 in Oslo), in demo mode or
// not, and is refused with PostgreSQL (where a municipality's real
// records live) and for a day already past.
func TestToday(t *testing.T) {
	none := func(string) string { return "" }
	next := domain.Today(domain.SystemClock{}).AddDate(0, 0, 3)
	c, err := parseConfig([]string{"-today", next.String()}, none, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, next, c.Today)
	c, err = parseConfig([]string{"-demo=false", "-today", next.String()}, none, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, next, c.Today)
	_, err = parseConfig([]string{"-db", "postgres://localhost/x", "-today", next.String()}, none, io.Discard)
	assert.ErrorContains(t, err, "embedded database only")
	_, err = parseConfig(nil, func(k string) string {
		return map[string]string{"OPPVEKST_TODAY": next.String(), "OPPVEKST_DATABASE_URL": "postgres://localhost/x"}[k]
	}, io.Discard)
	assert.ErrorContains(t, err, "embedded database only")
	_, err = parseConfig([]string{"-today", next.AddDate(0, 0, -10).String()}, none, io.Discard)
	assert.ErrorContains(t, err, "today or later")
	_, err = parseConfig([]string{"-today", "2026-02-30"}, none, io.Discard)
	assert.ErrorContains(t, err, "today or later")
}
