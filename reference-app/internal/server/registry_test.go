package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/folkeregister"
	"github.com/oppvekst/oppvekst/adapters/folkeregister/folkeregistertest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/registryweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// strictDocument is a Folkeregister person document of a person whose
// address is strengt fortrolig: no address, the protection level.
func strictDocument(n domain.NationalID, given, family, birth string) []byte {
	const at = `"ajourholdstidspunkt": "2025-11-24T09:00:00+01:00", "erGjeldende": true, "kilde": "Folkeregisteret", "gyldighetstidspunkt": "2025-11-24T00:00:00+01:00"`
	return fmt.Appendf(nil, `{
  "identifikasjonsnummer": [{%[1]s, "foedselsEllerDNummer": %[2]q, "identifikatortype": "foedselsnummer", "status": "iBruk"}],
  "status": [{%[1]s, "status": "bosatt"}],
  "navn": [{%[1]s, "fornavn": %[3]q, "etternavn": %[4]q}],
  "foedsel": [{%[1]s, "foedselsdato": %[5]q}],
  "adressebeskyttelse": [{%[1]s, "graderingsnivaa": "strengtFortrolig"}]
}`, at, n.String(), given, family, birth)
}

// outboxDump is every outbox row of both demo municipalities, every
// column, as JSON.
func outboxDump(t *testing.T, ta *webtest.Harness) string {
	t.Helper()
	var all []any
	for _, m := range []domain.Municipality{demo.Municipality, demo.Neighbour} {
		ds, err := ta.Store.Deliveries(t.Context(), m)
		require.NoError(t, err)
		for _, d := range ds {
			all = append(all, d)
		}
	}
	b, err := json.Marshal(all)
	require.NoError(t, err)
	return string(b)
}

