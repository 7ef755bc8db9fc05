package specialed

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/rickb777/date/v2"
)

//go:embed rules/steps.json
var rulesFS embed.FS

// Setting is where the child is: a kindergarten case (barnehageloven) or a
// school case (opplæringslova).
type Setting string

// Settings.
const (
	Kindergarten Setting = "kindergarten"
	School       Setting = "school"
)

// StepID names a step of a case.
type StepID string

// Steps of a case, in the order they usually come.
const (
	StepConcern    StepID = "concern"    // staff record a concern
	StepConsent    StepID = "consent"    // a guardian with parental responsibility consents
	StepWithdrawal StepID = "withdrawal" // a guardian withdraws the consent
	StepReferral   StepID = "referral"   // the case is referred to PPT
	StepAssessment StepID = "assessment" // PPT's expert assessment with its recommendation
	StepDecision   StepID = "decision"   // the caseworker's individual decision
	StepPlan       StepID = "plan"       // the plan (IOP in school)
	StepReport     StepID = "report"     // the periodic report and evaluation
	StepEnd        StepID = "end"        // the case ends
)

// Role is who may do a step, as the rules name it.
type Role string

// Roles of the rules.
const (
	RoleStaff      Role = "staff"       // staff given the case at the child's unit
	RoleUnitLeader Role = "unit-leader" // the leader of the child's unit
	RoleGuardian   Role = "guardian"    // a guardian with parental responsibility
	RolePPT        Role = "ppt"         // staff of the PPT the case is referred to
	RoleCaseworker Role = "caseworker"  // a caseworker with the special-education capability
)

// Basis says whether an act fixes a deadline or the municipality does.
type Basis string

// Bases of a deadline.
const (
	Legal     Basis = "legal"
	Municipal Basis = "municipal"
)

// Deadline is how long a step may take, counted from the day the step
// named by From was recorded: Months first (a day past the end of the
// shorter month becomes its last day), then Days.
type Deadline struct {
	Months int    `json:"months,omitempty"`
	Days   int    `json:"days,omitempty"`
	From   StepID `json:"from,omitempty"`
	Basis  Basis  `json:"basis"`
}

// Source is a step's legal source: the act and section, and a short
// Norwegian statement of what it says. Section is empty where its number
// could not be verified against a quoting source; Note says so.
type Source struct {
	Act     string `json:"act"`
	Section string `json:"section"`
	Note    string `json:"note,omitempty"`
	Text    string `json:"text"`
}

// Cite writes the source as a letter cites it: the act and the section, or
// the act alone when the section is not known.
func (s Source) Cite() string {
	if s.Section == "" {
		return s.Act
	}
	return s.Act + " " + s.Section
}

// Step is one step of rules/steps.json.
type Step struct {
	ID StepID `json:"id"`
	// After lists the steps this one may follow; Anytime lets it follow
	// any step of an open case after the consent (a withdrawal).
	After   []StepID `json:"after,omitempty"`
	Anytime bool     `json:"anytime,omitempty"`
	// Roles may do the step.
	Roles []Role `json:"roles"`
	// Required names the fields an Entry of the step must have
	// ("text", "ppt", "provision.outcome", ...).
	Required []string `json:"required"`
	// Next lists the steps that may follow, the usual one first.
	Next     []StepID          `json:"next"`
	Deadline *Deadline         `json:"deadline,omitempty"`
	Source   Source            `json:"source"`
	Names    map[string]string `json:"names"`
}

// Name is the step's name in lang (nb, nn or en; bokmål otherwise).
func (s Step) Name(lang string) string {
	if n, ok := s.Names[lang]; ok {
		return n
	}
	return s.Names["nb"]
}

// Flow is the steps of one setting.
type Flow struct {
	Act           string         `json:"act"`
	DecisionKinds []DecisionKind `json:"decisionKinds"`
	// Basis is the legal basis of each kind of decision, cited by the
	// letter.
	Basis map[DecisionKind]Source `json:"basis"`
	Steps []Step                  `json:"steps"`
}

