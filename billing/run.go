package billing

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// RunInput is everything an invoice run of one month reads: the
// municipality's directory (children and their kindergarten and SFO
// placements) and billing records, and what was invoiced before.
type RunInput struct {
	Municipality domain.Municipality
	Month        Month
	Made         date.Date // the day of the run (issue date)
	Settings     Settings
	Tables       *Tables

	Children        []domain.Child
	Placements      []domain.Placement
	Families        []Family
	IncomeDecisions []IncomeDecision
	PriceLists      []PriceList
	// Decisions are the fee decisions made before.
	Decisions []FeeDecision
	// CorrectFrom is the first month computed again for corrections; the
	// months from it to the month before Month are corrected. A zero
	// CorrectFrom (or one not before Month) means none.
	CorrectFrom Month
	// Billed is what was invoiced for the correction months.
	Billed []Billed
	// NextNumber is the first free invoice number.
	NextNumber int64
	// SpecialNeeds are the decisions on special needs (individually
	// adapted education) in force in the months run: a pupil with one in
	// force on some day of a month has Pupil.SpecialNeeds for that month,
	// and SFO is free in the grades the national rules name. Empty when
	// the municipality keeps no such decisions here.
	SpecialNeeds []domain.SpecialNeed
}

// Codes of Skipped: why a placed child is not invoiced.
const (
	SkipNoFamily     = "no-family"     // the child belongs to no family for fees in the month
	SkipNoPriceList  = "no-price-list" // no price list of the kind is in force on the month's first day
	SkipNotSFOGrade  = "not-sfo-grade" // the child is not in a grade with SFO (1–7)
	SkipUnknownRules = "unknown-rules" // a national parameter needed is not known (*UnknownRulesError)
	SkipRefused      = "refused"       // the fee rules refused the input (the price list or the place)
)

// Plan is the result of an invoice run: what to store.
type Plan struct {
	Run       Run
	Invoices  []Invoice
	Decisions []FeeDecision
	// Skipped lists the children placed in the month who could not be
	// invoiced, with the reason (no family, no price list, a fee the
	// rules refused).
	Skipped []Skipped
}

// Skipped is a child placed in the run's month that no invoice charges.
type Skipped struct {
	Child domain.ChildID  `json:"child"`
	Kind  domain.UnitKind `json:"kind"`
	// Code says why, for an app to put in words (Skip*); Reason says it in
	// English, with the details.
	Code   string `json:"code"`
	Reason string `json:"reason"`
	// Unknown names the national parameter that is not known when the
	// national rules refused the fee (*UnknownRulesError): its Param, or
	// "rules" when no national rule set is in force at all.
	Unknown string `json:"unknown,omitempty"`
	// Month is the month the fee was refused for.
	Month Month `json:"month"`
}

// GradeIn returns the school grade of a pupil born on birth in the school
// year of the month: 1st grade from 1 August of the calendar year the child
// turns six.
func GradeIn(birth date.Date, m Month) int {
	return int(domain.SchoolYearOf(m.First())) - (birth.Year() + 6) + 1
}

// Prorate returns the charge for days of a month of dim days: full × days
// ÷ dim, rounded to øre half away from zero.
func Prorate(full decimal.Decimal, days, dim int) decimal.Decimal {
	if days == dim {
		return full
	}
	return amountOf(full).mulFrac(int64(days), int64(dim)).round(2)
}

type chargeKey struct {
	payer domain.GuardianID
	child domain.ChildID
	kind  domain.UnitKind
	item  Item
	month Month
}

// charge is one child's fee for one kind of place in one month.
type charge struct {
	family     *famRef
	child      domain.ChildID
	kind       domain.UnitKind
	days, dim  int
	fee        ChildFee
	gross      decimal.Decimal
	reductions []Reduction
}

type placed struct {
	main slot
	days int
}

// famRef is what a run needs of a family once it knows its children:
// the family and its payer (not its members).
type famRef struct {
	ID    FamilyID
	Payer domain.GuardianID
}

// slot is what a run needs of a kindergarten or SFO placement (the rest
// of domain.Placement is not kept: a run holds every placement of the
// municipality).
type slot struct {
	id     domain.PlacementID
	sfo    bool // else kindergarten
	hours  int
	period domain.Period
}

func (s slot) kind() domain.UnitKind {
	if s.sfo {
		return domain.SFO
	}
	return domain.Kindergarten
}

