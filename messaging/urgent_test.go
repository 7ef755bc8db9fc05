package messaging_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// nightFamily is a kindergarten with one child and its mother, who has a
// national ID, a mobile number on file and prefers e-mail.
type nightFamily struct {
	store *sqlite.Store
	m     domain.Municipality
	child domain.ChildID
	mor   domain.Guardian
	staff domain.Actor
}

func newNightFamily(t *testing.T, now time.Time) nightFamily {
	t.Helper()
	ctx := t.Context()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	m := domain.MustMunicipality("0301")
	today := date.NewAt(now)
	nid, err := domain.ParseNationalID("10848810032")
	require.NoError(t, err)
	unit := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken", Kind: domain.Kindergarten, Owner: domain.Municipal}
	child := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Ada", FamilyName: "Nordmann", BirthDate: today.AddDate(-3, 0, 0)}
	mor := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Nordmann",
		Phone: "+4799999999", Email: "kari@example.no", NationalID: nid}
	require.NoError(t, store.CreateUnit(ctx, unit))
	require.NoError(t, store.CreateChild(ctx, child))
	require.NoError(t, store.CreateGuardian(ctx, mor))
	require.NoError(t, store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: child.ID, GuardianID: mor.ID, ParentalResponsibility: true}))
	require.NoError(t, store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: child.ID,
		UnitID: unit.ID, Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: today.AddDate(0, -1, 0)}}))
	return nightFamily{store: store, m: m, child: child.ID, mor: mor, staff: domain.StaffActor(m, "ansatt-1", unit.ID)}
}

// register answers for every person asked with the same entry.
type register struct {
	entry messaging.RegisterEntry
	asked int
}

func (r *register) Lookup(_ context.Context, ids []domain.NationalID) (map[domain.NationalID]messaging.RegisterEntry, error) {
	r.asked++
	out := map[domain.NationalID]messaging.RegisterEntry{}
	for _, n := range ids {
		e := r.entry
		e.NationalID = n
		out[n] = e
	}
	return out, nil
}

var reservedEntry = messaging.RegisterEntry{Status: messaging.RegisterActive, Reserved: true, Email: "krr@example.no", Mobile: "+4741000000"}

