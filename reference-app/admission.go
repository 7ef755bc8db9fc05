package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// Admission in the reference app: its routes (API and pages), menu entries and
// handlers. Services come from services.go.
//
// Guardians apply for a child (pre-filled from the directory), follow the
// application, answer offers and read the decision letter; caseworkers run
// and approve the intake's allocation and read its statistics, the
// explanations, the waiting lists and the § 16 obligation report. A POST
// under /api/v1/ with IDs in its path starts with the child's ID, so the
// caseworker's run and approval take the intake and run in the body, and
// an offer's ID in the path is {offer}: it is read after the body, so a
// bad body is refused first (TestBadInputToEveryPOSTRoute).

// admissionRoutes are the admission routes of the route table.
func (a *app) admissionRoutes() []route {
	child := "/api/v1/children/{childId}"
	return []route{
		// API: intakes and casework.
		{method: "GET", path: "/api/v1/intakes", kind: kindAPI, policy: policyLoggedIn, summary: "The municipality's admission intakes (rounds)", response: admission.Intake{}, list: true, handle: a.apiIntakes},
		{method: "GET", path: "/api/v1/intakes/{intakeId}", kind: kindAPI, policy: policyLoggedIn, summary: "An admission intake with its seats", response: admission.Intake{}, handle: a.apiIntake},
		{method: "GET", path: "/api/v1/intakes/{intakeId}/applications", kind: kindAPI, policy: policyCaseworker, summary: "The intake's applications with status (caseworker)", response: admission.ApplicationView{}, list: true, handle: a.apiIntakeApplications},
		{method: "GET", path: "/api/v1/intakes/{intakeId}/runs", kind: kindAPI, policy: policyCaseworker, summary: "The intake's allocation runs, without results (caseworker)", response: admission.Run{}, list: true, handle: a.apiIntakeRuns},
		{method: "GET", path: "/api/v1/intakes/{intakeId}/waiting-lists", kind: kindAPI, policy: policyCaseworker, summary: "The waiting list of every unit and age group of the intake (caseworker)", response: []waitingListView{}, handle: a.apiWaitingLists},
		{method: "GET", path: "/api/v1/intakes/{intakeId}/obligations", kind: kindAPI, policy: policyCaseworker, summary: "Children with a right to a place (barnehageloven § 16) and no offer by the month (caseworker)", response: []admission.Obligation{}, query: map[string]string{"month": "YYYY-MM; the intake's start month when left out"}, handle: a.apiObligations},
		{method: "POST", path: "/api/v1/admission-runs", kind: kindAPI, policy: policyCaseworker, summary: "Run the allocation of an intake as a draft, with statistics and every child's explanation (caseworker)", body: runRequest{}, response: admission.Run{}, status: http.StatusCreated, handle: a.apiRun},
		{method: "GET", path: "/api/v1/admission-runs/{runId}", kind: kindAPI, policy: policyCaseworker, summary: "A run with its statistics and every child's result and explanation (caseworker)", response: admission.Run{}, handle: a.apiGetRun},
		{method: "POST", path: "/api/v1/admission-approvals", kind: kindAPI, policy: policyCaseworker, summary: "Approve a draft run (once per intake; again is 409) and send the offers (caseworker)", body: approveRequest{}, response: approvalView{}, handle: a.apiApprove},
		// API: a child's applications, offers and decisions.
		{method: "GET", path: child + "/applications", kind: kindAPI, policy: policyChildParent, summary: "The child's applications with status, history, deadline and waiting-list positions", response: admission.ApplicationView{}, list: true, handle: a.apiChildApplications},
		{method: "GET", path: child + "/applications/prefill", kind: kindAPI, policy: policyChildParent, summary: "A new application for the child, pre-filled with what the municipality knows (guardian)", response: prefillView{}, query: map[string]string{"intakeId": "the intake applied to (required)"}, handle: a.apiPrefill},
		{method: "POST", path: child + "/applications", kind: kindAPI, policy: policyChildParent, summary: "Apply for a place for the child (guardian with parental responsibility)", body: applyRequest{}, response: admission.ApplicationView{}, status: http.StatusCreated, handle: a.apiApply},
		{method: "GET", path: child + "/applications/{applicationId}", kind: kindAPI, policy: policyChildParent, summary: "An application with status, dated history, next deadline, offers and waiting-list positions", response: admission.ApplicationView{}, handle: a.apiApplication},
		{method: "GET", path: child + "/applications/{applicationId}/decision", kind: kindAPI, policy: policyChildParent, summary: "The decision (vedtak) of the approved run, as data and as a letter", response: decisionView{}, query: map[string]string{"lang": "nb, nn or en (the letter's language; nb when left out)"}, handle: a.apiDecision},
		{method: "POST", path: child + "/offers/{offer}/accept", kind: kindAPI, policy: policyChildParent, summary: "Accept an offer: the child's placement is made (guardian with parental responsibility)", body: answerRequest{}, response: placementView{}, handle: a.apiAccept},
		{method: "POST", path: child + "/offers/{offer}/decline", kind: kindAPI, policy: policyChildParent, summary: "Decline an offer: the seat goes to the next child waiting (guardian with parental responsibility)", body: answerRequest{}, response: admission.Offer{}, handle: a.apiDecline},
		// Pages: guardians.
		{method: "GET", path: "/admission", kind: kindPage, policy: policyGuardian, handle: a.admissionPage},
		{method: "GET", path: "/children/{childId}/apply", kind: kindPage, policy: policyChildParent, handle: a.applyPage},
		{method: "POST", path: "/children/{childId}/applications", kind: kindPage, policy: policyChildParent, handle: a.applySubmit},
		{method: "GET", path: "/children/{childId}/applications/{applicationId}", kind: kindPage, policy: policyChildParent, handle: a.applicationPage},
		{method: "GET", path: "/children/{childId}/applications/{applicationId}/decision", kind: kindPage, policy: policyChildParent, handle: a.decisionPage},
		{method: "POST", path: "/children/{childId}/offers/{offer}/accept", kind: kindPage, policy: policyChildParent, handle: a.answerSubmit(true)},
		{method: "POST", path: "/children/{childId}/offers/{offer}/decline", kind: kindPage, policy: policyChildParent, handle: a.answerSubmit(false)},
		// Pages: caseworkers.
		{method: "GET", path: "/admission/intakes", kind: kindPage, policy: policyCaseworker, handle: a.intakesPage},
		{method: "GET", path: "/admission/intakes/{intakeId}", kind: kindPage, policy: policyCaseworker, handle: a.intakePage},
		{method: "POST", path: "/admission/intakes/{intakeId}/runs", kind: kindPage, policy: policyCaseworker, handle: a.runSubmit},
		{method: "GET", path: "/admission/intakes/{intakeId}/waiting-lists", kind: kindPage, policy: policyCaseworker, handle: a.waitingPage},
		{method: "GET", path: "/admission/intakes/{intakeId}/obligations", kind: kindPage, policy: policyCaseworker, handle: a.obligationsPage},
		{method: "GET", path: "/admission/runs/{runId}", kind: kindPage, policy: policyCaseworker, handle: a.runPage},
		{method: "POST", path: "/admission/runs/{runId}/approve", kind: kindPage, policy: policyCaseworker, handle: a.approveSubmit},
	}
}

