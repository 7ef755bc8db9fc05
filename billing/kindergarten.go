package billing

import (
	"slices"
	"strconv"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
)

// KindergartenBracket is one part-time bracket of a municipal price list:
// a place of at least MinHours a week costs Share of the full-time price
// (capped at the national maximum) and Food a month.
type KindergartenBracket struct {
	MinHours int
	Share    decimal.Decimal
	Food     decimal.Decimal
}

// KindergartenPrices is the municipality's price list for kindergartens.
type KindergartenPrices struct {
	FullTimePrice decimal.Decimal
	Brackets      []KindergartenBracket
	// SiblingOrder numbers the siblings; "" means PriceDesc.
	SiblingOrder SiblingOrder
	// Rounding of the final per-child fee; "" means øre.
	Rounding domain.Rounding
}

func itoa(i int) string { return strconv.Itoa(i) }

func validateRounding(p *domain.Problems, r domain.Rounding) {
	if r != "" && r != domain.RoundToOre && r != domain.RoundToKrone {
		p.Add("local.rounding", "must-be-ore-or-krone")
	}
}

func validateOrder(p *domain.Problems, o SiblingOrder) {
	if o != "" && !o.Valid() {
		p.Add("local.siblingOrder", "must-be-price-desc-age-desc-or-age-asc")
	}
}

func validateMonths(p *domain.Problems, field string, ms []time.Month) {
	for i, m := range ms {
		if m < 1 || m > 12 {
			p.Add(field+"["+itoa(i)+"]", "must-be-a-month-from-1-to-12")
		}
	}
}

func validateKindergarten(rules *KindergartenRules, local *KindergartenPrices, h *Household, month Month, zone Zone) error {
	var p domain.Problems
	validateKindergartenRules(&p, rules, local, zone)
	validateKindergartenHousehold(&p, local, h, month)
	return p.Err()
}

// validateKindergartenRules checks the national rules, the price list and
// the zone: what is the same for every household of a month.
func validateKindergartenRules(p *domain.Problems, rules *KindergartenRules, local *KindergartenPrices, zone Zone) {
	if !zone.Valid() {
		p.Add("zone", "must-be-ordinary-reduced-or-free")
	}
	nonNegative(p, "rules.maxPrice", rules.MaxPrice)
	if len(rules.SiblingDiscounts) == 0 {
		p.Add("rules.siblingDiscounts", "must-have-at-least-one-rate")
	}
	for i, r := range rules.SiblingDiscounts {
		if !inUnit(r) {
			p.Add("rules.siblingDiscounts["+itoa(i)+"]", "out-of-range", "min", "0", "max", "1")
		}
	}
	rateInUnit(p, "rules.incomeCapShare", rules.IncomeCapShare)
	if rules.BilledMonthsPerYear < 1 || rules.BilledMonthsPerYear > 12 {
		p.Add("rules.billedMonthsPerYear", "out-of-range", "min", "1", "max", "12")
	}
	validateMonths(p, "rules.feeFreeMonths", rules.FeeFreeMonths)
	if rules.FreeCoreHours < 0 || rules.FreeCoreHours > domain.MaxHoursPerWeek {
		p.Add("rules.freeCoreHours", "out-of-range", "min", "0", "max", "60")
	}
	if rules.FreeCoreIncomeThreshold != nil {
		nonNegative(p, "rules.freeCoreIncomeThreshold", *rules.FreeCoreIncomeThreshold)
	}
	nonNegative(p, "local.fullTimePrice", local.FullTimePrice)
	if len(local.Brackets) == 0 {
		p.Add("local.brackets", "must-have-at-least-one-bracket")
	}
	for i, b := range local.Brackets {
		f := func(name string) string { return "local.brackets[" + itoa(i) + "]." + name }
		if b.MinHours < 0 || b.MinHours > domain.MaxHoursPerWeek {
			p.Add(f("minHours"), "out-of-range", "min", "0", "max", "60")
		}
		for j := range i {
			if local.Brackets[j].MinHours == b.MinHours {
				p.Add(f("minHours"), "repeated")
			}
		}
		if !inUnit(b.Share) {
			p.Add(f("share"), "out-of-range", "min", "0", "max", "1")
		}
		if b.Food.Sign() < 0 {
			p.Add(f("food"), "negative")
		}
	}
	validateOrder(p, local.SiblingOrder)
	validateRounding(p, local.Rounding)
}

