package calendarweb

import (
	"context"
	"embed"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The events page: the events ahead the actor may see; for a guardian the
// feed (made or renewed, its URL shown once with a copy button, and
// revoked); for staff a form per unit to add an event for the unit or one
// of its groups, for the municipality's caseworkers and administrators a
// form for the whole municipality too; a form to change an event
// (/calendar/.../edit) and a button to delete it. A refused form comes
// back (422) with what was typed and each field's error in the user's
// language.

//go:embed static/feed.js
var static embed.FS

// feedCSP is the Content-Security-Policy of the page that shows a new
// feed URL: the app's (no script anywhere else) with its copy button's
// script (/static/feed.js) from the app itself.
const feedCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

type eventRow struct {
	ID                      domain.EventID
	When, Title, Place, For string
	// EditURL and DeleteURL are set when the actor may change the event.
	EditURL, DeleteURL string
}

// eventForm is an event form: what was typed, and what is wrong with it
// (by input name).
type eventForm struct {
	L                                  web.Locale
	Key                                string // the inputs' id suffix
	Action                             string
	Legend                             string
	Groups                             []option // the unit's groups; none for the municipality
	Edit                               bool     // changing an event, not adding one
	Group, Title, Day, From, To, Place string
	Errors                             map[string]string
}

type eventsContent struct {
	L      web.Locale
	Events []eventRow // one page, by start
	// Total is the events of the next 90 days (of the chosen unit);
	// PrevHref and NextHref the query strings of the pages around.
	Total              int
	PrevHref, NextHref string
	// Unit is the unit chosen (?unit=), Units the choice for the
	// municipality's people: the events shown and the form offered.
	Unit     string
	Units    []option
	Guardian bool
	HasFeed  bool
	FeedURL  string // set once, right after renewing
	Forms    []eventForm
	// EditForm is the one form of the edit page.
	EditForm *eventForm
	// ErrorList says what is wrong with the refused form, its field's
	// label first.
	ErrorList []string
	Notice    string
}

// eventPaths are where an event's forms go: the municipality's events
// under /calendar/events, a unit's under /calendar/units/{unitId}/events.
func eventPaths(e domain.Event) (edit, save, del string) {
	base := "/calendar/events/" + e.ID.String()
	if !e.Unit.IsZero() {
		base = "/calendar/units/" + e.Unit.String() + "/events/" + e.ID.String()
	}
	return base + "/edit", base, base + "/delete"
}

// mayChange says whether the actor may change the event from the page: a
// unit's or group's by the unit's staff and the municipality, the
// municipality's by its caseworkers and administrators; never an entry of
// the opening calendar shown as an event.
func mayChange(actor domain.Actor, e domain.Event) bool {
	if !e.Entry.IsZero() {
		return false
	}
	if e.Unit.IsZero() {
		return actor.Role == domain.RoleCaseworker || actor.Role == domain.RoleAdmin
	}
	return actor.Municipal() || actor.WorksAt(e.Unit)
}

func (a *app) eventsContent(r *http.Request, c *web.Call) (eventsContent, error) {
	ctx := r.Context()
	content := eventsContent{L: c.Lang, Guardian: c.Actor.Role == domain.RoleGuardian}
	today := domain.Today(a.Clock)
	es, err := a.visible(ctx, c.Actor, domain.Period{Start: today, End: today.AddDate(0, 0, 90)}, c.Lang.Code, "calendar.events.read")
	if err != nil {
		return content, err
	}
	names := map[domain.UnitID]string{}
	units, err := a.Store.Units(ctx, c.Actor.Municipality)
	if err != nil {
		return content, err
	}
	if c.Actor.Role == domain.RoleCaseworker || c.Actor.Role == domain.RoleAdmin {
		content.Forms = append(content.Forms, eventForm{L: c.Lang, Key: "municipality", Action: "/calendar/events", Legend: c.Lang.T("calendar.events.municipality.legend")})
	}
	// A unit's form (with its groups) for each unit the actor works at; the
	// municipality's people, who may add to every unit, choose the unit
	// first (?unit=), so the page does not grow with the municipality.
	q := r.URL.Query()
	content.Unit = q.Get("unit")
	for _, u := range units {
		names[u.ID] = u.Name
		switch {
		case c.Actor.Municipal():
			content.Units = append(content.Units, option{Value: u.ID.String(), Label: u.Name, Selected: u.ID.String() == content.Unit})
			if u.ID.String() != content.Unit {
				continue
			}
		case !c.Actor.WorksAt(u.ID):
			continue
		}
		f := eventForm{L: c.Lang, Key: u.ID.String(), Action: "/calendar/units/" + u.ID.String() + "/events", Legend: u.Name}
		if f.Groups, err = a.groupOptions(ctx, c, u.ID, ""); err != nil {
			return content, err
		}
		content.Forms = append(content.Forms, f)
	}
	// The events in keyset pages by start, filtered by the chosen unit.
	if content.Unit != "" {
		es = slices.DeleteFunc(es, func(e domain.Event) bool { return e.Unit.String() != content.Unit })
	}
	slices.SortStableFunc(es, func(x, y domain.Event) int { return strings.Compare(eventKey(x), eventKey(y)) })
	content.Total = len(es)
	pg := web.KeysetPage(es, eventKey, q.Get("after"), q.Get("before"), web.PageSize)
	content.PrevHref, content.NextHref = web.PagerLinks(q, pg.Prev, pg.Next, "unit")
	for _, e := range pg.Rows {
		row := eventRow{ID: e.ID, Title: e.Title, Place: e.Place, For: c.Lang.T("calendar.events.municipality"), When: when(e)}
		if !e.Unit.IsZero() {
			row.For = names[e.Unit]
		}
		if mayChange(c.Actor, e) {
			row.EditURL, _, row.DeleteURL = eventPaths(e)
		}
		content.Events = append(content.Events, row)
	}
	if content.Guardian {
		_, err := a.Store.EventFeed(ctx, c.Actor.Municipality, c.Actor.Guardian)
		switch {
		case err == nil:
			content.HasFeed = true
		case !domain.IsNotFound(err):
			return content, err
		}
	}
	return content, nil
}

// eventKey is an event's place in the list: its start in Oslo (an all-day
// event at the start of its day), then its ID.
func eventKey(e domain.Event) string {
	start := e.StartDay.String() + "T00:00"
	if !e.AllDay {
		start = e.Start.In(domain.Oslo()).Format("2006-01-02T15:04")
	}
	return start + "_" + e.ID.String()
}

// when is the event's day or days, or its day and times.
func when(e domain.Event) string {
	if e.AllDay {
		s := e.StartDay.Format("02.01.2006")
		if e.EndDay != e.StartDay {
			s += "–" + e.EndDay.Format("02.01.2006")
		}
		return s
	}
	return e.Start.In(domain.Oslo()).Format("02.01.2006 15:04") + "–" + e.End.In(domain.Oslo()).Format("15:04")
}

// groupOptions are the unit's groups, the whole unit first.
func (a *app) groupOptions(ctx context.Context, c *web.Call, unit domain.UnitID, chosen string) ([]option, error) {
	gs, err := a.Store.Groups(ctx, c.Actor.Municipality, unit)
	if err != nil {
		return nil, err
	}
	domain.SortGroups(gs)
	out := []option{{Value: "", Label: c.Lang.T("calendar.events.wholeUnit"), Selected: chosen == ""}}
	for _, g := range gs {
		out = append(out, option{Value: g.ID.String(), Label: g.Name, Selected: g.ID.String() == chosen})
	}
	return out, nil
}

func (a *app) eventsPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	content, err := a.eventsContent(r, c)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "added", "removed", "revoked", "changed":
		content.Notice = c.Lang.T("calendar.events.notice." + r.URL.Query().Get("done"))
	}
	a.Page(w, r, c, http.StatusOK, "calendar_events", "calendar.events.title", content)
	return nil
}

