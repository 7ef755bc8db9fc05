package attendanceweb

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The attendance pages: the staff's check-in board (roster, tap in, tap
// out with who collects, occupancy against the staffing norm) and the
// guardian's page (sick today in one click, planned absences, the pickup
// list). Forms post and redirect back (303); each check form carries an
// event key made when the page was rendered, so a double submit records
// one event.

// boardContent is the staff's check-in board.
type boardContent struct {
	L      web.Locale
	Units  []boardTab // the units the employee works at
	Groups []boardTab // the unit's groups, all first
	Unit   *boardUnit // the unit shown
	Notice string     // what the last form did
	Warn   string     // a warning about the last check-out
	Error  string     // why the last form was refused
	// ErrorFor is the id of the field the error is about, "" for none.
	ErrorFor string
	// Now is the app's clock when the page was made, in milliseconds
	// since 1970: board.js stamps a tap with the app's time (now plus the
	// time since the page came), not the device's, so an event sent late
	// keeps when it happened and a device clock that is wrong does no harm.
	Now int64
	// Href is the board as shown (unit and group), where board.js goes
	// back to once its taps are sent.
	Href string
}

type boardTab struct {
	Href, Name string
	Current    bool
}

type boardUnit struct {
	Roster    AttendanceRosterView
	Groups    []boardGroup
	Occupancy occupancyView
	HasNorm   bool   // a kindergarten: occupancy against the staffing norm
	Group     string // the group shown, "" for all
	Counts    []boardCount
}

type boardCount struct {
	Label string
	N     int
}

type boardGroup struct {
	Name     string
	Children []boardChild
}

type boardChild struct {
	attendanceRosterChild
	Group      string // the group's name
	StatusText string
	InAt       string // hh:mm
	OutAt      string
	Key        string // a fresh event key for this row's form
	CanIn      bool
	CanOut     bool
	Collectors []collectorChoice // shown at check-out
	// Collector and CollectorName keep what was chosen and typed on a
	// refused check-out; Refusal is why, shown at the field.
	Collector, CollectorName, Refusal string
}

// staffRefusal is a refused check-in or check-out to show again: the
// child, what was chosen and typed, and the error.
type staffRefusal struct {
	child           domain.ChildID
	collector, name string
	err             error
}

type collectorOption struct {
	Value, Label string
}

// collectorChoice is someone who may collect a child today, as the board
// offers them at check-out: the form value (g:<guardian> or
// p:<pickup>), the name, what the person is to the child and the phone
// number when it may be shown.
type collectorChoice struct {
	Value, Name, Relation, Phone string
}

