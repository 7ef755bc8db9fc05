package sqlite

import (
	"context"
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// The catchment table and school start (migrations/00019_catchment.sql).

var _ admission.CatchmentStore = (*Store)(nil)

// catchmentQueries are the statements of the catchment store port that
// Open prepares (selectCatchment reads a municipality's one row, so
// TestQueriesUseIndexes does not hold it to more, like selectIntakes).
var catchmentQueries = []string{
	insertSchoolStarter, updateSchoolStarter, selectSchoolStarters, selectChildSchoolStarters,
	insertSchoolRequest, updateSchoolRequest, selectSchoolRequest, selectSchoolRequests, selectChildSchoolRequests,
	schoolStarterExists, schoolRequestTaken,
}

const (
	selectCatchment  = `SELECT data FROM admission_catchment WHERE municipality = ?`
	replaceCatchment = `INSERT INTO admission_catchment (municipality, data) VALUES (?, ?)
		ON CONFLICT (municipality) DO UPDATE SET data = excluded.data`

	insertSchoolStarter  = `INSERT INTO admission_school_starters (municipality, intake_id, child_id, data) VALUES (?, ?, ?, ?)`
	updateSchoolStarter  = `UPDATE admission_school_starters SET data = ? WHERE municipality = ? AND intake_id = ? AND child_id = ?`
	schoolStarterExists  = `SELECT 1 FROM admission_school_starters WHERE municipality = ? AND intake_id = ? AND child_id = ?`
	selectSchoolStarters = `SELECT data FROM admission_school_starters
		WHERE municipality = ? AND intake_id = ? ORDER BY child_id`
	selectChildSchoolStarters = `SELECT data FROM admission_school_starters INDEXED BY admission_school_starters_by_child
		WHERE municipality = ? AND child_id = ? ORDER BY intake_id`

	insertSchoolRequest = `INSERT INTO admission_school_requests (municipality, id, intake_id, child_id, unit_id, data) VALUES (?, ?, ?, ?, ?, ?)`
	updateSchoolRequest = `UPDATE admission_school_requests SET data = ?
		WHERE municipality = ? AND id = ? AND intake_id = ? AND child_id = ? AND unit_id = ?`
	selectSchoolRequest  = `SELECT data FROM admission_school_requests WHERE municipality = ? AND id = ?`
	schoolRequestTaken   = `SELECT 1 FROM admission_school_requests INDEXED BY admission_school_requests_by_intake WHERE municipality = ? AND intake_id = ? AND child_id = ?`
	selectSchoolRequests = `SELECT data FROM admission_school_requests INDEXED BY admission_school_requests_by_intake
		WHERE municipality = ? AND intake_id = ? ORDER BY id`
	selectChildSchoolRequests = `SELECT data FROM admission_school_requests INDEXED BY admission_school_requests_by_child
		WHERE municipality = ? AND child_id = ? ORDER BY id`
)

// Catchment reads the municipality's catchment table.
func (s *Store) Catchment(ctx context.Context, m domain.Municipality) (admission.Catchment, error) {
	return queryOne(ctx, s, "catchment", selectCatchment, scanJSON[admission.Catchment], m)
}

// ReplaceCatchment replaces the municipality's catchment table.
func (s *Store) ReplaceCatchment(ctx context.Context, c admission.Catchment) error {
	if err := c.Validate(); err != nil {
		return err
	}
	data, err := encode(c)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, replaceCatchment, c.Municipality, data)
		return writeErr(err, "catchment")
	})
}

// CreateSchoolStarter registers a child in a school intake.
func (s *Store) CreateSchoolStarter(ctx context.Context, st admission.SchoolStarter) error {
	if err := st.Validate(); err != nil {
		return err
	}
	data, err := encode(st)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertSchoolStarter, st.Municipality, st.Intake, st.Child, data)
		if isPrimaryKey(err) {
			return &domain.ConflictError{Field: "child", Reason: "is-already-registered"}
		}
		return s.missingRef(ctx, err, "school starter",
			ref{"intake", "intake", intakeExists, []any{st.Municipality, st.Intake}},
			ref{"child", "child", childExists, []any{st.Municipality, st.Child}})
	})
}

// UpdateSchoolStarter replaces a registration.
func (s *Store) UpdateSchoolStarter(ctx context.Context, st admission.SchoolStarter) error {
	if err := st.Validate(); err != nil {
		return err
	}
	data, err := encode(st)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, updateSchoolStarter, data, st.Municipality, st.Intake, st.Child)
		return affected(res, err, "school starter")
	})
}

// SchoolStarters lists an intake's registrations by child ID.
func (s *Store) SchoolStarters(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.SchoolStarter, error) {
	return queryAll(ctx, s, selectSchoolStarters, scanJSON[admission.SchoolStarter], m, intake)
}

// ChildSchoolStarters lists a child's registrations by intake ID.
func (s *Store) ChildSchoolStarters(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]admission.SchoolStarter, error) {
	return queryAll(ctx, s, selectChildSchoolStarters, scanJSON[admission.SchoolStarter], m, child)
}

// CreateSchoolRequest stores a request for another school.
func (s *Store) CreateSchoolRequest(ctx context.Context, r admission.SchoolRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	data, err := encode(r)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if ok, err := s.exists(ctx, schoolStarterExists, r.Municipality, r.Intake, r.Child); err != nil || !ok {
			return orInvalid(err, "child", admission.ReasonNotStarter)
		}
		if ok, err := s.exists(ctx, unitExists, r.Municipality, r.Unit); err != nil || !ok {
			return orInvalid(err, "unit", admission.ReasonCatchmentNoSchool)
		}
		if taken, err := s.exists(ctx, schoolRequestTaken, r.Municipality, r.Intake, r.Child); err != nil {
			return err
		} else if taken {
			return &domain.ConflictError{Field: "child", Reason: admission.ReasonRequestOpen}
		}
		_, err := s.exec(ctx, insertSchoolRequest, r.Municipality, r.ID, r.Intake, r.Child, r.Unit, data)
		if isUnique(err, "admission_school_requests.child_id") {
			return &domain.ConflictError{Field: "child", Reason: admission.ReasonRequestOpen}
		}
		return writeErr(err, "school request")
	})
}

// UpdateSchoolRequest replaces a request; its intake, child and school
// cannot change.
func (s *Store) UpdateSchoolRequest(ctx context.Context, r admission.SchoolRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	data, err := encode(r)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, updateSchoolRequest, data, r.Municipality, r.ID, r.Intake, r.Child, r.Unit)
		return affected(res, err, "school request")
	})
}

// SchoolRequest reads a request.
func (s *Store) SchoolRequest(ctx context.Context, m domain.Municipality, id admission.SchoolRequestID) (admission.SchoolRequest, error) {
	return queryOne(ctx, s, "school request", selectSchoolRequest, scanJSON[admission.SchoolRequest], m, id)
}

// SchoolRequests lists an intake's requests by ID.
func (s *Store) SchoolRequests(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.SchoolRequest, error) {
	return queryAll(ctx, s, selectSchoolRequests, scanJSON[admission.SchoolRequest], m, intake)
}

// ChildSchoolRequests lists a child's requests by ID.
func (s *Store) ChildSchoolRequests(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]admission.SchoolRequest, error) {
	return queryAll(ctx, s, selectChildSchoolRequests, scanJSON[admission.SchoolRequest], m, child)
}

// isPrimaryKey reports whether err is a primary key violation.
func isPrimaryKey(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
