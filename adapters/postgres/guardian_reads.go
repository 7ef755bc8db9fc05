package postgres

import (
	"context"
	"slices"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// The reads of a guardian's own pages, by the guardian or the child (issue
// 24): never every record of the municipality.

// FeeDecisionsOf implements billing.Store: the children's decisions in one
// statement (by the index on municipality and child).
func (s *Store) FeeDecisionsOf(ctx context.Context, m domain.Municipality, children []domain.ChildID) ([]billing.FeeDecision, error) {
	if len(children) == 0 {
		return []billing.FeeDecision{}, nil
	}
	ds, err := list(ctx, s.q(ctx), "fee decisions", m, scanBody[billing.FeeDecision],
		`SELECT body FROM billing_fee_decisions WHERE municipality = $1 AND child_id = ANY($2::uuid[])`, string(m), uids(children))
	billing.SortFeeDecisions(ds)
	return ds, err
}

// InvoicesOfPayer implements billing.Store: the payer's invoices and their
// lines, two statements by the index on municipality and payer.
func (s *Store) InvoicesOfPayer(ctx context.Context, m domain.Municipality, payer domain.GuardianID) ([]billing.Invoice, error) {
	q := s.q(ctx)
	invs, err := list(ctx, q, "invoices", m, scanInvoice, `SELECT `+invoiceColumns+` FROM billing_invoices
		WHERE municipality = $1 AND payer_id = $2 ORDER BY month, number`, string(m), uid(payer))
	if err != nil || len(invs) == 0 {
		return invs, err
	}
	lines, err := list(ctx, q, "invoice lines", m, scanLine, `SELECT `+lineColumns+`
		FROM billing_invoices i JOIN billing_invoice_lines l ON l.municipality = i.municipality AND l.invoice_id = i.id
		WHERE i.municipality = $1 AND i.payer_id = $2 ORDER BY l.invoice_id, l.seq`, string(m), uid(payer))
	if err != nil {
		return nil, err
	}
	attach(invs, lines)
	return invs, nil
}

// guardianFamiliesSQL is the IDs of the families a guardian pays for or is
// an adult member of ($1 municipality, $2 guardian).
const guardianFamiliesSQL = `SELECT id FROM billing_families WHERE municipality = $1 AND payer_id = $2
	UNION SELECT family_id FROM billing_members WHERE municipality = $1 AND guardian_id = $2`

// GuardianFamilies implements billing.Store: the families and their
// members in two statements, by the indexes on the payer and on the
// member's guardian.
func (s *Store) GuardianFamilies(ctx context.Context, m domain.Municipality, g domain.GuardianID) ([]billing.Family, error) {
	q := s.q(ctx)
	fams, err := list(ctx, q, "families", m, func(row scanner, m domain.Municipality) (billing.Family, error) {
		f := billing.Family{Municipality: m}
		return f, row.Scan(scanID(&f.ID), scanID(&f.Payer))
	}, `SELECT id, payer_id FROM billing_families WHERE municipality = $1 AND id IN (`+guardianFamiliesSQL+`) ORDER BY id`, string(m), uid(g))
	if err != nil || len(fams) == 0 {
		return fams, err
	}
	members, err := list(ctx, q, "members", m, scanMember,
		`SELECT `+memberColumns+` FROM billing_members WHERE municipality = $1 AND family_id IN (`+guardianFamiliesSQL+`)`, string(m), uid(g))
	if err != nil {
		return nil, err
	}
	for _, mb := range members {
		if i, ok := slices.BinarySearchFunc(fams, mb.Family, func(f billing.Family, id billing.FamilyID) int { return f.ID.Compare(id) }); ok {
			fams[i].Members = append(fams[i].Members, mb)
		}
	}
	for i := range fams {
		billing.SortMembers(fams[i].Members)
	}
	billing.SortFamilies(fams)
	return fams, nil
}

// GuardianDeliveries implements messaging.Store: by the index on
// municipality and guardian.
func (s *Store) GuardianDeliveries(ctx context.Context, m domain.Municipality, g domain.GuardianID) ([]messaging.Delivery, error) {
	return list(ctx, s.q(ctx), "deliveries", m, scanDelivery,
		`SELECT `+deliveryColumns+` FROM msg_outbox WHERE municipality = $1 AND guardian_id = $2 ORDER BY key COLLATE "C"`, string(m), uid(g))
}
