package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// openEnd is how an open end compares in SQL: the last day SQLite text dates
// can hold.
const openEnd = "9999-12-31"

// Queries by something other than the primary key name their index with
// INDEXED BY: without statistics (before ANALYZE has seen real data) SQLite
// would rather walk all of a municipality's rows along the covering primary
// key than use a secondary index.

// Column lists, in the order the scan functions read them.
const (
	childCols     = `municipality, id, national_id, given_name, family_name, birth_date, address_protection, address_street, address_cadastral, address_postcode, address_post_town, address_municipality`
	guardianCols  = `municipality, id, national_id, given_name, family_name, email, phone, address_protection, address_street, address_cadastral, address_postcode, address_post_town, address_municipality`
	wardshipCols  = `municipality, child_id, guardian_id, parental_responsibility, lives_with_child, information_requested, information_denied`
	unitCols      = `municipality, id, name, kind, owner, parent_id, address_street, address_cadastral, address_postcode, address_post_town, address_municipality, opening_hours, phone, email, seats_small, seats_large, grade_from, grade_to, closing_date`
	groupCols     = `municipality, id, unit_id, name, age_group, grade_from, grade_to, closing_date`
	placementCols = `municipality, id, child_id, unit_id, group_id, kind, hours_per_week, start_date, end_date`
)

// directoryQueries are the directory's statements Open prepares.
var directoryQueries = []string{
	selectChild, selectChildByNational, selectChildren, selectChildrenByID, selectChildrenPage, insertChild, childExists, updateChild,
	selectGuardian, selectGuardiansByID, selectGuardianByNational, insertGuardian, guardianExists, updateGuardian,
	selectGuardianships, selectWards, selectWardsOf, upsertGuardianship, deleteGuardianship, selectGuardianLinks,
	selectUnit, selectUnits, insertUnit, updateUnit, unitExists,
	selectGroup, selectGroups, insertGroup, updateGroup, groupExists,
	selectPlacement, selectPlacements, selectUnitPlacements, insertPlacement, updatePlacement, deletePlacement, placementExists,
}

// Children.

const (
	selectChild           = `SELECT ` + childCols + ` FROM children WHERE municipality = ? AND id = ?`
	selectChildByNational = `SELECT ` + childCols + ` FROM children WHERE municipality = ? AND national_id = ?`
	selectChildren        = `SELECT ` + childCols + ` FROM children WHERE municipality = ?`
	selectChildrenByID    = `SELECT ` + childCols + ` FROM children WHERE municipality = ? AND id IN (SELECT value FROM json_each(?))`
	// selectChildrenPage is one keyset page of children by ID: after the
	// key, every search pattern (a JSON array, domain.SearchPatterns) in the
	// lower-cased name, or the national ID starting with the prefix (NULL:
	// not searched by number).
	selectChildrenPage = `SELECT ` + childCols + ` FROM children WHERE municipality = ? AND id > ?
		AND (NOT EXISTS (SELECT 1 FROM json_each(?) WHERE lower(given_name || ' ' || family_name) NOT LIKE json_each.value ESCAPE '\')
			OR national_id LIKE ?)
		ORDER BY id LIMIT ?`
	insertChild = `INSERT INTO children (` + childCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	childExists = `SELECT 1 FROM children WHERE municipality = ? AND id = ?`
	updateChild = `UPDATE children SET national_id = ?, given_name = ?, family_name = ?, birth_date = ?, address_protection = ?, address_street = ?, address_cadastral = ?, address_postcode = ?, address_post_town = ?, address_municipality = ?
		WHERE municipality = ? AND id = ?`
)

func scanChild(r scanner) (domain.Child, error) {
	var c domain.Child
	var nid sql.NullString
	var birth string
	if err := r.Scan(&c.Municipality, &c.ID, &nid, &c.GivenName, &c.FamilyName, &birth, &c.AddressProtection,
		&c.Address.Street, &c.Address.Cadastral, &c.Address.Postcode, &c.Address.PostTown, &c.Address.Municipality); err != nil {
		return c, err
	}
	var err error
	if c.NationalID, err = nationalID(nid); err != nil {
		return c, err
	}
	c.BirthDate, err = parseDate(birth)
	return c, err
}

