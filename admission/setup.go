package admission

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// This file is how a municipality sets admission up: its admission
// settings (local criteria with their names, the defaults of a new intake)
// and the rules an intake must meet against them and against the
// directory, when it is made and when it is changed. All of it is pure.

// Reason codes of the refusals of this file (domain.FieldError.Reason):
// stable words an app translates, not English sentences.
const (
	// ReasonDeadlineAfterStart: the application deadline is not before the
	// start date.
	ReasonDeadlineAfterStart = "intake-deadline-not-before-start"
	// ReasonNoSuchUnit: a unit of the seats does not exist in the
	// municipality.
	ReasonNoSuchUnit = "intake-no-such-unit"
	// ReasonWrongUnitKind: a unit of the seats is not of the intake's kind.
	ReasonWrongUnitKind = "intake-unit-of-another-kind"
	// ReasonAboveCapacity: more places than the unit's known capacity.
	ReasonAboveCapacity = "intake-seats-above-capacity"
	// ReasonUnknownCriterion: a local criterion the municipality's
	// settings do not have.
	ReasonUnknownCriterion = "intake-unknown-criterion"
	// ReasonNoSeats: an intake offers no seats.
	ReasonNoSeats = "intake-no-seats"
	// ReasonFixedAfterApplications: the field cannot change once the
	// intake has applications.
	ReasonFixedAfterApplications = "intake-fixed-after-applications"
	// ReasonFixedAfterRun: the field cannot change once the intake has a
	// run.
	ReasonFixedAfterRun = "intake-fixed-after-run"
	// ReasonRunBeforeDeadline: a run before the application deadline needs
	// a reason.
	ReasonRunBeforeDeadline = "admission-run-before-deadline-needs-reason"
	// ReasonApproveBeforeDeadline: approving a run (sending its offers)
	// before the application deadline needs a reason.
	ReasonApproveBeforeDeadline = "admission-approval-before-deadline-needs-reason"
	// ReasonCriterionKey: a local criterion's key is not lower-case
	// letters, digits and hyphens.
	ReasonCriterionKey = "admission-criterion-key-format"
	// ReasonCriterionTwice: two local criteria have the same key.
	ReasonCriterionTwice = "admission-criterion-key-twice"
	// ReasonRequired: the field is required.
	ReasonRequired = "admission-required"
	// ReasonAtLeastOne: the number must be 1 or more.
	ReasonAtLeastOne = "admission-at-least-one"
	// ReasonStale: the settings were changed by someone else since they
	// were read.
	ReasonStale = "admission-settings-changed-since-read"
)

// LocalCriterion is one of the municipality's local admission criteria
// (forskrift om saksbehandlingsregler ved opptak i barnehage § 3: objective
// and verifiable, after the statutory priorities). An intake ranks by it as
// the Criterion "local:KEY"; an application claims it by Key.
type LocalCriterion struct {
	// Key names it in intakes and applications: lower-case letters,
	// digits and hyphens ("single-provider").
	Key string `json:"key"`
	// Name is what families and caseworkers read, in nb, nn and en.
	Name LocalNames `json:"name"`
	// Source is where the municipality decided it (its admission
	// regulation or bylaws, with the section).
	Source string `json:"source,omitempty"`
}

// LocalNames is a criterion's name in each language.
type LocalNames struct {
	NB string `json:"nb"`
	NN string `json:"nn"`
	EN string `json:"en"`
}

// In returns the name in l (bokmål for an unknown language; the key when
// empty).
func (n LocalNames) In(l Lang) string {
	return pick(l, n.NB, n.NN, n.EN)
}

// Criterion is the criterion an intake ranks by.
func (c LocalCriterion) Criterion() Criterion { return Criterion(LocalPrefix + c.Key) }

// Settings are a municipality's admission settings: its local criteria in
// its usual order, and what a new intake starts with. They are
// configuration, versioned: every save is a new Version, the old ones kept.
type Settings struct {
	Municipality domain.Municipality `json:"municipality"`
	// Version counts the saves from 1; 0 is the defaults, never saved.
	Version int `json:"version"`
	// LocalCriteria are the local criteria, in the order a new intake
	// ranks them (after "statutory", before the lottery).
	LocalCriteria []LocalCriterion `json:"localCriteria"`
	// SiblingFirst puts the sibling criterion before the local criteria in
	// a new intake's order (else after them).
	SiblingFirst bool `json:"siblingFirst"`
	// AnswerDays is a new intake's days to answer an offer.
	AnswerDays int `json:"answerDays"`
	// SmallWeight is a new intake's places per child under three
	// (plassomregning).
	SmallWeight int `json:"smallWeight"`
	// MaxPreferences is a new intake's most units an application ranks.
	MaxPreferences int `json:"maxPreferences"`
	// Changed and ChangedBy (a display name or subject) say who saved
	// this version, when.
	Changed   time.Time `json:"changed,omitzero"`
	ChangedBy string    `json:"changedBy,omitempty"`
}

