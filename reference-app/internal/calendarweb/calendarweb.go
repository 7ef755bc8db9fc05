// Package calendarweb is the opening calendar in the reference app: its
// routes (API and pages), handlers, views, page templates (templates/) and
// strings (messages/), mounted on the shell (package web) by New.
//
// A municipal administrator sees a school year's calendar — the public
// holidays (computed by domain.PublicHolidays, each with its act and
// section) and the municipality's summer closures, planning days and
// school holidays — and adds and removes entries. A unit's closed days
// and open weekdays are set on the unit's calendar page, which staff and
// guardians also read. The rules are the library's (domain.Calendar); the
// attendance roster, the sick button and the reports ask the same
// calendar (package attendance).
//
// The events page (/calendar/events) lists the events ahead: staff add
// one for their unit or one of its groups, the municipality's caseworkers
// and administrators one for the whole municipality; each may change and
// delete theirs. A refused form comes back (422) with what was typed and
// each field's error in the user's language. A guardian makes a secret
// iCalendar feed there; its URL is shown once, in a read-only field with a
// copy button (static/feed.js, the one script, allowed on that answer
// only). Retention deletes the feed of a guardian it anonymises.
package calendarweb

import (
	"context"
	"embed"
	"net/http"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// app is the shell as the calendar's handlers see it.
type app struct{ *web.App }

// New returns the calendar's part of the app, for web.App.Mount.
func New(shell *web.App) web.Capability { return (&app{shell}).capability() }

// Who may change the calendar. PolicyCalendar is the municipality's
// calendar (summer closures, planning days, school holidays): its
// caseworkers and administrators. PolicyUnitCalendar is a unit's own closed
// days and open weekdays: the unit's leader too.
var (
	PolicyCalendar     = web.PolicyCaseworker
	PolicyUnitCalendar = web.PolicyUnitLeaderOrMunicipal
)

// mayEditUnit says whether the unit page shows the forms of
// PolicyUnitCalendar; keep it in step with that policy.
func mayEditUnit(a domain.Actor, unit domain.UnitID) bool {
	return a.Role == domain.RoleAdmin || a.Role == domain.RoleCaseworker || a.LeadsUnit(unit)
}

//go:embed templates/calendar_*.html
var templates embed.FS

//go:embed messages/calendar.*.json
var messages embed.FS

func (a *app) capability() web.Capability {
	return web.Capability{Tag: "calendar", About: "The opening calendar: public holidays (computed, with their legal source), summer closures, planning days, school holidays and each unit's closed days",
		Routes: append(a.routes(), a.eventRoutes()...), Menus: menus, Pages: templates, Messages: messages}
}

var menus = []web.MenuItem{
	{Roles: []domain.Role{domain.RoleAdmin, domain.RoleCaseworker}, Path: "/admin/calendar", Key: "calendar.menu.admin"},
	{Roles: []domain.Role{domain.RoleStaff, domain.RoleGuardian}, Path: "/calendar", Key: "calendar.menu.units"},
	{Roles: []domain.Role{domain.RoleStaff, domain.RoleGuardian, domain.RoleAdmin, domain.RoleCaseworker}, Path: "/calendar/events", Key: "calendar.menu.events"},
}

func (a *app) routes() []web.Route {
	yearQuery := map[string]string{"year": "the school year by the calendar year it starts in (2026 is 2026/27); the current one when left out"}
	return []web.Route{
		{Method: "GET", Path: "/api/v1/calendar", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "The municipality's calendar of a school year: the public holidays with their legal source, and the summer closures, planning days, school holidays and units' closed days", Query: yearQuery, Response: CalendarView{}, Handle: a.apiCalendar},
		{Method: "POST", Path: "/api/v1/calendar/entries", Kind: web.KindAPI, Policy: PolicyCalendar, Summary: "Add a summer closure, planning days or a school holiday to the municipality's calendar (for every unit, the units of one kind, or one unit)", Body: entryRequest{}, Response: EntryView{}, Status: http.StatusCreated, Handle: a.apiAddEntry},
		{Method: "DELETE", Path: "/api/v1/calendar/entries/{entryId}", Kind: web.KindAPI, Policy: PolicyCalendar, Summary: "Remove an entry of the municipality's calendar", Status: http.StatusNoContent, Handle: a.apiDeleteEntry},
		{Method: "GET", Path: "/api/v1/units/{unitId}/calendar", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "The unit's closed days in a range (at most a year), each with why it is closed, and its count of open days", Query: map[string]string{"from": "first day (YYYY-MM-DD); today when left out", "to": "last day (YYYY-MM-DD); 90 days on when left out"}, Response: UnitCalendarView{}, Handle: a.apiUnitCalendar},
		{Method: "POST", Path: "/api/v1/units/{unitId}/closed-days", Kind: web.KindAPI, Policy: PolicyUnitCalendar, Summary: "Close the unit for a day or a range of days", Body: closedDaysRequest{}, Response: EntryView{}, Status: http.StatusCreated, Handle: a.apiAddClosedDays},
		{Method: "POST", Path: "/api/v1/units/{unitId}/open-weekdays", Kind: web.KindAPI, Policy: PolicyUnitCalendar, Summary: "Set the weekdays the unit is open (ISO digits, 12345 is Monday to Friday, the default)", Body: weekdaysRequest{}, Response: weekdaysRequest{}, Handle: a.apiOpenWeekdays},

		{Method: "GET", Path: "/admin/calendar", Kind: web.KindPage, Policy: PolicyCalendar, Query: yearQuery, Handle: a.adminPage},
		{Method: "POST", Path: "/admin/calendar/entries", Kind: web.KindPage, Policy: PolicyCalendar, Handle: a.formAddEntry},
		{Method: "POST", Path: "/admin/calendar/entries/{entryId}/delete", Kind: web.KindPage, Policy: PolicyCalendar, Handle: a.formDeleteEntry},
		{Method: "GET", Path: "/calendar", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.unitsPage},
		{Method: "GET", Path: "/calendar/units/{unitId}", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.unitPage},
		{Method: "POST", Path: "/calendar/units/{unitId}/closed-days", Kind: web.KindPage, Policy: PolicyUnitCalendar, Handle: a.formClosedDays},
		{Method: "POST", Path: "/calendar/units/{unitId}/open-weekdays", Kind: web.KindPage, Policy: PolicyUnitCalendar, Handle: a.formOpenWeekdays},
	}
}

// API bodies and views.

// CalendarView is a school year of the municipality's calendar.
type CalendarView struct {
	Year     string        `json:"year"` // "2026/27"
	Start    date.Date     `json:"start"`
	End      date.Date     `json:"end"`
	Holidays []HolidayView `json:"holidays"`
	Entries  []EntryView   `json:"entries"`
}

// HolidayView is a public holiday with its name (in the request's
// language) and legal source.
type HolidayView struct {
	Day    date.Date `json:"day"`
	Key    string    `json:"key"`
	Name   string    `json:"name"`
	Source string    `json:"source"`
}

// EntryView is an entry of the calendar.
type EntryView struct {
	ID        domain.CalendarEntryID `json:"id"`
	Kind      domain.CalendarKind    `json:"kind"`
	UnitID    domain.UnitID          `json:"unitId,omitzero"`
	AppliesTo domain.UnitKind        `json:"appliesTo,omitempty"`
	Start     date.Date              `json:"start"`
	End       date.Date              `json:"end"`
	Name      string                 `json:"name,omitempty"`
}

func viewEntry(e domain.CalendarEntry) EntryView {
	return EntryView{ID: e.ID, Kind: e.Kind, UnitID: e.Unit, AppliesTo: e.AppliesTo, Start: e.Period.Start, End: e.Period.End, Name: e.Name}
}

// entryRequest adds an entry: kind summer-closure, planning-day,
// school-holiday or unit-closed (with unitId); appliesTo limits a
// municipality-wide entry to one kind of unit.
type entryRequest struct {
	Kind      domain.CalendarKind `json:"kind"`
	UnitID    domain.UnitID       `json:"unitId,omitzero"`
	AppliesTo domain.UnitKind     `json:"appliesTo,omitempty"`
	Start     date.Date           `json:"start"`
	End       date.Date           `json:"end"`
	Name      string              `json:"name,omitempty"`
}

// closedDaysRequest closes a unit from start to end (both included; end
// is start when left out).
type closedDaysRequest struct {
	Start date.Date `json:"start"`
	End   date.Date `json:"end,omitzero"`
	Name  string    `json:"name,omitempty"`
}

// weekdaysRequest are the weekdays a unit is open, as ISO digits.
type weekdaysRequest struct {
	Weekdays domain.Weekdays `json:"weekdays"`
}

// UnitCalendarView is a unit's closed days in a range.
type UnitCalendarView struct {
	UnitID   domain.UnitID   `json:"unitId"`
	From     date.Date       `json:"from"`
	To       date.Date       `json:"to"`
	Weekdays domain.Weekdays `json:"weekdays"`
	OpenDays int             `json:"openDays"`
	Closed   []ClosedDayView `json:"closed"`
}

// ClosedDayView is a closed day and why, in the request's language.
type ClosedDayView struct {
	Day         date.Date          `json:"day"`
	Code        domain.ClosureCode `json:"code"`
	Name        string             `json:"name"`
	Explanation string             `json:"explanation"`
}

// Handlers and what they share.

// schoolYear reads ?year=; the current school year when absent.
func (a *app) schoolYear(r *http.Request) (domain.SchoolYear, error) {
	s := r.URL.Query().Get("year")
	if s == "" {
		return domain.SchoolYearOf(domain.Today(a.Clock)), nil
	}
	var y int
	for _, ch := range s {
		if ch < '0' || ch > '9' || len(s) != 4 {
			return 0, api.Unprocessable("invalid-query", "year is not a year", domain.FieldError{Field: "year", Reason: "is-not-a-year-yyyy"})
		}
		y = y*10 + int(ch-'0')
	}
	if y < 1900 || y > 2999 {
		return 0, api.Unprocessable("invalid-query", "year is out of range", domain.FieldError{Field: "year", Reason: "is-not-a-year-yyyy"})
	}
	return domain.SchoolYear(y), nil
}

func (a *app) calendarView(ctx context.Context, c *web.Call, y domain.SchoolYear) (CalendarView, error) {
	p := y.Period()
	v := CalendarView{Year: y.String(), Start: p.Start, End: p.End, Holidays: []HolidayView{}, Entries: []EntryView{}}
	for _, year := range []int{p.Start.Year(), p.End.Year()} {
		for _, h := range domain.PublicHolidays(year) {
			if p.Contains(h.Day) {
				v.Holidays = append(v.Holidays, HolidayView{Day: h.Day, Key: h.Key, Name: h.Name(c.Lang.Code), Source: h.Source})
			}
		}
	}
	es, err := a.Store.CalendarEntries(ctx, c.Actor.Municipality, p)
	if err != nil {
		return v, err
	}
	for _, e := range es {
		v.Entries = append(v.Entries, viewEntry(e))
	}
	return v, nil
}

func (a *app) apiCalendar(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	y, err := a.schoolYear(r)
	if err != nil {
		return err
	}
	v, err := a.calendarView(r.Context(), c, y)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// putEntry stores the entry and audits it in one transaction.
func (a *app) putEntry(ctx context.Context, c *web.Call, e domain.CalendarEntry) (domain.CalendarEntry, error) {
	e.ID = domain.NewID[domain.CalendarEntry]()
	e.Municipality = c.Actor.Municipality
	e.Name = strings.TrimSpace(e.Name)
	if err := e.Validate(); err != nil {
		return e, err
	}
	return e, a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.PutCalendarEntry(ctx, e); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "calendar.add", "calendar/"+e.ID.String())
	})
}