// admissionTemplates are admission's pages.
//
//go:embed templates/admission*.html
var admissionTemplates embed.FS

// admissionMessages are admission's strings.
//
//go:embed messages/admission.*.json
var admissionMessages embed.FS

// admissionCapability is admission's part of the app.
func (a *app) admissionCapability() capability {
	return capability{tag: "admission", about: "Intakes, applications, allocation runs, offers, waiting lists and decisions",
		routes: a.admissionRoutes(), menus: admissionMenus, pages: admissionTemplates, messages: admissionMessages}
}

// admissionMenus are the admission menu entries.
var admissionMenus = []menuItem{
	{roles: []domain.Role{domain.RoleGuardian}, path: "/admission", key: "admission.menu.guardian"},
	{roles: []domain.Role{domain.RoleCaseworker, domain.RoleAdmin}, path: "/admission/intakes", key: "admission.menu.caseworker"},
}

// Request and response bodies.

// applyRequest is an application as a guardian fills it in; what the
// municipality knows (guardians, siblings' units) is taken from the
// directory.
type applyRequest struct {
	IntakeID admission.IntakeID `json:"intakeId"`
	// Preferences lists units, first choice first (at most the intake's
	// maxPreferences).
	Preferences []domain.UnitID `json:"preferences"`
	// Start is the wished first day (the intake's start when left out).
	Start date.Date `json:"start,omitzero"`
	// Hours is the wished weekly time (kindergarten, SFO).
	Hours int `json:"hours,omitempty"`
	// Statutory claims priority under barnehageloven § 18; documented is
	// "received" when documentation was sent.
	Statutory admission.Claim `json:"statutory,omitzero"`
	// Local claims the municipality's local criteria, by name.
	Local map[string]admission.Claim `json:"local,omitempty"`
	// Together lists siblings applying in the same intake who should be
	// placed at the same unit.
	Together []domain.ChildID `json:"together,omitempty"`
}

