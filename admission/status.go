package admission

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Status is where an application stands, as the applicant follows it.
type Status string

// Statuses.
const (
	StatusReceived  Status = "received"
	StatusInProcess Status = "in-process"
	StatusOffered   Status = "offered"
	StatusAccepted  Status = "accepted"
	StatusDeclined  Status = "declined"
	StatusLapsed    Status = "lapsed"
	StatusWaiting   Status = "waiting"
	StatusWithdrawn Status = "withdrawn"
	StatusRejected  Status = "rejected"
)

// Step is one step of an application's history.
type Step struct {
	Status Status    `json:"status"`
	At     time.Time `json:"at"`
	// Unit is the unit of an offer step.
	Unit domain.UnitID `json:"unit,omitzero"`
}

// ApplicationView is an application as its guardians and the caseworker
// follow it: the status, the dated history, the next deadline, the offers,
// and its positions on the waiting lists of units it ranks above what it
// holds.
type ApplicationView struct {
	Application Application `json:"application"`
	Status      Status      `json:"status"`
	History     []Step      `json:"history"`
	// NextDeadline is the answer deadline of an open offer, or the intake's
	// deadline (as midnight ending that day) before a run; zero for none.
	NextDeadline time.Time      `json:"nextDeadline,omitzero"`
	Offers       []Offer        `json:"offers"`
	Waiting      []WaitingEntry `json:"waiting"`
}

// View shows an application to a guardian with parental responsibility
// for the child (either of them) or to the municipality.
func (s *Service) View(ctx context.Context, actor domain.Actor, id ApplicationID) (ApplicationView, error) {
	var v ApplicationView
	err := reads(ctx, func(ctx context.Context) error {
		a, err := s.Store.Application(ctx, actor.Municipality, id)
		if err != nil {
			return err
		}
		if err := s.responsibleOrMunicipal(ctx, actor, a.Municipality, a.Child); err != nil {
			return err
		}
		in, err := s.Store.Intake(ctx, a.Municipality, a.Intake)
		if err != nil {
			return err
		}
		runs, err := s.Store.Runs(ctx, a.Municipality, a.Intake)
		if err != nil {
			return err
		}
		w, err := s.waitState(ctx, in)
		if err != nil {
			return err
		}
		v = view(in, a, runs, w, func(u domain.UnitID, g domain.AgeGroup) []WaitingEntry { return w.list(u, g, nil) })
		return nil
	})
	return v, err
}

// ApplicationStatus is one of an intake's applications with its status.
type ApplicationStatus struct {
	Application Application `json:"application"`
	Status      Status      `json:"status"`
}

// IntakeStatuses lists, for a municipal actor, every application of an
// intake with its status (as View gives it), by ID. It reads the intake,
// its applications, runs and offers once, whatever the number of
// applications, and no child.
func (s *Service) IntakeStatuses(ctx context.Context, actor domain.Actor, intake IntakeID) ([]ApplicationStatus, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return nil, err
	}
	var out []ApplicationStatus
	err := reads(ctx, func(ctx context.Context) error {
		in, err := s.Store.Intake(ctx, m, intake)
		if err != nil {
			return err
		}
		apps, err := s.Store.Applications(ctx, m, intake)
		if err != nil {
			return err
		}
		runs, err := s.Store.Runs(ctx, m, intake)
		if err != nil {
			return err
		}
		os, err := s.Store.IntakeOffers(ctx, m, intake)
		if err != nil {
			return err
		}
		offers := map[ApplicationID][]Offer{}
		for _, o := range os {
			offers[o.Application] = append(offers[o.Application], o)
		}
		out = make([]ApplicationStatus, len(apps))
		for i, a := range apps {
			out[i] = ApplicationStatus{Application: a, Status: history(in, a, runs, offers[a.ID]).Status}
		}
		return nil
	})
	return out, err
}

