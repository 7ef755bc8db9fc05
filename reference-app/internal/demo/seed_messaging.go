package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// seedMessaging writes the demo's messages for Sofie Berg's family, so the
// guardian has something to read: a bulletin to her SFO group, an urgent
// bulletin to Nordby SFO, and a conversation with her class teacher that
// her mother has answered; and a message from Aurora Solheim's kindergarten
// about her, which reaches her father (a § 47 request) without a word of
// where she is. They go through messaging.Service like any message, so
// the notifications wait in the outbox too. A store without messaging gets
// none.
func seedMessaging(ctx context.Context, store domain.Store, clock domain.Clock) error {
	ports, ok := store.(messaging.Ports)
	if !ok {
		return nil
	}
	if err := seedSofieMessages(ctx, store, ports, clock); err != nil {
		return err
	}
	return seedAuroraMessage(ctx, store, ports, clock)
}

// seedAuroraMessage writes a message from the staff of Aurora Solheim's
// kindergarten about her. Its text names neither the kindergarten nor its
// staff: her father must learn nothing of where she is, and the library
// keeps the rest (the unit, the author) from him.
func seedAuroraMessage(ctx context.Context, store domain.Store, ports messaging.Ports, clock domain.Clock) error {
	m := Municipality
	children, err := store.Children(ctx, m)
	if err != nil {
		return err
	}
	for _, c := range children {
		if c.GivenName != "Aurora" || c.FamilyName != "Solheim" {
			continue
		}
		ps, err := store.Placements(ctx, m, c.ID)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if !p.Period.Contains(domain.Today(clock)) {
				continue
			}
			staff := domain.StaffActor(m, "per.pedagog@demo-kommune.example", p.UnitID).Named(staffBjorkeliaName)
			svc := &messaging.Service{Store: ports, Clock: domain.FixedClock(clock.Now().Add(-90 * time.Minute))}
			_, err := svc.Post(ctx, staff, messaging.Draft{Municipality: m, About: messaging.About{Scope: messaging.ScopeChild, Child: c.ID},
				Subject: "Aurora denne uka",
				Body:    "Hei!\nAurora har hatt en fin uke. Hun har malt mye og vært ivrig ute i sandkassa.\nSi gjerne fra om dere vil ha en samtale."})
			if err != nil {
				return fmt.Errorf("messages: %w", err)
			}
			return nil
		}
	}
	return nil
}

// seedSofieMessages writes the messages of Sofie Berg's family.
func seedSofieMessages(ctx context.Context, store domain.Store, ports messaging.Ports, clock domain.Clock) error {
	m := Municipality
	children, err := store.Children(ctx, m)
	if err != nil {
		return err
	}
	var sofie domain.Child
	for _, c := range children {
		if c.GivenName == "Sofie" && c.FamilyName == "Berg" {
			sofie = c
		}
	}
	if sofie.ID.IsZero() {
		return nil
	}
	now := clock.Now()
	today := domain.Today(clock)
	ps, err := store.Placements(ctx, m, sofie.ID)
	if err != nil {
		return err
	}
	var school, sfo domain.Placement
	for _, p := range ps {
		if !p.Period.Contains(today) {
			continue
		}
		switch p.Kind {
		case domain.SFO:
			sfo = p
		case domain.School:
			school = p
		}
	}
	if sfo.ID.IsZero() || school.ID.IsZero() {
		return nil
	}
	links, err := store.Guardianships(ctx, m, sofie.ID)
	if err != nil {
		return err
	}
	var hilde domain.GuardianID
	for _, l := range links {
		g, err := store.Guardian(ctx, m, l.GuardianID)
		if err != nil {
			return err
		}
		if g.GivenName == "Hilde" {
			hilde = g.ID
		}
	}
	staff := domain.StaffActor(m, "kari.laerer@demo-kommune.example", school.UnitID, sfo.UnitID).Named(staffNordbyName)
	// Each message an hour after the previous, the last one an hour ago.
	at := func(hoursAgo int) *messaging.Service {
		return &messaging.Service{Store: ports, Clock: domain.FixedClock(now.Add(-time.Duration(hoursAgo) * time.Hour))}
	}
	posts := []struct {
		hoursAgo int
		draft    messaging.Draft
	}{
		{5, messaging.Draft{About: messaging.About{Scope: messaging.ScopeGroup, Group: sfo.GroupID}, Bulletin: true,
			Subject: "Tur til skogen fredag",
			Body:    "Hei!\nFredag går vi på tur til skogen. Husk matpakke, drikke og klær etter været.\nVi er tilbake på SFO klokka 15.\nHilsen oss på SFO"}},
		{4, messaging.Draft{About: messaging.About{Scope: messaging.ScopeUnit, Unit: sfo.UnitID}, Bulletin: true, Urgent: true,
			Subject: "SFO stenger klokka 14 torsdag",
			Body:    "På grunn av personalmøte stenger SFO klokka 14 torsdag. Gi beskjed til oss om dere trenger hjelp med henting."}},
	}
	for _, p := range posts {
		p.draft.Municipality = m
		if _, err := at(p.hoursAgo).Post(ctx, staff, p.draft); err != nil {
			return fmt.Errorf("messages: %w", err)
		}
	}
	t, err := at(3).Post(ctx, staff, messaging.Draft{Municipality: m, About: messaging.About{Scope: messaging.ScopeChild, Child: sofie.ID},
		Subject: "Foreldresamtale",
		Body:    "Hei!\nVi vil gjerne invitere til foreldresamtale om Sofie. Passer tirsdag klokka 16?\nHilsen Kari, kontaktlærer"})
	if err != nil {
		return fmt.Errorf("messages: %w", err)
	}
	if !hilde.IsZero() {
		if _, err := at(2).Reply(ctx, domain.GuardianActor(m, hilde), m, t.ID, "Tirsdag klokka 16 passer fint. Hilsen Hilde", nil); err != nil {
			return fmt.Errorf("messages: %w", err)
		}
		if err := at(2).MarkRead(ctx, domain.GuardianActor(m, hilde), m, t.ID); err != nil {
			return fmt.Errorf("messages: %w", err)
		}
	}
	return nil
}
