// Package directoryweb is the directory in the reference app: who is logged
// in, the children, their guardians and placements, the units and their
// groups (API), and the pages every role shares: the front page, the
// guardian's, the staff's and the caseworker's start pages, a child's page
// and the audit log. The guardian's start page (a card per child: today's
// state, the sick-today button, open offers, unread messages; the next
// invoice due) is composed by the shell from the capabilities' services
// (web.GuardianHome). Pages show national IDs masked; a caseworker's child
// page shows the full number on an explicit, audit-logged request. What every capability shows of the directory (a child
// as the actor may see it, a placement, a unit's roster) is in the shell,
// package web.
//
// It is also where a municipality sets up its directory by hand: the
// municipal administrator creates, edits and closes units and groups
// (/admin/units, a unit's page /units/{unitId}, which the unit's staff and
// caseworkers see without the buttons); a caseworker registers a child,
// its guardians and guardianships and makes, changes and ends its
// placements (from the caseworker's start page and the child's page). Each
// write has one code path (admin.go, people.go) that the API handler and
// the form handler both call, so a form is refused with the same field and
// reason as the API. The forms are described in Go and drawn by one
// template, directory_form.html: what was typed is kept, each error stands
// at its field (aria-describedby) and in a summary above the form
// (role="alert"). A change that would orphan placements (see the domain
// package, "Units, groups and orphaned placements") is shown with how many
// and which children.
//
// A municipality moving from another system imports its directory from
// CSV files (migration.go, on adapters/migrationcsv): a directory
// caseworker or the administrator uploads them on /caseworker/import, reads
// the dry run's report line by line and confirms; the API is
// POST /api/v1/migration/import.
//
// Page templates are in templates/; the strings of the forms and unit
// pages in messages/directory.{nb,nn,en}.json, the rest are the shell's.
package directoryweb

import "github.com/oppvekst/oppvekst/reference-app/internal/web"

// app is the shell as directory's handlers see it: they are methods of app and
// reach the store, the clock, the audit log and the page renderer through
// the embedded *web.App.
type app struct{ *web.App }

// New returns directory's part of the app, for web.App.Mount.
func New(shell *web.App) web.Capability { return (&app{shell}).directoryCapability() }
