package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// appState holds the records of the reference app's store ports (audit log,
// idempotency keys).
type appState struct {
	// audit holds each municipality's entries sorted by ID (time order).
	audit    map[domain.Municipality][]domain.AuditEntry
	auditIDs map[key[domain.AuditEntry]]struct{}
	idem     map[idemKey]domain.IdempotentResponse
	sessions map[sessionKey]domain.Session
}

type idemKey struct {
	m            domain.Municipality
	subject, key string
}

func newAppState() appState {
	return appState{
		audit:    map[domain.Municipality][]domain.AuditEntry{},
		auditIDs: map[key[domain.AuditEntry]]struct{}{},
		idem:     map[idemKey]domain.IdempotentResponse{},
		sessions: map[sessionKey]domain.Session{},
	}
}

var (
	_ domain.AuditLog         = (*Store)(nil)
	_ domain.IdempotencyStore = (*Store)(nil)
)

// AppendAudit implements domain.AuditLog.
func (s *Store) AppendAudit(ctx context.Context, e domain.AuditEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[domain.AuditEntry]{e.Municipality, e.ID}
		if _, ok := s.s.app.auditIDs[k]; ok {
			return &domain.ConflictError{Field: "id", Reason: "an audit entry with this ID exists"}
		}
		put(t, s.s.app.auditIDs, k, struct{}{})
		m := e.Municipality
		i, _ := slices.BinarySearchFunc(s.s.app.audit[m], e.ID, func(x domain.AuditEntry, id domain.AuditID) int { return x.ID.Compare(id) })
		s.s.app.audit[m] = slices.Insert(s.s.app.audit[m], i, e)
		t.undo = append(t.undo, func() { s.s.app.audit[m] = slices.Delete(s.s.app.audit[m], i, i+1) })
		return nil
	})
}

// AuditEntries implements domain.AuditLog.
func (s *Store) AuditEntries(ctx context.Context, m domain.Municipality, child domain.ChildID, before domain.AuditID, limit int) (out []domain.AuditEntry, err error) {
	if limit <= 0 {
		return nil, domain.Invalid("limit", "must be positive")
	}
	err = s.read(ctx, func() error {
		all := s.s.app.audit[m]
		end := len(all)
		if !before.IsZero() {
			end, _ = slices.BinarySearchFunc(all, before, func(x domain.AuditEntry, id domain.AuditID) int { return x.ID.Compare(id) })
		}
		for i := end - 1; i >= 0 && len(out) < limit; i-- {
			if child.IsZero() || all[i].ChildID == child {
				out = append(out, all[i])
			}
		}
		return nil
	})
	return out, err
}

// SaveIdempotent implements domain.IdempotencyStore.
func (s *Store) SaveIdempotent(ctx context.Context, r domain.IdempotentResponse) error {
	if err := r.Validate(); err != nil {
		return err
	}
	r.Body = slices.Clone(r.Body)
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := idemKey{r.Municipality, r.Subject, r.Key}
		if _, ok := s.s.app.idem[k]; ok {
			return &domain.ConflictError{Field: "key", Reason: "a response is kept under this key"}
		}
		put(t, s.s.app.idem, k, r)
		return nil
	})
}

// Idempotent implements domain.IdempotencyStore.
func (s *Store) Idempotent(ctx context.Context, m domain.Municipality, subject, k string) (r domain.IdempotentResponse, err error) {
	err = s.read(ctx, func() error {
		v, ok := s.s.app.idem[idemKey{m, subject, k}]
		if !ok {
			return fmt.Errorf("idempotency key %q: %w", k, domain.ErrNotFound)
		}
		r = v
		r.Body = slices.Clone(v.Body)
		return nil
	})
	return r, err
}

type sessionKey struct {
	m    domain.Municipality
	hash string
}

var _ domain.SessionStore = (*Store)(nil)

// SaveSession implements domain.SessionStore.
func (s *Store) SaveSession(ctx context.Context, sess domain.Session) error {
	if err := sess.Validate(); err != nil {
		return err
	}
	sess.Actor.Units = slices.Clone(sess.Actor.Units)
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		if old, ok := s.s.app.sessions[sessionKey{sess.Municipality, sess.TokenHash}]; ok {
			sess.Created = old.Created // a replaced session keeps its creation time
		}
		put(t, s.s.app.sessions, sessionKey{sess.Municipality, sess.TokenHash}, sess)
		return nil
	})
}

// Session implements domain.SessionStore.
func (s *Store) Session(ctx context.Context, m domain.Municipality, hash string) (out domain.Session, err error) {
	err = s.read(ctx, func() error {
		v, ok := s.s.app.sessions[sessionKey{m, hash}]
		if !ok {
			return fmt.Errorf("session: %w", domain.ErrNotFound)
		}
		out = v
		out.Actor.Units = slices.Clone(v.Actor.Units)
		return nil
	})
	return out, err
}

// DeleteSession implements domain.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, m domain.Municipality, hash string) error {
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		del(t, s.s.app.sessions, sessionKey{m, hash})
		return nil
	})
}

// DeleteExpiredSessions implements domain.SessionStore.
func (s *Store) DeleteExpiredSessions(ctx context.Context, m domain.Municipality, before time.Time) (n int, err error) {
	err = s.write(ctx, func(ctx context.Context, t *tx) error {
		for k, v := range s.s.app.sessions {
			if k.m == m && v.Expires.Before(before) {
				del(t, s.s.app.sessions, k)
				n++
			}
		}
		return nil
	})
	return n, err
}

// DeleteIdempotentBefore implements domain.IdempotencyStore.
func (s *Store) DeleteIdempotentBefore(ctx context.Context, m domain.Municipality, before time.Time) (n int, err error) {
	err = s.write(ctx, func(ctx context.Context, t *tx) error {
		for k, v := range s.s.app.idem {
			if k.m == m && v.Created.Before(before) {
				del(t, s.s.app.idem, k)
				n++
			}
		}
		return nil
	})
	return n, err
}
