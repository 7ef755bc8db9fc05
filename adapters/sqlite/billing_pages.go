package sqlite

import (
	"context"
	"encoding/json"

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

	selectFamiliesAfter = `SELECT f.id, f.payer_id FROM billing_families f
		WHERE f.municipality = ? AND f.id > ? AND ` + familyFound + ` ORDER BY f.id LIMIT ?`
	selectFamiliesBefore = `SELECT f.id, f.payer_id FROM billing_families f
		WHERE f.municipality = ? AND f.id < ? AND ` + familyFound + ` ORDER BY f.id DESC LIMIT ?`
	selectMembersOf = `SELECT ` + memberCols + ` FROM billing_members INDEXED BY billing_members_by_family
		WHERE municipality = ? AND family_id IN (SELECT value FROM json_each(?))`
	countFamilies = `SELECT
		(SELECT count(*) FROM billing_families WHERE municipality = ?),
		(SELECT count(DISTINCT child_id) FROM billing_members WHERE municipality = ? AND child_id IS NOT NULL),
		(SELECT count(*) FROM billing_families f WHERE f.municipality = ? AND ` + familyFound + `)`
)

// billingPageQueries are the statements of the billing lists' keyset pages
// that Open prepares. The counts walk all of a municipality's rows by
// design (in SQL, returning one row) and stay outside
// TestQueriesUseIndexes' list.
var billingPageQueries = []string{selectFamiliesAfter, selectFamiliesBefore, selectMembersOf}

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
		args := append(append([]any{m, after}, search...), max(q.Limit, 1))
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