// Child reads a child.
func (s *Store) Child(ctx context.Context, m domain.Municipality, id domain.ChildID) (domain.Child, error) {
	return queryOne(ctx, s, "child", selectChild, scanChild, m, id)
}

// ChildByNationalID finds a child by national identity number.
func (s *Store) ChildByNationalID(ctx context.Context, m domain.Municipality, n domain.NationalID) (domain.Child, error) {
	if n.IsZero() {
		return domain.Child{}, fmt.Errorf("sqlite: child: %w", domain.ErrNotFound)
	}
	return queryOne(ctx, s, "child", selectChildByNational, scanChild, m, n.String())
}

// Children lists the municipality's children, sorted by domain.SortChildren.
func (s *Store) Children(ctx context.Context, m domain.Municipality) ([]domain.Child, error) {
	cs, err := queryAll(ctx, s, selectChildren, scanChild, m)
	if err != nil {
		return nil, err
	}
	domain.SortChildren(cs)
	return cs, nil
}

// ChildrenPage implements domain.DirectoryReader: the search in SQL
// (domain.SearchPatterns), each row found checked by ChildQuery.Matches.
func (s *Store) ChildrenPage(ctx context.Context, m domain.Municipality, q domain.ChildQuery) ([]domain.Child, error) {
	patterns, err := json.Marshal(append([]string{}, domain.SearchPatterns(q.Search)...))
	if err != nil {
		return nil, err
	}
	var prefix any
	if p := domain.NationalIDPrefix(q.Search); q.ByNationalID && p != "" {
		prefix = p + "%"
	}
	return domain.CollectPage(q.Limit, q.After.String(), func(c domain.Child) string { return c.ID.String() },
		func(after string, n int) ([]domain.Child, error) {
			return queryAll(ctx, s, selectChildrenPage, scanChild, m, after, string(patterns), prefix, n)
		}, q.Matches)
}

// GuardiansByID reads the guardians with the IDs in one statement, sorted
// by ID; unknown IDs are left out.
func (s *Store) GuardiansByID(ctx context.Context, m domain.Municipality, ids []domain.GuardianID) ([]domain.Guardian, error) {
	if len(ids) == 0 {
		return []domain.Guardian{}, nil
	}
	arg, err := idArray(ids)
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, s, selectGuardiansByID, scanGuardian, m, arg)
}

// idArray is IDs as a JSON array, for json_each.
func idArray[T any](ids []domain.ID[T]) (string, error) {
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = id.String()
	}
	b, err := json.Marshal(list)
	return string(b), err
}

// ChildrenByID reads the children with the IDs in one statement, sorted by
// domain.SortChildren; unknown IDs are left out.
func (s *Store) ChildrenByID(ctx context.Context, m domain.Municipality, ids []domain.ChildID) ([]domain.Child, error) {
	if len(ids) == 0 {
		return []domain.Child{}, nil
	}
	arg, err := idArray(ids)
	if err != nil {
		return nil, err
	}
	cs, err := queryAll(ctx, s, selectChildrenByID, scanChild, m, arg)
	if err != nil {
		return nil, err
	}
	domain.SortChildren(cs)
	return cs, nil
}

// CreateChild stores a new child.
func (s *Store) CreateChild(ctx context.Context, c domain.Child) error {
	if err := validChild(c); err != nil {
		return err
	}
	a := c.Address
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertChild, c.Municipality, c.ID, nullNationalID(c.NationalID),
			c.GivenName, c.FamilyName, c.BirthDate.String(), c.AddressProtection,
			a.Street, a.Cadastral, a.Postcode, a.PostTown, string(a.Municipality))
		return s.insertErr(ctx, writeErr(err, "child"), "child", childExists, c.Municipality, c.ID)
	})
}

// UpdateChild replaces a stored child.
func (s *Store) UpdateChild(ctx context.Context, c domain.Child) error {
	if err := validChild(c); err != nil {
		return err
	}
	a := c.Address
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, updateChild, nullNationalID(c.NationalID), c.GivenName, c.FamilyName,
			c.BirthDate.String(), c.AddressProtection, a.Street, a.Cadastral, a.Postcode, a.PostTown, string(a.Municipality), c.Municipality, c.ID)
		return affected(res, err, "child")
	})
}

