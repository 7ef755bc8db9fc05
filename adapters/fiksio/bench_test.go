package fiksio_test

import (
	"context"
	"encoding/json"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/fiksio"
	"github.com/oppvekst/oppvekst/messaging"
)

// benchLetter is a decision notice as the digital mailbox gets it.
func benchLetter() messaging.Delivery {
	return messaging.Delivery{Municipality: "0301", Key: "decision.sent/42/g", Kind: "decision.sent",
		Medium: messaging.DigitalMailbox, To: "01017012345", Language: messaging.Bokmal,
		Subject: "Vedtak om barnehageplass",
		Body:    "Hei!\nNora har fått plass i Solsikken barnehage fra 1. august 2027. Svar på tilbudet innen 1. juni.\nHilsen Eksempel kommune"}
}

// benchTransport is a transport to a fresh receiving queue that keeps at
// most 10,000 messages (the oldest are dropped), so a long run does not
// fill the broker's memory.
func benchTransport(b *testing.B) (*fiksio.Transport, string, string) {
	u := brokerURL(b)
	prefix, sender, receiver := randomName(), uuid.New(), uuid.New()
	declareQueues(b, u, amqp.Table{"x-max-length": int32(10000), "x-overflow": "drop-head"}, prefix+receiver.String())
	tr, err := fiksio.New(fiksio.Options{URL: u, Account: sender, Receiver: receiver, QueuePrefix: prefix, Protocol: letters})
	require.NoError(b, err)
	b.Cleanup(func() { tr.Close() })
	return tr, u, prefix + receiver.String()
}

// BenchmarkPublish sends letters one after the other through the
// transport (brev.json sealed in a zip, the Fiks IO headers, a persistent
// publish and the broker's confirmation), as one dispatcher worker does.
func BenchmarkPublish(b *testing.B) {
	tr, _, _ := benchTransport(b)
	d := benchLetter()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Key = "decision.sent/" + strconv.Itoa(i)
		if err := tr.Send(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

// BenchmarkPublishParallel is BenchmarkPublish with 16 senders at once,
// the dispatcher's default concurrency, on the transport's one channel.
func BenchmarkPublishParallel(b *testing.B) {
	tr, _, _ := benchTransport(b)
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		d := benchLetter()
		for pb.Next() {
			d.Key = "decision.sent/" + strconv.FormatInt(n.Add(1), 10)
			if err := tr.Send(ctx, d); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

// bareBytes is what Send publishes for benchLetter, sealed once.
func bareBytes(b *testing.B) []byte {
	d := benchLetter()
	data, err := json.Marshal(fiksio.Letter{Key: d.Key, Municipality: d.Municipality, Kind: d.Kind, To: d.To,
		Language: d.Language, Subject: d.Subject, Body: d.Body})
	require.NoError(b, err)
	payload, err := fiksio.Zip{}.Seal([]fiksio.File{{Name: fiksio.LetterFile, Data: data}})
	require.NoError(b, err)
	return payload
}

// BenchmarkBareAMQP is the baseline: the same bytes and headers published
// with amqp091 directly, persistent, waiting for each confirmation — what
// the broker costs without the transport.
func BenchmarkBareAMQP(b *testing.B) {
	_, u, queue := benchTransport(b)
	body := bareBytes(b)
	conn, err := amqp.Dial(u)
	require.NoError(b, err)
	defer conn.Close()
	ch, err := conn.Channel()
	require.NoError(b, err)
	require.NoError(b, ch.Confirm(false))
	id := uuid.NewString()
	pub := amqp.Publishing{Headers: amqp.Table{fiksio.HeaderSenderAccount: id, fiksio.HeaderMessageID: id,
		fiksio.HeaderClientMessageID: id, fiksio.HeaderType: letters.Send},
		ContentType: "application/zip", DeliveryMode: amqp.Persistent, MessageId: id, Type: letters.Send, Body: body}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", queue, true, false, pub)
		if err != nil {
			b.Fatal(err)
		}
		if ok, err := dc.WaitContext(ctx); !ok || err != nil {
			b.Fatal("not confirmed", err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

// BenchmarkBareAMQPParallel is the baseline with 16 publishers at once on
// one channel.
func BenchmarkBareAMQPParallel(b *testing.B) {
	_, u, queue := benchTransport(b)
	body := bareBytes(b)
	conn, err := amqp.Dial(u)
	require.NoError(b, err)
	defer conn.Close()
	ch, err := conn.Channel()
	require.NoError(b, err)
	require.NoError(b, ch.Confirm(false))
	ctx := context.Background()
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		id := uuid.NewString()
		pub := amqp.Publishing{Headers: amqp.Table{fiksio.HeaderSenderAccount: id, fiksio.HeaderMessageID: id,
			fiksio.HeaderClientMessageID: id, fiksio.HeaderType: letters.Send},
			ContentType: "application/zip", DeliveryMode: amqp.Persistent, MessageId: id, Type: letters.Send, Body: body}
		for pb.Next() {
			dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", queue, true, false, pub)
			if err != nil {
				b.Error(err)
				return
			}
			if ok, err := dc.WaitContext(ctx); !ok || err != nil {
				b.Error("not confirmed", err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}
