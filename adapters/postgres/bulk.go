package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// CreateDirectoryBatch writes the batch's children, guardians,
// guardianships and placements in one transaction with COPY, one stream
// per table (implements domain.BulkDirectoryWriter). The batch is checked
// first (domain.CheckDirectoryBatch), then one round trip probes whether a
// stored record already has one of its IDs or national IDs (a
// *domain.ConflictError, and nothing is written), so a refused batch
// leaves a running transaction usable.
func (s *Store) CreateDirectoryBatch(ctx context.Context, m domain.Municipality, b domain.DirectoryBatch) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := domain.CheckDirectoryBatch(ctx, s, m, b); err != nil {
			return err
		}
		if err := s.batchClashes(ctx, tx, m, b); err != nil {
			return err
		}
		mu := string(m)
		copyRows := func(table string, cols []string, n int, row func(i int) []any) error {
			if n == 0 {
				return nil
			}
			_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromSlice(n, func(i int) ([]any, error) {
				return row(i), nil
			}))
			if err != nil {
				return dbError("write "+table, err)
			}
			return nil
		}
		if err := copyRows("children", []string{"municipality", "id", "national_id", "given_name", "family_name",
			"birth_date", "address_protection", "address_street", "address_cadastral", "address_postcode",
			"address_post_town", "address_municipality"}, len(b.Children), func(i int) []any {
			c := b.Children[i]
			return []any{mu, uid(c.ID), nationalID(c.NationalID), c.GivenName, c.FamilyName, pgDay(c.BirthDate),
				string(c.AddressProtection), c.Address.Street, c.Address.Cadastral, c.Address.Postcode,
				c.Address.PostTown, string(c.Address.Municipality)}
		}); err != nil {
			return err
		}
		if err := copyRows("guardians", []string{"municipality", "id", "national_id", "given_name", "family_name",
			"email", "phone", "address_protection", "address_street", "address_cadastral", "address_postcode",
			"address_post_town", "address_municipality"}, len(b.Guardians), func(i int) []any {
			g := b.Guardians[i]
			return []any{mu, uid(g.ID), nationalID(g.NationalID), g.GivenName, g.FamilyName, g.Email, g.Phone,
				string(g.AddressProtection), g.Address.Street, g.Address.Cadastral, g.Address.Postcode,
				g.Address.PostTown, string(g.Address.Municipality)}
		}); err != nil {
			return err
		}
		// The foreign keys of guardianships and placements are checked
		// row by row with a plan made for the tables as the statistics
		// say they are: after many new rows, without fresh statistics,
		// that plan scans the whole table for every row.
		if len(b.Children)+len(b.Guardians) >= analyzeAfter {
			if _, err := tx.Exec(ctx, `ANALYZE children, guardians`); err != nil {
				return dbError("analyze", err)
			}
		}
		if err := copyRows("guardianships", []string{"municipality", "child_id", "guardian_id", "parental_responsibility",
			"lives_with_child", "information_requested", "information_denied"}, len(b.Guardianships), func(i int) []any {
			g := b.Guardianships[i]
			return []any{mu, uid(g.ChildID), uid(g.GuardianID), g.ParentalResponsibility, g.LivesWithChild,
				g.InformationRequested, g.InformationDenied}
		}); err != nil {
			return err
		}
		return copyRows("placements", []string{"municipality", "id", "child_id", "unit_id", "group_id", "kind",
			"hours_per_week", "start_date", "end_date"}, len(b.Placements), func(i int) []any {
			p := b.Placements[i]
			return []any{mu, uid(p.ID), uid(p.ChildID), uid(p.UnitID), uid(p.GroupID), string(p.Kind),
				int32(p.HoursPerWeek), pgDay(p.Period.Start), pgEnd(p.Period.End)}
		})
	})
}

// analyzeAfter is how many new children and guardians make a batch
// refresh their tables' statistics before writing the rows that refer to
// them.
const analyzeAfter = 1000

