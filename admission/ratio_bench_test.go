package admission

import (
	"reflect"
	"testing"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/internal/benchratio"
)

// bareDA is the baseline of the allocation benchmarks: child-proposing
// deferred acceptance written the short way, on the same round (same
// criteria, seats per age group, siblings, lottery), without validation,
// families, measures or explanations. It returns each child's unit index
// in r.Units, -1 for none.
func bareDA(r *Round) []int { return bareRun(r).result }

// bare is the state of bareDA at its end: what bareExplanations reads.
type bare struct {
	result []int
	key    func(c, u int) uint64
	nb     int
	group  []int
	prefs  [][]int
	seats  []int
	heaps  [][]struct {
		key   uint64
		child int
	}
}

func bareRun(r *Round) *bare {
	unit := make(map[string]int, len(r.Units))
	for i, u := range r.Units {
		unit[u.ID] = i
	}
	year := domain.SchoolYear(r.AdmissionYear)
	nb := 0
	for _, c := range r.Criteria {
		if c != Tiebreak {
			nb++
		}
	}
	// base is child c's priority without the sibling criterion: the
	// criteria that do not hold, as bits from the most important down, then
	// the lottery number; lower is better. sib is the bit of the sibling
	// criterion, cleared at a unit where the child has a sibling.
	n := len(r.Children)
	base, sibAt := make([]uint64, n), make([][]int, n)
	var sib uint64
	for i := range r.Children {
		c := &r.Children[i]
		for j, cr := range r.Criteria[:nb] {
			holds := false
			switch {
			case cr == Statutory:
				holds = c.StatutoryPriority
			case cr == Sibling:
				sib = 1 << (63 - j)
			default:
				holds = c.Local[string(cr[len(LocalPrefix):])]
			}
			if !holds {
				base[i] |= 1 << (63 - j)
			}
		}
		base[i] |= uint64(c.Tiebreak)
		for _, s := range c.SiblingAt {
			if u, ok := unit[s]; ok {
				sibAt[i] = append(sibAt[i], u)
			}
		}
	}
	key := func(c, u int) uint64 {
		for _, s := range sibAt[c] {
			if s == u {
				return base[c] &^ sib
			}
		}
		return base[c]
	}
	type held = struct {
		key   uint64
		child int
	}
	group := make([]int, n)
	prefs := make([][]int, n)
	for i := range r.Children {
		if domain.AgeGroupIn(r.Children[i].BirthDate, year) == domain.Large {
			group[i] = 1
		}
		for _, p := range r.Children[i].Preferences {
			prefs[i] = append(prefs[i], unit[p])
		}
	}
	seats := make([]int, 2*len(r.Units))
	for i, u := range r.Units {
		seats[2*i], seats[2*i+1] = u.Capacity.Small, u.Capacity.Large
	}
	heaps := make([][]held, len(seats)) // max-heaps, the worst held at [0]
	result, next := make([]int, n), make([]int, n)
	free := make([]int, n)
	for i := range free {
		result[i], free[i] = -1, n-1-i
	}
	for len(free) > 0 {
		c := free[len(free)-1]
		free = free[:len(free)-1]
		for ; next[c] < len(prefs[c]); next[c]++ {
			u := prefs[c][next[c]]
			h := 2*u + group[c]
			k := key(c, u)
			if len(heaps[h]) < seats[h] {
				heaps[h] = append(heaps[h], held{k, c})
				for j := len(heaps[h]) - 1; j > 0 && heaps[h][(j-1)/2].key < heaps[h][j].key; j = (j - 1) / 2 {
					heaps[h][j], heaps[h][(j-1)/2] = heaps[h][(j-1)/2], heaps[h][j]
				}
				result[c] = u
				break
			}
			if seats[h] > 0 && k < heaps[h][0].key {
				out := heaps[h][0].child
				heaps[h][0] = held{k, c}
				for j, s := 0, heaps[h]; ; {
					m := 2*j + 1
					if m >= len(s) {
						break
					}
					if m+1 < len(s) && s[m+1].key > s[m].key {
						m++
					}
					if s[j].key >= s[m].key {
						break
					}
					s[j], s[m] = s[m], s[j]
					j = m
				}
				result[c], result[out] = u, -1
				next[out]++
				free = append(free, out)
				break
			}
		}
	}
	return &bare{result: result, key: key, nb: nb, group: group, prefs: prefs, seats: seats, heaps: heaps}
}

