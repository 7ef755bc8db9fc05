package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/oppvekst/oppvekst/domain"
)

const calendarColumns = `id, kind, unit_id, applies_to, start_date, end_date, name`

func scanCalendarEntry(row scanner, m domain.Municipality) (domain.CalendarEntry, error) {
	e := domain.CalendarEntry{Municipality: m}
	var kind, appliesTo string
	err := row.Scan(scanID(&e.ID), &kind, scanID(&e.Unit), &appliesTo, dateScan{&e.Period.Start}, dateScan{&e.Period.End}, &e.Name)
	e.Kind, e.AppliesTo = domain.CalendarKind(kind), domain.UnitKind(appliesTo)
	return e, err
}

// PutCalendarEntry creates or replaces an entry of the opening calendar.
func (s *Store) PutCalendarEntry(ctx context.Context, e domain.CalendarEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := domain.CheckCalendarEntry(ctx, s, e); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO calendar_entries (municipality, `+calendarColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (municipality, id) DO UPDATE SET kind = excluded.kind, unit_id = excluded.unit_id,
			applies_to = excluded.applies_to, start_date = excluded.start_date, end_date = excluded.end_date, name = excluded.name`,
			string(e.Municipality), uid(e.ID), string(e.Kind), uid(e.Unit), string(e.AppliesTo),
			pgDay(e.Period.Start), pgDay(e.Period.End), e.Name)
		if err != nil {
			return dbError("put calendar entry", err)
		}
		return nil
	})
}

// DeleteCalendarEntry removes an entry.
func (s *Store) DeleteCalendarEntry(ctx context.Context, m domain.Municipality, id domain.CalendarEntryID) error {
	return s.deleteByID(ctx, "calendar_entries", "calendar entry", m, uid(id))
}

// CalendarEntries lists the entries sharing a day with the period, by
// start, then ID.
func (s *Store) CalendarEntries(ctx context.Context, m domain.Municipality, within domain.Period) ([]domain.CalendarEntry, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	es, err := list(ctx, s.q(ctx), "calendar entries", m, scanCalendarEntry,
		`SELECT `+calendarColumns+` FROM calendar_entries
		WHERE municipality = $1 AND start_date <= COALESCE($3, 'infinity'::date) AND end_date >= $2`,
		string(m), pgDay(within.Start), pgEnd(within.End))
	domain.SortCalendarEntries(es)
	return es, err
}

// PutOpenWeekdays sets a unit's open weekdays.
func (s *Store) PutOpenWeekdays(ctx context.Context, m domain.Municipality, unit domain.UnitID, w domain.Weekdays) error {
	if err := w.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := s.Unit(ctx, m, unit); err != nil {
			if domain.IsNotFound(err) {
				return domain.Invalid("unit", "no-such-unit")
			}
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO calendar_weekdays (municipality, unit_id, weekdays) VALUES ($1, $2, $3)
			ON CONFLICT (municipality, unit_id) DO UPDATE SET weekdays = excluded.weekdays`, string(m), uid(unit), string(w))
		if err != nil {
			return dbError("put open weekdays", err)
		}
		return nil
	})
}

// OpenWeekdays returns the open weekdays of the units that have their own.
func (s *Store) OpenWeekdays(ctx context.Context, m domain.Municipality) (map[domain.UnitID]domain.Weekdays, error) {
	type row struct {
		unit domain.UnitID
		w    string
	}
	rows, err := list(ctx, s.q(ctx), "open weekdays", m, func(r scanner, _ domain.Municipality) (row, error) {
		var x row
		return x, r.Scan(scanID(&x.unit), &x.w)
	}, `SELECT unit_id, weekdays FROM calendar_weekdays WHERE municipality = $1`, string(m))
	if err != nil {
		return nil, err
	}
	out := make(map[domain.UnitID]domain.Weekdays, len(rows))
	for _, x := range rows {
		out[x.unit] = domain.Weekdays(x.w)
	}
	return out, nil
}
