package storetest

import (
	"testing"

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
