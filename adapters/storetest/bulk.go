package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// BulkStore is a directory store that writes batches and refreshes its
// statistics: the ports a large migration or demo seed uses.
type BulkStore interface {
	domain.Store
	domain.BulkDirectoryWriter
	domain.Analyzer
}

// RunBulk tests domain.BulkDirectoryWriter and domain.Analyzer: a batch
// is read back as the single-record writes would have stored it, records
// of a batch may refer to stored ones, and a batch that one of the
// single-record writes would refuse (an invalid record, a missing
// reference, a taken ID or national ID, overlapping placements, another
// municipality) is refused whole, nothing written, the transaction still
// usable.
func RunBulk(t *testing.T, newStore func(t *testing.T) BulkStore) {
	t.Run("WrittenAndReadBack", func(t *testing.T) { testBulkWritten(t, newStore(t)) })
	t.Run("RefusedWhole", func(t *testing.T) { testBulkRefused(t, newStore(t)) })
}

// bulkFixture is a kindergarten with a group, stored, and a batch of two
// children (siblings) with two guardians and a placement each.
func bulkFixture(t *testing.T, s BulkStore) (*fixture, domain.Unit, domain.Group, domain.DirectoryBatch) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, kg))
	g := f.group(kg)
	require.NoError(t, s.CreateGroup(ctx, g))
	var b domain.DirectoryBatch
	home := domain.Address{Street: "Storgata 1", Postcode: "0155", PostTown: "OSLO", Municipality: Oslo}
	for range 2 {
		c := f.child(t)
		c.Address = home
		b.Children = append(b.Children, c)
	}
	for range 2 {
		gu := f.guardian(t)
		gu.Address = home
		b.Guardians = append(b.Guardians, gu)
	}
	for _, c := range b.Children {
		for i, gu := range b.Guardians {
			b.Guardianships = append(b.Guardianships, domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: gu.ID,
				ParentalResponsibility: true, LivesWithChild: i == 0, InformationRequested: i == 1})
		}
		p := f.placement(c, kg, d(2024, time.August, 1), d(2026, time.July, 31))
		p.GroupID = g.ID
		b.Placements = append(b.Placements, p)
	}
	return f, kg, g, b
}

