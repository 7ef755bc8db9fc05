package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oppvekst/oppvekst/domain"
)

var _ domain.RegistryStore = (*Store)(nil)

// RegistryPosition implements domain.RegistryStore.
func (s *Store) RegistryPosition(ctx context.Context, m domain.Municipality) (int64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	var next int64
	err := s.q(ctx).QueryRow(ctx, `SELECT next_sequence FROM registry_positions WHERE municipality = $1`, string(m)).Scan(&next)
	if errors.Is(err, pgx.ErrNoRows) {
		return 1, nil
	}
	if err != nil {
		return 0, dbError("read registry position", err)
	}
	return next, nil
}

// SetRegistryPosition implements domain.RegistryStore.
func (s *Store) SetRegistryPosition(ctx context.Context, m domain.Municipality, next int64) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if next < 1 {
		return domain.Invalid("sequence", "not-positive")
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		// The position only moves forward: an update that would not is no
		// update. The row lock makes a second applier of the same change
		// wait for the first and then find the position taken.
		n, err := exec(ctx, tx, "write registry position", `INSERT INTO registry_positions (municipality, next_sequence) VALUES ($1, $2)
			ON CONFLICT (municipality) DO UPDATE SET next_sequence = excluded.next_sequence
			WHERE registry_positions.next_sequence < excluded.next_sequence`, string(m), next)
		if err != nil {
			return err
		}
		if n == 0 {
			return &domain.ConflictError{Field: "sequence", Reason: "the-registers-feed-position-only-moves-forward"}
		}
		return nil
	})
}

// AddRegistryNotice implements domain.RegistryStore.
func (s *Store) AddRegistryNotice(ctx context.Context, n domain.RegistryNotice) error {
	if err := n.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM children WHERE municipality = $1 AND id = $2)`,
			string(n.Municipality), uid(n.Child)).Scan(&ok); err != nil {
			return dbError("check child", err)
		}
		if !ok {
			return domain.Invalid("child", "no-such-child")
		}
		_, err := exec(ctx, tx, "add registry notice", `INSERT INTO registry_notices
			(municipality, sequence, kind, child_id, to_municipality, recorded) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT DO NOTHING`,
			string(n.Municipality), n.Sequence, n.Kind, uid(n.Child), string(n.ToMunicipality), n.Recorded)
		return err
	})
}

// RegistryNotices implements domain.RegistryStore.
func (s *Store) RegistryNotices(ctx context.Context, m domain.Municipality) ([]domain.RegistryNotice, error) {
	return list(ctx, s.q(ctx), "registry notices", m, func(row scanner, m domain.Municipality) (domain.RegistryNotice, error) {
		n := domain.RegistryNotice{Municipality: m}
		var handled *time.Time
		err := row.Scan(&n.Sequence, &n.Kind, scanID(&n.Child), stringScan[domain.Municipality]{&n.ToMunicipality}, &n.Recorded, &handled, &n.HandledBy)
		n.Recorded = n.Recorded.In(domain.Oslo())
		if handled != nil {
			n.Handled = handled.In(domain.Oslo())
		}
		return n, err
	}, `SELECT sequence, kind, child_id, to_municipality, recorded, handled_at, handled_by FROM registry_notices WHERE municipality = $1
		ORDER BY sequence, kind, child_id`, string(m))
}

// HandleRegistryNotice implements domain.RegistryStore.
func (s *Store) HandleRegistryNotice(ctx context.Context, m domain.Municipality, sequence int64, kind string, child domain.ChildID, by string, at time.Time) error {
	if err := domain.ValidateHandled(m, by, at); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "handle registry notice", `UPDATE registry_notices SET handled_at = $5, handled_by = $6
			WHERE municipality = $1 AND sequence = $2 AND kind = $3 AND child_id = $4 AND handled_at IS NULL`,
			string(m), sequence, kind, uid(child), at, by)
		if err != nil || n == 1 {
			return err
		}
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM registry_notices
			WHERE municipality = $1 AND sequence = $2 AND kind = $3 AND child_id = $4)`,
			string(m), sequence, kind, uid(child)).Scan(&ok); err != nil {
			return dbError("check registry notice", err)
		}
		if !ok {
			return fmt.Errorf("postgres: registry notice: %w", domain.ErrNotFound)
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
	err := s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		total = 0
		for _, q := range []string{
			`UPDATE msg_threads SET subject = replace(subject, $2, $3) WHERE municipality = $1 AND strpos(subject, $2) > 0`,
			`UPDATE msg_messages SET body = replace(body, $2, $3) WHERE municipality = $1 AND strpos(body, $2) > 0`,
			`UPDATE msg_outbox SET subject = replace(subject, $2, $3), body = replace(body, $2, $3)
				WHERE municipality = $1 AND (strpos(subject, $2) > 0 OR strpos(body, $2) > 0)`,
		} {
			n, err := exec(ctx, tx, "redact address", q, string(m), street, domain.RedactedAddress)
			if err != nil {
				return err
			}
			total += int(n)
		}
		return nil
	})
	return total, err
}
