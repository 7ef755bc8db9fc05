package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

func testChildren(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	a := f.child(t)
	a.FamilyName, a.GivenName = "Øvrebø", "Åse"
	b := f.child(t)
	b.FamilyName, b.GivenName = "Aas", "Ola"
	b.NationalID = domain.NationalID{} // a child without a national ID (newly arrived)
	b.AddressProtection = domain.ProtectionStrengtFortrolig
	c := f.child(t)
	c.FamilyName, c.GivenName = "Ærlig", "Kari"
	for _, x := range []domain.Child{a, b, c} {
		require.NoError(t, s.CreateChild(ctx, x))
	}

	got, err := s.Child(ctx, Oslo, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a, got)
	got, err = s.Child(ctx, Oslo, b.ID)
	require.NoError(t, err)
	assert.Equal(t, b, got, "zero national ID and protection survive a round trip")

	byNID, err := s.ChildByNationalID(ctx, Oslo, a.NationalID)
	require.NoError(t, err)
	assert.Equal(t, a.ID, byNID.ID)

	list, err := s.Children(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, list, 3)
	assert.Equal(t, []domain.ChildID{b.ID, c.ID, a.ID}, []domain.ChildID{list[0].ID, list[1].ID, list[2].ID},
		"sorted by family name the Norwegian way: Aas, Ærlig, Øvrebø")

	some, err := s.ChildrenByID(ctx, Oslo, []domain.ChildID{a.ID, b.ID, domain.NewID[domain.Child]()})
	require.NoError(t, err)
	require.Len(t, some, 2, "an unknown ID is left out")
	assert.Equal(t, []domain.Child{b, a}, some, "whole children, sorted like Children")
	none, err := s.ChildrenByID(ctx, Oslo, nil)
	require.NoError(t, err)
	assert.Empty(t, none)
	other, err := s.ChildrenByID(ctx, Bergen, []domain.ChildID{a.ID, c.ID})
	require.NoError(t, err)
	assert.Empty(t, other, "another municipality's children are not read")

	a.GivenName = "Åse Marie"
	a.AddressProtection = domain.ProtectionFortrolig
	newNID := nid(t, a.BirthDate, 4242)
	a.NationalID = newNID
	require.NoError(t, s.UpdateChild(ctx, a))
	got, err = s.Child(ctx, Oslo, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a, got)
	byNID, err = s.ChildByNationalID(ctx, Oslo, newNID)
	require.NoError(t, err)
	assert.Equal(t, a.ID, byNID.ID)
}

func testGuardians(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	g := f.guardian(t)
	require.NoError(t, s.CreateGuardian(ctx, g))
	got, err := s.Guardian(ctx, Oslo, g.ID)
	require.NoError(t, err)
	assert.Equal(t, g, got)

	h := f.guardian(t)
	require.NoError(t, s.CreateGuardian(ctx, h))
	some, err := s.GuardiansByID(ctx, Oslo, []domain.GuardianID{h.ID, g.ID, domain.NewID[domain.Guardian]()})
	require.NoError(t, err)
	want := []domain.Guardian{g, h}
	if h.ID.Compare(g.ID) < 0 {
		want = []domain.Guardian{h, g}
	}
	assert.Equal(t, want, some, "whole guardians by ID, an unknown ID left out")
	none, err := s.GuardiansByID(ctx, Bergen, []domain.GuardianID{g.ID})
	require.NoError(t, err)
	assert.Empty(t, none, "another municipality's guardians are not read")

	g.Email, g.Phone = "", ""
	g.AddressProtection = domain.ProtectionStrengtFortroligUtland
	require.NoError(t, s.UpdateGuardian(ctx, g))
	got, err = s.GuardianByNationalID(ctx, Oslo, g.NationalID)
	require.NoError(t, err)
	assert.Equal(t, g, got)
}

