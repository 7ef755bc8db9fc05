package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// authCase is one route of the table: how to call it, and the status each
// actor gets.
type authCase struct {
	path        string // with the seeded IDs filled in
	contentType string
	body        func(actor string) string
	want        [8]int // in the order of webtest.TableActors
}

// authTable has a line for every route of the route table; a new route
// fails TestAuthorizationTableCoversEveryRoute until it gets one. The child
// is Sofie Berg (Nordby skole 3A and Nordby SFO); Hilde Berg has parental
// responsibility, Tor Ødegård has asked for information under § 47.
func authTable(t testing.TB, ta *webtest.Harness) map[string]authCase {
	sofie := ta.Sofie.String()
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
		month := map[string]int{demo.PersonaCaseworker: 1, demo.PersonaAdmin: 3}[actor] + 1
		return fmt.Sprintf(`{"unitId":%q,"hoursPerWeek":20,"start":"2030-%02d-01","end":"2030-%02d-28"}`, ta.Bjorkelia, month, month)
	}
	all := func(s int) [8]int { return [8]int{s, s, s, s, s, s, s, s} }
	const ok, created, see, found, bad, forbidden, missing, invalid = 200, 201, 303, 302, 400, 403, 404, 422
	table := map[string]authCase{
		"GET /healthz":                       {path: "/healthz", want: all(ok)},
		"GET /readyz":                        {path: "/readyz", want: all(ok)},
		"GET /openapi.json":                  {path: "/openapi.json", want: all(ok)},
		"POST /conformance/v1/evaluate":      {path: "/conformance/v1/evaluate", contentType: "application/json", body: jsonBody(`{"kind":"astrology","input":{}}`), want: all(invalid)},
		"GET /conformance/v1/schemas/{file}": {path: "/conformance/v1/schemas/kid.json", want: all(ok)},
		"GET /api/v1/me":                     {path: "/api/v1/me", want: all(ok)},
		"GET /api/v1/children":               {path: "/api/v1/children", want: all(ok)},
		"POST /api/v1/children":              {path: "/api/v1/children", contentType: "application/json", body: newChild, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, created, created}},
		"GET /api/v1/children/{childId}":     {path: "/api/v1/children/" + sofie, want: [8]int{ok, ok, forbidden, ok, forbidden, ok, missing, ok}},
		"POST /api/v1/children/{childId}/placements": {path: "/api/v1/children/" + sofie + "/placements", contentType: "application/json", body: placement,
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, missing, forbidden}},
		"GET /api/v1/units":                    {path: "/api/v1/units", want: all(ok)},
		"GET /api/v1/units/{unitId}/roster":    {path: "/api/v1/units/" + ta.NordbySFO.String() + "/roster", want: [8]int{forbidden, forbidden, forbidden, ok, forbidden, ok, missing, ok}},
		"GET /api/v1/audit":                    {path: "/api/v1/audit", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok}},
		"GET /api/v1/audit/{entryId}/children": {path: "/api/v1/audit/" + domain.NewID[domain.AuditEntry]().String() + "/children", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, missing}},
		"GET /{$}":                             {path: "/", want: all(see)},
		"GET /login":                           {path: "/login", want: all(ok)},
		"POST /login/demo":                     {path: "/login/demo", contentType: form, body: jsonBody("persona=guardian"), want: all(see)},
		"GET /login/{provider}":                {path: "/login/test", want: all(found)},
		"GET /login/{provider}/callback":       {path: "/login/test/callback?code=x&state=y", want: all(bad)},
		"POST /logout":                         {path: "/logout", contentType: form, want: all(see)},
		"GET /logout/callback":                 {path: "/logout/callback?state=x", want: all(see)},
		"POST /language":                       {path: "/language", contentType: form, body: jsonBody("lang=en&return=/guardian"), want: all(see)},
		"GET /static/board.css":                {path: "/static/board.css", want: all(ok)},
		"GET /static/board.js":                 {path: "/static/board.js", want: all(ok)},
		"GET /static/{file}":                   {path: "/static/designsystemet.css", want: all(ok)},
		"GET /favicon.ico":                     {path: "/favicon.ico", want: all(ok)},
		"GET /guardian":                        {path: "/guardian", want: [8]int{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"GET /staff":                           {path: "/staff", want: [8]int{forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, forbidden}},
		"GET /caseworker":                      {path: "/caseworker", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}},
		"GET /children/{childId}":              {path: "/children/" + sofie, want: [8]int{ok, ok, forbidden, ok, forbidden, ok, missing, ok}},
		"GET /admin/audit":                     {path: "/admin/audit", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok}},

		// The access export (GDPR art. 15): the parent with parental responsibility only.
		"GET /api/v1/children/{childId}/export": {path: "/api/v1/children/" + sofie + "/export", want: [8]int{ok, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}},
		"GET /children/{childId}/export":        {path: "/children/" + sofie + "/export", want: [8]int{ok, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}},
		// Erasure on request (GDPR art. 17): caseworkers and administrators; Sofie has a place, so it is refused (422).
		"GET /api/v1/children/{childId}/erasure":  {path: "/api/v1/children/" + sofie + "/erasure", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, missing, ok}},
		"POST /api/v1/children/{childId}/erasure": {path: "/api/v1/children/" + sofie + "/erasure", contentType: "application/json", body: jsonBody(`{"confirm":true}`), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, invalid, missing, invalid}},
		"GET /children/{childId}/erasure":         {path: "/children/" + sofie + "/erasure", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, missing, ok}},
		"POST /children/{childId}/erasure":        {path: "/children/" + sofie + "/erasure", contentType: form, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, invalid, missing, invalid}},
	}
	// Each capability's lines are in a function of their own below
	// (admissionAuth, ...).
	for _, part := range []map[string]authCase{admissionAuth(ta), catchmentAuth(ta), attendanceAuth(ta), billingAuth(ta), messagingAuth(ta), staffAuth(ta), calendarAuth(ta), eventsAuth(ta), directoryAuth(ta), migrationAuth(ta), registryAuth(ta), reportsAuth(ta), letterAuth(ta), integrationsAuth(ta), invoiceDocAuth(ta), specialEdAuth(ta, t), conversationsAuth(ta, t)} {
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
	ta := webtest.New(t)
	table := authTable(t, ta)
	var routes []string
	for _, rt := range ta.App.RouteTable() {
		routes = append(routes, rt.Pattern())
		assert.Contains(t, table, rt.Pattern(), "add the route to authTable in access_test.go")
	}
	for pattern := range table {
		assert.Contains(t, routes, pattern, "the table has a route the app does not")
	}
}

// TestAuthorization calls every route as each actor and checks the status:
// allowed, forbidden (403), or not found in the actor's municipality (404).
func TestAuthorization(t *testing.T) {
	ta := webtest.New(t)
	table := authTable(t, ta)
	patterns := make([]string, 0, len(table))
	for p := range table {
		patterns = append(patterns, p)
	}
	sort.Strings(patterns)
	for _, pattern := range patterns {
		tc := table[pattern]
		method, _, _ := strings.Cut(pattern, " ")
		t.Run(pattern, func(t *testing.T) {
			for i, actor := range webtest.TableActors {
				body := ""
				if tc.body != nil {
					body = tc.body(actor)
				}
				resp := ta.Do(t, ta.CookieFor(t, actor), method, tc.path, tc.contentType, body)
				assert.Equal(t, tc.want[i], resp.Status, "%s as %s: %s", pattern, actor, resp.Body)
				if resp.Status == http.StatusForbidden && strings.HasPrefix(tc.path, "/api/") {
					assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
				}
			}
		})
	}
}

// Without a session, the API answers 401 and pages send the browser to
// the login page.
func TestAuthorizationAnonymous(t *testing.T) {
	ta := webtest.New(t)
	for _, rt := range ta.App.RouteTable() {
		if !rt.Policy.Login {
			continue
		}
		path := strings.NewReplacer("{childId}", ta.Sofie.String(), "{unitId}", ta.NordbySFO.String()).Replace(rt.Path)
		resp := ta.Do(t, "", rt.Method, path, "application/json", `{}`)
		switch {
		case rt.Kind == web.KindPage && rt.Method == http.MethodGet:
			assert.Equal(t, http.StatusSeeOther, resp.Status, rt.Pattern())
			assert.Equal(t, "/login", resp.Header.Get("Location"))
		default:
			assert.Equal(t, http.StatusUnauthorized, resp.Status, rt.Pattern())
		}
	}
}

