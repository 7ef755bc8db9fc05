package reportsweb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/rickb777/date/v2"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The reports' pages count in SQL: the same number of statements with
// 100 and with 2,000 kindergarten children (and 100 and 400 pupils) more
// in one unit, on every tab of the overview and on a figure's children,
// of one unit or of all, every age and grade; and the BASIL and GSI
// overviews read counts, not the pupils: their rows do not grow with them;
// nor with the one- and two-year-olds on NAV's list (the store chooses
// NAV's placements and returns the changed children only).
func TestReportsPagesCountInSQL(t *testing.T) {
	ta := webtest.NewPostgres(t)
	ctx := t.Context()
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	school := ta.NordbySkole(t)
	paths := []string{
		"/reports?year=2025",
		"/reports?year=2025&report=gsi",
		"/reports?year=2025&report=nav",
		"/reports/children?report=basil&year=2025&cell=help",
		"/reports/children?report=gsi&year=2025&cell=adapted",
		"/reports/children?report=basil&year=2025&cell=children",
		"/reports/children?report=basil&year=2025&cell=age.3",
		"/reports/children?report=basil&year=2025&cell=children&unit=" + ta.Bjorkelia.String(),
		"/reports/children?report=gsi&year=2025&cell=pupils",
		"/reports/children?report=gsi&year=2025&cell=pupils&unit=" + school.String(),
		"/reports/children?report=nav&month=2025-11&cell=entries",
	}
	type work struct {
		webtest.Count
		rows int64
	}
	measure := func(kids, pupils int, prefix string) []work {
		_, err := webtest.BigUnit(ctx, ta, ta.Bjorkelia, prefix+"k", kids)
		require.NoError(t, err)
		_, err = webtest.BigUnit(ctx, ta, school, prefix+"s", pupils)
		require.NoError(t, err)
		var out []work
		for _, p := range paths {
			rows := ta.SQL.Rows()
			c := ta.Counted(t, cw, p) // the warm request and the counted one
			w := work{c, ta.SQL.Rows() - rows}
			t.Logf("%s, %d kindergarten children and %d pupils more: %v, %d rows in two requests", p, kids, pupils, c, w.rows)
			out = append(out, w)
		}
		return out
	}
	small := measure(100, 100, "A")
	large := measure(1900, 300, "B")
	for i, p := range paths {
		assert.Positive(t, small[i].Reads(), p)
		assert.Equal(t, small[i].Statements, large[i].Statements, "%s: the statements do not grow with the children", p)
	}
	// 500 pupils more (no kindergarten child, so NAV's list, which the
	// overview reads child by child, stays as it was): the overview's rows
	// stay the same, where every row read would be 1,000 rows more.
	more := measure(0, 500, "C")
	for i := range 2 {
		assert.Less(t, more[i].rows-large[i].rows, int64(50), "%s: counts, not 500 pupils more", paths[i])
	}
	// 1,000 one- and two-year-olds more, on NAV's list this month and the
	// month before with no change: the overview (every tab) reads the
	// counts and NAV's changes, so its rows stay the same, where reading
	// NAV's children would be 2,000 rows more.
	require.NoError(t, toddlers(ctx, ta, ta.Bjorkelia, 1000))
	// Nor do the figures of the children with a decision, of every unit.
	var toddlerRows []int64
	for _, p := range paths[:5] {
		rows := ta.SQL.Rows()
		ta.Counted(t, cw, p)
		toddlerRows = append(toddlerRows, ta.SQL.Rows()-rows)
	}
	for i, p := range paths[:5] {
		assert.Less(t, toddlerRows[i]-more[i].rows, int64(50), "%s: counts and changes, not 1,000 one- and two-year-olds more", p)
	}
}

// toddlers places n children aged one and two (on webtest.Now) in unit
// for the school year, with the same hours all along.
func toddlers(ctx context.Context, ta *webtest.Harness, unit domain.UnitID, n int) error {
	today := date.NewAt(webtest.Now.In(domain.Oslo()))
	year := domain.SchoolYearOf(today)
	born := today.AddDate(-3, 0, 10)
	return ta.DB.Atomic(ctx, func(ctx context.Context) error {
		for i := range n {
			c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: demo.Municipality, GivenName: fmt.Sprintf("Tulle%04d", i),
				FamilyName: "Smårolling", BirthDate: born.AddDate(0, 0, i%600)}
			if err := ta.DB.CreateChild(ctx, c); err != nil {
				return err
			}
			if err := ta.DB.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: demo.Municipality, ChildID: c.ID,
				UnitID: unit, Kind: domain.Kindergarten, HoursPerWeek: 33, Period: year.Period()}); err != nil {
				return err
			}
		}
		return nil
	})
}
