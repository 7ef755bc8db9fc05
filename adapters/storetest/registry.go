package storetest

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// RegistryStore is a store that keeps the population register's feed
// position and the caseworkers' registry notices (domain.RegistryStore).
type RegistryStore = domain.RegistryStore

// RunRegistry runs the suite of domain.RegistryStore against stores made by
// newStore, and domain.RegistryApplier on top of them with a register held
// in memory (FakeRegistry): the feed position, notices, one change per
// transaction, a new protection at once, a move out of the municipality as
// a caseworker notice, parental responsibility, and nothing decided
// rewritten.
func RunRegistry(t *testing.T, newStore func(t *testing.T) RegistryStore) {
	t.Run("Position", func(t *testing.T) { testRegistryPosition(t, newStore(t)) })
	t.Run("Notices", func(t *testing.T) { testRegistryNotices(t, newStore(t)) })
	t.Run("Protection", func(t *testing.T) { testApplyProtection(t, newStore(t)) })
	t.Run("MovedOut", func(t *testing.T) { testApplyMovedOut(t, newStore(t)) })
	t.Run("Death", func(t *testing.T) { testApplyDeath(t, newStore(t)) })
	t.Run("ParentalResponsibility", func(t *testing.T) { testApplyResponsibility(t, newStore(t)) })
	t.Run("Sync", func(t *testing.T) { testRegistrySync(t, newStore(t)) })
	t.Run("Failure", func(t *testing.T) { testRegistryFailure(t, newStore(t)) })
	t.Run("Concurrent", func(t *testing.T) { testRegistryConcurrent(t, newStore(t)) })
	t.Run("Handled", func(t *testing.T) { testRegistryHandled(t, newStore(t)) })
	t.Run("Redaction", func(t *testing.T) { testRegistryRedaction(t, newStore(t)) })
}

// FakeRegistry is a domain.Registry held in memory: persons by national ID
// and a feed, served in pages of PageSize (2 when zero, so that tests
// cross pages).
type FakeRegistry struct {
	mu       sync.Mutex
	persons  map[domain.NationalID]domain.RegisterPerson
	feed     []domain.RegisterChange
	PageSize int
	// Err, when set, is returned by Person.
	Err error
}

// Put stores a person's current state.
func (r *FakeRegistry) Put(p domain.RegisterPerson) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.persons == nil {
		r.persons = map[domain.NationalID]domain.RegisterPerson{}
	}
	r.persons[p.NationalID] = p
}

// Publish stores the person's new state and appends a change of the kind
// about them; it returns the change.
func (r *FakeRegistry) Publish(p domain.RegisterPerson, kind domain.ChangeKind) domain.RegisterChange {
	r.Put(p)
	r.mu.Lock()
	defer r.mu.Unlock()
	ch := domain.RegisterChange{Sequence: int64(len(r.feed) + 1), Kind: kind, Person: p.NationalID,
		Recorded: time.Date(2026, 11, 2, 9, len(r.feed), 0, 0, domain.Oslo())}
	r.feed = append(r.feed, ch)
	return ch
}

// Person implements domain.Registry.
func (r *FakeRegistry) Person(_ context.Context, n domain.NationalID) (domain.RegisterPerson, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return domain.RegisterPerson{}, r.Err
	}
	p, ok := r.persons[n]
	if !ok {
		return p, domain.ErrNotFound
	}
	return p, nil
}

// Changes implements domain.Registry.
func (r *FakeRegistry) Changes(_ context.Context, from int64) ([]domain.RegisterChange, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	size := r.PageSize
	if size == 0 {
		size = 2
	}
	var out []domain.RegisterChange
	for _, ch := range r.feed {
		if ch.Sequence >= from && len(out) < size {
			out = append(out, ch)
		}
	}
	return out, nil
}

var registryNow = time.Date(2026, 11, 2, 12, 0, 0, 0, domain.Oslo())

