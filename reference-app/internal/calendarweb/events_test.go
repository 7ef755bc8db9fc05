package calendarweb_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The feed holds exactly what its guardian may see, parsed with a
// standard iCalendar parser: the municipality's events and those of the
// child's unit, never another unit's; once the child's address is
// protected, nothing of the child's unit (nor the municipality's, the
// child being the only one) reaches the parent without parental
// responsibility, while the parent with it still sees all. A revoked or
// unknown token is 404; a read is audited as the guardian.
func TestFeedHoldsWhatTheGuardianMaySee(t *testing.T) {
	ta := webtest.New(t)
	ctx := context.Background()
	m := demo.Municipality
	today := domain.Today(domain.FixedClock(webtest.Now))
	put := func(scope domain.EventScope, unit domain.UnitID, title string) domain.Event {
		e := domain.Event{ID: domain.NewID[domain.Event](), Municipality: m, Scope: scope, Unit: unit, Title: title,
			Start: time.Date(2025, 12, 2, 18, 0, 0, 0, domain.Oslo()), End: time.Date(2025, 12, 2, 19, 30, 0, 0, domain.Oslo()),
			Updated: webtest.Now}.Normalize()
		require.NoError(t, ta.Store.PutEvent(ctx, e))
		return e
	}
	meeting := put(domain.ScopeMunicipalityEvent, domain.UnitID{}, "Foreldremøte for alle")
	sfo := put(domain.ScopeUnitEvent, ta.NordbySFO, "Juleverksted på SFO, gym; sal")
	other := put(domain.ScopeUnitEvent, ta.Bjorkelia, "Fotografering i Bjørkelia")
	planning := domain.CalendarEntry{ID: domain.NewID[domain.CalendarEntry](), Municipality: m, Kind: domain.UnitClosed, Unit: ta.NordbySFO,
		Period: domain.Period{Start: today.AddDate(0, 0, 14), End: today.AddDate(0, 0, 14)}, Name: "Planleggingsdag SFO"}
	require.NoError(t, ta.Store.PutCalendarEntry(ctx, planning))
	_ = other

	feedOf := func(persona string) string {
		resp := ta.Do(t, ta.CookieFor(t, persona), "POST", "/api/v1/calendar/feed", "application/json", "")
		require.Equal(t, 201, resp.Status, resp.Body)
		var v struct{ URL string }
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &v))
		u, err := url.Parse(v.URL)
		require.NoError(t, err)
		assert.True(t, strings.HasSuffix(u.Path, ".ics"))
		return u.Path
	}
	uids := func(path string) []string {
		resp := ta.Do(t, "", "GET", path, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		assert.Equal(t, "text/calendar; charset=utf-8", resp.Header.Get("Content-Type"))
		cal, err := ics.ParseCalendar(strings.NewReader(resp.Body))
		require.NoError(t, err)
		var out []string
		for _, e := range cal.Events() {
			out = append(out, e.Id())
			if e.Id() == sfo.UID() {
				assert.Equal(t, sfo.Title, e.GetProperty(ics.ComponentPropertySummary).Value)
			}
		}
		slices.Sort(out)
		return out
	}
	// The demo's own entries of the opening calendar that concern Sofie's
	// units (Nordby skole and its SFO) are in the feed too: the school
	// holidays, not the kindergartens' closures.
	seeded, err := ta.Store.CalendarEntries(ctx, m, domain.Period{Start: today.AddDate(0, 0, -30), End: today.AddDate(0, 0, 365)})
	require.NoError(t, err)
	var base []domain.Event
	for _, ce := range seeded {
		if ce.ID != planning.ID && ce.Unit.IsZero() && ce.AppliesTo != domain.Kindergarten {
			base = append(base, domain.Event{Municipality: m, Entry: ce.ID})
		}
	}
	require.NotEmpty(t, base, "the demo has school holidays in the window")
	want := func(es ...domain.Event) []string {
		es = append(es, base...)
		var out []string
		for _, e := range es {
			out = append(out, e.UID())
		}
		slices.Sort(out)
		return out
	}
	entry := domain.Event{Municipality: m, Entry: planning.ID}

	parent, informed := feedOf(demo.PersonaGuardian), feedOf(demo.PersonaOtherParent)
	assert.Equal(t, want(meeting, sfo, entry), uids(parent))
	assert.Equal(t, want(meeting, sfo, entry), uids(informed))

	// Sofie's address becomes protected.
	child, err := ta.Store.Child(ctx, m, ta.Sofie)
	require.NoError(t, err)
	child.AddressProtection = domain.ProtectionFortrolig
	require.NoError(t, ta.Store.UpdateChild(ctx, child))
	assert.Equal(t, want(meeting, sfo, entry), uids(parent), "parental responsibility sees the unit")
	assert.Empty(t, uids(informed), "the § 47 parent learns nothing of the protected child's unit")
	api := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherParent), "GET", "/api/v1/events?from=2025-11-24", "", "")
	require.Equal(t, 200, api.Status)
	assert.NotContains(t, api.Body, sfo.Title)

	// Audited as the guardian, about the child.
	entries, err := ta.Store.AuditEntries(ctx, m, ta.Sofie, domain.AuditID{}, 100)
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(entries, func(e domain.AuditEntry) bool {
		return e.Action == "calendar.feed.read" && e.Actor.Guardian == ta.Personas[demo.PersonaGuardian].Actor.Guardian
	}))

	// Renewing stops the old URL; revoking stops the new one; a made-up
	// token is 404 like a revoked one.
	renewed := feedOf(demo.PersonaGuardian)
	assert.Equal(t, 404, ta.Do(t, "", "GET", parent, "", "").Status)
	require.Equal(t, 204, ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "DELETE", "/api/v1/calendar/feed", "", "").Status)
	assert.Equal(t, 404, ta.Do(t, "", "GET", renewed, "", "").Status)
	assert.Equal(t, 404, ta.Do(t, "", "GET", "/calendar/9999-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics", "", "").Status)
	assert.Equal(t, 404, ta.Do(t, "", "GET", "/calendar/nonsense.ics", "", "").Status)
}
