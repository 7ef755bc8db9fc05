package main

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// The seven actors of the authorization table, and the administrator.
var tableActors = []string{
	personaGuardian,          // guardian of the child (parental responsibility)
	personaOtherParent,       // the other parent, without parental responsibility (§ 47)
	personaOtherGuardian,     // guardian of another child
	personaStaff,             // staff of the child's unit
	personaOtherStaff,        // staff of another unit
	personaCaseworker,        // caseworker
	personaOtherMunicipality, // a user of another municipality
	personaAdmin,             // municipal administrator
}

// authCase is one route of the table: how to call it, and the status each
// actor gets.
type authCase struct {
	path        string // with the seeded IDs filled in
	contentType string
	body        func(actor string) string
	want        [8]int // in the order of tableActors
}

// authTable has a line for every route of the route table; a new route
// fails TestAuthorizationTableCoversEveryRoute until it gets one. The child
// is Sofie Berg (Nordby skole 3A and Nordby SFO); Hilde Berg has parental
// responsibility, Tor Ødegård has asked for information under § 47.
func authTable(ta *testApp) map[string]authCase {
	sofie := ta.sofie.String()
	form := "application/x-www-form-urlencoded"
	jsonBody := func(s string) func(string) string { return func(string) string { return s } }
	n := 0
	newChild := func(string) string {
		n++
		return fmt.Sprintf(`{"givenName":"Test%d","familyName":"Barn","birthDate":"2021-05-0%d"}`, n, n%9+1)
	}
	placement := func(actor string) string {
		// One kindergarten placement per actor that may make it, so none
		// overlaps another.
		month := map[string]int{personaCaseworker: 1, personaAdmin: 3}[actor] + 1
		return fmt.Sprintf(`{"unitId":%q,"hoursPerWeek":20,"start":"2030-%02d-01","end":"2030-%02d-28"}`, ta.bjorkelia, month, month)
	}
	all := func(s int) [8]int { return [8]int{s, s, s, s, s, s, s, s} }
	const ok, created, see, found, bad, forbidden, missing, invalid = 200, 201, 303, 302, 400, 403, 404, 422
	table := map[string]authCase{
		"GET /healthz":                   {path: "/healthz", want: all(ok)},
		"GET /readyz":                    {path: "/readyz", want: all(ok)},
		"GET /openapi.json":              {path: "/openapi.json", want: all(ok)},
		"POST /conformance/v1/evaluate":  {path: "/conformance/v1/evaluate", contentType: "application/json", body: jsonBody(`{"kind":"astrology","input":{}}`), want: all(invalid)},
		"GET /api/v1/me":                 {path: "/api/v1/me", want: all(ok)},
		"GET /api/v1/children":           {path: "/api/v1/children", want: all(ok)},
		"POST /api/v1/children":          {path: "/api/v1/children", contentType: "application/json", body: newChild, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, created, created}},
		"GET /api/v1/children/{childId}": {path: "/api/v1/children/" + sofie, want: [8]int{ok, ok, forbidden, ok, forbidden, ok, missing, ok}},
		"POST /api/v1/children/{childId}/placements": {path: "/api/v1/children/" + sofie + "/placements", contentType: "application/json", body: placement,
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, missing, forbidden}},
		"GET /api/v1/units":                 {path: "/api/v1/units", want: all(ok)},
		"GET /api/v1/units/{unitId}/roster": {path: "/api/v1/units/" + ta.nordbySFO.String() + "/roster", want: [8]int{forbidden, forbidden, forbidden, ok, forbidden, ok, missing, ok}},
		"GET /api/v1/audit":                 {path: "/api/v1/audit", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok}},
		"GET /{$}":                          {path: "/", want: all(see)},
		"GET /login":                        {path: "/login", want: all(ok)},
		"POST /login/demo":                  {path: "/login/demo", contentType: form, body: jsonBody("persona=guardian"), want: all(see)},
		"GET /login/{provider}":             {path: "/login/test", want: all(found)},
		"GET /login/{provider}/callback":    {path: "/login/test/callback?code=x&state=y", want: all(bad)},
		"POST /logout":                      {path: "/logout", contentType: form, want: all(see)},
		"GET /logout/callback":              {path: "/logout/callback?state=x", want: all(see)},
		"POST /language":                    {path: "/language", contentType: form, body: jsonBody("lang=en&return=/guardian"), want: all(see)},
		"GET /static/app.css":               {path: "/static/app.css", want: all(ok)},
		"GET /guardian":                     {path: "/guardian", want: [8]int{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"GET /staff":                        {path: "/staff", want: [8]int{forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, forbidden}},
		"GET /caseworker":                   {path: "/caseworker", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}},
		"GET /children/{childId}":           {path: "/children/" + sofie, want: [8]int{ok, ok, forbidden, ok, forbidden, ok, missing, ok}},
		"GET /admin/audit":                  {path: "/admin/audit", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok}},
	}
	// Each capability's lines live beside its tests (admission_test.go, ...).
	for _, part := range []map[string]authCase{admissionAuth(ta), attendanceAuth(ta), billingAuth(ta), messagingAuth(ta)} {
		for k, v := range part {
			if _, dup := table[k]; dup {
				panic("authTable: " + k + " twice")
			}
			table[k] = v
		}
	}
	return table
}

