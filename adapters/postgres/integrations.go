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

var _ domain.IntegrationStore = (*Store)(nil)

const pgIntegrationCols = `municipality, integration, version, state, endpoint, vals::text, changed_at, changed_by`

func scanIntegration(r scanner) (domain.IntegrationSetting, error) {
	var s domain.IntegrationSetting
	var m, i, state, vals string
	var at time.Time
	if err := r.Scan(&m, &i, &s.Version, &state, &s.Endpoint, &vals, &at, &s.ChangedBy); err != nil {
		return s, err
	}
	s.Municipality, s.Integration, s.State = domain.Municipality(m), domain.Integration(i), domain.IntegrationState(state)
	if err := json.Unmarshal([]byte(vals), &s.Values); err != nil {
		return s, fmt.Errorf("postgres: stored integration setting: %w", err)
	}
	if len(s.Values) == 0 {
		s.Values = nil
	}
	s.ChangedAt = at.UTC()
	return s, nil
}

func (s *Store) integrationRows(ctx context.Context, query string, args ...any) ([]domain.IntegrationSetting, error) {
	rows, err := s.q(ctx).Query(ctx, query, args...)
	if err != nil {
		return nil, dbError("read integration settings", err)
	}
	defer rows.Close()
	out := make([]domain.IntegrationSetting, 0)
	for rows.Next() {
		v, err := scanIntegration(rows)
		if err != nil {
			return nil, dbError("read integration settings", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("read integration settings", err)
	}
	return out, nil
}

// IntegrationSettings implements domain.IntegrationStore.
func (s *Store) IntegrationSettings(ctx context.Context, m domain.Municipality) ([]domain.IntegrationSetting, error) {
	ss, err := s.integrationRows(ctx, `SELECT `+pgIntegrationCols+` FROM integration_settings
		WHERE municipality = $1 AND superseded_at IS NULL`, string(m))
	if err != nil {
		return nil, err
	}
	return domain.SortIntegrationSettings(ss), nil
}

// IntegrationHistory implements domain.IntegrationStore.
func (s *Store) IntegrationHistory(ctx context.Context, m domain.Municipality, i domain.Integration) ([]domain.IntegrationSetting, error) {
	return s.integrationRows(ctx, `SELECT `+pgIntegrationCols+` FROM integration_settings
		WHERE municipality = $1 AND integration = $2 ORDER BY version DESC`, string(m), string(i))
}

// PutIntegrationSetting implements domain.IntegrationStore: the version
// before is marked superseded at the new one's time.
func (s *Store) PutIntegrationSetting(ctx context.Context, set domain.IntegrationSetting) error {
	if err := set.Validate(); err != nil {
		return err
	}
	vals := []byte("{}")
	if set.Values != nil {
		var err error
		if vals, err = json.Marshal(set.Values); err != nil {
			return fmt.Errorf("postgres: integration setting: %w", err)
		}
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var cur int
		// The current version, locked so that a concurrent save waits and
		// then finds it superseded.
		err := tx.QueryRow(ctx, `SELECT version FROM integration_settings
			WHERE municipality = $1 AND integration = $2 AND superseded_at IS NULL FOR UPDATE`,
			string(set.Municipality), string(set.Integration)).Scan(&cur)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return dbError("put integration setting", err)
		}
		if cur != set.Version-1 {
			return domain.IntegrationChanged()
		}
		if _, err := tx.Exec(ctx, `UPDATE integration_settings SET superseded_at = $4
			WHERE municipality = $1 AND integration = $2 AND version = $3`,
			string(set.Municipality), string(set.Integration), cur, set.ChangedAt); err != nil {
			return dbError("put integration setting", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO integration_settings (municipality, integration, version, state, endpoint, vals, changed_at, changed_by)
			VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
			string(set.Municipality), string(set.Integration), set.Version, string(set.State), set.Endpoint, string(vals), set.ChangedAt, set.ChangedBy)
		if err != nil {
			err = dbError("put integration setting", err)
			if ce := (*domain.ConflictError)(nil); errors.As(err, &ce) {
				return domain.IntegrationChanged() // saved at once by another
			}
			return err
		}
		return nil
	})
}
