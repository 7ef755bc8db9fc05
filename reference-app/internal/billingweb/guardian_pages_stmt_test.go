package billingweb_test

import (
	"html"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

var (
	guardianInvoiceLink = regexp.MustCompile(`href="(/invoices/[0-9a-f-]{36})"`)
	feeLetterLink       = regexp.MustCompile(`href="(/children/[0-9a-f-]{36}/fee-decisions/[0-9a-f-]{36}/letter)"`)
)

// A guardian's own pages (the start page, the invoices and one invoice,
// the child's fees and a fee-decision letter, the child's export) read the
// guardian's and the child's records by key: the same SQL statements and
// the same rows read (but the child's audit trail the pages themselves
// add to) whether the municipality has 100 other families or
// 2,000 (each with an income decision, an invoice, a fee decision and a
// delivery), and one audit record per page.
func TestGuardianPagesDoNotGrowWithFamilies(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	require.Equal(t, 201, ta.RunInvoices(t, cw, "2025-11").Status)
	g := ta.CookieFor(t, demo.PersonaGuardian)
	child := ta.Sofie.String()

	invoices := ta.Do(t, g, "GET", "/invoices", "", "")
	require.Equal(t, 200, invoices.Status, invoices.Body)
	inv := guardianInvoiceLink.FindStringSubmatch(invoices.Body)
	require.NotNil(t, inv, "the guardian has an invoice of the run")
	fees := ta.Do(t, g, "GET", "/children/"+child+"/fees", "", "")
	require.Equal(t, 200, fees.Status, fees.Body)
	letter := feeLetterLink.FindStringSubmatch(fees.Body)
	require.NotNil(t, letter, "the child has a fee decision with its letter")
	pages := []string{"/guardian", "/invoices", inv[1], "/children/" + child + "/fees", html.UnescapeString(letter[1]),
		"/children/" + child + "/export"}

	type cost struct{ statements, rows, audits int64 }
	measure := func() map[string]cost {
		out := map[string]cost{}
		for _, path := range pages {
			n, rows, audits := ta.SQL.Count(), ta.SQL.Rows(), ta.SQL.Audits()
			resp := ta.Do(t, g, "GET", path, "", "")
			require.Equal(t, 200, resp.Status, "%s: %s", path, resp.Body)
			out[path] = cost{ta.SQL.Count() - n, ta.SQL.Rows() - rows, ta.SQL.Audits() - audits}
		}
		return out
	}
	start := time.Now()
	require.NoError(t, webtest.BigOtherFamilies(t.Context(), ta, billing.Month{Year: 2030, Month: time.January}, 900001, 100))
	// Twice at the small size: the second reading differs from the first
	// only by what the pages themselves logged in between (a fee letter
	// and the export read the child's audit trail, which grows by one
	// record per page read); at the large size they may differ by that,
	// never by the other families.
	first := measure()
	small := measure()
	require.NoError(t, webtest.BigOtherFamilies(t.Context(), ta, billing.Month{Year: 2030, Month: time.February}, 910001, 1900))
	large := measure()
	t.Logf("seeded and measured in %v", time.Since(start).Round(time.Millisecond))
	for _, path := range pages {
		t.Logf("%s: %+v with 100 other families, %+v with 2,000", path, small[path], large[path])
		assert.Positive(t, small[path].statements, path)
		assert.Equal(t, int64(1), small[path].audits, "%s: one audit record", path)
		assert.Equal(t, small[path].statements, large[path].statements, "%s: the statements do not grow with other families", path)
		assert.Equal(t, small[path].rows-first[path].rows, large[path].rows-small[path].rows,
			"%s: the rows read grow only with the child's own audit trail, not with other families", path)
	}
}
