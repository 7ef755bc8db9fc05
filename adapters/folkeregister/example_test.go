package folkeregister_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/oppvekst/oppvekst/adapters/folkeregister"
	"github.com/oppvekst/oppvekst/adapters/folkeregister/folkeregistertest"
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
