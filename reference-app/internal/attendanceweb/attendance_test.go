package attendanceweb_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/attendanceweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// A check event sent twice (by its key or by the Idempotency-Key) is
// recorded once; a collector not on the pickup list is recorded with the
// warning; the roster shows who is present, who left with whom and who is
// sick.
func TestCheckInOutAndRoster(t *testing.T) {
	ta := webtest.New(t)
	staff := ta.CookieFor(t, demo.PersonaStaff)
	in := "/api/v1/children/" + ta.Sofie.String() + "/check-in"
	out := "/api/v1/children/" + ta.Sofie.String() + "/check-out"

	first := ta.Do(t, staff, "POST", in, "application/json", `{"key":"tablet-1","at":"2025-11-24T08:00:00+01:00"}`)
	require.Equal(t, http.StatusCreated, first.Status, first.Body)
	again := ta.Do(t, staff, "POST", in, "application/json", `{"key":"tablet-1","at":"2025-11-24T08:00:00+01:00"}`)
	require.Equal(t, http.StatusCreated, again.Status, again.Body)
	var c1, c2 attendanceweb.CheckView
	require.NoError(t, json.Unmarshal([]byte(first.Body), &c1))
	require.NoError(t, json.Unmarshal([]byte(again.Body), &c2))
	assert.Equal(t, c1.ID, c2.ID, "the same event is one record")
	assert.Equal(t, ta.NordbySFO, c1.UnitID, "the unit is the child's SFO where the staff member works")
	// The same key for another event is a conflict.
	other := ta.Do(t, staff, "POST", in, "application/json", `{"key":"tablet-1","at":"2025-11-24T08:05:00+01:00"}`)
	assert.Equal(t, http.StatusConflict, other.Status, other.Body)

	// Checked out by someone not on the list: recorded, with the warning.
	// The key comes from the Idempotency-Key header; a retry replays.
	body := `{"at":"2025-11-24T09:00:00+01:00","collector":{"name":"Ukjent Person"}}`
	o1 := ta.Do(t, staff, "POST", out, "application/json", body, "Idempotency-Key", "out-1")
	require.Equal(t, http.StatusCreated, o1.Status, o1.Body)
	assert.Contains(t, o1.Body, `"warning":"collector.unlisted"`)
	o2 := ta.Do(t, staff, "POST", out, "application/json", body, "Idempotency-Key", "out-1")
	assert.Equal(t, o1.Body, o2.Body)
	assert.Equal(t, "true", o2.Header.Get("Idempotent-Replayed"))

	// In again, out with her grandmother from the pickup list: no warning.
	require.Equal(t, http.StatusCreated, ta.Do(t, staff, "POST", in, "application/json", `{"key":"in-2","at":"2025-11-24T10:00:00+01:00"}`).Status)
	o3 := ta.Do(t, staff, "POST", out, "application/json", `{"key":"out-2","at":"2025-11-24T11:00:00+01:00","collector":{"name":"gunn berg"}}`)
	require.Equal(t, http.StatusCreated, o3.Status, o3.Body)
	assert.NotContains(t, o3.Body, "warning")
	assert.Contains(t, o3.Body, `"pickupId"`)

	ro := ta.Do(t, staff, "POST", "/api/v1/units/"+ta.NordbySFO.String()+"/roster", "", "")
	assert.Equal(t, http.StatusMethodNotAllowed, ro.Status)
	roster := ta.Do(t, staff, "GET", "/api/v1/units/"+ta.NordbySFO.String()+"/roster", "", "")
	require.Equal(t, http.StatusOK, roster.Status, roster.Body)
	var v attendanceweb.AttendanceRosterView
	require.NoError(t, json.Unmarshal([]byte(roster.Body), &v))
	found := false
	for _, g := range v.Groups {
		for _, c := range g.Children {
			if c.ID == ta.Sofie {
				found = true
				assert.Equal(t, attendance.Left, c.Status)
				assert.True(t, strings.EqualFold("Gunn Berg", c.CollectedBy), c.CollectedBy)
			}
		}
	}
	assert.True(t, found, "Sofie is on the roster")
	assert.Equal(t, 1, v.Count[attendance.Left])

	// A caseworker may read the roster but not check in.
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	assert.Equal(t, http.StatusForbidden, ta.Do(t, cw, "POST", in, "application/json", `{"key":"cw"}`).Status)

	// The guardian reports her sick: twice is one report.
	g := ta.CookieFor(t, demo.PersonaGuardian)
	s1 := ta.Do(t, g, "POST", "/api/v1/children/"+ta.Sofie.String()+"/absences/sick", "application/json", `{}`)
	s2 := ta.Do(t, g, "POST", "/api/v1/children/"+ta.Sofie.String()+"/absences/sick", "application/json", `{}`)
	require.Equal(t, http.StatusCreated, s1.Status, s1.Body)
	assert.Equal(t, s1.Body, s2.Body, "one report")
	list := ta.Do(t, g, "GET", "/api/v1/children/"+ta.Sofie.String()+"/absences", "", "")
	assert.Equal(t, 1, strings.Count(list.Body, `"reason":"sick"`), list.Body)

	// Occupancy against the norm: the seeded duties are counted.
	occ := ta.Do(t, staff, "GET", "/api/v1/units/"+ta.NordbySFO.String()+"/occupancy", "", "")
	require.Equal(t, http.StatusOK, occ.Status, occ.Body)
	assert.Contains(t, occ.Body, `"onDuty":`)
	assert.Contains(t, occ.Body, "barnehageloven § 26 andre ledd", "the norm is explained with its source")
}

