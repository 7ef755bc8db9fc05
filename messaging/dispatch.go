package messaging

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// Transport sends deliveries of one medium: the port that the SMTP, SMS,
// webhook and digital-mailbox adapters implement.
//
// Send must carry d.Key to the receiver (a header, a message ID, a
// reference) so that the receiver can drop a repeat: after a crash between
// sending and recording the result the dispatcher sends again with the same
// key. A failure that will not succeed on retry (a refused address, a
// rejected request) is returned wrapped by Permanent; any other error is
// retried with backoff. Send must return when ctx is done.
type Transport interface {
	Medium() Medium
	Send(ctx context.Context, d Delivery) error
}

// PermanentError is a failure that retrying will not mend.
type PermanentError struct{ Err error }

// Error says the failure is permanent and why.
func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }

// Unwrap returns the failure.
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as a failure not worth retrying; nil stays nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// IsPermanent reports whether err, or an error it wraps, is permanent.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// Outbox is the part of Store a Dispatcher uses.
type Outbox interface {
	Claim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]Delivery, error)
	Settle(ctx context.Context, outcomes []Outcome) error
}

// Gate says whether a municipality lets an integration be used: the
// municipality's own switch, kept with its integration settings
// (domain.IntegrationGate answers from the store). A Dispatcher asks it
// before it sends; Notify asks it before it consults the contact register.
type Gate interface {
	Open(ctx context.Context, m domain.Municipality, i domain.Integration) (bool, error)
}

// Integration is the integration a medium is sent through.
func (m Medium) Integration() domain.Integration {
	switch m {
	case Email:
		return domain.IntegrationEmail
	case SMS:
		return domain.IntegrationSMS
	case Webhook:
		return domain.IntegrationWebhook
	case DigitalMailbox:
		return domain.IntegrationDigitalMailbox
	case Archive:
		return domain.IntegrationFiksIO
	}
	return ""
}

// DefaultHold is how long a held delivery waits before the dispatcher
// asks the Gate again.
const DefaultHold = time.Minute

// Dispatcher sends the deliveries of the outbox: it claims a batch (leased,
// so that other dispatchers leave it alone), sends them through the
// Transport of their medium with up to Concurrency sends at once, and
// records the outcomes: sent; retried after Backoff; dead after
// Backoff.Limit attempts or a permanent failure. A dispatcher that stops
// between sending and recording (a crash, a cancelled ctx) loses nothing:
// once the lease has run out the delivery is claimed and sent again, with
// the same key.
type Dispatcher struct {
	Outbox     Outbox
	Transports []Transport
	Clock      domain.Clock
	// Backoff is the retry policy; DefaultBackoff when zero.
	Backoff Backoff
	// Lease is how long a claim holds; 2 minutes when zero. It must be
	// longer than a batch takes to send.
	Lease time.Duration
	// Batch is how many deliveries one claim takes; 200 when zero.
	Batch int
	// Concurrency is how many sends run at once; 16 when zero.
	Concurrency int
	// Gate, when set, holds the deliveries of a municipality that has
	// switched their medium's integration off (or whose switch cannot be
	// read): they are not sent and not failed, but wait in the outbox,
	// pending, and are asked about again after Hold. A hold counts no
	// attempt (Outcome.Held).
	Gate Gate
	// Hold is how long a held delivery waits; DefaultHold when zero.
	Hold time.Duration
	// Quiet, when set, moves the retry of a failed notice that is not
	// urgent out of the recipient's quiet hours (Service.QuietRelease): a
	// retry that would fall at 23:10 waits until the window ends, 07:00.
	// An urgent notice is retried after its backoff, night or day. When
	// Quiet cannot answer the backoff stands.
	Quiet QuietSource
}

// QuietSource says when a retry of a delivery due at t may be sent
// (Service implements it).
type QuietSource interface {
	QuietRelease(ctx context.Context, d Delivery, t time.Time) (time.Time, error)
}

func (d *Dispatcher) clock() domain.Clock {
	if d.Clock == nil {
		return domain.SystemClock{}
	}
	return d.Clock
}

