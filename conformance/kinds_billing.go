package conformance

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// feeChildOutput is one child of the expect shape of the fee kinds.
type feeChildOutput struct {
	ID    string   `json:"id"`
	Fee   string   `json:"fee"`
	Food  string   `json:"food"`
	Rules []string `json:"rules"`
}

// feeOutput is the expect shape of kindergarten-fee and sfo-fee.
type feeOutput struct {
	Children []feeChildOutput `json:"children"`
	Total    string           `json:"total"`
}

func feeOutputOf(f billing.Fee) feeOutput {
	out := feeOutput{Children: make([]feeChildOutput, len(f.Children)), Total: money(f.Total)}
	for i, c := range f.Children {
		rules := make([]string, len(c.Rules))
		for j, r := range c.Rules {
			rules[j] = string(r)
		}
		out.Children[i] = feeChildOutput{ID: c.ID, Fee: money(c.Fee), Food: money(c.Food), Rules: rules}
	}
	return out
}

// billingError maps an engine error to an *Error.
func billingError(err error) error {
	var u *billing.UnknownRulesError
	if errors.As(err, &u) {
		field := u.Param
		if field != "" && field != "zone" && field != "month" {
			field = "rules." + field
		}
		return unknownRules(field, u.Error())
	}
	return errorFrom(err)
}

func parseWireMonth(field string, s *string) (billing.Month, error) {
	if s == nil {
		return billing.Month{}, invalid(field, "is required")
	}
	m, err := billing.ParseMonth(*s)
	if err != nil {
		return billing.Month{}, invalid(field, "must be a month YYYY-MM")
	}
	return m, nil
}

// parseWireDate parses "YYYY-MM-DD", refusing impossible dates.
func parseWireDate(field string, s *string) (date.Date, error) {
	if s == nil {
		return date.Zero, invalid(field, "is required")
	}
	d, err := domain.ParseDate(field, *s)
	if err != nil {
		return date.Zero, invalid(field, "must be a date YYYY-MM-DD that exists")
	}
	return d, nil
}

func requiredDecimal(field string, d *decimal.Decimal) (decimal.Decimal, error) {
	if d == nil {
		return decimal.Decimal{}, invalid(field, "is required")
	}
	return *d, nil
}

func requiredInt(field string, i *int) (int, error) {
	if i == nil {
		return 0, invalid(field, "is required")
	}
	return *i, nil
}

func wireMonths(field string, ms *[]int) ([]time.Month, error) {
	if ms == nil {
		return nil, invalid(field, "is required")
	}
	out := make([]time.Month, len(*ms))
	for i, m := range *ms {
		out[i] = time.Month(m)
	}
	return out, nil
}

// wireHousehold is the household object of the fee kinds.
type wireHousehold struct {
	AnnualIncome *decimal.Decimal `json:"annualIncome"`
}

// kindergartenRulesInput is an explicit kindergarten rules object.
type kindergartenRulesInput struct {
	MaxPrice                *decimal.Decimal   `json:"maxPrice"`
	SiblingDiscounts        *[]decimal.Decimal `json:"siblingDiscounts"`
	IncomeCapShare          *decimal.Decimal   `json:"incomeCapShare"`
	BilledMonthsPerYear     *int               `json:"billedMonthsPerYear"`
	FeeFreeMonths           *[]int             `json:"feeFreeMonths"`
	FreeCoreHours           *int               `json:"freeCoreHours"`
	FreeCoreIncomeThreshold *decimal.Decimal   `json:"freeCoreIncomeThreshold"`
}

type kindergartenBracketInput struct {
	MinHours *int             `json:"minHours"`
	Share    *decimal.Decimal `json:"share"`
	Food     *decimal.Decimal `json:"food"`
}

type kindergartenLocalInput struct {
	FullTimePrice *decimal.Decimal           `json:"fullTimePrice"`
	Brackets      []kindergartenBracketInput `json:"brackets"`
	SiblingOrder  *string                    `json:"siblingOrder"`
	Rounding      *string                    `json:"rounding"`
}

