package admission

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Criterion names one step of a unit's ranking of children: "statutory",
// "sibling", "local:NAME" or "tiebreak".
type Criterion string

// Criteria.
const (
	// Statutory ranks children with a statutory priority (barnehageloven
	// § 18) first.
	Statutory Criterion = "statutory"
	// Sibling ranks children with a sibling at the unit first.
	Sibling Criterion = "sibling"
	// Tiebreak ranks by the round's lottery number, lower first. It is
	// always the last comparison.
	Tiebreak Criterion = "tiebreak"
	// LocalPrefix starts a municipal criterion: "local:single-provider".
	LocalPrefix = "local:"
)

// maxBoolCriteria bounds the criteria before the tiebreak, so that a
// child's priority fits one 64-bit key (the tiebreak rank takes 32 bits).
const maxBoolCriteria = 31

// Capacity is a unit's free seats in one round, per age group.
type Capacity struct {
	Small int `json:"small"`
	Large int `json:"large"`
}

// Of returns the seats for age group g.
func (c Capacity) Of(g domain.AgeGroup) int {
	if g == domain.Small {
		return c.Small
	}
	return c.Large
}

// Unit is a kindergarten taking part in the round.
type Unit struct {
	ID       string   `json:"id"`
	Capacity Capacity `json:"capacity"`
}

// Applicant is one child's application in the round.
type Applicant struct {
	ID        string    `json:"id"`
	BirthDate date.Date `json:"birthDate"`
	// Preferences lists unit ids, first choice first. Units not listed are
	// unacceptable to the family.
	Preferences []string `json:"preferences"`
	// StatutoryPriority is the priority of barnehageloven § 18.
	StatutoryPriority bool `json:"statutoryPriority"`
	// SiblingAt lists units where a sibling has a place. Ids of units not
	// in the round are allowed and never match.
	SiblingAt []string `json:"siblingAt"`
	// Local holds the municipal criteria that hold for the child; a
	// criterion the map does not name is false.
	Local map[string]bool `json:"local"`
	// Tiebreak is the child's lottery number, unique in the round; lower
	// comes first.
	Tiebreak int64 `json:"tiebreak"`
}

// Round is one main admission round.
type Round struct {
	// AdmissionYear is the year the kindergarten year starts (August).
	AdmissionYear int    `json:"admissionYear"`
	Units         []Unit `json:"units"`
	// Criteria is the ranking order. "tiebreak", when given, must be last;
	// when left out it is the implied last criterion.
	Criteria []Criterion `json:"criteria"`
	Children []Applicant `json:"children"`
}

// Assignment is one child's result.
type Assignment struct {
	Child string `json:"child"`
	// Unit is the unit id, or "" when the child got no place.
	Unit string `json:"unit"`
	// Rank is the position of Unit in the child's preferences, from 1; 0
	// without a place.
	Rank int `json:"rank"`
}

// Placed reports whether the child got a place.
func (a Assignment) Placed() bool { return a.Rank > 0 }

// Stats are the measures of a round (RULES.md, Admission mechanism).
type Stats struct {
	Children int `json:"children"`
	Placed   int `json:"placed"`
	Unplaced int `json:"unplaced"`
	// FirstChoice counts children placed at their first choice.
	FirstChoice int `json:"firstChoice"`
	// RankDistribution[i] counts children placed at their (i+1)-th choice;
	// its length is the longest preference list.
	RankDistribution []int `json:"rankDistribution"`
	// JustifiedEnvy counts (child, unit) pairs where the child ranks the
	// unit above its result and the unit, in the child's age group, has an
	// unused seat or holds a child of lower priority. It is checked on the
	// final matching, apart from the algorithm, and is 0 for a correct run.
	JustifiedEnvy int `json:"justifiedEnvy"`
	// StatutoryPlaced counts placed children with statutory priority.
	StatutoryPlaced int `json:"statutoryPlaced"`
	// Statutory counts children with statutory priority.
	Statutory int `json:"statutory"`
	// UnusedSeats counts seats left empty, per age group.
	UnusedSeats Capacity `json:"unusedSeats"`
	// Families holds the measures of siblings applying together; nil for
	// a round without families (Allocate).
	Families *FamilyStats `json:"families,omitempty"`
}

