package main

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rickb777/date/v2"
)

// Every user-facing string of the web UI is in a message catalog, one JSON
// file per language: a key and its text, with fmt verbs for arguments.

//go:embed messages/*.json
var messageFiles embed.FS

// languages are the languages the UI offers, the first the default.
var languages = []string{"nb", "nn", "en"}

// langCookie keeps the user's choice of language.
const langCookie = "oppvekst_lang"

type catalog map[string]string

// text returns the message, or the key in brackets when it is missing (a
// test keeps every catalog complete).
func (c catalog) text(key string, args ...any) string {
	s, ok := c[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// catalogs are the parsed message files by language.
var catalogs = mustLoadCatalogs()

func mustLoadCatalogs() map[string]catalog {
	out := map[string]catalog{}
	for _, lang := range languages {
		// messages/<lang>.json, then each capability's
		// messages/<capability>.<lang>.json; a key defined twice is a bug.
		extra, err := fs.Glob(messageFiles, "messages/*."+lang+".json")
		if err != nil {
			panic(err)
		}
		c := catalog{}
		for _, name := range append([]string{path.Join("messages", lang+".json")}, extra...) {
			b, err := messageFiles.ReadFile(name)
			if err != nil {
				panic(err)
			}
			var part catalog
			if err := json.Unmarshal(b, &part); err != nil {
				panic(fmt.Sprintf("%s: %v", name, err))
			}
			for k, v := range part {
				if _, dup := c[k]; dup {
					panic(fmt.Sprintf("%s: key %q is defined twice", name, k))
				}
				c[k] = v
			}
		}
		out[lang] = c
	}
	return out
}

// locale is the language of one request, handed to templates as .L.
type locale struct {
	Code string
	cat  catalog
}

// T returns the message for key in the request's language.
func (l locale) T(key string, args ...any) string { return l.cat.text(key, args...) }

// Reason translates the reason of a refused field: a code (the domain's
// Reason* constants, "reason.<code>" in the catalogs) in the request's
// language; a reason that is no known code is shown as it is.
func (l locale) Reason(code string) string {
	if _, ok := l.cat["reason."+code]; ok {
		return l.T("reason." + code)
	}
	return code
}

// Date writes a date the way the language does: "22. november 2025" in
// Norwegian, "22 November 2025" in English.
func (l locale) Date(d date.Date) string {
	if d == date.Zero {
		return ""
	}
	y, m, day := d.Date()
	month := l.T(fmt.Sprintf("month.%d", int(m)))
	if l.Code == "en" {
		return fmt.Sprintf("%d %s %d", day, month, y)
	}
	return fmt.Sprintf("%d. %s %d", day, month, y)
}

// localeOf is the language chosen by the cookie, or the default.
func localeOf(r *http.Request) locale {
	code := languages[0]
	if c, err := r.Cookie(langCookie); err == nil && validLanguage(c.Value) {
		code = c.Value
	}
	return locale{Code: code, cat: catalogs[code]}
}

func validLanguage(s string) bool {
	for _, l := range languages {
		if s == l {
			return true
		}
	}
	return false
}

// maxReturnPath is the longest return path kept (a page's own address is
// far shorter).
const maxReturnPath = 2048

// localPath returns s when it is a clean absolute path of this app, with
// its query ("/guardian?child=…"), and "/" otherwise. It is the only way a
// return address read from a request may reach a redirect. Refused: in the
// raw text anything but printable ASCII (a browser drops tab and newline,
// so "/\t/evil.example" would be "//evil.example"); percent-decoded, as
// often as it decodes, a control character, invalid UTF-8 or a backslash
// (read as "/"); "//" in the path, raw or decoded (a host); anything that
// parses with a scheme or a host.
func localPath(s string) string {
	if s == "" || s[0] != '/' || len(s) > maxReturnPath {
		return "/"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return "/"
		}
	}
	for v, n := s, 0; ; n++ {
		p, _, _ := strings.Cut(v, "?")
		p, _, _ = strings.Cut(p, "#")
		if strings.Contains(p, "//") || strings.ContainsRune(v, '\\') || !utf8.ValidString(v) ||
			strings.ContainsFunc(v, unicode.IsControl) {
			return "/"
		}
		decoded, err := url.PathUnescape(v)
		if err != nil || (decoded != v && n == 3) { // encoded over and over
			return "/"
		}
		if decoded == v {
			break
		}
		v = decoded
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return s
}
