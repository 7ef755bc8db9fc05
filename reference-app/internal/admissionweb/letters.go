package admissionweb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
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

// recipient is whom the letter about child is addressed to
// (web.App.LetterRecipient).
func (a *app) recipient(ctx context.Context, actor domain.Actor, child domain.ChildID) (domain.Party, error) {
	_, p, err := a.LetterRecipient(ctx, actor, child)
	return p, err
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
	t, err := a.LetterTemplate(ctx, c.Actor.Municipality)
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
	return a.writePDF(w, doc, fmt.Sprintf("vedtak-%s-%s.pdf", d.Application, l))
}

// schoolLetterRoutes are the school start and school change letters.
func (a *app) schoolLetterRoutes() []web.Route {
	api := "/api/v1/children/{childId}/school-start/{intakeId}/letter"
	page := "/children/{childId}/school-start/{intakeId}/letter"
	query := map[string]string{"kind": "start (the school the child starts at; the default) or change (the decided request for another school)",
		"lang": "nb, nn or en (the user's language when left out)"}
	return []web.Route{
		{Method: "GET", Path: api, Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "The school start decision (the catchment school) or the decision on a request for another school, as a letter (enkeltvedtak) as data", Response: SchoolLetterView{}, Query: query, Handle: a.apiSchoolLetter},
		{Method: "GET", Path: api + ".pdf", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "The school start or school change decision letter as a PDF/A (application/pdf)", Response: "", ContentType: "application/pdf", Query: query, Handle: a.schoolLetterPDF},
		{Method: "GET", Path: page, Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.schoolLetterPage},
		{Method: "GET", Path: page + ".pdf", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.schoolLetterPDF},
	}
}

// SchoolLetterView is a school start or school change decision as data
// and as a letter.
type SchoolLetterView struct {
	Letter   admission.SchoolLetter `json:"letter"`
	Document domain.Document        `json:"document"`
}

// pageLang is ?lang= when given, else the user's language.
func pageLang(r *http.Request, c *web.Call) (admission.Lang, error) {
	if r.URL.Query().Get("lang") == "" {
		return langOf(c), nil
	}
	return letterLang(r)
}

// schoolLetter reads the child's school start in the path's intake and
// writes the letter ?kind= asks for; the read is audit-logged.
func (a *app) schoolLetter(ctx context.Context, r *http.Request, c *web.Call, l admission.Lang) (admission.SchoolLetter, domain.Document, error) {
	var none admission.SchoolLetter
	intake, err := api.PathID[admission.Intake](r, "intakeId")
	if err != nil {
		return none, domain.Document{}, err
	}
	kind := r.URL.Query().Get("kind")
	if kind != "" && kind != "start" && kind != "change" {
		return none, domain.Document{}, api.Unprocessable("invalid-query", "kind is not start or change", domain.FieldError{Field: "kind", Reason: "must-be-start-or-change"})
	}
	m := c.Actor.Municipality
	v, err := a.Admission().ChildSchoolStart(ctx, c.Actor, c.ChildID)
	if err != nil {
		return none, domain.Document{}, err
	}
	i := slices.IndexFunc(v.Starters, func(st admission.SchoolStarter) bool { return st.Intake == intake })
	if i < 0 {
		return none, domain.Document{}, fmt.Errorf("admissionweb: no school start in the intake: %w", domain.ErrNotFound)
	}
	st := v.Starters[i]
	var q *admission.SchoolRequest
	if kind == "change" {
		j := slices.IndexFunc(v.Requests, func(q admission.SchoolRequest) bool { return q.Intake == intake && !q.Open() })
		if j < 0 {
			return none, domain.Document{}, fmt.Errorf("admissionweb: no decided request in the intake: %w", domain.ErrNotFound)
		}
		q = &v.Requests[j]
	} else if st.Unit.IsZero() {
		return none, domain.Document{}, fmt.Errorf("admissionweb: no school assigned yet: %w", domain.ErrNotFound)
	}
	sl, err := a.newSchoolLetter(ctx, m, st, q)
	if err != nil {
		return none, domain.Document{}, err
	}
	t, err := a.LetterTemplate(ctx, m)
	if err != nil {
		return none, domain.Document{}, err
	}
	to, err := a.recipient(ctx, c.Actor, c.ChildID)
	if err != nil {
		return none, domain.Document{}, err
	}
	if err := a.Audit(ctx, c.Actor, "admission.school-letter.read", "school-start/"+intake.String(), c.ChildID); err != nil {
		return none, domain.Document{}, err
	}
	return sl, sl.Letter(l, t, to), nil
}

