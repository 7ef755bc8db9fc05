package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/adapters/webhook"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/internal/benchratio"
	"github.com/oppvekst/oppvekst/messaging"
)

// BenchmarkDispatchWebhookVsBaseline compares the dispatcher delivering an
// outbox of 10,000 deliveries (SQLite store; Drain: claim, send, settle,
// the bookkeeping of one batch beside the sends of the next) to a
// loopback webhook receiver with bare POSTs of the same signed requests
// from as many goroutines as the dispatcher sends at once (issue 22).
func BenchmarkDispatchWebhookVsBaseline(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Options{Path: b.TempDir() + "/o.db"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	r := newReceiver(b)
	tr, err := webhook.New(webhook.Options{URL: r.srv.URL, Secret: secret})
	if err != nil {
		b.Fatal(err)
	}
	const concurrency = 32
	clock := storetest.NewClock(time.Date(2025, 3, 10, 9, 0, 0, 0, domain.Oslo()))
	m := domain.MustMunicipality("0301")
	n := benchratio.Scale(benchDeliveries, 50)
	round := 0
	deliveries := func() []messaging.Delivery {
		round++
		ds := make([]messaging.Delivery, n)
		now := clock.Now()
		for i := range ds {
			ds[i] = messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: m,
				Key: fmt.Sprintf("ratio/%d/%d", round, i), Kind: "message.new", Guardian: domain.NewID[domain.Guardian](),
				Medium: messaging.Webhook, To: "app", Language: messaging.Bokmal, Subject: "Ny melding",
				Body: "Du har en ny melding fra barnehagen.", State: messaging.Pending, NextAt: now, CreatedAt: now}
		}
		return ds
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: func() *http.Transport {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		return t
	}()}
	post := func(d messaging.Delivery) error {
		body, err := json.Marshal(webhook.Payload{Key: d.Key, Municipality: d.Municipality, Kind: d.Kind, Guardian: d.Guardian,
			To: d.To, Language: d.Language, Subject: d.Subject, Body: d.Body})
		if err != nil {
			return err
		}
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.srv.URL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", d.Key)
		req.Header.Set(webhook.HeaderDelivery, d.Key)
		req.Header.Set(webhook.HeaderTimestamp, stamp)
		req.Header.Set(webhook.HeaderSignature, webhook.Sign(secret, d.Key, stamp, body))
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return fmt.Errorf("receiver answered %d", resp.StatusCode)
		}
		return nil
	}
	check := func(b *testing.B, before int64) {
		if got := r.count.Load() - before; got != int64(n) {
			b.Fatalf("the receiver got %d of %d", got, n)
		}
	}
	benchratio.Compare(b, func(b *testing.B, w *benchratio.Watch) {
		w.Stop()
		if _, err := s.Enqueue(ctx, deliveries()); err != nil {
			b.Fatal(err)
		}
		before := r.count.Load()
		w.Start()
		d := &messaging.Dispatcher{Outbox: s, Transports: []messaging.Transport{tr}, Clock: clock, Batch: 500, Concurrency: concurrency}
		if _, err := d.Drain(ctx); err != nil {
			b.Fatal(err)
		}
		w.Stop()
		check(b, before)
	}, func(b *testing.B, w *benchratio.Watch) {
		w.Stop()
		ds := deliveries()
		before := r.count.Load()
		ch := make(chan messaging.Delivery, len(ds))
		for _, d := range ds {
			ch <- d
		}
		close(ch)
		w.Start()
		var wg sync.WaitGroup
		errs := make(chan error, concurrency)
		for range concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for d := range ch {
					if err := post(d); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		w.Stop()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		check(b, before)
	})
	b.ReportMetric(float64(n), "deliveries")
}