// formRenewFeed shows the new URL on the page it answers with: it is
// never stored, so it cannot be shown again after a redirect. The page
// lets its copy button's script run (feedCSP).
func (a *app) formRenewFeed(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v, err := a.renewFeed(r.Context(), r, c)
	if err != nil {
		return err
	}
	content, err := a.eventsContent(r, c)
	if err != nil {
		return err
	}
	content.FeedURL, content.Notice = v.URL, c.Lang.T("calendar.events.notice.renewed")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", feedCSP)
	a.Page(w, r, c, http.StatusOK, "calendar_events", "calendar.events.title", content)
	return nil
}

// feedScript serves the copy button's script.
func feedScript(w http.ResponseWriter, _ *http.Request, _ *web.Call) error {
	b, err := static.ReadFile("static/feed.js")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write(b)
	return err
}

func (a *app) formRevokeFeed(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := a.revokeFeed(r.Context(), c); err != nil && !domain.IsNotFound(err) {
		return err
	}
	http.Redirect(w, r, "/calendar/events?done=revoked", http.StatusSeeOther)
	return nil
}

// readEventForm reads an event form: all day on a day, or from a time to
// a time that day; the problems of the inputs it cannot read. Every value
// is checked for control characters here (the routes check their own
// form, web.Route.ChecksOwnForm), so that a refused form comes back.
func readEventForm(r *http.Request, f *eventForm) (domain.Event, error) {
	var p domain.Problems
	v := func(name string) string {
		s := r.PostFormValue(name)
		if err := domain.CheckLine(name, s); err != nil {
			p.Merge("", err)
			return s
		}
		return s
	}
	f.Group, f.Title, f.Day, f.From, f.To, f.Place = v("group"), v("title"), strings.TrimSpace(v("day")), strings.TrimSpace(v("from")), strings.TrimSpace(v("to")), v("place")
	for name, vs := range r.PostForm {
		if !slices.Contains([]string{"group", "title", "day", "from", "to", "place"}, name) {
			for _, s := range vs {
				if err := domain.CheckText(name, s); err != nil {
					p.Merge("", err)
				}
			}
		}
	}
	if err := p.Err(); err != nil {
		return domain.Event{}, err
	}
	e := domain.Event{Title: strings.TrimSpace(f.Title), Place: strings.TrimSpace(f.Place)}
	if f.Group != "" {
		g, err := domain.ParseID[domain.Group](f.Group)
		if err != nil {
			p.Add("group", ReasonNoSuchGroup)
		}
		e.Group = g
	}
	var day date.Date
	if f.Day == "" {
		p.Add("day", "required")
	} else {
		d, err := domain.ParseDate("day", f.Day)
		p.Merge("", err)
		day = d
	}
	if f.From == "" && f.To == "" {
		e.AllDay, e.StartDay, e.EndDay = true, day, day
	} else {
		midnight := day.Midnight()
		if f.From == "" {
			p.Add("from", "required")
		} else if t, err := clockTime(midnight, f.From, "from"); err != nil {
			p.Merge("", err)
		} else {
			e.Start = t
		}
		if f.To == "" {
			p.Add("to", "required")
		} else if t, err := clockTime(midnight, f.To, "to"); err != nil {
			p.Merge("", err)
		} else {
			e.End = t
		}
	}
	if p.Err() != nil {
		// The times, title and place are checked too, so that every
		// problem is told at once.
		if !e.Start.IsZero() && !e.End.IsZero() && !e.End.After(e.Start) {
			p.Add("to", domain.ReasonBeforeStart)
		}
		probe := domain.Event{ID: domain.NewID[domain.Event](), Municipality: "0301", Scope: domain.ScopeMunicipalityEvent,
			Title: e.Title, Place: e.Place, AllDay: true, StartDay: date.New(2000, time.January, 1), EndDay: date.New(2000, time.January, 1)}
		var ve *domain.ValidationError
		if errors.As(probe.Validate(), &ve) {
			for _, fe := range ve.Fields {
				if fe.Field == "title" || fe.Field == "place" {
					p.Merge("", &domain.ValidationError{Fields: []domain.FieldError{fe}})
				}
			}
		}
	}
	return e, p.Err()
}

