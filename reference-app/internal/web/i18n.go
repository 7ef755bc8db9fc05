package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/rickb777/date/v2"
)

// Every user-facing string of the web UI is in a message catalog, one JSON
// file per language: a key and its text, with fmt verbs for arguments.

// messageFiles are the shell's strings; each capability brings its own
// (Capability.Messages).
//
//go:embed messages/*.json
var messageFiles embed.FS

// Languages are the languages the UI offers, the first the default.
var Languages = []string{"nb", "nn", "en"}

// LangCookie keeps the user's choice of language.
const LangCookie = "oppvekst_lang"

type Catalog map[string]string

// Text returns the message, or the key in brackets when it is missing (a
// test keeps every catalog complete).
func (c Catalog) Text(key string, args ...any) string {
	s, ok := c[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// loadCatalogs adds the message files of fsys to the catalogs by
// language: messages/<lang>.json (the shell's) and
// messages/<capability>.<lang>.json (a capability's). A key defined twice
// is an error.
func loadCatalogs(catalogs map[string]Catalog, fsys fs.FS) error {
	for _, lang := range Languages {
		own, err := fs.Glob(fsys, path.Join("messages", lang+".json"))
		if err != nil {
			return err
		}
		extra, err := fs.Glob(fsys, "messages/*."+lang+".json")
		if err != nil {
			return err
		}
		c := catalogs[lang]
		if c == nil {
			c = Catalog{}
			catalogs[lang] = c
		}
		for _, name := range append(own, extra...) {
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			var part Catalog
			if err := json.Unmarshal(b, &part); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := c[k]; dup {
					return fmt.Errorf("%s: key %q is defined twice", name, k)
				}
				c[k] = v
			}
		}
	}
	return nil
}

// Locale is the language of one request, handed to templates as .L.
type Locale struct {
	Code string
	cat  Catalog
}

// T returns the message for key in the request's language.
func (l Locale) T(key string, args ...any) string { return l.cat.Text(key, args...) }

// Reason translates the reason of a refused field: a code (the library's
// reason codes, "reason.<code>" in the catalogs) in the request's
// language, without parameters (FieldReason fills them in); a reason that
// is no known code is shown as it is.
func (l Locale) Reason(code string) string {
	if _, ok := l.cat["reason."+code]; ok {
		return l.ReasonWith(code, nil)
	}
	return code
}

// FieldReason writes a field error's reason in the request's language:
// the catalog's "reason.<code>" with every {name} replaced by the
// parameter, dates (yyyy-mm-dd) written the way the language writes them
// and months (yyyy-mm) as "mars 2026". A code without a text (a test keeps
// the catalogs complete) falls back to the catalog's "reason.refused",
// never to the library's English.
func (l Locale) FieldReason(f domain.FieldError) string {
	return l.ReasonWith(f.Reason, f.Params)
}

// ConflictReason writes a conflict's reason like FieldReason.
func (l Locale) ConflictReason(c *domain.ConflictError) string {
	return l.ReasonWith(c.Reason, c.Params)
}

// ReasonWith writes the reason code with its parameters in the request's
// language (see FieldReason).
func (l Locale) ReasonWith(code string, params map[string]string) string {
	text, ok := l.cat["reason."+code]
	if !ok {
		text, ok = l.cat["reason."+domain.ReasonRefused]
		if !ok {
			return code
		}
	}
	if len(params) == 0 {
		return text
	}
	shown := make(map[string]string, len(params))
	for k, v := range params {
		shown[k] = l.paramValue(v)
	}
	return domain.FillParams(text, shown)
}

// DateText writes a date or a month given as text (yyyy-mm-dd, yyyy-mm)
// the way the language does; other text is returned as it is.
func (l Locale) DateText(s string) string { return l.paramValue(s) }

// paramValue writes a parameter the way the language would: a date or a
// month in words, a time of day as it is.
func (l Locale) paramValue(v string) string {
	if len(v) == 10 && v[4] == '-' && v[7] == '-' {
		if d, err := date.ParseISO(v); err == nil {
			return l.Date(d)
		}
	}
	if len(v) == 7 && v[4] == '-' {
		if d, err := date.ParseISO(v + "-01"); err == nil {
			y, m, _ := d.Date()
			return fmt.Sprintf("%s %d", l.T(fmt.Sprintf("month.%d", int(m))), y)
		}
	}
	return v
}

// Has reports whether the catalog has a message for key.
func (l Locale) Has(key string) bool {
	_, ok := l.cat[key]
	return ok
}

// Date writes a date the way the language does: "22. november 2025" in
// Norwegian, "22 November 2025" in English.
func (l Locale) Date(d date.Date) string {
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

// DateTime writes a moment in Norwegian time the way the language does:
// "24. november 2025 kl. 12.00" in Norwegian, "24 November 2025, 12:00" in
// English.
func (l Locale) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(domain.Oslo())
	d := l.Date(date.New(t.Year(), t.Month(), t.Day()))
	if l.Code == "en" {
		return d + ", " + t.Format("15:04")
	}
	return d + " kl. " + t.Format("15.04")
}

// Clock writes a moment's time of day in Norwegian time the way the
// language does: "12.00" in Norwegian, "12:00" in English.
func (l Locale) Clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l.Code == "en" {
		return t.In(domain.Oslo()).Format("15:04")
	}
	return t.In(domain.Oslo()).Format("15.04")
}

// localeOf is the language chosen by the cookie, or the default.
func (a *App) localeOf(r *http.Request) Locale {
	code := Languages[0]
	if c, err := r.Cookie(LangCookie); err == nil && validLanguage(c.Value) {
		code = c.Value
	}
	return Locale{Code: code, cat: a.Catalogs[code]}
}

// Locale is the language by its code (nb, nn or en; another code gives
// the default), for work outside a request and for tests.
func (a *App) Locale(code string) Locale {
	if !validLanguage(code) {
		code = Languages[0]
	}
	return Locale{Code: code, cat: a.Catalogs[code]}
}

func validLanguage(s string) bool {
	for _, l := range Languages {
		if s == l {
			return true
		}
	}
	return false
}

// maxReturnPath is the longest return path kept (a page's own address is
// far shorter).
const maxReturnPath = 2048

// LocalPath returns s when it is a clean absolute path of this app, with
// its query ("/guardian?child=…"), and "/" otherwise. It is the only way a
// return address read from a request may reach a redirect. Refused: in the
// raw text anything but printable ASCII (a browser drops tab and newline,
// so "/\t/evil.example" would be "//evil.example"); percent-decoded, as
// often as it decodes, a control character, invalid UTF-8 or a backslash
// (read as "/"); "//" in the path, raw or decoded (a host); anything that
// parses with a scheme or a host.
func LocalPath(s string) string {
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
