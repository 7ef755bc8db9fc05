package server_test

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
	"github.com/oppvekst/oppvekst/specialed"
)

// The words of the demo case that only those who see it may read: the
// concern, PPT's assessment, the decision's reasons and a document.
var specialEdTerms = []string{
	"bytter om b og d",
	"fonologisk bevissthet",
	"lesekurs i liten gruppe",
	"Leseplan med lydering",
	"Logopedrapport-Sofie.pdf",
}

// specialEdLeakCase takes a case about Sofie to a decision that departs
// from PPT, with the terms in it.
func specialEdLeakCase(t *testing.T, ta *webtest.Harness) specialed.CaseID {
	ctx := context.Background()
	s := &specialed.Service{Store: ta.Store, Clock: ta.App.Clock}
	c, err := s.Open(ctx, ta.Personas[demo.PersonaStaff].Actor, ta.Sofie, ta.NordbySkole(t), "Sofie bytter om b og d og leser stavelse for stavelse.")
	require.NoError(t, err)
	ppts, err := ta.Store.PPTs(ctx, demo.Municipality)
	require.NoError(t, err)
	rec := specialed.Provision{Outcome: specialed.Granted, Kind: specialed.AdaptedEducation, Organisation: "I liten gruppe",
		Hours: []specialed.Hours{{Provider: specialed.Teacher, PerWeek: decimal.NewFromInt(4)}, {Provider: specialed.Assistant, PerWeek: decimal.NewFromInt(2)}},
		From:  date.New(2026, 1, 5), To: date.New(2026, 6, 19)}
	dec := rec
	dec.Hours = rec.Hours[:1]
	for _, st := range []struct {
		who string
		e   specialed.Entry
	}{
		{demo.PersonaGuardian, specialed.Entry{Step: specialed.StepConsent}},
		{demo.PersonaStaff, specialed.Entry{Step: specialed.StepReferral, PPT: ppts[0].ID, Text: "Henvist til PPT."}},
		{demo.PersonaPPT, specialed.Entry{Step: specialed.StepAssessment, Text: "Svak fonologisk bevissthet.", Provision: &rec}},
		{demo.PersonaCaseworker, specialed.Entry{Step: specialed.StepDecision, Provision: &dec, Reason: "Skolen har lesekurs i liten gruppe som dekker behovet."}},
	} {
		_, err := s.Record(ctx, ta.Personas[st.who].Actor, c.ID, st.e)
		require.NoError(t, err, st.e.Step)
	}
	_, err = s.SaveDocument(ctx, ta.Personas[demo.PersonaStaff].Actor, specialed.Document{Case: c.ID, Kind: specialed.DocPlan, Title: "IOP", Body: "Leseplan med lydering hver dag."})
	require.NoError(t, err)
	_, err = s.AddAttachment(ctx, ta.Personas[demo.PersonaGuardian].Actor, c.ID, "Logopedrapport-Sofie.pdf", "application/pdf", []byte("%PDF-1.7 rapport"))
	require.NoError(t, err)
	return c.ID
}

