package staffweb

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// NewStaffRequest registers a staff member.
type NewStaffRequest struct {
	Name      string `json:"name"`
	Principal string `json:"principal"` // the Feide eduPersonPrincipalName
	// Email is the work e-mail address notices of work that waits on the
	// member go to (optional).
	Email string `json:"email,omitempty"`
}

// UpdateStaffRequest replaces a staff member's name, Feide principal and
// work e-mail address (empty for none).
type UpdateStaffRequest struct {
	Name      string `json:"name"`
	Principal string `json:"principal"`
	Email     string `json:"email,omitempty"`
}

// GrantRequest grants a role; dates are YYYY-MM-DD, end empty for open.
type GrantRequest struct {
	Role       domain.GrantRole  `json:"role"`
	Unit       string            `json:"unit,omitempty"`
	Capability domain.Capability `json:"capability,omitempty"`
	Start      string            `json:"start"`
	End        string            `json:"end,omitempty"`
}

// RevokeRequest revokes a grant from a day (today when empty).
type RevokeRequest struct {
	From string `json:"from,omitempty"`
}

// DutyRequest puts a staff member on the duty roster: day YYYY-MM-DD,
// from and to HH:MM.
type DutyRequest struct {
	Staff string `json:"staff"` // the staff member's ID
	Day   string `json:"day"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// GrantView is a grant as the API shows it.
type GrantView struct {
	ID         domain.GrantID    `json:"id"`
	Role       domain.GrantRole  `json:"role"`
	Unit       domain.UnitID     `json:"unit,omitzero"`
	Capability domain.Capability `json:"capability,omitempty"`
	Start      date.Date         `json:"start"`
	End        date.Date         `json:"end,omitzero"`
	InForce    bool              `json:"inForce"`
}

// StaffView is a staff member with their grants.
type StaffView struct {
	ID        domain.StaffID `json:"id"`
	Name      string         `json:"name"`
	Principal string         `json:"principal"`
	// Email is the work e-mail address; left out when there is none.
	Email  string      `json:"email,omitempty"`
	Grants []GrantView `json:"grants"`
}

// DutyView is one line of a duty roster.
type DutyView struct {
	ID    attendance.DutyID `json:"id"`
	Staff string            `json:"staff"` // the member's principal (the subject)
	Name  string            `json:"name"`
	Day   date.Date         `json:"day"`
	Start time.Time         `json:"start"`
	End   time.Time         `json:"end"`
}

func (a *app) grantView(g domain.Grant) GrantView {
	return GrantView{ID: g.ID, Role: g.Role, Unit: g.Unit, Capability: g.Capability, Start: g.Period.Start, End: g.Period.End,
		InForce: g.InForce(domain.Today(a.Clock))}
}

func (a *app) staffView(ctx context.Context, m domain.Municipality, s domain.StaffMember) (StaffView, error) {
	grants, err := a.Store.Grants(ctx, m, s.ID)
	if err != nil {
		return StaffView{}, err
	}
	v := StaffView{ID: s.ID, Name: s.Name, Principal: s.Principal, Email: s.Email, Grants: []GrantView{}}
	for _, g := range grants {
		v.Grants = append(v.Grants, a.grantView(g))
	}
	return v, nil
}

// createStaff registers a member, audit-logged.
func (a *app) createStaff(ctx context.Context, actor domain.Actor, req NewStaffRequest) (domain.StaffMember, error) {
	s := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: actor.Municipality,
		Name: strings.TrimSpace(req.Name), Principal: strings.TrimSpace(req.Principal), Email: strings.TrimSpace(req.Email)}
	return s, a.CreateStaff(ctx, actor, s)
}

// updateStaff replaces a member's name, principal and work e-mail,
// audit-logged.
func (a *app) updateStaff(ctx context.Context, actor domain.Actor, id domain.StaffID, req UpdateStaffRequest) (domain.StaffMember, error) {
	var s domain.StaffMember
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if s, err = a.Store.StaffMember(ctx, actor.Municipality, id); err != nil {
			return err
		}
		s.Name, s.Principal, s.Email = strings.TrimSpace(req.Name), strings.TrimSpace(req.Principal), strings.TrimSpace(req.Email)
		if err := a.Store.UpdateStaffMember(ctx, s); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "staff.update", "staff:"+s.ID.String())
	})
	return s, err
}

// grant gives the member a role, audit-logged.
func (a *app) grant(ctx context.Context, actor domain.Actor, staff domain.StaffID, req GrantRequest) (domain.Grant, error) {
	var p domain.Problems
	g := domain.Grant{ID: domain.NewID[domain.Grant](), Municipality: actor.Municipality, Staff: staff, Role: req.Role, Capability: req.Capability}
	if req.Role != domain.GrantCaseworker {
		g.Capability = ""
	}
	if req.Role.PerUnit() && req.Unit != "" {
		u, err := domain.ParseID[domain.Unit](req.Unit)
		if err != nil {
			p.Add("unit", "no-such-unit")
		}
		g.Unit = u
	}
	start, err := domain.ParseDate("start", req.Start)
	p.Merge("", err)
	g.Period.Start = start
	if req.End != "" {
		end, err := domain.ParseDate("end", req.End)
		p.Merge("", err)
		g.Period.End = end
	}
	if err := p.Err(); err != nil {
		return g, err
	}
	if _, err := a.Store.StaffMember(ctx, actor.Municipality, staff); err != nil {
		return g, err
	}
	return g, a.PutGrant(ctx, actor, g)
}

// revoke ends the grant from the day (today when empty): it gives nothing
// from that day on. A grant that had not begun is deleted.
func (a *app) revoke(ctx context.Context, actor domain.Actor, staff domain.StaffID, id domain.GrantID, from string) error {
	day := domain.Today(a.Clock)
	if from != "" {
		var err error
		if day, err = domain.ParseDate("from", from); err != nil {
			return err
		}
	}
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		g, err := a.Store.Grant(ctx, actor.Municipality, id)
		if err != nil {
			return err
		}
		if g.Staff != staff {
			return domain.ErrNotFound
		}
		ended, gone := g.Revoke(day)
		if gone {
			if err := a.Store.DeleteGrant(ctx, actor.Municipality, id); err != nil {
				return err
			}
			return a.AuditChange(ctx, actor, "staff.revoke", "grant:"+id.String()+" deleted (had not begun)")
		}
		if err := a.Store.PutGrant(ctx, ended); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "staff.revoke", "grant:"+id.String()+" ends "+ended.Period.End.String())
	})
}

// clock reads "HH:MM" on the day, in Oslo.
func clock(field string, day date.Date, s string) (time.Time, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return time.Time{}, domain.Invalid(field, ReasonTime)
	}
	y, m, d := day.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, domain.Oslo()), nil
}

// ReasonTime: a time of day is written HH:MM.
const ReasonTime = "not-a-time"

// addDuty puts a member who works at the unit on its duty roster,
// audit-logged.
func (a *app) addDuty(ctx context.Context, actor domain.Actor, unit domain.UnitID, req DutyRequest) (attendance.Duty, error) {
	var p domain.Problems
	m := actor.Municipality
	if _, err := a.Store.Unit(ctx, m, unit); err != nil {
		return attendance.Duty{}, err
	}
	var member domain.StaffMember
	id, err := domain.ParseID[domain.StaffMember](req.Staff)
	if err == nil {
		member, err = a.Store.StaffMember(ctx, m, id)
	}
	if err != nil {
		p.Add("staff", "no-such-staff-member")
	}
	day, err := domain.ParseDate("day", req.Day)
	p.Merge("", err)
	var start, end time.Time
	if err == nil {
		start, err = clock("from", day, req.From)
		p.Merge("", err)
		end, err = clock("to", day, req.To)
		p.Merge("", err)
	}
	if err := p.Err(); err != nil {
		return attendance.Duty{}, err
	}
	if ok, err := a.worksAt(ctx, member, unit, day); err != nil || !ok {
		if err == nil {
			err = domain.Invalid("staff", attendance.ReasonNotAtUnit)
		}
		return attendance.Duty{}, err
	}
	d := attendance.Duty{ID: domain.NewID[attendance.Duty](), Municipality: m, UnitID: unit, Day: day, Staff: member.Principal, Start: start, End: end}
	if err := d.Validate(); err != nil {
		return d, err
	}
	err = a.Store.Atomic(ctx, func(ctx context.Context) error {
		day, err := a.Store.UnitDay(ctx, m, unit, d.Day)
		if err != nil {
			return err
		}
		if err := attendance.CheckDuty(d, day.Duties); err != nil {
			return err
		}
		if err := a.Store.AddDuty(ctx, d); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "duty.add", "duty:"+d.ID.String()+" unit:"+unit.String()+" staff:"+member.ID.String())
	})
	return d, err
}

// worksAt reports whether the member has a unit role at the unit on the day.
func (a *app) worksAt(ctx context.Context, s domain.StaffMember, unit domain.UnitID, day date.Date) (bool, error) {
	grants, err := a.Store.Grants(ctx, s.Municipality, s.ID)
	if err != nil {
		return false, err
	}
	actor, ok := domain.StaffActorFor(s, grants, day)
	if !ok {
		return false, nil
	}
	for _, u := range actor.Units {
		if u == unit {
			return true, nil
		}
	}
	return false, nil
}

// unitStaff lists the members with a unit role at the unit on the day.
func (a *app) unitStaff(ctx context.Context, m domain.Municipality, unit domain.UnitID, day date.Date) ([]domain.StaffMember, map[string]string, error) {
	all, err := a.Store.StaffMembers(ctx, m)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	var out []domain.StaffMember
	for _, s := range all {
		names[s.Principal] = s.Name
		if ok, err := a.worksAt(ctx, s, unit, day); err != nil {
			return nil, nil, err
		} else if ok {
			out = append(out, s)
		}
	}
	return out, names, nil
}

func (a *app) duties(ctx context.Context, m domain.Municipality, unit domain.UnitID, day date.Date) ([]DutyView, []domain.StaffMember, error) {
	if _, err := a.Store.Unit(ctx, m, unit); err != nil {
		return nil, nil, err
	}
	d, err := a.Store.UnitDay(ctx, m, unit, day)
	if err != nil {
		return nil, nil, err
	}
	staff, names, err := a.unitStaff(ctx, m, unit, day)
	if err != nil {
		return nil, nil, err
	}
	out := []DutyView{}
	for _, du := range d.Duties {
		name := names[du.Staff]
		if name == "" {
			name = du.Staff
		}
		out = append(out, DutyView{ID: du.ID, Staff: du.Staff, Name: name, Day: du.Day, Start: du.Start, End: du.End})
	}
	return out, staff, nil
}

// API handlers.

func (a *app) apiStaff(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	all, err := a.Store.StaffMembers(r.Context(), c.Actor.Municipality)
	if err != nil {
		return err
	}
	pg, err := api.Paginate(all, func(s domain.StaffMember) string { return s.ID.String() }, pr)
	if err != nil {
		return err
	}
	out := api.Page[StaffView]{Items: []StaffView{}, NextCursor: pg.NextCursor}
	for _, s := range pg.Items {
		v, err := a.staffView(r.Context(), c.Actor.Municipality, s)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, v)
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *app) apiCreateStaff(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req NewStaffRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	s, err := a.createStaff(r.Context(), c.Actor, req)
	if err != nil {
		return err
	}
	v, err := a.staffView(r.Context(), c.Actor.Municipality, s)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (a *app) apiUpdateStaff(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[domain.StaffMember](r, "staffId")
	if err != nil {
		return err
	}
	var req UpdateStaffRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	s, err := a.updateStaff(r.Context(), c.Actor, id, req)
	if err != nil {
		return err
	}
	v, err := a.staffView(r.Context(), c.Actor.Municipality, s)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiGrant(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[domain.StaffMember](r, "staffId")
	if err != nil {
		return err
	}
	var req GrantRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	g, err := a.grant(r.Context(), c.Actor, id, req)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, a.grantView(g))
	return nil
}

func (a *app) apiRevoke(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[domain.StaffMember](r, "staffId")
	if err != nil {
		return err
	}
	gid, err := api.PathID[domain.Grant](r, "grantId")
	if err != nil {
		return err
	}
	var req RevokeRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := a.revoke(r.Context(), c.Actor, id, gid, req.From); err != nil {
		return err
	}
	s, err := a.Store.StaffMember(r.Context(), c.Actor.Municipality, id)
	if err != nil {
		return err
	}
	v, err := a.staffView(r.Context(), c.Actor.Municipality, s)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) dayOf(r *http.Request) (date.Date, error) {
	if s := r.URL.Query().Get("day"); s != "" {
		return domain.ParseDate("day", s)
	}
	return domain.Today(a.Clock), nil
}

func (a *app) apiDuties(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	day, err := a.dayOf(r)
	if err != nil {
		return err
	}
	ds, _, err := a.duties(r.Context(), c.Actor.Municipality, c.UnitID, day)
	if err != nil {
		return err
	}
	pg, err := api.Paginate(ds, func(d DutyView) string { return d.ID.String() }, pr)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, api.Page[DutyView]{Items: append([]DutyView{}, pg.Items...), NextCursor: pg.NextCursor})
	return nil
}

func (a *app) apiAddDuty(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req DutyRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	d, err := a.addDuty(r.Context(), c.Actor, c.UnitID, req)
	if err != nil {
		return err
	}
	s, _ := a.Store.StaffByPrincipal(r.Context(), c.Actor.Municipality, d.Staff)
	api.WriteJSON(w, http.StatusCreated, DutyView{ID: d.ID, Staff: d.Staff, Name: s.Name, Day: d.Day, Start: d.Start, End: d.End})
	return nil
}
