package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// benchBulletin is the number of guardians a municipality-wide bulletin
// reaches in the benchmark.
const benchBulletin = 50_000

// RunMessagingBenchmarks measures the messaging port at municipal scale:
//
//   - EnqueueBulletin50k: the outbox rows of one bulletin to 50,000
//     guardians written in one Atomic transaction (target: under 3 s);
//   - ClaimSettle: one dispatcher round of 200 deliveries claimed and
//     settled, from an outbox of 10,000.
func RunMessagingBenchmarks(b *testing.B, newStore func(b *testing.B) MessagingStore) {
	b.Run("EnqueueBulletin50k", func(b *testing.B) { benchEnqueue(b, newStore(b)) })
	b.Run("ClaimSettle200", func(b *testing.B) { benchClaim(b, newStore(b)) })
}

func bulletinDeliveries(m domain.Municipality, round, n int, now time.Time) []messaging.Delivery {
	msg := domain.NewID[messaging.Message]()
	ds := make([]messaging.Delivery, n)
	for i := range ds {
		g := domain.NewID[domain.Guardian]()
		ds[i] = messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: m,
			Key: "message.new/" + msg.String() + "/" + g.String(), Kind: "message.new", Guardian: g,
			Medium: messaging.Email, To: fmt.Sprintf("forelder%d@example.no", i), Language: messaging.Bokmal,
			Subject: "Ny melding: Planleggingsdag", Body: "Du har en ny melding fra Oppvekstetaten: «Planleggingsdag». Logg inn for å lese den.",
			State: messaging.Pending, NextAt: now, CreatedAt: now}
	}
	return ds
}

func benchEnqueue(b *testing.B, s MessagingStore) {
	ctx := context.Background()
	b.ReportAllocs()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		ds := bulletinDeliveries(Oslo, n, benchBulletin, msgNow)
		b.StartTimer()
		must(b, s.Atomic(ctx, func(ctx context.Context) error {
			written, err := s.Enqueue(ctx, ds)
			if err == nil && written != len(ds) {
				err = fmt.Errorf("wrote %d of %d", written, len(ds))
			}
			return err
		}))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9, "s/bulletin")
}

func benchClaim(b *testing.B, s MessagingStore) {
	ctx := context.Background()
	_, err := s.Enqueue(ctx, bulletinDeliveries(Oslo, 0, 10_000, msgNow))
	must(b, err)
	clock := NewClock(msgNow)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		now := clock.Now()
		ds, err := s.Claim(ctx, now, now.Add(time.Minute), 200)
		must(b, err)
		if len(ds) == 0 {
			b.StopTimer()
			_, err := s.Enqueue(ctx, bulletinDeliveries(Oslo, n, 10_000, now))
			must(b, err)
			b.StartTimer()
			continue
		}
		out := make([]messaging.Outcome, len(ds))
		for i, d := range ds {
			out[i] = messaging.Outcome{Delivery: d.ID, Municipality: d.Municipality, State: messaging.Sent, At: now}
		}
		must(b, s.Settle(ctx, out))
	}
}
