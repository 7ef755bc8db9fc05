package domain

import (
	"unicode/utf8"

	"github.com/rickb777/date/v2"
)

// AddressProtection is the Folkeregister's protection of a person's address.
type AddressProtection string

// Address protection levels. Strengt fortrolig means the address, and in
// practice the name in class and group lists, must never leak.
const (
	ProtectionNone                   AddressProtection = "none"
	ProtectionFortrolig              AddressProtection = "fortrolig"
	ProtectionStrengtFortrolig       AddressProtection = "strengt-fortrolig"
	ProtectionStrengtFortroligUtland AddressProtection = "strengt-fortrolig-utland"
)

// ParseAddressProtection accepts the four levels; "" means none.
func ParseAddressProtection(s string) (AddressProtection, error) {
	switch p := AddressProtection(s); p {
	case "":
		return ProtectionNone, nil
	case ProtectionNone, ProtectionFortrolig, ProtectionStrengtFortrolig, ProtectionStrengtFortroligUtland:
		return p, nil
	}
	return "", Invalid("addressProtection", "must-be-none-fortrolig-strengt-fortrolig-or-strengt-fortrolig-utland")
}

// Protected reports whether any protection applies.
func (p AddressProtection) Protected() bool { return p != "" && p != ProtectionNone }

// Strict reports whether the level is strengt fortrolig (in Norway or abroad):
// no address, no contact details that could reveal it.
func (p AddressProtection) Strict() bool {
	return p == ProtectionStrengtFortrolig || p == ProtectionStrengtFortroligUtland
}

// Child is a child known to the municipality.
type Child struct {
	ID                ChildID           `json:"id"`
	Municipality      Municipality      `json:"municipality"`
	NationalID        NationalID        `json:"nationalId"`
	GivenName         string            `json:"givenName"`
	FamilyName        string            `json:"familyName"`
	BirthDate         date.Date         `json:"birthDate"`
	AddressProtection AddressProtection `json:"addressProtection"`
	// Address is the registered address (folkeregistrert adresse); the
	// zero Address when none is known. Who may see it follows
	// AddressProtection (package doc, "Whereabouts").
	Address Address `json:"address,omitzero"`
}

// Validate checks the child on its own (not against stored data). When a
// national ID is given, the birth date must agree with it.
func (c Child) Validate() error {
	var p Problems
	checkRecord(&p, c.ID.IsZero(), c.Municipality)
	checkName(&p, "givenName", c.GivenName)
	checkName(&p, "familyName", c.FamilyName)
	if c.BirthDate == date.Zero {
		p.Add("birthDate", "required")
	}
	if !c.NationalID.IsZero() && c.BirthDate != date.Zero && !c.NationalID.MatchesBirthDate(c.BirthDate) {
		p.Add("birthDate", "does-not-match-the-national-id")
	}
	if _, err := ParseAddressProtection(string(c.AddressProtection)); err != nil {
		p.Merge("", err)
	}
	p.Merge("address", c.Address.Validate())
	return p.Err()
}

// ValidateAt is Validate and, in addition, refuses a birth date after today
// (ReasonFuture): the check for a child given as input. Take today from
// the injected Clock (Today(clock)); a store, which has no clock, calls
// Validate.
func (c Child) ValidateAt(today date.Date) error {
	var p Problems
	p.Merge("", c.Validate())
	p.Merge("", CheckBirthDate("birthDate", c.BirthDate, today))
	return p.Err()
}

// Guardian is a parent or other person who may have parental responsibility
// for a child.
type Guardian struct {
	ID                GuardianID        `json:"id"`
	Municipality      Municipality      `json:"municipality"`
	NationalID        NationalID        `json:"nationalId"`
	GivenName         string            `json:"givenName"`
	FamilyName        string            `json:"familyName"`
	Email             string            `json:"email,omitempty"`
	Phone             string            `json:"phone,omitempty"`
	AddressProtection AddressProtection `json:"addressProtection"`
	// Address is the registered address, as for Child.
	Address Address `json:"address,omitzero"`
}

// Validate checks the guardian on its own.
func (g Guardian) Validate() error {
	var p Problems
	checkRecord(&p, g.ID.IsZero(), g.Municipality)
	checkName(&p, "givenName", g.GivenName)
	checkName(&p, "familyName", g.FamilyName)
	checkEmail(&p, "email", g.Email)
	checkPhone(&p, "phone", g.Phone)
	if _, err := ParseAddressProtection(string(g.AddressProtection)); err != nil {
		p.Merge("", err)
	}
	p.Merge("address", g.Address.Validate())
	return p.Err()
}

// Guardianship links a guardian to a child and says what the guardian may
// know (barneloven §§ 30 and 47).
type Guardianship struct {
	Municipality Municipality `json:"municipality"`
	ChildID      ChildID      `json:"childId"`
	GuardianID   GuardianID   `json:"guardianId"`
	// ParentalResponsibility is foreldreansvar: full access and decisions.
	ParentalResponsibility bool `json:"parentalResponsibility"`
	// LivesWithChild: the child lives (also) with this guardian.
	LivesWithChild bool `json:"livesWithChild"`
	// InformationRequested: a parent without parental responsibility has asked
	// for information under barneloven § 47.
	InformationRequested bool `json:"informationRequested"`
	// InformationDenied: the unit has decided that giving information would
	// harm the child (an appealable decision).
	InformationDenied bool `json:"informationDenied"`
}

// Validate checks the guardianship on its own.
func (g Guardianship) Validate() error {
	var p Problems
	if err := g.Municipality.Validate(); err != nil {
		p.Merge("", err)
	}
	if g.ChildID.IsZero() {
		p.Add("childId", "required")
	}
	if g.GuardianID.IsZero() {
		p.Add("guardianId", "required")
	}
	return p.Err()
}

// ReceivesInformation reports whether the guardian may be told about the
// child: parental responsibility, or a § 47 request; never after a denial.
func (g Guardianship) ReceivesInformation() bool {
	if g.InformationDenied {
		return false
	}
	return g.ParentalResponsibility || g.InformationRequested
}

func checkRecord(p *Problems, zeroID bool, m Municipality) {
	if zeroID {
		p.Add("id", "required")
	}
	if err := m.Validate(); err != nil {
		p.Merge("", err)
	}
}

// checkName requires a single line of text (see CheckLine and Blank) of at
// most 200 characters.
func checkName(p *Problems, field, s string) {
	if err := CheckLine(field, s); err != nil {
		p.Merge("", err)
		return
	}
	switch {
	case Blank(s):
		p.Add(field, "required")
	case utf8.RuneCountInString(s) > 200:
		p.Add(field, "longer-than", "max", "200")
	}
}

func validPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r == '+' && i == 0:
		case r >= '0' && r <= '9':
			digits++
		case r == ' ':
		default:
			return false
		}
	}
	return digits >= 8 && digits <= 15
}
