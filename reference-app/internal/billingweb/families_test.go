package billingweb_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// newPerson registers a child and a guardian in no family for fees.
func newPerson(t *testing.T, ta *webtest.Harness, i int) (domain.Child, domain.Guardian) {
	t.Helper()
	nid := func(birth date.Date) domain.NationalID {
		for n := 901; n < 999; n += 2 {
			if id, err := domain.SyntheticNationalID(birth, n); err == nil {
				return id
			}
		}
		t.Fatal("no synthetic national ID")
		return domain.NationalID{}
	}
	c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: demo.Municipality, GivenName: fmt.Sprintf("Nyfamilie%d", i),
		FamilyName: "Barn", BirthDate: date.New(2021, time.April, 3+i)}
	c.NationalID = nid(c.BirthDate)
	g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: demo.Municipality, GivenName: fmt.Sprintf("Betalar%d", i),
		FamilyName: "Voksen", NationalID: nid(date.New(1990, time.May, 7+i))}
	require.NoError(t, ta.Store.CreateChild(t.Context(), c))
	require.NoError(t, ta.Store.CreateGuardian(t.Context(), g))
	return c, g
}

// A caseworker makes a family for fees, by the API (IDs) or by the form
// on /billing/families (national ID numbers); a child already in a family
// is refused, and so is a number nobody has. Before this there was no way
// to make a family over HTTP, so a municipality that did not come from the
// demo seed could invoice nobody.
func TestCaseworkerMakesAFamily(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)

	child, payer := newPerson(t, ta, 0)
	body := fmt.Sprintf(`{"payer":%q,"children":[%q],"start":"2025-12-01"}`, payer.ID, child.ID)
	resp := ta.Do(t, cw, "POST", "/api/v1/families", "application/json", body)
	require.Equal(t, 201, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"payerName":"Betalar0 Voksen"`)
	assert.Contains(t, resp.Body, `"name":"Nyfamilie0 Barn"`)
	assert.Contains(t, resp.Body, `"start":"2025-12-01"`)
	require.Len(t, ta.AuditedAs(t, "family.create"), 1)
	again := ta.Do(t, cw, "POST", "/api/v1/families", "application/json", body)
	assert.Equal(t, 409, again.Status, "the child is in a family already: %s", again.Body)
	assert.Equal(t, 403, ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "POST", "/api/v1/families", "application/json", body).Status)

	child2, payer2 := newPerson(t, ta, 1)
	form := url.Values{"child": {child2.NationalID.String()}, "payer": {payer2.NationalID.String()}, "familyStart": {"2025-12-01"}}
	resp = ta.Do(t, cw, "POST", "/billing/families", "application/x-www-form-urlencoded", form.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	page := ta.Do(t, cw, "GET", resp.Header.Get("Location"), "", "")
	assert.Contains(t, page.Body, "Familien er laget")
	assert.Contains(t, page.Body, "Nyfamilie1 Barn")

	form.Set("child", "12345678901")
	resp = ta.Do(t, cw, "POST", "/billing/families", "application/x-www-form-urlencoded", form.Encode())
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, "er ikke et gyldig fødselsnummer")
	form.Set("child", child2.NationalID.String())
	resp = ta.Do(t, cw, "POST", "/billing/families", "application/x-www-form-urlencoded", form.Encode())
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, "hører alt til en familie")
}

// A placed child in no family is not invoiced, and the run says why in
// the page's language (the API gives the code, and the details in
// English).
func TestRunSaysWhyAChildIsNotInvoiced(t *testing.T) {
	placedAlone := func(t *testing.T) (*webtest.Harness, string) {
		ta := webtest.New(t)
		child, _ := newPerson(t, ta, 0)
		require.NoError(t, ta.Store.CreatePlacement(t.Context(), domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: demo.Municipality,
			ChildID: child.ID, UnitID: ta.Bjorkelia, Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: date.New(2025, time.October, 1)}}))
		return ta, ta.CookieFor(t, demo.PersonaCaseworker)
	}
	ta, cw := placedAlone(t)
	resp := ta.RunInvoices(t, cw, "2025-11")
	require.Equal(t, 201, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"childName":"Nyfamilie0 Barn","kind":"kindergarten","code":"no-family","reason":"the child belongs to no family for fees this month"`)

	for lang, want := range map[string]string{"nb": "Barnet hører ikke til noen familie", "nn": "Barnet høyrer ikkje til nokon familie", "en": "The child belongs to no family"} {
		ta, cw := placedAlone(t)
		page := ta.Do(t, cw+"; "+web.LangCookie+"="+lang, "POST", "/billing/invoice-runs", "application/x-www-form-urlencoded", "month=2025-11")
		require.Equal(t, 200, page.Status, page.Body)
		assert.Contains(t, page.Body, want, lang)
		if lang != "en" {
			assert.NotContains(t, page.Body, "belongs to no family", lang)
		}
	}
}
