package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// scanner is a row being scanned: pgx.Row or pgx.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// notFound is the error for a record missing in the municipality.
func notFound(what string, m domain.Municipality, key string) error {
	return fmt.Errorf("postgres: %s %s in %s: %w", what, key, m, domain.ErrNotFound)
}

// one reads one record; no row is ErrNotFound.
func one[T any](ctx context.Context, q querier, what string, m domain.Municipality, key string,
	scan func(scanner, domain.Municipality) (T, error), sql string, args ...any) (T, error) {
	v, err := scan(q.QueryRow(ctx, sql, args...), m)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, notFound(what, m, key)
	}
	if err != nil {
		return v, dbError("read "+what, err)
	}
	return v, nil
}

// list reads records in the order the database returns them.
func list[T any](ctx context.Context, q querier, what string, m domain.Municipality,
	scan func(scanner, domain.Municipality) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, dbError("list "+what, err)
	}
	vs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return scan(row, m) })
	if err != nil {
		return nil, dbError("list "+what, err)
	}
	return vs, nil
}

// Columns and scanners, one set per table. The municipality is not read
// back: every query is scoped by it.

const childColumns = `id, national_id, given_name, family_name, birth_date, address_protection,
	address_street, address_cadastral, address_postcode, address_post_town, address_municipality`

func scanChild(row scanner, m domain.Municipality) (domain.Child, error) {
	c := domain.Child{Municipality: m}
	err := row.Scan(scanID(&c.ID), nationalIDScan{&c.NationalID}, &c.GivenName, &c.FamilyName,
		dateScan{&c.BirthDate}, stringScan[domain.AddressProtection]{&c.AddressProtection},
		&c.Address.Street, &c.Address.Cadastral, &c.Address.Postcode, &c.Address.PostTown,
		stringScan[domain.Municipality]{&c.Address.Municipality})
	return c, err
}

const guardianColumns = `id, national_id, given_name, family_name, email, phone, address_protection,
	address_street, address_cadastral, address_postcode, address_post_town, address_municipality`

func scanGuardian(row scanner, m domain.Municipality) (domain.Guardian, error) {
	g := domain.Guardian{Municipality: m}
	err := row.Scan(scanID(&g.ID), nationalIDScan{&g.NationalID}, &g.GivenName, &g.FamilyName,
		&g.Email, &g.Phone, stringScan[domain.AddressProtection]{&g.AddressProtection},
		&g.Address.Street, &g.Address.Cadastral, &g.Address.Postcode, &g.Address.PostTown,
		stringScan[domain.Municipality]{&g.Address.Municipality})
	return g, err
}

const guardianshipColumns = `child_id, guardian_id, parental_responsibility, lives_with_child,
	information_requested, information_denied`

func scanGuardianship(row scanner, m domain.Municipality) (domain.Guardianship, error) {
	g := domain.Guardianship{Municipality: m}
	err := row.Scan(scanID(&g.ChildID), scanID(&g.GuardianID), &g.ParentalResponsibility, &g.LivesWithChild,
		&g.InformationRequested, &g.InformationDenied)
	return g, err
}

const unitColumns = `id, name, kind, owner, parent_id, address_street, address_cadastral, address_postcode,
	address_post_town, address_municipality, opening_hours, phone, email, seats_small, seats_large, grade_from, grade_to,
	closing_date`

func scanUnit(row scanner, m domain.Municipality) (domain.Unit, error) {
	u := domain.Unit{Municipality: m}
	a := &u.Address
	var hours []byte
	err := row.Scan(scanID(&u.ID), &u.Name, stringScan[domain.UnitKind]{&u.Kind},
		stringScan[domain.Owner]{&u.Owner}, scanID(&u.Parent), &a.Street, &a.Cadastral, &a.Postcode, &a.PostTown,
		stringScan[domain.Municipality]{&a.Municipality}, &hours, &u.Contact.Phone, &u.Contact.Email,
		&u.Seats.Small, &u.Seats.Large, &u.Grades.From, &u.Grades.To, dateScan{&u.ClosingDate})
	if err != nil {
		return u, err
	}
	if err := json.Unmarshal(hours, &u.OpeningHours); err != nil {
		return u, fmt.Errorf("postgres: stored opening hours: %w", err)
	}
	if len(u.OpeningHours) == 0 {
		u.OpeningHours = nil
	}
	return u, nil
}