// RunOnce claims one batch, sends it and records the outcomes. It returns
// how many deliveries it claimed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	backoff := d.Backoff
	if backoff.Limit == 0 {
		backoff = DefaultBackoff()
	}
	if err := backoff.Validate(); err != nil {
		return 0, err
	}
	lease, batch, workers := d.Lease, d.Batch, d.Concurrency
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	if batch <= 0 {
		batch = 200
	}
	if workers <= 0 {
		workers = 16
	}
	now := d.clock().Now()
	claimed, err := d.Outbox.Claim(ctx, now, now.Add(lease), batch)
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	transports := make(map[Medium]Transport, len(d.Transports))
	for _, t := range d.Transports {
		transports[t.Medium()] = t
	}
	outcomes := make([]Outcome, len(claimed))
	held := d.held(ctx, claimed, now, outcomes)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(claimed)) {
		wg.Go(func() {
			for i := range jobs {
				outcomes[i] = d.send(ctx, transports, backoff, claimed[i])
			}
		})
	}
	for i := range claimed {
		if !held[i] {
			jobs <- i
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		// Stopped: leave the claims to run out; they will be sent again.
		return len(claimed), err
	}
	d.quiet(ctx, claimed, held, outcomes)
	if err := d.Outbox.Settle(ctx, outcomes); err != nil {
		return len(claimed), err
	}
	return len(claimed), nil
}

// held asks the Gate, once per municipality and integration of the batch,
// and writes the outcome of each delivery it holds; it reports which.
func (d *Dispatcher) held(ctx context.Context, claimed []Delivery, now time.Time, outcomes []Outcome) []bool {
	out := make([]bool, len(claimed))
	if d.Gate == nil {
		return out
	}
	hold := d.Hold
	if hold <= 0 {
		hold = DefaultHold
	}
	type key struct {
		m domain.Municipality
		i domain.Integration
	}
	why := map[key]string{} // "" is open
	for n, del := range claimed {
		k := key{del.Municipality, del.Medium.Integration()}
		if k.i == "" {
			continue
		}
		reason, asked := why[k]
		if !asked {
			open, err := d.Gate.Open(ctx, k.m, k.i)
			switch {
			case err != nil:
				reason = fmt.Sprintf("held: the switch of %s could not be read: %v", k.i, err)
			case !open:
				reason = fmt.Sprintf("held: %s is switched off by the municipality", k.i)
			}
			why[k] = reason
		}
		if reason != "" {
			out[n] = true
			outcomes[n] = Outcome{Delivery: del.ID, Municipality: del.Municipality, State: Pending, Held: true,
				NextAt: now.Add(hold), At: now, Error: reason}
		}
	}
	return out
}

// quiet moves each retry (not a hold) of a notice that is not urgent out
// of its recipient's quiet hours.
func (d *Dispatcher) quiet(ctx context.Context, claimed []Delivery, held []bool, outcomes []Outcome) {
	if d.Quiet == nil {
		return
	}
	for i, o := range outcomes {
		if held[i] || o.State != Pending || claimed[i].Urgent {
			continue
		}
		if at, err := d.Quiet.QuietRelease(ctx, claimed[i], o.NextAt); err == nil && at.After(o.NextAt) {
			outcomes[i].NextAt = at
		}
	}
}

// send sends one delivery and decides its outcome.
func (d *Dispatcher) send(ctx context.Context, ts map[Medium]Transport, b Backoff, del Delivery) Outcome {
	o := Outcome{Delivery: del.ID, Municipality: del.Municipality}
	t, ok := ts[del.Medium]
	var err error
	if !ok {
		err = Permanent(fmt.Errorf("no transport for medium %q", del.Medium))
	} else {
		err = t.Send(ctx, del)
	}
	o.At = d.clock().Now()
	switch {
	case err == nil:
		o.State = Sent
	case IsPermanent(err) || del.Attempts >= b.Limit:
		o.State, o.Error = Dead, err.Error()
	default:
		o.State, o.Error = Pending, err.Error()
		o.NextAt = o.At.Add(b.Delay(del.Attempts))
	}
	return o
}

// Run calls RunOnce until ctx is done, waiting idle between rounds that
// found nothing to send (and after an error).
func (d *Dispatcher) Run(ctx context.Context, idle time.Duration) error {
	for {
		n, err := d.RunOnce(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil || n == 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(idle):
			}
		}
	}
}
