package postgres

import (
	"context"
	"math"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// familyFound is the search of a families list in SQL: someone in family
// f (the payer, an adult or a child member) with every word of the search
// in the name ($3, domain.SearchRegexps) or a national ID starting with
// the prefix ($4; NULL: none). No words is every family.
const (
	personFound = `(p.given_name || ' ' || p.family_name ~ ALL ($3::text[]) OR p.national_id LIKE $4)`
	familyFound = `(cardinality($3::text[]) = 0
		OR EXISTS (SELECT 1 FROM guardians p WHERE p.municipality = f.municipality AND p.id = f.payer_id AND ` + personFound + `)
		OR EXISTS (SELECT 1 FROM billing_members mb JOIN guardians p ON p.municipality = mb.municipality AND p.id = mb.guardian_id
			WHERE mb.municipality = f.municipality AND mb.family_id = f.id AND ` + personFound + `)
		OR EXISTS (SELECT 1 FROM billing_members mb JOIN children p ON p.municipality = mb.municipality AND p.id = mb.child_id
			WHERE mb.municipality = f.municipality AND mb.family_id = f.id AND ` + personFound + `))`

	// withIncome ($6) keeps the families with an income decision.
	withIncome = `(NOT $6::boolean OR EXISTS (SELECT 1 FROM billing_income_decisions d
		WHERE d.municipality = f.municipality AND d.family_id = f.id))`

	familiesAfterSQL = `SELECT f.id, f.payer_id FROM billing_families f
		WHERE f.municipality = $1 AND f.id > $2 AND ` + familyFound + ` AND ` + withIncome + ` ORDER BY f.id LIMIT $5`
	familiesBeforeSQL = `SELECT f.id, f.payer_id FROM billing_families f
		WHERE f.municipality = $1 AND f.id < $2 AND ` + familyFound + ` AND ` + withIncome + ` ORDER BY f.id DESC LIMIT $5`
)

// familyFoundCount is familyFound with the search as $2 and $3.
var familyFoundCount = strings.NewReplacer("$3", "$2", "$4", "$3").Replace(familyFound)

// countFamiliesSQL counts, in one statement: the families, the children
// in them, the families the search ($2, $3) finds.
var countFamiliesSQL = `SELECT
		(SELECT count(*) FROM billing_families WHERE municipality = $1),
		(SELECT count(DISTINCT child_id) FROM billing_members WHERE municipality = $1 AND child_id IS NOT NULL),
		(SELECT count(*) FROM billing_families f WHERE f.municipality = $1 AND ` + familyFoundCount + `)`

// familySearch is familyFound's arguments ($3, $4) for the search.
func familySearch(search string) ([]string, *string) {
	var prefix *string
	if p := domain.NationalIDPrefix(search); p != "" {
		p += "%"
		prefix = &p
	}
	return append([]string{}, domain.SearchRegexps(search)...), prefix
}

// FamiliesPage implements billing.Store.
func (s *Store) FamiliesPage(ctx context.Context, m domain.Municipality, q billing.FamilyQuery) ([]billing.Family, error) {
	res, prefix := familySearch(q.Search)
	// The bound is always a key, so the primary key walks the page in
	// order and stops at the limit: no zero key is a NULL that would keep
	// the planner from it.
	sql, after := familiesAfterSQL, uid(q.After)
	if q.Backward {
		sql = familiesBeforeSQL
		if q.After.IsZero() {
			after = pgtype.UUID{Bytes: [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, Valid: true}
		}
	} else if q.After.IsZero() {
		after = pgtype.UUID{Valid: true}
	}
	var fams []billing.Family
	db := s.q(ctx)
	err := func() error {
		var err error
		if fams, err = list(ctx, db, "families", m, func(row scanner, m domain.Municipality) (billing.Family, error) {
			f := billing.Family{Municipality: m}
			return f, row.Scan(scanID(&f.ID), scanID(&f.Payer))
		}, sql, string(m), after, res, prefix, max(q.Limit, 1), q.WithIncomeDecisions); err != nil || len(fams) == 0 {
			return err
		}
		ids := make([]pgtype.UUID, len(fams))
		for i, f := range fams {
			ids[i] = uid(f.ID)
		}
		members, err := list(ctx, db, "members", m, scanMember,
			`SELECT `+memberColumns+` FROM billing_members WHERE municipality = $1 AND family_id = ANY($2::uuid[])`, string(m), ids)
		if err != nil {
			return err
		}
		for _, mb := range members {
			for i := range fams {
				if fams[i].ID == mb.Family {
					fams[i].Members = append(fams[i].Members, mb)
				}
			}
		}
		return nil
	}()
	if err != nil {
		return nil, err
	}
	for i := range fams {
		billing.SortMembers(fams[i].Members)
	}
	return fams, nil
}

// CountFamilies implements billing.Store.
func (s *Store) CountFamilies(ctx context.Context, m domain.Municipality, search string) (billing.FamilyCounts, error) {
	res, prefix := familySearch(search)
	var c billing.FamilyCounts
	if err := s.q(ctx).QueryRow(ctx, countFamiliesSQL, string(m), res, prefix).Scan(&c.Families, &c.Children, &c.Matching); err != nil {
		return c, dbError("count families", err)
	}
	return c, nil
}

// invoiceFound is the search of an invoices list in SQL: the payer of
// invoice i with every word of the search in the name ({re},
// domain.SearchRegexps) or a national ID starting with the prefix ({nid};
// NULL: none), or the number or KID starting with the digits ({dig};
// NULL: none). No words is every invoice.
const invoiceFound = `(cardinality({re}::text[]) = 0
		OR i.number::text LIKE {dig} OR i.kid LIKE {dig}
		OR EXISTS (SELECT 1 FROM guardians p WHERE p.municipality = i.municipality AND p.id = i.payer_id
			AND (p.given_name || ' ' || p.family_name ~ ALL ({re}::text[]) OR p.national_id LIKE {nid})))`

var (
	invoicePageFound = strings.NewReplacer("{re}", "$4", "{nid}", "$5", "{dig}", "$6").Replace(invoiceFound)
	// invoicesAfterSQL and invoicesBeforeSQL walk the month's index by
	// number from the key ($3) and stop at the limit ($8); $7 is the
	// payer (NULL: every payer).
	invoicesAfterSQL = `SELECT ` + invoiceColumns + ` FROM billing_invoices i
		WHERE i.municipality = $1 AND i.month = $2 AND i.number > $3 AND ($7::uuid IS NULL OR i.payer_id = $7)
		AND ` + invoicePageFound + ` ORDER BY i.number LIMIT $8`
	invoicesBeforeSQL = `SELECT ` + invoiceColumns + ` FROM billing_invoices i
		WHERE i.municipality = $1 AND i.month = $2 AND i.number < $3 AND ($7::uuid IS NULL OR i.payer_id = $7)
		AND ` + invoicePageFound + ` ORDER BY i.number DESC LIMIT $8`
	// linesOfInvoicesSQL reads the lines of the page's invoices ($2).
	linesOfInvoicesSQL = `SELECT ` + lineColumns + ` FROM billing_invoice_lines l
		WHERE l.municipality = $1 AND l.invoice_id = ANY($2::uuid[]) ORDER BY l.invoice_id, l.seq`
	// countInvoicesSQL counts and sums, in one statement: the month's
	// invoices, its correction lines, the invoices the search finds.
	countInvoicesSQL = `SELECT inv.n, inv.total, corr.n, corr.total, inv.matching FROM
		(SELECT count(*) AS n, coalesce(sum(i.total_ore), 0)::bigint AS total,
			count(*) FILTER (WHERE ` + strings.NewReplacer("{re}", "$3", "{nid}", "$4", "{dig}", "$5").Replace(invoiceFound) + `) AS matching
		FROM billing_invoices i WHERE i.municipality = $1 AND i.month = $2) inv,
		(SELECT count(*) AS n, coalesce(sum(l.amount_ore), 0)::bigint AS total
		FROM billing_invoices i JOIN billing_invoice_lines l ON l.municipality = i.municipality AND l.invoice_id = i.id
		WHERE i.municipality = $1 AND i.month = $2 AND l.correction) corr`
)

// invoiceSearch is invoiceFound's arguments ({re}, {nid}, {dig}).
func invoiceSearch(search string) ([]string, *string, *string) {
	res, prefix := familySearch(search)
	var digits *string
	if d := billing.InvoiceDigits(search); d != "" {
		d += "%"
		digits = &d
	}
	return res, prefix, digits
}

// InvoicesPage implements billing.Store.
func (s *Store) InvoicesPage(ctx context.Context, m domain.Municipality, q billing.InvoiceQuery) ([]billing.Invoice, error) {
	res, prefix, digits := invoiceSearch(q.Search)
	sql, after := invoicesAfterSQL, q.After
	if q.Backward {
		sql = invoicesBeforeSQL
		if after == 0 {
			after = math.MaxInt64
		}
	}
	payer := pgtype.UUID{}
	if !q.Payer.IsZero() {
		payer = uid(q.Payer)
	}
	db := s.q(ctx)
	invs, err := list(ctx, db, "invoices", m, scanInvoice, sql, string(m), q.Month.String(), after, res, prefix, digits, payer, max(q.Limit, 1))
	if err != nil || len(invs) == 0 {
		return invs, err
	}
	ids := make([]pgtype.UUID, len(invs))
	for i, inv := range invs {
		ids[i] = uid(inv.ID)
	}
	lines, err := list(ctx, db, "invoice lines", m, scanLine, linesOfInvoicesSQL, string(m), ids)
	if err != nil {
		return nil, err
	}
	attach(invs, lines)
	return invs, nil
}

// CountInvoices implements billing.Store.
func (s *Store) CountInvoices(ctx context.Context, m domain.Municipality, month billing.Month, search string) (billing.InvoiceCounts, error) {
	res, prefix, digits := invoiceSearch(search)
	var c billing.InvoiceCounts
	var total, corr int64
	if err := s.q(ctx).QueryRow(ctx, countInvoicesSQL, string(m), month.String(), res, prefix, digits).
		Scan(&c.Invoices, &total, &c.Corrections, &corr, &c.Matching); err != nil {
		return c, dbError("count invoices", err)
	}
	c.Total, c.CorrectionTotal = fromOre(total), fromOre(corr)
	return c, nil
}
