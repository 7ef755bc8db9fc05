package admission

import (
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Typed identifiers of the admission records.
type (
	IntakeID      = domain.ID[Intake]
	ApplicationID = domain.ID[Application]
	RunID         = domain.ID[Run]
	OfferID       = domain.ID[Offer]
)

// Intake is an admission round as a municipality configures it (opptak):
// the main round for kindergarten, a continuous round, SFO or school start.
// (Round is the engine's input built from it.)
type Intake struct {
	ID           IntakeID            `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Name         string              `json:"name"`
	// Kind is the kind of the units applied to.
	Kind domain.UnitKind `json:"kind"`
	// Main is true for the main round: only applications made by Deadline
	// give the statutory right to a place (barnehageloven § 16).
	Main bool `json:"main"`
	// AdmissionYear is the year the places start (August).
	AdmissionYear int `json:"admissionYear"`
	// Deadline is the last day to apply.
	Deadline date.Date `json:"deadline"`
	// Start is the first day of the places offered, unless an application
	// wishes a later day.
	Start date.Date `json:"start"`
	// Criteria is the ranking order: statutory first (required for a
	// kindergarten intake), then local criteria, sibling and the lottery
	// ("tiebreak", implied last).
	Criteria []Criterion `json:"criteria"`
	// SmallWeight is how many places a child under three takes
	// (plassomregning, commonly 2); used only to derive each unit's fixed
	// seats from its places before the run.
	SmallWeight int `json:"smallWeight"`
	// Seats are the units taking part, with their free places.
	Seats []UnitSeats `json:"seats"`
	// AnswerDays is how many days a family has to answer an offer.
	AnswerDays int `json:"answerDays"`
	// MaxPreferences is the most units an application may rank.
	MaxPreferences int `json:"maxPreferences"`
}

// UnitSeats is one unit's free places in an intake: Places counted in
// places (a small child takes SmallWeight), of which Small seats are for
// children under three.
type UnitSeats struct {
	Unit   domain.UnitID `json:"unit"`
	Places int           `json:"places"`
	Small  int           `json:"small"`
}

// Capacity derives the fixed seats per age group: Small seats for children
// under three, and what is left of the places, after the small children's
// weight, for children over three.
func (s UnitSeats) Capacity(smallWeight int) Capacity {
	return Capacity{Small: s.Small, Large: s.Places - s.Small*smallWeight}
}

// SeatsAt returns the seats of unit u, and whether it takes part.
func (in Intake) SeatsAt(u domain.UnitID) (Capacity, bool) {
	for _, s := range in.Seats {
		if s.Unit == u {
			return s.Capacity(in.SmallWeight), true
		}
	}
	return Capacity{}, false
}

// Group returns the age group a child born on birth counts in.
func (in Intake) Group(birth date.Date) domain.AgeGroup {
	return domain.AgeGroupIn(birth, domain.SchoolYear(in.AdmissionYear))
}

// Validate checks the intake on its own.
func (in Intake) Validate() error {
	var p domain.Problems
	if in.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", in.Municipality.Validate())
	if err := domain.CheckLine("name", in.Name); err != nil {
		p.Merge("", err)
	} else if domain.Blank(in.Name) {
		p.Add("name", "required")
	}
	if !in.Kind.Valid() {
		p.Add("kind", "is-not-kindergarten-school-or-sfo", "kind", fmt.Sprint(in.Kind))
	}
	if in.AdmissionYear < 2000 || in.AdmissionYear > 2999 {
		p.Add("admissionYear", "must-be-a-year-from-2000-to-2999")
	}
	if in.Deadline == date.Zero {
		p.Add("deadline", "required")
	}
	if in.Start == date.Zero {
		p.Add("start", "required")
	}
	if in.SmallWeight < 1 {
		p.Add("smallWeight", "too-small", "min", "1")
	}
	if in.AnswerDays < 1 {
		p.Add("answerDays", "too-small", "min", "1")
	}
	if in.MaxPreferences < 1 {
		p.Add("maxPreferences", "too-small", "min", "1")
	}
	if _, err := (&Allocation{}).criteriaOnly(in.Criteria); err != nil {
		p.Merge("", err)
	}
	// Forskrift om saksbehandlingsregler ved opptak i barnehage § 3: the
	// priorities of barnehageloven § 18 come before local criteria.
	if in.Kind == domain.Kindergarten && (len(in.Criteria) == 0 || in.Criteria[0] != Statutory) {
		p.Add("criteria", "a-kindergarten-intake-ranks-by-statutory-first")
	}
	seen := map[domain.UnitID]bool{}
	for i, s := range in.Seats {
		f := fmt.Sprintf("seats[%d]", i)
		if s.Unit.IsZero() {
			p.Add(f+".unit", "required")
		}
		if seen[s.Unit] {
			p.Add(f+".unit", "appears-twice")
		}
		seen[s.Unit] = true
		c := s.Capacity(max(in.SmallWeight, 1))
		if s.Small < 0 || s.Places < 0 {
			p.Add(f, "negative")
		} else if c.Large < 0 {
			p.Add(f+".small", "small-children-take-places-more-than-the-free", "small", fmt.Sprint(s.Small), "taken", fmt.Sprint(s.Small*in.SmallWeight), "places", fmt.Sprint(s.Places))
		}
	}
	return p.Err()
}

// criteriaOnly checks a criteria list the way Allocate does.
func (a *Allocation) criteriaOnly(cs []Criterion) (int, error) {
	err := a.compile(&Round{AdmissionYear: 2000, Criteria: cs})
	return len(a.bools), err
}

// Claim is a priority an application claims, with the state of its
// documentation.
type Claim struct {
	Claimed bool `json:"claimed"`
	// Documented is "missing", "received" or "verified"; only a verified
	// claim counts in the run.
	Documented string `json:"documented,omitempty"`
}

// Documentation states.
const (
	DocMissing  = "missing"
	DocReceived = "received"
	DocVerified = "verified"
)

// Holds reports whether the claim counts: claimed and verified.
func (c Claim) Holds() bool { return c.Claimed && c.Documented == DocVerified }

// Application is one child's application in an intake.
type Application struct {
	ID           ApplicationID       `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Intake       IntakeID            `json:"intake"`
	Child        domain.ChildID      `json:"child"`
	// Preferences lists units, first choice first.
	Preferences []domain.UnitID `json:"preferences"`
	// Start is the wished start date (zero: the intake's start).
	Start date.Date `json:"start,omitzero"`
	// Hours is the wished weekly time (kindergarten, SFO).
	Hours int `json:"hours"`
	// Statutory is the claim to priority under barnehageloven § 18.
	Statutory Claim `json:"statutory"`
	// Local holds claims to the municipality's local criteria, by name.
	Local map[string]Claim `json:"local,omitempty"`
	// SiblingAt lists units where a sibling has a place (pre-filled from
	// the directory).
	SiblingAt []domain.UnitID `json:"siblingAt,omitempty"`
	// Together lists siblings applying in the same intake who ask to be
	// placed at the same unit as this child. They form a family when their
	// applications name each other and rank the same units; the applying
	// guardian must have parental responsibility for each.
	Together []domain.ChildID `json:"together,omitempty"`
	// Guardians are the child's guardians with parental responsibility
	// (pre-filled); SubmittedBy is the one who applied, ConfirmedBy those
	// who confirmed.
	Guardians   []domain.GuardianID `json:"guardians,omitempty"`
	SubmittedBy domain.GuardianID   `json:"submittedBy,omitzero"`
	ConfirmedBy []domain.GuardianID `json:"confirmedBy,omitempty"`
	Submitted   time.Time           `json:"submitted"`
	// Withdrawn and Rejected end the application (zero: not).
	Withdrawn time.Time `json:"withdrawn,omitzero"`
	Rejected  time.Time `json:"rejected,omitzero"`
	// RejectReason says why it was rejected.
	RejectReason string `json:"rejectReason,omitempty"`
}

// Validate checks the application on its own.
func (ap Application) Validate() error {
	var p domain.Problems
	if ap.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", ap.Municipality.Validate())
	if ap.Intake.IsZero() {
		p.Add("intake", "required")
	}
	if ap.Child.IsZero() {
		p.Add("child", "required")
	}
	if len(ap.Preferences) == 0 {
		p.Add("preferences", "at-least-one-unit-is-required")
	}
	seen := map[domain.UnitID]bool{}
	for i, u := range ap.Preferences {
		if u.IsZero() || seen[u] {
			p.Add(fmt.Sprintf("preferences[%d]", i), "is-empty-or-appears-twice")
		}
		seen[u] = true
	}
	if ap.Hours < 0 || ap.Hours > domain.MaxHoursPerWeek {
		p.Add("hours", "must-be-from-0-to", "maxHoursPerWeek", fmt.Sprint(domain.MaxHoursPerWeek))
	}
	if ap.Submitted.IsZero() {
		p.Add("submitted", "required")
	}
	for _, c := range ap.Together {
		if c == ap.Child {
			p.Add("together", "a-child-cannot-apply-together-with-itself")
		}
	}
	p.Merge("", domain.CheckText("rejectReason", ap.RejectReason))
	return p.Err()
}

// RunResult is one application's result in a run.
type RunResult struct {
	Application ApplicationID   `json:"application"`
	Child       domain.ChildID  `json:"child"`
	Group       domain.AgeGroup `json:"group"`
	// Unit is the unit offered, zero for none; Rank its place in the
	// preferences (0 for none).
	Unit domain.UnitID `json:"unit,omitzero"`
	Rank int           `json:"rank"`
	// Tiebreak is the child's lottery number in the run.
	Tiebreak int64 `json:"tiebreak"`
	// Explanation compares the child with the last child admitted at every
	// unit it ranked above its result (units and children by their IDs).
	Explanation ChildExplanation `json:"explanation"`
}

// Run is one allocation run of an intake: a draft with its measures and
// every child's result, until a caseworker approves it (once).
type Run struct {
	ID           RunID               `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Intake       IntakeID            `json:"intake"`
	Seed         uint64              `json:"seed"`
	Created      time.Time           `json:"created"`
	// CreatedBy is the subject (login ID) of who made the run, for
	// matching; CreatedByName their display name, as people read it
	// (domain.Actor.Name; empty when the login gave none).
	CreatedBy     string `json:"createdBy"`
	CreatedByName string `json:"createdByName,omitempty"`
	// Approved is zero for a draft.
	Approved   time.Time `json:"approved,omitzero"`
	ApprovedBy string    `json:"approvedBy,omitempty"`
	// Reason is why the run was made on or before the intake's
	// application deadline (CheckRunTime); empty for a run after it.
	Reason  string      `json:"reason,omitempty"`
	Stats   Stats       `json:"stats"`
	Results []RunResult `json:"results"`
}

// IsApproved reports whether the run was approved.
func (r Run) IsApproved() bool { return !r.Approved.IsZero() }

// Validate checks the run on its own.
func (r Run) Validate() error {
	var p domain.Problems
	if r.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", r.Municipality.Validate())
	if r.Intake.IsZero() {
		p.Add("intake", "required")
	}
	if r.Created.IsZero() {
		p.Add("created", "required")
	}
	p.Merge("", domain.CheckLine("createdBy", r.CreatedBy))
	p.Merge("", domain.CheckLine("approvedBy", r.ApprovedBy))
	p.Merge("", domain.CheckText("reason", r.Reason))
	return p.Err()
}

// OfferStatus is where an offer stands.
type OfferStatus string

// Offer statuses.
const (
	OfferOpen     OfferStatus = "open"
	OfferAccepted OfferStatus = "accepted"
	OfferDeclined OfferStatus = "declined"
	// OfferLapsed is an offer not answered by its deadline; it counts as
	// declined.
	OfferLapsed OfferStatus = "lapsed"
)

// Offer is a place offered to a child.
type Offer struct {
	ID           OfferID             `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Intake       IntakeID            `json:"intake"`
	Application  ApplicationID       `json:"application"`
	Child        domain.ChildID      `json:"child"`
	Unit         domain.UnitID       `json:"unit"`
	Group        domain.AgeGroup     `json:"group"`
	// Rank is the unit's place in the child's preferences.
	Rank int `json:"rank"`
	// Run is the run that made the offer; zero for an offer from the
	// waiting list.
	Run   RunID     `json:"run,omitzero"`
	Start date.Date `json:"start"`
	Hours int       `json:"hours"`
	// Created is when it was sent; Deadline the last instant to answer.
	Created  time.Time   `json:"created"`
	Deadline time.Time   `json:"deadline"`
	Status   OfferStatus `json:"status"`
	// Answered is when it was accepted, declined or lapsed; AnsweredBy who
	// answered ("" when it lapsed).
	Answered   time.Time `json:"answered,omitzero"`
	AnsweredBy string    `json:"answeredBy,omitempty"`
	// OfferedBy is the caseworker who offered a seat from the waiting list
	// (a vacancy), by name; "" for an offer a run made or a seat passed on
	// by itself.
	OfferedBy string `json:"offeredBy,omitempty"`
	// Placement is the placement made when the offer was accepted.
	Placement domain.PlacementID `json:"placement,omitzero"`
}

// Validate checks the offer on its own.
func (o Offer) Validate() error {
	var p domain.Problems
	if o.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", o.Municipality.Validate())
	if o.Intake.IsZero() {
		p.Add("intake", "required")
	}
	if o.Application.IsZero() {
		p.Add("application", "required")
	}
	if o.Child.IsZero() {
		p.Add("child", "required")
	}
	if o.Unit.IsZero() {
		p.Add("unit", "required")
	}
	if o.Start == date.Zero {
		p.Add("start", "required")
	}
	if o.Deadline.Before(o.Created) {
		p.Add("deadline", "is-before-the-offer-was-made")
	}
	switch o.Status {
	case OfferOpen, OfferAccepted, OfferDeclined, OfferLapsed:
	default:
		p.Add("status", "is-not-an-offer-status", "status", fmt.Sprint(o.Status))
	}
	p.Merge("", domain.CheckLine("answeredBy", o.AnsweredBy))
	p.Merge("", domain.CheckLine("offeredBy", o.OfferedBy))
	return p.Err()
}
