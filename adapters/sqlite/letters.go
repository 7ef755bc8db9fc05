package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

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
		return fmt.Errorf("sqlite: letter template: %w", err)
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, `INSERT INTO letter_templates (municipality, body) VALUES (?, ?)
			ON CONFLICT (municipality) DO UPDATE SET body = excluded.body`, t.Municipality, string(body))
		return writeErr(err, "letter template")
	})
}

// LetterTemplate implements domain.LetterTemplateStore: the zero template
// of the municipality when it has saved none.
func (s *Store) LetterTemplate(ctx context.Context, m domain.Municipality) (domain.LetterTemplate, error) {
	t, err := queryOne(ctx, s, "letter template", `SELECT body FROM letter_templates WHERE municipality = ?`,
		scanJSON[domain.LetterTemplate], m)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.LetterTemplate{Municipality: m}, nil
	}
	if err != nil {
		return domain.LetterTemplate{}, err
	}
	t.Municipality = m
	return t, nil
}
