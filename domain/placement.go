package domain

import (
	"fmt"

	"github.com/rickb777/date/v2"
)

// Period is a range of calendar days. Both ends are inclusive; a zero End
// means open-ended (until further notice).
type Period struct {
	Start date.Date `json:"start"`
	End   date.Date `json:"end,omitzero"`
}

// Open reports whether the period has no end.
func (p Period) Open() bool { return p.End == date.Zero }

// Validate requires a start and an end that is not before it.
func (p Period) Validate() error {
	var pr Problems
	if p.Start == date.Zero {
		pr.Add("start", "required")
	}
	if !p.Open() && p.End < p.Start {
		pr.Add("end", "is-before-the-start", "end", fmt.Sprint(p.End), "start", fmt.Sprint(p.Start))
	}
	return pr.Err()
}

// Contains reports whether d is inside the period.
func (p Period) Contains(d date.Date) bool {
	return d >= p.Start && (p.Open() || d <= p.End)
}

// Overlaps reports whether the two periods share at least one day.
func (p Period) Overlaps(q Period) bool {
	return (q.Open() || p.Start <= q.End) && (p.Open() || q.Start <= p.End)
}

// MaxHoursPerWeek is the most a placement may be agreed for.
const MaxHoursPerWeek = 60

// Placement places a child in a unit (and optionally one of its groups) for a
// period. A child never has two overlapping placements of the same kind;
// stores refuse them with a *ConflictError on field "period".
type Placement struct {
	ID           PlacementID  `json:"id"`
	Municipality Municipality `json:"municipality"`
	ChildID      ChildID      `json:"childId"`
	UnitID       UnitID       `json:"unitId"`
	GroupID      GroupID      `json:"groupId,omitzero"`
	// Kind equals the kind of the unit.
	Kind UnitKind `json:"kind"`
	// HoursPerWeek is the agreed weekly time (kindergarten, SFO); 0 for school.
	HoursPerWeek int    `json:"hoursPerWeek"`
	Period       Period `json:"period"`
}

// Validate checks the placement on its own; CheckPlacement checks it
// against stored data.
func (pl Placement) Validate() error {
	var p Problems
	checkRecord(&p, pl.ID.IsZero(), pl.Municipality)
	if pl.ChildID.IsZero() {
		p.Add("childId", "required")
	}
	if pl.UnitID.IsZero() {
		p.Add("unitId", "required")
	}
	if !pl.Kind.Valid() {
		p.Add("kind", "is-not-kindergarten-school-or-sfo", "kind", fmt.Sprint(pl.Kind))
	}
	minHours := 1
	if pl.Kind == School {
		minHours = 0
	}
	if pl.HoursPerWeek < minHours || pl.HoursPerWeek > MaxHoursPerWeek {
		p.Add("hoursPerWeek", "out-of-range", "min", fmt.Sprint(minHours), "max", fmt.Sprint(MaxHoursPerWeek))
	}
	p.Merge("period", pl.Period.Validate())
	return p.Err()
}