func applier(s RegistryStore, r *FakeRegistry) domain.RegistryApplier {
	return domain.RegistryApplier{Store: s, Registry: r, Clock: domain.FixedClock(registryNow)}
}

// home is where the test families live, as stored and as registered.
var home = domain.Address{Street: "Storgata 1", Postcode: "0155", PostTown: "OSLO", Municipality: Oslo}

// registered is the register's view of a stored child or guardian.
func registered(n domain.NationalID, given, family string, birth date.Date) domain.RegisterPerson {
	return domain.RegisterPerson{NationalID: n, GivenName: given, FamilyName: family, BirthDate: birth,
		Protection: domain.ProtectionNone, Address: home}
}

func registeredChild(c domain.Child) domain.RegisterPerson {
	return registered(c.NationalID, c.GivenName, c.FamilyName, c.BirthDate)
}

func registeredGuardian(g domain.Guardian) domain.RegisterPerson {
	return registered(g.NationalID, g.GivenName, g.FamilyName, g.NationalID.BirthDate())
}

// family stores a child with two guardians who share parental
// responsibility and live with it, and a kindergarten placement.
type family struct {
	child          domain.Child
	mother, father domain.Guardian
	placement      domain.Placement
}

func newFamily(t *testing.T, ctx context.Context, s RegistryStore, f *fixture) family {
	t.Helper()
	fam := family{child: f.child(t), mother: f.guardian(t), father: f.guardian(t)}
	fam.child.Address, fam.mother.Address, fam.father.Address = home, home, home
	kg := f.unit(domain.Kindergarten)
	fam.placement = f.placement(fam.child, kg, d(2025, 8, 1), date.Zero)
	require.NoError(t, s.CreateChild(ctx, fam.child))
	require.NoError(t, s.CreateGuardian(ctx, fam.mother))
	require.NoError(t, s.CreateGuardian(ctx, fam.father))
	require.NoError(t, s.CreateUnit(ctx, kg))
	require.NoError(t, s.CreatePlacement(ctx, fam.placement))
	for _, g := range []domain.Guardian{fam.mother, fam.father} {
		require.NoError(t, s.PutGuardianship(ctx, domain.Guardianship{Municipality: f.m, ChildID: fam.child.ID, GuardianID: g.ID,
			ParentalResponsibility: true, LivesWithChild: true}))
	}
	return fam
}

func (fam family) registered() domain.RegisterPerson {
	p := registeredChild(fam.child)
	p.Parents = []domain.RegisterParent{
		{NationalID: fam.mother.NationalID, Role: domain.RoleMother, Responsibility: domain.ResponsibilityShared, LivesWith: true},
		{NationalID: fam.father.NationalID, Role: domain.RoleFather, Responsibility: domain.ResponsibilityShared, LivesWith: true},
	}
	return p
}

// requireDecided checks that what was decided about the child is as it
// was: its placements and its guardians' § 47 decisions.
func requireDecided(t *testing.T, ctx context.Context, s RegistryStore, fam family) {
	t.Helper()
	ps, err := s.Placements(ctx, fam.child.Municipality, fam.child.ID)
	require.NoError(t, err)
	assert.Equal(t, []domain.Placement{fam.placement}, ps, "placements are never rewritten by the register")
}

func testRegistryPosition(t *testing.T, s RegistryStore) {
	ctx := ctxFor(t)
	pos, err := s.RegistryPosition(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, int64(1), pos, "nothing applied: start at 1")

	require.NoError(t, s.SetRegistryPosition(ctx, Oslo, 5))
	requireField(t, s.SetRegistryPosition(ctx, Oslo, 5), domain.ErrConflict, "sequence")
	pos, err = s.RegistryPosition(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, int64(5), pos)

	requireField(t, s.SetRegistryPosition(ctx, Oslo, 3), domain.ErrConflict, "sequence")
	requireField(t, s.SetRegistryPosition(ctx, Oslo, 0), domain.ErrInvalid, "sequence")
	pos, err = s.RegistryPosition(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, int64(5), pos, "a refused position changes nothing")

	// Each municipality has its own position.
	pos, err = s.RegistryPosition(ctx, Bergen)
	require.NoError(t, err)
	assert.Equal(t, int64(1), pos)

	// A position set in a transaction that rolls back is not kept.
	boom := errors.New("boom")
	err = s.Atomic(ctx, func(ctx context.Context) error {
		require.NoError(t, s.SetRegistryPosition(ctx, Oslo, 9))
		return boom
	})
	require.ErrorIs(t, err, boom)
	pos, err = s.RegistryPosition(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, int64(5), pos)
}