// bareExplanations is the baseline of the explanations: every child's
// ChildExplanation from bareRun's final state, written the short way
// (the priorities read back from the keys, the last child admitted at a
// unit the root of its heap), its parts taken from arrays allocated once
// as Explanations does. On a round without families it gives what
// Allocate's Explanations gives (ratioRound checks).
func bareExplanations(r *Round, s *bare) []ChildExplanation {
	crit := append(append([]Criterion(nil), r.Criteria[:s.nb]...), Tiebreak)
	above := func(c int) int {
		for k, u := range s.prefs[c] {
			if u == s.result[c] {
				return k
			}
		}
		return len(s.prefs[c])
	}
	total := 0
	for c := range r.Children {
		total += above(c)
	}
	out := make([]ChildExplanation, len(r.Children))
	crits := make([]Criterion, len(r.Children)*len(crit))
	cmps := make([]Comparison, total)
	lasts := make([]Priority, total)
	holds := make([]bool, 2*total*s.nb)
	priority := func(c, u int) Priority {
		k := s.key(c, u)
		p := Priority{Holds: holds[:s.nb:s.nb], Tiebreak: r.Children[c].Tiebreak}
		holds = holds[s.nb:]
		for j := range p.Holds {
			p.Holds[j] = k&(1<<(63-j)) == 0
		}
		return p
	}
	for c := range r.Children {
		e := &out[c]
		e.Child, e.Group, e.Criteria = r.Children[c].ID, domain.Small, crits[:len(crit):len(crit)]
		crits = crits[len(crit):]
		copy(e.Criteria, crit)
		if s.group[c] == 1 {
			e.Group = domain.Large
		}
		k := above(c)
		if s.result[c] >= 0 {
			e.Unit, e.Rank = r.Units[s.result[c]].ID, k+1
		}
		if k == 0 {
			continue
		}
		e.Above, cmps = cmps[:k:k], cmps[k:]
		for j, u := range s.prefs[c][:k] {
			h := 2*u + s.group[c]
			e.Above[j] = Comparison{Unit: r.Units[u].ID, Rank: j + 1, Seats: s.seats[h], Own: priority(c, u)}
			if len(s.heaps[h]) > 0 {
				last := &lasts[0]
				*last = priority(s.heaps[h][0].child, u)
				e.Above[j].Last, e.Above[j].DecidedBy = last, Tiebreak
				for b := range last.Holds {
					if last.Holds[b] != e.Above[j].Own.Holds[b] {
						e.Above[j].DecidedBy = crit[b]
						break
					}
				}
			}
			lasts = lasts[1:]
		}
	}
	return out
}

// ratioRound is the round of the allocation ratio benchmarks: 50,000
// children, 1,500 units and 10 choices at full scale, 12 % of the children
// in sibling families.
func ratioRound(b *testing.B) (*Round, []Family) {
	n := benchratio.Scale(50_000, 200)
	units := max(10, n*1500/50_000)
	r, fams := generateFamilyRound(1, n, units, 10)
	// The baseline agrees with Allocate on the round without families.
	a, err := Allocate(r)
	if err != nil {
		b.Fatal(err)
	}
	want := bareDA(r)
	for i, as := range a.Assignments {
		got := ""
		if want[i] >= 0 {
			got = r.Units[want[i]].ID
		}
		if as.Unit != got {
			b.Fatalf("child %s: Allocate gives %q, the bare loop %q", as.Child, as.Unit, got)
		}
	}
	// So do the explanations.
	if got, want := a.Explanations(), bareExplanations(r, bareRun(r)); !reflect.DeepEqual(got, want) {
		for i := range got {
			if !reflect.DeepEqual(got[i], want[i]) {
				b.Fatalf("child %d: Explain gives %+v, the bare loop %+v", i, got[i], want[i])
			}
		}
		b.Fatal("the explanations differ")
	}
	return r, fams
}

// BenchmarkAllocateFamiliesVsBaseline compares AllocateFamilies (siblings
// applying together) with bare deferred acceptance of the same children
// (issue 22: target at most 3× at 50,000 children).
func BenchmarkAllocateFamiliesVsBaseline(b *testing.B) {
	r, fams := ratioRound(b)
	b.ReportAllocs()
	benchratio.Compare(b, func(b *testing.B, _ *benchratio.Watch) {
		a, err := AllocateFamilies(r, fams)
		if err != nil || a.Stats.Families.Families != len(fams) {
			b.Fatal(err)
		}
	}, func(b *testing.B, _ *benchratio.Watch) {
		if len(bareDA(r)) != len(r.Children) {
			b.Fatal("children lost")
		}
	})
}

// BenchmarkAllocateExplainVsBaseline compares AllocateFamilies with every
// child's explanation computed against bare deferred acceptance with every
// child's explanation computed (bareExplanations: the same work, the same
// values on a round without families).
func BenchmarkAllocateExplainVsBaseline(b *testing.B) {
	r, fams := ratioRound(b)
	b.ReportAllocs()
	benchratio.Compare(b, func(b *testing.B, _ *benchratio.Watch) {
		a, err := AllocateFamilies(r, fams)
		if err != nil {
			b.Fatal(err)
		}
		if len(a.Explanations()) != len(r.Children) {
			b.Fatal("explanations missing")
		}
	}, func(b *testing.B, _ *benchratio.Watch) {
		if len(bareExplanations(r, bareRun(r))) != len(r.Children) {
			b.Fatal("explanations missing")
		}
	})
}
