package billingweb_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/billingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The printable invoice and its document: the protected payer's carries
// no address (digital mailbox) for her or the caseworker; another payer's
// has the address, KID and due date. A credit note of half the invoice,
// made in the form, is confirmed, logged and listed; a credit above what
// remains is refused with the values kept.
func TestInvoicePagesAndCreditNotes(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	require.Equal(t, 201, ta.RunInvoices(t, cw, "2025-11").Status)
	res := ta.Do(t, cw, "GET", "/api/v1/invoices?month=2025-11&limit=200", "", "")
	require.Equal(t, 200, res.Status, res.Body)
	var page struct {
		Items []billingweb.InvoiceView `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.Body), &page))
	marte := ta.Personas[demo.PersonaProtected].Actor.Guardian
	var protected, other *billingweb.InvoiceView
	for i, inv := range page.Items {
		switch {
		case inv.Payer == marte:
			protected = &page.Items[i]
		case other == nil && !inv.PayerAddress.IsZero() && decimal.RequireFromString(inv.Total).Sign() > 0:
			other = &page.Items[i]
		}
	}
	require.NotNil(t, protected, "the protected guardian is invoiced")
	require.NotNil(t, other)

	// The protected payer's invoice: no address anywhere, the digital mailbox.
	for _, who := range []string{cw, ta.CookieFor(t, demo.PersonaProtected)} {
		p := ta.Do(t, who, "GET", "/invoices/"+protected.ID.String(), "", "")
		require.Equal(t, 200, p.Status, p.Body)
		assert.NotContains(t, p.Body, demo.ProtectedStreet)
		assert.Contains(t, p.Body, "digital postkasse")
		assert.Contains(t, p.Body, protected.KID)
	}
	d := ta.Do(t, cw, "GET", "/api/v1/invoices/"+protected.ID.String()+"/document", "", "")
	require.Equal(t, 200, d.Status, d.Body)
	assert.NotContains(t, d.Body, demo.ProtectedStreet)
	var doc domain.Document
	require.NoError(t, json.Unmarshal([]byte(d.Body), &doc))
	assert.True(t, doc.Recipient.DigitalMailbox)
	assert.Empty(t, doc.Recipient.Lines)

	// Another payer's: the address, KID, due date written out, period.
	d = ta.Do(t, cw, "GET", "/api/v1/invoices/"+other.ID.String()+"/document", "", "")
	require.Equal(t, 200, d.Status, d.Body)
	require.NoError(t, json.Unmarshal([]byte(d.Body), &doc))
	text := doc.Text()
	for _, w := range []string{other.PayerName, other.PayerAddress.Street, "KID: " + other.KID, "Periode: november 2025",
		"Forfallsdato: " + domain.LongDate(other.Due, "nb")} {
		assert.Contains(t, text, w)
	}
	assert.Equal(t, "Demo kommune", doc.Sender.Name, "no letterhead saved: the municipality's name")
	assert.Len(t, ta.AuditedAs(t, "invoice.read"), 4)

	// The letterhead the administrator saves heads the invoices too, as
	// it does the decision letters.
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	saved := ta.Do(t, admin, "POST", "/admin/letter-template", "application/x-www-form-urlencoded", url.Values{
		"senderName": {"Demo kommune, oppvekst"}, "senderLines": {"Postboks 7\n9900 DEMOBY"}, "orgNumber": {"974770482"}}.Encode())
	require.Equal(t, 303, saved.Status, saved.Body)
	d = ta.Do(t, cw, "GET", "/api/v1/invoices/"+other.ID.String()+"/document", "", "")
	require.Equal(t, 200, d.Status, d.Body)
	var headed domain.Document
	require.NoError(t, json.Unmarshal([]byte(d.Body), &headed))
	assert.Equal(t, "Demo kommune, oppvekst", headed.Sender.Name)
	assert.Equal(t, []string{"Postboks 7", "9900 DEMOBY"}, headed.Sender.Lines)
	assert.Contains(t, headed.Text(), "974770482")
	assert.Len(t, ta.AuditedAs(t, "invoice.read"), 5)

	// A credit above the total is refused, the values kept.
	total := decimal.RequireFromString(other.Total)
	form := "/billing/invoices/" + other.ID.String() + "/credit-notes"
	require.Equal(t, 200, ta.Do(t, cw, "GET", form, "", "").Status)
	bad := ta.Do(t, cw, "POST", form, "application/x-www-form-urlencoded",
		url.Values{"how": {"amount"}, "amount": {total.Add(decimal.NewFromInt(1)).StringFixed(2)}, "reason": {"Stengt barnehage"}}.Encode())
	require.Equal(t, 422, bad.Status, bad.Body)
	assert.Contains(t, bad.Body, "Kreditnotaen ble ikke laget")
	assert.Contains(t, bad.Body, "er mer enn det som står igjen av fakturaen")
	assert.Contains(t, bad.Body, "Stengt barnehage")

	// Half the invoice: confirmed, logged, listed; what is owed is the other half.
	half := total.Div(decimal.NewFromInt(2)).Round(2)
	ok := ta.Do(t, cw, "POST", form, "application/x-www-form-urlencoded",
		url.Values{"how": {"amount"}, "amount": {strings.Replace(half.StringFixed(2), ".", ",", 1)}, "reason": {"Stengt barnehage"}}.Encode())
	require.Equal(t, 303, ok.Status, ok.Body)
	loc := ok.Header.Get("Location")
	assert.Contains(t, loc, "credited=K-1")
	shown := ta.Do(t, cw, "GET", loc, "", "")
	require.Equal(t, 200, shown.Status)
	assert.Contains(t, shown.Body, "Kreditnota K-1 er laget")
	require.Len(t, ta.AuditedAs(t, "credit-note.create"), 1)
	list := ta.Do(t, cw, "GET", "/api/v1/invoices/"+other.ID.String()+"/credit-notes", "", "")
	require.Equal(t, 200, list.Status)
	assert.Contains(t, list.Body, `"amount":"`+half.StringFixed(2)+`"`)
	var notes struct {
		Items []billingweb.CreditNoteView `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(list.Body), &notes))
	require.Len(t, notes.Items, 1)
	assert.Equal(t, other.KID, notes.Items[0].KID, "the credit note carries the invoice's KID")
	assert.Contains(t, shown.Body, "/invoices/"+other.ID.String()+"/credit-notes/"+notes.Items[0].ID.String())
	cpdf := ta.Do(t, cw, "GET", "/invoices/"+other.ID.String()+"/credit-notes/"+notes.Items[0].ID.String(), "", "")
	require.Equal(t, 200, cpdf.Status, cpdf.Body)
	assert.Equal(t, "application/pdf", cpdf.Header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(cpdf.Body, "%PDF-"))
	// The API refuses the same above what remains, with its reason.
	api := ta.Do(t, cw, "POST", "/api/v1/invoices/"+other.ID.String()+"/credit-notes", "application/json", `{"whole":true,"amount":"1.00","reason":"x"}`)
	assert.Equal(t, 422, api.Status, api.Body)
	api = ta.Do(t, cw, "POST", "/api/v1/invoices/"+other.ID.String()+"/credit-notes", "application/json", `{"amount":"`+total.StringFixed(2)+`","reason":"x"}`)
	assert.Equal(t, 422, api.Status, api.Body)
	assert.Contains(t, api.Body, "credit-above-remaining")
}
