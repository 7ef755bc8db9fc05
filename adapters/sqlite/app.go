package sqlite

import (
	"context"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// appQueries are the statements of the reference app's store ports (audit
// log, idempotency keys) that Open prepares.
var appQueries = []string{
	insertAudit, selectAudit, selectChildAudit,
	insertIdempotent, selectIdempotent,
}

const (
	auditCols        = `municipality, id, at, actor_role, actor_subject, action, child_id, record`
	insertAudit      = `INSERT INTO audit_log (` + auditCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	selectAudit      = `SELECT ` + auditCols + ` FROM audit_log WHERE municipality = ? AND id < ? ORDER BY id DESC LIMIT ?`
	selectChildAudit = `SELECT ` + auditCols + ` FROM audit_log INDEXED BY audit_log_by_child
		WHERE municipality = ? AND child_id = ? AND id < ? ORDER BY id DESC LIMIT ?`

	idemCols         = `municipality, subject, key, fingerprint, status, content_type, body, created`
	insertIdempotent = `INSERT INTO idempotent_responses (` + idemCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	selectIdempotent = `SELECT ` + idemCols + ` FROM idempotent_responses WHERE municipality = ? AND subject = ? AND key = ?`
)

// maxID is above every UUID in text order: the upper bound of a listing
// from the newest entry.
const maxID = "ffffffff-ffff-ffff-ffff-ffffffffffff"

var (
	_ domain.AuditLog         = (*Store)(nil)
	_ domain.IdempotencyStore = (*Store)(nil)
)

// AppendAudit implements domain.AuditLog.
func (s *Store) AppendAudit(ctx context.Context, e domain.AuditEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	child := ""
	if !e.ChildID.IsZero() {
		child = e.ChildID.String()
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertAudit, e.Municipality, e.ID, e.At.UTC().Format(time.RFC3339Nano),
			string(e.ActorRole), e.ActorSubject, e.Action, child, e.Record)
		return writeErr(err, "audit entry")
	})
}

func scanAudit(r scanner) (domain.AuditEntry, error) {
	var e domain.AuditEntry
	var at, child string
	if err := r.Scan(&e.Municipality, &e.ID, &at, &e.ActorRole, &e.ActorSubject, &e.Action, &child, &e.Record); err != nil {
		return e, err
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return e, err
	}
	e.At = t.In(domain.Oslo())
	if child != "" {
		if e.ChildID, err = domain.ParseID[domain.Child](child); err != nil {
			return e, err
		}
	}
	return e, nil
}

// AuditEntries implements domain.AuditLog.
func (s *Store) AuditEntries(ctx context.Context, m domain.Municipality, child domain.ChildID, before domain.AuditID, limit int) ([]domain.AuditEntry, error) {
	if limit <= 0 {
		return nil, domain.Invalid("limit", "must be positive")
	}
	upper := maxID
	if !before.IsZero() {
		upper = before.String()
	}
	if child.IsZero() {
		return queryAll(ctx, s, selectAudit, scanAudit, m, upper, limit)
	}
	return queryAll(ctx, s, selectChildAudit, scanAudit, m, child.String(), upper, limit)
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
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertIdempotent, r.Municipality, r.Subject, r.Key, r.Fingerprint, r.Status,
			r.ContentType, body, r.Created.UTC().Format(time.RFC3339Nano))
		if domain.FieldOf(writeErr(err, "response")) == "id" {
			return &domain.ConflictError{Field: "key", Reason: "a response is kept under this key"}
		}
		return writeErr(err, "response")
	})
}

// Idempotent implements domain.IdempotencyStore.
func (s *Store) Idempotent(ctx context.Context, m domain.Municipality, subject, key string) (domain.IdempotentResponse, error) {
	return queryOne(ctx, s, "idempotent response", selectIdempotent, func(r scanner) (domain.IdempotentResponse, error) {
		var v domain.IdempotentResponse
		var created string
		if err := r.Scan(&v.Municipality, &v.Subject, &v.Key, &v.Fingerprint, &v.Status, &v.ContentType, &v.Body, &created); err != nil {
			return v, err
		}
		t, err := time.Parse(time.RFC3339Nano, created)
		v.Created = t.In(domain.Oslo())
		return v, err
	}, m, subject, key)
}
