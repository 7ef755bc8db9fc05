package attendanceweb

import (
	"context"
	"embed"
	"net/http"
	"strconv"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Attendance's routes (API and pages), menu entries and handlers; the
// services come from the shell (web/services.go), the pages are in
// attendance_pages.go.

// attendanceRoutes are the attendance routes of the route table, the
// unit's roster (GET /api/v1/units/{unitId}/roster) among them.
func (a *app) attendanceRoutes() []web.Route {
	dayQuery := map[string]string{"day": "the day (YYYY-MM-DD); today when left out"}
	return []web.Route{
		{Method: "GET", Path: "/api/v1/units/{unitId}/roster", Kind: web.KindAPI, Policy: web.PolicyUnit, Summary: "The unit's attendance roster of the day (?day=, ?group=), by group: expected, late, present, absent with the reason, or left", Query: map[string]string{"day": "the day (YYYY-MM-DD); today when left out", "group": "only this group"}, Response: AttendanceRosterView{}, Handle: a.apiAttendanceRoster, Tag: "directory"},
		{Method: "POST", Path: "/api/v1/children/{childId}/check-in", Kind: web.KindAPI, Policy: web.PolicyChildCare, Summary: "Check the child in at its unit (staff of the unit); the event key (or the Idempotency-Key) records a repeated event once", Body: checkRequest{}, Response: CheckView{}, Status: http.StatusCreated, Handle: a.apiCheck(attendance.CheckIn)},
		{Method: "POST", Path: "/api/v1/children/{childId}/check-out", Kind: web.KindAPI, Policy: web.PolicyChildCare, Summary: "Check the child out with who collects it (staff of the unit); a collector who is not on the pickup list is recorded with a warning", Body: checkRequest{}, Response: CheckView{}, Status: http.StatusCreated, Handle: a.apiCheck(attendance.CheckOut)},
		{Method: "GET", Path: "/api/v1/units/{unitId}/occupancy", Kind: web.KindAPI, Policy: web.PolicyUnit, Summary: "Children present against the staffing norm through the day, with the worst moment explained", Response: occupancyView{}, Query: dayQuery, Handle: a.apiOccupancy},
		{Method: "POST", Path: "/api/v1/children/{childId}/absences/sick", Kind: web.KindAPI, Policy: web.PolicyChildCare, Summary: "Report the child sick today (a guardian with parental responsibility or staff); reporting twice is one report", Body: sickRequest{}, Response: absenceView{}, Status: http.StatusCreated, Handle: a.apiSickToday},
		{Method: "POST", Path: "/api/v1/children/{childId}/absences", Kind: web.KindAPI, Policy: web.PolicyChildCare, Summary: "Plan an absence or holiday for a range of days", Body: absenceRequest{}, Response: absenceView{}, Status: http.StatusCreated, Handle: a.apiPlanAbsence},
		{Method: "GET", Path: "/api/v1/children/{childId}/absences", Kind: web.KindAPI, Policy: web.PolicyChildCare, Summary: "The child's absences sharing a day with the range (from today on by default)", Response: absenceView{}, List: true, Query: map[string]string{"from": "first day (YYYY-MM-DD)", "to": "last day (YYYY-MM-DD)"}, Handle: a.apiAbsences},
		{Method: "DELETE", Path: "/api/v1/children/{childId}/absences/{absenceId}", Kind: web.KindAPI, Policy: web.PolicyChildCare, Summary: "Withdraw a reported absence", Status: http.StatusNoContent, Handle: a.apiWithdrawAbsence},
		{Method: "GET", Path: "/api/v1/children/{childId}/pickups", Kind: web.KindAPI, Policy: web.PolicyChildRead, Summary: "The child's pickup list: who may collect it", Response: pickupView{}, List: true, Handle: a.apiPickups},
		{Method: "POST", Path: "/api/v1/children/{childId}/pickups", Kind: web.KindAPI, Policy: web.PolicyChildCare, Summary: "Add a person to the pickup list, or change one (guardian with parental responsibility)", Body: pickupRequest{}, Response: pickupView{}, Status: http.StatusCreated, Handle: a.apiPutPickup},
		{Method: "DELETE", Path: "/api/v1/children/{childId}/pickups/{pickupId}", Kind: web.KindAPI, Policy: web.PolicyChildCare, Summary: "Remove a person from the pickup list", Status: http.StatusNoContent, Handle: a.apiRemovePickup},
		{Method: "POST", Path: "/api/v1/children/{childId}/school-absences", Kind: web.KindAPI, Policy: web.PolicyChildCare, Summary: "Record a pupil's absence from school for a day or some lesson hours (staff of the school)", Body: schoolAbsenceRequest{}, Response: schoolAbsenceView{}, Status: http.StatusCreated, Handle: a.apiSchoolAbsence},

		{Method: "GET", Path: "/staff/attendance", Kind: web.KindPage, Policy: web.PolicyStaff, Query: map[string]string{"unit": "the unit", "group": "the group"}, Handle: a.staffAttendancePage},
		{Method: "POST", Path: "/staff/attendance/{childId}/check-in", Kind: web.KindPage, Policy: web.PolicyChildCare, Handle: a.formCheck(attendance.CheckIn)},
		{Method: "POST", Path: "/staff/attendance/{childId}/check-out", Kind: web.KindPage, Policy: web.PolicyChildCare, Handle: a.formCheck(attendance.CheckOut)},
		{Method: "GET", Path: "/static/board.css", Kind: web.KindPage, Policy: web.PolicyPublic, Handle: boardFile("board.css", "text/css; charset=utf-8")},
		{Method: "GET", Path: "/static/board.js", Kind: web.KindPage, Policy: web.PolicyPublic, Handle: boardFile("board.js", "text/javascript; charset=utf-8")},
		{Method: "GET", Path: "/guardian/attendance", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.guardianAttendancePage},
		{Method: "POST", Path: "/guardian/attendance/{childId}/sick", Kind: web.KindPage, Policy: web.PolicyChildCare, Handle: a.formSick},
		{Method: "POST", Path: "/guardian/attendance/{childId}/absences", Kind: web.KindPage, Policy: web.PolicyChildCare, Handle: a.formAbsence},
		{Method: "POST", Path: "/guardian/attendance/{childId}/absences/{absenceId}/withdraw", Kind: web.KindPage, Policy: web.PolicyChildCare, Handle: a.formWithdrawAbsence},
		{Method: "POST", Path: "/guardian/attendance/{childId}/pickups", Kind: web.KindPage, Policy: web.PolicyChildCare, Handle: a.formPickup},
		{Method: "POST", Path: "/guardian/attendance/{childId}/pickups/{pickupId}/remove", Kind: web.KindPage, Policy: web.PolicyChildCare, Handle: a.formRemovePickup},
		{Method: "GET", Path: "/api/v1/children/{childId}/school-absences", Kind: web.KindAPI, Policy: web.PolicyChildRead, Summary: "The pupil's school absences in a school year (this one by default), by day (staff of the school, a guardian with parental responsibility)", Response: schoolAbsenceView{}, List: true, Query: map[string]string{"year": "the school year's first calendar year (2025 for 2025/26)"}, Handle: a.apiSchoolAbsences},
		{Method: "GET", Path: "/api/v1/children/{childId}/school-absences/summary", Kind: web.KindAPI, Policy: web.PolicyChildRead, Summary: "The pupil's absence in a school year as it goes on the leaving certificate (grades 8 to 10): days and hours, and the days left out", Response: attendance.Summary{}, Query: map[string]string{"year": "the school year's first calendar year (2025 for 2025/26)"}, Handle: a.apiSchoolSummary},
		{Method: "GET", Path: "/staff/school-absence", Kind: web.KindPage, Policy: web.PolicyStaff, Query: map[string]string{"child": "the pupil"}, Handle: a.schoolAbsencePage},
		{Method: "POST", Path: "/staff/school-absence/{childId}", Kind: web.KindPage, Policy: web.PolicyChildCare, Handle: a.formSchoolAbsence},
	}
}

// attendanceTemplates are attendance's pages.
//
//go:embed templates/attendance_*.html
var attendanceTemplates embed.FS

// attendanceMessages are attendance's strings.
//
//go:embed messages/attendance.*.json
var attendanceMessages embed.FS

// boardStatic are the board's own stylesheet and its script (taps kept on
// the device while the connection is down, sent when it returns; the
// dialog before a check-out with someone not on the pickup list). The
// board works without them.
//
//go:embed static/board.css static/board.js
var boardStatic embed.FS

// boardFile serves one of boardStatic.
func boardFile(name, contentType string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *web.Call) error {
		b, err := boardStatic.ReadFile("static/" + name)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(b)
		return nil
	}
}

