package server_test

import (
	"net/url"

	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// integrationsAuth has the lines of the municipality's integration
// settings: the administrator of the municipality only; the other
// municipality's user, like every other role, is refused (each
// administrator sees and sets only the own municipality's, the actor's).
func integrationsAuth(*webtest.Harness) map[string]authCase {
	const ok, see, forbidden = 200, 303, 403
	adminOnly := func(s int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, s}
	}
	body := func(s string) func(string) string { return func(string) string { return s } }
	form := url.Values{"email.state": {"off"}, "email.endpoint": {"smtps://smtp.demo.kommune.no:465"}}.Encode()
	return map[string]authCase{
		"GET /api/v1/integrations": {path: "/api/v1/integrations", want: adminOnly(ok)},
		"PUT /api/v1/integrations": {path: "/api/v1/integrations", contentType: "application/json",
			body: body(`{"integrations":[{"integration":"sms","state":"off"}]}`), want: adminOnly(ok)},
		"GET /admin/integrations":     {path: "/admin/integrations", want: adminOnly(ok)},
		"POST /admin/integrations":    {path: "/admin/integrations", contentType: "application/x-www-form-urlencoded", body: body(form), want: adminOnly(see)},
		"GET /api/v1/notice-settings": {path: "/api/v1/notice-settings", want: adminOnly(ok)},
		"PUT /api/v1/notice-settings": {path: "/api/v1/notice-settings", contentType: "application/json",
			body: body(`{"quiet":{"start":1320,"end":420},"zone":"Europe/Oslo","unreadAfterMinutes":20}`), want: adminOnly(ok)},
		"GET /admin/notices":  {path: "/admin/notices", want: adminOnly(ok)},
		"POST /admin/notices": {path: "/admin/notices", contentType: "application/x-www-form-urlencoded", body: body("quiet-start=22:00&quiet-end=07:00&zone=Europe/Oslo&unread-after=15"), want: adminOnly(see)},
	}
}
