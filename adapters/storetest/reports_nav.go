package storetest

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reports"
)

// runNAVCounted checks reports.NAVCounter (when the store has it): for
// every month of 2025 and 2026, reports.CountNAV gives the entries and
// changes reports.NAV gives over Load's rows (the month before's list as
// previous), and the placement NAVPlaces chooses for a changed child is
// the one NAV's entry shows; it returns only children with a change. The
// children are born on every kind of day of 2022 to 2025 (the first and
// last of a month, 29 February), turn one and three in the months, and
// have up to three kindergarten placements each, starting and ending
// mid-month and on the month's edges, with hours and units that change,
// two in one month, and an SFO place beside; some are protected, and
// another municipality's child is never counted.
func runNAVCounted(t *testing.T, s ReportsStore) {
	nc, ok := s.(reports.NAVCounter)
	if !ok {
		return // optional: the pages count NAV in Go
	}
	ctx := ctxFor(t)
	rules, err := reports.LoadRules()
	require.NoError(t, err)
	rnd := rand.New(rand.NewPCG(24, 2026))
	f := &fixture{m: Oslo}
	var kgs []domain.Unit
	for range 3 {
		u := f.unit(domain.Kindergarten)
		require.NoError(t, s.CreateUnit(ctx, u))
		kgs = append(kgs, u)
	}
	sfo := f.unit(domain.SFO)
	require.NoError(t, s.CreateUnit(ctx, sfo))
	days := []int{1, 2, 14, 15, 28, 29, 30, 31}
	hours := []int{8, 9, 20, 33, 41}
	protections := []domain.AddressProtection{domain.ProtectionNone, domain.ProtectionNone, domain.ProtectionNone,
		domain.ProtectionFortrolig, domain.ProtectionStrengtFortrolig}
	var births []date.Date
	for y := 2022; y <= 2025; y++ {
		for m := time.January; m <= time.December; m++ {
			for range 2 {
				d := days[rnd.IntN(len(days))]
				if b := date.New(y, m, d); b.Month() == m {
					births = append(births, b)
				}
			}
		}
	}
	births = append(births, date.New(2024, time.February, 29), date.New(2023, time.February, 28), date.New(2023, time.March, 1))
	edge := func(from date.Date) date.Date {
		// A day of the month after from: its first, its last or in between.
		first := date.New(from.Year(), from.Month()+time.Month(1+rnd.IntN(4)), 1)
		switch rnd.IntN(3) {
		case 0:
			return first
		case 1:
			return date.New(first.Year(), first.Month()+1, 1) - 1
		}
		return first + date.Date(rnd.IntN(28))
	}
	for i, b := range births {
		c := f.child(t)
		c.BirthDate = b
		c.NationalID = nid(t, b, f.seq)
		c.AddressProtection = protections[i%len(protections)]
		require.NoError(t, s.CreateChild(ctx, c))
		start := max(b+date.Date(rnd.IntN(400)), date.New(2024, time.June, 1)+date.Date(rnd.IntN(200)))
		for n := rnd.IntN(4); n > 0; n-- {
			end := edge(start)
			if rnd.IntN(5) == 0 {
				end = start + date.Date(3+rnd.IntN(10)) // two placements in a month
			}
			open := n == 1 && rnd.IntN(2) == 0
			p := f.placement(c, kgs[rnd.IntN(len(kgs))], start, end)
			if open {
				p.Period.End = date.Zero
			}
			p.HoursPerWeek = hours[rnd.IntN(len(hours))]
			require.NoError(t, s.CreatePlacement(ctx, p))
			if open {
				break
			}
			start = end + date.Date(1+rnd.IntN(3)*rnd.IntN(20))
		}
		if i%7 == 0 {
			require.NoError(t, s.CreatePlacement(ctx, f.placement(c, sfo, date.New(2025, time.January, 1), date.Zero)))
		}
	}
	// Placements that end the day before the child's third birthday or
	// begin on it, or on the first birthday, and 29 February: a day's
	// error in the age window changes the list.
	for _, x := range []struct {
		birth  date.Date
		places [][2]date.Date
	}{
		{date.New(2023, time.May, 15), [][2]date.Date{{date.New(2025, time.August, 1), date.New(2026, time.May, 14)}, {date.New(2026, time.May, 15), date.Zero}}},
		{date.New(2023, time.June, 15), [][2]date.Date{{date.New(2026, time.June, 15), date.Zero}}},
		{date.New(2023, time.July, 2), [][2]date.Date{{date.New(2026, time.July, 1), date.New(2026, time.July, 1)}, {date.New(2026, time.July, 2), date.New(2026, time.July, 31)}}},
		{date.New(2025, time.April, 10), [][2]date.Date{{date.New(2026, time.March, 1), date.New(2026, time.April, 9)}}},
		{date.New(2025, time.April, 10), [][2]date.Date{{date.New(2026, time.March, 1), date.New(2026, time.April, 10)}}},
		{date.New(2025, time.April, 10), [][2]date.Date{{date.New(2026, time.April, 9), date.New(2026, time.April, 9)}, {date.New(2026, time.April, 10), date.New(2026, time.April, 12)}}},
		{date.New(2024, time.February, 29), [][2]date.Date{{date.New(2025, time.February, 20), date.New(2025, time.February, 28)}, {date.New(2025, time.March, 1), date.New(2025, time.March, 1)}}},
		{date.New(2023, time.February, 28), [][2]date.Date{{date.New(2025, time.October, 1), date.New(2026, time.February, 27)}, {date.New(2026, time.February, 28), date.New(2026, time.June, 30)}}},
	} {
		c := f.child(t)
		c.BirthDate = x.birth
		c.NationalID = nid(t, x.birth, f.seq)
		require.NoError(t, s.CreateChild(ctx, c))
		for i, pl := range x.places {
			p := f.placement(c, kgs[i%len(kgs)], pl[0], pl[1])
			p.HoursPerWeek = hours[i%len(hours)]
			require.NoError(t, s.CreatePlacement(ctx, p))
		}
	}
	b := &fixture{m: Bergen}
	bu := b.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, bu))
	bc := b.child(t)
	bc.BirthDate = date.New(2024, time.May, 5)
	bc.NationalID = nid(t, bc.BirthDate, b.seq)
	require.NoError(t, s.CreateChild(ctx, bc))
	require.NoError(t, s.CreatePlacement(ctx, b.placement(bc, bu, date.New(2025, time.May, 20), date.New(2026, time.May, 20))))

	var changesSeen, kindsSeen = 0, map[string]bool{}
	for mo := date.New(2025, time.January, 1); mo < date.New(2027, time.January, 1); mo = mo.AddDate(0, 1, 0) {
		prevFirst := mo.AddDate(0, -1, 0)
		var in reports.Input
		require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
			var err error
			in, err = reports.Load(ctx, s, nil, Oslo, domain.Period{Start: prevFirst, End: mo.AddDate(0, 1, 0) - 1})
			return err
		}))
		prev, err := reports.NAV(in, prevFirst.Year(), prevFirst.Month(), rules.NAV, nil)
		require.NoError(t, err)
		want, err := reports.NAV(in, mo.Year(), mo.Month(), rules.NAV, &prev)
		require.NoError(t, err)

		got, err := reports.CountNAV(ctx, nc, Oslo, mo.Year(), mo.Month(), rules.NAV)
		require.NoError(t, err)
		name := mo.Format("2006-01")
		assert.Equal(t, len(want.Entries), got.Entries, "%s: the entries", name)
		assert.Equal(t, want.Changes, got.Changes, "%s: the changes", name)

		n, pairs, err := nc.NAVPlaces(ctx, Oslo, reports.NAVQueryOf(mo.Year(), mo.Month(), rules.NAV))
		require.NoError(t, err)
		assert.Equal(t, got.Entries, n, name)
		changed := map[domain.ChildID]bool{}
		for _, ch := range want.Changes {
			changed[ch.Child] = true
			kindsSeen[ch.Kind] = true
		}
		changesSeen += len(want.Changes)
		assert.Len(t, pairs, len(changed), "%s: only the children with a change", name)
		entries := map[domain.ChildID]reports.NAVEntry{}
		for _, e := range want.Entries {
			entries[e.Child] = e
		}
		before := map[domain.ChildID]reports.NAVEntry{}
		for _, e := range prev.Entries {
			before[e.Child] = e
		}
		for _, p := range pairs {
			assert.True(t, changed[p.Child], "%s: %s has a change", name, p.Child)
			if e, ok := entries[p.Child]; assert.Equal(t, ok, p.Current != nil, "%s: %s on the list", name, p.Child) && ok {
				assert.Equal(t, reports.NAVPlace{Unit: e.Unit, HoursPerWeek: e.HoursPerWeek, Start: e.Start, End: e.End}, *p.Current, "%s: %s's placement", name, p.Child)
			}
			if e, ok := before[p.Child]; assert.Equal(t, ok, p.Previous != nil, "%s: %s on the list before", name, p.Child) && ok {
				assert.Equal(t, reports.NAVPlace{Unit: e.Unit, HoursPerWeek: e.HoursPerWeek, Start: e.Start, End: e.End}, *p.Previous, "%s: %s's placement before", name, p.Child)
			}
		}
	}
	// The scenarios hold every kind of change.
	for _, k := range []string{reports.ChangeStarted, reports.ChangeEnded, reports.ChangeHoursChanged, reports.ChangeUnitChanged, reports.ChangeRemoved} {
		assert.True(t, kindsSeen[k], "a change %s", k)
	}
	assert.Greater(t, changesSeen, 80)
}
