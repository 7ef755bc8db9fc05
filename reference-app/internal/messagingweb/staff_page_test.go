package messagingweb_test

import (
	"html"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

var (
	staffThreadRow = regexp.MustCompile(`<tr><th scope="row"><a class="ds-link" href="/messages/[^"]+">([^<]+)</a>`)
	staffNext      = regexp.MustCompile(`href="(/staff/messages\?[^"]*after=[^"]+)#traader"`)
	staffPrev      = regexp.MustCompile(`href="(/staff/messages\?[^"]*before=[^"]+)#traader"`)
)

func staffThreads(body string) []string {
	var out []string
	for _, m := range staffThreadRow.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// The staff's messages page shows the units' threads in keyset pages,
// newest first, with the count at the top; only the children of the
// threads shown are logged as read.
func TestStaffMessagesPages(t *testing.T) {
	ta := webtest.New(t)
	staff := ta.CookieFor(t, demo.PersonaOtherStaff)
	_, err := webtest.BigUnit(t.Context(), ta, ta.Bjorkelia, "Side", 120)
	require.NoError(t, err)
	logged := len(ta.AuditedAs(t, "messages.list"))
	resp := ta.Do(t, staff, "GET", "/staff/messages", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	first := staffThreads(resp.Body)
	require.Len(t, first, 50, "one page")
	assert.Contains(t, first, "Om Side0120", "newest first")
	assert.NotContains(t, first, "Om Side0001")
	m := regexp.MustCompile(`<span class="figure">(\d+)</span> samtaler og oppslag i alt`).FindStringSubmatch(resp.Body)
	require.NotNil(t, m)
	total, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	assert.GreaterOrEqual(t, total, 120, "the count is of all the units' threads")
	listed := ta.AuditedAs(t, "messages.list")
	require.Equal(t, logged+1, len(listed), "one record for the page")
	assert.Len(t, listed[0].Children, 50, "naming only the children shown")
	assert.NotRegexp(t, staffPrev, resp.Body)
	next := staffNext.FindStringSubmatch(resp.Body)
	require.NotNil(t, next)
	resp = ta.Do(t, staff, "GET", html.UnescapeString(next[1]), "", "")
	require.Equal(t, 200, resp.Status)
	second := staffThreads(resp.Body)
	require.Len(t, second, 50)
	for _, s := range second {
		assert.NotContains(t, first, s, "the next page goes on after the last row")
	}
	prev := staffPrev.FindStringSubmatch(resp.Body)
	require.NotNil(t, prev)
	resp = ta.Do(t, staff, "GET", html.UnescapeString(prev[1]), "", "")
	assert.Equal(t, first, staffThreads(resp.Body), "back to the first page")
}

// The staff's messages page's work does not grow with the unit's threads:
// the same number of SQL statements at 100 and at 2,000, but for the
// audit log's (the form names every child of the unit; one INSERT per
// child until the audit of a list is one record, issue 24 part 4).
func TestStaffMessagesStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	staff := ta.CookieFor(t, demo.PersonaOtherStaff)
	count := func(prefix string, n int) webtest.Count {
		_, err := webtest.BigUnit(t.Context(), ta, ta.Bjorkelia, prefix, n)
		require.NoError(t, err)
		c := ta.Counted(t, staff, "/staff/messages")
		require.Len(t, staffThreads(c.Body), 50)
		t.Logf("/staff/messages, %s (%d more children): %v", prefix, n, c)
		return c
	}
	small := count("Liten", 100)
	large := count("Stor", 1900)
	assert.Positive(t, small.Reads())
	assert.Equal(t, small.Reads(), large.Reads(), "the reads of the page do not grow with the threads")
}
