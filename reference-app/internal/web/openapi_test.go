package web_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/conformance"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The document tells the truth about what the app serves: a server, no
// security on public routes and the session cookie on the rest, a licence
// with a URL or an SPDX identifier, the finance CSV as text/csv, and the
// conformance harness's refusals as conformance/SPEC.md § 6 has them.
func TestOpenAPIDocumentTruths(t *testing.T) {
	ta := webtest.New(t)
	resp := ta.Do(t, "", "GET", "/openapi.json", "", "")
	require.Equal(t, 200, resp.Status)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &doc))

	servers, _ := doc["servers"].([]any)
	assert.NotEmpty(t, servers, "servers")
	license := doc["info"].(map[string]any)["license"].(map[string]any)
	assert.NotEmpty(t, license["name"])
	assert.True(t, license["url"] != nil || license["identifier"] != nil, "a licence needs a url or an identifier")
	assert.Contains(t, doc["components"].(map[string]any)["securitySchemes"], "session")

	var tags []string
	declared, _ := doc["tags"].([]any)
	for _, tag := range declared {
		tags = append(tags, tag.(map[string]any)["name"].(string))
	}
	op := func(method, path string) map[string]any {
		t.Helper()
		item, ok := doc["paths"].(map[string]any)[path].(map[string]any)
		require.True(t, ok, path)
		o, ok := item[strings.ToLower(method)].(map[string]any)
		require.True(t, ok, method+" "+path)
		return o
	}
	for _, rt := range ta.App.RouteTable() {
		if rt.Kind == web.KindPage {
			continue
		}
		o := op(rt.Method, rt.Path)
		want := []any{map[string]any{"session": []any{}}}
		if !rt.Policy.Login {
			want = []any{}
		}
		assert.Equal(t, want, o["security"], "security of %s", rt.Pattern())
		assert.Contains(t, web.PolicyDocs, rt.Policy.Name, "say in policyDocs who may call %s", rt.Pattern())
		assert.NotEmpty(t, o["description"], rt.Pattern())
		opTags, _ := o["tags"].([]any)
		for _, tag := range opTags {
			assert.Contains(t, tags, tag, "the tag of %s is declared", rt.Pattern())
		}
	}

	csv := op("GET", "/api/v1/exports/finance.csv")["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)
	assert.Contains(t, csv, "text/csv")
	assert.NotContains(t, csv, "application/json")
	got := ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/api/v1/exports/finance.csv", "", "")
	require.Equal(t, 200, got.Status, got.Body)
	mt, _, _ := mime.ParseMediaType(got.Header.Get("Content-Type"))
	assert.Equal(t, "text/csv", mt)

	harness := op("POST", "/conformance/v1/evaluate")["responses"].(map[string]any)
	for _, code := range []string{"200", "400", "413", "422", "500"} {
		assert.Contains(t, harness, code, "the harness answers %s", code)
	}
	for body, want := range map[string]int{`{"kind":"astrology","input":{}}`: 422, `{"kind":` + strings.Repeat(" ", conformance.MaxBodyBytes) + `"x"}`: 413} {
		got := ta.Do(t, "", "POST", "/conformance/v1/evaluate", "application/json", body)
		require.Equal(t, want, got.Status)
		assertMatches(t, doc, harness[web.Itoa(want)].(map[string]any), got, "POST "+conformance.EvaluatePath)
	}
}

