package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/conformance"
)

// Two Go types of one name get two components, and types that marshal
// themselves are described as the strings they are in the JSON.
func TestOpenAPISchemaNames(t *testing.T) {
	g := &schemaGen{schemas: map[string]any{}}
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/Run"}, g.of(reflect.TypeFor[admission.Run]()))
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/BillingRun"}, g.of(reflect.TypeFor[billing.Run]()))
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/Run"}, g.of(reflect.TypeFor[admission.Run]()), "the same type, the same name")
	assert.Contains(t, g.schemas, "Run")
	assert.Contains(t, g.schemas, "BillingRun")

	assert.Equal(t, map[string]any{"type": "string"}, g.of(reflect.TypeFor[decimal.Decimal]()))
	assert.Equal(t, map[string]any{"type": "string"}, g.of(reflect.TypeFor[billing.Month]()))
}

// The document tells the truth about what the app serves: a server, no
// security on public routes and the session cookie on the rest, a licence
// with a URL or an SPDX identifier, the finance CSV as text/csv, and the
// conformance harness's refusals as conformance/SPEC.md § 6 has them.
func TestOpenAPIDocumentTruths(t *testing.T) {
	ta := newTestApp(t)
	resp := ta.do(t, "", "GET", "/openapi.json", "", "")
	require.Equal(t, 200, resp.status)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(resp.body), &doc))

	servers, _ := doc["servers"].([]any)
	assert.NotEmpty(t, servers, "servers")
	license := doc["info"].(map[string]any)["license"].(map[string]any)
	assert.NotEmpty(t, license["name"])
	assert.True(t, license["url"] != nil || license["identifier"] != nil, "a licence needs a url or an identifier")
	assert.Contains(t, doc["components"].(map[string]any)["securitySchemes"], "session")

	var tags []string
	declared, _ := doc["tags"].([]any)
	for _, tag := range declared {
		tags = append(tags, tag.(map[string]any)["name"].(string))
	}
	op := func(method, path string) map[string]any {
		t.Helper()
		item, ok := doc["paths"].(map[string]any)[path].(map[string]any)
		require.True(t, ok, path)
		o, ok := item[strings.ToLower(method)].(map[string]any)
		require.True(t, ok, method+" "+path)
		return o
	}
	for _, rt := range ta.a.routeTable() {
		if rt.kind == kindPage {
			continue
		}
		o := op(rt.method, rt.path)
		want := []any{map[string]any{"session": []any{}}}
		if !rt.policy.login {
			want = []any{}
		}
		assert.Equal(t, want, o["security"], "security of %s", rt.pattern())
		assert.Contains(t, policyDocs, rt.policy.name, "say in policyDocs who may call %s", rt.pattern())
		assert.NotEmpty(t, o["description"], rt.pattern())
		opTags, _ := o["tags"].([]any)
		for _, tag := range opTags {
			assert.Contains(t, tags, tag, "the tag of %s is declared", rt.pattern())
		}
	}

	csv := op("GET", "/api/v1/exports/finance.csv")["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)
	assert.Contains(t, csv, "text/csv")
	assert.NotContains(t, csv, "application/json")
	got := ta.do(t, ta.cookieFor(t, personaCaseworker), "GET", "/api/v1/exports/finance.csv", "", "")
	require.Equal(t, 200, got.status, got.body)
	mt, _, _ := mime.ParseMediaType(got.header.Get("Content-Type"))
	assert.Equal(t, "text/csv", mt)

	harness := op("POST", "/conformance/v1/evaluate")["responses"].(map[string]any)
	for _, code := range []string{"200", "400", "413", "422", "500"} {
		assert.Contains(t, harness, code, "the harness answers %s", code)
	}
	for body, want := range map[string]int{`{"kind":"astrology","input":{}}`: 422, `{"kind":` + strings.Repeat(" ", conformance.MaxBodyBytes) + `"x"}`: 413} {
		got := ta.do(t, "", "POST", "/conformance/v1/evaluate", "application/json", body)
		require.Equal(t, want, got.status)
		assertMatches(t, doc, harness[itoa(want)].(map[string]any), got, "POST "+conformance.EvaluatePath)
	}
}

