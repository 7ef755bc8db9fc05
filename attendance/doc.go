// Package attendance is for the daily life of a unit: check-in and
// check-out, absence and sick reports from guardians, pickup
// authorisations, day rosters, school absence and occupancy.
//
// It is a pure domain package: it reads placements, groups and
// guardianships from package domain and declares the port it needs, Store.
// It imports no database driver and no net/http.
//
// A Service runs every use case against a Backend (domain.Store and Store of
// one adapter: adapters/sqlite, temporary for tests, or adapters/postgres), a
// domain.Clock and a domain.Notifier. Each method takes the domain.Actor
// who asks and refuses with domain.ErrForbidden what the actor may not do:
// staff act on the children placed in their units (Actor.WorksAt),
// guardians with parental responsibility on their children, municipal
// actors (caseworker, admin) read rosters and change the settings.
//
// A guardian's start page asks ChildToday for each child: checked in,
// checked out, reported absent (with the reason), expected, or no place
// today. School staff record a pupil's absence (RecordSchoolAbsence), list
// it (SchoolAbsences) and read the school year's summary for the grades on
// the leaving certificate (YearSummary; its count alone, without a store,
// is CountYear).
//
// Check events carry an idempotency key: the same event sent twice (two
// tablets, a retry after a lost answer, an offline tablet catching up) is
// recorded once, and the second call returns the first record. An event
// sent without a time happens now (the service's Clock); sent again without
// a time it is the same event, though "now" has moved on. Stores enforce
// that with a unique key (municipality, key).
//
// Every use case that assumes a day is open asks the opening calendar
// (domain.Calendar, through the domain.CalendarReader of the Backend): on a
// day the unit is closed (a public holiday, a weekend, a planning day, a
// summer closure, the unit's own closed day) the roster expects nobody and
// shows nobody late (Roster.Closed), occupancy says so
// (DayOccupancy.Closed), and ReportSick records nothing and answers with a
// *ClosedError that explains why in nb, nn and en. The holiday report counts
// holiday days on the unit's open days only.
//
// Municipal choices (expected arrival, the local holiday rule, the school's
// permission limit and how many days a leaving certificate may leave out)
// are Settings kept per municipality; the national staffing norm is data
// (rules/staffing.json) with its source. No number from a rule is written in
// the code.
package attendance
