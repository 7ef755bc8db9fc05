package privacyweb_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/privacyweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// Hilde Berg (parental responsibility for Sofie) downloads what the
// municipality holds about Sofie and about herself, as JSON and as a page
// in nb, nn and en; each export is audit-logged. Sofie gets a second parent
// with parental responsibility and a strengt fortrolig address: the export
// names them and says nothing of how to reach them. Tor Ødegård (§ 47, no
// parental responsibility) and the guardian of another child get nothing.
func TestAccessExport(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	nid, err := domain.SyntheticNationalID(date.New(1984, time.March, 9), 123)
	require.NoError(t, err)
	hidden := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: demo.Municipality, NationalID: nid,
		GivenName: "Skjult", FamilyName: "Forelder", Email: "skjult.forelder@example.no", Phone: "+47 40 00 11 22",
		AddressProtection: domain.ProtectionStrengtFortrolig}
	require.NoError(t, ta.Store.CreateGuardian(ctx, hidden))
	require.NoError(t, ta.Store.PutGuardianship(ctx, domain.Guardianship{Municipality: demo.Municipality, ChildID: ta.Sofie,
		GuardianID: hidden.ID, ParentalResponsibility: true}))
	rec, err := ta.Store.ChildRecord(ctx, demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	var hilde domain.Guardian
	for _, l := range rec.Guardians {
		if l.Guardian.GivenName == "Hilde" {
			hilde = l.Guardian
		}
	}
	require.False(t, hilde.ID.IsZero())
	leaks := []string{hidden.Email, hidden.Phone, hidden.NationalID.String(), demo.ProtectedPhone}

	// Sofie came on a September day and was collected by her grandmother:
	// the export holds both events, the page counts them by month.
	require.NotEmpty(t, rec.Placements)
	sfo := rec.Placements[0].UnitID
	day := date.New(2025, time.September, 17)
	for i, kind := range []attendance.CheckKind{attendance.CheckIn, attendance.CheckOut} {
		ck := attendance.Check{ID: domain.NewID[attendance.Check](), Municipality: demo.Municipality, Key: "export-" + string(kind),
			ChildID: ta.Sofie, UnitID: sfo, Kind: kind, At: time.Date(2025, time.September, 17, 8+7*i, 30, 0, 0, domain.Oslo()), Day: day, By: "ansatt-test"}
		if kind == attendance.CheckOut {
			ck.Collector = attendance.Collector{Name: "Bestemor Eksport"}
		}
		_, created, err := ta.Store.AddCheck(ctx, ck)
		require.NoError(t, err)
		require.True(t, created)
	}

	cookie := ta.CookieFor(t, demo.PersonaGuardian)
	path := "/api/v1/children/" + ta.Sofie.String() + "/export"
	resp := ta.Do(t, cookie, "GET", path, "", "")
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	var ex privacyweb.Export
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &ex))
	assert.Equal(t, rec.Child.NationalID.String(), ex.Child.NationalID)
	assert.Equal(t, hilde.NationalID.String(), ex.Guardian.NationalID)
	assert.Equal(t, hilde.Email, ex.Guardian.Email)
	assert.NotEmpty(t, ex.Placements)
	assert.NotEmpty(t, ex.Retention)
	var september []privacyweb.CheckView
	for _, ck := range ex.Checks {
		if ck.At.Format("2006-01-02") == "2025-09-17" {
			september = append(september, ck)
		}
	}
	require.Len(t, september, 2, "the export holds every check event")
	assert.Equal(t, "in", september[0].Kind)
	assert.Equal(t, "out", september[1].Kind)
	assert.Equal(t, "Bestemor Eksport", september[1].CollectedBy)
	assert.Equal(t, "15:30", september[1].At.In(domain.Oslo()).Format("15:04"))
	assert.NotEmpty(t, september[0].Unit)
	assert.Contains(t, ex.OtherGuardians, privacyweb.RelativeView{Name: "Skjult Forelder", ParentalResponsibility: true})
	for _, x := range leaks {
		assert.NotContains(t, resp.Body, x)
	}
	audited := ta.AuditedAs(t, "child.export")
	require.Len(t, audited, 1)
	assert.Equal(t, ta.Sofie, audited[0].ChildID)
	assert.Equal(t, hilde.ID, audited[0].Actor.Guardian)

	// The page speaks the reader's language: the access log says what was
	// done in words (the code stays in the download), the retention
	// periods are written out.
	words := map[string][]string{"nb": {"Hentet ut alle opplysningene (innsyn)", "<td data-label=\"Lagres\">5 år</td>", "30 dager"},
		"nn": {"Henta ut alle opplysningane (innsyn)", "5 år", "30 dagar"},
		"en": {"Took out all the data (access request)", "5 years", "30 days"}}
	months := map[string]string{"nb": "september 2025: ", "nn": "september 2025: ", "en": "September 2025: "}
	for lang, title := range map[string]string{"nb": "Innsyn", "nn": "opplysningane", "en": "everything the municipality holds"} {
		page := ta.Do(t, cookie+"; "+web.LangCookie+"="+lang, "GET", "/children/"+ta.Sofie.String()+"/export", "", "")
		require.Equal(t, http.StatusOK, page.Status, lang)
		assert.Contains(t, page.Body, title, lang)
		// No full national ID on the page (as on every guardian page); the
		// download has it.
		assert.NotContains(t, page.Body, rec.Child.NationalID.String(), lang)
		assert.Contains(t, page.Body, rec.Child.NationalID.Masked(), lang)
		assert.Contains(t, page.Body, months[lang], lang)
		for _, w := range words[lang] {
			assert.Contains(t, page.Body, w, lang)
		}
		assert.NotContains(t, page.Body, "— child.export", lang)
		assert.NotContains(t, page.Body, ">5y<", lang)
		for _, x := range leaks {
			assert.NotContains(t, page.Body, x, lang)
		}
	}
	assert.Len(t, ta.AuditedAs(t, "child.export"), 4)

	for _, who := range []string{demo.PersonaOtherParent, demo.PersonaOtherGuardian, demo.PersonaCaseworker} {
		r := ta.Do(t, ta.CookieFor(t, who), "GET", path, "", "")
		assert.Equal(t, http.StatusForbidden, r.Status, who)
		assert.False(t, strings.Contains(r.Body, rec.Child.NationalID.String()), who)
	}
	assert.Len(t, ta.AuditedAs(t, "child.export"), 4, "a refused export is not an export")
}

