package billing

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"slices"
	"strconv"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// An invoice run is made in two steps: a PREVIEW (Service.PreviewRun)
// computes the run exactly as approval would and writes nothing; the
// caseworker reads its counts, totals, corrections, largest changes and
// skipped children, and APPROVES it (Service.ApproveRun) with the
// preview's Fingerprint. When anything the run reads changed in between,
// the fingerprint differs and approval is refused (a *domain.ConflictError
// with ReasonPreviewChanged) so the caseworker previews again.

// Reason codes of invoice runs (previews, approvals, cancellations).
const (
	// ReasonPreviewChanged: the run computed at approval is not the one
	// previewed (data changed since); preview again.
	ReasonPreviewChanged = "preview-changed"
	// ReasonMonthRun: the month has an invoice run already.
	ReasonMonthRun = "month-already-run"
	// ReasonRunExported: the run was exported (sent to the finance
	// system); it can only be corrected by credit notes.
	ReasonRunExported = "run-exported"
	// ReasonRunNotLatest: a later month has been run; only the latest run
	// can be cancelled.
	ReasonRunNotLatest = "run-not-latest"
	// ReasonRunPaid: payments are matched to the run's invoices.
	ReasonRunPaid = "run-paid"
	// ReasonRunCredited: credit notes are issued on the run's invoices;
	// the run stands and is corrected by further credit notes.
	ReasonRunCredited = "run-credited"
	// ReasonTooLong: a text is longer than allowed.
	ReasonTooLong = "billing-too-long"
)

// TopChanges is how many of the largest changes against the previous run
// a Preview lists.
const TopChanges = 10

// MaxCancelReason bounds the reason given for cancelling a run (characters).
const MaxCancelReason = 500

// Preview is an invoice run computed and not stored: what approval makes.
type Preview struct {
	// Run is the run approval stores: month, day, number of invoices,
	// invoice numbers and total (corrections included).
	Run Run `json:"run"`
	// Payers is the number of payers invoiced (one invoice each).
	Payers int `json:"payers"`
	// Lines and Current count and sum the lines of the month itself.
	Lines   int             `json:"lines"`
	Current decimal.Decimal `json:"current"`
	// CorrectFrom is the first month corrected (zero: none); corrections
	// never reach before it (the window of Settings.CorrectionMonths, the
	// first run and Settings.FirstMonth bound it).
	CorrectFrom Month `json:"correctFrom,omitzero"`
	// Corrections are the correction lines by the month they correct,
	// oldest first; CorrectionLines and CorrectionSum add them up.
	Corrections     []CorrectionMonth `json:"corrections"`
	CorrectionLines int               `json:"correctionLines"`
	CorrectionSum   decimal.Decimal   `json:"correctionSum"`
	// Previous is the latest run before (zero Month: none); Changes are the
	// payers whose invoice changes most against it (largest difference
	// first, at most TopChanges).
	Previous Run           `json:"previous,omitzero"`
	Changes  []PayerChange `json:"changes"`
	// Decisions is the number of new fee decisions approval makes.
	Decisions int `json:"decisions"`
	// Skipped are the placed children no invoice charges, with why.
	Skipped []Skipped `json:"skipped"`
	// Children are the children the invoices charge (a line each or
	// more), in the order of the invoices' numbers and their lines.
	Children []domain.ChildID `json:"-"`
	// Fingerprint identifies what was computed (every invoice, line,
	// decision and skipped child, invoice IDs apart); approval must give
	// it back.
	Fingerprint string `json:"fingerprint"`
}

// CorrectionMonth sums the correction lines for one month.
type CorrectionMonth struct {
	Month Month           `json:"month"`
	Lines int             `json:"lines"`
	Sum   decimal.Decimal `json:"sum"`
}

// PayerChange is a payer's invoice total in the previous run and in this
// one (zero when the payer had no invoice).
type PayerChange struct {
	Payer      domain.GuardianID `json:"payer"`
	Family     FamilyID          `json:"family,omitzero"`
	Before     decimal.Decimal   `json:"before"`
	After      decimal.Decimal   `json:"after"`
	Difference decimal.Decimal   `json:"difference"`
}

