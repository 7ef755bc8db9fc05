package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kindSchemas compiles $defs input, answer and error of every kind's
// schema; it fails the test for a kind without a schema and for a schema
// that names no kind.
func kindSchemas(t *testing.T) map[string]map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	out := map[string]map[string]*jsonschema.Schema{}
	files, err := fs.ReadDir(Schemas(), ".")
	require.NoError(t, err)
	for _, f := range files {
		kind := strings.TrimSuffix(f.Name(), ".json")
		assert.Contains(t, KindNames(), kind, "schema %s names no kind", f.Name())
	}
	for _, kind := range KindNames() {
		b, ok := Schema(kind)
		if !assert.True(t, ok, "kind %s has no schema in conformance/schemas", kind) {
			continue
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		require.NoError(t, err, kind)
		var head struct {
			Schema string `json:"$schema"`
			ID     string `json:"$id"`
		}
		require.NoError(t, json.Unmarshal(b, &head))
		assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", head.Schema, kind)
		assert.True(t, strings.HasSuffix(head.ID, "/"+kind+".json"), "%s: $id %s", kind, head.ID)
		require.NoError(t, c.AddResource(head.ID, doc), kind)
		out[kind] = map[string]*jsonschema.Schema{}
		for _, def := range []string{"input", "answer", "error"} {
			s, err := c.Compile(head.ID + "#/$defs/" + def)
			require.NoError(t, err, "%s $defs/%s", kind, def)
			out[kind][def] = s
		}
	}
	return out
}

func validateRaw(t *testing.T, s *jsonschema.Schema, raw []byte, what string) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	require.NoError(t, err, what)
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

// Every vector validates against its kind's schema: an answering vector's
// input against $defs/input and its expect against $defs/answer, a refusing
// vector's expectError against $defs/error; and the answer this library
// gives to every answering vector validates against $defs/answer too.
func TestVectorsMatchSchemas(t *testing.T) {
	schemas := kindSchemas(t)
	ev := Local()
	n := 0
	for _, v := range publicVectors(t) {
		s, ok := schemas[v.Kind]
		if !ok {
			t.Errorf("%s: kind %s has no schema", v.ID, v.Kind)
			continue
		}
		n++
		if v.ExpectError != nil {
			b, err := json.Marshal(v.ExpectError)
			require.NoError(t, err)
			validateRaw(t, s["error"], b, v.ID+" expectError")
			continue
		}
		validateRaw(t, s["input"], v.Input, v.ID+" input")
		validateRaw(t, s["answer"], v.Expect, v.ID+" expect")
		got, err := ev.Evaluate(t.Context(), v.Kind, v.Input)
		if assert.NoError(t, err, v.ID) {
			validateRaw(t, s["answer"], got, v.ID+" answer")
		}
	}
	assert.Greater(t, n, 300)
}

// A schema refuses what the spec refuses in shape: an unknown field, a
// number for money, an impossible error code.
func TestSchemasRefuse(t *testing.T) {
	schemas := kindSchemas(t)
	bad := []struct{ kind, def, doc string }{
		{"national-id", "input", `{"value": 15076500565}`},
		{"national-id", "input", `{"value": "15076500565", "extra": 1}`},
		{"national-id", "answer", `{"valid": true, "rule": "2033"}`},
		{"kindergarten-fee", "input", `{"month": "2024-09", "zone": "ordinary", "local": {"fullTimePrice": 3000, "brackets": [{"minHours": 0, "share": "1", "food": "0"}]}, "children": [{"id": "a", "birthDate": "2021-01-01", "hoursPerWeek": 41}]}`},
		{"kindergarten-fee", "error", `{"code": "internal"}`},
		{"kid", "error", `{"code": "unknown-rules"}`},
	}
	for _, b := range bad {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(b.doc))
		require.NoError(t, err)
		assert.Error(t, schemas[b.kind][b.def].Validate(inst), "%s %s %s", b.kind, b.def, b.doc)
	}
}

func TestHandlerServesSchemas(t *testing.T) {
	h := Handler()
	for _, kind := range KindNames() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, SchemaPath+kind+".json", nil))
		require.Equal(t, http.StatusOK, rec.Code, kind)
		assert.Equal(t, "application/schema+json", rec.Header().Get("Content-Type"))
		want, _ := Schema(kind)
		got, _ := io.ReadAll(rec.Body)
		assert.Equal(t, want, got, kind)
	}
	for _, path := range []string{SchemaPath + "astrology.json", SchemaPath + "national-id", SchemaPath + "..%2fSPEC.md", SchemaPath} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		assert.Equal(t, http.StatusNotFound, rec.Code, path)
	}
}
