package domain

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/rickb777/date/v2"
)

// Transactor runs a function inside one transaction.
//
// Every port call made with the ctx passed to fn joins that transaction,
// across capabilities (directory, admission, billing, ...): when fn returns an
// error, nothing it wrote through any port is kept. Calling Atomic again with
// that ctx joins the running transaction instead of starting a new one.
// The ctx must not be used after fn returns.
type Transactor interface {
	Atomic(ctx context.Context, fn func(ctx context.Context) error) error
}

// atCommitKey marks a ctx whose writes may be sent with the commit.
type atCommitKey struct{}

// AtCommit returns a ctx whose writes a store may hold back and send
// together with the commit of the running transaction (Atomic), instead
// of one at a time as they are made: on a database across a network, a
// round trip less for each. Use it only for a write that nothing in the
// transaction reads back (an audit entry, a kept idempotent response).
// A held-back write is checked (Validate) when it is made; what only the
// database can refuse (a conflict) fails the commit: Atomic returns that
// error and nothing of the transaction is kept. Outside Atomic, or with a
// store that writes at once (an embedded database), it changes nothing.
// Which writes a store holds back is documented with the store.
func AtCommit(ctx context.Context) context.Context {
	return context.WithValue(ctx, atCommitKey{}, true)
}

// HeldToCommit reports whether ctx's writes may be held back to the
// commit (AtCommit).
func HeldToCommit(ctx context.Context) bool { return ctx.Value(atCommitKey{}) != nil }

// DirectoryReader reads the directory. Every method is scoped by
// municipality: a record of another municipality is ErrNotFound.
type DirectoryReader interface {
	Child(ctx context.Context, m Municipality, id ChildID) (Child, error)
	// ChildByNationalID finds a child by national identity number.
	ChildByNationalID(ctx context.Context, m Municipality, n NationalID) (Child, error)
	// Children lists the municipality's children, sorted by SortChildren.
	Children(ctx context.Context, m Municipality) ([]Child, error)
	// ChildrenByID reads the children with the given IDs in one read (the
	// rows of a page), sorted by SortChildren. An ID the municipality has
	// no child for is left out; no IDs is an empty list.
	ChildrenByID(ctx context.Context, m Municipality, ids []ChildID) ([]Child, error)
	// ChildrenPage reads one keyset page of the municipality's children in
	// ID order: at most q.Limit of those after q.After that q's search
	// finds (ChildQuery.Matches), searched in the store, never a read of
	// every child.
	ChildrenPage(ctx context.Context, m Municipality, q ChildQuery) ([]Child, error)

	Guardian(ctx context.Context, m Municipality, id GuardianID) (Guardian, error)
	GuardianByNationalID(ctx context.Context, m Municipality, n NationalID) (Guardian, error)
	// GuardiansByID reads the guardians with the given IDs in one read (the
	// rows of a page), sorted by ID. An ID the municipality has no guardian
	// for is left out; no IDs is an empty list.
	GuardiansByID(ctx context.Context, m Municipality, ids []GuardianID) ([]Guardian, error)
	// Guardianships lists the guardians of a child, sorted by guardian ID.
	Guardianships(ctx context.Context, m Municipality, child ChildID) ([]Guardianship, error)
	// Wards lists the guardianships of a guardian (its children), sorted by
	// child ID.
	Wards(ctx context.Context, m Municipality, guardian GuardianID) ([]Guardianship, error)
	// WardsOf lists the guardianships of all the given guardians in one
	// read (the payers of a page), sorted by SortGuardianships; no IDs is an
	// empty list.
	WardsOf(ctx context.Context, m Municipality, guardians []GuardianID) ([]Guardianship, error)

	Unit(ctx context.Context, m Municipality, id UnitID) (Unit, error)
	// Units lists the municipality's units, sorted by SortUnits.
	Units(ctx context.Context, m Municipality) ([]Unit, error)
	Group(ctx context.Context, m Municipality, id GroupID) (Group, error)
	// Groups lists the groups of a unit, sorted by SortGroups.
	Groups(ctx context.Context, m Municipality, unit UnitID) ([]Group, error)
	// AllGroups lists the groups of every unit of the municipality in one
	// read (an overview of all units), sorted by SortGroups.
	AllGroups(ctx context.Context, m Municipality) ([]Group, error)

	Placement(ctx context.Context, m Municipality, id PlacementID) (Placement, error)
	// Placements lists a child's placements, sorted by SortPlacements.
	Placements(ctx context.Context, m Municipality, child ChildID) ([]Placement, error)
	// UnitPlacements lists the placements in a unit that share at least one
	// day with the period, sorted by SortPlacements. A period without a
	// start, or ending before it starts, is a *ValidationError.
	UnitPlacements(ctx context.Context, m Municipality, unit UnitID, within Period) ([]Placement, error)
	// PlacementsWithin lists the placements in every unit of the
	// municipality that share at least one day with the period, in one read
	// (a report over all units), sorted by SortPlacements; the period as for
	// UnitPlacements.
	PlacementsWithin(ctx context.Context, m Municipality, within Period) ([]Placement, error)
	// PlacedOn counts, in one read, the children placed on the day in each
	// unit of the municipality and, within the unit, each group (a zero
	// Group: placed in no group), for lists of units; a unit with no one
	// placed that day is left out. Sorted by unit, then group (ID order).
	PlacedOn(ctx context.Context, m Municipality, day date.Date) ([]Placed, error)

	// ChildRecord reads a child with its guardians and placements in one call.
	ChildRecord(ctx context.Context, m Municipality, id ChildID) (ChildRecord, error)
}

