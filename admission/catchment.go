package admission

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/oppvekst/oppvekst/domain"
)

// This file is the municipality's catchment areas (skolekretser): which
// school a child belongs to by its registered street address. The table is
// municipal data, kept as a list of streets with ranges of house numbers
// (odd, even or both sides), each naming a school. All of it is pure.

// Reason codes of the catchment table and its lookups.
const (
	// ReasonCatchmentOverlap: the row covers house numbers an earlier row
	// for the same street and side already covers.
	ReasonCatchmentOverlap = "catchment-overlap"
	// ReasonCatchmentRange: the first house number is above the last, or a
	// number is below 1 or above MaxHouseNumber.
	ReasonCatchmentRange = "catchment-range"
	// ReasonCatchmentSide: the side is not one of Side's values.
	ReasonCatchmentSide = "catchment-side"
	// ReasonCatchmentNoSchool: the row names no school of the municipality.
	ReasonCatchmentNoSchool = "catchment-no-such-school"
	// ReasonCatchmentNotSchool: the unit the row names is not a school.
	ReasonCatchmentNotSchool = "catchment-not-a-school"
	// ReasonCatchmentStreet: the street name is missing or not one line.
	ReasonCatchmentStreet = "catchment-street"

	// ReasonNoStreetAddress: the address is a cadastral address or none;
	// no catchment area covers it.
	ReasonNoStreetAddress = "catchment-no-street-address"
	// ReasonUnreadableStreet: the street address has no house number the
	// lookup can read.
	ReasonUnreadableStreet = "catchment-unreadable-street"
	// ReasonNoCatchmentRow: no row of the table covers the address.
	ReasonNoCatchmentRow = "catchment-no-match"
	// ReasonOtherMunicipality: the address lies in another municipality.
	ReasonOtherMunicipality = "catchment-other-municipality"
)

// MaxHouseNumber is the highest house number a catchment row may name (an
// open range ends there).
const MaxHouseNumber = 9999

// Side is which house numbers of a street a catchment row covers.
type Side string

// The sides.
const (
	SideAll  Side = "all"
	SideOdd  Side = "odd"
	SideEven Side = "even"
)

// Valid reports whether the side is one of the three.
func (s Side) Valid() bool { return s == SideAll || s == SideOdd || s == SideEven }

// covers reports whether house number n is on the side.
func (s Side) covers(n int) bool {
	switch s {
	case SideOdd:
		return n%2 == 1
	case SideEven:
		return n%2 == 0
	}
	return true
}

// overlaps reports whether two sides share a house number.
func (s Side) overlaps(t Side) bool { return s == SideAll || t == SideAll || s == t }

// CatchmentRow is one line of the table: house numbers From to To
// (inclusive) of Street on Side belong to the school Unit.
type CatchmentRow struct {
	Street string        `json:"street"`
	From   int           `json:"from"`
	To     int           `json:"to"`
	Side   Side          `json:"side"`
	Unit   domain.UnitID `json:"unit"`
}

// Catchment is a municipality's catchment table. It is replaced whole
// (ReplaceCatchment), never edited row by row.
type Catchment struct {
	Municipality domain.Municipality `json:"municipality"`
	Rows         []CatchmentRow      `json:"rows"`
	// Changed and ChangedBy say who loaded it, when.
	Changed   time.Time `json:"changed,omitzero"`
	ChangedBy string    `json:"changedBy,omitempty"`
}

// StreetKey is the form of a street name the table is matched by: letters
// folded to lower case, spaces trimmed and runs of spaces made one. The
// name is otherwise kept as written ("Storgata" and "Storgate" are two
// streets; the table must use the register's spelling).
func StreetKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// Validate checks the table on its own: every row with a street, a range
// from 1 to MaxHouseNumber with From not above To, a known side and a
// unit; no two rows of the same street (StreetKey) whose sides and ranges
// share a house number (the later row is refused, field
// "rows[i].from", ReasonCatchmentOverlap).
func (c Catchment) Validate() error {
	var p domain.Problems
	p.Merge("", c.Municipality.Validate())
	p.Merge("", domain.CheckLine("changedBy", c.ChangedBy))
	for i, r := range c.Rows {
		f := fmt.Sprintf("rows[%d]", i)
		if err := domain.CheckLine(f+".street", r.Street); err != nil || domain.Blank(r.Street) || len(r.Street) > 200 {
			p.Add(f+".street", ReasonCatchmentStreet)
		}
		switch {
		case r.From < 1 || r.From > MaxHouseNumber:
			p.Add(f+".from", ReasonCatchmentRange)
		case r.To < 1 || r.To > MaxHouseNumber || r.From > r.To:
			p.Add(f+".to", ReasonCatchmentRange)
		}
		if !r.Side.Valid() {
			p.Add(f+".side", ReasonCatchmentSide)
		}
		if r.Unit.IsZero() {
			p.Add(f+".unit", ReasonCatchmentNoSchool)
		}
		if j := c.overlap(i); j >= 0 {
			p.Add(f+".from", ReasonCatchmentOverlap)
		}
	}
	return p.Err()
}

