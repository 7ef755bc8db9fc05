package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// appQueries are the statements of the reference app's store ports (audit
// log, idempotency keys) that Open prepares.
var appQueries = []string{
	insertAudit, insertAuditChildren, selectAudit, selectChildAudit, selectAuditSummaries,
	selectAuditEntryChild, selectAuditChildren,
	insertIdempotent, selectIdempotent, deleteOldIdempotent,
	upsertSession, selectSession, deleteSession, deleteExpiredSessions,
}

const (
	auditCols   = `municipality, id, at, actor_role, actor_subject, actor, action, child_id, record`
	insertAudit = `INSERT INTO audit_log (` + auditCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// insertAuditChildren names an entry's children, any number of them,
	// in one statement: ?3 is a JSON array of their IDs.
	insertAuditChildren = `INSERT INTO audit_log_children (municipality, child_id, audit_id)
		SELECT ?1, value, ?2 FROM json_each(?3)`
	// selectAudit lists a municipality's entries with the children each
	// names (a JSON array, or NULL).
	selectAudit = `SELECT ` + auditCols + `, (SELECT json_group_array(c.child_id) FROM audit_log_children c INDEXED BY audit_log_children_by_entry
		WHERE c.municipality = a.municipality AND c.audit_id = a.id)
		FROM audit_log a WHERE a.municipality = ?1 AND a.id < ?2 ORDER BY a.id DESC LIMIT ?3`
	// selectChildAudit lists a child's trail: the entries about the child
	// and the lists naming it, each newest first from its own index and
	// merged, a list's entry naming the child alone.
	selectChildAudit = `SELECT a.municipality, a.id, a.at, a.actor_role, a.actor_subject, a.actor, a.action, ?2, a.record, NULL
		FROM audit_log a WHERE a.municipality = ?1 AND a.id IN (SELECT id FROM audit_log INDEXED BY audit_log_by_child
			WHERE municipality = ?1 AND child_id = ?2 AND id < ?3 ORDER BY id DESC LIMIT ?4)
		UNION ALL
		SELECT a.municipality, a.id, a.at, a.actor_role, a.actor_subject, a.actor, a.action, ?2, a.record, NULL
		FROM audit_log a WHERE a.municipality = ?1 AND a.id IN (SELECT audit_id FROM audit_log_children
			WHERE municipality = ?1 AND child_id = ?2 AND audit_id < ?3 ORDER BY audit_id DESC LIMIT ?4)
		ORDER BY 2 DESC LIMIT ?4`
	// selectAuditSummaries lists a municipality's entries with how many
	// children each names and the first ?4 of them (a JSON array), both
	// from the entry's index: in a WITHOUT ROWID table it holds the child
	// after the entry, so the first are read in order and counted without
	// the table.
	selectAuditSummaries = `SELECT ` + auditCols + `,
		(SELECT json_group_array(child_id) FROM (SELECT c.child_id FROM audit_log_children c INDEXED BY audit_log_children_by_entry
			WHERE c.municipality = a.municipality AND c.audit_id = a.id ORDER BY c.child_id LIMIT ?4)),
		(SELECT count(*) FROM audit_log_children c INDEXED BY audit_log_children_by_entry
			WHERE c.municipality = a.municipality AND c.audit_id = a.id)
		FROM audit_log a WHERE a.municipality = ?1 AND a.id < ?2 ORDER BY a.id DESC LIMIT ?3`
	// selectAuditEntryChild is the child an entry is about ("" for a
	// list's entry, or none).
	selectAuditEntryChild = `SELECT child_id FROM audit_log WHERE municipality = ? AND id = ?`
	// selectAuditChildren pages a list's children by ID.
	selectAuditChildren = `SELECT child_id FROM audit_log_children INDEXED BY audit_log_children_by_entry
		WHERE municipality = ? AND audit_id = ? AND child_id > ? ORDER BY child_id LIMIT ?`

	idemCols         = `municipality, subject, key, fingerprint, status, content_type, body, created`
	insertIdempotent = `INSERT INTO idempotent_responses (` + idemCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	selectIdempotent = `SELECT ` + idemCols + ` FROM idempotent_responses WHERE municipality = ? AND subject = ? AND key = ?`
	// created is written by timeText, so text order is time order.
	deleteOldIdempotent = `DELETE FROM idempotent_responses INDEXED BY idempotent_responses_by_age WHERE municipality = ? AND created < ?`
)

