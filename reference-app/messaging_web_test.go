package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

const formType = "application/x-www-form-urlencoded"

// steppingClock is a second later at every reading.
type steppingClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *steppingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(time.Second)
	return c.at
}

// threadIDFrom reads the thread ID from a redirect to /messages/{id}.
func threadIDFrom(t *testing.T, resp response) string {
	t.Helper()
	require.Equal(t, 303, resp.status, resp.body)
	m := regexp.MustCompile(`^/messages/([0-9a-f-]{36})`).FindStringSubmatch(resp.header.Get("Location"))
	require.NotNil(t, m, resp.header.Get("Location"))
	return m[1]
}

// Staff send a bulletin to Sofie's SFO group; her mother finds it unread in
// her inbox, reads it with the HTML in it shown as text, and cannot reply.
func TestBulletinToAGroup(t *testing.T) {
	ta := newTestApp(t)
	seeded := findSeededThreads(t, ta)
	staff, hilde := ta.cookieFor(t, personaStaff), ta.cookieFor(t, personaGuardian)

	page := ta.do(t, staff, "GET", "/staff/messages", "", "")
	require.Equal(t, 200, page.status)
	group := "group:" + seeded.groupBulletin.About.Group.String()
	assert.Contains(t, page.body, `value="`+group+`"`, "staff may write to the group")
	assert.Contains(t, page.body, "Foreldresamtale", "staff see the unit's conversations")
	assert.Contains(t, page.body, "Nytt svar", "and that a guardian has answered")

	body := "<script>alert(1)</script> <b>Husk</b> & ta med\nlue og votter"
	form := url.Values{"to": {group}, "subject": {"Ski <i>dag</i>"}, "body": {body}}.Encode()
	id := threadIDFrom(t, ta.do(t, staff, "POST", "/staff/messages", formType, form))

	inbox := ta.do(t, hilde, "GET", "/messages", "", "")
	require.Equal(t, 200, inbox.status)
	row := rowOf(t, inbox.body, id)
	assert.Contains(t, row, "Ulest")
	assert.Contains(t, row, "Ski &lt;i&gt;dag&lt;/i&gt;")
	assert.Contains(t, rowOf(t, inbox.body, seeded.unitBulletin.ID.String()), "Haster", "the urgent bulletin is marked")

	read := ta.do(t, hilde, "GET", "/messages/"+id, "", "")
	require.Equal(t, 200, read.status)
	assert.Contains(t, read.body, "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;Husk&lt;/b&gt; &amp; ta med<br>lue og votter")
	assert.NotContains(t, read.body, "<script>")
	assert.NotContains(t, read.body, "<b>Husk")
	assert.NotContains(t, read.body, `action="/messages/`+id+`/reply"`, "a bulletin takes no replies")
	assert.NotContains(t, read.body, "Mottakere", "recipients of a bulletin never see each other")
	assert.NotContains(t, rowOf(t, ta.do(t, hilde, "GET", "/messages", "", "").body, id), "Ulest", "read now")

	// The API says the same: the body exactly as written, no participants.
	api := ta.do(t, hilde, "GET", "/api/v1/threads/"+id, "", "")
	var v threadView
	require.NoError(t, json.Unmarshal([]byte(api.body), &v), api.body)
	assert.Equal(t, body, v.Messages[0].Body)
	assert.Empty(t, v.Participants)
	assert.True(t, v.Bulletin)
	assert.False(t, v.RepliesAllowed)
	resp := ta.do(t, hilde, "POST", "/api/v1/replies", "application/json", `{"threadId":"`+id+`","body":"Takk"}`)
	assert.Equal(t, 422, resp.status, resp.body)
	assert.Contains(t, resp.body, `"field":"thread"`)

	// Staff see who received it, and who has read it.
	staffView := ta.do(t, staff, "GET", "/messages/"+id, "", "")
	assert.Contains(t, staffView.body, "Mottakere")
	assert.Contains(t, staffView.body, "Hilde Berg")
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
	ta := newTestApp(t)
	bjorkelia := ta.cookieFor(t, personaOtherStaff)
	resp := ta.do(t, bjorkelia, "POST", "/api/v1/threads", "application/json",
		`{"scope":"unit","unitId":"`+ta.bjorkelia.String()+`","subject":"Planleggingsdag","body":"Barnehagen er stengt mandag.","bulletin":true}`)
	require.Equal(t, 201, resp.status, resp.body)
	var v threadView
	require.NoError(t, json.Unmarshal([]byte(resp.body), &v))
	assert.NotEmpty(t, v.Participants, "staff see the recipients")
	for _, p := range v.Participants {
		assert.NotContains(t, p.Name, "Solheim")
	}
	marte := ta.personas[personaProtected].Actor
	inbox := ta.do(t, ta.cookieFor(t, personaProtected), "GET", "/messages", "", "")
	assert.Contains(t, inbox.body, "Planleggingsdag", "she receives it")

	ds, err := ta.store.Deliveries(t.Context(), demoMunicipality)
	require.NoError(t, err)
	var hers []messaging.Delivery
	for _, d := range ds {
		if d.Guardian == marte.Guardian {
			hers = append(hers, d)
		}
	}
	require.NotEmpty(t, hers)
	secrets := []string{protectedPhone, demoEmail("Marte", "Solheim"), demoEmail("Hilde", "Berg")}
	for _, d := range hers {
		assert.Equal(t, messaging.DigitalMailbox, d.Medium)
		secrets = append(secrets, d.To)
	}
	for _, persona := range []string{personaCaseworker, personaAdmin} {
		cookie := ta.cookieFor(t, persona)
		for _, path := range []string{"/caseworker/outbox", "/api/v1/outbox?limit=200", "/caseworker/outbox?state=pending&limit=200"} {
			resp := ta.do(t, cookie, "GET", path, "", "")
			require.Equal(t, 200, resp.status, path)
			for _, s := range secrets {
				assert.NotContains(t, resp.body, s, path)
			}
		}
	}
	sum := ta.do(t, ta.cookieFor(t, personaCaseworker), "GET", "/api/v1/outbox/summary", "", "")
	var s outboxSummary
	require.NoError(t, json.Unmarshal([]byte(sum.body), &s))
	assert.Equal(t, len(ds), s.Pending+s.Sent+s.Dead)
	assert.Positive(t, s.Pending)
}

