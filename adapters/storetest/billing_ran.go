package storetest

import (
	"context"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// ran is a run with what it made: its invoices in number order (the
// stored ones for a month run before) and the fee decisions it made.
type ran struct {
	billing.RunResult
	Invoices  []billing.Invoice
	Decisions []billing.FeeDecision
}

// runAll runs the month with svc (RunInvoicesEach) keeping every batch.
func runAll(ctx context.Context, svc *billing.Service, a domain.Actor, m domain.Municipality, mo billing.Month) (ran, error) {
	var out ran
	res, err := svc.RunInvoicesEach(ctx, a, m, mo, func(_ context.Context, b billing.RunBatch) error {
		out.Invoices = append(out.Invoices, b.Invoices...)
		out.Decisions = append(out.Decisions, b.Decisions...)
		return nil
	})
	if err != nil {
		return ran{}, err
	}
	out.RunResult = res
	if !res.Created {
		out.Invoices, err = svc.Store.Invoices(ctx, m, mo)
	}
	return out, err
}

// approveAll approves the month previewed with fingerprint
// (ApproveRunEach) keeping every batch.
func approveAll(ctx context.Context, svc *billing.Service, a domain.Actor, m domain.Municipality, mo billing.Month, fingerprint string) (ran, error) {
	var out ran
	res, err := svc.ApproveRunEach(ctx, a, m, mo, fingerprint, func(_ context.Context, b billing.RunBatch) error {
		out.Invoices = append(out.Invoices, b.Invoices...)
		out.Decisions = append(out.Decisions, b.Decisions...)
		return nil
	})
	if err != nil {
		return ran{}, err
	}
	out.RunResult = res
	if !res.Created {
		out.Invoices, err = svc.Store.Invoices(ctx, m, mo)
	}
	return out, err
}
