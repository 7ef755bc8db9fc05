package admission

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Notice kinds the Service raises, and the keys of their Data (all text):
//
//   - KindOfferSent "offer.sent": an offer was made. Data: "offer" (offer
//     ID), "intake" (intake name), "unit" (unit name), "unitId", "start"
//     (first day, YYYY-MM-DD), "deadline" (last day to answer,
//     YYYY-MM-DD), "rank" (the unit's place in the preferences, "1".."n";
//     "" for none).
//   - KindOfferLapsing "offer.lapsing": an open offer's deadline is near
//     (RemindOffers). Data: as for "offer.sent".
//
// The notice is about the offer's child (Notice.Child); its key is
// "<kind>/<offer ID>".
const (
	KindOfferSent    = "offer.sent"
	KindOfferLapsing = "offer.lapsing"
)

// Service runs the admission process on a store: applications, runs,
// approval, offers and their answers, waiting lists, the municipality's
// obligation and decisions. Every method checks its domain.Actor: a
// guardian with parental responsibility for the child applies, confirms,
// accepts and declines; a municipal actor (caseworker, admin, a system job)
// configures intakes, runs and approves. A refused actor is
// domain.ErrForbidden.
type Service struct {
	Store ServiceStore
	Clock domain.Clock
	// Notifier receives the notices of the package doc; nil raises none.
	Notifier domain.Notifier
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return domain.SystemClock{}.Now()
	}
	return s.Clock.Now().In(domain.Oslo())
}

// reads runs the reads of a method that writes nothing. It does not open
// a transaction: on SQLite that would take the single writer.
func reads(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }

func forbidden(why string) error { return fmt.Errorf("admission: %s: %w", why, domain.ErrForbidden) }

// municipal checks that the actor acts for municipality m as a whole.
func municipal(a domain.Actor, m domain.Municipality) error {
	if a.Validate() != nil || a.Municipality != m || !a.Municipal() {
		return forbidden("only the municipality's caseworkers may do this")
	}
	return nil
}

// responsible checks that the actor is a guardian with parental
// responsibility for the child.
func (s *Service) responsible(ctx context.Context, a domain.Actor, m domain.Municipality, child domain.ChildID) error {
	if a.Validate() != nil || a.Municipality != m || a.Role != domain.RoleGuardian {
		return forbidden("only a guardian with parental responsibility may do this")
	}
	gs, err := s.Store.Guardianships(ctx, m, child)
	if err != nil {
		return err
	}
	for _, g := range gs {
		if g.GuardianID == a.Guardian && g.ParentalResponsibility {
			return nil
		}
	}
	return forbidden("only a guardian with parental responsibility may do this")
}

// responsibleOrMunicipal lets a municipal actor or a responsible guardian
// through.
func (s *Service) responsibleOrMunicipal(ctx context.Context, a domain.Actor, m domain.Municipality, child domain.ChildID) error {
	if municipal(a, m) == nil {
		return nil
	}
	return s.responsible(ctx, a, m, child)
}

// CreateIntake stores a new intake after checking it against the
// municipality's settings and directory (CheckIntake: the deadline before
// the start, units that exist and are of the intake's kind, local criteria
// the settings have). An intake without an ID gets one.
func (s *Service) CreateIntake(ctx context.Context, actor domain.Actor, in Intake) error {
	if err := municipal(actor, in.Municipality); err != nil {
		return err
	}
	if in.ID.IsZero() {
		return domain.Invalid("id", ReasonRequired)
	}
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := s.checkIntake(ctx, in); err != nil {
			return err
		}
		return s.Store.CreateIntake(ctx, in)
	})
}

func (s *Service) checkIntake(ctx context.Context, in Intake) error {
	set, err := s.settings(ctx, in.Municipality)
	if err != nil {
		return err
	}
	units, err := s.Store.Units(ctx, in.Municipality)
	if err != nil {
		return err
	}
	return CheckIntake(in, set, Directory{Units: units, Capacity: UnitCapacity(units, in.SmallWeight)})
}

// UpdateIntake changes an intake (a municipal actor): the same checks as
// CreateIntake, and CheckIntakeChange's limits once the intake has
// applications or a run. It returns the intake stored.
func (s *Service) UpdateIntake(ctx context.Context, actor domain.Actor, in Intake) (Intake, error) {
	if err := municipal(actor, in.Municipality); err != nil {
		return Intake{}, err
	}
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		old, err := s.Store.Intake(ctx, in.Municipality, in.ID)
		if err != nil {
			return err
		}
		use, err := s.intakeUse(ctx, old)
		if err != nil {
			return err
		}
		if err := CheckIntakeChange(old, in, use); err != nil {
			return err
		}
		if err := s.checkIntake(ctx, in); err != nil {
			return err
		}
		return s.Store.UpdateIntake(ctx, in)
	})
	if err != nil {
		return Intake{}, err
	}
	return in, nil
}

// IntakeUse tells how far an intake has come (applications, runs, an
// approved run): what CheckIntakeChange allows to change.
func (s *Service) IntakeUse(ctx context.Context, actor domain.Actor, id IntakeID) (IntakeUse, error) {
	if err := municipal(actor, actor.Municipality); err != nil {
		return IntakeUse{}, err
	}
	in, err := s.Store.Intake(ctx, actor.Municipality, id)
	if err != nil {
		return IntakeUse{}, err
	}
	return s.intakeUse(ctx, in)
}

func (s *Service) intakeUse(ctx context.Context, in Intake) (IntakeUse, error) {
	apps, err := s.Store.Applications(ctx, in.Municipality, in.ID)
	if err != nil {
		return IntakeUse{}, err
	}
	runs, err := s.Store.Runs(ctx, in.Municipality, in.ID)
	if err != nil {
		return IntakeUse{}, err
	}
	use := IntakeUse{Applications: len(apps), Runs: len(runs)}
	for _, r := range runs {
		use.Approved = use.Approved || r.IsApproved()
	}
	return use, nil
}

// Settings returns the municipality's admission settings (DefaultSettings
// when it has saved none), for any actor of the municipality: the names
// of the local criteria are shown to families too.
func (s *Service) Settings(ctx context.Context, actor domain.Actor) (Settings, error) {
	if actor.Validate() != nil {
		return Settings{}, forbidden("no actor")
	}
	return s.settings(ctx, actor.Municipality)
}

func (s *Service) settings(ctx context.Context, m domain.Municipality) (Settings, error) {
	set, err := s.Store.AdmissionSettings(ctx, m)
	if domain.IsNotFound(err) {
		return DefaultSettings(m), nil
	}
	return set, err
}

