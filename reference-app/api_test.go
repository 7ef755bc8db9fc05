package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// TestBadInputToEveryPOSTRoute sends malformed JSON, values of the wrong
// type, unknown fields, an oversized body and path IDs that are not UUIDs
// to every POST route: each gets a 4xx answer (a problem for the API),
// never a 500.
func TestBadInputToEveryPOSTRoute(t *testing.T) {
	ta := newTestApp(t)
	huge := `{"givenName":"` + strings.Repeat("x", 2<<20) + `"}`
	bodies := map[string]struct {
		body string
		want []int
	}{
		"malformed JSON":  {`{"givenName": "Ola", `, []int{400, 422}},
		"not JSON at all": {`<xml/>`, []int{400, 422}},
		"wrong type":      {`{"givenName": 5, "hoursPerWeek": "many", "kind": 7}`, []int{422}},
		"array":           {`[1, 2]`, []int{422}},
		"unknown field":   {`{"noSuchField": true}`, []int{422}},
		"two values":      {`{} {}`, []int{400, 422}},
		"empty":           {``, []int{400, 422}},
		"bad ID in body":  {`{"unitId": "not-a-uuid", "hoursPerWeek": 20, "start": "2030-01-01"}`, []int{422}},
		"bad date":        {`{"birthDate": "yesterday", "start": "31.12.2025"}`, []int{422}},
		"oversized":       {huge, []int{413}},
	}
	var posts int
	for _, rt := range ta.a.routeTable() {
		if rt.method != http.MethodPost {
			continue
		}
		cookie := ta.cookieFor(t, personaCaseworker) // a new session: POST /logout ends the last one
		posts++
		path := strings.NewReplacer("{childId}", ta.sofie.String(), "{unitId}", ta.nordbySFO.String()).Replace(rt.path)
		for name, b := range bodies {
			resp := ta.do(t, cookie, "POST", path, "application/json", b.body)
			if rt.kind == kindPage {
				// Forms: any 4xx or a redirect, never a server error.
				assert.Less(t, resp.status, 500, "%s %s: %s", rt.pattern(), name, resp.body)
				continue
			}
			if rt.path == "/api/v1/children" && name == "bad ID in body" {
				b.want = []int{422} // unitId is an unknown field here
			}
			assert.Contains(t, b.want, resp.status, "%s %s: %s", rt.pattern(), name, resp.body)
			if rt.kind == kindAPI {
				assert.Equal(t, "application/problem+json", resp.header.Get("Content-Type"), "%s %s", rt.pattern(), name)
				var p problem
				require.NoError(t, json.Unmarshal([]byte(resp.body), &p), resp.body)
				assert.Equal(t, resp.status, p.Status)
				if resp.status == 422 {
					assert.NotEmpty(t, p.Errors, "%s %s names the field", rt.pattern(), name)
				}
			}
		}
		// Path IDs that are not UUIDs.
		if strings.Contains(rt.path, "{") {
			for _, bad := range []string{"not-a-uuid", "123", "00000000-0000-0000-0000-00000000000g", "%20"} {
				p := pathParam.ReplaceAllString(rt.path, bad)
				resp := ta.do(t, cookie, "POST", p, "application/json", `{}`)
				assert.True(t, resp.status >= 400 && resp.status < 500, "%s with %q: %d %s", rt.pattern(), bad, resp.status, resp.body)
				if rt.kind == kindAPI && resp.status == 400 {
					assert.Contains(t, resp.body, `"field":"childId"`)
				}
			}
		}
		// A body that is not JSON by its content type.
		if rt.kind == kindAPI {
			resp := ta.do(t, cookie, "POST", path, "text/plain", `{}`)
			assert.Equal(t, http.StatusUnsupportedMediaType, resp.status, rt.pattern())
		}
	}
	assert.GreaterOrEqual(t, posts, 6, "every POST route was tried")
}

