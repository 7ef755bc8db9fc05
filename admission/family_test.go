package admission

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// randomFamilies groups some children of r into families of two or three,
// giving the members the first member's preferences.
func randomFamilies(rng *rand.Rand, r *Round) []Family {
	var fams []Family
	perm := rng.Perm(len(r.Children))
	for i := 0; i+1 < len(perm); {
		if rng.IntN(3) != 0 {
			i++
			continue
		}
		size := 2 + rng.IntN(2)
		if i+size > len(perm) {
			size = len(perm) - i
		}
		f := Family{ID: fmt.Sprintf("f%d", len(fams)+1)}
		first := &r.Children[perm[i]]
		for _, j := range perm[i : i+size] {
			r.Children[j].Preferences = slices.Clone(first.Preferences)
			f.Members = append(f.Members, r.Children[j].ID)
		}
		fams = append(fams, f)
		i += size
	}
	return fams
}

// refFamilyEnvy counts justified envy the way FamilyStats documents it,
// from the assignments alone: (child, unit) pairs of single children and
// (family, unit) pairs of families.
func refFamilyEnvy(r *Round, fams []Family, assigned []string) int {
	idx := map[string]int{}
	for i, c := range r.Children {
		idx[c.ID] = i
	}
	inFamily := map[int]bool{}
	for _, f := range fams {
		for _, m := range f.Members {
			inFamily[idx[m]] = true
		}
	}
	seats := func(u string, g domain.AgeGroup) int {
		for _, x := range r.Units {
			if x.ID == u {
				return x.Capacity.Of(g)
			}
		}
		return 0
	}
	held := func(u string, g domain.AgeGroup) []int {
		var out []int
		for j := range r.Children {
			if assigned[j] == u && refGroup(&r.Children[j], r.AdmissionYear) == g {
				out = append(out, j)
			}
		}
		return out
	}
	envy := 0
	for i := range r.Children {
		if inFamily[i] {
			continue
		}
		ci := &r.Children[i]
		g := refGroup(ci, r.AdmissionYear)
		for _, u := range ci.Preferences {
			if u == assigned[i] {
				break
			}
			hs := held(u, g)
			worse := false
			for _, j := range hs {
				worse = worse || refBetter(r.Criteria, ci, &r.Children[j], u)
			}
			if seats(u, g) > 0 && (len(hs) < seats(u, g) || worse) {
				envy++
			}
		}
	}
	for _, f := range fams {
		first := &r.Children[idx[f.Members[0]]]
		for _, u := range first.Preferences {
			if u == assigned[idx[f.Members[0]]] {
				break
			}
			takes := true
			for _, g := range []domain.AgeGroup{domain.Small, domain.Large} {
				var ms []int
				for _, m := range f.Members {
					if refGroup(&r.Children[idx[m]], r.AdmissionYear) == g {
						ms = append(ms, idx[m])
					}
				}
				if len(ms) == 0 {
					continue
				}
				// The worst member at u.
				worst := ms[0]
				for _, m := range ms[1:] {
					if refBetter(r.Criteria, &r.Children[worst], &r.Children[m], u) {
						worst = m
					}
				}
				ahead := len(ms) - 1
				for _, j := range held(u, g) {
					if refBetter(r.Criteria, &r.Children[j], &r.Children[worst], u) {
						ahead++
					}
				}
				takes = takes && ahead < seats(u, g)
			}
			if takes {
				envy++
			}
		}
	}
	return envy
}

func TestAllocateFamiliesProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	stable := 0
	const rounds = 3000
	for k := range rounds {
		r := randomRound(rng)
		fams := randomFamilies(rng, r)
		a, err := AllocateFamilies(r, fams)
		require.NoError(t, err, "round %d", k)
		assigned := make([]string, len(r.Children))
		for i, as := range a.Assignments {
			assigned[i] = as.Unit
		}
		idx := map[string]int{}
		for i, c := range r.Children {
			idx[c.ID] = i
		}
		// Families are placed together or not at all.
		together := 0
		for _, f := range fams {
			u := assigned[idx[f.Members[0]]]
			for _, m := range f.Members {
				require.Equal(t, u, assigned[idx[m]], "round %d family %s split: %+v", k, f.ID, r)
			}
			if u != "" {
				together++
			}
		}
		st := a.Stats.Families
		require.NotNil(t, st)
		assert.Equal(t, len(fams), st.Families)
		assert.Equal(t, together, st.Together, "round %d", k)
		assert.Equal(t, len(fams)-together, st.Unplaced, "round %d", k)
		// Seats are never overfilled.
		for _, u := range r.Units {
			for _, g := range []domain.AgeGroup{domain.Small, domain.Large} {
				n := 0
				for i := range r.Children {
					if assigned[i] == u.ID && refGroup(&r.Children[i], r.AdmissionYear) == g {
						n++
					}
				}
				require.LessOrEqual(t, n, u.Capacity.Of(g), "round %d", k)
			}
		}
		// The measure agrees with a direct count.
		require.Equal(t, refFamilyEnvy(r, fams, assigned), a.Stats.JustifiedEnvy, "round %d: %+v", k, r)
		if a.Stats.JustifiedEnvy == 0 {
			stable++
		}
		// Without families it is Allocate.
		if len(fams) == 0 {
			b, err := Allocate(r)
			require.NoError(t, err)
			require.Equal(t, b.Assignments, a.Assignments, "round %d", k)
		}
	}
	// The heuristic finds a stable result in nearly every small round.
	assert.Greater(t, stable, rounds*95/100, "stable in %d of %d rounds", stable, rounds)
	t.Logf("stable in %d of %d rounds", stable, rounds)
}

func TestAllocateFamiliesKeepsTwinsTogether(t *testing.T) {
	born := date.New(2021, time.March, 1)
	r := &Round{AdmissionYear: 2025, Criteria: []Criterion{Tiebreak},
		Units: []Unit{{ID: "A", Capacity: Capacity{Large: 2}}, {ID: "B", Capacity: Capacity{Large: 2}}},
		Children: []Applicant{
			{ID: "twin1", BirthDate: born, Preferences: []string{"A", "B"}, Tiebreak: 1},
			{ID: "twin2", BirthDate: born, Preferences: []string{"A", "B"}, Tiebreak: 4},
			{ID: "x", BirthDate: born, Preferences: []string{"A", "B"}, Tiebreak: 2},
			{ID: "y", BirthDate: born, Preferences: []string{"A"}, Tiebreak: 3},
		}}
	plain, err := Allocate(r)
	require.NoError(t, err)
	assert.Equal(t, "A", plain.Assignments[0].Unit)
	assert.Equal(t, "B", plain.Assignments[1].Unit, "alone, the twins are split")

	a, err := AllocateFamilies(r, []Family{{ID: "f", Members: []string{"twin1", "twin2"}}})
	require.NoError(t, err)
	got := map[string]string{}
	for _, as := range a.Assignments {
		got[as.Child] = as.Unit
	}
	// A takes the twins only if both beat the children held: twin2 (4)
	// loses to x (2) and y (3), so the family goes to B together.
	assert.Equal(t, map[string]string{"twin1": "B", "twin2": "B", "x": "A", "y": "A"}, got)
	assert.Equal(t, FamilyStats{Families: 1, Together: 1}, *a.Stats.Families)
	assert.Zero(t, a.Stats.JustifiedEnvy)
}

func TestAllocateFamiliesInvalid(t *testing.T) {
	born := date.New(2021, time.March, 1)
	base := func() *Round {
		return &Round{AdmissionYear: 2025, Units: []Unit{{ID: "A", Capacity: Capacity{Large: 2}}, {ID: "B", Capacity: Capacity{Large: 2}}},
			Children: []Applicant{
				{ID: "a", BirthDate: born, Preferences: []string{"A", "B"}, Tiebreak: 1},
				{ID: "b", BirthDate: born, Preferences: []string{"A", "B"}, Tiebreak: 2},
				{ID: "c", BirthDate: born, Preferences: []string{"B"}, Tiebreak: 3},
			}}
	}
	for _, tc := range []struct {
		fams  []Family
		field string
	}{
		{[]Family{{ID: "f", Members: []string{"a"}}}, "families[0].members"},
		{[]Family{{ID: "f", Members: []string{"a", "z"}}}, "families[0].members[1]"},
		{[]Family{{ID: "f", Members: []string{"a", "c"}}}, "families[0].members[1]"},
		{[]Family{{ID: "f", Members: []string{"a", "b"}}, {ID: "g", Members: []string{"b", "a"}}}, "families[1].members[0]"},
	} {
		_, err := AllocateFamilies(base(), tc.fams)
		require.Error(t, err)
		assert.Equal(t, tc.field, domain.FieldOf(err), "%v", err)
	}
}

