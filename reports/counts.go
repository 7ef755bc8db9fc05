package reports

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// Counter is the part of a store that counts a report's children in the
// database, so that a page showing the figures reads counts, not every
// child, placement and case of the municipality (Load). Both stores
// implement it; CountBASIL and CountGSI give the figures BASIL and GSI
// give over Load's rows, and LoadPlaced the rows of one report's children.
type Counter interface {
	// PlacedCounts counts the placements of kind in force on day, each
	// with its child, by unit, the child's birth year, whether the
	// child's birthday (month and day) falls after day's, and the band of
	// bands the agreed weekly hours fall in (the index; -1 in none) or,
	// with no bands, the hours themselves. The order of the rows is not
	// defined.
	PlacedCounts(ctx context.Context, m domain.Municipality, day date.Date, kind domain.UnitKind, bands []Band) ([]PlacedCount, error)
	// Placed returns the placements that q selects and their children
	// (each child once).
	Placed(ctx context.Context, m domain.Municipality, q PlacedQuery) ([]domain.Placement, []domain.Child, error)
	// GrantedDecisions returns the granted decisions of the municipality's
	// special-education cases (DecisionsFromCases), read without the rest
	// of the cases.
	GrantedDecisions(ctx context.Context, m domain.Municipality) ([]Decision, error)
	// ChildrenByName returns one keyset page of the children q names, in
	// the order NameQuery describes, and how many of them its search
	// finds: a list of a figure's children reads the names of the
	// children it shows only.
	ChildrenByName(ctx context.Context, m domain.Municipality, q NameQuery) ([]domain.Child, int, error)
}

// NameQuery asks Counter.ChildrenByName for one page of the children
// IDs names (each once; unknown IDs and other municipalities' children
// are left out). The order: children with strictly confidential address
// protection first (no name to sort by), then by family name, given
// name (each lower-cased, with æ, ø and å after z, as domain.FoldNB for
// Norwegian letters; compared byte by byte) and ID. Search keeps the
// children whose name (never a strictly protected child's) holds every
// word of it (domain.MatchesSearch), or whose national ID starts with it
// (domain.NationalIDPrefix).
type NameQuery struct {
	IDs []domain.ChildID
	// After is the last child of the previous page (zero: the first page).
	After domain.ChildID
	// Limit is the most children returned (a list asks one more than it
	// shows); 0 or less is 1.
	Limit  int
	Search string
}

// MatchesName reports whether q's search finds child c, as
// ChildrenByName's search does.
func (q NameQuery) MatchesName(c domain.Child) bool {
	if strings.TrimSpace(q.Search) == "" {
		return true
	}
	if p := domain.NationalIDPrefix(q.Search); p != "" && !c.NationalID.IsZero() && strings.HasPrefix(c.NationalID.String(), p) {
		return true
	}
	return !c.AddressProtection.Strict() && domain.MatchesSearch(q.Search, c.GivenName, c.FamilyName)
}

// PlacedCount is one row of Counter.PlacedCounts.
type PlacedCount struct {
	Unit      domain.UnitID
	BirthYear int
	// AfterDay: the child's birthday in the year counted comes after the
	// counting day (the child has not yet had it).
	AfterDay bool
	// Band is the index of the hours band (-1: none), Hours the agreed
	// hours when counted without bands (else 0).
	Band, Hours int
	Count       int
}

// PlacedQuery selects placements for Counter.Placed: those of one of
// Kinds in force on some day of Within, of Unit (every unit when zero),
// of Children (every child when nil) and of children born from BornFrom
// to BornTo (each end open when zero).
type PlacedQuery struct {
	Kinds            []domain.UnitKind
	Within           domain.Period
	Unit             domain.UnitID
	Children         []domain.ChildID
	BornFrom, BornTo date.Date
	// Slim reads each child's ID and birth date only (what the reports
	// count by), not its names, national ID and address.
	Slim bool
}

// LoadPlaced reads the rows of the children q selects: with units (the
// municipality's, read by the caller), the placements q selects with
// their children, and of decisions those of these children. A report
// over it counts those children as it would over Load's rows (it counts
// nobody else).
func LoadPlaced(ctx context.Context, c Counter, m domain.Municipality, units []domain.Unit, q PlacedQuery, decisions []Decision) (Input, error) {
	in := Input{Units: units}
	if q.Children != nil && len(q.Children) == 0 {
		return in, nil
	}
	var err error
	if in.Placements, in.Children, err = c.Placed(ctx, m, q); err != nil {
		return Input{}, err
	}
	in.Decisions = decisionsOf(decisions, in.Children)
	return in, nil
}

