package attendance

import (
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Settings are a municipality's local choices for attendance. They are
// configuration, kept by the store (Store.PutSettings); a municipality
// without settings has the zero Settings: no expected arrival time, no
// holiday rule, and no permission may be granted.
type Settings struct {
	Municipality domain.Municipality `json:"municipality"`
	// ExpectedArrival is the time of day ("09:30") after which a child who
	// is expected and has not arrived is shown as late on the roster;
	// "" shows nobody as late.
	ExpectedArrival string `json:"expectedArrival,omitempty"`
	// UnitArrival sets the expected arrival of single units, overriding
	// ExpectedArrival.
	UnitArrival map[domain.UnitID]string `json:"unitArrival,omitempty"`
	// Holiday is the local holiday rule for kindergarten children.
	Holiday HolidayRule `json:"holiday"`
	// School is the municipality's rule for school absence.
	School SchoolRule `json:"school"`
}

// HolidayRule is a local rule such as "four weeks' holiday a year, three of
// them in summer", counted per kindergarten year (1 August to 31 July).
type HolidayRule struct {
	// Weeks of holiday each child must take in a kindergarten year; 0 means
	// no rule.
	Weeks int `json:"weeks"`
	// SummerWeeks of them must fall between SummerFrom and SummerTo of the
	// summer that ends the year.
	SummerWeeks int `json:"summerWeeks"`
	// DaysPerWeek is how many holiday weekdays make a week (commonly 5).
	DaysPerWeek int `json:"daysPerWeek"`
	// SummerFrom and SummerTo are month-days, "06-15" and "08-15".
	SummerFrom string `json:"summerFrom,omitempty"`
	SummerTo   string `json:"summerTo,omitempty"`
	// Source names the decision (the kindergarten's bylaws, vedtekter).
	Source string `json:"source,omitempty"`
}

// SchoolRule is the municipality's rule for school absence (opplæringslova
// § 2-2 and the municipal forskrift) and the leaving certificate.
type SchoolRule struct {
	// PermissionDays is the most days of leave (permisjon) a pupil may be
	// granted in a school year; 0 means none may be granted.
	PermissionDays int `json:"permissionDays"`
	// ExcludableDays is how many days of absence the leaving certificate may
	// leave out.
	ExcludableDays int `json:"excludableDays"`
	// Excludable lists the kinds of absence that may be left out.
	Excludable []SchoolKind `json:"excludable,omitempty"`
	// CertificateFrom and CertificateTo are the grades whose absence goes on
	// the leaving certificate (8 to 10).
	CertificateFrom int `json:"certificateFrom"`
	CertificateTo   int `json:"certificateTo"`
	// Source names the rule (the municipal forskrift, the national rule).
	Source string `json:"source,omitempty"`
}

// Validate checks the settings.
func (s Settings) Validate() error {
	var p domain.Problems
	p.Merge("", s.Municipality.Validate())
	if s.ExpectedArrival != "" && !timeOfDay(s.ExpectedArrival) {
		p.Add("expectedArrival", "must-be-a-time-of-day-hh-mm")
	}
	for u, t := range s.UnitArrival {
		if u.IsZero() || !timeOfDay(t) {
			p.Add("unitArrival", "unit-time-of-day", "time", fmt.Sprint(t), "unit", fmt.Sprint(u))
		}
	}
	h := s.Holiday
	if h.Weeks < 0 || h.SummerWeeks < 0 || h.SummerWeeks > h.Weeks {
		p.Add("holiday.summerWeeks", "must-be-from-0-to-weeks")
	}
	if h.Weeks > 0 {
		if h.DaysPerWeek < 1 || h.DaysPerWeek > 7 {
			p.Add("holiday.daysPerWeek", "out-of-range", "min", "1", "max", "7")
		}
		if h.SummerWeeks > 0 {
			from, err1 := parseMonthDay(h.SummerFrom)
			to, err2 := parseMonthDay(h.SummerTo)
			switch {
			case err1 != nil:
				p.Add("holiday.summerFrom", "not-a-month-day")
			case err2 != nil:
				p.Add("holiday.summerTo", "not-a-month-day")
			case to.before(from):
				p.Add("holiday.summerTo", "is-before-summerfrom")
			}
		}
	}
	sr := s.School
	if sr.PermissionDays < 0 {
		p.Add("school.permissionDays", "negative")
	}
	if sr.ExcludableDays < 0 {
		p.Add("school.excludableDays", "negative")
	}
	for _, k := range sr.Excludable {
		if !k.Valid() {
			p.Add("school.excludable", "is-not-a-kind-of-school-absence", "kind", fmt.Sprint(k))
		}
	}
	if sr.CertificateFrom < 0 || sr.CertificateTo < sr.CertificateFrom || sr.CertificateTo > 13 {
		p.Add("school.certificateTo", "the-grades-must-be-a-range-within-1-to-13")
	}
	return p.Err()
}

func timeOfDay(s string) bool {
	_, err := time.Parse("15:04", s)
	return err == nil && len(s) == len("15:04")
}

// expectedAt returns the instant on day d after which an expected child of
// the unit is late, or false when the settings have none.
func (s Settings) expectedAt(unit domain.UnitID, d date.Date) (time.Time, bool) {
	arrival := s.ExpectedArrival
	if t, ok := s.UnitArrival[unit]; ok {
		arrival = t
	}
	if arrival == "" {
		return time.Time{}, false
	}
	t, err := time.Parse("15:04", arrival)
	if err != nil {
		return time.Time{}, false
	}
	y, m, dd := d.Date()
	return time.Date(y, m, dd, t.Hour(), t.Minute(), 0, 0, domain.Oslo()), true
}

type monthDay struct {
	m time.Month
	d int
}

func (a monthDay) before(b monthDay) bool { return a.m < b.m || (a.m == b.m && a.d < b.d) }

func (a monthDay) in(year int) date.Date { return date.New(year, a.m, a.d) }

func parseMonthDay(s string) (monthDay, error) {
	t, err := time.Parse("01-02", s)
	if err != nil {
		return monthDay{}, fmt.Errorf("must be a month and day MM-DD")
	}
	return monthDay{t.Month(), t.Day()}, nil
}
