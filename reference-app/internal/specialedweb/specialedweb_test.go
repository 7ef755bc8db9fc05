package specialedweb_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/specialedweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
	"github.com/oppvekst/oppvekst/specialed"
)

const form = "application/x-www-form-urlencoded"

// The words of the story's case that no outsider may ever read.
const (
	concern = "Sofie blander bokstaver og strever med lesing."
	reasons = "Skolen har allerede en lærer med spesialpedagogisk kompetanse i klassen."
)

func nordbySkole(t *testing.T, ta *webtest.Harness) string {
	units, err := ta.Store.Units(t.Context(), demo.Municipality)
	require.NoError(t, err)
	for _, u := range units {
		if u.Name == "Nordby skole" {
			return u.ID.String()
		}
	}
	t.Fatal("no Nordby skole")
	return ""
}

func post(t *testing.T, ta *webtest.Harness, who, path string, v url.Values) webtest.Response {
	t.Helper()
	return ta.Do(t, ta.CookieFor(t, who), "POST", path, form, v.Encode())
}

// The whole story through the pages: a concern, the guardian's consent,
// the referral, PPT's assessment, a decision that departs from PPT in
// one point (refused without reasons, with the typed values kept and the
// error in the user's language; then made with them), the guardian reads
// the letter (page and PDF), the staff write the plan and the first
// report; and those the law keeps out see nothing of it.
func TestStory(t *testing.T) {
	ta := webtest.New(t)
	school := nordbySkole(t, ta)

	// Staff of the unit record the concern.
	r := ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "GET", "/special-education/new", "", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "Sofie Berg")
	r = post(t, ta, demo.PersonaStaff, "/special-education/new", url.Values{"child": {school + "/" + ta.Sofie.String()}, "concern": {""}})
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "Bekymring: må fylles ut")
	r = post(t, ta, demo.PersonaStaff, "/special-education/new", url.Values{"child": {school + "/" + ta.Sofie.String()}, "concern": {concern}})
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	casePath := r.Header.Get("Location")
	require.True(t, strings.HasPrefix(casePath, "/special-education/cases/"), casePath)
	id := strings.TrimPrefix(casePath, "/special-education/cases/")

	// The guardian sees that the case waits on her consent, and gives it.
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", casePath, "", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "kommunen trenger samtykket ditt")
	assert.Contains(t, r.Body, concern)
	// Staff may not consent for her.
	assert.Equal(t, http.StatusForbidden, post(t, ta, demo.PersonaStaff, casePath+"/steps", url.Values{"step": {"consent"}}).Status)
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaGuardian, casePath+"/steps", url.Values{"step": {"consent"}}).Status)

	// PPT sees nothing before the referral.
	assert.Equal(t, http.StatusNotFound, ta.Do(t, ta.CookieFor(t, demo.PersonaPPT), "GET", casePath, "", "").Status)
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "GET", casePath, "", "")
	require.Contains(t, r.Body, demo.PPTName)
	ppts, err := ta.Store.PPTs(t.Context(), demo.Municipality)
	require.NoError(t, err)
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaStaff, casePath+"/steps",
		url.Values{"step": {"referral"}, "ppt": {ppts[0].ID.String()}, "text": {"Henvist for sakkyndig vurdering av lesing."}}).Status)

	// PPT records the assessment with its recommendation.
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaPPT), "GET", "/special-education", "", "")
	assert.Contains(t, r.Body, "Sofie Berg")
	rec := url.Values{"step": {"assessment"}, "outcome": {"granted"}, "kind": {"individually-adapted-education"}, "teacher": {"5"}, "assistant": {"3"},
		"organisation": {"I liten gruppe og i klassen"}, "from": {"2026-01-05"}, "to": {"2026-06-19"}, "text": {"Sofie har behov for individuelt tilrettelagt opplæring."}}
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaPPT, casePath+"/steps", rec).Status)
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaPPT, casePath+"/documents",
		url.Values{"kind": {"assessment"}, "title": {"Sakkyndig vurdering"}, "body": {"Vurderingen i sin helhet."}}).Status)

	// The caseworker's worklist has the case; the decision gives fewer
	// assistant hours than PPT recommended. Without reasons it is refused:
	// the form comes back with what was typed and the error at its field.
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/special-education", "", "")
	assert.Contains(t, r.Body, "Sofie Berg")
	dec := url.Values{}
	for k, v := range rec {
		dec[k] = v
	}
	dec.Set("step", "decision")
	dec.Set("assistant", "2")
	dec.Set("text", "")
	r = post(t, ta, demo.PersonaCaseworker, casePath+"/steps", dec)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "Begrunnelse for avvik fra PPT: vedtaket avviker fra PPTs tilråding, så begrunnelsen må fylles ut: timer med assistent")
	assert.Contains(t, r.Body, `name="assistant" inputmode="decimal" value="2"`)
	assert.Contains(t, r.Body, `name="reason" aria-invalid="true"`)
	dec.Set("reason", reasons)
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaCaseworker, casePath+"/steps", dec).Status)

	// The guardian reads the letter: the decision, the departure and its
	// reasons, the appeal; printable and as a PDF.
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", casePath+"/letter", "", "")
	require.Equal(t, http.StatusOK, r.Status)
	for _, want := range []string{"Vedtak om individuelt tilrettelagt opplæring", reasons, "timer med assistent", "tre uker", "Hilde Berg"} {
		assert.Contains(t, r.Body, want)
	}
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", casePath+"/letter.pdf", "", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.True(t, strings.HasPrefix(r.Body, "%PDF"))
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/api/v1/special-education/cases/"+id+"/letter?lang=en", "", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "individually adapted education")

	// The staff write the plan and the first report.
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaStaff, casePath+"/steps", url.Values{"step": {"plan"}, "text": {"IOP for våren."}}).Status)
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaStaff, casePath+"/documents",
		url.Values{"kind": {"plan"}, "title": {"IOP"}, "body": {"Mål: lese enkle tekster."}}).Status)
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaStaff, casePath+"/steps", url.Values{"step": {"report"}, "text": {"Første rapport: god framgang."}}).Status)

	r = ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/api/v1/special-education/cases/"+id, "", "")
	require.Equal(t, http.StatusOK, r.Status)
	var v specialedweb.CaseView
	require.NoError(t, json.Unmarshal([]byte(r.Body), &v))
	var steps []specialed.StepID
	for _, e := range v.History {
		steps = append(steps, e.Step)
	}
	assert.Equal(t, []specialed.StepID{"concern", "consent", "referral", "assessment", "decision", "plan", "report"}, steps)
	require.NotNil(t, v.Case.Decision)
	assert.Equal(t, "2", v.Case.Decision.HoursOf(specialed.Assistant).String())
	assert.Equal(t, reasons, v.Case.DecisionReason)
	assert.Len(t, v.Documents, 2)
	assert.Equal(t, specialed.StepReport, v.Waiting)

	// Those the law keeps out see nothing, not even that there is a case.
	for _, who := range []string{demo.PersonaOtherParent, demo.PersonaOtherGuardian, demo.PersonaOtherStaff, demo.PersonaOtherMunicipality, demo.PersonaAdmin} {
		for _, path := range []string{casePath, casePath + "/letter", casePath + "/letter.pdf", "/api/v1/special-education/cases/" + id, "/api/v1/special-education/cases/" + id + "/letter"} {
			assert.Equal(t, http.StatusNotFound, ta.Do(t, ta.CookieFor(t, who), "GET", path, "", "").Status, "%s %s", who, path)
		}
		r := ta.Do(t, ta.CookieFor(t, who), "GET", "/api/v1/special-education/worklist", "", "")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Equal(t, "[]", strings.TrimSpace(r.Body), who)
		r = post(t, ta, who, casePath+"/steps", url.Values{"step": {"end"}, "text": {"x"}})
		assert.Contains(t, []int{http.StatusNotFound}, r.Status, who)
	}
	// Every read was logged.
	assert.NotEmpty(t, ta.AuditedAs(t, specialed.AuditRead))
	assert.NotEmpty(t, ta.AuditedAs(t, specialed.AuditLetter))
}