// DefaultSettings are the settings of a municipality that has saved none:
// no local criteria, and the reference app's suggestions for a new intake
// (14 days to answer, a child under three takes two places, three units
// ranked). They are a municipality's choices, not national rules: each
// changes them on its settings page.
func DefaultSettings(m domain.Municipality) Settings {
	return Settings{Municipality: m, LocalCriteria: []LocalCriterion{}, SiblingFirst: true,
		AnswerDays: 14, SmallWeight: 2, MaxPreferences: 3}
}

var criterionKey = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// Validate checks the settings on their own.
func (s Settings) Validate() error {
	var p domain.Problems
	p.Merge("", s.Municipality.Validate())
	if s.Version < 0 {
		p.Add("version", ReasonAtLeastOne)
	}
	seen := map[string]bool{}
	for i, c := range s.LocalCriteria {
		f := fmt.Sprintf("localCriteria[%d]", i)
		switch {
		case c.Key == "":
			p.Add(f+".key", ReasonRequired)
		case !criterionKey.MatchString(c.Key):
			p.Add(f+".key", ReasonCriterionKey)
		case seen[c.Key]:
			p.Add(f+".key", ReasonCriterionTwice)
		}
		seen[c.Key] = true
		for _, n := range []struct{ field, v string }{{"nb", c.Name.NB}, {"nn", c.Name.NN}, {"en", c.Name.EN}} {
			if err := domain.CheckLine(f+".name."+n.field, n.v); err != nil {
				p.Merge("", err)
			} else if domain.Blank(n.v) {
				p.Add(f+".name."+n.field, ReasonRequired)
			}
		}
		p.Merge("", domain.CheckLine(f+".source", c.Source))
	}
	for _, n := range []struct {
		field string
		v     int
	}{{"answerDays", s.AnswerDays}, {"smallWeight", s.SmallWeight}, {"maxPreferences", s.MaxPreferences}} {
		if n.v < 1 {
			p.Add(n.field, ReasonAtLeastOne)
		}
	}
	p.Merge("", domain.CheckLine("changedBy", s.ChangedBy))
	return p.Err()
}

// Local returns the local criterion with the key, and whether there is
// one.
func (s Settings) Local(key string) (LocalCriterion, bool) {
	i := slices.IndexFunc(s.LocalCriteria, func(c LocalCriterion) bool { return c.Key == key })
	if i < 0 {
		return LocalCriterion{}, false
	}
	return s.LocalCriteria[i], true
}

// CriterionName names a criterion of an intake in l, with the
// municipality's name of a local criterion (its key when the settings no
// longer have it).
func (s Settings) CriterionName(l Lang, c Criterion) string {
	if key, ok := strings.CutPrefix(string(c), LocalPrefix); ok {
		if lc, ok := s.Local(key); ok {
			return lc.Name.In(l)
		}
		return key
	}
	return criterionName(l, c)
}

// Criteria is the criteria order a new intake of kind k starts with:
// statutory first for kindergarten (forskrift om saksbehandlingsregler ved
// opptak i barnehage § 3), then sibling and the local criteria in the
// settings' order, the lottery last.
func (s Settings) Criteria(k domain.UnitKind) []Criterion {
	var out []Criterion
	if k == domain.Kindergarten {
		out = append(out, Statutory)
	}
	if s.SiblingFirst {
		out = append(out, Sibling)
	}
	for _, c := range s.LocalCriteria {
		out = append(out, c.Criterion())
	}
	if !s.SiblingFirst {
		out = append(out, Sibling)
	}
	return append(out, Tiebreak)
}

// NewIntake is an intake of kind k for the admission year as the settings
// start it: the criteria order, answer days, the weight of a small child
// and the most units ranked; the caseworker fills in the rest.
func (s Settings) NewIntake(k domain.UnitKind, year int) Intake {
	return Intake{Municipality: s.Municipality, Kind: k, AdmissionYear: year, Criteria: s.Criteria(k),
		SmallWeight: s.SmallWeight, AnswerDays: s.AnswerDays, MaxPreferences: s.MaxPreferences, Seats: []UnitSeats{}}
}

// Directory is what CheckIntake needs to know of the municipality: its
// units, and the places of those whose capacity is known (a unit absent
// from Capacity has no known capacity, and any number of seats is
// accepted).
type Directory struct {
	Units    []domain.Unit
	Capacity map[domain.UnitID]int
}

// UnitCapacity is the capacity in places of the units that state their
// seats (domain.Unit.Seats, counted as children): a child under three
// takes smallWeight places. A unit with no seats stated has no known
// capacity and is left out.
func UnitCapacity(units []domain.Unit, smallWeight int) map[domain.UnitID]int {
	out := map[domain.UnitID]int{}
	for _, u := range units {
		if u.Seats.Small == 0 && u.Seats.Large == 0 {
			continue
		}
		out[u.ID] = u.Seats.Small*max(smallWeight, 1) + u.Seats.Large
	}
	return out
}