// SaveSettings stores the municipality's admission settings as a new
// version (a municipal actor). set.Version is the version the change was
// made from (0 from the defaults): a save made from an older version is a
// *domain.ConflictError on "version". It returns the settings stored,
// with their version and who changed them when. Intakes already made keep
// their criteria: a local criterion removed from the settings keeps
// ranking in them, shown by its key.
func (s *Service) SaveSettings(ctx context.Context, actor domain.Actor, set Settings) (Settings, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return Settings{}, err
	}
	set.Municipality = m
	set.Changed = s.now()
	set.ChangedBy = cmp.Or(actor.Name, actor.Subject)
	if set.LocalCriteria == nil {
		set.LocalCriteria = []LocalCriterion{}
	}
	from := set.Version
	set.Version = from + 1
	if err := set.Validate(); err != nil {
		return Settings{}, err
	}
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		cur, err := s.settings(ctx, m)
		if err != nil {
			return err
		}
		if cur.Version != from {
			return &domain.ConflictError{Field: "version", Reason: ReasonStale}
		}
		return s.Store.SaveAdmissionSettings(ctx, set)
	})
	if err != nil {
		return Settings{}, err
	}
	return set, nil
}

// Prefill returns a new application for the child filled with what the
// municipality knows: the guardians with parental responsibility, the
// units where siblings (other children of the same guardians) have a
// place of the intake's kind on its start day, the intake's start, and for
// a school or SFO intake the catchment school (or its SFO) as the first
// preference (catchmentPreference).
func (s *Service) Prefill(ctx context.Context, actor domain.Actor, intake IntakeID, child domain.ChildID) (Application, error) {
	m := actor.Municipality
	if err := s.responsible(ctx, actor, m, child); err != nil {
		return Application{}, err
	}
	in, err := s.Store.Intake(ctx, m, intake)
	if err != nil {
		return Application{}, err
	}
	a := Application{Municipality: m, Intake: intake, Child: child, Start: in.Start}
	gs, err := s.Store.Guardianships(ctx, m, child)
	if err != nil {
		return Application{}, err
	}
	for _, g := range gs {
		if g.ParentalResponsibility {
			a.Guardians = append(a.Guardians, g.GuardianID)
		}
	}
	if a.SiblingAt, err = s.siblingUnits(ctx, in, child, gs); err != nil {
		return Application{}, err
	}
	if a.Preferences, err = s.catchmentPreference(ctx, in, child); err != nil {
		return Application{}, err
	}
	return a, nil
}

// catchmentPreference is the first preference Prefill suggests for a
// school or SFO intake: the school of the child's catchment area
// (Catchment.Lookup on its registered address) or, for SFO, the SFO of
// that school (a unit whose Parent it is) — when the unit takes part in
// the intake. Nil otherwise.
func (s *Service) catchmentPreference(ctx context.Context, in Intake, child domain.ChildID) ([]domain.UnitID, error) {
	if in.Kind != domain.School && in.Kind != domain.SFO {
		return nil, nil
	}
	school, err := s.catchmentSchool(ctx, in.Municipality, child)
	if err != nil || school.IsZero() {
		return nil, err
	}
	want := school
	if in.Kind == domain.SFO {
		units, err := s.Store.Units(ctx, in.Municipality)
		if err != nil {
			return nil, err
		}
		want = domain.UnitID{}
		for _, u := range units {
			if u.Kind == domain.SFO && u.Parent == school {
				want = u.ID
				break
			}
		}
	}
	if _, ok := in.SeatsAt(want); want.IsZero() || !ok {
		return nil, nil
	}
	return []domain.UnitID{want}, nil
}

// siblingUnits lists the units where a sibling (another child of one of
// the child's guardians) has a place of the intake's kind on its start day.
func (s *Service) siblingUnits(ctx context.Context, in Intake, child domain.ChildID, gs []domain.Guardianship) ([]domain.UnitID, error) {
	m := in.Municipality
	siblings := map[domain.ChildID]bool{}
	for _, g := range gs {
		wards, err := s.Store.Wards(ctx, m, g.GuardianID)
		if err != nil {
			return nil, err
		}
		for _, w := range wards {
			if w.ChildID != child {
				siblings[w.ChildID] = true
			}
		}
	}
	var out []domain.UnitID
	for _, sib := range slices.SortedFunc(keys(siblings), func(x, y domain.ChildID) int { return x.Compare(y) }) {
		ps, err := s.Store.Placements(ctx, m, sib)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.Kind == in.Kind && p.Period.Contains(in.Start) && !slices.Contains(out, p.UnitID) {
				out = append(out, p.UnitID)
			}
		}
	}
	return out, nil
}

func keys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Apply submits an application (usually from Prefill) for a guardian with
// parental responsibility. It is refused with a *domain.ValidationError
// when it ranks more units than the intake allows, a unit not in the
// intake, or a unit without seats in the child's age group (field
// "preferences[i]", with the reason); a second application for the child in
// the intake is a *domain.ConflictError. The returned application has its
// ID, submission time and submitter.
func (s *Service) Apply(ctx context.Context, actor domain.Actor, a Application) (Application, error) {
	a.Municipality = actor.Municipality
	if err := s.responsible(ctx, actor, a.Municipality, a.Child); err != nil {
		return Application{}, err
	}
	if a.ID.IsZero() {
		a.ID = domain.NewID[Application]()
	}
	a.Submitted = s.now()
	a.SubmittedBy = actor.Guardian
	a.ConfirmedBy, a.Withdrawn, a.Rejected, a.RejectReason = nil, time.Time{}, time.Time{}, ""
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		in, err := s.Store.Intake(ctx, a.Municipality, a.Intake)
		if err != nil {
			if domain.IsNotFound(err) {
				return domain.Invalid("intake", "no-such-intake")
			}
			return err
		}
		child, err := s.Store.Child(ctx, a.Municipality, a.Child)
		if err != nil {
			return err
		}
		if a.Start == date.Zero {
			a.Start = in.Start
		}
		// What the municipality knows is taken from the directory, not
		// from the form: the guardians and the units of siblings.
		gs, err := s.Store.Guardianships(ctx, a.Municipality, a.Child)
		if err != nil {
			return err
		}
		a.Guardians = nil
		for _, g := range gs {
			if g.ParentalResponsibility {
				a.Guardians = append(a.Guardians, g.GuardianID)
			}
		}
		if a.SiblingAt, err = s.siblingUnits(ctx, in, a.Child, gs); err != nil {
			return err
		}
		// Claims are the family's; only a caseworker verifies them
		// (VerifyClaim).
		a.Statutory.Documented = unverified(a.Statutory)
		for name, c := range a.Local {
			c.Documented = unverified(c)
			a.Local[name] = c
		}
		if err := s.checkApplication(ctx, in, child, a); err != nil {
			return err
		}
		// Siblings applying together: the guardian must have parental
		// responsibility for each of them too.
		for i, sib := range a.Together {
			if err := s.responsible(ctx, actor, a.Municipality, sib); err != nil {
				if errors.Is(err, domain.ErrForbidden) {
					return domain.Invalid(fmt.Sprintf("together[%d]", i), "not-a-child-you-have-parental-responsibility-for")
				}
				return err
			}
		}
		return s.Store.CreateApplication(ctx, a)
	})
	if err != nil {
		return Application{}, err
	}
	return a, nil
}