// TestOpenAPILiveResponses calls every GET of the document as every
// persona (and without a session), on demo data with an approved admission
// run, an invoice run and check-ins, and checks each answer against the
// document: the status is documented, the media type is the documented
// one, and the body matches the schema.
func TestOpenAPILiveResponses(t *testing.T) {
	ta := webtest.New(t)
	resp := ta.Do(t, "", "GET", "/openapi.json", "", "")
	require.Equal(t, 200, resp.Status)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &doc))

	// State for the GETs to show: an approved run with offers, invoices of
	// the month, Sofie checked in at SFO.
	cw, guardian := ta.CookieFor(t, demo.PersonaCaseworker), ta.CookieFor(t, demo.PersonaGuardian)
	post := func(cookie, path, body string) map[string]any {
		t.Helper()
		r := ta.Do(t, cookie, "POST", path, "application/json", body)
		require.Less(t, r.Status, 300, "%s: %s", path, r.Body)
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.Body), &v))
		return v
	}
	list := func(cookie, path string) []map[string]any {
		t.Helper()
		r := ta.Do(t, cookie, "GET", path, "", "")
		require.Equal(t, 200, r.Status, "%s: %s", path, r.Body)
		var v struct{ Items []map[string]any }
		require.NoError(t, json.Unmarshal([]byte(r.Body), &v))
		return v.Items
	}
	intakes := list(cw, "/api/v1/intakes")
	require.NotEmpty(t, intakes)
	intake := intakes[0]["id"].(string)
	run := post(cw, "/api/v1/admission-runs", `{"intakeId":"`+intake+`","seed":7,"reason":"a test run before the deadline"}`)["id"].(string)
	post(cw, "/api/v1/admission-approvals", `{"runId":"`+run+`","reason":"a test approval before the deadline"}`)
	month := webtest.Now.Format("2006-01")
	require.Equal(t, 201, ta.RunInvoices(t, cw, month).Status)
	post(ta.CookieFor(t, demo.PersonaStaff), "/api/v1/children/"+ta.Sofie.String()+"/check-in", `{"key":"live-1","unitId":"`+ta.NordbySFO.String()+`"}`)
	fees := list(guardian, "/api/v1/children/"+ta.Sofie.String()+"/fee-decisions")
	require.NotEmpty(t, fees)
	incomes := list(cw, "/api/v1/income-decisions")
	require.NotEmpty(t, incomes)
	apps := list(cw, "/api/v1/intakes/"+intake+"/applications?limit=200")
	require.NotEmpty(t, apps)
	first := apps[0]["application"].(map[string]any)
	applicant, application := first["child"].(string), first["id"].(string)
	threads := list(guardian, "/api/v1/threads")
	require.NotEmpty(t, threads)
	thread := threads[0]["id"].(string)
	// An urgent message from Sofie's unit, for its delivery status.
	urgent := post(ta.CookieFor(t, demo.PersonaStaff), "/api/v1/threads",
		`{"scope":"child","childId":"`+ta.Sofie.String()+`","subject":"Sofie er syk","body":"Hent henne nå.","urgent":true}`)["id"].(string)

	// A 9th grader has a leaving certificate's absence summary.
	ninth := ta.NinthGrader(t)
	post(ta.CookieFor(t, demo.PersonaStaff), "/api/v1/children/"+ninth.String()+"/school-absences", `{"day":"2025-11-21","hours":2,"kind":"documented","reason":"health"}`)
	// A school starter of the school intake, for its school start letter.
	var schoolIntake, starter string
	for _, in := range intakes {
		if in["kind"] == "school" {
			schoolIntake = in["id"].(string)
		}
	}
	for _, st := range post(cw, "/api/v1/school-starters", `{"intakeId":"`+schoolIntake+`"}`)["starters"].([]any) {
		if st := st.(map[string]any); starter == "" && st["unit"] != nil {
			starter = st["child"].(string)
		}
	}
	// A guardian's calendar feed, for GET /calendar/{file}.
	feedURL := post(ta.CookieFor(t, demo.PersonaGuardian), "/api/v1/calendar/feed", `{}`)["url"].(string)
	feedFile := feedURL[strings.LastIndex(feedURL, "/")+1:]
	invoices := list(cw, "/api/v1/invoices?month="+month)
	require.NotEmpty(t, invoices)
	invoiceOfMonth := invoices[0]["id"].(string)
	// The values each path parameter takes; a path with an application
	// takes its child.
	specialEdCase := ta.SpecialEdCase(t, true)
	specialEdAttachment := ta.SpecialEdAttachment(t, specialEdCase)
	// An entry of the audit log, for the children it names.
	audit := list(ta.CookieFor(t, demo.PersonaAdmin), "/api/v1/audit")
	require.NotEmpty(t, audit)
	values := map[string][]string{
		"entryId":  {audit[0]["id"].(string)},
		"childId":  {ta.Sofie.String(), ta.Aurora.String(), applicant, ta.Kaja.String(), ninth.String()},
		"unitId":   {ta.NordbySFO.String(), ta.Bjorkelia.String(), ta.Fjell.String()},
		"intakeId": {intake}, "runId": {run}, "threadId": {thread},
		"guardianId":       {ta.Personas[demo.PersonaGuardian].Actor.Guardian.String()},
		"invoiceId":        {invoiceOfMonth},
		"incomeDecisionId": {incomes[0]["id"].(string)},
		"caseId":           {specialEdCase.String()},
		"file":             {"kid.json", "national-id.json"},
	}
	query := map[string]string{
		"/api/v1/children/{childId}/applications/prefill": "?intakeId=" + intake,
		"/api/v1/invoices":            "?month=" + month,
		"/api/v1/exports/finance.csv": "?month=" + month,
		"/api/v1/children/{childId}/applications/{applicationId}/decision": "?lang=nn",
	}
	personas := append([]string{"", demo.PersonaProtected}, webtest.TableActors...)
	statuses := map[int]int{}
	ok := map[string]bool{}
	checked := 0
	for path, item := range doc["paths"].(map[string]any) {
		get, isGet := item.(map[string]any)["get"].(map[string]any)
		if !isGet {
			continue
		}
		concrete := []string{path}
		if strings.Contains(path, "{applicationId}") {
			concrete = []string{strings.NewReplacer("{childId}", applicant, "{applicationId}", application).Replace(path)}
		}
		if strings.Contains(path, "/school-start/{intakeId}/") {
			concrete = []string{strings.NewReplacer("{childId}", starter, "{intakeId}", schoolIntake).Replace(path)}
		}
		if path == "/api/v1/threads/{threadId}/status" {
			concrete = []string{"/api/v1/threads/" + urgent + "/status"}
		}
		if path == "/calendar/{file}" {
			concrete = []string{"/calendar/" + feedFile}
		}
		if strings.Contains(path, "{attachmentId}") {
			concrete = []string{strings.NewReplacer("{caseId}", specialEdCase.String(), "{attachmentId}", specialEdAttachment.String()).Replace(path)}
		}
		if strings.Contains(path, "{feeDecisionId}") {
			concrete = []string{strings.NewReplacer("{childId}", ta.Sofie.String(), "{feeDecisionId}", fees[0]["id"].(string)).Replace(path)}
		}
		for name, vs := range values {
			var next []string
			for _, p := range concrete {
				if !strings.Contains(p, "{"+name+"}") {
					next = append(next, p)
					continue
				}
				for _, v := range vs {
					next = append(next, strings.ReplaceAll(p, "{"+name+"}", v))
				}
			}
			concrete = next
		}
		for _, p := range concrete {
			require.NotContains(t, p, "{", "a value for every parameter of %s", path)
			for _, persona := range personas {
				got := ta.Do(t, ta.CookieFor(t, persona), "GET", p+query[path], "", "")
				statuses[got.Status]++
				checked++
				if assertMatches(t, doc, get, got, fmt.Sprintf("GET %s as %q", p, persona)) && got.Status == 200 {
					ok[path] = true
				}
			}
		}
		assert.True(t, ok[path], "some persona gets a 200 from GET %s that matches the document", path)
	}
	t.Logf("%d live responses checked against the document, by status: %v", checked, statuses)
}

