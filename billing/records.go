package billing

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// Typed identifiers of the billing records.
type (
	FamilyID         = domain.ID[Family]
	MemberID         = domain.ID[Member]
	IncomeDecisionID = domain.ID[IncomeDecision]
	PriceListID      = domain.ID[PriceList]
	FeeDecisionID    = domain.ID[FeeDecision]
	InvoiceID        = domain.ID[Invoice]
	PaymentID        = domain.ID[Payment]
)

// Family is a household for fees, kept apart from guardianship: the adults
// whose income counts (spouses, registered partners, cohabitants) and the
// children who live there, each with a dated membership. Payer is the
// guardian the family's invoices go to. (Household, without records, is
// the input of one month's fee calculation.)
type Family struct {
	ID           FamilyID            `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Payer        domain.GuardianID   `json:"payer"`
	// Members are read back sorted by start date, then ID; CreateFamily
	// stores those given.
	Members []Member `json:"members,omitempty"`
}

// Member is one adult (Guardian set) or one child (Child set) of a family
// for a period. A child belongs to at most one family on any day; so does
// an adult.
type Member struct {
	ID           MemberID            `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Family       FamilyID            `json:"family"`
	Guardian     domain.GuardianID   `json:"guardian,omitzero"`
	Child        domain.ChildID      `json:"child,omitzero"`
	Period       domain.Period       `json:"period"`
}

// Validate checks the family and its members on their own.
func (f Family) Validate() error {
	var p domain.Problems
	recordProblems(&p, f.ID.IsZero(), f.Municipality)
	if f.Payer.IsZero() {
		p.Add("payer", "required")
	}
	for i, m := range f.Members {
		if m.Family != f.ID {
			p.Add(fmt.Sprintf("members[%d].family", i), "must-be-the-familys-id")
		}
		p.Merge(fmt.Sprintf("members[%d]", i), m.Validate())
	}
	return p.Err()
}

// Validate checks the membership on its own.
func (m Member) Validate() error {
	var p domain.Problems
	recordProblems(&p, m.ID.IsZero(), m.Municipality)
	if m.Family.IsZero() {
		p.Add("family", "required")
	}
	if m.Guardian.IsZero() == m.Child.IsZero() {
		p.Add("guardian", "exactly-one-of-guardian-and-child-is-required")
	}
	p.Merge("period", m.Period.Validate())
	return p.Err()
}

func recordProblems(p *domain.Problems, zeroID bool, m domain.Municipality) {
	if zeroID {
		p.Add("id", "required")
	}
	if err := m.Validate(); err != nil {
		p.Merge("", err)
	}
}

