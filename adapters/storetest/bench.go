package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Scale of the benchmarks: a large municipality's kindergarten and school
// population.
const (
	benchPlacements = 10_000
	benchChildren   = 2_000
)

// RunBenchmarks measures a store at municipal scale:
//
//   - InsertPlacements10k: 10,000 placements written in one Atomic
//     transaction (an admission round or a school-year rollover);
//   - ChildRecord: reading one child with its guardians and placements
//     (the page a caseworker opens most), in a municipality of 2,000
//     children with two guardians and three placements each.
func RunBenchmarks(b *testing.B, newStore func(b *testing.B) domain.Store) {
	b.Run("InsertPlacements10k", func(b *testing.B) { benchInsertPlacements(b, newStore(b)) })
	b.Run("ChildRecord", func(b *testing.B) { benchChildRecord(b, newStore(b)) })
}

func benchInsertPlacements(b *testing.B, s domain.Store) {
	ctx := context.Background()
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	children := make([]domain.Child, benchPlacements)
	must(b, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateUnit(ctx, kg); err != nil {
			return err
		}
		for i := range children {
			children[i] = benchChild(f, i)
			if err := s.CreateChild(ctx, children[i]); err != nil {
				return err
			}
		}
		return nil
	}))
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		// Each round places every child for one day of its own, so rounds
		// never overlap each other.
		day := date.New(2024, time.August, 1) + date.Date(n)
		b.StopTimer()
		ps := make([]domain.Placement, len(children))
		for i, c := range children {
			ps[i] = f.placement(c, kg, day, day)
		}
		b.StartTimer()
		must(b, s.Atomic(ctx, func(ctx context.Context) error {
			for _, p := range ps {
				if err := s.CreatePlacement(ctx, p); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchPlacements), "ns/placement")
}

func benchChildRecord(b *testing.B, s domain.Store) {
	ctx := context.Background()
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	school := f.unit(domain.School)
	ids := make([]domain.ChildID, benchChildren)
	must(b, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateUnit(ctx, kg); err != nil {
			return err
		}
		if err := s.CreateUnit(ctx, school); err != nil {
			return err
		}
		for i := range ids {
			c := benchChild(f, i)
			ids[i] = c.ID
			if err := s.CreateChild(ctx, c); err != nil {
				return err
			}
			for j := 0; j < 2; j++ {
				g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: Oslo,
					GivenName: fmt.Sprintf("Forelder %d-%d", i, j), FamilyName: "Nordmann"}
				if err := s.CreateGuardian(ctx, g); err != nil {
					return err
				}
				if err := s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: c.ID,
					GuardianID: g.ID, ParentalResponsibility: true, LivesWithChild: j == 0}); err != nil {
					return err
				}
			}
			for _, p := range []domain.Placement{
				f.placement(c, kg, date.New(2022, time.August, 1), date.New(2023, time.July, 31)),
				f.placement(c, kg, date.New(2023, time.August, 1), date.New(2024, time.July, 31)),
				f.placement(c, school, date.New(2024, time.August, 19), date.Zero),
			} {
				if err := s.CreatePlacement(ctx, p); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		r, err := s.ChildRecord(ctx, Oslo, ids[(n*7919)%len(ids)])
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Guardians) != 2 || len(r.Placements) != 3 {
			b.Fatalf("record has %d guardians and %d placements", len(r.Guardians), len(r.Placements))
		}
	}
}

// benchChild is a child without a national ID (finding valid check digits
// for thousands of children would dominate the set-up).
func benchChild(f *fixture, i int) domain.Child {
	return domain.Child{ID: domain.NewID[domain.Child](), Municipality: f.m,
		GivenName: fmt.Sprintf("Barn %d", i), FamilyName: "Nordmann",
		BirthDate: date.New(2019, time.Month(1+i%12), 1+i%28), AddressProtection: domain.ProtectionNone}
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
