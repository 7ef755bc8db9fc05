// Package speed is the yardstick of the runner's speed on a large
// allocation vector: a deterministic generator of such a vector, and the
// bare baseline the runner is measured against — decoding the same file
// into plain structs with encoding/json and solving the round with a plain
// child-proposing deferred-acceptance loop, then checking the answer
// against the file's expect.
//
// The baseline does none of the strict checks the runner does (unknown
// fields, repeated keys, exact comparison rules, the library's input
// validation and per-child explanations); it is the least work any runner
// has to do on the file. scripts/conformance-speed and
// BenchmarkRunnerVsBaseline (conformance/cmd/oppvekst-conformance) compare
// the two.
package speed

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Size is the shape of a generated round.
type Size struct {
	Children, Units, Choices int
}

// Issue20 is the size of the issue's vector: 10,000 children, 300 units,
// five choices each (about 2 MB of JSON).
var Issue20 = Size{Children: 10000, Units: 300, Choices: 5}

// ID returns the vector id of a generated round of size s; the file is
// ID + ".json" below the vectors folder.
func (s Size) ID() string {
	return fmt.Sprintf("allocation/generated-%dx%dx%d", s.Children, s.Units, s.Choices)
}

// vector is the file of a generated round (format oppvekst-vector/1).
type vector struct {
	Format string   `json:"format"`
	ID     string   `json:"id"`
	Kind   string   `json:"kind"`
	Title  string   `json:"title"`
	Source []string `json:"source"`
	Input  round    `json:"input"`
	Expect answer   `json:"expect"`
}

type round struct {
	AdmissionYear int      `json:"admissionYear"`
	Units         []unit   `json:"units"`
	Criteria      []string `json:"criteria"`
	Children      []child  `json:"children"`
}

type unit struct {
	ID       string   `json:"id"`
	Capacity capacity `json:"capacity"`
}

type capacity struct {
	Small int `json:"small"`
	Large int `json:"large"`
}

type child struct {
	ID                string          `json:"id"`
	BirthDate         string          `json:"birthDate"`
	Preferences       []string        `json:"preferences"`
	StatutoryPriority bool            `json:"statutoryPriority"`
	SiblingAt         []string        `json:"siblingAt"`
	Local             map[string]bool `json:"local"`
	Tiebreak          int64           `json:"tiebreak"`
}

type answer struct {
	Assignments map[string]*string `json:"assignments"`
	Stats       stats              `json:"stats"`
}

type stats struct {
	Placed      int `json:"placed"`
	FirstChoice int `json:"firstChoice"`
}

