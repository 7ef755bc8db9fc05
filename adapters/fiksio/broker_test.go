package fiksio_test

// The test's side of the broker: the RabbitMQ URL, per-test queues, a
// receiver that plays the archive (or the digital-post system) and a
// receipt store that counts.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/fiksio"
)

// brokerURL is the RabbitMQ of the tests: OPPVEKST_TEST_AMQP, or the local
// one. A broker that does not answer skips the test, and fails it when CI
// is set (.ci/run starts RabbitMQ).
func brokerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("OPPVEKST_TEST_AMQP")
	if u == "" {
		u = "amqp://guest:guest@127.0.0.1:5672/"
	}
	conn, err := amqp.DialConfig(u, amqp.Config{Dial: amqp.DefaultDial(5 * time.Second)})
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("RabbitMQ does not answer at OPPVEKST_TEST_AMQP or 127.0.0.1:5672 and CI is set: %v", err)
		}
		t.Skipf("RabbitMQ does not answer (set OPPVEKST_TEST_AMQP; CI fails here): %v", err)
	}
	conn.Close()
	return u
}

func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "oppvekst-test-" + hex.EncodeToString(b) + "."
}

// declareQueues declares each queue for the test and deletes it after.
func declareQueues(t testing.TB, u string, args amqp.Table, names ...string) {
	t.Helper()
	conn, err := amqp.Dial(u)
	require.NoError(t, err)
	defer conn.Close()
	ch, err := conn.Channel()
	require.NoError(t, err)
	for _, n := range names {
		_, err := ch.QueueDeclare(n, false, false, false, false, args)
		require.NoError(t, err)
	}
	t.Cleanup(func() {
		conn, err := amqp.Dial(u)
		if err != nil {
			t.Errorf("cleanup: %v", err)
			return
		}
		defer conn.Close()
		ch, err := conn.Channel()
		if err != nil {
			t.Errorf("cleanup: %v", err)
			return
		}
		for _, n := range names {
			if _, err := ch.QueueDelete(n, false, false, false); err != nil {
				t.Errorf("cleanup: delete %s: %v", n, err)
			}
		}
	})
}

// queueDepth is how many messages wait in a queue and how many consumers
// it has.
func queueDepth(t testing.TB, u, name string) (messages, consumers int) {
	t.Helper()
	conn, err := amqp.Dial(u)
	require.NoError(t, err)
	defer conn.Close()
	ch, err := conn.Channel()
	require.NoError(t, err)
	q, err := ch.QueueDeclarePassive(name, false, false, false, false, nil)
	require.NoError(t, err)
	return q.Messages, q.Consumers
}

// receipts is a ReceiptStore in memory that counts what it is told.
type receipts struct {
	mu sync.Mutex
	// open: every ID is known (the transport conformance suite sends
	// deliveries the store was not told about).
	open  bool
	state map[uuid.UUID]*receipt
}

type receipt struct {
	status                string // "", received, delivered, failed
	code                  string
	deliveredCalls        int
	deliveredTransitions  int
	receivedCalls, failed int
}

func newReceipts() *receipts { return &receipts{state: map[uuid.UUID]*receipt{}} }

// expect tells the store about a message sent.
func (r *receipts) expect(id uuid.UUID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state[id] == nil {
		r.state[id] = &receipt{}
	}
}

func (r *receipts) get(id uuid.UUID) (*receipt, error) {
	s := r.state[id]
	if s == nil && r.open {
		s = &receipt{}
		r.state[id] = s
	}
	if s == nil {
		return nil, fiksio.ErrUnknownMessage
	}
	return s, nil
}

func (r *receipts) MarkReceived(_ context.Context, id uuid.UUID) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.get(id)
	if err != nil {
		return err
	}
	s.receivedCalls++
	if s.status == "" {
		s.status = "received"
	}
	return nil
}

func (r *receipts) MarkDelivered(_ context.Context, id uuid.UUID) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.get(id)
	if err != nil {
		return err
	}
	s.deliveredCalls++
	if s.status != "delivered" {
		s.status, s.code = "delivered", ""
		s.deliveredTransitions++
	}
	return nil
}

func (r *receipts) MarkFailed(_ context.Context, id uuid.UUID, code string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.get(id)
	if err != nil {
		return err
	}
	s.failed++
	if s.status != "delivered" {
		s.status, s.code = "failed", code
	}
	return nil
}

// of returns a copy of the state of id.
func (r *receipts) of(id uuid.UUID) receipt {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.state[id]; s != nil {
		return *s
	}
	return receipt{}
}

