package admission

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strconv"

	"github.com/oppvekst/oppvekst/domain"
)

// Family is siblings applying together: they ask to be placed at the same
// unit. Every member must be a child of the round with the same preferences
// (the family's joint list); members may be of different age groups.
type Family struct {
	ID      string   `json:"id"`
	Members []string `json:"members"`
}

// FamilyStats measures the families of a round (AllocateFamilies).
type FamilyStats struct {
	// Families counts families of two or more children applying together.
	Families int `json:"families"`
	// Together counts families placed, all members at one unit. A family
	// is placed together or not at all.
	Together int `json:"together"`
	// Unplaced counts families without a place.
	Unplaced int `json:"unplaced"`
	// Evictions counts how often a placed family lost a seat to a child of
	// higher priority and applied again from its next choice.
	Evictions int `json:"evictions"`
	// Moves counts how often a family was moved up to a unit ranked above
	// its result that had come to have room for it (seats freed after it
	// applied there).
	Moves int `json:"moves"`
	// GaveUp is true when evictions and moves reached the cap
	// (MaxEvictions): families evicted after that stayed unplaced.
	GaveUp bool `json:"gaveUp"`
	// JustifiedEnvy counts (family, unit) pairs where the family ranks the
	// unit above its result and the unit would take every member: it has
	// free seats for them or holds children of lower priority in each of
	// their age groups. Stats.JustifiedEnvy includes these pairs in place
	// of the members' own.
	JustifiedEnvy int `json:"justifiedEnvy"`
}

// MaxEvictions is the cap on family evictions in AllocateFamilies for a
// round with n families.
func MaxEvictions(n int) int { return 10*n + 100 }

// AllocateFamilies runs the round like Allocate, with families of siblings
// who want one unit. Allocate's result is the unique child-optimal stable
// matching; with families a stable matching may not exist, and this is a
// heuristic in the spirit of the sequential methods used for Japanese
// daycare admission:
//
//  1. Single children propose as in deferred acceptance.
//  2. Families, in the order of their best member's priority (the lowest
//     key before any sibling bonus, that is the tiebreak within equal
//     criteria), propose down their joint list. A unit takes a family only
//     when every member would be kept in its age group (each beats the
//     children it displaces). Displaced single children propose on.
//  3. A family that loses a member's seat to a child of higher priority
//     gives up all its seats and applies again from its next choice, at the
//     end of the queue. Every seat a family frees goes at once to the single
//     child of highest priority who ranked that unit above its result (a
//     vacancy chain), so single children keep no justified envy.
//  4. When no one is left to propose, every family that ranks a unit
//     above its result which would now take all its members (seats freed
//     by evictions) gives up its seats and applies there again, and the
//     steps repeat.
//  5. After MaxEvictions(families) evictions and moves the heuristic gives
//     up: a family evicted after that stays unplaced (FamilyStats.GaveUp).
//
// The result is measured from scratch: Stats.JustifiedEnvy counts single
// children's (child, unit) pairs as in Allocate and families' (family,
// unit) pairs (FamilyStats.JustifiedEnvy); it is 0 when the heuristic found
// a stable result. Same round and families, same result.
//
// Step 4 looks again only at the families a change can concern (their own
// eviction or move, or a child leaving a unit they rank above their
// result), and for a family unchanged since it was last looked at only at
// the units a child has left since, in the order a pass over every family
// would, so a pass costs what changed rather than every family times every
// seat above its result. A vacancy chain takes the child of highest
// priority from a heap per unit of the single children who have passed
// it, instead of scanning every child who ranks the unit: the time stays
// near-linear in the children (at 50,000 children about twice bare
// deferred acceptance, BenchmarkAllocateFamiliesVsBaseline).
func AllocateFamilies(r *Round, families []Family) (*Allocation, error) {
	a := &Allocation{round: r}
	if err := a.compile(r); err != nil {
		return nil, err
	}
	fams, err := a.compileFamilies(r, families)
	if err != nil {
		return nil, err
	}
	st := a.runFamilies(fams)
	a.measure()
	a.measureFamilies(fams, &st)
	a.Stats.Families = &st
	return a, nil
}

