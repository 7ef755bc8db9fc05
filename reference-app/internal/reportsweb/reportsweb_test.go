package reportsweb_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
	"github.com/oppvekst/oppvekst/reports"
)

// The caseworker's reports: the JSON, the pages (the figures, a unit's
// figure linked to its children, a child's name linked to the child) and
// the CSV agree, and every view is audited with the children shown.
func TestCaseworkerReports(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)

	res := ta.Do(t, cw, "GET", "/api/v1/reports/basil?year=2025", "", "")
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	var rep reports.BASILReport
	require.NoError(t, json.Unmarshal([]byte(res.Body), &rep))
	require.NotEmpty(t, rep.Units)
	var child domain.ChildID
	var unit reports.BASILUnit
	total := 0
	for _, u := range rep.Units {
		total += u.Children.Count
		if child.IsZero() && u.Children.Count > 0 {
			child, unit = u.Children.Children[0], u
		}
	}
	require.False(t, child.IsZero(), "the demo has kindergarten children on 15 December")
	c, err := ta.Store.Child(t.Context(), demo.Municipality, child)
	require.NoError(t, err)

	page := ta.Do(t, cw, "GET", "/reports?year=2025", "", "", "Accept-Language", "nb")
	require.Equal(t, http.StatusOK, page.Status)
	assert.Contains(t, page.Body, fmt.Sprintf(`<span class="figure">%d</span> barn i barnehage`, total), "the figures at the top")
	assert.Contains(t, page.Body, "/api/v1/reports/basil.csv?year=2025")
	assert.NotContains(t, page.Body, `href="/children/`, "the figures name no child")
	href := `/reports/children?cell=children&amp;report=basil&amp;unit=` + unit.Unit.String() + `&amp;year=2025`
	assert.Contains(t, page.Body, fmt.Sprintf(`<a class="ds-link" href="%s">%d</a>`, href, unit.Children.Count), "a unit's figure links to its children")

	logged := ta.ChildrenAuditedAs(t, "reports.basil")
	kids := ta.Do(t, cw, "GET", html.UnescapeString(href), "", "", "Accept-Language", "nb")
	require.Equal(t, http.StatusOK, kids.Status, kids.Body)
	assert.Contains(t, kids.Body, `href="/children/`+child.String()+`"`)
	if !c.AddressProtection.Strict() {
		assert.Contains(t, kids.Body, c.GivenName+" "+c.FamilyName)
	}
	assert.Contains(t, kids.Body, fmt.Sprintf(`<span class="figure">%d</span> barn`, unit.Children.Count))
	assert.Equal(t, logged+unit.Children.Count, ta.ChildrenAuditedAs(t, "reports.basil"), "the children shown are logged")
	if !c.AddressProtection.Strict() {
		found := ta.Do(t, cw, "GET", html.UnescapeString(href)+"&q="+c.GivenName, "", "", "Accept-Language", "nb")
		assert.Contains(t, found.Body, c.GivenName+" "+c.FamilyName, "search by name")
		assert.Contains(t, found.Body, "Treff:")
	}
	assert.Equal(t, http.StatusUnprocessableEntity, ta.Do(t, cw, "GET", "/reports/children?report=basil&cell=nonsense", "", "").Status)
	assert.Equal(t, http.StatusUnprocessableEntity, ta.Do(t, cw, "GET", "/reports?report=nonsense", "", "").Status)
	for _, lang := range []string{"nn", "en"} {
		for _, tab := range []string{"basil", "gsi", "nav"} {
			assert.Equal(t, http.StatusOK, ta.Do(t, cw, "GET", "/reports?year=2025&report="+tab, "", "", "Accept-Language", lang).Status)
		}
	}

	file := ta.Do(t, cw, "GET", "/api/v1/reports/basil.csv?year=2025", "", "")
	require.Equal(t, http.StatusOK, file.Status)
	assert.Contains(t, file.Header.Get("Content-Type"), "text/csv")
	rows, err := csv.NewReader(strings.NewReader(file.Body)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, reports.BASILColumns, rows[0])
	sum := 0
	for _, r := range rows[1:] {
		if r[3] == "children" {
			n := 0
			for _, d := range r[6] {
				n = n*10 + int(d-'0')
			}
			sum += n
		}
	}
	assert.Equal(t, total, sum, "the CSV's children rows add up to the JSON's")
	assert.NotEmpty(t, ta.AuditedAs(t, "reports.basil"))

	nav := ta.Do(t, cw, "GET", "/api/v1/reports/nav?month=2025-11", "", "")
	require.Equal(t, http.StatusOK, nav.Status, nav.Body)
	var l reports.NAVList
	require.NoError(t, json.Unmarshal([]byte(nav.Body), &l))
	assert.NotEmpty(t, l.Entries)

	staff := ta.CookieFor(t, demo.PersonaStaff)
	assert.Equal(t, http.StatusForbidden, ta.Do(t, staff, "GET", "/api/v1/reports/gsi?year=2025", "", "").Status)
	assert.Equal(t, http.StatusForbidden, ta.Do(t, staff, "GET", "/reports/children?report=basil&cell=children", "", "").Status)
}

var (
	childRow  = regexp.MustCompile(`<tr><th scope="row"><a class="ds-link" href="/children/[^"]+">([^<]+)</a></th>`)
	unitRow   = regexp.MustCompile(`<tr><th scope="row"><a class="ds-link" href="/reports/children\?[^"]+">([^<]+)</a></th><td data-label="Plasser`)
	childNext = regexp.MustCompile(`href="(/reports/children\?[^"]*cursor=[^"]+)#children">`)
)

