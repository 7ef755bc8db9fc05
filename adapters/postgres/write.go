package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/oppvekst/oppvekst/domain"
)

// A write validates its input, then reads in one round trip the records it
// refers to (and, for an update, probes whether the record exists and
// whether the change would clash with a unique or exclusion constraint).
// The domain.Check* helpers run against those rows (checks is a
// domain.DirectoryReader), then the write itself is one statement. Refusing
// before writing, and inserting with ON CONFLICT DO NOTHING, keeps a running
// transaction usable after a refused write; only a write that loses a race
// to a concurrent transaction is refused by a constraint error.

// found is a record read for the checks of a write.
type found[T any] struct {
	asked bool
	m     domain.Municipality
	id    pgtype.UUID
	ok    bool
	v     T
}

// answers reports whether the record was read for this key.
func (f *found[T]) answers(m domain.Municipality, id pgtype.UUID) bool {
	return f.asked && f.m == m && f.id == id
}

// get returns the record, or ErrNotFound when there was none.
func (f *found[T]) get() (T, error) {
	if !f.ok {
		var zero T
		return zero, domain.ErrNotFound
	}
	return f.v, nil
}

// queue adds the read of one record to the batch.
func queue[T any](b *pgx.Batch, f *found[T], m domain.Municipality, id pgtype.UUID,
	scan func(scanner, domain.Municipality) (T, error), sql string) {
	*f = found[T]{asked: true, m: m, id: id}
	b.Queue(sql, string(m), id).QueryRow(func(row pgx.Row) error {
		v, err := scan(row, m)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return nil
		case err != nil:
			return err
		}
		f.ok, f.v = true, v
		return nil
	})
}

// checks reads, in one batch, what a write of municipality m needs. It is a
// domain.DirectoryReader: records it has read are answered from memory, any
// other read goes to the store.
type checks struct {
	*Store
	m        domain.Municipality
	batch    pgx.Batch
	child    found[domain.Child]
	guardian found[domain.Guardian]
	unit     found[domain.Unit]
	group    found[domain.Group]
}

func (s *Store) checks(m domain.Municipality) *checks { return &checks{Store: s, m: m} }

func (c *checks) wantChild(id domain.ChildID) {
	queue(&c.batch, &c.child, c.m, uid(id), scanChild, childSQL)
}

func (c *checks) wantGuardian(id domain.GuardianID) {
	queue(&c.batch, &c.guardian, c.m, uid(id), scanGuardian, guardianSQL)
}

func (c *checks) wantUnit(id domain.UnitID) {
	queue(&c.batch, &c.unit, c.m, uid(id), scanUnit, unitSQL)
}

func (c *checks) wantGroup(id domain.GroupID) {
	queue(&c.batch, &c.group, c.m, uid(id), scanGroup, groupSQL)
}

// probe queues a query answering with one row of booleans.
func (c *checks) probe(sql string, dst []*bool, args ...any) {
	c.batch.Queue(sql, args...).QueryRow(func(row pgx.Row) error {
		d := make([]any, len(dst))
		for i := range dst {
			d[i] = dst[i]
		}
		return row.Scan(d...)
	})
}

// run sends the batch in the transaction.
func (c *checks) run(ctx context.Context, tx pgx.Tx) error {
	if c.batch.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, &c.batch).Close(); err != nil {
		return dbError("check", err)
	}
	return nil
}

// Child answers from the batch when it read that child.
func (c *checks) Child(ctx context.Context, m domain.Municipality, id domain.ChildID) (domain.Child, error) {
	if c.child.answers(m, uid(id)) {
		return c.child.get()
	}
	return c.Store.Child(ctx, m, id)
}

// Guardian answers from the batch when it read that guardian.
func (c *checks) Guardian(ctx context.Context, m domain.Municipality, id domain.GuardianID) (domain.Guardian, error) {
	if c.guardian.answers(m, uid(id)) {
		return c.guardian.get()
	}
	return c.Store.Guardian(ctx, m, id)
}

