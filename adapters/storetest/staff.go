package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// StaffStore is a directory store that also keeps staff members and their
// grants (domain.StaffStore).
type StaffStore interface {
	domain.Store
	domain.StaffStore
}

// RunStaff runs the suite of domain.StaffStore against stores made by
// newStore: members by principal, grants with dates, the rule against the
// same role twice (domain.CheckGrant), municipality isolation.
func RunStaff(t *testing.T, newStore func(t *testing.T) StaffStore) {
	t.Run("Members", func(t *testing.T) { testStaffMembers(t, newStore(t)) })
	t.Run("Grants", func(t *testing.T) { testGrants(t, newStore(t)) })
	t.Run("GrantConflicts", func(t *testing.T) { testGrantConflicts(t, newStore(t)) })
	t.Run("Isolation", func(t *testing.T) { testStaffIsolation(t, newStore(t)) })
}

func staffMember(m domain.Municipality, name, principal string) domain.StaffMember {
	return domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: m, Name: name, Principal: principal}
}

func grant(s domain.StaffMember, role domain.GrantRole, unit domain.UnitID, c domain.Capability, p domain.Period) domain.Grant {
	return domain.Grant{ID: domain.NewID[domain.Grant](), Municipality: s.Municipality, Staff: s.ID, Role: role, Unit: unit, Capability: c, Period: p}
}

func testStaffMembers(t *testing.T, s StaffStore) {
	ctx := ctxFor(t)
	kari := staffMember(Oslo, "Kari Lærer", "kari@oslo.kommune.no")
	ola := staffMember(Oslo, "Ola Leder", "ola@oslo.kommune.no")
	require.NoError(t, s.CreateStaffMember(ctx, ola))
	require.NoError(t, s.CreateStaffMember(ctx, kari))

	got, err := s.StaffByPrincipal(ctx, Oslo, "kari@oslo.kommune.no")
	require.NoError(t, err)
	assert.Equal(t, kari, got)
	got, err = s.StaffMember(ctx, Oslo, ola.ID)
	require.NoError(t, err)
	assert.Equal(t, ola, got)
	all, err := s.StaffMembers(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, []domain.StaffMember{kari, ola}, all, "sorted by name")

	// The principal is unique in the municipality.
	dup := staffMember(Oslo, "Kari To", "kari@oslo.kommune.no")
	assert.Equal(t, "principal", domain.FieldOf(s.CreateStaffMember(ctx, dup)))
	ola.Principal = "kari@oslo.kommune.no"
	assert.Equal(t, "principal", domain.FieldOf(s.UpdateStaffMember(ctx, ola)))
	ola.Principal, ola.Name = "ola.leder@oslo.kommune.no", "Ola Nordmann"
	require.NoError(t, s.UpdateStaffMember(ctx, ola))
	got, err = s.StaffByPrincipal(ctx, Oslo, "ola.leder@oslo.kommune.no")
	require.NoError(t, err)
	assert.Equal(t, ola, got)
	_, err = s.StaffByPrincipal(ctx, Oslo, "ola@oslo.kommune.no")
	assert.True(t, domain.IsNotFound(err))
	assert.True(t, domain.IsNotFound(s.UpdateStaffMember(ctx, staffMember(Oslo, "Ingen", "ingen@oslo.kommune.no"))))

	// The work e-mail address is optional, kept, changed and cleared.
	kari.Email = "kari.laerer@oslo.kommune.no"
	require.NoError(t, s.UpdateStaffMember(ctx, kari))
	got, err = s.StaffMember(ctx, Oslo, kari.ID)
	require.NoError(t, err)
	assert.Equal(t, "kari.laerer@oslo.kommune.no", got.Email)
	per := staffMember(Oslo, "Per PPT", "per@oslo.kommune.no")
	per.Email = "per.ppt@oslo.kommune.no"
	require.NoError(t, s.CreateStaffMember(ctx, per))
	got, err = s.StaffByPrincipal(ctx, Oslo, "per@oslo.kommune.no")
	require.NoError(t, err)
	assert.Equal(t, per, got)
	per.Email = ""
	require.NoError(t, s.UpdateStaffMember(ctx, per))
	got, err = s.StaffMember(ctx, Oslo, per.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Email)
	bad := kari
	bad.Email = "not an address"
	assert.Equal(t, "email", domain.FieldOf(s.UpdateStaffMember(ctx, bad)))
	got, err = s.StaffMember(ctx, Oslo, kari.ID)
	require.NoError(t, err)
	assert.Equal(t, "kari.laerer@oslo.kommune.no", got.Email, "a refused address leaves the stored one")

	// Invalid input is refused before anything is written.
	var ve *domain.ValidationError
	assert.ErrorAs(t, s.CreateStaffMember(ctx, staffMember(Oslo, "", "x@y")), &ve)
	assert.ErrorAs(t, s.CreateStaffMember(ctx, staffMember(Oslo, "Uten", "no principal")), &ve)
	all, err = s.StaffMembers(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, all, 3)
}

