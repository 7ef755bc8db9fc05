package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/messagingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/oidc"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// whereaboutsTerm is one thing that would tell Aurora Solheim's § 47 father
// where she is.
type whereaboutsTerm struct {
	what string
	re   *regexp.Regexp
}

// whereaboutsTerms are what the § 47 father of Aurora Solheim (strengt
// fortrolig) must never read: her kindergarten's name and ID, her group's
// name (as a word: "Rev" inside another word is not it) and ID, the names
// and login ID of the kindergarten's staff, and the contact details of the
// mother she lives with (the demo holds no postal addresses).
func whereaboutsTerms(t *testing.T, ta *webtest.Harness) []whereaboutsTerm {
	t.Helper()
	ctx := t.Context()
	m := demo.Municipality
	rec, err := ta.Store.ChildRecord(ctx, m, ta.Aurora)
	require.NoError(t, err)
	today := domain.Today(ta.App.Clock)
	var unit domain.Unit
	var group domain.Group
	for _, p := range rec.Placements {
		if !p.Period.Contains(today) {
			continue
		}
		unit, err = ta.Store.Unit(ctx, m, p.UnitID)
		require.NoError(t, err)
		group, err = ta.Store.Group(ctx, m, p.GroupID)
		require.NoError(t, err)
	}
	require.Equal(t, "Bjørkelia barnehage", unit.Name, "the seed places Aurora at Bjørkelia")
	literal := func(what, s string) whereaboutsTerm {
		return whereaboutsTerm{what: what + " " + fmt.Sprintf("%q", s), re: regexp.MustCompile(regexp.QuoteMeta(s))}
	}
	// A word of its own: not inside a longer word, nor inside a token or
	// cursor (letters, digits, - and _).
	word := func(what, s string) whereaboutsTerm {
		return whereaboutsTerm{what: what + " " + fmt.Sprintf("%q", s), re: regexp.MustCompile(`(^|[^\pL\pN_-])` + regexp.QuoteMeta(s) + `($|[^\pL\pN_-])`)}
	}
	staff := ta.Personas[demo.PersonaOtherStaff].Actor
	require.True(t, staff.WorksAt(unit.ID))
	return []whereaboutsTerm{
		literal("unit name", "Bjørkelia"),
		literal("unit ID", unit.ID.String()),
		word("group name", group.Name),
		literal("group ID", group.ID.String()),
		literal("staff name", staff.Name),
		literal("staff login ID", staff.Subject),
		literal("protected phone", demo.ProtectedPhone),
		literal("protected phone", strings.ReplaceAll(demo.ProtectedPhone, " ", "")),
		literal("protected phone", "41 97 53 11"),
		literal("protected e-mail", demo.Email("Marte", "Solheim")),
		literal("protected street", "Lønnebakken"),
		literal("protected street", demo.ProtectedStreet),
	}
}

// leaks returns the terms found in body.
func leaks(terms []whereaboutsTerm, body string) []string {
	var out []string
	for _, term := range terms {
		if term.re.MatchString(body) {
			out = append(out, term.what)
		}
	}
	return out
}

