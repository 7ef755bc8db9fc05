package domain

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// completeWithControlDigits appends the two control digits to a 9-digit
// prefix. It is written independently of the production code, digit by
// digit, so that the tests do not just repeat the implementation. ok is
// false when either control digit would be 10.
func completeWithControlDigits(prefix string) (string, bool) {
	if len(prefix) != 9 {
		return "", false
	}
	n := func(i int) int { return int(prefix[i] - '0') }
	s1 := 3*n(0) + 7*n(1) + 6*n(2) + 1*n(3) + 8*n(4) + 9*n(5) + 4*n(6) + 5*n(7) + 2*n(8)
	k1 := (11 - s1%11) % 11 // 11 becomes 0
	if k1 == 10 {
		return "", false
	}
	s2 := 5*n(0) + 4*n(1) + 3*n(2) + 2*n(3) + 7*n(4) + 6*n(5) + 5*n(6) + 4*n(7) + 3*n(8) + 2*k1
	k2 := (11 - s2%11) % 11
	if k2 == 10 {
		return "", false
	}
	return prefix + strconv.Itoa(k1) + strconv.Itoa(k2), true
}

// valid2032Digits reports whether the control digits of an 11-digit
// string are accepted by the 2032 computation as Skatteetaten describes it
// ("Nytt fødselsnummer fra 2032"): k1 = {11,12,13,14} − (s1 mod 11), less
// 11 when over 10, 10 refused; k2 = 11 − (s2 mod 11) as before. Written
// from that description, not from the production code's remainder test.
func valid2032Digits(s string) bool {
	if len(s) != 11 {
		return false
	}
	n := func(i int) int { return int(s[i] - '0') }
	s1 := 3*n(0) + 7*n(1) + 6*n(2) + 1*n(3) + 8*n(4) + 9*n(5) + 4*n(6) + 5*n(7) + 2*n(8)
	k1ok := false
	for _, base := range []int{11, 12, 13, 14} {
		k1 := base - s1%11
		if k1 > 10 {
			k1 -= 11
		}
		if k1 != 10 && k1 == n(9) {
			k1ok = true
		}
	}
	if !k1ok {
		return false
	}
	s2 := 5*n(0) + 4*n(1) + 3*n(2) + 2*n(3) + 7*n(4) + 6*n(5) + 5*n(6) + 4*n(7) + 3*n(8) + 2*n(9)
	k2 := (11 - s2%11) % 11
	return k2 != 10 && k2 == n(10)
}

