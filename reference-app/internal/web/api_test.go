package web_test

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
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// TestBadInputToEveryPOSTRoute sends malformed JSON, values of the wrong
// type, unknown fields, an oversized body and path IDs that are not UUIDs
// to every POST route: each gets a 4xx answer (a problem for the API),
// never a 500.
func TestBadInputToEveryPOSTRoute(t *testing.T) {
	ta := webtest.New(t)
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
	kari, err := ta.Store.StaffByPrincipal(t.Context(), demo.Municipality, demo.StaffPrincipals[demo.PersonaStaff])
	require.NoError(t, err)
	kariGrants, err := ta.Store.Grants(t.Context(), demo.Municipality, kari.ID)
	require.NoError(t, err)
	nothing := "0195f0a0-0000-7000-8000-000000000000" // an ID of no record
	for _, rt := range ta.App.RouteTable() {
		if rt.Method != http.MethodPost {
			continue
		}
		persona := demo.PersonaCaseworker
		if rt.Policy.Name == "admin" || rt.Policy.Name == "unit-leader" {
			persona = demo.PersonaAdmin // staff and roles are the administrator's
		}
		cookie := ta.CookieFor(t, persona) // a new session: POST /logout ends the last one
		posts++
		path := strings.NewReplacer("{childId}", ta.Sofie.String(), "{unitId}", ta.NordbySFO.String(),
			"{staffId}", kari.ID.String(), "{grantId}", kariGrants[0].ID.String(),
			"{placementId}", nothing, "{groupId}", nothing, "{invoiceId}", nothing, "{caseId}", nothing, "{attachmentId}", nothing, "{deliveryId}", nothing, "{bookingId}", nothing).Replace(rt.Path)
		for name, b := range bodies {
			resp := ta.Do(t, cookie, "POST", path, "application/json", b.body)
			if rt.Kind == web.KindPage {
				// Forms: any 4xx or a redirect, never a server error.
				assert.Less(t, resp.Status, 500, "%s %s: %s", rt.Pattern(), name, resp.Body)
				continue
			}
			if rt.Path == "/api/v1/children" && name == "bad ID in body" {
				b.want = []int{422} // unitId is an unknown field here
			}
			if strings.HasSuffix(rt.Path, "/attachments") && name == "oversized" {
				// The route reads a file of up to specialed.MaxAttachment
				// in base64: 2 MiB is read, and its unknown field refused.
				b.want = []int{422}
			}
			if _, csv := rt.BodyTypes["text/csv"]; csv {
				b.want = []int{http.StatusUnsupportedMediaType} // the route reads CSV, not JSON
			}
			assert.Contains(t, b.want, resp.Status, "%s %s: %s", rt.Pattern(), name, resp.Body)
			if rt.Kind == web.KindAPI {
				assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"), "%s %s", rt.Pattern(), name)
				var p api.Problem
				require.NoError(t, json.Unmarshal([]byte(resp.Body), &p), resp.Body)
				assert.Equal(t, resp.Status, p.Status)
				if resp.Status == 422 {
					assert.NotEmpty(t, p.Errors, "%s %s names the field", rt.Pattern(), name)
				}
			}
		}
		// Path IDs that are not UUIDs.
		if strings.Contains(rt.Path, "{") {
			for _, bad := range []string{"not-a-uuid", "123", "00000000-0000-0000-0000-00000000000g", "%20"} {
				p := web.PathParam.ReplaceAllString(rt.Path, bad)
				resp := ta.Do(t, cookie, "POST", p, "application/json", `{}`)
				assert.True(t, resp.Status >= 400 && resp.Status < 500, "%s with %q: %d %s", rt.Pattern(), bad, resp.Status, resp.Body)
				if rt.Kind == web.KindAPI && resp.Status == 400 {
					// The first path ID is the one named.
					first := web.PathParam.FindStringSubmatch(rt.Path)[1]
					assert.Contains(t, resp.Body, `"field":"`+first+`"`)
				}
			}
		}
		// A body that is not JSON by its content type.
		if rt.Kind == web.KindAPI {
			resp := ta.Do(t, cookie, "POST", path, "text/plain", `{}`)
			assert.Equal(t, http.StatusUnsupportedMediaType, resp.Status, rt.Pattern())
		}
	}
	assert.GreaterOrEqual(t, posts, 6, "every POST route was tried")
}

