package messagingweb_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/krr/krrtest"
	"github.com/oppvekst/oppvekst/adapters/smtp"
	"github.com/oppvekst/oppvekst/adapters/smtp/smtptest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/messagingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

func putSetting(t *testing.T, ta *webtest.Harness, s domain.IntegrationSetting) {
	t.Helper()
	ss, err := ta.DB.IntegrationSettings(t.Context(), s.Municipality)
	require.NoError(t, err)
	s.Version = 1
	for _, o := range ss {
		if o.Integration == s.Integration {
			s.Version = o.Version + 1
		}
	}
	s.ChangedAt, s.ChangedBy = webtest.Now, "test"
	require.NoError(t, ta.DB.PutIntegrationSetting(t.Context(), s))
}

// Two municipalities with their own KRR base URLs and token references
// each get their own register asked, with their own token; one whose
// token reference does not resolve is misconfigured, logged without the
// reference's value, and its notices read the register as unavailable
// (the digital mailbox).
func TestEachMunicipalityAsksItsOwnContactRegister(t *testing.T) {
	ta := webtest.New(t)
	regA, srvA := krrtest.Start(t, os.DirFS("../../../adapters/krr/testdata"))
	regB, srvB := krrtest.Start(t, os.DirFS("../../../adapters/krr/testdata"))
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "neighbour"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "neighbour", "krr-token"), []byte("token-b\n"), 0o600))
	env := map[string]string{"KRR_TOKEN_A": "token-a"}
	var logs bytes.Buffer
	sel := &messagingweb.Selector{Store: ta.DB, Secrets: messagingweb.Secrets{Getenv: func(k string) string { return env[k] }, Dir: dir},
		Log: slog.New(slog.NewTextHandler(&logs, nil))}
	putSetting(t, ta, domain.IntegrationSetting{Municipality: demo.Municipality, Integration: domain.IntegrationKRR, State: domain.IntegrationOn,
		Endpoint: srvA.URL + "/rest/v1/", Values: map[string]string{"tokenRef": "env:KRR_TOKEN_A"}})
	putSetting(t, ta, domain.IntegrationSetting{Municipality: demo.Neighbour, Integration: domain.IntegrationKRR, State: domain.IntegrationOn,
		Endpoint: srvB.URL + "/rest/v1/", Values: map[string]string{"tokenRef": "neighbour/krr-token"}})

	id, err := domain.ParseNationalID(regA.IDs()[0])
	require.NoError(t, err)
	for _, m := range []domain.Municipality{demo.Municipality, demo.Neighbour} {
		r, err := sel.RegisterFor(t.Context(), m)
		require.NoError(t, err, m)
		require.NotNil(t, r, m)
		got, err := r.Lookup(t.Context(), []domain.NationalID{id})
		require.NoError(t, err, m)
		assert.Contains(t, got, id, m)
	}
	require.Len(t, regA.Requests(), 1)
	require.Len(t, regB.Requests(), 1)
	assert.Equal(t, "token-a", regA.Requests()[0].Token)
	assert.Equal(t, "token-b", regB.Requests()[0].Token)

	// The app's notices go through the selector: the demo municipality's
	// register (A) is asked, not B.
	ta.App.Registers = sel
	require.NoError(t, ta.Store.Atomic(t.Context(), func(ctx context.Context) error {
		return ta.App.Messaging().Notify(ctx, domain.Notice{Municipality: demo.Municipality, Kind: "absence.undocumented",
			Child: ta.Sofie, Key: "absence.undocumented/selector", Data: map[string]string{"date": "2025-11-24"}})
	}))
	assert.Len(t, regA.Requests(), 2, "the demo municipality's notice asked its own register")
	assert.Len(t, regB.Requests(), 1, "not the neighbour's")

	// A new version with a reference that names nothing: misconfigured.
	putSetting(t, ta, domain.IntegrationSetting{Municipality: demo.Municipality, Integration: domain.IntegrationKRR, State: domain.IntegrationOn,
		Endpoint: srvA.URL + "/rest/v1/", Values: map[string]string{"tokenRef": "env:KRR_TOKEN_MISSING"}})
	_, err = sel.RegisterFor(t.Context(), demo.Municipality)
	var mis *messagingweb.MisconfiguredError
	require.ErrorAs(t, err, &mis)
	assert.Equal(t, domain.IntegrationKRR, mis.Integration)
	assert.Error(t, sel.Check(t.Context(), demo.Municipality, domain.IntegrationKRR))
	assert.NoError(t, sel.Check(t.Context(), demo.Neighbour, domain.IntegrationKRR))
	assert.Contains(t, logs.String(), "misconfigured")
	assert.NotContains(t, logs.String(), "token-a")
	key := "absence.undocumented/misconfigured"
	require.NoError(t, ta.Store.Atomic(t.Context(), func(ctx context.Context) error {
		return ta.App.Messaging().Notify(ctx, domain.Notice{Municipality: demo.Municipality, Kind: "absence.undocumented",
			Child: ta.Sofie, Key: key, Data: map[string]string{"date": "2025-11-24"}})
	}))
	assert.Len(t, regA.Requests(), 2, "a misconfigured register is not asked")
	ds, err := ta.Store.Deliveries(t.Context(), demo.Municipality)
	require.NoError(t, err)
	n := 0
	for _, d := range ds {
		if len(d.Key) > len(key) && d.Key[:len(key)] == key {
			n++
			assert.Equal(t, messaging.DigitalMailbox, d.Medium, "as when the register cannot answer")
		}
	}
	assert.Positive(t, n)
}