// TestOpenAPILiveResponses calls every GET of the document as every
// persona (and without a session), on demo data with an approved admission
// run, an invoice run and check-ins, and checks each answer against the
// document: the status is documented, the media type is the documented
// one, and the body matches the schema.
func TestOpenAPILiveResponses(t *testing.T) {
	ta := newTestApp(t)
	resp := ta.do(t, "", "GET", "/openapi.json", "", "")
	require.Equal(t, 200, resp.status)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(resp.body), &doc))

	// State for the GETs to show: an approved run with offers, invoices of
	// the month, Sofie checked in at SFO.
	cw, guardian := ta.cookieFor(t, personaCaseworker), ta.cookieFor(t, personaGuardian)
	post := func(cookie, path, body string) map[string]any {
		t.Helper()
		r := ta.do(t, cookie, "POST", path, "application/json", body)
		require.Less(t, r.status, 300, "%s: %s", path, r.body)
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.body), &v))
		return v
	}
	list := func(cookie, path string) []map[string]any {
		t.Helper()
		r := ta.do(t, cookie, "GET", path, "", "")
		require.Equal(t, 200, r.status, "%s: %s", path, r.body)
		var v struct{ Items []map[string]any }
		require.NoError(t, json.Unmarshal([]byte(r.body), &v))
		return v.Items
	}
	intakes := list(cw, "/api/v1/intakes")
	require.NotEmpty(t, intakes)
	intake := intakes[0]["id"].(string)
	run := post(cw, "/api/v1/admission-runs", `{"intakeId":"`+intake+`","seed":7}`)["id"].(string)
	post(cw, "/api/v1/admission-approvals", `{"runId":"`+run+`"}`)
	month := testNow.Format("2006-01")
	post(cw, "/api/v1/invoice-runs", `{"month":"`+month+`"}`)
	post(ta.cookieFor(t, personaStaff), "/api/v1/children/"+ta.sofie.String()+"/check-in", `{"key":"live-1","unitId":"`+ta.nordbySFO.String()+`"}`)
	apps := list(cw, "/api/v1/intakes/"+intake+"/applications?limit=200")
	require.NotEmpty(t, apps)
	first := apps[0]["application"].(map[string]any)
	applicant, application := first["child"].(string), first["id"].(string)
	threads := list(guardian, "/api/v1/threads")
	require.NotEmpty(t, threads)
	thread := threads[0]["id"].(string)

	// The values each path parameter takes; a path with an application
	// takes its child.
	values := map[string][]string{
		"childId":  {ta.sofie.String(), ta.aurora.String(), applicant, ta.kaja.String()},
		"unitId":   {ta.nordbySFO.String(), ta.bjorkelia.String(), ta.fjell.String()},
		"intakeId": {intake}, "runId": {run}, "threadId": {thread},
	}
	query := map[string]string{
		"/api/v1/children/{childId}/applications/prefill": "?intakeId=" + intake,
		"/api/v1/invoices":            "?month=" + month,
		"/api/v1/exports/finance.csv": "?month=" + month,
		"/api/v1/children/{childId}/applications/{applicationId}/decision": "?lang=nn",
	}
	personas := append([]string{"", personaProtected}, tableActors...)
	statuses := map[int]int{}
	ok := map[string]bool{}
	checked := 0
	for path, item := range doc["paths"].(map[string]any) {
		get, isGet := item.(map[string]any)["get"].(map[string]any)
		if !isGet {
			continue
		}
		concrete := []string{path}
		if strings.Contains(path, "{applicationId}") {
			concrete = []string{strings.NewReplacer("{childId}", applicant, "{applicationId}", application).Replace(path)}
		}
		for name, vs := range values {
			var next []string
			for _, p := range concrete {
				if !strings.Contains(p, "{"+name+"}") {
					next = append(next, p)
					continue
				}
				for _, v := range vs {
					next = append(next, strings.ReplaceAll(p, "{"+name+"}", v))
				}
			}
			concrete = next
		}
		for _, p := range concrete {
			require.NotContains(t, p, "{", "a value for every parameter of %s", path)
			for _, persona := range personas {
				got := ta.do(t, ta.cookieFor(t, persona), "GET", p+query[path], "", "")
				statuses[got.status]++
				checked++
				if assertMatches(t, doc, get, got, fmt.Sprintf("GET %s as %q", p, persona)) && got.status == 200 {
					ok[path] = true
				}
			}
		}
		assert.True(t, ok[path], "some persona gets a 200 from GET %s that matches the document", path)
	}
	t.Logf("%d live responses checked against the document, by status: %v", checked, statuses)
}

