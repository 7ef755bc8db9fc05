package sqlite

import (
	"context"
	"encoding/json"
	"math"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// familyFound is the search of a families list in SQL: someone in family
// f (the payer, an adult or a child member) with every word of the search
// in the name (a JSON array of domain.SearchGlobs) or a national ID
// starting with the prefix (NULL: none). Its arguments: the globs, then
// three times the globs and the prefix.
const (
	personFound = `(NOT EXISTS (SELECT 1 FROM json_each(?) WHERE p.given_name || ' ' || p.family_name NOT GLOB json_each.value)
		OR p.national_id LIKE ?)`
	familyFound = `(? = '[]'
		OR EXISTS (SELECT 1 FROM guardians p WHERE p.municipality = f.municipality AND p.id = f.payer_id AND ` + personFound + `)
		OR EXISTS (SELECT 1 FROM billing_members mb INDEXED BY billing_members_by_family
			JOIN guardians p ON p.municipality = mb.municipality AND p.id = mb.guardian_id
			WHERE mb.municipality = f.municipality AND mb.family_id = f.id AND ` + personFound + `)
		OR EXISTS (SELECT 1 FROM billing_members mb INDEXED BY billing_members_by_family
			JOIN children p ON p.municipality = mb.municipality AND p.id = mb.child_id
			WHERE mb.municipality = f.municipality AND mb.family_id = f.id AND ` + personFound + `))`

	// withIncome keeps the families with an income decision (its
	// argument 1), or every family (0).
	withIncome = `(? = 0 OR EXISTS (SELECT 1 FROM billing_income_decisions d INDEXED BY billing_income_by_family
		WHERE d.municipality = f.municipality AND d.family_id = f.id))`

	selectFamiliesAfter = `SELECT f.id, f.payer_id FROM billing_families f
		WHERE f.municipality = ? AND f.id > ? AND ` + familyFound + ` AND ` + withIncome + ` ORDER BY f.id LIMIT ?`
	selectFamiliesBefore = `SELECT f.id, f.payer_id FROM billing_families f
		WHERE f.municipality = ? AND f.id < ? AND ` + familyFound + ` AND ` + withIncome + ` ORDER BY f.id DESC LIMIT ?`
	selectMembersOf = `SELECT ` + memberCols + ` FROM billing_members INDEXED BY billing_members_by_family
		WHERE municipality = ? AND family_id IN (SELECT value FROM json_each(?))`
	countFamilies = `SELECT
		(SELECT count(*) FROM billing_families WHERE municipality = ?),
		(SELECT count(DISTINCT child_id) FROM billing_members WHERE municipality = ? AND child_id IS NOT NULL),
		(SELECT count(*) FROM billing_families f WHERE f.municipality = ? AND ` + familyFound + `)`

	// invoiceFound is the search of an invoices list in SQL: the payer of
	// invoice i with every word of the search in the name (a JSON array of
	// domain.SearchGlobs) or a national ID starting with the prefix (NULL:
	// none), or the number or KID starting with the digits (NULL: none).
	// Its arguments: the globs, the digits twice, the globs, the prefix.
	invoiceFound = `(? = '[]'
		OR CAST(i.number AS TEXT) LIKE ? OR i.kid LIKE ?
		OR EXISTS (SELECT 1 FROM guardians p WHERE p.municipality = i.municipality AND p.id = i.payer_id AND ` + personFound + `))`
	// selectInvoicesAfter and selectInvoicesBefore walk the month's index
	// by number from the key and stop at the limit; the payer NULL is
	// every payer.
	selectInvoicesAfter = `SELECT ` + invoiceCols + ` FROM billing_invoices i INDEXED BY billing_invoices_by_month
		WHERE i.municipality = ? AND i.month = ? AND i.number > ? AND (? IS NULL OR i.payer_id = ?) AND ` + invoiceFound + `
		ORDER BY i.number LIMIT ?`
	selectInvoicesBefore = `SELECT ` + invoiceCols + ` FROM billing_invoices i INDEXED BY billing_invoices_by_month
		WHERE i.municipality = ? AND i.month = ? AND i.number < ? AND (? IS NULL OR i.payer_id = ?) AND ` + invoiceFound + `
		ORDER BY i.number DESC LIMIT ?`
	selectLinesOfInvoices = `SELECT ` + lineCols + ` FROM billing_invoice_lines
		WHERE municipality = ? AND invoice_id IN (SELECT value FROM json_each(?))`
	// countInvoices counts and sums, in one statement: the month's
	// invoices, its correction lines, the invoices the search finds.
	countInvoices = `SELECT inv.n, inv.total, corr.n, corr.total, inv.matching FROM
		(SELECT count(*) AS n, coalesce(sum(i.total_ore), 0) AS total,
			coalesce(sum(CASE WHEN ` + invoiceFound + ` THEN 1 ELSE 0 END), 0) AS matching
		FROM billing_invoices i INDEXED BY billing_invoices_by_month WHERE i.municipality = ? AND i.month = ?) inv,
		(SELECT count(*) AS n, coalesce(sum(l.amount_ore), 0) AS total
		FROM billing_invoices i INDEXED BY billing_invoices_by_month
		JOIN billing_invoice_lines l ON l.municipality = i.municipality AND l.invoice_id = i.id
		WHERE i.municipality = ? AND i.month = ? AND l.correction = 1) corr`
)

// billingPageQueries are the statements of the billing lists' keyset pages
// that Open prepares. The counts walk all of a municipality's rows by
// design (in SQL, returning one row) and stay outside
// TestQueriesUseIndexes' list.
var billingPageQueries = []string{selectFamiliesAfter, selectFamiliesBefore, selectMembersOf,
	selectInvoicesAfter, selectInvoicesBefore, selectLinesOfInvoices}

// familySearchArgs are familyFound's arguments for the search.
func familySearchArgs(search string) ([]any, error) {
	globs, err := json.Marshal(append([]string{}, domain.SearchGlobs(search)...))
	if err != nil {
		return nil, err
	}
	var prefix any
	if p := domain.NationalIDPrefix(search); p != "" {
		prefix = p + "%"
	}
	g := string(globs)
	return []any{g, g, prefix, g, prefix, g, prefix}, nil
}

// FamiliesPage implements billing.Store.
func (s *Store) FamiliesPage(ctx context.Context, m domain.Municipality, q billing.FamilyQuery) ([]billing.Family, error) {
	search, err := familySearchArgs(q.Search)
	if err != nil {
		return nil, err
	}
	query, after := selectFamiliesAfter, q.After.String()
	if q.Backward {
		query = selectFamiliesBefore
		if q.After.IsZero() {
			after = "~" // after every ID, in text order
		}
	}
	var fams []billing.Family
	err = s.read(ctx, func(ctx context.Context) error {
		with := 0
		if q.WithIncomeDecisions {
			with = 1
		}
		args := append(append([]any{m, after}, search...), with, max(q.Limit, 1))
		var err error
		if fams, err = queryAll(ctx, s, query, func(r scanner) (billing.Family, error) {
			f := billing.Family{Municipality: m}
			return f, r.Scan(&f.ID, &f.Payer)
		}, args...); err != nil || len(fams) == 0 {
			return err
		}
		ids := make([]billing.FamilyID, len(fams))
		for i, f := range fams {
			ids[i] = f.ID
		}
		arg, err := idArray(ids)
		if err != nil {
			return err
		}
		members, err := queryAll(ctx, s, selectMembersOf, scanMember(m), m, arg)
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
	})
	for i := range fams {
		billing.SortMembers(fams[i].Members)
	}
	return fams, err
}

// CountFamilies implements billing.Store.
func (s *Store) CountFamilies(ctx context.Context, m domain.Municipality, search string) (billing.FamilyCounts, error) {
	args, err := familySearchArgs(search)
	if err != nil {
		return billing.FamilyCounts{}, err
	}
	var c billing.FamilyCounts
	rows, err := queryAll(ctx, s, countFamilies, func(r scanner) (billing.FamilyCounts, error) {
		var c billing.FamilyCounts
		return c, r.Scan(&c.Families, &c.Children, &c.Matching)
	}, append([]any{m, m, m}, args...)...)
	if err != nil {
		return c, err
	}
	if len(rows) > 0 {
		c = rows[0]
	}
	return c, nil
}

// invoiceSearchArgs are invoiceFound's arguments for the search.
func invoiceSearchArgs(search string) ([]any, error) {
	globs, err := json.Marshal(append([]string{}, domain.SearchGlobs(search)...))
	if err != nil {
		return nil, err
	}
	var prefix, digits any
	if p := domain.NationalIDPrefix(search); p != "" {
		prefix = p + "%"
	}
	if d := billing.InvoiceDigits(search); d != "" {
		digits = d + "%"
	}
	g := string(globs)
	return []any{g, digits, digits, g, prefix}, nil
}

// InvoicesPage implements billing.Store.
func (s *Store) InvoicesPage(ctx context.Context, m domain.Municipality, q billing.InvoiceQuery) ([]billing.Invoice, error) {
	search, err := invoiceSearchArgs(q.Search)
	if err != nil {
		return nil, err
	}
	query, after := selectInvoicesAfter, q.After
	if q.Backward {
		query = selectInvoicesBefore
		if after == 0 {
			after = math.MaxInt64
		}
	}
	var payer any
	if !q.Payer.IsZero() {
		payer = q.Payer.String()
	}
	var invs []billing.Invoice
	err = s.read(ctx, func(ctx context.Context) error {
		args := append(append([]any{m, q.Month.String(), after, payer, payer}, search...), max(q.Limit, 1))
		var err error
		if invs, err = queryAll(ctx, s, query, scanInvoice(m), args...); err != nil || len(invs) == 0 {
			return err
		}
		ids := make([]billing.InvoiceID, len(invs))
		for i, inv := range invs {
			ids[i] = inv.ID
		}
		arg, err := idArray(ids)
		if err != nil {
			return err
		}
		lines, err := queryAll(ctx, s, selectLinesOfInvoices, scanLine, m, arg)
		if err != nil {
			return err
		}
		attach(invs, lines)
		return nil
	})
	return invs, err
}

// CountInvoices implements billing.Store.
func (s *Store) CountInvoices(ctx context.Context, m domain.Municipality, month billing.Month, search string) (billing.InvoiceCounts, error) {
	args, err := invoiceSearchArgs(search)
	if err != nil {
		return billing.InvoiceCounts{}, err
	}
	type counts struct {
		c            billing.InvoiceCounts
		total, corrs int64
	}
	rows, err := queryAll(ctx, s, countInvoices, func(r scanner) (counts, error) {
		var c counts
		return c, r.Scan(&c.c.Invoices, &c.total, &c.c.Corrections, &c.corrs, &c.c.Matching)
	}, append(args, m, month.String(), m, month.String())...)
	if err != nil || len(rows) == 0 {
		return billing.InvoiceCounts{}, err
	}
	c := rows[0].c
	c.Total, c.CorrectionTotal = fromOre(rows[0].total), fromOre(rows[0].corrs)
	return c, nil
}
