package krr_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"

	"github.com/oppvekst/oppvekst/adapters/krr"
	"github.com/oppvekst/oppvekst/adapters/krr/krrtest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// A client of the register looks up many guardians at once; the answer
// decides each notice's route (messaging.RouteByRegister). Here it talks
// to the local stand-in replaying the recorded answers in testdata; in
// production BaseURL is left empty (DefaultBaseURL) and Token fetches a
// Maskinporten token for krr.Scope. In an application the client is set as
// messaging.Service.ContactRegister, and Notify does the same for every
// recipient.
func Example() {
	reg, err := krrtest.Load(os.DirFS("testdata"))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(reg)
	defer srv.Close()
	c, err := krr.New(krr.Options{
		BaseURL: srv.URL + "/rest/v1/",
		Token:   func(context.Context) (string, error) { return "maskinporten-token", nil },
	})
	if err != nil {
		panic(err)
	}
	var ids []domain.NationalID
	for _, s := range []string{"10848810032", "10848811845", "10848817282", "12868810090"} {
		n, err := domain.ParseNationalID(s)
		if err != nil {
			panic(err)
		}
		ids = append(ids, n)
	}
	entries, err := c.Lookup(context.Background(), ids)
	if err != nil {
		panic(err)
	}
	for _, n := range ids {
		e, found := entries[n]
		g := domain.Guardian{ID: domain.NewID[domain.Guardian](), NationalID: n, Email: "on-file@example.no"}
		r := messaging.RouteByRegister(g, messaging.ChannelAny, messaging.Email, messaging.RouteLookup{Found: found, Entry: e})
		fmt.Println(n.Masked(), e.Status, e.Reserved, e.CanNotify, r.Skip, r.Medium, r.Reason)
	}
	// Output:
	// 108488***** active false true false email register-can-notify
	// 108488***** active true false false digital-mailbox register-reserved
	// 108488***** deleted false false true  register-deleted
	// 128688***** active false false false digital-mailbox register-cannot-notify
}
