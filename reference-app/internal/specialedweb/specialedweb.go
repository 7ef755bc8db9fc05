// Package specialedweb is special education (package specialed) in the
// reference app: the pages and API of the case of one child from a
// concern to the decision, the plan and the reports.
//
//   - Staff of the child's unit record a concern (/special-education/new),
//     see the cases given to them and write the plan and the reports.
//   - A guardian with parental responsibility sees the child's case: where
//     it stands, what waits on them, gives or withdraws consent, reads the
//     documents and the decision letter (a printable page and a PDF).
//   - PPT's staff see the cases referred to them and record the expert
//     assessment with its recommendation.
//   - Caseworkers granted domain.CapSpecialEd see every open case of the
//     municipality, overdue steps first, and make the decision; a
//     decision that departs from PPT's recommendation needs its reasons,
//     and a refused form comes back with what was typed and the field's
//     error in the user's language.
//   - Everyone who sees a case lists, downloads and adds its attachments
//     (the case page's upload form, or the API with the file in base64);
//     a download is sent as an attachment with nosniff, never shown.
//
// Who sees a case is the library's to decide (specialed.Service): every
// route admits any logged-in actor and the service answers 404 to anyone
// who may not see the case, so that not even its existence leaks. Every
// read is audit-logged by the service. RemindEvery is the background job
// that sends the notices of steps that wait (one per step and deadline,
// however often it runs): to the guardians, and by e-mail to the staff an
// overdue step waits on, at their work address (set on the staff admin
// pages), with a link to the case page under web.App.PublicURL. A step
// whose reminder reached nobody for want of an address is flagged on the
// worklist and the case page.
package specialedweb

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/specialed"
)

// PDFRenderer draws a Document as a PDF (adapters/pdf's Renderer).
type PDFRenderer interface {
	Render(w io.Writer, doc domain.Document, created time.Time) error
}

// app is the shell as the special-education handlers see it.
type app struct {
	*web.App
	pdf PDFRenderer
}

//go:embed templates/specialed_*.html
var templates embed.FS

//go:embed messages/specialed.*.json
var messages embed.FS

// Tag is the capability's group in /openapi.json: PolicyCaseworker checks
// it against the caseworker's grants (domain.CapSpecialEd).
const Tag = string(domain.CapSpecialEd)

// New returns special education's part of the app, for web.App.Mount;
// pdf draws the decision letters' PDFs (nil: none, 404).
func New(shell *web.App, pdf PDFRenderer) web.Capability {
	a := &app{App: shell, pdf: pdf}
	return web.Capability{Tag: Tag,
		About:  "Special education: the case of a child from a concern through consent, PPT's expert assessment and the individual decision to the plan and the reports; seen only by the guardians with parental responsibility, the unit's staff given the case, PPT and the municipality's special-education caseworkers",
		Routes: a.routes(), Pages: templates, Messages: messages,
		Menus: []web.MenuItem{{Roles: []domain.Role{domain.RoleGuardian, domain.RoleStaff, domain.RoleCaseworker}, Path: "/special-education", Key: "specialed.menu", Capability: domain.CapSpecialEd}}}
}

// errNoStore is the answer when the app's store keeps no cases.
var errNoStore = fmt.Errorf("specialedweb: the store keeps no special-education cases: %w", domain.ErrUnavailable)

// service is the library's service on the app's store, clock and
// messaging (the notices to guardians go to messaging's outbox in the
// transaction that raises them).
func (a *app) service() (*specialed.Service, error) {
	return Service(a.App)
}

// Service is the special-education service of the app.
func Service(a *web.App) (*specialed.Service, error) {
	st, ok := a.Store.(specialed.ServiceStore)
	if !ok {
		return nil, errNoStore
	}
	return &specialed.Service{Store: st, Clock: a.Clock, Notifier: a.Messaging(), CaseURL: func(id specialed.CaseID) string {
		return strings.TrimSuffix(a.PublicURL, "/") + pageBase + "/cases/" + id.String()
	}}, nil
}

// RemindEvery runs Remind now and then every interval until ctx ends.
func RemindEvery(ctx context.Context, a *web.App, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		Remind(ctx, a)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Remind sends the notices of the steps that wait, in every municipality
// served (specialed.Service.Remind: once per step, deadline and person,
// however often it runs). It returns how many it sent.
func Remind(ctx context.Context, a *web.App) int {
	s, err := Service(a)
	if err != nil {
		return 0
	}
	total := 0
	for _, m := range a.Municipalities {
		n, err := s.Remind(ctx, domain.SystemActor(m, "special-education-reminders"))
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			a.Log.Error("special-education reminders", "municipality", m, "err", err)
		case n > 0:
			a.Log.Info("special-education reminders sent", "municipality", m, "count", n)
		}
		total += n
	}
	return total
}
