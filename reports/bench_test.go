package reports_test

import (
	"context"
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reports"
)

// benchChildren is the size of the benchmark municipality: 5,000 children,
// 3,500 of them in 100 kindergartens (storetest.NewBenchPopulation).
const benchChildren = 5000

func benchInput() reports.Input {
	p := storetest.NewBenchPopulation(storetest.Oslo, benchChildren, 2600)
	return reports.Input{Units: p.Units, Children: p.Children, Placements: p.Placements}
}

// BenchmarkBASIL times the report over the rows in memory.
func BenchmarkBASIL(b *testing.B) {
	in := benchInput()
	r := reports.MustRules().BASIL
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rep, err := reports.BASIL(in, 2024, r)
		if err != nil || len(rep.Units) != 100 {
			b.Fatal(err, len(rep.Units))
		}
	}
}

// BenchmarkBASILBaseline is the bare loop over the same rows: count
// kindergarten placements in force on the day by unit, age and band, with
// no cells, no children kept and no checks.
func BenchmarkBASILBaseline(b *testing.B) {
	in := benchInput()
	day := date.New(2024, 12, 15)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		birth := make(map[domain.ChildID]date.Date, len(in.Children))
		for _, c := range in.Children {
			birth[c.ID] = c.BirthDate
		}
		type key struct {
			u    domain.UnitID
			age  int
			band int
		}
		counts := map[key]int{}
		for _, p := range in.Placements {
			if p.Kind != domain.Kindergarten || !p.Period.Contains(day) {
				continue
			}
			counts[key{p.UnitID, min(2024-birth[p.ChildID].Year(), 6), min(max(p.HoursPerWeek-1, 0)/8, 5)}]++
		}
		if len(counts) == 0 {
			b.Fatal("nothing counted")
		}
	}
}

// BenchmarkBASILFromSQLite times reading the rows from a SQLite store
// (reports.Load in one transaction) and counting them.
func BenchmarkBASILFromSQLite(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	require.NoError(b, err)
	b.Cleanup(func() { _ = s.Close() })
	p := storetest.NewBenchPopulation(storetest.Oslo, benchChildren, 2600)
	require.NoError(b, p.Load(ctx, s))
	r := reports.MustRules().BASIL
	day := date.New(2024, 12, 15)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var rep reports.BASILReport
		err := s.Atomic(ctx, func(ctx context.Context) error {
			in, err := reports.Load(ctx, s, s, storetest.Oslo, domain.Period{Start: day, End: day})
			if err != nil {
				return err
			}
			rep, err = reports.BASIL(in, 2024, r)
			return err
		})
		if err != nil || len(rep.Units) != 100 {
			b.Fatal(err, len(rep.Units))
		}
	}
}