// A caseworker erases a child on request where the law allows it: Sofie
// has a place, so it is refused with the reason (a code in the API, a
// sentence on the page); a child registered without a place is erased,
// audit-logged, and a guardian may not ask the app to do it.
func TestErasure(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	var nid domain.NationalID
	for i := 600; nid.IsZero(); i++ {
		nid, _ = domain.SyntheticNationalID(date.New(2021, time.June, 1), i)
	}
	lone := domain.Child{ID: domain.NewID[domain.Child](), Municipality: demo.Municipality, NationalID: nid,
		GivenName: "Ensom", FamilyName: "Testbarn", BirthDate: date.New(2021, time.June, 1), AddressProtection: domain.ProtectionNone}
	require.NoError(t, ta.Store.CreateChild(ctx, lone))
	cw := ta.CookieFor(t, demo.PersonaCaseworker)

	sofie := "/api/v1/children/" + ta.Sofie.String() + "/erasure"
	check := ta.Do(t, cw, "GET", sofie, "", "")
	require.Equal(t, http.StatusOK, check.Status, check.Body)
	var v privacyweb.ErasureView
	require.NoError(t, json.Unmarshal([]byte(check.Body), &v))
	assert.Equal(t, privacyweb.ErasureView{Reason: domain.ReasonActivePlacement, Message: v.Message}, v)
	assert.NotEmpty(t, v.Message)
	refused := ta.Do(t, cw, "POST", sofie, "application/json", `{"confirm":true}`)
	assert.Equal(t, http.StatusUnprocessableEntity, refused.Status)
	assert.Contains(t, refused.Body, domain.ReasonActivePlacement)
	page := ta.Do(t, cw+"; "+web.LangCookie+"=nb", "POST", "/children/"+ta.Sofie.String()+"/erasure", "application/x-www-form-urlencoded", "")
	assert.Equal(t, http.StatusUnprocessableEntity, page.Status)
	assert.Contains(t, page.Body, "barnet har en plass som ikke er avsluttet")
	rec, err := ta.Store.Child(ctx, demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	assert.Equal(t, "Sofie", rec.GivenName)

	assert.Equal(t, http.StatusForbidden, ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "POST", sofie, "application/json", `{"confirm":true}`).Status)

	form := ta.Do(t, cw, "GET", "/children/"+lone.ID.String()+"/erasure", "", "")
	require.Equal(t, http.StatusOK, form.Status)
	assert.Contains(t, form.Body, `action="/children/`+lone.ID.String()+`/erasure"`)
	done := ta.Do(t, cw, "POST", "/children/"+lone.ID.String()+"/erasure", "application/x-www-form-urlencoded", "")
	require.Equal(t, http.StatusSeeOther, done.Status, done.Body)
	got, err := ta.Store.Child(ctx, demo.Municipality, lone.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ErasedName, got.GivenName)
	assert.True(t, got.NationalID.IsZero())
	erased := ta.AuditedAs(t, "child.erase")
	require.Len(t, erased, 1)
	assert.Equal(t, lone.ID, erased[0].ChildID)
	after := ta.Do(t, cw, "GET", done.Header.Get("Location"), "", "")
	require.Equal(t, http.StatusOK, after.Status)
	assert.NotContains(t, after.Body, nid.String())
}