// Valid input that the domain refuses maps to 422 with the fields, and a
// conflict to 409.
func TestDomainErrorsAsProblems(t *testing.T) {
	ta := newTestApp(t)
	cookie := ta.cookieFor(t, personaCaseworker)
	resp := ta.do(t, cookie, "POST", "/api/v1/children", "application/json", `{"givenName":"","familyName":"Nordmann","birthDate":"2021-01-01"}`)
	require.Equal(t, 422, resp.status, resp.body)
	var p problem
	require.NoError(t, json.Unmarshal([]byte(resp.body), &p))
	assert.Equal(t, []domain.FieldError{{Field: "givenName", Reason: "is required"}}, p.Errors)
	assert.Equal(t, "/api/v1/children", p.Instance)

	path := "/api/v1/children/" + ta.sofie.String() + "/placements"
	body := `{"unitId":"` + ta.bjorkelia.String() + `","hoursPerWeek":20,"start":"2031-01-01","end":"2031-06-30"}`
	first := ta.do(t, cookie, "POST", path, "application/json", body)
	require.Equal(t, 201, first.status, first.body)
	again := ta.do(t, cookie, "POST", path, "application/json", body)
	assert.Equal(t, 409, again.status, "an overlapping placement: %s", again.body)
	assert.Contains(t, again.body, `"field":"period"`)

	unknownUnit := `{"unitId":"` + domain.NewID[domain.Unit]().String() + `","hoursPerWeek":20,"start":"2032-01-01"}`
	resp = ta.do(t, cookie, "POST", path, "application/json", unknownUnit)
	assert.Equal(t, 422, resp.status)
	assert.Contains(t, resp.body, `"field":"unitId"`)
}

// A retried POST with the same Idempotency-Key gets the first response and
// does the work once; the key reused for another body is refused.
func TestIdempotencyKey(t *testing.T) {
	ta := newTestApp(t)
	cookie := ta.cookieFor(t, personaCaseworker)
	body := `{"givenName":"Ida","familyName":"Gjentatt","birthDate":"2022-02-02"}`
	first := ta.do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Idempotency-Key", "abc-1")
	require.Equal(t, 201, first.status, first.body)
	second := ta.do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Idempotency-Key", "abc-1")
	assert.Equal(t, 201, second.status)
	assert.Equal(t, first.body, second.body, "the same child, not a second one")
	assert.Equal(t, "true", second.header.Get("Idempotent-Replayed"))

	children, err := ta.store.Children(t.Context(), demoMunicipality)
	require.NoError(t, err)
	n := 0
	for _, c := range children {
		if c.FamilyName == "Gjentatt" {
			n++
		}
	}
	assert.Equal(t, 1, n, "the work was done once")

	other := ta.do(t, cookie, "POST", "/api/v1/children", "application/json", strings.Replace(body, "Ida", "Ina", 1), "Idempotency-Key", "abc-1")
	assert.Equal(t, 422, other.status)
	assert.Contains(t, other.body, "Idempotency-Key")

	// Keys are per actor: another caseworker's abc-1 is a new request.
	p := ta.personas[personaCaseworker]
	p.Actor.Subject = "saksbehandler-2"
	value, err := ta.a.sessions.create(t.Context(), session{actor: p.Actor, name: "Annen"}, time.Now())
	require.NoError(t, err)
	cookie2 := sessionCookie + "=" + value
	third := ta.do(t, cookie2, "POST", "/api/v1/children", "application/json", strings.Replace(body, "Ida", "Ulla", 1), "Idempotency-Key", "abc-1")
	assert.Equal(t, 201, third.status)
	assert.Empty(t, third.header.Get("Idempotent-Replayed"))

	// A refused request is replayed as refused.
	bad := ta.do(t, cookie, "POST", "/api/v1/children", "application/json", `{"givenName":""}`, "Idempotency-Key", "abc-2")
	assert.Equal(t, 422, bad.status)
	bad2 := ta.do(t, cookie, "POST", "/api/v1/children", "application/json", `{"givenName":""}`, "Idempotency-Key", "abc-2")
	assert.Equal(t, bad.body, bad2.body)
	assert.Equal(t, "true", bad2.header.Get("Idempotent-Replayed"))

	resp := ta.do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Idempotency-Key", strings.Repeat("k", 201))
	assert.Equal(t, 400, resp.status)
}

// Lists come in pages: limit and the cursor of the previous page walk the
// whole list once.
func TestPagination(t *testing.T) {
	ta := newTestApp(t)
	cookie := ta.cookieFor(t, personaCaseworker)
	seen := map[string]bool{}
	cursor := ""
	pages := 0
	for {
		resp := ta.do(t, cookie, "GET", "/api/v1/children?limit=40"+cursor, "", "")
		require.Equal(t, 200, resp.status, resp.body)
		var pg page[childSummary]
		require.NoError(t, json.Unmarshal([]byte(resp.body), &pg))
		pages++
		for _, c := range pg.Items {
			assert.False(t, seen[c.ID.String()], "no child twice")
			seen[c.ID.String()] = true
		}
		if pg.NextCursor == "" {
			break
		}
		assert.Len(t, pg.Items, 40)
		cursor = "&cursor=" + pg.NextCursor
	}
	assert.Len(t, seen, 150)
	assert.Equal(t, 4, pages)

	for _, q := range []string{"limit=0", "limit=201", "limit=x", "cursor=!!", "cursor=bm9wZQ"} {
		resp := ta.do(t, cookie, "GET", "/api/v1/children?"+q, "", "")
		assert.Equal(t, 422, resp.status, q)
		assert.Equal(t, "application/problem+json", resp.header.Get("Content-Type"))
	}
}

