package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

const (
	eventCols   = `municipality, id, scope, unit_id, group_id, title, description, place, all_day, start_date, end_date, start_at, end_at, updated_at`
	upsertEvent = `INSERT INTO calendar_events (` + eventCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (municipality, id) DO UPDATE SET scope = excluded.scope, unit_id = excluded.unit_id, group_id = excluded.group_id,
		title = excluded.title, description = excluded.description, place = excluded.place, all_day = excluded.all_day,
		start_date = excluded.start_date, end_date = excluded.end_date, start_at = excluded.start_at, end_at = excluded.end_at,
		updated_at = excluded.updated_at`
	selectEvent  = `SELECT ` + eventCols + ` FROM calendar_events WHERE municipality = ? AND id = ?`
	selectEvents = `SELECT ` + eventCols + ` FROM calendar_events
		WHERE municipality = ? AND start_date <= ? AND end_date >= ? ORDER BY start_date, id`
	deleteEvent = `DELETE FROM calendar_events WHERE municipality = ? AND id = ?`

	feedCols   = `municipality, guardian_id, token_hash, created_at`
	upsertFeed = `INSERT INTO calendar_feeds (` + feedCols + `) VALUES (?, ?, ?, ?)
		ON CONFLICT (municipality, guardian_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`
	selectFeed     = `SELECT ` + feedCols + ` FROM calendar_feeds WHERE municipality = ? AND guardian_id = ?`
	selectFeedHash = `SELECT ` + feedCols + ` FROM calendar_feeds WHERE municipality = ? AND token_hash = ?`
	deleteFeed     = `DELETE FROM calendar_feeds WHERE municipality = ? AND guardian_id = ?`
)

func textInstant(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseInstant(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	return t.UTC(), err
}

func scanEvent(r scanner) (domain.Event, error) {
	var e domain.Event
	var start, end string
	var startAt, endAt, updated sql.NullString
	if err := r.Scan(&e.Municipality, &e.ID, &e.Scope, &e.Unit, &e.Group, &e.Title, &e.Description, &e.Place, &e.AllDay,
		&start, &end, &startAt, &endAt, &updated); err != nil {
		return e, err
	}
	var err error
	if e.StartDay, err = parseDate(start); err != nil {
		return e, err
	}
	if e.EndDay, err = parseDate(end); err != nil {
		return e, err
	}
	if e.Start, err = parseInstant(startAt); err != nil {
		return e, err
	}
	if e.End, err = parseInstant(endAt); err != nil {
		return e, err
	}
	e.Updated, err = parseInstant(updated)
	return e, err
}

// PutEvent creates or replaces an event of the unit's calendar.
func (s *Store) PutEvent(ctx context.Context, e domain.Event) error {
	e = e.Normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := domain.CheckEvent(ctx, s, e); err != nil {
			return err
		}
		_, err := s.exec(ctx, upsertEvent, e.Municipality, e.ID, e.Scope, e.Unit, e.Group, e.Title, e.Description, e.Place,
			bit(e.AllDay), e.StartDay.String(), e.EndDay.String(), textInstant(e.Start), textInstant(e.End), textInstant(e.Updated))
		return writeErr(err, "calendar event")
	})
}

// DeleteEvent removes an event.
func (s *Store) DeleteEvent(ctx context.Context, m domain.Municipality, id domain.EventID) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deleteEvent, m, id)
		return affected(res, err, "calendar event")
	})
}

// Event reads an event.
func (s *Store) Event(ctx context.Context, m domain.Municipality, id domain.EventID) (domain.Event, error) {
	return queryOne(ctx, s, "calendar event", selectEvent, scanEvent, m, id)
}

// Events lists the events sharing a day with the period.
func (s *Store) Events(ctx context.Context, m domain.Municipality, within domain.Period) ([]domain.Event, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	start, end := bounds(within)
	es, err := queryAll(ctx, s, selectEvents, scanEvent, m, end, start)
	domain.SortEvents(es)
	return es, err
}

func scanFeed(r scanner) (domain.EventFeed, error) {
	var f domain.EventFeed
	var created sql.NullString
	if err := r.Scan(&f.Municipality, &f.Guardian, &f.TokenHash, &created); err != nil {
		return f, err
	}
	var err error
	f.Created, err = parseInstant(created)
	return f, err
}

// PutEventFeed sets a guardian's feed.
func (s *Store) PutEventFeed(ctx context.Context, f domain.EventFeed) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if _, err := s.Guardian(ctx, f.Municipality, f.Guardian); err != nil {
			if domain.IsNotFound(err) {
				return domain.Invalid("guardianId", "no-such-guardian")
			}
			return err
		}
		_, err := s.exec(ctx, upsertFeed, f.Municipality, f.Guardian, f.TokenHash, textInstant(f.Created))
		return writeErr(err, "calendar feed")
	})
}

// DeleteEventFeed revokes a guardian's feed.
func (s *Store) DeleteEventFeed(ctx context.Context, m domain.Municipality, guardian domain.GuardianID) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deleteFeed, m, guardian)
		return affected(res, err, "calendar feed")
	})
}

// EventFeed reads a guardian's feed.
func (s *Store) EventFeed(ctx context.Context, m domain.Municipality, guardian domain.GuardianID) (domain.EventFeed, error) {
	return queryOne(ctx, s, "calendar feed", selectFeed, scanFeed, m, guardian)
}

// EventFeedByHash finds the feed with the token hash.
func (s *Store) EventFeedByHash(ctx context.Context, m domain.Municipality, hash string) (domain.EventFeed, error) {
	return queryOne(ctx, s, "calendar feed", selectFeedHash, scanFeed, m, hash)
}