func validChild(c domain.Child) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return checkDate("birthDate", c.BirthDate)
}

// Guardians.

const (
	selectGuardian           = `SELECT ` + guardianCols + ` FROM guardians WHERE municipality = ? AND id = ?`
	selectGuardiansByID      = `SELECT ` + guardianCols + ` FROM guardians WHERE municipality = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id`
	selectGuardianByNational = `SELECT ` + guardianCols + ` FROM guardians WHERE municipality = ? AND national_id = ?`
	insertGuardian           = `INSERT INTO guardians (` + guardianCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	guardianExists           = `SELECT 1 FROM guardians WHERE municipality = ? AND id = ?`
	updateGuardian           = `UPDATE guardians SET national_id = ?, given_name = ?, family_name = ?, email = ?, phone = ?, address_protection = ?, address_street = ?, address_cadastral = ?, address_postcode = ?, address_post_town = ?, address_municipality = ?
		WHERE municipality = ? AND id = ?`
)

func scanGuardian(r scanner) (domain.Guardian, error) {
	var g domain.Guardian
	var nid, email, phone sql.NullString
	if err := r.Scan(&g.Municipality, &g.ID, &nid, &g.GivenName, &g.FamilyName, &email, &phone, &g.AddressProtection,
		&g.Address.Street, &g.Address.Cadastral, &g.Address.Postcode, &g.Address.PostTown, &g.Address.Municipality); err != nil {
		return g, err
	}
	g.Email, g.Phone = email.String, phone.String
	var err error
	g.NationalID, err = nationalID(nid)
	return g, err
}

// Guardian reads a guardian.
func (s *Store) Guardian(ctx context.Context, m domain.Municipality, id domain.GuardianID) (domain.Guardian, error) {
	return queryOne(ctx, s, "guardian", selectGuardian, scanGuardian, m, id)
}

// GuardianByNationalID finds a guardian by national identity number.
func (s *Store) GuardianByNationalID(ctx context.Context, m domain.Municipality, n domain.NationalID) (domain.Guardian, error) {
	if n.IsZero() {
		return domain.Guardian{}, fmt.Errorf("sqlite: guardian: %w", domain.ErrNotFound)
	}
	return queryOne(ctx, s, "guardian", selectGuardianByNational, scanGuardian, m, n.String())
}

// CreateGuardian stores a new guardian.
func (s *Store) CreateGuardian(ctx context.Context, g domain.Guardian) error {
	if err := g.Validate(); err != nil {
		return err
	}
	a := g.Address
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertGuardian, g.Municipality, g.ID, nullNationalID(g.NationalID),
			g.GivenName, g.FamilyName, nullString(g.Email), nullString(g.Phone), g.AddressProtection,
			a.Street, a.Cadastral, a.Postcode, a.PostTown, string(a.Municipality))
		return s.insertErr(ctx, writeErr(err, "guardian"), "guardian", guardianExists, g.Municipality, g.ID)
	})
}

// UpdateGuardian replaces a stored guardian.
func (s *Store) UpdateGuardian(ctx context.Context, g domain.Guardian) error {
	if err := g.Validate(); err != nil {
		return err
	}
	a := g.Address
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, updateGuardian, nullNationalID(g.NationalID), g.GivenName, g.FamilyName,
			nullString(g.Email), nullString(g.Phone), g.AddressProtection, a.Street, a.Cadastral, a.Postcode, a.PostTown, string(a.Municipality), g.Municipality, g.ID)
		return affected(res, err, "guardian")
	})
}

// Guardianships.