// eventInput is the form input a refused field of an event is written in.
func eventInput(field string) string {
	switch field {
	case "start":
		return "from"
	case "end":
		return "to"
	case "startDay", "endDay":
		return "day"
	case "groupId":
		return "group"
	}
	return field
}

// eventLabels are the labels of the event form's inputs, in its order.
var eventLabels = []struct{ input, label string }{
	{"group", "calendar.events.group"}, {"title", "calendar.events.titleField"}, {"day", "calendar.events.day"},
	{"from", "calendar.events.fromTime"}, {"to", "calendar.events.toTime"}, {"place", "calendar.events.place"},
}

// eventErrors translates the refused fields of err for the event form;
// ok is false for an error that is not a refusal.
func eventErrors(l web.Locale, err error) (map[string]string, []string, bool) {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return nil, nil, false
	}
	errs := map[string]string{}
	var other []string
	for _, f := range ve.Fields {
		in := eventInput(f.Field)
		if in == "to" && f.Reason == domain.ReasonBeforeStart {
			// The form's end is a time of day, not a date.
			f = domain.FieldError{Field: f.Field, Reason: ReasonToBeforeFrom}
		}
		known := false
		for _, el := range eventLabels {
			known = known || el.input == in
		}
		if !known {
			other = append(other, l.FieldReason(f))
			continue
		}
		if _, dup := errs[in]; !dup {
			errs[in] = l.FieldReason(f)
		}
	}
	var list []string
	for _, el := range eventLabels {
		if reason, ok := errs[el.input]; ok {
			list = append(list, l.T(el.label)+": "+reason)
		}
	}
	return errs, append(list, other...), true
}

