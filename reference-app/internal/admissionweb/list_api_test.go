package admissionweb_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

type waitingItem struct {
	Unit        domain.UnitID `json:"unit"`
	Application string        `json:"application"`
	Child       string        `json:"child"`
	Position    int           `json:"position"`
	ChildName   string        `json:"childName"`
}

// The waiting lists API pages its entries by key (limit, cursor, a next
// cursor while there are more), searches by name or national ID, keeps
// one unit with ?unit=, and logs only the children of the page.
func TestWaitingListsAPIPagesAndSearches(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	intake, kids, err := webtest.BigIntake(t.Context(), ta, 120)
	require.NoError(t, err)
	path := "/api/v1/intakes/" + intake.String() + "/waiting-lists"

	seen := map[string]bool{}
	var names []string
	cursor, pages := "", 0
	for {
		logged := ta.ChildrenAuditedAs(t, "admission.waiting.read")
		resp := ta.Do(t, cw, "GET", path+"?limit=50"+cursor, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var pg api.Page[waitingItem]
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
		pages++
		for _, it := range pg.Items {
			assert.False(t, seen[it.Application], "no entry twice")
			seen[it.Application] = true
			names = append(names, it.ChildName)
		}
		assert.Equal(t, logged+len(pg.Items), ta.ChildrenAuditedAs(t, "admission.waiting.read"), "only the page's children are logged")
		if pg.NextCursor == "" {
			break
		}
		assert.Len(t, pg.Items, 50)
		cursor = "&cursor=" + pg.NextCursor
	}
	assert.Equal(t, 3, pages)
	assert.Len(t, seen, 120)
	assert.NotContains(t, names, " ", "every entry has its child's name")

	child, err := ta.DB.Child(t.Context(), demo.Municipality, kids[2])
	require.NoError(t, err)
	for q, want := range map[string]string{"barn0007": "Barn0007 Storeng", "BARN0007 storeng": "Barn0007 Storeng", child.NationalID.String(): "Barn0003 Storeng"} {
		resp := ta.Do(t, cw, "GET", path+"?"+url.Values{"q": {q}}.Encode(), "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var pg api.Page[waitingItem]
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
		require.Len(t, pg.Items, 1, q)
		assert.Equal(t, want, pg.Items[0].ChildName, q)
	}
	resp := ta.Do(t, cw, "GET", path+"?unit="+ta.Bjorkelia.String()+"&limit=200", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var pg api.Page[waitingItem]
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
	assert.Len(t, pg.Items, 120)
	resp = ta.Do(t, cw, "GET", path+"?unit="+domain.NewID[domain.Unit]().String(), "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"items":[]`, "another unit has no one waiting here")

	refused(t, ta, cw, path)
}

// refused checks that a list API refuses bad paging and search with a 400
// problem naming the parameter and a reason code.
func refused(t *testing.T, ta *webtest.Harness, cookie, path string) {
	t.Helper()
	for q, field := range map[string]string{
		"limit=0": "limit", "limit=201": "limit", "limit=x": "limit", "cursor=!!": "cursor",
		"q=" + strings.Repeat("a", api.MaxSearch+1): "q", "q=%01barn": "q", "cursor=%7F": "cursor", "unit=x": "unit",
	} {
		if field == "unit" && !strings.Contains(path, "waiting-lists") {
			continue
		}
		resp := ta.Do(t, cookie, "GET", path+"?"+q, "", "")
		assert.Equal(t, 400, resp.Status, "%s: %s", q, resp.Body)
		assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"), q)
		var p api.Problem
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &p), q)
		require.NotEmpty(t, p.Errors, q)
		assert.Equal(t, field, p.Errors[0].Field, q)
		assert.NotEmpty(t, p.Errors[0].Reason, q)
	}
	resp := ta.Do(t, cookie, "GET", path+"?q="+strings.Repeat("å", api.MaxSearch), "", "")
	assert.Equal(t, 200, resp.Status, "a search of MaxSearch characters is taken, however many bytes")
}

// The intake's applications API searches by the child's name, national
// ID or the application's status, and pages the applications found.
func TestIntakeApplicationsAPISearches(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	intake, kids, err := webtest.BigIntake(t.Context(), ta, 60)
	require.NoError(t, err)
	path := "/api/v1/intakes/" + intake.String() + "/applications"
	get := func(query string) api.Page[admission.ApplicationView] {
		t.Helper()
		resp := ta.Do(t, cw, "GET", path+"?"+query, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var pg api.Page[admission.ApplicationView]
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
		return pg
	}
	pg := get("q=barn0012")
	require.Len(t, pg.Items, 1)
	assert.Equal(t, kids[11], pg.Items[0].Application.Child)
	child, err := ta.DB.Child(t.Context(), demo.Municipality, kids[4])
	require.NoError(t, err)
	pg = get("q=" + child.NationalID.String()[:8])
	require.NotEmpty(t, pg.Items)
	assert.Contains(t, childrenOf(pg.Items), kids[4], "the start of the national ID finds the child")
	// Every application is received: the status search pages them all.
	found := map[domain.ChildID]bool{}
	cursor := ""
	for range 10 {
		pg = get("q=received&limit=25" + cursor)
		for _, id := range childrenOf(pg.Items) {
			found[id] = true
		}
		if pg.NextCursor == "" {
			break
		}
		cursor = "&cursor=" + pg.NextCursor
	}
	assert.Len(t, found, 60)
	// A name search is paged in the store: every applicant once.
	found, cursor = map[domain.ChildID]bool{}, ""
	for range 10 {
		pg = get("q=STORENG+barn&limit=25" + cursor)
		for _, id := range childrenOf(pg.Items) {
			assert.False(t, found[id], "no application twice")
			found[id] = true
		}
		if pg.NextCursor == "" {
			break
		}
		cursor = "&cursor=" + pg.NextCursor
	}
	assert.Len(t, found, 60)
	assert.Empty(t, get("q=offered").Items)
	assert.Empty(t, get("q=storeng+nobody").Items, "every word must be found")
	refused(t, ta, cw, path)
}

func childrenOf(vs []admission.ApplicationView) []domain.ChildID {
	out := make([]domain.ChildID, len(vs))
	for i, v := range vs {
		out[i] = v.Application.Child
	}
	return out
}

// The list APIs and the intakes page of admission do not grow with the
// rows: the same number of SQL statements at 100 and at 2,000 children
// waiting or applying, with and without a search.
func TestAdmissionListStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	paths := func(intake admission.IntakeID) []string {
		base := "/api/v1/intakes/" + intake.String()
		return []string{
			base + "/waiting-lists?limit=50",
			base + "/waiting-lists?limit=50&q=storeng",
			base + "/applications?limit=50&q=storeng",
			base + "/applications?limit=50",
			base + "/applications?limit=50&q=received",
			"/admission/intakes",
			"/api/v1/intakes",
		}
	}
	counts, rows := map[int][]int64{}, map[int][]int64{}
	for _, n := range []int{100, 2000} {
		intake, _, err := webtest.BigIntake(t.Context(), ta, n)
		require.NoError(t, err)
		for _, p := range paths(intake) {
			require.Equal(t, 200, ta.Do(t, cw, "GET", p, "", "").Status, "warm %s", p)
			before, read, start := ta.SQL.Count(), ta.SQL.Rows(), time.Now()
			resp := ta.Do(t, cw, "GET", p, "", "")
			require.Equal(t, 200, resp.Status, resp.Body)
			stmts := ta.SQL.Count() - before
			t.Logf("%s at %d rows: %d statements, %d rows read, %v, %d bytes", p, n, stmts, ta.SQL.Rows()-read, time.Since(start), len(resp.Body))
			counts[n] = append(counts[n], stmts)
			rows[n] = append(rows[n], ta.SQL.Rows()-read)
		}
	}
	for i, p := range paths(admission.IntakeID{}) {
		assert.Positive(t, counts[100][i], p)
		assert.Equal(t, counts[100][i], counts[2000][i], fmt.Sprintf("%s: the statements do not grow with the rows", p))
	}
	// A name search is read in the store a page at a time: it reads no
	// more rows than the page without a search (which still reads the
	// intake once for the views, IntakeViews), where a search in Go read
	// every application and applicant besides.
	for _, n := range []int{100, 2000} {
		assert.LessOrEqual(t, rows[n][2], rows[n][3]+10, "at %d: the name search reads no more than the page", n)
	}
}
