package calendarweb

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The calendar pages: the administrator's school year (public holidays,
// the municipality's entries, a form to add one), the list of units whose
// calendar the actor may read, and a unit's calendar (its closed days
// ahead, and for whoever may, forms for closed days and open weekdays).
// Forms post and redirect back (303); a refused form is shown again with
// what was typed and the reason next to its field (422).

type option struct {
	Value, Label string
	Selected     bool
}

// entryForm is what was typed into the add form.
type entryForm struct {
	Kind, AppliesTo, Unit, Start, End, Name string
}

type adminContent struct {
	L          web.Locale
	Year       string
	Prev, Next string // links to the other school years
	Holidays   []holidayRow
	Entries    []entryRow
	Units      []unitLink
	Form       entryForm
	Kinds      []option
	AppliesTo  []option
	UnitOpts   []option
	Errors     map[string]string // field → reason, translated
	ErrorList  []string          // "label: reason", for the alert
	Notice     string
}

type holidayRow struct {
	Day, Weekday, Name, Source string
}

type entryRow struct {
	ID                  domain.CalendarEntryID
	Kind, For, From, To string
	Name                string
}

type unitLink struct {
	Href, Name, Kind string
}

func (a *app) adminPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	y, err := a.schoolYear(r)
	if err != nil {
		return err
	}
	content, err := a.adminContent(r.Context(), c, y, entryForm{})
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "added", "removed":
		content.Notice = c.Lang.T("calendar.notice." + r.URL.Query().Get("done"))
	}
	a.Page(w, r, c, http.StatusOK, "calendar_admin", "calendar.admin.title", content)
	return nil
}

func (a *app) adminContent(ctx context.Context, c *web.Call, y domain.SchoolYear, f entryForm) (adminContent, error) {
	l := c.Lang
	v, err := a.calendarView(ctx, c, y)
	if err != nil {
		return adminContent{}, err
	}
	units, err := a.Store.Units(ctx, c.Actor.Municipality)
	if err != nil {
		return adminContent{}, err
	}
	names := map[domain.UnitID]string{}
	content := adminContent{L: l, Year: v.Year, Form: f, Errors: map[string]string{},
		Prev: "/admin/calendar?year=" + strconv.Itoa(int(y)-1), Next: "/admin/calendar?year=" + strconv.Itoa(int(y)+1)}
	content.UnitOpts = append(content.UnitOpts, option{Value: "", Label: l.T("calendar.allUnits"), Selected: f.Unit == ""})
	for _, u := range units {
		names[u.ID] = u.Name
		content.Units = append(content.Units, unitLink{Href: "/calendar/units/" + u.ID.String(), Name: u.Name, Kind: l.T("calendar.unitKind." + string(u.Kind))})
		content.UnitOpts = append(content.UnitOpts, option{Value: u.ID.String(), Label: u.Name, Selected: f.Unit == u.ID.String()})
	}
	for _, h := range v.Holidays {
		content.Holidays = append(content.Holidays, holidayRow{Day: l.Date(h.Day), Weekday: domain.WeekdayName(h.Day.Weekday(), l.Code), Name: h.Name, Source: h.Source})
	}
	for _, e := range v.Entries {
		row := entryRow{ID: e.ID, Kind: e.Kind.KindName(l.Code), From: l.Date(e.Start), To: l.Date(e.End), Name: e.Name}
		switch {
		case !e.UnitID.IsZero():
			row.For = names[e.UnitID]
		case e.Kind == domain.SchoolHoliday:
			row.For = l.T("calendar.forSchools")
		case e.AppliesTo != "":
			row.For = l.T("calendar.unitKinds." + string(e.AppliesTo))
		default:
			row.For = l.T("calendar.allUnits")
		}
		content.Entries = append(content.Entries, row)
	}
	if f.Kind == "" {
		content.Form.Kind = string(domain.PlanningDay)
	}
	for _, k := range []domain.CalendarKind{domain.PlanningDay, domain.SummerClosure, domain.SchoolHoliday, domain.UnitClosed} {
		content.Kinds = append(content.Kinds, option{Value: string(k), Label: k.KindName(l.Code), Selected: content.Form.Kind == string(k)})
	}
	content.AppliesTo = append(content.AppliesTo, option{Value: "", Label: l.T("calendar.allKinds"), Selected: f.AppliesTo == ""})
	for _, k := range []domain.UnitKind{domain.Kindergarten, domain.School, domain.SFO} {
		content.AppliesTo = append(content.AppliesTo, option{Value: string(k), Label: l.T("calendar.unitKinds." + string(k)), Selected: f.AppliesTo == string(k)})
	}
	return content, nil
}

// fieldErrors translates the refused fields of err for the form; ok is
// false for an error that is not a refusal.
func fieldErrors(l web.Locale, err error) (map[string]string, bool) {
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	out := map[string]string{}
	switch {
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			name := f.Field
			switch name {
			case "period.start", "day":
				name = "start"
			case "period.end", "period":
				name = "end"
			}
			if _, dup := out[name]; !dup {
				out[name] = l.FieldReason(f)
			}
		}
	case errors.As(err, &ce):
		out[ce.Field] = l.ConflictReason(ce)
	default:
		return nil, false
	}
	return out, true
}

