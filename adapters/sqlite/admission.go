package sqlite

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// The admission records are kept whole as JSON beside the columns the
// schema enforces and the queries select on (migrations/00002_admission.sql).

// admissionQueries are the statements of the admission store port that Open prepares.
var admissionQueries = []string{
	selectIntake, insertIntake, updateIntake,
	insertAdmissionSettings,
	selectApplication, selectApplications, selectApplicationsAfter, selectApplicationsFound, selectChildApplications, insertApplication, updateApplication, selectApplicationKeys,
	selectEntrants, selectDraws, selectEndedApplications,
	intakeExists,
	selectRunHeader, selectRun, selectRuns, insertRun, approveRun,
	selectOffer, selectIntakeOffers, selectApplicationOffers, selectDueOffers, insertOffer, updateOffer,
}

const (
	selectIntake = `SELECT data FROM admission_intakes WHERE municipality = ? AND id = ?`
	// selectIntakes lists a whole municipality (like selectUnits); it is
	// not prepared, so TestQueriesUseIndexes does not hold it to a search
	// by more than the municipality.
	selectIntakes = `SELECT data FROM admission_intakes WHERE municipality = ? ORDER BY id`
	// selectIntakeFigures lists a whole municipality's intakes, like
	// selectIntakes (not prepared); each count walks the intake's part of
	// admission_applications_by_intake or admission_runs_by_intake.
	selectIntakeFigures = `SELECT i.id,
		(SELECT count(*) FROM admission_applications a WHERE a.municipality = i.municipality AND a.intake_id = i.id),
		(SELECT count(*) FROM admission_runs r WHERE r.municipality = i.municipality AND r.intake_id = i.id),
		EXISTS (SELECT 1 FROM admission_runs r WHERE r.municipality = i.municipality AND r.intake_id = i.id AND r.approved = 1)
		FROM admission_intakes i WHERE i.municipality = ? ORDER BY i.id`
	insertIntake = `INSERT INTO admission_intakes (municipality, id, data) VALUES (?, ?, ?)`
	updateIntake = `UPDATE admission_intakes SET data = ? WHERE municipality = ? AND id = ?`

	// selectAdmissionSettings lists a municipality's versions (a handful);
	// not prepared, like selectIntakes.
	selectAdmissionSettings = `SELECT data FROM admission_settings WHERE municipality = ? ORDER BY version DESC`
	insertAdmissionSettings = `INSERT INTO admission_settings (municipality, version, data) VALUES (?, ?, ?)`

	intakeExists = `SELECT 1 FROM admission_intakes WHERE municipality = ? AND id = ?`

	selectApplication     = `SELECT data FROM admission_applications WHERE municipality = ? AND id = ?`
	selectApplicationKeys = `SELECT intake_id, child_id FROM admission_applications WHERE municipality = ? AND id = ?`
	selectApplications    = `SELECT data FROM admission_applications INDEXED BY admission_applications_by_intake
		WHERE municipality = ? AND intake_id = ? ORDER BY id`
	// selectApplicationsAfter is a page of selectApplications (keyset:
	// after an ID, "" for the first).
	selectApplicationsAfter = `SELECT data FROM admission_applications INDEXED BY admission_applications_by_intake
		WHERE municipality = ? AND intake_id = ? AND id > ? ORDER BY id LIMIT ?`
	// selectApplicationsFound is selectApplicationsAfter of the children
	// the search finds (personFound: the globs, the national ID prefix).
	selectApplicationsFound = `SELECT a.data FROM admission_applications a INDEXED BY admission_applications_by_intake
		JOIN children p ON p.municipality = a.municipality AND p.id = a.child_id
		WHERE a.municipality = ? AND a.intake_id = ? AND a.id > ? AND ` + personFound + ` ORDER BY a.id LIMIT ?`
	selectChildApplications = `SELECT data FROM admission_applications INDEXED BY admission_applications_by_child
		WHERE municipality = ? AND child_id = ? ORDER BY id`
	insertApplication = `INSERT INTO admission_applications (municipality, id, intake_id, child_id, data) VALUES (?, ?, ?, ?, ?)`
	updateApplication = `UPDATE admission_applications SET data = ? WHERE municipality = ? AND id = ? AND intake_id = ? AND child_id = ?`

	selectRunHeader = `SELECT data FROM admission_runs WHERE municipality = ? AND id = ?`
	selectRun       = `SELECT data, results FROM admission_runs WHERE municipality = ? AND id = ?`
	selectRuns      = `SELECT data FROM admission_runs INDEXED BY admission_runs_by_intake
		WHERE municipality = ? AND intake_id = ? ORDER BY id`
	insertRun  = `INSERT INTO admission_runs (municipality, id, intake_id, approved, data, results) VALUES (?, ?, ?, ?, ?, ?)`
	approveRun = `UPDATE admission_runs SET approved = 1, data = ? WHERE municipality = ? AND id = ? AND approved = 0`

	selectOffer = `SELECT data FROM admission_offers WHERE municipality = ? AND id = ?`
	// selectEntrants is an intake's applications by ID with the child's
	// birth date; selectDraws the draws of its approved run, its results
	// walked once in the database (json_each), matched in Go: as a join,
	// SQLite walked the draws once per application.
	selectEntrants = `SELECT a.data, c.birth_date FROM admission_applications a INDEXED BY admission_applications_by_intake
		JOIN children c ON c.municipality = a.municipality AND c.id = a.child_id
		WHERE a.municipality = ? AND a.intake_id = ? ORDER BY a.id`
	selectDraws = `SELECT json_extract(json_each.value, '$.application'), json_extract(json_each.value, '$.tiebreak')
		FROM admission_runs, json_each(admission_runs.results) WHERE municipality = ? AND intake_id = ? AND approved = 1`
	// selectEndedApplications is the IDs of an intake's withdrawn or
	// rejected applications (a zero instant is left out of the JSON).
	selectEndedApplications = `SELECT id FROM admission_applications INDEXED BY admission_applications_by_intake
		WHERE municipality = ? AND intake_id = ?
		AND (json_extract(data, '$.withdrawn') IS NOT NULL OR json_extract(data, '$.rejected') IS NOT NULL) ORDER BY id`
	selectIntakeOffers = `SELECT data FROM admission_offers INDEXED BY admission_offers_by_intake
		WHERE municipality = ? AND intake_id = ? ORDER BY id`
	selectApplicationOffers = `SELECT data FROM admission_offers INDEXED BY admission_offers_by_application
		WHERE municipality = ? AND application_id = ? ORDER BY id`
	selectDueOffers = `SELECT data FROM admission_offers INDEXED BY admission_offers_due
		WHERE municipality = ? AND status = 'open' AND deadline <= ? ORDER BY id`
	insertOffer = `INSERT INTO admission_offers (municipality, id, intake_id, application_id, unit_id, status, deadline, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	updateOffer = `UPDATE admission_offers SET status = ?, deadline = ?, data = ? WHERE municipality = ? AND id = ?`
)

var _ admission.Store = (*Store)(nil)

func scanJSON[T any](r scanner) (T, error) {
	var raw string
	var v T
	if err := r.Scan(&raw); err != nil {
		return v, err
	}
	err := json.Unmarshal([]byte(raw), &v)
	return v, err
}

func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// admissionErr translates the admission tables' constraint errors; a
// foreign key refers to a record that does not exist, which the callers
// name first where they can (missingRef).
func admissionErr(err error, what string) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		msg := se.Error()
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			switch {
			case strings.Contains(msg, "admission_applications.child_id"):
				return &domain.ConflictError{Field: "child", Reason: "the-child-already-has-an-application-in-this-intake"}
			case strings.Contains(msg, "admission_runs.intake_id"):
				return &domain.ConflictError{Field: "approved", Reason: "the-intake-already-has-an-approved-run"}
			case strings.Contains(msg, "admission_offers.application_id"):
				return &domain.ConflictError{Field: "application", Reason: "the-application-already-has-an-open-offer"}
			}
			return idConflict(what)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return domain.Invalid(what, "refers-to-an-intake-child-application-or-unit-that-does-not-exist")
		}
	}
	return writeErr(err, what)
}

// ref is a record a write refers to: the field naming it, the query that
// finds it and its key.
type ref struct {
	field, what, exists string
	args                []any
}

// missingRef turns a foreign key violation into a *domain.ValidationError
// on the first of refs that does not exist; other errors go to
// admissionErr.
func (s *Store) missingRef(ctx context.Context, err error, what string, refs ...ref) error {
	if !isForeignKey(err) {
		return admissionErr(err, what)
	}
	for _, r := range refs {
		if ok, xerr := s.exists(ctx, r.exists, r.args...); xerr != nil || !ok {
			return orInvalid(xerr, r.field, "no such "+r.what)
		}
	}
	return admissionErr(err, what)
}

// CreateIntake stores a new intake.
func (s *Store) CreateIntake(ctx context.Context, in admission.Intake) error {
	if err := in.Validate(); err != nil {
		return err
	}
	data, err := encode(in)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertIntake, in.Municipality, in.ID, data)
		return admissionErr(err, "intake")
	})
}

// UpdateIntake replaces a stored intake.
func (s *Store) UpdateIntake(ctx context.Context, in admission.Intake) error {
	if err := in.Validate(); err != nil {
		return err
	}
	data, err := encode(in)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, updateIntake, data, in.Municipality, in.ID)
		return affected(res, admissionErr(err, "intake"), "intake")
	})
}

// AdmissionSettings reads the municipality's latest admission settings.
func (s *Store) AdmissionSettings(ctx context.Context, m domain.Municipality) (admission.Settings, error) {
	all, err := s.AdmissionSettingsHistory(ctx, m)
	if err != nil {
		return admission.Settings{}, err
	}
	if len(all) == 0 {
		return admission.Settings{}, fmt.Errorf("sqlite: admission settings: %w", domain.ErrNotFound)
	}
	return all[0], nil
}

// AdmissionSettingsHistory lists every saved version, newest first.
func (s *Store) AdmissionSettingsHistory(ctx context.Context, m domain.Municipality) ([]admission.Settings, error) {
	return queryAll(ctx, s, selectAdmissionSettings, scanJSON[admission.Settings], m)
}

// SaveAdmissionSettings stores the next version of the settings.
func (s *Store) SaveAdmissionSettings(ctx context.Context, set admission.Settings) error {
	if err := set.Validate(); err != nil {
		return err
	}
	data, err := encode(set)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		latest := 0
		if cur, err := s.AdmissionSettings(ctx, set.Municipality); err == nil {
			latest = cur.Version
		} else if !domain.IsNotFound(err) {
			return err
		}
		if err := admission.CheckSettingsVersion(latest, set); err != nil {
			return err
		}
		_, err := s.exec(ctx, insertAdmissionSettings, set.Municipality, set.Version, data)
		var se *sqlite.Error
		if errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE) {
			return &domain.ConflictError{Field: "version", Reason: admission.ReasonStale}
		}
		return writeErr(err, "admission settings")
	})
}

// Intake reads an intake.
func (s *Store) Intake(ctx context.Context, m domain.Municipality, id admission.IntakeID) (admission.Intake, error) {
	return queryOne(ctx, s, "intake", selectIntake, scanJSON[admission.Intake], m, id)
}

// Intakes lists the municipality's intakes by ID.
func (s *Store) Intakes(ctx context.Context, m domain.Municipality) ([]admission.Intake, error) {
	return queryAll(ctx, s, selectIntakes, scanJSON[admission.Intake], m)
}

// IntakeFigures counts every intake's applications and runs in one
// statement (each count walks the intake's part of an index).
func (s *Store) IntakeFigures(ctx context.Context, m domain.Municipality) ([]admission.IntakeFigures, error) {
	return queryAll(ctx, s, selectIntakeFigures, func(r scanner) (f admission.IntakeFigures, err error) {
		return f, r.Scan(&f.Intake, &f.Applications, &f.Runs, &f.Approved)
	}, m)
}

// CreateApplication stores a new application.
func (s *Store) CreateApplication(ctx context.Context, a admission.Application) error {
	if err := a.Validate(); err != nil {
		return err
	}
	data, err := encode(a)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertApplication, a.Municipality, a.ID, a.Intake, a.Child, data)
		return s.missingRef(ctx, err, "application",
			ref{"intake", "intake", intakeExists, []any{a.Municipality, a.Intake}},
			ref{"child", "child", childExists, []any{a.Municipality, a.Child}})
	})
}

// UpdateApplication replaces an application.
func (s *Store) UpdateApplication(ctx context.Context, a admission.Application) error {
	if err := a.Validate(); err != nil {
		return err
	}
	data, err := encode(a)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, updateApplication, data, a.Municipality, a.ID, a.Intake, a.Child)
		if err := affected(res, err, "application"); !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		old, err := s.Application(ctx, a.Municipality, a.ID)
		if err != nil {
			return err
		}
		return cmp.Or(admission.CheckApplicationUpdate(old, a), fmt.Errorf("sqlite: application: %w", domain.ErrConflict))
	})
}

// Application reads an application.
func (s *Store) Application(ctx context.Context, m domain.Municipality, id admission.ApplicationID) (admission.Application, error) {
	return queryOne(ctx, s, "application", selectApplication, scanJSON[admission.Application], m, id)
}

// Applications lists an intake's applications by ID.
func (s *Store) Applications(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.Application, error) {
	return queryAll(ctx, s, selectApplications, scanJSON[admission.Application], m, intake)
}

// ApplicationsAfter lists at most limit of an intake's applications by
// ID after the ID after (zero: from the first).
func (s *Store) ApplicationsAfter(ctx context.Context, m domain.Municipality, intake admission.IntakeID, after admission.ApplicationID, limit int) ([]admission.Application, error) {
	from := ""
	if !after.IsZero() {
		from = after.String()
	}
	return queryAll(ctx, s, selectApplicationsAfter, scanJSON[admission.Application], m, intake, from, limit)
}

// ApplicationsFound implements admission.Store.
func (s *Store) ApplicationsFound(ctx context.Context, m domain.Municipality, intake admission.IntakeID, after admission.ApplicationID, limit int, search string) ([]admission.Application, error) {
	globs, err := json.Marshal(append([]string{}, domain.SearchGlobs(search)...))
	if err != nil {
		return nil, err
	}
	var prefix any
	if p := domain.NationalIDPrefix(search); p != "" {
		prefix = p + "%"
	}
	from := ""
	if !after.IsZero() {
		from = after.String()
	}
	return queryAll(ctx, s, selectApplicationsFound, scanJSON[admission.Application], m, intake, from, string(globs), prefix, max(limit, 1))
}

// Entrants lists an intake's applications by ID with the children's
// birth dates and the approved run's draws, in two statements.
func (s *Store) Entrants(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.Entrant, error) {
	type draw struct {
		app      string
		tiebreak int64
	}
	ds, err := queryAll(ctx, s, selectDraws, func(r scanner) (d draw, err error) {
		return d, r.Scan(&d.app, &d.tiebreak)
	}, m, intake)
	if err != nil {
		return nil, err
	}
	draws := make(map[string]int64, len(ds))
	for _, d := range ds {
		draws[d.app] = d.tiebreak
	}
	return queryAll(ctx, s, selectEntrants, func(r scanner) (admission.Entrant, error) {
		var e admission.Entrant
		var data, birth string
		if err := r.Scan(&data, &birth); err != nil {
			return e, err
		}
		if err := json.Unmarshal([]byte(data), &e.Application); err != nil {
			return e, err
		}
		e.Tiebreak, e.Drawn = draws[e.Application.ID.String()]
		var err error
		e.Birth, err = parseDate(birth)
		return e, err
	}, m, intake)
}

// EndedApplications lists the IDs of an intake's withdrawn or rejected
// applications.
func (s *Store) EndedApplications(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.ApplicationID, error) {
	return queryAll(ctx, s, selectEndedApplications, func(r scanner) (id admission.ApplicationID, err error) {
		return id, r.Scan(&id)
	}, m, intake)
}

// ChildApplications lists a child's applications by ID.
func (s *Store) ChildApplications(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]admission.Application, error) {
	return queryAll(ctx, s, selectChildApplications, scanJSON[admission.Application], m, child)
}

// CreateRun stores a run with its results.
func (s *Store) CreateRun(ctx context.Context, r admission.Run) error {
	if err := r.Validate(); err != nil {
		return err
	}
	results, err := encode(r.Results)
	if err != nil {
		return err
	}
	r.Results = nil
	data, err := encode(r)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertRun, r.Municipality, r.ID, r.Intake, r.IsApproved(), data, results)
		return s.missingRef(ctx, err, "run", ref{"intake", "intake", intakeExists, []any{r.Municipality, r.Intake}})
	})
}

// ApproveRun marks a draft run approved.
func (s *Store) ApproveRun(ctx context.Context, m domain.Municipality, id admission.RunID, at time.Time, by string) error {
	if err := admission.CheckApproval(at, by); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		r, err := queryOne(ctx, s, "run", selectRunHeader, scanJSON[admission.Run], m, id)
		if err != nil {
			return err
		}
		if r, err = r.Approve(at, by); err != nil {
			return err
		}
		data, err := encode(r)
		if err != nil {
			return err
		}
		res, err := s.exec(ctx, approveRun, data, m, id)
		return affected(res, admissionErr(err, "run"), "run")
	})
}

// Run reads a run with its results.
func (s *Store) Run(ctx context.Context, m domain.Municipality, id admission.RunID) (admission.Run, error) {
	return queryOne(ctx, s, "run", selectRun, func(r scanner) (admission.Run, error) {
		var data, results string
		var run admission.Run
		if err := r.Scan(&data, &results); err != nil {
			return run, err
		}
		if err := json.Unmarshal([]byte(data), &run); err != nil {
			return run, err
		}
		err := json.Unmarshal([]byte(results), &run.Results)
		return run, err
	}, m, id)
}

// RunHeader reads a run without its results.
func (s *Store) RunHeader(ctx context.Context, m domain.Municipality, id admission.RunID) (admission.Run, error) {
	return queryOne(ctx, s, "run", selectRunHeader, scanJSON[admission.Run], m, id)
}

// Runs lists an intake's runs by ID, without their results.
func (s *Store) Runs(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.Run, error) {
	return queryAll(ctx, s, selectRuns, scanJSON[admission.Run], m, intake)
}

// CreateOffers writes offers in one transaction with one prepared
// statement.
func (s *Store) CreateOffers(ctx context.Context, os []admission.Offer) error {
	data := make([]string, len(os))
	for i, o := range os {
		if err := o.Validate(); err != nil {
			var p domain.Problems
			p.Merge("offers["+strconv.Itoa(i)+"]", err)
			return p.Err()
		}
		var err error
		if data[i], err = encode(o); err != nil {
			return err
		}
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		for i, o := range os {
			a, err := queryOne(ctx, s, "application", selectApplicationKeys, func(r scanner) (a admission.Application, err error) {
				return a, r.Scan(&a.Intake, &a.Child)
			}, o.Municipality, o.Application)
			if err != nil {
				return refErr(err, "application", "no-such-application")
			}
			if err := admission.CheckOffer(o, a); err != nil {
				return err
			}
			_, err = s.exec(ctx, insertOffer, o.Municipality, o.ID, o.Intake, o.Application, o.Unit, string(o.Status),
				o.Deadline.UnixMicro(), data[i])
			if err != nil {
				// The intake is the application's, which exists.
				return s.missingRef(ctx, err, "offer", ref{"unit", "unit", unitExists, []any{o.Municipality, o.Unit}})
			}
		}
		return nil
	})
}

// UpdateOffer records the answer to an open offer.
func (s *Store) UpdateOffer(ctx context.Context, o admission.Offer) error {
	if err := o.Validate(); err != nil {
		return err
	}
	data, err := encode(o)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		old, err := s.Offer(ctx, o.Municipality, o.ID)
		if err != nil {
			return err
		}
		if err := admission.CheckAnswer(old, o); err != nil {
			return err
		}
		res, err := s.exec(ctx, updateOffer, string(o.Status), o.Deadline.UnixMicro(), data, o.Municipality, o.ID)
		return affected(res, admissionErr(err, "offer"), "offer")
	})
}

// Offer reads an offer.
func (s *Store) Offer(ctx context.Context, m domain.Municipality, id admission.OfferID) (admission.Offer, error) {
	return queryOne(ctx, s, "offer", selectOffer, scanJSON[admission.Offer], m, id)
}

// IntakeOffers lists an intake's offers by ID.
func (s *Store) IntakeOffers(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.Offer, error) {
	return queryAll(ctx, s, selectIntakeOffers, scanJSON[admission.Offer], m, intake)
}

// ApplicationOffers lists an application's offers by ID.
func (s *Store) ApplicationOffers(ctx context.Context, m domain.Municipality, app admission.ApplicationID) ([]admission.Offer, error) {
	return queryAll(ctx, s, selectApplicationOffers, scanJSON[admission.Offer], m, app)
}

// DueOffers lists the open offers whose deadline is at or before t.
func (s *Store) DueOffers(ctx context.Context, m domain.Municipality, t time.Time) ([]admission.Offer, error) {
	return queryAll(ctx, s, selectDueOffers, scanJSON[admission.Offer], m, t.UnixMicro())
}
