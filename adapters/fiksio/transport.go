package fiksio

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// MaxPayload is the largest sealed payload published on AMQP. Fiks IO
// parks a larger one in Fiks Dokumentlager and sends a reference
// (dokumentlager-id); this package does not, so a larger message is a
// permanent failure.
const MaxPayload = 5 << 20

// LetterFile is the name of the one file of a letter sent by Send.
const LetterFile = "brev.json"

// Letter is the payload of a delivery sent by Send: the file brev.json.
type Letter struct {
	// Key is the delivery's idempotency key, the same on every attempt.
	Key          string              `json:"key"`
	Municipality domain.Municipality `json:"municipality"`
	Kind         string              `json:"kind"`
	// To is the recipient's national ID (the digital mailbox's address).
	To       string             `json:"to"`
	Language messaging.Language `json:"language"`
	Subject  string             `json:"subject"`
	Body     string             `json:"body"`
	Urgent   bool               `json:"urgent"`
}

// Options configure a Transport.
type Options struct {
	// URL is the broker's AMQP URL (amqp://guest:guest@127.0.0.1:5672/ for
	// a local RabbitMQ).
	URL string
	// TLS configures an amqps:// connection.
	TLS *tls.Config
	// Account is the sender's Fiks IO account (avsender-id). The answers
	// come to its queue.
	Account uuid.UUID
	// SenderName is the sender account's name (avsender-navn); left out
	// when empty.
	SenderName string
	// Receiver is the account the messages go to: the archive's, or the
	// system that posts letters to the digital mailbox.
	Receiver uuid.UUID
	// QueuePrefix is put before an account ID to name its queue; the
	// account ID alone when empty.
	QueuePrefix string
	// Exchange is the exchange published to; the default exchange (which
	// routes to the queue named by the routing key) when empty.
	Exchange string
	// Protocol names the type sent and the answers understood; FiksArkiv
	// when zero.
	Protocol Protocol
	// Medium is the medium Send serves (Medium); messaging.DigitalMailbox
	// when empty.
	Medium messaging.Medium
	// Sealer packs the payload; Zip (plain, unencrypted) when nil.
	Sealer Sealer
	// TTL is a message's time to live (the AMQP expiration). Zero leaves it
	// to the broker; Fiks IO's own default is 7 days.
	TTL time.Duration
	// Receipts records the answers Listen reads. Required by Listen and by
	// AwaitAnswer.
	Receipts ReceiptStore
	// AwaitAnswer, when positive, makes Publish and Send wait that long
	// for the receiver's first answer (mottatt, kvittering or a
	// feilmelding) after the broker has confirmed the message; no answer in
	// time is ErrNoAnswer, which the dispatcher retries. Listen must be
	// running. Zero returns as soon as the broker has confirmed.
	AwaitAnswer time.Duration
	// Timeout bounds a dial and a broker confirmation when ctx has no
	// earlier deadline; 10 s when zero.
	Timeout time.Duration
	// Reconnect is how long Listen waits before it connects again after a
	// lost connection; 1 s when zero.
	Reconnect time.Duration
	// Log receives what Listen does not understand and lost connections —
	// message types and IDs, never the content; slog.Default when nil.
	Log *slog.Logger
}

// ErrNoAnswer is a send that the broker took but the receiver did not
// answer within Options.AwaitAnswer. It is retryable: the resend carries
// the same message ID.
var ErrNoAnswer = errors.New("fiksio: no answer from the receiver in time")

// ErrNoQueue is a message the broker could not route: the receiver's
// account queue does not exist. It is permanent.
var ErrNoQueue = errors.New("fiksio: no queue for the receiving account")

// AnswerError is a failure the receiver or the platform answered.
type AnswerError struct {
	// Code is the feilmelding's code (ugyldigforespoersel, serverfeil,
	// ikkefunnet, tidsavbrudd, fiks-serverfeil).
	Code string
}

// Error names the code.
func (e *AnswerError) Error() string { return "fiksio: the receiver answered " + e.Code }

// Transport publishes messages to one receiving Fiks IO account over AMQP,
// with publisher confirms, and (Listen) reads the answers from the
// sender's own account queue. It is a messaging.Transport (Send) and
// publishes archive messages (Publish). It is safe for concurrent use.
type Transport struct {
	opts  Options
	proto Protocol
	log   *slog.Logger

	mu sync.Mutex
	s  *session

	wmu     sync.Mutex
	waiters map[uuid.UUID][]chan Answer
}