// Two municipalities with their own From addresses (and their own SMTP
// server given as endpoint) send their deliveries with their own From,
// through a real SMTP conversation on the loopback interface; a third
// with a password reference that resolves nothing is held, not sent.
func TestEachMunicipalitySendsEmailFromItsOwnAddress(t *testing.T) {
	ta := webtest.New(t)
	srv, err := smtptest.Start()
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	from := map[domain.Municipality]string{demo.Municipality: "oppvekst@demo.kommune.no", demo.Neighbour: "post@nabo.kommune.no"}
	for m, f := range from {
		putSetting(t, ta, domain.IntegrationSetting{Municipality: m, Integration: domain.IntegrationEmail, State: domain.IntegrationOn,
			Endpoint: "smtp://" + srv.Addr, Values: map[string]string{"from": f}})
	}
	g := ta.Personas[demo.PersonaGuardian].Actor.Guardian
	var ds []messaging.Delivery
	for m := range from {
		ds = append(ds, messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: m, Key: "test/from-" + string(m), Kind: "test.from",
			Guardian: g, Medium: messaging.Email, To: "forelder@example.no", Language: messaging.Bokmal, Subject: "Hei", Body: "Hei",
			State: messaging.Pending, NextAt: webtest.Now, CreatedAt: webtest.Now})
	}
	for _, d := range ds {
		_, err := ta.Store.Enqueue(t.Context(), []messaging.Delivery{d})
		require.NoError(t, err)
	}
	// The deployment has no SMTP server of its own (and no demo mode):
	// only the municipalities' settings can send these.
	disp, ar, err := messagingweb.NewDispatcher(ta.App, func(string) string { return "" }, false)
	require.NoError(t, err)
	t.Cleanup(func() { ar.Close() })
	ta.App.Clock = domain.FixedClock(webtest.Now)
	disp.Clock = ta.App.Clock
	_, err = disp.RunOnce(t.Context())
	require.NoError(t, err)
	got := map[string]string{}
	for _, msg := range srv.Messages() {
		parsed, err := mail.ReadMessage(bytes.NewReader(msg.Data))
		require.NoError(t, err)
		got[parsed.Header.Get(smtp.HeaderKey)] = msg.From + " " + parsed.Header.Get("From")
	}
	for m, f := range from {
		assert.Equal(t, f+" <"+f+">", got["test/from-"+string(m)], m)
	}
}
