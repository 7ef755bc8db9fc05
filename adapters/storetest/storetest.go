// Package storetest is the conformance suite every store adapter must pass.
//
// A vendor who writes an adapter for another database proves it behaves like
// the reference stores by calling Run from a test, and measures it with
// RunBenchmarks:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) domain.Store { return newMyStore(t) })
//	}
//
// newStore must return an empty store that no other test uses, and register
// its own cleanup with t.Cleanup. The suite covers create, read and update of
// every directory record (children's and guardians' registered addresses
// included, in every read that returns the person), not-found,
// municipality isolation, rollback of Atomic across ports, refused
// overlapping placements, invalid input refused before anything is
// written, and concurrent writers. A unit's attendance day carries its
// children without their addresses (attendance.Day).
//
// Each capability's store port has a suite of its own, run against a store
// that also implements domain.Store, and benchmarks at municipal scale:
//
//	RunAdmission, RunAdmissionBenchmarks     admission.Store: rounds end to end
//	RunAttendance, RunAttendanceBenchmarks   attendance.Store: idempotent check-ins, rosters
//	RunCalendar                              domain.CalendarStore: the opening calendar
//	RunEvents                                domain.EventStore: the unit's calendar (events,
//	                                         guardians' feeds by token hash)
//	RunBilling, RunBillingBenchmarks         billing.Store: invoice runs to the øre
//	RunMessaging, RunMessagingBenchmarks     messaging.Store: recipients, outbox, crash safety
//	RunApp, RunAppBenchmarks                 audit log, idempotency keys, sessions
//	RunSpecialEd                             specialed.Store: cases, versioned documents,
//	                                         reminders once per key, special needs for SFO
//	RunConversations                         conversations.Store: one booking per slot and
//	                                         per child and seat, 16 at once on one slot
//	RunRegistry                              domain.RegistryStore and domain.RegistryApplier:
//	                                         register changes one per transaction
//	RunRetention                             domain.RetentionStore, domain.ErasureStore:
//	                                         expiry and erasure, proved on a dump of every table
//	RunReports                               reports.Counter: BASIL and GSI counted in the
//	                                         database equal the reports over every row;
//	                                         reports.NAVCounter's NAV list and
//	                                         reports.FigureNamer's figures too
//
// RunRetention is not in RunAll: it needs the adapter to dump every column
// of every table as text (a Dump), which only the adapter's own test can.
//
// RunAll runs them all against a Store that implements every port, as the
// SQLite and PostgreSQL stores do: adapters/sqlite on a temporary database
// per test (sqlite.Options.Temp), adapters/postgres on a schema of its own
// per test.
//
// The rules about the data are not the suite's, nor any store's: they live
// in the domain packages and every store calls them — the records' Validate
// methods, domain.CheckPlacement and the other domain.Check functions,
// admission.CheckOffer, billing.CheckMembers, messaging.CheckThread and
// their kin, and the Sort functions that fix the order of every list. The
// suite checks that a store applies them, and what only a store can do:
// constraints on what it holds, transactions, isolation and concurrency.
//
// For the unit tests of code that uses a store, open a temporary SQLite
// store; it is fast and behaves as every other store does:
//
//	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// Municipalities used by the suite.
var (
	Oslo   = domain.MustMunicipality("0301")
	Bergen = domain.MustMunicipality("4601")
)

// Run runs the whole suite against stores made by newStore.
func Run(t *testing.T, newStore func(t *testing.T) domain.Store) {
	t.Run("Children", func(t *testing.T) { testChildren(t, newStore(t)) })
	t.Run("Guardians", func(t *testing.T) { testGuardians(t, newStore(t)) })
	t.Run("PersonAddresses", func(t *testing.T) { testPersonAddresses(t, newStore(t)) })
	t.Run("Guardianships", func(t *testing.T) { testGuardianships(t, newStore(t)) })
	t.Run("UnitsAndGroups", func(t *testing.T) { testUnitsAndGroups(t, newStore(t)) })
	t.Run("UnitDetails", func(t *testing.T) { testUnitDetails(t, newStore(t)) })
	t.Run("Orphans", func(t *testing.T) { testOrphans(t, newStore(t)) })
	t.Run("Placements", func(t *testing.T) { testPlacements(t, newStore(t)) })
	t.Run("ChildRecord", func(t *testing.T) { testChildRecord(t, newStore(t)) })
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, newStore(t)) })
	t.Run("MunicipalityIsolation", func(t *testing.T) { testIsolation(t, newStore(t)) })
	t.Run("AtomicRollback", func(t *testing.T) { testAtomicRollback(t, newStore(t)) })
	t.Run("AtomicCommitAndNesting", func(t *testing.T) { testAtomicCommit(t, newStore(t)) })
	t.Run("OverlappingPlacements", func(t *testing.T) { testOverlap(t, newStore(t)) })
	t.Run("InvalidInput", func(t *testing.T) { testInvalid(t, newStore(t)) })
	t.Run("Duplicates", func(t *testing.T) { testDuplicates(t, newStore(t)) })
	t.Run("ConcurrentWriters", func(t *testing.T) { testConcurrent(t, newStore(t)) })
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// fixture builds valid records with fresh IDs.
type fixture struct {
	m   domain.Municipality
	seq int
}

