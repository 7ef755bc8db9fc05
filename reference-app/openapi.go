package main

import (
	"encoding"
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/conformance"
	"github.com/oppvekst/oppvekst/domain"
)

// The licence and contact of the document. The project's licence is not
// chosen yet (README: "to be decided by the participating
// municipalities"); until it is, the licence points at the module's
// licence page. When it is chosen, give its SPDX identifier instead of the
// URL (OpenAPI 3.1 allows one of the two).
const (
	moduleURL      = "https://github.com/oppvekst/oppvekst"
	licenseName    = "Not chosen yet: to be decided by the participating municipalities"
	licenseURL     = "https://pkg.go.dev/github.com/oppvekst/oppvekst?tab=licenses"
	apiDescription = "The municipality's API for kindergarten, school and SFO. Errors are RFC 9457 problem details; lists are paginated with limit and cursor; POST honours Idempotency-Key. The API is for the app's own pages and same-origin clients: a session cookie from the login, and unsafe methods only from the same origin."
)

// policyDocs says who may call a route of each policy (access.go), in the
// operation's description.
var policyDocs = map[string]string{
	"public":        "Anyone; no session needed.",
	"logged-in":     "Any logged-in user.",
	"child-read":    "Whoever may see the child: a guardian (a parent without parental responsibility who has an information right under barneloven § 47 sees less), staff of a unit where the child is placed today, or the municipality's caseworkers and administrators. A child of another municipality is 404.",
	"child-care":    "A guardian with parental responsibility, staff of a unit where the child is placed today, or the municipality's caseworkers and administrators. A child of another municipality is 404.",
	"child-parent":  "A guardian with parental responsibility, or the municipality's caseworkers and administrators. A child of another municipality is 404.",
	"child-case":    "A caseworker of the child's municipality. A child of another municipality is 404.",
	"unit":          "Staff of the unit, or the municipality's caseworkers and administrators. A unit of another municipality is 404.",
	"guardian":      "A guardian.",
	"staff":         "Staff of a unit.",
	"caseworker":    "A caseworker or the municipal administrator.",
	"admin":         "The municipal administrator.",
	"invoices":      "A guardian (their own invoices), a caseworker or the municipal administrator.",
	"correspondent": "A guardian or staff of a unit.",
}

// openAPIDocument builds the OpenAPI 3.1 document of the app's API and
// system routes from the route table, so the two cannot drift apart: every
// kindAPI and kindSystem route is an operation, tagged with its group, with
// its path parameters, pagination, request body, responses (the success
// response in its media type, the problems it can answer), who may call it
// and its security: the session cookie, or none for a public route.
func (a *app) openAPIDocument() map[string]any {
	schemas := map[string]any{
		"Problem": map[string]any{
			"type":        "object",
			"description": "RFC 9457 problem details; errors lists the refused fields.",
			"properties": map[string]any{
				"type": map[string]any{"type": "string", "format": "uri"}, "title": map[string]any{"type": "string"},
				"status": map[string]any{"type": "integer"}, "detail": map[string]any{"type": "string"},
				"instance": map[string]any{"type": "string"},
				"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
					"field": map[string]any{"type": "string"}, "reason": map[string]any{"type": "string"}}}},
			},
			"required": []string{"type", "title", "status"},
		},
		"ConformanceRequest": map[string]any{
			"type":                 "object",
			"description":          "One input of the open standard to evaluate (conformance/SPEC.md § 6).",
			"additionalProperties": false,
			"required":             []string{"kind", "input"},
			"properties": map[string]any{
				"kind":  map[string]any{"type": "string", "enum": conformance.Kinds()},
				"input": map[string]any{"type": "object", "description": "the vector's input, as the kind defines it"},
			},
		},
		"ConformanceError": map[string]any{
			"type":        "object",
			"description": "A refusal or failure of the conformance harness (conformance/SPEC.md § 6).",
			"required":    []string{"error"},
			"properties": map[string]any{
				"error": map[string]any{"type": "object", "required": []string{"code"}, "properties": map[string]any{
					"code":    map[string]any{"type": "string", "enum": []string{"invalid-input", "unknown-rules", "internal"}},
					"field":   map[string]any{"type": "string"},
					"message": map[string]any{"type": "string"},
				}},
			},
		},
	}
	gen := &schemaGen{schemas: schemas}
	problemRef := map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}
	paths := map[string]any{}
	var tags []any
	for _, group := range a.routeGroups() {
		documented := false
		for _, rt := range group.routes {
			if rt.kind == kindPage {
				continue
			}
			documented = true
			item, _ := paths[rt.path].(map[string]any)
			if item == nil {
				item = map[string]any{}
				paths[rt.path] = item
			}
			item[strings.ToLower(rt.method)] = a.operation(rt, rt.tagIn(group), gen, problemRef)
		}
		if documented {
			tags = append(tags, map[string]any{"name": group.tag, "description": group.about})
		}
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Oppvekst reference app",
			"version":     "1",
			"description": apiDescription,
			"license":     map[string]any{"name": licenseName, "url": licenseURL},
			"contact":     map[string]any{"name": "Oppvekst", "url": moduleURL},
		},
		// The document describes the server that serves it, wherever that
		// is deployed.
		"servers":  []any{map[string]any{"url": "/", "description": "this server"}},
		"security": []any{map[string]any{"session": []string{}}},
		"tags":     tags,
		"paths":    paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie,
					"description": "The session cookie set by the login (ID-porten for guardians, Feide for staff, the demo login in demo mode). Requests that change something must come from the app's own origin."},
			},
		},
	}
}

