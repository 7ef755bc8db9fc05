package calendarweb_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

var eventItem = regexp.MustCompile(`<li><strong>[^<]+</strong> ([^<(–]+?)(?: \([^)]*\))? – `)

func eventTitles(body string) []string {
	var out []string
	for _, m := range eventItem.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// bigCalendar adds units (copies of Bjørkelia) until the municipality has
// n, each with an all-day event ("Dag <unit>") in the next weeks.
func bigCalendar(t *testing.T, ta *webtest.Harness, n int) {
	t.Helper()
	ctx := t.Context()
	m := demo.Municipality
	bjorkelia, err := ta.DB.Unit(ctx, m, ta.Bjorkelia)
	require.NoError(t, err)
	units, err := ta.DB.Units(ctx, m)
	require.NoError(t, err)
	today := date.NewAt(webtest.Now.In(domain.Oslo()))
	require.NoError(t, ta.DB.Atomic(ctx, func(ctx context.Context) error {
		for i := len(units); i < n; i++ {
			u := bjorkelia
			u.ID, u.Name, u.Parent = domain.NewID[domain.Unit](), fmt.Sprintf("Enhet %04d", i), domain.UnitID{}
			if err := ta.DB.CreateUnit(ctx, u); err != nil {
				return err
			}
			day := today.AddDate(0, 0, 1+i%60)
			if err := ta.DB.PutEvent(ctx, domain.Event{ID: domain.NewID[domain.Event](), Municipality: m, Scope: domain.ScopeUnitEvent,
				Unit: u.ID, Title: fmt.Sprintf("Dag %04d", i), AllDay: true, StartDay: day, EndDay: day, Updated: webtest.Now}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// The events page shows the next 90 days' events in keyset pages by
// start with the count at the top; the municipality's people choose a unit
// to see its events and get its form, instead of a form per unit.
func TestEventsPagePagesAndFilters(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	bigCalendar(t, ta, 80)
	resp := ta.Do(t, cw, "GET", "/calendar/events", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	first := eventTitles(resp.Body)
	require.Len(t, first, 50, "one page")
	m := regexp.MustCompile(`<span class="figure">(\d+)</span> hendelser de neste 90 dagene`).FindStringSubmatch(resp.Body)
	require.NotNil(t, m)
	unitForm := regexp.MustCompile(`action="/calendar/units/[^"/]+/events"`)
	assert.NotRegexp(t, unitForm, resp.Body, "no unit form before a unit is chosen")
	assert.Contains(t, resp.Body, `action="/calendar/events"`, "the municipality's own form")
	next := regexp.MustCompile(`href="(/calendar/events\?[^"]*after=[^"]+)#events"`).FindStringSubmatch(resp.Body)
	require.NotNil(t, next)
	resp = ta.Do(t, cw, "GET", html.UnescapeString(next[1]), "", "")
	second := eventTitles(resp.Body)
	require.NotEmpty(t, second)
	for _, s := range second {
		assert.NotContains(t, first, s, "the next page goes on after the last row")
	}
	assert.Contains(t, resp.Body, `href="/calendar/events?before=`)

	units, err := ta.DB.Units(t.Context(), demo.Municipality)
	require.NoError(t, err)
	var chosen domain.Unit
	for _, u := range units {
		if u.Name == "Enhet 0042" {
			chosen = u
		}
	}
	require.False(t, chosen.ID.IsZero())
	resp = ta.Do(t, cw, "GET", "/calendar/events?unit="+chosen.ID.String(), "", "")
	assert.Equal(t, []string{"Dag 0042"}, eventTitles(resp.Body), "the chosen unit's events")
	assert.Contains(t, resp.Body, `action="/calendar/units/`+chosen.ID.String()+`/events"`, "the chosen unit's form")
	assert.Len(t, unitForm.FindAllString(resp.Body, -1), 1, "one unit's form")
}

// The events page's work does not grow with the municipality: the same
// number of SQL statements, and a page of the same size, at 100 and at
// 2,000 units with an event each.
func TestEventsPageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	count := func(n int) webtest.Count {
		bigCalendar(t, ta, n)
		c := ta.Counted(t, cw, "/calendar/events")
		require.Len(t, eventTitles(c.Body), 50)
		t.Logf("/calendar/events, %d units: %v", n, c)
		return c
	}
	small := count(100)
	large := count(2000)
	assert.Positive(t, small.Reads())
	assert.Equal(t, small.Reads(), large.Reads(), "the reads of the page do not grow with the units and events")
	assert.Less(t, len(large.Body), 300*1024)
}
