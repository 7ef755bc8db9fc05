package attendance

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// NoticeUndocumented is the kind of the domain.Notice raised for an
// undocumented school absence. Its Data keys are listed by the NoticeData*
// constants.
const NoticeUndocumented = "absence.undocumented"

// Data keys of the NoticeUndocumented notice (all text).
const (
	NoticeDataDate     = "date"     // the day, YYYY-MM-DD
	NoticeDataHours    = "hours"    // lesson hours missed; "0" for the whole day
	NoticeDataWholeDay = "wholeDay" // "true" or "false"
	NoticeDataUnit     = "unit"     // the school's name
	NoticeDataChild    = "child"    // the pupil's given name
)

// RecordSchoolAbsence records a pupil's absence on a day, for the whole
// day or some lesson hours. Staff of the school where the pupil has a
// placement that day may record it; the day must not be in the future.
//
// A Permission absence is refused (a *domain.ValidationError on "kind")
// when it would bring the pupil's permission days in the school year over
// the municipality's Settings.School.PermissionDays. An Undocumented
// absence raises a NoticeUndocumented notice to the guardians through the
// Notifier, in the same transaction.
func (s *Service) RecordSchoolAbsence(ctx context.Context, a domain.Actor, ab SchoolAbsence) (SchoolAbsence, error) {
	if err := a.Validate(); err != nil {
		return SchoolAbsence{}, err
	}
	if !a.WorksAt(ab.UnitID) {
		return SchoolAbsence{}, fmt.Errorf("attendance: %s does not work at unit %s: %w", a, ab.UnitID, domain.ErrForbidden)
	}
	ab.ID = domain.NewID[SchoolAbsence]()
	ab.Municipality = a.Municipality
	ab.RecordedBy = a.Subject
	if err := ab.Validate(); err != nil {
		return SchoolAbsence{}, err
	}
	if ab.Day > s.today() {
		return SchoolAbsence{}, domain.Invalid("day", "is-in-the-future", "day", fmt.Sprint(ab.Day))
	}
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		ps, err := s.Store.Placements(ctx, ab.Municipality, ab.ChildID)
		if err != nil {
			return err
		}
		placed := false
		for _, p := range ps {
			placed = placed || (p.UnitID == ab.UnitID && p.Kind == domain.School && p.Period.Contains(ab.Day))
		}
		if !placed {
			return domain.Invalid("unitId", "the-pupil-has-no-school-placement-at-this-unit-on", "day", fmt.Sprint(ab.Day))
		}
		if ab.Kind == Permission {
			if err := s.checkPermission(ctx, ab); err != nil {
				return err
			}
		}
		if err := s.Store.AddSchoolAbsence(ctx, ab); err != nil {
			return err
		}
		if ab.Kind != Undocumented || s.Notifier == nil {
			return nil
		}
		u, err := s.Store.Unit(ctx, ab.Municipality, ab.UnitID)
		if err != nil {
			return err
		}
		c, err := s.Store.Child(ctx, ab.Municipality, ab.ChildID)
		if err != nil {
			return err
		}
		return s.Notifier.Notify(ctx, domain.Notice{
			Municipality: ab.Municipality, Kind: NoticeUndocumented, Child: ab.ChildID,
			Data: map[string]string{
				NoticeDataDate:     ab.Day.String(),
				NoticeDataHours:    strconv.Itoa(ab.Hours),
				NoticeDataWholeDay: strconv.FormatBool(ab.WholeDay()),
				NoticeDataUnit:     u.Name,
				NoticeDataChild:    c.GivenName,
			},
			Key: NoticeUndocumented + "/" + ab.ID.String(),
		})
	})
	if err != nil {
		return SchoolAbsence{}, err
	}
	return ab, nil
}

func (s *Service) checkPermission(ctx context.Context, ab SchoolAbsence) error {
	st, err := s.Store.Settings(ctx, ab.Municipality)
	if err != nil {
		return err
	}
	limit := st.School.PermissionDays
	year := domain.SchoolYearOf(ab.Day)
	old, err := s.Store.SchoolAbsences(ctx, ab.Municipality, ab.ChildID, year.Period())
	if err != nil {
		return err
	}
	days := map[date.Date]bool{ab.Day: true}
	for _, o := range old {
		if o.Kind == Permission {
			days[o.Day] = true
		}
	}
	if len(days) > limit {
		return domain.Invalid("kind", "permission-would-make-days-in-the-municipality-grants-at-most", "count", fmt.Sprint(len(days)), "year", fmt.Sprint(year), "limit", fmt.Sprint(limit), "source", fmt.Sprint(st.School.Source))
	}
	return nil
}

// Summary is a pupil's absence in a school year as it goes on the leaving
// certificate (grades 8 to 10): days and lesson hours, and the days left
// out under the municipality's rule.
type Summary struct {
	Child domain.ChildID    `json:"child"`
	Year  domain.SchoolYear `json:"year"`
	Grade int               `json:"grade"`
	// Days of whole-day absence and Hours of lesson-hour absence.
	Days  int `json:"days"`
	Hours int `json:"hours"`
	// ExcludedDays are the whole days left out (of a kind the rule
	// excludes, at most Settings.School.ExcludableDays, earliest first).
	ExcludedDays []date.Date `json:"excludedDays"`
	// CertificateDays and CertificateHours go on the certificate.
	CertificateDays  int    `json:"certificateDays"`
	CertificateHours int    `json:"certificateHours"`
	Source           string `json:"source,omitempty"`
}