// Tel is the phone number for a tel: link: digits and a leading +.
func (c collectorChoice) Tel() string {
	var b strings.Builder
	for i, r := range c.Phone {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// boardCSP is the board's Content-Security-Policy: the app's (no script
// anywhere else) with the board's own script (/static/board.js) and its
// fetch calls to the app allowed, both from the app itself only.
const boardCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// statuses in the order the board counts them.
var boardStatuses = []attendance.Status{attendance.Expected, attendance.Late, attendance.Present, attendance.Absent, attendance.Left}

func (a *app) staffAttendancePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.renderStaff(w, r, c, nil)
}

// renderStaff renders the attendance board; rf, when not nil, is a
// refused form shown again at its child's row (422).
func (a *app) renderStaff(w http.ResponseWriter, r *http.Request, c *web.Call, rf *staffRefusal) error {
	ctx := r.Context()
	content := boardContent{L: c.Lang, Now: a.Clock.Now().UnixMilli()}
	if len(c.Actor.Units) == 0 {
		a.Page(w, r, c, http.StatusOK, "attendance_staff", "attendance.board.title", content)
		return nil
	}
	unit := c.Actor.Units[0]
	if s := r.URL.Query().Get("unit"); s != "" {
		id, err := domain.ParseID[domain.Unit](s)
		if err != nil || !c.Actor.WorksAt(id) {
			return domain.ErrNotFound
		}
		unit = id
	} else {
		// A kindergarten or SFO first: that is where children are checked in.
		for _, u := range c.Actor.Units {
			if uu, err := a.Store.Unit(ctx, c.Actor.Municipality, u); err == nil && uu.Kind != domain.School {
				unit = u
				break
			}
		}
	}
	for _, u := range c.Actor.Units {
		uu, err := a.Store.Unit(ctx, c.Actor.Municipality, u)
		if err != nil {
			return err
		}
		content.Units = append(content.Units, boardTab{Href: "/staff/attendance?unit=" + u.String(), Name: uu.Name, Current: u == unit})
	}
	var group domain.GroupID
	if s := r.URL.Query().Get("group"); s != "" {
		id, err := domain.ParseID[domain.Group](s)
		if err != nil {
			return domain.ErrNotFound
		}
		group = id
	}
	groups, err := a.Store.Groups(ctx, c.Actor.Municipality, unit)
	if err != nil {
		return err
	}
	unitHref := "/staff/attendance?unit=" + unit.String()
	content.Groups = append(content.Groups, boardTab{Href: unitHref, Name: c.Lang.T("attendance.board.allGroups"), Current: group.IsZero()})
	for _, g := range groups {
		content.Groups = append(content.Groups, boardTab{Href: unitHref + "&group=" + g.ID.String(), Name: g.Name, Current: g.ID == group})
	}
	today := domain.Today(a.Clock)
	ro, err := a.attendanceRoster(ctx, c.Lang, c.Actor, unit, group, today)
	if err != nil {
		return err
	}
	bu := &boardUnit{Roster: ro}
	content.Href = unitHref
	if !group.IsZero() {
		bu.Group = group.String()
		content.Href += "&group=" + bu.Group
	}
	// The staffing norm is the kindergartens' (barnehageloven); an SFO or a
	// school has none to measure against.
	if ro.Unit.Kind == domain.Kindergarten {
		occ, err := a.occupancy(ctx, c, unit, today)
		if err != nil {
			return err
		}
		bu.Occupancy, bu.HasNorm = occ, true
	}
	for _, st := range boardStatuses {
		bu.Counts = append(bu.Counts, boardCount{Label: c.Lang.T("attendance.status." + string(st)), N: ro.Count[st]})
	}
	names := map[domain.ChildID]string{}
	for _, g := range ro.Groups {
		bg := boardGroup{Name: g.Name}
		if bg.Name == "" {
			bg.Name = c.Lang.T("staff.noGroup")
		}
		for _, ch := range g.Children {
			names[ch.ID] = ch.GivenName + " " + ch.FamilyName
			bc := boardChild{attendanceRosterChild: ch, Group: bg.Name, StatusText: c.Lang.T("attendance.status." + string(ch.Status)),
				InAt: timeOfDay(ch.In), OutAt: timeOfDay(ch.Out), Key: uuid.NewString()}
			bc.CanOut = ch.Status == attendance.Present
			bc.CanIn = !bc.CanOut
			if bc.CanOut {
				if bc.Collectors, err = a.collectorOptions(ctx, c, ch.ID, today); err != nil {
					return err
				}
			}
			if rf != nil && rf.child == ch.ID {
				bc.Collector, bc.CollectorName = rf.collector, rf.name
				bc.Refusal = refusalText(c.Lang, rf.err)
				content.Error = bc.Refusal
				content.ErrorFor = "collector-name-" + ch.ID.String()
				if !bc.CanOut {
					content.ErrorFor = "barn-" + ch.ID.String()
				}
			}
			bg.Children = append(bg.Children, bc)
		}
		bu.Groups = append(bu.Groups, bg)
	}
	content.Unit = bu
	if ids := ro.children(); len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "roster.read", "unit/"+unit.String(), ids...); err != nil {
			return err
		}
	}
	q := r.URL.Query()
	if rf == nil {
		content.Error = refusal(c.Lang, q.Get("error"))
	}
	if id, err := domain.ParseID[domain.Child](q.Get("child")); err == nil && names[id] != "" && content.Error == "" {
		switch q.Get("done") {
		case "in":
			content.Notice = c.Lang.T("attendance.notice.in", names[id])
		case "out":
			content.Notice = c.Lang.T("attendance.notice.out", names[id])
		}
		if q.Get("warn") == "1" {
			content.Warn = c.Lang.T("attendance.warn.unlisted", names[id])
		}
	}
	status := http.StatusOK
	if rf != nil {
		status = http.StatusUnprocessableEntity
	}
	w.Header().Set("Content-Security-Policy", boardCSP)
	a.Page(w, r, c, status, "attendance_staff", "attendance.board.title", content)
	return nil
}