func testRegistryNotices(t *testing.T, s RegistryStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	a, b := f.child(t), f.child(t)
	require.NoError(t, s.CreateChild(ctx, a))
	require.NoError(t, s.CreateChild(ctx, b))
	at := registryNow
	n1 := domain.RegistryNotice{Municipality: Oslo, Sequence: 7, Kind: domain.NoticeMovedOut, Child: a.ID, ToMunicipality: Bergen, Recorded: at}
	n2 := domain.RegistryNotice{Municipality: Oslo, Sequence: 3, Kind: domain.NoticeDeath, Child: b.ID, Recorded: at}
	require.NoError(t, s.AddRegistryNotice(ctx, n1))
	require.NoError(t, s.AddRegistryNotice(ctx, n2))
	require.NoError(t, s.AddRegistryNotice(ctx, n1), "the same notice twice is stored once")

	got, err := s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, n2, got[0], "sorted by sequence")
	assert.Equal(t, n1, got[1])
	assert.True(t, got[1].Recorded.Equal(at))

	// Validation and references.
	bad := n1
	bad.Kind = "registry.unknown"
	requireField(t, s.AddRegistryNotice(ctx, bad), domain.ErrInvalid, "kind")
	bad = n1
	bad.Child = domain.NewID[domain.Child]()
	requireField(t, s.AddRegistryNotice(ctx, bad), domain.ErrInvalid, "child")
	// A child of another municipality is no child here.
	bad = n1
	bad.Municipality = Bergen
	requireField(t, s.AddRegistryNotice(ctx, bad), domain.ErrInvalid, "child")

	other, err := s.RegistryNotices(ctx, Bergen)
	require.NoError(t, err)
	assert.Empty(t, other)
}

func testApplyProtection(t *testing.T, s RegistryStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	fam := newFamily(t, ctx, s, f)
	reg := &FakeRegistry{}
	a := applier(s, reg)
	reg.Put(registeredGuardian(fam.mother))
	reg.Put(registeredGuardian(fam.father))

	// The child and the mother get strengt fortrolig; one change each.
	child := fam.registered()
	child.Protection = domain.ProtectionStrengtFortrolig
	child.Address = domain.Address{}
	ch := reg.Publish(child, domain.ChangeProtection)
	require.NoError(t, a.Apply(ctx, Oslo, ch))

	got, err := s.Child(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionStrengtFortrolig, got.AddressProtection, "the protection is in force at once")
	assert.True(t, got.Address.IsZero(), "strengt fortrolig: the old address is not kept")
	pos, err := s.RegistryPosition(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, ch.Sequence+1, pos, "the feed position moves with the change")
	audit, err := s.AuditEntries(ctx, Oslo, fam.child.ID, domain.AuditID{}, 10)
	require.NoError(t, err)
	require.Len(t, audit, 1, "the change to the child's data is audit-logged")
	assert.Equal(t, "child.update", audit[0].Action)
	assert.Equal(t, domain.RegistryActor(Oslo), audit[0].Actor)
	assert.Equal(t, "registry/1", audit[0].Record)
	assert.True(t, audit[0].At.Equal(registryNow))

	mother := registeredGuardian(fam.mother)
	mother.Protection = domain.ProtectionFortrolig
	ch2 := reg.Publish(mother, domain.ChangeProtection)
	require.NoError(t, a.Apply(ctx, Oslo, ch2))
	g, err := s.Guardian(ctx, Oslo, fam.mother.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionFortrolig, g.AddressProtection)
	assert.Equal(t, home, g.Address, "fortrolig: the address is kept, and hidden by the protection")
	assert.Equal(t, fam.mother.Email, g.Email, "the rest of the guardian stays")
	f2, err := s.Guardian(ctx, Oslo, fam.father.ID)
	require.NoError(t, err)
	assert.Equal(t, fam.father, f2, "the other guardian is untouched")

	// A change already applied is skipped: lifting the protection in the
	// register and replaying the old change does nothing.
	child.Protection = domain.ProtectionNone
	reg.Put(child)
	require.NoError(t, a.Apply(ctx, Oslo, ch))
	got, err = s.Child(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionStrengtFortrolig, got.AddressProtection, "a replayed change is not applied again")

	noticed, err := s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, noticed, "a protection needs no caseworker notice")
	requireDecided(t, ctx, s, fam)
}

