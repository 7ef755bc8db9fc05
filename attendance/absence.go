package attendance

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// ReportSick reports the child sick today: the one-click "sick child"
// button. A guardian with parental responsibility or staff of the child's
// unit may. Pressing it again the same day returns the first report.
//
// On a day every unit the child is placed at is closed (a public holiday,
// a weekend, a planning day, ...) nothing is recorded: the answer is a
// *ClosedError that says why, so the button can answer kindly.
func (s *Service) ReportSick(ctx context.Context, a domain.Actor, child domain.ChildID) (Absence, error) {
	today := s.today()
	if err := a.Validate(); err != nil {
		return Absence{}, err
	}
	if err := s.mayActFor(ctx, a, child, today); err != nil {
		return Absence{}, err
	}
	ps, err := s.Store.Placements(ctx, a.Municipality, child)
	if err != nil {
		return Absence{}, err
	}
	var closed *ClosedError
	for _, p := range ps {
		if !p.Period.Contains(today) || p.Kind == domain.School {
			continue
		}
		c, err := s.closed(ctx, a.Municipality, p.UnitID, today)
		if err != nil {
			return Absence{}, err
		}
		if c == nil {
			closed = nil
			break
		}
		if closed == nil {
			u, err := s.Store.Unit(ctx, a.Municipality, p.UnitID)
			if err != nil {
				return Absence{}, err
			}
			closed = &ClosedError{Unit: u, Closure: *c}
		}
	}
	if closed != nil {
		return Absence{}, closed
	}
	return s.report(ctx, a, Absence{ChildID: child, Period: domain.Period{Start: today, End: today}, Reason: Sick}, true)
}

// ReasonClosed is the reason of the "day" field of a ClosedError.
const ReasonClosed = "unit-closed-that-day"

// ClosedError is the answer of ReportSick on a day the child's unit is
// closed: nothing was recorded. errors.As finds a *domain.ValidationError
// on "day" (ReasonClosed) in it.
type ClosedError struct {
	Unit    domain.Unit
	Closure domain.Closure
}

// Error says which unit is closed and why.
func (e *ClosedError) Error() string {
	return fmt.Sprintf("attendance: %s is closed on %s (%s): nothing was recorded", e.Unit.Name, e.Closure.Day, e.Closure.Code)
}

// Unwrap is a validation error on "day".
func (e *ClosedError) Unwrap() error { return domain.Invalid("day", ReasonClosed) }

// Explain says in l, kindly, that the unit is closed and nothing was
// recorded: "Solsikken barnehage er stengt: Kristi himmelfartsdag. Ingenting
// ble registrert."
func (e *ClosedError) Explain(l Lang) string {
	name := e.Closure.Name(string(l))
	return pick(l,
		fmt.Sprintf("%s er stengt i dag (%s) – ingenting ble registrert.", e.Unit.Name, name),
		fmt.Sprintf("%s er stengt i dag (%s) – ingenting vart registrert.", e.Unit.Name, name),
		fmt.Sprintf("%s is closed today (%s) — nothing was recorded.", e.Unit.Name, name))
}

// ReportAbsence reports a planned absence (holiday, leave, other) or
// sickness for a range of days. A guardian with parental responsibility may
// report from today on; staff of the child's unit may also record past
// days. An absence overlapping another reported one is a
// *domain.ConflictError on "period". Staff see it on the roster at once.
func (s *Service) ReportAbsence(ctx context.Context, a domain.Actor, ab Absence) (Absence, error) {
	return s.report(ctx, a, ab, false)
}

