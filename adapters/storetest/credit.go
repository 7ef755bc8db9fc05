package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// creditInvoice stores a run of one invoice of 2 688,78 kr for a payer:
// a kindergarten fee, food for part of the month, and a correction of the
// month before. It returns the invoice as stored.
func creditInvoice(t *testing.T, s BillingStore, m domain.Municipality) (billing.Invoice, domain.Guardian, domain.Child) {
	t.Helper()
	ctx := ctxFor(t)
	f := &fixture{m: m}
	kari, anna := f.guardian(t), f.child(t)
	mo := month(2026, time.November)
	kid, err := billing.MakeKID("0000001", billing.KIDMod10)
	require.NoError(t, err)
	inv := billing.Invoice{ID: domain.NewID[billing.Invoice](), Municipality: m, Month: mo, Number: 1, KID: kid, Payer: kari.ID,
		Issued: d(2026, 11, 5), Due: d(2026, 11, 20), Total: money("2688.78"), Lines: []billing.Line{
			{Child: anna.ID, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: mo, Days: 30, DaysInMonth: 30,
				Gross: money("2000.00"), Full: money("2000.00"), Amount: money("2000.00")},
			{Child: anna.ID, Kind: domain.Kindergarten, Item: billing.ItemFood, Month: mo, Days: 24, DaysInMonth: 30,
				Gross: money("985.98"), Full: money("985.98"), Amount: money("788.78")},
			{Child: anna.ID, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: month(2026, time.October), Correction: true,
				Days: 31, DaysInMonth: 31, Gross: money("-100.00"), Full: money("-100.00"), Amount: money("-100.00")},
		}}
	run := billing.Run{Municipality: m, Month: mo, Made: inv.Issued, Invoices: 1, FirstNumber: 1, LastNumber: 1, Total: inv.Total}
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateGuardian(ctx, kari); err != nil {
			return err
		}
		if err := s.CreateChild(ctx, anna); err != nil {
			return err
		}
		return s.CreateInvoiceRun(ctx, run, []billing.Invoice{inv})
	}))
	got, err := s.InvoiceByID(ctx, m, inv.ID)
	require.NoError(t, err)
	return got, kari, anna
}

