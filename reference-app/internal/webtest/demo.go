package webtest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

func OpenSQLite(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Options{Path: path})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// DemoData is everything seeded in the demo municipality, read back.
type DemoData struct {
	Units         []domain.Unit
	Groups        map[domain.UnitID][]domain.Group
	Children      []domain.Child
	Guardianships map[domain.ChildID][]domain.Guardianship
	Guardians     map[domain.GuardianID]domain.Guardian
	Placements    map[domain.ChildID][]domain.Placement
}

func (d DemoData) Counts() map[string]int {
	c := map[string]int{"units": len(d.Units), "children": len(d.Children), "guardians": len(d.Guardians)}
	for _, u := range d.Units {
		c[string(u.Kind)]++
		c["groups"] += len(d.Groups[u.ID])
	}
	for _, gs := range d.Guardianships {
		c["guardianships"] += len(gs)
	}
	for _, ps := range d.Placements {
		c["placements"] += len(ps)
	}
	return c
}

func ReadDemo(t testing.TB, s domain.Store) DemoData {
	t.Helper()
	ctx := context.Background()
	m := demo.Municipality
	d := DemoData{
		Groups:        map[domain.UnitID][]domain.Group{},
		Guardianships: map[domain.ChildID][]domain.Guardianship{},
		Guardians:     map[domain.GuardianID]domain.Guardian{},
		Placements:    map[domain.ChildID][]domain.Placement{},
	}
	var err error
	d.Units, err = s.Units(ctx, m)
	require.NoError(t, err)
	for _, u := range d.Units {
		d.Groups[u.ID], err = s.Groups(ctx, m, u.ID)
		require.NoError(t, err)
	}
	d.Children, err = s.Children(ctx, m)
	require.NoError(t, err)
	for _, c := range d.Children {
		gs, err := s.Guardianships(ctx, m, c.ID)
		require.NoError(t, err)
		d.Guardianships[c.ID] = gs
		for _, g := range gs {
			if _, ok := d.Guardians[g.GuardianID]; !ok {
				d.Guardians[g.GuardianID], err = s.Guardian(ctx, m, g.GuardianID)
				require.NoError(t, err)
			}
		}
		d.Placements[c.ID], err = s.Placements(ctx, m, c.ID)
		require.NoError(t, err)
	}
	return d
}
