package fiksio_test

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/fiksio"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/adapters/transporttest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// letters is a protocol for letters to a digital-post system over Fiks
// IO, shaped like Fiks Arkiv's (no such protocol is published; see the
// package doc).
var letters = fiksio.Protocol{
	Send: "no.oppvekst.test.brev", Received: "no.oppvekst.test.brev.mottatt",
	Delivered: "no.oppvekst.test.brev.kvittering", ErrorPrefix: "no.oppvekst.test.feilmelding.",
	Retryable: []string{"serverfeil"},
}

// The transport passes the conformance suite of every messaging.Transport,
// against the real broker and a receiver that answers as Fiks Arkiv's
// documentation describes.
func TestTransportConformance(t *testing.T) {
	transporttest.Run(t, func(t *testing.T) transporttest.Target {
		w := newWorld(t, func(o *fiksio.Options) {
			o.Protocol = letters
			o.AwaitAnswer = 3 * time.Second
		})
		w.receipts.open = true
		return transporttest.Target{
			Transport: w.tr,
			To:        "01017012345",
			Received: func() []transporttest.Received {
				// A Send returns on the receiver's first answer to its
				// message ID; a resend of the same message can be answered
				// by the first one's late kvittering before the receiver
				// has read the resend. Read what arrived once it is quiet.
				var out []transporttest.Received
				for _, s := range w.recv.settled() {
					l := letterOf(t, s)
					out = append(out, transporttest.Received{Key: l.Key, To: l.To, Subject: l.Subject, Body: l.Body})
				}
				return out
			},
			Fail: func(f transporttest.Failure) {
				if f == transporttest.Retryable {
					w.recv.then(failServer)
				} else {
					w.recv.then(failInvalid)
				}
			},
			Stall: func() { w.recv.then(stall) },
		}
	})
}

// archive publishes a decision letter's archive message and returns its ID
// after telling the store about it.
func archive(t *testing.T, w *world) (uuid.UUID, fiksio.Message) {
	t.Helper()
	doc := decision()
	m, err := fiksio.ArchiveMessage(doc, render(t, doc), archiveMeta())
	require.NoError(t, err)
	w.receipts.expect(w.tr.MessageID(m.Key))
	return w.tr.MessageID(m.Key), m
}

func TestDecisionArchivedAndDeliveredOnce(t *testing.T) {
	w := newWorld(t, func(o *fiksio.Options) {
		o.SenderName = "Eksempel kommune Oppvekst"
		o.TTL = 48 * time.Hour
	})
	want, m := archive(t, w)
	id, err := w.tr.Publish(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, want, id)

	require.Eventually(t, func() bool { return w.receipts.of(id).status == "delivered" }, 5*time.Second, 10*time.Millisecond)
	got := w.recv.seen()
	require.Len(t, got, 1)
	s := got[0]
	assert.Equal(t, id.String(), s.ID, "the AMQP message-id is the message's ID")
	assert.Equal(t, id.String(), s.Headers[fiksio.HeaderMessageID])
	assert.Equal(t, id.String(), s.Headers[fiksio.HeaderClientMessageID])
	assert.Equal(t, w.sender.String(), s.Headers[fiksio.HeaderSenderAccount])
	assert.Equal(t, fiksio.TypeArchiveCreate, s.Headers[fiksio.HeaderType])
	assert.Equal(t, "Eksempel kommune Oppvekst", s.Headers[fiksio.HeaderSenderName])
	assert.Nil(t, s.Headers[fiksio.HeaderReplyTo], "a new message answers nothing")
	assert.Equal(t, "application/zip", s.ContentType)
	assert.Equal(t, "172800000", s.Expiration, "the time to live in milliseconds")
	assert.True(t, s.Persistent)
	require.Len(t, s.Files, 2)
	am, err := fiksio.ParseArkivmelding(s.Files[0].Data)
	require.NoError(t, err)
	assert.Equal(t, "Vedtak om barnehageplass", am.Record.Title)
	assert.Equal(t, "U", am.Record.Type.Code)
	assert.Equal(t, am.Record.Documents[0].Objects[0].File, s.Files[1].Name)
	assert.Equal(t, m.Files[1].Data, s.Files[1].Data, "the PDF arrives byte for byte")

	r := w.receipts.of(id)
	assert.Equal(t, 1, r.receivedCalls)
	assert.Equal(t, 1, r.deliveredCalls)
	assert.Equal(t, 1, r.deliveredTransitions)
	assert.Equal(t, 1, w.recv.archivedCount(id))
	assert.Equal(t, 1, w.receipts.delivered())
}

