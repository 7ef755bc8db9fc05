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
// The package does no I/O: it imports no database driver and no net/http.
// Adapters live in package adapters and its subpackages.
package domain
