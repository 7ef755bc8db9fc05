package reports_test

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reports"
	"github.com/oppvekst/oppvekst/specialed"
)

const m = domain.Municipality("0301")

func d(y int, mo time.Month, day int) date.Date { return date.New(y, mo, day) }

type fixture struct {
	in reports.Input
}

func (f *fixture) unit(name string, k domain.UnitKind, seats domain.Seats) domain.UnitID {
	u := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: name, Kind: k, Owner: domain.Municipal, Seats: seats}
	f.in.Units = append(f.in.Units, u)
	return u.ID
}

func (f *fixture) child(birth date.Date) domain.ChildID {
	c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "A", FamilyName: "B", BirthDate: birth}
	f.in.Children = append(f.in.Children, c)
	return c.ID
}

func (f *fixture) place(c domain.ChildID, u domain.UnitID, k domain.UnitKind, h int, from, to date.Date) {
	f.in.Placements = append(f.in.Placements, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m,
		ChildID: c, UnitID: u, Kind: k, HoursPerWeek: h, Period: domain.Period{Start: from, End: to}})
}

func TestRulesLoadAndCiteEveryDefinition(t *testing.T) {
	r, err := reports.LoadRules()
	require.NoError(t, err)
	assert.Equal(t, 12, r.BASIL.CountMonth)
	assert.Equal(t, 15, r.BASIL.CountDay)
	assert.Equal(t, 10, r.GSI.CountMonth)
	assert.Equal(t, 1, r.GSI.CountDay)
	for _, ss := range [][]reports.Source{r.BASIL.Sources, r.GSI.Sources, r.NAV.Sources} {
		require.NotEmpty(t, ss)
		for _, s := range ss {
			assert.NotEmpty(t, s.What)
			assert.NotEmpty(t, s.Section)
		}
	}
	bad := r
	bad.BASIL.HoursBands = []reports.Band{{Key: "a", From: 0, To: 10}, {Key: "b", From: 9, To: 20}}
	assert.Error(t, bad.Validate())
	bad = r
	bad.BASIL.AgeRule = "guess"
	assert.Error(t, bad.Validate())
}

