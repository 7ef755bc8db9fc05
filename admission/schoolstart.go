package admission

import (
	"cmp"
	"context"
	"io"
	"slices"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// This file is school start (skolestart): the children who start school
// in August of an intake's admission year are registered with the school
// of their catchment area, and a guardian may ask for another school,
// which a caseworker decides.

// SchoolRequestID identifies a request for another school.
type SchoolRequestID = domain.ID[SchoolRequest]

// Reason codes of school start.
const (
	// ReasonNotSchoolIntake: the intake is not a school intake.
	ReasonNotSchoolIntake = "school-start-not-a-school-intake"
	// ReasonNotStarter: the child is not registered as a school starter
	// of the intake.
	ReasonNotStarter = "school-start-not-a-starter"
	// ReasonSameSchool: the school asked for is the one the child has.
	ReasonSameSchool = "school-request-same-school"
	// ReasonAlreadyDecided: the request has been decided.
	ReasonAlreadyDecided = "school-request-already-decided"
	// ReasonRequestOpen: the child already has a request for the intake.
	ReasonRequestOpen = "school-request-exists"
)

// SchoolStarter is a child registered for school start in an intake:
// the school of its catchment area (Catchment, zero when the lookup found
// none, with the Reason), and the school it is to start at (Unit: the
// catchment school, or another school a granted request gave it).
type SchoolStarter struct {
	Municipality domain.Municipality `json:"municipality"`
	Intake       IntakeID            `json:"intake"`
	Child        domain.ChildID      `json:"child"`
	Catchment    domain.UnitID       `json:"catchment,omitzero"`
	Unit         domain.UnitID       `json:"unit,omitzero"`
	// Reason is the lookup's reason code when no catchment school was
	// found (CatchmentMatch.Reason).
	Reason       string    `json:"reason,omitempty"`
	Registered   time.Time `json:"registered"`
	RegisteredBy string    `json:"registeredBy"`
}

// Validate checks the record on its own.
func (st SchoolStarter) Validate() error {
	var p domain.Problems
	p.Merge("", st.Municipality.Validate())
	if st.Intake.IsZero() {
		p.Add("intake", ReasonRequired)
	}
	if st.Child.IsZero() {
		p.Add("child", ReasonRequired)
	}
	p.Merge("", domain.CheckLine("reason", st.Reason))
	p.Merge("", domain.CheckLine("registeredBy", st.RegisteredBy))
	return p.Err()
}

// Notice kinds of school start: a request for another school was decided.
// Data: "unit" (the school asked for), "unitId", "intake" (intake name),
// "request" (request ID); about the request's child, key
// "<kind>/<request ID>".
const (
	KindSchoolRequestGranted = "school-request.granted"
	KindSchoolRequestRefused = "school-request.refused"
)

// The decisions of a SchoolRequest.
const (
	RequestGranted = "granted"
	RequestRefused = "refused"
)

// SchoolRequest is a guardian's request that a school starter go to
// another school than its catchment school, and the caseworker's decision.
type SchoolRequest struct {
	ID           SchoolRequestID     `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Intake       IntakeID            `json:"intake"`
	Child        domain.ChildID      `json:"child"`
	// Unit is the school asked for; Reason the guardian's reasons.
	Unit    domain.UnitID     `json:"unit"`
	Reason  string            `json:"reason"`
	Asked   time.Time         `json:"asked"`
	AskedBy domain.GuardianID `json:"askedBy"`
	// Decision is "" while open, RequestGranted or RequestRefused; a
	// refusal carries DecisionReason.
	Decision       string    `json:"decision,omitempty"`
	DecisionReason string    `json:"decisionReason,omitempty"`
	Decided        time.Time `json:"decided,omitzero"`
	DecidedBy      string    `json:"decidedBy,omitempty"`
}

// Open reports whether the request awaits a decision.
func (r SchoolRequest) Open() bool { return r.Decision == "" }

// Validate checks the request on its own: the reason given (up to 2,000
// characters), a decision with its reason when refused.
func (r SchoolRequest) Validate() error {
	var p domain.Problems
	p.Merge("", r.Municipality.Validate())
	if r.ID.IsZero() {
		p.Add("id", ReasonRequired)
	}
	if r.Intake.IsZero() {
		p.Add("intake", ReasonRequired)
	}
	if r.Child.IsZero() {
		p.Add("child", ReasonRequired)
	}
	if r.Unit.IsZero() {
		p.Add("unit", ReasonRequired)
	}
	checkText(&p, "reason", r.Reason, true)
	switch r.Decision {
	case "", RequestGranted:
	case RequestRefused:
		if domain.Blank(r.DecisionReason) {
			p.Add("decisionReason", ReasonRequired)
		}
	default:
		p.Add("decision", "school-request-decision")
	}
	checkText(&p, "decisionReason", r.DecisionReason, false)
	p.Merge("", domain.CheckLine("decidedBy", r.DecidedBy))
	return p.Err()
}

// checkText checks a free text of up to 2,000 characters (line breaks
// allowed).
func checkText(p *domain.Problems, field, s string, required bool) {
	switch {
	case required && domain.Blank(s):
		p.Add(field, ReasonRequired)
	case len([]rune(s)) > 2000:
		p.Add(field, domain.ReasonTooLong)
	}
	for _, r := range s {
		if r < ' ' && r != '\n' && r != '\r' && r != '\t' {
			p.Add(field, "control-character")
			return
		}
	}
}

// CatchmentStore is the store port of the catchment table and school
// start. Every method is scoped by municipality and joins the transaction
// of ctx; writes validate first.
type CatchmentStore interface {
	// Catchment reads the municipality's table; domain.ErrNotFound when it
	// has loaded none.
	Catchment(ctx context.Context, m domain.Municipality) (Catchment, error)
	// ReplaceCatchment replaces the municipality's table whole.
	ReplaceCatchment(ctx context.Context, c Catchment) error

	// CreateSchoolStarter registers a child in an intake; a child already
	// registered in it is a *domain.ConflictError on "child".
	CreateSchoolStarter(ctx context.Context, st SchoolStarter) error
	// UpdateSchoolStarter replaces a registration (its school).
	UpdateSchoolStarter(ctx context.Context, st SchoolStarter) error
	// SchoolStarters lists an intake's registrations by child ID.
	SchoolStarters(ctx context.Context, m domain.Municipality, intake IntakeID) ([]SchoolStarter, error)
	// ChildSchoolStarters lists a child's registrations by intake ID.
	ChildSchoolStarters(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]SchoolStarter, error)

	// CreateSchoolRequest stores a request; a second request for the
	// child in the intake is a *domain.ConflictError on "child".
	CreateSchoolRequest(ctx context.Context, r SchoolRequest) error
	// UpdateSchoolRequest replaces a request (its decision).
	UpdateSchoolRequest(ctx context.Context, r SchoolRequest) error
	SchoolRequest(ctx context.Context, m domain.Municipality, id SchoolRequestID) (SchoolRequest, error)
	// SchoolRequests lists an intake's requests by ID.
	SchoolRequests(ctx context.Context, m domain.Municipality, intake IntakeID) ([]SchoolRequest, error)
	// ChildSchoolRequests lists a child's requests by ID.
	ChildSchoolRequests(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]SchoolRequest, error)
}

// Catchment returns the municipality's catchment table (an empty one when
// none is loaded), for any actor of the municipality.
func (s *Service) Catchment(ctx context.Context, actor domain.Actor) (Catchment, error) {
	if actor.Validate() != nil {
		return Catchment{}, forbidden("no actor")
	}
	return s.catchment(ctx, actor.Municipality)
}

func (s *Service) catchment(ctx context.Context, m domain.Municipality) (Catchment, error) {
	c, err := s.Store.Catchment(ctx, m)
	if domain.IsNotFound(err) {
		return Catchment{Municipality: m, Rows: []CatchmentRow{}}, nil
	}
	return c, err
}

// ReplaceCatchment replaces the municipality's catchment table with the
// one given (a municipal actor), after Validate and CheckCatchmentUnits:
// all or nothing, in one transaction.
func (s *Service) ReplaceCatchment(ctx context.Context, actor domain.Actor, c Catchment) (Catchment, error) {
	if err := municipal(actor, actor.Municipality); err != nil {
		return Catchment{}, err
	}
	c.Municipality = actor.Municipality
	c.Changed, c.ChangedBy = s.now(), cmp.Or(actor.Name, actor.Subject)
	if c.Rows == nil {
		c.Rows = []CatchmentRow{}
	}
	if err := c.Validate(); err != nil {
		return Catchment{}, err
	}
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		units, err := s.Store.Units(ctx, c.Municipality)
		if err != nil {
			return err
		}
		if err := CheckCatchmentUnits(c, units); err != nil {
			return err
		}
		return s.Store.ReplaceCatchment(ctx, c)
	})
	if err != nil {
		return Catchment{}, err
	}
	return c, nil
}

// LoadCatchmentCSV reads a catchment file (ParseCatchmentCSV, with the
// municipality's units) and replaces the table with it: a file with any
// problem keeps nothing.
func (s *Service) LoadCatchmentCSV(ctx context.Context, actor domain.Actor, r io.Reader) (Catchment, error) {
	if err := municipal(actor, actor.Municipality); err != nil {
		return Catchment{}, err
	}
	units, err := s.Store.Units(ctx, actor.Municipality)
	if err != nil {
		return Catchment{}, err
	}
	c, err := ParseCatchmentCSV(r, actor.Municipality, units)
	if err != nil {
		return Catchment{}, err
	}
	return s.ReplaceCatchment(ctx, actor, c)
}

// SchoolStartYear is the birth year of the children who start school in
// August of the admission year: they reach RightRules.SchoolStartAge that
// calendar year (opplæringslova 2023 § 2-1, in the rules table).
func SchoolStartYear(admissionYear int) (int, error) {
	rules, err := NationalRightRules(admissionYear)
	if err != nil {
		return 0, err
	}
	return admissionYear - rules.SchoolStartAge, nil
}

// SchoolStartResult is what RegisterSchoolStarters did: the children it
// added now, and every registration of the intake with those the lookup
// found no school for (Unmatched) for the caseworker to place by hand.
type SchoolStartResult struct {
	Added     []SchoolStarter `json:"added"`
	All       []SchoolStarter `json:"all"`
	Unmatched []SchoolStarter `json:"unmatched"`
}

// RegisterSchoolStarters registers, in a school intake (a municipal
// actor), every child resident in the municipality (its registered
// address in the municipality) born in the year SchoolStartYear gives,
// with the school of its catchment area (Catchment.Lookup). Children with
// protected addresses are registered like the others; their address is
// read, never returned. Running it again adds only children not yet
// registered. All in one transaction.
func (s *Service) RegisterSchoolStarters(ctx context.Context, actor domain.Actor, intake IntakeID) (SchoolStartResult, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return SchoolStartResult{}, err
	}
	var res SchoolStartResult
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		in, err := s.Store.Intake(ctx, m, intake)
		if err != nil {
			return err
		}
		if in.Kind != domain.School {
			return domain.Invalid("intake", ReasonNotSchoolIntake)
		}
		born, err := SchoolStartYear(in.AdmissionYear)
		if err != nil {
			return err
		}
		c, err := s.catchment(ctx, m)
		if err != nil {
			return err
		}
		have, err := s.Store.SchoolStarters(ctx, m, intake)
		if err != nil {
			return err
		}
		registered := map[domain.ChildID]bool{}
		for _, st := range have {
			registered[st.Child] = true
		}
		children, err := s.Store.Children(ctx, m)
		if err != nil {
			return err
		}
		now, by := s.now(), cmp.Or(actor.Name, actor.Subject)
		for _, ch := range children {
			if ch.BirthDate.Year() != born || ch.Address.Municipality != m || registered[ch.ID] {
				continue
			}
			match := c.Lookup(ch.Address)
			st := SchoolStarter{Municipality: m, Intake: intake, Child: ch.ID, Catchment: match.Unit, Unit: match.Unit,
				Reason: match.Reason, Registered: now, RegisteredBy: by}
			if err := s.Store.CreateSchoolStarter(ctx, st); err != nil {
				return err
			}
			res.Added = append(res.Added, st)
		}
		if res.All, err = s.Store.SchoolStarters(ctx, m, intake); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return SchoolStartResult{}, err
	}
	res.Unmatched = []SchoolStarter{}
	for _, st := range res.All {
		if st.Unit.IsZero() {
			res.Unmatched = append(res.Unmatched, st)
		}
	}
	if res.Added == nil {
		res.Added = []SchoolStarter{}
	}
	return res, nil
}

// SchoolStarters lists an intake's school starters (a municipal actor).
func (s *Service) SchoolStarters(ctx context.Context, actor domain.Actor, intake IntakeID) ([]SchoolStarter, error) {
	if err := municipal(actor, actor.Municipality); err != nil {
		return nil, err
	}
	return s.Store.SchoolStarters(ctx, actor.Municipality, intake)
}

// ChildSchoolStart is a child's school start as its guardian sees it: the
// registrations and the requests for another school.
type ChildSchoolStart struct {
	Starters []SchoolStarter `json:"starters"`
	Requests []SchoolRequest `json:"requests"`
}

// ChildSchoolStart returns a child's registrations and requests, for a
// guardian with parental responsibility or a municipal actor.
func (s *Service) ChildSchoolStart(ctx context.Context, actor domain.Actor, child domain.ChildID) (ChildSchoolStart, error) {
	m := actor.Municipality
	if err := s.responsibleOrMunicipal(ctx, actor, m, child); err != nil {
		return ChildSchoolStart{}, err
	}
	var out ChildSchoolStart
	var err error
	if out.Starters, err = s.Store.ChildSchoolStarters(ctx, m, child); err != nil {
		return ChildSchoolStart{}, err
	}
	if out.Requests, err = s.Store.ChildSchoolRequests(ctx, m, child); err != nil {
		return ChildSchoolStart{}, err
	}
	return out, nil
}

// AskOtherSchool records a guardian's request (a guardian with parental
// responsibility) that a school starter of the intake go to another
// school, with the guardian's reasons. The child must be registered
// (ReasonNotStarter, field "child"), the school one of the municipality's
// schools other than the one the child has (field "unit"); a second
// request for the child in the intake is a *domain.ConflictError.
func (s *Service) AskOtherSchool(ctx context.Context, actor domain.Actor, r SchoolRequest) (SchoolRequest, error) {
	m := actor.Municipality
	if err := s.responsible(ctx, actor, m, r.Child); err != nil {
		return SchoolRequest{}, err
	}
	r.Municipality, r.ID = m, domain.NewID[SchoolRequest]()
	r.Asked, r.AskedBy = s.now(), actor.Guardian
	r.Decision, r.DecisionReason, r.Decided, r.DecidedBy = "", "", time.Time{}, ""
	if err := r.Validate(); err != nil {
		return SchoolRequest{}, err
	}
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		sts, err := s.Store.ChildSchoolStarters(ctx, m, r.Child)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(sts, func(st SchoolStarter) bool { return st.Intake == r.Intake })
		if i < 0 {
			return domain.Invalid("child", ReasonNotStarter)
		}
		if err := s.checkSchool(ctx, m, "unit", r.Unit); err != nil {
			return err
		}
		if sts[i].Unit == r.Unit {
			return domain.Invalid("unit", ReasonSameSchool)
		}
		return s.Store.CreateSchoolRequest(ctx, r)
	})
	if err != nil {
		return SchoolRequest{}, err
	}
	return r, nil
}

func (s *Service) checkSchool(ctx context.Context, m domain.Municipality, field string, id domain.UnitID) error {
	u, err := s.Store.Unit(ctx, m, id)
	if domain.IsNotFound(err) {
		return domain.Invalid(field, ReasonCatchmentNoSchool)
	}
	if err != nil {
		return err
	}
	if u.Kind != domain.School {
		return domain.Invalid(field, ReasonCatchmentNotSchool)
	}
	return nil
}

// SchoolRequests lists an intake's requests for another school (a
// municipal actor).
func (s *Service) SchoolRequests(ctx context.Context, actor domain.Actor, intake IntakeID) ([]SchoolRequest, error) {
	if err := municipal(actor, actor.Municipality); err != nil {
		return nil, err
	}
	return s.Store.SchoolRequests(ctx, actor.Municipality, intake)
}

// DecideSchoolRequest decides a request (a municipal actor): granted moves
// the child's registration to the school asked for, in the same
// transaction; refused needs a reason. A decided request is a
// *domain.ConflictError on "decision".
func (s *Service) DecideSchoolRequest(ctx context.Context, actor domain.Actor, id SchoolRequestID, granted bool, reason string) (SchoolRequest, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return SchoolRequest{}, err
	}
	var out SchoolRequest
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		r, err := s.Store.SchoolRequest(ctx, m, id)
		if err != nil {
			return err
		}
		if !r.Open() {
			return &domain.ConflictError{Field: "decision", Reason: ReasonAlreadyDecided}
		}
		r.Decision = RequestRefused
		if granted {
			r.Decision = RequestGranted
		}
		r.DecisionReason, r.Decided, r.DecidedBy = reason, s.now(), cmp.Or(actor.Name, actor.Subject)
		if err := r.Validate(); err != nil {
			return err
		}
		if granted {
			sts, err := s.Store.SchoolStarters(ctx, m, r.Intake)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(sts, func(st SchoolStarter) bool { return st.Child == r.Child })
			if i < 0 {
				return domain.Invalid("child", ReasonNotStarter)
			}
			sts[i].Unit = r.Unit
			if err := s.Store.UpdateSchoolStarter(ctx, sts[i]); err != nil {
				return err
			}
		}
		if err := s.Store.UpdateSchoolRequest(ctx, r); err != nil {
			return err
		}
		out = r
		return s.notifyDecision(ctx, r)
	})
	if err != nil {
		return SchoolRequest{}, err
	}
	return out, nil
}

// catchmentSchool returns the catchment school of a child's registered
// address, zero when none (the lookup's reason is not needed here).
func (s *Service) catchmentSchool(ctx context.Context, m domain.Municipality, child domain.ChildID) (domain.UnitID, error) {
	ch, err := s.Store.Child(ctx, m, child)
	if err != nil {
		return domain.UnitID{}, err
	}
	c, err := s.catchment(ctx, m)
	if err != nil {
		return domain.UnitID{}, err
	}
	return c.Lookup(ch.Address).Unit, nil
}

// notifyDecision tells the child's guardians that a request was decided,
// in the transaction of the decision.
func (s *Service) notifyDecision(ctx context.Context, r SchoolRequest) error {
	if s.Notifier == nil {
		return nil
	}
	u, err := s.Store.Unit(ctx, r.Municipality, r.Unit)
	if err != nil {
		return err
	}
	in, err := s.Store.Intake(ctx, r.Municipality, r.Intake)
	if err != nil {
		return err
	}
	kind := KindSchoolRequestRefused
	if r.Decision == RequestGranted {
		kind = KindSchoolRequestGranted
	}
	return s.Notifier.Notify(ctx, domain.Notice{Municipality: r.Municipality, Kind: kind, Child: r.Child, Key: kind + "/" + r.ID.String(),
		Data: map[string]string{"unit": u.Name, "unitId": u.ID.String(), "intake": in.Name, "request": r.ID.String()}})
}
