package billingweb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// A fee decision's letter, for the guardian with parental responsibility
// and the caseworker: the legal parts in every language, signed by the
// caseworker who ran the invoices, as a page and as data; every read
// logged; another family's guardian gets nothing.
func TestFeeDecisionLetter(t *testing.T) {
	ta := webtest.New(t)
	cw, g := ta.CookieFor(t, demo.PersonaCaseworker), ta.CookieFor(t, demo.PersonaGuardian)
	run := ta.RunInvoices(t, cw, "2025-11")
	require.Less(t, run.Status, 300, run.Body)
	sofie := "/children/" + ta.Sofie.String()
	list := ta.Do(t, g, "GET", "/api/v1"+sofie+"/fee-decisions", "", "")
	require.Equal(t, 200, list.Status, list.Body)
	var pg api.Page[struct {
		ID  string `json:"id"`
		Fee string `json:"fee"`
	}]
	require.NoError(t, json.Unmarshal([]byte(list.Body), &pg))
	require.NotEmpty(t, pg.Items)
	id := pg.Items[0].ID

	for lang, want := range map[string][]string{
		"nb": {"Vedtak om foreldrebetaling", "Lovgrunnlag", "Du kan klage", "tre uker", "siste dag for å klage", "forvaltningsloven § 18", "Siri Saksbehandler", "saksbehandler", "Hilde Berg"},
		"nn": {"Vedtak om foreldrebetaling", "Lovgrunnlag", "Du kan klage", "tre veker", "forvaltningslova § 18", "Siri Saksbehandler", "saksbehandlar"},
		"en": {"Decision on parental payment", "Legal basis", "You may appeal", "three weeks", "section 18", "Siri Saksbehandler", "caseworker"},
	} {
		res := ta.Do(t, g, "GET", "/api/v1"+sofie+"/fee-decisions/"+id+"/letter?lang="+lang, "", "")
		require.Equal(t, 200, res.Status, res.Body)
		var doc domain.Document
		require.NoError(t, json.Unmarshal([]byte(res.Body), &doc))
		text := doc.Text()
		for _, w := range want {
			assert.Contains(t, text, w, lang)
		}
		assert.NotRegexp(t, isoDate, text, lang)
		assert.Equal(t, lang, doc.Lang)

		page := ta.Do(t, g+"; "+web.LangCookie+"="+lang, "GET", sofie+"/fee-decisions/"+id+"/letter", "", "")
		require.Equal(t, 200, page.Status)
		assert.Contains(t, page.Body, doc.Title)
		assert.Contains(t, page.Body, "Siri Saksbehandler")
	}
	// The PDF, in each language, from links on the page.
	page := ta.Do(t, g, "GET", sofie+"/fee-decisions/"+id+"/letter", "", "")
	for _, lang := range []string{"nb", "nn", "en"} {
		href := sofie + "/fee-decisions/" + id + "/letter.pdf?lang=" + lang
		assert.Contains(t, page.Body, `href="`+href+`"`)
		pdf := ta.Do(t, g, "GET", href, "", "")
		require.Equal(t, 200, pdf.Status, pdf.Body)
		assert.Equal(t, "application/pdf", pdf.Header.Get("Content-Type"))
		assert.True(t, strings.HasPrefix(pdf.Body, "%PDF-"), lang)
	}
	assert.Equal(t, 403, ta.Do(t, ta.CookieFor(t, demo.PersonaOtherGuardian), "GET", sofie+"/fee-decisions/"+id+"/letter.pdf", "", "").Status)
	fees := ta.Do(t, g, "GET", sofie+"/fees", "", "")
	assert.Contains(t, fees.Body, sofie+"/fee-decisions/"+id+"/letter", "the fees page links the letter")
	assert.Equal(t, 200, ta.Do(t, cw, "GET", "/api/v1"+sofie+"/fee-decisions/"+id+"/letter", "", "").Status, "the caseworker")
	assert.Equal(t, 422, ta.Do(t, g, "GET", "/api/v1"+sofie+"/fee-decisions/"+id+"/letter?lang=de", "", "").Status)
	assert.Equal(t, 403, ta.Do(t, ta.CookieFor(t, demo.PersonaOtherGuardian), "GET", "/api/v1"+sofie+"/fee-decisions/"+id+"/letter", "", "").Status)
	assert.Equal(t, 404, ta.Do(t, g, "GET", "/api/v1"+sofie+"/fee-decisions/"+domain.NewID[struct{}]().String()+"/letter", "", "").Status)
	logged := ta.AuditedAs(t, "fee-decision.letter.read")
	require.NotEmpty(t, logged)
	assert.Equal(t, ta.Sofie, logged[0].ChildID)
}

