package web_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// hostileReturns are return addresses a browser would (or might) follow off
// this site, or that are not a clean path of it. LocalPath turns each into
// "/".
var hostileReturns = []string{
	"", "guardian", "evil.example", " /guardian", "\t/guardian",
	"//evil.example", "///evil.example", "////evil.example", "//evil.example/%2e%2e",
	"/\\evil.example", "\\\\evil.example", "/\\/evil.example", "\\/evil.example",
	"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\r\n/evil.example", "/\x00/evil.example",
	"/\x0b/evil.example", "/\x0c/evil.example", "/\x7f/evil.example", "/ /evil.example",
	"/%09/evil.example", "/%0a/evil.example", "/%0A/evil.example", "/%0d/evil.example", "/%0d%0a/evil.example",
	"/%00/evil.example", "/%7f/evil.example", "/%1b/evil.example", "/%c2%85/evil.example", "/%C2%A0%09/x",
	"/%2509/evil.example", "/%252509/evil.example", "/%25252525252509/evil.example",
	"/%2f/evil.example", "/%2F%2Fevil.example", "/%2f%2fevil.example", "/.%2f/evil.example",
	"/%5c/evil.example", "/%5Cevil.example", "/%5c%5cevil.example",
	"/./%2F/evil.example", "/.//evil.example", "/..//evil.example", "/a//b",
	"/%zz", "/%", "/%e2%28%a1", "/\u3002evil.example", "/\uff0f\uff0fevil.example", "/\u00e6",
	"https://evil.example", "http:evil.example", "http:/evil.example", "HTTPS://evil.example",
	"javascript:alert(1)", "data:text/html,x", "/guardian\x00", "/guardian\n", "/guardian?x=\n",
	"/guardian?x=%0a", "/guardian#%09", "/" + strings.Repeat("a", 2048),
}

func TestLocalPathRefusesHostileReturns(t *testing.T) {
	for _, s := range hostileReturns {
		assert.Equal(t, "/", web.LocalPath(s), "%q", s)
	}
}

func TestLocalPathKeepsThePagesOwnAddress(t *testing.T) {
	for _, s := range []string{
		"/", "/guardian", "/staff/attendance?day=2025-11-24&group=019ab585-3fa7-7123-9883-8bfd164c556f",
		"/children/019ab585-3fa7-7123-9883-8bfd164c556f", "/messages?saved=1#kontakt", "/admin/audit?cursor=abc_-",
		"/caseworker?q=Kari+Berg", "/caseworker?q=Kari%20Berg", "/caseworker?q=%C3%86se", "/billing/export.csv?month=2025-11",
		"/guardian?next=//evil.example", // a query is no host
	} {
		assert.Equal(t, s, web.LocalPath(s), "%q", s)
	}
}

// Through the language form: every hostile return lands on "/", read as the
// form sends it (url-encoded, so "%09" arrives as a tab) — or, when the form
// value holds a control character, is refused at the edge (422, no
// Location) before the return is read at all.
func TestLanguageReturnIsAlwaysLocal(t *testing.T) {
	ta := webtest.New(t)
	for _, s := range append(hostileReturns, "/%09/evil.example") {
		for _, body := range []string{
			"lang=en&return=" + url.QueryEscape(s), // the value s
			"lang=en&return=" + s,                  // s as written on the wire
		} {
			resp := ta.Do(t, "", "POST", "/language", "application/x-www-form-urlencoded", body)
			if resp.Status == 400 { // not even a form
				continue
			}
			if resp.Status == 422 {
				assert.Empty(t, resp.Header.Get("Location"), "%q", body)
				form, err := url.ParseQuery(body)
				assert.NoError(t, err)
				v := form.Get("return")
				assert.True(t, strings.ContainsFunc(v, unicode.IsControl) || !utf8.ValidString(v),
					"only a control character or invalid UTF-8 is refused at the edge: %q", body)
				continue
			}
			assert.Equal(t, 303, resp.Status, "%q", body)
			assert.Equal(t, "/", resp.Header.Get("Location"), "%q", body)
		}
	}
	resp := ta.Do(t, "", "POST", "/language", "application/x-www-form-urlencoded", "lang=en&return="+url.QueryEscape("/staff/attendance?day=2025-11-24"))
	assert.Equal(t, "/staff/attendance?day=2025-11-24", resp.Header.Get("Location"))
}
