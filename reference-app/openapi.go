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

	"github.com/oppvekst/oppvekst/domain"
)

// openAPIDocument builds the OpenAPI 3.1 document of the app's API and
// system routes from the route table, so the two cannot drift apart: every
// kindAPI and kindSystem route is an operation, with its path parameters,
// pagination, request body, response and the problem responses.
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
	}
	gen := &schemaGen{schemas: schemas}
	problemRef := map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}
	paths := map[string]any{}
	for _, rt := range a.routeTable() {
		if rt.kind == kindPage {
			continue
		}
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		op := map[string]any{
			"operationId": operationID(rt),
			"summary":     rt.summary,
			"tags":        []string{tagOf(rt)},
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
		if rt.body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": gen.of(reflect.TypeOf(rt.body))}}}
		}
		status := rt.status
		if status == 0 {
			status = http.StatusOK
		}
		var schema any = map[string]any{"type": "object"}
		if rt.response != nil {
			schema = gen.of(reflect.TypeOf(rt.response))
		}
		if rt.list {
			schema = map[string]any{"type": "object", "required": []string{"items"}, "properties": map[string]any{
				"items": map[string]any{"type": "array", "items": schema}, "nextCursor": map[string]any{"type": "string"}}}
		}
		responses := map[string]any{
			itoa(status): map[string]any{"description": http.StatusText(status), "content": map[string]any{"application/json": map[string]any{"schema": schema}}},
		}
		if rt.kind == kindAPI {
			for _, code := range []int{400, 401, 403, 404, 409, 413, 422} {
				responses[itoa(code)] = map[string]any{"description": http.StatusText(code), "content": problemRef}
			}
			responses["503"] = map[string]any{"description": "Service Unavailable: the database cannot be reached just now; try again after Retry-After seconds",
				"headers": retryAfterHeader, "content": problemRef}
			op["security"] = []any{map[string]any{"session": []string{}}}
		}
		if rt.path == "/healthz" || rt.path == "/readyz" {
			responses["503"] = map[string]any{"description": "Service Unavailable", "headers": retryAfterHeader, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
		}
		op["responses"] = responses
		item[strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Oppvekst reference app",
			"version":     "1",
			"description": "The municipality's API for kindergarten, school and SFO. Errors are RFC 9457 problem details; lists are paginated with limit and cursor; POST honours Idempotency-Key.",
			"license":     map[string]any{"name": "See the repository"},
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
		},
	}
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
			for i := range t.NumField() {
				f := t.Field(i)
				if !f.IsExported() {
					continue
				}
				tag := f.Tag.Get("json")
				if tag == "-" {
					continue
				}
				fname, opts, _ := strings.Cut(tag, ",")
				if fname == "" {
					fname = f.Name
				}
				props[fname] = g.of(f.Type)
				if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
					required = append(required, fname)
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
