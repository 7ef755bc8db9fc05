package sms_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sms"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// TestUrgentAtNight is issue 21's test of done, end to end: the real
// dispatcher sends through this package's transport to a gateway on the
// loopback interface. At 22:00 an urgent message from staff goes at once
// by SMS, while a normal one waits in the outbox until 07:00 the next
// morning, local time: also on the nights summer time starts (the night
// is an hour shorter) and ends (an hour longer).
func TestUrgentAtNight(t *testing.T) {
	oslo := domain.Oslo()
	for _, night := range []struct {
		name        string
		at, morning time.Time
	}{
		{"ordinary", time.Date(2025, 3, 10, 22, 0, 0, 0, oslo), time.Date(2025, 3, 11, 7, 0, 0, 0, oslo)},
		{"summer time starts", time.Date(2025, 3, 29, 22, 0, 0, 0, oslo), time.Date(2025, 3, 30, 7, 0, 0, 0, oslo)},
		{"summer time ends", time.Date(2025, 10, 25, 22, 0, 0, 0, oslo), time.Date(2025, 10, 26, 7, 0, 0, 0, oslo)},
	} {
		t.Run(night.name, func(t *testing.T) {
			ctx := t.Context()
			store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, store.Close()) })
			clock := storetest.NewClock(night.at)
			m, child, staff := family(t, ctx, store, night.at)
			svc := &messaging.Service{Store: store, Clock: clock}
			g := newGateway(t)
			require.True(t, strings.HasPrefix(g.srv.URL, "http://127.0.0.1:"), "a gateway on the loopback interface")
			tr, err := sms.New(sms.Options{URL: g.srv.URL, Token: "hemmelig"})
			require.NoError(t, err)
			d := &messaging.Dispatcher{Outbox: store, Transports: []messaging.Transport{tr}, Clock: clock}

			about := messaging.About{Scope: messaging.ScopeChild, Child: child}
			_, err = svc.Post(ctx, staff, messaging.Draft{Municipality: m, About: about, Subject: "Tur fredag", Body: "Husk matpakke."})
			require.NoError(t, err)
			_, err = svc.Post(ctx, staff, messaging.Draft{Municipality: m, About: about, Subject: "Ada har feber", Body: "Hent henne nå.", Urgent: true})
			require.NoError(t, err)

			n, err := d.RunOnce(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n, "only the urgent one is due")
			got := g.received()
			require.Len(t, got, 1)
			assert.Equal(t, "HASTER: Ny melding: Ada har feber", got[0].Subject)
			assert.Equal(t, "+4799999999", got[0].To)
			assert.Equal(t, []string{"high"}, g.prio)

			clock.Advance(night.morning.Sub(night.at) - time.Minute)
			assert.Equal(t, "06:59", clock.Now().Format("15:04"))
			n, err = d.RunOnce(ctx)
			require.NoError(t, err)
			assert.Zero(t, n, "a minute before the quiet hours end: still waiting")

			clock.Advance(time.Minute)
			n, err = d.RunOnce(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n, "07:00: the normal one goes")
			got = g.received()
			require.Len(t, got, 2)
			assert.Equal(t, "Ny melding: Tur fredag", got[1].Subject)
			assert.Equal(t, "normal", g.prio[1])
		})
	}
	// The three nights are 9, 8 and 10 hours long: 07:00 is a wall-clock
	// time, not 22:00 plus nine hours.
	assert.Equal(t, 8*time.Hour, time.Date(2025, 3, 30, 7, 0, 0, 0, oslo).Sub(time.Date(2025, 3, 29, 22, 0, 0, 0, oslo)))
	assert.Equal(t, 10*time.Hour, time.Date(2025, 10, 26, 7, 0, 0, 0, oslo).Sub(time.Date(2025, 10, 25, 22, 0, 0, 0, oslo)))
}

// family stores a kindergarten, a child placed there and its mother, who
// is notified by SMS, and returns the municipality, the child and a staff
// member of the unit.
func family(t *testing.T, ctx context.Context, store *sqlite.Store, now time.Time) (domain.Municipality, domain.ChildID, domain.Actor) {
	t.Helper()
	m := domain.MustMunicipality("0301")
	today := date.NewAt(now)
	unit := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken", Kind: domain.Kindergarten, Owner: domain.Municipal}
	child := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Ada", FamilyName: "Nordmann", BirthDate: today.AddDate(-3, 0, 0)}
	mor := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Nordmann", Phone: "+4799999999"}
	require.NoError(t, store.CreateUnit(ctx, unit))
	require.NoError(t, store.CreateChild(ctx, child))
	require.NoError(t, store.CreateGuardian(ctx, mor))
	require.NoError(t, store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: child.ID, GuardianID: mor.ID, ParentalResponsibility: true}))
	require.NoError(t, store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: child.ID,
		UnitID: unit.ID, Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: today.AddDate(0, -1, 0)}}))
	require.NoError(t, store.PutContact(ctx, messaging.Contact{Municipality: m, Guardian: mor.ID, Language: messaging.Bokmal, Medium: messaging.SMS}))
	return m, child.ID, domain.StaffActor(m, "ansatt-1", unit.ID)
}
