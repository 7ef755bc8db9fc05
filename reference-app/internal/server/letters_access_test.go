package server_test

import (
	"net/url"

	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// letterAuth has the lines of the municipality's letter template:
// caseworkers handling admission and administrators, each of their own
// municipality (the other municipality's caseworker reads and saves its
// own template).
func letterAuth(*webtest.Harness) map[string]authCase {
	const ok, see, forbidden = 200, 303, 403
	municipal := func(s int) [8]int { return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, s, s, s} }
	body := func(s string) func(string) string { return func(string) string { return s } }
	form := url.Values{"senderName": {"Demo kommune, oppvekst"}, "appealBody": {"Statsforvalteren"}}.Encode()
	return map[string]authCase{
		"GET /api/v1/letter-template": {path: "/api/v1/letter-template", want: municipal(ok)},
		"PUT /api/v1/letter-template": {path: "/api/v1/letter-template", contentType: "application/json",
			body: body(`{"senderName":"Demo kommune, oppvekst","orgNumber":"123456789"}`), want: municipal(ok)},
		"GET /admin/letter-template":  {path: "/admin/letter-template", want: municipal(ok)},
		"POST /admin/letter-template": {path: "/admin/letter-template", contentType: "application/x-www-form-urlencoded", body: body(form), want: municipal(see)},
	}
}