// A list that showed the child (the caseworker's list of all children,
// one audit record naming them all) is in the child's access log that
// the guardian's insight shows, without the other children of the list.
func TestInsightShowsListsThatNamedTheChild(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	require.Equal(t, http.StatusOK, ta.Do(t, cw, "GET", "/api/v1/children?limit=200", "", "").Status)
	listed := ta.AuditedAs(t, "children.list")
	require.Len(t, listed, 1, "one record for the list")
	require.True(t, listed[0].Names(ta.Sofie))
	require.True(t, listed[0].Names(ta.Aurora))

	resp := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/api/v1/children/"+ta.Sofie.String()+"/export", "", "")
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	var ex privacyweb.Export
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &ex))
	var seen []string
	for _, e := range ex.Access {
		seen = append(seen, e.Action)
	}
	assert.Contains(t, seen, "children.list", "the list that showed Sofie is in her access log")
	assert.NotContains(t, resp.Body, ta.Aurora.String(), "and no other child of the list")

	// The administrator's audit page counts the list's children.
	page := ta.Do(t, ta.CookieFor(t, demo.PersonaAdmin), "GET", "/admin/audit", "", "")
	require.Equal(t, http.StatusOK, page.Status)
	assert.Contains(t, page.Body, fmt.Sprintf("En liste med %d barn", len(listed[0].Children)))
}

// The guardian with a strengt fortrolig address gets her access export
// without her e-mail address and phone number, page and download alike,
// and is told why and where to get them.
func TestAccessExportWithholdsProtectedContact(t *testing.T) {
	ta := webtest.New(t)
	cookie := ta.CookieFor(t, demo.PersonaProtected)
	path := "/children/" + ta.Aurora.String() + "/export"
	page := ta.Do(t, cookie, "GET", path, "", "")
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	assert.Contains(t, page.Body, "Adressen din er strengt fortrolig, så e-postadressen og telefonnummeret ditt vises ikke her")
	file := ta.Do(t, cookie, "GET", "/api/v1"+path, "", "")
	require.Equal(t, http.StatusOK, file.Status, file.Body)
	var ex privacyweb.Export
	require.NoError(t, json.Unmarshal([]byte(file.Body), &ex))
	assert.True(t, ex.Guardian.ContactWithheld)
	assert.Empty(t, ex.Guardian.Email)
	assert.Empty(t, ex.Guardian.Phone)
	for _, body := range []string{page.Body, file.Body} {
		assert.NotContains(t, body, demo.Email("Marte", "Solheim"))
		assert.NotContains(t, body, "41 97 53 11")
	}
	// Another guardian's export keeps hers.
	hilde := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/api/v1/children/"+ta.Sofie.String()+"/export", "", "")
	require.Equal(t, http.StatusOK, hilde.Status)
	assert.Contains(t, hilde.Body, demo.Email("Hilde", "Berg"))
	assert.NotContains(t, hilde.Body, "contactWithheld")
}