func (s *Service) checkApplication(ctx context.Context, in Intake, child domain.Child, a Application) error {
	if err := a.Validate(); err != nil {
		return err
	}
	var p domain.Problems
	if len(a.Preferences) > in.MaxPreferences {
		p.Add("preferences", "at-most-units-may-be-ranked", "maxPreferences", fmt.Sprint(in.MaxPreferences))
	}
	g := in.Group(child.BirthDate)
	for i, uid := range a.Preferences {
		f := fmt.Sprintf("preferences[%d]", i)
		u, err := s.Store.Unit(ctx, a.Municipality, uid)
		if domain.IsNotFound(err) {
			p.Add(f, "no-such-unit")
			continue
		}
		if err != nil {
			return err
		}
		c, ok := in.SeatsAt(uid)
		switch {
		case !ok:
			p.Add(f, "does-not-take-part-in", "unit", fmt.Sprint(u.Name), "intake", fmt.Sprint(in.Name))
		case c.Of(g) <= 0:
			p.Add(f, "has-no-seats-for-in", "unit", fmt.Sprint(u.Name), "group", fmt.Sprint(groupName(English, g)), "intake", fmt.Sprint(in.Name))
		}
	}
	if in.Kind != domain.School && (a.Hours < 1 || a.Hours > domain.MaxHoursPerWeek) {
		p.Add("hours", "must-be-from-1-to", "maxHoursPerWeek", fmt.Sprint(domain.MaxHoursPerWeek))
	}
	if a.Start < in.Start {
		p.Add("start", "must-not-be-before-the-intakes-start", "start", fmt.Sprint(in.Start))
	}
	return p.Err()
}

// unverified is a claim's documentation state as a family may set it:
// "received" when it says so, else "missing".
func unverified(c Claim) string {
	if c.Claimed && c.Documented == DocReceived {
		return DocReceived
	}
	if c.Claimed {
		return DocMissing
	}
	return ""
}

// VerifyClaim sets the documentation state of a claim (a municipal
// actor): criterion is "statutory" or a local criterion's name ("local:"
// prefix optional), documented one of DocMissing, DocReceived and
// DocVerified. Only a verified claim counts in a run.
func (s *Service) VerifyClaim(ctx context.Context, actor domain.Actor, id ApplicationID, criterion string, documented string) (Application, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return Application{}, err
	}
	switch documented {
	case DocMissing, DocReceived, DocVerified:
	default:
		return Application{}, domain.Invalid("documented", "must-be-missing-received-or-verified")
	}
	var a Application
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if a, err = s.Store.Application(ctx, m, id); err != nil {
			return err
		}
		if criterion == string(Statutory) {
			if !a.Statutory.Claimed {
				return domain.Invalid("criterion", "the-application-does-not-claim-statutory-priority")
			}
			a.Statutory.Documented = documented
		} else {
			name := strings.TrimPrefix(criterion, LocalPrefix)
			c, ok := a.Local[name]
			if !ok || !c.Claimed {
				return domain.Invalid("criterion", "the-application-does-not-claim", "name", fmt.Sprint(name))
			}
			c.Documented = documented
			a.Local[name] = c
		}
		return s.Store.UpdateApplication(ctx, a)
	})
	return a, err
}

// Confirm records that another guardian with parental responsibility has
// seen and confirms the application.
func (s *Service) Confirm(ctx context.Context, actor domain.Actor, id ApplicationID) (Application, error) {
	var a Application
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if a, err = s.Store.Application(ctx, actor.Municipality, id); err != nil {
			return err
		}
		if err := s.responsible(ctx, actor, a.Municipality, a.Child); err != nil {
			return err
		}
		if actor.Guardian == a.SubmittedBy || slices.Contains(a.ConfirmedBy, actor.Guardian) {
			return nil
		}
		a.ConfirmedBy = append(a.ConfirmedBy, actor.Guardian)
		return s.Store.UpdateApplication(ctx, a)
	})
	return a, err
}

