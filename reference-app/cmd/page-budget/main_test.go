package main

import (
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
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