func testApplyMovedOut(t *testing.T, s RegistryStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	fam := newFamily(t, ctx, s, f)
	reg := &FakeRegistry{}
	a := applier(s, reg)

	// A move within the municipality raises nothing.
	p := fam.registered()
	p.Address = domain.Address{Street: "Tøyengata 20", Postcode: "0557", PostTown: "OSLO", Municipality: Oslo}
	require.NoError(t, a.Apply(ctx, Oslo, reg.Publish(p, domain.ChangeMoved)))
	noticed, err := s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, noticed)
	got, err := s.Child(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	assert.Equal(t, p.Address, got.Address, "a move updates the registered address")
	mother, err := s.Guardian(ctx, Oslo, fam.mother.ID)
	require.NoError(t, err)
	assert.Equal(t, home, mother.Address, "only the person the change is about")

	// A move to Bergen raises a notice for the caseworker, naming where.
	p.Address = domain.Address{Street: "Nygårdsgaten 5", Postcode: "5015", PostTown: "BERGEN", Municipality: Bergen}
	moved := reg.Publish(p, domain.ChangeMoved)
	require.NoError(t, a.Apply(ctx, Oslo, moved))
	noticed, err = s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, noticed, 1)
	assert.Equal(t, domain.RegistryNotice{Municipality: Oslo, Sequence: moved.Sequence, Kind: domain.NoticeMovedOut,
		Child: fam.child.ID, ToMunicipality: Bergen, Recorded: noticed[0].Recorded}, noticed[0])
	assert.True(t, noticed[0].Recorded.Equal(registryNow))
	got, err = s.Child(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	assert.Equal(t, p.Address, got.Address)
	audit, err := s.AuditEntries(ctx, Oslo, fam.child.ID, domain.AuditID{}, 10)
	require.NoError(t, err)
	actions := map[string]int{}
	for _, e := range audit {
		actions[e.Action]++
	}
	assert.Equal(t, map[string]int{"child.update": 2, "registry-notice.create": 1}, actions)
	// The placement stays: ending it is the caseworker's decision.
	requireDecided(t, ctx, s, fam)

	// Emigration (moved-out without an address) and a protected move:
	// the notice does not say where.
	p.Protection = domain.ProtectionFortrolig
	p.Address.Municipality = "1103"
	secret := reg.Publish(p, domain.ChangeMovedOut)
	require.NoError(t, a.Apply(ctx, Oslo, secret))
	noticed, err = s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, noticed, 2)
	assert.Equal(t, domain.Municipality(""), noticed[1].ToMunicipality, "a protected person's new municipality is not recorded")
	got, err = s.Child(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionFortrolig, got.AddressProtection)
	assert.Equal(t, domain.Municipality("1103"), got.Address.Municipality)

	// An address the domain cannot hold (no post town) is not copied; the
	// feed goes on.
	p.Address = domain.Address{Street: "Kongsgårdgata 2", Postcode: "4005", Municipality: "1103"}
	require.NoError(t, a.Apply(ctx, Oslo, reg.Publish(p, domain.ChangeMoved)))
	kept, err := s.Child(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	assert.Equal(t, got.Address, kept.Address)
	requireDecided(t, ctx, s, fam)
}

