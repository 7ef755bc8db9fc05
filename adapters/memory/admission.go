package memory

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// admissionState holds the records of the admission store port.
type admissionState struct {
	intakes      map[key[admission.Intake]]admission.Intake
	applications map[key[admission.Application]]admission.Application
	// byIntakeChild enforces one application per child and intake.
	byIntakeChild map[intakeChild]admission.ApplicationID
	runs          map[key[admission.Run]]admission.Run
	// approved holds the approved run of an intake.
	approved map[key[admission.Intake]]admission.RunID
	offers   map[key[admission.Offer]]admission.Offer
	// openOffer holds the open offer of an application.
	openOffer map[key[admission.Application]]admission.OfferID
}

type intakeChild struct {
	m      domain.Municipality
	intake admission.IntakeID
	child  domain.ChildID
}

func newAdmissionState() admissionState {
	return admissionState{
		intakes:       map[key[admission.Intake]]admission.Intake{},
		applications:  map[key[admission.Application]]admission.Application{},
		byIntakeChild: map[intakeChild]admission.ApplicationID{},
		runs:          map[key[admission.Run]]admission.Run{},
		approved:      map[key[admission.Intake]]admission.RunID{},
		offers:        map[key[admission.Offer]]admission.Offer{},
		openOffer:     map[key[admission.Application]]admission.OfferID{},
	}
}

var _ admission.Store = (*Store)(nil)

// listOf returns the values of municipality m that match, sorted by ID.
func listOf[T any](mp map[key[T]]T, m domain.Municipality, match func(T) bool) []T {
	type kv struct {
		id domain.ID[T]
		v  T
	}
	var kvs []kv
	for k, v := range mp {
		if k.m == m && match(v) {
			kvs = append(kvs, kv{k.id, v})
		}
	}
	slices.SortFunc(kvs, func(a, b kv) int { return a.id.Compare(b.id) })
	out := make([]T, len(kvs))
	for i := range kvs {
		out[i] = kvs[i].v
	}
	return out
}

// CreateIntake implements admission.Store.
func (s *Store) CreateIntake(ctx context.Context, in admission.Intake) error {
	if err := in.Validate(); err != nil {
		return err
	}
	in.Criteria = slices.Clone(in.Criteria)
	in.Seats = slices.Clone(in.Seats)
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[admission.Intake]{in.Municipality, in.ID}
		if _, ok := s.s.admission.intakes[k]; ok {
			return idTaken
		}
		put(t, s.s.admission.intakes, k, in)
		return nil
	})
}

// Intake implements admission.Store.
func (s *Store) Intake(ctx context.Context, m domain.Municipality, id admission.IntakeID) (in admission.Intake, err error) {
	err = s.read(ctx, func() error { in, err = get(s.s.admission.intakes, m, id, "intake"); return err })
	in.Criteria, in.Seats = slices.Clone(in.Criteria), slices.Clone(in.Seats)
	return in, err
}

// Intakes implements admission.Store.
func (s *Store) Intakes(ctx context.Context, m domain.Municipality) (out []admission.Intake, err error) {
	err = s.read(ctx, func() error {
		out = listOf(s.s.admission.intakes, m, func(admission.Intake) bool { return true })
		return nil
	})
	return out, err
}

func cloneApplication(a admission.Application) admission.Application {
	a.Preferences = slices.Clone(a.Preferences)
	a.SiblingAt = slices.Clone(a.SiblingAt)
	a.Together = slices.Clone(a.Together)
	a.Guardians = slices.Clone(a.Guardians)
	a.ConfirmedBy = slices.Clone(a.ConfirmedBy)
	if a.Local != nil {
		l := make(map[string]admission.Claim, len(a.Local))
		for k, v := range a.Local {
			l[k] = v
		}
		a.Local = l
	}
	return a
}

