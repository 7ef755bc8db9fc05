package demo_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// at is a fixed clock at noon, Oslo time.
func at(y int, m time.Month, d int) domain.Clock {
	return domain.FixedClock(time.Date(y, m, d, 12, 0, 0, 0, domain.Oslo()))
}

// tempStore opens a temporary SQLite store, closed when the test ends.
func tempStore(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Options{Temp: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// stores are the stores the seed is tested on.
func stores() map[string]func(t *testing.T) domain.Store {
	return map[string]func(t *testing.T) domain.Store{
		"sqlite": func(t *testing.T) domain.Store { return tempStore(t) },
	}
}

func TestSeedDemo(t *testing.T) {
	for name, newStore := range stores() {
		t.Run(name, func(t *testing.T) {
			// Dates around the turn of the school year and mid-year.
			for _, clock := range []domain.Clock{at(2025, time.November, 22), at(2026, time.July, 31), at(2026, time.August, 1)} {
				t.Run(domain.Today(clock).String(), func(t *testing.T) {
					s := newStore(t)
					start := time.Now()
					require.NoError(t, demo.Seed(context.Background(), s, clock))
					t.Logf("seeding took %s", time.Since(start))
					checkDemo(t, withoutApplicants(t, s, webtest.ReadDemo(t, s)), domain.Today(clock)) // seed_admission_test.go
				})
			}
		})
	}
}

func checkDemo(t *testing.T, d webtest.DemoData, today date.Date) {
	c := d.Counts()
	assert.Equal(t, 3, c["kindergarten"], "kindergartens")
	assert.Equal(t, 2, c["school"], "schools")
	assert.Equal(t, 2, c["sfo"], "SFOs")
	assert.GreaterOrEqual(t, c["children"], 140)
	assert.LessOrEqual(t, c["children"], 160)
	t.Logf("counts: %v", c)

	units := map[domain.UnitID]domain.Unit{}
	for _, u := range d.Units {
		units[u.ID] = u
	}
	groupNames := map[domain.GroupID]string{}
	owners := map[domain.Owner]int{}
	for _, u := range d.Units {
		switch u.Kind {
		case domain.Kindergarten:
			owners[u.Owner]++
			assert.Contains(t, []int{2, 3}, len(d.Groups[u.ID]), "groups of %s", u.Name)
		case domain.School:
			assert.Len(t, d.Groups[u.ID], 7, "classes of %s", u.Name)
		case domain.SFO:
			assert.Equal(t, domain.School, units[u.Parent].Kind, "parent of %s", u.Name)
			assert.NotEmpty(t, d.Groups[u.ID], "groups of %s", u.Name)
		}
		for _, g := range d.Groups[u.ID] {
			groupNames[g.ID] = g.Name
		}
	}
	assert.Equal(t, map[domain.Owner]int{domain.Municipal: 2, domain.Private: 1}, owners, "kindergarten owners")

	nids := map[string]bool{}
	checkNID := func(who string, n domain.NationalID, birth date.Date) {
		assert.True(t, n.Synthetic(), "%s: %s is not synthetic", who, n)
		if birth != date.Zero {
			assert.Equal(t, birth, n.BirthDate(), "%s: birth date", who)
		}
		_, err := domain.ParseNationalID(n.String())
		assert.NoError(t, err, who)
		assert.False(t, nids[n.String()], "%s: national ID %s used twice", who, n)
		nids[n.String()] = true
	}
	for _, g := range d.Guardians {
		checkNID(g.GivenName+" "+g.FamilyName, g.NationalID, 0)
		assert.NoError(t, g.Validate())
	}

	year := domain.SchoolYearOf(today)
	var placedToday, inSFO, lowerGrades int
	for _, ch := range d.Children {
		who := ch.GivenName + " " + ch.FamilyName
		checkNID(who, ch.NationalID, ch.BirthDate)
		assert.Less(t, ch.BirthDate, today, "%s is born in the future", who)

		responsible := 0
		for _, g := range d.Guardianships[ch.ID] {
			if g.ParentalResponsibility {
				responsible++
			}
		}
		assert.GreaterOrEqual(t, responsible, 1, "%s has no guardian with parental responsibility", who)

		ps := d.Placements[ch.ID]
		for i, p := range ps {
			for _, q := range ps[i+1:] {
				assert.False(t, p.Kind == q.Kind && p.Period.Overlaps(q.Period), "%s has overlapping placements %v and %v", who, p.Period, q.Period)
			}
			assert.Equal(t, units[p.UnitID].Kind, p.Kind)
		}

		// Where the child is today fits its age.
		age := int(year) - ch.BirthDate.Year()
		now := map[domain.UnitKind]domain.Placement{}
		for _, p := range ps {
			if p.Period.Contains(today) {
				now[p.Kind] = p
			}
		}
		if len(now) > 0 {
			placedToday++
		}
		switch {
		case age >= 1 && age <= 5:
			p, ok := now[domain.Kindergarten]
			if assert.True(t, ok, "%s (%d) is in no kindergarten today", who, age) {
				assert.Contains(t, []int{24, 32, 41}, p.HoursPerWeek, who)
				assert.GreaterOrEqual(t, today, ch.BirthDate.AddDate(1, 0, 0), "%s is in kindergarten before turning one", who)
			}
			assert.NotContains(t, now, domain.School, who)
		case age >= 6 && age <= 12:
			grade := age - 5
			p, ok := now[domain.School]
			if assert.True(t, ok, "%s (grade %d) is in no school today", who, grade) {
				assert.Equal(t, fmt.Sprintf("%dA", grade), groupNames[p.GroupID], "class of %s", who)
			}
			if sfo, ok := now[domain.SFO]; ok {
				assert.LessOrEqual(t, grade, 4, "%s is in SFO in grade %d", who, grade)
				assert.Equal(t, p.UnitID, units[sfo.UnitID].Parent, "%s goes to another school's SFO", who)
				inSFO++
			}
			if grade <= 4 {
				lowerGrades++
			}
		default:
			t.Errorf("%s is %d in school year %s", who, age, year)
		}
	}
	assert.Equal(t, len(d.Children), placedToday, "every child is placed today")
	assert.Greater(t, inSFO*2, lowerGrades, "most 1st–4th graders are in SFO (%d of %d)", inSFO, lowerGrades)

	// The special families.
	var split, protected bool
	for _, ch := range d.Children {
		var withResp, apart, requested int
		for _, g := range d.Guardianships[ch.ID] {
			if g.ParentalResponsibility {
				withResp++
				if !g.LivesWithChild {
					apart++
				}
			}
			if !g.ParentalResponsibility && g.InformationRequested {
				requested++
			}
		}
		if withResp == 2 && apart == 1 && requested == 1 {
			split = true
			assert.Len(t, d.Guardianships[ch.ID], 3)
		}
		if ch.AddressProtection == domain.ProtectionStrengtFortrolig {
			for _, g := range d.Guardianships[ch.ID] {
				if d.Guardians[g.GuardianID].AddressProtection == domain.ProtectionStrengtFortrolig {
					protected = true
				}
			}
		}
	}
	assert.True(t, split, "a child with split parental responsibility and a § 47 request")
	assert.True(t, protected, "a strengt fortrolig child with a strengt fortrolig guardian")

	// Siblings (children sharing a guardian) in the same kindergarten today.
	kindergartenOf := map[domain.ChildID]domain.UnitID{}
	for id, ps := range d.Placements {
		for _, p := range ps {
			if p.Kind == domain.Kindergarten && p.Period.Contains(today) {
				kindergartenOf[id] = p.UnitID
			}
		}
	}
	seen := map[domain.GuardianID]map[domain.UnitID]int{}
	siblings := false
	for id, gs := range d.Guardianships {
		u, ok := kindergartenOf[id]
		if !ok {
			continue
		}
		for _, g := range gs {
			if seen[g.GuardianID] == nil {
				seen[g.GuardianID] = map[domain.UnitID]int{}
			}
			seen[g.GuardianID][u]++
			if seen[g.GuardianID][u] >= 2 {
				siblings = true
			}
		}
	}
	assert.True(t, siblings, "siblings in the same kindergarten")
}

func TestSeedDemoTwiceChangesNothing(t *testing.T) {
	for name, newStore := range stores() {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			ctx := context.Background()
			require.NoError(t, demo.Seed(ctx, s, at(2025, time.November, 22)))
			before := webtest.ReadDemo(t, s)
			require.NoError(t, demo.Seed(ctx, s, at(2026, time.March, 3)))
			after := webtest.ReadDemo(t, s)
			assert.Equal(t, before.Counts(), after.Counts())
			assert.Equal(t, before.Children, after.Children)
		})
	}
}