// A step past its deadline comes first on the worklist, and the guardian
// it waits on gets one notice however often the worklist is read and the
// reminder job runs.
func TestOverdueOnWorklistAndOneNotice(t *testing.T) {
	ta := webtest.New(t)
	ctx := context.Background()
	school := nordbySkole(t, ta)
	r := ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "POST", "/api/v1/special-education/cases", "application/json",
		`{"childId":"`+ta.Sofie.String()+`","unitId":"`+school+`","concern":"`+concern+`"}`)
	require.Equal(t, http.StatusCreated, r.Status, r.Body)
	var v specialedweb.CaseView
	require.NoError(t, json.Unmarshal([]byte(r.Body), &v))
	assert.Equal(t, specialed.StepConsent, v.Waiting)
	assert.False(t, v.Overdue)

	overdue := func() int {
		ds, err := ta.Store.Deliveries(ctx, demo.Municipality)
		require.NoError(t, err)
		n := 0
		for _, d := range ds {
			if d.Kind == specialed.KindOverdue {
				n++
			}
		}
		return n
	}
	// Before the deadline: the guardian is told once that consent waits.
	specialedweb.Remind(ctx, ta.App)
	assert.Zero(t, overdue())

	before := ta.App.Clock
	t.Cleanup(func() { ta.App.Clock = before })
	ta.App.Clock = domain.FixedClock(webtest.Now.Add(20 * 24 * time.Hour))
	for range 3 {
		r = ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/api/v1/special-education/worklist", "", "")
		require.Equal(t, http.StatusOK, r.Status)
		var items []specialedweb.ItemView
		require.NoError(t, json.Unmarshal([]byte(r.Body), &items))
		require.NotEmpty(t, items)
		assert.Equal(t, v.Case.ID, items[0].Case)
		assert.True(t, items[0].Overdue)
		page := ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/special-education", "", "")
		assert.Contains(t, page.Body, "Over fristen")
	}
	assert.Zero(t, overdue(), "reading the worklist sends nothing")
	gs, err := ta.Store.Guardianships(ctx, demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	responsible := 0
	for _, g := range gs {
		if g.ParentalResponsibility {
			responsible++
		}
	}
	require.Positive(t, responsible)
	sent := specialedweb.Remind(ctx, ta.App)
	assert.Equal(t, responsible, sent, "one notice to each guardian with parental responsibility, none to the § 47 parent")
	once := overdue()
	assert.Positive(t, once)
	for range 3 {
		assert.Zero(t, specialedweb.Remind(ctx, ta.App))
		ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/special-education", "", "")
	}
	assert.Equal(t, once, overdue())
	rs, err := ta.Store.Reminders(ctx, demo.Municipality, v.Case.ID)
	require.NoError(t, err)
	n := 0
	for _, x := range rs {
		if strings.HasPrefix(x.Key, specialed.KindOverdue+"/") {
			n++
		}
	}
	assert.Equal(t, responsible, n)
}

