package messaging

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/oppvekst/oppvekst/domain"
)

// Sent and delivered are two different things. A delivery in the outbox is
// Sent when its transport has handed it over (an SMTP server took the
// mail; the message broker confirmed an archive message). Some receivers
// answer later, by message: the municipal archive (Fiks Arkiv) answers
// mottatt when it has the message, kvittering when it has archived it, or
// a failure. That answer is a Receipt, kept beside the delivery: a
// delivery is Delivered only when its receipt says so.

// ReceiptState is what the receiver last said about a sent message.
type ReceiptState string

// Receipt states. Delivered is final: no later answer changes it.
const (
	// Awaiting: sent, no answer yet.
	Awaiting ReceiptState = "awaiting"
	// Received: the receiver has the message and handles it (mottatt).
	Received ReceiptState = "received"
	// Delivered: the receiver has done what was asked (kvittering: archived).
	Delivered ReceiptState = "delivered"
	// Failed: the receiver or the platform answered a failure (Code).
	Failed ReceiptState = "failed"
)

// Receipt is the receiver's answer to the message that carried a delivery.
// It holds no personal data: IDs, the state, the failure's code and times.
type Receipt struct {
	Municipality domain.Municipality `json:"municipality"`
	// Message is the ID of the message sent (the same on every resend of
	// the delivery).
	Message  uuid.UUID    `json:"message"`
	Delivery DeliveryID   `json:"delivery"`
	State    ReceiptState `json:"state"`
	// Code is the last failure's code (ugyldigforespoersel, serverfeil, …);
	// kept when a later kvittering delivers the message.
	Code string `json:"code,omitempty"`
	// Answers counts the answers recorded, repeats included.
	Answers int `json:"answers"`
	// SentAt is when the message was first sent; AnsweredAt when the last
	// answer came; DeliveredAt when the kvittering came.
	SentAt      time.Time `json:"sentAt"`
	AnsweredAt  time.Time `json:"answeredAt,omitzero"`
	DeliveredAt time.Time `json:"deliveredAt,omitzero"`
}

// Validate checks a receipt before it is first written.
func (r Receipt) Validate() error {
	var p domain.Problems
	p.Merge("", r.Municipality.Validate())
	if r.Message == uuid.Nil {
		p.Add("message", "required")
	}
	if r.Delivery.IsZero() {
		p.Add("delivery", "required")
	}
	if r.State != Awaiting {
		p.Add("state", "a-new-receipt-is-awaiting")
	}
	if r.SentAt.IsZero() {
		p.Add("sentAt", "required")
	}
	return p.Err()
}

// Entry is a delivery as the operations page shows it: what, how, when and
// how it went, never to whom or what it said (no address, no subject, no
// body, no error text, which may quote an address).
type Entry struct {
	ID   DeliveryID `json:"id"`
	Key  string     `json:"key"`
	Kind string     `json:"kind"`
	// Guardian is whom the delivery is for (an ID, never an address).
	Guardian  domain.GuardianID `json:"guardianId"`
	Medium    Medium            `json:"medium"`
	State     State             `json:"state"`
	Urgent    bool              `json:"urgent"`
	Attempts  int               `json:"attempts"`
	NextAt    time.Time         `json:"nextAt"`
	CreatedAt time.Time         `json:"createdAt"`
	DoneAt    time.Time         `json:"doneAt,omitzero"`
	// Failed says the last attempt failed (the error itself is not shown).
	Failed bool `json:"failed"`
	// Receipt is the receiver's answer, for a medium that answers.
	Receipt *Receipt `json:"receipt,omitempty"`
}

// Status is an entry's state for the operations page: the outbox state,
// made precise by the receipt — waiting (pending), retrying (pending after
// a failed attempt), sent, delivered, failed (dead, or a failure answered).
func (e Entry) Status() string {
	switch {
	case e.Receipt != nil && e.Receipt.State == Delivered:
		return "delivered"
	case e.State == Dead:
		return "failed"
	case e.State == Pending && e.Failed:
		return "retrying"
	case e.State == Pending:
		return "waiting"
	case e.Receipt != nil && e.Receipt.State == Failed:
		return "failed"
	}
	return "sent"
}