// saveEventForm reads the form, stores the event (a new one when id is
// zero) and answers: back to the events page, or the form again (422)
// with what was typed and what is wrong.
func (a *app) saveEventForm(w http.ResponseWriter, r *http.Request, c *web.Call, id domain.EventID, f eventForm) error {
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("form", "the form cannot be read")
	}
	e, err := readEventForm(r, &f)
	if err == nil {
		e.Scope = domain.ScopeMunicipalityEvent
		if f.Groups != nil {
			e.Unit, e.Scope = c.UnitID, domain.ScopeUnitEvent
			if !e.Group.IsZero() {
				e.Scope = domain.ScopeGroupEvent
				if g, gerr := a.Store.Group(r.Context(), c.Actor.Municipality, e.Group); gerr != nil || g.UnitID != c.UnitID {
					err = domain.Invalid("group", ReasonNoSuchGroup)
				}
			}
		}
	}
	if err == nil {
		_, err = a.putEvent(r.Context(), c, id, e)
	}
	if err == nil {
		done := "added"
		if f.Edit {
			done = "changed"
		}
		http.Redirect(w, r, "/calendar/events?done="+done, http.StatusSeeOther)
		return nil
	}
	errs, list, ok := eventErrors(c.Lang, err)
	if !ok {
		return err
	}
	f.Errors = errs
	if f.Groups != nil {
		if f.Groups, err = a.groupOptions(r.Context(), c, c.UnitID, f.Group); err != nil {
			return err
		}
	}
	if f.Edit {
		a.Page(w, r, c, http.StatusUnprocessableEntity, "calendar_events", "calendar.events.edit.title",
			eventsContent{L: c.Lang, EditForm: &f, ErrorList: list})
		return nil
	}
	content, err := a.eventsContent(r, c)
	if err != nil {
		return err
	}
	found := false
	for i := range content.Forms {
		if content.Forms[i].Key == f.Key {
			content.Forms[i], found = f, true
		}
	}
	if !found {
		// A unit's form a municipal actor chose: shown again, refused.
		content.Forms = append(content.Forms, f)
	}
	content.ErrorList = list
	a.Page(w, r, c, http.StatusUnprocessableEntity, "calendar_events", "calendar.events.title", content)
	return nil
}

// unitForm is the empty form of the unit of the request.
func (a *app) unitForm(ctx context.Context, c *web.Call) (eventForm, error) {
	u, err := a.Store.Unit(ctx, c.Actor.Municipality, c.UnitID)
	if err != nil {
		return eventForm{}, err
	}
	gs, err := a.groupOptions(ctx, c, u.ID, "")
	if err != nil {
		return eventForm{}, err
	}
	return eventForm{L: c.Lang, Key: u.ID.String(), Action: "/calendar/units/" + u.ID.String() + "/events", Legend: u.Name, Groups: gs}, nil
}

