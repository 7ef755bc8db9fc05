package billingweb

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The billing pages: the caseworker's invoice runs, invoices, export,
// families and income decisions, price lists and payments; the guardian's
// invoices and fee explanations.

// billingHome is the caseworker's billing start page.
type billingHome struct {
	Month string // the month the run form suggests, YYYY-MM
	Error string
	// MonthError is the month field's message and Summary every refused
	// field with its label, when the run form was refused.
	MonthError string
	Summary    []string
	// Cancelled names the month whose run was just cancelled.
	Cancelled     string
	Runs          []billingRunRow
	Cancellations []billingCancellationRow
}

type billingRunRow struct {
	Month, Label, Total string
	Made                date.Date
	Invoices            int
}

// billingInvoices is a month's invoices; Ran is set right after a run.
type billingInvoices struct {
	Month, Label string
	Ran          bool
	Created      bool
	Decisions    int
	Skipped      []skippedView
	Invoices     []billingInvoiceRow
	Count        int
	Total        string
	Corrections  int
	CorrectTotal string
	BankAccount  string // the municipality's, "1234 56 78903"; "" when not set
	// The search as typed, how many invoices it matches, and the pager.
	Query              string
	Matching           int
	PrevHref, NextHref string
	// HasRun: the month's run is the latest; CanCancel: it can be
	// cancelled (not exported); CancelErrors and CancelReason re-show a
	// refused cancellation.
	HasRun, Exported, CanCancel bool
	CancelErrors                []string
	CancelReason                string
}

type billingInvoiceRow struct {
	ID     string // for the link to the printable invoice
	Number int64
	KID    string
	Payer  string
	// PayerAddress is the payer's address on one line; "" when it is
	// protected or not known.
	PayerAddress string
	Month        string
	Issued, Due  date.Date
	Total        string
	Lines        []billingLineRow
	// Children are the children the invoice is for; Corrections sums its
	// correction lines ("" when it has none).
	Children    []billingChildLink
	Corrections string
}

type billingLineRow struct {
	ChildID, Child, Kind, Item, Month string
	Correction, Fee                   bool
	Days                              string // "12 / 30" for a part of the month
	Gross, Amount                     string
	Reductions                        []string
}

// oneLineAddress writes an address as one line: "Storgata 1, 0155 OSLO".
func oneLineAddress(a domain.Address) string {
	if a.IsZero() {
		return ""
	}
	place := a.Street
	if place == "" {
		place = a.Cadastral
	}
	return place + ", " + a.Postcode + " " + a.PostTown
}

// billingRows turns invoices into rows in the page's language and sums
// them.
func billingRows(l web.Locale, invs []InvoiceView, content *billingInvoices) {
	total, corr := decimal.Zero, decimal.Zero
	for _, inv := range invs {
		row := billingInvoiceRow{ID: inv.ID.String(), Number: inv.Number, KID: inv.KID, Payer: inv.PayerName, Issued: inv.Issued, Due: inv.Due,
			PayerAddress: oneLineAddress(inv.PayerAddress)}
		m, _ := billing.ParseMonth(inv.Month)
		row.Month = billingMonth(l, m)
		invCorr, hasCorr := decimal.Zero, false
		t := decimal.RequireFromString(inv.Total)
		row.Total = billingMoney(l, t)
		total = total.Add(t)
		for _, ln := range inv.Lines {
			lm, _ := billing.ParseMonth(ln.Month)
			lr := billingLineRow{ChildID: ln.Child.String(), Child: ln.ChildName, Kind: l.T("kind." + string(ln.Kind)),
				Item: l.T("billing.item." + ln.Item), Month: billingMonth(l, lm), Correction: ln.Correction, Fee: ln.Item == string(billing.ItemFee),
				Gross: billingMoney(l, decimal.RequireFromString(ln.Gross)), Amount: billingMoney(l, decimal.RequireFromString(ln.Amount))}
			if ln.Days != ln.DaysInMonth {
				lr.Days = l.T("billing.days", ln.Days, ln.DaysInMonth)
			}
			for _, r := range ln.Reductions {
				lr.Reductions = append(lr.Reductions, l.T("billing.step."+r.Code)+": −"+billingMoney(l, decimal.RequireFromString(r.Amount)))
			}
			if ln.Correction {
				content.Corrections++
				a := decimal.RequireFromString(ln.Amount)
				corr, invCorr, hasCorr = corr.Add(a), invCorr.Add(a), true
			}
			if !slices.ContainsFunc(row.Children, func(c billingChildLink) bool { return c.ID == lr.ChildID }) {
				row.Children = append(row.Children, billingChildLink{ID: lr.ChildID, Name: lr.Child})
			}
			row.Lines = append(row.Lines, lr)
		}
		if hasCorr {
			row.Corrections = billingMoney(l, invCorr)
		}
		content.Invoices = append(content.Invoices, row)
	}
	content.Count = len(invs)
	content.Total = billingMoney(l, total)
	content.CorrectTotal = billingMoney(l, corr)
}

