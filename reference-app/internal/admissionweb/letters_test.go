package admissionweb_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/pdf/pdftest"
	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/admissionweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

var isoDate = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// The letter template an administrator saves on its page is the one the
// decision letter uses; the letter, in nb, nn and en, from the API and on
// the printable page, carries every mandatory part, dates written out and
// no ISO date; a guardian whose address is protected gets a letter with
// no address; every read is audit-logged.
func TestDecisionLetter(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	f := webtest.NewAdmissionFixture(ta)
	guardian := ta.CookieFor(t, demo.PersonaGuardian)
	app := "/children/" + f.Emil.String() + "/applications/" + f.Application.String()

	// Before the administrator saves a letterhead the letter is written
	// under the municipality's name, and the appeal goes to it by name.
	resp := ta.Do(t, guardian, "GET", "/api/v1"+app+"/decision?lang=nb", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var unset admissionweb.DecisionView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &unset))
	assert.Equal(t, "Demo kommune", unset.Document.Sender.Name)
	assert.Contains(t, unset.Document.Text(), "Send klagen skriftlig til Demo kommune")
	assert.Contains(t, unset.Document.Text(), "Be om innsyn hos Demo kommune")

	admin := ta.CookieFor(t, demo.PersonaAdmin)
	resp = ta.Do(t, admin, "POST", "/admin/letter-template", "application/x-www-form-urlencoded", url.Values{
		"senderName": {"Demo kommune, oppvekst"}, "senderLines": {"Postboks 7\n9900 DEMOBY"}, "orgNumber": {"974770482"},
		"contact": {"post@demo.kommune.no"}, "appealBody": {"Statsforvalteren i Troms og Finnmark"},
		"opening.nb": {"Takk for søknaden din."}, "closing.nn": {"Helsing oppvekstkontoret"}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	before := len(ta.AuditedAs(t, "admission.decision.read"))
	decided := map[string]admission.Decision{}
	for lang, want := range map[string][]string{
		"nb": {"Vedtak om barnehageplass", "barnehageloven §§ 16–18", "Du kan klage på vedtaket", "tre uker fra den dagen du mottok",
			"forvaltningsloven § 18, med unntakene i § 19", "forvaltningsloven §§ 24 og 25", "Takk for søknaden din.", "saksbehandler"},
		"nn": {"Vedtak om barnehageplass", "barnehagelova §§ 16–18", "Du kan klage på vedtaket", "tre veker frå den dagen du fekk",
			"forvaltningslova § 18, med unntaka i § 19", "Helsing oppvekstkontoret", "saksbehandlar"},
		"en": {"Decision on a kindergarten place", "sections 16 to 18", "You may appeal this decision", "three weeks from the day you received",
			"section 18, with the exceptions in section 19", "caseworker"},
	} {
		resp := ta.Do(t, guardian, "GET", "/api/v1"+app+"/decision?lang="+lang, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var v admissionweb.DecisionView
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &v))
		doc := v.Document
		decided[lang] = v.Decision
		text := doc.Text()
		for _, w := range want {
			assert.Contains(t, text, w, lang)
		}
		assert.Contains(t, text, domain.LongDate(v.Decision.AppealBy, lang), "the deadline written out")
		assert.Contains(t, text, domain.LongDate(v.Decision.Decided, lang), "the date written out")
		assert.Contains(t, text, "Statsforvalteren i Troms og Finnmark", "the template's appeal body")
		assert.False(t, isoDate.MatchString(text), "no ISO date in %s:\n%s", lang, text)
		assert.Equal(t, "Demo kommune, oppvekst", doc.Sender.Name)
		assert.Equal(t, []string{"Postboks 7", "9900 DEMOBY"}, doc.Sender.Lines)
		require.Len(t, doc.Signature, 3)
		assert.NotEmpty(t, doc.Signature[0], "the caseworker's name")
		assert.Equal(t, "Siri Saksbehandler", doc.Signature[0], "who approved the run, by the staff register's name")
		assert.Equal(t, map[string]string{"nb": "saksbehandler", "nn": "saksbehandlar", "en": "caseworker"}[lang], doc.Signature[1])
		assert.Equal(t, "Hilde Berg", doc.Recipient.Name, "to the guardian reading it")
		assert.NotEmpty(t, doc.Recipient.Lines)
		assert.Equal(t, text, v.Letter, "the plain text is the document's")
	}
	assert.Len(t, ta.AuditedAs(t, "admission.decision.read"), before+3)

	// The printable page: the letter, its print rules, the PDF link.
	page := ta.Do(t, guardian, "GET", app+"/decision", "", "")
	require.Equal(t, 200, page.Status, page.Body)
	for _, w := range []string{"Vedtak om barnehageplass", "barnehageloven §§ 16–18", "Statsforvalteren i Troms og Finnmark", `class="no-print`, app + "/decision.pdf", "Org.nr. 974770482"} {
		assert.Contains(t, page.Body, w)
	}
	assert.False(t, isoDate.MatchString(page.Body[regexp.MustCompile(`<article`).FindStringIndex(page.Body)[0]:]), "no ISO date in the letter")
	css := ta.Do(t, guardian, "GET", "/static/app.css", "", "")
	assert.Contains(t, css.Body, "@media print")
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	page = ta.Do(t, cw, "GET", app+"/decision", "", "")
	require.Equal(t, 200, page.Status, page.Body)
	assert.Contains(t, page.Body, "Hilde Berg", "the caseworker sees the letter to the guardian with parental responsibility")

	// The PDF, for the guardian and the caseworker, in nb and nn.
	for _, who := range []string{guardian, cw} {
		for _, lang := range []string{"nb", "nn"} {
			pdf := ta.Do(t, who, "GET", app+"/decision.pdf?lang="+lang, "", "")
			require.Equal(t, 200, pdf.Status, pdf.Body)
			assert.Equal(t, "application/pdf", pdf.Header.Get("Content-Type"))
			assert.Equal(t, `inline; filename="vedtak-`+f.Application.String()+"-"+lang+`.pdf"`, pdf.Header.Get("Content-Disposition"))
			assert.True(t, strings.HasPrefix(pdf.Body, "%PDF-"), "a PDF")
			if who != guardian {
				continue
			}
			text := strings.Join(strings.Fields(pdftest.Text(t, []byte(pdf.Body))), " ")
			for _, w := range map[string][]string{
				"nb": {"Vedtak om barnehageplass", "barnehageloven §§ 16–18", "Du kan klage på vedtaket", "Klagefristen er tre uker", "forvaltningsloven § 18", "saksbehandler", "Statsforvalteren i Troms og Finnmark"},
				"nn": {"Vedtak om barnehageplass", "barnehagelova §§ 16–18", "Du kan klage på vedtaket", "Klagefristen er tre veker", "forvaltningslova § 18", "saksbehandlar", "Statsforvalteren i Troms og Finnmark"},
			}[lang] {
				assert.Contains(t, text, w, lang)
			}
			assert.Contains(t, text, domain.LongDate(decided[lang].AppealBy, lang), "the deadline written out")
			assert.False(t, isoDate.MatchString(text), "no ISO date in the PDF")
			pdftest.ValidatePDFA(t, []byte(pdf.Body))
		}
	}
	api := ta.Do(t, guardian, "GET", "/api/v1"+app+"/decision.pdf", "", "")
	require.Equal(t, 200, api.Status)
	assert.Equal(t, "application/pdf", api.Header.Get("Content-Type"))
	assert.Equal(t, 422, ta.Do(t, guardian, "GET", "/api/v1"+app+"/decision.pdf?lang=de", "", "").Status)

	// A protected address is never printed.
	hilde, err := ta.Store.Guardian(ctx, demo.Municipality, f.Guardian.Guardian)
	require.NoError(t, err)
	street := hilde.Address.Street
	require.NotEmpty(t, street)
	hilde.AddressProtection = domain.ProtectionFortrolig
	require.NoError(t, ta.Store.UpdateGuardian(ctx, hilde))
	resp = ta.Do(t, guardian, "GET", "/api/v1"+app+"/decision", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var v admissionweb.DecisionView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &v))
	assert.True(t, v.Document.Recipient.DigitalMailbox)
	assert.Empty(t, v.Document.Recipient.Lines)
	assert.NotContains(t, resp.Body, street)
	page = ta.Do(t, cw, "GET", app+"/decision", "", "")
	assert.NotContains(t, page.Body, street)
}