// generateFamilyRound is generateRound with 12 % of the children in
// families of two or three who share the first member's list.
func generateFamilyRound(seed uint64, children, units, choices int) (*Round, []Family) {
	r := generateRound(seed, children, units, choices)
	var fams []Family
	limit := children * 12 / 100
	rng := rand.New(rand.NewPCG(seed, 77))
	for i := 0; i+3 <= limit; {
		size := 2
		if rng.IntN(5) == 0 {
			size = 3
		}
		f := Family{ID: fmt.Sprintf("f%d", len(fams))}
		for j := i; j < i+size; j++ {
			r.Children[j].Preferences = r.Children[i].Preferences
			f.Members = append(f.Members, r.Children[j].ID)
		}
		fams = append(fams, f)
		i += size
	}
	return r, fams
}

func TestAllocateFamiliesDeterministicAtScale(t *testing.T) {
	r, fams := generateFamilyRound(42, 10000, 300, 5)
	a, err := AllocateFamilies(r, fams)
	require.NoError(t, err)
	b, err := AllocateFamilies(r, fams)
	require.NoError(t, err)
	ja, _ := json.Marshal(a.Assignments)
	jb, _ := json.Marshal(b.Assignments)
	assert.Equal(t, ja, jb, "same round, same result")
	st := a.Stats.Families
	t.Logf("families %d, together %d, unplaced %d, evictions %d, family envy %d, total envy %d, placed %d",
		st.Families, st.Together, st.Unplaced, st.Evictions, st.JustifiedEnvy, a.Stats.JustifiedEnvy, a.Stats.Placed)
	assert.Equal(t, st.Families, st.Together+st.Unplaced)
	assert.False(t, st.GaveUp)
	assert.Greater(t, st.Together, st.Families*7/10)
}

func TestComputeDeterministic(t *testing.T) {
	m := domain.MustMunicipality("0301")
	in := Intake{ID: domain.NewID[Intake](), Municipality: m, Name: "Hovedopptak", Kind: domain.Kindergarten, Main: true,
		AdmissionYear: 2025, Deadline: date.New(2025, 3, 1), Start: date.New(2025, 8, 1),
		Criteria: []Criterion{Statutory, Sibling, Tiebreak}, SmallWeight: 2, AnswerDays: 8, MaxPreferences: 3}
	units := make([]domain.UnitID, 4)
	for i := range units {
		units[i] = domain.NewID[domain.Unit]()
		in.Seats = append(in.Seats, UnitSeats{Unit: units[i], Places: 6, Small: 1})
	}
	rng := rand.New(rand.NewPCG(1, 1))
	births := map[domain.ChildID]date.Date{}
	var apps []Application
	for range 40 {
		c := domain.NewID[domain.Child]()
		births[c] = date.New(2021+rng.IntN(3), time.Month(1+rng.IntN(12)), 1)
		a := Application{ID: domain.NewID[Application](), Municipality: m, Intake: in.ID, Child: c, Hours: 41,
			Submitted: time.Date(2025, 2, 1, 12, 0, 0, 0, domain.Oslo())}
		for _, k := range rng.Perm(4)[:3] {
			a.Preferences = append(a.Preferences, units[k])
		}
		apps = append(apps, a)
	}
	apps[1].Together, apps[2].Together = []domain.ChildID{apps[2].Child}, []domain.ChildID{apps[1].Child}
	apps[2].Preferences = apps[1].Preferences
	r1, err := Compute(in, apps, births, 7)
	require.NoError(t, err)
	slices.Reverse(apps) // the order the store returns them in does not matter
	r2, err := Compute(in, apps, births, 7)
	require.NoError(t, err)
	j1, _ := json.Marshal(r1)
	j2, _ := json.Marshal(r2)
	assert.JSONEq(t, string(j1), string(j2))
	r3, err := Compute(in, apps, births, 8)
	require.NoError(t, err)
	j3, _ := json.Marshal(r3)
	assert.NotEqual(t, string(j1), string(j3), "another seed, another lottery")
	require.NotNil(t, r1.Stats.Families)
	assert.Equal(t, 1, r1.Stats.Families.Families)
}