func TestAuthorizationTableCoversEveryRoute(t *testing.T) {
	ta := newTestApp(t)
	table := authTable(ta)
	var routes []string
	for _, rt := range ta.a.routeTable() {
		routes = append(routes, rt.pattern())
		assert.Contains(t, table, rt.pattern(), "add the route to authTable in access_test.go")
	}
	for pattern := range table {
		assert.Contains(t, routes, pattern, "the table has a route the app does not")
	}
}

// TestAuthorization calls every route as each actor and checks the status:
// allowed, forbidden (403), or not found in the actor's municipality (404).
func TestAuthorization(t *testing.T) {
	ta := newTestApp(t)
	table := authTable(ta)
	patterns := make([]string, 0, len(table))
	for p := range table {
		patterns = append(patterns, p)
	}
	sort.Strings(patterns)
	for _, pattern := range patterns {
		tc := table[pattern]
		method, _, _ := strings.Cut(pattern, " ")
		t.Run(pattern, func(t *testing.T) {
			for i, actor := range tableActors {
				body := ""
				if tc.body != nil {
					body = tc.body(actor)
				}
				resp := ta.do(t, ta.cookieFor(t, actor), method, tc.path, tc.contentType, body)
				assert.Equal(t, tc.want[i], resp.status, "%s as %s: %s", pattern, actor, resp.body)
				if resp.status == http.StatusForbidden && strings.HasPrefix(tc.path, "/api/") {
					assert.Equal(t, "application/problem+json", resp.header.Get("Content-Type"))
				}
			}
		})
	}
}

// Without a session, the API answers 401 and pages send the browser to
// the login page.
func TestAuthorizationAnonymous(t *testing.T) {
	ta := newTestApp(t)
	for _, rt := range ta.a.routeTable() {
		if !rt.policy.login {
			continue
		}
		path := strings.NewReplacer("{childId}", ta.sofie.String(), "{unitId}", ta.nordbySFO.String()).Replace(rt.path)
		resp := ta.do(t, "", rt.method, path, "application/json", `{}`)
		switch {
		case rt.kind == kindPage && rt.method == http.MethodGet:
			assert.Equal(t, http.StatusSeeOther, resp.status, rt.pattern())
			assert.Equal(t, "/login", resp.header.Get("Location"))
		default:
			assert.Equal(t, http.StatusUnauthorized, resp.status, rt.pattern())
		}
	}
}