func TestReceiverAnswersTwice(t *testing.T) {
	w := newWorld(t, nil)
	id, m := archive(t, w)
	w.recv.then(answerTwice)
	_, err := w.tr.Publish(context.Background(), m)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return w.receipts.of(id).deliveredCalls == 2 }, 5*time.Second, 10*time.Millisecond,
		"both kvitteringer reach the store")
	r := w.receipts.of(id)
	assert.Equal(t, "delivered", r.status)
	assert.Equal(t, 1, r.deliveredTransitions, "delivered once")
	assert.Equal(t, 2, r.receivedCalls)
	assert.Equal(t, 1, w.receipts.delivered())
	assert.Equal(t, 1, w.recv.archivedCount(id))
	msgs, consumers := queueDepth(t, w.url, w.tr.Queue(w.sender))
	assert.Equal(t, 0, msgs, "every answer acknowledged")
	assert.Equal(t, 1, consumers)
}

func TestReceiverRequeuesFirst(t *testing.T) {
	w := newWorld(t, nil)
	id, m := archive(t, w)
	w.recv.then(nackRequeue)
	_, err := w.tr.Publish(context.Background(), m)
	require.NoError(t, err, "the broker delivers it again and the receiver answers")
	require.Eventually(t, func() bool { return w.receipts.of(id).status == "delivered" }, 5*time.Second, 10*time.Millisecond)
	got := w.recv.seen()
	require.Len(t, got, 2)
	assert.False(t, got[0].Redelivered)
	assert.True(t, got[1].Redelivered)
	assert.Equal(t, got[0].ID, got[1].ID)
	assert.Equal(t, 1, w.receipts.of(id).deliveredTransitions)
	assert.Equal(t, 1, w.recv.archivedCount(id))
}

func TestReceiverDropsConnectionFirst(t *testing.T) {
	w := newWorld(t, nil)
	id, m := archive(t, w)
	w.recv.then(dropConnection)
	_, err := w.tr.Publish(context.Background(), m)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return w.receipts.of(id).status == "delivered" }, 5*time.Second, 10*time.Millisecond)
	got := w.recv.seen()
	require.Len(t, got, 2, "the unacknowledged message came again on the receiver's new connection")
	assert.True(t, got[1].Redelivered)
	assert.Equal(t, 1, w.receipts.of(id).deliveredTransitions)
	assert.Equal(t, 1, w.recv.archivedCount(id))
}

// A receiver that takes the message and never answers: the send fails as
// retryable, the retry is the same message, and it is delivered once.
func TestNoAnswerThenRetry(t *testing.T) {
	w := newWorld(t, func(o *fiksio.Options) { o.AwaitAnswer = 300 * time.Millisecond })
	id, m := archive(t, w)
	w.recv.then(ignore)
	_, err := w.tr.Publish(context.Background(), m)
	require.ErrorIs(t, err, fiksio.ErrNoAnswer)
	assert.False(t, messaging.IsPermanent(err))
	assert.Equal(t, "", w.receipts.of(id).status)

	_, err = w.tr.Publish(context.Background(), m) // what the dispatcher does after its backoff
	require.NoError(t, err)
	require.Eventually(t, func() bool { return w.receipts.of(id).status == "delivered" }, 5*time.Second, 10*time.Millisecond)
	got := w.recv.seen()
	require.Len(t, got, 2)
	assert.Equal(t, got[0].ID, got[1].ID, "the retry is the same message")
	assert.Equal(t, 1, w.recv.archivedCount(id))
	assert.Equal(t, 1, w.receipts.of(id).deliveredTransitions)
}

