package conformance

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/conformance/internal/speed"
)

// The allocation answer as it was built before it wrote itself
// (allocationAnswer): maps and structs marshalled by encoding/json. The
// test below keeps the two byte for byte the same.

type refAllocationOutput struct {
	Assignments  map[string]*string                  `json:"assignments"`
	Stats        admission.Stats                     `json:"stats"`
	Explanations map[string]refAllocationExplanation `json:"explanations"`
}

type refAllocationExplanation struct {
	Group string                    `json:"group"`
	Unit  *string                   `json:"unit"`
	Rank  int                       `json:"rank"`
	Above []refAllocationComparison `json:"above"`
}

type refAllocationComparison struct {
	Unit      string         `json:"unit"`
	Rank      int            `json:"rank"`
	Seats     int            `json:"seats"`
	Last      map[string]any `json:"last"`
	Own       map[string]any `json:"own"`
	DecidedBy string         `json:"decidedBy,omitempty"`
}

func refAllocationJSON(t *testing.T, a *admission.Allocation) []byte {
	t.Helper()
	out := refAllocationOutput{
		Assignments:  make(map[string]*string, len(a.Assignments)),
		Stats:        a.Stats,
		Explanations: make(map[string]refAllocationExplanation, len(a.Assignments)),
	}
	prio := func(criteria []admission.Criterion, p admission.Priority) map[string]any {
		m := make(map[string]any, len(p.Holds)+1)
		for k, v := range p.Holds {
			m[string(criteria[k])] = v
		}
		m[string(admission.Tiebreak)] = p.Tiebreak
		return m
	}
	for i, as := range a.Assignments {
		var unit *string
		if as.Placed() {
			u := as.Unit
			unit = &u
		}
		out.Assignments[as.Child] = unit
		e := a.Explain(i)
		ex := refAllocationExplanation{Group: string(e.Group), Unit: unit, Rank: e.Rank, Above: []refAllocationComparison{}}
		for _, c := range e.Above {
			ac := refAllocationComparison{Unit: c.Unit, Rank: c.Rank, Seats: c.Seats, Own: prio(e.Criteria, c.Own), DecidedBy: string(c.DecidedBy)}
			if c.Last != nil {
				ac.Last = prio(e.Criteria, *c.Last)
			}
			ex.Above = append(ex.Above, ac)
		}
		out.Explanations[as.Child] = ex
	}
	b, err := json.Marshal(out)
	require.NoError(t, err)
	return b
}

// allocationInputs returns the inputs of the public allocation vectors
// that have an answer, a small generated round and a round whose ids need
// escaping.
func allocationInputs(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	vectors, err := Load("vectors")
	require.NoError(t, err)
	inputs := map[string]json.RawMessage{}
	for _, v := range vectors {
		if v.Kind == "allocation" && v.ExpectError == nil {
			inputs[v.ID] = v.Input
		}
	}
	gen, err := speed.Generate(speed.Size{Children: 400, Units: 15, Choices: 4}, 7)
	require.NoError(t, err)
	var g struct {
		Input json.RawMessage `json:"input"`
	}
	require.NoError(t, json.Unmarshal(gen, &g))
	inputs["generated"] = g.Input
	inputs["escaped ids"] = json.RawMessage(`{"admissionYear": 2025,
		"units": [{"id": "<U&1>", "capacity": {"small": 1, "large": 1}}, {"id": "Bø \"2\"\u2028", "capacity": {"small": 0, "large": 1}}],
		"criteria": ["local:søsken<", "sibling", "statutory", "tiebreak"],
		"children": [
			{"id": "c\u00e6\\1", "birthDate": "2020-03-01", "preferences": ["<U&1>", "Bø \"2\"\u2028"], "siblingAt": ["Bø \"2\"\u2028"], "tiebreak": 2},
			{"id": "c\t2", "birthDate": "2020-03-01", "preferences": ["<U&1>"], "local": {"søsken<": true}, "tiebreak": 1},
			{"id": "B<3", "birthDate": "2020-03-01", "preferences": ["Bø \"2\"\u2028", "<U&1>"], "statutoryPriority": true, "tiebreak": 3},
			{"id": "a\u00ff", "birthDate": "2024-03-01", "preferences": ["<U&1>"], "tiebreak": 4}
		]}`)
	return inputs
}

