package storetest

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// Scale of the billing benchmark: a large municipality.
const (
	benchFamilies = 35_000
	benchPupils   = 50_000
)

// RunBillingBenchmarks measures a store's invoice run at municipal scale:
// 50,000 children (about 70 % in 100 kindergartens, the rest in 40 SFOs) in
// 35,000 families, a third with an income decision, one price list of each
// kind. Each iteration runs the next month (2024-09, 2024-10, ...): reading
// everything, computing, and writing the fee decisions, invoices and lines
// and the notices in one transaction. Set-up (about 250,000 directory and
// billing records) is not timed. InvoiceRun50kWithCorrections times a run
// after three earlier months, so it also recomputes those for corrections.
// Run them with -benchtime=1x.
func RunBillingBenchmarks(b *testing.B, newStore func(b *testing.B) BillingStore) {
	b.Run("InvoiceRun50k", func(b *testing.B) { benchInvoiceRun(b, newStore(b)) })
	b.Run("InvoiceRun50kWithCorrections", func(b *testing.B) { benchSteadyRun(b, newStore(b)) })
}

// benchSteadyRun measures a month in the steady state: September to
// November are run first (not timed), so December's run also computes the
// three months before it again (DefaultSettings) and compares them with
// what was invoiced.
func benchSteadyRun(b *testing.B, s BillingStore) {
	ctx := context.Background()
	p := NewBenchPopulation(Oslo, benchPupils, benchFamilies)
	must(b, p.Load(ctx, s))
	clk := &clock{}
	svc := &billing.Service{Store: s, Clock: clk, Notifier: &feeNotices{}, Settings: billing.DefaultSettings()}
	actor := domain.SystemActor(Oslo, "fakturering")
	mo := billing.Month{Year: 2024, Month: time.September}
	run := func() billing.RunResult {
		clk.set(mo.First() + 4)
		res, err := svc.RunInvoices(ctx, actor, Oslo, mo)
		if err != nil {
			b.Fatal(err)
		}
		mo = mo.Next()
		return res
	}
	for range 3 {
		run()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		res := run()
		if res.Run.Invoices != benchFamilies {
			b.Fatalf("%d invoices", res.Run.Invoices)
		}
	}
	b.ReportMetric(float64(benchPupils), "children")
}

// BenchPopulation builds the records of the billing benchmark for
// municipality m: units, guardians (the payers), children, placements,
// families and income decisions. n children are spread over families of
// one, two and three children.
type BenchPopulation struct {
	Units      []domain.Unit
	Guardians  []domain.Guardian
	Children   []domain.Child
	Placements []domain.Placement
	Families   []billing.Family
	Incomes    []billing.IncomeDecision
	Lists      []billing.PriceList
}

// NewBenchPopulation builds a population of n children in families
// families.
func NewBenchPopulation(m domain.Municipality, n, families int) BenchPopulation {
	var p BenchPopulation
	school := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Skole", Kind: domain.School, Owner: domain.Municipal}
	p.Units = append(p.Units, school)
	var kgs, sfos []domain.Unit
	for i := 0; i < 100; i++ {
		kgs = append(kgs, domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: fmt.Sprintf("Barnehage %d", i),
			Kind: domain.Kindergarten, Owner: domain.Municipal})
	}
	for i := 0; i < 40; i++ {
		sfos = append(sfos, domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: fmt.Sprintf("SFO %d", i),
			Kind: domain.SFO, Owner: domain.Municipal, Parent: school.ID})
	}
	p.Units = append(append(p.Units, kgs...), sfos...)
	// Families of one child until the rest can be spread two and three.
	sizes := make([]int, families)
	left := n
	for i := range sizes {
		sizes[i] = 1
		left--
	}
	for i := 0; left > 0; i = (i + 1) % families {
		sizes[i]++
		left--
	}
	start := date.New(2024, time.August, 1)
	k := 0
	for i, size := range sizes {
		g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: fmt.Sprintf("Forelder %d", i),
			FamilyName: "Nordmann", AddressProtection: domain.ProtectionNone}
		p.Guardians = append(p.Guardians, g)
		fam := billing.Family{ID: domain.NewID[billing.Family](), Municipality: m, Payer: g.ID}
		fam.Members = append(fam.Members, billing.Member{ID: domain.NewID[billing.Member](), Municipality: m, Family: fam.ID,
			Guardian: g.ID, Period: domain.Period{Start: start}})
		for j := 0; j < size; j++ {
			var c domain.Child
			var pl domain.Placement
			if k%10 < 7 {
				c = domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("Barn %d", k),
					FamilyName: "Nordmann", BirthDate: date.New(2019+k%5, time.Month(1+k%12), 1+k%28), AddressProtection: domain.ProtectionNone}
				u := kgs[k%len(kgs)]
				pl = domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: c.ID, UnitID: u.ID,
					Kind: domain.Kindergarten, HoursPerWeek: 20 + k%26, Period: domain.Period{Start: start}}
			} else {
				c = domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("Elev %d", k),
					FamilyName: "Nordmann", BirthDate: date.New(2015+k%4, time.Month(1+k%12), 1+k%28), AddressProtection: domain.ProtectionNone}
				u := sfos[k%len(sfos)]
				pl = domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: c.ID, UnitID: u.ID,
					Kind: domain.SFO, HoursPerWeek: 10 + k%16, Period: domain.Period{Start: start}}
			}
			if k%13 == 0 {
				pl.Period.Start = date.New(2024, time.September, 1+k%28) // starts inside a month
			}
			p.Children = append(p.Children, c)
			p.Placements = append(p.Placements, pl)
			fam.Members = append(fam.Members, billing.Member{ID: domain.NewID[billing.Member](), Municipality: m, Family: fam.ID,
				Child: c.ID, Period: domain.Period{Start: start}})
			k++
		}
		p.Families = append(p.Families, fam)
		if i%3 == 0 {
			p.Incomes = append(p.Incomes, billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](), Municipality: m,
				Family: fam.ID, AnnualIncome: decimal.NewFromInt(int64(250_000 + (i*7919)%500_000)), Applied: date.New(2024, time.July, 15),
				Period: domain.Period{Start: start, End: date.New(2025, time.July, 31)}, Documentation: "skattemelding"})
		}
	}
	p.Lists = []billing.PriceList{kindergartenList(m, start), sfoList(m, start)}
	return p
}