// Every read of a child's data is in the audit log, which the
// administrator reads newest first.
func TestAuditLog(t *testing.T) {
	ta := newTestApp(t)
	resp := ta.do(t, ta.cookieFor(t, personaStaff), "GET", "/api/v1/children/"+ta.sofie.String(), "", "")
	require.Equal(t, 200, resp.status)
	resp = ta.do(t, ta.cookieFor(t, personaGuardian), "GET", "/children/"+ta.sofie.String(), "", "")
	require.Equal(t, 200, resp.status)
	resp = ta.do(t, ta.cookieFor(t, personaOtherGuardian), "GET", "/api/v1/children/"+ta.sofie.String(), "", "")
	require.Equal(t, 403, resp.status)

	resp = ta.do(t, ta.cookieFor(t, personaAdmin), "GET", "/api/v1/audit?childId="+ta.sofie.String(), "", "")
	require.Equal(t, 200, resp.status, resp.body)
	var pg page[domain.AuditEntry]
	require.NoError(t, json.Unmarshal([]byte(resp.body), &pg))
	require.Len(t, pg.Items, 2, "the refused read is not a read")
	assert.Equal(t, domain.RoleGuardian, pg.Items[0].Actor.Role, "newest first")
	assert.Equal(t, "child.read", pg.Items[0].Action)
	assert.Equal(t, "ansatt-nordby", pg.Items[1].Actor.Subject)
	assert.Equal(t, "Kari Lærer", pg.Items[1].Actor.Name, "the display name is kept with the entry")
	assert.Equal(t, ta.personas[personaStaff].Actor.Units, pg.Items[1].Actor.Units, "the actor as it was")
	assert.True(t, pg.Items[1].At.Equal(testNow))

	page := ta.do(t, ta.cookieFor(t, personaAdmin), "GET", "/admin/audit", "", "")
	require.Equal(t, 200, page.status)
	assert.Contains(t, page.body, "ansatt: Kari Lærer", "staff by display name")
	assert.Contains(t, page.body, "foresatt: Hilde Berg", "guardians by name")
	assert.NotContains(t, page.body, "ansatt-nordby", "never the login ID")
	assert.Contains(t, page.body, ta.sofie.String())

	// Pages and lists are audited too: one entry per child shown.
	resp = ta.do(t, ta.cookieFor(t, personaStaff), "GET", "/staff", "", "")
	require.Equal(t, 200, resp.status)
	entries, err := ta.store.AuditEntries(t.Context(), demoMunicipality, ta.sofie, domain.AuditID{}, 10)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(entries), 2)
	// Sofie is on the rosters of Nordby skole and Nordby SFO.
	assert.Equal(t, "roster.read", entries[0].Action)
	assert.Equal(t, "roster.read", entries[1].Action)
	assert.Contains(t, []string{entries[0].Record, entries[1].Record}, "unit/"+ta.nordbySFO.String())

	// Another municipality's log is apart.
	other, err := ta.store.AuditEntries(t.Context(), neighbourMunicipality, domain.ChildID{}, domain.AuditID{}, 10)
	require.NoError(t, err)
	assert.Empty(t, other)
}

var uuidInPath = regexp.MustCompile(`\{\w+\}`)

