package domain

import (
	"context"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"
)

// Staff accounts and the roles granted to them.
//
// A staff member is a person who logs in with Feide; what they may do is
// nothing but the grants in force on the day: unit staff or unit leader of
// a unit, caseworker for one capability, or administrator of the
// municipality. No grant in force, no access. StaffActorFor turns a member
// and their grants into the Actor the rest of the code checks.

// StaffID identifies a staff member; GrantID a grant.
type (
	StaffID = ID[StaffMember]
	GrantID = ID[Grant]
)

// StaffMember is an employee of the municipality who may log in.
type StaffMember struct {
	ID           StaffID      `json:"id"`
	Municipality Municipality `json:"municipality"`
	// Name is the display name shown wherever a person reads who acted.
	Name string `json:"name"`
	// Principal is the Feide identity, the claim
	// https://n.feide.no/claims/eduPersonPrincipalName ("kari@kommune.no"):
	// matched at login, never shown. Unique in the municipality.
	Principal string `json:"principal"`
	// Email is the member's work e-mail address, where notices of work
	// that waits on them go (a special-education step overdue); optional.
	// A work address only: staff get no notice at a private one, and the
	// contact register (KRR), which is for citizens, is never asked.
	Email string `json:"email,omitempty"`
}

// MaxPrincipal is the longest Feide principal name kept.
const MaxPrincipal = 200

// Validate checks the member on its own.
func (s StaffMember) Validate() error {
	var p Problems
	checkRecord(&p, s.ID.IsZero(), s.Municipality)
	checkText(&p, "name", s.Name, 200, true)
	checkText(&p, "principal", s.Principal, MaxPrincipal, true)
	if p.Err() == nil && (strings.ContainsAny(s.Principal, " \t") || !strings.Contains(s.Principal, "@")) {
		p.Add("principal", ReasonPrincipal)
	}
	checkEmail(&p, "email", s.Email)
	return p.Err()
}

// ReasonPrincipal: a Feide principal name is user@realm, without spaces.
const ReasonPrincipal = "not-a-principal"

// GrantRole is a role that can be granted.
type GrantRole string

// Roles that can be granted. Unit staff and unit leader are granted per
// unit, caseworker per capability, administrator for the municipality.
const (
	GrantUnitStaff  GrantRole = "unit-staff"  // works at the unit: check-in board, rosters, the unit's children
	GrantUnitLeader GrantRole = "unit-leader" // works at and leads the unit: also its duty roster
	GrantCaseworker GrantRole = "caseworker"  // case handling of one capability for the municipality
	GrantAdmin      GrantRole = "admin"       // municipal administrator: staff, roles, settings
)

// GrantRoles are the roles in the order pages list them.
var GrantRoles = []GrantRole{GrantUnitStaff, GrantUnitLeader, GrantCaseworker, GrantAdmin}

// Valid reports whether r is a known role.
func (r GrantRole) Valid() bool { return slices.Contains(GrantRoles, r) }

// PerUnit reports whether the role is granted for a unit.
func (r GrantRole) PerUnit() bool { return r == GrantUnitStaff || r == GrantUnitLeader }

// Capability is a field of case handling a caseworker is granted. The
// reference app's routes of a capability carry its name as their tag, so
// PolicyCaseworker lets a caseworker through only to the capabilities
// granted to them.
type Capability string

// Capabilities a caseworker can be granted.
const (
	CapAdmission  Capability = "admission"         // intakes, applications, allocation, offers
	CapBilling    Capability = "billing"           // price lists, fee decisions, invoice runs, payments
	CapAttendance Capability = "attendance"        // attendance across units, school absence, occupancy reports
	CapDirectory  Capability = "directory"         // registering children, guardians, units and placements
	CapSpecialEd  Capability = "special-education" // special-education cases: referrals, decisions, worklists
)