func TestBASILCountsByAgeHoursAndDecisions(t *testing.T) {
	var f fixture
	r := reports.MustRules().BASIL
	kg := f.unit("Solsikken", domain.Kindergarten, domain.Seats{Small: 9, Large: 18})
	closed := f.unit("Nedlagt", domain.Kindergarten, domain.Seats{})
	f.in.Units[1].ClosingDate = d(2025, time.June, 30)
	school := f.unit("Skolen", domain.School, domain.Seats{})
	a := f.child(d(2024, time.March, 3)) // age 1 in 2025
	b := f.child(d(2021, time.December, 31))
	c := f.child(d(2022, time.June, 1))
	gone := f.child(d(2022, time.June, 1))
	pupil := f.child(d(2018, time.May, 5))
	f.place(a, kg, domain.Kindergarten, 41, d(2025, time.August, 1), date.Zero)
	f.place(b, kg, domain.Kindergarten, 20, d(2024, time.August, 1), d(2025, time.December, 15)) // last day is the counting day
	f.place(c, kg, domain.Kindergarten, 8, d(2024, time.August, 1), date.Zero)
	f.place(gone, kg, domain.Kindergarten, 45, d(2024, time.August, 1), d(2025, time.December, 14))
	f.place(gone, closed, domain.Kindergarten, 45, d(2024, time.August, 1), d(2025, time.June, 30))
	f.place(pupil, school, domain.School, 0, d(2024, time.August, 1), date.Zero)
	f.in.Decisions = []reports.Decision{
		{Child: c, Kind: reports.KindSpecialEducationHelp, Period: domain.Period{Start: d(2025, time.September, 1)}, HoursPerWeek: decimal.NewFromInt(4)},
		{Child: b, Kind: reports.KindAdaptation, Period: domain.Period{Start: d(2025, time.January, 1), End: d(2025, time.December, 15)}},
		{Child: a, Kind: reports.KindSpecialEducationHelp, Period: domain.Period{Start: d(2026, time.January, 1)}},
	}
	rep, err := reports.BASIL(f.in, 2025, r)
	require.NoError(t, err)
	assert.Equal(t, d(2025, time.December, 15), rep.Day)
	require.Len(t, rep.Units, 1, "the closed kindergarten and the school are not counted")
	u := rep.Units[0]
	assert.Equal(t, domain.Seats{Small: 9, Large: 18}, u.Places)
	assert.Equal(t, 3, u.Children.Count)
	assert.Equal(t, []domain.ChildID{a}, u.ByAge["1"].Children)
	assert.Equal(t, []domain.ChildID{c}, u.ByAge["3"].Children)
	assert.Equal(t, []domain.ChildID{b}, u.ByAge["4"].Children)
	assert.Equal(t, 0, u.ByAge["2"].Count)
	assert.Equal(t, []domain.ChildID{a}, u.ByAgeAndHours["1"]["41+"].Children)
	assert.Equal(t, []domain.ChildID{b}, u.ByAgeAndHours["4"]["17-24"].Children)
	assert.Equal(t, []domain.ChildID{c}, u.ByAgeAndHours["3"]["0-8"].Children)
	assert.Equal(t, []domain.ChildID{c}, u.SpecialEducationHelp.Children, "a's decision starts after the day")
	assert.Equal(t, []domain.ChildID{b}, u.Adaptation.Children)
	assert.Equal(t, []string{"minority-language", "staff"}, rep.NotCounted)

	r.AgeRule = reports.AgeCompletedOnCountDay
	rep, err = reports.BASIL(f.in, 2025, r)
	require.NoError(t, err)
	assert.ElementsMatch(t, []domain.ChildID{b, c}, rep.Units[0].ByAge["3"].Children, "b, born 31 December 2021, is three on 15 December 2025")
	assert.Equal(t, 0, rep.Units[0].ByAge["4"].Count)

	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, reports.BASILColumns, rows[0])
	assert.Contains(t, rows, []string{kg.String(), "Solsikken", "municipal", "children", "", "", "3"})
	assert.Contains(t, rows, []string{kg.String(), "Solsikken", "municipal", "children-by-age-and-hours", "1", "41+", "1"})
	assert.Contains(t, rows, []string{kg.String(), "Solsikken", "municipal", "places-small", "", "", "9"})
}

func TestReportsRefuseUnknownReferences(t *testing.T) {
	var f fixture
	kg := f.unit("K", domain.Kindergarten, domain.Seats{})
	f.place(domain.NewID[domain.Child](), kg, domain.Kindergarten, 40, d(2025, time.January, 1), date.Zero)
	_, err := reports.BASIL(f.in, 2025, reports.MustRules().BASIL)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []domain.FieldError{{Field: "placements[0].childId", Reason: reports.ReasonUnknownChild}}, ve.Fields)
	_, err = reports.GSI(f.in, 2025, reports.MustRules().GSI)
	assert.Error(t, err)
	_, err = reports.NAV(f.in, 2025, time.March, reports.MustRules().NAV, nil)
	assert.Error(t, err)
}