// The done-when of issue 15, point 3: a register change to strengt
// fortrolig makes the address disappear from every response, export and
// outbox row in the same transaction. Hilde Berg and her daughter Sofie
// live at an address no other household has; staff have written it into a
// message (thread, message and notifications in the outbox). Before the
// sync the street is there to be found; after it, the crawl of every
// persona, Hilde's access export (JSON and page) and a dump of the outbox
// find it nowhere, and the feed position stands after the changes.
func TestRegistryStrictProtectionHidesAddressEverywhere(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	m := demo.Municipality
	hildeID := ta.Personas[demo.PersonaGuardian].Actor.Guardian
	hilde, err := ta.Store.Guardian(ctx, m, hildeID)
	require.NoError(t, err)
	sofie, err := ta.Store.Child(ctx, m, ta.Sofie)
	require.NoError(t, err)
	street := hilde.Address.Street
	require.NotEmpty(t, street, "the seed gives Hilde Berg a registered address")
	require.Equal(t, street, sofie.Address.Street, "Sofie lives with her mother")
	require.False(t, hilde.AddressProtection.Protected())
	require.False(t, hilde.NationalID.IsZero() || sofie.NationalID.IsZero(), "both are in the register")
	// No other household has the street: the seed gives each its own
	// (demo.Streets), so a leak of it is a leak of theirs.
	// The register, with nothing about the demo's people yet.
	reg, srv := folkeregistertest.Start(t)
	client, err := folkeregister.New(folkeregister.Options{BaseURL: srv.URL + folkeregistertest.Prefix,
		Token: func(context.Context) (string, error) { return "test-token", nil }})
	require.NoError(t, err)
	ta.App.Registry = client
	siri := ta.CookieFor(t, demo.PersonaCaseworker)
	resp := ta.Do(t, siri, "POST", "/api/v1/registry/sync", "application/json", "{}")
	require.Equal(t, 200, resp.Status, resp.Body)
	before, err := ta.Store.RegistryPosition(ctx, m)
	require.NoError(t, err)
	require.Greater(t, before, int64(1), "the sample feed is read (about people the municipality does not know)")

	// Staff write the address into a message about Sofie: the thread, the
	// message, and a notification to each guardian in the outbox.
	kari := ta.CookieFor(t, demo.PersonaStaff)
	resp = ta.Do(t, kari, "POST", "/api/v1/threads", "application/json",
		fmt.Sprintf(`{"scope":"child","childId":%q,"subject":"Post til %s","body":"Vi sender skjemaet til %s, %s %s."}`,
			ta.Sofie, street, street, hilde.Address.Postcode, hilde.Address.PostTown))
	require.Equal(t, 201, resp.Status, resp.Body)

	hildeCookie := ta.CookieFor(t, demo.PersonaGuardian)
	exports := func() map[string]string {
		out := map[string]string{}
		for _, p := range []string{"/api/v1/children/" + ta.Sofie.String() + "/export", "/children/" + ta.Sofie.String() + "/export"} {
			r := ta.Do(t, hildeCookie, "GET", p, "", "")
			require.Equal(t, 200, r.Status, p)
			out["export "+p] = r.Body
		}
		return out
	}

	sofie0 := "/children/" + ta.Sofie.String()
	sofiePaths := []string{sofie0, sofie0 + "/address", "/api/v1/children/" + ta.Sofie.String(), "/guardian", "/invoices", "/api/v1/invoices"}

	// Before: the street is there to find, in responses, the export and
	// the outbox, so the search below can fail.
	require.Contains(t, outboxDump(t, ta), street, "the outbox holds the street")
	found := map[string]bool{}
	for _, key := range []string{demo.PersonaCaseworker, demo.PersonaGuardian} {
		for path, body := range webtest.Crawl(t, ta, key) {
			if strings.Contains(body, street) {
				found[key+" "+path] = true
			}
		}
	}
	for path, body := range exports() {
		if strings.Contains(body, street) {
			found[path] = true
		}
	}
	correction := ta.Do(t, siri, "GET", sofie0+"/address", "", "")
	require.Equal(t, 200, correction.Status)
	require.Contains(t, correction.Body, street, "before: the caseworker's correction form shows it")
	require.NotEmpty(t, found, "before the change some response shows the street")
	t.Logf("before the change, %q is in %d responses and in the outbox", street, len(found))

	// The register protects both.
	reg.Publish(hilde.NationalID.String(), "endringIAdressebeskyttelse", strictDocument(hilde.NationalID, hilde.GivenName, hilde.FamilyName, hilde.NationalID.BirthDate().String()))
	reg.Publish(sofie.NationalID.String(), "endringIAdressebeskyttelse", strictDocument(sofie.NationalID, sofie.GivenName, sofie.FamilyName, sofie.BirthDate.String()))
	resp = ta.Do(t, siri, "POST", "/api/v1/registry/sync", "application/json", "{}")
	require.Equal(t, 200, resp.Status, resp.Body)
	var synced registryweb.SyncView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &synced))
	assert.Equal(t, 2, synced.Applied)
	after, err := ta.Store.RegistryPosition(ctx, m)
	require.NoError(t, err)
	assert.Equal(t, before+2, after)
	g, err := ta.Store.Guardian(ctx, m, hildeID)
	require.NoError(t, err)
	assert.Equal(t, domain.ProtectionStrengtFortrolig, g.AddressProtection)
	assert.True(t, g.Address.IsZero(), "strengt fortrolig: the register gives no address, and the old one is not kept")

	// The change is audit-logged as the register's.
	var redactions int
	for _, e := range ta.AuditedAs(t, "address.redact") {
		assert.Equal(t, domain.RegistryActor(m), e.Actor)
		redactions++
	}
	assert.Equal(t, 1, redactions, "the street redacted once (Sofie's change finds it gone)")

	// After: nowhere.
	dump := outboxDump(t, ta)
	assert.NotContains(t, dump, street, "no outbox row holds the street")
	assert.Contains(t, dump, domain.RedactedAddress, "the rows are kept, the street redacted")
	keys := make([]string, 0, len(ta.Personas))
	for k := range ta.Personas {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	searched := 0
	for _, key := range keys {
		bodies := webtest.Crawl(t, ta, key)
		// The crawl stops at 400 responses; Sofie's own pages are asked
		// for by every persona besides.
		cookie := ta.CookieFor(t, key)
		for _, p := range sofiePaths {
			bodies[p+" (asked)"] = ta.Do(t, cookie, "GET", p, "", "").Body
		}
		for path, body := range bodies {
			searched++
			assert.False(t, strings.Contains(body, street), "%s as %s shows %s", path, key, street)
		}
	}
	for path, body := range exports() {
		searched++
		assert.False(t, strings.Contains(body, street), "%s shows %s", path, street)
	}
	t.Logf("after the change: %d responses of %d personas, 2 exports and %d outbox bytes searched for %q", searched, len(keys), len(dump), street)
	assert.Greater(t, searched, 200)

}

