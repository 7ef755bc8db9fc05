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
		reason    string // non-empty: expected to be invalid with this reason
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
		{name: "29 Feb 1900 (not leap)", in: "29020010027", reason: "no-such-date"},
		{name: "D-number 29 Feb 1901", in: "69020112476", reason: "no-such-date"},

		// Century combinations that do not exist.
		{name: "III 600 with YY 45", in: "01014560013", reason: "individual-number-does-not-fit-year"},
		{name: "III 800 with YY 60", in: "01016080000", reason: "individual-number-does-not-fit-year"},
		{name: "III 750 with YY 54", in: "01015475060", reason: "individual-number-does-not-fit-year"},
		{name: "III 500 with YY 53", in: "01015350047", reason: "individual-number-does-not-fit-year"},

		// Control digits.
		{name: "k1 wrong", in: "15076500575", reason: "control-digit-1-does-not-match"},
		{name: "k2 wrong", in: "15076500566", reason: "control-digit-2-does-not-match"},
		{name: "k1 computes to 10", in: "15076500300", reason: "control-digit-1-cannot-be-computed-remainder-gives-10"},
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
			if !valid {
				assert.Error(t, err, full)
				continue
			}
			if assert.NoError(t, err, full) {
				assert.Equal(t, year, got.BirthDate().Year(), full)
			}
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
		if _, ok := completeWithControlDigits(s[:9]); !ok {
			t.Fatalf("%q accepted although a control digit computes to 10", s)
		}
		if full, _ := completeWithControlDigits(s[:9]); full != s {
			t.Fatalf("%q accepted with wrong control digits (want %q)", s, full)
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