func (a *app) billingHomeContent(r *http.Request, c *web.Call, month string) (billingHome, error) {
	runs, err := a.Store.InvoiceRuns(r.Context(), c.Actor.Municipality)
	if err != nil {
		return billingHome{}, err
	}
	content := billingHome{Month: month}
	if content.Cancellations, err = a.cancellationRows(r.Context(), c); err != nil {
		return billingHome{}, err
	}
	for i := len(runs) - 1; i >= 0; i-- {
		run := runs[i]
		content.Runs = append(content.Runs, billingRunRow{Month: run.Month.String(), Label: billingMonth(c.Lang, run.Month),
			Total: billingMoney(c.Lang, run.Total), Made: run.Made, Invoices: run.Invoices})
	}
	return content, nil
}

func (a *app) billingPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	content, err := a.billingHomeContent(r, c, billing.MonthOf(domain.Today(a.Clock)).String())
	if err != nil {
		return err
	}
	if m, err := billing.ParseMonth(r.URL.Query().Get("cancelled")); err == nil {
		content.Cancelled = billingMonth(c.Lang, m)
	}
	a.Page(w, r, c, http.StatusOK, "billing", "billing.title", content)
	return nil
}

// billingRunPage approves the run previewed (month and fingerprint); a
// form without a fingerprint (the run form of older pages) previews, and
// an approval whose data changed since the preview shows the new preview.
func (a *app) billingRunPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := web.ParsePageForm(w, r, api.MaxBodyBytes); err != nil {
		return err
	}
	input := strings.TrimSpace(r.PostFormValue("month"))
	fingerprint := strings.TrimSpace(r.PostFormValue("fingerprint"))
	if fingerprint == "" {
		return a.showPreview(w, r, c, input, false)
	}
	month, err := billing.ParseMonth(input)
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		return a.runRefused(w, r, c, input, ve)
	}
	res, err := a.runInvoices(r.Context(), c.Actor, month, fingerprint)
	var ce *domain.ConflictError
	switch {
	case errors.As(err, &ve):
		return a.runRefused(w, r, c, input, ve)
	case errors.As(err, &ce) && ce.Reason == billing.ReasonPreviewChanged:
		return a.showPreview(w, r, c, input, true)
	case err != nil:
		return err
	}
	// The month's invoices as the invoices page shows them: the figures
	// of all, the first page of rows.
	content, err := a.invoicesContent(r, c, month)
	if err != nil {
		return err
	}
	content.Ran, content.Created, content.Decisions, content.Skipped = true, res.Created, res.Decisions, res.Skipped
	for i, s := range content.Skipped {
		content.Skipped[i].Kind = domain.UnitKind(c.Lang.T("kind." + string(s.Kind)))
		if key := "billing.skip." + s.Code; c.Lang.Has(key) {
			content.Skipped[i].Reason = c.Lang.T(key)
		}
	}
	a.Page(w, r, c, http.StatusOK, "billing_invoices", "billing.invoices.title", content)
	return nil
}