// Unit answers from the batch when it read that unit.
func (c *checks) Unit(ctx context.Context, m domain.Municipality, id domain.UnitID) (domain.Unit, error) {
	if c.unit.answers(m, uid(id)) {
		return c.unit.get()
	}
	return c.Store.Unit(ctx, m, id)
}

// Group answers from the batch when it read that group.
func (c *checks) Group(ctx context.Context, m domain.Municipality, id domain.GroupID) (domain.Group, error) {
	if c.group.answers(m, uid(id)) {
		return c.group.get()
	}
	return c.Store.Group(ctx, m, id)
}

// Conflicts found by the probes.
var (
	errIDTaken         = &domain.ConflictError{Field: "id", Reason: "already-exists"}
	errNationalIDTaken = &domain.ConflictError{Field: "nationalId", Reason: "is-already-registered"}
)

// exists is a probe of whether a record of the table has the key.
func exists(table string) string {
	return `SELECT EXISTS (SELECT 1 FROM ` + table + ` WHERE municipality = $1 AND id = $2)`
}

// personProbe answers whether the ID exists and whether another record has
// the national ID.
func personProbe(table string) string {
	return `SELECT EXISTS (SELECT 1 FROM ` + table + ` WHERE municipality = $1 AND id = $2),
		EXISTS (SELECT 1 FROM ` + table + ` WHERE municipality = $1 AND national_id = $3 AND id <> $2)`
}

// exec runs the write itself and maps constraint errors; it returns the
// number of rows written.
func exec(ctx context.Context, tx pgx.Tx, doing string, sql string, args ...any) (int64, error) {
	tag, err := tx.Exec(ctx, sql, args...)
	if err != nil {
		return 0, dbError(doing, err)
	}
	return tag.RowsAffected(), nil
}

// A create is an INSERT ... ON CONFLICT DO NOTHING: a clash with a unique
// or exclusion constraint writes nothing and raises no error (which would
// abort a running transaction), and conflict then finds out which it was.

// conflict explains an insert that wrote nothing: the ID is taken, or else
// the other clash the table's constraints guard against.
func conflict(ctx context.Context, tx pgx.Tx, table string, m domain.Municipality, id pgtype.UUID, otherwise error) error {
	var taken bool
	if err := tx.QueryRow(ctx, exists(table), string(m), id).Scan(&taken); err != nil {
		return dbError("check", err)
	}
	if taken {
		return errIDTaken
	}
	return otherwise
}

// CreateChild adds a child.
func (s *Store) CreateChild(ctx context.Context, c domain.Child) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "create child", `INSERT INTO children
			(municipality, id, national_id, given_name, family_name, birth_date, address_protection,
			address_street, address_cadastral, address_postcode, address_post_town, address_municipality)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
			string(c.Municipality), uid(c.ID), nationalID(c.NationalID), c.GivenName, c.FamilyName,
			pgDay(c.BirthDate), string(c.AddressProtection),
			c.Address.Street, c.Address.Cadastral, c.Address.Postcode, c.Address.PostTown, string(c.Address.Municipality))
		if err != nil || n == 1 {
			return err
		}
		return conflict(ctx, tx, "children", c.Municipality, uid(c.ID), errNationalIDTaken)
	})
}

// UpdateChild replaces a child's data.
func (s *Store) UpdateChild(ctx context.Context, c domain.Child) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var exists, nidTaken bool
		ch := s.checks(c.Municipality)
		ch.probe(personProbe("children"), []*bool{&exists, &nidTaken}, string(c.Municipality), uid(c.ID), nationalID(c.NationalID))
		if err := ch.run(ctx, tx); err != nil {
			return err
		}
		switch {
		case !exists:
			return notFound("child", c.Municipality, c.ID.String())
		case nidTaken:
			return errNationalIDTaken
		}
		n, err := exec(ctx, tx, "update child", `UPDATE children SET national_id = $3, given_name = $4,
			family_name = $5, birth_date = $6, address_protection = $7,
			address_street = $8, address_cadastral = $9, address_postcode = $10, address_post_town = $11,
			address_municipality = $12
			WHERE municipality = $1 AND id = $2`,
			string(c.Municipality), uid(c.ID), nationalID(c.NationalID), c.GivenName, c.FamilyName,
			pgDay(c.BirthDate), string(c.AddressProtection),
			c.Address.Street, c.Address.Cadastral, c.Address.Postcode, c.Address.PostTown, string(c.Address.Municipality))
		if err == nil && n == 0 {
			return notFound("child", c.Municipality, c.ID.String())
		}
		return err
	})
}

// CreateGuardian adds a guardian.
func (s *Store) CreateGuardian(ctx context.Context, g domain.Guardian) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "create guardian", `INSERT INTO guardians
			(municipality, id, national_id, given_name, family_name, email, phone, address_protection,
			address_street, address_cadastral, address_postcode, address_post_town, address_municipality)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
			string(g.Municipality), uid(g.ID), nationalID(g.NationalID), g.GivenName, g.FamilyName,
			g.Email, g.Phone, string(g.AddressProtection),
			g.Address.Street, g.Address.Cadastral, g.Address.Postcode, g.Address.PostTown, string(g.Address.Municipality))
		if err != nil || n == 1 {
			return err
		}
		return conflict(ctx, tx, "guardians", g.Municipality, uid(g.ID), errNationalIDTaken)
	})
}

