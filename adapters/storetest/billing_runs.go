package storetest

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// testSafeRuns: an invoice run is previewed (writing nothing), approved
// with the preview's fingerprint (refused when the data changed since),
// and, until exported, cancelled (its invoices and decisions gone, the
// next run making what a clean store makes); months before the first
// invoiced month are refused and corrections stay inside the window.
func testSafeRuns(t *testing.T, newStore func(t *testing.T) BillingStore) {
	t.Run("PreviewWritesNothing", func(t *testing.T) { testPreviewWritesNothing(t, newStore(t)) })
	t.Run("CancelThenRunAgainMatchesCleanStore", func(t *testing.T) { testCancelRunAgain(t, newStore(t), newStore(t)) })
	t.Run("CorrectionsNotBeyondWindow", func(t *testing.T) { testCorrectionWindow(t, newStore(t), 1, false) })
	t.Run("CorrectionsNotBeforeFirstRun", func(t *testing.T) { testCorrectionWindow(t, newStore(t), 3, true) })
	t.Run("BatchSizesGiveTheSameRun", func(t *testing.T) {
		testRunBatches(t, []BillingStore{newStore(t), newStore(t), newStore(t)}, []int{1, 7, 1000})
	})
}

// testRunBatches: a run written a batch of payers at a time
// (Service.RunBatch) makes the same invoices (numbers, KIDs, lines, to
// the øre), the same fee decisions and the same fingerprint whatever the
// batch size, with corrections too.
func testRunBatches(t *testing.T, stores []BillingStore, sizes []int) {
	ctx := ctxFor(t)
	seed := newFamSeed(t, Oslo, 20)
	clk := &clock{}
	clk.set(d(2024, 9, 5))
	cw := domain.CaseworkerActor(Oslo, "saksbehandler")
	svcs := make([]*billing.Service, len(stores))
	for i, s := range stores {
		seed.load(t, ctx, s)
		svcs[i] = runsSvc(t, ctx, s, clk, 3)
		svcs[i].RunBatch = sizes[i]
	}
	for _, m := range []billing.Month{month(2024, 9), month(2024, 10)} {
		clk.set(m.First() + 4)
		if m == month(2024, 10) {
			// A backdated income decision: October corrects September.
			id := domain.NewID[billing.IncomeDecision]()
			for _, svc := range svcs {
				require.NoError(t, svc.DecideIncome(ctx, cw, billing.IncomeDecision{ID: id,
					Municipality: Oslo, Family: seed.families[3].ID, AnnualIncome: money("300000"), Applied: d(2024, 8, 20),
					Period: domain.Period{Start: d(2024, 9, 1), End: d(2025, 7, 31)}, Documentation: "skattemelding"}))
			}
		}
		var first ran
		var fp string
		for i, svc := range svcs {
			p, err := svc.PreviewRun(ctx, cw, Oslo, m)
			require.NoError(t, err)
			res, err := approveAll(ctx, svc, cw, Oslo, m, p.Fingerprint)
			require.NoError(t, err, "batch %d", sizes[i])
			require.True(t, res.Created)
			stored, err := stores[i].Invoices(ctx, Oslo, m)
			require.NoError(t, err)
			assert.Equal(t, viewOf(res.Invoices), viewOf(stored), "batch %d: what was written is what was made", sizes[i])
			assert.Equal(t, len(res.Decisions), res.RunResult.Decisions)
			if i == 0 {
				first, fp = res, p.Fingerprint
				require.NotEmpty(t, res.Invoices)
				continue
			}
			assert.Equal(t, fp, p.Fingerprint, "batch %d", sizes[i])
			assert.Equal(t, viewOf(first.Invoices), viewOf(res.Invoices), "batch %d", sizes[i])
			assert.Equal(t, first.Run.Total.StringFixed(2), res.Run.Total.StringFixed(2), "batch %d", sizes[i])
			assert.Equal(t, first.Run.Invoices, res.Run.Invoices)
			assert.Equal(t, len(first.Decisions), len(res.Decisions), "batch %d", sizes[i])
			for j := range first.Decisions {
				a, b := first.Decisions[j], res.Decisions[j]
				assert.Equal(t, a.Child, b.Child)
				assert.Equal(t, a.From, b.From)
				assert.Equal(t, a.Fee.StringFixed(2), b.Fee.StringFixed(2))
				assert.Equal(t, a.Food.StringFixed(2), b.Food.StringFixed(2))
			}
		}
		if m == month(2024, 10) {
			corrected := false
			for _, inv := range first.Invoices {
				for _, l := range inv.Lines {
					corrected = corrected || l.Correction
				}
			}
			assert.True(t, corrected, "October corrects September")
		}
	}
}

