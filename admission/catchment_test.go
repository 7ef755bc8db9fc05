package admission

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

func TestParseStreet(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want StreetAddress
		ok   bool
	}{
		{"Storgata 12", StreetAddress{"Storgata", 12, ""}, true},
		{"Storgata 12B", StreetAddress{"Storgata", 12, "B"}, true},
		{"storgata 12 b", StreetAddress{"storgata", 12, "B"}, true},
		{"  Øvre   Slottsgate   3  ", StreetAddress{"Øvre Slottsgate", 3, ""}, true},
		{"Kong Haakon VIIs gate 1", StreetAddress{"Kong Haakon VIIs gate", 1, ""}, true},
		{"Storgata", StreetAddress{}, false},
		{"12", StreetAddress{}, false},
		{"Storgata 0", StreetAddress{}, false},
		{"Storgata -3", StreetAddress{}, false},
		{"Storgata +3", StreetAddress{}, false},
		{"Storgata 12BC", StreetAddress{}, false},
		{"Storgata 12B C", StreetAddress{}, false},
		{"Storgata B", StreetAddress{}, false},
		{"", StreetAddress{}, false},
	} {
		got, ok := ParseStreet(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestCatchmentLookup(t *testing.T) {
	m := domain.MustMunicipality("0301")
	north, south := domain.NewID[domain.Unit](), domain.NewID[domain.Unit]()
	c := Catchment{Municipality: m, Rows: []CatchmentRow{
		{Street: "Storgata", From: 1, To: 49, Side: SideOdd, Unit: north},
		{Street: "Storgata", From: 2, To: 50, Side: SideEven, Unit: south},
		{Street: "Storgata", From: 51, To: MaxHouseNumber, Side: SideAll, Unit: south},
		{Street: "Storgate", From: 1, To: 10, Side: SideAll, Unit: north},
	}}
	require.NoError(t, c.Validate())
	at := func(street string) domain.Address { return domain.Address{Street: street, Municipality: m} }
	for _, tc := range []struct {
		a      domain.Address
		unit   domain.UnitID
		row    int
		reason string
	}{
		{at("Storgata 1"), north, 0, ""},
		{at("STORGATA  49 C"), north, 0, ""},
		{at("Storgata 50"), south, 1, ""},
		{at("Storgata 51"), south, 2, ""},
		{at("Storgata 52B"), south, 2, ""},
		{at("Storgate 3"), north, 3, ""}, // "gate" and "gata" are two streets, as written
		{at("Storgate 11"), domain.UnitID{}, -1, ReasonNoCatchmentRow},
		{at("Lilleveien 1"), domain.UnitID{}, -1, ReasonNoCatchmentRow},
		{at("Storgata"), domain.UnitID{}, -1, ReasonUnreadableStreet},
		{domain.Address{Cadastral: "gnr. 1 bnr. 2", Municipality: m}, domain.UnitID{}, -1, ReasonNoStreetAddress},
		{domain.Address{}, domain.UnitID{}, -1, ReasonNoStreetAddress},
		{domain.Address{Street: "Storgata 1", Municipality: domain.MustMunicipality("4601")}, domain.UnitID{}, -1, ReasonOtherMunicipality},
	} {
		got := c.Lookup(tc.a)
		assert.Equal(t, CatchmentMatch{Unit: tc.unit, Row: tc.row, Reason: tc.reason}, got, tc.a.Street)
	}
}

func TestCatchmentValidate(t *testing.T) {
	m := domain.MustMunicipality("0301")
	u := domain.NewID[domain.Unit]()
	base := CatchmentRow{Street: "Storgata", From: 1, To: 49, Side: SideOdd, Unit: u}
	for _, tc := range []struct {
		name   string
		row    CatchmentRow
		field  string
		reason string
	}{
		{"even beside odd", CatchmentRow{Street: "Storgata", From: 2, To: 48, Side: SideEven, Unit: u}, "", ""},
		{"odd overlap", CatchmentRow{Street: " storgata", From: 49, To: 60, Side: SideOdd, Unit: u}, "rows[1].from", ReasonCatchmentOverlap},
		{"both sides overlap", CatchmentRow{Street: "Storgata", From: 10, To: 12, Side: SideAll, Unit: u}, "rows[1].from", ReasonCatchmentOverlap},
		{"even range holding no odd number", CatchmentRow{Street: "Storgata", From: 50, To: 50, Side: SideAll, Unit: u}, "", ""},
		{"from above to", CatchmentRow{Street: "Skoleveien", From: 9, To: 3, Side: SideAll, Unit: u}, "rows[1].to", ReasonCatchmentRange},
		{"zero", CatchmentRow{Street: "Skoleveien", From: 0, To: 3, Side: SideAll, Unit: u}, "rows[1].from", ReasonCatchmentRange},
		{"side", CatchmentRow{Street: "Skoleveien", From: 1, To: 3, Side: "left", Unit: u}, "rows[1].side", ReasonCatchmentSide},
		{"street", CatchmentRow{Street: " ", From: 1, To: 3, Side: SideAll, Unit: u}, "rows[1].street", ReasonCatchmentStreet},
		{"school", CatchmentRow{Street: "Skoleveien", From: 1, To: 3, Side: SideAll}, "rows[1].unit", ReasonCatchmentNoSchool},
	} {
		err := Catchment{Municipality: m, Rows: []CatchmentRow{base, tc.row}}.Validate()
		if tc.field == "" {
			assert.NoError(t, err, tc.name)
			continue
		}
		assert.ErrorIs(t, err, domain.ErrInvalid, tc.name)
		assert.Equal(t, []domain.FieldError{{Field: tc.field, Reason: tc.reason}}, fields(err), tc.name)
	}
}

func fields(err error) []domain.FieldError {
	if v, ok := err.(*domain.ValidationError); ok {
		return v.Fields
	}
	return nil
}

func TestCheckCatchmentUnits(t *testing.T) {
	m := domain.MustMunicipality("0301")
	school := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Nordby skole", Kind: domain.School}
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken", Kind: domain.Kindergarten}
	c := Catchment{Municipality: m, Rows: []CatchmentRow{
		{Street: "A", From: 1, To: 2, Side: SideAll, Unit: school.ID},
		{Street: "B", From: 1, To: 2, Side: SideAll, Unit: kg.ID},
		{Street: "C", From: 1, To: 2, Side: SideAll, Unit: domain.NewID[domain.Unit]()},
	}}
	assert.Equal(t, []domain.FieldError{{Field: "rows[1].unit", Reason: ReasonCatchmentNotSchool},
		{Field: "rows[2].unit", Reason: ReasonCatchmentNoSchool}}, fields(CheckCatchmentUnits(c, []domain.Unit{school, kg})))
}

func TestParseCatchmentCSV(t *testing.T) {
	m := domain.MustMunicipality("0301")
	north := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Nordby skole", Kind: domain.School}
	south := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Sjøsiden skole", Kind: domain.School}
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken", Kind: domain.Kindergarten}
	units := []domain.Unit{north, south, kg}

	good := "\ufeffGatenavn; fra_nr ;til_nr;side;skole\r\n" +
		"Storgata;1;49;oddetall;Nordby skole\r\n" +
		"Storgata;2;50;Partall;SJØSIDEN SKOLE\r\n" +
		"\r\n" +
		"  Skole   veien ;;;;" + south.ID.String() + "\r\n"
	c, err := ParseCatchmentCSV(strings.NewReader(good), m, units)
	require.NoError(t, err)
	assert.Equal(t, []CatchmentRow{
		{Street: "Storgata", From: 1, To: 49, Side: SideOdd, Unit: north.ID},
		{Street: "Storgata", From: 2, To: 50, Side: SideEven, Unit: south.ID},
		{Street: "Skole veien", From: 1, To: MaxHouseNumber, Side: SideAll, Unit: south.ID},
	}, c.Rows)
	assert.Equal(t, m, c.Municipality)

	// Written and read back: the same table.
	var b strings.Builder
	require.NoError(t, WriteCatchmentCSV(&b, c, units))
	back, err := ParseCatchmentCSV(strings.NewReader(b.String()), m, units)
	require.NoError(t, err)
	assert.Equal(t, c.Rows, back.Rows)

	// Commas when the header has no semicolon; columns in any order.
	c, err = ParseCatchmentCSV(strings.NewReader("skole,gatenavn,side,fra_nr,til_nr\nNordby skole,Bakken,begge,1,9\n"), m, units)
	require.NoError(t, err)
	assert.Equal(t, []CatchmentRow{{Street: "Bakken", From: 1, To: 9, Side: SideAll, Unit: north.ID}}, c.Rows)

	for _, tc := range []struct {
		name, file string
		want       []domain.FieldError
	}{
		{"every bad line reported", "gatenavn;fra_nr;til_nr;side;skole\n" +
			"Storgata;1;49;oddetall;Nordby skole\n" +
			"Storgata;en;50;partall;Nordby skole\n" +
			"Storgata;2;50;venstre;Nordby skole\n" +
			"Storgata;2;50;partall;Ukjent skole\n" +
			"Storgata;2;50;partall;Solsikken\n" +
			"Storgata;2\n",
			[]domain.FieldError{{Field: "lines[3].fra_nr", Reason: ReasonCSVNumber}, {Field: "lines[4].side", Reason: ReasonCatchmentSide},
				{Field: "lines[5].skole", Reason: ReasonCatchmentNoSchool}, {Field: "lines[6].skole", Reason: ReasonCatchmentNotSchool}, {Field: "lines[7]", Reason: ReasonCSVLine}}},
		{"overlap on its line", "gatenavn;fra_nr;til_nr;side;skole\n" +
			"Storgata;1;49;oddetall;Nordby skole\n" +
			"\n" +
			"Storgata;41;59;begge;Sjøsiden skole\n" +
			"Bakken;9;1;begge;Sjøsiden skole\n",
			[]domain.FieldError{{Field: "lines[4].fra_nr", Reason: ReasonCatchmentOverlap}, {Field: "lines[5].til_nr", Reason: ReasonCatchmentRange}}},
		{"bad fields and an overlap at once", "gatenavn;fra_nr;til_nr;side;skole\n" +
			"Storgata;1;49;oddetall;Nordby skole\n" +
			"Storgata;x;9;begge;Nordby skole\n" +
			"Storgata;3;3;begge;Nordby skole\n",
			[]domain.FieldError{{Field: "lines[3].fra_nr", Reason: ReasonCSVNumber}, {Field: "lines[4].fra_nr", Reason: ReasonCatchmentOverlap}}},
		{"stray quote", "gatenavn;fra_nr;til_nr;side;skole\nStor\"gata;1;2;begge;Nordby skole\n",
			[]domain.FieldError{{Field: "lines[2]", Reason: ReasonCSVLine}}},
		{"no header", "Storgata;1;49;oddetall;Nordby skole\n", []domain.FieldError{{Field: "file", Reason: ReasonCSVHeader}}},
		{"empty file", "", []domain.FieldError{{Field: "file", Reason: ReasonCSVHeader}}},
		{"header only", "gatenavn;fra_nr;til_nr;side;skole\n", []domain.FieldError{{Field: "file", Reason: ReasonCSVEmpty}}},
		{"Latin-1", "gatenavn;fra_nr;til_nr;side;skole\nSj\xf8veien;1;2;begge;Nordby skole\n", []domain.FieldError{{Field: "file", Reason: ReasonCSVEncoding}}},
		{"too large", "gatenavn;fra_nr;til_nr;side;skole\n" + strings.Repeat("x", MaxCatchmentFile), []domain.FieldError{{Field: "file", Reason: ReasonCSVTooLarge}}},
	} {
		_, err := ParseCatchmentCSV(strings.NewReader(tc.file), m, units)
		assert.ErrorIs(t, err, domain.ErrInvalid, tc.name)
		assert.Equal(t, tc.want, fields(err), tc.name)
	}
}

func TestSchoolStartYear(t *testing.T) {
	y, err := SchoolStartYear(2026)
	require.NoError(t, err)
	assert.Equal(t, 2020, y, "children start school the calendar year they turn six")
}

func TestSchoolRequestValidate(t *testing.T) {
	r := SchoolRequest{ID: domain.NewID[SchoolRequest](), Municipality: domain.MustMunicipality("0301"), Intake: domain.NewID[Intake](),
		Child: domain.NewID[domain.Child](), Unit: domain.NewID[domain.Unit](), Reason: "Søsken\ngår der."}
	require.NoError(t, r.Validate())
	bad := r
	bad.Reason = strings.Repeat("å", 2001)
	assert.Equal(t, []domain.FieldError{{Field: "reason", Reason: domain.ReasonTooLong}}, fields(bad.Validate()))
	bad = r
	bad.Reason = "bell\a"
	assert.Equal(t, []domain.FieldError{{Field: "reason", Reason: "control-character"}}, fields(bad.Validate()))
	bad = r
	bad.Decision = RequestRefused
	assert.Equal(t, []domain.FieldError{{Field: "decisionReason", Reason: ReasonRequired}}, fields(bad.Validate()))
}

// FuzzParseCatchmentCSV: any file is a table or a validation error, never
// a panic, and a table read is valid.
func FuzzParseCatchmentCSV(f *testing.F) {
	m := domain.MustMunicipality("0301")
	units := []domain.Unit{{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Nordby skole", Kind: domain.School}}
	f.Add("gatenavn;fra_nr;til_nr;side;skole\nStorgata;1;49;oddetall;Nordby skole\n")
	f.Add("gatenavn;fra_nr;til_nr;side;skole\nStor\"gata;1;2;begge;Nordby skole\n")
	f.Add("\ufeffskole,gatenavn\n\"a\nb\",c\n")
	f.Fuzz(func(t *testing.T, file string) {
		c, err := ParseCatchmentCSV(strings.NewReader(file), m, units)
		if err != nil {
			assert.ErrorIs(t, err, domain.ErrInvalid)
			return
		}
		assert.NoError(t, c.Validate())
	})
}