func testGuardianships(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	c1, c2 := f.child(t), f.child(t)
	mother, father, stepfather := f.guardian(t), f.guardian(t), f.guardian(t)
	for _, c := range []domain.Child{c1, c2} {
		require.NoError(t, s.CreateChild(ctx, c))
	}
	for _, g := range []domain.Guardian{mother, father, stepfather} {
		require.NoError(t, s.CreateGuardian(ctx, g))
	}
	links := []domain.Guardianship{
		{Municipality: Oslo, ChildID: c1.ID, GuardianID: mother.ID, ParentalResponsibility: true, LivesWithChild: true},
		{Municipality: Oslo, ChildID: c1.ID, GuardianID: father.ID, InformationRequested: true},
		{Municipality: Oslo, ChildID: c2.ID, GuardianID: mother.ID, ParentalResponsibility: true, LivesWithChild: true},
		{Municipality: Oslo, ChildID: c2.ID, GuardianID: stepfather.ID, LivesWithChild: true, InformationDenied: true},
	}
	for _, l := range links {
		require.NoError(t, s.PutGuardianship(ctx, l))
	}
	got, err := s.Guardianships(ctx, Oslo, c1.ID)
	require.NoError(t, err)
	want := []domain.Guardianship{links[0], links[1]}
	domain.SortGuardianships(want)
	assert.Equal(t, want, got)

	wards, err := s.Wards(ctx, Oslo, mother.ID)
	require.NoError(t, err)
	want = []domain.Guardianship{links[0], links[2]}
	domain.SortGuardianships(want)
	assert.Equal(t, want, wards)
	both, err := s.WardsOf(ctx, Oslo, []domain.GuardianID{mother.ID, links[1].GuardianID, domain.NewID[domain.Guardian]()})
	require.NoError(t, err)
	want = []domain.Guardianship{links[0], links[1], links[2]}
	domain.SortGuardianships(want)
	assert.Equal(t, want, both, "the wards of two guardians in one read")
	none, err := s.WardsOf(ctx, Bergen, []domain.GuardianID{mother.ID})
	require.NoError(t, err)
	assert.Empty(t, none, "another municipality's guardianships are not read")

	// Put replaces the flags of an existing link.
	links[1].InformationDenied = true
	require.NoError(t, s.PutGuardianship(ctx, links[1]))
	got, err = s.Guardianships(ctx, Oslo, c1.ID)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for _, g := range got {
		if g.GuardianID == father.ID {
			assert.True(t, g.InformationDenied)
			assert.False(t, g.ReceivesInformation())
		}
	}

	require.NoError(t, s.DeleteGuardianship(ctx, Oslo, c1.ID, father.ID))
	got, err = s.Guardianships(ctx, Oslo, c1.ID)
	require.NoError(t, err)
	assert.Equal(t, []domain.Guardianship{links[0]}, got)
	err = s.DeleteGuardianship(ctx, Oslo, c1.ID, father.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

func testUnitsAndGroups(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	school := f.unit(domain.School)
	school.Name = "Bakken skole"
	sfo := f.unit(domain.SFO)
	sfo.Name, sfo.Parent, sfo.Owner = "Bakken SFO", school.ID, domain.Private
	kg := f.unit(domain.Kindergarten)
	kg.Name = "Åkeren barnehage"
	for _, u := range []domain.Unit{school, sfo, kg} {
		require.NoError(t, s.CreateUnit(ctx, u))
	}
	got, err := s.Unit(ctx, Oslo, sfo.ID)
	require.NoError(t, err)
	assert.Equal(t, sfo, got)
	units, err := s.Units(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, []domain.Unit{sfo, school, kg}, units)

	kg.Name = "Åkeren familiebarnehage"
	kg.Owner = domain.Private
	require.NoError(t, s.UpdateUnit(ctx, kg))
	got, err = s.Unit(ctx, Oslo, kg.ID)
	require.NoError(t, err)
	assert.Equal(t, kg, got)

	g2, g1 := f.group(kg), f.group(kg)
	g2.Name, g1.Name = "Tyttebær", "Blåbær"
	other := f.group(school)
	for _, g := range []domain.Group{g2, g1, other} {
		require.NoError(t, s.CreateGroup(ctx, g))
	}
	groups, err := s.Groups(ctx, Oslo, kg.ID)
	require.NoError(t, err)
	assert.Equal(t, []domain.Group{g1, g2}, groups)
	all, err := s.AllGroups(ctx, Oslo)
	require.NoError(t, err)
	want := []domain.Group{g1, g2, other}
	domain.SortGroups(want)
	assert.Equal(t, want, all, "every unit's groups in one read, sorted like Groups")
	none, err := s.AllGroups(ctx, Bergen)
	require.NoError(t, err)
	assert.Empty(t, none, "another municipality's groups are not read")
	g1.Name = "Blåbærtua"
	require.NoError(t, s.UpdateGroup(ctx, g1))
	gg, err := s.Group(ctx, Oslo, g1.ID)
	require.NoError(t, err)
	assert.Equal(t, g1, gg)

	// An SFO's parent must be an existing school.
	bad := f.unit(domain.SFO)
	bad.Parent = kg.ID
	requireField(t, s.CreateUnit(ctx, bad), domain.ErrInvalid, "parent")
	bad.Parent = domain.NewID[domain.Unit]()
	requireField(t, s.CreateUnit(ctx, bad), domain.ErrInvalid, "parent")
	// A group needs an existing unit.
	orphan := f.group(domain.Unit{ID: domain.NewID[domain.Unit]()})
	requireField(t, s.CreateGroup(ctx, orphan), domain.ErrInvalid, "unitId")
}

func testPlacements(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	c := f.child(t)
	kg := f.unit(domain.Kindergarten)
	school := f.unit(domain.School)
	require.NoError(t, s.CreateChild(ctx, c))
	require.NoError(t, s.CreateUnit(ctx, kg))
	require.NoError(t, s.CreateUnit(ctx, school))
	grp := f.group(kg)
	require.NoError(t, s.CreateGroup(ctx, grp))

	p1 := f.placement(c, kg, d(2023, 8, 1), d(2024, 7, 31))
	p1.GroupID = grp.ID
	p1.HoursPerWeek = 32
	p2 := f.placement(c, kg, d(2024, 8, 1), date.Zero) // open-ended
	p3 := f.placement(c, school, d(2024, 8, 19), d(2025, 6, 20))
	for _, p := range []domain.Placement{p2, p3, p1} {
		require.NoError(t, s.CreatePlacement(ctx, p))
	}
	got, err := s.Placement(ctx, Oslo, p1.ID)
	require.NoError(t, err)
	assert.Equal(t, p1, got)
	got, err = s.Placement(ctx, Oslo, p2.ID)
	require.NoError(t, err)
	assert.True(t, got.Period.Open(), "open end survives a round trip")
	assert.Equal(t, p2, got)

	list, err := s.Placements(ctx, Oslo, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []domain.Placement{p1, p2, p3}, list)

	inUnit, err := s.UnitPlacements(ctx, Oslo, kg.ID, domain.Period{Start: d(2024, 7, 31), End: d(2024, 7, 31)})
	require.NoError(t, err)
	assert.Equal(t, []domain.Placement{p1}, inUnit, "last day of p1 is inside")
	inUnit, err = s.UnitPlacements(ctx, Oslo, kg.ID, domain.Period{Start: d(2030, 1, 1)})
	require.NoError(t, err)
	assert.Equal(t, []domain.Placement{p2}, inUnit, "the open-ended placement reaches 2030")
	inUnit, err = s.UnitPlacements(ctx, Oslo, kg.ID, domain.Period{Start: d(2020, 1, 1), End: d(2023, 7, 31)})
	require.NoError(t, err)
	assert.Empty(t, inUnit)
	_, err = s.UnitPlacements(ctx, Oslo, kg.ID, domain.Period{})
	requireField(t, err, domain.ErrInvalid, "start")
	all, err := s.PlacementsWithin(ctx, Oslo, domain.Period{Start: d(2024, 7, 31), End: d(2024, 8, 19)})
	require.NoError(t, err)
	assert.Equal(t, []domain.Placement{p1, p2, p3}, all, "every unit's placements in one read, sorted like Placements")
	all, err = s.PlacementsWithin(ctx, Oslo, domain.Period{Start: d(2025, 6, 21)})
	require.NoError(t, err)
	assert.Equal(t, []domain.Placement{p2}, all, "only what shares a day with the period")
	all, err = s.PlacementsWithin(ctx, Bergen, domain.Period{Start: d(2020, 1, 1)})
	require.NoError(t, err)
	assert.Empty(t, all, "another municipality's placements are not read")
	_, err = s.PlacementsWithin(ctx, Oslo, domain.Period{})
	requireField(t, err, domain.ErrInvalid, "start")
	_, err = s.UnitPlacements(ctx, Oslo, kg.ID, domain.Period{Start: d(2024, 8, 1), End: d(2024, 7, 1)})
	requireField(t, err, domain.ErrInvalid, "end")

	p2.Period.End = d(2026, 7, 31)
	p2.HoursPerWeek = 24
	require.NoError(t, s.UpdatePlacement(ctx, p2))
	got, err = s.Placement(ctx, Oslo, p2.ID)
	require.NoError(t, err)
	assert.Equal(t, p2, got)

	require.NoError(t, s.DeletePlacement(ctx, Oslo, p3.ID))
	_, err = s.Placement(ctx, Oslo, p3.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.ErrorIs(t, s.DeletePlacement(ctx, Oslo, p3.ID), domain.ErrNotFound)

	// References are checked.
	wrongKind := f.placement(c, school, d(2030, 8, 1), date.Zero)
	wrongKind.Kind = domain.SFO
	wrongKind.HoursPerWeek = 10
	requireField(t, s.CreatePlacement(ctx, wrongKind), domain.ErrInvalid, "kind")
	noChild := f.placement(domain.Child{ID: domain.NewID[domain.Child]()}, kg, d(2030, 8, 1), date.Zero)
	requireField(t, s.CreatePlacement(ctx, noChild), domain.ErrInvalid, "childId")
	noUnit := f.placement(c, domain.Unit{ID: domain.NewID[domain.Unit](), Kind: domain.Kindergarten}, d(2030, 8, 1), date.Zero)
	requireField(t, s.CreatePlacement(ctx, noUnit), domain.ErrInvalid, "unitId")
	otherGroup := f.group(school)
	require.NoError(t, s.CreateGroup(ctx, otherGroup))
	foreignGroup := f.placement(c, kg, d(2030, 8, 1), date.Zero)
	foreignGroup.GroupID = otherGroup.ID
	requireField(t, s.CreatePlacement(ctx, foreignGroup), domain.ErrInvalid, "groupId")
}

func testChildRecord(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	c := f.child(t)
	g1, g2 := f.guardian(t), f.guardian(t)
	kg := f.unit(domain.Kindergarten)
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		return errors.Join(
			s.CreateChild(ctx, c), s.CreateGuardian(ctx, g1), s.CreateGuardian(ctx, g2), s.CreateUnit(ctx, kg))
	}))
	l1 := domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: g1.ID, ParentalResponsibility: true, LivesWithChild: true}
	l2 := domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: g2.ID, ParentalResponsibility: true}
	require.NoError(t, s.PutGuardianship(ctx, l1))
	require.NoError(t, s.PutGuardianship(ctx, l2))
	p1 := f.placement(c, kg, d(2023, 8, 1), d(2024, 7, 31))
	p2 := f.placement(c, kg, d(2024, 8, 1), date.Zero)
	require.NoError(t, s.CreatePlacement(ctx, p2))
	require.NoError(t, s.CreatePlacement(ctx, p1))

	r, err := s.ChildRecord(ctx, Oslo, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, r.Child)
	want := []domain.GuardianLink{{Guardian: g1, Guardianship: l1}, {Guardian: g2, Guardianship: l2}}
	if g2.ID.Compare(g1.ID) < 0 {
		want[0], want[1] = want[1], want[0]
	}
	assert.Equal(t, want, r.Guardians)
	assert.Equal(t, []domain.Placement{p1, p2}, r.Placements)

	// A child with no guardians and no placements still has a record.
	lone := f.child(t)
	require.NoError(t, s.CreateChild(ctx, lone))
	r, err = s.ChildRecord(ctx, Oslo, lone.ID)
	require.NoError(t, err)
	assert.Equal(t, lone, r.Child)
	assert.Empty(t, r.Guardians)
	assert.Empty(t, r.Placements)
}

