package migrationcsv_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/migrationcsv"
	"github.com/oppvekst/oppvekst/domain"
)

const oslo = domain.Municipality("0301")

var opts = migrationcsv.Options{Municipality: oslo, Today: date.New(2025, time.June, 1)}

const unitsCSV = "name,kind,owner,parent,grade_from,grade_to\n" +
	"Solsikken barnehage,kindergarten,municipal,,,\n" +
	"Bakken skole,school,municipal,,1,7\n" +
	"Bakken SFO,sfo,municipal,Bakken skole,1,4\n"

const groupsCSV = "unit;name;age_group;grade_from;grade_to\n" +
	"Solsikken barnehage;Blå;small;;\n" +
	"Solsikken barnehage;Rød;large;;\n"

func parse(t testing.TB, name, content string) *migrationcsv.File {
	t.Helper()
	f, err := migrationcsv.Parse(name, strings.NewReader(content))
	require.NoError(t, err, name)
	return f
}

// batch is one import's files, as text.
type batch struct {
	units, groups, children, guardians, links, placements string
}

func (b batch) files(t testing.TB) []*migrationcsv.File {
	var out []*migrationcsv.File
	for _, f := range []struct{ name, content string }{{"units.csv", b.units}, {"groups.csv", b.groups},
		{"children.csv", b.children}, {"guardians.csv", b.guardians}, {"guardianships.csv", b.links},
		{"placements.csv", b.placements}} {
		if f.content != "" {
			out = append(out, parse(t, f.name, f.content))
		}
	}
	return out
}

func goodBatch(fams []family) batch {
	children, guardians, links := csvFiles(fams, ";")
	var pl strings.Builder
	pl.WriteString("child_national_id,unit,group,hours_per_week,start,end\r\n")
	for _, f := range fams {
		for _, c := range f.children {
			fmt.Fprintf(&pl, "%s,Solsikken barnehage,Blå,40,2024-08-01,\r\n", c)
		}
	}
	return batch{units: unitsCSV, groups: groupsCSV, children: children, guardians: guardians, links: links, placements: pl.String()}
}

// snapshot is every directory record the files touch, as JSON: what the
// tests compare before and after.
func snapshot(t testing.TB, s domain.Store, fams []family) string {
	t.Helper()
	ctx := context.Background()
	var out []any
	units, err := s.Units(ctx, oslo)
	require.NoError(t, err)
	out = append(out, units)
	for _, u := range units {
		gs, err := s.Groups(ctx, oslo, u.ID)
		require.NoError(t, err)
		out = append(out, gs)
	}
	children, err := s.Children(ctx, oslo)
	require.NoError(t, err)
	for _, c := range children {
		rec, err := s.ChildRecord(ctx, oslo, c.ID)
		require.NoError(t, err)
		out = append(out, rec)
	}
	for _, f := range fams {
		for _, g := range f.guardians {
			gd, err := s.GuardianByNationalID(ctx, oslo, g)
			if domain.IsNotFound(err) {
				continue
			}
			require.NoError(t, err)
			out = append(out, gd)
		}
	}
	b, err := json.Marshal(out)
	require.NoError(t, err)
	return string(b)
}

func counts(p *migrationcsv.Plan) map[migrationcsv.Action]int {
	out := map[migrationcsv.Action]int{}
	for _, l := range p.Lines {
		out[l.Action]++
	}
	return out
}

