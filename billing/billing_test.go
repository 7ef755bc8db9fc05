package billing

import (
	"errors"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decp(s string) *decimal.Decimal { d := dec(s); return &d }

func mustTables(t testing.TB) *Tables {
	t.Helper()
	tab, err := NationalTables()
	require.NoError(t, err)
	return tab
}

func standardPrices() KindergartenPrices {
	return KindergartenPrices{
		FullTimePrice: dec("2000.00"),
		Brackets: []KindergartenBracket{
			{MinHours: 41, Share: dec("1.00"), Food: dec("400.00")},
			{MinHours: 32, Share: dec("0.80"), Food: dec("320.00")},
			{MinHours: 24, Share: dec("0.60"), Food: dec("240.00")},
			{MinHours: 0, Share: dec("0.50"), Food: dec("200.00")},
		},
		SiblingOrder: PriceDesc,
		Rounding:     domain.RoundToOre,
	}
}

func TestTablesLookup(t *testing.T) {
	tab := mustTables(t)
	tests := []struct {
		month    Month
		zone     Zone
		max      string
		unknown  bool
		prov     bool
		noThresh bool
	}{
		{Month{2022, time.July}, ZoneOrdinary, "", true, false, false},
		{Month{2022, time.August}, ZoneOrdinary, "3050", false, false, false},
		{Month{2022, time.December}, ZoneReduced, "3050", false, false, false},
		{Month{2023, time.January}, ZoneOrdinary, "3000", false, false, false},
		{Month{2023, time.July}, ZoneFree, "", true, false, false},
		{Month{2023, time.August}, ZoneFree, "3000", false, false, false},
		{Month{2024, time.July}, ZoneReduced, "3000", false, false, false},
		{Month{2024, time.August}, ZoneReduced, "1500", false, false, false},
		{Month{2024, time.August}, ZoneOrdinary, "2000", false, false, false},
		{Month{2025, time.August}, ZoneOrdinary, "1200", false, true, true},
		{Month{2026, time.March}, ZoneReduced, "700", false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.month.String()+"/"+string(tt.zone), func(t *testing.T) {
			r, err := tab.KindergartenRules(tt.month, tt.zone)
			if tt.unknown {
				require.ErrorIs(t, err, ErrUnknownRules)
				return
			}
			require.NoError(t, err)
			assert.True(t, dec(tt.max).Equal(r.MaxPrice), r.MaxPrice.String())
			assert.Equal(t, tt.prov, r.Provisional)
			assert.Equal(t, tt.noThresh, r.FreeCoreIncomeThreshold == nil)
			assert.NotEmpty(t, r.Source)
			assert.Equal(t, 41, r.FullTimeHours)
			assert.Equal(t, []time.Month{time.July}, r.FeeFreeMonths)
		})
	}
	s, err := tab.SFORules(Month{2024, time.September})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3}, s.FreeHoursGrades)
	s, err = tab.SFORules(Month{2021, time.August})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3, 4}, s.IncomeCapGrades)
	assert.Empty(t, s.FreeHoursGrades)
	_, err = tab.SFORules(Month{2020, time.July})
	require.ErrorIs(t, err, ErrUnknownRules)
}

func TestKindergartenFee(t *testing.T) {
	tab := mustTables(t)
	sept := Month{2024, time.September}
	rules, err := tab.KindergartenRules(sept, ZoneOrdinary)
	require.NoError(t, err)
	tests := []struct {
		name     string
		income   *decimal.Decimal
		children []Child
		fees     []string
		rules    [][]StepCode
		total    string
	}{
		{"standard example", decp("300000"), []Child{
			{ID: "a", BirthDate: date.New(2020, 3, 2), HoursPerWeek: 45},
			{ID: "b", BirthDate: date.New(2022, 11, 20), HoursPerWeek: 30}},
			[]string{"838.14", "280.00"},
			[][]StepCode{{StepIncomeCap, StepFreeCoreHours}, {StepFreeCoreHours, StepSibling}}, "1758.14"},
		{"no income one child", nil, []Child{{ID: "a", BirthDate: date.New(2020, 3, 2), HoursPerWeek: 60}},
			[]string{"2000.00"}, [][]StepCode{nil}, "2400.00"},
		{"three siblings", nil, []Child{
			{ID: "a", BirthDate: date.New(2019, 1, 1), HoursPerWeek: 45},
			{ID: "b", BirthDate: date.New(2020, 1, 1), HoursPerWeek: 45},
			{ID: "c", BirthDate: date.New(2021, 1, 1), HoursPerWeek: 45}},
			[]string{"2000.00", "1400.00", "0.00"}, [][]StepCode{nil, {StepSibling}, {StepSibling}}, "4600.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := KindergartenFee(rules, standardPrices(), Household{AnnualIncome: tt.income, Children: tt.children}, sept, ZoneOrdinary)
			require.NoError(t, err)
			for i, c := range f.Children {
				assert.Equal(t, tt.fees[i], c.Fee.StringFixed(2), c.ID)
				assert.Equal(t, tt.rules[i], c.Rules, c.ID)
			}
			assert.Equal(t, tt.total, f.Total.StringFixed(2))
		})
	}
}

