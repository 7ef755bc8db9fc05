package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
)

var _ conversations.Store = (*Store)(nil)

var (
	errSlotTaken     = domain.Conflict("slot", conversations.ReasonSlotTaken)
	errAlreadyBooked = domain.Conflict("child", conversations.ReasonAlreadyBooked)
)

// convErr translates the bookings' unique constraints: the slot taken,
// the seat booked.
func convErr(doing string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		switch pe.ConstraintName {
		case "conv_bookings_slot_key":
			return errSlotTaken
		case "conv_bookings_seat_key":
			return errAlreadyBooked
		}
	}
	return dbError(doing, err)
}

// CreateRound implements conversations.Store.
func (s *Store) CreateRound(ctx context.Context, r conversations.Round, slots []conversations.Slot) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if err := conversations.CheckSlots(r, slots); err != nil {
		return err
	}
	body, err := jsonBody(r, "conversation round")
	if err != nil {
		return err
	}
	last := conversations.Day(slots[len(slots)-1].Start)
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		for _, c := range r.Children {
			ok, err := s.existsIn(ctx, tx, "children", r.Municipality, uid(c))
			if err != nil {
				return err
			}
			if !ok {
				return domain.Invalid("children", conversations.ReasonNotInGroup)
			}
		}
		n, err := exec(ctx, tx, "create conversation round", `INSERT INTO conv_rounds (municipality, id, unit_id, group_id, last_day, body)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			string(r.Municipality), uid(r.ID), uid(r.Unit), uid(r.Group), pgDay(last), body)
		if err != nil {
			return err
		}
		if n == 0 {
			return errIDTaken
		}
		for _, c := range r.Children {
			if _, err := exec(ctx, tx, "create conversation round", `INSERT INTO conv_round_children (municipality, round_id, child_id)
				VALUES ($1, $2, $3)`, string(r.Municipality), uid(r.ID), uid(c)); err != nil {
				return err
			}
		}
		for _, sl := range slots {
			b, err := jsonBody(sl, "conversation slot")
			if err != nil {
				return err
			}
			if _, err := exec(ctx, tx, "create conversation slot", `INSERT INTO conv_slots (municipality, id, round_id, starts_at, body)
				VALUES ($1, $2, $3, $4, $5)`, string(sl.Municipality), uid(sl.ID), uid(sl.Round), sl.Start, b); err != nil {
				return err
			}
		}
		return nil
	})
}

// Round implements conversations.Store.
func (s *Store) Round(ctx context.Context, m domain.Municipality, id conversations.RoundID) (conversations.Round, error) {
	return one(ctx, s.q(ctx), "conversation round", m, id.String(), scanJSON[conversations.Round],
		`SELECT body::text FROM conv_rounds WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// Rounds implements conversations.Store.
func (s *Store) Rounds(ctx context.Context, m domain.Municipality, unit domain.UnitID, from date.Date) ([]conversations.Round, error) {
	return list(ctx, s.q(ctx), "conversation rounds", m, scanJSON[conversations.Round],
		`SELECT body::text FROM conv_rounds WHERE municipality = $1 AND ($2::uuid IS NULL OR unit_id = $2) AND last_day >= $3 ORDER BY id`,
		string(m), uid(unit), pgDay(from))
}

// ChildRounds implements conversations.Store.
func (s *Store) ChildRounds(ctx context.Context, m domain.Municipality, child domain.ChildID, from date.Date) ([]conversations.Round, error) {
	return list(ctx, s.q(ctx), "conversation rounds", m, scanJSON[conversations.Round],
		`SELECT r.body::text FROM conv_round_children c JOIN conv_rounds r ON r.municipality = c.municipality AND r.id = c.round_id
		WHERE c.municipality = $1 AND c.child_id = $2 AND r.last_day >= $3 ORDER BY r.id`, string(m), uid(child), pgDay(from))
}

// Slots implements conversations.Store.
func (s *Store) Slots(ctx context.Context, m domain.Municipality, round conversations.RoundID) ([]conversations.Slot, error) {
	out, err := list(ctx, s.q(ctx), "conversation slots", m, scanJSON[conversations.Slot],
		`SELECT body::text FROM conv_slots WHERE municipality = $1 AND round_id = $2 ORDER BY starts_at, id`, string(m), uid(round))
	for i := range out {
		out[i].Start = out[i].Start.In(domain.Oslo())
	}
	return out, err
}

// checkBooking checks that the booking's slot and child are of its round.
func checkBooking(ctx context.Context, tx pgx.Tx, b conversations.Booking) error {
	var slot, child bool
	err := tx.QueryRow(ctx, `SELECT
		EXISTS (SELECT 1 FROM conv_slots WHERE municipality = $1 AND round_id = $2 AND id = $3),
		EXISTS (SELECT 1 FROM conv_round_children WHERE municipality = $1 AND round_id = $2 AND child_id = $4)`,
		string(b.Municipality), uid(b.Round), uid(b.Slot), uid(b.Child)).Scan(&slot, &child)
	switch {
	case err != nil:
		return dbError("check booking", err)
	case !slot:
		return domain.Invalid("slot", conversations.ReasonNoSuchSlot)
	case !child:
		return domain.Invalid("child", conversations.ReasonNotInRound)
	}
	return nil
}

// Book implements conversations.Store. The insert writes nothing on a
// clash (it waits for a concurrent booking of the same slot or seat to
// commit, then skips), and the probe after it names which clash it was.
func (s *Store) Book(ctx context.Context, b conversations.Booking) error {
	if err := b.Validate(); err != nil {
		return err
	}
	body, err := jsonBody(b, "conversation booking")
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := checkBooking(ctx, tx, b); err != nil {
			return err
		}
		n, err := exec(ctx, tx, "book conversation", `INSERT INTO conv_bookings (municipality, id, round_id, slot_id, child_id, seat, body)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
			string(b.Municipality), uid(b.ID), uid(b.Round), uid(b.Slot), uid(b.Child), b.Seat(), body)
		if err != nil || n == 1 {
			return err
		}
		var slot, seat bool
		if err := tx.QueryRow(ctx, `SELECT
			EXISTS (SELECT 1 FROM conv_bookings WHERE municipality = $1 AND slot_id = $2),
			EXISTS (SELECT 1 FROM conv_bookings WHERE municipality = $1 AND round_id = $3 AND child_id = $4 AND seat = $5)`,
			string(b.Municipality), uid(b.Slot), uid(b.Round), uid(b.Child), b.Seat()).Scan(&slot, &seat); err != nil {
			return dbError("check booking", err)
		}
		switch {
		case slot:
			return errSlotTaken
		case seat:
			return errAlreadyBooked
		}
		return errIDTaken
	})
}

// MoveBooking implements conversations.Store.
func (s *Store) MoveBooking(ctx context.Context, b conversations.Booking) error {
	if err := b.Validate(); err != nil {
		return err
	}
	body, err := jsonBody(b, "conversation booking")
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := checkBooking(ctx, tx, b); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE conv_bookings SET slot_id = $1, body = $2
			WHERE municipality = $3 AND id = $4 AND round_id = $5 AND child_id = $6 AND seat = $7`,
			uid(b.Slot), body, string(b.Municipality), uid(b.ID), uid(b.Round), uid(b.Child), b.Seat())
		if err != nil {
			return convErr("move booking", err)
		}
		if tag.RowsAffected() == 0 {
			return notFound("conversation booking", b.Municipality, b.ID.String())
		}
		return nil
	})
}