// delivered counts the messages marked delivered.
func (r *receipts) delivered() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, s := range r.state {
		if s.status == "delivered" {
			n++
		}
	}
	return n
}

// action is what the receiver does with one message.
type action int

const (
	answer              action = iota // mottatt, then kvittering
	answerTwice                       // mottatt, kvittering, mottatt, kvittering
	nackRequeue                       // reject it back onto the queue, unanswered
	dropConnection                    // close the connection without an ack
	ignore                            // ack it and never answer
	stall                             // neither ack nor answer, keep it
	failInvalid                       // feilmelding.ugyldigforespoersel only
	failServer                        // feilmelding.serverfeil only
	receivedThenInvalid               // mottatt, then feilmelding.ugyldigforespoersel
)

// seen is one message as the receiver got it.
type seen struct {
	ID          string
	Redelivered bool
	Headers     amqp.Table
	ContentType string
	Expiration  string
	Persistent  bool
	Files       []fiksio.File
}

// receiver plays the receiving account: it reads its queue, keeps what
// it got, archives each message ID once, and answers to the sender's
// queue (svar-til = the message's melding-id) as its script says.
type receiver struct {
	t                     testing.TB
	url                   string
	queue, answers        string
	account, sender       uuid.UUID
	received, delivered   string
	failPrefix            string
	mu                    sync.Mutex
	script                []action // the actions for the next messages; answer when empty
	got                   []seen
	archived              map[string]int
	conn                  *amqp.Connection
	stop                  chan struct{}
	done                  chan struct{}
	answeredTo, answerErr int
}

func startReceiver(t testing.TB, u, queue, answers string, account, sender uuid.UUID, p fiksio.Protocol) *receiver {
	r := &receiver{t: t, url: u, queue: queue, answers: answers, account: account, sender: sender,
		received: p.Received, delivered: p.Delivered, failPrefix: p.ErrorPrefix,
		archived: map[string]int{}, stop: make(chan struct{}), done: make(chan struct{})}
	go r.run()
	t.Cleanup(func() {
		close(r.stop)
		r.mu.Lock()
		if r.conn != nil {
			r.conn.Close()
		}
		r.mu.Unlock()
		<-r.done
	})
	return r
}

// then queues actions for the next messages.
func (r *receiver) then(as ...action) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.script = append(r.script, as...)
}

func (r *receiver) seen() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.got...)
}

// settled is what the receiver has read once nothing new has come for
// 300 ms (at most 5 s).
func (r *receiver) settled() []seen {
	got := r.seen()
	quiet := time.Now()
	for start := time.Now(); time.Since(start) < 5*time.Second; {
		time.Sleep(25 * time.Millisecond)
		if now := r.seen(); len(now) != len(got) {
			got, quiet = now, time.Now()
		} else if time.Since(quiet) >= 300*time.Millisecond {
			break
		}
	}
	return got
}

func (r *receiver) archivedCount(id uuid.UUID) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.archived[id.String()]
}

func (r *receiver) run() {
	defer close(r.done)
	for {
		select {
		case <-r.stop:
			return
		default:
		}
		if err := r.consume(); err != nil {
			select {
			case <-r.stop:
				return
			case <-time.After(100 * time.Millisecond): // connect again
			}
		}
	}
}

func (r *receiver) consume() error {
	conn, err := amqp.Dial(r.url)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.conn = conn
	r.mu.Unlock()
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	out, err := conn.Channel()
	if err != nil {
		return err
	}
	ds, err := ch.Consume(r.queue, "", false, false, false, false, nil)
	if err != nil {
		return err
	}
	for d := range ds {
		if dropped := r.handle(conn, out, d); dropped {
			return errors.New("dropped the connection")
		}
	}
	return errors.New("consumer closed")
}

