package messagingweb_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/messagingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// downMail fails every e-mail, as a mail server that is down.
type downMail struct{}

func (downMail) Medium() messaging.Medium { return messaging.DigitalMailbox }
func (downMail) Send(context.Context, messaging.Delivery) error {
	return errors.New("mailbox service down")
}

// The staff's thread page of an urgent message shows, per guardian, each
// medium's state with the reason of a failure, why no SMS went (here: the
// guardian is reserved in KRR and keeps no mobile number there), whether
// it is read; and, once the unread
// check has run, that no guardian read it within the municipality's
// minutes.
func TestUrgentStatusOnStaffThreadPage(t *testing.T) {
	ta := webtest.New(t)
	clock := storetest.NewClock(webtest.Now)
	ta.App.Clock = clock
	ta.App.ContactRegister = &allReserved{noMobile: true}
	staff := ta.CookieFor(t, demo.PersonaStaff)
	form := url.Values{"to": {"child:" + ta.Sofie.String()}, "subject": {"Sofie har feber"}, "body": {"Hent henne nå."}, "urgent": {"on"}}.Encode()
	resp := ta.Do(t, staff, "POST", "/staff/messages", formType, form)
	require.Equal(t, http.StatusSeeOther, resp.Status, resp.Body)
	path := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(path, "/messages/"), path)

	page := ta.Do(t, staff, "GET", path, "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "Levering av hastemeldingen")
	assert.Contains(t, page.Body, "Hilde Berg")
	assert.Contains(t, page.Body, "reservert mot digital kommunikasjon i Kontakt- og reservasjonsregisteret og uten mobilnummer der; bare digital postkasse")
	assert.Contains(t, page.Body, "<strong>Digital postkasse:</strong> i kø")
	assert.NotContains(t, page.Body, "<strong>SMS:</strong> i kø", "no SMS to a reserved guardian")
	assert.Contains(t, page.Body, "innen 15 minutter (kl. 12.15)")
	assert.NotContains(t, page.Body, "@", "no address is shown")

	// The mailbox service fails; the delivery is given up.
	d := &messaging.Dispatcher{Outbox: ta.Store, Transports: []messaging.Transport{downMail{}}, Clock: clock,
		Backoff: messaging.Backoff{Initial: time.Minute, Max: time.Minute, Factor: 1, Limit: 1}, Batch: 10000}
	_, err := d.RunOnce(t.Context())
	require.NoError(t, err)
	clock.Advance(16 * time.Minute)
	messagingweb.CheckUnread(t.Context(), ta.App)

	page = ta.Do(t, staff+"; "+web.LangCookie+"=en", "GET", path, "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "No guardian had read the message within 15 minutes")
	assert.Contains(t, page.Body, `data-color="danger">failed</span>`)
	assert.Contains(t, page.Body, "the last attempt to send failed")
	assert.Contains(t, page.Body, "reserved against digital communication in the Contact and Reservation Register")
	assert.NotContains(t, page.Body, "mailbox service down", "the error itself is not shown")

	// A guardian sees no status.
	hilde := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", path, "", "")
	require.Equal(t, 200, hilde.Status)
	assert.NotContains(t, hilde.Body, "Levering av hastemeldingen")
}

// An urgent message is a service message: a guardian reserved in KRR who
// keeps a mobile number there gets its SMS copy, and the staff page shows
// it queued with no "why no SMS".
func TestUrgentSMSToReservedGuardianWithNumber(t *testing.T) {
	ta := webtest.New(t)
	ta.App.Clock = storetest.NewClock(webtest.Now)
	ta.App.ContactRegister = &allReserved{}
	staff := ta.CookieFor(t, demo.PersonaStaff)
	before, err := ta.Store.Deliveries(t.Context(), demo.Municipality)
	require.NoError(t, err)
	old := map[domain.ID[messaging.Delivery]]bool{}
	for _, d := range before {
		old[d.ID] = true
	}
	form := url.Values{"to": {"child:" + ta.Sofie.String()}, "subject": {"Sofie har feber"}, "body": {"Hent henne nå."}, "urgent": {"on"}}.Encode()
	resp := ta.Do(t, staff, "POST", "/staff/messages", formType, form)
	require.Equal(t, http.StatusSeeOther, resp.Status, resp.Body)
	path := resp.Header.Get("Location")
	page := ta.Do(t, staff, "GET", path, "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "<strong>SMS:</strong> i kø")
	assert.NotContains(t, page.Body, "reservert mot digital kommunikasjon")
	ds, err := ta.Store.Deliveries(t.Context(), demo.Municipality)
	require.NoError(t, err)
	sms := 0
	for _, d := range ds {
		if old[d.ID] {
			continue // the demo's earlier messages
		}
		assert.NotEqual(t, messaging.Email, d.Medium, "no e-mail to a reserved guardian")
		if d.Medium == messaging.SMS {
			sms++
			assert.Equal(t, "+4741000000", d.To, "the register's number")
		}
	}
	assert.Positive(t, sms)
}
