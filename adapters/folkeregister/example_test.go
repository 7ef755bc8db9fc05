package folkeregister_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/oppvekst/oppvekst/adapters/folkeregister"
	"github.com/oppvekst/oppvekst/adapters/folkeregister/folkeregistertest"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
)

// A client of the register reads the event feed from a sequence number and
// looks up the person each event is about. Here it talks to the local
// stand-in with its sample documents; in production BaseURL is left empty
// (DefaultBaseURL) and Token fetches a Maskinporten token.
func Example() {
	reg, err := folkeregistertest.Load(folkeregistertest.Testdata())
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(reg)
	defer srv.Close()

	c, err := folkeregister.New(folkeregister.Options{
		BaseURL: srv.URL + folkeregistertest.Prefix,
		Token:   func(context.Context) (string, error) { return "maskinporten-token", nil },
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	changes, err := c.Changes(ctx, 1)
	if err != nil {
		panic(err)
	}
	for _, ch := range changes[:4] {
		p, err := c.Person(ctx, ch.Person)
		if err != nil {
			panic(err)
		}
		fmt.Println(ch.Sequence, ch.Kind, p.GivenName, p.Protection, p.Address.Municipality, p.Dead())
	}
	_, err = c.Person(ctx, changes[7].Person)
	fmt.Println(domain.IsNotFound(err))
	// Output:
	// 1 protection Aksel strengt-fortrolig  false
	// 2 moved Selma none 4601 false
	// 3 death Olav none 0301 true
	// 4 parental-responsibility Noah fortrolig 0301 false
	// true
}

// The register workflow: domain.RegistryApplier reads the feed through the
// client and applies each change to the store in its own transaction. A
// child who moved out of the municipality becomes a notice for the
// caseworkers; her placement stays until a caseworker ends it.
func Example_applier() {
	ctx := context.Background()
	reg, err := folkeregistertest.Load(folkeregistertest.Testdata())
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(reg)
	defer srv.Close()
	client, err := folkeregister.New(folkeregister.Options{
		BaseURL: srv.URL + folkeregistertest.Prefix,
		Token:   func(context.Context) (string, error) { return "maskinporten-token", nil },
	})
	if err != nil {
		panic(err)
	}
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	if err != nil {
		panic(err)
	}
	defer store.Close()

	oslo := domain.MustMunicipality("0301")
	n, _ := domain.ParseNationalID("20851950088")
	selma := domain.Child{ID: domain.NewID[domain.Child](), Municipality: oslo, NationalID: n,
		GivenName: "Selma", FamilyName: "Nilsen", BirthDate: n.BirthDate(), AddressProtection: domain.ProtectionNone}
	if err := store.CreateChild(ctx, selma); err != nil {
		panic(err)
	}

	applier := domain.RegistryApplier{Store: store, Registry: client, Clock: domain.SystemClock{}}
	applied, err := applier.Sync(ctx, oslo)
	if err != nil {
		panic(err)
	}
	next, _ := store.RegistryPosition(ctx, oslo)
	notices, _ := store.RegistryNotices(ctx, oslo)
	child, _ := store.Child(ctx, oslo, selma.ID)
	fmt.Println(applied, next)
	fmt.Println(notices[0].Kind, notices[0].ToMunicipality, child.Address.Street)
	// Output:
	// 8 9
	// registry.moved-out 4601 Nygårdsgaten 5
}
