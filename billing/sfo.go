package billing

import (
	"slices"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
)

// SFOBracket is one bracket of a municipal SFO price list: a place of at
// least MinHours a week costs Price and Food a month.
type SFOBracket struct {
	MinHours int
	Price    decimal.Decimal
	Food     decimal.Decimal
}

// SFOPrices is the municipality's SFO price list.
type SFOPrices struct {
	Brackets []SFOBracket
	// SiblingDiscounts are the municipality's own rates: [i] for the
	// (i+1)-th pupil, the last repeating. Empty means no discount.
	SiblingDiscounts []decimal.Decimal
	// SiblingOrder numbers the siblings; "" means PriceDesc.
	SiblingOrder SiblingOrder
	// Rounding of the final per-pupil fee; "" means øre.
	Rounding domain.Rounding
}

// Pupil is a pupil with an SFO place.
type Pupil struct {
	ID string
	// BirthDate may be date.Zero (not known); the age orders then compare
	// by grade, a higher grade counting as older.
	BirthDate    date.Date
	Grade        int
	HoursPerWeek int
	SpecialNeeds bool
}

// SFOHousehold is an SFO household for one month.
type SFOHousehold struct {
	// AnnualIncome is set only when the household has an approved
	// income-based reduction for the month.
	AnnualIncome *decimal.Decimal
	Pupils       []Pupil
}

func sfoBracket(bs []SFOBracket, hours int) int {
	best := -1
	for j := range bs {
		if bs[j].MinHours <= hours && (best < 0 || bs[j].MinHours > bs[best].MinHours) {
			best = j
		}
	}
	return best
}

func validateGrades(p *domain.Problems, field string, gs []int) {
	for i, g := range gs {
		if g < 1 || g > 7 {
			p.Add(field+"["+itoa(i)+"]", "must-be-a-grade-from-1-to-7")
		}
	}
}

func validateSFO(rules *SFORules, local *SFOPrices, h *SFOHousehold, month Month) error {
	var p domain.Problems
	if rules.FreeHours < 0 || rules.FreeHours > domain.MaxHoursPerWeek {
		p.Add("rules.freeHours", "out-of-range", "min", "0", "max", "60")
	}
	validateGrades(&p, "rules.freeHoursGrades", rules.FreeHoursGrades)
	rateInUnit(&p, "rules.incomeCapShare", rules.IncomeCapShare)
	validateGrades(&p, "rules.incomeCapGrades", rules.IncomeCapGrades)
	validateGrades(&p, "rules.specialNeedsFreeGrades", rules.SpecialNeedsFreeGrades)
	if rules.BilledMonthsPerYear < 1 || rules.BilledMonthsPerYear > 12 {
		p.Add("rules.billedMonthsPerYear", "out-of-range", "min", "1", "max", "12")
	}
	validateMonths(&p, "rules.feeFreeMonths", rules.FeeFreeMonths)
	if len(local.Brackets) == 0 {
		p.Add("local.brackets", "must-have-at-least-one-bracket")
	}
	for i, b := range local.Brackets {
		f := "local.brackets[" + itoa(i) + "]"
		if b.MinHours < 0 || b.MinHours > domain.MaxHoursPerWeek {
			p.Add(f+".minHours", "out-of-range", "min", "0", "max", "60")
		}
		for j := range i {
			if local.Brackets[j].MinHours == b.MinHours {
				p.Add(f+".minHours", "repeated")
			}
		}
		nonNegative(&p, f+".price", b.Price)
		nonNegative(&p, f+".food", b.Food)
	}
	for i, r := range local.SiblingDiscounts {
		rateInUnit(&p, "local.siblingDiscounts["+itoa(i)+"]", r)
	}
	validateHousehold(&p, local.SiblingOrder, local.Rounding, h.AnnualIncome, len(h.Pupils))
	last := month.Last()
	for i, c := range h.Pupils {
		f := "children[" + itoa(i) + "]"
		if c.ID == "" {
			p.Add(f+".id", "empty")
		}
		for j := range i {
			if h.Pupils[j].ID == c.ID {
				p.Add(f+".id", "repeated")
			}
		}
		if c.BirthDate != date.Zero && c.BirthDate > last {
			p.Add(f+".birthDate", "must-not-be-after-the-month")
		}
		if c.Grade < 1 || c.Grade > 7 {
			p.Add(f+".grade", "out-of-range", "min", "1", "max", "7")
		}
		if c.HoursPerWeek < 1 || c.HoursPerWeek > domain.MaxHoursPerWeek {
			p.Add(f+".hoursPerWeek", "out-of-range", "min", "1", "max", "60")
		} else if sfoBracket(local.Brackets, c.HoursPerWeek) < 0 {
			p.Add(f+".hoursPerWeek", "no-bracket-of-the-price-list-applies")
		}
	}
	return p.Err()
}

