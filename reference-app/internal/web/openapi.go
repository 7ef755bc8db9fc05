package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/oppvekst/oppvekst/conformance"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
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

// PolicyDocs says who may call a route of each policy (access.go), in the
// operation's description.
var PolicyDocs = map[string]string{
	"public":                   "Anyone; no session needed.",
	"logged-in":                "Any logged-in user.",
	"child-read":               "Whoever may see the child: a guardian (a parent without parental responsibility who has an information right under barneloven § 47 sees less), staff of a unit where the child is placed today, or the municipality's caseworkers and administrators. A child of another municipality is 404.",
	"child-care":               "A guardian with parental responsibility, staff of a unit where the child is placed today, or the municipality's caseworkers and administrators. A child of another municipality is 404.",
	"child-parent":             "A guardian with parental responsibility, or the municipality's caseworkers and administrators. A child of another municipality is 404.",
	"child-own-parent":         "A guardian with parental responsibility for the child, and no one else. A child of another municipality is 404.",
	"child-municipal":          "A caseworker or the municipal administrator, not a guardian. A child of another municipality is 404.",
	"child-case":               "A caseworker of the child's municipality. A child of another municipality is 404.",
	"unit":                     "Staff of the unit, or the municipality's caseworkers and administrators. A unit of another municipality is 404.",
	"unit-leader":              "The unit's leader, or the municipal administrator. A unit of another municipality is 404.",
	"sender":                   "Staff of the unit the thread is about, a caseworker or the municipal administrator; the service refuses anyone else (403).",
	"unit-leader-or-municipal": "The unit's leader, or the municipality's caseworkers and administrators. A unit of another municipality is 404.",
	"guardian":                 "A guardian.",
	"staff":                    "Staff of a unit.",
	"caseworker":               "A caseworker granted the route's capability (admission, billing, attendance, directory; any caseworker for the others), or the municipal administrator.",
	"admin":                    "The municipal administrator.",
	"invoices":                 "A guardian (their own invoices), a caseworker or the municipal administrator.",
	"correspondent":            "A guardian or staff of a unit.",
	"income-letter":            "An adult of the family the income decision is for (the payer or another adult of its period), a caseworker or the municipal administrator; anyone else gets 404.",
}

// OpenAPIDocument builds the OpenAPI 3.1 document of the app's API and
// system routes from the route table, so the two cannot drift apart: every
// KindAPI and kindSystem route is an operation, tagged with its group, with
// its path parameters, pagination, request body, responses (the success
// response in its media type, the problems it can answer), who may call it
// and its security: the session cookie, or none for a public route.
func (a *App) OpenAPIDocument() map[string]any {
	schemas := map[string]any{
		"Problem": map[string]any{
			"type":        "object",
			"description": "RFC 9457 problem details; errors lists the refused fields.",
			"properties": map[string]any{
				"type": map[string]any{"type": "string", "format": "uri"}, "title": map[string]any{"type": "string"},
				"status": map[string]any{"type": "integer"}, "detail": map[string]any{"type": "string"},
				"instance": map[string]any{"type": "string"},
				"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
					"field": map[string]any{"type": "string"},
					"reason": map[string]any{"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
						"description": "a stable reason code (required, out-of-range, no-such-unit, …), never a sentence; a client shows it in its user's language"},
					"params": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"},
						"description": "the values the reason's text needs, by name (min, max, …); dates are written yyyy-mm-dd"}}}},
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
	gen := &api.SchemaGen{Schemas: schemas}
	problemRef := map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}
	paths := map[string]any{}
	var tags []any
	for _, group := range a.RouteGroups() {
		documented := false
		for _, rt := range group.Routes {
			if rt.Kind == KindPage {
				continue
			}
			documented = true
			item, _ := paths[rt.Path].(map[string]any)
			if item == nil {
				item = map[string]any{}
				paths[rt.Path] = item
			}
			item[strings.ToLower(rt.Method)] = a.operation(rt, rt.TagIn(group), gen, problemRef)
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
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie,
					"description": "The session cookie set by the login (ID-porten for guardians, Feide for staff, the demo login in demo mode). Requests that change something must come from the app's own origin."},
			},
		},
	}
}

