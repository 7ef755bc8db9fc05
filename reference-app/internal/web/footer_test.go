package web_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// A municipality's app (-demo=false) does not tell its users that it is a
// demonstration with fictional people; the demo does, in every language.
func TestDemoFooterOnlyInDemoMode(t *testing.T) {
	ta := webtest.New(t)
	for _, lang := range web.Languages {
		cookie := web.LangCookie + "=" + lang
		ta.App.Demo = true
		resp := ta.Do(t, cookie, "GET", "/login", "", "")
		require.Equal(t, 200, resp.Status)
		assert.Contains(t, resp.Body, "<footer>", lang)
		ta.App.Demo = false
		resp = ta.Do(t, cookie, "GET", "/login", "", "")
		require.Equal(t, 200, resp.Status)
		assert.NotContains(t, resp.Body, "<footer>", lang)
		for _, fictional := range []string{"oppdiktede", "oppdikta", "fictional"} {
			assert.NotContains(t, resp.Body, fictional, lang)
		}
	}
}
