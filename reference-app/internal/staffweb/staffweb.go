// Package staffweb is staff and roles in the reference app: the municipal
// administrator's pages and API for staff members and the roles granted
// to them with dates (domain.StaffMember, domain.Grant), and a unit
// leader's duty roster (attendance.Duty), which occupancy against the
// staffing norm counts. Mounted on the shell (package web) by New.
//
// Every change is one transaction with its audit entry (web.App.CreateStaff,
// PutGrant). A revoked grant ends the day before the day it is revoked
// from (domain.Grant.Revoke); a running session learns of it at its next
// request (see package web, staff.go).
package staffweb

import (
	"embed"
	"net/http"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// app is the shell as the staff pages' handlers see it.
type app struct{ *web.App }

// New returns the staff capability, for web.App.Mount.
func New(shell *web.App) web.Capability {
	a := &app{shell}
	return web.Capability{Tag: "staff", About: "Staff members, the roles granted to them with dates, and the units' duty rosters",
		Routes: append(a.apiRoutes(), a.pageRoutes()...), Menus: menus, Pages: templates, Messages: messages}
}

//go:embed templates/*.html
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

var menus = []web.MenuItem{
	{Roles: []domain.Role{domain.RoleAdmin}, Path: "/admin/staff", Key: "staff.menu.staff"},
	{Roles: []domain.Role{domain.RoleStaff, domain.RoleAdmin}, Path: "/duties", Key: "staff.menu.duties"},
}

func (a *app) apiRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/staff", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "The municipality's staff members with their grants (administrator)", Response: StaffView{}, List: true, Handle: a.apiStaff},
		{Method: "POST", Path: "/api/v1/staff", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Register a staff member by name and Feide principal, with a work e-mail address for notices (administrator)", Body: NewStaffRequest{}, Response: StaffView{}, Status: http.StatusCreated, Handle: a.apiCreateStaff},
		{Method: "PUT", Path: "/api/v1/staff/{staffId}", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Change a staff member's name, Feide principal and work e-mail address, where notices of work that waits on them go (administrator)", Body: UpdateStaffRequest{}, Response: StaffView{}, Handle: a.apiUpdateStaff},
		{Method: "POST", Path: "/api/v1/staff/{staffId}/grants", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Grant a role from a day, until a day or open (administrator)", Body: GrantRequest{}, Response: GrantView{}, Status: http.StatusCreated, Handle: a.apiGrant},
		{Method: "POST", Path: "/api/v1/staff/{staffId}/grants/{grantId}/revoke", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Revoke a role from a day (today when left out): it ends the day before (administrator)", Body: RevokeRequest{}, Response: StaffView{}, Handle: a.apiRevoke},
		{Method: "GET", Path: "/api/v1/units/{unitId}/duties", Kind: web.KindAPI, Policy: web.PolicyUnitLeader, Summary: "The unit's duty roster of a day (unit leader, administrator)", Query: map[string]string{"day": "the day (YYYY-MM-DD); today when left out"}, Response: DutyView{}, List: true, Handle: a.apiDuties},
		{Method: "POST", Path: "/api/v1/units/{unitId}/duties", Kind: web.KindAPI, Policy: web.PolicyUnitLeader, Summary: "Put a staff member on the unit's duty roster, on a day from one time to another (unit leader, administrator)", Body: DutyRequest{}, Response: DutyView{}, Status: http.StatusCreated, Handle: a.apiAddDuty},
	}
}

func (a *app) pageRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/admin/staff", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.staffPage},
		{Method: "POST", Path: "/admin/staff", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.createStaffForm},
		{Method: "GET", Path: "/admin/staff/{staffId}", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.memberPage},
		{Method: "POST", Path: "/admin/staff/{staffId}", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.updateStaffForm},
		{Method: "POST", Path: "/admin/staff/{staffId}/grants", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.grantForm},
		{Method: "POST", Path: "/admin/staff/{staffId}/grants/{grantId}/revoke", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.revokeForm},
		{Method: "GET", Path: "/duties", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.dutiesIndex},
		{Method: "GET", Path: "/units/{unitId}/duties", Kind: web.KindPage, Policy: web.PolicyUnitLeader, Handle: a.dutyPage},
		{Method: "POST", Path: "/units/{unitId}/duties", Kind: web.KindPage, Policy: web.PolicyUnitLeader, Handle: a.dutyForm},
	}
}