func testApplyDeath(t *testing.T, s RegistryStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	fam := newFamily(t, ctx, s, f)
	sibling := f.child(t)
	require.NoError(t, s.CreateChild(ctx, sibling))
	require.NoError(t, s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: sibling.ID, GuardianID: fam.father.ID, ParentalResponsibility: true}))
	reg := &FakeRegistry{}
	a := applier(s, reg)

	// A death event about a person who lives (an annulled death) raises
	// nothing.
	father := registeredGuardian(fam.father)
	require.NoError(t, a.Apply(ctx, Oslo, reg.Publish(father, domain.ChangeDeath)))
	noticed, err := s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, noticed)

	// The father dies: a notice for each of his children.
	father.DeathDate = d(2026, 10, 30)
	died := reg.Publish(father, domain.ChangeDeath)
	require.NoError(t, a.Apply(ctx, Oslo, died))
	noticed, err = s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, noticed, 2)
	kids := []domain.ChildID{noticed[0].Child, noticed[1].Child}
	assert.ElementsMatch(t, []domain.ChildID{fam.child.ID, sibling.ID}, kids)
	for _, n := range noticed {
		assert.Equal(t, domain.NoticeDeath, n.Kind)
		assert.Equal(t, died.Sequence, n.Sequence)
	}
	// The guardianships stay as they are until the register changes the
	// parental responsibility.
	links, err := s.Guardianships(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	assert.Len(t, links, 2)
	requireDecided(t, ctx, s, fam)
}

func testApplyResponsibility(t *testing.T, s RegistryStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	fam := newFamily(t, ctx, s, f)
	// The unit granted the father's § 47 request earlier: a decision.
	require.NoError(t, s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: fam.child.ID, GuardianID: fam.father.ID,
		ParentalResponsibility: true, LivesWithChild: true, InformationRequested: true}))
	reg := &FakeRegistry{}
	a := applier(s, reg)

	// The mother gets sole responsibility; the father keeps a shared
	// residence (lives with) but loses the responsibility.
	p := fam.registered()
	p.Parents[0].Responsibility = domain.ResponsibilitySole
	p.Parents[1].Responsibility = domain.ResponsibilityNone
	require.NoError(t, a.Apply(ctx, Oslo, reg.Publish(p, domain.ChangeParentalResponsibility)))

	links, err := s.Guardianships(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	byGuardian := map[domain.GuardianID]domain.Guardianship{}
	for _, l := range links {
		byGuardian[l.GuardianID] = l
	}
	assert.Equal(t, domain.Guardianship{Municipality: Oslo, ChildID: fam.child.ID, GuardianID: fam.mother.ID,
		ParentalResponsibility: true, LivesWithChild: true}, byGuardian[fam.mother.ID])
	assert.Equal(t, domain.Guardianship{Municipality: Oslo, ChildID: fam.child.ID, GuardianID: fam.father.ID,
		ParentalResponsibility: false, LivesWithChild: true, InformationRequested: true}, byGuardian[fam.father.ID],
		"the register decides the responsibility; the unit's § 47 decision stays")
	noticed, err := s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, noticed, "every holder is in the directory")

	// A new holder the directory does not know (appointed by the child
	// welfare service): a notice, and the known guardians as the register
	// says.
	stranger := nid(t, d(1975, 3, 3), 91)
	p.Parents = append(p.Parents, domain.RegisterParent{NationalID: stranger, Role: domain.RoleOtherResponsible, Responsibility: domain.ResponsibilityShared})
	p.Parents[0].Responsibility = domain.ResponsibilityShared
	ch := reg.Publish(p, domain.ChangeParentalResponsibility)
	require.NoError(t, a.Apply(ctx, Oslo, ch))
	noticed, err = s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, noticed, 1)
	assert.Equal(t, domain.NoticeParentalResponsibility, noticed[0].Kind)
	assert.Equal(t, fam.child.ID, noticed[0].Child)

	// The register no longer names the father at all: he loses what the
	// register gave, the link stays for the unit's decision.
	p.Parents = p.Parents[:1]
	require.NoError(t, a.Apply(ctx, Oslo, reg.Publish(p, domain.ChangeParentalResponsibility)))
	links, err = s.Guardianships(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	assert.Len(t, links, 2)
	requireDecided(t, ctx, s, fam)
}