// An income decision's letter: the caseworker who approved it signs; the
// monthly cap to the øre; an adult of the family and the caseworker read
// it, no one else.
func TestIncomeDecisionLetter(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	fam := webtest.BillingFamiliesWithoutIncome(ta)[0]
	res := ta.Do(t, cw, "POST", "/api/v1/income-decisions", "application/json",
		fmt.Sprintf(`{"family":%q,"annualIncome":"400000","applied":"2025-08-20","start":"2025-09-01","end":"2026-07-31","documentation":"Skattemelding 2024"}`, fam))
	require.Equal(t, 201, res.Status, res.Body)
	var v struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(res.Body), &v))
	path := "/api/v1/income-decisions/" + v.ID + "/letter"
	for lang, want := range map[string][]string{
		// 400 000 × 6 % ÷ 11 = 2 181,82 kr a month.
		"nb": {"Vedtak om redusert foreldrebetaling", "§ 3b", "400 000,00 kr", "2 181,82 kr", "1. september 2025", "31. juli 2026", "Du kan klage", "forvaltningsloven § 18", "Siri Saksbehandler", "saksbehandler", "Skattemelding 2024"},
		"nn": {"Vedtak om redusert foreldrebetaling", "2 181,82 kr", "1. september 2025", "forvaltningslova § 18", "Siri Saksbehandler", "saksbehandlar"},
		"en": {"Decision on reduced parental payment", "NOK 2181.82", "1 September 2025", "section 18", "Siri Saksbehandler", "caseworker"},
	} {
		res := ta.Do(t, cw, "GET", path+"?lang="+lang, "", "")
		require.Equal(t, 200, res.Status, res.Body)
		var doc domain.Document
		require.NoError(t, json.Unmarshal([]byte(res.Body), &doc))
		for _, w := range want {
			assert.Contains(t, doc.Text(), w, lang)
		}
		assert.NotRegexp(t, isoDate, doc.Text(), lang)
	}
	page := ta.Do(t, cw, "GET", "/income-decisions/"+v.ID+"/letter", "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "Vedtak om redusert foreldrebetaling")
	assert.NotEmpty(t, ta.AuditedAs(t, "income-decision.letter.read"))
	assert.Contains(t, ta.Do(t, cw, "GET", "/billing/families?family="+fam, "", "").Body, "/income-decisions/"+v.ID+"/letter", "the families page links the letter")
	// Hilde Berg reads her own family's letter from her invoices page, not
	// that family's.
	inv := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/invoices", "", "")
	require.Equal(t, 200, inv.Status)
	assert.Contains(t, inv.Body, "Vedtak om redusert foreldrebetaling")
	assert.NotContains(t, inv.Body, "/income-decisions/"+v.ID+"/letter")
	assert.Equal(t, 404, ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", path, "", "").Status)
	assert.Equal(t, 403, ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "GET", path, "", "").Status)

	// The signature is found in the family's children's trails, not among
	// the municipality's newest entries: 5,001 later entries about other
	// things do not hide who decided.
	clerk := domain.SystemActor(demo.Municipality, "letters-test")
	at := webtest.Now
	for i := range 5001 {
		require.NoError(t, ta.Store.AppendAudit(context.Background(),
			domain.NewListAuditEntry(clerk, at, "report.read", fmt.Sprintf("report/%d", i), nil)))
	}
	late := ta.Do(t, cw, "GET", path+"?lang=nb", "", "")
	require.Equal(t, 200, late.Status, late.Body)
	var doc domain.Document
	require.NoError(t, json.Unmarshal([]byte(late.Body), &doc))
	assert.Contains(t, doc.Text(), "Siri Saksbehandler", "signed after 5,001 newer entries")
	assert.Equal(t, 404, ta.Do(t, cw, "GET", "/api/v1/income-decisions/"+domain.NewID[billing.IncomeDecision]().String()+"/letter", "", "").Status, "an unknown decision")
}
