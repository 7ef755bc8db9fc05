package domain

import (
	"database/sql/driver"
	"fmt"
)

// Municipality is a Norwegian municipality identified by its four-digit
// kommunenummer ("0301" is Oslo). Every record belongs to exactly one
// municipality and every query is scoped by it.
type Municipality string

// ParseMunicipality validates a kommunenummer: exactly four ASCII digits,
// the first two (the county) not "00".
func ParseMunicipality(s string) (Municipality, error) {
	if len(s) != 4 {
		return "", Invalid("municipality", "kommunenummer-must-be-4-digits", "value", fmt.Sprint(s))
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", Invalid("municipality", "kommunenummer-must-be-4-digits", "value", fmt.Sprint(s))
		}
	}
	if s[:2] == "00" {
		return "", Invalid("municipality", "kommunenummer-has-no-county", "value", fmt.Sprint(s))
	}
	return Municipality(s), nil
}

// MustMunicipality is ParseMunicipality for constants; it panics on bad input.
func MustMunicipality(s string) Municipality {
	m, err := ParseMunicipality(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Validate reports whether m is a well-formed kommunenummer.
func (m Municipality) Validate() error {
	_, err := ParseMunicipality(string(m))
	return err
}

// String returns the kommunenummer.
func (m Municipality) String() string { return string(m) }

// UnmarshalText validates the kommunenummer.
func (m *Municipality) UnmarshalText(b []byte) error {
	p, err := ParseMunicipality(string(b))
	if err != nil {
		return err
	}
	*m = p
	return nil
}

// Value implements driver.Valuer.
func (m Municipality) Value() (driver.Value, error) { return string(m), nil }