// validateKindergartenHousehold checks a household: its income and
// children.
func validateKindergartenHousehold(p *domain.Problems, local *KindergartenPrices, h *Household, month Month) {
	if h.AnnualIncome != nil {
		nonNegative(p, "household.annualIncome", *h.AnnualIncome)
	}
	if len(h.Children) == 0 {
		p.Add("children", "must-have-at-least-one-child")
	}
	last := month.Last()
	for i, c := range h.Children {
		f := func(name string) string { return "children[" + itoa(i) + "]." + name }
		if c.ID == "" {
			p.Add(f("id"), "empty")
		}
		for j := range i {
			if h.Children[j].ID == c.ID {
				p.Add(f("id"), "repeated")
			}
		}
		if c.BirthDate == date.Zero {
			p.Add(f("birthDate"), "must-be-given")
		} else if c.BirthDate > last {
			p.Add(f("birthDate"), "must-not-be-after-the-month")
		}
		if c.HoursPerWeek < 1 || c.HoursPerWeek > domain.MaxHoursPerWeek {
			p.Add(f("hoursPerWeek"), "out-of-range", "min", "1", "max", "60")
		} else if kindergartenBracket(local.Brackets, c.HoursPerWeek) < 0 {
			p.Add(f("hoursPerWeek"), "no-bracket-of-the-price-list-applies")
		}
	}
}

// kindergartenBracket returns the index of the bracket with the highest
// MinHours not above hours, or -1.
func kindergartenBracket(bs []KindergartenBracket, hours int) int {
	best := -1
	for j := range bs {
		if bs[j].MinHours <= hours && (best < 0 || bs[j].MinHours > bs[best].MinHours) {
			best = j
		}
	}
	return best
}

// inFreeCoreWindow reports whether the month is on or after YearStartMonth
// of the year the child turns FreeCoreFromAge and before YearStartMonth of
// the year it turns FreeCoreUntilAge.
func (k KindergartenConstants) inFreeCoreWindow(birthYear int, m Month) bool {
	i := m.index()
	from := Month{Year: birthYear + k.FreeCoreFromAge, Month: k.YearStartMonth}.index()
	until := Month{Year: birthYear + k.FreeCoreUntilAge, Month: k.YearStartMonth}.index()
	return i >= from && i < until
}

// KindergartenFee computes a household's kindergarten fee for one month,
// following the steps of the standard (conformance/SPEC.md) in order, per
// child: the price from the bracket (the lower of the full-time price and
// the maximum price, times the bracket's share), the income cap (§ 3b),
// free core hours (§ 3c), the sibling discount (§ 3) and the rounding. In a
// fee-free month the fee and the food are zero; in zone free the fee is zero
// and food is charged. Each child's steps are worked out when asked for
// (ChildFee.Steps).
//
// Invalid input gives a *domain.ValidationError naming the field by its
// JSON path ("children[1].hoursPerWeek"); a national parameter that is not
// known but needed (the free-core income threshold) gives an
// *UnknownRulesError. Amounts are exact rationals; only each child's final
// fee is rounded.
//
// To compute the fees of many households under one price list and month,
// NewKindergartenFees checks and keeps the rules and the price list once.
func KindergartenFee(rules KindergartenRules, local KindergartenPrices, h Household, month Month, zone Zone) (Fee, error) {
	if err := validateKindergarten(&rules, &local, &h, month, zone); err != nil {
		return Fee{}, err
	}
	return newKindergartenFees(rules, local, month, zone).fee(&h, false)
}

// KindergartenFees computes the kindergarten fees of households under one
// set of national rules, one price list and one month, as KindergartenFee
// does: the rules and the price list are checked once, and kept (a copy)
// for the steps that are worked out on request. It is safe for use by
// several goroutines.
type KindergartenFees struct {
	rules   KindergartenRules
	local   KindergartenPrices
	month   Month
	zone    Zone
	feeFree bool
	order   SiblingOrder
	round   domain.Rounding
	places  int
	base    amount // the lower of the full-time price and the maximum price
}

// NewKindergartenFees checks the rules, the price list and the zone
// (errors as from KindergartenFee, for their fields) and returns the
// calculator of the month's fees under them.
func NewKindergartenFees(rules KindergartenRules, local KindergartenPrices, month Month, zone Zone) (*KindergartenFees, error) {
	var p domain.Problems
	validateKindergartenRules(&p, &rules, &local, zone)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return newKindergartenFees(rules, local, month, zone), nil
}

