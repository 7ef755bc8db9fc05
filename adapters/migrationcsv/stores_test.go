package migrationcsv_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres/pgtest"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
)

// The stores the tests and benchmarks run on: SQLite always, PostgreSQL
// when OPPVEKST_TEST_POSTGRES names a server (required in CI).

func newSQLite(tb testing.TB) domain.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Options{Temp: true})
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func newPostgres(tb testing.TB) domain.Store { return pgtest.Store(tb) }

var stores = []struct {
	name string
	open func(testing.TB) domain.Store
}{{"sqlite", newSQLite}, {"postgres", newPostgres}}

// people hands out synthetic national IDs: children born from 2019,
// guardians from 1985, each number once.
type people struct {
	next map[date.Date]int
}

func (p *people) id(tb testing.TB, birth date.Date) domain.NationalID {
	if p.next == nil {
		p.next = map[date.Date]int{}
	}
	ind := p.next[birth]
	if ind == 0 {
		ind = 500
		if birth.Year() < 2000 {
			ind = 0
		}
	}
	for ; ind <= 999; ind++ {
		if n, err := domain.SyntheticNationalID(birth, ind); err == nil {
			p.next[birth] = ind + 1
			return n
		}
	}
	tb.Fatalf("no synthetic national ID left for %s", birth)
	return domain.NationalID{}
}

// family is a generated family: children and their two guardians.
type family struct {
	children  []domain.NationalID
	guardians [2]domain.NationalID
}

// genFamilies makes n children in families of two (one for an odd last),
// with their births spread over 2019–2023.
func genFamilies(tb testing.TB, n int) []family {
	var p people
	var fams []family
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			f := family{}
			f.guardians[0] = p.id(tb, date.New(1985, time.Month(1+i/2%12), 1+i/2%28))
			f.guardians[1] = p.id(tb, date.New(1987, time.Month(1+i/2%12), 1+i/2%28))
			fams = append(fams, f)
		}
		birth := date.New(2019+i%5, time.Month(1+i/5%12), 1+i/60%28)
		fams[len(fams)-1].children = append(fams[len(fams)-1].children, p.id(tb, birth))
	}
	return fams
}

// csvFiles writes the families as children, guardians and guardianships
// files (separator sep).
func csvFiles(fams []family, sep string) (children, guardians, links string) {
	var c, g, l strings.Builder
	row := func(b *strings.Builder, fields ...string) { b.WriteString(strings.Join(fields, sep) + "\r\n") }
	row(&c, "national_id", "given_name", "family_name", "birth_date", "address_protection", "street", "cadastral", "postcode", "post_town")
	row(&g, "national_id", "given_name", "family_name", "email", "phone", "street", "cadastral", "postcode", "post_town")
	row(&l, "child_national_id", "guardian_national_id", "parental_responsibility", "lives_with_child")
	for i, f := range fams {
		family := fmt.Sprintf("Familie%d", i)
		street := fmt.Sprintf("Storgata %d", i+1)
		for j, child := range f.children {
			row(&c, child.String(), fmt.Sprintf("Barn%d", j), family, child.BirthDate().String(), "none", street, "", "0150", "OSLO")
			for _, gd := range f.guardians {
				row(&l, child.String(), gd.String(), "1", "ja")
			}
		}
		for j, gd := range f.guardians {
			row(&g, gd.String(), fmt.Sprintf("Forelder%d", j), family, fmt.Sprintf("f%d.%d@example.org", i, j), "", street, "", "0150", "OSLO")
		}
	}
	return c.String(), g.String(), l.String()
}
