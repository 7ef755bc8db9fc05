package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// The admission records are kept whole as JSON beside the columns the
// schema enforces and the queries select on (migrations/00002_admission.sql).
// Writes check what they can first (references, open offers, an approved
// run) so that a refused write leaves a running transaction usable; the
// constraints catch a write that loses a race.

var _ admission.Store = (*Store)(nil)

var (
	errSecondApplication = &domain.ConflictError{Field: "child", Reason: "the-child-already-has-an-application-in-this-intake"}
	errRunApproved       = &domain.ConflictError{Field: "approved", Reason: "the-intake-already-has-an-approved-run"}
	errSecondOpenOffer   = &domain.ConflictError{Field: "application", Reason: "the-application-already-has-an-open-offer"}
)

// admissionError maps the admission tables' constraints.
func admissionError(doing string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.ConstraintName {
		case "admission_applications_child_key":
			return errSecondApplication
		case "admission_runs_one_approved":
			return errRunApproved
		case "admission_offers_one_open":
			return errSecondOpenOffer
		case "admission_applications_intake_fkey", "admission_offers_intake_fkey", "admission_runs_intake_fkey":
			return domain.Invalid("intake", "no-such-intake")
		case "admission_applications_child_fkey":
			return domain.Invalid("child", "no-such-child")
		case "admission_offers_application_fkey":
			return domain.Invalid("application", "no-such-application")
		case "admission_offers_unit_fkey":
			return domain.Invalid("unit", "no-such-unit")
		}
	}
	return dbError(doing, err)
}

func scanJSON[T any](row scanner, _ domain.Municipality) (T, error) {
	var raw []byte
	var v T
	if err := row.Scan(&raw); err != nil {
		return v, err
	}
	err := json.Unmarshal(raw, &v)
	return v, err
}

// existsIn answers whether a record of the table has the key.
func (s *Store) existsIn(ctx context.Context, tx pgx.Tx, table string, m domain.Municipality, id pgtype.UUID) (bool, error) {
	var ok bool
	if err := tx.QueryRow(ctx, exists(table), string(m), id).Scan(&ok); err != nil {
		return false, dbError("check", err)
	}
	return ok, nil
}

