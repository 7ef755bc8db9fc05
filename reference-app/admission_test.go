package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// admissionFixture is what the admission tests refer to: the seeded
// intakes, Emil and Nora Berg (Hilde Berg has parental responsibility, Tor
// Ødegård has asked for information under § 47), and four test intakes
// with runs and offers made for the two children.
type admissionFixture struct {
	main, extra  admission.IntakeID
	emil, nora   domain.ChildID
	application  admission.ApplicationID // Emil's in an approved intake
	offers       [4]admission.OfferID    // Emil, Nora (intake 1); Emil, Nora (intake 2)
	draft1       admission.RunID         // drafts of intakes 3 and 4
	draft2       admission.RunID
	guardian     domain.Actor
	caseworker   domain.Actor
	bjorkeliaStr string
}

func newAdmissionFixture(ta *testApp) admissionFixture {
	must := func(err error) {
		if err != nil {
			panic("admission fixture: " + err.Error())
		}
	}
	ctx := context.Background()
	m := demoMunicipality
	f := admissionFixture{guardian: ta.personas[personaGuardian].Actor, caseworker: ta.personas[personaCaseworker].Actor, bjorkeliaStr: ta.bjorkelia.String()}
	intakes, err := ta.store.Intakes(ctx, m)
	must(err)
	if len(intakes) != 4 {
		panic("admission fixture: four seeded intakes")
	}
	f.main, f.extra = intakes[0].ID, intakes[1].ID
	children, err := ta.store.Children(ctx, m)
	must(err)
	for _, c := range children {
		switch c.GivenName + " " + c.FamilyName {
		case "Emil Berg":
			f.emil = c.ID
		case "Nora Berg":
			f.nora = c.ID
		}
	}
	if f.emil.IsZero() || f.nora.IsZero() {
		panic("admission fixture: Emil and Nora Berg are seeded")
	}
	svc := ta.a.admission()
	main := intakes[0]
	for i := range 4 {
		in := main
		in.ID, in.Main, in.Name = domain.NewID[admission.Intake](), false, fmt.Sprintf("Test %d", i+1)
		in.Seats = []admission.UnitSeats{{Unit: ta.bjorkelia, Places: 10, Small: 4}}
		must(svc.CreateIntake(ctx, f.caseworker, in))
		var apps []admission.ApplicationID
		for _, child := range []domain.ChildID{f.emil, f.nora} {
			ap, err := svc.Apply(ctx, f.guardian, admission.Application{Intake: in.ID, Child: child, Preferences: []domain.UnitID{ta.bjorkelia}, Hours: 41})
			must(err)
			apps = append(apps, ap.ID)
		}
		run, err := svc.Run(ctx, f.caseworker, in.ID, 7)
		must(err)
		switch i {
		case 0, 1:
			offers, err := svc.Approve(ctx, f.caseworker, run.ID)
			must(err)
			if len(offers) != 2 {
				panic("admission fixture: two offers")
			}
			for _, o := range offers {
				k := 2 * i
				if o.Child == f.nora {
					k++
				}
				f.offers[k] = o.ID
			}
			if i == 0 {
				f.application = apps[0]
			}
		case 2:
			f.draft1 = run.ID
		case 3:
			f.draft2 = run.ID
		}
	}
	return f
}