// IntakeViews shows a municipal actor the applications ids of an intake
// (a page of them) as View does, reading the intake, its runs and its
// waiting state (Store.Entrants and the offers) once for all of them,
// and making every waiting list once. An ID that is not the intake's is
// domain.ErrNotFound.
func (s *Service) IntakeViews(ctx context.Context, actor domain.Actor, intake IntakeID, ids []ApplicationID) ([]ApplicationView, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return nil, err
	}
	out := make([]ApplicationView, 0, len(ids))
	err := reads(ctx, func(ctx context.Context) error {
		in, err := s.Store.Intake(ctx, m, intake)
		if err != nil {
			return err
		}
		runs, err := s.Store.Runs(ctx, m, intake)
		if err != nil {
			return err
		}
		w, err := s.waitState(ctx, in)
		if err != nil {
			return err
		}
		// Every waiting list made in one pass over the intake, not once
		// per application ranking it.
		ls := w.lists()
		list := func(u domain.UnitID, g domain.AgeGroup) []WaitingEntry { return ls[listKey{u, g}] }
		byID := make(map[ApplicationID]Application, len(w.apps))
		for _, a := range w.apps {
			byID[a.ID] = a
		}
		for _, id := range ids {
			a, ok := byID[id]
			if !ok {
				return fmt.Errorf("admission: application %s of intake %s: %w", id, intake, domain.ErrNotFound)
			}
			out = append(out, view(in, a, runs, w, list))
		}
		return nil
	})
	return out, err
}

// view is the view of an application with its waiting positions, from
// the waiting lists list makes.
func view(in Intake, a Application, runs []Run, w *waitState, list func(domain.UnitID, domain.AgeGroup) []WaitingEntry) ApplicationView {
	v := history(in, a, runs, w.offers[a.ID])
	if a.active() {
		g := in.Group(w.births[a.Child])
		for _, u := range a.Preferences {
			for _, e := range list(u, g) {
				if e.Application == a.ID {
					v.Waiting = append(v.Waiting, e)
				}
			}
		}
	}
	return v
}

// history is the view of an application without its waiting positions:
// the status, the dated history, the offers and the next deadline.
func history(in Intake, a Application, runs []Run, offers []Offer) ApplicationView {
	v := ApplicationView{Application: a, Offers: slices.Clone(offers), Waiting: []WaitingEntry{}}
	if v.Offers == nil {
		v.Offers = []Offer{}
	}
	v.History = append(v.History, Step{Status: StatusReceived, At: a.Submitted})
	for _, r := range runs {
		if r.Created.Before(a.Submitted) {
			continue
		}
		v.History = append(v.History, Step{Status: StatusInProcess, At: r.Created})
		break
	}
	approved := time.Time{}
	for _, r := range runs {
		if r.IsApproved() {
			approved = r.Approved
		}
	}
	ranOffer := false
	for _, o := range v.Offers {
		v.History = append(v.History, Step{Status: StatusOffered, At: o.Created, Unit: o.Unit})
		if !o.Run.IsZero() {
			ranOffer = true
		}
		switch o.Status {
		case OfferAccepted:
			v.History = append(v.History, Step{Status: StatusAccepted, At: o.Answered, Unit: o.Unit})
		case OfferDeclined:
			v.History = append(v.History, Step{Status: StatusDeclined, At: o.Answered, Unit: o.Unit})
		case OfferLapsed:
			v.History = append(v.History, Step{Status: StatusLapsed, At: o.Answered, Unit: o.Unit})
		case OfferOpen:
			v.NextDeadline = o.Deadline
		}
	}
	// Without an offer from the run (or applying after it), the child
	// waits from the approval (or its application).
	if !approved.IsZero() && !ranOffer {
		at := approved
		if a.Submitted.After(at) {
			at = a.Submitted
		}
		v.History = append(v.History, Step{Status: StatusWaiting, At: at})
	}
	if !a.Rejected.IsZero() {
		v.History = append(v.History, Step{Status: StatusRejected, At: a.Rejected})
	}
	if !a.Withdrawn.IsZero() {
		v.History = append(v.History, Step{Status: StatusWithdrawn, At: a.Withdrawn})
	}
	order := map[Status]int{StatusReceived: 0, StatusInProcess: 1, StatusWaiting: 2, StatusOffered: 3,
		StatusAccepted: 4, StatusDeclined: 4, StatusLapsed: 4, StatusRejected: 5, StatusWithdrawn: 5}
	slices.SortStableFunc(v.History, func(x, y Step) int {
		return cmp.Or(x.At.Compare(y.At), cmp.Compare(order[x.Status], order[y.Status]))
	})
	v.Status = v.History[len(v.History)-1].Status
	if v.Status == StatusReceived && a.active() {
		d := in.Deadline.AddDate(0, 0, 1)
		v.NextDeadline = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, domain.Oslo())
	}
	return v
}

