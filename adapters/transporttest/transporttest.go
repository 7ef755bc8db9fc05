// Package transporttest is the conformance suite every messaging.Transport
// passes: the SMTP, SMS, webhook and digital-mailbox adapters, and a
// vendor's own.
//
//	func TestMyTransport(t *testing.T) {
//		transporttest.Run(t, func(t *testing.T) transporttest.Target {
//			recv := startMyReceiver(t)
//			return transporttest.Target{Transport: myTransport(recv.URL), To: "...",
//				Received: recv.Received, Fail: recv.Fail, Stall: recv.Stall}
//		})
//	}
//
// The suite checks that a transport delivers, carries the idempotency key
// (the same key on a repeat), reports a failure as retryable or permanent
// (messaging.IsPermanent), and returns when its ctx is done.
package transporttest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// Failure is how the receiver answers the next send.
type Failure int

// Failures a receiver can be told to give.
const (
	Retryable Failure = iota + 1 // e.g. HTTP 503, SMTP 451
	Permanent                    // e.g. HTTP 400, SMTP 550
)

// Received is what the receiver got for one send.
type Received struct {
	// Key is the idempotency key as the receiver saw it.
	Key string
	// To is the address it was sent to.
	To string
	// Subject and Body as the receiver decoded them; empty when the
	// target is Opaque.
	Subject, Body string
}

// Target is a transport wired to a receiver the test can look into.
type Target struct {
	Transport messaging.Transport
	// To is an address the receiver accepts.
	To string
	// Received lists what the receiver has got, in order, repeats
	// included.
	Received func() []Received
	// Fail makes the receiver fail the next send; nil when the transport
	// cannot fail (a log).
	Fail func(Failure)
	// Stall makes the receiver hang on the next send until the sender
	// gives up; nil when the transport never waits on a receiver.
	Stall func()
	// Opaque: the receiver sees keys and addresses, not the text.
	Opaque bool
}

func delivery(to, key string) messaging.Delivery {
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, domain.Oslo())
	return messaging.Delivery{
		ID: domain.NewID[messaging.Delivery](), Municipality: domain.MustMunicipality("0301"), Key: key,
		Kind: "message.new", Guardian: domain.NewID[domain.Guardian](), To: to, Language: messaging.Bokmal,
		Subject: "Ny melding: Tur til skogen — æøå",
		Body:    "Hei!\nVi går på tur fredag. Husk <b>matpakke</b>.\n.\n..en linje med punktum\nHilsen Solsikken",
		State:   messaging.Pending, Attempts: 1, NextAt: now, CreatedAt: now,
	}
}

// Run runs the suite; newTarget must return a fresh target for each test.
func Run(t *testing.T, newTarget func(t *testing.T) Target) {
	t.Run("Delivers", func(t *testing.T) {
		tg := newTarget(t)
		ctx := context.Background()
		var sent []messaging.Delivery
		for i := range 3 {
			d := delivery(tg.To, fmt.Sprintf("message.new/%d/%s", i, domain.NewID[domain.Guardian]()))
			d.Medium = tg.Transport.Medium()
			require.NoError(t, tg.Transport.Send(ctx, d))
			sent = append(sent, d)
		}
		got := tg.Received()
		require.Len(t, got, 3)
		for i, r := range got {
			assert.Equal(t, sent[i].Key, r.Key)
			assert.Equal(t, sent[i].To, r.To)
			if !tg.Opaque {
				assert.Equal(t, sent[i].Subject, r.Subject)
				assert.Equal(t, sent[i].Body, r.Body, "the text arrives as written: HTML is text, lines with dots survive")
			}
		}
	})
	t.Run("RepeatCarriesSameKey", func(t *testing.T) {
		tg := newTarget(t)
		d := delivery(tg.To, "offer.sent/42/g")
		d.Medium = tg.Transport.Medium()
		require.NoError(t, tg.Transport.Send(context.Background(), d))
		require.NoError(t, tg.Transport.Send(context.Background(), d))
		got := tg.Received()
		require.Len(t, got, 2)
		assert.Equal(t, "offer.sent/42/g", got[0].Key)
		assert.Equal(t, got[0].Key, got[1].Key)
	})
	t.Run("CancelledContext", func(t *testing.T) {
		tg := newTarget(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		d := delivery(tg.To, "k/cancelled")
		d.Medium = tg.Transport.Medium()
		err := tg.Transport.Send(ctx, d)
		require.Error(t, err)
		assert.False(t, messaging.IsPermanent(err), "a cancelled send may be retried")
		assert.Empty(t, tg.Received(), "nothing sent")
	})
	if tg := newTarget(t); tg.Fail != nil {
		t.Run("Failures", func(t *testing.T) {
			d := delivery(tg.To, "k/fail")
			d.Medium = tg.Transport.Medium()
			tg.Fail(Retryable)
			err := tg.Transport.Send(context.Background(), d)
			require.Error(t, err)
			assert.False(t, messaging.IsPermanent(err), "retryable: %v", err)
			tg.Fail(Permanent)
			err = tg.Transport.Send(context.Background(), d)
			require.Error(t, err)
			assert.True(t, messaging.IsPermanent(err), "permanent: %v", err)
			require.NoError(t, tg.Transport.Send(context.Background(), d), "the receiver is well again")
			got := tg.Received()
			require.NotEmpty(t, got)
			assert.Equal(t, "k/fail", got[len(got)-1].Key)
		})
	}
	if tg := newTarget(t); tg.Stall != nil {
		t.Run("RespectsDeadline", func(t *testing.T) {
			tg.Stall()
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			d := delivery(tg.To, "k/stall")
			d.Medium = tg.Transport.Medium()
			start := time.Now()
			err := tg.Transport.Send(ctx, d)
			require.Error(t, err)
			assert.Less(t, time.Since(start), 5*time.Second, "returned soon after the deadline")
			assert.False(t, messaging.IsPermanent(err))
			assert.True(t, errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil, "%v", err)
		})
	}
}
