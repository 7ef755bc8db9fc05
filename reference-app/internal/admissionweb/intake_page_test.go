package admissionweb_test

import (
	"fmt"
	"html"
	"net/url"
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
	appRow   = regexp.MustCompile(`<th scope="row"><a class="ds-link" href="/children/[^"]+/applications/[^"]+">([^<]+)</a>`)
	nextLink = regexp.MustCompile(`href="(/admission/intakes/[^"]+\?[^"]*after=[^"]+)#applications">`)
	prevLink = regexp.MustCompile(`href="(/admission/intakes/[^"]+\?[^"]*before=[^"]+)#applications">`)
)

func names(body string) []string {
	var out []string
	for _, m := range appRow.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// The intake page pages its applications by submission time (keyset:
// after and before the key of a row), filters them and searches by name
// or national ID, with the intake's figures at the top; only the children
// shown are logged.
func TestIntakePagePagesFiltersAndSearches(t *testing.T) {
	ta := webtest.New(t)
	caseworker := ta.CookieFor(t, demo.PersonaCaseworker)
	intake, kids, err := webtest.BigIntake(t.Context(), ta, 120)
	require.NoError(t, err)
	base := "/admission/intakes/" + intake.String()

	resp := ta.Do(t, caseworker, "GET", base, "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	got := names(resp.Body)
	require.Len(t, got, 50, "one page")
	assert.Equal(t, "Barn0001 Storeng", got[0], "the earliest application first")
	assert.Equal(t, "Barn0050 Storeng", got[49])
	assert.Contains(t, resp.Body, "Søknader i alt: 120")
	assert.Contains(t, resp.Body, `<span class="figure">120</span> mottatt`, "the figures count by status")
	assert.NotRegexp(t, prevLink, resp.Body, "no page before the first")
	entries := ta.AuditedAs(t, "admission.applications.list")
	require.NotEmpty(t, entries)

	next := nextLink.FindStringSubmatch(resp.Body)
	require.NotNil(t, next, "a next page")
	resp = ta.Do(t, caseworker, "GET", html.UnescapeString(next[1]), "", "")
	require.Equal(t, 200, resp.Status)
	got = names(resp.Body)
	require.Len(t, got, 50)
	assert.Equal(t, "Barn0051 Storeng", got[0], "the next page starts after the last row shown")
	prev := prevLink.FindStringSubmatch(resp.Body)
	require.NotNil(t, prev, "a previous page")
	back := ta.Do(t, caseworker, "GET", html.UnescapeString(prev[1]), "", "")
	assert.Equal(t, "Barn0001 Storeng", names(back.Body)[0], "previous goes back to the first page")
	next = nextLink.FindStringSubmatch(resp.Body)
	require.NotNil(t, next)
	last := ta.Do(t, caseworker, "GET", html.UnescapeString(next[1]), "", "")
	assert.Len(t, names(last.Body), 20, "the last page holds the rest")
	assert.NotRegexp(t, nextLink, last.Body, "no page after the last")

	// An application added at the front meanwhile does not shift the
	// pages: the cursor names a row, not an offset.
	early := domain.Child{ID: domain.NewID[domain.Child](), Municipality: demo.Municipality, GivenName: "Tidlig", FamilyName: "Storeng", BirthDate: child0(t, ta, kids[0]).BirthDate}
	require.NoError(t, ta.DB.CreateChild(t.Context(), early))
	require.NoError(t, ta.DB.CreateApplication(t.Context(), admission.Application{ID: domain.NewID[admission.Application](), Municipality: demo.Municipality,
		Intake: intake, Child: early.ID, Preferences: []domain.UnitID{ta.Bjorkelia}, Hours: 41, Submitted: webtest.Now.Add(-1000 * time.Hour)}))
	resp = ta.Do(t, caseworker, "GET", html.UnescapeString(next[1]), "", "")
	assert.Equal(t, "Barn0101 Storeng", names(resp.Body)[0])
	first := ta.Do(t, caseworker, "GET", base, "", "")
	assert.Equal(t, "Tidlig Storeng", names(first.Body)[0], "the new application is on the first page")

	// Search by name, by national ID; filter by status.
	resp = ta.Do(t, caseworker, "GET", base+"?"+url.Values{"q": {"barn0007"}}.Encode(), "", "")
	assert.Equal(t, []string{"Barn0007 Storeng"}, names(resp.Body))
	assert.Contains(t, resp.Body, "Treff: 1.")
	assert.Contains(t, resp.Body, `value="barn0007"`, "the search box keeps what was typed")
	child, err := ta.DB.Child(t.Context(), demo.Municipality, kids[2])
	require.NoError(t, err)
	require.False(t, child.NationalID.IsZero())
	resp = ta.Do(t, caseworker, "GET", base+"?q="+child.NationalID.String(), "", "")
	assert.Equal(t, []string{"Barn0003 Storeng"}, names(resp.Body), "search by national ID")
	resp = ta.Do(t, caseworker, "GET", base+"?status=offered", "", "")
	assert.Empty(t, names(resp.Body))
	assert.Contains(t, resp.Body, "Ingen søknader passer til søket.")
	resp = ta.Do(t, caseworker, "GET", base+"?status=received&q=storeng", "", "")
	assert.Len(t, names(resp.Body), 50)
	assert.Contains(t, resp.Body, "Treff: 121.")
	assert.Regexp(t, regexp.MustCompile(`after=[^"]*&amp;q=storeng&amp;status=received`), resp.Body, "the pager keeps the filter")
}

// The intake page's work does not grow with the intake: the same number
// of SQL statements at 100 and at 2,000 applications (before, each row
// read the intake's applications again and the child).
func TestIntakePageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	caseworker := ta.CookieFor(t, demo.PersonaCaseworker)
	apiStmts := map[int]int64{}
	count := func(n int) (int64, time.Duration) {
		intake, _, err := webtest.BigIntake(t.Context(), ta, n)
		require.NoError(t, err)
		path := "/admission/intakes/" + intake.String()
		require.Equal(t, 200, ta.Do(t, caseworker, "GET", path, "", "").Status, "warm")
		before, start := ta.SQL.Count(), time.Now()
		resp := ta.Do(t, caseworker, "GET", path, "", "")
		took := time.Since(start)
		require.Equal(t, 200, resp.Status, resp.Body)
		require.Len(t, names(resp.Body), 50)
		require.Contains(t, resp.Body, fmt.Sprintf("Søknader i alt: %d", n))
		stmts := ta.SQL.Count() - before
		before = ta.SQL.Count()
		resp = ta.Do(t, caseworker, "GET", "/api/v1/intakes/"+intake.String()+"/applications?limit=50", "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		apiStmts[n] = ta.SQL.Count() - before
		return stmts, took
	}
	small, tSmall := count(100)
	large, tLarge := count(2000)
	t.Logf("the intake's applications API: %d statements at 100, %d at 2,000", apiStmts[100], apiStmts[2000])
	assert.Equal(t, apiStmts[100], apiStmts[2000], "the API's statements do not grow with the applications")
	t.Logf("intake page: %d statements, %v at 100 applications; %d statements, %v at 2,000", small, tSmall, large, tLarge)
	assert.Positive(t, small)
	assert.Equal(t, small, large, "the statements of the page do not grow with the applications")
}

func child0(t *testing.T, ta *webtest.Harness, id domain.ChildID) domain.Child {
	t.Helper()
	c, err := ta.DB.Child(t.Context(), demo.Municipality, id)
	require.NoError(t, err)
	return c
}
