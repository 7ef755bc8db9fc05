package messaging_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

func TestRouteByRegister(t *testing.T) {
	n, err := domain.ParseNationalID("10848810032")
	require.NoError(t, err)
	m := domain.MustMunicipality("0301")
	g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, NationalID: n,
		Email: "old@example.no", Phone: "+4790000000"}
	noID := g
	noID.NationalID = domain.NationalID{}
	active := messaging.RegisterEntry{NationalID: n, Status: messaging.RegisterActive, CanNotify: true,
		Email: "krr@example.no", Mobile: "+4791111111"}
	with := func(f func(*messaging.RegisterEntry)) messaging.RouteLookup {
		e := active
		f(&e)
		return messaging.RouteLookup{Found: true, Entry: e}
	}
	found := messaging.RouteLookup{Found: true, Entry: active}
	mailbox := func(r messaging.Reason) messaging.Route {
		return messaging.Route{Medium: messaging.DigitalMailbox, To: n.String(), Reason: r}
	}
	for _, tc := range []struct {
		name      string
		g         domain.Guardian
		ch        messaging.Channel
		preferred messaging.Medium
		l         messaging.RouteLookup
		want      messaging.Route
	}{
		{"e-mail to the register's address, not the one on file", g, messaging.ChannelAny, messaging.Email, found,
			messaging.Route{Medium: messaging.Email, To: "krr@example.no", Reason: messaging.ReasonRegisterNotified}},
		{"SMS to the register's mobile", g, messaging.ChannelAny, messaging.SMS, found,
			messaging.Route{Medium: messaging.SMS, To: "+4791111111", Reason: messaging.ReasonRegisterNotified}},
		{"the app as preferred", g, messaging.ChannelAny, messaging.Webhook, found,
			messaging.Route{Medium: messaging.Webhook, To: g.ID.String(), Reason: messaging.ReasonRegisterNotified}},
		{"the digital mailbox as preferred", g, messaging.ChannelAny, messaging.DigitalMailbox, found,
			mailbox(messaging.ReasonRegisterNotified)},
		{"prefers e-mail, register has only a mobile", g, messaging.ChannelAny, messaging.Email,
			with(func(e *messaging.RegisterEntry) { e.Email = "" }),
			messaging.Route{Medium: messaging.SMS, To: "+4791111111", Reason: messaging.ReasonRegisterNotified}},
		{"prefers SMS, register has only an e-mail", g, messaging.ChannelAny, messaging.SMS,
			with(func(e *messaging.RegisterEntry) { e.Mobile = "" }),
			messaging.Route{Medium: messaging.Email, To: "krr@example.no", Reason: messaging.ReasonRegisterNotified}},
		{"no contact details in the register", g, messaging.ChannelAny, messaging.Email,
			with(func(e *messaging.RegisterEntry) { e.Email, e.Mobile = "", "" }),
			mailbox(messaging.ReasonRegisterNoDetails)},
		{"reserved: no e-mail", g, messaging.ChannelAny, messaging.Email,
			with(func(e *messaging.RegisterEntry) { e.Reserved, e.CanNotify = true, false }),
			mailbox(messaging.ReasonRegisterReserved)},
		{"reserved: no SMS", g, messaging.ChannelAny, messaging.SMS,
			with(func(e *messaging.RegisterEntry) { e.Reserved, e.CanNotify = true, false }),
			mailbox(messaging.ReasonRegisterReserved)},
		{"reserved: not the app either", g, messaging.ChannelAny, messaging.Webhook,
			with(func(e *messaging.RegisterEntry) { e.Reserved = true }),
			mailbox(messaging.ReasonRegisterReserved)},
		{"cannot be notified (stale details)", g, messaging.ChannelAny, messaging.Email,
			with(func(e *messaging.RegisterEntry) { e.CanNotify = false }),
			mailbox(messaging.ReasonRegisterCannotNotify)},
		{"deleted: nothing", g, messaging.ChannelAny, messaging.Email,
			with(func(e *messaging.RegisterEntry) {
				e.Status, e.CanNotify, e.Email, e.Mobile = messaging.RegisterDeleted, false, "", ""
			}),
			messaging.Route{Skip: true, Reason: messaging.ReasonRegisterDeleted}},
		{"not registered", g, messaging.ChannelAny, messaging.SMS,
			with(func(e *messaging.RegisterEntry) {
				e.Status, e.CanNotify, e.Email, e.Mobile = messaging.RegisterNotRegistered, false, "", ""
			}),
			mailbox(messaging.ReasonRegisterNotRegistered)},
		{"not in the answer", g, messaging.ChannelAny, messaging.Email, messaging.RouteLookup{},
			mailbox(messaging.ReasonRegisterNotRegistered)},
		{"register unavailable: not to the details on file", g, messaging.ChannelAny, messaging.Email,
			messaging.RouteLookup{Failed: true}, mailbox(messaging.ReasonRegisterUnavailable)},
		{"protected channel wins over the register", g, messaging.ChannelProtected, messaging.Email, found,
			mailbox(messaging.ReasonProtectedChannel)},
		{"no national ID: the details on file", noID, messaging.ChannelAny, messaging.Email, messaging.RouteLookup{},
			messaging.Route{Medium: messaging.Email, To: "old@example.no", Reason: messaging.ReasonRegisterNoNationalID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := messaging.RouteByRegister(tc.g, tc.ch, tc.preferred, tc.l)
			assert.Equal(t, tc.want, got)
		})
	}
}
