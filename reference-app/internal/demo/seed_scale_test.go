package demo_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres/pgtest"
	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// scaledStores are the stores SeedChildren is tested on: SQLite in
// memory, and PostgreSQL when OPPVEKST_TEST_POSTGRES is set.
func scaledStores(t *testing.T) map[string]func(t *testing.T) domain.Store {
	out := map[string]func(t *testing.T) domain.Store{
		"sqlite": func(t *testing.T) domain.Store { return tempStore(t) },
	}
	if testingPostgres() {
		out["postgres"] = func(t *testing.T) domain.Store { return pgtest.Store(t) }
	}
	return out
}

func testingPostgres() bool { return os.Getenv(pgtest.Env) != "" }

// SeedChildren gives a municipality of the size asked for, in realistic
// proportions, with every persona, the same data for the same size.
func TestSeedChildren(t *testing.T) {
	const n = 2000
	clock := at(2026, time.December, 7)
	for name, newStore := range scaledStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newStore(t)
			start := time.Now()
			require.NoError(t, demo.SeedChildren(ctx, s, clock, n))
			t.Logf("seeding %d children took %s", n, time.Since(start))
			d := webtest.ReadDemo(t, s)
			checkScaled(t, s, d, n, domain.Today(clock))

			// Every persona is found, and is the demo's: Hilde Berg is
			// the guardian of the one Sofie Berg.
			personas, err := demo.Personas(ctx, s)
			require.NoError(t, err)
			var keys []string
			for _, p := range personas {
				keys = append(keys, p.Key)
			}
			for _, k := range []string{demo.PersonaGuardian, demo.PersonaOtherParent, demo.PersonaProtected, demo.PersonaProtected47,
				demo.PersonaOtherGuardian, demo.PersonaStaff, demo.PersonaOtherStaff, demo.PersonaCaseworker, demo.PersonaAdmin,
				demo.PersonaOtherMunicipality, demo.PersonaPPT} {
				assert.Contains(t, keys, k)
			}
			named := map[string]int{}
			for _, c := range d.Children {
				named[c.GivenName+" "+c.FamilyName]++
			}
			for _, who := range []string{"Sofie Berg", "Aurora Solheim", "Jakob Aasen", "Ella Aasen", "Emil Berg", "Nora Berg", "Live Berg"} {
				assert.Equal(t, 1, named[who], "children named %s", who)
			}

			// Deterministic: a second seed of the same size gives the
			// same children (names, birth dates, national IDs, addresses).
			if name == "sqlite" {
				again := tempStore(t)
				require.NoError(t, demo.SeedChildren(ctx, again, clock, n))
				a, err := again.Children(ctx, demo.Municipality)
				require.NoError(t, err)
				assert.Equal(t, d.Children, a, "the same size and clock give the same children")
			}
		})
	}
}