// The leak crawl of special education: every persona's pages and API
// responses, from its start page and the lists, and Sofie's own pages
// asked for besides (the child, the rosters, the group and unit lists,
// the bulletins). Those who may not see the case find none of its words
// anywhere, not even its pages (404); those who may see it find them on
// the case's own pages only — never on a roster, a bulletin, a group list
// or the child's page.
func TestSpecialEducationNeverLeaks(t *testing.T) {
	ta := webtest.New(t)
	id := specialEdLeakCase(t, ta)
	casePaths := []string{"/special-education/cases/" + id.String(), "/special-education/cases/" + id.String() + "/letter",
		"/api/v1/special-education/cases/" + id.String(), "/api/v1/special-education/cases/" + id.String() + "/letter", "/api/v1/special-education/worklist",
		"/api/v1/special-education/cases/" + id.String() + "/attachments"}
	ats, err := ta.Store.Attachments(context.Background(), demo.Municipality, id)
	require.NoError(t, err)
	require.Len(t, ats, 1)
	casePaths = append(casePaths, "/api/v1/special-education/cases/"+id.String()+"/attachments/"+ats[0].ID.String(),
		"/special-education/cases/"+id.String()+"/attachments/"+ats[0].ID.String())
	sofie := ta.Sofie.String()
	asked := []string{"/children/" + sofie, "/api/v1/children/" + sofie, "/api/v1/units/" + ta.NordbySFO.String() + "/roster",
		"/api/v1/units/" + ta.NordbySkole(t).String() + "/roster", "/staff", "/guardian", "/caseworker", "/special-education"}
	// Who may see Sofie's case: both parents with parental responsibility
	// (Hilde Berg and Anders Nygård), her unit's staff, the caseworker and
	// PPT.
	insiders := map[string]bool{demo.PersonaGuardian: true, demo.PersonaSecondParent: true, demo.PersonaStaff: true, demo.PersonaCaseworker: true, demo.PersonaPPT: true}
	keys := make([]string, 0, len(ta.Personas))
	for k := range ta.Personas {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Before: an insider finds the words, so the search can fail.
	found := map[string]bool{}
	for _, p := range casePaths[:3] {
		body := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", p, "", "").Body
		for _, term := range specialEdTerms {
			if strings.Contains(body, term) {
				found[term] = true
			}
		}
	}
	assert.Len(t, found, len(specialEdTerms), "the guardian reads every term on the case's pages")
	searched := 0
	for _, key := range keys {
		bodies := webtest.Crawl(t, ta, key)
		cookie := ta.CookieFor(t, key)
		for _, p := range append(slicesClone(asked), casePaths...) {
			resp := ta.Do(t, cookie, "GET", p, "", "")
			bodies[p+" (asked)"] = resp.Body
			if !insiders[key] && strings.Contains(p, "/cases/") {
				assert.Equal(t, 404, resp.Status, "%s as %s", p, key)
			}
		}
		for path, body := range bodies {
			if insiders[key] && strings.Contains(path, "special-education") {
				continue
			}
			searched++
			for _, term := range specialEdTerms {
				assert.False(t, strings.Contains(body, term), "%s as %s shows %q", path, key, term)
			}
			// The case's ID is in the answers to its own paths (a 404 names
			// the path asked) and in the administrator's access log, which
			// records every read; nowhere else.
			echoes := strings.Contains(path, id.String()) && strings.HasSuffix(path, "(asked)")
			auditLog := key == demo.PersonaAdmin && (strings.HasPrefix(path, "/admin/audit") || strings.HasPrefix(path, "/api/v1/audit"))
			if !insiders[key] && !echoes && !auditLog {
				assert.False(t, strings.Contains(body, id.String()), "%s as %s names the case", path, key)
			}
		}
	}
	t.Logf("%d responses of %d personas searched for the case's words", searched, len(keys))
	assert.Greater(t, searched, 200)
}

// The special-education pages in nb and nn show no English, nor does a
// refused decision form.
func TestSpecialEducationPagesInNorwegian(t *testing.T) {
	ta := webtest.New(t)
	id := specialEdLeakCase(t, ta)
	open := ta.SpecialEdCase(t, false)
	for _, lang := range []string{"nb", "nn"} {
		for _, who := range []string{demo.PersonaGuardian, demo.PersonaStaff, demo.PersonaCaseworker, demo.PersonaPPT} {
			cookie := ta.CookieFor(t, who) + "; " + web.LangCookie + "=" + lang
			for _, p := range []string{"/special-education", "/special-education/new", "/special-education/cases/" + id.String(),
				"/special-education/cases/" + id.String() + "/letter", "/special-education/cases/" + open.String()} {
				resp := ta.Do(t, cookie, "GET", p, "", "")
				if resp.Status == 200 {
					assert.Contains(t, resp.Body, `lang="`+lang+`"`)
					checkNorwegian(t, lang, who, p, resp.Body)
				}
			}
		}
		cookie := ta.CookieFor(t, demo.PersonaGuardian) + "; " + web.LangCookie + "=" + lang
		resp := ta.Do(t, cookie, "POST", "/special-education/cases/"+open.String()+"/steps", "application/x-www-form-urlencoded", "step=referral&text=x")
		assert.Equal(t, 403, resp.Status)
		staff := ta.CookieFor(t, demo.PersonaStaff) + "; " + web.LangCookie + "=" + lang
		resp = ta.Do(t, staff, "POST", "/special-education/new", "application/x-www-form-urlencoded",
			url.Values{"child": {ta.NordbySkole(t).String() + "/" + ta.Sofie.String()}, "concern": {" "}}.Encode())
		assert.Equal(t, 422, resp.Status)
		assert.Contains(t, resp.Body, `aria-invalid="true"`)
		assert.Contains(t, resp.Body, `tabindex="-1" autofocus`)
		checkNorwegian(t, lang, "staff-nordby", "POST /special-education/new", resp.Body)
	}
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
