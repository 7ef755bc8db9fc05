package server_test

import (
	"context"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// seedInvoice stores an invoice run of January 2020 (before any month the table runs) with one invoice of
// 1 200,00 kr for Sofie Berg's kindergarten-free SFO month, paid by the
// guardian persona, and returns the invoice. A second call finds it.
func seedInvoice(ta *webtest.Harness) billing.Invoice {
	ctx := context.Background()
	m := demo.Municipality
	mo := billing.Month{Year: 2020, Month: time.January}
	if invs, err := ta.Store.Invoices(ctx, m, mo); err == nil && len(invs) > 0 {
		return invs[0]
	}
	payer := ta.Personas[demo.PersonaGuardian].Actor.Guardian
	amount := decimal.RequireFromString("1200.00")
	inv := billing.Invoice{ID: domain.NewID[billing.Invoice](), Municipality: m, Month: mo, Number: 900001, KID: "90000107",
		Payer: payer, Issued: date.New(2020, 1, 5), Due: date.New(2020, 1, 20), Total: amount, Lines: []billing.Line{
			{Child: ta.Sofie, Kind: domain.SFO, Item: billing.ItemFee, Month: mo, Days: 31, DaysInMonth: 31, Gross: amount, Full: amount, Amount: amount}}}
	run := billing.Run{Municipality: m, Month: mo, Made: inv.Issued, Invoices: 1, FirstNumber: inv.Number, LastNumber: inv.Number, Total: amount}
	if err := ta.Store.CreateInvoiceRun(ctx, run, []billing.Invoice{inv}); err != nil {
		panic(err)
	}
	return inv
}

// seedCreditNote stores a credit note of 100,00 kr for the invoice (once).
func seedCreditNote(ta *webtest.Harness, inv billing.Invoice) billing.CreditNoteID {
	ctx := context.Background()
	if cs, err := ta.Store.CreditNotes(ctx, inv.Municipality, inv.ID); err == nil && len(cs) > 0 {
		return cs[0].ID
	}
	c := billing.CreditNote{ID: domain.NewID[billing.CreditNote](), Municipality: inv.Municipality, Number: 900001, Invoice: inv.ID,
		InvoiceNumber: inv.Number, KID: inv.KID, Payer: inv.Payer, Month: inv.Month, Issued: inv.Issued, Reason: "Seeded for the table",
		Amount: decimal.RequireFromString("100.00"), By: "test"}
	if err := ta.Store.Atomic(ctx, func(ctx context.Context) error { return ta.Store.CreateCreditNote(ctx, c) }); err != nil {
		panic(err)
	}
	return c.ID
}

// invoiceDocAuth is the authorization table's part for invoice documents
// and credit notes (billingweb/billing_documents.go): the payer and the
// municipality read the invoice (another guardian does not find it, staff
// are refused); only the municipality credits it.
func invoiceDocAuth(ta *webtest.Harness) map[string]authCase {
	seeded := seedInvoice(ta)
	inv := seeded.ID.String()
	credit := seedCreditNote(ta, seeded).String()
	form := "application/x-www-form-urlencoded"
	body := func(s string) func(string) string { return func(string) string { return s } }
	const ok, created, see, forbidden, missing = 200, 201, 303, 403, 404
	reader := [8]int{ok, missing, missing, forbidden, forbidden, ok, missing, ok}
	caseworker := func(s int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, s, missing, s}
	}
	return map[string]authCase{
		"GET /api/v1/invoices/{invoiceId}/document":             {path: "/api/v1/invoices/" + inv + "/document", want: reader},
		"GET /api/v1/invoices/{invoiceId}/credit-notes":         {path: "/api/v1/invoices/" + inv + "/credit-notes", want: reader},
		"POST /api/v1/invoices/{invoiceId}/credit-notes":        {path: "/api/v1/invoices/" + inv + "/credit-notes", contentType: "application/json", body: body(`{"amount":"1.00","reason":"test"}`), want: caseworker(created)},
		"GET /invoices/{invoiceId}":                             {path: "/invoices/" + inv, want: reader},
		"GET /api/v1/invoices/{invoiceId}/pdf":                  {path: "/api/v1/invoices/" + inv + "/pdf", want: reader},
		"GET /invoices/{invoiceId}/credit-notes/{creditNoteId}": {path: "/invoices/" + inv + "/credit-notes/" + credit, want: reader},
		"GET /invoices/{invoiceId}/invoice.pdf":                 {path: "/invoices/" + inv + "/invoice.pdf", want: reader},
		"GET /billing/invoices/{invoiceId}/credit-notes":        {path: "/billing/invoices/" + inv + "/credit-notes", want: caseworker(ok)},
		"POST /billing/invoices/{invoiceId}/credit-notes": {path: "/billing/invoices/" + inv + "/credit-notes", contentType: form,
			body: body("how=amount&amount=1%2C00&reason=test"), want: caseworker(see)},
	}
}
