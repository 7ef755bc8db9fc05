package admissionweb

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Approving a run, safely: the run page's button leads to a confirmation
// page that says what approval will do (how many offers and decision
// letters, the last day to answer, who stays on waiting lists), with
// "Approve" and "Back"; on or before the application deadline the
// approval needs a reason (admission.CheckApproveTime), kept in the audit
// log; after it a success page says what was sent. The API has the same
// steps: a preview (GET) and the approval (POST) with its reason.

// approvalRoutes are the routes of the approval steps not in
// admissionRoutes.
func (a *app) approvalRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/admission-runs/{runId}/approval-preview", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "What approving a draft run would do now: offers and decision letters, the last day to answer, children left waiting, and whether a reason is needed (before the application deadline); changes nothing. For an approved run, what its approval sent (caseworker)", Response: admission.ApprovalPreview{}, Handle: a.apiApprovalPreview},
		{Method: "GET", Path: "/admission/runs/{runId}/approve", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.approvePage},
		{Method: "GET", Path: "/admission/runs/{runId}/approved", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.approvedPage},
	}
}

func (a *app) apiApprovalPreview(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[admission.Run](r, "runId")
	if err != nil {
		return err
	}
	p, err := a.Admission().PreviewApproval(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, p)
	return nil
}

// approveRun approves a run with the caseworker's reason (needed on or
// before the application deadline), audit-logging the approval and the
// reason, and writing the archive copy of every decision, in its
// transaction.
func (a *app) approveRun(ctx context.Context, c *web.Call, id admission.RunID, reason string) ([]admission.Offer, error) {
	var offers []admission.Offer
	reason = strings.TrimSpace(reason)
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		run, err := a.Store.Run(ctx, c.Actor.Municipality, id)
		if err != nil {
			return err
		}
		if offers, err = a.Admission().ApproveWithReason(ctx, c.Actor, id, reason); err != nil {
			return err
		}
		if err := a.archiveDecisions(ctx, c, id); err != nil {
			return err
		}
		if reason != "" {
			run.Reason = reason
			if err := a.AuditChange(ctx, c.Actor, "admission.approve.reason", auditReason(run)); err != nil {
				return err
			}
		}
		return a.AuditChange(ctx, c.Actor, "admission.approve", "run/"+id.String(), runChildren(run)...)
	})
	if offers == nil {
		offers = []admission.Offer{}
	}
	return offers, err
}

// approveContent is the confirmation page.
type approveContent struct {
	ID, Intake, RunHref string
	Offers, Letters     int
	Unplaced, Lower     int
	AnswerBy, Deadline  string
	BeforeDeadline      bool
	// Reason and ReasonError are the form as typed and its refusal.
	Reason, ReasonError string
}

func (a *app) approvePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[admission.Run](r, "runId")
	if err != nil {
		return err
	}
	return a.renderApprove(w, r, c, id, http.StatusOK, "", "")
}

func (a *app) renderApprove(w http.ResponseWriter, r *http.Request, c *web.Call, id admission.RunID, status int, reason, reasonErr string) error {
	ctx := r.Context()
	p, err := a.Admission().PreviewApproval(ctx, c.Actor, id)
	if err != nil {
		return err
	}
	if !p.Approved.IsZero() {
		seeOther(w, r, "/admission/runs/"+id.String()+"/approved", nil)
		return nil
	}
	in, err := a.Store.Intake(ctx, c.Actor.Municipality, p.Intake)
	if err != nil {
		return err
	}
	content := approveContent{ID: id.String(), Intake: in.Name, RunHref: "/admission/runs/" + id.String(),
		Offers: p.Offers, Letters: p.Letters, Unplaced: p.Unplaced, Lower: p.Lower,
		AnswerBy: c.Lang.Date(p.AnswerBy), Deadline: c.Lang.Date(p.ApplicationDeadline), BeforeDeadline: p.BeforeDeadline,
		Reason: reason, ReasonError: reasonErr}
	a.Page(w, r, c, status, "admission_approve", "admission.approve.title", content)
	return nil
}

func (a *app) approveSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[admission.Run](r, "runId")
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	reason := r.PostForm.Get("reason")
	_, err = a.approveRun(r.Context(), c, id, reason)
	var ve *domain.ValidationError
	if errors.As(err, &ve) && domain.FieldOf(err) == "reason" {
		return a.renderApprove(w, r, c, id, http.StatusUnprocessableEntity, reason, reasonText(c.Lang, ve.Fields[0].Reason, ve.Fields[0].Params))
	}
	if err != nil {
		return err
	}
	seeOther(w, r, "/admission/runs/"+id.String()+"/approved", nil)
	return nil
}