// UpdateGuardian replaces a guardian's data.
func (s *Store) UpdateGuardian(ctx context.Context, g domain.Guardian) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var exists, nidTaken bool
		ch := s.checks(g.Municipality)
		ch.probe(personProbe("guardians"), []*bool{&exists, &nidTaken}, string(g.Municipality), uid(g.ID), nationalID(g.NationalID))
		if err := ch.run(ctx, tx); err != nil {
			return err
		}
		switch {
		case !exists:
			return notFound("guardian", g.Municipality, g.ID.String())
		case nidTaken:
			return errNationalIDTaken
		}
		n, err := exec(ctx, tx, "update guardian", `UPDATE guardians SET national_id = $3, given_name = $4,
			family_name = $5, email = $6, phone = $7, address_protection = $8,
			address_street = $9, address_cadastral = $10, address_postcode = $11, address_post_town = $12,
			address_municipality = $13
			WHERE municipality = $1 AND id = $2`,
			string(g.Municipality), uid(g.ID), nationalID(g.NationalID), g.GivenName, g.FamilyName,
			g.Email, g.Phone, string(g.AddressProtection),
			g.Address.Street, g.Address.Cadastral, g.Address.Postcode, g.Address.PostTown, string(g.Address.Municipality))
		if err == nil && n == 0 {
			return notFound("guardian", g.Municipality, g.ID.String())
		}
		return err
	})
}

// PutGuardianship creates the link between a child and a guardian, or
// replaces its flags.
func (s *Store) PutGuardianship(ctx context.Context, g domain.Guardianship) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		ch := s.checks(g.Municipality)
		ch.wantChild(g.ChildID)
		ch.wantGuardian(g.GuardianID)
		if err := ch.run(ctx, tx); err != nil {
			return err
		}
		if err := domain.CheckGuardianship(ctx, ch, g); err != nil {
			return err
		}
		_, err := exec(ctx, tx, "put guardianship", `INSERT INTO guardianships
			(municipality, child_id, guardian_id, parental_responsibility, lives_with_child,
			information_requested, information_denied)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (municipality, child_id, guardian_id) DO UPDATE SET
			parental_responsibility = excluded.parental_responsibility,
			lives_with_child = excluded.lives_with_child,
			information_requested = excluded.information_requested,
			information_denied = excluded.information_denied`,
			string(g.Municipality), uid(g.ChildID), uid(g.GuardianID), g.ParentalResponsibility,
			g.LivesWithChild, g.InformationRequested, g.InformationDenied)
		return err
	})
}

