package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// IdempotencyHeader carries the client's key for a POST it may retry.
const IdempotencyHeader = "Idempotency-Key"

// IdempotencyKeep is how long a response is kept for retries.
const IdempotencyKeep = 24 * time.Hour

// Sweep removes expired sessions and responses kept longer than
// IdempotencyKeep, in every municipality served.
func (a *App) Sweep(ctx context.Context) {
	now := time.Now()
	for _, m := range a.Municipalities {
		sessions, err := a.Store.DeleteExpiredSessions(ctx, m, now)
		if err != nil {
			a.Log.Error("sweep sessions", "municipality", m, "err", err)
		}
		responses, err := a.Store.DeleteIdempotentBefore(ctx, m, now.Add(-IdempotencyKeep))
		if err != nil {
			a.Log.Error("sweep idempotent responses", "municipality", m, "err", err)
		}
		if sessions+responses > 0 {
			a.Log.Info("swept", "municipality", m, "sessions", sessions, "idempotentResponses", responses)
		}
	}
}

// SweepEvery runs sweep now and then every interval until ctx ends.
func (a *App) SweepEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		a.Sweep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// idempotencyLocks serialise requests with the same key within one
// process, before they take a connection of the store; across instances
// the store's lock of the key (domain.IdempotencyLocker) does.
type idempotencyLocks [64]sync.Mutex

func (l *idempotencyLocks) lock(parts ...string) func() {
	h := fnv.New32a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	m := &l[h.Sum32()%uint32(len(l))]
	m.Lock()
	return m.Unlock
}

// idempotent honours Idempotency-Key on a POST: the first request's
// response (any status below 500) is kept in the store for the actor and
// key, and a retry gets it again with Idempotent-Replayed: true instead of
// doing the work twice. The same key with another request (method, path or
// body) is a 422 problem.
func (a *App) idempotent(next HandlerFunc, limit int64) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *Call) error {
		key := r.Header.Get(IdempotencyHeader)
		if key == "" {
			return next(w, r, c)
		}
		if len(key) > 200 || !printableASCII(key) {
			return api.BadRequest("idempotency-key", "the Idempotency-Key is not valid",
				domain.FieldError{Field: IdempotencyHeader, Reason: "must-be-1-to-200-printable-ascii-characters"})
		}
		body, err := api.ReadBodyLimit(w, r, limit)
		if err != nil {
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		fingerprint := r.Method + " " + r.URL.Path + " " + hex.EncodeToString(sum[:16])
		m, subject := c.Actor.Municipality, c.Actor.Subject

		defer a.idemLocks.lock(string(m), subject, key)()
		ctx := r.Context()
		// The kept response is looked for once, inside the transaction
		// (kept), with the key's lock (one round trip on PostgreSQL): a
		// retry is then answered from it and a new request pays for no
		// read outside.
		// The handler's writes and the kept response commit together: a
		// retry after a crash either finds the response or finds nothing
		// done. The key's lock in the store (LockIdempotent) makes a retry
		// sent to another instance of the app at the same time wait for
		// this one and replay its response. A refused request (an error)
		// keeps its problem response in a transaction of its own.
		rec := &capture{header: http.Header{}, status: http.StatusOK}
		// kept replays into rec a response kept under the key (by an
		// earlier request, or meanwhile by another instance); it reports
		// whether there was one.
		kept := func(ctx context.Context) (bool, error) {
			prev, err := a.Store.LockedIdempotent(ctx, m, subject, key)
			if domain.IsNotFound(err) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			rec = &capture{header: http.Header{}, status: prev.Status, wrote: true}
			if prev.Fingerprint != fingerprint {
				return true, api.Unprocessable("idempotency-key-reused", "this Idempotency-Key was used for another request",
					domain.FieldError{Field: IdempotencyHeader, Reason: "was-used-for-another-request"})
			}
			rec.header.Set("Content-Type", prev.ContentType)
			rec.header.Set("Idempotent-Replayed", "true")
			rec.header.Set("Cache-Control", "no-store")
			rec.body.Write(prev.Body)
			return true, nil
		}
		// The kept response is sent with the COMMIT where the store can
		// (domain.AtCommit): nothing reads it back in the transaction.
		keep := func(ctx context.Context) error {
			return a.Store.SaveIdempotent(domain.AtCommit(ctx), domain.IdempotentResponse{
				Municipality: m, Subject: subject, Key: key, Fingerprint: fingerprint,
				Status: rec.status, ContentType: rec.header.Get("Content-Type"), Body: rec.body.Bytes(),
				Created: a.Clock.Now(),
			})
		}
		var handlerErr error
		err = a.Store.Atomic(ctx, func(ctx context.Context) error {
			if done, err := kept(ctx); done || err != nil {
				return err
			}
			if handlerErr = next(rec, r.WithContext(inTransaction(ctx)), c); handlerErr != nil {
				return handlerErr
			}
			if rec.status >= 500 {
				return nil
			}
			return keep(ctx)
		})
		if handlerErr != nil {
			rec = &capture{header: http.Header{}, status: http.StatusOK}
			a.writeProblem(rec, r, handlerErr)
			if rec.status < 500 {
				problem := rec
				err := a.Store.Atomic(ctx, func(ctx context.Context) error {
					if done, err := kept(ctx); done || err != nil {
						return err
					}
					return keep(ctx)
				})
				if err != nil {
					rec = problem
					a.Log.Error("keep idempotent response", "err", err)
				}
			}
		} else if err != nil {
			return err
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
		return nil
	}
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// capture is a ResponseWriter that keeps the response.
type capture struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(code int) {
	if !c.wrote {
		c.status, c.wrote = code, true
	}
}

func (c *capture) Write(b []byte) (int, error) {
	c.wrote = true
	return c.body.Write(b)
}

// txKey marks a ctx that runs inside a store transaction the app opened.
type txKey struct{}

func inTransaction(ctx context.Context) context.Context { return context.WithValue(ctx, txKey{}, true) }

func isInTransaction(ctx context.Context) bool { return ctx.Value(txKey{}) != nil }