// runRequest runs an intake's allocation.
type runRequest struct {
	IntakeID admission.IntakeID `json:"intakeId"`
	// Seed draws the lottery; the same seed and data give the same result
	// (drawn from the clock when left out).
	Seed uint64 `json:"seed,omitempty"`
}

// approveRequest approves a draft run.
type approveRequest struct {
	RunID admission.RunID `json:"runId"`
}

// approvalView is an approved run's offers.
type approvalView struct {
	Run    admission.RunID   `json:"run"`
	Offers []admission.Offer `json:"offers"`
}

// answerRequest is the (empty) body of an answer to an offer.
type answerRequest struct{}

// decisionView is a decision as data and as a letter.
type decisionView struct {
	Decision admission.Decision `json:"decision"`
	Lang     string             `json:"lang"`
	Letter   string             `json:"letter"`
}

// waitingListView is one unit's waiting list for one age group.
type waitingListView struct {
	Unit    domain.UnitID            `json:"unit"`
	Group   domain.AgeGroup          `json:"group"`
	Entries []admission.WaitingEntry `json:"entries"`
}

// Shared lookups.

func intakeParam(r *http.Request) (admission.IntakeID, error) {
	return pathID[admission.Intake](r, "intakeId")
}

// pathIntake reads the intake named by the path's {intakeId} in the
// actor's municipality.
func (a *app) pathIntake(r *http.Request, c *call) (admission.Intake, error) {
	id, err := intakeParam(r)
	if err != nil {
		return admission.Intake{}, err
	}
	return a.store.Intake(r.Context(), c.actor.Municipality, id)
}

// childApplication reads an application of the call's child; one of another
// child is ErrNotFound.
func (a *app) childApplication(ctx context.Context, r *http.Request, c *call) (admission.Application, error) {
	id, err := pathID[admission.Application](r, "applicationId")
	if err != nil {
		return admission.Application{}, err
	}
	ap, err := a.store.Application(ctx, c.actor.Municipality, id)
	if err != nil {
		return ap, err
	}
	if ap.Child != c.childID {
		return ap, domain.ErrNotFound
	}
	return ap, nil
}

// childOffer checks that the offer of the path is the call's child's.
func (a *app) childOffer(ctx context.Context, r *http.Request, c *call) (admission.Offer, error) {
	id, err := pathID[admission.Offer](r, "offer")
	if err != nil {
		return admission.Offer{}, err
	}
	o, err := a.store.Offer(ctx, c.actor.Municipality, id)
	if err != nil {
		return o, err
	}
	if o.Child != c.childID {
		return o, domain.ErrNotFound
	}
	return o, nil
}

