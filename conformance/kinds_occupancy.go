package conformance

import (
	"encoding/json"
	"strconv"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// occupancyInput is the wire input of the staffing-norm kind: the children
// present in a kindergarten at one instant and the adults on duty.
type occupancyInput struct {
	Day      *string           `json:"day"`
	Children *[]occupancyChild `json:"children"`
	OnDuty   *int              `json:"onDuty"`
}

type occupancyChild struct {
	ID        *string `json:"id"`
	BirthDate *string `json:"birthDate"`
}

// occupancyOutput is the expect shape of the staffing-norm kind.
type occupancyOutput struct {
	Small                      int  `json:"small"`
	Large                      int  `json:"large"`
	Needed                     int  `json:"needed"`
	OnDuty                     int  `json:"onDuty"`
	Meets                      bool `json:"meets"`
	ChildrenPerAdultUnderThree int  `json:"childrenPerAdultUnderThree"`
	ChildrenPerAdultOverThree  int  `json:"childrenPerAdultOverThree"`
}

// evalOccupancy evaluates the staffing-norm kind with the attendance
// package's rules: the age group of each child on the day
// (domain.AgeGroupOn), the norm in force (attendance.StaffingNorm) and the
// adults it asks for (Norm.Needed, rounded up).
func evalOccupancy(input json.RawMessage) (any, error) {
	var in occupancyInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	day, err := parseWireDate("day", in.Day)
	if err != nil {
		return nil, err
	}
	if in.Children == nil {
		return nil, invalid("children", "is required")
	}
	onDuty, err := requiredInt("onDuty", in.OnDuty)
	if err != nil {
		return nil, err
	}
	if onDuty < 0 || onDuty > 10000 {
		return nil, invalid("onDuty", "must be 0-10000")
	}
	norm, err := attendance.StaffingNorm(day)
	if err != nil {
		return nil, invalid("day", "no staffing norm is known for the day")
	}
	out := occupancyOutput{OnDuty: onDuty, ChildrenPerAdultUnderThree: norm.UnderThree, ChildrenPerAdultOverThree: norm.OverThree}
	seen := map[string]bool{}
	for i, c := range *in.Children {
		field := "children[" + strconv.Itoa(i) + "]"
		id, err := wireID(field+".id", c.ID)
		if err != nil {
			return nil, err
		}
		if seen[id] {
			return nil, invalid(field+".id", "is repeated")
		}
		seen[id] = true
		birth, err := parseWireDate(field+".birthDate", c.BirthDate)
		if err != nil {
			return nil, err
		}
		if birth > day {
			return nil, invalid(field+".birthDate", "must not be after day")
		}
		if domain.AgeGroupOn(birth, day) == domain.Small {
			out.Small++
		} else {
			out.Large++
		}
	}
	out.Needed = norm.Needed(out.Small, out.Large)
	out.Meets = out.OnDuty >= out.Needed
	return out, nil
}
