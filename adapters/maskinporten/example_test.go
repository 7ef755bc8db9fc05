package maskinporten_test

import (
	"context"
	"log"
	"os"

	"github.com/oppvekst/oppvekst/adapters/folkeregister"
	"github.com/oppvekst/oppvekst/adapters/maskinporten"
)

// The population register's client gets its tokens from Maskinporten: the
// integration's client ID, the kid of its registered key and the key.
func Example() {
	pemBytes, err := os.ReadFile("maskinporten-key.pem")
	if err != nil {
		log.Fatal(err)
	}
	key, err := maskinporten.ParseKey(pemBytes)
	if err != nil {
		log.Fatal(err)
	}
	tokens, err := maskinporten.New(maskinporten.Options{
		TokenURL: "https://test.maskinporten.no/token",
		Audience: "https://test.maskinporten.no/",
		ClientID: "0b4e2f5c-client-id", KeyID: "oppvekst-2026", Key: key,
		Scopes: []string{folkeregister.Scope},
	})
	if err != nil {
		log.Fatal(err)
	}
	reg, err := folkeregister.New(folkeregister.Options{Token: tokens.Token})
	if err != nil {
		log.Fatal(err)
	}
	_, _ = reg.Changes(context.Background(), 1)
}