// What each actor sees of the child differs: the § 47 parent does not see
// the other guardians or the national ID; staff do not see the national
// ID; nobody sees a protected guardian's contact details.
func TestChildViewFollowsAccess(t *testing.T) {
	ta := newTestApp(t)
	path := "/api/v1/children/" + ta.sofie.String()
	parent := ta.do(t, ta.cookieFor(t, personaGuardian), "GET", path, "", "")
	require.Equal(t, 200, parent.status)
	assert.Contains(t, parent.body, `"access":"parent"`)
	assert.Contains(t, parent.body, `"nationalId"`)
	assert.Contains(t, parent.body, "Ødegård", "a parent sees the other guardians")

	info := ta.do(t, ta.cookieFor(t, personaOtherParent), "GET", path, "", "")
	require.Equal(t, 200, info.status)
	assert.Contains(t, info.body, `"access":"information"`)
	assert.NotContains(t, info.body, `"nationalId"`)
	assert.NotContains(t, info.body, "Hilde", "§ 47 gives no information about the other guardians")
	assert.Contains(t, info.body, "Nordby SFO", "but where the child goes")

	staff := ta.do(t, ta.cookieFor(t, personaStaff), "GET", path, "", "")
	require.Equal(t, 200, staff.status)
	assert.Contains(t, staff.body, `"access":"staff"`)
	assert.NotContains(t, staff.body, `"nationalId"`)

	// Lists: who sees Sofie at all.
	for actor, sees := range map[string]bool{personaGuardian: true, personaOtherParent: true, personaOtherGuardian: false,
		personaStaff: true, personaOtherStaff: false, personaCaseworker: true, personaOtherMunicipality: false} {
		resp := ta.do(t, ta.cookieFor(t, actor), "GET", "/api/v1/children?limit=200", "", "")
		require.Equal(t, 200, resp.status)
		assert.Equal(t, sees, strings.Contains(resp.body, ta.sofie.String()), actor)
	}
	// The neighbour's caseworker sees the neighbour's child only.
	resp := ta.do(t, ta.cookieFor(t, personaOtherMunicipality), "GET", "/api/v1/children", "", "")
	assert.Contains(t, resp.body, ta.kaja.String())
	assert.Contains(t, resp.body, "Kaja")
	resp = ta.do(t, ta.cookieFor(t, personaCaseworker), "GET", "/api/v1/children/"+ta.kaja.String(), "", "")
	assert.Equal(t, 404, resp.status, "another municipality's child does not exist here")
}

// Barneloven § 47: a denial ends the information; a parent with a § 47
// request does not learn where a child with a strictly protected address
// goes.
func TestSection47Limits(t *testing.T) {
	ta := newTestApp(t)
	ctx := t.Context()
	tor := ta.personas[personaOtherParent].Actor
	cookie := ta.cookieFor(t, personaOtherParent)

	// Tor asks about Aurora too (the test makes him her parent without
	// responsibility): he sees her, not her kindergarten.
	require.NoError(t, ta.store.PutGuardianship(ctx, domain.Guardianship{Municipality: demoMunicipality, ChildID: ta.aurora,
		GuardianID: tor.Guardian, InformationRequested: true}))
	resp := ta.do(t, cookie, "GET", "/api/v1/children/"+ta.aurora.String(), "", "")
	require.Equal(t, 200, resp.status, resp.body)
	assert.Contains(t, resp.body, `"placements":[]`)
	assert.NotContains(t, resp.body, "Bjørkelia")
	assert.Contains(t, resp.body, `"guardians":[]`, "nor the other guardian")
	page := ta.do(t, cookie, "GET", "/children/"+ta.aurora.String(), "", "")
	assert.NotContains(t, page.body, "Bjørkelia")

	// The unit decides that information would harm Sofie: Tor sees nothing.
	require.NoError(t, ta.store.PutGuardianship(ctx, domain.Guardianship{Municipality: demoMunicipality, ChildID: ta.sofie,
		GuardianID: tor.Guardian, InformationRequested: true, InformationDenied: true}))
	resp = ta.do(t, cookie, "GET", "/api/v1/children/"+ta.sofie.String(), "", "")
	assert.Equal(t, 403, resp.status)
	resp = ta.do(t, cookie, "GET", "/api/v1/children", "", "")
	assert.NotContains(t, resp.body, ta.sofie.String())
}

// Staff lose access to a child when the placement ends.
func TestStaffAccessFollowsPlacementDates(t *testing.T) {
	ta := newTestApp(t)
	ctx := t.Context()
	ps, err := ta.store.Placements(ctx, demoMunicipality, ta.sofie)
	require.NoError(t, err)
	cookie := ta.cookieFor(t, personaStaff)
	require.Equal(t, 200, ta.do(t, cookie, "GET", "/api/v1/children/"+ta.sofie.String(), "", "").status)
	for _, p := range ps {
		require.NoError(t, ta.store.DeletePlacement(ctx, demoMunicipality, p.ID))
		p.ID = domain.NewID[domain.Placement]()
		p.Period = domain.Period{Start: p.Period.Start, End: domain.Today(domain.FixedClock(testNow)) - 1}
		require.NoError(t, ta.store.CreatePlacement(ctx, p))
	}
	assert.Equal(t, 403, ta.do(t, cookie, "GET", "/api/v1/children/"+ta.sofie.String(), "", "").status)
	assert.Equal(t, 200, ta.do(t, ta.cookieFor(t, personaGuardian), "GET", "/api/v1/children/"+ta.sofie.String(), "", "").status)
}