const (
	selectGuardianships = `SELECT ` + wardshipCols + ` FROM guardianships WHERE municipality = ? AND child_id = ?`
	selectWards         = `SELECT ` + wardshipCols + ` FROM guardianships INDEXED BY guardianships_by_guardian
		WHERE municipality = ? AND guardian_id = ?`
	selectWardsOf = `SELECT ` + wardshipCols + ` FROM guardianships INDEXED BY guardianships_by_guardian
		WHERE municipality = ? AND guardian_id IN (SELECT value FROM json_each(?))`
	upsertGuardianship = `INSERT INTO guardianships (` + wardshipCols + `) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (municipality, child_id, guardian_id) DO UPDATE SET
			parental_responsibility = excluded.parental_responsibility,
			lives_with_child = excluded.lives_with_child,
			information_requested = excluded.information_requested,
			information_denied = excluded.information_denied`
	deleteGuardianship = `DELETE FROM guardianships WHERE municipality = ? AND child_id = ? AND guardian_id = ?`
	// selectGuardianLinks reads a child's guardianships with their guardians.
	selectGuardianLinks = `SELECT gs.municipality, gs.child_id, gs.guardian_id, gs.parental_responsibility,
			gs.lives_with_child, gs.information_requested, gs.information_denied,
			g.municipality, g.id, g.national_id, g.given_name, g.family_name, g.email, g.phone, g.address_protection,
			g.address_street, g.address_cadastral, g.address_postcode, g.address_post_town, g.address_municipality
		FROM guardianships gs
		JOIN guardians g ON g.municipality = gs.municipality AND g.id = gs.guardian_id
		WHERE gs.municipality = ? AND gs.child_id = ?`
)

func scanGuardianship(r scanner) (domain.Guardianship, error) {
	var g domain.Guardianship
	err := r.Scan(&g.Municipality, &g.ChildID, &g.GuardianID, &g.ParentalResponsibility,
		&g.LivesWithChild, &g.InformationRequested, &g.InformationDenied)
	return g, err
}

func scanGuardianLink(r scanner) (domain.GuardianLink, error) {
	var l domain.GuardianLink
	gs, g := &l.Guardianship, &l.Guardian
	var nid, email, phone sql.NullString
	if err := r.Scan(&gs.Municipality, &gs.ChildID, &gs.GuardianID, &gs.ParentalResponsibility,
		&gs.LivesWithChild, &gs.InformationRequested, &gs.InformationDenied,
		&g.Municipality, &g.ID, &nid, &g.GivenName, &g.FamilyName, &email, &phone, &g.AddressProtection,
		&g.Address.Street, &g.Address.Cadastral, &g.Address.Postcode, &g.Address.PostTown, &g.Address.Municipality); err != nil {
		return l, err
	}
	g.Email, g.Phone = email.String, phone.String
	var err error
	g.NationalID, err = nationalID(nid)
	return l, err
}

// Guardianships lists the guardians of a child, sorted by guardian ID.
func (s *Store) Guardianships(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]domain.Guardianship, error) {
	gs, err := queryAll(ctx, s, selectGuardianships, scanGuardianship, m, child)
	if err != nil {
		return nil, err
	}
	domain.SortGuardianships(gs)
	return gs, nil
}

// Wards lists the guardianships of a guardian, sorted by child ID.
func (s *Store) Wards(ctx context.Context, m domain.Municipality, guardian domain.GuardianID) ([]domain.Guardianship, error) {
	gs, err := queryAll(ctx, s, selectWards, scanGuardianship, m, guardian)
	if err != nil {
		return nil, err
	}
	domain.SortGuardianships(gs)
	return gs, nil
}

// WardsOf lists the guardianships of the guardians in one statement.
func (s *Store) WardsOf(ctx context.Context, m domain.Municipality, guardians []domain.GuardianID) ([]domain.Guardianship, error) {
	if len(guardians) == 0 {
		return []domain.Guardianship{}, nil
	}
	arg, err := idArray(guardians)
	if err != nil {
		return nil, err
	}
	gs, err := queryAll(ctx, s, selectWardsOf, scanGuardianship, m, arg)
	if err != nil {
		return nil, err
	}
	domain.SortGuardianships(gs)
	return gs, nil
}

// PutGuardianship creates the link or replaces its flags.
func (s *Store) PutGuardianship(ctx context.Context, g domain.Guardianship) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := domain.CheckGuardianship(ctx, s, g); err != nil {
			return err
		}
		_, err := s.exec(ctx, upsertGuardianship, g.Municipality, g.ChildID, g.GuardianID, g.ParentalResponsibility,
			g.LivesWithChild, g.InformationRequested, g.InformationDenied)
		return writeErr(err, "guardianship")
	})
}

