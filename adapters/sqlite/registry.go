package sqlite

import (
	"context"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// registryQueries are the statements of the registry store port that Open
// prepares.
var registryQueries = []string{selectRegistryPosition, upsertRegistryPosition, insertRegistryNotice, selectRegistryNotices}

const (
	selectRegistryPosition = `SELECT next_sequence FROM registry_positions WHERE municipality = ?`
	// The position only moves forward: an update that would not is no
	// update, and the store reports the conflict.
	upsertRegistryPosition = `INSERT INTO registry_positions (municipality, next_sequence) VALUES (?, ?)
		ON CONFLICT (municipality) DO UPDATE SET next_sequence = excluded.next_sequence
		WHERE registry_positions.next_sequence < excluded.next_sequence`
	registryNoticeCols   = `municipality, sequence, kind, child_id, to_municipality, recorded`
	insertRegistryNotice = `INSERT INTO registry_notices (` + registryNoticeCols + `) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`
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
		var to, recorded string
		if err := r.Scan(&n.Municipality, &n.Sequence, &n.Kind, &n.Child, &to, &recorded); err != nil {
			return n, err
		}
		n.ToMunicipality = domain.Municipality(to)
		t, err := time.Parse(time.RFC3339Nano, recorded)
		n.Recorded = t.In(domain.Oslo())
		return n, err
	}, m)
}