func testNotFound(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	_, err := s.Child(ctx, Oslo, domain.NewID[domain.Child]())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.ChildByNationalID(ctx, Oslo, nid(t, d(2021, 3, 3), 1))
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Guardian(ctx, Oslo, domain.NewID[domain.Guardian]())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.GuardianByNationalID(ctx, Oslo, nid(t, d(1980, 3, 3), 1))
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Unit(ctx, Oslo, domain.NewID[domain.Unit]())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Group(ctx, Oslo, domain.NewID[domain.Group]())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Placement(ctx, Oslo, domain.NewID[domain.Placement]())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.ChildRecord(ctx, Oslo, domain.NewID[domain.Child]())
	assert.ErrorIs(t, err, domain.ErrNotFound)

	// Updating what does not exist is not-found too, and creates nothing.
	c := f.child(t)
	assert.ErrorIs(t, s.UpdateChild(ctx, c), domain.ErrNotFound)
	assert.ErrorIs(t, s.UpdateGuardian(ctx, f.guardian(t)), domain.ErrNotFound)
	u := f.unit(domain.Kindergarten)
	assert.ErrorIs(t, s.UpdateUnit(ctx, u), domain.ErrNotFound)
	assert.ErrorIs(t, s.UpdateGroup(ctx, f.group(u)), domain.ErrNotFound)
	assert.ErrorIs(t, s.UpdatePlacement(ctx, f.placement(c, u, d(2024, 8, 1), date.Zero)), domain.ErrNotFound)
	assert.ErrorIs(t, s.DeletePlacement(ctx, Oslo, domain.NewID[domain.Placement]()), domain.ErrNotFound)
	assert.Equal(t, counts{}, snapshot(t, ctx, s, Oslo))

	// Empty lists are empty, not errors.
	list, err := s.Children(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, list)
	gs, err := s.Guardianships(ctx, Oslo, c.ID)
	require.NoError(t, err)
	assert.Empty(t, gs)
}

