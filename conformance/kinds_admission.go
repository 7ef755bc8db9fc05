package conformance

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

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

// allocationAnswer is the answer of the allocation kind: the expect shape
// {"assignments", "stats"} with every child's explanation added under
// "explanations". It writes itself as JSON (appendJSON) straight from the
// allocation: the fields of an explanation and of a comparison in a fixed
// order, the keys of the assignments, of the explanations and of a
// priority sorted bytewise as encoding/json sorts a map's keys, strings
// escaped as encoding/json escapes them. Its bytes are those json.Marshal
// wrote of the answer held in maps and structs before (a test keeps them
// so); building those maps and marshalling them was most of the runner's
// time on a large round (issue 20).
type allocationAnswer struct {
	a *admission.Allocation
	// order holds the children's indexes sorted by id.
	order []int
	// prio lists the keys of a priority object, sorted: a criterion
	// before the tiebreak (its index in Holds) or the tiebreak (-1).
	prio []prioKey
}

type prioKey struct {
	name  []byte // the key, quoted, with the colon
	holds int
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
	return newAllocationAnswer(a), nil
}

func newAllocationAnswer(a *admission.Allocation) *allocationAnswer {
	ans := &allocationAnswer{a: a, order: make([]int, len(a.Assignments))}
	for i := range ans.order {
		ans.order[i] = i
	}
	slices.SortFunc(ans.order, func(x, y int) int {
		return strings.Compare(a.Assignments[x].Child, a.Assignments[y].Child)
	})
	// A priority was a map from criterion to value, the tiebreak written
	// last; a later criterion of the same name replaced an earlier one
	// (Allocate refuses repeated criteria, so none does).
	holds := map[string]int{}
	if len(a.Assignments) > 0 {
		for k, c := range a.Explain(0).Criteria {
			if c != admission.Tiebreak {
				holds[string(c)] = k
			}
		}
	}
	holds[string(admission.Tiebreak)] = -1
	names := make([]string, 0, len(holds))
	for n := range holds {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		ans.prio = append(ans.prio, prioKey{name: append(appendJSONString(nil, n), ':'), holds: holds[n]})
	}
	return ans
}

// MarshalJSON writes the answer (appendJSON).
func (ans *allocationAnswer) MarshalJSON() ([]byte, error) { return ans.appendJSON(nil, full), nil }

// appendJSON appends the answer as compact JSON to b; for a guide other
// than full, only the members of {"assignments", "stats", "explanations"}
// it names (wants), so the runner in process does not write the
// explanations no vector compares.
func (ans *allocationAnswer) appendJSON(b []byte, guide *node) []byte {
	a := ans.a
	explain := wants(guide, "explanations")
	if b == nil {
		per := 24
		if explain {
			per = 400
		}
		b = make([]byte, 0, 64+len(a.Assignments)*per)
	}
	b = append(b, '{')
	if wants(guide, "assignments") {
		b = ans.appendAssignments(b)
	}
	if wants(guide, "stats") {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, `"stats":`...)
		stats, err := json.Marshal(a.Stats)
		if err != nil { // Stats holds only integers; it cannot fail
			stats = []byte("null")
		}
		b = append(b, stats...)
	}
	if explain {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = ans.appendExplanations(b)
	}
	return append(b, '}')
}

// appendAssignments appends "assignments":{"c1":"U1","c2":null,...}.
func (ans *allocationAnswer) appendAssignments(b []byte) []byte {
	a := ans.a
	b = append(b, `"assignments":{`...)
	for n, i := range ans.order {
		if n > 0 {
			b = append(b, ',')
		}
		as := &a.Assignments[i]
		b = appendJSONString(b, as.Child)
		b = append(b, ':')
		b = appendUnit(b, as)
	}
	return append(b, '}')
}

// appendExplanations appends "explanations":{"c1":{...},...}.
func (ans *allocationAnswer) appendExplanations(b []byte) []byte {
	a := ans.a
	b = append(b, `"explanations":{`...)
	for n, i := range ans.order {
		if n > 0 {
			b = append(b, ',')
		}
		as := &a.Assignments[i]
		e := a.Explain(i)
		b = appendJSONString(b, as.Child)
		b = append(b, `:{"group":`...)
		b = appendJSONString(b, string(e.Group))
		b = append(b, `,"unit":`...)
		b = appendUnit(b, as)
		b = append(b, `,"rank":`...)
		b = strconv.AppendInt(b, int64(e.Rank), 10)
		b = append(b, `,"above":[`...)
		for k := range e.Above {
			c := &e.Above[k]
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"unit":`...)
			b = appendJSONString(b, c.Unit)
			b = append(b, `,"rank":`...)
			b = strconv.AppendInt(b, int64(c.Rank), 10)
			b = append(b, `,"seats":`...)
			b = strconv.AppendInt(b, int64(c.Seats), 10)
			b = append(b, `,"last":`...)
			if c.Last != nil {
				b = ans.appendPriority(b, c.Last)
			} else {
				b = append(b, "null"...)
			}
			b = append(b, `,"own":`...)
			b = ans.appendPriority(b, &c.Own)
			if c.DecidedBy != "" {
				b = append(b, `,"decidedBy":`...)
				b = appendJSONString(b, string(c.DecidedBy))
			}
			b = append(b, '}')
		}
		b = append(b, "]}"...)
	}
	return append(b, '}')
}

// appendUnit appends the unit a child got, or null.
func appendUnit(b []byte, as *admission.Assignment) []byte {
	if !as.Placed() {
		return append(b, "null"...)
	}
	return appendJSONString(b, as.Unit)
}

// appendPriority appends a priority as {"statutory": true, ...,
// "tiebreak": 17}, keys sorted.
func (ans *allocationAnswer) appendPriority(b []byte, p *admission.Priority) []byte {
	b = append(b, '{')
	for n, k := range ans.prio {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, k.name...)
		switch {
		case k.holds < 0:
			b = strconv.AppendInt(b, p.Tiebreak, 10)
		case p.Holds[k.holds]:
			b = append(b, "true"...)
		default:
			b = append(b, "false"...)
		}
	}
	return append(b, '}')
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
	r := &admission.Round{
		AdmissionYear: *in.AdmissionYear,
		Units:         make([]admission.Unit, 0, len(*in.Units)),
		Children:      make([]admission.Applicant, 0, len(*in.Children)),
	}
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
