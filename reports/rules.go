package reports

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/oppvekst/oppvekst/domain"
)

//go:embed rules/*.json
var rulesFS embed.FS

// Band is a range of agreed weekly hours, From to To inclusive; To 0 means
// no upper bound. Key names the band in the report and the export.
type Band struct {
	Key  string `json:"key"`
	From int    `json:"from"`
	To   int    `json:"to"`
}

// Contains reports whether h is in the band.
func (b Band) Contains(h int) bool { return h >= b.From && (b.To == 0 || h <= b.To) }

// bandOf returns the key of the band that holds h, "" when none does.
func bandOf(bands []Band, h int) string {
	for _, b := range bands {
		if b.Contains(h) {
			return b.Key
		}
	}
	return ""
}

// Source says where a definition comes from: what it defines, the
// document, its address and the passage. A definition that could not be
// verified says so in Title ("not verified") and is used as marked.
type Source struct {
	What    string `json:"what"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	Section string `json:"section"`
}

// Age rules of BASILRules.AgeRule.
const (
	// AgeYearsAtEndOfYear is the year of counting less the birth year.
	AgeYearsAtEndOfYear = "years-at-end-of-year"
	// AgeCompletedOnCountDay is the completed years on the counting day.
	AgeCompletedOnCountDay = "completed-years-on-count-day"
)

// BASILRules are the definitions of the kindergarten report (rules/basil.json).
type BASILRules struct {
	Version     string `json:"version"`
	Description string `json:"description"`
	CountMonth  int    `json:"countMonth"`
	CountDay    int    `json:"countDay"`
	AgeRule     string `json:"ageRule"`
	// AgeRuleProvisional is true while the age rule is not verified
	// against the Directorate's description.
	AgeRuleProvisional bool   `json:"ageRuleProvisional"`
	MaxAge             int    `json:"maxAge"`
	HoursBands         []Band `json:"hoursBands"`
	// SpecialEducationHelp and Adaptation are the decision kinds counted
	// as special-education help and as adaptation.
	SpecialEducationHelp string   `json:"specialEducationHelp"`
	Adaptation           string   `json:"adaptation"`
	NotCounted           []string `json:"notCounted"`
	Sources              []Source `json:"sources"`
}

// GSIRules are the definitions of the school report (rules/gsi.json).
type GSIRules struct {
	Version        string `json:"version"`
	Description    string `json:"description"`
	CountMonth     int    `json:"countMonth"`
	CountDay       int    `json:"countDay"`
	SchoolStartAge int    `json:"schoolStartAge"`
	// SFOHoursBands group SFO pupils by agreed weekly hours; empty: per
	// exact hours (key "h<N>").
	SFOHoursBands    []Band   `json:"sfoHoursBands"`
	AdaptedEducation string   `json:"adaptedEducation"`
	NotCounted       []string `json:"notCounted"`
	Sources          []Source `json:"sources"`
}

// NAVRules are the definitions of the monthly kindergarten list for
// kontantstøtte (rules/nav.json). A child is on the list from its
// MinAgeYears birthday until the day before its MaxAgeYears birthday.
type NAVRules struct {
	Version     string   `json:"version"`
	Description string   `json:"description"`
	MinAgeYears int      `json:"minAgeYears"`
	MaxAgeYears int      `json:"maxAgeYears"`
	HoursBands  []Band   `json:"hoursBands"`
	NotRecorded []string `json:"notRecorded"`
	Sources     []Source `json:"sources"`
}

// Rules are the three reports' definitions.
type Rules struct {
	BASIL BASILRules
	GSI   GSIRules
	NAV   NAVRules
}

// LoadRules reads and checks the built-in definitions. It returns a fresh
// copy on each call.
func LoadRules() (Rules, error) {
	var r Rules
	for name, dst := range map[string]any{"basil.json": &r.BASIL, "gsi.json": &r.GSI, "nav.json": &r.NAV} {
		b, err := rulesFS.ReadFile("rules/" + name)
		if err != nil {
			return Rules{}, err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst); err != nil {
			return Rules{}, fmt.Errorf("reports: rules/%s: %w", name, err)
		}
	}
	return r, r.Validate()
}

// MustRules is LoadRules for tests and examples; it panics on an error in
// the embedded files, which a test of this package rules out.
func MustRules() Rules {
	r, err := LoadRules()
	if err != nil {
		panic(err)
	}
	return r
}

// Validate checks the definitions: counting days that exist, bands that
// are ordered and do not overlap, a known age rule, an age window.
func (r Rules) Validate() error {
	var p domain.Problems
	checkDay(&p, "basil", r.BASIL.CountMonth, r.BASIL.CountDay)
	checkDay(&p, "gsi", r.GSI.CountMonth, r.GSI.CountDay)
	checkBands(&p, "basil.hoursBands", r.BASIL.HoursBands, true)
	checkBands(&p, "gsi.sfoHoursBands", r.GSI.SFOHoursBands, false)
	checkBands(&p, "nav.hoursBands", r.NAV.HoursBands, true)
	if r.BASIL.AgeRule != AgeYearsAtEndOfYear && r.BASIL.AgeRule != AgeCompletedOnCountDay {
		p.Add("basil.ageRule", ReasonUnknownAgeRule)
	}
	if r.BASIL.MaxAge < 1 {
		p.Add("basil.maxAge", ReasonOutOfRange)
	}
	if r.GSI.SchoolStartAge < 1 {
		p.Add("gsi.schoolStartAge", ReasonOutOfRange)
	}
	if r.NAV.MinAgeYears < 0 || r.NAV.MaxAgeYears <= r.NAV.MinAgeYears {
		p.Add("nav.maxAgeYears", ReasonOutOfRange)
	}
	return p.Err()
}

func checkDay(p *domain.Problems, f string, m, d int) {
	if m < 1 || m > 12 || d < 1 || d > 28 {
		p.Add(f+".countDay", ReasonOutOfRange)
	}
}

func checkBands(p *domain.Problems, f string, bs []Band, required bool) {
	if required && len(bs) == 0 {
		p.Add(f, ReasonRequired)
	}
	if !sort.SliceIsSorted(bs, func(i, j int) bool { return bs[i].From < bs[j].From }) {
		p.Add(f, ReasonBandsOverlap)
		return
	}
	for i, b := range bs {
		if b.Key == "" || (b.To != 0 && b.To < b.From) || (i > 0 && (bs[i-1].To == 0 || bs[i-1].To >= b.From)) {
			p.Add(fmt.Sprintf("%s[%d]", f, i), ReasonBandsOverlap)
		}
	}
}
