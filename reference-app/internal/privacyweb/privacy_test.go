package privacyweb_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	assert.Contains(t, ex.OtherGuardians, privacyweb.RelativeView{Name: "Skjult Forelder", ParentalResponsibility: true})
	for _, x := range leaks {
		assert.NotContains(t, resp.Body, x)
	}
	audited := ta.AuditedAs(t, "child.export")
	require.Len(t, audited, 1)
	assert.Equal(t, ta.Sofie, audited[0].ChildID)
	assert.Equal(t, hilde.ID, audited[0].Actor.Guardian)

	for lang, title := range map[string]string{"nb": "Innsyn", "nn": "opplysningane", "en": "everything the municipality holds"} {
		page := ta.Do(t, cookie+"; "+web.LangCookie+"="+lang, "GET", "/children/"+ta.Sofie.String()+"/export", "", "")
		require.Equal(t, http.StatusOK, page.Status, lang)
		assert.Contains(t, page.Body, title, lang)
		assert.Contains(t, page.Body, rec.Child.NationalID.String(), lang)
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
