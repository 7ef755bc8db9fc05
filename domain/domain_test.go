package domain_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

func TestIDIsUUIDv7AndRoundTrips(t *testing.T) {
	id := domain.NewID[domain.Child]()
	assert.Equal(t, uuid.Version(7), id.UUID().Version())
	assert.False(t, id.IsZero())

	// Text.
	txt, err := id.MarshalText()
	require.NoError(t, err)
	var back domain.ChildID
	require.NoError(t, back.UnmarshalText(txt))
	assert.Equal(t, id, back)

	// JSON, inside a struct, and the zero ID as "".
	type wrap struct {
		A domain.ChildID `json:"a"`
		B domain.UnitID  `json:"b"`
	}
	raw, err := json.Marshal(wrap{A: id})
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":"`+id.String()+`","b":""}`, string(raw))
	var w wrap
	require.NoError(t, json.Unmarshal(raw, &w))
	assert.Equal(t, id, w.A)
	assert.True(t, w.B.IsZero())
	err = json.Unmarshal([]byte(`{"a":"not-a-uuid"}`), &w)
	assert.ErrorIs(t, err, domain.ErrInvalid)

	// SQL.
	v, err := id.Value()
	require.NoError(t, err)
	assert.Equal(t, id.String(), v)
	var scanned domain.ChildID
	require.NoError(t, scanned.Scan(v))
	assert.Equal(t, id, scanned)
	var fromBytes domain.ChildID
	u := id.UUID()
	require.NoError(t, fromBytes.Scan(u[:]))
	assert.Equal(t, id, fromBytes)
	require.NoError(t, scanned.Scan(nil))
	assert.True(t, scanned.IsZero())
	nv, err := domain.ChildID{}.Value()
	require.NoError(t, err)
	assert.Nil(t, nv)
	assert.Error(t, scanned.Scan(42))

	// UUIDv7 sorts by creation time.
	later := domain.NewID[domain.Child]()
	assert.Equal(t, -1, id.Compare(later))
	assert.Equal(t, 1, later.Compare(id))
	assert.Equal(t, 0, id.Compare(id))

	_, err = domain.ParseID[domain.Unit]("{" + id.String() + "}")
	assert.ErrorIs(t, err, domain.ErrInvalid, "only the canonical form")
}

func TestMunicipality(t *testing.T) {
	for _, ok := range []string{"0301", "4601", "5601", "9999"} {
		m, err := domain.ParseMunicipality(ok)
		require.NoError(t, err, ok)
		assert.Equal(t, ok, m.String())
	}
	for _, bad := range []string{"12A4", "301", "03011", "", "0000", "0099", " 301", "０３０１"} {
		_, err := domain.ParseMunicipality(bad)
		require.Error(t, err, bad)
		assert.ErrorIs(t, err, domain.ErrInvalid)
		assert.Equal(t, "municipality", domain.FieldOf(err), bad)
	}
	var m domain.Municipality
	assert.Error(t, json.Unmarshal([]byte(`"12A4"`), &m))
	require.NoError(t, json.Unmarshal([]byte(`"0301"`), &m))
	assert.Equal(t, domain.Municipality("0301"), m)
}

func TestValidationErrorListsEveryField(t *testing.T) {
	c := domain.Child{Municipality: "12A4", BirthDate: date.Zero, AddressProtection: "secret"}
	err := c.Validate()
	var v *domain.ValidationError
	require.True(t, errors.As(err, &v))
	for _, f := range []string{"id", "municipality", "givenName", "familyName", "birthDate", "addressProtection"} {
		assert.True(t, v.Has(f), "field %s in %v", f, err)
	}
	assert.ErrorIs(t, err, domain.ErrInvalid)
	assert.NotErrorIs(t, err, domain.ErrConflict)
	assert.Contains(t, err.Error(), "municipality: kommunenummer-must-be-4-digits (value=12A4)",
		"Error writes each field's code and parameters, looking up no text")

	conflict := domain.OverlapConflict()
	assert.ErrorIs(t, conflict, domain.ErrConflict)
	assert.Equal(t, "period", domain.FieldOf(conflict))
	assert.Equal(t, "", domain.FieldOf(domain.ErrNotFound))
}