// Directory is the store port for the directory: children, guardians,
// guardianships, units, groups and placements.
//
// Writes validate their input first (a *ValidationError naming the field,
// nothing written), check references against stored data (CheckPlacement and
// friends), and report clashes as a *ConflictError: a duplicate ID or national
// ID, or overlapping placements of the same kind for one child (field
// "period"). Updating or deleting a record that does not exist in the
// municipality is ErrNotFound.
type Directory interface {
	DirectoryReader

	CreateChild(ctx context.Context, c Child) error
	UpdateChild(ctx context.Context, c Child) error
	CreateGuardian(ctx context.Context, g Guardian) error
	UpdateGuardian(ctx context.Context, g Guardian) error
	// PutGuardianship creates the link or replaces its flags.
	PutGuardianship(ctx context.Context, g Guardianship) error
	DeleteGuardianship(ctx context.Context, m Municipality, child ChildID, guardian GuardianID) error
	CreateUnit(ctx context.Context, u Unit) error
	UpdateUnit(ctx context.Context, u Unit) error
	CreateGroup(ctx context.Context, g Group) error
	UpdateGroup(ctx context.Context, g Group) error
	CreatePlacement(ctx context.Context, p Placement) error
	UpdatePlacement(ctx context.Context, p Placement) error
	DeletePlacement(ctx context.Context, m Municipality, id PlacementID) error
}

// Store is what one adapter (SQLite, PostgreSQL) offers: every store
// port and the transactions that span them.
type Store interface {
	Directory
	Transactor
}

// Placed is how many children are placed in a unit's group on a day
// (DirectoryReader.PlacedOn); a zero Group is those placed in no group.
type Placed struct {
	Unit     UnitID
	Group    GroupID
	Children int
}

// SortPlaced sorts counts by unit, then group (ID order).
func SortPlaced(ps []Placed) {
	slices.SortFunc(ps, func(a, b Placed) int { return cmp.Or(a.Unit.Compare(b.Unit), a.Group.Compare(b.Group)) })
}

// ChildRecord is a child with its guardians and placements.
type ChildRecord struct {
	Child      Child          `json:"child"`
	Guardians  []GuardianLink `json:"guardians"`
	Placements []Placement    `json:"placements"`
}

// GuardianLink is a guardian as seen from one child.
type GuardianLink struct {
	Guardian     Guardian     `json:"guardian"`
	Guardianship Guardianship `json:"guardianship"`
}

// CheckUnit checks a unit against stored data: an SFO's parent must be a
// school of the same municipality.
func CheckUnit(ctx context.Context, d DirectoryReader, u Unit) error {
	if u.Parent.IsZero() {
		return nil
	}
	parent, err := d.Unit(ctx, u.Municipality, u.Parent)
	if err != nil {
		return refError(err, "parent", "no-such-unit")
	}
	if parent.Kind != School {
		return Invalid("parent", "the-parent-of-an-sfo-must-be-a-school")
	}
	return nil
}

