package sqlite

import (
	"context"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// registryQueries are the statements of the registry store port that Open
// prepares.
var registryQueries = []string{selectRegistryPosition, upsertRegistryPosition, insertRegistryNotice, selectRegistryNotices,
	handleRegistryNotice, existsRegistryNotice}

// The redactions (domain.RegistryStore.RedactAddress) go through all of a
// municipality's messages and outbox rows, a rare write; they are not
// prepared.
const (
	redactThreads  = `UPDATE msg_threads SET subject = replace(subject, ?2, ?3) WHERE municipality = ?1 AND instr(subject, ?2) > 0`
	redactMessages = `UPDATE msg_messages SET body = replace(body, ?2, ?3) WHERE municipality = ?1 AND instr(body, ?2) > 0`
	redactOutbox   = `UPDATE msg_outbox SET subject = replace(subject, ?2, ?3), body = replace(body, ?2, ?3)
		WHERE municipality = ?1 AND (instr(subject, ?2) > 0 OR instr(body, ?2) > 0)`
)

const (
	selectRegistryPosition = `SELECT next_sequence FROM registry_positions WHERE municipality = ?`
	// The position only moves forward: an update that would not is no
	// update, and the store reports the conflict.
	upsertRegistryPosition = `INSERT INTO registry_positions (municipality, next_sequence) VALUES (?, ?)
		ON CONFLICT (municipality) DO UPDATE SET next_sequence = excluded.next_sequence
		WHERE registry_positions.next_sequence < excluded.next_sequence`
	registryNoticeCols   = `municipality, sequence, kind, child_id, to_municipality, recorded, handled_at, handled_by`
	insertRegistryNotice = `INSERT INTO registry_notices (` + registryNoticeCols + `) VALUES (?, ?, ?, ?, ?, ?, '', '')
		ON CONFLICT DO NOTHING`
	handleRegistryNotice = `UPDATE registry_notices SET handled_at = ?5, handled_by = ?6
		WHERE municipality = ?1 AND sequence = ?2 AND kind = ?3 AND child_id = ?4 AND handled_at = ''`
	existsRegistryNotice  = `SELECT 1 FROM registry_notices WHERE municipality = ? AND sequence = ? AND kind = ? AND child_id = ?`
	selectRegistryNotices = `SELECT ` + registryNoticeCols + ` FROM registry_notices WHERE municipality = ?
		ORDER BY sequence, kind, child_id`
)

var _ domain.RegistryStore = (*Store)(nil)

var errPositionBehind = &domain.ConflictError{Field: "sequence", Reason: "the-registers-feed-position-only-moves-forward"}

// RegistryPosition implements domain.RegistryStore.
func (s *Store) RegistryPosition(ctx context.Context, m domain.Municipality) (int64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	pos, err := queryOne(ctx, s, "registry position", selectRegistryPosition, func(r scanner) (int64, error) {
		var n int64
		return n, r.Scan(&n)
	}, m)
	if domain.IsNotFound(err) {
		return 1, nil
	}
	return pos, err
}

// SetRegistryPosition implements domain.RegistryStore.
func (s *Store) SetRegistryPosition(ctx context.Context, m domain.Municipality, next int64) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if next < 1 {
		return domain.Invalid("sequence", "not-positive")
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, upsertRegistryPosition, m, next)
		if err != nil {
			return writeErr(err, "registry position")
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			return errPositionBehind
		}
		return nil
	})
}

// AddRegistryNotice implements domain.RegistryStore.
func (s *Store) AddRegistryNotice(ctx context.Context, n domain.RegistryNotice) error {
	if err := n.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if s.mustExist(ctx, "child", childExists, n.Municipality, n.Child) != nil {
			return domain.Invalid("child", "no-such-child")
		}
		_, err := s.exec(ctx, insertRegistryNotice, n.Municipality, n.Sequence, n.Kind, n.Child,
			string(n.ToMunicipality), timeText(n.Recorded))
		return writeErr(err, "registry notice")
	})
}

// RegistryNotices implements domain.RegistryStore.
func (s *Store) RegistryNotices(ctx context.Context, m domain.Municipality) ([]domain.RegistryNotice, error) {
	return queryAll(ctx, s, selectRegistryNotices, func(r scanner) (domain.RegistryNotice, error) {
		var n domain.RegistryNotice
		var to, recorded, handled string
		if err := r.Scan(&n.Municipality, &n.Sequence, &n.Kind, &n.Child, &to, &recorded, &handled, &n.HandledBy); err != nil {
			return n, err
		}
		n.ToMunicipality = domain.Municipality(to)
		t, err := time.Parse(time.RFC3339Nano, recorded)
		if err != nil {
			return n, err
		}
		n.Recorded = t.In(domain.Oslo())
		if handled != "" {
			h, err := time.Parse(time.RFC3339Nano, handled)
			if err != nil {
				return n, err
			}
			n.Handled = h.In(domain.Oslo())
		}
		return n, nil
	}, m)
}

// HandleRegistryNotice implements domain.RegistryStore.
func (s *Store) HandleRegistryNotice(ctx context.Context, m domain.Municipality, sequence int64, kind string, child domain.ChildID, by string, at time.Time) error {
	if err := domain.ValidateHandled(m, by, at); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, handleRegistryNotice, m, sequence, kind, child, timeText(at), by)
		if err != nil {
			return writeErr(err, "registry notice")
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		if _, err := queryOne(ctx, s, "registry notice", existsRegistryNotice, func(r scanner) (int, error) {
			var one int
			return one, r.Scan(&one)
		}, m, sequence, kind, child); err != nil {
			return err
		}
		return &domain.ConflictError{Field: "handled", Reason: "the-notice-is-handled-already"}
	})
}

// RedactAddress implements domain.RegistryStore.
func (s *Store) RedactAddress(ctx context.Context, m domain.Municipality, street string) (int, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	if len([]rune(street)) < domain.MinRedactedStreet {
		return 0, domain.Invalid("street", "too-short-to-redact")
	}
	total := 0
	err := s.Atomic(ctx, func(ctx context.Context) error {
		for _, q := range []string{redactThreads, redactMessages, redactOutbox} {
			res, err := s.exec(ctx, q, m, street, domain.RedactedAddress)
			if err != nil {
				return writeErr(err, "redact address")
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			total += int(n)
		}
		return nil
	})
	return total, err
}