// CheckIntake checks an intake against the municipality's settings and
// directory, beyond Intake.Validate: the application deadline before the
// start, at least one unit with seats, every unit existing and of the
// intake's kind, no more places than a unit's known capacity, and every
// local criterion one the settings have. Each refusal is a field and a
// reason code (the Reason* constants).
func CheckIntake(in Intake, s Settings, dir Directory) error {
	var p domain.Problems
	p.Merge("", in.Validate())
	if in.Deadline != date.Zero && in.Start != date.Zero && in.Deadline >= in.Start {
		p.Add("deadline", ReasonDeadlineAfterStart)
	}
	if len(in.Seats) == 0 {
		p.Add("seats", ReasonNoSeats)
	}
	units := make(map[domain.UnitID]domain.Unit, len(dir.Units))
	for _, u := range dir.Units {
		units[u.ID] = u
	}
	for i, st := range in.Seats {
		f := fmt.Sprintf("seats[%d]", i)
		u, ok := units[st.Unit]
		switch {
		case st.Unit.IsZero():
		case !ok:
			p.Add(f+".unit", ReasonNoSuchUnit)
		case u.Kind != in.Kind:
			p.Add(f+".unit", ReasonWrongUnitKind)
		}
		if c, ok := dir.Capacity[st.Unit]; ok && st.Places > c {
			p.Add(f+".places", ReasonAboveCapacity)
		}
	}
	for i, c := range in.Criteria {
		if key, ok := strings.CutPrefix(string(c), LocalPrefix); ok {
			if _, ok := s.Local(key); !ok {
				p.Add(fmt.Sprintf("criteria[%d]", i), ReasonUnknownCriterion)
			}
		}
	}
	return p.Err()
}

// IntakeUse is how far an intake has come: what limits a change.
type IntakeUse struct {
	Applications int
	Runs         int
	// Approved: a run was approved and offers sent.
	Approved bool
}

// CheckIntakeChange checks the change of a stored intake (old) to in:
//
//   - never: its ID and municipality;
//   - once it has applications: its kind and admission year (the
//     applications were made for them);
//   - once it has a run (a draft or approved): also the deadline, start,
//     main round, criteria, seats, the weight of a small child and the most
//     units ranked (the run was computed from them, and an approved run's
//     offers and decisions stand on them).
//
// What may always change is the name and the days to answer an offer
// (AnswerDays, used by offers made from then on; offers already sent keep
// their deadline).
func CheckIntakeChange(old, in Intake, use IntakeUse) error {
	var p domain.Problems
	if old.ID != in.ID || old.Municipality != in.Municipality {
		p.Add("id", "the-intakes-id-and-municipality-cannot-change")
	}
	if use.Applications > 0 || use.Runs > 0 {
		if old.Kind != in.Kind {
			p.Add("kind", ReasonFixedAfterApplications)
		}
		if old.AdmissionYear != in.AdmissionYear {
			p.Add("admissionYear", ReasonFixedAfterApplications)
		}
	}
	if use.Runs > 0 || use.Approved {
		fixed := []struct {
			field string
			same  bool
		}{
			{"deadline", old.Deadline == in.Deadline},
			{"start", old.Start == in.Start},
			{"main", old.Main == in.Main},
			{"criteria", slices.Equal(old.Criteria, in.Criteria)},
			{"seats", slices.Equal(old.Seats, in.Seats)},
			{"smallWeight", old.SmallWeight == in.SmallWeight},
			{"maxPreferences", old.MaxPreferences == in.MaxPreferences},
		}
		for _, f := range fixed {
			if !f.same {
				p.Add(f.field, ReasonFixedAfterRun)
			}
		}
	}
	return p.Err()
}

// CheckRunTime checks that an intake may run on day today: on or before
// its application deadline (applications may still come) only with a
// reason, which the run records (Run.Reason).
func CheckRunTime(in Intake, today date.Date, reason string) error {
	return checkEarly(in, today, reason, ReasonRunBeforeDeadline)
}

// CheckApproveTime checks that a run of an intake may be approved (its
// offers sent) on day today: on or before the application deadline only
// with the caseworker's reason for sending offers early, given at the
// approval itself (a reason recorded for making the draft run does not
// cover sending it: families who apply on the last day would be passed
// over).
func CheckApproveTime(in Intake, today date.Date, reason string) error {
	return checkEarly(in, today, reason, ReasonApproveBeforeDeadline)
}

func checkEarly(in Intake, today date.Date, reason, code string) error {
	if err := domain.CheckText("reason", reason); err != nil {
		return err
	}
	if today <= in.Deadline && domain.Blank(reason) {
		return domain.Invalid("reason", code)
	}
	return nil
}