// Valid input that the domain refuses maps to 422 with the fields, and a
// conflict to 409.
func TestDomainErrorsAsProblems(t *testing.T) {
	ta := webtest.New(t)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	resp := ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", `{"givenName":"","familyName":"Nordmann","birthDate":"2021-01-01"}`)
	require.Equal(t, 422, resp.Status, resp.Body)
	var p api.Problem
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &p))
	assert.Equal(t, []domain.FieldError{{Field: "givenName", Reason: "required"}}, p.Errors)
	assert.Equal(t, "/api/v1/children", p.Instance)

	path := "/api/v1/children/" + ta.Sofie.String() + "/placements"
	body := `{"unitId":"` + ta.Bjorkelia.String() + `","hoursPerWeek":20,"start":"2031-01-01","end":"2031-06-30"}`
	first := ta.Do(t, cookie, "POST", path, "application/json", body)
	require.Equal(t, 201, first.Status, first.Body)
	again := ta.Do(t, cookie, "POST", path, "application/json", body)
	assert.Equal(t, 409, again.Status, "an overlapping placement: %s", again.Body)
	assert.Contains(t, again.Body, `"field":"period"`)
	require.NoError(t, json.Unmarshal([]byte(again.Body), &p))
	assert.Equal(t, ta.App.Catalogs["en"]["reason.overlaps-another-placement-of-the-same-kind-for-this-child"], p.Detail,
		"the conflict's detail is its reason in English from the app's catalogs")

	unknownUnit := `{"unitId":"` + domain.NewID[domain.Unit]().String() + `","hoursPerWeek":20,"start":"2032-01-01"}`
	resp = ta.Do(t, cookie, "POST", path, "application/json", unknownUnit)
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, `"field":"unitId"`)
}

// A retried POST with the same Idempotency-Key gets the first response and
// does the work once; the key reused for another body is refused.
func TestIdempotencyKey(t *testing.T) {
	ta := webtest.New(t)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	body := `{"givenName":"Ida","familyName":"Gjentatt","birthDate":"2022-02-02"}`
	first := ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Idempotency-Key", "abc-1")
	require.Equal(t, 201, first.Status, first.Body)
	second := ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Idempotency-Key", "abc-1")
	assert.Equal(t, 201, second.Status)
	assert.Equal(t, first.Body, second.Body, "the same child, not a second one")
	assert.Equal(t, "true", second.Header.Get("Idempotent-Replayed"))

	children, err := ta.Store.Children(t.Context(), demo.Municipality)
	require.NoError(t, err)
	n := 0
	for _, c := range children {
		if c.FamilyName == "Gjentatt" {
			n++
		}
	}
	assert.Equal(t, 1, n, "the work was done once")

	other := ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", strings.Replace(body, "Ida", "Ina", 1), "Idempotency-Key", "abc-1")
	assert.Equal(t, 422, other.Status)
	assert.Contains(t, other.Body, "Idempotency-Key")

	// Keys are per actor: another caseworker's abc-1 is a new request.
	p := ta.Personas[demo.PersonaCaseworker]
	p.Actor.Subject = "saksbehandler-2"
	value, err := ta.App.Sessions.Create(t.Context(), web.Session{Actor: p.Actor, Name: "Annen"}, time.Now())
	require.NoError(t, err)
	cookie2 := web.SessionCookie + "=" + value
	third := ta.Do(t, cookie2, "POST", "/api/v1/children", "application/json", strings.Replace(body, "Ida", "Ulla", 1), "Idempotency-Key", "abc-1")
	assert.Equal(t, 201, third.Status)
	assert.Empty(t, third.Header.Get("Idempotent-Replayed"))

	// A refused request is replayed as refused.
	bad := ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", `{"givenName":""}`, "Idempotency-Key", "abc-2")
	assert.Equal(t, 422, bad.Status)
	bad2 := ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", `{"givenName":""}`, "Idempotency-Key", "abc-2")
	assert.Equal(t, bad.Body, bad2.Body)
	assert.Equal(t, "true", bad2.Header.Get("Idempotent-Replayed"))

	resp := ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Idempotency-Key", strings.Repeat("k", 201))
	assert.Equal(t, 400, resp.Status)
}

var uuidInPath = regexp.MustCompile(`\{\w+\}`)

