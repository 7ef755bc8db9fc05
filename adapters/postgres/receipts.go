package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// Receipts (msg_receipts) and the operations view of the outbox. The
// rules of the states are messaging's: a receipt is written awaiting when
// its message is first sent; delivered is final; a repeated answer
// changes nothing.

const (
	receiptColumns  = `municipality, message_id, delivery_id, state, code, sent_at, answered_at, delivered_at`
	pgInsertReceipt = `INSERT INTO msg_receipts (` + receiptColumns + `) VALUES ($1, $2, $3, 'awaiting', '', $4, NULL, NULL)
		ON CONFLICT (municipality, message_id) DO UPDATE SET state = 'awaiting' WHERE msg_receipts.state = 'failed'`
	pgMarkReceived  = `UPDATE msg_receipts SET state = 'received', answered_at = $3 WHERE municipality = $1 AND message_id = $2 AND state = 'awaiting'`
	pgMarkDelivered = `UPDATE msg_receipts SET state = 'delivered', answered_at = $3, delivered_at = $3 WHERE municipality = $1 AND message_id = $2 AND state <> 'delivered'`
	pgMarkFailed    = `UPDATE msg_receipts SET state = 'failed', code = $4, answered_at = $3 WHERE municipality = $1 AND message_id = $2 AND state <> 'delivered' AND NOT (state = 'failed' AND code = $4)`
	entryColumns    = `o.id, o.key, o.kind, o.guardian_id, o.medium, o.state, o.urgent, o.attempts, o.next_at, o.created_at, o.done_at, o.last_error <> '',
		r.message_id, r.state, r.code, r.sent_at, r.answered_at, r.delivered_at`
)

func pgUUID(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: true} }

func scanReceipt(row scanner, _ domain.Municipality) (messaging.Receipt, error) {
	var r messaging.Receipt
	var msg pgtype.UUID
	err := row.Scan(stringScan[domain.Municipality]{&r.Municipality}, &msg, scanID(&r.Delivery), stringScan[messaging.ReceiptState]{&r.State},
		&r.Code, tsScan{&r.SentAt}, tsScan{&r.AnsweredAt}, tsScan{&r.DeliveredAt})
	r.Message = uuid.UUID(msg.Bytes)
	return r, err
}

// TrackReceipt writes the receipt of a message as it is sent: awaiting.
// Sending the same message again writes nothing, except that a failed
// receipt awaits the resend's answer again (its code stays). The delivery
// must exist.
func (s *Store) TrackReceipt(ctx context.Context, r messaging.Receipt) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, exists("msg_outbox"), string(r.Municipality), uid(r.Delivery)).Scan(&ok); err != nil {
			return dbError("track receipt", err)
		}
		if !ok {
			return domain.Invalid("delivery", "no-such-delivery")
		}
		if _, err := tx.Exec(ctx, pgInsertReceipt, string(r.Municipality), pgUUID(r.Message), uid(r.Delivery), ts(r.SentAt)); err != nil {
			return dbError("track receipt", err)
		}
		return nil
	})
}

// Receipt reads the receipt of a message; none is domain.ErrNotFound.
func (s *Store) Receipt(ctx context.Context, m domain.Municipality, message uuid.UUID) (messaging.Receipt, error) {
	return one(ctx, s.q(ctx), "receipt", m, message.String(), scanReceipt,
		`SELECT `+receiptColumns+` FROM msg_receipts WHERE municipality = $1 AND message_id = $2`, string(m), pgUUID(message))
}

// Receipts records the answers to municipality m's messages
// (adapters/fiksio's ReceiptStore), with the time of clock. An answer to
// a message the store does not know is domain.ErrNotFound.
func (s *Store) Receipts(m domain.Municipality, clock domain.Clock) messaging.Answers {
	return &receipts{s: s, m: m, clock: clock}
}

type receipts struct {
	s     *Store
	m     domain.Municipality
	clock domain.Clock
}

