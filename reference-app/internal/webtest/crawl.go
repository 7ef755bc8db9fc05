package webtest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

var HrefRE = regexp.MustCompile(`href="(/[^"#]*)`)

// Crawl fetches every page and API response a persona can reach from its
// start page and the API lists, and returns the bodies by path.
func Crawl(t *testing.T, ta *Harness, key string) map[string]string {
	t.Helper()
	return CrawlIn(t, ta, key, "")
}

// CrawlIn is Crawl in a language (nb, nn, en; "" for the default).
func CrawlIn(t *testing.T, ta *Harness, key, lang string) map[string]string {
	t.Helper()
	cookie := ta.CookieFor(t, key)
	if lang != "" {
		cookie += "; " + web.LangCookie + "=" + lang
	}
	bodies := map[string]string{}
	queue := []string{"/", "/login", "/guardian", "/staff", "/caseworker", "/admin/audit",
		"/api/v1/me", "/api/v1/children?limit=200", "/api/v1/units?limit=200", "/api/v1/audit?limit=200", "/api/v1/threads?limit=200",
		"/children/" + ta.Aurora.String(), "/api/v1/children/" + ta.Aurora.String(),
		"/api/v1/units/" + ta.Bjorkelia.String() + "/roster", "/api/v1/units/" + ta.NordbySFO.String() + "/roster"}
	idRE := regexp.MustCompile(`"id":"([0-9a-f-]{36})"`)
	for len(queue) > 0 && len(bodies) < 400 {
		path := queue[0]
		queue = queue[1:]
		if _, done := bodies[path]; done || strings.HasPrefix(path, "/login/") {
			continue
		}
		resp := ta.Do(t, cookie, "GET", path, "", "")
		assert.Less(t, resp.Status, 500, "%s as %s", path, key)
		bodies[path] = resp.Body
		for _, m := range HrefRE.FindAllStringSubmatch(resp.Body, -1) {
			queue = append(queue, strings.ReplaceAll(m[1], "&amp;", "&"))
		}
		if path == "/api/v1/children?limit=200" {
			for _, m := range idRE.FindAllStringSubmatch(resp.Body, -1) {
				queue = append(queue, "/api/v1/children/"+m[1])
			}
		}
		if path == "/api/v1/threads?limit=200" {
			for _, m := range idRE.FindAllStringSubmatch(resp.Body, -1) {
				queue = append(queue, "/api/v1/threads/"+m[1])
			}
		}
	}
	return bodies
}