type kindergartenChildInput struct {
	ID           *string `json:"id"`
	BirthDate    *string `json:"birthDate"`
	HoursPerWeek *int    `json:"hoursPerWeek"`
}

// kindergartenFeeInput is the wire input of the kindergarten-fee kind.
type kindergartenFeeInput struct {
	Month     *string                  `json:"month"`
	Zone      *string                  `json:"zone"`
	Rules     *kindergartenRulesInput  `json:"rules"`
	Local     *kindergartenLocalInput  `json:"local"`
	Household *wireHousehold           `json:"household"`
	Children  []kindergartenChildInput `json:"children"`
}

func orderAndRounding(order, rounding *string) (billing.SiblingOrder, domain.Rounding) {
	var o billing.SiblingOrder
	if order != nil {
		o = billing.SiblingOrder(*order)
		if o == "" {
			o = "-" // present but empty: refused by the engine
		}
	}
	var r domain.Rounding
	if rounding != nil {
		r = domain.Rounding(*rounding)
		if r == "" {
			r = "-"
		}
	}
	return o, r
}

// evalKindergartenFee evaluates the kindergarten-fee kind.
func evalKindergartenFee(input json.RawMessage) (any, error) {
	var in kindergartenFeeInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	month, err := parseWireMonth("month", in.Month)
	if err != nil {
		return nil, err
	}
	if in.Zone == nil {
		return nil, invalid("zone", "is required")
	}
	zone := billing.Zone(*in.Zone)
	if !zone.Valid() {
		return nil, invalid("zone", `must be "ordinary", "reduced" or "free"`)
	}
	if in.Local == nil {
		return nil, invalid("local", "is required")
	}
	var local billing.KindergartenPrices
	if local.FullTimePrice, err = requiredDecimal("local.fullTimePrice", in.Local.FullTimePrice); err != nil {
		return nil, err
	}
	for i, b := range in.Local.Brackets {
		f := "local.brackets[" + strconv.Itoa(i) + "]"
		var kb billing.KindergartenBracket
		if kb.MinHours, err = requiredInt(f+".minHours", b.MinHours); err != nil {
			return nil, err
		}
		if kb.Share, err = requiredDecimal(f+".share", b.Share); err != nil {
			return nil, err
		}
		if kb.Food, err = requiredDecimal(f+".food", b.Food); err != nil {
			return nil, err
		}
		local.Brackets = append(local.Brackets, kb)
	}
	local.SiblingOrder, local.Rounding = orderAndRounding(in.Local.SiblingOrder, in.Local.Rounding)
	var h billing.Household
	if in.Household != nil {
		h.AnnualIncome = in.Household.AnnualIncome
	}
	for i, c := range in.Children {
		f := "children[" + strconv.Itoa(i) + "]"
		var ch billing.Child
		if c.ID == nil {
			return nil, invalid(f+".id", "is required")
		}
		ch.ID = *c.ID
		if ch.BirthDate, err = parseWireDate(f+".birthDate", c.BirthDate); err != nil {
			return nil, err
		}
		if ch.HoursPerWeek, err = requiredInt(f+".hoursPerWeek", c.HoursPerWeek); err != nil {
			return nil, err
		}
		h.Children = append(h.Children, ch)
	}
	var rules billing.KindergartenRules
	tables, err := billing.NationalTables()
	if err != nil {
		return nil, err
	}
	if in.Rules == nil {
		if rules, err = tables.KindergartenRules(month, zone); err != nil {
			return nil, billingError(err)
		}
	} else {
		r := in.Rules
		rules.KindergartenConstants = tables.Constants
		if rules.MaxPrice, err = requiredDecimal("rules.maxPrice", r.MaxPrice); err != nil {
			return nil, err
		}
		if r.SiblingDiscounts == nil {
			return nil, invalid("rules.siblingDiscounts", "is required")
		}
		rules.SiblingDiscounts = *r.SiblingDiscounts
		if rules.IncomeCapShare, err = requiredDecimal("rules.incomeCapShare", r.IncomeCapShare); err != nil {
			return nil, err
		}
		if rules.BilledMonthsPerYear, err = requiredInt("rules.billedMonthsPerYear", r.BilledMonthsPerYear); err != nil {
			return nil, err
		}
		if rules.FeeFreeMonths, err = wireMonths("rules.feeFreeMonths", r.FeeFreeMonths); err != nil {
			return nil, err
		}
		if rules.FreeCoreHours, err = requiredInt("rules.freeCoreHours", r.FreeCoreHours); err != nil {
			return nil, err
		}
		rules.FreeCoreIncomeThreshold = r.FreeCoreIncomeThreshold
	}
	fee, err := billing.KindergartenFee(rules, local, h, month, zone)
	if err != nil {
		return nil, billingError(err)
	}
	return feeOutputOf(fee), nil
}

