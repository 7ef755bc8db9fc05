package memory

import (
	"context"

	"github.com/oppvekst/oppvekst/domain"
)

var idTaken = &domain.ConflictError{Field: "id", Reason: "a record with this ID exists"}
var nidTaken = &domain.ConflictError{Field: "nationalId", Reason: "a person with this national ID exists"}

// Child implements domain.DirectoryReader.
func (s *Store) Child(ctx context.Context, m domain.Municipality, id domain.ChildID) (c domain.Child, err error) {
	err = s.read(ctx, func() error { c, err = get(s.s.children, m, id, "child"); return err })
	return c, err
}

// ChildByNationalID implements domain.DirectoryReader.
func (s *Store) ChildByNationalID(ctx context.Context, m domain.Municipality, n domain.NationalID) (c domain.Child, err error) {
	err = s.read(ctx, func() error {
		id, ok := s.s.childByNID[nidKey{m, n.String()}]
		if !ok || n.IsZero() {
			return notFound("child with national ID", stringer(n.Masked()))
		}
		c = s.s.children[key[domain.Child]{m, id}]
		return nil
	})
	return c, err
}

// Children implements domain.DirectoryReader.
func (s *Store) Children(ctx context.Context, m domain.Municipality) (out []domain.Child, err error) {
	err = s.read(ctx, func() error {
		for k, c := range s.s.children {
			if k.m == m {
				out = append(out, c)
			}
		}
		return nil
	})
	domain.SortChildren(out)
	return out, err
}

// CreateChild implements domain.Directory.
func (s *Store) CreateChild(ctx context.Context, c domain.Child) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[domain.Child]{c.Municipality, c.ID}
		if _, ok := s.s.children[k]; ok {
			return idTaken
		}
		if err := claimNID(t, s.s.childByNID, c.Municipality, c.NationalID, domain.ChildID{}, c.ID); err != nil {
			return err
		}
		put(t, s.s.children, k, c)
		return nil
	})
}

// UpdateChild implements domain.Directory.
func (s *Store) UpdateChild(ctx context.Context, c domain.Child) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[domain.Child]{c.Municipality, c.ID}
		old, ok := s.s.children[k]
		if !ok {
			return notFound("child", c.ID)
		}
		if old.NationalID != c.NationalID {
			if err := claimNID(t, s.s.childByNID, c.Municipality, c.NationalID, c.ID, c.ID); err != nil {
				return err
			}
			if !old.NationalID.IsZero() {
				del(t, s.s.childByNID, nidKey{c.Municipality, old.NationalID.String()})
			}
		}
		put(t, s.s.children, k, c)
		return nil
	})
}

// claimNID reserves a national ID for owner; self is an ID that may
// already hold it (on update).
func claimNID[T any](t *tx, idx map[nidKey]domain.ID[T], m domain.Municipality, n domain.NationalID, self, owner domain.ID[T]) error {
	if n.IsZero() {
		return nil
	}
	k := nidKey{m, n.String()}
	if holder, ok := idx[k]; ok && holder != self {
		return nidTaken
	}
	put(t, idx, k, owner)
	return nil
}

type stringer string

func (s stringer) String() string { return string(s) }

// Guardian implements domain.DirectoryReader.
func (s *Store) Guardian(ctx context.Context, m domain.Municipality, id domain.GuardianID) (g domain.Guardian, err error) {
	err = s.read(ctx, func() error { g, err = get(s.s.guardians, m, id, "guardian"); return err })
	return g, err
}

// GuardianByNationalID implements domain.DirectoryReader.
func (s *Store) GuardianByNationalID(ctx context.Context, m domain.Municipality, n domain.NationalID) (g domain.Guardian, err error) {
	err = s.read(ctx, func() error {
		id, ok := s.s.guardianByNID[nidKey{m, n.String()}]
		if !ok || n.IsZero() {
			return notFound("guardian with national ID", stringer(n.Masked()))
		}
		g = s.s.guardians[key[domain.Guardian]{m, id}]
		return nil
	})
	return g, err
}

// CreateGuardian implements domain.Directory.
func (s *Store) CreateGuardian(ctx context.Context, g domain.Guardian) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[domain.Guardian]{g.Municipality, g.ID}
		if _, ok := s.s.guardians[k]; ok {
			return idTaken
		}
		if err := claimNID(t, s.s.guardianByNID, g.Municipality, g.NationalID, domain.GuardianID{}, g.ID); err != nil {
			return err
		}
		put(t, s.s.guardians, k, g)
		return nil
	})
}

