package domain_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// Impossible dates are refused, never rolled over into another day (date.ParseISO makes
// 2026-02-30 into 2 March and 2026-99-99 into 2034).
func TestParseDateRefusesDaysNotInTheCalendar(t *testing.T) {
	for _, s := range []string{
		"2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01",
		"2026-99-99", "2025-02-29", "1900-02-29", "2026-1-01", "2026-01-1", "20260101",
		"+2026-01-01", "2026-01-01T00:00:00Z", " 2026-01-01", "2026-01-01 ", "2026/01/01",
		"01.01.2026", "2026-0a-01", "", "-026-01-01", "2026-01-+1",
	} {
		d, err := domain.ParseDate("birthDate", s)
		require.Error(t, err, "%q gave %s", s, d)
		var ve *domain.ValidationError
		require.True(t, errors.As(err, &ve), s)
		assert.Equal(t, []domain.FieldError{{Field: "birthDate", Reason: domain.ReasonDate}}, ve.Fields, s)
		assert.True(t, errors.Is(err, domain.ErrInvalid))
	}
	for s, want := range map[string]date.Date{
		"2024-02-29": date.New(2024, time.February, 29),
		"2000-02-29": date.New(2000, time.February, 29),
		"2026-04-30": date.New(2026, time.April, 30),
		"0001-01-01": date.New(1, time.January, 1),
		"9999-12-31": domain.OpenEnd,
	} {
		d, err := domain.ParseDate("day", s)
		require.NoError(t, err, s)
		assert.Equal(t, want, d, s)
		assert.Equal(t, s, d.String())
	}
}

func TestParseMonth(t *testing.T) {
	for _, s := range []string{"2026-13", "2026-00", "0000-09", "2026-9", "202609", "2026-09-01", "", "2026-1a", "+026-09"} {
		_, err := domain.ParseMonth("month", s)
		assert.Equal(t, domain.Invalid("month", domain.ReasonMonth), err, s)
	}
	d, err := domain.ParseMonth("month", "2026-02")
	require.NoError(t, err)
	assert.Equal(t, date.New(2026, time.February, 1), d)
}

func TestCheckLineAndText(t *testing.T) {
	for _, s := range []string{"\x00", "Ada\x00", "a\tb", "a\nb", "a\rb", "a\x1bb", "a\x7fb", "a\u0085b", "a\u009fb"} {
		assert.Equal(t, domain.Invalid("name", domain.ReasonControl), domain.CheckLine("name", s), "%q", s)
	}
	for _, s := range []string{"\x00", "Hei\x00", "a\x1bb", "a\x7fb", "a\u0085b", "a\x0bb", "a\x0cb"} {
		assert.Equal(t, domain.Invalid("body", domain.ReasonControl), domain.CheckText("body", s), "%q", s)
	}
	assert.Equal(t, domain.Invalid("name", domain.ReasonUTF8), domain.CheckLine("name", "a\xffb"))
	assert.Equal(t, domain.Invalid("body", domain.ReasonUTF8), domain.CheckText("body", "a\xffb"))
	assert.NoError(t, domain.CheckLine("name", "Åse Ødegård-Ærø 😀"))
	assert.NoError(t, domain.CheckLine("name", ""))
	assert.NoError(t, domain.CheckText("body", "Hei!\r\n\tLinje to\n"))
}

func TestBlank(t *testing.T) {
	for _, s := range []string{"", " ", "\x00", "\x00\x00", " \t\n\r ", "\u00a0", "\u200b", "\ufeff", "\u3000"} {
		assert.True(t, domain.Blank(s), "%q", s)
	}
	for _, s := range []string{"a", "\x00a", " . "} {
		assert.False(t, domain.Blank(s), "%q", s)
	}
}

// A name of only NUL, or one holding a NUL or a line break, is refused by
// the record's own Validate, so every store refuses it.
func TestNamesRefuseControlCharacters(t *testing.T) {
	m := domain.Municipality("0301")
	child := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Ada", FamilyName: "Berg",
		BirthDate: date.New(2021, 3, 1), AddressProtection: domain.ProtectionNone}
	require.NoError(t, child.Validate())
	for name, want := range map[string]string{"\x00": domain.ReasonControl, "Ada\x00": domain.ReasonControl, "Ada\nBerg": domain.ReasonControl,
		" \u200b ": "required", "a\xff": domain.ReasonUTF8} {
		c := child
		c.GivenName = name
		var ve *domain.ValidationError
		require.True(t, errors.As(c.Validate(), &ve), "%q", name)
		assert.Equal(t, []domain.FieldError{{Field: "givenName", Reason: want}}, ve.Fields, "%q", name)
	}
	unit := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Bjørk\x00", Kind: domain.Kindergarten, Owner: domain.Municipal}
	assert.True(t, domain.FieldOf(unit.Validate()) == "name")
	g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Berg", Email: "kari@x.no\x00", AddressProtection: domain.ProtectionNone}
	assert.Equal(t, domain.Invalid("email", domain.ReasonControl), g.Validate())
}

// A birth date after today (from the injected clock) is refused; today is
// allowed.
func TestChildBornInTheFuture(t *testing.T) {
	today := domain.Today(domain.FixedClock(time.Date(2026, 3, 10, 23, 30, 0, 0, domain.Oslo())))
	c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: "0301", GivenName: "Ada", FamilyName: "Berg",
		BirthDate: today, AddressProtection: domain.ProtectionNone}
	require.NoError(t, c.ValidateAt(today))
	c.BirthDate = today + 1
	assert.NoError(t, c.Validate(), "Validate has no clock")
	assert.Equal(t, domain.Invalid("birthDate", domain.ReasonFuture), c.ValidateAt(today))
}

