package staffweb

import (
	"errors"
	"net/http"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// form is what a page's form was sent with, and the error of each field,
// in the page's language, so the page shows them next to their fields.
type form struct {
	Values map[string]string
	Errors map[string]string
}

func (f form) V(k string) string { return f.Values[k] }
func (f form) E(k string) string { return f.Errors[k] }

// fieldErrors turns refused input into a form's errors; any other error is
// returned as it is.
func fieldErrors(l web.Locale, err error, values map[string]string) (form, error) {
	f := form{Values: values, Errors: map[string]string{}}
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	switch {
	case errors.As(err, &ve):
		for _, fe := range ve.Fields {
			f.Errors[fe.Field] = reason(l, fe.Reason, fe.Params)
		}
	case errors.As(err, &ce):
		f.Errors[ce.Field] = reason(l, ce.Reason, ce.Params)
	default:
		return f, err
	}
	// Fields named period.start / period.end are the form's start and end.
	for k, v := range f.Errors {
		switch k {
		case "period.start":
			f.Errors["start"] = v
		case "period.end":
			f.Errors["end"] = v
		}
	}
	return f, nil
}

// reason is the reason in words: the shell's catalog, this package's, or
// a general "is not valid".
func reason(l web.Locale, code string, params map[string]string) string {
	switch {
	case l.Has("reason." + code):
		return l.ReasonWith(code, params)
	case l.Has("staff.reason." + code):
		return l.T("staff.reason." + code)
	}
	return l.T("staff.reason.invalid")
}

type option struct {
	Value, Label string
	Selected     bool
}

type memberRow struct {
	ID                     domain.StaffID
	Name, Principal, Email string
	Roles                  []string // the roles in force today, in words
}

type staffContent struct {
	Members []memberRow
	Form    form
}

func (a *app) roleText(l web.Locale, g domain.Grant, units map[domain.UnitID]string) string {
	s := l.T("staff.role." + string(g.Role))
	switch {
	case !g.Unit.IsZero():
		s += ", " + units[g.Unit]
	case g.Capability != "":
		s += ", " + l.T("staff.capability."+string(g.Capability))
	}
	return s
}

func (a *app) unitNames(r *http.Request, m domain.Municipality) (map[domain.UnitID]string, []domain.Unit, error) {
	us, err := a.Store.Units(r.Context(), m)
	if err != nil {
		return nil, nil, err
	}
	names := map[domain.UnitID]string{}
	for _, u := range us {
		names[u.ID] = u.Name
	}
	return names, us, nil
}

func (a *app) renderStaff(w http.ResponseWriter, r *http.Request, c *web.Call, status int, f form) error {
	m := c.Actor.Municipality
	units, _, err := a.unitNames(r, m)
	if err != nil {
		return err
	}
	all, err := a.Store.StaffMembers(r.Context(), m)
	if err != nil {
		return err
	}
	today := domain.Today(a.Clock)
	content := staffContent{Form: f}
	for _, s := range all {
		grants, err := a.Store.Grants(r.Context(), m, s.ID)
		if err != nil {
			return err
		}
		row := memberRow{ID: s.ID, Name: s.Name, Principal: s.Principal, Email: s.Email}
		for _, g := range grants {
			if g.InForce(today) {
				row.Roles = append(row.Roles, a.roleText(c.Lang, g, units))
			}
		}
		content.Members = append(content.Members, row)
	}
	a.Page(w, r, c, status, "staff_list", "staff.list.title", content)
	return nil
}

func (a *app) staffPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.renderStaff(w, r, c, http.StatusOK, form{})
}

func (a *app) createStaffForm(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("malformed", "the form cannot be read")
	}
	req := NewStaffRequest{Name: r.PostFormValue("name"), Principal: r.PostFormValue("principal"), Email: r.PostFormValue("email")}
	s, err := a.createStaff(r.Context(), c.Actor, req)
	if err != nil {
		f, err := fieldErrors(c.Lang, err, map[string]string{"name": req.Name, "principal": req.Principal, "email": req.Email})
		if err != nil {
			return err
		}
		return a.renderStaff(w, r, c, http.StatusUnprocessableEntity, f)
	}
	http.Redirect(w, r, "/admin/staff/"+s.ID.String(), http.StatusSeeOther)
	return nil
}