func testIsolation(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	c := f.child(t)
	g := f.guardian(t)
	kg := f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateChild(ctx, c))
	require.NoError(t, s.CreateGuardian(ctx, g))
	require.NoError(t, s.CreateUnit(ctx, kg))
	grp := f.group(kg)
	require.NoError(t, s.CreateGroup(ctx, grp))
	require.NoError(t, s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: g.ID, ParentalResponsibility: true}))
	p := f.placement(c, kg, d(2024, 8, 1), date.Zero)
	require.NoError(t, s.CreatePlacement(ctx, p))

	// Nothing of Oslo is visible from Bergen.
	_, err := s.Child(ctx, Bergen, c.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.ChildByNationalID(ctx, Bergen, c.NationalID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Guardian(ctx, Bergen, g.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Unit(ctx, Bergen, kg.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Group(ctx, Bergen, grp.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Placement(ctx, Bergen, p.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.ChildRecord(ctx, Bergen, c.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.Equal(t, counts{}, snapshot(t, ctx, s, Bergen))
	gs, err := s.Guardianships(ctx, Bergen, c.ID)
	require.NoError(t, err)
	assert.Empty(t, gs)
	wards, err := s.Wards(ctx, Bergen, g.ID)
	require.NoError(t, err)
	assert.Empty(t, wards)
	ps, err := s.UnitPlacements(ctx, Bergen, kg.ID, domain.Period{Start: d(2024, 1, 1)})
	require.NoError(t, err)
	assert.Empty(t, ps)

	// Bergen cannot change or delete Oslo's records, nor point at them.
	cb := c
	cb.Municipality = Bergen
	assert.ErrorIs(t, s.UpdateChild(ctx, cb), domain.ErrNotFound)
	assert.ErrorIs(t, s.DeletePlacement(ctx, Bergen, p.ID), domain.ErrNotFound)
	assert.ErrorIs(t, s.DeleteGuardianship(ctx, Bergen, c.ID, g.ID), domain.ErrNotFound)
	requireField(t, s.PutGuardianship(ctx, domain.Guardianship{Municipality: Bergen, ChildID: c.ID, GuardianID: g.ID}), domain.ErrInvalid, "childId")
	fb := &fixture{m: Bergen}
	bergenKG := fb.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, bergenKG))
	pb := fb.placement(c, bergenKG, d(2024, 8, 1), date.Zero)
	requireField(t, s.CreatePlacement(ctx, pb), domain.ErrInvalid, "childId")

	// The same national ID (a family that moved) and even the same ID may
	// exist once in each municipality.
	require.NoError(t, s.CreateChild(ctx, cb))
	got, err := s.ChildByNationalID(ctx, Bergen, c.NationalID)
	require.NoError(t, err)
	assert.Equal(t, cb, got)
	got, err = s.Child(ctx, Oslo, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, got, "Oslo's child is untouched")
	assert.Equal(t, counts{children: 1, units: 1, groups: 1, placements: 1, guardianships: 1}, snapshot(t, ctx, s, Oslo))
	assert.Equal(t, counts{children: 1, units: 1}, snapshot(t, ctx, s, Bergen))
}

var errRollback = errors.New("storetest: roll back")

func testAtomicRollback(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kept := f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, kept))
	before := snapshot(t, ctx, s, Oslo)

	c := f.child(t)
	g := f.guardian(t)
	kg := f.unit(domain.Kindergarten)
	err := s.Atomic(ctx, func(ctx context.Context) error {
		require.NoError(t, s.CreateUnit(ctx, kg))
		require.NoError(t, s.CreateChild(ctx, c))
		require.NoError(t, s.CreateGuardian(ctx, g))
		require.NoError(t, s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: g.ID, ParentalResponsibility: true}))
		require.NoError(t, s.CreatePlacement(ctx, f.placement(c, kg, d(2024, 8, 1), date.Zero)))
		renamed := kept
		renamed.Name = "Omdøpt"
		require.NoError(t, s.UpdateUnit(ctx, renamed))
		// Reads inside the transaction see its own writes.
		got, err := s.Child(ctx, Oslo, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	assert.Equal(t, before, snapshot(t, ctx, s, Oslo))
	_, err = s.Child(ctx, Oslo, c.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Guardian(ctx, Oslo, g.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.ChildByNationalID(ctx, Oslo, c.NationalID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	u, err := s.Unit(ctx, Oslo, kept.ID)
	require.NoError(t, err)
	assert.Equal(t, kept, u, "the update inside the failed transaction is undone")

	// A refused write inside a transaction, returned by fn, undoes the
	// writes before it.
	c2 := f.child(t)
	err = s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateChild(ctx, c2); err != nil {
			return err
		}
		return s.CreatePlacement(ctx, f.placement(c2, domain.Unit{ID: domain.NewID[domain.Unit](), Kind: domain.Kindergarten}, d(2024, 8, 1), date.Zero))
	})
	requireField(t, err, domain.ErrInvalid, "unitId")
	assert.Equal(t, before, snapshot(t, ctx, s, Oslo))

	// A panic inside fn rolls back and is passed on.
	c3 := f.child(t)
	func() {
		defer func() { assert.Equal(t, "storetest panic", recover()) }()
		_ = s.Atomic(ctx, func(ctx context.Context) error {
			require.NoError(t, s.CreateChild(ctx, c3))
			panic("storetest panic")
		})
	}()
	_, err = s.Child(ctx, Oslo, c3.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.Equal(t, before, snapshot(t, ctx, s, Oslo))
}

func testAtomicCommit(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	c := f.child(t)
	kg := f.unit(domain.Kindergarten)
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateUnit(ctx, kg); err != nil {
			return err
		}
		// A nested Atomic joins the outer transaction.
		return s.Atomic(ctx, func(ctx context.Context) error {
			if err := s.CreateChild(ctx, c); err != nil {
				return err
			}
			return s.CreatePlacement(ctx, f.placement(c, kg, d(2024, 8, 1), date.Zero))
		})
	}))
	assert.Equal(t, counts{children: 1, units: 1, placements: 1}, snapshot(t, ctx, s, Oslo))

	// An error from the nested call rolls back the outer transaction too.
	c2 := f.child(t)
	u2 := f.unit(domain.School)
	err := s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateUnit(ctx, u2); err != nil {
			return err
		}
		return s.Atomic(ctx, func(ctx context.Context) error {
			if err := s.CreateChild(ctx, c2); err != nil {
				return err
			}
			return errRollback
		})
	})
	require.ErrorIs(t, err, errRollback)
	assert.Equal(t, counts{children: 1, units: 1, placements: 1}, snapshot(t, ctx, s, Oslo))

	// A cancelled context does not commit.
	cctx, cancel := context.WithCancel(ctx)
	c3 := f.child(t)
	err = s.Atomic(cctx, func(ctx context.Context) error {
		if err := s.CreateChild(ctx, c3); err != nil {
			return err
		}
		cancel()
		return nil
	})
	require.Error(t, err)
	_, err = s.Child(ctx, Oslo, c3.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

func testOverlap(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	c := f.child(t)
	kg1, kg2 := f.unit(domain.Kindergarten), f.unit(domain.Kindergarten)
	school, sfo := f.unit(domain.School), f.unit(domain.SFO)
	for _, u := range []domain.Unit{kg1, kg2, school, sfo} {
		require.NoError(t, s.CreateUnit(ctx, u))
	}
	require.NoError(t, s.CreateChild(ctx, c))
	first := f.placement(c, kg1, d(2024, 8, 1), d(2025, 7, 31))
	require.NoError(t, s.CreatePlacement(ctx, first))
	before := snapshot(t, ctx, s, Oslo)

	for name, p := range map[string]domain.Placement{
		"same unit, same period":      f.placement(c, kg1, d(2024, 8, 1), d(2025, 7, 31)),
		"other unit, one shared day":  f.placement(c, kg2, d(2025, 7, 31), d(2025, 12, 31)),
		"open end reaching into it":   f.placement(c, kg2, d(2020, 1, 1), date.Zero),
		"ends on the first day":       f.placement(c, kg2, d(2024, 1, 1), d(2024, 8, 1)),
		"inside it":                   f.placement(c, kg2, d(2024, 9, 1), d(2024, 9, 30)),
		"open-ended starting inside":  f.placement(c, kg2, d(2025, 1, 1), date.Zero),
		"covering it on both sides":   f.placement(c, kg2, d(2023, 1, 1), d(2026, 1, 1)),
		"a single day in the middle":  f.placement(c, kg1, d(2025, 2, 2), d(2025, 2, 2)),
		"starting on its last day":    f.placement(c, kg1, d(2025, 7, 31), date.Zero),
		"one day before to first day": f.placement(c, kg2, d(2024, 7, 31), d(2024, 8, 1)),
	} {
		requireField(t, s.CreatePlacement(ctx, p), domain.ErrConflict, "period")
		assert.Equal(t, before, snapshot(t, ctx, s, Oslo), name)
	}

	// Adjacent periods and other kinds are fine.
	next := f.placement(c, kg2, d(2025, 8, 1), date.Zero)
	require.NoError(t, s.CreatePlacement(ctx, next))
	prev := f.placement(c, kg2, d(2023, 8, 1), d(2024, 7, 31))
	require.NoError(t, s.CreatePlacement(ctx, prev))
	require.NoError(t, s.CreatePlacement(ctx, f.placement(c, school, d(2024, 8, 1), date.Zero)))
	sfoP := f.placement(c, sfo, d(2024, 8, 1), date.Zero)
	sfoP.HoursPerWeek = 12
	require.NoError(t, s.CreatePlacement(ctx, sfoP))
	// Another child may have the same period.
	other := f.child(t)
	require.NoError(t, s.CreateChild(ctx, other))
	require.NoError(t, s.CreatePlacement(ctx, f.placement(other, kg1, d(2024, 8, 1), d(2025, 7, 31))))

	// Updating into an overlap is refused and changes nothing; updating a
	// placement over its own old period is fine.
	moved := first
	moved.Period.End = d(2025, 8, 1)
	requireField(t, s.UpdatePlacement(ctx, moved), domain.ErrConflict, "period")
	got, err := s.Placement(ctx, Oslo, first.ID)
	require.NoError(t, err)
	assert.Equal(t, first, got)
	shrunk := first
	shrunk.Period.Start = d(2024, 9, 1)
	require.NoError(t, s.UpdatePlacement(ctx, shrunk))

	// Inside a transaction the refusal can be handled and the transaction
	// still rolled back as a whole.
	c2 := f.child(t)
	err = s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateChild(ctx, c2); err != nil {
			return err
		}
		if err := s.CreatePlacement(ctx, f.placement(c2, kg1, d(2024, 8, 1), date.Zero)); err != nil {
			return err
		}
		return s.CreatePlacement(ctx, f.placement(c2, kg2, d(2024, 12, 1), date.Zero))
	})
	requireField(t, err, domain.ErrConflict, "period")
	_, err = s.Child(ctx, Oslo, c2.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)

	// A refusal handled inside a transaction leaves it usable: the writes
	// before and after it commit.
	c3 := f.child(t)
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateChild(ctx, c3); err != nil {
			return err
		}
		if err := s.CreatePlacement(ctx, f.placement(c3, kg1, d(2024, 8, 1), date.Zero)); err != nil {
			return err
		}
		err := s.CreatePlacement(ctx, f.placement(c3, kg2, d(2024, 12, 1), date.Zero))
		if !errors.Is(err, domain.ErrConflict) {
			return fmt.Errorf("want a conflict, got %v", err)
		}
		if err := s.CreateChild(ctx, c3); !errors.Is(err, domain.ErrConflict) {
			return fmt.Errorf("want a duplicate, got %v", err)
		}
		return s.CreatePlacement(ctx, f.placement(c3, kg2, d(2023, 8, 1), d(2024, 7, 31)))
	}))
	ps, err := s.Placements(ctx, Oslo, c3.ID)
	require.NoError(t, err)
	assert.Len(t, ps, 2)
}

