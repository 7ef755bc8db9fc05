package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

var _ attendance.Store = (*Store)(nil)

// attendanceRefs names the input field behind each foreign key of the
// attendance tables.
var attendanceRefs = map[string]string{
	"attendance_checks_child_fkey":          "childId",
	"attendance_checks_unit_fkey":           "unitId",
	"attendance_pickups_child_fkey":         "childId",
	"attendance_absences_child_fkey":        "childId",
	"attendance_duties_unit_fkey":           "unitId",
	"attendance_school_absences_child_fkey": "childId",
	"attendance_school_absences_unit_fkey":  "unitId",
}

// attendanceError maps a foreign key violation to a *domain.ValidationError
// on the field; the rest goes to dbError.
func attendanceError(doing string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" {
		if f := attendanceRefs[pe.ConstraintName]; f != "" {
			return domain.Invalid(f, "no-such-record")
		}
	}
	return dbError(doing, err)
}

const (
	checkColumns = `id, idempotency_key, child_id, unit_id, kind, at, day, recorded_by,
		collector_name, collector_pickup, collector_guardian, warning`
	pickupColumns        = `id, child_id, name, relation, phone, valid_until, added_by`
	absenceColumns       = `id, child_id, start_date, end_date, reason, note, reported_by, reported_at`
	dutyColumns          = `id, unit_id, day, staff, start_at, end_at`
	schoolAbsenceColumns = `id, child_id, unit_id, day, hours, kind, reason, recorded_by`

	checkByKeySQL = `SELECT ` + checkColumns + ` FROM attendance_checks WHERE municipality = $1 AND idempotency_key = $2`
	pgInsertCheck = `INSERT INTO attendance_checks (municipality, ` + checkColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`
	// The absences within [$3, $4] of the children placed in unit $2 then.
	// The lateral join looks up each placed child's absences by index;
	// without statistics the planner would otherwise walk all of the
	// municipality's absences and probe the unit's placements for each.
	unitAbsencesSQL = `WITH placed AS MATERIALIZED (
			SELECT DISTINCT child_id FROM placements
			WHERE municipality = $1 AND unit_id = $2 AND start_date <= $4 AND COALESCE(end_date, 'infinity'::date) >= $3)
		SELECT a.* FROM placed CROSS JOIN LATERAL (
			SELECT ` + absenceColumns + ` FROM attendance_absences
			WHERE municipality = $1 AND child_id = placed.child_id AND start_date <= $4 AND end_date >= $3) a
		ORDER BY a.child_id, a.start_date, a.id`
)

func oslo(t time.Time) time.Time { return t.In(domain.Oslo()) }

func scanCheck(row scanner, m domain.Municipality) (attendance.Check, error) {
	c := attendance.Check{Municipality: m}
	var kind string
	err := row.Scan(scanID(&c.ID), &c.Key, scanID(&c.ChildID), scanID(&c.UnitID), &kind, &c.At, dateScan{&c.Day}, &c.By,
		&c.Collector.Name, scanID(&c.Collector.Pickup), scanID(&c.Collector.Guardian), &c.Warning)
	c.Kind, c.At = attendance.CheckKind(kind), oslo(c.At)
	return c, err
}

func scanPickup(row scanner, m domain.Municipality) (attendance.Pickup, error) {
	p := attendance.Pickup{Municipality: m}
	err := row.Scan(scanID(&p.ID), scanID(&p.ChildID), &p.Name, &p.Relation, &p.Phone, dateScan{&p.ValidUntil}, scanID(&p.AddedBy))
	return p, err
}

func scanAbsence(row scanner, m domain.Municipality) (attendance.Absence, error) {
	a := attendance.Absence{Municipality: m}
	var reason string
	err := row.Scan(scanID(&a.ID), scanID(&a.ChildID), dateScan{&a.Period.Start}, dateScan{&a.Period.End}, &reason,
		&a.Note, &a.ReportedBy, &a.ReportedAt)
	a.Reason, a.ReportedAt = attendance.Reason(reason), oslo(a.ReportedAt)
	return a, err
}

func scanDuty(row scanner, m domain.Municipality) (attendance.Duty, error) {
	d := attendance.Duty{Municipality: m}
	err := row.Scan(scanID(&d.ID), scanID(&d.UnitID), dateScan{&d.Day}, &d.Staff, &d.Start, &d.End)
	d.Start, d.End = oslo(d.Start), oslo(d.End)
	return d, err
}

func scanSchoolAbsence(row scanner, m domain.Municipality) (attendance.SchoolAbsence, error) {
	a := attendance.SchoolAbsence{Municipality: m}
	var kind string
	err := row.Scan(scanID(&a.ID), scanID(&a.ChildID), scanID(&a.UnitID), dateScan{&a.Day}, &a.Hours, &kind, &a.Reason, &a.RecordedBy)
	a.Kind = attendance.SchoolKind(kind)
	return a, err
}

// queueList adds a query to the batch whose rows are collected into dst.
func queueList[T any](b *pgx.Batch, dst *[]T, m domain.Municipality, scan func(scanner, domain.Municipality) (T, error), sql string, args ...any) {
	b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		vs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return scan(row, m) })
		*dst = vs
		return err
	})
}

// CheckContext reads the event under the key, the child's placements that
// include the day and its events of the day, in one round trip.
func (s *Store) CheckContext(ctx context.Context, m domain.Municipality, child domain.ChildID, day date.Date, key string) (attendance.CheckContext, error) {
	var (
		cc       attendance.CheckContext
		existing []attendance.Check
		b        pgx.Batch
	)
	// Inside a write transaction, events of one child take turns: the
	// lock is held to the commit, and the reads after it (each a statement
	// of its own under READ COMMITTED) see what the previous event wrote.
	// Two devices sending the same key, or a check-in racing another, are
	// then validated one after the other, as on SQLite and in memory.
	if s.tx(ctx) != nil {
		b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))`, string(m), child.String())
	}
	queueList(&b, &existing, m, scanCheck, checkByKeySQL, string(m), key)
	queueList(&b, &cc.Placements, m, scanPlacement, `SELECT `+placementColumns+` FROM placements
		WHERE municipality = $1 AND child_id = $2 AND start_date <= $3 AND COALESCE(end_date, 'infinity'::date) >= $3`,
		string(m), uid(child), pgDay(day))
	queueList(&b, &cc.Checks, m, scanCheck, `SELECT `+checkColumns+` FROM attendance_checks
		WHERE municipality = $1 AND child_id = $2 AND day = $3 ORDER BY at, id`, string(m), uid(child), pgDay(day))
	if err := s.q(ctx).SendBatch(ctx, &b).Close(); err != nil {
		return attendance.CheckContext{}, dbError("read check context", err)
	}
	if len(existing) > 0 {
		cc.Existing = &existing[0]
	}
	return cc, nil
}