// CreateApplication implements admission.Store.
func (s *Store) CreateApplication(ctx context.Context, a admission.Application) error {
	if err := a.Validate(); err != nil {
		return err
	}
	a = cloneApplication(a)
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		if _, ok := s.s.admission.intakes[key[admission.Intake]{a.Municipality, a.Intake}]; !ok {
			return domain.Invalid("intake", "no such intake")
		}
		if _, ok := s.s.children[key[domain.Child]{a.Municipality, a.Child}]; !ok {
			return domain.Invalid("child", "no such child")
		}
		k := key[admission.Application]{a.Municipality, a.ID}
		if _, ok := s.s.admission.applications[k]; ok {
			return idTaken
		}
		ic := intakeChild{a.Municipality, a.Intake, a.Child}
		if _, ok := s.s.admission.byIntakeChild[ic]; ok {
			return secondApplication
		}
		put(t, s.s.admission.applications, k, a)
		put(t, s.s.admission.byIntakeChild, ic, a.ID)
		return nil
	})
}

var secondApplication = &domain.ConflictError{Field: "child", Reason: "the child already has an application in this intake"}

// UpdateApplication implements admission.Store.
func (s *Store) UpdateApplication(ctx context.Context, a admission.Application) error {
	if err := a.Validate(); err != nil {
		return err
	}
	a = cloneApplication(a)
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[admission.Application]{a.Municipality, a.ID}
		old, ok := s.s.admission.applications[k]
		if !ok {
			return notFound("application", a.ID)
		}
		if old.Intake != a.Intake || old.Child != a.Child {
			return domain.Invalid("intake", "the intake and child of an application cannot change")
		}
		put(t, s.s.admission.applications, k, a)
		return nil
	})
}

// Application implements admission.Store.
func (s *Store) Application(ctx context.Context, m domain.Municipality, id admission.ApplicationID) (a admission.Application, err error) {
	err = s.read(ctx, func() error { a, err = get(s.s.admission.applications, m, id, "application"); return err })
	return cloneApplication(a), err
}

// Applications implements admission.Store.
func (s *Store) Applications(ctx context.Context, m domain.Municipality, intake admission.IntakeID) (out []admission.Application, err error) {
	err = s.read(ctx, func() error {
		out = listOf(s.s.admission.applications, m, func(a admission.Application) bool { return a.Intake == intake })
		return nil
	})
	for i := range out {
		out[i] = cloneApplication(out[i])
	}
	return out, err
}

// ChildApplications implements admission.Store.
func (s *Store) ChildApplications(ctx context.Context, m domain.Municipality, child domain.ChildID) (out []admission.Application, err error) {
	err = s.read(ctx, func() error {
		out = listOf(s.s.admission.applications, m, func(a admission.Application) bool { return a.Child == child })
		return nil
	})
	for i := range out {
		out[i] = cloneApplication(out[i])
	}
	return out, err
}

// CreateRun implements admission.Store.
func (s *Store) CreateRun(ctx context.Context, r admission.Run) error {
	if err := r.Validate(); err != nil {
		return err
	}
	r.Results = slices.Clone(r.Results)
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		ik := key[admission.Intake]{r.Municipality, r.Intake}
		if _, ok := s.s.admission.intakes[ik]; !ok {
			return domain.Invalid("intake", "no such intake")
		}
		k := key[admission.Run]{r.Municipality, r.ID}
		if _, ok := s.s.admission.runs[k]; ok {
			return idTaken
		}
		if r.IsApproved() {
			if _, ok := s.s.admission.approved[ik]; ok {
				return runApproved
			}
			put(t, s.s.admission.approved, ik, r.ID)
		}
		put(t, s.s.admission.runs, k, r)
		return nil
	})
}

var runApproved = &domain.ConflictError{Field: "approved", Reason: "the intake already has an approved run"}

// ApproveRun implements admission.Store.
func (s *Store) ApproveRun(ctx context.Context, m domain.Municipality, id admission.RunID, at time.Time, by string) error {
	if at.IsZero() || by == "" {
		return domain.Invalid("approved", "a time and an approver are required")
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[admission.Run]{m, id}
		r, ok := s.s.admission.runs[k]
		if !ok {
			return notFound("run", id)
		}
		ik := key[admission.Intake]{m, r.Intake}
		if _, ok := s.s.admission.approved[ik]; ok || r.IsApproved() {
			return runApproved
		}
		r.Approved, r.ApprovedBy = at, by
		put(t, s.s.admission.runs, k, r)
		put(t, s.s.admission.approved, ik, id)
		return nil
	})
}

