package admissionweb_test

import (
	"fmt"
	"html"
	"regexp"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

var (
	waitRow  = regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td data-label="Enhet">([^<]+)</td><td data-label="Aldersgruppe">[^<]+</td><td class="num" data-label="Plass på listen">(\d+)</td>`)
	waitNext = regexp.MustCompile(`href="(/admission/intakes/[^"]+/waiting-lists\?[^"]*after=[^"]+)#waiting">`)
	waitPrev = regexp.MustCompile(`href="(/admission/intakes/[^"]+/waiting-lists\?[^"]*before=[^"]+)#waiting">`)
)

func waiting(body string) []string {
	var out []string
	for _, m := range waitRow.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// The waiting lists page shows all of an intake's lists as one table in
// keyset pages, with the figures at the top, a filter by unit and a search
// by name or national ID; a child added ahead of the others does not
// shift the page after, and only the children shown are logged.
func TestWaitingPagePagesFiltersAndSearches(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	ctx := t.Context()
	m := demo.Municipality
	intake, ids, err := webtest.BigIntake(ctx, ta, 120)
	require.NoError(t, err)
	in, err := ta.DB.Intake(ctx, m, intake)
	require.NoError(t, err)
	// A second kindergarten in the intake, with three children who want it
	// first.
	units, err := ta.DB.Units(ctx, m)
	require.NoError(t, err)
	var other domain.Unit
	for _, u := range units {
		if u.Kind == domain.Kindergarten && u.ID != ta.Bjorkelia {
			other = u
			break
		}
	}
	require.False(t, other.ID.IsZero())
	in.Seats = append(in.Seats, admission.UnitSeats{Unit: other.ID, Places: 2, Small: 1})
	require.NoError(t, ta.DB.UpdateIntake(ctx, in))
	apply := func(name string, birth date.Date, submitted time.Time, prefs ...domain.UnitID) {
		t.Helper()
		c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: name, FamilyName: "Storeng", BirthDate: birth}
		require.NoError(t, ta.DB.CreateChild(ctx, c))
		require.NoError(t, ta.DB.CreateApplication(ctx, admission.Application{ID: domain.NewID[admission.Application](), Municipality: m,
			Intake: in.ID, Child: c.ID, Preferences: prefs, Hours: 41, Submitted: submitted}))
	}
	for i := range 3 {
		apply(fmt.Sprintf("Annen%d", i+1), in.Start.AddDate(-2, 0, 0), webtest.Now.Add(time.Duration(i)*time.Minute), other.ID, ta.Bjorkelia)
	}
	path := "/admission/intakes/" + intake.String() + "/waiting-lists"

	logged := len(ta.AuditedAs(t, "admission.waiting.read"))
	resp := ta.Do(t, cw, "GET", path, "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	first := waiting(resp.Body)
	require.Len(t, first, 50, "one page")
	assert.Regexp(t, `<span class="figure">123</span> barn venter`, resp.Body)
	assert.Regexp(t, `<span class="figure">126</span> plasser på ventelistene`, resp.Body, "the three want both units")
	assert.Regexp(t, `<span class="figure">4</span> ventelister`, resp.Body)
	read := ta.AuditedAs(t, "admission.waiting.read")
	require.Equal(t, logged+1, len(read), "one record for the page")
	assert.Len(t, read[0].Children, 50, "naming only the children shown")
	assert.NotRegexp(t, waitPrev, resp.Body)
	next := waitNext.FindStringSubmatch(resp.Body)
	require.NotNil(t, next)
	nextPath := html.UnescapeString(next[1])
	resp = ta.Do(t, cw, "GET", nextPath, "", "")
	second := waiting(resp.Body)
	require.Len(t, second, 50)
	assert.NotContains(t, first, second[0], "the next page goes on after the last row")

	// A child who applied before everyone else goes first on the list of
	// the first row shown; the page after the saved cut is the same rows.
	var birth date.Date
	for i, id := range ids {
		if fmt.Sprintf("Barn%04d Storeng", i+1) == first[0] {
			birth = child0(t, ta, id).BirthDate
		}
	}
	require.NotEqual(t, date.Zero, birth)
	apply("Tidlig", birth, webtest.Now.Add(-30*24*time.Hour), ta.Bjorkelia)
	resp = ta.Do(t, cw, "GET", nextPath, "", "")
	assert.Equal(t, second, waiting(resp.Body), "a row added at the front does not shift the next page")
	resp = ta.Do(t, cw, "GET", path, "", "")
	assert.Equal(t, "Tidlig Storeng", waiting(resp.Body)[0], "the new row is first")

	// Search by name and by national ID; filter by unit.
	resp = ta.Do(t, cw, "GET", path+"?q=barn0007", "", "")
	assert.Equal(t, []string{"Barn0007 Storeng"}, waiting(resp.Body))
	assert.Contains(t, resp.Body, "Treff: 1.")
	nid := child0(t, ta, ids[3]).NationalID
	require.False(t, nid.IsZero())
	resp = ta.Do(t, cw, "GET", path+"?q="+nid.String(), "", "")
	assert.Equal(t, []string{"Barn0004 Storeng"}, waiting(resp.Body))
	resp = ta.Do(t, cw, "GET", path+"?unit="+other.ID.String(), "", "")
	rows := waitRow.FindAllStringSubmatch(resp.Body, -1)
	require.Len(t, rows, 3, "the other unit's list only")
	for _, r := range rows {
		assert.Equal(t, other.Name, html.UnescapeString(r[2]))
	}
	assert.Contains(t, resp.Body, "Treff: 3.")
	resp = ta.Do(t, cw, "GET", path+"?unit="+other.ID.String()+"&q=annen2", "", "")
	assert.Equal(t, []string{"Annen2 Storeng"}, waiting(resp.Body), "filter and search together")
	resp = ta.Do(t, cw, "GET", path+"?q=ingen+slik", "", "")
	assert.Empty(t, waiting(resp.Body))
	assert.Contains(t, resp.Body, "Ingen på ventelistene passer til søket.")
}

// The waiting lists page's work does not grow with the children waiting:
// the same number of SQL statements at 100 and at 2,000.
func TestWaitingPageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	count := func(n int) (int64, time.Duration, int) {
		intake, _, err := webtest.BigIntake(t.Context(), ta, n)
		require.NoError(t, err)
		path := "/admission/intakes/" + intake.String() + "/waiting-lists"
		require.Equal(t, 200, ta.Do(t, cw, "GET", path, "", "").Status, "warm")
		before, start := ta.SQL.Count(), time.Now()
		resp := ta.Do(t, cw, "GET", path, "", "")
		took := time.Since(start)
		require.Equal(t, 200, resp.Status, resp.Body)
		require.Len(t, waiting(resp.Body), 50)
		require.Contains(t, resp.Body, fmt.Sprintf(`<span class="figure">%d</span> barn venter`, n))
		return ta.SQL.Count() - before, took, len(resp.Body)
	}
	small, tSmall, bSmall := count(100)
	large, tLarge, bLarge := count(2000)
	t.Logf("waiting lists page: %d statements, %v, %d bytes at 100 children waiting; %d statements, %v, %d bytes at 2,000",
		small, tSmall, bSmall, large, tLarge, bLarge)
	assert.Positive(t, small)
	assert.Equal(t, small, large, "the statements of the page do not grow with the children waiting")
}
