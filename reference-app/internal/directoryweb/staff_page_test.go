package directoryweb_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The staff's start page (the unit's groups today) reads the unit's
// children in one read: the same number of SQL statements, but for the
// audit log's, at 100 and at 2,000 children in the unit.
func TestStaffPageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	staff := ta.CookieFor(t, demo.PersonaOtherStaff)
	count := func(prefix string, n int) webtest.Count {
		_, err := webtest.BigUnit(t.Context(), ta, ta.Bjorkelia, prefix, n)
		require.NoError(t, err)
		c := ta.Counted(t, staff, "/staff")
		require.Contains(t, c.Body, prefix+"0001")
		require.Equal(t, n, strings.Count(c.Body, ">"+prefix), "every child of the unit is listed")
		t.Logf("/staff, %s (%d more children): %v", prefix, n, c)
		return c
	}
	small := count("Liten", 100)
	large := count("Stor", 1900)
	assert.Positive(t, small.Reads())
	assert.Equal(t, small.Reads(), large.Reads(), "the reads of the page do not grow with the children")
}

// A unit's page counts the children placed by group and, in a
// kindergarten, by age group, from one read of the children: the same
// number of SQL statements at 100 and at 2,000 children in the unit.
func TestUnitPageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	staff := ta.CookieFor(t, demo.PersonaOtherStaff)
	path := "/units/" + ta.Bjorkelia.String()
	count := func(prefix string, n int) webtest.Count {
		_, err := webtest.BigUnit(t.Context(), ta, ta.Bjorkelia, prefix, n)
		require.NoError(t, err)
		c := ta.Counted(t, staff, path)
		t.Logf("%s, %s (%d more children): %v", path, prefix, n, c)
		return c
	}
	small := count("Liten", 100)
	large := count("Stor", 1900)
	assert.Positive(t, small.Reads())
	assert.Equal(t, small.Reads(), large.Reads(), "the reads of the page do not grow with the children")
}

// The administrator's list of units counts the children placed today in
// every unit in one read: the same number of SQL statements at 100 and
// at 2,000 units, and the counts right.
func TestUnitsPageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	ctx := t.Context()
	_, err := webtest.BigUnit(ctx, ta, ta.Bjorkelia, "Barn", 30)
	require.NoError(t, err)
	bjorkelia, err := ta.DB.Unit(ctx, demo.Municipality, ta.Bjorkelia)
	require.NoError(t, err)
	units, err := ta.DB.Units(ctx, demo.Municipality)
	require.NoError(t, err)
	added := len(units)
	count := func(n int) webtest.Count {
		require.NoError(t, ta.DB.Atomic(ctx, func(ctx context.Context) error {
			for ; added < n; added++ {
				u := bjorkelia
				u.ID, u.Name, u.Parent = domain.NewID[domain.Unit](), fmt.Sprintf("Enhet %04d", added), domain.UnitID{}
				if err := ta.DB.CreateUnit(ctx, u); err != nil {
					return err
				}
			}
			return nil
		}))
		c := ta.Counted(t, admin, "/admin/units")
		require.Equal(t, 50, strings.Count(c.Body, `<li><a class="ds-link" href="/units/`), "one page")
		require.Contains(t, c.Body, fmt.Sprintf(`<span class="figure">%d</span> enheter i kommunen`, n))
		t.Logf("/admin/units, %d units: %v", n, c)
		return c
	}
	small := count(100)
	today := date.NewAt(webtest.Now.In(domain.Oslo()))
	placed, err := ta.DB.UnitPlacements(ctx, demo.Municipality, ta.Bjorkelia, domain.Period{Start: today, End: today})
	require.NoError(t, err)
	resp := ta.Do(t, admin, "GET", "/admin/units?q=bjørkelia", "", "")
	assert.Regexp(t, `Bjørkelia barnehage</a> <span class="muted">[^<]*; `+fmt.Sprint(len(placed))+` barn i dag`, resp.Body, "the unit's count")
	large := count(2000)
	assert.Positive(t, small.Reads())
	assert.Equal(t, small.Reads(), large.Reads(), "the reads of the page do not grow with the units")
}

// The administrator's list of units pages by name (the Norwegian order),
// searches by name and filters by kind, with the counts at the top.
func TestUnitsPagePagesAndSearches(t *testing.T) {
	ta := webtest.New(t)
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	ctx := t.Context()
	bjorkelia, err := ta.DB.Unit(ctx, demo.Municipality, ta.Bjorkelia)
	require.NoError(t, err)
	units, err := ta.DB.Units(ctx, demo.Municipality)
	require.NoError(t, err)
	for i := range 70 {
		u := bjorkelia
		u.ID, u.Name, u.Parent = domain.NewID[domain.Unit](), fmt.Sprintf("Åsen %02d barnehage", i+1), domain.UnitID{}
		require.NoError(t, ta.DB.CreateUnit(ctx, u))
	}
	total := len(units) + 70
	row := regexp.MustCompile(`<li><a class="ds-link" href="/units/[^"]+">([^<]+)</a>`)
	names := func(body string) []string {
		var out []string
		for _, m := range row.FindAllStringSubmatch(body, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
		return out
	}
	resp := ta.Do(t, admin, "GET", "/admin/units", "", "")
	require.Equal(t, 200, resp.Status)
	first := names(resp.Body)
	require.Len(t, first, 50)
	assert.Contains(t, resp.Body, fmt.Sprintf(`<span class="figure">%d</span> enheter i kommunen`, total))
	assert.Contains(t, first, "Bjørkelia barnehage", "B before Å")
	next := regexp.MustCompile(`href="(/admin/units\?[^"]*after=[^"]+)#units"`).FindStringSubmatch(resp.Body)
	require.NotNil(t, next)
	resp = ta.Do(t, admin, "GET", html.UnescapeString(next[1]), "", "")
	second := names(resp.Body)
	require.Len(t, second, total-50, next[1])
	assert.Equal(t, "Åsen 70 barnehage", second[len(second)-1], "Å last, as in Norwegian")
	for _, n := range second {
		assert.NotContains(t, first, n)
	}

	resp = ta.Do(t, admin, "GET", "/admin/units?q=%C3%A5sen+07", "", "")
	assert.Equal(t, []string{"Åsen 07 barnehage"}, names(resp.Body))
	assert.Contains(t, resp.Body, "Treff: 1.")
	resp = ta.Do(t, admin, "GET", "/admin/units?kind=school", "", "")
	for _, n := range names(resp.Body) {
		assert.Contains(t, n, "skole")
	}
	assert.NotEmpty(t, names(resp.Body))
	resp = ta.Do(t, admin, "GET", "/admin/units?q=ingen+slik", "", "")
	assert.Empty(t, names(resp.Body))
	assert.Contains(t, resp.Body, "Ingen enheter passer til søket.")
}
