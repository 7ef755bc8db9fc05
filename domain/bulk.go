package domain

import (
	"context"
	"fmt"

	"github.com/rickb777/date/v2"
)

// DirectoryBatch is a set of new directory records written together: a
// municipality's children, guardians, their guardianships and the
// children's placements, as a migration or a large demo seed writes them.
// Records may refer to each other and to records already stored.
type DirectoryBatch struct {
	Children      []Child
	Guardians     []Guardian
	Guardianships []Guardianship
	Placements    []Placement
}

// Len is the number of records in the batch.
func (b DirectoryBatch) Len() int {
	return len(b.Children) + len(b.Guardians) + len(b.Guardianships) + len(b.Placements)
}

// BulkDirectoryWriter writes many new directory records at once: a store
// offers it when it can write them faster than one call per record (one
// statement or prepared statement for many rows). The batch is written
// whole or not at all; CheckDirectoryBatch refuses a batch that the
// single-record writes would refuse (Create*, PutGuardianship).
type BulkDirectoryWriter interface {
	CreateDirectoryBatch(ctx context.Context, m Municipality, b DirectoryBatch) error
}

// Analyzer is a store that can refresh its query planner's statistics
// (ANALYZE). A caller that has just written many rows in bulk calls it, so
// that the next queries are planned for the data as it now is. A store
// without statistics to refresh need not offer it.
type Analyzer interface {
	Analyze(ctx context.Context) error
}

// Analyze refreshes the store's statistics when it is an Analyzer, and does
// nothing otherwise.
func Analyze(ctx context.Context, store any) error {
	if a, ok := store.(Analyzer); ok {
		return a.Analyze(ctx)
	}
	return nil
}