func TestPeriod(t *testing.T) {
	aug := date.New(2025, time.August, 1)
	jul := date.New(2026, time.July, 31)
	p := domain.Period{Start: aug, End: jul}
	require.NoError(t, p.Validate())
	assert.True(t, p.Contains(aug))
	assert.True(t, p.Contains(jul))
	assert.False(t, p.Contains(jul+1))
	assert.False(t, p.Contains(aug-1))

	open := domain.Period{Start: jul}
	assert.True(t, open.Open())
	assert.True(t, open.Contains(date.New(2100, 1, 1)))
	assert.True(t, p.Overlaps(open), "share 31 July")
	assert.True(t, open.Overlaps(p))
	assert.False(t, p.Overlaps(domain.Period{Start: jul + 1}))
	assert.True(t, domain.Period{Start: aug}.Overlaps(domain.Period{Start: jul}))

	err := domain.Period{Start: jul, End: aug}.Validate()
	assert.Equal(t, "end", domain.FieldOf(err))
	err = domain.Period{}.Validate()
	assert.Equal(t, "start", domain.FieldOf(err))
}

func TestPlacementValidate(t *testing.T) {
	p := domain.Placement{
		ID: domain.NewID[domain.Placement](), Municipality: "0301",
		ChildID: domain.NewID[domain.Child](), UnitID: domain.NewID[domain.Unit](),
		Kind: domain.School, HoursPerWeek: 0, Period: domain.Period{Start: date.New(2025, 8, 18)},
	}
	require.NoError(t, p.Validate(), "school needs no hours")
	p.Kind = domain.Kindergarten
	assert.Equal(t, "hoursPerWeek", domain.FieldOf(p.Validate()), "kindergarten does")
	p.HoursPerWeek = 41
	p.Period.End = date.New(2025, 8, 17)
	assert.Equal(t, "period.end", domain.FieldOf(p.Validate()))
}

func TestSchoolYearAndAgeGroup(t *testing.T) {
	assert.Equal(t, domain.SchoolYear(2025), domain.SchoolYearOf(date.New(2025, time.August, 1)))
	assert.Equal(t, domain.SchoolYear(2024), domain.SchoolYearOf(date.New(2025, time.July, 31)))
	assert.Equal(t, domain.SchoolYear(2025), domain.SchoolYearOf(date.New(2026, time.January, 15)))
	y := domain.SchoolYear(2025)
	assert.Equal(t, "2025-08-01", y.Start().String())
	assert.Equal(t, "2026-07-31", y.End().String())
	assert.Equal(t, "2025/26", y.String())
	assert.Equal(t, "1999/00", domain.SchoolYear(1999).String())

	// Born in December 2022: turns three in 2025, counts as over three from
	// 1 August 2025, months before the birthday.
	birth := date.New(2022, time.December, 30)
	assert.Equal(t, domain.Small, domain.AgeGroupOn(birth, date.New(2025, time.July, 31)))
	assert.Equal(t, domain.Large, domain.AgeGroupOn(birth, date.New(2025, time.August, 1)))
	assert.Equal(t, domain.Large, domain.AgeGroupIn(birth, 2025))
	assert.Equal(t, domain.Small, domain.AgeGroupIn(birth, 2024))
	// Born 1 January 2023: small for the whole year 2025/26.
	assert.Equal(t, domain.Small, domain.AgeGroupIn(date.New(2023, time.January, 1), 2025))
}

func TestClock(t *testing.T) {
	// 23:30 UTC on 31 July is already 1 August in Oslo (summer time, +2).
	instant := time.Date(2025, time.July, 31, 23, 30, 0, 0, time.UTC)
	c := domain.FixedClock(instant)
	assert.Equal(t, "Europe/Oslo", c.Now().Location().String())
	assert.True(t, c.Now().Equal(instant))
	assert.Equal(t, date.New(2025, time.August, 1), domain.Today(c))
	assert.Equal(t, "Europe/Oslo", domain.SystemClock{}.Now().Location().String())
}

func TestActor(t *testing.T) {
	m := domain.MustMunicipality("0301")
	u1, u2 := domain.NewID[domain.Unit](), domain.NewID[domain.Unit]()
	staff := domain.StaffActor(m, "ansatt-17", u1)
	require.NoError(t, staff.Validate())
	assert.True(t, staff.WorksAt(u1))
	assert.False(t, staff.WorksAt(u2))
	assert.False(t, staff.Municipal())
	cw := domain.CaseworkerActor(m, "saks-1")
	assert.True(t, cw.Municipal())
	assert.False(t, cw.WorksAt(u1), "only staff work at units")
	g := domain.GuardianActor(m, domain.NewID[domain.Guardian]())
	require.NoError(t, g.Validate())
	assert.Equal(t, "guardian@0301:"+g.Guardian.String(), g.String())
	assert.Equal(t, "guardian", domain.FieldOf(domain.Actor{Role: domain.RoleGuardian, Municipality: m, Subject: "x"}.Validate()))
	assert.Equal(t, "municipality", domain.FieldOf(domain.SystemActor("", "job").Validate()))
	assert.Equal(t, "role", domain.FieldOf(domain.Actor{Role: "king", Municipality: m, Subject: "x"}.Validate()))
}