// refusalText is a refusal's reasons in the page's language.
func refusalText(l web.Locale, err error) string {
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	switch {
	case errors.As(err, &ve):
		var parts []string
		for _, f := range ve.Fields {
			parts = append(parts, l.FieldReason(f))
		}
		return strings.Join(parts, "; ")
	case errors.As(err, &ce):
		return l.ConflictReason(ce)
	}
	return ""
}

// collectorOptions are who may collect the child today: the guardians with
// parental responsibility and the pickup list's people valid today, with
// their phone numbers. A guardian's phone number follows the child page's
// rule (web.ViewChild): never for a guardian with a protected address, nor
// when the child's address is strictly protected.
func (a *app) collectorOptions(ctx context.Context, c *web.Call, child domain.ChildID, today date.Date) ([]collectorChoice, error) {
	m := c.Actor.Municipality
	var out []collectorChoice
	ch, err := a.Store.Child(ctx, m, child)
	if err != nil {
		return nil, err
	}
	gs, err := a.Store.Guardianships(ctx, m, child)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		if !g.ParentalResponsibility {
			continue
		}
		gd, err := a.Store.Guardian(ctx, m, g.GuardianID)
		if err != nil {
			return nil, err
		}
		cc := collectorChoice{Value: "g:" + gd.ID.String(), Name: gd.GivenName + " " + gd.FamilyName, Relation: c.Lang.T("attendance.guardian")}
		if !gd.AddressProtection.Protected() && !ch.AddressProtection.Strict() {
			cc.Phone = gd.Phone
		}
		out = append(out, cc)
	}
	list, err := a.Attendance().PickupList(ctx, c.Actor, child)
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		if p.ValidOn(today) {
			out = append(out, collectorChoice{Value: "p:" + p.ID.String(), Name: p.Name, Relation: p.Relation, Phone: p.Phone})
		}
	}
	return out, nil
}

// listed reports whether the name is one of the choices' (as the library
// matches a named collector: the same letters, case and surrounding
// spaces aside).
func listed(choices []collectorChoice, name string) bool {
	for _, c := range choices {
		if strings.EqualFold(strings.TrimSpace(c.Name), strings.TrimSpace(name)) {
			return true
		}
	}
	return false
}

// confirmContent is the step a check-out takes without JavaScript when the
// collector named is not on the pickup list: the warning, who may collect,
// and the same check-out again with confirm=1 (board.js asks in a dialog
// on the board instead).
type confirmContent struct {
	L          web.Locale
	Child      string // the child's name
	ChildID    domain.ChildID
	Collector  string
	Key, Unit  string
	Group      string
	Collectors []collectorChoice
	Back       string // the board
}