// testCorrectionWindow: a backdated income decision from September is
// corrected by December's run only as far back as the window (window
// months) and never before the first run (firstRunNov: the first run is
// November, the tester's "first run, then December back-bills" case).
func testCorrectionWindow(t *testing.T, s BillingStore, window int, firstRunNov bool) {
	ctx := ctxFor(t)
	seed := newFamSeed(t, Oslo, 6)
	seed.load(t, ctx, s)
	clk := &clock{}
	svc := runsSvc(t, ctx, s, clk, window)
	cw := domain.CaseworkerActor(Oslo, "saksbehandler")
	months := []billing.Month{month(2024, 9), month(2024, 10), month(2024, 11)}
	if firstRunNov {
		months = months[2:]
	}
	var nov ran
	for _, m := range months {
		clk.set(m.First() + 4)
		p, err := svc.PreviewRun(ctx, cw, Oslo, m)
		require.NoError(t, err)
		nov, err = approveAll(ctx, svc, cw, Oslo, m, p.Fingerprint)
		require.NoError(t, err)
	}
	clk.set(d(2024, 12, 5))
	payer := seed.families[3].Payer
	require.NoError(t, svc.DecideIncome(ctx, cw, billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](),
		Municipality: Oslo, Family: seed.families[3].ID, AnnualIncome: money("300000"), Applied: d(2024, 8, 20),
		Period: domain.Period{Start: d(2024, 9, 1), End: d(2025, 7, 31)}, Documentation: "skattemelding"}))
	p := previewAll(t, ctx, svc, cw, Oslo, month(2024, 12))
	assert.Equal(t, month(2024, 11), p.CorrectFrom)
	require.Len(t, p.Corrections, 1, "only November is corrected")
	assert.Equal(t, month(2024, 11), p.Corrections[0].Month)
	assert.Equal(t, 1, p.CorrectionLines, "the fee line of one child (food does not depend on income)")
	// The correction is November as it should be now (December's own
	// lines: the same full month and price) minus what November charged.
	should, billed := decimal.Zero, decimal.Zero
	for _, inv := range p.Invoices {
		for _, l := range inv.Lines {
			if inv.Payer == payer && !l.Correction {
				should = should.Add(l.Amount)
			}
			if l.Correction {
				assert.Equal(t, month(2024, 11), l.Month)
			}
		}
	}
	for _, inv := range nov.Invoices {
		if inv.Payer == payer {
			billed = billed.Add(inv.Total)
		}
	}
	assert.Equal(t, should.Sub(billed).StringFixed(2), p.CorrectionSum.StringFixed(2))
	assert.Equal(t, p.CorrectionSum.StringFixed(2), p.Corrections[0].Sum.StringFixed(2))
	assert.True(t, p.CorrectionSum.IsNegative(), "a lower income lowers the fee: %s", p.CorrectionSum)
	assert.Equal(t, p.Current.Add(p.CorrectionSum).StringFixed(2), p.Run.Total.StringFixed(2))
	// The largest change against November is that payer's.
	require.NotEmpty(t, p.Changes)
	assert.Equal(t, payer, p.Changes[0].Payer)
	assert.Equal(t, month(2024, 11), p.Previous.Month)
}

// runsSvc is a service on s whose settings are stored: first month
// September 2024, corrections months back.
func runsSvc(t *testing.T, ctx context.Context, s BillingStore, clk *clock, corrections int) *billing.Service {
	t.Helper()
	svc := &billing.Service{Store: s, Clock: clk, Notifier: &feeNotices{}}
	st := billing.DefaultSettings()
	st.Municipality, st.BankAccount, st.FirstMonth, st.CorrectionMonths = Oslo, "32074068323", month(2024, 9), corrections
	_, err := svc.PutSettings(ctx, domain.AdminActor(Oslo, "admin"), st)
	require.NoError(t, err)
	return svc
}

// billingCounts is what a store holds of billing for a municipality.
type billingCounts struct {
	runs, invoices, decisions, cancellations, exports int
}

func countBilling(t *testing.T, ctx context.Context, s BillingStore, months ...billing.Month) billingCounts {
	t.Helper()
	var c billingCounts
	runs, err := s.InvoiceRuns(ctx, Oslo)
	require.NoError(t, err)
	c.runs = len(runs)
	for _, m := range months {
		invs, err := s.Invoices(ctx, Oslo, m)
		require.NoError(t, err)
		c.invoices += len(invs)
	}
	ds, err := s.FeeDecisions(ctx, Oslo)
	require.NoError(t, err)
	c.decisions = len(ds)
	cs, err := s.RunCancellations(ctx, Oslo)
	require.NoError(t, err)
	c.cancellations = len(cs)
	es, err := s.RunExports(ctx, Oslo)
	require.NoError(t, err)
	c.exports = len(es)
	return c
}