// Load writes the population in one transaction.
func (p BenchPopulation) Load(ctx context.Context, s BillingStore) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		for _, u := range p.Units {
			if err := s.CreateUnit(ctx, u); err != nil {
				return err
			}
		}
		for _, g := range p.Guardians {
			if err := s.CreateGuardian(ctx, g); err != nil {
				return err
			}
		}
		for i, c := range p.Children {
			if err := s.CreateChild(ctx, c); err != nil {
				return err
			}
			if err := s.CreatePlacement(ctx, p.Placements[i]); err != nil {
				return err
			}
		}
		for _, f := range p.Families {
			if err := s.CreateFamily(ctx, f); err != nil {
				return err
			}
		}
		for _, d := range p.Incomes {
			if err := s.CreateIncomeDecision(ctx, d); err != nil {
				return err
			}
		}
		for _, l := range p.Lists {
			if err := s.CreatePriceList(ctx, l); err != nil {
				return err
			}
		}
		return nil
	})
}

func benchInvoiceRun(b *testing.B, s BillingStore) {
	ctx := context.Background()
	p := NewBenchPopulation(Oslo, benchPupils, benchFamilies)
	t0 := time.Now()
	must(b, p.Load(ctx, s))
	b.Logf("set-up: %d children, %d families written in %s", len(p.Children), len(p.Families), time.Since(t0).Round(time.Millisecond))
	clk := &clock{}
	svc := &billing.Service{Store: s, Clock: clk, Notifier: &feeNotices{}, Settings: billing.DefaultSettings()}
	actor := domain.SystemActor(Oslo, "fakturering")
	b.ReportAllocs()
	runtime.GC()
	peak := watchMemory()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		mo := billing.Month{Year: 2024, Month: time.September}
		for range n {
			mo = mo.Next()
		}
		clk.set(mo.First() + 4)
		res, err := svc.RunInvoices(ctx, actor, Oslo, mo)
		if err != nil {
			b.Fatal(err)
		}
		if res.Run.Invoices != benchFamilies || len(res.Skipped) != 0 {
			b.Fatalf("%s: %d invoices, %d skipped (%v)", mo, res.Run.Invoices, len(res.Skipped), res.Skipped[:min(3, len(res.Skipped))])
		}
	}
	b.StopTimer()
	before, max := peak()
	b.ReportMetric(float64(before)/1e6, "MB-before")
	b.ReportMetric(float64(max)/1e6, "MB-peak")
	b.ReportMetric(float64(benchPupils), "children")
}

// watchMemory samples, every 5 ms until stop is called, the memory the Go
// runtime holds from the operating system (all its memory classes but the
// heap it has released: what it adds to the resident set). stop returns
// the first sample and the largest.
func watchMemory() (stop func() (first, peak uint64)) {
	ss := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	read := func() uint64 {
		metrics.Read(ss)
		return ss[0].Value.Uint64() - ss[1].Value.Uint64()
	}
	first := read()
	var (
		mu  sync.Mutex
		max = first
	)
	stopTicks := every(5*time.Millisecond, func() {
		v := read()
		mu.Lock()
		max = maxOf(max, v)
		mu.Unlock()
	})
	return func() (uint64, uint64) {
		stopTicks()
		mu.Lock()
		defer mu.Unlock()
		return first, maxOf(max, read())
	}
}

// every calls f every d on a goroutine of its own until the returned stop
// is called; stop returns once f is no longer running.
func every(d time.Duration, f func()) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				f()
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

func maxOf(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}
