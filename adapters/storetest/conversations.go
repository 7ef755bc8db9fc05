package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
)

// ConversationStore is a store with the directory and booked conversations.
type ConversationStore interface {
	domain.Store
	conversations.Store
}

// RunConversations runs the suite of booked conversations against stores
// made by newStore: rounds with their slots and children, listed by unit,
// by child and from a day; bookings, moves and cancellations; one booking
// per slot and one per child, round and seat (a separate conversation per
// guardian besides the joint one), refused as typed conflicts; a slot or
// child not of the round refused; isolation by municipality; a rolled
// back transaction that keeps nothing; and 16 guardians booking the same
// slot at once, which gives exactly one booking and 15 ReasonSlotTaken.
func RunConversations(t *testing.T, newStore func(t *testing.T) ConversationStore) {
	t.Run("Rounds", func(t *testing.T) { testConvRounds(t, newStore(t)) })
	t.Run("Bookings", func(t *testing.T) { testConvBookings(t, newStore(t)) })
	t.Run("SameSlotConcurrently", func(t *testing.T) { testConvConcurrent(t, newStore(t)) })
	t.Run("Retention", func(t *testing.T) { testConvRetention(t, newStore(t)) })
}

// testConvRetention runs when the store also implements the retention and
// erasure ports: a round is deleted with its slots, children and bookings
// once the cutoff passes its last slot's day, not before, not another
// municipality's; erasing a child deletes the child's bookings.
func testConvRetention(t *testing.T, s ConversationStore) {
	rs, ok := s.(domain.RetentionStore)
	es, ok2 := s.(domain.ErasureStore)
	if !ok || !ok2 {
		t.Log("the store has no retention or erasure port")
		return
	}
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	r, sl := convRound(t, s, f, 2, 2)
	for i, c := range r.Children {
		require.NoError(t, s.Book(ctx, conversations.Booking{ID: domain.NewID[conversations.Booking](), Municipality: Oslo, Round: r.ID,
			Slot: sl[i].ID, Child: c, Guardian: domain.NewID[domain.Guardian](), At: oslo(2026, 11, 2, 10)}))
	}
	require.NoError(t, es.EraseChild(ctx, Oslo, r.Children[0]))
	bs, err := s.Bookings(ctx, Oslo, r.ID)
	require.NoError(t, err)
	require.Len(t, bs, 1, "the erased child's booking is gone")
	assert.Equal(t, r.Children[1], bs[0].Child)
	rounds, err := s.ChildRounds(ctx, Oslo, r.Children[0], d(2026, 1, 1))
	require.NoError(t, err)
	assert.Empty(t, rounds)

	n, err := rs.ExpireRecords(ctx, Oslo, domain.RecordConversations, d(2026, 12, 1), 10)
	require.NoError(t, err)
	assert.Zero(t, n, "the day of the last slot is kept")
	n, err = rs.ExpireRecords(ctx, Bergen, domain.RecordConversations, d(2040, 1, 1), 10)
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = rs.ExpireRecords(ctx, Oslo, domain.RecordConversations, d(2026, 12, 2), 10)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = s.Round(ctx, Oslo, r.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Booking(ctx, Oslo, bs[0].ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	slots, err := s.Slots(ctx, Oslo, r.ID)
	require.NoError(t, err)
	assert.Empty(t, slots)
}

// convRound stores a unit, a group, n children placed in it and a round
// for them with slots of 20 minutes every half hour from 1 December 2026
// at 08:00.
func convRound(t *testing.T, s ConversationStore, f *fixture, n, slots int) (conversations.Round, []conversations.Slot) {
	t.Helper()
	ctx := ctxFor(t)
	u := f.unit(domain.Kindergarten)
	g := f.group(u)
	r := conversations.Round{ID: domain.NewID[conversations.Round](), Municipality: f.m, Unit: u.ID, Group: g.ID,
		Kind: conversations.Parent, Title: "Foreldresamtaler høst", Minutes: 20, Place: "Avdeling Blåbær",
		BookBy: d(2026, 11, 20), PublishedBy: "ansatt-1", PublishedAt: oslo(2026, 11, 1, 9)}
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateUnit(ctx, u); err != nil {
			return err
		}
		if err := s.CreateGroup(ctx, g); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			c := f.child(t)
			if err := s.CreateChild(ctx, c); err != nil {
				return err
			}
			r.Children = append(r.Children, c.ID)
		}
		return nil
	}))
	sl := make([]conversations.Slot, slots)
	for i := range sl {
		sl[i] = conversations.Slot{ID: domain.NewID[conversations.Slot](), Municipality: f.m, Round: r.ID,
			Start: oslo(2026, 12, 1, 8).Add(time.Duration(i) * 30 * time.Minute)}
	}
	require.NoError(t, s.CreateRound(ctx, r, sl))
	return r, sl
}

