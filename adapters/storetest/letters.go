package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// LetterStore is a store with the directory and the municipalities' letter
// templates.
type LetterStore interface {
	domain.Store
	domain.LetterTemplateStore
}

// RunLetters runs the letter template's suite against stores made by
// newStore: none saved reads as the zero template of the municipality,
// a template is saved, read back and replaced, an invalid one is refused
// with field and reason and nothing written, each municipality has its
// own, and a save inside a rolled back transaction is not kept.
func RunLetters(t *testing.T, newStore func(t *testing.T) LetterStore) {
	t.Run("Template", func(t *testing.T) { testLetterTemplate(t, newStore(t)) })
}

func testLetterTemplate(t *testing.T, s LetterStore) {
	ctx := ctxFor(t)
	got, err := s.LetterTemplate(ctx, Oslo)
	require.NoError(t, err, "none saved is not an error")
	assert.Equal(t, domain.LetterTemplate{Municipality: Oslo}, got)

	tmpl := domain.LetterTemplate{
		Municipality: Oslo,
		SenderName:   "Oslo kommune, oppvekst",
		SenderLines:  []string{"Postboks 1", "0101 Oslo"},
		OrgNumber:    "974 770 482",
		Contact:      "Telefon 21 80 21 80 · postmottak@oslo.kommune.no",
		AppealBody:   "Statsforvalteren i Oslo og Viken",
		Opening:      map[string]string{"nb": "Takk for søknaden.", "nn": "Takk for søknaden.", "en": "Thank you for applying."},
		Closing:      map[string]string{"nb": "Ta kontakt om du lurer på noe."},
	}
	bad := tmpl
	bad.OrgNumber = "12345"
	bad.Opening = map[string]string{"de": "Danke"}
	err = s.PutLetterTemplate(ctx, bad)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ElementsMatch(t, []domain.FieldError{{Field: "orgNumber", Reason: "org-number-must-be-9-digits"},
		{Field: "opening.de", Reason: "unknown-language"}}, ve.Fields)
	got, err = s.LetterTemplate(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, domain.LetterTemplate{Municipality: Oslo}, got, "a refused write stores nothing")

	require.NoError(t, s.PutLetterTemplate(ctx, tmpl))
	got, err = s.LetterTemplate(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, tmpl, got)

	tmpl.Closing = nil
	tmpl.AppealBody = "Oslo kommunes klagenemnd"
	require.NoError(t, s.PutLetterTemplate(ctx, tmpl), "replaced")
	got, err = s.LetterTemplate(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, tmpl, got)

	got, err = s.LetterTemplate(ctx, Bergen)
	require.NoError(t, err)
	assert.Equal(t, domain.LetterTemplate{Municipality: Bergen}, got, "scoped by municipality")
	bergen := domain.LetterTemplate{Municipality: Bergen, SenderName: "Bergen kommune"}
	require.NoError(t, s.PutLetterTemplate(ctx, bergen))
	got, err = s.LetterTemplate(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, tmpl, got, "Bergen's save leaves Oslo's alone")

	boom := errors.New("boom")
	err = s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.PutLetterTemplate(ctx, domain.LetterTemplate{Municipality: Oslo, SenderName: "Rolled back"}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	got, err = s.LetterTemplate(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, tmpl, got, "rolled back")
}