// Withdraw withdraws an application (a responsible guardian or the
// municipality). An open offer of it is declined, and its seat goes to the
// next child on the waiting list.
func (s *Service) Withdraw(ctx context.Context, actor domain.Actor, id ApplicationID) error {
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		a, err := s.Store.Application(ctx, actor.Municipality, id)
		if err != nil {
			return err
		}
		if err := s.responsibleOrMunicipal(ctx, actor, a.Municipality, a.Child); err != nil {
			return err
		}
		if !a.Withdrawn.IsZero() {
			return nil
		}
		now := s.now()
		a.Withdrawn = now
		if err := s.Store.UpdateApplication(ctx, a); err != nil {
			return err
		}
		os, err := s.Store.ApplicationOffers(ctx, a.Municipality, a.ID)
		if err != nil {
			return err
		}
		for _, o := range os {
			if o.Status == OfferOpen {
				if err := s.answer(ctx, o, OfferDeclined, now, actor.Subject, nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Reject rejects an application with a reason (a municipal actor): it
// leaves the waiting lists; its guardians see the status "rejected".
func (s *Service) Reject(ctx context.Context, actor domain.Actor, id ApplicationID, reason string) error {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return err
	}
	if err := domain.CheckText("reason", reason); err != nil {
		return err
	}
	if domain.Blank(reason) {
		return domain.Invalid("reason", "required")
	}
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		a, err := s.Store.Application(ctx, m, id)
		if err != nil {
			return err
		}
		if !a.active() {
			return &domain.ConflictError{Field: "status", Reason: "the-application-is-withdrawn-or-rejected"}
		}
		os, err := s.Store.ApplicationOffers(ctx, m, id)
		if err != nil {
			return err
		}
		for _, o := range os {
			if o.Status == OfferOpen || o.Status == OfferAccepted {
				return &domain.ConflictError{Field: "status", Reason: "the-application-has-an-open-or-accepted-offer"}
			}
		}
		a.Rejected, a.RejectReason = s.now(), reason
		return s.Store.UpdateApplication(ctx, a)
	})
}

// lottery gives the applications of a run, in ID order, the numbers 1..n
// in an order drawn from seed.
func lottery(seed uint64, n int) []int64 {
	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	out := make([]int64, n)
	for i, p := range rng.Perm(n) {
		out[i] = int64(p + 1)
	}
	return out
}

// active reports whether an application takes part: neither withdrawn nor
// rejected.
func (a Application) active() bool { return a.Withdrawn.IsZero() && a.Rejected.IsZero() }

// round builds the engine's input for an intake: every active application
// (in ID order) with its lottery number, and the families of siblings who
// asked to be placed together and rank the same units.
func round(in Intake, apps []Application, births map[domain.ChildID]date.Date, seed uint64) (*Round, []Family, []Application) {
	var act []Application
	for _, a := range apps {
		if a.active() {
			act = append(act, a)
		}
	}
	slices.SortFunc(act, func(x, y Application) int { return x.ID.Compare(y.ID) })
	tb := lottery(seed, len(act))
	r := &Round{AdmissionYear: in.AdmissionYear, Criteria: in.Criteria}
	for _, st := range in.Seats {
		r.Units = append(r.Units, Unit{ID: st.Unit.String(), Capacity: st.Capacity(in.SmallWeight)})
	}
	byChild := make(map[domain.ChildID]int, len(act))
	for i, a := range act {
		byChild[a.Child] = i
		c := Applicant{ID: a.ID.String(), BirthDate: births[a.Child], StatutoryPriority: a.Statutory.Holds(), Tiebreak: tb[i]}
		for _, u := range a.Preferences {
			c.Preferences = append(c.Preferences, u.String())
		}
		for _, u := range a.SiblingAt {
			c.SiblingAt = append(c.SiblingAt, u.String())
		}
		for name, cl := range a.Local {
			if cl.Holds() {
				if c.Local == nil {
					c.Local = map[string]bool{}
				}
				c.Local[name] = true
			}
		}
		r.Children = append(r.Children, c)
	}
	// Families: linked by Together both ways, in one component, with the
	// same preferences; otherwise they apply as single children.
	parent := make([]int, len(act))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, a := range act {
		for _, c := range a.Together {
			if j, ok := byChild[c]; ok && slices.Contains(act[j].Together, a.Child) {
				x, y := find(i), find(j)
				if x != y {
					parent[max(x, y)] = min(x, y)
				}
			}
		}
	}
	groups := map[int][]int{}
	for i := range act {
		groups[find(i)] = append(groups[find(i)], i)
	}
	var fams []Family
	for i := range act {
		ms := groups[i]
		if len(ms) < 2 {
			continue
		}
		same := true
		for _, j := range ms[1:] {
			same = same && slices.Equal(act[j].Preferences, act[ms[0]].Preferences)
		}
		if !same {
			continue
		}
		f := Family{ID: act[ms[0]].ID.String()}
		for _, j := range ms {
			f.Members = append(f.Members, act[j].ID.String())
		}
		fams = append(fams, f)
	}
	return r, fams, act
}

// Run allocates an intake's active applications (AllocateFamilies) with a
// lottery drawn from seed, and stores the result as a draft run with its
// measures and every child's explanation. Same seed and data, same result.
//
// A run on or before the intake's application deadline is refused
// (CheckRunTime: a *domain.ValidationError on "reason"); RunWithReason
// makes one with the caseworker's reason, recorded with the run.
func (s *Service) Run(ctx context.Context, actor domain.Actor, intake IntakeID, seed uint64) (Run, error) {
	return s.RunWithReason(ctx, actor, intake, seed, "")
}

// RunWithReason is Run with the caseworker's reason for running on or
// before the application deadline (Run.Reason); after the deadline the
// reason may be empty, and is recorded when given.
func (s *Service) RunWithReason(ctx context.Context, actor domain.Actor, intake IntakeID, seed uint64, reason string) (Run, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return Run{}, err
	}
	reason = strings.TrimSpace(reason)
	var run Run
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		in, err := s.Store.Intake(ctx, m, intake)
		if err != nil {
			return err
		}
		if err := CheckRunTime(in, domain.Today(s.clock()), reason); err != nil {
			return err
		}
		apps, err := s.Store.Applications(ctx, m, intake)
		if err != nil {
			return err
		}
		births, err := s.births(ctx, m)
		if err != nil {
			return err
		}
		run, err = Compute(in, apps, births, seed)
		if err != nil {
			return err
		}
		run.ID = domain.NewID[Run]()
		run.Created = s.now()
		run.CreatedBy, run.CreatedByName = actor.Subject, actor.Name
		run.Reason = reason
		return s.Store.CreateRun(ctx, run)
	})
	return run, err
}

// Compute is the pure part of Run: the allocation of an intake's
// applications with the lottery of seed, given each child's birth date.
// The returned run has no ID nor creation time.
func Compute(in Intake, apps []Application, births map[domain.ChildID]date.Date, seed uint64) (Run, error) {
	r, fams, act := round(in, apps, births, seed)
	a, err := AllocateFamilies(r, fams)
	if err != nil {
		return Run{}, err
	}
	run := Run{Municipality: in.Municipality, Intake: in.ID, Seed: seed, Stats: a.Stats, Results: make([]RunResult, len(act))}
	for i, as := range a.Assignments {
		e := a.Explain(i)
		res := RunResult{Application: act[i].ID, Child: act[i].Child, Group: e.Group, Rank: as.Rank,
			Tiebreak: r.Children[i].Tiebreak, Explanation: e}
		if as.Placed() {
			res.Unit = in.Seats[a.units[as.Unit]].Unit
		}
		run.Results[i] = res
	}
	return run, nil
}

func (s *Service) births(ctx context.Context, m domain.Municipality) (map[domain.ChildID]date.Date, error) {
	cs, err := s.Store.Children(ctx, m)
	if err != nil {
		return nil, err
	}
	out := make(map[domain.ChildID]date.Date, len(cs))
	for _, c := range cs {
		out[c.ID] = c.BirthDate
	}
	return out, nil
}

// answerDeadline is the first instant after the last day to answer: the
// midnight (Oslo) that ends day today + days.
func answerDeadline(now time.Time, days int) time.Time {
	d := date.NewAt(now.In(domain.Oslo())).AddDate(0, 0, days+1)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, domain.Oslo())
}

// Approve approves a draft run after the application deadline
// (ApproveWithReason with no reason).
func (s *Service) Approve(ctx context.Context, actor domain.Actor, id RunID) ([]Offer, error) {
	return s.ApproveWithReason(ctx, actor, id, "")
}