// DeleteGuardianship removes the link between a child and a guardian.
func (s *Store) DeleteGuardianship(ctx context.Context, m domain.Municipality, child domain.ChildID, guardian domain.GuardianID) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "delete guardianship", `DELETE FROM guardianships
			WHERE municipality = $1 AND child_id = $2 AND guardian_id = $3`,
			string(m), uid(child), uid(guardian))
		if err == nil && n == 0 {
			return notFound("guardianship", m, child.String()+"/"+guardian.String())
		}
		return err
	})
}

// CreateUnit adds a unit.
func (s *Store) CreateUnit(ctx context.Context, u domain.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		ch := s.checks(u.Municipality)
		if !u.Parent.IsZero() {
			ch.wantUnit(u.Parent)
		}
		if err := ch.run(ctx, tx); err != nil {
			return err
		}
		if err := domain.CheckUnit(ctx, ch, u); err != nil {
			return err
		}
		n, err := exec(ctx, tx, "create unit", `INSERT INTO units
			(municipality, `+unitColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb,
			$13, $14, $15, $16, $17, $18, $19)
			ON CONFLICT DO NOTHING`,
			append([]any{string(u.Municipality), uid(u.ID)}, unitValues(u)...)...)
		if err != nil || n == 1 {
			return err
		}
		return errIDTaken
	})
}

// UpdateUnit replaces a unit's data.
func (s *Store) UpdateUnit(ctx context.Context, u domain.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var present bool
		ch := s.checks(u.Municipality)
		ch.probe(exists("units"), []*bool{&present}, string(u.Municipality), uid(u.ID))
		if !u.Parent.IsZero() {
			ch.wantUnit(u.Parent)
		}
		if err := ch.run(ctx, tx); err != nil {
			return err
		}
		if !present {
			return notFound("unit", u.Municipality, u.ID.String())
		}
		if err := domain.CheckUnitUpdate(ctx, ch, u); err != nil {
			return err
		}
		n, err := exec(ctx, tx, "update unit", `UPDATE units SET name = $3, kind = $4, owner = $5, parent_id = $6,
			address_street = $7, address_cadastral = $8, address_postcode = $9, address_post_town = $10,
			address_municipality = $11, opening_hours = $12::jsonb, phone = $13, email = $14, seats_small = $15,
			seats_large = $16, grade_from = $17, grade_to = $18, closing_date = $19
			WHERE municipality = $1 AND id = $2`,
			append([]any{string(u.Municipality), uid(u.ID)}, unitValues(u)...)...)
		if err == nil && n == 0 {
			return notFound("unit", u.Municipality, u.ID.String())
		}
		return err
	})
}

// CreateGroup adds a group to a unit.
func (s *Store) CreateGroup(ctx context.Context, g domain.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		ch := s.checks(g.Municipality)
		ch.wantUnit(g.UnitID)
		if err := ch.run(ctx, tx); err != nil {
			return err
		}
		if err := domain.CheckGroup(ctx, ch, g); err != nil {
			return err
		}
		n, err := exec(ctx, tx, "create group", `INSERT INTO unit_groups
			(municipality, `+groupColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
			string(g.Municipality), uid(g.ID), uid(g.UnitID), g.Name, string(g.AgeGroup), g.Grades.From, g.Grades.To,
			pgEnd(g.ClosingDate))
		if err != nil || n == 1 {
			return err
		}
		return errIDTaken
	})
}

// UpdateGroup replaces a group's data.
func (s *Store) UpdateGroup(ctx context.Context, g domain.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var present bool
		ch := s.checks(g.Municipality)
		ch.probe(exists("unit_groups"), []*bool{&present}, string(g.Municipality), uid(g.ID))
		ch.wantUnit(g.UnitID)
		if err := ch.run(ctx, tx); err != nil {
			return err
		}
		if !present {
			return notFound("group", g.Municipality, g.ID.String())
		}
		if err := domain.CheckGroupUpdate(ctx, ch, g); err != nil {
			return err
		}
		n, err := exec(ctx, tx, "update group", `UPDATE unit_groups SET unit_id = $3, name = $4, age_group = $5,
			grade_from = $6, grade_to = $7, closing_date = $8
			WHERE municipality = $1 AND id = $2`,
			string(g.Municipality), uid(g.ID), uid(g.UnitID), g.Name, string(g.AgeGroup), g.Grades.From, g.Grades.To,
			pgEnd(g.ClosingDate))
		if err == nil && n == 0 {
			return notFound("group", g.Municipality, g.ID.String())
		}
		return err
	})
}

// placementOverlap answers whether another placement of the child, of the
// same kind, shares a day with the period. It uses the range of the
// exclusion constraint placements_no_overlap, and its index.
const placementOverlap = `SELECT EXISTS (SELECT 1 FROM placements
	WHERE child_id = $3 AND municipality = $1 AND kind = $4 AND id <> $2
	AND daterange(start_date, end_date, '[]') && daterange($5, $6, '[]'))`

// placementRefs reads, in one batch, the records a placement refers to.
func (s *Store) placementRefs(p domain.Placement) *checks {
	ch := s.checks(p.Municipality)
	ch.wantChild(p.ChildID)
	ch.wantUnit(p.UnitID)
	if !p.GroupID.IsZero() {
		ch.wantGroup(p.GroupID)
	}
	return ch
}

// CreatePlacement adds a placement. A placement that overlaps another of
// the same kind for the child is refused with domain.OverlapConflict.
func (s *Store) CreatePlacement(ctx context.Context, p domain.Placement) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		ch := s.placementRefs(p)
		if err := ch.run(ctx, tx); err != nil {
			return err
		}
		if err := domain.CheckPlacement(ctx, ch, p); err != nil {
			return err
		}
		n, err := exec(ctx, tx, "create placement", `INSERT INTO placements
			(municipality, id, child_id, unit_id, group_id, kind, hours_per_week, start_date, end_date)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			string(p.Municipality), uid(p.ID), uid(p.ChildID), uid(p.UnitID), uid(p.GroupID),
			string(p.Kind), p.HoursPerWeek, pgDay(p.Period.Start), pgEnd(p.Period.End))
		if err != nil || n == 1 {
			return err
		}
		return conflict(ctx, tx, "placements", p.Municipality, uid(p.ID), domain.OverlapConflict())
	})
}