// Capabilities are the capabilities in the order pages list them.
var Capabilities = []Capability{CapAdmission, CapBilling, CapAttendance, CapDirectory, CapSpecialEd}

// Valid reports whether c is a known capability.
func (c Capability) Valid() bool { return slices.Contains(Capabilities, c) }

// Grant is a role given to a staff member from Start to End (inclusive; an
// open end runs until revoked). A grant whose period does not contain a day
// gives nothing that day.
type Grant struct {
	ID           GrantID      `json:"id"`
	Municipality Municipality `json:"municipality"`
	Staff        StaffID      `json:"staff"`
	Role         GrantRole    `json:"role"`
	// Unit is set for the unit roles, and only for them.
	Unit UnitID `json:"unit,omitzero"`
	// Capability is set for a caseworker, and only for one.
	Capability Capability `json:"capability,omitempty"`
	Period     Period     `json:"period"`
}

// Reason codes of grants.
const (
	ReasonUnknownRole       = "not-a-role"
	ReasonUnknownCapability = "not-a-capability"
	ReasonUnitForRole       = "unit-role-needs-unit"
	ReasonNoUnitForRole     = "role-has-no-unit"
	ReasonNoCapability      = "role-has-no-capability"
	ReasonGrantOverlap      = "grant-overlaps"
)

// Validate checks the grant on its own.
func (g Grant) Validate() error {
	var p Problems
	checkRecord(&p, g.ID.IsZero(), g.Municipality)
	if g.Staff.IsZero() {
		p.Add("staff", "required")
	}
	if !g.Role.Valid() {
		p.Add("role", ReasonUnknownRole)
	}
	switch {
	case g.Role.PerUnit() && g.Unit.IsZero():
		p.Add("unit", ReasonUnitForRole)
	case !g.Role.PerUnit() && !g.Unit.IsZero():
		p.Add("unit", ReasonNoUnitForRole)
	}
	switch {
	case g.Role == GrantCaseworker && !g.Capability.Valid():
		p.Add("capability", ReasonUnknownCapability)
	case g.Role != GrantCaseworker && g.Capability != "":
		p.Add("capability", ReasonNoCapability)
	}
	p.Merge("period", g.Period.Validate())
	return p.Err()
}

// InForce reports whether the grant gives its role on day d.
func (g Grant) InForce(d date.Date) bool { return g.Period.Contains(d) }

// same reports whether two grants give the same role for the same unit or
// capability.
func (g Grant) same(o Grant) bool {
	return g.Staff == o.Staff && g.Role == o.Role && g.Unit == o.Unit && g.Capability == o.Capability
}

// CheckGrant checks a grant against the member's other grants: the same
// role for the same unit or capability may not be granted twice for a
// day (end one, then grant again). Every store calls it inside the
// transaction that writes the grant.
func CheckGrant(g Grant, others []Grant) error {
	for _, o := range others {
		if o.ID != g.ID && o.same(g) && o.Period.Overlaps(g.Period) {
			return &ConflictError{Field: "period", Reason: ReasonGrantOverlap}
		}
	}
	return nil
}

// Revoke ends the grant so that it gives nothing from day from on: its
// last day becomes the day before. A grant that would not have begun by
// then is void (gone reports it: the store deletes it). Revoking from a
// day after an end it already has changes nothing.
func (g Grant) Revoke(from date.Date) (ended Grant, gone bool) {
	if from <= g.Period.Start {
		return g, true
	}
	if g.Period.Open() || from-1 < g.Period.End {
		g.Period.End = from - 1
	}
	return g, false
}

// SortGrants orders grants by role (GrantRoles), then start, then ID.
func SortGrants(gs []Grant) {
	slices.SortFunc(gs, func(a, b Grant) int {
		if c := slices.Index(GrantRoles, a.Role) - slices.Index(GrantRoles, b.Role); c != 0 {
			return c
		}
		if c := int(a.Period.Start - b.Period.Start); c != 0 {
			return c
		}
		return a.ID.Compare(b.ID)
	})
}

