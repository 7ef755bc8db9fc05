package webtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// SofieGroup is the group of Sofie's place at Nordby skole (3A).
func (ta *Harness) SofieGroup(t testing.TB) domain.GroupID {
	t.Helper()
	school := ta.NordbySkole(t)
	ps, err := ta.DB.Placements(context.Background(), demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	for _, p := range ps {
		if p.UnitID == school && p.Period.Contains(domain.Today(ta.App.Clock)) {
			return p.GroupID
		}
	}
	t.Fatal("Sofie has no place at Nordby skole")
	return domain.GroupID{}
}

// ConversationService is the conversations service on the harness' store.
func (ta *Harness) ConversationService(t testing.TB) *conversations.Service {
	t.Helper()
	st, ok := any(ta.DB).(conversations.ServiceStore)
	require.True(t, ok, "the store keeps conversations")
	return &conversations.Service{Store: st, Clock: ta.App.Clock}
}

// ConversationRound publishes, as Kari Lærer (staff-nordby), a round of
// slots for Sofie's group: n slots of 20 minutes from 08:00 on the day
// days after today.
func (ta *Harness) ConversationRound(t testing.TB, days, n int) (conversations.Round, []conversations.Slot) {
	t.Helper()
	day := domain.Today(ta.App.Clock).AddDate(0, 0, days)
	y, m, d := day.Date()
	var starts []time.Time
	for i := range n {
		starts = append(starts, time.Date(y, m, d, 8, 20*i, 0, 0, domain.Oslo()))
	}
	s := ta.ConversationService(t)
	staff := ta.Personas[demo.PersonaStaff].Actor
	r, slots, err := s.Publish(context.Background(), staff, conversations.Round{Group: ta.SofieGroup(t), Kind: conversations.Development,
		Title: "Utviklingssamtale", Place: "Klasserom 3A", Minutes: 20, Children: []domain.ChildID{ta.Sofie}}, starts)
	require.NoError(t, err)
	return r, slots
}

// ConversationBooking books a slot for Sofie as Hilde Berg (guardian).
func (ta *Harness) ConversationBooking(t testing.TB, r conversations.Round, slot conversations.Slot, separate bool) conversations.Booking {
	t.Helper()
	b, err := ta.ConversationService(t).Book(context.Background(), ta.Personas[demo.PersonaGuardian].Actor, r.ID, slot.ID, ta.Sofie, separate)
	require.NoError(t, err)
	return b
}