type grantRow struct {
	ID                 domain.GrantID
	Role               string
	Start, End         date.Date
	InForce, Revocable bool
	Open               bool
}

type memberContent struct {
	Member       domain.StaffMember
	Grants       []grantRow
	Roles        []option
	Units        []option
	Capabilities []option
	Today        date.Date
	Form         form
	// Edit is the form of the member's name, principal and work e-mail.
	Edit form
}

func (a *app) renderMember(w http.ResponseWriter, r *http.Request, c *web.Call, status int, f, edit form) error {
	id, err := api.PathID[domain.StaffMember](r, "staffId")
	if err != nil {
		return err
	}
	m := c.Actor.Municipality
	s, err := a.Store.StaffMember(r.Context(), m, id)
	if err != nil {
		return err
	}
	names, units, err := a.unitNames(r, m)
	if err != nil {
		return err
	}
	grants, err := a.Store.Grants(r.Context(), m, id)
	if err != nil {
		return err
	}
	today := domain.Today(a.Clock)
	if edit.Values == nil {
		edit.Values = map[string]string{"name": s.Name, "principal": s.Principal, "email": s.Email}
	}
	content := memberContent{Member: s, Today: today, Form: f, Edit: edit}
	for _, g := range grants {
		content.Grants = append(content.Grants, grantRow{ID: g.ID, Role: a.roleText(c.Lang, g, names), Start: g.Period.Start, End: g.Period.End,
			InForce: g.InForce(today), Open: g.Period.Open(), Revocable: g.Period.Open() || g.Period.End >= today})
	}
	for _, role := range domain.GrantRoles {
		content.Roles = append(content.Roles, option{Value: string(role), Label: c.Lang.T("staff.role." + string(role)), Selected: f.V("role") == string(role)})
	}
	for _, u := range units {
		content.Units = append(content.Units, option{Value: u.ID.String(), Label: u.Name, Selected: f.V("unit") == u.ID.String()})
	}
	for _, cp := range domain.Capabilities {
		content.Capabilities = append(content.Capabilities, option{Value: string(cp), Label: c.Lang.T("staff.capability." + string(cp)), Selected: f.V("capability") == string(cp)})
	}
	a.Page(w, r, c, status, "staff_member", "staff.member.title", content)
	return nil
}

func (a *app) memberPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.renderMember(w, r, c, http.StatusOK, form{Values: map[string]string{"start": domain.Today(a.Clock).String()}}, form{})
}

func (a *app) updateStaffForm(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[domain.StaffMember](r, "staffId")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("malformed", "the form cannot be read")
	}
	req := UpdateStaffRequest{Name: r.PostFormValue("name"), Principal: r.PostFormValue("principal"), Email: r.PostFormValue("email")}
	if _, err := a.updateStaff(r.Context(), c.Actor, id, req); err != nil {
		f, err := fieldErrors(c.Lang, err, map[string]string{"name": req.Name, "principal": req.Principal, "email": req.Email})
		if err != nil {
			return err
		}
		return a.renderMember(w, r, c, http.StatusUnprocessableEntity, form{Values: map[string]string{"start": domain.Today(a.Clock).String()}}, f)
	}
	http.Redirect(w, r, "/admin/staff/"+id.String(), http.StatusSeeOther)
	return nil
}

func (a *app) grantForm(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[domain.StaffMember](r, "staffId")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("malformed", "the form cannot be read")
	}
	req := GrantRequest{Role: domain.GrantRole(r.PostFormValue("role")), Unit: r.PostFormValue("unit"),
		Capability: domain.Capability(r.PostFormValue("capability")), Start: r.PostFormValue("start"), End: r.PostFormValue("end")}
	if _, err := a.grant(r.Context(), c.Actor, id, req); err != nil {
		f, err := fieldErrors(c.Lang, err, map[string]string{"role": string(req.Role), "unit": req.Unit, "capability": string(req.Capability), "start": req.Start, "end": req.End})
		if err != nil {
			return err
		}
		return a.renderMember(w, r, c, http.StatusUnprocessableEntity, f, form{})
	}
	http.Redirect(w, r, "/admin/staff/"+id.String(), http.StatusSeeOther)
	return nil
}

