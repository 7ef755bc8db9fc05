package billing

import (
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
)

// SiblingOrder is the municipality's order for numbering siblings.
type SiblingOrder string

const (
	// PriceDesc numbers the child with the highest price (after the price
	// step, before any reduction) first.
	PriceDesc SiblingOrder = "price-desc"
	// AgeDesc numbers the oldest child first.
	AgeDesc SiblingOrder = "age-desc"
	// AgeAsc numbers the youngest child first.
	AgeAsc SiblingOrder = "age-asc"
)

// Valid reports whether o is one of the three orders.
func (o SiblingOrder) Valid() bool { return o == PriceDesc || o == AgeDesc || o == AgeAsc }

// StepCode names a step of a fee calculation. The codes of steps that can
// change an amount (income-cap, free-core-hours, free-hours, special-needs,
// sibling) are the rule codes of the standard.
type StepCode string

const (
	StepPrice         StepCode = "price"           // price from the bracket
	StepSpecialNeeds  StepCode = "special-needs"   // SFO free for special needs
	StepIncomeCap     StepCode = "income-cap"      // at most a share of income
	StepFreeCoreHours StepCode = "free-core-hours" // kindergarten free core hours
	StepFreeHours     StepCode = "free-hours"      // SFO free hours
	StepSibling       StepCode = "sibling"         // sibling discount
	StepRounding      StepCode = "rounding"        // rounding of the final amount
	StepFeeFreeMonth  StepCode = "fee-free-month"  // no fee and no food
	StepFreeZone      StepCode = "free-zone"       // tiltakssonen: no fee
)

// Step is one step of a child's fee calculation, as data: the amounts
// before and after, whether it changed the amount, and the parameters it
// used. Only the parameters relevant to Code are set; the household-wide
// ones are in Params, shared by all steps of one calculation.
type Step struct {
	Code    StepCode
	Changed bool
	// The amounts before and after, as øre rounded for display (the only
	// use the API has for them), kept small: a Step is the bulk of what a
	// fee calculation allocates. differs tells whether the exact amounts
	// differ; wide marks an amount of 2^31 øre (21 million kroner) or more
	// (bit 0 before, bit 1 after), kept in Params.wide at that index
	// instead.
	differs bool
	wide    uint8
	before  int32
	after   int32

	Hours    int             // hours per week (price, free hours)
	MinHours int             // the bracket's minimum hours (price)
	Basis    int             // hours the free hours are taken from
	Grade    int             // SFO grade
	Position int             // sibling number, from 1 (sibling)
	Share    decimal.Decimal // the bracket's share (kindergarten price)
	Price    decimal.Decimal // the bracket's price (SFO price)
	Food     decimal.Decimal // food per month (price)
	Rate     decimal.Decimal // sibling discount rate
	Params   *Params         // the calculation's household-wide parameters
}

// Params are the parameters of a calculation that are the same for every
// child.
type Params struct {
	FullTimePrice  decimal.Decimal  // kindergarten full-time price
	MaxPrice       decimal.Decimal  // national maximum price (kindergarten)
	Income         *decimal.Decimal // household income, nil when none
	IncomeCapShare decimal.Decimal
	Months         int              // billed months per year
	Threshold      *decimal.Decimal // free-core income threshold, nil when not used
	FreeHours      int              // free core hours or SFO free hours per week
	Order          SiblingOrder
	Rounding       domain.Rounding
	Zone           Zone

	wide *[]decimal.Decimal // the steps' amounts too large for øre in an int64
}

// Before returns the amount before the step, rounded to øre for display
// (the calculation itself is exact).
func (s Step) Before() decimal.Decimal { return s.shown(s.before, 1) }

// After returns the amount after the step, rounded to øre for display.
func (s Step) After() decimal.Decimal { return s.shown(s.after, 2) }

func (s Step) shown(v int32, bit uint8) decimal.Decimal {
	if s.wide&bit != 0 {
		return (*s.Params.wide)[v]
	}
	return decimal.New(int64(v), -2)
}

