// Command directory shows how a vendor embeds the Oppvekst directory: it
// opens a store (a temporary SQLite database here; open a database file or
// adapters/postgres without changing anything else), registers a
// kindergarten, a child with two guardians and a placement in one
// transaction, and shows the typed errors a product gets back for bad input.
//
//	go run ./examples/directory
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	if err != nil {
		return err
	}
	defer store.Close()
	m := domain.MustMunicipality("9999")

	// A synthetic test number (month + 80): never a real person.
	nid, err := domain.ParseNationalID("02842150186")
	if err != nil {
		return err
	}
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken barnehage",
		Kind: domain.Kindergarten, Owner: domain.Municipal}
	child := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, NationalID: nid,
		GivenName: "Emma", FamilyName: "Nordmann", BirthDate: nid.BirthDate(), AddressProtection: domain.ProtectionNone}
	mother := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Nordmann"}
	father := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Ola", FamilyName: "Hansen"}
	placement := domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: child.ID, UnitID: kg.ID,
		Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: date.New(2024, time.August, 1)}}

	// Everything or nothing: one transaction across every write.
	err = store.Atomic(ctx, func(ctx context.Context) error {
		return errors.Join(
			store.CreateUnit(ctx, kg),
			store.CreateChild(ctx, child),
			store.CreateGuardian(ctx, mother),
			store.CreateGuardian(ctx, father),
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: child.ID, GuardianID: mother.ID,
				ParentalResponsibility: true, LivesWithChild: true}),
			// The father has no parental responsibility but has asked for
			// information (barneloven § 47).
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: child.ID, GuardianID: father.ID,
				InformationRequested: true}),
			store.CreatePlacement(ctx, placement),
		)
	})
	if err != nil {
		return err
	}

	rec, err := store.ChildRecord(ctx, m, child.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s %s, født %s (%s), aldersgruppe 2024/25: %s\n", rec.Child.GivenName, rec.Child.FamilyName,
		rec.Child.BirthDate, rec.Child.NationalID.Masked(), domain.AgeGroupIn(rec.Child.BirthDate, 2024))
	for _, g := range rec.Guardians {
		fmt.Fprintf(out, "  foresatt %s %s: foreldreansvar=%t, får informasjon=%t\n", g.Guardian.GivenName,
			g.Guardian.FamilyName, g.Guardianship.ParentalResponsibility, g.Guardianship.ReceivesInformation())
	}
	for _, p := range rec.Placements {
		fmt.Fprintf(out, "  plass i %s fra %s, %d timer i uka\n", kg.Name, p.Period.Start, p.HoursPerWeek)
	}

	// Bad input: a typed error naming the field, and nothing written.
	second := placement
	second.ID = domain.NewID[domain.Placement]()
	second.Period = domain.Period{Start: date.New(2025, time.January, 1)}
	err = store.CreatePlacement(ctx, second)
	fmt.Fprintf(out, "overlapping placement: conflict=%t field=%s\n", errors.Is(err, domain.ErrConflict), domain.FieldOf(err))
	_, err = domain.ParseMunicipality("12A4")
	fmt.Fprintf(out, "kommunenummer 12A4: invalid=%t field=%s\n", errors.Is(err, domain.ErrInvalid), domain.FieldOf(err))
	_, err = store.Child(ctx, domain.MustMunicipality("0301"), child.ID)
	fmt.Fprintf(out, "the child seen from another municipality: not found=%t\n", errors.Is(err, domain.ErrNotFound))
	return nil
}
