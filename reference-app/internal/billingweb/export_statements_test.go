package billingweb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The month's export to the finance system reads the invoices and their
// payers in batches: the same number of SQL statements for a month of 100
// invoices and of 2,000, and every invoice in the file.
func TestExportStatementsDoNotGrowWithInvoices(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	count := func(month billing.Month, first int64, n int) (int64, time.Duration) {
		_, err := webtest.BigInvoices(t.Context(), ta, month, first, n)
		require.NoError(t, err)
		path := "/billing/export.csv?month=" + month.String()
		before, start := ta.SQL.Count(), time.Now()
		resp := ta.Do(t, cw, "GET", path, "", "")
		took := time.Since(start)
		require.Equal(t, 200, resp.Status, resp.Body)
		// A line per invoice line with its payer: every tenth invoice has a
		// correction line besides its fee.
		assert.Equal(t, n+n/10, strings.Count(resp.Body, "Storeng"), "a line per invoice line, with its payer")
		return ta.SQL.Count() - before, took
	}
	small, tSmall := count(billing.Month{Year: 2030, Month: time.January}, 900001, 100)
	large, tLarge := count(billing.Month{Year: 2030, Month: time.February}, 910001, 2000)
	t.Logf("export: %d statements, %v at 100 invoices; %d statements, %v at 2,000", small, tSmall, large, tLarge)
	assert.Positive(t, small)
	assert.Equal(t, small, large, "the statements of the export do not grow with the invoices")
}