// TestOpenAPIMatchesRoutes: every API and system route is in
// /openapi.json, and every documented operation is served (it answers with
// something other than the mux's 404 or 405).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	ta := webtest.New(t)
	resp := ta.Do(t, "", "GET", "/openapi.json", "", "")
	require.Equal(t, 200, resp.Status)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
		Comps   struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &doc))
	assert.Equal(t, "3.1.0", doc.OpenAPI)

	documented := 0
	for _, rt := range ta.App.RouteTable() {
		if rt.Kind == web.KindPage {
			assert.NotContains(t, doc.Paths, rt.Path, "pages are not API")
			continue
		}
		op, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
		if assert.True(t, ok, "%s is documented", rt.Pattern()) {
			documented++
			assert.NotEmpty(t, op["summary"], rt.Pattern())
			assert.NotEmpty(t, op["responses"], rt.Pattern())
		}
	}
	cookie := ta.CookieFor(t, demo.PersonaAdmin)
	operations := 0
	for path, ops := range doc.Paths {
		for method := range ops {
			operations++
			concrete := uuidInPath.ReplaceAllString(path, domain.NewID[domain.Child]().String())
			r := ta.Do(t, cookie, strings.ToUpper(method), concrete, "application/json", `{}`)
			assert.NotEqual(t, http.StatusMethodNotAllowed, r.Status, "%s %s", method, path)
			if r.Status == http.StatusNotFound && !strings.HasPrefix(path, "/conformance/") {
				// A record that does not exist is a problem; the mux's own
				// 404 for a path it does not serve is not. The conformance
				// harness answers as conformance/SPEC.md § 6 says (a schema
				// that is no kind is a plain 404), not with problems.
				assert.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), "%s %s is served", method, path)
				assert.Contains(t, r.Body, "not-found")
			}
		}
	}
	assert.Equal(t, documented, operations, "no operation is documented that the route table does not have")
	for _, name := range []string{"Problem", "ChildView", "NewChildRequest", "NewPlacementRequest", "AuditView", "Actor"} {
		assert.Contains(t, doc.Comps.Schemas, name)
	}
}

// Concurrent retries with one key do the work once.
func TestIdempotencyKeyConcurrent(t *testing.T) {
	ta := webtest.New(t)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	body := `{"givenName":"Samtidig","familyName":"Forsøk","birthDate":"2022-03-03"}`
	results := make(chan webtest.Response, 10)
	for range 10 {
		go func() {
			results <- ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Idempotency-Key", "same")
		}()
	}
	var bodies []string
	for range 10 {
		r := <-results
		assert.Equal(t, 201, r.Status)
		bodies = append(bodies, r.Body)
	}
	for _, b := range bodies {
		assert.Equal(t, bodies[0], b)
	}
	children, err := ta.Store.Children(t.Context(), demo.Municipality)
	require.NoError(t, err)
	n := 0
	for _, c := range children {
		if c.FamilyName == "Forsøk" {
			n++
		}
	}
	assert.Equal(t, 1, n)
}

// failingIdempotency refuses to keep responses, like a store that fails
// at the last step.
type failingIdempotency struct{ web.Store }

func (failingIdempotency) SaveIdempotent(context.Context, domain.IdempotentResponse) error {
	return errors.New("disk full")
}

// The work of an idempotent POST and its kept response commit together:
// when the response cannot be kept, the child is not created either, so a
// retry does the work once.
func TestIdempotentPOSTIsOneTransaction(t *testing.T) {
	ta := webtest.New(t)
	ta.App.Store = failingIdempotency{ta.Store}
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	resp := ta.Do(t, cookie, "POST", "/api/v1/children", "application/json",
		`{"givenName":"Halv","familyName":"Ferdig","birthDate":"2022-02-02"}`, "Idempotency-Key", "k")
	assert.Equal(t, 500, resp.Status)
	children, err := ta.Store.Children(t.Context(), demo.Municipality)
	require.NoError(t, err)
	for _, c := range children {
		assert.NotEqual(t, "Ferdig", c.FamilyName, "nothing half-written")
	}
	entries, err := ta.Store.AuditEntries(t.Context(), demo.Municipality, domain.ChildID{}, domain.AuditID{}, 5)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotEqual(t, "child.create", e.Action, "nor its audit entry")
	}
}
