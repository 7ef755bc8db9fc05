package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/oppvekst/oppvekst/domain"
)

// This file is the one place that decides what an actor may do with a
// child's data, and where every read and change of it is audit-logged.
// Routes name a policy (see routes.go); handlers of child data get the
// decided access in Call.Access and render only what it allows.

// childAccess is what an actor may see of, and do with, one child.
type childAccess int

const (
	accessNone childAccess = iota
	// accessInformation: a parent without parental responsibility who has
	// asked for information (barneloven § 47) and not been denied it. Sees
	// the child and where it goes, never the other guardians, and nothing
	// of where a child with a strictly protected address is.
	accessInformation
	// accessStaff: works at a unit where the child is placed today.
	accessStaff
	// AccessMunicipal: caseworker or administrator of the municipality.
	AccessMunicipal
	// AccessParent: guardian with parental responsibility.
	AccessParent
)

func (c childAccess) String() string {
	return [...]string{"none", "information", "staff", "municipal", "parent"}[c]
}

// DecideChild decides the actor's access to the child and returns the
// child's record with it. A child of another municipality is ErrNotFound
// (the store is scoped by the actor's municipality); no access is
// ErrForbidden.
func (a *App) DecideChild(ctx context.Context, actor domain.Actor, id domain.ChildID) (childAccess, domain.ChildRecord, error) {
	rec, err := a.Store.ChildRecord(ctx, actor.Municipality, id)
	if err != nil {
		return accessNone, rec, err
	}
	access := accessNone
	switch actor.Role {
	case domain.RoleGuardian:
		for _, l := range rec.Guardians {
			if l.Guardianship.GuardianID != actor.Guardian {
				continue
			}
			switch {
			case l.Guardianship.ParentalResponsibility:
				access = AccessParent
			case l.Guardianship.ReceivesInformation():
				access = accessInformation
			}
		}
	case domain.RoleStaff:
		today := domain.Today(a.Clock)
		for _, p := range rec.Placements {
			if actor.WorksAt(p.UnitID) && p.Period.Contains(today) {
				access = accessStaff
			}
		}
	case domain.RoleCaseworker, domain.RoleAdmin:
		access = AccessMunicipal
	}
	if access == accessNone {
		return access, rec, domain.ErrForbidden
	}
	return access, rec, nil
}

// policy decides whether a route may be called. check runs after the
// session is known and the path IDs are parsed; it may record the child
// access in c.
type policy struct {
	Name  string
	Login bool // a session is required
	check func(a *App, r *http.Request, c *Call) error
}

var (
	// PolicyPublic: anyone, logged in or not.
	PolicyPublic = policy{Name: "public"}
	// PolicyLoggedIn: any logged-in actor.
	PolicyLoggedIn = policy{Name: "logged-in", Login: true, check: func(*App, *http.Request, *Call) error { return nil }}
	// PolicyChildRead: whoever may read the child of {childId}, with what
	// the access allows.
	PolicyChildRead = policy{Name: "child-read", Login: true, check: childPolicy(accessInformation)}
	// PolicyChildCare: staff of the child's unit, a caseworker, or a
	// guardian with parental responsibility (attendance, absence).
	PolicyChildCare = policy{Name: "child-care", Login: true, check: childPolicy(accessStaff)}
	// PolicyChildParent: a guardian with parental responsibility or a
	// caseworker (applications, answers to offers).
	PolicyChildParent = policy{Name: "child-parent", Login: true, check: childPolicy(AccessMunicipal)}
	// PolicyChildOwnParent: a guardian with parental responsibility for the
	// child only — not a caseworker (the access export of GDPR art. 15).
	PolicyChildOwnParent = policy{Name: "child-own-parent", Login: true, check: childPolicy(AccessParent)}
	// PolicyChildMunicipal: a caseworker or an administrator of the child's
	// municipality, not a guardian (erasure on request, GDPR art. 17).
	PolicyChildMunicipal = policy{Name: "child-municipal", Login: true, check: func(a *App, r *http.Request, c *Call) error {
		access, rec, err := a.DecideChild(r.Context(), c.Actor, c.ChildID)
		if err != nil {
			return err
		}
		if access != AccessMunicipal {
			return domain.ErrForbidden
		}
		c.Access, c.Record = access, rec
		return nil
	}}
	// PolicyChildCase: a caseworker only (placements, fee decisions).
	PolicyChildCase = policy{Name: "child-case", Login: true, check: childRole(domain.RoleCaseworker)}
	// PolicyUnit: staff of the unit of {unitId}, or the municipality.
	PolicyUnit = policy{Name: "unit", Login: true, check: func(a *App, r *http.Request, c *Call) error {
		if c.Actor.Municipal() || c.Actor.WorksAt(c.UnitID) {
			return nil
		}
		return domain.ErrForbidden
	}}
	PolicyGuardian = RolePolicy("guardian", domain.RoleGuardian)
	PolicyStaff    = RolePolicy("staff", domain.RoleStaff)
	// PolicyCaseworker: a caseworker granted the capability the route
	// belongs to (its group's tag; a route of a group that is no
	// capability of domain.Capabilities, such as messaging, admits every
	// caseworker), or an administrator.
	PolicyCaseworker = policy{Name: "caseworker", Login: true, check: func(a *App, r *http.Request, c *Call) error {
		if (c.Actor.Role == domain.RoleCaseworker || c.Actor.Role == domain.RoleAdmin) && handlesTag(c.Actor, c.Tag) {
			return nil
		}
		return domain.ErrForbidden
	}}
	PolicyAdmin = RolePolicy("admin", domain.RoleAdmin)
)