// entry is a child held by a unit, with its priority key there.
type entry struct {
	key   uint64
	child int32
}

// Allocation is the result of a round: the child-optimal stable matching,
// its measures, and the data to explain every child's result.
type Allocation struct {
	// Assignments holds one result per child, in the order of
	// Round.Children.
	Assignments []Assignment
	Stats       Stats

	round    *Round
	bools    []Criterion // criteria before the tiebreak
	sibBit   uint64
	units    map[string]int32
	prefs    []int32 // flattened preferences, unit indices
	start    []int32 // child i's preferences are prefs[start[i]:start[i+1]]
	sibs     []int32 // flattened siblingAt, unit indices (unknown ids dropped)
	sibStart []int32
	base     []uint64 // priority key with the sibling bit set (no sibling)
	group    []uint8  // 0 small, 1 large
	result   []int32  // unit index or -1
	off      []int32  // seats of heap h are held[off[h]:off[h+1]]
	size     []int32
	held     []entry
	famOf    []int32  // family index of child i, -1 for none; nil without families
	ids      *idIndex // child id to index, while compiling
}

// Allocate runs child-proposing deferred acceptance on r. Each unit has a
// separate number of seats for small (under three: the child turns three
// after the admission year) and large children, and a child competes only
// for seats of its own group. A refused input is a *domain.ValidationError
// naming the field ("children[2].tiebreak"). The result does not depend on
// map iteration or on anything but r.
func Allocate(r *Round) (*Allocation, error) {
	a := &Allocation{round: r}
	if err := a.compile(r); err != nil {
		return nil, err
	}
	a.ids = nil
	a.run()
	a.measure()
	return a, nil
}