// errorList says what is wrong with each field, its label first, in the
// order of the form.
func errorList(l web.Locale, errs map[string]string) []string {
	var out []string
	for _, f := range []struct{ field, label string }{
		{"kind", "calendar.kind"}, {"appliesTo", "calendar.appliesTo"}, {"unit", "calendar.unit"}, {"start", "calendar.from"},
		{"end", "calendar.to"}, {"name", "calendar.name"}, {"weekdays", "calendar.weekdays.legend"},
	} {
		if reason, ok := errs[f.field]; ok {
			out = append(out, l.T(f.label)+": "+reason)
		}
	}
	for field, reason := range errs {
		switch field {
		case "kind", "appliesTo", "unit", "start", "end", "name", "weekdays":
		default:
			out = append(out, field+": "+reason)
		}
	}
	return out
}

// formDate reads a date field; "" is the zero date.
func formDate(r *http.Request, name string) (date.Date, error) {
	s := strings.TrimSpace(r.PostFormValue(name))
	if s == "" {
		return 0, nil
	}
	return domain.ParseDate(name, s)
}

func (a *app) formAddEntry(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("form", "the form cannot be read")
	}
	f := entryForm{Kind: r.PostFormValue("kind"), AppliesTo: r.PostFormValue("appliesTo"), Unit: r.PostFormValue("unit"),
		Start: r.PostFormValue("start"), End: r.PostFormValue("end"), Name: r.PostFormValue("name")}
	e := domain.CalendarEntry{Kind: domain.CalendarKind(f.Kind), AppliesTo: domain.UnitKind(f.AppliesTo), Name: f.Name}
	var p domain.Problems
	if f.Unit != "" {
		id, err := domain.ParseID[domain.Unit](f.Unit)
		if err != nil {
			p.Add("unit", "no-such-unit")
		}
		e.Unit = id
	}
	start, err := formDate(r, "start")
	p.Merge("", err)
	end, err := formDate(r, "end")
	p.Merge("", err)
	if end == date.Zero {
		end = start
	}
	e.Period = domain.Period{Start: start, End: end}
	err = p.Err()
	if err == nil {
		e, err = a.putEntry(r.Context(), c, e)
	}
	if err != nil {
		errs, ok := fieldErrors(c.Lang, err)
		if !ok {
			return err
		}
		y := domain.SchoolYearOf(domain.Today(a.Clock))
		if start != date.Zero {
			y = domain.SchoolYearOf(start)
		}
		content, cerr := a.adminContent(r.Context(), c, y, f)
		if cerr != nil {
			return cerr
		}
		content.Errors, content.ErrorList = errs, errorList(c.Lang, errs)
		a.Page(w, r, c, http.StatusUnprocessableEntity, "calendar_admin", "calendar.admin.title", content)
		return nil
	}
	q := url.Values{"year": {strconv.Itoa(int(domain.SchoolYearOf(e.Period.Start)))}, "done": {"added"}}
	http.Redirect(w, r, "/admin/calendar?"+q.Encode()+"#oppforinger", http.StatusSeeOther)
	return nil
}

func (a *app) formDeleteEntry(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := entryID(r)
	if err != nil {
		return err
	}
	if err := a.deleteEntry(r.Context(), c, id); err != nil {
		return err
	}
	q := url.Values{"done": {"removed"}}
	if y := r.PostFormValue("year"); len(y) == 4 {
		if _, err := strconv.Atoi(y); err == nil {
			q.Set("year", y)
		}
	}
	http.Redirect(w, r, "/admin/calendar?"+q.Encode()+"#oppforinger", http.StatusSeeOther)
	return nil
}

// The units whose calendar the actor sees: staff their units, a guardian
// the units of the children they may see, the municipality every unit.

type unitsContent struct {
	L     web.Locale
	Units []unitLink
	Admin bool
}

func (a *app) unitsPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	content := unitsContent{L: c.Lang, Admin: c.Actor.Role == domain.RoleAdmin}
	seen := map[domain.UnitID]bool{}
	link := func(u domain.Unit) {
		content.Units = append(content.Units, unitLink{Href: "/calendar/units/" + u.ID.String(), Name: u.Name, Kind: c.Lang.T("calendar.unitKind." + string(u.Kind))})
	}
	add := func(id domain.UnitID) error {
		if seen[id] {
			return nil
		}
		seen[id] = true
		u, err := a.Store.Unit(ctx, m, id)
		if err != nil {
			return err
		}
		link(u)
		return nil
	}
	switch {
	case c.Actor.Municipal():
		// Every unit from the one read of the municipality's units: the
		// statements do not grow with the units.
		units, err := a.Store.Units(ctx, m)
		if err != nil {
			return err
		}
		for _, u := range units {
			link(u)
		}
	case c.Actor.Role == domain.RoleGuardian:
		children, err := a.VisibleChildren(ctx, c.Actor)
		if err != nil {
			return err
		}
		today := domain.Today(a.Clock)
		for _, ch := range children {
			// A guardian who must not learn where the child is (a strictly
			// protected address, no parental responsibility) sees none
			// of its units.
			_, rec, err := a.DecideChild(ctx, c.Actor, ch.ID)
			if err != nil {
				return err
			}
			if rec.HidesWhereaboutsFrom(c.Actor) {
				continue
			}
			for _, p := range rec.Placements {
				if p.Period.Contains(today) || p.Period.Start > today {
					if err := add(p.UnitID); err != nil {
						return err
					}
				}
			}
		}
	default:
		for _, u := range c.Actor.Units {
			if err := add(u); err != nil {
				return err
			}
		}
	}
	a.Page(w, r, c, http.StatusOK, "calendar_units", "calendar.units.title", content)
	return nil
}