// TestTenBadLines: a batch with exactly ten bad lines among good ones;
// the dry run reports exactly those ten (file, line, column, reason), and
// neither it nor the refused import writes anything.
func TestTenBadLines(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			s := st.open(t)
			fams := genFamilies(t, 12)
			good := goodBatch(fams)
			// Something stored already: the units and the first family.
			seed := batch{units: good.units, groups: good.groups}
			seed.children, seed.guardians, seed.links = csvFiles(fams[:1], ",")
			_, err := migrationcsv.Import(ctx, s, opts, seed.files(t)...)
			require.NoError(t, err)
			before := snapshot(t, s, fams)

			var p people
			p.next = map[date.Date]int{date.New(2020, 1, 1): 900, date.New(2021, 3, 3): 900}
			other := p.id(t, date.New(2020, time.January, 1))
			other2 := p.id(t, date.New(2021, time.March, 3))
			other3 := p.id(t, date.New(2020, time.January, 1))
			other4 := p.id(t, date.New(2020, time.January, 1))
			bad := good
			// children: 12 good rows on lines 2–13.
			const addr = ";Feilveien 1;;0150;OSLO\r\n"
			bad.children += "01010112345;Ola;Feil;2020-01-01;none" + addr + // 14
				other.String() + ";Kari;Feil;2020-02-30;none" + addr + // 15
				other2.String() + ";Per;Feil;2021-03-04;none" + addr + // 16
				other3.String() + ";;Feil;2020-01-01;none" + addr // 17
			// guardians: 12 good rows on lines 2–13.
			g1 := p.id(t, date.New(1980, time.May, 5))
			g2 := p.id(t, date.New(1980, time.May, 5))
			bad.guardians += g1.String() + ";Anne;Feil;not-an-email;" + addr + // 14
				g2.String() + ";Arne;Feil;;;Feilveien 1;;015;OSLO\r\n" // 15: a postcode of three digits
			// guardianships: 24 good rows on lines 2–25.
			bad.links += other4.String() + ";" + fams[0].guardians[0].String() + ";1;1\r\n" + // 26: no such child
				fams[1].children[0].String() + ";" + fams[0].guardians[0].String() + ";maybe;0\r\n" // 27
			// placements: 12 good rows on lines 2–13.
			bad.placements += fams[2].children[0].String() + ",Nowhere,,40,2024-08-01,\r\n" + // 14
				fams[0].children[0].String() + ",Solsikken barnehage,,40,2025-01-01,\r\n" // 15

			want := []migrationcsv.Line{
				{File: "children.csv", Line: 14, Problems: []domain.FieldError{{Field: "national_id", Reason: migrationcsv.ReasonNationalID}}},
				{File: "children.csv", Line: 15, Problems: []domain.FieldError{{Field: "birth_date", Reason: domain.ReasonDate}}},
				{File: "children.csv", Line: 16, Problems: []domain.FieldError{{Field: "birth_date", Reason: migrationcsv.ReasonBirthDate}}},
				{File: "children.csv", Line: 17, Problems: []domain.FieldError{{Field: "given_name", Reason: domain.ReasonRequired}}},
				{File: "guardians.csv", Line: 14, Problems: []domain.FieldError{{Field: "email", Reason: domain.ReasonEmail}}},
				{File: "guardians.csv", Line: 15, Problems: []domain.FieldError{{Field: "postcode", Reason: domain.ReasonPostcode}}},
				{File: "guardianships.csv", Line: 26, Problems: []domain.FieldError{{Field: "child_national_id", Reason: migrationcsv.ReasonNoSuchChild}}},
				{File: "guardianships.csv", Line: 27, Problems: []domain.FieldError{{Field: "parental_responsibility", Reason: migrationcsv.ReasonFlag}}},
				{File: "placements.csv", Line: 14, Problems: []domain.FieldError{{Field: "unit", Reason: migrationcsv.ReasonNoSuchUnit}}},
				{File: "placements.csv", Line: 15, Problems: []domain.FieldError{{Field: "start", Reason: migrationcsv.ReasonOverlap}}},
			}

			plan, err := migrationcsv.DryRun(ctx, s, opts, bad.files(t)...)
			require.NoError(t, err)
			var got []migrationcsv.Line
			for _, l := range plan.Refused() {
				got = append(got, migrationcsv.Line{File: l.File, Line: l.Line, Problems: l.Problems})
			}
			assert.Equal(t, want, got)
			assert.Equal(t, snapshot(t, s, fams), before, "a dry run writes nothing")

			plan, err = migrationcsv.Import(ctx, s, opts, bad.files(t)...)
			require.ErrorIs(t, err, migrationcsv.ErrRefused)
			assert.Len(t, plan.Refused(), 10)
			assert.Equal(t, snapshot(t, s, fams), before, "a refused import writes nothing")
		})
	}
}

