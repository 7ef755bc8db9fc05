package conformance

import (
	"encoding/json"

	"github.com/oppvekst/oppvekst/specialed"
)

// specialEdDeadlineInput is the wire input of the
// special-education-deadline kind. Every field is required.
type specialEdDeadlineInput struct {
	Setting *string `json:"setting"`
	Step    *string `json:"step"`
	From    *string `json:"from"`
}

// specialEdDeadlineOutput is the expect shape of the kind.
type specialEdDeadlineOutput struct {
	HasDeadline bool   `json:"hasDeadline"`
	Due         string `json:"due,omitempty"`
	Basis       string `json:"basis,omitempty"`
}

// evalSpecialEdDeadline evaluates the special-education-deadline kind:
// the last day of a step of a special-education case (or of the appeal,
// step "appeal"), counted from the day in "from" by the built-in rules
// (specialed/rules/steps.json).
func evalSpecialEdDeadline(input json.RawMessage) (any, error) {
	var in specialEdDeadlineInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	if in.Setting == nil {
		return nil, invalid("setting", "is required")
	}
	set := specialed.Setting(*in.Setting)
	if set != specialed.Kindergarten && set != specialed.School {
		return nil, invalid("setting", "must be kindergarten or school")
	}
	if in.Step == nil {
		return nil, invalid("step", "is required")
	}
	from, err := parseWireDate("from", in.From)
	if err != nil {
		return nil, err
	}
	r, err := specialed.LoadRules()
	if err != nil {
		return nil, err
	}
	if *in.Step == "appeal" {
		return specialEdDeadlineOutput{HasDeadline: true, Due: r.AppealBy(from).String(), Basis: string(r.Appeal.Deadline.Basis)}, nil
	}
	st, ok := r.Step(set, specialed.StepID(*in.Step))
	if !ok {
		return nil, invalid("step", "is not a step of a special-education case")
	}
	if st.Deadline == nil {
		return specialEdDeadlineOutput{}, nil
	}
	return specialEdDeadlineOutput{HasDeadline: true, Due: st.Deadline.Due(from).String(), Basis: string(st.Deadline.Basis)}, nil
}
