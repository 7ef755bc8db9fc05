package attendanceweb_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

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
	assert.Less(t, strings.Count(one.Body, `class="board-row" id="barn-`), strings.Count(board.Body, `class="board-row" id="barn-`))
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

	o := ta.Do(t, staff, "POST", path+"/check-out", form, url.Values{"key": {"k-out"}, "collector": {""}, "collectorName": {"Ukjent Onkel"}, "confirm": {"1"}}.Encode())
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
	bad := ta.Do(t, staff, "POST", path+"/check-out", form, url.Values{"key": {"k-out-3"}, "collector": {""}, "collectorName": {long}, "confirm": {"1"}}.Encode())
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status, bad.Body)
	assert.Contains(t, bad.Body, `value="`+long+`" aria-invalid="true" aria-describedby="collector-name-`+ta.Sofie.String()+`-error"`)
	assert.Contains(t, bad.Body, `<a href="#collector-name-`+ta.Sofie.String()+`">`)
	assert.Contains(t, bad.Body, `id="collector-`+ta.Sofie.String()+`-other" value="" required checked>`)
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
	assert.Contains(t, bad.Body, `<span class="ds-validation-message field-error" id="start-`+ta.Sofie.String()+`-error">overlapper`)
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
	assert.Contains(t, bad.Body, `<span class="ds-validation-message field-error" id="pname-`+ta.Sofie.String()+`-error">må fylles ut</span>`)
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

// The board is a list with one large button per child, its own stylesheet
// and script (allowed by the page's Content-Security-Policy, and by no
// other page's), and the phone numbers of who may collect: not a
// protected guardian's.
func TestBoardPage(t *testing.T) {
	ta := webtest.New(t)
	staff := ta.CookieFor(t, demo.PersonaStaff)
	board := ta.Do(t, staff, "GET", "/staff/attendance", "", "")
	require.Equal(t, http.StatusOK, board.Status, board.Body)
	assert.Contains(t, board.Header.Get("Content-Security-Policy"), "script-src 'self'")
	assert.Contains(t, board.Header.Get("Content-Security-Policy"), "connect-src 'self'")
	assert.Contains(t, board.Body, `<script src="/static/board.js" defer></script>`)
	assert.Contains(t, board.Body, `href="/static/board.css"`)
	assert.Contains(t, board.Body, `data-pending="Ikke sendt ennå"`)
	assert.Contains(t, board.Body, `data-login="Du er logget ut. Logg inn igjen for å sende trykkene som venter."`)
	assert.Regexp(t, `data-now="\d{13}"`, board.Body)
	assert.NotContains(t, board.Body, "<table", "rows, not a table that scrolls sideways on a phone")
	assert.Contains(t, board.Body, `class="ds-button board-button" data-variant="primary" data-size="lg">Sjekk inn Sofie Berg</button>`)
	other := ta.Do(t, staff, "GET", "/guardian", "", "")
	assert.NotContains(t, other.Header.Get("Content-Security-Policy"), "script-src", "other pages run no script")

	for _, f := range []struct{ path, typ, has string }{
		{"/static/board.js", "text/javascript; charset=utf-8", "Idempotency-Key"},
		{"/static/board.css", "text/css; charset=utf-8", ".board-button"},
	} {
		r := ta.Do(t, "", "GET", f.path, "", "")
		require.Equal(t, http.StatusOK, r.Status, f.path)
		assert.Equal(t, f.typ, r.Header.Get("Content-Type"))
		assert.Contains(t, r.Body, f.has)
	}

	// At check-out: who may collect, with the pickup list's phone numbers.
	in := ta.Do(t, staff, "POST", "/api/v1/children/"+ta.Sofie.String()+"/check-in", "application/json", `{"key":"board-in"}`)
	require.Equal(t, http.StatusCreated, in.Status, in.Body)
	board = ta.Do(t, staff, "GET", "/staff/attendance", "", "")
	assert.Contains(t, board.Body, "Hvem henter Sofie Berg?")
	assert.Regexp(t, `<label for="collector-[0-9a-f-]+-\d">Gunn Berg \(mormor\)</label>\s*<a class="board-phone" href="tel:&#43;4790011223">&#43;47 900 11 223</a>`, board.Body)
	assert.Contains(t, board.Body, "Bekreft utsjekking av Sofie Berg")

	// Aurora's mother has a strictly protected address: her name is offered
	// at check-out, her phone number never.
	kg := ta.CookieFor(t, demo.PersonaOtherStaff)
	aurora := ta.Do(t, kg, "POST", "/api/v1/children/"+ta.Aurora.String()+"/check-in", "application/json", `{"key":"aurora-in"}`)
	require.Equal(t, http.StatusCreated, aurora.Status, aurora.Body)
	kgBoard := ta.Do(t, kg, "GET", "/staff/attendance", "", "")
	require.Equal(t, http.StatusOK, kgBoard.Status)
	assert.Contains(t, kgBoard.Body, "Marte Solheim (foresatt)")
	assert.NotContains(t, kgBoard.Body, demo.ProtectedPhone)
	assert.NotContains(t, kgBoard.Body, strings.ReplaceAll(strings.ReplaceAll(demo.ProtectedPhone, " ", ""), "+", "&#43;"))
}

