package admission

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// refBetter is a direct reading of STANDARD.md: does x come before y at
// unit u? It shares no code with the keys of Allocate.
func refBetter(crit []Criterion, x, y *Applicant, u string) bool {
	for _, c := range crit {
		var a, b bool
		switch {
		case c == Tiebreak:
			return x.Tiebreak < y.Tiebreak
		case c == Statutory:
			a, b = x.StatutoryPriority, y.StatutoryPriority
		case c == Sibling:
			a, b = slices.Contains(x.SiblingAt, u), slices.Contains(y.SiblingAt, u)
		default:
			name := strings.TrimPrefix(string(c), LocalPrefix)
			a, b = x.Local[name], y.Local[name]
		}
		if a != b {
			return a
		}
	}
	return x.Tiebreak < y.Tiebreak
}

func refGroup(c *Applicant, year int) domain.AgeGroup {
	if c.BirthDate.Year()+3 <= year {
		return domain.Large
	}
	return domain.Small
}

// refAllocate is textbook deferred acceptance in rounds: every free child
// proposes, every unit keeps its best, the rest are free again.
func refAllocate(r *Round) []string {
	n := len(r.Children)
	next := make([]int, n)
	held := map[string][]int{}
	cap := func(u string, g domain.AgeGroup) int {
		for _, x := range r.Units {
			if x.ID == u {
				return x.Capacity.Of(g)
			}
		}
		return 0
	}
	assigned := make([]string, n)
	for {
		proposed := false
		for i := range r.Children {
			c := &r.Children[i]
			if assigned[i] != "" || next[i] >= len(c.Preferences) {
				continue
			}
			proposed = true
			u := c.Preferences[next[i]]
			k := u + "/" + string(refGroup(c, r.AdmissionYear))
			held[k] = append(held[k], i)
			assigned[i] = u
		}
		if !proposed {
			break
		}
		for k, list := range held {
			u, g, _ := strings.Cut(k, "/")
			slices.SortFunc(list, func(a, b int) int {
				if refBetter(r.Criteria, &r.Children[a], &r.Children[b], u) {
					return -1
				}
				return 1
			})
			keep := min(len(list), cap(u, domain.AgeGroup(g)))
			for _, out := range list[keep:] {
				assigned[out] = ""
				next[out]++
			}
			held[k] = list[:keep]
		}
	}
	return assigned
}

// bruteEnvy checks every pair of children (and every unused seat) for
// justified envy.
func bruteEnvy(r *Round, assigned []string) int {
	envy := 0
	for i := range r.Children {
		ci := &r.Children[i]
		gi := refGroup(ci, r.AdmissionYear)
		for _, u := range ci.Preferences {
			if u == assigned[i] {
				break
			}
			var seats int
			for _, x := range r.Units {
				if x.ID == u {
					seats = x.Capacity.Of(gi)
				}
			}
			used := 0
			for j := range r.Children {
				cj := &r.Children[j]
				if assigned[j] != u || refGroup(cj, r.AdmissionYear) != gi {
					continue
				}
				used++
				if refBetter(r.Criteria, ci, cj, u) {
					envy++
				}
			}
			if used < seats {
				envy++
			}
		}
	}
	return envy
}

func randomRound(rng *rand.Rand) *Round {
	r := &Round{AdmissionYear: 2025}
	nu := 1 + rng.IntN(4)
	for u := range nu {
		r.Units = append(r.Units, Unit{ID: fmt.Sprintf("U%d", u+1), Capacity: Capacity{Small: rng.IntN(3), Large: rng.IntN(3)}})
	}
	pool := []Criterion{Statutory, Sibling, "local:a", "local:b"}
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	r.Criteria = append(pool[:rng.IntN(5)], Tiebreak)
	n := 1 + rng.IntN(9)
	perm := rng.Perm(n)
	for i := range n {
		c := Applicant{
			ID:                fmt.Sprintf("c%d", i+1),
			BirthDate:         date.New(2021+rng.IntN(3), time.Month(1+rng.IntN(12)), 1),
			StatutoryPriority: rng.IntN(4) == 0,
			Tiebreak:          int64(perm[i]*3 - 5),
			Local:             map[string]bool{},
		}
		for _, u := range rng.Perm(nu)[:rng.IntN(nu+1)] {
			c.Preferences = append(c.Preferences, r.Units[u].ID)
		}
		if rng.IntN(3) == 0 {
			c.SiblingAt = []string{r.Units[rng.IntN(nu)].ID}
		}
		for _, name := range []string{"a", "b"} {
			if slices.Contains(r.Criteria, Criterion("local:"+name)) && rng.IntN(3) == 0 {
				c.Local[name] = true
			}
		}
		r.Children = append(r.Children, c)
	}
	return r
}

func TestAllocateMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for k := range 3000 {
		r := randomRound(rng)
		a, err := Allocate(r)
		require.NoError(t, err, "round %d", k)
		want := refAllocate(r)
		for i, as := range a.Assignments {
			require.Equal(t, want[i], as.Unit, "round %d child %s: %+v", k, as.Child, r)
		}
		require.Zero(t, bruteEnvy(r, want), "round %d", k)
		require.Zero(t, a.Stats.JustifiedEnvy, "round %d", k)
	}
}

func TestJustifiedEnvyDetectsUnstableMatching(t *testing.T) {
	r := &Round{AdmissionYear: 2025, Criteria: []Criterion{Tiebreak},
		Units: []Unit{{ID: "U1", Capacity: Capacity{Large: 1}}, {ID: "U2", Capacity: Capacity{Large: 1}}},
		Children: []Applicant{
			{ID: "a", BirthDate: date.New(2021, 1, 1), Preferences: []string{"U1", "U2"}, Tiebreak: 1},
			{ID: "b", BirthDate: date.New(2021, 1, 1), Preferences: []string{"U1", "U2"}, Tiebreak: 2},
		}}
	assert.Equal(t, 0, bruteEnvy(r, []string{"U1", "U2"}))
	assert.Equal(t, 1, bruteEnvy(r, []string{"U2", "U1"}))
}

func TestAllocateDeterministic(t *testing.T) {
	r := generateRound(42, 10000, 300, 5)
	encode := func(a *Allocation) []byte {
		b, err := json.Marshal(struct {
			A []Assignment
			S Stats
			E []ChildExplanation
		}{a.Assignments, a.Stats, a.Explanations()})
		require.NoError(t, err)
		return b
	}
	first, err := Allocate(r)
	require.NoError(t, err)
	want := encode(first)
	for range 3 {
		again, err := Allocate(r)
		require.NoError(t, err)
		require.Equal(t, want, encode(again))
	}
	assert.Zero(t, first.Stats.JustifiedEnvy)
	// The child-optimal stable matching does not depend on the order the
	// children are listed in.
	shuffled := *r
	shuffled.Children = slices.Clone(r.Children)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled.Children), func(i, j int) {
		shuffled.Children[i], shuffled.Children[j] = shuffled.Children[j], shuffled.Children[i]
	})
	other, err := Allocate(&shuffled)
	require.NoError(t, err)
	byID := map[string]string{}
	for _, as := range first.Assignments {
		byID[as.Child] = as.Unit
	}
	for _, as := range other.Assignments {
		require.Equal(t, byID[as.Child], as.Unit)
	}
	assert.Equal(t, first.Stats.Placed, other.Stats.Placed)
	t.Logf("10k round: placed %d, first choice %d, ranks %v, unused %+v", first.Stats.Placed, first.Stats.FirstChoice, first.Stats.RankDistribution, first.Stats.UnusedSeats)
}