// A guardian writes to the child's unit; the staff see it marked and
// answer; the guardian sees the answer unread. Every step is audit-logged
// against the child.
func TestGuardianWritesToTheUnit(t *testing.T) {
	ta := newTestApp(t)
	ta.a.clock = &steppingClock{at: testNow} // the answer comes after the question
	hilde, staff := ta.cookieFor(t, personaGuardian), ta.cookieFor(t, personaStaff)
	form := url.Values{"child": {ta.sofie.String()}, "subject": {"Henting torsdag"}, "body": {"Mormor henter Sofie torsdag."}}.Encode()
	id := threadIDFrom(t, ta.do(t, hilde, "POST", "/messages", formType, form))

	list := ta.do(t, staff, "GET", "/staff/messages", "", "")
	assert.Contains(t, rowOf(t, list.body, id), "Nytt svar")
	other := ta.do(t, ta.cookieFor(t, personaOtherStaff), "GET", "/messages/"+id, "", "")
	assert.Equal(t, 403, other.status, "staff of another unit")
	resp := ta.do(t, staff, "POST", "/messages/"+id+"/reply", formType, "body=Takk+for+beskjed")
	require.Equal(t, 303, resp.status, resp.body)
	assert.Contains(t, rowOf(t, ta.do(t, hilde, "GET", "/messages", "", "").body, id), "Ulest")
	thread := ta.do(t, hilde, "GET", "/messages/"+id, "", "")
	assert.Contains(t, thread.body, "Takk for beskjed")
	assert.Contains(t, thread.body, "Kari Lærer, Nordby skole", "staff by display name and unit")
	assert.NotContains(t, thread.body, "ansatt-nordby")
	assert.Contains(t, thread.body, `action="/messages/`+id+`/reply"`)

	// Another guardian may not write about Sofie.
	resp = ta.do(t, ta.cookieFor(t, personaOtherGuardian), "POST", "/messages", formType, form)
	assert.Equal(t, 403, resp.status)

	entries, err := ta.store.AuditEntries(t.Context(), demoMunicipality, ta.sofie, domain.AuditID{}, 100)
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
	ta := newTestApp(t)
	hilde := ta.cookieFor(t, personaGuardian)
	resp := ta.do(t, hilde, "GET", "/api/v1/contact", "", "")
	assert.JSONEq(t, `{"language":"nb","channel":"email"}`, resp.body, "the default")
	resp = ta.do(t, hilde, "POST", "/api/v1/contact", "application/json", `{"language":"en","channel":"sms"}`)
	require.Equal(t, 200, resp.status, resp.body)
	assert.JSONEq(t, `{"language":"en","channel":"sms"}`, ta.do(t, hilde, "GET", "/api/v1/contact", "", "").body)
	for body, field := range map[string]string{`{"language":"de","channel":"sms"}`: "language", `{"language":"nn","channel":"pigeon"}`: "channel"} {
		resp := ta.do(t, hilde, "POST", "/api/v1/contact", "application/json", body)
		assert.Equal(t, 422, resp.status)
		assert.Contains(t, resp.body, `"field":"`+field+`"`)
	}
	// The form, and the page showing the choice.
	resp = ta.do(t, hilde, "POST", "/messages/contact", formType, "language=nn&channel=digital-mailbox")
	require.Equal(t, 303, resp.status)
	page := ta.do(t, hilde, "GET", "/messages?saved=1", "", "")
	assert.Contains(t, page.body, `<option value="nn" selected>`)
	assert.Contains(t, page.body, `value="digital-mailbox" checked`)
	assert.Contains(t, page.body, "Valgene er lagret.")
	// A caseworker sets it for a guardian; staff may not.
	body := `{"guardianId":"` + ta.personas[personaGuardian].Actor.Guardian.String() + `","language":"nb","channel":"email"}`
	assert.Equal(t, 200, ta.do(t, ta.cookieFor(t, personaCaseworker), "POST", "/api/v1/contact", "application/json", body).status)
	assert.Equal(t, 403, ta.do(t, ta.cookieFor(t, personaStaff), "POST", "/api/v1/contact", "application/json", body).status)
}