// showRun shows a month's invoices after a run form (ran: the run was
// just made; else the month had been run before).
func (a *app) showRun(w http.ResponseWriter, r *http.Request, c *web.Call, month billing.Month, created bool) error {
	content, err := a.invoicesContent(r, c, month)
	if err != nil {
		return err
	}
	content.Ran, content.Created = true, created
	a.Page(w, r, c, http.StatusOK, "billing_invoices", "billing.invoices.title", content)
	return nil
}

func (a *app) billingInvoicesPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	month, err := a.monthParam(r)
	if err != nil {
		return err
	}
	content, err := a.invoicesContent(r, c, month)
	if err != nil {
		return err
	}
	a.Page(w, r, c, http.StatusOK, "billing_invoices", "billing.invoices.title", content)
	return nil
}

// invoicesContent is a month's invoices page: the month's figures (count,
// total to the øre, corrections) over all its invoices, counted in SQL
// (Store.CountInvoices), then one keyset page of them by invoice number
// (?after=, ?before=) read from the store (InvoicesPage), filtered by the
// search ?q= (payer's name or national ID, invoice number, KID) in SQL.
// Names are read for the rows shown only, and only the children shown
// are logged: no read of the whole month, no store call per row.
func (a *app) invoicesContent(r *http.Request, c *web.Call, month billing.Month) (billingInvoices, error) {
	ctx := r.Context()
	m := c.Actor.Municipality
	q := r.URL.Query()
	search := strings.TrimSpace(q.Get("q"))
	content := billingInvoices{Month: month.String(), Label: billingMonth(c.Lang, month), Query: search}
	counts, err := a.Store.CountInvoices(ctx, m, month, search)
	if err != nil {
		return billingInvoices{}, err
	}
	if search != "" {
		content.Matching = counts.Matching
	}
	page, err := a.invoicesPage(ctx, c.Actor, month, search, q)
	if err != nil {
		return billingInvoices{}, err
	}
	keep := url.Values{"month": {month.String()}, "q": {search}}
	content.PrevHref, content.NextHref = web.PagerLinks(keep, page.Prev, page.Next, "month", "q")
	invs, children, err := a.viewInvoices(ctx, m, page.Rows)
	if err != nil {
		return billingInvoices{}, err
	}
	if len(children) > 0 {
		if err := a.Audit(ctx, c.Actor, "invoices.read", "invoices/"+month.String(), children...); err != nil {
			return billingInvoices{}, err
		}
	}
	if st, err := a.Store.BillingSettings(ctx, m); err == nil && len(st.BankAccount) == 11 {
		content.BankAccount = st.BankAccount[:4] + " " + st.BankAccount[4:6] + " " + st.BankAccount[6:]
	}
	billingRows(c.Lang, invs, &content)
	// The figures at the top are the month's, not the page's.
	content.Count, content.Total = counts.Invoices, billingMoney(c.Lang, counts.Total)
	content.Corrections, content.CorrectTotal = counts.Corrections, billingMoney(c.Lang, counts.CorrectionTotal)
	if err := a.cancelState(ctx, m, month, &content); err != nil {
		return billingInvoices{}, err
	}
	return content, nil
}

// invoicesPage reads one keyset page of a month's invoices by number from
// the store (the service's InvoicesPage, with its access): ?after= the
// page after a number, ?before= the page before one; a key that is not a
// number is the first page.
func (a *app) invoicesPage(ctx context.Context, actor domain.Actor, month billing.Month, search string, q url.Values) (web.Keyset[billing.Invoice], error) {
	key := func(inv billing.Invoice) string { return strconv.FormatInt(inv.Number, 10) }
	parse := func(s string) (int64, bool) {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n > 0
	}
	iq := billing.InvoiceQuery{Month: month, Limit: web.PageSize + 1, Search: search}
	before, isBefore := parse(q.Get("before"))
	after, isAfter := parse(q.Get("after"))
	switch {
	case isBefore:
		iq.After, iq.Backward = before, true
	case isAfter:
		iq.After = after
	}
	rows, err := a.Billing().InvoicesPage(ctx, actor, actor.Municipality, iq)
	if err != nil {
		return web.Keyset[billing.Invoice]{}, err
	}
	return keysetOf(rows, key, isBefore, isAfter), nil
}

