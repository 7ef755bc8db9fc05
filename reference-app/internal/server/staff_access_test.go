package server_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// staffAuth is the staff capability's lines of the authorization table:
// only the administrator manages staff and roles; the duty roster of
// Bjørkelia is kept by its leader (Per Pedagog, staff-bjorkelia) and the
// administrator.
func staffAuth(ta *webtest.Harness) map[string]authCase {
	ctx := context.Background()
	form := "application/x-www-form-urlencoded"
	const ok, created, see, forbidden = 200, 201, 303, 403
	kari, err := ta.Store.StaffByPrincipal(ctx, demo.Municipality, demo.StaffPrincipals[demo.PersonaStaff])
	if err != nil {
		panic(err)
	}
	per, err := ta.Store.StaffByPrincipal(ctx, demo.Municipality, demo.StaffPrincipals[demo.PersonaOtherStaff])
	if err != nil {
		panic(err)
	}
	grants, err := ta.Store.Grants(ctx, demo.Municipality, kari.ID)
	if err != nil || len(grants) == 0 {
		panic(fmt.Sprintf("the seed grants Kari roles: %v", err))
	}
	member := "/admin/staff/" + kari.ID.String()
	apiMember := "/api/v1/staff/" + kari.ID.String()
	revoke := "/grants/" + grants[0].ID.String() + "/revoke"
	duties := "/units/" + ta.Bjorkelia.String() + "/duties"
	adminOnly := func(s int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, s}
	}
	leader := func(s int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, s, forbidden, forbidden, s}
	}
	n := 0
	principal := func(string) string { n++; return fmt.Sprintf("ny%d@demo-kommune.example", n) }
	// The leader and the admin each put Per on duty, at hours that do not
	// overlap.
	hour := func(actor string) int { return map[string]int{demo.PersonaOtherStaff: 8, demo.PersonaAdmin: 10}[actor] }
	return map[string]authCase{
		"GET /api/v1/staff": {path: "/api/v1/staff", want: adminOnly(ok)},
		"POST /api/v1/staff": {path: "/api/v1/staff", contentType: "application/json",
			body: func(a string) string { return fmt.Sprintf(`{"name":"Ny Ansatt","principal":%q}`, principal(a)) }, want: adminOnly(created)},
		// Kari keeps her name and Feide user (the other tables log in as
		// her); only her work e-mail is written again.
		"PUT /api/v1/staff/{staffId}": {path: apiMember, contentType: "application/json",
			body: func(string) string {
				return fmt.Sprintf(`{"name":%q,"principal":%q,"email":"kari.work@demo-kommune.example"}`, kari.Name, kari.Principal)
			}, want: adminOnly(ok)},
		"POST /api/v1/staff/{staffId}/grants": {path: apiMember + "/grants", contentType: "application/json",
			body: func(string) string {
				return `{"role":"caseworker","capability":"admission","start":"2030-01-01","end":"2030-01-31"}`
			}, want: adminOnly(created)},
		"POST /api/v1/staff/{staffId}/grants/{grantId}/revoke": {path: apiMember + revoke, contentType: "application/json",
			body: func(string) string { return `{"from":"2031-01-01"}` }, want: adminOnly(ok)},
		"GET /api/v1/units/{unitId}/duties": {path: "/api/v1" + duties, want: leader(ok)},
		"POST /api/v1/units/{unitId}/duties": {path: "/api/v1" + duties, contentType: "application/json",
			body: func(a string) string {
				return fmt.Sprintf(`{"staff":%q,"day":"2025-11-24","from":"%02d:00","to":"%02d:30"}`, per.ID, hour(a), hour(a))
			}, want: leader(created)},
		"GET /admin/staff": {path: "/admin/staff", want: adminOnly(ok)},
		"POST /admin/staff": {path: "/admin/staff", contentType: form,
			body: func(a string) string { return "name=Ny+Ansatt&principal=" + principal(a) }, want: adminOnly(see)},
		"GET /admin/staff/{staffId}": {path: member, want: adminOnly(ok)},
		"POST /admin/staff/{staffId}": {path: member, contentType: form,
			body: func(string) string {
				return url.Values{"name": {kari.Name}, "principal": {kari.Principal}, "email": {"kari.work@demo-kommune.example"}}.Encode()
			}, want: adminOnly(see)},
		"POST /admin/staff/{staffId}/grants": {path: member + "/grants", contentType: form,
			body: func(string) string { return "role=caseworker&capability=billing&start=2030-02-01&end=2030-02-28" }, want: adminOnly(see)},
		"POST /admin/staff/{staffId}/grants/{grantId}/revoke": {path: member + revoke, contentType: form,
			body: func(string) string { return "from=2032-01-01" }, want: adminOnly(see)},
		"GET /duties":                {path: "/duties", want: [8]int{forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, ok}},
		"GET /units/{unitId}/duties": {path: duties, want: leader(ok)},
		"POST /units/{unitId}/duties": {path: duties, contentType: form,
			body: func(a string) string {
				return fmt.Sprintf("staff=%s&day=2025-11-24&from=%02d:45&to=%02d:50", per.ID, hour(a), hour(a))
			}, want: leader(see)},
	}
}