func d(y int, m time.Month, day int) date.Date { return date.New(y, m, day) }

// nid makes a valid synthetic fødselsnummer (month + 80) for the birth date,
// trying individual numbers from one picked by seq until the control digits
// work out.
func nid(t testing.TB, birth date.Date, seq int) domain.NationalID {
	t.Helper()
	base := 0 // 000–499: 1900s
	if birth.Year() >= 2000 {
		base = 500 // 500–999: 2000s
	}
	for i := 0; i < 500; i++ {
		if n, err := domain.SyntheticNationalID(birth, base+(seq*7+i)%500); err == nil {
			return n
		}
	}
	t.Fatalf("no national ID for %s", birth)
	return domain.NationalID{}
}

func (f *fixture) child(t testing.TB) domain.Child {
	f.seq++
	birth := d(2020, time.Month(1+f.seq%12), 1+f.seq%28)
	return domain.Child{
		ID: domain.NewID[domain.Child](), Municipality: f.m,
		NationalID: nid(t, birth, f.seq),
		GivenName:  fmt.Sprintf("Barn %d", f.seq), FamilyName: "Nordmann",
		BirthDate: birth, AddressProtection: domain.ProtectionNone,
	}
}

func (f *fixture) guardian(t testing.TB) domain.Guardian {
	f.seq++
	birth := d(1985, time.Month(1+f.seq%12), 1+f.seq%28)
	return domain.Guardian{
		ID: domain.NewID[domain.Guardian](), Municipality: f.m,
		NationalID: nid(t, birth, f.seq),
		GivenName:  fmt.Sprintf("Forelder %d", f.seq), FamilyName: "Nordmann",
		Email: fmt.Sprintf("forelder%d@example.no", f.seq), Phone: "+47 99 99 99 99",
		AddressProtection: domain.ProtectionNone,
	}
}

func (f *fixture) unit(kind domain.UnitKind) domain.Unit {
	f.seq++
	return domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: f.m,
		Name: fmt.Sprintf("Enhet %d", f.seq), Kind: kind, Owner: domain.Municipal}
}

func (f *fixture) group(u domain.Unit) domain.Group {
	f.seq++
	return domain.Group{ID: domain.NewID[domain.Group](), Municipality: f.m, UnitID: u.ID, Name: fmt.Sprintf("Gruppe %d", f.seq)}
}

func (f *fixture) placement(c domain.Child, u domain.Unit, start, end date.Date) domain.Placement {
	hours := 41
	if u.Kind == domain.School {
		hours = 0
	}
	return domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: f.m,
		ChildID: c.ID, UnitID: u.ID, Kind: u.Kind, HoursPerWeek: hours,
		Period: domain.Period{Start: start, End: end}}
}

// counts is a snapshot of how much a municipality holds, to prove that a
// refused change wrote nothing.
type counts struct {
	children, units, groups, placements, guardianships int
}

func snapshot(t testing.TB, ctx context.Context, s domain.Store, m domain.Municipality) counts {
	t.Helper()
	var c counts
	children, err := s.Children(ctx, m)
	require.NoError(t, err)
	c.children = len(children)
	units, err := s.Units(ctx, m)
	require.NoError(t, err)
	c.units = len(units)
	for _, u := range units {
		gs, err := s.Groups(ctx, m, u.ID)
		require.NoError(t, err)
		c.groups += len(gs)
	}
	for _, ch := range children {
		ps, err := s.Placements(ctx, m, ch.ID)
		require.NoError(t, err)
		c.placements += len(ps)
		gs, err := s.Guardianships(ctx, m, ch.ID)
		require.NoError(t, err)
		c.guardianships += len(gs)
	}
	return c
}

// requireReason checks that err refuses field with the reason code and
// returns its parameters (the errors carry codes; their text is the
// application's).
func requireReason(t testing.TB, err error, field, code string) map[string]string {
	t.Helper()
	var ve *domain.ValidationError
	require.Truef(t, errors.As(err, &ve), "want a validation error, got %v", err)
	for _, f := range ve.Fields {
		if f.Field == field {
			assert.Equalf(t, code, f.Reason, "reason of %s in %v", field, err)
			return f.Params
		}
	}
	require.Failf(t, "field not refused", "%s not in %v", field, err)
	return nil
}

func requireField(t testing.TB, err error, sentinel error, field string) {
	t.Helper()
	require.Error(t, err)
	require.Truef(t, errors.Is(err, sentinel), "want %v, got %v", sentinel, err)
	assert.Equalf(t, field, domain.FieldOf(err), "field of %v", err)
}