// unitValues are the values of unitColumns after the ID, for $3 onwards
// (after the municipality and ID).
func unitValues(u domain.Unit) []any {
	a := u.Address
	hours := []byte("{}")
	if len(u.OpeningHours) > 0 {
		hours, _ = json.Marshal(u.OpeningHours) // a map of strings always encodes
	}
	return []any{u.Name, string(u.Kind), string(u.Owner), uid(u.Parent), a.Street, a.Cadastral, a.Postcode, a.PostTown,
		string(a.Municipality), string(hours), u.Contact.Phone, u.Contact.Email, u.Seats.Small, u.Seats.Large,
		u.Grades.From, u.Grades.To, pgEnd(u.ClosingDate)}
}

const groupColumns = `id, unit_id, name, age_group, grade_from, grade_to, closing_date`

func scanGroup(row scanner, m domain.Municipality) (domain.Group, error) {
	g := domain.Group{Municipality: m}
	err := row.Scan(scanID(&g.ID), scanID(&g.UnitID), &g.Name, stringScan[domain.AgeGroup]{&g.AgeGroup},
		&g.Grades.From, &g.Grades.To, dateScan{&g.ClosingDate})
	return g, err
}

const placementColumns = `id, child_id, unit_id, group_id, kind, hours_per_week, start_date, end_date`

func scanPlacement(row scanner, m domain.Municipality) (domain.Placement, error) {
	p := domain.Placement{Municipality: m}
	err := row.Scan(scanID(&p.ID), scanID(&p.ChildID), scanID(&p.UnitID), scanID(&p.GroupID),
		stringScan[domain.UnitKind]{&p.Kind}, &p.HoursPerWeek, dateScan{&p.Period.Start}, dateScan{&p.Period.End})
	return p, err
}

// Queries by key, shared by the readers and the checks of the writers.
const (
	childSQL     = `SELECT ` + childColumns + ` FROM children WHERE municipality = $1 AND id = $2`
	guardianSQL  = `SELECT ` + guardianColumns + ` FROM guardians WHERE municipality = $1 AND id = $2`
	unitSQL      = `SELECT ` + unitColumns + ` FROM units WHERE municipality = $1 AND id = $2`
	groupSQL     = `SELECT ` + groupColumns + ` FROM unit_groups WHERE municipality = $1 AND id = $2`
	placementSQL = `SELECT ` + placementColumns + ` FROM placements WHERE municipality = $1 AND id = $2`

	childGuardiansSQL = `SELECT ` + guardianshipColumns + ` FROM guardianships
		WHERE municipality = $1 AND child_id = $2`
	childPlacementsSQL = `SELECT ` + placementColumns + ` FROM placements
		WHERE municipality = $1 AND child_id = $2`
)

// Child reads a child.
func (s *Store) Child(ctx context.Context, m domain.Municipality, id domain.ChildID) (domain.Child, error) {
	return one(ctx, s.q(ctx), "child", m, id.String(), scanChild, childSQL, string(m), uid(id))
}

// ChildByNationalID finds a child by national identity number.
func (s *Store) ChildByNationalID(ctx context.Context, m domain.Municipality, n domain.NationalID) (domain.Child, error) {
	return one(ctx, s.q(ctx), "child", m, "with national ID "+n.Masked(), scanChild,
		`SELECT `+childColumns+` FROM children WHERE municipality = $1 AND national_id = $2`,
		string(m), nationalID(n))
}

// Children lists the municipality's children, sorted by domain.SortChildren.
func (s *Store) Children(ctx context.Context, m domain.Municipality) ([]domain.Child, error) {
	cs, err := list(ctx, s.q(ctx), "children", m, scanChild,
		`SELECT `+childColumns+` FROM children WHERE municipality = $1`, string(m))
	domain.SortChildren(cs)
	return cs, err
}