func testRegistrySync(t *testing.T, s RegistryStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	fam := newFamily(t, ctx, s, f)
	reg := &FakeRegistry{}
	a := applier(s, reg)
	reg.Put(registeredGuardian(fam.mother))

	// Five changes over three pages: someone the municipality does not
	// know, a protection, a death of no one known, a move out, and a
	// protection on the mother.
	unknown := registered(nid(t, d(2019, 4, 4), 17), "Ukjent", "Person", d(2019, 4, 4))
	reg.Publish(unknown, domain.ChangeMoved)
	child := fam.registered()
	child.Protection = domain.ProtectionFortrolig
	reg.Publish(child, domain.ChangeProtection)
	reg.Publish(unknown, domain.ChangeDeath)
	child.Address = domain.Address{Street: "Nygårdsgaten 5", Postcode: "5015", PostTown: "BERGEN", Municipality: Bergen}
	reg.Publish(child, domain.ChangeMoved)
	mother := registeredGuardian(fam.mother)
	mother.Protection = domain.ProtectionStrengtFortrolig
	mother.Address = domain.Address{}
	reg.Publish(mother, domain.ChangeProtection)

	n, err := a.Sync(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	pos, err := s.RegistryPosition(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, int64(6), pos)
	got, err := s.Child(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionFortrolig, got.AddressProtection)
	g, err := s.Guardian(ctx, Oslo, fam.mother.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionStrengtFortrolig, g.AddressProtection)
	assert.True(t, g.Address.IsZero())
	noticed, err := s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, noticed, 1)
	assert.Equal(t, int64(4), noticed[0].Sequence)
	assert.Empty(t, noticed[0].ToMunicipality, "the child is fortrolig: where it moved is not recorded")

	// Nothing newer: a second sync applies nothing.
	n, err = a.Sync(ctx, Oslo)
	require.NoError(t, err)
	assert.Zero(t, n)
	// The other municipality's position is its own.
	pos, err = s.RegistryPosition(ctx, Bergen)
	require.NoError(t, err)
	assert.Equal(t, int64(1), pos)
	requireDecided(t, ctx, s, fam)
}

func testRegistryFailure(t *testing.T, s RegistryStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	fam := newFamily(t, ctx, s, f)
	reg := &FakeRegistry{}
	a := applier(s, reg)
	child := fam.registered()
	child.Protection = domain.ProtectionStrengtFortrolig
	reg.Publish(child, domain.ChangeProtection)
	child.Address.Municipality = Bergen
	reg.Publish(child, domain.ChangeMoved)

	// The register is down: nothing is applied, the position stays.
	reg.Err = domain.ErrUnavailable
	n, err := a.Sync(ctx, Oslo)
	require.ErrorIs(t, err, domain.ErrUnavailable)
	assert.Zero(t, n)
	pos, err := s.RegistryPosition(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, int64(1), pos)

	// A change whose effects the store refuses rolls back whole: the
	// protection it set and the position. A person with an invalid
	// protection level stands for any refused write.
	reg.Err = nil
	bad := child
	bad.Protection = "secret"
	reg.Put(bad)
	err = a.Apply(ctx, Oslo, domain.RegisterChange{Sequence: 1, Kind: domain.ChangeProtection, Person: child.NationalID})
	require.Error(t, err)
	got, err := s.Child(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionNone, got.AddressProtection)
	pos, err = s.RegistryPosition(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, int64(1), pos, "a failed change leaves the position before it")

	// Once the register answers again, the feed is applied in order.
	reg.Put(child)
	n, err = a.Sync(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	got, err = s.Child(ctx, Oslo, fam.child.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionStrengtFortrolig, got.AddressProtection)
	noticed, err := s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, noticed, 1)
	sort.Slice(noticed, func(i, j int) bool { return noticed[i].Sequence < noticed[j].Sequence })
	assert.Equal(t, domain.NoticeMovedOut, noticed[0].Kind)
	requireDecided(t, ctx, s, fam)
}