// batchClashSQL reports, for the arrays of a batch's keys, whether a
// stored child or guardian has one of the IDs or national IDs, a stored
// guardianship links one of the pairs, or a stored placement has one of
// the IDs.
const batchClashSQL = `SELECT
	EXISTS (SELECT 1 FROM children WHERE municipality = $1 AND id = ANY($2)),
	EXISTS (SELECT 1 FROM children WHERE municipality = $1 AND national_id = ANY($3)),
	EXISTS (SELECT 1 FROM guardians WHERE municipality = $1 AND id = ANY($4)),
	EXISTS (SELECT 1 FROM guardians WHERE municipality = $1 AND national_id = ANY($5)),
	EXISTS (SELECT 1 FROM guardianships g JOIN unnest($6::uuid[], $7::uuid[]) AS k(child_id, guardian_id)
		ON g.child_id = k.child_id AND g.guardian_id = k.guardian_id WHERE g.municipality = $1),
	EXISTS (SELECT 1 FROM placements WHERE municipality = $1 AND id = ANY($8))`

func (s *Store) batchClashes(ctx context.Context, tx pgx.Tx, m domain.Municipality, b domain.DirectoryBatch) error {
	var childIDs, guardianIDs, linkChild, linkGuardian, placementIDs []pgtype.UUID
	var childNIDs, guardianNIDs []string
	for _, c := range b.Children {
		childIDs = append(childIDs, uid(c.ID))
		if !c.NationalID.IsZero() {
			childNIDs = append(childNIDs, c.NationalID.String())
		}
	}
	for _, g := range b.Guardians {
		guardianIDs = append(guardianIDs, uid(g.ID))
		if !g.NationalID.IsZero() {
			guardianNIDs = append(guardianNIDs, g.NationalID.String())
		}
	}
	for _, g := range b.Guardianships {
		linkChild, linkGuardian = append(linkChild, uid(g.ChildID)), append(linkGuardian, uid(g.GuardianID))
	}
	for _, p := range b.Placements {
		placementIDs = append(placementIDs, uid(p.ID))
	}
	var clash [6]bool
	if err := tx.QueryRow(ctx, batchClashSQL, string(m), childIDs, childNIDs, guardianIDs, guardianNIDs,
		linkChild, linkGuardian, placementIDs).Scan(&clash[0], &clash[1], &clash[2], &clash[3], &clash[4], &clash[5]); err != nil {
		return dbError("check", err)
	}
	switch {
	case clash[0]:
		return &domain.ConflictError{Field: "children.id", Reason: "id-exists"}
	case clash[1]:
		return &domain.ConflictError{Field: "children.nationalId", Reason: "is-already-registered"}
	case clash[2]:
		return &domain.ConflictError{Field: "guardians.id", Reason: "id-exists"}
	case clash[3]:
		return &domain.ConflictError{Field: "guardians.nationalId", Reason: "is-already-registered"}
	case clash[4]:
		return &domain.ConflictError{Field: "guardianships.guardianId", Reason: "already-exists"}
	case clash[5]:
		return &domain.ConflictError{Field: "placements.id", Reason: "id-exists"}
	}
	return nil
}

// Analyze refreshes PostgreSQL's planner statistics (ANALYZE), so that
// queries after a bulk write are planned for the data as it now is
// (implements domain.Analyzer): the tables of the store's schema, not the
// whole database's. It runs on the pool, outside any transaction of ctx's.
func (s *Store) Analyze(ctx context.Context) error {
	var tables []string
	rows, err := s.pool.Query(ctx, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
	if err == nil {
		tables, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return unavailable(dbError("analyze", err))
	}
	if len(tables) == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `ANALYZE `+strings.Join(tables, ", ")); err != nil {
		return unavailable(dbError("analyze", err))
	}
	return nil
}