// CreateIntake stores a new intake.
func (s *Store) CreateIntake(ctx context.Context, in admission.Intake) error {
	if err := in.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "create intake", `INSERT INTO admission_intakes (municipality, id, data)
			VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, string(in.Municipality), uid(in.ID), data)
		if err != nil || n == 1 {
			return err
		}
		return errIDTaken
	})
}

// UpdateIntake replaces a stored intake.
func (s *Store) UpdateIntake(ctx context.Context, in admission.Intake) error {
	if err := in.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "update intake", `UPDATE admission_intakes SET data = $3
			WHERE municipality = $1 AND id = $2`, string(in.Municipality), uid(in.ID), data)
		if err != nil || n == 1 {
			return err
		}
		return notFound("intake", in.Municipality, in.ID.String())
	})
}

// AdmissionSettings reads the municipality's latest admission settings.
func (s *Store) AdmissionSettings(ctx context.Context, m domain.Municipality) (admission.Settings, error) {
	return one(ctx, s.q(ctx), "admission settings", m, "", scanJSON[admission.Settings],
		`SELECT data FROM admission_settings WHERE municipality = $1 ORDER BY version DESC LIMIT 1`, string(m))
}

// AdmissionSettingsHistory lists every saved version, newest first.
func (s *Store) AdmissionSettingsHistory(ctx context.Context, m domain.Municipality) ([]admission.Settings, error) {
	return list(ctx, s.q(ctx), "admission settings", m, scanJSON[admission.Settings],
		`SELECT data FROM admission_settings WHERE municipality = $1 ORDER BY version DESC`, string(m))
}

// SaveAdmissionSettings stores the next version of the settings.
func (s *Store) SaveAdmissionSettings(ctx context.Context, set admission.Settings) error {
	if err := set.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(set)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var latest int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM admission_settings WHERE municipality = $1`,
			string(set.Municipality)).Scan(&latest); err != nil {
			return dbError("read admission settings", err)
		}
		if err := admission.CheckSettingsVersion(latest, set); err != nil {
			return err
		}
		n, err := exec(ctx, tx, "save admission settings", `INSERT INTO admission_settings (municipality, version, data)
			VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, string(set.Municipality), set.Version, data)
		if err != nil || n == 1 {
			return err
		}
		return &domain.ConflictError{Field: "version", Reason: admission.ReasonStale}
	})
}

// Intake reads an intake.
func (s *Store) Intake(ctx context.Context, m domain.Municipality, id admission.IntakeID) (admission.Intake, error) {
	return one(ctx, s.q(ctx), "intake", m, id.String(), scanJSON[admission.Intake],
		`SELECT data FROM admission_intakes WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// Intakes lists the municipality's intakes by ID.
func (s *Store) Intakes(ctx context.Context, m domain.Municipality) ([]admission.Intake, error) {
	return list(ctx, s.q(ctx), "intakes", m, scanJSON[admission.Intake],
		`SELECT data FROM admission_intakes WHERE municipality = $1 ORDER BY id`, string(m))
}

// IntakeFigures counts every intake's applications and runs in one
// statement.
func (s *Store) IntakeFigures(ctx context.Context, m domain.Municipality) ([]admission.IntakeFigures, error) {
	return list(ctx, s.q(ctx), "intake figures", m, func(r scanner, _ domain.Municipality) (f admission.IntakeFigures, err error) {
		var id pgtype.UUID
		err = r.Scan(&id, &f.Applications, &f.Runs, &f.Approved)
		f.Intake = domain.IDFromUUID[admission.Intake](uuid.UUID(id.Bytes))
		return f, err
	}, `SELECT i.id,
		(SELECT count(*) FROM admission_applications a WHERE a.municipality = i.municipality AND a.intake_id = i.id),
		(SELECT count(*) FROM admission_runs r WHERE r.municipality = i.municipality AND r.intake_id = i.id),
		EXISTS (SELECT 1 FROM admission_runs r WHERE r.municipality = i.municipality AND r.intake_id = i.id AND r.approved)
		FROM admission_intakes i WHERE i.municipality = $1 ORDER BY i.id`, string(m))
}

// CreateApplication stores a new application.
func (s *Store) CreateApplication(ctx context.Context, a admission.Application) error {
	if err := a.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var intake, child, taken bool
		ch := s.checks(a.Municipality)
		ch.probe(`SELECT EXISTS (SELECT 1 FROM admission_intakes WHERE municipality = $1 AND id = $2),
			EXISTS (SELECT 1 FROM children WHERE municipality = $1 AND id = $3),
			EXISTS (SELECT 1 FROM admission_applications WHERE municipality = $1 AND intake_id = $2 AND child_id = $3)`,
			[]*bool{&intake, &child, &taken}, string(a.Municipality), uid(a.Intake), uid(a.Child))
		if err := ch.run(ctx, tx); err != nil {
			return err
		}
		switch {
		case !intake:
			return domain.Invalid("intake", "no-such-intake")
		case !child:
			return domain.Invalid("child", "no-such-child")
		case taken:
			return errSecondApplication
		}
		n, err := tx.Exec(ctx, `INSERT INTO admission_applications (municipality, id, intake_id, child_id, data)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
			string(a.Municipality), uid(a.ID), uid(a.Intake), uid(a.Child), data)
		if err != nil {
			return admissionError("create application", err)
		}
		if n.RowsAffected() == 1 {
			return nil
		}
		if ok, err := s.existsIn(ctx, tx, "admission_applications", a.Municipality, uid(a.ID)); err != nil || ok {
			return cmpErr(err, errIDTaken)
		}
		return errSecondApplication
	})
}

// cmpErr returns err when set, else otherwise.
func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// UpdateApplication replaces an application.
func (s *Store) UpdateApplication(ctx context.Context, a admission.Application) error {
	if err := a.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "update application", `UPDATE admission_applications SET data = $5
			WHERE municipality = $1 AND id = $2 AND intake_id = $3 AND child_id = $4`,
			string(a.Municipality), uid(a.ID), uid(a.Intake), uid(a.Child), data)
		if err != nil || n == 1 {
			return err
		}
		ok, err := s.existsIn(ctx, tx, "admission_applications", a.Municipality, uid(a.ID))
		if err != nil {
			return err
		}
		if !ok {
			return notFound("application", a.Municipality, a.ID.String())
		}
		old, err := one(ctx, tx, "application", a.Municipality, a.ID.String(), scanJSON[admission.Application],
			`SELECT data FROM admission_applications WHERE municipality = $1 AND id = $2`, string(a.Municipality), uid(a.ID))
		if err != nil {
			return err
		}
		return cmpErr(admission.CheckApplicationUpdate(old, a), fmt.Errorf("postgres: update application: %w", domain.ErrConflict))
	})
}

// Application reads an application.
func (s *Store) Application(ctx context.Context, m domain.Municipality, id admission.ApplicationID) (admission.Application, error) {
	return one(ctx, s.q(ctx), "application", m, id.String(), scanJSON[admission.Application],
		`SELECT data FROM admission_applications WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// Applications lists an intake's applications by ID.
func (s *Store) Applications(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.Application, error) {
	return list(ctx, s.q(ctx), "applications", m, scanJSON[admission.Application],
		`SELECT data FROM admission_applications WHERE municipality = $1 AND intake_id = $2 ORDER BY id`, string(m), uid(intake))
}

// entrantsSQL is an intake's applications by ID with the child's birth
// date and the approved run's draw (NULL: not in it); the run's results
// (json) are walked once in the database, not decoded in Go.
const entrantsSQL = `SELECT a.data, c.birth_date, r.tiebreak FROM admission_applications a
	JOIN children c ON c.municipality = a.municipality AND c.id = a.child_id
	LEFT JOIN (SELECT (e->>'application')::uuid AS application, (e->>'tiebreak')::bigint AS tiebreak
		FROM admission_runs x, json_array_elements(x.results) e
		WHERE x.municipality = $1 AND x.intake_id = $2 AND x.approved) r ON r.application = a.id
	WHERE a.municipality = $1 AND a.intake_id = $2 ORDER BY a.id`

// Entrants lists an intake's applications by ID with the children's
// birth dates and the approved run's draws, in one statement.
func (s *Store) Entrants(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.Entrant, error) {
	return list(ctx, s.q(ctx), "applicants", m, func(row scanner, _ domain.Municipality) (admission.Entrant, error) {
		var e admission.Entrant
		var data []byte
		var tiebreak pgtype.Int8
		if err := row.Scan(&data, dateScan{&e.Birth}, &tiebreak); err != nil {
			return e, err
		}
		e.Drawn, e.Tiebreak = tiebreak.Valid, tiebreak.Int64
		return e, json.Unmarshal(data, &e.Application)
	}, entrantsSQL, string(m), uid(intake))
}

// EndedApplications lists the IDs of an intake's withdrawn or rejected
// applications (a zero instant is left out of the JSON).
func (s *Store) EndedApplications(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.ApplicationID, error) {
	return list(ctx, s.q(ctx), "ended applications", m, func(row scanner, _ domain.Municipality) (id admission.ApplicationID, err error) {
		return id, row.Scan(scanID(&id))
	}, `SELECT id FROM admission_applications WHERE municipality = $1 AND intake_id = $2
		AND (data->>'withdrawn' IS NOT NULL OR data->>'rejected' IS NOT NULL) ORDER BY id`, string(m), uid(intake))
}

// ApplicationsAfter lists at most limit of an intake's applications by
// ID after the ID after (zero: from the first).
func (s *Store) ApplicationsAfter(ctx context.Context, m domain.Municipality, intake admission.IntakeID, after admission.ApplicationID, limit int) ([]admission.Application, error) {
	return list(ctx, s.q(ctx), "applications", m, scanJSON[admission.Application],
		`SELECT data FROM admission_applications WHERE municipality = $1 AND intake_id = $2 AND ($3::uuid IS NULL OR id > $3) ORDER BY id LIMIT $4`,
		string(m), uid(intake), uid(after), limit)
}

// applicationsFoundSQL is a page of an intake's applications by ID after
// $3 of the children with every word of the search in the name ($4,
// domain.SearchRegexps) or a national ID starting with the prefix ($5;
// NULL: none). The child is a scalar subquery, looked up by its key for
// each application walked: as a join, the planner (guessing that few
// children match a regular expression) scanned every child for every
// application, 14 s at 2,000 applications.
const applicationsFoundSQL = `SELECT a.data FROM admission_applications a
	WHERE a.municipality = $1 AND a.intake_id = $2 AND a.id > $3
	AND (SELECT p.given_name || ' ' || p.family_name ~ ALL ($4::text[]) OR p.national_id LIKE $5
		FROM children p WHERE p.municipality = a.municipality AND p.id = a.child_id)
	ORDER BY a.id LIMIT $6`

// ApplicationsFound implements admission.Store.
func (s *Store) ApplicationsFound(ctx context.Context, m domain.Municipality, intake admission.IntakeID, after admission.ApplicationID, limit int, search string) ([]admission.Application, error) {
	res, prefix := familySearch(search)
	from := uid(after)
	if after.IsZero() {
		from = pgtype.UUID{Valid: true} // before every ID
	}
	return list(ctx, s.q(ctx), "applications", m, scanJSON[admission.Application], applicationsFoundSQL,
		string(m), uid(intake), from, res, prefix, max(limit, 1))
}

// ChildApplications lists a child's applications by ID.
func (s *Store) ChildApplications(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]admission.Application, error) {
	return list(ctx, s.q(ctx), "applications", m, scanJSON[admission.Application],
		`SELECT data FROM admission_applications WHERE municipality = $1 AND child_id = $2 ORDER BY id`, string(m), uid(child))
}

// CreateRun stores a run with its results.
func (s *Store) CreateRun(ctx context.Context, r admission.Run) error {
	if err := r.Validate(); err != nil {
		return err
	}
	results, err := json.Marshal(r.Results)
	if err != nil {
		return err
	}
	r.Results = nil
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if ok, err := s.existsIn(ctx, tx, "admission_intakes", r.Municipality, uid(r.Intake)); err != nil || !ok {
			return cmpErr(err, domain.Invalid("intake", "no-such-intake"))
		}
		n, err := tx.Exec(ctx, `INSERT INTO admission_runs (municipality, id, intake_id, approved, data, results)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			string(r.Municipality), uid(r.ID), uid(r.Intake), r.IsApproved(), data, string(results))
		if err != nil {
			return admissionError("create run", err)
		}
		if n.RowsAffected() == 1 {
			return nil
		}
		if ok, err := s.existsIn(ctx, tx, "admission_runs", r.Municipality, uid(r.ID)); err != nil || ok {
			return cmpErr(err, errIDTaken)
		}
		return errRunApproved
	})
}

// ApproveRun marks a draft run approved.
func (s *Store) ApproveRun(ctx context.Context, m domain.Municipality, id admission.RunID, at time.Time, by string) error {
	if err := admission.CheckApproval(at, by); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		r, err := one(ctx, tx, "run", m, id.String(), scanJSON[admission.Run],
			`SELECT data FROM admission_runs WHERE municipality = $1 AND id = $2 FOR UPDATE`, string(m), uid(id))
		if err != nil {
			return err
		}
		if r, err = r.Approve(at, by); err != nil {
			return err
		}
		data, err := json.Marshal(r)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE admission_runs SET approved = true, data = $3
			WHERE municipality = $1 AND id = $2 AND NOT approved
			AND NOT EXISTS (SELECT 1 FROM admission_runs o WHERE o.municipality = $1 AND o.intake_id = $4 AND o.approved)`,
			string(m), uid(id), data, uid(r.Intake))
		if err != nil {
			return admissionError("approve run", err)
		}
		if tag.RowsAffected() == 0 {
			return errRunApproved
		}
		return nil
	})
}