func TestGSICountsGradesSFOHoursAndAdaptedEducation(t *testing.T) {
	var f fixture
	r := reports.MustRules().GSI
	school := f.unit("Bakken skole", domain.School, domain.Seats{})
	sfo := f.unit("Bakken SFO", domain.SFO, domain.Seats{})
	first := f.child(d(2019, time.December, 31)) // turns six in 2025: grade 1 in 2025/26
	third := f.child(d(2017, time.January, 1))
	tenth := f.child(d(2010, time.July, 1))
	f.place(first, school, domain.School, 0, d(2025, time.August, 15), date.Zero)
	f.place(third, school, domain.School, 0, d(2023, time.August, 15), date.Zero)
	f.place(tenth, school, domain.School, 0, d(2016, time.August, 15), date.Zero)
	f.place(first, sfo, domain.SFO, 12, d(2025, time.August, 15), date.Zero)
	f.place(third, sfo, domain.SFO, 20, d(2025, time.August, 15), d(2025, time.September, 30)) // ended the day before
	f.in.Decisions = []reports.Decision{
		{Child: third, Kind: reports.KindAdaptedEducation, Period: domain.Period{Start: d(2025, time.August, 15)}, HoursPerWeek: decimal.RequireFromString("3.5")},
		{Child: third, Kind: reports.KindAdaptedEducation, Period: domain.Period{Start: d(2025, time.September, 1)}, HoursPerWeek: decimal.NewFromInt(2)},
		{Child: tenth, Kind: reports.KindSpecialEducationHelp, Period: domain.Period{Start: d(2025, time.August, 1)}, HoursPerWeek: decimal.NewFromInt(9)},
	}
	rep, err := reports.GSI(f.in, 2025, r)
	require.NoError(t, err)
	assert.Equal(t, d(2025, time.October, 1), rep.Day)
	require.Len(t, rep.Units, 2)
	s, o := rep.Units[0], rep.Units[1]
	assert.Equal(t, domain.School, s.Kind)
	assert.Equal(t, 3, s.Pupils.Count)
	assert.Equal(t, []domain.ChildID{first}, s.ByGrade["1"].Children)
	assert.Equal(t, []domain.ChildID{third}, s.ByGrade["3"].Children)
	assert.Equal(t, []domain.ChildID{tenth}, s.ByGrade["10"].Children)
	assert.Equal(t, []domain.ChildID{third}, s.AdaptedEducation.Children)
	assert.Equal(t, "5.5", s.AdaptedHoursPerWeek.String())
	assert.Equal(t, "5.5", s.AdaptedHoursPerWeekByGr["3"].String())
	assert.Equal(t, 1, o.Pupils.Count)
	assert.Equal(t, []domain.ChildID{first}, o.ByHours["h12"].Children)
	assert.Nil(t, o.ByHours["h20"])

	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Contains(t, rows, []string{school.String(), "Bakken skole", "school", "adapted-hours-per-week", "", "5.5"})
	assert.Contains(t, rows, []string{sfo.String(), "Bakken SFO", "sfo", "sfo-pupils-by-hours", "h12", "1"})
}

