// Package attendanceweb is attendance in the reference app: its routes (API
// and pages), handlers, views, page templates (templates/) and strings
// (messages/), mounted on the shell (package web) by New.
//
// Staff check children in and out on a board per unit and group (with who
// collects them and the occupancy against the staffing norm): one row per
// child, a check-out that asks before someone not on the pickup list (a
// confirmation page without script), and a small script of its own
// (static/board.js) that keeps taps on the device while offline and sends
// them with their Idempotency-Key when the connection returns; guardians
// report a child sick in one click, plan absences and keep the pickup
// list. School staff record a pupil's absence (a day or lesson hours,
// documented, permission or undocumented) on /staff/school-absence, which
// also shows the school year's list and, for grades 8 to 10, what goes on
// the leaving certificate (API: /api/v1/children/{childId}/school-absences
// and .../summary). The unit's roster of the day
// (GET /api/v1/units/{unitId}/roster) is answered here. The rules are the
// library's (package attendance) and the municipality's settings.
package attendanceweb

import "github.com/oppvekst/oppvekst/reference-app/internal/web"

// app is the shell as attendance's handlers see it: they are methods of app and
// reach the store, the clock, the audit log and the page renderer through
// the embedded *web.App.
type app struct{ *web.App }

// New returns attendance's part of the app, for web.App.Mount.
func New(shell *web.App) web.Capability { return (&app{shell}).attendanceCapability() }
