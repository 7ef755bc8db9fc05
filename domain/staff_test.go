package domain_test

import (
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

func TestStaffActorForUsesTheGrantsInForceOnTheDay(t *testing.T) {
	m := domain.MustMunicipality("4601")
	kari := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: m, Name: "Kari", Principal: "kari@x.no"}
	u1, u2 := domain.NewID[domain.Unit](), domain.NewID[domain.Unit]()
	g := func(role domain.GrantRole, unit domain.UnitID, c domain.Capability, start, end date.Date) domain.Grant {
		return domain.Grant{ID: domain.NewID[domain.Grant](), Municipality: m, Staff: kari.ID, Role: role, Unit: unit, Capability: c, Period: domain.Period{Start: start, End: end}}
	}
	day := date.New(2025, time.September, 10)
	yesterday := day - 1
	grants := []domain.Grant{
		g(domain.GrantUnitStaff, u1, "", day-30, date.Zero),
		g(domain.GrantUnitLeader, u2, "", day-30, yesterday), // ended yesterday
	}
	a, ok := domain.StaffActorFor(kari, grants, day)
	require.True(t, ok)
	assert.Equal(t, domain.RoleStaff, a.Role)
	assert.Equal(t, []domain.UnitID{u1}, a.Units)
	assert.Empty(t, a.Leads)
	assert.Equal(t, kari.ID, a.Staff)
	assert.Equal(t, "Kari", a.Name)
	assert.Equal(t, "kari@x.no", a.Subject)
	require.NoError(t, a.Validate())

	// Yesterday she led u2 too.
	a, _ = domain.StaffActorFor(kari, grants, yesterday)
	assert.True(t, a.LeadsUnit(u2))
	assert.True(t, a.WorksAt(u2))

	// A role that ended yesterday gives nothing today: with it alone, no
	// access at all.
	_, ok = domain.StaffActorFor(kari, grants[1:], day)
	assert.False(t, ok)
	// Nor does a grant that starts tomorrow.
	_, ok = domain.StaffActorFor(kari, []domain.Grant{g(domain.GrantAdmin, domain.UnitID{}, "", day+1, date.Zero)}, day)
	assert.False(t, ok)

	// The widest role wins; the caseworker carries the capabilities.
	grants = append(grants, g(domain.GrantCaseworker, domain.UnitID{}, domain.CapBilling, day, day))
	a, _ = domain.StaffActorFor(kari, grants, day)
	assert.Equal(t, domain.RoleCaseworker, a.Role)
	assert.Equal(t, []domain.Capability{domain.CapBilling}, a.Handles)
	assert.True(t, a.HandlesCapability(domain.CapBilling))
	assert.False(t, a.HandlesCapability(domain.CapAdmission))
	// A fixed caseworker (demo, tests) handles everything.
	assert.True(t, domain.CaseworkerActor(m, "x").HandlesCapability(domain.CapAdmission))
	assert.False(t, domain.StaffActor(m, "x", u1).HandlesCapability(domain.CapAdmission))
}

func TestGrantRules(t *testing.T) {
	m := domain.MustMunicipality("4601")
	s := domain.NewID[domain.StaffMember]()
	base := domain.Grant{ID: domain.NewID[domain.Grant](), Municipality: m, Staff: s, Role: domain.GrantCaseworker, Capability: domain.CapAdmission,
		Period: domain.Period{Start: date.New(2025, 1, 1)}}
	require.NoError(t, base.Validate())

	bad := base
	bad.Unit = domain.NewID[domain.Unit]()
	assert.Equal(t, "unit", domain.FieldOf(bad.Validate()))
	bad = base
	bad.Role = domain.GrantUnitStaff
	bad.Capability = ""
	assert.Equal(t, "unit", domain.FieldOf(bad.Validate()))
	bad = base
	bad.Capability = "cooking"
	assert.Equal(t, "capability", domain.FieldOf(bad.Validate()))
	bad = base
	bad.Period.End = date.New(2024, 12, 31)
	assert.Equal(t, "period.end", domain.FieldOf(bad.Validate()))

	// Revoking from a day ends the grant the day before; from its first
	// day (or before), the grant never was.
	ended, gone := base.Revoke(date.New(2025, 3, 1))
	assert.False(t, gone)
	assert.Equal(t, date.New(2025, 2, 28), ended.Period.End)
	again, _ := ended.Revoke(date.New(2025, 6, 1))
	assert.Equal(t, date.New(2025, 2, 28), again.Period.End, "an earlier end stays")
	_, gone = base.Revoke(date.New(2025, 1, 1))
	assert.True(t, gone)

	other := base
	other.ID = domain.NewID[domain.Grant]()
	other.Period = domain.Period{Start: date.New(2025, 6, 1), End: date.New(2025, 6, 30)}
	assert.Error(t, domain.CheckGrant(other, []domain.Grant{base}))
	assert.NoError(t, domain.CheckGrant(other, []domain.Grant{ended}))
	other.Capability = domain.CapBilling
	assert.NoError(t, domain.CheckGrant(other, []domain.Grant{base}))
}