// Run reads a run with its results.
func (s *Store) Run(ctx context.Context, m domain.Municipality, id admission.RunID) (admission.Run, error) {
	return one(ctx, s.q(ctx), "run", m, id.String(), func(row scanner, _ domain.Municipality) (admission.Run, error) {
		var data, results []byte
		var r admission.Run
		if err := row.Scan(&data, &results); err != nil {
			return r, err
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return r, err
		}
		err := json.Unmarshal(results, &r.Results)
		return r, err
	}, `SELECT data, results FROM admission_runs WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// RunHeader reads a run without its results.
func (s *Store) RunHeader(ctx context.Context, m domain.Municipality, id admission.RunID) (admission.Run, error) {
	return one(ctx, s.q(ctx), "run", m, id.String(), scanJSON[admission.Run],
		`SELECT data FROM admission_runs WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// Runs lists an intake's runs by ID, without their results.
func (s *Store) Runs(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.Run, error) {
	return list(ctx, s.q(ctx), "runs", m, scanJSON[admission.Run],
		`SELECT data FROM admission_runs WHERE municipality = $1 AND intake_id = $2 ORDER BY id`, string(m), uid(intake))
}

// CreateOffers writes offers with COPY in the transaction, after one
// round trip of checks: the applications exist and are of the offers'
// intakes and children (admission.CheckOffer), the units exist, no ID is
// taken, and no application gets a second open offer.
func (s *Store) CreateOffers(ctx context.Context, os []admission.Offer) error {
	if len(os) == 0 {
		return nil
	}
	m := os[0].Municipality
	rows := make([][]any, len(os))
	ids := make([]pgtype.UUID, len(os))
	apps := map[pgtype.UUID]bool{}
	var openApps []pgtype.UUID
	units := map[pgtype.UUID]bool{}
	seen := make(map[pgtype.UUID]bool, len(os))
	for i, o := range os {
		if err := o.Validate(); err != nil {
			var p domain.Problems
			p.Merge("offers["+strconv.Itoa(i)+"]", err)
			return p.Err()
		}
		if o.Municipality != m {
			return domain.Invalid("offers["+strconv.Itoa(i)+"].municipality", "all-offers-of-a-batch-belong-to-one-municipality")
		}
		data, err := json.Marshal(o)
		if err != nil {
			return err
		}
		ids[i] = uid(o.ID)
		if seen[ids[i]] {
			return errIDTaken
		}
		seen[ids[i]] = true
		a := uid(o.Application)
		if o.Status == admission.OfferOpen {
			if slicesContains(openApps, a) {
				return errSecondOpenOffer
			}
			openApps = append(openApps, a)
		}
		apps[a] = true
		units[uid(o.Unit)] = true
		rows[i] = []any{string(m), ids[i], uid(o.Intake), a, uid(o.Unit), string(o.Status), o.Deadline, data}
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var nUnits, nTaken, nOpen int
		stored := make(map[admission.ApplicationID]admission.Application, len(apps))
		var b pgx.Batch
		b.Queue(`SELECT id, intake_id, child_id FROM admission_applications WHERE municipality = $1 AND id = ANY($2)`,
			string(m), keysOf(apps)).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var a admission.Application
				if err := rows.Scan(scanID(&a.ID), scanID(&a.Intake), scanID(&a.Child)); err != nil {
					return err
				}
				stored[a.ID] = a
			}
			return rows.Err()
		})
		b.Queue(`SELECT count(*) FROM units WHERE municipality = $1 AND id = ANY($2)`, string(m), keysOf(units)).
			QueryRow(func(r pgx.Row) error { return r.Scan(&nUnits) })
		b.Queue(`SELECT count(*) FROM admission_offers WHERE municipality = $1 AND id = ANY($2)`, string(m), ids).
			QueryRow(func(r pgx.Row) error { return r.Scan(&nTaken) })
		b.Queue(`SELECT count(*) FROM admission_offers WHERE municipality = $1 AND status = 'open' AND application_id = ANY($2)`,
			string(m), openApps).QueryRow(func(r pgx.Row) error { return r.Scan(&nOpen) })
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return dbError("check offers", err)
		}
		for _, o := range os {
			a, ok := stored[o.Application]
			if !ok {
				return domain.Invalid("application", "no-such-application")
			}
			if err := admission.CheckOffer(o, a); err != nil {
				return err
			}
		}
		switch {
		case nUnits != len(units):
			return domain.Invalid("unit", "no-such-unit")
		case nTaken > 0:
			return errIDTaken
		case nOpen > 0:
			return errSecondOpenOffer
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"admission_offers"},
			[]string{"municipality", "id", "intake_id", "application_id", "unit_id", "status", "deadline", "data"},
			pgx.CopyFromRows(rows))
		if err != nil {
			return admissionError("create offers", err)
		}
		return nil
	})
}

