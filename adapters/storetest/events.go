package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// EventStore is a store with the directory, the opening calendar and the
// unit's calendar.
type EventStore interface {
	domain.Store
	domain.CalendarStore
	domain.EventStore
	domain.RetentionStore
}

// RunEvents runs the unit's calendar suite against stores made by
// newStore: events of every scope, all-day and timed, put, replaced, read,
// listed by the days they share with a period and deleted; a unit or
// group of another municipality, or a group of another unit, refused;
// invalid events refused with nothing written; municipality isolation and
// rollback; a guardian's feed set, found by its token's hash, renewed
// (the old hash no longer found) and revoked.
func RunEvents(t *testing.T, newStore func(t *testing.T) EventStore) {
	t.Run("Events", func(t *testing.T) { testEvents(t, newStore(t)) })
	t.Run("Feeds", func(t *testing.T) { testEventFeeds(t, newStore(t)) })
	t.Run("Retention", func(t *testing.T) { testEventRetention(t, newStore(t)) })
}

// testEventRetention: events expire by their last day (before the cutoff,
// never on it), at most limit at a time, in their own municipality only.
func testEventRetention(t *testing.T, s EventStore) {
	ctx := ctxFor(t)
	updated := time.Date(2027, 1, 10, 8, 0, 0, 0, time.UTC)
	ev := func(m domain.Municipality, title string, from, to int) domain.Event {
		return domain.Event{ID: domain.NewID[domain.Event](), Municipality: m, Scope: domain.ScopeMunicipalityEvent,
			Title: title, AllDay: true, StartDay: d(2027, 5, from), EndDay: d(2027, 5, to), Updated: updated}
	}
	early, ends12, late := ev(Oslo, "Tidlig", 1, 4), ev(Oslo, "Slutter den 12.", 10, 12), ev(Oslo, "Sent", 20, 20)
	bergen := ev(Bergen, "Bergen", 1, 4)
	for _, e := range []domain.Event{early, ends12, late, bergen} {
		require.NoError(t, s.PutEvent(ctx, e))
	}
	n, err := s.ExpireRecords(ctx, Oslo, domain.RecordEvents, d(2027, 5, 12), 10)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "only the event whose last day is before the cutoff")
	_, err = s.Event(ctx, Oslo, early.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Event(ctx, Oslo, ends12.ID)
	assert.NoError(t, err, "an event ending on the cutoff day stays")

	n, err = s.ExpireRecords(ctx, Oslo, domain.RecordEvents, d(2028, 1, 1), 1)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "at most limit")
	n, err = s.ExpireRecords(ctx, Oslo, domain.RecordEvents, d(2028, 1, 1), 10)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	got, err := s.Events(ctx, Oslo, domain.Period{Start: d(2027, 1, 1), End: d(2027, 12, 31)})
	require.NoError(t, err)
	assert.Empty(t, got)
	_, err = s.Event(ctx, Bergen, bergen.ID)
	assert.NoError(t, err, "another municipality's events are untouched")
}

