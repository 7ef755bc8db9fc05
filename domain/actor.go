package domain

import (
	"fmt"
	"slices"
)

// Role is what an actor is to the municipality.
type Role string

// Roles.
const (
	RoleGuardian   Role = "guardian"   // a parent or guardian, logged in with ID-porten
	RoleStaff      Role = "staff"      // employee of one or more units, logged in with Feide
	RoleCaseworker Role = "caseworker" // admission and fee case handling for the municipality
	RoleAdmin      Role = "admin"      // municipal administrator
	RoleSystem     Role = "system"     // a scheduled job or integration, never a person
)

// Actor is who asks. Every read and write is checked against it, and every
// access to a child's data is audit-logged with it. An actor always belongs to
// one municipality.
type Actor struct {
	Role         Role         `json:"role"`
	Municipality Municipality `json:"municipality"`
	// Subject identifies the person or system (a guardian ID, an employee
	// number, a job name).
	Subject string `json:"subject"`
	// Guardian is set for RoleGuardian.
	Guardian GuardianID `json:"guardian,omitzero"`
	// Units are the units a staff member works in.
	Units []UnitID `json:"units,omitempty"`
	// Leads are the units a staff member leads (unit leader): they keep
	// the unit's duty roster. Every unit led is in Units too.
	Leads []UnitID `json:"leads,omitempty"`
	// Handles are the capabilities a caseworker is granted. Empty for a
	// caseworker made by CaseworkerActor (a fixed actor of the demo or a
	// test): such a caseworker handles every capability. A caseworker
	// logged in with Feide always has at least one (StaffActorFor).
	Handles []Capability `json:"handles,omitempty"`
	// Staff is the stored staff member the actor was made from
	// (StaffActorFor); zero for a fixed actor. A session of such an actor
	// is re-read from the grants in force on every request.
	Staff StaffID `json:"staff,omitzero"`
	// Name is the person's display name ("Kari Lærer"), shown wherever a
	// person reads who acted: notifications, threads, the audit log, run
	// pages. Subject is the login ID (in production a Feide principal
	// name), for matching only and never shown to a person. Empty for a
	// guardian (whose name is in the directory), for a system actor, and
	// when the login gave no name.
	Name string `json:"name,omitempty"`
}

// Named returns the actor with the display name.
func (a Actor) Named(name string) Actor {
	a.Name = name
	return a
}

// GuardianActor is a guardian of the municipality.
func GuardianActor(m Municipality, g GuardianID) Actor {
	return Actor{Role: RoleGuardian, Municipality: m, Subject: g.String(), Guardian: g}
}

// StaffActor is an employee working in the given units.
func StaffActor(m Municipality, subject string, units ...UnitID) Actor {
	return Actor{Role: RoleStaff, Municipality: m, Subject: subject, Units: units}
}

// CaseworkerActor is a municipal caseworker.
func CaseworkerActor(m Municipality, subject string) Actor {
	return Actor{Role: RoleCaseworker, Municipality: m, Subject: subject}
}

// AdminActor is a municipal administrator.
func AdminActor(m Municipality, subject string) Actor {
	return Actor{Role: RoleAdmin, Municipality: m, Subject: subject}
}

// SystemActor is a job or integration acting for the municipality.
func SystemActor(m Municipality, name string) Actor {
	return Actor{Role: RoleSystem, Municipality: m, Subject: name}
}

// Validate requires a known role, a municipality and a subject.
func (a Actor) Validate() error {
	var p Problems
	switch a.Role {
	case RoleGuardian:
		if a.Guardian.IsZero() {
			p.Add("guardian", "is-required-for-a-guardian")
		}
	case RoleStaff, RoleCaseworker, RoleAdmin, RoleSystem:
	default:
		p.Add("role", "is-not-a-role", "role", fmt.Sprint(a.Role))
	}
	if err := a.Municipality.Validate(); err != nil {
		p.Merge("", err)
	}
	if err := CheckLine("subject", a.Subject); err != nil {
		p.Merge("", err)
	} else if Blank(a.Subject) {
		p.Add("subject", "required")
	}
	checkText(&p, "name", a.Name, 200, false)
	return p.Err()
}

// WorksAt reports whether a staff actor works in the unit.
func (a Actor) WorksAt(u UnitID) bool {
	if a.Role != RoleStaff {
		return false
	}
	for _, x := range a.Units {
		if x == u {
			return true
		}
	}
	return false
}

// LeadsUnit reports whether a staff actor leads the unit.
func (a Actor) LeadsUnit(u UnitID) bool {
	return a.Role == RoleStaff && slices.Contains(a.Leads, u)
}

// HandlesCapability reports whether the actor does the casework of the
// capability: an administrator or system actor always, a caseworker when
// granted it (or when made without grants, see Handles).
func (a Actor) HandlesCapability(c Capability) bool {
	switch a.Role {
	case RoleAdmin, RoleSystem:
		return true
	case RoleCaseworker:
		return len(a.Handles) == 0 || slices.Contains(a.Handles, c)
	}
	return false
}

// Municipal reports whether the actor acts for the municipality as a whole
// (caseworker, admin or system).
func (a Actor) Municipal() bool {
	return a.Role == RoleCaseworker || a.Role == RoleAdmin || a.Role == RoleSystem
}

// String is for logs: role, municipality and subject.
func (a Actor) String() string {
	return string(a.Role) + "@" + string(a.Municipality) + ":" + a.Subject
}
