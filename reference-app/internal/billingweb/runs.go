package billingweb

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Safe invoice runs: a run is previewed (nothing is written), approved
// with the preview's fingerprint (refused with 409 when the data changed
// since), and cancelled while not exported (with a reason; who and when
// are kept). Every step is audit-logged with who.

// runRoutes are the routes of previews, approvals and cancellations (the
// approval itself is POST /api/v1/invoice-runs and POST
// /billing/invoice-runs in billingRoutes).
func (a *app) runRoutes() []web.Route {
	return []web.Route{
		{Method: "POST", Path: "/api/v1/invoice-runs/preview", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Preview the invoice run of a month (caseworker): invoices, payers, totals, corrections by month and their sum, the largest changes against the previous run, skipped children, and the fingerprint to approve it with; writes nothing. A month that does not exist, before the first invoiced month or outside the run window is refused (422, field month); a month run before is a conflict (409, month-already-run)", Body: previewRunRequest{}, Response: InvoiceRunPreviewView{}, Handle: a.apiPreviewRun},
		{Method: "POST", Path: "/api/v1/invoice-runs/{month}/cancel", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Cancel the approved invoice run of a month, YYYY-MM (caseworker), with a reason: its invoices and the fee decisions it made are removed, who, when and why are kept. An exported run is a conflict (409, run-exported: correct it by credit notes); so is a run that is not the latest (run-not-latest) or has payments (run-paid) or credit notes (run-credited)", Body: cancelRunRequest{}, Response: RunCancellationView{}, Handle: a.apiCancelRun},
		{Method: "GET", Path: "/api/v1/invoice-run-cancellations", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The cancelled invoice runs, newest first: month, when, by whom, why, and the run as it was (caseworker)", Response: RunCancellationView{}, List: true, Handle: a.apiRunCancellations},
		{Method: "POST", Path: "/billing/invoice-runs/preview", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingPreviewPage},
		{Method: "POST", Path: "/billing/invoice-runs/{month}/cancel", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingCancelPage},
	}
}

// previewRunRequest previews the invoice run of a month.
type previewRunRequest struct {
	Month billing.Month `json:"month"` // YYYY-MM
}

// cancelRunRequest cancels a run.
type cancelRunRequest struct {
	Reason string `json:"reason"` // required, at most 500 characters
}

// InvoiceRunPreviewView is an invoice run computed and not stored.
type InvoiceRunPreviewView struct {
	Month       string    `json:"month"`
	Made        date.Date `json:"made"`
	Invoices    int       `json:"invoices"`
	Payers      int       `json:"payers"`
	FirstNumber int64     `json:"firstNumber"`
	LastNumber  int64     `json:"lastNumber"`
	// Total is every invoice together, corrections included; Current the
	// lines of the month itself (Lines of them).
	Total   string `json:"total"`
	Lines   int    `json:"lines"`
	Current string `json:"current"`
	// CorrectFrom is the first month corrected ("" when none).
	CorrectFrom     string                `json:"correctFrom,omitempty"`
	Corrections     []correctionMonthView `json:"corrections"`
	CorrectionLines int                   `json:"correctionLines"`
	CorrectionSum   string                `json:"correctionSum"`
	// PreviousMonth is the latest run before ("" when none); Changes the
	// payers whose invoice changes most against it.
	PreviousMonth string            `json:"previousMonth,omitempty"`
	Changes       []payerChangeView `json:"changes"`
	Decisions     int               `json:"decisions"`
	Skipped       []skippedView     `json:"skipped"`
	// Fingerprint is given back to approve (POST /api/v1/invoice-runs).
	Fingerprint string `json:"fingerprint"`
}

type correctionMonthView struct {
	Month string `json:"month"`
	Lines int    `json:"lines"`
	Sum   string `json:"sum"`
}

type payerChangeView struct {
	Payer      domain.GuardianID `json:"payer"`
	PayerName  string            `json:"payerName"`
	Before     string            `json:"before"`
	After      string            `json:"after"`
	Difference string            `json:"difference"`
}

// RunCancellationView is a cancelled run.
type RunCancellationView struct {
	ID          billing.RunCancellationID `json:"id"`
	Month       string                    `json:"month"`
	Cancelled   time.Time                 `json:"cancelled"`
	By          string                    `json:"by"`
	Reason      string                    `json:"reason"`
	Invoices    int                       `json:"invoices"`
	FirstNumber int64                     `json:"firstNumber"`
	LastNumber  int64                     `json:"lastNumber"`
	Total       string                    `json:"total"`
}

func cancellationView(c billing.RunCancellation) RunCancellationView {
	return RunCancellationView{ID: c.ID, Month: c.Month.String(), Cancelled: c.Cancelled, By: c.By, Reason: c.Reason,
		Invoices: c.Run.Invoices, FirstNumber: c.Run.FirstNumber, LastNumber: c.Run.LastNumber, Total: billingAmount(c.Run.Total)}
}

// childrenOf lists the children invoices are for.
func childrenOf(invs []billing.Invoice) []domain.ChildID {
	var out []domain.ChildID
	seen := map[domain.ChildID]bool{}
	for _, inv := range invs {
		for _, l := range inv.Lines {
			if !seen[l.Child] {
				seen[l.Child] = true
				out = append(out, l.Child)
			}
		}
	}
	return out
}

// previewRun previews a month and logs the read for every child it
// invoices or skips, in one transaction.
func (a *app) previewRun(ctx context.Context, actor domain.Actor, month billing.Month) (billing.Preview, InvoiceRunPreviewView, error) {
	var p billing.Preview
	var v InvoiceRunPreviewView
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if p, err = a.Billing().PreviewRun(ctx, actor, actor.Municipality, month); err != nil {
			return err
		}
		n := a.billingNames(actor.Municipality)
		v = InvoiceRunPreviewView{Month: month.String(), Made: p.Run.Made, Invoices: p.Run.Invoices, Payers: p.Payers,
			FirstNumber: p.Run.FirstNumber, LastNumber: p.Run.LastNumber, Total: billingAmount(p.Run.Total), Lines: p.Lines,
			Current: billingAmount(p.Current), Corrections: []correctionMonthView{}, CorrectionLines: p.CorrectionLines,
			CorrectionSum: billingAmount(p.CorrectionSum), Changes: []payerChangeView{}, Decisions: p.Decisions,
			Skipped: []skippedView{}, Fingerprint: p.Fingerprint}
		if p.CorrectFrom.Year > 0 {
			v.CorrectFrom = p.CorrectFrom.String()
		}
		if p.Previous.Month.Year > 0 {
			v.PreviousMonth = p.Previous.Month.String()
		}
		for _, c := range p.Corrections {
			v.Corrections = append(v.Corrections, correctionMonthView{Month: c.Month.String(), Lines: c.Lines, Sum: billingAmount(c.Sum)})
		}
		// The names of the payers changed and the children skipped are
		// read in one batch, not one store call each (issue 24).
		payers := make([]domain.GuardianID, len(p.Changes))
		for i, c := range p.Changes {
			payers[i] = c.Payer
		}
		skipped := make([]domain.ChildID, len(p.Skipped))
		for i, s := range p.Skipped {
			skipped[i] = s.Child
		}
		if err := n.preload(ctx, payers, skipped); err != nil {
			return err
		}
		for _, c := range p.Changes {
			name, err := n.guardian(ctx, c.Payer)
			if err != nil {
				return err
			}
			v.Changes = append(v.Changes, payerChangeView{Payer: c.Payer, PayerName: name, Before: billingAmount(c.Before),
				After: billingAmount(c.After), Difference: billingAmount(c.Difference)})
		}
		children := slices.Clone(p.Children)
		for _, s := range p.Skipped {
			name, err := n.child(ctx, s.Child)
			if err != nil {
				return err
			}
			v.Skipped = append(v.Skipped, skippedView{Child: s.Child, ChildName: name, Kind: s.Kind, Code: s.Code, Reason: s.Reason})
			if !slices.Contains(children, s.Child) {
				children = append(children, s.Child)
			}
		}
		// Inside the transaction: the read is logged with it (Audit would
		// wait for the writer this transaction holds).
		return a.AuditChange(ctx, actor, "invoice-run.preview", "invoice-run/"+month.String(), children...)
	})
	return p, v, err
}

// cancelRun cancels a month's run and logs the change for every child its
// invoices were for, in one transaction.
func (a *app) cancelRun(ctx context.Context, actor domain.Actor, month billing.Month, reason string) (RunCancellationView, error) {
	var v RunCancellationView
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		c, removed, err := a.Billing().CancelRun(ctx, actor, actor.Municipality, month, reason)
		if err != nil {
			return err
		}
		v = cancellationView(c)
		return a.AuditChange(ctx, actor, "invoice-run.cancel", "invoice-run/"+month.String(), childrenOf(removed)...)
	})
	return v, err
}