func TestAllocateSparseTiebreaks(t *testing.T) {
	r := &Round{AdmissionYear: 2025,
		Units: []Unit{{ID: "U1", Capacity: Capacity{Large: 1}}},
		Children: []Applicant{
			{ID: "a", BirthDate: date.New(2021, 1, 1), Preferences: []string{"U1"}, Tiebreak: 1 << 60},
			{ID: "b", BirthDate: date.New(2021, 1, 1), Preferences: []string{"U1"}, Tiebreak: -1 << 60},
			{ID: "c", BirthDate: date.New(2021, 1, 1), Preferences: []string{"U1"}, Tiebreak: 0},
		}}
	a, err := Allocate(r)
	require.NoError(t, err)
	assert.Equal(t, "U1", a.Assignments[1].Unit)
	r.Children[2].Tiebreak = 1 << 60
	_, err = Allocate(r)
	require.Error(t, err)
	assert.Equal(t, "children[2].tiebreak", domain.FieldOf(err))
}

func TestAllocateInvalid(t *testing.T) {
	ok := func() *Round {
		return &Round{AdmissionYear: 2025, Criteria: []Criterion{Statutory, Sibling, "local:x", Tiebreak},
			Units: []Unit{{ID: "U1", Capacity: Capacity{Small: 1, Large: 1}}, {ID: "U2"}},
			Children: []Applicant{
				{ID: "a", BirthDate: date.New(2021, 1, 1), Preferences: []string{"U1"}, Tiebreak: 1},
				{ID: "b", BirthDate: date.New(2023, 1, 1), Preferences: []string{"U1", "U2"}, Tiebreak: 2},
			}}
	}
	tests := []struct {
		field  string
		change func(r *Round)
	}{
		{"admissionYear", func(r *Round) { r.AdmissionYear = 0 }},
		{"criteria[1]", func(r *Round) { r.Criteria[1] = "age" }},
		{"criteria[2]", func(r *Round) { r.Criteria[2] = "local:" }},
		{"criteria[1]", func(r *Round) { r.Criteria[1] = Statutory }},
		{"criteria[3]", func(r *Round) { r.Criteria = append(r.Criteria, Statutory) }},
		{"units[1].id", func(r *Round) { r.Units[1].ID = "U1" }},
		{"units[0].id", func(r *Round) { r.Units[0].ID = "" }},
		{"units[0].capacity.small", func(r *Round) { r.Units[0].Capacity.Small = -1 }},
		{"units[1].capacity.large", func(r *Round) { r.Units[1].Capacity.Large = -2 }},
		{"children[1].id", func(r *Round) { r.Children[1].ID = "a" }},
		{"children[0].id", func(r *Round) { r.Children[0].ID = "" }},
		{"children[1].preferences[1]", func(r *Round) { r.Children[1].Preferences[1] = "U9" }},
		{"children[1].preferences[1]", func(r *Round) { r.Children[1].Preferences[1] = "U1" }},
		{"children[1].tiebreak", func(r *Round) { r.Children[1].Tiebreak = 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			r := ok()
			tt.change(r)
			_, err := Allocate(r)
			require.ErrorIs(t, err, domain.ErrInvalid)
			assert.Equal(t, tt.field, domain.FieldOf(err))
		})
	}
	_, err := Allocate(ok())
	require.NoError(t, err)
	// A local flag the round has no criterion for is ignored, not refused.
	r := ok()
	r.Children[0].Local = map[string]bool{"x": true, "z": true, "y": false}
	_, err = Allocate(r)
	require.NoError(t, err)
}