// Appeal is the appeal rule of every decision letter.
type Appeal struct {
	Deadline Deadline `json:"deadline"`
	Source   Source   `json:"source"`
	Reasons  Source   `json:"reasons"`
}

// Rules are the steps of rules/steps.json, by setting.
type Rules struct {
	Format    string           `json:"format"`
	Version   string           `json:"version"`
	ValidFrom string           `json:"validFrom"`
	Appeal    Appeal           `json:"appeal"`
	Settings  map[Setting]Flow `json:"settings"`
	RoleNames map[Role]string  `json:"roles"`
	byID      map[Setting]map[StepID]Step
}

var loaded = sync.OnceValues(func() (Rules, error) {
	b, err := rulesFS.ReadFile("rules/steps.json")
	if err != nil {
		return Rules{}, err
	}
	return ParseRules(b)
})

// LoadRules returns the embedded rules (rules/steps.json).
func LoadRules() (Rules, error) { return loaded() }

// MustRules returns the embedded rules; the table is embedded and tested,
// so it panics only on a broken build.
func MustRules() Rules {
	r, err := LoadRules()
	if err != nil {
		panic(err)
	}
	return r
}

// ParseRules reads rules in the format of rules/steps.json and checks
// them: both settings, every step known, every step it names defined,
// every role known, a positive deadline counted from a step of the flow.
func ParseRules(b []byte) (Rules, error) {
	var r Rules
	if err := json.Unmarshal(b, &r); err != nil {
		return Rules{}, fmt.Errorf("specialed: rules: %w", err)
	}
	if r.Format != "oppvekst-specialed-steps/1" {
		return Rules{}, fmt.Errorf("specialed: rules: unknown format %q", r.Format)
	}
	if d := r.Appeal.Deadline; d.Days <= 0 && d.Months <= 0 {
		return Rules{}, fmt.Errorf("specialed: rules: no appeal deadline")
	}
	r.byID = map[Setting]map[StepID]Step{}
	for _, set := range []Setting{Kindergarten, School} {
		f, ok := r.Settings[set]
		if !ok {
			return Rules{}, fmt.Errorf("specialed: rules: no setting %q", set)
		}
		if len(f.DecisionKinds) == 0 {
			return Rules{}, fmt.Errorf("specialed: rules: %s: no decision kinds", set)
		}
		for _, k := range f.DecisionKinds {
			if !k.valid() {
				return Rules{}, fmt.Errorf("specialed: rules: %s: unknown decision kind %q", set, k)
			}
			if f.Basis[k].Act == "" {
				return Rules{}, fmt.Errorf("specialed: rules: %s: no legal basis for %q", set, k)
			}
		}
		ids := map[StepID]Step{}
		for _, s := range f.Steps {
			if !slices.Contains(allSteps, s.ID) {
				return Rules{}, fmt.Errorf("specialed: rules: %s: unknown step %q", set, s.ID)
			}
			if _, dup := ids[s.ID]; dup {
				return Rules{}, fmt.Errorf("specialed: rules: %s: step %q twice", set, s.ID)
			}
			ids[s.ID] = s
		}
		for _, want := range allSteps {
			if _, ok := ids[want]; !ok {
				return Rules{}, fmt.Errorf("specialed: rules: %s: no step %q", set, want)
			}
		}
		for _, s := range f.Steps {
			if len(s.Roles) == 0 || s.Names["nb"] == "" || s.Names["nn"] == "" || s.Names["en"] == "" || s.Source.Act == "" {
				return Rules{}, fmt.Errorf("specialed: rules: %s: step %q incomplete", set, s.ID)
			}
			for _, ro := range s.Roles {
				if _, ok := r.RoleNames[ro]; !ok {
					return Rules{}, fmt.Errorf("specialed: rules: %s: step %q: unknown role %q", set, s.ID, ro)
				}
			}
			for _, n := range append(slices.Clone(s.After), s.Next...) {
				if _, ok := ids[n]; !ok {
					return Rules{}, fmt.Errorf("specialed: rules: %s: step %q names unknown step %q", set, s.ID, n)
				}
			}
			for _, field := range s.Required {
				if !slices.Contains(entryFields, field) {
					return Rules{}, fmt.Errorf("specialed: rules: %s: step %q requires unknown field %q", set, s.ID, field)
				}
			}
			if d := s.Deadline; d != nil {
				if d.Days < 0 || d.Months < 0 || d.Days+d.Months == 0 {
					return Rules{}, fmt.Errorf("specialed: rules: %s: step %q: deadline must be positive", set, s.ID)
				}
				if _, ok := ids[d.From]; !ok {
					return Rules{}, fmt.Errorf("specialed: rules: %s: step %q: deadline from unknown step %q", set, s.ID, d.From)
				}
				if d.Basis != Legal && d.Basis != Municipal {
					return Rules{}, fmt.Errorf("specialed: rules: %s: step %q: basis %q", set, s.ID, d.Basis)
				}
			}
		}
		r.byID[set] = ids
	}
	return r, nil
}