// keysetOf makes the page of a list's rows read from the store, at most
// web.PageSize+1 of them in the list's order (backward: the reverse,
// read before the key), the extra row telling that there is more.
func keysetOf[T any](rows []T, key func(T) string, backward, forward bool) web.Keyset[T] {
	more := len(rows) > web.PageSize
	rows = rows[:min(len(rows), web.PageSize)]
	if backward {
		slices.Reverse(rows)
	}
	p := web.Keyset[T]{Rows: rows}
	if len(rows) == 0 {
		return p
	}
	first, last := key(rows[0]), key(rows[len(rows)-1])
	switch {
	case backward:
		p.Next = last
		if more {
			p.Prev = first
		}
	case forward:
		p.Prev = first
		if more {
			p.Next = last
		}
	case more:
		p.Next = last
	}
	return p
}

func (a *app) billingExportPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	month, err := a.monthParam(r)
	if err != nil {
		return err
	}
	return a.export(w, r, c, month)
}

// billingFamilies lists families and income decisions, with the form for a
// new decision.
type billingFamilies struct {
	Families  []billingFamilyRow
	Decisions []billingIncomeRow
	Options   []billingOption
	Form      map[string]string
	Errors    []string
	Saved     bool
	// The form for a new family: its refusals, and whether one was made.
	FamilyErrors []string
	Made         bool
	// The families' figures (families, children in them), the search as
	// typed, how many families it matches, and the pager.
	Total, Children, Matching int
	Query                     string
	Focused                   bool // one family shown (?family=)
	PrevHref, NextHref        string
}

type billingFamilyRow struct {
	Payer    string
	Adults   []string
	Children []billingChildLink
}

type billingChildLink struct{ ID, Name string }

type billingIncomeRow struct {
	Payer, Income, Documentation string
	Applied, Start, End          date.Date
	// LetterHref is the decision letter's printable page.
	LetterHref string
}

type billingOption struct {
	Value, Label string
	Selected     bool
}

// familyPage is one page of the municipality's families: newest first (by
// ID, the order they were made in; keyset, ?after= and ?before=), filtered by the search
// ?q= in the names and national ID numbers of the payer, the other adults
// and the children (billing.FamilyQuery). The page and the figures are
// read from the store (FamiliesPage, CountFamilies: counted in SQL), and
// for the rows shown the guardians and children in one read each: no
// read of every family, no store call per row.
type familyPage struct {
	web.Keyset[billing.Family]
	Total, Children, Matching int
	Focused                   bool // one family asked for by ?family=
	guardians                 map[domain.GuardianID]domain.Guardian
	children                  map[domain.ChildID]domain.Child
}