// CheckGroup checks a group against stored data: its unit exists, and the
// group fits it (an age group only in a kindergarten, grades only in a
// school or SFO and among the unit's, no closing date after the unit's).
func CheckGroup(ctx context.Context, d DirectoryReader, g Group) error {
	u, err := d.Unit(ctx, g.Municipality, g.UnitID)
	if err != nil {
		return refError(err, "unitId", "no-such-unit")
	}
	var p Problems
	checkGroupFits(&p, g, u)
	return p.Err()
}

// allTime is a period that every placement shares a day with (date.Zero,
// 0001-01-01, means "no start").
var allTime = Period{Start: date.New(1, 1, 2)}

// CheckUnitUpdate checks a change to a stored unit (ErrNotFound when there
// is none): CheckUnit, every group still fits the unit (a *ValidationError
// on "kind" or "grades" naming what no longer fits), and no placement is
// orphaned (UnitOrphans, an *OrphanError).
func CheckUnitUpdate(ctx context.Context, d DirectoryReader, u Unit) error {
	old, err := d.Unit(ctx, u.Municipality, u.ID)
	if err != nil {
		return err
	}
	if err := CheckUnit(ctx, d, u); err != nil {
		return err
	}
	groups, err := d.Groups(ctx, u.Municipality, u.ID)
	if err != nil {
		return err
	}
	var p Problems
	for _, g := range groups {
		var gp Problems
		checkGroupFits(&gp, g, u)
		if gp.Err() != nil {
			field := "grades"
			if u.Kind != old.Kind {
				field = "kind"
			}
			if u.ClosingDate != old.ClosingDate && !slices.ContainsFunc(gp.fields, func(f FieldError) bool { return f.Field != "closingDate" }) {
				field = "closingDate"
			}
			p.Add(field, "the-group-would-no-longer-fit", "name", fmt.Sprint(g.Name))
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	placements, err := d.UnitPlacements(ctx, u.Municipality, u.ID, allTime)
	if err != nil {
		return err
	}
	if field, orphans := UnitOrphans(old, u, placements); len(orphans) > 0 {
		return &OrphanError{Field: field, Placements: orphans}
	}
	return nil
}

// CheckGroupUpdate checks a change to a stored group (ErrNotFound when
// there is none): CheckGroup, and no placement is orphaned (GroupOrphans,
// an *OrphanError).
func CheckGroupUpdate(ctx context.Context, d DirectoryReader, g Group) error {
	old, err := d.Group(ctx, g.Municipality, g.ID)
	if err != nil {
		return err
	}
	if err := CheckGroup(ctx, d, g); err != nil {
		return err
	}
	all, err := d.UnitPlacements(ctx, g.Municipality, old.UnitID, allTime)
	if err != nil {
		return err
	}
	var placements []Placement
	for _, p := range all {
		if p.GroupID == g.ID {
			placements = append(placements, p)
		}
	}
	if field, orphans := GroupOrphans(old, g, placements); len(orphans) > 0 {
		return &OrphanError{Field: field, Placements: orphans}
	}
	return nil
}

// CheckGuardianship checks that child and guardian exist.
func CheckGuardianship(ctx context.Context, d DirectoryReader, g Guardianship) error {
	if _, err := d.Child(ctx, g.Municipality, g.ChildID); err != nil {
		return refError(err, "childId", "no-such-child")
	}
	if _, err := d.Guardian(ctx, g.Municipality, g.GuardianID); err != nil {
		return refError(err, "guardianId", "no-such-guardian")
	}
	return nil
}

// CheckPlacement checks a placement against stored data: the child and unit
// exist in the municipality, the placement's kind is the unit's kind, and the
// group (if any) belongs to the unit, and the placement does not run past
// the closing date of the unit or group (ReasonUnitClosed on "period.end").
// Overlaps are the store's to refuse.
func CheckPlacement(ctx context.Context, d DirectoryReader, p Placement) error {
	if _, err := d.Child(ctx, p.Municipality, p.ChildID); err != nil {
		return refError(err, "childId", "no-such-child")
	}
	u, err := d.Unit(ctx, p.Municipality, p.UnitID)
	if err != nil {
		return refError(err, "unitId", "no-such-unit")
	}
	if u.Kind != p.Kind {
		return Invalid("kind", "placement-kind-differs", "unitKind", fmt.Sprint(u.Kind), "kind", fmt.Sprint(p.Kind))
	}
	if u.ClosingDate != date.Zero && p.RunsPast(u.ClosingDate) {
		return Invalid("period.end", ReasonUnitClosed)
	}
	if !p.GroupID.IsZero() {
		g, err := d.Group(ctx, p.Municipality, p.GroupID)
		if err != nil {
			return refError(err, "groupId", "no-such-group")
		}
		if g.UnitID != p.UnitID {
			return Invalid("groupId", "the-group-belongs-to-another-unit")
		}
		if g.ClosingDate != date.Zero && p.RunsPast(g.ClosingDate) {
			return Invalid("period.end", ReasonUnitClosed)
		}
	}
	return nil
}

// OverlapConflict is the error a store returns for a placement that overlaps
// another of the same kind for the same child.
func OverlapConflict() error {
	return &ConflictError{Field: "period", Reason: "overlaps-another-placement-of-the-same-kind-for-this-child"}
}

func refError(err error, field, reason string) error {
	if IsNotFound(err) {
		return Invalid(field, reason)
	}
	return err
}

// IsNotFound reports whether err is ErrNotFound.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// CompareNB compares two names the way a Norwegian reader sorts them: case
// folded, with æ, ø and å after z in that order. Equal folded names fall back
// to byte order so the order is total.
func CompareNB(a, b string) int {
	if c := cmp.Compare(nbKey(a), nbKey(b)); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// FoldNB is the key CompareNB compares first: the name case folded, with
// æ, ø and å after z in that order. To sort many names, fold each once.
func FoldNB(s string) string { return nbKey(s) }

func nbKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch unicode.ToLower(r) {
		case 'æ', 'ä':
			return '{'
		case 'ø', 'ö':
			return '|'
		case 'å':
			return '}'
		}
		return unicode.ToLower(r)
	}, s)
}