// read1964 is the whole 1964 reading (the rule before 2032, as STANDARD.md
// states it), written independently: control digits, D/H/synthetic
// offsets, the century table and the calendar. ok is false for every
// string that reading refuses.
func read1964(s string) (date.Date, bool) {
	if len(s) != 11 {
		return date.Zero, false
	}
	for i := 0; i < 11; i++ {
		if s[i] < '0' || s[i] > '9' {
			return date.Zero, false
		}
	}
	if full, ok := completeWithControlDigits(s[:9]); !ok || full != s {
		return date.Zero, false
	}
	n := func(i int) int { return int(s[i] - '0') }
	day, month, yy, iii := n(0)*10+n(1), n(2)*10+n(3), n(4)*10+n(5), n(6)*100+n(7)*10+n(8)
	if month > 80 {
		month -= 80
	}
	switch {
	case day > 40 && month > 40:
		return date.Zero, false
	case day > 40:
		day -= 40
	case month > 40:
		month -= 40
	}
	var year int
	switch {
	case iii <= 499:
		year = 1900 + yy
	case iii <= 749 && yy >= 54:
		year = 1800 + yy
	case yy <= 39:
		year = 2000 + yy
	case iii >= 900:
		year = 1900 + yy
	default:
		return date.Zero, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 || day < 1 || t.Day() != day || t.Month() != time.Month(month) {
		return date.Zero, false
	}
	return date.New(year, time.Month(month), day), true
}

// TestNationalID1964Agreement walks 430,000 strings (every day of 1854–2039
// by the 1964 rule with a spread of individual numbers and all ten second
// check digits around each, plus variants of the first check digit) and
// checks that the two computations side by side change nothing for a
// number the 1964 rule accepts: same validity, Rule1964, same birth date;
// and that Valid1964 is exactly the 1964 reading.
// A string the 1964 rule refuses is valid now only by the 2032 rule.
func TestNationalID1964Agreement(t *testing.T) {
	strings, old, now2032 := 0, 0, 0
	check := func(s string) {
		strings++
		want, ok := read1964(s)
		got, err := ParseNationalID(s)
		if got.Valid1964() != ok {
			t.Errorf("%s: Valid1964 %v, the 1964 reading %v", s, got.Valid1964(), ok)
		}
		if ok {
			old++
			if assert.NoError(t, err, s) {
				assert.Equal(t, Rule1964, got.Rule(), s)
				assert.Equal(t, want, got.BirthDate(), s)
				if typ, syn := got.Type(), got.Synthetic(); syn != (s[2] >= '8') || (typ == DNR) != (s[0] >= '4') {
					t.Errorf("%s: type %s synthetic %v", s, typ, syn)
				}
			}
			return
		}
		if err == nil {
			now2032++
			assert.Equal(t, date.Zero, got.BirthDate(), s)
			assert.True(t, valid2032Digits(s), s)
		}
	}
	iiis := []int{0, 1, 123, 250, 499, 500, 501, 600, 749, 750, 800, 899, 900, 950, 999}
	start := date.New(1854, 1, 1)
	for d, pass := start, 0; strings < 430000; d = d.AddDate(0, 0, 71) {
		y, m, day := d.Date()
		if y > 2039 {
			pass++
			d = start.AddDate(0, 0, pass)
			continue
		}
		mm := int(m)
		switch (day + pass) % 4 { // plain, D-number, H-number, synthetic
		case 1:
			day += 40
		case 2:
			mm += 40
		case 3:
			mm += 80
		}
		for _, iii := range iiis {
			prefix := twoDigits(day) + twoDigits(mm) + twoDigits(y%100) + threeDigits(iii)
			for k1 := 0; k1 <= 9; k1++ {
				n := prefix + strconv.Itoa(k1)
				s2 := 0
				for i, w := range []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2} {
					s2 += int(n[i]-'0') * w
				}
				right := (11 - s2%11) % 11 // 10: no right digit
				for _, k2 := range []int{right % 10, (right + 1) % 10, (right + 5) % 10} {
					check(n + strconv.Itoa(k2))
				}
			}
		}
	}
	t.Logf("%d strings, %d valid by the 1964 rule, %d more by the 2032 rule", strings, old, now2032)
	assert.Greater(t, old, 1000)
	assert.Greater(t, now2032, 1000)
}

func TestCompleteWithControlDigitsHelper(t *testing.T) {
	// Worked by hand for the standard example 150765 005 65:
	//   k1: 3·1+7·5+6·0+1·7+8·6+9·5+4·0+5·0+2·5 = 148; 148 mod 11 = 5; 11−5 = 6
	//   k2: 5·1+4·5+3·0+2·7+7·6+6·5+5·0+4·0+3·5+2·6 = 138; 138 mod 11 = 6; 11−6 = 5
	got, ok := completeWithControlDigits("150765005")
	require.True(t, ok)
	assert.Equal(t, "15076500565", got)

	// 150765 003: 3+35+0+7+48+45+0+0+6 = 144; 144 mod 11 = 1; 11−1 = 10 → impossible.
	_, ok = completeWithControlDigits("150765003")
	assert.False(t, ok)
}

