package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/oppvekst/oppvekst/domain"
)

// This file is the one place that decides what an actor may do with a
// child's data, and where every read and change of it is audit-logged.
// Routes name a policy (see routes.go); handlers of child data get the
// decided access in call.access and render only what it allows.

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
	// accessMunicipal: caseworker or administrator of the municipality.
	accessMunicipal
	// accessParent: guardian with parental responsibility.
	accessParent
)

func (c childAccess) String() string {
	return [...]string{"none", "information", "staff", "municipal", "parent"}[c]
}

// decideChild decides the actor's access to the child and returns the
// child's record with it. A child of another municipality is ErrNotFound
// (the store is scoped by the actor's municipality); no access is
// ErrForbidden.
func (a *app) decideChild(ctx context.Context, actor domain.Actor, id domain.ChildID) (childAccess, domain.ChildRecord, error) {
	rec, err := a.store.ChildRecord(ctx, actor.Municipality, id)
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
				access = accessParent
			case l.Guardianship.ReceivesInformation():
				access = accessInformation
			}
		}
	case domain.RoleStaff:
		today := domain.Today(a.clock)
		for _, p := range rec.Placements {
			if actor.WorksAt(p.UnitID) && p.Period.Contains(today) {
				access = accessStaff
			}
		}
	case domain.RoleCaseworker, domain.RoleAdmin:
		access = accessMunicipal
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
	name  string
	login bool // a session is required
	check func(a *app, r *http.Request, c *call) error
}

var (
	// policyPublic: anyone, logged in or not.
	policyPublic = policy{name: "public"}
	// policyLoggedIn: any logged-in actor.
	policyLoggedIn = policy{name: "logged-in", login: true, check: func(*app, *http.Request, *call) error { return nil }}
	// policyChildRead: whoever may read the child of {childId}, with what
	// the access allows.
	policyChildRead = policy{name: "child-read", login: true, check: childPolicy(accessInformation)}
	// policyChildCare: staff of the child's unit, a caseworker, or a
	// guardian with parental responsibility (attendance, absence).
	policyChildCare = policy{name: "child-care", login: true, check: childPolicy(accessStaff)}
	// policyChildParent: a guardian with parental responsibility or a
	// caseworker (applications, answers to offers).
	policyChildParent = policy{name: "child-parent", login: true, check: childPolicy(accessMunicipal)}
	// policyChildCase: a caseworker only (placements, fee decisions).
	policyChildCase = policy{name: "child-case", login: true, check: childRole(domain.RoleCaseworker)}
	// policyUnit: staff of the unit of {unitId}, or the municipality.
	policyUnit = policy{name: "unit", login: true, check: func(a *app, r *http.Request, c *call) error {
		if c.actor.Municipal() || c.actor.WorksAt(c.unitID) {
			return nil
		}
		return domain.ErrForbidden
	}}
	policyGuardian   = rolePolicy("guardian", domain.RoleGuardian)
	policyStaff      = rolePolicy("staff", domain.RoleStaff)
	policyCaseworker = rolePolicy("caseworker", domain.RoleCaseworker, domain.RoleAdmin)
	policyAdmin      = rolePolicy("admin", domain.RoleAdmin)
)

func rolePolicy(name string, roles ...domain.Role) policy {
	return policy{name: name, login: true, check: func(a *app, r *http.Request, c *call) error {
		for _, role := range roles {
			if c.actor.Role == role {
				return nil
			}
		}
		return domain.ErrForbidden
	}}
}

// childPolicy allows actors whose access to the child is at least min;
// accessMunicipal as the minimum admits parents too (it is the highest but
// one), so the order of childAccess matters.
func childPolicy(min childAccess) func(a *app, r *http.Request, c *call) error {
	return func(a *app, r *http.Request, c *call) error {
		access, rec, err := a.decideChild(r.Context(), c.actor, c.childID)
		if err != nil {
			return err
		}
		if access < min {
			return domain.ErrForbidden
		}
		c.access, c.record = access, rec
		return nil
	}
}

// childRole allows only the role, with municipal access to the child.
func childRole(role domain.Role) func(a *app, r *http.Request, c *call) error {
	return func(a *app, r *http.Request, c *call) error {
		access, rec, err := a.decideChild(r.Context(), c.actor, c.childID)
		if err != nil {
			return err
		}
		if c.actor.Role != role {
			return domain.ErrForbidden
		}
		c.access, c.record = access, rec
		return nil
	}
}

// auditEntries makes one entry per child, or one without a child when
// none is given.
func (a *app) auditEntries(actor domain.Actor, action, record string, children []domain.ChildID) []domain.AuditEntry {
	now := a.clock.Now()
	if len(children) == 0 {
		children = []domain.ChildID{{}}
	}
	out := make([]domain.AuditEntry, len(children))
	for i, c := range children {
		out[i] = domain.NewAuditEntry(actor, now, action, c, record)
	}
	return out
}

// audit logs a read of children's data and returns once the entries are
// committed (group commit with other requests, see auditBatch). A request
// whose entries cannot be written fails: no child data is served unlogged.
// Not for use inside a transaction: a change logs with auditChange.
func (a *app) audit(ctx context.Context, actor domain.Actor, action, record string, children ...domain.ChildID) error {
	if isInTransaction(ctx) {
		// Inside the transaction of an idempotent POST: the batch would wait
		// for the writer this request holds.
		return a.auditChange(ctx, actor, action, record, children...)
	}
	if err := a.auditLog.append(ctx, a.auditEntries(actor, action, record, children)); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// auditChange logs a change inside the transaction that makes it, so the
// change and its entry are kept or undone together.
func (a *app) auditChange(ctx context.Context, actor domain.Actor, action, record string, children ...domain.ChildID) error {
	for _, e := range a.auditEntries(actor, action, record, children) {
		if err := a.store.AppendAudit(ctx, e); err != nil {
			return fmt.Errorf("audit %s: %w", action, err)
		}
	}
	return nil
}