func (a *Allocation) compile(r *Round) error {
	if r.AdmissionYear < 1 || r.AdmissionYear > 9999 {
		return domain.Invalid("admissionYear", "must-be-a-year-from-1-to-9999")
	}
	// Criteria.
	sibPos, locals := -1, []string(nil)
	seen := make(map[Criterion]bool, len(r.Criteria))
	for i, c := range r.Criteria {
		field := fmt.Sprintf("criteria[%d]", i)
		if seen[c] {
			return domain.Invalid(field, "appears-twice", "value", fmt.Sprint(c))
		}
		seen[c] = true
		switch {
		case c == Tiebreak:
			if i != len(r.Criteria)-1 {
				return domain.Invalid(field, "tiebreak-must-be-the-last-criterion")
			}
			continue
		case c == Statutory:
		case c == Sibling:
			sibPos = len(a.bools)
		case strings.HasPrefix(string(c), LocalPrefix) && len(c) > len(LocalPrefix):
			locals = append(locals, string(c[len(LocalPrefix):]))
		default:
			return domain.Invalid(field, "unknown-criterion", "criterion", fmt.Sprint(c))
		}
		a.bools = append(a.bools, c)
	}
	nb := len(a.bools)
	if nb > maxBoolCriteria {
		return domain.Invalid("criteria", "at-most-criteria-before-the-tiebreak", "maxBoolCriteria", fmt.Sprint(maxBoolCriteria))
	}
	bit := func(pos int) uint64 { return 1 << (32 + nb - 1 - pos) }
	if sibPos >= 0 {
		a.sibBit = bit(sibPos)
	}

	// Units.
	nu := len(r.Units)
	a.units = make(map[string]int32, nu)
	a.off = make([]int32, 2*nu+1)
	total := 0
	for i, u := range r.Units {
		if u.ID == "" {
			return domain.Invalid(fmt.Sprintf("units[%d].id", i), "required")
		}
		if _, dup := a.units[u.ID]; dup {
			return domain.Invalid(fmt.Sprintf("units[%d].id", i), "appears-twice", "value", fmt.Sprint(u.ID))
		}
		a.units[u.ID] = int32(i)
		if u.Capacity.Small < 0 {
			return domain.Invalid(fmt.Sprintf("units[%d].capacity.small", i), "negative")
		}
		if u.Capacity.Large < 0 {
			return domain.Invalid(fmt.Sprintf("units[%d].capacity.large", i), "negative")
		}
		total += u.Capacity.Small + u.Capacity.Large
		if total > 1<<30 {
			return domain.Invalid(fmt.Sprintf("units[%d].capacity", i), "the-round-has-too-many-seats")
		}
		a.off[2*i+1] = a.off[2*i] + int32(u.Capacity.Small)
		a.off[2*i+2] = a.off[2*i+1] + int32(u.Capacity.Large)
	}

	// Children.
	n := len(r.Children)
	if n >= 1<<31 {
		return domain.Invalid("children", "too-many-children")
	}
	np, ns := 0, 0
	for i := range r.Children {
		np += len(r.Children[i].Preferences)
		ns += len(r.Children[i].SiblingAt)
	}
	a.prefs = make([]int32, 0, np)
	a.start = make([]int32, n+1)
	a.sibStart = make([]int32, n+1)
	a.base = make([]uint64, n)
	a.group = make([]uint8, n)
	if sibPos >= 0 {
		a.sibs = make([]int32, 0, ns)
	}
	year := domain.SchoolYear(r.AdmissionYear)
	listed := make([]int32, nu) // listed[u] == i+1: child i listed unit u already
	for i := range r.Children {
		c := &r.Children[i]
		if c.ID == "" {
			return domain.Invalid(fmt.Sprintf("children[%d].id", i), "required")
		}
		if domain.AgeGroupIn(c.BirthDate, year) == domain.Large {
			a.group[i] = 1
		}
		for j, p := range c.Preferences {
			u, ok := a.units[p]
			if !ok {
				return domain.Invalid(fmt.Sprintf("children[%d].preferences[%d]", i, j), "unknown-unit", "unit", fmt.Sprint(p))
			}
			if listed[u] == int32(i)+1 {
				return domain.Invalid(fmt.Sprintf("children[%d].preferences[%d]", i, j), "unit-appears-twice", "unit", fmt.Sprint(p))
			}
			listed[u] = int32(i) + 1
			a.prefs = append(a.prefs, u)
		}
		a.start[i+1] = int32(len(a.prefs))
		if sibPos >= 0 {
			for _, s := range c.SiblingAt {
				if u, ok := a.units[s]; ok {
					a.sibs = append(a.sibs, u)
				}
			}
			a.sibStart[i+1] = int32(len(a.sibs))
		}
		// Local flags the round has no criterion for are ignored: a
		// municipality may record more about a family than one round uses.
		var key uint64
		for k, cr := range a.bools {
			var holds bool
			switch {
			case cr == Statutory:
				holds = c.StatutoryPriority
			case cr == Sibling:
				holds = false // set per unit on proposal
			default:
				holds = c.Local[string(cr[len(LocalPrefix):])]
			}
			if !holds {
				key |= bit(k)
			}
		}
		a.base[i] = key
	}
	if err := a.rankTiebreaks(r); err != nil {
		return err
	}
	// Duplicate child ids; the index is kept for the families.
	a.ids = newIDIndex(n)
	for i := range r.Children {
		if j := a.ids.add(r.Children, int32(i)); j >= 0 {
			id := r.Children[i].ID
			return domain.Invalid(fmt.Sprintf("children[%d].id", i), "appears-twice", "value", fmt.Sprint(id))
		}
	}
	return nil
}