// attendanceCapability is attendance's part of the app.
func (a *app) attendanceCapability() web.Capability {
	return web.Capability{Tag: "attendance", About: "Check-in and check-out, absences, pickup lists, occupancy and school absence",
		Routes: append(a.attendanceRoutes(), a.settingsRoutes()...), Menus: attendanceMenus, Pages: attendanceTemplates, Messages: attendanceMessages}
}

// attendanceMenus are the attendance menu entries.
var attendanceMenus = []web.MenuItem{
	{Roles: []domain.Role{domain.RoleStaff}, Path: "/staff/attendance", Key: "attendance.menu.board"},
	{Roles: []domain.Role{domain.RoleGuardian}, Path: "/guardian/attendance", Key: "attendance.menu.guardian"},
	{Roles: []domain.Role{domain.RoleAdmin, domain.RoleCaseworker}, Path: "/admin/attendance-settings", Key: "attendance.menu.settings"},
	{Roles: []domain.Role{domain.RoleStaff}, Path: "/staff/school-absence", Key: "attendance.menu.school"},
}

// API bodies.

// checkRequest is a check event. The key is the device's idempotency key
// for the event (the Idempotency-Key header when left out); the unit is
// the child's unit that day where the staff member works when left out;
// at is now when left out (and a retry without it returns the first
// record of the key).
type checkRequest struct {
	Key       string           `json:"key,omitempty"`
	UnitID    domain.UnitID    `json:"unitId,omitzero"`
	At        time.Time        `json:"at,omitzero"`
	Collector collectorRequest `json:"collector,omitzero"`
}

