package sms_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sms"
	"github.com/oppvekst/oppvekst/adapters/transporttest"
	"github.com/oppvekst/oppvekst/messaging"
)

// gateway implements the documented contract, including dropping a
// repeated reference.
type gateway struct {
	srv   *httptest.Server
	mu    sync.Mutex
	got   []transporttest.Received
	sent  map[string]bool
	fail  int
	stall chan struct{}
	prio  []string
}

func newGateway(t *testing.T) *gateway {
	g := &gateway{sent: map[string]bool{}}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		fail, stall := g.fail, g.stall
		g.fail, g.stall = 0, nil
		g.mu.Unlock()
		if stall != nil {
			select {
			case <-r.Context().Done():
			case <-stall:
			}
			return
		}
		if fail != 0 {
			http.Error(w, "failing as told", fail)
			return
		}
		if r.Header.Get("Authorization") != "Bearer hemmelig" {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		var req sms.Request
		if err := json.Unmarshal(body, &req); err != nil || !strings.HasPrefix(req.To, "+") || req.Reference == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if r.Header.Get("Idempotency-Key") != req.Reference {
			http.Error(w, "idempotency key differs from reference", http.StatusBadRequest)
			return
		}
		subject, text, _ := strings.Cut(req.Text, "\n")
		g.mu.Lock()
		g.got = append(g.got, transporttest.Received{Key: req.Reference, To: req.To, Subject: subject, Body: text})
		g.prio = append(g.prio, req.Priority)
		g.sent[req.Reference] = true
		g.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(func() {
		g.mu.Lock()
		if g.stall != nil {
			close(g.stall)
		}
		g.mu.Unlock()
		g.srv.Close()
	})
	return g
}

func (g *gateway) received() []transporttest.Received {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]transporttest.Received(nil), g.got...)
}

func TestTransport(t *testing.T) {
	transporttest.Run(t, func(t *testing.T) transporttest.Target {
		g := newGateway(t)
		tr, err := sms.New(sms.Options{URL: g.srv.URL, Token: "hemmelig", Sender: "Oslo kommune"[:11]})
		require.NoError(t, err)
		return transporttest.Target{Transport: tr, To: "+4799999999", Received: g.received,
			Fail: func(f transporttest.Failure) {
				g.mu.Lock()
				defer g.mu.Unlock()
				g.fail = http.StatusBadGateway
				if f == transporttest.Permanent {
					g.fail = http.StatusUnprocessableEntity
				}
			},
			Stall: func() {
				g.mu.Lock()
				defer g.mu.Unlock()
				g.stall = make(chan struct{})
			},
		}
	})
}

func TestBadTokenIsPermanent(t *testing.T) {
	g := newGateway(t)
	tr, err := sms.New(sms.Options{URL: g.srv.URL, Token: "feil"})
	require.NoError(t, err)
	err = tr.Send(t.Context(), transporttestDelivery())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "401")
	assert.Empty(t, g.received())
}

func TestNewRefusesBadOptions(t *testing.T) {
	_, err := sms.New(sms.Options{URL: "smtp://x", Token: "t"})
	assert.Error(t, err)
	_, err = sms.New(sms.Options{URL: "https://x"})
	assert.Error(t, err)
	_, err = sms.New(sms.Options{URL: "https://x", Token: "t", Sender: "Altfor langt navn"})
	assert.Error(t, err)
}

func transporttestDelivery() messaging.Delivery {
	return messaging.Delivery{Key: "k/1", To: "+4799999999", Subject: "S", Body: "B", Urgent: true, Medium: messaging.SMS}
}

func TestPriorityAndText(t *testing.T) {
	g := newGateway(t)
	tr, err := sms.New(sms.Options{URL: g.srv.URL, Token: "hemmelig"})
	require.NoError(t, err)
	d := transporttestDelivery()
	require.NoError(t, tr.Send(t.Context(), d))
	d.Urgent, d.Key = false, "k/2"
	require.NoError(t, tr.Send(t.Context(), d))
	assert.Equal(t, []string{"high", "normal"}, g.prio)
	assert.Equal(t, "S\nB", sms.Text(d))
	d.Subject = ""
	assert.Equal(t, "B", sms.Text(d))
}
