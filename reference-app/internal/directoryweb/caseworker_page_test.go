package directoryweb_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// moreKindergartens adds n/50 kindergartens with a group each and n
// children placed in them from August 2025, through the store in one
// transaction.
func moreKindergartens(ctx context.Context, ta *webtest.Harness, n int) error {
	m := demo.Municipality
	like, err := ta.DB.Unit(ctx, m, ta.Bjorkelia)
	if err != nil {
		return err
	}
	return ta.DB.Atomic(ctx, func(ctx context.Context) error {
		var groups []domain.Group
		for i := range max(1, n/50) {
			u := like
			u.ID, u.Name = domain.NewID[domain.Unit](), fmt.Sprintf("Storeng %03d %d barnehage", i+1, n)
			if err := ta.DB.CreateUnit(ctx, u); err != nil {
				return err
			}
			g := domain.Group{ID: domain.NewID[domain.Group](), Municipality: m, UnitID: u.ID, Name: "Blåbær", AgeGroup: domain.Large}
			if err := ta.DB.CreateGroup(ctx, g); err != nil {
				return err
			}
			groups = append(groups, g)
		}
		for i := range n {
			c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("Barn%04d", i+1), FamilyName: "Storeng",
				BirthDate: date.New(2021, time.March, 1+i%28)}
			if err := ta.DB.CreateChild(ctx, c); err != nil {
				return err
			}
			g := groups[i%len(groups)]
			if err := ta.DB.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: c.ID,
				UnitID: g.UnitID, GroupID: g.ID, Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: date.New(2025, time.August, 1)}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// The caseworker's start page reads every unit's groups and placements in
// one statement each: the same number of SQL statements with 100 and with
// 2,000 children more (and 2 and 40 kindergartens more), and each unit
// still shows its children today.
func TestCaseworkerPageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	var rows []int64
	count := func(n int) int64 {
		require.NoError(t, moreKindergartens(t.Context(), ta, n))
		require.Equal(t, 200, ta.Do(t, cw, "GET", "/caseworker", "", "").Status, "warm")
		before, read, start := ta.SQL.Count(), ta.SQL.Rows(), time.Now()
		resp := ta.Do(t, cw, "GET", "/caseworker", "", "")
		took := time.Since(start)
		require.Equal(t, 200, resp.Status)
		assert.Contains(t, resp.Body, fmt.Sprintf("Storeng %03d %d barnehage", 1, n))
		got := ta.SQL.Count() - before
		rows = append(rows, ta.SQL.Rows()-read)
		t.Logf("/caseworker with %d children more: %d statements, %d rows read, %v, %d bytes", n, got, rows[len(rows)-1], took, len(resp.Body))
		return got
	}
	small := count(100)
	large := count(1900)
	assert.Positive(t, small)
	assert.Equal(t, small, large, "the statements of the page do not grow with the children and units")
	// The children are read a page at a time: 2,000 children more add
	// the rows of the 40 kindergartens more, not a row per child.
	assert.Less(t, rows[1]-rows[0], int64(400), "rows read grew with the children")
}

// The caseworker's start page shows the units in keyset pages of 50 with
// their number at the top, and searches them by name.
func TestCaseworkerPagePagesAndSearchesUnits(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	require.NoError(t, moreKindergartens(t.Context(), ta, 3000)) // 60 kindergartens more
	resp := ta.Do(t, cw, "GET", "/caseworker", "", "")
	require.Equal(t, 200, resp.Status)
	units := regexp.MustCompile(`<h3 id="enhet-[^"]+">([^<]+)</h3>`)
	assert.Len(t, units.FindAllStringSubmatch(resp.Body, -1), 50, "one page of units")
	assert.Regexp(t, `<span class="figure">\d+</span> enheter`, resp.Body)
	next := regexp.MustCompile(`href="(/caseworker\?[^"]*after=[^"]+)#units"`).FindStringSubmatch(resp.Body)
	require.NotNil(t, next)
	more := ta.Do(t, cw, "GET", html.UnescapeString(next[1]), "", "")
	rest := units.FindAllStringSubmatch(more.Body, -1)
	require.NotEmpty(t, rest)
	assert.NotContains(t, resp.Body, ">"+rest[0][1]+"</h3>", "the next page goes on after the last unit")
	found := ta.Do(t, cw, "GET", "/caseworker?unitq=storeng+007", "", "")
	got := units.FindAllStringSubmatch(found.Body, -1)
	require.Len(t, got, 1, "search by the unit's name")
	assert.Equal(t, "Storeng 007 3000 barnehage", got[0][1])
	assert.Contains(t, found.Body, "Treff: 1.")
}