// assertMatches checks a response against the operation's (or the
// response object's) description: a documented status, the documented
// media type, and a body that matches the schema.
func assertMatches(t *testing.T, doc, op map[string]any, got webtest.Response, what string) bool {
	t.Helper()
	described := op
	if responses, ok := op["responses"].(map[string]any); ok {
		described, ok = responses[web.Itoa(got.Status)].(map[string]any)
		if !assert.True(t, ok, "%s: status %d is not documented (%s)", what, got.Status, got.Body) {
			return false
		}
	}
	content, _ := described["content"].(map[string]any)
	if content == nil {
		return assert.Empty(t, got.Body, "%s: no body is documented", what)
	}
	mt, _, err := mime.ParseMediaType(got.Header.Get("Content-Type"))
	require.NoError(t, err, what)
	media, ok := content[mt].(map[string]any)
	if !ok {
		// A route that answers any media type (an attachment's own)
		// documents */*.
		media, ok = content["*/*"].(map[string]any)
	}
	if !assert.True(t, ok, "%s: %d answered %s; the document says %v", what, got.Status, mt, slices.Collect(maps.Keys(content))) {
		return false
	}
	var value any = got.Body
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		dec := json.NewDecoder(strings.NewReader(got.Body))
		dec.UseNumber()
		if !assert.NoError(t, dec.Decode(&value), "%s: %s", what, got.Body) {
			return false
		}
	}
	problems := webtest.ValidateSchema(doc, media["schema"], value, "")
	return assert.Empty(t, problems, "%s: %d %s", what, got.Status, webtest.Truncate(got.Body, 600))
}