// IncomeDecision is an approved income-based reduction for a family (the
// 6 % cap and free core hours): the annual income it rests on, from the
// month after a complete application until the end of that kindergarten
// year at the latest.
type IncomeDecision struct {
	ID           IncomeDecisionID    `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Family       FamilyID            `json:"family"`
	// AnnualIncome is the household's income (personinntekt and taxable
	// capital income of the adults).
	AnnualIncome decimal.Decimal `json:"annualIncome"`
	// Applied is the day the application was complete.
	Applied date.Date `json:"applied"`
	// Period starts on the first day of a month after Applied and ends
	// (inclusive) no later than 31 July of that kindergarten year. A
	// decision approved late may start in an earlier month than the one it
	// is approved in: the next invoice run corrects the months already
	// invoiced.
	Period domain.Period `json:"period"`
	// Documentation names what the income rests on (tax assessment, pay
	// slips, the KS Fiks lookup).
	Documentation string `json:"documentation"`
}

// IncomeDecisionReader is the part of a store that reads one income
// decision by its ID, so that a page about one decision (its letter) does
// not read every decision of the municipality. Both stores implement it;
// ReadIncomeDecision uses it when the store has it.
type IncomeDecisionReader interface {
	// IncomeDecision returns the municipality's decision id, or an error
	// wrapping domain.ErrNotFound.
	IncomeDecision(ctx context.Context, m domain.Municipality, id IncomeDecisionID) (IncomeDecision, error)
}

// ReadIncomeDecision returns income decision id of municipality m: by
// IncomeDecisionReader when s implements it, else from
// Store.IncomeDecisions. None is an error wrapping domain.ErrNotFound.
func ReadIncomeDecision(ctx context.Context, s Store, m domain.Municipality, id IncomeDecisionID) (IncomeDecision, error) {
	if r, ok := s.(IncomeDecisionReader); ok {
		return r.IncomeDecision(ctx, m, id)
	}
	all, err := s.IncomeDecisions(ctx, m)
	if err != nil {
		return IncomeDecision{}, err
	}
	for _, d := range all {
		if d.ID == id {
			return d, nil
		}
	}
	return IncomeDecision{}, fmt.Errorf("income decision %s: %w", id, domain.ErrNotFound)
}

// Validate checks the decision on its own.
func (d IncomeDecision) Validate() error {
	var p domain.Problems
	recordProblems(&p, d.ID.IsZero(), d.Municipality)
	if d.Family.IsZero() {
		p.Add("family", "required")
	}
	if d.AnnualIncome.Sign() < 0 {
		p.Add("annualIncome", "negative")
	}
	if d.Applied == date.Zero {
		p.Add("applied", "required")
	}
	p.Merge("period", d.Period.Validate())
	if d.Period.Start != date.Zero {
		if d.Period.Start.Day() != 1 {
			p.Add("period.start", "must-be-the-first-day-of-a-month")
		} else if d.Applied != date.Zero && d.Period.Start <= d.Applied {
			p.Add("period.start", "must-be-in-a-month-after-the-application-was-complete")
		}
		end := domain.SchoolYearOf(d.Period.Start).End()
		if d.Period.Open() || d.Period.End > end {
			p.Add("period.end", "must-end-by-the-end-of-the-kindergarten-year", "end", end.String())
		}
	}
	p.Merge("", domain.CheckText("documentation", d.Documentation))
	return p.Err()
}

// PriceList is a municipality's price list for kindergartens or for SFO,
// in force for a period. Two lists of the same kind never share a day.
type PriceList struct {
	ID           PriceListID         `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Kind         domain.UnitKind     `json:"kind"` // kindergarten or sfo
	Period       domain.Period       `json:"period"`
	// Zone is the municipality's national price zone (kindergarten); ""
	// means ordinary.
	Zone Zone `json:"zone,omitempty"`
	// Kindergarten is set for Kind kindergarten, SFO for Kind sfo.
	Kindergarten *KindergartenPrices `json:"kindergarten,omitempty"`
	SFO          *SFOPrices          `json:"sfo,omitempty"`
	// SiblingsAcross (SFO lists): the family's children in kindergarten
	// count as older siblings for the SFO sibling discount; the SFO pupils
	// are numbered after them.
	SiblingsAcross bool `json:"siblingsAcross,omitempty"`
}

func (l PriceList) zone() Zone {
	if l.Zone == "" {
		return ZoneOrdinary
	}
	return l.Zone
}

// Validate checks the list on its own and against the national tables: a
// kindergarten full-time price above the national maximum price in force
// on any day of the period is refused (field "kindergarten.fullTimePrice").
func (l PriceList) Validate() error {
	var p domain.Problems
	recordProblems(&p, l.ID.IsZero(), l.Municipality)
	p.Merge("period", l.Period.Validate())
	if !l.zone().Valid() {
		p.Add("zone", "must-be-ordinary-reduced-or-free")
	}
	switch l.Kind {
	case domain.Kindergarten:
		if l.Kindergarten == nil || l.SFO != nil {
			p.Add("kindergarten", "a-kindergarten-list-has-kindergarten-prices-and-no-sfo-prices")
			break
		}
		validateKindergartenPrices(&p, l)
	case domain.SFO:
		if l.SFO == nil || l.Kindergarten != nil {
			p.Add("sfo", "an-sfo-list-has-sfo-prices-and-no-kindergarten-prices")
			break
		}
		validateSFOPrices(&p, l.SFO)
	default:
		p.Add("kind", "must-be-kindergarten-or-sfo")
	}
	return p.Err()
}