func TestParseNationalID(t *testing.T) {
	d := func(y int, m time.Month, day int) date.Date { return date.New(y, m, day) }
	tests := []struct {
		name      string
		in        string
		typ       NationalIDType
		birth     date.Date
		synthetic bool
		rule      NationalIDRule // "" means Rule1964 with a known birth date
		unknown   bool           // a Rule1964 number whose century is unknown
		md        string         // month-day when the century is unknown
		yy        int            // when non-zero, the year digits when the century is unknown
		reason    string         // non-empty: expected to be invalid with this reason
	}{
		// Valid numbers.
		{name: "standard example", in: "15076500565", typ: FNR, birth: d(1965, 7, 15)},
		// D-number 55 07 65 005 59, by hand:
		//   k1: 15+35+0+7+48+45+0+0+10 = 160; 160 mod 11 = 6; 11−6 = 5
		//   k2: 25+20+0+14+42+30+0+0+15+10 = 156; 156 mod 11 = 2; 11−2 = 9
		{name: "dnr", in: "55076500559", typ: DNR, birth: d(1965, 7, 15)},
		{name: "dnr day 31 (71)", in: "71016500504", typ: DNR, birth: d(1965, 1, 31)},
		{name: "hnr", in: "15476500548", typ: HNR, birth: d(1965, 7, 15)},
		{name: "hnr december (52)", in: "31529995027", typ: HNR, birth: d(1999, 12, 31)},
		{name: "synthetic fnr", in: "15876500520", typ: FNR, birth: d(1965, 7, 15), synthetic: true},
		{name: "synthetic dnr", in: "55876500514", typ: DNR, birth: d(1965, 7, 15), synthetic: true},
		{name: "synthetic december (92)", in: "01926500682", typ: FNR, birth: d(1965, 12, 1), synthetic: true},

		// Centuries.
		{name: "1800s: III 600, YY 60", in: "01016060085", typ: FNR, birth: d(1860, 1, 1)},
		{name: "1800s: III 749, YY 54", in: "01015474943", typ: FNR, birth: d(1854, 1, 1)},
		{name: "1900s low: III 123, YY 85", in: "24128512353", typ: FNR, birth: d(1985, 12, 24)},
		{name: "1900s low: III 000, YY 00", in: "02010000079", typ: FNR, birth: d(1900, 1, 2)},
		{name: "1900s low: III 499, YY 99", in: "02019949969", typ: FNR, birth: d(1999, 1, 2)},
		{name: "1900s high: III 950, YY 45", in: "17054595034", typ: FNR, birth: d(1945, 5, 17)},
		{name: "1900s high: III 900, YY 40", in: "01014090017", typ: FNR, birth: d(1940, 1, 1)},
		{name: "2000s: III 550, YY 10", in: "31011055071", typ: FNR, birth: d(2010, 1, 31)},
		{name: "2000s: III 750, YY 20", in: "01012075002", typ: FNR, birth: d(2020, 1, 1)},
		{name: "2000s: III 999, YY 39", in: "31123999935", typ: FNR, birth: d(2039, 12, 31)},
		{name: "2000s: III 500, YY 00", in: "01010050053", typ: FNR, birth: d(2000, 1, 1)},

		// Leap days.
		{name: "29 Feb 2000 (leap)", in: "29020050088", typ: FNR, birth: d(2000, 2, 29)},
		{name: "29 Feb 1904 (leap)", in: "29020412354", typ: FNR, birth: d(1904, 2, 29)},
		{name: "29 Feb 1901 (not leap)", in: "29020112482", reason: "no-such-date"},
		// 29 Feb 1900 does not exist, so by the 1964 table (III 100 → 1900) this
		// cannot be a number; since 2032 the individual number no longer tells
		// the century and 29 Feb 2000 exists: a 2032 number, century unknown.
		{name: "29 Feb yy 00, III 100 (1900 by 1964, so 2032 rule)", in: "29020010027", typ: FNR, rule: Rule1964, unknown: true, md: "02-29"},
		{name: "D-number 29 Feb 1901", in: "69020112476", reason: "no-such-date"},

		// Century combinations outside the 1964 table: since 2032 the
		// individual number no longer tells the century, so these are 2032
		// numbers with an unknown century.
		{name: "III 600 with YY 45", in: "01014560013", typ: FNR, rule: Rule1964, unknown: true, md: "01-01"},
		{name: "III 800 with YY 60", in: "01016080000", typ: FNR, rule: Rule1964, unknown: true, md: "01-01"},
		{name: "III 750 with YY 54", in: "01015475060", typ: FNR, rule: Rule1964, unknown: true, md: "01-01"},
		{name: "III 500 with YY 53", in: "01015350047", typ: FNR, rule: Rule1964, unknown: true, md: "01-01"},

		// Skatteetaten's published examples ("Nytt fødselsnummer fra 2032").
		// 020132 999: k1 remainder 0 (156+9 = 165 = 15·11): reads by 1964 too.
		{name: "Skatteetaten: born 2 Jan 2032", in: "02013299997", typ: FNR, birth: d(2032, 1, 2)},
		// 301082 999, k1 2: 196+2 = 198 = 18·11, remainder 0; III 999 YY 82 → 1982.
		{name: "Skatteetaten: person 1 born 30 Oct 1982", in: "30108299920", typ: FNR, birth: d(1982, 10, 30)},
		// 301082 999, k1 3: 196+3 = 199, 199 mod 11 = 1: only the 2032 rule.
		{name: "Skatteetaten: person 2 born 30 Oct 1982", in: "30108299939", typ: FNR, rule: Rule2032, md: "10-30", yy: 82},
		// Skatteetaten's test file for its validator (foedselsnummer.csv).
		{name: "Skatteetaten csv: synthetic 2032", in: "30908299902", typ: FNR, rule: Rule2032, md: "10-30", yy: 82, synthetic: true},
		{name: "Skatteetaten csv: real 1964", in: "20036914700", typ: FNR, birth: d(1969, 3, 20)},
		{name: "Skatteetaten csv: synthetic 1964", in: "03851598730", typ: FNR, birth: d(2015, 5, 3), synthetic: true},
		// 200369147 12: 176 + 1 leaves 1 (a 2032 k1), but 156 + 2 leaves 4.
		{name: "Skatteetaten csv: invalid", in: "20036914712", reason: "control-digit-2-does-not-match"},
		{name: "Skatteetaten csv: leap day in leap year", in: "29020073150", typ: FNR, birth: d(2000, 2, 29)},
		{name: "Skatteetaten csv: leap day in common year", in: "29020105729", reason: "no-such-date"},
		{name: "Skatteetaten csv: 2032 D-number", in: "55102499947", typ: DNR, rule: Rule2032, md: "10-15", yy: 24},
		{name: "Skatteetaten csv: synthetic 2032 D-number", in: "41819077906", typ: DNR, rule: Rule2032, md: "01-01", yy: 90, synthetic: true},
		// The test population's III 773 with year 90 is outside the 1964
		// century table: 1964 control digits, century unknown.
		{name: "Skatteetaten csv: synthetic 1964 D-number", in: "41819077302", typ: DNR, rule: Rule1964, unknown: true, md: "01-01", yy: 90, synthetic: true},

		// Control digits.
		// 148 mod 11 = 5: k1 6, 7, 8, 9 leave remainders 0–3; k1 0 leaves 5.
		{name: "k1 wrong (remainder 5)", in: "15076500505", reason: "control-digit-1-does-not-match"},
		{name: "k1 remainder 1 but k2 of the 1964 number", in: "15076500575", reason: "control-digit-2-does-not-match"},
		{name: "k2 wrong", in: "15076500566", reason: "control-digit-2-does-not-match"},
		// 150765 003: 144 mod 11 = 1, so k1 cannot be computed by the 1964
		// rule; k1 0 leaves remainder 1, which the 2032 rule accepts.
		{name: "k1 computes to 10 by 1964, 0 by 2032", in: "15076500301", typ: FNR, rule: Rule2032, md: "07-15", yy: 65},
		{name: "k1 remainder 4", in: "15076500340", reason: "control-digit-1-does-not-match"},
		{name: "k2 computes to 10", in: "15076501430", reason: "control-digit-2-cannot-be-computed-remainder-gives-10"},

		// Dates that do not exist.
		{name: "30 Feb", in: "30020412484", reason: "no-such-date"},
		{name: "31 Apr", in: "31040412312", reason: "no-such-date"},
		{name: "day 0", in: "00010412390", reason: "no-such-date"},
		{name: "month 0", in: "01000412410", reason: "no-such-date"},
		{name: "month 13", in: "01130412358", reason: "no-such-date"},
		{name: "D-number day 0 (40)", in: "40016500552", reason: "no-such-date"},
		{name: "day 72", in: "72016500543", reason: "no-such-date"},
		{name: "H-number month 0 (40)", in: "01406500590", reason: "no-such-date"},
		{name: "month 80", in: "01806500573", reason: "no-such-date"},
		{name: "month 93", in: "01936500591", reason: "no-such-date"},
		{name: "both D and H", in: "55476500531", reason: "cannot-be-both-a-d-number-and-an-h-number"},

		// Shape.
		{name: "empty", in: "", reason: "must-be-11-digits"},
		{name: "10 digits", in: "1507650056", reason: "must-be-11-digits"},
		{name: "12 digits", in: "150765005650", reason: "must-be-11-digits"},
		{name: "letters", in: "15076500S65", reason: "must-be-11-digits"},
		{name: "all letters", in: "abcdefghijk", reason: "must-be-11-digits"},
		{name: "leading space", in: " 1507650056", reason: "must-be-11-digits"},
		{name: "trailing space", in: "15076500565 ", reason: "must-be-11-digits"},
		{name: "inner space", in: "150765 00565", reason: "must-be-11-digits"},
		{name: "plus sign", in: "+1507650056", reason: "must-be-11-digits"},
		{name: "minus sign", in: "-1507650056", reason: "must-be-11-digits"},
		{name: "fullwidth digits", in: "１５０７６５００５６５", reason: "must-be-11-digits"},
		{name: "arabic-indic digit", in: "1507650056٥", reason: "must-be-11-digits"},
		{name: "NUL byte", in: "1507650056\x00", reason: "must-be-11-digits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseNationalID(tc.in)
			if tc.reason != "" {
				require.Error(t, err)
				assert.True(t, errors.Is(err, ErrInvalid))
				var ve *ValidationError
				require.True(t, errors.As(err, &ve))
				require.Len(t, ve.Fields, 1)
				assert.Equal(t, "nationalId", ve.Fields[0].Field)
				assert.Equal(t, tc.reason, ve.Fields[0].Reason)
				assert.True(t, got.IsZero())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.in, got.String())
			assert.False(t, got.IsZero())
			assert.Equal(t, tc.typ, got.Type())
			assert.Equal(t, tc.birth, got.BirthDate(), "birth date %s", got.BirthDate())
			assert.Equal(t, tc.synthetic, got.Synthetic())
			assert.Equal(t, tc.in[:6]+"*****", got.Masked())
			m, day := got.BirthMonthDay()
			if tc.rule == Rule2032 || tc.unknown {
				assert.Equal(t, tc.rule, got.Rule())
				assert.Equal(t, date.Zero, got.BirthDate())
				assert.Equal(t, tc.md, twoDigits(int(m))+"-"+twoDigits(day))
				yy := int(tc.in[4]-'0')*10 + int(tc.in[5]-'0')
				assert.Equal(t, yy, got.BirthYearDigits())
				if tc.yy != 0 {
					assert.Equal(t, tc.yy, yy)
				}
				// The literal control digits agree with the independent 2032 helper.
				assert.True(t, valid2032Digits(tc.in))
				return
			}
			assert.Equal(t, Rule1964, got.Rule())
			assert.Equal(t, tc.birth.Month(), m)
			assert.Equal(t, tc.birth.Day(), day)
			assert.Equal(t, tc.birth.Year()%100, got.BirthYearDigits())
			assert.True(t, got.MatchesBirthDate(tc.birth))
			assert.False(t, got.MatchesBirthDate(tc.birth.AddDate(100, 0, 0)))

			// The literal control digits agree with the independent helper.
			full, ok := completeWithControlDigits(tc.in[:9])
			require.True(t, ok)
			assert.Equal(t, tc.in, full)
		})
	}
}