func testGrants(t *testing.T, s StaffStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, kg))
	kari := staffMember(Oslo, "Kari Lærer", "kari@oslo.kommune.no")
	require.NoError(t, s.CreateStaffMember(ctx, kari))

	leader := grant(kari, domain.GrantUnitLeader, kg.ID, "", domain.Period{Start: d(2025, 8, 1)})
	billing := grant(kari, domain.GrantCaseworker, domain.UnitID{}, domain.CapBilling, domain.Period{Start: d(2025, 1, 1), End: d(2025, 6, 30)})
	admin := grant(kari, domain.GrantAdmin, domain.UnitID{}, "", domain.Period{Start: d(2024, 1, 1)})
	for _, g := range []domain.Grant{leader, billing, admin} {
		require.NoError(t, s.PutGrant(ctx, g))
	}
	got, err := s.Grants(ctx, Oslo, kari.ID)
	require.NoError(t, err)
	assert.Equal(t, []domain.Grant{leader, billing, admin}, got, "by role, then start")
	one, err := s.Grant(ctx, Oslo, billing.ID)
	require.NoError(t, err)
	assert.Equal(t, billing, one)
	admins, err := s.RoleGrants(ctx, Oslo, domain.GrantAdmin)
	require.NoError(t, err)
	assert.Equal(t, []domain.Grant{admin}, admins)

	// Only the period of a stored grant changes.
	ended, gone := leader.Revoke(d(2025, 9, 1))
	require.False(t, gone)
	ended.Role, ended.Unit = domain.GrantUnitStaff, domain.NewID[domain.Unit]()
	require.NoError(t, s.PutGrant(ctx, ended))
	one, err = s.Grant(ctx, Oslo, leader.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.GrantUnitLeader, one.Role)
	assert.Equal(t, kg.ID, one.Unit)
	assert.Equal(t, domain.Period{Start: d(2025, 8, 1), End: d(2025, 8, 31)}, one.Period)

	require.NoError(t, s.DeleteGrant(ctx, Oslo, billing.ID))
	_, err = s.Grant(ctx, Oslo, billing.ID)
	assert.True(t, domain.IsNotFound(err))
	assert.True(t, domain.IsNotFound(s.DeleteGrant(ctx, Oslo, billing.ID)))

	// References that do not exist are refused on their field.
	assert.Equal(t, "staff", domain.FieldOf(s.PutGrant(ctx, grant(staffMember(Oslo, "Ingen", "i@x"), domain.GrantAdmin, domain.UnitID{}, "", domain.Period{Start: d(2025, 1, 1)}))))
	assert.Equal(t, "unit", domain.FieldOf(s.PutGrant(ctx, grant(kari, domain.GrantUnitStaff, domain.NewID[domain.Unit](), "", domain.Period{Start: d(2025, 1, 1)}))))
	var ve *domain.ValidationError
	assert.ErrorAs(t, s.PutGrant(ctx, grant(kari, domain.GrantUnitStaff, domain.UnitID{}, "", domain.Period{Start: d(2025, 1, 1)})), &ve)
	assert.ErrorAs(t, s.PutGrant(ctx, grant(kari, domain.GrantCaseworker, domain.UnitID{}, "cooking", domain.Period{Start: d(2025, 1, 1)})), &ve)

	// A rolled-back grant is not kept.
	boom := errors.New("boom")
	late := grant(kari, domain.GrantCaseworker, domain.UnitID{}, domain.CapAdmission, domain.Period{Start: d(2025, 1, 1)})
	err = s.Atomic(ctx, func(ctx context.Context) error {
		require.NoError(t, s.PutGrant(ctx, late))
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = s.Grant(ctx, Oslo, late.ID)
	assert.True(t, domain.IsNotFound(err))
}

func testGrantConflicts(t *testing.T, s StaffStore) {
	ctx := ctxFor(t)
	kari := staffMember(Oslo, "Kari Lærer", "kari@oslo.kommune.no")
	require.NoError(t, s.CreateStaffMember(ctx, kari))
	first := grant(kari, domain.GrantCaseworker, domain.UnitID{}, domain.CapAdmission, domain.Period{Start: d(2025, 1, 1), End: d(2025, 6, 30)})
	require.NoError(t, s.PutGrant(ctx, first))
	overlap := grant(kari, domain.GrantCaseworker, domain.UnitID{}, domain.CapAdmission, domain.Period{Start: d(2025, 6, 30)})
	var ce *domain.ConflictError
	require.ErrorAs(t, s.PutGrant(ctx, overlap), &ce)
	assert.Equal(t, domain.ReasonGrantOverlap, ce.Reason)
	// The day after is fine; so is another capability the same days.
	overlap.Period.Start = d(2025, 7, 1)
	require.NoError(t, s.PutGrant(ctx, overlap))
	require.NoError(t, s.PutGrant(ctx, grant(kari, domain.GrantCaseworker, domain.UnitID{}, domain.CapBilling, domain.Period{Start: d(2025, 1, 1)})))
	// Extending the first into the second is refused too.
	first.Period.End = d(2025, 7, 1)
	require.ErrorAs(t, s.PutGrant(ctx, first), &ce)

	// Two writers granting the same role at once: one wins.
	admins := []domain.Grant{
		grant(kari, domain.GrantAdmin, domain.UnitID{}, "", domain.Period{Start: d(2025, 1, 1)}),
		grant(kari, domain.GrantAdmin, domain.UnitID{}, "", domain.Period{Start: d(2025, 3, 1)}),
	}
	var wg sync.WaitGroup
	errs := make([]error, len(admins))
	for i, g := range admins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Atomic(ctx, func(ctx context.Context) error { return s.PutGrant(ctx, g) })
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		}
	}
	assert.Equal(t, 1, ok, "%v", errs)
	got, err := s.RoleGrants(ctx, Oslo, domain.GrantAdmin)
	require.NoError(t, err)
	assert.Len(t, got, 1)
}

