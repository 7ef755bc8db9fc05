package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/loadtest"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// A short scripts/checkin-load (issue 22), so that it cannot rot: 100
// check-ins a second for 2 s through loadgen's package, each a new event,
// and the same to the bare check-in (-load-test), on SQLite and on
// PostgreSQL. Every request is answered without an error, and every
// check-in answered is stored exactly once, none lost and none twice.
// The latencies are printed, not asserted (the machine is shared).
func TestCheckInLoad(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"-load-test"}
			var dbURL string
			if store == "postgres" {
				dbURL = webtest.PostgresURL(t)
				args = append(args, "-db", dbURL)
			}
			app := start(t, dir, args...)
			s, err := loadtest.Login(app.base, demo.PersonaOtherStaff, 200)
			require.NoError(t, err)
			require.NotEmpty(t, s.Children)

			load := loadtest.Config{Method: "POST", Rate: 100, Duration: 2 * time.Second, Keep: true,
				Body: `{"key":"test-load-{seq}","at":"{day}T07:30:00Z"}`}
			bare := load
			bare.Path = strings.Replace(web.BareCheckPath, "{childId}", "{child}", 1)
			b := s.Run(bare)
			t.Logf("bare:    %s", b)
			assert.Zero(t, b.Errors(), b.String())
			load.Path = "/api/v1/children/{child}/check-in"
			r := s.Run(load)
			t.Logf("project: %s", r)
			assert.Zero(t, r.Errors(), r.String())
			require.Len(t, r.Answers, 200)
			if runtime.GOOS == "linux" {
				// The app's CPU a request (GET /load-test/cpu) is measured.
				assert.Positive(t, b.AppCPU, "the bare check-in's CPU")
				assert.Positive(t, r.AppCPU, "the check-in's CPU")
			}

			answered := map[string]string{} // check ID → key
			for _, a := range r.Answers {
				var v struct {
					ID  string `json:"id"`
					Key string `json:"key"`
				}
				require.NoError(t, json.Unmarshal([]byte(a), &v), a)
				answered[v.ID] = v.Key
			}
			assert.Len(t, answered, 200, "200 events, 200 checks")
			require.NoError(t, app.stop())

			// What the store holds, read after the app stopped.
			ctx := domain.AcrossMunicipalities(context.Background(), "test")
			var checks func(child domain.ChildID, within domain.Period) ([]string, error)
			if store == "postgres" {
				pg, err := postgres.Open(ctx, postgres.Options{URL: dbURL})
				require.NoError(t, err)
				defer pg.Close()
				checks = func(child domain.ChildID, within domain.Period) ([]string, error) {
					cs, err := pg.ChildChecks(ctx, demo.Municipality, child, within)
					return keys(cs, err)
				}
			} else {
				sq, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(dir, "oppvekst.db")})
				require.NoError(t, err)
				defer sq.Close()
				checks = func(child domain.ChildID, within domain.Period) ([]string, error) {
					cs, err := sq.ChildChecks(ctx, demo.Municipality, child, within)
					return keys(cs, err)
				}
			}
			today := domain.Today(domain.SystemClock{})
			within := domain.Period{Start: today.AddDate(0, 0, -1-r.Days-1), End: today}
			stored := map[string]int{}
			for _, c := range s.Children {
				id, err := domain.ParseID[domain.Child](c)
				require.NoError(t, err)
				ks, err := checks(id, within)
				require.NoError(t, err)
				for _, k := range ks {
					stored[k]++
				}
			}
			for id, key := range answered {
				assert.Equal(t, 1, stored[key], "check %s (key %s) is stored once", id, key)
			}
			n := 0
			for k, c := range stored {
				if strings.HasPrefix(k, "test-load-") {
					n += c
				}
			}
			assert.Equal(t, 200, n, "no check-in stored that was not answered")
		})
	}
}

// keys are the event keys of the checks.
func keys(cs []attendance.Check, err error) ([]string, error) {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Key
	}
	return out, err
}

// The bare check-in is mounted for a load test only: without -load-test
// it is not there.
func TestBareCheckInOnlyWithLoadTest(t *testing.T) {
	app := start(t, t.TempDir())
	path := strings.Replace(web.BareCheckPath, "{childId}", "01a24ea5-10d4-753b-a4ab-a82e2e399bb4", 1)
	resp, err := http.Post(app.base+path, "application/json", strings.NewReader(`{"key":"k"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Contains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, resp.StatusCode)
	resp, err = http.Get(app.base + web.LoadTestCPUPath)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "nor is the process's CPU time")
}