// newSchoolLetter gathers the letter data of the starter's school start
// decision, or with q of the decision on the request for another school,
// the caseworker named as a person reads it.
func (a *app) newSchoolLetter(ctx context.Context, m domain.Municipality, st admission.SchoolStarter, q *admission.SchoolRequest) (admission.SchoolLetter, error) {
	ch, err := a.Store.Child(ctx, m, st.Child)
	if err != nil {
		return admission.SchoolLetter{}, err
	}
	in, err := a.Store.Intake(ctx, m, st.Intake)
	if err != nil {
		return admission.SchoolLetter{}, err
	}
	unitName := func(id domain.UnitID) (string, error) {
		if id.IsZero() {
			return "", nil
		}
		u, err := a.Store.Unit(ctx, m, id)
		return u.Name, err
	}
	childName := ch.GivenName + " " + ch.FamilyName
	var sl admission.SchoolLetter
	if q != nil {
		asked, err := unitName(q.Unit)
		if err != nil {
			return sl, err
		}
		catchment, err := unitName(st.Catchment)
		if err != nil {
			return sl, err
		}
		if sl, err = admission.NewSchoolChangeLetter(*q, childName, in, asked, catchment); err != nil {
			return sl, err
		}
	} else {
		school, err := unitName(st.Catchment)
		if err != nil {
			return sl, err
		}
		if school == "" {
			if school, err = unitName(st.Unit); err != nil {
				return sl, err
			}
		}
		if sl, err = admission.NewSchoolStartLetter(st, childName, in, school); err != nil {
			return sl, err
		}
	}
	sl.DecidedBy = a.caseworkerName(ctx, m, sl.DecidedBy)
	return sl, nil
}

func (a *app) apiSchoolLetter(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	l, err := letterLang(r)
	if err != nil {
		return err
	}
	sl, doc, err := a.schoolLetter(r.Context(), r, c, l)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, SchoolLetterView{Letter: sl, Document: doc})
	return nil
}

func (a *app) schoolLetterPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	sl, doc, err := a.schoolLetter(r.Context(), r, c, langOf(c))
	if err != nil {
		return err
	}
	base := "/children/" + c.ChildID.String() + "/school-start"
	content := decisionContent{Child: sl.ChildName, Intake: sl.Intake, Doc: doc, Back: base,
		PDF: r.URL.Path + ".pdf?" + r.URL.RawQuery}
	a.Page(w, r, c, http.StatusOK, "admission_decision", "admission.decision.letter", content)
	return nil
}

func (a *app) schoolLetterPDF(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	l, err := pageLang(r, c)
	if err != nil {
		return err
	}
	if a.pdf == nil {
		return fmt.Errorf("admissionweb: no PDF renderer: %w", domain.ErrNotFound)
	}
	_, doc, err := a.schoolLetter(r.Context(), r, c, l)
	if err != nil {
		return err
	}
	kind := "skolestart"
	if r.URL.Query().Get("kind") == "change" {
		kind = "skolebytte"
	}
	return a.writePDF(w, doc, fmt.Sprintf("vedtak-%s-%s-%s.pdf", kind, c.ChildID, l))
}

