package attendance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Service runs the attendance use cases. Every method takes the actor who
// asks and checks it; writes run in one transaction of Store.
type Service struct {
	Store Backend
	Clock domain.Clock
	// Notifier receives the notices of the service (an undocumented school
	// absence) inside the transaction of the change; nil drops them.
	Notifier domain.Notifier
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return domain.SystemClock{}.Now()
	}
	return s.Clock.Now()
}

func (s *Service) today() date.Date { return date.NewAt(s.now().In(domain.Oslo())) }

// Event is a check event as a device sends it.
type Event struct {
	// Key is the idempotency key the device chose (a UUID it made when the
	// button was pressed): sending the event again with it records nothing
	// new.
	Key   string         `json:"key"`
	Child domain.ChildID `json:"child"`
	Unit  domain.UnitID  `json:"unit"`
	// At is when it happened; a device that was offline sends it later.
	// Zero means now (the service's Clock). A retry without At (the same
	// Key, child, unit, kind and collector) returns the first record
	// whenever it comes, though "now" has moved on.
	At time.Time `json:"at"`
	// Collector is who collected the child (check-out only).
	Collector Collector `json:"collector,omitzero"`
}

// CheckIn records that a child arrived at its unit. The actor must be staff
// of the unit; the child must have a placement at the unit that day; the
// time must not be in the future, and the child must not already be checked
// in at that time. Sending the same event again (same key) returns the
// first record; so does a retry without a time (Event.At zero: now).
func (s *Service) CheckIn(ctx context.Context, a domain.Actor, e Event) (Check, error) {
	return s.check(ctx, a, e, CheckIn)
}

// CheckOut records that a child left its unit with a collector. It is
// refused before any check-in that day. A collector who is neither on the
// child's pickup list (valid that day) nor a guardian with parental
// responsibility is recorded with the warning WarnUnlistedCollector.
func (s *Service) CheckOut(ctx context.Context, a domain.Actor, e Event) (Check, error) {
	return s.check(ctx, a, e, CheckOut)
}

func (s *Service) check(ctx context.Context, a domain.Actor, e Event, kind CheckKind) (Check, error) {
	if err := a.Validate(); err != nil {
		return Check{}, err
	}
	if !a.WorksAt(e.Unit) {
		return Check{}, fmt.Errorf("attendance: %s does not work at unit %s: %w", a, e.Unit, domain.ErrForbidden)
	}
	// Without a time the event happens now; a retry of it then matches
	// the first record whatever its time (below).
	untimed := e.At.IsZero()
	at := e.At
	if untimed {
		at = s.now()
	}
	at = at.Truncate(time.Microsecond).In(domain.Oslo())
	c := Check{
		ID: domain.NewID[Check](), Municipality: a.Municipality, Key: e.Key,
		ChildID: e.Child, UnitID: e.Unit, Kind: kind, At: at, Day: date.NewAt(at), By: a.Subject, Collector: e.Collector,
	}
	if err := c.Validate(); err != nil {
		return Check{}, err
	}
	if c.At.After(s.now()) {
		return Check{}, domain.Invalid("at", "time-in-the-future", "time", fmt.Sprint(c.At.Format(time.RFC3339)))
	}
	if kind == CheckOut && c.Collector.IsZero() {
		return Check{}, domain.Invalid("collector", "is-required-at-check-out")
	}
	var out Check
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		cc, err := s.Store.CheckContext(ctx, c.Municipality, c.ChildID, c.Day, c.Key)
		if err != nil {
			return err
		}
		if cc.Existing != nil {
			sent := c
			if untimed {
				sent.At = cc.Existing.At
			}
			if !cc.Existing.Same(sent) {
				return &domain.ConflictError{Field: "key", Reason: "was-used-for-another-event"}
			}
			out = *cc.Existing
			return nil
		}
		placed := false
		for _, p := range cc.Placements {
			placed = placed || (p.UnitID == c.UnitID && p.Period.Contains(c.Day))
		}
		if !placed {
			return domain.Invalid("unitId", "the-child-has-no-placement-at-this-unit-on", "day", fmt.Sprint(c.Day))
		}
		// The child's state at the unit just before the event.
		in := false
		var since time.Time
		for _, x := range cc.Checks {
			if x.UnitID != c.UnitID || x.At.After(c.At) {
				continue
			}
			in, since = x.Kind == CheckIn, x.At
		}
		switch {
		case kind == CheckIn && in:
			return domain.Invalid("kind", "the-child-is-already-checked-in-since", "time", fmt.Sprint(since.Format("15:04")))
		case kind == CheckOut && !in && since.IsZero():
			return domain.Invalid("kind", "the-child-has-not-been-checked-in-on", "day", fmt.Sprint(c.Day))
		case kind == CheckOut && !in:
			return domain.Invalid("kind", "the-child-already-left-at", "time", fmt.Sprint(since.Format("15:04")))
		}
		if kind == CheckOut {
			if c.Warning, err = s.collectorWarning(ctx, &c); err != nil {
				return err
			}
		}
		// Nothing in the transaction reads the event back, and the read
		// above found none under its key: the insert may go with the
		// commit (a round trip less on a database across a network).
		out, _, err = s.Store.AddCheck(domain.AtCommit(ctx), c)
		return err
	})
	return out, err
}

