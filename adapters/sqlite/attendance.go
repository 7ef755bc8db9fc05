package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rickb777/date/v2"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// attendanceQueries are the statements of the attendance store port that Open prepares.
var attendanceQueries = []string{
	selectCheckByKey, selectChildPlacementsOn, selectChildChecks, insertCheck,
	selectUnitPlacedChildren, selectChildChecksWithin, selectUnitChecks, selectUnitAbsences, selectUnitDuties,
	upsertPickup, deletePickup, selectPickups,
	insertAbsence, deleteAbsence, selectAbsences,
	insertDuty, insertSchoolAbsence, selectSchoolAbsences,
	// Not the settings statements: they are keyed by the municipality
	// alone, a one-row lookup TestQueriesUseIndexes would take for a walk
	// through a municipality's rows; they run once per roster.
}

var _ attendance.Store = (*Store)(nil)

const (
	checkCols = `municipality, id, idempotency_key, child_id, unit_id, kind, at_us, day, recorded_by,
		collector_name, collector_pickup, collector_guardian, warning`
	pickupCols        = `municipality, id, child_id, name, relation, phone, valid_until, added_by`
	absenceCols       = `municipality, id, child_id, start_date, end_date, reason, note, reported_by, reported_at_us`
	dutyCols          = `municipality, id, unit_id, day, staff, start_us, end_us`
	schoolAbsenceCols = `municipality, id, child_id, unit_id, day, hours, kind, reason, recorded_by`
)