var allSteps = []StepID{StepConcern, StepConsent, StepWithdrawal, StepReferral, StepAssessment, StepDecision, StepPlan, StepReport, StepEnd}

// Step returns the step of the setting; false when there is none.
func (r Rules) Step(set Setting, id StepID) (Step, bool) {
	s, ok := r.byID[set][id]
	return s, ok
}

// Flow returns the steps of the setting.
func (r Rules) Flow(set Setting) (Flow, bool) {
	f, ok := r.Settings[set]
	return f, ok
}

// NextStep returns the step that usually follows done in the setting
// (the first of its Next); false after the end, or for an unknown step.
func (r Rules) NextStep(set Setting, done StepID) (Step, bool) {
	s, ok := r.Step(set, done)
	if !ok || len(s.Next) == 0 {
		return Step{}, false
	}
	return r.Step(set, s.Next[0])
}

// CanFollow reports whether step may be recorded after last (the latest
// step of the case) in the setting: last is among the step's After, or the
// step may come any time after the consent and the case has not ended.
func (r Rules) CanFollow(set Setting, last, step StepID) bool {
	s, ok := r.Step(set, step)
	if !ok || last == StepEnd {
		return false
	}
	if s.Anytime {
		return last != StepConcern && last != StepWithdrawal
	}
	return slices.Contains(s.After, last)
}

// Allowed reports whether a role may do the step in the setting.
func (r Rules) Allowed(set Setting, role Role, step StepID) bool {
	s, ok := r.Step(set, step)
	return ok && slices.Contains(s.Roles, role)
}

// Due returns the last day to do the step when the step its deadline is
// counted from was recorded on from; false when the step has no deadline.
// It is pure: calendar days, no working-day shift.
func (r Rules) Due(set Setting, step StepID, from date.Date) (date.Date, bool) {
	s, ok := r.Step(set, step)
	if !ok || s.Deadline == nil {
		return date.Zero, false
	}
	return s.Deadline.Due(from), true
}

// Due returns from plus the deadline: Months first (clamped to the last
// day of the month reached), then Days.
func (d Deadline) Due(from date.Date) date.Date {
	return AddMonths(from, d.Months).AddDate(0, 0, d.Days)
}

// AppealBy is the last day to appeal a decision dated decided.
func (r Rules) AppealBy(decided date.Date) date.Date { return r.Appeal.Deadline.Due(decided) }

// AddMonths adds n months to d, clamping a day past the end of the month
// reached to its last day (31 January + 1 month is 28 or 29 February).
func AddMonths(d date.Date, n int) date.Date {
	if n == 0 {
		return d
	}
	y, m, day := d.Date()
	first := date.New(y, m, 1).AddDate(0, n, 0)
	fy, fm, _ := first.Date()
	last := date.New(fy, fm+1, 1).AddDate(0, 0, -1).Day()
	return date.New(fy, fm, min(day, last))
}