func testBulkWritten(t *testing.T, s BulkStore) {
	ctx := ctxFor(t)
	f, kg, _, b := bulkFixture(t, s)
	require.NoError(t, s.CreateDirectoryBatch(ctx, Oslo, b))
	for _, c := range b.Children {
		got, err := s.Child(ctx, Oslo, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		gs, err := s.Guardianships(ctx, Oslo, c.ID)
		require.NoError(t, err)
		want := []domain.Guardianship{}
		for _, g := range b.Guardianships {
			if g.ChildID == c.ID {
				want = append(want, g)
			}
		}
		domain.SortGuardianships(want)
		assert.Equal(t, want, gs)
	}
	for _, g := range b.Guardians {
		got, err := s.Guardian(ctx, Oslo, g.ID)
		require.NoError(t, err)
		assert.Equal(t, g, got)
	}
	for _, p := range b.Placements {
		got, err := s.Placement(ctx, Oslo, p.ID)
		require.NoError(t, err)
		assert.Equal(t, p, got)
	}

	// A second batch refers to a stored child and guardian: a new
	// guardianship and a school placement after the kindergarten one.
	school := f.unit(domain.School)
	require.NoError(t, s.CreateUnit(ctx, school))
	newer := f.guardian(t)
	next := domain.DirectoryBatch{
		Guardians:     []domain.Guardian{newer},
		Guardianships: []domain.Guardianship{{Municipality: Oslo, ChildID: b.Children[0].ID, GuardianID: newer.ID, InformationRequested: true}},
		Placements:    []domain.Placement{f.placement(b.Children[0], school, d(2026, time.August, 15), d(2027, time.June, 20))},
	}
	require.NoError(t, s.CreateDirectoryBatch(ctx, Oslo, next))
	ps, err := s.Placements(ctx, Oslo, b.Children[0].ID)
	require.NoError(t, err)
	assert.Len(t, ps, 2)
	ps, err = s.UnitPlacements(ctx, Oslo, kg.ID, domain.Period{Start: d(2025, time.January, 1), End: d(2025, time.January, 1)})
	require.NoError(t, err)
	assert.Len(t, ps, 2)

	// An empty batch writes nothing and is no error; Analyze after the
	// writes works inside and outside a transaction's reach.
	require.NoError(t, s.CreateDirectoryBatch(ctx, Oslo, domain.DirectoryBatch{}))
	require.NoError(t, s.Analyze(ctx))
	got, err := s.Children(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, got, 2)
}

func testBulkRefused(t *testing.T, s BulkStore) {
	ctx := ctxFor(t)
	f, kg, _, base := bulkFixture(t, s)
	stored := f.child(t)
	require.NoError(t, s.CreateChild(ctx, stored))
	school := f.unit(domain.School)
	require.NoError(t, s.CreateUnit(ctx, school))
	other := domain.MustMunicipality("4601")
	otherKG := f.unit(domain.Kindergarten)
	otherKG.Municipality = other
	require.NoError(t, s.CreateUnit(ctx, otherKG))

	clone := func() domain.DirectoryBatch {
		return domain.DirectoryBatch{
			Children:      append([]domain.Child(nil), base.Children...),
			Guardians:     append([]domain.Guardian(nil), base.Guardians...),
			Guardianships: append([]domain.Guardianship(nil), base.Guardianships...),
			Placements:    append([]domain.Placement(nil), base.Placements...),
		}
	}
	for _, tc := range []struct {
		name     string
		edit     func(b *domain.DirectoryBatch)
		sentinel error
		field    string
	}{
		{"an invalid child", func(b *domain.DirectoryBatch) { b.Children[1].GivenName = "" }, domain.ErrInvalid, "children[1].givenName"},
		{"a child of another municipality", func(b *domain.DirectoryBatch) { b.Children[0].Municipality = other }, domain.ErrInvalid, "children[0].municipality"},
		{"a guardianship of no child", func(b *domain.DirectoryBatch) { b.Guardianships[2].ChildID = domain.NewID[domain.Child]() }, domain.ErrInvalid, "guardianships[2].childId"},
		{"a placement in a unit of another kind", func(b *domain.DirectoryBatch) {
			b.Placements[0].UnitID, b.Placements[0].GroupID = school.ID, domain.GroupID{}
		}, domain.ErrInvalid, "placements[0].kind"},
		{"a placement in another municipality's unit", func(b *domain.DirectoryBatch) {
			b.Placements[1].UnitID, b.Placements[1].GroupID = otherKG.ID, domain.GroupID{}
		}, domain.ErrInvalid, "placements[1].unitId"},
		{"two children with one national ID", func(b *domain.DirectoryBatch) {
			b.Children[1].NationalID, b.Children[1].BirthDate = b.Children[0].NationalID, b.Children[0].BirthDate
		}, domain.ErrConflict, "children[1].nationalId"},
		{"overlapping placements", func(b *domain.DirectoryBatch) {
			p := f.placement(b.Children[0], kg, d(2025, time.March, 1), d(2025, time.June, 30))
			b.Placements = append(b.Placements, p)
		}, domain.ErrConflict, "placements[2].period"},
		{"a stored child's national ID", func(b *domain.DirectoryBatch) {
			b.Children[0].NationalID, b.Children[0].BirthDate = stored.NationalID, stored.BirthDate
		}, domain.ErrConflict, ""},
		{"a stored child's ID", func(b *domain.DirectoryBatch) {
			old := b.Children[1].ID
			b.Children[1].ID = stored.ID
			for i := range b.Guardianships {
				if b.Guardianships[i].ChildID == old {
					b.Guardianships[i].ChildID = stored.ID
				}
			}
			for i := range b.Placements {
				if b.Placements[i].ChildID == old {
					b.Placements[i].ChildID = stored.ID
				}
			}
		}, domain.ErrConflict, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, ctx, s, Oslo)
			b := clone()
			tc.edit(&b)
			// Refused inside a running transaction, which stays usable.
			err := s.Atomic(ctx, func(ctx context.Context) error {
				err := s.CreateDirectoryBatch(ctx, Oslo, b)
				require.Error(t, err)
				_, rerr := s.Children(ctx, Oslo)
				require.NoError(t, rerr, "the transaction is usable after a refused batch")
				return err
			})
			require.Truef(t, errors.Is(err, tc.sentinel), "want %v, got %v", tc.sentinel, err)
			if tc.field != "" {
				assert.Equal(t, tc.field, domain.FieldOf(err), "field of %v", err)
			}
			assert.Equal(t, before, snapshot(t, ctx, s, Oslo), "nothing written")
		})
	}
	require.NoError(t, s.CreateDirectoryBatch(ctx, Oslo, clone()), "the unchanged batch is written")
}

