package krr_test

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/krr"
	"github.com/oppvekst/oppvekst/adapters/krr/krrtest"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// family is one child with a guardian for each recorded answer, all with
// parental responsibility and with e-mail and phone of their own on file,
// in a real SQLite store.
type family struct {
	store     *sqlite.Store
	svc       *messaging.Service
	reg       *krrtest.Register
	m         domain.Municipality
	child     domain.Child
	guardians map[string]domain.Guardian // by national ID
}

func newFamily(t *testing.T, prefer map[string]messaging.Medium) *family {
	t.Helper()
	ctx := t.Context()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	reg, srv := krrtest.Start(t, os.DirFS("testdata"))
	c, err := krr.New(krr.Options{BaseURL: srv.URL + "/rest/v1/",
		Token: func(context.Context) (string, error) { return "maskinporten-token", nil }})
	require.NoError(t, err)
	m := domain.MustMunicipality("0301")
	f := &family{store: store, reg: reg, m: m, guardians: map[string]domain.Guardian{},
		svc: &messaging.Service{Store: store, ContactRegister: c,
			Clock: domain.FixedClock(time.Date(2026, 12, 1, 9, 0, 0, 0, domain.Oslo()))}}
	f.child = domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Ada", FamilyName: "Nordmann",
		BirthDate: date.New(2021, time.May, 4), AddressProtection: domain.ProtectionNone}
	require.NoError(t, store.CreateChild(ctx, f.child))
	for id, medium := range prefer {
		g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, NationalID: nid(t, id),
			GivenName: "Foresatt", FamilyName: id[:6], Email: "paa-fil-" + id + "@eksempel.no", Phone: "+4799" + id[5:11],
			AddressProtection: domain.ProtectionNone}
		require.NoError(t, store.CreateGuardian(ctx, g))
		require.NoError(t, store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: f.child.ID, GuardianID: g.ID, ParentalResponsibility: true}))
		require.NoError(t, store.PutContact(ctx, messaging.Contact{Municipality: m, Guardian: g.ID, Language: messaging.Bokmal, Medium: medium}))
		f.guardians[id] = g
	}
	return f
}

func (f *family) notify(t *testing.T, key string) map[domain.GuardianID]messaging.Delivery {
	t.Helper()
	require.NoError(t, f.store.Atomic(t.Context(), func(ctx context.Context) error {
		return f.svc.Notify(ctx, domain.Notice{Municipality: f.m, Kind: "absence.undocumented", Child: f.child.ID, Key: key,
			Data: map[string]string{"date": "2026-12-01", "unit": "Solsikken barnehage"}})
	}))
	ds, err := f.store.Deliveries(t.Context(), f.m)
	require.NoError(t, err)
	out := map[domain.GuardianID]messaging.Delivery{}
	for _, d := range ds {
		if len(d.Key) > len(key) && d.Key[:len(key)] == key {
			_, dup := out[d.Guardian]
			require.False(t, dup, "one delivery per guardian and notice")
			out[d.Guardian] = d
		}
	}
	return out
}

