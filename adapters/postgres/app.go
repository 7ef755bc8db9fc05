package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oppvekst/oppvekst/domain"
)

var (
	_ domain.AuditLog         = (*Store)(nil)
	_ domain.IdempotencyStore = (*Store)(nil)
	_ domain.SessionStore     = (*Store)(nil)
)

const auditColumns = `id, at, actor_role, actor_subject, actor, action, child_id, record`

// AppendAudit implements domain.AuditLog.
func (s *Store) AppendAudit(ctx context.Context, e domain.AuditEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	actor, err := json.Marshal(e.Actor)
	if err != nil {
		return err
	}
	tag, err := s.q(ctx).Exec(ctx, `INSERT INTO audit_log (municipality, `+auditColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
		string(e.Municipality), uid(e.ID), e.At, string(e.Actor.Role), e.Actor.Subject, string(actor), e.Action, uid(e.ChildID), e.Record)
	if err != nil {
		return dbError("append audit entry", err)
	}
	if tag.RowsAffected() == 0 {
		return &domain.ConflictError{Field: "id", Reason: "an-audit-entry-with-this-id-exists"}
	}
	return nil
}

func scanAudit(row scanner, m domain.Municipality) (domain.AuditEntry, error) {
	e := domain.AuditEntry{Municipality: m}
	var role, subject string
	var actor []byte
	if err := row.Scan(scanID(&e.ID), &e.At, &role, &subject, &actor, &e.Action, scanID(&e.ChildID), &e.Record); err != nil {
		return e, err
	}
	e.At = e.At.In(domain.Oslo())
	return e, json.Unmarshal(actor, &e.Actor)
}

// AuditEntries implements domain.AuditLog.
func (s *Store) AuditEntries(ctx context.Context, m domain.Municipality, child domain.ChildID, before domain.AuditID, limit int) ([]domain.AuditEntry, error) {
	if limit <= 0 {
		return nil, domain.Invalid("limit", "not-positive")
	}
	// One statement per filter, so each uses the primary key or the child
	// index without a generic plan in the way.
	q := `SELECT ` + auditColumns + ` FROM audit_log WHERE municipality = $1`
	args := []any{string(m)}
	if !child.IsZero() {
		args = append(args, uid(child))
		q += ` AND child_id = $2`
	}
	if !before.IsZero() {
		args = append(args, uid(before))
		q += ` AND id < $` + string(rune('0'+len(args)))
	}
	args = append(args, limit)
	q += ` ORDER BY id DESC LIMIT $` + string(rune('0'+len(args)))
	return list(ctx, s.q(ctx), "audit entries", m, scanAudit, q, args...)
}

// SaveIdempotent implements domain.IdempotencyStore.
func (s *Store) SaveIdempotent(ctx context.Context, r domain.IdempotentResponse) error {
	if err := r.Validate(); err != nil {
		return err
	}
	body := r.Body
	if body == nil {
		body = []byte{}
	}
	tag, err := s.q(ctx).Exec(ctx, `INSERT INTO idempotent_responses
		(municipality, subject, key, fingerprint, status, content_type, body, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
		string(r.Municipality), r.Subject, r.Key, r.Fingerprint, r.Status, r.ContentType, body, r.Created)
	if err != nil {
		return dbError("save idempotent response", err)
	}
	if tag.RowsAffected() == 0 {
		return &domain.ConflictError{Field: "key", Reason: "a-response-is-kept-under-this-key"}
	}
	return nil
}

// Idempotent implements domain.IdempotencyStore.
func (s *Store) Idempotent(ctx context.Context, m domain.Municipality, subject, key string) (domain.IdempotentResponse, error) {
	r := domain.IdempotentResponse{Municipality: m}
	err := s.q(ctx).QueryRow(ctx, `SELECT subject, key, fingerprint, status, content_type, body, created
		FROM idempotent_responses WHERE municipality = $1 AND subject = $2 AND key = $3`, string(m), subject, key).
		Scan(&r.Subject, &r.Key, &r.Fingerprint, &r.Status, &r.ContentType, &r.Body, &r.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, notFound("idempotent response", m, key)
	}
	if err != nil {
		return r, dbError("read idempotent response", err)
	}
	r.Created = r.Created.In(domain.Oslo())
	return r, nil
}

// SaveSession implements domain.SessionStore.
func (s *Store) SaveSession(ctx context.Context, sess domain.Session) error {
	if err := sess.Validate(); err != nil {
		return err
	}
	actor, err := json.Marshal(sess.Actor)
	if err != nil {
		return err
	}
	// A replaced session keeps its creation time.
	_, err = s.q(ctx).Exec(ctx, `INSERT INTO sessions (municipality, token_hash, actor, name, persona, expires, created, provider, id_token)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (municipality, token_hash) DO UPDATE SET
			actor = excluded.actor, name = excluded.name, persona = excluded.persona, expires = excluded.expires,
			provider = excluded.provider, id_token = excluded.id_token`,
		string(sess.Municipality), sess.TokenHash, string(actor), sess.Name, sess.Persona, sess.Expires, sess.Created, sess.Provider, sess.IDToken)
	if err != nil {
		return dbError("save session", err)
	}
	return nil
}

// Session implements domain.SessionStore.
func (s *Store) Session(ctx context.Context, m domain.Municipality, hash string) (domain.Session, error) {
	v := domain.Session{Municipality: m, TokenHash: hash}
	var actor []byte
	err := s.q(ctx).QueryRow(ctx, `SELECT actor, name, persona, expires, created, provider, id_token FROM sessions
		WHERE municipality = $1 AND token_hash = $2`, string(m), hash).Scan(&actor, &v.Name, &v.Persona, &v.Expires, &v.Created, &v.Provider, &v.IDToken)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, notFound("session", m, "")
	}
	if err != nil {
		return v, dbError("read session", err)
	}
	if err := json.Unmarshal(actor, &v.Actor); err != nil {
		return v, fmt.Errorf("postgres: session actor: %w", err)
	}
	v.Expires, v.Created = v.Expires.In(domain.Oslo()), v.Created.In(domain.Oslo())
	return v, nil
}

// DeleteSession implements domain.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, m domain.Municipality, hash string) error {
	if _, err := s.q(ctx).Exec(ctx, `DELETE FROM sessions WHERE municipality = $1 AND token_hash = $2`, string(m), hash); err != nil {
		return dbError("delete session", err)
	}
	return nil
}

// DeleteExpiredSessions implements domain.SessionStore.
func (s *Store) DeleteExpiredSessions(ctx context.Context, m domain.Municipality, before time.Time) (int, error) {
	tag, err := s.q(ctx).Exec(ctx, `DELETE FROM sessions WHERE municipality = $1 AND expires < $2`, string(m), before)
	if err != nil {
		return 0, dbError("delete expired sessions", err)
	}
	return int(tag.RowsAffected()), nil
}

// DeleteIdempotentBefore implements domain.IdempotencyStore.
func (s *Store) DeleteIdempotentBefore(ctx context.Context, m domain.Municipality, before time.Time) (int, error) {
	tag, err := s.q(ctx).Exec(ctx, `DELETE FROM idempotent_responses WHERE municipality = $1 AND created < $2`, string(m), before)
	if err != nil {
		return 0, dbError("delete old idempotent responses", err)
	}
	return int(tag.RowsAffected()), nil
}
