package admissionweb

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Admission's routes (API and pages), menu entries and handlers; the
// services come from the shell (web/services.go).
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
func (a *app) admissionRoutes() []web.Route {
	child := "/api/v1/children/{childId}"
	return []web.Route{
		// API: intakes and casework.
		{Method: "GET", Path: "/api/v1/intakes", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "The municipality's admission intakes (rounds)", Response: admission.Intake{}, List: true, Handle: a.apiIntakes},
		{Method: "GET", Path: "/api/v1/intakes/{intakeId}", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "An admission intake with its seats", Response: admission.Intake{}, Handle: a.apiIntake},
		{Method: "GET", Path: "/api/v1/intakes/{intakeId}/applications", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The intake's applications with status (caseworker), by ID", Response: admission.ApplicationView{}, List: true, Search: "the child's name, the start of the national ID, or the application's status (received, offered, accepted, …)", Handle: a.apiIntakeApplications},
		{Method: "GET", Path: "/api/v1/intakes/{intakeId}/runs", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The intake's allocation runs, without results (caseworker)", Response: admission.Run{}, List: true, Handle: a.apiIntakeRuns},
		{Method: "GET", Path: "/api/v1/intakes/{intakeId}/waiting-lists", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The waiting lists of the intake (caseworker): one entry per child waiting at a unit and age group, in the lists' order (by unit and group as the intake has them, then by position), paged by a key that stays when a child joins or leaves a list. ?unit= keeps one unit's lists", Response: waitingPlaceView{}, List: true, Search: "the child's name, or the start of the national ID", Query: map[string]string{"unit": "only this unit's lists (its ID)"}, Handle: a.apiWaitingLists},
		{Method: "GET", Path: "/api/v1/intakes/{intakeId}/obligations", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Children with a right to a place (barnehageloven § 16) and no offer by the month (caseworker), by the month the right applies from, then by application, in pages", Response: admission.Obligation{}, List: true, Search: "the child's name, or the start of the national ID", Query: map[string]string{"month": "YYYY-MM; the intake's start month when left out"}, Handle: a.apiObligations},
		{Method: "POST", Path: "/api/v1/admission-runs", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Run the allocation of an intake as a draft (caseworker): the answer is the run with its statistics, as GET /api/v1/admission-runs/{runId} gives it; every child's result and explanation is paged at resultsHref", Body: runRequest{}, Response: runView{}, Status: http.StatusCreated, Handle: a.apiRun},
		{Method: "GET", Path: "/api/v1/admission-runs/{runId}", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "A run with its statistics (caseworker); its children's results and explanations are paged at resultsHref (/api/v1/admission-runs/{runId}/results), no longer in the run's answer (results)", Response: runView{}, Handle: a.apiGetRun},
		{Method: "GET", Path: "/api/v1/admission-runs/{runId}/results", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "A run's result for each child, with its explanation, by application ID in pages (caseworker); ?childId= keeps one child's", Response: admission.RunResult{}, List: true, Query: map[string]string{"childId": "only this child's result (its ID)"}, Handle: a.apiRunResults},
		{Method: "POST", Path: "/api/v1/admission-approvals", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Approve a draft run (once per intake; again is 409) and send the offers; on or before the application deadline only with a reason (422 on \"reason\" without, nothing sent) (caseworker)", Body: approveRequest{}, Response: approvalView{}, Handle: a.apiApprove},
		// API: a child's applications, offers and decisions.
		{Method: "GET", Path: child + "/applications", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "The child's applications with status, history, deadline and waiting-list positions", Response: admission.ApplicationView{}, List: true, Handle: a.apiChildApplications},
		{Method: "GET", Path: child + "/applications/prefill", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "A new application for the child, pre-filled with what the municipality knows (guardian)", Response: prefillView{}, Query: map[string]string{"intakeId": "the intake applied to (required)"}, Handle: a.apiPrefill},
		{Method: "POST", Path: child + "/applications", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "Apply for a place for the child (guardian with parental responsibility)", Body: applyRequest{}, Response: admission.ApplicationView{}, Status: http.StatusCreated, Handle: a.apiApply},
		{Method: "GET", Path: child + "/applications/{applicationId}", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "An application with status, dated history, next deadline, offers and waiting-list positions", Response: admission.ApplicationView{}, Handle: a.apiApplication},
		{Method: "GET", Path: child + "/applications/{applicationId}/decision", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "The decision (vedtak) of the approved run, as data and as a letter", Response: DecisionView{}, Query: map[string]string{"lang": "nb, nn or en (the letter's language; nb when left out)"}, Handle: a.apiDecision},
		{Method: "GET", Path: child + "/applications/{applicationId}/decision.pdf", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "The decision letter (vedtak) as a PDF/A for print and the archive (application/pdf), to the guardian with parental responsibility or the municipality", Response: "", ContentType: "application/pdf", Query: map[string]string{"lang": "nb, nn or en (the user's language when left out)"}, Handle: a.decisionPDF},
		{Method: "POST", Path: child + "/offers/{offer}/accept", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "Accept an offer: the child's placement is made (guardian with parental responsibility)", Body: answerRequest{}, Response: web.PlacementView{}, Handle: a.apiAccept},
		{Method: "POST", Path: child + "/offers/{offer}/decline", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "Decline an offer: the seat goes to the next child waiting (guardian with parental responsibility)", Body: answerRequest{}, Response: admission.Offer{}, Handle: a.apiDecline},
		// Pages: guardians.
		{Method: "GET", Path: "/admission", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.admissionPage},
		{Method: "GET", Path: "/children/{childId}/apply", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.applyPage},
		{Method: "POST", Path: "/children/{childId}/applications", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.applySubmit},
		{Method: "GET", Path: "/children/{childId}/applications/{applicationId}", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.applicationPage},
		{Method: "GET", Path: "/children/{childId}/applications/{applicationId}/decision", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.decisionPage},
		{Method: "GET", Path: "/children/{childId}/applications/{applicationId}/decision.pdf", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.decisionPDF},
		{Method: "POST", Path: "/children/{childId}/offers/{offer}/accept", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.answerSubmit(true)},
		{Method: "POST", Path: "/children/{childId}/offers/{offer}/decline", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.answerSubmit(false)},
		// Pages: caseworkers.
		{Method: "GET", Path: "/admission/intakes", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.intakesPage},
		{Method: "GET", Path: "/admission/intakes/{intakeId}", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.intakePage},
		{Method: "POST", Path: "/admission/intakes/{intakeId}/runs", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.runSubmit},
		{Method: "GET", Path: "/admission/intakes/{intakeId}/waiting-lists", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.waitingPage},
		{Method: "GET", Path: "/admission/intakes/{intakeId}/obligations", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.obligationsPage},
		{Method: "GET", Path: "/admission/runs/{runId}", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.runPage},
		{Method: "POST", Path: "/admission/runs/{runId}/approve", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.approveSubmit},
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
func (a *app) admissionCapability() web.Capability {
	return web.Capability{Tag: "admission", About: "Intakes, applications, allocation runs, offers, waiting lists and decisions",
		Routes: slices.Concat(a.admissionRoutes(), a.setupRoutes(), a.catchmentRoutes(), a.schoolLetterRoutes(), a.approvalRoutes()), Menus: admissionMenus, Pages: admissionTemplates, Messages: admissionMessages}
}

// admissionMenus are the admission menu entries.
var admissionMenus = []web.MenuItem{
	{Roles: []domain.Role{domain.RoleGuardian}, Path: "/admission", Key: "admission.menu.guardian"},
	{Roles: []domain.Role{domain.RoleCaseworker, domain.RoleAdmin}, Path: "/admission/intakes", Key: "admission.menu.caseworker", Capability: domain.CapAdmission},
	{Roles: []domain.Role{domain.RoleCaseworker, domain.RoleAdmin}, Path: "/admission/settings", Key: "admission.menu.settings", Capability: domain.CapAdmission},
	{Roles: []domain.Role{domain.RoleCaseworker, domain.RoleAdmin}, Path: "/admission/catchment", Key: "admission.menu.catchment", Capability: domain.CapAdmission},
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
	// Reason is why the intake runs on or before its application
	// deadline: required then (422 on "reason" without), recorded with the
	// run and in the audit log.
	Reason string `json:"reason,omitempty"`
}

// approveRequest approves a draft run.
type approveRequest struct {
	RunID admission.RunID `json:"runId"`
	// Reason is why the offers are sent on or before the intake's
	// application deadline: required then (422 on "reason" without, and
	// nothing is sent), recorded in the audit log. GET
	// /api/v1/admission-runs/{runId}/approval-preview says what approval
	// will send and whether a reason is needed.
	Reason string `json:"reason,omitempty"`
}

// approvalView is an approved run's offers.
type approvalView struct {
	Run    admission.RunID   `json:"run"`
	Offers []admission.Offer `json:"offers"`
}

// answerRequest is the (empty) body of an answer to an offer.
type answerRequest struct{}

// DecisionView is a decision as data and as a letter: Letter its plain
// text, Document the letter (enkeltvedtak) as data, as the printable page
// and the PDF show it.
type DecisionView struct {
	Decision admission.Decision `json:"decision"`
	Lang     string             `json:"lang"`
	Letter   string             `json:"letter"`
	Document domain.Document    `json:"document"`
}

// waitingListView is one unit's waiting list for one age group.
// waitingPlaceView is one child's place on a waiting list (the waiting
// lists API).
type waitingPlaceView struct {
	Unit  domain.UnitID   `json:"unit"`
	Group domain.AgeGroup `json:"group"`
	admission.WaitingEntry
	ChildName string `json:"childName"`
}

type waitingListView struct {
	Unit    domain.UnitID            `json:"unit"`
	Group   domain.AgeGroup          `json:"group"`
	Entries []admission.WaitingEntry `json:"entries"`
}

// Shared lookups.

func intakeParam(r *http.Request) (admission.IntakeID, error) {
	return api.PathID[admission.Intake](r, "intakeId")
}

// pathIntake reads the intake named by the path's {intakeId} in the
// actor's municipality.
func (a *app) pathIntake(r *http.Request, c *web.Call) (admission.Intake, error) {
	id, err := intakeParam(r)
	if err != nil {
		return admission.Intake{}, err
	}
	return a.Store.Intake(r.Context(), c.Actor.Municipality, id)
}

// childApplication reads an application of the call's child; one of another
// child is ErrNotFound.
func (a *app) childApplication(ctx context.Context, r *http.Request, c *web.Call) (admission.Application, error) {
	id, err := api.PathID[admission.Application](r, "applicationId")
	if err != nil {
		return admission.Application{}, err
	}
	ap, err := a.Store.Application(ctx, c.Actor.Municipality, id)
	if err != nil {
		return ap, err
	}
	if ap.Child != c.ChildID {
		return ap, domain.ErrNotFound
	}
	return ap, nil
}

// childOffer checks that the offer of the path is the call's child's.
func (a *app) childOffer(ctx context.Context, r *http.Request, c *web.Call) (admission.Offer, error) {
	id, err := api.PathID[admission.Offer](r, "offer")
	if err != nil {
		return admission.Offer{}, err
	}
	o, err := a.Store.Offer(ctx, c.Actor.Municipality, id)
	if err != nil {
		return o, err
	}
	if o.Child != c.ChildID {
		return o, domain.ErrNotFound
	}
	return o, nil
}

func (a *app) childViews(ctx context.Context, c *web.Call) ([]admission.ApplicationView, error) {
	apps, err := a.Store.ChildApplications(ctx, c.Actor.Municipality, c.ChildID)
	if err != nil {
		return nil, err
	}
	out := make([]admission.ApplicationView, 0, len(apps))
	for _, ap := range apps {
		v, err := a.Admission().View(ctx, c.Actor, ap.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// apply builds the application from the request and submits it, with its
// audit entry, in one transaction.
func (a *app) apply(ctx context.Context, c *web.Call, req applyRequest) (admission.Application, error) {
	svc := a.Admission()
	if req.IntakeID.IsZero() {
		return admission.Application{}, domain.Invalid("intakeId", "required")
	}
	var out admission.Application
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		ap, err := svc.Prefill(ctx, c.Actor, req.IntakeID, c.ChildID)
		if domain.IsNotFound(err) {
			return domain.Invalid("intakeId", "no-such-intake")
		}
		if err != nil {
			return err
		}
		ap.Preferences, ap.Hours, ap.Statutory, ap.Local, ap.Together = req.Preferences, req.Hours, req.Statutory, req.Local, req.Together
		if req.Start != date.Zero {
			ap.Start = req.Start
		}
		if out, err = svc.Apply(ctx, c.Actor, ap); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "admission.apply", "application/"+out.ID.String(), c.ChildID)
	})
	return out, err
}

// answer accepts or declines the offer, with its audit entry, in one
// transaction.
func (a *app) answer(ctx context.Context, c *web.Call, o admission.Offer, accept bool) (domain.Placement, error) {
	var pl domain.Placement
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		action := "admission.offer.decline"
		if accept {
			action = "admission.offer.accept"
			pl, err = a.Admission().Accept(ctx, c.Actor, o.ID)
		} else {
			err = a.Admission().Decline(ctx, c.Actor, o.ID)
		}
		if err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, action, "offer/"+o.ID.String(), c.ChildID)
	})
	return pl, err
}

// runIntake runs the allocation and logs it.
func (a *app) runIntake(ctx context.Context, c *web.Call, intake admission.IntakeID, seed uint64, reason string) (admission.Run, error) {
	if seed == 0 {
		seed = uint64(a.Clock.Now().UnixNano())
	}
	var run admission.Run
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if run, err = a.Admission().RunWithReason(ctx, c.Actor, intake, seed, reason); err != nil {
			return err
		}
		if run.Reason != "" {
			if err := a.AuditChange(ctx, c.Actor, "admission.run.reason", auditReason(run)); err != nil {
				return err
			}
		}
		return a.AuditChange(ctx, c.Actor, "admission.run", "run/"+run.ID.String(), runChildren(run)...)
	})
	return run, err
}

func runChildren(run admission.Run) []domain.ChildID {
	ids := make([]domain.ChildID, 0, len(run.Results))
	for _, r := range run.Results {
		ids = append(ids, r.Child)
	}
	return ids
}

// waitingLists reads every unit's waiting list per age group, all from one
// read of the intake.
func (a *app) waitingLists(ctx context.Context, c *web.Call, in admission.Intake) ([]waitingListView, error) {
	ls, err := a.Admission().WaitingLists(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := make([]waitingListView, 0, len(ls))
	for _, l := range ls {
		out = append(out, waitingListView{Unit: l.Unit, Group: l.Group, Entries: l.Entries})
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

func (a *app) apiIntakes(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	intakes, err := a.Store.Intakes(r.Context(), c.Actor.Municipality)
	if err != nil {
		return err
	}
	pg, err := api.Paginate(intakes, func(in admission.Intake) string { return in.ID.String() }, pr)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

func (a *app) apiIntake(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, in)
	return nil
}

// apiIntakeApplications pages the intake's applications by ID (keyset:
// the cursor is the last ID shown): the store reads the page only,
// searched in SQL by the child's name or national ID (ApplicationsAfter,
// ApplicationsFound). Only a search that could name a status (every word
// of it in a status code, "waiting") reads the intake's applicants once
// (searchApplications), the statuses being worked out from the whole
// intake. The views of the page come from one read of the intake, and
// only the page's children are logged.
func (a *app) apiIntakeApplications(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	id := in.ID
	var after admission.ApplicationID
	if pr.Cursor != "" {
		if after, err = domain.ParseID[admission.Application](pr.Cursor); err != nil || after.IsZero() {
			return api.BadRequest("invalid-query", "the cursor is not one this API gave",
				domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
	}
	var apps []admission.Application
	switch {
	case pr.Q == "":
		if apps, err = a.Store.ApplicationsAfter(ctx, c.Actor.Municipality, id, after, pr.Limit+1); err != nil {
			return err
		}
	case !namesStatus(pr.Q):
		if apps, err = a.Store.ApplicationsFound(ctx, c.Actor.Municipality, id, after, pr.Limit+1, pr.Q); err != nil {
			return err
		}
	default:
		all, err := a.Store.Applications(ctx, c.Actor.Municipality, id)
		if err != nil {
			return err
		}
		if all, err = a.searchApplications(ctx, c, id, all, pr.Q); err != nil {
			return err
		}
		start := sort.Search(len(all), func(i int) bool { return pr.Cursor == "" || all[i].ID.String() > pr.Cursor })
		apps = all[start:min(len(all), start+pr.Limit+1)]
	}
	pg := api.Keyset(apps, func(ap admission.Application) string { return ap.ID.String() }, pr)
	out := api.Page[admission.ApplicationView]{Items: []admission.ApplicationView{}, NextCursor: pg.NextCursor}
	var ids []domain.ChildID
	var page []admission.ApplicationID
	for _, ap := range pg.Items {
		page = append(page, ap.ID)
		ids = append(ids, ap.Child)
	}
	// One read of the intake for the whole page, not a View per row.
	views, err := a.Admission().IntakeViews(ctx, c.Actor, id, page)
	if err != nil {
		return err
	}
	out.Items = append(out.Items, views...)
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "admission.applications.list", "intake/"+id.String(), ids...); err != nil {
			return err
		}
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

// namesStatus reports whether the search could name an application's
// status (every word of it in a status code).
func namesStatus(q string) bool {
	return slices.ContainsFunc(intakeStatuses, func(st admission.Status) bool { return api.Matches(q, string(st)) })
}

// searchApplications keeps of the intake's applications apps (by ID)
// those in which the search finds the child (every word in the name, or
// the start of the national ID) or the status: one read of the
// applicants, and the intake's statuses (IntakeStatuses) only when the
// search could name a status.
func (a *app) searchApplications(ctx context.Context, c *web.Call, intake admission.IntakeID, apps []admission.Application, q string) ([]admission.Application, error) {
	var status map[admission.ApplicationID]admission.Status
	if namesStatus(q) {
		sts, err := a.Admission().IntakeStatuses(ctx, c.Actor, intake)
		if err != nil {
			return nil, err
		}
		status = make(map[admission.ApplicationID]admission.Status, len(sts))
		for _, st := range sts {
			status[st.Application.ID] = st.Status
		}
	}
	ids := make([]domain.ChildID, 0, len(apps))
	for _, ap := range apps {
		ids = append(ids, ap.Child)
	}
	children := map[domain.ChildID]domain.Child{}
	if len(ids) > 0 {
		cs, err := a.Store.ChildrenByID(ctx, c.Actor.Municipality, ids)
		if err != nil {
			return nil, err
		}
		for _, ch := range cs {
			children[ch.ID] = ch
		}
	}
	var out []admission.Application
	for _, ap := range apps {
		if st, ok := status[ap.ID]; (ok && api.Matches(q, string(st))) || childMatches(children[ap.Child], q) {
			out = append(out, ap)
		}
	}
	return out, nil
}

func (a *app) apiIntakeRuns(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	id := in.ID
	runs, err := a.Store.Runs(r.Context(), c.Actor.Municipality, id)
	if err != nil {
		return err
	}
	pg, err := api.Paginate(runs, func(run admission.Run) string { return run.ID.String() }, pr)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

// apiWaitingLists pages the intake's waiting lists as one list, as the
// waiting page does: every list from one read of the intake, the page cut
// by key, names read in one statement for the page (with a search, for
// everyone on the lists the unit filter keeps), and only the page's
// children logged.
func (a *app) apiWaitingLists(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	unit := r.URL.Query().Get("unit")
	if unit != "" {
		if _, err := domain.ParseID[domain.Unit](unit); err != nil {
			return api.BadRequest("invalid-query", "unit is not a unit's ID", domain.FieldError{Field: "unit", Reason: "is-not-a-uuid", Params: map[string]string{"value": unit}})
		}
	}
	ls, err := a.waitingLists(ctx, c, in)
	if err != nil {
		return err
	}
	var places []waitingPlace
	for i, wl := range ls {
		if unit != "" && unit != wl.Unit.String() {
			continue
		}
		for _, e := range wl.Entries {
			places = append(places, waitingPlace{list: i, unit: wl.Unit, group: wl.Group, WaitingEntry: e})
		}
	}
	known := map[domain.ChildID]domain.Child{}
	read := func(ps []waitingPlace) error {
		ids := make([]domain.ChildID, 0, len(ps))
		for _, p := range ps {
			if _, ok := known[p.Child]; !ok && !slices.Contains(ids, p.Child) {
				ids = append(ids, p.Child)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		cs, err := a.Store.ChildrenByID(ctx, m, ids)
		for _, ch := range cs {
			known[ch.ID] = ch
		}
		return err
	}
	if pr.Q != "" {
		if err := read(places); err != nil {
			return err
		}
		places = slices.DeleteFunc(places, func(p waitingPlace) bool { return !childMatches(known[p.Child], pr.Q) })
	}
	start := 0
	if pr.Cursor != "" {
		start = sort.Search(len(places), func(i int) bool { return waitingKey(places[i]) > pr.Cursor })
	}
	end := min(len(places), start+pr.Limit+1)
	rows := places[start:end]
	if err := read(rows); err != nil {
		return err
	}
	out := make([]waitingPlaceView, 0, len(rows))
	for _, p := range rows {
		ch := known[p.Child]
		out = append(out, waitingPlaceView{Unit: p.unit, Group: p.group, WaitingEntry: p.WaitingEntry, ChildName: ch.GivenName + " " + ch.FamilyName})
	}
	keys := make(map[admission.ApplicationID]string, len(rows))
	for _, p := range rows {
		keys[p.Application] = waitingKey(p)
	}
	pg := api.Keyset(out, func(v waitingPlaceView) string { return keys[v.Application] }, pr)
	var shown []domain.ChildID
	for _, v := range pg.Items {
		if !slices.Contains(shown, v.Child) {
			shown = append(shown, v.Child)
		}
	}
	if len(shown) > 0 {
		if err := a.Audit(ctx, c.Actor, "admission.waiting.read", "intake/"+in.ID.String(), shown...); err != nil {
			return err
		}
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

// childMatches reports whether a search finds the child: every word in
// the name, or the search (without spaces) starting the national ID.
func childMatches(ch domain.Child, q string) bool {
	if api.Matches(q, ch.GivenName, ch.FamilyName) {
		return true
	}
	digits := strings.ReplaceAll(q, " ", "")
	return !ch.NationalID.IsZero() && strings.HasPrefix(ch.NationalID.String(), digits)
}

// apiObligations pages the § 16 report as the obligations page does: the
// report from one read of the intake, ordered by obligationKey (the month
// the right applies from, then the application) and cut after the cursor
// (a key, so a child leaving the report does not move the cut), names read
// in one statement only with a search (?q=), and only the page's children
// logged.
func (a *app) apiObligations(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	id := in.ID
	month, err := obligationMonth(r, in)
	if err != nil {
		return err
	}
	obs, err := a.Admission().Obligations(ctx, c.Actor, id, month)
	if err != nil {
		return err
	}
	slices.SortFunc(obs, func(x, y admission.Obligation) int { return strings.Compare(obligationKey(x), obligationKey(y)) })
	if pr.Q != "" {
		ids := make([]domain.ChildID, 0, len(obs))
		for _, o := range obs {
			ids = append(ids, o.Child)
		}
		cs, err := a.Store.ChildrenByID(ctx, c.Actor.Municipality, ids)
		if err != nil {
			return err
		}
		known := make(map[domain.ChildID]domain.Child, len(cs))
		for _, ch := range cs {
			known[ch.ID] = ch
		}
		obs = slices.DeleteFunc(obs, func(o admission.Obligation) bool { return !childMatches(known[o.Child], pr.Q) })
	}
	start := 0
	if pr.Cursor != "" {
		start = sort.Search(len(obs), func(i int) bool { return obligationKey(obs[i]) > pr.Cursor })
	}
	pg := api.Keyset(obs[start:min(len(obs), start+pr.Limit+1)], obligationKey, pr)
	ids := make([]domain.ChildID, 0, len(pg.Items))
	for _, o := range pg.Items {
		ids = append(ids, o.Child)
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "admission.obligations.read", "intake/"+id.String(), ids...); err != nil {
			return err
		}
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

// runView is a run as the API answers it: the run with its statistics,
// without its children's results (at 50,000 children megabytes), which
// ResultsHref pages.
type runView struct {
	admission.Run
	// Results are left out of the run: GET ResultsHref pages them.
	Results     struct{} `json:"results,omitzero"`
	ResultsHref string   `json:"resultsHref"`
}

func newRunView(run admission.Run) runView {
	run.Results = nil
	return runView{Run: run, ResultsHref: "/api/v1/admission-runs/" + run.ID.String() + "/results"}
}

func (a *app) apiRun(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req runRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.IntakeID.IsZero() {
		return domain.Invalid("intakeId", "required")
	}
	run, err := a.runIntake(r.Context(), c, req.IntakeID, req.Seed, req.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/admission-runs/"+run.ID.String())
	api.WriteJSON(w, http.StatusCreated, newRunView(run))
	return nil
}

// apiGetRun answers the run with its statistics, read without its
// results. It shows no child's result, so it logs none: the results'
// pages log their children.
func (a *app) apiGetRun(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[admission.Run](r, "runId")
	if err != nil {
		return err
	}
	run, err := a.Store.RunHeader(r.Context(), c.Actor.Municipality, id)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, newRunView(run))
	return nil
}

// apiRunResults pages a run's results by application ID (the cursor is
// the last one shown, so the cut stays where it was), ?childId= keeping
// one child's, and logs the children of the page.
func (a *app) apiRunResults(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	var child domain.ChildID
	if s := r.URL.Query().Get("childId"); s != "" {
		if child, err = domain.ParseID[domain.Child](s); err != nil {
			return api.BadRequest("invalid-query", "childId is not a child's ID", domain.FieldError{Field: "childId", Reason: "is-not-a-uuid", Params: map[string]string{"value": s}})
		}
	}
	id, err := api.PathID[admission.Run](r, "runId")
	if err != nil {
		return err
	}
	run, err := a.Store.Run(r.Context(), c.Actor.Municipality, id)
	if err != nil {
		return err
	}
	res := run.Results
	if !child.IsZero() {
		res = slices.DeleteFunc(res, func(x admission.RunResult) bool { return x.Child != child })
	}
	key := func(x admission.RunResult) string { return x.Application.String() }
	slices.SortFunc(res, func(x, y admission.RunResult) int { return strings.Compare(key(x), key(y)) })
	start := 0
	if pr.Cursor != "" {
		start = sort.Search(len(res), func(i int) bool { return key(res[i]) > pr.Cursor })
	}
	pg := api.Keyset(res[start:min(len(res), start+pr.Limit+1)], key, pr)
	ids := make([]domain.ChildID, 0, len(pg.Items))
	for _, x := range pg.Items {
		ids = append(ids, x.Child)
	}
	if len(ids) > 0 {
		if err := a.Audit(r.Context(), c.Actor, "admission.run.read", "run/"+id.String(), ids...); err != nil {
			return err
		}
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

func (a *app) apiApprove(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req approveRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.RunID.IsZero() {
		return domain.Invalid("runId", "required")
	}
	offers, err := a.approveRun(r.Context(), c, req.RunID, req.Reason)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, approvalView{Run: req.RunID, Offers: offers})
	return nil
}

func (a *app) apiChildApplications(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	vs, err := a.childViews(r.Context(), c)
	if err != nil {
		return err
	}
	pg, err := api.Paginate(vs, func(v admission.ApplicationView) string { return v.Application.ID.String() }, pr)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "admission.applications.read", "", c.ChildID); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

func (a *app) apiPrefill(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := domain.ParseID[admission.Intake](r.URL.Query().Get("intakeId"))
	if err != nil || id.IsZero() {
		return api.Unprocessable("invalid-query", "intakeId is required", domain.FieldError{Field: "intakeId", Reason: "must-be-the-uuid-of-an-intake"})
	}
	ap, err := a.Admission().Prefill(r.Context(), c.Actor, id, c.ChildID)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "admission.prefill", "intake/"+id.String(), c.ChildID); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, prefillView{Application: ap})
	return nil
}

// prefillView is a pre-filled application, not yet stored: it has no ID
// and no submission time yet, so neither is written.
type prefillView struct {
	admission.Application
	ID        struct{} `json:"id,omitzero"`
	Submitted struct{} `json:"submitted,omitzero"`
}

func (a *app) apiApply(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req applyRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	ap, err := a.apply(ctx, c, req)
	if err != nil {
		return err
	}
	v, err := a.Admission().View(ctx, c.Actor, ap.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/children/"+c.ChildID.String()+"/applications/"+ap.ID.String())
	api.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (a *app) apiApplication(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	ap, err := a.childApplication(ctx, r, c)
	if err != nil {
		return err
	}
	v, err := a.Admission().View(ctx, c.Actor, ap.ID)
	if err != nil {
		return err
	}
	if err := a.Audit(ctx, c.Actor, "admission.application.read", "application/"+ap.ID.String(), c.ChildID); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// letterLang is the language of a decision letter: ?lang=, else nb.
func letterLang(r *http.Request) (admission.Lang, error) {
	s := r.URL.Query().Get("lang")
	if s == "" {
		return admission.Bokmal, nil
	}
	if !slices.Contains(admission.Langs(), admission.Lang(s)) {
		return "", api.Unprocessable("invalid-query", "lang is not nb, nn or en", domain.FieldError{Field: "lang", Reason: "must-be-nb-nn-or-en"})
	}
	return admission.Lang(s), nil
}

func (a *app) apiDecision(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	lang, err := letterLang(r)
	if err != nil {
		return err
	}
	d, doc, err := a.decisionLetter(ctx, r, c, lang)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, DecisionView{Decision: d, Lang: string(lang), Letter: doc.Text(), Document: doc})
	return nil
}

func (a *app) apiAccept(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req answerRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
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
	v, err := a.ViewPlacement(ctx, pl)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiDecline(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req answerRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
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
	o, err = a.Store.Offer(ctx, c.Actor.Municipality, o.ID)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, o)
	return nil
}

// LapseOffersEvery runs LapseOffers now and then every interval until ctx
// ends.
func LapseOffersEvery(ctx context.Context, a *web.App, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		LapseOffers(ctx, a)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// LapseOffers closes the offers past their deadline (LapseOffers) in every
// municipality served; each seat goes to the next child waiting. It
// returns how many lapsed.
func LapseOffers(ctx context.Context, a *web.App) int {
	total := 0
	for _, m := range a.Municipalities {
		n, err := a.Admission().LapseOffers(ctx, domain.SystemActor(m, "offer-lapse-job"), a.Clock.Now())
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			a.Log.Error("lapse offers", "municipality", m, "err", err)
		case n > 0:
			a.Log.Info("offers lapsed", "municipality", m, "count", n)
		}
		total += n
	}
	return total
}

// Small helpers for pages.

func langOf(c *web.Call) admission.Lang { return admission.Lang(c.Lang.Code) }

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
func when(l web.Locale, t time.Time) string {
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

func fmtMonth(l web.Locale, m admission.Month) string {
	return fmt.Sprintf("%s %d", l.T(fmt.Sprintf("month.%d", int(m.Month))), m.Year)
}