const (
	selectCheckByKey = `SELECT ` + checkCols + ` FROM attendance_checks WHERE municipality = ? AND idempotency_key = ?`
	// The child's placements that include a day.
	selectChildPlacementsOn = `SELECT ` + placementCols + ` FROM placements INDEXED BY placements_by_child
		WHERE municipality = ? AND child_id = ? AND start_date <= ? AND coalesce(end_date, '` + openEnd + `') >= ?`
	selectChildChecks = `SELECT ` + checkCols + ` FROM attendance_checks INDEXED BY attendance_checks_by_child
		WHERE municipality = ? AND child_id = ? AND day = ? ORDER BY at_us, id`
	insertCheck = `INSERT INTO attendance_checks (` + checkCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (municipality, idempotency_key) DO NOTHING`

	// The placements in a unit that include a day, with their children.
	selectUnitPlacedChildren = `SELECT p.municipality, p.id, p.child_id, p.unit_id, p.group_id, p.kind, p.hours_per_week, p.start_date, p.end_date,
			c.municipality, c.id, c.national_id, c.given_name, c.family_name, c.birth_date, c.address_protection
		FROM placements p INDEXED BY placements_by_unit
		JOIN children c ON c.municipality = p.municipality AND c.id = p.child_id
		WHERE p.municipality = ? AND p.unit_id = ? AND p.start_date <= ? AND coalesce(p.end_date, '` + openEnd + `') >= ?`
	selectChildChecksWithin = `SELECT ` + checkCols + ` FROM attendance_checks INDEXED BY attendance_checks_by_child
		WHERE municipality = ? AND child_id = ? AND day >= ? AND day <= ? ORDER BY at_us, id`
	selectUnitChecks = `SELECT ` + checkCols + ` FROM attendance_checks INDEXED BY attendance_checks_by_unit
		WHERE municipality = ? AND unit_id = ? AND day = ? ORDER BY at_us, id`
	// The absences within [start, end] of the children placed in a unit
	// within [start, end]. Arguments: m, end, start, m, unit, end, start.
	selectUnitAbsences = `SELECT ` + absenceCols + ` FROM attendance_absences INDEXED BY attendance_absences_by_child
		WHERE municipality = ? AND start_date <= ? AND end_date >= ? AND child_id IN (
			SELECT child_id FROM placements INDEXED BY placements_by_unit
			WHERE municipality = ? AND unit_id = ? AND start_date <= ? AND coalesce(end_date, '` + openEnd + `') >= ?)
		ORDER BY child_id, start_date, id`
	selectUnitDuties = `SELECT ` + dutyCols + ` FROM attendance_duties INDEXED BY attendance_duties_by_unit
		WHERE municipality = ? AND unit_id = ? AND day = ? ORDER BY start_us, id`

	upsertPickup = `INSERT INTO attendance_pickups (` + pickupCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (municipality, id) DO UPDATE SET name = excluded.name, relation = excluded.relation,
			phone = excluded.phone, valid_until = excluded.valid_until, added_by = excluded.added_by
		WHERE child_id = excluded.child_id`
	deletePickup  = `DELETE FROM attendance_pickups WHERE municipality = ? AND id = ?`
	selectPickups = `SELECT ` + pickupCols + ` FROM attendance_pickups INDEXED BY attendance_pickups_by_child
		WHERE municipality = ? AND child_id = ?`

	insertAbsence  = `INSERT INTO attendance_absences (` + absenceCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	deleteAbsence  = `DELETE FROM attendance_absences WHERE municipality = ? AND id = ?`
	selectAbsences = `SELECT ` + absenceCols + ` FROM attendance_absences INDEXED BY attendance_absences_by_child
		WHERE municipality = ? AND child_id = ? AND start_date <= ? AND end_date >= ? ORDER BY start_date, id`

	insertDuty           = `INSERT INTO attendance_duties (` + dutyCols + `) VALUES (?, ?, ?, ?, ?, ?, ?)`
	insertSchoolAbsence  = `INSERT INTO attendance_school_absences (` + schoolAbsenceCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	selectSchoolAbsences = `SELECT ` + schoolAbsenceCols + ` FROM attendance_school_absences INDEXED BY attendance_school_absences_by_child
		WHERE municipality = ? AND child_id = ? AND day >= ? AND day <= ? ORDER BY day, id`

	upsertSettings = `INSERT INTO attendance_settings (municipality, body) VALUES (?, ?)
		ON CONFLICT (municipality) DO UPDATE SET body = excluded.body`
	selectSettings = `SELECT body FROM attendance_settings WHERE municipality = ?`
)

// errAbsenceOverlap is the refusal of an absence that shares a day with
// another of the child's.
var errAbsenceOverlap = &domain.ConflictError{Field: "period", Reason: "overlaps-another-absence-of-the-child"}

func instant(us int64) time.Time { return time.UnixMicro(us).In(domain.Oslo()) }

func scanCheck(r scanner) (attendance.Check, error) {
	var c attendance.Check
	var at int64
	var day string
	err := r.Scan(&c.Municipality, &c.ID, &c.Key, &c.ChildID, &c.UnitID, &c.Kind, &at, &day, &c.By,
		&c.Collector.Name, &c.Collector.Pickup, &c.Collector.Guardian, &c.Warning)
	if err != nil {
		return c, err
	}
	c.At = instant(at)
	c.Day, err = parseDate(day)
	return c, err
}

func scanPickup(r scanner) (attendance.Pickup, error) {
	var p attendance.Pickup
	var until sql.NullString
	if err := r.Scan(&p.Municipality, &p.ID, &p.ChildID, &p.Name, &p.Relation, &p.Phone, &until, &p.AddedBy); err != nil {
		return p, err
	}
	var err error
	if until.Valid {
		p.ValidUntil, err = parseDate(until.String)
	}
	return p, err
}

func scanAbsence(r scanner) (attendance.Absence, error) {
	var a attendance.Absence
	var start, end string
	var at int64
	if err := r.Scan(&a.Municipality, &a.ID, &a.ChildID, &start, &end, &a.Reason, &a.Note, &a.ReportedBy, &at); err != nil {
		return a, err
	}
	a.ReportedAt = instant(at)
	var err error
	if a.Period.Start, err = parseDate(start); err != nil {
		return a, err
	}
	a.Period.End, err = parseDate(end)
	return a, err
}

func scanDuty(r scanner) (attendance.Duty, error) {
	var d attendance.Duty
	var day string
	var start, end int64
	if err := r.Scan(&d.Municipality, &d.ID, &d.UnitID, &day, &d.Staff, &start, &end); err != nil {
		return d, err
	}
	d.Start, d.End = instant(start), instant(end)
	var err error
	d.Day, err = parseDate(day)
	return d, err
}

func scanSchoolAbsence(r scanner) (attendance.SchoolAbsence, error) {
	var a attendance.SchoolAbsence
	var day string
	if err := r.Scan(&a.Municipality, &a.ID, &a.ChildID, &a.UnitID, &day, &a.Hours, &a.Kind, &a.Reason, &a.RecordedBy); err != nil {
		return a, err
	}
	var err error
	a.Day, err = parseDate(day)
	return a, err
}

// refErr turns a foreign key violation of an attendance write into a
// *domain.ValidationError on the field that refers to nothing: the child
// when it does not exist, else the unit. Other errors go to writeErr.
func (s *Store) refErr(ctx context.Context, err error, what string, m domain.Municipality, child domain.ChildID) error {
	var se *sqlite.Error
	if err != nil && errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT && strings.Contains(se.Error(), "absence_overlap") {
		return errAbsenceOverlap
	}
	if err == nil || !errors.As(err, &se) || se.Code() != sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return writeErr(err, what)
	}
	if child.IsZero() || s.mustExist(ctx, "child", childExists, m, child) == nil {
		return domain.Invalid("unitId", "no-such-unit")
	}
	return domain.Invalid("childId", "no-such-child")
}