// collectorRequest is who collects the child: a person on the pickup
// list, a guardian, or someone named only.
type collectorRequest struct {
	Name       string              `json:"name,omitempty"`
	PickupID   attendance.PickupID `json:"pickupId,omitzero"`
	GuardianID domain.GuardianID   `json:"guardianId,omitzero"`
}

// CheckView is a recorded check event.
type CheckView struct {
	ID        attendance.CheckID   `json:"id"`
	Key       string               `json:"key"`
	ChildID   domain.ChildID       `json:"childId"`
	UnitID    domain.UnitID        `json:"unitId"`
	Kind      attendance.CheckKind `json:"kind"`
	At        time.Time            `json:"at"`
	Day       date.Date            `json:"day"`
	By        string               `json:"by"`
	Collector collectorRequest     `json:"collector,omitzero"`
	// Warning is "collector.unlisted" when the collector is neither on the
	// pickup list nor a guardian with parental responsibility.
	Warning string `json:"warning,omitempty"`
}

func viewCheck(c attendance.Check) CheckView {
	return CheckView{ID: c.ID, Key: c.Key, ChildID: c.ChildID, UnitID: c.UnitID, Kind: c.Kind, At: c.At, Day: c.Day, By: c.By,
		Collector: collectorRequest{Name: c.Collector.Name, PickupID: c.Collector.Pickup, GuardianID: c.Collector.Guardian}, Warning: c.Warning}
}

// AttendanceRosterView is a unit's day: every child placed, by group, with
// expected, late, present, absent (with the reason) or left.
type AttendanceRosterView struct {
	Unit web.UnitSummary `json:"unit"`
	Date date.Date       `json:"date"`
	// At is the moment the statuses are for.
	At     time.Time                 `json:"at"`
	Groups []attendanceRosterGroup   `json:"groups"`
	Count  map[attendance.Status]int `json:"count"`
	// Closed says why the unit is closed that day (the opening calendar);
	// absent on an open day. Nobody is expected on a closed day.
	Closed *closedView `json:"closed,omitempty"`
}