// Appliers running side by side on one change: it is applied once (one
// notice, one audit entry for it, one step of the position), and none of
// them fails.
func testRegistryConcurrent(t *testing.T, s RegistryStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	fam := newFamily(t, ctx, s, f)
	reg := &FakeRegistry{}
	p := fam.registered()
	p.Address = domain.Address{Street: "Nygårdsgaten 5", Postcode: "5015", PostTown: "BERGEN", Municipality: Bergen}
	ch := reg.Publish(p, domain.ChangeMoved)

	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = applier(s, reg).Apply(ctx, Oslo, ch)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	noticed, err := s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, noticed, 1)
	pos, err := s.RegistryPosition(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, ch.Sequence+1, pos)
	audit, err := s.AuditEntries(ctx, Oslo, fam.child.ID, domain.AuditID{}, 20)
	require.NoError(t, err)
	created := 0
	for _, e := range audit {
		if e.Action == "registry-notice.create" {
			created++
		}
	}
	assert.Equal(t, 1, created, "the change was committed once")

	// The same, made certain: an applier that read the position before
	// another committed the change (a stale read) finds the position
	// taken when it writes it; its transaction rolls back, without error.
	stale := staleStore{RegistryStore: s}
	a := domain.RegistryApplier{Store: stale, Registry: reg, Clock: domain.FixedClock(registryNow.Add(time.Hour))}
	require.NoError(t, a.Apply(ctx, Oslo, ch))
	noticed, err = s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, noticed, 1)
	assert.True(t, noticed[0].Recorded.Equal(registryNow), "the first applier's notice stands")
	audit, err = s.AuditEntries(ctx, Oslo, fam.child.ID, domain.AuditID{}, 20)
	require.NoError(t, err)
	for _, e := range audit {
		assert.True(t, e.At.Equal(registryNow), "nothing of the stale applier is kept")
	}
}

// staleStore reads the registry position as it was before anything was
// applied.
type staleStore struct{ RegistryStore }

func (staleStore) RegistryPosition(context.Context, domain.Municipality) (int64, error) {
	return 1, nil
}