// decisionsOf keeps the decisions of the children.
func decisionsOf(ds []Decision, cs []domain.Child) []Decision {
	ids := make(map[domain.ChildID]bool, len(cs))
	for _, c := range cs {
		ids[c.ID] = true
	}
	var out []Decision
	for _, d := range ds {
		if ids[d.Child] {
			out = append(out, d)
		}
	}
	return out
}

// decided are the children with a decision of one of kinds.
func decided(ds []Decision, kinds ...string) []domain.ChildID {
	seen := map[domain.ChildID]bool{}
	out := []domain.ChildID{}
	for _, d := range ds {
		if slices.Contains(kinds, d.Kind) && !seen[d.Child] {
			seen[d.Child] = true
			out = append(out, d.Child)
		}
	}
	return out
}

// CountBASIL counts BASIL from the store's counts: the same figures as
// BASIL over Load's rows, but each cell with its count only (Children is
// nil), except the special-education help and adaptation cells, which
// keep their children. The statements it makes do not grow with the
// rows: the counts, and the placements of the children with a decision.
// units are the municipality's units, decisions its granted decisions
// (Counter.GrantedDecisions).
func CountBASIL(ctx context.Context, c Counter, m domain.Municipality, units []domain.Unit, decisions []Decision, year int, r BASILRules) (BASILReport, error) {
	day := dayOf(year, r.CountMonth, r.CountDay)
	kids := decided(decisions, r.SpecialEducationHelp, r.Adaptation)
	marked, err := LoadPlaced(ctx, c, m, units, PlacedQuery{Kinds: []domain.UnitKind{domain.Kindergarten}, Within: domain.Period{Start: day, End: day}, Children: kids, Slim: true}, decisions)
	if err != nil {
		return BASILReport{}, err
	}
	counts, err := c.PlacedCounts(ctx, m, day, domain.Kindergarten, r.HoursBands)
	if err != nil {
		return BASILReport{}, err
	}
	return BASILCounted(marked, counts, year, r)
}

// BASILCounted is BASIL with the children counted by counts
// (Counter.PlacedCounts of kindergarten placements on the counting day,
// by r.HoursBands): marked holds the units and the children with a
// decision (with their placements and decisions), from which the help
// and adaptation cells are counted as BASIL counts them.
func BASILCounted(marked Input, counts []PlacedCount, year int, r BASILRules) (BASILReport, error) {
	rep, err := BASIL(marked, year, r)
	if err != nil {
		return rep, err
	}
	byUnit := make(map[domain.UnitID]*BASILUnit, len(rep.Units))
	for i := range rep.Units {
		u := &rep.Units[i]
		u.Children = Cell{}
		for _, cl := range u.ByAge {
			*cl = Cell{}
		}
		for _, bs := range u.ByAgeAndHours {
			for _, cl := range bs {
				*cl = Cell{}
			}
		}
		byUnit[u.Unit] = u
	}
	for _, n := range counts {
		bu, ok := byUnit[n.Unit]
		if !ok {
			continue
		}
		age := rep.Day.Year() - n.BirthYear
		if r.AgeRule == AgeCompletedOnCountDay && n.AfterDay {
			age--
		}
		k := strconv.Itoa(min(max(age, 0), r.MaxAge))
		bu.Children.Count += n.Count
		bu.ByAge[k].Count += n.Count
		if n.Band >= 0 && n.Band < len(r.HoursBands) {
			bu.ByAgeAndHours[k][r.HoursBands[n.Band].Key].Count += n.Count
		}
	}
	return rep, nil
}

// CountGSI counts GSI from the store's counts, as CountBASIL counts
// BASIL: the pupils by grade and hours from counts, the individually
// adapted education (with its children and hours) from the pupils with
// such a decision.
func CountGSI(ctx context.Context, c Counter, m domain.Municipality, units []domain.Unit, decisions []Decision, y domain.SchoolYear, r GSIRules) (GSIReport, error) {
	day := dayOf(int(y), r.CountMonth, r.CountDay)
	kids := decided(decisions, r.AdaptedEducation)
	marked, err := LoadPlaced(ctx, c, m, units, PlacedQuery{Kinds: []domain.UnitKind{domain.School, domain.SFO}, Within: domain.Period{Start: day, End: day}, Children: kids, Slim: true}, decisions)
	if err != nil {
		return GSIReport{}, err
	}
	school, err := c.PlacedCounts(ctx, m, day, domain.School, nil)
	if err != nil {
		return GSIReport{}, err
	}
	sfo, err := c.PlacedCounts(ctx, m, day, domain.SFO, r.SFOHoursBands)
	if err != nil {
		return GSIReport{}, err
	}
	return GSICounted(marked, school, sfo, y, r)
}

