package migrationcsv_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/migrationcsv"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
)

// synthetic returns a synthetic national ID for the birth date (Skatteetaten's
// test population's form: no real person has it).
func synthetic(birth date.Date) domain.NationalID {
	first := 500 // individual numbers 500–999 for births from 2000
	if birth.Year() < 2000 {
		first = 0
	}
	for ind := first; ind < first+500; ind++ {
		if n, err := domain.SyntheticNationalID(birth, ind); err == nil {
			return n
		}
	}
	panic("no synthetic national ID for " + birth.String())
}

// A dry run reports every line; the import writes them in one
// transaction; the same files imported again change nothing.
func Example() {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	if err != nil {
		panic(err)
	}
	defer store.Close()

	child, mother := synthetic(date.New(2021, time.March, 14)), synthetic(date.New(1990, time.June, 2))
	files := func() []*migrationcsv.File {
		children, _ := migrationcsv.Parse("children.csv", strings.NewReader(
			"national_id;given_name;family_name;birth_date\r\n"+
				child.String()+";Sofie;Berg;\r\n"+
				"12345678901;Emil;Berg;2020-02-30\r\n"))
		guardians, _ := migrationcsv.Parse("guardians.csv", strings.NewReader(
			"national_id;given_name;family_name;email\r\n"+mother.String()+";Hilde;Berg;hilde@example.org\r\n"))
		links, _ := migrationcsv.Parse("guardianships.csv", strings.NewReader(
			"child_national_id;guardian_national_id;parental_responsibility\r\n"+child.String()+";"+mother.String()+";ja\r\n"))
		return []*migrationcsv.File{children, guardians, links}
	}
	opt := migrationcsv.Options{Municipality: "0301", Today: date.New(2025, time.June, 1)}

	plan, err := migrationcsv.DryRun(ctx, store, opt, files()...)
	if err != nil {
		panic(err)
	}
	for _, l := range plan.Lines {
		fmt.Println(l.File, l.Line, l.Action, l.Problems)
	}
	_, err = migrationcsv.Import(ctx, store, opt, files()...)
	fmt.Println(err)

	// Without the bad line, twice.
	good := files()
	good[0], _ = migrationcsv.Parse("children.csv", strings.NewReader(
		"national_id;given_name;family_name;birth_date\r\n"+child.String()+";Sofie;Berg;\r\n"))
	plan, _ = migrationcsv.Import(ctx, store, opt, good...)
	fmt.Println(plan.Count(migrationcsv.Create), "created")
	plan, _ = migrationcsv.Import(ctx, store, opt, good...)
	fmt.Println(plan.Count(migrationcsv.Unchanged), "unchanged,", plan.Writes(), "writes")
	// Output:
	// children.csv 2 create []
	// children.csv 3 refused [{national_id not-a-national-id} {birth_date not-a-date}]
	// guardians.csv 2 create []
	// guardianships.csv 2 create []
	// migrationcsv: the import has refused lines; nothing was written
	// 3 created
	// 3 unchanged, 0 writes
}