func checkScaled(t *testing.T, s domain.Store, d webtest.DemoData, n int, today date.Date) {
	t.Helper()
	c := d.Counts()
	t.Logf("counts: %v", c)
	assert.InDelta(t, n, len(d.Children), float64(n)/20, "about n children")

	units := map[domain.UnitID]domain.Unit{}
	for _, u := range d.Units {
		units[u.ID] = u
	}
	// Who is where today.
	inUnit := map[domain.UnitID]int{}
	inGroup := map[domain.GroupID]int{}
	kgChildren := 0
	for _, ch := range d.Children {
		for _, p := range d.Placements[ch.ID] {
			if p.Period.Contains(today) {
				inUnit[p.UnitID]++
				inGroup[p.GroupID]++
				if p.Kind == domain.Kindergarten {
					kgChildren++
				}
			}
		}
	}
	for _, u := range d.Units {
		switch u.Kind {
		case domain.Kindergarten:
			assert.GreaterOrEqual(t, inUnit[u.ID], 40, "children in %s", u.Name)
			assert.LessOrEqual(t, inUnit[u.ID], 120, "children in %s", u.Name)
			for _, g := range d.Groups[u.ID] {
				assert.GreaterOrEqual(t, inGroup[g.ID], 9, "children in %s %s", u.Name, g.Name)
				assert.LessOrEqual(t, inGroup[g.ID], 18, "children in %s %s", u.Name, g.Name)
			}
		case domain.School:
			assert.GreaterOrEqual(t, inUnit[u.ID], 200, "pupils in %s", u.Name)
			assert.LessOrEqual(t, inUnit[u.ID], 600, "pupils in %s", u.Name)
			for _, g := range d.Groups[u.ID] {
				assert.LessOrEqual(t, inGroup[g.ID], 28, "pupils in %s %s", u.Name, g.Name)
				assert.Positive(t, inGroup[g.ID], "pupils in %s %s", u.Name, g.Name)
			}
		case domain.SFO:
			assert.Equal(t, domain.School, units[u.Parent].Kind, "parent of %s", u.Name)
			assert.Positive(t, inUnit[u.ID], "pupils in %s", u.Name)
		}
	}

	// Families: the children who share the guardians they live with.
	families := map[string]int{}
	split, protected := 0, map[domain.AddressProtection]int{}
	for _, ch := range d.Children {
		var home []string
		for _, g := range d.Guardianships[ch.ID] {
			if g.LivesWithChild {
				home = append(home, g.GuardianID.String())
			}
			if g.ParentalResponsibility && !g.LivesWithChild {
				split++
			}
		}
		slices.Sort(home)
		families[strings.Join(home, ",")]++
		protected[ch.AddressProtection]++
	}
	several := 0
	for _, k := range families {
		if k > 1 {
			several++
		}
	}
	share := float64(several) / float64(len(families))
	t.Logf("families %d, with several children %.1f%%, children with a parent living elsewhere %d, protection %v", len(families), 100*share, split, protected)
	assert.InDelta(t, 0.2, share, 0.05, "about one family in five has several children")
	assert.Greater(t, split, len(d.Children)/20, "split households")
	assert.Positive(t, protected[domain.ProtectionStrengtFortrolig], "strengt fortrolig")
	assert.Positive(t, protected[domain.ProtectionFortrolig], "fortrolig")
	assert.Less(t, protected[domain.ProtectionStrengtFortrolig]+protected[domain.ProtectionFortrolig], len(d.Children)/100, "protected addresses are rare")

	// The main intake's applications are about a fifth of the
	// kindergarten children.
	as := s.(admission.Store)
	intakes, err := as.Intakes(context.Background(), demo.Municipality)
	require.NoError(t, err)
	for _, in := range intakes {
		if !in.Main {
			continue
		}
		apps, err := as.Applications(context.Background(), demo.Municipality, in.ID)
		require.NoError(t, err)
		t.Logf("main intake: %d applications, %d kindergarten children", len(apps), kgChildren)
		assert.InDelta(t, 0.2, float64(len(apps))/float64(kgChildren), 0.03, "applications per kindergarten child")
	}
}

// The default demo is unchanged by SeedChildren: Seed and SeedChildren
// with 0 give the demo of about 150 children, the same ones.
func TestSeedChildrenZeroIsTheDemo(t *testing.T) {
	ctx := context.Background()
	clock := at(2026, time.December, 7)
	a, b := tempStore(t), tempStore(t)
	require.NoError(t, demo.Seed(ctx, a, clock))
	require.NoError(t, demo.SeedChildren(ctx, b, clock, 0))
	ca, err := a.Children(ctx, demo.Municipality)
	require.NoError(t, err)
	cb, err := b.Children(ctx, demo.Municipality)
	require.NoError(t, err)
	assert.Equal(t, ca, cb)
	assert.Len(t, ca, 151, "the demo's 150 children and Live Berg")
}

// No generated unit takes the name of a unit a persona is found by: a
// second "Bjørkelia barnehage" (once "Bjørke" + "lia") made the
// kindergarten's staff persona disappear at 20,000 children.
func TestPlaceNamesLeaveThePersonasUnits(t *testing.T) {
	fixed := map[string]bool{"Bjørkelia": true, "Solsikken": true, "Trollskogen": true, "Nordby": true, "Fjell": true}
	for i := range 5000 {
		assert.False(t, fixed[demo.PlaceName(i)], "place %d is %q", i, demo.PlaceName(i))
	}
}