// overlap returns the first row before i that shares a house number with
// row i, or -1.
func (c Catchment) overlap(i int) int {
	r := c.Rows[i]
	for j, o := range c.Rows[:i] {
		if StreetKey(o.Street) != StreetKey(r.Street) || !o.Side.overlaps(r.Side) || o.To < r.From || r.To < o.From {
			continue
		}
		// The ranges meet; a shared number must be on both sides.
		for n := max(o.From, r.From); n <= min(o.To, r.To); n++ {
			if o.Side.covers(n) && r.Side.covers(n) {
				return j
			}
		}
	}
	return -1
}

// CheckCatchmentUnits checks that every row names a school of the
// municipality (field "rows[i].unit").
func CheckCatchmentUnits(c Catchment, units []domain.Unit) error {
	var p domain.Problems
	for i, r := range c.Rows {
		j := slices.IndexFunc(units, func(u domain.Unit) bool { return u.ID == r.Unit })
		switch {
		case r.Unit.IsZero():
		case j < 0:
			p.Add(fmt.Sprintf("rows[%d].unit", i), ReasonCatchmentNoSchool)
		case units[j].Kind != domain.School:
			p.Add(fmt.Sprintf("rows[%d].unit", i), ReasonCatchmentNotSchool)
		}
	}
	return p.Err()
}

// StreetAddress is a street address read into its parts: "Storgata 12 B"
// is Name "Storgata", Number 12, Letter "B".
type StreetAddress struct {
	Name   string
	Number int
	Letter string
}

// ParseStreet reads a street address: the street name, a house number and
// an optional letter, with or without a space before it ("12B", "12 b";
// the letter is returned in upper case). Extra spaces are allowed; the
// name is kept as written (spaces tidied). It reports false for a text
// with no house number at the end.
func ParseStreet(s string) (StreetAddress, bool) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return StreetAddress{}, false
	}
	var letter string
	last := f[len(f)-1]
	if r := []rune(last); len(r) == 1 && unicode.IsLetter(r[0]) {
		letter, f = strings.ToUpper(last), f[:len(f)-1]
		if len(f) < 2 {
			return StreetAddress{}, false
		}
		last = f[len(f)-1]
	}
	digits := strings.TrimRightFunc(last, unicode.IsLetter)
	if rest := last[len(digits):]; rest != "" {
		if letter != "" || len([]rune(rest)) != 1 {
			return StreetAddress{}, false
		}
		letter = strings.ToUpper(rest)
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 || digits[0] == '+' {
		return StreetAddress{}, false
	}
	return StreetAddress{Name: strings.Join(f[:len(f)-1], " "), Number: n, Letter: letter}, true
}

// CatchmentMatch is the answer of a lookup, with its explanation: the
// school and the row (its index in the table) that gave it, or no school
// (Unit zero, Row -1) and the Reason why.
type CatchmentMatch struct {
	Unit   domain.UnitID `json:"unit,omitzero"`
	Row    int           `json:"row"`
	Reason string        `json:"reason,omitempty"`
}

// Found reports whether the lookup found a school.
func (m CatchmentMatch) Found() bool { return !m.Unit.IsZero() }

// Lookup finds the school whose catchment area holds the address: the row
// for its street (StreetKey) whose range and side hold its house number
// (a letter is ignored: 12 B is on number 12). A cadastral address or none
// is ReasonNoStreetAddress, an address of another municipality
// ReasonOtherMunicipality, a street text without a house number
// ReasonUnreadableStreet, and an address no row covers
// ReasonNoCatchmentRow.
func (c Catchment) Lookup(a domain.Address) CatchmentMatch {
	none := func(reason string) CatchmentMatch { return CatchmentMatch{Row: -1, Reason: reason} }
	if domain.Blank(a.Street) {
		return none(ReasonNoStreetAddress)
	}
	if a.Municipality != "" && a.Municipality != c.Municipality {
		return none(ReasonOtherMunicipality)
	}
	st, ok := ParseStreet(a.Street)
	if !ok {
		return none(ReasonUnreadableStreet)
	}
	key := StreetKey(st.Name)
	for i, r := range c.Rows {
		if StreetKey(r.Street) == key && r.From <= st.Number && st.Number <= r.To && r.Side.covers(st.Number) {
			return CatchmentMatch{Unit: r.Unit, Row: i}
		}
	}
	return none(ReasonNoCatchmentRow)
}
