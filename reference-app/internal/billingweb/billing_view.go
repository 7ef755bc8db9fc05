package billingweb

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// The billing API's JSON bodies. Amounts are strings of kroner with two
// decimals ("1234.50"), months "YYYY-MM": exact, and described as such in
// /openapi.json.

// familyView is a family for fees.
type familyView struct {
	ID        billing.FamilyID   `json:"id"`
	Payer     domain.GuardianID  `json:"payer"`
	PayerName string             `json:"payerName"`
	Members   []familyMemberView `json:"members"`
}

// familyMemberView is an adult or a child of a family for a period.
type familyMemberView struct {
	Guardian domain.GuardianID `json:"guardian,omitzero"`
	Child    domain.ChildID    `json:"child,omitzero"`
	Name     string            `json:"name"`
	Start    date.Date         `json:"start"`
	End      date.Date         `json:"end,omitzero"`
}

// incomeDecisionView is an approved income-based reduction.
type incomeDecisionView struct {
	ID            billing.IncomeDecisionID `json:"id"`
	Family        billing.FamilyID         `json:"family"`
	PayerName     string                   `json:"payerName"`
	AnnualIncome  string                   `json:"annualIncome"`
	Applied       date.Date                `json:"applied"`
	Start         date.Date                `json:"start"`
	End           date.Date                `json:"end"`
	Documentation string                   `json:"documentation"`
}

// newIncomeDecisionRequest approves an income decision for a family: from
// the first day of a month after the application was complete until the
// end of that kindergarten year at the latest.
type newIncomeDecisionRequest struct {
	Family        billing.FamilyID `json:"family"`
	AnnualIncome  string           `json:"annualIncome"`
	Applied       date.Date        `json:"applied"`
	Start         date.Date        `json:"start"`
	End           date.Date        `json:"end"`
	Documentation string           `json:"documentation"`
}

// priceListView is a municipal price list.
type priceListView struct {
	ID               billing.PriceListID `json:"id"`
	Kind             domain.UnitKind     `json:"kind"`
	Start            date.Date           `json:"start"`
	End              date.Date           `json:"end,omitzero"`
	Zone             string              `json:"zone,omitempty"`
	FullTimePrice    string              `json:"fullTimePrice,omitempty"`
	Brackets         []priceBracketView  `json:"brackets"`
	SiblingDiscounts []string            `json:"siblingDiscounts,omitempty"`
	SiblingOrder     string              `json:"siblingOrder,omitempty"`
	SiblingsAcross   bool                `json:"siblingsAcross,omitempty"`
}

// priceBracketView is a bracket of hours: a share of the full-time price
// (kindergarten) or a price (SFO), and food.
type priceBracketView struct {
	MinHours int    `json:"minHours"`
	Share    string `json:"share,omitempty"`
	Price    string `json:"price,omitempty"`
	Food     string `json:"food"`
}

// newPriceListRequest makes a price list. Amounts and rates are strings
// ("1200.00", "0.25"); a kindergarten list has fullTimePrice and brackets
// with a share, an SFO list brackets with a price.
type newPriceListRequest struct {
	Kind             domain.UnitKind     `json:"kind"`
	Start            date.Date           `json:"start"`
	End              date.Date           `json:"end,omitzero"`
	Zone             string              `json:"zone,omitempty"`
	FullTimePrice    string              `json:"fullTimePrice,omitempty"`
	Brackets         []priceBracketInput `json:"brackets"`
	SiblingDiscounts []string            `json:"siblingDiscounts,omitempty"`
	SiblingOrder     string              `json:"siblingOrder,omitempty"`
	SiblingsAcross   bool                `json:"siblingsAcross,omitempty"`
	Rounding         string              `json:"rounding,omitempty"`
}

// priceBracketInput is a bracket of a new price list.
type priceBracketInput struct {
	MinHours int    `json:"minHours"`
	Share    string `json:"share,omitempty"`
	Price    string `json:"price,omitempty"`
	Food     string `json:"food"`
}

