package main

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/loadtest"
)

func TestRun(t *testing.T) {
	var hits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login/demo", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "s", Value: r.FormValue("persona"), Path: "/"})
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /api/v1/children", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"items":[{"id":"a"},{"id":"b"}]}`))
	})
	mux.HandleFunc("GET /api/v1/children/{id}", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("s"); err != nil || c.Value != "staff-nordby" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		hits.Add(1)
	})
	mux.HandleFunc("GET /fail", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	require.NoError(t, run(srv.URL, "staff-nordby", "", 200, loadtest.Config{Method: "GET", Path: "/api/v1/children/{child}", Rate: 100, Duration: 300 * time.Millisecond}))
	assert.Equal(t, int64(30), hits.Load(), "rate × duration requests, all logged in")
	assert.Error(t, run(srv.URL, "staff-nordby", "", 200, loadtest.Config{Method: "GET", Path: "/fail", Rate: 100, Duration: 100 * time.Millisecond}), "errors are reported")
}