func (a *app) childViews(ctx context.Context, c *call) ([]admission.ApplicationView, error) {
	apps, err := a.store.ChildApplications(ctx, c.actor.Municipality, c.childID)
	if err != nil {
		return nil, err
	}
	out := make([]admission.ApplicationView, 0, len(apps))
	for _, ap := range apps {
		v, err := a.admission().View(ctx, c.actor, ap.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// apply builds the application from the request and submits it, with its
// audit entry, in one transaction.
func (a *app) apply(ctx context.Context, c *call, req applyRequest) (admission.Application, error) {
	svc := a.admission()
	if req.IntakeID.IsZero() {
		return admission.Application{}, domain.Invalid("intakeId", "is required")
	}
	var out admission.Application
	err := a.store.Atomic(ctx, func(ctx context.Context) error {
		ap, err := svc.Prefill(ctx, c.actor, req.IntakeID, c.childID)
		if domain.IsNotFound(err) {
			return domain.Invalid("intakeId", "no such intake")
		}
		if err != nil {
			return err
		}
		ap.Preferences, ap.Hours, ap.Statutory, ap.Local, ap.Together = req.Preferences, req.Hours, req.Statutory, req.Local, req.Together
		if req.Start != date.Zero {
			ap.Start = req.Start
		}
		if out, err = svc.Apply(ctx, c.actor, ap); err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, "admission.apply", "application/"+out.ID.String(), c.childID)
	})
	return out, err
}

// answer accepts or declines the offer, with its audit entry, in one
// transaction.
func (a *app) answer(ctx context.Context, c *call, o admission.Offer, accept bool) (domain.Placement, error) {
	var pl domain.Placement
	err := a.store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		action := "admission.offer.decline"
		if accept {
			action = "admission.offer.accept"
			pl, err = a.admission().Accept(ctx, c.actor, o.ID)
		} else {
			err = a.admission().Decline(ctx, c.actor, o.ID)
		}
		if err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, action, "offer/"+o.ID.String(), c.childID)
	})
	return pl, err
}

// runIntake runs the allocation and logs it.
func (a *app) runIntake(ctx context.Context, c *call, intake admission.IntakeID, seed uint64) (admission.Run, error) {
	if seed == 0 {
		seed = uint64(a.clock.Now().UnixNano())
	}
	var run admission.Run
	err := a.store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if run, err = a.admission().Run(ctx, c.actor, intake, seed); err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, "admission.run", "run/"+run.ID.String(), runChildren(run)...)
	})
	return run, err
}

func (a *app) approveRun(ctx context.Context, c *call, id admission.RunID) ([]admission.Offer, error) {
	var offers []admission.Offer
	err := a.store.Atomic(ctx, func(ctx context.Context) error {
		run, err := a.store.Run(ctx, c.actor.Municipality, id)
		if err != nil {
			return err
		}
		if offers, err = a.admission().Approve(ctx, c.actor, id); err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, "admission.approve", "run/"+id.String(), runChildren(run)...)
	})
	if offers == nil {
		offers = []admission.Offer{}
	}
	return offers, err
}

func runChildren(run admission.Run) []domain.ChildID {
	ids := make([]domain.ChildID, 0, len(run.Results))
	for _, r := range run.Results {
		ids = append(ids, r.Child)
	}
	return ids
}

// waitingLists reads every unit's waiting list per age group.
func (a *app) waitingLists(ctx context.Context, c *call, in admission.Intake) ([]waitingListView, error) {
	var out []waitingListView
	for _, st := range in.Seats {
		for _, g := range []domain.AgeGroup{domain.Small, domain.Large} {
			es, err := a.admission().WaitingList(ctx, c.actor, in.ID, st.Unit, g)
			if err != nil {
				return nil, err
			}
			if es == nil {
				es = []admission.WaitingEntry{}
			}
			out = append(out, waitingListView{Unit: st.Unit, Group: g, Entries: es})
		}
	}
	return out, nil
}

func waitingChildren(ls []waitingListView) []domain.ChildID {
	var ids []domain.ChildID
	for _, l := range ls {
		for _, e := range l.Entries {
			ids = append(ids, e.Child)
		}
	}
	return ids
}

// obligationMonth reads ?month=YYYY-MM, or the intake's start month.
func obligationMonth(r *http.Request, in admission.Intake) (admission.Month, error) {
	s := r.URL.Query().Get("month")
	if s == "" {
		return admission.Month{Year: in.Start.Year(), Month: in.Start.Month()}, nil
	}
	d, err := domain.ParseMonth("month", s)
	if err != nil {
		return admission.Month{}, err
	}
	return admission.Month{Year: d.Year(), Month: d.Month()}, nil
}

// API handlers.