func testEvents(t *testing.T, s EventStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kg, school := f.unit(domain.Kindergarten), f.unit(domain.School)
	require.NoError(t, s.CreateUnit(ctx, kg))
	require.NoError(t, s.CreateUnit(ctx, school))
	blue := f.group(kg)
	require.NoError(t, s.CreateGroup(ctx, blue))
	bf := &fixture{m: Bergen}
	bergenUnit := bf.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, bergenUnit))

	updated := time.Date(2027, 1, 10, 8, 0, 0, 0, time.UTC)
	allDay := func(scope domain.EventScope, unit domain.UnitID, group domain.GroupID, title string, from, to int) domain.Event {
		return domain.Event{ID: domain.NewID[domain.Event](), Municipality: Oslo, Scope: scope, Unit: unit, Group: group,
			Title: title, AllDay: true, StartDay: d(2027, 5, from), EndDay: d(2027, 5, to), Updated: updated}
	}
	photo := allDay(domain.ScopeUnitEvent, kg.ID, domain.GroupID{}, "Fotografering", 12, 12)
	photo.Place = "Gymsalen"
	trip := allDay(domain.ScopeGroupEvent, kg.ID, blue.ID, "Tur til skogen", 3, 4)
	trip.Description = "Ta med matpakke; varme klær,\nog godt humør."
	// A meeting 18:00–20:00 in Oslo (summer time, UTC+2).
	meeting := domain.Event{ID: domain.NewID[domain.Event](), Municipality: Oslo, Scope: domain.ScopeMunicipalityEvent,
		Title: "Foreldremøte", Start: time.Date(2027, 5, 20, 16, 0, 0, 0, time.UTC), End: time.Date(2027, 5, 20, 18, 0, 0, 0, time.UTC),
		Updated: updated}.Normalize()
	for _, e := range []domain.Event{meeting, photo, trip} {
		require.NoError(t, s.PutEvent(ctx, e))
	}
	may := domain.Period{Start: d(2027, 5, 1), End: d(2027, 5, 31)}
	got, err := s.Events(ctx, Oslo, may)
	require.NoError(t, err)
	assert.Equal(t, []domain.Event{trip, photo, meeting}, got, "by first day, every field kept")
	one, err := s.Event(ctx, Oslo, meeting.ID)
	require.NoError(t, err)
	assert.Equal(t, meeting, one)
	assert.True(t, one.Start.Equal(time.Date(2027, 5, 20, 18, 0, 0, 0, domain.Oslo())))
	// Overlap: an event sharing one day with the period is listed.
	got, err = s.Events(ctx, Oslo, domain.Period{Start: d(2027, 5, 4), End: d(2027, 5, 11)})
	require.NoError(t, err)
	assert.Equal(t, []domain.Event{trip}, got)
	got, err = s.Events(ctx, Oslo, domain.Period{Start: d(2027, 5, 13)})
	require.NoError(t, err)
	assert.Equal(t, []domain.Event{meeting}, got, "an open period lists every later event")

	// Replace by ID: the unit event becomes an evening at the school.
	photo.Unit, photo.AllDay, photo.Title = school.ID, false, "Fotografering (kveld)"
	photo.Start, photo.End = time.Date(2027, 6, 1, 15, 0, 0, 0, time.UTC), time.Date(2027, 6, 1, 17, 0, 0, 0, time.UTC)
	photo = photo.Normalize()
	require.NoError(t, s.PutEvent(ctx, photo))
	one, err = s.Event(ctx, Oslo, photo.ID)
	require.NoError(t, err)
	assert.Equal(t, photo, one)
	got, err = s.Events(ctx, Oslo, may)
	require.NoError(t, err)
	assert.Len(t, got, 2)

	// Isolation and references.
	got, err = s.Events(ctx, Bergen, may)
	require.NoError(t, err)
	assert.Empty(t, got)
	_, err = s.Event(ctx, Bergen, meeting.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.ErrorIs(t, s.DeleteEvent(ctx, Bergen, meeting.ID), domain.ErrNotFound)
	requireField(t, s.PutEvent(ctx, allDay(domain.ScopeUnitEvent, bergenUnit.ID, domain.GroupID{}, "x", 7, 7)), domain.ErrInvalid, "unitId")
	requireField(t, s.PutEvent(ctx, allDay(domain.ScopeGroupEvent, kg.ID, domain.NewID[domain.Group](), "x", 7, 7)), domain.ErrInvalid, "groupId")
	requireField(t, s.PutEvent(ctx, allDay(domain.ScopeGroupEvent, school.ID, blue.ID, "x", 7, 7)), domain.ErrInvalid, "groupId")

	// Invalid input: nothing written.
	bad := allDay(domain.ScopeMunicipalityEvent, domain.UnitID{}, domain.GroupID{}, " ", 7, 7)
	requireField(t, s.PutEvent(ctx, bad), domain.ErrInvalid, "title")
	bad = allDay(domain.ScopeMunicipalityEvent, domain.UnitID{}, domain.GroupID{}, "x", 7, 6)
	requireField(t, s.PutEvent(ctx, bad), domain.ErrInvalid, "endDay")
	got, err = s.Events(ctx, Oslo, domain.Period{Start: d(2027, 5, 5), End: d(2027, 5, 11)})
	require.NoError(t, err)
	assert.Empty(t, got)

	// Rollback.
	boom := errors.New("boom")
	rolled := allDay(domain.ScopeMunicipalityEvent, domain.UnitID{}, domain.GroupID{}, "Rullet tilbake", 8, 8)
	err = s.Atomic(ctx, func(ctx context.Context) error {
		require.NoError(t, s.PutEvent(ctx, rolled))
		return boom
	})
	assert.ErrorIs(t, err, boom)
	_, err = s.Event(ctx, Oslo, rolled.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)

	// Delete.
	require.NoError(t, s.DeleteEvent(ctx, Oslo, trip.ID))
	assert.ErrorIs(t, s.DeleteEvent(ctx, Oslo, trip.ID), domain.ErrNotFound)
	got, err = s.Events(ctx, Oslo, may)
	require.NoError(t, err)
	assert.Equal(t, []domain.Event{meeting}, got)
}