// TestReservedGuardianGetsNoEmailOrSMS is the done-when of the issue: a
// guardian reserved in KRR gets no e-mail or SMS, through messaging with a
// real store: the outbox has no e-mail or SMS row for them, the digital
// mailbox gets the notice. The other recorded answers decide the other
// guardians' routes.
func TestReservedGuardianGetsNoEmailOrSMS(t *testing.T) {
	const (
		active, reserved, noContact, changed = "10848810032", "10848811845", "10848813694", "10848815433"
		deleted, notRegistered, cannot       = "10848817282", "10848819021", "12868810090"
	)
	f := newFamily(t, map[string]messaging.Medium{
		active: messaging.SMS, reserved: messaging.Email, noContact: messaging.Email, changed: messaging.Email,
		deleted: messaging.Email, notRegistered: messaging.SMS, cannot: messaging.SMS,
	})
	got := f.notify(t, "absence/1")

	r := got[f.guardians[reserved].ID]
	assert.Equal(t, messaging.DigitalMailbox, r.Medium, "reserved: the digital mailbox")
	assert.Equal(t, reserved, r.To)
	for _, d := range got {
		if d.Guardian == f.guardians[reserved].ID {
			continue
		}
		assert.NotEqual(t, "reservert@eksempel.no", d.To)
	}
	all, err := f.store.Deliveries(t.Context(), f.m)
	require.NoError(t, err)
	for _, d := range all {
		if d.Guardian == f.guardians[reserved].ID {
			assert.NotContains(t, []messaging.Medium{messaging.Email, messaging.SMS}, d.Medium, "no e-mail or SMS row for the reserved guardian")
		}
	}

	want := map[string][2]string{
		active:        {string(messaging.SMS), "+4741000001"},
		noContact:     {string(messaging.DigitalMailbox), noContact},
		changed:       {string(messaging.Email), "ny.adresse@eksempel.no"},
		notRegistered: {string(messaging.DigitalMailbox), notRegistered},
		cannot:        {string(messaging.DigitalMailbox), cannot},
	}
	for id, w := range want {
		d, ok := got[f.guardians[id].ID]
		require.True(t, ok, id)
		assert.Equal(t, w, [2]string{string(d.Medium), d.To}, id)
		assert.NotContains(t, d.To, "paa-fil-", "never the details on file")
	}
	_, ok := got[f.guardians[deleted].ID]
	assert.False(t, ok, "a guardian deleted from the register gets nothing")
	assert.Len(t, got, 6)

	reqs := f.reg.Requests()
	require.Len(t, reqs, 1, "one lookup for all the guardians of the notice")
	assert.Len(t, reqs[0].IDs, 7)
}

// TestRegisterUnavailable: when the register cannot answer, the notice is
// still written, to the digital mailbox, never to the e-mail or phone on
// file that the register has not confirmed.
func TestRegisterUnavailable(t *testing.T) {
	f := newFamily(t, map[string]messaging.Medium{"10848810032": messaging.Email, "10848811845": messaging.SMS})
	f.reg.Fail(http.StatusServiceUnavailable)
	got := f.notify(t, "absence/2")
	require.Len(t, got, 2)
	for id, g := range f.guardians {
		d := got[g.ID]
		assert.Equal(t, messaging.DigitalMailbox, d.Medium, id)
		assert.Equal(t, id, d.To)
	}
}

// TestWithoutRegister: a Service without a ContactRegister keeps the
// details on file and the preference (the demo's behaviour).
func TestWithoutRegister(t *testing.T) {
	f := newFamily(t, map[string]messaging.Medium{"10848811845": messaging.Email})
	f.svc.ContactRegister = nil
	got := f.notify(t, "absence/3")
	d := got[f.guardians["10848811845"].ID]
	assert.Equal(t, messaging.Email, d.Medium)
	assert.Equal(t, "paa-fil-10848811845@eksempel.no", d.To)
	assert.Empty(t, f.reg.Requests())
}

// blocking is a register that never answers before its deadline.
type blocking struct{}

func (blocking) Lookup(ctx context.Context, _ []domain.NationalID) (map[domain.NationalID]messaging.RegisterEntry, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestRegisterTimeout: a register slower than Service.RegisterTimeout is
// given up on; the notice goes to the digital mailbox without waiting
// longer.
func TestRegisterTimeout(t *testing.T) {
	f := newFamily(t, map[string]messaging.Medium{"10848810032": messaging.Email})
	f.svc.ContactRegister = blocking{}
	f.svc.RegisterTimeout = 50 * time.Millisecond
	start := time.Now()
	got := f.notify(t, "absence/4")
	assert.Less(t, time.Since(start), 2*time.Second)
	d := got[f.guardians["10848810032"].ID]
	assert.Equal(t, messaging.DigitalMailbox, d.Medium)
}