// Aurora Solheim's § 47 father (no parental responsibility, an information
// request; her address is strengt fortrolig) learns nothing of where she
// is from what he can do: writing to each unit gets the same answer at
// hers as at every other; writing about her, by the API or the form, and
// reading his messages show no unit, group or staff; the notification of a
// staff message names neither. Her mother, with parental responsibility,
// is told who wrote.
func TestSection47ParentLearnsNothingOfWhereabouts(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	terms := whereaboutsTerms(t, ta)
	stein := ta.CookieFor(t, demo.PersonaProtected47)
	aurora := ta.Aurora.String()

	// The oracle: a thread to each unit of the municipality.
	units, err := ta.Store.Units(ctx, demo.Municipality)
	require.NoError(t, err)
	answers := map[string][]string{}
	for _, u := range units {
		resp := ta.Do(t, stein, "POST", "/api/v1/threads", "application/json",
			fmt.Sprintf(`{"scope":"unit","unitId":%q,"subject":"Hei","body":"Hvor går Aurora?"}`, u.ID))
		key := fmt.Sprintf("%d %s", resp.Status, resp.Body)
		answers[key] = append(answers[key], u.Name)
	}
	require.Len(t, answers, 1, "one answer for every unit, the child's included: %v", answers)
	for answer := range answers {
		assert.True(t, strings.HasPrefix(answer, "403 "), answer)
	}

	// Writing about her is allowed, and tells nothing of where.
	resp := ta.Do(t, stein, "POST", "/api/v1/threads", "application/json",
		fmt.Sprintf(`{"scope":"child","childId":%q,"subject":"Hvordan har Aurora det?","body":"Hilsen Stein"}`, aurora))
	require.Equal(t, 201, resp.Status, resp.Body)
	assert.Empty(t, leaks(terms, resp.Body), resp.Body)
	var tv messagingweb.ThreadView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &tv))
	assert.True(t, tv.UnitID.IsZero())
	assert.Empty(t, tv.UnitName)
	form := ta.Do(t, stein, "POST", "/messages", "application/x-www-form-urlencoded",
		url.Values{"child": {aurora}, "subject": {"Bursdag"}, "body": {"Kan jeg sende en gave?"}}.Encode())
	require.Equal(t, 303, form.Status, form.Body)
	thread := ta.Do(t, stein, "GET", form.Header.Get("Location"), "", "")
	require.Equal(t, 200, thread.Status)
	assert.Contains(t, thread.Body, "Kan jeg sende en gave?")
	assert.Empty(t, leaks(terms, thread.Body), "the thread page")

	// The staff of her kindergarten write about her, and answer him.
	per := ta.CookieFor(t, demo.PersonaOtherStaff)
	resp = ta.Do(t, per, "POST", "/api/v1/threads", "application/json",
		fmt.Sprintf(`{"scope":"child","childId":%q,"subject":"Foreldresamtale","body":"Velkommen til samtale om Aurora."}`, aurora))
	require.Equal(t, 201, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, "Per Pedagog, Bjørkelia barnehage", "the staff see the unit and the name")
	resp = ta.Do(t, per, "POST", "/api/v1/replies", "application/json", fmt.Sprintf(`{"threadId":%q,"body":"Takk, det går bra."}`, tv.ID))
	require.Equal(t, 201, resp.Status, resp.Body)

	// His messages, as pages and as the API.
	list := ta.Do(t, stein, "GET", "/api/v1/threads?limit=200", "", "")
	require.Equal(t, 200, list.Status)
	var threads api.Page[messagingweb.ThreadSummary]
	require.NoError(t, json.Unmarshal([]byte(list.Body), &threads))
	require.Len(t, threads.Items, 4, "the seeded message, two of his own, the staff's")
	bodies := map[string]string{"/api/v1/threads": list.Body, "/messages": ta.Do(t, stein, "GET", "/messages", "", "").Body}
	for _, th := range threads.Items {
		bodies["/api/v1/threads/"+th.ID.String()] = ta.Do(t, stein, "GET", "/api/v1/threads/"+th.ID.String(), "", "").Body
		bodies["/messages/"+th.ID.String()] = ta.Do(t, stein, "GET", "/messages/"+th.ID.String(), "", "").Body
	}
	for path, body := range bodies {
		assert.Empty(t, leaks(terms, body), path)
	}
	assert.Contains(t, bodies["/messages/"+tv.ID.String()], "Ansatt i kommunen", "staff by role only")
	assert.Regexp(t, `<td[^>]*>Aurora Solheim</td>`, bodies["/messages"], "what the thread is about, without a unit before it")
	assert.Contains(t, bodies["/messages/"+tv.ID.String()], "Takk, det går bra.")

	// The notifications: nothing of where for him, who wrote for her mother.
	ds, err := ta.Store.Deliveries(ctx, demo.Municipality)
	require.NoError(t, err)
	steinID := ta.Personas[demo.PersonaProtected47].Actor.Guardian
	marte := ta.Personas[demo.PersonaProtected].Actor.Guardian
	var his, hers []string
	for _, d := range ds {
		switch d.Guardian {
		case steinID:
			his = append(his, d.Subject+"\n"+d.Body)
		case marte:
			hers = append(hers, d.Subject+"\n"+d.Body)
		}
	}
	require.Len(t, his, 3, "the seeded message, the staff's message and their reply")
	for _, text := range his {
		assert.Empty(t, leaks(terms, text), text)
	}
	assert.Contains(t, strings.Join(hers, "\n"), "Du har en ny melding fra Per Pedagog: «Foreldresamtale».")
	assert.NotContains(t, strings.Join(hers, "\n"), "per.pedagog@demo-kommune.example")

	// A § 47 parent of a child who is not protected may write to its unit.
	tor := ta.CookieFor(t, demo.PersonaOtherParent)
	resp = ta.Do(t, tor, "POST", "/api/v1/threads", "application/json",
		fmt.Sprintf(`{"scope":"unit","unitId":%q,"subject":"Hei","body":"Hei"}`, ta.NordbySFO))
	assert.Equal(t, 201, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, "Nordby SFO")
}