func TestKindergartenFeeInvalid(t *testing.T) {
	tab := mustTables(t)
	sept := Month{2024, time.September}
	rules, _ := tab.KindergartenRules(sept, ZoneOrdinary)
	tests := []struct {
		name  string
		child Child
		field string
	}{
		{"hours 0", Child{ID: "a", BirthDate: date.New(2020, 1, 1), HoursPerWeek: 0}, "children[0].hoursPerWeek"},
		{"hours 61", Child{ID: "a", BirthDate: date.New(2020, 1, 1), HoursPerWeek: 61}, "children[0].hoursPerWeek"},
		{"born after", Child{ID: "a", BirthDate: date.New(2024, 10, 1), HoursPerWeek: 30}, "children[0].birthDate"},
		{"no id", Child{BirthDate: date.New(2020, 1, 1), HoursPerWeek: 30}, "children[0].id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := KindergartenFee(rules, standardPrices(), Household{Children: []Child{tt.child}}, sept, ZoneOrdinary)
			require.ErrorIs(t, err, domain.ErrInvalid)
			assert.Equal(t, tt.field, domain.FieldOf(err))
		})
	}
	_, err := KindergartenFee(rules, standardPrices(), Household{AnnualIncome: decp("-1"), Children: []Child{{ID: "a", BirthDate: date.New(2020, 1, 1), HoursPerWeek: 30}}}, sept, ZoneOrdinary)
	assert.Equal(t, "household.annualIncome", domain.FieldOf(err))
}

func TestKindergartenUnknownThreshold(t *testing.T) {
	tab := mustTables(t)
	m := Month{2025, time.September}
	rules, err := tab.KindergartenRules(m, ZoneOrdinary)
	require.NoError(t, err)
	h := Household{AnnualIncome: decp("300000"), Children: []Child{{ID: "a", BirthDate: date.New(2021, 5, 5), HoursPerWeek: 45}}}
	_, err = KindergartenFee(rules, standardPrices(), h, m, ZoneOrdinary)
	var u *UnknownRulesError
	require.ErrorAs(t, err, &u)
	assert.Equal(t, "freeCoreIncomeThreshold", u.Param)
	h.AnnualIncome = nil
	f, err := KindergartenFee(rules, standardPrices(), h, m, ZoneOrdinary)
	require.NoError(t, err)
	assert.Equal(t, "1200.00", f.Children[0].Fee.StringFixed(2))
}

func TestSFOFee(t *testing.T) {
	tab := mustTables(t)
	m := Month{2024, time.September}
	rules, err := tab.SFORules(m)
	require.NoError(t, err)
	local := SFOPrices{Brackets: []SFOBracket{{MinHours: 15, Price: dec("3000"), Food: dec("300")}, {MinHours: 0, Price: dec("2000"), Food: dec("200")}},
		SiblingDiscounts: []decimal.Decimal{dec("0"), dec("0.25")}}
	f, err := SFOFee(rules, local, SFOHousehold{AnnualIncome: decp("300000"), Pupils: []Pupil{
		{ID: "a", Grade: 1, HoursPerWeek: 20},
		{ID: "b", Grade: 6, HoursPerWeek: 20, SpecialNeeds: true},
		{ID: "c", Grade: 4, HoursPerWeek: 10},
	}}, m)
	require.NoError(t, err)
	// a: 3000 → 18000/11 → ×8/20 = 654.55, first (3000, older by grade? b grade 6 ranks first on the tie).
	assert.Equal(t, "a", f.Children[0].ID)
	assert.Equal(t, []StepCode{StepSpecialNeeds}, f.Children[1].Rules)
	assert.Equal(t, "0.00", f.Children[1].Fee.StringFixed(2))
	// Order: b (3000, grade 6) 1st, a (3000, grade 1) 2nd, c (2000) 3rd.
	// a: 654.5454… × 0.75 = 490.909… → 490.91; c: 2000 → cap 1636.3636… × 0.75 = 1227.27.
	assert.Equal(t, "490.91", f.Children[0].Fee.StringFixed(2))
	assert.Equal(t, "1227.27", f.Children[2].Fee.StringFixed(2))
	assert.Equal(t, "2518.18", f.Total.StringFixed(2))
}