func testEventFeeds(t *testing.T, s EventStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kari, ola := f.guardian(t), f.guardian(t)
	require.NoError(t, s.CreateGuardian(ctx, kari))
	require.NoError(t, s.CreateGuardian(ctx, ola))
	now := time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC)

	_, err := s.EventFeed(ctx, Oslo, kari.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	feed, token := domain.NewEventFeed(Oslo, kari.ID, now)
	require.NoError(t, s.PutEventFeed(ctx, feed))
	got, err := s.EventFeed(ctx, Oslo, kari.ID)
	require.NoError(t, err)
	assert.Equal(t, feed, got)
	got, err = s.EventFeedByHash(ctx, Oslo, domain.HashFeedToken(token))
	require.NoError(t, err)
	assert.Equal(t, kari.ID, got.Guardian)
	_, err = s.EventFeedByHash(ctx, Bergen, domain.HashFeedToken(token))
	assert.ErrorIs(t, err, domain.ErrNotFound, "scoped by municipality")
	olaFeed, _ := domain.NewEventFeed(Oslo, ola.ID, now)
	require.NoError(t, s.PutEventFeed(ctx, olaFeed))

	// Renewing replaces the token: the old one is not found.
	renewed, newToken := domain.NewEventFeed(Oslo, kari.ID, now.Add(time.Hour))
	require.NoError(t, s.PutEventFeed(ctx, renewed))
	_, err = s.EventFeedByHash(ctx, Oslo, domain.HashFeedToken(token))
	assert.ErrorIs(t, err, domain.ErrNotFound)
	got, err = s.EventFeedByHash(ctx, Oslo, domain.HashFeedToken(newToken))
	require.NoError(t, err)
	assert.Equal(t, renewed, got)

	// Refused: no such guardian, a bad hash.
	stranger, _ := domain.NewEventFeed(Oslo, domain.NewID[domain.Guardian](), now)
	requireField(t, s.PutEventFeed(ctx, stranger), domain.ErrInvalid, "guardianId")
	broken := renewed
	broken.TokenHash = "not-hex"
	requireField(t, s.PutEventFeed(ctx, broken), domain.ErrInvalid, "tokenHash")

	// Revoking deletes the guardian's feed only.
	require.NoError(t, s.DeleteEventFeed(ctx, Oslo, kari.ID))
	assert.ErrorIs(t, s.DeleteEventFeed(ctx, Oslo, kari.ID), domain.ErrNotFound)
	_, err = s.EventFeedByHash(ctx, Oslo, domain.HashFeedToken(newToken))
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.EventFeed(ctx, Oslo, ola.ID)
	assert.NoError(t, err)
}