// A step that waits on staff, past its deadline, puts one e-mail in the
// outbox for each staff member it waits on, at the work address set on
// the staff admin pages, with the link to the case page and without the
// child's name; run again, nothing more. A caseworker whose address the
// administrator has removed gets none, and the worklist says so.
func TestOverdueStaffStepEmailsTheStaff(t *testing.T) {
	ta := webtest.New(t)
	ctx := context.Background()
	ta.App.PublicURL = "https://oppvekst.demo-kommune.example"
	school := nordbySkole(t, ta)
	r := ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "POST", "/api/v1/special-education/cases", "application/json",
		`{"childId":"`+ta.Sofie.String()+`","unitId":"`+school+`","concern":"`+concern+`"}`)
	require.Equal(t, http.StatusCreated, r.Status, r.Body)
	var v specialedweb.CaseView
	require.NoError(t, json.Unmarshal([]byte(r.Body), &v))
	casePath := "/special-education/cases/" + v.Case.ID.String()
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaGuardian, casePath+"/steps", url.Values{"step": {"consent"}}).Status)

	kari, err := ta.Store.StaffByPrincipal(ctx, demo.Municipality, demo.StaffPrincipals[demo.PersonaStaff])
	require.NoError(t, err)
	require.Equal(t, "kari.laerer@demo-kommune.example", kari.Email, "the seed gives the staff a work address")
	siri, err := ta.Store.StaffByPrincipal(ctx, demo.Municipality, demo.StaffPrincipals[demo.PersonaCaseworker])
	require.NoError(t, err)
	// The administrator removes Siri's work address through the API.
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaAdmin), "PUT", "/api/v1/staff/"+siri.ID.String(), "application/json",
		`{"name":"`+siri.Name+`","principal":"`+siri.Principal+`","email":""}`)
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaAdmin), "PUT", "/api/v1/staff/"+siri.ID.String(), "application/json",
		`{"name":"`+siri.Name+`","principal":"`+siri.Principal+`","email":"not an address"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Body)

	toStaff := func() []string {
		ds, err := ta.Store.Deliveries(ctx, demo.Municipality)
		require.NoError(t, err)
		var out []string
		for _, d := range ds {
			if d.Kind == specialed.KindStaffOverdue {
				assert.Equal(t, "email", string(d.Medium))
				assert.True(t, d.Guardian.IsZero())
				assert.Equal(t, kari.ID, d.Staff)
				assert.Contains(t, d.Body, "https://oppvekst.demo-kommune.example"+casePath)
				assert.Contains(t, d.Body, "Henvisning til PP-tjenesten")
				assert.NotContains(t, d.Subject+d.Body, "Sofie")
				assert.NotContains(t, d.Subject+d.Body, "lesing")
				out = append(out, d.To)
			}
		}
		return out
	}
	specialedweb.Remind(ctx, ta.App)
	assert.Empty(t, toStaff(), "before the deadline no staff is told")

	// The referral was due 14 days after the consent.
	before := ta.App.Clock
	t.Cleanup(func() { ta.App.Clock = before })
	ta.App.Clock = domain.FixedClock(webtest.Now.Add(20 * 24 * time.Hour))
	for range 3 {
		ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/special-education", "", "")
	}
	assert.Empty(t, toStaff(), "reading the worklist sends nothing")
	specialedweb.Remind(ctx, ta.App)
	assert.Equal(t, []string{"kari.laerer@demo-kommune.example"}, toStaff(), "one e-mail, to the teacher given the case")
	for range 3 {
		assert.Zero(t, specialedweb.Remind(ctx, ta.App))
	}
	assert.Len(t, toStaff(), 1, "once, however often the job runs")

	page := ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/special-education", "", "")
	require.Equal(t, http.StatusOK, page.Status)
	assert.Contains(t, page.Body, "Varsel ikke sendt: mangler e-postadresse på jobb", "Siri has no work address")
	page = ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", casePath, "", "")
	assert.Contains(t, page.Body, "Varsel ikke sendt")
	page = ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", casePath, "", "")
	assert.NotContains(t, page.Body, "Varsel ikke sendt", "staff matters are not the guardian's")
}