func testPreviewWritesNothing(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	seed := newFamSeed(t, Oslo, 12)
	seed.load(t, ctx, s)
	clk := &clock{}
	clk.set(d(2024, 9, 5))
	svc := runsSvc(t, ctx, s, clk, 3)
	notes := svc.Notifier.(*feeNotices)
	cw := domain.CaseworkerActor(Oslo, "saksbehandler")
	sep := month(2024, 9)

	before := countBilling(t, ctx, s, sep)
	p, err := svc.PreviewRun(ctx, cw, Oslo, sep)
	require.NoError(t, err)
	assert.Equal(t, before, countBilling(t, ctx, s, sep), "a preview writes nothing")
	assert.Empty(t, notes.got, "a preview raises no notice")
	assert.Equal(t, 12, p.Run.Invoices)
	assert.Equal(t, 12, p.Payers)
	assert.Equal(t, 24, p.Lines)
	assert.NotEmpty(t, p.Fingerprint)
	assert.Equal(t, p.Run.Total.StringFixed(2), p.Current.StringFixed(2), "a first run has no corrections")
	assert.Empty(t, p.Corrections)
	again, err := svc.PreviewRun(ctx, cw, Oslo, sep)
	require.NoError(t, err)
	assert.Equal(t, p.Fingerprint, again.Fingerprint, "the same data previews the same")

	// The month must be one the settings allow.
	_, err = svc.PreviewRun(ctx, cw, Oslo, month(2024, 8))
	assertField(t, err, "month", billing.ReasonBeforeFirstMonth)
	_, err = svc.ApproveRun(ctx, cw, Oslo, month(2024, 8), p.Fingerprint)
	assertField(t, err, "month", billing.ReasonBeforeFirstMonth)
	_, err = svc.PreviewRun(ctx, cw, Oslo, billing.Month{Year: 2026, Month: 13})
	assertField(t, err, "month", domain.ReasonMonth)
	// Approval needs the fingerprint.
	_, err = svc.ApproveRun(ctx, cw, Oslo, sep, "")
	assertField(t, err, "fingerprint", billing.ReasonRequired)
	assert.Equal(t, before, countBilling(t, ctx, s, sep), "refusals write nothing")

	// The data changes after the preview: a backdated income decision.
	require.NoError(t, svc.DecideIncome(ctx, cw, billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](),
		Municipality: Oslo, Family: seed.families[3].ID, AnnualIncome: money("300000"), Applied: d(2024, 8, 20),
		Period: domain.Period{Start: d(2024, 9, 1), End: d(2025, 7, 31)}, Documentation: "skattemelding"}))
	_, err = svc.ApproveRun(ctx, cw, Oslo, sep, p.Fingerprint)
	var ce *domain.ConflictError
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, "fingerprint", ce.Field)
	assert.Equal(t, billing.ReasonPreviewChanged, ce.Reason)
	assert.Equal(t, before, countBilling(t, ctx, s, sep), "a refused approval writes nothing")

	// Preview again and approve: the invoices are the ones previewed.
	p2 := previewAll(t, ctx, svc, cw, Oslo, sep)
	assert.NotEqual(t, p.Fingerprint, p2.Fingerprint)
	res, err := approveAll(ctx, svc, cw, Oslo, sep, p2.Fingerprint)
	require.NoError(t, err)
	require.True(t, res.Created)
	assert.Equal(t, viewOf(p2.Invoices), viewOf(res.Invoices))
	stored, err := s.Invoices(ctx, Oslo, sep)
	require.NoError(t, err)
	assert.Equal(t, viewOf(p2.Invoices), viewOf(stored))
	assert.Equal(t, p2.Run.Total.StringFixed(2), res.Run.Total.StringFixed(2))
	// A month run is not previewed again.
	_, err = svc.PreviewRun(ctx, cw, Oslo, sep)
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, billing.ReasonMonthRun, ce.Reason)
}

func assertField(t *testing.T, err error, field, reason string) {
	t.Helper()
	var ve *domain.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	require.NotEmpty(t, ve.Fields)
	assert.Equal(t, field, ve.Fields[0].Field)
	assert.Equal(t, reason, ve.Fields[0].Reason)
}

type discard struct{}

func (discard) Export(ctx context.Context, w io.Writer, b billing.ExportBatch) error { return nil }

