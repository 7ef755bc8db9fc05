package billing

import (
	"github.com/oppvekst/oppvekst/domain"
)

// KIDMethod is the check-digit method of a KID number.
type KIDMethod string

const (
	// KIDMod10 is the Luhn algorithm (MOD10).
	KIDMod10 KIDMethod = "mod10"
	// KIDMod11 uses the weights 2, 3, 4, 5, 6, 7 repeating from the right
	// (MOD11); a check of 11 is "0" and a check of 10 is "-".
	KIDMod11 KIDMethod = "mod11"
)

// KID lengths: the whole KID, check digit included, is 2–25 characters
// (the limits of NETS' OCR giro format).
const (
	kidMinLen = 2
	kidMaxLen = 25
)

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// kidCheck returns the check character for base.
func kidCheck(base string, m KIDMethod) byte {
	sum := 0
	switch m {
	case KIDMod10:
		for i := 0; i < len(base); i++ {
			d := int(base[len(base)-1-i] - '0')
			if i%2 == 0 {
				d *= 2
				if d > 9 {
					d -= 9
				}
			}
			sum += d
		}
		return byte('0' + (10-sum%10)%10)
	default:
		for i := 0; i < len(base); i++ {
			sum += int(base[len(base)-1-i]-'0') * (2 + i%6)
		}
		switch c := 11 - sum%11; c {
		case 11:
			return '0'
		case 10:
			return '-'
		default:
			return byte('0' + c)
		}
	}
}

func checkMethod(m KIDMethod) error {
	if m != KIDMod10 && m != KIDMod11 {
		return domain.Invalid("method", "must-be-mod10-or-mod11")
	}
	return nil
}

// MakeKID appends the check digit to base, a string of 1–24 digits. Errors
// are *domain.ValidationError for the field "base" or "method".
func MakeKID(base string, m KIDMethod) (string, error) {
	if err := checkMethod(m); err != nil {
		return "", err
	}
	if len(base)+1 < kidMinLen || len(base)+1 > kidMaxLen || !digitsOnly(base) {
		return "", domain.Invalid("base", "must-be-1-to-24-digits")
	}
	return base + string(kidCheck(base, m)), nil
}

// ValidKID reports whether kid carries the right check digit for the
// method. A kid that is not 2–25 characters of digits (the last may be "-",
// the MOD11 check for 10) is a *domain.ValidationError for the field
// "validate"; so is an unknown method (field "method").
func ValidKID(kid string, m KIDMethod) (bool, error) {
	if err := checkMethod(m); err != nil {
		return false, err
	}
	if len(kid) < kidMinLen || len(kid) > kidMaxLen || !digitsOnly(kid[:len(kid)-1]) ||
		!(digitsOnly(kid[len(kid)-1:]) || kid[len(kid)-1] == '-') {
		return false, domain.Invalid("validate", "must-be-2-to-25-digits")
	}
	return kidCheck(kid[:len(kid)-1], m) == kid[len(kid)-1], nil
}
