package server_test

import (
	"context"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// eventsAuth has the lines of the unit's calendar (calendarweb): events
// of the municipality and of Nordby SFO (the staff persona's unit), the
// guardians' feeds (each guardian persona has one before the table runs)
// and the public feed URL, whose token is the only credential. The pages'
// forms add, change and delete the events of the municipality (its
// caseworkers and administrators) and of a unit or its groups (the unit's
// staff and the municipality).
func eventsAuth(ta *webtest.Harness) map[string]authCase {
	const ok, created, noContent, see, forbidden, missing = 200, 201, 204, 303, 403, 404
	ctx := context.Background()
	m := demo.Municipality
	body := func(s string) func(string) string { return func(string) string { return s } }
	today := domain.Today(domain.FixedClock(webtest.Now))
	unit := ta.NordbySFO
	event := func(u domain.UnitID) string {
		e := domain.Event{ID: domain.NewID[domain.Event](), Municipality: m, Scope: domain.ScopeMunicipalityEvent, Unit: u,
			Title: "Fixture", AllDay: true, StartDay: today.AddDate(0, 0, 10), EndDay: today.AddDate(0, 0, 10), Updated: webtest.Now}
		if !u.IsZero() {
			e.Scope = domain.ScopeUnitEvent
		}
		if err := ta.Store.PutEvent(ctx, e); err != nil {
			panic(err)
		}
		return e.ID.String()
	}
	for _, key := range []string{demo.PersonaGuardian, demo.PersonaOtherParent, demo.PersonaOtherGuardian} {
		f, tk := domain.NewEventFeed(m, ta.Personas[key].Actor.Guardian, time.Now())
		if err := ta.Store.PutEventFeed(ctx, f); err != nil {
			panic(err)
		}
		_ = tk
	}
	// The public feed's line reads the feed of a guardian of its own, which
	// the guardians' DELETE lines do not revoke.
	owner := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Feed", FamilyName: "Fixture", AddressProtection: domain.ProtectionNone}
	if err := ta.Store.CreateGuardian(ctx, owner); err != nil {
		panic(err)
	}
	f, token := domain.NewEventFeed(m, owner.ID, time.Now())
	if err := ta.Store.PutEventFeed(ctx, f); err != nil {
		panic(err)
	}
	eventJSON := body(`{"title":"Fotografering","allDay":true,"startDay":"2031-05-05"}`)
	unitOnly := func(s int) [8]int { return [8]int{forbidden, forbidden, forbidden, s, forbidden, s, missing, s} }
	once := func(s int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, s, forbidden, missing, missing, missing}
	}
	// The municipality's own events: its caseworkers and administrators;
	// another municipality's caseworker adds in their own, and does not
	// find ours.
	municipal := func(own, neighbour int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, own, neighbour, own}
	}
	guardians := func(s int) [8]int { return [8]int{s, s, s, forbidden, forbidden, forbidden, forbidden, forbidden} }
	all := func(s int) [8]int { return [8]int{s, s, s, s, s, s, s, s} }
	u := "/api/v1/units/" + unit.String() + "/events"
	return map[string]authCase{
		"GET /api/v1/events":                                    {path: "/api/v1/events", want: all(ok)},
		"POST /api/v1/events":                                   {path: "/api/v1/events", contentType: "application/json", body: eventJSON, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, created, created}},
		"DELETE /api/v1/events/{eventId}":                       {path: "/api/v1/events/" + event(domain.UnitID{}), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, noContent, missing, missing}},
		"POST /api/v1/units/{unitId}/events":                    {path: u, contentType: "application/json", body: eventJSON, want: unitOnly(created)},
		"PUT /api/v1/units/{unitId}/events/{eventId}":           {path: u + "/" + event(unit), contentType: "application/json", body: eventJSON, want: unitOnly(ok)},
		"DELETE /api/v1/units/{unitId}/events/{eventId}":        {path: u + "/" + event(unit), want: once(noContent)},
		"POST /api/v1/calendar/feed":                            {path: "/api/v1/calendar/feed", contentType: "application/json", body: body(`{}`), want: guardians(created)},
		"DELETE /api/v1/calendar/feed":                          {path: "/api/v1/calendar/feed", want: guardians(noContent)},
		"GET /calendar/{file}":                                  {path: "/calendar/" + token + ".ics", want: all(ok)},
		"GET /calendar/events":                                  {path: "/calendar/events", want: all(ok)},
		"POST /calendar/feed":                                   {path: "/calendar/feed", contentType: "application/x-www-form-urlencoded", want: guardians(ok)},
		"POST /calendar/feed/revoke":                            {path: "/calendar/feed/revoke", contentType: "application/x-www-form-urlencoded", want: guardians(see)},
		"POST /calendar/units/{unitId}/events":                  {path: "/calendar/units/" + unit.String() + "/events", contentType: "application/x-www-form-urlencoded", body: body("title=Tur&day=2031-05-05"), want: unitOnly(see)},
		"POST /calendar/units/{unitId}/events/{eventId}/delete": {path: "/calendar/units/" + unit.String() + "/events/" + event(unit) + "/delete", contentType: "application/x-www-form-urlencoded", want: once(see)},
		"GET /static/feed.js":                                   {path: "/static/feed.js", want: all(ok)},
		"POST /calendar/events":                                 {path: "/calendar/events", contentType: "application/x-www-form-urlencoded", body: body("title=Tur&day=2031-05-05"), want: municipal(see, see)},
		"GET /calendar/events/{eventId}/edit":                   {path: "/calendar/events/" + event(domain.UnitID{}) + "/edit", want: municipal(ok, missing)},
		"POST /calendar/events/{eventId}":                       {path: "/calendar/events/" + event(domain.UnitID{}), contentType: "application/x-www-form-urlencoded", body: body("title=Tur&day=2031-05-05"), want: municipal(see, missing)},
		"POST /calendar/events/{eventId}/delete":                {path: "/calendar/events/" + event(domain.UnitID{}) + "/delete", contentType: "application/x-www-form-urlencoded", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, missing, missing}},
		"GET /calendar/units/{unitId}/events/{eventId}/edit":    {path: "/calendar/units/" + unit.String() + "/events/" + event(unit) + "/edit", want: unitOnly(ok)},
		"POST /calendar/units/{unitId}/events/{eventId}":        {path: "/calendar/units/" + unit.String() + "/events/" + event(unit), contentType: "application/x-www-form-urlencoded", body: body("title=Tur&day=2031-05-05&group="), want: unitOnly(see)},
	}
}