// writePDF draws doc and sends it with its file name.
func (a *app) writePDF(w http.ResponseWriter, doc domain.Document, name string) error {
	var buf bytes.Buffer
	if err := a.pdf.Render(&buf, doc, a.Clock.Now()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	_, err := w.Write(buf.Bytes())
	return err
}

// archiveDecisions writes the municipality's archive copy of every
// decision of the approved run (in bokmål, to the guardian with parental
// responsibility), in the approval's transaction: one outbox delivery per
// application, keyed by the run and the application, so an approval is
// archived once (web.App.ArchiveDecision). An application without a
// decision (withdrawn before the run) is left out.
func (a *app) archiveDecisions(ctx context.Context, c *web.Call, id admission.RunID) error {
	m := c.Actor.Municipality
	run, err := a.Store.Run(ctx, m, id)
	if err != nil {
		return err
	}
	t, err := a.LetterTemplate(ctx, m)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, res := range run.Results {
		d, err := a.Admission().Decision(ctx, c.Actor, res.Application)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if n, ok := names[d.DecidedBy]; ok {
			d.DecidedBy = n
		} else {
			n = a.caseworkerName(ctx, m, d.DecidedBy)
			names[d.DecidedBy], d.DecidedBy = n, n
		}
		g, to, err := a.LetterRecipient(ctx, c.Actor, d.Child)
		if err != nil {
			return err
		}
		doc := d.Letter(admission.Bokmal, t, to)
		if _, err := a.ArchiveDecision(ctx, web.ArchiveDecision{Municipality: m, Kind: "admission-decision",
			Key: "admission-decision/" + id.String() + "/" + res.Application.String(), Guardian: g, Letter: doc,
			Folder: "application/" + res.Application.String(), Title: doc.Title + " – " + d.ChildName, PublicTitle: doc.Title,
			Caseworker: d.DecidedBy}); err != nil {
			return err
		}
	}
	return nil
}

// archiveSchoolStarts writes the archive copy of the school start
// decision of every starter just registered with a school (in bokmål, to
// the guardian with parental responsibility), in the registration's
// transaction: one outbox delivery per child and intake, so registering
// again archives nobody twice (web.App.ArchiveDecision). A starter the
// catchment table found no school for has no decision yet and is left
// out.
func (a *app) archiveSchoolStarts(ctx context.Context, c *web.Call, sts []admission.SchoolStarter) error {
	m := c.Actor.Municipality
	t, err := a.LetterTemplate(ctx, m)
	if err != nil {
		return err
	}
	for _, st := range sts {
		if st.Unit.IsZero() {
			continue
		}
		sl, err := a.newSchoolLetter(ctx, m, st, nil)
		if err != nil {
			return err
		}
		if err := a.archiveSchoolLetter(ctx, c, t, st.Child, sl, "school-start-decision",
			"school-start-decision/"+st.Intake.String()+"/"+st.Child.String()); err != nil {
			return err
		}
	}
	return nil
}

// archiveSchoolChange writes the archive copy of the decision on a
// request for another school (granted or refused), in the decision's
// transaction, keyed by the request: a request is decided, and archived,
// once.
func (a *app) archiveSchoolChange(ctx context.Context, c *web.Call, q admission.SchoolRequest) error {
	m := c.Actor.Municipality
	sts, err := a.Store.ChildSchoolStarters(ctx, m, q.Child)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(sts, func(st admission.SchoolStarter) bool { return st.Intake == q.Intake })
	if i < 0 {
		return domain.Invalid("child", admission.ReasonNotStarter)
	}
	sl, err := a.newSchoolLetter(ctx, m, sts[i], &q)
	if err != nil {
		return err
	}
	t, err := a.LetterTemplate(ctx, m)
	if err != nil {
		return err
	}
	return a.archiveSchoolLetter(ctx, c, t, q.Child, sl, "school-change-decision", "school-change-decision/"+q.ID.String())
}

// archiveSchoolLetter archives a school letter under key; the decision's
// own key is its case folder's.
func (a *app) archiveSchoolLetter(ctx context.Context, c *web.Call, t domain.LetterTemplate, child domain.ChildID, sl admission.SchoolLetter, kind, key string) error {
	g, to, err := a.LetterRecipient(ctx, c.Actor, child)
	if err != nil {
		return err
	}
	doc := sl.Letter(admission.Bokmal, t, to)
	_, err = a.ArchiveDecision(ctx, web.ArchiveDecision{Municipality: c.Actor.Municipality, Kind: kind, Key: key,
		Guardian: g, Letter: doc, Folder: key, Title: doc.Title + " – " + sl.ChildName, PublicTitle: doc.Title,
		Caseworker: sl.DecidedBy})
	return err
}
