package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// Scale of the attendance benchmarks.
const (
	rushChildren   = 20_000 // a large municipality's kindergarten and SFO children
	rushUnitSize   = 100
	rushGoroutines = 16 // tablets sending at once
	rosterChildren = 100
)

// RunAttendanceBenchmarks measures the attendance port at municipal scale:
//
//   - MorningRush20k: 20,000 check-ins (one small transaction each, with
//     the validation a real check-in does) from 16 goroutines at once, in
//     200 units of 100 children; reports check-ins per second;
//   - Roster100: the day roster of a unit of 100 children (60 checked in,
//     10 checked out, 10 reported absent).
func RunAttendanceBenchmarks(b *testing.B, newStore func(b *testing.B) AttendanceStore) {
	b.Run("MorningRush20k", func(b *testing.B) { benchMorningRush(b, newStore(b)) })
	b.Run("Roster100", func(b *testing.B) { benchRoster(b, newStore(b)) })
}

// benchUnits creates units of size children each, placed open-ended from
// 1 August 2025, in batches of one transaction per unit.
func attBenchUnits(b *testing.B, s AttendanceStore, f *fixture, units, size int) ([]domain.Unit, [][]domain.Child) {
	ctx := context.Background()
	us := make([]domain.Unit, units)
	cs := make([][]domain.Child, units)
	for u := range us {
		us[u] = f.unit(domain.Kindergarten)
		must(b, s.Atomic(ctx, func(ctx context.Context) error {
			if err := s.CreateUnit(ctx, us[u]); err != nil {
				return err
			}
			for i := 0; i < size; i++ {
				c := benchChild(f, u*size+i)
				c.BirthDate = date.New(2021+i%3, time.Month(1+i%12), 1+i%28)
				cs[u] = append(cs[u], c)
				if err := s.CreateChild(ctx, c); err != nil {
					return err
				}
				if err := s.CreatePlacement(ctx, f.placement(c, us[u], date.New(2025, time.August, 1), date.Zero)); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	return us, cs
}

func benchMorningRush(b *testing.B, s AttendanceStore) {
	ctx := context.Background()
	f := &fixture{m: Oslo}
	units, children := attBenchUnits(b, s, f, rushChildren/rushUnitSize, rushUnitSize)
	type job struct {
		staff domain.Actor
		e     attendance.Event
	}
	staff := make([]domain.Actor, len(units))
	for i, u := range units {
		staff[i] = domain.StaffActor(Oslo, fmt.Sprintf("ansatt-%d", i), u.ID)
	}
	first := date.New(2025, time.September, 1)
	svc := &attendance.Service{Store: s, Clock: domain.FixedClock(at(first+date.Date(365), 0, 0))}
	var total time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		day := first + date.Date(n) // a new morning each round
		jobs := make(chan job, rushChildren)
		for i := 0; i < rushChildren; i++ {
			// Interleave units, as tablets of many units send at once.
			u, k := i%len(units), i/len(units)
			jobs <- job{staff[u], attendance.Event{Key: fmt.Sprintf("%s/%d", children[u][k].ID, n),
				Child: children[u][k].ID, Unit: units[u].ID,
				At: at(day, 7, 0).Add(time.Duration(i) * 100 * time.Millisecond)}}
		}
		close(jobs)
		var wg sync.WaitGroup
		errs := make(chan error, rushGoroutines)
		b.StartTimer()
		start := time.Now()
		for g := 0; g < rushGoroutines; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					if _, err := svc.CheckIn(ctx, j.staff, j.e); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		total += elapsed
		b.StartTimer()
	}
	b.ReportMetric(float64(rushChildren*b.N)/total.Seconds(), "checkins/s")
}

func benchRoster(b *testing.B, s AttendanceStore) {
	ctx := context.Background()
	f := &fixture{m: Oslo}
	// The unit of interest among 20 others, so that the queries must pick
	// its rows out of a municipality's.
	units, children := attBenchUnits(b, s, f, 20, rosterChildren)
	unit, kids := units[7], children[7]
	staff := domain.StaffActor(Oslo, "ansatt", unit.ID)
	day := date.New(2025, time.September, 10)
	svc := &attendance.Service{Store: s, Clock: domain.FixedClock(at(day, 10, 0))}
	must(b, svc.PutSettings(ctx, domain.AdminActor(Oslo, "admin"), attendance.Settings{Municipality: Oslo, ExpectedArrival: "09:00"}))
	for u := range units {
		for i, c := range children[u] {
			switch {
			case i < 60:
				e := attendance.Event{Key: fmt.Sprintf("in-%s", c.ID), Child: c.ID, Unit: units[u].ID, At: at(day, 7, i%60)}
				if _, err := svc.CheckIn(ctx, domain.StaffActor(Oslo, "a", units[u].ID), e); err != nil {
					b.Fatal(err)
				}
				if i < 10 {
					e.Key, e.At, e.Collector = "out-"+c.ID.String(), at(day, 9, i), attendance.Collector{Name: "Mor"}
					if _, err := svc.CheckOut(ctx, domain.StaffActor(Oslo, "a", units[u].ID), e); err != nil {
						b.Fatal(err)
					}
				}
			case i < 70:
				must(b, s.AddAbsence(ctx, attendance.Absence{ID: domain.NewID[attendance.Absence](), Municipality: Oslo, ChildID: c.ID,
					Period: domain.Period{Start: day - 1, End: day + 1}, Reason: attendance.Sick, ReportedBy: "x", ReportedAt: at(day, 6, 0)}))
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		r, err := svc.Roster(ctx, staff, unit.ID, domain.GroupID{}, day)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Entries) != len(kids) || r.Count[attendance.Present] != 50 || r.Count[attendance.Absent] != 10 ||
			r.Count[attendance.Left] != 10 || r.Count[attendance.Late] != 30 {
			b.Fatalf("roster %v", r.Count)
		}
	}
}