// What each actor sees of the child differs: the § 47 parent does not see
// the other guardians or the national ID; staff do not see the national
// ID; nobody sees a protected guardian's contact details.
func TestChildViewFollowsAccess(t *testing.T) {
	ta := webtest.New(t)
	path := "/api/v1/children/" + ta.Sofie.String()
	parent := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", path, "", "")
	require.Equal(t, 200, parent.Status)
	assert.Contains(t, parent.Body, `"access":"parent"`)
	assert.Contains(t, parent.Body, `"nationalId"`)
	assert.Contains(t, parent.Body, "Ødegård", "a parent sees the other guardians")

	info := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherParent), "GET", path, "", "")
	require.Equal(t, 200, info.Status)
	assert.Contains(t, info.Body, `"access":"information"`)
	assert.NotContains(t, info.Body, `"nationalId"`)
	assert.NotContains(t, info.Body, "Hilde", "§ 47 gives no information about the other guardians")
	assert.Contains(t, info.Body, "Nordby SFO", "but where the child goes")

	staff := ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "GET", path, "", "")
	require.Equal(t, 200, staff.Status)
	assert.Contains(t, staff.Body, `"access":"staff"`)
	assert.NotContains(t, staff.Body, `"nationalId"`)

	// Lists: who sees Sofie at all.
	sofie, err := ta.Store.Child(t.Context(), demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	require.False(t, sofie.NationalID.IsZero())
	for actor, sees := range map[string]bool{demo.PersonaGuardian: true, demo.PersonaOtherParent: true, demo.PersonaOtherGuardian: false,
		demo.PersonaStaff: true, demo.PersonaOtherStaff: false, demo.PersonaCaseworker: true, demo.PersonaOtherMunicipality: false} {
		resp := ta.Do(t, ta.CookieFor(t, actor), "GET", "/api/v1/children?limit=200", "", "")
		require.Equal(t, 200, resp.Status)
		assert.Equal(t, sees, strings.Contains(resp.Body, ta.Sofie.String()), actor)
		// A search finds no one the actor may not see.
		resp = ta.Do(t, ta.CookieFor(t, actor), "GET", "/api/v1/children?q="+url.QueryEscape(sofie.GivenName+" "+sofie.FamilyName), "", "")
		require.Equal(t, 200, resp.Status)
		assert.Equal(t, sees, strings.Contains(resp.Body, ta.Sofie.String()), "search by name: %s", actor)
		// Only the municipality finds a child by national ID: a search
		// cannot tell anyone else a number they are not shown.
		resp = ta.Do(t, ta.CookieFor(t, actor), "GET", "/api/v1/children?q="+sofie.NationalID.String()[:6], "", "")
		require.Equal(t, 200, resp.Status)
		byNumber := actor == demo.PersonaCaseworker
		assert.Equal(t, byNumber, strings.Contains(resp.Body, ta.Sofie.String()), "search by national ID: %s", actor)
	}
	// The neighbour's caseworker sees the neighbour's child only.
	resp := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherMunicipality), "GET", "/api/v1/children", "", "")
	assert.Contains(t, resp.Body, ta.Kaja.String())
	assert.Contains(t, resp.Body, "Kaja")
	resp = ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/api/v1/children/"+ta.Kaja.String(), "", "")
	assert.Equal(t, 404, resp.Status, "another municipality's child does not exist here")
}

// Barneloven § 47: a denial ends the information; a parent with a § 47
// request does not learn where a child with a strictly protected address
// goes.
func TestSection47Limits(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	tor := ta.Personas[demo.PersonaOtherParent].Actor
	cookie := ta.CookieFor(t, demo.PersonaOtherParent)

	// Tor asks about Aurora too (the test makes him her parent without
	// responsibility): he sees her, not her kindergarten.
	require.NoError(t, ta.Store.PutGuardianship(ctx, domain.Guardianship{Municipality: demo.Municipality, ChildID: ta.Aurora,
		GuardianID: tor.Guardian, InformationRequested: true}))
	resp := ta.Do(t, cookie, "GET", "/api/v1/children/"+ta.Aurora.String(), "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"placements":[]`)
	assert.NotContains(t, resp.Body, "Bjørkelia")
	assert.Contains(t, resp.Body, `"guardians":[]`, "nor the other guardian")
	page := ta.Do(t, cookie, "GET", "/children/"+ta.Aurora.String(), "", "")
	assert.NotContains(t, page.Body, "Bjørkelia")

	// The unit decides that information would harm Sofie: Tor sees nothing.
	require.NoError(t, ta.Store.PutGuardianship(ctx, domain.Guardianship{Municipality: demo.Municipality, ChildID: ta.Sofie,
		GuardianID: tor.Guardian, InformationRequested: true, InformationDenied: true}))
	resp = ta.Do(t, cookie, "GET", "/api/v1/children/"+ta.Sofie.String(), "", "")
	assert.Equal(t, 403, resp.Status)
	resp = ta.Do(t, cookie, "GET", "/api/v1/children", "", "")
	assert.NotContains(t, resp.Body, ta.Sofie.String())
}

// Staff lose access to a child when the placement ends.
func TestStaffAccessFollowsPlacementDates(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	ps, err := ta.Store.Placements(ctx, demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	cookie := ta.CookieFor(t, demo.PersonaStaff)
	require.Equal(t, 200, ta.Do(t, cookie, "GET", "/api/v1/children/"+ta.Sofie.String(), "", "").Status)
	for _, p := range ps {
		require.NoError(t, ta.Store.DeletePlacement(ctx, demo.Municipality, p.ID))
		p.ID = domain.NewID[domain.Placement]()
		p.Period = domain.Period{Start: p.Period.Start, End: domain.Today(domain.FixedClock(webtest.Now)) - 1}
		require.NoError(t, ta.Store.CreatePlacement(ctx, p))
	}
	assert.Equal(t, 403, ta.Do(t, cookie, "GET", "/api/v1/children/"+ta.Sofie.String(), "", "").Status)
	assert.Equal(t, 200, ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/api/v1/children/"+ta.Sofie.String(), "", "").Status)
}

// admissionAuth has a line of the authorization table (access_test.go) for every
// admission route.
func admissionAuth(ta *webtest.Harness) map[string]authCase {
	f := webtest.NewAdmissionFixture(ta)
	const ok, created, see, forbidden, missing, conflict = 200, 201, 303, 403, 404, 409
	jsonType, form := "application/json", "application/x-www-form-urlencoded"
	body := func(s string) func(string) string { return func(string) string { return s } }
	main, emil, nora := f.Main.String(), f.Emil.String(), f.Nora.String()
	// Caseworker routes: the municipality only; another municipality's
	// caseworker finds nothing.
	casework := [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, missing, ok}
	// A child's application: a guardian with parental responsibility or
	// the municipality; the § 47 parent, another family and staff get 403.
	parentOrMunicipal := [8]int{ok, forbidden, forbidden, forbidden, forbidden, ok, missing, ok}
	// Only a guardian with parental responsibility may apply or answer;
	// the caseworker sees the offer but may not answer it.
	parentOnly := func(s int) [8]int {
		return [8]int{s, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}
	}
	app := "/children/" + emil + "/applications/" + f.Application.String()
	table := map[string]authCase{
		"GET /api/v1/intakes":                                 {path: "/api/v1/intakes", want: [8]int{ok, ok, ok, ok, ok, ok, ok, ok}},
		"GET /api/v1/intakes/{intakeId}":                      {path: "/api/v1/intakes/" + main, want: [8]int{ok, ok, ok, ok, ok, ok, missing, ok}},
		"GET /api/v1/intakes/{intakeId}/applications":         {path: "/api/v1/intakes/" + main + "/applications", want: casework},
		"GET /api/v1/intakes/{intakeId}/runs":                 {path: "/api/v1/intakes/" + main + "/runs", want: casework},
		"GET /api/v1/intakes/{intakeId}/waiting-lists":        {path: "/api/v1/intakes/" + main + "/waiting-lists", want: casework},
		"GET /api/v1/intakes/{intakeId}/obligations":          {path: "/api/v1/intakes/" + main + "/obligations", want: casework},
		"POST /api/v1/admission-runs":                         {path: "/api/v1/admission-runs", contentType: jsonType, body: body(`{"intakeId":"` + main + `","seed":3,"reason":"the board meets early"}`), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, missing, created}},
		"GET /api/v1/admission-runs/{runId}":                  {path: "/api/v1/admission-runs/" + f.Draft1.String(), want: casework},
		"GET /api/v1/admission-runs/{runId}/results":          {path: "/api/v1/admission-runs/" + f.Draft1.String() + "/results", want: casework},
		"POST /api/v1/admission-approvals":                    {path: "/api/v1/admission-approvals", contentType: jsonType, body: body(`{"runId":"` + f.Draft2.String() + `","reason":"the board meets early"}`), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, missing, conflict}},
		"GET /api/v1/admission-runs/{runId}/approval-preview": {path: "/api/v1/admission-runs/" + f.Draft1.String() + "/approval-preview", want: casework},
		"GET /api/v1/children/{childId}/applications":         {path: "/api/v1/children/" + emil + "/applications", want: parentOrMunicipal},
		"GET /api/v1/children/{childId}/applications/prefill": {path: "/api/v1/children/" + emil + "/applications/prefill?intakeId=" + main, want: parentOnly(ok)},
		"POST /api/v1/children/{childId}/applications": {path: "/api/v1/children/" + emil + "/applications", contentType: jsonType,
			body: body(`{"intakeId":"` + f.Extra.String() + `","preferences":["` + f.BjorkeliaStr + `"],"hours":41}`), want: parentOnly(created)},
		"GET /api/v1/children/{childId}/applications/{applicationId}":          {path: "/api/v1" + app, want: parentOrMunicipal},
		"GET /api/v1/children/{childId}/applications/{applicationId}/decision": {path: "/api/v1" + app + "/decision?lang=en", want: parentOrMunicipal},
		"POST /api/v1/children/{childId}/offers/{offer}/accept":                {path: "/api/v1/children/" + nora + "/offers/" + f.Offers[1].String() + "/accept", contentType: jsonType, body: body(`{}`), want: parentOnly(ok)},
		"POST /api/v1/children/{childId}/offers/{offer}/decline":               {path: "/api/v1/children/" + nora + "/offers/" + f.Offers[3].String() + "/decline", contentType: jsonType, body: body(`{}`), want: parentOnly(ok)},
		"GET /admission":                {path: "/admission", want: [8]int{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"GET /children/{childId}/apply": {path: "/children/" + emil + "/apply?intake=" + main, want: parentOnly(ok)},
		"POST /children/{childId}/applications": {path: "/children/" + emil + "/applications", contentType: form,
			body: body(url.Values{"intake": {main}, "choice1": {f.BjorkeliaStr}, "hours": {"41"}}.Encode()), want: parentOnly(see)},
		"GET /children/{childId}/applications/{applicationId}":          {path: app, want: parentOrMunicipal},
		"GET /children/{childId}/applications/{applicationId}/decision": {path: app + "/decision", want: parentOrMunicipal},
		"POST /children/{childId}/offers/{offer}/accept":                {path: "/children/" + emil + "/offers/" + f.Offers[0].String() + "/accept", contentType: form, want: parentOnly(see)},
		"POST /children/{childId}/offers/{offer}/decline":               {path: "/children/" + emil + "/offers/" + f.Offers[2].String() + "/decline", contentType: form, want: parentOnly(see)},
		"GET /admission/intakes":                                        {path: "/admission/intakes", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}},
		"GET /admission/intakes/{intakeId}":                             {path: "/admission/intakes/" + main, want: casework},
		"POST /admission/intakes/{intakeId}/runs":                       {path: "/admission/intakes/" + main + "/runs", contentType: form, body: body("reason=" + url.QueryEscape("the board meets early")), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, missing, see}},
		"GET /admission/intakes/{intakeId}/waiting-lists":               {path: "/admission/intakes/" + main + "/waiting-lists", want: casework},
		"GET /admission/intakes/{intakeId}/obligations":                 {path: "/admission/intakes/" + main + "/obligations", want: casework},
		"GET /admission/runs/{runId}":                                   {path: "/admission/runs/" + f.Draft1.String(), want: casework},
		"POST /admission/runs/{runId}/approve":                          {path: "/admission/runs/" + f.Draft1.String() + "/approve", contentType: form, body: body("reason=" + url.QueryEscape("the board meets early")), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, missing, conflict}},
		"GET /admission/runs/{runId}/approve":                           {path: "/admission/runs/" + f.Draft2.String() + "/approve", want: casework},
		"GET /admission/runs/{runId}/approved":                          {path: "/admission/runs/" + f.Draft2.String() + "/approved", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, missing, see}},
	}
	for k, v := range admissionSetupAuth(ta, f) {
		table[k] = v
	}
	// The decision letter's PDF: as the decision.
	pdfAccess := parentOrMunicipal
	table["GET /children/{childId}/applications/{applicationId}/decision.pdf"] = authCase{path: app + "/decision.pdf", want: pdfAccess}
	table["GET /api/v1/children/{childId}/applications/{applicationId}/decision.pdf"] = authCase{path: "/api/v1" + app + "/decision.pdf?lang=nn", want: pdfAccess}
	return table
}