// sfoRulesInput is an explicit SFO rules object.
type sfoRulesInput struct {
	FreeHours              *int             `json:"freeHours"`
	FreeHoursGrades        *[]int           `json:"freeHoursGrades"`
	IncomeCapShare         *decimal.Decimal `json:"incomeCapShare"`
	IncomeCapGrades        *[]int           `json:"incomeCapGrades"`
	SpecialNeedsFreeGrades *[]int           `json:"specialNeedsFreeGrades"`
	BilledMonthsPerYear    *int             `json:"billedMonthsPerYear"`
	FeeFreeMonths          *[]int           `json:"feeFreeMonths"`
}

type sfoBracketInput struct {
	MinHours *int             `json:"minHours"`
	Price    *decimal.Decimal `json:"price"`
	Food     *decimal.Decimal `json:"food"`
}

type sfoLocalInput struct {
	Brackets         []sfoBracketInput  `json:"brackets"`
	SiblingDiscounts *[]decimal.Decimal `json:"siblingDiscounts"`
	SiblingOrder     *string            `json:"siblingOrder"`
	Rounding         *string            `json:"rounding"`
}

type sfoChildInput struct {
	ID           *string `json:"id"`
	BirthDate    *string `json:"birthDate"`
	Grade        *int    `json:"grade"`
	HoursPerWeek *int    `json:"hoursPerWeek"`
	SpecialNeeds *bool   `json:"specialNeeds"`
}

// sfoFeeInput is the wire input of the sfo-fee kind.
type sfoFeeInput struct {
	Month     *string         `json:"month"`
	Zone      *string         `json:"zone"`
	Rules     *sfoRulesInput  `json:"rules"`
	Local     *sfoLocalInput  `json:"local"`
	Household *wireHousehold  `json:"household"`
	Children  []sfoChildInput `json:"children"`
}

func requiredGrades(field string, gs *[]int) ([]int, error) {
	if gs == nil {
		return nil, invalid(field, "is required")
	}
	return *gs, nil
}