// AddCheck records the event, or returns the one recorded under its key.
// The insert does nothing on a clash; the read that follows it, a statement
// of its own, sees the row a concurrent transaction committed.
func (s *Store) AddCheck(ctx context.Context, c attendance.Check) (out attendance.Check, created bool, err error) {
	if err := c.Validate(); err != nil {
		return out, false, err
	}
	args := []any{string(c.Municipality), uid(c.ID), c.Key, uid(c.ChildID), uid(c.UnitID), string(c.Kind), c.At, pgDay(c.Day), c.By,
		c.Collector.Name, uid(c.Collector.Pickup), uid(c.Collector.Guardian), c.Warning}
	// Made with domain.AtCommit in Atomic (the service, after its read of
	// the key found nothing), the insert goes with the COMMIT; a key
	// recorded meanwhile by another transaction fails it by the constraint.
	if s.hold(ctx, heldWrite{held: pgInsertCheck, args: args, check: func(_ pgconn.CommandTag, err error) error {
		var pe *pgconn.PgError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "attendance_checks_key":
			return &domain.ConflictError{Field: "key", Reason: "was-used-for-another-event"}
		case isUnique(err):
			return errIDTaken
		}
		return attendanceError("add check", err)
	}}) {
		return c, true, nil
	}
	err = s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, pgInsertCheck+` ON CONFLICT DO NOTHING`, args...)
		if err != nil {
			return attendanceError("add check", err)
		}
		if tag.RowsAffected() == 1 {
			out, created = c, true
			return nil
		}
		out, err = one(ctx, tx, "check", c.Municipality, c.Key, scanCheck, checkByKeySQL, string(c.Municipality), c.Key)
		if domain.IsNotFound(err) {
			return errIDTaken
		}
		return err
	})
	return out, created, err
}