// A check-in sent without "at" and sent again with the same key a little
// later (the clock has moved on) returns the first record, as the README
// promises; it answered 409 "used for another event" before. The key for
// another kind of event is still a conflict.
func TestCheckInRetryWithoutAt(t *testing.T) {
	ta := webtest.New(t)
	ta.App.Clock = &webtest.SteppingClock{At: webtest.Now}
	staff := ta.CookieFor(t, demo.PersonaStaff)
	in := "/api/v1/children/" + ta.Sofie.String() + "/check-in"
	first := ta.Do(t, staff, "POST", in, "application/json", `{"key":"tablet-untimed"}`)
	require.Equal(t, http.StatusCreated, first.Status, first.Body)
	again := ta.Do(t, staff, "POST", in, "application/json", `{"key":"tablet-untimed"}`)
	require.Equal(t, http.StatusCreated, again.Status, again.Body)
	var c1, c2 attendanceweb.CheckView
	require.NoError(t, json.Unmarshal([]byte(first.Body), &c1))
	require.NoError(t, json.Unmarshal([]byte(again.Body), &c2))
	assert.Equal(t, c1, c2, "the first record back")
	assert.True(t, c1.At.After(webtest.Now), "the time is the app's now")
	assert.Equal(t, ta.NordbySFO, c1.UnitID)
	// The key for a check-out is still another event.
	out := ta.Do(t, staff, "POST", "/api/v1/children/"+ta.Sofie.String()+"/check-out", "application/json", `{"key":"tablet-untimed","collector":{"name":"Gunn Berg"}}`)
	assert.Equal(t, http.StatusConflict, out.Status, out.Body)
}

var keyRE = regexp.MustCompile(`name="key" value="([0-9a-f-]{36})"`)

