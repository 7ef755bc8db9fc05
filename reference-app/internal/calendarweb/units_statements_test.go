package calendarweb_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The caseworker's /calendar lists every unit from the one read of the
// municipality's units: as many statements at 500 units more as at 20
// more, and every unit linked.
func TestCalendarUnitsStatementsDoNotGrowWithUnits(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	count := func(prefix string, n int) (int64, int) {
		_, err := webtest.ManyUnits(t.Context(), ta, prefix, n)
		require.NoError(t, err)
		require.Equal(t, 200, ta.Do(t, cookie, "GET", "/calendar", "", "").Status, "warm")
		before := ta.SQL.Count()
		resp := ta.Do(t, cookie, "GET", "/calendar", "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		return ta.SQL.Count() - before, strings.Count(resp.Body, prefix)
	}
	small, shown := count("Faa", 20)
	assert.Equal(t, 20, shown, "every unit is linked")
	large, shown := count("Mange", 480)
	assert.Equal(t, 480, shown, "every unit is linked")
	t.Logf("/calendar: %d statements at 20 units more, %d at 500", small, large)
	assert.Positive(t, small)
	assert.Equal(t, small, large, "the statements do not grow with the units")
}
