package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/folkeregister/folkeregistertest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// personaClient logs in as a demo persona and returns its client.
func personaClient(t *testing.T, base, persona string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: webtest.NoRedirect.CheckRedirect}
	resp, err := c.PostForm(base+"/login/demo", url.Values{"persona": {persona}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, persona)
	return c
}

func call(t *testing.T, c *http.Client, method, u, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

var idInJSON = regexp.MustCompile(`"id":"([0-9a-f-]{36})"`)

// crawlHTTP fetches every page and API response a persona reaches from
// its start pages, the API lists and the links, as webtest.Crawl does
// in process.
func crawlHTTP(t *testing.T, base string, c *http.Client, extra ...string) map[string]string {
	t.Helper()
	queue := append([]string{"/", "/guardian", "/staff", "/caseworker", "/caseworker/registry", "/admin/audit", "/messages", "/invoices",
		"/api/v1/me", "/api/v1/children?limit=200", "/api/v1/threads?limit=200", "/api/v1/audit?limit=200", "/api/v1/registry/notices"}, extra...)
	bodies := map[string]string{}
	for len(queue) > 0 && len(bodies) < 400 {
		p := queue[0]
		queue = queue[1:]
		if _, done := bodies[p]; done || strings.HasPrefix(p, "/login") || strings.HasPrefix(p, "/logout") {
			continue
		}
		status, body := call(t, c, "GET", base+p, "", "")
		assert.Less(t, status, 500, p)
		bodies[p] = body
		for _, m := range webtest.HrefRE.FindAllStringSubmatch(body, -1) {
			queue = append(queue, strings.ReplaceAll(m[1], "&amp;", "&"))
		}
		switch p {
		case "/api/v1/children?limit=200":
			for _, m := range idInJSON.FindAllStringSubmatch(body, -1) {
				queue = append(queue, "/api/v1/children/"+m[1])
			}
		case "/api/v1/threads?limit=200":
			for _, m := range idInJSON.FindAllStringSubmatch(body, -1) {
				queue = append(queue, "/api/v1/threads/"+m[1])
			}
		}
	}
	return bodies
}

// The done-when of issue 15 point 3 on PostgreSQL, through the running
// app: -registry points at a local Folkeregister; a change to strengt
// fortrolig for Hilde and Sofie Berg, applied by a caseworker's sync, makes
// their street disappear from every persona's pages and API responses,
// from the access export, and from every row of msg_outbox (read by SQL).
func TestRegistryProtectionOnPostgres(t *testing.T) {
	dbURL := webtest.PostgresURL(t)
	reg, srv := folkeregistertest.Start(t)
	env := map[string]string{"OPPVEKST_REGISTRY_TOKEN": "test-token"}
	app := startWith(t, func(k string) string { return env[k] }, t.TempDir(), "-db", dbURL, "-registry", srv.URL+folkeregistertest.Prefix)
	t.Cleanup(func() { _ = app.stop() })
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(ctx) })

	type person struct{ id, nid, given, family, birth, street, postcode string }
	var hilde, sofie person
	require.NoError(t, conn.QueryRow(ctx, `SELECT id::text, national_id, given_name, family_name, address_street, address_postcode FROM guardians
		WHERE municipality = $1 AND given_name = 'Hilde' AND family_name = 'Berg'`, string(demo.Municipality)).
		Scan(&hilde.id, &hilde.nid, &hilde.given, &hilde.family, &hilde.street, &hilde.postcode))
	require.NoError(t, conn.QueryRow(ctx, `SELECT id::text, national_id, given_name, family_name, birth_date::text, address_street FROM children
		WHERE municipality = $1 AND given_name = 'Sofie' AND family_name = 'Berg'`, string(demo.Municipality)).
		Scan(&sofie.id, &sofie.nid, &sofie.given, &sofie.family, &sofie.birth, &sofie.street))
	street := hilde.street
	require.NotEmpty(t, street)
	require.Equal(t, street, sofie.street)
	hn, err := domain.ParseNationalID(hilde.nid)
	require.NoError(t, err)
	hilde.birth = hn.BirthDate().String()
	outbox := func() string {
		rows, err := conn.Query(ctx, `SELECT row_to_json(o)::text FROM msg_outbox o`)
		require.NoError(t, err)
		texts, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return strings.Join(texts, "\n")
	}

	// Staff write the street into a message about Sofie.
	kari := personaClient(t, app.base, demo.PersonaStaff)
	status, body := call(t, kari, "POST", app.base+"/api/v1/threads", "application/json",
		fmt.Sprintf(`{"scope":"child","childId":%q,"subject":"Post til %s","body":"Vi sender skjemaet til %s, %s."}`, sofie.id, street, street, hilde.postcode))
	require.Equal(t, 201, status, body)
	require.Contains(t, outbox(), street, "before: the outbox holds the street")
	hildeC := personaClient(t, app.base, demo.PersonaGuardian)
	exports := []string{"/api/v1/children/" + sofie.id + "/export", "/children/" + sofie.id + "/export"}
	before := crawlHTTP(t, app.base, hildeC, exports...)
	var shown int
	for _, b := range before {
		if strings.Contains(b, street) {
			shown++
		}
	}
	require.Positive(t, shown, "before: Hilde's pages show the street")

	// The register protects both; a caseworker syncs.
	for _, p := range []person{hilde, sofie} {
		reg.Publish(p.nid, "endringIAdressebeskyttelse", fmt.Appendf(nil, `{
  "identifikasjonsnummer": [{"erGjeldende": true, "foedselsEllerDNummer": %q, "identifikatortype": "foedselsnummer", "status": "iBruk"}],
  "navn": [{"erGjeldende": true, "fornavn": %q, "etternavn": %q}],
  "foedsel": [{"erGjeldende": true, "foedselsdato": %q}],
  "adressebeskyttelse": [{"erGjeldende": true, "graderingsnivaa": "strengtFortrolig"}]
}`, p.nid, p.given, p.family, p.birth))
	}
	siri := personaClient(t, app.base, demo.PersonaCaseworker)
	status, body = call(t, siri, "POST", app.base+"/api/v1/registry/sync", "application/json", "{}")
	require.Equal(t, 200, status, body)
	var protection string
	require.NoError(t, conn.QueryRow(ctx, `SELECT address_protection FROM guardians WHERE id = $1::uuid`, hilde.id).Scan(&protection))
	assert.Equal(t, "strengt-fortrolig", protection)

	// After: nowhere.
	dump := outbox()
	assert.NotContains(t, dump, street, "no outbox row holds the street")
	assert.Contains(t, dump, domain.RedactedAddress)
	searched := 0
	for _, key := range []string{demo.PersonaGuardian, demo.PersonaOtherParent, demo.PersonaProtected, demo.PersonaProtected47, demo.PersonaOtherGuardian,
		demo.PersonaStaff, demo.PersonaOtherStaff, demo.PersonaCaseworker, demo.PersonaAdmin, demo.PersonaOtherMunicipality} {
		c := personaClient(t, app.base, key)
		for p, b := range crawlHTTP(t, app.base, c, exports...) {
			searched++
			assert.False(t, strings.Contains(b, street), "%s as %s shows %s", p, key, street)
		}
	}
	t.Logf("PostgreSQL: %q in %d of Hilde's responses before; %d responses searched after, and %d bytes of msg_outbox", street, shown, searched, len(dump))
	assert.Greater(t, searched, 200)
}