// ApproveWithReason approves a draft run (once: a second approval, or a
// run of an intake already approved, is a *domain.ConflictError on
// "approved") and sends an offer to every child placed, in one
// transaction, with an "offer.sent" notice each. On or before the intake's
// application deadline it needs the caseworker's reason for sending offers
// early (CheckApproveTime: a *domain.ValidationError on "reason", and
// nothing is sent); the caller records the reason (the reference app in
// its audit log).
func (s *Service) ApproveWithReason(ctx context.Context, actor domain.Actor, id RunID, reason string) ([]Offer, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return nil, err
	}
	var offers []Offer
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		run, in, apps, err := s.approvable(ctx, m, id)
		if err != nil {
			return err
		}
		now := s.now()
		if err := CheckApproveTime(in, domain.Today(s.clock()), strings.TrimSpace(reason)); err != nil {
			return err
		}
		if err := s.Store.ApproveRun(ctx, m, id, now, actor.Subject); err != nil {
			return err
		}
		offers = runOffers(run, in, apps, now)
		if err := s.Store.CreateOffers(ctx, offers); err != nil {
			return err
		}
		return s.notifyOffers(ctx, in, KindOfferSent, offers)
	})
	if err != nil {
		return nil, err
	}
	return offers, nil
}

// approvable reads a draft run with its intake and applications; an
// approved run is a *domain.ConflictError on "approved".
func (s *Service) approvable(ctx context.Context, m domain.Municipality, id RunID) (Run, Intake, []Application, error) {
	run, err := s.Store.Run(ctx, m, id)
	if err != nil {
		return Run{}, Intake{}, nil, err
	}
	if run.IsApproved() {
		return Run{}, Intake{}, nil, &domain.ConflictError{Field: "approved", Reason: "the-run-is-already-approved"}
	}
	in, err := s.Store.Intake(ctx, m, run.Intake)
	if err != nil {
		return Run{}, Intake{}, nil, err
	}
	apps, err := s.Store.Applications(ctx, m, run.Intake)
	if err != nil {
		return Run{}, Intake{}, nil, err
	}
	return run, in, apps, nil
}

// runOffers are the offers approving run at now sends: one to every child
// placed whose application is still active.
func runOffers(run Run, in Intake, apps []Application, now time.Time) []Offer {
	byID := make(map[ApplicationID]Application, len(apps))
	for _, a := range apps {
		byID[a.ID] = a
	}
	deadline := answerDeadline(now, in.AnswerDays)
	var offers []Offer
	for _, r := range run.Results {
		if r.Rank == 0 {
			continue
		}
		a, ok := byID[r.Application]
		if !ok || !a.active() {
			continue // withdrawn since the run
		}
		offers = append(offers, Offer{ID: domain.NewID[Offer](), Municipality: in.Municipality, Intake: in.ID, Application: a.ID,
			Child: a.Child, Unit: r.Unit, Group: r.Group, Rank: r.Rank, Run: run.ID, Start: max(a.Start, in.Start),
			Hours: a.Hours, Created: now, Deadline: deadline, Status: OfferOpen})
	}
	return offers
}

// ApprovalPreview is what approving a draft run would do now, for the
// caseworker to confirm before anything is sent.
type ApprovalPreview struct {
	Run    RunID    `json:"run"`
	Intake IntakeID `json:"intake"`
	// Offers is how many offers (and "offer.sent" notices) would be sent:
	// one to every child placed whose application is still active.
	Offers int `json:"offers"`
	// Letters is how many decision letters (vedtak) the approval makes:
	// one for every child in the run whose application is still active,
	// placed or not.
	Letters int `json:"letters"`
	// Unplaced is how many of them get no offer and wait on the waiting
	// list of every unit they ranked; Lower how many get an offer below
	// their first choice and keep waiting for the units ranked above it.
	Unplaced int `json:"unplaced"`
	Lower    int `json:"lower"`
	// AnswerBy is the last day to answer an offer sent now.
	AnswerBy date.Date `json:"answerBy"`
	// ApplicationDeadline is the intake's; BeforeDeadline says approving
	// today needs a reason (CheckApproveTime).
	ApplicationDeadline date.Date `json:"applicationDeadline"`
	BeforeDeadline      bool      `json:"beforeDeadline"`
	// Approved is when the run was approved (zero for a draft): then the
	// preview says what the approval did (the offers it sent and their
	// last day to answer) and BeforeDeadline is false.
	Approved time.Time `json:"approved,omitzero"`
}

// PreviewApproval says what approving the draft run would do now, without
// changing anything; for an approved run, what its approval did.
func (s *Service) PreviewApproval(ctx context.Context, actor domain.Actor, id RunID) (ApprovalPreview, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return ApprovalPreview{}, err
	}
	var p ApprovalPreview
	err := reads(ctx, func(ctx context.Context) error {
		// The run, its intake and the IDs of the applications ended since
		// (Store.EndedApplications), not every application: the others
		// are active, which is all the preview asks of them.
		run, err := s.Store.Run(ctx, m, id)
		if err != nil {
			return err
		}
		if run.IsApproved() {
			return s.approvedPreview(ctx, m, run, &p)
		}
		in, err := s.Store.Intake(ctx, m, run.Intake)
		if err != nil {
			return err
		}
		ended, err := s.endedApplications(ctx, m, run.Intake)
		if err != nil {
			return err
		}
		p = previewApproval(run, in, ended, s.now())
		p.BeforeDeadline = CheckApproveTime(in, domain.Today(s.clock()), "") != nil
		return nil
	})
	return p, err
}

// approvedPreview is what the approval of run did: the offers it sent
// (made at the approval, not those offered later from waiting lists).
func (s *Service) approvedPreview(ctx context.Context, m domain.Municipality, run Run, p *ApprovalPreview) error {
	in, err := s.Store.Intake(ctx, m, run.Intake)
	if err != nil {
		return err
	}
	ended, err := s.endedApplications(ctx, m, run.Intake)
	if err != nil {
		return err
	}
	offers, err := s.Store.IntakeOffers(ctx, m, run.Intake)
	if err != nil {
		return err
	}
	*p = previewApproval(run, in, ended, run.Approved)
	p.Approved, p.Offers = run.Approved, 0
	for _, o := range offers {
		if run.Sent(o) {
			p.Offers++
			p.AnswerBy = date.NewAt(o.Deadline.In(domain.Oslo())).AddDate(0, 0, -1)
		}
	}
	return nil
}

// endedApplications is the set of the intake's withdrawn or rejected
// applications (Store.EndedApplications).
func (s *Service) endedApplications(ctx context.Context, m domain.Municipality, intake IntakeID) (map[ApplicationID]bool, error) {
	ids, err := s.Store.EndedApplications(ctx, m, intake)
	if err != nil {
		return nil, err
	}
	ended := make(map[ApplicationID]bool, len(ids))
	for _, id := range ids {
		ended[id] = true
	}
	return ended, nil
}

