package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// The page routes are the app's GET pages without login and logout, and a
// path is matched to the route with the fewest parameters.
func TestPageRoutesAndMatch(t *testing.T) {
	s, err := sqlite.Open(t.Context(), sqlite.Options{Path: t.TempDir() + "/o.db"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	a, err := server.New(s, domain.FixedClock(now), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	routes := pageRoutes(a)
	paths := map[string]bool{}
	for _, r := range routes {
		paths[r.path] = true
	}
	assert.True(t, paths["/children/{childId}"])
	assert.True(t, paths["/{$}"])
	assert.False(t, paths["/login"], "the login page is left out")
	assert.False(t, paths["/logout/callback"], "the logout is left out")

	for path, want := range map[string]string{
		"/":                        "/{$}",
		"/admission/intakes/new":   "/admission/intakes/new",
		"/admission/intakes/abc":   "/admission/intakes/{intakeId}",
		"/children/abc/fees":       "/children/{childId}/fees",
		"/admission/intakes/a/b/c": "",
	} {
		r, ok := match(routes, path)
		assert.Equal(t, want != "", ok, path)
		assert.Equal(t, want, r.path, path)
	}
}

// A route no page links is filled from a route the persona reached whose
// path is a prefix of it with the same parameters, never with a new one.
func TestUnlinked(t *testing.T) {
	routes := []route{{path: "/children/{childId}"}, {path: "/children/{childId}/export"},
		{path: "/children/{childId}/school-start/{intakeId}/letter"}, {path: "/admission/runs/{runId}"}, {path: "/admission/runs/{runId}/approved"}}
	found := map[string][]string{"/children/{childId}": {"/children/a", "/children/b"}, "/admission/runs/{runId}/approved": {"/admission/runs/x/approved"}}
	unlinked(routes, found)
	assert.Equal(t, []string{"/children/a/export", "/children/b/export"}, found["/children/{childId}/export"])
	assert.Empty(t, found["/children/{childId}/school-start/{intakeId}/letter"], "a new parameter is not guessed")
	assert.Equal(t, []string{"/admission/runs/x/approved"}, found["/admission/runs/{runId}/approved"], "what was reached is kept")
	assert.Empty(t, found["/admission/runs/{runId}"])
}

// The workload goes through on the demo: every step answers as it
// should, and leaves what the pages of its results show.
func TestWorkload(t *testing.T) {
	ctx := t.Context()
	s, err := sqlite.Open(ctx, sqlite.Options{Path: t.TempDir() + "/o.db"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	st := sqliteStore{s}
	require.NoError(t, demo.Seed(ctx, st, domain.FixedClock(now)))
	a, err := server.New(st, domain.FixedClock(now), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	a.Demo = true
	a.Personas, err = demo.Personas(ctx, st)
	require.NoError(t, err)
	srv := httptest.NewServer(a.Routes())
	t.Cleanup(srv.Close)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	clients := map[string]client{}
	for _, p := range a.Personas {
		value, err := a.Sessions.Create(ctx, web.Session{Actor: p.Actor, Name: p.Name, Persona: p.Key}, time.Now())
		require.NoError(t, err)
		clients[p.Key] = client{srv: srv, http: noRedirect, cookie: web.SessionCookie + "=" + value}
	}
	steps, err := workload(ctx, st, clients, thisMonth(now))
	require.NoError(t, err)
	done := map[string]bool{}
	for _, s := range steps {
		assert.Empty(t, s.note, "%s: %d", s.what, s.status)
		done[strings.Fields(s.what)[0]+" "+strings.Fields(s.what)[1]] = true
	}
	for _, want := range []string{"allocation run", "approval of", "school starters", "invoice run", "credit note", "municipality event", "unit event", "special-education decision", "special-education attachment"} {
		assert.True(t, done[want], want)
	}
	runs, err := st.FeeDecisions(ctx, demo.Municipality)
	require.NoError(t, err)
	assert.NotEmpty(t, runs, "the invoice run made fee decisions")
}

// The filter keeps the pages its expression matches and the personas
// named; empty flags keep everything; a bad expression is an error.
func TestFilter(t *testing.T) {
	f, err := newFilter("", "", "")
	require.NoError(t, err)
	assert.True(t, f.page("/children/{childId}/export"))
	assert.True(t, f.persona(demo.PersonaCaseworker))

	f, err = newFilter(`^/(invoices|children/\{childId\}/fees)$`, "guardian, guardian-2", "")
	require.NoError(t, err)
	assert.True(t, f.page("/invoices"))
	assert.True(t, f.page("/children/{childId}/fees"))
	assert.False(t, f.page("/invoices/{invoiceId}"))
	assert.False(t, f.page("/children/{childId}/export"))
	assert.True(t, f.persona("guardian"))
	assert.True(t, f.persona("guardian-2"))
	assert.False(t, f.persona("caseworker"))

	_, err = newFilter("(", "", "")
	assert.Error(t, err)
}