func (a *Allocation) compileFamilies(r *Round, families []Family) ([][]int32, error) {
	idx := a.ids
	a.ids = nil
	a.famOf = make([]int32, len(r.Children))
	for i := range a.famOf {
		a.famOf[i] = -1
	}
	fams := make([][]int32, 0, len(families))
	for f, fam := range families {
		field := "families[" + strconv.Itoa(f) + "]"
		if len(fam.Members) < 2 {
			return nil, domain.Invalid(field+".members", "a-family-has-two-or-more-children")
		}
		var ms []int32
		for j, id := range fam.Members {
			i := idx.find(r.Children, id)
			if i < 0 {
				return nil, domain.Invalid(fmt.Sprintf("%s.members[%d]", field, j), "unknown-child", "id", fmt.Sprint(id))
			}
			if a.famOf[i] >= 0 {
				return nil, domain.Invalid(fmt.Sprintf("%s.members[%d]", field, j), "child-is-in-two-families", "id", fmt.Sprint(id))
			}
			if !slices.Equal(a.prefs[a.start[i]:a.start[i+1]], a.prefs[a.start[ms0(ms, i)]:a.start[ms0(ms, i)+1]]) {
				return nil, domain.Invalid(fmt.Sprintf("%s.members[%d]", field, j), "siblings-applying-together-must-have-the-same-preferences")
			}
			a.famOf[i] = int32(len(fams))
			ms = append(ms, i)
		}
		fams = append(fams, ms)
	}
	return fams, nil
}

// ms0 is the first member so far, or i itself.
func ms0(ms []int32, i int32) int32 {
	if len(ms) == 0 {
		return i
	}
	return ms[0]
}

