package main

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
)

// A check event sent twice (by its key or by the Idempotency-Key) is
// recorded once; a collector not on the pickup list is recorded with the
// warning; the roster shows who is present, who left with whom and who is
// sick.
func TestCheckInOutAndRoster(t *testing.T) {
	ta := newTestApp(t)
	staff := ta.cookieFor(t, personaStaff)
	in := "/api/v1/children/" + ta.sofie.String() + "/check-in"
	out := "/api/v1/children/" + ta.sofie.String() + "/check-out"

	first := ta.do(t, staff, "POST", in, "application/json", `{"key":"tablet-1","at":"2025-11-24T08:00:00+01:00"}`)
	require.Equal(t, http.StatusCreated, first.status, first.body)
	again := ta.do(t, staff, "POST", in, "application/json", `{"key":"tablet-1","at":"2025-11-24T08:00:00+01:00"}`)
	require.Equal(t, http.StatusCreated, again.status, again.body)
	var c1, c2 checkView
	require.NoError(t, json.Unmarshal([]byte(first.body), &c1))
	require.NoError(t, json.Unmarshal([]byte(again.body), &c2))
	assert.Equal(t, c1.ID, c2.ID, "the same event is one record")
	assert.Equal(t, ta.nordbySFO, c1.UnitID, "the unit is the child's SFO where the staff member works")
	// The same key for another event is a conflict.
	other := ta.do(t, staff, "POST", in, "application/json", `{"key":"tablet-1","at":"2025-11-24T08:05:00+01:00"}`)
	assert.Equal(t, http.StatusConflict, other.status, other.body)

	// Checked out by someone not on the list: recorded, with the warning.
	// The key comes from the Idempotency-Key header; a retry replays.
	body := `{"at":"2025-11-24T09:00:00+01:00","collector":{"name":"Ukjent Person"}}`
	o1 := ta.do(t, staff, "POST", out, "application/json", body, "Idempotency-Key", "out-1")
	require.Equal(t, http.StatusCreated, o1.status, o1.body)
	assert.Contains(t, o1.body, `"warning":"collector.unlisted"`)
	o2 := ta.do(t, staff, "POST", out, "application/json", body, "Idempotency-Key", "out-1")
	assert.Equal(t, o1.body, o2.body)
	assert.Equal(t, "true", o2.header.Get("Idempotent-Replayed"))

	// In again, out with her grandmother from the pickup list: no warning.
	require.Equal(t, http.StatusCreated, ta.do(t, staff, "POST", in, "application/json", `{"key":"in-2","at":"2025-11-24T10:00:00+01:00"}`).status)
	o3 := ta.do(t, staff, "POST", out, "application/json", `{"key":"out-2","at":"2025-11-24T11:00:00+01:00","collector":{"name":"gunn berg"}}`)
	require.Equal(t, http.StatusCreated, o3.status, o3.body)
	assert.NotContains(t, o3.body, "warning")
	assert.Contains(t, o3.body, `"pickupId"`)

	ro := ta.do(t, staff, "POST", "/api/v1/units/"+ta.nordbySFO.String()+"/roster", "", "")
	assert.Equal(t, http.StatusMethodNotAllowed, ro.status)
	roster := ta.do(t, staff, "GET", "/api/v1/units/"+ta.nordbySFO.String()+"/roster", "", "")
	require.Equal(t, http.StatusOK, roster.status, roster.body)
	var v attendanceRosterView
	require.NoError(t, json.Unmarshal([]byte(roster.body), &v))
	found := false
	for _, g := range v.Groups {
		for _, c := range g.Children {
			if c.ID == ta.sofie {
				found = true
				assert.Equal(t, attendance.Left, c.Status)
				assert.True(t, strings.EqualFold("Gunn Berg", c.CollectedBy), c.CollectedBy)
			}
		}
	}
	assert.True(t, found, "Sofie is on the roster")
	assert.Equal(t, 1, v.Count[attendance.Left])

	// A caseworker may read the roster but not check in.
	cw := ta.cookieFor(t, personaCaseworker)
	assert.Equal(t, http.StatusForbidden, ta.do(t, cw, "POST", in, "application/json", `{"key":"cw"}`).status)

	// The guardian reports her sick: twice is one report.
	g := ta.cookieFor(t, personaGuardian)
	s1 := ta.do(t, g, "POST", "/api/v1/children/"+ta.sofie.String()+"/absences/sick", "application/json", `{}`)
	s2 := ta.do(t, g, "POST", "/api/v1/children/"+ta.sofie.String()+"/absences/sick", "application/json", `{}`)
	require.Equal(t, http.StatusCreated, s1.status, s1.body)
	assert.Equal(t, s1.body, s2.body, "one report")
	list := ta.do(t, g, "GET", "/api/v1/children/"+ta.sofie.String()+"/absences", "", "")
	assert.Equal(t, 1, strings.Count(list.body, `"reason":"sick"`), list.body)

	// Occupancy against the norm: the seeded duties are counted.
	occ := ta.do(t, staff, "GET", "/api/v1/units/"+ta.nordbySFO.String()+"/occupancy", "", "")
	require.Equal(t, http.StatusOK, occ.status, occ.body)
	assert.Contains(t, occ.body, `"onDuty":`)
	assert.Contains(t, occ.body, "bemanningsnorm", "the norm is explained with its source")
}