// DeleteGuardianship removes the link between a child and a guardian.
func (s *Store) DeleteGuardianship(ctx context.Context, m domain.Municipality, child domain.ChildID, guardian domain.GuardianID) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deleteGuardianship, m, child, guardian)
		return affected(res, err, "guardianship")
	})
}

// Units.

const (
	selectUnit  = `SELECT ` + unitCols + ` FROM units WHERE municipality = ? AND id = ?`
	selectUnits = `SELECT ` + unitCols + ` FROM units WHERE municipality = ?`
	insertUnit  = `INSERT INTO units (` + unitCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	updateUnit  = `UPDATE units SET name = ?, kind = ?, owner = ?, parent_id = ?, address_street = ?, address_cadastral = ?,
		address_postcode = ?, address_post_town = ?, address_municipality = ?, opening_hours = ?, phone = ?, email = ?,
		seats_small = ?, seats_large = ?, grade_from = ?, grade_to = ?, closing_date = ?
		WHERE municipality = ? AND id = ?`
	unitExists = `SELECT 1 FROM units WHERE municipality = ? AND id = ?`
)

func scanUnit(r scanner) (domain.Unit, error) {
	var u domain.Unit
	var hours string
	var closing sql.NullString
	a := &u.Address
	if err := r.Scan(&u.Municipality, &u.ID, &u.Name, &u.Kind, &u.Owner, &u.Parent,
		&a.Street, &a.Cadastral, &a.Postcode, &a.PostTown, &a.Municipality, &hours, &u.Contact.Phone, &u.Contact.Email,
		&u.Seats.Small, &u.Seats.Large, &u.Grades.From, &u.Grades.To, &closing); err != nil {
		return u, err
	}
	var err error
	if u.OpeningHours, err = readHours(hours); err != nil {
		return u, err
	}
	u.ClosingDate, err = nullDate(closing)
	return u, err
}

// unitArgs are the columns of unitCols after the municipality and ID.
func unitArgs(u domain.Unit) []any {
	a := u.Address
	return []any{u.Name, u.Kind, u.Owner, u.Parent, a.Street, a.Cadastral, a.Postcode, a.PostTown, string(a.Municipality),
		writeHours(u.OpeningHours), u.Contact.Phone, u.Contact.Email, u.Seats.Small, u.Seats.Large,
		u.Grades.From, u.Grades.To, dateOrNull(u.ClosingDate)}
}

// readHours reads stored opening hours; none is nil.
func readHours(s string) (domain.OpeningHours, error) {
	var h domain.OpeningHours
	if err := json.Unmarshal([]byte(s), &h); err != nil {
		return nil, fmt.Errorf("stored opening hours: %w", err)
	}
	if len(h) == 0 {
		return nil, nil
	}
	return h, nil
}

func writeHours(h domain.OpeningHours) string {
	if len(h) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(h) // a map of strings always encodes
	return string(b)
}

// nullDate reads a date column that may be NULL (date.Zero).
func nullDate(s sql.NullString) (date.Date, error) {
	if !s.Valid {
		return date.Zero, nil
	}
	return parseDate(s.String)
}

// dateOrNull writes date.Zero as NULL.
func dateOrNull(d date.Date) any {
	if d == date.Zero {
		return nil
	}
	return d.String()
}

// Unit reads a unit.
func (s *Store) Unit(ctx context.Context, m domain.Municipality, id domain.UnitID) (domain.Unit, error) {
	return queryOne(ctx, s, "unit", selectUnit, scanUnit, m, id)
}

// Units lists the municipality's units, sorted by domain.SortUnits.
func (s *Store) Units(ctx context.Context, m domain.Municipality) ([]domain.Unit, error) {
	us, err := queryAll(ctx, s, selectUnits, scanUnit, m)
	if err != nil {
		return nil, err
	}
	domain.SortUnits(us)
	return us, nil
}

// CreateUnit stores a new unit.
func (s *Store) CreateUnit(ctx context.Context, u domain.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := domain.CheckUnit(ctx, s, u); err != nil {
			return err
		}
		_, err := s.exec(ctx, insertUnit, append([]any{u.Municipality, u.ID}, unitArgs(u)...)...)
		return writeErr(err, "unit")
	})
}