// closedView is why a unit is closed on a day, in the request's language.
type closedView struct {
	Code        domain.ClosureCode `json:"code"`
	Name        string             `json:"name"`
	Explanation string             `json:"explanation"`
}

func viewClosed(l web.Locale, c *domain.Closure) *closedView {
	if c == nil {
		return nil
	}
	return &closedView{Code: c.Code, Name: c.Name(l.Code), Explanation: c.Explain(l.Code)}
}

type attendanceRosterGroup struct {
	ID       domain.GroupID          `json:"id,omitzero"`
	Name     string                  `json:"name"`
	Children []attendanceRosterChild `json:"children"`
}

type attendanceRosterChild struct {
	ID               domain.ChildID    `json:"id"`
	GivenName        string            `json:"givenName"`
	FamilyName       string            `json:"familyName"`
	ProtectedAddress bool              `json:"protectedAddress"`
	Status           attendance.Status `json:"status"`
	Reason           attendance.Reason `json:"reason,omitempty"`
	Note             string            `json:"note,omitempty"`
	In               time.Time         `json:"in,omitzero"`
	Out              time.Time         `json:"out,omitzero"`
	CollectedBy      string            `json:"collectedBy,omitempty"`
	Warning          string            `json:"warning,omitempty"`
}

// occupancyView is a unit's occupancy through a day against the staffing
// norm.
type occupancyView struct {
	UnitID  domain.UnitID    `json:"unitId"`
	Day     date.Date        `json:"day"`
	Moments []occupancyPoint `json:"moments"`
	// Worst is the moment furthest from the norm (absent when nobody was
	// checked in and nobody was on duty).
	Worst *occupancyPoint `json:"worst,omitempty"`
	// Closed says why the unit is closed that day; absent on an open day.
	Closed *closedView `json:"closed,omitempty"`
}

type occupancyPoint struct {
	At          time.Time `json:"at"`
	Small       int       `json:"small"`
	Large       int       `json:"large"`
	Needed      int       `json:"needed"`
	OnDuty      int       `json:"onDuty"`
	Meets       bool      `json:"meets"`
	NoRoster    bool      `json:"noRoster,omitempty"` // nobody on the duty roster that day: not judged
	Explanation string    `json:"explanation"`
}

// sickRequest is the body of "sick today": the empty object {}.
type sickRequest struct{}

// absenceRequest plans an absence from start to end (both included).
type absenceRequest struct {
	Start  date.Date         `json:"start"`
	End    date.Date         `json:"end"`
	Reason attendance.Reason `json:"reason"`
	Note   string            `json:"note,omitempty"`
}

type absenceView struct {
	ID         attendance.AbsenceID `json:"id"`
	ChildID    domain.ChildID       `json:"childId"`
	Start      date.Date            `json:"start"`
	End        date.Date            `json:"end"`
	Reason     attendance.Reason    `json:"reason"`
	Note       string               `json:"note,omitempty"`
	ReportedAt time.Time            `json:"reportedAt"`
}

func viewAbsence(ab attendance.Absence) absenceView {
	return absenceView{ID: ab.ID, ChildID: ab.ChildID, Start: ab.Period.Start, End: ab.Period.End, Reason: ab.Reason, Note: ab.Note, ReportedAt: ab.ReportedAt}
}

// pickupRequest adds a person to the pickup list (or changes the one with
// the ID).
type pickupRequest struct {
	ID         attendance.PickupID `json:"id,omitzero"`
	Name       string              `json:"name"`
	Relation   string              `json:"relation"`
	Phone      string              `json:"phone,omitempty"`
	ValidUntil date.Date           `json:"validUntil,omitzero"`
}