// UpdatePlacement replaces a placement's data.
func (s *Store) UpdatePlacement(ctx context.Context, p domain.Placement) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var present, overlap bool
		ch := s.placementRefs(p)
		ch.probe(exists("placements"), []*bool{&present}, string(p.Municipality), uid(p.ID))
		ch.probe(placementOverlap, []*bool{&overlap}, string(p.Municipality), uid(p.ID), uid(p.ChildID),
			string(p.Kind), pgDay(p.Period.Start), pgEnd(p.Period.End))
		if err := ch.run(ctx, tx); err != nil {
			return err
		}
		if !present {
			return notFound("placement", p.Municipality, p.ID.String())
		}
		if err := domain.CheckPlacement(ctx, ch, p); err != nil {
			return err
		}
		if overlap {
			return domain.OverlapConflict()
		}
		n, err := exec(ctx, tx, "update placement", `UPDATE placements SET child_id = $3, unit_id = $4,
			group_id = $5, kind = $6, hours_per_week = $7, start_date = $8, end_date = $9
			WHERE municipality = $1 AND id = $2`,
			string(p.Municipality), uid(p.ID), uid(p.ChildID), uid(p.UnitID), uid(p.GroupID),
			string(p.Kind), p.HoursPerWeek, pgDay(p.Period.Start), pgEnd(p.Period.End))
		if err == nil && n == 0 {
			return notFound("placement", p.Municipality, p.ID.String())
		}
		return err
	})
}

// DeletePlacement removes a placement.
func (s *Store) DeletePlacement(ctx context.Context, m domain.Municipality, id domain.PlacementID) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "delete placement", `DELETE FROM placements WHERE municipality = $1 AND id = $2`,
			string(m), uid(id))
		if err == nil && n == 0 {
			return notFound("placement", m, id.String())
		}
		return err
	})
}
