package main

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
)

// Every GET /api/ route of the app is measured or listed as skipped with
// its reason: those whose parameters the personas' pages fill are given a
// path for every persona, the others are skipped and say why.
func TestAPIRoutes(t *testing.T) {
	s, err := sqlite.Open(t.Context(), sqlite.Options{Path: t.TempDir() + "/o.db"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	a, err := server.New(s, domain.FixedClock(now), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	routes := pageRoutes(a)
	apis := apiRoutes(a)
	require.NotEmpty(t, apis)

	// One persona reaches a child's page, the other nothing.
	reached := map[string]map[string][]string{
		"one":   {"/children/{childId}": {"/children/c1", "/children/c2"}},
		"other": {},
	}
	paths, skipped := apiPaths(apis, routes, reached, []string{"one", "other"})
	var all []string
	for _, rt := range a.RouteTable() {
		if rt.Method == http.MethodGet && strings.HasPrefix(rt.Path, "/api/") {
			all = append(all, rt.Path)
		}
	}
	filled := 0
	for _, p := range all {
		_, measured := paths[p]
		why, skip := skipped[p]
		assert.True(t, measured != skip, "%s: measured or skipped, not both nor neither", p)
		if skip {
			assert.NotEmpty(t, why, "%s: skipped with a reason", p)
			continue
		}
		for _, persona := range []string{"one", "other"} {
			path := paths[p][persona]
			assert.NotContains(t, path, "{", "%s as %s: every parameter filled", p, persona)
		}
		if strings.Contains(p, "{childId}") {
			filled++
			assert.Contains(t, paths[p]["one"], "/c1", "%s: the persona's own child", p)
			assert.Contains(t, paths[p]["other"], "/c1", "%s: another persona's child, for a persona that reaches none", p)
		}
	}
	assert.Positive(t, filled, "routes of a child are measured")
	assert.Contains(t, paths, "/api/v1/reports/basil", "a route without parameters is always measured")
	for p := range apiSkip {
		assert.Contains(t, all, p, "a skipped route is a route of the app")
	}
	for p, why := range skipped {
		if _, listed := apiSkip[p]; !listed {
			assert.Contains(t, why, "no persona's pages link", p)
		}
	}
}