// TestImportTwice: importing the same files twice creates everything the
// first time and changes nothing the second; a changed name is one Change.
func TestImportTwice(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			s := st.open(t)
			fams := genFamilies(t, 12)
			good := goodBatch(fams)
			lines := 3 + 2 + 12 + 12 + 24 + 12

			plan, err := migrationcsv.Import(ctx, s, opts, good.files(t)...)
			require.NoError(t, err)
			assert.Equal(t, map[migrationcsv.Action]int{migrationcsv.Create: lines}, counts(plan))
			assert.Len(t, plan.Children(), 12, "every child's data was written")
			after := snapshot(t, s, fams)
			children, err := s.Children(ctx, oslo)
			require.NoError(t, err)
			assert.Len(t, children, 12)
			rec, err := s.ChildRecord(ctx, oslo, children[0].ID)
			require.NoError(t, err)
			assert.Len(t, rec.Guardians, 2)
			assert.Len(t, rec.Placements, 1)
			assert.Equal(t, domain.Address{Street: "Storgata 1", Postcode: "0150", PostTown: "OSLO"}, rec.Child.Address)
			assert.Equal(t, domain.Address{Street: "Storgata 1", Postcode: "0150", PostTown: "OSLO"}, rec.Guardians[0].Guardian.Address)

			plan, err = migrationcsv.Import(ctx, s, opts, good.files(t)...)
			require.NoError(t, err)
			assert.Equal(t, map[migrationcsv.Action]int{migrationcsv.Unchanged: lines}, counts(plan))
			assert.Zero(t, plan.Writes())
			assert.Empty(t, plan.Children())
			assert.Equal(t, after, snapshot(t, s, fams))

			renamed := strings.Replace(good.children, ";Barn0;Familie3;", ";Barna;Familie3;", 1)
			require.NotEqual(t, good.children, renamed)
			plan, err = migrationcsv.Import(ctx, s, opts, parse(t, "children.csv", renamed))
			require.NoError(t, err)
			assert.Equal(t, map[migrationcsv.Action]int{migrationcsv.Unchanged: 11, migrationcsv.Change: 1}, counts(plan))
			for _, l := range plan.Lines {
				if l.Action == migrationcsv.Change {
					assert.Equal(t, []string{"given_name"}, l.Changed)
					assert.Equal(t, 8, l.Line)
				}
			}
			c, err := s.ChildByNationalID(ctx, oslo, fams[3].children[0])
			require.NoError(t, err)
			assert.Equal(t, "Barna", c.GivenName)
		})
	}
}

func TestParse(t *testing.T) {
	// A byte order mark, semicolons, a header in capitals, a file name
	// that names no kind: the header says children.
	f, err := migrationcsv.Parse("export.csv", strings.NewReader("\xEF\xBB\xBFNational_ID;Given_Name;Family_Name;Birth_Date\n"+
		"22918099754;\"Ola; jr.\";Nordmann;\n"))
	require.NoError(t, err)
	assert.Equal(t, migrationcsv.Children, f.Kind)
	assert.Equal(t, ';', f.Comma)
	assert.Equal(t, 1, f.Rows())

	// Guardians have no birth date.
	f, err = migrationcsv.Parse("x.csv", strings.NewReader("national_id,given_name,family_name\n"))
	require.NoError(t, err)
	assert.Equal(t, migrationcsv.Guardians, f.Kind)

	_, err = migrationcsv.Parse("x.csv", strings.NewReader("who,what\n"))
	assert.ErrorIs(t, err, migrationcsv.ErrUnknownKind)

	// A named file with a bad header: the header line is refused.
	f, err = migrationcsv.Parse("Units_2025.csv", strings.NewReader("name,colour\nA,red\n"))
	require.NoError(t, err)
	plan, err := migrationcsv.DryRun(context.Background(), newSQLite(t), opts, f)
	require.NoError(t, err)
	assert.Equal(t, []migrationcsv.Line{{File: "Units_2025.csv", Kind: migrationcsv.Units, Line: 1, Action: migrationcsv.Refused,
		Problems: []domain.FieldError{{Field: "colour", Reason: migrationcsv.ReasonUnknownColumn}, {Field: "kind", Reason: migrationcsv.ReasonMissingColumn}}}},
		plan.Lines)

	// A malformed line and a line with too few fields.
	f = parse(t, "units.csv", "name,kind\nA \"x\" B,school\nC\nD,school\n")
	plan, err = migrationcsv.DryRun(context.Background(), newSQLite(t), opts, f)
	require.NoError(t, err)
	var got []string
	for _, l := range plan.Lines {
		got = append(got, fmt.Sprintf("%d %s %v", l.Line, l.Action, l.Problems))
	}
	assert.Equal(t, []string{"2 refused [{ malformed-line}]", "3 refused [{ wrong-field-count}]", "4 create []"}, got)
}

