package web_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// TestStaticFiles: every page links Designsystemet's stylesheet, the app's
// own and the icon; they are served from the embedded files with their
// media types, the licence beside Designsystemet's CSS, and nothing else.
func TestStaticFiles(t *testing.T) {
	ta := webtest.New(t)
	page := ta.Do(t, "", "GET", "/login", "", "")
	for _, link := range []string{`href="/static/designsystemet.css"`, `href="/static/app.css"`, `href="/static/favicon.svg"`, `href="/favicon.ico"`} {
		assert.Contains(t, page.Body, link)
	}
	for path, want := range map[string]struct{ typ, body string }{
		"/static/designsystemet.css":             {"text/css; charset=utf-8", ".ds-button{"},
		"/static/app.css":                        {"text/css; charset=utf-8", "--app-target"},
		"/static/LICENSE-designsystemet-css.txt": {"text/plain; charset=utf-8", "Digitaliseringsdirektoratet"},
		"/static/favicon.svg":                    {"image/svg+xml", "<svg"},
		"/favicon.ico":                           {"image/x-icon", "\x00\x00\x01\x00"},
	} {
		resp := ta.Do(t, "", "GET", path, "", "")
		assert.Equal(t, 200, resp.Status, path)
		assert.Equal(t, want.typ, resp.Header.Get("Content-Type"), path)
		assert.Contains(t, resp.Body, want.body, path)
	}
	for _, path := range []string{"/static/nothing.css", "/static/app.go", "/static/..%2fapp.go", "/static/"} {
		assert.Equal(t, 404, ta.Do(t, "", "GET", path, "", "").Status, path)
	}
}