func validateKindergartenPrices(p *domain.Problems, l PriceList) {
	k := l.Kindergarten
	if k.FullTimePrice.Sign() < 0 {
		p.Add("kindergarten.fullTimePrice", "negative")
	}
	if len(k.Brackets) == 0 {
		p.Add("kindergarten.brackets", "must-have-at-least-one-bracket")
	}
	for i, b := range k.Brackets {
		f := fmt.Sprintf("kindergarten.brackets[%d].", i)
		if b.MinHours < 0 || b.MinHours > domain.MaxHoursPerWeek {
			p.Add(f+"minHours", "out-of-range", "min", "0", "max", "60")
		}
		if b.Share.Sign() <= 0 || b.Share.GreaterThan(decimal.NewFromInt(1)) {
			p.Add(f+"share", "must-be-above-0-and-at-most-1")
		}
		if b.Food.Sign() < 0 {
			p.Add(f+"food", "negative")
		}
		for j := range i {
			if k.Brackets[j].MinHours == b.MinHours {
				p.Add(f+"minHours", "repeated")
			}
		}
	}
	validateOrder(p, k.SiblingOrder)
	validateRounding(p, k.Rounding)
	if l.Period.Start == date.Zero || !l.zone().Valid() || l.zone() == ZoneFree {
		return
	}
	t, err := NationalTables()
	if err != nil {
		p.Add("kindergarten", "national-rules-unavailable")
		return
	}
	// The maximum price in force on the first day and at every change of
	// the national table inside the period.
	days := []date.Date{l.Period.Start}
	for _, r := range t.Kindergarten {
		if r.ValidFrom > l.Period.Start && (l.Period.Open() || r.ValidFrom <= l.Period.End) {
			days = append(days, r.ValidFrom)
		}
	}
	for _, d := range days {
		rules, err := t.KindergartenRules(MonthOf(d), l.zone())
		if err != nil {
			continue // no national rules known: nothing to compare with
		}
		if k.FullTimePrice.GreaterThan(rules.MaxPrice) {
			p.Add("kindergarten.fullTimePrice", "is-above-the-national-maximum-price-in-force-from", "price", fmt.Sprint(k.FullTimePrice.StringFixed(2)), "maxPrice", fmt.Sprint(rules.MaxPrice.StringFixed(2)), "validFrom", fmt.Sprint(rules.ValidFrom))
			return
		}
	}
}

func validateSFOPrices(p *domain.Problems, s *SFOPrices) {
	if len(s.Brackets) == 0 {
		p.Add("sfo.brackets", "must-have-at-least-one-bracket")
	}
	for i, b := range s.Brackets {
		f := fmt.Sprintf("sfo.brackets[%d].", i)
		if b.MinHours < 0 || b.MinHours > domain.MaxHoursPerWeek {
			p.Add(f+"minHours", "out-of-range", "min", "0", "max", "60")
		}
		if b.Price.Sign() < 0 {
			p.Add(f+"price", "negative")
		}
		if b.Food.Sign() < 0 {
			p.Add(f+"food", "negative")
		}
		for j := range i {
			if s.Brackets[j].MinHours == b.MinHours {
				p.Add(f+"minHours", "repeated")
			}
		}
	}
	for i, r := range s.SiblingDiscounts {
		rateInUnit(p, fmt.Sprintf("sfo.siblingDiscounts[%d]", i), r)
	}
	validateOrder(p, s.SiblingOrder)
	validateRounding(p, s.Rounding)
}

// Reason says why a new fee decision was made.
type Reason string

// Reasons for a new fee decision.
const (
	ReasonPlacement Reason = "placement"      // a new or changed placement
	ReasonHours     Reason = "hours"          // agreed weekly hours changed
	ReasonHousehold Reason = "household"      // the child moved to another family
	ReasonIncome    Reason = "income"         // an income decision began or ended
	ReasonPriceList Reason = "price-list"     // another municipal price list
	ReasonNational  Reason = "national-rules" // national rules or age/grade brackets
	ReasonSibling   Reason = "sibling"        // sibling count or position changed
)

// DecisionStep is one step of the calculation behind a fee decision, as
// data (amounts rounded to øre for display).
type DecisionStep struct {
	Code   StepCode        `json:"code"`
	Before decimal.Decimal `json:"before"`
	After  decimal.Decimal `json:"after"`
}

