package sqlite

import (
	"context"
	"database/sql"

	"github.com/oppvekst/oppvekst/domain"
)

// staffQueries are the statements of the staff store port that Open
// prepares.
var staffQueries = []string{
	insertStaff, updateStaff, selectStaff, selectStaffByPrincipal, selectStaffMembers, staffExists,
	upsertGrant, deleteGrant, selectGrant, selectGrants, selectRoleGrants,
}

const (
	staffCols              = `municipality, id, name, principal, email`
	insertStaff            = `INSERT INTO staff_members (` + staffCols + `) VALUES (?, ?, ?, ?, ?)`
	updateStaff            = `UPDATE staff_members SET name = ?, principal = ?, email = ? WHERE municipality = ? AND id = ?`
	selectStaff            = `SELECT ` + staffCols + ` FROM staff_members WHERE municipality = ? AND id = ?`
	selectStaffByPrincipal = `SELECT ` + staffCols + ` FROM staff_members INDEXED BY staff_members_principal WHERE municipality = ? AND principal = ?`
	selectStaffMembers     = `SELECT ` + staffCols + ` FROM staff_members WHERE municipality = ?`
	staffExists            = `SELECT 1 FROM staff_members WHERE municipality = ? AND id = ?`

	grantCols = `municipality, id, staff_id, role, unit_id, capability, start_date, end_date`
	// A stored grant keeps its member, role, unit and capability; only its
	// period changes.
	upsertGrant = `INSERT INTO staff_grants (` + grantCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (municipality, id) DO UPDATE SET start_date = excluded.start_date, end_date = excluded.end_date`
	deleteGrant      = `DELETE FROM staff_grants WHERE municipality = ? AND id = ?`
	selectGrant      = `SELECT ` + grantCols + ` FROM staff_grants WHERE municipality = ? AND id = ?`
	selectGrants     = `SELECT ` + grantCols + ` FROM staff_grants INDEXED BY staff_grants_by_staff WHERE municipality = ? AND staff_id = ?`
	selectRoleGrants = `SELECT ` + grantCols + ` FROM staff_grants INDEXED BY staff_grants_by_role WHERE municipality = ? AND role = ?`
)

var _ domain.StaffStore = (*Store)(nil)

func scanStaff(r scanner) (domain.StaffMember, error) {
	var s domain.StaffMember
	err := r.Scan(&s.Municipality, &s.ID, &s.Name, &s.Principal, &s.Email)
	return s, err
}

func scanGrant(r scanner) (domain.Grant, error) {
	var g domain.Grant
	var unit, end sql.NullString
	var start string
	if err := r.Scan(&g.Municipality, &g.ID, &g.Staff, &g.Role, &unit, &g.Capability, &start, &end); err != nil {
		return g, err
	}
	var err error
	if unit.Valid {
		if g.Unit, err = domain.ParseID[domain.Unit](unit.String); err != nil {
			return g, err
		}
	}
	if g.Period.Start, err = parseDate(start); err != nil {
		return g, err
	}
	if end.Valid {
		g.Period.End, err = parseDate(end.String)
	}
	return g, err
}

func principalConflict(err error) error {
	if isUnique(err, "staff_members.principal") {
		return &domain.ConflictError{Field: "principal", Reason: "another-staff-member-has-this-feide-identity"}
	}
	return writeErr(err, "staff member")
}

// CreateStaffMember implements domain.StaffStore.
func (s *Store) CreateStaffMember(ctx context.Context, m domain.StaffMember) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertStaff, m.Municipality, m.ID, m.Name, m.Principal, m.Email)
		return principalConflict(err)
	})
}

// UpdateStaffMember implements domain.StaffStore.
func (s *Store) UpdateStaffMember(ctx context.Context, m domain.StaffMember) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, updateStaff, m.Name, m.Principal, m.Email, m.Municipality, m.ID)
		if err != nil {
			return principalConflict(err)
		}
		return affected(res, err, "staff member")
	})
}

// StaffMember implements domain.StaffStore.
func (s *Store) StaffMember(ctx context.Context, m domain.Municipality, id domain.StaffID) (domain.StaffMember, error) {
	return queryOne(ctx, s, "staff member", selectStaff, scanStaff, m, id)
}

// StaffByPrincipal implements domain.StaffStore.
func (s *Store) StaffByPrincipal(ctx context.Context, m domain.Municipality, principal string) (domain.StaffMember, error) {
	return queryOne(ctx, s, "staff member", selectStaffByPrincipal, scanStaff, m, principal)
}

// StaffMembers implements domain.StaffStore.
func (s *Store) StaffMembers(ctx context.Context, m domain.Municipality) ([]domain.StaffMember, error) {
	out, err := queryAll(ctx, s, selectStaffMembers, scanStaff, m)
	if err != nil {
		return nil, err
	}
	domain.SortStaff(out)
	return out, nil
}

// PutGrant implements domain.StaffStore.
func (s *Store) PutGrant(ctx context.Context, g domain.Grant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	if err := checkDate("period.start", g.Period.Start); err != nil {
		return err
	}
	if !g.Period.Open() {
		if err := checkDate("period.end", g.Period.End); err != nil {
			return err
		}
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if stored, err := s.Grant(ctx, g.Municipality, g.ID); err == nil {
			// Only the period of a stored grant changes.
			stored.Period = g.Period
			g = stored
		} else if !domain.IsNotFound(err) {
			return err
		}
		if s.mustExist(ctx, "staff member", staffExists, g.Municipality, g.Staff) != nil {
			return domain.Invalid("staff", "no-such-staff-member")
		}
		var unit any
		if !g.Unit.IsZero() {
			if s.mustExist(ctx, "unit", unitExists, g.Municipality, g.Unit) != nil {
				return domain.Invalid("unit", "no-such-unit")
			}
			unit = g.Unit.String()
		}
		others, err := s.Grants(ctx, g.Municipality, g.Staff)
		if err != nil {
			return err
		}
		if err := domain.CheckGrant(g, others); err != nil {
			return err
		}
		_, err = s.exec(ctx, upsertGrant, g.Municipality, g.ID, g.Staff, g.Role, unit, g.Capability,
			g.Period.Start.String(), endDate(g.Period))
		return writeErr(err, "grant")
	})
}

// DeleteGrant implements domain.StaffStore.
func (s *Store) DeleteGrant(ctx context.Context, m domain.Municipality, id domain.GrantID) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deleteGrant, m, id)
		return affected(res, err, "grant")
	})
}

// Grant implements domain.StaffStore.
func (s *Store) Grant(ctx context.Context, m domain.Municipality, id domain.GrantID) (domain.Grant, error) {
	return queryOne(ctx, s, "grant", selectGrant, scanGrant, m, id)
}

// Grants implements domain.StaffStore.
func (s *Store) Grants(ctx context.Context, m domain.Municipality, staff domain.StaffID) ([]domain.Grant, error) {
	out, err := queryAll(ctx, s, selectGrants, scanGrant, m, staff)
	if err != nil {
		return nil, err
	}
	domain.SortGrants(out)
	return out, nil
}

// RoleGrants implements domain.StaffStore.
func (s *Store) RoleGrants(ctx context.Context, m domain.Municipality, role domain.GrantRole) ([]domain.Grant, error) {
	out, err := queryAll(ctx, s, selectRoleGrants, scanGrant, m, role)
	if err != nil {
		return nil, err
	}
	domain.SortGrants(out)
	return out, nil
}
