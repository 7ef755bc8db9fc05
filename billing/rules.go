package billing

import (
	"embed"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

//go:embed rules/*.json
var rulesFS embed.FS

// ErrUnknownRules means there is no national rule set, or a needed national
// parameter is not known, for the month asked about. Errors of type
// *UnknownRulesError match it.
var ErrUnknownRules = errors.New("billing: unknown rules")

// UnknownRulesError says which month and which parameter has no known
// national rule.
type UnknownRulesError struct {
	Month Month
	// Param is the parameter that is not known, or "" when no rule set is
	// in force at all for the month (and zone).
	Param string
	// Reason says why, as a reason code (domain.FieldError), with its
	// parameters.
	Reason string
	Params map[string]string
}

// Error describes the missing rule, its reason in English from billing's
// and domain's ReasonTexts.
func (e *UnknownRulesError) Error() string {
	s := "billing: unknown rules for " + e.Month.String()
	if e.Param != "" {
		s += ": " + e.Param
	}
	if e.Reason != "" {
		s += ": " + domain.ReasonTables{ReasonTexts, domain.ReasonTexts}.Text(e.Reason, domain.Pairs(e.Params)...)
	}
	return s
}

// Unwrap makes errors.Is(err, ErrUnknownRules) true.
func (e *UnknownRulesError) Unwrap() error { return ErrUnknownRules }

// Zone is the national price zone of the municipality.
type Zone string

const (
	// ZoneOrdinary is the ordinary maximum price.
	ZoneOrdinary Zone = "ordinary"
	// ZoneReduced is the lower maximum price of the most rural municipalities
	// (centrality classes 5 and 6).
	ZoneReduced Zone = "reduced"
	// ZoneFree is tiltakssonen in Finnmark and Nord-Troms: no parental fee,
	// food is still charged.
	ZoneFree Zone = "free"
)

// Valid reports whether z is one of the three zones.
func (z Zone) Valid() bool { return z == ZoneOrdinary || z == ZoneReduced || z == ZoneFree }

// KindergartenConstants are the structural parameters of the kindergarten
// rules that do not change with the budget: the hours of a full-time place
// and the age window of free core hours.
type KindergartenConstants struct {
	// FullTimeHours is the agreed weekly time from which a place is full
	// time (the basis of free core hours is capped at it).
	FullTimeHours int
	// FreeCoreFromAge and FreeCoreUntilAge bound the free-core window: from
	// YearStartMonth of the calendar year the child turns FreeCoreFromAge
	// until (not including) YearStartMonth of the year it turns
	// FreeCoreUntilAge.
	FreeCoreFromAge  int
	FreeCoreUntilAge int
	YearStartMonth   time.Month
	Source           string
}

// KindergartenRules are the national parameters for one month.
type KindergartenRules struct {
	KindergartenConstants
	// MaxPrice is the maximum price per month for a full-time place.
	MaxPrice decimal.Decimal
	// SiblingDiscounts[i] is the discount rate of the (i+1)-th child; the
	// last rate repeats.
	SiblingDiscounts    []decimal.Decimal
	IncomeCapShare      decimal.Decimal
	BilledMonthsPerYear int
	FeeFreeMonths       []time.Month
	FreeCoreHours       int
	// FreeCoreIncomeThreshold is nil when not known.
	FreeCoreIncomeThreshold *decimal.Decimal
	// ValidFrom, Source and Provisional describe the table row (zero for
	// rules given by the caller).
	ValidFrom   date.Date
	Source      string
	Provisional bool
}

// KindergartenRow is one row of the built-in national kindergarten table.
type KindergartenRow struct {
	ValidFrom date.Date
	// MaxPrice by zone (ordinary and reduced).
	MaxPrice map[Zone]decimal.Decimal
	// FreeZone tells whether tiltakssonen was free of parental fees.
	FreeZone                bool
	SiblingDiscounts        []decimal.Decimal
	IncomeCapShare          decimal.Decimal
	BilledMonthsPerYear     int
	FeeFreeMonths           []time.Month
	FreeCoreHours           int
	FreeCoreIncomeThreshold *decimal.Decimal
	Source                  string
	Provisional             bool
}

// SFORules are the national SFO parameters for one month.
type SFORules struct {
	FreeHours              int
	FreeHoursGrades        []int
	IncomeCapShare         decimal.Decimal
	IncomeCapGrades        []int
	SpecialNeedsFreeGrades []int
	BilledMonthsPerYear    int
	FeeFreeMonths          []time.Month
	ValidFrom              date.Date
	Source                 string
	Provisional            bool
}

// Tables holds the built-in national tables, parsed from the embedded data
// files (billing/rules/*.json). It is read-only.
type Tables struct {
	Constants    KindergartenConstants
	Kindergarten []KindergartenRow // by ValidFrom ascending
	SFO          []SFORules        // by ValidFrom ascending
}

var loadTables = sync.OnceValues(parseTables)

// NationalTables returns the built-in national tables. They are parsed once
// from the embedded data files; callers must not modify them.
func NationalTables() (*Tables, error) { return loadTables() }

type wireConstants struct {
	FullTimeHours    int    `json:"fullTimeHours"`
	FreeCoreFromAge  int    `json:"freeCoreFromAge"`
	FreeCoreUntilAge int    `json:"freeCoreUntilAge"`
	YearStartMonth   int    `json:"yearStartMonth"`
	Source           string `json:"source"`
}

type wireKindergartenRow struct {
	ValidFrom               string          `json:"validFrom"`
	MaxPrice                map[Zone]string `json:"maxPrice"`
	FreeZone                bool            `json:"freeZone"`
	SiblingDiscounts        []string        `json:"siblingDiscounts"`
	IncomeCapShare          string          `json:"incomeCapShare"`
	BilledMonthsPerYear     int             `json:"billedMonthsPerYear"`
	FeeFreeMonths           []int           `json:"feeFreeMonths"`
	FreeCoreHours           int             `json:"freeCoreHours"`
	FreeCoreIncomeThreshold *string         `json:"freeCoreIncomeThreshold"`
	Source                  string          `json:"source"`
	Provisional             bool            `json:"provisional"`
}

type wireSFORow struct {
	ValidFrom              string `json:"validFrom"`
	FreeHours              int    `json:"freeHours"`
	FreeHoursGrades        []int  `json:"freeHoursGrades"`
	IncomeCapShare         string `json:"incomeCapShare"`
	IncomeCapGrades        []int  `json:"incomeCapGrades"`
	SpecialNeedsFreeGrades []int  `json:"specialNeedsFreeGrades"`
	BilledMonthsPerYear    int    `json:"billedMonthsPerYear"`
	FeeFreeMonths          []int  `json:"feeFreeMonths"`
	Source                 string `json:"source"`
	Provisional            bool   `json:"provisional"`
}

func months(ms []int) []time.Month {
	out := make([]time.Month, len(ms))
	for i, m := range ms {
		out[i] = time.Month(m)
	}
	return out
}

// parseTables reads the built-in tables with ParseRuleTable, the parser
// of loaded tables: the built-in files are in the published format.
func parseTables() (*Tables, error) {
	t := &Tables{}
	for _, kind := range []domain.UnitKind{domain.Kindergarten, domain.SFO} {
		name := "rules/" + string(kind) + ".json"
		b, err := rulesFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("billing: %w", err)
		}
		l, err := ParseRuleTable(kind, b)
		if err != nil {
			return nil, fmt.Errorf("billing: %s: %w", name, err)
		}
		if kind == domain.Kindergarten && l.Constants == nil {
			return nil, fmt.Errorf("billing: %s: no constants", name)
		}
		t = t.Overlay(l)
	}
	return t, nil
}