// evalSFOFee evaluates the sfo-fee kind.
func evalSFOFee(input json.RawMessage) (any, error) {
	var in sfoFeeInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	month, err := parseWireMonth("month", in.Month)
	if err != nil {
		return nil, err
	}
	if in.Zone != nil && !billing.Zone(*in.Zone).Valid() {
		return nil, invalid("zone", `must be "ordinary", "reduced" or "free"`)
	}
	if in.Local == nil {
		return nil, invalid("local", "is required")
	}
	var local billing.SFOPrices
	for i, b := range in.Local.Brackets {
		f := "local.brackets[" + strconv.Itoa(i) + "]"
		var sb billing.SFOBracket
		if sb.MinHours, err = requiredInt(f+".minHours", b.MinHours); err != nil {
			return nil, err
		}
		if sb.Price, err = requiredDecimal(f+".price", b.Price); err != nil {
			return nil, err
		}
		if sb.Food, err = requiredDecimal(f+".food", b.Food); err != nil {
			return nil, err
		}
		local.Brackets = append(local.Brackets, sb)
	}
	if in.Local.SiblingDiscounts != nil {
		if len(*in.Local.SiblingDiscounts) == 0 {
			return nil, invalid("local.siblingDiscounts", `must have at least one rate (["0"] for none)`)
		}
		local.SiblingDiscounts = *in.Local.SiblingDiscounts
	}
	local.SiblingOrder, local.Rounding = orderAndRounding(in.Local.SiblingOrder, in.Local.Rounding)
	var h billing.SFOHousehold
	if in.Household != nil {
		h.AnnualIncome = in.Household.AnnualIncome
	}
	for i, c := range in.Children {
		f := "children[" + strconv.Itoa(i) + "]"
		var p billing.Pupil
		if c.ID == nil {
			return nil, invalid(f+".id", "is required")
		}
		p.ID = *c.ID
		if c.BirthDate != nil {
			if p.BirthDate, err = parseWireDate(f+".birthDate", c.BirthDate); err != nil {
				return nil, err
			}
		}
		if p.Grade, err = requiredInt(f+".grade", c.Grade); err != nil {
			return nil, err
		}
		if p.HoursPerWeek, err = requiredInt(f+".hoursPerWeek", c.HoursPerWeek); err != nil {
			return nil, err
		}
		p.SpecialNeeds = c.SpecialNeeds != nil && *c.SpecialNeeds
		h.Pupils = append(h.Pupils, p)
	}
	var rules billing.SFORules
	if in.Rules == nil {
		tables, err := billing.NationalTables()
		if err != nil {
			return nil, err
		}
		if rules, err = tables.SFORules(month); err != nil {
			return nil, billingError(err)
		}
	} else {
		r := in.Rules
		if rules.FreeHours, err = requiredInt("rules.freeHours", r.FreeHours); err != nil {
			return nil, err
		}
		if rules.FreeHoursGrades, err = requiredGrades("rules.freeHoursGrades", r.FreeHoursGrades); err != nil {
			return nil, err
		}
		if rules.IncomeCapShare, err = requiredDecimal("rules.incomeCapShare", r.IncomeCapShare); err != nil {
			return nil, err
		}
		if rules.IncomeCapGrades, err = requiredGrades("rules.incomeCapGrades", r.IncomeCapGrades); err != nil {
			return nil, err
		}
		if rules.SpecialNeedsFreeGrades, err = requiredGrades("rules.specialNeedsFreeGrades", r.SpecialNeedsFreeGrades); err != nil {
			return nil, err
		}
		if rules.BilledMonthsPerYear, err = requiredInt("rules.billedMonthsPerYear", r.BilledMonthsPerYear); err != nil {
			return nil, err
		}
		if rules.FeeFreeMonths, err = wireMonths("rules.feeFreeMonths", r.FeeFreeMonths); err != nil {
			return nil, err
		}
	}
	fee, err := billing.SFOFee(rules, local, h, month)
	if err != nil {
		return nil, billingError(err)
	}
	return feeOutputOf(fee), nil
}

// kidInput is the wire input of the kid kind.
type kidInput struct {
	Base     *string `json:"base"`
	Validate *string `json:"validate"`
	Method   *string `json:"method"`
}

// evalKID evaluates the kid kind: make ({"base"}) or validate
// ({"validate"}); exactly one of them.
func evalKID(input json.RawMessage) (any, error) {
	var in kidInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	if in.Method == nil {
		return nil, invalid("method", "is required")
	}
	m := billing.KIDMethod(*in.Method)
	switch {
	case in.Base != nil && in.Validate != nil:
		return nil, invalid("validate", `give either "base" or "validate", not both`)
	case in.Base != nil:
		kid, err := billing.MakeKID(*in.Base, m)
		if err != nil {
			return nil, errorFrom(err)
		}
		return map[string]any{"kid": kid}, nil
	case in.Validate != nil:
		ok, err := billing.ValidKID(*in.Validate, m)
		if err != nil {
			return nil, errorFrom(err)
		}
		return map[string]any{"valid": ok}, nil
	}
	return nil, invalid("base", `one of "base" or "validate" is required`)
}
