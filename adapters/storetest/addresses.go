package storetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// testPersonAddresses: a child's and a guardian's registered address
// survives a round trip (create, read by ID and national ID, list, the
// child record's guardians), an update replaces or clears it, and an
// invalid address is refused with the field under "address." and nothing
// written.
func testPersonAddresses(t *testing.T, s domain.Store) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	home := domain.Address{Street: "Tvetenveien 151 B", Postcode: "0671", PostTown: "OSLO", Municipality: Oslo}
	c := f.child(t)
	c.Address = home
	g := f.guardian(t)
	g.Address = home
	other := f.guardian(t)
	other.Address = domain.Address{Cadastral: "gnr. 12 bnr. 34", Postcode: "5260", PostTown: "INDRE ARNA", Municipality: Bergen}
	other.AddressProtection = domain.ProtectionStrengtFortrolig
	require.NoError(t, s.CreateChild(ctx, c))
	require.NoError(t, s.CreateGuardian(ctx, g))
	require.NoError(t, s.CreateGuardian(ctx, other))
	require.NoError(t, s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: g.ID,
		ParentalResponsibility: true, LivesWithChild: true}))
	require.NoError(t, s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: other.ID,
		ParentalResponsibility: true}))

	got, err := s.Child(ctx, Oslo, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, got)
	got, err = s.ChildByNationalID(ctx, Oslo, c.NationalID)
	require.NoError(t, err)
	assert.Equal(t, home, got.Address)
	list, err := s.Children(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, home, list[0].Address)
	gotG, err := s.Guardian(ctx, Oslo, other.ID)
	require.NoError(t, err)
	assert.Equal(t, other, gotG, "a cadastral address in another municipality")
	gotG, err = s.GuardianByNationalID(ctx, Oslo, g.NationalID)
	require.NoError(t, err)
	assert.Equal(t, g, gotG)

	rec, err := s.ChildRecord(ctx, Oslo, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, rec.Child)
	require.Len(t, rec.Guardians, 2)
	byID := map[domain.GuardianID]domain.Guardian{}
	for _, l := range rec.Guardians {
		byID[l.Guardian.ID] = l.Guardian
	}
	assert.Equal(t, g, byID[g.ID], "the record's guardians carry their addresses")
	assert.Equal(t, other, byID[other.ID])

	// A move, then no known address.
	c.Address = domain.Address{Street: "Haugerudveien 40", Postcode: "0673", PostTown: "OSLO", Municipality: Oslo}
	require.NoError(t, s.UpdateChild(ctx, c))
	got, err = s.Child(ctx, Oslo, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, got)
	g.Address = domain.Address{}
	require.NoError(t, s.UpdateGuardian(ctx, g))
	gotG, err = s.Guardian(ctx, Oslo, g.ID)
	require.NoError(t, err)
	assert.True(t, gotG.Address.IsZero(), "the address is cleared: %+v", gotG.Address)

	// Invalid addresses are refused, on create and on update, and nothing
	// changes.
	before := snapshot(t, ctx, s, Oslo)
	bad := f.child(t)
	bad.Address = domain.Address{Street: "Storgata 1", Postcode: "12345", PostTown: "OSLO"}
	requireField(t, s.CreateChild(ctx, bad), domain.ErrInvalid, "address.postcode")
	badG := f.guardian(t)
	badG.Address = domain.Address{Postcode: "0671", PostTown: "OSLO"}
	requireField(t, s.CreateGuardian(ctx, badG), domain.ErrInvalid, "address.street")
	_, err = s.Guardian(ctx, Oslo, badG.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "a refused guardian is not stored")
	moved := c
	moved.Address.PostTown = ""
	requireField(t, s.UpdateChild(ctx, moved), domain.ErrInvalid, "address.postTown")
	g.Address = domain.Address{Street: "Storgata 1", Postcode: "0155", PostTown: "OSLO", Municipality: "12A4"}
	requireField(t, s.UpdateGuardian(ctx, g), domain.ErrInvalid, "address.municipality")
	assert.Equal(t, before, snapshot(t, ctx, s, Oslo))
	got, err = s.Child(ctx, Oslo, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, got, "a refused update leaves the stored address")
	gotG, err = s.Guardian(ctx, Oslo, g.ID)
	require.NoError(t, err)
	assert.True(t, gotG.Address.IsZero())
}
