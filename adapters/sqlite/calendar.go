package sqlite

import (
	"context"

	"github.com/oppvekst/oppvekst/domain"
)

const (
	calendarCols        = `municipality, id, kind, unit_id, applies_to, start_date, end_date, name`
	upsertCalendarEntry = `INSERT INTO calendar_entries (` + calendarCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (municipality, id) DO UPDATE SET kind = excluded.kind, unit_id = excluded.unit_id,
		applies_to = excluded.applies_to, start_date = excluded.start_date, end_date = excluded.end_date, name = excluded.name`
	deleteCalendarEntry   = `DELETE FROM calendar_entries WHERE municipality = ? AND id = ?`
	selectCalendarEntries = `SELECT ` + calendarCols + ` FROM calendar_entries
		WHERE municipality = ? AND start_date <= ? AND end_date >= ? ORDER BY start_date, id`
	upsertWeekdays = `INSERT INTO calendar_weekdays (municipality, unit_id, weekdays) VALUES (?, ?, ?)
		ON CONFLICT (municipality, unit_id) DO UPDATE SET weekdays = excluded.weekdays`
	selectWeekdays = `SELECT unit_id, weekdays FROM calendar_weekdays WHERE municipality = ?`
)

func scanCalendarEntry(r scanner) (domain.CalendarEntry, error) {
	var e domain.CalendarEntry
	var start, end string
	if err := r.Scan(&e.Municipality, &e.ID, &e.Kind, &e.Unit, &e.AppliesTo, &start, &end, &e.Name); err != nil {
		return e, err
	}
	var err error
	if e.Period.Start, err = parseDate(start); err != nil {
		return e, err
	}
	e.Period.End, err = parseDate(end)
	return e, err
}

// PutCalendarEntry creates or replaces an entry of the opening calendar.
func (s *Store) PutCalendarEntry(ctx context.Context, e domain.CalendarEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := domain.CheckCalendarEntry(ctx, s, e); err != nil {
			return err
		}
		_, err := s.exec(ctx, upsertCalendarEntry, e.Municipality, e.ID, e.Kind, e.Unit, e.AppliesTo,
			e.Period.Start.String(), e.Period.End.String(), e.Name)
		return writeErr(err, "calendar entry")
	})
}

// DeleteCalendarEntry removes an entry.
func (s *Store) DeleteCalendarEntry(ctx context.Context, m domain.Municipality, id domain.CalendarEntryID) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deleteCalendarEntry, m, id)
		return affected(res, err, "calendar entry")
	})
}

// CalendarEntries lists the entries sharing a day with the period.
func (s *Store) CalendarEntries(ctx context.Context, m domain.Municipality, within domain.Period) ([]domain.CalendarEntry, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	start, end := bounds(within)
	return queryAll(ctx, s, selectCalendarEntries, scanCalendarEntry, m, end, start)
}

// PutOpenWeekdays sets a unit's open weekdays.
func (s *Store) PutOpenWeekdays(ctx context.Context, m domain.Municipality, unit domain.UnitID, w domain.Weekdays) error {
	if err := w.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if _, err := s.Unit(ctx, m, unit); err != nil {
			if domain.IsNotFound(err) {
				return domain.Invalid("unit", "no-such-unit")
			}
			return err
		}
		_, err := s.exec(ctx, upsertWeekdays, m, unit, string(w))
		return writeErr(err, "open weekdays")
	})
}

// OpenWeekdays returns the open weekdays of the units that have their own.
func (s *Store) OpenWeekdays(ctx context.Context, m domain.Municipality) (map[domain.UnitID]domain.Weekdays, error) {
	type row struct {
		unit domain.UnitID
		w    domain.Weekdays
	}
	rows, err := queryAll(ctx, s, selectWeekdays, func(r scanner) (row, error) {
		var x row
		return x, r.Scan(&x.unit, &x.w)
	}, m)
	if err != nil {
		return nil, err
	}
	out := make(map[domain.UnitID]domain.Weekdays, len(rows))
	for _, x := range rows {
		out[x.unit] = x.w
	}
	return out, nil
}
