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
	if !zone.Valid() {
		p.Add("zone", "must-be-ordinary-reduced-or-free")
	}
	nonNegative(&p, "rules.maxPrice", rules.MaxPrice)
	if len(rules.SiblingDiscounts) == 0 {
		p.Add("rules.siblingDiscounts", "must-have-at-least-one-rate")
	}
	for i, r := range rules.SiblingDiscounts {
		if !inUnit(r) {
			p.Add("rules.siblingDiscounts["+itoa(i)+"]", "out-of-range", "min", "0", "max", "1")
		}
	}
	rateInUnit(&p, "rules.incomeCapShare", rules.IncomeCapShare)
	if rules.BilledMonthsPerYear < 1 || rules.BilledMonthsPerYear > 12 {
		p.Add("rules.billedMonthsPerYear", "out-of-range", "min", "1", "max", "12")
	}
	validateMonths(&p, "rules.feeFreeMonths", rules.FeeFreeMonths)
	if rules.FreeCoreHours < 0 || rules.FreeCoreHours > domain.MaxHoursPerWeek {
		p.Add("rules.freeCoreHours", "out-of-range", "min", "0", "max", "60")
	}
	if rules.FreeCoreIncomeThreshold != nil {
		nonNegative(&p, "rules.freeCoreIncomeThreshold", *rules.FreeCoreIncomeThreshold)
	}
	nonNegative(&p, "local.fullTimePrice", local.FullTimePrice)
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
	validateHousehold(&p, local.SiblingOrder, local.Rounding, h.AnnualIncome, len(h.Children))
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
	return p.Err()
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
// and food is charged.
//
// Invalid input gives a *domain.ValidationError naming the field by its
// JSON path ("children[1].hoursPerWeek"); a national parameter that is not
// known but needed (the free-core income threshold) gives an
// *UnknownRulesError. Amounts are exact rationals; only each child's final
// fee is rounded.
func KindergartenFee(rules KindergartenRules, local KindergartenPrices, h Household, month Month, zone Zone) (Fee, error) {
	if err := validateKindergarten(&rules, &local, &h, month, zone); err != nil {
		return Fee{}, err
	}
	n := len(h.Children)
	out := Fee{Month: month, Children: make([]ChildFee, n)}
	if slices.Contains(rules.FeeFreeMonths, month.Month) {
		steps := make([]Step, 0, n)
		for i, c := range h.Children {
			steps = append(steps, Step{Code: StepFeeFreeMonth, Changed: true, Params: &Params{Zone: zone}})
			out.Children[i] = ChildFee{ID: c.ID, Fee: decimal.Zero, Food: decimal.Zero, Steps: steps[len(steps)-1 : len(steps) : len(steps)]}
		}
		out.Total = decimal.Zero
		return out, nil
	}
	order := local.SiblingOrder
	if order == "" {
		order = PriceDesc
	}
	// Per-child scratch on the stack for the usual household (the result
	// is what the caller keeps: the children, their steps and codes, and
	// the shared parameters, in as few allocations as the types allow).
	var keyBuf [8]siblingKey
	var posBuf [16]int
	var bracketBuf [8]int
	keys, pos, bracket := keyBuf[:0], posBuf[:0], bracketBuf[:0]
	if n > len(keyBuf) {
		keys, pos, bracket = make([]siblingKey, 0, n), make([]int, 0, 2*n), make([]int, 0, n)
	}
	keys, pos, bracket = keys[:n], pos[:2*n], bracket[:n]
	base := minAmount(amountOf(local.FullTimePrice), amountOf(rules.MaxPrice))
	for i, c := range h.Children {
		bracket[i] = kindergartenBracket(local.Brackets, c.HoursPerWeek)
		keys[i] = siblingKey{id: c.ID, price: base.mul(amountOf(local.Brackets[bracket[i]].Share)), born: c.BirthDate, hasBirth: true}
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
	siblingPositions(keys, order, pos[:n], pos[n:])
	// The steps of every child in one array, sized exactly (a Step is
	// large: the engine's time is mostly allocating and collecting
	// steps): price and rounding (or the free zone), the income cap and
	// free core hours with an income, and the sibling discount when it
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
	steps := make([]Step, 0, need)
	places := placesOf(local.Rounding)
	rounding := local.Rounding
	if rounding == "" {
		rounding = domain.RoundToOre
	}
	// The parameters, and the threshold they point to in one allocation
	// with them when free core hours apply.
	pv := Params{FullTimePrice: local.FullTimePrice, MaxPrice: rules.MaxPrice, Income: h.AnnualIncome,
		IncomeCapShare: rules.IncomeCapShare, Months: rules.BilledMonthsPerYear, FreeHours: rules.FreeCoreHours,
		Order: order, Rounding: rounding, Zone: zone}
	var params *Params
	if freeCore {
		pb := &struct {
			p Params
			t decimal.Decimal
		}{p: pv, t: *rules.FreeCoreIncomeThreshold}
		params = &pb.p
		params.Threshold = &pb.t
	} else {
		params = new(Params)
		*params = pv
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
		steps, s = grow(steps)
		s.Code, s.Changed, s.Hours, s.MinHours, s.Share, s.Food = StepPrice, true, c.HoursPerWeek, b.MinHours, b.Share, b.Food
		s.set(zeroAmount, price, params)
		cf := &out.Children[i]
		cf.ID, cf.Food = c.ID, b.Food
		food := amountOf(b.Food)
		if zone == ZoneFree {
			steps, s = grow(steps)
			s.Code, s.Changed = StepFreeZone, price.sign() != 0
			s.set(price, zeroAmount, params)
			cf.Fee = decimal.Zero
			cf.Steps = steps[start:len(steps):len(steps)]
			sum = sum.add(food)
			continue
		}
		span[i][0] = int32(len(codes))
		// step records a step that takes the price to next.
		step := func(code StepCode, next amount) *Step {
			var s *Step
			steps, s = grow(steps)
			s.Code = code
			s.set(price, next, params)
			if next.cmp(price) < 0 {
				s.Changed = true
				codes = append(codes, code)
			}
			price = next
			return s
		}
		if withIncome {
			step(StepIncomeCap, minAmount(price, cap))
			if freeCore && rules.inFreeCoreWindow(c.BirthDate.Year(), month) {
				basis := min(c.HoursPerWeek, rules.FullTimeHours)
				s := step(StepFreeCoreHours, price.mulFrac(int64(max(0, basis-rules.FreeCoreHours)), int64(basis)))
				s.Hours, s.Basis = c.HoursPerWeek, basis
			}
		}
		rate := rateAt(rules.SiblingDiscounts, pos[i])
		if n > 1 || rate.Sign() != 0 {
			next := price
			if rate.Sign() != 0 {
				next = price.mul(intAmount(1).sub(amountOf(rate)))
			}
			s := step(StepSibling, next)
			s.Position, s.Rate = pos[i], rate
		}
		span[i][1] = int32(len(codes))
		var fee amount
		steps, fee = finishChildInto(cf, steps, start, price, places, params)
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
