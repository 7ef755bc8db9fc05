package storetest

import (
	"testing"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// ChildrenStore is the directory, whose ChildrenByID this suite tests.
type ChildrenStore = domain.Store

// RunChildrenByID runs the suite of DirectoryReader.ChildrenByID: the children of
// the IDs, sorted the Norwegian way; an unknown ID, another
// municipality's child and an ID given twice change nothing; no IDs is no
// children; more IDs than a statement's batch all come back.
func RunChildrenByID(t *testing.T, newStore func(t *testing.T) ChildrenStore) {
	s := newStore(t)
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	a, b, c := f.child(t), f.child(t), f.child(t)
	a.FamilyName, b.FamilyName, c.FamilyName = "Øvrebø", "Aas", "Ærlig"
	for _, x := range []domain.Child{a, b, c} {
		require.NoError(t, s.CreateChild(ctx, x))
	}
	other := (&fixture{m: Bergen}).child(t)
	require.NoError(t, s.CreateChild(ctx, other))

	got, err := s.ChildrenByID(ctx, Oslo, []domain.ChildID{a.ID, b.ID, domain.NewID[domain.Child](), other.ID, a.ID})
	require.NoError(t, err)
	assert.Equal(t, []domain.Child{b, a}, got, "Aas before Øvrebø; the unknown, the other municipality's and the repeated ID change nothing")

	none, err := s.ChildrenByID(ctx, Oslo, nil)
	require.NoError(t, err)
	assert.Empty(t, none)

	ids := []domain.ChildID{c.ID}
	for range 1200 {
		ids = append(ids, domain.NewID[domain.Child]())
	}
	ids = append(ids, a.ID)
	got, err = s.ChildrenByID(ctx, Oslo, ids)
	require.NoError(t, err)
	require.Len(t, got, 2, "found across batches")
	assert.Equal(t, []domain.ChildID{c.ID, a.ID}, []domain.ChildID{got[0].ID, got[1].ID})
}

// RunPlacedOn runs the suite of DirectoryReader.PlacedOn: the children
// placed on the day counted per unit and group (those in no group apart),
// placements that ended before or begin after the day left out, another
// municipality's never counted.
func RunPlacedOn(t *testing.T, newStore func(t *testing.T) ChildrenStore) {
	s := newStore(t)
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	day := date.New(2025, time.March, 3)
	k, sc := f.unit(domain.Kindergarten), f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, k))
	require.NoError(t, s.CreateUnit(ctx, sc))
	g1, g2 := f.group(k), f.group(k)
	require.NoError(t, s.CreateGroup(ctx, g1))
	require.NoError(t, s.CreateGroup(ctx, g2))
	place := func(u domain.Unit, g domain.Group, start, end date.Date) {
		t.Helper()
		c := f.child(t)
		require.NoError(t, s.CreateChild(ctx, c))
		p := f.placement(c, u, start, end)
		p.GroupID = g.ID
		require.NoError(t, s.CreatePlacement(ctx, p))
	}
	for range 3 {
		place(k, g1, day.AddDate(0, -6, 0), date.Zero)
	}
	place(k, g2, day, day)
	place(k, domain.Group{}, day.AddDate(0, -1, 0), day.AddDate(0, 1, 0))
	place(k, g1, day.AddDate(0, -6, 0), day.AddDate(0, 0, -1)) // ended the day before
	place(k, g2, day.AddDate(0, 0, 1), date.Zero)              // begins the day after
	place(sc, domain.Group{}, day.AddDate(0, 0, 1), date.Zero) // nobody on the day
	b := &fixture{m: Bergen}
	bu := b.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, bu))
	bc := b.child(t)
	require.NoError(t, s.CreateChild(ctx, bc))
	require.NoError(t, s.CreatePlacement(ctx, b.placement(bc, bu, day.AddDate(0, -6, 0), date.Zero)))

	got, err := s.PlacedOn(ctx, Oslo, day)
	require.NoError(t, err)
	want := []domain.Placed{{Unit: k.ID, Group: g1.ID, Children: 3}, {Unit: k.ID, Group: g2.ID, Children: 1}, {Unit: k.ID, Children: 1}}
	domain.SortPlaced(want)
	assert.Equal(t, want, got)
}
