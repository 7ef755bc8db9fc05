// Package billingweb is billing in the reference app: its routes (API and
// pages), handlers, views, page templates (templates/) and strings
// (messages/), mounted on the shell (package web) by New.
//
// Caseworkers keep price lists and income decisions, run the month's
// invoices, export them to the finance system and match the payments of
// an OCR file; guardians see their invoices and each child's fee
// decisions with the explanation of every step. The rules are the
// library's (package billing).
//
// The families page lists families newest first in keyset pages
// (web.KeysetPageFunc), with a search in the payer's and the children's
// names and national IDs and the counts at the top; names are read for the
// rows shown in one statement per kind (GuardiansByID, ChildrenByID), never
// one per row. A month's invoices page (and GET /api/v1/invoices) works
// the same way: the month's count, total and corrections over all its
// invoices counted in SQL (Store.CountInvoices), keyset pages by invoice
// number read from the store (InvoicesPage) with a search in SQL in the
// payer's name and national ID, the number and the KID, and the payers,
// their households (domain.GuardianHouseholds) and the children read in
// one batch for the rows shown; only the children shown are audit-logged.
// GET /api/v1/income-decisions pages by family (FamiliesPage of the
// families with a decision, then their decisions in one read) and logs
// the children of those families only. The families, income decisions
// and invoices APIs take the pages' search as ?q=. Every other
// list of names (the run preview's payers and skipped children, a run's
// skipped, the blocked children) reads them in one batch too
// (billingNames.preload), and a guardian's fee decisions read each family
// once.
package billingweb

import (
	"io"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// app is the shell as billing's handlers see it: they are methods of app and
// reach the store, the clock, the audit log and the page renderer through
// the embedded *web.App; pdf writes invoices and decision letters as PDF.
type app struct {
	*web.App
	pdf PDFRenderer
}

// PDFRenderer writes a document as a PDF/A file (adapters/pdf's
// Renderer, made once at start).
type PDFRenderer interface {
	Render(w io.Writer, doc domain.Document, created time.Time) error
}

// New returns billing's part of the app, for web.App.Mount; pdf renders
// the invoices' and decision letters' PDFs (nil: their PDF routes do not answer with a PDF).
func New(shell *web.App, pdf PDFRenderer) web.Capability {
	return (&app{App: shell, pdf: pdf}).billingCapability()
}