// FeeDecision is the fee of one child for one kind of place (kindergarten
// or SFO) from a month on, until a later decision. A new decision is made
// only when the full-month amount changes, with the reasons for it. The
// inputs it rests on are kept so the next change can be explained.
type FeeDecision struct {
	ID           FeeDecisionID       `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Child        domain.ChildID      `json:"child"`
	Kind         domain.UnitKind     `json:"kind"`
	From         Month               `json:"from"`
	Fee          decimal.Decimal     `json:"fee"`  // full month, after reductions
	Food         decimal.Decimal     `json:"food"` // full month
	Reasons      []Reason            `json:"reasons"`
	Rules        []StepCode          `json:"rules,omitempty"` // steps that lowered the fee
	Steps        []DecisionStep      `json:"steps"`
	Made         date.Date           `json:"made"` // the day of the invoice run that made it
	// Run is the month of the invoice run that made it (zero for
	// decisions stored before runs were recorded on them): cancelling the
	// run removes them.
	Run Month `json:"run,omitzero"`

	// The inputs.
	Placement      domain.PlacementID `json:"placement"`
	Hours          int                `json:"hours"`
	Family         FamilyID           `json:"family"`
	IncomeDecision IncomeDecisionID   `json:"incomeDecision,omitzero"`
	PriceList      PriceListID        `json:"priceList"`
	RulesFrom      date.Date          `json:"rulesFrom"`
	Siblings       int                `json:"siblings"` // children counted together
	Position       int                `json:"position"` // sibling number, 0 when no sibling step
}

// Item is what an invoice line charges for.
type Item string

// Items.
const (
	ItemFee  Item = "fee"  // parental fee
	ItemFood Item = "food" // food (kost)
)

// Reduction is one reduction shown on a fee line, for the full month.
type Reduction struct {
	Code   StepCode        `json:"code"`
	Amount decimal.Decimal `json:"amount"` // positive: what it took off
}

// Line is one line of an invoice: one item for one child and month.
//
// The charge for a month in which the child was placed only some days is
// prorated by calendar days: Amount = Full × Days ÷ DaysInMonth, rounded
// to øre (half away from zero) per line. Gross and Reductions show the
// full month. A correction line (Correction true) carries the difference
// between what a month earlier than the invoice's should have cost, by
// today's data, and what was invoiced for it before; it is negative for a
// credit.
type Line struct {
	Child       domain.ChildID  `json:"child"`
	Kind        domain.UnitKind `json:"kind"`
	Item        Item            `json:"item"`
	Month       Month           `json:"month"`
	Correction  bool            `json:"correction,omitempty"`
	Days        int             `json:"days"`
	DaysInMonth int             `json:"daysInMonth"`
	Gross       decimal.Decimal `json:"gross"` // full month before reductions
	Reductions  []Reduction     `json:"reductions,omitempty"`
	Full        decimal.Decimal `json:"full"`   // full month after reductions
	Amount      decimal.Decimal `json:"amount"` // charged
}

// Invoice is what one paying guardian owes for one month: current lines
// and correction lines for earlier months. Invoices are never changed
// after a run; a later change shows up as correction lines on a later
// invoice.
type Invoice struct {
	ID           InvoiceID           `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Month        Month               `json:"month"`
	Number       int64               `json:"number"` // per municipality, from 1
	KID          string              `json:"kid"`
	Payer        domain.GuardianID   `json:"payer"`
	Family       FamilyID            `json:"family"`
	Issued       date.Date           `json:"issued"`
	Due          date.Date           `json:"due"`
	Total        decimal.Decimal     `json:"total"`
	Lines        []Line              `json:"lines"`
}

// Run records that the invoice run of a month was made: a second run of
// the same month creates nothing.
type Run struct {
	Municipality domain.Municipality `json:"municipality"`
	Month        Month               `json:"month"`
	Made         date.Date           `json:"made"`
	Invoices     int                 `json:"invoices"`
	// FirstNumber and LastNumber bound the invoice numbers it used
	// (LastNumber = FirstNumber-1 when it made none).
	FirstNumber int64           `json:"firstNumber"`
	LastNumber  int64           `json:"lastNumber"`
	Total       decimal.Decimal `json:"total"`
}

// Billed is the sum invoiced so far for one payer, child, kind, item and
// month, over every invoice (corrections included).
type Billed struct {
	Payer  domain.GuardianID
	Child  domain.ChildID
	Kind   domain.UnitKind
	Item   Item
	Month  Month
	Amount decimal.Decimal
}

