package calendarweb

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The unit's calendar: events for the municipality, a unit or a group
// (domain.Event), who sees them (domain.EventAudienceOf), and each
// guardian's iCalendar feed at /calendar/{token}.ics, where the secret
// token is the only credential: no session, an unknown, malformed or
// revoked token is 404, and every read is audit-logged as the guardian.

// feedDays is how far ahead and back a feed and the events list reach.
const (
	feedAhead = 365
	feedBack  = 30
)

func (a *app) eventRoutes() []web.Route {
	window := map[string]string{"from": "first day (YYYY-MM-DD); today when left out", "to": "last day (YYYY-MM-DD); a year on when left out"}
	return []web.Route{
		{Method: "GET", Path: "/api/v1/events", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "The events of the unit's calendar the caller may see in a range (at most a year): the municipality's, their units' and groups' (a guardian: of the children they may be told about; never a protected child's unit to a parent without parental responsibility), and the opening calendar's closures as all-day events", Query: window, Response: []EventView{}, Handle: a.apiEvents},
		{Method: "POST", Path: "/api/v1/events", Kind: web.KindAPI, Policy: PolicyCalendar, Summary: "Add an event for the whole municipality", Body: eventRequest{}, Response: EventView{}, Status: http.StatusCreated, Handle: a.apiAddMunicipalityEvent},
		{Method: "DELETE", Path: "/api/v1/events/{eventId}", Kind: web.KindAPI, Policy: PolicyCalendar, Summary: "Remove any event of the municipality", Status: http.StatusNoContent, Handle: a.apiDeleteMunicipalityEvent},
		{Method: "POST", Path: "/api/v1/units/{unitId}/events", Kind: web.KindAPI, Policy: web.PolicyUnit, Summary: "Add an event for the unit, or for one of its groups (groupId), by its staff or the municipality", Body: eventRequest{}, Response: EventView{}, Status: http.StatusCreated, Handle: a.apiAddUnitEvent},
		{Method: "PUT", Path: "/api/v1/units/{unitId}/events/{eventId}", Kind: web.KindAPI, Policy: web.PolicyUnit, Summary: "Change an event of the unit or of one of its groups", Body: eventRequest{}, Response: EventView{}, Handle: a.apiPutUnitEvent},
		{Method: "DELETE", Path: "/api/v1/units/{unitId}/events/{eventId}", Kind: web.KindAPI, Policy: web.PolicyUnit, Summary: "Remove an event of the unit or of one of its groups", Status: http.StatusNoContent, Handle: a.apiDeleteUnitEvent},
		{Method: "POST", Path: "/api/v1/calendar/feed", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "Make or renew the guardian's iCalendar feed: a new secret URL, shown once; the old one stops working. The body is an empty object; anyone but a guardian is refused (403)", Body: feedRequest{}, Response: FeedView{}, Status: http.StatusCreated, Handle: a.apiRenewFeed},
		{Method: "DELETE", Path: "/api/v1/calendar/feed", Kind: web.KindAPI, Policy: web.PolicyGuardian, Summary: "Revoke the guardian's iCalendar feed", Status: http.StatusNoContent, Handle: a.apiRevokeFeed},
		{Method: "GET", Path: "/calendar/{file}", Kind: web.KindAPI, Policy: web.PolicyPublic, Summary: "A guardian's iCalendar feed (RFC 5545, text/calendar) at <token>.ics: the secret token is the credential, no login; an unknown or revoked token is 404", Response: "", ContentType: "text/calendar", Handle: a.feed},

		{Method: "GET", Path: "/calendar/events", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.eventsPage},
		{Method: "POST", Path: "/calendar/feed", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.formRenewFeed},
		{Method: "POST", Path: "/calendar/feed/revoke", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.formRevokeFeed},
		{Method: "GET", Path: "/static/feed.js", Kind: web.KindPage, Policy: web.PolicyPublic, Handle: feedScript},
		{Method: "POST", Path: "/calendar/events", Kind: web.KindPage, Policy: PolicyCalendar, ChecksOwnForm: true, Handle: a.formAddMunicipalityEvent},
		{Method: "GET", Path: "/calendar/events/{eventId}/edit", Kind: web.KindPage, Policy: PolicyCalendar, Handle: a.formEditMunicipalityEvent},
		{Method: "POST", Path: "/calendar/events/{eventId}", Kind: web.KindPage, Policy: PolicyCalendar, ChecksOwnForm: true, Handle: a.formSaveMunicipalityEvent},
		{Method: "POST", Path: "/calendar/events/{eventId}/delete", Kind: web.KindPage, Policy: PolicyCalendar, Handle: a.formDeleteMunicipalityEvent},
		{Method: "POST", Path: "/calendar/units/{unitId}/events", Kind: web.KindPage, Policy: web.PolicyUnit, ChecksOwnForm: true, Handle: a.formAddUnitEvent},
		{Method: "GET", Path: "/calendar/units/{unitId}/events/{eventId}/edit", Kind: web.KindPage, Policy: web.PolicyUnit, Handle: a.formEditUnitEvent},
		{Method: "POST", Path: "/calendar/units/{unitId}/events/{eventId}", Kind: web.KindPage, Policy: web.PolicyUnit, ChecksOwnForm: true, Handle: a.formSaveUnitEvent},
		{Method: "POST", Path: "/calendar/units/{unitId}/events/{eventId}/delete", Kind: web.KindPage, Policy: web.PolicyUnit, Handle: a.formDeleteUnitEvent},
	}
}