// The leak crawl as Aurora's § 47 father: every page and API response he
// can reach is searched for where she is. A response that names every unit
// of the municipality (the public list of units) is a directory, not a
// leak; the demo login page describes every persona, the kindergarten's
// staff member included, to anyone, and says nothing of any child.
func TestWhereaboutsNeverLeakInTheCrawl(t *testing.T) {
	ta := webtest.New(t)
	terms := whereaboutsTerms(t, ta)
	units, err := ta.Store.Units(t.Context(), demo.Municipality)
	require.NoError(t, err)
	directory := func(body string) bool {
		for _, u := range units {
			if !strings.Contains(body, u.Name) {
				return false
			}
		}
		return true
	}
	// What happens to him first: the kindergarten writes and answers, he
	// writes, a notice about her is raised.
	per, stein := ta.CookieFor(t, demo.PersonaOtherStaff), ta.CookieFor(t, demo.PersonaProtected47)
	resp := ta.Do(t, per, "POST", "/api/v1/threads", "application/json",
		fmt.Sprintf(`{"scope":"child","childId":%q,"subject":"Foreldresamtale","body":"Velkommen til samtale."}`, ta.Aurora))
	require.Equal(t, 201, resp.Status, resp.Body)
	resp = ta.Do(t, stein, "POST", "/api/v1/threads", "application/json",
		fmt.Sprintf(`{"scope":"child","childId":%q,"subject":"Spørsmål","body":"Hvordan går det?"}`, ta.Aurora))
	require.Equal(t, 201, resp.Status, resp.Body)
	var tv messagingweb.ThreadView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &tv))
	resp = ta.Do(t, per, "POST", "/api/v1/replies", "application/json", fmt.Sprintf(`{"threadId":%q,"body":"Det går fint."}`, tv.ID))
	require.Equal(t, 201, resp.Status, resp.Body)

	bodies := webtest.Crawl(t, ta, demo.PersonaProtected47)
	paths := make([]string, 0, len(bodies))
	for p := range bodies {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	searched, pages, api, skipped := 0, 0, 0, []string{}
	for _, path := range paths {
		body := bodies[path]
		if path == "/login" || directory(body) {
			skipped = append(skipped, path)
			continue
		}
		// A refusal names the path asked for (RFC 9457 "instance"): the
		// crawl's own question, not something it was told.
		body = strings.ReplaceAll(body, strings.SplitN(path, "?", 2)[0], "")
		searched++
		if strings.HasPrefix(path, "/api/") {
			api++
		} else {
			pages++
		}
		assert.Empty(t, leaks(terms, body), "%s as %s", path, demo.PersonaProtected47)
	}
	for _, must := range []string{"/guardian", "/messages", "/children/" + ta.Aurora.String(), "/api/v1/children/" + ta.Aurora.String(), "/api/v1/threads?limit=200"} {
		assert.Contains(t, bodies, must, "the crawl reached %s", must)
	}
	assert.Contains(t, bodies["/guardian"], "Aurora Solheim", "he is told about her")
	var what []string
	for _, term := range terms {
		what = append(what, term.what)
	}
	t.Logf("whereabouts crawl: 1 persona (%s) × %d responses searched (%d pages, %d API), %d skipped as public directories %v; terms: %s",
		demo.PersonaProtected47, searched, pages, api, len(skipped), skipped, strings.Join(what, ", "))
	assert.Greater(t, searched, 15)
}