type childMonth struct {
	child domain.ChildID
	birth date.Date
	kg    *placed
	sfo   *placed
}

type runner struct {
	in        *RunInput
	ordered   []*placedChild // children with placements, by ID
	payerFam  map[domain.GuardianID]*famRef
	income    map[FamilyID][]*IncomeDecision
	lists     map[domain.UnitKind][]*PriceList
	decisions map[decisionKey][]*FeeDecision
	newDec    []FeeDecision
	skipped   []Skipped
	at        Month // the month being computed
	// kgFees is the kindergarten fee calculator of a price list in a
	// month (the rules and list checked once, not for every family).
	kgFees map[kgFeesKey]kgFeesOrErr
	// last is set while the run's own month is computed: its decisions
	// are not kept for a later month.
	last bool
}

type kgFeesKey struct {
	list *PriceList
	m    Month
}

type kgFeesOrErr struct {
	fees *KindergartenFees
	err  error
}

// kindergartenFees is the calculator of a kindergarten price list's fees in
// a month, made once.
func (r *runner) kindergartenFees(l *PriceList, m Month) (*KindergartenFees, KindergartenRules, error) {
	rules, err := r.in.Tables.KindergartenRules(m, l.zone())
	if err != nil {
		return nil, rules, err
	}
	k := kgFeesKey{l, m}
	c, ok := r.kgFees[k]
	if !ok {
		c.fees, c.err = NewKindergartenFees(rules, *l.Kindergarten, m, l.zone())
		if r.kgFees == nil {
			r.kgFees = map[kgFeesKey]kgFeesOrErr{}
		}
		r.kgFees[k] = c
	}
	return c.fees, rules, c.err
}

// placedChild is a child with kindergarten or SFO placements, with its
// birth date and family memberships.
type placedChild struct {
	id         domain.ChildID
	birth      date.Date
	placements []slot
	members    []memberOf
}

type memberOf struct {
	family *famRef
	period domain.Period
}

type decisionKey struct {
	child domain.ChildID
	kind  domain.UnitKind
}

// overlapDays counts the days p shares with the month.
func overlapDays(p domain.Period, m Month) int {
	first, last := m.First(), m.Last()
	start := max(p.Start, first)
	end := last
	if !p.Open() && p.End < last {
		end = p.End
	}
	if end < start {
		return 0
	}
	return int(end-start) + 1
}

// Compute plans the invoice run of in.Month: for every child with a
// kindergarten or SFO placement in the month, the fee of its family's
// calculation (KindergartenFee, SFOFee) by the price list and national
// rules in force on the first day of the month, charged by calendar days
// (Prorate) on the invoice of the family's payer; correction lines for
// the months from CorrectFrom (what they should cost now minus what was
// invoiced); and a new fee decision wherever a full-month amount differs
// from the decision in force. It is a pure function: the same input gives
// the same plan (invoice IDs apart).
//
// Which family and placement count in a month: the membership and the
// placement (of each kind) covering the most days of the month, the later
// one on a tie; the days charged are all days covered by placements of
// that kind.
func Compute(in RunInput) (Plan, error) {
	if err := in.validate(); err != nil {
		return Plan{}, err
	}
	plan := Plan{}
	run, err := computeRun(&in, 0, func(b RunBatch) error {
		plan.Invoices = append(plan.Invoices, b.Invoices...)
		plan.Decisions = append(plan.Decisions, b.Decisions...)
		return nil
	}, func(sk []Skipped) { plan.Skipped = sk })
	if err != nil {
		return Plan{}, err
	}
	plan.Run = run
	if plan.Invoices == nil {
		plan.Invoices = []Invoice{}
	}
	if plan.Decisions == nil {
		plan.Decisions = []FeeDecision{}
	}
	return plan, nil
}

// RunBatch is one batch of an invoice run as it is computed and written:
// the invoices of up to Service.RunBatch payers, in number order, and the
// fee decisions made with them (the first batch also carries those of the
// correction months).
type RunBatch struct {
	Invoices  []Invoice
	Decisions []FeeDecision
}

// DefaultRunBatch is how many payers' invoices a run computes and writes
// at a time when Service.RunBatch is zero.
const DefaultRunBatch = 1000