func ExampleParseDate() {
	for _, s := range []string{"2024-02-29", "2026-02-30", "0000-01-01"} {
		d, err := domain.ParseDate("birthDate", s)
		var v *domain.ValidationError
		if errors.As(err, &v) {
			f := v.Fields[0]
			fmt.Println(s, "→", f.Field, f.Reason+":", domain.ReasonTables{domain.ReasonTexts}.Text(f.Reason, domain.Pairs(f.Params)...))
			continue
		}
		fmt.Println(s, "→", d)
	}
	// Output:
	// 2024-02-29 → 2024-02-29
	// 2026-02-30 → birthDate not-a-date: the value is not a date written YYYY-MM-DD that exists in the calendar
	// 0000-01-01 → birthDate not-a-date: the value is not a date written YYYY-MM-DD that exists in the calendar
}

// A person's registered address is checked as a unit's is, with the fields
// under "address."; no address is allowed.
func TestPersonAddressValidated(t *testing.T) {
	m := domain.Municipality("0301")
	c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Ada", FamilyName: "Berg",
		BirthDate: date.New(2021, 3, 1), AddressProtection: domain.ProtectionNone}
	require.NoError(t, c.Validate(), "no address")
	c.Address = domain.Address{Street: "Storgata 1", Postcode: "0155", PostTown: "OSLO", Municipality: m}
	require.NoError(t, c.Validate())
	c.Address.Postcode = "155"
	assert.Equal(t, domain.Invalid("address.postcode", domain.ReasonPostcode), c.Validate())
	g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Berg",
		AddressProtection: domain.ProtectionNone, Address: domain.Address{Postcode: "0155", PostTown: "OSLO"}}
	assert.Equal(t, domain.Invalid("address.street", domain.ReasonStreetOrCadastral), g.Validate())
	g.Address = domain.Address{Cadastral: "gnr. 12 bnr. 34", Postcode: "0155", PostTown: "OSLO\x00"}
	assert.Equal(t, domain.Invalid("address.postTown", domain.ReasonControl), g.Validate())
}

// A protected address, at every level, is never shown; an unprotected one
// is.
func TestShownAddress(t *testing.T) {
	home := domain.Address{Street: "Storgata 1", Postcode: "0155", PostTown: "OSLO", Municipality: "0301"}
	for _, p := range []domain.AddressProtection{"", domain.ProtectionNone} {
		assert.Equal(t, home, domain.ShownAddress(home, p), "%q", p)
	}
	for _, p := range []domain.AddressProtection{domain.ProtectionFortrolig, domain.ProtectionStrengtFortrolig, domain.ProtectionStrengtFortroligUtland} {
		assert.True(t, domain.ShownAddress(home, p).IsZero(), "%q", p)
		assert.True(t, domain.Child{Address: home, AddressProtection: p}.ShownAddress().IsZero(), "%q", p)
		assert.True(t, domain.Guardian{Address: home, AddressProtection: p}.ShownAddress().IsZero(), "%q", p)
	}
	assert.Equal(t, home, domain.Guardian{Address: home, AddressProtection: domain.ProtectionNone}.ShownAddress())
}

// A guardian's address is governed by the strictest protection of the
// guardian and the children the guardian lives with or shares the
// address with; a child's by its own and its household's.
func TestHouseholdProtection(t *testing.T) {
	m := domain.Municipality("0301")
	home := domain.Address{Street: "Storgata 1", Postcode: "0155", PostTown: "OSLO", Municipality: m}
	elsewhere := domain.Address{Street: "Kirkeveien 2", Postcode: "0368", PostTown: "OSLO", Municipality: m}
	g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, Address: home, AddressProtection: domain.ProtectionNone}
	a := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, Address: home, AddressProtection: domain.ProtectionFortrolig}
	b := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, Address: elsewhere, AddressProtection: domain.ProtectionStrengtFortrolig}
	children := map[domain.ChildID]domain.Child{a.ID: a, b.ID: b}
	link := func(c domain.Child, lives bool) domain.Guardianship {
		return domain.Guardianship{Municipality: m, ChildID: c.ID, GuardianID: g.ID, ParentalResponsibility: true, LivesWithChild: lives}
	}
	assert.Equal(t, domain.ProtectionNone, domain.HouseholdProtection(g, nil, nil))
	assert.Equal(t, domain.ProtectionFortrolig, domain.HouseholdProtection(g, []domain.Guardianship{link(a, false)}, children),
		"the same address, without the lives-with flag")
	assert.Equal(t, domain.ProtectionNone, domain.HouseholdProtection(g, []domain.Guardianship{link(b, false)}, children),
		"a protected child who lives elsewhere")
	assert.Equal(t, domain.ProtectionStrengtFortrolig, domain.HouseholdProtection(g, []domain.Guardianship{link(a, true), link(b, true)}, children))
	g.AddressProtection = domain.ProtectionStrengtFortroligUtland
	assert.Equal(t, domain.ProtectionStrengtFortroligUtland, domain.HouseholdProtection(g, []domain.Guardianship{link(a, true)}, children))

	g.AddressProtection = domain.ProtectionFortrolig
	c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, Address: home, AddressProtection: domain.ProtectionNone}
	rec := domain.ChildRecord{Child: c, Guardians: []domain.GuardianLink{{Guardian: g, Guardianship: link(c, true)}}}
	assert.Equal(t, domain.ProtectionFortrolig, rec.ChildHouseholdProtection(), "the child lives with a protected guardian")
	rec.Guardians[0].Guardianship.LivesWithChild = false
	rec.Guardians[0].Guardian.Address = elsewhere
	assert.Equal(t, domain.ProtectionNone, rec.ChildHouseholdProtection())
	assert.Equal(t, domain.ProtectionNone, domain.AddressProtection("").Stricter(""))
}
