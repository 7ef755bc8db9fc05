package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
)

// ConversationTitle is the title of the demo's round of conversations.
const ConversationTitle = "Utviklingssamtaler høst"

// seedConversations publishes, as Kari Lærer, a round of development
// conversations for Sofie's class at Nordby skole: twelve slots of 20
// minutes from 08:00 on the first weekday two weeks from today, the last
// day to book three days before. Hilde Berg finds it on her
// conversations page.
func seedConversations(ctx context.Context, store domain.Store, clock domain.Clock) error {
	st, ok := store.(conversations.Store)
	if !ok {
		return nil
	}
	m := Municipality
	units, err := store.Units(ctx, m)
	if err != nil {
		return err
	}
	var school domain.UnitID
	for _, u := range units {
		if u.Name == "Nordby skole" {
			school = u.ID
		}
	}
	if school.IsZero() {
		return nil
	}
	day := domain.Today(clock).AddDate(0, 0, 14)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	children, err := store.Children(ctx, m)
	if err != nil {
		return err
	}
	var group domain.GroupID
	for _, c := range children {
		if c.GivenName != "Sofie" || c.FamilyName != "Berg" {
			continue
		}
		ps, err := store.Placements(ctx, m, c.ID)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.UnitID == school && p.Period.Contains(day) {
				group = p.GroupID
			}
		}
	}
	if group.IsZero() {
		return nil
	}
	ps, err := store.UnitPlacements(ctx, m, school, domain.Period{Start: day, End: day})
	if err != nil {
		return err
	}
	r := conversations.Round{ID: domain.NewID[conversations.Round](), Municipality: m, Unit: school, Group: group, Kind: conversations.Development,
		Title: ConversationTitle, Minutes: 20, Place: "Klasserom 3A", BookBy: day.AddDate(0, 0, -3),
		PublishedBy: StaffPrincipals[PersonaStaff], PublishedAt: clock.Now()}
	for _, p := range ps {
		if p.GroupID == group {
			r.Children = append(r.Children, p.ChildID)
		}
	}
	y, mo, d := day.Date()
	var slots []conversations.Slot
	for i := range 12 {
		slots = append(slots, conversations.Slot{ID: domain.NewID[conversations.Slot](), Municipality: m, Round: r.ID,
			Start: time.Date(y, mo, d, 8, 20*i, 0, 0, domain.Oslo())})
	}
	if err := st.CreateRound(ctx, r, slots); err != nil {
		return fmt.Errorf("seed conversations: %w", err)
	}
	return nil
}