// TestParseNationalIDCenturyTable walks every individual number against
// sample years and checks the century rules independently.
func TestParseNationalIDCenturyTable(t *testing.T) {
	want := func(iii, yy int) (int, bool) {
		switch {
		case iii >= 0 && iii <= 499:
			return 1900 + yy, true
		case iii >= 500 && iii <= 749 && yy >= 54 && yy <= 99:
			return 1800 + yy, true
		case iii >= 500 && iii <= 999 && yy >= 0 && yy <= 39:
			return 2000 + yy, true
		case iii >= 900 && iii <= 999 && yy >= 40 && yy <= 99:
			return 1900 + yy, true
		}
		return 0, false
	}
	checked := 0
	for _, yy := range []int{0, 1, 39, 40, 45, 53, 54, 60, 99} {
		for iii := 0; iii <= 999; iii++ {
			prefix := "0101" + twoDigits(yy) + threeDigits(iii)
			full, ok := completeWithControlDigits(prefix)
			if !ok {
				continue
			}
			checked++
			got, err := ParseNationalID(full)
			year, valid := want(iii, yy)
			if !assert.NoError(t, err, full) {
				continue
			}
			if !valid {
				// Outside the 1964 table: century unknown.
				assert.Equal(t, Rule1964, got.Rule(), full)
				assert.Equal(t, date.Zero, got.BirthDate(), full)
				assert.Equal(t, yy, got.BirthYearDigits(), full)
				continue
			}
			assert.Equal(t, Rule1964, got.Rule(), full)
			assert.Equal(t, year, got.BirthDate().Year(), full)
		}
	}
	assert.Greater(t, checked, 5000)
}