// UpdateUnit replaces a stored unit.
func (s *Store) UpdateUnit(ctx context.Context, u domain.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.mustExist(ctx, "unit", unitExists, u.Municipality, u.ID); err != nil {
			return err
		}
		if err := domain.CheckUnitUpdate(ctx, s, u); err != nil {
			return err
		}
		res, err := s.exec(ctx, updateUnit, append(unitArgs(u), u.Municipality, u.ID)...)
		return affected(res, err, "unit")
	})
}

// Groups.

const (
	selectGroup  = `SELECT ` + groupCols + ` FROM unit_groups WHERE municipality = ? AND id = ?`
	selectGroups = `SELECT ` + groupCols + ` FROM unit_groups INDEXED BY unit_groups_by_unit
		WHERE municipality = ? AND unit_id = ?`
	selectAllGroups = `SELECT ` + groupCols + ` FROM unit_groups WHERE municipality = ?`
	insertGroup     = `INSERT INTO unit_groups (` + groupCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	updateGroup     = `UPDATE unit_groups SET unit_id = ?, name = ?, age_group = ?, grade_from = ?, grade_to = ?, closing_date = ?
		WHERE municipality = ? AND id = ?`
	groupExists = `SELECT 1 FROM unit_groups WHERE municipality = ? AND id = ?`
)

func scanGroup(r scanner) (domain.Group, error) {
	var g domain.Group
	var closing sql.NullString
	if err := r.Scan(&g.Municipality, &g.ID, &g.UnitID, &g.Name, &g.AgeGroup, &g.Grades.From, &g.Grades.To, &closing); err != nil {
		return g, err
	}
	var err error
	g.ClosingDate, err = nullDate(closing)
	return g, err
}

// Group reads a group.
func (s *Store) Group(ctx context.Context, m domain.Municipality, id domain.GroupID) (domain.Group, error) {
	return queryOne(ctx, s, "group", selectGroup, scanGroup, m, id)
}

// Groups lists the groups of a unit, sorted by domain.SortGroups.
func (s *Store) Groups(ctx context.Context, m domain.Municipality, unit domain.UnitID) ([]domain.Group, error) {
	gs, err := queryAll(ctx, s, selectGroups, scanGroup, m, unit)
	if err != nil {
		return nil, err
	}
	domain.SortGroups(gs)
	return gs, nil
}

// CreateGroup stores a new group.
func (s *Store) CreateGroup(ctx context.Context, g domain.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := domain.CheckGroup(ctx, s, g); err != nil {
			return err
		}
		_, err := s.exec(ctx, insertGroup, g.Municipality, g.ID, g.UnitID, g.Name, g.AgeGroup, g.Grades.From, g.Grades.To, dateOrNull(g.ClosingDate))
		return writeErr(err, "group")
	})
}

// UpdateGroup replaces a stored group.
func (s *Store) UpdateGroup(ctx context.Context, g domain.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.mustExist(ctx, "group", groupExists, g.Municipality, g.ID); err != nil {
			return err
		}
		if err := domain.CheckGroupUpdate(ctx, s, g); err != nil {
			return err
		}
		res, err := s.exec(ctx, updateGroup, g.UnitID, g.Name, g.AgeGroup, g.Grades.From, g.Grades.To, dateOrNull(g.ClosingDate), g.Municipality, g.ID)
		return affected(res, err, "group")
	})
}

// Placements.

const (
	selectPlacement  = `SELECT ` + placementCols + ` FROM placements WHERE municipality = ? AND id = ?`
	selectPlacements = `SELECT ` + placementCols + ` FROM placements INDEXED BY placements_by_child
		WHERE municipality = ? AND child_id = ?`
	selectUnitPlacements = `SELECT ` + placementCols + ` FROM placements INDEXED BY placements_by_unit
		WHERE municipality = ? AND unit_id = ? AND start_date <= ? AND coalesce(end_date, '` + openEnd + `') >= ?`
	selectPlacementsWithin = `SELECT ` + placementCols + ` FROM placements
		WHERE municipality = ? AND start_date <= ? AND coalesce(end_date, '` + openEnd + `') >= ?`
	// The placed count reads placements_by_group_child alone, in the order
	// of its grouping and distinct children: no row, no sort.
	selectPlacedOn = `SELECT unit_id, group_id, count(DISTINCT child_id) FROM placements INDEXED BY placements_by_group_child
		WHERE municipality = ? AND start_date <= ? AND coalesce(end_date, '` + openEnd + `') >= ? GROUP BY unit_id, group_id`
	insertPlacement = `INSERT INTO placements (` + placementCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	updatePlacement = `UPDATE placements SET child_id = ?, unit_id = ?, group_id = ?, kind = ?, hours_per_week = ?,
			start_date = ?, end_date = ?
		WHERE municipality = ? AND id = ?`
	deletePlacement = `DELETE FROM placements WHERE municipality = ? AND id = ?`
	placementExists = `SELECT 1 FROM placements WHERE municipality = ? AND id = ?`
)

