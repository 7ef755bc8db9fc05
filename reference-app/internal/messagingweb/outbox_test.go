package messagingweb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// rejectingMail is an e-mail transport whose server refuses every
// recipient, quoting the address as SMTP servers do.
type rejectingMail struct{}

func (rejectingMail) Medium() messaging.Medium { return messaging.Email }

func (rejectingMail) Send(_ context.Context, d messaging.Delivery) error {
	return &messaging.PermanentError{Err: fmt.Errorf("550 5.1.1 <%s>: Recipient address rejected: user unknown (relayed for <postmottak@nordby.kommune.example>)", d.To)}
}

// The caseworker's outbox shows a failed delivery's reason code in the
// page's language, never the error text: an SMTP server's answer quoting
// the guardian's e-mail address shows neither the address nor the text.
func TestOutboxShowsTheReasonNotTheErrorText(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	m := demo.Municipality
	g, ok := ta.Personas[demo.PersonaGuardian]
	require.True(t, ok)
	address := "hilde.berg.privat@epost.example"
	now := webtest.Now
	d := messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: m, Key: "test/rejected", Kind: "test.rejected",
		Guardian: g.Actor.Guardian, Medium: messaging.Email, To: address, Language: messaging.Bokmal, Subject: "Hei", Body: "Hei",
		State: messaging.Pending, NextAt: now, CreatedAt: now.Add(time.Hour)}
	n, err := ta.Store.Enqueue(ctx, []messaging.Delivery{d})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	dispatcher := messaging.Dispatcher{Outbox: ta.Store, Transports: []messaging.Transport{rejectingMail{}},
		Clock: domain.FixedClock(now), Batch: messaging.MaxEntries * 50}
	_, err = dispatcher.RunOnce(ctx)
	require.NoError(t, err)
	ds, err := ta.Store.Deliveries(ctx, m)
	require.NoError(t, err)
	var failed messaging.Delivery
	for _, x := range ds {
		if x.ID == d.ID {
			failed = x
		}
	}
	require.Equal(t, messaging.Dead, failed.State, "refused for good")
	require.Contains(t, failed.LastError, address, "the store keeps the server's answer, address and all")

	secrets := []string{address, "postmottak@", "Recipient address rejected", "550 5.1.1"}
	for lang, reason := range map[string]string{"nb": "siste forsøk på å sende feilet", "nn": "siste forsøk på å sende feila", "en": "the last attempt to send failed"} {
		cookie := ta.CookieFor(t, demo.PersonaCaseworker) + "; " + web.LangCookie + "=" + lang
		for _, path := range []string{"/caseworker/outbox?limit=200", "/caseworker/outbox?state=dead&limit=200"} {
			page := ta.Do(t, cookie, "GET", path, "", "")
			require.Equal(t, 200, page.Status, path)
			assert.Contains(t, page.Body, "test.rejected", path)
			assert.Contains(t, page.Body, reason, lang+" "+path)
			for _, s := range secrets {
				assert.NotContains(t, page.Body, s, lang+" "+path)
			}
		}
	}
	api := ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/api/v1/outbox?state=dead&limit=200", "", "")
	require.Equal(t, 200, api.Status, api.Body)
	assert.Contains(t, api.Body, `"reason":"send-failed"`)
	for _, s := range secrets {
		assert.NotContains(t, api.Body, s)
	}
	assert.False(t, strings.Contains(api.Body, "lastError"), "no error text field")
}
