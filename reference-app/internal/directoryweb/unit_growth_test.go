package directoryweb_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The placement form chooses the unit first: the new form lists the units
// and no group; "show the unit's groups" posts the form as it is and it
// comes back with that unit's groups only, what was typed kept and nothing
// saved; the edit form shows the groups of the placement's unit.
func TestPlacementFormChoosesTheUnitThenItsGroups(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	m := demo.Municipality
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	units, err := webtest.ManyUnits(ctx, ta, "Fleire", 3)
	require.NoError(t, err)
	child := "/children/" + ta.Sofie.String()
	before, err := ta.DB.Placements(ctx, m, ta.Sofie)
	require.NoError(t, err)

	page := ta.Do(t, cookie, "GET", child+"/placements/new", "", "")
	require.Equal(t, 200, page.Status, page.Body)
	assert.Contains(t, page.Body, `value="`+units[1].String()+`"`, "every open unit is a choice")
	assert.NotContains(t, page.Body, "Fleire0002 Blåbær", "no group before a unit is chosen")
	assert.Contains(t, page.Body, `name="show" value="unitId"`, "the button that shows the unit's groups")
	assert.Contains(t, page.Body, `<label class="ds-label" for="f-groupId">`, "the group select has its label")
	assert.Contains(t, page.Body, "Vis enhetens grupper", "in bokmål")

	show := ta.Do(t, cookie, "POST", child+"/placements", formType, url.Values{"unitId": {units[1].String()}, "hoursPerWeek": {"37"},
		"start": {"2026-08-01"}, "show": {"unitId"}}.Encode())
	require.Equal(t, 200, show.Status, show.Body)
	assert.Contains(t, show.Body, "Fleire0002 Blåbær")
	assert.Contains(t, show.Body, "Fleire0002 Tyttebær")
	assert.NotContains(t, show.Body, "Fleire0001 Blåbær", "only the chosen unit's groups")
	assert.Contains(t, show.Body, `value="37"`, "what was typed is kept")
	assert.Contains(t, show.Body, `<option value="`+units[1].String()+`" selected>`)
	after, err := ta.DB.Placements(ctx, m, ta.Sofie)
	require.NoError(t, err)
	assert.Equal(t, len(before), len(after), "showing the groups saves nothing")

	require.NotEmpty(t, before)
	edit := ta.Do(t, cookie, "GET", child+"/placements/"+before[0].ID.String()+"/edit", "", "")
	require.Equal(t, 200, edit.Status, edit.Body)
	groups, err := ta.DB.Groups(ctx, m, before[0].UnitID)
	require.NoError(t, err)
	for _, g := range groups {
		assert.Contains(t, edit.Body, ">"+g.Name+"</option>", "the placement's unit's groups")
	}
	assert.NotContains(t, edit.Body, "Fleire0001 Blåbær")
}

// The demo front page shows a page of the units with a search in their
// names, not every unit of a large municipality.
func TestFrontPagePagesAndSearchesTheUnits(t *testing.T) {
	ta := webtest.New(t)
	_, err := webtest.ManyUnits(t.Context(), ta, "Mange", 120)
	require.NoError(t, err)
	page := ta.Do(t, "", "GET", "/", "", "")
	require.Equal(t, 200, page.Status, page.Body)
	shown := strings.Count(page.Body, " barnehage</h3>")
	assert.LessOrEqual(t, shown, 50, "one page of units")
	assert.Contains(t, page.Body, `id="unitq"`)
	assert.Contains(t, page.Body, `href="/?after=`, "a link to the next page")

	found := ta.Do(t, "", "GET", "/?unitq=Mange0042", "", "")
	require.Equal(t, 200, found.Status, found.Body)
	assert.Contains(t, found.Body, "Mange0042 barnehage")
	assert.Equal(t, 1, strings.Count(found.Body, "<h3 "), "only the unit searched for")
	assert.Contains(t, found.Body, "Mange0042 Blåbær")
}

// The pages that list or choose among every unit send as many statements
// at 500 units more as at 20 more: none reads a unit at a time.
func TestUnitPagesStatementsDoNotGrowWithUnits(t *testing.T) {
	ta := webtest.NewPostgres(t)
	ctx := t.Context()
	m := demo.Municipality
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	ps, err := ta.DB.Placements(ctx, m, ta.Sofie)
	require.NoError(t, err)
	require.NotEmpty(t, ps)
	child := "/children/" + ta.Sofie.String()
	pages := []struct{ who, path string }{
		{"", "/"},
		{cookie, child + "/placements/new"},
		{cookie, child + "/placements/" + ps[0].ID.String() + "/edit"},
	}
	count := func(prefix string, n int) ([]int64, []int) {
		_, err := webtest.ManyUnits(ctx, ta, prefix, n)
		require.NoError(t, err)
		var stmts []int64
		var sizes []int
		for _, p := range pages {
			require.Equal(t, 200, ta.Do(t, p.who, "GET", p.path, "", "").Status, "warm %s", p.path)
			before := ta.SQL.Count()
			resp := ta.Do(t, p.who, "GET", p.path, "", "")
			require.Equal(t, 200, resp.Status, resp.Body)
			stmts = append(stmts, ta.SQL.Count()-before)
			sizes = append(sizes, len(resp.Body))
		}
		return stmts, sizes
	}
	small, smallSizes := count("Faa", 20)
	large, largeSizes := count("Mange", 480)
	for i, p := range pages {
		t.Logf("%s: %d statements, %d bytes at 20 units more; %d statements, %d bytes at 500", p.path, small[i], smallSizes[i], large[i], largeSizes[i])
		assert.Positive(t, small[i])
		assert.Equal(t, small[i], large[i], "%s: the statements do not grow with the units", p.path)
	}
	assert.Less(t, largeSizes[0], 120_000, "the front page is one page of units")
	assert.Less(t, largeSizes[1], 150_000, "the placement form lists the units, not every group")
}
