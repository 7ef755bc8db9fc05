package webtest

import (
	"context"
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// ManyUnits adds n municipal kindergartens to the demo municipality
// ("<prefix>0001 barnehage" ...), each with two groups ("<prefix>0001
// Blåbær", "<prefix>0001 Tyttebær") and one child placed in its first
// group from the start of the school year. It writes through the store in
// one transaction and returns the units in the order added: for the
// statement counts of the pages that list or choose among every unit
// (placement forms, calendar, rule tables, front page), which must not
// grow with the units.
func ManyUnits(ctx context.Context, ta *Harness, prefix string, n int) ([]domain.UnitID, error) {
	m := demo.Municipality
	year := domain.SchoolYearOf(date.NewAt(Now.In(domain.Oslo())))
	birth := date.New(int(year)-3, time.March, 1)
	ids := make([]domain.UnitID, n)
	err := ta.DB.Atomic(ctx, func(ctx context.Context) error {
		for i := range n {
			name := fmt.Sprintf("%s%04d", prefix, i+1)
			u := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: name + " barnehage",
				Kind: domain.Kindergarten, Owner: domain.Municipal}
			if err := ta.DB.CreateUnit(ctx, u); err != nil {
				return err
			}
			var first domain.GroupID
			for k, g := range []string{"Blåbær", "Tyttebær"} {
				grp := domain.Group{ID: domain.NewID[domain.Group](), Municipality: m, UnitID: u.ID, Name: name + " " + g}
				if err := ta.DB.CreateGroup(ctx, grp); err != nil {
					return err
				}
				if k == 0 {
					first = grp.ID
				}
			}
			c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: name, FamilyName: "Mangeenheter",
				BirthDate: birth.AddDate(0, 0, i%300)}
			if err := ta.DB.CreateChild(ctx, c); err != nil {
				return err
			}
			if err := ta.DB.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: c.ID,
				UnitID: u.ID, GroupID: first, Kind: domain.Kindergarten, HoursPerWeek: 41, Period: year.Period()}); err != nil {
				return err
			}
			ids[i] = u.ID
		}
		return nil
	})
	return ids, err
}