func (a *app) deleteEntry(ctx context.Context, c *web.Call, id domain.CalendarEntryID) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.DeleteCalendarEntry(ctx, c.Actor.Municipality, id); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "calendar.remove", "calendar/"+id.String())
	})
}

func (a *app) apiAddEntry(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req entryRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	e, err := a.putEntry(r.Context(), c, domain.CalendarEntry{Kind: req.Kind, Unit: req.UnitID, AppliesTo: req.AppliesTo,
		Period: domain.Period{Start: req.Start, End: req.End}, Name: req.Name})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, viewEntry(e))
	return nil
}

func entryID(r *http.Request) (domain.CalendarEntryID, error) {
	id, err := domain.ParseID[domain.CalendarEntry](r.PathValue("entryId"))
	if err != nil {
		return id, domain.ErrNotFound
	}
	return id, nil
}

func (a *app) apiDeleteEntry(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := entryID(r)
	if err != nil {
		return err
	}
	if err := a.deleteEntry(r.Context(), c, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// unitCalendar is the unit's closed days in the range; a unit of another
// municipality is not found, a range longer than a year refused.
func (a *app) unitCalendar(ctx context.Context, c *web.Call, unit domain.UnitID, p domain.Period) (domain.Unit, UnitCalendarView, error) {
	u, err := a.Store.Unit(ctx, c.Actor.Municipality, unit)
	if err != nil {
		return u, UnitCalendarView{}, err
	}
	if p.End < p.Start {
		return u, UnitCalendarView{}, domain.Invalid("to", "is-before-from")
	}
	if p.End > p.Start.AddDate(1, 0, 0) {
		return u, UnitCalendarView{}, domain.Invalid("to", "the-range-is-longer-than-a-year")
	}
	cal, err := domain.LoadCalendar(ctx, a.Store, c.Actor.Municipality, p)
	if err != nil {
		return u, UnitCalendarView{}, err
	}
	v := UnitCalendarView{UnitID: unit, From: p.Start, To: p.End, Weekdays: domain.DefaultWeekdays, Closed: []ClosedDayView{},
		OpenDays: len(cal.OpenDays(u, p))}
	if w, ok := cal.Weekdays[unit]; ok {
		v.Weekdays = w
	}
	for _, cl := range cal.Closures(u, p) {
		v.Closed = append(v.Closed, ClosedDayView{Day: cl.Day, Code: cl.Code, Name: cl.Name(c.Lang.Code), Explanation: cl.Explain(c.Lang.Code)})
	}
	return u, v, nil
}

func (a *app) apiUnitCalendar(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	today := domain.Today(a.Clock)
	from, to := today, today.AddDate(0, 0, 90)
	var err error
	if s := r.URL.Query().Get("from"); s != "" {
		if from, err = domain.ParseDate("from", s); err != nil {
			return err
		}
		to = from.AddDate(0, 0, 90)
	}
	if s := r.URL.Query().Get("to"); s != "" {
		if to, err = domain.ParseDate("to", s); err != nil {
			return err
		}
	}
	// The default end stays within the dates the API can write.
	to = min(to, domain.OpenEnd)
	_, v, err := a.unitCalendar(r.Context(), c, c.UnitID, domain.Period{Start: from, End: to})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// closedDays closes the unit from start to end (start when end is zero).
func (a *app) closedDays(ctx context.Context, c *web.Call, start, end date.Date, name string) (domain.CalendarEntry, error) {
	if _, err := a.Store.Unit(ctx, c.Actor.Municipality, c.UnitID); err != nil {
		return domain.CalendarEntry{}, err
	}
	if end == date.Zero {
		end = start
	}
	return a.putEntry(ctx, c, domain.CalendarEntry{Kind: domain.UnitClosed, Unit: c.UnitID, Period: domain.Period{Start: start, End: end}, Name: name})
}

func (a *app) apiAddClosedDays(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req closedDaysRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	e, err := a.closedDays(r.Context(), c, req.Start, req.End, req.Name)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, viewEntry(e))
	return nil
}

func (a *app) openWeekdays(ctx context.Context, c *web.Call, wd domain.Weekdays) error {
	if _, err := a.Store.Unit(ctx, c.Actor.Municipality, c.UnitID); err != nil {
		return err
	}
	if err := wd.Validate(); err != nil {
		return err
	}
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.PutOpenWeekdays(ctx, c.Actor.Municipality, c.UnitID, wd); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "calendar.weekdays", "unit/"+c.UnitID.String())
	})
}

func (a *app) apiOpenWeekdays(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req weekdaysRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := a.openWeekdays(r.Context(), c, req.Weekdays); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, req)
	return nil
}
