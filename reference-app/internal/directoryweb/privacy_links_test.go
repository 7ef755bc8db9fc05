package directoryweb_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The child's page links where the law's rights over the record are
// used: each guardian with parental responsibility finds everything
// stored (the export), the caseworker and the administrator find the
// erasure on request; staff and a parent without responsibility see
// neither link. Each link opens for the one who sees it.
func TestChildPageLinksThePrivacyPages(t *testing.T) {
	ta := webtest.New(t)
	sofie := "/children/" + ta.Sofie.String()
	export, erasure := sofie+"/export", sofie+"/erasure"
	for _, tc := range []struct {
		persona, link, text string
	}{
		{demo.PersonaGuardian, export, "Se alt kommunen har lagret om barnet og deg"},
		{demo.PersonaSecondParent, export, "Se alt kommunen har lagret om barnet og deg"},
		{demo.PersonaCaseworker, erasure, "Slett opplysninger om barnet etter krav"},
		{demo.PersonaAdmin, erasure, "Slett opplysninger om barnet etter krav"},
		{demo.PersonaStaff, "", ""},
	} {
		cookie := ta.CookieFor(t, tc.persona)
		page := ta.Do(t, cookie, "GET", sofie, "", "")
		require.Equal(t, 200, page.Status, tc.persona)
		for _, other := range []string{export, erasure} {
			if other != tc.link {
				assert.NotContains(t, page.Body, `href="`+other+`"`, tc.persona)
			}
		}
		if tc.link == "" {
			continue
		}
		assert.Contains(t, page.Body, `<a class="ds-link" href="`+tc.link+`">`+tc.text+`</a>`, tc.persona)
		assert.Equal(t, 200, ta.Do(t, cookie, "GET", tc.link, "", "").Status, tc.persona)
	}
	// In nynorsk and English too.
	nn := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian)+"; "+web.LangCookie+"=nn", "GET", sofie, "", "")
	assert.Contains(t, nn.Body, "Sjå alt kommunen har lagra om barnet og deg")
	en := ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker)+"; "+web.LangCookie+"=en", "GET", sofie, "", "")
	assert.Contains(t, en.Body, "Erase the child&#39;s data on request")
}
