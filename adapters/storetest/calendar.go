package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// CalendarStore is a store with the directory and the opening calendar.
type CalendarStore interface {
	domain.Store
	domain.CalendarStore
}

// RunCalendar runs the opening calendar's suite against stores made by
// newStore: entries put, replaced, listed by period and deleted, a unit of
// another municipality refused, invalid entries refused with nothing
// written, open weekdays, municipality isolation and rollback.
func RunCalendar(t *testing.T, newStore func(t *testing.T) CalendarStore) {
	t.Run("Entries", func(t *testing.T) { testCalendarEntries(t, newStore(t)) })
	t.Run("Weekdays", func(t *testing.T) { testCalendarWeekdays(t, newStore(t)) })
}

func testCalendarEntries(t *testing.T, s CalendarStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, kg))
	bergenUnit := (&fixture{m: Bergen}).unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, bergenUnit))

	entry := func(k domain.CalendarKind, unit domain.UnitID, from, to time.Month, dayFrom, dayTo int) domain.CalendarEntry {
		return domain.CalendarEntry{ID: domain.NewID[domain.CalendarEntry](), Municipality: Oslo, Kind: k, Unit: unit,
			Period: domain.Period{Start: d(2027, from, dayFrom), End: d(2027, to, dayTo)}}
	}
	summer := entry(domain.SummerClosure, domain.UnitID{}, 7, 7, 5, 30)
	summer.AppliesTo, summer.Name = domain.Kindergarten, "Sommerstengt"
	planning := entry(domain.PlanningDay, domain.UnitID{}, 8, 8, 12, 13)
	own := entry(domain.UnitClosed, kg.ID, 5, 5, 7, 7)
	own.Name = "Vannlekkasje"
	autumn := entry(domain.SchoolHoliday, domain.UnitID{}, 10, 10, 4, 8)
	for _, e := range []domain.CalendarEntry{planning, own, summer, autumn} {
		require.NoError(t, s.PutCalendarEntry(ctx, e))
	}
	year := domain.Period{Start: d(2027, 1, 1), End: d(2027, 12, 31)}
	got, err := s.CalendarEntries(ctx, Oslo, year)
	require.NoError(t, err)
	assert.Equal(t, []domain.CalendarEntry{own, summer, planning, autumn}, got, "by start")
	// Overlap semantics: an entry sharing one day with the period is listed.
	got, err = s.CalendarEntries(ctx, Oslo, domain.Period{Start: d(2027, 7, 30), End: d(2027, 8, 12)})
	require.NoError(t, err)
	assert.Equal(t, []domain.CalendarEntry{summer, planning}, got)
	got, err = s.CalendarEntries(ctx, Oslo, domain.Period{Start: d(2027, 5, 8)})
	require.NoError(t, err)
	assert.Len(t, got, 3, "an open period lists every later entry")
	// Replace by ID.
	summer.Period.End = d(2027, 7, 23)
	require.NoError(t, s.PutCalendarEntry(ctx, summer))
	got, err = s.CalendarEntries(ctx, Oslo, domain.Period{Start: d(2027, 7, 24), End: d(2027, 7, 31)})
	require.NoError(t, err)
	assert.Empty(t, got)

	// Isolation: Bergen sees none of Oslo's entries; Oslo cannot name a
	// Bergen unit; a unit that does not exist is refused.
	got, err = s.CalendarEntries(ctx, Bergen, year)
	require.NoError(t, err)
	assert.Empty(t, got)
	requireField(t, s.PutCalendarEntry(ctx, entry(domain.UnitClosed, bergenUnit.ID, 5, 5, 3, 3)), domain.ErrInvalid, "unit")
	requireField(t, s.PutCalendarEntry(ctx, entry(domain.UnitClosed, domain.NewID[domain.Unit](), 5, 5, 3, 3)), domain.ErrInvalid, "unit")
	assert.ErrorIs(t, s.DeleteCalendarEntry(ctx, Bergen, own.ID), domain.ErrNotFound)

	// Invalid input: nothing written.
	bad := entry(domain.PlanningDay, domain.UnitID{}, 9, 9, 1, 1)
	bad.Period.End = 0
	requireField(t, s.PutCalendarEntry(ctx, bad), domain.ErrInvalid, "period.end")
	bad = entry("holiday", domain.UnitID{}, 9, 9, 1, 1)
	requireField(t, s.PutCalendarEntry(ctx, bad), domain.ErrInvalid, "kind")
	got, err = s.CalendarEntries(ctx, Oslo, domain.Period{Start: d(2027, 9, 1), End: d(2027, 9, 1)})
	require.NoError(t, err)
	assert.Empty(t, got)

	// Rollback: an entry put in a failed transaction is not kept.
	boom := errors.New("boom")
	rolled := entry(domain.PlanningDay, domain.UnitID{}, 11, 11, 1, 1)
	err = s.Atomic(ctx, func(ctx context.Context) error {
		require.NoError(t, s.PutCalendarEntry(ctx, rolled))
		return boom
	})
	assert.ErrorIs(t, err, boom)
	got, err = s.CalendarEntries(ctx, Oslo, domain.Period{Start: d(2027, 11, 1), End: d(2027, 11, 1)})
	require.NoError(t, err)
	assert.Empty(t, got)

	// Delete.
	require.NoError(t, s.DeleteCalendarEntry(ctx, Oslo, own.ID))
	assert.ErrorIs(t, s.DeleteCalendarEntry(ctx, Oslo, own.ID), domain.ErrNotFound)
	got, err = s.CalendarEntries(ctx, Oslo, year)
	require.NoError(t, err)
	assert.Len(t, got, 3)
}

