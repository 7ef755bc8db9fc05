package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// The catchment table and school start (migrations/00019_catchment.sql).

var _ admission.CatchmentStore = (*Store)(nil)

// Catchment reads the municipality's catchment table.
func (s *Store) Catchment(ctx context.Context, m domain.Municipality) (admission.Catchment, error) {
	return one(ctx, s.q(ctx), "catchment", m, "", scanJSON[admission.Catchment],
		`SELECT data FROM admission_catchment WHERE municipality = $1`, string(m))
}

// ReplaceCatchment replaces the municipality's catchment table.
func (s *Store) ReplaceCatchment(ctx context.Context, c admission.Catchment) error {
	if err := c.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		_, err := exec(ctx, tx, "replace catchment", `INSERT INTO admission_catchment (municipality, data) VALUES ($1, $2)
			ON CONFLICT (municipality) DO UPDATE SET data = excluded.data`, string(c.Municipality), data)
		return err
	})
}

// CreateSchoolStarter registers a child in a school intake.
func (s *Store) CreateSchoolStarter(ctx context.Context, st admission.SchoolStarter) error {
	if err := st.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var intake, child, taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM admission_intakes WHERE municipality = $1 AND id = $2),
			EXISTS (SELECT 1 FROM children WHERE municipality = $1 AND id = $3),
			EXISTS (SELECT 1 FROM admission_school_starters WHERE municipality = $1 AND intake_id = $2 AND child_id = $3)`,
			string(st.Municipality), uid(st.Intake), uid(st.Child)).Scan(&intake, &child, &taken); err != nil {
			return dbError("check school starter", err)
		}
		switch {
		case !intake:
			return domain.Invalid("intake", "no-such-intake")
		case !child:
			return domain.Invalid("child", "no-such-child")
		case taken:
			return &domain.ConflictError{Field: "child", Reason: "is-already-registered"}
		}
		n, err := exec(ctx, tx, "create school starter", `INSERT INTO admission_school_starters (municipality, intake_id, child_id, data)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, string(st.Municipality), uid(st.Intake), uid(st.Child), data)
		if err != nil || n == 1 {
			return err
		}
		return &domain.ConflictError{Field: "child", Reason: "is-already-registered"}
	})
}

// UpdateSchoolStarter replaces a registration.
func (s *Store) UpdateSchoolStarter(ctx context.Context, st admission.SchoolStarter) error {
	if err := st.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "update school starter", `UPDATE admission_school_starters SET data = $4
			WHERE municipality = $1 AND intake_id = $2 AND child_id = $3`, string(st.Municipality), uid(st.Intake), uid(st.Child), data)
		if err != nil || n == 1 {
			return err
		}
		return notFound("school starter", st.Municipality, st.Child.String())
	})
}

// SchoolStarters lists an intake's registrations by child ID.
func (s *Store) SchoolStarters(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.SchoolStarter, error) {
	return list(ctx, s.q(ctx), "school starters", m, scanJSON[admission.SchoolStarter],
		`SELECT data FROM admission_school_starters WHERE municipality = $1 AND intake_id = $2 ORDER BY child_id`, string(m), uid(intake))
}

// ChildSchoolStarters lists a child's registrations by intake ID.
func (s *Store) ChildSchoolStarters(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]admission.SchoolStarter, error) {
	return list(ctx, s.q(ctx), "school starters", m, scanJSON[admission.SchoolStarter],
		`SELECT data FROM admission_school_starters WHERE municipality = $1 AND child_id = $2 ORDER BY intake_id`, string(m), uid(child))
}

// CreateSchoolRequest stores a request for another school.
func (s *Store) CreateSchoolRequest(ctx context.Context, r admission.SchoolRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var starter, unit, taken, id bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM admission_school_starters WHERE municipality = $1 AND intake_id = $2 AND child_id = $3),
			EXISTS (SELECT 1 FROM units WHERE municipality = $1 AND id = $4),
			EXISTS (SELECT 1 FROM admission_school_requests WHERE municipality = $1 AND intake_id = $2 AND child_id = $3),
			EXISTS (SELECT 1 FROM admission_school_requests WHERE municipality = $1 AND id = $5)`,
			string(r.Municipality), uid(r.Intake), uid(r.Child), uid(r.Unit), uid(r.ID)).Scan(&starter, &unit, &taken, &id); err != nil {
			return dbError("check school request", err)
		}
		switch {
		case !starter:
			return domain.Invalid("child", admission.ReasonNotStarter)
		case !unit:
			return domain.Invalid("unit", admission.ReasonCatchmentNoSchool)
		case id:
			return &domain.ConflictError{Field: "id", Reason: "already-exists"}
		case taken:
			return &domain.ConflictError{Field: "child", Reason: admission.ReasonRequestOpen}
		}
		n, err := exec(ctx, tx, "create school request", `INSERT INTO admission_school_requests (municipality, id, intake_id, child_id, unit_id, data)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			string(r.Municipality), uid(r.ID), uid(r.Intake), uid(r.Child), uid(r.Unit), data)
		if err != nil || n == 1 {
			return err
		}
		return &domain.ConflictError{Field: "child", Reason: admission.ReasonRequestOpen}
	})
}

// UpdateSchoolRequest replaces a request; its intake, child and school
// cannot change.
func (s *Store) UpdateSchoolRequest(ctx context.Context, r admission.SchoolRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "update school request", `UPDATE admission_school_requests SET data = $6
			WHERE municipality = $1 AND id = $2 AND intake_id = $3 AND child_id = $4 AND unit_id = $5`,
			string(r.Municipality), uid(r.ID), uid(r.Intake), uid(r.Child), uid(r.Unit), data)
		if err != nil || n == 1 {
			return err
		}
		return notFound("school request", r.Municipality, r.ID.String())
	})
}

// SchoolRequest reads a request.
func (s *Store) SchoolRequest(ctx context.Context, m domain.Municipality, id admission.SchoolRequestID) (admission.SchoolRequest, error) {
	return one(ctx, s.q(ctx), "school request", m, id.String(), scanJSON[admission.SchoolRequest],
		`SELECT data FROM admission_school_requests WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// SchoolRequests lists an intake's requests by ID.
func (s *Store) SchoolRequests(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.SchoolRequest, error) {
	return list(ctx, s.q(ctx), "school requests", m, scanJSON[admission.SchoolRequest],
		`SELECT data FROM admission_school_requests WHERE municipality = $1 AND intake_id = $2 ORDER BY id`, string(m), uid(intake))
}

// ChildSchoolRequests lists a child's requests by ID.
func (s *Store) ChildSchoolRequests(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]admission.SchoolRequest, error) {
	return list(ctx, s.q(ctx), "school requests", m, scanJSON[admission.SchoolRequest],
		`SELECT data FROM admission_school_requests WHERE municipality = $1 AND child_id = $2 ORDER BY id`, string(m), uid(child))
}