// UnitDay reads a unit's placements, children, events, absences and duties
// of a day in one round trip.
func (s *Store) UnitDay(ctx context.Context, m domain.Municipality, unit domain.UnitID, day date.Date) (attendance.Day, error) {
	type placed struct {
		p domain.Placement
		c domain.Child
	}
	var (
		d    attendance.Day
		rows []placed
		b    pgx.Batch
	)
	queueList(&b, &rows, m, func(row scanner, m domain.Municipality) (placed, error) {
		x := placed{p: domain.Placement{Municipality: m}, c: domain.Child{Municipality: m}}
		p, c := &x.p, &x.c
		err := row.Scan(scanID(&p.ID), scanID(&p.ChildID), scanID(&p.UnitID), scanID(&p.GroupID),
			stringScan[domain.UnitKind]{&p.Kind}, &p.HoursPerWeek, dateScan{&p.Period.Start}, dateScan{&p.Period.End},
			scanID(&c.ID), nationalIDScan{&c.NationalID}, &c.GivenName, &c.FamilyName,
			dateScan{&c.BirthDate}, stringScan[domain.AddressProtection]{&c.AddressProtection})
		return x, err
	}, `SELECT p.id, p.child_id, p.unit_id, p.group_id, p.kind, p.hours_per_week, p.start_date, p.end_date,
			c.id, c.national_id, c.given_name, c.family_name, c.birth_date, c.address_protection
		FROM placements p JOIN children c ON c.municipality = p.municipality AND c.id = p.child_id
		WHERE p.municipality = $1 AND p.unit_id = $2 AND p.start_date <= $3 AND COALESCE(p.end_date, 'infinity'::date) >= $3`,
		string(m), uid(unit), pgDay(day))
	queueList(&b, &d.Checks, m, scanCheck, `SELECT `+checkColumns+` FROM attendance_checks
		WHERE municipality = $1 AND unit_id = $2 AND day = $3 ORDER BY at, id`, string(m), uid(unit), pgDay(day))
	queueList(&b, &d.Absences, m, scanAbsence, unitAbsencesSQL, string(m), uid(unit), pgDay(day), pgDay(day))
	queueList(&b, &d.Duties, m, scanDuty, `SELECT `+dutyColumns+` FROM attendance_duties
		WHERE municipality = $1 AND unit_id = $2 AND day = $3 ORDER BY start_at, id`, string(m), uid(unit), pgDay(day))
	if err := s.q(ctx).SendBatch(ctx, &b).Close(); err != nil {
		return attendance.Day{}, dbError("read unit day", err)
	}
	slices.SortFunc(rows, func(a, b placed) int {
		return cmp.Or(a.p.ChildID.Compare(b.p.ChildID), cmp.Compare(a.p.Period.Start, b.p.Period.Start), a.p.ID.Compare(b.p.ID))
	})
	d.Placements = make([]domain.Placement, 0, len(rows))
	d.Children = make([]domain.Child, 0, len(rows))
	for i, x := range rows {
		d.Placements = append(d.Placements, x.p)
		if i == 0 || rows[i-1].c.ID != x.c.ID {
			d.Children = append(d.Children, x.c)
		}
	}
	// uuid order in PostgreSQL is byte order, as ID.Compare; sort anyway so
	// that the order does not depend on the collation of a text column.
	slices.SortFunc(d.Absences, func(a, b attendance.Absence) int {
		return cmp.Or(a.ChildID.Compare(b.ChildID), cmp.Compare(a.Period.Start, b.Period.Start), a.ID.Compare(b.ID))
	})
	return d, nil
}

