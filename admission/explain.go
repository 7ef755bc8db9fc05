package admission

import (
	"fmt"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
)

// Priority is a child's standing at one unit: whether each criterion
// before the tiebreak holds (in the order of ChildExplanation.Criteria),
// then the tiebreak.
type Priority struct {
	Holds    []bool `json:"holds"`
	Tiebreak int64  `json:"tiebreak"`
}

// Comparison explains why a child did not get a unit it ranked above its
// result: the priority of the last child admitted there in its age group,
// beside its own.
type Comparison struct {
	Unit string `json:"unit"`
	// Rank is the unit's place in the child's preferences, from 1.
	Rank int `json:"rank"`
	// Seats is the unit's number of seats for the child's age group.
	Seats int `json:"seats"`
	// Last is the priority of the last child admitted there (the one with
	// the lowest priority among those admitted), nil when the age group
	// has no seats.
	Last *Priority `json:"last"`
	// Own is this child's priority at the unit.
	Own Priority `json:"own"`
	// DecidedBy is the first criterion on which Last is ahead of Own ("" when
	// there is no Last).
	DecidedBy Criterion `json:"decidedBy,omitempty"`
}

// ChildExplanation is the explanation a family can check (RULES.md,
// Admission mechanism): its result, and for every unit ranked above it the
// comparison with the last child admitted there.
type ChildExplanation struct {
	Child string          `json:"child"`
	Group domain.AgeGroup `json:"group"`
	// Unit is the unit the child got, "" for none; Rank its place in the
	// preferences (0 for none).
	Unit string `json:"unit"`
	Rank int    `json:"rank"`
	// Criteria is the ranking order of the round, ending with "tiebreak".
	Criteria []Criterion `json:"criteria"`
	// Above holds one comparison per unit ranked above the result (every
	// preference when the child got no place), best first.
	Above []Comparison `json:"above"`
}

// Explain explains the result of the i-th child of the round. It is
// computed when asked, from the allocation's compact state (no
// explanation is kept), in time linear in the child's preferences above
// its result; four allocations per child.
func (a *Allocation) Explain(i int) ChildExplanation {
	k := a.above(int32(i))
	nb := len(a.bools)
	x := explainArena{
		criteria: make([]Criterion, 0, nb+1),
		lasts:    make([]Priority, 0, k),
		holds:    make([]bool, 0, 2*k*nb),
	}
	if k > 0 {
		x.above = make([]Comparison, 0, k)
	}
	return a.explainInto(i, &x)
}

// Explanations explains every child's result, in the order of
// Round.Children: Explain for each, in linear total time, the parts of
// all explanations in a few shared arrays (each explanation's slices are
// its own: appending to one does not touch another).
func (a *Allocation) Explanations() []ChildExplanation {
	n := len(a.Assignments)
	nb := len(a.bools)
	k := 0
	for i := range n {
		k += a.above(int32(i))
	}
	x := explainArena{
		criteria: make([]Criterion, 0, n*(nb+1)),
		above:    make([]Comparison, 0, k),
		lasts:    make([]Priority, 0, k),
		holds:    make([]bool, 0, 2*k*nb),
	}
	out := make([]ChildExplanation, n)
	for i := range out {
		out[i] = a.explainInto(i, &x)
	}
	return out
}

// explainArena is where explanations take their slices from, front first;
// each has the capacity its explanations need.
type explainArena struct {
	criteria []Criterion
	above    []Comparison
	lasts    []Priority
	holds    []bool
}

// above is the number of child i's preferences above its result (all of
// them without a place).
func (a *Allocation) above(i int32) int {
	if u := a.result[i]; u >= 0 {
		return int(a.position(i, u) - a.start[i])
	}
	return int(a.start[i+1] - a.start[i])
}

// take returns the next n elements of *s, with capacity n, and moves *s
// past them.
func take[T any](s *[]T, n int) []T {
	l := len(*s)
	out := (*s)[l : l+n : l+n]
	*s = (*s)[:l+n]
	return out
}