// idIndex finds a child of the round by its id: an open-addressing table
// of child indices (plus one; 0 is empty) by a hash of the id. It holds no
// pointers and no copies of the ids, unlike a map[string]int32: for 50,000
// children 512 kB the collector need not scan instead of about 2 MB.
type idIndex struct {
	seed  maphash.Seed
	slots []int32
}

func newIDIndex(n int) *idIndex {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &idIndex{seed: maphash.MakeSeed(), slots: make([]int32, size)}
}

// add indexes child i by its id, unless a child with that id is indexed
// already: then it returns that child's index, else -1.
func (x *idIndex) add(cs []Applicant, i int32) int32 {
	id := cs[i].ID
	mask := uint64(len(x.slots) - 1)
	for h := maphash.String(x.seed, id) & mask; ; h = (h + 1) & mask {
		j := x.slots[h] - 1
		if j < 0 {
			x.slots[h] = i + 1
			return -1
		}
		if cs[j].ID == id {
			return j
		}
	}
}

// find returns the index of the child with the id, or -1.
func (x *idIndex) find(cs []Applicant, id string) int32 {
	mask := uint64(len(x.slots) - 1)
	for h := maphash.String(x.seed, id) & mask; ; h = (h + 1) & mask {
		j := x.slots[h] - 1
		if j < 0 || cs[j].ID == id {
			return j
		}
	}
}

// rankTiebreaks puts each child's tiebreak, as an order-preserving number
// below 2^32, into the low bits of its key, and refuses a tiebreak used
// twice (naming the first child whose tiebreak an earlier child has).
func (a *Allocation) rankTiebreaks(r *Round) error {
	n := len(r.Children)
	if n == 0 {
		return nil
	}
	lo, hi := r.Children[0].Tiebreak, r.Children[0].Tiebreak
	for i := range r.Children {
		lo, hi = min(lo, r.Children[i].Tiebreak), max(hi, r.Children[i].Tiebreak)
	}
	dup := func(i int) error {
		return domain.Invalid(fmt.Sprintf("children[%d].tiebreak", i), "is-also-another-childs-tiebreak", "tiebreak", fmt.Sprint(r.Children[i].Tiebreak))
	}
	// Dense tiebreaks (the usual lottery 1..n): the offset from the lowest
	// is the rank's stand-in, and a bitset finds duplicates.
	if span := uint64(hi) - uint64(lo); span < 8*uint64(n) {
		seen := make([]uint64, span/64+1)
		for i := range r.Children {
			d := uint64(r.Children[i].Tiebreak) - uint64(lo)
			if seen[d/64]&(1<<(d%64)) != 0 {
				return dup(i)
			}
			seen[d/64] |= 1 << (d % 64)
			a.base[i] |= d
		}
		return nil
	}
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		if c := cmp.Compare(r.Children[x].Tiebreak, r.Children[y].Tiebreak); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	first := -1
	for rank, i := range order {
		if rank > 0 && r.Children[order[rank-1]].Tiebreak == r.Children[i].Tiebreak {
			if first < 0 || int(i) < first {
				first = int(i)
			}
		}
		a.base[i] |= uint64(rank)
	}
	if first >= 0 {
		return dup(first)
	}
	return nil
}

// keyAt is child i's priority key at unit u: lower is better.
func (a *Allocation) keyAt(i, u int32) uint64 {
	k := a.base[i]
	if a.sibBit != 0 {
		for _, s := range a.sibs[a.sibStart[i]:a.sibStart[i+1]] {
			if s == u {
				return k &^ a.sibBit
			}
		}
	}
	return k
}