func testInvalid(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	c := f.child(t)
	kg := f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateChild(ctx, c))
	require.NoError(t, s.CreateUnit(ctx, kg))
	before := snapshot(t, ctx, s, Oslo)
	check := func(name string, err error, field string) {
		t.Helper()
		requireField(t, err, domain.ErrInvalid, field)
		assert.Equal(t, before, snapshot(t, ctx, s, Oslo), name)
	}

	// An invalid national ID cannot be constructed or decoded.
	_, err := domain.ParseNationalID("15076500566")
	requireField(t, err, domain.ErrInvalid, "nationalId")

	// A kommunenummer with a letter.
	bad := f.child(t)
	bad.Municipality = "12A4"
	check("kommunenummer 12A4", s.CreateChild(ctx, bad), "municipality")
	_, err = domain.ParseMunicipality("12A4")
	requireField(t, err, domain.ErrInvalid, "municipality")
	badUnit := f.unit(domain.Kindergarten)
	badUnit.Municipality = "12A4"
	check("unit in 12A4", s.CreateUnit(ctx, badUnit), "municipality")

	// A placement ending before it starts.
	p := f.placement(c, kg, d(2025, 8, 1), d(2025, 7, 31))
	check("ends before start", s.CreatePlacement(ctx, p), "period.end")
	p = f.placement(c, kg, date.Zero, date.Zero)
	check("no start", s.CreatePlacement(ctx, p), "period.start")
	p = f.placement(c, kg, d(2025, 8, 1), date.Zero)
	p.HoursPerWeek = -5
	check("negative hours", s.CreatePlacement(ctx, p), "hoursPerWeek")
	p.HoursPerWeek = 61
	check("too many hours", s.CreatePlacement(ctx, p), "hoursPerWeek")
	p.HoursPerWeek, p.Kind = 30, "nursery"
	check("unknown kind", s.CreatePlacement(ctx, p), "kind")

	// A child and other records with missing or malformed fields.
	nameless := f.child(t)
	nameless.GivenName = "  "
	check("no given name", s.CreateChild(ctx, nameless), "givenName")
	wrongBirth := f.child(t)
	wrongBirth.BirthDate = wrongBirth.BirthDate + 1
	check("birth date against national ID", s.CreateChild(ctx, wrongBirth), "birthDate")
	noID := f.child(t)
	noID.ID = domain.ChildID{}
	check("no ID", s.CreateChild(ctx, noID), "id")
	prot := f.child(t)
	prot.AddressProtection = "hemmelig"
	check("unknown protection", s.CreateChild(ctx, prot), "addressProtection")
	g := f.guardian(t)
	g.Email = "not an address"
	check("bad e-mail", s.CreateGuardian(ctx, g), "email")
	u := f.unit("nursery")
	check("unknown unit kind", s.CreateUnit(ctx, u), "kind")
	check("guardianship without guardian", s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: c.ID}), "guardianId")
	check("guardianship to a missing guardian",
		s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: domain.NewID[domain.Guardian]()}), "guardianId")

	// Control characters: PostgreSQL cannot store NUL in text, SQLite
	// would; every store refuses it (and any other control character in a
	// name), and a name of only NUL is no name.
	for _, name := range []string{"\x00", "Ada\x00", "Ada\nBerg", "Ada\tBerg", "Ada\x1b[31m", " \x00 ", "\u200b"} {
		ctl := f.child(t)
		ctl.GivenName = name
		check(fmt.Sprintf("given name %q", name), s.CreateChild(ctx, ctl), "givenName")
		ctlUnit := f.unit(domain.Kindergarten)
		ctlUnit.Name = name
		check(fmt.Sprintf("unit name %q", name), s.CreateUnit(ctx, ctlUnit), "name")
		ctlGroup := f.group(kg)
		ctlGroup.Name = name
		check(fmt.Sprintf("group name %q", name), s.CreateGroup(ctx, ctlGroup), "name")
	}
	g = f.guardian(t)
	g.Email = "kari@example.no\x00"
	check("NUL in an e-mail address", s.CreateGuardian(ctx, g), "email")
	g = f.guardian(t)
	g.FamilyName = "Nordmann\x00"
	check("NUL in a guardian's name", s.CreateGuardian(ctx, g), "familyName")

	// An update with bad input leaves the stored record as it was.
	broken := c
	broken.FamilyName = ""
	check("update with no family name", s.UpdateChild(ctx, broken), "familyName")
	broken.FamilyName = "\x00"
	check("update with a family name of NUL", s.UpdateChild(ctx, broken), "familyName")
	got, err := s.Child(ctx, Oslo, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, got)
}