func testCalendarWeekdays(t *testing.T, s CalendarStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kg, other := f.unit(domain.Kindergarten), f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, kg))
	require.NoError(t, s.CreateUnit(ctx, other))
	w, err := s.OpenWeekdays(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, w)
	require.NoError(t, s.PutOpenWeekdays(ctx, Oslo, kg.ID, "123456"))
	require.NoError(t, s.PutOpenWeekdays(ctx, Oslo, kg.ID, "12345"))
	require.NoError(t, s.PutOpenWeekdays(ctx, Oslo, other.ID, "1234"))
	w, err = s.OpenWeekdays(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, map[domain.UnitID]domain.Weekdays{kg.ID: "12345", other.ID: "1234"}, w)
	requireField(t, s.PutOpenWeekdays(ctx, Oslo, kg.ID, "76"), domain.ErrInvalid, "weekdays")
	requireField(t, s.PutOpenWeekdays(ctx, Bergen, kg.ID, "12345"), domain.ErrInvalid, "unit")
	w, err = s.OpenWeekdays(ctx, Bergen)
	require.NoError(t, err)
	assert.Empty(t, w)
}

// testClosedDays: on a public holiday and on a Saturday the roster expects
// nobody and shows nobody late; the sick button records nothing; occupancy
// says the unit is closed.
func testClosedDays(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	admin := domain.AdminActor(Oslo, "admin-1")
	require.NoError(t, w.svc.PutSettings(ctx, admin, attendance.Settings{Municipality: Oslo, ExpectedArrival: "09:30"}))
	emma := w.kid(t, "Emma", d(2021, 3, 1), w.kg, w.groupA.ID)
	w.kid(t, "Jonas", d(2021, 5, 1), w.kg, w.groupA.ID)
	mor := w.parent(t, emma, true, false)
	ascension := d(2027, time.May, 6) // Kristi himmelfartsdag 2027
	for _, day := range []date.Date{ascension, d(2027, time.May, 17), d(2027, time.May, 8) /* Saturday */} {
		svc := &attendance.Service{Store: s, Clock: domain.FixedClock(at(day, 11, 0))}
		r, err := svc.Roster(ctx, w.staff, w.kg.ID, domain.GroupID{}, day)
		require.NoError(t, err)
		require.NotNil(t, r.Closed, "%s", day)
		assert.Empty(t, r.Entries, "%s: nobody expected", day)
		assert.Zero(t, r.Count[attendance.Late]+r.Count[attendance.Expected], "%s", day)
		_, err = svc.ReportSick(ctx, mor, emma.ID)
		var closed *attendance.ClosedError
		require.ErrorAs(t, err, &closed, "%s", day)
		requireField(t, err, domain.ErrInvalid, "day")
		abs, err := s.Absences(ctx, Oslo, emma.ID, domain.Period{Start: day, End: day})
		require.NoError(t, err)
		assert.Empty(t, abs, "%s: nothing recorded", day)
		o, err := svc.Occupancy(ctx, w.staff, w.kg.ID, day)
		require.NoError(t, err)
		require.NotNil(t, o.Closed)
	}
	svc := &attendance.Service{Store: s, Clock: domain.FixedClock(at(ascension, 11, 0))}
	_, err := svc.ReportSick(ctx, mor, emma.ID)
	var closed *attendance.ClosedError
	require.ErrorAs(t, err, &closed)
	assert.Equal(t, domain.ClosedPublicHoliday, closed.Closure.Code)
	assert.Contains(t, closed.Explain(attendance.English), "closed today (Ascension Day) — nothing was recorded")
	assert.Contains(t, closed.Explain(attendance.Bokmal), "(Kristi himmelfartsdag) – ingenting ble registrert")

	// A planning day of the municipality closes the unit too; the next
	// day is open: both children expected, then late.
	require.NoError(t, s.PutCalendarEntry(ctx, domain.CalendarEntry{ID: domain.NewID[domain.CalendarEntry](), Municipality: Oslo,
		Kind: domain.PlanningDay, Period: domain.Period{Start: d(2027, 5, 7), End: d(2027, 5, 7)}}))
	svc = &attendance.Service{Store: s, Clock: domain.FixedClock(at(d(2027, 5, 7), 11, 0))}
	r, err := svc.Roster(ctx, w.staff, w.kg.ID, domain.GroupID{}, d(2027, 5, 7))
	require.NoError(t, err)
	require.NotNil(t, r.Closed)
	assert.Equal(t, domain.ClosedPlanning, r.Closed.Code)
	assert.Empty(t, r.Entries)
	svc = &attendance.Service{Store: s, Clock: domain.FixedClock(at(d(2027, 5, 10), 11, 0))}
	r, err = svc.Roster(ctx, w.staff, w.kg.ID, domain.GroupID{}, d(2027, 5, 10))
	require.NoError(t, err)
	assert.Nil(t, r.Closed)
	assert.Equal(t, 2, r.Count[attendance.Late])
	sick, err := svc.ReportSick(ctx, mor, emma.ID)
	require.NoError(t, err)
	assert.Equal(t, d(2027, 5, 10), sick.Period.Start)
}
