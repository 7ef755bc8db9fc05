package admissionweb_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/admissionweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The whole round through the API: the guardian applies for Emil
// (pre-filled), the caseworker runs the main intake and approves it (a
// second approval is 409), the caseworker sees the offer but may not
// answer it, the guardian accepts (a placement), and the decision letter
// is rendered in the language asked for. Every step is in the audit log.
func TestAdmissionRoundThroughTheAPI(t *testing.T) {
	ta := webtest.New(t)
	f := webtest.NewAdmissionFixture(ta)
	guardian, caseworker := ta.CookieFor(t, demo.PersonaGuardian), ta.CookieFor(t, demo.PersonaCaseworker)
	emil := f.Emil.String()
	base := "/api/v1/children/" + emil + "/applications"

	resp := ta.Do(t, guardian, "GET", base+"/prefill?intakeId="+f.Main.String(), "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var pre admission.Application
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &pre))
	assert.Len(t, pre.Guardians, 2, "both guardians with parental responsibility are pre-filled")

	// Too many preferences: 422 naming the field, nothing stored.
	resp = ta.Do(t, guardian, "POST", base, "application/json", fmt.Sprintf(`{"intakeId":%q,"preferences":[%q,%q,%q,%q],"hours":41}`, f.Main, ta.Bjorkelia, ta.Bjorkelia, ta.Bjorkelia, ta.Bjorkelia))
	require.Equal(t, 422, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"field":"preferences`)

	units, err := ta.Store.Intake(t.Context(), demo.Municipality, f.Main)
	require.NoError(t, err)
	var prefs []string
	for _, s := range units.Seats {
		prefs = append(prefs, fmt.Sprintf("%q", s.Unit))
	}
	resp = ta.Do(t, guardian, "POST", base, "application/json", fmt.Sprintf(`{"intakeId":%q,"preferences":[%s],"hours":32,"statutory":{"claimed":true,"documented":"received"}}`, f.Main, strings.Join(prefs, ",")))
	require.Equal(t, 201, resp.Status, resp.Body)
	var view admission.ApplicationView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &view))
	assert.Equal(t, admission.StatusReceived, view.Status)
	assert.Equal(t, admission.DocReceived, view.Application.Statutory.Documented, "a claim arrives unverified")
	again := ta.Do(t, guardian, "POST", base, "application/json", fmt.Sprintf(`{"intakeId":%q,"preferences":[%s],"hours":32}`, f.Main, prefs[0]))
	assert.Equal(t, 409, again.Status, "a second application in the intake")

	// The § 47 parent may not read the application.
	assert.Equal(t, 403, ta.Do(t, ta.CookieFor(t, demo.PersonaOtherParent), "GET", base+"/"+view.Application.ID.String(), "", "").Status)

	resp = ta.Do(t, caseworker, "POST", "/api/v1/admission-runs", "application/json", fmt.Sprintf(`{"intakeId":%q,"seed":42,"reason":"the board meets early"}`, f.Main))
	require.Equal(t, 201, resp.Status, resp.Body)
	var run admission.Run
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &run))
	assert.Equal(t, "/api/v1/admission-runs/"+run.ID.String(), resp.Header.Get("Location"))
	assert.Empty(t, run.Results, "the run's answer has its statistics; its results are paged")
	assert.Equal(t, run.Stats.Children, len(runResults(t, ta, caseworker, run.ID, 2)), "every child's result, across the pages")
	assert.Zero(t, run.Stats.JustifiedEnvy)
	assert.Equal(t, 2, run.Stats.Statutory, "the seeded verified claims count")
	assert.Equal(t, 2, run.Stats.StatutoryPlaced, "statutory priority is met")
	refused := ta.Do(t, caseworker, "POST", "/api/v1/admission-approvals", "application/json", fmt.Sprintf(`{"runId":%q}`, run.ID))
	require.Equal(t, 422, refused.Status, "before the application deadline only with a reason")
	approve := fmt.Sprintf(`{"runId":%q,"reason":"the board meets early"}`, run.ID)
	resp = ta.Do(t, caseworker, "POST", "/api/v1/admission-approvals", "application/json", approve, "Idempotency-Key", "approve-1")
	require.Equal(t, 200, resp.Status, resp.Body)
	retry := ta.Do(t, caseworker, "POST", "/api/v1/admission-approvals", "application/json", approve, "Idempotency-Key", "approve-1")
	assert.Equal(t, 200, retry.Status, "a retry gets the first answer")
	assert.Equal(t, resp.Body, retry.Body)
	assert.Equal(t, 409, ta.Do(t, caseworker, "POST", "/api/v1/admission-approvals", "application/json", approve).Status, "approved once")

	resp = ta.Do(t, guardian, "GET", base+"/"+view.Application.ID.String(), "", "")
	require.Equal(t, 200, resp.Status)
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &view))
	require.Equal(t, admission.StatusOffered, view.Status, "Emil ranks every unit and there are seats for all")
	require.Len(t, view.Offers, 1)
	offer := "/api/v1/children/" + emil + "/offers/" + view.Offers[0].ID.String()

	assert.Equal(t, 403, ta.Do(t, caseworker, "POST", offer+"/accept", "application/json", `{}`).Status, "the caseworker sees the offer but may not answer it")
	assert.Equal(t, 404, ta.Do(t, guardian, "POST", "/api/v1/children/"+f.Nora.String()+"/offers/"+view.Offers[0].ID.String()+"/accept", "application/json", `{}`).Status, "an offer of another child")
	resp = ta.Do(t, guardian, "POST", offer+"/accept", "application/json", `{}`)
	require.Equal(t, 200, resp.Status, resp.Body)
	var pl web.PlacementView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &pl))
	assert.Equal(t, view.Offers[0].Unit, pl.UnitID)
	assert.Equal(t, 32, pl.HoursPerWeek)
	assert.Equal(t, 409, ta.Do(t, guardian, "POST", offer+"/decline", "application/json", `{}`).Status, "answered once")

	resp = ta.Do(t, guardian, "GET", base+"/"+view.Application.ID.String()+"/decision?lang=en", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var d admissionweb.DecisionView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &d))
	assert.Contains(t, d.Letter, "Emil Berg is offered a place at")
	assert.Equal(t, 422, ta.Do(t, guardian, "GET", base+"/"+view.Application.ID.String()+"/decision?lang=de", "", "").Status)

	// The pages: the run explains every child with names, not IDs; the
	// guardian's page shows the accepted place.
	page := ta.Do(t, caseworker, "GET", "/admission/runs/"+run.ID.String(), "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "Emil Berg")
	// (A unit's ID is only the value of the filter's option and links.)
	shown := regexp.MustCompile(`(value|href)="[^"]*"`).ReplaceAllString(page.Body, "")
	assert.NotContains(t, shown, ta.Bjorkelia.String())
	page = ta.Do(t, guardian, "GET", "/children/"+emil+"/applications/"+view.Application.ID.String(), "", "")
	assert.Contains(t, page.Body, "takket ja")

	entries, err := ta.Store.AuditEntries(t.Context(), demo.Municipality, f.Emil, domain.AuditID{}, 200)
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
	ta := webtest.New(t)
	f := webtest.NewAdmissionFixture(ta)
	guardian := ta.CookieFor(t, demo.PersonaGuardian)
	path := "/children/" + f.Nora.String() + "/applications"
	form := url.Values{"intake": {f.Extra.String()}, "choice1": {ta.Bjorkelia.String()}, "choice2": {ta.Bjorkelia.String()}, "hours": {"41"}}
	resp := ta.Do(t, guardian, "POST", path, "application/x-www-form-urlencoded", form.Encode())
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, "2. valg er allerede valgt")
	form.Del("choice2")
	form.Set("hours", "0")
	resp = ta.Do(t, guardian, "POST", path, "application/x-www-form-urlencoded", form.Encode())
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, "Timer per uke: må være fra 1 til 60")
	form.Set("hours", "20")
	resp = ta.Do(t, guardian, "POST", path, "application/x-www-form-urlencoded", form.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	assert.Contains(t, resp.Header.Get("Location"), path+"/")
}

// The background job lapses offers past their deadline; the seat goes to
// the next child waiting.
func TestLapseOffers(t *testing.T) {
	ta := webtest.New(t)
	webtest.NewAdmissionFixture(ta)
	assert.Zero(t, admissionweb.LapseOffers(t.Context(), ta.App), "no offer is past its deadline yet")
	ta.App.Clock = domain.FixedClock(webtest.Now.AddDate(0, 1, 0))
	assert.Equal(t, 4, admissionweb.LapseOffers(t.Context(), ta.App), "the four open offers of the fixture lapse")
	due, err := ta.Store.DueOffers(t.Context(), demo.Municipality, webtest.Now.AddDate(0, 1, 0))
	require.NoError(t, err)
	assert.Empty(t, due, "none is left open")
	assert.Zero(t, admissionweb.LapseOffers(t.Context(), ta.App), "a second pass lapses nothing")
}