func (a *app) familiesPage(ctx context.Context, m domain.Municipality, q url.Values) (familyPage, error) {
	search := strings.TrimSpace(q.Get("q"))
	counts, err := a.Store.CountFamilies(ctx, m, search)
	if err != nil {
		return familyPage{}, err
	}
	p := familyPage{Total: counts.Families, Children: counts.Children, Matching: counts.Matching,
		guardians: map[domain.GuardianID]domain.Guardian{}, children: map[domain.ChildID]domain.Child{}}
	// ?family= shows that family alone (where saving its income decision
	// leads, so the decision is seen among the family's).
	if id, err := domain.ParseID[billing.Family](q.Get("family")); err == nil && !id.IsZero() {
		f, err := a.Store.Family(ctx, m, id)
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return p, err
		}
		p.Focused, p.Matching = true, 0
		if err == nil {
			p.Rows, p.Matching = []billing.Family{f}, 1
		}
		return p, a.readMembers(ctx, m, p.Rows, &p)
	}
	key := func(f billing.Family) string { return f.ID.String() }
	parse := func(s string) (billing.FamilyID, bool) {
		id, err := domain.ParseID[billing.Family](s)
		return id, err == nil && !id.IsZero()
	}
	// Newest first: a family just made is at the top. ?before= reads the
	// newer families above the key upwards, ?after= the older ones below it.
	fq := billing.FamilyQuery{Backward: true, Limit: web.PageSize + 1, Search: search}
	before, isBefore := parse(q.Get("before"))
	after, isAfter := parse(q.Get("after"))
	switch {
	case isBefore:
		fq.After, fq.Backward = before, false
	case isAfter:
		fq.After = after
	}
	rows, err := a.Store.FamiliesPage(ctx, m, fq)
	if err != nil {
		return p, err
	}
	p.Keyset = keysetOf(rows, key, isBefore, isAfter)
	if err := a.readMembers(ctx, m, p.Rows, &p); err != nil {
		return p, err
	}
	return p, nil
}

// readMembers reads the payers, adults and children of the families, one
// read for the guardians and one for the children.
func (a *app) readMembers(ctx context.Context, m domain.Municipality, fs []billing.Family, p *familyPage) error {
	var gids []domain.GuardianID
	var cids []domain.ChildID
	for _, f := range fs {
		gids = append(gids, f.Payer)
		for _, mb := range f.Members {
			if mb.Child.IsZero() {
				gids = append(gids, mb.Guardian)
			} else {
				cids = append(cids, mb.Child)
			}
		}
	}
	gs, err := a.Store.GuardiansByID(ctx, m, gids)
	if err != nil {
		return err
	}
	for _, g := range gs {
		p.guardians[g.ID] = g
	}
	cs, err := a.Store.ChildrenByID(ctx, m, cids)
	if err != nil {
		return err
	}
	for _, c := range cs {
		p.children[c.ID] = c
	}
	return nil
}

func (a *app) billingFamiliesContent(r *http.Request, c *web.Call, form map[string]string) (billingFamilies, error) {
	ctx := r.Context()
	q := r.URL.Query()
	page, err := a.familiesPage(ctx, c.Actor.Municipality, q)
	if err != nil {
		return billingFamilies{}, err
	}
	// The income decisions of the families shown, not of every family.
	ds, incomeChildren, err := a.familiesIncomeDecisions(ctx, c.Actor.Municipality, page.Rows)
	if err != nil {
		return billingFamilies{}, err
	}
	var children []domain.ChildID
	content := billingFamilies{Form: form, Total: page.Total, Children: page.Children, Matching: page.Matching, Query: strings.TrimSpace(q.Get("q")), Focused: page.Focused}
	content.PrevHref, content.NextHref = web.PagerLinks(q, page.Prev, page.Next, "q")
	name := func(given, family string) string { return given + " " + family }
	for _, f := range page.Rows {
		g := page.guardians[f.Payer]
		row := billingFamilyRow{Payer: name(g.GivenName, g.FamilyName)}
		for _, mb := range f.Members {
			if mb.Child.IsZero() {
				ad := page.guardians[mb.Guardian]
				row.Adults = append(row.Adults, name(ad.GivenName, ad.FamilyName))
			} else {
				ch := page.children[mb.Child]
				row.Children = append(row.Children, billingChildLink{ID: mb.Child.String(), Name: name(ch.GivenName, ch.FamilyName)})
				children = append(children, mb.Child)
			}
		}
		content.Families = append(content.Families, row)
		content.Options = append(content.Options, billingOption{Value: f.ID.String(), Label: row.Payer, Selected: form["family"] == f.ID.String()})
	}
	// A family chosen in the form as typed stays chosen, on this page or not.
	if id, err := domain.ParseID[billing.Family](form["family"]); err == nil && !id.IsZero() &&
		!slices.ContainsFunc(content.Options, func(o billingOption) bool { return o.Selected }) {
		if f, err := a.Store.Family(ctx, c.Actor.Municipality, id); err == nil {
			if g, err := a.Store.Guardian(ctx, c.Actor.Municipality, f.Payer); err == nil {
				content.Options = append(content.Options, billingOption{Value: id.String(), Label: g.GivenName + " " + g.FamilyName, Selected: true})
			}
		}
	}
	if len(children) > 0 {
		if err := a.Audit(ctx, c.Actor, "families.list", "", children...); err != nil {
			return billingFamilies{}, err
		}
	}
	if len(incomeChildren) > 0 {
		if err := a.Audit(ctx, c.Actor, "income-decisions.list", "", incomeChildren...); err != nil {
			return billingFamilies{}, err
		}
	}
	for _, d := range ds {
		content.Decisions = append(content.Decisions, billingIncomeRow{Payer: d.PayerName, Income: billingMoney(c.Lang, decimal.RequireFromString(d.AnnualIncome)),
			Documentation: d.Documentation, Applied: d.Applied, Start: d.Start, End: d.End, LetterHref: "/income-decisions/" + d.ID.String() + "/letter"})
	}
	return content, nil
}

