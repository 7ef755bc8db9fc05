package webtest

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

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/oidc"
	"github.com/oppvekst/oppvekst/specialed"
)

// AuditedAs returns the entries of the action, newest first, of the
// municipality's last 2,000.
func (ta *Harness) AuditedAs(t *testing.T, action string) []domain.AuditEntry {
	t.Helper()
	entries, err := ta.DB.AuditEntries(t.Context(), demo.Municipality, domain.ChildID{}, domain.AuditID{}, 2000)
	require.NoError(t, err)
	var out []domain.AuditEntry
	for _, e := range entries {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// ChildrenAuditedAs counts the children the entries of the action name:
// one for an entry about a child, each child of a list's one entry.
func (ta *Harness) ChildrenAuditedAs(t *testing.T, action string) int {
	t.Helper()
	n := 0
	for _, e := range ta.AuditedAs(t, action) {
		if !e.ChildID.IsZero() {
			n++
		}
		n += len(e.Children)
	}
	return n
}

// Now is a Monday in the school year, noon in Oslo.
var Now = time.Date(2025, time.November, 24, 12, 0, 0, 0, domain.Oslo())

// Store is what a harness's store is, whatever the database: the app's
// store and the special-education records.
type Store interface {
	web.Store
	specialed.Store
}

// Harness is the app on a seeded store behind an httptest server: SQLite
// (New) or PostgreSQL (NewPostgres).
type Harness struct {
	App *web.App
	// Store is the SQLite store of New (nil on PostgreSQL); DB is the
	// store whatever the database, for tests that run on both.
	Store    *sqlite.Store
	DB       Store
	Srv      *httptest.Server
	Personas map[string]demo.Persona
	// SQL counts the statements sent to PostgreSQL (nil on SQLite).
	SQL *Statements
	// Seeded records the tests refer to.
	Sofie, Aurora, Kaja         domain.ChildID
	NordbySFO, Bjorkelia, Fjell domain.UnitID
}

// New is the app on a copy of the seeded SQLite database.
func New(t *testing.T) *Harness {
	t.Helper()
	store := seededStore(t)
	ta := build(t, store)
	ta.Store = store
	return ta
}

// NewPostgres is the app on PostgreSQL: a schema of its own in the test
// database (PostgresURL; skipped without OPPVEKST_TEST_POSTGRES, except in
// CI), seeded with the demo and the neighbour municipality at Now.
func NewPostgres(t *testing.T) *Harness {
	t.Helper()
	ctx := context.Background()
	sql := &Statements{}
	store, err := postgres.Open(ctx, postgres.Options{URL: PostgresURL(t), Tracer: sql})
	require.NoError(t, err)
	t.Cleanup(store.Close)
	clock := domain.FixedClock(Now)
	require.NoError(t, demo.Seed(ctx, store, clock))
	require.NoError(t, demo.SeedNeighbour(ctx, store, clock))
	ta := build(t, store)
	ta.SQL = sql
	return ta
}

// build is the app on the seeded store, with the seeded records the
// tests refer to found.
func build(t *testing.T, store Store) *Harness {
	t.Helper()
	ctx := context.Background()
	clock := domain.FixedClock(Now)
	a, err := server.New(store, clock, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	a.Demo = true
	a.LoginLimiter = web.NewLimiter(100000, time.Minute)
	a.Personas, err = demo.Personas(ctx, store)
	require.NoError(t, err)
	a.Providers["test"] = web.LoginProvider{IDP: fakeIDP{}, Kind: web.GuardianLogin}
	ta := &Harness{App: a, DB: store, Personas: map[string]demo.Persona{}}
	for _, p := range a.Personas {
		ta.Personas[p.Key] = p
	}
	require.Len(t, ta.Personas, 12, "every persona is found in the seed")
	children, err := store.Children(ctx, demo.Municipality)
	require.NoError(t, err)
	for _, c := range children {
		switch c.GivenName + " " + c.FamilyName {
		case "Sofie Berg":
			ta.Sofie = c.ID
		case "Aurora Solheim":
			ta.Aurora = c.ID
		}
	}
	kids, err := store.Children(ctx, demo.Neighbour)
	require.NoError(t, err)
	ta.Kaja = kids[0].ID
	units, err := store.Units(ctx, demo.Municipality)
	require.NoError(t, err)
	for _, u := range units {
		switch u.Name {
		case "Nordby SFO":
			ta.NordbySFO = u.ID
		case "Bjørkelia barnehage":
			ta.Bjorkelia = u.ID
		}
	}
	units, err = store.Units(ctx, demo.Neighbour)
	require.NoError(t, err)
	ta.Fjell = units[0].ID
	ta.Srv = httptest.NewServer(a.Routes())
	t.Cleanup(ta.Srv.Close)
	return ta
}

// seeded holds the files of a database seeded with the demo and the
// neighbour municipality at Now: seeding takes far longer than copying
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
	clock := domain.FixedClock(Now)
	if err := errors.Join(demo.Seed(ctx, s, clock), demo.SeedNeighbour(ctx, s, clock), s.Close()); err != nil {
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
	return OpenSQLite(t, filepath.Join(dir, "oppvekst.db"))
}

// fakeIDP is an identity provider that is never called back in these tests.
type fakeIDP struct{}

func (fakeIDP) AuthCodeURL(_ context.Context, state, nonce, verifier string) (string, error) {
	return "https://idp.example/authorize?state=" + state, nil
}

func (fakeIDP) Exchange(context.Context, string, string, string) (oidc.Identity, error) {
	return oidc.Identity{}, domain.ErrForbidden
}

func (fakeIDP) LogoutURL(context.Context, string, string, string) (string, error) { return "", nil }

// CookieFor starts a session for the persona ("" is no session) and
// returns its cookie header.
func (ta *Harness) CookieFor(t *testing.T, key string) string {
	t.Helper()
	if key == "" {
		return ""
	}
	p, ok := ta.Personas[key]
	require.True(t, ok, key)
	value, err := ta.App.Sessions.Create(t.Context(), web.Session{Actor: p.Actor, Name: p.Name, Persona: p.Key}, time.Now())
	require.NoError(t, err)
	return web.SessionCookie + "=" + value
}

// Response is an answer read in full.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// NoRedirect is a client that returns redirects instead of following them.
var NoRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Do sends a request with the cookie (and the content type for a body).
func (ta *Harness) Do(t *testing.T, cookie, method, path, contentType, body string, header ...string) Response {
	t.Helper()
	req, err := http.NewRequest(method, ta.Srv.URL+path, strings.NewReader(body))
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
	resp, err := NoRedirect.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}
