package domain

import (
	"errors"
	"math/rand"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// assertDec compares by value (decimal.Decimal is not comparable with ==).
func assertDec(t *testing.T, want string, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	assert.True(t, dec(want).Equal(got), append([]any{"want %s, got %s", want, got.String()}, msgAndArgs...)...)
}

// TestDecimalRoundLibraryBehaviour records what shopspring's Round does
// with halves, so that a change in the library shows up here. RoundOre and
// RoundKrone do not depend on it.
func TestDecimalRoundLibraryBehaviour(t *testing.T) {
	assertDec(t, "0.01", dec("0.005").Round(2))
	assertDec(t, "-0.01", dec("-0.005").Round(2))
	assertDec(t, "3", dec("2.5").Round(0))
	assertDec(t, "-3", dec("-2.5").Round(0))
}

func TestRoundOre(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0", "0"},
		{"0.005", "0.01"},
		{"-0.005", "-0.01"},
		{"0.0049999", "0"},
		{"-0.0049999", "0"},
		{"1.005", "1.01"},
		{"-1.005", "-1.01"},
		{"2.675", "2.68"},
		{"-2.675", "-2.68"},
		{"1.234", "1.23"},
		{"-1.234", "-1.23"},
		{"1.236", "1.24"},
		{"-1.236", "-1.24"},
		{"12", "12"},
		{"-12.1", "-12.1"},
		{"99.995", "100"},
		{"-99.995", "-100"},
		{"1e3", "1000"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := RoundOre(dec(tc.in))
			assertDec(t, tc.want, got)
			assert.LessOrEqual(t, -got.Exponent(), int32(2))
		})
	}
	// Negative zero does not exist: a tiny negative amount prints as zero.
	assert.Equal(t, "0.00", RoundOre(dec("-0.001")).StringFixed(2))
}

func TestRoundKrone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0", "0"},
		{"0.5", "1"},
		{"-0.5", "-1"},
		{"2.50", "3"},
		{"-2.50", "-3"},
		{"2.49", "2"},
		{"-2.49", "-2"},
		{"2.51", "3"},
		{"-2.51", "-3"},
		{"3.5", "4"},
		{"-3.5", "-4"},
		{"1234.4999", "1234"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := RoundKrone(dec(tc.in))
			assertDec(t, tc.want, got)
			assert.True(t, got.IsInteger())
		})
	}
}

func TestRounding(t *testing.T) {
	assertDec(t, "2.68", Rounding("").Round(dec("2.675")))
	assertDec(t, "2.68", RoundToOre.Round(dec("2.675")))
	assertDec(t, "3", RoundToKrone.Round(dec("2.675")))
	assertDec(t, "-3", RoundToKrone.Round(dec("-2.5")))

	for _, s := range []string{"ore", "krone"} {
		r, err := ParseRounding(s)
		require.NoError(t, err)
		assert.Equal(t, Rounding(s), r)
	}
	for _, s := range []string{"", "Ore", "KRONE", "øre", "kr", " ore", "ore "} {
		_, err := ParseRounding(s)
		require.Error(t, err, s)
		assert.True(t, errors.Is(err, ErrInvalid))
		var ve *ValidationError
		require.True(t, errors.As(err, &ve))
		assert.Equal(t, "rounding", ve.Fields[0].Field)
	}
}

func decs(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = dec(s)
	}
	return out
}

func TestSplitLargestRemainder(t *testing.T) {
	for _, tc := range []struct {
		name    string
		total   string
		weights []string
		want    []string
	}{
		{"three equal", "100.00", []string{"1", "1", "1"}, []string{"33.34", "33.33", "33.33"}},
		{"three equal negative", "-100.00", []string{"1", "1", "1"}, []string{"-33.34", "-33.33", "-33.33"}},
		{"two øre over three", "0.02", []string{"1", "1", "1"}, []string{"0.01", "0.01", "0"}},
		{"zero weight", "100", []string{"1", "0", "1"}, []string{"50", "0", "50"}},
		{"zero weight odd øre", "0.03", []string{"0", "1", "1"}, []string{"0", "0.02", "0.01"}},
		{"largest remainder wins", "1.00", []string{"1", "2", "4"}, []string{"0.14", "0.29", "0.57"}},
		{"largest remainder wins negative", "-1.00", []string{"1", "2", "4"}, []string{"-0.14", "-0.29", "-0.57"}},
		{"decimal weights", "10.00", []string{"0.5", "0.25", "0.25"}, []string{"5", "2.5", "2.5"}},
		{"mixed scale weights", "1.00", []string{"1e2", "0.001"}, []string{"1", "0"}},
		{"single weight", "123.45", []string{"7"}, []string{"123.45"}},
		{"zero total", "0", []string{"1", "2"}, []string{"0", "0"}},
		{"percent", "999.99", []string{"30", "30", "40"}, []string{"300", "300", "399.99"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SplitLargestRemainder(dec(tc.total), decs(tc.weights...))
			require.NoError(t, err)
			require.Len(t, got, len(tc.want))
			for i := range got {
				assertDec(t, tc.want[i], got[i], "part %d", i)
			}
		})
	}
}

func TestSplitLargestRemainderErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		total   string
		weights []string
		field   string
	}{
		{"no weights", "10", nil, "weights"},
		{"negative weight", "10", []string{"1", "-1"}, "weights"},
		{"all zero", "10", []string{"0", "0"}, "weights"},
		{"fraction of øre", "10.005", []string{"1"}, "total"},
		{"negative fraction of øre", "-0.001", []string{"1"}, "total"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SplitLargestRemainder(dec(tc.total), decs(tc.weights...))
			require.Error(t, err)
			assert.Nil(t, got)
			assert.True(t, errors.Is(err, ErrInvalid))
			var ve *ValidationError
			require.True(t, errors.As(err, &ve))
			require.Len(t, ve.Fields, 1)
			assert.Equal(t, tc.field, ve.Fields[0].Field)
		})
	}
}

// TestSplitLargestRemainderRandom checks the invariants on seeded random
// input: exact sum, whole øre, each part within one øre of its exact
// share, the mirror property for negative totals, and that a zero weight
// always gets zero.
func TestSplitLargestRemainderRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(20240601))
	for n := 0; n < 500; n++ {
		total := decimal.New(rng.Int63n(20_000_000)-10_000_000, -2)
		weights := make([]decimal.Decimal, 1+rng.Intn(8))
		for i := range weights {
			if rng.Intn(5) == 0 {
				weights[i] = decimal.Zero
			} else {
				weights[i] = decimal.New(rng.Int63n(100_000), -int32(rng.Intn(4)))
			}
		}
		weights[rng.Intn(len(weights))] = decimal.New(1+rng.Int63n(1000), 0) // not all zero

		parts, err := SplitLargestRemainder(total, weights)
		require.NoError(t, err)
		require.Len(t, parts, len(weights))

		sumW := decimal.Sum(decimal.Zero, weights...)
		sum := decimal.Zero
		for i, p := range parts {
			sum = sum.Add(p)
			require.True(t, p.Shift(2).IsInteger(), "part %s is not whole øre", p)
			if weights[i].IsZero() {
				require.True(t, p.IsZero(), "zero weight got %s", p)
			}
			// |part − exact share| < 0.01, checked without division:
			// |part·ΣW − total·w| < 0.01·ΣW.
			diff := p.Mul(sumW).Sub(total.Mul(weights[i])).Abs()
			require.True(t, diff.LessThan(sumW.Shift(-2)), "case %d part %d: %s vs share of %s", n, i, p, total)
			if total.Sign() > 0 {
				require.True(t, p.Sign() >= 0)
			} else if total.Sign() < 0 {
				require.True(t, p.Sign() <= 0)
			}
		}
		require.True(t, sum.Equal(total), "case %d: sum %s, total %s", n, sum, total)

		mirror, err := SplitLargestRemainder(total.Neg(), weights)
		require.NoError(t, err)
		for i := range parts {
			require.True(t, mirror[i].Equal(parts[i].Neg()))
		}
	}
}

func TestFormatNOK(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1234.5", "1 234,50 kr"},
		{"-1234567.891", "-1 234 567,89 kr"},
		{"0", "0,00 kr"},
		{"999", "999,00 kr"},
		{"1000", "1 000,00 kr"},
		{"1000000", "1 000 000,00 kr"},
		{"-999", "-999,00 kr"},
		{"-1000", "-1 000,00 kr"},
		{"0.005", "0,01 kr"},
		{"-0.005", "-0,01 kr"},
		{"-0.004", "0,00 kr"},
		{"999.995", "1 000,00 kr"},
		{"12345678901234.56", "12 345 678 901 234,56 kr"},
		{"0.1", "0,10 kr"},
		{"100000", "100 000,00 kr"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := FormatNOK(dec(tc.in))
			assert.Equal(t, tc.want, got)
			assert.False(t, strings.ContainsRune(got, '\u00a0'))
		})
	}
}