// PutPickup adds or replaces an authorisation.
func (s *Store) PutPickup(ctx context.Context, p attendance.Pickup) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO attendance_pickups (municipality, `+pickupColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (municipality, id) DO UPDATE SET name = excluded.name, relation = excluded.relation,
				phone = excluded.phone, valid_until = excluded.valid_until, added_by = excluded.added_by
			WHERE attendance_pickups.child_id = excluded.child_id`,
			string(p.Municipality), uid(p.ID), uid(p.ChildID), p.Name, p.Relation, p.Phone, pgEnd(p.ValidUntil), uid(p.AddedBy))
		if err != nil {
			return attendanceError("put pickup", err)
		}
		if tag.RowsAffected() == 0 {
			return errIDTaken
		}
		return nil
	})
}

// deleteByID deletes a record of the table; none is ErrNotFound.
func (s *Store) deleteByID(ctx context.Context, table, what string, m domain.Municipality, id pgtype.UUID) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE municipality = $1 AND id = $2`, string(m), id)
		if err != nil {
			return dbError("delete "+what, err)
		}
		if tag.RowsAffected() == 0 {
			return notFound(what, m, fmt.Sprint(id))
		}
		return nil
	})
}

// DeletePickup removes an authorisation.
func (s *Store) DeletePickup(ctx context.Context, m domain.Municipality, id attendance.PickupID) error {
	return s.deleteByID(ctx, "attendance_pickups", "pickup", m, uid(id))
}

// Pickups lists a child's authorisations by name, then ID.
func (s *Store) Pickups(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]attendance.Pickup, error) {
	ps, err := list(ctx, s.q(ctx), "pickups", m, scanPickup, `SELECT `+pickupColumns+` FROM attendance_pickups
		WHERE municipality = $1 AND child_id = $2`, string(m), uid(child))
	attendance.SortPickups(ps)
	return ps, err
}

// insert runs one INSERT in a transaction and maps its errors.
func (s *Store) insert(ctx context.Context, what, sql string, args ...any) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, sql+` ON CONFLICT DO NOTHING`, args...)
		if err != nil {
			return attendanceError("add "+what, err)
		}
		if tag.RowsAffected() == 0 {
			return errIDTaken
		}
		return nil
	})
}

// AddAbsence stores an absence.
func (s *Store) AddAbsence(ctx context.Context, a attendance.Absence) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO attendance_absences (municipality, `+absenceColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			string(a.Municipality), uid(a.ID), uid(a.ChildID), pgDay(a.Period.Start), pgDay(a.Period.End), string(a.Reason),
			a.Note, a.ReportedBy, a.ReportedAt)
		if err != nil {
			return attendanceError("add absence", err)
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		// Nothing written: the ID is taken, or the exclusion constraint
		// found an overlapping absence.
		return conflict(ctx, tx, "attendance_absences", a.Municipality, uid(a.ID),
			&domain.ConflictError{Field: "period", Reason: "overlaps-another-absence-of-the-child"})
	})
}

// DeleteAbsence removes an absence.
func (s *Store) DeleteAbsence(ctx context.Context, m domain.Municipality, id attendance.AbsenceID) error {
	return s.deleteByID(ctx, "attendance_absences", "absence", m, uid(id))
}

// Absences lists a child's absences sharing a day with the period.
func (s *Store) Absences(ctx context.Context, m domain.Municipality, child domain.ChildID, within domain.Period) ([]attendance.Absence, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	return list(ctx, s.q(ctx), "absences", m, scanAbsence, `SELECT `+absenceColumns+` FROM attendance_absences
		WHERE municipality = $1 AND child_id = $2 AND start_date <= COALESCE($4, 'infinity'::date) AND end_date >= $3
		ORDER BY start_date, id`, string(m), uid(child), pgDay(within.Start), pgEnd(within.End))
}