// EventView is an event of the unit's calendar. An all-day event has
// startDay and endDay (both included); another has start and end too.
type EventView struct {
	ID          domain.EventID         `json:"id,omitzero"`
	EntryID     domain.CalendarEntryID `json:"entryId,omitzero"`
	Scope       domain.EventScope      `json:"scope"`
	UnitID      domain.UnitID          `json:"unitId,omitzero"`
	GroupID     domain.GroupID         `json:"groupId,omitzero"`
	Title       string                 `json:"title"`
	Description string                 `json:"description,omitempty"`
	Place       string                 `json:"place,omitempty"`
	AllDay      bool                   `json:"allDay"`
	StartDay    date.Date              `json:"startDay"`
	EndDay      date.Date              `json:"endDay"`
	Start       time.Time              `json:"start,omitzero"`
	End         time.Time              `json:"end,omitzero"`
}

func viewEvent(e domain.Event) EventView {
	v := EventView{ID: e.ID, EntryID: e.Entry, Scope: e.Scope, UnitID: e.Unit, GroupID: e.Group, Title: e.Title,
		Description: e.Description, Place: e.Place, AllDay: e.AllDay, StartDay: e.StartDay, EndDay: e.EndDay}
	if !e.AllDay {
		v.Start, v.End = e.Start.In(domain.Oslo()), e.End.In(domain.Oslo())
	}
	return v
}

// eventRequest is an event: all-day from startDay to endDay (endDay is
// startDay when left out), or from start to end (RFC 3339 instants).
type eventRequest struct {
	GroupID     domain.GroupID `json:"groupId,omitzero"`
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Place       string         `json:"place,omitempty"`
	AllDay      bool           `json:"allDay"`
	StartDay    date.Date      `json:"startDay,omitzero"`
	EndDay      date.Date      `json:"endDay,omitzero"`
	Start       time.Time      `json:"start,omitzero"`
	End         time.Time      `json:"end,omitzero"`
}

func (q eventRequest) event() domain.Event {
	e := domain.Event{Group: q.GroupID, Title: q.Title, Description: q.Description, Place: q.Place, AllDay: q.AllDay,
		StartDay: q.StartDay, EndDay: q.EndDay, Start: q.Start, End: q.End}
	if e.AllDay && e.EndDay == date.Zero {
		e.EndDay = e.StartDay
	}
	return e
}

// FeedView is a guardian's new feed: its URL, shown once.
type FeedView struct {
	URL     string    `json:"url"`
	Created time.Time `json:"created"`
}