// formCheck handles the board's tap in and tap out.
func (a *app) formCheck(kind attendance.CheckKind) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *web.Call) error {
		if err := r.ParseForm(); err != nil {
			return api.BadRequest("form", "the form cannot be read")
		}
		e := attendance.Event{Key: r.PostFormValue("key")}
		if s := r.PostFormValue("unit"); s != "" {
			id, err := domain.ParseID[domain.Unit](s)
			if err != nil {
				return domain.Invalid("unit", "is-not-a-uuid")
			}
			e.Unit = id
		}
		if kind == attendance.CheckOut {
			choice := r.PostFormValue("collector")
			switch {
			case strings.HasPrefix(choice, "g:"):
				id, err := domain.ParseID[domain.Guardian](choice[2:])
				if err != nil {
					return domain.Invalid("collector", "is-not-a-guardian")
				}
				e.Collector.Guardian = id
			case strings.HasPrefix(choice, "p:"):
				id, err := domain.ParseID[attendance.Pickup](choice[2:])
				if err != nil {
					return domain.Invalid("collector", "is-not-on-the-pickup-list")
				}
				e.Collector.Pickup = id
			default:
				e.Collector.Name = strings.TrimSpace(r.PostFormValue("collectorName"))
			}
			// Someone named who is not on the pickup list: the staff member
			// confirms first (a step of its own without JavaScript), then
			// the check-out is recorded with the library's warning.
			if e.Collector.Name != "" && r.PostFormValue("confirm") != "1" {
				done, err := a.confirmUnlisted(w, r, c, e)
				if done || err != nil {
					return err
				}
			}
		}
		chk, err := a.check(r.Context(), c, kind, e)
		if err != nil {
			var ve *domain.ValidationError
			var ce *domain.ConflictError
			if !errors.As(err, &ve) && !errors.As(err, &ce) {
				return err
			}
			// The board again, at the same unit and group, with what was
			// chosen and typed and why it was refused.
			q := url.Values{}
			if !e.Unit.IsZero() {
				q.Set("unit", e.Unit.String())
			}
			if g := r.PostFormValue("group"); g != "" {
				q.Set("group", g)
			}
			r.URL.RawQuery = q.Encode()
			return a.renderStaff(w, r, c, &staffRefusal{child: c.ChildID, collector: r.PostFormValue("collector"),
				name: r.PostFormValue("collectorName"), err: err})
		}
		q := url.Values{"unit": {chk.UnitID.String()}, "done": {string(kind)}, "child": {c.ChildID.String()}}
		if g := r.PostFormValue("group"); g != "" {
			if _, err := domain.ParseID[domain.Group](g); err == nil {
				q.Set("group", g)
			}
		}
		if chk.Warning != "" {
			q.Set("warn", "1")
		}
		http.Redirect(w, r, "/staff/attendance?"+q.Encode()+"#barn-"+c.ChildID.String(), http.StatusSeeOther)
		return nil
	}
}

// confirmUnlisted shows the confirmation step when the collector named is
// neither a guardian with parental responsibility nor on the child's
// pickup list today; done is false when the name is on the list.
func (a *app) confirmUnlisted(w http.ResponseWriter, r *http.Request, c *web.Call, e attendance.Event) (done bool, err error) {
	// Only for the staff of the child's unit today; anyone else goes on to
	// the library, which refuses them (the pickup list is not theirs to
	// see).
	today := domain.Today(a.Clock)
	unit := e.Unit
	if unit.IsZero() {
		unit = unitFor(c.Actor, c.Record, today, domain.Kindergarten, domain.SFO)
	}
	placed := false
	for _, p := range c.Record.Placements {
		placed = placed || (p.UnitID == unit && p.Period.Contains(today))
	}
	if unit.IsZero() || !placed || !c.Actor.WorksAt(unit) {
		return false, nil
	}
	e.Unit = unit
	choices, err := a.collectorOptions(r.Context(), c, c.ChildID, today)
	if err != nil {
		return false, err
	}
	if listed(choices, e.Collector.Name) {
		return false, nil
	}
	ch := c.Record.Child
	back := url.Values{}
	if !e.Unit.IsZero() {
		back.Set("unit", e.Unit.String())
	}
	group := ""
	if g := r.PostFormValue("group"); g != "" {
		if _, err := domain.ParseID[domain.Group](g); err == nil {
			group = g
			back.Set("group", g)
		}
	}
	content := confirmContent{L: c.Lang, Child: ch.GivenName + " " + ch.FamilyName, ChildID: ch.ID, Collector: e.Collector.Name,
		Key: e.Key, Group: group, Collectors: choices, Back: "/staff/attendance?" + back.Encode() + "#barn-" + ch.ID.String()}
	if !e.Unit.IsZero() {
		content.Unit = e.Unit.String()
	}
	if err := a.Audit(r.Context(), c.Actor, "attendance.pickups.read", "", c.ChildID); err != nil {
		return false, err
	}
	a.Page(w, r, c, http.StatusOK, "attendance_confirm", "attendance.confirm.title", content)
	return true, nil
}

// guardianContent is the guardian's attendance page.
type guardianAttendanceContent struct {
	L        web.Locale
	Today    date.Date
	Children []guardianChild
	Notice   string
	Error    string // why the last form was refused
}

