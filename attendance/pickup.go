package attendance

import (
	"context"
	"fmt"

	"github.com/oppvekst/oppvekst/domain"
)

// SetPickup adds a person to a child's pickup list, or replaces the entry
// with the same ID. Only a guardian with parental responsibility may; the
// entry records the guardian as AddedBy.
func (s *Service) SetPickup(ctx context.Context, a domain.Actor, p Pickup) (Pickup, error) {
	if err := a.Validate(); err != nil {
		return Pickup{}, err
	}
	if a.Role != domain.RoleGuardian {
		return Pickup{}, fmt.Errorf("attendance: only guardians keep pickup lists: %w", domain.ErrForbidden)
	}
	p.Municipality = a.Municipality
	p.AddedBy = a.Guardian
	if p.ID.IsZero() {
		p.ID = domain.NewID[Pickup]()
	}
	if err := p.Validate(); err != nil {
		return Pickup{}, err
	}
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := s.mayKeepPickups(ctx, a, p.ChildID); err != nil {
			return err
		}
		old, err := s.Store.Pickups(ctx, p.Municipality, p.ChildID)
		if err != nil {
			return err
		}
		for _, o := range old {
			if o.ID == p.ID && o.ChildID != p.ChildID {
				return &domain.ConflictError{Field: "id", Reason: "belongs-to-another-childs-list"}
			}
		}
		return s.Store.PutPickup(ctx, p)
	})
	return p, err
}

// RemovePickup takes a person off a child's pickup list; only a guardian
// with parental responsibility may.
func (s *Service) RemovePickup(ctx context.Context, a domain.Actor, child domain.ChildID, id PickupID) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := s.mayKeepPickups(ctx, a, child); err != nil {
			return err
		}
		list, err := s.Store.Pickups(ctx, a.Municipality, child)
		if err != nil {
			return err
		}
		for _, p := range list {
			if p.ID == id {
				return s.Store.DeletePickup(ctx, a.Municipality, id)
			}
		}
		return fmt.Errorf("attendance: pickup %s: %w", id, domain.ErrNotFound)
	})
}

func (s *Service) mayKeepPickups(ctx context.Context, a domain.Actor, child domain.ChildID) error {
	g, ok, err := s.guardianship(ctx, a, child)
	if err != nil {
		return err
	}
	if !ok || !g.ParentalResponsibility {
		return fmt.Errorf("attendance: %s has no parental responsibility for %s: %w", a, child, domain.ErrForbidden)
	}
	return nil
}

// PickupList returns who may collect the child, by name.
//
// Guardians with parental responsibility and staff of a unit the child is
// placed at today may read it. For a child without address protection, a
// guardian who receives information under barneloven § 47 and municipal
// caseworkers may read it too; for a child with a protected address
// (fortrolig or strengt fortrolig) nobody else may: the list holds names
// and phone numbers of the people around the child.
func (s *Service) PickupList(ctx context.Context, a domain.Actor, child domain.ChildID) ([]Pickup, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	var out []Pickup
	err := func() error {
		c, err := s.Store.Child(ctx, a.Municipality, child)
		if err != nil {
			return err
		}
		allowed := false
		switch {
		case a.Role == domain.RoleGuardian:
			g, ok, err := s.guardianship(ctx, a, child)
			if err != nil {
				return err
			}
			allowed = ok && (g.ParentalResponsibility || (!c.AddressProtection.Protected() && g.ReceivesInformation()))
		case a.Role == domain.RoleStaff:
			if allowed, err = s.placedWith(ctx, a, child, s.today()); err != nil {
				return err
			}
		case a.Role == domain.RoleCaseworker || a.Role == domain.RoleAdmin:
			allowed = !c.AddressProtection.Protected()
		}
		if !allowed {
			return fmt.Errorf("attendance: %s may not see the pickup list of %s: %w", a, child, domain.ErrForbidden)
		}
		out, err = s.Store.Pickups(ctx, a.Municipality, child)
		return err
	}()
	return out, err
}
