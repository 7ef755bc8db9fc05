package memory

import (
	"cmp"
	"context"
	"maps"
	"slices"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// attendanceState holds the records of the attendance store port.
type attendanceState struct {
	checks map[key[attendance.Check]]attendance.Check
	// checkKeys is the unique (municipality, idempotency key).
	checkKeys map[nidKey]attendance.CheckID
	// checksByChild indexes checks by child and day.
	checksByChild map[childDay]map[attendance.CheckID]struct{}
	checksByUnit  map[unitDay]map[attendance.CheckID]struct{}

	pickups        map[key[attendance.Pickup]]attendance.Pickup
	absences       map[key[attendance.Absence]]attendance.Absence
	duties         map[key[attendance.Duty]]attendance.Duty
	schoolAbsences map[key[attendance.SchoolAbsence]]attendance.SchoolAbsence
	settings       map[domain.Municipality]attendance.Settings
}

type childDay struct {
	m     domain.Municipality
	child domain.ChildID
	day   date.Date
}

type unitDay struct {
	m    domain.Municipality
	unit domain.UnitID
	day  date.Date
}

func newAttendanceState() attendanceState {
	return attendanceState{
		checks:         map[key[attendance.Check]]attendance.Check{},
		checkKeys:      map[nidKey]attendance.CheckID{},
		checksByChild:  map[childDay]map[attendance.CheckID]struct{}{},
		checksByUnit:   map[unitDay]map[attendance.CheckID]struct{}{},
		pickups:        map[key[attendance.Pickup]]attendance.Pickup{},
		absences:       map[key[attendance.Absence]]attendance.Absence{},
		duties:         map[key[attendance.Duty]]attendance.Duty{},
		schoolAbsences: map[key[attendance.SchoolAbsence]]attendance.SchoolAbsence{},
		settings:       map[domain.Municipality]attendance.Settings{},
	}
}

var _ attendance.Store = (*Store)(nil)

func sortChecks(cs []attendance.Check) {
	slices.SortFunc(cs, func(a, b attendance.Check) int { return cmp.Or(a.At.Compare(b.At), a.ID.Compare(b.ID)) })
}

func (s *Store) checksOf(m domain.Municipality, ids map[attendance.CheckID]struct{}) []attendance.Check {
	out := make([]attendance.Check, 0, len(ids))
	for id := range ids {
		out = append(out, s.s.attendance.checks[key[attendance.Check]{m, id}])
	}
	sortChecks(out)
	return out
}

// refChild refuses a record whose child does not exist in the
// municipality, as the SQL stores' foreign keys do.
func (s *Store) refChild(m domain.Municipality, id domain.ChildID) error {
	if _, ok := s.s.children[key[domain.Child]{m, id}]; !ok {
		return domain.Invalid("childId", "no such child")
	}
	return nil
}

func (s *Store) refUnit(m domain.Municipality, id domain.UnitID) error {
	if _, ok := s.s.units[key[domain.Unit]{m, id}]; !ok {
		return domain.Invalid("unitId", "no such unit")
	}
	return nil
}

// CheckContext implements attendance.Store.
func (s *Store) CheckContext(ctx context.Context, m domain.Municipality, child domain.ChildID, day date.Date, k string) (cc attendance.CheckContext, err error) {
	err = s.read(ctx, func() error {
		if id, ok := s.s.attendance.checkKeys[nidKey{m, k}]; ok {
			c := s.s.attendance.checks[key[attendance.Check]{m, id}]
			cc.Existing = &c
		}
		for _, p := range s.childPlacements(m, child) {
			if p.Period.Contains(day) {
				cc.Placements = append(cc.Placements, p)
			}
		}
		cc.Checks = s.checksOf(m, s.s.attendance.checksByChild[childDay{m, child, day}])
		return nil
	})
	return cc, err
}

// AddCheck implements attendance.Store.
func (s *Store) AddCheck(ctx context.Context, c attendance.Check) (out attendance.Check, created bool, err error) {
	if err := c.Validate(); err != nil {
		return attendance.Check{}, false, err
	}
	err = s.write(ctx, func(ctx context.Context, t *tx) error {
		if id, ok := s.s.attendance.checkKeys[nidKey{c.Municipality, c.Key}]; ok {
			out = s.s.attendance.checks[key[attendance.Check]{c.Municipality, id}]
			return nil
		}
		k := key[attendance.Check]{c.Municipality, c.ID}
		if _, ok := s.s.attendance.checks[k]; ok {
			return idTaken
		}
		if err := s.refChild(c.Municipality, c.ChildID); err != nil {
			return err
		}
		if err := s.refUnit(c.Municipality, c.UnitID); err != nil {
			return err
		}
		put(t, s.s.attendance.checks, k, c)
		put(t, s.s.attendance.checkKeys, nidKey{c.Municipality, c.Key}, c.ID)
		put(t, inner(t, s.s.attendance.checksByChild, childDay{c.Municipality, c.ChildID, c.Day}), c.ID, struct{}{})
		put(t, inner(t, s.s.attendance.checksByUnit, unitDay{c.Municipality, c.UnitID, c.Day}), c.ID, struct{}{})
		out, created = c, true
		return nil
	})
	return out, created, err
}

// UnitDay implements attendance.Store.
func (s *Store) UnitDay(ctx context.Context, m domain.Municipality, unit domain.UnitID, day date.Date) (d attendance.Day, err error) {
	err = s.read(ctx, func() error {
		placed := map[domain.ChildID]bool{}
		for k, p := range s.s.placements {
			if k.m == m && p.UnitID == unit && p.Period.Contains(day) {
				d.Placements = append(d.Placements, p)
				if !placed[p.ChildID] {
					placed[p.ChildID] = true
					d.Children = append(d.Children, s.s.children[key[domain.Child]{m, p.ChildID}])
				}
			}
		}
		slices.SortFunc(d.Placements, func(a, b domain.Placement) int {
			return cmp.Or(a.ChildID.Compare(b.ChildID), cmp.Compare(a.Period.Start, b.Period.Start), a.ID.Compare(b.ID))
		})
		slices.SortFunc(d.Children, func(a, b domain.Child) int { return a.ID.Compare(b.ID) })
		d.Checks = s.checksOf(m, s.s.attendance.checksByUnit[unitDay{m, unit, day}])
		for k, a := range s.s.attendance.absences {
			if k.m == m && placed[a.ChildID] && a.Period.Contains(day) {
				d.Absences = append(d.Absences, a)
			}
		}
		sortAbsences(d.Absences)
		for k, du := range s.s.attendance.duties {
			if k.m == m && du.UnitID == unit && du.Day == day {
				d.Duties = append(d.Duties, du)
			}
		}
		slices.SortFunc(d.Duties, func(a, b attendance.Duty) int { return cmp.Or(a.Start.Compare(b.Start), a.ID.Compare(b.ID)) })
		return nil
	})
	return d, err
}

func sortAbsences(as []attendance.Absence) {
	slices.SortFunc(as, func(a, b attendance.Absence) int {
		return cmp.Or(a.ChildID.Compare(b.ChildID), cmp.Compare(a.Period.Start, b.Period.Start), a.ID.Compare(b.ID))
	})
}

// PutPickup implements attendance.Store.
func (s *Store) PutPickup(ctx context.Context, p attendance.Pickup) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		if err := s.refChild(p.Municipality, p.ChildID); err != nil {
			return err
		}
		k := key[attendance.Pickup]{p.Municipality, p.ID}
		if old, ok := s.s.attendance.pickups[k]; ok && old.ChildID != p.ChildID {
			return idTaken
		}
		put(t, s.s.attendance.pickups, k, p)
		return nil
	})
}