// Sent reports whether the run's approval sent offer o (rather than a
// later offer from a waiting list): an offer of the run made at the
// approval (to the second: stores may keep instants to the microsecond).
func (r Run) Sent(o Offer) bool {
	if !r.IsApproved() || o.Run != r.ID {
		return false
	}
	d := o.Created.Sub(r.Approved)
	return d > -time.Second && d < time.Second
}

// previewApproval is what approving run at now sends, the applications
// ended being left out (as runOffers leaves them out).
func previewApproval(run Run, in Intake, ended map[ApplicationID]bool, now time.Time) ApprovalPreview {
	p := ApprovalPreview{Run: run.ID, Intake: in.ID, ApplicationDeadline: in.Deadline,
		AnswerBy: date.NewAt(answerDeadline(now, in.AnswerDays).In(domain.Oslo())).AddDate(0, 0, -1)}
	for _, r := range run.Results {
		if ended[r.Application] {
			continue
		}
		p.Letters++
		switch {
		case r.Rank == 0:
			p.Unplaced++
		case r.Rank > 1:
			p.Lower++
		}
		if r.Rank != 0 {
			p.Offers++ // runOffers makes one
		}
	}
	return p
}

func (s *Service) notifyOffers(ctx context.Context, in Intake, kind string, offers []Offer) error {
	if s.Notifier == nil || len(offers) == 0 {
		return nil
	}
	units, err := s.Store.Units(ctx, in.Municipality)
	if err != nil {
		return err
	}
	names := make(map[domain.UnitID]string, len(units))
	for _, u := range units {
		names[u.ID] = u.Name
	}
	for _, o := range offers {
		last := date.NewAt(o.Deadline.In(domain.Oslo())).AddDate(0, 0, -1)
		rank := ""
		if o.Rank > 0 {
			rank = strconv.Itoa(o.Rank)
		}
		n := domain.Notice{Municipality: o.Municipality, Kind: kind, Child: o.Child,
			Key: kind + "/" + o.ID.String(),
			Data: map[string]string{"offer": o.ID.String(), "intake": in.Name, "unit": names[o.Unit], "unitId": o.Unit.String(),
				"start": o.Start.String(), "deadline": last.String(), "rank": rank}}
		if err := s.Notifier.Notify(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// Accept accepts an open offer for a guardian with parental
// responsibility, and creates the child's domain.Placement from the offer's
// start in the same transaction. A place the child accepted earlier in the
// intake (a lower choice) ends the day before, or is removed when it has
// not started, and that seat goes to the next child on its waiting list.
// An offer not open is a *domain.ConflictError on "status"; one past its
// deadline on "deadline".
func (s *Service) Accept(ctx context.Context, actor domain.Actor, id OfferID) (domain.Placement, error) {
	var pl domain.Placement
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		o, err := s.Store.Offer(ctx, actor.Municipality, id)
		if err != nil {
			return err
		}
		if err := s.responsible(ctx, actor, o.Municipality, o.Child); err != nil {
			return err
		}
		now := s.now()
		if err := openOffer(o, now); err != nil {
			return err
		}
		unit, err := s.Store.Unit(ctx, o.Municipality, o.Unit)
		if err != nil {
			return err
		}
		earlier, err := s.Store.ApplicationOffers(ctx, o.Municipality, o.Application)
		if err != nil {
			return err
		}
		for _, e := range earlier {
			if e.Status != OfferAccepted || e.Placement.IsZero() {
				continue
			}
			old, err := s.Store.Placement(ctx, o.Municipality, e.Placement)
			if domain.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			if old.Period.Start >= o.Start {
				err = s.Store.DeletePlacement(ctx, o.Municipality, old.ID)
			} else if old.Period.Open() || old.Period.End >= o.Start {
				old.Period.End = o.Start.AddDate(0, 0, -1)
				err = s.Store.UpdatePlacement(ctx, old)
			}
			if err != nil {
				return err
			}
			if _, err := s.fillLater(ctx, e); err != nil {
				return err
			}
		}
		hours := o.Hours
		if unit.Kind == domain.School {
			hours = 0
		}
		pl = domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: o.Municipality, ChildID: o.Child,
			UnitID: o.Unit, Kind: unit.Kind, HoursPerWeek: hours, Period: domain.Period{Start: o.Start}}
		if err := s.Store.CreatePlacement(ctx, pl); err != nil {
			return err
		}
		o.Status, o.Answered, o.AnsweredBy, o.Placement = OfferAccepted, now, actor.Subject, pl.ID
		return s.Store.UpdateOffer(ctx, o)
	})
	if err != nil {
		return domain.Placement{}, err
	}
	return pl, nil
}

// fillLater offers the seat an earlier accepted offer held to the next
// child waiting for it.
func (s *Service) fillLater(ctx context.Context, e Offer) (*Offer, error) {
	in, err := s.Store.Intake(ctx, e.Municipality, e.Intake)
	if err != nil {
		return nil, err
	}
	return s.offerNext(ctx, in, e.Unit, e.Group, map[ApplicationID]bool{e.Application: true})
}

func openOffer(o Offer, now time.Time) error {
	if o.Status != OfferOpen {
		return &domain.ConflictError{Field: "status", Reason: "offer-status", Params: map[string]string{"status": fmt.Sprint(o.Status)}}
	}
	if !now.Before(o.Deadline) {
		return &domain.ConflictError{Field: "deadline", Reason: "the-answer-deadline-has-passed"}
	}
	return nil
}

// Decline declines an open offer for a guardian with parental
// responsibility; the seat goes to the next child on the unit's waiting
// list (a new offer).
func (s *Service) Decline(ctx context.Context, actor domain.Actor, id OfferID) error {
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		o, err := s.Store.Offer(ctx, actor.Municipality, id)
		if err != nil {
			return err
		}
		if err := s.responsible(ctx, actor, o.Municipality, o.Child); err != nil {
			return err
		}
		if err := openOffer(o, s.now()); err != nil {
			return err
		}
		return s.answer(ctx, o, OfferDeclined, s.now(), actor.Subject, nil)
	})
}

// answer closes an open offer as declined or lapsed and offers its seat to
// the next child waiting.
//
// states caches the waiting lists' data per intake across the answers of
// one transaction (LapseOffers); nil reads them afresh.
func (s *Service) answer(ctx context.Context, o Offer, st OfferStatus, now time.Time, by string, states map[IntakeID]*waitState) error {
	o.Status, o.Answered, o.AnsweredBy = st, now, by
	if err := s.Store.UpdateOffer(ctx, o); err != nil {
		return err
	}
	w := states[o.Intake]
	if w == nil {
		in, err := s.Store.Intake(ctx, o.Municipality, o.Intake)
		if err != nil {
			return err
		}
		if w, err = s.waitState(ctx, in); err != nil {
			return err
		}
		if states != nil {
			states[o.Intake] = w
		}
	} else {
		w.record(o)
	}
	_, err := s.offerNextIn(ctx, w, o.Unit, o.Group, nil)
	return err
}

