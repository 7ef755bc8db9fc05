// Package messagingweb is messaging in the reference app: its routes (API
// and pages), handlers, views, page templates (templates/) and strings
// (messages/), mounted on the shell (package web) by New.
//
// Guardians and staff write in threads about a child or a group, staff
// post bulletins, guardians choose how they are notified (language,
// medium within what the contact register allows, own quiet hours:
// /messages/contact), staff follow an urgent message's delivery on its
// thread page, and caseworkers follow the outbox (its counts by state and
// its deliveries a keyset page at a time, both in SQL: a month's notices
// are tens of thousands). RunDispatcher is the background job that sends the
// outbox through the transports the environment configures. The rules are
// the library's (package messaging).
package messagingweb

import "github.com/oppvekst/oppvekst/reference-app/internal/web"

// app is the shell as messaging's handlers see it: they are methods of app and
// reach the store, the clock, the audit log and the page renderer through
// the embedded *web.App.
type app struct{ *web.App }

// New returns messaging's part of the app, for web.App.Mount.
func New(shell *web.App) web.Capability { return (&app{shell}).messagingCapability() }
