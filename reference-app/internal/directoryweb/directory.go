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
	{Roles: []domain.Role{domain.RoleAdmin}, Path: "/admin/units", Key: "dir.menu.units"},
	{Roles: []domain.Role{domain.RoleAdmin}, Path: "/admin/audit", Key: "menu.audit"},
	{Roles: []domain.Role{domain.RoleAdmin}, Path: "/admin/letter-template", Key: "dir.menu.letter"},
}

// directoryRoutes are the API of the directory: who is logged in,
// children, placements, units and rosters, and the audit log.
func (a *app) directoryRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/me", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "Who is logged in", Response: meView{}, Handle: a.apiMe},
		{Method: "GET", Path: "/api/v1/children", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "The children the actor may see", Response: web.ChildSummary{}, List: true, Search: "the child's name, or (for the municipality's caseworkers and administrators) the start of the national ID", Handle: a.apiChildren},
		{Method: "POST", Path: "/api/v1/children", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Register a child, with its registered address (caseworker; a protected address is never shown back)", Body: newChildRequest{}, Response: web.ChildView{}, Status: http.StatusCreated, Handle: a.apiCreateChild},
		{Method: "GET", Path: "/api/v1/children/{childId}", Kind: web.KindAPI, Policy: web.PolicyChildRead, Summary: "A child with guardians and placements, as far as the actor may see", Response: web.ChildView{}, Handle: a.apiChild},
		{Method: "POST", Path: "/api/v1/children/{childId}/placements", Kind: web.KindAPI, Policy: web.PolicyChildCase, Summary: "Place the child in a unit (caseworker)", Body: newPlacementRequest{}, Response: web.PlacementView{}, Status: http.StatusCreated, Handle: a.apiCreatePlacement},
		{Method: "PUT", Path: "/api/v1/children/{childId}/placements/{placementId}", Kind: web.KindAPI, Policy: web.PolicyChildCase, Summary: "Change a placement: unit, group, hours, start and end (caseworker)", Body: newPlacementRequest{}, Response: web.PlacementView{}, Handle: a.apiUpdatePlacement},
		{Method: "POST", Path: "/api/v1/children/{childId}/placements/{placementId}/end", Kind: web.KindAPI, Policy: web.PolicyChildCase, Summary: "End a placement after its last day (caseworker)", Body: endPlacementRequest{}, Response: web.PlacementView{}, Handle: a.apiEndPlacement},
		{Method: "PUT", Path: "/api/v1/children/{childId}/guardians/{guardianId}", Kind: web.KindAPI, Policy: web.PolicyChildCase, Summary: "Link a guardian to the child, or change parental responsibility, lives-with and the § 47 flags (caseworker)", Body: guardianshipRequest{}, Response: domain.Guardianship{}, Handle: a.apiPutGuardianship},
		{Method: "DELETE", Path: "/api/v1/children/{childId}/guardians/{guardianId}", Kind: web.KindAPI, Policy: web.PolicyChildCase, Summary: "End a guardianship (caseworker)", Status: http.StatusNoContent, Handle: a.apiEndGuardianship},
		{Method: "POST", Path: "/api/v1/guardians", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Register a guardian, with their registered address (caseworker; a protected address is never shown back)", Body: guardianRequest{}, Response: guardianRecord{}, Status: http.StatusCreated, Handle: a.apiCreateGuardian},
		{Method: "GET", Path: "/api/v1/guardians/{guardianId}", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "A guardian (caseworker)", Response: guardianRecord{}, Handle: a.apiGuardian},
		{Method: "PUT", Path: "/api/v1/guardians/{guardianId}", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Change a guardian's name, national ID, contact details, registered address or address protection (caseworker; for a protected address an empty address keeps the stored one)", Body: guardianRequest{}, Response: guardianRecord{}, Handle: a.apiUpdateGuardian},
		{Method: "GET", Path: "/api/v1/units", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "The municipality's units", Response: web.UnitSummary{}, List: true, Handle: a.apiUnits},
		{Method: "POST", Path: "/api/v1/units", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Create a unit (municipal administrator)", Body: unitRequest{}, Response: unitView{}, Status: http.StatusCreated, Handle: a.apiCreateUnit},
		{Method: "GET", Path: "/api/v1/units/{unitId}", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "A unit with its address, opening hours, contact, seats or grades, and groups", Response: unitView{}, Handle: a.apiUnit},
		{Method: "PUT", Path: "/api/v1/units/{unitId}", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Edit a unit (municipal administrator); a change of kind that would orphan placements is refused", Body: unitRequest{}, Response: unitView{}, Handle: a.apiUpdateUnit},
		{Method: "POST", Path: "/api/v1/units/{unitId}/close", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Close a unit after its last open day; refused while placements run past it (municipal administrator)", Body: closeRequest{}, Response: unitView{}, Handle: a.apiCloseUnit},
		{Method: "POST", Path: "/api/v1/units/{unitId}/groups", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Create a group of the unit (municipal administrator)", Body: groupRequest{}, Response: domain.Group{}, Status: http.StatusCreated, Handle: a.apiCreateGroup},
		{Method: "PUT", Path: "/api/v1/units/{unitId}/groups/{groupId}", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Edit a group (municipal administrator)", Body: groupRequest{}, Response: domain.Group{}, Handle: a.apiUpdateGroup},
		{Method: "POST", Path: "/api/v1/units/{unitId}/groups/{groupId}/close", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Close a group after its last day; refused while placements run past it (municipal administrator)", Body: closeRequest{}, Response: domain.Group{}, Handle: a.apiCloseGroup},
		{Method: "GET", Path: "/api/v1/audit", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "The audit log, newest first (municipal administrator): an entry about a list names how many children it showed (childCount) and the first 10 of them (children, by ID); childrenHref pages the rest", Response: web.AuditView{}, List: true, Query: map[string]string{"childId": "only entries about this child (each naming that child alone)"}, Handle: a.apiAudit},
		{Method: "GET", Path: "/api/v1/audit/{entryId}/children", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "The children an audit entry names, by ID, in pages (municipal administrator)", Response: auditChildView{}, List: true, Handle: a.apiAuditChildren},
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
		// Registering by hand (caseworker).
		{Method: "GET", Path: "/caseworker/children/new", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.newChildPage},
		{Method: "POST", Path: "/caseworker/children", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.newChildSubmit},
		{Method: "GET", Path: "/children/{childId}/guardians/new", Kind: web.KindPage, Policy: web.PolicyChildCase, Handle: a.newGuardianPage},
		{Method: "POST", Path: "/children/{childId}/guardians", Kind: web.KindPage, Policy: web.PolicyChildCase, Handle: a.newGuardianSubmit},
		{Method: "GET", Path: "/children/{childId}/guardians/{guardianId}/edit", Kind: web.KindPage, Policy: web.PolicyChildCase, Handle: a.editGuardianPage},
		{Method: "POST", Path: "/children/{childId}/guardians/{guardianId}", Kind: web.KindPage, Policy: web.PolicyChildCase, Handle: a.editGuardianSubmit},
		{Method: "POST", Path: "/children/{childId}/guardians/{guardianId}/remove", Kind: web.KindPage, Policy: web.PolicyChildCase, Handle: a.removeGuardianSubmit},
		{Method: "GET", Path: "/children/{childId}/placements/new", Kind: web.KindPage, Policy: web.PolicyChildCase, Handle: a.newPlacementPage},
		{Method: "POST", Path: "/children/{childId}/placements", Kind: web.KindPage, Policy: web.PolicyChildCase, Handle: a.newPlacementSubmit},
		{Method: "GET", Path: "/children/{childId}/placements/{placementId}/edit", Kind: web.KindPage, Policy: web.PolicyChildCase, Handle: a.editPlacementPage},
		{Method: "POST", Path: "/children/{childId}/placements/{placementId}", Kind: web.KindPage, Policy: web.PolicyChildCase, Handle: a.editPlacementSubmit},
	}
}

// directoryMessages are the strings of the directory's own pages (forms,
// units); the rest of its strings are the shell's.
//
//go:embed messages/*.json
var directoryMessages embed.FS

// directoryTemplates are the directory's pages.
//
//go:embed templates/*.html
var directoryTemplates embed.FS

// directoryCapability is the directory's part of the app: its API, the
// pages every role shares and their menu entries (its strings are the
// shell's).
func (a *app) directoryCapability() web.Capability {
	return web.Capability{Tag: "directory", About: "Who is logged in, children, guardians, placements, units and groups, rosters and the audit log",
		Routes: slices.Concat(a.directoryRoutes(), a.directoryPages(), a.unitPages(), a.importRoutes(), a.letterTemplateRoutes()), Menus: directoryMenus, Pages: directoryTemplates, Messages: directoryMessages}
}