func (a *app) apiIntakes(w http.ResponseWriter, r *http.Request, c *call) error {
	pr, err := readPage(r)
	if err != nil {
		return err
	}
	intakes, err := a.store.Intakes(r.Context(), c.actor.Municipality)
	if err != nil {
		return err
	}
	pg, err := paginate(intakes, func(in admission.Intake) string { return in.ID.String() }, pr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

func (a *app) apiIntake(w http.ResponseWriter, r *http.Request, c *call) error {
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (a *app) apiIntakeApplications(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	pr, err := readPage(r)
	if err != nil {
		return err
	}
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	id := in.ID
	apps, err := a.store.Applications(ctx, c.actor.Municipality, id)
	if err != nil {
		return err
	}
	pg, err := paginate(apps, func(ap admission.Application) string { return ap.ID.String() }, pr)
	if err != nil {
		return err
	}
	out := page[admission.ApplicationView]{Items: []admission.ApplicationView{}, NextCursor: pg.NextCursor}
	var ids []domain.ChildID
	for _, ap := range pg.Items {
		v, err := a.admission().View(ctx, c.actor, ap.ID)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, v)
		ids = append(ids, ap.Child)
	}
	if len(ids) > 0 {
		if err := a.audit(ctx, c.actor, "admission.applications.list", "intake/"+id.String(), ids...); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *app) apiIntakeRuns(w http.ResponseWriter, r *http.Request, c *call) error {
	pr, err := readPage(r)
	if err != nil {
		return err
	}
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	id := in.ID
	runs, err := a.store.Runs(r.Context(), c.actor.Municipality, id)
	if err != nil {
		return err
	}
	pg, err := paginate(runs, func(run admission.Run) string { return run.ID.String() }, pr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

func (a *app) apiWaitingLists(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	id := in.ID
	ls, err := a.waitingLists(ctx, c, in)
	if err != nil {
		return err
	}
	if ids := waitingChildren(ls); len(ids) > 0 {
		if err := a.audit(ctx, c.actor, "admission.waiting.read", "intake/"+id.String(), ids...); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, ls)
	return nil
}

func (a *app) apiObligations(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	id := in.ID
	month, err := obligationMonth(r, in)
	if err != nil {
		return err
	}
	obs, err := a.admission().Obligations(ctx, c.actor, id, month)
	if err != nil {
		return err
	}
	if obs == nil {
		obs = []admission.Obligation{}
	}
	var ids []domain.ChildID
	for _, o := range obs {
		ids = append(ids, o.Child)
	}
	if len(ids) > 0 {
		if err := a.audit(ctx, c.actor, "admission.obligations.read", "intake/"+id.String(), ids...); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, obs)
	return nil
}

func (a *app) apiRun(w http.ResponseWriter, r *http.Request, c *call) error {
	var req runRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.IntakeID.IsZero() {
		return domain.Invalid("intakeId", "is required")
	}
	run, err := a.runIntake(r.Context(), c, req.IntakeID, req.Seed)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/admission-runs/"+run.ID.String())
	writeJSON(w, http.StatusCreated, run)
	return nil
}

func (a *app) apiGetRun(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID[admission.Run](r, "runId")
	if err != nil {
		return err
	}
	run, err := a.store.Run(r.Context(), c.actor.Municipality, id)
	if err != nil {
		return err
	}
	if ids := runChildren(run); len(ids) > 0 {
		if err := a.audit(r.Context(), c.actor, "admission.run.read", "run/"+id.String(), ids...); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, run)
	return nil
}

func (a *app) apiApprove(w http.ResponseWriter, r *http.Request, c *call) error {
	var req approveRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.RunID.IsZero() {
		return domain.Invalid("runId", "is required")
	}
	offers, err := a.approveRun(r.Context(), c, req.RunID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, approvalView{Run: req.RunID, Offers: offers})
	return nil
}

func (a *app) apiChildApplications(w http.ResponseWriter, r *http.Request, c *call) error {
	pr, err := readPage(r)
	if err != nil {
		return err
	}
	vs, err := a.childViews(r.Context(), c)
	if err != nil {
		return err
	}
	pg, err := paginate(vs, func(v admission.ApplicationView) string { return v.Application.ID.String() }, pr)
	if err != nil {
		return err
	}
	if err := a.audit(r.Context(), c.actor, "admission.applications.read", "", c.childID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

func (a *app) apiPrefill(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := domain.ParseID[admission.Intake](r.URL.Query().Get("intakeId"))
	if err != nil || id.IsZero() {
		return unprocessable("invalid-query", "intakeId is required", domain.FieldError{Field: "intakeId", Reason: "must be the UUID of an intake"})
	}
	ap, err := a.admission().Prefill(r.Context(), c.actor, id, c.childID)
	if err != nil {
		return err
	}
	if err := a.audit(r.Context(), c.actor, "admission.prefill", "intake/"+id.String(), c.childID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, prefillView{Application: ap})
	return nil
}

// prefillView is a pre-filled application, not yet stored: it has no ID
// and no submission time yet, so neither is written.
type prefillView struct {
	admission.Application
	ID        struct{} `json:"id,omitzero"`
	Submitted struct{} `json:"submitted,omitzero"`
}

func (a *app) apiApply(w http.ResponseWriter, r *http.Request, c *call) error {
	var req applyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	ap, err := a.apply(ctx, c, req)
	if err != nil {
		return err
	}
	v, err := a.admission().View(ctx, c.actor, ap.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/children/"+c.childID.String()+"/applications/"+ap.ID.String())
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (a *app) apiApplication(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	ap, err := a.childApplication(ctx, r, c)
	if err != nil {
		return err
	}
	v, err := a.admission().View(ctx, c.actor, ap.ID)
	if err != nil {
		return err
	}
	if err := a.audit(ctx, c.actor, "admission.application.read", "application/"+ap.ID.String(), c.childID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// letterLang is the language of a decision letter: ?lang=, else nb.
func letterLang(r *http.Request) (admission.Lang, error) {
	s := r.URL.Query().Get("lang")
	if s == "" {
		return admission.Bokmal, nil
	}
	if !slices.Contains(admission.Langs(), admission.Lang(s)) {
		return "", unprocessable("invalid-query", "lang is not nb, nn or en", domain.FieldError{Field: "lang", Reason: "must be nb, nn or en"})
	}
	return admission.Lang(s), nil
}

func (a *app) apiDecision(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	lang, err := letterLang(r)
	if err != nil {
		return err
	}
	ap, err := a.childApplication(ctx, r, c)
	if err != nil {
		return err
	}
	d, err := a.admission().Decision(ctx, c.actor, ap.ID)
	if err != nil {
		return err
	}
	if err := a.audit(ctx, c.actor, "admission.decision.read", "application/"+ap.ID.String(), c.childID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, decisionView{Decision: d, Lang: string(lang), Letter: d.Render(lang)})
	return nil
}

func (a *app) apiAccept(w http.ResponseWriter, r *http.Request, c *call) error {
	var req answerRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	o, err := a.childOffer(ctx, r, c)
	if err != nil {
		return err
	}
	pl, err := a.answer(ctx, c, o, true)
	if err != nil {
		return err
	}
	v, err := a.viewPlacement(ctx, pl)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiDecline(w http.ResponseWriter, r *http.Request, c *call) error {
	var req answerRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	o, err := a.childOffer(ctx, r, c)
	if err != nil {
		return err
	}
	if _, err := a.answer(ctx, c, o, false); err != nil {
		return err
	}
	o, err = a.store.Offer(ctx, c.actor.Municipality, o.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

// lapseOffersEvery runs lapseOffers now and then every interval until ctx
// ends.
func lapseOffersEvery(ctx context.Context, a *app, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		lapseOffers(ctx, a)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// lapseOffers closes the offers past their deadline (LapseOffers) in every
// municipality served; each seat goes to the next child waiting. It
// returns how many lapsed.
func lapseOffers(ctx context.Context, a *app) int {
	total := 0
	for _, m := range a.municipalities {
		n, err := a.admission().LapseOffers(ctx, domain.SystemActor(m, "offer-lapse-job"), a.clock.Now())
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			a.log.Error("lapse offers", "municipality", m, "err", err)
		case n > 0:
			a.log.Info("offers lapsed", "municipality", m, "count", n)
		}
		total += n
	}
	return total
}

// Small helpers for pages.

func langOf(c *call) admission.Lang { return admission.Lang(c.lang.Code) }

// lastDay is the last day before an instant that ends a day (midnight), or
// the instant's day.
func lastDay(t time.Time) date.Date {
	t = t.In(domain.Oslo())
	d := date.NewAt(t)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// when writes an instant as date and time in the language.
func when(l locale, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(domain.Oslo())
	return l.Date(date.NewAt(t)) + " " + t.Format("15:04")
}

func formInt(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

func seeOther(w http.ResponseWriter, r *http.Request, path string, q url.Values) {
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

func fmtMonth(l locale, m admission.Month) string {
	return fmt.Sprintf("%s %d", l.T(fmt.Sprintf("month.%d", int(m.Month))), m.Year)
}
