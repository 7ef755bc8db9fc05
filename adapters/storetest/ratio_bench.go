package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/internal/benchratio"
	"github.com/oppvekst/oppvekst/messaging"
)

// The ratio benchmarks (issue 22) run a store's path through the services
// and a bare baseline doing the same writes straight on the database
// beneath the store, alternating, and report the ratio as x-baseline
// (internal/benchratio). The store's test package supplies the baseline;
// the sizes scale with OPPVEKST_BENCH_SCALE.

// InvoiceRows is the bare side of InvoiceRunVsBaseline: the database
// beneath the store.
type InvoiceRows interface {
	// Capture reads the rows the invoice run of month wrote: the run, its
	// fee decisions, invoices and invoice lines, and the invoice.ready
	// outbox rows. It returns the number of rows.
	Capture(ctx context.Context, m domain.Municipality, month billing.Month) (int, error)
	// Write writes the captured rows again in one transaction, the bare way
	// (COPY, prepared inserts).
	Write(ctx context.Context) error
	// Delete deletes the rows of month (not timed).
	Delete(ctx context.Context, m domain.Municipality, month billing.Month) error
}

// InvoiceNoticeStore is a store that can also raise the invoice notices
// through the messaging service.
type InvoiceNoticeStore interface {
	BillingStore
	MessagingStore
}

// InvoiceRunVsBaseline compares the invoice run of a month (read, compute,
// write in one transaction) for 50,000 children in 35,000 families
// (NewBenchPopulation) with base writing the same rows. With notices, the
// run raises each invoice's invoice.ready notice through messaging.Service
// (s must be an InvoiceNoticeStore), and the baseline writes those outbox
// rows too. After each side the month's rows are deleted, so every
// iteration runs the same month from scratch.
func InvoiceRunVsBaseline(b *testing.B, s BillingStore, base InvoiceRows, notices bool) {
	ctx := context.Background()
	n := benchratio.Scale(benchPupils, 50)
	p := NewBenchPopulation(Oslo, n, n*benchFamilies/benchPupils)
	for i := range p.Guardians {
		p.Guardians[i].Email = fmt.Sprintf("forelder%d@example.no", i)
	}
	must(b, p.Load(ctx, s))
	mo := billing.Month{Year: 2024, Month: time.September}
	clk := domain.FixedClock(at(mo.First()+4, 9, 0))
	svc := &billing.Service{Store: s, Clock: clk, Settings: billing.DefaultSettings()}
	if notices {
		ns, ok := s.(InvoiceNoticeStore)
		if !ok {
			b.Fatal("the store cannot write notices")
		}
		svc.Notifier = &messaging.Service{Store: ns, Clock: clk}
	}
	actor := domain.SystemActor(Oslo, "fakturering")
	run := func() billing.RunResult {
		res, err := svc.RunInvoices(ctx, actor, Oslo, mo)
		if err != nil {
			b.Fatal(err)
		}
		if !res.Created || res.Run.Invoices != len(p.Families) {
			b.Fatalf("%d invoices for %d families", res.Run.Invoices, len(p.Families))
		}
		return res
	}
	// A first run, not timed, gives the baseline its rows: every row the
	// run wrote.
	res, err := runAll(ctx, svc, actor, Oslo, mo)
	must(b, err)
	want := 1 + len(res.Decisions) + len(res.Invoices)
	for _, inv := range res.Invoices {
		want += len(inv.Lines)
	}
	if notices {
		want += len(res.Invoices) // one e-mail to each payer
	}
	got, err := base.Capture(ctx, Oslo, mo)
	must(b, err)
	if got != want {
		b.Fatalf("captured %d rows of the run, want %d", got, want)
	}
	must(b, base.Delete(ctx, Oslo, mo))
	benchratio.Compare(b, func(b *testing.B, w *benchratio.Watch) {
		run()
		w.Stop()
		must(b, base.Delete(ctx, Oslo, mo))
	}, func(b *testing.B, w *benchratio.Watch) {
		must(b, base.Write(ctx))
		w.Stop()
		must(b, base.Delete(ctx, Oslo, mo))
	})
	b.ReportMetric(float64(n), "children")
}