// visible lists what the caller sees in the period, audit-logged for a
// guardian with the children that made their audience.
func (a *app) visible(ctx context.Context, actor domain.Actor, p domain.Period, lang, action string) ([]domain.Event, error) {
	au, err := domain.EventAudienceOf(ctx, a.Store, actor, p)
	if err != nil {
		return nil, err
	}
	es, err := domain.VisibleEvents(ctx, a.Store, actor.Municipality, au, p, lang)
	if err != nil {
		return nil, err
	}
	if actor.Role == domain.RoleGuardian && len(au.Children) > 0 {
		if err := a.Audit(ctx, actor, action, "guardian/"+actor.Guardian.String(), au.Children...); err != nil {
			return nil, err
		}
	}
	return es, nil
}

func (a *app) apiEvents(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	today := domain.Today(a.Clock)
	from, to := today, today.AddDate(0, 0, feedAhead)
	var err error
	if s := r.URL.Query().Get("from"); s != "" {
		if from, err = domain.ParseDate("from", s); err != nil {
			return err
		}
		to = from.AddDate(0, 0, feedAhead)
	}
	if s := r.URL.Query().Get("to"); s != "" {
		if to, err = domain.ParseDate("to", s); err != nil {
			return err
		}
	}
	to = min(to, domain.OpenEnd)
	if to < from {
		return domain.Invalid("to", "is-before-from")
	}
	if to > from.AddDate(1, 0, 0) {
		return domain.Invalid("to", "the-range-is-longer-than-a-year")
	}
	es, err := a.visible(r.Context(), c.Actor, domain.Period{Start: from, End: to}, c.Lang.Code, "calendar.events.read")
	if err != nil {
		return err
	}
	out := make([]EventView, 0, len(es))
	for _, e := range es {
		out = append(out, viewEvent(e))
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

// putEvent stores the event (a new one when id is zero) and audits it in
// one transaction. A unit's event that names another unit's ID is not
// found: it is not the unit's.
func (a *app) putEvent(ctx context.Context, c *web.Call, id domain.EventID, e domain.Event) (domain.Event, error) {
	e.Municipality, e.Updated = c.Actor.Municipality, a.Clock.Now()
	e = e.Normalize()
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		if !e.Unit.IsZero() {
			// A unit of another municipality is not found, as everywhere.
			if _, err := a.Store.Unit(ctx, c.Actor.Municipality, e.Unit); err != nil {
				return err
			}
		}
		if id.IsZero() {
			e.ID = domain.NewID[domain.Event]()
		} else {
			old, err := a.Store.Event(ctx, c.Actor.Municipality, id)
			if err != nil {
				return err
			}
			if old.Unit != e.Unit {
				return domain.ErrNotFound
			}
			e.ID = id
		}
		if err := e.Validate(); err != nil {
			return err
		}
		if err := a.Store.PutEvent(ctx, e); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "calendar.event.put", "event/"+e.ID.String())
	})
	return e, err
}

// deleteEvent removes the event; with a unit, only an event of that unit.
func (a *app) deleteEvent(ctx context.Context, c *web.Call, unit domain.UnitID, id domain.EventID) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		old, err := a.Store.Event(ctx, c.Actor.Municipality, id)
		if err != nil {
			return err
		}
		if !unit.IsZero() && old.Unit != unit {
			return domain.ErrNotFound
		}
		if err := a.Store.DeleteEvent(ctx, c.Actor.Municipality, id); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "calendar.event.remove", "event/"+id.String())
	})
}

func eventID(r *http.Request) (domain.EventID, error) {
	id, err := domain.ParseID[domain.Event](r.PathValue("eventId"))
	if err != nil {
		return id, domain.ErrNotFound
	}
	return id, nil
}

func (a *app) writeEvent(w http.ResponseWriter, r *http.Request, c *web.Call, scope domain.EventScope, status int) error {
	var req eventRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	e := req.event()
	e.Scope = scope
	var id domain.EventID
	if scope != domain.ScopeMunicipalityEvent {
		e.Unit, e.Scope = c.UnitID, domain.ScopeUnitEvent
		if !e.Group.IsZero() {
			e.Scope = domain.ScopeGroupEvent
		}
	}
	if r.Method == http.MethodPut {
		var err error
		if id, err = eventID(r); err != nil {
			return err
		}
	}
	e, err := a.putEvent(r.Context(), c, id, e)
	if err != nil {
		return err
	}
	api.WriteJSON(w, status, viewEvent(e))
	return nil
}

