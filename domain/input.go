package domain

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rickb777/date/v2"
	"github.com/rickb777/date/v2/gregorian"
)

// Reason codes of the input rules below. They are codes, not sentences: an
// application translates them for its users (the reference app under
// "reason.<code>" in its message catalogs).
const (
	// ReasonDate: the value is not a date written YYYY-MM-DD that exists
	// in the calendar.
	ReasonDate = "not-a-date"
	// ReasonMonth: the value is not a month written YYYY-MM.
	ReasonMonth = "not-a-month"
	// ReasonFuture: a date that cannot lie after today does (a birth date).
	ReasonFuture = "in-the-future"
	// ReasonControl: the text holds a control character it may not hold.
	ReasonControl = "control-character"
	// ReasonUTF8: the text is not valid UTF-8.
	ReasonUTF8 = "not-utf8"
)

// ParseDate is the one parser of calendar dates given as input (a request,
// a form, a query, a file, a conformance vector). It accepts exactly
// YYYY-MM-DD with a year from 0001 to 9999, and only a day that exists:
// 2026-02-30, 2026-04-31, 2026-13-01, 2026-01-00 and 0000-01-01 are refused
// with a *ValidationError naming field with ReasonDate, where
// date.ParseISO and date.Date's UnmarshalText would "correct" them into
// another day.
func ParseDate(field, s string) (date.Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return date.Zero, Invalid(field, ReasonDate)
	}
	y, ok1 := number(s[0:4])
	m, ok2 := number(s[5:7])
	d, ok3 := number(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > gregorian.DaysIn(y, time.Month(m)) {
		return date.Zero, Invalid(field, ReasonDate)
	}
	return date.New(y, time.Month(m), d), nil
}

// ParseMonth is the one parser of calendar months given as input: exactly
// YYYY-MM, a year from 0001 to 9999 and a month from 01 to 12. It returns
// the first day of the month; anything else is a *ValidationError naming
// field with ReasonMonth.
func ParseMonth(field, s string) (date.Date, error) {
	if len(s) != 7 || s[4] != '-' {
		return date.Zero, Invalid(field, ReasonMonth)
	}
	y, ok1 := number(s[0:4])
	m, ok2 := number(s[5:7])
	if !ok1 || !ok2 || y < 1 || m < 1 || m > 12 {
		return date.Zero, Invalid(field, ReasonMonth)
	}
	return date.New(y, time.Month(m), 1), nil
}

// number reads ASCII digits only (no sign, no space).
func number(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// CheckBirthDate refuses a birth date after today (ReasonFuture). Give
// today from the injected Clock (Today(clock)).
func CheckBirthDate(field string, birth, today date.Date) error {
	if birth != date.Zero && birth > today {
		return Invalid(field, ReasonFuture)
	}
	return nil
}

// CheckLine checks a single-line text: a name, a subject, a phone number,
// a key. It must be valid UTF-8 (ReasonUTF8) and hold no control
// character at all (ReasonControl): none of U+0000–U+001F, U+007F–U+009F,
// so neither NUL nor tab nor a line break. nil when the text passes.
func CheckLine(field, s string) error {
	return checkChars(field, s, false)
}

// CheckText checks a free text that may span lines: a message body, a
// note. As CheckLine, except that tab, line feed and carriage return are
// allowed. Every other control character, NUL first of all (PostgreSQL
// cannot store it in text), is refused with ReasonControl.
func CheckText(field, s string) error {
	return checkChars(field, s, true)
}

func checkChars(field, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return Invalid(field, ReasonUTF8)
	}
	for _, r := range s {
		if !unicode.IsControl(r) {
			continue
		}
		if multiline && (r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		return Invalid(field, ReasonControl)
	}
	return nil
}

// Blank reports whether s holds nothing a person can read: only white
// space, control and format characters (a NUL, a zero-width space). A
// required text that is Blank is missing.
func Blank(s string) bool {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}) == ""
}