// The same through the messaging dispatcher and the SQLite outbox: a
// letter to the digital mailbox that the receiver takes and leaves
// unanswered twice is retried after the backoff, with the same message ID,
// until it is answered; it is then sent, and delivered once.
func TestDispatcherRetriesUnansweredLetter(t *testing.T) {
	w := newWorld(t, func(o *fiksio.Options) {
		o.Protocol = letters
		o.AwaitAnswer = 300 * time.Millisecond
	})
	w.receipts.open = true
	w.recv.then(ignore, ignore)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	m := domain.MustMunicipality("0301")
	now := time.Now()
	_, err = store.Enqueue(ctx, []messaging.Delivery{{ID: domain.NewID[messaging.Delivery](), Municipality: m,
		Key: "decision.sent/42/g", Kind: "decision.sent", Guardian: domain.NewID[domain.Guardian](),
		Medium: messaging.DigitalMailbox, To: "01017012345", Language: messaging.Bokmal,
		Subject: "Vedtak om barnehageplass", Body: "Du har fått plass.", State: messaging.Pending, NextAt: now, CreatedAt: now}})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		done <- (&messaging.Dispatcher{Outbox: store, Transports: []messaging.Transport{w.tr},
			Backoff: messaging.Backoff{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond, Factor: 2, Limit: 8},
		}).Run(ctx, 10*time.Millisecond)
	}()
	var ds []messaging.Delivery
	require.Eventually(t, func() bool {
		ds, err = store.Deliveries(context.Background(), m)
		return err == nil && len(ds) == 1 && ds[0].State == messaging.Sent
	}, 10*time.Second, 10*time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	assert.Equal(t, 3, ds[0].Attempts, "two unanswered, the third answered")

	id := w.tr.MessageID("0301/decision.sent/42/g")
	require.Eventually(t, func() bool { return w.receipts.of(id).status == "delivered" }, 5*time.Second, 10*time.Millisecond)
	got := w.recv.seen()
	require.Len(t, got, 3)
	for _, s := range got {
		assert.Equal(t, id.String(), s.ID, "every attempt is the same message")
		l := letterOf(t, s)
		assert.Equal(t, "decision.sent/42/g", l.Key)
		assert.Equal(t, "Du har fått plass.", l.Body)
	}
	assert.Equal(t, 1, w.recv.archivedCount(id))
	assert.Equal(t, 1, w.receipts.of(id).deliveredTransitions)
}

func TestFeilmelding(t *testing.T) {
	t.Run("InvalidIsPermanent", func(t *testing.T) {
		w := newWorld(t, nil)
		id, m := archive(t, w)
		w.recv.then(failInvalid)
		_, err := w.tr.Publish(context.Background(), m)
		require.Error(t, err)
		assert.True(t, messaging.IsPermanent(err))
		var ae *fiksio.AnswerError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "ugyldigforespoersel", ae.Code)
		r := w.receipts.of(id)
		assert.Equal(t, "failed", r.status)
		assert.Equal(t, "ugyldigforespoersel", r.code)
		assert.Equal(t, 0, w.recv.archivedCount(id))
	})
	t.Run("AfterMottatt", func(t *testing.T) {
		w := newWorld(t, nil)
		id, m := archive(t, w)
		w.recv.then(receivedThenInvalid)
		_, err := w.tr.Publish(context.Background(), m)
		require.NoError(t, err, "mottatt answers the send; the failure comes after")
		require.Eventually(t, func() bool { return w.receipts.of(id).status == "failed" }, 5*time.Second, 10*time.Millisecond)
		assert.Equal(t, "ugyldigforespoersel", w.receipts.of(id).code)
	})
	t.Run("ServerErrorRetriedThenDelivered", func(t *testing.T) {
		w := newWorld(t, nil)
		id, m := archive(t, w)
		w.recv.then(failServer)
		_, err := w.tr.Publish(context.Background(), m)
		require.Error(t, err)
		assert.False(t, messaging.IsPermanent(err), "the archive's serverfeil may mend")
		assert.Equal(t, "serverfeil", w.receipts.of(id).code)
		_, err = w.tr.Publish(context.Background(), m)
		require.NoError(t, err)
		require.Eventually(t, func() bool { return w.receipts.of(id).status == "delivered" }, 5*time.Second, 10*time.Millisecond)
		assert.Equal(t, "", w.receipts.of(id).code, "the kvittering wins over the earlier failure")
		assert.Equal(t, 1, w.recv.archivedCount(id))
	})
}

func TestBrokerGoneIsRetryable(t *testing.T) {
	u := brokerURL(t)
	p, via := newProxy(t, u)
	w := newWorld(t, func(o *fiksio.Options) {
		o.URL = via
		o.Timeout = 2 * time.Second
	})
	id, m := archive(t, w)
	_, err := w.tr.Publish(context.Background(), m)
	require.NoError(t, err)

	p.cut()
	_, err = w.tr.Publish(context.Background(), m)
	require.Error(t, err, "the connection is gone")
	assert.False(t, messaging.IsPermanent(err), "a lost broker is retried: %v", err)
	_, err = w.tr.Publish(context.Background(), m)
	require.Error(t, err, "and cannot be reached")
	assert.False(t, messaging.IsPermanent(err), "%v", err)

	p.mend()
	require.Eventually(t, func() bool {
		_, err := w.tr.Publish(context.Background(), m)
		return err == nil
	}, 10*time.Second, 100*time.Millisecond, "the transport connects again")
	require.Eventually(t, func() bool { return w.receipts.of(id).status == "delivered" }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, 1, w.receipts.of(id).deliveredTransitions)
	assert.Equal(t, 1, w.recv.archivedCount(id))
	assert.Contains(t, w.logs.String(), "answer queue lost", "the listener saw the cut and connected again")
}

