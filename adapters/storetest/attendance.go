package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// AttendanceStore is a store with the directory and the attendance port.
type AttendanceStore interface {
	domain.Store
	domain.CalendarStore
	attendance.Store
}

// RunAttendance runs the attendance suite against stores made by newStore:
// idempotent check events (also sent concurrently, and retried without a
// time), check events refused
// with a reason, pickup lists and who may see them, absence reports and the
// day roster, the holiday rule, school absence with its notice and yearly
// summary, occupancy against the staffing norm, settings, municipality
// isolation and rollback. It drives the store through attendance.Service,
// as an application does.
func RunAttendance(t *testing.T, newStore func(t *testing.T) AttendanceStore) {
	t.Run("CheckInIdempotentConcurrent", func(t *testing.T) { testCheckIdempotent(t, newStore(t)) })
	t.Run("CheckRetryWithoutTime", func(t *testing.T) { testCheckRetryWithoutTime(t, newStore(t)) })
	t.Run("CheckRefusals", func(t *testing.T) { testCheckRefusals(t, newStore(t)) })
	t.Run("CheckOutAndCollectors", func(t *testing.T) { testCheckOut(t, newStore(t)) })
	t.Run("PickupVisibility", func(t *testing.T) { testPickupVisibility(t, newStore(t)) })
	t.Run("AbsencesOnRoster", func(t *testing.T) { testAbsencesRoster(t, newStore(t)) })
	t.Run("HolidayRule", func(t *testing.T) { testHolidayRule(t, newStore(t)) })
	t.Run("SchoolAbsence", func(t *testing.T) { testSchoolAbsence(t, newStore(t)) })
	t.Run("ChildChecks", func(t *testing.T) { testChildChecks(t, newStore(t)) })
	t.Run("Occupancy", func(t *testing.T) { testOccupancy(t, newStore(t)) })
	t.Run("Settings", func(t *testing.T) { testSettings(t, newStore(t)) })
	t.Run("StorePort", func(t *testing.T) { testAttendancePort(t, newStore(t)) })
	t.Run("ClosedDays", func(t *testing.T) { testClosedDays(t, newStore(t)) })
}

// The suite's "now": Wednesday 10 September 2025, 10:00 in Oslo.
var (
	attToday = d(2025, time.September, 10)
	attNow   = at(attToday, 10, 0)
)

// at is the instant h:m on day in Oslo.
func at(day date.Date, h, m int) time.Time {
	y, mo, dd := day.Date()
	return time.Date(y, mo, dd, h, m, 0, 0, domain.Oslo())
}

// attWorld is a small municipality: a kindergarten with two groups, a school,
// children placed in them and their guardians.
type attWorld struct {
	s        AttendanceStore
	svc      *attendance.Service
	notices  *[]domain.Notice
	f        *fixture
	kg       domain.Unit
	groupA   domain.Group
	groupB   domain.Group
	other    domain.Unit // a second kindergarten
	school   domain.Unit
	staff    domain.Actor // works at kg
	outsider domain.Actor // works at other
}

func newAttWorld(t *testing.T, s AttendanceStore) *attWorld {
	t.Helper()
	ctx := ctxFor(t)
	var notices []domain.Notice
	w := &attWorld{s: s, f: &fixture{m: Oslo}, notices: &notices}
	w.svc = &attendance.Service{Store: s, Clock: domain.FixedClock(attNow),
		Notifier: domain.NotifierFunc(func(ctx context.Context, n domain.Notice) error {
			if err := n.Validate(); err != nil {
				return err
			}
			notices = append(notices, n)
			return nil
		})}
	w.kg, w.other, w.school = w.f.unit(domain.Kindergarten), w.f.unit(domain.Kindergarten), w.f.unit(domain.School)
	w.groupA, w.groupB = w.f.group(w.kg), w.f.group(w.kg)
	w.groupA.Name, w.groupB.Name = "Avdeling A", "Avdeling B"
	for _, u := range []domain.Unit{w.kg, w.other, w.school} {
		require.NoError(t, s.CreateUnit(ctx, u))
	}
	require.NoError(t, s.CreateGroup(ctx, w.groupA))
	require.NoError(t, s.CreateGroup(ctx, w.groupB))
	w.staff = domain.StaffActor(Oslo, "ansatt-1", w.kg.ID)
	w.outsider = domain.StaffActor(Oslo, "ansatt-9", w.other.ID)
	return w
}

// kid creates a child placed at u (in group g, which may be zero) from
// 1 August 2025, open-ended.
func (w *attWorld) kid(t *testing.T, name string, birth date.Date, u domain.Unit, g domain.GroupID) domain.Child {
	t.Helper()
	ctx := ctxFor(t)
	c := w.f.child(t)
	c.NationalID = domain.NationalID{}
	c.GivenName, c.BirthDate = name, birth
	require.NoError(t, w.s.CreateChild(ctx, c))
	p := w.f.placement(c, u, d(2025, time.August, 1), date.Zero)
	p.GroupID = g
	require.NoError(t, w.s.CreatePlacement(ctx, p))
	return c
}

// parent creates a guardian of the child and returns it as an actor.
func (w *attWorld) parent(t *testing.T, c domain.Child, responsibility, infoRequested bool) domain.Actor {
	t.Helper()
	ctx := ctxFor(t)
	g := w.f.guardian(t)
	g.NationalID = domain.NationalID{}
	require.NoError(t, w.s.CreateGuardian(ctx, g))
	require.NoError(t, w.s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: g.ID,
		ParentalResponsibility: responsibility, LivesWithChild: responsibility, InformationRequested: infoRequested}))
	return domain.GuardianActor(Oslo, g.ID)
}

func (w *attWorld) in(t *testing.T, c domain.Child, h, m int) attendance.Check {
	t.Helper()
	chk, err := w.svc.CheckIn(ctxFor(t), w.staff, attendance.Event{Key: fmt.Sprintf("in-%s-%d%02d", c.ID, h, m),
		Child: c.ID, Unit: w.kg.ID, At: at(attToday, h, m)})
	require.NoError(t, err)
	return chk
}

func (w *attWorld) checksToday(t *testing.T, u domain.Unit) []attendance.Check {
	t.Helper()
	day, err := w.s.UnitDay(ctxFor(t), Oslo, u.ID, attToday)
	require.NoError(t, err)
	return day.Checks
}