func (a *app) revokeForm(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[domain.StaffMember](r, "staffId")
	if err != nil {
		return err
	}
	gid, err := api.PathID[domain.Grant](r, "grantId")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("malformed", "the form cannot be read")
	}
	if err := a.revoke(r.Context(), c.Actor, id, gid, r.PostFormValue("from")); err != nil {
		f, err := fieldErrors(c.Lang, err, map[string]string{"from": r.PostFormValue("from")})
		if err != nil {
			return err
		}
		return a.renderMember(w, r, c, http.StatusUnprocessableEntity, f, form{})
	}
	http.Redirect(w, r, "/admin/staff/"+id.String(), http.StatusSeeOther)
	return nil
}

type dutiesIndexContent struct {
	Units []option // Value is the unit's ID
}

// dutiesIndex lists the units whose duty roster the actor keeps: the
// units a leader leads, every unit for an administrator.
func (a *app) dutiesIndex(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if c.Actor.Role != domain.RoleAdmin && c.Actor.Role != domain.RoleStaff {
		return domain.ErrForbidden
	}
	_, units, err := a.unitNames(r, c.Actor.Municipality)
	if err != nil {
		return err
	}
	var content dutiesIndexContent
	for _, u := range units {
		if c.Actor.Role == domain.RoleAdmin || c.Actor.LeadsUnit(u.ID) {
			content.Units = append(content.Units, option{Value: u.ID.String(), Label: u.Name})
		}
	}
	a.Page(w, r, c, http.StatusOK, "staff_duties", "staff.duties.title", content)
	return nil
}

type dutyContent struct {
	Unit   domain.Unit
	Day    date.Date
	Duties []DutyView
	Staff  []option
	Form   form
}

func (a *app) renderDuty(w http.ResponseWriter, r *http.Request, c *web.Call, status int, day date.Date, f form) error {
	m := c.Actor.Municipality
	u, err := a.Store.Unit(r.Context(), m, c.UnitID)
	if err != nil {
		return err
	}
	ds, staff, err := a.duties(r.Context(), m, c.UnitID, day)
	if err != nil {
		return err
	}
	content := dutyContent{Unit: u, Day: day, Duties: ds, Form: f}
	for _, s := range staff {
		content.Staff = append(content.Staff, option{Value: s.ID.String(), Label: s.Name, Selected: f.V("staff") == s.ID.String()})
	}
	a.Page(w, r, c, status, "staff_duty", "staff.duty.title", content)
	return nil
}

func (a *app) dutyPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	day, err := a.dayOf(r)
	if err != nil {
		return err
	}
	return a.renderDuty(w, r, c, http.StatusOK, day, form{Values: map[string]string{"day": day.String(), "from": "07:30", "to": "15:30"}})
}

func (a *app) dutyForm(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("malformed", "the form cannot be read")
	}
	req := DutyRequest{Staff: r.PostFormValue("staff"), Day: r.PostFormValue("day"), From: r.PostFormValue("from"), To: r.PostFormValue("to")}
	d, err := a.addDuty(r.Context(), c.Actor, c.UnitID, req)
	if err != nil {
		if domain.IsNotFound(err) {
			return err
		}
		f, err := fieldErrors(c.Lang, err, map[string]string{"staff": req.Staff, "day": req.Day, "from": req.From, "to": req.To})
		if err != nil {
			return err
		}
		day, derr := domain.ParseDate("day", req.Day)
		if derr != nil {
			day = domain.Today(a.Clock)
		}
		return a.renderDuty(w, r, c, http.StatusUnprocessableEntity, day, f)
	}
	http.Redirect(w, r, "/units/"+c.UnitID.String()+"/duties?day="+d.Day.String(), http.StatusSeeOther)
	return nil
}
