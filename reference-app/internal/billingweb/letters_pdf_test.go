package billingweb_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/pdf/pdftest"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The letters' PDFs (Sofie Berg's fee decision is for SFO) carry the
// mandatory parts in nb and nn (the text as pdftotext extracts it) and are
// PDF/A-1b (PDFBox Preflight).
func TestDecisionLetterPDFs(t *testing.T) {
	ta := webtest.New(t)
	cw, g := ta.CookieFor(t, demo.PersonaCaseworker), ta.CookieFor(t, demo.PersonaGuardian)
	run := ta.RunInvoices(t, cw, "2025-11")
	require.Less(t, run.Status, 300, run.Body)
	sofie := "/children/" + ta.Sofie.String()
	list := ta.Do(t, g, "GET", "/api/v1"+sofie+"/fee-decisions", "", "")
	require.Equal(t, 200, list.Status)
	var fees struct{ Items []struct{ ID string } }
	require.NoError(t, json.Unmarshal([]byte(list.Body), &fees))
	require.NotEmpty(t, fees.Items)
	fam := webtest.BillingFamiliesWithoutIncome(ta)[0]
	res := ta.Do(t, cw, "POST", "/api/v1/income-decisions", "application/json",
		fmt.Sprintf(`{"family":%q,"annualIncome":"400000","applied":"2025-08-20","start":"2025-09-01","end":"2026-07-31","documentation":"Skattemelding 2024"}`, fam))
	require.Equal(t, 201, res.Status, res.Body)
	var income struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(res.Body), &income))

	// pdftotext -layout may break a long line anywhere: the checks read
	// the text with its whitespace collapsed.
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	cases := []struct {
		who, path string
		want      map[string][]string
	}{
		{g, sofie + "/fee-decisions/" + fees.Items[0].ID + "/letter.pdf", map[string][]string{
			"nb": {"Vedtak om foreldrebetaling i skolefritidsordningen (SFO)", "Lovgrunnlag", "opplæringslova § 4-5", "Begrunnelse", "676,36 kr", "Du kan klage", "tre uker", "siste dag for å klage", "Innsyn i saken", "forvaltningsloven § 18", "Siri Saksbehandler", "saksbehandler"},
			"nn": {"Vedtak om foreldrebetaling i skulefritidsordninga (SFO)", "Lovgrunnlag", "opplæringslova § 4-5", "Grunngiving", "676,36 kr", "Du kan klage", "tre veker", "Innsyn i saka", "forvaltningslova § 18", "Siri Saksbehandler", "saksbehandlar"},
		}},
		{cw, "/income-decisions/" + income.ID + "/letter.pdf", map[string][]string{
			"nb": {"Vedtak om redusert foreldrebetaling", "Lovgrunnlag", "§ 3b", "2 181,82 kr", "1. september 2025", "Du kan klage", "tre uker", "Innsyn i saken", "forvaltningsloven § 18", "Siri Saksbehandler", "saksbehandler"},
			"nn": {"Vedtak om redusert foreldrebetaling", "Lovgrunnlag", "2 181,82 kr", "1. september 2025", "Du kan klage", "tre veker", "Innsyn i saka", "forvaltningslova § 18", "saksbehandlar"},
		}},
	}
	for _, c := range cases {
		for lang, want := range c.want {
			res := ta.Do(t, c.who, "GET", c.path+"?lang="+lang, "", "")
			require.Equal(t, 200, res.Status, res.Body)
			body := []byte(res.Body)
			text := flat(pdftest.Text(t, body))
			for _, w := range want {
				assert.Contains(t, text, w, "%s %s", c.path, lang)
			}
			assert.NotRegexp(t, isoDate, text, "%s %s", c.path, lang)
			pdftest.ValidatePDFA(t, body)
		}
	}
}
