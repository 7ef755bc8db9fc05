package storetest

import (
	"slices"
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

// RunChildrenPage runs the suite of DirectoryReader.ChildrenPage: keyset
// pages in ID order that walk every child once; the search of every word
// in the name ignoring case (Æ finds æ, but ä is not æ: the same answer as
// domain.MatchesSearch), the national ID prefix only when asked for;
// another municipality's children never.
func RunChildrenPage(t *testing.T, newStore func(t *testing.T) ChildrenStore) {
	s := newStore(t)
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	var all []domain.Child
	for i := range 7 {
		c := f.child(t)
		switch i {
		case 1:
			c.GivenName, c.FamilyName = "Åse Marie", "Ærlig"
		case 2:
			c.GivenName, c.FamilyName = "Åsmund", "Ärlig"
		case 3:
			c.GivenName, c.FamilyName = "Ola", "Øvrebø"
		case 4:
			c.GivenName, c.FamilyName = "Per_100%", "Berg"
		}
		require.NoError(t, s.CreateChild(ctx, c))
		all = append(all, c)
	}
	other := (&fixture{m: Bergen}).child(t)
	other.GivenName, other.FamilyName = "Åse", "Ærlig"
	require.NoError(t, s.CreateChild(ctx, other))
	slices.SortFunc(all, func(x, y domain.Child) int { return x.ID.Compare(y.ID) })

	ids := func(cs []domain.Child) []domain.ChildID {
		out := []domain.ChildID{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	// Pages of three, each after the last of the one before.
	var walked []domain.Child
	after := domain.ChildID{}
	for range 5 {
		pg, err := s.ChildrenPage(ctx, Oslo, domain.ChildQuery{After: after, Limit: 3})
		require.NoError(t, err)
		walked = append(walked, pg...)
		if len(pg) < 3 {
			break
		}
		after = pg[len(pg)-1].ID
	}
	assert.Equal(t, ids(all), ids(walked), "every child once, in ID order, the other municipality's never")
	assert.Equal(t, all[0], walked[0], "whole children")

	search := func(q string, byNID bool, limit int) []domain.ChildID {
		t.Helper()
		pg, err := s.ChildrenPage(ctx, Oslo, domain.ChildQuery{Search: q, ByNationalID: byNID, Limit: limit})
		require.NoError(t, err)
		return ids(pg)
	}
	want := func(pick ...domain.Child) []domain.ChildID {
		var out []domain.Child
		for _, c := range all {
			for _, p := range pick {
				if c.ID == p.ID {
					out = append(out, c)
				}
			}
		}
		return ids(out)
	}
	byName := map[string]domain.Child{}
	for _, c := range all {
		byName[c.GivenName] = c
	}
	aase, aasmund, ola, per := byName["Åse Marie"], byName["Åsmund"], byName["Ola"], byName["Per_100%"]
	assert.Equal(t, want(aase), search("ÆRLIG", false, 10), "Æ finds Æ ignoring case; Ä is not Æ")
	assert.Equal(t, want(aase), search("ærlig åse", false, 10), "every word, in any order")
	assert.Equal(t, want(aase, aasmund), search("rlig", false, 10))
	assert.Equal(t, want(ola), search("øvre", false, 10))
	assert.Equal(t, want(per), search("_100%", false, 10), "% and _ are letters, not wildcards")
	assert.Empty(t, search("e marie ærlig x", false, 10))
	assert.Equal(t, want(aase), search("e ærlig", false, 1), "a limit counts only the children found")
	assert.Equal(t, want(aase, aasmund), search("rlig", false, 2))
	assert.Len(t, search("rlig", false, 1), 1)

	nid := ola.NationalID.String()
	assert.Empty(t, search(nid[:6], false, 10), "no search by number unless asked")
	assert.Contains(t, search(nid[:6]+" "+nid[6:8], true, 10), ola.ID, "the start of the national ID, spaces left out")
	assert.Equal(t, want(ola), search(nid, true, 10))
	assert.NotContains(t, search(other.NationalID.String(), true, 10), other.ID, "another municipality's child is not found")
	got, err := s.ChildrenPage(ctx, Bergen, domain.ChildQuery{Search: "ærlig", Limit: 10})
	require.NoError(t, err)
	assert.Equal(t, []domain.ChildID{other.ID}, ids(got))
}