// operation is the OpenAPI operation of one route.
func (a *app) operation(rt route, tag string, gen *schemaGen, problemRef map[string]any) map[string]any {
	op := map[string]any{
		"operationId": operationID(rt),
		"summary":     rt.summary,
		"description": rt.summary + ".\n\nWho may call it: " + policyDocs[rt.policy.name],
		"tags":        []string{tag},
	}
	var params []any
	for _, p := range pathParam.FindAllStringSubmatch(rt.path, -1) {
		params = append(params, map[string]any{"name": p[1], "in": "path", "required": true,
			"schema": map[string]any{"type": "string", "format": "uuid"}})
	}
	if rt.list {
		params = append(params,
			map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": defaultLimit}},
			map[string]any{"name": "cursor", "in": "query", "description": "nextCursor of the previous page", "schema": map[string]any{"type": "string"}})
	}
	for _, name := range slices.Sorted(maps.Keys(rt.query)) {
		params = append(params, map[string]any{"name": name, "in": "query", "description": rt.query[name], "schema": map[string]any{"type": "string"}})
	}
	if rt.method == http.MethodPost && rt.kind == kindAPI {
		params = append(params, map[string]any{"name": idempotencyHeader, "in": "header",
			"description": "A retry with the same key gets the first response again", "schema": map[string]any{"type": "string", "maxLength": 200}})
	}
	if params != nil {
		op["parameters"] = params
	}
	status := rt.status
	if status == 0 {
		status = http.StatusOK
	}
	responses := map[string]any{}
	switch {
	case rt.path == conformance.EvaluatePath:
		// The harness answers as conformance/SPEC.md § 6 says, not with
		// problems; another method on the path is 405.
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/ConformanceRequest"}}}}
		answer := map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object", "description": "the answer, shaped as the kind's expect"}}}
		refused := map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/ConformanceError"}}}
		responses["200"] = map[string]any{"description": "the answer", "content": answer}
		responses["400"] = map[string]any{"description": "the body cannot be read", "content": refused}
		responses["413"] = map[string]any{"description": "the body is larger than 1 MiB", "content": refused}
		responses["422"] = map[string]any{"description": "the input is refused: invalid-input or unknown-rules", "content": refused}
		responses["500"] = map[string]any{"description": "the evaluation failed", "content": refused}
		op["description"] = op["description"].(string) + " Another method than POST is 405."
	default:
		if rt.body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": gen.of(reflect.TypeOf(rt.body))}}}
		}
		var schema any = map[string]any{"type": "object"}
		if rt.response != nil {
			schema = gen.of(reflect.TypeOf(rt.response))
		}
		if rt.list {
			schema = map[string]any{"type": "object", "required": []string{"items"}, "properties": map[string]any{
				"items": map[string]any{"type": "array", "items": schema}, "nextCursor": map[string]any{"type": "string"}}}
		}
		mediaType := rt.contentType
		if mediaType == "" {
			mediaType = "application/json"
		}
		for _, code := range append([]int{status}, rt.also...) {
			if code == http.StatusNoContent {
				responses[itoa(code)] = map[string]any{"description": http.StatusText(code)}
				continue
			}
			responses[itoa(code)] = map[string]any{"description": http.StatusText(code), "content": map[string]any{mediaType: map[string]any{"schema": schema}}}
		}
		if rt.path == "/healthz" || rt.path == "/readyz" {
			responses["503"] = map[string]any{"description": "Service Unavailable", "headers": retryAfterHeader, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
		}
		if rt.kind == kindAPI {
			for _, code := range problemStatuses(rt) {
				responses[itoa(code)] = map[string]any{"description": http.StatusText(code), "content": problemRef}
			}
			responses["503"] = map[string]any{"description": "Service Unavailable: the database cannot be reached just now; try again after Retry-After seconds",
				"headers": retryAfterHeader, "content": problemRef}
		}
		if rt.kind == kindSystem && rt.raw == nil {
			// The route wrapper refuses a query string holding a control
			// character on every route it serves (input.go).
			responses["422"] = map[string]any{"description": http.StatusText(422), "content": problemRef}
		}
	}
	op["responses"] = responses
	if rt.policy.login {
		op["security"] = []any{map[string]any{"session": []string{}}}
	} else {
		op["security"] = []any{}
	}
	return op
}