// Run implements admission.Store.
func (s *Store) Run(ctx context.Context, m domain.Municipality, id admission.RunID) (r admission.Run, err error) {
	err = s.read(ctx, func() error { r, err = get(s.s.admission.runs, m, id, "run"); return err })
	r.Results = slices.Clone(r.Results)
	return r, err
}

// Runs implements admission.Store.
func (s *Store) Runs(ctx context.Context, m domain.Municipality, intake admission.IntakeID) (out []admission.Run, err error) {
	err = s.read(ctx, func() error {
		out = listOf(s.s.admission.runs, m, func(r admission.Run) bool { return r.Intake == intake })
		return nil
	})
	for i := range out {
		out[i].Results = nil
	}
	return out, err
}

var secondOpenOffer = &domain.ConflictError{Field: "application", Reason: "the application already has an open offer"}

// CreateOffers implements admission.Store.
func (s *Store) CreateOffers(ctx context.Context, os []admission.Offer) error {
	for i, o := range os {
		if err := o.Validate(); err != nil {
			var p domain.Problems
			p.Merge("offers["+strconv.Itoa(i)+"]", err)
			return p.Err()
		}
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		for _, o := range os {
			ak := key[admission.Application]{o.Municipality, o.Application}
			a, ok := s.s.admission.applications[ak]
			if !ok || a.Intake != o.Intake || a.Child != o.Child {
				return domain.Invalid("application", "no such application of the intake and child")
			}
			if _, ok := s.s.units[key[domain.Unit]{o.Municipality, o.Unit}]; !ok {
				return domain.Invalid("unit", "no such unit")
			}
			k := key[admission.Offer]{o.Municipality, o.ID}
			if _, ok := s.s.admission.offers[k]; ok {
				return idTaken
			}
			if o.Status == admission.OfferOpen {
				if _, ok := s.s.admission.openOffer[ak]; ok {
					return secondOpenOffer
				}
				put(t, s.s.admission.openOffer, ak, o.ID)
			}
			put(t, s.s.admission.offers, k, o)
		}
		return nil
	})
}

// UpdateOffer implements admission.Store.
func (s *Store) UpdateOffer(ctx context.Context, o admission.Offer) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[admission.Offer]{o.Municipality, o.ID}
		old, ok := s.s.admission.offers[k]
		if !ok {
			return notFound("offer", o.ID)
		}
		if old.Status != admission.OfferOpen {
			return &domain.ConflictError{Field: "status", Reason: "the offer is " + string(old.Status)}
		}
		if old.Application != o.Application || old.Unit != o.Unit || old.Child != o.Child || old.Intake != o.Intake {
			return domain.Invalid("application", "only the answer of an offer may change")
		}
		ak := key[admission.Application]{o.Municipality, o.Application}
		if o.Status != admission.OfferOpen {
			del(t, s.s.admission.openOffer, ak)
		}
		put(t, s.s.admission.offers, k, o)
		return nil
	})
}

// Offer implements admission.Store.
func (s *Store) Offer(ctx context.Context, m domain.Municipality, id admission.OfferID) (o admission.Offer, err error) {
	err = s.read(ctx, func() error { o, err = get(s.s.admission.offers, m, id, "offer"); return err })
	return o, err
}

// IntakeOffers implements admission.Store.
func (s *Store) IntakeOffers(ctx context.Context, m domain.Municipality, intake admission.IntakeID) (out []admission.Offer, err error) {
	err = s.read(ctx, func() error {
		out = listOf(s.s.admission.offers, m, func(o admission.Offer) bool { return o.Intake == intake })
		return nil
	})
	return out, err
}

// ApplicationOffers implements admission.Store.
func (s *Store) ApplicationOffers(ctx context.Context, m domain.Municipality, app admission.ApplicationID) (out []admission.Offer, err error) {
	err = s.read(ctx, func() error {
		out = listOf(s.s.admission.offers, m, func(o admission.Offer) bool { return o.Application == app })
		return nil
	})
	return out, err
}

// DueOffers implements admission.Store.
func (s *Store) DueOffers(ctx context.Context, m domain.Municipality, before time.Time) (out []admission.Offer, err error) {
	err = s.read(ctx, func() error {
		out = listOf(s.s.admission.offers, m, func(o admission.Offer) bool {
			return o.Status == admission.OfferOpen && !o.Deadline.After(before)
		})
		return nil
	})
	return out, err
}