// computeRun is Compute handing the invoices to emit a batch of n payers
// at a time (n < 1: all at once), in number order, with the new fee
// decisions; what a batch holds is not kept. The correction months are
// computed first, for every payer (only their differences are kept), then
// the month itself family by family in the order of their payers, so the
// invoices, their numbers and the decisions are the same whatever n is.
// skipped gets the skipped children at the end. The in must be valid
// (Compute checks it). computeRun drops in's Children, Placements,
// Families, Decisions and Billed once it holds what it needs of them, so that a
// large run does not keep them in memory while it computes and writes
// (the caller must not read them afterwards).
func computeRun(in *RunInput, n int, emit func(RunBatch) error, skipped func([]Skipped)) (Run, error) {
	r := newRunner(in)
	in.Children, in.Placements, in.Families, in.Decisions = nil, nil, nil, nil

	// Corrections first, oldest month first, so decisions follow in order.
	corrections := map[domain.GuardianID][]Line{}
	famOf := map[domain.GuardianID]*famRef{}
	if in.CorrectFrom.Year > 0 && in.CorrectFrom.Before(in.Month) {
		billed := map[chargeKey]decimal.Decimal{}
		for _, b := range in.Billed {
			k := chargeKey{b.Payer, b.Child, b.Kind, b.Item, b.Month}
			billed[k] = billed[k].Add(b.Amount)
		}
		in.Billed = nil
		for m := in.CorrectFrom; m.Before(in.Month); m = m.Next() {
			should := make(map[chargeKey]Line, 2*len(r.ordered))
			keys := make([]chargeKey, 0, 2*len(r.ordered))
			for _, c := range r.month(m, false) {
				for _, l := range c.lines(m) {
					k := chargeKey{c.family.Payer, c.child, c.kind, l.Item, m}
					should[k] = l
					keys = append(keys, k)
					if famOf[c.family.Payer] == nil {
						famOf[c.family.Payer] = c.family
					}
				}
			}
			for k := range billed {
				if k.month == m {
					if _, ok := should[k]; !ok {
						keys = append(keys, k)
					}
				}
			}
			slices.SortFunc(keys, compareKeys)
			for _, k := range keys {
				l, ok := should[k]
				if !ok {
					l = Line{Child: k.child, Kind: k.kind, Item: k.item, Month: m, DaysInMonth: m.Days(),
						Gross: decimal.Zero, Full: decimal.Zero, Amount: decimal.Zero}
				}
				diff := l.Amount.Sub(billed[k])
				if diff.IsZero() {
					continue
				}
				l.Correction = true
				l.Amount = diff
				corrections[k.payer] = append(corrections[k.payer], l)
			}
		}
	}
	// The month itself: which family each child is charged with, then the
	// families by payer (and ID), computed a batch of payers at a time. A
	// decision of the month is the last of its child and kind in this
	// run: it is not kept for later months (there are none).
	fams := r.families(in.Month, true)
	r.last = true
	slices.SortFunc(fams, func(a, b famMonth) int { return cmp.Or(a.f.Payer.Compare(b.f.Payer), a.f.ID.Compare(b.f.ID)) })
	payers := make([]domain.GuardianID, 0, len(fams)+len(corrections))
	for i, fm := range fams {
		if i == 0 || fams[i-1].f.Payer != fm.f.Payer {
			payers = append(payers, fm.f.Payer)
		}
	}
	charged := len(payers) // payers[:charged] are sorted
	for g := range corrections {
		if _, found := slices.BinarySearchFunc(payers[:charged], g, func(a, b domain.GuardianID) int { return a.Compare(b) }); !found {
			payers = append(payers, g)
		}
	}
	slices.SortFunc(payers, func(a, b domain.GuardianID) int { return a.Compare(b) })
	if n < 1 {
		n = max(len(payers), 1)
	}
	method := in.Settings.KIDMethod
	if method == "" {
		method = KIDMod10
	}
	due := in.Month.Last()
	if in.Settings.DueDay > 0 && in.Settings.DueDay < due.Day() {
		due = date.New(in.Month.Year, in.Month.Month, in.Settings.DueDay)
	}
	number := in.NextNumber
	total := decimal.Zero
	count := 0
	fi := 0 // the next family of fams
	for lo := 0; lo < len(payers); lo += n {
		batch := payers[lo:min(lo+n, len(payers))]
		current := make(map[domain.GuardianID][]Line, len(batch))
		var charges []charge
		for _, g := range batch {
			for ; fi < len(fams) && fams[fi].f.Payer.Compare(g) <= 0; fi++ {
				fm := fams[fi]
				charges = r.family(charges[:0], fm.f, fm.cs, in.Month, true)
				for _, c := range charges {
					ls := c.lines(in.Month)
					if len(ls) == 0 {
						continue // a fee-free month
					}
					current[c.family.Payer] = append(current[c.family.Payer], ls...)
					if famOf[c.family.Payer] == nil {
						famOf[c.family.Payer] = c.family
					}
				}
			}
		}
		b := RunBatch{Invoices: make([]Invoice, 0, len(batch))}
		for _, g := range batch {
			lines := append(current[g], corrections[g]...)
			delete(corrections, g)
			if len(lines) == 0 {
				continue // only fee-free months
			}
			sum := decimal.Zero
			for _, l := range lines {
				sum = sum.Add(l.Amount)
			}
			kid, err := MakeKID(fmt.Sprintf("%09d", number), method)
			if err != nil {
				return Run{}, err
			}
			inv := Invoice{ID: domain.NewID[Invoice](), Municipality: in.Municipality, Month: in.Month, Number: number,
				KID: kid, Payer: g, Issued: in.Made, Due: due, Total: sum, Lines: lines}
			if f := famOf[g]; f != nil {
				inv.Family = f.ID
			} else if f := r.payerFam[g]; f != nil {
				inv.Family = f.ID
			}
			b.Invoices = append(b.Invoices, inv)
			total = total.Add(sum)
			number++
		}
		count += len(b.Invoices)
		b.Decisions, r.newDec = r.newDec, nil
		if err := emit(b); err != nil {
			return Run{}, err
		}
	}
	if len(r.newDec) > 0 { // decisions of a month that invoices nothing
		if err := emit(RunBatch{Decisions: r.newDec}); err != nil {
			return Run{}, err
		}
		r.newDec = nil
	}
	skipped(r.skipped)
	return Run{Municipality: in.Municipality, Month: in.Month, Made: in.Made, Invoices: count,
		FirstNumber: in.NextNumber, LastNumber: number - 1, Total: total}, nil
}