// CheckContext reads the event under the key, the child's placements that
// include the day and its events of the day, in one snapshot.
func (s *Store) CheckContext(ctx context.Context, m domain.Municipality, child domain.ChildID, day date.Date, key string) (cc attendance.CheckContext, err error) {
	err = s.read(ctx, func(ctx context.Context) error {
		existing, err := queryAll(ctx, s, selectCheckByKey, scanCheck, m, key)
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			cc.Existing = &existing[0]
		}
		ds := day.String()
		if cc.Placements, err = queryAll(ctx, s, selectChildPlacementsOn, scanPlacement, m, child, ds, ds); err != nil {
			return err
		}
		cc.Checks, err = queryAll(ctx, s, selectChildChecks, scanCheck, m, child, ds)
		return err
	})
	return cc, err
}

// AddCheck records the event, or returns the one recorded under its key.
func (s *Store) AddCheck(ctx context.Context, c attendance.Check) (out attendance.Check, created bool, err error) {
	if err := c.Validate(); err != nil {
		return out, false, err
	}
	if err := checkDate("day", c.Day); err != nil {
		return out, false, err
	}
	err = s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, insertCheck, c.Municipality, c.ID, c.Key, c.ChildID, c.UnitID, c.Kind, c.At.UnixMicro(),
			c.Day.String(), c.By, c.Collector.Name, c.Collector.Pickup, c.Collector.Guardian, c.Warning)
		if err != nil {
			return s.refErr(ctx, err, "check", c.Municipality, c.ChildID)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			out, created = c, true
			return err
		}
		out, err = queryOne(ctx, s, "check", selectCheckByKey, scanCheck, c.Municipality, c.Key)
		return err
	})
	return out, created, err
}

// UnitDay reads a unit's placements, children, events, absences and duties
// of a day in one snapshot.
func (s *Store) UnitDay(ctx context.Context, m domain.Municipality, unit domain.UnitID, day date.Date) (d attendance.Day, err error) {
	ds := day.String()
	err = s.read(ctx, func(ctx context.Context) error {
		type placed struct {
			p domain.Placement
			c domain.Child
		}
		rows, err := queryAll(ctx, s, selectUnitPlacedChildren, func(r scanner) (placed, error) {
			var x placed
			var start, birth string
			var end, nid sql.NullString
			p, c := &x.p, &x.c
			if err := r.Scan(&p.Municipality, &p.ID, &p.ChildID, &p.UnitID, &p.GroupID, &p.Kind, &p.HoursPerWeek, &start, &end,
				&c.Municipality, &c.ID, &nid, &c.GivenName, &c.FamilyName, &birth, &c.AddressProtection); err != nil {
				return x, err
			}
			var err error
			if p.Period.Start, err = parseDate(start); err != nil {
				return x, err
			}
			if end.Valid {
				if p.Period.End, err = parseDate(end.String); err != nil {
					return x, err
				}
			}
			if c.NationalID, err = nationalID(nid); err != nil {
				return x, err
			}
			c.BirthDate, err = parseDate(birth)
			return x, err
		}, m, unit, ds, ds)
		if err != nil {
			return err
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
		if d.Checks, err = queryAll(ctx, s, selectUnitChecks, scanCheck, m, unit, ds); err != nil {
			return err
		}
		if d.Absences, err = queryAll(ctx, s, selectUnitAbsences, scanAbsence, m, ds, ds, m, unit, ds, ds); err != nil {
			return err
		}
		d.Duties, err = queryAll(ctx, s, selectUnitDuties, scanDuty, m, unit, ds)
		return err
	})
	return d, err
}

// PutPickup adds or replaces an authorisation.
func (s *Store) PutPickup(ctx context.Context, p attendance.Pickup) error {
	if err := p.Validate(); err != nil {
		return err
	}
	var until any
	if p.ValidUntil != date.Zero {
		if err := checkDate("validUntil", p.ValidUntil); err != nil {
			return err
		}
		until = p.ValidUntil.String()
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, upsertPickup, p.Municipality, p.ID, p.ChildID, p.Name, p.Relation, p.Phone, until, p.AddedBy)
		if err != nil {
			return s.refErr(ctx, err, "pickup", p.Municipality, p.ChildID)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, idConflict("pickup"))
		}
		return nil
	})
}