// The board: tap in (a double submit with the page's key records once), tap
// out with the pickup list shown, a warning for someone not on it.
func TestCheckInBoard(t *testing.T) {
	ta := webtest.New(t)
	staff := ta.CookieFor(t, demo.PersonaStaff)
	board := ta.Do(t, staff, "GET", "/staff/attendance", "", "")
	require.Equal(t, http.StatusOK, board.Status, board.Body)
	assert.Contains(t, board.Body, "Nordby SFO")
	assert.NotContains(t, board.Body, "Bemanning mot normen", "an SFO has no staffing norm")
	kg := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherStaff), "GET", "/staff/attendance", "", "")
	assert.Contains(t, kg.Body, "Bemanning mot normen", "a kindergarten's occupancy against the norm")
	assert.Contains(t, kg.Body, "på vakt")
	// One group of the unit: its children only.
	m := regexp.MustCompile(`href="(/staff/attendance\?unit=[0-9a-f-]+&amp;group=[0-9a-f-]+)"`).FindStringSubmatch(board.Body)
	require.NotNil(t, m, "group links")
	one := ta.Do(t, staff, "GET", strings.ReplaceAll(m[1], "&amp;", "&"), "", "")
	require.Equal(t, http.StatusOK, one.Status)
	assert.Less(t, strings.Count(one.Body, "<tr id=\"barn-"), strings.Count(board.Body, "<tr id=\"barn-"))
	form := "application/x-www-form-urlencoded"
	path := "/staff/attendance/" + ta.Sofie.String()
	key := keyRE.FindStringSubmatch(board.Body)[1]
	r1 := ta.Do(t, staff, "POST", path+"/check-in", form, "key="+key)
	require.Equal(t, http.StatusSeeOther, r1.Status, r1.Body)
	r2 := ta.Do(t, staff, "POST", path+"/check-in", form, "key="+key)
	require.Equal(t, http.StatusSeeOther, r2.Status, "a double submit is the same event: %s", r2.Body)
	checks, err := ta.Store.UnitDay(t.Context(), demo.Municipality, ta.NordbySFO, domain.Today(ta.App.Clock))
	require.NoError(t, err)
	assert.Len(t, checks.Checks, 1)

	after := ta.Do(t, staff, "GET", r1.Header.Get("Location"), "", "")
	assert.Contains(t, after.Body, "Sofie Berg er sjekket inn.")
	assert.Contains(t, after.Body, "Gunn Berg (mormor)", "the pickup list is shown at check-out")
	assert.Contains(t, after.Body, "Hilde Berg (foresatt)")
	assert.NotContains(t, after.Body, demo.ProtectedPhone)

	o := ta.Do(t, staff, "POST", path+"/check-out", form, url.Values{"key": {"k-out"}, "collector": {""}, "collectorName": {"Ukjent Onkel"}}.Encode())
	require.Equal(t, http.StatusSeeOther, o.Status, o.Body)
	warned := ta.Do(t, staff, "GET", o.Header.Get("Location"), "", "")
	assert.Contains(t, warned.Body, "ikke står på hentelista")

	// Out again without coming in: refused, and the board says why.
	again := ta.Do(t, staff, "POST", path+"/check-out", form, url.Values{"key": {"k-out-2"}, "collectorName": {"Hilde Berg"}}.Encode())
	require.Equal(t, http.StatusUnprocessableEntity, again.Status, again.Body)
	assert.Contains(t, again.Body, "barnet gikk allerede klokken", "the reason in Norwegian, not English")
	assert.Contains(t, again.Body, `role="alert" tabindex="-1" autofocus`)

	// In again, then out with a name too long: the board again with the
	// name kept at its field.
	r3 := ta.Do(t, staff, "POST", path+"/check-in", form, "key=k-in-3")
	require.Equal(t, http.StatusSeeOther, r3.Status, r3.Body)
	long := strings.Repeat("Å", 201)
	bad := ta.Do(t, staff, "POST", path+"/check-out", form, url.Values{"key": {"k-out-3"}, "collector": {""}, "collectorName": {long}}.Encode())
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status, bad.Body)
	assert.Contains(t, bad.Body, `value="`+long+`" aria-invalid="true" aria-describedby="collector-name-`+ta.Sofie.String()+`-error"`)
	assert.Contains(t, bad.Body, `<a href="#collector-name-`+ta.Sofie.String()+`">`)
	assert.Contains(t, bad.Body, `<option value="" selected>`)
}