// A unit's calendar page.

type unitContent struct {
	L         web.Locale
	UnitID    domain.UnitID
	Name      string
	From, To  string
	OpenDays  int
	Closed    []closedRow
	CanEdit   bool
	Weekdays  []option // checkboxes, Monday first
	Form      entryForm
	Errors    map[string]string
	ErrorList []string
	Notice    string
}

type closedRow struct {
	Day, Weekday, Name, Explanation string
	EntryID                         domain.CalendarEntryID
}

func (a *app) unitContent(ctx context.Context, c *web.Call, f entryForm) (unitContent, error) {
	today := domain.Today(a.Clock)
	p := domain.Period{Start: today, End: domain.SchoolYearOf(today).End()}
	if p.End-p.Start < 90 {
		p.End = domain.SchoolYearOf(today).End().AddDate(1, 0, 0)
	}
	u, v, err := a.unitCalendar(ctx, c, c.UnitID, p)
	if err != nil {
		return unitContent{}, err
	}
	l := c.Lang
	content := unitContent{L: l, UnitID: u.ID, Name: u.Name, From: l.Date(p.Start), To: l.Date(p.End), OpenDays: v.OpenDays,
		CanEdit: mayEditUnit(c.Actor, u.ID), Form: f, Errors: map[string]string{}}
	for _, cl := range v.Closed {
		if cl.Code == domain.ClosedWeekday {
			continue // weekends are not worth a line each
		}
		content.Closed = append(content.Closed, closedRow{Day: l.Date(cl.Day), Weekday: domain.WeekdayName(cl.Day.Weekday(), l.Code), Name: cl.Name, Explanation: cl.Explanation})
	}
	for _, iso := range "1234567" {
		wd := int(iso - '0')
		content.Weekdays = append(content.Weekdays, option{Value: string(iso), Label: domain.WeekdayName(time.Weekday(wd%7), l.Code),
			Selected: strings.ContainsRune(string(v.Weekdays), iso)})
	}
	return content, nil
}

func (a *app) unitPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	content, err := a.unitContent(r.Context(), c, entryForm{})
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "added", "weekdays":
		content.Notice = c.Lang.T("calendar.notice." + r.URL.Query().Get("done"))
	}
	a.Page(w, r, c, http.StatusOK, "calendar_unit", "calendar.unit.title", content)
	return nil
}

func (a *app) unitRefused(w http.ResponseWriter, r *http.Request, c *web.Call, f entryForm, err error) error {
	errs, ok := fieldErrors(c.Lang, err)
	if !ok {
		return err
	}
	content, cerr := a.unitContent(r.Context(), c, f)
	if cerr != nil {
		return cerr
	}
	content.Errors, content.ErrorList = errs, errorList(c.Lang, errs)
	a.Page(w, r, c, http.StatusUnprocessableEntity, "calendar_unit", "calendar.unit.title", content)
	return nil
}

func (a *app) formClosedDays(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("form", "the form cannot be read")
	}
	f := entryForm{Start: r.PostFormValue("start"), End: r.PostFormValue("end"), Name: r.PostFormValue("name")}
	var p domain.Problems
	start, err := formDate(r, "start")
	p.Merge("", err)
	end, err := formDate(r, "end")
	p.Merge("", err)
	if err := p.Err(); err != nil {
		return a.unitRefused(w, r, c, f, err)
	}
	if _, err := a.closedDays(r.Context(), c, start, end, f.Name); err != nil {
		return a.unitRefused(w, r, c, f, err)
	}
	http.Redirect(w, r, "/calendar/units/"+c.UnitID.String()+"?done=added", http.StatusSeeOther)
	return nil
}

func (a *app) formOpenWeekdays(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("form", "the form cannot be read")
	}
	var b strings.Builder
	for _, iso := range "1234567" {
		for _, v := range r.PostForm["weekday"] {
			if v == string(iso) {
				b.WriteRune(iso)
				break
			}
		}
	}
	if err := a.openWeekdays(r.Context(), c, domain.Weekdays(b.String())); err != nil {
		return a.unitRefused(w, r, c, entryForm{}, err)
	}
	http.Redirect(w, r, "/calendar/units/"+c.UnitID.String()+"?done=weekdays", http.StatusSeeOther)
	return nil
}
