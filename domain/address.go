package domain

import (
	"context"
	"unicode/utf8"
)

// Address is a Norwegian postal address: a street address ("Storgata 1")
// or, where a place has none, a cadastral address (matrikkeladresse,
// "gnr. 12 bnr. 34"), with the postcode, the post town and the
// municipality it lies in.
//
// A unit's address is public. The type is the same for a person's
// registered address, whose visibility is decided by the person's
// AddressProtection, never by the address itself: a caller that holds a
// protected person's address must not show it (see the package doc,
// "Whereabouts").
type Address struct {
	Street       string       `json:"street,omitempty"`
	Cadastral    string       `json:"cadastral,omitempty"`
	Postcode     string       `json:"postcode,omitempty"`
	PostTown     string       `json:"postTown,omitempty"`
	Municipality Municipality `json:"municipality,omitempty"`
}

// ShownAddress is a person's registered address as far as it may be shown,
// exported, printed (on a letter, an invoice) or handed to a transport:
// the address itself when the person has no address protection, the zero
// Address when it has any (fortrolig, strengt fortrolig, in Norway or
// abroad) — whoever asks, the person included (package doc,
// "Whereabouts"). Every place that gives a person's address out goes
// through it.
func ShownAddress(a Address, p AddressProtection) Address {
	if p.Protected() {
		return Address{}
	}
	return a
}

// ShownAddress is the child's registered address as far as it may be
// shown (the package function ShownAddress).
func (c Child) ShownAddress() Address { return ShownAddress(c.Address, c.AddressProtection) }

// ShownAddress is the guardian's registered address as far as it may be
// shown (the package function ShownAddress).
func (g Guardian) ShownAddress() Address { return ShownAddress(g.Address, g.AddressProtection) }

// Reason codes of address and contact checks.
const (
	// ReasonPostcode: a postcode is four digits.
	ReasonPostcode = "not-a-postcode"
	// ReasonStreetOrCadastral: an address needs a street address or a
	// cadastral address.
	ReasonStreetOrCadastral = "street-or-cadastral"
	// ReasonEmail: the value is not an e-mail address.
	ReasonEmail = "not-an-email"
	// ReasonPhone: the value is not a phone number (8 to 15 digits, an
	// optional leading +, spaces allowed).
	ReasonPhone = "not-a-phone"
	// ReasonRequired: a value that must be given is missing.
	ReasonRequired = "required"
	// ReasonTooLong: a text is longer than 200 characters.
	ReasonTooLong = "too-long"
)

// IsZero reports whether no part of the address is given.
func (a Address) IsZero() bool { return a == Address{} }

// Validate checks an address that is given: a street or cadastral
// address, a postcode of four digits, a post town, and, when given, a
// valid municipality number. The zero Address (no address) passes; the
// field names are relative ("street", "postcode"), for Problems.Merge with
// the address's own field name.
func (a Address) Validate() error {
	if a.IsZero() {
		return nil
	}
	var p Problems
	checkOptionalLine(&p, "street", a.Street)
	checkOptionalLine(&p, "cadastral", a.Cadastral)
	if Blank(a.Street) && Blank(a.Cadastral) && CheckLine("street", a.Street) == nil && CheckLine("cadastral", a.Cadastral) == nil {
		p.Add("street", ReasonStreetOrCadastral)
	}
	if err := CheckLine("postcode", a.Postcode); err != nil {
		p.Merge("", err)
	} else if !fourDigits(a.Postcode) {
		p.Add("postcode", ReasonPostcode)
	}
	if err := CheckLine("postTown", a.PostTown); err != nil {
		p.Merge("", err)
	} else if Blank(a.PostTown) {
		p.Add("postTown", ReasonRequired)
	} else if utf8.RuneCountInString(a.PostTown) > 200 {
		p.Add("postTown", ReasonTooLong)
	}
	if a.Municipality != "" {
		if err := a.Municipality.Validate(); err != nil {
			p.Add("municipality", ReasonMunicipality)
		}
	}
	return p.Err()
}