// ChildrenByID reads the children with the IDs in one statement, sorted by
// domain.SortChildren; unknown IDs are left out.
func (s *Store) ChildrenByID(ctx context.Context, m domain.Municipality, ids []domain.ChildID) ([]domain.Child, error) {
	if len(ids) == 0 {
		return []domain.Child{}, nil
	}
	us := make([]pgtype.UUID, len(ids))
	for i, id := range ids {
		us[i] = uid(id)
	}
	cs, err := list(ctx, s.q(ctx), "children", m, scanChild,
		`SELECT `+childColumns+` FROM children WHERE municipality = $1 AND id = ANY($2)`, string(m), us)
	domain.SortChildren(cs)
	return cs, err
}

// childrenPageSQL is one keyset page of children by ID: after the key
// (the nil UUID: from the first; never NULL, which would keep the planner
// from walking the primary key in order), every search pattern (domain.SearchPatterns) in
// the lower-cased name, or the national ID starting with the prefix (NULL:
// not searched by number).
const childrenPageSQL = `SELECT ` + childColumns + ` FROM children
	WHERE municipality = $1 AND id > $2
		AND (lower(given_name || ' ' || family_name) LIKE ALL ($3::text[]) OR national_id LIKE $4)
	ORDER BY id LIMIT $5`

// ChildrenPage implements domain.DirectoryReader: the search in SQL
// (domain.SearchPatterns), each row found checked by ChildQuery.Matches.
func (s *Store) ChildrenPage(ctx context.Context, m domain.Municipality, q domain.ChildQuery) ([]domain.Child, error) {
	patterns := append([]string{}, domain.SearchPatterns(q.Search)...)
	var prefix *string
	if p := domain.NationalIDPrefix(q.Search); q.ByNationalID && p != "" {
		p += "%"
		prefix = &p
	}
	return domain.CollectPage(q.Limit, q.After, func(c domain.Child) domain.ChildID { return c.ID },
		func(after domain.ChildID, n int) ([]domain.Child, error) {
			return list(ctx, s.q(ctx), "children", m, scanChild, childrenPageSQL, string(m), pgtype.UUID{Bytes: after.UUID(), Valid: true}, patterns, prefix, n)
		}, q.Matches)
}

// GuardiansByID reads the guardians with the IDs in one statement, sorted by
// ID; unknown IDs are left out.
func (s *Store) GuardiansByID(ctx context.Context, m domain.Municipality, ids []domain.GuardianID) ([]domain.Guardian, error) {
	if len(ids) == 0 {
		return []domain.Guardian{}, nil
	}
	us := make([]pgtype.UUID, len(ids))
	for i, id := range ids {
		us[i] = uid(id)
	}
	return list(ctx, s.q(ctx), "guardians", m, scanGuardian,
		`SELECT `+guardianColumns+` FROM guardians WHERE municipality = $1 AND id = ANY($2) ORDER BY id`, string(m), us)
}

// Guardian reads a guardian.
func (s *Store) Guardian(ctx context.Context, m domain.Municipality, id domain.GuardianID) (domain.Guardian, error) {
	return one(ctx, s.q(ctx), "guardian", m, id.String(), scanGuardian, guardianSQL, string(m), uid(id))
}

// GuardianByNationalID finds a guardian by national identity number.
func (s *Store) GuardianByNationalID(ctx context.Context, m domain.Municipality, n domain.NationalID) (domain.Guardian, error) {
	return one(ctx, s.q(ctx), "guardian", m, "with national ID "+n.Masked(), scanGuardian,
		`SELECT `+guardianColumns+` FROM guardians WHERE municipality = $1 AND national_id = $2`,
		string(m), nationalID(n))
}

// Guardianships lists the guardians of a child, sorted by guardian ID.
func (s *Store) Guardianships(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]domain.Guardianship, error) {
	gs, err := list(ctx, s.q(ctx), "guardianships", m, scanGuardianship, childGuardiansSQL, string(m), uid(child))
	domain.SortGuardianships(gs)
	return gs, err
}

// Wards lists the guardianships of a guardian, sorted by child ID.
func (s *Store) Wards(ctx context.Context, m domain.Municipality, guardian domain.GuardianID) ([]domain.Guardianship, error) {
	gs, err := list(ctx, s.q(ctx), "guardianships", m, scanGuardianship,
		`SELECT `+guardianshipColumns+` FROM guardianships WHERE municipality = $1 AND guardian_id = $2`,
		string(m), uid(guardian))
	domain.SortGuardianships(gs)
	return gs, err
}

