package sqlite

import (
	"context"
	"slices"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// The reads of a guardian's own pages, by the guardian or the child (issue
// 24): never every record of the municipality.
const (
	selectFeeDecisionsOf  = `SELECT body FROM billing_fee_decisions WHERE municipality = ? AND child_id IN (SELECT value FROM json_each(?))`
	selectInvoicesOfPayer = `SELECT ` + invoiceCols + ` FROM billing_invoices INDEXED BY billing_invoices_by_payer
		WHERE municipality = ? AND payer_id = ?`
	selectLinesOfPayer = `SELECT l.invoice_id, l.seq, l.payer_id, l.child_id, l.kind, l.item, l.month, l.correction, l.days,
			l.days_in_month, l.gross_ore, l.full_ore, l.amount_ore, l.reductions
		FROM billing_invoices i INDEXED BY billing_invoices_by_payer
		JOIN billing_invoice_lines l ON l.municipality = i.municipality AND l.invoice_id = i.id
		WHERE i.municipality = ? AND i.payer_id = ?`
	// guardianFamilyIDs is the IDs of the families a guardian pays for or
	// is an adult member of (municipality and guardian, twice).
	guardianFamilyIDs = `SELECT id FROM billing_families INDEXED BY billing_families_by_payer WHERE municipality = ? AND payer_id = ?
		UNION SELECT family_id FROM billing_members INDEXED BY billing_members_by_guardian WHERE municipality = ? AND guardian_id = ?`
	selectGuardianFamilies = `SELECT id, payer_id FROM billing_families WHERE municipality = ? AND id IN (` + guardianFamilyIDs + `)`
	selectGuardianMembers  = `SELECT ` + memberCols + ` FROM billing_members INDEXED BY billing_members_by_family
		WHERE municipality = ? AND family_id IN (` + guardianFamilyIDs + `)`
	selectGuardianDeliveries = `SELECT ` + deliveryCols + ` FROM msg_outbox INDEXED BY msg_outbox_by_guardian
		WHERE municipality = ? AND guardian_id = ? ORDER BY key`
)

// FeeDecisionsOf implements billing.Store: the children's decisions in one
// statement (by the index on municipality and child).
func (s *Store) FeeDecisionsOf(ctx context.Context, m domain.Municipality, children []domain.ChildID) ([]billing.FeeDecision, error) {
	if len(children) == 0 {
		return []billing.FeeDecision{}, nil
	}
	arg, err := idArray(children)
	if err != nil {
		return nil, err
	}
	ds, err := queryAll(ctx, s, selectFeeDecisionsOf, scanJSON[billing.FeeDecision], m, arg)
	billing.SortFeeDecisions(ds)
	return ds, err
}

// InvoicesOfPayer implements billing.Store: the payer's invoices and their
// lines, two statements by the index on municipality and payer.
func (s *Store) InvoicesOfPayer(ctx context.Context, m domain.Municipality, payer domain.GuardianID) ([]billing.Invoice, error) {
	var invs []billing.Invoice
	err := s.read(ctx, func(ctx context.Context) error {
		var err error
		if invs, err = queryAll(ctx, s, selectInvoicesOfPayer, scanInvoice(m), m, payer); err != nil || len(invs) == 0 {
			return err
		}
		lines, err := queryAll(ctx, s, selectLinesOfPayer, scanLine, m, payer)
		if err != nil {
			return err
		}
		attach(invs, lines)
		return nil
	})
	slices.SortFunc(invs, func(a, b billing.Invoice) int {
		if a.Month != b.Month {
			if a.Month.Before(b.Month) {
				return -1
			}
			return 1
		}
		return int(a.Number - b.Number)
	})
	return invs, err
}

// GuardianFamilies implements billing.Store: the families and their
// members in two statements, by the indexes on the payer and on the
// member's guardian.
func (s *Store) GuardianFamilies(ctx context.Context, m domain.Municipality, g domain.GuardianID) ([]billing.Family, error) {
	var fams []billing.Family
	err := s.read(ctx, func(ctx context.Context) error {
		var err error
		if fams, err = queryAll(ctx, s, selectGuardianFamilies, func(r scanner) (billing.Family, error) {
			f := billing.Family{Municipality: m}
			err := r.Scan(&f.ID, &f.Payer)
			return f, err
		}, m, m, g, m, g); err != nil || len(fams) == 0 {
			return err
		}
		slices.SortFunc(fams, func(a, b billing.Family) int { return a.ID.Compare(b.ID) })
		members, err := queryAll(ctx, s, selectGuardianMembers, scanMember(m), m, m, g, m, g)
		if err != nil {
			return err
		}
		for _, mb := range members {
			if i, ok := slices.BinarySearchFunc(fams, mb.Family, func(f billing.Family, id billing.FamilyID) int { return f.ID.Compare(id) }); ok {
				fams[i].Members = append(fams[i].Members, mb)
			}
		}
		return nil
	})
	for i := range fams {
		billing.SortMembers(fams[i].Members)
	}
	billing.SortFamilies(fams)
	return fams, err
}

// GuardianDeliveries implements messaging.Store: by the index on
// municipality and guardian.
func (s *Store) GuardianDeliveries(ctx context.Context, m domain.Municipality, g domain.GuardianID) ([]messaging.Delivery, error) {
	return queryAll(ctx, s, selectGuardianDeliveries, scanDelivery, m, g)
}