// The caseworkers' notices: a child moving out of the municipality raises
// one; the page and the API list it by the child's name, and a caseworker
// marks it handled once.
func TestRegistryNoticesHandled(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	m := demo.Municipality
	sofie, err := ta.Store.Child(ctx, m, ta.Sofie)
	require.NoError(t, err)
	reg, srv := folkeregistertest.Start(t)
	client, err := folkeregister.New(folkeregister.Options{BaseURL: srv.URL + folkeregistertest.Prefix,
		Token: func(context.Context) (string, error) { return "test-token", nil }})
	require.NoError(t, err)
	siri := ta.CookieFor(t, demo.PersonaCaseworker)

	// Not configured: the page says so, the API is unavailable.
	page := ta.Do(t, siri, "GET", "/caseworker/registry", "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "Ingen tilkobling til Folkeregisteret")
	resp := ta.Do(t, siri, "POST", "/api/v1/registry/sync", "application/json", "{}")
	assert.Equal(t, 503, resp.Status, resp.Body)

	ta.App.Registry = client
	const at = `"ajourholdstidspunkt": "2025-11-24T09:00:00+01:00", "erGjeldende": true, "kilde": "Folkeregisteret", "gyldighetstidspunkt": "2025-11-24T00:00:00+01:00"`
	doc := fmt.Appendf(nil, `{
  "identifikasjonsnummer": [{%[1]s, "foedselsEllerDNummer": %[2]q, "identifikatortype": "foedselsnummer", "status": "iBruk"}],
  "status": [{%[1]s, "status": "utflyttet"}],
  "navn": [{%[1]s, "fornavn": %[3]q, "etternavn": %[4]q}],
  "foedsel": [{%[1]s, "foedselsdato": %[5]q}],
  "bostedsadresse": [{%[1]s, "vegadresse": {"adressenavn": "Fjordgata", "adressenummer": {"husnummer": "3"}, "kommunenummer": "4601", "poststed": {"postnummer": "5003", "poststedsnavn": "BERGEN"}}}]
}`, at, sofie.NationalID.String(), sofie.GivenName, sofie.FamilyName, sofie.BirthDate.String())
	seq := reg.Publish(sofie.NationalID.String(), "flyttingTilAnnenKommune", doc)
	form := ta.Do(t, siri, "POST", "/caseworker/registry/sync", "application/x-www-form-urlencoded", "")
	require.Equal(t, 303, form.Status, form.Body)
	assert.Contains(t, form.Header.Get("Location"), "synced=")

	resp = ta.Do(t, siri, "GET", "/api/v1/registry/notices", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var ns []registryweb.NoticeView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &ns))
	require.Len(t, ns, 1, resp.Body)
	assert.Equal(t, seq, ns[0].Sequence)
	assert.Equal(t, domain.NoticeMovedOut, ns[0].Kind)
	assert.Equal(t, "Sofie Berg", ns[0].ChildName)
	assert.Equal(t, domain.Municipality("4601"), ns[0].ToMunicipality)
	assert.NotContains(t, resp.Body, "Fjordgata", "a notice names no address")
	assert.NotEmpty(t, ta.AuditedAs(t, "registry-notice.read"), "the list is audit-logged")
	for lang, want := range map[string]string{
		"nb": "Sofie Berg har flyttet ut av kommunen, til kommune 4601.",
		"nn": "Sofie Berg har flytta ut av kommunen, til kommune 4601.",
		"en": "Sofie Berg has moved out of the municipality, to municipality 4601.",
	} {
		page = ta.Do(t, siri+"; "+web.LangCookie+"="+lang, "GET", "/caseworker/registry", "", "")
		require.Equal(t, 200, page.Status)
		assert.Contains(t, page.Body, want, lang)
	}

	// Other roles are refused.
	for _, key := range []string{demo.PersonaGuardian, demo.PersonaStaff} {
		r := ta.Do(t, ta.CookieFor(t, key), "GET", "/api/v1/registry/notices", "", "")
		assert.Equal(t, 403, r.Status, key)
	}

	body := fmt.Sprintf(`{"sequence":%d,"kind":%q,"childId":%q}`, seq, domain.NoticeMovedOut, ta.Sofie)
	resp = ta.Do(t, siri, "POST", "/api/v1/registry/notices/handled", "application/json", body)
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"handledBy":"Siri Saksbehandler"`)
	resp = ta.Do(t, siri, "POST", "/api/v1/registry/notices/handled", "application/json", body)
	assert.Equal(t, 409, resp.Status, resp.Body)
	resp = ta.Do(t, siri, "POST", "/api/v1/registry/notices/handled", "application/json", `{"sequence":0,"kind":"x"}`)
	assert.Equal(t, 422, resp.Status, resp.Body)
	assert.Len(t, ta.AuditedAs(t, "registry-notice.handle"), 1)
	page = ta.Do(t, siri, "GET", "/caseworker/registry", "", "")
	assert.Contains(t, page.Body, "Fulgt opp av Siri Saksbehandler")
}

// A caseworker corrects a child's registered address: validated, audit-
// logged, shown back only when the household is not protected, refused for
// a strengt fortrolig child; the form says what was refused.
func TestRegistryAddressCorrection(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	siri := ta.CookieFor(t, demo.PersonaCaseworker)
	path := "/api/v1/children/" + ta.Sofie.String() + "/address"
	resp := ta.Do(t, siri, "PUT", path, "application/json", `{"address":{"street":"Skoleveien 3","postcode":"9901","postTown":"DEMOBY"}}`)
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"street":"Skoleveien 3"`)
	ch, err := ta.Store.Child(ctx, demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	assert.Equal(t, domain.Address{Street: "Skoleveien 3", Postcode: "9901", PostTown: "DEMOBY", Municipality: demo.Municipality}, ch.Address)
	assert.Len(t, ta.AuditedAs(t, "child.address-correct"), 1)

	resp = ta.Do(t, siri, "PUT", path, "application/json", `{"address":{"street":"Skoleveien 3","postcode":"99","postTown":"DEMOBY"}}`)
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, `"field":"address.postcode"`)

	aurora := "/api/v1/children/" + ta.Aurora.String() + "/address"
	resp = ta.Do(t, siri, "PUT", aurora, "application/json", `{"address":{"street":"Skoleveien 5","postcode":"9901","postTown":"DEMOBY"}}`)
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, `"reason":"strictly-protected"`)
	page := ta.Do(t, siri, "GET", "/children/"+ta.Aurora.String()+"/address", "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "strengt fortrolig adresse")
	assert.NotContains(t, page.Body, demo.ProtectedStreet)
	assert.NotContains(t, page.Body, `<form method="post" action="/children/`)

	form := ta.Do(t, siri, "POST", "/children/"+ta.Sofie.String()+"/address", "application/x-www-form-urlencoded", "street=&postcode=&postTown=")
	assert.Equal(t, 422, form.Status, "an empty form clears nothing")
	assert.Contains(t, form.Body, "Gateadresse:")
	form = ta.Do(t, siri, "POST", "/children/"+ta.Sofie.String()+"/address", "application/x-www-form-urlencoded", "street=Skoleveien+7&postcode=9901&postTown=demoby")
	require.Equal(t, 303, form.Status, form.Body)
	page = ta.Do(t, siri, "GET", form.Header.Get("Location"), "", "")
	assert.Contains(t, page.Body, "Adressen er lagret.")
	assert.Contains(t, page.Body, `value="Skoleveien 7"`)
	ch, err = ta.Store.Child(ctx, demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	assert.Equal(t, "DEMOBY", ch.Address.PostTown)
}