// assertMatches checks a response against the operation's (or the
// response object's) description: a documented status, the documented
// media type, and a body that matches the schema.
func assertMatches(t *testing.T, doc, op map[string]any, got response, what string) bool {
	t.Helper()
	described := op
	if responses, ok := op["responses"].(map[string]any); ok {
		described, ok = responses[itoa(got.status)].(map[string]any)
		if !assert.True(t, ok, "%s: status %d is not documented (%s)", what, got.status, got.body) {
			return false
		}
	}
	content, _ := described["content"].(map[string]any)
	if content == nil {
		return assert.Empty(t, got.body, "%s: no body is documented", what)
	}
	mt, _, err := mime.ParseMediaType(got.header.Get("Content-Type"))
	require.NoError(t, err, what)
	media, ok := content[mt].(map[string]any)
	if !assert.True(t, ok, "%s: %d answered %s; the document says %v", what, got.status, mt, slices.Collect(maps.Keys(content))) {
		return false
	}
	var value any = got.body
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		dec := json.NewDecoder(strings.NewReader(got.body))
		dec.UseNumber()
		if !assert.NoError(t, dec.Decode(&value), "%s: %s", what, got.body) {
			return false
		}
	}
	problems := validateSchema(doc, media["schema"], value, "")
	return assert.Empty(t, problems, "%s: %d %s", what, got.status, truncate(got.body, 600))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// validateSchema checks a decoded JSON value (numbers as json.Number)
// against the subset of JSON Schema the document uses: $ref, type (one or
// a list), properties, required, additionalProperties, items, enum,
// format (date, date-time, uuid, uri), pattern, minimum, maximum,
// maxLength, oneOf and anyOf. It returns what does not match, by JSON
// pointer.
func validateSchema(doc map[string]any, schema, value any, at string) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		return []string{at + ": the schema is not an object"}
	}
	if ref, ok := s["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/components/schemas/")
		target, exists := doc["components"].(map[string]any)["schemas"].(map[string]any)[name]
		if !found || !exists {
			return []string{at + ": unresolved $ref " + ref}
		}
		return validateSchema(doc, target, value, at)
	}
	var out []string
	fail := func(format string, args ...any) { out = append(out, at+": "+fmt.Sprintf(format, args...)) }
	for _, key := range []string{"oneOf", "anyOf"} {
		alts, ok := s[key].([]any)
		if !ok {
			continue
		}
		matched := 0
		for _, alt := range alts {
			if len(validateSchema(doc, alt, value, at)) == 0 {
				matched++
			}
		}
		if matched == 0 || (key == "oneOf" && matched > 1) {
			fail("%d of the %s alternatives match", matched, key)
		}
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		case []string:
			types = t
		}
		if !slices.Contains(types, jsonType(value)) && !(jsonType(value) == "integer" && slices.Contains(types, "number")) {
			fail("is %s, not %v", jsonType(value), types)
			return out
		}
	}
	if enum, ok := s["enum"]; ok {
		if !slices.ContainsFunc(anySlice(enum), func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(value) }) {
			fail("%v is not one of %v", value, enum)
		}
	}
	switch v := value.(type) {
	case string:
		if f, ok := s["format"].(string); ok && !formatOK(f, v) {
			fail("%q is not a %s", v, f)
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(v) {
			fail("%q does not match %s", v, p)
		}
		if n, ok := s["maxLength"]; ok && utf8.RuneCountInString(v) > asInt(n) {
			fail("is longer than %v", n)
		}
	case json.Number:
		f, _ := v.Float64()
		if n, ok := s["minimum"]; ok && f < float64(asInt(n)) {
			fail("%v is below %v", v, n)
		}
		if n, ok := s["maximum"]; ok && f > float64(asInt(n)) {
			fail("%v is above %v", v, n)
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, x := range v {
				out = append(out, validateSchema(doc, items, x, fmt.Sprintf("%s/%d", at, i))...)
			}
		}
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, name := range anySlice(s["required"]) {
			if _, ok := v[name.(string)]; !ok {
				fail("lacks the required %q", name)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(v)) {
			if p, ok := props[name]; ok {
				out = append(out, validateSchema(doc, p, v[name], at+"/"+name)...)
				continue
			}
			switch extra := s["additionalProperties"].(type) {
			case bool:
				if !extra {
					fail("has %q, which the schema does not know", name)
				}
			case map[string]any:
				out = append(out, validateSchema(doc, extra, v[name], at+"/"+name)...)
			}
		}
	}
	return out
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func anySlice(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	}
	return nil
}

func asInt(v any) int {
	switch v := v.(type) {
	case int:
		return v
	case float64:
		return int(v)
	case json.Number:
		n, _ := v.Int64()
		return int(n)
	}
	return 0
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func formatOK(format, s string) bool {
	switch format {
	case "date":
		_, err := time.Parse(time.DateOnly, s)
		return err == nil
	case "date-time":
		_, err := time.Parse(time.RFC3339Nano, s)
		return err == nil
	case "uuid":
		return uuidPattern.MatchString(s)
	case "uri":
		u, err := url.Parse(s)
		return err == nil && u.Scheme != ""
	}
	return true
}
