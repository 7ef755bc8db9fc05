package domain

import (
	"time"

	"github.com/rickb777/date/v2"
	"github.com/rickb777/date/v2/gregorian"
)

// NationalIDType is the kind of a Norwegian identity number.
type NationalIDType string

const (
	// FNR is an ordinary fødselsnummer.
	FNR NationalIDType = "fnr"
	// DNR is a D-number: the first digit of the day is raised by 4.
	DNR NationalIDType = "dnr"
	// HNR is an H-number: the month is raised by 40.
	HNR NationalIDType = "hnr"
)

// nationalIDField is the field name used in validation errors.
const nationalIDField = "nationalId"

// NationalIDRule names the computation by which a number is read.
// Skatteetaten issues numbers by a second computation from 1 January 2032
// ("Nytt fødselsnummer fra 2032", Folkeregisteret's API documentation,
// skatteetaten.github.io/folkeregisteret-api-dokumentasjon/nytt-fodselsnummer-fra-2032/):
// the first control digit may leave the remainder 0, 1, 2 or 3 instead of
// only 0, and the individual number no longer tells the century. Systems
// must read both computations side by side; ParseNationalID does.
type NationalIDRule string

const (
	// Rule1964 is a number whose first control digit leaves remainder 0:
	// the computation in use since 1964 accepts it. A number issued after
	// 2032 may read this way too.
	Rule1964 NationalIDRule = "1964"
	// Rule2032 is a number whose first control digit leaves remainder 1, 2
	// or 3: only the 2032 computation accepts it, so it was issued from
	// 2032 and its individual number tells no century.
	Rule2032 NationalIDRule = "2032"
)

// Weights of the two modulus-11 control digits.
var (
	control1Weights = [9]int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	control2Weights = [10]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
)

// NationalID is a validated 11-digit Norwegian identity number
// (fødselsnummer, D-number or H-number, possibly a synthetic test number),
// by the 1964 or the 2032 computation. The zero value means no number.
type NationalID struct {
	value     string
	typ       NationalIDType
	rule      NationalIDRule
	birth     date.Date
	day       int
	month     time.Month
	yy        int
	synthetic bool
}

// ParseNationalID validates s as a Norwegian identity number, by the 1964
// and the 2032 computation side by side. s must be exactly 11 ASCII digits;
// the weighted sum of the first nine digits plus the tenth must leave the
// remainder 0, 1, 2 or 3 modulo 11 (only 0 before 2032), the weighted sum
// of the first ten plus the eleventh must leave 0; the day and month
// (after removing the D-, H- and synthetic offsets) must be a date that
// exists in some year ending in the two year digits. The first remainder
// gives the Rule. The birth date is known only when that remainder is 0
// and the individual number gives a century by the 1964 table (000–499
// 1900s; 500–749 with year 54–99 1800s; 500–999 with year 00–39 2000s;
// 900–999 with year 40–99 1900s) in which the date exists; otherwise the
// century is unknown and BirthDate is zero. On failure the error is a
// *ValidationError for the field "nationalId".
func ParseNationalID(s string) (NationalID, error) {
	if len(s) != 11 {
		return NationalID{}, invalidNationalID("must-be-11-digits")
	}
	var d [11]int
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return NationalID{}, invalidNationalID("must-be-11-digits")
		}
		d[i] = int(c - '0')
	}

	r1 := (weightedSum(d[:9], control1Weights[:]) + d[9]) % 11
	if r1 > 3 {
		return NationalID{}, invalidNationalID("control-digit-1-does-not-match")
	}
	s2 := weightedSum(d[:10], control2Weights[:])
	if (s2+d[10])%11 != 0 {
		if s2%11 == 1 {
			return NationalID{}, invalidNationalID("control-digit-2-cannot-be-computed-remainder-gives-10")
		}
		return NationalID{}, invalidNationalID("control-digit-2-does-not-match")
	}

	day := d[0]*10 + d[1]
	month := d[2]*10 + d[3]
	yy := d[4]*10 + d[5]
	individual := d[6]*100 + d[7]*10 + d[8]

	synthetic := false
	if month >= 81 && month <= 92 {
		synthetic = true
		month -= 80
	}
	isD := day >= 41 && day <= 71
	isH := month >= 41 && month <= 52
	if isD && isH {
		return NationalID{}, invalidNationalID("cannot-be-both-a-d-number-and-an-h-number")
	}
	typ := FNR
	switch {
	case isD:
		typ = DNR
		day -= 40
	case isH:
		typ = HNR
		month -= 40
	}
	if month < 1 || month > 12 || day < 1 {
		return NationalID{}, invalidNationalID("no-such-date")
	}
	n := NationalID{value: s, typ: typ, day: day, month: time.Month(month), yy: yy, synthetic: synthetic}

	n.rule = Rule1964
	if r1 != 0 {
		n.rule = Rule2032
	}
	if century, ok := centuryOf(individual, yy); ok && r1 == 0 && day <= gregorian.DaysIn(century+yy, n.month) {
		n.birth = date.New(century+yy, n.month, day)
		return n, nil
	}
	// The century is unknown. 2000 was a leap year and 1800 and 1900 were
	// not, so the date exists in some year ending in yy exactly when it
	// exists in 2000+yy (Skatteetaten's own validator reads it so too).
	if day > gregorian.DaysIn(2000+yy, n.month) {
		return NationalID{}, invalidNationalID("no-such-date")
	}
	return n, nil
}

// weightedSum is the sum of digits[i]·weights[i].
func weightedSum(digits, weights []int) int {
	sum := 0
	for i, w := range weights {
		sum += digits[i] * w
	}
	return sum
}

