// Package folkeregistertest is a local stand-in for Skatteetaten's
// Folkeregister API ("offentlig med hjemmel"), for contract tests of
// adapters/folkeregister and for tests of the register workflow. It serves
// person documents and the event feed in the documented JSON shapes, and
// accepts any Maskinporten bearer token as opaque (a request without one
// is 401, as the service answers).
//
// The sample documents in testdata are written from the documented schema
// and describe fictional people with synthetic national IDs (month + 80,
// the form of Skatteetaten's test population):
//
//	14832050033 Emma Fjellheim     child, ugradert, parents share the responsibility and live with her
//	02868810281 Ingrid Fjellheim   Emma's mother
//	23918610057 Lars Fjellheim     Emma's father
//	05892150062 Noah Berget        child; the mother holds the responsibility alone (ansvar "mor"),
//	                               a shared residence (deltBosted) with the father
//	17819020140 Sara Berget        Noah's mother, fortrolig
//	30848920068 Jonas Lie          Noah's father, no parental responsibility
//	01921950043 Aksel Strand       child, strengtFortrolig (no address in the register)
//	49871850010 Mia Haugen         child with a D-number, strengtFortroligUtland
//	29822050180 Olav Dahl          child who died (doedsfall), a cadastral address
//	20851950088 Selma Nilsen       child who moved from Oslo (0301) to Bergen (4601)
//
// The feed (testdata/feed.json) has one event for each of those changes,
// and one about a person the register does not serve.
package folkeregistertest

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

//go:embed testdata
var testdata embed.FS

// Testdata returns the sample documents: personer/{id}.json and feed.json.
func Testdata() fs.FS {
	sub, err := fs.Sub(testdata, "testdata")
	if err != nil {
		panic(err)
	}
	return sub
}

// Prefix is the path of the rights package "offentlig med hjemmel",
// version 1, as in the real service's URLs.
const Prefix = "/folkeregisteret/offentlig-med-hjemmel/api/v1/"

// PageSize is the number of events in one feed page (the documented fixed
// page size).
const PageSize = 1000

// Event is one entry of the feed, in the documented shape.
type Event struct {
	Sekvensnummer int64 `json:"sekvensnummer"`
	Hendelse      struct {
		Folkeregisteridentifikator string `json:"folkeregisteridentifikator"`
		Hendelsestype              string `json:"hendelsestype"`
		Hendelsesdokument          string `json:"hendelsesdokument"`
		Persondokument             string `json:"persondokument"`
		Ajourholdstidspunkt        string `json:"ajourholdstidspunkt"`
	} `json:"hendelse"`
}

// Register is the served state: person documents by national ID and the
// feed. It is safe for concurrent use.
type Register struct {
	mu       sync.Mutex
	persons  map[string]json.RawMessage
	feed     []Event
	requests []*http.Request
	// Fail, when set, answers every request with this status (and the
	// documented error body), to test error handling.
	fail int
}

// Load reads personer/*.json and feed.json from fsys.
func Load(fsys fs.FS) (*Register, error) {
	r := &Register{persons: map[string]json.RawMessage{}}
	names, err := fs.Glob(fsys, "personer/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if !json.Valid(b) {
			return nil, fmt.Errorf("folkeregistertest: %s is not JSON", name)
		}
		r.persons[strings.TrimSuffix(path.Base(name), ".json")] = b
	}
	b, err := fs.ReadFile(fsys, "feed.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &r.feed); err != nil {
		return nil, fmt.Errorf("folkeregistertest: feed.json: %w", err)
	}
	sort.Slice(r.feed, func(i, j int) bool { return r.feed[i].Sekvensnummer < r.feed[j].Sekvensnummer })
	return r, nil
}

// Start loads the sample documents and serves them on a local server
// closed when the test ends. The base URL for folkeregister.Options is
// srv.URL + Prefix.
func Start(t testing.TB) (*Register, *httptest.Server) {
	t.Helper()
	r, err := Load(Testdata())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv
}

