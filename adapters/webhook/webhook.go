// Package webhook is a messaging.Transport that POSTs each delivery as JSON
// to a receiver's URL, signed with HMAC-SHA256, for the app's push service
// or a municipality's own integration.
//
// # The request
//
//	POST <URL>
//	Content-Type: application/json
//	Idempotency-Key: <delivery key>
//	Oppvekst-Delivery: <delivery key>
//	Oppvekst-Timestamp: <Unix seconds>
//	Oppvekst-Signature: v1=<hex HMAC-SHA256(secret, key + "." + timestamp + "." + body)>
//
//	{"key": "...", "municipality": "0301", "kind": "message.new", "guardian": "<uuid>",
//	 "to": "...", "language": "nb", "subject": "...", "body": "...", "urgent": false}
//
// Subject and body are plain text. The same key comes again when a delivery
// is repeated (after a crash of the sender, or a retry): a receiver drops a
// key it has seen. A receiver checks a request with Verify (or
// VerifyRequest): the signature, and a timestamp within a tolerance so that
// a captured request cannot be replayed later.
//
// # The answer
//
// Any 2xx is delivered. 408, 425, 429 and 5xx, and network errors, are
// retried with backoff; any other status is a permanent failure
// (messaging.Permanent).
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// Header names of a webhook request.
const (
	HeaderDelivery  = "Oppvekst-Delivery"
	HeaderTimestamp = "Oppvekst-Timestamp"
	HeaderSignature = "Oppvekst-Signature"
)

// Payload is the JSON body of a webhook request.
type Payload struct {
	Key          string              `json:"key"`
	Municipality domain.Municipality `json:"municipality"`
	Kind         string              `json:"kind"`
	Guardian     domain.GuardianID   `json:"guardian"`
	To           string              `json:"to"`
	Language     messaging.Language  `json:"language"`
	Subject      string              `json:"subject"`
	Body         string              `json:"body"`
	Urgent       bool                `json:"urgent"`
}

// Options configure a Transport.
type Options struct {
	// URL receives the POSTs.
	URL string
	// Secret is the shared HMAC key; at least 32 bytes.
	Secret []byte
	// Client sends the requests; a keep-alive client with a 10 s timeout
	// when nil.
	Client *http.Client
	// Clock stamps the requests; the system clock when nil.
	Clock domain.Clock
}

// Transport posts deliveries to a webhook.
type Transport struct {
	opts Options
}

// New returns a webhook transport.
func New(opts Options) (*Transport, error) {
	if !strings.HasPrefix(opts.URL, "http://") && !strings.HasPrefix(opts.URL, "https://") {
		return nil, fmt.Errorf("webhook: URL %q must be http or https", opts.URL)
	}
	if len(opts.Secret) < 32 {
		return nil, errors.New("webhook: the secret must be at least 32 bytes")
	}
	if opts.Client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		opts.Client = &http.Client{Timeout: 10 * time.Second, Transport: tr}
	}
	if opts.Clock == nil {
		opts.Clock = domain.SystemClock{}
	}
	return &Transport{opts: opts}, nil
}

// Medium is messaging.Webhook.
func (t *Transport) Medium() messaging.Medium { return messaging.Webhook }

// Sign returns the signature header value for a key, timestamp and body.
func Sign(secret []byte, key, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(key))
	mac.Write([]byte{'.'})
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Send posts one delivery.
func (t *Transport) Send(ctx context.Context, d messaging.Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	body, err := json.Marshal(Payload{Key: d.Key, Municipality: d.Municipality, Kind: d.Kind, Guardian: d.Guardian,
		To: d.To, Language: d.Language, Subject: d.Subject, Body: d.Body, Urgent: d.Urgent})
	if err != nil {
		return messaging.Permanent(err)
	}
	stamp := strconv.FormatInt(t.opts.Clock.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.opts.URL, bytes.NewReader(body))
	if err != nil {
		return messaging.Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", d.Key)
	req.Header.Set(HeaderDelivery, d.Key)
	req.Header.Set(HeaderTimestamp, stamp)
	req.Header.Set(HeaderSignature, Sign(t.opts.Secret, d.Key, stamp, body))
	resp, err := t.opts.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("webhook: %w", err)
	}
	// Drain a little so the connection is reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return StatusError(resp.StatusCode)
}

// StatusError classifies an HTTP status of a receiver: nil for 2xx, a
// retryable error for 408, 425, 429 and 5xx, a permanent one otherwise.
func StatusError(code int) error {
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestTimeout, code == http.StatusTooEarly, code == http.StatusTooManyRequests, code >= 500:
		return fmt.Errorf("receiver answered %d", code)
	}
	return messaging.Permanent(fmt.Errorf("receiver answered %d", code))
}

// ErrSignature is returned by Verify for a request that is not signed with
// the secret, or is too old.
var ErrSignature = errors.New("webhook: bad signature")

// Verify checks a request's signature and that its timestamp is within
// tolerance of now.
func Verify(secret []byte, key, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrSignature, timestamp)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp %s is outside the tolerance", ErrSignature, timestamp)
	}
	want := Sign(secret, key, timestamp, body)
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return ErrSignature
	}
	return nil
}

// VerifyRequest reads a webhook request's body and verifies it; it returns
// the payload.
func VerifyRequest(r *http.Request, secret []byte, now time.Time, tolerance time.Duration) (Payload, error) {
	var p Payload
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return p, err
	}
	key := r.Header.Get(HeaderDelivery)
	if err := Verify(secret, key, r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), body, now, tolerance); err != nil {
		return p, err
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return p, fmt.Errorf("webhook: body: %w", err)
	}
	if p.Key != key {
		return p, fmt.Errorf("%w: the key in the body differs from the header", ErrSignature)
	}
	return p, nil
}
