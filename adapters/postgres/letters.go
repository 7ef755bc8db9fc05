package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/oppvekst/oppvekst/domain"
)

var _ domain.LetterTemplateStore = (*Store)(nil)

// PutLetterTemplate implements domain.LetterTemplateStore.
func (s *Store) PutLetterTemplate(ctx context.Context, t domain.LetterTemplate) error {
	if err := t.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("postgres: letter template: %w", err)
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO letter_templates (municipality, body) VALUES ($1, $2)
			ON CONFLICT (municipality) DO UPDATE SET body = excluded.body`, string(t.Municipality), string(body))
		if err != nil {
			return dbError("put letter template", err)
		}
		return nil
	})
}

// LetterTemplate implements domain.LetterTemplateStore: the zero template
// of the municipality when it has saved none.
func (s *Store) LetterTemplate(ctx context.Context, m domain.Municipality) (domain.LetterTemplate, error) {
	var body []byte
	err := s.q(ctx).QueryRow(ctx, `SELECT body::text FROM letter_templates WHERE municipality = $1`, string(m)).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.LetterTemplate{Municipality: m}, nil
	}
	if err != nil {
		return domain.LetterTemplate{}, dbError("read letter template", err)
	}
	var t domain.LetterTemplate
	if err := json.Unmarshal(body, &t); err != nil {
		return t, fmt.Errorf("postgres: stored letter template: %w", err)
	}
	t.Municipality = m
	return t, nil
}
