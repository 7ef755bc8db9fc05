package webtest

import (
	"context"
	"fmt"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// BigOtherFamilies adds n families of other guardians with what a
// guardian's own pages must not read: each with an income decision
// (BigFamilies), an invoice of the month (BigInvoices, numbered from
// first), a fee decision for its child and a delivery in the outbox to its
// payer. A test of a guardian's pages adds them at two sizes and checks
// that the pages' statements and rows stay the same.
func BigOtherFamilies(ctx context.Context, ta *Harness, month billing.Month, first int64, n int) error {
	if err := BigFamilies(ctx, ta, n); err != nil {
		return err
	}
	invs, err := BigInvoices(ctx, ta, month, first, n)
	if err != nil {
		return err
	}
	m := demo.Municipality
	made := date.New(month.Year, time.Month(month.Month), 1)
	at := made.Midnight().Add(9 * time.Hour)
	ds := make([]billing.FeeDecision, 0, len(invs))
	dl := make([]messaging.Delivery, 0, len(invs))
	for _, inv := range invs {
		ds = append(ds, billing.FeeDecision{ID: domain.NewID[billing.FeeDecision](), Municipality: m, Child: inv.Lines[0].Child,
			Kind: domain.Kindergarten, From: month, Fee: decimal.RequireFromString("1234.56"), Food: decimal.Zero, Made: made,
			Family: inv.Family, Hours: 41})
		dl = append(dl, messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: m,
			Key: fmt.Sprintf("test/other/%s/%d", month, inv.Number), Kind: "invoice.ready", Guardian: inv.Payer,
			Medium: messaging.Email, To: "betaler@example.no", Language: messaging.Bokmal, Subject: "Faktura", Body: "Ny faktura",
			State: messaging.Pending, NextAt: at, CreatedAt: at})
	}
	return ta.DB.Atomic(ctx, func(ctx context.Context) error {
		if err := ta.DB.CreateFeeDecisions(ctx, ds); err != nil {
			return err
		}
		_, err := ta.DB.Enqueue(ctx, dl)
		return err
	})
}