// KindergartenRules returns the national kindergarten rules in force in the month
// for the zone. A month before the first row, and zone free before
// tiltakssonen was made free (the row's FreeZone is false), answer an
// *UnknownRulesError. Zone reduced uses the row's reduced maximum price,
// which equals the ordinary one before 2024-08-01. For zone free the
// returned MaxPrice is the ordinary one; the fee itself is zero.
func (t *Tables) KindergartenRules(m Month, z Zone) (KindergartenRules, error) {
	first := m.First()
	i := sort.Search(len(t.Kindergarten), func(i int) bool { return t.Kindergarten[i].ValidFrom > first }) - 1
	if i < 0 {
		return KindergartenRules{}, &UnknownRulesError{Month: m, Reason: "no-national-kindergarten-rules-before", Params: map[string]string{"validFrom": t.Kindergarten[0].ValidFrom.String()}}
	}
	row := t.Kindergarten[i]
	if z == ZoneFree && !row.FreeZone {
		return KindergartenRules{}, &UnknownRulesError{Month: m, Param: "zone", Reason: "no-free-zone-tiltakssonen-in-the-national-rules-in-force"}
	}
	price, ok := row.MaxPrice[z]
	if !ok {
		price = row.MaxPrice[ZoneOrdinary]
	}
	return KindergartenRules{
		KindergartenConstants: t.Constants, MaxPrice: price, SiblingDiscounts: row.SiblingDiscounts,
		IncomeCapShare: row.IncomeCapShare, BilledMonthsPerYear: row.BilledMonthsPerYear,
		FeeFreeMonths: row.FeeFreeMonths, FreeCoreHours: row.FreeCoreHours,
		FreeCoreIncomeThreshold: row.FreeCoreIncomeThreshold, ValidFrom: row.ValidFrom,
		Source: row.Source, Provisional: row.Provisional,
	}, nil
}

// SFORules returns the national SFO rules in force in the month, or an
// *UnknownRulesError for a month before the first row.
func (t *Tables) SFORules(m Month) (SFORules, error) {
	first := m.First()
	i := sort.Search(len(t.SFO), func(i int) bool { return t.SFO[i].ValidFrom > first }) - 1
	if i < 0 {
		return SFORules{}, &UnknownRulesError{Month: m, Reason: "no-national-sfo-rules-before", Params: map[string]string{"validFrom": t.SFO[0].ValidFrom.String()}}
	}
	return t.SFO[i], nil
}
