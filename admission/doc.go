// Package admission is for applications to kindergarten, school and SFO,
// admission rounds, the statutory right to a kindergarten place
// (barnehageloven § 16), priority criteria, allocation by deferred acceptance
// with an explanation for every child, offers and waiting lists.
//
// The rules are pure functions:
//
//   - RightToPlace decides the statutory right to a place from the child's
//     birth date, the application year, the deadline and residence, with
//     the national parameters of the embedded table rules/right-to-place.json.
//   - Allocate runs one main round by child-proposing deferred acceptance
//     with strict priorities built from the round's criteria (statutory,
//     sibling, local:NAME, tiebreak), separate seats for children under and
//     over three, and returns the child-optimal stable matching, its
//     measures and, for every child, an explanation a family can check.
//
// Every answer explains itself in bokmål, nynorsk and English (Render).
//
// It is a pure domain package: it imports no database driver and no
// net/http, and does no I/O.
package admission