// bigKindergartens adds n/50 kindergartens ("Storeng 001 barnehage" ...)
// and n children ("Barn0001 Storeng" ...) placed in them from August 2025,
// through the store in one transaction.
func bigKindergartens(ctx context.Context, ta *webtest.Harness, n int) error {
	m := demo.Municipality
	like, err := ta.DB.Unit(ctx, m, ta.Bjorkelia)
	if err != nil {
		return err
	}
	start := date.New(2025, time.August, 1)
	return ta.DB.Atomic(ctx, func(ctx context.Context) error {
		var units []domain.UnitID
		for i := range max(1, n/50) {
			u := like
			u.ID, u.Name = domain.NewID[domain.Unit](), fmt.Sprintf("Storeng %03d %d barnehage", i+1, n)
			if err := ta.DB.CreateUnit(ctx, u); err != nil {
				return err
			}
			units = append(units, u.ID)
		}
		for i := range n {
			c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("Barn%04d", i+1), FamilyName: "Storeng",
				BirthDate: date.New(2021, time.March, 1+i%28)}
			if err := ta.DB.CreateChild(ctx, c); err != nil {
				return err
			}
			if err := ta.DB.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: c.ID,
				UnitID: units[i%len(units)], Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: start}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// The children behind a figure page by name (keyset) and search.
func TestReportChildrenPagePagesAndSearches(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	require.NoError(t, bigKindergartens(t.Context(), ta, 120))
	path := "/reports/children?report=basil&year=2025&cell=age.4"
	resp := ta.Do(t, cw, "GET", path, "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	rows := childRow.FindAllStringSubmatch(resp.Body, -1)
	require.Len(t, rows, 50, "one page")
	next := childNext.FindStringSubmatch(resp.Body)
	require.NotNil(t, next)
	assert.NotContains(t, next[1], "Storeng", "no name in a link")
	more := ta.Do(t, cw, "GET", html.UnescapeString(next[1]), "", "")
	rows2 := childRow.FindAllStringSubmatch(more.Body, -1)
	require.NotEmpty(t, rows2)
	assert.NotEqual(t, rows[len(rows)-1][1], rows2[0][1], "the next page goes on after the last row")
	for _, r := range rows2 {
		for _, r1 := range rows {
			assert.NotEqual(t, r1[1], r[1], "no child on two pages")
		}
	}
	assert.Regexp(t, `<span class="figure">1[2-9]\d</span>`, resp.Body, "the figure's count at the top: the 120 children and the demo's")
	for _, bad := range []string{"&cursor=!!", "&cursor=bm90LWFuLWlk", "&limit=0", "&limit=201"} {
		assert.Equal(t, http.StatusBadRequest, ta.Do(t, cw, "GET", path+bad, "", "").Status, bad)
	}
	found := ta.Do(t, cw, "GET", path+"&q=barn0007", "", "")
	got := childRow.FindAllStringSubmatch(found.Body, -1)
	require.Len(t, got, 1)
	assert.Equal(t, "Barn0007 Storeng", got[0][1])

	units := ta.Do(t, cw, "GET", "/reports?year=2025&q=storeng+001", "", "")
	got = unitRow.FindAllStringSubmatch(units.Body, -1)
	require.Len(t, got, 1, "search by the unit's name")
	assert.Equal(t, "Storeng 001 120 barnehage", got[0][1])
}

// The reports pages' work does not grow with the children and units: the
// same number of SQL statements with 100 and with 2,000 children more (and
// 2 and 40 kindergartens more).
func TestReportsPagesStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	pages := []string{"/reports?year=2025", "/reports?year=2025&report=gsi", "/reports?year=2025&report=nav",
		"/reports/children?report=basil&year=2025&cell=children", "/reports/children?report=basil&year=2025&cell=children&q=storeng+barn00&limit=10",
		"/reports/children?report=basil&year=2025&cell=age.4", "/reports/children?report=nav&month=2025-11&cell=entries"}
	count := func(n int) map[string]int64 {
		require.NoError(t, bigKindergartens(t.Context(), ta, n))
		out := map[string]int64{}
		for _, p := range pages {
			require.Equal(t, 200, ta.Do(t, cw, "GET", p, "", "").Status, "warm")
			before, start := ta.SQL.Count(), time.Now()
			resp := ta.Do(t, cw, "GET", p, "", "")
			require.Equal(t, 200, resp.Status, resp.Body)
			out[p] = ta.SQL.Count() - before
			t.Logf("%s with %d children more: %d statements, %v, %d bytes", p, n, out[p], time.Since(start), len(resp.Body))
		}
		return out
	}
	small := count(100)
	large := count(1900)
	for _, p := range pages {
		assert.Positive(t, small[p], p)
		assert.Equal(t, small[p], large[p], "the statements of %s do not grow with the rows", p)
	}
}

// A search of the BASIL units that finds none says so in one row that
// spans the whole table: as many columns as its head has.
func TestReportsNoMatchRowSpansTheTable(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	resp := ta.Do(t, cw, "GET", "/reports?year=2025&report=basil&q=ingen+slik+enhet", "", "", "Accept-Language", "nb")
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	table := regexp.MustCompile(`(?s)<table class="ds-table" data-border id="units">.*?</table>`).FindString(resp.Body)
	require.NotEmpty(t, table, "the units table")
	head := regexp.MustCompile(`(?s)<thead>.*?</thead>`).FindString(table)
	cols := strings.Count(head, "<th ")
	require.Greater(t, cols, 5, "unit, places, children, the ages, help and adaptation")
	m := regexp.MustCompile(`<td colspan="(\d+)">`).FindStringSubmatch(table)
	require.NotNil(t, m, "the no-match row")
	assert.Equal(t, fmt.Sprint(cols), m[1])
}
