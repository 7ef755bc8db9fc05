// Package admissionweb is admission in the reference app: its routes (API
// and pages), handlers, views, page templates (templates/) and strings
// (messages/), mounted on the shell (package web) by New.
//
// Guardians apply for a child (pre-filled from the directory), follow the
// application, answer offers and read the decision letter; caseworkers run
// and approve the intake's allocation and read its statistics, the
// explanations, the waiting lists and the § 16 obligation report. The
// rules are the library's (package admission); LapseOffersEvery is the
// background job that closes offers past their deadline.
package admissionweb

import "github.com/oppvekst/oppvekst/reference-app/internal/web"

// app is the shell as admission's handlers see it: they are methods of app and
// reach the store, the clock, the audit log and the page renderer through
// the embedded *web.App.
type app struct{ *web.App }

// New returns admission's part of the app, for web.App.Mount.
func New(shell *web.App) web.Capability { return (&app{shell}).admissionCapability() }