// validate checks what Compute needs of a RunInput.
func (in *RunInput) validate() error {
	var p domain.Problems
	if err := in.Municipality.Validate(); err != nil {
		p.Merge("", err)
	}
	if in.Month.Month < 1 || in.Month.Month > 12 || in.Month.Year < 1 {
		p.Add("month", "not-a-month")
	}
	if in.Made == date.Zero {
		p.Add("made", "required")
	}
	if in.Tables == nil {
		p.Add("tables", "are-required")
	}
	if in.NextNumber < 1 {
		p.Add("nextNumber", "too-small", "min", "1")
	}
	p.Merge("settings", in.Settings.validateRun())
	return p.Err()
}

func compareKeys(a, b chargeKey) int {
	return cmp.Or(a.payer.Compare(b.payer), a.child.Compare(b.child), cmp.Compare(a.kind, b.kind), cmp.Compare(a.item, b.item))
}

func newRunner(in *RunInput) *runner {
	r := &runner{in: in,
		payerFam:  map[domain.GuardianID]*famRef{},
		income:    map[FamilyID][]*IncomeDecision{},
		lists:     map[domain.UnitKind][]*PriceList{},
		decisions: make(map[decisionKey][]*FeeDecision, len(in.Decisions)),
		newDec:    make([]FeeDecision, 0, len(in.Placements)/8),
	}
	byID := make(map[domain.ChildID]*placedChild, len(in.Placements))
	for _, p := range in.Placements {
		if p.Municipality != in.Municipality || (p.Kind != domain.Kindergarten && p.Kind != domain.SFO) {
			continue
		}
		c := byID[p.ChildID]
		if c == nil {
			c = &placedChild{id: p.ChildID}
			byID[p.ChildID] = c
			r.ordered = append(r.ordered, c)
		}
		c.placements = append(c.placements, slot{id: p.ID, sfo: p.Kind == domain.SFO, hours: p.HoursPerWeek, period: p.Period})
	}
	slices.SortFunc(r.ordered, func(a, b *placedChild) int { return a.id.Compare(b.id) })
	for _, c := range in.Children {
		if pc := byID[c.ID]; pc != nil {
			pc.birth = c.BirthDate
		}
	}
	refs := make([]famRef, len(in.Families))
	for i := range in.Families {
		fam := &in.Families[i]
		refs[i] = famRef{ID: fam.ID, Payer: fam.Payer}
		f := &refs[i]
		if r.payerFam[f.Payer] == nil {
			r.payerFam[f.Payer] = f
		}
		for _, m := range fam.Members {
			if pc := byID[m.Child]; pc != nil && !m.Child.IsZero() {
				pc.members = append(pc.members, memberOf{family: f, period: m.Period})
			}
		}
	}
	for i := range in.IncomeDecisions {
		d := &in.IncomeDecisions[i]
		r.income[d.Family] = append(r.income[d.Family], d)
	}
	for i := range in.PriceLists {
		l := &in.PriceLists[i]
		r.lists[l.Kind] = append(r.lists[l.Kind], l)
	}
	ds := slices.Clone(in.Decisions)
	slices.SortStableFunc(ds, func(a, b FeeDecision) int {
		return cmp.Or(cmp.Compare(a.From.index(), b.From.index()), a.ID.Compare(b.ID))
	})
	for i := range ds {
		k := decisionKey{ds[i].Child, ds[i].Kind}
		r.decisions[k] = append(r.decisions[k], &ds[i])
	}
	return r
}

