package main

// Attendance in the reference app: its routes (API and pages), menu entries and
// handlers. Services come from services.go. The pages are in
// attendance_pages.go.

import (
	"context"
	"embed"
	"net/http"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// attendanceRoutes are the attendance routes of the route table, the
// unit's roster (GET /api/v1/units/{unitId}/roster) among them.
func (a *app) attendanceRoutes() []route {
	dayQuery := map[string]string{"day": "the day (YYYY-MM-DD); today when left out"}
	return []route{
		{method: "GET", path: "/api/v1/units/{unitId}/roster", kind: kindAPI, policy: policyUnit, summary: "The unit's attendance roster of the day (?day=, ?group=), by group: expected, late, present, absent with the reason, or left", query: map[string]string{"day": "the day (YYYY-MM-DD); today when left out", "group": "only this group"}, response: attendanceRosterView{}, handle: a.apiAttendanceRoster, tag: "directory"},
		{method: "POST", path: "/api/v1/children/{childId}/check-in", kind: kindAPI, policy: policyChildCare, summary: "Check the child in at its unit (staff of the unit); the event key (or the Idempotency-Key) records a repeated event once", body: checkRequest{}, response: checkView{}, status: http.StatusCreated, handle: a.apiCheck(attendance.CheckIn)},
		{method: "POST", path: "/api/v1/children/{childId}/check-out", kind: kindAPI, policy: policyChildCare, summary: "Check the child out with who collects it (staff of the unit); a collector who is not on the pickup list is recorded with a warning", body: checkRequest{}, response: checkView{}, status: http.StatusCreated, handle: a.apiCheck(attendance.CheckOut)},
		{method: "GET", path: "/api/v1/units/{unitId}/occupancy", kind: kindAPI, policy: policyUnit, summary: "Children present against the staffing norm through the day, with the worst moment explained", response: occupancyView{}, query: dayQuery, handle: a.apiOccupancy},
		{method: "POST", path: "/api/v1/children/{childId}/absences/sick", kind: kindAPI, policy: policyChildCare, summary: "Report the child sick today (a guardian with parental responsibility or staff); reporting twice is one report", body: sickRequest{}, response: absenceView{}, status: http.StatusCreated, handle: a.apiSickToday},
		{method: "POST", path: "/api/v1/children/{childId}/absences", kind: kindAPI, policy: policyChildCare, summary: "Plan an absence or holiday for a range of days", body: absenceRequest{}, response: absenceView{}, status: http.StatusCreated, handle: a.apiPlanAbsence},
		{method: "GET", path: "/api/v1/children/{childId}/absences", kind: kindAPI, policy: policyChildCare, summary: "The child's absences sharing a day with the range (from today on by default)", response: absenceView{}, list: true, query: map[string]string{"from": "first day (YYYY-MM-DD)", "to": "last day (YYYY-MM-DD)"}, handle: a.apiAbsences},
		{method: "DELETE", path: "/api/v1/children/{childId}/absences/{absenceId}", kind: kindAPI, policy: policyChildCare, summary: "Withdraw a reported absence", status: http.StatusNoContent, handle: a.apiWithdrawAbsence},
		{method: "GET", path: "/api/v1/children/{childId}/pickups", kind: kindAPI, policy: policyChildRead, summary: "The child's pickup list: who may collect it", response: pickupView{}, list: true, handle: a.apiPickups},
		{method: "POST", path: "/api/v1/children/{childId}/pickups", kind: kindAPI, policy: policyChildCare, summary: "Add a person to the pickup list, or change one (guardian with parental responsibility)", body: pickupRequest{}, response: pickupView{}, status: http.StatusCreated, handle: a.apiPutPickup},
		{method: "DELETE", path: "/api/v1/children/{childId}/pickups/{pickupId}", kind: kindAPI, policy: policyChildCare, summary: "Remove a person from the pickup list", status: http.StatusNoContent, handle: a.apiRemovePickup},
		{method: "POST", path: "/api/v1/children/{childId}/school-absences", kind: kindAPI, policy: policyChildCare, summary: "Record a pupil's absence from school for a day or some lesson hours (staff of the school)", body: schoolAbsenceRequest{}, response: schoolAbsenceView{}, status: http.StatusCreated, handle: a.apiSchoolAbsence},

		{method: "GET", path: "/staff/attendance", kind: kindPage, policy: policyStaff, query: map[string]string{"unit": "the unit", "group": "the group"}, handle: a.staffAttendancePage},
		{method: "POST", path: "/staff/attendance/{childId}/check-in", kind: kindPage, policy: policyChildCare, handle: a.formCheck(attendance.CheckIn)},
		{method: "POST", path: "/staff/attendance/{childId}/check-out", kind: kindPage, policy: policyChildCare, handle: a.formCheck(attendance.CheckOut)},
		{method: "GET", path: "/guardian/attendance", kind: kindPage, policy: policyGuardian, handle: a.guardianAttendancePage},
		{method: "POST", path: "/guardian/attendance/{childId}/sick", kind: kindPage, policy: policyChildCare, handle: a.formSick},
		{method: "POST", path: "/guardian/attendance/{childId}/absences", kind: kindPage, policy: policyChildCare, handle: a.formAbsence},
		{method: "POST", path: "/guardian/attendance/{childId}/absences/{absenceId}/withdraw", kind: kindPage, policy: policyChildCare, handle: a.formWithdrawAbsence},
		{method: "POST", path: "/guardian/attendance/{childId}/pickups", kind: kindPage, policy: policyChildCare, handle: a.formPickup},
		{method: "POST", path: "/guardian/attendance/{childId}/pickups/{pickupId}/remove", kind: kindPage, policy: policyChildCare, handle: a.formRemovePickup},
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

// attendanceCapability is attendance's part of the app.
func (a *app) attendanceCapability() capability {
	return capability{tag: "attendance", about: "Check-in and check-out, absences, pickup lists, occupancy and school absence",
		routes: a.attendanceRoutes(), menus: attendanceMenus, pages: attendanceTemplates, messages: attendanceMessages}
}

// attendanceMenus are the attendance menu entries.
var attendanceMenus = []menuItem{
	{roles: []domain.Role{domain.RoleStaff}, path: "/staff/attendance", key: "attendance.menu.board"},
	{roles: []domain.Role{domain.RoleGuardian}, path: "/guardian/attendance", key: "attendance.menu.guardian"},
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

// checkView is a recorded check event.
type checkView struct {
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

func viewCheck(c attendance.Check) checkView {
	return checkView{ID: c.ID, Key: c.Key, ChildID: c.ChildID, UnitID: c.UnitID, Kind: c.Kind, At: c.At, Day: c.Day, By: c.By,
		Collector: collectorRequest{Name: c.Collector.Name, PickupID: c.Collector.Pickup, GuardianID: c.Collector.Guardian}, Warning: c.Warning}
}

// attendanceRosterView is a unit's day: every child placed, by group, with
// expected, late, present, absent (with the reason) or left.
type attendanceRosterView struct {
	Unit unitSummary `json:"unit"`
	Date date.Date   `json:"date"`
	// At is the moment the statuses are for.
	At     time.Time                 `json:"at"`
	Groups []attendanceRosterGroup   `json:"groups"`
	Count  map[attendance.Status]int `json:"count"`
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
}

type occupancyPoint struct {
	At          time.Time `json:"at"`
	Small       int       `json:"small"`
	Large       int       `json:"large"`
	Needed      int       `json:"needed"`
	OnDuty      int       `json:"onDuty"`
	Meets       bool      `json:"meets"`
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
func (a *app) check(ctx context.Context, c *call, kind attendance.CheckKind, e attendance.Event) (attendance.Check, error) {
	e.Child = c.childID
	if e.Unit.IsZero() {
		// Without a time the event is now (the service says so, and matches
		// a retry of it whatever its time): the unit is today's.
		when := e.At
		if when.IsZero() {
			when = a.clock.Now()
		}
		e.Unit = unitFor(c.actor, c.record, date.NewAt(when.In(domain.Oslo())), domain.Kindergarten, domain.SFO)
	}
	svc := a.attendance()
	var out attendance.Check
	err := a.store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if kind == attendance.CheckIn {
			out, err = svc.CheckIn(ctx, c.actor, e)
		} else {
			out, err = svc.CheckOut(ctx, c.actor, e)
		}
		if err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, "attendance.check-"+string(kind), "check/"+out.ID.String(), c.childID)
	})
	return out, err
}

// API handlers.

func (a *app) apiCheck(kind attendance.CheckKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		var req checkRequest
		if err := decodeJSON(w, r, &req); err != nil {
			return err
		}
		if req.Key == "" {
			req.Key = r.Header.Get(idempotencyHeader)
		}
		col := req.Collector
		chk, err := a.check(r.Context(), c, kind, attendance.Event{Key: req.Key, Unit: req.UnitID, At: req.At,
			Collector: attendance.Collector{Name: col.Name, Pickup: col.PickupID, Guardian: col.GuardianID}})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, viewCheck(chk))
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
func (a *app) attendanceRoster(ctx context.Context, actor domain.Actor, unit domain.UnitID, group domain.GroupID, day date.Date) (attendanceRosterView, error) {
	m := actor.Municipality
	u, err := a.store.Unit(ctx, m, unit)
	if err != nil {
		return attendanceRosterView{}, err
	}
	ro, err := a.attendance().Roster(ctx, actor, unit, group, day)
	if err != nil {
		return attendanceRosterView{}, err
	}
	groups, err := a.store.Groups(ctx, m, unit)
	if err != nil {
		return attendanceRosterView{}, err
	}
	v := attendanceRosterView{Unit: unitSummary{ID: u.ID, Name: u.Name, Kind: u.Kind, Owner: u.Owner, Parent: u.Parent},
		Date: ro.Day, At: ro.At, Groups: []attendanceRosterGroup{}, Count: ro.Count}
	byGroup := map[domain.GroupID][]attendanceRosterChild{}
	for _, e := range ro.Entries {
		ch, err := a.store.Child(ctx, m, e.Child)
		if err != nil {
			return attendanceRosterView{}, err
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

func (v attendanceRosterView) children() []domain.ChildID {
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
func (a *app) apiAttendanceRoster(w http.ResponseWriter, r *http.Request, c *call) error {
	day, err := a.queryDay(r, "day", domain.Today(a.clock))
	if err != nil {
		return err
	}
	var group domain.GroupID
	if s := r.URL.Query().Get("group"); s != "" {
		if group, err = domain.ParseID[domain.Group](s); err != nil {
			return unprocessable("invalid-query", "group is not a UUID", domain.FieldError{Field: "group", Reason: "is not a UUID"})
		}
	}
	v, err := a.attendanceRoster(r.Context(), c.actor, c.unitID, group, day)
	if err != nil {
		return err
	}
	if ids := v.children(); len(ids) > 0 {
		if err := a.audit(r.Context(), c.actor, "roster.read", "unit/"+c.unitID.String(), ids...); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) occupancy(ctx context.Context, c *call, unit domain.UnitID, day date.Date) (occupancyView, error) {
	if _, err := a.store.Unit(ctx, c.actor.Municipality, unit); err != nil {
		return occupancyView{}, err
	}
	o, err := a.attendance().Occupancy(ctx, c.actor, unit, day)
	if err != nil {
		return occupancyView{}, err
	}
	lang := attendance.Lang(c.lang.Code)
	point := func(x attendance.Occupancy) occupancyPoint {
		return occupancyPoint{At: x.At, Small: x.Small, Large: x.Large, Needed: x.Needed, OnDuty: x.OnDuty, Meets: x.Meets, Explanation: x.Explain(lang)}
	}
	v := occupancyView{UnitID: unit, Day: day, Moments: []occupancyPoint{}}
	for _, x := range o.Moments {
		v.Moments = append(v.Moments, point(x))
	}
	if len(o.Moments) > 0 {
		w := point(o.Worst)
		v.Worst = &w
	}
	return v, nil
}

func (a *app) apiOccupancy(w http.ResponseWriter, r *http.Request, c *call) error {
	day, err := a.queryDay(r, "day", domain.Today(a.clock))
	if err != nil {
		return err
	}
	v, err := a.occupancy(r.Context(), c, c.unitID, day)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// reportAbsence reports (sick today when sick) and audits in one
// transaction.
func (a *app) reportAbsence(ctx context.Context, c *call, ab attendance.Absence, sick bool) (attendance.Absence, error) {
	svc := a.attendance()
	var out attendance.Absence
	err := a.store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if sick {
			out, err = svc.ReportSick(ctx, c.actor, c.childID)
		} else {
			ab.ChildID = c.childID
			out, err = svc.ReportAbsence(ctx, c.actor, ab)
		}
		if err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, "attendance.absence", "absence/"+out.ID.String(), c.childID)
	})
	return out, err
}

func (a *app) apiSickToday(w http.ResponseWriter, r *http.Request, c *call) error {
	var req sickRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ab, err := a.reportAbsence(r.Context(), c, attendance.Absence{}, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewAbsence(ab))
	return nil
}

func (a *app) apiPlanAbsence(w http.ResponseWriter, r *http.Request, c *call) error {
	var req absenceRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ab, err := a.reportAbsence(r.Context(), c, attendance.Absence{Period: domain.Period{Start: req.Start, End: req.End}, Reason: req.Reason, Note: req.Note}, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewAbsence(ab))
	return nil
}

func (a *app) apiAbsences(w http.ResponseWriter, r *http.Request, c *call) error {
	pr, err := readPage(r)
	if err != nil {
		return err
	}
	today := domain.Today(a.clock)
	from, err := a.queryDay(r, "from", today)
	if err != nil {
		return err
	}
	to, err := a.queryDay(r, "to", 0)
	if err != nil {
		return err
	}
	list, err := a.attendance().Absences(r.Context(), c.actor, c.childID, domain.Period{Start: from, End: to})
	if err != nil {
		return err
	}
	pg, err := paginate(list, func(x attendance.Absence) string { return x.ID.String() }, pr)
	if err != nil {
		return err
	}
	out := page[absenceView]{Items: make([]absenceView, 0, len(pg.Items)), NextCursor: pg.NextCursor}
	for _, x := range pg.Items {
		out.Items = append(out.Items, viewAbsence(x))
	}
	if err := a.audit(r.Context(), c.actor, "attendance.absences.read", "", c.childID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *app) withdrawAbsence(ctx context.Context, c *call, id attendance.AbsenceID) error {
	return a.store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.attendance().WithdrawAbsence(ctx, c.actor, c.childID, id); err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, "attendance.absence.withdraw", "absence/"+id.String(), c.childID)
	})
}

func (a *app) apiWithdrawAbsence(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID[attendance.Absence](r, "absenceId")
	if err != nil {
		return err
	}
	if err := a.withdrawAbsence(r.Context(), c, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *app) apiPickups(w http.ResponseWriter, r *http.Request, c *call) error {
	pr, err := readPage(r)
	if err != nil {
		return err
	}
	list, err := a.attendance().PickupList(r.Context(), c.actor, c.childID)
	if err != nil {
		return err
	}
	pg, err := paginate(list, func(x attendance.Pickup) string { return x.ID.String() }, pr)
	if err != nil {
		return err
	}
	out := page[pickupView]{Items: make([]pickupView, 0, len(pg.Items)), NextCursor: pg.NextCursor}
	for _, x := range pg.Items {
		out.Items = append(out.Items, viewPickup(x))
	}
	if err := a.audit(r.Context(), c.actor, "attendance.pickups.read", "", c.childID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *app) putPickup(ctx context.Context, c *call, p attendance.Pickup) (attendance.Pickup, error) {
	p.ChildID = c.childID
	var out attendance.Pickup
	err := a.store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if out, err = a.attendance().SetPickup(ctx, c.actor, p); err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, "attendance.pickup.put", "pickup/"+out.ID.String(), c.childID)
	})
	return out, err
}

func (a *app) apiPutPickup(w http.ResponseWriter, r *http.Request, c *call) error {
	var req pickupRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	p, err := a.putPickup(r.Context(), c, attendance.Pickup{ID: req.ID, Name: req.Name, Relation: req.Relation, Phone: req.Phone, ValidUntil: req.ValidUntil})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewPickup(p))
	return nil
}

func (a *app) removePickup(ctx context.Context, c *call, id attendance.PickupID) error {
	return a.store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.attendance().RemovePickup(ctx, c.actor, c.childID, id); err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, "attendance.pickup.remove", "pickup/"+id.String(), c.childID)
	})
}

func (a *app) apiRemovePickup(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID[attendance.Pickup](r, "pickupId")
	if err != nil {
		return err
	}
	if err := a.removePickup(r.Context(), c, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *app) apiSchoolAbsence(w http.ResponseWriter, r *http.Request, c *call) error {
	var req schoolAbsenceRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.UnitID.IsZero() {
		req.UnitID = unitFor(c.actor, c.record, req.Day, domain.School)
	}
	var out attendance.SchoolAbsence
	ctx := r.Context()
	err := a.store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		out, err = a.attendance().RecordSchoolAbsence(ctx, c.actor, attendance.SchoolAbsence{
			ChildID: c.childID, UnitID: req.UnitID, Day: req.Day, Hours: req.Hours, Kind: req.Kind, Reason: req.Reason})
		if err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, "attendance.school-absence", "school-absence/"+out.ID.String(), c.childID)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, schoolAbsenceView{ID: out.ID, ChildID: out.ChildID, UnitID: out.UnitID, Day: out.Day, Hours: out.Hours, Kind: out.Kind, Reason: out.Reason})
	return nil
}