// newKindergartenFees keeps checked rules and prices, with the slices
// copied so that the caller may change its own afterwards.
func newKindergartenFees(rules KindergartenRules, local KindergartenPrices, month Month, zone Zone) *KindergartenFees {
	rules.SiblingDiscounts = slices.Clone(rules.SiblingDiscounts)
	rules.FeeFreeMonths = slices.Clone(rules.FeeFreeMonths)
	if t := rules.FreeCoreIncomeThreshold; t != nil {
		v := *t
		rules.FreeCoreIncomeThreshold = &v
	}
	local.Brackets = slices.Clone(local.Brackets)
	k := &KindergartenFees{rules: rules, local: local, month: month, zone: zone,
		feeFree: slices.Contains(rules.FeeFreeMonths, month.Month),
		order:   local.SiblingOrder, round: local.Rounding, places: placesOf(local.Rounding),
		base: minAmount(amountOf(local.FullTimePrice), amountOf(rules.MaxPrice))}
	if k.order == "" {
		k.order = PriceDesc
	}
	if k.round == "" {
		k.round = domain.RoundToOre
	}
	return k
}

// Fee computes one household's fee for the month (KindergartenFee).
func (k *KindergartenFees) Fee(h Household) (Fee, error) { return k.checked(&h, false) }

// explained is Fee with every child's steps worked out now.
func (k *KindergartenFees) explained(h Household) (Fee, error) { return k.checked(&h, true) }

// checked checks the household, then computes its fee.
func (k *KindergartenFees) checked(h *Household, explain bool) (Fee, error) {
	var p domain.Problems
	validateKindergartenHousehold(&p, &k.local, h, k.month)
	if err := p.Err(); err != nil {
		return Fee{}, err
	}
	return k.fee(h, explain)
}

