package domain

import (
	"fmt"
	"time"

	"github.com/rickb777/date/v2"
)

// SchoolYear is a kindergarten or school year, named by the calendar year it
// starts in: SchoolYear(2025) runs from 1 August 2025 to 31 July 2026.
// Kindergarten years, school years and SFO years all follow it.
type SchoolYear int

// SchoolYearOf returns the year that d falls in.
func SchoolYearOf(d date.Date) SchoolYear {
	if d.Month() >= time.August {
		return SchoolYear(d.Year())
	}
	return SchoolYear(d.Year() - 1)
}

// Start is 1 August.
func (y SchoolYear) Start() date.Date { return date.New(int(y), time.August, 1) }

// End is 31 July of the next calendar year.
func (y SchoolYear) End() date.Date { return date.New(int(y)+1, time.July, 31) }

// Period returns Start to End.
func (y SchoolYear) Period() Period { return Period{Start: y.Start(), End: y.End()} }

// String is the Norwegian notation, "2025/26".
func (y SchoolYear) String() string { return fmt.Sprintf("%d/%02d", int(y), (int(y)+1)%100) }

// AgeGroup is the age group a kindergarten child counts in for capacity,
// staffing and admission.
type AgeGroup string

// Age groups.
const (
	Small AgeGroup = "small" // under three
	Large AgeGroup = "large" // over three
)

// AgeGroupOn returns the child's age group on day d: a child counts as over
// three from 1 August of the calendar year it turns three.
func AgeGroupOn(birth, d date.Date) AgeGroup {
	if d >= date.New(birth.Year()+3, time.August, 1) {
		return Large
	}
	return Small
}

// AgeGroupIn returns the age group for a whole kindergarten year (it does not
// change inside the year, because the year starts in August).
func AgeGroupIn(birth date.Date, y SchoolYear) AgeGroup {
	return AgeGroupOn(birth, y.Start())
}