// API handlers.

func (a *app) apiPreviewRun(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req previewRunRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Month == (billing.Month{}) {
		return domain.Invalid("month", "required")
	}
	_, v, err := a.previewRun(r.Context(), c.Actor, req.Month)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiCancelRun(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	// The body first (its media type, size and characters), then the
	// month of the path.
	var req cancelRunRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := domain.CheckText("reason", req.Reason); err != nil {
		return err
	}
	month, err := parseMonth("month", r.PathValue("month"))
	if err != nil {
		return err
	}
	v, err := a.cancelRun(r.Context(), c.Actor, month, req.Reason)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiRunCancellations(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	cs, err := a.Billing().RunCancellations(r.Context(), c.Actor, c.Actor.Municipality)
	if err != nil {
		return err
	}
	out := make([]RunCancellationView, 0, len(cs))
	for _, x := range cs {
		out = append(out, cancellationView(x))
	}
	return writeList(w, r, out, func(v RunCancellationView) string { return v.ID.String() })
}

// Pages.

// billingPreview is the preview page.
type billingPreview struct {
	Month, Label  string
	Fingerprint   string
	Changed       bool // the data changed since the last preview
	Invoices      int
	Payers        int
	Numbers       string // "12–47"; "" when none
	Total         string
	Lines         int
	Current       string
	Corrections   []billingCorrectionRow
	CorrectLines  int
	CorrectSum    string
	CorrectFrom   string // the first month corrected, written out
	Previous      string // the previous run's month, written out
	Changes       []billingChangeRow
	Decisions     int
	Skipped       []skippedView
	ApproveSumUp  string
	NothingToBill bool
}

type billingCorrectionRow struct {
	Label, Sum string
	Lines      int
}

type billingChangeRow struct{ Payer, Before, After, Difference string }

func (a *app) previewContent(c *web.Call, month billing.Month, p billing.Preview, v InvoiceRunPreviewView) billingPreview {
	l := c.Lang
	out := billingPreview{Month: month.String(), Label: billingMonth(l, month), Fingerprint: p.Fingerprint,
		Invoices: p.Run.Invoices, Payers: p.Payers, Total: billingMoney(l, p.Run.Total), Lines: p.Lines,
		Current: billingMoney(l, p.Current), CorrectLines: p.CorrectionLines, CorrectSum: billingMoney(l, p.CorrectionSum),
		Decisions: p.Decisions, Skipped: v.Skipped, NothingToBill: p.Run.Invoices == 0}
	if p.Run.Invoices > 0 {
		out.Numbers = l.T("billing.preview.numberRange", p.Run.FirstNumber, p.Run.LastNumber)
	}
	if p.CorrectFrom.Year > 0 {
		out.CorrectFrom = billingMonth(l, p.CorrectFrom)
	}
	if p.Previous.Month.Year > 0 {
		out.Previous = billingMonth(l, p.Previous.Month)
	}
	for _, cm := range p.Corrections {
		out.Corrections = append(out.Corrections, billingCorrectionRow{Label: billingMonth(l, cm.Month), Lines: cm.Lines, Sum: billingMoney(l, cm.Sum)})
	}
	for i, ch := range p.Changes {
		out.Changes = append(out.Changes, billingChangeRow{Payer: v.Changes[i].PayerName, Before: billingMoney(l, ch.Before),
			After: billingMoney(l, ch.After), Difference: billingMoney(l, ch.Difference)})
	}
	for i, s := range out.Skipped {
		out.Skipped[i].Kind = domain.UnitKind(l.T("kind." + string(s.Kind)))
		if key := "billing.skip." + s.Code; l.Has(key) {
			out.Skipped[i].Reason = l.T(key)
		}
	}
	out.ApproveSumUp = l.T("billing.preview.approveExplain", p.Run.Invoices, p.Payers, out.Total)
	return out
}

// runRefused re-shows the billing page's run form with the month typed
// and the reasons (422).
func (a *app) runRefused(w http.ResponseWriter, r *http.Request, c *web.Call, input string, ve *domain.ValidationError) error {
	content, err := a.billingHomeContent(r, c, input)
	if err != nil {
		return err
	}
	for _, f := range ve.Fields {
		msg := c.Lang.FieldReason(f)
		label := f.Field
		if f.Field == "month" || strings.HasSuffix(f.Field, ".month") {
			content.MonthError = msg
			label = c.Lang.T("billing.run.month")
		} else if c.Lang.Has("billing.settings." + f.Field) {
			label = c.Lang.T("billing.settings." + f.Field)
		}
		content.Summary = append(content.Summary, label+": "+msg)
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "billing", "billing.title", content)
	return nil
}

// billingPreviewPage previews the month of the run form.
func (a *app) billingPreviewPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := web.ParsePageForm(w, r, api.MaxBodyBytes); err != nil {
		return err
	}
	return a.showPreview(w, r, c, strings.TrimSpace(r.PostFormValue("month")), false)
}

// showPreview previews input (YYYY-MM) on the preview page; changed says
// an approval was refused because the data changed.
func (a *app) showPreview(w http.ResponseWriter, r *http.Request, c *web.Call, input string, changed bool) error {
	month, err := billing.ParseMonth(input)
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		return a.runRefused(w, r, c, input, ve)
	}
	p, v, err := a.previewRun(r.Context(), c.Actor, month)
	var ce *domain.ConflictError
	switch {
	case errors.As(err, &ve):
		return a.runRefused(w, r, c, input, ve)
	case errors.As(err, &ce) && ce.Reason == billing.ReasonMonthRun:
		// The month was run: show its invoices, as a second run did.
		return a.showRun(w, r, c, month, false)
	case err != nil:
		return err
	}
	content := a.previewContent(c, month, p, v)
	content.Changed = changed
	status := http.StatusOK
	if changed {
		status = http.StatusConflict
	}
	a.Page(w, r, c, status, "billing_run_preview", "billing.preview.title", content)
	return nil
}