func scanPlacement(r scanner) (domain.Placement, error) {
	var p domain.Placement
	var start string
	var end sql.NullString
	if err := r.Scan(&p.Municipality, &p.ID, &p.ChildID, &p.UnitID, &p.GroupID, &p.Kind, &p.HoursPerWeek, &start, &end); err != nil {
		return p, err
	}
	var err error
	if p.Period.Start, err = parseDate(start); err != nil {
		return p, err
	}
	if end.Valid {
		p.Period.End, err = parseDate(end.String)
	}
	return p, err
}

// AllGroups lists every unit's groups in one query, sorted by
// domain.SortGroups.
func (s *Store) AllGroups(ctx context.Context, m domain.Municipality) ([]domain.Group, error) {
	gs, err := queryAll(ctx, s, selectAllGroups, scanGroup, m)
	if err != nil {
		return nil, err
	}
	domain.SortGroups(gs)
	return gs, nil
}

// Placement reads a placement.
func (s *Store) Placement(ctx context.Context, m domain.Municipality, id domain.PlacementID) (domain.Placement, error) {
	return queryOne(ctx, s, "placement", selectPlacement, scanPlacement, m, id)
}

// Placements lists a child's placements, sorted by domain.SortPlacements.
func (s *Store) Placements(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]domain.Placement, error) {
	ps, err := queryAll(ctx, s, selectPlacements, scanPlacement, m, child)
	if err != nil {
		return nil, err
	}
	domain.SortPlacements(ps)
	return ps, nil
}

// UnitPlacements lists the placements in a unit that share at least one day
// with the period, sorted by domain.SortPlacements.
func (s *Store) UnitPlacements(ctx context.Context, m domain.Municipality, unit domain.UnitID, within domain.Period) ([]domain.Placement, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	last := openEnd
	if !within.Open() {
		last = within.End.String()
	}
	ps, err := queryAll(ctx, s, selectUnitPlacements, scanPlacement, m, unit, last, within.Start.String())
	if err != nil {
		return nil, err
	}
	domain.SortPlacements(ps)
	return ps, nil
}

// PlacementsWithin lists the placements of every unit that share at least
// one day with the period, in one query, sorted by domain.SortPlacements.
func (s *Store) PlacementsWithin(ctx context.Context, m domain.Municipality, within domain.Period) ([]domain.Placement, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	last := openEnd
	if !within.Open() {
		last = within.End.String()
	}
	ps, err := queryAll(ctx, s, selectPlacementsWithin, scanPlacement, m, last, within.Start.String())
	if err != nil {
		return nil, err
	}
	domain.SortPlacements(ps)
	return ps, nil
}

// PlacedOn counts the children placed on the day per unit and group in one
// statement.
func (s *Store) PlacedOn(ctx context.Context, m domain.Municipality, day date.Date) ([]domain.Placed, error) {
	ps, err := queryAll(ctx, s, selectPlacedOn, func(r scanner) (domain.Placed, error) {
		var p domain.Placed
		err := r.Scan(&p.Unit, &p.Group, &p.Children)
		return p, err
	}, m, day.String(), day.String())
	if err != nil {
		return nil, err
	}
	domain.SortPlaced(ps)
	return ps, nil
}

// CreatePlacement stores a new placement; one that overlaps another of the
// same kind for the child is refused with domain.OverlapConflict.
func (s *Store) CreatePlacement(ctx context.Context, p domain.Placement) error {
	if err := validPlacement(p); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := domain.CheckPlacement(ctx, s, p); err != nil {
			return err
		}
		_, err := s.exec(ctx, insertPlacement, p.Municipality, p.ID, p.ChildID, p.UnitID, p.GroupID, p.Kind,
			p.HoursPerWeek, p.Period.Start.String(), endDate(p.Period))
		return writeErr(err, "placement")
	})
}

