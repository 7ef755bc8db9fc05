package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// ReceiptStore is a messaging store that keeps the receivers' answers
// (messaging.Receipt) beside the outbox and lists the outbox for the
// operations page.
type ReceiptStore interface {
	MessagingStore
	domain.RetentionStore
	messaging.Operations
}

// RunReceipts runs the receipt suite: answers recorded idempotently (a
// duplicate answer changes nothing; delivered is final; a failure keeps
// its code, and a later kvittering still delivers), an answer to an
// unknown message or another municipality's is domain.ErrNotFound, the
// operations listing pages newest first without contents, counts by
// medium and state, "retry now" only for what failed, and the retention
// rule that deletes answered receipts.
func RunReceipts(t *testing.T, newStore func(t *testing.T) ReceiptStore) {
	t.Run("Idempotent", func(t *testing.T) { testReceiptsIdempotent(t, newStore(t)) })
	t.Run("OperationsListing", func(t *testing.T) { testOutboxEntries(t, newStore(t)) })
	t.Run("CountsAgreeWithPages", func(t *testing.T) { testOutboxCountsAgree(t, newStore(t)) })
	t.Run("RetryNow", func(t *testing.T) { testRetryDelivery(t, newStore(t)) })
	t.Run("Retention", func(t *testing.T) { testReceiptRetention(t, newStore(t)) })
}

// archiveDelivery enqueues one archive delivery and returns it.
func archiveDelivery(t testing.TB, ctx context.Context, s ReceiptStore, m domain.Municipality, g domain.GuardianID, key string, at time.Time) messaging.Delivery {
	t.Helper()
	d := messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: m, Key: key, Kind: "archive.decision",
		Guardian: g, Medium: messaging.Archive, To: "archive", Language: messaging.Bokmal, Subject: "Vedtak",
		Body: `{"document":{}}`, State: messaging.Pending, NextAt: at, CreatedAt: at}
	n, err := s.Enqueue(ctx, []messaging.Delivery{d})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	return d
}

// sendAll claims and settles everything due as sent.
func sendAll(t testing.TB, ctx context.Context, s ReceiptStore, clock domain.Clock, fail bool) {
	t.Helper()
	tr := []messaging.Transport{&recorder{medium: messaging.Archive}, &recorder{medium: messaging.Email}}
	if fail {
		tr = []messaging.Transport{&recorder{medium: messaging.Archive, fail: func(messaging.Delivery) error {
			return messaging.Permanent(errors.New("refused"))
		}}}
	}
	disp := &messaging.Dispatcher{Outbox: s, Transports: tr, Clock: clock}
	_, err := disp.RunOnce(ctx)
	require.NoError(t, err)
}