// mainPlacement returns the placement of the kind covering the most days of
// the month (the later on a tie) and the days covered by all of them.
func (r *runner) mainPlacement(child *placedChild, kind domain.UnitKind, m Month) *placed {
	var out *placed
	total := 0
	for _, p := range child.placements {
		if p.kind() != kind {
			continue
		}
		n := overlapDays(p.period, m)
		if n == 0 {
			continue
		}
		total += n
		if out == nil || n > out.days || (n == out.days && p.period.Start > out.main.period.Start) {
			out = &placed{main: p, days: n}
		}
	}
	if out != nil {
		out.days = total
	}
	return out
}

func (r *runner) familyOf(child *placedChild, m Month) *famRef {
	var best *memberOf
	bestDays := 0
	for i := range child.members {
		mo := &child.members[i]
		n := overlapDays(mo.period, m)
		if n == 0 {
			continue
		}
		if best == nil || n > bestDays || (n == bestDays && mo.period.Start > best.period.Start) {
			best, bestDays = mo, n
		}
	}
	if best == nil {
		return nil
	}
	return best.family
}

func (r *runner) incomeOf(f FamilyID, m Month) *IncomeDecision {
	for _, d := range r.income[f] {
		if d.Period.Contains(m.First()) {
			return d
		}
	}
	return nil
}

func (r *runner) listOf(kind domain.UnitKind, m Month) *PriceList {
	for _, l := range r.lists[kind] {
		if l.Period.Contains(m.First()) {
			return l
		}
	}
	return nil
}

func (r *runner) skip(report bool, c domain.ChildID, kind domain.UnitKind, code, reason string) {
	if report {
		r.skipped = append(r.skipped, Skipped{Child: c, Kind: kind, Code: code, Reason: reason, Month: r.at})
	}
}

// skipErr skips for an error of the rules, naming an unknown national
// parameter.
func (r *runner) skipErr(report bool, c domain.ChildID, kind domain.UnitKind, err error) {
	var u *UnknownRulesError
	unknown := errors.As(err, &u)
	code := SkipRefused
	if unknown {
		code = SkipUnknownRules
	}
	r.skip(report, c, kind, code, err.Error())
	if report && unknown {
		r.skipped[len(r.skipped)-1].Unknown = cmp.Or(u.Param, "rules")
	}
}

// famMonth is a family with its children charged in a month.
type famMonth struct {
	f  *famRef
	cs []childMonth
}

// month computes every charge of month m, families by ID and children in
// the calculation's order; it records new fee decisions.
func (r *runner) month(m Month, report bool) []charge {
	fams := r.families(m, report)
	slices.SortFunc(fams, func(a, b famMonth) int { return a.f.ID.Compare(b.f.ID) })
	out := make([]charge, 0, len(r.ordered)+len(r.ordered)/8)
	for _, fm := range fams {
		out = r.family(out, fm.f, fm.cs, m, report)
	}
	return out
}