func slicesContains(xs []pgtype.UUID, x pgtype.UUID) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func keysOf(m map[pgtype.UUID]bool) []pgtype.UUID {
	out := make([]pgtype.UUID, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// UpdateOffer records the answer to an open offer.
func (s *Store) UpdateOffer(ctx context.Context, o admission.Offer) error {
	if err := o.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		old, err := one(ctx, tx, "offer", o.Municipality, o.ID.String(), scanJSON[admission.Offer],
			`SELECT data FROM admission_offers WHERE municipality = $1 AND id = $2 FOR UPDATE`, string(o.Municipality), uid(o.ID))
		if err != nil {
			return err
		}
		if err := admission.CheckAnswer(old, o); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE admission_offers SET status = $3, deadline = $4, data = $5
			WHERE municipality = $1 AND id = $2`, string(o.Municipality), uid(o.ID), string(o.Status), o.Deadline, data)
		if err != nil {
			return admissionError("update offer", err)
		}
		return nil
	})
}

// Offer reads an offer.
func (s *Store) Offer(ctx context.Context, m domain.Municipality, id admission.OfferID) (admission.Offer, error) {
	return one(ctx, s.q(ctx), "offer", m, id.String(), scanJSON[admission.Offer],
		`SELECT data FROM admission_offers WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// IntakeOffers lists an intake's offers by ID.
func (s *Store) IntakeOffers(ctx context.Context, m domain.Municipality, intake admission.IntakeID) ([]admission.Offer, error) {
	return list(ctx, s.q(ctx), "offers", m, scanJSON[admission.Offer],
		`SELECT data FROM admission_offers WHERE municipality = $1 AND intake_id = $2 ORDER BY id`, string(m), uid(intake))
}

// ApplicationOffers lists an application's offers by ID.
func (s *Store) ApplicationOffers(ctx context.Context, m domain.Municipality, app admission.ApplicationID) ([]admission.Offer, error) {
	return list(ctx, s.q(ctx), "offers", m, scanJSON[admission.Offer],
		`SELECT data FROM admission_offers WHERE municipality = $1 AND application_id = $2 ORDER BY id`, string(m), uid(app))
}

// DueOffers lists the open offers whose deadline is at or before t.
func (s *Store) DueOffers(ctx context.Context, m domain.Municipality, t time.Time) ([]admission.Offer, error) {
	return list(ctx, s.q(ctx), "offers", m, scanJSON[admission.Offer],
		`SELECT data FROM admission_offers WHERE municipality = $1 AND status = 'open' AND deadline <= $2 ORDER BY id`, string(m), t)
}