func testStaffIsolation(t *testing.T, s StaffStore) {
	ctx := ctxFor(t)
	kari := staffMember(Oslo, "Kari Lærer", "kari@example.no")
	require.NoError(t, s.CreateStaffMember(ctx, kari))
	// The same principal may work in another municipality.
	other := staffMember(Bergen, "Kari Lærer", "kari@example.no")
	require.NoError(t, s.CreateStaffMember(ctx, other))
	g := grant(kari, domain.GrantAdmin, domain.UnitID{}, "", domain.Period{Start: d(2025, 1, 1)})
	require.NoError(t, s.PutGrant(ctx, g))

	_, err := s.StaffMember(ctx, Bergen, kari.ID)
	assert.True(t, domain.IsNotFound(err))
	_, err = s.Grant(ctx, Bergen, g.ID)
	assert.True(t, domain.IsNotFound(err))
	gs, err := s.Grants(ctx, Bergen, kari.ID)
	require.NoError(t, err)
	assert.Empty(t, gs)
	gs, err = s.RoleGrants(ctx, Bergen, domain.GrantAdmin)
	require.NoError(t, err)
	assert.Empty(t, gs)
	assert.True(t, domain.IsNotFound(s.DeleteGrant(ctx, Bergen, g.ID)))
	// A grant in Bergen for Oslo's member is refused.
	cross := g
	cross.ID, cross.Municipality = domain.NewID[domain.Grant](), Bergen
	assert.Equal(t, "staff", domain.FieldOf(s.PutGrant(ctx, cross)))
}
