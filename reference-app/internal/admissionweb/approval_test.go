package admissionweb_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The run page's approve button leads to a confirmation page that says
// what approval will send, in every language; before the application
// deadline the approval needs a reason (refused without one, nothing
// sent); after it a success page says what was sent, and the reason is in
// the audit log.
func TestApprovalConfirmationAndSuccess(t *testing.T) {
	ta := webtest.New(t)
	f := webtest.NewAdmissionFixture(ta)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	run := "/admission/runs/" + f.Draft1.String()
	p, err := ta.App.Admission().PreviewApproval(t.Context(), f.Caseworker, f.Draft1)
	require.NoError(t, err)
	require.Equal(t, 2, p.Offers, "Emil and Nora are placed")
	require.True(t, p.BeforeDeadline, "the fixture's intakes are open")

	page := ta.Do(t, cw, "GET", run, "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, `href="`+run+`/approve"`, "the run page leads to the confirmation")
	assert.NotContains(t, page.Body, `action="`+run+`/approve"`, "no one-click approval on the run page")
	assert.Contains(t, page.Body, "Ingenting er sendt til familiene ennå.")

	for lang, want := range map[string][]string{
		"nb": {"med varsel til familien: 2.", "også for dem som ikke får plass: 2.", "senest " + domain.LongDate(p.AnswerBy, "nb"), "Søknadsfristen (" + domain.LongDate(p.ApplicationDeadline, "nb") + ") er ikke ute", ">Godkjenn</button>", ">Tilbake</a>"},
		"nn": {"med varsel til familien: 2.", "også for dei som ikkje får plass: 2.", "seinast " + domain.LongDate(p.AnswerBy, "nn"), ">Godkjenn</button>", ">Tilbake</a>"},
		"en": {"each family notified: 2.", "including those without a place: 2.", "by " + domain.LongDate(p.AnswerBy, "en"), "has not passed", ">Approve</button>", ">Back</a>"},
	} {
		page := ta.Do(t, cw+"; "+web.LangCookie+"="+lang, "GET", run+"/approve", "", "")
		require.Equal(t, 200, page.Status, lang)
		for _, w := range want {
			assert.Contains(t, page.Body, w, lang)
		}
		assert.NotContains(t, page.Body, p.AnswerBy.String(), "no ISO date")
	}
	assert.Empty(t, ta.AuditedAs(t, "admission.approve"), "looking at the confirmation changes nothing")

	// Without a reason before the deadline: refused, the form again with
	// the field's error, nothing sent.
	page = ta.Do(t, cw, "POST", run+"/approve", "application/x-www-form-urlencoded", url.Values{"reason": {"  "}}.Encode())
	require.Equal(t, 422, page.Status)
	assert.Contains(t, page.Body, `id="reason-error"`)
	assert.Contains(t, page.Body, "skriv hvorfor tilbudene skal sendes nå")
	assert.Contains(t, page.Body, "ds-error-summary")
	stored, err := ta.Store.Run(t.Context(), demo.Municipality, f.Draft1)
	require.NoError(t, err)
	assert.False(t, stored.IsApproved(), "not approved")
	offers, err := ta.Store.IntakeOffers(t.Context(), demo.Municipality, stored.Intake)
	require.NoError(t, err)
	assert.Empty(t, offers, "nothing sent")

	page = ta.Do(t, cw, "POST", run+"/approve", "application/x-www-form-urlencoded", url.Values{"reason": {"Styret vil svare familiene før jul"}}.Encode())
	require.Equal(t, 303, page.Status, page.Body)
	assert.Equal(t, run+"/approved", page.Header.Get("Location"))
	offers, err = ta.Store.IntakeOffers(t.Context(), demo.Municipality, stored.Intake)
	require.NoError(t, err)
	assert.Len(t, offers, 2)
	reasons := ta.AuditedAs(t, "admission.approve.reason")
	require.Len(t, reasons, 1)
	assert.Contains(t, reasons[0].Record, "Styret vil svare familiene før jul")

	page = ta.Do(t, cw, "GET", run+"/approved", "", "")
	require.Equal(t, 200, page.Status)
	for _, w := range []string{"Fordelingen er godkjent", "Tilbud sendt: 2.", "senest " + domain.LongDate(p.AnswerBy, "nb"), "Vedtaksbrev klare: 2.",
		"Emil Berg", "Nora Berg", "/decision", `href="` + run + `"`, "Siri Saksbehandler"} {
		assert.Contains(t, page.Body, w)
	}
	assert.NotRegexp(t, loginID, page.Body)
	assert.NotEmpty(t, ta.AuditedAs(t, "admission.approval.read"), "the success page's read of the children is logged")
	// The confirmation of an approved run leads to what was sent.
	page = ta.Do(t, cw, "GET", run+"/approve", "", "")
	assert.Equal(t, 303, page.Status)
	assert.Equal(t, run+"/approved", page.Header.Get("Location"))
}

// The API: a preview before approval, and the approval refused without a
// reason before the application deadline.
func TestApprovalThroughTheAPI(t *testing.T) {
	ta := webtest.New(t)
	f := webtest.NewAdmissionFixture(ta)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	resp := ta.Do(t, cw, "GET", "/api/v1/admission-runs/"+f.Draft2.String()+"/approval-preview", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var p admission.ApprovalPreview
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &p))
	assert.Equal(t, 2, p.Offers)
	assert.Equal(t, 2, p.Letters)
	assert.True(t, p.BeforeDeadline)
	assert.Equal(t, 403, ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/api/v1/admission-runs/"+f.Draft2.String()+"/approval-preview", "", "").Status)

	resp = ta.Do(t, cw, "POST", "/api/v1/admission-approvals", "application/json", fmt.Sprintf(`{"runId":%q}`, f.Draft2))
	require.Equal(t, 422, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"field":"reason"`)
	assert.Contains(t, resp.Body, admission.ReasonApproveBeforeDeadline)
	archived := func() int {
		ds, err := ta.Store.Deliveries(t.Context(), demo.Municipality)
		require.NoError(t, err)
		n := 0
		for _, d := range ds {
			if d.Medium == messaging.Archive && d.Kind == "archive.admission-decision" {
				n++
			}
		}
		return n
	}
	assert.Zero(t, archived(), "a refused approval archives nothing")
	resp = ta.Do(t, cw, "POST", "/api/v1/admission-approvals", "application/json", fmt.Sprintf(`{"runId":%q,"reason":"the board decided"}`, f.Draft2))
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Equal(t, 2, strings.Count(resp.Body, `"status":"open"`))
	// Each decision's archive copy, once: approving again is refused and
	// writes nothing.
	assert.Equal(t, 2, archived(), "one archive copy per decision letter")
	resp = ta.Do(t, cw, "POST", "/api/v1/admission-approvals", "application/json", fmt.Sprintf(`{"runId":%q,"reason":"again"}`, f.Draft2))
	assert.Equal(t, 409, resp.Status, resp.Body)
	assert.Equal(t, 2, archived())
	resp = ta.Do(t, cw, "GET", "/api/v1/admission-runs/"+f.Draft2.String()+"/approval-preview", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var done admission.ApprovalPreview
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &done))
	assert.False(t, done.Approved.IsZero())
	assert.Equal(t, 2, done.Offers, "what the approval sent")
	assert.Equal(t, p.AnswerBy, done.AnswerBy)
}