// admissionSetupAuth has the lines of admission's setup (intakes made and
// changed, admission settings). Another municipality's caseworker has
// settings of its own, and no unit of this one to give seats at. The
// settings' versions follow the order the table runs in: the page's POST
// before the API's PUT, the caseworker before the admin.
func admissionSetupAuth(ta *webtest.Harness, f webtest.AdmissionFixture) map[string]authCase {
	const ok, created, see, forbidden, missing, invalid = 200, 201, 303, 403, 404, 422
	jsonType, form := "application/json", "application/x-www-form-urlencoded"
	body := func(s string) func(string) string { return func(string) string { return s } }
	municipal := func(s, other int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, s, other, s}
	}
	main, err := ta.App.Store.Intake(context.Background(), demo.Municipality, f.Main)
	if err != nil {
		panic(err)
	}
	newIntake := `{"name":"Nytt opptak","kind":"kindergarten","admissionYear":2031,"deadline":"2031-03-01","start":"2031-08-01","seats":[{"unit":"` + f.BjorkeliaStr + `","places":4,"small":1}]}`
	seats, _ := json.Marshal(main.Seats)
	criteria, _ := json.Marshal(main.Criteria)
	changed := fmt.Sprintf(`{"name":"Hovedopptak (endret)","kind":%q,"main":%t,"admissionYear":%d,"deadline":%q,"start":%q,"criteria":%s,"seats":%s,"smallWeight":%d,"answerDays":%d,"maxPreferences":%d}`,
		main.Kind, main.Main, main.AdmissionYear, main.Deadline, main.Start, criteria, seats, main.SmallWeight, main.AnswerDays+1, main.MaxPreferences)
	mainForm := url.Values{"name": {"Hovedopptak (endret)"}, "kind": {string(main.Kind)}, "admissionYear": {fmt.Sprint(main.AdmissionYear)},
		"deadline": {main.Deadline.String()}, "start": {main.Start.String()}, "answerDays": {fmt.Sprint(main.AnswerDays)},
		"maxPreferences": {fmt.Sprint(main.MaxPreferences)}, "smallWeight": {fmt.Sprint(main.SmallWeight)}, "crit-0": {"1"}, "crit-1": {"2"}}
	if main.Main {
		mainForm.Set("main", "1")
	}
	for _, st := range main.Seats {
		mainForm.Set("places-"+st.Unit.String(), fmt.Sprint(st.Places))
		mainForm.Set("small-"+st.Unit.String(), fmt.Sprint(st.Small))
	}
	newForm := url.Values{"name": {"Nytt opptak"}, "kind": {"kindergarten"}, "admissionYear": {"2031"}, "deadline": {"2031-03-01"}, "start": {"2031-08-01"},
		"answerDays": {"14"}, "maxPreferences": {"3"}, "smallWeight": {"2"}, "crit-0": {"1"}, "places-" + f.BjorkeliaStr: {"4"}, "small-" + f.BjorkeliaStr: {"1"}}
	settings := func(versions map[string]int, api bool) func(string) string {
		return func(actor string) string {
			v := versions[actor]
			if api {
				return fmt.Sprintf(`{"version":%d,"localCriteria":[{"key":"single-provider","name":{"nb":"Eneforsørger","nn":"Einsleg forsørgjar","en":"Single provider"}}],"answerDays":10,"smallWeight":2,"maxPreferences":3}`, v)
			}
			return url.Values{"version": {fmt.Sprint(v)}, "answerDays": {"14"}, "smallWeight": {"2"}, "maxPreferences": {"3"},
				"key-0": {"illness"}, "nb-0": {"Sykdom i familien"}, "nn-0": {"Sjukdom i familien"}, "en-0": {"Illness in the family"}}.Encode()
		}
	}
	return map[string]authCase{
		"POST /api/v1/intakes":                    {path: "/api/v1/intakes", contentType: jsonType, body: body(newIntake), want: municipal(created, invalid)},
		"PUT /api/v1/intakes/{intakeId}":          {path: "/api/v1/intakes/" + main.ID.String(), contentType: jsonType, body: body(changed), want: municipal(ok, missing)},
		"GET /api/v1/admission-settings":          {path: "/api/v1/admission-settings", want: municipal(ok, ok)},
		"PUT /api/v1/admission-settings":          {path: "/api/v1/admission-settings", contentType: jsonType, body: settings(map[string]int{demo.PersonaCaseworker: 2, demo.PersonaOtherMunicipality: 1, demo.PersonaAdmin: 3}, true), want: municipal(ok, ok)},
		"GET /admission/intakes/new":              {path: "/admission/intakes/new", want: municipal(ok, ok)},
		"POST /admission/intakes":                 {path: "/admission/intakes", contentType: form, body: body(newForm.Encode()), want: municipal(see, invalid)},
		"GET /admission/intakes/{intakeId}/edit":  {path: "/admission/intakes/" + main.ID.String() + "/edit", want: municipal(ok, missing)},
		"POST /admission/intakes/{intakeId}/edit": {path: "/admission/intakes/" + main.ID.String() + "/edit", contentType: form, body: body(mainForm.Encode()), want: municipal(see, missing)},
		"GET /admission/settings":                 {path: "/admission/settings", want: municipal(ok, ok)},
		"POST /admission/settings":                {path: "/admission/settings", contentType: form, body: settings(map[string]int{demo.PersonaCaseworker: 0, demo.PersonaOtherMunicipality: 0, demo.PersonaAdmin: 1}, false), want: municipal(see, see)},
	}
}