// SortChildren orders by family name, given name (CompareNB), then ID.
// The names' folded keys are made once per child, not once per
// comparison: a municipality's tens of thousands of children sort in a
// few milliseconds.
func SortChildren(cs []Child) {
	type keyed struct {
		family, given string
		c             Child
	}
	ks := make([]keyed, len(cs))
	for i, c := range cs {
		ks[i] = keyed{nbKey(c.FamilyName), nbKey(c.GivenName), c}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.family, b.family), cmp.Compare(a.c.FamilyName, b.c.FamilyName),
			cmp.Compare(a.given, b.given), cmp.Compare(a.c.GivenName, b.c.GivenName), a.c.ID.Compare(b.c.ID))
	})
	for i := range ks {
		cs[i] = ks[i].c
	}
}

// SortUnits orders by name (CompareNB), then ID.
func SortUnits(us []Unit) {
	slices.SortFunc(us, func(a, b Unit) int { return cmp.Or(CompareNB(a.Name, b.Name), a.ID.Compare(b.ID)) })
}

// SortGroups orders by name (CompareNB), then ID.
func SortGroups(gs []Group) {
	slices.SortFunc(gs, func(a, b Group) int { return cmp.Or(CompareNB(a.Name, b.Name), a.ID.Compare(b.ID)) })
}

// SortPlacements orders by start date, then ID.
func SortPlacements(ps []Placement) {
	slices.SortFunc(ps, func(a, b Placement) int {
		return cmp.Or(cmp.Compare(a.Period.Start, b.Period.Start), a.ID.Compare(b.ID))
	})
}

// SortGuardianships orders by child ID, then guardian ID.
func SortGuardianships(gs []Guardianship) {
	slices.SortFunc(gs, func(a, b Guardianship) int {
		return cmp.Or(a.ChildID.Compare(b.ChildID), a.GuardianID.Compare(b.GuardianID))
	})
}

// OpenEnd is the date stores may write for an open-ended period where a
// column cannot be NULL or a range needs an upper bound; it is read back as
// an open end.
var OpenEnd = date.New(9999, 12, 31)
