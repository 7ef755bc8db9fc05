package billingweb

import (
	"context"
	"embed"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/adapters/financecsv"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Billing's routes (API and pages), menu entries and handlers; the
// services come from the shell (web/services.go). Caseworkers run invoices,
// export them and read payment files; guardians read the invoices addressed
// to them and why each fee is what it is.

// policyInvoices: a guardian (their own invoices) or the municipality.
var policyInvoices = web.RolePolicy("invoices", domain.RoleGuardian, domain.RoleCaseworker, domain.RoleAdmin)

// MaxPaymentFile is the largest payment file read (about 12 000 lines).
const MaxPaymentFile = 1 << 20

// billingRoutes are the billing routes of the route table.
func (a *app) billingRoutes() []web.Route {
	month := map[string]string{"month": "the month, YYYY-MM (default: this month)"}
	return []web.Route{
		// API.
		{Method: "GET", Path: "/api/v1/families", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Families for fees: payer, adults and children (caseworker)", Response: familyView{}, List: true, Search: "the name of the payer, a guardian or a child, or the start of their national ID", Handle: a.apiFamilies},
		{Method: "POST", Path: "/api/v1/families", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Make a family for fees: the payer, other adults and the children, members from a day (caseworker); a member already in another family on a shared day is a conflict", Body: newFamilyRequest{}, Response: familyView{}, Status: http.StatusCreated, Handle: a.apiCreateFamily},
		{Method: "GET", Path: "/api/v1/income-decisions", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Income decisions (caseworker), paged by family: a page holds every decision of at most limit families (those with a decision), by start; the cursor is the last family's", Response: incomeDecisionView{}, List: true, Search: "the name of the payer, a guardian or a child of the family, or the start of their national ID", Handle: a.apiIncomeDecisions},
		{Method: "POST", Path: "/api/v1/income-decisions", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Approve an income decision for a family (caseworker)", Body: newIncomeDecisionRequest{}, Response: incomeDecisionView{}, Status: http.StatusCreated, Handle: a.apiCreateIncomeDecision},
		{Method: "GET", Path: "/api/v1/price-lists", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The municipality's price lists for kindergarten and SFO (caseworker)", Response: priceListView{}, List: true, Handle: a.apiPriceLists},
		{Method: "POST", Path: "/api/v1/price-lists", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Make a price list (caseworker); a kindergarten full-time price above the national maximum in force on any day of the period is refused", Body: newPriceListRequest{}, Response: priceListView{}, Status: http.StatusCreated, Handle: a.apiCreatePriceList},
		{Method: "GET", Path: "/api/v1/invoice-runs", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The invoice runs made, by month (caseworker)", Response: invoiceRunView{}, List: true, Handle: a.apiInvoiceRuns},
		{Method: "POST", Path: "/api/v1/invoice-runs", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Approve the invoice run of a month previewed with POST /api/v1/invoice-runs/preview (caseworker), giving the preview's fingerprint; 201 when made, 200 with the stored invoices when the month was run before; 409 (preview-changed) when the data changed since the preview, so preview again; 422 without a fingerprint or for a month refused", Body: newInvoiceRunRequest{}, Response: InvoiceRunResultView{}, Status: http.StatusCreated, Also: []int{http.StatusOK}, Handle: a.apiRunInvoices},
		{Method: "GET", Path: "/api/v1/invoices", Kind: web.KindAPI, Policy: policyInvoices, Summary: "Invoices of a month by number: a guardian's own, or all (caseworker); the cursor is the last invoice's number", Response: InvoiceView{}, List: true, Search: "the payer's name, the start of the payer's national ID, or the start of the invoice number or KID", Query: month, Handle: a.apiInvoices},
		{Method: "GET", Path: "/api/v1/children/{childId}/fee-decisions", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "The child's fee decisions with their explanation (guardian with parental responsibility, caseworker)", Response: feeDecisionView{}, List: true, Handle: a.apiFeeDecisions},
		{Method: "GET", Path: "/api/v1/exports/finance.csv", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The invoices of a month as the finance CSV (text/csv, see adapters/financecsv)", Response: "", ContentType: "text/csv", Query: month, Handle: a.apiExport},
		{Method: "POST", Path: "/api/v1/payments", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Read a Nets OCR giro file and match its payments to invoices by KID (caseworker)", Body: PaymentUploadRequest{}, Response: PaymentReportView{}, Handle: a.apiPayments},
		// Pages.
		{Method: "GET", Path: "/billing", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingPage},
		{Method: "POST", Path: "/billing/invoice-runs", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingRunPage},
		{Method: "GET", Path: "/billing/invoices", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingInvoicesPage},
		{Method: "GET", Path: "/billing/export.csv", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingExportPage},
		{Method: "GET", Path: "/billing/families", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingFamiliesPage},
		{Method: "POST", Path: "/billing/families", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingFamilyPage},
		{Method: "POST", Path: "/billing/income-decisions", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingIncomePage},
		{Method: "GET", Path: "/billing/price-lists", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingPricesPage},
		{Method: "POST", Path: "/billing/price-lists", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingPricesPage},
		{Method: "GET", Path: "/billing/payments", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.billingPaymentsPage},
		{Method: "POST", Path: "/billing/payments", Kind: web.KindPage, Policy: web.PolicyCaseworker, FormLimit: MaxPaymentFile + 64<<10, Handle: a.billingPaymentsPage},
		{Method: "GET", Path: "/invoices", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.guardianInvoicesPage},
		{Method: "GET", Path: "/children/{childId}/fees", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.feesPage},
	}
}

// billingTemplates are billing's pages.
//
//go:embed templates/billing*.html
var billingTemplates embed.FS

// billingMessages are billing's strings.
//
//go:embed messages/billing.*.json
var billingMessages embed.FS

// billingCapability is billing's part of the app.
func (a *app) billingCapability() web.Capability {
	return web.Capability{Tag: "billing", About: "Families, income decisions, price lists, fee decisions, invoice runs, exports and payments",
		Routes: slices.Concat(a.billingRoutes(), a.settingsRoutes(), a.runRoutes(), a.documentRoutes(), a.letterRoutes(), a.letterPDFRoutes()), Menus: billingMenus, Pages: billingTemplates, Messages: billingMessages}
}

// billingMenus are the billing menu entries.
var billingMenus = []web.MenuItem{
	{Roles: []domain.Role{domain.RoleGuardian}, Path: "/invoices", Key: "billing.menu.invoices"},
	{Roles: []domain.Role{domain.RoleCaseworker, domain.RoleAdmin}, Path: "/billing", Key: "billing.menu.billing", Capability: domain.CapBilling},
}

// monthParam reads ?month= (YYYY-MM); none is this month.
func (a *app) monthParam(r *http.Request) (billing.Month, error) {
	s := strings.TrimSpace(r.URL.Query().Get("month"))
	if s == "" {
		return billing.MonthOf(domain.Today(a.Clock)), nil
	}
	return parseMonth("month", s)
}

func parseMonth(field, s string) (billing.Month, error) {
	d, err := domain.ParseMonth(field, strings.TrimSpace(s))
	if err != nil {
		return billing.Month{}, err
	}
	return billing.MonthOf(d), nil
}

// Reads.

// familyViews shows families with their members' names, read in one
// statement for the guardians and one for the children (no store call per
// family), and lists the children in them (for the audit log).
func (a *app) familyViews(ctx context.Context, m domain.Municipality, fs []billing.Family) ([]familyView, []domain.ChildID, error) {
	p := familyPage{guardians: map[domain.GuardianID]domain.Guardian{}, children: map[domain.ChildID]domain.Child{}}
	if err := a.readMembers(ctx, m, fs, &p); err != nil {
		return nil, nil, err
	}
	n := a.billingNames(m)
	n.children = map[domain.ChildID]string{}
	for id, c := range p.children {
		n.children[id] = c.GivenName + " " + c.FamilyName
	}
	for id, g := range p.guardians {
		n.adults[id] = g.GivenName + " " + g.FamilyName
	}
	out := make([]familyView, 0, len(fs))
	var children []domain.ChildID
	for _, f := range fs {
		v, err := n.family(ctx, f)
		if err != nil {
			return nil, nil, err
		}
		for _, mb := range f.Members {
			if !mb.Child.IsZero() {
				children = append(children, mb.Child)
			}
		}
		out = append(out, v)
	}
	return out, children, nil
}

// familiesIncomeDecisions reads the income decisions of the families (one
// read, however many the municipality has) and the children of those
// families, for the audit log (a household's income is part of its
// children's case).
func (a *app) familiesIncomeDecisions(ctx context.Context, m domain.Municipality, fs []billing.Family) ([]incomeDecisionView, []domain.ChildID, error) {
	ids := make([]billing.FamilyID, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	ds, err := a.Store.IncomeDecisionsOf(ctx, m, ids)
	if err != nil {
		return nil, nil, err
	}
	return a.viewIncomeDecisions(ctx, m, ds, fs)
}

// viewIncomeDecisions shows the decisions ds with their payers' names (one
// read for all), the families fs holding theirs, and lists the children of
// those families.
func (a *app) viewIncomeDecisions(ctx context.Context, m domain.Municipality, ds []billing.IncomeDecision, fs []billing.Family) ([]incomeDecisionView, []domain.ChildID, error) {
	families := map[billing.FamilyID]billing.Family{}
	for _, f := range fs {
		families[f.ID] = f
	}
	// The payers' names in one read, not one per decision.
	var payers []domain.GuardianID
	for _, d := range ds {
		payers = append(payers, families[d.Family].Payer)
	}
	gs, err := a.Store.GuardiansByID(ctx, m, payers)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[domain.GuardianID]string, len(gs))
	for _, g := range gs {
		names[g.ID] = g.GivenName + " " + g.FamilyName
	}
	out := make([]incomeDecisionView, 0, len(ds))
	var children []domain.ChildID
	seen := map[domain.ChildID]bool{}
	for _, d := range ds {
		f := families[d.Family]
		name := names[f.Payer]
		for _, mb := range f.Members {
			if !mb.Child.IsZero() && !seen[mb.Child] {
				seen[mb.Child] = true
				children = append(children, mb.Child)
			}
		}
		out = append(out, billingIncomeView(d, name))
	}
	return out, children, nil
}

// viewInvoices shows invoices with their payers' names and addresses and
// the children's names, read in one batch for all of them (the payers, their
// households, the children: no store call per invoice), and lists the
// children they are for (for the audit log).
func (a *app) viewInvoices(ctx context.Context, m domain.Municipality, invs []billing.Invoice) ([]InvoiceView, []domain.ChildID, error) {
	var payers []domain.GuardianID
	var children []domain.ChildID
	seen := map[domain.ChildID]bool{}
	for _, inv := range invs {
		payers = append(payers, inv.Payer)
		for _, l := range inv.Lines {
			if !seen[l.Child] {
				seen[l.Child] = true
				children = append(children, l.Child)
			}
		}
	}
	n := a.billingNames(m)
	if err := n.preload(ctx, payers, children); err != nil {
		return nil, nil, err
	}
	out := make([]InvoiceView, 0, len(invs))
	for _, inv := range invs {
		v, err := n.invoice(ctx, inv)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, v)
	}
	return out, children, nil
}

// feeDecisionsOf reads a child's fee decisions, newest first, with the
// income decisions they rest on. A household's income is shown to the
// municipality and to the adults of that household only: a parent who
// lives elsewhere sees the fee and the rules, not the other household's
// income.
func (a *app) feeDecisionsOf(ctx context.Context, actor domain.Actor, child domain.ChildID) ([]billing.FeeDecision, map[billing.IncomeDecisionID]*billing.IncomeDecision, error) {
	m := actor.Municipality
	// The child's decisions and the income decisions of the families they
	// name, read by child and by family: not the municipality's.
	ds, err := a.Store.FeeDecisionsOf(ctx, m, []domain.ChildID{child})
	if err != nil {
		return nil, nil, err
	}
	slices.Reverse(ds)
	incomes := map[billing.IncomeDecisionID]*billing.IncomeDecision{}
	var named []billing.FamilyID
	for _, d := range ds {
		if !d.IncomeDecision.IsZero() && !slices.Contains(named, d.Family) {
			named = append(named, d.Family)
		}
	}
	if len(named) > 0 {
		ids, err := a.Store.IncomeDecisionsOf(ctx, m, named)
		if err != nil {
			return nil, nil, err
		}
		// A guardian sees an income decision only of a family they were
		// in while it held: each family is read once, however many
		// decisions name it (not a store call per decision).
		families := map[billing.FamilyID]billing.Family{}
		for i := range ids {
			if !slices.ContainsFunc(ds, func(d billing.FeeDecision) bool { return d.IncomeDecision == ids[i].ID }) {
				continue
			}
			if actor.Municipal() {
				incomes[ids[i].ID] = &ids[i]
				continue
			}
			f, ok := families[ids[i].Family]
			if !ok {
				if f, err = a.Store.Family(ctx, m, ids[i].Family); err != nil {
					return nil, nil, err
				}
				families[f.ID] = f
			}
			if slices.ContainsFunc(f.Members, func(mb billing.Member) bool {
				return mb.Guardian == actor.Guardian && mb.Period.Overlaps(ids[i].Period)
			}) {
				incomes[ids[i].ID] = &ids[i]
			}
		}
	}
	return ds, incomes, nil
}

// runInvoices approves the run of a month previewed with the fingerprint,
// archives the fee decisions it makes and logs the change for every child
// invoiced, in one transaction.
func (a *app) runInvoices(ctx context.Context, actor domain.Actor, month billing.Month, fingerprint string) (InvoiceRunResultView, error) {
	var v InvoiceRunResultView
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		// The run is written a batch of payers at a time; each batch's
		// invoices are put in the answer's words and its fee decisions
		// archived as it is written, so the run's invoices and decisions
		// are never all in memory, only their views.
		var invs []InvoiceView
		var children []domain.ChildID
		seen := map[domain.ChildID]bool{}
		res, err := a.Billing().ApproveRunEach(ctx, actor, actor.Municipality, month, fingerprint, func(ctx context.Context, b billing.RunBatch) error {
			vs, cs, err := a.viewInvoices(ctx, actor.Municipality, b.Invoices)
			if err != nil {
				return err
			}
			invs = append(invs, vs...)
			for _, c := range cs {
				if !seen[c] {
					seen[c] = true
					children = append(children, c)
				}
			}
			return a.archiveFeeDecisions(ctx, actor, b.Decisions)
		})
		if err != nil {
			return err
		}
		if !res.Created {
			stored, err := a.Store.Invoices(ctx, actor.Municipality, month)
			if err != nil {
				return err
			}
			if invs, _, err = a.viewInvoices(ctx, actor.Municipality, stored); err != nil {
				return err
			}
		}
		if invs == nil {
			invs = []InvoiceView{}
		}
		v = InvoiceRunResultView{Run: billingRunView(res.Run), Created: res.Created, Invoices: invs, Decisions: res.Decisions, Skipped: []skippedView{}}
		n := a.billingNames(actor.Municipality)
		skipped := make([]domain.ChildID, len(res.Skipped))
		for i, s := range res.Skipped {
			skipped[i] = s.Child
		}
		if err := n.preload(ctx, nil, skipped); err != nil {
			return err
		}
		for _, s := range res.Skipped {
			name, err := n.child(ctx, s.Child)
			if err != nil {
				return err
			}
			v.Skipped = append(v.Skipped, skippedView{Child: s.Child, ChildName: name, Kind: s.Kind, Code: s.Code, Reason: s.Reason})
		}
		if res.Created && len(children) > 0 {
			return a.AuditChange(ctx, actor, "invoice-run.create", "invoice-run/"+month.String(), children...)
		}
		return nil
	})
	if err == nil && v.Created {
		// A run writes a month of invoices, lines and fee decisions at
		// once: the planner's statistics are refreshed for them (issue
		// 24). The run is kept whether or not that works.
		if aerr := domain.Analyze(ctx, a.Store); aerr != nil && a.Log != nil {
			a.Log.Warn("analyze after an invoice run", "error", aerr)
		}
	}
	return v, err
}

// API handlers.

func writeList[T any](w http.ResponseWriter, r *http.Request, items []T, key func(T) string) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	pg, err := api.Paginate(items, key, pr)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

func (a *app) apiFamilies(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	var after billing.FamilyID
	if pr.Cursor != "" {
		if after, err = domain.ParseID[billing.Family](pr.Cursor); err != nil {
			return api.BadRequest("invalid-query", "the cursor is not one this API gave",
				domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
	}
	// One keyset page, searched in the store; then only its families are
	// shown and logged.
	fams, err := a.Store.FamiliesPage(r.Context(), c.Actor.Municipality, billing.FamilyQuery{After: after, Limit: pr.Limit + 1, Search: pr.Q})
	if err != nil {
		return err
	}
	cut := api.Keyset(fams, func(f billing.Family) string { return f.ID.String() }, pr)
	views, children, err := a.familyViews(r.Context(), c.Actor.Municipality, cut.Items)
	if err != nil {
		return err
	}
	pg := api.Page[familyView]{Items: views, NextCursor: cut.NextCursor}
	if len(children) > 0 {
		if err := a.Audit(r.Context(), c.Actor, "families.list", "", children...); err != nil {
			return err
		}
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

// apiIncomeDecisions pages the income decisions by family: one keyset
// page of the families with a decision (FamiliesPage, searched in the
// store like the families list), then the decisions of those families in
// one read (IncomeDecisionsOf). A page holds every decision of at most
// limit families; the cursor is the last family's ID. Only the children
// of the families shown are logged.
func (a *app) apiIncomeDecisions(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	// The page is read before the list is audited: a refused request
	// writes nothing, not even an audit entry.
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	var after billing.FamilyID
	if pr.Cursor != "" {
		if after, err = domain.ParseID[billing.Family](pr.Cursor); err != nil {
			return api.BadRequest("invalid-query", "the cursor is not one this API gave",
				domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
	}
	m := c.Actor.Municipality
	fams, err := a.Store.FamiliesPage(r.Context(), m, billing.FamilyQuery{After: after, Limit: pr.Limit + 1, Search: pr.Q, WithIncomeDecisions: true})
	if err != nil {
		return err
	}
	cut := api.Keyset(fams, func(f billing.Family) string { return f.ID.String() }, pr)
	ds, children, err := a.familiesIncomeDecisions(r.Context(), m, cut.Items)
	if err != nil {
		return err
	}
	if len(children) > 0 {
		if err := a.Audit(r.Context(), c.Actor, "income-decisions.list", "", children...); err != nil {
			return err
		}
	}
	if ds == nil {
		ds = []incomeDecisionView{}
	}
	api.WriteJSON(w, http.StatusOK, api.Page[incomeDecisionView]{Items: ds, NextCursor: cut.NextCursor})
	return nil
}

// createIncomeDecision approves the decision, archives its letter and
// logs it for the family's children, in one transaction.
func (a *app) createIncomeDecision(ctx context.Context, actor domain.Actor, req newIncomeDecisionRequest) (incomeDecisionView, error) {
	income, err := decimal.NewFromString(strings.TrimSpace(strings.ReplaceAll(req.AnnualIncome, " ", "")))
	if err != nil {
		return incomeDecisionView{}, domain.Invalid("annualIncome", "must-be-an-amount-in-kroner")
	}
	d := billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](), Municipality: actor.Municipality, Family: req.Family,
		AnnualIncome: income, Applied: req.Applied, Period: domain.Period{Start: req.Start, End: req.End}, Documentation: req.Documentation}
	if err := d.Validate(); err != nil {
		return incomeDecisionView{}, err
	}
	var v incomeDecisionView
	err = a.Store.Atomic(ctx, func(ctx context.Context) error {
		f, err := a.Store.Family(ctx, actor.Municipality, req.Family)
		if domain.IsNotFound(err) {
			return domain.Invalid("family", "no-such-family")
		} else if err != nil {
			return err
		}
		if err := a.Billing().DecideIncome(ctx, actor, d); err != nil {
			return err
		}
		var children []domain.ChildID
		for _, mb := range f.Members {
			if !mb.Child.IsZero() {
				children = append(children, mb.Child)
			}
		}
		name, err := a.billingNames(actor.Municipality).guardian(ctx, f.Payer)
		if err != nil {
			return err
		}
		v = billingIncomeView(d, name)
		if err := a.archiveIncomeDecision(ctx, actor, d, f, name); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "income-decision.create", "income-decision/"+d.ID.String(), children...)
	})
	return v, err
}

func (a *app) apiCreateIncomeDecision(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req newIncomeDecisionRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := a.createIncomeDecision(r.Context(), c.Actor, req)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (a *app) apiPriceLists(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ls, err := a.Store.PriceLists(r.Context(), c.Actor.Municipality)
	if err != nil {
		return err
	}
	out := make([]priceListView, 0, len(ls))
	for _, l := range ls {
		out = append(out, billingPriceView(l))
	}
	return writeList(w, r, out, func(l priceListView) string { return l.ID.String() })
}

func (a *app) apiCreatePriceList(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req newPriceListRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	l, err := req.priceList(c.Actor.Municipality)
	if err != nil {
		return err
	}
	if err := a.createPriceList(r.Context(), c.Actor, l); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, billingPriceView(l))
	return nil
}

func (a *app) apiInvoiceRuns(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	runs, err := a.Store.InvoiceRuns(r.Context(), c.Actor.Municipality)
	if err != nil {
		return err
	}
	out := make([]invoiceRunView, 0, len(runs))
	for _, run := range runs {
		out = append(out, billingRunView(run))
	}
	return writeList(w, r, out, func(v invoiceRunView) string { return v.Month })
}

func (a *app) apiRunInvoices(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req newInvoiceRunRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Month == (billing.Month{}) {
		return domain.Invalid("month", "required")
	}
	v, err := a.runInvoices(r.Context(), c.Actor, req.Month, req.Fingerprint)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !v.Created {
		status = http.StatusOK
	}
	api.WriteJSON(w, status, v)
	return nil
}

// apiInvoices is one keyset page of a month's invoices by number: the
// cursor is the number of the last invoice of the page before. The page
// is read and searched in the store (a guardian's among their own
// invoices only), then only its invoices are shown and logged.
func (a *app) apiInvoices(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	month, err := a.monthParam(r)
	if err != nil {
		return err
	}
	var after int64
	if pr.Cursor != "" {
		if after, err = strconv.ParseInt(pr.Cursor, 10, 64); err != nil || after < 1 {
			return api.BadRequest("invalid-query", "the cursor is not one this API gave",
				domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
	}
	invs, err := a.Billing().InvoicesPage(r.Context(), c.Actor, c.Actor.Municipality,
		billing.InvoiceQuery{Month: month, After: after, Limit: pr.Limit + 1, Search: pr.Q})
	if err != nil {
		return err
	}
	cut := api.Keyset(invs, func(inv billing.Invoice) string { return strconv.FormatInt(inv.Number, 10) }, pr)
	views, children, err := a.viewInvoices(r.Context(), c.Actor.Municipality, cut.Items)
	if err != nil {
		return err
	}
	if len(children) > 0 {
		if err := a.Audit(r.Context(), c.Actor, "invoices.read", "invoices/"+month.String(), children...); err != nil {
			return err
		}
	}
	api.WriteJSON(w, http.StatusOK, api.Page[InvoiceView]{Items: views, NextCursor: cut.NextCursor})
	return nil
}

func (a *app) apiFeeDecisions(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if _, err := api.ReadPage(r); err != nil {
		return err
	}
	ds, incomes, err := a.feeDecisionsOf(r.Context(), c.Actor, c.ChildID)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "fee-decisions.read", "", c.ChildID); err != nil {
		return err
	}
	out := make([]feeDecisionView, 0, len(ds))
	for _, d := range ds {
		out = append(out, billingFeeDecision(c.Lang, d, incomes[d.IncomeDecision]))
	}
	return writeList(w, r, out, func(v feeDecisionView) string { return v.ID.String() })
}

// export writes the month's finance CSV, logged for every child in it.
func (a *app) export(w http.ResponseWriter, r *http.Request, c *web.Call, month billing.Month) error {
	ctx := r.Context()
	invs, err := a.Billing().Invoices(ctx, c.Actor, c.Actor.Municipality, month)
	if err != nil {
		return err
	}
	if c.Actor.Role == domain.RoleGuardian {
		return domain.ErrForbidden
	}
	var children []domain.ChildID
	seen := map[domain.ChildID]bool{}
	for _, inv := range invs {
		for _, l := range inv.Lines {
			if !seen[l.Child] {
				seen[l.Child] = true
				children = append(children, l.Child)
			}
		}
	}
	var buf strings.Builder
	if err := a.Billing().Export(ctx, c.Actor, c.Actor.Municipality, month, financecsv.Exporter{}, &buf); err != nil {
		return err
	}
	// Every export is logged, an empty one too (who took the month's
	// file, and when), before the file is handed out.
	if err := a.Audit(ctx, c.Actor, "invoices.export", "invoices/"+month.String(), children...); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="faktura-`+string(c.Actor.Municipality)+"-"+month.String()+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(buf.String()))
	return nil
}

func (a *app) apiExport(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	month, err := a.monthParam(r)
	if err != nil {
		return err
	}
	return a.export(w, r, c, month)
}

// importPayments reads a payment file; its unreadable lines come back in
// the report with their line numbers.
func (a *app) importPayments(ctx context.Context, actor domain.Actor, field, text string) (PaymentReportView, error) {
	if strings.TrimSpace(text) == "" {
		return PaymentReportView{}, domain.Invalid(field, "is-empty-give-the-ocr-files-text")
	}
	rep, err := a.Billing().ImportPayments(ctx, actor, actor.Municipality, strings.NewReader(text))
	if err != nil {
		return PaymentReportView{}, err
	}
	if err := a.Audit(ctx, actor, "payments.import", "payments"); err != nil {
		return PaymentReportView{}, err
	}
	return billingReportView(rep), nil
}

func (a *app) apiPayments(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &api.HTTPError{Status: http.StatusUnsupportedMediaType, Kind: "media-type", Detail: "send application/json"}
		}
	}
	b, err := readLimited(w, r, MaxPaymentFile)
	if err != nil {
		return err
	}
	var req PaymentUploadRequest
	if err := api.DecodeStrict(b, &req); err != nil {
		return err
	}
	v, err := a.importPayments(r.Context(), c.Actor, "ocr", req.OCR)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// readLimited reads a body of at most limit bytes; a larger one is a 413
// problem.
func readLimited(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &api.HTTPError{Status: http.StatusRequestEntityTooLarge, Kind: "too-large", Detail: "the body is too large"}
	case err != nil:
		return nil, api.BadRequest("unreadable", "the body cannot be read")
	}
	return b, nil
}
