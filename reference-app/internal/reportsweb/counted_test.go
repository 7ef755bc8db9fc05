package reportsweb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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

// The pages count in the store (reports.Counter); the API counts in Go
// from every row (reports.Load). On the demo seed, on SQLite and on
// PostgreSQL, both give the same figures: the library's two countings
// cell by cell, NAV's entries and changes chosen in the store against
// reports.NAV, and the pages' figures against the API's.
func TestCountedFiguresEqualTheFiguresOfEveryRow(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testCountedFigures(t, webtest.New(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testCountedFigures(t, webtest.NewPostgres(t)) })
}

func testCountedFigures(t *testing.T, ta *webtest.Harness) {
	ctx := t.Context()
	counter, ok := ta.DB.(reports.Counter)
	require.True(t, ok, "the store counts in the database")
	rules, err := reports.LoadRules()
	require.NoError(t, err)
	for _, year := range []int{2025, 2026} {
		var in reports.Input
		var units []domain.Unit
		var ds []reports.Decision
		require.NoError(t, ta.DB.Atomic(ctx, func(ctx context.Context) error {
			var err error
			in, err = reports.Load(ctx, ta.DB, ta.DB, demo.Municipality, domain.Period{Start: date.New(year, time.January, 1), End: date.New(year, time.December, 31)})
			if err != nil {
				return err
			}
			if units, err = ta.DB.Units(ctx, demo.Municipality); err != nil {
				return err
			}
			ds, err = counter.GrantedDecisions(ctx, demo.Municipality)
			return err
		}))
		wantB, err := reports.BASIL(in, year, rules.BASIL)
		require.NoError(t, err)
		gotB, err := reports.CountBASIL(ctx, counter, demo.Municipality, units, ds, year, rules.BASIL)
		require.NoError(t, err)
		if year == 2025 {
			assert.NotEmpty(t, wantB.Figures())
		}
		assert.Equal(t, wantB.Figures(), gotB.Figures(), "BASIL %d", year)
		wantG, err := reports.GSI(in, domain.SchoolYear(year), rules.GSI)
		require.NoError(t, err)
		gotG, err := reports.CountGSI(ctx, counter, demo.Municipality, units, ds, domain.SchoolYear(year), rules.GSI)
		require.NoError(t, err)
		if year == 2025 {
			assert.NotEmpty(t, wantG.Figures())
		}
		assert.Equal(t, wantG.Figures(), gotG.Figures(), "GSI %d", year)
	}

	// NAV's list of every month of 2025 and 2026, chosen in the store
	// (reports.CountNAV), against reports.NAV over every row.
	nc, ok := ta.DB.(reports.NAVCounter)
	require.True(t, ok, "the store chooses NAV's placements in the database")
	listed := 0
	for mo := date.New(2025, time.January, 1); mo.Year() < 2027; mo = mo.AddDate(0, 1, 0) {
		before := mo.AddDate(0, -1, 0)
		var in reports.Input
		require.NoError(t, ta.DB.Atomic(ctx, func(ctx context.Context) error {
			var err error
			in, err = reports.Load(ctx, ta.DB, nil, demo.Municipality, domain.Period{Start: before, End: mo.AddDate(0, 1, -1)})
			return err
		}))
		prev, err := reports.NAV(in, before.Year(), before.Month(), rules.NAV, nil)
		require.NoError(t, err)
		want, err := reports.NAV(in, mo.Year(), mo.Month(), rules.NAV, &prev)
		require.NoError(t, err)
		got, err := reports.CountNAV(ctx, nc, demo.Municipality, mo.Year(), mo.Month(), rules.NAV)
		require.NoError(t, err)
		assert.Equal(t, len(want.Entries), got.Entries, "NAV %s: the entries", mo.Format("2006-01"))
		assert.Equal(t, want.Changes, got.Changes, "NAV %s: the changes", mo.Format("2006-01"))
		listed += len(want.Entries)
	}
	assert.Positive(t, listed)

	// The pages against the API.
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	get := func(path string, v any) string {
		t.Helper()
		res := ta.Do(t, cw, "GET", path, "", "", "Accept-Language", "nb")
		require.Equal(t, http.StatusOK, res.Status, "%s: %s", path, res.Body)
		if v != nil {
			require.NoError(t, json.Unmarshal([]byte(res.Body), v))
		}
		return res.Body
	}
	count := func(n int) string { return fmt.Sprintf(`<span class="figure">%d</span>`, n) }
	var basil reports.BASILReport
	get("/api/v1/reports/basil?year=2025", &basil)
	total, byAge := 0, map[string]int{}
	for _, u := range basil.Units {
		total += u.Children.Count
		for a, c := range u.ByAge {
			byAge[a] += c.Count
		}
	}
	require.Positive(t, total)
	assert.Contains(t, get("/reports?year=2025", nil), count(total)+" barn i barnehage")
	for a, n := range byAge {
		assert.Contains(t, get("/reports/children?report=basil&year=2025&cell=age."+a, nil), count(n), "the children aged %s of every unit", a)
	}
	var gsi reports.GSIReport
	get("/api/v1/reports/gsi?year=2025", &gsi)
	byGrade := map[string]int{}
	for _, u := range gsi.Units {
		for g, c := range u.ByGrade {
			byGrade[g] += c.Count
		}
		if u.Pupils.Count > 0 {
			assert.Contains(t, get("/reports/children?report=gsi&year=2025&cell=pupils&unit="+u.Unit.String(), nil), count(u.Pupils.Count), u.Name)
		}
	}
	require.NotEmpty(t, byGrade)
	for g, n := range byGrade {
		assert.Contains(t, get("/reports/children?report=gsi&year=2025&cell=grade."+g, nil), count(n), "grade %s of every unit", g)
	}
	var nav reports.NAVList
	get("/api/v1/reports/nav?month=2025-11", &nav)
	require.NotEmpty(t, nav.Entries)
	assert.Contains(t, get("/reports/children?report=nav&month=2025-11&cell=entries", nil), count(len(nav.Entries)))
	overview := get("/reports?year=2025&report=nav", nil) // this month's list: November 2025
	assert.Contains(t, overview, count(len(nav.Changes)))
	assert.Contains(t, overview, count(len(nav.Entries)))
}