func testReceiptsIdempotent(t *testing.T, s ReceiptStore) {
	ctx := ctxFor(t)
	clock := NewClock(msgNow)
	g := newSchool(t, ctx, s, Oslo).guardian("")
	d := archiveDelivery(t, ctx, s, Oslo, g.ID, "archive/decision/1", msgNow)
	sendAll(t, ctx, s, clock, false)
	msg := uuid.New()
	rc := messaging.Receipt{Municipality: Oslo, Message: msg, Delivery: d.ID, State: messaging.Awaiting, SentAt: msgNow}
	require.NoError(t, s.TrackReceipt(ctx, rc))
	require.NoError(t, s.TrackReceipt(ctx, rc), "a resend tracks nothing new")
	got, err := s.Receipt(ctx, Oslo, msg)
	require.NoError(t, err)
	assert.Equal(t, messaging.Awaiting, got.State)
	assert.Equal(t, d.ID, got.Delivery)

	// Invalid, and a delivery that does not exist: nothing written.
	assert.ErrorIs(t, s.TrackReceipt(ctx, messaging.Receipt{Municipality: Oslo, Message: uuid.New(), Delivery: d.ID, State: messaging.Delivered, SentAt: msgNow}), domain.ErrInvalid)
	assert.Error(t, s.TrackReceipt(ctx, messaging.Receipt{Municipality: Oslo, Message: uuid.New(), Delivery: domain.NewID[messaging.Delivery](), State: messaging.Awaiting, SentAt: msgNow}))

	oslo, bergen := s.Receipts(Oslo, clock), s.Receipts(Bergen, clock)
	// Unknown message, or Oslo's message answered to Bergen: not found.
	assert.ErrorIs(t, oslo.MarkDelivered(ctx, uuid.New()), domain.ErrNotFound)
	assert.ErrorIs(t, bergen.MarkDelivered(ctx, msg), domain.ErrNotFound)

	clock.Advance(time.Minute)
	require.NoError(t, oslo.MarkReceived(ctx, msg))
	got, _ = s.Receipt(ctx, Oslo, msg)
	assert.Equal(t, messaging.Received, got.State)
	assert.True(t, got.AnsweredAt.Equal(msgNow.Add(time.Minute)))

	// A serverfeil, then the same again: the first one's time stays.
	clock.Advance(time.Minute)
	require.NoError(t, oslo.MarkFailed(ctx, msg, "serverfeil"))
	clock.Advance(time.Minute)
	require.NoError(t, oslo.MarkFailed(ctx, msg, "serverfeil"))
	got, _ = s.Receipt(ctx, Oslo, msg)
	assert.Equal(t, messaging.Failed, got.State)
	assert.Equal(t, "serverfeil", got.Code)
	assert.True(t, got.AnsweredAt.Equal(msgNow.Add(2*time.Minute)), "a duplicate failure changes nothing: %v", got.AnsweredAt)
	assert.ErrorIs(t, oslo.MarkFailed(ctx, msg, ""), domain.ErrInvalid)

	// The resend awaits again; a mottatt then kvittering delivers, once.
	require.NoError(t, s.TrackReceipt(ctx, rc))
	got, _ = s.Receipt(ctx, Oslo, msg)
	assert.Equal(t, messaging.Awaiting, got.State)
	assert.Equal(t, "serverfeil", got.Code, "the failure's code is kept")
	clock.Advance(time.Minute)
	require.NoError(t, oslo.MarkDelivered(ctx, msg))
	first, _ := s.Receipt(ctx, Oslo, msg)
	assert.Equal(t, messaging.Delivered, first.State)
	assert.True(t, first.DeliveredAt.Equal(msgNow.Add(4*time.Minute)))

	// Delivered is final: a second kvittering, a late mottatt, a failure
	// and a resend change nothing.
	clock.Advance(time.Minute)
	require.NoError(t, oslo.MarkDelivered(ctx, msg))
	require.NoError(t, oslo.MarkReceived(ctx, msg))
	require.NoError(t, oslo.MarkFailed(ctx, msg, "ugyldigforespoersel"))
	require.NoError(t, s.TrackReceipt(ctx, rc))
	got, _ = s.Receipt(ctx, Oslo, msg)
	assert.Equal(t, first, got)

	// A second message for the same delivery is refused: one message per
	// delivery.
	err = s.TrackReceipt(ctx, messaging.Receipt{Municipality: Oslo, Message: uuid.New(), Delivery: d.ID, State: messaging.Awaiting, SentAt: msgNow})
	assert.ErrorIs(t, err, domain.ErrConflict)
}

