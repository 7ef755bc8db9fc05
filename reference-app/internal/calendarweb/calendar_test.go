package calendarweb_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The app on SQLite and on PostgreSQL: the roster on a public holiday, a
// planning day and a Saturday expects nobody and shows nobody late; the
// sick button on a closed day answers kindly and records nothing; the
// administrator's calendar shows the holidays with their source and keeps
// what was typed on a refused form.
func TestClosedDaysSQLite(t *testing.T) {
	ta := webtest.New(t)
	closedDays(t, ta, ta.Store)
}

func TestClosedDaysPostgres(t *testing.T) {
	ctx := context.Background()
	store, err := postgres.Open(ctx, postgres.Options{URL: webtest.PostgresURL(t)})
	require.NoError(t, err)
	t.Cleanup(store.Close)
	clock := domain.FixedClock(webtest.Now)
	require.NoError(t, demo.Seed(ctx, store, clock))
	a, err := server.New(store, clock, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	a.Demo = true
	a.Personas, err = demo.Personas(ctx, store)
	require.NoError(t, err)
	ta := &webtest.Harness{App: a, Personas: map[string]demo.Persona{}}
	for _, p := range a.Personas {
		ta.Personas[p.Key] = p
	}
	children, err := store.Children(ctx, demo.Municipality)
	require.NoError(t, err)
	for _, c := range children {
		if c.GivenName+" "+c.FamilyName == "Sofie Berg" {
			ta.Sofie = c.ID
		}
	}
	units, err := store.Units(ctx, demo.Municipality)
	require.NoError(t, err)
	for _, u := range units {
		switch u.Name {
		case "Nordby SFO":
			ta.NordbySFO = u.ID
		case "Bjørkelia barnehage":
			ta.Bjorkelia = u.ID
		}
	}
	ta.Srv = httptest.NewServer(a.Routes())
	t.Cleanup(ta.Srv.Close)
	closedDays(t, ta, store)
}

type rosterBody struct {
	Groups []struct {
		Children []struct {
			Status string `json:"status"`
		} `json:"children"`
	} `json:"groups"`
	Count  map[string]int `json:"count"`
	Closed *struct {
		Code        string `json:"code"`
		Name        string `json:"name"`
		Explanation string `json:"explanation"`
	} `json:"closed"`
}

func closedDays(t *testing.T, ta *webtest.Harness, store web.Store) {
	ctx := context.Background()
	staff := ta.CookieFor(t, demo.PersonaStaff)
	guardian := ta.CookieFor(t, demo.PersonaGuardian)
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	roster := func(unit domain.UnitID, day string) rosterBody {
		t.Helper()
		res := ta.Do(t, admin, "GET", "/api/v1/units/"+unit.String()+"/roster?day="+day, "", "")
		require.Equal(t, http.StatusOK, res.Status, res.Body)
		var b rosterBody
		require.NoError(t, json.Unmarshal([]byte(res.Body), &b))
		return b
	}
	children := func(b rosterBody) int {
		n := 0
		for _, g := range b.Groups {
			n += len(g.Children)
		}
		return n
	}
	for _, unit := range []domain.UnitID{ta.NordbySFO, ta.Bjorkelia} {
		// An open Tuesday: the placed children are expected (the test
		// could fail).
		open := roster(unit, "2025-11-25")
		assert.Nil(t, open.Closed)
		require.Positive(t, children(open))
		for day, code := range map[string]string{
			"2026-05-14": "public-holiday", // Kristi himmelfartsdag 2026
			"2026-05-01": "public-holiday", // 1 May, a Friday
			"2025-11-29": "weekday",        // a Saturday
		} {
			b := roster(unit, day)
			require.NotNil(t, b.Closed, day)
			assert.Equal(t, code, b.Closed.Code, day)
			assert.Zero(t, children(b), "%s: nobody expected", day)
			assert.Zero(t, b.Count["expected"]+b.Count["late"], day)
		}
	}
	// The seeded planning day after Kristi himmelfartsdag closes the
	// kindergarten, not the SFO.
	b := roster(ta.Bjorkelia, "2026-05-15")
	require.NotNil(t, b.Closed)
	assert.Equal(t, "planning-day", b.Closed.Code)
	assert.Nil(t, roster(ta.NordbySFO, "2026-05-15").Closed)
	// Occupancy on a closed day says so.
	occ := ta.Do(t, admin, "GET", "/api/v1/units/"+ta.Bjorkelia.String()+"/occupancy?day=2026-05-14", "", "")
	require.Equal(t, http.StatusOK, occ.Status, occ.Body)
	assert.Contains(t, occ.Body, `"code":"public-holiday"`)

	// The sick button on Kristi himmelfartsdag: nothing recorded.
	before := ta.App.Clock
	ta.App.Clock = domain.FixedClock(time.Date(2026, time.May, 14, 7, 30, 0, 0, domain.Oslo()))
	t.Cleanup(func() { ta.App.Clock = before })
	sick := ta.Do(t, guardian, "POST", "/api/v1/children/"+ta.Sofie.String()+"/absences/sick", "application/json", "{}")
	assert.Equal(t, http.StatusUnprocessableEntity, sick.Status, sick.Body)
	assert.Contains(t, sick.Body, `"day"`)
	form := ta.Do(t, guardian, "POST", "/guardian/attendance/"+ta.Sofie.String()+"/sick", "application/x-www-form-urlencoded", "")
	require.Equal(t, http.StatusSeeOther, form.Status, form.Body)
	page := ta.Do(t, guardian, "GET", form.Header.Get("Location"), "", "")
	require.Equal(t, http.StatusOK, page.Status)
	assert.Contains(t, page.Body, "er stengt i dag (Kristi himmelfartsdag) – ingenting ble registrert.")
	abs, err := store.Absences(ctx, demo.Municipality, ta.Sofie, domain.Period{Start: domain.Today(ta.App.Clock), End: domain.Today(ta.App.Clock)})
	require.NoError(t, err)
	assert.Empty(t, abs, "nothing was recorded")
	// The staff board says the unit is closed.
	board := ta.Do(t, staff, "GET", "/staff/attendance", "", "")
	require.Equal(t, http.StatusOK, board.Status)
	assert.Contains(t, board.Body, "Ingen er ventet i dag.")
	ta.App.Clock = before

	// The administrator's calendar: the holidays with their source.
	cal := ta.Do(t, admin, "GET", "/admin/calendar?year=2025", "", "")
	require.Equal(t, http.StatusOK, cal.Status)
	assert.Contains(t, cal.Body, "Kristi himmelfartsdag")
	assert.Contains(t, cal.Body, "lov 24. februar 1995 nr. 12 om helligdager og helligdagsfred § 2 bokstav g")
	assert.Contains(t, cal.Body, "Planleggingsdag")
	// A refused form keeps what was typed and says why next to the field.
	bad := url.Values{"kind": {"planning-day"}, "start": {"2026-10-09"}, "end": {"2026-10-01"}, "name": {"Kursdag"}}
	res := ta.Do(t, admin, "POST", "/admin/calendar/entries", "application/x-www-form-urlencoded", bad.Encode())
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	assert.Contains(t, res.Body, `value="Kursdag"`)
	assert.Contains(t, res.Body, `id="end-error">er før startdatoen`)
	good := url.Values{"kind": {"planning-day"}, "appliesTo": {"kindergarten"}, "start": {"2026-10-09"}, "name": {"Kursdag"}}
	res = ta.Do(t, admin, "POST", "/admin/calendar/entries", "application/x-www-form-urlencoded", good.Encode())
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	api := ta.Do(t, admin, "GET", "/api/v1/calendar?year=2026", "", "")
	require.Equal(t, http.StatusOK, api.Status)
	assert.Contains(t, api.Body, `"name":"Kursdag"`)
	b = roster(ta.Bjorkelia, "2026-10-09")
	require.NotNil(t, b.Closed)
	assert.Equal(t, "Kursdag", b.Closed.Name)
	// A unit's calendar, as the guardian reads it.
	unit := ta.Do(t, guardian, "GET", "/calendar/units/"+ta.NordbySFO.String(), "", "")
	require.Equal(t, http.StatusOK, unit.Status)
	assert.True(t, strings.Contains(unit.Body, "Kristi himmelfartsdag"), unit.Body)
	assert.NotContains(t, unit.Body, "/closed-days", "a guardian gets no form")
}
