package webhook_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/adapters/transporttest"
	"github.com/oppvekst/oppvekst/adapters/webhook"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

// receiver is a webhook endpoint that verifies and records.
type receiver struct {
	srv   *httptest.Server
	mu    sync.Mutex
	got   []transporttest.Received
	fail  int // status for the next request
	stall chan struct{}
	count atomic.Int64
}

func newReceiver(t testing.TB) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		fail, stall := r.fail, r.stall
		r.fail, r.stall = 0, nil
		r.mu.Unlock()
		if stall != nil {
			// Read the body so the server notices when the client hangs up.
			_, _ = io.Copy(io.Discard, req.Body)
			select {
			case <-req.Context().Done():
			case <-stall:
			}
			return
		}
		if fail != 0 {
			w.WriteHeader(fail)
			return
		}
		p, err := webhook.VerifyRequest(req, secret, time.Now(), 5*time.Minute)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		r.count.Add(1)
		if req.Header.Get("Idempotency-Key") != p.Key {
			http.Error(w, "no idempotency key", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.got = append(r.got, transporttest.Received{Key: p.Key, To: p.To, Subject: p.Subject, Body: p.Body})
		r.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(func() {
		r.mu.Lock()
		if r.stall != nil {
			close(r.stall)
			r.stall = nil
		}
		r.mu.Unlock()
		r.srv.Close()
	})
	return r
}

func (r *receiver) received() []transporttest.Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]transporttest.Received(nil), r.got...)
}

func TestTransport(t *testing.T) {
	transporttest.Run(t, func(t *testing.T) transporttest.Target {
		r := newReceiver(t)
		tr, err := webhook.New(webhook.Options{URL: r.srv.URL, Secret: secret})
		require.NoError(t, err)
		return transporttest.Target{
			Transport: tr, To: "app:guardian", Received: r.received,
			Fail: func(f transporttest.Failure) {
				r.mu.Lock()
				defer r.mu.Unlock()
				r.fail = http.StatusServiceUnavailable
				if f == transporttest.Permanent {
					r.fail = http.StatusUnprocessableEntity
				}
			},
			Stall: func() {
				r.mu.Lock()
				defer r.mu.Unlock()
				r.stall = make(chan struct{})
			},
		}
	})
}

func TestVerify(t *testing.T) {
	now := time.Unix(1_741_600_000, 0)
	body := []byte(`{"key":"k"}`)
	stamp := fmt.Sprint(now.Unix())
	sig := webhook.Sign(secret, "k", stamp, body)
	assert.True(t, strings.HasPrefix(sig, "v1="))
	require.NoError(t, webhook.Verify(secret, "k", stamp, sig, body, now.Add(time.Minute), 5*time.Minute))

	for name, err := range map[string]error{
		"tampered body": webhook.Verify(secret, "k", stamp, sig, []byte(`{"key":"x"}`), now, time.Minute),
		"other key":     webhook.Verify(secret, "k2", stamp, sig, body, now, time.Minute),
		"other secret":  webhook.Verify([]byte(strings.Repeat("x", 32)), "k", stamp, sig, body, now, time.Minute),
		"too old":       webhook.Verify(secret, "k", stamp, sig, body, now.Add(10*time.Minute), 5*time.Minute),
		"bad timestamp": webhook.Verify(secret, "k", "yesterday", sig, body, now, time.Minute),
		"empty sig":     webhook.Verify(secret, "k", stamp, "", body, now, time.Minute),
	} {
		assert.ErrorIs(t, err, webhook.ErrSignature, name)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	_, err := webhook.New(webhook.Options{URL: "ftp://x", Secret: secret})
	assert.Error(t, err)
	_, err = webhook.New(webhook.Options{URL: "https://x", Secret: []byte("short")})
	assert.Error(t, err)
}

func TestStatusError(t *testing.T) {
	assert.NoError(t, webhook.StatusError(204))
	for _, c := range []int{408, 425, 429, 500, 503} {
		err := webhook.StatusError(c)
		assert.Error(t, err)
		assert.False(t, messaging.IsPermanent(err), c)
	}
	for _, c := range []int{301, 400, 401, 404, 410, 422} {
		assert.True(t, messaging.IsPermanent(webhook.StatusError(c)), c)
	}
}

// A dispatcher delivering an outbox of a bulletin to a local webhook
// receiver; the issue asks for at least 2,000 deliveries a second.
func BenchmarkDispatchWebhook(b *testing.B) {
	s, err := sqlite.Open(context.Background(), sqlite.Options{Path: b.TempDir() + "/o.db"})
	require.NoError(b, err)
	b.Cleanup(func() { s.Close() })
	b.Run("sqlite", func(b *testing.B) { benchDispatch(b, s) })
}

const benchDeliveries = 10_000

func benchDispatch(b *testing.B, s storetest.MessagingStore) {
	ctx := context.Background()
	r := newReceiver(b)
	tr, err := webhook.New(webhook.Options{URL: r.srv.URL, Secret: secret})
	require.NoError(b, err)
	clock := storetest.NewClock(time.Date(2025, 3, 10, 9, 0, 0, 0, domain.Oslo()))
	m := domain.MustMunicipality("0301")
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		ds := make([]messaging.Delivery, benchDeliveries)
		now := clock.Now()
		for i := range ds {
			ds[i] = messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: m,
				Key: fmt.Sprintf("bench/%d/%d", n, i), Kind: "message.new", Guardian: domain.NewID[domain.Guardian](),
				Medium: messaging.Webhook, To: "app", Language: messaging.Bokmal, Subject: "Ny melding",
				Body: "Du har en ny melding fra barnehagen.", State: messaging.Pending, NextAt: now, CreatedAt: now}
		}
		_, err := s.Enqueue(ctx, ds)
		require.NoError(b, err)
		before := r.count.Load()
		b.StartTimer()
		d := &messaging.Dispatcher{Outbox: s, Transports: []messaging.Transport{tr}, Clock: clock, Batch: 500, Concurrency: 32}
		for {
			k, err := d.RunOnce(ctx)
			require.NoError(b, err)
			if k == 0 {
				break
			}
		}
		b.StopTimer()
		require.Equal(b, int64(benchDeliveries), r.count.Load()-before)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*benchDeliveries)/b.Elapsed().Seconds(), "deliveries/s")
}