// TestAllocationAnswerBytes checks that the allocation answer writes the
// bytes encoding/json wrote of the answer held in maps and structs, on
// every allocation vector, through local.Evaluate, the HTTP harness and
// json.Marshal alike.
func TestAllocationAnswerBytes(t *testing.T) {
	h := Handler()
	for id, input := range allocationInputs(t) {
		t.Run(id, func(t *testing.T) {
			var in allocationInput
			require.NoError(t, decodeInput(input, &in))
			r, err := allocationRound(in)
			require.NoError(t, err)
			a, err := admission.Allocate(r)
			require.NoError(t, err)
			want := refAllocationJSON(t, a)

			got, err := Local().Evaluate(t.Context(), "allocation", input)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
			marshalled, err := json.Marshal(newAllocationAnswer(a))
			require.NoError(t, err)
			assert.Equal(t, string(want), string(marshalled))

			body, err := json.Marshal(map[string]any{"kind": "allocation", "input": input})
			require.NoError(t, err)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, EvaluatePath, bytes.NewReader(body)))
			assert.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, string(want), rec.Body.String())
		})
	}
}

// TestAppendJSONString checks the string writer against encoding/json on
// strings that take the fast path and strings that need escaping.
func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "U1", "c000017", "a b", "<", "a&b", `"`, `\`, "\t", "\x7f", "æøå", "\u2028", "\xff", "~"} {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(appendJSONString([]byte("x"), s))[1:], "%q", s)
	}
}

// TestAllocationAnswerGuided checks the answer written for an expected
// answer: the members expect names, with the bytes of the whole answer,
// and the explanations only when expect names them; Check still compares
// explanations a vector names.
func TestAllocationAnswerGuided(t *testing.T) {
	l := Local().(local)
	for id, input := range allocationInputs(t) {
		t.Run(id, func(t *testing.T) {
			whole, err := l.Evaluate(t.Context(), "allocation", input)
			require.NoError(t, err)
			var members map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(whole, &members))
			for _, expect := range []string{`{"assignments":{}}`, `{"stats":{}}`, `{"assignments":{},"stats":{"placed":0}}`, `{"explanations":{}}`, `{"stats":{},"explanations":{}}`, `{"other":1}`} {
				guide, err := parseTree([]byte(expect))
				require.NoError(t, err)
				got, err := l.evaluate(t.Context(), "allocation", input, guide)
				require.NoError(t, err)
				var gotMembers map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(got, &gotMembers), "%s", got)
				for name, want := range members {
					if guide.field(name) != nil {
						assert.Equal(t, string(want), string(gotMembers[name]), "%s for %s", name, expect)
					} else {
						assert.NotContains(t, gotMembers, name, "for %s", expect)
					}
				}
			}
		})
	}

	// A vector naming an explanation is compared on it.
	input := allocationInputs(t)["escaped ids"]
	whole, err := l.Evaluate(t.Context(), "allocation", input)
	require.NoError(t, err)
	var members map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(whole, &members))
	v := Vector{ID: "allocation/x", Kind: "allocation", Input: input,
		Expect: json.RawMessage(`{"explanations":{"B<3":{"group":"large","rank":2}}}`)}
	res := Check(t.Context(), l, v)
	assert.False(t, res.OK)
	assert.Equal(t, "explanations.B<3.rank", res.Field, res.Detail)
	v.Expect = json.RawMessage(`{"explanations":` + string(members["explanations"]) + `}`)
	assert.True(t, Check(t.Context(), l, v).OK)
}