func RolePolicy(name string, roles ...domain.Role) policy {
	return policy{Name: name, Login: true, check: func(a *App, r *http.Request, c *Call) error {
		for _, role := range roles {
			if c.Actor.Role == role {
				return nil
			}
		}
		return domain.ErrForbidden
	}}
}

// handlesTag reports whether the actor does the casework of the route
// group tag names: a tag that is a capability must be granted; any other
// is open to every caseworker.
func handlesTag(a domain.Actor, tag string) bool {
	c := domain.Capability(tag)
	return !c.Valid() || a.HandlesCapability(c)
}

// PolicyUnitLeader: the leader of the unit of {unitId} (its duty roster),
// or an administrator of the municipality.
var PolicyUnitLeader = policy{Name: "unit-leader", Login: true, check: func(a *App, r *http.Request, c *Call) error {
	if c.Actor.Role == domain.RoleAdmin || c.Actor.LeadsUnit(c.UnitID) {
		return nil
	}
	return domain.ErrForbidden
}}

// PolicyUnitLeaderOrMunicipal: the leader of the unit of {unitId}, or a
// caseworker or administrator of the municipality (a unit's own closed
// days in the opening calendar).
var PolicyUnitLeaderOrMunicipal = policy{Name: "unit-leader-or-municipal", Login: true, check: func(a *App, r *http.Request, c *Call) error {
	if c.Actor.Role == domain.RoleAdmin || c.Actor.Role == domain.RoleCaseworker || c.Actor.LeadsUnit(c.UnitID) {
		return nil
	}
	return domain.ErrForbidden
}}

// childPolicy allows actors whose access to the child is at least min;
// AccessMunicipal as the minimum admits parents too (it is the highest but
// one), so the order of childAccess matters.
func childPolicy(min childAccess) func(a *App, r *http.Request, c *Call) error {
	return func(a *App, r *http.Request, c *Call) error {
		access, rec, err := a.DecideChild(r.Context(), c.Actor, c.ChildID)
		if err != nil {
			return err
		}
		if access < min {
			return domain.ErrForbidden
		}
		c.Access, c.Record = access, rec
		return nil
	}
}

// childRole allows only the role, with municipal access to the child.
func childRole(role domain.Role) func(a *App, r *http.Request, c *Call) error {
	return func(a *App, r *http.Request, c *Call) error {
		access, rec, err := a.DecideChild(r.Context(), c.Actor, c.ChildID)
		if err != nil {
			return err
		}
		if c.Actor.Role != role || (role == domain.RoleCaseworker && !handlesTag(c.Actor, c.Tag)) {
			return domain.ErrForbidden
		}
		c.Access, c.Record = access, rec
		return nil
	}
}

// auditEntry makes the request's one entry, naming the children it
// showed: one child alone, several in one list entry, or none.
func (a *App) auditEntry(actor domain.Actor, action, record string, children []domain.ChildID) domain.AuditEntry {
	return domain.NewListAuditEntry(actor, a.Clock.Now(), action, record, children)
}

// Audit logs a read of children's data and returns once its entry is
// committed (group commit with other requests, see auditBatch): one entry
// naming every child given, so a list of 2,000 children is one record. A
// request whose entry cannot be written fails: no child data is served
// unlogged.
// Not for use inside a transaction: a change logs with AuditChange.
func (a *App) Audit(ctx context.Context, actor domain.Actor, action, record string, children ...domain.ChildID) error {
	if isInTransaction(ctx) {
		// Inside the transaction of an idempotent POST: the batch would wait
		// for the writer this request holds.
		return a.AuditChange(ctx, actor, action, record, children...)
	}
	if err := a.auditLog.append(ctx, a.auditEntry(actor, action, record, children)); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// AuditChange logs a change inside the transaction that makes it, so the
// change and its entry are kept or undone together.
func (a *App) AuditChange(ctx context.Context, actor domain.Actor, action, record string, children ...domain.ChildID) error {
	if err := a.Store.AppendAudit(ctx, a.auditEntry(actor, action, record, children)); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// VisibleChildren lists the children the actor may see: a guardian's
// wards (with responsibility or a § 47 request), the children placed
// today in a staff member's units, every child for the municipality.
func (a *App) VisibleChildren(ctx context.Context, actor domain.Actor) ([]domain.Child, error) {
	m := actor.Municipality
	switch {
	case actor.Municipal():
		return a.Store.Children(ctx, m)
	case actor.Role == domain.RoleGuardian:
		wards, err := a.Store.Wards(ctx, m, actor.Guardian)
		if err != nil {
			return nil, err
		}
		var out []domain.Child
		for _, w := range wards {
			if !w.ParentalResponsibility && !w.ReceivesInformation() {
				continue
			}
			c, err := a.Store.Child(ctx, m, w.ChildID)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		domain.SortChildren(out)
		return out, nil
	case actor.Role == domain.RoleStaff:
		today := domain.Today(a.Clock)
		seen := map[domain.ChildID]bool{}
		var out []domain.Child
		for _, u := range actor.Units {
			ps, err := a.Store.UnitPlacements(ctx, m, u, domain.Period{Start: today, End: today})
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				if seen[p.ChildID] {
					continue
				}
				seen[p.ChildID] = true
				c, err := a.Store.Child(ctx, m, p.ChildID)
				if err != nil {
					return nil, err
				}
				out = append(out, c)
			}
		}
		domain.SortChildren(out)
		return out, nil
	}
	return nil, nil
}
