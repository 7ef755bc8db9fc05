package billing

import (
	"math"
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
)

// amount is an exact rational number of kroner used inside the fee
// calculation. Small values (the usual case) are kept as a reduced int64
// fraction n/d with d > 0 and cost no allocation; a value that would
// overflow moves to a *big.Rat. Only the final per-child amount is rounded.
type amount struct {
	n, d int64
	b    *big.Rat // non-nil: the value, n and d unused
}

var zeroAmount = amount{n: 0, d: 1}

func intAmount(i int64) amount { return amount{n: i, d: 1} }

var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000, 100000000000, 1000000000000, 10000000000000,
	100000000000000, 1000000000000000, 10000000000000000, 100000000000000000,
	1000000000000000000}

// amountOf converts a decimal exactly.
func amountOf(x decimal.Decimal) amount {
	exp := x.Exponent()
	if x.NumDigits() <= 18 {
		n := x.CoefficientInt64()
		switch {
		case exp >= 0 && int(exp) < len(pow10):
			if p, ok := mulSmall(n, pow10[exp]); ok {
				return amount{n: p, d: 1}
			}
		case exp < 0 && int(-exp) < len(pow10):
			return fraction(n, pow10[-exp])
		}
	}
	return fromRat(ratPow10(exp, x.Coefficient()))
}

// ratPow10 returns c × 10^exp as a rational.
func ratPow10(exp int32, c *big.Int) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(absInt32(exp))), nil)
	if exp >= 0 {
		return new(big.Rat).SetInt(new(big.Int).Mul(c, p))
	}
	return new(big.Rat).SetFrac(c, p)
}

func absInt32(i int32) int32 {
	if i < 0 {
		return -i
	}
	return i
}

func abs64(i int64) uint64 {
	if i < 0 {
		return uint64(-i)
	}
	return uint64(i)
}

// gcd is the greatest common divisor (binary: shifts and subtractions
// instead of divisions); gcd(0, b) = b.
func gcd(a, b uint64) uint64 {
	if a == 0 {
		return b
	}
	if b == 0 {
		return a
	}
	shift := bits.TrailingZeros64(a | b)
	a >>= bits.TrailingZeros64(a)
	for b != 0 {
		b >>= bits.TrailingZeros64(b)
		if a > b {
			a, b = b, a
		}
		b -= a
	}
	return a << shift
}

// inUnit reports whether 0 <= x <= 1, without converting x when its
// coefficient is small.
func inUnit(x decimal.Decimal) bool {
	if x.Sign() < 0 {
		return false
	}
	exp := x.Exponent()
	if x.NumDigits() <= 18 && exp <= 0 && int(-exp) < len(pow10) {
		return x.CoefficientInt64() <= pow10[-exp]
	}
	return amountOf(x).cmp(intAmount(1)) <= 0
}

// fraction returns n/d reduced; d must be > 0.
func fraction(n, d int64) amount {
	if g := gcd(abs64(n), uint64(d)); g > 1 {
		n /= int64(g)
		d /= int64(g)
	}
	return amount{n: n, d: d}
}

func (a amount) rat() *big.Rat {
	if a.b != nil {
		return a.b
	}
	return big.NewRat(a.n, a.d)
}

func fromRat(r *big.Rat) amount {
	if r.Num().IsInt64() && r.Denom().IsInt64() {
		return amount{n: r.Num().Int64(), d: r.Denom().Int64()}
	}
	return amount{b: r}
}

// mulSmall multiplies two int64 values, reporting overflow.
func mulSmall(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	p := int64(lo)
	if (a < 0) != (b < 0) {
		p = -p
	}
	return p, true
}

// mul returns a × b.
func (a amount) mul(b amount) amount {
	if a.b == nil && b.b == nil {
		g1 := int64(gcd(abs64(a.n), uint64(b.d)))
		g2 := int64(gcd(abs64(b.n), uint64(a.d)))
		if g1 == 0 {
			g1 = 1
		}
		if g2 == 0 {
			g2 = 1
		}
		n, ok1 := mulSmall(a.n/g1, b.n/g2)
		d, ok2 := mulSmall(a.d/g2, b.d/g1)
		if ok1 && ok2 {
			if n == 0 {
				return zeroAmount
			}
			return amount{n: n, d: d}
		}
	}
	return fromRat(new(big.Rat).Mul(a.rat(), b.rat()))
}

