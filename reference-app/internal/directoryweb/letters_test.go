package directoryweb_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/directoryweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// An administrator saves the letter template through the page: a bad
// organisation number is refused at its field, with the summary, every
// value typed kept and nothing stored; a good one is stored, audit-logged
// and read back by the API, which refuses the same bad field; a read is
// audit-logged too.
func TestLetterTemplatePage(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	admin := ta.CookieFor(t, demo.PersonaAdmin)

	page := ta.Do(t, admin, "GET", "/admin/letter-template", "", "")
	require.Equal(t, 200, page.Status, page.Body)
	assert.Contains(t, page.Body, "Brevmal for vedtaksbrev")
	assert.Len(t, ta.AuditedAs(t, "letter-template.read"), 1)

	form := url.Values{"senderName": {"Demo kommune, oppvekst"}, "senderLines": {"Postboks 1\r\n9900 DEMOBY"},
		"orgNumber": {"12345"}, "contact": {"post@demo.kommune.no"}, "appealBody": {"Statsforvalteren i Troms og Finnmark"},
		"opening.nb": {"Takk for søknaden."}, "closing.nn": {"Helsing oppvekst"}}
	resp := ta.Do(t, admin, "POST", "/admin/letter-template", formType, form.Encode())
	require.Equal(t, 422, resp.Status, resp.Body)
	assert.Equal(t, "et organisasjonsnummer har ni sifre", fieldError(resp.Body, "f-orgNumber"))
	assert.Contains(t, resp.Body, `href="#f-orgNumber">Organisasjonsnummer</a>`, "the summary links to the field")
	for _, kept := range []string{`value="Demo kommune, oppvekst"`, "Postboks 1\r\n9900 DEMOBY", `value="12345"`, "Takk for søknaden.", "Helsing oppvekst", `value="Statsforvalteren i Troms og Finnmark"`} {
		assert.Contains(t, resp.Body, kept)
	}
	stored, err := ta.Store.LetterTemplate(ctx, demo.Municipality)
	require.NoError(t, err)
	assert.Equal(t, domain.LetterTemplate{Municipality: demo.Municipality}, stored, "nothing stored")

	form.Set("orgNumber", "974 770 482")
	resp = ta.Do(t, admin, "POST", "/admin/letter-template", formType, form.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	assert.Equal(t, "/admin/letter-template?saved=1", resp.Header.Get("Location"))
	want := domain.LetterTemplate{Municipality: demo.Municipality, SenderName: "Demo kommune, oppvekst",
		SenderLines: []string{"Postboks 1", "9900 DEMOBY"}, OrgNumber: "974 770 482", Contact: "post@demo.kommune.no",
		AppealBody: "Statsforvalteren i Troms og Finnmark", Opening: map[string]string{"nb": "Takk for søknaden."},
		Closing: map[string]string{"nn": "Helsing oppvekst"}}
	stored, err = ta.Store.LetterTemplate(ctx, demo.Municipality)
	require.NoError(t, err)
	assert.Equal(t, want, stored)
	assert.Len(t, ta.AuditedAs(t, "letter-template.update"), 1)

	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	api := ta.Do(t, cw, "GET", "/api/v1/letter-template", "", "")
	require.Equal(t, 200, api.Status, api.Body)
	var v directoryweb.LetterTemplateView
	require.NoError(t, json.Unmarshal([]byte(api.Body), &v))
	assert.Equal(t, "Statsforvalteren i Troms og Finnmark", v.AppealBody)
	assert.Equal(t, []string{"Postboks 1", "9900 DEMOBY"}, v.SenderLines)

	api = ta.Do(t, cw, "PUT", "/api/v1/letter-template", "application/json", `{"senderName":"Demo","opening":{"de":"Hallo"}}`)
	require.Equal(t, 422, api.Status, api.Body)
	assert.Equal(t, []domain.FieldError{{Field: "opening.de", Reason: "unknown-language"}}, problemFields(t, api.Body))
	stored, err = ta.Store.LetterTemplate(ctx, demo.Municipality)
	require.NoError(t, err)
	assert.Equal(t, want, stored, "a refused PUT stores nothing")

	// The other municipality has a template of its own.
	other, err := ta.Store.LetterTemplate(ctx, demo.Neighbour)
	require.NoError(t, err)
	assert.Equal(t, domain.LetterTemplate{Municipality: demo.Neighbour}, other)
}