func testOutboxEntries(t *testing.T, s ReceiptStore) {
	ctx := ctxFor(t)
	clock := NewClock(msgNow)
	g := newSchool(t, ctx, s, Oslo).guardian("")
	bg := newSchool(t, ctx, s, Bergen).guardian("")
	var archived []messaging.Delivery
	for i := range 5 {
		archived = append(archived, archiveDelivery(t, ctx, s, Oslo, g.ID, "archive/"+string(rune('a'+i)), msgNow.Add(time.Duration(i)*time.Second)))
	}
	// Two e-mails at the same instant as the last archive delivery: the
	// ID breaks the tie.
	mails := enqueue(t, ctx, s, Oslo, g.ID, 2, msgNow.Add(4*time.Second))
	archiveDelivery(t, ctx, s, Bergen, bg.ID, "archive/a", msgNow)
	clock.Advance(time.Hour)
	sendAll(t, ctx, s, clock, false)
	msg := uuid.New()
	require.NoError(t, s.TrackReceipt(ctx, messaging.Receipt{Municipality: Oslo, Message: msg, Delivery: archived[0].ID, State: messaging.Awaiting, SentAt: clock.Now()}))
	require.NoError(t, s.Receipts(Oslo, clock).MarkDelivered(ctx, msg))

	var all []messaging.Entry
	q := messaging.EntryQuery{Limit: 3}
	for {
		page, err := s.OutboxEntries(ctx, Oslo, q)
		require.NoError(t, err)
		all = append(all, page...)
		if len(page) < q.Limit {
			break
		}
		q.Before = &page[len(page)-1]
	}
	require.Len(t, all, 7, "every Oslo delivery once, none of Bergen's")
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		assert.True(t, a.CreatedAt.After(b.CreatedAt) || a.CreatedAt.Equal(b.CreatedAt) && a.ID.Compare(b.ID) > 0, "newest first")
	}
	last := all[len(all)-1]
	assert.Equal(t, archived[0].ID, last.ID)
	require.NotNil(t, last.Receipt)
	assert.Equal(t, messaging.Delivered, last.Receipt.State)
	assert.Equal(t, "delivered", last.Status())
	assert.Equal(t, messaging.Sent, all[0].State)
	for _, e := range all {
		assert.Equal(t, g.ID, e.Guardian, "the entry names whom it is for")
		assert.False(t, e.Urgent)
	}
	assert.Nil(t, all[0].Receipt)
	assert.Equal(t, "sent", all[0].Status())
	_ = mails

	// The pages of one state walk the same deliveries by the same keyset.
	var sent []messaging.Entry
	q = messaging.EntryQuery{State: messaging.Sent, Limit: 2}
	for {
		page, err := s.OutboxEntries(ctx, Oslo, q)
		require.NoError(t, err)
		sent = append(sent, page...)
		if len(page) < q.Limit {
			break
		}
		q.Before = &page[len(page)-1]
	}
	assert.Equal(t, all, sent, "every delivery is sent: the pages of sent ones are the pages of all")
	dead, err := s.OutboxEntries(ctx, Oslo, messaging.EntryQuery{State: messaging.Dead, Limit: 10})
	require.NoError(t, err)
	assert.Empty(t, dead)

	only, err := s.OutboxEntries(ctx, Oslo, messaging.EntryQuery{Medium: messaging.Email, State: messaging.Sent, Limit: 10})
	require.NoError(t, err)
	assert.Len(t, only, 2)
	_, err = s.OutboxEntries(ctx, Oslo, messaging.EntryQuery{Limit: 0})
	assert.ErrorIs(t, err, domain.ErrInvalid)
	_, err = s.OutboxEntries(ctx, Oslo, messaging.EntryQuery{State: "gone", Limit: 1})
	assert.ErrorIs(t, err, domain.ErrInvalid)

	counts, err := s.OutboxCounts(ctx, Oslo)
	require.NoError(t, err)
	assert.ElementsMatch(t, []messaging.Count{
		{Medium: messaging.Archive, State: messaging.Sent, Receipt: messaging.Delivered, N: 1},
		{Medium: messaging.Archive, State: messaging.Sent, N: 4},
		{Medium: messaging.Email, State: messaging.Sent, N: 2},
	}, counts)
}