// families groups the children placed in month m by the family they are
// charged with (familyOf), skipping those with none.
func (r *runner) families(m Month, report bool) []famMonth {
	r.at = m
	byFamily := make(map[*famRef]int, len(r.ordered))
	fams := make([]famMonth, 0, len(r.ordered))
	for _, pc := range r.ordered {
		c := pc.id
		kg := r.mainPlacement(pc, domain.Kindergarten, m)
		sfo := r.mainPlacement(pc, domain.SFO, m)
		if kg == nil && sfo == nil {
			continue
		}
		f := r.familyOf(pc, m)
		if f == nil {
			if kg != nil {
				r.skip(report, c, domain.Kindergarten, SkipNoFamily, "the child belongs to no family for fees this month")
			}
			if sfo != nil {
				r.skip(report, c, domain.SFO, SkipNoFamily, "the child belongs to no family for fees this month")
			}
			continue
		}
		i, ok := byFamily[f]
		if !ok {
			i = len(fams)
			byFamily[f] = i
			fams = append(fams, famMonth{f: f})
		}
		fams[i].cs = append(fams[i].cs, childMonth{child: c, birth: pc.birth, kg: kg, sfo: sfo})
	}
	return fams
}

func (r *runner) family(out []charge, f *famRef, cs []childMonth, m Month, report bool) []charge {
	inc := r.incomeOf(f.ID, m)
	var income *decimal.Decimal
	var incomeID IncomeDecisionID
	if inc != nil {
		income, incomeID = &inc.AnnualIncome, inc.ID
	}
	// Kindergarten.
	var kids []childMonth
	for _, c := range cs {
		if c.kg != nil {
			kids = append(kids, c)
		}
	}
	nKG := 0
	if len(kids) > 0 {
		failed := func(err error) {
			for _, c := range kids {
				r.skipErr(report, c.child, domain.Kindergarten, err)
			}
		}
		l := r.listOf(domain.Kindergarten, m)
		if l == nil {
			for _, c := range kids {
				r.skip(report, c.child, domain.Kindergarten, SkipNoPriceList, "no kindergarten price list in force on "+m.First().String())
			}
		} else if fees, rules, err := r.kindergartenFees(l, m); err != nil {
			failed(err)
		} else {
			h := Household{AnnualIncome: income, Children: make([]Child, len(kids))}
			for i, c := range kids {
				h.Children[i] = Child{ID: c.child.String(), BirthDate: c.birth, HoursPerWeek: c.kg.main.hours}
			}
			// The run keeps every child's steps (its decisions), so they
			// are worked out with the fee rather than on request.
			fee, err := fees.explained(h)
			if err != nil {
				failed(err)
			} else {
				nKG = len(kids)
				for i, c := range kids {
					out = append(out, r.charge(f, c, c.kg, domain.Kindergarten, fee.Children[i], m, l.ID, rules.ValidFrom, incomeID, len(kids)))
				}
			}
		}
	}
	// SFO.
	var pupils []childMonth
	for _, c := range cs {
		if c.sfo != nil {
			pupils = append(pupils, c)
		}
	}
	if len(pupils) == 0 {
		return out
	}
	l := r.listOf(domain.SFO, m)
	if l == nil {
		for _, c := range pupils {
			r.skip(report, c.child, domain.SFO, SkipNoPriceList, "no SFO price list in force on "+m.First().String())
		}
		return out
	}
	rules, err := r.in.Tables.SFORules(m)
	if err != nil {
		for _, c := range pupils {
			r.skipErr(report, c.child, domain.SFO, err)
		}
		return out
	}
	local := *l.SFO
	siblings := len(pupils)
	if l.SiblingsAcross && nKG > 0 {
		siblings += nKG
		if n := len(local.SiblingDiscounts); n > 0 {
			local.SiblingDiscounts = local.SiblingDiscounts[min(nKG, n-1):]
		}
	}
	h := SFOHousehold{AnnualIncome: income, Pupils: make([]Pupil, 0, len(pupils))}
	valid := pupils[:0:0]
	for _, c := range pupils {
		g := GradeIn(c.birth, m)
		if g < 1 || g > 7 {
			r.skip(report, c.child, domain.SFO, SkipNotSFOGrade, fmt.Sprintf("grade %d is not an SFO grade (1–7)", g))
			continue
		}
		valid = append(valid, c)
		h.Pupils = append(h.Pupils, Pupil{ID: c.child.String(), BirthDate: c.birth, Grade: g, HoursPerWeek: c.sfo.main.hours,
			SpecialNeeds: domain.HasSpecialNeeds(r.in.SpecialNeeds, c.child, domain.Period{Start: m.First(), End: m.Last()})})
	}
	if len(valid) == 0 {
		return out
	}
	fee, err := SFOFee(rules, local, h, m)
	if err != nil {
		for _, c := range valid {
			r.skipErr(report, c.child, domain.SFO, err)
		}
		return out
	}
	for i, c := range valid {
		out = append(out, r.charge(f, c, c.sfo, domain.SFO, fee.Children[i], m, l.ID, rules.ValidFrom, incomeID, siblings))
	}
	return out
}

