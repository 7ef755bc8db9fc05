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
type app struct{ *web.App }

// New returns billing's part of the app, for web.App.Mount.
func New(shell *web.App) web.Capability { return (&app{shell}).billingCapability() }
