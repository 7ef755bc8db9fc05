package domain

import (
	"math/big"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Money in Oppvekst is a decimal.Decimal amount in Norwegian kroner; these
// helpers never go through floating point.

var half = decimal.New(5, -1) // 0.5

// roundHalfAwayFromZero rounds d to places decimals, halves away from zero.
// It is written on Floor of the absolute value so that it does not depend
// on the rounding mode of decimal.Round.
func roundHalfAwayFromZero(d decimal.Decimal, places int32) decimal.Decimal {
	r := d.Abs().Shift(places).Add(half).Floor().Shift(-places)
	if d.Sign() < 0 {
		return r.Neg()
	}
	return r
}

// RoundOre rounds to whole øre (2 decimals), half away from zero:
// 0.005 → 0.01, -0.005 → -0.01.
func RoundOre(d decimal.Decimal) decimal.Decimal {
	return roundHalfAwayFromZero(d, 2)
}

// RoundKrone rounds to whole kroner, half away from zero: 2.50 → 3,
// -2.50 → -3.
func RoundKrone(d decimal.Decimal) decimal.Decimal {
	return roundHalfAwayFromZero(d, 0)
}

// Rounding names a rounding rule for amounts: "ore" (the default) or
// "krone".
type Rounding string

const (
	// RoundToOre rounds to whole øre (see RoundOre).
	RoundToOre Rounding = "ore"
	// RoundToKrone rounds to whole kroner (see RoundKrone).
	RoundToKrone Rounding = "krone"
)

// Round rounds d by the rule r. RoundToKrone rounds to whole kroner; any
// other value, including "", rounds to whole øre.
func (r Rounding) Round(d decimal.Decimal) decimal.Decimal {
	if r == RoundToKrone {
		return RoundKrone(d)
	}
	return RoundOre(d)
}

// ParseRounding accepts exactly "ore" or "krone". Anything else, including
// the empty string, gives a *ValidationError for the field "rounding".
func ParseRounding(s string) (Rounding, error) {
	switch Rounding(s) {
	case RoundToOre, RoundToKrone:
		return Rounding(s), nil
	}
	return "", Invalid("rounding", "must-be-ore-or-krone")
}

// SplitLargestRemainder splits total (already in whole øre) into
// len(weights) parts in proportion to the weights. Each part is a whole
// number of øre and the parts sum exactly to total; the øre left over after
// rounding every share down go one each to the shares with the largest
// remainders, ties to the lower index. A negative total is split as the
// mirror image of its absolute value. Errors are *ValidationError: no
// weights or a negative weight or all weights zero (field "weights"), a
// total that is not whole øre (field "total").
func SplitLargestRemainder(total decimal.Decimal, weights []decimal.Decimal) ([]decimal.Decimal, error) {
	if len(weights) == 0 {
		return nil, Invalid("weights", "empty")
	}
	// Scale the weights to integers by a common power of ten.
	var scale int32
	for _, w := range weights {
		if w.Sign() < 0 {
			return nil, Invalid("weights", "negative")
		}
		if e := -w.Exponent(); e > scale {
			scale = e
		}
	}
	ints := make([]*big.Int, len(weights))
	sum := new(big.Int)
	for i, w := range weights {
		ints[i] = w.Shift(scale).BigInt() // exact: w has at most scale decimals
		sum.Add(sum, ints[i])
	}
	if sum.Sign() == 0 {
		return nil, Invalid("weights", "must-not-all-be-zero")
	}

	ore := total.Shift(2)
	if !ore.IsInteger() {
		return nil, Invalid("total", "must-be-a-whole-number-of-ore")
	}
	negative := ore.Sign() < 0
	abs := ore.Abs().BigInt()

	// share_i = abs·w_i / sum = floor_i + rem_i/sum.
	floors := make([]*big.Int, len(weights))
	rems := make([]*big.Int, len(weights))
	left := new(big.Int).Set(abs)
	for i := range ints {
		num := new(big.Int).Mul(abs, ints[i])
		floors[i], rems[i] = new(big.Int).QuoRem(num, sum, new(big.Int))
		left.Sub(left, floors[i])
	}

	// left < len(weights): the remainders add up to left·sum, each below sum.
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return rems[order[a]].Cmp(rems[order[b]]) > 0
	})
	one := big.NewInt(1)
	for k := int64(0); k < left.Int64(); k++ {
		floors[order[k]].Add(floors[order[k]], one)
	}

	parts := make([]decimal.Decimal, len(weights))
	for i, f := range floors {
		if negative {
			f.Neg(f)
		}
		parts[i] = decimal.NewFromBigInt(f, -2)
	}
	return parts, nil
}

// FormatNOK formats an amount for Norwegian bokmål: rounded to whole øre,
// a space between groups of thousands, a comma as decimal sign and " kr"
// after: 1234.5 → "1 234,50 kr", -1234567.891 → "-1 234 567,89 kr",
// 0 → "0,00 kr". All spaces are plain ASCII spaces.
func FormatNOK(d decimal.Decimal) string {
	s := RoundOre(d).StringFixed(2) // e.g. "-1234567.89"
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")

	var b strings.Builder
	b.WriteString(sign)
	for i := 0; i < len(intPart); i++ {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(intPart[i])
	}
	b.WriteByte(',')
	b.WriteString(frac)
	b.WriteString(" kr")
	return b.String()
}
