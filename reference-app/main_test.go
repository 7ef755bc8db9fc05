package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
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
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &syncBuffer{}
	addrs := make(chan string, 1)
	done := make(chan error, 1)
	args := append([]string{"-data", dataDir, "-addr", "127.0.0.1:0"}, extra...)
	go func() {
		done <- runWith(ctx, args, getenv, stdout, options{ready: func(addr string) { addrs <- addr }})
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
		s := openSQLite(t, filepath.Join(dir, "oppvekst.db"))
		counts = append(counts, readDemo(t, s).counts())
		require.NoError(t, s.Close())
	}
	assert.Equal(t, 150, counts[0]["children"])
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
	assert.Equal(t, "./oppvekst-data", c.dataDir)
	assert.Equal(t, "127.0.0.1:8080", c.addr)
	assert.True(t, c.seed)
	assert.True(t, c.demo, "demo mode is the default of go run")
	assert.Empty(t, c.dbURL)
	assert.Nil(t, c.login.idporten)
	assert.Equal(t, []domain.Municipality{demoMunicipality, neighbourMunicipality}, c.login.municipalities)
	assert.Equal(t, loginAttempts, c.loginLimit)

	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "/srv/oppvekst", c.dataDir)
	assert.Equal(t, ":9000", c.addr)

	c, err = parseConfig([]string{"-addr", "127.0.0.1:1", "-seed=false", "-demo=false"}, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:1", c.addr, "flags win over the environment")
	assert.False(t, c.seed)
	assert.False(t, c.demo)

	env["OPPVEKST_DATABASE_URL"] = "postgres://db.example/oppvekst"
	env["OPPVEKST_DEMO"] = "false"
	env["OPPVEKST_MUNICIPALITIES"] = "0301, 4601"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "postgres://db.example/oppvekst", c.dbURL)
	assert.False(t, c.demo)
	assert.Equal(t, []domain.Municipality{"0301", "4601"}, c.login.municipalities)
	c, err = parseConfig([]string{"-db", "postgres://other/db"}, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "postgres://other/db", c.dbURL)

	// The login limit: the environment, a flag over it, nothing below 1.
	env["OPPVEKST_LOGIN_LIMIT"] = "5"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 5, c.loginLimit)
	c, err = parseConfig([]string{"-login-limit", "600"}, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 600, c.loginLimit)
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
	require.NotNil(t, c.login.idporten)
	assert.Equal(t, "https://oppvekst.kommune.example/login/idporten/callback", c.login.idporten.RedirectURL)
	assert.Equal(t, "https://oppvekst.kommune.example/logout/callback", c.login.idporten.PostLogoutURL)
	assert.Equal(t, []string{"pid"}, c.login.idporten.Claims)
	assert.Equal(t, idportenACR, c.login.idporten.AcceptACR)
	assert.False(t, c.demo, "OPPVEKST_DEMO=false")
	delete(env, "OPPVEKST_DEMO")
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.False(t, c.demo, "no demo login by default once ID-porten is configured")
	env["OPPVEKST_DEMO"] = "true"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.True(t, c.demo, "unless asked for")

	env["OPPVEKST_FEIDE_ISSUER"] = "https://auth.dataporten.no"
	env["OPPVEKST_FEIDE_CLIENT_ID"] = "oppvekst"
	_, err = parseConfig(nil, getenv, io.Discard)
	assert.Error(t, err, "Feide needs the staff list")
	env["OPPVEKST_FEIDE_STAFF"] = "/etc/oppvekst/staff.json"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	require.NotNil(t, c.login.feide)
	assert.Equal(t, feidePrincipal, c.login.feide.Claims[0], "the claim Feide documents comes first")
	assert.Equal(t, "https://oppvekst.kommune.example/logout/callback", c.login.feide.PostLogoutURL)

	// The issuer is not fetched at start-up: a malformed one is refused here.
	for _, bad := range []string{"idporten.no", "ftp://idporten.no", "https://"} {
		env["OPPVEKST_FEIDE_ISSUER"] = bad
		_, err = parseConfig(nil, getenv, io.Discard)
		assert.Error(t, err, bad)
	}
}

// brokenStore fails every read, like a store whose database is gone.
type brokenStore struct{ appStore }

func (brokenStore) Units(context.Context, domain.Municipality) ([]domain.Unit, error) {
	return nil, io.ErrUnexpectedEOF
}

func TestHealthzReportsABrokenStore(t *testing.T) {
	a, err := newApp(brokenStore{}, domain.SystemClock{}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	a.demo = true
	srv := a.routes()

	for path, want := range map[string]int{"/healthz": http.StatusServiceUnavailable, "/": http.StatusInternalServerError} {
		rec := httptest.NewRecorder()
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		srv.ServeHTTP(rec, req)
		assert.Equal(t, want, rec.Code, path)
	}
}
