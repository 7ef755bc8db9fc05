// Package billingweb is billing in the reference app: its routes (API and
// pages), handlers, views, page templates (templates/) and strings
// (messages/), mounted on the shell (package web) by New.
//
// Caseworkers keep price lists and income decisions, run the month's
// invoices, export them to the finance system and match the payments of
// an OCR file; guardians see their invoices and each child's fee
// decisions with the explanation of every step. The rules are the
// library's (package billing).
package billingweb

import "github.com/oppvekst/oppvekst/reference-app/internal/web"

// app is the shell as billing's handlers see it: they are methods of app and
// reach the store, the clock, the audit log and the page renderer through
// the embedded *web.App.
type app struct {
	*web.App
	// pdf renders the decision letters as PDF files (nil: no PDF routes
	// answer but 404).
	pdf PDF
}

// New returns billing's part of the app, for web.App.Mount, with the PDF
// renderer of its decision letters (nil: none).
func New(shell *web.App, pdf PDF) web.Capability {
	return (&app{App: shell, pdf: pdf}).billingCapability()
}