// WardsOf lists the guardianships of the guardians in one statement.
func (s *Store) WardsOf(ctx context.Context, m domain.Municipality, guardians []domain.GuardianID) ([]domain.Guardianship, error) {
	if len(guardians) == 0 {
		return []domain.Guardianship{}, nil
	}
	us := make([]pgtype.UUID, len(guardians))
	for i, id := range guardians {
		us[i] = uid(id)
	}
	gs, err := list(ctx, s.q(ctx), "guardianships", m, scanGuardianship,
		`SELECT `+guardianshipColumns+` FROM guardianships WHERE municipality = $1 AND guardian_id = ANY($2)`,
		string(m), us)
	domain.SortGuardianships(gs)
	return gs, err
}

// Unit reads a unit.
func (s *Store) Unit(ctx context.Context, m domain.Municipality, id domain.UnitID) (domain.Unit, error) {
	return one(ctx, s.q(ctx), "unit", m, id.String(), scanUnit, unitSQL, string(m), uid(id))
}

// Units lists the municipality's units, sorted by domain.SortUnits.
func (s *Store) Units(ctx context.Context, m domain.Municipality) ([]domain.Unit, error) {
	us, err := list(ctx, s.q(ctx), "units", m, scanUnit,
		`SELECT `+unitColumns+` FROM units WHERE municipality = $1`, string(m))
	domain.SortUnits(us)
	return us, err
}

// Group reads a group.
func (s *Store) Group(ctx context.Context, m domain.Municipality, id domain.GroupID) (domain.Group, error) {
	return one(ctx, s.q(ctx), "group", m, id.String(), scanGroup, groupSQL, string(m), uid(id))
}

// Groups lists the groups of a unit, sorted by domain.SortGroups.
func (s *Store) Groups(ctx context.Context, m domain.Municipality, unit domain.UnitID) ([]domain.Group, error) {
	gs, err := list(ctx, s.q(ctx), "groups", m, scanGroup,
		`SELECT `+groupColumns+` FROM unit_groups WHERE municipality = $1 AND unit_id = $2`,
		string(m), uid(unit))
	domain.SortGroups(gs)
	return gs, err
}

// AllGroups lists every unit's groups in one statement, sorted by
// domain.SortGroups.
func (s *Store) AllGroups(ctx context.Context, m domain.Municipality) ([]domain.Group, error) {
	gs, err := list(ctx, s.q(ctx), "groups", m, scanGroup,
		`SELECT `+groupColumns+` FROM unit_groups WHERE municipality = $1`, string(m))
	domain.SortGroups(gs)
	return gs, err
}

// Placement reads a placement.
func (s *Store) Placement(ctx context.Context, m domain.Municipality, id domain.PlacementID) (domain.Placement, error) {
	return one(ctx, s.q(ctx), "placement", m, id.String(), scanPlacement, placementSQL, string(m), uid(id))
}

// Placements lists a child's placements, sorted by domain.SortPlacements.
func (s *Store) Placements(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]domain.Placement, error) {
	ps, err := list(ctx, s.q(ctx), "placements", m, scanPlacement, childPlacementsSQL, string(m), uid(child))
	domain.SortPlacements(ps)
	return ps, err
}

// UnitPlacements lists the placements in a unit that share at least one day
// with the period, sorted by domain.SortPlacements. A period that ends
// before it starts has no days and so no placements.
func (s *Store) UnitPlacements(ctx context.Context, m domain.Municipality, unit domain.UnitID, within domain.Period) ([]domain.Placement, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	ps, err := list(ctx, s.q(ctx), "placements", m, scanPlacement,
		`SELECT `+placementColumns+` FROM placements
		WHERE municipality = $1 AND unit_id = $2
		AND start_date <= COALESCE($4, 'infinity'::date) AND COALESCE(end_date, 'infinity'::date) >= $3`,
		string(m), uid(unit), pgDay(within.Start), pgEnd(within.End))
	domain.SortPlacements(ps)
	return ps, err
}

