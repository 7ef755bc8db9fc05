package billing

import (
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Month is a calendar month, the period a fee is computed for.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the month a date falls in.
func MonthOf(d date.Date) Month { return Month{Year: d.Year(), Month: d.Month()} }

// ParseMonth parses "YYYY-MM" (four-digit year, two-digit month 01–12)
// with domain.ParseMonth; anything else is a *domain.ValidationError for
// the field "month" with the reason domain.ReasonMonth.
func ParseMonth(s string) (Month, error) {
	d, err := domain.ParseMonth("month", s)
	if err != nil {
		return Month{}, err
	}
	return MonthOf(d), nil
}

// String formats the month as "YYYY-MM".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// First returns the first day of the month.
func (m Month) First() date.Date { return date.New(m.Year, m.Month, 1) }

// Last returns the last day of the month.
func (m Month) Last() date.Date { return date.New(m.Year, m.Month+1, 0) }

// index counts months from year 0, for comparisons.
func (m Month) index() int { return m.Year*12 + int(m.Month) - 1 }

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.index() < o.index() }