// A guardian who has reserved against digital communication in KRR gets
// an urgent message in the digital mailbox, and its SMS copy at the
// register's mobile number (a service message may go to a reserved
// person), never an e-mail or the number on file. Without a mobile number
// in the register there is no SMS, and the sender's status says why
// (NoSMSReserved).
func TestUrgentToGuardianReservedInRegister(t *testing.T) {
	now := time.Date(2025, 3, 10, 22, 0, 0, 0, domain.Oslo())
	f := newNightFamily(t, now)
	reg := &register{entry: reservedEntry}
	svc := &messaging.Service{Store: f.store, Clock: storetest.NewClock(now), ContactRegister: reg}
	th, err := svc.Post(t.Context(), f.staff, messaging.Draft{Municipality: f.m, About: messaging.About{Scope: messaging.ScopeChild, Child: f.child},
		Subject: "Ada har feber", Body: "Hent henne nå.", Urgent: true})
	require.NoError(t, err)
	assert.Positive(t, reg.asked)
	ds, err := f.store.Deliveries(t.Context(), f.m)
	require.NoError(t, err)
	to := map[messaging.Medium]string{}
	for _, d := range ds {
		to[d.Medium] = d.To
		assert.True(t, d.NextAt.Equal(now), "urgent: at once, in the quiet hours too")
	}
	assert.Equal(t, map[messaging.Medium]string{messaging.DigitalMailbox: f.mor.NationalID.String(), messaging.SMS: "+4741000000"}, to,
		"the mailbox and the SMS copy to the register's number; no e-mail")
	st, err := svc.StatusOf(t.Context(), f.staff, f.m, th.ID)
	require.NoError(t, err)
	require.Len(t, st.Recipients, 1)
	assert.Empty(t, st.Recipients[0].NoSMS)

	// Reserved, and no mobile number in the register: the mailbox only.
	h := newNightFamily(t, now)
	noMobile := reservedEntry
	noMobile.Mobile = ""
	svc = &messaging.Service{Store: h.store, Clock: storetest.NewClock(now), ContactRegister: &register{entry: noMobile}}
	th, err = svc.Post(t.Context(), h.staff, messaging.Draft{Municipality: h.m, About: messaging.About{Scope: messaging.ScopeChild, Child: h.child},
		Subject: "Ada har feber", Body: "Hent henne nå.", Urgent: true})
	require.NoError(t, err)
	ds, err = h.store.Deliveries(t.Context(), h.m)
	require.NoError(t, err)
	require.Len(t, ds, 1, "one delivery, no SMS copy")
	assert.Equal(t, messaging.DigitalMailbox, ds[0].Medium)
	st, err = svc.StatusOf(t.Context(), h.staff, h.m, th.ID)
	require.NoError(t, err)
	require.Len(t, st.Recipients, 1)
	r := st.Recipients[0]
	assert.Equal(t, messaging.NoSMSReserved, r.NoSMS)
	require.Len(t, r.Deliveries, 1)
	assert.Equal(t, messaging.DigitalMailbox, r.Deliveries[0].Medium)
	assert.Equal(t, messaging.StatusQueued, r.Status())

	// The same guardian, not reserved: the SMS copy goes to the
	// register's number.
	g := newNightFamily(t, now)
	svc = &messaging.Service{Store: g.store, Clock: storetest.NewClock(now), ContactRegister: &register{entry: messaging.RegisterEntry{
		Status: messaging.RegisterActive, CanNotify: true, Email: "krr@example.no", Mobile: "+4741000000"}}}
	_, err = svc.Post(t.Context(), g.staff, messaging.Draft{Municipality: g.m, About: messaging.About{Scope: messaging.ScopeChild, Child: g.child},
		Subject: "Ada har feber", Body: "Hent henne nå.", Urgent: true})
	require.NoError(t, err)
	ds, err = g.store.Deliveries(t.Context(), g.m)
	require.NoError(t, err)
	media := map[messaging.Medium]string{}
	for _, d := range ds {
		media[d.Medium] = d.To
	}
	assert.Equal(t, map[messaging.Medium]string{messaging.Email: "krr@example.no", messaging.SMS: "+4741000000"}, media)
}

// A reserved guardian is offered the digital mailbox only, and may not
// choose another medium; the quiet hours offered are the municipality's.
func TestChoicesOfReservedGuardian(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, domain.Oslo())
	f := newNightFamily(t, now)
	svc := &messaging.Service{Store: f.store, Clock: storetest.NewClock(now), ContactRegister: &register{entry: reservedEntry}}
	me := domain.GuardianActor(f.m, f.mor.ID)
	ch, err := svc.ChoicesFor(t.Context(), me, f.mor.ID)
	require.NoError(t, err)
	assert.True(t, ch.Reserved)
	assert.Equal(t, []messaging.Medium{messaging.DigitalMailbox}, ch.Media)
	assert.Equal(t, messaging.QuietHours{Start: 21 * 60, End: 7 * 60}, ch.Quiet)

	err = svc.SetContact(t.Context(), me, messaging.Contact{Municipality: f.m, Guardian: f.mor.ID, Language: messaging.Bokmal, Medium: messaging.SMS})
	var ve *domain.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, messaging.ReasonMediumReserved, ve.Fields[0].Reason)
	assert.Equal(t, "medium", ve.Fields[0].Field)
	require.NoError(t, svc.SetContact(t.Context(), me, messaging.Contact{Municipality: f.m, Guardian: f.mor.ID, Language: messaging.Bokmal,
		Medium: messaging.DigitalMailbox, Quiet: &messaging.QuietHours{Start: 22 * 60, End: 6 * 60}}))

	// Without a register every medium is offered.
	svc.ContactRegister = nil
	ch, err = svc.ChoicesFor(t.Context(), me, f.mor.ID)
	require.NoError(t, err)
	assert.False(t, ch.Reserved)
	assert.Equal(t, messaging.AllMedia, ch.Media)
	_, err = svc.ChoicesFor(t.Context(), domain.GuardianActor(f.m, domain.NewID[domain.Guardian]()), f.mor.ID)
	assert.ErrorIs(t, err, domain.ErrForbidden, "another guardian's choices")
}

