package messagingweb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/messagingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

const formType = "application/x-www-form-urlencoded"

// threadIDFrom reads the thread ID from a redirect to /messages/{id}.
func threadIDFrom(t *testing.T, resp webtest.Response) string {
	t.Helper()
	require.Equal(t, 303, resp.Status, resp.Body)
	m := regexp.MustCompile(`^/messages/([0-9a-f-]{36})`).FindStringSubmatch(resp.Header.Get("Location"))
	require.NotNil(t, m, resp.Header.Get("Location"))
	return m[1]
}

// Staff send a bulletin to Sofie's SFO group; her mother finds it unread in
// her inbox, reads it with the HTML in it shown as text, and cannot reply.
func TestBulletinToAGroup(t *testing.T) {
	ta := webtest.New(t)
	seeded := webtest.FindSeededThreads(t, ta)
	staff, hilde := ta.CookieFor(t, demo.PersonaStaff), ta.CookieFor(t, demo.PersonaGuardian)

	page := ta.Do(t, staff, "GET", "/staff/messages", "", "")
	require.Equal(t, 200, page.Status)
	group := "group:" + seeded.GroupBulletin.About.Group.String()
	assert.Contains(t, page.Body, `value="`+group+`"`, "staff may write to the group")
	assert.Contains(t, page.Body, "Foreldresamtale", "staff see the unit's conversations")
	assert.Contains(t, page.Body, "Nytt svar", "and that a guardian has answered")

	body := "<script>alert(1)</script> <b>Husk</b> & ta med\nlue og votter"
	form := url.Values{"to": {group}, "subject": {"Ski <i>dag</i>"}, "body": {body}}.Encode()
	id := threadIDFrom(t, ta.Do(t, staff, "POST", "/staff/messages", formType, form))

	inbox := ta.Do(t, hilde, "GET", "/messages", "", "")
	require.Equal(t, 200, inbox.Status)
	row := rowOf(t, inbox.Body, id)
	assert.Contains(t, row, "Ulest")
	assert.Contains(t, row, "Ski &lt;i&gt;dag&lt;/i&gt;")
	assert.Contains(t, rowOf(t, inbox.Body, seeded.UnitBulletin.ID.String()), "Haster", "the urgent bulletin is marked")

	read := ta.Do(t, hilde, "GET", "/messages/"+id, "", "")
	require.Equal(t, 200, read.Status)
	assert.Contains(t, read.Body, "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;Husk&lt;/b&gt; &amp; ta med<br>lue og votter")
	assert.NotContains(t, read.Body, "<script>")
	assert.NotContains(t, read.Body, "<b>Husk")
	assert.NotContains(t, read.Body, `action="/messages/`+id+`/reply"`, "a bulletin takes no replies")
	assert.NotContains(t, read.Body, "Mottakere", "recipients of a bulletin never see each other")
	assert.NotContains(t, rowOf(t, ta.Do(t, hilde, "GET", "/messages", "", "").Body, id), "Ulest", "read now")

	// The API says the same: the body exactly as written, no participants.
	api := ta.Do(t, hilde, "GET", "/api/v1/threads/"+id, "", "")
	var v messagingweb.ThreadView
	require.NoError(t, json.Unmarshal([]byte(api.Body), &v), api.Body)
	assert.Equal(t, body, v.Messages[0].Body)
	assert.Empty(t, v.Participants)
	assert.True(t, v.Bulletin)
	assert.False(t, v.RepliesAllowed)
	resp := ta.Do(t, hilde, "POST", "/api/v1/replies", "application/json", `{"threadId":"`+id+`","body":"Takk"}`)
	assert.Equal(t, 422, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"field":"thread"`)

	// Staff see who received it, and who has read it.
	staffView := ta.Do(t, staff, "GET", "/messages/"+id, "", "")
	assert.Contains(t, staffView.Body, "Mottakere")
	assert.Contains(t, staffView.Body, "Hilde Berg")
}

// rowOf returns the table row that links to the thread.
func rowOf(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `href="/messages/`+id+`"`)
	require.GreaterOrEqual(t, i, 0, "a row for %s", id)
	start := strings.LastIndex(body[:i], "<tr>")
	end := strings.Index(body[i:], "</tr>")
	return body[start : i+end]
}

// A guardian with a strengt fortrolig address receives a unit's bulletin in
// her digital mailbox only, is never listed as a recipient, and the outbox
// shows no address of anyone.
func TestProtectedGuardianIsNeverListed(t *testing.T) {
	ta := webtest.New(t)
	bjorkelia := ta.CookieFor(t, demo.PersonaOtherStaff)
	resp := ta.Do(t, bjorkelia, "POST", "/api/v1/threads", "application/json",
		`{"scope":"unit","unitId":"`+ta.Bjorkelia.String()+`","subject":"Planleggingsdag","body":"Barnehagen er stengt mandag.","bulletin":true}`)
	require.Equal(t, 201, resp.Status, resp.Body)
	var v messagingweb.ThreadView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &v))
	assert.NotEmpty(t, v.Participants, "staff see the recipients")
	for _, p := range v.Participants {
		assert.NotContains(t, p.Name, "Solheim")
	}
	marte := ta.Personas[demo.PersonaProtected].Actor
	inbox := ta.Do(t, ta.CookieFor(t, demo.PersonaProtected), "GET", "/messages", "", "")
	assert.Contains(t, inbox.Body, "Planleggingsdag", "she receives it")

	ds, err := ta.Store.Deliveries(t.Context(), demo.Municipality)
	require.NoError(t, err)
	var hers []messaging.Delivery
	for _, d := range ds {
		if d.Guardian == marte.Guardian {
			hers = append(hers, d)
		}
	}
	require.NotEmpty(t, hers)
	secrets := []string{demo.ProtectedPhone, demo.Email("Marte", "Solheim"), demo.Email("Hilde", "Berg")}
	for _, d := range hers {
		assert.Equal(t, messaging.DigitalMailbox, d.Medium)
		secrets = append(secrets, d.To)
	}
	for _, persona := range []string{demo.PersonaCaseworker, demo.PersonaAdmin} {
		cookie := ta.CookieFor(t, persona)
		for _, path := range []string{"/caseworker/outbox", "/api/v1/outbox?limit=200", "/caseworker/outbox?state=pending&limit=200"} {
			resp := ta.Do(t, cookie, "GET", path, "", "")
			require.Equal(t, 200, resp.Status, path)
			for _, s := range secrets {
				assert.NotContains(t, resp.Body, s, path)
			}
		}
	}
	sum := ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/api/v1/outbox/summary", "", "")
	var s messagingweb.OutboxSummary
	require.NoError(t, json.Unmarshal([]byte(sum.Body), &s))
	assert.Equal(t, len(ds), s.Pending+s.Sent+s.Dead)
	assert.Positive(t, s.Pending)
}

// A guardian writes to the child's unit; the staff see it marked and
// answer; the guardian sees the answer unread. Every step is audit-logged
// against the child.
func TestGuardianWritesToTheUnit(t *testing.T) {
	ta := webtest.New(t)
	ta.App.Clock = &webtest.SteppingClock{At: webtest.Now} // the answer comes after the question
	hilde, staff := ta.CookieFor(t, demo.PersonaGuardian), ta.CookieFor(t, demo.PersonaStaff)
	form := url.Values{"child": {ta.Sofie.String()}, "subject": {"Henting torsdag"}, "body": {"Mormor henter Sofie torsdag."}}.Encode()
	id := threadIDFrom(t, ta.Do(t, hilde, "POST", "/messages", formType, form))

	list := ta.Do(t, staff, "GET", "/staff/messages", "", "")
	assert.Contains(t, rowOf(t, list.Body, id), "Nytt svar")
	other := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherStaff), "GET", "/messages/"+id, "", "")
	assert.Equal(t, 403, other.Status, "staff of another unit")
	resp := ta.Do(t, staff, "POST", "/messages/"+id+"/reply", formType, "body=Takk+for+beskjed")
	require.Equal(t, 303, resp.Status, resp.Body)
	assert.Contains(t, rowOf(t, ta.Do(t, hilde, "GET", "/messages", "", "").Body, id), "Ulest")
	thread := ta.Do(t, hilde, "GET", "/messages/"+id, "", "")
	assert.Contains(t, thread.Body, "Takk for beskjed")
	assert.Contains(t, thread.Body, "Kari Lærer, Nordby skole", "staff by display name and unit")
	assert.NotContains(t, thread.Body, "kari.laerer@demo-kommune.example")
	assert.Contains(t, thread.Body, `action="/messages/`+id+`/reply"`)

	// Another guardian may not write about Sofie.
	resp = ta.Do(t, ta.CookieFor(t, demo.PersonaOtherGuardian), "POST", "/messages", formType, form)
	assert.Equal(t, 403, resp.Status)

	// A message without a text is refused in Norwegian at its field, and
	// what was written is kept.
	empty := url.Values{"child": {ta.Sofie.String()}, "subject": {"Skotur fredag"}, "body": {"  "}}.Encode()
	resp = ta.Do(t, hilde, "POST", "/messages", formType, empty)
	require.Equal(t, 422, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `value="Skotur fredag"`)
	assert.Contains(t, resp.Body, `<option value="`+ta.Sofie.String()+`" selected>`)
	assert.Contains(t, resp.Body, `aria-invalid="true" aria-describedby="body-error"`)
	assert.Regexp(t, `id="body-error">[^<]*(må|kan)`, resp.Body)
	assert.Contains(t, resp.Body, `role="alert" tabindex="-1" autofocus`)
	assert.Contains(t, resp.Body, `<a href="#body">Melding:`)

	// A reply too long is refused with its text kept.
	long := strings.Repeat("a", 20_001)
	resp = ta.Do(t, staff, "POST", "/messages/"+id+"/reply", formType, url.Values{"body": {long}}.Encode())
	require.Equal(t, 422, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `aria-describedby="body-error">`+long+`</textarea>`)
	assert.Contains(t, resp.Body, `id="body-error">er lengre enn 20000 tegn</span>`)
	assert.Contains(t, resp.Body, `role="alert" tabindex="-1" autofocus`)

	entries, err := ta.Store.AuditEntries(t.Context(), demo.Municipality, ta.Sofie, domain.AuditID{}, 100)
	require.NoError(t, err)
	actions := map[string]bool{}
	for _, e := range entries {
		actions[e.Action] = true
	}
	for _, want := range []string{"message.post", "message.reply", "message.read"} {
		assert.True(t, actions[want], want)
	}
}

func TestContactPreferences(t *testing.T) {
	ta := webtest.New(t)
	hilde := ta.CookieFor(t, demo.PersonaGuardian)
	resp := ta.Do(t, hilde, "GET", "/api/v1/contact", "", "")
	assert.JSONEq(t, `{"language":"nb","channel":"email"}`, resp.Body, "the default")
	resp = ta.Do(t, hilde, "POST", "/api/v1/contact", "application/json", `{"language":"en","channel":"sms"}`)
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.JSONEq(t, `{"language":"en","channel":"sms"}`, ta.Do(t, hilde, "GET", "/api/v1/contact", "", "").Body)
	for body, field := range map[string]string{`{"language":"de","channel":"sms"}`: "language", `{"language":"nn","channel":"pigeon"}`: "channel"} {
		resp := ta.Do(t, hilde, "POST", "/api/v1/contact", "application/json", body)
		assert.Equal(t, 422, resp.Status)
		assert.Contains(t, resp.Body, `"field":"`+field+`"`)
	}
	// The quiet hours: within the municipality's (21:00-07:00), or refused.
	resp = ta.Do(t, hilde, "POST", "/api/v1/contact", "application/json", `{"language":"en","channel":"sms","quiet":{"start":1320,"end":360}}`)
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.JSONEq(t, `{"language":"en","channel":"sms","quiet":{"start":1320,"end":360}}`, ta.Do(t, hilde, "GET", "/api/v1/contact", "", "").Body)
	resp = ta.Do(t, hilde, "POST", "/api/v1/contact", "application/json", `{"language":"en","channel":"sms","quiet":{"start":1200,"end":360}}`)
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, `"field":"quiet"`)
	// The form, and the page showing the choice.
	assert.Contains(t, ta.Do(t, hilde, "GET", "/messages", "", "").Body, `href="/messages/contact"`, "the inbox links to the page")
	resp = ta.Do(t, hilde, "POST", "/messages/contact", formType, "language=nn&channel=digital-mailbox&own=on&quiet-start=22:30&quiet-end=06:00")
	require.Equal(t, 303, resp.Status, resp.Body)
	page := ta.Do(t, hilde, "GET", "/messages/contact?saved=1", "", "")
	assert.Contains(t, page.Body, `<option value="nn" selected>`)
	assert.Contains(t, page.Body, `value="digital-mailbox" checked`)
	assert.Contains(t, page.Body, `id="own" name="own" checked`)
	assert.Contains(t, page.Body, `value="22:30"`)
	assert.Contains(t, page.Body, "Valgene er lagret.")
	assert.Contains(t, page.Body, "21:00–07:00", "the municipality's window")
	// Wrong input: 422, what was typed kept, the error at its field.
	resp = ta.Do(t, hilde, "POST", "/messages/contact", formType, "language=en&channel=sms&own=on&quiet-start=kl+8&quiet-end=25:99")
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, `id="quiet-start-error"`)
	assert.Contains(t, resp.Body, `id="quiet-end-error"`)
	assert.Contains(t, resp.Body, `value="25:99"`)
	assert.Contains(t, resp.Body, `value="sms" checked`)
	resp = ta.Do(t, hilde, "POST", "/messages/contact", formType, "language=en&channel=sms&own=on&quiet-start=20:00&quiet-end=06:00")
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, "må ligge innenfor kommunens stille timer (21:00–07:00)")
	assert.Contains(t, resp.Body, `value="20:00"`)
	// A caseworker sets it for a guardian; staff may not.
	body := `{"guardianId":"` + ta.Personas[demo.PersonaGuardian].Actor.Guardian.String() + `","language":"nb","channel":"email"}`
	assert.Equal(t, 200, ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "POST", "/api/v1/contact", "application/json", body).Status)
	assert.Equal(t, 403, ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "POST", "/api/v1/contact", "application/json", body).Status)
}

// A guardian reserved against digital communication in KRR is offered
// the digital mailbox only, is told why, and cannot choose another
// medium through the form or the API.
func TestContactPreferencesReservedInRegister(t *testing.T) {
	ta := webtest.New(t)
	ta.App.ContactRegister = &allReserved{}
	hilde := ta.CookieFor(t, demo.PersonaGuardian)
	page := ta.Do(t, hilde, "GET", "/messages/contact", "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "reservert deg mot digital kommunikasjon")
	assert.Contains(t, page.Body, `value="digital-mailbox" checked`)
	assert.NotContains(t, page.Body, `value="sms"`)
	assert.NotContains(t, page.Body, `value="email"`)
	resp := ta.Do(t, hilde, "POST", "/messages/contact", formType, "language=nb&channel=sms")
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, `id="channel-error"`)
	resp = ta.Do(t, hilde, "POST", "/api/v1/contact", "application/json", `{"language":"nb","channel":"email"}`)
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, `"reason":"reserved-against-digital-communication"`)
	resp = ta.Do(t, hilde, "POST", "/messages/contact", formType, "language=en&channel=digital-mailbox")
	assert.Equal(t, 303, resp.Status, "the digital mailbox may be chosen")
}

func TestMessagingPagesInEveryLanguage(t *testing.T) {
	ta := webtest.New(t)
	seeded := webtest.FindSeededThreads(t, ta)
	pages := map[string]string{"/messages": demo.PersonaGuardian, "/messages/" + seeded.Conversation.ID.String(): demo.PersonaGuardian,
		"/staff/messages": demo.PersonaStaff, "/caseworker/outbox": demo.PersonaCaseworker}
	for path, persona := range pages {
		for _, lang := range web.Languages {
			resp := ta.Do(t, web.LangCookie+"="+lang+"; "+ta.CookieFor(t, persona), "GET", path, "", "")
			require.Equal(t, 200, resp.Status, path)
			assert.NotContains(t, resp.Body, "[messaging.", "%s in %s: a missing message", path, lang)
			for _, want := range []string{`<html lang="` + lang + `">`, `<main id="innhold"`, "<h1>"} {
				assert.Contains(t, resp.Body, want)
			}
		}
	}
}

// The dispatcher's transports come from the environment; in demo mode what
// is not configured is logged, outside it such deliveries have no
// transport. The digital mailbox is always the logging adapter.
func TestMessagingTransports(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	log := slog.New(slog.DiscardHandler)
	ts, how, err := messagingweb.Transports(env(nil), true, log)
	require.NoError(t, err)
	assert.Len(t, ts, 4)
	assert.Contains(t, how[messaging.Email], "demo")
	ts, how, err = messagingweb.Transports(env(nil), false, log)
	require.NoError(t, err)
	require.Len(t, ts, 1)
	assert.Equal(t, messaging.DigitalMailbox, ts[0].Medium())
	assert.Contains(t, how[messaging.SMS], "dead letters")

	ts, _, err = messagingweb.Transports(env(map[string]string{
		"OPPVEKST_SMTP_HOST": "smtp.example", "OPPVEKST_SMTP_FROM": "post@demo-kommune.example", "OPPVEKST_SMTP_USER": "u", "OPPVEKST_SMTP_PASSWORD": "p",
		"OPPVEKST_SMS_URL": "https://sms.example/send", "OPPVEKST_SMS_TOKEN": "t",
		"OPPVEKST_WEBHOOK_URL": "https://app.example/hook", "OPPVEKST_WEBHOOK_SECRET": strings.Repeat("s", 32),
	}), false, log)
	require.NoError(t, err)
	media := map[messaging.Medium]bool{}
	for _, tr := range ts {
		media[tr.Medium()] = true
	}
	assert.Len(t, media, 4)
	for name, kv := range map[string]map[string]string{
		"smtp without from": {"OPPVEKST_SMTP_HOST": "smtp.example"},
		"sms without token": {"OPPVEKST_SMS_URL": "https://sms.example/send"},
		"short secret":      {"OPPVEKST_WEBHOOK_URL": "https://app.example/hook", "OPPVEKST_WEBHOOK_SECRET": "short"},
	} {
		_, _, err := messagingweb.Transports(env(kv), true, log)
		assert.Error(t, err, name)
	}
}

// In demo mode the dispatcher sends everything in the outbox to the logs,
// never with an address.
func TestDispatcherInDemoMode(t *testing.T) {
	ta := webtest.New(t)
	var buf bytes.Buffer
	ta.App.Log = slog.New(slog.NewJSONHandler(&buf, nil))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { messagingweb.RunDispatcher(ctx, ta.App, func(string) string { return "" }, true); close(done) }()
	require.Eventually(t, func() bool {
		ds, err := ta.Store.Deliveries(t.Context(), demo.Municipality)
		require.NoError(t, err)
		for _, d := range ds {
			if d.State != messaging.Sent {
				return false
			}
		}
		return len(ds) > 0
	}, 10e9, 20e6)
	cancel()
	<-done
	logs := buf.String()
	assert.Contains(t, logs, "delivery logged, not sent (demo mode")
	assert.Contains(t, logs, "messaging: dispatcher started")
	assert.NotContains(t, logs, demo.Email("Hilde", "Berg"))
	assert.NotContains(t, logs, "@demo-kommune.example")
	resp := ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/api/v1/outbox/summary", "", "")
	var s messagingweb.OutboxSummary
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &s))
	assert.Zero(t, s.Pending)
	assert.Positive(t, s.Sent)
}

// A parent without parental responsibility (barneloven § 47) reads the
// conversation about the child, and learns nothing about the other
// guardians: not who wrote, not who else receives it.
func TestSection47ParentInAConversation(t *testing.T) {
	ta := webtest.New(t)
	seeded := webtest.FindSeededThreads(t, ta)
	path := "/messages/" + seeded.Conversation.ID.String()
	tor := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherParent), "GET", path, "", "")
	require.Equal(t, 200, tor.Status)
	assert.Contains(t, tor.Body, "Tirsdag klokka 16 passer fint", "the message")
	assert.Contains(t, tor.Body, "En foresatt")
	assert.NotContains(t, tor.Body, "Hilde Berg")
	assert.NotContains(t, tor.Body, "Nygård")
	hilde := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", path, "", "")
	assert.Contains(t, hilde.Body, "Hilde Berg", "her own message")
	assert.NotContains(t, hilde.Body, "Mottakere", "guardians see no recipient list")
	staff := ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "GET", path, "", "")
	assert.Contains(t, staff.Body, "Anders Nygård", "staff see who receives it")
	// Her own answer leaves the seeded conversation read for Hilde.
	inbox := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/messages", "", "")
	assert.NotContains(t, rowOf(t, inbox.Body, seeded.Conversation.ID.String()), "Ulest")
}

// The same Idempotency-Key posts one thread.
func TestPostThreadIsIdempotent(t *testing.T) {
	ta := webtest.New(t)
	staff := ta.CookieFor(t, demo.PersonaStaff)
	body := `{"scope":"child","childId":"` + ta.Sofie.String() + `","subject":"Glemt gymtøy","body":"Sofie glemte gymtøyet i dag."}`
	first := ta.Do(t, staff, "POST", "/api/v1/threads", "application/json", body, "Idempotency-Key", "k-1")
	second := ta.Do(t, staff, "POST", "/api/v1/threads", "application/json", body, "Idempotency-Key", "k-1")
	require.Equal(t, 201, first.Status, first.Body)
	assert.Equal(t, first.Status, second.Status)
	assert.JSONEq(t, first.Body, second.Body)
	list := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/api/v1/threads", "", "")
	assert.Equal(t, 1, strings.Count(list.Body, "Glemt gymtøy"), list.Body)
}

// A refused message from staff is shown again (422) in the user's
// language with what was typed kept: the recipient still chosen, the text
// still there, the error at its field and in a summary that takes focus.
func TestStaffMessageRefusedKeepsText(t *testing.T) {
	ta := webtest.New(t)
	seeded := webtest.FindSeededThreads(t, ta)
	staff := ta.CookieFor(t, demo.PersonaStaff) + "; " + web.LangCookie + "=nn"
	group := "group:" + seeded.GroupBulletin.About.Group.String()
	text := "Husk ullklede og lue på turdagen – dette skal ikkje gå tapt"
	form := url.Values{"to": {group}, "subject": {"   "}, "body": {text}, "urgent": {"on"}}.Encode()
	resp := ta.Do(t, staff, "POST", "/staff/messages", formType, form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, text, "the text is kept")
	assert.Contains(t, resp.Body, `value="`+group+`" selected`, "the recipient is kept")
	assert.Regexp(t, `id="urgent" name="urgent" checked`, resp.Body)
	assert.Contains(t, resp.Body, `aria-invalid="true" aria-describedby="subject-error"`)
	assert.Contains(t, resp.Body, `class="ds-error-summary" role="alert" tabindex="-1" autofocus`)
	assert.Contains(t, resp.Body, "Meldinga vart ikkje send")
	assert.NotContains(t, resp.Body, "is required")

	bad := url.Values{"to": {"nobody"}, "subject": {"Hei"}, "body": {text}}.Encode()
	resp = ta.Do(t, staff, "POST", "/staff/messages", formType, bad)
	require.Equal(t, http.StatusUnprocessableEntity, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, text)
	assert.Contains(t, resp.Body, `aria-describedby="to-error"`)
}
