// Package directoryweb is the directory in the reference app: who is logged
// in, the children, their placements and the units (API), and the pages
// every role shares: the front page, the guardian's, the staff's and the
// caseworker's start pages, a child's page and the audit log. Its page
// templates are in templates/; its strings are the shell's. What every
// capability shows of the directory (a child as the actor may see it, a
// placement, a unit's roster) is in the shell, package web.
package directoryweb

import "github.com/oppvekst/oppvekst/reference-app/internal/web"

// app is the shell as directory's handlers see it: they are methods of app and
// reach the store, the clock, the audit log and the page renderer through
// the embedded *web.App.
type app struct{ *web.App }

// New returns directory's part of the app, for web.App.Mount.
func New(shell *web.App) web.Capability { return (&app{shell}).directoryCapability() }
