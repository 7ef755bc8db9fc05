package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rickb777/date/v2"

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
//   - PostBulletin50k: the whole use case — Service.Post of a bulletin to a
//     unit of 25,000 placed children with two guardians each: placements,
//     families and contact preferences read, 50,000 recipients resolved,
//     the thread with 50,000 participants and 50,000 deliveries written, in
//     one transaction (target: under 3 s);
//   - ClaimSettle: one dispatcher round of 200 deliveries claimed and
//     settled, from an outbox of 10,000.
func RunMessagingBenchmarks(b *testing.B, newStore func(b *testing.B) MessagingStore) {
	b.Run("EnqueueBulletin50k", func(b *testing.B) { benchEnqueue(b, newStore(b)) })
	b.Run("PostBulletin50k", func(b *testing.B) { benchPost(b, newStore(b)) })
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

func benchPost(b *testing.B, s MessagingStore) {
	ctx := context.Background()
	f := &fixture{m: Oslo}
	u := f.unit(domain.Kindergarten)
	start := date.New(2024, time.August, 1)
	must(b, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateUnit(ctx, u); err != nil {
			return err
		}
		for i := range benchBulletin / 2 {
			c := benchChild(f, i)
			if err := s.CreateChild(ctx, c); err != nil {
				return err
			}
			for j := range 2 {
				g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: Oslo, GivenName: "Forelder",
					FamilyName: fmt.Sprint(i, "-", j), Email: fmt.Sprintf("f%d-%d@example.no", i, j)}
				if err := s.CreateGuardian(ctx, g); err != nil {
					return err
				}
				if err := s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: g.ID,
					ParentalResponsibility: true}); err != nil {
					return err
				}
			}
			if err := s.CreatePlacement(ctx, f.placement(c, u, start, date.Zero)); err != nil {
				return err
			}
		}
		return nil
	}))
	svc := &messaging.Service{Store: s, Clock: NewClock(msgNow)}
	staff := domain.StaffActor(Oslo, "styrer", u.ID)
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		_, err := svc.Post(ctx, staff, messaging.Draft{Municipality: Oslo, About: messaging.About{Scope: messaging.ScopeUnit, Unit: u.ID},
			Subject: "Planleggingsdag", Body: "Barnehagen er stengt fredag.", Bulletin: true})
		must(b, err)
	}
	b.StopTimer()
	ds, err := s.Deliveries(ctx, Oslo)
	must(b, err)
	if len(ds) != b.N*benchBulletin {
		b.Fatalf("%d deliveries, want %d", len(ds), b.N*benchBulletin)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9, "s/bulletin")
}