// Summarize describes a plan for the caseworker: counts, totals,
// corrections by month, the largest changes against the previous run's
// invoices (previous, of the run prev) and the fingerprint. It is pure.
// Service.PreviewRun makes the same summary batch by batch, without the
// whole plan.
func Summarize(plan Plan, correctFrom Month, prev Run, previous []Invoice) Preview {
	s := newSummary(correctFrom, plan.Run.Month, prev, previous)
	s.add(RunBatch{Invoices: plan.Invoices, Decisions: plan.Decisions})
	return s.finish(plan.Run, plan.Skipped)
}

// summary sums up a run's batches as they come (add) into its Preview
// (finish): batches of any size give the same Preview.
type summary struct {
	p       Preview
	byMonth map[Month]*CorrectionMonth
	changes bool // there is a previous run to compare with
	totals  map[domain.GuardianID]*payerTotal
	digest  *runDigest
	seen    map[domain.ChildID]bool
}

type payerTotal struct {
	family        FamilyID
	before, after decimal.Decimal
}

func newSummary(correctFrom, month Month, prev Run, previous []Invoice) *summary {
	s := &summary{p: Preview{Current: decimal.Zero, CorrectionSum: decimal.Zero, Previous: prev,
		Corrections: []CorrectionMonth{}, Changes: []PayerChange{}, Children: []domain.ChildID{}},
		byMonth: map[Month]*CorrectionMonth{}, changes: prev.Month.Year > 0,
		totals: map[domain.GuardianID]*payerTotal{}, digest: newRunDigest(), seen: map[domain.ChildID]bool{}}
	if correctFrom.Year > 0 && correctFrom.Before(month) {
		s.p.CorrectFrom = correctFrom
	}
	if s.changes {
		for _, inv := range previous {
			t := s.total(inv.Payer)
			t.before = t.before.Add(inv.Total)
			t.family = cmp.Or(t.family, inv.Family)
		}
	}
	return s
}

func (s *summary) total(g domain.GuardianID) *payerTotal {
	t := s.totals[g]
	if t == nil {
		t = &payerTotal{before: decimal.Zero, after: decimal.Zero}
		s.totals[g] = t
	}
	return t
}

func (s *summary) add(b RunBatch) {
	p := &s.p
	p.Payers += len(b.Invoices)
	p.Decisions += len(b.Decisions)
	for _, inv := range b.Invoices {
		for _, l := range inv.Lines {
			if !s.seen[l.Child] {
				s.seen[l.Child] = true
				p.Children = append(p.Children, l.Child)
			}
			if !l.Correction {
				p.Lines++
				p.Current = p.Current.Add(l.Amount)
				continue
			}
			c := s.byMonth[l.Month]
			if c == nil {
				c = &CorrectionMonth{Month: l.Month, Sum: decimal.Zero}
				s.byMonth[l.Month] = c
			}
			c.Lines++
			c.Sum = c.Sum.Add(l.Amount)
			p.CorrectionLines++
			p.CorrectionSum = p.CorrectionSum.Add(l.Amount)
		}
		if s.changes {
			t := s.total(inv.Payer)
			t.after = t.after.Add(inv.Total)
			t.family = inv.Family
		}
	}
	s.digest.add(b)
}

func (s *summary) finish(run Run, skipped []Skipped) Preview {
	p := s.p
	p.Run = run
	p.Skipped = skipped
	if p.Skipped == nil {
		p.Skipped = []Skipped{}
	}
	for _, c := range s.byMonth {
		p.Corrections = append(p.Corrections, *c)
	}
	slices.SortFunc(p.Corrections, func(a, b CorrectionMonth) int { return cmp.Compare(a.Month.index(), b.Month.index()) })
	if s.changes {
		changes := make([]PayerChange, 0, len(s.totals))
		for g, t := range s.totals {
			d := t.after.Sub(t.before)
			if d.IsZero() {
				continue
			}
			changes = append(changes, PayerChange{Payer: g, Family: t.family, Before: t.before, After: t.after, Difference: d})
		}
		slices.SortFunc(changes, func(a, b PayerChange) int {
			return cmp.Or(b.Difference.Abs().Cmp(a.Difference.Abs()), a.Payer.Compare(b.Payer))
		})
		p.Changes = changes[:min(len(changes), TopChanges)]
	}
	p.Fingerprint = s.digest.sum(run, skipped)
	return p
}

