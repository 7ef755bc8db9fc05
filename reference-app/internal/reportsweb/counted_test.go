package reportsweb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
	"github.com/oppvekst/oppvekst/reports"
	"github.com/oppvekst/oppvekst/specialed"
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
	grantSome(t, ta, rules)
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
	help, adaptation := 0, 0
	for _, u := range basil.Units {
		help += u.SpecialEducationHelp.Count
		adaptation += u.Adaptation.Count
	}
	// Of every unit, the figures of the children with a decision read
	// those children only.
	assert.Contains(t, get("/reports/children?report=basil&year=2025&cell=help", nil), count(help), "help of every unit")
	assert.Contains(t, get("/reports/children?report=basil&year=2025&cell=adaptation", nil), count(adaptation), "adaptation of every unit")
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
	adapted, adaptedByGrade := 0, map[string]int{}
	for _, u := range gsi.Units {
		adapted += u.AdaptedEducation.Count
		for g, c := range u.AdaptedByGrade {
			adaptedByGrade[g] += c.Count
		}
	}
	assert.Contains(t, get("/reports/children?report=gsi&year=2025&cell=adapted", nil), count(adapted), "adapted education of every unit")
	for g, n := range adaptedByGrade {
		assert.Contains(t, get("/reports/children?report=gsi&year=2025&cell=adaptedGrade."+g, nil), count(n), "adapted education, grade %s of every unit", g)
	}
	assert.Positive(t, help)
	assert.Positive(t, adaptation)
	assert.Positive(t, adapted)
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

// grantSome grants special-education help to two kindergarten children,
// adaptation to one, and individually adapted education to two pupils
// placed on 2025's counting days, so that those figures count someone.
func grantSome(t *testing.T, ta *webtest.Harness, rules reports.Rules) {
	t.Helper()
	ctx := t.Context()
	basilDay := date.New(2025, time.Month(rules.BASIL.CountMonth), rules.BASIL.CountDay)
	gsiDay := date.New(2025, time.Month(rules.GSI.CountMonth), rules.GSI.CountDay)
	in, err := reports.Load(ctx, ta.DB, nil, demo.Municipality, domain.Period{Start: gsiDay, End: basilDay})
	require.NoError(t, err)
	var kg, school []domain.Placement
	for _, p := range in.Placements {
		switch {
		case p.Kind == domain.Kindergarten && p.Period.Contains(basilDay):
			kg = append(kg, p)
		case p.Kind == domain.School && p.Period.Contains(gsiDay):
			school = append(school, p)
		}
	}
	require.GreaterOrEqual(t, len(kg), 3)
	require.GreaterOrEqual(t, len(school), 2)
	store, ok := ta.DB.(specialed.Store)
	require.True(t, ok)
	grant := func(p domain.Placement, kind specialed.DecisionKind, from date.Date) {
		k := specialed.Case{ID: domain.NewID[specialed.Case](), Municipality: demo.Municipality, Child: p.ChildID, Unit: p.UnitID, Setting: specialed.School,
			Staff: []string{"laerer@example.no"}, Last: specialed.StepDecision, LastDay: from,
			Days: map[specialed.StepID]date.Date{specialed.StepConcern: from}, Opened: time.Date(2025, time.January, 2, 9, 0, 0, 0, domain.Oslo()), Version: 1,
			Decision: &specialed.Provision{Outcome: specialed.Granted, Kind: kind, From: from,
				Hours: []specialed.Hours{{Provider: specialed.Teacher, PerWeek: decimal.NewFromInt(3)}}}}
		require.NoError(t, store.CreateCase(ctx, k))
	}
	grant(kg[0], specialed.SpecialEducationHelp, basilDay.AddDate(0, -2, 0))
	grant(kg[1], specialed.SpecialEducationHelp, basilDay.AddDate(0, -2, 0))
	grant(kg[2], specialed.Adaptation, basilDay.AddDate(0, -2, 0))
	grant(school[0], specialed.AdaptedEducation, gsiDay.AddDate(0, -2, 0))
	grant(school[1], specialed.AdaptedEducation, gsiDay.AddDate(0, -2, 0))
}