// CheckDirectoryBatch checks a batch for municipality m as the
// single-record writes check each record: every record is valid and of m,
// a guardianship's child and guardian and a placement's child exist (in
// the batch or in the store), a placement's unit is of its kind, its group
// belongs to the unit, and it runs past no closing date (CheckPlacement),
// no two of the batch's records share an ID or a national ID, and no two
// placements of the same kind for a child overlap, in the batch or with
// the child's stored placements. Fields are named after the record,
// "children[3].givenName". Whether an ID or national ID is already taken
// in the store is the store's to refuse (as ErrConflict).
func CheckDirectoryBatch(ctx context.Context, d DirectoryReader, m Municipality, b DirectoryBatch) error {
	var pr Problems
	children := make(map[ChildID]bool, len(b.Children))
	guardians := make(map[GuardianID]bool, len(b.Guardians))
	nationalIDs := make(map[string]bool, len(b.Children)+len(b.Guardians))
	// The first clash (an ID or national ID twice) is the answer.
	var clash error
	conflict := func(field, reason string) {
		if clash == nil {
			clash = &ConflictError{Field: field, Reason: reason}
		}
	}
	nid := func(field string, n NationalID) {
		if n.IsZero() {
			return
		}
		if nationalIDs[n.String()] {
			conflict(field+".nationalId", "is-already-registered")
		}
		nationalIDs[n.String()] = true
	}
	ofM := func(field string, got Municipality) {
		if got != m {
			pr.Add(field+".municipality", ReasonNotTheBatchsMunicipality)
		}
	}
	for i, c := range b.Children {
		f := fmt.Sprintf("children[%d]", i)
		pr.Merge(f, c.Validate())
		ofM(f, c.Municipality)
		if children[c.ID] {
			conflict(f+".id", "id-exists")
		}
		children[c.ID] = true
		nid(f, c.NationalID)
	}
	for i, g := range b.Guardians {
		f := fmt.Sprintf("guardians[%d]", i)
		pr.Merge(f, g.Validate())
		ofM(f, g.Municipality)
		if guardians[g.ID] {
			conflict(f+".id", "id-exists")
		}
		guardians[g.ID] = true
		nid(f, g.NationalID)
	}
	if err := pr.Err(); err != nil {
		return err
	}
	if clash != nil {
		return clash
	}

	// References outside the batch are read once each.
	known := map[any]error{}
	lookup := func(key any, read func() error) error {
		if err, ok := known[key]; ok {
			return err
		}
		err := read()
		known[key] = err
		return err
	}
	childExists := func(id ChildID) error {
		if children[id] {
			return nil
		}
		return lookup(id, func() error { _, err := d.Child(ctx, m, id); return err })
	}
	links := make(map[[2]string]bool, len(b.Guardianships))
	for i, g := range b.Guardianships {
		f := fmt.Sprintf("guardianships[%d]", i)
		if err := g.Validate(); err != nil {
			pr.Merge(f, err)
			continue
		}
		ofM(f, g.Municipality)
		key := [2]string{g.ChildID.String(), g.GuardianID.String()}
		if links[key] {
			conflict(f+".guardianId", "already-exists")
		}
		links[key] = true
		if err := childExists(g.ChildID); err != nil {
			pr.Merge(f, refError(err, "childId", "no-such-child"))
		}
		if !guardians[g.GuardianID] {
			err := lookup(g.GuardianID, func() error { _, err := d.Guardian(ctx, m, g.GuardianID); return err })
			if err != nil {
				pr.Merge(f, refError(err, "guardianId", "no-such-guardian"))
			}
		}
	}

	units := map[UnitID]Unit{}
	groups := map[GroupID]Group{}
	placed := map[ChildID][]Placement{}
	ids := make(map[PlacementID]bool, len(b.Placements))
	for i, p := range b.Placements {
		f := fmt.Sprintf("placements[%d]", i)
		if err := p.Validate(); err != nil {
			pr.Merge(f, err)
			continue
		}
		ofM(f, p.Municipality)
		if ids[p.ID] {
			conflict(f+".id", "id-exists")
		}
		ids[p.ID] = true
		if err := childExists(p.ChildID); err != nil {
			pr.Merge(f, refError(err, "childId", "no-such-child"))
			continue
		}
		u, ok := units[p.UnitID]
		if !ok {
			var err error
			if u, err = d.Unit(ctx, m, p.UnitID); err != nil {
				pr.Merge(f, refError(err, "unitId", "no-such-unit"))
				continue
			}
			units[p.UnitID] = u
		}
		var g *Group
		if !p.GroupID.IsZero() {
			gr, ok := groups[p.GroupID]
			if !ok {
				var err error
				if gr, err = d.Group(ctx, m, p.GroupID); err != nil {
					pr.Merge(f, refError(err, "groupId", "no-such-group"))
					continue
				}
				groups[p.GroupID] = gr
			}
			g = &gr
		}
		pr.Merge(f, checkPlacementIn(p, u, g))
		if _, ok := placed[p.ChildID]; !ok && !children[p.ChildID] {
			stored, err := d.Placements(ctx, m, p.ChildID)
			if err != nil {
				return err
			}
			placed[p.ChildID] = stored
		}
		for _, q := range placed[p.ChildID] {
			if q.Kind == p.Kind && q.Period.Overlaps(p.Period) {
				conflict(f+".period", "overlaps-another-placement-of-the-same-kind-for-this-child")
				break
			}
		}
		placed[p.ChildID] = append(placed[p.ChildID], p)
	}
	if err := pr.Err(); err != nil {
		return err
	}
	return clash
}

// ReasonNotTheBatchsMunicipality refuses a record of a batch that belongs
// to another municipality than the batch.
const ReasonNotTheBatchsMunicipality = "must-be-the-batchs-municipality"

// checkPlacementIn checks a placement against its unit and group as
// CheckPlacement does.
func checkPlacementIn(p Placement, u Unit, g *Group) error {
	if u.Kind != p.Kind {
		return Invalid("kind", "placement-kind-differs", "unitKind", fmt.Sprint(u.Kind), "kind", fmt.Sprint(p.Kind))
	}
	if u.ClosingDate != date.Zero && p.RunsPast(u.ClosingDate) {
		return Invalid("period.end", ReasonUnitClosed)
	}
	if g == nil {
		return nil
	}
	if g.UnitID != p.UnitID {
		return Invalid("groupId", "the-group-belongs-to-another-unit")
	}
	if g.ClosingDate != date.Zero && p.RunsPast(g.ClosingDate) {
		return Invalid("period.end", ReasonUnitClosed)
	}
	return nil
}
