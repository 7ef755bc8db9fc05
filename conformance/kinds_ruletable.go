package conformance

import (
	"cmp"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// ruleTableInput is the wire input of the rule-table kind: a national
// table file in the published format (SPEC.md 5.4) as a JSON value, or
// null for the built-in tables, and the date and zone asked about.
type ruleTableInput struct {
	Kind  *string         `json:"kind"`
	Table json.RawMessage `json:"table"`
	Date  *string         `json:"date"`
	Zone  *string         `json:"zone"`
}

// ruleTableProblem is one problem of a refused table: its path inside the
// table ("rows[0].maxPrice", "" for the table as a whole) and the reason
// code of SPEC.md 5.4.
type ruleTableProblem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

type siblingRate struct {
	Child int    `json:"child"`
	Rate  string `json:"rate"`
}

// ruleTableOutput is the expect shape of the rule-table kind: accepted
// with the parameters in force, or not accepted with the problems.
type ruleTableOutput struct {
	Accepted bool               `json:"accepted"`
	Problems []ruleTableProblem `json:"problems,omitempty"`

	ValidFrom           string `json:"validFrom,omitempty"`
	Source              string `json:"source,omitempty"`
	Provisional         *bool  `json:"provisional,omitempty"`
	IncomeCapShare      string `json:"incomeCapShare,omitempty"`
	BilledMonthsPerYear int    `json:"billedMonthsPerYear,omitempty"`
	FeeFreeMonths       []int  `json:"feeFreeMonths,omitempty"`

	*kindergartenParams
	*sfoParams
}

type kindergartenParams struct {
	MaxPrice                string        `json:"maxPrice"`
	FreeZone                bool          `json:"freeZone"`
	SiblingDiscounts        []siblingRate `json:"siblingDiscounts"`
	FreeCoreHours           int           `json:"freeCoreHours"`
	FreeCoreIncomeThreshold *string       `json:"freeCoreIncomeThreshold"`
	FullTimeHours           int           `json:"fullTimeHours"`
	FreeCoreFromAge         int           `json:"freeCoreFromAge"`
	FreeCoreUntilAge        int           `json:"freeCoreUntilAge"`
	YearStartMonth          int           `json:"yearStartMonth"`
}

type sfoParams struct {
	FreeHours              int   `json:"freeHours"`
	FreeHoursGrades        []int `json:"freeHoursGrades"`
	IncomeCapGrades        []int `json:"incomeCapGrades"`
	SpecialNeedsFreeGrades []int `json:"specialNeedsFreeGrades"`
}

// evalRuleTable evaluates the rule-table kind: the table file is read by
// billing.ParseRuleTable, the loader of the reference app, and laid over
// the built-in tables (Tables.Overlay), as loading it in a municipality
// with no other loaded table does; the answer is the row in force on the
// date (Tables.KindergartenRules, Tables.SFORules). A malformed file is
// an answer, accepted false, with every problem by path and reason code.
func evalRuleTable(input json.RawMessage) (any, error) {
	var in ruleTableInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	if in.Kind == nil {
		return nil, invalid("kind", "is required")
	}
	kind := domain.UnitKind(*in.Kind)
	if kind != domain.Kindergarten && kind != domain.SFO {
		return nil, invalid("kind", "must be kindergarten or sfo")
	}
	day, err := parseWireDate("date", in.Date)
	if err != nil {
		return nil, err
	}
	zone := billing.Zone("")
	if kind == domain.Kindergarten {
		if in.Zone == nil {
			return nil, invalid("zone", "is required")
		}
		zone = billing.Zone(*in.Zone)
	} else if in.Zone != nil {
		zone = billing.Zone(*in.Zone)
	}
	if zone != "" && !zone.Valid() {
		return nil, invalid("zone", "must be ordinary, reduced or free")
	}
	tables, err := billing.NationalTables()
	if err != nil {
		return nil, err
	}
	if len(in.Table) > 0 && string(in.Table) != "null" {
		loaded, err := billing.ParseRuleTable(kind, in.Table)
		if err != nil {
			var v *domain.ValidationError
			if !errors.As(err, &v) {
				return nil, err
			}
			return ruleTableOutput{Accepted: false, Problems: tableProblems(v)}, nil
		}
		tables = tables.Overlay(loaded)
	}
	m := billing.MonthOf(day)
	if kind == domain.SFO {
		r, err := tables.SFORules(m)
		if err != nil {
			return nil, unknownRules("date", "no national SFO table row is in force on the date")
		}
		return ruleTableOutput{Accepted: true, ValidFrom: r.ValidFrom.String(), Source: r.Source, Provisional: &r.Provisional,
			IncomeCapShare: rate(r.IncomeCapShare), BilledMonthsPerYear: r.BilledMonthsPerYear, FeeFreeMonths: monthNumbers(r.FeeFreeMonths),
			sfoParams: &sfoParams{FreeHours: r.FreeHours, FreeHoursGrades: sortedInts(r.FreeHoursGrades),
				IncomeCapGrades: sortedInts(r.IncomeCapGrades), SpecialNeedsFreeGrades: sortedInts(r.SpecialNeedsFreeGrades)}}, nil
	}
	r, err := tables.KindergartenRules(m, zone)
	if err != nil {
		var u *billing.UnknownRulesError
		if errors.As(err, &u) && u.Param == "zone" {
			return nil, unknownRules("zone", "the zone is not free of fees in the row in force")
		}
		return nil, unknownRules("date", "no national kindergarten table row is in force on the date")
	}
	p := &kindergartenParams{MaxPrice: money(r.MaxPrice), FreeZone: zone == billing.ZoneFree, FreeCoreHours: r.FreeCoreHours,
		FullTimeHours: r.FullTimeHours, FreeCoreFromAge: r.FreeCoreFromAge, FreeCoreUntilAge: r.FreeCoreUntilAge,
		YearStartMonth: int(r.YearStartMonth), SiblingDiscounts: make([]siblingRate, len(r.SiblingDiscounts))}
	if zone == billing.ZoneFree {
		p.MaxPrice = money(decimal.Zero)
	}
	for i, d := range r.SiblingDiscounts {
		p.SiblingDiscounts[i] = siblingRate{Child: i + 1, Rate: rate(d)}
	}
	if r.FreeCoreIncomeThreshold != nil {
		s := money(*r.FreeCoreIncomeThreshold)
		p.FreeCoreIncomeThreshold = &s
	}
	row := tableRow(tables, r.ValidFrom)
	p.FreeZone = row.FreeZone
	return ruleTableOutput{Accepted: true, ValidFrom: r.ValidFrom.String(), Source: r.Source, Provisional: &r.Provisional,
		IncomeCapShare: rate(r.IncomeCapShare), BilledMonthsPerYear: r.BilledMonthsPerYear, FeeFreeMonths: monthNumbers(r.FeeFreeMonths),
		kindergartenParams: p}, nil
}

// tableRow is the kindergarten row with the validFrom (it exists: the
// rules came from it).
func tableRow(t *billing.Tables, from date.Date) billing.KindergartenRow {
	for _, r := range t.Kindergarten {
		if r.ValidFrom == from {
			return r
		}
	}
	return billing.KindergartenRow{}
}

// tableProblems turns the loader's "table:<line>:<path>" fields into
// problems without the line (it depends on how the file is written),
// distinct, sorted by path and then reason (by code point).
func tableProblems(v *domain.ValidationError) []ruleTableProblem {
	var out []ruleTableProblem
	for _, f := range v.Fields {
		path := f.Field
		if rest, ok := strings.CutPrefix(path, "table:"); ok {
			if i := strings.IndexByte(rest, ':'); i >= 0 {
				path = rest[i+1:]
			}
		}
		out = append(out, ruleTableProblem{Path: path, Reason: f.Reason})
	}
	slices.SortFunc(out, func(a, b ruleTableProblem) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Reason, b.Reason))
	})
	return slices.Compact(out)
}

// rate writes a rate with at least two decimals ("0.30", "1.00", "0.065").
func rate(d decimal.Decimal) string {
	n := 0
	if s := d.String(); strings.Contains(s, ".") {
		n = len(s) - strings.IndexByte(s, '.') - 1
	}
	return d.StringFixed(int32(max(2, n)))
}

func monthNumbers[M ~int](ms []M) []int {
	out := make([]int, len(ms))
	for i, m := range ms {
		out[i] = int(m)
	}
	slices.Sort(out)
	return out
}

func sortedInts(xs []int) []int {
	out := slices.Clone(xs)
	if out == nil {
		out = []int{}
	}
	slices.Sort(out)
	return out
}