// UpdateGuardian implements domain.Directory.
func (s *Store) UpdateGuardian(ctx context.Context, g domain.Guardian) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[domain.Guardian]{g.Municipality, g.ID}
		old, ok := s.s.guardians[k]
		if !ok {
			return notFound("guardian", g.ID)
		}
		if old.NationalID != g.NationalID {
			if err := claimNID(t, s.s.guardianByNID, g.Municipality, g.NationalID, g.ID, g.ID); err != nil {
				return err
			}
			if !old.NationalID.IsZero() {
				del(t, s.s.guardianByNID, nidKey{g.Municipality, old.NationalID.String()})
			}
		}
		put(t, s.s.guardians, k, g)
		return nil
	})
}

// Guardianships implements domain.DirectoryReader.
func (s *Store) Guardianships(ctx context.Context, m domain.Municipality, child domain.ChildID) (out []domain.Guardianship, err error) {
	err = s.read(ctx, func() error {
		out = s.childGuardianships(m, child)
		return nil
	})
	return out, err
}

func (s *Store) childGuardianships(m domain.Municipality, child domain.ChildID) []domain.Guardianship {
	var out []domain.Guardianship
	for _, g := range s.s.guardianships[key[domain.Child]{m, child}] {
		out = append(out, g)
	}
	domain.SortGuardianships(out)
	return out
}

// Wards implements domain.DirectoryReader.
func (s *Store) Wards(ctx context.Context, m domain.Municipality, guardian domain.GuardianID) (out []domain.Guardianship, err error) {
	err = s.read(ctx, func() error {
		for child := range s.s.wards[key[domain.Guardian]{m, guardian}] {
			out = append(out, s.s.guardianships[key[domain.Child]{m, child}][guardian])
		}
		return nil
	})
	domain.SortGuardianships(out)
	return out, err
}

// PutGuardianship implements domain.Directory.
func (s *Store) PutGuardianship(ctx context.Context, g domain.Guardianship) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		if err := domain.CheckGuardianship(ctx, s, g); err != nil {
			return err
		}
		put(t, inner(t, s.s.guardianships, key[domain.Child]{g.Municipality, g.ChildID}), g.GuardianID, g)
		put(t, inner(t, s.s.wards, key[domain.Guardian]{g.Municipality, g.GuardianID}), g.ChildID, struct{}{})
		return nil
	})
}

// DeleteGuardianship implements domain.Directory.
func (s *Store) DeleteGuardianship(ctx context.Context, m domain.Municipality, child domain.ChildID, guardian domain.GuardianID) error {
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		byGuardian := s.s.guardianships[key[domain.Child]{m, child}]
		if _, ok := byGuardian[guardian]; !ok {
			return notFound("guardianship of child", child)
		}
		del(t, byGuardian, guardian)
		del(t, s.s.wards[key[domain.Guardian]{m, guardian}], child)
		return nil
	})
}

// Unit implements domain.DirectoryReader.
func (s *Store) Unit(ctx context.Context, m domain.Municipality, id domain.UnitID) (u domain.Unit, err error) {
	err = s.read(ctx, func() error { u, err = get(s.s.units, m, id, "unit"); return err })
	return u, err
}

// Units implements domain.DirectoryReader.
func (s *Store) Units(ctx context.Context, m domain.Municipality) (out []domain.Unit, err error) {
	err = s.read(ctx, func() error {
		for k, u := range s.s.units {
			if k.m == m {
				out = append(out, u)
			}
		}
		return nil
	})
	domain.SortUnits(out)
	return out, err
}

// CreateUnit implements domain.Directory.
func (s *Store) CreateUnit(ctx context.Context, u domain.Unit) error {
	return s.saveUnit(ctx, u, true)
}

// UpdateUnit implements domain.Directory.
func (s *Store) UpdateUnit(ctx context.Context, u domain.Unit) error {
	return s.saveUnit(ctx, u, false)
}

func (s *Store) saveUnit(ctx context.Context, u domain.Unit, create bool) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[domain.Unit]{u.Municipality, u.ID}
		if err := existence(s.s.units, k, create, "unit"); err != nil {
			return err
		}
		if err := domain.CheckUnit(ctx, s, u); err != nil {
			return err
		}
		put(t, s.s.units, k, u)
		return nil
	})
}

// existence checks that k is free (create) or taken (update).
func existence[K comparable, V any](m map[K]V, k K, create bool, what string) error {
	_, ok := m[k]
	switch {
	case create && ok:
		return idTaken
	case !create && !ok:
		return notFound(what, stringer("record"))
	}
	return nil
}

// Group implements domain.DirectoryReader.
func (s *Store) Group(ctx context.Context, m domain.Municipality, id domain.GroupID) (g domain.Group, err error) {
	err = s.read(ctx, func() error { g, err = get(s.s.groups, m, id, "group"); return err })
	return g, err
}

// Groups implements domain.DirectoryReader.
func (s *Store) Groups(ctx context.Context, m domain.Municipality, unit domain.UnitID) (out []domain.Group, err error) {
	err = s.read(ctx, func() error {
		for k, g := range s.s.groups {
			if k.m == m && g.UnitID == unit {
				out = append(out, g)
			}
		}
		return nil
	})
	domain.SortGroups(out)
	return out, err
}