func TestExplanationRender(t *testing.T) {
	r := &Round{AdmissionYear: 2025, Criteria: []Criterion{Statutory, Sibling, Tiebreak},
		Units: []Unit{{ID: "U1", Capacity: Capacity{Large: 1}}, {ID: "U2", Capacity: Capacity{Small: 1}}, {ID: "U3", Capacity: Capacity{Large: 1}}},
		Children: []Applicant{
			{ID: "a", BirthDate: date.New(2021, 1, 1), Preferences: []string{"U1", "U2", "U3"}, Tiebreak: 1},
			{ID: "b", BirthDate: date.New(2021, 1, 1), Preferences: []string{"U1"}, SiblingAt: []string{"U1"}, Tiebreak: 2},
		}}
	a, err := Allocate(r)
	require.NoError(t, err)
	e := a.Explain(0)
	assert.Equal(t, "U3", e.Unit)
	assert.Equal(t, 3, e.Rank)
	require.Len(t, e.Above, 2)
	assert.Equal(t, Sibling, e.Above[0].DecidedBy)
	assert.Equal(t, Priority{Holds: []bool{false, true}, Tiebreak: 2}, *e.Above[0].Last)
	assert.Equal(t, Priority{Holds: []bool{false, false}, Tiebreak: 1}, e.Above[0].Own)
	assert.Nil(t, e.Above[1].Last)
	assert.Equal(t, "a fikk plass i U3 (3. valg).\n"+
		"1. valg U1: det siste barnet som fikk plass blant barn over tre år hadde lovfestet prioritet: nei, søsken i barnehagen: ja, loddnummer 2; ditt barn har lovfestet prioritet: nei, søsken i barnehagen: nei, loddnummer 1. Avgjort av: søsken i barnehagen.\n"+
		"2. valg U2: ingen plasser for barn over tre år i dette opptaket.", e.Render(Bokmal))
	assert.Equal(t, "a fekk plass i U3 (3. val).\n"+
		"1. val U1: det siste barnet som fekk plass blant born over tre år hadde lovfesta prioritet: nei, sysken i barnehagen: ja, loddnummer 2; barnet ditt har lovfesta prioritet: nei, sysken i barnehagen: nei, loddnummer 1. Avgjort av: sysken i barnehagen.\n"+
		"2. val U2: ingen plassar for born over tre år i dette opptaket.", e.Render(Nynorsk))
	assert.Equal(t, "a was offered U3 (choice 3).\n"+
		"Choice 1 U1: the last child admitted among children aged three and over had statutory priority: no, sibling at the unit: yes, lottery number 2; your child has statutory priority: no, sibling at the unit: no, lottery number 1. Decided by: sibling at the unit.\n"+
		"Choice 2 U2: no seats for children aged three and over in this round.", e.Render(English))
	b := a.Explain(1)
	assert.Empty(t, b.Above)
	assert.Equal(t, "b was offered U1 (choice 1).", b.Render(English))
}

// wireVector is a conformance vector, decoded straight into the engine's
// types (which carry the wire field names).
type wireVector struct {
	ID          string          `json:"id"`
	Input       json.RawMessage `json:"input"`
	Expect      json.RawMessage `json:"expect"`
	ExpectError *struct {
		Code string `json:"code"`
	} `json:"expectError"`
}

func loadVectors(t *testing.T, kind string) []wireVector {
	files, err := filepath.Glob(filepath.Join("..", "conformance", "vectors", kind, "*.json"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 15, kind)
	var out []wireVector
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var v wireVector
		require.NoError(t, json.Unmarshal(raw, &v), f)
		out = append(out, v)
	}
	return out
}