// SortStaff orders staff members by name, then ID.
func SortStaff(ss []StaffMember) {
	slices.SortFunc(ss, func(a, b StaffMember) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return a.ID.Compare(b.ID)
	})
}

// StaffActorFor is the actor a staff member is on day d, from the grants
// in force that day; ok is false when none is (no role, no access). The
// actor's role is the widest granted — admin, else caseworker, else staff
// — and it carries every grant in force: the units the member works at
// (Units, unit staff and leaders), the units they lead (Leads) and the
// capabilities they handle as caseworker (Handles).
func StaffActorFor(s StaffMember, grants []Grant, d date.Date) (a Actor, ok bool) {
	a = Actor{Municipality: s.Municipality, Subject: s.Principal, Name: s.Name, Staff: s.ID}
	var admin, caseworker, unit bool
	for _, g := range grants {
		if g.Staff != s.ID || g.Municipality != s.Municipality || !g.InForce(d) {
			continue
		}
		switch g.Role {
		case GrantAdmin:
			admin = true
		case GrantCaseworker:
			caseworker = true
			if !slices.Contains(a.Handles, g.Capability) {
				a.Handles = append(a.Handles, g.Capability)
			}
		case GrantUnitLeader:
			unit = true
			if !slices.Contains(a.Leads, g.Unit) {
				a.Leads = append(a.Leads, g.Unit)
			}
			fallthrough
		case GrantUnitStaff:
			unit = true
			if !slices.Contains(a.Units, g.Unit) {
				a.Units = append(a.Units, g.Unit)
			}
		}
	}
	switch {
	case admin:
		a.Role = RoleAdmin
	case caseworker:
		a.Role = RoleCaseworker
	case unit:
		a.Role = RoleStaff
	default:
		return Actor{}, false
	}
	slices.SortFunc(a.Units, func(x, y UnitID) int { return x.Compare(y) })
	slices.SortFunc(a.Leads, func(x, y UnitID) int { return x.Compare(y) })
	slices.SortFunc(a.Handles, func(x, y Capability) int {
		return slices.Index(Capabilities, x) - slices.Index(Capabilities, y)
	})
	return a, true
}

// StaffStore keeps the staff members and their grants. Every method is
// scoped by municipality; a record of another municipality is
// ErrNotFound. The SQLite and PostgreSQL stores implement it and
// adapters/storetest's RunStaff checks them.
type StaffStore interface {
	// CreateStaffMember stores a new member; a principal already used in
	// the municipality is a *ConflictError on "principal".
	CreateStaffMember(ctx context.Context, s StaffMember) error
	// UpdateStaffMember replaces the name, principal and work e-mail.
	UpdateStaffMember(ctx context.Context, s StaffMember) error
	StaffMember(ctx context.Context, m Municipality, id StaffID) (StaffMember, error)
	StaffByPrincipal(ctx context.Context, m Municipality, principal string) (StaffMember, error)
	// StaffMembers lists the municipality's staff, sorted by SortStaff.
	StaffMembers(ctx context.Context, m Municipality) ([]StaffMember, error)

	// PutGrant stores a grant or replaces its period (role, unit and
	// capability of a stored grant never change); checked with CheckGrant.
	// A staff member or unit that does not exist is a *ValidationError on
	// "staff" or "unit".
	PutGrant(ctx context.Context, g Grant) error
	DeleteGrant(ctx context.Context, m Municipality, id GrantID) error
	Grant(ctx context.Context, m Municipality, id GrantID) (Grant, error)
	// Grants lists a member's grants, sorted by SortGrants.
	Grants(ctx context.Context, m Municipality, staff StaffID) ([]Grant, error)
	// RoleGrants lists the municipality's grants of a role, whatever
	// their dates, sorted by SortGrants.
	RoleGrants(ctx context.Context, m Municipality, role GrantRole) ([]Grant, error)
}