// Explain renders the summary in l.
func (sm Summary) Explain(l Lang) string {
	return pick(l,
		fmt.Sprintf("%s, %d. trinn: %d dager og %d timer fravær; %d dager holdes utenfor (%s); på vitnemålet: %d dager og %d timer.",
			sm.Year, sm.Grade, sm.Days, sm.Hours, len(sm.ExcludedDays), sm.Source, sm.CertificateDays, sm.CertificateHours),
		fmt.Sprintf("%s, %d. trinn: %d dagar og %d timar fråvær; %d dagar blir haldne utanfor (%s); på vitnemålet: %d dagar og %d timar.",
			sm.Year, sm.Grade, sm.Days, sm.Hours, len(sm.ExcludedDays), sm.Source, sm.CertificateDays, sm.CertificateHours),
		fmt.Sprintf("%s, grade %d: %d days and %d hours of absence; %d days left out (%s); on the certificate: %d days and %d hours.",
			sm.Year, sm.Grade, sm.Days, sm.Hours, len(sm.ExcludedDays), sm.Source, sm.CertificateDays, sm.CertificateHours))
}

// GradeIn is the grade a pupil born on birth normally attends in year y:
// school starts in August of the year the child turns six.
func GradeIn(birth date.Date, y domain.SchoolYear) int { return int(y) - birth.Year() - 5 }

// YearSummary returns the pupil's absence summary for a school year of
// the grades on the leaving certificate. A guardian with parental
// responsibility, staff of the pupil's school and municipal actors may read
// it. The grade is GradeIn the year; outside the certificate grades of the
// settings it is a *domain.ValidationError on "year".
func (s *Service) YearSummary(ctx context.Context, a domain.Actor, child domain.ChildID, year domain.SchoolYear) (Summary, error) {
	if err := a.Validate(); err != nil {
		return Summary{}, err
	}
	if !a.Municipal() {
		if err := s.mayActFor(ctx, a, child, min(s.today(), year.End())); err != nil {
			return Summary{}, err
		}
	}
	c, err := s.Store.Child(ctx, a.Municipality, child)
	if err != nil {
		return Summary{}, err
	}
	st, err := s.Store.Settings(ctx, a.Municipality)
	if err != nil {
		return Summary{}, err
	}
	rule := st.School
	sm := Summary{Child: child, Year: year, Grade: GradeIn(c.BirthDate, year), Source: rule.Source, ExcludedDays: []date.Date{}}
	if sm.Grade < rule.CertificateFrom || sm.Grade > rule.CertificateTo || rule.CertificateTo == 0 {
		return Summary{}, domain.Invalid("year", "grade-is-not-on-the-leaving-certificate-grades-to", "grade", fmt.Sprint(sm.Grade), "certificateFrom", fmt.Sprint(rule.CertificateFrom), "certificateTo", fmt.Sprint(rule.CertificateTo))
	}
	list, err := s.Store.SchoolAbsences(ctx, a.Municipality, child, year.Period())
	if err != nil {
		return Summary{}, err
	}
	days, hours, excluded := CountYear(rule, list)
	sm.Days, sm.Hours, sm.ExcludedDays = days, hours, excluded
	sm.CertificateDays = sm.Days - len(sm.ExcludedDays)
	sm.CertificateHours = sm.Hours
	return sm, nil
}

// CountYear counts a school year's absence records under the rule, as the
// leaving certificate shows them: days are the distinct days with a
// whole-day record; hours are the lesson hours of the records on the other
// days (a day with a whole-day record counts as a day only); excluded are
// the whole days, earliest first, with a record of a kind in
// rule.Excludable, at most rule.ExcludableDays of them. The records may
// come in any order; it never fails.
func CountYear(rule SchoolRule, list []SchoolAbsence) (days, hours int, excluded []date.Date) {
	whole := map[date.Date]bool{}
	excludable := map[date.Date]bool{}
	for _, ab := range list {
		if ab.WholeDay() {
			whole[ab.Day] = true
			excludable[ab.Day] = excludable[ab.Day] || slices.Contains(rule.Excludable, ab.Kind)
		}
	}
	for _, ab := range list {
		if !ab.WholeDay() && !whole[ab.Day] {
			hours += ab.Hours
		}
	}
	wholeDays := make([]date.Date, 0, len(whole))
	for d := range whole {
		wholeDays = append(wholeDays, d)
	}
	slices.Sort(wholeDays)
	excluded = []date.Date{}
	for _, d := range wholeDays {
		if excludable[d] && len(excluded) < rule.ExcludableDays {
			excluded = append(excluded, d)
		}
	}
	return len(wholeDays), hours, excluded
}