// A caseworker marks a notice handled once: by name and time; a second
// time is a conflict, an unknown notice not found.
func testRegistryHandled(t *testing.T, s RegistryStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	fam := newFamily(t, ctx, s, f)
	n := domain.RegistryNotice{Municipality: Oslo, Sequence: 4, Kind: domain.NoticeDeath, Child: fam.child.ID, Recorded: registryNow}
	require.NoError(t, s.AddRegistryNotice(ctx, n))
	got, err := s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.True(t, got[0].Open())
	at := registryNow.Add(time.Hour)
	requireField(t, s.HandleRegistryNotice(ctx, Oslo, 4, domain.NoticeDeath, fam.child.ID, " ", at), domain.ErrInvalid, "handledBy")
	require.NoError(t, s.HandleRegistryNotice(ctx, Oslo, 4, domain.NoticeDeath, fam.child.ID, "Siri Saksbehandler", at))
	got, err = s.RegistryNotices(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.False(t, got[0].Open())
	assert.True(t, got[0].Handled.Equal(at))
	assert.Equal(t, "Siri Saksbehandler", got[0].HandledBy)
	requireField(t, s.HandleRegistryNotice(ctx, Oslo, 4, domain.NoticeDeath, fam.child.ID, "Siri", at), domain.ErrConflict, "handled")
	assert.ErrorIs(t, s.HandleRegistryNotice(ctx, Oslo, 5, domain.NoticeDeath, fam.child.ID, "Siri", at), domain.ErrNotFound)
	assert.ErrorIs(t, s.HandleRegistryNotice(ctx, Bergen, 4, domain.NoticeDeath, fam.child.ID, "Siri", at), domain.ErrNotFound)
}

// outboxStore is a registry store that also keeps the outbox.
type outboxStore interface {
	Enqueue(ctx context.Context, ds []messaging.Delivery) (int, error)
	Deliveries(ctx context.Context, m domain.Municipality) ([]messaging.Delivery, error)
}

// A new strict protection removes the old street address from the outbox
// in the same transaction as the protection; when the change fails, both
// roll back together. Another municipality's rows, and other text, stay.
func testRegistryRedaction(t *testing.T, s RegistryStore) {
	ob, ok := s.(outboxStore)
	require.True(t, ok, "a registry store keeps the outbox it redacts")
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	fam := newFamily(t, ctx, s, f)
	fb := &fixture{m: Bergen}
	other := fb.guardian(t)
	require.NoError(t, s.CreateGuardian(ctx, other))
	letter := func(m domain.Municipality, g domain.GuardianID, key string) messaging.Delivery {
		return messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: m, Key: key, Kind: "message.new",
			Guardian: g, Medium: messaging.Email, To: "x@example.org", Language: "nb",
			Subject: "Brev til " + home.Street, Body: "Vi sender brevet til " + home.Street + ", 0155 OSLO.",
			State: messaging.Pending, NextAt: registryNow, CreatedAt: registryNow}
	}
	_, err := ob.Enqueue(ctx, []messaging.Delivery{letter(Oslo, fam.mother.ID, "a"), letter(Bergen, other.ID, "b")})
	require.NoError(t, err)
	_, err = s.RedactAddress(ctx, Oslo, "Stor")
	requireField(t, err, domain.ErrInvalid, "street")

	reg := &FakeRegistry{}
	a := applier(s, reg)
	mother := registeredGuardian(fam.mother)
	mother.Protection = domain.ProtectionStrengtFortrolig
	mother.Address = domain.Address{}
	ch := reg.Publish(mother, domain.ChangeProtection)

	// A change that fails after the redaction rolls it back with the
	// protection: the stale store refuses the position.
	err = applier(failingPosition{s}, reg).Apply(ctx, Oslo, ch)
	require.Error(t, err)
	ds, err := ob.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Contains(t, ds[0].Body, home.Street, "a failed change redacts nothing")
	g, err := s.Guardian(ctx, Oslo, fam.mother.ID)
	require.NoError(t, err)
	assert.False(t, g.AddressProtection.Protected(), "nor protects")

	require.NoError(t, a.Apply(ctx, Oslo, ch))
	ds, err = ob.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.NotContains(t, ds[0].Subject+ds[0].Body, home.Street)
	assert.Equal(t, "Vi sender brevet til "+domain.RedactedAddress+", 0155 OSLO.", ds[0].Body)
	g, err = s.Guardian(ctx, Oslo, fam.mother.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionStrengtFortrolig, g.AddressProtection)
	theirs, err := ob.Deliveries(ctx, Bergen)
	require.NoError(t, err)
	require.Len(t, theirs, 1)
	assert.Contains(t, theirs[0].Body, home.Street, "another municipality's rows are not touched")
	audit, err := s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 20)
	require.NoError(t, err)
	var redacted int
	for _, e := range audit {
		if e.Action == "address.redact" {
			redacted++
		}
	}
	assert.Equal(t, 1, redacted, "the redaction is audit-logged")
}

// failingPosition is a store whose feed position cannot be written: the
// last step of every change fails.
type failingPosition struct{ RegistryStore }

func (failingPosition) SetRegistryPosition(context.Context, domain.Municipality, int64) error {
	return errors.New("the disk is full")
}