type pickupView struct {
	ID         attendance.PickupID `json:"id"`
	ChildID    domain.ChildID      `json:"childId"`
	Name       string              `json:"name"`
	Relation   string              `json:"relation"`
	Phone      string              `json:"phone,omitempty"`
	ValidUntil date.Date           `json:"validUntil,omitzero"`
}

func viewPickup(p attendance.Pickup) pickupView {
	return pickupView{ID: p.ID, ChildID: p.ChildID, Name: p.Name, Relation: p.Relation, Phone: p.Phone, ValidUntil: p.ValidUntil}
}

// schoolAbsenceRequest records a school absence; the unit is the pupil's
// school where the staff member works when left out.
type schoolAbsenceRequest struct {
	UnitID domain.UnitID         `json:"unitId,omitzero"`
	Day    date.Date             `json:"day"`
	Hours  int                   `json:"hours"`
	Kind   attendance.SchoolKind `json:"kind"`
	Reason string                `json:"reason,omitempty"`
}

type schoolAbsenceView struct {
	ID      attendance.SchoolAbsenceID `json:"id"`
	ChildID domain.ChildID             `json:"childId"`
	UnitID  domain.UnitID              `json:"unitId"`
	Day     date.Date                  `json:"day"`
	Hours   int                        `json:"hours"`
	Kind    attendance.SchoolKind      `json:"kind"`
	Reason  string                     `json:"reason,omitempty"`
}

// Shared steps.

// unitFor picks the unit of a check event when none is given: the child's
// unit on the day where the actor works, a kindergarten or SFO before a
// school.
func unitFor(actor domain.Actor, rec domain.ChildRecord, day date.Date, kinds ...domain.UnitKind) domain.UnitID {
	var found domain.UnitID
	for _, p := range rec.Placements {
		if !p.Period.Contains(day) || !actor.WorksAt(p.UnitID) {
			continue
		}
		for _, k := range kinds {
			if p.Kind == k {
				return p.UnitID
			}
		}
		if found.IsZero() {
			found = p.UnitID
		}
	}
	return found
}

// check records a check event and its audit entry in one transaction.
func (a *app) check(ctx context.Context, c *web.Call, kind attendance.CheckKind, e attendance.Event) (attendance.Check, error) {
	e.Child = c.ChildID
	if e.Unit.IsZero() {
		// Without a time the event is now (the service says so, and matches
		// a retry of it whatever its time): the unit is today's.
		when := e.At
		if when.IsZero() {
			when = a.Clock.Now()
		}
		e.Unit = unitFor(c.Actor, c.Record, date.NewAt(when.In(domain.Oslo())), domain.Kindergarten, domain.SFO)
	}
	svc := a.Attendance()
	var out attendance.Check
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if kind == attendance.CheckIn {
			out, err = svc.CheckIn(ctx, c.Actor, e)
		} else {
			out, err = svc.CheckOut(ctx, c.Actor, e)
		}
		if err != nil {
			return err
		}
		// Nothing reads the entry back: it may go with the COMMIT.
		return a.AuditChange(domain.AtCommit(ctx), c.Actor, "attendance.check-"+string(kind), "check/"+out.ID.String(), c.ChildID)
	})
	return out, err
}

// API handlers.

func (a *app) apiCheck(kind attendance.CheckKind) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *web.Call) error {
		var req checkRequest
		if err := api.DecodeJSON(w, r, &req); err != nil {
			return err
		}
		if req.Key == "" {
			req.Key = r.Header.Get(web.IdempotencyHeader)
		}
		col := req.Collector
		chk, err := a.check(r.Context(), c, kind, attendance.Event{Key: req.Key, Unit: req.UnitID, At: req.At,
			Collector: attendance.Collector{Name: col.Name, Pickup: col.PickupID, Guardian: col.GuardianID}})
		if err != nil {
			return err
		}
		api.WriteJSON(w, http.StatusCreated, viewCheck(chk))
		return nil
	}
}

// queryDay reads ?name= as a date; today when absent.
func (a *app) queryDay(r *http.Request, name string, fallback date.Date) (date.Date, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return fallback, nil
	}
	return domain.ParseDate(name, s)
}