// attendanceAuth has a line of the authorization table (access_test.go) for every
// attendance route. The child is Sofie Berg (Nordby skole and Nordby SFO);
// the table's routes run in order of their patterns, so the API's check-in
// (at 09:00) comes before its check-out (10:00), and the board's forms (at
// noon) after both.
func attendanceAuth(ta *webtest.Harness) map[string]authCase {
	sofie := ta.Sofie.String()
	form := "application/x-www-form-urlencoded"
	body := func(f func(actor string) string) func(string) string { return f }
	const ok, created, noContent, see, forbidden, missing = 200, 201, 204, 303, 403, 404
	ctx := context.Background()
	pickups, err := ta.Store.Pickups(ctx, demo.Municipality, ta.Sofie)
	if err != nil || len(pickups) != 2 {
		panic(fmt.Sprintf("the seed has Sofie's pickup list: %v %d", err, len(pickups)))
	}
	// Two absences to withdraw, one by the API, one by the form.
	withdraw := func(day int) string {
		ab := attendance.Absence{ID: domain.NewID[attendance.Absence](), Municipality: demo.Municipality, ChildID: ta.Sofie,
			Period: domain.Period{Start: date.New(2025, time.December, day), End: date.New(2025, time.December, day)}, Reason: attendance.Leave,
			ReportedBy: "test", ReportedAt: webtest.Now}
		if err := ta.Store.AddAbsence(ctx, ab); err != nil {
			panic(err)
		}
		return ab.ID.String()
	}
	apiAbsence, formAbsence := withdraw(22), withdraw(23)
	// Staff may act for the child; the guardian only on her own.
	staffOnly := [8]int{forbidden, forbidden, forbidden, created, forbidden, forbidden, missing, forbidden}
	careWrite := [8]int{created, forbidden, forbidden, created, forbidden, forbidden, missing, forbidden}
	return map[string]authCase{
		"POST /api/v1/children/{childId}/check-in": {path: "/api/v1/children/" + sofie + "/check-in", contentType: "application/json",
			body: body(func(a string) string { return fmt.Sprintf(`{"key":"in-%s","at":"2025-11-24T09:00:00+01:00"}`, a) }), want: staffOnly},
		"POST /api/v1/children/{childId}/check-out": {path: "/api/v1/children/" + sofie + "/check-out", contentType: "application/json",
			body: body(func(a string) string {
				return fmt.Sprintf(`{"key":"out-%s","at":"2025-11-24T10:00:00+01:00","collector":{"name":"Gunn Berg"}}`, a)
			}), want: staffOnly},
		"GET /api/v1/units/{unitId}/occupancy":          {path: "/api/v1/units/" + ta.NordbySFO.String() + "/occupancy", want: [8]int{forbidden, forbidden, forbidden, ok, forbidden, ok, missing, ok}},
		"POST /api/v1/children/{childId}/absences/sick": {path: "/api/v1/children/" + sofie + "/absences/sick", contentType: "application/json", body: body(func(string) string { return "{}" }), want: careWrite},
		"POST /api/v1/children/{childId}/absences": {path: "/api/v1/children/" + sofie + "/absences", contentType: "application/json",
			body: body(func(a string) string {
				day := map[string]int{demo.PersonaGuardian: 1, demo.PersonaStaff: 8}[a] + 1
				return fmt.Sprintf(`{"start":"2025-12-%02d","end":"2025-12-%02d","reason":"leave"}`, day, day+1)
			}), want: careWrite},
		"GET /api/v1/children/{childId}/absences":                {path: "/api/v1/children/" + sofie + "/absences", want: [8]int{ok, forbidden, forbidden, ok, forbidden, forbidden, missing, forbidden}},
		"DELETE /api/v1/children/{childId}/absences/{absenceId}": {path: "/api/v1/children/" + sofie + "/absences/" + apiAbsence, want: [8]int{noContent, forbidden, forbidden, missing, forbidden, forbidden, missing, forbidden}},
		"GET /api/v1/children/{childId}/pickups":                 {path: "/api/v1/children/" + sofie + "/pickups", want: [8]int{ok, ok, forbidden, ok, forbidden, ok, missing, ok}},
		"POST /api/v1/children/{childId}/pickups": {path: "/api/v1/children/" + sofie + "/pickups", contentType: "application/json",
			body: body(func(string) string { return `{"name":"Ola Berg","relation":"morfar","phone":"+47 912 34 567"}` }),
			want: [8]int{created, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}},
		"DELETE /api/v1/children/{childId}/pickups/{pickupId}": {path: "/api/v1/children/" + sofie + "/pickups/" + pickups[1].ID.String(), want: [8]int{noContent, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}},
		"POST /api/v1/children/{childId}/school-absences": {path: "/api/v1/children/" + sofie + "/school-absences", contentType: "application/json",
			body: body(func(string) string { return `{"day":"2025-11-21","hours":2,"kind":"documented","reason":"health"}` }), want: staffOnly},
		"GET /staff/attendance":                      {path: "/staff/attendance", want: [8]int{forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, forbidden}},
		"POST /staff/attendance/{childId}/check-in":  {path: "/staff/attendance/" + sofie + "/check-in", contentType: form, body: body(func(a string) string { return "key=form-in-" + a }), want: [8]int{forbidden, forbidden, forbidden, see, forbidden, forbidden, missing, forbidden}},
		"POST /staff/attendance/{childId}/check-out": {path: "/staff/attendance/" + sofie + "/check-out", contentType: form, body: body(func(a string) string { return "key=form-out-" + a + "&collector=&collectorName=Ukjent&confirm=1" }), want: [8]int{forbidden, forbidden, forbidden, see, forbidden, forbidden, missing, forbidden}},
		"GET /guardian/attendance":                   {path: "/guardian/attendance", want: [8]int{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"POST /guardian/attendance/{childId}/sick":   {path: "/guardian/attendance/" + sofie + "/sick", contentType: form, want: [8]int{see, forbidden, forbidden, see, forbidden, forbidden, missing, forbidden}},
		"POST /guardian/attendance/{childId}/absences": {path: "/guardian/attendance/" + sofie + "/absences", contentType: form,
			body: body(func(a string) string {
				day := map[string]int{demo.PersonaGuardian: 1, demo.PersonaStaff: 8}[a] + 10
				return fmt.Sprintf("start=2025-12-%02d&end=2025-12-%02d&reason=holiday", day, day)
			}), want: [8]int{see, forbidden, forbidden, see, forbidden, forbidden, missing, forbidden}},
		"POST /guardian/attendance/{childId}/absences/{absenceId}/withdraw": {path: "/guardian/attendance/" + sofie + "/absences/" + formAbsence + "/withdraw", contentType: form, want: [8]int{see, forbidden, forbidden, missing, forbidden, forbidden, missing, forbidden}},
		"POST /guardian/attendance/{childId}/pickups": {path: "/guardian/attendance/" + sofie + "/pickups", contentType: form,
			body: body(func(string) string { return "name=Kari+Berg&relation=tante&phone=&validUntil=" }), want: [8]int{see, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}},
		"POST /guardian/attendance/{childId}/pickups/{pickupId}/remove": {path: "/guardian/attendance/" + sofie + "/pickups/" + pickups[0].ID.String() + "/remove", contentType: form, want: [8]int{see, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}},
		"GET /api/v1/children/{childId}/school-absences":                {path: "/api/v1/children/" + sofie + "/school-absences", want: [8]int{ok, forbidden, forbidden, ok, forbidden, ok, missing, ok}},
		"GET /api/v1/children/{childId}/school-absences/summary":        {path: "/api/v1/children/" + sofie + "/school-absences/summary", want: [8]int{422, forbidden, forbidden, 422, forbidden, 422, missing, 422}},
		"GET /staff/school-absence":                                     {path: "/staff/school-absence", want: [8]int{forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, forbidden}},
		"POST /staff/school-absence/{childId}": {path: "/staff/school-absence/" + sofie, contentType: form, body: body(func(string) string { return "day=2025-11-20&whole=no&hours=2&what=health" }),
			want: [8]int{forbidden, forbidden, forbidden, see, forbidden, forbidden, missing, forbidden}},
	}
}

// billingLetters returns a fee decision of Sofie's (made by an invoice
// run of a month no other line runs) and the income decision of Hilde
// Berg's family, for the decision letters' lines.
func billingLetters(ta *webtest.Harness) (fee, income string) {
	ctx := context.Background()
	if _, err := ta.App.Billing().RunInvoices(ctx, ta.Personas[demo.PersonaCaseworker].Actor, demo.Municipality, billing.Month{Year: 2025, Month: time.September}); err != nil {
		panic(err)
	}
	ds, err := ta.Store.FeeDecisions(ctx, demo.Municipality)
	if err != nil {
		panic(err)
	}
	for _, d := range ds {
		if d.Child == ta.Sofie {
			fee = d.ID.String()
		}
	}
	fams, err := ta.Store.Families(ctx, demo.Municipality)
	if err != nil {
		panic(err)
	}
	hilde := ta.Personas[demo.PersonaGuardian].Actor.Guardian
	ids, err := ta.Store.IncomeDecisions(ctx, demo.Municipality)
	if err != nil {
		panic(err)
	}
	for _, d := range ids {
		for _, f := range fams {
			if f.ID == d.Family && f.Payer == hilde {
				income = d.ID.String()
			}
		}
	}
	if fee == "" || income == "" {
		panic("billing letters: no fee decision for Sofie or no income decision for Hilde Berg's family")
	}
	return fee, income
}

// billingAuth has a line of the authorization table (access_test.go) for every
// billing route.
func billingAuth(ta *webtest.Harness) map[string]authCase {
	sofie := ta.Sofie.String()
	form := "application/x-www-form-urlencoded"
	jsonType := "application/json"
	const ok, created, see, forbidden, missing, invalid = 200, 201, 303, 403, 404, 422
	municipal := [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}
	parentOrCase := [8]int{ok, forbidden, forbidden, forbidden, forbidden, ok, missing, ok}
	fixed := func(s string) func(string) string { return func(string) string { return s } }
	feeLetter, incomeLetter := billingLetters(ta)
	// An income decision's letter: an adult of the family (Hilde Berg's
	// seeded decision), the municipality; others of the municipality who
	// may read letters at all get 404, staff 403.
	familyOrCase := [8]int{ok, missing, missing, forbidden, forbidden, ok, missing, ok}
	// Income decisions for two families without one, one per actor that
	// may make it; the neighbour names a family it does not have.
	fams := webtest.BillingFamiliesWithoutIncome(ta)
	familyOf := func(actor string) string {
		switch actor {
		case demo.PersonaCaseworker:
			return fams[0]
		case demo.PersonaAdmin:
			return fams[1]
		}
		return fams[2]
	}
	incomeJSON := func(actor string) string {
		return fmt.Sprintf(`{"family":%q,"annualIncome":"400000","applied":"2025-08-20","start":"2025-09-01","end":"2026-07-31","documentation":"test"}`, familyOf(actor))
	}
	// The page form uses the families the other way round, so both work.
	incomeForm := func(actor string) string {
		f := familyOf(actor)
		switch actor {
		case demo.PersonaCaseworker:
			f = fams[3]
		case demo.PersonaAdmin:
			f = fams[4]
		}
		return url.Values{"family": {f}, "income": {"450000"}, "applied": {"2025-08-20"}, "start": {"2025-09-01"}, "end": {"2026-07-31"}}.Encode()
	}
	// A child and a guardian in no family for each family made, by the
	// API and by the page's form, as the caseworker or the administrator.
	loose := billingLoosePeople(ta, 4)
	familyJSON := func(i int) func(string) string {
		return func(actor string) string {
			if actor == demo.PersonaAdmin {
				i++
			}
			return fmt.Sprintf(`{"payer":%q,"children":[%q],"start":"2031-01-01"}`, loose[i].guardian.ID, loose[i].child.ID)
		}
	}
	familyForm := func(i int) func(string) string {
		return func(actor string) string {
			if actor == demo.PersonaAdmin {
				i++
			}
			return url.Values{"child": {loose[i].child.NationalID.String()}, "payer": {loose[i].guardian.NationalID.String()}, "familyStart": {"2031-01-01"}}.Encode()
		}
	}
	return map[string]authCase{

		// Decision letters.
		"GET /api/v1/children/{childId}/fee-decisions/{feeDecisionId}/letter": {path: "/api/v1/children/" + sofie + "/fee-decisions/" + feeLetter + "/letter", want: parentOrCase},
		"GET /children/{childId}/fee-decisions/{feeDecisionId}/letter":        {path: "/children/" + sofie + "/fee-decisions/" + feeLetter + "/letter", want: parentOrCase},
		"GET /api/v1/income-decisions/{incomeDecisionId}/letter":              {path: "/api/v1/income-decisions/" + incomeLetter + "/letter?lang=nn", want: familyOrCase},
		"GET /income-decisions/{incomeDecisionId}/letter":                     {path: "/income-decisions/" + incomeLetter + "/letter", want: familyOrCase},
		"GET /children/{childId}/fee-decisions/{feeDecisionId}/letter.pdf":    {path: "/children/" + sofie + "/fee-decisions/" + feeLetter + "/letter.pdf?lang=nn", want: parentOrCase},
		"GET /income-decisions/{incomeDecisionId}/letter.pdf":                 {path: "/income-decisions/" + incomeLetter + "/letter.pdf", want: familyOrCase},

		"POST /api/v1/families": {path: "/api/v1/families", contentType: jsonType, body: familyJSON(0),
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, invalid, created}},
		"POST /billing/families": {path: "/billing/families", contentType: form, body: familyForm(2),
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, invalid, see}},
		"GET /api/v1/families":         {path: "/api/v1/families", want: municipal},
		"GET /api/v1/income-decisions": {path: "/api/v1/income-decisions", want: municipal},
		"POST /api/v1/income-decisions": {path: "/api/v1/income-decisions", contentType: jsonType, body: incomeJSON,
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, invalid, created}},
		"GET /api/v1/price-lists": {path: "/api/v1/price-lists", want: municipal},
		// One SFO list per actor that may make it, in years of their own.
		"POST /api/v1/price-lists": {path: "/api/v1/price-lists", contentType: jsonType, body: func(actor string) string {
			y := map[string]int{demo.PersonaCaseworker: 2040, demo.PersonaOtherMunicipality: 2041, demo.PersonaAdmin: 2042}[actor]
			return fmt.Sprintf(`{"kind":"sfo","start":"%d-08-01","end":"%d-07-31","brackets":[{"minHours":0,"price":"1500.00","food":"200.00"}],"siblingDiscounts":["0","0.25"]}`, y, y+1)
		}, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, created, created}},
		"GET /api/v1/invoice-runs": {path: "/api/v1/invoice-runs", want: municipal},
		// An approval without the preview's fingerprint is refused (422)
		// for every actor that may run invoices.
		"POST /api/v1/invoice-runs": {path: "/api/v1/invoice-runs", contentType: jsonType, body: fixed(`{"month":"2025-10"}`),
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, invalid, invalid, invalid}},
		"POST /api/v1/invoice-runs/preview": {path: "/api/v1/invoice-runs/preview", contentType: jsonType, body: fixed(`{"month":"2025-10"}`),
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}},
		// No run of 2025-07: nothing to cancel (billingLetters runs 2025-09).
		"POST /api/v1/invoice-runs/{month}/cancel": {path: "/api/v1/invoice-runs/2025-07/cancel", contentType: jsonType, body: fixed(`{"reason":"feil måned"}`),
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, missing, missing, missing}},
		"GET /api/v1/invoice-run-cancellations": {path: "/api/v1/invoice-run-cancellations", want: municipal},
		"POST /billing/invoice-runs/preview":    {path: "/billing/invoice-runs/preview", contentType: form, body: fixed("month=2025-11"), want: municipal},
		"POST /billing/invoice-runs/{month}/cancel": {path: "/billing/invoice-runs/2025-07/cancel", contentType: form, body: fixed("reason=feil"),
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, missing, missing, missing}},
		"GET /api/v1/invoices":                         {path: "/api/v1/invoices?month=2025-11", want: [8]int{ok, ok, ok, forbidden, forbidden, ok, ok, ok}},
		"GET /api/v1/children/{childId}/fee-decisions": {path: "/api/v1/children/" + sofie + "/fee-decisions", want: parentOrCase},
		"GET /api/v1/exports/finance.csv":              {path: "/api/v1/exports/finance.csv?month=2025-11", want: municipal},
		"POST /api/v1/payments":                        {path: "/api/v1/payments", contentType: jsonType, body: fixed(`{"ocr":"not an OCR line"}`), want: municipal},
		"GET /billing":                                 {path: "/billing", want: municipal},
		"POST /billing/invoice-runs":                   {path: "/billing/invoice-runs", contentType: form, body: fixed("month=2025-11"), want: municipal},
		"GET /billing/invoices":                        {path: "/billing/invoices?month=2025-11", want: municipal},
		"GET /billing/export.csv":                      {path: "/billing/export.csv?month=2025-11", want: municipal},
		"GET /billing/families":                        {path: "/billing/families", want: municipal},
		"POST /billing/income-decisions":               {path: "/billing/income-decisions", contentType: form, body: incomeForm, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, invalid, see}},
		"GET /billing/price-lists":                     {path: "/billing/price-lists", want: municipal},
		// One kindergarten list per actor that may make it, in years of their own.
		"POST /billing/price-lists": {path: "/billing/price-lists", contentType: form, body: func(actor string) string {
			y := map[string]int{demo.PersonaCaseworker: 2043, demo.PersonaOtherMunicipality: 2044, demo.PersonaAdmin: 2045}[actor]
			return url.Values{"kind": {"sfo"}, "start": {fmt.Sprintf("%d-08-01", y)}, "end": {fmt.Sprintf("%d-07-31", y+1)},
				"minHours0": {"0"}, "amount0": {"1500.00"}, "food0": {"200.00"}}.Encode()
		}, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, see, see}},
		"GET /billing/payments":        {path: "/billing/payments", want: municipal},
		"POST /billing/payments":       {path: "/billing/payments", contentType: form, body: fixed("ocr=not+an+OCR+line"), want: municipal},
		"GET /invoices":                {path: "/invoices", want: [8]int{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"GET /children/{childId}/fees": {path: "/children/" + sofie + "/fees", want: parentOrCase},
		// Billing settings and national rule tables (issue 14): the
		// neighbour sees and changes its own; loading a table is the
		// administrator's.
		"GET /api/v1/billing-settings": {path: "/api/v1/billing-settings", want: municipal},
		"POST /api/v1/billing-settings": {path: "/api/v1/billing-settings", contentType: jsonType,
			body: fixed(`{"bankAccount":"1234 56 78903","kidMethod":"mod10","dueDay":20,"correctionMonths":3,"firstMonth":"2025-08"}`), want: municipal},
		"GET /api/v1/rule-tables": {path: "/api/v1/rule-tables", want: municipal},
		"POST /api/v1/rule-tables": {path: "/api/v1/rule-tables", contentType: jsonType, body: fixed(ruleTableJSON),
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, created}},
		"GET /billing/settings": {path: "/billing/settings", want: municipal},
		"POST /billing/settings": {path: "/billing/settings", contentType: form,
			body: fixed("bankAccount=12345678903&kidMethod=mod10&dueDay=20&correctionMonths=3&firstMonth=2025-08"), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, see, see}},
		"GET /billing/rule-tables": {path: "/billing/rule-tables", want: municipal},
		"POST /billing/rule-tables": {path: "/billing/rule-tables", contentType: form, body: fixed(url.Values{"kind": {"sfo"}, "source": {"test"}, "table": {ruleTableSFO}}.Encode()),
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, see}},
	}
}

