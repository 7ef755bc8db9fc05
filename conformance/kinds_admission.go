package conformance

import (
	"encoding/json"
	"strconv"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// rightToPlaceInput is the wire input of the right-to-place kind. Every
// field is required.
type rightToPlaceInput struct {
	BirthDate              *string `json:"birthDate"`
	ApplicationYear        *int    `json:"applicationYear"`
	AppliedByDeadline      *bool   `json:"appliedByDeadline"`
	ResidentInMunicipality *bool   `json:"residentInMunicipality"`
}

// rightToPlaceOutput is the expect shape of the right-to-place kind.
type rightToPlaceOutput struct {
	HasRight  bool   `json:"hasRight"`
	FromMonth string `json:"fromMonth,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// evalRightToPlace evaluates the right-to-place kind (barnehageloven § 16).
func evalRightToPlace(input json.RawMessage) (any, error) {
	var in rightToPlaceInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	birth, err := admissionDate("birthDate", in.BirthDate)
	if err != nil {
		return nil, err
	}
	if in.ApplicationYear == nil {
		return nil, invalid("applicationYear", "is required")
	}
	if in.AppliedByDeadline == nil {
		return nil, invalid("appliedByDeadline", "is required")
	}
	if in.ResidentInMunicipality == nil {
		return nil, invalid("residentInMunicipality", "is required")
	}
	r, err := admission.RightToPlace(admission.RightApplication{
		BirthDate:              birth,
		ApplicationYear:        *in.ApplicationYear,
		AppliedByDeadline:      *in.AppliedByDeadline,
		ResidentInMunicipality: *in.ResidentInMunicipality,
	})
	if err != nil {
		return nil, errorFrom(err)
	}
	if r.HasRight {
		return rightToPlaceOutput{HasRight: true, FromMonth: r.From.String()}, nil
	}
	return rightToPlaceOutput{Reason: string(r.Reason)}, nil
}

// admissionDate parses a required "YYYY-MM-DD" date; an impossible date
// (2023-02-29) is invalid-input.
func admissionDate(field string, s *string) (date.Date, error) {
	if s == nil {
		return 0, invalid(field, "is required")
	}
	d, err := domain.ParseDate(field, *s)
	if err != nil {
		return 0, invalid(field, "must be a date YYYY-MM-DD that exists")
	}
	return d, nil
}

// allocationInput is the wire input of the allocation kind. criteria may
// be left out (then only the tiebreak ranks).
type allocationInput struct {
	AdmissionYear *int                 `json:"admissionYear"`
	Units         *[]allocationUnitIn  `json:"units"`
	Criteria      []string             `json:"criteria"`
	Children      *[]allocationChildIn `json:"children"`
}

type allocationUnitIn struct {
	ID       *string               `json:"id"`
	Capacity *allocationCapacityIn `json:"capacity"`
}

type allocationCapacityIn struct {
	Small *int `json:"small"`
	Large *int `json:"large"`
}

// allocationChildIn is one child; statutoryPriority, siblingAt and local
// may be left out (false, none, none).
type allocationChildIn struct {
	ID                *string         `json:"id"`
	BirthDate         *string         `json:"birthDate"`
	Preferences       *[]string       `json:"preferences"`
	StatutoryPriority *bool           `json:"statutoryPriority"`
	SiblingAt         []string        `json:"siblingAt"`
	Local             map[string]bool `json:"local"`
	Tiebreak          *int64          `json:"tiebreak"`
}

// allocationOutput is the expect shape of the allocation kind, with the
// statistics and every child's explanation added.
type allocationOutput struct {
	Assignments  map[string]*string               `json:"assignments"`
	Stats        admission.Stats                  `json:"stats"`
	Explanations map[string]allocationExplanation `json:"explanations"`
}

type allocationExplanation struct {
	Group string                 `json:"group"`
	Unit  *string                `json:"unit"`
	Rank  int                    `json:"rank"`
	Above []allocationComparison `json:"above"`
}

type allocationComparison struct {
	Unit      string         `json:"unit"`
	Rank      int            `json:"rank"`
	Seats     int            `json:"seats"`
	Last      map[string]any `json:"last"`
	Own       map[string]any `json:"own"`
	DecidedBy string         `json:"decidedBy,omitempty"`
}

// evalAllocation evaluates the allocation kind: one main round by
// child-proposing deferred acceptance.
func evalAllocation(input json.RawMessage) (any, error) {
	var in allocationInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	r, err := allocationRound(in)
	if err != nil {
		return nil, err
	}
	a, err := admission.Allocate(r)
	if err != nil {
		return nil, errorFrom(err)
	}
	out := allocationOutput{
		Assignments:  make(map[string]*string, len(a.Assignments)),
		Stats:        a.Stats,
		Explanations: make(map[string]allocationExplanation, len(a.Assignments)),
	}
	for i, as := range a.Assignments {
		var unit *string
		if as.Placed() {
			u := as.Unit
			unit = &u
		}
		out.Assignments[as.Child] = unit
		e := a.Explain(i)
		ex := allocationExplanation{Group: string(e.Group), Unit: unit, Rank: e.Rank, Above: []allocationComparison{}}
		for _, c := range e.Above {
			ac := allocationComparison{Unit: c.Unit, Rank: c.Rank, Seats: c.Seats, Own: allocationPriority(e.Criteria, c.Own), DecidedBy: string(c.DecidedBy)}
			if c.Last != nil {
				ac.Last = allocationPriority(e.Criteria, *c.Last)
			}
			ex.Above = append(ex.Above, ac)
		}
		out.Explanations[as.Child] = ex
	}
	return out, nil
}

// allocationPriority shows a priority as {"statutory": true, ...,
// "tiebreak": 17}.
func allocationPriority(criteria []admission.Criterion, p admission.Priority) map[string]any {
	m := make(map[string]any, len(p.Holds)+1)
	for k, v := range p.Holds {
		m[string(criteria[k])] = v
	}
	m[string(admission.Tiebreak)] = p.Tiebreak
	return m
}

// allocationRound checks the required fields and converts the wire input.
func allocationRound(in allocationInput) (*admission.Round, error) {
	if in.AdmissionYear == nil {
		return nil, invalid("admissionYear", "is required")
	}
	if in.Units == nil {
		return nil, invalid("units", "is required")
	}
	if in.Children == nil {
		return nil, invalid("children", "is required")
	}
	r := &admission.Round{AdmissionYear: *in.AdmissionYear}
	for _, c := range in.Criteria {
		r.Criteria = append(r.Criteria, admission.Criterion(c))
	}
	for i, u := range *in.Units {
		f := "units[" + strconv.Itoa(i) + "]"
		if u.ID == nil {
			return nil, invalid(f+".id", "is required")
		}
		if u.Capacity == nil {
			return nil, invalid(f+".capacity", "is required")
		}
		if u.Capacity.Small == nil {
			return nil, invalid(f+".capacity.small", "is required")
		}
		if u.Capacity.Large == nil {
			return nil, invalid(f+".capacity.large", "is required")
		}
		r.Units = append(r.Units, admission.Unit{ID: *u.ID, Capacity: admission.Capacity{Small: *u.Capacity.Small, Large: *u.Capacity.Large}})
	}
	for i, c := range *in.Children {
		f := "children[" + strconv.Itoa(i) + "]"
		if c.ID == nil {
			return nil, invalid(f+".id", "is required")
		}
		birth, err := admissionDate(f+".birthDate", c.BirthDate)
		if err != nil {
			return nil, err
		}
		if c.Preferences == nil {
			return nil, invalid(f+".preferences", "is required")
		}
		if c.Tiebreak == nil {
			return nil, invalid(f+".tiebreak", "is required")
		}
		a := admission.Applicant{
			ID:          *c.ID,
			BirthDate:   birth,
			Preferences: *c.Preferences,
			SiblingAt:   c.SiblingAt,
			Local:       c.Local,
			Tiebreak:    *c.Tiebreak,
		}
		if c.StatutoryPriority != nil {
			a.StatutoryPriority = *c.StatutoryPriority
		}
		r.Children = append(r.Children, a)
	}
	return r, nil
}