// LapseOffers closes every open offer whose deadline is before now as
// lapsed (it counts as declined) and offers each seat to the next child on
// the waiting list. It is a job for a municipal actor (domain.SystemActor)
// and returns how many offers lapsed.
func (s *Service) LapseOffers(ctx context.Context, actor domain.Actor, now time.Time) (int, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return 0, err
	}
	n := 0
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		due, err := s.Store.DueOffers(ctx, m, now)
		if err != nil {
			return err
		}
		states := map[IntakeID]*waitState{}
		for _, o := range due {
			if err := s.answer(ctx, o, OfferLapsed, now, "", states); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// RemindOffers raises "offer.lapsing" for every open offer whose deadline
// is before now + within (a job, like LapseOffers); the notice key makes a
// repeated run notify once. It returns how many offers it reminded of.
func (s *Service) RemindOffers(ctx context.Context, actor domain.Actor, now time.Time, within time.Duration) (int, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return 0, err
	}
	n := 0
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		due, err := s.Store.DueOffers(ctx, m, now.Add(within))
		if err != nil {
			return err
		}
		byIntake := map[IntakeID][]Offer{}
		var order []IntakeID
		for _, o := range due {
			if !o.Deadline.After(now) {
				continue // lapsing, not a reminder
			}
			if byIntake[o.Intake] == nil {
				order = append(order, o.Intake)
			}
			byIntake[o.Intake] = append(byIntake[o.Intake], o)
			n++
		}
		for _, id := range order {
			in, err := s.Store.Intake(ctx, m, id)
			if err != nil {
				return err
			}
			if err := s.notifyOffers(ctx, in, KindOfferLapsing, byIntake[id]); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// WaitingEntry is one child on a unit's waiting list.
type WaitingEntry struct {
	Application ApplicationID  `json:"application"`
	Child       domain.ChildID `json:"child"`
	// Position is the place on the list, from 1.
	Position int `json:"position"`
	// Rank is the unit's place in the child's preferences.
	Rank int `json:"rank"`
	// Priority is the child's standing at the unit, in the order of the
	// intake's criteria.
	Priority Priority `json:"priority"`
	// Key sorts as text the way the list does and stays when others join
	// or leave it (for paging a list by key); not part of the API.
	Key string `json:"-"`
}

// waitState is what the waiting lists of an intake are computed from.
type waitState struct {
	in       Intake
	apps     []Application
	offers   map[ApplicationID][]Offer
	tiebreak map[ApplicationID]int64
	// drawn holds the applications whose tiebreak a run drew; the others
	// follow in the order they were submitted.
	drawn  map[ApplicationID]bool
	births map[domain.ChildID]date.Date
	bools  []Criterion
}

// waitState reads what the intake's waiting lists are made of in two
// statements: its applicants (Store.Entrants: the applications with the
// children's birth dates and the approved run's draws) and its offers.
func (s *Service) waitState(ctx context.Context, in Intake) (*waitState, error) {
	m := in.Municipality
	w := &waitState{in: in, offers: map[ApplicationID][]Offer{}, tiebreak: map[ApplicationID]int64{}, drawn: map[ApplicationID]bool{}}
	as, err := s.Store.Entrants(ctx, m, in.ID)
	if err != nil {
		return nil, err
	}
	os, err := s.Store.IntakeOffers(ctx, m, in.ID)
	if err != nil {
		return nil, err
	}
	for _, o := range os {
		w.offers[o.Application] = append(w.offers[o.Application], o)
	}
	w.apps = make([]Application, len(as))
	w.births = make(map[domain.ChildID]date.Date, len(as))
	var last int64
	for i, a := range as {
		w.apps[i] = a.Application
		w.births[a.Application.Child] = a.Birth
		if a.Drawn {
			w.tiebreak[a.Application.ID] = a.Tiebreak
			w.drawn[a.Application.ID] = true
			last = max(last, a.Tiebreak)
		}
	}
	// Applications after the run draw after everyone in it, first come
	// first served.
	late := slices.Clone(w.apps)
	slices.SortFunc(late, func(x, y Application) int { return cmp.Or(x.Submitted.Compare(y.Submitted), x.ID.Compare(y.ID)) })
	for _, a := range late {
		if _, ok := w.tiebreak[a.ID]; !ok {
			last++
			w.tiebreak[a.ID] = last
		}
	}
	a := &Allocation{}
	if _, err := a.criteriaOnly(in.Criteria); err != nil {
		return nil, err
	}
	w.bools = a.bools
	return w, nil
}

// key is an entry's place in the order of a list as text that sorts the
// same way, made of what does not change when another child joins: the
// priorities held, then a run's draw or, for an application after the
// runs, its submission time and ID.
func (w *waitState) key(a Application, p Priority) string {
	var b strings.Builder
	for _, h := range p.Holds {
		if h {
			b.WriteByte('0')
		} else {
			b.WriteByte('1')
		}
	}
	if w.drawn[a.ID] {
		fmt.Fprintf(&b, ".0.%020d", uint64(p.Tiebreak)^(1<<63))
	} else {
		b.WriteString(".1." + a.Submitted.UTC().Format("20060102T150405.000000000"))
	}
	b.WriteString("." + a.ID.String())
	return b.String()
}

// list is the waiting list of unit u for age group g: active applications
// in g ranking u, without an open offer, that have not declined or let an
// offer lapse, and do not hold a place they rank at least as high; ordered
// by the intake's criteria at u, then the lottery.
func (w *waitState) list(u domain.UnitID, g domain.AgeGroup, skip map[ApplicationID]bool) []WaitingEntry {
	var out []WaitingEntry
	for _, a := range w.apps {
		if !a.active() || skip[a.ID] || w.in.Group(w.births[a.Child]) != g {
			continue
		}
		pos := slices.Index(a.Preferences, u)
		if pos < 0 {
			continue
		}
		if e, ok := w.entry(a, pos, u); ok {
			out = append(out, e)
		}
	}
	sortList(out)
	return out
}

// listKey names a waiting list: a unit and an age group.
type listKey struct {
	unit  domain.UnitID
	group domain.AgeGroup
}

// lists makes every waiting list of the intake in one pass over its
// applications (each in the lists of the units it ranks), the same lists
// as list makes one by one.
func (w *waitState) lists() map[listKey][]WaitingEntry {
	out := map[listKey][]WaitingEntry{}
	for _, a := range w.apps {
		if !a.active() {
			continue
		}
		g := w.in.Group(w.births[a.Child])
		for pos, u := range a.Preferences {
			if slices.Index(a.Preferences, u) != pos {
				continue // a unit named twice counts at its first place
			}
			if e, ok := w.entry(a, pos, u); ok {
				k := listKey{u, g}
				out[k] = append(out[k], e)
			}
		}
	}
	for _, l := range out {
		sortList(l)
	}
	return out
}

// entry is active application a's entry on the list of unit u, its
// choice pos (from 0); false when its offers keep it off the list.
func (w *waitState) entry(a Application, pos int, u domain.UnitID) (WaitingEntry, bool) {
	for _, o := range w.offers[a.ID] {
		switch {
		case o.Status == OfferOpen, o.Status == OfferDeclined, o.Status == OfferLapsed:
			return WaitingEntry{}, false
		case o.Status == OfferAccepted && o.Rank <= pos+1:
			return WaitingEntry{}, false
		}
	}
	p := Priority{Holds: make([]bool, len(w.bools)), Tiebreak: w.tiebreak[a.ID]}
	for k, c := range w.bools {
		switch {
		case c == Statutory:
			p.Holds[k] = a.Statutory.Holds()
		case c == Sibling:
			p.Holds[k] = slices.Contains(a.SiblingAt, u)
		default:
			p.Holds[k] = a.Local[string(c[len(LocalPrefix):])].Holds()
		}
	}
	return WaitingEntry{Application: a.ID, Child: a.Child, Rank: pos + 1, Priority: p, Key: w.key(a, p)}, true
}

// sortList orders a list's entries by the priorities held, then the
// draw, and numbers their positions.
func sortList(l []WaitingEntry) {
	slices.SortFunc(l, func(x, y WaitingEntry) int {
		for k := range x.Priority.Holds {
			if x.Priority.Holds[k] != y.Priority.Holds[k] {
				if x.Priority.Holds[k] {
					return -1
				}
				return 1
			}
		}
		return cmp.Compare(x.Priority.Tiebreak, y.Priority.Tiebreak)
	})
	for i := range l {
		l[i].Position = i + 1
	}
}

// WaitingList is the waiting list of a unit for an age group in an intake,
// for a municipal actor.
func (s *Service) WaitingList(ctx context.Context, actor domain.Actor, intake IntakeID, unit domain.UnitID, g domain.AgeGroup) ([]WaitingEntry, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return nil, err
	}
	in, err := s.Store.Intake(ctx, m, intake)
	if err != nil {
		return nil, err
	}
	w, err := s.waitState(ctx, in)
	if err != nil {
		return nil, err
	}
	return w.list(unit, g, nil), nil
}

// UnitWaitingList is one unit's waiting list for one age group.
type UnitWaitingList struct {
	Unit    domain.UnitID
	Group   domain.AgeGroup
	Entries []WaitingEntry
}

// WaitingLists are the waiting lists of every unit of the intake, small
// children's first, computed from one read of the intake's applications,
// offers and runs (WaitingList for each would read them once per list).
func (s *Service) WaitingLists(ctx context.Context, actor domain.Actor, intake IntakeID) ([]UnitWaitingList, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return nil, err
	}
	in, err := s.Store.Intake(ctx, m, intake)
	if err != nil {
		return nil, err
	}
	w, err := s.waitState(ctx, in)
	if err != nil {
		return nil, err
	}
	ls := w.lists()
	out := make([]UnitWaitingList, 0, 2*len(in.Seats))
	for _, st := range in.Seats {
		for _, g := range []domain.AgeGroup{domain.Small, domain.Large} {
			es := ls[listKey{st.Unit, g}]
			if es == nil {
				es = []WaitingEntry{}
			}
			out = append(out, UnitWaitingList{Unit: st.Unit, Group: g, Entries: es})
		}
	}
	return out, nil
}

