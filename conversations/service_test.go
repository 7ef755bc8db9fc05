package conversations_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type world struct {
	store                  *sqlite.Store
	svc                    *conversations.Service
	clock                  *clock
	m                      domain.Municipality
	kg, other              domain.Unit
	group                  domain.Group
	ola, per               domain.Child
	mother, father, absent domain.Guardian
	perMother              domain.Guardian
	teacher, stranger      domain.Actor
	mu                     sync.Mutex
	notices                []domain.Notice
}

func at(mo time.Month, d, h, mi int) time.Time {
	return time.Date(2026, mo, d, h, mi, 0, 0, domain.Oslo())
}

func guardian(w *world, name string) domain.Actor {
	for _, g := range []domain.Guardian{w.mother, w.father, w.absent, w.perMother} {
		if g.GivenName == name {
			return domain.GuardianActor(w.m, g.ID)
		}
	}
	panic(name)
}

func setup(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	w := &world{store: store, m: domain.MustMunicipality("0301"), clock: &clock{t: at(11, 1, 9, 0)}}
	w.kg = domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: w.m, Name: "Nordby barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
	w.other = domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: w.m, Name: "Sørby barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
	w.group = domain.Group{ID: domain.NewID[domain.Group](), Municipality: w.m, UnitID: w.kg.ID, Name: "Blåbær"}
	w.ola = domain.Child{ID: domain.NewID[domain.Child](), Municipality: w.m, GivenName: "Ola", FamilyName: "Berg", BirthDate: date.New(2022, 3, 4)}
	w.per = domain.Child{ID: domain.NewID[domain.Child](), Municipality: w.m, GivenName: "Per", FamilyName: "Dahl", BirthDate: date.New(2022, 5, 6)}
	mk := func(n string) domain.Guardian {
		return domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: w.m, GivenName: n, FamilyName: "X"}
	}
	w.mother, w.father, w.absent, w.perMother = mk("Kari"), mk("Jon"), mk("Ask"), mk("Eva")
	place := func(c domain.Child) domain.Placement {
		return domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: w.m, ChildID: c.ID, UnitID: w.kg.ID, GroupID: w.group.ID,
			Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: date.New(2025, 8, 1)}}
	}
	require.NoError(t, store.Atomic(ctx, func(ctx context.Context) error {
		return errors.Join(store.CreateUnit(ctx, w.kg), store.CreateUnit(ctx, w.other), store.CreateGroup(ctx, w.group),
			store.CreateChild(ctx, w.ola), store.CreateChild(ctx, w.per),
			store.CreateGuardian(ctx, w.mother), store.CreateGuardian(ctx, w.father), store.CreateGuardian(ctx, w.absent), store.CreateGuardian(ctx, w.perMother),
			// Separated parents, both with parental responsibility, and a
			// parent without it who asked for information.
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: w.m, ChildID: w.ola.ID, GuardianID: w.mother.ID, ParentalResponsibility: true, LivesWithChild: true}),
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: w.m, ChildID: w.ola.ID, GuardianID: w.father.ID, ParentalResponsibility: true}),
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: w.m, ChildID: w.ola.ID, GuardianID: w.absent.ID, InformationRequested: true}),
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: w.m, ChildID: w.per.ID, GuardianID: w.perMother.ID, ParentalResponsibility: true}),
			store.CreatePlacement(ctx, place(w.ola)), store.CreatePlacement(ctx, place(w.per)))
	}))
	w.teacher = domain.StaffActor(w.m, "pedagog@nordby.no", w.kg.ID)
	w.stranger = domain.StaffActor(w.m, "pedagog@sorby.no", w.other.ID)
	w.svc = &conversations.Service{Store: store, Clock: w.clock, Notifier: domain.NotifierFunc(func(_ context.Context, n domain.Notice) error {
		require.NoError(t, n.Validate())
		w.mu.Lock()
		defer w.mu.Unlock()
		w.notices = append(w.notices, n)
		return nil
	})}
	return w
}

func draft(w *world) conversations.Round {
	return conversations.Round{Group: w.group.ID, Kind: conversations.Parent, Title: "Foreldresamtaler høst", Minutes: 20,
		Place: "Avdeling Blåbær", Children: []domain.ChildID{w.ola.ID, w.per.ID}, BookBy: date.New(2026, 11, 5)}
}

var starts = []time.Time{at(11, 10, 8, 0), at(11, 10, 8, 30), at(11, 10, 9, 0), at(11, 11, 8, 0)}

func requireConflict(t *testing.T, err error, field, reason string) {
	t.Helper()
	var ce *domain.ConflictError
	require.Truef(t, errors.As(err, &ce), "want a conflict, got %v", err)
	assert.Equal(t, field, ce.Field)
	assert.Equal(t, reason, ce.Reason)
}

func requireInvalid(t *testing.T, err error, field, reason string) {
	t.Helper()
	var ve *domain.ValidationError
	require.Truef(t, errors.As(err, &ve), "want invalid, got %v", err)
	for _, f := range ve.Fields {
		if f.Field == field {
			assert.Equal(t, reason, f.Reason)
			return
		}
	}
	t.Fatalf("%s not refused in %v", field, err)
}

