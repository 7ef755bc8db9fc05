package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// Receipts (msg_receipts) and the operations view of the outbox. The
// rules of the states are messaging's: a receipt is written awaiting when
// its message is first sent; delivered is final; a repeated answer
// changes nothing.

const (
	receiptCols   = `municipality, message_id, delivery_id, state, code, sent_at, answered_at, delivered_at`
	insertReceipt = `INSERT INTO msg_receipts (` + receiptCols + `) VALUES (?, ?, ?, 'awaiting', '', ?, NULL, NULL)
		ON CONFLICT (municipality, message_id) DO UPDATE SET state = 'awaiting' WHERE msg_receipts.state = 'failed'`
	selectReceipt = `SELECT ` + receiptCols + ` FROM msg_receipts WHERE municipality = ? AND message_id = ?`
	markReceived  = `UPDATE msg_receipts SET state = 'received', answered_at = ?3 WHERE municipality = ?1 AND message_id = ?2 AND state = 'awaiting'`
	markDelivered = `UPDATE msg_receipts SET state = 'delivered', answered_at = ?3, delivered_at = ?3 WHERE municipality = ?1 AND message_id = ?2 AND state <> 'delivered'`
	markFailed    = `UPDATE msg_receipts SET state = 'failed', code = ?4, answered_at = ?3 WHERE municipality = ?1 AND message_id = ?2 AND state <> 'delivered' AND NOT (state = 'failed' AND code = ?4)`
	receiptExists = `SELECT 1 FROM msg_receipts WHERE municipality = ? AND message_id = ?`
	entryCols     = `o.id, o.key, o.kind, o.guardian_id, o.medium, o.state, o.urgent, o.attempts, o.next_at, o.created_at, o.done_at, o.last_error <> '', r.message_id, r.state, r.code, r.sent_at, r.answered_at, r.delivered_at`
	// selectOutboxCounts: ?1 the municipality. Every delivery is in one of
	// msg_outbox_open and msg_outbox_sent, which hold its medium.
	selectOutboxCounts = `SELECT o.medium, o.state, coalesce(r.state, ''), count(*) FROM msg_outbox o INDEXED BY msg_outbox_open
			LEFT JOIN msg_receipts r INDEXED BY msg_receipts_by_delivery ON r.municipality = o.municipality AND r.delivery_id = o.id
			WHERE o.municipality = ?1 AND o.state <> 'sent' GROUP BY o.medium, o.state, coalesce(r.state, '')
		UNION ALL
		SELECT o.medium, 'sent', coalesce(r.state, ''), count(*) FROM msg_outbox o INDEXED BY msg_outbox_sent
			LEFT JOIN msg_receipts r INDEXED BY msg_receipts_by_delivery ON r.municipality = o.municipality AND r.delivery_id = o.id
			WHERE o.municipality = ?1 AND o.state = 'sent' GROUP BY o.medium, coalesce(r.state, '')
		ORDER BY 1, 2, 3`
	retryDelivery  = `UPDATE msg_outbox SET state = 'pending', next_at = ?3, done_at = NULL WHERE municipality = ?1 AND id = ?2`
	selectRetrying = `SELECT o.state, o.recipient = ?3, coalesce(r.state, '') FROM msg_outbox o
		LEFT JOIN msg_receipts r ON r.municipality = o.municipality AND r.delivery_id = o.id WHERE o.municipality = ?1 AND o.id = ?2`
)

func scanReceipt(r scanner) (messaging.Receipt, error) {
	var x messaging.Receipt
	var sent, answered, delivered sql.NullInt64
	err := r.Scan(&x.Municipality, &x.Message, &x.Delivery, &x.State, &x.Code, &sent, &answered, &delivered)
	x.SentAt, x.AnsweredAt, x.DeliveredAt = fromInstant(sent), fromInstant(answered), fromInstant(delivered)
	return x, err
}

// TrackReceipt writes the receipt of a message as it is sent: awaiting.
// Sending the same message again writes nothing, except that a failed
// receipt awaits the resend's answer again (its code stays). The delivery
// must exist.
func (s *Store) TrackReceipt(ctx context.Context, r messaging.Receipt) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.mustExist(ctx, "delivery", `SELECT 1 FROM msg_outbox WHERE municipality = ? AND id = ?`, r.Municipality, r.Delivery); err != nil {
			return refErr(err, "delivery", "no-such-delivery")
		}
		_, err := s.exec(ctx, insertReceipt, r.Municipality, r.Message, r.Delivery, r.SentAt.UnixNano())
		return writeErr(err, "receipt")
	})
}

// Receipt reads the receipt of a message; none is domain.ErrNotFound.
func (s *Store) Receipt(ctx context.Context, m domain.Municipality, message uuid.UUID) (messaging.Receipt, error) {
	return queryOne(ctx, s, "receipt", selectReceipt, scanReceipt, m, message)
}

// Receipts records the answers to municipality m's messages
// (adapters/fiksio's ReceiptStore), with the time of clock. An answer to
// a message the store does not know is domain.ErrNotFound.
func (s *Store) Receipts(m domain.Municipality, clock domain.Clock) messaging.Answers {
	return &Receipts{s: s, m: m, clock: clock}
}

// Receipts is the receipt store of one municipality (Store.Receipts).
type Receipts struct {
	s     *Store
	m     domain.Municipality
	clock domain.Clock
}

func (r *Receipts) mark(ctx context.Context, query string, id uuid.UUID, args ...any) error {
	return r.s.Atomic(ctx, func(ctx context.Context) error {
		if err := r.s.mustExist(ctx, "receipt", receiptExists, r.m, id); err != nil {
			return err
		}
		_, err := r.s.exec(ctx, query, append([]any{r.m, id, r.clock.Now().UnixNano()}, args...)...)
		return writeErr(err, "receipt")
	})
}