func (a *app) billingFamiliesPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	content, err := a.billingFamiliesContent(r, c, map[string]string{})
	if err != nil {
		return err
	}
	content.Saved = r.URL.Query().Get("saved") == "1"
	content.Made = r.URL.Query().Get("made") == "1"
	a.Page(w, r, c, http.StatusOK, "billing_families", "billing.families.title", content)
	return nil
}

func (a *app) billingIncomePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := web.ParsePageForm(w, r, api.MaxBodyBytes); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"family", "income", "applied", "start", "end", "documentation"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var problems domain.Problems
	req := newIncomeDecisionRequest{AnnualIncome: form["income"], Documentation: form["documentation"]}
	if id, err := domain.ParseID[billing.Family](form["family"]); err == nil {
		req.Family = id
	} else {
		problems.Add("family", "choose-a-family")
	}
	for _, f := range []struct {
		key string
		to  *date.Date
	}{{"applied", &req.Applied}, {"start", &req.Start}, {"end", &req.End}} {
		d, err := domain.ParseDate(f.key, form[f.key])
		if err != nil {
			problems.Merge("", err)
			continue
		}
		*f.to = d
	}
	err := problems.Err()
	if err == nil {
		_, err = a.createIncomeDecision(r.Context(), c.Actor, req)
	}
	if err == nil {
		// To the family, where its decisions are listed.
		http.Redirect(w, r, "/billing/families?family="+req.Family.String()+"&saved=1#income", http.StatusSeeOther)
		return nil
	}
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	content, cerr := a.billingFamiliesContent(r, c, form)
	if cerr != nil {
		return cerr
	}
	switch {
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			content.Errors = append(content.Errors, c.Lang.T("billing.field."+billingFormField(f.Field))+": "+c.Lang.FieldReason(f))
		}
	case errors.As(err, &ce):
		content.Errors = append(content.Errors, c.Lang.T("billing.income.overlap"))
	default:
		return err
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "billing_families", "billing.families.title", content)
	return nil
}

// billingFormField names the form field of a refused field.
func billingFormField(field string) string {
	switch {
	case strings.HasPrefix(field, "period.end"), field == "end":
		return "end"
	case strings.HasPrefix(field, "period"), field == "start":
		return "start"
	case field == "annualIncome", field == "income":
		return "income"
	case field == "applied", field == "family", field == "documentation":
		return field
	}
	return "other"
}

// billingPrices lists the price lists, with the form for a new version.
type billingPrices struct {
	Lists    []billingPriceRow
	Form     map[string]string
	Errors   map[string]string // by form field, in the page's language
	Summary  []string
	Saved    bool
	Brackets []int // the form's bracket rows
}