// mulFrac returns a × num ÷ den; den must be > 0.
func (a amount) mulFrac(num, den int64) amount { return a.mul(fraction(num, den)) }

// sub returns a − b.
func (a amount) sub(b amount) amount {
	if a.b == nil && b.b == nil {
		x, ok1 := mulSmall(a.n, b.d)
		y, ok2 := mulSmall(b.n, a.d)
		d, ok3 := mulSmall(a.d, b.d)
		if ok1 && ok2 && ok3 && (x >= 0) == (y >= 0) {
			return fraction(x-y, d) // same signs: no overflow
		}
	}
	return fromRat(new(big.Rat).Sub(a.rat(), b.rat()))
}

// cmp compares a and b: -1, 0 or +1.
func (a amount) cmp(b amount) int {
	if a.b == nil && b.b == nil && a.n >= 0 && b.n >= 0 {
		h1, l1 := bits.Mul64(uint64(a.n), uint64(b.d))
		h2, l2 := bits.Mul64(uint64(b.n), uint64(a.d))
		switch {
		case h1 < h2 || (h1 == h2 && l1 < l2):
			return -1
		case h1 == h2 && l1 == l2:
			return 0
		default:
			return 1
		}
	}
	return a.rat().Cmp(b.rat())
}

func (a amount) sign() int {
	if a.b != nil {
		return a.b.Sign()
	}
	switch {
	case a.n < 0:
		return -1
	case a.n > 0:
		return 1
	}
	return 0
}

func minAmount(a, b amount) amount {
	if b.cmp(a) < 0 {
		return b
	}
	return a
}

// roundExact is round, with the rounded value also as an amount.
func (a amount) roundExact(places int) (decimal.Decimal, amount) {
	if a.b == nil {
		if v, ok := a.roundSmall(places); ok {
			return decimal.New(v, int32(-places)), fraction(v, pow10[places])
		}
	}
	d := a.round(places)
	return d, amountOf(d)
}

// roundSmall rounds a small amount to places decimals, as a number of
// 10^-places; false when it does not fit.
func (a amount) roundSmall(places int) (int64, bool) {
	x, ok := mulSmall(a.n, pow10[places])
	if !ok {
		return 0, false
	}
	q, r := abs64(x)/uint64(a.d), abs64(x)%uint64(a.d)
	if 2*r >= uint64(a.d) {
		q++
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	v := int64(q)
	if x < 0 {
		v = -v
	}
	return v, true
}

// round rounds to places decimals (0 or 2), half away from zero.
func (a amount) round(places int) decimal.Decimal {
	if a.b == nil {
		if x, ok := mulSmall(a.n, pow10[places]); ok {
			q, r := abs64(x)/uint64(a.d), abs64(x)%uint64(a.d)
			if 2*r >= uint64(a.d) {
				q++
			}
			if q <= math.MaxInt64 {
				v := int64(q)
				if x < 0 {
					v = -v
				}
				return decimal.New(v, int32(-places))
			}
		}
	}
	r := a.rat()
	num := new(big.Int).Mul(new(big.Int).Abs(r.Num()), big.NewInt(pow10[places]))
	q, m := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	if m.Lsh(m, 1).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if r.Sign() < 0 {
		q.Neg(q)
	}
	return decimal.NewFromBigInt(q, int32(-places))
}

// add returns a + b.
func (a amount) add(b amount) amount {
	if a.b == nil && b.b == nil {
		x, ok1 := mulSmall(a.n, b.d)
		y, ok2 := mulSmall(b.n, a.d)
		d, ok3 := mulSmall(a.d, b.d)
		if ok1 && ok2 && ok3 && (x >= 0) == (y >= 0) && abs64(x) <= math.MaxInt64/2 && abs64(y) <= math.MaxInt64/2 {
			return fraction(x+y, d)
		}
	}
	return fromRat(new(big.Rat).Add(a.rat(), b.rat()))
}
