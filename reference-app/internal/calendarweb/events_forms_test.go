package calendarweb_test

import (
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/calendarweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

const formType = "application/x-www-form-urlencoded"

// A refused event form comes back (422) with what was typed in it and
// each field's error, in the user's language, next to the field and in
// the summary; nothing is stored.
func TestEventFormKeepsTheInputAndNamesTheField(t *testing.T) {
	ta := webtest.New(t)
	staff := ta.CookieFor(t, demo.PersonaStaff)
	sfo := ta.NordbySFO.String()
	long := strings.Repeat("Juleverksted ", 20)
	for _, c := range []struct {
		name         string
		form         url.Values
		input, field string
		reason       string
		kept         string
	}{
		{"empty title", url.Values{"title": {"  "}, "day": {"2026-01-12"}, "place": {"Gymsalen"}}, "title", "title", "required", "Gymsalen"},
		{"end before start", url.Values{"title": {"Juleverksted"}, "day": {"2026-01-12"}, "from": {"14:00"}, "to": {"12:30"}}, "to", "end", calendarweb.ReasonToBeforeFrom, "Juleverksted"},
		{"impossible date", url.Values{"title": {"Juleverksted"}, "day": {"2026-02-30"}}, "day", "day", domain.ReasonDate, "2026-02-30"},
		{"impossible date, and the end before the start", url.Values{"title": {"Juleverksted"}, "day": {"2026-02-30"}, "from": {"14:00"}, "to": {"12:00"}}, "to", "end", calendarweb.ReasonToBeforeFrom, "2026-02-30"},
		{"control character", url.Values{"title": {"Jule\u0007verksted"}, "day": {"2026-01-12"}, "place": {"Gymsalen"}}, "title", "title", domain.ReasonControl, "Gymsalen"},
		{"over-long title", url.Values{"title": {long}, "day": {"2026-01-12"}}, "title", "title", "too-long", long},
		{"time without an end", url.Values{"title": {"Juleverksted"}, "day": {"2026-01-12"}, "from": {"14:00"}}, "to", "to", "required", "14:00"},
		{"not a time", url.Values{"title": {"Juleverksted"}, "day": {"2026-01-12"}, "from": {"25:00"}, "to": {"26:00"}}, "from", "from", "is-not-a-time", "25:00"},
		{"another unit's group", url.Values{"title": {"Juleverksted"}, "day": {"2026-01-12"}, "group": {domain.NewID[domain.Group]().String()}}, "group", "group", "calendarweb-no-such-group", "Juleverksted"},
	} {
		for _, lang := range []string{"nb", "en"} {
			t.Run(c.name+" "+lang, func(t *testing.T) {
				before, err := ta.Store.Events(t.Context(), demo.Municipality, domain.Period{Start: date.New(2026, time.January, 1), End: date.New(2026, time.March, 31)})
				require.NoError(t, err)
				res := ta.Do(t, staff+"; "+web.LangCookie+"="+lang, "POST", "/calendar/units/"+sfo+"/events", formType, c.form.Encode())
				require.Equal(t, 422, res.Status, res.Body)
				body := html.UnescapeString(res.Body)
				assert.Contains(t, body, `value="`+c.kept+`"`, "what was typed is kept")
				assert.Contains(t, res.Body, `id="`+c.input+`-`+sfo+`" `, "the field is there")
				assert.Contains(t, res.Body, `aria-describedby="`+c.input+`-`+sfo+`-error"`, "the field names its error")
				if c.reason != "" {
					reason := ta.App.Locale(lang).FieldReason(domain.FieldError{Field: c.field, Reason: c.reason})
					require.NotEqual(t, c.reason, reason, "the reason has a text in %s", lang)
					assert.Contains(t, body, `id="`+c.input+`-`+sfo+`-error">`+reason+`</span>`)
				}
				assert.Contains(t, res.Body, `role="alert"`)
				if c.form.Get("day") == "2026-02-30" {
					assert.Contains(t, res.Body, `type="text" inputmode="numeric"`, "a refused day is shown as typed, not dropped by a date picker")
				}
				assert.Contains(t, res.Body, `<html lang="`+lang+`"`)
				after, err := ta.Store.Events(t.Context(), demo.Municipality, domain.Period{Start: date.New(2026, time.January, 1), End: date.New(2026, time.March, 31)})
				require.NoError(t, err)
				assert.Len(t, after, len(before), "nothing is stored")
			})
		}
	}
}

// Staff add an event for one of their unit's groups, change it and delete
// it from the page; the municipality's caseworker adds one for the whole
// municipality, changes and deletes it; staff may not touch the
// municipality's, nor another unit's.
func TestEventFormsAddChangeAndDelete(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	m := demo.Municipality
	staff, caseworker := ta.CookieFor(t, demo.PersonaStaff), ta.CookieFor(t, demo.PersonaCaseworker)
	groups, err := ta.Store.Groups(ctx, m, ta.NordbySFO)
	require.NoError(t, err)
	require.NotEmpty(t, groups)
	g := groups[0]
	find := func(title string) (domain.Event, bool) {
		es, err := ta.Store.Events(ctx, m, domain.Period{Start: domain.Today(domain.FixedClock(webtest.Now)), End: domain.OpenEnd})
		require.NoError(t, err)
		for _, e := range es {
			if e.Title == title {
				return e, true
			}
		}
		return domain.Event{}, false
	}
	day := domain.Today(domain.FixedClock(webtest.Now)).AddDate(0, 0, 10).String()

	page := ta.Do(t, staff, "GET", "/calendar/events", "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, `<option value="`+g.ID.String()+`">`+html.EscapeString(g.Name)+`</option>`, "the unit's groups are offered")
	assert.NotContains(t, page.Body, `action="/calendar/events"`, "staff have no municipality form")

	unitPath := "/calendar/units/" + ta.NordbySFO.String() + "/events"
	res := ta.Do(t, staff, "POST", unitPath, formType, url.Values{"title": {"Foreldrekaffe"}, "day": {day}, "from": {"08:00"}, "to": {"09:00"}, "group": {g.ID.String()}}.Encode())
	require.Equal(t, 303, res.Status, res.Body)
	e, ok := find("Foreldrekaffe")
	require.True(t, ok)
	assert.Equal(t, domain.ScopeGroupEvent, e.Scope)
	assert.Equal(t, g.ID, e.Group)
	assert.Equal(t, 8, e.Start.In(domain.Oslo()).Hour())

	edit := unitPath + "/" + e.ID.String()
	form := ta.Do(t, staff, "GET", edit+"/edit", "", "")
	require.Equal(t, 200, form.Status, form.Body)
	assert.Contains(t, form.Body, `value="Foreldrekaffe"`)
	assert.Contains(t, form.Body, `value="08:00"`)
	assert.Contains(t, form.Body, `<option value="`+g.ID.String()+`" selected>`)
	bad := ta.Do(t, staff, "POST", edit, formType, url.Values{"title": {"Foreldrekaffe i gymsalen"}, "day": {day}, "from": {"10:00"}, "to": {"09:00"}}.Encode())
	require.Equal(t, 422, bad.Status)
	assert.Contains(t, bad.Body, `value="Foreldrekaffe i gymsalen"`)
	assert.Contains(t, bad.Body, `id="to-edit-error"`)
	res = ta.Do(t, staff, "POST", edit, formType, url.Values{"title": {"Foreldrekaffe i gymsalen"}, "day": {day}}.Encode())
	require.Equal(t, 303, res.Status, res.Body)
	e, ok = find("Foreldrekaffe i gymsalen")
	require.True(t, ok)
	assert.True(t, e.AllDay)
	assert.Equal(t, domain.ScopeUnitEvent, e.Scope, "no group chosen: the whole unit")

	// Another unit's path does not find it.
	other := "/calendar/units/" + ta.Bjorkelia.String() + "/events/" + e.ID.String()
	assert.Equal(t, 404, ta.Do(t, caseworker, "GET", other+"/edit", "", "").Status)
	res = ta.Do(t, staff, "POST", edit+"/delete", formType, "")
	require.Equal(t, 303, res.Status)
	_, ok = find("Foreldrekaffe i gymsalen")
	assert.False(t, ok)

	// The municipality's events.
	page = ta.Do(t, caseworker, "GET", "/calendar/events", "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, `action="/calendar/events"`)
	refused := ta.Do(t, caseworker, "POST", "/calendar/events", formType, url.Values{"title": {""}, "day": {"2026-13-01"}}.Encode())
	require.Equal(t, 422, refused.Status)
	assert.Contains(t, refused.Body, `id="title-municipality-error"`)
	assert.Contains(t, refused.Body, `id="day-municipality-error"`)
	assert.Contains(t, refused.Body, `value="2026-13-01"`)
	res = ta.Do(t, caseworker, "POST", "/calendar/events", formType, url.Values{"title": {"Foreldremøte for alle"}, "day": {day}, "from": {"18:00"}, "to": {"19:30"}}.Encode())
	require.Equal(t, 303, res.Status, res.Body)
	mev, ok := find("Foreldremøte for alle")
	require.True(t, ok)
	assert.Equal(t, domain.ScopeMunicipalityEvent, mev.Scope)
	page = ta.Do(t, caseworker, "GET", "/calendar/events", "", "")
	assert.Contains(t, page.Body, `href="/calendar/events/`+mev.ID.String()+`/edit"`)
	assert.NotContains(t, ta.Do(t, staff, "GET", "/calendar/events", "", "").Body, `/calendar/events/`+mev.ID.String()+`/edit`, "staff see it, without a change link")
	assert.Equal(t, 403, ta.Do(t, staff, "POST", "/calendar/events/"+mev.ID.String()+"/delete", formType, "").Status)
	res = ta.Do(t, caseworker, "POST", "/calendar/events/"+mev.ID.String(), formType, url.Values{"title": {"Foreldremøte"}, "day": {day}, "from": {"18:00"}, "to": {"20:00"}}.Encode())
	require.Equal(t, 303, res.Status, res.Body)
	mev, ok = find("Foreldremøte")
	require.True(t, ok)
	assert.Equal(t, 20, mev.End.In(domain.Oslo()).Hour())
	res = ta.Do(t, caseworker, "POST", "/calendar/events/"+mev.ID.String()+"/delete", formType, "")
	require.Equal(t, 303, res.Status)
	_, ok = find("Foreldremøte")
	assert.False(t, ok)
}

// The copy button of a new feed URL: hidden until its script (from the
// app, allowed on that page only) shows it; the URL is in a read-only
// field besides, for a browser without script.
func TestFeedCopyButton(t *testing.T) {
	ta := webtest.New(t)
	res := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "POST", "/calendar/feed", formType, "")
	require.Equal(t, 200, res.Status, res.Body)
	assert.Contains(t, res.Body, `<script src="/static/feed.js" defer></script>`)
	assert.Regexp(t, `<button class="ds-button" data-variant="secondary" type="button" id="feed-copy" hidden`, res.Body)
	assert.Regexp(t, `id="feed-url" value="http://[^"]+\.ics" readonly`, res.Body)
	assert.Contains(t, res.Header.Get("Content-Security-Policy"), "script-src 'self'")
	assert.NotContains(t, res.Header.Get("Content-Security-Policy"), "unsafe-inline")
	// Elsewhere no script runs.
	page := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/calendar/events", "", "")
	assert.NotContains(t, page.Header.Get("Content-Security-Policy"), "script-src")
	assert.NotContains(t, page.Body, "<script")
	js := ta.Do(t, "", "GET", "/static/feed.js", "", "")
	require.Equal(t, 200, js.Status)
	assert.Equal(t, "text/javascript; charset=utf-8", js.Header.Get("Content-Type"))
	assert.Contains(t, js.Body, "navigator.clipboard")
}
