package folkeregister_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
)

// TestApplySampleFeed applies the sample feed, through the adapter and the
// local server, to a directory that knows the sample people, and checks
// each change in the store.
func TestApplySampleFeed(t *testing.T) {
	ctx := context.Background()
	c, reg := client(t)
	s, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	oslo := domain.MustMunicipality("0301")

	child := func(id, given, family string, addr domain.Address) domain.Child {
		n := nid(t, id)
		ch := domain.Child{ID: domain.NewID[domain.Child](), Municipality: oslo, NationalID: n, GivenName: given, FamilyName: family,
			BirthDate: n.BirthDate(), AddressProtection: domain.ProtectionNone, Address: addr}
		require.NoError(t, s.CreateChild(ctx, ch))
		return ch
	}
	guardian := func(id, given, family string) domain.Guardian {
		g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: oslo, NationalID: nid(t, id), GivenName: given, FamilyName: family,
			AddressProtection: domain.ProtectionNone}
		require.NoError(t, s.CreateGuardian(ctx, g))
		return g
	}
	old := domain.Address{Street: "Gamleveien 1", Postcode: "0150", PostTown: "OSLO", Municipality: oslo}
	aksel := child("01921950043", "Aksel", "Strand", old)
	selma := child("20851950088", "Selma", "Nilsen", domain.Address{Street: "Tøyengata 20", Postcode: "0557", PostTown: "OSLO", Municipality: oslo})
	olav := child("29822050180", "Olav", "Dahl", domain.Address{})
	noah := child("05892150062", "Noah", "Berget", domain.Address{})
	mia := child("49871850010", "Mia", "Haugen", domain.Address{})
	emma := child("14832050033", "Emma", "Fjellheim", domain.Address{})
	sara := guardian("17819020140", "Sara", "Berget")
	jonas := guardian("30848920068", "Jonas", "Lie")
	for _, g := range []domain.Guardian{sara, jonas} {
		require.NoError(t, s.PutGuardianship(ctx, domain.Guardianship{Municipality: oslo, ChildID: noah.ID, GuardianID: g.ID, ParentalResponsibility: true}))
	}
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: oslo, Name: "Tøyen barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
	require.NoError(t, s.CreateUnit(ctx, kg))
	placement := domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: oslo, ChildID: selma.ID, UnitID: kg.ID,
		Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: date.New(2025, 8, 1)}}
	require.NoError(t, s.CreatePlacement(ctx, placement))

	a := domain.RegistryApplier{Store: s, Registry: c, Clock: domain.FixedClock(time.Date(2026, 11, 2, 12, 0, 0, 0, domain.Oslo()))}
	n, err := a.Sync(ctx, oslo)
	require.NoError(t, err)
	assert.Equal(t, 8, n, "every event applied, including the one about a person the register does not serve")
	pos, err := s.RegistryPosition(ctx, oslo)
	require.NoError(t, err)
	assert.Equal(t, int64(9), pos)

	get := func(ch domain.Child) domain.Child {
		got, err := s.Child(ctx, oslo, ch.ID)
		require.NoError(t, err)
		return got
	}
	// Strengt fortrolig: protected, and the old address gone.
	assert.Equal(t, domain.ProtectionStrengtFortrolig, get(aksel).AddressProtection)
	assert.True(t, get(aksel).Address.IsZero())
	assert.Equal(t, domain.ProtectionStrengtFortroligUtland, get(mia).AddressProtection, "the D-number child")
	// Selma moved to Bergen: her address, and a notice; the placement stays.
	assert.Equal(t, domain.MustMunicipality("4601"), get(selma).Address.Municipality)
	ps, err := s.Placements(ctx, oslo, selma.ID)
	require.NoError(t, err)
	assert.Equal(t, []domain.Placement{placement}, ps)
	// Emma's address came with a correction event (no move).
	assert.Equal(t, "Fjellveien 12", get(emma).Address.Street)
	// Noah: fortrolig by his address's grading; the mother alone holds
	// the responsibility, the father shares the residence.
	assert.Equal(t, domain.ProtectionFortrolig, get(noah).AddressProtection)
	links, err := s.Guardianships(ctx, oslo, noah.ID)
	require.NoError(t, err)
	require.Len(t, links, 2)
	for _, l := range links {
		switch l.GuardianID {
		case sara.ID:
			assert.True(t, l.ParentalResponsibility)
			assert.True(t, l.LivesWithChild)
		case jonas.ID:
			assert.False(t, l.ParentalResponsibility)
			assert.True(t, l.LivesWithChild)
		}
	}
	g, err := s.Guardian(ctx, oslo, sara.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionFortrolig, g.AddressProtection)

	notices, err := s.RegistryNotices(ctx, oslo)
	require.NoError(t, err)
	require.Len(t, notices, 2)
	assert.Equal(t, domain.RegistryNotice{Municipality: oslo, Sequence: 2, Kind: domain.NoticeMovedOut, Child: selma.ID,
		ToMunicipality: "4601", Recorded: notices[0].Recorded}, notices[0])
	assert.Equal(t, domain.NoticeDeath, notices[1].Kind)
	assert.Equal(t, olav.ID, notices[1].Child)

	// Emma's family is given strengt fortrolig: the next sync takes her
	// address away in the transaction that records the change.
	var doc map[string]any
	raw, ok := reg.Document("14832050033")
	require.True(t, ok)
	require.NoError(t, json.Unmarshal(raw, &doc))
	doc["adressebeskyttelse"] = []any{map[string]any{"erGjeldende": true, "graderingsnivaa": "strengtFortrolig"}}
	delete(doc, "bostedsadresse")
	raw, err = json.Marshal(doc)
	require.NoError(t, err)
	seq := reg.Publish("14832050033", "endringIAdressebeskyttelse", raw)
	n, err = a.Sync(ctx, oslo)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, domain.ProtectionStrengtFortrolig, get(emma).AddressProtection)
	assert.True(t, get(emma).Address.IsZero())
	pos, err = s.RegistryPosition(ctx, oslo)
	require.NoError(t, err)
	assert.Equal(t, seq+1, pos)
}