// admissionAuth has a line of the authorization table (access_test.go) for every
// admission route.
func admissionAuth(ta *testApp) map[string]authCase {
	f := newAdmissionFixture(ta)
	const ok, created, see, forbidden, missing, conflict = 200, 201, 303, 403, 404, 409
	jsonType, form := "application/json", "application/x-www-form-urlencoded"
	body := func(s string) func(string) string { return func(string) string { return s } }
	main, emil, nora := f.main.String(), f.emil.String(), f.nora.String()
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
	app := "/children/" + emil + "/applications/" + f.application.String()
	return map[string]authCase{
		"GET /api/v1/intakes":                                 {path: "/api/v1/intakes", want: [8]int{ok, ok, ok, ok, ok, ok, ok, ok}},
		"GET /api/v1/intakes/{intakeId}":                      {path: "/api/v1/intakes/" + main, want: [8]int{ok, ok, ok, ok, ok, ok, missing, ok}},
		"GET /api/v1/intakes/{intakeId}/applications":         {path: "/api/v1/intakes/" + main + "/applications", want: casework},
		"GET /api/v1/intakes/{intakeId}/runs":                 {path: "/api/v1/intakes/" + main + "/runs", want: casework},
		"GET /api/v1/intakes/{intakeId}/waiting-lists":        {path: "/api/v1/intakes/" + main + "/waiting-lists", want: casework},
		"GET /api/v1/intakes/{intakeId}/obligations":          {path: "/api/v1/intakes/" + main + "/obligations", want: casework},
		"POST /api/v1/admission-runs":                         {path: "/api/v1/admission-runs", contentType: jsonType, body: body(`{"intakeId":"` + main + `","seed":3}`), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, missing, created}},
		"GET /api/v1/admission-runs/{runId}":                  {path: "/api/v1/admission-runs/" + f.draft1.String(), want: casework},
		"POST /api/v1/admission-approvals":                    {path: "/api/v1/admission-approvals", contentType: jsonType, body: body(`{"runId":"` + f.draft2.String() + `"}`), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, missing, conflict}},
		"GET /api/v1/children/{childId}/applications":         {path: "/api/v1/children/" + emil + "/applications", want: parentOrMunicipal},
		"GET /api/v1/children/{childId}/applications/prefill": {path: "/api/v1/children/" + emil + "/applications/prefill?intakeId=" + main, want: parentOnly(ok)},
		"POST /api/v1/children/{childId}/applications": {path: "/api/v1/children/" + emil + "/applications", contentType: jsonType,
			body: body(`{"intakeId":"` + f.extra.String() + `","preferences":["` + f.bjorkeliaStr + `"],"hours":41}`), want: parentOnly(created)},
		"GET /api/v1/children/{childId}/applications/{applicationId}":          {path: "/api/v1" + app, want: parentOrMunicipal},
		"GET /api/v1/children/{childId}/applications/{applicationId}/decision": {path: "/api/v1" + app + "/decision?lang=en", want: parentOrMunicipal},
		"POST /api/v1/children/{childId}/offers/{offer}/accept":                {path: "/api/v1/children/" + nora + "/offers/" + f.offers[1].String() + "/accept", contentType: jsonType, body: body(`{}`), want: parentOnly(ok)},
		"POST /api/v1/children/{childId}/offers/{offer}/decline":               {path: "/api/v1/children/" + nora + "/offers/" + f.offers[3].String() + "/decline", contentType: jsonType, body: body(`{}`), want: parentOnly(ok)},
		"GET /admission":                {path: "/admission", want: [8]int{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"GET /children/{childId}/apply": {path: "/children/" + emil + "/apply?intake=" + main, want: parentOnly(ok)},
		"POST /children/{childId}/applications": {path: "/children/" + emil + "/applications", contentType: form,
			body: body(url.Values{"intake": {main}, "choice1": {f.bjorkeliaStr}, "hours": {"41"}}.Encode()), want: parentOnly(see)},
		"GET /children/{childId}/applications/{applicationId}":          {path: app, want: parentOrMunicipal},
		"GET /children/{childId}/applications/{applicationId}/decision": {path: app + "/decision", want: parentOrMunicipal},
		"POST /children/{childId}/offers/{offer}/accept":                {path: "/children/" + emil + "/offers/" + f.offers[0].String() + "/accept", contentType: form, want: parentOnly(see)},
		"POST /children/{childId}/offers/{offer}/decline":               {path: "/children/" + emil + "/offers/" + f.offers[2].String() + "/decline", contentType: form, want: parentOnly(see)},
		"GET /admission/intakes":                                        {path: "/admission/intakes", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}},
		"GET /admission/intakes/{intakeId}":                             {path: "/admission/intakes/" + main, want: casework},
		"POST /admission/intakes/{intakeId}/runs":                       {path: "/admission/intakes/" + main + "/runs", contentType: form, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, missing, see}},
		"GET /admission/intakes/{intakeId}/waiting-lists":               {path: "/admission/intakes/" + main + "/waiting-lists", want: casework},
		"GET /admission/intakes/{intakeId}/obligations":                 {path: "/admission/intakes/" + main + "/obligations", want: casework},
		"GET /admission/runs/{runId}":                                   {path: "/admission/runs/" + f.draft1.String(), want: casework},
		"POST /admission/runs/{runId}/approve":                          {path: "/admission/runs/" + f.draft1.String() + "/approve", contentType: form, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, missing, conflict}},
	}
}

