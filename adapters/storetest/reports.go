package storetest

import (
	"context"
	"errors"
	"slices"
	"strconv"
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

// ReportsStore is a store that counts the reports to the state in the
// database (reports.Counter) and holds their rows.
type ReportsStore interface {
	domain.Store
	specialed.Store
	reports.Counter
}

// RunReports runs the suite of reports.Counter: BASIL and GSI counted
// from the store's counts (reports.CountBASIL, reports.CountGSI) give the
// figures reports.BASIL and reports.GSI give over every row
// (reports.Load), on children of every age and hours band, birthdays on
// both sides of the counting day, placements that ended or begin after
// it, a closed unit, granted and refused decisions and a case ended; the
// rows Placed selects are those of its query; another municipality's are
// never counted; and a store that chooses NAV's placements
// (reports.NAVCounter) gives the entries and changes reports.NAV gives
// (runNAVCounted).
func RunReports(t *testing.T, newStore func(t *testing.T) ReportsStore) {
	t.Run("NAV counted", func(t *testing.T) { runNAVCounted(t, newStore(t)) })
	s := newStore(t)
	ctx := ctxFor(t)
	rules, err := reports.LoadRules()
	require.NoError(t, err)
	year := 2026
	basilDay := date.New(year, time.Month(rules.BASIL.CountMonth), rules.BASIL.CountDay)
	gsiDay := date.New(year, time.Month(rules.GSI.CountMonth), rules.GSI.CountDay)
	f := &fixture{m: Oslo}
	k1, k2, closed := f.unit(domain.Kindergarten), f.unit(domain.Kindergarten), f.unit(domain.Kindergarten)
	closed.ClosingDate = basilDay.AddDate(0, 0, -1)
	sc, sfo := f.unit(domain.School), f.unit(domain.SFO)
	for _, u := range []domain.Unit{k1, k2, closed, sc, sfo} {
		require.NoError(t, s.CreateUnit(ctx, u))
	}
	hours := []int{5, 8, 9, 20, 33, 41, 45}
	var kgChildren, pupils []domain.Child
	place := func(c domain.Child, u domain.Unit, h int, start, end date.Date) {
		t.Helper()
		start = max(start, c.BirthDate)
		if u.ClosingDate != date.Zero && (end == date.Zero || end > u.ClosingDate) {
			end = u.ClosingDate
		}
		if end != date.Zero && end < start {
			return // born after the placement would have ended, or the unit closed
		}
		p := f.placement(c, u, start, end)
		p.HoursPerWeek = h
		require.NoError(t, s.CreatePlacement(ctx, p))
	}
	newChild := func(birth date.Date) domain.Child {
		t.Helper()
		c := f.child(t)
		c.BirthDate = birth
		c.NationalID = nid(t, birth, f.seq)
		require.NoError(t, s.CreateChild(ctx, c))
		return c
	}
	for i := range 24 {
		// Ages 0 to 7, born before, on and after the counting day's month and day.
		birth := date.New(year-i%8, basilDay.Month(), basilDay.Day()+(i%4)-1)
		c := newChild(birth)
		kgChildren = append(kgChildren, c)
		u := []domain.Unit{k1, k2, closed}[i%3]
		switch i % 5 {
		case 3: // ended the day before
			place(c, u, hours[i%len(hours)], basilDay.AddDate(-1, 0, 0), basilDay.AddDate(0, 0, -1))
		case 4: // begins the day after
			place(c, u, hours[i%len(hours)], basilDay.AddDate(0, 0, 1), date.Zero)
		default:
			place(c, u, hours[i%len(hours)], basilDay.AddDate(-1, 0, 0), date.Zero)
		}
	}
	for i := range 14 {
		birth := date.New(year-5-i%12, gsiDay.Month(), gsiDay.Day()+(i%3)-1)
		c := newChild(birth)
		pupils = append(pupils, c)
		place(c, sc, 0, gsiDay.AddDate(-1, 0, 0), date.Zero)
		if i%2 == 0 {
			place(c, sfo, hours[i%len(hours)], gsiDay.AddDate(0, -1, 0), gsiDay.AddDate(0, 1, 0))
		}
	}
	decide := func(c domain.Child, u domain.Unit, kind specialed.DecisionKind, outcome specialed.Outcome, from, to, ended date.Date, perWeek ...string) {
		t.Helper()
		k := specialed.Case{ID: domain.NewID[specialed.Case](), Municipality: Oslo, Child: c.ID, Unit: u.ID, Setting: specialed.School,
			Staff: []string{"lærer@skole.no"}, Last: specialed.StepDecision, LastDay: from,
			Days: map[specialed.StepID]date.Date{specialed.StepConcern: from}, Opened: oslo(year, 1, 2, 9), Version: 1, Ended: ended,
			Decision: &specialed.Provision{Outcome: outcome, Kind: kind, From: from, To: to}}
		for _, h := range perWeek {
			k.Decision.Hours = append(k.Decision.Hours, specialed.Hours{Provider: specialed.Teacher, PerWeek: decimal.RequireFromString(h)})
		}
		require.NoError(t, s.CreateCase(ctx, k))
	}
	long := basilDay.AddDate(-1, 0, 0)
	decide(kgChildren[0], k1, specialed.SpecialEducationHelp, specialed.Granted, long, date.Zero, date.Zero, "4")
	decide(kgChildren[1], k2, specialed.SpecialEducationHelp, specialed.Granted, long, date.Zero, date.Zero, "2")
	decide(kgChildren[1], k2, specialed.Adaptation, specialed.Granted, long, basilDay.AddDate(1, 0, 0), date.Zero)
	decide(kgChildren[6], k1, specialed.Adaptation, specialed.Granted, long, date.Zero, basilDay.AddDate(0, 0, -2)) // the case ended
	decide(kgChildren[5], k2, specialed.SpecialEducationHelp, specialed.Refused, long, date.Zero, date.Zero)
	decide(pupils[0], sc, specialed.AdaptedEducation, specialed.Granted, gsiDay.AddDate(-1, 0, 0), date.Zero, date.Zero, "3.5", "1.25")
	decide(pupils[2], sc, specialed.AdaptedEducation, specialed.Granted, gsiDay.AddDate(-1, 0, 0), date.Zero, date.Zero, "2")
	decide(pupils[4], sc, specialed.AdaptedEducation, specialed.Granted, gsiDay.AddDate(0, 0, 1), date.Zero, date.Zero, "2") // not yet
	// Another municipality's children are never counted.
	b := &fixture{m: Bergen}
	bu := b.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, bu))
	bc := b.child(t)
	require.NoError(t, s.CreateChild(ctx, bc))
	require.NoError(t, s.CreatePlacement(ctx, b.placement(bc, bu, long, date.Zero)))

	// The oracle: the reports over every row.
	cases := reports.CaseSource(s)
	var in reports.Input
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		var err error
		in, err = reports.Load(ctx, s, cases, Oslo, domain.Period{Start: gsiDay, End: basilDay})
		return err
	}))
	wantB, err := reports.BASIL(in, year, rules.BASIL)
	require.NoError(t, err)
	wantG, err := reports.GSI(in, domain.SchoolYear(year), rules.GSI)
	require.NoError(t, err)

	units, err := s.Units(ctx, Oslo)
	require.NoError(t, err)
	ds, err := s.GrantedDecisions(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, ds, 7, "the granted decisions (the refused one left out)")
	gotB, err := reports.CountBASIL(ctx, s, Oslo, units, ds, year, rules.BASIL)
	require.NoError(t, err)
	gotG, err := reports.CountGSI(ctx, s, Oslo, units, ds, domain.SchoolYear(year), rules.GSI)
	require.NoError(t, err)
	assert.Equal(t, wantB.Figures(), gotB.Figures(), "BASIL counted in the store")
	assert.Equal(t, wantG.Figures(), gotG.Figures(), "GSI counted in the store")
	// The age in completed years on the day: the birthdays around it count.
	completed := rules.BASIL
	completed.AgeRule = reports.AgeCompletedOnCountDay
	wantC, err := reports.BASIL(in, year, completed)
	require.NoError(t, err)
	gotC, err := reports.CountBASIL(ctx, s, Oslo, units, ds, year, completed)
	require.NoError(t, err)
	assert.Equal(t, wantC.Figures(), gotC.Figures(), "BASIL by completed years counted in the store")
	assert.NotEqual(t, wantB.Figures(), wantC.Figures(), "the age rule changes the figures")
	// The figures are not all empty: the comparison could fail.
	assert.Greater(t, len(wantB.Figures()), 10)
	assert.Contains(t, wantB.Figures(), k1.ID.String()+"/help")
	assert.Contains(t, wantB.Figures(), k2.ID.String()+"/adaptation")
	assert.Equal(t, 675, wantG.Figures()[sc.ID.String()+"/adaptedHours"])
	assert.NotContains(t, wantB.Figures(), closed.ID.String()+"/children")

	// FigureByName (when the store has it): a figure of every unit
	// selected in the store counts and lists the children the report
	// counts over every row.
	if namer, ok := s.(reports.FigureNamer); ok {
		figureByName(t, s, namer, units, wantB, wantG, rules, year)
	}

	// Placed: the rows of its query only.
	ps, cs, err := s.Placed(ctx, Oslo, reports.PlacedQuery{Kinds: []domain.UnitKind{domain.Kindergarten}, Within: domain.Period{Start: basilDay, End: basilDay}, Unit: k1.ID})
	require.NoError(t, err)
	want := 0
	for _, p := range in.Placements {
		if p.UnitID == k1.ID && p.Period.Contains(basilDay) {
			want++
			assert.Contains(t, childIDs(cs), p.ChildID)
		}
	}
	assert.Len(t, ps, want)
	assert.Len(t, cs, want)
	ps, cs, err = s.Placed(ctx, Oslo, reports.PlacedQuery{Kinds: []domain.UnitKind{domain.School, domain.SFO}, Within: domain.Period{Start: gsiDay, End: gsiDay},
		Children: []domain.ChildID{pupils[0].ID, pupils[1].ID, bc.ID}})
	require.NoError(t, err)
	assert.Len(t, ps, 3, "pupil 0 at school and SFO, pupil 1 at school, the other municipality's child nowhere")
	assert.ElementsMatch(t, []domain.ChildID{pupils[0].ID, pupils[1].ID}, childIDs(cs))
	ps, _, err = s.Placed(ctx, Oslo, reports.PlacedQuery{Kinds: []domain.UnitKind{domain.Kindergarten}, Within: domain.Period{Start: gsiDay, End: basilDay},
		BornFrom: date.New(year-2, 1, 1), BornTo: date.New(year-1, 12, 31)})
	require.NoError(t, err)
	want = 0
	for _, p := range in.Placements {
		c := childByID(in.Children, p.ChildID)
		if p.Kind == domain.Kindergarten && (c.BirthDate.Year() == year-2 || c.BirthDate.Year() == year-1) {
			want++
		}
	}
	assert.Len(t, ps, want, "born in the two years, placed some day from 1 October to 15 December")
	assert.NotZero(t, want)

	// Slim: the same placements, the children with ID and birth date only.
	full := reports.PlacedQuery{Kinds: []domain.UnitKind{domain.Kindergarten, domain.School, domain.SFO}, Within: domain.Period{Start: gsiDay, End: basilDay}}
	wantPs, wantCs, err := s.Placed(ctx, Oslo, full)
	require.NoError(t, err)
	slim := full
	slim.Slim = true
	gotPs, gotCs, err := s.Placed(ctx, Oslo, slim)
	require.NoError(t, err)
	assert.Equal(t, wantPs, gotPs)
	require.Len(t, gotCs, len(wantCs))
	for _, c := range gotCs {
		w := childByID(wantCs, c.ID)
		assert.Equal(t, domain.Child{ID: w.ID, Municipality: w.Municipality, BirthDate: w.BirthDate}, c)
	}

	// ChildrenByName: the children named, in name order (the strictly
	// protected first, æ, ø and å after z, case ignored), paged and searched.
	named := []domain.Child{}
	for i, n := range [][2]string{{"Åse", "Berg"}, {"anne", "berg"}, {"Ola", "Østby"}, {"Kari", "Ærlig"}, {"Per", "Aasen"}, {"Zara", "Zeta"},
		{"Skjult", "Aaberg"}, {"Anne", "Berg"}} {
		c := f.child(t)
		c.GivenName, c.FamilyName = n[0], n[1]
		if i == 6 {
			c.AddressProtection = domain.ProtectionStrengtFortrolig
		}
		require.NoError(t, s.CreateChild(ctx, c))
		named = append(named, c)
	}
	ids := []domain.ChildID{bc.ID} // another municipality's: left out
	for _, c := range named {
		ids = append(ids, c.ID, c.ID) // each once
	}
	var pages [][]string
	var after domain.ChildID
	for range 5 {
		page, n, err := s.ChildrenByName(ctx, Oslo, reports.NameQuery{IDs: ids, After: after, Limit: 3})
		require.NoError(t, err)
		assert.Equal(t, len(named), n)
		var got []string
		for _, c := range page {
			got = append(got, c.GivenName+" "+c.FamilyName)
			after = c.ID
		}
		pages = append(pages, got)
		if len(page) < 3 {
			break
		}
	}
	bergs := []string{"Anne Berg", "anne berg"}
	if named[7].ID.Compare(named[1].ID) > 0 {
		bergs[0], bergs[1] = bergs[1], bergs[0]
	}
	assert.Equal(t, [][]string{{"Skjult Aaberg", "Per Aasen", bergs[0]}, {bergs[1], "Åse Berg", "Zara Zeta"}, {"Kari Ærlig", "Ola Østby"}}, pages)
	found, n, err := s.ChildrenByName(ctx, Oslo, reports.NameQuery{IDs: ids, Limit: 10, Search: "BERG"})
	require.NoError(t, err)
	assert.Equal(t, 3, n, "the three Bergs, not the strictly protected Aaberg")
	assert.Len(t, found, 3)
	found, n, err = s.ChildrenByName(ctx, Oslo, reports.NameQuery{IDs: ids, Limit: 10, Search: "ærlig"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.Len(t, found, 1)
	assert.Equal(t, named[3].ID, found[0].ID)
	found, n, err = s.ChildrenByName(ctx, Oslo, reports.NameQuery{IDs: ids, Limit: 10, Search: named[6].NationalID.String()[:6]})
	require.NoError(t, err)
	assert.Positive(t, n)
	assert.Contains(t, childIDs(found), named[6].ID, "the strictly protected child by national ID")
	for _, c := range found {
		assert.True(t, reports.NameQuery{Search: named[6].NationalID.String()[:6]}.MatchesName(c))
	}

	_, _, err = s.Placed(ctx, Oslo, reports.PlacedQuery{Within: domain.Period{Start: basilDay, End: basilDay.AddDate(0, 0, -1)}})
	var ve *domain.ValidationError
	assert.True(t, errors.As(err, &ve), "a period that ends before it starts is refused: %v", err)
}

func childIDs(cs []domain.Child) []domain.ChildID {
	out := make([]domain.ChildID, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func childByID(cs []domain.Child, id domain.ChildID) domain.Child {
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	return domain.Child{}
}

// figureByName compares every figure of every unit that FigureByName
// selects with the report's children over every row: the count (a child
// at school and SFO twice), the children listed (ChildrenByName of the
// report's children), paged and searched.
func figureByName(t *testing.T, s ReportsStore, namer reports.FigureNamer, units []domain.Unit, basil reports.BASILReport, gsi reports.GSIReport, rules reports.Rules, year int) {
	ctx := ctxFor(t)
	type figure struct {
		name string
		q    reports.FigureQuery
		ids  []domain.ChildID
	}
	var figures []figure
	unitsOf := func(day date.Date, kinds ...domain.UnitKind) []domain.UnitID {
		var out []domain.UnitID
		for _, u := range units {
			if slices.Contains(kinds, u.Kind) && !u.Closed(day) {
				out = append(out, u.ID)
			}
		}
		return out
	}
	bq := reports.FigureQuery{Placed: reports.PlacedQuery{Kinds: []domain.UnitKind{domain.Kindergarten}, Within: domain.Period{Start: basil.Day, End: basil.Day}},
		Units: unitsOf(basil.Day, domain.Kindergarten)}
	sum := func(cell func(u reports.BASILUnit) *reports.Cell) []domain.ChildID {
		var ids []domain.ChildID
		for _, u := range basil.Units {
			if c := cell(u); c != nil {
				ids = append(ids, c.Children...)
			}
		}
		return ids
	}
	figures = append(figures, figure{"basil children", bq, sum(func(u reports.BASILUnit) *reports.Cell { return &u.Children })})
	for age := 0; age <= rules.BASIL.MaxAge; age++ {
		k := strconv.Itoa(age)
		q := bq
		q.Placed.BornFrom, q.Placed.BornTo = rules.BASIL.BornAged(year, age)
		figures = append(figures, figure{"basil age." + k, q, sum(func(u reports.BASILUnit) *reports.Cell { return u.ByAge[k] })})
		for _, b := range rules.BASIL.HoursBands {
			qb := q
			qb.Bands, qb.Band = rules.BASIL.HoursBands, b.Key
			figures = append(figures, figure{"basil age." + k + "." + b.Key, qb, sum(func(u reports.BASILUnit) *reports.Cell { return u.ByAgeAndHours[k][b.Key] })})
		}
	}
	gq := reports.FigureQuery{Placed: reports.PlacedQuery{Kinds: []domain.UnitKind{domain.School, domain.SFO}, Within: domain.Period{Start: gsi.Day, End: gsi.Day}},
		Units: unitsOf(gsi.Day, domain.School, domain.SFO)}
	var pupils []domain.ChildID
	grades := map[int][]domain.ChildID{}
	hours := map[string][]domain.ChildID{}
	for _, u := range gsi.Units {
		pupils = append(pupils, u.Pupils.Children...)
		for g, c := range u.ByGrade {
			if n, err := strconv.Atoi(g); err == nil {
				grades[n] = append(grades[n], c.Children...)
			}
		}
		for h, c := range u.ByHours {
			hours[h] = append(hours[h], c.Children...)
		}
	}
	figures = append(figures, figure{"gsi pupils", gq, pupils})
	for g := 0; g <= 11; g++ {
		q := gq
		q.Placed.Kinds = nil
		for _, k := range []domain.UnitKind{domain.School, domain.SFO} {
			if r := domain.GradeRange[k]; g >= r.From && g <= r.To {
				q.Placed.Kinds = append(q.Placed.Kinds, k)
			}
		}
		born := year - g - (rules.GSI.SchoolStartAge - 1)
		q.Placed.BornFrom, q.Placed.BornTo = date.New(born, time.January, 1), date.New(born, time.December, 31)
		figures = append(figures, figure{"gsi grade." + strconv.Itoa(g), q, grades[g]})
	}
	for _, b := range rules.GSI.SFOHoursBands {
		q := gq
		q.Placed.Kinds = []domain.UnitKind{domain.SFO}
		q.Bands, q.Band = rules.GSI.SFOHoursBands, b.Key
		figures = append(figures, figure{"gsi hours." + b.Key, q, hours[b.Key]})
	}
	nonEmpty := 0
	for _, f := range figures {
		if len(f.ids) > 0 {
			nonEmpty++
		}
		for _, search := range []string{"", "Barn 1"} {
			want, wantN, err := s.ChildrenByName(ctx, Oslo, reports.NameQuery{IDs: f.ids, Limit: 1000, Search: search})
			require.NoError(t, err)
			// Two at a time, to the end.
			var got []domain.Child
			var after domain.ChildID
			for range 100 {
				page, n, count, err := namer.FigureByName(ctx, Oslo, f.q, reports.NameQuery{After: after, Limit: 2, Search: search})
				require.NoError(t, err, f.name)
				assert.Equal(t, len(f.ids), count, "%s: the figure", f.name)
				assert.Equal(t, wantN, n, "%s %q: the children found", f.name, search)
				got = append(got, page...)
				if len(page) < 2 {
					break
				}
				after = page[len(page)-1].ID
			}
			assert.Equal(t, childIDs(want), childIDs(got), "%s %q: the children listed", f.name, search)
		}
	}
	assert.Greater(t, nonEmpty, 10, "figures that count someone")
}
