package billingweb_test

import (
	"html"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

var (
	familyRow  = regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td data-label="Voksne">`)
	familyNext = regexp.MustCompile(`href="(/billing/families\?after=[^"]+)#families">`)
)

// /billing/families pages its families newest first (keyset), searches
// them by the payer's or a child's name, and counts them at the top.
func TestFamiliesPagePagesAndSearches(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	require.NoError(t, webtest.BigFamilies(t.Context(), ta, 120))
	resp := ta.Do(t, cw, "GET", "/billing/families", "", "")
	require.Equal(t, 200, resp.Status)
	rows := familyRow.FindAllStringSubmatch(resp.Body, -1)
	require.Len(t, rows, 50, "one page")
	assert.Equal(t, "Betaler0120 Storeng", html.UnescapeString(rows[0][1]), "newest first")
	assert.Regexp(t, `<span class="figure">\d+</span> familier`, resp.Body)
	next := familyNext.FindStringSubmatch(resp.Body)
	require.NotNil(t, next)
	resp = ta.Do(t, cw, "GET", html.UnescapeString(next[1]), "", "")
	rows = familyRow.FindAllStringSubmatch(resp.Body, -1)
	require.Len(t, rows, 50)
	assert.Equal(t, "Betaler0070 Storeng", html.UnescapeString(rows[0][1]), "the next page goes on after the last row")
	assert.Contains(t, resp.Body, "Forrige side")

	resp = ta.Do(t, cw, "GET", "/billing/families?q=barnet0007", "", "")
	rows = familyRow.FindAllStringSubmatch(resp.Body, -1)
	require.Len(t, rows, 1, "search by a child's name")
	assert.Equal(t, "Betaler0007 Storeng", html.UnescapeString(rows[0][1]))
	assert.Contains(t, resp.Body, "Treff: 1.")
	resp = ta.Do(t, cw, "GET", "/billing/families?q=betaler0119", "", "")
	assert.Len(t, familyRow.FindAllStringSubmatch(resp.Body, -1), 1, "search by the payer's name")
}

// The families page's work does not grow with the families: the same
// number of SQL statements at 100 and at 2,000 families more.
func TestFamiliesPageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	api := func() int64 {
		before := ta.SQL.Count()
		resp := ta.Do(t, cw, "GET", "/api/v1/families?limit=50", "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		require.Contains(t, resp.Body, `"nextCursor"`)
		return ta.SQL.Count() - before
	}
	var rows []int64
	count := func(n int) (int64, time.Duration, int) {
		require.NoError(t, webtest.BigFamilies(t.Context(), ta, n))
		require.Equal(t, 200, ta.Do(t, cw, "GET", "/billing/families", "", "").Status, "warm")
		before, read, start := ta.SQL.Count(), ta.SQL.Rows(), time.Now()
		resp := ta.Do(t, cw, "GET", "/billing/families", "", "")
		took := time.Since(start)
		require.Equal(t, 200, resp.Status)
		require.Len(t, familyRow.FindAllStringSubmatch(resp.Body, -1), 50)
		rows = append(rows, ta.SQL.Rows()-read)
		return ta.SQL.Count() - before, took, len(resp.Body)
	}
	small, tSmall, bSmall := count(100)
	apiSmall := api()
	large, tLarge, bLarge := count(1900)
	apiLarge := api()
	t.Logf("GET /api/v1/families: %d statements, then %d", apiSmall, apiLarge)
	assert.Equal(t, apiSmall, apiLarge, "the statements of the API's page do not grow with the families")
	t.Logf("families page: %d statements, %v, %d bytes with 100 families more; %d statements, %v, %d bytes with 2,000 more", small, tSmall, bSmall, large, tLarge, bLarge)
	assert.Positive(t, small)
	assert.Equal(t, small, large, "the statements of the page do not grow with the families")
	// The families are one page and counts in SQL, and the income
	// decisions shown are the page's families' (every family has one): the
	// rows read do not grow with the 1,900 families more (a few audit
	// entries written between the two requests may be read).
	t.Logf("families page: %d rows read, then %d", rows[0], rows[1])
	assert.Less(t, rows[1]-rows[0], int64(100), "the rows read do not grow with the families")
	assert.Less(t, bLarge-bSmall, 2000, "nor does the page")
}
