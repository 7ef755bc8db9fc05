package conversations

import (
	"context"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Store is the store port of booked conversations: rounds with their
// slots, and the bookings.
//
// Every method is scoped by municipality; a record of another
// municipality is domain.ErrNotFound. Writes validate the record first
// (*domain.ValidationError, nothing written) and join the transaction of
// ctx (domain.Transactor). The store keeps, by constraints of its own and
// so under any concurrency, one booking per slot (a second is a
// *domain.ConflictError on "slot" with ReasonSlotTaken) and one booking
// per child, round and seat (Booking.Seat; a second is a
// *domain.ConflictError on "child" with ReasonAlreadyBooked).
type Store interface {
	// CreateRound stores a round with its slots (CheckSlots). A child
	// that does not exist is a *domain.ValidationError on "children"; a
	// taken ID a *domain.ConflictError on "id".
	CreateRound(ctx context.Context, r Round, slots []Slot) error
	Round(ctx context.Context, m domain.Municipality, id RoundID) (Round, error)
	// Rounds lists the rounds of a unit (every unit when unit is zero)
	// whose last slot is on the day from or later, by ID.
	Rounds(ctx context.Context, m domain.Municipality, unit domain.UnitID, from date.Date) ([]Round, error)
	// ChildRounds lists the rounds naming the child whose last slot is on
	// the day from or later, by ID.
	ChildRounds(ctx context.Context, m domain.Municipality, child domain.ChildID, from date.Date) ([]Round, error)
	// Slots lists a round's slots by start.
	Slots(ctx context.Context, m domain.Municipality, round RoundID) ([]Slot, error)

	// Book stores a booking. A slot not of the booking's round is a
	// *domain.ValidationError on "slot" (ReasonNoSuchSlot), a child not in
	// the round one on "child" (ReasonNotInRound).
	Book(ctx context.Context, b Booking) error
	// MoveBooking gives the stored booking with b's ID, round, child and
	// seat b's slot, guardian and time; domain.ErrNotFound when there is
	// none.
	MoveBooking(ctx context.Context, b Booking) error
	// CancelBooking deletes a booking; domain.ErrNotFound when there is none.
	CancelBooking(ctx context.Context, m domain.Municipality, id BookingID) error
	Booking(ctx context.Context, m domain.Municipality, id BookingID) (Booking, error)
	// Bookings lists a round's bookings by ID.
	Bookings(ctx context.Context, m domain.Municipality, round RoundID) ([]Booking, error)
}

// ServiceStore is what the Service needs: the directory, transactions,
// the audit log and the conversation records. One adapter (SQLite,
// PostgreSQL) implements it.
type ServiceStore interface {
	domain.Store
	domain.AuditLog
	Store
}