const (
	sessionCols = `municipality, token_hash, actor, name, persona, expires, created, provider, id_token`
	// A replaced session keeps its creation time.
	upsertSession = `INSERT INTO sessions (` + sessionCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (municipality, token_hash) DO UPDATE SET
			actor = excluded.actor, name = excluded.name, persona = excluded.persona, expires = excluded.expires,
			provider = excluded.provider, id_token = excluded.id_token`
	selectSession         = `SELECT ` + sessionCols + ` FROM sessions WHERE municipality = ? AND token_hash = ?`
	deleteSession         = `DELETE FROM sessions WHERE municipality = ? AND token_hash = ?`
	deleteExpiredSessions = `DELETE FROM sessions INDEXED BY sessions_by_expiry WHERE municipality = ? AND expires < ?`
)

// maxID is above every UUID in text order: the upper bound of a listing
// from the newest entry.
const maxID = "ffffffff-ffff-ffff-ffff-ffffffffffff"

var (
	_ domain.AuditLog         = (*Store)(nil)
	_ domain.IdempotencyStore = (*Store)(nil)
	_ domain.SessionStore     = (*Store)(nil)
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
	actor, err := json.Marshal(e.Actor)
	if err != nil {
		return err
	}
	var children []byte
	if len(e.Children) > 0 {
		if children, err = json.Marshal(e.Children); err != nil {
			return err
		}
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertAudit, e.Municipality, e.ID, e.At.UTC().Format(time.RFC3339Nano),
			string(e.Actor.Role), e.Actor.Subject, string(actor), e.Action, child, e.Record)
		if err != nil || children == nil {
			return writeErr(err, "audit entry")
		}
		_, err = s.exec(ctx, insertAuditChildren, e.Municipality, e.ID, string(children))
		return writeErr(err, "audit entry")
	})
}

func scanAudit(r scanner) (domain.AuditEntry, error) {
	var e domain.AuditEntry
	var at, child, role, subject, actor string
	var children sql.NullString
	if err := r.Scan(&e.Municipality, &e.ID, &at, &role, &subject, &actor, &e.Action, &child, &e.Record, &children); err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(actor), &e.Actor); err != nil {
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
	if children.Valid && children.String != "[]" {
		if err := json.Unmarshal([]byte(children.String), &e.Children); err != nil {
			return e, err
		}
		domain.SortIDs(e.Children)
	}
	return e, nil
}

// AuditEntries implements domain.AuditLog.
func (s *Store) AuditEntries(ctx context.Context, m domain.Municipality, child domain.ChildID, before domain.AuditID, limit int) ([]domain.AuditEntry, error) {
	if limit <= 0 {
		return nil, domain.Invalid("limit", "not-positive")
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

// AuditSummaries implements domain.AuditLog.
func (s *Store) AuditSummaries(ctx context.Context, m domain.Municipality, before domain.AuditID, limit, names int) ([]domain.AuditSummary, error) {
	if limit <= 0 {
		return nil, domain.Invalid("limit", "not-positive")
	}
	if names < 0 {
		return nil, domain.Invalid("names", "negative")
	}
	upper := maxID
	if !before.IsZero() {
		upper = before.String()
	}
	return queryAll(ctx, s, selectAuditSummaries, func(r scanner) (domain.AuditSummary, error) {
		var v domain.AuditSummary
		var count int
		e, err := scanAudit(countingScanner{r, &count})
		v.AuditEntry, v.ChildCount = e, count
		if !e.ChildID.IsZero() {
			v.ChildCount = 1
		}
		return v, err
	}, m, upper, limit, names)
}

// countingScanner scans a row of selectAuditSummaries: the entry's
// columns for scanAudit, and the count after them into count.
type countingScanner struct {
	r     scanner
	count *int
}

func (c countingScanner) Scan(dest ...any) error { return c.r.Scan(append(dest, c.count)...) }

// AuditChildren implements domain.AuditLog.
func (s *Store) AuditChildren(ctx context.Context, m domain.Municipality, entry domain.AuditID, after domain.ChildID, limit int) ([]domain.ChildID, error) {
	if limit <= 0 {
		return nil, domain.Invalid("limit", "not-positive")
	}
	child, err := queryOne(ctx, s, "audit entry", selectAuditEntryChild, func(r scanner) (string, error) {
		var c string
		return c, r.Scan(&c)
	}, m, entry)
	if err != nil {
		return nil, err
	}
	lower := ""
	if !after.IsZero() {
		lower = after.String()
	}
	if child != "" {
		if child <= lower {
			return nil, nil
		}
		id, err := domain.ParseID[domain.Child](child)
		return []domain.ChildID{id}, err
	}
	return queryAll(ctx, s, selectAuditChildren, func(r scanner) (domain.ChildID, error) {
		var c string
		if err := r.Scan(&c); err != nil {
			return domain.ChildID{}, err
		}
		return domain.ParseID[domain.Child](c)
	}, m, entry, lower, limit)
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
			r.ContentType, body, timeText(r.Created))
		if domain.FieldOf(writeErr(err, "response")) == "id" {
			return &domain.ConflictError{Field: "key", Reason: "a-response-is-kept-under-this-key"}
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

// timeText is a time as sortable text: UTC, fixed width.
func timeText(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// SaveSession implements domain.SessionStore.
func (s *Store) SaveSession(ctx context.Context, sess domain.Session) error {
	if err := sess.Validate(); err != nil {
		return err
	}
	actor, err := json.Marshal(sess.Actor)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, upsertSession, sess.Municipality, sess.TokenHash, string(actor), sess.Name, sess.Persona,
			timeText(sess.Expires), timeText(sess.Created), sess.Provider, sess.IDToken)
		return writeErr(err, "session")
	})
}

// Session implements domain.SessionStore.
func (s *Store) Session(ctx context.Context, m domain.Municipality, hash string) (domain.Session, error) {
	return queryOne(ctx, s, "session", selectSession, func(r scanner) (domain.Session, error) {
		var v domain.Session
		var actor, expires, created string
		if err := r.Scan(&v.Municipality, &v.TokenHash, &actor, &v.Name, &v.Persona, &expires, &created, &v.Provider, &v.IDToken); err != nil {
			return v, err
		}
		if err := json.Unmarshal([]byte(actor), &v.Actor); err != nil {
			return v, err
		}
		t, err := time.Parse(time.RFC3339Nano, expires)
		if err != nil {
			return v, err
		}
		v.Expires = t.In(domain.Oslo())
		t, err = time.Parse(time.RFC3339Nano, created)
		v.Created = t.In(domain.Oslo())
		return v, err
	}, m, hash)
}

// SessionWithStaff implements domain.SessionStaffReader: the session, then
// the staff member its actor names and their grants (an embedded database
// has no round trips to save).
func (s *Store) SessionWithStaff(ctx context.Context, m domain.Municipality, hash string) (domain.Session, *domain.StaffMember, []domain.Grant, error) {
	v, err := s.Session(ctx, m, hash)
	if err != nil || v.Actor.Staff.IsZero() {
		return v, nil, nil, err
	}
	member, err := s.StaffMember(ctx, m, v.Actor.Staff)
	if domain.IsNotFound(err) {
		return v, nil, nil, nil
	}
	if err != nil {
		return domain.Session{}, nil, nil, err
	}
	grants, err := s.Grants(ctx, m, member.ID)
	if err != nil {
		return domain.Session{}, nil, nil, err
	}
	return v, &member, grants, nil
}

// DeleteSession implements domain.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, m domain.Municipality, hash string) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, deleteSession, m, hash)
		return writeErr(err, "session")
	})
}

// DeleteExpiredSessions implements domain.SessionStore.
func (s *Store) DeleteExpiredSessions(ctx context.Context, m domain.Municipality, before time.Time) (int, error) {
	var n int64
	err := s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deleteExpiredSessions, m, timeText(before))
		if err != nil {
			return writeErr(err, "session")
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// DeleteIdempotentBefore implements domain.IdempotencyStore.
func (s *Store) DeleteIdempotentBefore(ctx context.Context, m domain.Municipality, before time.Time) (int, error) {
	var n int64
	err := s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deleteOldIdempotent, m, timeText(before))
		if err != nil {
			return writeErr(err, "idempotent response")
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