func testDuplicates(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	c := f.child(t)
	require.NoError(t, s.CreateChild(ctx, c))
	again := c
	again.GivenName = "Annen"
	requireField(t, s.CreateChild(ctx, again), domain.ErrConflict, "id")
	twin := f.child(t)
	twin.NationalID, twin.BirthDate = c.NationalID, c.BirthDate
	requireField(t, s.CreateChild(ctx, twin), domain.ErrConflict, "nationalId")
	other := f.child(t)
	require.NoError(t, s.CreateChild(ctx, other))
	other.NationalID, other.BirthDate = c.NationalID, c.BirthDate
	requireField(t, s.UpdateChild(ctx, other), domain.ErrConflict, "nationalId")

	g := f.guardian(t)
	require.NoError(t, s.CreateGuardian(ctx, g))
	requireField(t, s.CreateGuardian(ctx, g), domain.ErrConflict, "id")
	g2 := f.guardian(t)
	g2.NationalID = g.NationalID
	requireField(t, s.CreateGuardian(ctx, g2), domain.ErrConflict, "nationalId")

	u := f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, u))
	requireField(t, s.CreateUnit(ctx, u), domain.ErrConflict, "id")
	grp := f.group(u)
	require.NoError(t, s.CreateGroup(ctx, grp))
	requireField(t, s.CreateGroup(ctx, grp), domain.ErrConflict, "id")
	p := f.placement(c, u, d(2024, 8, 1), d(2024, 12, 31))
	require.NoError(t, s.CreatePlacement(ctx, p))
	p.Period = domain.Period{Start: d(2025, 8, 1)}
	requireField(t, s.CreatePlacement(ctx, p), domain.ErrConflict, "id")
	assert.Equal(t, counts{children: 2, units: 1, groups: 1, placements: 1}, snapshot(t, ctx, s, Oslo))
}

