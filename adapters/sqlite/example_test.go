package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
)

func Example() {
	dir, err := os.MkdirTemp("", "oppvekst")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	store, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(dir, "oppvekst.db")})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	bergen := domain.MustMunicipality("4601")
	err = store.CreateUnit(ctx, domain.Unit{
		ID:           domain.NewID[domain.Unit](),
		Municipality: bergen,
		Name:         "Fjellsiden barnehage",
		Kind:         domain.Kindergarten,
		Owner:        domain.Municipal,
	})
	if err != nil {
		log.Fatal(err)
	}

	units, err := store.Units(ctx, bergen)
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range units {
		fmt.Println(u.Name, u.Kind, u.Owner)
	}
	// Output: Fjellsiden barnehage kindergarten municipal
}

// A temporary store: empty, private, gone after Close. The fast store of
// unit tests and examples.
func ExampleOpen_temp() {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	oslo := domain.MustMunicipality("0301")
	err = store.CreateChild(ctx, domain.Child{
		ID:                domain.NewID[domain.Child](),
		Municipality:      oslo,
		GivenName:         "Kari",
		FamilyName:        "Nordmann",
		BirthDate:         date.New(2021, time.March, 4),
		AddressProtection: domain.ProtectionNone,
	})
	if err != nil {
		log.Fatal(err)
	}
	children, err := store.Children(ctx, oslo)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(children), children[0].GivenName)
	// Output: 1 Kari
}