// The whole round through the API: the guardian applies for Emil
// (pre-filled), the caseworker runs the main intake and approves it (a
// second approval is 409), the caseworker sees the offer but may not
// answer it, the guardian accepts (a placement), and the decision letter
// is rendered in the language asked for. Every step is in the audit log.
func TestAdmissionRoundThroughTheAPI(t *testing.T) {
	ta := newTestApp(t)
	f := newAdmissionFixture(ta)
	guardian, caseworker := ta.cookieFor(t, personaGuardian), ta.cookieFor(t, personaCaseworker)
	emil := f.emil.String()
	base := "/api/v1/children/" + emil + "/applications"

	resp := ta.do(t, guardian, "GET", base+"/prefill?intakeId="+f.main.String(), "", "")
	require.Equal(t, 200, resp.status, resp.body)
	var pre admission.Application
	require.NoError(t, json.Unmarshal([]byte(resp.body), &pre))
	assert.Len(t, pre.Guardians, 2, "both guardians with parental responsibility are pre-filled")

	// Too many preferences: 422 naming the field, nothing stored.
	resp = ta.do(t, guardian, "POST", base, "application/json", fmt.Sprintf(`{"intakeId":%q,"preferences":[%q,%q,%q,%q],"hours":41}`, f.main, ta.bjorkelia, ta.bjorkelia, ta.bjorkelia, ta.bjorkelia))
	require.Equal(t, 422, resp.status, resp.body)
	assert.Contains(t, resp.body, `"field":"preferences`)

	units, err := ta.store.Intake(t.Context(), demoMunicipality, f.main)
	require.NoError(t, err)
	var prefs []string
	for _, s := range units.Seats {
		prefs = append(prefs, fmt.Sprintf("%q", s.Unit))
	}
	resp = ta.do(t, guardian, "POST", base, "application/json", fmt.Sprintf(`{"intakeId":%q,"preferences":[%s],"hours":32,"statutory":{"claimed":true,"documented":"received"}}`, f.main, strings.Join(prefs, ",")))
	require.Equal(t, 201, resp.status, resp.body)
	var view admission.ApplicationView
	require.NoError(t, json.Unmarshal([]byte(resp.body), &view))
	assert.Equal(t, admission.StatusReceived, view.Status)
	assert.Equal(t, admission.DocReceived, view.Application.Statutory.Documented, "a claim arrives unverified")
	again := ta.do(t, guardian, "POST", base, "application/json", fmt.Sprintf(`{"intakeId":%q,"preferences":[%s],"hours":32}`, f.main, prefs[0]))
	assert.Equal(t, 409, again.status, "a second application in the intake")

	// The § 47 parent may not read the application.
	assert.Equal(t, 403, ta.do(t, ta.cookieFor(t, personaOtherParent), "GET", base+"/"+view.Application.ID.String(), "", "").status)

	resp = ta.do(t, caseworker, "POST", "/api/v1/admission-runs", "application/json", fmt.Sprintf(`{"intakeId":%q,"seed":42}`, f.main))
	require.Equal(t, 201, resp.status, resp.body)
	var run admission.Run
	require.NoError(t, json.Unmarshal([]byte(resp.body), &run))
	assert.Equal(t, run.Stats.Children, len(run.Results))
	assert.Zero(t, run.Stats.JustifiedEnvy)
	assert.Equal(t, 2, run.Stats.Statutory, "the seeded verified claims count")
	assert.Equal(t, 2, run.Stats.StatutoryPlaced, "statutory priority is met")
	approve := fmt.Sprintf(`{"runId":%q}`, run.ID)
	resp = ta.do(t, caseworker, "POST", "/api/v1/admission-approvals", "application/json", approve, "Idempotency-Key", "approve-1")
	require.Equal(t, 200, resp.status, resp.body)
	retry := ta.do(t, caseworker, "POST", "/api/v1/admission-approvals", "application/json", approve, "Idempotency-Key", "approve-1")
	assert.Equal(t, 200, retry.status, "a retry gets the first answer")
	assert.Equal(t, resp.body, retry.body)
	assert.Equal(t, 409, ta.do(t, caseworker, "POST", "/api/v1/admission-approvals", "application/json", approve).status, "approved once")

	resp = ta.do(t, guardian, "GET", base+"/"+view.Application.ID.String(), "", "")
	require.Equal(t, 200, resp.status)
	require.NoError(t, json.Unmarshal([]byte(resp.body), &view))
	require.Equal(t, admission.StatusOffered, view.Status, "Emil ranks every unit and there are seats for all")
	require.Len(t, view.Offers, 1)
	offer := "/api/v1/children/" + emil + "/offers/" + view.Offers[0].ID.String()

	assert.Equal(t, 403, ta.do(t, caseworker, "POST", offer+"/accept", "application/json", `{}`).status, "the caseworker sees the offer but may not answer it")
	assert.Equal(t, 404, ta.do(t, guardian, "POST", "/api/v1/children/"+f.nora.String()+"/offers/"+view.Offers[0].ID.String()+"/accept", "application/json", `{}`).status, "an offer of another child")
	resp = ta.do(t, guardian, "POST", offer+"/accept", "application/json", `{}`)
	require.Equal(t, 200, resp.status, resp.body)
	var pl placementView
	require.NoError(t, json.Unmarshal([]byte(resp.body), &pl))
	assert.Equal(t, view.Offers[0].Unit, pl.UnitID)
	assert.Equal(t, 32, pl.HoursPerWeek)
	assert.Equal(t, 409, ta.do(t, guardian, "POST", offer+"/decline", "application/json", `{}`).status, "answered once")

	resp = ta.do(t, guardian, "GET", base+"/"+view.Application.ID.String()+"/decision?lang=en", "", "")
	require.Equal(t, 200, resp.status, resp.body)
	var d decisionView
	require.NoError(t, json.Unmarshal([]byte(resp.body), &d))
	assert.Contains(t, d.Letter, "Emil Berg is offered a place at")
	assert.Equal(t, 422, ta.do(t, guardian, "GET", base+"/"+view.Application.ID.String()+"/decision?lang=de", "", "").status)

	// The pages: the run explains every child with names, not IDs; the
	// guardian's page shows the accepted place.
	page := ta.do(t, caseworker, "GET", "/admission/runs/"+run.ID.String(), "", "")
	require.Equal(t, 200, page.status)
	assert.Contains(t, page.body, "Emil Berg")
	assert.NotContains(t, page.body, ta.bjorkelia.String())
	page = ta.do(t, guardian, "GET", "/children/"+emil+"/applications/"+view.Application.ID.String(), "", "")
	assert.Contains(t, page.body, "takket ja")

	entries, err := ta.store.AuditEntries(t.Context(), demoMunicipality, f.emil, domain.AuditID{}, 200)
	require.NoError(t, err)
	actions := map[string]bool{}
	for _, e := range entries {
		actions[e.Action] = true
	}
	for _, a := range []string{"admission.prefill", "admission.apply", "admission.run", "admission.approve", "admission.offer.accept", "admission.decision.read", "admission.run.read"} {
		assert.True(t, actions[a], "audit log has %s", a)
	}
}