// loosePerson is a child and a guardian of the demo municipality in no
// family for fees.
type loosePerson struct {
	child    domain.Child
	guardian domain.Guardian
}

// billingLoosePeople registers n children, each with a guardian, in no
// family for fees, with synthetic national IDs born in 2019.
func billingLoosePeople(ta *webtest.Harness, n int) []loosePerson {
	ctx := context.Background()
	out := make([]loosePerson, 0, n)
	nid := func(birth date.Date) domain.NationalID {
		for i := 901; i < 999; i += 2 {
			if id, err := domain.SyntheticNationalID(birth, i); err == nil {
				return id
			}
		}
		panic("no synthetic national ID")
	}
	for i := range n {
		c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: demo.Municipality, GivenName: fmt.Sprintf("Løs%d", i),
			FamilyName: "Familie", BirthDate: date.New(2019, time.February, 10+i)}
		c.NationalID = nid(c.BirthDate)
		g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: demo.Municipality, GivenName: fmt.Sprintf("Betaler%d", i),
			FamilyName: "Familie", NationalID: nid(date.New(1988, time.March, 10+i))}
		if err := ta.Store.CreateChild(ctx, c); err != nil {
			panic(err)
		}
		if err := ta.Store.CreateGuardian(ctx, g); err != nil {
			panic(err)
		}
		out = append(out, loosePerson{child: c, guardian: g})
	}
	return out
}

