package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/oppvekst/oppvekst/domain"
)

var _ domain.StaffStore = (*Store)(nil)

const staffColumns = `id, name, principal, email`

func scanStaff(row scanner, m domain.Municipality) (domain.StaffMember, error) {
	s := domain.StaffMember{Municipality: m}
	err := row.Scan(scanID(&s.ID), &s.Name, &s.Principal, &s.Email)
	return s, err
}

const grantColumns = `id, staff_id, role, unit_id, capability, start_date, end_date`

func scanGrant(row scanner, m domain.Municipality) (domain.Grant, error) {
	g := domain.Grant{Municipality: m}
	err := row.Scan(scanID(&g.ID), scanID(&g.Staff), stringScan[domain.GrantRole]{&g.Role}, scanID(&g.Unit),
		stringScan[domain.Capability]{&g.Capability}, dateScan{&g.Period.Start}, dateScan{&g.Period.End})
	return g, err
}

var errPrincipalTaken = &domain.ConflictError{Field: "principal", Reason: "another-staff-member-has-this-feide-identity"}

// principalTaken reports whether another member of the municipality has
// the principal.
func principalTaken(ctx context.Context, tx pgx.Tx, s domain.StaffMember) (bool, error) {
	var taken bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM staff_members WHERE municipality = $1 AND principal = $2 AND id <> $3)`,
		string(s.Municipality), s.Principal, uid(s.ID)).Scan(&taken)
	if err != nil {
		return false, dbError("check principal", err)
	}
	return taken, nil
}

// CreateStaffMember implements domain.StaffStore.
func (s *Store) CreateStaffMember(ctx context.Context, m domain.StaffMember) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if taken, err := principalTaken(ctx, tx, m); err != nil || taken {
			if err == nil {
				err = errPrincipalTaken
			}
			return err
		}
		n, err := exec(ctx, tx, "create staff member", `INSERT INTO staff_members (municipality, `+staffColumns+`)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, string(m.Municipality), uid(m.ID), m.Name, m.Principal, m.Email)
		if err != nil || n == 1 {
			return err
		}
		return conflict(ctx, tx, "staff_members", m.Municipality, uid(m.ID), errPrincipalTaken)
	})
}

// UpdateStaffMember implements domain.StaffStore.
func (s *Store) UpdateStaffMember(ctx context.Context, m domain.StaffMember) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if taken, err := principalTaken(ctx, tx, m); err != nil || taken {
			if err == nil {
				err = errPrincipalTaken
			}
			return err
		}
		n, err := exec(ctx, tx, "update staff member", `UPDATE staff_members SET name = $3, principal = $4, email = $5
			WHERE municipality = $1 AND id = $2`, string(m.Municipality), uid(m.ID), m.Name, m.Principal, m.Email)
		if err == nil && n == 0 {
			return notFound("staff member", m.Municipality, m.ID.String())
		}
		return err
	})
}

// StaffMember implements domain.StaffStore.
func (s *Store) StaffMember(ctx context.Context, m domain.Municipality, id domain.StaffID) (domain.StaffMember, error) {
	return one(ctx, s.q(ctx), "staff member", m, id.String(), scanStaff,
		`SELECT `+staffColumns+` FROM staff_members WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// StaffByPrincipal implements domain.StaffStore.
func (s *Store) StaffByPrincipal(ctx context.Context, m domain.Municipality, principal string) (domain.StaffMember, error) {
	return one(ctx, s.q(ctx), "staff member", m, principal, scanStaff,
		`SELECT `+staffColumns+` FROM staff_members WHERE municipality = $1 AND principal = $2`, string(m), principal)
}

// StaffMembers implements domain.StaffStore.
func (s *Store) StaffMembers(ctx context.Context, m domain.Municipality) ([]domain.StaffMember, error) {
	out, err := list(ctx, s.q(ctx), "staff members", m, scanStaff,
		`SELECT `+staffColumns+` FROM staff_members WHERE municipality = $1`, string(m))
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
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		m := g.Municipality
		stored, err := s.Grant(ctx, m, g.ID)
		switch {
		case err == nil:
			// Only the period of a stored grant changes.
			stored.Period = g.Period
			g = stored
		case !domain.IsNotFound(err):
			return err
		}
		var staffOK, unitOK bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM staff_members WHERE municipality = $1 AND id = $2),
			$3::uuid IS NULL OR EXISTS (SELECT 1 FROM units WHERE municipality = $1 AND id = $3)`,
			string(m), uid(g.Staff), uid(g.Unit)).Scan(&staffOK, &unitOK); err != nil {
			return dbError("check grant", err)
		}
		if !staffOK {
			return domain.Invalid("staff", "no-such-staff-member")
		}
		if !unitOK {
			return domain.Invalid("unit", "no-such-unit")
		}
		// Lock the member's grants so two grants written at once are
		// checked against each other.
		if _, err := exec(ctx, tx, "lock staff member", `SELECT 1 FROM staff_members WHERE municipality = $1 AND id = $2 FOR UPDATE`,
			string(m), uid(g.Staff)); err != nil {
			return err
		}
		others, err := s.Grants(ctx, m, g.Staff)
		if err != nil {
			return err
		}
		if err := domain.CheckGrant(g, others); err != nil {
			return err
		}
		_, err = exec(ctx, tx, "put grant", `INSERT INTO staff_grants (municipality, `+grantColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (municipality, id) DO UPDATE SET start_date = excluded.start_date, end_date = excluded.end_date`,
			string(m), uid(g.ID), uid(g.Staff), string(g.Role), uid(g.Unit), string(g.Capability), pgDay(g.Period.Start), pgEnd(g.Period.End))
		return err
	})
}

// DeleteGrant implements domain.StaffStore.
func (s *Store) DeleteGrant(ctx context.Context, m domain.Municipality, id domain.GrantID) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "delete grant", `DELETE FROM staff_grants WHERE municipality = $1 AND id = $2`, string(m), uid(id))
		if err == nil && n == 0 {
			return notFound("grant", m, id.String())
		}
		return err
	})
}

// Grant implements domain.StaffStore.
func (s *Store) Grant(ctx context.Context, m domain.Municipality, id domain.GrantID) (domain.Grant, error) {
	return one(ctx, s.q(ctx), "grant", m, id.String(), scanGrant,
		`SELECT `+grantColumns+` FROM staff_grants WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// Grants implements domain.StaffStore.
func (s *Store) Grants(ctx context.Context, m domain.Municipality, staff domain.StaffID) ([]domain.Grant, error) {
	out, err := list(ctx, s.q(ctx), "grants", m, scanGrant,
		`SELECT `+grantColumns+` FROM staff_grants WHERE municipality = $1 AND staff_id = $2`, string(m), uid(staff))
	if err != nil {
		return nil, err
	}
	domain.SortGrants(out)
	return out, nil
}

// RoleGrants implements domain.StaffStore.
func (s *Store) RoleGrants(ctx context.Context, m domain.Municipality, role domain.GrantRole) ([]domain.Grant, error) {
	out, err := list(ctx, s.q(ctx), "grants", m, scanGrant,
		`SELECT `+grantColumns+` FROM staff_grants WHERE municipality = $1 AND role = $2`, string(m), string(role))
	if err != nil {
		return nil, err
	}
	domain.SortGrants(out)
	return out, nil
}