// runFamilies is the heuristic of AllocateFamilies.
func (a *Allocation) runFamilies(fams [][]int32) FamilyStats {
	n := int32(len(a.base))
	nh := int32(len(a.off) - 1)
	a.result = make([]int32, n)
	a.size = make([]int32, nh)
	a.held = make([]entry, a.off[nh])
	next := make([]int32, n)
	// cands[h] holds the single children who rank unit h/2 in age group
	// h%2 and have been refused there (or left it), for the vacancy
	// chains: a min-heap by their priority there, with the unit's place in
	// their preferences. A child is pushed when it passes the unit (its
	// next choice moves beyond it); an entry whose child has since moved
	// back up to or above the unit (next[child] <= pos) is stale and is
	// dropped when it reaches the top. queued[p] tells that preference p
	// has an entry. Until a unit's first vacancy its list is only appended
	// to, and made a heap then.
	cands := make([][]candidate, nh)
	heaped := make([]bool, nh)
	queued := make([]bool, len(a.prefs))
	// Sized first, in one array, so that the lists rarely grow.
	counts := make([]int32, nh)
	for i := range n {
		if a.famOf[i] < 0 {
			for p := a.start[i]; p < a.start[i+1]; p++ {
				counts[2*a.prefs[p]+int32(a.group[i])]++
			}
		}
	}
	all := make([]candidate, len(a.prefs))
	at := 0
	for h := range nh {
		cands[h] = all[at : at : at+int(counts[h])]
		at += int(counts[h])
	}
	passed := func(c, p int32) {
		if queued[p] {
			return
		}
		queued[p] = true
		u := a.prefs[p]
		h := 2*u + int32(a.group[c])
		cands[h] = append(cands[h], candidate{key: a.keyAt(c, u), child: c, pos: p})
		if heaped[h] {
			candidateUp(cands[h], len(cands[h])-1)
		}
	}
	free := make([]int32, 0, n)
	for i := n - 1; i >= 0; i-- {
		a.result[i] = -1
		next[i] = a.start[i]
		if a.famOf[i] < 0 {
			free = append(free, i)
		}
	}
	st := FamilyStats{Families: len(fams)}
	limit := MaxEvictions(len(fams))
	fnext := make([]int32, len(fams)) // relative position in the joint list
	// The queue of families, best member's priority first.
	queue := make([]int32, len(fams))
	best := make([]uint64, len(fams))
	for f, ms := range fams {
		queue[f] = int32(f)
		best[f] = ^uint64(0)
		for _, m := range ms {
			best[f] = min(best[f], a.base[m])
		}
	}
	slices.SortStableFunc(queue, func(x, y int32) int { return cmp.Compare(best[x], best[y]) })
	var vacant []int32 // heaps with a seat freed by a family

	// What retry needs to look at again. A unit can come to take a family
	// only when a child leaves it without being replaced by one of higher
	// priority: a seat filled or a child displaced by a better one only
	// makes it harder. So retry skips a family when it was checked after
	// its last change (proposed, evicted, moved) and after the last
	// removal at every unit it ranks above its result: the check would
	// find what it found before. The result is the same as checking every
	// family in every pass, in linear time per pass instead of a scan of
	// every held seat of every unit above every family's result. For the
	// same reason a family unchanged since its check is looked at again
	// only at the units with a removal since.
	var now int64
	removedAt := make([]int64, nh/2)
	changedAt := make([]int64, len(fams))
	checkedAt := make([]int64, len(fams))
	for f := range checkedAt {
		checkedAt[f] = -1
	}
	tick := func() int64 { now++; return now }
	// The families retry looks at, by that rule, in the order of a pass:
	// famsAt[u] lists the families that rank unit u; a family is marked
	// when it changes or a child leaves a unit it ranks. A family marked
	// during a pass before its turn is checked in that pass, one marked at
	// or after its turn in the next, as a pass over every family would.
	famsAt := make([][]int32, nh/2)
	for f, ms := range fams {
		for _, u := range a.prefs[a.start[ms[0]]:a.start[ms[0]+1]] {
			famsAt[u] = append(famsAt[u], int32(f))
		}
	}
	// The passes are bitsets of family indices, scanned from the lowest:
	// this pass and the next.
	words := (len(fams) + 63) / 64
	var (
		pass     = make([]uint64, words)
		nextPass = make([]uint64, words)
		passing  bool
		turn     int32 = -1
	)
	mark := func(f int32) {
		if passing && f > turn {
			pass[f/64] |= 1 << (f % 64)
		} else {
			nextPass[f/64] |= 1 << (f % 64)
		}
	}
	for f := range fams {
		mark(int32(f))
	}

	remove := func(h, c int32) {
		removedAt[h/2] = tick()
		for _, f := range famsAt[h/2] {
			mark(f)
		}
		lo, sz := a.off[h], a.size[h]
		heap := a.held[lo : lo+sz]
		for j := range heap {
			if heap[j].child == c {
				heap[j] = heap[sz-1]
				a.size[h] = sz - 1
				heap = heap[:sz-1]
				if j < len(heap) {
					siftDown(heap, j)
					siftUp(heap, j)
				}
				return
			}
		}
	}
	// evictFamily frees every seat of family f but the one of out, which
	// the caller has already taken over.
	evictFamily := func(f, out int32) {
		for _, m := range fams[f] {
			if m != out && a.result[m] >= 0 {
				h := 2*a.result[m] + int32(a.group[m])
				remove(h, m)
				vacant = append(vacant, h)
			}
			a.result[m] = -1
		}
		changedAt[f] = tick()
		mark(f)
		st.Evictions++
		fnext[f]++
		if st.Evictions+st.Moves > limit {
			st.GaveUp = true
			return // stays unplaced
		}
		queue = append(queue, f)
	}
	// displace handles the child pushed out of a full heap.
	displace := func(out int32) {
		if f := a.famOf[out]; f >= 0 {
			evictFamily(f, out)
			return
		}
		a.result[out] = -1
		passed(out, next[out])
		next[out]++
		free = append(free, out)
	}
	// fill gives a freed seat of heap h to the single child of highest
	// priority there who ranks the unit above its result.
	fill := func(h int32) {
		u := h / 2
		seats := a.off[h+1] - a.off[h]
		if a.size[h] >= seats {
			return
		}
		cs := cands[h]
		if !heaped[h] {
			heaped[h] = true
			for j := len(cs)/2 - 1; j >= 0; j-- {
				candidateDown(cs, j)
			}
		}
		for len(cs) > 0 && next[cs[0].child] <= cs[0].pos { // stale
			queued[cs[0].pos] = false
			cs = candidatePop(cs)
		}
		if len(cs) == 0 {
			cands[h] = cs
			return
		}
		bestC, bestKey, bestPos := cs[0].child, cs[0].key, cs[0].pos
		queued[bestPos] = false
		cands[h] = candidatePop(cs)
		if old := a.result[bestC]; old >= 0 {
			oh := 2*old + int32(a.group[bestC])
			remove(oh, bestC)
			vacant = append(vacant, oh)
		}
		lo, sz := a.off[h], a.size[h]
		a.held[lo+sz] = entry{bestKey, bestC}
		siftUp(a.held[lo:lo+sz+1], int(sz))
		a.size[h] = sz + 1
		a.result[bestC], next[bestC] = u, bestPos
	}
	proposeSingle := func(c int32) {
		if a.result[c] >= 0 {
			return // placed meanwhile by a vacancy chain
		}
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
				return
			}
			if key < heap[0].key {
				out := heap[0].child
				heap[0] = entry{key, c}
				siftDown(heap, 0)
				a.result[c], next[c] = u, p
				displace(out)
				return
			}
			passed(c, p)
		}
		next[c] = end
	}
	proposeFamily := func(f int32) {
		defer func() { changedAt[f] = tick(); mark(f) }()
		ms := fams[f]
		first := ms[0]
		length := a.start[first+1] - a.start[first]
		var keys [2][]uint64
		for ; fnext[f] < length; fnext[f]++ {
			u := a.prefs[a.start[first]+fnext[f]]
			keys[0], keys[1] = keys[0][:0], keys[1][:0]
			for _, m := range ms {
				keys[a.group[m]] = append(keys[a.group[m]], a.keyAt(m, u))
			}
			if !a.takes(u, keys) {
				continue
			}
			for _, m := range ms {
				h := 2*u + int32(a.group[m])
				lo, seats := a.off[h], a.off[h+1]-a.off[h]
				heap := a.held[lo : lo+seats]
				key := a.keyAt(m, u)
				if sz := a.size[h]; sz < seats {
					heap[sz] = entry{key, m}
					siftUp(heap, int(sz))
					a.size[h] = sz + 1
				} else {
					out := heap[0].child
					heap[0] = entry{key, m}
					siftDown(heap, 0)
					displace(out)
				}
				a.result[m] = u
			}
			return
		}
	}

	// retry moves every family that a unit ranked above its result would
	// now take back to the queue, from that unit.
	retry := func() bool {
		moved := false
		var keys [2][]uint64
		pass, nextPass = nextPass, pass
		clear(nextPass)
		passing = true
		defer func() {
			passing, turn = false, -1
			for w, left := range pass { // left by a pass that gave up
				nextPass[w] |= left
			}
			clear(pass)
		}()
		for w := 0; w < len(pass); {
			if pass[w] == 0 {
				w++
				continue
			}
			b := bits.TrailingZeros64(pass[w])
			pass[w] &^= 1 << b
			f := int32(64*w + b)
			turn = f
			ms := fams[f]
			first := ms[0]
			cur := a.start[first+1] - a.start[first]
			if a.result[first] >= 0 {
				cur = fnext[f] // placed by proposeFamily, at that choice
			}
			// A family unchanged since its last check is looked at again
			// only at the units above its result that a child has left
			// since: the others still would not take it.
			checked := checkedAt[f]
			full := checked < changedAt[f]
			if !full {
				stale := false
				for _, u := range a.prefs[a.start[first] : a.start[first]+cur] {
					if removedAt[u] > checked {
						stale = true
						break
					}
				}
				if !stale {
					continue
				}
			}
			checkedAt[f] = tick()
			for p := int32(0); p < cur; p++ {
				u := a.prefs[a.start[first]+p]
				if !full && removedAt[u] <= checked {
					continue
				}
				keys[0], keys[1] = keys[0][:0], keys[1][:0]
				for _, m := range ms {
					keys[a.group[m]] = append(keys[a.group[m]], a.keyAt(m, u))
				}
				if !a.takes(u, keys) {
					continue
				}
				if st.Evictions+st.Moves >= limit {
					st.GaveUp = true
					// Would move: looked at again, in full, in the next pass.
					checkedAt[f] = -1
					mark(f)
					return moved
				}
				for _, m := range ms {
					if a.result[m] >= 0 {
						h := 2*a.result[m] + int32(a.group[m])
						remove(h, m)
						vacant = append(vacant, h)
					}
					a.result[m] = -1
				}
				fnext[f] = p
				queue = append(queue, f)
				changedAt[f] = tick()
				mark(f)
				st.Moves++
				moved = true
				break
			}
		}
		return moved
	}

	for {
		for len(free) > 0 || len(vacant) > 0 {
			if len(vacant) > 0 {
				h := vacant[len(vacant)-1]
				vacant = vacant[:len(vacant)-1]
				fill(h)
				continue
			}
			c := free[len(free)-1]
			free = free[:len(free)-1]
			proposeSingle(c)
		}
		if len(queue) == 0 && !retry() {
			break
		}
		if len(queue) == 0 {
			continue
		}
		f := queue[0]
		queue = queue[1:]
		proposeFamily(f)
	}
	return st
}