// CreateGroup implements domain.Directory.
func (s *Store) CreateGroup(ctx context.Context, g domain.Group) error {
	return s.saveGroup(ctx, g, true)
}

// UpdateGroup implements domain.Directory.
func (s *Store) UpdateGroup(ctx context.Context, g domain.Group) error {
	return s.saveGroup(ctx, g, false)
}

func (s *Store) saveGroup(ctx context.Context, g domain.Group, create bool) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[domain.Group]{g.Municipality, g.ID}
		if err := existence(s.s.groups, k, create, "group"); err != nil {
			return err
		}
		if err := domain.CheckGroup(ctx, s, g); err != nil {
			return err
		}
		put(t, s.s.groups, k, g)
		return nil
	})
}

// Placement implements domain.DirectoryReader.
func (s *Store) Placement(ctx context.Context, m domain.Municipality, id domain.PlacementID) (p domain.Placement, err error) {
	err = s.read(ctx, func() error { p, err = get(s.s.placements, m, id, "placement"); return err })
	return p, err
}

// Placements implements domain.DirectoryReader.
func (s *Store) Placements(ctx context.Context, m domain.Municipality, child domain.ChildID) (out []domain.Placement, err error) {
	err = s.read(ctx, func() error {
		out = s.childPlacements(m, child)
		return nil
	})
	return out, err
}

func (s *Store) childPlacements(m domain.Municipality, child domain.ChildID) []domain.Placement {
	var out []domain.Placement
	for id := range s.s.byChild[key[domain.Child]{m, child}] {
		out = append(out, s.s.placements[key[domain.Placement]{m, id}])
	}
	domain.SortPlacements(out)
	return out
}

// UnitPlacements implements domain.DirectoryReader.
func (s *Store) UnitPlacements(ctx context.Context, m domain.Municipality, unit domain.UnitID, within domain.Period) (out []domain.Placement, err error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	err = s.read(ctx, func() error {
		for k, p := range s.s.placements {
			if k.m == m && p.UnitID == unit && p.Period.Overlaps(within) {
				out = append(out, p)
			}
		}
		return nil
	})
	domain.SortPlacements(out)
	return out, err
}

// CreatePlacement implements domain.Directory.
func (s *Store) CreatePlacement(ctx context.Context, p domain.Placement) error {
	return s.savePlacement(ctx, p, true)
}

// UpdatePlacement implements domain.Directory.
func (s *Store) UpdatePlacement(ctx context.Context, p domain.Placement) error {
	return s.savePlacement(ctx, p, false)
}

func (s *Store) savePlacement(ctx context.Context, p domain.Placement, create bool) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[domain.Placement]{p.Municipality, p.ID}
		if err := existence(s.s.placements, k, create, "placement"); err != nil {
			return err
		}
		if err := domain.CheckPlacement(ctx, s, p); err != nil {
			return err
		}
		ck := key[domain.Child]{p.Municipality, p.ChildID}
		for id := range s.s.byChild[ck] {
			other := s.s.placements[key[domain.Placement]{p.Municipality, id}]
			if id != p.ID && other.Kind == p.Kind && other.Period.Overlaps(p.Period) {
				return domain.OverlapConflict()
			}
		}
		if old, ok := s.s.placements[k]; ok && old.ChildID != p.ChildID {
			del(t, s.s.byChild[key[domain.Child]{p.Municipality, old.ChildID}], p.ID)
		}
		put(t, inner(t, s.s.byChild, ck), p.ID, struct{}{})
		put(t, s.s.placements, k, p)
		return nil
	})
}

// DeletePlacement implements domain.Directory.
func (s *Store) DeletePlacement(ctx context.Context, m domain.Municipality, id domain.PlacementID) error {
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[domain.Placement]{m, id}
		p, ok := s.s.placements[k]
		if !ok {
			return notFound("placement", id)
		}
		del(t, s.s.byChild[key[domain.Child]{m, p.ChildID}], id)
		del(t, s.s.placements, k)
		return nil
	})
}

// ChildRecord implements domain.DirectoryReader.
func (s *Store) ChildRecord(ctx context.Context, m domain.Municipality, id domain.ChildID) (r domain.ChildRecord, err error) {
	err = s.read(ctx, func() error {
		c, err := get(s.s.children, m, id, "child")
		if err != nil {
			return err
		}
		r.Child = c
		for _, g := range s.childGuardianships(m, id) {
			r.Guardians = append(r.Guardians, domain.GuardianLink{
				Guardian:     s.s.guardians[key[domain.Guardian]{m, g.GuardianID}],
				Guardianship: g,
			})
		}
		r.Placements = s.childPlacements(m, id)
		return nil
	})
	return r, err
}