// handle does what the script says with one message; true when it
// dropped the connection.
func (r *receiver) handle(conn *amqp.Connection, out *amqp.Channel, d amqp.Delivery) bool {
	files, err := fiksio.Zip{}.Open(d.Body)
	assert.NoError(r.t, err, "the payload opens")
	id := d.MessageId
	r.mu.Lock()
	r.got = append(r.got, seen{ID: id, Redelivered: d.Redelivered, Headers: d.Headers, ContentType: d.ContentType,
		Expiration: d.Expiration, Persistent: d.DeliveryMode == amqp.Persistent, Files: files})
	a := answer
	if len(r.script) > 0 {
		a, r.script = r.script[0], r.script[1:]
	}
	r.mu.Unlock()

	reply := func(typ string) {
		err := out.Publish("", r.answers, false, false, amqp.Publishing{
			Headers: amqp.Table{
				fiksio.HeaderType:          typ,
				fiksio.HeaderMessageID:     uuid.NewString(),
				fiksio.HeaderSenderAccount: r.account.String(),
				fiksio.HeaderReplyTo:       id,
			},
			Type: typ, DeliveryMode: amqp.Persistent,
		})
		r.mu.Lock()
		if err != nil {
			r.answerErr++
		} else {
			r.answeredTo++
		}
		r.mu.Unlock()
	}
	archive := func() {
		r.mu.Lock()
		// An archive files a message ID once, however often it comes; it
		// answers every time (Fiks Arkiv: resend mottatt and kvittering).
		if r.archived[id] == 0 {
			r.archived[id] = 1
		}
		r.mu.Unlock()
	}
	switch a {
	case answer, answerTwice:
		_ = d.Ack(false)
		reply(r.received)
		archive()
		reply(r.delivered)
		if a == answerTwice {
			reply(r.received)
			reply(r.delivered)
		}
	case nackRequeue:
		_ = d.Nack(false, true)
	case dropConnection:
		conn.Close()
		return true
	case ignore:
		_ = d.Ack(false)
	case stall:
	case failInvalid:
		_ = d.Ack(false)
		reply(r.failPrefix + "ugyldigforespoersel")
	case failServer:
		_ = d.Ack(false)
		reply(r.failPrefix + "serverfeil")
	case receivedThenInvalid:
		_ = d.Ack(false)
		reply(r.received)
		reply(r.failPrefix + "ugyldigforespoersel")
	}
	return false
}

// world is one test's accounts, queues, transport, listener and receiver.
type world struct {
	url              string
	prefix           string
	sender, receiver uuid.UUID
	receipts         *receipts
	tr               *fiksio.Transport
	recv             *receiver
	logs             *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newWorld declares the two account queues, starts the receiver and the
// transport's listener; edit changes the options (a proxy URL, a protocol).
func newWorld(t testing.TB, edit func(*fiksio.Options)) *world {
	t.Helper()
	u := brokerURL(t)
	w := &world{url: u, prefix: randomName(), sender: uuid.New(), receiver: uuid.New(), receipts: newReceipts(), logs: &syncBuffer{}}
	declareQueues(t, u, nil, w.prefix+w.sender.String(), w.prefix+w.receiver.String())
	opts := fiksio.Options{
		URL: u, Account: w.sender, Receiver: w.receiver, QueuePrefix: w.prefix,
		Receipts: w.receipts, AwaitAnswer: 5 * time.Second, Timeout: 5 * time.Second,
		Reconnect: 100 * time.Millisecond,
		Log:       slog.New(slog.NewTextHandler(w.logs, nil)),
	}
	if edit != nil {
		edit(&opts)
	}
	tr, err := fiksio.New(opts)
	require.NoError(t, err)
	w.tr = tr
	p := opts.Protocol
	if p.Send == "" {
		p = fiksio.FiksArkiv
	}
	w.recv = startReceiver(t, u, w.prefix+w.receiver.String(), w.prefix+w.sender.String(), w.receiver, w.sender, p)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- tr.Listen(ctx) }()
	t.Cleanup(func() {
		cancel()
		assert.ErrorIs(t, <-stopped, context.Canceled)
		assert.NoError(t, tr.Close())
	})
	return w
}

// proxy is a TCP proxy in front of the broker that a test can cut and
// mend: the broker "goes away" for the transport only.
type proxy struct {
	t      testing.TB
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newProxy(t testing.TB, brokerURL string) (*proxy, string) {
	u, err := url.Parse(brokerURL)
	require.NoError(t, err)
	p := &proxy{t: t, target: u.Host}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	u.Host = p.addr
	return p, u.String()
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, b)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(b, c); b.Close() }()
			go func() { _, _ = io.Copy(c, b); c.Close() }()
		}
	}()
}

// cut closes the listener and every connection through it.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// mend listens again on the same address.
func (p *proxy) mend() {
	ln, err := net.Listen("tcp", p.addr)
	require.NoError(p.t, err)
	p.serve(ln)
}

// letterOf decodes the brev.json of a message the receiver got.
func letterOf(t testing.TB, s seen) fiksio.Letter {
	t.Helper()
	f, ok := fiksio.Lookup(s.Files, fiksio.LetterFile)
	require.True(t, ok, "brev.json in the payload")
	var l fiksio.Letter
	require.NoError(t, json.Unmarshal(f.Data, &l))
	return l
}