func twoDigits(n int) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}

func threeDigits(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

func TestNationalIDZeroValue(t *testing.T) {
	var n NationalID
	assert.True(t, n.IsZero())
	assert.Equal(t, "", n.String())
	assert.Equal(t, "", n.Masked())
	assert.Equal(t, NationalIDType(""), n.Type())
	assert.Equal(t, date.Zero, n.BirthDate())
	assert.False(t, n.Synthetic())
	text, err := n.MarshalText()
	require.NoError(t, err)
	assert.Empty(t, text)
}

func TestNationalIDText(t *testing.T) {
	var n NationalID
	require.NoError(t, n.UnmarshalText([]byte("15076500565")))
	assert.Equal(t, "15076500565", n.String())
	text, err := n.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "15076500565", string(text))

	// Invalid text is refused and leaves the value unchanged.
	err = n.UnmarshalText([]byte("15076500566"))
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrInvalid))
	assert.Equal(t, "15076500565", n.String())

	// Empty text resets to the zero value.
	require.NoError(t, n.UnmarshalText(nil))
	assert.True(t, n.IsZero())
}

func TestNationalIDJSON(t *testing.T) {
	type rec struct {
		ID NationalID `json:"nationalId"`
	}
	b, err := json.Marshal(rec{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"nationalId":""}`, string(b))

	id, err := ParseNationalID("55876500514")
	require.NoError(t, err)
	b, err = json.Marshal(rec{ID: id})
	require.NoError(t, err)
	assert.JSONEq(t, `{"nationalId":"55876500514"}`, string(b))

	var back rec
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, id, back.ID)

	err = json.Unmarshal([]byte(`{"nationalId":"55876500515"}`), &back)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrInvalid))

	require.NoError(t, json.Unmarshal([]byte(`{"nationalId":""}`), &back))
	assert.True(t, back.ID.IsZero())
}

func FuzzParseNationalID(f *testing.F) {
	for _, s := range []string{
		"15076500565", "55076500559", "15476500548", "15876500520", "55876500514",
		"01016060085", "17054595034", "31011055071", "29020050088", "29020010027",
		"15076500300", "15076501430", "55476500531", "", "1507650056", "150765005650",
		"abcdefghijk", "１５０７６５００５６５", "00000000000", "99999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNationalID(s)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseNationalID(%q): error %v is not a *ValidationError", s, err)
			}
			if !n.IsZero() {
				t.Fatalf("ParseNationalID(%q): non-zero value with error", s)
			}
			return
		}
		if n.String() != s {
			t.Fatalf("String() = %q, want %q", n.String(), s)
		}
		again, err := ParseNationalID(n.String())
		if err != nil {
			t.Fatalf("re-parse of %q: %v", s, err)
		}
		if again != n {
			t.Fatalf("re-parse of %q gave %+v, want %+v", s, again, n)
		}
		if !valid2032Digits(s) {
			t.Fatalf("%q accepted with control digits that neither computation gives", s)
		}
		if want, ok := read1964(s); ok != (n.BirthDate() != date.Zero) || want != n.BirthDate() {
			t.Fatalf("%q: birth date %v, but the 1964 reading says %v %v", s, n.BirthDate(), want, ok)
		}
		switch n.Type() {
		case FNR, DNR, HNR:
		default:
			t.Fatalf("%q: unexpected type %q", s, n.Type())
		}
		if len(n.Masked()) != 11 || n.Masked()[:6] != s[:6] {
			t.Fatalf("%q: bad mask %q", s, n.Masked())
		}
	})
}

// A number only the 2032 computation accepts tells day, month and the two
// year digits, not the century: any century's date with those matches.
func TestNationalID2032BirthDate(t *testing.T) {
	n, err := ParseNationalID("30108299939") // Skatteetaten's "person 2", born 30 Oct 1982
	require.NoError(t, err)
	assert.Equal(t, Rule2032, n.Rule())
	assert.Equal(t, date.Zero, n.BirthDate())
	assert.True(t, n.MatchesBirthDate(date.New(1982, 10, 30)))
	assert.True(t, n.MatchesBirthDate(date.New(2082, 10, 30)))
	assert.False(t, n.MatchesBirthDate(date.New(1982, 10, 31)))
	assert.False(t, n.MatchesBirthDate(date.New(1983, 10, 30)))
	assert.False(t, n.MatchesBirthDate(date.Zero))
	assert.False(t, NationalID{}.MatchesBirthDate(date.New(1982, 10, 30)))

	c := Child{ID: NewID[Child](), Municipality: "0301", GivenName: "Kari", FamilyName: "Nordmann",
		NationalID: n, BirthDate: date.New(1982, 10, 30), AddressProtection: ProtectionNone}
	assert.NoError(t, c.Validate(), "a 2032 number agrees with a birth date of its day, month and year digits")
	c.BirthDate = date.New(1982, 10, 29)
	assert.Error(t, c.Validate())
}