// UnitAbsences lists the absences of the children placed in the unit
// within the period.
func (s *Store) UnitAbsences(ctx context.Context, m domain.Municipality, unit domain.UnitID, within domain.Period) ([]attendance.Absence, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	end := pgDay(within.End)
	if within.Open() {
		end = pgtype.Date{InfinityModifier: pgtype.Infinity, Valid: true}
	}
	return list(ctx, s.q(ctx), "absences", m, scanAbsence, unitAbsencesSQL, string(m), uid(unit), pgDay(within.Start), end)
}

// AddDuty stores a staff member's duty.
func (s *Store) AddDuty(ctx context.Context, d attendance.Duty) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return s.insert(ctx, "duty", `INSERT INTO attendance_duties (municipality, `+dutyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		string(d.Municipality), uid(d.ID), uid(d.UnitID), pgDay(d.Day), d.Staff, d.Start, d.End)
}

// AddSchoolAbsence stores a school absence.
func (s *Store) AddSchoolAbsence(ctx context.Context, a attendance.SchoolAbsence) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.insert(ctx, "school absence", `INSERT INTO attendance_school_absences (municipality, `+schoolAbsenceColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		string(a.Municipality), uid(a.ID), uid(a.ChildID), uid(a.UnitID), pgDay(a.Day), a.Hours, string(a.Kind), a.Reason, a.RecordedBy)
}

// ChildChecks lists a child's check events within the period.
func (s *Store) ChildChecks(ctx context.Context, m domain.Municipality, child domain.ChildID, within domain.Period) ([]attendance.Check, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	return list(ctx, s.q(ctx), "checks", m, scanCheck, `SELECT `+checkColumns+`
		FROM attendance_checks
		WHERE municipality = $1 AND child_id = $2 AND day >= $3 AND day <= COALESCE($4, 'infinity'::date)
		ORDER BY at, id`, string(m), uid(child), pgDay(within.Start), pgEnd(within.End))
}

// SchoolAbsences lists a pupil's school absences within the period.
func (s *Store) SchoolAbsences(ctx context.Context, m domain.Municipality, child domain.ChildID, within domain.Period) ([]attendance.SchoolAbsence, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	return list(ctx, s.q(ctx), "school absences", m, scanSchoolAbsence, `SELECT `+schoolAbsenceColumns+`
		FROM attendance_school_absences
		WHERE municipality = $1 AND child_id = $2 AND day >= $3 AND day <= COALESCE($4, 'infinity'::date)
		ORDER BY day, id`, string(m), uid(child), pgDay(within.Start), pgEnd(within.End))
}

// PutSettings replaces the municipality's settings.
func (s *Store) PutSettings(ctx context.Context, st attendance.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("postgres: settings: %w", err)
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO attendance_settings (municipality, body) VALUES ($1, $2)
			ON CONFLICT (municipality) DO UPDATE SET body = excluded.body`, string(st.Municipality), string(body))
		if err != nil {
			return dbError("put settings", err)
		}
		return nil
	})
}

// Settings returns the municipality's settings, or the zero settings.
func (s *Store) Settings(ctx context.Context, m domain.Municipality) (attendance.Settings, error) {
	var body []byte
	err := s.q(ctx).QueryRow(ctx, `SELECT body::text FROM attendance_settings WHERE municipality = $1`, string(m)).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return attendance.Settings{Municipality: m}, nil
	}
	if err != nil {
		return attendance.Settings{}, dbError("read settings", err)
	}
	var st attendance.Settings
	if err := json.Unmarshal(body, &st); err != nil {
		return st, fmt.Errorf("postgres: stored settings: %w", err)
	}
	st.Municipality = m
	return st, nil
}