// takes reports whether unit u would keep every member of a family, whose
// priority keys at u are keys[group]: in each age group, the worst member
// must rank within the seats among the children held and the members.
//
// Keys are unique, so that holds when the members fit in the free seats,
// or when at least need = size + members − seats of the held children have
// a lower priority (a higher key) than the worst member: those are the ones
// the members would displace. The held children are a max-heap, so the
// ones above a key form a subtree at the root; worseThan counts them only
// up to need, in time proportional to the members rather than the seats.
func (a *Allocation) takes(u int32, keys [2][]uint64) bool {
	for g, ks := range keys {
		if len(ks) == 0 {
			continue
		}
		h := 2*u + int32(g)
		seats := a.off[h+1] - a.off[h]
		lo, size := a.off[h], a.size[h]
		need := size + int32(len(ks)) - seats
		if need <= 0 {
			continue // room for every member whatever their priority
		}
		if need > size {
			return false // more members than seats
		}
		if worseThan(a.held[lo:lo+size], slices.Max(ks), need) < need {
			return false
		}
	}
	return true
}

// worseThan counts the entries of max-heap h with a key of at least k (a
// member already held there counts, as the count of children ahead used to
// leave it out), stopping at limit: a walk of the subtree of such entries
// from the root, which visits at most 2 × limit + 1 entries.
func worseThan(h []entry, k uint64, limit int32) int32 {
	if len(h) == 0 || h[0].key < k {
		return 0
	}
	if limit == 1 {
		return 1 // the root: the usual question, one member displacing one
	}
	var stack [16]int32
	st := append(stack[:0], 0)
	found := int32(0)
	for len(st) > 0 && found < limit {
		i := st[len(st)-1]
		st = st[:len(st)-1]
		if h[i].key < k {
			continue
		}
		found++
		if l := 2*i + 1; int(l) < len(h) {
			st = append(st, l)
			if int(l)+1 < len(h) {
				st = append(st, l+1)
			}
		}
	}
	return found
}

