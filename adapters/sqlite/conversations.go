package sqlite

import (
	"context"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
)

var _ conversations.Store = (*Store)(nil)

const (
	insertConvRound = `INSERT INTO conv_rounds (municipality, id, unit_id, group_id, last_day, body) VALUES (?, ?, ?, ?, ?, ?)`
	insertConvChild = `INSERT INTO conv_round_children (municipality, round_id, child_id) VALUES (?, ?, ?)`
	insertConvSlot  = `INSERT INTO conv_slots (municipality, id, round_id, starts_at, body) VALUES (?, ?, ?, ?, ?)`
	selectConvRound = `SELECT body FROM conv_rounds WHERE municipality = ? AND id = ?`
	// unit '' lists every unit's rounds.
	selectConvRounds = `SELECT body FROM conv_rounds WHERE municipality = ?1 AND (?2 = '' OR unit_id = ?2) AND last_day >= ?3 ORDER BY id`
	selectConvChild  = `SELECT r.body FROM conv_round_children c JOIN conv_rounds r ON r.municipality = c.municipality AND r.id = c.round_id
		WHERE c.municipality = ? AND c.child_id = ? AND r.last_day >= ? ORDER BY r.id`
	selectConvSlots   = `SELECT body FROM conv_slots WHERE municipality = ? AND round_id = ? ORDER BY starts_at, id`
	convSlotOfRound   = `SELECT 1 FROM conv_slots WHERE municipality = ? AND round_id = ? AND id = ?`
	convChildOfRound  = `SELECT 1 FROM conv_round_children WHERE municipality = ? AND round_id = ? AND child_id = ?`
	insertConvBooking = `INSERT INTO conv_bookings (municipality, id, round_id, slot_id, child_id, seat, body) VALUES (?, ?, ?, ?, ?, ?, ?)`
	moveConvBooking   = `UPDATE conv_bookings SET slot_id = ?, body = ?
		WHERE municipality = ? AND id = ? AND round_id = ? AND child_id = ? AND seat = ?`
	deleteConvBooking  = `DELETE FROM conv_bookings WHERE municipality = ? AND id = ?`
	selectConvBooking  = `SELECT body FROM conv_bookings WHERE municipality = ? AND id = ?`
	selectConvBookings = `SELECT body FROM conv_bookings WHERE municipality = ? AND round_id = ? ORDER BY id`
)

// convErr translates the bookings' constraints: the slot taken, the seat
// booked.
func convErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case isUnique(err, "conv_bookings.slot_id"):
		return domain.Conflict("slot", conversations.ReasonSlotTaken)
	case isUnique(err, "conv_bookings.seat"):
		return domain.Conflict("child", conversations.ReasonAlreadyBooked)
	}
	return writeErr(err, what)
}

// CreateRound implements conversations.Store.
func (s *Store) CreateRound(ctx context.Context, r conversations.Round, slots []conversations.Slot) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if err := conversations.CheckSlots(r, slots); err != nil {
		return err
	}
	body, err := encode(r)
	if err != nil {
		return err
	}
	last := conversations.Day(slots[len(slots)-1].Start)
	return s.Atomic(ctx, func(ctx context.Context) error {
		for _, c := range r.Children {
			if ok, err := s.exists(ctx, childExists, r.Municipality, c); err != nil || !ok {
				return orInvalid(err, "children", conversations.ReasonNotInGroup)
			}
		}
		if _, err := s.exec(ctx, insertConvRound, r.Municipality, r.ID, r.Unit, r.Group, last.String(), body); err != nil {
			return writeErr(err, "conversation round")
		}
		for _, c := range r.Children {
			if _, err := s.exec(ctx, insertConvChild, r.Municipality, r.ID, c); err != nil {
				return writeErr(err, "conversation round")
			}
		}
		for _, sl := range slots {
			b, err := encode(sl)
			if err != nil {
				return err
			}
			if _, err := s.exec(ctx, insertConvSlot, sl.Municipality, sl.ID, sl.Round, sl.Start.UnixNano(), b); err != nil {
				return writeErr(err, "conversation slot")
			}
		}
		return nil
	})
}

