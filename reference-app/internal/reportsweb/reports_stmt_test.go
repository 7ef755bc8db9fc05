package reportsweb_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The reports' pages count in SQL: the same number of statements with
// 100 and with 2,000 kindergarten children (and 100 and 400 pupils) more
// in one unit, on every tab of the overview and on a figure's children,
// of one unit or of all, every age and grade; and the BASIL and GSI
// overviews read counts, not the pupils: their rows do not grow with them
// (they read NAV's children, aged one and two, one by one).
func TestReportsPagesCountInSQL(t *testing.T) {
	ta := webtest.NewPostgres(t)
	ctx := t.Context()
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	school := ta.NordbySkole(t)
	paths := []string{
		"/reports?year=2025",
		"/reports?year=2025&report=gsi",
		"/reports?year=2025&report=nav",
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
}