type billingPriceRow struct {
	Kind             string
	Start, End       date.Date
	FullTimePrice    string
	Brackets         []string
	SiblingDiscounts string
}

func (a *app) billingPricesPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if r.Method == http.MethodPost {
		return a.billingPricesPost(w, r, c)
	}
	return a.renderPrices(w, r, c, http.StatusOK, map[string]string{"kind": "kindergarten", "zone": "ordinary"}, map[string]string{}, nil)
}

func (a *app) renderPrices(w http.ResponseWriter, r *http.Request, c *web.Call, status int, form, errs map[string]string, summary []string) error {
	ls, err := a.Store.PriceLists(r.Context(), c.Actor.Municipality)
	if err != nil {
		return err
	}
	l := c.Lang
	content := billingPrices{Form: form, Errors: errs, Summary: summary, Saved: r.URL.Query().Get("saved") == "1"}
	for i := range priceBracketRows {
		content.Brackets = append(content.Brackets, i)
	}
	for _, pl := range ls {
		v := billingPriceView(pl)
		row := billingPriceRow{Kind: l.T("kind." + string(v.Kind)), Start: v.Start, End: v.End}
		if v.FullTimePrice != "" {
			row.FullTimePrice = billingMoney(l, decimal.RequireFromString(v.FullTimePrice))
		}
		for _, b := range v.Brackets {
			food := billingMoney(l, decimal.RequireFromString(b.Food))
			if b.Share != "" {
				row.Brackets = append(row.Brackets, l.T("billing.prices.share", b.MinHours, decimal.RequireFromString(b.Share).Shift(2).String(), food))
			} else {
				row.Brackets = append(row.Brackets, l.T("billing.prices.price", b.MinHours, billingMoney(l, decimal.RequireFromString(b.Price)), food))
			}
		}
		var ds []string
		for _, d := range v.SiblingDiscounts {
			ds = append(ds, decimal.RequireFromString(d).Shift(2).String()+" %")
		}
		row.SiblingDiscounts = strings.Join(ds, ", ")
		content.Lists = append(content.Lists, row)
	}
	a.Page(w, r, c, status, "billing_prices", "billing.prices.title", content)
	return nil
}

// billingPayments is the payment upload form and, after an upload, what it
// found.
type billingPayments struct {
	Error  string
	Report *PaymentReportView
}

func (a *app) billingPaymentsPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if r.Method == http.MethodGet {
		a.Page(w, r, c, http.StatusOK, "billing_payments", "billing.payments.title", billingPayments{})
		return nil
	}
	if err := web.ParsePageForm(w, r, MaxPaymentFile+64<<10); err != nil {
		return err
	}
	text := r.PostFormValue("ocr")
	if r.MultipartForm != nil {
		if fh := r.MultipartForm.File["file"]; len(fh) > 0 && fh[0].Size > 0 {
			f, err := fh[0].Open()
			if err != nil {
				return api.BadRequest("unreadable", "the file cannot be read")
			}
			b, err := io.ReadAll(io.LimitReader(f, MaxPaymentFile+1))
			f.Close()
			if err != nil {
				return api.BadRequest("unreadable", "the file cannot be read")
			}
			if len(b) > MaxPaymentFile {
				// Never read a payment file cut short.
				return &api.HTTPError{Status: http.StatusRequestEntityTooLarge, Kind: "too-large", Detail: "the file is too large"}
			}
			text = string(b)
		}
	}
	rep, err := a.importPayments(r.Context(), c.Actor, "ocr", text)
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		a.Page(w, r, c, http.StatusUnprocessableEntity, "billing_payments", "billing.payments.title", billingPayments{Error: c.Lang.T("billing.payments.empty")})
		return nil
	}
	if err != nil {
		return err
	}
	l := c.Lang
	fmtAmounts := func(ps []paymentView) {
		for i := range ps {
			ps[i].Amount = billingMoney(l, decimal.RequireFromString(ps[i].Amount))
		}
	}
	fmtBalances := func(bs []balanceView) {
		for i := range bs {
			for _, s := range []*string{&bs[i].Total, &bs[i].Paid, &bs[i].Difference} {
				*s = billingMoney(l, decimal.RequireFromString(*s))
			}
		}
	}
	fmtAmounts(rep.Matched)
	fmtAmounts(rep.UnknownKIDs)
	fmtBalances(rep.Paid)
	fmtBalances(rep.Overpaid)
	fmtBalances(rep.Underpaid)
	for i, p := range rep.Problems {
		// The reason in the user's language; the English detail is the API's.
		rep.Problems[i].Reason = l.T("billing.payments.problem." + p.Code)
	}
	a.Page(w, r, c, http.StatusOK, "billing_payments", "billing.payments.title", billingPayments{Report: &rep})
	return nil
}