func TestRenderLanguages(t *testing.T) {
	tab := mustTables(t)
	sept := Month{2024, time.September}
	rules, _ := tab.KindergartenRules(sept, ZoneOrdinary)
	f, err := KindergartenFee(rules, standardPrices(), Household{AnnualIncome: decp("300000"), Children: []Child{
		{ID: "a", BirthDate: date.New(2020, 3, 2), HoursPerWeek: 45},
		{ID: "b", BirthDate: date.New(2022, 11, 20), HoursPerWeek: 30}}}, sept, ZoneOrdinary)
	require.NoError(t, err)
	want := map[Lang][]string{
		Bokmal:  {"Foreldrebetaling for 2024-09", "Inntektsgradert betaling", "Gratis kjernetid", "Søskenmoderasjon: barn nr. 2 (høyeste pris først), 30 %", "Totalt: 1 758,14 kr"},
		Nynorsk: {"Inntektsgradert betaling: høgst", "timar", "Syskenmoderasjon", "høgaste pris først", "Totalt: 1 758,14 kr"},
		English: {"Parental fee for 2024-09", "Income cap: at most 6 %", "Free core hours", "Sibling discount: child no. 2", "Total: NOK 1758.14"},
	}
	for lang, parts := range want {
		out := f.Render(lang)
		for _, p := range parts {
			assert.Contains(t, out, p, string(lang))
		}
	}
	july, _ := tab.KindergartenRules(Month{2024, time.July}, ZoneOrdinary)
	f, err = KindergartenFee(july, standardPrices(), Household{Children: []Child{{ID: "a", BirthDate: date.New(2020, 3, 2), HoursPerWeek: 45}}}, Month{2024, time.July}, ZoneOrdinary)
	require.NoError(t, err)
	assert.Contains(t, f.Render(Nynorsk), "Betalingsfri månad")
	assert.Contains(t, f.Render(English), "Fee-free month")
}

func TestKID(t *testing.T) {
	tests := []struct {
		base   string
		method KIDMethod
		kid    string
	}{
		{"1234567", KIDMod10, "12345674"},
		{"7992739871", KIDMod10, "79927398713"},
		{"1234567", KIDMod11, "12345674"},
		{"0", KIDMod11, "00"},
		{"6", KIDMod11, "6-"},
		{"11", KIDMod11, "116"},
	}
	for _, tt := range tests {
		kid, err := MakeKID(tt.base, tt.method)
		require.NoError(t, err)
		assert.Equal(t, tt.kid, kid)
		ok, err := ValidKID(kid, tt.method)
		require.NoError(t, err)
		assert.True(t, ok)
	}
	for _, bad := range []string{"", strings.Repeat("1", 25), "1a"} {
		_, err := MakeKID(bad, KIDMod10)
		assert.Equal(t, "base", domain.FieldOf(err), bad)
	}
	_, err := MakeKID("1", "mod12")
	assert.Equal(t, "method", domain.FieldOf(err))
	for _, bad := range []string{"1", strings.Repeat("1", 26), "-1", "1-1"} {
		_, err := ValidKID(bad, KIDMod11)
		assert.Equal(t, "validate", domain.FieldOf(err), bad)
	}
}