func (s *Service) report(ctx context.Context, a domain.Actor, ab Absence, sameIsDone bool) (Absence, error) {
	if err := a.Validate(); err != nil {
		return Absence{}, err
	}
	now := s.now()
	ab.ID = domain.NewID[Absence]()
	ab.Municipality = a.Municipality
	ab.ReportedBy = a.Subject
	ab.ReportedAt = now.Truncate(time.Microsecond).In(domain.Oslo())
	if err := ab.Validate(); err != nil {
		return Absence{}, err
	}
	if a.Role == domain.RoleGuardian && ab.Period.Start < s.today() {
		return Absence{}, domain.Invalid("period.start", "is-in-the-past-ask-the-unit-to-record-it")
	}
	var out Absence
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := s.mayActFor(ctx, a, ab.ChildID, ab.Period.Start); err != nil {
			return err
		}
		old, err := s.Store.Absences(ctx, ab.Municipality, ab.ChildID, ab.Period)
		if err != nil {
			return err
		}
		for _, o := range old {
			if sameIsDone && o.Reason == ab.Reason && o.Period == ab.Period {
				out = o
				return nil
			}
		}
		if len(old) > 0 {
			return &domain.ConflictError{Field: "period", Reason: "overlaps-absence", Params: map[string]string{"start": fmt.Sprint(old[0].Period.Start), "end": fmt.Sprint(old[0].Period.End)}}
		}
		out = ab
		return s.Store.AddAbsence(ctx, ab)
	})
	if sameIsDone && domain.FieldOf(err) == "period" {
		// Another click (another phone) reported it at the same moment:
		// the store refused the second; answer with the first.
		list, rerr := s.Store.Absences(ctx, ab.Municipality, ab.ChildID, ab.Period)
		if rerr == nil {
			for _, o := range list {
				if o.Reason == ab.Reason && o.Period == ab.Period {
					return o, nil
				}
			}
		}
	}
	return out, err
}

// WithdrawAbsence deletes a reported absence (the child came after all, the
// trip was cancelled). The same actors as for reporting may.
func (s *Service) WithdrawAbsence(ctx context.Context, a domain.Actor, child domain.ChildID, id AbsenceID) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := s.mayActFor(ctx, a, child, s.today()); err != nil {
			return err
		}
		list, err := s.Store.Absences(ctx, a.Municipality, child, domain.Period{Start: date.New(1900, 1, 1)})
		if err != nil {
			return err
		}
		for _, x := range list {
			if x.ID == id {
				return s.Store.DeleteAbsence(ctx, a.Municipality, id)
			}
		}
		return fmt.Errorf("attendance: absence %s: %w", id, domain.ErrNotFound)
	})
}

// Absences lists a child's absences within the period for a guardian with
// parental responsibility or staff of the child's unit.
func (s *Service) Absences(ctx context.Context, a domain.Actor, child domain.ChildID, within domain.Period) ([]Absence, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	if err := s.mayActFor(ctx, a, child, s.today()); err != nil {
		return nil, err
	}
	return s.Store.Absences(ctx, a.Municipality, child, within)
}

// HolidayShortfall is a child who has not taken the holiday the local rule
// asks for in a kindergarten year.
type HolidayShortfall struct {
	Child domain.ChildID `json:"child"`
	Name  string         `json:"name"`
	// Days and SummerDays are the holiday weekdays reported in the year and
	// in its summer window.
	Days       int `json:"days"`
	SummerDays int `json:"summerDays"`
	// RequiredDays and RequiredSummerDays are what the rule asks for.
	RequiredDays       int `json:"requiredDays"`
	RequiredSummerDays int `json:"requiredSummerDays"`
}

// Explain says in l what is missing.
func (h HolidayShortfall) Explain(l Lang) string {
	return pick(l,
		fmt.Sprintf("%s har %d feriedager (krav %d), %d av dem om sommeren (krav %d).", h.Name, h.Days, h.RequiredDays, h.SummerDays, h.RequiredSummerDays),
		fmt.Sprintf("%s har %d feriedagar (krav %d), %d av dei om sommaren (krav %d).", h.Name, h.Days, h.RequiredDays, h.SummerDays, h.RequiredSummerDays),
		fmt.Sprintf("%s has %d holiday days (required %d), %d of them in summer (required %d).", h.Name, h.Days, h.RequiredDays, h.SummerDays, h.RequiredSummerDays))
}