func TestMessagingPagesInEveryLanguage(t *testing.T) {
	ta := newTestApp(t)
	seeded := findSeededThreads(t, ta)
	pages := map[string]string{"/messages": personaGuardian, "/messages/" + seeded.conversation.ID.String(): personaGuardian,
		"/staff/messages": personaStaff, "/caseworker/outbox": personaCaseworker}
	for path, persona := range pages {
		for _, lang := range languages {
			resp := ta.do(t, langCookie+"="+lang+"; "+ta.cookieFor(t, persona), "GET", path, "", "")
			require.Equal(t, 200, resp.status, path)
			assert.NotContains(t, resp.body, "[messaging.", "%s in %s: a missing message", path, lang)
			for _, want := range []string{`<html lang="` + lang + `">`, `<main id="innhold"`, "<h1>"} {
				assert.Contains(t, resp.body, want)
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
	ts, how, err := messagingTransports(env(nil), true, log)
	require.NoError(t, err)
	assert.Len(t, ts, 4)
	assert.Contains(t, how[messaging.Email], "demo")
	ts, how, err = messagingTransports(env(nil), false, log)
	require.NoError(t, err)
	require.Len(t, ts, 1)
	assert.Equal(t, messaging.DigitalMailbox, ts[0].Medium())
	assert.Contains(t, how[messaging.SMS], "dead letters")

	ts, _, err = messagingTransports(env(map[string]string{
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
		_, _, err := messagingTransports(env(kv), true, log)
		assert.Error(t, err, name)
	}
}

// In demo mode the dispatcher sends everything in the outbox to the logs,
// never with an address.
func TestDispatcherInDemoMode(t *testing.T) {
	ta := newTestApp(t)
	var buf bytes.Buffer
	ta.a.log = slog.New(slog.NewJSONHandler(&buf, nil))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { runDispatcher(ctx, ta.a, func(string) string { return "" }, true); close(done) }()
	require.Eventually(t, func() bool {
		ds, err := ta.store.Deliveries(t.Context(), demoMunicipality)
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
	assert.NotContains(t, logs, demoEmail("Hilde", "Berg"))
	assert.NotContains(t, logs, "@demo-kommune.example")
	resp := ta.do(t, ta.cookieFor(t, personaCaseworker), "GET", "/api/v1/outbox/summary", "", "")
	var s outboxSummary
	require.NoError(t, json.Unmarshal([]byte(resp.body), &s))
	assert.Zero(t, s.Pending)
	assert.Positive(t, s.Sent)
}

// A parent without parental responsibility (barneloven § 47) reads the
// conversation about the child, and learns nothing about the other
// guardians: not who wrote, not who else receives it.
func TestSection47ParentInAConversation(t *testing.T) {
	ta := newTestApp(t)
	seeded := findSeededThreads(t, ta)
	path := "/messages/" + seeded.conversation.ID.String()
	tor := ta.do(t, ta.cookieFor(t, personaOtherParent), "GET", path, "", "")
	require.Equal(t, 200, tor.status)
	assert.Contains(t, tor.body, "Tirsdag klokka 16 passer fint", "the message")
	assert.Contains(t, tor.body, "En foresatt")
	assert.NotContains(t, tor.body, "Hilde Berg")
	assert.NotContains(t, tor.body, "Nygård")
	hilde := ta.do(t, ta.cookieFor(t, personaGuardian), "GET", path, "", "")
	assert.Contains(t, hilde.body, "Hilde Berg", "her own message")
	assert.NotContains(t, hilde.body, "Mottakere", "guardians see no recipient list")
	staff := ta.do(t, ta.cookieFor(t, personaStaff), "GET", path, "", "")
	assert.Contains(t, staff.body, "Anders Nygård", "staff see who receives it")
	// Her own answer leaves the seeded conversation read for Hilde.
	inbox := ta.do(t, ta.cookieFor(t, personaGuardian), "GET", "/messages", "", "")
	assert.NotContains(t, rowOf(t, inbox.body, seeded.conversation.ID.String()), "Ulest")
}

// The same Idempotency-Key posts one thread.
func TestPostThreadIsIdempotent(t *testing.T) {
	ta := newTestApp(t)
	staff := ta.cookieFor(t, personaStaff)
	body := `{"scope":"child","childId":"` + ta.sofie.String() + `","subject":"Glemt gymtøy","body":"Sofie glemte gymtøyet i dag."}`
	first := ta.do(t, staff, "POST", "/api/v1/threads", "application/json", body, "Idempotency-Key", "k-1")
	second := ta.do(t, staff, "POST", "/api/v1/threads", "application/json", body, "Idempotency-Key", "k-1")
	require.Equal(t, 201, first.status, first.body)
	assert.Equal(t, first.status, second.status)
	assert.JSONEq(t, first.body, second.body)
	list := ta.do(t, ta.cookieFor(t, personaGuardian), "GET", "/api/v1/threads", "", "")
	assert.Equal(t, 1, strings.Count(list.body, "Glemt gymtøy"), list.body)
}