// familiesClashSQL reports whether a stored family or membership has one
// of the IDs, a payer or member guardian or member child does not exist,
// or a stored membership of one of the persons shares a day with one of
// the new ones.
const familiesClashSQL = `SELECT
	EXISTS (SELECT 1 FROM billing_families WHERE municipality = $1 AND id = ANY($2)),
	EXISTS (SELECT 1 FROM billing_members WHERE municipality = $1 AND id = ANY($3)),
	EXISTS (SELECT 1 FROM unnest($4::uuid[]) AS k(id)
		WHERE NOT EXISTS (SELECT 1 FROM guardians g WHERE g.municipality = $1 AND g.id = k.id)),
	EXISTS (SELECT 1 FROM unnest($5::uuid[]) AS k(id)
		WHERE NOT EXISTS (SELECT 1 FROM children c WHERE c.municipality = $1 AND c.id = k.id)),
	EXISTS (SELECT 1 FROM billing_members b
		JOIN unnest($6::uuid[], $7::uuid[], $8::date[], $9::date[]) AS k(guardian_id, child_id, start_date, end_date)
		ON b.guardian_id IS NOT DISTINCT FROM k.guardian_id AND b.child_id IS NOT DISTINCT FROM k.child_id
		WHERE b.municipality = $1
		AND daterange(b.start_date, b.end_date, '[]') && daterange(k.start_date, k.end_date, '[]'))`

// CreateFamilies writes new families for fees with COPY, after
// billing.CheckFamilies and one round trip that probes the stored data
// (implements billing.BulkFamilyWriter). A refused write leaves a running
// transaction usable.
func (s *Store) CreateFamilies(ctx context.Context, m domain.Municipality, fs []billing.Family) error {
	if err := billing.CheckFamilies(m, fs); err != nil {
		return err
	}
	if len(fs) == 0 {
		return nil
	}
	var familyIDs, memberIDs, guardians, children, mg, mc []pgtype.UUID
	var starts, ends []pgtype.Date
	var members []billing.Member
	for _, f := range fs {
		familyIDs = append(familyIDs, uid(f.ID))
		guardians = append(guardians, uid(f.Payer))
		for _, mb := range f.Members {
			members = append(members, mb)
			memberIDs = append(memberIDs, uid(mb.ID))
			if mb.Guardian.IsZero() {
				children = append(children, uid(mb.Child))
			} else {
				guardians = append(guardians, uid(mb.Guardian))
			}
			mg, mc = append(mg, uid(mb.Guardian)), append(mc, uid(mb.Child))
			starts, ends = append(starts, pgDay(mb.Period.Start)), append(ends, pgEnd(mb.Period.End))
		}
	}
	mu := string(m)
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var clash [5]bool
		if err := tx.QueryRow(ctx, familiesClashSQL, mu, familyIDs, memberIDs, guardians, children, mg, mc, starts, ends).
			Scan(&clash[0], &clash[1], &clash[2], &clash[3], &clash[4]); err != nil {
			return dbError("check", err)
		}
		switch {
		case clash[0]:
			return &domain.ConflictError{Field: "families.id", Reason: "id-exists"}
		case clash[1]:
			return &domain.ConflictError{Field: "families.members.id", Reason: "id-exists"}
		case clash[2]:
			return domain.Invalid("families.payer", "no-such-guardian")
		case clash[3]:
			return domain.Invalid("families.members.child", "no-such-child")
		case clash[4]:
			return &domain.ConflictError{Field: "families.members", Reason: "the-person-is-in-another-family-on-a-shared-day"}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"billing_families"}, []string{"municipality", "id", "payer_id"},
			pgx.CopyFromSlice(len(fs), func(i int) ([]any, error) {
				return []any{mu, uid(fs[i].ID), uid(fs[i].Payer)}, nil
			})); err != nil {
			return dbError("write families", err)
		}
		if len(fs) >= analyzeAfter { // see CreateDirectoryBatch
			if _, err := tx.Exec(ctx, `ANALYZE billing_families`); err != nil {
				return dbError("analyze", err)
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"billing_members"},
			[]string{"municipality", "id", "family_id", "guardian_id", "child_id", "start_date", "end_date"},
			pgx.CopyFromSlice(len(members), func(i int) ([]any, error) {
				mb := members[i]
				return []any{mu, uid(mb.ID), uid(mb.Family), uid(mb.Guardian), uid(mb.Child), pgDay(mb.Period.Start), pgEnd(mb.Period.End)}, nil
			})); err != nil {
			return dbError("write memberships", err)
		}
		return nil
	})
}