// testCreditNotes: a credit note of half an invoice makes payment matching
// expect exactly the other half, to the øre, and a payment of it settles
// the invoice; credit notes are numbered in their own series and carry
// the invoice's KID; a credit above what remains is refused and writes
// nothing; a guardian reads only their own invoice.
func testCreditNotes(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	m := Oslo
	clk := &clock{}
	clk.set(d(2026, 12, 6))
	svc := &billing.Service{Store: s, Clock: clk, Settings: billing.DefaultSettings()}
	cw := domain.CaseworkerActor(m, "saksbehandler")
	inv, kari, _ := creditInvoice(t, s, m)
	require.Len(t, inv.Lines, 3)
	assert.Equal(t, "2688.78", inv.Total.StringFixed(2))

	_, err := s.InvoiceByID(ctx, m, domain.NewID[billing.Invoice]())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.InvoiceByID(ctx, Bergen, inv.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "scoped by municipality")

	// Half the invoice, as an amount.
	half, err := svc.CreditInvoice(ctx, cw, billing.CreditRequest{Invoice: inv.ID, Amount: money("1344.39"), Reason: "Barnehagen var stengt to uker"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), half.Number, "credit notes have their own series")
	assert.Equal(t, inv.KID, half.KID, "a credit note carries the invoice's KID")
	assert.Equal(t, int64(1), half.InvoiceNumber)
	assert.Equal(t, d(2026, 12, 6), half.Issued)
	assert.Equal(t, "saksbehandler", half.By)

	b, err := svc.Balance(ctx, cw, inv.ID)
	require.NoError(t, err)
	assert.Equal(t, "1344.39", b.Credited.StringFixed(2))
	assert.Equal(t, "1344.39", b.Owed.StringFixed(2), "what the payment matching expects is exactly half")
	assert.Equal(t, "-1344.39", b.Difference.StringFixed(2))

	// More than the half that remains is refused, with the remaining
	// amount, and nothing is written.
	_, err = svc.CreditInvoice(ctx, cw, billing.CreditRequest{Invoice: inv.ID, Amount: money("1344.40"), Reason: "For mye"})
	requireField(t, err, domain.ErrInvalid, "amount")
	var ve *domain.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, billing.ReasonCreditAboveRemaining, ve.Fields[0].Reason)
	assert.Equal(t, "1344.39", ve.Fields[0].Params["remaining"])
	// The first line (2 000,00) is more than remains too.
	_, err = svc.CreditInvoice(ctx, cw, billing.CreditRequest{Invoice: inv.ID, Lines: []int{0}, Reason: "Feil plass"})
	requireField(t, err, domain.ErrInvalid, "lines")
	// A line the invoice does not have, no reason, two ways at once.
	_, err = svc.CreditInvoice(ctx, cw, billing.CreditRequest{Invoice: inv.ID, Lines: []int{7}, Reason: "x"})
	requireField(t, err, domain.ErrInvalid, "lines[0]")
	_, err = svc.CreditInvoice(ctx, cw, billing.CreditRequest{Invoice: inv.ID, Amount: money("1.00")})
	requireField(t, err, domain.ErrInvalid, "reason")
	_, err = svc.CreditInvoice(ctx, cw, billing.CreditRequest{Invoice: inv.ID, Whole: true, Amount: money("1.00"), Reason: "x"})
	requireField(t, err, domain.ErrInvalid, "amount")
	_, err = svc.CreditInvoice(ctx, cw, billing.CreditRequest{Invoice: inv.ID, Amount: money("0.001"), Reason: "x"})
	requireField(t, err, domain.ErrInvalid, "amount")
	cs, err := s.CreditNotes(ctx, m, inv.ID)
	require.NoError(t, err)
	require.Len(t, cs, 1, "refused credits wrote nothing")
	assert.Equal(t, half.Reason, cs[0].Reason)
	assert.Equal(t, "1344.39", cs[0].Amount.StringFixed(2))

	// Only the municipality's caseworkers credit; a guardian reads their own.
	_, err = svc.CreditInvoice(ctx, domain.GuardianActor(m, kari.ID), billing.CreditRequest{Invoice: inv.ID, Whole: true, Reason: "x"})
	assert.ErrorIs(t, err, domain.ErrForbidden)
	_, err = svc.CreditInvoice(ctx, domain.CaseworkerActor(Bergen, "x"), billing.CreditRequest{Invoice: inv.ID, Whole: true, Reason: "x"})
	assert.Error(t, err)
	got, err := svc.CreditNotes(ctx, domain.GuardianActor(m, kari.ID), inv.ID)
	require.NoError(t, err)
	assert.Len(t, got, 1)
	_, err = svc.CreditNotes(ctx, domain.GuardianActor(m, domain.NewID[domain.Guardian]()), inv.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "another guardian's invoice is not there")

	// A payment of exactly the half settles the invoice.
	rep, err := svc.ImportPayments(ctx, cw, m, strings.NewReader(ocrFile([]ocrItem{{kid: inv.KID, ore: 134439}}, -1)))
	require.NoError(t, err)
	require.Empty(t, rep.Problems)
	require.Len(t, rep.Paid, 1, "over %v under %v", rep.Overpaid, rep.Underpaid)
	assert.Equal(t, "1344.39", rep.Paid[0].Owed.StringFixed(2))
	assert.Equal(t, "0.00", rep.Paid[0].Difference.StringFixed(2))
	assert.Empty(t, rep.Overpaid)

	// The rest, whole: the next number of the series; nothing remains then.
	rest, err := svc.CreditInvoice(ctx, cw, billing.CreditRequest{Invoice: inv.ID, Whole: true, Reason: "Plassen ble sagt opp"})
	require.NoError(t, err)
	assert.Equal(t, int64(2), rest.Number)
	assert.Equal(t, "1344.39", rest.Amount.StringFixed(2))
	_, err = svc.CreditInvoice(ctx, cw, billing.CreditRequest{Invoice: inv.ID, Whole: true, Reason: "Igjen"})
	requireField(t, err, domain.ErrInvalid, "invoice")
	b, err = svc.Balance(ctx, cw, inv.ID)
	require.NoError(t, err)
	assert.Equal(t, "0.00", b.Owed.StringFixed(2))
	assert.Equal(t, "1344.39", b.Difference.StringFixed(2), "paid before the rest was credited: an overpayment")
	all, err := s.CreditNotes(ctx, m, billing.InvoiceID{})
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, []int64{1, 2}, []int64{all[0].Number, all[1].Number})
	// The store refuses a number used before.
	dup := rest
	dup.ID = domain.NewID[billing.CreditNote]()
	err = s.CreateCreditNote(ctx, dup)
	assert.ErrorIs(t, err, domain.ErrConflict)
}

// testCreditedRunStays: a run whose invoices have credit notes is not
// cancelled (the credit notes would lose their invoice); the month
// without a run is not found, even before a later run.
func testCreditedRunStays(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	m := Oslo
	clk := &clock{}
	clk.set(d(2026, 12, 6))
	svc := &billing.Service{Store: s, Clock: clk, Settings: billing.DefaultSettings()}
	cw := domain.CaseworkerActor(m, "saksbehandler")
	inv, _, _ := creditInvoice(t, s, m)
	_, err := svc.CreditInvoice(ctx, cw, billing.CreditRequest{Invoice: inv.ID, Amount: money("100.00"), Reason: "Stengt en dag"})
	require.NoError(t, err)
	_, _, err = svc.CancelRun(ctx, cw, m, month(2026, time.November), "feil måned")
	var ce *domain.ConflictError
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, billing.ReasonRunCredited, ce.Reason)
	got, err := s.InvoiceByID(ctx, m, inv.ID)
	require.NoError(t, err, "the invoice is still there")
	assert.Equal(t, inv.Total.StringFixed(2), got.Total.StringFixed(2))
	_, _, err = svc.CancelRun(ctx, cw, m, month(2026, time.October), "ingen kjøring")
	assert.ErrorIs(t, err, domain.ErrNotFound)
}
