package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

func TestAddressValidate(t *testing.T) {
	ok := domain.Address{Street: "Storgata 1", Postcode: "0155", PostTown: "OSLO", Municipality: "0301"}
	for _, tc := range []struct {
		name   string
		edit   func(*domain.Address)
		field  string
		reason string
	}{
		{"valid", func(*domain.Address) {}, "", ""},
		{"none at all", func(a *domain.Address) { *a = domain.Address{} }, "", ""},
		{"cadastral instead of street", func(a *domain.Address) { a.Street, a.Cadastral = "", "gnr. 12 bnr. 34" }, "", ""},
		{"neither street nor cadastral", func(a *domain.Address) { a.Street = "  " }, "street", domain.ReasonStreetOrCadastral},
		{"postcode of three digits", func(a *domain.Address) { a.Postcode = "155" }, "postcode", domain.ReasonPostcode},
		{"postcode with a letter", func(a *domain.Address) { a.Postcode = "01S5" }, "postcode", domain.ReasonPostcode},
		{"no post town", func(a *domain.Address) { a.PostTown = "" }, "postTown", domain.ReasonRequired},
		{"control character", func(a *domain.Address) { a.Street = "Storgata\n1" }, "street", domain.ReasonControl},
		{"NUL in the town", func(a *domain.Address) { a.PostTown = "OS\x00LO" }, "postTown", domain.ReasonControl},
		{"municipality", func(a *domain.Address) { a.Municipality = "03" }, "municipality", domain.ReasonMunicipality},
		{"long street", func(a *domain.Address) { a.Street = fmt.Sprintf("%0201d", 0) }, "street", domain.ReasonTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ok
			tc.edit(&a)
			err := a.Validate()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var v *domain.ValidationError
			require.True(t, errors.As(err, &v), "%v", err)
			assert.Equal(t, []domain.FieldError{{Field: tc.field, Reason: tc.reason}}, v.Fields)
		})
	}
}

func TestUnitDetailsValidate(t *testing.T) {
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: "0301", Name: "Åkeren", Kind: domain.Kindergarten,
		Owner: domain.Municipal, Address: domain.Address{Street: "Storgata 1", Postcode: "0155", PostTown: "OSLO"},
		OpeningHours: domain.Daily("07:00", "16:30"), Contact: domain.Contact{Phone: "22 00 00 00", Email: "post@akeren.no"},
		Seats: domain.Seats{Small: 18, Large: 36}}
	school := kg
	school.Kind, school.Seats, school.Grades = domain.School, domain.Seats{}, domain.Grades{From: 8, To: 10}
	sfo := school
	sfo.Kind, sfo.Grades = domain.SFO, domain.Grades{From: 1, To: 4}
	for _, tc := range []struct {
		name   string
		unit   domain.Unit
		edit   func(*domain.Unit)
		field  string
		reason string
	}{
		{"kindergarten", kg, func(*domain.Unit) {}, "", ""},
		{"school 8–10", school, func(*domain.Unit) {}, "", ""},
		{"school 1–7", school, func(u *domain.Unit) { u.Grades = domain.Grades{From: 1, To: 7} }, "", ""},
		{"school 1–10", school, func(u *domain.Unit) { u.Grades = domain.Grades{From: 1, To: 10} }, "", ""},
		{"sfo 1–4", sfo, func(*domain.Unit) {}, "", ""},
		{"sfo for special needs up to 7", sfo, func(u *domain.Unit) { u.Grades = domain.Grades{From: 1, To: 7} }, "", ""},
		{"sfo grade 8", sfo, func(u *domain.Unit) { u.Grades = domain.Grades{From: 1, To: 8} }, "grades", domain.ReasonGrades},
		{"school grade 11", school, func(u *domain.Unit) { u.Grades = domain.Grades{From: 8, To: 11} }, "grades", domain.ReasonGrades},
		{"school grades reversed", school, func(u *domain.Unit) { u.Grades = domain.Grades{From: 7, To: 1} }, "grades", domain.ReasonGrades},
		{"grades in a kindergarten", kg, func(u *domain.Unit) { u.Grades = domain.Grades{From: 1, To: 4} }, "grades", domain.ReasonNotForKind},
		{"seats in a school", school, func(u *domain.Unit) { u.Seats.Large = 10 }, "seats", domain.ReasonNotForKind},
		{"negative seats", kg, func(u *domain.Unit) { u.Seats.Small = -1 }, "seats.small", domain.ReasonSeats},
		{"opening time", kg, func(u *domain.Unit) { u.OpeningHours = domain.OpeningHours{"mon": {Opens: "7", Closes: "16:30"}} }, "openingHours.mon.opens", domain.ReasonTime},
		{"25 o'clock", kg, func(u *domain.Unit) { u.OpeningHours = domain.OpeningHours{"tue": {Opens: "07:00", Closes: "25:00"}} }, "openingHours.tue.closes", domain.ReasonTime},
		{"minute 60", kg, func(u *domain.Unit) { u.OpeningHours = domain.OpeningHours{"tue": {Opens: "07:60", Closes: "16:00"}} }, "openingHours.tue.opens", domain.ReasonTime},
		{"until midnight", kg, func(u *domain.Unit) { u.OpeningHours = domain.OpeningHours{"sat": {Opens: "10:00", Closes: "24:00"}} }, "", ""},
		{"closes before it opens", kg, func(u *domain.Unit) { u.OpeningHours = domain.OpeningHours{"wed": {Opens: "16:30", Closes: "07:00"}} }, "openingHours.wed.closes", domain.ReasonClosesBeforeOpens},
		{"no weekday", kg, func(u *domain.Unit) {
			u.OpeningHours = domain.OpeningHours{"monday": {Opens: "07:00", Closes: "16:30"}}
		}, "openingHours.monday", domain.ReasonWeekday},
		{"e-mail", kg, func(u *domain.Unit) { u.Contact.Email = "post at akeren.no" }, "contact.email", domain.ReasonEmail},
		{"phone", kg, func(u *domain.Unit) { u.Contact.Phone = "ring oss" }, "contact.phone", domain.ReasonPhone},
		{"phone too short", kg, func(u *domain.Unit) { u.Contact.Phone = "1234" }, "contact.phone", domain.ReasonPhone},
		{"address", kg, func(u *domain.Unit) { u.Address.Postcode = "" }, "address.postcode", domain.ReasonPostcode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.unit
			tc.edit(&u)
			err := u.Validate()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var v *domain.ValidationError
			require.True(t, errors.As(err, &v), "%v", err)
			assert.Equal(t, []domain.FieldError{{Field: tc.field, Reason: tc.reason}}, v.Fields)
		})
	}
}