func (a *app) apiAddMunicipalityEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.writeEvent(w, r, c, domain.ScopeMunicipalityEvent, http.StatusCreated)
}

func (a *app) apiAddUnitEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.writeEvent(w, r, c, domain.ScopeUnitEvent, http.StatusCreated)
}

func (a *app) apiPutUnitEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.writeEvent(w, r, c, domain.ScopeUnitEvent, http.StatusOK)
}

func (a *app) apiDeleteMunicipalityEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.apiDelete(w, r, c, domain.UnitID{})
}

func (a *app) apiDeleteUnitEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.apiDelete(w, r, c, c.UnitID)
}

func (a *app) apiDelete(w http.ResponseWriter, r *http.Request, c *web.Call, unit domain.UnitID) error {
	id, err := eventID(r)
	if err != nil {
		return err
	}
	if err := a.deleteEvent(r.Context(), c, unit, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// renewFeed makes a new feed for the guardian, replacing any earlier.
func (a *app) renewFeed(ctx context.Context, r *http.Request, c *web.Call) (FeedView, error) {
	f, token := domain.NewEventFeed(c.Actor.Municipality, c.Actor.Guardian, a.Clock.Now())
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.PutEventFeed(ctx, f); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "calendar.feed.renew", "guardian/"+c.Actor.Guardian.String())
	})
	return FeedView{URL: a.feedURL(r, token), Created: f.Created}, err
}

func (a *app) revokeFeed(ctx context.Context, c *web.Call) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.DeleteEventFeed(ctx, c.Actor.Municipality, c.Actor.Guardian); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "calendar.feed.revoke", "guardian/"+c.Actor.Guardian.String())
	})
}

// feedURL is the feed's address: the app's public URL, or the request's
// host when none is configured (the demo).
func (a *app) feedURL(r *http.Request, token string) string {
	base := a.PublicURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + "/calendar/" + token + ".ics"
}

// feedRequest is the body of a feed renewal: an empty object, read (and a
// malformed body refused) before who asks is checked, as every API POST.
type feedRequest struct{}

func (a *app) apiRenewFeed(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req feedRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if c.Actor.Guardian.IsZero() {
		return domain.ErrForbidden
	}
	v, err := a.renewFeed(r.Context(), r, c)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (a *app) apiRevokeFeed(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := a.revokeFeed(r.Context(), c); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// feed serves a guardian's feed. The token's hash finds the feed, and the
// token is compared with it in constant time; anything else is 404.
func (a *app) feed(w http.ResponseWriter, r *http.Request, _ *web.Call) error {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		return domain.ErrNotFound
	}
	m, ok := domain.ParseFeedToken(token)
	if !ok {
		return domain.ErrNotFound
	}
	ctx := r.Context()
	f, err := a.Store.EventFeedByHash(ctx, m, domain.HashFeedToken(token))
	if err != nil {
		return err
	}
	if !f.MatchesToken(token) {
		return domain.ErrNotFound
	}
	g, err := a.Store.Guardian(ctx, m, f.Guardian)
	if err != nil {
		return err
	}
	_ = g // the guardian exists in the municipality
	const lang = "nb"
	actor := domain.GuardianActor(m, f.Guardian)
	today := domain.Today(a.Clock)
	es, err := a.visible(ctx, actor, domain.Period{Start: today.AddDate(0, 0, -feedBack), End: today.AddDate(0, 0, feedAhead)}, lang, "calendar.feed.read")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	name := map[string]string{"nb": "Barnehage- og skolekalender", "nn": "Barnehage- og skulekalender", "en": "Kindergarten and school calendar"}[lang]
	_, err = domain.ICalendar{Name: name, Now: a.Clock.Now(), Events: es}.WriteTo(w)
	return err
}
