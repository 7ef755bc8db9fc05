package domain

import "context"

// LetterTemplateStore keeps each municipality's LetterTemplate.
type LetterTemplateStore interface {
	// LetterTemplate returns the municipality's template; when none is
	// saved it returns the zero template with Municipality set, never
	// ErrNotFound, so a letter can always be written.
	LetterTemplate(ctx context.Context, m Municipality) (LetterTemplate, error)
	// PutLetterTemplate validates t and saves it, replacing the
	// municipality's template.
	PutLetterTemplate(ctx context.Context, t LetterTemplate) error
}