// HolidayReport lists the children of a unit who do not meet the local
// holiday rule in the kindergarten year: too few holiday days, or too few
// in the summer window. Holiday days are counted on the unit's open days
// only (domain.Calendar): a week of holiday that holds Kristi
// himmelfartsdag counts four days. Only children placed at the unit for the whole
// year are held to the rule. Staff of the unit and municipal actors may ask;
// a municipality without a rule is a *domain.ValidationError on "holiday".
func (s *Service) HolidayReport(ctx context.Context, a domain.Actor, unit domain.UnitID, year domain.SchoolYear) ([]HolidayShortfall, error) {
	if err := mayReadUnit(a, unit); err != nil {
		return nil, err
	}
	st, err := s.Store.Settings(ctx, a.Municipality)
	if err != nil {
		return nil, err
	}
	rule := st.Holiday
	if rule.Weeks == 0 {
		return nil, domain.Invalid("holiday", "the-municipality-has-no-holiday-rule")
	}
	var summer domain.Period
	if rule.SummerWeeks > 0 {
		from, _ := parseMonthDay(rule.SummerFrom)
		to, _ := parseMonthDay(rule.SummerTo)
		summer = domain.Period{Start: from.in(int(year) + 1), End: to.in(int(year) + 1)}
	}
	yp := year.Period()
	placements, err := s.Store.UnitPlacements(ctx, a.Municipality, unit, yp)
	if err != nil {
		return nil, err
	}
	absences, err := s.Store.UnitAbsences(ctx, a.Municipality, unit, yp)
	if err != nil {
		return nil, err
	}
	// Children placed the whole year (placements may follow each other).
	covered := map[domain.ChildID][]domain.Period{}
	for _, p := range placements {
		covered[p.ChildID] = append(covered[p.ChildID], p.Period)
	}
	u, err := s.Store.Unit(ctx, a.Municipality, unit)
	if err != nil {
		return nil, err
	}
	cal, err := domain.LoadCalendar(ctx, s.Store, a.Municipality, yp)
	if err != nil {
		return nil, err
	}
	var out []HolidayShortfall
	for child, periods := range covered {
		if !coversAll(periods, yp) {
			continue
		}
		h := HolidayShortfall{Child: child, RequiredDays: rule.Weeks * rule.DaysPerWeek, RequiredSummerDays: rule.SummerWeeks * rule.DaysPerWeek}
		seen := map[date.Date]bool{}
		for _, ab := range absences {
			if ab.ChildID != child || ab.Reason != Holiday {
				continue
			}
			for d := max(ab.Period.Start, yp.Start); d <= min(ab.Period.End, yp.End); d++ {
				// Only the unit's open days count (not weekends, public
				// holidays or the unit's closures).
				if seen[d] || !cal.Open(u, d) {
					continue
				}
				seen[d] = true
				h.Days++
				if summer.Start != date.Zero && summer.Contains(d) {
					h.SummerDays++
				}
			}
		}
		if h.Days < h.RequiredDays || h.SummerDays < h.RequiredSummerDays {
			c, err := s.Store.Child(ctx, a.Municipality, child)
			if err != nil {
				return nil, err
			}
			h.Name = c.GivenName + " " + c.FamilyName
			out = append(out, h)
		}
	}
	slices.SortFunc(out, func(x, y HolidayShortfall) int {
		if c := domain.CompareNB(x.Name, y.Name); c != 0 {
			return c
		}
		return x.Child.Compare(y.Child)
	})
	return out, nil
}

// coversAll reports whether the periods together cover every day of p.
func coversAll(periods []domain.Period, p domain.Period) bool {
	next := p.Start
	for progress := true; progress; {
		progress = false
		for _, q := range periods {
			if q.Contains(next) {
				if q.Open() || q.End >= p.End {
					return true
				}
				next, progress = q.End+1, true
			}
		}
	}
	return false
}
