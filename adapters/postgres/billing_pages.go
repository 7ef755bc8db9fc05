package postgres

import (
	"context"
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

	familiesAfterSQL = `SELECT f.id, f.payer_id FROM billing_families f
		WHERE f.municipality = $1 AND f.id > $2 AND ` + familyFound + ` ORDER BY f.id LIMIT $5`
	familiesBeforeSQL = `SELECT f.id, f.payer_id FROM billing_families f
		WHERE f.municipality = $1 AND f.id < $2 AND ` + familyFound + ` ORDER BY f.id DESC LIMIT $5`
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
		}, sql, string(m), after, res, prefix, max(q.Limit, 1)); err != nil || len(fams) == 0 {
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