// TestOpenAPIMatchesRoutes: every API and system route is in
// /openapi.json, and every documented operation is served (it answers with
// something other than the mux's 404 or 405).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	ta := newTestApp(t)
	resp := ta.do(t, "", "GET", "/openapi.json", "", "")
	require.Equal(t, 200, resp.status)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
		Comps   struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal([]byte(resp.body), &doc))
	assert.Equal(t, "3.1.0", doc.OpenAPI)

	documented := 0
	for _, rt := range ta.a.routeTable() {
		if rt.kind == kindPage {
			assert.NotContains(t, doc.Paths, rt.path, "pages are not API")
			continue
		}
		op, ok := doc.Paths[rt.path][strings.ToLower(rt.method)]
		if assert.True(t, ok, "%s is documented", rt.pattern()) {
			documented++
			assert.NotEmpty(t, op["summary"], rt.pattern())
			assert.NotEmpty(t, op["responses"], rt.pattern())
		}
	}
	cookie := ta.cookieFor(t, personaAdmin)
	operations := 0
	for path, ops := range doc.Paths {
		for method := range ops {
			operations++
			concrete := uuidInPath.ReplaceAllString(path, domain.NewID[domain.Child]().String())
			r := ta.do(t, cookie, strings.ToUpper(method), concrete, "application/json", `{}`)
			assert.NotEqual(t, http.StatusMethodNotAllowed, r.status, "%s %s", method, path)
			if r.status == http.StatusNotFound {
				// A record that does not exist is a problem; the mux's own
				// 404 for a path it does not serve is not.
				assert.Equal(t, "application/problem+json", r.header.Get("Content-Type"), "%s %s is served", method, path)
				assert.Contains(t, r.body, "not-found")
			}
		}
	}
	assert.Equal(t, documented, operations, "no operation is documented that the route table does not have")
	for _, name := range []string{"Problem", "ChildView", "NewChildRequest", "NewPlacementRequest", "AuditEntry", "Actor"} {
		assert.Contains(t, doc.Comps.Schemas, name)
	}
}

// Concurrent retries with one key do the work once.
func TestIdempotencyKeyConcurrent(t *testing.T) {
	ta := newTestApp(t)
	cookie := ta.cookieFor(t, personaCaseworker)
	body := `{"givenName":"Samtidig","familyName":"Forsøk","birthDate":"2022-03-03"}`
	results := make(chan response, 10)
	for range 10 {
		go func() {
			results <- ta.do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Idempotency-Key", "same")
		}()
	}
	var bodies []string
	for range 10 {
		r := <-results
		assert.Equal(t, 201, r.status)
		bodies = append(bodies, r.body)
	}
	for _, b := range bodies {
		assert.Equal(t, bodies[0], b)
	}
	children, err := ta.store.Children(t.Context(), demoMunicipality)
	require.NoError(t, err)
	n := 0
	for _, c := range children {
		if c.FamilyName == "Forsøk" {
			n++
		}
	}
	assert.Equal(t, 1, n)
}

// Caseworkers find a child by name, in the API and on the page.
func TestSearchChildren(t *testing.T) {
	ta := newTestApp(t)
	cookie := ta.cookieFor(t, personaCaseworker)
	resp := ta.do(t, cookie, "GET", "/api/v1/children?q=sofie%20b", "", "")
	require.Equal(t, 200, resp.status)
	var pg page[childSummary]
	require.NoError(t, json.Unmarshal([]byte(resp.body), &pg))
	require.Len(t, pg.Items, 1)
	assert.Equal(t, ta.sofie, pg.Items[0].ID)
	page := ta.do(t, cookie, "GET", "/caseworker?q=SOLHEIM", "", "")
	require.Equal(t, 200, page.status)
	assert.Contains(t, page.body, "Solheim, Aurora")
	assert.NotContains(t, page.body, "Berg, Sofie")
	// A guardian searches only among their own children.
	resp = ta.do(t, ta.cookieFor(t, personaOtherGuardian), "GET", "/api/v1/children?q=sofie", "", "")
	assert.Contains(t, resp.body, `"items":[]`)
}

// failingIdempotency refuses to keep responses, like a store that fails
// at the last step.
type failingIdempotency struct{ appStore }

func (failingIdempotency) SaveIdempotent(context.Context, domain.IdempotentResponse) error {
	return errors.New("disk full")
}

// The work of an idempotent POST and its kept response commit together:
// when the response cannot be kept, the child is not created either, so a
// retry does the work once.
func TestIdempotentPOSTIsOneTransaction(t *testing.T) {
	ta := newTestApp(t)
	ta.a.store = failingIdempotency{ta.store}
	cookie := ta.cookieFor(t, personaCaseworker)
	resp := ta.do(t, cookie, "POST", "/api/v1/children", "application/json",
		`{"givenName":"Halv","familyName":"Ferdig","birthDate":"2022-02-02"}`, "Idempotency-Key", "k")
	assert.Equal(t, 500, resp.status)
	children, err := ta.store.Children(t.Context(), demoMunicipality)
	require.NoError(t, err)
	for _, c := range children {
		assert.NotEqual(t, "Ferdig", c.FamilyName, "nothing half-written")
	}
	entries, err := ta.store.AuditEntries(t.Context(), demoMunicipality, domain.ChildID{}, domain.AuditID{}, 5)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotEqual(t, "child.create", e.Action, "nor its audit entry")
	}
}
