package calendarweb

import (
	"net/http"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The events page: the events ahead the actor may see; for a guardian the
// feed (made or renewed, its URL shown once with a copy button, and
// revoked); for staff a form to add an event for one of their units.

type eventRow struct {
	ID                      domain.EventID
	Unit                    domain.UnitID
	When, Title, Place, For string
	Deletable               bool
}

type eventsContent struct {
	L        web.Locale
	Events   []eventRow
	Guardian bool
	HasFeed  bool
	FeedURL  string // set once, right after renewing
	Units    []option
	Notice   string
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
	for _, u := range units {
		names[u.ID] = u.Name
		if c.Actor.Municipal() || c.Actor.WorksAt(u.ID) {
			content.Units = append(content.Units, option{Value: u.ID.String(), Label: u.Name})
		}
	}
	for _, e := range es {
		row := eventRow{ID: e.ID, Unit: e.Unit, Title: e.Title, Place: e.Place, For: c.Lang.T("calendar.events.municipality")}
		if !e.Unit.IsZero() {
			row.For = names[e.Unit]
		}
		if e.AllDay {
			row.When = e.StartDay.Format("02.01.2006")
			if e.EndDay != e.StartDay {
				row.When += "–" + e.EndDay.Format("02.01.2006")
			}
		} else {
			row.When = e.Start.In(domain.Oslo()).Format("02.01.2006 15:04") + "–" + e.End.In(domain.Oslo()).Format("15:04")
		}
		row.Deletable = e.Entry.IsZero() && !e.Unit.IsZero() && (c.Actor.Municipal() || c.Actor.WorksAt(e.Unit))
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

func (a *app) eventsPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	content, err := a.eventsContent(r, c)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "added", "removed", "revoked":
		content.Notice = c.Lang.T("calendar.events.notice." + r.URL.Query().Get("done"))
	}
	a.Page(w, r, c, http.StatusOK, "calendar_events", "calendar.events.title", content)
	return nil
}

// formRenewFeed shows the new URL on the page it answers with: it is
// never stored, so it cannot be shown again after a redirect.
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
	a.Page(w, r, c, http.StatusOK, "calendar_events", "calendar.events.title", content)
	return nil
}

func (a *app) formRevokeFeed(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := a.revokeFeed(r.Context(), c); err != nil && !domain.IsNotFound(err) {
		return err
	}
	http.Redirect(w, r, "/calendar/events?done=revoked", http.StatusSeeOther)
	return nil
}

// formAddUnitEvent adds an event for the unit: all day on a day, or from
// a time to a time that day.
func (a *app) formAddUnitEvent(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("form", "the form cannot be read")
	}
	day, err := formDate(r, "day")
	if err != nil {
		return err
	}
	e := domain.Event{Scope: domain.ScopeUnitEvent, Unit: c.UnitID, Title: r.PostFormValue("title"),
		Place: r.PostFormValue("place"), Description: r.PostFormValue("description")}
	from, to := r.PostFormValue("from"), r.PostFormValue("to")
	if from == "" && to == "" {
		e.AllDay, e.StartDay, e.EndDay = true, day, day
	} else {
		if e.Start, err = clockTime(day.Midnight(), from, "from"); err != nil {
			return err
		}
		if e.End, err = clockTime(day.Midnight(), to, "to"); err != nil {
			return err
		}
	}
	if _, err := a.putEvent(r.Context(), c, domain.EventID{}, e); err != nil {
		return err
	}
	http.Redirect(w, r, "/calendar/events?done=added", http.StatusSeeOther)
	return nil
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
	id, err := eventID(r)
	if err != nil {
		return err
	}
	if err := a.deleteEvent(r.Context(), c, c.UnitID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/calendar/events?done=removed", http.StatusSeeOther)
	return nil
}
