package billingweb_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The rule tables page reads what the unknown parameters block without a
// read per unit (billing.BlockedReader reads the families it can block):
// as many statements at 500 kindergartens more as at 20 more.
func TestRuleTablesStatementsDoNotGrowWithUnits(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	count := func(prefix string, n int) int64 {
		_, err := webtest.ManyUnits(t.Context(), ta, prefix, n)
		require.NoError(t, err)
		require.Equal(t, 200, ta.Do(t, cookie, "GET", "/billing/rule-tables", "", "").Status, "warm")
		before := ta.SQL.Count()
		resp := ta.Do(t, cookie, "GET", "/billing/rule-tables", "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		return ta.SQL.Count() - before
	}
	small := count("Faa", 20)
	large := count("Mange", 480)
	t.Logf("/billing/rule-tables: %d statements at 20 units more, %d at 500", small, large)
	assert.Positive(t, small)
	assert.Equal(t, small, large, "the statements do not grow with the units")
}