// A school starter's letters: the school start decision (the catchment
// school) and, after the guardian asked for another school and the
// caseworker refused, the school change decision — each with the
// mandatory parts in nb, nn and en, from the API, as a printable page and
// as a PDF; both audit-logged.
func TestSchoolLetters(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	m := demo.Municipality
	svc := &admission.Service{Store: ta.Store, Clock: domain.FixedClock(webtest.Now)}
	cw := domain.CaseworkerActor(m, "kari.saksbehandler").Named("Kari Saksbehandler")
	intakes, err := ta.Store.Intakes(ctx, m)
	require.NoError(t, err)
	var school admission.Intake
	for _, in := range intakes {
		if in.Kind == domain.School {
			school = in
		}
	}
	res, err := svc.RegisterSchoolStarters(ctx, cw, school.ID)
	require.NoError(t, err)
	var st admission.SchoolStarter
	var parent domain.GuardianID
	for _, s := range res.All {
		if s.Unit.IsZero() || !parent.IsZero() {
			continue
		}
		gs, err := ta.Store.Guardianships(ctx, m, s.Child)
		require.NoError(t, err)
		for _, g := range gs {
			if g.ParentalResponsibility {
				st, parent = s, g.GuardianID
			}
		}
	}
	require.False(t, parent.IsZero())
	units, err := ta.Store.Units(ctx, m)
	require.NoError(t, err)
	var other domain.UnitID
	for _, u := range units {
		if u.Kind == domain.School && u.ID != st.Unit {
			other = u.ID
		}
	}
	letter := "/children/" + st.Child.String() + "/school-start/" + school.ID.String() + "/letter"
	caseworker := ta.CookieFor(t, demo.PersonaCaseworker)
	for _, lang := range []string{"nb", "nn", "en"} {
		resp := ta.Do(t, caseworker, "GET", "/api/v1"+letter+"?lang="+lang, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var v admissionweb.SchoolLetterView
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &v))
		text := v.Document.Text()
		assert.Contains(t, text, map[string]string{"nb": "opplæringslova §§ 2-1 og 2-6", "nn": "opplæringslova §§ 2-1 og 2-6", "en": "sections 2-1 and 2-6"}[lang])
		assert.Contains(t, text, map[string]string{"nb": "Du kan klage på vedtaket", "nn": "Du kan klage på vedtaket", "en": "You may appeal this decision"}[lang])
		assert.Contains(t, text, domain.LongDate(v.Letter.Decided.AddDate(0, 0, v.Letter.Rules.AppealDays), lang))
		assert.Contains(t, text, map[string]string{"nb": "forvaltningsloven § 18", "nn": "forvaltningslova § 18", "en": "section 18"}[lang])
		assert.Equal(t, "Kari Saksbehandler", v.Document.Signature[0], "who registered the child")
		assert.False(t, isoDate.MatchString(text), "no ISO date:\n%s", text)
	}
	assert.Equal(t, 404, ta.Do(t, caseworker, "GET", "/api/v1"+letter+"?kind=change", "", "").Status, "no decided request yet")
	assert.Equal(t, 422, ta.Do(t, caseworker, "GET", "/api/v1"+letter+"?kind=other", "", "").Status)

	r, err := svc.AskOtherSchool(ctx, domain.GuardianActor(m, parent), admission.SchoolRequest{Intake: school.ID, Child: st.Child, Unit: other, Reason: "Storesøster går der."})
	require.NoError(t, err)
	_, err = svc.DecideSchoolRequest(ctx, cw, r.ID, false, "Klassen er full.")
	require.NoError(t, err)
	resp := ta.Do(t, caseworker, "GET", "/api/v1"+letter+"?kind=change&lang=nn", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var v admissionweb.SchoolLetterView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &v))
	text := v.Document.Text()
	for _, w := range []string{"Vedtak om skulebyte – søknaden er avslått", "Klassen er full.", "Storesøster går der.", "etter opplæringslova § 2-6.", "tre veker frå den dagen du fekk", "saksbehandlar"} {
		assert.Contains(t, text, w)
	}
	assert.False(t, isoDate.MatchString(text))

	page := ta.Do(t, caseworker, "GET", letter+"?kind=change", "", "")
	require.Equal(t, 200, page.Status, page.Body)
	assert.Contains(t, page.Body, "Klassen er full.")
	assert.Contains(t, page.Body, letter+".pdf?kind=change")
	pdf := ta.Do(t, caseworker, "GET", letter+".pdf?kind=change&lang=nb", "", "")
	require.Equal(t, 200, pdf.Status, pdf.Body)
	assert.Equal(t, "application/pdf", pdf.Header.Get("Content-Type"))
	assert.Equal(t, `inline; filename="vedtak-skolebytte-`+st.Child.String()+`-nb.pdf"`, pdf.Header.Get("Content-Disposition"))
	assert.True(t, strings.HasPrefix(pdf.Body, "%PDF-"))
	assert.Len(t, ta.AuditedAs(t, "admission.school-letter.read"), 6)
}

