package directoryweb

import (
	"embed"
	"net/http"
	"slices"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

var directoryMenus = []web.MenuItem{
	{Roles: []domain.Role{domain.RoleGuardian}, Path: "/guardian", Key: "menu.children"},
	{Roles: []domain.Role{domain.RoleStaff}, Path: "/staff", Key: "menu.today"},
	{Roles: []domain.Role{domain.RoleCaseworker, domain.RoleAdmin}, Path: "/caseworker", Key: "menu.caseworker"},
	{Roles: []domain.Role{domain.RoleAdmin}, Path: "/admin/audit", Key: "menu.audit"},
}

// directoryRoutes are the API of the directory: who is logged in,
// children, placements, units and rosters, and the audit log.
func (a *app) directoryRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/me", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "Who is logged in", Response: meView{}, Handle: a.apiMe},
		{Method: "GET", Path: "/api/v1/children", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "The children the actor may see", Response: web.ChildSummary{}, List: true, Query: map[string]string{"q": "only children whose name contains this"}, Handle: a.apiChildren},
		{Method: "POST", Path: "/api/v1/children", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Register a child (caseworker)", Body: newChildRequest{}, Response: web.ChildView{}, Status: http.StatusCreated, Handle: a.apiCreateChild},
		{Method: "GET", Path: "/api/v1/children/{childId}", Kind: web.KindAPI, Policy: web.PolicyChildRead, Summary: "A child with guardians and placements, as far as the actor may see", Response: web.ChildView{}, Handle: a.apiChild},
		{Method: "POST", Path: "/api/v1/children/{childId}/placements", Kind: web.KindAPI, Policy: web.PolicyChildCase, Summary: "Place the child in a unit (caseworker)", Body: newPlacementRequest{}, Response: web.PlacementView{}, Status: http.StatusCreated, Handle: a.apiCreatePlacement},
		{Method: "GET", Path: "/api/v1/units", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "The municipality's units", Response: web.UnitSummary{}, List: true, Handle: a.apiUnits},
		{Method: "GET", Path: "/api/v1/audit", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "The audit log, newest first (municipal administrator)", Response: web.AuditView{}, List: true, Query: map[string]string{"childId": "only entries about this child"}, Handle: a.apiAudit},
	}
}

// directoryPages are the pages every role shares: front page, the role's
// start pages, a child's page and the audit log.
func (a *app) directoryPages() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/{$}", Kind: web.KindPage, Policy: web.PolicyPublic, Handle: a.home},
		{Method: "GET", Path: "/guardian", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.guardianPage},
		{Method: "GET", Path: "/staff", Kind: web.KindPage, Policy: web.PolicyStaff, Handle: a.staffPage},
		{Method: "GET", Path: "/caseworker", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.caseworkerPage, Tag: "web"}, // every caseworker's start page
		{Method: "GET", Path: "/children/{childId}", Kind: web.KindPage, Policy: web.PolicyChildRead, Handle: a.childPage},
		{Method: "GET", Path: "/admin/audit", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.auditPage},
	}
}

// directoryTemplates are the directory's pages.
//
//go:embed templates/*.html
var directoryTemplates embed.FS

// directoryCapability is the directory's part of the app: its API, the
// pages every role shares and their menu entries (its strings are the
// shell's).
func (a *app) directoryCapability() web.Capability {
	return web.Capability{Tag: "directory", About: "Who is logged in, children, placements, units, rosters and the audit log",
		Routes: slices.Concat(a.directoryRoutes(), a.directoryPages()), Menus: directoryMenus, Pages: directoryTemplates}
}
