package attendance

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Status is where a child on the roster is.
type Status string

// Statuses on a roster.
const (
	// Expected: placed, not reported absent, not yet arrived, and it is not
	// yet the expected arrival time.
	Expected Status = "expected"
	// Late: expected, not yet arrived after the expected arrival time.
	Late Status = "late"
	// Present: checked in and not checked out.
	Present Status = "present"
	// Left: checked out.
	Left Status = "left"
	// Absent: reported absent (sick, holiday, ...) and not checked in.
	Absent Status = "absent"
)

// Entry is one child on a roster.
type Entry struct {
	Child  domain.ChildID `json:"child"`
	Name   string         `json:"name"`
	Group  domain.GroupID `json:"group,omitzero"`
	Status Status         `json:"status"`
	// Reason and Note of the absence, for Absent.
	Reason Reason `json:"reason,omitempty"`
	Note   string `json:"note,omitempty"`
	// In is the first check-in of the day, Out the last check-out.
	In  time.Time `json:"in,omitzero"`
	Out time.Time `json:"out,omitzero"`
	// CollectedBy names who collected the child; Warning is the
	// check-out's warning code.
	CollectedBy string `json:"collectedBy,omitempty"`
	Warning     string `json:"warning,omitempty"`
}

// Roster is a unit's (or one group's) day: who is expected, present,
// absent and why, who has left, and who has not arrived after the expected
// time.
type Roster struct {
	Unit  domain.UnitID  `json:"unit"`
	Group domain.GroupID `json:"group,omitzero"`
	Day   date.Date      `json:"day"`
	// At is the instant the statuses hold for: now for today, the end of
	// the day for a past day, the start for a future one.
	At      time.Time `json:"at"`
	Entries []Entry   `json:"entries"`
	// Count per status.
	Count map[Status]int `json:"count"`
	// Closed is why the unit is closed that day, or nil: on a closed day
	// nobody is expected (no Expected, Late or Absent entries); a child
	// checked in anyway is on the roster.
	Closed *domain.Closure `json:"closed,omitempty"`
}

// Roster returns the day roster of a unit, or of one of its groups (a zero
// group means the whole unit), sorted by group and name. Staff of the unit
// and municipal actors may read it.
func (s *Service) Roster(ctx context.Context, a domain.Actor, unit domain.UnitID, group domain.GroupID, day date.Date) (Roster, error) {
	if err := mayReadUnit(a, unit); err != nil {
		return Roster{}, err
	}
	d, err := s.unitDay(ctx, a.Municipality, unit, day)
	if err != nil {
		return Roster{}, err
	}
	st, err := s.Store.Settings(ctx, a.Municipality)
	if err != nil {
		return Roster{}, err
	}
	return BuildRoster(unit, group, day, s.now(), st, d), nil
}

// BuildRoster computes a roster from the records of a unit's day as seen
// at now; it is the pure part of Service.Roster.
func BuildRoster(unit domain.UnitID, group domain.GroupID, day date.Date, now time.Time, st Settings, d Day) Roster {
	oslo := domain.Oslo()
	y, m, dd := day.Date()
	start := time.Date(y, m, dd, 0, 0, 0, 0, oslo)
	end := time.Date(y, m, dd+1, 0, 0, 0, 0, oslo)
	at := now.In(oslo)
	switch {
	case at.Before(start):
		at = start
	case !at.Before(end):
		at = end.Add(-time.Nanosecond)
	}
	r := Roster{Unit: unit, Group: group, Day: day, At: at, Count: map[Status]int{}, Closed: d.Closed}
	lateAfter, hasExpected := st.expectedAt(unit, day)

	children := make(map[domain.ChildID]domain.Child, len(d.Children))
	for _, c := range d.Children {
		children[c.ID] = c
	}
	entries := make(map[domain.ChildID]*Entry, len(d.Placements))
	order := make([]*Entry, 0, len(d.Placements))
	for _, p := range d.Placements {
		if !p.Period.Contains(day) || p.UnitID != unit || (!group.IsZero() && p.GroupID != group) {
			continue
		}
		if _, dup := entries[p.ChildID]; dup {
			continue
		}
		c := children[p.ChildID]
		e := &Entry{Child: p.ChildID, Name: c.GivenName + " " + c.FamilyName, Group: p.GroupID, Status: Expected}
		entries[p.ChildID] = e
		order = append(order, e)
	}
	for _, ab := range d.Absences {
		if e := entries[ab.ChildID]; e != nil && ab.Period.Contains(day) {
			e.Status, e.Reason, e.Note = Absent, ab.Reason, ab.Note
		}
	}
	for _, c := range d.Checks {
		e := entries[c.ChildID]
		if e == nil || c.At.After(at) {
			continue
		}
		switch c.Kind {
		case CheckIn:
			if e.In.IsZero() {
				e.In = c.At
			}
			e.Status, e.Reason, e.Note = Present, "", ""
		case CheckOut:
			e.Status, e.Out = Left, c.At
			e.CollectedBy, e.Warning = c.Collector.Name, c.Warning
		}
	}
	if d.Closed != nil {
		// Nobody is expected on a closed day: only the children who came
		// anyway stay on the roster.
		order = slices.DeleteFunc(order, func(e *Entry) bool { return e.In.IsZero() })
	}
	for _, e := range order {
		if e.Status == Expected && hasExpected && at.After(lateAfter) {
			e.Status = Late
		}
		r.Count[e.Status]++
	}
	slices.SortFunc(order, func(x, y *Entry) int {
		return cmp.Or(x.Group.Compare(y.Group), domain.CompareNB(children[x.Child].FamilyName, children[y.Child].FamilyName),
			domain.CompareNB(children[x.Child].GivenName, children[y.Child].GivenName), x.Child.Compare(y.Child))
	})
	r.Entries = make([]Entry, len(order))
	for i, e := range order {
		r.Entries[i] = *e
	}
	return r
}

// unitDay reads the unit's day and asks the opening calendar whether the
// unit is open.
func (s *Service) unitDay(ctx context.Context, m domain.Municipality, unit domain.UnitID, day date.Date) (Day, error) {
	d, err := s.Store.UnitDay(ctx, m, unit, day)
	if err != nil {
		return Day{}, err
	}
	d.Closed, err = s.closed(ctx, m, unit, day)
	return d, err
}

// closed asks the opening calendar whether the unit is closed on the day.
func (s *Service) closed(ctx context.Context, m domain.Municipality, unit domain.UnitID, day date.Date) (*domain.Closure, error) {
	u, err := s.Store.Unit(ctx, m, unit)
	if err != nil {
		return nil, err
	}
	cal, err := domain.LoadCalendar(ctx, s.Store, m, domain.Period{Start: day, End: day})
	if err != nil {
		return nil, err
	}
	if c, ok := cal.Closed(u, day); ok {
		return &c, nil
	}
	return nil, nil
}