// A child waiting after the main round is offered a seat that became
// free (continuous admission): the later offer is a decision of its own,
// signed by the caseworker who offered it, and says it comes from the
// waiting list; before, the child's letter was the refusal with the
// waiting list and the reasons.
func TestLaterOfferLetter(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	f := webtest.NewAdmissionFixture(ta)
	svc := ta.App.Admission()
	intakes, err := ta.Store.Intakes(ctx, demo.Municipality)
	require.NoError(t, err)
	in := intakes[0]
	in.ID, in.Main, in.Name = domain.NewID[admission.Intake](), false, "Ettertak"
	in.Seats = []admission.UnitSeats{{Unit: ta.Bjorkelia, Places: 2, Small: 1}}
	require.NoError(t, svc.CreateIntake(ctx, f.Caseworker, in))
	apps := map[domain.ChildID]admission.ApplicationID{}
	for _, child := range []domain.ChildID{f.Emil, f.Nora} {
		ap, err := svc.Apply(ctx, f.Guardian, admission.Application{Intake: in.ID, Child: child, Preferences: []domain.UnitID{ta.Bjorkelia}, Hours: 41})
		require.NoError(t, err)
		apps[child] = ap.ID
	}
	run, err := svc.RunWithReason(ctx, f.Caseworker, in.ID, 7, "a test run before the deadline")
	require.NoError(t, err)
	offers, err := svc.ApproveWithReason(ctx, f.Caseworker, run.ID, "a test approval before the deadline")
	require.NoError(t, err)
	require.Len(t, offers, 1, "one seat")
	var waiting domain.ChildID
	var group domain.AgeGroup
	for _, res := range run.Results {
		if res.Rank == 0 {
			waiting, group = res.Child, res.Group
		}
	}
	require.False(t, waiting.IsZero())
	guardian := ta.CookieFor(t, demo.PersonaGuardian)
	path := "/api/v1/children/" + waiting.String() + "/applications/" + apps[waiting].String() + "/decision"
	resp := ta.Do(t, guardian, "GET", path, "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var v admissionweb.DecisionView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &v))
	assert.Contains(t, v.Document.Text(), "står på venteliste")
	assert.Contains(t, v.Document.Text(), "Verken 1. eller 2. valg ble oppfylt")

	later, err := svc.Vacancy(ctx, f.Caseworker.Named("Vera Venteliste"), in.ID, ta.Bjorkelia, group)
	require.NoError(t, err)
	require.NotNil(t, later)
	assert.Equal(t, "Vera Venteliste", later.OfferedBy)
	resp = ta.Do(t, guardian, "GET", path+"?lang=nn", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &v))
	text := v.Document.Text()
	assert.True(t, v.Decision.Later)
	assert.Contains(t, text, "frå ventelista")
	assert.Contains(t, text, domain.LongDate(later.Start, "nn"))
	assert.Equal(t, []string{"Vera Venteliste", "saksbehandlar"}, v.Document.Signature[:2])
	assert.Contains(t, text, "Du kan klage på vedtaket")
	assert.False(t, isoDate.MatchString(text))
}