// testChildChecks: a child's check events over a period, in time order,
// without other children's, other days' or another municipality's.
func testChildChecks(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	emma := w.kid(t, "Emma", d(2021, 3, 1), w.kg, w.groupA.ID)
	jonas := w.kid(t, "Jonas", d(2021, 5, 1), w.kg, w.groupA.ID)
	add := func(c domain.Child, kind attendance.CheckKind, day date.Date, h, m int) attendance.Check {
		t.Helper()
		chk := attendance.Check{ID: domain.NewID[attendance.Check](), Municipality: Oslo, Key: domain.NewID[attendance.Check]().String(),
			ChildID: c.ID, UnitID: w.kg.ID, Kind: kind, At: at(day, h, m), Day: day, By: "ansatt-1"}
		got, created, err := s.AddCheck(ctx, chk)
		require.NoError(t, err)
		require.True(t, created)
		return got
	}
	// Written out of order: the list is by time.
	late := add(emma, attendance.CheckOut, attToday, 16, 5)
	early := add(emma, attendance.CheckIn, attToday, 7, 40)
	before := add(emma, attendance.CheckIn, attToday-2, 8, 0)
	add(jonas, attendance.CheckIn, attToday, 7, 30)

	ids := func(cs []attendance.Check) []attendance.CheckID {
		out := []attendance.CheckID{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	got, err := s.ChildChecks(ctx, Oslo, emma.ID, domain.Period{Start: attToday - 1, End: attToday})
	require.NoError(t, err)
	assert.Equal(t, []attendance.CheckID{early.ID, late.ID}, ids(got))
	assert.Equal(t, attendance.CheckOut, got[1].Kind)
	assert.True(t, got[1].At.Equal(late.At))

	got, err = s.ChildChecks(ctx, Oslo, emma.ID, domain.Period{Start: d(2000, time.January, 1)})
	require.NoError(t, err)
	assert.Equal(t, []attendance.CheckID{before.ID, early.ID, late.ID}, ids(got), "an open period reaches every day")

	got, err = s.ChildChecks(ctx, Bergen, emma.ID, domain.Period{Start: d(2000, time.January, 1)})
	require.NoError(t, err)
	assert.Empty(t, got, "another municipality sees none")

	_, err = s.ChildChecks(ctx, Oslo, emma.ID, domain.Period{Start: attToday, End: attToday - 1})
	assert.ErrorIs(t, err, domain.ErrInvalid)
}

func testCheckIdempotent(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	c := w.kid(t, "Emma", d(2021, 3, 1), w.kg, w.groupA.ID)
	tablet2 := domain.StaffActor(Oslo, "ansatt-2", w.kg.ID)
	e := attendance.Event{Key: "tablet-7f3a", Child: c.ID, Unit: w.kg.ID, At: at(attToday, 7, 45)}

	// Two tablets (and retries) send the same event at once.
	const senders = 12
	got := make([]attendance.Check, senders)
	errs := make([]error, senders)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			actor := w.staff
			if i%2 == 1 {
				actor = tablet2
			}
			got[i], errs[i] = w.svc.CheckIn(ctx, actor, e)
		}()
	}
	close(start)
	wg.Wait()
	for i := range senders {
		require.NoError(t, errs[i], "sender %d", i)
		assert.Equal(t, got[0].ID, got[i].ID, "every sender gets the one record")
	}
	checks := w.checksToday(t, w.kg)
	require.Len(t, checks, 1, "one record for the event")
	assert.Equal(t, got[0], checks[0])
	assert.Equal(t, attendance.CheckIn, checks[0].Kind)
	assert.True(t, checks[0].At.Equal(e.At))
	assert.Equal(t, attToday, checks[0].Day)

	// A retry much later returns the first record, not an error.
	again, err := w.svc.CheckIn(ctx, tablet2, e)
	require.NoError(t, err)
	assert.Equal(t, got[0], again)
	// The store port itself answers a duplicate key with the first record.
	dup := checks[0]
	dup.ID = domain.NewID[attendance.Check]()
	stored, created, err := s.AddCheck(ctx, dup)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, checks[0].ID, stored.ID)

	// The same key for another event is a conflict, and writes nothing.
	other := e
	other.At = at(attToday, 8, 0)
	_, err = w.svc.CheckIn(ctx, w.staff, other)
	requireField(t, err, domain.ErrConflict, "key")
	assert.Len(t, w.checksToday(t, w.kg), 1)

	// The same key in another municipality is another event.
	wb := &attWorld{s: s, f: &fixture{m: Bergen}}
	bu := wb.f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, bu))
	bc := wb.f.child(t)
	bc.NationalID = domain.NationalID{}
	require.NoError(t, s.CreateChild(ctx, bc))
	require.NoError(t, s.CreatePlacement(ctx, wb.f.placement(bc, bu, d(2025, 8, 1), date.Zero)))
	bsvc := &attendance.Service{Store: s, Clock: domain.FixedClock(attNow)}
	bchk, err := bsvc.CheckIn(ctx, domain.StaffActor(Bergen, "tilsett-1", bu.ID),
		attendance.Event{Key: e.Key, Child: bc.ID, Unit: bu.ID, At: e.At})
	require.NoError(t, err)
	assert.NotEqual(t, got[0].ID, bchk.ID)
	assert.Len(t, w.checksToday(t, w.kg), 1, "Oslo still has one")
}

// testCheckRetryWithoutTime: an event sent without a time happens now; the
// same event sent again without a time, seconds or a day later, returns the
// first record, though "now" has moved on. The key for another child, kind
// or collector, or with a time of its own that differs, is still a
// conflict.
func testCheckRetryWithoutTime(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	c := w.kid(t, "Emma", d(2021, 3, 1), w.kg, w.groupA.ID)
	other := w.kid(t, "Jonas", d(2021, 5, 1), w.kg, w.groupA.ID)
	svcAt := func(when time.Time) *attendance.Service {
		return &attendance.Service{Store: s, Clock: domain.FixedClock(when)}
	}
	first := at(attToday, 7, 45).Add(10*time.Second + 123456789)
	e := attendance.Event{Key: "tablet-untimed", Child: c.ID, Unit: w.kg.ID}
	chk, err := svcAt(first).CheckIn(ctx, w.staff, e)
	require.NoError(t, err)
	assert.True(t, chk.At.Equal(first.Truncate(time.Microsecond)), "the event is now: %s", chk.At)
	assert.Equal(t, attToday, chk.Day)

	for _, later := range []time.Time{first.Add(time.Second), at(attToday, 9, 30), at(attToday+1, 8, 0)} {
		again, err := svcAt(later).CheckIn(ctx, w.staff, e)
		require.NoError(t, err, "a retry at %s", later)
		assert.Equal(t, chk, again, "a retry at %s", later)
	}
	// With the first record's own time it is the same event too.
	timed := e
	timed.At = chk.At
	again, err := svcAt(at(attToday, 9, 30)).CheckIn(ctx, w.staff, timed)
	require.NoError(t, err)
	assert.Equal(t, chk, again)

	// The key for something else is a conflict, with or without a time.
	later := svcAt(at(attToday, 9, 30))
	timed.At = at(attToday, 7, 50)
	_, err = later.CheckIn(ctx, w.staff, timed)
	requireField(t, err, domain.ErrConflict, "key")
	forOther := e
	forOther.Child = other.ID
	_, err = later.CheckIn(ctx, w.staff, forOther)
	requireField(t, err, domain.ErrConflict, "key")
	out := e
	out.Collector = attendance.Collector{Name: "Mor"}
	_, err = later.CheckOut(ctx, w.staff, out)
	requireField(t, err, domain.ErrConflict, "key")
	assert.Len(t, w.checksToday(t, w.kg), 1, "one record, nothing else written")

	// A check-out without a time, retried: the collector must agree.
	out.Key = "tablet-untimed-out"
	left, err := later.CheckOut(ctx, w.staff, out)
	require.NoError(t, err)
	again, err = svcAt(at(attToday, 9, 31)).CheckOut(ctx, w.staff, out)
	require.NoError(t, err)
	assert.Equal(t, left, again)
	out.Collector.Name = "Far"
	_, err = svcAt(at(attToday, 9, 32)).CheckOut(ctx, w.staff, out)
	requireField(t, err, domain.ErrConflict, "key")
	assert.Len(t, w.checksToday(t, w.kg), 2)
}