// priceList turns the request into a list, naming the field of an amount
// that is not one.
func (req newPriceListRequest) priceList(m domain.Municipality) (billing.PriceList, error) {
	var p domain.Problems
	num := func(field, s string) decimal.Decimal {
		if s == "" {
			return decimal.Zero
		}
		d, err := decimal.NewFromString(s)
		if err != nil {
			p.Add(field, "must-be-a-number")
		}
		return d
	}
	l := billing.PriceList{ID: domain.NewID[billing.PriceList](), Municipality: m, Kind: req.Kind,
		Period: domain.Period{Start: req.Start, End: req.End}, Zone: billing.Zone(req.Zone), SiblingsAcross: req.SiblingsAcross}
	switch req.Kind {
	case domain.Kindergarten:
		k := &billing.KindergartenPrices{FullTimePrice: num("fullTimePrice", req.FullTimePrice),
			SiblingOrder: billing.SiblingOrder(req.SiblingOrder), Rounding: domain.Rounding(req.Rounding)}
		for i, b := range req.Brackets {
			f := "brackets[" + strconv.Itoa(i) + "]."
			k.Brackets = append(k.Brackets, billing.KindergartenBracket{MinHours: b.MinHours, Share: num(f+"share", b.Share), Food: num(f+"food", b.Food)})
		}
		l.Kindergarten = k
	case domain.SFO:
		s := &billing.SFOPrices{SiblingOrder: billing.SiblingOrder(req.SiblingOrder), Rounding: domain.Rounding(req.Rounding)}
		for i, b := range req.Brackets {
			f := "brackets[" + strconv.Itoa(i) + "]."
			s.Brackets = append(s.Brackets, billing.SFOBracket{MinHours: b.MinHours, Price: num(f+"price", b.Price), Food: num(f+"food", b.Food)})
		}
		for i, d := range req.SiblingDiscounts {
			s.SiblingDiscounts = append(s.SiblingDiscounts, num("siblingDiscounts["+strconv.Itoa(i)+"]", d))
		}
		l.SFO = s
	}
	if err := p.Err(); err != nil {
		return l, err
	}
	return l, nil
}

// invoiceRunView is a month's invoice run.
type invoiceRunView struct {
	Month       string    `json:"month"`
	Made        date.Date `json:"made"`
	Invoices    int       `json:"invoices"`
	FirstNumber int64     `json:"firstNumber"`
	LastNumber  int64     `json:"lastNumber"`
	Total       string    `json:"total"`
}

