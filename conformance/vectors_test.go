package conformance

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// minVectors is the least number of public vectors each kind must have
// (issue 3).
func minVectors(kind string) int {
	switch kind {
	case "kindergarten-fee", "sfo-fee":
		return 25
	}
	return 15
}

// allRegistered reports whether every kind of the standard is in
// builtinKinds; until then the vector tests run the registered kinds only.
func allRegistered() bool {
	kinds := builtinKinds()
	for _, k := range KindNames() {
		if _, ok := kinds[k]; !ok {
			return false
		}
	}
	return true
}

// publicVectors loads conformance/vectors and keeps those this library can
// run: all of them once every kind is registered.
func publicVectors(t *testing.T) []Vector {
	t.Helper()
	vectors, err := Load("vectors")
	require.NoError(t, err, "every vector file must load")
	strict := allRegistered()
	counts := map[string]int{}
	kinds := builtinKinds()
	var run []Vector
	for _, v := range vectors {
		counts[v.Kind]++
		if _, ok := kinds[v.Kind]; ok || strict {
			run = append(run, v)
		}
	}
	for k := range counts {
		assert.Contains(t, KindNames(), k, "a folder that is not a kind of the standard")
	}
	for _, k := range KindNames() {
		_, registered := kinds[k]
		if !strict && !registered {
			t.Logf("kind %s is not registered yet: its %d vectors are skipped", k, counts[k])
			continue
		}
		assert.GreaterOrEqual(t, counts[k], minVectors(k), "vectors for kind %s", k)
	}
	return run
}

func assertReport(t *testing.T, rep Report, want int) {
	t.Helper()
	for _, r := range rep.Results {
		if !r.OK {
			t.Errorf("%s: %s: %s", r.ID, r.Field, r.Detail)
		}
	}
	assert.Equal(t, 0, rep.Failed)
	assert.Equal(t, want, rep.Passed)
}

func TestVectorsInProcess(t *testing.T) {
	vectors := publicVectors(t)
	assertReport(t, Run(context.Background(), Local(), vectors), len(vectors))
}

func TestVectorsOverHTTP(t *testing.T) {
	vectors := publicVectors(t)
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	assertReport(t, Run(context.Background(), Remote(srv.URL, srv.Client()), vectors), len(vectors))
}