// set records the step's amounts before and after and its parameters.
func (s *Step) set(before, after amount, p *Params) {
	s.Params = p
	s.differs = before.cmp(after) != 0
	s.before = s.ore(before, 1)
	s.after = s.ore(after, 2)
}

// ore returns a, rounded to øre, as a number of øre, or, when it does not
// fit an int32, as its index in Params.wide (marking the bit in s.wide).
func (s *Step) ore(a amount, bit uint8) int32 {
	if v, ok := oreOf(a); ok && v >= math.MinInt32 && v <= math.MaxInt32 {
		return int32(v)
	}
	p := s.Params
	if p.wide == nil {
		p.wide = new([]decimal.Decimal)
	}
	*p.wide = append(*p.wide, a.round(2))
	s.wide |= bit
	return int32(len(*p.wide) - 1)
}

// oreOf is a rounded to øre, as a number of øre, when that fits an int64.
func oreOf(a amount) (int64, bool) {
	if a.b != nil {
		return 0, false
	}
	if a.d == 1 {
		return mulSmall(a.n, 100)
	}
	return a.roundSmall(2)
}

// ChildFee is the fee of one child for the month.
type ChildFee struct {
	ID   string
	Fee  decimal.Decimal // rounded
	Food decimal.Decimal
	// Rules lists the codes of the steps that changed the amount, in step
	// order.
	Rules []StepCode

	why *explanation // the steps of the fee's children, nil for none
	at  int          // this child's index in why
}

// Steps is the explanation of the child's fee, step by step, in order. A
// kindergarten fee's steps are worked out when they are first asked for,
// for every child of the fee at once, from the input the fee was computed
// from (kept with it): a fee that is only paid, not explained, costs no
// explanation. Steps is safe to call from several goroutines. A ChildFee
// not made by this package has none.
func (c ChildFee) Steps() []Step {
	x := c.why
	if x == nil {
		return nil
	}
	if x.fees != nil {
		x.once.Do(x.explain)
	}
	return x.steps[c.at]
}

// explanation holds the steps of a fee's children: given (SFO, or a fee
// worked out with them), or, when fees is set, worked out on request from
// the household kept here.
type explanation struct {
	once     sync.Once
	fees     *KindergartenFees
	children []Child
	income   decimal.Decimal
	incomed  bool
	steps    [][]Step
	buf      [4]Child // children of the usual household, in this allocation
}

// lazyExplanation keeps what the steps of h's fee are worked out from.
func lazyExplanation(k *KindergartenFees, h *Household) *explanation {
	x := &explanation{fees: k}
	if len(h.Children) <= len(x.buf) {
		x.children = x.buf[:len(h.Children):len(h.Children)]
		copy(x.children, h.Children)
	} else {
		x.children = slices.Clone(h.Children)
	}
	if h.AnnualIncome != nil {
		x.income, x.incomed = *h.AnnualIncome, true
	}
	return x
}

// explain works the steps out: the same calculation again, with its steps
// recorded.
func (x *explanation) explain() {
	h := Household{Children: x.children}
	if x.incomed {
		h.AnnualIncome = &x.income
	}
	f, err := x.fees.fee(&h, true)
	if err != nil { // cannot happen: the same input gave a fee before
		x.steps = make([][]Step, len(x.children))
		return
	}
	x.steps = f.Children[0].why.steps
}

// givenSteps returns an explanation for n children whose steps are given.
func givenSteps(n int) *explanation {
	return &explanation{steps: make([][]Step, n)}
}

// Fee is a household's fee for one month.
type Fee struct {
	Month    Month
	Children []ChildFee // in input order
	Total    decimal.Decimal
}

// Household is a kindergarten household for one month.
type Household struct {
	// AnnualIncome is set only when the household has an approved
	// income-based reduction for the month.
	AnnualIncome *decimal.Decimal
	Children     []Child
}

// Child is a child with a kindergarten place.
type Child struct {
	ID           string
	BirthDate    date.Date
	HoursPerWeek int
}

