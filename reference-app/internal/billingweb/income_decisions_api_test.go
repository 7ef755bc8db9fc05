package billingweb_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

type incomeItem struct {
	ID        string `json:"id"`
	Family    string `json:"family"`
	PayerName string `json:"payerName"`
}

// named is how many children an audit entry names.
func named(e domain.AuditEntry) int {
	if len(e.Children) == 0 && !e.ChildID.IsZero() {
		return 1
	}
	return len(e.Children)
}

// GET /api/v1/income-decisions pages by family: every decision once over
// the pages, families without a decision never making a page; ?q= finds a
// family by a name; the audit names the children of the families shown
// only.
func TestIncomeDecisionsAPIPagesByFamily(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	require.NoError(t, webtest.BigFamilies(t.Context(), ta, 60))
	// Families without a decision.
	_, err := webtest.BigInvoices(t.Context(), ta, billing.Month{Year: 2030, Month: time.January}, 800001, 30)
	require.NoError(t, err)
	all, err := ta.DB.IncomeDecisions(t.Context(), demo.Municipality)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(all), 60)

	seen := map[string]bool{}
	cursor, pages := "", 0
	for range 20 {
		pg := page[incomeItem](t, ta, cw, "/api/v1/income-decisions?limit=25"+cursor)
		pages++
		families := map[string]bool{}
		for _, d := range pg.Items {
			assert.False(t, seen[d.ID], "no decision twice")
			seen[d.ID] = true
			families[d.Family] = true
			assert.NotEmpty(t, d.PayerName)
		}
		assert.LessOrEqual(t, len(families), 25, "at most limit families a page")
		if pg.NextCursor == "" {
			break
		}
		assert.NotEmpty(t, pg.Items, "a page before the last holds decisions")
		cursor = "&cursor=" + pg.NextCursor
	}
	assert.Len(t, seen, len(all), "every decision of the municipality once over the pages")
	assert.GreaterOrEqual(t, pages, 3)

	before := len(ta.AuditedAs(t, "income-decisions.list"))
	pg := page[incomeItem](t, ta, cw, "/api/v1/income-decisions?q=barnet0007")
	require.Len(t, pg.Items, 1, "a child's name finds the family's decision")
	assert.Equal(t, "Betaler0007 Storeng", pg.Items[0].PayerName)
	entries := ta.AuditedAs(t, "income-decisions.list")
	require.Len(t, entries, before+1, "one audit record for the request")
	newest := entries[0]
	for _, e := range entries {
		if e.At.After(newest.At) {
			newest = e
		}
	}
	assert.Equal(t, 1, named(newest), "naming the one child of the family shown")
	assert.Empty(t, page[incomeItem](t, ta, cw, "/api/v1/income-decisions?q=faktura0001").Items, "a family without a decision is not found")

	resp := ta.Do(t, cw, "GET", "/api/v1/income-decisions?cursor=bm90LWFuLWlk", "", "")
	assert.Equal(t, 400, resp.Status, "a cursor this API did not give")
}