func TestUnroutableIsPermanent(t *testing.T) {
	w := newWorld(t, nil)
	nobody, err := fiksio.New(fiksio.Options{URL: w.url, Account: w.sender, Receiver: uuid.New(), QueuePrefix: w.prefix})
	require.NoError(t, err)
	defer nobody.Close()
	_, m := archive(t, w)
	_, err = nobody.Publish(context.Background(), m)
	require.ErrorIs(t, err, fiksio.ErrNoQueue)
	assert.True(t, messaging.IsPermanent(err))
	_, err = w.tr.Publish(context.Background(), m)
	require.NoError(t, err, "the session is still good for routable messages")
}

func TestCancelledPublishSendsNothing(t *testing.T) {
	w := newWorld(t, nil)
	_, m := archive(t, w)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := w.tr.Publish(ctx, m)
	require.ErrorIs(t, err, context.Canceled)
	time.Sleep(100 * time.Millisecond)
	assert.Empty(t, w.recv.seen())
}

// Answers the listener cannot place are acknowledged and logged with their
// type and IDs only; the listener goes on.
func TestUnknownAnswersAreAcknowledged(t *testing.T) {
	w := newWorld(t, nil)
	conn, err := amqp.Dial(w.url)
	require.NoError(t, err)
	defer conn.Close()
	ch, err := conn.Channel()
	require.NoError(t, err)
	stranger := uuid.New()
	for _, h := range []amqp.Table{
		{fiksio.HeaderType: "no.ks.fiks.arkiv.v1.innsyn.sok.resultat.utvidet", fiksio.HeaderReplyTo: stranger.String()},
		{fiksio.HeaderType: fiksio.TypeArchiveCreateReceipt, fiksio.HeaderReplyTo: stranger.String()},
		{fiksio.HeaderType: fiksio.TypeArchiveCreateReceipt},
		{fiksio.HeaderType: fiksio.TypeArchiveCreateReceipt, fiksio.HeaderReplyTo: "not-a-uuid"},
	} {
		require.NoError(t, ch.Publish("", w.tr.Queue(w.sender), false, false, amqp.Publishing{Headers: h, Body: []byte("Åse Ørnsæter 01017012345")}))
	}
	require.Eventually(t, func() bool {
		n, _ := queueDepth(t, w.url, w.tr.Queue(w.sender))
		return n == 0 && strings.Count(w.logs.String(), "answer dropped") == 4
	}, 5*time.Second, 10*time.Millisecond)
	logs := w.logs.String()
	for _, why := range []string{"unknown-type", "unknown-message", "no-svar-til"} {
		assert.Contains(t, logs, why)
	}
	assert.NotContains(t, logs, "Ørnsæter")
	assert.NotContains(t, logs, "01017012345")
	assert.Zero(t, w.receipts.delivered())

	// The listener goes on: a real letter is still delivered.
	id, m := archive(t, w)
	_, err = w.tr.Publish(context.Background(), m)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return w.receipts.of(id).status == "delivered" }, 5*time.Second, 10*time.Millisecond)
}

func TestNewRefusesBadOptions(t *testing.T) {
	a, b := uuid.New(), uuid.New()
	for name, o := range map[string]fiksio.Options{
		"no URL":        {Account: a, Receiver: b},
		"bad URL":       {URL: "http://x", Account: a, Receiver: b},
		"no account":    {URL: "amqp://localhost/", Receiver: b},
		"await, no log": {URL: "amqp://localhost/", Account: a, Receiver: b, AwaitAnswer: time.Second},
		"half protocol": {URL: "amqp://localhost/", Account: a, Receiver: b, Protocol: fiksio.Protocol{Send: "x"}},
	} {
		_, err := fiksio.New(o)
		assert.Error(t, err, name)
	}
	tr, err := fiksio.New(fiksio.Options{URL: "amqp://localhost/", Account: a, Receiver: b})
	require.NoError(t, err)
	assert.Equal(t, messaging.DigitalMailbox, tr.Medium())
	err = tr.Listen(context.Background())
	assert.Error(t, err, "Listen needs a receipt store")
	big := make([]byte, fiksio.MaxPayload+1)
	_, _ = rand.Read(big) // does not compress
	_, err = tr.Publish(context.Background(), fiksio.Message{Key: "k", Type: "t", Files: []fiksio.File{{Name: "a", Data: big}}})
	assert.True(t, messaging.IsPermanent(err), "an oversized payload is permanent, before any connection: %v", err)
}
