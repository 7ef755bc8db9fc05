package directoryweb_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// elevenDigits is a full national ID on a page.
var elevenDigits = regexp.MustCompile(`\b\d{11}\b`)

// Hilde Berg's start page: a card per child with today's state and the
// sick-today button, Emil's and Nora's open offers with the deadline
// written out, the unread messages and the next invoice due with its KID;
// and no full national ID on any of her pages.
func TestGuardianHome(t *testing.T) {
	ta := webtest.New(t)
	webtest.NewAdmissionFixture(ta)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	// November's invoices fell due on the 20th; December's are next.
	require.Equal(t, 201, ta.RunInvoices(t, cw, "2025-11").Status)
	dec := ta.RunInvoices(t, cw, "2025-12")
	require.Equal(t, 201, dec.Status, dec.Body)
	hilde := ta.CookieFor(t, demo.PersonaGuardian)

	page := ta.Do(t, hilde, "GET", "/guardian", "", "")
	require.Equal(t, 200, page.Status)
	body := page.Body
	assert.Contains(t, body, "Sofie Berg")
	assert.Contains(t, body, "ikke kommet ennå", "Sofie has not arrived at SFO yet")
	assert.Contains(t, body, `action="/guardian/attendance/`+ta.Sofie.String()+`/sick"`, "one click: sick today")
	assert.Regexp(t, `Tilbud om plass i Bjørkelia barnehage fra \d+\. \p{L}+ \d{4}\.`, body, "the open offer")
	assert.Regexp(t, `Svar senest \d+\. (januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember) \d{4}\.`, body, "its deadline, written out")
	assert.Regexp(t, `\d+ uleste meldinger`, body, "unread messages")
	assert.Regexp(t, `Neste faktura: [\d\s\x{a0}]+,\d\d kr, forfaller \d+\. \p{L}+ \d{4}`, body, "the next invoice due, in kr with øre")
	assert.Regexp(t, `KID \d+`, body)
	assert.NotContains(t, body, "Flere tjenester kommer", "no placeholder")

	// Sick today in one click, twice: one report, back on the start page.
	for range 2 {
		sick := ta.Do(t, hilde, "POST", "/guardian/attendance/"+ta.Sofie.String()+"/sick", "application/x-www-form-urlencoded", "from=home")
		require.Equal(t, 303, sick.Status, sick.Body)
		assert.Equal(t, "/guardian#barn-"+ta.Sofie.String(), sick.Header.Get("Location"))
	}
	again := ta.Do(t, hilde, "GET", "/guardian", "", "")
	assert.Contains(t, again.Body, "meldt syk")
	assert.NotContains(t, again.Body, `action="/guardian/attendance/`+ta.Sofie.String()+`/sick"`, "no button once reported")
	records := map[string]bool{}
	for _, e := range ta.AuditedAs(t, "attendance.absence") {
		records[e.Record] = true
	}
	assert.Len(t, records, 1, "pressing twice is one report")

	tor := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherParent), "GET", "/guardian", "", "")
	require.Equal(t, 200, tor.Status)
	assert.Contains(t, tor.Body, "barneloven § 47", "a § 47 parent is told what he gets")
	assert.NotContains(t, tor.Body, "/sick", "and has no sick button")
	assert.NotContains(t, tor.Body, "Tilbud om plass", "nor offers")

	pages := 0
	for path, b := range webtest.Crawl(t, ta, demo.PersonaGuardian) {
		if strings.HasPrefix(path, "/api/") {
			continue // the API gives a parent the child's record, number and all
		}
		pages++
		assert.NotRegexp(t, elevenDigits, stripIDs(b), "a full national ID on %s", path)
	}
	assert.Greater(t, pages, 10, "the crawl reached the guardian's pages")
}

// uuids are the record IDs in links; their digits are no national ID.
var uuids = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func stripIDs(s string) string { return uuids.ReplaceAllString(s, "") }

// A caseworker sees the masked number, and the full one only on asking,
// which is audit-logged.
func TestNationalIDShownOnRequest(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	page := ta.Do(t, cw, "GET", "/children/"+ta.Sofie.String(), "", "")
	require.Equal(t, 200, page.Status)
	assert.NotRegexp(t, elevenDigits, stripIDs(page.Body))
	assert.Regexp(t, `\d{6}\*{5}`, page.Body, "masked: the birth date part")
	assert.Empty(t, ta.AuditedAs(t, "child.national-id.read"))
	full := ta.Do(t, cw, "GET", "/children/"+ta.Sofie.String()+"?fnr=vis", "", "")
	require.Equal(t, 200, full.Status)
	assert.Regexp(t, elevenDigits, stripIDs(full.Body))
	assert.Len(t, ta.AuditedAs(t, "child.national-id.read"), 1)

	hilde := ta.CookieFor(t, demo.PersonaGuardian)
	own := ta.Do(t, hilde, "GET", "/children/"+ta.Sofie.String()+"?fnr=vis", "", "")
	require.Equal(t, 200, own.Status)
	assert.NotRegexp(t, elevenDigits, stripIDs(own.Body), "the request is the caseworker's only")
}