func TestAmountExactAndBig(t *testing.T) {
	// 0.06 × 300000 ÷ 11 × 21 ÷ 41 = 378000/451.
	a := amountOf(dec("0.06")).mul(amountOf(dec("300000"))).mulFrac(1, 11).mulFrac(21, 41)
	assert.Equal(t, amount{n: 378000, d: 451}, a)
	assert.Equal(t, "838.14", a.round(2).StringFixed(2))
	// Values beyond int64 take the big.Rat path and stay exact.
	huge := amountOf(dec("123456789012345678901234.5")).mulFrac(1, 3)
	assert.NotNil(t, huge.b)
	assert.Equal(t, "41152263004115226300411.50", huge.round(2).StringFixed(2))
	assert.Equal(t, "-3", amountOf(dec("-2.5")).round(0).String())
	assert.Equal(t, 1, amountOf(dec("0.30")).cmp(amountOf(dec("0.299999999999999999999"))))
	assert.True(t, errors.Is(&UnknownRulesError{}, ErrUnknownRules))
}

func TestMonth(t *testing.T) {
	m, err := ParseMonth("2024-02")
	require.NoError(t, err)
	assert.Equal(t, date.New(2024, 2, 29), m.Last())
	for _, bad := range []string{"2024-13", "2024-9", "24-09", "2024/09", "2024-00"} {
		_, err := ParseMonth(bad)
		assert.Error(t, err, bad)
	}
}

// threeChildren is the household of the three-child benchmark.
func threeChildren() Household {
	return Household{AnnualIncome: decp("450000.00"), Children: []Child{
		{ID: "a", BirthDate: date.New(2019, 4, 12), HoursPerWeek: 45},
		{ID: "b", BirthDate: date.New(2021, 8, 30), HoursPerWeek: 35},
		{ID: "c", BirthDate: date.New(2023, 2, 1), HoursPerWeek: 25},
	}}
}

func BenchmarkKindergartenFeeThreeChildren(b *testing.B) {
	tab := mustTables(b)
	m := Month{2024, time.October}
	rules, err := tab.KindergartenRules(m, ZoneOrdinary)
	require.NoError(b, err)
	local, h := standardPrices(), threeChildren()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := KindergartenFee(rules, local, h, m, ZoneOrdinary); err != nil {
			b.Fatal(err)
		}
	}
}

// country generates households totalling n children with a seeded
// generator: 1–4 children (mostly 1–2), ages 1–5, hours 15–50, about 40 %
// with an income-based reduction.
func country(n int) []Household {
	rng := rand.New(rand.NewSource(2024))
	var hs []Household
	incomes := []string{"150000.00", "280000.00", "366000.00", "450000.00", "600000.00", "642699.00", "900000.00"}
	for count := 0; count < n; {
		k := []int{1, 1, 1, 2, 2, 2, 2, 3, 3, 4}[rng.Intn(10)]
		if count+k > n {
			k = n - count
		}
		var h Household
		if rng.Intn(10) < 4 {
			h.AnnualIncome = decp(incomes[rng.Intn(len(incomes))])
		}
		for i := 0; i < k; i++ {
			h.Children = append(h.Children, Child{
				ID:           string(rune('a' + i)),
				BirthDate:    date.New(2019+rng.Intn(5), time.Month(1+rng.Intn(12)), 1+rng.Intn(28)),
				HoursPerWeek: []int{15, 20, 25, 30, 35, 41, 45, 50}[rng.Intn(8)],
			})
		}
		hs = append(hs, h)
		count += k
	}
	return hs
}

// BenchmarkKindergartenFeeCountry computes 300,000 children's fees with
// KindergartenFee (rules and prices checked at every call) and with one
// KindergartenFees for the month, steps not asked for.
func BenchmarkKindergartenFeeCountry(b *testing.B) {
	tab := mustTables(b)
	m := Month{2024, time.October}
	rules, err := tab.KindergartenRules(m, ZoneOrdinary)
	require.NoError(b, err)
	local := standardPrices()
	hs := country(300_000)
	fees, err := NewKindergartenFees(rules, local, m, ZoneOrdinary)
	require.NoError(b, err)
	for _, c := range []struct {
		name string
		fee  func(h Household) (Fee, error)
	}{
		{"KindergartenFee", func(h Household) (Fee, error) { return KindergartenFee(rules, local, h, m, ZoneOrdinary) }},
		{"KindergartenFees", fees.Fee},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, h := range hs {
					if _, err := c.fee(h); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
