package specialedweb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/specialed"
)

const (
	apiBase  = "/api/v1/special-education"
	pageBase = "/special-education"
)

func (a *app) routes() []web.Route {
	lang := map[string]string{"lang": "the letter's language: nb, nn or en (the request's language when absent)"}
	return []web.Route{
		{Method: "GET", Path: apiBase + "/worklist", Kind: web.KindAPI, Policy: web.PolicyLoggedIn,
			Summary: "The open cases the caller sees with the step each waits for, overdue steps first (a caseworker of the capability: the municipality's; a unit leader: the unit's; staff and PPT: the cases given them; a guardian: their children's)", Response: []ItemView{}, Handle: a.apiWorklist},
		{Method: "POST", Path: apiBase + "/cases", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Status: http.StatusCreated,
			Summary: "Record a concern about a child placed at the caller's unit and open the case (staff of the unit)", Body: OpenRequest{}, Response: CaseView{}, Handle: a.apiOpen},
		{Method: "GET", Path: apiBase + "/cases/{caseId}", Kind: web.KindAPI, Policy: web.PolicyLoggedIn,
			Summary: "A case: where it stands, what it waits for, its history and documents (404 to anyone who may not see it)", Response: CaseView{}, Handle: a.apiCase},
		{Method: "POST", Path: apiBase + "/cases/{caseId}/steps", Kind: web.KindAPI, Policy: web.PolicyLoggedIn,
			Summary: "Record a step of the case: consent or its withdrawal (a guardian with parental responsibility), referral, PPT's assessment, the decision (reasons required where it departs from PPT's recommendation), plan, report, end", Body: StepRequest{}, Response: CaseView{}, Handle: a.apiStep},
		{Method: "POST", Path: apiBase + "/cases/{caseId}/documents", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Status: http.StatusCreated,
			Summary: "Save a new version of a case document (assessment by PPT, decision by the caseworker, plan and report by the unit's staff); a version that is not the next one is 409", Body: DocumentRequest{}, Response: specialed.Document{}, Handle: a.apiDocument},
		{Method: "GET", Path: apiBase + "/cases/{caseId}/letter", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Query: lang,
			Summary: "The decision letter (enkeltvedtak) as data: what is decided, why, where it departs from PPT and why, and the appeal information (404 before the decision)", Response: domain.Document{}, Handle: a.apiLetter},
		{Method: "GET", Path: apiBase + "/cases/{caseId}/letter.pdf", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Query: lang, ContentType: "application/pdf",
			Summary: "The decision letter as a PDF/A (application/pdf)", Response: "", Handle: a.letterPDF},
		{Method: "POST", Path: apiBase + "/cases/{caseId}/attachments", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Status: http.StatusCreated,
			Summary: "Add a file to the case (anyone who sees the case): its name, media type and content in base64, at most specialed.MaxAttachment bytes; answers its metadata", Body: AttachmentRequest{}, Response: specialed.Attachment{}, BodyLimit: attachmentBodyLimit, Handle: a.apiAddAttachment},
		{Method: "GET", Path: apiBase + "/cases/{caseId}/attachments", Kind: web.KindAPI, Policy: web.PolicyLoggedIn,
			Summary: "The case's attachments without their content: name, media type, size, who added it and when (404 to anyone who may not see the case)", Response: []specialed.Attachment{}, Handle: a.apiAttachments},
		{Method: "GET", Path: apiBase + "/cases/{caseId}/attachments/{attachmentId}", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, ContentType: "*/*",
			Summary: "An attachment's file, as its media type, for download (Content-Disposition: attachment)", Response: "", Handle: a.downloadAttachment},
		{Method: "GET", Path: pageBase, Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.worklistPage},
		{Method: "GET", Path: pageBase + "/new", Kind: web.KindPage, Policy: web.PolicyStaff, Handle: a.newPage},
		{Method: "POST", Path: pageBase + "/new", Kind: web.KindPage, Policy: web.PolicyStaff, Handle: a.newSubmit},
		{Method: "GET", Path: pageBase + "/cases/{caseId}", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.casePage},
		{Method: "POST", Path: pageBase + "/cases/{caseId}/steps", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.stepSubmit},
		{Method: "POST", Path: pageBase + "/cases/{caseId}/documents", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.documentSubmit},
		{Method: "POST", Path: pageBase + "/cases/{caseId}/attachments", Kind: web.KindPage, Policy: web.PolicyLoggedIn, FormLimit: attachmentFormLimit, Handle: a.attachmentSubmit},
		{Method: "GET", Path: pageBase + "/cases/{caseId}/attachments/{attachmentId}", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.downloadAttachment},
		{Method: "GET", Path: pageBase + "/cases/{caseId}/letter", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.letterPage},
		{Method: "GET", Path: pageBase + "/cases/{caseId}/letter.pdf", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.letterPDF},
	}
}

