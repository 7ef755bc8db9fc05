package conversations

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Typed identifiers.
type (
	RoundID   = domain.ID[Round]
	SlotID    = domain.ID[Slot]
	BookingID = domain.ID[Booking]
)

// Kind is what the conversation is.
type Kind string

// Kinds of conversation.
const (
	// Parent is a foreldresamtale (kindergarten).
	Parent Kind = "parent"
	// Development is a utviklingssamtale (school).
	Development Kind = "development"
)

// Limits.
const (
	MaxTitle    = 200
	MaxPlace    = 200
	MaxLink     = 500
	MaxSlots    = 200
	MaxChildren = 200
	MinMinutes  = 5
	MaxMinutes  = 240
)

// Round is a set of time slots staff publish for a group: how long each
// conversation is, where (a place or a video link), and which children
// the guardians book for.
type Round struct {
	ID           RoundID             `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Unit         domain.UnitID       `json:"unit"`
	Group        domain.GroupID      `json:"group"`
	Kind         Kind                `json:"kind"`
	Title        string              `json:"title"`
	// Minutes is the length of each conversation.
	Minutes int `json:"minutes"`
	// Place is where the conversation is held ("Avdeling Blåbær"); Link a
	// video link (https). At least one is given.
	Place string `json:"place,omitempty"`
	Link  string `json:"link,omitempty"`
	// Children are the children the guardians book for.
	Children []domain.ChildID `json:"children"`
	// BookBy is the last day to book: a child not booked when it comes
	// raises KindUnbooked to the guardians. Zero: no such reminder.
	BookBy      date.Date `json:"bookBy,omitzero"`
	PublishedBy string    `json:"publishedBy"`
	PublishedAt time.Time `json:"publishedAt"`
}

// Slot is one time in a round; it lasts the round's Minutes.
type Slot struct {
	ID           SlotID              `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Round        RoundID             `json:"round"`
	Start        time.Time           `json:"start"`
}

// End is when the slot's conversation ends.
func (s Slot) End(minutes int) time.Time { return s.Start.Add(time.Duration(minutes) * time.Minute) }

// Booking is a slot booked for a child.
type Booking struct {
	ID           BookingID           `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Round        RoundID             `json:"round"`
	Slot         SlotID              `json:"slot"`
	Child        domain.ChildID      `json:"child"`
	// Guardian is who booked (or last moved) it.
	Guardian domain.GuardianID `json:"guardian"`
	// Separate marks a separate conversation for Guardian alone (parents
	// who live apart); otherwise the booking is the child's joint one.
	Separate bool      `json:"separate,omitempty"`
	At       time.Time `json:"at"`
}

// Seat is what is unique per child and round: "" for the joint booking,
// the guardian's ID for a separate one.
func (b Booking) Seat() string {
	if b.Separate {
		return b.Guardian.String()
	}
	return ""
}

func checkLine(p *domain.Problems, field, s string, max int, required bool) {
	if strings.TrimSpace(s) == "" {
		if required {
			p.Add(field, ReasonRequired)
		}
		return
	}
	if utf8.RuneCountInString(s) > max {
		p.Add(field, ReasonTooLong, "max", strconv.Itoa(max))
		return
	}
	if err := domain.CheckLine(field, s); err != nil {
		p.Merge("", err)
	}
}

func checkRecord(p *domain.Problems, zeroID bool, m domain.Municipality) {
	if zeroID {
		p.Add("id", ReasonRequired)
	}
	if err := m.Validate(); err != nil {
		p.Merge("", err)
	}
}

// Validate checks the round on its own.
func (r Round) Validate() error {
	var p domain.Problems
	checkRecord(&p, r.ID.IsZero(), r.Municipality)
	if r.Unit.IsZero() {
		p.Add("unit", ReasonRequired)
	}
	if r.Group.IsZero() {
		p.Add("group", ReasonRequired)
	}
	if r.Kind != Parent && r.Kind != Development {
		p.Add("kind", ReasonUnknownKind)
	}
	checkLine(&p, "title", r.Title, MaxTitle, true)
	if r.Minutes < MinMinutes || r.Minutes > MaxMinutes {
		p.Add("minutes", ReasonOutOfRange, "min", strconv.Itoa(MinMinutes), "max", strconv.Itoa(MaxMinutes))
	}
	checkLine(&p, "place", r.Place, MaxPlace, false)
	checkLine(&p, "link", r.Link, MaxLink, false)
	if strings.TrimSpace(r.Place) == "" && strings.TrimSpace(r.Link) == "" {
		p.Add("place", ReasonPlaceOrLink)
	}
	if r.Link != "" && !strings.HasPrefix(r.Link, "https://") {
		p.Add("link", ReasonLinkNotHTTPS)
	}
	if len(r.Children) == 0 {
		p.Add("children", ReasonRequired)
	}
	if len(r.Children) > MaxChildren {
		p.Add("children", ReasonOutOfRange, "min", "1", "max", strconv.Itoa(MaxChildren))
	}
	for i, c := range r.Children {
		if c.IsZero() || slices.Index(r.Children, c) < i {
			p.Add(fmt.Sprintf("children[%d]", i), ReasonRequired)
		}
	}
	checkLine(&p, "publishedBy", r.PublishedBy, domain.MaxPrincipal, true)
	if r.PublishedAt.IsZero() {
		p.Add("publishedAt", ReasonRequired)
	}
	return p.Err()
}

// Has reports whether the child is in the round.
func (r Round) Has(c domain.ChildID) bool { return slices.Contains(r.Children, c) }

// Day is the calendar day of an instant in Europe/Oslo.
func Day(t time.Time) date.Date { return date.NewAt(t.In(domain.Oslo())) }

// CheckSlots checks a round's slots: at least one, at most MaxSlots, each
// of the round, sorted by start and not overlapping (one conversation
// ends before the next starts).
func CheckSlots(r Round, slots []Slot) error {
	var p domain.Problems
	if len(slots) == 0 {
		p.Add("slots", ReasonRequired)
	}
	if len(slots) > MaxSlots {
		p.Add("slots", ReasonOutOfRange, "min", "1", "max", strconv.Itoa(MaxSlots))
	}
	for i, s := range slots {
		f := fmt.Sprintf("slots[%d]", i)
		if s.ID.IsZero() || s.Start.IsZero() || s.Round != r.ID || s.Municipality != r.Municipality {
			p.Add(f, ReasonRequired)
			continue
		}
		if i > 0 && slots[i-1].End(r.Minutes).After(s.Start) {
			p.Add(f, ReasonSlotsOverlap)
		}
	}
	if r.BookBy != date.Zero && len(slots) > 0 && !slots[0].Start.IsZero() && r.BookBy > Day(slots[0].Start) {
		p.Add("bookBy", ReasonBookByAfterSlot)
	}
	return p.Err()
}

// Validate checks the booking on its own.
func (b Booking) Validate() error {
	var p domain.Problems
	checkRecord(&p, b.ID.IsZero(), b.Municipality)
	if b.Round.IsZero() {
		p.Add("round", ReasonRequired)
	}
	if b.Slot.IsZero() {
		p.Add("slot", ReasonRequired)
	}
	if b.Child.IsZero() {
		p.Add("child", ReasonRequired)
	}
	if b.Guardian.IsZero() {
		p.Add("guardian", ReasonRequired)
	}
	if b.At.IsZero() {
		p.Add("at", ReasonRequired)
	}
	return p.Err()
}