// Without JavaScript a check-out with someone not on the pickup list is a
// step of its own: the warning and who may collect, nothing recorded until
// it is confirmed; then it is recorded with who collected and the warning.
// A name on the list needs no step; staff of another unit get no step (and
// see no pickup list).
func TestCheckOutUnlistedConfirm(t *testing.T) {
	ta := webtest.New(t)
	staff := ta.CookieFor(t, demo.PersonaStaff)
	form := "application/x-www-form-urlencoded"
	path := "/staff/attendance/" + ta.Sofie.String()
	day := domain.Today(ta.App.Clock)
	require.Equal(t, http.StatusSeeOther, ta.Do(t, staff, "POST", path+"/check-in", form, "key=c-in").Status)
	checks := func() []attendance.Check {
		d, err := ta.Store.UnitDay(t.Context(), demo.Municipality, ta.NordbySFO, day)
		require.NoError(t, err)
		return d.Checks
	}

	// Staff of another unit: refused, no pickup list shown.
	kg := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherStaff), "POST", path+"/check-out", form, url.Values{"key": {"c-x"}, "collector": {""}, "collectorName": {"Ukjent Onkel"}}.Encode())
	assert.Equal(t, http.StatusForbidden, kg.Status)
	assert.NotContains(t, kg.Body, "Gunn Berg")

	step := ta.Do(t, staff, "POST", path+"/check-out", form, url.Values{"key": {"c-out"}, "unit": {ta.NordbySFO.String()}, "collector": {""}, "collectorName": {"Ukjent Onkel"}}.Encode())
	require.Equal(t, http.StatusOK, step.Status, step.Body)
	assert.Contains(t, step.Body, "Ukjent Onkel står ikke på hentelista til Sofie Berg.")
	assert.Contains(t, step.Body, "Gunn Berg (mormor)")
	assert.Contains(t, step.Body, "&#43;47 900 11 223")
	assert.Contains(t, step.Body, `<input type="hidden" name="confirm" value="1">`)
	assert.Contains(t, step.Body, `<input type="hidden" name="key" value="c-out">`, "the same event when confirmed")
	assert.Len(t, checks(), 1, "nothing recorded before it is confirmed")

	done := ta.Do(t, staff, "POST", path+"/check-out", form, url.Values{"key": {"c-out"}, "unit": {ta.NordbySFO.String()}, "collector": {""}, "collectorName": {"Ukjent Onkel"}, "confirm": {"1"}}.Encode())
	require.Equal(t, http.StatusSeeOther, done.Status, done.Body)
	assert.Contains(t, done.Header.Get("Location"), "warn=1")
	cs := checks()
	require.Len(t, cs, 2)
	assert.Equal(t, "Ukjent Onkel", cs[1].Collector.Name)
	assert.Equal(t, attendance.WarnUnlistedCollector, cs[1].Warning)

	// A name typed that is on the list (any case) is no step.
	require.Equal(t, http.StatusSeeOther, ta.Do(t, staff, "POST", path+"/check-in", form, "key=c-in-2").Status)
	listed := ta.Do(t, staff, "POST", path+"/check-out", form, url.Values{"key": {"c-out-2"}, "collector": {""}, "collectorName": {"gunn berg"}}.Encode())
	require.Equal(t, http.StatusSeeOther, listed.Status, listed.Body)
	assert.NotContains(t, listed.Header.Get("Location"), "warn=1")
	cs = checks()
	require.Len(t, cs, 4)
	assert.Empty(t, cs[3].Warning)
	assert.False(t, cs[3].Collector.Pickup.IsZero(), "matched to the pickup list")
}

// What board.js does with a tap that did not get an answer: the same
// request again, same Idempotency-Key, same body (the key and the time of
// the tap), any number of times and after other taps. The app records one
// check-in; every resend gets the first answer back.
func TestBoardResendIsOneCheckIn(t *testing.T) {
	ta := webtest.New(t)
	staff := ta.CookieFor(t, demo.PersonaStaff)
	day := domain.Today(ta.App.Clock)
	at := ta.App.Clock.Now().Add(-20 * time.Minute).UTC().Format("2006-01-02T15:04:05.000Z07:00")
	body := `{"key":"5b0c8c52-8d4e-4d0e-9a51-2f1f3b7e6a10","unitId":"` + ta.NordbySFO.String() + `","at":"` + at + `"}`
	in := "/api/v1/children/" + ta.Sofie.String() + "/check-in"
	first := ta.Do(t, staff, "POST", in, "application/json", body, "Idempotency-Key", "5b0c8c52-8d4e-4d0e-9a51-2f1f3b7e6a10")
	require.Equal(t, http.StatusCreated, first.Status, first.Body)
	for i := 0; i < 3; i++ {
		again := ta.Do(t, staff, "POST", in, "application/json", body, "Idempotency-Key", "5b0c8c52-8d4e-4d0e-9a51-2f1f3b7e6a10")
		require.Equal(t, http.StatusCreated, again.Status, again.Body)
		assert.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
		assert.Equal(t, first.Body, again.Body)
	}
	d, err := ta.Store.UnitDay(t.Context(), demo.Municipality, ta.NordbySFO, day)
	require.NoError(t, err)
	require.Len(t, d.Checks, 1, "exactly one check-in")
	assert.Equal(t, attendance.CheckIn, d.Checks[0].Kind)
	assert.Equal(t, at[:19], d.Checks[0].At.UTC().Format("2006-01-02T15:04:05"), "the time of the tap, not of the send")

	// The same key with the HTTP layer's record gone (swept, or another
	// app process): the library's event key still records it once.
	again := ta.Do(t, staff, "POST", in, "application/json", body)
	require.Equal(t, http.StatusCreated, again.Status, again.Body)
	var c1, c2 attendanceweb.CheckView
	require.NoError(t, json.Unmarshal([]byte(first.Body), &c1))
	require.NoError(t, json.Unmarshal([]byte(again.Body), &c2))
	assert.Equal(t, c1.ID, c2.ID)
	d, err = ta.Store.UnitDay(t.Context(), demo.Municipality, ta.NordbySFO, day)
	require.NoError(t, err)
	assert.Len(t, d.Checks, 1)
}
