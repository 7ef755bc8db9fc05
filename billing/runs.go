package billing

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oppvekst/oppvekst/domain"
)

// RunCancellation records that an approved invoice run was cancelled
// before it was exported: who, when, why, and what the run was. Its
// invoices (with their lines) and the fee decisions it made are removed;
// the invoice numbers and KIDs are free again.
type RunCancellation struct {
	ID           RunCancellationID   `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Month        Month               `json:"month"`
	Cancelled    time.Time           `json:"cancelled"`
	// By is the caseworker's display name (else the login), ByRole their
	// role.
	By     string      `json:"by"`
	ByRole domain.Role `json:"byRole"`
	Reason string      `json:"reason"`
	// Run is the run as it was (numbers, count, total).
	Run Run `json:"run"`
}

// RunCancellationID identifies a cancellation.
type RunCancellationID = domain.ID[RunCancellation]

// RunExport records the first time a run's invoices were exported (sent
// to the finance system): from then on the run can only be corrected by
// credit notes, never cancelled.
type RunExport struct {
	Municipality domain.Municipality `json:"municipality"`
	Month        Month               `json:"month"`
	Exported     time.Time           `json:"exported"`
	By           string              `json:"by"`
}

// Validate checks a cancellation on its own.
func (c RunCancellation) Validate() error {
	var p domain.Problems
	recordProblems(&p, c.ID.IsZero(), c.Municipality)
	if !c.Month.valid() || c.Run.Month != c.Month {
		p.Add("month", domain.ReasonMonth)
	}
	if c.Cancelled.IsZero() {
		p.Add("cancelled", ReasonRequired)
	}
	if domain.Blank(c.By) {
		p.Add("by", ReasonRequired)
	}
	p.Merge("", checkCancelReason(c.Reason))
	return p.Err()
}

func checkCancelReason(reason string) error {
	if err := domain.CheckText("reason", reason); err != nil {
		return err
	}
	if domain.Blank(reason) {
		return domain.Invalid("reason", ReasonRequired)
	}
	if utf8.RuneCountInString(reason) > MaxCancelReason {
		return domain.Invalid("reason", ReasonTooLong)
	}
	return nil
}

// read is what the run of a month reads: the runs before and the run's
// input (nil when the month was run before: existing).
type read struct {
	existing *Run
	runs     []Run
	in       *RunInput
}

// readRun reads what the run of month computes from (writes nothing).
func (s *Service) readRun(ctx context.Context, m domain.Municipality, month Month) (read, error) {
	var out read
	settings, err := s.SettingsFor(ctx, m)
	if err != nil {
		return out, err
	}
	if err := settings.validateRun(); err != nil {
		return out, err
	}
	runs, err := s.Store.InvoiceRuns(ctx, m)
	if err != nil {
		return out, err
	}
	out.runs = runs
	next := int64(1)
	var first *Month
	for _, r := range runs {
		if r.Month == month {
			out.existing = &r
			return out, nil
		}
		if month.Before(r.Month) {
			return out, domain.Invalid("month", ReasonBeforeLastRun)
		}
		next = max(next, r.LastNumber+1)
		if first == nil || r.Month.Before(*first) {
			rm := r.Month
			first = &rm
		}
	}
	// A month already run answers with its invoices (above); a new one
	// must be inside the settings' bounds.
	if err := CheckRunMonth(settings, month, MonthOf(domain.Today(s.Clock))); err != nil {
		return out, err
	}
	t, err := s.TablesFor(ctx, m)
	if err != nil {
		return out, err
	}
	in := RunInput{Municipality: m, Month: month, Made: domain.Today(s.Clock), Settings: settings,
		Tables: t, NextNumber: next}
	from := CorrectionStart(settings, first, month)
	in.CorrectFrom = from
	within := domain.Period{Start: from.First(), End: month.Last()}
	if err := s.readMonth(ctx, &in, within); err != nil {
		return out, err
	}
	// Special needs come from the special-education decisions when the
	// store keeps them (domain.SpecialNeedsSource).
	if src, ok := s.Store.(domain.SpecialNeedsSource); ok {
		if in.SpecialNeeds, err = src.SpecialNeeds(ctx, m, within); err != nil {
			return out, err
		}
	}
	if from.Before(month) {
		if in.Billed, err = s.Store.BilledSince(ctx, m, from, month.Prev()); err != nil {
			return out, err
		}
	}
	// Only the amounts and inputs of the decisions made before are
	// compared with; their explanations are dropped before computing.
	for i := range in.Decisions {
		d := &in.Decisions[i]
		d.Steps, d.Rules, d.Reasons = nil, nil, nil
	}
	out.in = &in
	return out, nil
}

// CorrectionStart is the first month a run of month corrects: at most
// Settings.CorrectionMonths back, never before the first run (first; nil
// when there is none: a first run corrects nothing) nor before
// Settings.FirstMonth. month itself means none.
func CorrectionStart(settings Settings, first *Month, month Month) Month {
	from := month
	if first == nil {
		return from
	}
	for i := 0; i < settings.CorrectionMonths && first.Before(from) && settings.FirstMonth.Before(from); i++ {
		from = from.Prev()
	}
	return from
}

// PreviewRun computes the invoice run of a month as approval would and
// writes nothing: the counts, totals, corrections by month, the largest
// changes against the previous run, the children invoiced and skipped and
// the fingerprint ApproveRun wants back. The month is checked as for a
// run (field "month": domain.ReasonMonth, ReasonBeforeFirstMonth,
// ReasonOutsideRunWindow, ReasonBeforeLastRun); a month run before is a
// *domain.ConflictError (ReasonMonthRun). The run is computed a batch of
// payers at a time (Service.RunBatch) and summed up as it goes: its
// invoices are never all in memory (PreviewRunEach hands them over).
func (s *Service) PreviewRun(ctx context.Context, a domain.Actor, m domain.Municipality, month Month) (Preview, error) {
	return s.PreviewRunEach(ctx, a, m, month, nil)
}

// PreviewRunEach is PreviewRun handing each batch of the run to each as it
// is computed (the batches ApproveRunEach would write, nothing stored); an
// error from each ends the preview with it. A batch is not kept after
// each returns.
func (s *Service) PreviewRunEach(ctx context.Context, a domain.Actor, m domain.Municipality, month Month,
	each func(context.Context, RunBatch) error) (Preview, error) {
	if err := municipal(a, m); err != nil {
		return Preview{}, err
	}
	if !month.valid() {
		return Preview{}, domain.Invalid("month", domain.ReasonMonth)
	}
	var p Preview
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		rd, err := s.readRun(ctx, m, month)
		if err != nil {
			return err
		}
		if rd.existing != nil {
			return domain.Conflict("month", ReasonMonthRun)
		}
		in := rd.in
		if err := in.validate(); err != nil {
			return err
		}
		var prev Run
		var previous []Invoice
		if n := len(rd.runs); n > 0 {
			prev = rd.runs[n-1]
			if previous, err = s.Store.Invoices(ctx, m, prev.Month); err != nil {
				return err
			}
		}
		sum := newSummary(in.CorrectFrom, month, prev, previous)
		previous = nil
		batch := s.RunBatch
		if batch < 1 {
			batch = DefaultRunBatch
		}
		var skipped []Skipped
		run, err := computeRun(in, batch, func(b RunBatch) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			sum.add(b)
			if each != nil {
				return each(ctx, b)
			}
			return nil
		}, func(sk []Skipped) { skipped = sk })
		if err != nil {
			return err
		}
		p = sum.finish(run, skipped)
		return nil
	})
	if err != nil {
		return Preview{}, err
	}
	return p, nil
}

// ApproveRun makes the invoice run previewed (PreviewRun) with the
// fingerprint: it computes the run again in the transaction that stores
// it and refuses with a *domain.ConflictError (field "fingerprint",
// ReasonPreviewChanged) when the result is not the one previewed, writing
// nothing, so the caseworker previews again. (The run is checked as its
// batches are written: a changed one is undone with the transaction, so a
// Notifier should write in the store's transaction, as messaging.Service
// does.) A fingerprint is required
// (field "fingerprint", ReasonRequired) for a month not run; a month run
// before answers with its stored invoices (Created false) as RunInvoices
// does.
func (s *Service) ApproveRun(ctx context.Context, a domain.Actor, m domain.Municipality, month Month, fingerprint string) (RunResult, error) {
	return s.approve(ctx, a, m, month, strings.TrimSpace(fingerprint), true, nil)
}

// ApproveRunEach is ApproveRun handing each batch of the run to each as
// it is written (RunBatch: up to Service.RunBatch payers' invoices, with
// the fee decisions made with them), in the run's transaction: an error
// from each undoes the run. A batch is not kept after each returns. A
// month run before calls each for nothing.
func (s *Service) ApproveRunEach(ctx context.Context, a domain.Actor, m domain.Municipality, month Month, fingerprint string,
	each func(context.Context, RunBatch) error) (RunResult, error) {
	return s.approve(ctx, a, m, month, strings.TrimSpace(fingerprint), true, each)
}

// RunWriter is a store that writes an invoice run batch by batch in one
// transaction: the run opened (OpenInvoiceRun), the invoices of each batch
// (CreateRunInvoices, r giving the batch's numbers), then the run's count,
// numbers and total (CloseInvoiceRun). sqlite.Store and
// postgres.Store implement it; a store that does not gets the whole run
// in one CreateInvoiceRun at the end (every invoice in memory).
type RunWriter interface {
	// CreateRunInvoices stores invoices of the run r is a part of: r's
	// Municipality, Month and Made, its Invoices the batch's count and
	// FirstNumber..LastNumber the batch's numbers (ValidateRun(r,
	// invoices)). A number or KID taken is a *domain.ConflictError.
	CreateRunInvoices(ctx context.Context, r Run, invoices []Invoice) error
	// OpenInvoiceRun stores the run of r.Month with no invoices yet (its
	// numbers to start at r.FirstNumber); a month with a run is a
	// *domain.ConflictError.
	OpenInvoiceRun(ctx context.Context, r Run) error
	// CloseInvoiceRun stores the run's count, numbers and total once its
	// invoices are stored.
	CloseInvoiceRun(ctx context.Context, r Run) error
}

func (s *Service) approve(ctx context.Context, a domain.Actor, m domain.Municipality, month Month, fingerprint string, check bool,
	each func(context.Context, RunBatch) error) (RunResult, error) {
	if err := municipal(a, m); err != nil {
		return RunResult{}, err
	}
	if !month.valid() {
		return RunResult{}, domain.Invalid("month", domain.ReasonMonth)
	}
	var res RunResult
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		res = RunResult{}
		rd, err := s.readRun(ctx, m, month)
		if err != nil {
			return err
		}
		if rd.existing != nil {
			res.Run = *rd.existing
			return nil
		}
		if check && fingerprint == "" {
			return domain.Invalid("fingerprint", ReasonRequired)
		}
		in := rd.in
		if err := in.validate(); err != nil {
			return err
		}
		var digest *runDigest
		if check {
			digest = newRunDigest()
		}
		w, batched := s.Store.(RunWriter)
		if batched {
			if err := w.OpenInvoiceRun(ctx, Run{Municipality: m, Month: month, Made: in.Made, FirstNumber: in.NextNumber}); err != nil {
				return err
			}
		}
		var all []Invoice // without a RunWriter
		var skipped []Skipped
		batch := s.RunBatch
		if batch < 1 {
			batch = DefaultRunBatch
		}
		run, err := computeRun(in, batch, func(b RunBatch) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if digest != nil {
				digest.add(b)
			}
			if len(b.Decisions) > 0 {
				for i := range b.Decisions {
					b.Decisions[i].Run = month
				}
				if err := s.Store.CreateFeeDecisions(ctx, b.Decisions); err != nil {
					return err
				}
				res.Decisions += len(b.Decisions)
			}
			if len(b.Invoices) > 0 {
				if !batched {
					all = append(all, b.Invoices...)
				} else {
					first, last := b.Invoices[0].Number, b.Invoices[len(b.Invoices)-1].Number
					part := Run{Municipality: m, Month: month, Made: in.Made, Invoices: len(b.Invoices), FirstNumber: first, LastNumber: last}
					if err := w.CreateRunInvoices(ctx, part, b.Invoices); err != nil {
						return err
					}
				}
				if err := s.notifyInvoices(ctx, b.Invoices); err != nil {
					return err
				}
			}
			if each != nil {
				return each(ctx, b)
			}
			return nil
		}, func(sk []Skipped) { skipped = sk })
		if err != nil {
			return err
		}
		if digest != nil && digest.sum(run, skipped) != fingerprint {
			// Everything written is undone with the transaction.
			return domain.Conflict("fingerprint", ReasonPreviewChanged)
		}
		if batched {
			err = w.CloseInvoiceRun(ctx, run)
		} else {
			err = s.Store.CreateInvoiceRun(ctx, run, all)
		}
		if err != nil {
			return err
		}
		res.Run, res.Created, res.Skipped = run, true, skipped
		return nil
	})
	if err != nil {
		return RunResult{}, err
	}
	return res, nil
}

// CancelRun cancels the approved invoice run of a month that was not
// exported: its invoices, their lines and the fee decisions it made are
// removed and a RunCancellation (who, when, the reason, the run) is kept,
// in one transaction; the run may then be previewed and approved again
// and gets the numbers and KIDs it had. Refused: no run (domain
// ErrNotFound), a reason missing or too long (field "reason"), a later
// month run (ReasonRunNotLatest), an exported run (ReasonRunExported:
// correct it by credit notes), one with payments matched
// (ReasonRunPaid) or one with credit notes issued on its invoices
// (ReasonRunCredited), the last four *domain.ConflictError on "month". It
// returns the cancellation and the invoices removed.
func (s *Service) CancelRun(ctx context.Context, a domain.Actor, m domain.Municipality, month Month, reason string) (RunCancellation, []Invoice, error) {
	if err := municipal(a, m); err != nil {
		return RunCancellation{}, nil, err
	}
	var p domain.Problems
	if !month.valid() {
		p.Add("month", domain.ReasonMonth)
	}
	p.Merge("", checkCancelReason(reason))
	if err := p.Err(); err != nil {
		return RunCancellation{}, nil, err
	}
	var c RunCancellation
	var invs []Invoice
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		runs, err := s.Store.InvoiceRuns(ctx, m)
		if err != nil {
			return err
		}
		var run *Run
		later := false
		for i := range runs {
			if runs[i].Month == month {
				run = &runs[i]
			} else if month.Before(runs[i].Month) {
				later = true
			}
		}
		if run == nil {
			return domain.ErrNotFound
		}
		if later {
			return domain.Conflict("month", ReasonRunNotLatest)
		}
		if invs, err = s.Store.Invoices(ctx, m, month); err != nil {
			return err
		}
		by := a.Name
		if by == "" {
			by = a.Subject
		}
		c = RunCancellation{ID: domain.NewID[RunCancellation](), Municipality: m, Month: month, Cancelled: s.Clock.Now(),
			By: by, ByRole: a.Role, Reason: strings.TrimSpace(reason), Run: *run}
		return s.Store.CancelInvoiceRun(ctx, c)
	})
	if err != nil {
		return RunCancellation{}, nil, err
	}
	return c, invs, nil
}

// RunCancellations lists the municipality's cancelled runs, newest first.
func (s *Service) RunCancellations(ctx context.Context, a domain.Actor, m domain.Municipality) ([]RunCancellation, error) {
	if err := municipal(a, m); err != nil {
		return nil, err
	}
	return s.Store.RunCancellations(ctx, m)
}

// markExported records the first export of a month's run (none when the
// month has no run).
func (s *Service) markExported(ctx context.Context, a domain.Actor, m domain.Municipality, month Month) error {
	by := a.Name
	if by == "" {
		by = a.Subject
	}
	err := s.Store.MarkRunExported(ctx, RunExport{Municipality: m, Month: month, Exported: s.Clock.Now(), By: by})
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	return err
}

// BulkNotifier is a domain.Notifier that can take many notices in one call
// (messaging.Service does): an invoice run hands it all its invoice.ready
// notices at once, so that they are written in one go, in the run's
// transaction, rather than one outbox write per invoice.
type BulkNotifier interface {
	domain.Notifier
	// NotifyAll does what Notify of each notice in turn does.
	NotifyAll(ctx context.Context, ns []domain.Notice) error
}

// notifyInvoices raises the invoice.ready notice of each invoice, in bulk
// when the notifier can (BulkNotifier).
func (s *Service) notifyInvoices(ctx context.Context, invs []Invoice) error {
	if s.Notifier == nil || len(invs) == 0 {
		return nil
	}
	if bn, ok := s.Notifier.(BulkNotifier); ok {
		ns := make([]domain.Notice, len(invs))
		for i, inv := range invs {
			ns[i] = InvoiceNotice(inv)
		}
		return bn.NotifyAll(ctx, ns)
	}
	for _, inv := range invs {
		if err := s.Notifier.Notify(ctx, InvoiceNotice(inv)); err != nil {
			return err
		}
	}
	return nil
}

// RunReader is a store that reads everything the invoice run of a month
// computes from in one go (one round trip on PostgreSQL) rather than a read
// per unit and per kind of record. sqlite.Store and postgres.Store
// implement it; a store that does not is read the long way (Children,
// UnitPlacements of every kindergarten and SFO, Families, ...), with the
// same result.
type RunReader interface {
	// RunData reads, for municipality m: the kindergarten and SFO
	// placements (placements in units of those kinds) sharing at least one
	// day with within, the children of those placements, every family
	// with its members, income decision, price list and fee decision.
	// Only the ID, Municipality and BirthDate of a child are read. No
	// order is promised.
	RunData(ctx context.Context, m domain.Municipality, within domain.Period) (RunData, error)
}

// RunData is what RunReader reads: the records of RunInput that come from
// the store.
type RunData struct {
	Children        []domain.Child
	Placements      []domain.Placement
	Families        []Family
	IncomeDecisions []IncomeDecision
	PriceLists      []PriceList
	Decisions       []FeeDecision
}

// readMonth fills in the records a run reads from the store: in one read
// when the store is a RunReader.
func (s *Service) readMonth(ctx context.Context, in *RunInput, within domain.Period) error {
	m := in.Municipality
	if rr, ok := s.Store.(RunReader); ok {
		d, err := rr.RunData(ctx, m, within)
		if err != nil {
			return err
		}
		in.Children, in.Placements, in.Families = d.Children, d.Placements, d.Families
		in.IncomeDecisions, in.PriceLists, in.Decisions = d.IncomeDecisions, d.PriceLists, d.Decisions
		return nil
	}
	var err error
	if in.Children, err = s.Store.Children(ctx, m); err != nil {
		return err
	}
	units, err := s.Store.Units(ctx, m)
	if err != nil {
		return err
	}
	for _, u := range units {
		if u.Kind != domain.Kindergarten && u.Kind != domain.SFO {
			continue
		}
		ps, err := s.Store.UnitPlacements(ctx, m, u.ID, within)
		if err != nil {
			return err
		}
		in.Placements = append(in.Placements, ps...)
	}
	if in.Families, err = s.Store.Families(ctx, m); err != nil {
		return err
	}
	if in.IncomeDecisions, err = s.Store.IncomeDecisions(ctx, m); err != nil {
		return err
	}
	if in.PriceLists, err = s.Store.PriceLists(ctx, m); err != nil {
		return err
	}
	in.Decisions, err = s.Store.FeeDecisions(ctx, m)
	return err
}