// testOutboxCountsAgree settles an outbox of four media into every state,
// with receipts of every kind and failed deliveries retried, and checks
// that the counts are the tally of every page, and that the pages of one
// state, with and without a medium, are the pages of all with the others
// left out: the counts and the pages of one state are read from other
// indexes than the pages of all.
func testOutboxCountsAgree(t *testing.T, s ReceiptStore) {
	ctx := ctxFor(t)
	g := newSchool(t, ctx, s, Oslo).guardian("")
	bg := newSchool(t, ctx, s, Bergen).guardian("")
	media := []messaging.Medium{messaging.Email, messaging.SMS, messaging.Webhook, messaging.Archive}
	var ds []messaging.Delivery
	for i := range 60 {
		m, gid := Oslo, g.ID
		if i%10 == 9 {
			m, gid = Bergen, bg.ID
		}
		at := msgNow.Add(time.Duration(i/3) * time.Second) // three at each instant: the ID breaks the tie
		ds = append(ds, messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: m, Key: fmt.Sprintf("counts/%02d", i),
			Kind: "message.new", Guardian: gid, Medium: media[i%len(media)], To: "mottaker", Language: messaging.Bokmal,
			Subject: "Ny melding", Body: "Du har en ny melding.", State: messaging.Pending, NextAt: at, CreatedAt: at})
	}
	n, err := s.Enqueue(ctx, ds)
	require.NoError(t, err)
	require.Equal(t, len(ds), n)
	now := msgNow.Add(time.Hour)
	claimed, err := s.Claim(ctx, now, now.Add(time.Minute), len(ds))
	require.NoError(t, err)
	require.Len(t, claimed, len(ds))
	byKey := map[string]int{}
	for i, d := range ds {
		byKey[d.Key] = i
	}
	outcomes := make([]messaging.Outcome, len(claimed))
	for j, d := range claimed {
		o := messaging.Outcome{Delivery: d.ID, Municipality: d.Municipality, State: messaging.Sent, At: now}
		switch byKey[d.Key] % 5 {
		case 0:
			o.State, o.Error = messaging.Dead, "refused"
		case 1:
			o.State, o.NextAt, o.At, o.Error = messaging.Pending, now.Add(time.Hour), time.Time{}, "try again"
		}
		outcomes[j] = o
	}
	require.NoError(t, s.Settle(ctx, outcomes))
	// Receipts on sent deliveries: awaiting, delivered and failed; a failed
	// one and a dead one retried (pending again, the failed receipt kept).
	clock := NewClock(now)
	answers := s.Receipts(Oslo, clock)
	track := func(i int) uuid.UUID {
		msg := uuid.New()
		require.NoError(t, s.TrackReceipt(ctx, messaging.Receipt{Municipality: Oslo, Message: msg, Delivery: ds[i].ID, State: messaging.Awaiting, SentAt: now}))
		return msg
	}
	track(2)
	require.NoError(t, answers.MarkDelivered(ctx, track(3)))
	require.NoError(t, answers.MarkDelivered(ctx, track(7)))
	require.NoError(t, answers.MarkFailed(ctx, track(8), "ugyldigforespoersel"))
	require.NoError(t, answers.MarkFailed(ctx, track(12), "serverfeil"))
	require.NoError(t, s.RetryDelivery(ctx, Oslo, ds[12].ID, now.Add(time.Minute)))
	require.NoError(t, s.RetryDelivery(ctx, Oslo, ds[10].ID, now.Add(time.Minute)))

	walk := func(q messaging.EntryQuery) []messaging.Entry {
		var out []messaging.Entry
		for {
			page, err := s.OutboxEntries(ctx, Oslo, q)
			require.NoError(t, err)
			out = append(out, page...)
			if len(page) < q.Limit {
				return out
			}
			q.Before = &page[len(page)-1]
		}
	}
	all := walk(messaging.EntryQuery{Limit: 7})
	require.Len(t, all, 54, "every Oslo delivery once, none of Bergen's")
	tally := map[messaging.Count]int{}
	for _, e := range all {
		c := messaging.Count{Medium: e.Medium, State: e.State}
		if e.Receipt != nil {
			c.Receipt = e.Receipt.State
		}
		tally[c]++
	}
	var want []messaging.Count
	for c, n := range tally {
		c.N = n
		want = append(want, c)
	}
	counts, err := s.OutboxCounts(ctx, Oslo)
	require.NoError(t, err)
	assert.ElementsMatch(t, want, counts)
	assert.True(t, slices.IsSortedFunc(counts, func(a, b messaging.Count) int {
		return cmp.Or(cmp.Compare(a.Medium, b.Medium), cmp.Compare(a.State, b.State), cmp.Compare(a.Receipt, b.Receipt))
	}), "ordered by medium, state and receipt: %v", counts)
	states := map[messaging.State]bool{}
	for _, c := range counts {
		states[c.State] = true
	}
	assert.Len(t, states, 3, "every state is counted: %v", counts)

	for _, state := range []messaging.State{messaging.Pending, messaging.Sent, messaging.Dead} {
		for _, medium := range []messaging.Medium{"", messaging.Archive} {
			var wantPage []messaging.Entry
			for _, e := range all {
				if e.State == state && (medium == "" || e.Medium == medium) {
					wantPage = append(wantPage, e)
				}
			}
			require.NotEmpty(t, wantPage, "%s %s", state, medium)
			assert.Equal(t, wantPage, walk(messaging.EntryQuery{State: state, Medium: medium, Limit: 4}), "%s %s", state, medium)
		}
	}
}