// Staff are named by their display name wherever a person reads it: in
// notifications, threads, the audit page and run pages; never by the
// login ID.
func TestStaffNamedByDisplayName(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	kari := ta.CookieFor(t, demo.PersonaStaff)
	resp := ta.Do(t, kari, "POST", "/api/v1/threads", "application/json",
		fmt.Sprintf(`{"scope":"child","childId":%q,"subject":"Utflukt","body":"Vi drar på utflukt i morgen."}`, ta.Sofie))
	require.Equal(t, 201, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"from":"Kari Lærer, Nordby skole"`)
	var tv messagingweb.ThreadView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &tv))
	ds, err := ta.Store.Deliveries(ctx, demo.Municipality)
	require.NoError(t, err)
	n := 0
	for _, d := range ds {
		assert.NotContains(t, d.Body, "ansatt-", "a notification names no login ID")
		if strings.Contains(d.Subject, "Utflukt") {
			n++
			assert.Contains(t, d.Body, "fra Kari Lærer", d.Body)
		}
	}
	assert.Equal(t, 3, n, "Sofie's two parents with responsibility and the § 47 parent")
	page := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/messages/"+tv.ID.String(), "", "")
	assert.Contains(t, page.Body, "Kari Lærer, Nordby skole")
	assert.NotContains(t, page.Body, "kari.laerer@demo-kommune.example")

	// The audit page.
	audit := ta.Do(t, ta.CookieFor(t, demo.PersonaAdmin), "GET", "/admin/audit", "", "")
	require.Equal(t, 200, audit.Status)
	assert.Contains(t, audit.Body, "Kari Lærer")
	assert.NotContains(t, audit.Body, "kari.laerer@demo-kommune.example")

	// Run pages.
	f := webtest.NewAdmissionFixture(ta)
	siri := ta.CookieFor(t, demo.PersonaCaseworker)
	resp = ta.Do(t, siri, "POST", "/api/v1/admission-runs", "application/json", fmt.Sprintf(`{"intakeId":%q,"seed":42,"reason":"a test run before the deadline"}`, f.Main))
	require.Equal(t, 201, resp.Status, resp.Body)
	var run admission.Run
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &run))
	assert.Equal(t, "Siri Saksbehandler", run.CreatedByName)
	for _, path := range []string{"/admission/runs/" + run.ID.String(), "/admission/intakes/" + f.Main.String()} {
		page := ta.Do(t, siri, "GET", path, "", "")
		require.Equal(t, 200, page.Status, path)
		assert.Contains(t, page.Body, "Siri Saksbehandler", path)
		assert.NotContains(t, page.Body, "siri.saksbehandler@demo-kommune.example", path)
	}
}

// A Feide login is the stored staff member of the principal, with the
// member's display name; the principal name is only the subject.
func TestStaffLoginCarriesDisplayName(t *testing.T) {
	ta := webtest.New(t)
	sess, err := ta.App.SessionFor(t.Context(), web.StaffLogin, oidc.Identity{Subject: "s", Principal: demo.StaffPrincipals[demo.PersonaStaff], Name: "Ola Nordmann"})
	require.NoError(t, err)
	assert.Equal(t, "Kari Lærer", sess.Actor.Name)
	assert.Equal(t, "Kari Lærer", sess.Name)
	assert.Equal(t, demo.StaffPrincipals[demo.PersonaStaff], sess.Actor.Subject)
	assert.ElementsMatch(t, ta.Personas[demo.PersonaStaff].Actor.Units, sess.Actor.Units)
	_, err = ta.App.SessionFor(t.Context(), web.StaffLogin, oidc.Identity{Subject: "s", Principal: "ukjent@demo-kommune.example"})
	assert.ErrorContains(t, err, "not registered")
}