// operation is the OpenAPI operation of one route.
func (a *App) operation(rt Route, tag string, gen *api.SchemaGen, problemRef map[string]any) map[string]any {
	op := map[string]any{
		"operationId": operationID(rt),
		"summary":     rt.Summary,
		"description": rt.Summary + ".\n\nWho may call it: " + PolicyDocs[rt.Policy.Name],
		"tags":        []string{tag},
	}
	var params []any
	for _, p := range PathParam.FindAllStringSubmatch(rt.Path, -1) {
		params = append(params, map[string]any{"name": p[1], "in": "path", "required": true,
			"schema": map[string]any{"type": "string", "format": "uuid"}})
	}
	if rt.List {
		params = append(params,
			map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": api.MaxLimit, "default": api.DefaultLimit}},
			map[string]any{"name": "cursor", "in": "query", "description": "nextCursor of the previous page", "schema": map[string]any{"type": "string"}})
	}
	if rt.Search != "" {
		params = append(params, map[string]any{"name": "q", "in": "query",
			"description": "Search: every word must be found, ignoring case, in " + rt.Search + ". A page's cursor is for the same search.",
			"schema":      map[string]any{"type": "string", "maxLength": api.MaxSearch}})
	}
	for _, name := range slices.Sorted(maps.Keys(rt.Query)) {
		params = append(params, map[string]any{"name": name, "in": "query", "description": rt.Query[name], "schema": map[string]any{"type": "string"}})
	}
	if rt.Method == http.MethodPost && rt.Kind == KindAPI {
		params = append(params, map[string]any{"name": IdempotencyHeader, "in": "header",
			"description": "A retry with the same key gets the first response again", "schema": map[string]any{"type": "string", "maxLength": 200}})
	}
	if params != nil {
		op["parameters"] = params
	}
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	responses := map[string]any{}
	switch {
	case rt.Path == conformance.EvaluatePath:
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
	case rt.Path == conformance.SchemaPath+"{file}":
		responses["200"] = map[string]any{"description": "the kind's JSON Schema", "content": map[string]any{
			"application/schema+json": map[string]any{"schema": map[string]any{"type": "object"}}}}
		responses["404"] = map[string]any{"description": "no kind has that name", "content": map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}}
	default:
		if rt.Body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": gen.Of(reflect.TypeOf(rt.Body))}}}
		}
		if len(rt.BodyTypes) > 0 {
			content := map[string]any{}
			for mt, schema := range rt.BodyTypes {
				content[mt] = map[string]any{"schema": schema}
			}
			op["requestBody"] = map[string]any{"required": true, "content": content}
		}
		var schema any = map[string]any{"type": "object"}
		if rt.Response != nil {
			schema = gen.Of(reflect.TypeOf(rt.Response))
		}
		if rt.List {
			schema = map[string]any{"type": "object", "required": []string{"items"}, "properties": map[string]any{
				"items": map[string]any{"type": "array", "items": schema}, "nextCursor": map[string]any{"type": "string"}}}
		}
		mediaType := rt.ContentType
		if mediaType == "" {
			mediaType = "application/json"
		}
		for _, code := range append([]int{status}, rt.Also...) {
			if code == http.StatusNoContent {
				responses[Itoa(code)] = map[string]any{"description": http.StatusText(code)}
				continue
			}
			responses[Itoa(code)] = map[string]any{"description": http.StatusText(code), "content": map[string]any{mediaType: map[string]any{"schema": schema}}}
		}
		if rt.Path == "/healthz" || rt.Path == "/readyz" {
			responses["503"] = map[string]any{"description": "Service Unavailable", "headers": retryAfterHeader, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
		}
		if rt.Kind == KindAPI {
			for _, code := range problemStatuses(rt) {
				responses[Itoa(code)] = map[string]any{"description": http.StatusText(code), "content": problemRef}
			}
			responses["503"] = map[string]any{"description": "Service Unavailable: the database cannot be reached just now; try again after Retry-After seconds",
				"headers": retryAfterHeader, "content": problemRef}
		}
		if rt.Kind == kindSystem && rt.Raw == nil {
			// The route wrapper refuses a query string holding a control
			// character on every route it serves (input.go).
			responses["422"] = map[string]any{"description": http.StatusText(422), "content": problemRef}
		}
	}
	op["responses"] = responses
	if rt.Policy.Login {
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
func problemStatuses(rt Route) []int {
	codes := []int{400, 401, 403, 404, 422, 500}
	if rt.Method != http.MethodGet {
		codes = append(codes, 409)
	}
	if rt.Body != nil || len(rt.BodyTypes) > 0 {
		codes = append(codes, 413, 415)
	}
	slices.Sort(codes)
	return codes
}

// retryAfterHeader documents the Retry-After of a 503.
var retryAfterHeader = map[string]any{"Retry-After": map[string]any{
	"description": "seconds to wait before trying again", "schema": map[string]any{"type": "integer", "minimum": 1}}}

func (a *App) openapi(w http.ResponseWriter, r *http.Request, c *Call) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(a.OpenAPIDocument())
}

func Itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// operationID is "get_/api/v1/children/{childId}" made into an identifier:
// getApiV1ChildrenChildId.
func operationID(rt Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, part := range strings.FieldsFunc(rt.Path, func(r rune) bool { return r == '/' || r == '{' || r == '}' || r == '.' || r == '$' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func tagOf(rt Route) string {
	if rt.Kind == kindSystem {
		return "system"
	}
	parts := strings.Split(strings.TrimPrefix(rt.Path, "/api/v1/"), "/")
	return parts[0]
}