// MarkReceived records a mottatt: an awaiting receipt is received.
func (r *Receipts) MarkReceived(ctx context.Context, id uuid.UUID) error {
	return r.mark(ctx, markReceived, id)
}

// MarkDelivered records a kvittering: the receipt is delivered, once.
func (r *Receipts) MarkDelivered(ctx context.Context, id uuid.UUID) error {
	return r.mark(ctx, markDelivered, id)
}

// MarkFailed records a failure with its code, unless the message is
// delivered or failed with that code already.
func (r *Receipts) MarkFailed(ctx context.Context, id uuid.UUID, code string) error {
	if code == "" || len(code) > 100 {
		return domain.Invalid("code", "is-required-at-most-100-bytes")
	}
	return r.mark(ctx, markFailed, id, code)
}

func scanEntry(r scanner) (messaging.Entry, error) {
	var e messaging.Entry
	var next, created, done sql.NullInt64
	var msg, state, code sql.NullString
	var sent, answered, delivered sql.NullInt64
	if err := r.Scan(&e.ID, &e.Key, &e.Kind, &e.Guardian, &e.Medium, &e.State, &e.Urgent, &e.Attempts, &next, &created, &done, &e.Failed,
		&msg, &state, &code, &sent, &answered, &delivered); err != nil {
		return e, err
	}
	e.NextAt, e.CreatedAt, e.DoneAt = fromInstant(next), fromInstant(created), fromInstant(done)
	if msg.Valid {
		id, err := uuid.Parse(msg.String)
		if err != nil {
			return e, err
		}
		e.Receipt = &messaging.Receipt{Message: id, Delivery: e.ID, State: messaging.ReceiptState(state.String), Code: code.String,
			SentAt: fromInstant(sent), AnsweredAt: fromInstant(answered), DeliveredAt: fromInstant(delivered)}
	}
	return e, nil
}

// OutboxEntries lists a page of a municipality's deliveries for the operations
// page, newest first, with their receipts and without their contents.
func (s *Store) OutboxEntries(ctx context.Context, m domain.Municipality, q messaging.EntryQuery) ([]messaging.Entry, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	// A page of one state is read from the partial index of its state
	// (migration 00044), so that the few dead deliveries are not found by
	// walking past every sent one, nor the sent ones past a bulletin's
	// tens of thousands still pending.
	// partial repeats the index's own condition, for the planner.
	index, partial := "msg_outbox_by_created", ""
	switch q.State {
	case "":
	case messaging.Sent:
		index, partial = "msg_outbox_sent", ` AND o.state = 'sent'`
	default:
		index, partial = "msg_outbox_open", ` AND o.state <> 'sent'`
	}
	var b strings.Builder
	b.WriteString(`SELECT ` + entryCols + ` FROM msg_outbox o INDEXED BY ` + index + `
		LEFT JOIN msg_receipts r ON r.municipality = o.municipality AND r.delivery_id = o.id WHERE o.municipality = ?`)
	args := []any{m}
	if q.Medium != "" {
		b.WriteString(` AND o.medium = ?`)
		args = append(args, q.Medium)
	}
	if q.State != "" {
		b.WriteString(` AND o.state = ?`)
		args = append(args, q.State)
	}
	b.WriteString(partial)
	if q.Before != nil {
		b.WriteString(` AND (o.created_at < ? OR (o.created_at = ? AND o.id < ?))`)
		at := q.Before.CreatedAt.UnixNano()
		args = append(args, at, at, q.Before.ID)
	}
	b.WriteString(` ORDER BY o.created_at DESC, o.id DESC LIMIT ?`)
	args = append(args, q.Limit)
	out, err := queryAll(ctx, s, b.String(), scanEntry, args...)
	for i := range out {
		if out[i].Receipt != nil {
			out[i].Receipt.Municipality = m
		}
	}
	return out, err
}

// OutboxCounts counts a municipality's deliveries by medium, outbox state and
// receipt state. It reads three indexes and no row (a month's notices are
// tens of thousands, and their rows carry the texts): msg_outbox_open and
// msg_outbox_sent, which hold every delivery once with its medium, and
// msg_receipts_by_delivery.
func (s *Store) OutboxCounts(ctx context.Context, m domain.Municipality) ([]messaging.Count, error) {
	return queryAll(ctx, s, selectOutboxCounts, func(r scanner) (messaging.Count, error) {
		var c messaging.Count
		err := r.Scan(&c.Medium, &c.State, &c.Receipt, &c.N)
		return c, err
	}, m)
}

// RetryDelivery makes a failed delivery due again at at (the operations page's
// "retry now", or a receiver's answer that a resend may mend): one given
// up (dead), or sent and answered with a failure. The resend is the same
// message. Not found is domain.ErrNotFound; a delivery that has not
// failed, is delivered or has had its contents erased by the retention
// job is a *domain.ConflictError (messaging.CheckRetry).
func (s *Store) RetryDelivery(ctx context.Context, m domain.Municipality, id messaging.DeliveryID, at time.Time) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		var state messaging.State
		var erased bool
		var receipt messaging.ReceiptState
		rows, err := queryAll(ctx, s, selectRetrying, func(r scanner) (struct{}, error) {
			return struct{}{}, r.Scan(&state, &erased, &receipt)
		}, m, id, domain.ErasedName)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return fmt.Errorf("sqlite: delivery: %w", domain.ErrNotFound)
		}
		if err := messaging.CheckRetry(state, receipt, erased); err != nil {
			return err
		}
		_, err = s.exec(ctx, retryDelivery, m, id, at.UnixNano())
		return writeErr(err, "delivery")
	})
}