func testConcurrent(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	const writers, each = 8, 200
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, kg))
	// Prepare the records first: national IDs take a little work to find.
	children := make([][]domain.Child, writers)
	for w := range children {
		for i := 0; i < each; i++ {
			c := f.child(t)
			c.NationalID = domain.NationalID{}
			c.GivenName = fmt.Sprintf("W%d-%d", w, i)
			children[w] = append(children[w], c)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i, c := range children[w] {
				var err error
				if i%2 == 0 {
					// Half the writes are single calls…
					err = s.CreateChild(ctx, c)
				} else {
					// …and half are transactions with a read and two writes.
					err = s.Atomic(ctx, func(ctx context.Context) error {
						if _, err := s.Unit(ctx, Oslo, kg.ID); err != nil {
							return err
						}
						if err := s.CreateChild(ctx, c); err != nil {
							return err
						}
						return s.CreatePlacement(ctx, domain.Placement{
							ID: domain.NewID[domain.Placement](), Municipality: Oslo, ChildID: c.ID, UnitID: kg.ID,
							Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: d(2024, 8, 1)},
						})
					})
				}
				if err != nil {
					errs <- fmt.Errorf("writer %d, write %d: %w", w, i, err)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	list, err := s.Children(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, list, writers*each, "nothing lost")
	ps, err := s.UnitPlacements(ctx, Oslo, kg.ID, domain.Period{Start: d(2024, 8, 1)})
	require.NoError(t, err)
	assert.Len(t, ps, writers*each/2)
}
