// Package domain is the shared vocabulary of Oppvekst: the types every
// capability (admission, attendance, billing, messaging) and every adapter
// speaks.
//
// It holds typed identifiers (UUIDv7), the municipality (kommunenummer),
// national identity numbers, children, guardians and guardianships with
// address protection, units (kindergarten, school, SFO) and their groups,
// placements, the kindergarten/school year and age groups, money helpers,
// the clock, the actor who asks, typed errors, and the directory store port
// that adapters implement.
//
// # Input
//
// Every date and month that comes in from outside (a request, a form, a
// query, a file, a conformance vector) is read by ParseDate or ParseMonth,
// which accept exactly YYYY-MM-DD and YYYY-MM, a year from 0001 to 9999,
// and only a day the calendar has: 2026-02-30, 2026-04-31, 2026-13-01,
// 2026-01-00 and 0000-01-01 are refused with a *ValidationError naming the
// field (ReasonDate, ReasonMonth), never rolled over into another day as
// date.ParseISO and date.Date's UnmarshalText do. A child's birth date
// after today is refused by Child.ValidateAt (ReasonFuture).
//
// Text holds no control characters: a single-line value (a name, a
// subject, a phone number, a key) none at all (CheckLine), a free text (a
// message body, a note) only tab, line feed and carriage return
// (CheckText); NUL is never stored. Text must be valid UTF-8 (ReasonUTF8).
// A required text that is Blank (only white space, control or format
// characters) is missing. The records' Validate methods, here and in the
// capabilities, apply these rules, so a store refuses such input whoever
// calls it; an application checks them at its edge too.
//
// The reasons of these rules are codes (the Reason constants), which an
// application translates.
//
// The package does no I/O: it imports no database driver and no net/http.
// Adapters live in package adapters and its subpackages.
package domain