// UpdatePlacement replaces a stored placement.
func (s *Store) UpdatePlacement(ctx context.Context, p domain.Placement) error {
	if err := validPlacement(p); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.mustExist(ctx, "placement", placementExists, p.Municipality, p.ID); err != nil {
			return err
		}
		if err := domain.CheckPlacement(ctx, s, p); err != nil {
			return err
		}
		res, err := s.exec(ctx, updatePlacement, p.ChildID, p.UnitID, p.GroupID, p.Kind, p.HoursPerWeek,
			p.Period.Start.String(), endDate(p.Period), p.Municipality, p.ID)
		return affected(res, err, "placement")
	})
}

// DeletePlacement removes a placement.
func (s *Store) DeletePlacement(ctx context.Context, m domain.Municipality, id domain.PlacementID) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deletePlacement, m, id)
		return affected(res, err, "placement")
	})
}

func validPlacement(p domain.Placement) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if err := checkDate("period.start", p.Period.Start); err != nil {
		return err
	}
	if !p.Period.Open() {
		return checkDate("period.end", p.Period.End)
	}
	return nil
}

// ChildRecord reads a child with its guardians and placements, from one
// snapshot.
func (s *Store) ChildRecord(ctx context.Context, m domain.Municipality, id domain.ChildID) (domain.ChildRecord, error) {
	var rec domain.ChildRecord
	err := s.read(ctx, func(ctx context.Context) error {
		var err error
		if rec.Child, err = s.Child(ctx, m, id); err != nil {
			return err
		}
		if rec.Guardians, err = queryAll(ctx, s, selectGuardianLinks, scanGuardianLink, m, id); err != nil {
			return err
		}
		rec.Placements, err = s.Placements(ctx, m, id)
		return err
	})
	if err != nil {
		return domain.ChildRecord{}, err
	}
	slices.SortFunc(rec.Guardians, func(a, b domain.GuardianLink) int {
		return a.Guardianship.GuardianID.Compare(b.Guardianship.GuardianID)
	})
	return rec, nil
}

// Helpers.

// mustExist reports ErrNotFound when the query finds no row.
func (s *Store) mustExist(ctx context.Context, what, query string, args ...any) error {
	_, err := queryOne(ctx, s, what, query, func(r scanner) (int, error) {
		var one int
		err := r.Scan(&one)
		return one, err
	}, args...)
	return err
}

// insertErr reports a duplicate ID rather than a duplicate national ID when
// both clash: SQLite may check the national ID index first.
func (s *Store) insertErr(ctx context.Context, err error, what, exists string, args ...any) error {
	if domain.FieldOf(err) != "nationalId" {
		return err
	}
	if s.mustExist(ctx, what, exists, args...) == nil {
		return idConflict(what)
	}
	return err
}

// checkDate refuses dates SQLite's 'YYYY-MM-DD' text cannot order: years
// before 1 or after 9999.
func checkDate(field string, d date.Date) error {
	if y := d.Year(); y < 1 || y > 9999 {
		return domain.Invalid(field, "year-is-outside-1-to-9999", "year", fmt.Sprint(y))
	}
	return nil
}

// parseDate reads a stored date with domain.ParseDate: a text that is no
// day of the calendar (written by another program) is an error, never
// rolled over into another day.
func parseDate(s string) (date.Date, error) {
	d, err := domain.ParseDate("date", s)
	if err != nil {
		return date.Zero, fmt.Errorf("stored date %q: %w", s, err)
	}
	return d, nil
}

// endDate is the stored end of a period: NULL when open.
func endDate(p domain.Period) any {
	if p.Open() {
		return nil
	}
	return p.End.String()
}

func nationalID(s sql.NullString) (domain.NationalID, error) {
	if !s.Valid {
		return domain.NationalID{}, nil
	}
	return domain.ParseNationalID(s.String)
}

func nullNationalID(n domain.NationalID) any {
	if n.IsZero() {
		return nil
	}
	return n.String()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