// Units, groups and placements are matched by name and by child, unit and
// start: a second file changes what it states and keeps what it leaves
// out.
func TestChangeUnitsGroupsPlacements(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			s := st.open(t)
			fams := genFamilies(t, 2)
			good := goodBatch(fams)
			_, err := migrationcsv.Import(ctx, s, opts, good.files(t)...)
			require.NoError(t, err)

			kid := fams[0].children[0].String()
			next := batch{
				units: "name;kind;street;postcode;post_town\n" +
					"Solsikken barnehage;kindergarten;Solveien 2;0150;OSLO\n" + // change: an address
					"Bakken skole;school;;;\n" + // empty address columns: no address, as stored
					"Bakken SFO;sfo;;;\n", // the parent column left out: kept
				groups: "unit,name,age_group\nSolsikken barnehage,Blå,large\n", // change
				placements: "child_national_id,unit,group,hours_per_week,start,end\n" +
					kid + ",Solsikken barnehage,Rød,40,2024-08-01,2025-06-30\n" + // change: group and end
					kid + ",Bakken SFO,,12,2025-08-01,\n", // another kind: no overlap
			}
			plan, err := migrationcsv.Import(ctx, s, opts, next.files(t)...)
			require.NoError(t, err, plan.Refused())
			var got []string
			for _, l := range plan.Lines {
				got = append(got, fmt.Sprintf("%s:%d %s %v", l.File, l.Line, l.Action, l.Changed))
			}
			assert.Equal(t, []string{
				"units.csv:2 change [street postcode post_town]",
				"units.csv:3 unchanged []",
				"units.csv:4 unchanged []",
				"groups.csv:2 change [age_group]",
				"placements.csv:2 change [group end]",
				"placements.csv:3 create []",
			}, got)

			units, err := s.Units(ctx, oslo)
			require.NoError(t, err)
			byName := map[string]domain.Unit{}
			for _, u := range units {
				byName[u.Name] = u
			}
			assert.Equal(t, "Solveien 2", byName["Solsikken barnehage"].Address.Street)
			assert.Equal(t, byName["Bakken skole"].ID, byName["Bakken SFO"].Parent)
			c, err := s.ChildByNationalID(ctx, oslo, fams[0].children[0])
			require.NoError(t, err)
			ps, err := s.Placements(ctx, oslo, c.ID)
			require.NoError(t, err)
			require.Len(t, ps, 2)
			assert.Equal(t, date.New(2025, time.June, 30), ps[0].Period.End)

			// A school cannot have a parent; an SFO's parent must exist;
			// a kindergarten's group has no grades.
			plan, err = migrationcsv.DryRun(ctx, s, opts,
				parse(t, "units.csv", "name,kind,parent\nNy skole,school,Bakken skole\nNy SFO,sfo,Ingen skole\n"),
				parse(t, "groups.csv", "unit,name,grade_from,grade_to\nSolsikken barnehage,Gul,1,2\n"))
			require.NoError(t, err)
			got = nil
			for _, l := range plan.Lines {
				got = append(got, fmt.Sprintf("%s:%d %s %v", l.File, l.Line, l.Action, l.Problems))
			}
			assert.Equal(t, []string{
				"units.csv:2 refused [{parent bad-parent}]",
				"units.csv:3 refused [{parent no-such-unit}]",
				"groups.csv:2 refused [{grade_from not-for-kind}]",
			}, got)
		})
	}
}
