package admissionweb

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// Decision letters: the admission decision as a domain.Document (written
// by package admission with the municipality's letter template), shown
// as a printable page and delivered as a PDF (PDF/A, for the archive)
// drawn by the PDF renderer the app was given. The letter is addressed to
// the guardian reading it, or, for the caseworker, to the child's first
// guardian with parental responsibility; a protected address is never
// printed (the letter goes to the digital mailbox).

// PDFRenderer draws a Document as a PDF (adapters/pdf's Renderer).
type PDFRenderer interface {
	Render(w io.Writer, doc domain.Document, created time.Time) error
}

// recipient is whom the letter about child is addressed to.
func (a *app) recipient(ctx context.Context, actor domain.Actor, child domain.ChildID) (domain.Party, error) {
	m := actor.Municipality
	id := actor.Guardian
	if actor.Role != domain.RoleGuardian {
		gs, err := a.Store.Guardianships(ctx, m, child)
		if err != nil {
			return domain.Party{}, err
		}
		for _, g := range gs {
			if g.ParentalResponsibility {
				id = g.GuardianID
				break
			}
		}
	}
	if id.IsZero() {
		return domain.Party{}, nil
	}
	g, err := a.Store.Guardian(ctx, m, id)
	if err != nil {
		return domain.Party{}, err
	}
	p := domain.Party{Name: g.GivenName + " " + g.FamilyName}
	if g.AddressProtection.Protected() {
		p.DigitalMailbox = true
		return p, nil
	}
	addr := g.ShownAddress()
	if s := strings.TrimSpace(addr.Street); s != "" {
		p.Lines = append(p.Lines, s)
	} else if s := strings.TrimSpace(addr.Cadastral); s != "" {
		p.Lines = append(p.Lines, s)
	}
	if s := strings.TrimSpace(addr.Postcode + " " + addr.PostTown); s != "" {
		p.Lines = append(p.Lines, s)
	}
	return p, nil
}

// caseworkerName is the display name of who decided: the staff member of
// the recorded login, else what was recorded.
func (a *app) caseworkerName(ctx context.Context, m domain.Municipality, by string) string {
	if by == "" {
		return ""
	}
	if s, err := a.Store.StaffByPrincipal(ctx, m, by); err == nil && s.Name != "" {
		return s.Name
	}
	return by
}

// decisionLetter reads the decision of the path's application and writes
// it as a letter in l; the read is audit-logged.
func (a *app) decisionLetter(ctx context.Context, r *http.Request, c *web.Call, l admission.Lang) (admission.Decision, domain.Document, error) {
	ap, err := a.childApplication(ctx, r, c)
	if err != nil {
		return admission.Decision{}, domain.Document{}, err
	}
	d, err := a.Admission().Decision(ctx, c.Actor, ap.ID)
	if err != nil {
		return d, domain.Document{}, err
	}
	d.DecidedBy = a.caseworkerName(ctx, c.Actor.Municipality, d.DecidedBy)
	t, err := a.Store.LetterTemplate(ctx, c.Actor.Municipality)
	if err != nil {
		return d, domain.Document{}, err
	}
	to, err := a.recipient(ctx, c.Actor, ap.Child)
	if err != nil {
		return d, domain.Document{}, err
	}
	if err := a.Audit(ctx, c.Actor, "admission.decision.read", "application/"+ap.ID.String(), c.ChildID); err != nil {
		return d, domain.Document{}, err
	}
	return d, d.Letter(l, t, to), nil
}

// decisionPDF writes the decision letter as a PDF (?lang= nb, nn or en;
// the page's language when left out).
func (a *app) decisionPDF(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	l := langOf(c)
	if r.URL.Query().Get("lang") != "" {
		var err error
		if l, err = letterLang(r); err != nil {
			return err
		}
	}
	if a.pdf == nil {
		return fmt.Errorf("admissionweb: no PDF renderer: %w", domain.ErrNotFound)
	}
	ctx := r.Context()
	d, doc, err := a.decisionLetter(ctx, r, c, l)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.pdf.Render(&buf, doc, a.Clock.Now()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="vedtak-%s-%s.pdf"`, d.Application, l))
	_, err = w.Write(buf.Bytes())
	return err
}