// DeletePickup implements attendance.Store.
func (s *Store) DeletePickup(ctx context.Context, m domain.Municipality, id attendance.PickupID) error {
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[attendance.Pickup]{m, id}
		if _, ok := s.s.attendance.pickups[k]; !ok {
			return notFound("pickup", id)
		}
		del(t, s.s.attendance.pickups, k)
		return nil
	})
}

// Pickups implements attendance.Store.
func (s *Store) Pickups(ctx context.Context, m domain.Municipality, child domain.ChildID) (out []attendance.Pickup, err error) {
	err = s.read(ctx, func() error {
		for k, p := range s.s.attendance.pickups {
			if k.m == m && p.ChildID == child {
				out = append(out, p)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b attendance.Pickup) int { return cmp.Or(domain.CompareNB(a.Name, b.Name), a.ID.Compare(b.ID)) })
	return out, err
}

// AddAbsence implements attendance.Store.
func (s *Store) AddAbsence(ctx context.Context, a attendance.Absence) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[attendance.Absence]{a.Municipality, a.ID}
		if _, ok := s.s.attendance.absences[k]; ok {
			return idTaken
		}
		if err := s.refChild(a.Municipality, a.ChildID); err != nil {
			return err
		}
		for ok, o := range s.s.attendance.absences {
			if ok.m == a.Municipality && o.ChildID == a.ChildID && o.Period.Overlaps(a.Period) {
				return &domain.ConflictError{Field: "period", Reason: "overlaps another absence of the child"}
			}
		}
		put(t, s.s.attendance.absences, k, a)
		return nil
	})
}