// Payment is an incoming payment, matched to an invoice by KID when one has
// it. Reference (from the payment file) makes reading the same file twice
// record each payment once.
type Payment struct {
	ID           PaymentID           `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Reference    string              `json:"reference"`
	KID          string              `json:"kid"`
	Invoice      InvoiceID           `json:"invoice,omitzero"`
	Amount       decimal.Decimal     `json:"amount"`
	Paid         date.Date           `json:"paid"`
}

// Store is the billing store port. Every method is scoped by municipality;
// writes validate first (*domain.ValidationError, nothing written), run in
// one transaction and join the ctx's (domain.Transactor); clashes are
// *domain.ConflictError; a missing record is domain.ErrNotFound.
type Store interface {
	// CreateFamily stores a family with its members. The payer and every
	// member's guardian or child must exist; a child or adult already in
	// another family, or in this one twice (CheckMembers), on a shared day
	// is a *domain.ConflictError (field "members").
	CreateFamily(ctx context.Context, f Family) error
	// PutMember adds a membership or replaces it (same ID), e.g. to end it;
	// a membership keeps its family and person (CheckMemberUpdate).
	PutMember(ctx context.Context, m Member) error
	Family(ctx context.Context, m domain.Municipality, id FamilyID) (Family, error)
	// Families lists the municipality's families with their members,
	// sorted by SortFamilies.
	Families(ctx context.Context, m domain.Municipality) ([]Family, error)
	// FamiliesPage reads one keyset page of the municipality's families
	// with their members, in ID order (q.Backward: descending), searched in
	// the store (FamilyQuery.Search), never a read of every family.
	FamiliesPage(ctx context.Context, m domain.Municipality, q FamilyQuery) ([]Family, error)
	// CountFamilies counts, without reading them, the municipality's
	// families, the children in them and the families the search finds.
	CountFamilies(ctx context.Context, m domain.Municipality, search string) (FamilyCounts, error)

	// CreateIncomeDecision stores a decision; one that shares a day with
	// another decision of the family is a *domain.ConflictError ("period").
	CreateIncomeDecision(ctx context.Context, d IncomeDecision) error
	// IncomeDecisions lists the municipality's decisions by start, then ID
	// (SortIncomeDecisions).
	IncomeDecisions(ctx context.Context, m domain.Municipality) ([]IncomeDecision, error)
	// IncomeDecisionsOf lists the decisions about the given families, in
	// the order of IncomeDecisions, in one read however many families.
	IncomeDecisionsOf(ctx context.Context, m domain.Municipality, families []FamilyID) ([]IncomeDecision, error)
	// GuardianFamilies lists, with their members, the families the
	// guardian pays for or has been an adult member of (on any day), sorted
	// by SortFamilies, in a read by the guardian (not every family).
	GuardianFamilies(ctx context.Context, m domain.Municipality, g domain.GuardianID) ([]Family, error)

	// CreatePriceList stores a list; one that shares a day with another
	// list of the same kind is a *domain.ConflictError ("period"), one
	// above the national maximum a *domain.ValidationError.
	CreatePriceList(ctx context.Context, l PriceList) error
	// PriceLists lists the municipality's lists by kind, then start
	// (SortPriceLists).
	PriceLists(ctx context.Context, m domain.Municipality) ([]PriceList, error)

	// CreateFeeDecisions stores new decisions (made by an invoice run).
	CreateFeeDecisions(ctx context.Context, ds []FeeDecision) error
	// FeeDecisions lists the municipality's decisions by child, kind,
	// from, then ID (SortFeeDecisions).
	FeeDecisions(ctx context.Context, m domain.Municipality) ([]FeeDecision, error)
	// FeeDecisionsOf lists the decisions about the given children, in the
	// order of FeeDecisions, in one read by child however many children
	// (a guardian's page of one child, an invoice's letter).
	FeeDecisionsOf(ctx context.Context, m domain.Municipality, children []domain.ChildID) ([]FeeDecision, error)

	// CreateInvoiceRun stores a month's run with its invoices; a second run of
	// the month is a *domain.ConflictError ("month").
	CreateInvoiceRun(ctx context.Context, r Run, invoices []Invoice) error
	// InvoiceRuns lists the municipality's runs by month.
	InvoiceRuns(ctx context.Context, m domain.Municipality) ([]Run, error)
	// Invoices lists the invoices of a month by number, with their lines.
	Invoices(ctx context.Context, m domain.Municipality, month Month) ([]Invoice, error)
	// InvoicesOfPayer lists the invoices addressed to the guardian, with
	// their lines, by month, then number: a read by the payer, not of
	// every month's invoices.
	InvoicesOfPayer(ctx context.Context, m domain.Municipality, payer domain.GuardianID) ([]Invoice, error)
	// InvoicesPage reads one keyset page of a month's invoices with their
	// lines, by number (q.Backward: descending), searched in the store
	// (InvoiceQuery.Search), never a read of the whole month.
	InvoicesPage(ctx context.Context, m domain.Municipality, q InvoiceQuery) ([]Invoice, error)
	// CountInvoices counts and sums, without reading them, a month's
	// invoices and correction lines, and counts the invoices the search
	// finds.
	CountInvoices(ctx context.Context, m domain.Municipality, month Month, search string) (InvoiceCounts, error)
	// InvoiceByKID finds an invoice by its KID.
	InvoiceByKID(ctx context.Context, m domain.Municipality, kid string) (Invoice, error)
	// BilledSince sums every invoiced line for months from..to (inclusive).
	BilledSince(ctx context.Context, m domain.Municipality, from, to Month) ([]Billed, error)
	// CancelInvoiceRun removes the run of c.Month with its invoices, their
	// lines and the fee decisions it made (FeeDecision.Run), and stores c,
	// in one transaction. No such run is domain.ErrNotFound; an exported
	// run (MarkRunExported) or one with payments matched to its invoices
	// is a *domain.ConflictError ("month", ReasonRunExported, ReasonRunPaid).
	CancelInvoiceRun(ctx context.Context, c RunCancellation) error
	// RunCancellations lists the municipality's cancellations, newest
	// first.
	RunCancellations(ctx context.Context, m domain.Municipality) ([]RunCancellation, error)
	// MarkRunExported records the first export of a run (later ones keep
	// the first); no run of the month is domain.ErrNotFound.
	MarkRunExported(ctx context.Context, e RunExport) error
	// RunExports lists the municipality's exported runs by month.
	RunExports(ctx context.Context, m domain.Municipality) ([]RunExport, error)

	// CreatePayments stores payments; a reference already stored is a
	// *domain.ConflictError ("reference").
	CreatePayments(ctx context.Context, ps []Payment) error
	// Payments lists the municipality's payments by paid date, then ID
	// (SortPayments).
	Payments(ctx context.Context, m domain.Municipality) ([]Payment, error)

	// PutBillingSettings stores the municipality's settings, replacing
	// those stored; settings that do not pass Settings.Validate are a
	// *domain.ValidationError.
	PutBillingSettings(ctx context.Context, s Settings) error
	// BillingSettings returns the municipality's settings, or
	// domain.ErrNotFound when it has stored none.
	BillingSettings(ctx context.Context, m domain.Municipality) (Settings, error)

	// AddRuleTable stores a national table the municipality loaded
	// (RuleTable.Validate); a version the municipality has already is a
	// *domain.ConflictError ("version"). Loaded tables are never changed
	// or removed: a correction is a later version.
	AddRuleTable(ctx context.Context, rt RuleTable) error
	// RuleTables lists the municipality's loaded tables by version.
	RuleTables(ctx context.Context, m domain.Municipality) ([]RuleTable, error)
}

// SortMembers orders memberships by start date, then ID.
func SortMembers(ms []Member) {
	slices.SortFunc(ms, func(a, b Member) int {
		if a.Period.Start != b.Period.Start {
			if a.Period.Start < b.Period.Start {
				return -1
			}
			return 1
		}
		return a.ID.Compare(b.ID)
	})
}

// MarshalJSON writes a month as "YYYY-MM".
func (m Month) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// UnmarshalJSON reads "YYYY-MM".
func (m *Month) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseMonth(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Next returns the following month.
func (m Month) Next() Month { return MonthOf(m.Last() + 1) }

// Prev returns the month before.
func (m Month) Prev() Month { return MonthOf(m.First() - 1) }

// Days returns the number of days in the month.
func (m Month) Days() int { return int(m.Last()-m.First()) + 1 }

// Validate checks a fee decision on its own.
func (d FeeDecision) Validate() error {
	var p domain.Problems
	recordProblems(&p, d.ID.IsZero(), d.Municipality)
	if d.Child.IsZero() {
		p.Add("child", "required")
	}
	if d.Kind != domain.Kindergarten && d.Kind != domain.SFO {
		p.Add("kind", "must-be-kindergarten-or-sfo")
	}
	if d.From.Year < 1 || d.From.Month < 1 || d.From.Month > 12 {
		p.Add("from", "not-a-month")
	}
	if d.Fee.Sign() < 0 || d.Food.Sign() < 0 {
		p.Add("fee", "negative")
	}
	return p.Err()
}

// ValidateDecisions checks decisions on their own, naming the field by
// index ("[2].child").
func ValidateDecisions(ds []FeeDecision) error {
	var p domain.Problems
	for i, d := range ds {
		p.Merge(fmt.Sprintf("[%d]", i), d.Validate())
	}
	return p.Err()
}

// Validate checks a payment on its own.
func (pm Payment) Validate() error {
	var p domain.Problems
	recordProblems(&p, pm.ID.IsZero(), pm.Municipality)
	if err := domain.CheckLine("reference", pm.Reference); err != nil {
		p.Merge("", err)
	} else if domain.Blank(pm.Reference) {
		p.Add("reference", "required")
	}
	if err := domain.CheckLine("kid", pm.KID); err != nil {
		p.Merge("", err)
	} else if domain.Blank(pm.KID) {
		p.Add("kid", "required")
	}
	if pm.Paid == date.Zero {
		p.Add("paid", "required")
	}
	return p.Err()
}

// ValidatePayments checks payments on their own, naming the field by index.
func ValidatePayments(ps []Payment) error {
	var p domain.Problems
	for i, pm := range ps {
		p.Merge(fmt.Sprintf("[%d]", i), pm.Validate())
	}
	return p.Err()
}

// ValidateRun checks a run and its invoices on their own: every invoice of
// the run's municipality and month, numbered inside the run's range, with
// a KID, a payer, lines, and a total that is the sum of its lines.
func ValidateRun(r Run, invoices []Invoice) error {
	var p domain.Problems
	if err := r.Municipality.Validate(); err != nil {
		p.Merge("", err)
	}
	if r.Month.Year < 1 || r.Month.Month < 1 || r.Month.Month > 12 {
		p.Add("month", "not-a-month")
	}
	if r.Made == date.Zero {
		p.Add("made", "required")
	}
	if r.Invoices != len(invoices) || r.LastNumber-r.FirstNumber+1 != int64(len(invoices)) {
		p.Add("invoices", "the-runs-count-and-numbers-must-match-its-invoices")
	}
	for i, inv := range invoices {
		f := fmt.Sprintf("invoices[%d].", i)
		if inv.ID.IsZero() {
			p.Add(f+"id", "required")
		}
		if inv.Municipality != r.Municipality || inv.Month != r.Month {
			p.Add(f+"month", "must-be-the-runs-municipality-and-month")
		}
		if inv.Number < r.FirstNumber || inv.Number > r.LastNumber {
			p.Add(f+"number", "must-be-inside-the-runs-numbers")
		}
		if len(inv.KID) < kidMinLen || len(inv.KID) > kidMaxLen {
			p.Add(f+"kid", "must-be-2-to-25-characters")
		}
		if inv.Payer.IsZero() {
			p.Add(f+"payer", "required")
		}
		if len(inv.Lines) == 0 {
			p.Add(f+"lines", "empty")
		}
		sum := decimal.Zero
		for _, l := range inv.Lines {
			sum = sum.Add(l.Amount)
		}
		if !sum.Equal(inv.Total) {
			p.Add(f+"total", "must-be-the-sum-of-the-lines")
		}
	}
	return p.Err()
}

// CheckMembers checks a family's memberships against each other: no child
// or adult is in the family twice on a shared day (*domain.ConflictError
// on "members"). A store calls it before CreateFamily writes.
func CheckMembers(ms []Member) error {
	for i, a := range ms {
		for _, b := range ms[:i] {
			if a.Guardian == b.Guardian && a.Child == b.Child && a.Period.Overlaps(b.Period) {
				return &domain.ConflictError{Field: "members", Reason: "the-person-is-in-the-family-twice-on-a-shared-day"}
			}
		}
	}
	return nil
}

// CheckMemberUpdate checks the change of a stored membership (old) to mb: it
// keeps its family and person (*domain.ConflictError on "id").
func CheckMemberUpdate(old, mb Member) error {
	if old.Family != mb.Family || old.Guardian != mb.Guardian || old.Child != mb.Child {
		return &domain.ConflictError{Field: "id", Reason: "a-membership-keeps-its-family-and-person"}
	}
	return nil
}

// SortFamilies orders families by ID, and the members of each by
// SortMembers.
func SortFamilies(fs []Family) {
	slices.SortFunc(fs, func(a, b Family) int { return a.ID.Compare(b.ID) })
	for i := range fs {
		SortMembers(fs[i].Members)
	}
}

// SortFeeDecisions orders decisions by child, kind, first month, then ID.
func SortFeeDecisions(ds []FeeDecision) {
	slices.SortFunc(ds, func(a, b FeeDecision) int {
		return cmp.Or(a.Child.Compare(b.Child), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.From.String(), b.From.String()),
			a.ID.Compare(b.ID))
	})
}

// SortIncomeDecisions orders decisions by start, then ID.
func SortIncomeDecisions(ds []IncomeDecision) {
	slices.SortFunc(ds, func(a, b IncomeDecision) int {
		return cmp.Or(cmp.Compare(a.Period.Start, b.Period.Start), a.ID.Compare(b.ID))
	})
}

// SortPriceLists orders price lists by kind, start, then ID.
func SortPriceLists(ls []PriceList) {
	slices.SortFunc(ls, func(a, b PriceList) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Period.Start, b.Period.Start), a.ID.Compare(b.ID))
	})
}

// SortPayments orders payments by the day paid, then ID.
func SortPayments(ps []Payment) {
	slices.SortFunc(ps, func(a, b Payment) int { return cmp.Or(cmp.Compare(a.Paid, b.Paid), a.ID.Compare(b.ID)) })
}

// FamilyQuery asks Store.FamiliesPage for one keyset page of families.
type FamilyQuery struct {
	// After is the key the page starts from, not included: the families
	// with a greater ID (Backward: a smaller one, newest first). Zero
	// starts at the first (Backward: the last).
	After    FamilyID
	Backward bool
	// Limit is the most families returned; 0 or less is 1.
	Limit int
	// WithIncomeDecisions keeps only the families with an income
	// decision (the income decisions list, paged by family).
	WithIncomeDecisions bool
	// Search, when not blank, keeps the families in which someone (the
	// payer, another adult, a child) has every word of it in the name
	// (domain.MatchesSearch) or a national ID starting with it
	// (domain.NationalIDPrefix).
	Search string
}

// FamilyCounts are a families list's figures.
type FamilyCounts struct {
	// Families and Children count every family of the municipality and
	// the children in them (each child once); Matching the families the
	// search finds (all of them without a search).
	Families, Children, Matching int
}

// InvoiceQuery asks Store.InvoicesPage for one keyset page of a month's
// invoices.
type InvoiceQuery struct {
	Month Month
	// After is the invoice number the page starts from, not included: the
	// invoices with a greater number (Backward: a smaller one, the last
	// first). Zero starts at the first (Backward: the last).
	After    int64
	Backward bool
	// Limit is the most invoices returned; 0 or less is 1.
	Limit int
	// Payer, when not zero, keeps that payer's invoices only (a guardian
	// reading their own).
	Payer domain.GuardianID
	// Search, when not blank, keeps the invoices whose payer has every
	// word of it in the name (domain.MatchesSearch) or a national ID
	// starting with it (domain.NationalIDPrefix), or whose number or KID
	// starts with it (InvoiceDigits).
	Search string
}

// InvoiceDigits is the search without spaces when it is digits only (at
// most the 25 of a KID), else "": the prefix of the invoice numbers and
// KIDs an invoice search finds.
func InvoiceDigits(search string) string {
	digits := strings.ReplaceAll(search, " ", "")
	if digits == "" || len(digits) > kidMaxLen {
		return ""
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return digits
}

// InvoiceCounts are a month's invoices list's figures.
type InvoiceCounts struct {
	// Invoices and Total count and sum every invoice of the month (each
	// total to the øre, as it is billed); Corrections and CorrectionTotal
	// its correction lines; Matching the invoices the search finds (all
	// of them without a search).
	Invoices        int
	Total           decimal.Decimal
	Corrections     int
	CorrectionTotal decimal.Decimal
	Matching        int
}
