package server_test

import (
	"fmt"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// registryAuth is the population register's part of the authorization
// table: caseworkers and administrators only. The table's app has no
// register configured, so a sync is 503 (the page: back to itself with
// failed=1), and the notice named is not there (404).
func registryAuth(ta *webtest.Harness) map[string]authCase {
	form := "application/x-www-form-urlencoded"
	body := func(s string) func(string) string { return func(string) string { return s } }
	const ok, see, forbidden, missing, unavailable = 200, 303, 403, 404, 503
	municipal := func(s int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, s, s, s}
	}
	notice := fmt.Sprintf(`{"sequence":1,"kind":%q,"childId":%q}`, domain.NoticeDeath, ta.Sofie)
	sofie := ta.Sofie.String()
	address := body(`{"address":{"street":"Testveien 1","postcode":"9901","postTown":"DEMOBY"}}`)
	childCase := func(s int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, s, missing, forbidden}
	}
	return map[string]authCase{
		"PUT /api/v1/children/{childId}/address": {path: "/api/v1/children/" + sofie + "/address", contentType: "application/json", body: address, want: childCase(ok)},
		"GET /children/{childId}/address":        {path: "/children/" + sofie + "/address", want: childCase(ok)},
		"POST /children/{childId}/address":       {path: "/children/" + sofie + "/address", contentType: form, body: body("street=Testveien+2&postcode=9901&postTown=DEMOBY"), want: childCase(see)},
		"GET /api/v1/registry/notices":           {path: "/api/v1/registry/notices", want: municipal(ok)},
		"POST /api/v1/registry/notices/handled":  {path: "/api/v1/registry/notices/handled", contentType: "application/json", body: body(notice), want: municipal(missing)},
		"POST /api/v1/registry/sync":             {path: "/api/v1/registry/sync", contentType: "application/json", body: body(`{}`), want: municipal(unavailable)},
		"GET /caseworker/registry":               {path: "/caseworker/registry", want: municipal(ok)},
		"POST /caseworker/registry/sync":         {path: "/caseworker/registry/sync", contentType: form, want: municipal(see)},
		"POST /caseworker/registry/handled": {path: "/caseworker/registry/handled", contentType: form,
			body: body("sequence=1&kind=" + domain.NoticeDeath + "&child=" + ta.Sofie.String()), want: municipal(missing)},
	}
}