func testCheckRefusals(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	c := w.kid(t, "Emma", d(2021, 3, 1), w.kg, w.groupA.ID)
	elsewhere := w.kid(t, "Jonas", d(2021, 5, 1), w.other, domain.GroupID{})
	// Placed at kg from next week only.
	later := w.f.child(t)
	later.NationalID = domain.NationalID{}
	require.NoError(t, s.CreateChild(ctx, later))
	require.NoError(t, s.CreatePlacement(ctx, w.f.placement(later, w.kg, attToday+7, date.Zero)))
	// Placed at kg until yesterday.
	gone := w.f.child(t)
	gone.NationalID = domain.NationalID{}
	require.NoError(t, s.CreateChild(ctx, gone))
	require.NoError(t, s.CreatePlacement(ctx, w.f.placement(gone, w.kg, d(2025, 8, 1), attToday-1)))

	ev := func(c domain.Child, h, m int) attendance.Event {
		return attendance.Event{Key: domain.NewID[attendance.Check]().String(), Child: c.ID, Unit: w.kg.ID, At: at(attToday, h, m)}
	}
	// Check-out before any check-in that day.
	out := ev(c, 9, 0)
	out.Collector = attendance.Collector{Name: "Mor"}
	_, err := w.svc.CheckOut(ctx, w.staff, out)
	requireField(t, err, domain.ErrInvalid, "kind")
	requireReason(t, err, "kind", "the-child-has-not-been-checked-in-on")

	// Check-in at a unit where the child has no placement that day.
	for _, x := range []domain.Child{elsewhere, later, gone} {
		_, err = w.svc.CheckIn(ctx, w.staff, ev(x, 8, 0))
		requireField(t, err, domain.ErrInvalid, "unitId")
		assert.Equal(t, "2025-09-10", requireReason(t, err, "unitId", "the-child-has-no-placement-at-this-unit-on")["day"])
	}
	// A time in the future (a minute after now).
	_, err = w.svc.CheckIn(ctx, w.staff, ev(c, 10, 1))
	requireField(t, err, domain.ErrInvalid, "at")
	assert.Contains(t, err.Error(), "future")
	// Staff of another unit, a guardian, a caseworker.
	g := w.parent(t, c, true, false)
	for _, a := range []domain.Actor{w.outsider, g, domain.CaseworkerActor(Oslo, "sb-1")} {
		_, err = w.svc.CheckIn(ctx, a, ev(c, 8, 0))
		assert.ErrorIs(t, err, domain.ErrForbidden, a.String())
	}
	// Staff of another municipality do not find the child at all.
	_, err = w.svc.CheckIn(ctx, domain.StaffActor(Bergen, "x", w.kg.ID), ev(c, 8, 0))
	requireField(t, err, domain.ErrInvalid, "unitId")
	// Missing key (a missing time is now).
	bad := ev(c, 8, 0)
	bad.Key, bad.At = "", time.Time{}
	_, err = w.svc.CheckIn(ctx, w.staff, bad)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("key") && !ve.Has("at"), "%v", err)
	// A key with a NUL or a line break (PostgreSQL cannot store NUL).
	for _, key := range []string{"k\x00", "\x00", "k\n1"} {
		bad = ev(c, 8, 0)
		bad.Key = key
		_, err = w.svc.CheckIn(ctx, w.staff, bad)
		requireField(t, err, domain.ErrInvalid, "key")
	}
	// An absence whose note holds a NUL; a pickup named NUL.
	_, err = w.svc.ReportAbsence(ctx, w.staff, attendance.Absence{ChildID: c.ID,
		Period: domain.Period{Start: attToday + 1, End: attToday + 2}, Reason: attendance.Holiday, Note: "fri\x00"})
	requireField(t, err, domain.ErrInvalid, "note")

	// Nothing was written.
	assert.Empty(t, w.checksToday(t, w.kg))
	cc, err := s.CheckContext(ctx, Oslo, c.ID, attToday, out.Key)
	require.NoError(t, err)
	assert.Nil(t, cc.Existing)
	assert.Empty(t, cc.Checks)
	require.Len(t, cc.Placements, 1)

	// After a check-in, a second check-in is refused; an offline tablet's
	// event from earlier that morning is accepted later.
	w.in(t, c, 8, 0)
	_, err = w.svc.CheckIn(ctx, w.staff, ev(c, 9, 0))
	requireField(t, err, domain.ErrInvalid, "kind")
	assert.Equal(t, "08:00", requireReason(t, err, "kind", "the-child-is-already-checked-in-since")["time"])
	early := ev(c, 7, 30)
	early.Collector = attendance.Collector{Name: "Far"}
	_, err = w.svc.CheckOut(ctx, w.staff, early)
	requireField(t, err, domain.ErrInvalid, "kind")
	assert.Len(t, w.checksToday(t, w.kg), 1)
}

func testCheckOut(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	emma := w.kid(t, "Emma", d(2021, 3, 1), w.kg, w.groupA.ID)
	jonas := w.kid(t, "Jonas", d(2021, 5, 1), w.kg, w.groupA.ID)
	sara := w.kid(t, "Sara", d(2022, 5, 1), w.kg, w.groupB.ID)
	mor := w.parent(t, emma, true, false)
	jonasFar := w.parent(t, jonas, true, false)
	bestemor, err := w.svc.SetPickup(ctx, mor, attendance.Pickup{ChildID: emma.ID, Name: "Gro Hansen", Relation: "bestemor", Phone: "+47 900 00 000"})
	require.NoError(t, err)
	_, err = w.svc.SetPickup(ctx, mor, attendance.Pickup{ChildID: emma.ID, Name: "Nabo Nilsen", Relation: "nabo", ValidUntil: attToday - 1})
	require.NoError(t, err)
	for _, c := range []domain.Child{emma, jonas, sara} {
		w.in(t, c, 8, 0)
	}
	out := func(c domain.Child, col attendance.Collector) attendance.Check {
		e := attendance.Event{Key: "out-" + c.ID.String(), Child: c.ID, Unit: w.kg.ID, At: at(attToday, 9, 30), Collector: col}
		chk, err := w.svc.CheckOut(ctx, w.staff, e)
		require.NoError(t, err)
		retry, err := w.svc.CheckOut(ctx, w.staff, e)
		require.NoError(t, err, "a retried check-out returns the first record")
		assert.Equal(t, chk, retry)
		return chk
	}
	// On the list, by name (case and spaces do not matter).
	e := out(emma, attendance.Collector{Name: " gro hansen"})
	assert.Empty(t, e.Warning)
	assert.Equal(t, bestemor.ID, e.Collector.Pickup)
	// A guardian with parental responsibility.
	j := out(jonas, attendance.Collector{Guardian: jonasFar.Guardian})
	assert.Empty(t, j.Warning)
	jf, err := s.Guardian(ctx, Oslo, jonasFar.Guardian)
	require.NoError(t, err)
	assert.Equal(t, jf.GivenName+" "+jf.FamilyName, j.Collector.Name, "the guardian's name is filled in")
	// Someone not on the list: recorded, with a warning.
	sa := out(sara, attendance.Collector{Name: "Ukjent Person"})
	assert.Equal(t, attendance.WarnUnlistedCollector, sa.Warning)
	assert.Equal(t, "Collected by someone who is not on the pickup list.", attendance.WarningText(sa.Warning, attendance.English))

	// A check-out needs a collector; a second check-out is refused.
	_, err = w.svc.CheckOut(ctx, w.staff, attendance.Event{Key: "x1", Child: emma.ID, Unit: w.kg.ID, At: at(attToday, 9, 40)})
	requireField(t, err, domain.ErrInvalid, "collector")
	_, err = w.svc.CheckOut(ctx, w.staff, attendance.Event{Key: "x2", Child: emma.ID, Unit: w.kg.ID, At: at(attToday, 9, 40),
		Collector: attendance.Collector{Name: "Gro Hansen"}})
	requireField(t, err, domain.ErrInvalid, "kind")
	assert.Equal(t, "09:30", requireReason(t, err, "kind", "the-child-already-left-at")["time"])
	// An expired authorisation does not count.
	w.in(t, emma, 9, 45)
	n := out2(t, w, emma, "Nabo Nilsen")
	assert.Equal(t, attendance.WarnUnlistedCollector, n.Warning)

	checks := w.checksToday(t, w.kg)
	require.Len(t, checks, 8)
	for i := 1; i < len(checks); i++ {
		assert.False(t, checks[i].At.Before(checks[i-1].At), "by time")
	}
	assert.Equal(t, "ansatt-1", checks[0].By)

	r, err := w.svc.Roster(ctx, w.staff, w.kg.ID, domain.GroupID{}, attToday)
	require.NoError(t, err)
	require.Len(t, r.Entries, 3)
	assert.Equal(t, 3, r.Count[attendance.Left])
	for _, e := range r.Entries {
		if e.Child == sara.ID {
			assert.Equal(t, attendance.WarnUnlistedCollector, e.Warning)
			assert.Equal(t, "Ukjent Person", e.CollectedBy)
		}
		if e.Child == emma.ID {
			assert.True(t, e.In.Equal(at(attToday, 8, 0)), "first check-in")
			assert.True(t, e.Out.Equal(at(attToday, 9, 55)), "last check-out")
		}
	}
}