// session is one publishing connection with a confirming channel.
type session struct {
	conn    *amqp.Connection
	ch      *amqp.Channel
	returns chan amqp.Return

	mu       sync.Mutex
	returned map[string]bool
}

// New checks the options and returns a transport. It does not connect:
// the first Publish does, and each Publish after a lost connection.
func New(opts Options) (*Transport, error) {
	if opts.URL == "" {
		return nil, errors.New("fiksio: URL is required")
	}
	if _, err := amqp.ParseURI(opts.URL); err != nil {
		return nil, fmt.Errorf("fiksio: URL: %w", err)
	}
	if opts.Account == uuid.Nil || opts.Receiver == uuid.Nil {
		return nil, errors.New("fiksio: Account and Receiver are required")
	}
	proto := opts.Protocol
	if proto.Send == "" && proto.Received == "" && proto.Delivered == "" && proto.ErrorPrefix == "" {
		proto = FiksArkiv
	}
	if err := proto.Validate(); err != nil {
		return nil, err
	}
	if opts.AwaitAnswer > 0 && opts.Receipts == nil {
		return nil, errors.New("fiksio: AwaitAnswer needs Receipts (and Listen running)")
	}
	if opts.Sealer == nil {
		opts.Sealer = Zip{}
	}
	if opts.Medium == "" {
		opts.Medium = messaging.DigitalMailbox
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Reconnect <= 0 {
		opts.Reconnect = time.Second
	}
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	return &Transport{opts: opts, proto: proto, log: log, waiters: map[uuid.UUID][]chan Answer{}}, nil
}

// Queue is the name of an account's queue.
func (t *Transport) Queue(account uuid.UUID) string { return t.opts.QueuePrefix + account.String() }

// MessageID is the ID the message with key gets.
func (t *Transport) MessageID(key string) uuid.UUID {
	return MessageID(t.opts.Account, t.opts.Receiver, key)
}

// Medium is the medium Send serves.
func (t *Transport) Medium() messaging.Medium { return t.opts.Medium }

// Send publishes a delivery as a letter (brev.json, see Letter) of the
// protocol's Send type. Its key is the municipality and the delivery's
// key, so a repeat is the same message.
func (t *Transport) Send(ctx context.Context, d messaging.Delivery) error {
	data, err := json.Marshal(Letter{Key: d.Key, Municipality: d.Municipality, Kind: d.Kind, To: d.To,
		Language: d.Language, Subject: d.Subject, Body: d.Body, Urgent: d.Urgent})
	if err != nil {
		return messaging.Permanent(err)
	}
	_, err = t.Publish(ctx, Message{Key: string(d.Municipality) + "/" + d.Key, Type: t.proto.Send,
		Files: []File{{Name: LetterFile, Data: data}}})
	return err
}

// Publish seals the message, publishes it to the receiver's queue with the
// Fiks IO headers and waits for the broker's confirmation (and, with
// AwaitAnswer, for the receiver's first answer). It returns the message ID
// (MessageID of the key) that the answers' svar-til carry.
//
// A message that cannot be sealed, is too large, or that the broker cannot
// route is a permanent failure (messaging.Permanent); a lost connection, a
// refused (nacked) publish, a missing confirmation or answer is retryable,
// and the retry is the same message.
func (t *Transport) Publish(ctx context.Context, m Message) (uuid.UUID, error) {
	if err := m.Validate(); err != nil {
		return uuid.Nil, messaging.Permanent(err)
	}
	id := t.MessageID(m.Key)
	payload, err := t.opts.Sealer.Seal(m.Files)
	if err != nil {
		return id, messaging.Permanent(fmt.Errorf("fiksio: seal: %w", err))
	}
	if len(payload) > MaxPayload {
		return id, messaging.Permanent(fmt.Errorf("fiksio: payload of %d bytes needs Fiks Dokumentlager, which this transport does not use", len(payload)))
	}
	pub := amqp.Publishing{
		Headers: amqp.Table{
			HeaderSenderAccount:   t.opts.Account.String(),
			HeaderMessageID:       id.String(),
			HeaderClientMessageID: id.String(),
			HeaderType:            m.Type,
		},
		ContentType:  t.opts.Sealer.ContentType(),
		DeliveryMode: amqp.Persistent,
		MessageId:    id.String(),
		Type:         m.Type,
		Body:         payload,
	}
	if t.opts.SenderName != "" {
		pub.Headers[HeaderSenderName] = t.opts.SenderName
	}
	if t.opts.TTL > 0 {
		pub.Expiration = strconv.FormatInt(t.opts.TTL.Milliseconds(), 10)
	}
	var answer chan Answer
	if t.opts.AwaitAnswer > 0 {
		answer = t.wait(id)
		defer t.unwait(id, answer)
	}
	if err := ctx.Err(); err != nil {
		return id, err
	}
	cctx, cancel := context.WithTimeout(ctx, t.opts.Timeout)
	defer cancel()
	s, err := t.session()
	if err != nil {
		return id, fmt.Errorf("fiksio: connect: %w", err)
	}
	dc, err := s.ch.PublishWithDeferredConfirmWithContext(cctx, t.opts.Exchange, t.Queue(t.opts.Receiver), true, false, pub)
	if err != nil {
		t.drop(s)
		return id, fmt.Errorf("fiksio: publish: %w", err)
	}
	acked, err := dc.WaitContext(cctx)
	if err != nil {
		// No confirmation: the channel is in doubt; start afresh. The
		// message may have arrived; the retry is the same message.
		t.drop(s)
		if ctx.Err() != nil {
			return id, ctx.Err()
		}
		return id, fmt.Errorf("fiksio: no confirmation from the broker: %w", err)
	}
	if !acked {
		return id, errors.New("fiksio: the broker refused the message (nack)")
	}
	if s.wasReturned(id.String()) {
		return id, messaging.Permanent(ErrNoQueue)
	}
	if answer == nil {
		return id, nil
	}
	timer := time.NewTimer(t.opts.AwaitAnswer)
	defer timer.Stop()
	select {
	case a := <-answer:
		if a.Kind != Failed {
			return id, nil
		}
		err := &AnswerError{Code: a.Code}
		if a.Retryable {
			return id, err
		}
		return id, messaging.Permanent(err)
	case <-timer.C:
		return id, ErrNoAnswer
	case <-ctx.Done():
		return id, ctx.Err()
	}
}

// session returns the publishing session, connecting when there is none.
func (t *Transport) session() (*session, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.s != nil && !t.s.ch.IsClosed() {
		return t.s, nil
	}
	if t.s != nil {
		t.s.conn.Close()
		t.s = nil
	}
	conn, err := t.dial()
	if err != nil {
		return nil, err
	}
	ch, err := conn.Channel()
	if err == nil {
		err = ch.Confirm(false)
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	s := &session{conn: conn, ch: ch, returned: map[string]bool{}}
	// Buffered so that the connection's reader never waits on us; drained
	// after each confirmation (a return comes before its confirmation).
	s.returns = ch.NotifyReturn(make(chan amqp.Return, 1024))
	t.s = s
	return s, nil
}

// wasReturned reports whether the broker returned the message with id as
// unroutable.
func (s *session) wasReturned(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
drain:
	for {
		select {
		case r, ok := <-s.returns:
			if !ok {
				break drain
			}
			s.returned[r.MessageId] = true
		default:
			break drain
		}
	}
	if s.returned[id] {
		delete(s.returned, id)
		return true
	}
	return false
}

func (t *Transport) dial() (*amqp.Connection, error) {
	return amqp.DialConfig(t.opts.URL, amqp.Config{
		Dial:            amqp.DefaultDial(t.opts.Timeout),
		TLSClientConfig: t.opts.TLS,
		Heartbeat:       10 * time.Second,
		Properties:      amqp.Table{"product": "oppvekst fiksio"},
	})
}

// drop closes a session that failed, if it is still the current one.
func (t *Transport) drop(s *session) {
	t.mu.Lock()
	if t.s == s {
		t.s = nil
	}
	t.mu.Unlock()
	s.conn.Close()
}

// Close closes the publishing connection. Listen stops with its ctx.
func (t *Transport) Close() error {
	t.mu.Lock()
	s := t.s
	t.s = nil
	t.mu.Unlock()
	if s == nil {
		return nil
	}
	return s.conn.Close()
}

func (t *Transport) wait(id uuid.UUID) chan Answer {
	c := make(chan Answer, 1)
	t.wmu.Lock()
	t.waiters[id] = append(t.waiters[id], c)
	t.wmu.Unlock()
	return c
}

func (t *Transport) unwait(id uuid.UUID, c chan Answer) {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	cs := t.waiters[id]
	for i, x := range cs {
		if x == c {
			cs = append(cs[:i], cs[i+1:]...)
			break
		}
	}
	if len(cs) == 0 {
		delete(t.waiters, id)
	} else {
		t.waiters[id] = cs
	}
}

// notify hands an answer to the sends waiting for it.
func (t *Transport) notify(id uuid.UUID, a Answer) {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	for _, c := range t.waiters[id] {
		select {
		case c <- a:
		default: // it has its first answer already
		}
	}
}

// Listen reads the answers on the sender's own account queue until ctx is
// done, and records each in Options.Receipts by the message it answers
// (svar-til): mottatt as received, kvittering as delivered, a feilmelding
// as failed with its code. A lost connection is logged and connected
// again after Options.Reconnect. Listen returns ctx's error.
//
// Each answer is acknowledged after the store has recorded it, so an
// answer is never lost (at-least-once): after a crash it comes again, and
// the store's idempotence makes the repeat harmless. An answer of a type
// the protocol does not know, without svar-til, or to a message the store
// does not know is acknowledged and logged with its type and IDs only. A
// store error puts the answer back on the queue.
func (t *Transport) Listen(ctx context.Context) error {
	if t.opts.Receipts == nil {
		return errors.New("fiksio: Listen needs Options.Receipts")
	}
	for {
		err := t.listen(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		t.log.LogAttrs(ctx, slog.LevelWarn, "fiks io: answer queue lost; connecting again",
			slog.String("queue", t.Queue(t.opts.Account)), slog.String("error", err.Error()))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(t.opts.Reconnect):
		}
	}
}

func (t *Transport) listen(ctx context.Context) error {
	conn, err := t.dial()
	if err != nil {
		return err
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	if err := ch.Qos(64, 0, false); err != nil {
		return err
	}
	deliveries, err := ch.ConsumeWithContext(ctx, t.Queue(t.opts.Account), "", false, false, false, false, nil)
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case d, ok := <-deliveries:
			if !ok {
				return errors.New("fiksio: the broker closed the answer queue's channel")
			}
			t.handle(ctx, d)
		}
	}
}

// header reads a string header (a long string arrives as a string; some
// clients send bytes).
func header(h amqp.Table, name string) string {
	switch v := h[name].(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

// clip keeps a logged value short.
func clip(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

func (t *Transport) handle(ctx context.Context, d amqp.Delivery) {
	typ := header(d.Headers, HeaderType)
	if typ == "" {
		typ = d.Type
	}
	replyTo := header(d.Headers, HeaderReplyTo)
	drop := func(why string) {
		t.log.LogAttrs(ctx, slog.LevelInfo, "fiks io: answer dropped",
			slog.String("why", why), slog.String("type", clip(typ)), slog.String("svarTil", clip(replyTo)),
			slog.String("meldingId", clip(header(d.Headers, HeaderMessageID))))
		_ = d.Ack(false)
	}
	a, ok := t.proto.Classify(typ)
	if !ok {
		drop("unknown-type")
		return
	}
	id, err := uuid.Parse(replyTo)
	if err != nil {
		drop("no-svar-til")
		return
	}
	switch a.Kind {
	case Received:
		err = t.opts.Receipts.MarkReceived(ctx, id)
	case Delivered:
		err = t.opts.Receipts.MarkDelivered(ctx, id)
	default:
		err = t.opts.Receipts.MarkFailed(ctx, id, a.Code)
	}
	if errors.Is(err, ErrUnknownMessage) || errors.Is(err, domain.ErrNotFound) {
		drop("unknown-message")
		return
	}
	if err != nil {
		t.log.LogAttrs(ctx, slog.LevelWarn, "fiks io: could not record an answer; it comes again",
			slog.String("type", clip(typ)), slog.String("svarTil", id.String()), slog.String("error", err.Error()))
		select { // do not spin on a store that is down
		case <-ctx.Done():
		case <-time.After(t.opts.Reconnect):
		}
		_ = d.Nack(false, true)
		return
	}
	t.notify(id, a)
	_ = d.Ack(false)
}