func testCancelRunAgain(t *testing.T, s, other BillingStore) {
	ctx := ctxFor(t)
	seed := newFamSeed(t, Oslo, 20)
	seed.load(t, ctx, s)
	seed.load(t, ctx, other)
	clk := &clock{}
	clk.set(d(2024, 9, 5))
	svc := runsSvc(t, ctx, s, clk, 3)
	ref := runsSvc(t, ctx, other, clk, 3)
	cw := domain.CaseworkerActor(Oslo, "saksbehandler")
	cw.Name = "Siri Saksbehandler"
	sep, oct := month(2024, 9), month(2024, 10)
	approve := func(svc *billing.Service, m billing.Month) ran {
		t.Helper()
		p, err := svc.PreviewRun(ctx, cw, Oslo, m)
		require.NoError(t, err)
		res, err := approveAll(ctx, svc, cw, Oslo, m, p.Fingerprint)
		require.NoError(t, err)
		require.True(t, res.Created)
		return res
	}
	clean := countBilling(t, ctx, s, sep, oct)

	// September approved, then cancelled: nothing of it is left.
	first := approve(svc, sep)
	require.Len(t, first.Invoices, 20)
	require.NotEmpty(t, first.Decisions)
	_, _, err := svc.CancelRun(ctx, cw, Oslo, sep, "  ")
	assertField(t, err, "reason", billing.ReasonRequired)
	c, removed, err := svc.CancelRun(ctx, cw, Oslo, sep, "Feil måned")
	require.NoError(t, err)
	assert.Len(t, removed, 20)
	assert.Equal(t, "Siri Saksbehandler", c.By)
	assert.Equal(t, domain.RoleCaseworker, c.ByRole)
	assert.Equal(t, "Feil måned", c.Reason)
	assert.Equal(t, first.Run.Total.StringFixed(2), c.Run.Total.StringFixed(2))
	after := countBilling(t, ctx, s, sep, oct)
	assert.Equal(t, billingCounts{cancellations: 1}, after, "no run, invoice or decision is left; the cancellation is kept")
	assert.Equal(t, clean.invoices, after.invoices)
	cs, err := s.RunCancellations(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, cs, 1)
	assert.Equal(t, c.Reason, cs[0].Reason)
	assert.Equal(t, c.By, cs[0].By)
	assert.True(t, c.Cancelled.Equal(cs[0].Cancelled))
	_, _, err = svc.CancelRun(ctx, cw, Oslo, sep, "igjen")
	assert.True(t, domain.IsNotFound(err), "%v", err)

	// Run again: the same invoices (numbers, KIDs, lines, amounts) as a
	// clean store makes, and a second month on top the same too.
	again := approve(svc, sep)
	want := approve(ref, sep)
	assert.Equal(t, viewOf(want.Invoices), viewOf(again.Invoices))
	assert.Equal(t, len(want.Decisions), len(again.Decisions))
	clk.set(d(2024, 10, 5))
	o1, o2 := approve(svc, oct), approve(ref, oct)
	assert.Equal(t, viewOf(o2.Invoices), viewOf(o1.Invoices))
	assert.Equal(t, o2.Run.Total.StringFixed(2), o1.Run.Total.StringFixed(2))

	// Only the latest run can be cancelled; an exported one never.
	var ce *domain.ConflictError
	_, _, err = svc.CancelRun(ctx, cw, Oslo, sep, "for sent")
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, billing.ReasonRunNotLatest, ce.Reason)
	require.NoError(t, svc.Export(ctx, cw, Oslo, oct, discard{}, io.Discard))
	_, _, err = svc.CancelRun(ctx, cw, Oslo, oct, "eksportert")
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, billing.ReasonRunExported, ce.Reason)
	es, err := s.RunExports(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, oct, es[0].Month)
	assert.Equal(t, "Siri Saksbehandler", es[0].By)
	// A second export keeps the first.
	clk.now = clk.now.Add(time.Hour)
	require.NoError(t, svc.Export(ctx, cw, Oslo, oct, discard{}, io.Discard))
	es2, err := s.RunExports(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, es2, 1)
	assert.True(t, es[0].Exported.Equal(es2[0].Exported))
	// The store refuses as well.
	err = s.CancelInvoiceRun(ctx, billing.RunCancellation{ID: domain.NewID[billing.RunCancellation](), Municipality: Oslo,
		Month: oct, Cancelled: clk.Now(), By: "x", ByRole: domain.RoleCaseworker, Reason: "y", Run: o1.Run})
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, billing.ReasonRunExported, ce.Reason)
}
