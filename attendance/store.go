package attendance

import (
	"context"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Store is the attendance store port. One adapter type implements it
// together with domain.Store (see Backend); every call made with the ctx of
// domain.Transactor.Atomic joins that transaction.
//
// Writes validate their record first (a *domain.ValidationError, nothing
// written); a record that refers to a child or unit missing in the
// municipality is a *domain.ValidationError on that field; deleting a
// record that does not exist is domain.ErrNotFound. Every read is scoped by
// municipality. Lists are in the order documented per method.
//
// The Store does not check who asks: that is the Service's job.
type Store interface {
	// CheckContext reads, in as few queries as the store can, what a check
	// event of a child on a day is validated against.
	CheckContext(ctx context.Context, m domain.Municipality, child domain.ChildID, day date.Date, key string) (CheckContext, error)
	// AddCheck records the event unless one with the same key is recorded
	// in the municipality: then it returns that one and false. Two
	// concurrent calls with one key record one event; both return it.
	// Called inside Atomic with a ctx from domain.AtCommit, after
	// CheckContext found no event under the key in the same transaction,
	// a store may hold the insert back and send it with the commit: it then
	// returns c and true at once, and a key that another transaction
	// recorded in the meantime fails the commit with a
	// *domain.ConflictError on "key" (nothing of the transaction is kept).
	AddCheck(ctx context.Context, c Check) (Check, bool, error)
	// ChildChecks lists a child's check-ins and check-outs on the days
	// within the period, by time, then ID (for the child's own record and
	// the guardians' right of access).
	ChildChecks(ctx context.Context, m domain.Municipality, child domain.ChildID, within domain.Period) ([]Check, error)

	// UnitDay reads what a unit's roster and occupancy on a day are made
	// of.
	UnitDay(ctx context.Context, m domain.Municipality, unit domain.UnitID, day date.Date) (Day, error)

	// PutPickup adds or replaces an authorisation.
	PutPickup(ctx context.Context, p Pickup) error
	DeletePickup(ctx context.Context, m domain.Municipality, id PickupID) error
	// Pickups lists a child's authorisations by name, then ID
	// (SortPickups).
	Pickups(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]Pickup, error)

	AddAbsence(ctx context.Context, a Absence) error
	DeleteAbsence(ctx context.Context, m domain.Municipality, id AbsenceID) error
	// Absences lists a child's absences that share a day with the period,
	// by start, then ID.
	Absences(ctx context.Context, m domain.Municipality, child domain.ChildID, within domain.Period) ([]Absence, error)
	// UnitAbsences lists the absences sharing a day with the period of the
	// children with a placement in the unit sharing a day with the period,
	// by child, start, then ID.
	UnitAbsences(ctx context.Context, m domain.Municipality, unit domain.UnitID, within domain.Period) ([]Absence, error)

	AddDuty(ctx context.Context, d Duty) error

	AddSchoolAbsence(ctx context.Context, a SchoolAbsence) error
	// SchoolAbsences lists a pupil's school absences within the period, by
	// day, then ID.
	SchoolAbsences(ctx context.Context, m domain.Municipality, child domain.ChildID, within domain.Period) ([]SchoolAbsence, error)

	// PutSettings replaces the municipality's settings.
	PutSettings(ctx context.Context, s Settings) error
	// Settings returns the municipality's settings, or the zero Settings
	// (with the municipality set) when none are stored.
	Settings(ctx context.Context, m domain.Municipality) (Settings, error)
}

// Backend is what a Service runs on: the directory, the opening calendar
// and the attendance store of one adapter, with its transactions.
type Backend interface {
	domain.Store
	domain.CalendarReader
	Store
}

// CheckContext is what a check event is validated against.
type CheckContext struct {
	// Existing is the event recorded under the key, if any.
	Existing *Check
	// Placements are the child's placements that include the day.
	Placements []domain.Placement
	// Checks are the child's events of the day (at any unit), by time,
	// then ID.
	Checks []Check
}

// Day is what a unit's roster and occupancy of one day are made of.
type Day struct {
	// Placements in the unit that include the day, by child.
	Placements []domain.Placement
	// Children placed (one per child of Placements), by child ID. The
	// stores leave their registered Address empty: a unit's day needs no
	// address, and what is never read cannot leak.
	Children []domain.Child
	// Checks at the unit that day, by time, then ID.
	Checks []Check
	// Absences of the placed children that include the day, by child,
	// start, then ID.
	Absences []Absence
	// Duties at the unit that day, by start, then ID.
	Duties []Duty
	// Closed is why the unit is closed that day (the opening calendar,
	// domain.Calendar.Closed), or nil when it is open. Stores leave it
	// nil; the Service sets it.
	Closed *domain.Closure
}