// approvedContent is the success page: what the approval sent, and the
// run's children with their decision letters as a list (result_list.go).
type approvedContent struct {
	Intake, Approved, By       string
	Href, RunHref, WaitingHref string
	Offers, Letters            int
	AnswerBy                   string
	Rows                       []approvedRow
	Figures                    []resultFigure
	Filter                     resultFilter
	Filtered                   bool
	UnitOptions                []option
	Matching                   int
	PrevHref, NextHref         string
}

// approvedRow is a child sent a decision letter: the unit offered and its
// choice, or none (waiting).
type approvedRow struct {
	Child, Unit, DecisionHref string
	Rank                      int
}

// approvedPage says what the approval sent and lists the children sent a
// decision letter, with the offer sent or none, as the run page lists its
// results: in keyset pages by the unit offered, filtered by it (?unit=,
// "none" for those waiting) and searched (?q=); only the children shown
// are read and logged.
func (a *app) approvedPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	id, err := api.PathID[admission.Run](r, "runId")
	if err != nil {
		return err
	}
	run, err := a.Store.Run(ctx, m, id)
	if err != nil {
		return err
	}
	if !run.IsApproved() {
		seeOther(w, r, "/admission/runs/"+id.String()+"/approve", nil)
		return nil
	}
	in, err := a.Store.Intake(ctx, m, run.Intake)
	if err != nil {
		return err
	}
	n, err := a.names(ctx, m, false)
	if err != nil {
		return err
	}
	offers, err := a.Store.IntakeOffers(ctx, m, in.ID)
	if err != nil {
		return err
	}
	// The applications ended since the run, not every application: the
	// others are active, all the page asks of them.
	endedIDs, err := a.Store.EndedApplications(ctx, m, in.ID)
	if err != nil {
		return err
	}
	ended := make(map[admission.ApplicationID]bool, len(endedIDs))
	for _, ap := range endedIDs {
		ended[ap] = true
	}
	q := r.URL.Query()
	href := "/admission/runs/" + id.String() + "/approved"
	content := approvedContent{Intake: in.Name, Approved: when(c.Lang, run.Approved), By: a.personName(ctx, c, run.ApprovedBy), Href: href,
		RunHref: "/admission/runs/" + id.String(), WaitingHref: "/admission/intakes/" + in.ID.String() + "/waiting-lists",
		Filter: resultFilter{Unit: q.Get("unit"), Q: strings.TrimSpace(q.Get("q"))}}
	content.Filtered = content.Filter.any()
	sent := map[admission.ApplicationID]admission.Offer{}
	for _, o := range offers {
		if !run.Sent(o) {
			continue // offered later, from a waiting list
		}
		sent[o.Application] = o
		content.Offers++
		if content.AnswerBy == "" {
			content.AnswerBy = c.Lang.Date(date.NewAt(o.Deadline.In(domain.Oslo())).AddDate(0, 0, -1))
		}
	}
	// The children sent a letter, each with the offer sent (none: waiting).
	var letters []admission.RunResult
	for _, res := range run.Results {
		if ended[res.Application] {
			continue
		}
		res.Unit, res.Rank = domain.UnitID{}, 0
		if o, ok := sent[res.Application]; ok {
			res.Unit, res.Rank = o.Unit, o.Rank
		}
		letters = append(letters, res)
	}
	content.Letters = len(letters)
	content.UnitOptions, content.Figures = resultUnits(c.Lang.T("admission.approved.waiting"), in, n, letters, content.Filter, href)
	rows, err := a.filterResults(ctx, m, letters, content.Filter)
	if err != nil {
		return err
	}
	key := resultKey(in)
	slices.SortFunc(rows, func(x, y admission.RunResult) int { return strings.Compare(key(x), key(y)) })
	content.Matching = len(rows)
	page := web.KeysetPage(rows, key, q.Get("after"), q.Get("before"), web.PageSize)
	content.PrevHref, content.NextHref = web.PagerLinks(q, page.Prev, page.Next, "q", "unit")
	ids := make([]domain.ChildID, len(page.Rows))
	for i, res := range page.Rows {
		ids[i] = res.Child
	}
	if err := a.childNames(ctx, m, n, ids); err != nil {
		return err
	}
	for _, res := range page.Rows {
		content.Rows = append(content.Rows, approvedRow{Child: n.children[res.Child], Unit: n.units[res.Unit], Rank: res.Rank,
			DecisionHref: "/children/" + res.Child.String() + "/applications/" + res.Application.String() + "/decision"})
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "admission.approval.read", "run/"+id.String(), ids...); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusOK, "admission_approved", "admission.approved.title", content)
	return nil
}