// OpenRequest records a concern: the child, the unit (the child's
// kindergarten or school, where the caller works) and what staff are
// concerned about.
type OpenRequest struct {
	ChildID domain.ChildID `json:"childId"`
	UnitID  domain.UnitID  `json:"unitId"`
	Concern string         `json:"concern"`
}

// StepRequest records a step; what it must contain is the step's
// (rules/steps.json of package specialed).
type StepRequest struct {
	Step      specialed.StepID     `json:"step"`
	Text      string               `json:"text,omitempty"`
	PPT       specialed.PPTID      `json:"ppt,omitzero"`
	Provision *specialed.Provision `json:"provision,omitempty"`
	// Reason gives the reasons where the decision departs from PPT's
	// recommendation.
	Reason string `json:"reason,omitempty"`
}

// DocumentRequest saves a version of a document; Version 0 is the next.
type DocumentRequest struct {
	Kind    specialed.DocumentKind `json:"kind"`
	Version int                    `json:"version,omitempty"`
	Title   string                 `json:"title"`
	Body    string                 `json:"body"`
	Change  string                 `json:"change,omitempty"`
}

// ItemView is a line of the worklist with the names to show.
type ItemView struct {
	specialed.Item
	ChildName string `json:"childName"`
	UnitName  string `json:"unitName"`
	StepName  string `json:"stepName"`
	// DueText is the deadline as the page writes it (empty: none).
	DueText string `json:"-"`
}

// CaseView is a case as the caller sees it.
type CaseView struct {
	Case      specialed.Case   `json:"case"`
	ChildName string           `json:"childName"`
	UnitName  string           `json:"unitName"`
	Roles     []specialed.Role `json:"roles"`
	// Waiting is the step the case waits for (empty once ended), Due its
	// last day (zero when it has none), Mine whether it waits on the
	// caller.
	Waiting specialed.StepID `json:"waiting,omitempty"`
	Due     date.Date        `json:"due,omitzero"`
	Overdue bool             `json:"overdue"`
	Mine    bool             `json:"mine"`
	// NoAddress says the overdue step's reminder reached nobody: someone
	// it waits on has no work e-mail address (shown to staff, not to
	// guardians).
	NoAddress bool                 `json:"noAddress,omitempty"`
	History   []specialed.Entry    `json:"history"`
	Documents []specialed.Document `json:"documents"`
}

func caseID(r *http.Request) (specialed.CaseID, error) {
	id, err := api.PathID[specialed.Case](r, "caseId")
	if err != nil {
		return specialed.CaseID{}, fmt.Errorf("specialedweb: case: %w", domain.ErrNotFound)
	}
	return id, nil
}

func (a *app) names(ctx context.Context, m domain.Municipality, child domain.ChildID, unit domain.UnitID) (string, string, error) {
	ch, err := a.Store.Child(ctx, m, child)
	if err != nil {
		return "", "", err
	}
	u, err := a.Store.Unit(ctx, m, unit)
	if err != nil {
		return "", "", err
	}
	return ch.GivenName + " " + ch.FamilyName, u.Name, nil
}

// view reads the case with what the caller sees of it.
func (a *app) view(ctx context.Context, s *specialed.Service, actor domain.Actor, id specialed.CaseID) (CaseView, error) {
	c, err := s.Case(ctx, actor, id)
	if err != nil {
		return CaseView{}, err
	}
	roles, err := s.Roles(ctx, actor, c)
	if err != nil {
		return CaseView{}, err
	}
	hist, err := s.History(ctx, actor, id)
	if err != nil {
		return CaseView{}, err
	}
	docs, err := s.Documents(ctx, actor, id)
	if err != nil {
		return CaseView{}, err
	}
	v := CaseView{Case: c, Roles: roles, History: hist, Documents: docs}
	if v.History == nil {
		v.History = []specialed.Entry{}
	}
	if v.Documents == nil {
		v.Documents = []specialed.Document{}
	}
	if v.ChildName, v.UnitName, err = a.names(ctx, c.Municipality, c.Child, c.Unit); err != nil {
		return CaseView{}, err
	}
	r := specialed.MustRules()
	step, due, has := r.Waiting(c)
	v.Waiting = step
	if has {
		v.Due, v.Overdue = due, domain.Today(a.Clock) > due
	}
	if v.Overdue && actor.Role != domain.RoleGuardian {
		rs, err := s.Reminders(ctx, actor, id)
		if err != nil {
			return CaseView{}, err
		}
		v.NoAddress = slices.ContainsFunc(rs, func(x specialed.Reminder) bool { return x.NoAddress && x.Step == step && x.Due == due })
	}
	if step != "" {
		for _, ro := range roles {
			v.Mine = v.Mine || r.Allowed(c.Setting, ro, step)
		}
	}
	return v, nil
}