func testRetryDelivery(t *testing.T, s ReceiptStore) {
	ctx := ctxFor(t)
	clock := NewClock(msgNow)
	g := newSchool(t, ctx, s, Oslo).guardian("")
	dead := archiveDelivery(t, ctx, s, Oslo, g.ID, "archive/dead", msgNow)
	sendAll(t, ctx, s, clock, true)
	ok := archiveDelivery(t, ctx, s, Oslo, g.ID, "archive/ok", msgNow)
	refused := archiveDelivery(t, ctx, s, Oslo, g.ID, "archive/refused", msgNow)
	waiting := archiveDelivery(t, ctx, s, Oslo, g.ID, "archive/waiting", msgNow.Add(time.Hour))
	sendAll(t, ctx, s, clock, false)
	answers := s.Receipts(Oslo, clock)
	okMsg, refusedMsg := uuid.New(), uuid.New()
	require.NoError(t, s.TrackReceipt(ctx, messaging.Receipt{Municipality: Oslo, Message: okMsg, Delivery: ok.ID, State: messaging.Awaiting, SentAt: msgNow}))
	require.NoError(t, s.TrackReceipt(ctx, messaging.Receipt{Municipality: Oslo, Message: refusedMsg, Delivery: refused.ID, State: messaging.Awaiting, SentAt: msgNow}))
	require.NoError(t, answers.MarkDelivered(ctx, okMsg))
	require.NoError(t, answers.MarkFailed(ctx, refusedMsg, "ugyldigforespoersel"))

	entry := func(id messaging.DeliveryID) messaging.Entry {
		es, err := s.OutboxEntries(ctx, Oslo, messaging.EntryQuery{Limit: 10})
		require.NoError(t, err)
		for _, e := range es {
			if e.ID == id {
				return e
			}
		}
		t.Fatalf("no entry %s", id)
		return messaging.Entry{}
	}
	assert.Equal(t, "failed", entry(dead.ID).Status())
	assert.Equal(t, "send-failed", entry(dead.ID).Reason())
	assert.Equal(t, "failed", entry(refused.ID).Status())
	assert.Equal(t, "receipt-ugyldigforespoersel", entry(refused.ID).Reason())

	later := msgNow.Add(10 * time.Minute)
	require.NoError(t, s.RetryDelivery(ctx, Oslo, dead.ID, later))
	require.NoError(t, s.RetryDelivery(ctx, Oslo, refused.ID, later))
	for _, id := range []messaging.DeliveryID{dead.ID, refused.ID} {
		e := entry(id)
		assert.Equal(t, messaging.Pending, e.State)
		assert.True(t, e.NextAt.Equal(later))
		assert.True(t, e.DoneAt.IsZero())
	}
	// The counts follow the retries: a retried delivery is pending again
	// and keeps its failed receipt; the one not yet due is pending without.
	counts, err := s.OutboxCounts(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, []messaging.Count{
		{Medium: messaging.Archive, State: messaging.Pending, N: 2},
		{Medium: messaging.Archive, State: messaging.Pending, Receipt: messaging.Failed, N: 1},
		{Medium: messaging.Archive, State: messaging.Sent, Receipt: messaging.Delivered, N: 1},
	}, counts, "ordered by medium, state and receipt")
	var conflict *domain.ConflictError
	require.ErrorAs(t, s.RetryDelivery(ctx, Oslo, ok.ID, later), &conflict)
	assert.Equal(t, "is-delivered", conflict.Reason)
	require.ErrorAs(t, s.RetryDelivery(ctx, Oslo, waiting.ID, later), &conflict)
	assert.Equal(t, "has-not-failed", conflict.Reason)
	assert.ErrorIs(t, s.RetryDelivery(ctx, Bergen, dead.ID, later), domain.ErrNotFound)
	assert.ErrorIs(t, s.RetryDelivery(ctx, Oslo, domain.NewID[messaging.Delivery](), later), domain.ErrNotFound)
}

