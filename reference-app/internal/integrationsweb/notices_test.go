package integrationsweb_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The administrator sets the municipality's quiet hours, time zone and
// unread minutes through the API and the page, audit-logged; wrong input
// is refused field by field, what was typed kept.
func TestNoticeSettings(t *testing.T) {
	ta := webtest.New(t)
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	resp := ta.Do(t, admin, "GET", "/api/v1/notice-settings", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.JSONEq(t, `{"quiet":{"start":1260,"end":420},"zone":"Europe/Oslo","unreadAfterMinutes":15}`, resp.Body, "the defaults")

	resp = ta.Do(t, admin, "PUT", "/api/v1/notice-settings", "application/json", `{"quiet":{"start":1320,"end":360},"zone":"Europe/Oslo","unreadAfterMinutes":20}`)
	require.Equal(t, 200, resp.Status, resp.Body)
	s, err := ta.App.Messaging().SettingsFor(t.Context(), ta.Personas[demo.PersonaAdmin].Actor, demo.Municipality)
	require.NoError(t, err)
	assert.Equal(t, 22*60, s.Quiet.Start)
	assert.Equal(t, 20*time.Minute, s.UnreadAfter)
	assert.Len(t, ta.AuditedAs(t, "notice-settings.update"), 1)

	resp = ta.Do(t, admin, "PUT", "/api/v1/notice-settings", "application/json", `{"quiet":{"start":1500,"end":360},"zone":"Mars/Olympus","unreadAfterMinutes":0}`)
	assert.Equal(t, 422, resp.Status)
	for _, f := range []string{"quiet.start", "zone", "unreadAfterMinutes"} {
		assert.Contains(t, resp.Body, `"field":"`+f+`"`)
	}

	// The page, in English, refuses wrong input at each field.
	en := admin + "; " + web.LangCookie + "=en"
	page := ta.Do(t, en, "GET", "/admin/notices", "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, `value="22:00"`)
	assert.Contains(t, page.Body, `value="20"`)
	form := url.Values{"quiet-start": {"25:00"}, "quiet-end": {"06:30"}, "zone": {"Europe/Osloo"}, "unread-after": {"0"}}.Encode()
	resp = ta.Do(t, en, "POST", "/admin/notices", "application/x-www-form-urlencoded", form)
	assert.Equal(t, 422, resp.Status)
	for _, id := range []string{"quiet-start-error", "zone-error", "unread-after-error"} {
		assert.Contains(t, resp.Body, `id="`+id+`"`)
	}
	assert.Contains(t, resp.Body, `value="Europe/Osloo"`, "what was typed is kept")
	assert.Contains(t, resp.Body, `value="06:30"`)
	resp = ta.Do(t, en, "POST", "/admin/notices", "application/x-www-form-urlencoded",
		url.Values{"quiet-start": {"22:00"}, "quiet-end": {"06:30"}, "zone": {"Europe/Oslo"}, "unread-after": {"10"}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	assert.Contains(t, ta.Do(t, en, "GET", "/admin/notices?saved=1", "", "").Body, `value="06:30"`)
	assert.Len(t, ta.AuditedAs(t, "notice-settings.update"), 2)
	assert.NotEmpty(t, ta.AuditedAs(t, "notice-settings.read"))
	assert.Equal(t, 403, ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/admin/notices", "", "").Status)
}