// CancelBooking implements conversations.Store.
func (s *Store) CancelBooking(ctx context.Context, m domain.Municipality, id conversations.BookingID) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "cancel booking", `DELETE FROM conv_bookings WHERE municipality = $1 AND id = $2`, string(m), uid(id))
		if err == nil && n == 0 {
			return notFound("conversation booking", m, id.String())
		}
		return err
	})
}

// Booking implements conversations.Store.
func (s *Store) Booking(ctx context.Context, m domain.Municipality, id conversations.BookingID) (conversations.Booking, error) {
	b, err := one(ctx, s.q(ctx), "conversation booking", m, id.String(), scanJSON[conversations.Booking],
		`SELECT body::text FROM conv_bookings WHERE municipality = $1 AND id = $2`, string(m), uid(id))
	b.At = b.At.In(domain.Oslo())
	return b, err
}

// Bookings implements conversations.Store.
func (s *Store) Bookings(ctx context.Context, m domain.Municipality, round conversations.RoundID) ([]conversations.Booking, error) {
	out, err := list(ctx, s.q(ctx), "conversation bookings", m, scanJSON[conversations.Booking],
		`SELECT body::text FROM conv_bookings WHERE municipality = $1 AND round_id = $2 ORDER BY id`, string(m), uid(round))
	for i := range out {
		out[i].At = out[i].At.In(domain.Oslo())
	}
	return out, err
}
