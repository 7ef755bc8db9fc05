package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

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
