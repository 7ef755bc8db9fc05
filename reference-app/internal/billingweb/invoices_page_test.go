package billingweb_test

import (
	"encoding/json"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

var (
	invoiceRow  = regexp.MustCompile(`<a class="ds-link" href="/invoices/[^"]+">(\d+)</a></td><th scope="row">([^<]+)</th>`)
	invoiceNext = regexp.MustCompile(`href="(/billing/invoices\?[^"]*after=[^"]+)#invoices">`)
	invoicePrev = regexp.MustCompile(`href="(/billing/invoices\?[^"]*before=[^"]+)#invoices">`)
)

func invoiceNumbers(body string) []int64 {
	var out []int64
	for _, m := range invoiceRow.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		out = append(out, n)
	}
	return out
}

// A month's invoices page pages by invoice number (keyset), searches by
// the payer's name, the number and the KID, shows the month's count and
// total over all its invoices, and logs only the children shown.
func TestInvoicesPagePagesAndSearches(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	month := billing.Month{Year: 2030, Month: time.January}
	invs, err := webtest.BigInvoices(t.Context(), ta, month, 900001, 120)
	require.NoError(t, err)

	logged := len(ta.AuditedAs(t, "invoices.read"))
	resp := ta.Do(t, cw, "GET", "/billing/invoices?month=2030-01", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	nums := invoiceNumbers(resp.Body)
	require.Len(t, nums, 50, "one page")
	assert.Equal(t, int64(900001), nums[0], "lowest number first")
	assert.Equal(t, int64(900050), nums[49])
	assert.Regexp(t, `<dd>120</dd>`, resp.Body, "the count of the whole month")
	// 120 × 1 234,56 − 12 × 0,50 = 148 141,20, to the øre.
	plain := strings.ReplaceAll(resp.Body, "\u00a0", " ")
	assert.Contains(t, plain, "<dd>148 141,20 kr</dd>", "the total of the whole month")
	assert.Contains(t, plain, "<dd>12 linjer, til sammen -6,00 kr</dd>", "the corrections of the whole month")
	read := ta.AuditedAs(t, "invoices.read")
	require.Equal(t, logged+1, len(read), "one record for the page")
	assert.Len(t, read[0].Children, 50, "naming only the children shown")
	assert.NotRegexp(t, invoicePrev, resp.Body, "no page before the first")

	next := invoiceNext.FindStringSubmatch(resp.Body)
	require.NotNil(t, next)
	assert.Contains(t, html.UnescapeString(next[1]), "month=2030-01", "the pager keeps the month")
	resp = ta.Do(t, cw, "GET", html.UnescapeString(next[1]), "", "")
	nums = invoiceNumbers(resp.Body)
	require.Len(t, nums, 50)
	assert.Equal(t, int64(900051), nums[0], "the next page goes on after the last row")
	next = invoiceNext.FindStringSubmatch(resp.Body)
	require.NotNil(t, next)
	resp = ta.Do(t, cw, "GET", html.UnescapeString(next[1]), "", "")
	nums = invoiceNumbers(resp.Body)
	require.Len(t, nums, 20, "the last page")
	assert.Equal(t, int64(900101), nums[0])
	assert.NotRegexp(t, invoiceNext, resp.Body, "no page after the last")
	prev := invoicePrev.FindStringSubmatch(resp.Body)
	require.NotNil(t, prev)
	resp = ta.Do(t, cw, "GET", html.UnescapeString(prev[1]), "", "")
	nums = invoiceNumbers(resp.Body)
	require.Len(t, nums, 50)
	assert.Equal(t, int64(900051), nums[0], "the page before goes back by key")

	search := func(q string) []int64 {
		t.Helper()
		resp := ta.Do(t, cw, "GET", "/billing/invoices?month=2030-01&q="+q, "", "")
		require.Equal(t, 200, resp.Status)
		assert.Regexp(t, `<dd>120</dd>`, resp.Body, "the figures stay the month's")
		return invoiceNumbers(resp.Body)
	}
	assert.Equal(t, []int64{900007}, search("faktura0007"), "by the payer's name")
	assert.Equal(t, []int64{900013}, search("900013"), "by the invoice number")
	assert.Equal(t, []int64{900042}, search(invs[41].KID), "by the KID")
	assert.Len(t, search("storeng"), 50, "a search matching many pages")
	assert.Empty(t, search("ingen+slik"))
	resp = ta.Do(t, cw, "GET", "/billing/invoices?month=2030-01&q=faktura0007", "", "")
	assert.Contains(t, resp.Body, "Treff: 1.")
	assert.Contains(t, resp.Body, `value="faktura0007"`, "the search as typed")
}

// GET /api/v1/invoices keeps its cursor contract while it reads only the
// page's payers and children.
func TestInvoicesAPIPagesByCursor(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	_, err := webtest.BigInvoices(t.Context(), ta, billing.Month{Year: 2030, Month: time.January}, 900001, 60)
	require.NoError(t, err)
	var page struct {
		Items []struct {
			Number    int64  `json:"number"`
			PayerName string `json:"payerName"`
			Lines     []struct {
				ChildName string `json:"childName"`
			} `json:"lines"`
		} `json:"items"`
		NextCursor string `json:"nextCursor"`
	}
	seen := map[int64]bool{}
	cursor := ""
	for range 10 {
		resp := ta.Do(t, cw, "GET", "/api/v1/invoices?month=2030-01&limit=25&cursor="+cursor, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		page.NextCursor = ""
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &page))
		for _, it := range page.Items {
			assert.False(t, seen[it.Number], "no invoice twice")
			seen[it.Number] = true
			assert.Regexp(t, `^Faktura\d{4} Storeng$`, it.PayerName)
			require.NotEmpty(t, it.Lines)
			assert.Regexp(t, `^Fakturabarn\d{4} Storeng$`, it.Lines[0].ChildName)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	assert.Len(t, seen, 60, "every invoice once over the pages")
}

// The invoices page's and API's work does not grow with the invoices: the
// same number of SQL statements for a month of 100 and of 2,000.
func TestInvoicesPageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	var rowsRead []int64
	count := func(month billing.Month, first int64, n int) (page, api int64, took time.Duration, size int) {
		_, err := webtest.BigInvoices(t.Context(), ta, month, first, n)
		require.NoError(t, err)
		path := "/billing/invoices?month=" + month.String()
		require.Equal(t, 200, ta.Do(t, cw, "GET", path, "", "").Status, "warm")
		before, read, start := ta.SQL.Count(), ta.SQL.Rows(), time.Now()
		resp := ta.Do(t, cw, "GET", path, "", "")
		took = time.Since(start)
		require.Equal(t, 200, resp.Status, resp.Body)
		require.Len(t, invoiceNumbers(resp.Body), 50)
		page = ta.SQL.Count() - before
		rowsRead = append(rowsRead, ta.SQL.Rows()-read)
		before = ta.SQL.Count()
		resp = ta.Do(t, cw, "GET", "/api/v1/invoices?limit=50&month="+month.String(), "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		require.Contains(t, resp.Body, `"nextCursor"`)
		return page, ta.SQL.Count() - before, took, len(resp.Body)
	}
	small, apiSmall, tSmall, bSmall := count(billing.Month{Year: 2030, Month: time.January}, 900001, 100)
	large, apiLarge, tLarge, bLarge := count(billing.Month{Year: 2030, Month: time.February}, 910001, 2000)
	t.Logf("invoices page: %d statements, %v at 100 invoices; %d statements, %v at 2,000 (API %d / %d statements, %d / %d bytes)",
		small, tSmall, large, tLarge, apiSmall, apiLarge, bSmall, bLarge)
	assert.Positive(t, small)
	assert.Equal(t, small, large, "the statements of the page do not grow with the invoices")
	assert.Equal(t, apiSmall, apiLarge, "the statements of the API's page do not grow with the invoices")
	// The page and the figures are read in SQL: the rows read are a page,
	// at 100 invoices as at 2,000 (a few audit entries may be read).
	t.Logf("invoices page: %d rows read at 100 invoices, %d at 2,000", rowsRead[0], rowsRead[1])
	assert.Less(t, rowsRead[1]-rowsRead[0], int64(50), "the rows read do not grow with the invoices")
}
