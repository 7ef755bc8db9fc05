package messaging

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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
// Transport of their medium with up to Concurrency sends at once per
// transport, and records the outcomes: sent; retried after Backoff; dead after
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
	// longer than a batch takes to send (two batches under Drain).
	Lease time.Duration
	// Batch is how many deliveries one claim takes; 200 when zero.
	Batch int
	// Concurrency is how many sends run at once through each Transport;
	// 16 when zero.
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
	p, err := d.plan()
	if err != nil {
		return 0, err
	}
	b, err := d.claim(ctx, p)
	if err != nil || len(b.claimed) == 0 {
		return 0, err
	}
	d.send(ctx, p, b)
	if err := ctx.Err(); err != nil {
		// Stopped: leave the claims to run out; they will be sent again.
		return len(b.claimed), err
	}
	return len(b.claimed), d.settle(ctx, b)
}

// Drain sends until a claim finds nothing due and returns how many
// deliveries it claimed. Unlike a loop of RunOnce it keeps the transports
// busy while it does the bookkeeping: the workers of each transport take
// the deliveries of the next batch as soon as they are done with the last
// one (no batch waits for its slowest send before the next starts), a
// batch is recorded (Settle) as soon as all of its sends are done, and the
// next batch is claimed while the last is sent. At most two batches are
// being sent at once (the lease must cover both). A delivery is recorded
// only after it was sent, so a dispatcher stopped in the middle loses
// nothing: what it sent and had not recorded is sent again, with the same
// key, once its lease has run out, as after RunOnce.
func (d *Dispatcher) Drain(ctx context.Context) (int, error) {
	p, err := d.plan()
	if err != nil {
		return 0, err
	}
	var (
		mu      sync.Mutex
		failed  error // the first bookkeeping error
		workers sync.WaitGroup
		pools   = map[Medium]chan job{}
		slots   = make(chan struct{}, 2) // batches being sent
		settles = make(chan *batch, 2)
		settled = make(chan struct{})
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if failed == nil {
			failed = err
		}
	}
	stopped := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return failed != nil || ctx.Err() != nil
	}
	go func() {
		defer close(settled)
		for b := range settles {
			if ctx.Err() != nil {
				continue // stopped: the leases run out, the batch goes again
			}
			if err := d.settle(ctx, b); err != nil {
				fail(err)
			}
		}
	}()
	done := func(b *batch) {
		if b.left.Add(-1) == 0 {
			<-slots
			settles <- b
		}
	}
	total := 0
	for !stopped() {
		slots <- struct{}{}
		b, err := d.claim(ctx, p)
		if err != nil {
			<-slots
			fail(err)
			break
		}
		if len(b.claimed) == 0 {
			<-slots
			break
		}
		total += len(b.claimed)
		b.left.Store(1) // the feeding's own hold, released below
		for i, del := range b.claimed {
			if b.held[i] {
				continue
			}
			pool, ok := pools[del.Medium]
			if !ok {
				pool = make(chan job, 2*p.batch)
				pools[del.Medium] = pool
				for range p.workers {
					workers.Go(func() {
						for j := range pool {
							j.b.outcomes[j.i] = d.sendOne(ctx, p.transports, p.backoff, j.b.claimed[j.i])
							done(j.b)
						}
					})
				}
			}
			b.left.Add(1)
			pool <- job{b, i}
		}
		done(b)
	}
	for _, pool := range pools {
		close(pool)
	}
	workers.Wait()
	close(settles)
	<-settled
	if err := ctx.Err(); err != nil {
		return total, err
	}
	return total, failed
}

// job is one delivery of a batch to send.
type job struct {
	b *batch
	i int
}

// plan is the dispatcher's settings with their defaults.
type plan struct {
	backoff        Backoff
	lease          time.Duration
	batch, workers int
	transports     map[Medium]Transport
}

func (d *Dispatcher) plan() (plan, error) {
	p := plan{backoff: d.Backoff, lease: d.Lease, batch: d.Batch, workers: d.Concurrency}
	if p.backoff.Limit == 0 {
		p.backoff = DefaultBackoff()
	}
	if err := p.backoff.Validate(); err != nil {
		return p, err
	}
	if p.lease <= 0 {
		p.lease = 2 * time.Minute
	}
	if p.batch <= 0 {
		p.batch = 200
	}
	if p.workers <= 0 {
		p.workers = 16
	}
	p.transports = make(map[Medium]Transport, len(d.Transports))
	for _, t := range d.Transports {
		p.transports[t.Medium()] = t
	}
	return p, nil
}

// batch is one claim: the deliveries, which of them the Gate holds, and
// the outcome of each.
type batch struct {
	claimed  []Delivery
	held     []bool
	outcomes []Outcome
	left     atomic.Int64 // sends not yet done (Drain)
}

// claim claims a batch and asks the Gate about it.
func (d *Dispatcher) claim(ctx context.Context, p plan) (*batch, error) {
	now := d.clock().Now()
	claimed, err := d.Outbox.Claim(ctx, now, now.Add(p.lease), p.batch)
	if err != nil {
		return nil, err
	}
	b := &batch{claimed: claimed, outcomes: make([]Outcome, len(claimed))}
	b.held = d.held(ctx, claimed, now, b.outcomes)
	return b, nil
}

// send sends the deliveries of b that are not held and writes their
// outcomes: each medium's through its Transport, up to p.workers at once
// per transport, so that a slow transport (an SMS gateway) does not hold
// up the others.
func (d *Dispatcher) send(ctx context.Context, p plan, b *batch) {
	byMedium := map[Medium][]int{}
	for i, del := range b.claimed {
		if !b.held[i] {
			byMedium[del.Medium] = append(byMedium[del.Medium], i)
		}
	}
	var wg sync.WaitGroup
	for _, idx := range byMedium {
		jobs := make(chan int, len(idx))
		for _, i := range idx {
			jobs <- i
		}
		close(jobs)
		for range min(p.workers, len(idx)) {
			wg.Go(func() {
				for i := range jobs {
					b.outcomes[i] = d.sendOne(ctx, p.transports, p.backoff, b.claimed[i])
				}
			})
		}
	}
	wg.Wait()
}

// settle moves the retries out of quiet hours and records the outcomes of
// b in one call.
func (d *Dispatcher) settle(ctx context.Context, b *batch) error {
	d.quiet(ctx, b.claimed, b.held, b.outcomes)
	return d.Outbox.Settle(ctx, b.outcomes)
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

// sendOne sends one delivery and decides its outcome.
func (d *Dispatcher) sendOne(ctx context.Context, ts map[Medium]Transport, b Backoff, del Delivery) Outcome {
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

// Run calls Drain until ctx is done, waiting idle after a round that
// found nothing to send (and after an error).
func (d *Dispatcher) Run(ctx context.Context, idle time.Duration) error {
	for {
		n, err := d.Drain(ctx)
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
