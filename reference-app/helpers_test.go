package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
)

// testNow is a Monday in the school year, noon in Oslo.
var testNow = time.Date(2025, time.November, 24, 12, 0, 0, 0, domain.Oslo())

// testApp is the app on a seeded SQLite store behind an httptest server.
type testApp struct {
	a        *app
	store    *sqlite.Store
	srv      *httptest.Server
	personas map[string]persona
	// Seeded records the tests refer to.
	sofie, aurora, kaja         domain.ChildID
	nordbySFO, bjorkelia, fjell domain.UnitID
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	ctx := context.Background()
	store := seededStore(t)
	clock := domain.FixedClock(testNow)
	a, err := newApp(store, clock, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	a.demo = true
	a.loginLimiter = newLimiter(100000, time.Minute)
	a.personas, err = findPersonas(ctx, store)
	require.NoError(t, err)
	a.providers["test"] = loginProvider{idp: fakeIDP{}, kind: guardianLogin}
	ta := &testApp{a: a, store: store, personas: map[string]persona{}}
	for _, p := range a.personas {
		ta.personas[p.Key] = p
	}
	require.Len(t, ta.personas, 10, "every persona is found in the seed")
	children, err := store.Children(ctx, demoMunicipality)
	require.NoError(t, err)
	for _, c := range children {
		switch c.GivenName + " " + c.FamilyName {
		case "Sofie Berg":
			ta.sofie = c.ID
		case "Aurora Solheim":
			ta.aurora = c.ID
		}
	}
	kids, err := store.Children(ctx, neighbourMunicipality)
	require.NoError(t, err)
	ta.kaja = kids[0].ID
	units, err := store.Units(ctx, demoMunicipality)
	require.NoError(t, err)
	for _, u := range units {
		switch u.Name {
		case "Nordby SFO":
			ta.nordbySFO = u.ID
		case "Bjørkelia barnehage":
			ta.bjorkelia = u.ID
		}
	}
	units, err = store.Units(ctx, neighbourMunicipality)
	require.NoError(t, err)
	ta.fjell = units[0].ID
	ta.srv = httptest.NewServer(a.routes())
	t.Cleanup(ta.srv.Close)
	return ta
}

// seeded holds the files of a database seeded with the demo and the
// neighbour municipality at testNow: seeding takes far longer than copying
// the result, so it is done once and every test app gets a copy.
var seeded = sync.OnceValues(func() (map[string][]byte, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "oppvekst-seeded-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	s, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(dir, "oppvekst.db")})
	if err != nil {
		return nil, err
	}
	clock := domain.FixedClock(testNow)
	if err := errors.Join(seedDemo(ctx, s, clock), seedNeighbour(ctx, s, clock), s.Close()); err != nil {
		return nil, err
	}
	// The database file, and its WAL if closing left one.
	files := map[string][]byte{}
	for _, name := range []string{"oppvekst.db", "oppvekst.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		files[name] = b
	}
	return files, nil
})

// seededStore opens a copy of the seeded database, closed when the test
// ends.
func seededStore(t testing.TB) *sqlite.Store {
	t.Helper()
	files, err := seeded()
	require.NoError(t, err)
	dir := t.TempDir()
	for name, b := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o600))
	}
	return openSQLite(t, filepath.Join(dir, "oppvekst.db"))
}

// fakeIDP is an identity provider that is never called back in these tests.
type fakeIDP struct{}

func (fakeIDP) AuthCodeURL(_ context.Context, state, nonce, verifier string) (string, error) {
	return "https://idp.example/authorize?state=" + state, nil
}

func (fakeIDP) Exchange(context.Context, string, string, string) (identity, error) {
	return identity{}, domain.ErrForbidden
}

func (fakeIDP) LogoutURL(context.Context, string, string, string) (string, error) { return "", nil }

// cookieFor starts a session for the persona ("" is no session) and
// returns its cookie header.
func (ta *testApp) cookieFor(t *testing.T, key string) string {
	t.Helper()
	if key == "" {
		return ""
	}
	p, ok := ta.personas[key]
	require.True(t, ok, key)
	value, err := ta.a.sessions.create(t.Context(), session{actor: p.Actor, name: p.Name, persona: p.Key}, time.Now())
	require.NoError(t, err)
	return sessionCookie + "=" + value
}

// response is an answer read in full.
type response struct {
	status int
	header http.Header
	body   string
}

// noRedirect is a client that returns redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends a request with the cookie (and the content type for a body).
func (ta *testApp) do(t *testing.T, cookie, method, path, contentType, body string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, ta.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}
