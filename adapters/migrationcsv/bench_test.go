package migrationcsv_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/oppvekst/oppvekst/adapters/migrationcsv"
	"github.com/oppvekst/oppvekst/domain"
)

// BenchmarkImport10k imports 10,000 children with their 10,000 guardians
// (families of two children and two guardians) and 20,000 guardianships
// into an empty store, on each store, next to a baseline: the same records
// written by plain store calls in one transaction, without parsing or
// planning. Each round starts from an empty store.
//
//	OPPVEKST_TEST_POSTGRES=… go test -run '^$' -bench Import10k -benchtime 1x ./adapters/migrationcsv/
func BenchmarkImport10k(b *testing.B) {
	fams := genFamilies(b, 10_000)
	children, guardians, links := csvFiles(fams, ";")
	for _, st := range stores {
		b.Run(st.name+"/import", func(b *testing.B) {
			ctx := context.Background()
			for n := 0; n < b.N; n++ {
				b.StopTimer()
				s := st.open(b)
				b.StartTimer()
				files := []*migrationcsv.File{parse(b, "children.csv", children), parse(b, "guardians.csv", guardians),
					parse(b, "guardianships.csv", links)}
				plan, err := migrationcsv.Import(ctx, s, opts, files...)
				if err != nil {
					b.Fatal(err)
				}
				if got := plan.Count(migrationcsv.Create); got != 40_000 {
					b.Fatalf("%d lines created, want 40000", got)
				}
			}
		})
		b.Run(st.name+"/import-with-placements", func(b *testing.B) {
			// The same, with 20 kindergartens of two groups each and a
			// placement for every child.
			ctx := context.Background()
			var units, groups, placements strings.Builder
			units.WriteString("name;kind\r\n")
			groups.WriteString("unit;name;age_group\r\n")
			for u := range 20 {
				fmt.Fprintf(&units, "Barnehage %d;kindergarten\r\n", u)
				fmt.Fprintf(&groups, "Barnehage %d;Små;small\r\nBarnehage %d;Store;large\r\n", u, u)
			}
			placements.WriteString("child_national_id;unit;group;hours_per_week;start;end\r\n")
			i := 0
			for _, f := range fams {
				for _, c := range f.children {
					fmt.Fprintf(&placements, "%s;Barnehage %d;Store;41;2024-08-01;\r\n", c, i%20)
					i++
				}
			}
			for n := 0; n < b.N; n++ {
				b.StopTimer()
				s := st.open(b)
				b.StartTimer()
				files := []*migrationcsv.File{parse(b, "units.csv", units.String()), parse(b, "groups.csv", groups.String()),
					parse(b, "children.csv", children), parse(b, "guardians.csv", guardians),
					parse(b, "guardianships.csv", links), parse(b, "placements.csv", placements.String())}
				plan, err := migrationcsv.Import(ctx, s, opts, files...)
				if err != nil {
					b.Fatal(err, plan.Refused())
				}
				if got := plan.Count(migrationcsv.Create); got != 50_060 {
					b.Fatalf("%d lines created, want 50060", got)
				}
			}
		})
		b.Run(st.name+"/baseline", func(b *testing.B) {
			ctx := context.Background()
			for n := 0; n < b.N; n++ {
				b.StopTimer()
				s := st.open(b)
				var cs []domain.Child
				var gs []domain.Guardian
				var ls []domain.Guardianship
				for i, f := range fams {
					var gids []domain.GuardianID
					for j, n := range f.guardians {
						g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: oslo, NationalID: n,
							GivenName: fmt.Sprintf("Forelder%d", j), FamilyName: fmt.Sprintf("Familie%d", i),
							Email: fmt.Sprintf("f%d.%d@example.org", i, j), AddressProtection: domain.ProtectionNone}
						gs = append(gs, g)
						gids = append(gids, g.ID)
					}
					for j, n := range f.children {
						c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: oslo, NationalID: n,
							GivenName: fmt.Sprintf("Barn%d", j), FamilyName: fmt.Sprintf("Familie%d", i),
							BirthDate: n.BirthDate(), AddressProtection: domain.ProtectionNone}
						cs = append(cs, c)
						for _, g := range gids {
							ls = append(ls, domain.Guardianship{Municipality: oslo, ChildID: c.ID, GuardianID: g,
								ParentalResponsibility: true, LivesWithChild: true})
						}
					}
				}
				b.StartTimer()
				err := s.Atomic(ctx, func(ctx context.Context) error {
					for _, c := range cs {
						if err := s.CreateChild(ctx, c); err != nil {
							return err
						}
					}
					for _, g := range gs {
						if err := s.CreateGuardian(ctx, g); err != nil {
							return err
						}
					}
					for _, l := range ls {
						if err := s.PutGuardianship(ctx, l); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