// billingCancelPage cancels the run of the path's month.
func (a *app) billingCancelPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := web.ParsePageForm(w, r, api.MaxBodyBytes); err != nil {
		return err
	}
	month, err := parseMonth("month", r.PathValue("month"))
	if err != nil {
		return domain.ErrNotFound
	}
	reason := r.PostFormValue("reason")
	_, err = a.cancelRun(r.Context(), c.Actor, month, reason)
	if err == nil {
		http.Redirect(w, r, "/billing?"+url.Values{"cancelled": {month.String()}}.Encode(), http.StatusSeeOther)
		return nil
	}
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	var msgs []string
	status := http.StatusUnprocessableEntity
	switch {
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			msgs = append(msgs, c.Lang.T("billing.cancel.reason")+": "+c.Lang.FieldReason(f))
		}
	case errors.As(err, &ce):
		status = http.StatusConflict
		msgs = append(msgs, c.Lang.ConflictReason(ce))
	default:
		return err
	}
	content, err := a.invoicesContent(r, c, month)
	if err != nil {
		return err
	}
	content.CancelErrors, content.CancelReason = msgs, reason
	a.Page(w, r, c, status, "billing_invoices", "billing.invoices.title", content)
	return nil
}

// cancelState says whether the month's run can be cancelled on its page:
// it exists, is the latest run and was not exported.
func (a *app) cancelState(ctx context.Context, m domain.Municipality, month billing.Month, content *billingInvoices) error {
	runs, err := a.Store.InvoiceRuns(ctx, m)
	if err != nil {
		return err
	}
	if len(runs) == 0 || runs[len(runs)-1].Month != month {
		return nil
	}
	exports, err := a.Store.RunExports(ctx, m)
	if err != nil {
		return err
	}
	content.HasRun = true
	content.Exported = slices.ContainsFunc(exports, func(e billing.RunExport) bool { return e.Month == month })
	content.CanCancel = !content.Exported
	return nil
}

// cancellationRows are the cancelled runs for the billing page.
func (a *app) cancellationRows(ctx context.Context, c *web.Call) ([]billingCancellationRow, error) {
	cs, err := a.Store.RunCancellations(ctx, c.Actor.Municipality)
	if err != nil {
		return nil, err
	}
	out := make([]billingCancellationRow, 0, len(cs))
	for _, x := range cs {
		out = append(out, billingCancellationRow{Label: billingMonth(c.Lang, x.Month), When: x.Cancelled.In(domain.Oslo()).Format("02.01.2006 15:04"),
			By: x.By, Reason: x.Reason, Invoices: x.Run.Invoices, Total: billingMoney(c.Lang, x.Run.Total)})
	}
	return out, nil
}

type billingCancellationRow struct {
	Label, When, By, Reason, Total string
	Invoices                       int
}
