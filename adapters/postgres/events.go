package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oppvekst/oppvekst/domain"
)

const eventColumns = `id, scope, unit_id, group_id, title, description, place, all_day, start_date, end_date, start_at, end_at, updated_at`

// pgInstant stores the zero time as NULL.
func pgInstant(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func scanEvent(row scanner, m domain.Municipality) (domain.Event, error) {
	e := domain.Event{Municipality: m}
	var scope string
	var startAt, endAt, updated *time.Time
	err := row.Scan(scanID(&e.ID), &scope, scanID(&e.Unit), scanID(&e.Group), &e.Title, &e.Description, &e.Place, &e.AllDay,
		dateScan{&e.StartDay}, dateScan{&e.EndDay}, &startAt, &endAt, &updated)
	e.Scope = domain.EventScope(scope)
	e.Start, e.End, e.Updated = utc(startAt), utc(endAt), utc(updated)
	return e, err
}

// PutEvent creates or replaces an event of the unit's calendar.
func (s *Store) PutEvent(ctx context.Context, e domain.Event) error {
	e = e.Normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := domain.CheckEvent(ctx, s, e); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO calendar_events (municipality, `+eventColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (municipality, id) DO UPDATE SET scope = excluded.scope, unit_id = excluded.unit_id,
			group_id = excluded.group_id, title = excluded.title, description = excluded.description, place = excluded.place,
			all_day = excluded.all_day, start_date = excluded.start_date, end_date = excluded.end_date,
			start_at = excluded.start_at, end_at = excluded.end_at, updated_at = excluded.updated_at`,
			string(e.Municipality), uid(e.ID), string(e.Scope), uid(e.Unit), uid(e.Group), e.Title, e.Description, e.Place,
			e.AllDay, pgDay(e.StartDay), pgDay(e.EndDay), pgInstant(e.Start), pgInstant(e.End), pgInstant(e.Updated))
		if err != nil {
			return dbError("put calendar event", err)
		}
		return nil
	})
}

// DeleteEvent removes an event.
func (s *Store) DeleteEvent(ctx context.Context, m domain.Municipality, id domain.EventID) error {
	return s.deleteByID(ctx, "calendar_events", "calendar event", m, uid(id))
}

// Event reads an event.
func (s *Store) Event(ctx context.Context, m domain.Municipality, id domain.EventID) (domain.Event, error) {
	return one(ctx, s.q(ctx), "calendar event", m, id.String(), scanEvent,
		`SELECT `+eventColumns+` FROM calendar_events WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// Events lists the events sharing a day with the period, by
// domain.SortEvents.
func (s *Store) Events(ctx context.Context, m domain.Municipality, within domain.Period) ([]domain.Event, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	es, err := list(ctx, s.q(ctx), "calendar events", m, scanEvent,
		`SELECT `+eventColumns+` FROM calendar_events
		WHERE municipality = $1 AND start_date <= COALESCE($3, 'infinity'::date) AND end_date >= $2`,
		string(m), pgDay(within.Start), pgEnd(within.End))
	domain.SortEvents(es)
	return es, err
}

const feedColumns = `guardian_id, token_hash, created_at`

func scanFeed(row scanner, m domain.Municipality) (domain.EventFeed, error) {
	f := domain.EventFeed{Municipality: m}
	err := row.Scan(scanID(&f.Guardian), &f.TokenHash, &f.Created)
	f.Created = f.Created.UTC()
	return f, err
}

// PutEventFeed sets a guardian's feed.
func (s *Store) PutEventFeed(ctx context.Context, f domain.EventFeed) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := s.Guardian(ctx, f.Municipality, f.Guardian); err != nil {
			if domain.IsNotFound(err) {
				return domain.Invalid("guardianId", "no-such-guardian")
			}
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO calendar_feeds (municipality, `+feedColumns+`) VALUES ($1, $2, $3, $4)
			ON CONFLICT (municipality, guardian_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
			string(f.Municipality), uid(f.Guardian), f.TokenHash, f.Created.UTC())
		if err != nil {
			return dbError("put calendar feed", err)
		}
		return nil
	})
}

// DeleteEventFeed revokes a guardian's feed.
func (s *Store) DeleteEventFeed(ctx context.Context, m domain.Municipality, guardian domain.GuardianID) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM calendar_feeds WHERE municipality = $1 AND guardian_id = $2`, string(m), uid(guardian))
		if err != nil {
			return dbError("delete calendar feed", err)
		}
		if tag.RowsAffected() == 0 {
			return notFound("calendar feed", m, guardian.String())
		}
		return nil
	})
}

// EventFeed reads a guardian's feed.
func (s *Store) EventFeed(ctx context.Context, m domain.Municipality, guardian domain.GuardianID) (domain.EventFeed, error) {
	return one(ctx, s.q(ctx), "calendar feed", m, guardian.String(), scanFeed,
		`SELECT `+feedColumns+` FROM calendar_feeds WHERE municipality = $1 AND guardian_id = $2`, string(m), uid(guardian))
}

// EventFeedByHash finds the feed with the token hash.
func (s *Store) EventFeedByHash(ctx context.Context, m domain.Municipality, hash string) (domain.EventFeed, error) {
	return one(ctx, s.q(ctx), "calendar feed", m, "", scanFeed,
		`SELECT `+feedColumns+` FROM calendar_feeds WHERE municipality = $1 AND token_hash = $2`, string(m), hash)
}
