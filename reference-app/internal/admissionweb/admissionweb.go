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
//
// An intake's page counts its applications by status and lists them in
// keyset pages (web.KeysetPage: ?after= and ?before= name a row's sort key,
// submission time then ID), filtered by status, unit and a search in the
// child's name or national ID. Its work does not grow with the intake: the
// statuses come from one read of the intake (admission.IntakeStatuses) and
// only the children of the rows shown are read (ChildrenByID) and logged.
// The waiting lists page works the same way: every list from one read of
// the intake (admission.WaitingLists), the figures at the top, one table in
// keyset pages by list and the entry's stable key (WaitingEntry.Key, not
// the position, so a child added ahead does not shift the pages), filtered
// by unit and searched by name or national ID. The waiting lists API
// (/api/v1/intakes/{id}/waiting-lists) pages the same table by that key
// (?limit=, ?cursor=, ?unit=, ?q=). The applications API pages by ID in
// the store and searches with ?q= in the child's name and national ID in
// SQL (Store.ApplicationsAfter, ApplicationsFound); only a search that
// could name a status reads the intake's applications and applicants once
// (the statuses are worked out from the whole intake). The intakes page reads every intake's figures in
// one statement (Store.IntakeFigures).
//
// A run's page and the approval's page list the run's children the same
// way (result_list.go): figures per unit offered at the top, keyset pages
// by a key of the run's results (unit in the intake's order, choice,
// application), filtered by the unit offered (?unit=, "none" for no
// place) and searched by name or national ID; the school starters page by
// school (none first) and child, filtered by ?school=. Names are read and
// logged for the rows shown only, and the pager is the shell's partial
// ("pager" in web/templates/partials.html). The school starters API pages
// by child ID and reads and logs only the page's children.
package admissionweb

import "github.com/oppvekst/oppvekst/reference-app/internal/web"

// app is the shell as admission's handlers see it: they are methods of app and
// reach the store, the clock, the audit log and the page renderer through
// the embedded *web.App.
type app struct {
	*web.App
	// pdf draws decision letters as PDF; nil serves none (404).
	pdf PDFRenderer
}

// New returns admission's part of the app, for web.App.Mount; pdf draws
// the decision letters' PDFs (nil: none).
func New(shell *web.App, pdf PDFRenderer) web.Capability {
	return (&app{App: shell, pdf: pdf}).admissionCapability()
}