func testReceiptRetention(t *testing.T, s ReceiptStore) {
	ctx := ctxFor(t)
	clock := NewClock(msgNow)
	g := newSchool(t, ctx, s, Oslo).guardian("")
	bg := newSchool(t, ctx, s, Bergen).guardian("")
	type sent struct {
		m   domain.Municipality
		msg uuid.UUID
	}
	var all []sent
	for i, m := range []domain.Municipality{Oslo, Oslo, Oslo, Bergen} {
		gid := g.ID
		if m == Bergen {
			gid = bg.ID
		}
		d := archiveDelivery(t, ctx, s, m, gid, "archive/"+string(rune('a'+i)), msgNow)
		msg := uuid.New()
		require.NoError(t, s.TrackReceipt(ctx, messaging.Receipt{Municipality: m, Message: msg, Delivery: d.ID, State: messaging.Awaiting, SentAt: msgNow}))
		all = append(all, sent{m, msg})
	}
	sendAll(t, ctx, s, clock, false)
	require.NoError(t, s.Receipts(Oslo, clock).MarkDelivered(ctx, all[0].msg))
	require.NoError(t, s.Receipts(Oslo, clock).MarkFailed(ctx, all[1].msg, "ugyldigforespoersel"))
	require.NoError(t, s.Receipts(Bergen, clock).MarkDelivered(ctx, all[3].msg))
	// all[2] awaits its answer: never expired while it waits.

	cutoff := date.NewAt(msgNow).AddDate(0, 0, 1)
	n, err := s.ExpireRecords(ctx, Oslo, domain.RecordReceipts, cutoff, 1)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "bounded by the batch")
	n, err = s.ExpireRecords(ctx, Oslo, domain.RecordReceipts, cutoff, 10)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	for i, x := range all {
		_, err := s.Receipt(ctx, x.m, x.msg)
		if i < 2 {
			assert.ErrorIs(t, err, domain.ErrNotFound, "answered receipt %d deleted", i)
		} else {
			assert.NoError(t, err, "receipt %d kept (awaiting, or Bergen's)", i)
		}
	}
	// Before the cutoff nothing goes.
	n, err = s.ExpireRecords(ctx, Bergen, domain.RecordReceipts, date.NewAt(msgNow), 10)
	require.NoError(t, err)
	assert.Zero(t, n)
}
