package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

var _ domain.IntegrationStore = (*Store)(nil)

const integrationCols = `municipality, integration, version, state, endpoint, vals, changed_at, changed_by`

func scanIntegration(r scanner) (domain.IntegrationSetting, error) {
	var s domain.IntegrationSetting
	var vals string
	var at int64
	if err := r.Scan(&s.Municipality, &s.Integration, &s.Version, &s.State, &s.Endpoint, &vals, &at, &s.ChangedBy); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(vals), &s.Values); err != nil {
		return s, fmt.Errorf("integration setting values: %w", err)
	}
	if len(s.Values) == 0 {
		s.Values = nil
	}
	s.ChangedAt = time.Unix(0, at).UTC()
	return s, nil
}

// IntegrationSettings implements domain.IntegrationStore.
func (s *Store) IntegrationSettings(ctx context.Context, m domain.Municipality) ([]domain.IntegrationSetting, error) {
	ss, err := queryAll(ctx, s, `SELECT `+integrationCols+` FROM integration_settings
		WHERE municipality = ? AND superseded_at IS NULL`, scanIntegration, m)
	if err != nil {
		return nil, err
	}
	return domain.SortIntegrationSettings(ss), nil
}

// IntegrationHistory implements domain.IntegrationStore.
func (s *Store) IntegrationHistory(ctx context.Context, m domain.Municipality, i domain.Integration) ([]domain.IntegrationSetting, error) {
	return queryAll(ctx, s, `SELECT `+integrationCols+` FROM integration_settings
		WHERE municipality = ? AND integration = ? ORDER BY version DESC`, scanIntegration, m, i)
}

// PutIntegrationSetting implements domain.IntegrationStore: the version
// before is marked superseded at the new one's time.
func (s *Store) PutIntegrationSetting(ctx context.Context, set domain.IntegrationSetting) error {
	if err := set.Validate(); err != nil {
		return err
	}
	vals, err := json.Marshal(set.Values)
	if err != nil {
		return fmt.Errorf("sqlite: integration setting: %w", err)
	}
	if set.Values == nil {
		vals = []byte("{}")
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		cur, err := queryOne(ctx, s, "integration setting", `SELECT coalesce(max(version), 0) FROM integration_settings
			WHERE municipality = ? AND integration = ?`, func(r scanner) (int, error) {
			var n int
			return n, r.Scan(&n)
		}, set.Municipality, set.Integration)
		if err != nil {
			return err
		}
		if cur != set.Version-1 {
			return domain.IntegrationChanged()
		}
		if _, err := s.exec(ctx, `UPDATE integration_settings SET superseded_at = ?
			WHERE municipality = ? AND integration = ? AND version = ?`,
			set.ChangedAt.UnixNano(), set.Municipality, set.Integration, cur); err != nil {
			return writeErr(err, "integration setting")
		}
		_, err = s.exec(ctx, `INSERT INTO integration_settings (`+integrationCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			set.Municipality, set.Integration, set.Version, set.State, set.Endpoint, string(vals), set.ChangedAt.UnixNano(), set.ChangedBy)
		if err = writeErr(err, "integration setting"); err != nil {
			if ce := (*domain.ConflictError)(nil); errors.As(err, &ce) {
				return domain.IntegrationChanged() // saved at once by another
			}
			return err
		}
		return nil
	})
}