func TestPublish(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	_, _, err := w.svc.Publish(ctx, w.stranger, draft(w), starts)
	assert.ErrorIs(t, err, domain.ErrForbidden, "staff of another unit")
	_, _, err = w.svc.Publish(ctx, guardian(w, "Kari"), draft(w), starts)
	assert.ErrorIs(t, err, domain.ErrForbidden)
	_, _, err = w.svc.Publish(ctx, w.teacher, draft(w), []time.Time{at(10, 31, 8, 0)})
	requireInvalid(t, err, "slots[0]", conversations.ReasonSlotPassed)
	_, _, err = w.svc.Publish(ctx, w.teacher, draft(w), []time.Time{at(11, 10, 8, 0), at(11, 10, 8, 10)})
	requireInvalid(t, err, "slots[1]", conversations.ReasonSlotsOverlap)
	d := draft(w)
	d.Place = ""
	_, _, err = w.svc.Publish(ctx, w.teacher, d, starts)
	requireInvalid(t, err, "place", conversations.ReasonPlaceOrLink)
	d.Link = "http://video.example.no/x"
	_, _, err = w.svc.Publish(ctx, w.teacher, d, starts)
	requireInvalid(t, err, "link", conversations.ReasonLinkNotHTTPS)
	d = draft(w)
	d.Children = append(d.Children, domain.NewID[domain.Child]())
	_, _, err = w.svc.Publish(ctx, w.teacher, d, starts)
	requireInvalid(t, err, "children[2]", conversations.ReasonNotInGroup)

	r, slots, err := w.svc.Publish(ctx, w.teacher, draft(w), []time.Time{starts[3], starts[0], starts[2], starts[1]})
	require.NoError(t, err)
	assert.Equal(t, w.kg.ID, r.Unit)
	assert.Equal(t, "pedagog@nordby.no", r.PublishedBy)
	require.Len(t, slots, 4)
	assert.True(t, slots[0].Start.Equal(starts[0]), "sorted")
	rs, err := w.svc.Rounds(ctx, w.teacher, w.kg.ID)
	require.NoError(t, err)
	assert.Len(t, rs, 1)
	_, err = w.svc.Rounds(ctx, w.stranger, w.kg.ID)
	assert.ErrorIs(t, err, domain.ErrForbidden)
}

func TestBookMoveCancel(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	r, slots, err := w.svc.Publish(ctx, w.teacher, draft(w), starts)
	require.NoError(t, err)
	kari, jon, ask, eva := guardian(w, "Kari"), guardian(w, "Jon"), guardian(w, "Ask"), guardian(w, "Eva")

	// The parent without parental responsibility sees and books nothing.
	os, err := w.svc.ForGuardian(ctx, ask)
	require.NoError(t, err)
	assert.Empty(t, os)
	_, err = w.svc.Book(ctx, ask, r.ID, slots[0].ID, w.ola.ID, false)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	// A guardian of another child cannot book for Ola.
	_, err = w.svc.Book(ctx, eva, r.ID, slots[0].ID, w.ola.ID, false)
	assert.ErrorIs(t, err, domain.ErrNotFound)

	joint, err := w.svc.Book(ctx, kari, r.ID, slots[0].ID, w.ola.ID, false)
	require.NoError(t, err)
	// The other guardian sees the booking and cannot book a second joint one.
	os, err = w.svc.ForGuardian(ctx, jon)
	require.NoError(t, err)
	require.Len(t, os, 1)
	b, ok := os[0].Booked(jon.Guardian, false)
	require.True(t, ok)
	assert.Equal(t, joint.ID, b.ID)
	assert.False(t, os[0].Slots[0].Free)
	_, err = w.svc.Book(ctx, jon, r.ID, slots[1].ID, w.ola.ID, false)
	requireConflict(t, err, "child", conversations.ReasonAlreadyBooked)
	// Eva is refused the taken slot, with the reason.
	_, err = w.svc.Book(ctx, eva, r.ID, slots[0].ID, w.per.ID, false)
	requireConflict(t, err, "slot", conversations.ReasonSlotTaken)

	// The father asks for a separate conversation: the mother does not see it.
	sep, err := w.svc.Book(ctx, jon, r.ID, slots[1].ID, w.ola.ID, true)
	require.NoError(t, err)
	os, err = w.svc.ForGuardian(ctx, kari)
	require.NoError(t, err)
	require.Len(t, os, 1)
	require.Len(t, os[0].Bookings, 1)
	assert.Equal(t, joint.ID, os[0].Bookings[0].ID)
	assert.False(t, os[0].Slots[1].Free, "taken, by whom not shown")
	_, err = w.svc.Move(ctx, kari, sep.ID, slots[2].ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "the mother cannot move the father's own")

	// The father moves the joint booking; the mother sees the new time.
	moved, err := w.svc.Move(ctx, jon, joint.ID, slots[2].ID)
	require.NoError(t, err)
	assert.Equal(t, slots[2].ID, moved.Slot)
	os, err = w.svc.ForGuardian(ctx, kari)
	require.NoError(t, err)
	assert.Equal(t, slots[2].ID, os[0].Bookings[0].Slot)
	_, err = w.svc.Move(ctx, kari, joint.ID, slots[1].ID)
	requireConflict(t, err, "slot", conversations.ReasonSlotTaken)
	_, err = w.svc.Book(ctx, eva, r.ID, slots[0].ID, w.per.ID, false)
	require.NoError(t, err, "the freed slot")

	// Staff see their day, with the children booked; each read is logged.
	day, err := w.svc.Day(ctx, w.teacher, w.kg.ID, date.New(2026, 11, 10))
	require.NoError(t, err)
	require.Len(t, day, 3)
	for _, it := range day {
		require.NotNil(t, it.Booking)
	}
	assert.Equal(t, w.per.ID, day[0].Booking.Child)
	assert.True(t, day[2].Booking.Separate == false && day[2].Booking.Child == w.ola.ID)
	_, err = w.svc.Day(ctx, w.stranger, w.kg.ID, date.New(2026, 11, 10))
	assert.ErrorIs(t, err, domain.ErrForbidden)
	entries, err := w.store.AuditEntries(ctx, w.m, w.ola.ID, domain.AuditID{}, 100)
	require.NoError(t, err)
	actions := map[string]int{}
	for _, e := range entries {
		actions[e.Action+" "+e.Actor.Subject]++
	}
	assert.Equal(t, 2, actions[conversations.AuditRead+" pedagog@nordby.no"], "staff read Ola's two bookings")
	assert.Positive(t, actions[conversations.AuditWrite+" "+jon.Subject])
	assert.Positive(t, actions[conversations.AuditRead+" "+kari.Subject])

	// Cancel, and a slot that has passed can no longer be changed.
	require.NoError(t, w.svc.Cancel(ctx, jon, sep.ID))
	assert.ErrorIs(t, w.svc.Cancel(ctx, jon, sep.ID), domain.ErrNotFound)
	w.clock.set(at(11, 10, 9, 5))
	_, err = w.svc.Move(ctx, kari, joint.ID, slots[3].ID)
	requireInvalid(t, err, "slot", conversations.ReasonSlotPassed)
	_, err = w.svc.Book(ctx, jon, r.ID, slots[1].ID, w.ola.ID, true)
	requireInvalid(t, err, "slot", conversations.ReasonSlotPassed)
}