// PlacementsWithin lists the placements of every unit that share at least
// one day with the period, in one statement, sorted by domain.SortPlacements.
func (s *Store) PlacementsWithin(ctx context.Context, m domain.Municipality, within domain.Period) ([]domain.Placement, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	ps, err := list(ctx, s.q(ctx), "placements", m, scanPlacement,
		`SELECT `+placementColumns+` FROM placements
		WHERE municipality = $1
		AND start_date <= COALESCE($3, 'infinity'::date) AND COALESCE(end_date, 'infinity'::date) >= $2`,
		string(m), pgDay(within.Start), pgEnd(within.End))
	domain.SortPlacements(ps)
	return ps, err
}

// PlacedOn counts the children placed on the day per unit and group in one
// statement.
func (s *Store) PlacedOn(ctx context.Context, m domain.Municipality, day date.Date) ([]domain.Placed, error) {
	ps, err := list(ctx, s.q(ctx), "placed", m, func(row scanner, _ domain.Municipality) (domain.Placed, error) {
		var p domain.Placed
		var n int64
		err := row.Scan(scanID(&p.Unit), scanID(&p.Group), &n)
		p.Children = int(n)
		return p, err
	}, `SELECT unit_id, group_id, count(DISTINCT child_id) FROM placements
		WHERE municipality = $1 AND start_date <= $2 AND COALESCE(end_date, 'infinity'::date) >= $2
		GROUP BY unit_id, group_id`, string(m), pgDay(day))
	domain.SortPlaced(ps)
	return ps, err
}

// ChildRecord reads a child with its guardians and placements in one round
// trip. The guardians are sorted by guardian ID, the placements by
// domain.SortPlacements.
func (s *Store) ChildRecord(ctx context.Context, m domain.Municipality, id domain.ChildID) (domain.ChildRecord, error) {
	var (
		rec   domain.ChildRecord
		found bool
		b     pgx.Batch
	)
	b.Queue(childSQL, string(m), uid(id)).QueryRow(func(row pgx.Row) error {
		c, err := scanChild(row, m)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		rec.Child, found = c, err == nil
		return err
	})
	b.Queue(`SELECT `+guardianColumns+`, `+guardianshipColumns+`
		FROM guardianships gs JOIN guardians g ON g.municipality = gs.municipality AND g.id = gs.guardian_id
		WHERE gs.municipality = $1 AND gs.child_id = $2`,
		string(m), uid(id)).Query(func(rows pgx.Rows) error {
		links, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.GuardianLink, error) {
			l := domain.GuardianLink{
				Guardian:     domain.Guardian{Municipality: m},
				Guardianship: domain.Guardianship{Municipality: m},
			}
			g, gs := &l.Guardian, &l.Guardianship
			err := row.Scan(scanID(&g.ID), nationalIDScan{&g.NationalID}, &g.GivenName, &g.FamilyName,
				&g.Email, &g.Phone, stringScan[domain.AddressProtection]{&g.AddressProtection},
				&g.Address.Street, &g.Address.Cadastral, &g.Address.Postcode, &g.Address.PostTown,
				stringScan[domain.Municipality]{&g.Address.Municipality},
				scanID(&gs.ChildID), scanID(&gs.GuardianID), &gs.ParentalResponsibility, &gs.LivesWithChild,
				&gs.InformationRequested, &gs.InformationDenied)
			return l, err
		})
		rec.Guardians = links
		return err
	})
	b.Queue(childPlacementsSQL, string(m), uid(id)).Query(func(rows pgx.Rows) error {
		ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Placement, error) {
			return scanPlacement(row, m)
		})
		rec.Placements = ps
		return err
	})
	if err := s.q(ctx).SendBatch(ctx, &b).Close(); err != nil {
		return domain.ChildRecord{}, dbError("read child record", err)
	}
	if !found {
		return domain.ChildRecord{}, notFound("child", m, id.String())
	}
	slices.SortFunc(rec.Guardians, func(a, b domain.GuardianLink) int {
		return a.Guardianship.GuardianID.Compare(b.Guardianship.GuardianID)
	})
	domain.SortPlacements(rec.Placements)
	return rec, nil
}