// GSICounted is GSI with the pupils counted by school and sfo
// (Counter.PlacedCounts of school placements, and of SFO placements by
// r.SFOHoursBands, on the counting day); marked holds the units and the
// pupils with a decision, from which individually adapted education is
// counted as GSI counts it.
func GSICounted(marked Input, school, sfo []PlacedCount, y domain.SchoolYear, r GSIRules) (GSIReport, error) {
	rep, err := GSI(marked, y, r)
	if err != nil {
		return rep, err
	}
	byUnit := make(map[domain.UnitID]*GSIUnit, len(rep.Units))
	for i := range rep.Units {
		u := &rep.Units[i]
		u.Pupils = Cell{}
		u.ByGrade = map[string]*Cell{}
		if u.Kind == domain.SFO {
			u.ByHours = map[string]*Cell{}
			for _, b := range r.SFOHoursBands {
				u.ByHours[b.Key] = &Cell{}
			}
		}
		byUnit[u.Unit] = u
	}
	add := func(counts []PlacedCount, kind domain.UnitKind) {
		for _, n := range counts {
			gu, ok := byUnit[n.Unit]
			if !ok || gu.Kind != kind {
				continue
			}
			g := gradeKey(int(y)-n.BirthYear-(r.SchoolStartAge-1), kind)
			gu.Pupils.Count += n.Count
			cellOf(gu.ByGrade, g).Count += n.Count
			if kind != domain.SFO {
				continue
			}
			k := ""
			switch {
			case len(r.SFOHoursBands) == 0:
				k = "h" + strconv.Itoa(n.Hours)
			case n.Band >= 0 && n.Band < len(r.SFOHoursBands):
				k = r.SFOHoursBands[n.Band].Key
			}
			if k != "" {
				cellOf(gu.ByHours, k).Count += n.Count
			}
		}
	}
	add(school, domain.School)
	add(sfo, domain.SFO)
	return rep, nil
}

// Figures are a report's counts by unit and cell ("<unit>/<cell>", the
// cells named as the pages name them: children, help, adaptation, age.N,
// age.N.band), for comparing two countings of the same rows. Cells that
// count nobody are left out.
func (rep BASILReport) Figures() map[string]int {
	out := map[string]int{}
	put := func(u domain.UnitID, k string, c *Cell) {
		if c != nil && c.Count != 0 {
			out[u.String()+"/"+k] = c.Count
		}
	}
	for _, u := range rep.Units {
		put(u.Unit, "children", &u.Children)
		put(u.Unit, "help", &u.SpecialEducationHelp)
		put(u.Unit, "adaptation", &u.Adaptation)
		for a, c := range u.ByAge {
			put(u.Unit, "age."+a, c)
			for b, c := range u.ByAgeAndHours[a] {
				put(u.Unit, "age."+a+"."+b, c)
			}
		}
	}
	return out
}

// Figures are the report's counts by unit and cell (pupils, adapted,
// grade.G, hours.H, adaptedGrade.G, and adaptedHours as the hours'
// count of hundredths), as BASILReport.Figures.
func (rep GSIReport) Figures() map[string]int {
	out := map[string]int{}
	put := func(u domain.UnitID, k string, c *Cell) {
		if c != nil && c.Count != 0 {
			out[u.String()+"/"+k] = c.Count
		}
	}
	for _, u := range rep.Units {
		put(u.Unit, "pupils", &u.Pupils)
		put(u.Unit, "adapted", &u.AdaptedEducation)
		for k, c := range u.ByGrade {
			put(u.Unit, "grade."+k, c)
		}
		for k, c := range u.ByHours {
			put(u.Unit, "hours."+k, c)
		}
		for k, c := range u.AdaptedByGrade {
			put(u.Unit, "adaptedGrade."+k, c)
		}
		if h := u.AdaptedHoursPerWeek.Mul(decimal.NewFromInt(100)).IntPart(); h != 0 {
			out[u.Unit.String()+"/adaptedHours"] = int(h)
		}
	}
	return out
}
