package attendance

import (
	"context"
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// ChildDay is a child's attendance today as its guardian sees it on the
// start page.
type ChildDay struct {
	Child domain.ChildID `json:"child"`
	Day   date.Date      `json:"day"`
	// Placed is false when the child has no placement that includes the
	// day: then Status is empty.
	Placed bool `json:"placed"`
	// Status is Present (checked in), Left (checked out), Absent (reported
	// absent, with the Reason) or Expected (none of these yet).
	Status Status `json:"status,omitempty"`
	Reason Reason `json:"reason,omitempty"`
	// In is the first check-in of the day, Out the last check-out.
	In  time.Time `json:"in,omitzero"`
	Out time.Time `json:"out,omitzero"`
}

// ChildToday returns the child's attendance today: checked in, checked
// out, reported absent (sick, holiday, ...), expected, or no place today.
// A guardian with parental responsibility and staff of the child's unit
// may ask.
func (s *Service) ChildToday(ctx context.Context, a domain.Actor, child domain.ChildID) (ChildDay, error) {
	today := s.today()
	if err := s.mayActFor(ctx, a, child, today); err != nil {
		return ChildDay{}, err
	}
	cd := ChildDay{Child: child, Day: today}
	cc, err := s.Store.CheckContext(ctx, a.Municipality, child, today, "")
	if err != nil {
		return ChildDay{}, err
	}
	cd.Placed = len(cc.Placements) > 0
	for _, c := range cc.Checks {
		switch c.Kind {
		case CheckIn:
			if cd.In.IsZero() {
				cd.In = c.At
			}
			cd.Status = Present
		case CheckOut:
			cd.Out = c.At
			cd.Status = Left
		}
	}
	if cd.Status != "" || !cd.Placed {
		return cd, nil
	}
	abs, err := s.Store.Absences(ctx, a.Municipality, child, domain.Period{Start: today, End: today})
	if err != nil {
		return ChildDay{}, err
	}
	cd.Status = Expected
	for _, ab := range abs {
		if ab.Period.Contains(today) {
			cd.Status, cd.Reason = Absent, ab.Reason
			break
		}
	}
	return cd, nil
}

// SchoolAbsences lists a pupil's school absences within the period, by
// day. Staff of the pupil's school, a guardian with parental
// responsibility and municipal actors may read them.
func (s *Service) SchoolAbsences(ctx context.Context, a domain.Actor, child domain.ChildID, within domain.Period) ([]SchoolAbsence, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := within.Validate(); err != nil {
		return nil, err
	}
	if !a.Municipal() {
		day := s.today()
		if within.End != date.Zero && within.End < day {
			day = within.End
		}
		if err := s.mayActFor(ctx, a, child, day); err != nil {
			return nil, fmt.Errorf("attendance: school absences: %w", err)
		}
	}
	return s.Store.SchoolAbsences(ctx, a.Municipality, child, within)
}