// Reason is the reason code of a failed entry, for the page to translate:
// the receiver's answer (receipt-<code>) when there is one, else
// send-failed; empty when nothing failed.
func (e Entry) Reason() string {
	if e.Receipt != nil && e.Receipt.Code != "" && e.Status() != "delivered" {
		return "receipt-" + e.Receipt.Code
	}
	if e.Failed {
		return "send-failed"
	}
	return ""
}

// EntryQuery picks a page of a municipality's deliveries, newest first
// (by creation time, then ID): of one medium and outbox state when set,
// after the entry Before (keyset paging; zero from the start).
type EntryQuery struct {
	Medium Medium
	State  State
	Before *Entry
	Limit  int
}

// Count is how many of a municipality's deliveries of a medium are in a
// state, with their receipts' state (empty for none).
type Count struct {
	Medium  Medium       `json:"medium"`
	State   State        `json:"state"`
	Receipt ReceiptState `json:"receipt,omitempty"`
	N       int          `json:"n"`
}

// MaxEntries is the largest page of entries.
const MaxEntries = 200

// Validate checks a query: a known medium and state, a limit of 1 to
// MaxEntries.
func (q EntryQuery) Validate() error {
	var p domain.Problems
	if q.Medium != "" && q.Medium != Archive {
		if _, err := ParseMedium(string(q.Medium)); err != nil {
			p.Add("medium", "must-be-a-medium")
		}
	}
	switch q.State {
	case "", Pending, Sent, Dead:
	default:
		p.Add("state", "must-be-pending-sent-or-dead")
	}
	if q.Limit < 1 || q.Limit > MaxEntries {
		p.Add("limit", "must-be-from-1-to-200")
	}
	return p.Err()
}

// CheckRetry says whether a delivery may be made due again by hand: it
// must have failed — given up (dead), or sent and answered with a failure
// — not be delivered, and still have its contents (the retention job
// erases them after delivery). Otherwise it is a *domain.ConflictError on
// "state".
func CheckRetry(state State, receipt ReceiptState, erased bool) error {
	switch {
	case receipt == Delivered:
		return domain.Conflict("state", "is-delivered")
	case erased:
		return domain.Conflict("state", "contents-erased")
	case state == Dead, state == Sent && receipt == Failed:
		return nil
	}
	return domain.Conflict("state", "has-not-failed")
}

// Answers records a receiver's answers to one municipality's messages by
// message ID, each idempotent: a repeated answer changes nothing, a
// kvittering is final, a failure keeps its code. An ID the store does not
// know is domain.ErrNotFound. It is the receipt port of adapters/fiksio
// (fiksio.ReceiptStore), which the SQLite and PostgreSQL stores return
// from Receipts.
type Answers interface {
	MarkReceived(ctx context.Context, id uuid.UUID) error
	MarkDelivered(ctx context.Context, id uuid.UUID) error
	MarkFailed(ctx context.Context, id uuid.UUID, code string) error
}

// Operations is the store port of receipts and of the outbox as the
// operations page sees it. Reads are scoped by municipality.
type Operations interface {
	// TrackReceipt writes a message's receipt as it is sent: awaiting; a
	// resend writes nothing, except that a failed receipt awaits again.
	// The delivery must exist; one message per delivery.
	TrackReceipt(ctx context.Context, r Receipt) error
	// Receipt reads a message's receipt; none is domain.ErrNotFound.
	Receipt(ctx context.Context, m domain.Municipality, message uuid.UUID) (Receipt, error)
	// Receipts records the answers to municipality m's messages, at the
	// time of clock.
	Receipts(m domain.Municipality, clock domain.Clock) Answers
	// OutboxEntries lists a page of deliveries, newest first, without
	// their contents.
	OutboxEntries(ctx context.Context, m domain.Municipality, q EntryQuery) ([]Entry, error)
	// OutboxCounts counts the deliveries by medium, state and receipt.
	OutboxCounts(ctx context.Context, m domain.Municipality) ([]Count, error)
	// RetryDelivery makes a failed delivery due at at (CheckRetry).
	RetryDelivery(ctx context.Context, m domain.Municipality, id DeliveryID, at time.Time) error
}