// A check-in sent without "at" and sent again with the same key a little
// later (the clock has moved on) returns the first record, as the README
// promises; it answered 409 "used for another event" before. The key for
// another kind of event is still a conflict.
func TestCheckInRetryWithoutAt(t *testing.T) {
	ta := newTestApp(t)
	ta.a.clock = &steppingClock{at: testNow}
	staff := ta.cookieFor(t, personaStaff)
	in := "/api/v1/children/" + ta.sofie.String() + "/check-in"
	first := ta.do(t, staff, "POST", in, "application/json", `{"key":"tablet-untimed"}`)
	require.Equal(t, http.StatusCreated, first.status, first.body)
	again := ta.do(t, staff, "POST", in, "application/json", `{"key":"tablet-untimed"}`)
	require.Equal(t, http.StatusCreated, again.status, again.body)
	var c1, c2 checkView
	require.NoError(t, json.Unmarshal([]byte(first.body), &c1))
	require.NoError(t, json.Unmarshal([]byte(again.body), &c2))
	assert.Equal(t, c1, c2, "the first record back")
	assert.True(t, c1.At.After(testNow), "the time is the app's now")
	assert.Equal(t, ta.nordbySFO, c1.UnitID)
	// The key for a check-out is still another event.
	out := ta.do(t, staff, "POST", "/api/v1/children/"+ta.sofie.String()+"/check-out", "application/json", `{"key":"tablet-untimed","collector":{"name":"Gunn Berg"}}`)
	assert.Equal(t, http.StatusConflict, out.status, out.body)
}

var keyRE = regexp.MustCompile(`name="key" value="([0-9a-f-]{36})"`)

// The board: tap in (a double submit with the page's key records once), tap
// out with the pickup list shown, a warning for someone not on it.
func TestCheckInBoard(t *testing.T) {
	ta := newTestApp(t)
	staff := ta.cookieFor(t, personaStaff)
	board := ta.do(t, staff, "GET", "/staff/attendance", "", "")
	require.Equal(t, http.StatusOK, board.status, board.body)
	assert.Contains(t, board.body, "Nordby SFO")
	assert.NotContains(t, board.body, "Bemanning mot normen", "an SFO has no staffing norm")
	kg := ta.do(t, ta.cookieFor(t, personaOtherStaff), "GET", "/staff/attendance", "", "")
	assert.Contains(t, kg.body, "Bemanning mot normen", "a kindergarten's occupancy against the norm")
	assert.Contains(t, kg.body, "på vakt")
	// One group of the unit: its children only.
	m := regexp.MustCompile(`href="(/staff/attendance\?unit=[0-9a-f-]+&amp;group=[0-9a-f-]+)"`).FindStringSubmatch(board.body)
	require.NotNil(t, m, "group links")
	one := ta.do(t, staff, "GET", strings.ReplaceAll(m[1], "&amp;", "&"), "", "")
	require.Equal(t, http.StatusOK, one.status)
	assert.Less(t, strings.Count(one.body, "<tr id=\"barn-"), strings.Count(board.body, "<tr id=\"barn-"))
	form := "application/x-www-form-urlencoded"
	path := "/staff/attendance/" + ta.sofie.String()
	key := keyRE.FindStringSubmatch(board.body)[1]
	r1 := ta.do(t, staff, "POST", path+"/check-in", form, "key="+key)
	require.Equal(t, http.StatusSeeOther, r1.status, r1.body)
	r2 := ta.do(t, staff, "POST", path+"/check-in", form, "key="+key)
	require.Equal(t, http.StatusSeeOther, r2.status, "a double submit is the same event: %s", r2.body)
	checks, err := ta.store.UnitDay(t.Context(), demoMunicipality, ta.nordbySFO, domain.Today(ta.a.clock))
	require.NoError(t, err)
	assert.Len(t, checks.Checks, 1)

	after := ta.do(t, staff, "GET", r1.header.Get("Location"), "", "")
	assert.Contains(t, after.body, "Sofie Berg er sjekket inn.")
	assert.Contains(t, after.body, "Gunn Berg (mormor)", "the pickup list is shown at check-out")
	assert.Contains(t, after.body, "Hilde Berg (foresatt)")
	assert.NotContains(t, after.body, protectedPhone)

	o := ta.do(t, staff, "POST", path+"/check-out", form, url.Values{"key": {"k-out"}, "collector": {""}, "collectorName": {"Ukjent Onkel"}}.Encode())
	require.Equal(t, http.StatusSeeOther, o.status, o.body)
	warned := ta.do(t, staff, "GET", o.header.Get("Location"), "", "")
	assert.Contains(t, warned.body, "ikke står på hentelista")

	// Out again without coming in: refused, and the board says why.
	again := ta.do(t, staff, "POST", path+"/check-out", form, url.Values{"key": {"k-out-2"}, "collectorName": {"Hilde Berg"}}.Encode())
	require.Equal(t, http.StatusSeeOther, again.status)
	said := ta.do(t, staff, "GET", again.header.Get("Location"), "", "")
	assert.Contains(t, said.body, "barnet er allerede sjekket inn, eller er ikke sjekket inn")
}