func out2(t *testing.T, w *attWorld, c domain.Child, name string) attendance.Check {
	t.Helper()
	chk, err := w.svc.CheckOut(ctxFor(t), w.staff, attendance.Event{Key: "out2-" + c.ID.String(), Child: c.ID, Unit: w.kg.ID,
		At: at(attToday, 9, 55), Collector: attendance.Collector{Name: name}})
	require.NoError(t, err)
	return chk
}

func testPickupVisibility(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	open := w.kid(t, "Emma", d(2021, 3, 1), w.kg, w.groupA.ID)
	hidden := w.kid(t, "Ola", d(2021, 4, 1), w.kg, w.groupA.ID)
	hidden.AddressProtection = domain.ProtectionStrengtFortrolig
	require.NoError(t, s.UpdateChild(ctx, hidden))

	caseworker := domain.CaseworkerActor(Oslo, "sb-1")
	for _, c := range []domain.Child{open, hidden} {
		withPR := w.parent(t, c, true, false)
		informed := w.parent(t, c, false, true) // § 47: no responsibility, asked for information
		p, err := w.svc.SetPickup(ctx, withPR, attendance.Pickup{ChildID: c.ID, Name: "Gro Hansen", Relation: "bestemor", Phone: "+4790000000"})
		require.NoError(t, err)
		assert.Equal(t, withPR.Guardian, p.AddedBy)

		// Only a guardian with parental responsibility keeps the list.
		for _, a := range []domain.Actor{informed, w.staff, caseworker} {
			_, err = w.svc.SetPickup(ctx, a, attendance.Pickup{ChildID: c.ID, Name: "Noen", Relation: "venn"})
			assert.ErrorIs(t, err, domain.ErrForbidden, a.String())
			assert.ErrorIs(t, w.svc.RemovePickup(ctx, a, c.ID, p.ID), domain.ErrForbidden, a.String())
		}

		// Unit staff and guardians with parental responsibility always see it.
		for _, a := range []domain.Actor{w.staff, withPR} {
			list, err := w.svc.PickupList(ctx, a, c.ID)
			require.NoError(t, err, a.String())
			require.Len(t, list, 1)
			assert.Equal(t, p, list[0])
		}
		// Staff of other units, and other municipalities, never.
		for _, a := range []domain.Actor{w.outsider, domain.StaffActor(Bergen, "x", w.kg.ID)} {
			_, err := w.svc.PickupList(ctx, a, c.ID)
			assert.Error(t, err, a.String())
		}
		// A § 47 guardian and a caseworker only for a child without protection.
		for _, a := range []domain.Actor{informed, caseworker} {
			list, err := w.svc.PickupList(ctx, a, c.ID)
			if c.AddressProtection.Protected() {
				assert.ErrorIs(t, err, domain.ErrForbidden, a.String())
				assert.Nil(t, list)
			} else {
				require.NoError(t, err, a.String())
				assert.Len(t, list, 1)
			}
		}
		require.NoError(t, w.svc.RemovePickup(ctx, withPR, c.ID, p.ID))
		list, err := w.svc.PickupList(ctx, w.staff, c.ID)
		require.NoError(t, err)
		assert.Empty(t, list)
		assert.ErrorIs(t, w.svc.RemovePickup(ctx, withPR, c.ID, p.ID), domain.ErrNotFound)
	}

	// Invalid input is refused before anything is written.
	g := w.parent(t, open, true, false)
	_, err := w.svc.SetPickup(ctx, g, attendance.Pickup{ChildID: open.ID, Name: " ", Relation: "onkel", Phone: "12"})
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("name") && ve.Has("phone"), "%v", err)
	list, err := s.Pickups(ctx, Oslo, open.ID)
	require.NoError(t, err)
	assert.Empty(t, list)
}