func (r *runner) charge(f *famRef, c childMonth, p *placed, kind domain.UnitKind, cf ChildFee, m Month,
	list PriceListID, rulesFrom date.Date, income IncomeDecisionID, siblings int) charge {
	ch := charge{family: f, child: c.child, kind: kind, days: p.days, dim: m.Days(), fee: cf, gross: decimal.Zero}
	position := 0
	steps := cf.Steps()
	for _, s := range steps {
		switch s.Code {
		case StepPrice:
			ch.gross = s.After()
		case StepRounding, StepFeeFreeMonth:
		default:
			if s.Code == StepSibling {
				position = s.Position
			}
			if s.Changed {
				ch.reductions = append(ch.reductions, Reduction{Code: s.Code, Amount: s.Before().Sub(s.After())})
			}
		}
	}
	r.decide(FeeDecision{Municipality: r.in.Municipality, Child: c.child, Kind: kind, From: m, Fee: cf.Fee, Food: cf.Food,
		Rules: cf.Rules, Made: r.in.Made, Placement: p.main.id, Hours: p.main.hours, Family: f.ID,
		IncomeDecision: income, PriceList: list, RulesFrom: rulesFrom, Siblings: siblings, Position: position}, steps)
	return ch
}

// decide appends a new decision when the amounts differ from the decision
// in force for the month.
func (r *runner) decide(d FeeDecision, steps []Step) {
	k := decisionKey{d.Child, d.Kind}
	list := r.decisions[k]
	at := len(list)
	for at > 0 && d.From.Before(list[at-1].From) {
		at--
	}
	var prev *FeeDecision
	if at > 0 {
		prev = list[at-1]
	}
	if prev != nil && prev.Fee.Equal(d.Fee) && prev.Food.Equal(d.Food) {
		return
	}
	d.ID = domain.NewID[FeeDecision]()
	d.Reasons = reasons(prev, &d)
	d.Steps = make([]DecisionStep, len(steps))
	for i, s := range steps {
		d.Steps[i] = DecisionStep{Code: s.Code, Before: s.Before(), After: s.After()}
	}
	r.newDec = append(r.newDec, d)
	if r.last {
		return
	}
	cp := d
	r.decisions[k] = slices.Insert(list, at, &cp)
}

func reasons(prev, d *FeeDecision) []Reason {
	if prev == nil {
		return []Reason{ReasonPlacement}
	}
	var out []Reason
	if prev.Placement != d.Placement {
		out = append(out, ReasonPlacement)
	}
	if prev.Hours != d.Hours {
		out = append(out, ReasonHours)
	}
	if prev.Family != d.Family {
		out = append(out, ReasonHousehold)
	}
	if prev.IncomeDecision != d.IncomeDecision {
		out = append(out, ReasonIncome)
	}
	if prev.PriceList != d.PriceList {
		out = append(out, ReasonPriceList)
	}
	if prev.RulesFrom != d.RulesFrom {
		out = append(out, ReasonNational)
	}
	if prev.Siblings != d.Siblings || prev.Position != d.Position {
		out = append(out, ReasonSibling)
	}
	if len(out) == 0 {
		// Same inputs, other amount: the child's age or grade moved it
		// into another bracket of the national rules (free core hours,
		// free SFO hours, the income cap by grade).
		out = append(out, ReasonNational)
	}
	return out
}

// lines returns the fee and food lines of a charge for its month; none
// when both are zero for the full month.
func (c *charge) lines(m Month) []Line {
	if c.fee.Fee.IsZero() && c.fee.Food.IsZero() {
		return nil
	}
	return []Line{
		{Child: c.child, Kind: c.kind, Item: ItemFee, Month: m, Days: c.days, DaysInMonth: c.dim,
			Gross: c.gross, Reductions: c.reductions, Full: c.fee.Fee, Amount: Prorate(c.fee.Fee, c.days, c.dim)},
		{Child: c.child, Kind: c.kind, Item: ItemFood, Month: m, Days: c.days, DaysInMonth: c.dim,
			Gross: c.fee.Food, Full: c.fee.Food, Amount: Prorate(c.fee.Food, c.days, c.dim)},
	}
}