type guardianChild struct {
	ID      domain.ChildID
	Name    string
	SickKey string
	SickNow bool // reported sick today already
	// ClosedToday says, kindly, that the child's unit is closed today
	// (the sick button records nothing then); "" on an open day.
	ClosedToday string
	// Calendars link to the calendars of the child's units.
	Calendars []calendarLink
	Absences  []absenceRow
	Pickups   []pickupView
	Reasons   []collectorOption
	// Refused is the child's form that was just refused ("absence",
	// "pickup"; "" for none): Values keeps what was typed, Errors the
	// message at each field by name, Summary the list above the form.
	Refused string
	Values  map[string]string
	Errors  map[string]string
	Summary []fieldMsg
}

// fieldMsg is a refusal in the error summary: the input's id, its label
// and the message.
type fieldMsg struct {
	ID, Label, Message string
}

// refusedForm is a refused guardian form to show again: which child and
// form, what was typed, and the refusal.
type refusedForm struct {
	child  domain.ChildID
	kind   string
	values map[string]string
	err    error
}

// formFields are the inputs of the guardian's forms with their labels;
// a refused field not among them is shown in the summary at the first.
var formFields = map[string][][2]string{
	"absence": {{"start", "attendance.from"}, {"end", "attendance.to"}, {"reason", "attendance.reason"}, {"note", "attendance.note"}},
	"pickup": {{"name", "attendance.pickup.name"}, {"relation", "attendance.pickup.relation"},
		{"phone", "attendance.pickup.phone"}, {"validUntil", "attendance.pickup.validUntil"}},
}

// inputIDs are the ids of the inputs by name (the template's).
var inputIDs = map[string]string{"start": "start", "end": "end", "reason": "reason", "note": "note",
	"name": "pname", "relation": "prel", "phone": "pphone", "validUntil": "puntil"}

// showRefusal puts a refused form's values and errors on the child.
func showRefusal(l web.Locale, gc *guardianChild, rf *refusedForm) {
	gc.Refused, gc.Values, gc.Errors = rf.kind, rf.values, map[string]string{}
	fields := formFields[rf.kind]
	add := func(field, msg string) {
		name := ""
		for _, f := range fields {
			if f[0] == field {
				name = f[0]
			}
		}
		switch field {
		case "period.start", "period", "day":
			name = "start"
		case "period.end":
			name = "end"
		}
		if name == "" {
			name = fields[0][0]
		}
		label := ""
		for _, f := range fields {
			if f[0] == name {
				label = l.T(f[1])
			}
		}
		if old, ok := gc.Errors[name]; ok {
			gc.Errors[name] = old + "; " + msg
		} else {
			gc.Errors[name] = msg
		}
		gc.Summary = append(gc.Summary, fieldMsg{ID: inputIDs[name] + "-" + gc.ID.String(), Label: label, Message: msg})
	}
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	switch {
	case errors.As(rf.err, &ve):
		for _, f := range ve.Fields {
			add(f.Field, l.FieldReason(f))
		}
	case errors.As(rf.err, &ce):
		add(ce.Field, l.ConflictReason(ce))
	}
}

type calendarLink struct {
	Href, Name string
}

type absenceRow struct {
	ID                 attendance.AbsenceID
	Start, End, Reason string
	Note               string
}

func (a *app) guardianAttendancePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.renderGuardian(w, r, c, nil)
}