// ruleTableSFO is a one-row SFO table (a row the built-in table has).
const ruleTableSFO = `{"rows":[{"validFrom":"2024-08-01","freeHours":12,"freeHoursGrades":[1,2,3],"incomeCapShare":"0.06","incomeCapGrades":[1,2,3,4],"specialNeedsFreeGrades":[5,6,7],"billedMonthsPerYear":11,"feeFreeMonths":[7],"source":"test","provisional":false}]}`

// ruleTableJSON loads ruleTableSFO through the API.
var ruleTableJSON = `{"kind":"sfo","source":"test","table":` + strconv.Quote(ruleTableSFO) + `}`

// messagingAuth has a line of the authorization table (access_test.go) for every
// messaging route.
func messagingAuth(ta *webtest.Harness) map[string]authCase {
	th := webtest.FindSeededThreads(&testing.T{}, ta)
	sofie, thread := ta.Sofie.String(), th.Conversation.ID.String()
	form := "application/x-www-form-urlencoded"
	jsonType := "application/json"
	body := func(s string) func(string) string { return func(string) string { return s } }
	contact := func(actor string) string {
		if actor == demo.PersonaGuardian || actor == demo.PersonaOtherParent || actor == demo.PersonaOtherGuardian {
			return `{"language":"nn","channel":"email"}`
		}
		return fmt.Sprintf(`{"guardianId":%q,"language":"nn","channel":"email"}`, th.Hilde)
	}
	const ok, created, see, forbidden, missing, invalid = 200, 201, 303, 403, 404, 422
	guardians := [8]int{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden}
	staff := [8]int{forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, forbidden}
	municipal := [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}
	readThread := [8]int{ok, ok, forbidden, ok, forbidden, ok, missing, ok}
	adminOnly := func(s int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, s}
	}
	noDelivery := domain.NewID[messaging.Delivery]().String()
	return map[string]authCase{
		"GET /messages":                               {path: "/messages", want: guardians},
		"GET /messages/contact":                       {path: "/messages/contact", want: guardians},
		"POST /messages":                              {path: "/messages", contentType: form, body: body("child=" + sofie + "&subject=Hei&body=Hallo"), want: [8]int{see, see, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"POST /messages/contact":                      {path: "/messages/contact", contentType: form, body: body("language=nb&channel=email"), want: [8]int{see, see, see, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"GET /messages/{threadId}":                    {path: "/messages/" + thread, want: readThread},
		"POST /messages/{threadId}/reply":             {path: "/messages/" + thread + "/reply", contentType: form, body: body("body=Takk"), want: [8]int{see, see, forbidden, see, forbidden, see, missing, see}},
		"GET /staff/messages":                         {path: "/staff/messages", want: staff},
		"POST /staff/messages":                        {path: "/staff/messages", contentType: form, body: body("to=group:" + th.GroupBulletin.About.Group.String() + "&subject=Hei&body=Hallo"), want: [8]int{forbidden, forbidden, forbidden, see, forbidden, forbidden, forbidden, forbidden}},
		"GET /caseworker/outbox":                      {path: "/caseworker/outbox", want: municipal},
		"GET /api/v1/threads":                         {path: "/api/v1/threads", want: [8]int{ok, ok, ok, ok, ok, forbidden, forbidden, forbidden}},
		"POST /api/v1/threads":                        {path: "/api/v1/threads", contentType: jsonType, body: body(`{"scope":"child","childId":"` + sofie + `","subject":"Hei","body":"Hallo"}`), want: [8]int{created, created, forbidden, created, forbidden, created, invalid, created}},
		"GET /api/v1/threads/{threadId}":              {path: "/api/v1/threads/" + thread, want: readThread},
		"GET /api/v1/threads/{threadId}/participants": {path: "/api/v1/threads/" + thread + "/participants", want: readThread},
		"GET /api/v1/threads/{threadId}/status":       {path: "/api/v1/threads/" + th.UnitBulletin.ID.String() + "/status", want: [8]int{forbidden, forbidden, forbidden, ok, forbidden, ok, missing, ok}},
		"POST /api/v1/replies":                        {path: "/api/v1/replies", contentType: jsonType, body: body(`{"threadId":"` + thread + `","body":"Takk"}`), want: [8]int{created, created, forbidden, created, forbidden, created, invalid, created}},
		"POST /api/v1/read-receipts":                  {path: "/api/v1/read-receipts", contentType: jsonType, body: body(`{"threadId":"` + thread + `"}`), want: [8]int{ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"GET /api/v1/contact":                         {path: "/api/v1/contact", want: guardians},
		"POST /api/v1/contact":                        {path: "/api/v1/contact", contentType: jsonType, body: contact, want: [8]int{ok, ok, ok, forbidden, forbidden, ok, invalid, ok}},
		"GET /api/v1/outbox":                          {path: "/api/v1/outbox", want: municipal},
		"GET /api/v1/outbox/summary":                  {path: "/api/v1/outbox/summary", want: municipal},
		// Operations: the administrator's only. A delivery that is not
		// the municipality's (here: none at all) is 404 to them.
		"GET /admin/operations":                                 {path: "/admin/operations", want: adminOnly(ok)},
		"POST /admin/operations/{deliveryId}/retry":             {path: "/admin/operations/" + noDelivery + "/retry", contentType: form, body: body(""), want: adminOnly(missing)},
		"GET /api/v1/operations":                                {path: "/api/v1/operations", want: adminOnly(ok)},
		"POST /api/v1/operations/deliveries/{deliveryId}/retry": {path: "/api/v1/operations/deliveries/" + noDelivery + "/retry", contentType: jsonType, body: body("{}"), want: adminOnly(missing)},
	}
}

// calendarAuth: the opening calendar. Everybody logged in reads it (of
// their own municipality); the municipality's caseworkers and
// administrators change it (calendarweb.PolicyCalendar,
// PolicyUnitCalendar). The user of another municipality adds to their own
// calendar and finds no unit or entry of this one.
func calendarAuth(ta *webtest.Harness) map[string]authCase {
	form := "application/x-www-form-urlencoded"
	body := func(s string) func(string) string { return func(string) string { return s } }
	const ok, created, noContent, see, forbidden, missing = 200, 201, 204, 303, 403, 404
	municipal := func(s, other int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, s, other, s}
	}
	entry := func(day int) string {
		e := domain.CalendarEntry{ID: domain.NewID[domain.CalendarEntry](), Municipality: demo.Municipality, Kind: domain.PlanningDay,
			Period: domain.Period{Start: date.New(2031, time.March, day), End: date.New(2031, time.March, day)}}
		if err := ta.Store.PutCalendarEntry(context.Background(), e); err != nil {
			panic(err)
		}
		return e.ID.String()
	}
	unit := ta.NordbySFO.String()
	const settingsJSON = `{"expectedArrival":"09:30","holiday":{"weeks":4,"summerWeeks":3,"daysPerWeek":5,"summerFrom":"06-15","summerTo":"08-15","source":"Vedtekter for de kommunale barnehagene i Demo kommune (demo)"},` +
		`"school":{"permissionDays":10,"excludableDays":10,"excludable":["documented"],"certificateFrom":8,"certificateTo":10,"source":"Forskrift om skolefravær, Demo kommune (demo)"}}`
	settingsForm := url.Values{"expectedArrival": {"09:30"}, "holiday.weeks": {"4"}, "holiday.summerWeeks": {"3"}, "holiday.daysPerWeek": {"5"},
		"holiday.summerFrom": {"06-15"}, "holiday.summerTo": {"08-15"}, "holiday.source": {"Vedtekter for de kommunale barnehagene i Demo kommune (demo)"},
		"school.permissionDays": {"10"}, "school.excludableDays": {"10"}, "school.excludable": {"documented"}, "school.certificateFrom": {"8"},
		"school.certificateTo": {"10"}, "school.source": {"Forskrift om skolefravær, Demo kommune (demo)"}}.Encode()
	return map[string]authCase{
		"GET /api/v1/calendar":                          {path: "/api/v1/calendar?year=2025", want: [8]int{ok, ok, ok, ok, ok, ok, ok, ok}},
		"POST /api/v1/calendar/entries":                 {path: "/api/v1/calendar/entries", contentType: "application/json", body: body(`{"kind":"planning-day","start":"2031-04-01","end":"2031-04-01"}`), want: municipal(created, created)},
		"DELETE /api/v1/calendar/entries/{entryId}":     {path: "/api/v1/calendar/entries/" + entry(3), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, noContent, missing, missing}},
		"GET /api/v1/units/{unitId}/calendar":           {path: "/api/v1/units/" + unit + "/calendar", want: [8]int{ok, ok, ok, ok, ok, ok, missing, ok}},
		"POST /api/v1/units/{unitId}/closed-days":       {path: "/api/v1/units/" + unit + "/closed-days", contentType: "application/json", body: body(`{"start":"2031-04-02"}`), want: municipal(created, missing)},
		"POST /api/v1/units/{unitId}/open-weekdays":     {path: "/api/v1/units/" + unit + "/open-weekdays", contentType: "application/json", body: body(`{"weekdays":"12345"}`), want: municipal(ok, missing)},
		"GET /admin/calendar":                           {path: "/admin/calendar", want: municipal(ok, ok)},
		"POST /admin/calendar/entries":                  {path: "/admin/calendar/entries", contentType: form, body: body("kind=planning-day&start=2031-04-03"), want: municipal(see, see)},
		"POST /admin/calendar/entries/{entryId}/delete": {path: "/admin/calendar/entries/" + entry(4) + "/delete", contentType: form, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, missing, missing}},
		"GET /calendar":                                 {path: "/calendar", want: [8]int{ok, ok, ok, ok, ok, ok, ok, ok}},
		"GET /calendar/units/{unitId}":                  {path: "/calendar/units/" + unit, want: [8]int{ok, ok, ok, ok, ok, ok, missing, ok}},
		"POST /calendar/units/{unitId}/closed-days":     {path: "/calendar/units/" + unit + "/closed-days", contentType: form, body: body("start=2031-04-04"), want: municipal(see, missing)},
		// The attendance settings (attendanceweb), with the seed's values.
		"GET /api/v1/attendance/settings":             {path: "/api/v1/attendance/settings", want: municipal(ok, ok)},
		"POST /api/v1/attendance/settings":            {path: "/api/v1/attendance/settings", contentType: "application/json", body: body(settingsJSON), want: municipal(ok, ok)},
		"GET /admin/attendance-settings":              {path: "/admin/attendance-settings", want: municipal(ok, ok)},
		"POST /admin/attendance-settings":             {path: "/admin/attendance-settings", contentType: form, body: body(settingsForm), want: municipal(see, see)},
		"POST /calendar/units/{unitId}/open-weekdays": {path: "/calendar/units/" + unit + "/open-weekdays", contentType: form, body: body("weekday=1&weekday=2&weekday=3&weekday=4&weekday=5"), want: municipal(see, missing)},
	}
}

// directoryAuth has the lines of the directory's administration: units and
// groups (the municipal administrator), guardians, guardianships and
// placement changes (the caseworker), and their pages. Each route works on
// records of its own, made here, so the order the table runs in (sorted by
// pattern) decides nothing but the order below says: a unit is closed
// (POST) before it is edited (PUT), a guardianship ended (DELETE) before it
// is made again (PUT), a placement ended before it is changed.
func directoryAuth(ta *webtest.Harness) map[string]authCase {
	ctx := context.Background()
	const ok, created, see, noContent, forbidden, missing = 200, 201, 303, 204, 403, 404
	jsonType, form := "application/json", "application/x-www-form-urlencoded"
	body := func(s string) func(string) string { return func(string) string { return s } }
	m := demo.Municipality
	unit := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Testenhet barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
	group := domain.Group{ID: domain.NewID[domain.Group](), Municipality: m, UnitID: unit.ID, Name: "Testgruppe"}
	guardian := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Test", FamilyName: "Foresatt", AddressProtection: domain.ProtectionNone}
	placement := domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: ta.Sofie, UnitID: ta.Bjorkelia,
		Kind: domain.Kindergarten, HoursPerWeek: 20, Period: domain.Period{Start: date.New(2031, 1, 1), End: date.New(2031, 6, 30)}}
	must := func(err error) {
		if err != nil {
			panic("directoryAuth: " + err.Error())
		}
	}
	must(ta.Store.CreateUnit(ctx, unit))
	must(ta.Store.CreateGroup(ctx, group))
	must(ta.Store.CreateGuardian(ctx, guardian))
	must(ta.Store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: ta.Sofie, GuardianID: guardian.ID}))
	must(ta.Store.CreatePlacement(ctx, placement))
	// For the pages: a guardian of their own and a placement of their own.
	guardian2 := guardian
	guardian2.ID, guardian2.GivenName = domain.NewID[domain.Guardian](), "Test2"
	must(ta.Store.CreateGuardian(ctx, guardian2))
	must(ta.Store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: ta.Sofie, GuardianID: guardian2.ID}))
	placement2 := placement
	placement2.ID, placement2.Period = domain.NewID[domain.Placement](), domain.Period{Start: date.New(2033, 1, 1), End: date.New(2033, 6, 30)}
	must(ta.Store.CreatePlacement(ctx, placement2))
	gd2, pl2 := guardian2.ID.String(), placement2.ID.String()
	sofie, u, g, gd, pl := ta.Sofie.String(), unit.ID.String(), group.ID.String(), guardian.ID.String(), placement.ID.String()
	admin := func(s int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, s}
	}
	casework := func(s int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, s, missing, s}
	}
	childCase := func(s int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, s, missing, forbidden}
	}
	n := 0
	newGuardian := func(string) string {
		n++
		return fmt.Sprintf(`{"givenName":"Ny%d","familyName":"Foresatt","email":"ny%d@example.no"}`, n, n)
	}
	unitBody := body(`{"name":"Testenhet barnehage","kind":"kindergarten","owner":"municipal","address":{"street":"Storgata 1","postcode":"1234","postTown":"BYEN"},"openingHours":{"mon":{"opens":"07:00","closes":"16:30"}},"seats":{"small":9,"large":18}}`)
	return map[string]authCase{
		"POST /api/v1/units":                                           {path: "/api/v1/units", contentType: jsonType, body: unitBody, want: admin(created)},
		"GET /api/v1/units/{unitId}":                                   {path: "/api/v1/units/" + u, want: [8]int{ok, ok, ok, ok, ok, ok, missing, ok}},
		"PUT /api/v1/units/{unitId}":                                   {path: "/api/v1/units/" + u, contentType: jsonType, body: unitBody, want: admin(ok)},
		"POST /api/v1/units/{unitId}/close":                            {path: "/api/v1/units/" + u + "/close", contentType: jsonType, body: body(`{"closingDate":"2032-07-31"}`), want: admin(ok)},
		"POST /api/v1/units/{unitId}/groups":                           {path: "/api/v1/units/" + u + "/groups", contentType: jsonType, body: body(`{"name":"Ny gruppe","ageGroup":"small"}`), want: admin(created)},
		"PUT /api/v1/units/{unitId}/groups/{groupId}":                  {path: "/api/v1/units/" + u + "/groups/" + g, contentType: jsonType, body: body(`{"name":"Testgruppe","ageGroup":"large"}`), want: admin(ok)},
		"POST /api/v1/units/{unitId}/groups/{groupId}/close":           {path: "/api/v1/units/" + u + "/groups/" + g + "/close", contentType: jsonType, body: body(`{"closingDate":"2032-06-30"}`), want: admin(ok)},
		"POST /api/v1/guardians":                                       {path: "/api/v1/guardians", contentType: jsonType, body: newGuardian, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, created, created}},
		"GET /api/v1/guardians/{guardianId}":                           {path: "/api/v1/guardians/" + gd, want: casework(ok)},
		"PUT /api/v1/guardians/{guardianId}":                           {path: "/api/v1/guardians/" + gd, contentType: jsonType, body: body(`{"givenName":"Test","familyName":"Foresatt","phone":"+47 912 34 567"}`), want: casework(ok)},
		"DELETE /api/v1/children/{childId}/guardians/{guardianId}":     {path: "/api/v1/children/" + sofie + "/guardians/" + gd, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, noContent, missing, forbidden}},
		"PUT /api/v1/children/{childId}/guardians/{guardianId}":        {path: "/api/v1/children/" + sofie + "/guardians/" + gd, contentType: jsonType, body: body(`{"parentalResponsibility":false,"informationRequested":true}`), want: childCase(ok)},
		"POST /api/v1/children/{childId}/placements/{placementId}/end": {path: "/api/v1/children/" + sofie + "/placements/" + pl + "/end", contentType: jsonType, body: body(`{"end":"2031-03-31"}`), want: childCase(ok)},
		// Pages.
		"GET /caseworker/children/new": {path: "/caseworker/children/new", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}},
		"POST /caseworker/children": {path: "/caseworker/children", contentType: form, body: func(actor string) string {
			return "givenName=Skjema&familyName=" + actor + "&birthDate=2022-03-04&addressProtection=none"
		}, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, see, see}},
		"GET /children/{childId}/guardians/new":                  {path: "/children/" + sofie + "/guardians/new", want: childCase(ok)},
		"POST /children/{childId}/guardians":                     {path: "/children/" + sofie + "/guardians", contentType: form, body: body("givenName=Ny&familyName=Forelder&addressProtection=none&parentalResponsibility=1"), want: childCase(see)},
		"GET /children/{childId}/guardians/{guardianId}/edit":    {path: "/children/" + sofie + "/guardians/" + gd2 + "/edit", want: childCase(ok)},
		"POST /children/{childId}/guardians/{guardianId}":        {path: "/children/" + sofie + "/guardians/" + gd2, contentType: form, body: body("givenName=Test2&familyName=Foresatt&addressProtection=none&informationRequested=1"), want: childCase(see)},
		"POST /children/{childId}/guardians/{guardianId}/remove": {path: "/children/" + sofie + "/guardians/" + gd2 + "/remove", contentType: form, want: childCase(see)},
		"GET /children/{childId}/placements/new":                 {path: "/children/" + sofie + "/placements/new", want: childCase(ok)},
		"POST /children/{childId}/placements": {path: "/children/" + sofie + "/placements", contentType: form,
			body: body("unitId=" + ta.Bjorkelia.String() + "&hoursPerWeek=20&start=2032-01-01&end=2032-02-28"), want: childCase(see)},
		"GET /children/{childId}/placements/{placementId}/edit": {path: "/children/" + sofie + "/placements/" + pl2 + "/edit", want: childCase(ok)},
		"POST /children/{childId}/placements/{placementId}": {path: "/children/" + sofie + "/placements/" + pl2, contentType: form,
			body: body("unitId=" + ta.Bjorkelia.String() + "&hoursPerWeek=30&start=2033-01-01&end=2033-03-31"), want: childCase(see)},
		"GET /admin/units":     {path: "/admin/units", want: admin(ok)},
		"GET /admin/units/new": {path: "/admin/units/new", want: admin(ok)},
		"POST /admin/units": {path: "/admin/units", contentType: form,
			body: body("name=Skjemaenhet&kind=kindergarten&owner=private&address.street=Vei+1&address.postcode=1234&address.postTown=BYEN&openingHours.opens=07:30&openingHours.closes=16:30&seats.small=9&seats.large=18"), want: admin(see)},
		"GET /units/{unitId}":                               {path: "/units/" + ta.NordbySFO.String(), want: [8]int{forbidden, forbidden, forbidden, ok, forbidden, ok, missing, ok}},
		"GET /admin/units/{unitId}/edit":                    {path: "/admin/units/" + u + "/edit", want: admin(ok)},
		"POST /admin/units/{unitId}":                        {path: "/admin/units/" + u, contentType: form, body: body("name=Testenhet+barnehage&kind=kindergarten&owner=municipal"), want: admin(see)},
		"GET /admin/units/{unitId}/close":                   {path: "/admin/units/" + u + "/close", want: admin(ok)},
		"POST /admin/units/{unitId}/close":                  {path: "/admin/units/" + u + "/close", contentType: form, body: body("closingDate=2032-07-31"), want: admin(see)},
		"GET /admin/units/{unitId}/groups/new":              {path: "/admin/units/" + u + "/groups/new", want: admin(ok)},
		"POST /admin/units/{unitId}/groups":                 {path: "/admin/units/" + u + "/groups", contentType: form, body: body("name=Skjemagruppe&ageGroup=large"), want: admin(see)},
		"GET /admin/units/{unitId}/groups/{groupId}/edit":   {path: "/admin/units/" + u + "/groups/" + g + "/edit", want: admin(ok)},
		"POST /admin/units/{unitId}/groups/{groupId}":       {path: "/admin/units/" + u + "/groups/" + g, contentType: form, body: body("name=Testgruppe&ageGroup=small"), want: admin(see)},
		"GET /admin/units/{unitId}/groups/{groupId}/close":  {path: "/admin/units/" + u + "/groups/" + g + "/close", want: admin(ok)},
		"POST /admin/units/{unitId}/groups/{groupId}/close": {path: "/admin/units/" + u + "/groups/" + g + "/close", contentType: form, body: body("closingDate=2032-06-30"), want: admin(see)},
		"PUT /api/v1/children/{childId}/placements/{placementId}": {path: "/api/v1/children/" + sofie + "/placements/" + pl, contentType: jsonType,
			body: body(`{"unitId":"` + ta.Bjorkelia.String() + `","hoursPerWeek":25,"start":"2031-01-01","end":"2031-06-30"}`), want: childCase(ok)},
	}
}
