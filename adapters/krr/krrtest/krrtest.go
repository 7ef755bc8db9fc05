// Package krrtest is a local stand-in for the lookup service of Digdir's
// contact and reservation register (KRR), for contract tests of
// adapters/krr and for tests of notification routing. It replays recorded
// answers: every *.json file of the given directory is an answer
// {"personer": [...]} in the documented form, and the server answers
// POST {Path} with the recorded object of each asked ID, in the order
// asked. An ID no file has is answered with status IKKE_REGISTRERT and
// varslingsstatus KAN_IKKE_VARSLES.
//
// As the real service, it refuses a request without a bearer token (401),
// a method other than POST (405), a body that is not JSON with 1 to 1000
// personidentifikatorer (400). It records every request it accepted, so a
// test can check what was sent, and can be told to fail (Fail) to play an
// unreachable register.
package krrtest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Path is the path of the lookup endpoint below the server's root; the
// base URL for krr.Options is srv.URL + "/rest/v1/".
const Path = "/rest/v1/personer"

// Request is one accepted request: its bearer token and the IDs asked.
type Request struct {
	Method      string
	Path        string
	ContentType string
	Token       string
	IDs         []string
}

// Register is the replayed state. It is safe for concurrent use.
type Register struct {
	mu       sync.Mutex
	persons  map[string]json.RawMessage
	requests []Request
	fail     int
}

// Load reads every *.json answer of fsys's root.
func Load(fsys fs.FS) (*Register, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	r := &Register{persons: map[string]json.RawMessage{}}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var ans struct {
			Personer []json.RawMessage `json:"personer"`
		}
		if err := json.Unmarshal(b, &ans); err != nil {
			return nil, fmt.Errorf("krrtest: %s: %w", path.Base(name), err)
		}
		for i, p := range ans.Personer {
			var id struct {
				Personidentifikator string `json:"personidentifikator"`
			}
			if err := json.Unmarshal(p, &id); err != nil || id.Personidentifikator == "" {
				return nil, fmt.Errorf("krrtest: %s: personer[%d] has no personidentifikator", name, i)
			}
			r.persons[id.Personidentifikator] = p
		}
	}
	return r, nil
}

// Start loads fsys and serves it on a local server closed when the test
// ends.
func Start(t testing.TB, fsys fs.FS) (*Register, *httptest.Server) {
	t.Helper()
	r, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv
}

// IDs lists the recorded national IDs, sorted.
func (r *Register) IDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.persons))
}

// Requests returns the accepted requests so far.
func (r *Register) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.requests)
}

// Fail makes the server answer with status (for example 503) until it is
// called with 0.
func (r *Register) Fail(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = status
}

// ServeHTTP answers the lookup endpoint.
func (r *Register) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path != Path {
		http.NotFound(w, req)
		return
	}
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		problem(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	token, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		problem(w, http.StatusUnauthorized, "missing bearer token")
		return
	}
	var body struct {
		Personidentifikatorer []string `json:"personidentifikatorer"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, req.Body, 1<<20)).Decode(&body); err != nil ||
		len(body.Personidentifikatorer) == 0 || len(body.Personidentifikatorer) > 1000 {
		problem(w, http.StatusBadRequest, "personidentifikatorer must hold 1 to 1000 IDs")
		return
	}
	r.mu.Lock()
	fail := r.fail
	if fail == 0 {
		r.requests = append(r.requests, Request{Method: req.Method, Path: req.URL.Path,
			ContentType: req.Header.Get("Content-Type"), Token: token, IDs: body.Personidentifikatorer})
	}
	out := make([]json.RawMessage, 0, len(body.Personidentifikatorer))
	for _, id := range body.Personidentifikatorer {
		p, ok := r.persons[id]
		if !ok {
			p, _ = json.Marshal(map[string]string{"personidentifikator": id, "status": "IKKE_REGISTRERT", "varslingsstatus": "KAN_IKKE_VARSLES"})
		}
		out = append(out, p)
	}
	r.mu.Unlock()
	if fail != 0 {
		problem(w, fail, "unavailable")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"personer": out})
}

func problem(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}