func (a *app) worklist(ctx context.Context, c *web.Call) ([]ItemView, error) {
	s, err := a.service()
	if err != nil {
		return nil, err
	}
	items, err := s.Worklist(ctx, c.Actor)
	if err != nil {
		return nil, err
	}
	r := specialed.MustRules()
	lang := c.Lang.Code
	out := make([]ItemView, 0, len(items))
	for _, it := range items {
		child, unit, err := a.names(ctx, c.Actor.Municipality, it.Child, it.Unit)
		if err != nil {
			return nil, err
		}
		set := specialed.School
		if u, err := a.Store.Unit(ctx, c.Actor.Municipality, it.Unit); err == nil && u.Kind == domain.Kindergarten {
			set = specialed.Kindergarten
		}
		st, _ := r.Step(set, it.Step)
		iv := ItemView{Item: it, ChildName: child, UnitName: unit, StepName: st.Name(lang)}
		if it.Due != date.Zero {
			iv.DueText = c.Lang.Date(it.Due)
		}
		out = append(out, iv)
	}
	return out, nil
}

func (a *app) apiWorklist(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	vs, err := a.worklist(r.Context(), c)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, vs)
	return nil
}

func (a *app) open(ctx context.Context, c *web.Call, req OpenRequest) (specialed.Case, error) {
	s, err := a.service()
	if err != nil {
		return specialed.Case{}, err
	}
	var p domain.Problems
	if req.ChildID.IsZero() {
		p.Add("childId", domain.ReasonRequired)
	}
	if req.UnitID.IsZero() {
		p.Add("unitId", domain.ReasonRequired)
	}
	if strings.TrimSpace(req.Concern) == "" {
		p.Add("concern", domain.ReasonRequired)
	}
	if err := p.Err(); err != nil {
		return specialed.Case{}, err
	}
	return s.Open(ctx, c.Actor, req.ChildID, req.UnitID, req.Concern)
}