// attendanceRoster builds the unit's roster of the day for the actor,
// with the group names and the children's names. A unit of another
// municipality is not found.
func (a *app) attendanceRoster(ctx context.Context, l web.Locale, actor domain.Actor, unit domain.UnitID, group domain.GroupID, day date.Date) (AttendanceRosterView, error) {
	m := actor.Municipality
	u, err := a.Store.Unit(ctx, m, unit)
	if err != nil {
		return AttendanceRosterView{}, err
	}
	ro, err := a.Attendance().Roster(ctx, actor, unit, group, day)
	if err != nil {
		return AttendanceRosterView{}, err
	}
	groups, err := a.Store.Groups(ctx, m, unit)
	if err != nil {
		return AttendanceRosterView{}, err
	}
	v := AttendanceRosterView{Unit: web.UnitSummary{ID: u.ID, Name: u.Name, Kind: u.Kind, Owner: u.Owner, Parent: u.Parent},
		Date: ro.Day, At: ro.At, Groups: []attendanceRosterGroup{}, Count: ro.Count}
	v.Closed = viewClosed(l, ro.Closed)
	// The children in one read, not one per entry.
	ids := make([]domain.ChildID, len(ro.Entries))
	for i, e := range ro.Entries {
		ids[i] = e.Child
	}
	children, err := a.Store.ChildrenByID(ctx, m, ids)
	if err != nil {
		return AttendanceRosterView{}, err
	}
	byID := make(map[domain.ChildID]domain.Child, len(children))
	for _, ch := range children {
		byID[ch.ID] = ch
	}
	byGroup := map[domain.GroupID][]attendanceRosterChild{}
	for _, e := range ro.Entries {
		ch, ok := byID[e.Child]
		if !ok {
			return AttendanceRosterView{}, domain.ErrNotFound
		}
		byGroup[e.Group] = append(byGroup[e.Group], attendanceRosterChild{
			ID: e.Child, GivenName: ch.GivenName, FamilyName: ch.FamilyName, ProtectedAddress: ch.AddressProtection.Protected(),
			Status: e.Status, Reason: e.Reason, Note: e.Note, In: e.In, Out: e.Out, CollectedBy: e.CollectedBy, Warning: e.Warning,
		})
	}
	for _, g := range groups {
		if !group.IsZero() && g.ID != group {
			continue
		}
		cs := byGroup[g.ID]
		if cs == nil {
			cs = []attendanceRosterChild{}
		}
		v.Groups = append(v.Groups, attendanceRosterGroup{ID: g.ID, Name: g.Name, Children: cs})
	}
	if cs := byGroup[domain.GroupID{}]; len(cs) > 0 {
		v.Groups = append(v.Groups, attendanceRosterGroup{Children: cs})
	}
	return v, nil
}