func testAbsencesRoster(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	caseworker := domain.AdminActor(Oslo, "admin-1")
	require.NoError(t, w.svc.PutSettings(ctx, caseworker, attendance.Settings{Municipality: Oslo, ExpectedArrival: "09:30"}))
	emma := w.kid(t, "Emma", d(2021, 3, 1), w.kg, w.groupA.ID)
	jonas := w.kid(t, "Jonas", d(2021, 5, 1), w.kg, w.groupA.ID)
	sara := w.kid(t, "Sara", d(2022, 5, 1), w.kg, w.groupB.ID)
	liv := w.kid(t, "Liv", d(2022, 6, 1), w.kg, w.groupB.ID)
	per := w.kid(t, "Per", d(2022, 7, 1), w.kg, w.groupB.ID)
	w.kid(t, "Annen", d(2022, 7, 1), w.other, domain.GroupID{})
	emmaMor := w.parent(t, emma, true, false)
	emmaFar := w.parent(t, emma, false, true)
	saraMor := w.parent(t, sara, true, false)

	// One click: sick today. Pressing it twice reports once.
	sick, err := w.svc.ReportSick(ctx, emmaMor, emma.ID)
	require.NoError(t, err)
	assert.Equal(t, attendance.Sick, sick.Reason)
	assert.Equal(t, domain.Period{Start: attToday, End: attToday}, sick.Period)
	again, err := w.svc.ReportSick(ctx, emmaMor, emma.ID)
	require.NoError(t, err)
	assert.Equal(t, sick.ID, again.ID)
	// Two parents press the button at the same moment: one report.
	jonasMor, jonasFar := w.parent(t, jonas, true, false), w.parent(t, jonas, true, false)
	clicks := make([]attendance.Absence, 8)
	clickErrs := make([]error, len(clicks))
	var wg sync.WaitGroup
	for i := range clicks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := jonasMor
			if i%2 == 1 {
				who = jonasFar
			}
			clicks[i], clickErrs[i] = w.svc.ReportSick(ctx, who, jonas.ID)
		}()
	}
	wg.Wait()
	for i := range clicks {
		require.NoError(t, clickErrs[i])
		assert.Equal(t, clicks[0].ID, clicks[i].ID)
	}
	jonasAbs, err := s.Absences(ctx, Oslo, jonas.ID, domain.Period{Start: attToday, End: attToday})
	require.NoError(t, err)
	require.Len(t, jonasAbs, 1)
	require.NoError(t, w.svc.WithdrawAbsence(ctx, jonasFar, jonas.ID, jonasAbs[0].ID))

	// Not a parent without responsibility, not staff of another unit.
	for _, a := range []domain.Actor{emmaFar, w.outsider, saraMor} {
		_, err = w.svc.ReportSick(ctx, a, emma.ID)
		assert.ErrorIs(t, err, domain.ErrForbidden, a.String())
	}
	// Planned holiday for a range of days.
	hol, err := w.svc.ReportAbsence(ctx, saraMor, attendance.Absence{ChildID: sara.ID, Reason: attendance.Holiday,
		Period: domain.Period{Start: attToday, End: attToday + 2}, Note: "Syden"})
	require.NoError(t, err)
	// Overlapping, in the past, open-ended or without a reason: refused.
	_, err = w.svc.ReportAbsence(ctx, saraMor, attendance.Absence{ChildID: sara.ID, Reason: attendance.Leave,
		Period: domain.Period{Start: attToday + 2, End: attToday + 3}})
	requireField(t, err, domain.ErrConflict, "period")
	_, err = w.svc.ReportAbsence(ctx, saraMor, attendance.Absence{ChildID: sara.ID, Reason: attendance.Leave,
		Period: domain.Period{Start: attToday - 1, End: attToday - 1}})
	requireField(t, err, domain.ErrInvalid, "period.start")
	_, err = w.svc.ReportAbsence(ctx, saraMor, attendance.Absence{ChildID: sara.ID, Period: domain.Period{Start: attToday + 5}})
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("period.end") && ve.Has("reason"), "%v", err)
	// Staff may record a past day (the parent phoned).
	_, err = w.svc.ReportAbsence(ctx, w.staff, attendance.Absence{ChildID: liv.ID, Reason: attendance.Sick,
		Period: domain.Period{Start: attToday - 1, End: attToday - 1}})
	require.NoError(t, err)

	list, err := w.svc.Absences(ctx, saraMor, sara.ID, domain.Period{Start: attToday - 30, End: attToday + 30})
	require.NoError(t, err)
	assert.Equal(t, []attendance.Absence{hol}, list)

	// Jonas arrives; Liv and Per have not come at 10:00, after 09:30.
	w.in(t, jonas, 8, 15)
	r, err := w.svc.Roster(ctx, w.staff, w.kg.ID, domain.GroupID{}, attToday)
	require.NoError(t, err)
	status := map[domain.ChildID]attendance.Entry{}
	for _, e := range r.Entries {
		status[e.Child] = e
	}
	require.Len(t, r.Entries, 5, "the other unit's child is not on the roster")
	assert.Equal(t, attendance.Absent, status[emma.ID].Status)
	assert.Equal(t, attendance.Sick, status[emma.ID].Reason)
	assert.Equal(t, attendance.Absent, status[sara.ID].Status)
	assert.Equal(t, "Syden", status[sara.ID].Note)
	assert.Equal(t, attendance.Present, status[jonas.ID].Status)
	assert.Equal(t, attendance.Late, status[liv.ID].Status, "yesterday's absence does not count today")
	assert.Equal(t, attendance.Late, status[per.ID].Status)
	assert.Equal(t, map[attendance.Status]int{attendance.Absent: 2, attendance.Present: 1, attendance.Late: 2}, r.Count)
	assert.Equal(t, "ikke kommet", attendance.Late.Text(attendance.Bokmal))
	assert.Equal(t, "sjuk", attendance.Sick.Text(attendance.Nynorsk))
	// Sorted by group, then name.
	assert.Equal(t, w.groupA.ID.Compare(w.groupB.ID) < 0, r.Entries[0].Group == w.groupA.ID)

	// One group only.
	rb, err := w.svc.Roster(ctx, w.staff, w.kg.ID, w.groupB.ID, attToday)
	require.NoError(t, err)
	assert.Len(t, rb.Entries, 3)
	// Tomorrow: Sara still on holiday, everyone else expected (not late).
	rt, err := w.svc.Roster(ctx, w.staff, w.kg.ID, domain.GroupID{}, attToday+1)
	require.NoError(t, err)
	assert.Equal(t, map[attendance.Status]int{attendance.Absent: 1, attendance.Expected: 4}, rt.Count)
	// Municipal actors may read it; staff of another unit may not.
	_, err = w.svc.Roster(ctx, caseworker, w.kg.ID, domain.GroupID{}, attToday)
	require.NoError(t, err)
	_, err = w.svc.Roster(ctx, w.outsider, w.kg.ID, domain.GroupID{}, attToday)
	assert.ErrorIs(t, err, domain.ErrForbidden)

	// Withdrawing the sick report puts Emma back as late.
	require.NoError(t, w.svc.WithdrawAbsence(ctx, emmaMor, emma.ID, sick.ID))
	assert.ErrorIs(t, w.svc.WithdrawAbsence(ctx, emmaMor, emma.ID, sick.ID), domain.ErrNotFound)
	r, err = w.svc.Roster(ctx, w.staff, w.kg.ID, w.groupA.ID, attToday)
	require.NoError(t, err)
	assert.Equal(t, map[attendance.Status]int{attendance.Present: 1, attendance.Late: 1}, r.Count)
}

func testHolidayRule(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	admin := domain.AdminActor(Oslo, "admin-1")
	// The rule is configuration: four weeks, three of them in summer.
	rule := attendance.HolidayRule{Weeks: 4, SummerWeeks: 3, DaysPerWeek: 5, SummerFrom: "06-15", SummerTo: "08-15",
		Source: "vedtekter for de kommunale barnehagene § 7"}
	year := domain.SchoolYear(2024)
	_, err := w.svc.HolidayReport(ctx, w.staff, w.kg.ID, year)
	requireField(t, err, domain.ErrInvalid, "holiday")
	require.NoError(t, w.svc.PutSettings(ctx, admin, attendance.Settings{Municipality: Oslo, Holiday: rule}))

	place := func(name string, start date.Date) domain.Child {
		c := w.f.child(t)
		c.NationalID = domain.NationalID{}
		c.GivenName = name
		require.NoError(t, s.CreateChild(ctx, c))
		require.NoError(t, s.CreatePlacement(ctx, w.f.placement(c, w.kg, start, date.Zero)))
		return c
	}
	good := place("Anna", d(2023, 8, 1))
	short := place("Bror", d(2023, 8, 1))
	noSummer := place("Cato", d(2024, 8, 1))
	place("Dina", d(2025, 1, 6)) // started in the year: not held to the rule
	holiday := func(c domain.Child, from, to date.Date) {
		require.NoError(t, s.AddAbsence(ctx, attendance.Absence{ID: domain.NewID[attendance.Absence](), Municipality: Oslo,
			ChildID: c.ID, Period: domain.Period{Start: from, End: to}, Reason: attendance.Holiday,
			ReportedBy: "test", ReportedAt: attNow}))
	}
	// Anna: 3 weeks in July 2025 (15 weekdays) + a week in October 2024.
	holiday(good, d(2025, 7, 7), d(2025, 7, 27))
	holiday(good, d(2024, 10, 7), d(2024, 10, 13))
	// Bror: 3 summer weeks only.
	holiday(short, d(2025, 7, 7), d(2025, 7, 25))
	// Cato: 4 weeks, none in summer; a sick week does not count.
	holiday(noSummer, d(2024, 12, 23), d(2025, 1, 19))
	require.NoError(t, s.AddAbsence(ctx, attendance.Absence{ID: domain.NewID[attendance.Absence](), Municipality: Oslo,
		ChildID: short.ID, Period: domain.Period{Start: d(2025, 3, 3), End: d(2025, 3, 7)}, Reason: attendance.Sick,
		ReportedBy: "test", ReportedAt: attNow}))

	rep, err := w.svc.HolidayReport(ctx, w.staff, w.kg.ID, year)
	require.NoError(t, err)
	require.Len(t, rep, 2)
	assert.Equal(t, attendance.HolidayShortfall{Child: short.ID, Name: short.GivenName + " " + short.FamilyName,
		Days: 15, SummerDays: 15, RequiredDays: 20, RequiredSummerDays: 15}, rep[0])
	assert.Equal(t, noSummer.ID, rep[1].Child)
	// Only open days count: of Cato's 20 weekdays, 25 and 26 December and
	// 1 January are public holidays.
	assert.Equal(t, 17, rep[1].Days)
	assert.Equal(t, 0, rep[1].SummerDays)
	assert.Contains(t, rep[0].Explain(attendance.Bokmal), "15 feriedager (krav 20)")
	_, err = w.svc.HolidayReport(ctx, w.outsider, w.kg.ID, year)
	assert.ErrorIs(t, err, domain.ErrForbidden)
}