func TestConcurrentGuardiansOneSlot(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	r, slots, err := w.svc.Publish(ctx, w.teacher, draft(w), starts)
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, a := range []domain.Actor{guardian(w, "Kari"), guardian(w, "Eva")} {
		child := []domain.ChildID{w.ola.ID, w.per.ID}[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = w.svc.Book(ctx, a, r.ID, slots[0].ID, child, false)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			requireConflict(t, err, "slot", conversations.ReasonSlotTaken)
		}
	}
	assert.Equal(t, 1, ok, "one booking and one clear refusal")
}

func TestRemind(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	r, slots, err := w.svc.Publish(ctx, w.teacher, draft(w), starts)
	require.NoError(t, err)
	kari, jon := guardian(w, "Kari"), guardian(w, "Jon")
	_, err = w.svc.Book(ctx, kari, r.ID, slots[0].ID, w.ola.ID, false)
	require.NoError(t, err)
	_, err = w.svc.Book(ctx, jon, r.ID, slots[1].ID, w.ola.ID, true)
	require.NoError(t, err)
	sys := domain.SystemActor(w.m, "reminders")
	_, err = w.svc.Remind(ctx, w.teacher)
	assert.ErrorIs(t, err, domain.ErrForbidden)

	// Before the last day to book: nothing.
	n, err := w.svc.Remind(ctx, sys)
	require.NoError(t, err)
	assert.Zero(t, n)
	// The last day to book: Per is not booked, his mother is told.
	w.clock.set(at(11, 5, 6, 0))
	n, err = w.svc.Remind(ctx, sys)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	assert.Equal(t, conversations.KindUnbooked, w.notices[0].Kind)
	assert.Equal(t, w.perMother.ID, w.notices[0].Guardian)
	assert.Equal(t, "2026-11-05", w.notices[0].Data["bookBy"])
	first := w.notices[0].Key
	_, err = w.svc.Remind(ctx, sys)
	require.NoError(t, err)
	assert.Equal(t, first, w.notices[1].Key, "the same key again: messaging notifies once")

	// The day before: the joint booking to both parents, the separate one
	// to the father only.
	w.notices = nil
	w.clock.set(at(11, 9, 6, 0))
	_, err = w.svc.Remind(ctx, sys)
	require.NoError(t, err)
	to := map[domain.GuardianID][]string{}
	for _, n := range w.notices {
		if n.Kind == conversations.KindTomorrow {
			to[n.Guardian] = append(to[n.Guardian], n.Data["time"])
		}
	}
	assert.Equal(t, map[domain.GuardianID][]string{w.mother.ID: {"08:00"}, w.father.ID: {"08:00", "08:30"}}, to)
	for _, n := range w.notices {
		assert.NotEqual(t, w.absent.ID, n.Guardian, "no notice to a parent without parental responsibility")
	}
}