func (v AttendanceRosterView) children() []domain.ChildID {
	var ids []domain.ChildID
	for _, g := range v.Groups {
		for _, c := range g.Children {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// apiAttendanceRoster answers GET /api/v1/units/{unitId}/roster: the
// attendance roster of the day (?day=, ?group=).
func (a *app) apiAttendanceRoster(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	day, err := a.queryDay(r, "day", domain.Today(a.Clock))
	if err != nil {
		return err
	}
	var group domain.GroupID
	if s := r.URL.Query().Get("group"); s != "" {
		if group, err = domain.ParseID[domain.Group](s); err != nil {
			return api.Unprocessable("invalid-query", "group is not a UUID", domain.FieldError{Field: "group", Reason: "is-not-a-uuid"})
		}
	}
	v, err := a.attendanceRoster(r.Context(), c.Lang, c.Actor, c.UnitID, group, day)
	if err != nil {
		return err
	}
	if ids := v.children(); len(ids) > 0 {
		if err := a.Audit(r.Context(), c.Actor, "roster.read", "unit/"+c.UnitID.String(), ids...); err != nil {
			return err
		}
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) occupancy(ctx context.Context, c *web.Call, unit domain.UnitID, day date.Date) (occupancyView, error) {
	if _, err := a.Store.Unit(ctx, c.Actor.Municipality, unit); err != nil {
		return occupancyView{}, err
	}
	o, err := a.Attendance().Occupancy(ctx, c.Actor, unit, day)
	if err != nil {
		return occupancyView{}, err
	}
	lang := attendance.Lang(c.Lang.Code)
	point := func(x attendance.Occupancy) occupancyPoint {
		return occupancyPoint{At: x.At, Small: x.Small, Large: x.Large, Needed: x.Needed, OnDuty: x.OnDuty, Meets: x.Meets, NoRoster: x.NoRoster, Explanation: x.Explain(lang)}
	}
	v := occupancyView{UnitID: unit, Day: day, Moments: []occupancyPoint{}, Closed: viewClosed(c.Lang, o.Closed)}
	for _, x := range o.Moments {
		v.Moments = append(v.Moments, point(x))
	}
	if len(o.Moments) > 0 {
		w := point(o.Worst)
		v.Worst = &w
	}
	return v, nil
}

func (a *app) apiOccupancy(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	day, err := a.queryDay(r, "day", domain.Today(a.Clock))
	if err != nil {
		return err
	}
	v, err := a.occupancy(r.Context(), c, c.UnitID, day)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// reportAbsence reports (sick today when sick) and audits in one
// transaction.
func (a *app) reportAbsence(ctx context.Context, c *web.Call, ab attendance.Absence, sick bool) (attendance.Absence, error) {
	svc := a.Attendance()
	var out attendance.Absence
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if sick {
			out, err = svc.ReportSick(ctx, c.Actor, c.ChildID)
		} else {
			ab.ChildID = c.ChildID
			out, err = svc.ReportAbsence(ctx, c.Actor, ab)
		}
		if err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "attendance.absence", "absence/"+out.ID.String(), c.ChildID)
	})
	return out, err
}

func (a *app) apiSickToday(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req sickRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ab, err := a.reportAbsence(r.Context(), c, attendance.Absence{}, true)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, viewAbsence(ab))
	return nil
}

func (a *app) apiPlanAbsence(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req absenceRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ab, err := a.reportAbsence(r.Context(), c, attendance.Absence{Period: domain.Period{Start: req.Start, End: req.End}, Reason: req.Reason, Note: req.Note}, false)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, viewAbsence(ab))
	return nil
}

func (a *app) apiAbsences(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	today := domain.Today(a.Clock)
	from, err := a.queryDay(r, "from", today)
	if err != nil {
		return err
	}
	to, err := a.queryDay(r, "to", 0)
	if err != nil {
		return err
	}
	list, err := a.Attendance().Absences(r.Context(), c.Actor, c.ChildID, domain.Period{Start: from, End: to})
	if err != nil {
		return err
	}
	pg, err := api.Paginate(list, func(x attendance.Absence) string { return x.ID.String() }, pr)
	if err != nil {
		return err
	}
	out := api.Page[absenceView]{Items: make([]absenceView, 0, len(pg.Items)), NextCursor: pg.NextCursor}
	for _, x := range pg.Items {
		out.Items = append(out.Items, viewAbsence(x))
	}
	if err := a.Audit(r.Context(), c.Actor, "attendance.absences.read", "", c.ChildID); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *app) withdrawAbsence(ctx context.Context, c *web.Call, id attendance.AbsenceID) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Attendance().WithdrawAbsence(ctx, c.Actor, c.ChildID, id); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "attendance.absence.withdraw", "absence/"+id.String(), c.ChildID)
	})
}