// Contact is how a unit is reached: a phone number and an e-mail address,
// each optional.
type Contact struct {
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// Validate checks the phone number and the e-mail address (field names
// "phone" and "email").
func (c Contact) Validate() error {
	var p Problems
	checkPhone(&p, "phone", c.Phone)
	checkEmail(&p, "email", c.Email)
	return p.Err()
}

// ReasonMunicipality: the value is not a municipality number (four digits).
const ReasonMunicipality = "not-a-municipality"

func fourDigits(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := range 4 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkOptionalLine checks a single line that may be empty, of at most 200
// characters.
func checkOptionalLine(p *Problems, field, s string) {
	if err := CheckLine(field, s); err != nil {
		p.Merge("", err)
	} else if utf8.RuneCountInString(s) > 200 {
		p.Add(field, ReasonTooLong)
	}
}

// checkEmail checks an optional e-mail address.
func checkEmail(p *Problems, field, s string) {
	if err := CheckLine(field, s); err != nil {
		p.Merge("", err)
	} else if s != "" && !validEmail(s) {
		p.Add(field, ReasonEmail)
	}
}

// checkPhone checks an optional phone number.
func checkPhone(p *Problems, field, s string) {
	if err := CheckLine(field, s); err != nil {
		p.Merge("", err)
	} else if s != "" && !validPhone(s) {
		p.Add(field, ReasonPhone)
	}
}

func validEmail(s string) bool {
	local, host, ok := cutLast(s, '@')
	if !ok || local == "" || host == "" || len(s) > 254 {
		return false
	}
	for _, r := range s {
		if r == ' ' || r == '\t' {
			return false
		}
	}
	return true
}

func cutLast(s string, sep byte) (string, string, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// rank orders the protection levels by strictness.
func (p AddressProtection) rank() int {
	switch p {
	case ProtectionFortrolig:
		return 1
	case ProtectionStrengtFortroligUtland:
		return 2
	case ProtectionStrengtFortrolig:
		return 3
	}
	return 0
}

// Stricter returns the stricter of two protection levels (strengt
// fortrolig over strengt fortrolig utland over fortrolig over none).
func (p AddressProtection) Stricter(q AddressProtection) AddressProtection {
	if q.rank() > p.rank() {
		return q
	}
	if p == "" {
		return ProtectionNone
	}
	return p
}

// HouseholdProtection is the protection that governs a guardian's
// registered address: the guardian's own level or, when stricter, that of
// a child the guardian lives with (Guardianship.LivesWithChild) or who is
// registered at the same address. A protected child's address is the
// home it shares, so showing the guardian's address would show the
// child's. wards are the guardian's guardianships, children the children
// they name (missing ones are skipped).
func HouseholdProtection(g Guardian, wards []Guardianship, children map[ChildID]Child) AddressProtection {
	p := g.AddressProtection.Stricter(ProtectionNone)
	for _, w := range wards {
		c, ok := children[w.ChildID]
		if !ok {
			continue
		}
		if w.LivesWithChild || (!g.Address.IsZero() && c.Address == g.Address) {
			p = p.Stricter(c.AddressProtection)
		}
	}
	return p
}

// ChildHouseholdProtection is the protection that governs the record's
// child's registered address: the child's own level or, when stricter,
// that of a guardian the child lives with or who is registered at the
// same address.
func (r ChildRecord) ChildHouseholdProtection() AddressProtection {
	p := r.Child.AddressProtection.Stricter(ProtectionNone)
	for _, l := range r.Guardians {
		if l.Guardianship.LivesWithChild || (!r.Child.Address.IsZero() && l.Guardian.Address == r.Child.Address) {
			p = p.Stricter(l.Guardian.AddressProtection)
		}
	}
	return p
}

// GuardianHousehold reads what HouseholdProtection needs through the
// directory and returns the protection that governs the guardian's
// address.
func GuardianHousehold(ctx context.Context, r DirectoryReader, g Guardian) (AddressProtection, error) {
	wards, err := r.Wards(ctx, g.Municipality, g.ID)
	if err != nil {
		return "", err
	}
	children := make(map[ChildID]Child, len(wards))
	for _, w := range wards {
		c, err := r.Child(ctx, g.Municipality, w.ChildID)
		if err != nil {
			if IsNotFound(err) {
				continue
			}
			return "", err
		}
		children[c.ID] = c
	}
	return HouseholdProtection(g, wards, children), nil
}

// GuardianHouseholds is GuardianHousehold for many guardians in three
// reads however many they are (their wards, and the wards' records): the
// protection that governs each guardian's registered address.
func GuardianHouseholds(ctx context.Context, r DirectoryReader, m Municipality, gs []Guardian) (map[GuardianID]AddressProtection, error) {
	ids := make([]GuardianID, len(gs))
	for i, g := range gs {
		ids[i] = g.ID
	}
	wards, err := r.WardsOf(ctx, m, ids)
	if err != nil {
		return nil, err
	}
	byGuardian := map[GuardianID][]Guardianship{}
	var cids []ChildID
	for _, w := range wards {
		byGuardian[w.GuardianID] = append(byGuardian[w.GuardianID], w)
		cids = append(cids, w.ChildID)
	}
	cs, err := r.ChildrenByID(ctx, m, cids)
	if err != nil {
		return nil, err
	}
	children := make(map[ChildID]Child, len(cs))
	for _, c := range cs {
		children[c.ID] = c
	}
	out := make(map[GuardianID]AddressProtection, len(gs))
	for _, g := range gs {
		out[g.ID] = HouseholdProtection(g, byGuardian[g.ID], children)
	}
	return out, nil
}