// fee computes a checked household's fee. With explain, every child's steps
// are recorded now; without, they are worked out on request from a copy
// of h.
func (k *KindergartenFees) fee(h *Household, explain bool) (Fee, error) {
	rules, local, month, zone := &k.rules, &k.local, k.month, k.zone
	n := len(h.Children)
	out := Fee{Month: month, Children: make([]ChildFee, n)}
	var why *explanation
	if explain {
		why = givenSteps(n)
	} else {
		why = lazyExplanation(k, h)
	}
	if k.feeFree {
		var steps []Step
		if explain {
			steps = make([]Step, 0, n)
		}
		for i, c := range h.Children {
			out.Children[i] = ChildFee{ID: c.ID, Fee: decimal.Zero, Food: decimal.Zero, why: why, at: i}
			if explain {
				steps = append(steps, Step{Code: StepFeeFreeMonth, Changed: true, Params: &Params{Zone: zone}})
				why.steps[i] = steps[i : i+1 : i+1]
			}
		}
		out.Total = decimal.Zero
		return out, nil
	}
	// Per-child scratch on the stack for the usual household (the result
	// is what the caller keeps: the children, their codes and, when
	// explained, their steps and the shared parameters, in as few
	// allocations as the types allow).
	var keyBuf [8]siblingKey
	var posBuf [16]int
	var bracketBuf [8]int
	keys, pos, bracket := keyBuf[:0], posBuf[:0], bracketBuf[:0]
	if n > len(keyBuf) {
		keys, pos, bracket = make([]siblingKey, 0, n), make([]int, 0, 2*n), make([]int, 0, n)
	}
	keys, pos, bracket = keys[:n], pos[:2*n], bracket[:n]
	for i, c := range h.Children {
		bracket[i] = kindergartenBracket(local.Brackets, c.HoursPerWeek)
		keys[i] = siblingKey{id: c.ID, price: k.base.mul(amountOf(local.Brackets[bracket[i]].Share)), born: c.BirthDate, hasBirth: true}
	}
	var (
		income   amount
		cap      amount
		freeCore bool // income strictly below the threshold
	)
	withIncome := h.AnnualIncome != nil && zone != ZoneFree
	if withIncome {
		income = amountOf(*h.AnnualIncome)
		cap = amountOf(rules.IncomeCapShare).mul(income).mulFrac(1, int64(rules.BilledMonthsPerYear))
		for _, c := range h.Children {
			if rules.inFreeCoreWindow(c.BirthDate.Year(), month) {
				if rules.FreeCoreIncomeThreshold == nil {
					return Fee{}, &UnknownRulesError{Month: month, Param: "freeCoreIncomeThreshold", Reason: "the-income-threshold-for-free-core-hours-is-not-known"}
				}
				freeCore = income.cmp(amountOf(*rules.FreeCoreIncomeThreshold)) < 0
				break
			}
		}
	}
	siblingPositions(keys, k.order, pos[:n], pos[n:])
	var (
		steps  []Step
		params *Params
	)
	if explain {
		// The steps of every child in one array, sized exactly: price
		// and rounding (or the free zone), the income cap and free core
		// hours with an income, and the sibling discount when it
		// applies.
		need := 0
		for i, c := range h.Children {
			need += 2
			if zone == ZoneFree {
				continue
			}
			if withIncome {
				need++
				if freeCore && rules.inFreeCoreWindow(c.BirthDate.Year(), month) {
					need++
				}
			}
			if n > 1 || rateAt(rules.SiblingDiscounts, pos[i]).Sign() != 0 {
				need++
			}
		}
		steps = make([]Step, 0, need)
		// The parameters, with copies of the income and the threshold
		// they point to in the same allocation (the steps must not change
		// when the caller changes its own afterwards).
		pb := &struct {
			p      Params
			inc, t decimal.Decimal
		}{p: Params{FullTimePrice: local.FullTimePrice, MaxPrice: rules.MaxPrice,
			IncomeCapShare: rules.IncomeCapShare, Months: rules.BilledMonthsPerYear, FreeHours: rules.FreeCoreHours,
			Order: k.order, Rounding: k.round, Zone: zone}}
		params = &pb.p
		if h.AnnualIncome != nil {
			pb.inc = *h.AnnualIncome
			params.Income = &pb.inc
		}
		if freeCore {
			pb.t = *rules.FreeCoreIncomeThreshold
			params.Threshold = &pb.t
		}
	}
	// The children's rule codes are gathered on the stack for the usual
	// household and copied into one array of their exact size at the end;
	// span[i] is child i's part.
	var codeBuf [24]StepCode
	var spanBuf [8][2]int32
	codes, span := codeBuf[:0], spanBuf[:0]
	if n > len(spanBuf) {
		codes, span = make([]StepCode, 0, 3*n), make([][2]int32, 0, n)
	}
	span = span[:n]
	sum := zeroAmount
	for i, c := range h.Children {
		start := len(steps)
		b := &local.Brackets[bracket[i]]
		price := keys[i].price
		var s *Step
		if explain {
			steps, s = grow(steps)
			s.Code, s.Changed, s.Hours, s.MinHours, s.Share, s.Food = StepPrice, true, c.HoursPerWeek, b.MinHours, b.Share, b.Food
			s.set(zeroAmount, price, params)
		}
		cf := &out.Children[i]
		cf.ID, cf.Food, cf.why, cf.at = c.ID, b.Food, why, i
		food := amountOf(b.Food)
		if zone == ZoneFree {
			if explain {
				steps, s = grow(steps)
				s.Code, s.Changed = StepFreeZone, price.sign() != 0
				s.set(price, zeroAmount, params)
				why.steps[i] = steps[start:len(steps):len(steps)]
			}
			cf.Fee = decimal.Zero
			sum = sum.add(food)
			continue
		}
		span[i][0] = int32(len(codes))
		// step takes the price to next, and records the step when
		// explaining (else it returns nil).
		step := func(code StepCode, next amount) *Step {
			var s *Step
			if explain {
				steps, s = grow(steps)
				s.Code = code
				s.set(price, next, params)
			}
			if next.cmp(price) < 0 {
				if s != nil {
					s.Changed = true
				}
				codes = append(codes, code)
			}
			price = next
			return s
		}
		if withIncome {
			step(StepIncomeCap, minAmount(price, cap))
			if freeCore && rules.inFreeCoreWindow(c.BirthDate.Year(), month) {
				basis := min(c.HoursPerWeek, rules.FullTimeHours)
				if s := step(StepFreeCoreHours, price.mulFrac(int64(max(0, basis-rules.FreeCoreHours)), int64(basis))); s != nil {
					s.Hours, s.Basis = c.HoursPerWeek, basis
				}
			}
		}
		rate := rateAt(rules.SiblingDiscounts, pos[i])
		if n > 1 || rate.Sign() != 0 {
			next := price
			if rate.Sign() != 0 {
				next = price.mul(intAmount(1).sub(amountOf(rate)))
			}
			if s := step(StepSibling, next); s != nil {
				s.Position, s.Rate = pos[i], rate
			}
		}
		span[i][1] = int32(len(codes))
		var fee amount
		steps, fee = finishChildInto(cf, steps, price, k.places, params)
		if explain {
			why.steps[i] = steps[start:len(steps):len(steps)]
		}
		sum = sum.add(fee).add(food)
	}
	if len(codes) > 0 {
		all := make([]StepCode, len(codes))
		copy(all, codes)
		for i, sp := range span {
			if sp[1] > sp[0] {
				out.Children[i].Rules = all[sp[0]:sp[1]:sp[1]]
			}
		}
	}
	out.Total = sum.round(2)
	return out, nil
}