// controlDigit computes a modulus-11 control digit over digits with the
// given weights. ok is false when the computation gives 10, which no
// valid number can have.
func controlDigit(digits, weights []int) (k int, ok bool) {
	k = 11 - weightedSum(digits, weights)%11
	switch k {
	case 11:
		return 0, true
	case 10:
		return 0, false
	}
	return k, true
}

// centuryOf returns the first year of the century of birth given the
// individual number (000–999) and the two-digit year.
func centuryOf(individual, yy int) (int, bool) {
	switch {
	case individual <= 499:
		return 1900, true
	case individual <= 749 && yy >= 54:
		return 1800, true
	case individual >= 500 && yy <= 39:
		return 2000, true
	case individual >= 900 && yy >= 40:
		return 1900, true
	}
	return 0, false
}

func invalidNationalID(code string, params ...string) *ValidationError {
	return Invalid(nationalIDField, code, params...)
}

// String returns the 11 digits, or "" for the zero value.
func (n NationalID) String() string { return n.value }

// IsZero reports whether n holds no number.
func (n NationalID) IsZero() bool { return n.value == "" }

// Type returns the kind of number, or "" for the zero value.
func (n NationalID) Type() NationalIDType { return n.typ }

// BirthDate returns the birth date encoded in the number when the number
// tells the century (see ParseNationalID), else date.Zero: always for a
// Rule2032 number, and for the zero value. Skatteetaten's advice for
// numbers issued from 2032 is to take the birth date from the population
// register's own field.
func (n NationalID) BirthDate() date.Date { return n.birth }

// Valid1964 reports whether the number is valid by the 1964 computation
// alone, as systems read numbers before 2032: the first control digit
// leaves remainder 0 and the 1964 century table gives a year in which the
// date exists (then BirthDate is that date). False for the zero value.
func (n NationalID) Valid1964() bool { return n.rule == Rule1964 && n.birth != date.Zero }

// Rule returns the computation the number reads by, or "" for the zero
// value.
func (n NationalID) Rule() NationalIDRule { return n.rule }

// BirthMonthDay returns the month and day of birth in the number (after
// removing the D-, H- and synthetic offsets), for either rule; 0, 0 for the
// zero value.
func (n NationalID) BirthMonthDay() (time.Month, int) { return n.month, n.day }

// BirthYearDigits returns the last two digits of the year of birth
// (0–99), for either rule; 0 for the zero value.
func (n NationalID) BirthYearDigits() int { return n.yy }

// MatchesBirthDate reports whether d can be the birth date of the holder:
// equal to BirthDate when the number tells the century; otherwise the same
// day, month and last two year digits. False for the zero value.
func (n NationalID) MatchesBirthDate(d date.Date) bool {
	if n.IsZero() || d == date.Zero {
		return false
	}
	if n.birth != date.Zero {
		return d == n.birth
	}
	y, m, day := d.Date()
	return m == n.month && day == n.day && y%100 == n.yy
}

// Synthetic reports whether n is a synthetic test number (month + 80,
// Skatteetaten's test population).
func (n NationalID) Synthetic() bool { return n.synthetic }

// Masked returns the first 6 digits (the birth date part) followed by
// "*****", for logs and lists; "" for the zero value.
func (n NationalID) Masked() string {
	if n.IsZero() {
		return ""
	}
	return n.value[:6] + "*****"
}

// MarshalText returns the 11 digits; the zero value gives empty text.
func (n NationalID) MarshalText() ([]byte, error) {
	return []byte(n.value), nil
}

// UnmarshalText parses and validates text as ParseNationalID does; empty
// text gives the zero value. On error n is left unchanged.
func (n *NationalID) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*n = NationalID{}
		return nil
	}
	parsed, err := ParseNationalID(string(text))
	if err != nil {
		return err
	}
	*n = parsed
	return nil
}

// SyntheticNationalID builds a synthetic fødselsnummer (month + 80, the form
// of Skatteetaten's test population) for a birth date and an individual
// number, computing both control digits. No real person has such a number,
// so it is what demo data and tests should use. It fails when the
// individual number does not fit the birth year's century or a control
// digit would be 10; callers try the next individual number.
func SyntheticNationalID(birth date.Date, individual int) (NationalID, error) {
	year, month, day := birth.Date()
	if individual < 0 || individual > 999 || year < 1854 || year > 2039 {
		return NationalID{}, invalidNationalID("no-synthetic-number-for-this-birth-year-and-individual-number")
	}
	d := []int{day / 10, day % 10, (int(month) + 80) / 10, (int(month) + 80) % 10,
		year % 100 / 10, year % 10, individual / 100, individual / 10 % 10, individual % 10, 0, 0}
	k1, ok := controlDigit(d[:9], control1Weights[:])
	if !ok {
		return NationalID{}, invalidNationalID("control-digit-1-cannot-be-computed-remainder-gives-10")
	}
	d[9] = k1
	k2, ok := controlDigit(d[:10], control2Weights[:])
	if !ok {
		return NationalID{}, invalidNationalID("control-digit-2-cannot-be-computed-remainder-gives-10")
	}
	d[10] = k2
	b := make([]byte, 11)
	for i, x := range d {
		b[i] = byte('0' + x)
	}
	n, err := ParseNationalID(string(b))
	if err != nil {
		return NationalID{}, err
	}
	if n.BirthDate() != birth {
		return NationalID{}, invalidNationalID("individual-number-does-not-fit-the-birth-years-century")
	}
	return n, nil
}