func TestIntakeSeats(t *testing.T) {
	s := UnitSeats{Places: 20, Small: 4}
	assert.Equal(t, Capacity{Small: 4, Large: 12}, s.Capacity(2), "a small child takes two places")
	assert.Equal(t, Capacity{Small: 4, Large: 16}, s.Capacity(1))
	in := Intake{ID: domain.NewID[Intake](), Municipality: "0301", Name: "x", Kind: domain.Kindergarten, AdmissionYear: 2025,
		Deadline: date.New(2025, 3, 1), Start: date.New(2025, 8, 1), SmallWeight: 2, AnswerDays: 8, MaxPreferences: 5,
		Criteria: []Criterion{"nonsense"}, Seats: []UnitSeats{{Unit: domain.NewID[domain.Unit](), Places: 3, Small: 2}}}
	err := in.Validate()
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("criteria[0]"), "%v", err)
	assert.True(t, ve.Has("seats[0].small"), "%v", err)
	assert.True(t, ve.Has("criteria"), "statutory first in a kindergarten intake: %v", err)
}

// Medium rounds (up to 34 children, 7 units, a third in families) may
// have no stable matching: the heuristic then gives up or leaves envy, and
// the measure must say so.
func TestAllocateFamiliesMediumRounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	unstable, gaveUp := 0, 0
	for k := 0; k < 500; k++ {
		r := &Round{AdmissionYear: 2025, Criteria: []Criterion{Statutory, Sibling, Tiebreak}}
		nu := 2 + rng.IntN(6)
		for u := range nu {
			r.Units = append(r.Units, Unit{ID: fmt.Sprintf("U%d", u), Capacity: Capacity{Small: rng.IntN(4), Large: rng.IntN(5)}})
		}
		n := 5 + rng.IntN(30)
		perm := rng.Perm(n)
		for i := range n {
			c := Applicant{ID: fmt.Sprintf("c%d", i), BirthDate: date.New(2021+rng.IntN(3), time.Month(1+rng.IntN(12)), 1), Tiebreak: int64(perm[i]), StatutoryPriority: rng.IntN(10) == 0}
			for _, u := range rng.Perm(nu)[:1+rng.IntN(nu)] {
				c.Preferences = append(c.Preferences, r.Units[u].ID)
			}
			if rng.IntN(5) == 0 {
				c.SiblingAt = []string{r.Units[rng.IntN(nu)].ID}
			}
			r.Children = append(r.Children, c)
		}
		fams := randomFamilies(rng, r)
		a, err := AllocateFamilies(r, fams)
		if err != nil {
			t.Fatal(err)
		}
		assigned := make([]string, n)
		for i, as := range a.Assignments {
			assigned[i] = as.Unit
		}
		pos := map[string]int{}
		for i, c := range r.Children {
			pos[c.ID] = i
		}
		for _, f := range fams {
			for _, m := range f.Members {
				require.Equal(t, assigned[pos[f.Members[0]]], assigned[pos[m]], "round %d: family split", k)
			}
		}
		used := map[string]int{}
		for i, u := range assigned {
			if u != "" {
				used[u+"/"+string(refGroup(&r.Children[i], r.AdmissionYear))]++
			}
		}
		for _, u := range r.Units {
			require.LessOrEqual(t, used[u.ID+"/small"], u.Capacity.Small, "round %d", k)
			require.LessOrEqual(t, used[u.ID+"/large"], u.Capacity.Large, "round %d", k)
		}
		if ref := refFamilyEnvy(r, fams, assigned); ref != a.Stats.JustifiedEnvy {
			t.Fatalf("round %d: ref %d, got %d", k, ref, a.Stats.JustifiedEnvy)
		}
		if a.Stats.JustifiedEnvy > 0 {
			unstable++
		}
		if a.Stats.Families.GaveUp {
			gaveUp++
		}
	}
	t.Logf("unstable %d of 500, gave up %d", unstable, gaveUp)
	assert.Less(t, unstable, 25, "stable in at least 95 %% of the rounds")
}

// TestAllocateFamiliesResultsKept pins the heuristic's results (every
// assignment and measure) on generated rounds, as computed before retry
// learned to look only at the families a change can concern (issue 22):
// rounds with moves, evictions and, at 20,000 and 2,000, the cap reached.
func TestAllocateFamiliesResultsKept(t *testing.T) {
	for _, c := range []struct {
		seed    uint64
		n, u, k int
		sha     string
	}{
		{1, 10000, 300, 5, "438adf68f1a7cb53259fd9cd33847fdd8003773145abcad4049fbca06118833b"},
		{2, 10000, 300, 5, "1d79dfa2081b13f371233cee0bdacd4980815cda7ef6f74bb26acb037bbb8358"},
		{3, 5000, 20, 4, "eaf9d8a0b929eaf777f97e48eebed507be9315ef61ba3a1b1e6a407be0d0fc61"},
		{4, 2000, 30, 5, "6a5530e3f409f5bfe7981d9600fe6881d5fe820cd84ad412722b9c7a49721c14"},
		{4, 20000, 600, 10, "e12aa7c7fa20f4637a0eb798bb25ce9fc3ce1121a9cb00aeb93d815aee504cdb"},
		// The round of the ratio benchmarks (evictions and moves reach the
		// cap), pinned before the vacancy chains took their children from
		// heaps.
		{1, 50000, 1500, 10, "2d1da2eb8d36a0f11365edfa153a43a436944646b7f81460c0ad9b9cba956441"},
	} {
		r, fams := generateFamilyRound(c.seed, c.n, c.u, c.k)
		a, err := AllocateFamilies(r, fams)
		require.NoError(t, err)
		j, err := json.Marshal([]any{a.Assignments, a.Stats})
		require.NoError(t, err)
		assert.Equal(t, c.sha, fmt.Sprintf("%x", sha256.Sum256(j)), "seed %d, %d children", c.seed, c.n)
	}
}

