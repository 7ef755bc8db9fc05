package admissionweb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

var (
	obligationRow  = regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td data-label="Rett fra">`)
	obligationNext = regexp.MustCompile(`href="(/admission/intakes/[^"]+/obligations\?[^"]*after=[^"]+)#obligations">`)
)

// mainIntakeWithRights adds n children ("Rett0001 Storeng" ...) to the
// demo's main kindergarten intake, each applying by the deadline and old
// enough for a right to a place, none with an offer.
func mainIntakeWithRights(ctx context.Context, t *testing.T, ta *webtest.Harness, n int) admission.IntakeID {
	t.Helper()
	m := demo.Municipality
	intakes, err := ta.DB.Intakes(ctx, m)
	require.NoError(t, err)
	var in admission.Intake
	for _, x := range intakes {
		if x.Main && x.Kind == domain.Kindergarten {
			in = x
		}
	}
	require.True(t, in.Main, "the demo has a main kindergarten intake")
	submitted := time.Date(in.Deadline.Year(), in.Deadline.Month(), in.Deadline.Day(), 8, 0, 0, 0, domain.Oslo())
	require.NoError(t, ta.DB.Atomic(ctx, func(ctx context.Context) error {
		for i := range n {
			c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("Rett%04d", i+1),
				FamilyName: "Storeng", BirthDate: in.Start.AddDate(-2, 0, -(i % 300))}
			if err := ta.DB.CreateChild(ctx, c); err != nil {
				return err
			}
			if err := ta.DB.CreateApplication(ctx, admission.Application{ID: domain.NewID[admission.Application](), Municipality: m,
				Intake: in.ID, Child: c.ID, Preferences: []domain.UnitID{ta.Bjorkelia}, Hours: 41,
				Submitted: submitted.Add(-time.Duration(i) * time.Second)}); err != nil {
				return err
			}
		}
		return nil
	}))
	return in.ID
}

// The obligations page pages its children (keyset), searches them by
// name, counts them at the top and logs only the children shown.
func TestObligationsPagePagesAndSearches(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	intake := mainIntakeWithRights(t.Context(), t, ta, 120)
	path := "/admission/intakes/" + intake.String() + "/obligations"
	logged := ta.ChildrenAuditedAs(t, "admission.obligations.read")
	resp := ta.Do(t, cw, "GET", path, "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	rows := obligationRow.FindAllStringSubmatch(resp.Body, -1)
	require.Len(t, rows, 50, "one page")
	assert.Equal(t, logged+50, ta.ChildrenAuditedAs(t, "admission.obligations.read"), "only the children shown are logged")
	m := regexp.MustCompile(`<span class="figure">(\d+)</span> barn med rett uten tilbud`).FindStringSubmatch(resp.Body)
	require.NotNil(t, m, "the count at the top")
	var total int
	fmt.Sscan(m[1], &total)
	assert.GreaterOrEqual(t, total, 120)
	next := obligationNext.FindStringSubmatch(resp.Body)
	require.NotNil(t, next)
	resp = ta.Do(t, cw, "GET", html.UnescapeString(next[1]), "", "")
	more := obligationRow.FindAllStringSubmatch(resp.Body, -1)
	require.NotEmpty(t, more)
	assert.NotEqual(t, rows[0][1], more[0][1], "the next page goes on after the last row")
	assert.Contains(t, resp.Body, "Forrige side")

	resp = ta.Do(t, cw, "GET", path+"?q=rett0007", "", "")
	rows = obligationRow.FindAllStringSubmatch(resp.Body, -1)
	require.Len(t, rows, 1, "search by a child's name")
	assert.Equal(t, "Rett0007 Storeng", html.UnescapeString(rows[0][1]))
	assert.Contains(t, resp.Body, "Treff: 1.")
	resp = ta.Do(t, cw, "GET", path+"?q=ingen-slik", "", "")
	assert.Contains(t, resp.Body, "Ingen med rett uten tilbud passer til søket.")
}

// The obligations page's work does not grow with the children: the same
// number of SQL statements with 100 and with 2,000 more.
func TestObligationsPageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	var intake admission.IntakeID
	count := func(n int) (int64, time.Duration, int) {
		intake = mainIntakeWithRights(t.Context(), t, ta, n)
		path := "/admission/intakes/" + intake.String() + "/obligations"
		require.Equal(t, 200, ta.Do(t, cw, "GET", path, "", "").Status, "warm")
		before, start := ta.SQL.Count(), time.Now()
		resp := ta.Do(t, cw, "GET", path, "", "")
		took := time.Since(start)
		require.Equal(t, 200, resp.Status)
		require.Len(t, obligationRow.FindAllStringSubmatch(resp.Body, -1), 50)
		return ta.SQL.Count() - before, took, len(resp.Body)
	}
	small, tSmall, bSmall := count(100)
	large, tLarge, bLarge := count(1900)
	t.Logf("obligations page: %d statements, %v, %d bytes with 100 children more; %d statements, %v, %d bytes with 2,000 more", small, tSmall, bSmall, large, tLarge, bLarge)
	assert.Positive(t, small)
	assert.Equal(t, small, large, "the statements of the page do not grow with the children")

	api := func() (int64, int) {
		path := "/api/v1/intakes/" + intake.String() + "/obligations"
		require.Equal(t, 200, ta.Do(t, cw, "GET", path, "", "").Status, "warm")
		before := ta.SQL.Count()
		resp := ta.Do(t, cw, "GET", path, "", "")
		require.Equal(t, 200, resp.Status)
		return ta.SQL.Count() - before, len(resp.Body)
	}
	apiLarge, bAPI := api()
	intake = mainIntakeWithRights(t.Context(), t, ta, 2000)
	apiLarger, bAPILarger := api()
	t.Logf("obligations API: %d statements, %d bytes; %d statements, %d bytes with 2,000 children more", apiLarge, bAPI, apiLarger, bAPILarger)
	assert.Equal(t, apiLarge, apiLarger, "the statements of the API do not grow with the children")
	assert.Less(t, bAPILarger, bAPI*3/2, "one page, however many children")
}