func TestGuardianshipReceivesInformation(t *testing.T) {
	cases := []struct {
		g    domain.Guardianship
		want bool
	}{
		{domain.Guardianship{ParentalResponsibility: true}, true},
		{domain.Guardianship{ParentalResponsibility: true, InformationDenied: true}, false},
		{domain.Guardianship{}, false},
		{domain.Guardianship{InformationRequested: true}, true},
		{domain.Guardianship{InformationRequested: true, InformationDenied: true}, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.g.ReceivesInformation(), "%+v", c.g)
	}
}

func TestAddressProtection(t *testing.T) {
	p, err := domain.ParseAddressProtection("")
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionNone, p)
	assert.False(t, p.Protected())
	for _, s := range []string{"fortrolig", "strengt-fortrolig", "strengt-fortrolig-utland"} {
		p, err := domain.ParseAddressProtection(s)
		require.NoError(t, err)
		assert.True(t, p.Protected())
		assert.Equal(t, s != "fortrolig", p.Strict())
	}
	_, err = domain.ParseAddressProtection("STRENGT_FORTROLIG")
	assert.Equal(t, "addressProtection", domain.FieldOf(err))
}

func TestUnitValidate(t *testing.T) {
	u := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: "0301", Name: "Bakken", Kind: domain.School, Owner: domain.Municipal}
	require.NoError(t, u.Validate())
	u.Parent = domain.NewID[domain.Unit]()
	assert.Equal(t, "parent", domain.FieldOf(u.Validate()), "a school has no parent")
	u.Kind, u.Owner = "kindergarden", "state"
	err := u.Validate()
	var v *domain.ValidationError
	require.True(t, errors.As(err, &v))
	assert.True(t, v.Has("kind"))
	assert.True(t, v.Has("owner"))
}

func TestGuardianValidate(t *testing.T) {
	g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: "0301", GivenName: "Kari", FamilyName: "Nordmann",
		Email: "kari@example.no", Phone: "+47 912 34 567"}
	require.NoError(t, g.Validate())
	g.Phone = "ring meg"
	assert.Equal(t, "phone", domain.FieldOf(g.Validate()))
	g.Phone, g.Email = "", "kari at example.no"
	assert.Equal(t, "email", domain.FieldOf(g.Validate()))
}

func TestCompareNB(t *testing.T) {
	names := []string{"Øvrebø", "aas", "Zahl", "Ås", "Ærø", "Berg", "berg"}
	children := make([]domain.Child, len(names))
	for i, n := range names {
		children[i] = domain.Child{FamilyName: n, ID: domain.NewID[domain.Child]()}
	}
	domain.SortChildren(children)
	var got []string
	for _, c := range children {
		got = append(got, c.FamilyName)
	}
	assert.Equal(t, []string{"aas", "Berg", "berg", "Zahl", "Ærø", "Øvrebø", "Ås"}, got)
}

func TestSyntheticNationalID(t *testing.T) {
	birth := date.New(2021, time.April, 2)
	// 028421 500: control digit 1 is 1 (Σ = 0·3+2·7+8·6+4·1+2·8+1·9+5·4+0·5+0·2 = 111,
	// 111 mod 11 = 1, 11 − 1 = 10 → impossible); 501 gives 02842150186.
	_, err := domain.SyntheticNationalID(birth, 500)
	assert.ErrorIs(t, err, domain.ErrInvalid)
	n, err := domain.SyntheticNationalID(birth, 501)
	require.NoError(t, err)
	assert.Equal(t, "02842150186", n.String())
	assert.True(t, n.Synthetic())
	assert.Equal(t, domain.FNR, n.Type())
	assert.Equal(t, birth, n.BirthDate())

	// Individual numbers 000–499 belong to the 1900s, not 2021.
	for i := 0; i < 500; i++ {
		_, err := domain.SyntheticNationalID(birth, i)
		require.Error(t, err, i)
	}
	_, err = domain.SyntheticNationalID(date.New(2050, 1, 1), 600)
	assert.Error(t, err)
}