// SFOFee computes a household's SFO fee for one month, per pupil in the
// order of the standard: the price from the bracket, free SFO for special
// needs (grades in SpecialNeedsFreeGrades), the income cap (grades in
// IncomeCapGrades), free hours (grades in FreeHoursGrades: price ×
// max(0, hours − free hours) ÷ hours), the municipality's sibling discount
// and the rounding. In a fee-free month fee and food are zero.
//
// Invalid input gives a *domain.ValidationError naming the field by its
// JSON path. Amounts are exact; only each pupil's final fee is rounded.
func SFOFee(rules SFORules, local SFOPrices, h SFOHousehold, month Month) (Fee, error) {
	if err := validateSFO(&rules, &local, &h, month); err != nil {
		return Fee{}, err
	}
	n := len(h.Pupils)
	out := Fee{Month: month, Children: make([]ChildFee, n)}
	steps := make([]Step, 0, 6*n)
	why := givenSteps(n)
	if slices.Contains(rules.FeeFreeMonths, month.Month) {
		for i, c := range h.Pupils {
			steps = append(steps, Step{Code: StepFeeFreeMonth, Changed: true, Params: &Params{}})
			out.Children[i] = ChildFee{ID: c.ID, Fee: decimal.Zero, Food: decimal.Zero, why: why, at: i}
			why.steps[i] = steps[len(steps)-1 : len(steps) : len(steps)]
		}
		out.Total = decimal.Zero
		return out, nil
	}
	order := local.SiblingOrder
	if order == "" {
		order = PriceDesc
	}
	keys := make([]siblingKey, n)
	for i, c := range h.Pupils {
		b := local.Brackets[sfoBracket(local.Brackets, c.HoursPerWeek)]
		keys[i] = siblingKey{id: c.ID, price: amountOf(b.Price), born: c.BirthDate, hasBirth: c.BirthDate != date.Zero, grade: c.Grade}
	}
	var cap amount
	if h.AnnualIncome != nil {
		cap = amountOf(rules.IncomeCapShare).mul(amountOf(*h.AnnualIncome)).mulFrac(1, int64(rules.BilledMonthsPerYear))
	}
	pos := make([]int, 2*n)
	siblingPositions(keys, order, pos[:n], pos[n:])
	places := placesOf(local.Rounding)
	rounding := local.Rounding
	if rounding == "" {
		rounding = domain.RoundToOre
	}
	params := &Params{Income: h.AnnualIncome, IncomeCapShare: rules.IncomeCapShare,
		Months: rules.BilledMonthsPerYear, FreeHours: rules.FreeHours, Order: order, Rounding: rounding}
	for i, c := range h.Pupils {
		start := len(steps)
		b := local.Brackets[sfoBracket(local.Brackets, c.HoursPerWeek)]
		price := keys[i].price
		ps := Step{Code: StepPrice, Changed: true,
			Hours: c.HoursPerWeek, MinHours: b.MinHours, Price: b.Price, Food: b.Food, Grade: c.Grade}
		ps.set(zeroAmount, price, params)
		steps = append(steps, ps)
		cf := ChildFee{ID: c.ID, Food: b.Food, why: why, at: i}
		var codes [4]StepCode
		nr := 0
		apply := func(s Step, next amount) {
			s.set(price, next, params)
			if next.cmp(price) < 0 {
				s.Changed = true
				codes[nr] = s.Code
				nr++
			}
			steps = append(steps, s)
			price = next
		}
		if c.SpecialNeeds && slices.Contains(rules.SpecialNeedsFreeGrades, c.Grade) {
			apply(Step{Code: StepSpecialNeeds, Grade: c.Grade}, zeroAmount)
		}
		if h.AnnualIncome != nil && slices.Contains(rules.IncomeCapGrades, c.Grade) {
			apply(Step{Code: StepIncomeCap, Grade: c.Grade}, minAmount(price, cap))
		}
		if slices.Contains(rules.FreeHoursGrades, c.Grade) {
			apply(Step{Code: StepFreeHours, Hours: c.HoursPerWeek, Basis: c.HoursPerWeek, Grade: c.Grade},
				price.mulFrac(int64(max(0, c.HoursPerWeek-rules.FreeHours)), int64(c.HoursPerWeek)))
		}
		if len(local.SiblingDiscounts) > 0 {
			rate := rateAt(local.SiblingDiscounts, pos[i])
			if n > 1 || rate.Sign() != 0 {
				apply(Step{Code: StepSibling, Position: pos[i], Rate: rate},
					price.mul(intAmount(1).sub(amountOf(rate))))
			}
		}
		steps = finishChild(&cf, steps, price, places, params, codes[:nr])
		why.steps[i] = steps[start:len(steps):len(steps)]
		out.Children[i] = cf
	}
	out.Total = total(out.Children)
	return out, nil
}