// Publish replaces (or adds) a person's document and appends an event of
// the given hendelsestype about them; it returns the event's sequence
// number.
func (r *Register) Publish(nationalID, hendelsestype string, doc []byte) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if doc != nil {
		r.persons[nationalID] = append(json.RawMessage(nil), doc...)
	}
	var e Event
	e.Sekvensnummer = 1
	if n := len(r.feed); n > 0 {
		e.Sekvensnummer = r.feed[n-1].Sekvensnummer + 1
	}
	e.Hendelse.Folkeregisteridentifikator = nationalID
	e.Hendelse.Hendelsestype = hendelsestype
	e.Hendelse.Hendelsesdokument = fmt.Sprintf("%032x", e.Sekvensnummer)
	e.Hendelse.Persondokument = fmt.Sprintf("%s%021d", nationalID, e.Sekvensnummer)
	e.Hendelse.Ajourholdstidspunkt = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC).Add(time.Duration(e.Sekvensnummer) * time.Minute).Format(time.RFC3339)
	r.feed = append(r.feed, e)
	return e.Sekvensnummer
}

// Document returns the stored document of a person.
func (r *Register) Document(nationalID string) ([]byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.persons[nationalID]
	return b, ok
}

// Fail makes every following request answer with status (0 stops it).
func (r *Register) Fail(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = status
}

// Requests returns the requests served so far.
func (r *Register) Requests() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.requests...)
}

func writeError(w http.ResponseWriter, status int, kode, melding string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"kode": kode, "melding": melding})
}

// ServeHTTP serves GET {Prefix}personer/{id}, GET {Prefix}hendelser/feed?seq=n
// and GET {Prefix}hendelser/feed/{n}.
func (r *Register) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.requests = append(r.requests, req.Clone(req.Context()))
	fail := r.fail
	r.mu.Unlock()
	if fail != 0 {
		if fail == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1000")
		}
		writeError(w, fail, "FREG-"+strconv.Itoa(fail), "Feil i tjenesten. Vennligst prøv igjen seinere.")
		return
	}
	tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		writeError(w, http.StatusUnauthorized, "FREG-401", "Autentiseringsinformasjon mangler")
		return
	}
	if req.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, "FREG-405", "Metoden støttes ikke")
		return
	}
	if a := req.Header.Get("Accept"); a != "" && !strings.Contains(a, "application/json") && !strings.Contains(a, "*/*") {
		writeError(w, http.StatusNotAcceptable, "FREG-406", "Accept må være application/json")
		return
	}
	rest, ok := strings.CutPrefix(req.URL.Path, Prefix)
	if !ok {
		writeError(w, http.StatusNotFound, "FREG-404", "Feil uri brukt.")
		return
	}
	switch {
	case strings.HasPrefix(rest, "personer/"):
		id := strings.TrimPrefix(rest, "personer/")
		doc, found := r.Document(id)
		if !found {
			writeError(w, http.StatusNotFound, "FREG-404", "Personen finnes ikke")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	case rest == "hendelser/feed" || rest == "hendelser/feed/" || strings.HasPrefix(rest, "hendelser/feed/"):
		seqText := req.URL.Query().Get("seq")
		if s := strings.TrimPrefix(rest, "hendelser/feed/"); s != "" && s != rest {
			seqText = s
		}
		seq := int64(1)
		if seqText != "" {
			n, err := strconv.ParseInt(seqText, 10, 64)
			if err != nil || n < 0 {
				writeError(w, http.StatusBadRequest, "FREG-400", "Ugyldig sekvensnummer")
				return
			}
			seq = n
		}
		r.mu.Lock()
		page := []Event{}
		for _, e := range r.feed {
			if e.Sekvensnummer >= seq && len(page) < PageSize {
				page = append(page, e)
			}
		}
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	default:
		writeError(w, http.StatusNotFound, "FREG-404", "Feil uri brukt.")
	}
}