// newInvoiceRunRequest approves the invoice run of a month previewed.
type newInvoiceRunRequest struct {
	Month billing.Month `json:"month"` // YYYY-MM
	// Fingerprint is the preview's (POST /api/v1/invoice-runs/preview);
	// required unless the month was run before.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// InvoiceRunResultView is what a run made; Created is false when the
// month had been run before (nothing new was made).
type InvoiceRunResultView struct {
	Run       invoiceRunView `json:"run"`
	Created   bool           `json:"created"`
	Invoices  []InvoiceView  `json:"invoices"`
	Decisions int            `json:"decisions"`
	Skipped   []skippedView  `json:"skipped"`
}

// skippedView is a placed child no invoice charges, and why.
type skippedView struct {
	Child     domain.ChildID  `json:"child"`
	ChildName string          `json:"childName"`
	Kind      domain.UnitKind `json:"kind"`
	// Code says why (billing.Skip*); Reason says it in English, with the
	// details. The page shows the code in the page's language.
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// InvoiceView is an invoice with its lines.
type InvoiceView struct {
	ID        billing.InvoiceID `json:"id"`
	Month     string            `json:"month"`
	Number    int64             `json:"number"`
	KID       string            `json:"kid"`
	Payer     domain.GuardianID `json:"payer"`
	PayerName string            `json:"payerName"`
	// PayerAddress is the payer's registered address, what the invoice is
	// addressed to; absent when it is protected or not known
	// (domain.ShownAddress).
	PayerAddress domain.Address    `json:"payerAddress,omitzero"`
	Issued       date.Date         `json:"issued"`
	Due          date.Date         `json:"due"`
	Total        string            `json:"total"`
	Lines        []invoiceLineView `json:"lines"`
}

// invoiceLineView is one item for one child and month; a correction line
// carries the difference for an earlier month.
type invoiceLineView struct {
	Child       domain.ChildID  `json:"child"`
	ChildName   string          `json:"childName"`
	Kind        domain.UnitKind `json:"kind"`
	Item        string          `json:"item"`
	Month       string          `json:"month"`
	Correction  bool            `json:"correction"`
	Days        int             `json:"days"`
	DaysInMonth int             `json:"daysInMonth"`
	Gross       string          `json:"gross"`
	Reductions  []reductionView `json:"reductions"`
	Full        string          `json:"full"`
	Amount      string          `json:"amount"`
}

// reductionView is what one rule took off a full month.
type reductionView struct {
	Code   string `json:"code"`
	Amount string `json:"amount"`
}

// feeDecisionView is a fee decision with its explanation rendered in the
// language of the request.
type feeDecisionView struct {
	ID             billing.FeeDecisionID    `json:"id"`
	Child          domain.ChildID           `json:"child"`
	Kind           domain.UnitKind          `json:"kind"`
	From           string                   `json:"from"`
	Fee            string                   `json:"fee"`
	Food           string                   `json:"food"`
	Reasons        []string                 `json:"reasons"`
	Rules          []string                 `json:"rules"`
	Steps          []decisionStepView       `json:"steps"`
	Made           date.Date                `json:"made"`
	Hours          int                      `json:"hours"`
	Siblings       int                      `json:"siblings"`
	Position       int                      `json:"position"`
	IncomeDecision billing.IncomeDecisionID `json:"incomeDecision,omitzero"`
	// Explanation is the decision explained, one line each, in the
	// language of the request (nb, nn or en).
	Explanation []string `json:"explanation"`
}

// decisionStepView is one step of the calculation.
type decisionStepView struct {
	Code   string `json:"code"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// PaymentUploadRequest is a Nets OCR giro file, as its text.
type PaymentUploadRequest struct {
	OCR string `json:"ocr"`
}

// PaymentReportView is the outcome of reading a payment file.
type PaymentReportView struct {
	Problems    []LineProblemView `json:"problems"`
	Recorded    int               `json:"recorded"`
	Repeated    []string          `json:"repeated"`
	Matched     []paymentView     `json:"matched"`
	UnknownKIDs []paymentView     `json:"unknownKids"`
	Paid        []balanceView     `json:"paid"`
	Overpaid    []balanceView     `json:"overpaid"`
	Underpaid   []balanceView     `json:"underpaid"`
}

// LineProblemView is a line of the file that could not be read: its
// number, the code of why (billing.OCR*: "ocr.length", "ocr.line-too-long",
// …) and the reason in English with the details.
type LineProblemView struct {
	Line   int    `json:"line"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// paymentView is a payment read from the file.
type paymentView struct {
	Reference string            `json:"reference"`
	KID       string            `json:"kid"`
	Amount    string            `json:"amount"`
	Paid      date.Date         `json:"paid"`
	Invoice   billing.InvoiceID `json:"invoice,omitzero"`
}

// balanceView is an invoice's total beside what has been paid to it.
type balanceView struct {
	Invoice    billing.InvoiceID `json:"invoice"`
	Number     int64             `json:"number"`
	KID        string            `json:"kid"`
	Total      string            `json:"total"`
	Paid       string            `json:"paid"`
	Difference string            `json:"difference"`
}

func billingAmount(d decimal.Decimal) string { return domain.RoundOre(d).StringFixed(2) }

// billingNames looks up the names of children and guardians once per request.
type billingNames struct {
	a        *app
	m        domain.Municipality
	children map[domain.ChildID]string
	adults   map[domain.GuardianID]string
	homes    map[domain.GuardianID]domain.Address // as far as they may be shown
}

func (a *app) billingNames(m domain.Municipality) *billingNames {
	return &billingNames{a: a, m: m, adults: map[domain.GuardianID]string{}, homes: map[domain.GuardianID]domain.Address{}}
}

// preload reads the names of the given guardians (with the address each
// may be shown at) and children in a fixed number of statements however
// many they are (GuardiansByID, GuardianHouseholds, ChildrenByID), so a
// list built from them makes no store call per row (issue 24). Names
// already known are not read again.
func (n *billingNames) preload(ctx context.Context, guardians []domain.GuardianID, children []domain.ChildID) error {
	var gids []domain.GuardianID
	for _, id := range guardians {
		if _, ok := n.adults[id]; !ok && !slices.Contains(gids, id) {
			gids = append(gids, id)
		}
	}
	if len(gids) > 0 {
		gs, err := n.a.Store.GuardiansByID(ctx, n.m, gids)
		if err != nil {
			return err
		}
		households, err := domain.GuardianHouseholds(ctx, n.a.Store, n.m, gs)
		if err != nil {
			return err
		}
		for _, g := range gs {
			n.adults[g.ID] = g.GivenName + " " + g.FamilyName
			n.homes[g.ID] = domain.ShownAddress(g.Address, households[g.ID])
		}
	}
	if n.children == nil {
		n.children = map[domain.ChildID]string{}
	}
	var cids []domain.ChildID
	for _, id := range children {
		if _, ok := n.children[id]; !ok && !slices.Contains(cids, id) {
			cids = append(cids, id)
		}
	}
	if len(cids) > 0 {
		cs, err := n.a.Store.ChildrenByID(ctx, n.m, cids)
		if err != nil {
			return err
		}
		for _, id := range cids {
			n.children[id] = ""
		}
		for _, c := range cs {
			n.children[c.ID] = c.GivenName + " " + c.FamilyName
		}
	}
	return nil
}

// child is a child's name: read with the others of a list by preload, or
// alone by its ID when the list did not name it.
func (n *billingNames) child(ctx context.Context, id domain.ChildID) (string, error) {
	if s, ok := n.children[id]; ok {
		return s, nil
	}
	if err := n.preload(ctx, nil, []domain.ChildID{id}); err != nil {
		return "", err
	}
	return n.children[id], nil
}

func (n *billingNames) guardian(ctx context.Context, id domain.GuardianID) (string, error) {
	if s, ok := n.adults[id]; ok {
		return s, nil
	}
	g, err := n.a.Store.Guardian(ctx, n.m, id)
	if err != nil {
		return "", err
	}
	p, err := domain.GuardianHousehold(ctx, n.a.Store, g)
	if err != nil {
		return "", err
	}
	n.adults[id] = g.GivenName + " " + g.FamilyName
	n.homes[id] = domain.ShownAddress(g.Address, p)
	return n.adults[id], nil
}

func (n *billingNames) family(ctx context.Context, f billing.Family) (familyView, error) {
	v := familyView{ID: f.ID, Payer: f.Payer, Members: []familyMemberView{}}
	var err error
	if v.PayerName, err = n.guardian(ctx, f.Payer); err != nil {
		return v, err
	}
	for _, mb := range f.Members {
		mv := familyMemberView{Guardian: mb.Guardian, Child: mb.Child, Start: mb.Period.Start, End: mb.Period.End}
		if !mb.Child.IsZero() {
			mv.Name, err = n.child(ctx, mb.Child)
		} else {
			mv.Name, err = n.guardian(ctx, mb.Guardian)
		}
		if err != nil {
			return v, err
		}
		v.Members = append(v.Members, mv)
	}
	return v, nil
}

func (n *billingNames) invoice(ctx context.Context, inv billing.Invoice) (InvoiceView, error) {
	v := InvoiceView{ID: inv.ID, Month: inv.Month.String(), Number: inv.Number, KID: inv.KID, Payer: inv.Payer,
		Issued: inv.Issued, Due: inv.Due, Total: billingAmount(inv.Total), Lines: []invoiceLineView{}}
	var err error
	if v.PayerName, err = n.guardian(ctx, inv.Payer); err != nil {
		return v, err
	}
	v.PayerAddress = n.homes[inv.Payer]
	for _, l := range inv.Lines {
		lv := invoiceLineView{Child: l.Child, Kind: l.Kind, Item: string(l.Item), Month: l.Month.String(), Correction: l.Correction,
			Days: l.Days, DaysInMonth: l.DaysInMonth, Gross: billingAmount(l.Gross), Full: billingAmount(l.Full),
			Amount: billingAmount(l.Amount), Reductions: []reductionView{}}
		for _, r := range l.Reductions {
			lv.Reductions = append(lv.Reductions, reductionView{Code: string(r.Code), Amount: billingAmount(r.Amount)})
		}
		if lv.ChildName, err = n.child(ctx, l.Child); err != nil {
			return v, err
		}
		v.Lines = append(v.Lines, lv)
	}
	return v, nil
}

func billingRunView(r billing.Run) invoiceRunView {
	return invoiceRunView{Month: r.Month.String(), Made: r.Made, Invoices: r.Invoices, FirstNumber: r.FirstNumber,
		LastNumber: r.LastNumber, Total: billingAmount(r.Total)}
}

func billingIncomeView(d billing.IncomeDecision, payer string) incomeDecisionView {
	return incomeDecisionView{ID: d.ID, Family: d.Family, PayerName: payer, AnnualIncome: billingAmount(d.AnnualIncome),
		Applied: d.Applied, Start: d.Period.Start, End: d.Period.End, Documentation: d.Documentation}
}

func billingPriceView(l billing.PriceList) priceListView {
	v := priceListView{ID: l.ID, Kind: l.Kind, Start: l.Period.Start, End: l.Period.End, Zone: string(l.Zone),
		SiblingsAcross: l.SiblingsAcross, Brackets: []priceBracketView{}}
	if k := l.Kindergarten; k != nil {
		v.FullTimePrice = billingAmount(k.FullTimePrice)
		v.SiblingOrder = string(k.SiblingOrder)
		for _, b := range k.Brackets {
			v.Brackets = append(v.Brackets, priceBracketView{MinHours: b.MinHours, Share: b.Share.String(), Food: billingAmount(b.Food)})
		}
	}
	if s := l.SFO; s != nil {
		v.SiblingOrder = string(s.SiblingOrder)
		for _, b := range s.Brackets {
			v.Brackets = append(v.Brackets, priceBracketView{MinHours: b.MinHours, Price: billingAmount(b.Price), Food: billingAmount(b.Food)})
		}
		for _, d := range s.SiblingDiscounts {
			v.SiblingDiscounts = append(v.SiblingDiscounts, d.String())
		}
	}
	slices.SortFunc(v.Brackets, func(a, b priceBracketView) int { return a.MinHours - b.MinHours })
	return v
}

func billingPayment(p billing.Payment) paymentView {
	return paymentView{Reference: p.Reference, KID: p.KID, Amount: billingAmount(p.Amount), Paid: p.Paid, Invoice: p.Invoice}
}

func billingBalances(bs []billing.Balance) []balanceView {
	out := []balanceView{}
	for _, b := range bs {
		out = append(out, balanceView{Invoice: b.Invoice, Number: b.Number, KID: b.KID, Total: billingAmount(b.Total),
			Paid: billingAmount(b.Paid), Difference: billingAmount(b.Difference)})
	}
	return out
}

func billingReportView(rep billing.PaymentReport) PaymentReportView {
	v := PaymentReportView{Problems: []LineProblemView{}, Recorded: len(rep.Recorded), Repeated: rep.Repeated,
		Matched: []paymentView{}, UnknownKIDs: []paymentView{},
		Paid: billingBalances(rep.Paid), Overpaid: billingBalances(rep.Overpaid), Underpaid: billingBalances(rep.Underpaid)}
	if v.Repeated == nil {
		v.Repeated = []string{}
	}
	for _, p := range rep.Problems {
		v.Problems = append(v.Problems, LineProblemView{Line: p.Line, Code: p.Code, Reason: p.Reason})
	}
	for _, p := range rep.Recorded {
		if !p.Invoice.IsZero() {
			v.Matched = append(v.Matched, billingPayment(p))
		}
	}
	for _, p := range rep.UnknownKIDs {
		v.UnknownKIDs = append(v.UnknownKIDs, billingPayment(p))
	}
	return v
}

// billingMoney writes an amount the way the language does: "1 234,50 kr" in
// Norwegian, "NOK 1,234.50" in English, with no-break spaces so an
// amount never wraps.
func billingMoney(l web.Locale, d decimal.Decimal) string {
	if l.Code != "en" {
		return strings.ReplaceAll(domain.FormatNOK(d), " ", "\u00a0")
	}
	s := domain.RoundOre(d).StringFixed(2)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	whole, frac := s[:len(s)-3], s[len(s)-2:]
	out := ""
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			out += ","
		}
		out += string(whole[i])
	}
	return sign + "NOK\u00a0" + out + "." + frac
}

// billingMonth writes a month: "november 2025" / "November 2025".
func billingMonth(l web.Locale, m billing.Month) string {
	return l.T("month."+strconv.Itoa(int(m.Month))) + " " + strconv.Itoa(m.Year)
}

// billingExplain renders a fee decision in the language: the amount, why the
// decision was made, and each step of the calculation.
func billingExplain(l web.Locale, d billing.FeeDecision, income *billing.IncomeDecision) []string {
	lang := billing.Lang(l.Code)
	out := []string{l.T("billing.explain.amount", l.T("kind."+string(d.Kind)), billingMonth(l, d.From), billingMoney(l, d.Fee), billingMoney(l, d.Food))}
	reasons := ""
	for i, r := range d.Reasons {
		if i > 0 {
			reasons += ", "
		}
		reasons += r.Render(lang)
	}
	if reasons != "" {
		out = append(out, l.T("billing.explain.reasons", reasons))
	}
	out = append(out, l.T("billing.explain.hours", d.Hours))
	for _, s := range d.Steps {
		line := l.T("billing.step."+string(s.Code)) + ": "
		if s.Before.Equal(s.After) || s.Code == billing.StepPrice {
			line += billingMoney(l, s.After)
		} else {
			line += billingMoney(l, s.Before) + " → " + billingMoney(l, s.After)
		}
		switch s.Code {
		case billing.StepSibling:
			line += " — " + l.T("billing.explain.sibling", d.Position, d.Siblings)
		case billing.StepIncomeCap:
			if income != nil {
				line += " — " + l.T("billing.explain.incomeCap", billingMoney(l, income.AnnualIncome))
			}
		case billing.StepFreeHours, billing.StepFreeCoreHours:
			line += " — " + l.T("billing.explain.freeHours")
		}
		out = append(out, line)
	}
	return out
}

func billingFeeDecision(l web.Locale, d billing.FeeDecision, income *billing.IncomeDecision) feeDecisionView {
	v := feeDecisionView{ID: d.ID, Child: d.Child, Kind: d.Kind, From: d.From.String(), Fee: billingAmount(d.Fee),
		Food: billingAmount(d.Food), Reasons: []string{}, Rules: []string{}, Steps: []decisionStepView{}, Made: d.Made,
		Hours: d.Hours, Siblings: d.Siblings, Position: d.Position, IncomeDecision: d.IncomeDecision,
		Explanation: billingExplain(l, d, income)}
	for _, r := range d.Reasons {
		v.Reasons = append(v.Reasons, string(r))
	}
	for _, r := range d.Rules {
		v.Rules = append(v.Rules, string(r))
	}
	for _, s := range d.Steps {
		v.Steps = append(v.Steps, decisionStepView{Code: string(s.Code), Before: billingAmount(s.Before), After: billingAmount(s.After)})
	}
	return v
}
