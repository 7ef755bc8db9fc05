package storetest

import (
	"errors"
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// testUnitDetails: a unit's address, opening hours, contact, seats,
// grades and closing date, and a group's age group, grades and closing
// date, are stored and read back as written; invalid ones are refused
// with the field named and nothing written.
func testUnitDetails(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	kg.Address = domain.Address{Street: "Storgata 1", Postcode: "0155", PostTown: "OSLO", Municipality: Oslo}
	kg.OpeningHours = domain.Daily("07:00", "16:30")
	kg.Contact = domain.Contact{Phone: "+47 22 00 00 00", Email: "post@akeren.example"}
	kg.Seats = domain.Seats{Small: 18, Large: 36}
	require.NoError(t, s.CreateUnit(ctx, kg))
	got, err := s.Unit(ctx, Oslo, kg.ID)
	require.NoError(t, err)
	assert.Equal(t, kg, got)

	school := f.unit(domain.School)
	school.Address = domain.Address{Cadastral: "gnr. 12 bnr. 34", Postcode: "0301", PostTown: "OSLO"}
	school.Grades = domain.Grades{From: 1, To: 7}
	require.NoError(t, s.CreateUnit(ctx, school))
	class := f.group(school)
	class.Grades = domain.Grades{From: 3, To: 3}
	require.NoError(t, s.CreateGroup(ctx, class))
	small := f.group(kg)
	small.AgeGroup = domain.Small
	small.ClosingDate = d(2031, 7, 31)
	require.NoError(t, s.CreateGroup(ctx, small))
	gs, err := s.Groups(ctx, Oslo, kg.ID)
	require.NoError(t, err)
	assert.Equal(t, []domain.Group{small}, gs)
	cl, err := s.Group(ctx, Oslo, class.ID)
	require.NoError(t, err)
	assert.Equal(t, class, cl)

	// Edits are kept; removing the details reads back as none.
	kg.OpeningHours = domain.OpeningHours{"mon": {Opens: "06:45", Closes: "17:00"}}
	kg.Seats.Large = 40
	require.NoError(t, s.UpdateUnit(ctx, kg))
	got, err = s.Unit(ctx, Oslo, kg.ID)
	require.NoError(t, err)
	assert.Equal(t, kg, got)

	before := snapshot(t, ctx, s, Oslo)
	for _, tc := range []struct {
		name  string
		edit  func(*domain.Unit)
		field string
	}{
		{"postcode", func(u *domain.Unit) { u.Address.Postcode = "155" }, "address.postcode"},
		{"no street", func(u *domain.Unit) { u.Address.Street = "" }, "address.street"},
		{"control character", func(u *domain.Unit) { u.Address.PostTown = "OS\x00LO" }, "address.postTown"},
		{"time", func(u *domain.Unit) { u.OpeningHours = domain.Daily("7:00", "16:30") }, "openingHours.mon.opens"},
		{"closes first", func(u *domain.Unit) { u.OpeningHours = domain.Daily("16:30", "07:00") }, "openingHours.mon.closes"},
		{"email", func(u *domain.Unit) { u.Contact.Email = "post" }, "contact.email"},
		{"phone", func(u *domain.Unit) { u.Contact.Phone = "ring oss" }, "contact.phone"},
		{"seats", func(u *domain.Unit) { u.Seats.Small = -1 }, "seats.small"},
		{"grades in a kindergarten", func(u *domain.Unit) { u.Grades = domain.Grades{From: 1, To: 4} }, "grades"},
	} {
		u := kg
		tc.edit(&u)
		requireField(t, s.UpdateUnit(ctx, u), domain.ErrInvalid, tc.field)
		u.ID = domain.NewID[domain.Unit]()
		requireField(t, s.CreateUnit(ctx, u), domain.ErrInvalid, tc.field)
	}
	bad := school
	bad.Grades = domain.Grades{From: 8, To: 11}
	requireField(t, s.UpdateUnit(ctx, bad), domain.ErrInvalid, "grades")
	// Narrowing a school's grades below a class's is refused.
	bad.Grades = domain.Grades{From: 5, To: 7}
	requireField(t, s.UpdateUnit(ctx, bad), domain.ErrInvalid, "grades")
	// A group's grades must lie in the unit's, an age group only in a
	// kindergarten.
	g := f.group(school)
	g.Grades = domain.Grades{From: 8, To: 8}
	requireField(t, s.CreateGroup(ctx, g), domain.ErrInvalid, "grades")
	g.Grades, g.AgeGroup = domain.Grades{}, domain.Large
	requireField(t, s.CreateGroup(ctx, g), domain.ErrInvalid, "ageGroup")
	assert.Equal(t, before, snapshot(t, ctx, s, Oslo), "nothing written")
}

// testOrphans: closing a unit or group, changing a unit's kind, or moving
// a group to another unit is refused with an *OrphanError that lists the
// placements that would be left behind; placements ending on or before the
// closing date go along, and so does a rename.
func testOrphans(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	other := f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, kg))
	require.NoError(t, s.CreateUnit(ctx, other))
	grp := f.group(kg)
	require.NoError(t, s.CreateGroup(ctx, grp))
	c1, c2 := f.child(t), f.child(t)
	require.NoError(t, s.CreateChild(ctx, c1))
	require.NoError(t, s.CreateChild(ctx, c2))
	ended := f.placement(c1, kg, d(2030, 8, 1), d(2031, 6, 30))
	ended.GroupID = grp.ID
	running := f.placement(c2, kg, d(2030, 8, 1), date.Zero)
	running.GroupID = grp.ID
	require.NoError(t, s.CreatePlacement(ctx, ended))
	require.NoError(t, s.CreatePlacement(ctx, running))

	// Closing the unit on 2031-06-30 would orphan the open-ended placement.
	closing := kg
	closing.ClosingDate = d(2031, 6, 30)
	err := s.UpdateUnit(ctx, closing)
	requireField(t, err, domain.ErrConflict, "closingDate")
	var oe *domain.OrphanError
	require.True(t, errors.As(err, &oe), "%v", err)
	require.Len(t, oe.Placements, 1)
	assert.Equal(t, running.ID, oe.Placements[0].ID)
	var ce *domain.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "placements-would-no-longer-fit", ce.Reason)
	assert.Equal(t, "1", ce.Params["count"])
	// The same for the group, and for changing the unit's kind.
	gClosing := grp
	gClosing.ClosingDate = d(2031, 6, 30)
	requireField(t, s.UpdateGroup(ctx, gClosing), domain.ErrConflict, "closingDate")
	kind := kg
	kind.Kind = domain.School
	err = s.UpdateUnit(ctx, kind)
	requireField(t, err, domain.ErrConflict, "kind")
	require.True(t, errors.As(err, &oe))
	assert.Len(t, oe.Placements, 2, "every placement, past ones too")
	moved := grp
	moved.UnitID = other.ID
	requireField(t, s.UpdateGroup(ctx, moved), domain.ErrConflict, "unitId")
	got, err := s.Unit(ctx, Oslo, kg.ID)
	require.NoError(t, err)
	assert.Equal(t, kg, got, "nothing written")

	// A rename carries the placements along.
	grp.Name = "Nytt navn"
	require.NoError(t, s.UpdateGroup(ctx, grp))

	// Once the running placement ends by the date, the group and the
	// unit close.
	running.Period.End = d(2031, 6, 30)
	require.NoError(t, s.UpdatePlacement(ctx, running))
	gClosing.Name = grp.Name
	require.NoError(t, s.UpdateGroup(ctx, gClosing))
	require.NoError(t, s.UpdateUnit(ctx, closing))
	got, err = s.Unit(ctx, Oslo, kg.ID)
	require.NoError(t, err)
	assert.Equal(t, d(2031, 6, 30), got.ClosingDate)

	// A closed unit takes no placement past its closing date.
	late := f.placement(c1, kg, d(2031, 7, 1), date.Zero)
	requireField(t, s.CreatePlacement(ctx, late), domain.ErrInvalid, "period.end")
	running.Period.End = date.Zero
	requireField(t, s.UpdatePlacement(ctx, running), domain.ErrInvalid, "period.end")
	// A group cannot close after its unit.
	g2 := f.group(kg)
	g2.ClosingDate = d(2032, 1, 1)
	requireField(t, s.CreateGroup(ctx, g2), domain.ErrInvalid, "closingDate")
}