func testSchoolAbsence(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	admin := domain.AdminActor(Oslo, "admin-1")
	require.NoError(t, w.svc.PutSettings(ctx, admin, attendance.Settings{Municipality: Oslo, School: attendance.SchoolRule{
		PermissionDays: 2, ExcludableDays: 2, Excludable: []attendance.SchoolKind{attendance.Documented},
		CertificateFrom: 8, CertificateTo: 10, Source: "forskrift om permisjon, Oslo kommune; forskrift til opplæringslova"}}))
	// Born 2011: grade 9 in 2025/26.
	pupil := w.kid(t, "Ida", d(2011, 2, 1), w.school, domain.GroupID{})
	parent := w.parent(t, pupil, true, false)
	teacher := domain.StaffActor(Oslo, "laerer-1", w.school.ID)
	rec := func(day date.Date, hours int, kind attendance.SchoolKind, reason string) (attendance.SchoolAbsence, error) {
		return w.svc.RecordSchoolAbsence(ctx, teacher, attendance.SchoolAbsence{ChildID: pupil.ID, UnitID: w.school.ID,
			Day: day, Hours: hours, Kind: kind, Reason: reason})
	}
	_, err := rec(d(2025, 9, 1), 0, attendance.Documented, attendance.ReasonHealth)
	require.NoError(t, err)
	_, err = rec(d(2025, 9, 2), 0, attendance.Documented, attendance.ReasonGuardianReported)
	require.NoError(t, err)
	_, err = rec(d(2025, 9, 3), 0, attendance.Documented, attendance.ReasonHealth)
	require.NoError(t, err)
	_, err = rec(d(2025, 9, 4), 2, attendance.Documented, attendance.ReasonHealth)
	require.NoError(t, err)
	_, err = rec(d(2025, 9, 5), 0, attendance.Permission, "konfirmasjonsreise")
	require.NoError(t, err)
	_, err = rec(d(2025, 9, 8), 3, attendance.Permission, "idrettsstevne")
	require.NoError(t, err)
	assert.Empty(t, *w.notices)
	// A third day of permission is over the municipality's limit of 2.
	_, err = rec(d(2025, 9, 9), 0, attendance.Permission, "ferie")
	requireField(t, err, domain.ErrInvalid, "kind")
	params := requireReason(t, err, "kind", "permission-would-make-days-in-the-municipality-grants-at-most")
	assert.Equal(t, "2", params["limit"])
	assert.Equal(t, "3", params["count"])

	// Undocumented: the guardians are notified in the same transaction.
	undoc, err := rec(d(2025, 9, 9), 1, attendance.Undocumented, "")
	require.NoError(t, err)
	require.Len(t, *w.notices, 1)
	n := (*w.notices)[0]
	assert.Equal(t, domain.Notice{Municipality: Oslo, Kind: attendance.NoticeUndocumented, Child: pupil.ID,
		Data: map[string]string{"date": "2025-09-09", "hours": "1", "wholeDay": "false", "unit": w.school.Name, "child": "Ida"},
		Key:  "absence.undocumented/" + undoc.ID.String()}, n)
	// A notifier that fails rolls the absence back.
	failing := *w.svc
	failing.Notifier = domain.NotifierFunc(func(context.Context, domain.Notice) error { return errors.New("outbox full") })
	_, err = failing.RecordSchoolAbsence(ctx, teacher, attendance.SchoolAbsence{ChildID: pupil.ID, UnitID: w.school.ID,
		Day: d(2025, 9, 10), Kind: attendance.Undocumented})
	require.Error(t, err)
	list, err := s.SchoolAbsences(ctx, Oslo, pupil.ID, domain.SchoolYear(2025).Period())
	require.NoError(t, err)
	require.Len(t, list, 7, "the failed one was not kept")
	for i := 1; i < len(list); i++ {
		assert.LessOrEqual(t, list[i-1].Day, list[i].Day)
	}

	// Refused: a future day, a school where the pupil is not placed, staff of
	// another unit, a documented absence without a reason.
	_, err = rec(attToday+1, 0, attendance.Documented, attendance.ReasonHealth)
	requireField(t, err, domain.ErrInvalid, "day")
	_, err = w.svc.RecordSchoolAbsence(ctx, w.staff, attendance.SchoolAbsence{ChildID: pupil.ID, UnitID: w.kg.ID,
		Day: attToday, Kind: attendance.Undocumented})
	requireField(t, err, domain.ErrInvalid, "unitId")
	_, err = w.svc.RecordSchoolAbsence(ctx, w.staff, attendance.SchoolAbsence{ChildID: pupil.ID, UnitID: w.school.ID,
		Day: attToday, Kind: attendance.Undocumented})
	assert.ErrorIs(t, err, domain.ErrForbidden)
	_, err = rec(attToday, 0, attendance.Documented, "")
	requireField(t, err, domain.ErrInvalid, "reason")

	// The yearly summary: 4 whole days, 6 hours; 2 documented days left out.
	sm, err := w.svc.YearSummary(ctx, parent, pupil.ID, domain.SchoolYear(2025))
	require.NoError(t, err)
	assert.Equal(t, 9, sm.Grade)
	assert.Equal(t, 4, sm.Days)
	assert.Equal(t, 6, sm.Hours)
	assert.Equal(t, []date.Date{d(2025, 9, 1), d(2025, 9, 2)}, sm.ExcludedDays)
	assert.Equal(t, 2, sm.CertificateDays)
	assert.Equal(t, 6, sm.CertificateHours)
	assert.Contains(t, sm.Explain(attendance.English), "on the certificate: 2 days and 6 hours")
	// Grade 7 (2023/24) is not on the certificate.
	_, err = w.svc.YearSummary(ctx, parent, pupil.ID, domain.SchoolYear(2023))
	requireField(t, err, domain.ErrInvalid, "year")
	_, err = w.svc.YearSummary(ctx, w.outsider, pupil.ID, domain.SchoolYear(2025))
	assert.ErrorIs(t, err, domain.ErrForbidden)
}