// The guardian: sick today in one click, a planned holiday, the pickup
// list kept.
func TestGuardianAttendancePage(t *testing.T) {
	ta := webtest.New(t)
	g := ta.CookieFor(t, demo.PersonaGuardian)
	form := "application/x-www-form-urlencoded"
	base := "/guardian/attendance/" + ta.Sofie.String()
	page := ta.Do(t, g, "GET", "/guardian/attendance", "", "")
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	assert.Contains(t, page.Body, "Meld Sofie Berg syk i dag")
	assert.Contains(t, page.Body, "Gunn Berg")

	sick := ta.Do(t, g, "POST", base+"/sick", form, "")
	require.Equal(t, http.StatusSeeOther, sick.Status, sick.Body)
	page = ta.Do(t, g, "GET", sick.Header.Get("Location"), "", "")
	assert.Contains(t, page.Body, "Sofie Berg er meldt syk i dag.")
	assert.NotContains(t, page.Body, "Meld Sofie Berg syk i dag", "reported already")

	hol := ta.Do(t, g, "POST", base+"/absences", form, "start=2025-12-22&end=2025-12-31&reason=holiday&note=Jul")
	require.Equal(t, http.StatusSeeOther, hol.Status, hol.Body)
	bad := ta.Do(t, g, "POST", base+"/absences", form, "start=2025-12-28&end=2025-12-29&reason=holiday&note=Hytta")
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status, "overlaps the holiday: the form again")
	// The refusal is in Norwegian with the dates written as people write
	// them, tied to the field, listed in a summary that takes focus, and
	// what was typed is kept.
	assert.Contains(t, bad.Body, "overlapper fraværet som er meldt fra 22. desember 2025 til 31. desember 2025")
	assert.Contains(t, bad.Body, `aria-invalid="true" aria-describedby="start-`+ta.Sofie.String()+`-error"`)
	assert.Contains(t, bad.Body, `<span class="notice" id="start-`+ta.Sofie.String()+`-error">overlapper`)
	assert.Contains(t, bad.Body, `role="alert" tabindex="-1" autofocus`)
	assert.Contains(t, bad.Body, `<a href="#start-`+ta.Sofie.String()+`">Fra og med: overlapper`)
	assert.Contains(t, bad.Body, `value="2025-12-28"`)
	assert.Contains(t, bad.Body, `value="2025-12-29"`)
	assert.Contains(t, bad.Body, `value="Hytta"`)
	assert.Contains(t, bad.Body, `<option value="holiday" selected>`)

	add := ta.Do(t, g, "POST", base+"/pickups", form, "name=Kari+Berg&relation=tante&phone=%2B47+912+34+567&validUntil=2026-06-30")
	require.Equal(t, http.StatusSeeOther, add.Status, add.Body)
	bad = ta.Do(t, g, "POST", base+"/pickups", form, "name=&relation=tante&phone=12")
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status)
	assert.Contains(t, bad.Body, "role=\"alert\"")
	assert.Contains(t, bad.Body, `<span class="notice" id="pname-`+ta.Sofie.String()+`-error">må fylles ut</span>`)
	assert.Contains(t, bad.Body, `id="pphone-`+ta.Sofie.String()+`-error"`)
	assert.Contains(t, bad.Body, `value="tante"`)
	assert.Contains(t, bad.Body, `value="12"`)
	page = ta.Do(t, g, "GET", "/guardian/attendance", "", "")
	assert.Contains(t, page.Body, "Kari Berg")
	assert.Contains(t, page.Body, "Jul")

	// The other parent (§ 47) sees no form to keep the list.
	other := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherParent), "GET", "/guardian/attendance", "", "")
	assert.NotContains(t, other.Body, "Sofie Berg")
}