// The application form re-renders with the refused field when the
// domain refuses it, and a good form ends on the application's page.
func TestApplyForm(t *testing.T) {
	ta := newTestApp(t)
	f := newAdmissionFixture(ta)
	guardian := ta.cookieFor(t, personaGuardian)
	path := "/children/" + f.nora.String() + "/applications"
	form := url.Values{"intake": {f.extra.String()}, "choice1": {ta.bjorkelia.String()}, "choice2": {ta.bjorkelia.String()}, "hours": {"41"}}
	resp := ta.do(t, guardian, "POST", path, "application/x-www-form-urlencoded", form.Encode())
	assert.Equal(t, 422, resp.status)
	assert.Contains(t, resp.body, "2. valg er allerede valgt")
	form.Del("choice2")
	form.Set("hours", "0")
	resp = ta.do(t, guardian, "POST", path, "application/x-www-form-urlencoded", form.Encode())
	assert.Equal(t, 422, resp.status)
	assert.Contains(t, resp.body, "Timer per uke: must be from 1 to")
	form.Set("hours", "20")
	resp = ta.do(t, guardian, "POST", path, "application/x-www-form-urlencoded", form.Encode())
	require.Equal(t, 303, resp.status, resp.body)
	assert.Contains(t, resp.header.Get("Location"), path+"/")
}

// The background job lapses offers past their deadline; the seat goes to
// the next child waiting.
func TestLapseOffers(t *testing.T) {
	ta := newTestApp(t)
	newAdmissionFixture(ta)
	assert.Zero(t, lapseOffers(t.Context(), ta.a), "no offer is past its deadline yet")
	ta.a.clock = domain.FixedClock(testNow.AddDate(0, 1, 0))
	assert.Equal(t, 4, lapseOffers(t.Context(), ta.a), "the four open offers of the fixture lapse")
	due, err := ta.store.DueOffers(t.Context(), demoMunicipality, testNow.AddDate(0, 1, 0))
	require.NoError(t, err)
	assert.Empty(t, due, "none is left open")
	assert.Zero(t, lapseOffers(t.Context(), ta.a), "a second pass lapses nothing")
}
