package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/conformance"
)

// TestConformanceOverHTTP runs every public vector against the running app,
// over HTTP, as a standards body would.
func TestConformanceOverHTTP(t *testing.T) {
	app := start(t, t.TempDir())
	defer func() { _ = app.stop() }()

	vectors, err := conformance.Load("../conformance/vectors")
	require.NoError(t, err)
	require.NotEmpty(t, vectors)
	client := &http.Client{Timeout: 10 * time.Second}
	rep := conformance.Run(context.Background(), conformance.Remote(app.base, client), vectors)
	for _, r := range rep.Results {
		if !r.OK {
			t.Errorf("%s: %s: %s", r.ID, r.Field, r.Detail)
		}
	}
	assert.Equal(t, len(vectors), rep.Passed)

	// Only POST is routed to the harness; GET falls to the app's pages.
	req, err := http.NewRequest(http.MethodPut, app.base+conformance.EvaluatePath, nil)
	require.NoError(t, err)
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	resp, err = client.Post(app.base+conformance.EvaluatePath, "application/json", strings.NewReader(`{"kind":"astrology","input":{}}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
}
