package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reports"
)

// rawRows reads the demo municipality the plain way: every unit, every
// child and each child's placements (not the one query of every unit's
// placements reports.Load uses).
func rawRows(t *testing.T, s domain.Store) ([]domain.Unit, []domain.Child, []domain.Placement) {
	ctx := context.Background()
	units, err := s.Units(ctx, demo.Municipality)
	require.NoError(t, err)
	children, err := s.Children(ctx, demo.Municipality)
	require.NoError(t, err)
	var pls []domain.Placement
	for _, c := range children {
		ps, err := s.Placements(ctx, demo.Municipality, c.ID)
		require.NoError(t, err)
		pls = append(pls, ps...)
	}
	return units, children, pls
}

func on(p domain.Placement, d date.Date) bool {
	return p.Period.Start <= d && (p.Period.End == date.Zero || d <= p.Period.End)
}

// basilBand and navBand are the bands written out by hand.
func basilBand(h int) string {
	switch {
	case h <= 8:
		return "0-8"
	case h <= 16:
		return "9-16"
	case h <= 24:
		return "17-24"
	case h <= 32:
		return "25-32"
	case h <= 40:
		return "33-40"
	}
	return "41+"
}

// TestDemoReportsMatchRawCounts counts BASIL, GSI and the NAV list for the
// demo municipality with reports (through reports.Load) and again here with
// simple loops over the raw rows; the figures must agree.
func TestDemoReportsMatchRawCounts(t *testing.T) {
	s := tempStore(t)
	ctx := context.Background()
	require.NoError(t, demo.Seed(ctx, s, at(2025, time.November, 22)))
	units, children, pls := rawRows(t, s)
	birth := map[domain.ChildID]date.Date{}
	for _, c := range children {
		birth[c.ID] = c.BirthDate
	}
	kind := map[domain.UnitID]domain.UnitKind{}
	for _, u := range units {
		kind[u.ID] = u.Kind
	}
	r := reports.MustRules()
	year := domain.SchoolYear(2025).Period()
	var in reports.Input
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		var err error
		in, err = reports.Load(ctx, s, s, demo.Municipality, year)
		return err
	}))

	t.Run("basil", func(t *testing.T) {
		day := date.New(2025, time.December, 15)
		want := map[domain.UnitID]map[string]int{}
		total := 0
		for _, p := range pls {
			if kind[p.UnitID] != domain.Kindergarten || !on(p, day) {
				continue
			}
			age := min(max(2025-birth[p.ChildID].Year(), 0), 6)
			if want[p.UnitID] == nil {
				want[p.UnitID] = map[string]int{}
			}
			want[p.UnitID][basilBand(p.HoursPerWeek)+"/"+string(rune('0'+age))]++
			total++
		}
		rep, err := reports.BASIL(in, 2025, r.BASIL)
		require.NoError(t, err)
		got := map[domain.UnitID]map[string]int{}
		sum := 0
		for _, u := range rep.Units {
			for a, m := range u.ByAgeAndHours {
				for b, c := range m {
					if c.Count > 0 {
						if got[u.Unit] == nil {
							got[u.Unit] = map[string]int{}
						}
						got[u.Unit][b+"/"+a] = c.Count
						sum += c.Count
					}
				}
			}
		}
		assert.Greater(t, total, 50, "the demo has kindergarten children on 15 December")
		assert.Equal(t, total, sum)
		assert.Equal(t, want, got)
		t.Logf("BASIL 2025: %d children in %d kindergartens", total, len(rep.Units))
	})

	t.Run("gsi", func(t *testing.T) {
		day := date.New(2025, time.October, 1)
		want := map[domain.UnitID]map[string]int{}
		total := 0
		for _, p := range pls {
			k := kind[p.UnitID]
			if (k != domain.School && k != domain.SFO) || !on(p, day) {
				continue
			}
			if want[p.UnitID] == nil {
				want[p.UnitID] = map[string]int{}
			}
			g := 2025 - birth[p.ChildID].Year() - 5
			want[p.UnitID]["grade"+itoa(g)]++
			if k == domain.SFO {
				want[p.UnitID]["h"+itoa(p.HoursPerWeek)]++
			}
			total++
		}
		rep, err := reports.GSI(in, 2025, r.GSI)
		require.NoError(t, err)
		got := map[domain.UnitID]map[string]int{}
		sum := 0
		for _, u := range rep.Units {
			for g, c := range u.ByGrade {
				if got[u.Unit] == nil {
					got[u.Unit] = map[string]int{}
				}
				got[u.Unit]["grade"+g] = c.Count
				sum += c.Count
			}
			for h, c := range u.ByHours {
				got[u.Unit][h] = c.Count
			}
		}
		assert.Greater(t, total, 50, "the demo has pupils on 1 October")
		assert.Equal(t, total, sum)
		assert.Equal(t, want, got)
		t.Logf("GSI 2025: %d school and SFO placements in %d units", total, len(rep.Units))
	})

	t.Run("nav", func(t *testing.T) {
		var prev *reports.NAVList
		for _, mo := range []time.Month{time.October, time.November, time.December} {
			first := date.New(2025, mo, 1)
			last := date.New(2025, mo+1, 1) - 1
			want := map[domain.ChildID]bool{}
			for _, p := range pls {
				if kind[p.UnitID] != domain.Kindergarten {
					continue
				}
				b := birth[p.ChildID]
				from := date.New(b.Year()+1, b.Month(), b.Day())
				until := date.New(b.Year()+3, b.Month(), b.Day()) - 1
				s, e := max(first, from), min(last, until)
				if s > e || p.Period.Start > e || (p.Period.End != date.Zero && p.Period.End < s) {
					continue
				}
				want[p.ChildID] = true
			}
			l, err := reports.NAV(in, 2025, mo, r.NAV, prev)
			require.NoError(t, err)
			got := map[domain.ChildID]bool{}
			for _, e := range l.Entries {
				got[e.Child] = true
			}
			assert.NotEmpty(t, want, "the demo has one- and two-year-olds in kindergarten in %s", mo)
			assert.Equal(t, want, got, mo.String())
			if prev == nil {
				assert.Len(t, l.Changes, len(l.Entries), "the first list: every child started")
			}
			t.Logf("NAV %s 2025: %d children, %d changes", mo, len(l.Entries), len(l.Changes))
			prev = &l
		}
	})
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