// problemStatuses are the problem statuses an API route can answer: a
// malformed ID or query (400), no session (401), not allowed (403), not
// found (404), a refused input (422) and an internal failure (500) on
// every route; a conflict (409) on every change; a body too large (413)
// or not JSON (415) where a body is read.
func problemStatuses(rt route) []int {
	codes := []int{400, 401, 403, 404, 422, 500}
	if rt.method != http.MethodGet {
		codes = append(codes, 409)
	}
	if rt.body != nil {
		codes = append(codes, 413, 415)
	}
	slices.Sort(codes)
	return codes
}

// retryAfterHeader documents the Retry-After of a 503.
var retryAfterHeader = map[string]any{"Retry-After": map[string]any{
	"description": "seconds to wait before trying again", "schema": map[string]any{"type": "integer", "minimum": 1}}}

func (a *app) openapi(w http.ResponseWriter, r *http.Request, c *call) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(a.openAPIDocument())
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// operationID is "get_/api/v1/children/{childId}" made into an identifier:
// getApiV1ChildrenChildId.
func operationID(rt route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.method))
	for _, part := range strings.FieldsFunc(rt.path, func(r rune) bool { return r == '/' || r == '{' || r == '}' || r == '.' || r == '$' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func tagOf(rt route) string {
	if rt.kind == kindSystem {
		return "system"
	}
	parts := strings.Split(strings.TrimPrefix(rt.path, "/api/v1/"), "/")
	return parts[0]
}

// schemaGen derives JSON schemas from Go types: structs become named
// components, fields follow their json tags.
type schemaGen struct {
	schemas map[string]any
	// types remembers which Go type took a component name, so two types of
	// one name in different packages (admission.Run, billing.Run) get two
	// components.
	types map[string]reflect.Type
}

// Types that marshal themselves (decimal.Decimal, billing.Month, IDs) are
// strings in our JSON, whatever their fields.
var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func marshalsItself(t reflect.Type) bool {
	for _, x := range []reflect.Type{t, reflect.PointerTo(t)} {
		if x.Implements(jsonMarshaler) || x.Implements(textMarshaler) {
			return true
		}
	}
	return false
}

// componentName is the schema name of a struct type: its Go name with a
// capital (childView → ChildView), prefixed by its package's name
// (AdmissionRun) when another type already has that name.
func (g *schemaGen) componentName(t reflect.Type) string {
	name := strings.ToUpper(t.Name()[:1]) + t.Name()[1:]
	if other, ok := g.types[name]; ok && other != t {
		pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
		name = strings.ToUpper(pkg[:1]) + pkg[1:] + name
	}
	if g.types == nil {
		g.types = map[string]reflect.Type{}
	}
	g.types[name] = t
	return name
}

var (
	timeType = reflect.TypeOf(time.Time{})
	dateType = reflect.TypeOf(date.Date(0))
	nidType  = reflect.TypeOf(domain.NationalID{})
)

func (g *schemaGen) of(t reflect.Type) any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == dateType:
		return map[string]any{"type": "string", "format": "date"}
	case t == nidType:
		return map[string]any{"type": "string", "pattern": "^[0-9]{11}$"}
	case t.Kind() == reflect.Struct && strings.HasPrefix(t.Name(), "ID["):
		return map[string]any{"type": "string", "format": "uuid"}
	case t.Kind() == reflect.Struct && marshalsItself(t):
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.of(t.Elem())}
	case reflect.Map, reflect.Interface:
		return map[string]any{"type": "object"}
	case reflect.Pointer:
		return g.of(t.Elem())
	case reflect.Struct:
		name := g.componentName(t)
		if _, ok := g.schemas[name]; !ok {
			g.schemas[name] = map[string]any{} // breaks recursion
			props := map[string]any{}
			var required []string
			for _, f := range jsonFields(t) {
				props[f.name] = g.of(f.typ)
				if !f.omitted {
					required = append(required, f.name)
					props[f.name] = nullable(f.typ, props[f.name])
				}
			}
			s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
			if required != nil {
				s["required"] = required
			}
			g.schemas[name] = s
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// nullable is the schema of a field that is always written: a nil slice,
// map or pointer is written as null (encoding/json), so the schema admits
// null beside the value.
func nullable(t reflect.Type, schema any) any {
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
	default:
		return schema
	}
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
		return schema // []byte is a base64 string, "" when nil
	}
	if t.Kind() == reflect.Interface {
		return map[string]any{} // anything, null too
	}
	s, ok := schema.(map[string]any)
	if !ok {
		return schema
	}
	if typ, ok := s["type"].(string); ok && s["$ref"] == nil {
		out := maps.Clone(s)
		out["type"] = []string{typ, "null"}
		return out
	}
	return map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
}

