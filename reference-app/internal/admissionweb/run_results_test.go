package admissionweb_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// runResults reads every result of the run through the paged results API,
// limit at a time, checking each page.
func runResults(t *testing.T, ta *webtest.Harness, cookie string, run admission.RunID, limit int) []admission.RunResult {
	t.Helper()
	var all []admission.RunResult
	cursor := ""
	for {
		resp := ta.Do(t, cookie, "GET", fmt.Sprintf("/api/v1/admission-runs/%s/results?limit=%d&cursor=%s", run, limit, cursor), "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var pg struct {
			Items      []admission.RunResult `json:"items"`
			NextCursor string                `json:"nextCursor"`
		}
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
		require.LessOrEqual(t, len(pg.Items), limit)
		all = append(all, pg.Items...)
		if pg.NextCursor == "" {
			return all
		}
		require.Len(t, pg.Items, limit, "a page with a next is full")
		cursor = pg.NextCursor
	}
}

// The run's answer is its statistics and a link; the results are a list
// like the others: pages by application with a cursor, each child once,
// ?childId= for one child's, a bad limit, cursor or childId refused with
// 400 invalid-query, and the children of the page logged (the run's answer
// logs none).
func TestRunResultsArePaged(t *testing.T) {
	ta := webtest.New(t)
	f := webtest.NewAdmissionFixture(ta)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	resp := ta.Do(t, cw, "GET", "/api/v1/admission-runs/"+f.Draft1.String(), "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.NotContains(t, resp.Body, `"results"`, "no results in the run's answer")
	var run struct {
		admission.Run
		ResultsHref string `json:"resultsHref"`
	}
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &run))
	assert.Equal(t, f.Draft1, run.ID)
	assert.Equal(t, "/api/v1/admission-runs/"+f.Draft1.String()+"/results", run.ResultsHref)
	require.Positive(t, run.Stats.Children)

	logged := ta.ChildrenAuditedAs(t, "admission.run.read")
	all := runResults(t, ta, cw, f.Draft1, 1)
	require.Len(t, all, run.Stats.Children, "every child's result")
	seen := map[admission.ApplicationID]bool{}
	for i, x := range all {
		assert.False(t, seen[x.Application], "each application once")
		seen[x.Application] = true
		if i > 0 {
			assert.Less(t, all[i-1].Application.String(), x.Application.String(), "by application")
		}
	}
	assert.Equal(t, logged+len(all), ta.ChildrenAuditedAs(t, "admission.run.read"), "each page logs its children")

	base := "/api/v1/admission-runs/" + f.Draft1.String() + "/results"
	resp = ta.Do(t, cw, "GET", base+"?childId="+all[0].Child.String(), "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Equal(t, 1, strings.Count(resp.Body, `"application"`), "one child's result")
	for _, bad := range []string{"?limit=0", "?limit=201", "?cursor=%25", "?childId=nope"} {
		resp := ta.Do(t, cw, "GET", base+bad, "", "")
		assert.Equal(t, 400, resp.Status, bad)
		assert.Contains(t, resp.Body, "invalid-query", bad)
	}
	assert.Equal(t, 404, ta.Do(t, cw, "GET", "/api/v1/admission-runs/"+domain.NewID[admission.Run]().String()+"/results", "", "").Status)
	assert.Equal(t, 403, ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", base, "", "").Status)
}