// BulkFamilyStore is a billing store that writes families in bulk.
type BulkFamilyStore interface {
	BillingStore
	billing.BulkFamilyWriter
}

// RunBulkFamilies tests billing.BulkFamilyWriter: the families are read
// back as CreateFamily would have stored them, and a write that
// CreateFamily would refuse (a missing payer, a person in two families on
// a shared day, a taken ID) is refused whole.
func RunBulkFamilies(t *testing.T, newStore func(t *testing.T) BulkFamilyStore) {
	s := newStore(t)
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	start := d(2025, time.August, 1)
	var fs []billing.Family
	for range 3 {
		g, c := f.guardian(t), f.child(t)
		require.NoError(t, s.CreateGuardian(ctx, g))
		require.NoError(t, s.CreateChild(ctx, c))
		fam := billing.Family{ID: domain.NewID[billing.Family](), Municipality: Oslo, Payer: g.ID}
		fam.Members = []billing.Member{
			{ID: domain.NewID[billing.Member](), Municipality: Oslo, Family: fam.ID, Guardian: g.ID, Period: domain.Period{Start: start}},
			{ID: domain.NewID[billing.Member](), Municipality: Oslo, Family: fam.ID, Child: c.ID, Period: domain.Period{Start: start}},
		}
		fs = append(fs, fam)
	}
	stranger := f.guardian(t) // never stored
	for _, tc := range []struct {
		name     string
		edit     func(fs []billing.Family) []billing.Family
		sentinel error
	}{
		{"a payer who does not exist", func(fs []billing.Family) []billing.Family { fs[1].Payer = stranger.ID; return fs }, domain.ErrInvalid},
		{"a child in two families", func(fs []billing.Family) []billing.Family {
			mb := fs[0].Members[1]
			mb.ID, mb.Family = domain.NewID[billing.Member](), fs[2].ID
			fs[2].Members = append(fs[2].Members, mb)
			return fs
		}, domain.ErrConflict},
		{"one family twice", func(fs []billing.Family) []billing.Family { return append(fs, fs[0]) }, domain.ErrConflict},
		{"a family of another municipality", func(fs []billing.Family) []billing.Family {
			fs[0].Municipality = domain.MustMunicipality("4601")
			return fs
		}, domain.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := make([]billing.Family, len(fs))
			for i, f := range fs {
				edited[i] = f
				edited[i].Members = append([]billing.Member(nil), f.Members...)
			}
			err := s.CreateFamilies(ctx, Oslo, tc.edit(edited))
			require.Truef(t, errors.Is(err, tc.sentinel), "want %v, got %v", tc.sentinel, err)
			got, err := s.Families(ctx, Oslo)
			require.NoError(t, err)
			assert.Empty(t, got, "nothing written")
		})
	}
	require.NoError(t, s.CreateFamilies(ctx, Oslo, fs))
	got, err := s.Families(ctx, Oslo)
	require.NoError(t, err)
	want := append([]billing.Family(nil), fs...)
	billing.SortFamilies(want)
	assert.Equal(t, want, got)
	// Written once: the same families again are refused.
	err = s.CreateFamilies(ctx, Oslo, fs[:1])
	assert.ErrorIs(t, err, domain.ErrConflict)
}