// measureFamilies counts families placed together and their justified
// envy, and adds that envy to Stats.JustifiedEnvy.
func (a *Allocation) measureFamilies(fams [][]int32, st *FamilyStats) {
	var keys [2][]uint64
	for _, ms := range fams {
		first := ms[0]
		u := a.result[first]
		together := u >= 0
		for _, m := range ms {
			if a.result[m] != u {
				together = false
			}
		}
		above := a.start[first+1]
		switch {
		case together:
			st.Together++
			above = a.position(first, u)
		case u < 0:
			st.Unplaced++
		}
		for p := a.start[first]; p < above; p++ {
			v := a.prefs[p]
			keys[0], keys[1] = keys[0][:0], keys[1][:0]
			for _, m := range ms {
				keys[a.group[m]] = append(keys[a.group[m]], a.keyAt(m, v))
			}
			if a.takes(v, keys) {
				st.JustifiedEnvy++
			}
		}
	}
	a.Stats.JustifiedEnvy += st.JustifiedEnvy
}

// candidate is a single child in a unit's list for the vacancy chains of
// AllocateFamilies: its priority there and the unit's place in its
// preferences (an absolute index into the flattened preferences).
type candidate struct {
	key   uint64
	child int32
	pos   int32
}

// candidateUp, candidateDown and candidatePop keep a min-heap of candidates by key.
func candidateUp(h []candidate, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h[p].key <= h[i].key {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func candidateDown(h []candidate, i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h[r].key < h[l].key {
			m = r
		}
		if h[i].key <= h[m].key {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// candidatePop removes the top of the heap.
func candidatePop(h []candidate) []candidate {
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	candidateDown(h, 0)
	return h
}