// failing fails every send, as a gateway that is down.
type failing struct{ sent int }

func (f *failing) Medium() messaging.Medium { return messaging.Email }
func (f *failing) Send(context.Context, messaging.Delivery) error {
	f.sent++
	return errors.New("gateway down")
}

// A failed notice that is not urgent whose retry would fall in the quiet
// hours waits until they end (07:00 local time, on the nights summer time
// starts and ends too, or the guardian's own earlier end); an urgent one
// is retried after its backoff.
func TestRetryWaitsOutQuietHours(t *testing.T) {
	oslo := domain.Oslo()
	for _, c := range []struct {
		name      string
		at, want  time.Time
		own       *messaging.QuietHours
		urgent    bool
		wantEqual bool
	}{
		{name: "ordinary night", at: time.Date(2025, 3, 10, 23, 0, 0, 0, oslo), want: time.Date(2025, 3, 11, 7, 0, 0, 0, oslo)},
		{name: "summer time starts", at: time.Date(2025, 3, 29, 23, 0, 0, 0, oslo), want: time.Date(2025, 3, 30, 7, 0, 0, 0, oslo)},
		{name: "summer time ends", at: time.Date(2025, 10, 25, 23, 0, 0, 0, oslo), want: time.Date(2025, 10, 26, 7, 0, 0, 0, oslo)},
		{name: "the guardian's own end", at: time.Date(2025, 3, 10, 23, 0, 0, 0, oslo), want: time.Date(2025, 3, 11, 6, 0, 0, 0, oslo),
			own: &messaging.QuietHours{Start: 22 * 60, End: 6 * 60}},
		{name: "urgent", at: time.Date(2025, 3, 10, 23, 0, 0, 0, oslo), want: time.Date(2025, 3, 10, 23, 10, 0, 0, oslo), urgent: true},
		{name: "afternoon", at: time.Date(2025, 3, 10, 15, 0, 0, 0, oslo), want: time.Date(2025, 3, 10, 15, 10, 0, 0, oslo)},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := t.Context()
			f := newNightFamily(t, c.at)
			clock := storetest.NewClock(c.at)
			svc := &messaging.Service{Store: f.store, Clock: clock}
			if c.own != nil {
				require.NoError(t, f.store.PutContact(ctx, messaging.Contact{Municipality: f.m, Guardian: f.mor.ID, Language: messaging.Bokmal, Medium: messaging.Email, Quiet: c.own}))
			}
			_, err := f.store.Enqueue(ctx, []messaging.Delivery{{ID: domain.NewID[messaging.Delivery](), Municipality: f.m, Key: "test/" + c.name,
				Kind: "message.new", Guardian: f.mor.ID, Medium: messaging.Email, To: "kari@example.no", Language: messaging.Bokmal,
				Subject: "S", Body: "B", Urgent: c.urgent, State: messaging.Pending, NextAt: c.at, CreatedAt: c.at}})
			require.NoError(t, err)
			tr := &failing{}
			d := &messaging.Dispatcher{Outbox: f.store, Transports: []messaging.Transport{tr}, Clock: clock, Quiet: svc,
				Backoff: messaging.Backoff{Initial: 10 * time.Minute, Max: time.Hour, Factor: 2, Limit: 5}}
			n, err := d.RunOnce(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, n)
			require.Equal(t, 1, tr.sent)
			ds, err := f.store.Deliveries(ctx, f.m)
			require.NoError(t, err)
			require.Len(t, ds, 1)
			assert.Equal(t, messaging.Pending, ds[0].State)
			assert.True(t, c.want.Equal(ds[0].NextAt), "retry at %s, want %s", ds[0].NextAt.In(oslo), c.want)

			// Nothing is sent before then; at that minute it is.
			clock.Advance(c.want.Sub(c.at) - time.Minute)
			n, err = d.RunOnce(ctx)
			require.NoError(t, err)
			assert.Zero(t, n)
			clock.Advance(time.Minute)
			n, err = d.RunOnce(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
		})
	}
}
