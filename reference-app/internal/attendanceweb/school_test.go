package attendanceweb_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// Kari Lærer records a 9th grader's absence on the school absence page:
// two whole days of illness (documented, left out of the certificate under
// the demo rule), three lesson hours without explanation; the year's
// summary says 2 days and 3 hours of absence, 0 days and 3 hours on the
// certificate. A refused form keeps what was typed.
func TestSchoolAbsencePage(t *testing.T) {
	ta := webtest.New(t)
	pupil := ta.NinthGrader(t)
	kari := ta.CookieFor(t, demo.PersonaStaff)
	form := "application/x-www-form-urlencoded"

	list := ta.Do(t, kari, "GET", "/staff/school-absence", "", "")
	require.Equal(t, 200, list.Status)
	assert.Contains(t, list.Body, `value="`+pupil.String()+`"`, "the pupil is on the list")
	assert.Contains(t, list.Body, "Sofie Berg", "so is a 3rd grader")

	post := func(v url.Values) webtest.Response {
		return ta.Do(t, kari, "POST", "/staff/school-absence/"+pupil.String(), form, v.Encode())
	}
	for _, day := range []string{"2025-11-17", "2025-11-18"} {
		r := post(url.Values{"day": {day}, "whole": {"yes"}, "what": {"health"}})
		require.Equal(t, 303, r.Status, r.Body)
		assert.Contains(t, r.Header.Get("Location"), "done=1")
	}
	r := post(url.Values{"day": {"2025-11-20"}, "whole": {"no"}, "hours": {"3"}, "what": {"undocumented"}, "note": {"kom ikke etter lunsj"}})
	require.Equal(t, 303, r.Status, r.Body)

	bad := post(url.Values{"day": {"2025-11-21"}, "whole": {"no"}, "hours": {""}, "what": {"undocumented"}, "note": {"mangler timer"}})
	require.Equal(t, 303, bad.Status)
	back := ta.Do(t, kari, "GET", bad.Header.Get("Location"), "", "")
	require.Equal(t, 200, back.Status)
	assert.Contains(t, back.Body, "Skriv antall timer", "the refusal says what is wrong")
	assert.Contains(t, back.Body, `value="mangler timer"`, "and keeps what was typed")
	assert.Contains(t, back.Body, `aria-invalid="true" aria-describedby="hours-error hours-help"`, "the error is tied to its field")
	assert.Contains(t, back.Body, `role="alert" tabindex="-1" autofocus><p><strong>Ikke registrert:</strong> <a href="#hours">`, "and the alert takes focus and links to it")
	future := post(url.Values{"day": {"2025-12-24"}, "whole": {"yes"}, "what": {"health"}})
	assert.Contains(t, future.Header.Get("Location"), "error=day", "a day in the future is refused")

	page := ta.Do(t, kari, "GET", "/staff/school-absence?child="+pupil.String(), "", "")
	require.Equal(t, 200, page.Status)
	body := page.Body
	assert.Contains(t, body, "17. november 2025")
	assert.Contains(t, body, "3 timer")
	assert.Contains(t, body, "kom ikke etter lunsj")
	summary := body[strings.Index(body, `id="vitnemal"`):]
	assert.Contains(t, summary, "<dt>Trinn</dt><dd>9</dd>")
	assert.Contains(t, summary, "<dt>Dager fravær</dt><dd>2</dd>")
	assert.Contains(t, summary, "<dt>Timer</dt><dd>3</dd>")
	assert.Contains(t, summary, "0 dager og 3 timer", "documented days are left out of the certificate")
	assert.NotEmpty(t, ta.AuditedAs(t, "attendance.school-absence.read"))

	sofie := ta.Do(t, kari, "GET", "/staff/school-absence?child="+ta.Sofie.String(), "", "")
	require.Equal(t, 200, sofie.Status)
	assert.Contains(t, sofie.Body, "eleven går ikke på disse trinnene", "a 3rd grader has no certificate summary")

	api := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/api/v1/children/"+pupil.String()+"/school-absences/summary", "", "")
	require.Equal(t, 200, api.Status, api.Body)
	assert.Contains(t, api.Body, `"certificateHours":3`)

	other := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherStaff), "POST", "/staff/school-absence/"+pupil.String(), form, "day=2025-11-19&whole=yes&what=health")
	assert.Equal(t, 403, other.Status, "staff of a kindergarten may not record it")
}