func requireConflict(t testing.TB, err error, field, reason string) {
	t.Helper()
	var ce *domain.ConflictError
	require.Truef(t, errors.As(err, &ce), "want a conflict, got %v", err)
	assert.Equal(t, field, ce.Field)
	assert.Equal(t, reason, ce.Reason)
	assert.ErrorIs(t, err, domain.ErrConflict)
}

func testConvRounds(t *testing.T, s ConversationStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	r, sl := convRound(t, s, f, 2, 3)

	got, err := s.Round(ctx, Oslo, r.ID)
	require.NoError(t, err)
	assert.Equal(t, r.Title, got.Title)
	assert.Equal(t, r.Children, got.Children)
	assert.Equal(t, r.BookBy, got.BookBy)
	assert.True(t, r.PublishedAt.Equal(got.PublishedAt))

	slots, err := s.Slots(ctx, Oslo, r.ID)
	require.NoError(t, err)
	require.Len(t, slots, 3)
	for i := range slots {
		assert.Equal(t, sl[i].ID, slots[i].ID, "by start")
		assert.True(t, sl[i].Start.Equal(slots[i].Start))
		assert.Equal(t, domain.Oslo(), slots[i].Start.Location())
	}

	rs, err := s.Rounds(ctx, Oslo, r.Unit, d(2026, 12, 1))
	require.NoError(t, err)
	require.Len(t, rs, 1, "the last slot's day counts")
	rs, err = s.Rounds(ctx, Oslo, r.Unit, d(2026, 12, 2))
	require.NoError(t, err)
	assert.Empty(t, rs, "a round that is over is not listed")
	rs, err = s.Rounds(ctx, Oslo, domain.UnitID{}, d(2026, 1, 1))
	require.NoError(t, err)
	assert.Len(t, rs, 1, "every unit")
	rs, err = s.Rounds(ctx, Oslo, domain.NewID[domain.Unit](), d(2026, 1, 1))
	require.NoError(t, err)
	assert.Empty(t, rs, "another unit")
	rs, err = s.ChildRounds(ctx, Oslo, r.Children[1], d(2026, 11, 1))
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, r.ID, rs[0].ID)
	rs, err = s.ChildRounds(ctx, Oslo, domain.NewID[domain.Child](), d(2026, 11, 1))
	require.NoError(t, err)
	assert.Empty(t, rs)

	// Another municipality sees nothing.
	_, err = s.Round(ctx, Bergen, r.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	rs, err = s.Rounds(ctx, Bergen, domain.UnitID{}, d(2026, 1, 1))
	require.NoError(t, err)
	assert.Empty(t, rs)
	slots, err = s.Slots(ctx, Bergen, r.ID)
	require.NoError(t, err)
	assert.Empty(t, slots)

	// Refused before anything is written: overlapping slots, a taken ID,
	// a child that does not exist, an invalid round.
	r2 := r
	r2.ID = domain.NewID[conversations.Round]()
	over := []conversations.Slot{
		{ID: domain.NewID[conversations.Slot](), Municipality: Oslo, Round: r2.ID, Start: oslo(2026, 12, 2, 8)},
		{ID: domain.NewID[conversations.Slot](), Municipality: Oslo, Round: r2.ID, Start: oslo(2026, 12, 2, 8).Add(10 * time.Minute)},
	}
	requireReason(t, s.CreateRound(ctx, r2, over), "slots[1]", conversations.ReasonSlotsOverlap)
	over[1].Start = oslo(2026, 12, 2, 9)
	r3 := r2
	r3.Children = []domain.ChildID{domain.NewID[domain.Child]()}
	requireReason(t, s.CreateRound(ctx, r3, over), "children", conversations.ReasonNotInGroup)
	r4 := r2
	r4.Title = ""
	requireReason(t, s.CreateRound(ctx, r4, over), "title", conversations.ReasonRequired)
	dup := r
	sl2 := []conversations.Slot{{ID: domain.NewID[conversations.Slot](), Municipality: Oslo, Round: r.ID, Start: oslo(2026, 12, 3, 8)}}
	err = s.CreateRound(ctx, dup, sl2)
	require.ErrorIs(t, err, domain.ErrConflict)
	slots, err = s.Slots(ctx, Oslo, r.ID)
	require.NoError(t, err)
	assert.Len(t, slots, 3, "nothing of a refused round is written")
	_, err = s.Round(ctx, Oslo, r2.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

func testConvBookings(t *testing.T, s ConversationStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	r, sl := convRound(t, s, f, 2, 4)
	other, otherSlots := convRound(t, s, f, 1, 1)
	mum, dad := domain.NewID[domain.Guardian](), domain.NewID[domain.Guardian]()
	kid, sib := r.Children[0], r.Children[1]
	book := func(slot conversations.SlotID, child domain.ChildID, g domain.GuardianID, separate bool) (conversations.Booking, error) {
		b := conversations.Booking{ID: domain.NewID[conversations.Booking](), Municipality: Oslo, Round: r.ID, Slot: slot,
			Child: child, Guardian: g, Separate: separate, At: oslo(2026, 11, 2, 10)}
		return b, s.Book(ctx, b)
	}
	bookIn := func(ctx context.Context, slot conversations.SlotID, child domain.ChildID, g domain.GuardianID) error {
		return s.Book(ctx, conversations.Booking{ID: domain.NewID[conversations.Booking](), Municipality: Oslo, Round: r.ID, Slot: slot,
			Child: child, Guardian: g, At: oslo(2026, 11, 2, 10)})
	}

	joint, err := book(sl[0].ID, kid, mum, false)
	require.NoError(t, err)
	got, err := s.Booking(ctx, Oslo, joint.ID)
	require.NoError(t, err)
	assert.Equal(t, joint.Slot, got.Slot)
	assert.Equal(t, mum, got.Guardian)
	assert.False(t, got.Separate)
	assert.True(t, joint.At.Equal(got.At))

	// One joint booking per child: the other guardian cannot book a second.
	_, err = book(sl[1].ID, kid, dad, false)
	requireConflict(t, err, "child", conversations.ReasonAlreadyBooked)
	// One booking per slot.
	_, err = book(sl[0].ID, sib, dad, false)
	requireConflict(t, err, "slot", conversations.ReasonSlotTaken)
	// A separate conversation for each guardian besides the joint one.
	sep, err := book(sl[1].ID, kid, dad, true)
	require.NoError(t, err)
	_, err = book(sl[2].ID, kid, dad, true)
	requireConflict(t, err, "child", conversations.ReasonAlreadyBooked)
	// A slot of another round, a child not in the round.
	_, err = book(otherSlots[0].ID, kid, mum, true)
	requireReason(t, err, "slot", conversations.ReasonNoSuchSlot)
	_, err = book(sl[3].ID, other.Children[0], mum, false)
	requireReason(t, err, "child", conversations.ReasonNotInRound)
	_, err = book(sl[3].ID, kid, domain.GuardianID{}, false)
	requireReason(t, err, "guardian", conversations.ReasonRequired)

	bs, err := s.Bookings(ctx, Oslo, r.ID)
	require.NoError(t, err)
	require.Len(t, bs, 2)
	assert.Equal(t, []conversations.BookingID{joint.ID, sep.ID}, []conversations.BookingID{bs[0].ID, bs[1].ID})

	// Move: to a taken slot is refused, to a free one done.
	moved := joint
	moved.Slot, moved.Guardian = sl[1].ID, dad
	requireConflict(t, s.MoveBooking(ctx, moved), "slot", conversations.ReasonSlotTaken)
	moved.Slot = sl[2].ID
	require.NoError(t, s.MoveBooking(ctx, moved))
	got, err = s.Booking(ctx, Oslo, joint.ID)
	require.NoError(t, err)
	assert.Equal(t, sl[2].ID, got.Slot)
	assert.Equal(t, dad, got.Guardian)
	// The freed slot can be booked again.
	sibB, err := book(sl[0].ID, sib, dad, false)
	require.NoError(t, err)
	// A move may not change the seat.
	wrong := sep
	wrong.Separate, wrong.Slot = false, sl[3].ID
	assert.ErrorIs(t, s.MoveBooking(ctx, wrong), domain.ErrNotFound)
	wrong = moved
	wrong.Slot = otherSlots[0].ID
	requireReason(t, s.MoveBooking(ctx, wrong), "slot", conversations.ReasonNoSuchSlot)

	// Cancel.
	require.NoError(t, s.CancelBooking(ctx, Oslo, sibB.ID))
	_, err = s.Booking(ctx, Oslo, sibB.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.ErrorIs(t, s.CancelBooking(ctx, Oslo, sibB.ID), domain.ErrNotFound)

	// Another municipality sees and changes nothing.
	_, err = s.Booking(ctx, Bergen, sep.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.ErrorIs(t, s.CancelBooking(ctx, Bergen, sep.ID), domain.ErrNotFound)
	bs, err = s.Bookings(ctx, Bergen, r.ID)
	require.NoError(t, err)
	assert.Empty(t, bs)

	// A rolled back transaction keeps nothing.
	boom := errors.New("boom")
	err = s.Atomic(ctx, func(ctx context.Context) error {
		if err := bookIn(ctx, sl[0].ID, sib, mum); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	bs, err = s.Bookings(ctx, Oslo, r.ID)
	require.NoError(t, err)
	assert.Len(t, bs, 2)
}

// testConvConcurrent: 16 guardians of 16 children book the same slot at
// once; exactly one gets it, every other is refused with ReasonSlotTaken.
func testConvConcurrent(t *testing.T, s ConversationStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	const n = 16
	r, sl := convRound(t, s, f, n, 2)
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			errs[i] = s.Book(ctx, conversations.Booking{ID: domain.NewID[conversations.Booking](), Municipality: Oslo, Round: r.ID,
				Slot: sl[0].ID, Child: r.Children[i], Guardian: domain.NewID[domain.Guardian](), At: oslo(2026, 11, 2, 10)})
		}(i)
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		requireConflict(t, err, "slot", conversations.ReasonSlotTaken)
	}
	assert.Equal(t, 1, won, "exactly one booking")
	bs, err := s.Bookings(ctx, Oslo, r.ID)
	require.NoError(t, err)
	assert.Len(t, bs, 1)

	// And one child's guardians booking different slots at once: one
	// joint booking.
	errs = make([]error, n)
	r2, sl2 := convRound(t, s, f, 1, n)
	start = make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			errs[i] = s.Book(ctx, conversations.Booking{ID: domain.NewID[conversations.Booking](), Municipality: Oslo, Round: r2.ID,
				Slot: sl2[i].ID, Child: r2.Children[0], Guardian: domain.NewID[domain.Guardian](), At: oslo(2026, 11, 2, 10)})
		}(i)
	}
	close(start)
	wg.Wait()
	won = 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		requireConflict(t, err, "child", conversations.ReasonAlreadyBooked)
	}
	assert.Equal(t, 1, won, "exactly one joint booking for the child")
}
