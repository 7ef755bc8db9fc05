package attendanceweb_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The administrator edits the attendance settings: a refused form keeps
// what was typed and says, translated, what is wrong next to each field;
// a valid one is stored (and read back by the API) and audit-logged.
func TestAttendanceSettingsPage(t *testing.T) {
	ta := webtest.New(t)
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	page := ta.Do(t, admin, "GET", "/admin/attendance-settings", "", "")
	require.Equal(t, http.StatusOK, page.Status)
	assert.Contains(t, page.Body, `name="expectedArrival" value="09:30"`)
	assert.Contains(t, page.Body, `name="holiday.weeks" value="4"`)

	form := url.Values{"expectedArrival": {"9.30"}, "holiday.weeks": {"4"}, "holiday.summerWeeks": {"5"}, "holiday.daysPerWeek": {"5"},
		"holiday.summerFrom": {"06-15"}, "holiday.summerTo": {"juli"}, "holiday.source": {"Vedtektene § 7"},
		"school.permissionDays": {"-1"}, "school.excludableDays": {"ti"}, "school.certificateFrom": {"8"}, "school.certificateTo": {"10"}}
	res := ta.Do(t, admin, "POST", "/admin/attendance-settings", "application/x-www-form-urlencoded", form.Encode())
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, res.Body)
	assert.Contains(t, res.Body, `name="expectedArrival" value="9.30"`, "what was typed is kept")
	assert.Contains(t, res.Body, `name="holiday.source" value="Vedtektene § 7"`)
	assert.Contains(t, res.Body, `id="school-excludableDays-error">er ikke et helt tall`)
	if !assert.Contains(t, res.Body, `id="expectedArrival-error">må være et klokkeslett (tt:mm)`) {
		return
	}
	// Fixed by typing again: the remaining errors are the rule's own.
	form.Set("expectedArrival", "08:45")
	form.Set("school.excludableDays", "10")
	res = ta.Do(t, admin, "POST", "/admin/attendance-settings", "application/x-www-form-urlencoded", form.Encode())
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	assert.Contains(t, res.Body, `id="holiday-summerWeeks-error">må være fra 0 til antall uker`)
	assert.Contains(t, res.Body, `id="school-permissionDays-error">kan ikke være negativt`)

	form.Set("holiday.summerWeeks", "3")
	form.Set("holiday.summerTo", "08-15")
	form.Set("school.permissionDays", "5")
	res = ta.Do(t, admin, "POST", "/admin/attendance-settings", "application/x-www-form-urlencoded", form.Encode())
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	api := ta.Do(t, admin, "GET", "/api/v1/attendance/settings", "", "")
	require.Equal(t, http.StatusOK, api.Status)
	assert.Contains(t, api.Body, `"expectedArrival":"08:45"`)
	assert.Contains(t, api.Body, `"permissionDays":5`)
	assert.NotEmpty(t, ta.AuditedAs(t, "attendance.settings"))
	// Staff may not.
	staff := ta.CookieFor(t, demo.PersonaStaff)
	assert.Equal(t, http.StatusForbidden, ta.Do(t, staff, "GET", "/admin/attendance-settings", "", "").Status)
}