func strictDecode(raw []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// TestRightToPlaceVectors checks the engine against the vectors; refusals
// of malformed JSON are the glue's, so an error vector passes when either
// the strict decoding or the engine refuses.
func TestRightToPlaceVectors(t *testing.T) {
	for _, v := range loadVectors(t, "right-to-place") {
		t.Run(v.ID, func(t *testing.T) {
			var in struct {
				BirthDate              *string `json:"birthDate"`
				ApplicationYear        *int    `json:"applicationYear"`
				AppliedByDeadline      *bool   `json:"appliedByDeadline"`
				ResidentInMunicipality *bool   `json:"residentInMunicipality"`
			}
			err := strictDecode(v.Input, &in)
			if err == nil && (in.BirthDate == nil || in.ApplicationYear == nil || in.AppliedByDeadline == nil || in.ResidentInMunicipality == nil) {
				err = fmt.Errorf("missing field")
			}
			var birth date.Date
			if err == nil {
				birth, err = domain.ParseDate("birthDate", *in.BirthDate)
			}
			var r Right
			if err == nil {
				r, err = RightToPlace(RightApplication{birth, *in.ApplicationYear, *in.AppliedByDeadline, *in.ResidentInMunicipality})
			}
			if v.ExpectError != nil {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			var want struct {
				HasRight  bool   `json:"hasRight"`
				FromMonth string `json:"fromMonth"`
				Reason    string `json:"reason"`
			}
			require.NoError(t, json.Unmarshal(v.Expect, &want))
			assert.Equal(t, want.HasRight, r.HasRight)
			assert.Equal(t, want.Reason, string(r.Reason))
			if want.HasRight {
				assert.Equal(t, want.FromMonth, r.From.String())
			}
		})
	}
}

func jsonField(raw json.RawMessage, name string) json.RawMessage {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	return m[name]
}

// TestAllocationVectors checks the engine against the vectors, and every
// placed-vector's matching against the brute-force envy check.
func TestAllocationVectors(t *testing.T) {
	for _, v := range loadVectors(t, "allocation") {
		t.Run(v.ID, func(t *testing.T) {
			var r Round
			err := strictDecode(v.Input, &r)
			if err == nil {
				for i, c := range r.Children {
					raw := jsonField(jsonArray(jsonField(v.Input, "children"))[i], "birthDate")
					if `"`+c.BirthDate.Format("2006-01-02")+`"` != string(raw) {
						err = fmt.Errorf("impossible date")
					}
					if jsonField(jsonArray(jsonField(v.Input, "children"))[i], "tiebreak") == nil {
						err = fmt.Errorf("missing tiebreak")
					}
				}
				for i := range r.Units {
					capRaw := jsonField(jsonArray(jsonField(v.Input, "units"))[i], "capacity")
					if jsonField(capRaw, "small") == nil || jsonField(capRaw, "large") == nil {
						err = fmt.Errorf("missing capacity")
					}
				}
			}
			var a *Allocation
			if err == nil {
				a, err = Allocate(&r)
			}
			if v.ExpectError != nil {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			var want struct {
				Assignments map[string]*string         `json:"assignments"`
				Stats       map[string]json.RawMessage `json:"stats"`
			}
			require.NoError(t, json.Unmarshal(v.Expect, &want))
			got := map[string]*string{}
			units := make([]string, len(a.Assignments))
			for i, as := range a.Assignments {
				units[i] = as.Unit
				if as.Placed() {
					got[as.Child] = &as.Unit
				} else {
					got[as.Child] = nil
				}
			}
			assert.Equal(t, want.Assignments, got)
			stats, err := json.Marshal(a.Stats)
			require.NoError(t, err)
			var gotStats map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(stats, &gotStats))
			for k, w := range want.Stats {
				assert.JSONEq(t, string(w), string(gotStats[k]), "stats.%s", k)
			}
			assert.Zero(t, bruteEnvy(&r, units))
			for i := range a.Assignments {
				for _, l := range Langs() {
					assert.NotEmpty(t, a.Explain(i).Render(l))
				}
			}
		})
	}
}

func jsonArray(raw json.RawMessage) []json.RawMessage {
	var a []json.RawMessage
	_ = json.Unmarshal(raw, &a)
	return a
}

// TestIDIndex checks the table of child ids that compile and the families
// use: every id found at its child, absent ids not found, a repeated id
// reported with the child that has it first, also when the table is full
// enough for ids to share slots.
func TestIDIndex(t *testing.T) {
	cs := make([]Applicant, 5000)
	for i := range cs {
		cs[i].ID = fmt.Sprintf("child-%d", i)
	}
	x := newIDIndex(len(cs))
	for i := range cs {
		if j := x.add(cs, int32(i)); j != -1 {
			t.Fatalf("child %d: reported as a repeat of %d", i, j)
		}
	}
	for i := range cs {
		if j := x.find(cs, cs[i].ID); j != int32(i) {
			t.Fatalf("%s: found %d", cs[i].ID, j)
		}
		if j := x.find(cs, fmt.Sprintf("other-%d", i)); j != -1 {
			t.Fatalf("other-%d: found %d", i, j)
		}
	}
	cs = append(cs, Applicant{ID: "child-4321"})
	if j := x.add(cs, int32(len(cs)-1)); j != 4321 {
		t.Fatalf("the repeated id: %d, want 4321", j)
	}
}