// CheckInVsBaseline compares check-ins through attendance.Service (its
// validation, the child's placements and events of the day read, the row
// written, one transaction each) from 16 goroutines with insert writing
// the same check rows, one INSERT per transaction, from 16 goroutines.
// 10,000 check-ins each in 100 units of 100 children at full scale; every
// iteration is a new day. refresh, when not nil, runs untimed before each
// side: on PostgreSQL it refreshes the planner's statistics (ANALYZE) as
// autovacuum does on a server where it is on (on the build machine it is
// off, and the plans made for the empty table of the first pair stay:
// the check of a child's day then walks the whole day's index, a side
// taking 8, 30, 39, 58 and then 63 s over five pairs).
func CheckInVsBaseline(b *testing.B, s AttendanceStore, insert func(ctx context.Context, c attendance.Check) error, refresh func(ctx context.Context) error) {
	ctx := context.Background()
	f := &fixture{m: Oslo}
	n := benchratio.Scale(10_000, 100)
	units, children := attBenchUnits(b, s, f, max(1, n/rushUnitSize), min(n, rushUnitSize))
	staff := make([]domain.Actor, len(units))
	for i, u := range units {
		staff[i] = domain.StaffActor(Oslo, fmt.Sprintf("ansatt-%d", i), u.ID)
	}
	first := date.New(2025, time.September, 1)
	svc := &attendance.Service{Store: s, Clock: domain.FixedClock(at(first+date.Date(3650), 0, 0))}
	type job struct {
		u, k int
	}
	var jobs []job
	for i := 0; i < len(units)*len(children[0]); i++ {
		jobs = append(jobs, job{i % len(units), i / len(units)}) // interleave units, as tablets send at once
	}
	parallel := func(b *testing.B, do func(j job) error) {
		ch := make(chan job, len(jobs))
		for _, j := range jobs {
			ch <- j
		}
		close(ch)
		var wg sync.WaitGroup
		errs := make(chan error, rushGoroutines)
		for range rushGoroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range ch {
					if err := do(j); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
	}
	// Each side checks in on days of its own (the project's even, the
	// baseline's odd), a new day every pair, whichever side goes first.
	projectRound, baseRound := 0, 0
	untimed := func(w *benchratio.Watch) {
		if refresh != nil {
			w.Stop()
			must(b, refresh(ctx))
			w.Start()
		}
	}
	benchratio.Compare(b, func(b *testing.B, w *benchratio.Watch) {
		untimed(w)
		projectRound++
		day := first + date.Date(2*projectRound)
		parallel(b, func(j job) error {
			c := children[j.u][j.k]
			_, err := svc.CheckIn(ctx, staff[j.u], attendance.Event{Key: fmt.Sprintf("%s/%d", c.ID, day),
				Child: c.ID, Unit: units[j.u].ID, At: at(day, 7, 0).Add(time.Duration(j.k) * time.Second)})
			return err
		})
	}, func(b *testing.B, w *benchratio.Watch) {
		untimed(w)
		baseRound++
		day := first + date.Date(2*baseRound+1)
		parallel(b, func(j job) error {
			c := children[j.u][j.k]
			t := at(day, 7, 0).Add(time.Duration(j.k) * time.Second)
			return insert(ctx, attendance.Check{ID: domain.NewID[attendance.Check](), Municipality: Oslo,
				Key: fmt.Sprintf("%s/%d", c.ID, day), ChildID: c.ID, UnitID: units[j.u].ID, Kind: attendance.CheckIn,
				At: t, Day: day, By: staff[j.u].Subject})
		})
	})
	b.ReportMetric(float64(len(jobs)), "checkins")
}

// EnqueueVsBaseline compares the outbox rows of one bulletin to 50,000
// guardians written by the store's Enqueue in one transaction with write
// (COPY or prepared inserts) of the same rows; clear deletes the outbox
// between the sides (not timed).
func EnqueueVsBaseline(b *testing.B, s MessagingStore, write func(ctx context.Context, ds []messaging.Delivery) error, clear func(ctx context.Context) error) {
	ctx := context.Background()
	ds := bulletinDeliveries(Oslo, 0, benchratio.Scale(benchBulletin, 20), msgNow)
	benchratio.Compare(b, func(b *testing.B, w *benchratio.Watch) {
		must(b, s.Atomic(ctx, func(ctx context.Context) error {
			written, err := s.Enqueue(ctx, ds)
			if err == nil && written != len(ds) {
				err = fmt.Errorf("wrote %d of %d", written, len(ds))
			}
			return err
		}))
		w.Stop()
		must(b, clear(ctx))
	}, func(b *testing.B, w *benchratio.Watch) {
		must(b, write(ctx, ds))
		w.Stop()
		must(b, clear(ctx))
	})
}

// PostRows is the bare side of PostBulletinVsBaseline: the database beneath
// the store.
type PostRows interface {
	// Capture reads every row written since Mark (the thread, its message,
	// participants and deliveries) and returns the number of rows.
	Capture(ctx context.Context) (int, error)
	// Mark notes what the database holds before a post.
	Mark(ctx context.Context) error
	// Write writes the captured rows again in one transaction (COPY).
	Write(ctx context.Context) error
	// Delete deletes the rows of the post (not timed).
	Delete(ctx context.Context) error
}

// PostBulletinVsBaseline compares the whole bulletin post
// (messaging.Service.Post to a unit of 25,000 children with two guardians
// each: recipients resolved, the thread, its 50,000 participants and
// 50,000 deliveries written in one transaction) with base writing the same
// rows. The rows of the post are deleted after each side.
func PostBulletinVsBaseline(b *testing.B, s MessagingStore, base PostRows) {
	ctx := context.Background()
	n := benchratio.Scale(benchBulletin, 20)
	u := bulletinUnit(b, s, n/2)
	svc := &messaging.Service{Store: s, Clock: NewClock(msgNow)}
	staff := domain.StaffActor(Oslo, "styrer", u.ID)
	post := func() {
		_, err := svc.Post(ctx, staff, messaging.Draft{Municipality: Oslo, About: messaging.About{Scope: messaging.ScopeUnit, Unit: u.ID},
			Subject: "Planleggingsdag", Body: "Barnehagen er stengt fredag.", Bulletin: true})
		must(b, err)
	}
	// A first post, not timed, gives the baseline its rows.
	must(b, base.Mark(ctx))
	post()
	got, err := base.Capture(ctx)
	must(b, err)
	if got < 2*(n/2)*2 { // at least a participant and a delivery per guardian
		b.Fatalf("captured %d rows of the post to %d guardians", got, 2*(n/2))
	}
	must(b, base.Delete(ctx))
	benchratio.Compare(b, func(b *testing.B, w *benchratio.Watch) {
		post()
		w.Stop()
		must(b, base.Delete(ctx))
	}, func(b *testing.B, w *benchratio.Watch) {
		must(b, base.Write(ctx))
		w.Stop()
		must(b, base.Delete(ctx))
	})
}

// bulletinUnit creates a kindergarten of n children, each with two
// guardians with an e-mail address, placed from 1 August 2024.
func bulletinUnit(b *testing.B, s MessagingStore, n int) domain.Unit {
	ctx := context.Background()
	f := &fixture{m: Oslo}
	u := f.unit(domain.Kindergarten)
	start := date.New(2024, time.August, 1)
	must(b, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateUnit(ctx, u); err != nil {
			return err
		}
		for i := range n {
			c := benchChild(f, i)
			if err := s.CreateChild(ctx, c); err != nil {
				return err
			}
			for j := range 2 {
				g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: Oslo, GivenName: "Forelder",
					FamilyName: fmt.Sprint(i, "-", j), Email: fmt.Sprintf("f%d-%d@example.no", i, j)}
				if err := s.CreateGuardian(ctx, g); err != nil {
					return err
				}
				if err := s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: g.ID,
					ParentalResponsibility: true}); err != nil {
					return err
				}
			}
			if err := s.CreatePlacement(ctx, f.placement(c, u, start, date.Zero)); err != nil {
				return err
			}
		}
		return nil
	}))
	return u
}
