package admission

import (
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRightToPlace(t *testing.T) {
	d := func(s string) date.Date { return date.MustParseISO(s) }
	tests := []struct {
		name     string
		in       RightApplication
		hasRight bool
		from     string
		reason   Reason
	}{
		{"by August", RightApplication{d("2024-08-31"), 2025, true, true}, true, "2025-08", ""},
		{"September", RightApplication{d("2024-09-01"), 2025, true, true}, true, "2025-09", ""},
		{"November", RightApplication{d("2024-11-30"), 2025, true, true}, true, "2025-11", ""},
		{"December", RightApplication{d("2024-12-01"), 2025, true, true}, false, "", TooYoung},
		{"turns five", RightApplication{d("2020-12-31"), 2025, true, true}, true, "2025-08", ""},
		{"turns six", RightApplication{d("2019-01-01"), 2025, true, true}, false, "", SchoolAge},
		{"late", RightApplication{d("2023-01-01"), 2025, false, true}, false, "", LateApplication},
		{"not resident first", RightApplication{d("2019-01-01"), 2025, false, false}, false, "", NotResident},
		{"school-age before late", RightApplication{d("2019-01-01"), 2025, false, true}, false, "", SchoolAge},
		{"too-young before late", RightApplication{d("2024-12-01"), 2025, false, true}, false, "", TooYoung},
		{"leap day", RightApplication{d("2024-02-29"), 2025, true, true}, true, "2025-08", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := RightToPlace(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.hasRight, r.HasRight)
			assert.Equal(t, tt.reason, r.Reason)
			if tt.hasRight {
				assert.Equal(t, tt.from, r.From.String())
			} else {
				assert.True(t, r.From.IsZero())
			}
			for _, l := range Langs() {
				assert.NotEmpty(t, r.Render(l))
			}
		})
	}
	_, err := RightToPlace(RightApplication{BirthDate: d("2024-01-01"), ApplicationYear: 0})
	require.Error(t, err)
}

func TestNationalRightRules(t *testing.T) {
	r, err := NationalRightRules(2025)
	require.NoError(t, err)
	assert.Equal(t, 1, r.RightAge)
	assert.Equal(t, time.August, r.PlaceFromMonth)
	assert.Equal(t, time.November, r.LastMonthTurningRightAge)
	assert.Equal(t, 6, r.SchoolStartAge)
	assert.NotEmpty(t, r.Source)
	old, err := NationalRightRules(1990)
	require.NoError(t, err)
	assert.Equal(t, r, old, "years before the table use its earliest row")
}

func TestRightRender(t *testing.T) {
	d := date.MustParseISO
	cases := []struct {
		in         RightApplication
		nb, nn, en string
	}{
		{RightApplication{d("2024-10-14"), 2025, true, true},
			"Barnet fyller 1 år i oktober 2025 og har rett til plass innen utgangen av oktober 2025 (barnehageloven § 16).",
			"Barnet fyller 1 år i oktober 2025 og har rett til plass innan utgangen av oktober 2025 (barnehagelova § 16).",
			"The child turns 1 in October 2025 and has a right to a place by the end of October 2025 (Kindergarten Act § 16)."},
		{RightApplication{d("2024-03-02"), 2025, true, true},
			"Barnet fyller 1 år i mars 2025 og har rett til plass fra august 2025 (barnehageloven § 16).",
			"Barnet fyller 1 år i mars 2025 og har rett til plass frå august 2025 (barnehagelova § 16).",
			"The child turns 1 in March 2025 and has a right to a place from August 2025 (Kindergarten Act § 16)."},
		{RightApplication{d("2024-12-24"), 2025, true, true},
			"Barnet fyller 1 år i desember 2025, etter utgangen av november, og har ikke rett til plass i opptaket for 2025 (barnehageloven § 16).",
			"Barnet fyller 1 år i desember 2025, etter utgangen av november, og har ikkje rett til plass i opptaket for 2025 (barnehagelova § 16).",
			"The child turns 1 in December 2025, after the end of November, and has no right to a place in the 2025 admission (Kindergarten Act § 16)."},
		{RightApplication{d("2019-05-05"), 2025, true, true},
			"Barnet har ikke rett til barnehageplass: det fyller 6 år i 2025 og begynner på skolen i august (barnehageloven § 16).",
			"Barnet har ikkje rett til barnehageplass: det fyller 6 år i 2025 og byrjar på skulen i august (barnehagelova § 16).",
			"The child has no right to a kindergarten place: it turns 6 in 2025 and starts school in August (Kindergarten Act § 16)."},
	}
	for _, c := range cases {
		r, err := RightToPlace(c.in)
		require.NoError(t, err)
		assert.Equal(t, c.nb, r.Render(Bokmal))
		assert.Equal(t, c.nn, r.Render(Nynorsk))
		assert.Equal(t, c.en, r.Render(English))
	}
	late, _ := RightToPlace(RightApplication{d("2023-01-01"), 2025, false, true})
	nr, _ := RightToPlace(RightApplication{d("2023-01-01"), 2025, true, false})
	for _, l := range Langs() {
		assert.Contains(t, late.Render(l), "§ 16")
		assert.Contains(t, nr.Render(l), "§ 16")
	}
	assert.Contains(t, late.Render(English), "deadline")
	assert.Contains(t, nr.Render(Nynorsk), "busett")
}