// guardianInvoices are the invoices addressed to the guardian, newest
// first.
type guardianInvoices struct {
	billingInvoices
	// IncomeLetters are the letters of the income decisions of the
	// families the guardian is an adult of.
	IncomeLetters []incomeLetterLink
}

func (a *app) guardianInvoicesPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	// The guardian's own invoices, read by the payer: newest month first,
	// by number within a month.
	mine, err := a.Billing().GuardianInvoices(ctx, c.Actor)
	if err != nil {
		return err
	}
	slices.SortStableFunc(mine, func(x, y billing.Invoice) int {
		switch {
		case x.Month == y.Month:
			return 0
		case y.Month.Before(x.Month):
			return -1
		}
		return 1
	})
	all, children, err := a.viewInvoices(ctx, c.Actor.Municipality, mine)
	if err != nil {
		return err
	}
	if len(children) > 0 {
		if err := a.Audit(ctx, c.Actor, "invoices.read", "", children...); err != nil {
			return err
		}
	}
	content := guardianInvoices{}
	billingRows(c.Lang, all, &content.billingInvoices)
	if content.IncomeLetters, err = a.guardianIncomeLetters(ctx, c); err != nil {
		return err
	}
	a.Page(w, r, c, http.StatusOK, "billing_guardian", "billing.guardian.title", content)
	return nil
}

// billingFees is a child's fee decisions, explained.
type billingFees struct {
	Child     string
	ChildID   string
	Decisions []billingFeeRow
}

type billingFeeRow struct {
	Kind, From, Fee, Food string
	Made                  date.Date
	Explanation           []string
	Steps                 []billingStepRow
	// LetterHref is the decision letter's printable page.
	LetterHref string
}

type billingStepRow struct {
	Name, Before, After string
	Changed             bool
}

func (a *app) feesPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ds, incomes, err := a.feeDecisionsOf(r.Context(), c.Actor, c.ChildID)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "fee-decisions.read", "", c.ChildID); err != nil {
		return err
	}
	l := c.Lang
	content := billingFees{Child: c.Record.Child.GivenName + " " + c.Record.Child.FamilyName, ChildID: c.ChildID.String()}
	for _, d := range ds {
		row := billingFeeRow{Kind: l.T("kind." + string(d.Kind)), From: billingMonth(l, d.From), Fee: billingMoney(l, d.Fee),
			Food: billingMoney(l, d.Food), Made: d.Made, Explanation: billingExplain(l, d, incomes[d.IncomeDecision]),
			LetterHref: "/children/" + c.ChildID.String() + "/fee-decisions/" + d.ID.String() + "/letter"}
		for _, s := range d.Steps {
			row.Steps = append(row.Steps, billingStepRow{Name: l.T("billing.step." + string(s.Code)), Before: billingMoney(l, s.Before),
				After: billingMoney(l, s.After), Changed: !s.Before.Equal(s.After) && s.Code != billing.StepPrice})
		}
		content.Decisions = append(content.Decisions, row)
	}
	a.Page(w, r, c, http.StatusOK, "billing_fees", "billing.fees.title", content)
	return nil
}