// writtenField is a field as encoding/json writes (and reads) it.
type writtenField struct {
	name    string
	typ     reflect.Type
	omitted bool // omitempty or omitzero: left out when empty
	depth   int
}

// jsonFields lists the fields encoding/json writes for a struct type, in
// order: exported fields by their json name, the fields of embedded
// structs without a name promoted (a shallower field of the same name
// hides a deeper one), and without the fields it never writes ("-", and
// struct{} fields left out when zero, used to hide a promoted field).
func jsonFields(t reflect.Type) []writtenField {
	var out []writtenField
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, depth+1)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			omitted := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
			out = append(out, writtenField{name: name, typ: f.Type, omitted: omitted, depth: depth})
		}
	}
	walk(t, 0)
	// The shallowest field of a name wins (ties between embedded structs
	// are rare here and not resolved).
	best := map[string]int{}
	for _, f := range out {
		if d, ok := best[f.name]; !ok || f.depth < d {
			best[f.name] = f.depth
		}
	}
	var visible []writtenField
	for _, f := range out {
		if f.depth != best[f.name] {
			continue
		}
		if f.omitted && f.typ.Kind() == reflect.Struct && f.typ.NumField() == 0 {
			continue // never written
		}
		if i := slices.IndexFunc(visible, func(v writtenField) bool { return v.name == f.name }); i >= 0 {
			continue
		}
		visible = append(visible, f)
	}
	return visible
}