// Generate returns a vector file for a round of size s, the same bytes for
// the same seed: children live along a line of units and rank units near
// home, some popular units draw extra first choices, about 12 % have a
// sibling at a unit, 2 % statutory priority and 20 % the local flag
// single-provider; the tiebreak is a permutation. There are about nine
// seats for every ten children. The expected answer is computed by the bare
// baseline (Solve), so a runner that passes the file agrees with it.
func Generate(s Size, seed uint64) ([]byte, error) {
	if s.Children < 0 || s.Units < 1 || s.Choices < 0 {
		return nil, errors.New("speed: a round needs at least one unit")
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	r := round{AdmissionYear: 2025, Criteria: []string{"statutory", "sibling", "local:single-provider", "tiebreak"}}
	for u := range s.Units {
		r.Units = append(r.Units, unit{ID: fmt.Sprintf("U%04d", u)})
	}
	for range s.Children * 35 / 100 * 9 / 10 {
		r.Units[rng.IntN(s.Units)].Capacity.Small++
	}
	for range s.Children * 65 / 100 * 9 / 10 {
		r.Units[rng.IntN(s.Units)].Capacity.Large++
	}
	perm := rng.Perm(s.Children)
	small := time.Date(2023, time.January, 1, 0, 0, 0, 0, time.UTC)
	large := time.Date(2020, time.January, 1, 0, 0, 0, 0, time.UTC)
	for i := range s.Children {
		c := child{ID: fmt.Sprintf("c%06d", i), Tiebreak: int64(perm[i]), Preferences: []string{}, SiblingAt: []string{}, Local: map[string]bool{}}
		if rng.IntN(100) < 35 {
			c.BirthDate = small.AddDate(0, 0, rng.IntN(730)).Format(time.DateOnly)
		} else {
			c.BirthDate = large.AddDate(0, 0, rng.IntN(1095)).Format(time.DateOnly)
		}
		home := rng.IntN(s.Units)
		for len(c.Preferences) < min(s.Choices, s.Units) {
			u := (home + int(rng.NormFloat64()*8)%s.Units + s.Units) % s.Units
			if len(c.Preferences) == 0 && rng.IntN(100) < 30 {
				u = rng.IntN(min(s.Units, 30))
			}
			id := r.Units[u].ID
			if !contains(c.Preferences, id) {
				c.Preferences = append(c.Preferences, id)
			}
		}
		if rng.IntN(100) < 12 {
			at := r.Units[rng.IntN(s.Units)].ID
			if len(c.Preferences) > 0 && rng.IntN(100) < 80 {
				at = c.Preferences[rng.IntN(len(c.Preferences))]
			}
			c.SiblingAt = append(c.SiblingAt, at)
		}
		c.StatutoryPriority = rng.IntN(100) < 2
		if rng.IntN(100) < 20 {
			c.Local["single-provider"] = true
		}
		r.Children = append(r.Children, c)
	}
	v := vector{
		Format: "oppvekst-vector/1",
		ID:     s.ID(),
		Kind:   "allocation",
		Title:  fmt.Sprintf("Generated round of %d children, %d units and %d choices (runner speed, issue 20); expect computed by the bare baseline", s.Children, s.Units, s.Choices),
		Source: []string{"STANDARD.md allocation"},
		Input:  r,
		Expect: solve(&r),
	}
	b, err := json.Marshal(v)
	return append(b, '\n'), err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Solve is the baseline: it decodes a vector file of the allocation kind
// into plain structs with encoding/json, solves the round by deferred
// acceptance and checks the answer against the file's expect. It returns
// the number of children placed.
func Solve(data []byte) (placed int, err error) {
	var v vector
	if err := json.Unmarshal(data, &v); err != nil {
		return 0, err
	}
	got := solve(&v.Input)
	if got.Stats != v.Expect.Stats || len(got.Assignments) != len(v.Expect.Assignments) {
		return 0, fmt.Errorf("speed: answer %+v differs from expect %+v", got.Stats, v.Expect.Stats)
	}
	for id, u := range got.Assignments {
		e, ok := v.Expect.Assignments[id]
		if !ok || (e == nil) != (u == nil) || (e != nil && *e != *u) {
			return 0, fmt.Errorf("speed: assignment of %s differs from expect", id)
		}
	}
	return got.Stats.Placed, nil
}

// solve is a plain child-proposing deferred-acceptance loop: each unit and
// age group keeps the children it holds in a heap with the worst on top.
func solve(r *round) answer {
	unitIndex := make(map[string]int, len(r.Units))
	for i, u := range r.Units {
		unitIndex[u.ID] = i
	}
	n := len(r.Children)
	group := make([]int, n) // 0 small, 1 large
	for i, c := range r.Children {
		year, _ := strconv.Atoi(strings.SplitN(c.BirthDate, "-", 2)[0])
		if year+3 <= r.AdmissionYear {
			group[i] = 1
		}
	}
	// key returns the priority of child c at unit u: higher criteria bits
	// win, then the lower tiebreak.
	key := func(c, u int) uint64 {
		ch := &r.Children[c]
		var bits uint64
		for _, crit := range r.Criteria {
			var hold bool
			switch {
			case crit == "tiebreak":
				continue
			case crit == "statutory":
				hold = ch.StatutoryPriority
			case crit == "sibling":
				hold = contains(ch.SiblingAt, r.Units[u].ID)
			case strings.HasPrefix(crit, "local:"):
				hold = ch.Local[crit[len("local:"):]]
			}
			bits <<= 1
			if hold {
				bits |= 1
			}
		}
		return bits
	}
	type held struct {
		bits uint64
		tie  int64
		c    int
	}
	worse := func(a, b held) bool { // a has lower priority than b
		if a.bits != b.bits {
			return a.bits < b.bits
		}
		return a.tie > b.tie
	}
	heaps := make([][]held, 2*len(r.Units))
	next := make([]int, n)
	result := make([]int, n)
	free := make([]int, 0, n)
	for i := n - 1; i >= 0; i-- {
		result[i] = -1
		free = append(free, i)
	}
	for len(free) > 0 {
		c := free[len(free)-1]
		free = free[:len(free)-1]
		prefs := r.Children[c].Preferences
		for next[c] < len(prefs) {
			u := unitIndex[prefs[next[c]]]
			seats := r.Units[u].Capacity.Small
			if group[c] == 1 {
				seats = r.Units[u].Capacity.Large
			}
			h := &heaps[2*u+group[c]]
			e := held{key(c, u), r.Children[c].Tiebreak, c}
			if len(*h) < seats {
				*h = append(*h, e)
				up(*h, len(*h)-1, worse)
				result[c] = u
				break
			}
			if seats > 0 && worse((*h)[0], e) {
				out := (*h)[0].c
				(*h)[0] = e
				down(*h, 0, worse)
				result[c] = u
				result[out] = -1
				next[out]++
				free = append(free, out)
				break
			}
			next[c]++
		}
	}
	a := answer{Assignments: make(map[string]*string, n)}
	for i, c := range r.Children {
		if result[i] < 0 {
			a.Assignments[c.ID] = nil
			continue
		}
		id := r.Units[result[i]].ID
		a.Assignments[c.ID] = &id
		a.Stats.Placed++
		if next[i] == 0 {
			a.Stats.FirstChoice++
		}
	}
	return a
}

func up[T any](h []T, i int, worse func(a, b T) bool) {
	for i > 0 {
		p := (i - 1) / 2
		if !worse(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func down[T any](h []T, i int, worse func(a, b T) bool) {
	for {
		l, w := 2*i+1, i
		if l < len(h) && worse(h[l], h[w]) {
			w = l
		}
		if l+1 < len(h) && worse(h[l+1], h[w]) {
			w = l + 1
		}
		if w == i {
			return
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}