// TestExplanationsKept pins every child's explanation on generated rounds
// with families, as computed before Explanations took their parts from
// shared arrays (issue 22).
func TestExplanationsKept(t *testing.T) {
	for _, c := range []struct {
		seed uint64
		sha  string
	}{
		{1, "6ba01615331d0d03adfb9b85da2a97b9a845adf3647ec9dbc180a7efadba4878"},
		{3, "c909b074c910f839917245d0e7826e9099602b3fcf81641ff0e70f05978da35f"},
	} {
		r, fams := generateFamilyRound(c.seed, 10000, 300, 5)
		a, err := AllocateFamilies(r, fams)
		require.NoError(t, err)
		j, err := json.Marshal(a.Explanations())
		require.NoError(t, err)
		assert.Equal(t, c.sha, fmt.Sprintf("%x", sha256.Sum256(j)), "seed %d", c.seed)
		// Explain gives each child the same on its own.
		for _, i := range []int{0, 17, 9999} {
			assert.Equal(t, a.Explanations()[i], a.Explain(i))
		}
	}
}

// TestTakesCountsTheDisplaced checks takes, which walks only the held
// children a family would displace, against counting every held child
// ahead of the worst member: on random units (full or not, one or two age
// groups) and families of one to five members, including members already
// held there.
func TestTakesCountsTheDisplaced(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 7))
	// count is the rule written the long way: in each age group, the
	// members and the held children ahead of the worst member fit the seats.
	count := func(a *Allocation, u int32, keys [2][]uint64) bool {
		for g, ks := range keys {
			if len(ks) == 0 {
				continue
			}
			h := 2*u + int32(g)
			seats := a.off[h+1] - a.off[h]
			worst := slices.Max(ks)
			ahead := int32(len(ks) - 1)
			for _, e := range a.held[a.off[h] : a.off[h]+a.size[h]] {
				if e.key < worst {
					ahead++
				}
			}
			if ahead >= seats {
				return false
			}
		}
		return true
	}
	yes := 0
	for range 20000 {
		small, large := rng.IntN(12), rng.IntN(12)
		a := &Allocation{off: []int32{0, int32(small), int32(small + large)}, size: make([]int32, 2)}
		a.held = make([]entry, small+large)
		used := map[uint64]bool{}
		key := func() uint64 {
			for {
				k := rng.Uint64N(200)
				if !used[k] {
					used[k] = true
					return k
				}
			}
		}
		for h := range 2 {
			seats := int(a.off[h+1] - a.off[h])
			n := seats
			if rng.IntN(3) == 0 {
				n = rng.IntN(seats + 1)
			}
			heap := a.held[a.off[h] : int(a.off[h])+n]
			for i := range heap {
				heap[i] = entry{key(), int32(i)}
				siftUp(heap[:i+1], i)
			}
			a.size[h] = int32(n)
		}
		var keys [2][]uint64
		for range 1 + rng.IntN(5) {
			g := rng.IntN(2)
			if h := a.held[a.off[g] : a.off[g]+a.size[g]]; len(h) > 0 && rng.IntN(8) == 0 {
				keys[g] = append(keys[g], h[rng.IntN(len(h))].key) // held there already
			} else {
				keys[g] = append(keys[g], key())
			}
		}
		want := count(a, 0, keys)
		require.Equal(t, want, a.takes(0, keys), "seats %d/%d, held %v, members %v", small, large, a.held, keys)
		if want {
			yes++
		}
	}
	assert.Greater(t, yes, 2000, "the sample has units that take the family")
	assert.Less(t, yes, 18000, "and units that do not")
}