// Obligation is a child with the statutory right to a kindergarten place
// (barnehageloven § 16) who has had no offer by the month the right
// applies.
type Obligation struct {
	Application ApplicationID  `json:"application"`
	Child       domain.ChildID `json:"child"`
	// From is the month the right applies from.
	From  Month `json:"from"`
	Right Right `json:"right"`
}

// Obligations reports, for a municipal actor, every child applying in a
// kindergarten intake who has a right to a place from month or earlier and
// has had no offer (an offer declined or lapsed counts as made). Residence
// is taken from the directory: a child registered in the municipality is
// resident.
func (s *Service) Obligations(ctx context.Context, actor domain.Actor, intake IntakeID, month Month) ([]Obligation, error) {
	m := actor.Municipality
	if err := municipal(actor, m); err != nil {
		return nil, err
	}
	out := []Obligation{}
	err := reads(ctx, func(ctx context.Context) error {
		in, err := s.Store.Intake(ctx, m, intake)
		if err != nil {
			return err
		}
		if in.Kind != domain.Kindergarten {
			return domain.Invalid("intake", "the-right-to-a-place-applies-to-kindergarten-intakes")
		}
		w, err := s.waitState(ctx, in)
		if err != nil {
			return err
		}
		// The rules of the intake's year, read once for all its
		// applications (RightToPlace reads them per call).
		if in.AdmissionYear < 1 || in.AdmissionYear > 9999 {
			return domain.Invalid("applicationYear", "must-be-a-year-from-1-to-9999")
		}
		rules, err := NationalRightRules(in.AdmissionYear)
		if err != nil {
			return err
		}
		for _, a := range w.apps {
			if !a.active() || len(w.offers[a.ID]) > 0 {
				continue
			}
			r := DecideRight(rules, RightApplication{
				BirthDate:              w.births[a.Child],
				ApplicationYear:        in.AdmissionYear,
				AppliedByDeadline:      in.Main && date.NewAt(a.Submitted.In(domain.Oslo())) <= in.Deadline,
				ResidentInMunicipality: true,
			})
			if r.HasRight && monthKey(r.From) <= monthKey(month) {
				out = append(out, Obligation{Application: a.ID, Child: a.Child, From: r.From, Right: r})
			}
		}
		return nil
	})
	return out, err
}

func monthKey(m Month) int { return m.Year*12 + int(m.Month) }

// String names a status in English.
func (st Status) String() string { return string(st) }

// Render names the status in l.
func (st Status) Render(l Lang) string {
	switch st {
	case StatusReceived:
		return pick(l, "mottatt", "motteken", "received")
	case StatusInProcess:
		return pick(l, "under behandling", "under handsaming", "in process")
	case StatusOffered:
		return pick(l, "tilbud sendt", "tilbod sendt", "offered")
	case StatusAccepted:
		return pick(l, "takket ja", "takka ja", "accepted")
	case StatusDeclined:
		return pick(l, "takket nei", "takka nei", "declined")
	case StatusLapsed:
		return pick(l, "ikke besvart innen fristen", "ikkje svart innan fristen", "lapsed")
	case StatusWaiting:
		return pick(l, "på venteliste", "på venteliste", "waiting")
	case StatusWithdrawn:
		return pick(l, "trukket", "trekt", "withdrawn")
	case StatusRejected:
		return pick(l, "avvist", "avvist", "rejected")
	}
	return fmt.Sprint(string(st))
}