// DeleteAbsence implements attendance.Store.
func (s *Store) DeleteAbsence(ctx context.Context, m domain.Municipality, id attendance.AbsenceID) error {
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[attendance.Absence]{m, id}
		if _, ok := s.s.attendance.absences[k]; !ok {
			return notFound("absence", id)
		}
		del(t, s.s.attendance.absences, k)
		return nil
	})
}

// Absences implements attendance.Store.
func (s *Store) Absences(ctx context.Context, m domain.Municipality, child domain.ChildID, within domain.Period) (out []attendance.Absence, err error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	err = s.read(ctx, func() error {
		for k, a := range s.s.attendance.absences {
			if k.m == m && a.ChildID == child && a.Period.Overlaps(within) {
				out = append(out, a)
			}
		}
		return nil
	})
	sortAbsences(out)
	return out, err
}

// UnitAbsences implements attendance.Store.
func (s *Store) UnitAbsences(ctx context.Context, m domain.Municipality, unit domain.UnitID, within domain.Period) (out []attendance.Absence, err error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	err = s.read(ctx, func() error {
		placed := map[domain.ChildID]bool{}
		for k, p := range s.s.placements {
			if k.m == m && p.UnitID == unit && p.Period.Overlaps(within) {
				placed[p.ChildID] = true
			}
		}
		for k, a := range s.s.attendance.absences {
			if k.m == m && placed[a.ChildID] && a.Period.Overlaps(within) {
				out = append(out, a)
			}
		}
		return nil
	})
	sortAbsences(out)
	return out, err
}

// AddDuty implements attendance.Store.
func (s *Store) AddDuty(ctx context.Context, du attendance.Duty) error {
	if err := du.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[attendance.Duty]{du.Municipality, du.ID}
		if _, ok := s.s.attendance.duties[k]; ok {
			return idTaken
		}
		if err := s.refUnit(du.Municipality, du.UnitID); err != nil {
			return err
		}
		put(t, s.s.attendance.duties, k, du)
		return nil
	})
}

// AddSchoolAbsence implements attendance.Store.
func (s *Store) AddSchoolAbsence(ctx context.Context, a attendance.SchoolAbsence) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[attendance.SchoolAbsence]{a.Municipality, a.ID}
		if _, ok := s.s.attendance.schoolAbsences[k]; ok {
			return idTaken
		}
		if err := s.refChild(a.Municipality, a.ChildID); err != nil {
			return err
		}
		if err := s.refUnit(a.Municipality, a.UnitID); err != nil {
			return err
		}
		put(t, s.s.attendance.schoolAbsences, k, a)
		return nil
	})
}

// SchoolAbsences implements attendance.Store.
func (s *Store) SchoolAbsences(ctx context.Context, m domain.Municipality, child domain.ChildID, within domain.Period) (out []attendance.SchoolAbsence, err error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	err = s.read(ctx, func() error {
		for k, a := range s.s.attendance.schoolAbsences {
			if k.m == m && a.ChildID == child && within.Contains(a.Day) {
				out = append(out, a)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b attendance.SchoolAbsence) int { return cmp.Or(cmp.Compare(a.Day, b.Day), a.ID.Compare(b.ID)) })
	return out, err
}

// PutSettings implements attendance.Store.
func (s *Store) PutSettings(ctx context.Context, st attendance.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		st.School.Excludable = slices.Clone(st.School.Excludable)
		st.UnitArrival = maps.Clone(st.UnitArrival)
		put(t, s.s.attendance.settings, st.Municipality, st)
		return nil
	})
}

// Settings implements attendance.Store.
func (s *Store) Settings(ctx context.Context, m domain.Municipality) (st attendance.Settings, err error) {
	err = s.read(ctx, func() error {
		var ok bool
		if st, ok = s.s.attendance.settings[m]; !ok {
			st = attendance.Settings{Municipality: m}
		}
		st.School.Excludable = slices.Clone(st.School.Excludable)
		st.UnitArrival = maps.Clone(st.UnitArrival)
		return nil
	})
	return st, err
}