// Round implements conversations.Store.
func (s *Store) Round(ctx context.Context, m domain.Municipality, id conversations.RoundID) (conversations.Round, error) {
	return queryOne(ctx, s, "conversation round", selectConvRound, scanJSON[conversations.Round], m, id)
}

// Rounds implements conversations.Store.
func (s *Store) Rounds(ctx context.Context, m domain.Municipality, unit domain.UnitID, from date.Date) ([]conversations.Round, error) {
	u := ""
	if !unit.IsZero() {
		u = unit.String()
	}
	return queryAll(ctx, s, selectConvRounds, scanJSON[conversations.Round], m, u, from.String())
}

// ChildRounds implements conversations.Store.
func (s *Store) ChildRounds(ctx context.Context, m domain.Municipality, child domain.ChildID, from date.Date) ([]conversations.Round, error) {
	return queryAll(ctx, s, selectConvChild, scanJSON[conversations.Round], m, child, from.String())
}

// Slots implements conversations.Store.
func (s *Store) Slots(ctx context.Context, m domain.Municipality, round conversations.RoundID) ([]conversations.Slot, error) {
	out, err := queryAll(ctx, s, selectConvSlots, scanJSON[conversations.Slot], m, round)
	for i := range out {
		out[i].Start = out[i].Start.In(domain.Oslo())
	}
	return out, err
}

// checkBooking checks that the booking's slot and child are of its round.
func (s *Store) checkBooking(ctx context.Context, b conversations.Booking) error {
	if ok, err := s.exists(ctx, convSlotOfRound, b.Municipality, b.Round, b.Slot); err != nil || !ok {
		return orInvalid(err, "slot", conversations.ReasonNoSuchSlot)
	}
	if ok, err := s.exists(ctx, convChildOfRound, b.Municipality, b.Round, b.Child); err != nil || !ok {
		return orInvalid(err, "child", conversations.ReasonNotInRound)
	}
	return nil
}

// Book implements conversations.Store.
func (s *Store) Book(ctx context.Context, b conversations.Booking) error {
	if err := b.Validate(); err != nil {
		return err
	}
	body, err := encode(b)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.checkBooking(ctx, b); err != nil {
			return err
		}
		_, err := s.exec(ctx, insertConvBooking, b.Municipality, b.ID, b.Round, b.Slot, b.Child, b.Seat(), body)
		return convErr(err, "conversation booking")
	})
}

// MoveBooking implements conversations.Store.
func (s *Store) MoveBooking(ctx context.Context, b conversations.Booking) error {
	if err := b.Validate(); err != nil {
		return err
	}
	body, err := encode(b)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.checkBooking(ctx, b); err != nil {
			return err
		}
		res, err := s.exec(ctx, moveConvBooking, b.Slot, body, b.Municipality, b.ID, b.Round, b.Child, b.Seat())
		if err != nil {
			return convErr(err, "conversation booking")
		}
		return affected(res, nil, "conversation booking")
	})
}

// CancelBooking implements conversations.Store.
func (s *Store) CancelBooking(ctx context.Context, m domain.Municipality, id conversations.BookingID) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deleteConvBooking, m, id)
		return affected(res, err, "conversation booking")
	})
}

// Booking implements conversations.Store.
func (s *Store) Booking(ctx context.Context, m domain.Municipality, id conversations.BookingID) (conversations.Booking, error) {
	b, err := queryOne(ctx, s, "conversation booking", selectConvBooking, scanJSON[conversations.Booking], m, id)
	b.At = b.At.In(domain.Oslo())
	return b, err
}

// Bookings implements conversations.Store.
func (s *Store) Bookings(ctx context.Context, m domain.Municipality, round conversations.RoundID) ([]conversations.Booking, error) {
	out, err := queryAll(ctx, s, selectConvBookings, scanJSON[conversations.Booking], m, round)
	for i := range out {
		out[i].At = out[i].At.In(domain.Oslo())
	}
	return out, err
}