// The guardian: sick today in one click, a planned holiday, the pickup
// list kept.
func TestGuardianAttendancePage(t *testing.T) {
	ta := newTestApp(t)
	g := ta.cookieFor(t, personaGuardian)
	form := "application/x-www-form-urlencoded"
	base := "/guardian/attendance/" + ta.sofie.String()
	page := ta.do(t, g, "GET", "/guardian/attendance", "", "")
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Contains(t, page.body, "Meld Sofie Berg syk i dag")
	assert.Contains(t, page.body, "Gunn Berg")

	sick := ta.do(t, g, "POST", base+"/sick", form, "")
	require.Equal(t, http.StatusSeeOther, sick.status, sick.body)
	page = ta.do(t, g, "GET", sick.header.Get("Location"), "", "")
	assert.Contains(t, page.body, "Sofie Berg er meldt syk i dag.")
	assert.NotContains(t, page.body, "Meld Sofie Berg syk i dag", "reported already")

	hol := ta.do(t, g, "POST", base+"/absences", form, "start=2025-12-22&end=2025-12-31&reason=holiday&note=Jul")
	require.Equal(t, http.StatusSeeOther, hol.status, hol.body)
	bad := ta.do(t, g, "POST", base+"/absences", form, "start=2025-12-28&end=2025-12-29&reason=holiday")
	require.Equal(t, http.StatusSeeOther, bad.status, "overlaps the holiday: back to the form")
	said := ta.do(t, g, "GET", bad.header.Get("Location"), "", "")
	assert.Contains(t, said.body, "Det er allerede meldt fravær noen av disse dagene.")

	add := ta.do(t, g, "POST", base+"/pickups", form, "name=Kari+Berg&relation=tante&phone=%2B47+912+34+567&validUntil=2026-06-30")
	require.Equal(t, http.StatusSeeOther, add.status, add.body)
	bad = ta.do(t, g, "POST", base+"/pickups", form, "name=&relation=tante&phone=12")
	require.Equal(t, http.StatusSeeOther, bad.status)
	said = ta.do(t, g, "GET", bad.header.Get("Location"), "", "")
	assert.Contains(t, said.body, "role=\"alert\"")
	assert.Contains(t, said.body, "Skriv navnet")
	page = ta.do(t, g, "GET", "/guardian/attendance", "", "")
	assert.Contains(t, page.body, "Kari Berg")
	assert.Contains(t, page.body, "Jul")

	// The other parent (§ 47) sees no form to keep the list.
	other := ta.do(t, ta.cookieFor(t, personaOtherParent), "GET", "/guardian/attendance", "", "")
	assert.NotContains(t, other.body, "Sofie Berg")
}