// run is the deferred acceptance loop. Every unit and age group keeps a
// max-heap of the children it holds (the worst at the root), bounded by its
// seats; a free child proposes to its next choice.
func (a *Allocation) run() {
	n := int32(len(a.base))
	a.result = make([]int32, n)
	a.size = make([]int32, len(a.off)-1)
	a.held = make([]entry, a.off[len(a.off)-1])
	next := make([]int32, n) // next preference to propose to, absolute index into prefs
	free := make([]int32, n)
	for i := range n {
		a.result[i] = -1
		next[i] = a.start[i]
		free[i] = n - 1 - i // pop 0 first
	}
	for len(free) > 0 {
		c := free[len(free)-1]
		free = free[:len(free)-1]
		end := a.start[c+1]
		for p := next[c]; p < end; p++ {
			u := a.prefs[p]
			h := 2*u + int32(a.group[c])
			lo, seats := a.off[h], a.off[h+1]-a.off[h]
			if seats == 0 {
				continue
			}
			key := a.keyAt(c, u)
			heap := a.held[lo : lo+seats]
			if sz := a.size[h]; sz < seats {
				heap[sz] = entry{key, c}
				siftUp(heap, int(sz))
				a.size[h] = sz + 1
				a.result[c], next[c] = u, p
				break
			}
			if key < heap[0].key {
				out := heap[0].child
				heap[0] = entry{key, c}
				siftDown(heap, 0)
				a.result[c], next[c] = u, p
				a.result[out] = -1
				next[out]++
				free = append(free, out)
				break
			}
		}
		if a.result[c] < 0 {
			next[c] = end
		}
	}
}

func siftUp(h []entry, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h[p].key >= h[i].key {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func siftDown(h []entry, i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h[r].key > h[l].key {
			m = r
		}
		if h[i].key >= h[m].key {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// measure fills Assignments and Stats, and checks the matching for
// justified envy from scratch.
func (a *Allocation) measure() {
	r := a.round
	n := len(r.Children)
	a.Assignments = make([]Assignment, n)
	longest := 0
	for i := range n {
		longest = max(longest, int(a.start[i+1]-a.start[i]))
	}
	s := &a.Stats
	s.Children = n
	s.RankDistribution = make([]int, longest)
	for i := range n {
		c := &r.Children[i]
		as := &a.Assignments[i]
		as.Child = c.ID
		if c.StatutoryPriority {
			s.Statutory++
		}
		above := a.start[i+1] // preferences above the result
		if u := a.result[i]; u >= 0 {
			as.Unit = r.Units[u].ID
			pos := a.position(int32(i), u)
			as.Rank = int(pos-a.start[i]) + 1
			above = pos
			s.Placed++
			s.RankDistribution[as.Rank-1]++
			if c.StatutoryPriority {
				s.StatutoryPlaced++
			}
		}
		// Justified envy: a better unit with a free seat, or holding a
		// child it ranks below this one, in this child's group. A child
		// applying with its siblings is measured with its family
		// (measureFamilies).
		if a.famOf != nil && a.famOf[i] >= 0 {
			continue
		}
		for p := a.start[i]; p < above; p++ {
			u := a.prefs[p]
			h := 2*u + int32(a.group[i])
			seats := a.off[h+1] - a.off[h]
			if seats == 0 {
				continue
			}
			if a.size[h] < seats || a.keyAt(int32(i), u) < a.worst(h).key {
				s.JustifiedEnvy++
			}
		}
	}
	s.Unplaced = n - s.Placed
	if longest > 0 {
		s.FirstChoice = s.RankDistribution[0]
	}
	for u := range r.Units {
		s.UnusedSeats.Small += int(a.off[2*u+1] - a.off[2*u] - a.size[2*u])
		s.UnusedSeats.Large += int(a.off[2*u+2] - a.off[2*u+1] - a.size[2*u+1])
	}
}

// position is the absolute index of unit u in child i's preferences.
func (a *Allocation) position(i, u int32) int32 {
	for p := a.start[i]; p < a.start[i+1]; p++ {
		if a.prefs[p] == u {
			return p
		}
	}
	return -1
}

// worst is the held child with the lowest priority in heap h: the last
// child admitted there. Only for a non-empty heap.
func (a *Allocation) worst(h int32) entry {
	return a.held[a.off[h]]
}