// obligationsPage is a page of the obligations API.
type obligationsPage struct {
	Items      []admission.Obligation `json:"items"`
	NextCursor string                 `json:"nextCursor"`
}

// The obligations API is a list like the others: pages of at most
// ?limit= by key with a cursor to the next, every child once across them,
// a search by name, a bad limit or cursor refused with 400 invalid-query,
// and only the children of the page logged.
func TestObligationsAPIPages(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	intake := mainIntakeWithRights(t.Context(), t, ta, 120)
	path := "/api/v1/intakes/" + intake.String() + "/obligations"
	logged := ta.ChildrenAuditedAs(t, "admission.obligations.read")
	seen := map[domain.ChildID]bool{}
	cursor, pages := "", 0
	for {
		resp := ta.Do(t, cw, "GET", path+"?limit=50&cursor="+cursor, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var pg obligationsPage
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
		require.LessOrEqual(t, len(pg.Items), 50)
		for _, o := range pg.Items {
			assert.False(t, seen[o.Child], "a child on one page only")
			seen[o.Child] = true
		}
		pages++
		if pg.NextCursor == "" {
			break
		}
		require.Len(t, pg.Items, 50, "a page with a next is full")
		cursor = pg.NextCursor
	}
	assert.GreaterOrEqual(t, len(seen), 120, "every child with a right and no offer, across the pages")
	assert.GreaterOrEqual(t, pages, 3)
	assert.Equal(t, logged+len(seen), ta.ChildrenAuditedAs(t, "admission.obligations.read"), "each page logs its children")

	resp := ta.Do(t, cw, "GET", path+"?q=rett0007", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var found obligationsPage
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &found))
	require.Len(t, found.Items, 1, "search by a child's name")

	for _, bad := range []string{"?limit=0", "?limit=201", "?limit=x", "?cursor=%25%25"} {
		resp := ta.Do(t, cw, "GET", path+bad, "", "")
		assert.Equal(t, 400, resp.Status, bad)
		assert.Contains(t, resp.Body, "invalid-query", bad)
	}
}