// TestStrictInputs checks, for every registered kind, that unknown fields,
// wrong JSON types and impossible dates answer invalid-input naming the
// field, both in process and over HTTP.
func TestStrictInputs(t *testing.T) {
	type refusal struct {
		name  string
		input string
		field string
	}
	cases := map[string][]refusal{
		"national-id": {
			{"unknown field", `{"value":"15076500565","kind":"x"}`, "kind"},
			{"wrong type", `{"value":15076500565}`, "value"},
			{"missing", `{}`, "value"},
		},
		"recipients": {
			{"unknown field", `{"audience":"child","child":{"addressProtection":"none","name":"x"},"guardians":[]}`, "child.name"},
			{"wrong type", `{"audience":"child","child":{},"guardians":[{"id":"g1","informationDenied":1}]}`, "guardians[0].informationDenied"},
			{"unknown level", `{"audience":"child","child":{},"guardians":[{"id":"g1","addressProtection":"secret"}]}`, "guardians[0].addressProtection"},
			{"repeated id", `{"audience":"child","child":{},"guardians":[{"id":"g1"},{"id":"g1"}]}`, "guardians[1].id"},
		},
		"kid": {
			{"unknown field", `{"base":"1234567","method":"mod10","extra":1}`, "extra"},
			{"wrong type", `{"base":1234567,"method":"mod10"}`, "base"},
		},
		"right-to-place": {
			{"unknown field", `{"birthDate":"2024-10-14","applicationYear":2025,"appliedByDeadline":true,"residentInMunicipality":true,"x":1}`, "x"},
			{"wrong type", `{"birthDate":"2024-10-14","applicationYear":"2025","appliedByDeadline":true,"residentInMunicipality":true}`, "applicationYear"},
			{"impossible date", `{"birthDate":"2023-02-29","applicationYear":2025,"appliedByDeadline":true,"residentInMunicipality":true}`, "birthDate"},
		},
		"kindergarten-fee": {
			{"unknown field", `{"month":"2024-09","zone":"ordinary","rules":null,"local":{"fullTimePrice":"2000.00","brackets":[{"minHours":0,"share":"1.00","food":"0.00"}],"siblingOrder":"price-desc","rounding":"ore"},"household":{},"children":[{"id":"a","birthDate":"2020-03-02","hoursPerWeek":45,"hours":1}]}`, "children[0].hours"},
			{"wrong type", `{"month":"2024-09","zone":"ordinary","rules":null,"local":{"fullTimePrice":"2000.00","brackets":[{"minHours":0,"share":"1.00","food":"0.00"}],"siblingOrder":"price-desc","rounding":"ore"},"household":{},"children":[{"id":"a","birthDate":"2020-03-02","hoursPerWeek":"45"}]}`, "children[0].hoursPerWeek"},
			{"impossible date", `{"month":"2024-09","zone":"ordinary","rules":null,"local":{"fullTimePrice":"2000.00","brackets":[{"minHours":0,"share":"1.00","food":"0.00"}],"siblingOrder":"price-desc","rounding":"ore"},"household":{},"children":[{"id":"a","birthDate":"2021-02-29","hoursPerWeek":45}]}`, "children[0].birthDate"},
			{"negative hours", `{"month":"2024-09","zone":"ordinary","rules":null,"local":{"fullTimePrice":"2000.00","brackets":[{"minHours":0,"share":"1.00","food":"0.00"}],"siblingOrder":"price-desc","rounding":"ore"},"household":{},"children":[{"id":"a","birthDate":"2020-03-02","hoursPerWeek":-1}]}`, "children[0].hoursPerWeek"},
		},
		"sfo-fee": {
			{"unknown field", `{"month":"2024-09","zone":"ordinary","rules":null,"local":{"brackets":[{"minHours":0,"price":"1000.00","food":"0.00"}],"siblingDiscounts":["0"],"siblingOrder":"price-desc","rounding":"ore"},"household":{},"children":[{"id":"a","grade":1,"hoursPerWeek":10,"specialNeeds":false,"x":true}]}`, "children[0].x"},
			{"wrong type", `{"month":"2024-09","zone":"ordinary","rules":null,"local":{"brackets":[{"minHours":0,"price":"1000.00","food":"0.00"}],"siblingDiscounts":["0"],"siblingOrder":"price-desc","rounding":"ore"},"household":{},"children":[{"id":"a","grade":"1","hoursPerWeek":10,"specialNeeds":false}]}`, "children[0].grade"},
			{"negative hours", `{"month":"2024-09","zone":"ordinary","rules":null,"local":{"brackets":[{"minHours":0,"price":"1000.00","food":"0.00"}],"siblingDiscounts":["0"],"siblingOrder":"price-desc","rounding":"ore"},"household":{},"children":[{"id":"a","grade":1,"hoursPerWeek":-2,"specialNeeds":false}]}`, "children[0].hoursPerWeek"},
		},
		"allocation": {
			{"unknown field", `{"admissionYear":2025,"units":[{"id":"U1","capacity":{"small":1,"large":1},"x":1}],"criteria":["tiebreak"],"children":[]}`, "units[0].x"},
			{"wrong type", `{"admissionYear":2025,"units":[{"id":"U1","capacity":{"small":"1","large":1}}],"criteria":["tiebreak"],"children":[]}`, "units[0].capacity.small"},
			{"impossible date", `{"admissionYear":2025,"units":[{"id":"U1","capacity":{"small":1,"large":1}}],"criteria":["tiebreak"],"children":[{"id":"c1","birthDate":"2023-13-01","preferences":["U1"],"tiebreak":1}]}`, "children[0].birthDate"},
		},
		"special-education-deadline": {
			{"unknown field", `{"setting":"school","step":"consent","from":"2026-09-01","days":3}`, "days"},
			{"wrong type", `{"setting":"school","step":7,"from":"2026-09-01"}`, "step"},
			{"impossible date", `{"setting":"school","step":"consent","from":"2027-02-29"}`, "from"},
			{"unknown setting", `{"setting":"sfo","step":"consent","from":"2026-09-01"}`, "setting"},
		},
		"basil": {
			{"unknown field", `{"year":2025,"units":[{"id":"K1","kind":"kindergarten","x":1}],"children":[],"placements":[]}`, "units[0].x"},
			{"wrong type", `{"year":"2025","units":[],"children":[],"placements":[]}`, "year"},
			{"impossible date", `{"year":2025,"units":[],"children":[{"id":"a","birthDate":"2023-02-29"}],"placements":[]}`, "children[0].birthDate"},
			{"repeated id", `{"year":2025,"units":[{"id":"K1","kind":"kindergarten"},{"id":"K1","kind":"kindergarten"}],"children":[],"placements":[]}`, "units[1].id"},
		},
		"gsi": {
			{"unknown field", `{"schoolYear":2025,"units":[],"children":[{"id":"a","birthDate":"2016-01-01","grade":1}],"placements":[]}`, "children[0].grade"},
			{"wrong type", `{"schoolYear":2025,"units":[],"children":[],"placements":[],"decisions":[{"child":"a","kind":"adaptation","start":"2025-08-01","hoursPerWeek":2}]}`, "decisions[0].hoursPerWeek"},
			{"seats for a school", `{"schoolYear":2025,"units":[{"id":"S1","kind":"school","seatsSmall":3}],"children":[],"placements":[]}`, "units[0].seatsSmall"},
		},
		"nav-kindergarten-list": {
			{"unknown field", `{"month":"2025-03","units":[],"children":[],"placements":[],"previous":[{"child":"a","unit":"K1","hoursPerWeek":1,"start":"2024-08-01","band":"1-8"}]}`, "previous[0].band"},
			{"wrong type", `{"month":"2025-03","units":[],"children":[],"placements":{}}`, "placements"},
			{"negative hours", `{"month":"2025-03","units":[{"id":"K1","kind":"kindergarten"}],"children":[{"id":"a","birthDate":"2023-01-01"}],"placements":[{"child":"a","unit":"K1","hoursPerWeek":-1,"start":"2024-08-01"}]}`, "placements[0].hoursPerWeek"},
		},
		"invoice-line": {
			{"unknown field", `{"month":"2025-03","fee":"1.00","food":"0.00","feeFreeMonths":[7],"placements":[{"start":"2025-03-01","hours":1}]}`, "placements[0].hours"},
			{"wrong type", `{"month":"2025-03","fee":"1.00","food":"0.00","feeFreeMonths":["7"],"placements":[]}`, "feeFreeMonths[0]"},
			{"impossible date", `{"month":"2025-03","fee":"1.00","food":"0.00","feeFreeMonths":[7],"placements":[{"start":"2025-02-29"}]}`, "placements[0].start"},
			{"missing", `{"month":"2025-03","fee":"1.00","food":"0.00","placements":[]}`, "feeFreeMonths"},
		},
		"staffing-norm": {
			{"unknown field", `{"day":"2025-10-01","children":[{"id":"a","birthDate":"2024-01-01","age":1}],"onDuty":1}`, "children[0].age"},
			{"wrong type", `{"day":"2025-10-01","children":[],"onDuty":"1"}`, "onDuty"},
			{"impossible date", `{"day":"2025-02-29","children":[],"onDuty":1}`, "day"},
		},
		"school-absence-summary": {
			{"unknown field", `{"schoolYear":2025,"grade":9,"rule":{"excludableDays":10,"excludable":[],"certificateFrom":8,"certificateTo":10},"absences":[{"day":"2025-09-01","kind":"undocumented","wholeDay":true}]}`, "absences[0].wholeDay"},
			{"wrong type", `{"schoolYear":2025,"grade":"9","rule":{"excludableDays":10,"excludable":[],"certificateFrom":8,"certificateTo":10},"absences":[]}`, "grade"},
			{"missing rule field", `{"schoolYear":2025,"grade":9,"rule":{"excludable":[],"certificateFrom":8,"certificateTo":10},"absences":[]}`, "rule.excludableDays"},
			{"repeated kind", `{"schoolYear":2025,"grade":9,"rule":{"excludableDays":10,"excludable":["documented","documented"],"certificateFrom":8,"certificateTo":10},"absences":[]}`, "rule.excludable[1]"},
		},
		"rule-table": {
			{"unknown field", `{"kind":"sfo","table":null,"date":"2025-10-01","month":"2025-10"}`, "month"},
			{"wrong type", `{"kind":"kindergarten","table":null,"date":20251001,"zone":"ordinary"}`, "date"},
			{"impossible date", `{"kind":"kindergarten","table":null,"date":"2025-02-29","zone":"ordinary"}`, "date"},
			{"unknown zone", `{"kind":"kindergarten","table":null,"date":"2025-10-01","zone":"tiltakssonen"}`, "zone"},
		},
	}
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	evaluators := map[string]Evaluator{"local": Local(), "http": Remote(srv.URL, srv.Client())}
	kinds := builtinKinds()
	for _, kind := range KindNames() {
		if _, ok := kinds[kind]; !ok {
			t.Logf("kind %s is not registered yet", kind)
			continue
		}
		require.NotEmpty(t, cases[kind], "no strictness cases for %s", kind)
		for _, c := range cases[kind] {
			for name, ev := range evaluators {
				t.Run(kind+"/"+c.name+"/"+name, func(t *testing.T) {
					out, err := ev.Evaluate(context.Background(), kind, []byte(c.input))
					var e *Error
					require.ErrorAs(t, err, &e, "answer: %s", out)
					assert.Equal(t, CodeInvalidInput, e.Code)
					assert.Equal(t, c.field, e.Field, e.Message)
				})
			}
		}
	}
}

func TestKindsRegistered(t *testing.T) {
	kinds := Kinds()
	assert.Equal(t, kinds, slices.DeleteFunc(KindNames(), func(k string) bool { return !slices.Contains(kinds, k) }))
	assert.Contains(t, kinds, "national-id")
	assert.Contains(t, kinds, "recipients")
}
