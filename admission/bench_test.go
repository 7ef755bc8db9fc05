package admission

import (
	"testing"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

func benchmarkAllocate(b *testing.B, children, units, choices int) {
	r := generateRound(1, children, units, choices)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Allocate(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAllocate10k is the first size: 10,000 children, 300
// units, 5 choices (target under 10 ms/op and 2 MB/op).
func BenchmarkAllocate10k(b *testing.B) { benchmarkAllocate(b, 10000, 300, 5) }

// BenchmarkAllocate50k is the second size: 50,000 children, 1,500
// units, 10 choices (target under 100 ms/op).
func BenchmarkAllocate50k(b *testing.B) { benchmarkAllocate(b, 50000, 1500, 10) }

// BenchmarkRunExplain10kFamilies is the admission issue's target: a round
// of 10,000 children and 300 units with 12 % of the children in sibling
// families, allocated and every child explained (target under 1 s/op).
func BenchmarkRunExplain10kFamilies(b *testing.B) {
	r, fams := generateFamilyRound(1, 10000, 300, 5)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a, err := AllocateFamilies(r, fams)
		if err != nil {
			b.Fatal(err)
		}
		if len(a.Explanations()) != 10000 {
			b.Fatal("explanations missing")
		}
	}
}

// BenchmarkCompute10kFamilies measures the same round from stored
// applications (Compute: lottery, families, allocation, explanations).
func BenchmarkCompute10kFamilies(b *testing.B) {
	r, fams := generateFamilyRound(1, 10000, 300, 5)
	m := domain.MustMunicipality("0301")
	in := Intake{ID: domain.NewID[Intake](), Municipality: m, AdmissionYear: r.AdmissionYear, Criteria: r.Criteria, SmallWeight: 1}
	unitIDs := map[string]domain.UnitID{}
	for _, u := range r.Units {
		id := domain.NewID[domain.Unit]()
		unitIDs[u.ID] = id
		in.Seats = append(in.Seats, UnitSeats{Unit: id, Places: u.Capacity.Small + u.Capacity.Large, Small: u.Capacity.Small})
	}
	births := map[domain.ChildID]date.Date{}
	apps := make([]Application, len(r.Children))
	byID := map[string]int{}
	for i, c := range r.Children {
		child := domain.NewID[domain.Child]()
		births[child] = c.BirthDate
		a := Application{ID: domain.NewID[Application](), Municipality: m, Intake: in.ID, Child: child,
			Statutory: Claim{Claimed: c.StatutoryPriority, Documented: DocVerified}}
		for _, p := range c.Preferences {
			a.Preferences = append(a.Preferences, unitIDs[p])
		}
		for _, s := range c.SiblingAt {
			a.SiblingAt = append(a.SiblingAt, unitIDs[s])
		}
		apps[i] = a
		byID[c.ID] = i
	}
	for _, f := range fams {
		for _, x := range f.Members {
			for _, y := range f.Members {
				if x != y {
					apps[byID[x]].Together = append(apps[byID[x]].Together, apps[byID[y]].Child)
				}
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		run, err := Compute(in, apps, births, 1)
		if err != nil {
			b.Fatal(err)
		}
		if run.Stats.Families == nil || run.Stats.Families.Families != len(fams) {
			b.Fatal("families lost")
		}
	}
}