func TestGroupValidate(t *testing.T) {
	g := domain.Group{ID: domain.NewID[domain.Group](), Municipality: "0301", UnitID: domain.NewID[domain.Unit](), Name: "Blåbær", AgeGroup: domain.Small}
	require.NoError(t, g.Validate())
	g.AgeGroup = "toddlers"
	assert.Equal(t, "ageGroup", domain.FieldOf(g.Validate()))
	g.AgeGroup, g.Grades = "", domain.Grades{From: 3, To: 2}
	assert.Equal(t, "grades", domain.FieldOf(g.Validate()))
}

func TestOrphans(t *testing.T) {
	u := domain.Unit{ID: domain.NewID[domain.Unit](), Kind: domain.Kindergarten}
	pl := func(start, end date.Date) domain.Placement {
		return domain.Placement{ID: domain.NewID[domain.Placement](), UnitID: u.ID, Period: domain.Period{Start: start, End: end}}
	}
	closing := date.New(2026, 6, 30)
	endsOn := pl(date.New(2025, 8, 1), closing)
	runsOn := pl(date.New(2025, 8, 1), date.New(2026, 7, 1))
	open := pl(date.New(2026, 1, 1), date.Zero)
	all := []domain.Placement{endsOn, runsOn, open}

	changed := u
	changed.Name = "renamed"
	field, orphans := domain.UnitOrphans(u, changed, all)
	assert.Empty(t, orphans, "a rename carries the placements along")
	assert.Empty(t, field)

	changed.ClosingDate = closing
	field, orphans = domain.UnitOrphans(u, changed, all)
	assert.Equal(t, "closingDate", field)
	assert.Equal(t, []domain.Placement{runsOn, open}, orphans, "a placement ending on the closing date fits")

	changed = u
	changed.Kind = domain.School
	field, orphans = domain.UnitOrphans(u, changed, all)
	assert.Equal(t, "kind", field)
	assert.Len(t, orphans, 3)
	_, orphans = domain.UnitOrphans(u, changed, nil)
	assert.Empty(t, orphans, "an empty unit may change its kind")

	g := domain.Group{ID: domain.NewID[domain.Group](), UnitID: u.ID}
	moved := g
	moved.UnitID = domain.NewID[domain.Unit]()
	field, orphans = domain.GroupOrphans(g, moved, all)
	assert.Equal(t, "unitId", field)
	assert.Len(t, orphans, 3)
	closed := g
	closed.ClosingDate = closing
	_, orphans = domain.GroupOrphans(g, closed, all)
	assert.Len(t, orphans, 2)

	err := error(&domain.OrphanError{Field: "closingDate", Placements: orphans})
	assert.ErrorIs(t, err, domain.ErrConflict)
	assert.Equal(t, "closingDate", domain.FieldOf(err))
	var c *domain.ConflictError
	require.ErrorAs(t, err, &c)
	assert.Equal(t, "placements-would-no-longer-fit", c.Reason)
	assert.Equal(t, "2", c.Params["count"])
	assert.Contains(t, c.Params["join"], runsOn.ID.String())
}