func (a *app) apiOpen(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req OpenRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	cs, err := a.open(r.Context(), c, req)
	if err != nil {
		return err
	}
	s, _ := a.service()
	v, err := a.view(r.Context(), s, c.Actor, cs.ID)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (a *app) apiCase(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	s, err := a.service()
	if err != nil {
		return err
	}
	v, err := a.view(r.Context(), s, c.Actor, id)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) record(ctx context.Context, c *web.Call, id specialed.CaseID, req StepRequest) (CaseView, error) {
	s, err := a.service()
	if err != nil {
		return CaseView{}, err
	}
	err = a.Store.Atomic(ctx, func(ctx context.Context) error {
		cs, err := s.Record(ctx, c.Actor, id, specialed.Entry{Step: req.Step, Text: req.Text, PPT: req.PPT, Provision: req.Provision, Reason: req.Reason})
		if err != nil || req.Step != specialed.StepDecision {
			return err
		}
		return a.archiveDecision(ctx, s, c, cs)
	})
	if err != nil {
		return CaseView{}, err
	}
	return a.view(ctx, s, c.Actor, id)
}

// archiveDecision writes the municipality's archive copy of the case's
// decision just recorded (in bokmål, to the guardian with parental
// responsibility), in the decision's transaction, keyed by the decision's
// entry so that it is archived once (web.App.ArchiveDecision). The case
// folder is the case's, by its key in this system.
func (a *app) archiveDecision(ctx context.Context, s *specialed.Service, c *web.Call, cs specialed.Case) error {
	m := c.Actor.Municipality
	t, err := a.LetterTemplate(ctx, m)
	if err != nil {
		return err
	}
	g, to, err := a.LetterRecipient(ctx, c.Actor, cs.Child)
	if err != nil {
		return err
	}
	doc, err := s.Letter(ctx, c.Actor, cs.ID, "nb", t, to)
	if err != nil {
		return err
	}
	child, _, err := a.names(ctx, m, cs.Child, cs.Unit)
	if err != nil {
		return err
	}
	hs, err := s.Store.Entries(ctx, m, cs.ID)
	if err != nil {
		return err
	}
	key := "special-education-decision/" + cs.ID.String()
	for _, e := range hs {
		if e.Step == specialed.StepDecision {
			key = "special-education-decision/" + cs.ID.String() + "/" + e.ID.String()
		}
	}
	_, err = a.ArchiveDecision(ctx, web.ArchiveDecision{Municipality: m, Kind: "special-education-decision", Key: key,
		Guardian: g, Letter: doc, Folder: "special-education-case/" + cs.ID.String(), Title: doc.Title + " – " + child,
		PublicTitle: doc.Title, Caseworker: cs.DecidedBy})
	return err
}

func (a *app) apiStep(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var req StepRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := a.record(r.Context(), c, id, req)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiDocument(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var req DocumentRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	s, err := a.service()
	if err != nil {
		return err
	}
	d, err := s.SaveDocument(r.Context(), c.Actor, specialed.Document{Case: id, Kind: req.Kind, Version: req.Version,
		Title: req.Title, Body: req.Body, Change: req.Change})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, d)
	return nil
}

// letterLang is ?lang= (nb, nn or en), else the request's language.
func letterLang(r *http.Request, c *web.Call) (string, error) {
	l := r.URL.Query().Get("lang")
	if l == "" {
		return c.Lang.Code, nil
	}
	if !slices.Contains(web.Languages, l) {
		return "", domain.Invalid("lang", ReasonUnknownLanguage)
	}
	return l, nil
}

// letter writes the case's decision letter, addressed to the guardian
// reading it, or for others to the child's first guardian with parental
// responsibility (a protected address is never printed).
func (a *app) letter(ctx context.Context, r *http.Request, c *web.Call) (domain.Document, CaseView, error) {
	id, err := caseID(r)
	if err != nil {
		return domain.Document{}, CaseView{}, err
	}
	l, err := letterLang(r, c)
	if err != nil {
		return domain.Document{}, CaseView{}, err
	}
	s, err := a.service()
	if err != nil {
		return domain.Document{}, CaseView{}, err
	}
	// The case as stored, to address the letter: Letter decides whether
	// the caller may read it (and logs the read), so nothing of it is
	// shown before.
	cs, err := s.Store.Case(ctx, c.Actor.Municipality, id)
	if err != nil {
		return domain.Document{}, CaseView{}, err
	}
	t, err := a.LetterTemplate(ctx, c.Actor.Municipality)
	if err != nil {
		return domain.Document{}, CaseView{}, err
	}
	to, err := a.recipient(ctx, c.Actor, cs.Child)
	if err != nil {
		return domain.Document{}, CaseView{}, err
	}
	doc, err := s.Letter(ctx, c.Actor, id, l, t, to)
	var ve *domain.ValidationError
	if errors.As(err, &ve) && len(ve.Fields) == 1 && ve.Fields[0].Reason == specialed.ReasonNoDecision {
		// No decision, no letter.
		return domain.Document{}, CaseView{}, fmt.Errorf("specialedweb: no decision yet: %w", domain.ErrNotFound)
	}
	if err != nil {
		return domain.Document{}, CaseView{}, err
	}
	v := CaseView{Case: cs}
	v.ChildName, v.UnitName, err = a.names(ctx, cs.Municipality, cs.Child, cs.Unit)
	return doc, v, err
}

// recipient is whom the letter about child is addressed to
// (web.App.LetterRecipient).
func (a *app) recipient(ctx context.Context, actor domain.Actor, child domain.ChildID) (domain.Party, error) {
	_, p, err := a.LetterRecipient(ctx, actor, child)
	return p, err
}

func (a *app) apiLetter(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	doc, _, err := a.letter(r.Context(), r, c)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, doc)
	return nil
}

func (a *app) letterPDF(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if a.pdf == nil {
		return fmt.Errorf("specialedweb: no PDF renderer: %w", domain.ErrNotFound)
	}
	doc, v, err := a.letter(r.Context(), r, c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.pdf.Render(&buf, doc, a.Clock.Now()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="vedtak-spesialpedagogikk-`+v.Case.ID.String()+`-`+doc.Lang+`.pdf"`)
	_, err = w.Write(buf.Bytes())
	return err
}