// collectorWarning matches the collector against the pickup list and the
// guardians; a named collector who is on the list gets its Pickup ID.
func (s *Service) collectorWarning(ctx context.Context, c *Check) (string, error) {
	col := &c.Collector
	if !col.Guardian.IsZero() {
		gs, err := s.Store.Guardianships(ctx, c.Municipality, c.ChildID)
		if err != nil {
			return "", err
		}
		for _, g := range gs {
			if g.GuardianID != col.Guardian {
				continue
			}
			if col.Name == "" {
				gd, err := s.Store.Guardian(ctx, c.Municipality, g.GuardianID)
				if err != nil {
					return "", err
				}
				col.Name = gd.GivenName + " " + gd.FamilyName
			}
			if g.ParentalResponsibility {
				return "", nil
			}
		}
		return WarnUnlistedCollector, nil
	}
	list, err := s.Store.Pickups(ctx, c.Municipality, c.ChildID)
	if err != nil {
		return "", err
	}
	for _, p := range list {
		if !p.ValidOn(c.Day) {
			continue
		}
		if col.Pickup == p.ID || (col.Pickup.IsZero() && strings.EqualFold(strings.TrimSpace(col.Name), strings.TrimSpace(p.Name))) {
			col.Pickup = p.ID
			if col.Name == "" {
				col.Name = p.Name
			}
			return "", nil
		}
	}
	return WarnUnlistedCollector, nil
}

// same municipality, or ErrForbidden.
func sameMunicipality(a domain.Actor, m domain.Municipality) error {
	if a.Municipality != m {
		return fmt.Errorf("attendance: %s acts for another municipality: %w", a, domain.ErrForbidden)
	}
	return nil
}

// guardianship returns the actor's guardianship of the child, if it is a
// guardian of it.
func (s *Service) guardianship(ctx context.Context, a domain.Actor, child domain.ChildID) (domain.Guardianship, bool, error) {
	if a.Role != domain.RoleGuardian {
		return domain.Guardianship{}, false, nil
	}
	gs, err := s.Store.Guardianships(ctx, a.Municipality, child)
	if err != nil {
		return domain.Guardianship{}, false, err
	}
	for _, g := range gs {
		if g.GuardianID == a.Guardian {
			return g, true, nil
		}
	}
	return domain.Guardianship{}, false, nil
}

// placedWith reports whether the child has a placement on day d in a unit
// the staff actor works at.
func (s *Service) placedWith(ctx context.Context, a domain.Actor, child domain.ChildID, d date.Date) (bool, error) {
	if a.Role != domain.RoleStaff {
		return false, nil
	}
	ps, err := s.Store.Placements(ctx, a.Municipality, child)
	if err != nil {
		return false, err
	}
	for _, p := range ps {
		if p.Period.Contains(d) && a.WorksAt(p.UnitID) {
			return true, nil
		}
	}
	return false, nil
}

// mayActFor allows a guardian with parental responsibility, or staff of a
// unit the child is placed at on day d.
func (s *Service) mayActFor(ctx context.Context, a domain.Actor, child domain.ChildID, d date.Date) error {
	if err := a.Validate(); err != nil {
		return err
	}
	g, ok, err := s.guardianship(ctx, a, child)
	if err != nil {
		return err
	}
	if ok && g.ParentalResponsibility {
		return nil
	}
	staff, err := s.placedWith(ctx, a, child, d)
	if err != nil || staff {
		return err
	}
	return fmt.Errorf("attendance: %s may not act for child %s: %w", a, child, domain.ErrForbidden)
}

// mayReadUnit allows staff of the unit and municipal actors.
func mayReadUnit(a domain.Actor, unit domain.UnitID) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if a.WorksAt(unit) || a.Municipal() {
		return nil
	}
	return fmt.Errorf("attendance: %s may not see unit %s: %w", a, unit, domain.ErrForbidden)
}

// Settings returns the actor's municipality's settings.
func (s *Service) Settings(ctx context.Context, a domain.Actor) (Settings, error) {
	if err := a.Validate(); err != nil {
		return Settings{}, err
	}
	return s.Store.Settings(ctx, a.Municipality)
}

// PutSettings replaces the municipality's settings; only caseworkers and
// administrators of the municipality may.
func (s *Service) PutSettings(ctx context.Context, a domain.Actor, st Settings) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if a.Role != domain.RoleCaseworker && a.Role != domain.RoleAdmin {
		return fmt.Errorf("attendance: %s may not change settings: %w", a, domain.ErrForbidden)
	}
	if err := sameMunicipality(a, st.Municipality); err != nil {
		return err
	}
	if err := st.Validate(); err != nil {
		return err
	}
	return s.Store.PutSettings(ctx, st)
}

// AddDuty records a staff member on duty at a unit; staff of the unit and
// municipal actors may.
func (s *Service) AddDuty(ctx context.Context, a domain.Actor, d Duty) (Duty, error) {
	if err := mayReadUnit(a, d.UnitID); err != nil {
		return Duty{}, err
	}
	d.Municipality = a.Municipality
	if d.ID.IsZero() {
		d.ID = domain.NewID[Duty]()
	}
	d.Start = d.Start.Truncate(time.Microsecond).In(domain.Oslo())
	d.End = d.End.Truncate(time.Microsecond).In(domain.Oslo())
	if err := d.Validate(); err != nil {
		return Duty{}, err
	}
	return d, s.Store.AddDuty(ctx, d)
}