// formAddUnitEvent adds an event for the unit or one of its groups.
func (a *app) formAddUnitEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	f, err := a.unitForm(r.Context(), c)
	if err != nil {
		return err
	}
	return a.saveEventForm(w, r, c, domain.EventID{}, f)
}

// formAddMunicipalityEvent adds an event for the whole municipality.
func (a *app) formAddMunicipalityEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.saveEventForm(w, r, c, domain.EventID{}, eventForm{L: c.Lang, Key: "municipality", Action: "/calendar/events", Legend: c.Lang.T("calendar.events.municipality.legend")})
}

// editable is the event of the request, when it is the unit's of the
// request (unit is zero for the municipality's own events).
func (a *app) editable(ctx context.Context, r *http.Request, c *web.Call, unit domain.UnitID) (domain.Event, error) {
	id, err := eventID(r)
	if err != nil {
		return domain.Event{}, err
	}
	e, err := a.Store.Event(ctx, c.Actor.Municipality, id)
	if err != nil {
		return domain.Event{}, err
	}
	if e.Unit != unit || !e.Entry.IsZero() {
		return domain.Event{}, domain.ErrNotFound
	}
	return e, nil
}

// editForm is the form of an event, filled in with it.
func (a *app) editForm(ctx context.Context, c *web.Call, e domain.Event) (eventForm, error) {
	_, save, _ := eventPaths(e)
	f := eventForm{L: c.Lang, Key: "edit", Action: save, Edit: true, Title: e.Title, Place: e.Place, Legend: c.Lang.T("calendar.events.municipality.legend")}
	if e.AllDay {
		f.Day = e.StartDay.String()
	} else {
		s := e.Start.In(domain.Oslo())
		f.Day, f.From, f.To = date.NewAt(s).String(), s.Format("15:04"), e.End.In(domain.Oslo()).Format("15:04")
	}
	if !e.Unit.IsZero() {
		u, err := a.Store.Unit(ctx, c.Actor.Municipality, e.Unit)
		if err != nil {
			return f, err
		}
		f.Legend = u.Name
		if !e.Group.IsZero() {
			f.Group = e.Group.String()
		}
		if f.Groups, err = a.groupOptions(ctx, c, e.Unit, f.Group); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (a *app) editPage(w http.ResponseWriter, r *http.Request, c *web.Call, unit domain.UnitID) error {
	e, err := a.editable(r.Context(), r, c, unit)
	if err != nil {
		return err
	}
	f, err := a.editForm(r.Context(), c, e)
	if err != nil {
		return err
	}
	a.Page(w, r, c, http.StatusOK, "calendar_events", "calendar.events.edit.title", eventsContent{L: c.Lang, EditForm: &f})
	return nil
}

func (a *app) editSubmit(w http.ResponseWriter, r *http.Request, c *web.Call, unit domain.UnitID) error {
	e, err := a.editable(r.Context(), r, c, unit)
	if err != nil {
		return err
	}
	f, err := a.editForm(r.Context(), c, e)
	if err != nil {
		return err
	}
	return a.saveEventForm(w, r, c, e.ID, f)
}

func (a *app) formEditUnitEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.editPage(w, r, c, c.UnitID)
}

func (a *app) formSaveUnitEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.editSubmit(w, r, c, c.UnitID)
}

func (a *app) formEditMunicipalityEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.editPage(w, r, c, domain.UnitID{})
}

func (a *app) formSaveMunicipalityEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.editSubmit(w, r, c, domain.UnitID{})
}

// clockTime is HH:MM on the day in Oslo.
func clockTime(day time.Time, hhmm, field string) (time.Time, error) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return time.Time{}, domain.Invalid(field, "is-not-a-time")
	}
	return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, domain.Oslo()), nil
}

func (a *app) formDeleteUnitEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.formDelete(w, r, c, c.UnitID)
}

func (a *app) formDeleteMunicipalityEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.formDelete(w, r, c, domain.UnitID{})
}

func (a *app) formDelete(w http.ResponseWriter, r *http.Request, c *web.Call, unit domain.UnitID) error {
	e, err := a.editable(r.Context(), r, c, unit)
	if err != nil {
		return err
	}
	if err := a.deleteEvent(r.Context(), c, unit, e.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/calendar/events?done=removed", http.StatusSeeOther)
	return nil
}
