package web

import (
	"context"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// ChildSummary is a child in a list.
type ChildSummary struct {
	ID         domain.ChildID `json:"id"`
	GivenName  string         `json:"givenName"`
	FamilyName string         `json:"familyName"`
	BirthDate  date.Date      `json:"birthDate"`
}

// ChildView is a child as far as the actor may see it.
type ChildView struct {
	ID         domain.ChildID    `json:"id"`
	GivenName  string            `json:"givenName"`
	FamilyName string            `json:"familyName"`
	BirthDate  date.Date         `json:"birthDate"`
	NationalID domain.NationalID `json:"nationalId,omitzero"`
	// FullNationalID lets a page show all 11 digits: only a caseworker's
	// child page, after an explicit "show" that is audit-logged
	// ("child.national-id.read"). Everywhere else pages show
	// NationalID.Masked, the birth-date part.
	FullNationalID bool `json:"-"`
	// ProtectedAddress tells staff and caseworkers to take care; a
	// protected address itself is never held here.
	ProtectedAddress bool `json:"protectedAddress"`
	// Address is the child's registered address, for a guardian with
	// parental responsibility and the municipality, when it is not
	// protected (domain.ShownAddress); absent otherwise.
	Address domain.Address `json:"address,omitzero"`
	// Access is what the actor's access is: parent, information (§ 47),
	// staff or municipal.
	Access     string          `json:"access"`
	Guardians  []guardianView  `json:"guardians"`
	Placements []PlacementView `json:"placements"`
}

// guardianView is a guardian as seen from a child. Contact details of a
// guardian with a protected address are never given; the guardian's
// registered address only to the municipality, and only when it is not
// protected (domain package doc, "Whereabouts").
type guardianView struct {
	ID                     domain.GuardianID `json:"id"`
	GivenName              string            `json:"givenName"`
	FamilyName             string            `json:"familyName"`
	ParentalResponsibility bool              `json:"parentalResponsibility"`
	LivesWithChild         bool              `json:"livesWithChild"`
	Email                  string            `json:"email,omitempty"`
	Phone                  string            `json:"phone,omitempty"`
	Address                domain.Address    `json:"address,omitzero"`
}

// PlacementView is a placement with the names of unit and group.
type PlacementView struct {
	ID           domain.PlacementID `json:"id"`
	Kind         domain.UnitKind    `json:"kind"`
	UnitID       domain.UnitID      `json:"unitId"`
	UnitName     string             `json:"unitName"`
	GroupID      domain.GroupID     `json:"groupId,omitzero"`
	GroupName    string             `json:"groupName,omitempty"`
	HoursPerWeek int                `json:"hoursPerWeek"`
	Start        date.Date          `json:"start"`
	End          date.Date          `json:"end,omitzero"`
}

// UnitSummary is a unit in a list.
type UnitSummary struct {
	ID     domain.UnitID   `json:"id"`
	Name   string          `json:"name"`
	Kind   domain.UnitKind `json:"kind"`
	Owner  domain.Owner    `json:"owner"`
	Parent domain.UnitID   `json:"parent,omitzero"`
}

// RosterView is who is placed in a unit on a day, by group.
type RosterView struct {
	Unit   UnitSummary   `json:"unit"`
	Date   date.Date     `json:"date"`
	Groups []rosterGroup `json:"groups"`
}

type rosterGroup struct {
	ID       domain.GroupID `json:"id,omitzero"`
	Name     string         `json:"name"`
	Children []rosterChild  `json:"children"`
}

type rosterChild struct {
	ID               domain.ChildID `json:"id"`
	GivenName        string         `json:"givenName"`
	FamilyName       string         `json:"familyName"`
	ProtectedAddress bool           `json:"protectedAddress"`
}

// AuditView is an audit entry in a page of the log: a list's entry with
// its ChildCount and only the first AuditNames of its children (in ID
// order); ChildrenHref, when the list is cut short, pages the rest.
type AuditView struct {
	domain.AuditSummary
	ChildrenHref string `json:"childrenHref,omitempty"`
}

// AuditNames is how many of a list's children an entry of the audit log's
// page names: the page of 50 entries stays small when its lists name
// thousands of children each.
const AuditNames = 10

func Summarize(c domain.Child) ChildSummary {
	return ChildSummary{ID: c.ID, GivenName: c.GivenName, FamilyName: c.FamilyName, BirthDate: c.BirthDate}
}

// ViewChild renders a child record for the access decided.
func (a *App) ViewChild(ctx context.Context, access childAccess, rec domain.ChildRecord) (ChildView, error) {
	ch := rec.Child
	v := ChildView{
		ID: ch.ID, GivenName: ch.GivenName, FamilyName: ch.FamilyName, BirthDate: ch.BirthDate,
		Access: access.String(), Guardians: []guardianView{}, Placements: []PlacementView{},
	}
	if access != accessInformation {
		v.ProtectedAddress = ch.AddressProtection.Protected()
	}
	if access == AccessParent || access == AccessMunicipal {
		v.NationalID = ch.NationalID
		v.Address = domain.ShownAddress(ch.Address, rec.ChildHouseholdProtection())
	}
	if access != accessInformation {
		for _, l := range rec.Guardians {
			g := l.Guardian
			gv := guardianView{ID: g.ID, GivenName: g.GivenName, FamilyName: g.FamilyName,
				ParentalResponsibility: l.Guardianship.ParentalResponsibility, LivesWithChild: l.Guardianship.LivesWithChild}
			if !g.AddressProtection.Protected() && !ch.AddressProtection.Strict() {
				gv.Email, gv.Phone = g.Email, g.Phone
			}
			if access == AccessMunicipal {
				p, err := domain.GuardianHousehold(ctx, a.Store, g)
				if err != nil {
					return v, err
				}
				gv.Address = domain.ShownAddress(g.Address, p)
			}
			v.Guardians = append(v.Guardians, gv)
		}
	}
	if access == accessInformation && ch.AddressProtection.Strict() {
		// Where the child goes would tell where the child lives.
		return v, nil
	}
	for _, p := range rec.Placements {
		pv, err := a.ViewPlacement(ctx, p)
		if err != nil {
			return v, err
		}
		v.Placements = append(v.Placements, pv)
	}
	return v, nil
}

func (a *App) ViewPlacement(ctx context.Context, p domain.Placement) (PlacementView, error) {
	u, err := a.Store.Unit(ctx, p.Municipality, p.UnitID)
	if err != nil {
		return PlacementView{}, err
	}
	pv := PlacementView{ID: p.ID, Kind: p.Kind, UnitID: p.UnitID, UnitName: u.Name, GroupID: p.GroupID,
		HoursPerWeek: p.HoursPerWeek, Start: p.Period.Start, End: p.Period.End}
	if !p.GroupID.IsZero() {
		g, err := a.Store.Group(ctx, p.Municipality, p.GroupID)
		if err != nil {
			return PlacementView{}, err
		}
		pv.GroupName = g.Name
	}
	return pv, nil
}

// Roster reads who is placed in the unit today, by group.
func (a *App) Roster(ctx context.Context, m domain.Municipality, unit domain.UnitID) (RosterView, error) {
	u, err := a.Store.Unit(ctx, m, unit)
	if err != nil {
		return RosterView{}, err
	}
	today := domain.Today(a.Clock)
	groups, err := a.Store.Groups(ctx, m, unit)
	if err != nil {
		return RosterView{}, err
	}
	ps, err := a.Store.UnitPlacements(ctx, m, unit, domain.Period{Start: today, End: today})
	if err != nil {
		return RosterView{}, err
	}
	v := RosterView{Unit: UnitSummary{ID: u.ID, Name: u.Name, Kind: u.Kind, Owner: u.Owner, Parent: u.Parent}, Date: today, Groups: []rosterGroup{}}
	// The children in one read, not one per placement.
	ids := make([]domain.ChildID, len(ps))
	for i, p := range ps {
		ids[i] = p.ChildID
	}
	children, err := a.Store.ChildrenByID(ctx, m, ids)
	if err != nil {
		return RosterView{}, err
	}
	byID := make(map[domain.ChildID]domain.Child, len(children))
	for _, ch := range children {
		byID[ch.ID] = ch
	}
	byGroup := map[domain.GroupID][]rosterChild{}
	for _, p := range ps {
		ch, ok := byID[p.ChildID]
		if !ok {
			return RosterView{}, domain.ErrNotFound
		}
		byGroup[p.GroupID] = append(byGroup[p.GroupID], rosterChild{ID: ch.ID, GivenName: ch.GivenName, FamilyName: ch.FamilyName, ProtectedAddress: ch.AddressProtection.Protected()})
	}
	for _, g := range groups {
		v.Groups = append(v.Groups, rosterGroup{ID: g.ID, Name: g.Name, Children: sortRoster(byGroup[g.ID])})
	}
	if cs := byGroup[domain.GroupID{}]; len(cs) > 0 {
		v.Groups = append(v.Groups, rosterGroup{Name: "", Children: sortRoster(cs)})
	}
	return v, nil
}

func sortRoster(cs []rosterChild) []rosterChild {
	if cs == nil {
		return []rosterChild{}
	}
	children := make([]domain.Child, len(cs))
	for i, c := range cs {
		children[i] = domain.Child{ID: c.ID, GivenName: c.GivenName, FamilyName: c.FamilyName}
	}
	domain.SortChildren(children)
	byID := map[domain.ChildID]rosterChild{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	for i, c := range children {
		cs[i] = byID[c.ID]
	}
	return cs
}

func RosterChildren(v RosterView) []domain.ChildID {
	var ids []domain.ChildID
	for _, g := range v.Groups {
		for _, c := range g.Children {
			ids = append(ids, c.ID)
		}
	}
	return ids
}