// Fingerprint is a digest of what a plan would store: the run, every
// invoice with its lines (number, KID, payer, family, dates, amounts),
// every new fee decision's amounts and inputs and every skipped child,
// leaving out the random IDs. Two computations of the same data give the
// same fingerprint; a change to anything invoiced gives another. A run
// written batch by batch (RunBatch) gets the same fingerprint from
// runDigest, fed the batches in turn.
func Fingerprint(plan Plan) string {
	d := newRunDigest()
	d.add(RunBatch{Invoices: plan.Invoices, Decisions: plan.Decisions})
	return d.sum(plan.Run, plan.Skipped)
}

// runDigest digests a run's invoices and decisions as its batches come
// (each in its own stream, so that batches of any size give the same
// digest), then the run and the skipped children.
type runDigest struct {
	inv, dec   hash.Hash
	invW, decW fingerprinter
}

func newRunDigest() *runDigest {
	d := &runDigest{inv: sha256.New(), dec: sha256.New()}
	d.invW.w = bufio.NewWriterSize(d.inv, 64<<10)
	d.decW.w = bufio.NewWriterSize(d.dec, 64<<10)
	return d
}

func (d *runDigest) add(b RunBatch) {
	w := &d.invW
	for _, inv := range b.Invoices {
		w.s("inv", inv.KID)
		w.id(inv.Payer.UUID())
		w.id(inv.Family.UUID())
		w.n(int64(inv.Issued), int64(inv.Due), int64(inv.Month.index()), inv.Number)
		w.d(inv.Total)
		for _, l := range inv.Lines {
			w.s("line", string(l.Kind), string(l.Item))
			w.id(l.Child.UUID())
			c := int64(0)
			if l.Correction {
				c = 1
			}
			w.n(int64(l.Month.index()), c, int64(l.Days), int64(l.DaysInMonth))
			w.d(l.Gross)
			w.d(l.Full)
			w.d(l.Amount)
			for _, rd := range l.Reductions {
				w.s(string(rd.Code))
				w.d(rd.Amount)
			}
		}
	}
	w = &d.decW
	for _, dc := range b.Decisions {
		w.s("dec", string(dc.Kind))
		for _, u := range []uuid.UUID{dc.Child.UUID(), dc.Placement.UUID(), dc.Family.UUID(), dc.IncomeDecision.UUID(), dc.PriceList.UUID()} {
			w.id(u)
		}
		w.n(int64(dc.From.index()), int64(dc.RulesFrom), int64(dc.Hours), int64(dc.Siblings), int64(dc.Position))
		w.d(dc.Fee)
		w.d(dc.Food)
	}
}

func (d *runDigest) sum(r Run, skipped []Skipped) string {
	d.invW.w.Flush()
	d.decW.w.Flush()
	h := sha256.New()
	w := fingerprinter{w: bufio.NewWriterSize(h, 4<<10)}
	w.s("run", string(r.Municipality))
	w.n(int64(r.Month.index()), int64(r.Made), int64(r.Invoices), r.FirstNumber, r.LastNumber)
	w.d(r.Total)
	w.w.Write(d.inv.Sum(nil))
	w.w.Write(d.dec.Sum(nil))
	for _, sk := range skipped {
		w.s("skip", string(sk.Kind), sk.Code, sk.Unknown)
		w.id(sk.Child.UUID())
		w.n(int64(sk.Month.index()))
	}
	w.w.Flush()
	return hex.EncodeToString(h.Sum(nil)[:16])
}

type fingerprinter struct {
	w   *bufio.Writer
	buf []byte
}

func (f *fingerprinter) s(ss ...string) {
	for _, s := range ss {
		f.w.WriteString(s)
		f.w.WriteByte(0)
	}
}

func (f *fingerprinter) n(ns ...int64) {
	for _, n := range ns {
		f.buf = strconv.AppendInt(f.buf[:0], n, 10)
		f.w.Write(f.buf)
		f.w.WriteByte(0)
	}
}

func (f *fingerprinter) id(u uuid.UUID) { f.w.Write(u[:]) }

func (f *fingerprinter) d(d decimal.Decimal) {
	// Amounts are to the øre: the same amount always writes the same
	// (integer øre when it fits, else the text).
	o := d.Shift(2)
	if o.IsInteger() && o.Abs().LessThan(maxOre) {
		f.n(o.IntPart())
		return
	}
	f.w.WriteString(d.StringFixed(2))
	f.w.WriteByte(0)
}

var maxOre = decimal.New(1, 17)