// renderGuardian renders the guardian's page; rf, when not nil, is a
// refused form shown again with what was typed and why (422).
func (a *app) renderGuardian(w http.ResponseWriter, r *http.Request, c *web.Call, rf *refusedForm) error {
	ctx := r.Context()
	today := domain.Today(a.Clock)
	children, err := a.VisibleChildren(ctx, c.Actor)
	if err != nil {
		return err
	}
	lang := attendance.Lang(c.Lang.Code)
	content := guardianAttendanceContent{L: c.Lang, Today: today}
	var ids []domain.ChildID
	for _, ch := range children {
		access, _, err := a.DecideChild(ctx, c.Actor, ch.ID)
		if err != nil {
			return err
		}
		if access != web.AccessParent {
			continue
		}
		gc := guardianChild{ID: ch.ID, Name: ch.GivenName + " " + ch.FamilyName, SickKey: uuid.NewString()}
		if gc.ClosedToday, gc.Calendars, err = a.childCalendar(ctx, c, ch.ID, today); err != nil {
			return err
		}
		abs, err := a.Attendance().Absences(ctx, c.Actor, ch.ID, domain.Period{Start: today})
		if err != nil {
			return err
		}
		for _, ab := range abs {
			if ab.Reason == attendance.Sick && ab.Period.Contains(today) {
				gc.SickNow = true
			}
			gc.Absences = append(gc.Absences, absenceRow{ID: ab.ID, Start: c.Lang.Date(ab.Period.Start), End: c.Lang.Date(ab.Period.End), Reason: ab.Reason.Text(lang), Note: ab.Note})
		}
		list, err := a.Attendance().PickupList(ctx, c.Actor, ch.ID)
		if err != nil {
			return err
		}
		for _, p := range list {
			gc.Pickups = append(gc.Pickups, viewPickup(p))
		}
		for _, rs := range []attendance.Reason{attendance.Holiday, attendance.Leave, attendance.Sick, attendance.Other} {
			gc.Reasons = append(gc.Reasons, collectorOption{Value: string(rs), Label: rs.Text(lang)})
		}
		if rf != nil && rf.child == ch.ID {
			showRefusal(c.Lang, &gc, rf)
		}
		content.Children = append(content.Children, gc)
		ids = append(ids, ch.ID)
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "attendance.read", "", ids...); err != nil {
			return err
		}
	}
	q := r.URL.Query()
	content.Error = refusal(c.Lang, q.Get("error"))
	if id, err := domain.ParseID[domain.Child](q.Get("child")); err == nil && content.Error == "" {
		for _, gc := range content.Children {
			if gc.ID == id {
				switch q.Get("done") {
				case "sick", "absence", "withdrawn", "pickup", "removed":
					content.Notice = c.Lang.T("attendance.notice."+q.Get("done"), gc.Name)
				case "closed":
					content.Notice = gc.ClosedToday
				}
			}
		}
	}
	status := http.StatusOK
	if rf != nil {
		status = http.StatusUnprocessableEntity
	}
	a.Page(w, r, c, status, "attendance_guardian", "attendance.guardian.title", content)
	return nil
}

// refusedGuardianForm shows a guardian's refused form again (422) with
// what was typed, each error at its field and in a summary; an error that
// is not a refusal stays an error.
func (a *app) refusedGuardianForm(w http.ResponseWriter, r *http.Request, c *web.Call, kind string, err error) error {
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	if !errors.As(err, &ve) && !errors.As(err, &ce) {
		return err
	}
	values := map[string]string{}
	for _, f := range formFields[kind] {
		values[f[0]] = r.PostFormValue(f[0])
	}
	return a.renderGuardian(w, r, c, &refusedForm{child: c.ChildID, kind: kind, values: values, err: err})
}

// backToGuardian redirects to the guardian's page with what was done.
func backToGuardian(w http.ResponseWriter, r *http.Request, c *web.Call, done string) {
	q := url.Values{"done": {done}, "child": {c.ChildID.String()}}
	http.Redirect(w, r, "/guardian/attendance?"+q.Encode()+"#barn-"+c.ChildID.String(), http.StatusSeeOther)
}

func (a *app) formSick(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if _, err := a.reportAbsence(r.Context(), c, attendance.Absence{}, true); err != nil {
		// The unit is closed today: nothing was recorded, and the page
		// says so kindly instead of refusing.
		var closed *attendance.ClosedError
		if errors.As(err, &closed) {
			backToGuardian(w, r, c, "closed")
			return nil
		}
		return err
	}
	if r.PostFormValue("from") == "home" {
		// The start page's button: back to the start page, which shows
		// the child as reported sick.
		http.Redirect(w, r, "/guardian#barn-"+c.ChildID.String(), http.StatusSeeOther)
		return nil
	}
	backToGuardian(w, r, c, "sick")
	return nil
}

