package domain

import "context"

// SpecialNeed says that a child has a decision on special needs in force
// for the period: an individual decision on individually adapted education
// (made by the special-education capability). Billing reads it to give the
// free SFO the national rules give pupils with special needs in the grades
// they name.
type SpecialNeed struct {
	Child  ChildID `json:"child"`
	Period Period  `json:"period"`
}

// SpecialNeedsSource tells which children have a decision on special needs
// in force on some day of a period. A store that keeps special-education
// cases implements it; billing asks for it only when its store does.
type SpecialNeedsSource interface {
	// SpecialNeeds lists the decisions in force on at least one day of
	// within, sorted by child, then start.
	SpecialNeeds(ctx context.Context, m Municipality, within Period) ([]SpecialNeed, error)
}

// HasSpecialNeeds reports whether the child has a decision among needs in
// force on at least one day of the period.
func HasSpecialNeeds(needs []SpecialNeed, child ChildID, within Period) bool {
	for _, n := range needs {
		if n.Child == child && n.Period.Overlaps(within) {
			return true
		}
	}
	return false
}