func (a *Allocation) explainInto(i int, x *explainArena) ChildExplanation {
	r := a.round
	c := &r.Children[i]
	nb := len(a.bools)
	crit := take(&x.criteria, nb+1)
	copy(crit, a.bools)
	crit[nb] = Tiebreak
	e := ChildExplanation{
		Child:    c.ID,
		Group:    domain.Small,
		Unit:     a.Assignments[i].Unit,
		Rank:     a.Assignments[i].Rank,
		Criteria: crit,
	}
	if a.group[i] == 1 {
		e.Group = domain.Large
	}
	k := a.above(int32(i))
	if k == 0 {
		return e
	}
	e.Above = take(&x.above, k)
	lasts := take(&x.lasts, k)
	holds := take(&x.holds, 2*k*nb)
	for j := range k {
		p := a.start[i] + int32(j)
		u := a.prefs[p]
		h := 2*u + int32(a.group[i])
		cmp := &e.Above[j]
		*cmp = Comparison{
			Unit:  r.Units[u].ID,
			Rank:  j + 1,
			Seats: int(a.off[h+1] - a.off[h]),
			Own:   a.priorityInto(int32(i), u, &holds),
		}
		if a.size[h] > 0 {
			last := &lasts[j]
			*last = a.priorityInto(a.worst(h).child, u, &holds)
			cmp.Last = last
			cmp.DecidedBy = Tiebreak
			for k := range last.Holds {
				if last.Holds[k] != cmp.Own.Holds[k] {
					cmp.DecidedBy = a.bools[k]
					break
				}
			}
		}
	}
	return e
}

// priorityInto is child i's priority at unit u, its Holds taken from the
// front of *holds.
func (a *Allocation) priorityInto(i, u int32, holds *[]bool) Priority {
	nb := len(a.bools)
	p := Priority{Holds: (*holds)[:nb:nb], Tiebreak: a.round.Children[i].Tiebreak}
	*holds = (*holds)[nb:]
	a.fillHolds(i, u, p.Holds)
	return p
}

// fillHolds sets which criteria before the tiebreak hold for child i at
// unit u.
func (a *Allocation) fillHolds(i, u int32, holds []bool) {
	key := a.keyAt(i, u)
	nb := len(a.bools)
	for k := range a.bools {
		holds[k] = key&(1<<(32+nb-1-k)) == 0
	}
}

// criterionName names a criterion in l.
func criterionName(l Lang, c Criterion) string {
	switch c {
	case Statutory:
		return pick(l, "lovfestet prioritet", "lovfesta prioritet", "statutory priority")
	case Sibling:
		return pick(l, "søsken i barnehagen", "sysken i barnehagen", "sibling at the unit")
	case Tiebreak:
		return pick(l, "loddnummer", "loddnummer", "lottery number")
	}
	name := strings.TrimPrefix(string(c), LocalPrefix)
	return pick(l, "lokalt kriterium ", "lokalt kriterium ", "local criterion ") + name
}

func groupName(l Lang, g domain.AgeGroup) string {
	if g == domain.Small {
		return pick(l, "barn under tre år", "born under tre år", "children under three")
	}
	return pick(l, "barn over tre år", "born over tre år", "children aged three and over")
}

func renderPriority(b *strings.Builder, l Lang, crit []Criterion, p Priority) {
	for k, v := range p.Holds {
		fmt.Fprintf(b, "%s: %s, ", criterionName(l, crit[k]), yesNo(l, v))
	}
	fmt.Fprintf(b, "%s %d", criterionName(l, Tiebreak), p.Tiebreak)
}

// Render writes the explanation in l (nb, nn or en), one line for the
// result and one for each unit ranked above it.
func (e ChildExplanation) Render(l Lang) string {
	var b strings.Builder
	if e.Rank > 0 {
		fmt.Fprintf(&b, pick(l, "%s fikk plass i %s (%d. valg).", "%s fekk plass i %s (%d. val).", "%s was offered %s (choice %d)."), e.Child, e.Unit, e.Rank)
	} else {
		fmt.Fprintf(&b, pick(l, "%s fikk ikke plass i noen av de ønskede barnehagene.", "%s fekk ikkje plass i nokon av dei ønskte barnehagane.", "%s was not offered any of the kindergartens applied for."), e.Child)
	}
	for _, c := range e.Above {
		b.WriteString("\n")
		if c.Last == nil {
			fmt.Fprintf(&b, pick(l, "%d. valg %s: ingen plasser for %s i dette opptaket.", "%d. val %s: ingen plassar for %s i dette opptaket.", "Choice %d %s: no seats for %s in this round."), c.Rank, c.Unit, groupName(l, e.Group))
			continue
		}
		fmt.Fprintf(&b, pick(l, "%d. valg %s: det siste barnet som fikk plass blant %s hadde ", "%d. val %s: det siste barnet som fekk plass blant %s hadde ", "Choice %d %s: the last child admitted among %s had "), c.Rank, c.Unit, groupName(l, e.Group))
		renderPriority(&b, l, e.Criteria, *c.Last)
		b.WriteString(pick(l, "; ditt barn har ", "; barnet ditt har ", "; your child has "))
		renderPriority(&b, l, e.Criteria, c.Own)
		fmt.Fprintf(&b, pick(l, ". Avgjort av: %s.", ". Avgjort av: %s.", ". Decided by: %s."), criterionName(l, c.DecidedBy))
	}
	return b.String()
}