// formDate reads a date field of a form; "" is the zero date.
func formDate(r *http.Request, name string) (date.Date, error) {
	s := strings.TrimSpace(r.PostFormValue(name))
	if s == "" {
		return 0, nil
	}
	return domain.ParseDate(name, s)
}

func (a *app) formAbsence(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("form", "the form cannot be read")
	}
	start, err := formDate(r, "start")
	if err != nil {
		return a.refusedGuardianForm(w, r, c, "absence", err)
	}
	end, err := formDate(r, "end")
	if err != nil {
		return a.refusedGuardianForm(w, r, c, "absence", err)
	}
	if end == 0 {
		end = start
	}
	ab := attendance.Absence{Period: domain.Period{Start: start, End: end}, Reason: attendance.Reason(r.PostFormValue("reason")), Note: strings.TrimSpace(r.PostFormValue("note"))}
	if _, err := a.reportAbsence(r.Context(), c, ab, false); err != nil {
		return a.refusedGuardianForm(w, r, c, "absence", err)
	}
	backToGuardian(w, r, c, "absence")
	return nil
}

func (a *app) formWithdrawAbsence(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[attendance.Absence](r, "absenceId")
	if err != nil {
		return err
	}
	if err := a.withdrawAbsence(r.Context(), c, id); err != nil {
		return err
	}
	backToGuardian(w, r, c, "withdrawn")
	return nil
}

func (a *app) formPickup(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("form", "the form cannot be read")
	}
	until, err := formDate(r, "validUntil")
	if err != nil {
		return a.refusedGuardianForm(w, r, c, "pickup", err)
	}
	p := attendance.Pickup{Name: strings.TrimSpace(r.PostFormValue("name")), Relation: strings.TrimSpace(r.PostFormValue("relation")),
		Phone: strings.TrimSpace(r.PostFormValue("phone")), ValidUntil: until}
	if _, err := a.putPickup(r.Context(), c, p); err != nil {
		return a.refusedGuardianForm(w, r, c, "pickup", err)
	}
	backToGuardian(w, r, c, "pickup")
	return nil
}

func (a *app) formRemovePickup(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[attendance.Pickup](r, "pickupId")
	if err != nil {
		return err
	}
	if err := a.removePickup(r.Context(), c, id); err != nil {
		return err
	}
	backToGuardian(w, r, c, "removed")
	return nil
}

// timeOfDay formats an instant as hh:mm in Oslo; "" for the zero time.
func timeOfDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(domain.Oslo()).Format("15:04")
}

// refusal is the message for ?error= on a page: the field's own, or the
// general one.
func refusal(l web.Locale, field string) string {
	if field == "" {
		return ""
	}
	if l.Has("attendance.error." + field) {
		return l.T("attendance.error." + field)
	}
	return l.T("attendance.error.other")
}

// childCalendar says whether the child's units (kindergarten, SFO) are
// closed today, kindly, and links to their calendars. It is asked only for
// a guardian with parental responsibility.
func (a *app) childCalendar(ctx context.Context, c *web.Call, child domain.ChildID, today date.Date) (string, []calendarLink, error) {
	m := c.Actor.Municipality
	ps, err := a.Store.Placements(ctx, m, child)
	if err != nil {
		return "", nil, err
	}
	cal, err := domain.LoadCalendar(ctx, a.Store, m, domain.Period{Start: today, End: today})
	if err != nil {
		return "", nil, err
	}
	var links []calendarLink
	closed, open := "", false
	for _, p := range ps {
		if !p.Period.Contains(today) || p.Kind == domain.School {
			continue
		}
		u, err := a.Store.Unit(ctx, m, p.UnitID)
		if err != nil {
			return "", nil, err
		}
		links = append(links, calendarLink{Href: "/calendar/units/" + u.ID.String(), Name: u.Name})
		if cl, ok := cal.Closed(u, today); ok {
			if closed == "" {
				closed = (&attendance.ClosedError{Unit: u, Closure: cl}).Explain(attendance.Lang(c.Lang.Code))
			}
		} else {
			open = true
		}
	}
	if open {
		closed = ""
	}
	return closed, links, nil
}