func TestNAVListAndChangesSinceLastMonth(t *testing.T) {
	var f fixture
	r := reports.MustRules().NAV
	kg := f.unit("Solsikken", domain.Kindergarten, domain.Seats{})
	kg2 := f.unit("Blåklokka", domain.Kindergarten, domain.Seats{})
	steady := f.child(d(2024, time.January, 10))
	turnsOne := f.child(d(2024, time.March, 20)) // one on 20 March 2025
	baby := f.child(d(2024, time.May, 1))        // under one all spring
	mover := f.child(d(2023, time.June, 1))
	leaver := f.child(d(2022, time.March, 15)) // three on 15 March 2025
	f.in.Children[4].AddressProtection = domain.ProtectionStrengtFortrolig
	f.in.Children[4].Address = domain.Address{Street: "Hemmelig 1", Postcode: "0001", PostTown: "OSLO"}
	f.place(steady, kg, domain.Kindergarten, 40, d(2024, time.August, 1), date.Zero)
	f.place(turnsOne, kg, domain.Kindergarten, 30, d(2025, time.March, 1), date.Zero)
	f.place(baby, kg, domain.Kindergarten, 30, d(2025, time.March, 1), date.Zero)
	f.place(mover, kg, domain.Kindergarten, 20, d(2024, time.August, 1), d(2025, time.March, 9))
	f.place(mover, kg2, domain.Kindergarten, 40, d(2025, time.March, 10), date.Zero)
	f.place(leaver, kg, domain.Kindergarten, 45, d(2024, time.August, 1), date.Zero)

	feb, err := reports.NAV(f.in, 2025, time.February, r, nil)
	require.NoError(t, err)
	ids := func(l reports.NAVList) []domain.ChildID {
		var out []domain.ChildID
		for _, e := range l.Entries {
			out = append(out, e.Child)
		}
		return out
	}
	assert.ElementsMatch(t, []domain.ChildID{steady, mover, leaver}, ids(feb))
	for _, e := range feb.Entries {
		if e.Child == leaver {
			assert.True(t, e.AddressProtected)
			assert.Equal(t, domain.Address{}, e.Address, "a protected address is left out")
		}
		if e.Child == mover {
			assert.Equal(t, 20, e.HoursPerWeek)
			assert.Equal(t, "17-24", e.Band)
		}
	}
	assert.Len(t, feb.Changes, 3, "the first list: every child started")

	mar, err := reports.NAV(f.in, 2025, time.March, r, &feb)
	require.NoError(t, err)
	assert.ElementsMatch(t, []domain.ChildID{steady, turnsOne, mover, leaver}, ids(mar), "the leaver is listed until the day before turning three")
	assert.ElementsMatch(t, []reports.NAVChange{
		{Child: turnsOne, Kind: reports.ChangeStarted, To: "2025-03-01"},
		{Child: mover, Kind: reports.ChangeUnitChanged, From: kg.String(), To: kg2.String()},
		{Child: mover, Kind: reports.ChangeHoursChanged, From: "20", To: "40"},
	}, mar.Changes)

	apr, err := reports.NAV(f.in, 2025, time.April, r, &mar)
	require.NoError(t, err)
	assert.ElementsMatch(t, []domain.ChildID{steady, turnsOne, mover}, ids(apr))
	assert.Equal(t, []reports.NAVChange{{Child: leaver, Kind: reports.ChangeRemoved}}, apr.Changes)

	var buf bytes.Buffer
	require.NoError(t, apr.WriteCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, reports.NAVColumns, rows[0])
	assert.Len(t, rows, 4)
}

func TestDecisionsFromCasesTakesGrantedDecisionsUntilTheCaseEnds(t *testing.T) {
	child := domain.NewID[domain.Child]()
	granted := func(k specialed.DecisionKind, from, to date.Date, hours ...string) *specialed.Provision {
		p := &specialed.Provision{Outcome: specialed.Granted, Kind: k, From: from, To: to}
		for i, h := range hours {
			by := specialed.Teacher
			if i > 0 {
				by = specialed.Assistant
			}
			p.Hours = append(p.Hours, specialed.Hours{Provider: by, PerWeek: decimal.RequireFromString(h)})
		}
		return p
	}
	cases := []specialed.Case{
		{Child: child, Decision: granted(specialed.SpecialEducationHelp, d(2025, time.August, 1), date.Zero, "2", "1.5")},
		{Child: child, Decision: granted(specialed.AdaptedEducation, d(2025, time.August, 1), d(2026, time.June, 30), "3"), Ended: d(2025, time.December, 31)},
		{Child: child, Decision: &specialed.Provision{Outcome: specialed.Refused, Kind: specialed.Adaptation, From: d(2025, time.August, 1)}},
		{Child: child, Recommendation: granted(specialed.Adaptation, d(2025, time.August, 1), date.Zero)},
		{Child: child, Decision: granted(specialed.Adaptation, d(2025, time.August, 1), date.Zero), Ended: d(2025, time.July, 1)},
	}
	got := reports.DecisionsFromCases(cases)
	require.Len(t, got, 2, "refused, recommended only, and ended before the start are left out")
	assert.Equal(t, reports.KindSpecialEducationHelp, got[0].Kind)
	assert.Equal(t, "3.5", got[0].HoursPerWeek.String())
	assert.True(t, got[0].Period.Open())
	assert.Equal(t, reports.KindAdaptedEducation, got[1].Kind)
	assert.Equal(t, d(2025, time.December, 31), got[1].Period.End, "the case ended before the decision's end")
}