func (a *app) apiWithdrawAbsence(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[attendance.Absence](r, "absenceId")
	if err != nil {
		return err
	}
	if err := a.withdrawAbsence(r.Context(), c, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *app) apiPickups(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	list, err := a.Attendance().PickupList(r.Context(), c.Actor, c.ChildID)
	if err != nil {
		return err
	}
	pg, err := api.Paginate(list, func(x attendance.Pickup) string { return x.ID.String() }, pr)
	if err != nil {
		return err
	}
	out := api.Page[pickupView]{Items: make([]pickupView, 0, len(pg.Items)), NextCursor: pg.NextCursor}
	for _, x := range pg.Items {
		out.Items = append(out.Items, viewPickup(x))
	}
	if err := a.Audit(r.Context(), c.Actor, "attendance.pickups.read", "", c.ChildID); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *app) putPickup(ctx context.Context, c *web.Call, p attendance.Pickup) (attendance.Pickup, error) {
	p.ChildID = c.ChildID
	var out attendance.Pickup
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if out, err = a.Attendance().SetPickup(ctx, c.Actor, p); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "attendance.pickup.put", "pickup/"+out.ID.String(), c.ChildID)
	})
	return out, err
}

func (a *app) apiPutPickup(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req pickupRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	p, err := a.putPickup(r.Context(), c, attendance.Pickup{ID: req.ID, Name: req.Name, Relation: req.Relation, Phone: req.Phone, ValidUntil: req.ValidUntil})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, viewPickup(p))
	return nil
}

func (a *app) removePickup(ctx context.Context, c *web.Call, id attendance.PickupID) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Attendance().RemovePickup(ctx, c.Actor, c.ChildID, id); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "attendance.pickup.remove", "pickup/"+id.String(), c.ChildID)
	})
}

func (a *app) apiRemovePickup(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[attendance.Pickup](r, "pickupId")
	if err != nil {
		return err
	}
	if err := a.removePickup(r.Context(), c, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *app) apiSchoolAbsence(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req schoolAbsenceRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.UnitID.IsZero() {
		req.UnitID = unitFor(c.Actor, c.Record, req.Day, domain.School)
	}
	var out attendance.SchoolAbsence
	ctx := r.Context()
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		out, err = a.Attendance().RecordSchoolAbsence(ctx, c.Actor, attendance.SchoolAbsence{
			ChildID: c.ChildID, UnitID: req.UnitID, Day: req.Day, Hours: req.Hours, Kind: req.Kind, Reason: req.Reason})
		if err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "attendance.school-absence", "school-absence/"+out.ID.String(), c.ChildID)
	})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, schoolAbsenceView{ID: out.ID, ChildID: out.ChildID, UnitID: out.UnitID, Day: out.Day, Hours: out.Hours, Kind: out.Kind, Reason: out.Reason})
	return nil
}

// schoolYearParam reads ?year= (the school year's first calendar year);
// this school year when left out.
func (a *app) schoolYearParam(r *http.Request) (domain.SchoolYear, error) {
	s := r.URL.Query().Get("year")
	if s == "" {
		return domain.SchoolYearOf(domain.Today(a.Clock)), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 1900 || y > 2999 {
		return 0, domain.Invalid("year", "must-be-a-year-from-1900-to-2999")
	}
	return domain.SchoolYear(y), nil
}

func (a *app) apiSchoolAbsences(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	year, err := a.schoolYearParam(r)
	if err != nil {
		return err
	}
	list, err := a.Attendance().SchoolAbsences(r.Context(), c.Actor, c.ChildID, year.Period())
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "attendance.school-absence.read", "", c.ChildID); err != nil {
		return err
	}
	pg, err := api.Paginate(list, func(x attendance.SchoolAbsence) string { return x.ID.String() }, pr)
	if err != nil {
		return err
	}
	out := api.Page[schoolAbsenceView]{Items: make([]schoolAbsenceView, 0, len(pg.Items)), NextCursor: pg.NextCursor}
	for _, ab := range pg.Items {
		out.Items = append(out.Items, schoolAbsenceView{ID: ab.ID, ChildID: ab.ChildID, UnitID: ab.UnitID, Day: ab.Day, Hours: ab.Hours, Kind: ab.Kind, Reason: ab.Reason})
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *app) apiSchoolSummary(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	year, err := a.schoolYearParam(r)
	if err != nil {
		return err
	}
	sm, err := a.Attendance().YearSummary(r.Context(), c.Actor, c.ChildID, year)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "attendance.school-absence.read", "summary", c.ChildID); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, sm)
	return nil
}
