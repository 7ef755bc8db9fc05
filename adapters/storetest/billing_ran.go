package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

// previewed is a preview with every invoice it handed over.
type previewed struct {
	billing.Preview
	Invoices []billing.Invoice
}

// previewAll previews the month (PreviewRunEach) keeping every batch's
// invoices, and checks that the preview's children are the ones they
// charge.
func previewAll(t *testing.T, ctx context.Context, svc *billing.Service, a domain.Actor, m domain.Municipality, mo billing.Month) previewed {
	t.Helper()
	var out previewed
	p, err := svc.PreviewRunEach(ctx, a, m, mo, func(_ context.Context, b billing.RunBatch) error {
		out.Invoices = append(out.Invoices, b.Invoices...)
		return nil
	})
	require.NoError(t, err)
	out.Preview = p
	var children []domain.ChildID
	seen := map[domain.ChildID]bool{}
	for _, inv := range out.Invoices {
		for _, l := range inv.Lines {
			if !seen[l.Child] {
				seen[l.Child] = true
				children = append(children, l.Child)
			}
		}
	}
	assert.Equal(t, children, p.Children, "the children the invoices charge")
	assert.Equal(t, len(out.Invoices), p.Payers)
	return out
}