// money amounts seen in validation must not be negative.
// validateHousehold checks what kindergarten and SFO input share: the
// sibling order, the rounding, the income (when given) and that there is at
// least one child.
func validateHousehold(p *domain.Problems, order SiblingOrder, r domain.Rounding, income *decimal.Decimal, children int) {
	validateOrder(p, order)
	validateRounding(p, r)
	if income != nil {
		nonNegative(p, "household.annualIncome", *income)
	}
	if children == 0 {
		p.Add("children", "must-have-at-least-one-child")
	}
}

func nonNegative(p *domain.Problems, field string, d decimal.Decimal) {
	if d.Sign() < 0 {
		p.Add(field, "negative")
	}
}

func rateInUnit(p *domain.Problems, field string, d decimal.Decimal) {
	if !inUnit(d) {
		p.Add(field, "out-of-range", "min", "0", "max", "1")
	}
}

// placesOf returns the decimals kept by a rounding rule.
func placesOf(r domain.Rounding) int {
	if r == domain.RoundToKrone {
		return 0
	}
	return 2
}

// siblingRank orders the children for the sibling discount and returns,
// for each child (by input index), its 1-based position.
//
// keyPrice is the price after the price step; born is the birth date;
// hasBirth tells whether born is known; grade stands in for age when it is
// not (SFO).
type siblingKey struct {
	id       string
	price    amount
	born     date.Date
	hasBirth bool
	grade    int
}

// olderFirst compares a and b by age, oldest first: by birth date when both
// are known, else by grade (higher first). 0 when equal or unknown.
func olderFirst(a, b *siblingKey) int {
	if a.hasBirth && b.hasBirth {
		switch {
		case a.born < b.born:
			return -1
		case a.born > b.born:
			return 1
		}
		return 0
	}
	return b.grade - a.grade
}

func siblingPositions(keys []siblingKey, order SiblingOrder, pos []int, idx []int) {
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := &keys[i], &keys[j]
		var c int
		switch order {
		case PriceDesc:
			c = b.price.cmp(a.price)
		case AgeDesc:
			c = olderFirst(a, b)
		case AgeAsc:
			c = olderFirst(b, a)
		}
		if c != 0 {
			return c
		}
		if c = olderFirst(a, b); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	for p, i := range idx {
		pos[i] = p + 1
	}
}

func rateAt(rates []decimal.Decimal, pos int) decimal.Decimal {
	if pos > len(rates) {
		pos = len(rates)
	}
	return rates[pos-1]
}

// finishChild rounds a child's price (the only rounding of the calculation),
// records the rounding step when steps are recorded (steps not nil), and
// gives the child the codes of the rules that changed the amount. It
// returns the grown steps.
func finishChild(cf *ChildFee, steps []Step, price amount, places int, params *Params, codes []StepCode) []Step {
	steps, _ = finishChildInto(cf, steps, price, places, params)
	if len(codes) > 0 {
		cf.Rules = append(make([]StepCode, 0, len(codes)), codes...)
	}
	return steps
}

// finishChildInto is finishChild without the codes; it also returns the
// rounded fee as an exact amount.
func finishChildInto(cf *ChildFee, steps []Step, price amount, places int, params *Params) ([]Step, amount) {
	var r amount
	cf.Fee, r = price.roundExact(places)
	if steps == nil {
		return nil, r
	}
	var s *Step
	steps, s = grow(steps)
	s.Code, s.Changed = StepRounding, r.cmp(price) != 0
	s.set(price, r, params)
	return steps, r
}

// grow returns steps one step longer and the new step, zero, to be filled
// in place (a Step is large: copying one in costs). The steps of a
// calculation are only ever appended, so a step within the capacity has
// not been written.
func grow(steps []Step) ([]Step, *Step) {
	if len(steps) == cap(steps) {
		steps = append(steps, Step{})
	} else {
		steps = steps[:len(steps)+1]
	}
	return steps, &steps[len(steps)-1]
}

// total sums fees and food.
func total(cs []ChildFee) decimal.Decimal {
	var t amount = zeroAmount
	for i := range cs {
		t = t.add(amountOf(cs[i].Fee)).add(amountOf(cs[i].Food))
	}
	return t.round(2)
}