// Vacancy offers a seat that became free during the year (continuous
// admission) to the first child on the unit's waiting list for the age
// group. It returns nil when nobody waits.
func (s *Service) Vacancy(ctx context.Context, actor domain.Actor, intake IntakeID, unit domain.UnitID, g domain.AgeGroup) (*Offer, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return nil, err
	}
	var o *Offer
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		in, err := s.Store.Intake(ctx, m, intake)
		if err != nil {
			return err
		}
		o, err = s.offerNext(ctx, in, unit, g, nil)
		if err != nil || o == nil {
			return err
		}
		// The caseworker who offered the seat signs the decision letter.
		o.OfferedBy = cmp.Or(actor.Name, actor.Subject)
		return s.Store.UpdateOffer(ctx, *o)
	})
	return o, err
}

// offerNext offers a seat of unit u in group g to the first child on its
// waiting list, and raises "offer.sent".
func (s *Service) offerNext(ctx context.Context, in Intake, u domain.UnitID, g domain.AgeGroup, skip map[ApplicationID]bool) (*Offer, error) {
	w, err := s.waitState(ctx, in)
	if err != nil {
		return nil, err
	}
	return s.offerNextIn(ctx, w, u, g, skip)
}

// offerNextIn is offerNext on the data of w, which it keeps up to date
// with the offer it makes.
func (s *Service) offerNextIn(ctx context.Context, w *waitState, u domain.UnitID, g domain.AgeGroup, skip map[ApplicationID]bool) (*Offer, error) {
	in := w.in
	list := w.list(u, g, skip)
	if len(list) == 0 {
		return nil, nil
	}
	var a Application
	for _, x := range w.apps {
		if x.ID == list[0].Application {
			a = x
		}
	}
	now := s.now()
	o := Offer{ID: domain.NewID[Offer](), Municipality: in.Municipality, Intake: in.ID, Application: a.ID, Child: a.Child,
		Unit: u, Group: g, Rank: list[0].Rank, Start: max(a.Start, in.Start, domain.Today(s.clock())), Hours: a.Hours,
		Created: now, Deadline: answerDeadline(now, in.AnswerDays), Status: OfferOpen}
	if err := s.Store.CreateOffers(ctx, []Offer{o}); err != nil {
		return nil, err
	}
	if err := s.notifyOffers(ctx, in, KindOfferSent, []Offer{o}); err != nil {
		return nil, err
	}
	w.record(o)
	return &o, nil
}

// record puts a new or changed offer into w.
func (w *waitState) record(o Offer) {
	os := w.offers[o.Application]
	for i := range os {
		if os[i].ID == o.ID {
			os[i] = o
			return
		}
	}
	w.offers[o.Application] = append(os, o)
}

func (s *Service) clock() domain.Clock {
	if s.Clock == nil {
		return domain.SystemClock{}
	}
	return s.Clock
}
