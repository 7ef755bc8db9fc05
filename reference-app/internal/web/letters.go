package web

import (
	"context"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// LetterTemplate is the municipality's letter template (domain.LetterTemplate,
// kept by the administrator at /admin/letter-template) for every letter and
// invoice the app writes, so a decision and an invoice carry the same
// letterhead, address and organisation number. A municipality that has
// saved no letterhead yet writes under its name, never under a bare
// "the municipality": the appeal paragraph names where to send the appeal.
func (a *App) LetterTemplate(ctx context.Context, m domain.Municipality) (domain.LetterTemplate, error) {
	t := domain.LetterTemplate{Municipality: m}
	if s, ok := a.Store.(domain.LetterTemplateStore); ok {
		var err error
		if t, err = s.LetterTemplate(ctx, m); err != nil {
			return domain.LetterTemplate{}, err
		}
		t.Municipality = m
	}
	if strings.TrimSpace(t.SenderName) == "" {
		t.SenderName = MunicipalityName(m)
	}
	return t, nil
}

// MunicipalityName is the name of a municipality this deployment serves,
// its number when it has none.
func MunicipalityName(m domain.Municipality) string {
	if n := demo.MunicipalityNames[m]; n != "" {
		return n
	}
	return string(m)
}