func testOccupancy(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	// Born 2022: turns three in 2025, so over three from 1 August 2025.
	// Born 2023: under three all of 2025/26.
	var small, large []domain.Child
	for i := range 4 {
		small = append(small, w.kid(t, fmt.Sprintf("Liten %d", i), d(2023, 1, 1+i), w.kg, w.groupA.ID))
	}
	for i := range 7 {
		large = append(large, w.kid(t, fmt.Sprintf("Stor %d", i), d(2022, 12, 1+i), w.kg, w.groupB.ID))
	}
	duty := func(who string, h1, h2 int) {
		_, err := w.svc.AddDuty(ctx, w.staff, attendance.Duty{UnitID: w.kg.ID, Day: attToday, Staff: who,
			Start: at(attToday, h1, 0), End: at(attToday, h2, 0)})
		require.NoError(t, err)
	}
	duty("a", 7, 15)
	duty("b", 7, 15)
	duty("c", 8, 16)
	duty("d", 9, 17)
	for _, c := range small {
		w.in(t, c, 7, 30)
	}
	for _, c := range large {
		w.in(t, c, 8, 30)
	}
	_, err := w.svc.AddDuty(ctx, w.outsider, attendance.Duty{UnitID: w.kg.ID, Day: attToday, Staff: "x",
		Start: at(attToday, 7, 0), End: at(attToday, 8, 0)})
	assert.ErrorIs(t, err, domain.ErrForbidden)
	_, err = w.svc.AddDuty(ctx, w.staff, attendance.Duty{UnitID: w.kg.ID, Day: attToday, Staff: "x",
		Start: at(attToday, 9, 0), End: at(attToday, 8, 0)})
	requireField(t, err, domain.ErrInvalid, "end")

	occ, err := w.svc.Occupancy(ctx, w.staff, w.kg.ID, attToday)
	require.NoError(t, err)
	byTime := map[string]attendance.Occupancy{}
	for _, o := range occ.Moments {
		byTime[o.At.Format("15:04")] = o
	}
	// 07:30: 4 under three need ceil(4/3) = 2; a and b are on duty.
	o := byTime["07:30"]
	assert.Equal(t, [5]int{4, 0, 2, 2, 1}, [5]int{o.Small, o.Large, o.Needed, o.OnDuty, btoi(o.Meets)})
	// 08:30: 4/3 + 7/6 = 2.5 → 3; a, b, c on duty.
	o = byTime["08:30"]
	assert.Equal(t, [5]int{4, 7, 3, 3, 1}, [5]int{o.Small, o.Large, o.Needed, o.OnDuty, btoi(o.Meets)})
	// 15:00: a and b leave, c and d stay: 2 for 3 needed.
	o = byTime["15:00"]
	assert.Equal(t, [5]int{4, 7, 3, 2, 0}, [5]int{o.Small, o.Large, o.Needed, o.OnDuty, btoi(o.Meets)})
	// 17:00: nobody left on duty with eleven children still checked in.
	assert.Equal(t, byTime["17:00"], occ.Worst)
	assert.Equal(t, 0, occ.Worst.OnDuty)
	require.Len(t, occ.Moments, 8, "07:00 07:30 08:00 08:30 09:00 15:00 16:00 17:00")
	assert.Equal(t, 3, o.Norm.UnderThree)
	assert.Equal(t, 6, o.Norm.OverThree)
	assert.Contains(t, o.Explain(attendance.Bokmal), "4 barn under tre og 7 over tre krever 3 voksne")
	assert.Contains(t, o.Explain(attendance.English), "1 short")
	_, err = w.svc.Occupancy(ctx, w.outsider, w.kg.ID, attToday)
	assert.ErrorIs(t, err, domain.ErrForbidden)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func testSettings(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	admin := domain.AdminActor(Oslo, "admin-1")
	st, err := w.svc.Settings(ctx, w.staff)
	require.NoError(t, err)
	assert.Equal(t, attendance.Settings{Municipality: Oslo}, st, "none stored: the zero settings")

	want := attendance.Settings{Municipality: Oslo, ExpectedArrival: "09:15", UnitArrival: map[domain.UnitID]string{w.kg.ID: "08:45"},
		Holiday: attendance.HolidayRule{Weeks: 4, SummerWeeks: 3, DaysPerWeek: 5, SummerFrom: "06-01", SummerTo: "08-31", Source: "vedtekter § 7"},
		School: attendance.SchoolRule{PermissionDays: 10, ExcludableDays: 10, Excludable: []attendance.SchoolKind{attendance.Documented},
			CertificateFrom: 8, CertificateTo: 10, Source: "forskrift til opplæringslova § 3-47"}}
	require.NoError(t, w.svc.PutSettings(ctx, admin, want))
	got, err := s.Settings(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	other, err := s.Settings(ctx, Bergen)
	require.NoError(t, err)
	assert.Equal(t, attendance.Settings{Municipality: Bergen}, other, "settings are per municipality")

	// Staff may not change them; bad settings are refused, nothing written.
	assert.ErrorIs(t, w.svc.PutSettings(ctx, w.staff, want), domain.ErrForbidden)
	assert.ErrorIs(t, w.svc.PutSettings(ctx, domain.AdminActor(Bergen, "a"), want), domain.ErrForbidden)
	bad := want
	bad.ExpectedArrival = "25:00"
	bad.Holiday.SummerWeeks = 5
	bad.School.Excludable = []attendance.SchoolKind{"sometimes"}
	err = w.svc.PutSettings(ctx, admin, bad)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("expectedArrival") && ve.Has("holiday.summerWeeks") && ve.Has("school.excludable"), "%v", err)
	got, err = s.Settings(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// testAttendancePort covers the store port directly: validation before
// writing, references, not-found, isolation and rollback.
func testAttendancePort(t *testing.T, s AttendanceStore) {
	ctx := ctxFor(t)
	w := newAttWorld(t, s)
	c := w.kid(t, "Emma", d(2021, 3, 1), w.kg, w.groupA.ID)
	// A registered address, which a unit's day leaves out.
	withAddress := c
	withAddress.Address = domain.Address{Street: "Tvetenveien 151", Postcode: "0671", PostTown: "OSLO", Municipality: Oslo}
	require.NoError(t, s.UpdateChild(ctx, withAddress))
	chk := attendance.Check{ID: domain.NewID[attendance.Check](), Municipality: Oslo, Key: "k1", ChildID: c.ID, UnitID: w.kg.ID,
		Kind: attendance.CheckIn, At: at(attToday, 8, 0), Day: attToday, By: "ansatt-1"}

	// Invalid records are refused with the field.
	bad := chk
	bad.Day = attToday + 1
	_, _, err := s.AddCheck(ctx, bad)
	requireField(t, err, domain.ErrInvalid, "day")
	missing := chk
	missing.ChildID = domain.NewID[domain.Child]()
	_, _, err = s.AddCheck(ctx, missing)
	requireField(t, err, domain.ErrInvalid, "childId")
	err = s.AddAbsence(ctx, attendance.Absence{ID: domain.NewID[attendance.Absence](), Municipality: Oslo, ChildID: domain.NewID[domain.Child](),
		Period: domain.Period{Start: attToday, End: attToday}, Reason: attendance.Sick, ReportedBy: "x", ReportedAt: attNow})
	requireField(t, err, domain.ErrInvalid, "childId")
	err = s.PutPickup(ctx, attendance.Pickup{ID: domain.NewID[attendance.Pickup](), Municipality: Oslo, ChildID: domain.NewID[domain.Child](),
		Name: "A", Relation: "b", AddedBy: domain.NewID[domain.Guardian]()})
	requireField(t, err, domain.ErrInvalid, "childId")
	err = s.AddDuty(ctx, attendance.Duty{ID: domain.NewID[attendance.Duty](), Municipality: Oslo, UnitID: domain.NewID[domain.Unit](),
		Day: attToday, Staff: "a", Start: at(attToday, 8, 0), End: at(attToday, 9, 0)})
	requireField(t, err, domain.ErrInvalid, "unitId")

	// Not found.
	assert.ErrorIs(t, s.DeletePickup(ctx, Oslo, domain.NewID[attendance.Pickup]()), domain.ErrNotFound)
	assert.ErrorIs(t, s.DeleteAbsence(ctx, Oslo, domain.NewID[attendance.Absence]()), domain.ErrNotFound)

	// A rolled back transaction keeps nothing, not even the key.
	boom := errors.New("boom")
	err = s.Atomic(ctx, func(ctx context.Context) error {
		if _, created, err := s.AddCheck(ctx, chk); err != nil || !created {
			return fmt.Errorf("add: %v %v", created, err)
		}
		cc, err := s.CheckContext(ctx, Oslo, c.ID, attToday, "k1")
		if err != nil || cc.Existing == nil || len(cc.Checks) != 1 {
			return fmt.Errorf("the transaction sees its own check: %v %+v", err, cc)
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	cc, err := s.CheckContext(ctx, Oslo, c.ID, attToday, "k1")
	require.NoError(t, err)
	assert.Nil(t, cc.Existing)
	assert.Empty(t, cc.Checks)

	// Stored and read back exactly, in Oslo time.
	stored, created, err := s.AddCheck(ctx, chk)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, chk, stored)
	cc, err = s.CheckContext(ctx, Oslo, c.ID, attToday, "k1")
	require.NoError(t, err)
	require.NotNil(t, cc.Existing)
	assert.Equal(t, chk, *cc.Existing)
	assert.Equal(t, []attendance.Check{chk}, cc.Checks)
	// Other municipalities and days see nothing.
	cc, err = s.CheckContext(ctx, Bergen, c.ID, attToday, "k1")
	require.NoError(t, err)
	assert.Nil(t, cc.Existing)
	assert.Empty(t, cc.Checks)
	assert.Empty(t, cc.Placements)
	cc, err = s.CheckContext(ctx, Oslo, c.ID, attToday+1, "k2")
	require.NoError(t, err)
	assert.Empty(t, cc.Checks)
	day, err := s.UnitDay(ctx, Bergen, w.kg.ID, attToday)
	require.NoError(t, err)
	assert.Empty(t, day.Checks)
	assert.Empty(t, day.Placements)

	// Made with domain.AtCommit inside Atomic, a store may send the insert
	// with the commit: it is there after the commit all the same. A key
	// that is taken by then is either answered at once (the event under it,
	// not created) or fails the commit as a conflict on the key; either way
	// one event stays under the key, and nothing of the failed transaction.
	late := chk
	late.ID, late.Key, late.At, late.Day = domain.NewID[attendance.Check](), "k-held", at(attToday-1, 9, 0), attToday-1
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		got, created, err := s.AddCheck(domain.AtCommit(ctx), late)
		if err != nil || !created || got.ID != late.ID {
			return fmt.Errorf("held add: %v %v %+v", created, err, got)
		}
		return nil
	}))
	cc, err = s.CheckContext(ctx, Oslo, c.ID, attToday-1, "k-held")
	require.NoError(t, err)
	require.NotNil(t, cc.Existing)
	assert.Equal(t, late, *cc.Existing)
	clash := late
	clash.ID, clash.At = domain.NewID[attendance.Check](), at(attToday-1, 10, 0)
	answered := errors.New("answered with the event under the key")
	err = s.Atomic(ctx, func(ctx context.Context) error {
		got, created, err := s.AddCheck(domain.AtCommit(ctx), clash)
		switch {
		case err != nil:
			return err
		case created: // held: the commit decides
			return nil
		case got.ID != late.ID:
			return fmt.Errorf("answered with another event: %+v", got)
		}
		return answered
	})
	if !errors.Is(err, answered) {
		requireField(t, err, domain.ErrConflict, "key")
	}
	cc, err = s.CheckContext(ctx, Oslo, c.ID, attToday-1, "k-held")
	require.NoError(t, err)
	require.NotNil(t, cc.Existing)
	assert.Equal(t, late, *cc.Existing)
	assert.Equal(t, []attendance.Check{late}, cc.Checks, "not the clash")

	// Round trips of the other records.
	p := attendance.Pickup{ID: domain.NewID[attendance.Pickup](), Municipality: Oslo, ChildID: c.ID, Name: "Åse", Relation: "tante",
		Phone: "+47 41 00 00 00", ValidUntil: d(2026, 6, 30), AddedBy: domain.NewID[domain.Guardian]()}
	p2 := attendance.Pickup{ID: domain.NewID[attendance.Pickup](), Municipality: Oslo, ChildID: c.ID, Name: "Bjørn", Relation: "onkel",
		AddedBy: p.AddedBy}
	require.NoError(t, s.PutPickup(ctx, p))
	require.NoError(t, s.PutPickup(ctx, p2))
	p.Relation = "gudmor"
	require.NoError(t, s.PutPickup(ctx, p))
	ps, err := s.Pickups(ctx, Oslo, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []attendance.Pickup{p2, p}, ps, "Bjørn before Åse")
	ps, err = s.Pickups(ctx, Bergen, c.ID)
	require.NoError(t, err)
	assert.Empty(t, ps)

	ab := attendance.Absence{ID: domain.NewID[attendance.Absence](), Municipality: Oslo, ChildID: c.ID,
		Period: domain.Period{Start: attToday, End: attToday + 4}, Reason: attendance.Holiday, Note: "Hytta",
		ReportedBy: "g", ReportedAt: attNow}
	require.NoError(t, s.AddAbsence(ctx, ab))
	// The store refuses an absence sharing a day with another, and keeps
	// the transaction usable.
	err = s.Atomic(ctx, func(ctx context.Context) error {
		err := s.AddAbsence(ctx, attendance.Absence{ID: domain.NewID[attendance.Absence](), Municipality: Oslo, ChildID: c.ID,
			Period: domain.Period{Start: attToday + 4, End: attToday + 6}, Reason: attendance.Sick, ReportedBy: "g", ReportedAt: attNow})
		requireField(t, err, domain.ErrConflict, "period")
		if err := s.AddAbsence(ctx, attendance.Absence{ID: domain.NewID[attendance.Absence](), Municipality: Oslo, ChildID: c.ID,
			Period: domain.Period{Start: attToday + 5, End: attToday + 6}, Reason: attendance.Sick, ReportedBy: "g", ReportedAt: attNow}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom, "the refusal left the transaction usable; then it rolls back")
	requireField(t, s.AddAbsence(ctx, ab), domain.ErrConflict, "id")
	got, err := s.Absences(ctx, Oslo, c.ID, domain.Period{Start: attToday + 4, End: attToday + 9})
	require.NoError(t, err)
	assert.Equal(t, []attendance.Absence{ab}, got)
	got, err = s.Absences(ctx, Oslo, c.ID, domain.Period{Start: attToday + 5})
	require.NoError(t, err)
	assert.Empty(t, got)
	got, err = s.UnitAbsences(ctx, Oslo, w.kg.ID, domain.Period{Start: attToday - 3, End: attToday})
	require.NoError(t, err)
	assert.Equal(t, []attendance.Absence{ab}, got)
	got, err = s.UnitAbsences(ctx, Oslo, w.other.ID, domain.Period{Start: attToday - 3, End: attToday})
	require.NoError(t, err)
	assert.Empty(t, got)
	_, err = s.Absences(ctx, Oslo, c.ID, domain.Period{})
	requireField(t, err, domain.ErrInvalid, "start")

	du := attendance.Duty{ID: domain.NewID[attendance.Duty](), Municipality: Oslo, UnitID: w.kg.ID, Day: attToday, Staff: "ansatt-1",
		Start: at(attToday, 7, 0), End: at(attToday, 15, 30)}
	require.NoError(t, s.AddDuty(ctx, du))
	day, err = s.UnitDay(ctx, Oslo, w.kg.ID, attToday)
	require.NoError(t, err)
	assert.Equal(t, []attendance.Duty{du}, day.Duties)
	assert.Equal(t, []attendance.Absence{ab}, day.Absences)
	assert.Equal(t, []attendance.Check{chk}, day.Checks)
	require.Len(t, day.Placements, 1)
	assert.Equal(t, []domain.Child{c}, day.Children, "the child without its registered address")

	sa := attendance.SchoolAbsence{ID: domain.NewID[attendance.SchoolAbsence](), Municipality: Oslo, ChildID: c.ID, UnitID: w.school.ID,
		Day: attToday, Hours: 3, Kind: attendance.Permission, Reason: "tannlege", RecordedBy: "l"}
	require.NoError(t, s.AddSchoolAbsence(ctx, sa))
	sas, err := s.SchoolAbsences(ctx, Oslo, c.ID, domain.Period{Start: attToday, End: attToday})
	require.NoError(t, err)
	assert.Equal(t, []attendance.SchoolAbsence{sa}, sas)
	sa.Hours = 99
	requireField(t, s.AddSchoolAbsence(ctx, sa), domain.ErrInvalid, "hours")
}