// DeletePickup removes an authorisation.
func (s *Store) DeletePickup(ctx context.Context, m domain.Municipality, id attendance.PickupID) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deletePickup, m, id)
		return affected(res, err, "pickup")
	})
}

// Pickups lists a child's authorisations by name, then ID.
func (s *Store) Pickups(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]attendance.Pickup, error) {
	ps, err := queryAll(ctx, s, selectPickups, scanPickup, m, child)
	attendance.SortPickups(ps)
	return ps, err
}

// AddAbsence stores an absence.
func (s *Store) AddAbsence(ctx context.Context, a attendance.Absence) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if err := cmp.Or(checkDate("period.start", a.Period.Start), checkDate("period.end", a.Period.End)); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertAbsence, a.Municipality, a.ID, a.ChildID, a.Period.Start.String(), a.Period.End.String(),
			a.Reason, a.Note, a.ReportedBy, a.ReportedAt.UnixMicro())
		return s.refErr(ctx, err, "absence", a.Municipality, a.ChildID)
	})
}

// DeleteAbsence removes an absence.
func (s *Store) DeleteAbsence(ctx context.Context, m domain.Municipality, id attendance.AbsenceID) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deleteAbsence, m, id)
		return affected(res, err, "absence")
	})
}

// bounds returns a period's ends as stored text; an open end is the last
// day SQLite text dates hold.
func bounds(p domain.Period) (string, string) {
	if p.Open() {
		return p.Start.String(), openEnd
	}
	return p.Start.String(), p.End.String()
}

// Absences lists a child's absences sharing a day with the period.
func (s *Store) Absences(ctx context.Context, m domain.Municipality, child domain.ChildID, within domain.Period) ([]attendance.Absence, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	start, end := bounds(within)
	return queryAll(ctx, s, selectAbsences, scanAbsence, m, child, end, start)
}

// UnitAbsences lists the absences of the children placed in the unit
// within the period.
func (s *Store) UnitAbsences(ctx context.Context, m domain.Municipality, unit domain.UnitID, within domain.Period) ([]attendance.Absence, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	start, end := bounds(within)
	return queryAll(ctx, s, selectUnitAbsences, scanAbsence, m, end, start, m, unit, end, start)
}

// AddDuty stores a staff member's duty.
func (s *Store) AddDuty(ctx context.Context, d attendance.Duty) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertDuty, d.Municipality, d.ID, d.UnitID, d.Day.String(), d.Staff, d.Start.UnixMicro(), d.End.UnixMicro())
		return s.refErr(ctx, err, "duty", d.Municipality, domain.ChildID{})
	})
}

// AddSchoolAbsence stores a school absence.
func (s *Store) AddSchoolAbsence(ctx context.Context, a attendance.SchoolAbsence) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if err := checkDate("day", a.Day); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertSchoolAbsence, a.Municipality, a.ID, a.ChildID, a.UnitID, a.Day.String(), a.Hours, a.Kind,
			a.Reason, a.RecordedBy)
		return s.refErr(ctx, err, "school absence", a.Municipality, a.ChildID)
	})
}

// ChildChecks lists a child's check events within the period.
func (s *Store) ChildChecks(ctx context.Context, m domain.Municipality, child domain.ChildID, within domain.Period) ([]attendance.Check, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	start, end := bounds(within)
	return queryAll(ctx, s, selectChildChecksWithin, scanCheck, m, child, start, end)
}

// SchoolAbsences lists a pupil's school absences within the period.
func (s *Store) SchoolAbsences(ctx context.Context, m domain.Municipality, child domain.ChildID, within domain.Period) ([]attendance.SchoolAbsence, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	start, end := bounds(within)
	return queryAll(ctx, s, selectSchoolAbsences, scanSchoolAbsence, m, child, start, end)
}

// PutSettings replaces the municipality's settings.
func (s *Store) PutSettings(ctx context.Context, st attendance.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("sqlite: settings: %w", err)
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, upsertSettings, st.Municipality, string(body))
		return writeErr(err, "settings")
	})
}

// Settings returns the municipality's settings, or the zero settings.
func (s *Store) Settings(ctx context.Context, m domain.Municipality) (attendance.Settings, error) {
	bodies, err := queryAll(ctx, s, selectSettings, func(r scanner) (string, error) {
		var b string
		return b, r.Scan(&b)
	}, m)
	if err != nil || len(bodies) == 0 {
		return attendance.Settings{Municipality: m}, err
	}
	var st attendance.Settings
	if err := json.Unmarshal([]byte(bodies[0]), &st); err != nil {
		return st, fmt.Errorf("sqlite: stored settings: %w", err)
	}
	st.Municipality = m
	return st, nil
}
