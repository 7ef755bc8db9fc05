package domain

import "fmt"

// UnitKind is what a unit offers.
type UnitKind string

// Unit kinds.
const (
	Kindergarten UnitKind = "kindergarten" // barnehage
	School       UnitKind = "school"       // grunnskole
	SFO          UnitKind = "sfo"          // skolefritidsordning, after-school care
)

// Valid reports whether k is a known kind.
func (k UnitKind) Valid() bool { return k == Kindergarten || k == School || k == SFO }

// Owner says who runs a unit.
type Owner string

// Owners.
const (
	Municipal Owner = "municipal"
	Private   Owner = "private"
)

// Valid reports whether o is a known owner.
func (o Owner) Valid() bool { return o == Municipal || o == Private }

// Unit is a kindergarten, a school or an SFO. An SFO belongs to a school
// (Parent); other units have no parent.
type Unit struct {
	ID           UnitID       `json:"id"`
	Municipality Municipality `json:"municipality"`
	Name         string       `json:"name"`
	Kind         UnitKind     `json:"kind"`
	Owner        Owner        `json:"owner"`
	Parent       UnitID       `json:"parent,omitzero"`
}

// Validate checks the unit on its own.
func (u Unit) Validate() error {
	var p Problems
	checkRecord(&p, u.ID.IsZero(), u.Municipality)
	checkName(&p, "name", u.Name)
	if !u.Kind.Valid() {
		p.Add("kind", fmt.Sprintf("%q is not kindergarten, school or sfo", u.Kind))
	}
	if !u.Owner.Valid() {
		p.Add("owner", fmt.Sprintf("%q is not municipal or private", u.Owner))
	}
	if !u.Parent.IsZero() && u.Kind != SFO {
		p.Add("parent", "only an SFO belongs to another unit")
	}
	if !u.Parent.IsZero() && u.Parent == u.ID {
		p.Add("parent", "a unit cannot be its own parent")
	}
	return p.Err()
}

// Group is a department (avdeling) of a kindergarten, a class of a school or
// a base of an SFO.
type Group struct {
	ID           GroupID      `json:"id"`
	Municipality Municipality `json:"municipality"`
	UnitID       UnitID       `json:"unitId"`
	Name         string       `json:"name"`
}

// Validate checks the group on its own.
func (g Group) Validate() error {
	var p Problems
	checkRecord(&p, g.ID.IsZero(), g.Municipality)
	checkName(&p, "name", g.Name)
	if g.UnitID.IsZero() {
		p.Add("unitId", "is required")
	}
	return p.Err()
}
