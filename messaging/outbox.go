package messaging

import (
	"context"
	"fmt"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// Medium is how a delivery travels: the channel a Transport serves.
type Medium string

// Media. A guardian whose address is strengt fortrolig is reached through
// DigitalMailbox only, whatever the guardian's preference.
const (
	Email          Medium = "email"
	SMS            Medium = "sms"
	Webhook        Medium = "webhook"         // the app (push) through a signed webhook
	DigitalMailbox Medium = "digital-mailbox" // the national digital mailbox (Digipost, e-Boks)
	// Archive is the municipality's archive copy of a decision letter (Fiks
	// Arkiv through Fiks IO). It is no guardian's preference: a delivery of
	// this medium is written by the app when a decision is made, once per
	// decision, and its receiver answers with a Receipt.
	Archive Medium = "archive"
)

// ParseMedium accepts the four media.
func ParseMedium(s string) (Medium, error) {
	switch m := Medium(s); m {
	case Email, SMS, Webhook, DigitalMailbox:
		return m, nil
	}
	return "", domain.Invalid("medium", "must-be-email-sms-webhook-or-digital-mailbox")
}

// Contact is a guardian's preference for notifications: the language and
// the medium. A guardian without one gets bokmål by e-mail.
type Contact struct {
	Municipality domain.Municipality `json:"municipality"`
	Guardian     domain.GuardianID   `json:"guardian"`
	Language     Language            `json:"language"`
	Medium       Medium              `json:"medium"`
	// Quiet is the guardian's own quiet hours, within the municipality's
	// (QuietHours.Within); nil keeps the municipality's.
	Quiet *QuietHours `json:"quiet,omitempty"`
}

// DefaultContact is the preference of a guardian who has not chosen.
func DefaultContact(m domain.Municipality, g domain.GuardianID) Contact {
	return Contact{Municipality: m, Guardian: g, Language: Bokmal, Medium: Email}
}

// Validate checks the preference.
func (c Contact) Validate() error {
	var p domain.Problems
	p.Merge("", c.Municipality.Validate())
	if c.Guardian.IsZero() {
		p.Add("guardian", "required")
	}
	switch c.Language {
	case Bokmal, Nynorsk, English:
	default:
		p.Add("language", "must-be-nb-nn-or-en")
	}
	if _, err := ParseMedium(string(c.Medium)); err != nil {
		p.Merge("", err)
	}
	if c.Quiet != nil {
		p.Merge("", c.Quiet.Validate())
	}
	return p.Err()
}

// State is where a delivery is in the outbox.
type State string

// Delivery states.
const (
	Pending State = "pending" // waiting, being sent, or waiting for a retry
	Sent    State = "sent"    // the transport accepted it
	Dead    State = "dead"    // given up: a permanent failure or too many attempts
)

// Delivery is one notification to one guardian, or to one staff member at
// their work e-mail address, through one medium, in the outbox. It is written in the transaction of the change that caused it and
// sent by a Dispatcher.
type Delivery struct {
	ID           DeliveryID          `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	// Key is the idempotency key: unique per municipality, the same on
	// every attempt, so a receiver can drop repeats. Writing a delivery
	// whose key exists does nothing.
	Key  string `json:"key"`
	Kind string `json:"kind"`
	// Guardian is the recipient, or Staff: exactly one of them is set.
	Guardian domain.GuardianID `json:"guardian,omitzero"`
	Staff    domain.StaffID    `json:"staff,omitzero"`
	Medium   Medium            `json:"medium"`
	// To is the address for the medium: an e-mail address (a staff
	// member's work address), a phone number, the guardian's national ID
	// for the digital mailbox, the guardian ID for the app.
	To       string   `json:"to"`
	Language Language `json:"language"`
	Subject  string   `json:"subject"`
	// Body is plain text.
	Body   string `json:"body"`
	Urgent bool   `json:"urgent"`

	State    State `json:"state"`
	Attempts int   `json:"attempts"`
	// NextAt is when the delivery may next be claimed: after a backoff, or
	// when the lease of a dispatcher that claimed it runs out.
	NextAt    time.Time `json:"nextAt"`
	CreatedAt time.Time `json:"createdAt"`
	// DoneAt is when it was sent or given up.
	DoneAt    time.Time `json:"doneAt,omitzero"`
	LastError string    `json:"lastError,omitempty"`
}

// Validate checks a delivery before it is written.
func (d Delivery) Validate() error {
	var p domain.Problems
	if d.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", d.Municipality.Validate())
	if d.Key == "" || len(d.Key) > 300 {
		p.Add("key", "is-required-at-most-300-bytes")
	}
	switch {
	case d.Guardian.IsZero() && d.Staff.IsZero():
		p.Add("guardian", "required")
	case !d.Guardian.IsZero() && !d.Staff.IsZero():
		p.Add("staff", ReasonOneRecipient)
	case !d.Staff.IsZero() && d.Medium != Email:
		p.Add("medium", ReasonOneRecipient)
	}
	if _, err := ParseMedium(string(d.Medium)); err != nil && d.Medium != Archive {
		p.Merge("", err)
	}
	if d.To == "" {
		p.Add("to", "required")
	}
	if d.Body == "" {
		p.Add("body", "empty")
	}
	if d.State != Pending {
		p.Add("state", "a-new-delivery-is-pending")
	}
	if d.NextAt.IsZero() || d.CreatedAt.IsZero() {
		p.Add("nextAt", "required")
	}
	return p.Err()
}

// Outcome is what happened to a claimed delivery.
type Outcome struct {
	Delivery DeliveryID
	// Municipality of the delivery.
	Municipality domain.Municipality
	// State is Sent, Dead, or Pending for a retry at NextAt.
	State  State
	NextAt time.Time
	At     time.Time
	Error  string
	// Held: the delivery was not sent because its municipality has
	// switched the integration off (Dispatcher.Gate). It stays Pending
	// until NextAt, and the store gives back the attempt Claim counted,
	// so that however long it is held it keeps every attempt of its
	// Backoff.
	Held bool
}

// Tally is what a list of threads shows of a thread's messages: how many
// there are and the newest (by creation time, then ID).
type Tally struct {
	Messages int
	Last     Message
}

// Family is a child with its guardians, as recipient resolution needs them.
type Family struct {
	Child     domain.Child
	Guardians []domain.GuardianLink
}

// Store is the store port of messaging: threads, messages, participants,
// contact preferences and the outbox. Every method joins the transaction of
// ctx (domain.Transactor); reads are scoped by municipality, a record of
// another municipality is domain.ErrNotFound.
type Store interface {
	// CreateThread writes a thread, its first message and its participants,
	// checked by CheckThread.
	CreateThread(ctx context.Context, t Thread, first Message, ps []Participant) error
	// AddMessage writes a message to an existing thread.
	AddMessage(ctx context.Context, msg Message) error
	Thread(ctx context.Context, m domain.Municipality, id ThreadID) (Thread, error)
	// Messages lists a thread's messages by creation time, then ID.
	Messages(ctx context.Context, m domain.Municipality, id ThreadID) ([]Message, error)
	// Participants lists a thread's participants by guardian ID
	// (SortParticipants).
	Participants(ctx context.Context, m domain.Municipality, id ThreadID) ([]Participant, error)
	// GuardianThreads lists the threads a guardian takes part in, newest
	// first (SortThreads).
	GuardianThreads(ctx context.Context, m domain.Municipality, g domain.GuardianID) ([]Thread, error)
	// ThreadsOf lists the threads any of the guardians takes part in, each
	// once, newest first (SortThreads), in one read (the threads of a
	// unit's families); no guardians is an empty list.
	ThreadsOf(ctx context.Context, m domain.Municipality, guardians []domain.GuardianID) ([]Thread, error)
	// Tallies reads, for each of the threads, how many messages it has and
	// its newest message, in one read (the rows of a page of threads); a
	// thread the municipality has no messages for is left out.
	Tallies(ctx context.Context, m domain.Municipality, threads []ThreadID) (map[ThreadID]Tally, error)
	// MarkRead sets a participant's read time; not a participant is
	// domain.ErrNotFound.
	MarkRead(ctx context.Context, m domain.Municipality, id ThreadID, g domain.GuardianID, at time.Time) error

	// RecipientFamilies reads children with their guardians in one go, for
	// recipient resolution at the scale of a whole unit; a child not in the
	// municipality is left out. Guardians are sorted by guardian ID.
	RecipientFamilies(ctx context.Context, m domain.Municipality, children []domain.ChildID) ([]Family, error)
	// Contacts reads the preferences of many guardians; a guardian without
	// one is left out.
	Contacts(ctx context.Context, m domain.Municipality, guardians []domain.GuardianID) (map[domain.GuardianID]Contact, error)

	// PutContact creates or replaces a guardian's preference.
	PutContact(ctx context.Context, c Contact) error
	// Contact reads it; none is domain.ErrNotFound.
	Contact(ctx context.Context, m domain.Municipality, g domain.GuardianID) (Contact, error)

	// Enqueue writes deliveries to the outbox in one go, skipping any whose
	// (municipality, key) exists; it returns how many it wrote.
	Enqueue(ctx context.Context, ds []Delivery) (int, error)
	// Claim takes up to limit pending deliveries of any municipality whose
	// NextAt is not after now, oldest first, counts an attempt and moves
	// their NextAt to leaseUntil, so no other dispatcher takes them before
	// the lease runs out. On PostgreSQL several dispatchers claim at once
	// (FOR UPDATE SKIP LOCKED).
	Claim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]Delivery, error)
	// Settle records the outcomes of claimed deliveries (each checked by
	// Outcome.Validate); one already settled is left as it is.
	Settle(ctx context.Context, outcomes []Outcome) error
	// Deliveries lists a municipality's deliveries by key.
	Deliveries(ctx context.Context, m domain.Municipality) ([]Delivery, error)
	// GuardianDeliveries lists the deliveries sent to one guardian, by
	// key, in a read by the guardian (the guardian's export), not of the
	// whole outbox.
	GuardianDeliveries(ctx context.Context, m domain.Municipality, g domain.GuardianID) ([]Delivery, error)
	// DeliveriesWithPrefix lists the deliveries whose key starts with
	// prefix, by key.
	DeliveriesWithPrefix(ctx context.Context, m domain.Municipality, prefix string) ([]Delivery, error)

	// MessagingSettings reads a municipality's settings; none stored is
	// domain.ErrNotFound.
	MessagingSettings(ctx context.Context, m domain.Municipality) (Settings, error)
	// PutMessagingSettings creates or replaces them.
	PutMessagingSettings(ctx context.Context, st Settings) error

	// PutUrgent writes the record of an urgent message; one for the same
	// thread is domain.ErrConflict.
	PutUrgent(ctx context.Context, u Urgent) error
	// Urgent reads the record of a thread; none is domain.ErrNotFound.
	Urgent(ctx context.Context, m domain.Municipality, thread ThreadID) (Urgent, error)
	// DueUrgent lists up to limit records not yet checked whose DueAt is
	// not after now, by DueAt.
	DueUrgent(ctx context.Context, m domain.Municipality, now time.Time, limit int) ([]Urgent, error)
	// CheckedUrgent records that the unread check of a thread has run,
	// and whether it told the sender (Unread).
	CheckedUrgent(ctx context.Context, m domain.Municipality, thread ThreadID, at time.Time, unread bool) error
}

// Backoff is the retry policy of the dispatcher: the first retry after
// Initial, each next one Factor times later, never more than Max, and
// dead-letter after Limit attempts.
type Backoff struct {
	Initial time.Duration
	Max     time.Duration
	Factor  float64
	Limit   int
}

// DefaultBackoff retries after 30 s, 1 min, 2 min, ... up to 1 h, eight
// attempts in all.
func DefaultBackoff() Backoff {
	return Backoff{Initial: 30 * time.Second, Max: time.Hour, Factor: 2, Limit: 8}
}

// Delay is the wait after the given failed attempt (1 for the first).
func (b Backoff) Delay(attempt int) time.Duration {
	d := float64(b.Initial)
	for i := 1; i < attempt; i++ {
		d *= b.Factor
		if d >= float64(b.Max) {
			return b.Max
		}
	}
	return min(time.Duration(d), b.Max)
}

// Validate requires positive values and a factor of at least 1.
func (b Backoff) Validate() error {
	if b.Initial <= 0 || b.Max < b.Initial || b.Factor < 1 || b.Limit < 1 {
		return fmt.Errorf("messaging: backoff %+v: want Initial > 0, Max >= Initial, Factor >= 1, Limit >= 1: %w", b, domain.ErrInvalid)
	}
	return nil
}
