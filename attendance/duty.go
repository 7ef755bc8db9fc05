package attendance

import "github.com/oppvekst/oppvekst/domain"

// ReasonNotAtUnit: the staff member has no unit role at the unit that day,
// so cannot be on its duty roster.
const ReasonNotAtUnit = "not-at-unit"

// ReasonDutyOverlap: the staff member is on the unit's duty roster at that
// time already.
const ReasonDutyOverlap = "duty-overlaps"

// CheckDuty checks a duty against the unit's other duties of the day: the
// same staff member cannot be on duty twice at one time.
func CheckDuty(d Duty, others []Duty) error {
	if err := d.Validate(); err != nil {
		return err
	}
	for _, o := range others {
		if o.ID != d.ID && o.Staff == d.Staff && o.UnitID == d.UnitID && o.Start.Before(d.End) && d.Start.Before(o.End) {
			return &domain.ConflictError{Field: "from", Reason: ReasonDutyOverlap}
		}
	}
	return nil
}