func TestSeedDemoIsDeterministic(t *testing.T) {
	clock := at(2025, time.November, 22)
	a, b := tempStore(t), tempStore(t)
	require.NoError(t, demo.Seed(context.Background(), a, clock))
	require.NoError(t, demo.Seed(context.Background(), b, clock))
	da, db := webtest.ReadDemo(t, a), webtest.ReadDemo(t, b)
	assert.Equal(t, da.Units, db.Units)
	assert.Equal(t, da.Children, db.Children)
	assert.Equal(t, da.Guardians, db.Guardians)
	assert.Equal(t, da.Guardianships, db.Guardianships)
	assert.Equal(t, da.Placements, db.Placements)

	// Another day gives the same names.
	c := tempStore(t)
	require.NoError(t, demo.Seed(context.Background(), c, at(2025, time.December, 1)))
	dc := webtest.ReadDemo(t, c)
	require.Equal(t, len(da.Children), len(dc.Children))
	for i := range da.Children {
		assert.Equal(t, da.Children[i].GivenName+" "+da.Children[i].FamilyName, dc.Children[i].GivenName+" "+dc.Children[i].FamilyName)
	}
}

// failingStore fails the nth placement it is asked to create.
type failingStore struct {
	domain.Store
	n int
}

var errBoom = errors.New("boom")

func (s *failingStore) CreatePlacement(ctx context.Context, p domain.Placement) error {
	s.n--
	if s.n == 0 {
		return errBoom
	}
	return s.Store.CreatePlacement(ctx, p)
}

func TestSeedDemoIsAllOrNothing(t *testing.T) {
	for name, newStore := range stores() {
		t.Run(name, func(t *testing.T) {
			inner := newStore(t)
			err := demo.Seed(context.Background(), &failingStore{Store: inner, n: 100}, at(2025, time.November, 22))
			require.ErrorIs(t, err, errBoom)
			d := webtest.ReadDemo(t, inner)
			assert.Empty(t, d.Units)
			assert.Empty(t, d.Children)

			// A later seed still works.
			require.NoError(t, demo.Seed(context.Background(), inner, at(2025, time.November, 22)))
			assert.Len(t, webtest.ReadDemo(t, inner).Units, 7)
		})
	}
}

func BenchmarkSeedDemo(b *testing.B) {
	clock := at(2025, time.November, 22)
	b.Run("sqlite", func(b *testing.B) {
		dir := b.TempDir()
		i := 0
		for b.Loop() {
			i++
			b.StopTimer()
			s := webtest.OpenSQLite(b, filepath.Join(dir, fmt.Sprintf("%d.db", i)))
			b.StartTimer()
			require.NoError(b, demo.Seed(context.Background(), s, clock))
		}
	})
}
