// Package sms is a messaging.Transport that sends text messages through an
// HTTP SMS gateway (the municipality's provider, behind a small adapter of
// its own when its API differs).
//
// # The gateway contract
//
//	POST <URL>
//	Authorization: Bearer <token>
//	Content-Type: application/json
//	Idempotency-Key: <delivery key>
//
//	{"to": "+4799999999", "text": "<subject>\n<body>", "reference": "<delivery key>",
//	 "sender": "<sender name>", "priority": "normal" | "high"}
//
// The gateway sends the message once per reference: a request repeating a
// reference it has accepted is answered 2xx without sending again. Answers:
//
//   - 2xx: accepted;
//   - 400, 404, 422: the request or the number is refused (permanent);
//   - 401, 403: the token is refused (permanent until reconfigured);
//   - 408, 429, 5xx, or no answer: try again later (retryable).
//
// "priority" is "high" for an urgent delivery. The text is plain; the
// gateway splits it into parts as needed.
package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/messaging"
)

// Request is the JSON body sent to the gateway.
type Request struct {
	To        string `json:"to"`
	Text      string `json:"text"`
	Reference string `json:"reference"`
	Sender    string `json:"sender,omitempty"`
	Priority  string `json:"priority"`
}

// Options configure a Transport.
type Options struct {
	URL   string
	Token string
	// Sender is the name shown as sender (at most 11 characters), if the
	// gateway allows one.
	Sender string
	// Client sends the requests; a keep-alive client with a 10 s timeout
	// when nil.
	Client *http.Client
}

// Transport sends deliveries as SMS through the gateway.
type Transport struct{ opts Options }

// New returns an SMS transport.
func New(opts Options) (*Transport, error) {
	if !strings.HasPrefix(opts.URL, "https://") && !strings.HasPrefix(opts.URL, "http://") {
		return nil, fmt.Errorf("sms: URL %q must be http or https", opts.URL)
	}
	if opts.Token == "" {
		return nil, errors.New("sms: a token is required")
	}
	if len(opts.Sender) > 11 {
		return nil, errors.New("sms: the sender name is at most 11 characters")
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Transport{opts: opts}, nil
}

// Medium is messaging.SMS.
func (t *Transport) Medium() messaging.Medium { return messaging.SMS }

// Text is the message text of a delivery: the subject, a line break and
// the body.
func Text(d messaging.Delivery) string {
	if d.Subject == "" {
		return d.Body
	}
	return d.Subject + "\n" + d.Body
}

// Send posts one delivery to the gateway.
func (t *Transport) Send(ctx context.Context, d messaging.Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	prio := "normal"
	if d.Urgent {
		prio = "high"
	}
	body, err := json.Marshal(Request{To: d.To, Text: Text(d), Reference: d.Key, Sender: t.opts.Sender, Priority: prio})
	if err != nil {
		return messaging.Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.opts.URL, bytes.NewReader(body))
	if err != nil {
		return messaging.Permanent(err)
	}
	req.Header.Set("Authorization", "Bearer "+t.opts.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", d.Key)
	resp, err := t.opts.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("sms: %w", err)
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	resp.Body.Close()
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("sms: gateway answered %d: %s", code, strings.TrimSpace(string(msg)))
	}
	return messaging.Permanent(fmt.Errorf("sms: gateway answered %d: %s", code, strings.TrimSpace(string(msg))))
}
