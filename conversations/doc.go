// Package conversations books the conversations between a unit and a
// child's guardians (foreldresamtaler in the kindergarten,
// utviklingssamtaler in school): staff publish a Round of time slots for a
// group, the guardians book, move or cancel one slot, and reminders go out
// the day before and when a child is still not booked by the round's
// deadline.
//
// # One booking per child, not per guardian
//
// A child named in a round has at most one joint booking (Booking.Separate
// false): any guardian with parental responsibility books it, and every
// such guardian sees, moves and cancels it. Guardians who live apart may
// instead ask for a separate conversation: a Booking with Separate set
// belongs to the guardian who made it, who alone sees, moves and cancels
// it, and each guardian with parental responsibility may hold one. So a
// child has at most one joint booking and at most one separate booking per
// guardian in a round; the store keeps this (the seat of a booking, ""
// for the joint one or the guardian's ID, is unique per child and round).
// A parent without parental responsibility (one who has only asked for
// information) sees nothing of the round.
//
// # Safe under concurrency
//
// A slot holds one booking. The store enforces it with a unique
// constraint, so two guardians who click the same slot at once get one
// booking and one *domain.ConflictError with the reason ReasonSlotTaken on
// the field "slot", whatever the interleaving. A second booking of the same
// seat is ReasonAlreadyBooked on "child".
//
// # Access
//
// Staff who work at the group's unit publish rounds and see the unit's day
// (Service.Day) with the children booked; guardians with parental
// responsibility see their children's rounds (Service.ForGuardian) with
// which slots are free, never who took the others. Every read of a
// child's booking and every booking change is audit-logged (AuditRead,
// AuditWrite). Anyone else gets domain.ErrNotFound.
//
// # Reminders
//
// Service.Remind, run daily as a system job, raises through its Notifier
// KindTomorrow for every booking of tomorrow (to the guardians who see the
// booking) and KindUnbooked for every child still without a booking once
// the round's BookBy day has come (to each guardian with parental
// responsibility). Notice keys name the booking and slot, or the round,
// child and guardian, so running it again notifies nobody twice.
//
// The package does no I/O: the Store port is implemented by adapters/sqlite
// and adapters/postgres, and adapters/storetest.RunConversations proves
// them, 16 concurrent bookings of one slot included.
package conversations