func (r *receipts) mark(ctx context.Context, query string, id uuid.UUID, args ...any) error {
	return r.s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM msg_receipts WHERE municipality = $1 AND message_id = $2)`,
			string(r.m), pgUUID(id)).Scan(&ok); err != nil {
			return dbError("receipt", err)
		}
		if !ok {
			return notFound("receipt", r.m, id.String())
		}
		if _, err := tx.Exec(ctx, query, append([]any{string(r.m), pgUUID(id), r.clock.Now()}, args...)...); err != nil {
			return dbError("receipt", err)
		}
		return nil
	})
}

func (r *receipts) MarkReceived(ctx context.Context, id uuid.UUID) error {
	return r.mark(ctx, pgMarkReceived, id)
}

func (r *receipts) MarkDelivered(ctx context.Context, id uuid.UUID) error {
	return r.mark(ctx, pgMarkDelivered, id)
}

func (r *receipts) MarkFailed(ctx context.Context, id uuid.UUID, code string) error {
	if code == "" || len(code) > 100 {
		return domain.Invalid("code", "is-required-at-most-100-bytes")
	}
	return r.mark(ctx, pgMarkFailed, id, code)
}

func scanEntry(row scanner, m domain.Municipality) (messaging.Entry, error) {
	var e messaging.Entry
	var msg pgtype.UUID
	var state, code pgtype.Text
	var sent, answered, delivered time.Time
	if err := row.Scan(scanID(&e.ID), &e.Key, &e.Kind, scanID(&e.Guardian), stringScan[messaging.Medium]{&e.Medium}, stringScan[messaging.State]{&e.State},
		&e.Urgent, &e.Attempts, tsScan{&e.NextAt}, tsScan{&e.CreatedAt}, tsScan{&e.DoneAt}, &e.Failed,
		&msg, &state, &code, tsScan{&sent}, tsScan{&answered}, tsScan{&delivered}); err != nil {
		return e, err
	}
	if msg.Valid {
		e.Receipt = &messaging.Receipt{Municipality: m, Message: uuid.UUID(msg.Bytes), Delivery: e.ID, State: messaging.ReceiptState(state.String),
			Code: code.String, SentAt: sent, AnsweredAt: answered, DeliveredAt: delivered}
	}
	return e, nil
}

// OutboxEntries lists a page of a municipality's deliveries for the
// operations page, newest first, with their receipts and without their
// contents.
func (s *Store) OutboxEntries(ctx context.Context, m domain.Municipality, q messaging.EntryQuery) ([]messaging.Entry, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(`SELECT ` + entryColumns + ` FROM msg_outbox o
		LEFT JOIN msg_receipts r ON r.municipality = o.municipality AND r.delivery_id = o.id WHERE o.municipality = $1`)
	args := []any{string(m)}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Medium != "" {
		b.WriteString(` AND o.medium = ` + arg(string(q.Medium)))
	}
	if q.State != "" {
		b.WriteString(` AND o.state = ` + arg(string(q.State)))
	}
	if q.Before != nil {
		b.WriteString(` AND (o.created_at, o.id) < (` + arg(q.Before.CreatedAt) + `, ` + arg(uid(q.Before.ID)) + `)`)
	}
	b.WriteString(` ORDER BY o.created_at DESC, o.id DESC LIMIT ` + arg(q.Limit))
	return list(ctx, s.q(ctx), "outbox entries", m, scanEntry, b.String(), args...)
}

// OutboxCounts counts a municipality's deliveries by medium, outbox state
// and receipt state.
func (s *Store) OutboxCounts(ctx context.Context, m domain.Municipality) ([]messaging.Count, error) {
	return list(ctx, s.q(ctx), "outbox counts", m, func(row scanner, _ domain.Municipality) (messaging.Count, error) {
		var c messaging.Count
		err := row.Scan(stringScan[messaging.Medium]{&c.Medium}, stringScan[messaging.State]{&c.State},
			stringScan[messaging.ReceiptState]{&c.Receipt}, &c.N)
		return c, err
	}, `SELECT o.medium, o.state, coalesce(r.state, ''), count(*) FROM msg_outbox o
		LEFT JOIN msg_receipts r ON r.municipality = o.municipality AND r.delivery_id = o.id
		WHERE o.municipality = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, string(m))
}

// RetryDelivery makes a failed delivery due again at at (the operations
// page's "retry now", or a receiver's answer that a resend may mend): one
// given up (dead), or sent and answered with a failure. The resend is the
// same message. Not found is domain.ErrNotFound; a delivery that has not
// failed, is delivered or has had its contents erased is a
// *domain.ConflictError (messaging.CheckRetry).
func (s *Store) RetryDelivery(ctx context.Context, m domain.Municipality, id messaging.DeliveryID, at time.Time) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var state messaging.State
		var erased bool
		var receipt messaging.ReceiptState
		err := tx.QueryRow(ctx, `SELECT o.state, o.recipient = $3, coalesce(r.state, '') FROM msg_outbox o
			LEFT JOIN msg_receipts r ON r.municipality = o.municipality AND r.delivery_id = o.id
			WHERE o.municipality = $1 AND o.id = $2 FOR UPDATE OF o`, string(m), uid(id), domain.ErasedName).
			Scan(stringScan[messaging.State]{&state}, &erased, stringScan[messaging.ReceiptState]{&receipt})
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("delivery", m, id.String())
		}
		if err != nil {
			return dbError("retry delivery", err)
		}
		if err := messaging.CheckRetry(state, receipt, erased); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE msg_outbox SET state = 'pending', next_at = $3, done_at = NULL WHERE municipality = $1 AND id = $2`,
			string(m), uid(id), at); err != nil {
			return dbError("retry delivery", err)
		}
		return nil
	})
}
