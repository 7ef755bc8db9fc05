package domain_test

import (
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/domain"
)

// The SQL forms of a search find what MatchesSearch finds: the LIKE
// patterns at least that (on lower(text), ASCII only as in SQLite), the
// GLOB and regular-expression classes exactly that.
func TestSearchPatternsAgreeWithMatchesSearch(t *testing.T) {
	texts := []string{"Åse Marie Ærlig", "Åsmund Ärlig", "Ola Øvrebø", "Per_100% Berg", "KARI NORDMANN", "Kåre *?[x] Bø", "Élodie Ŋuolja"}
	searches := []string{"ærlig", "ÆRLIG", "åse ærlig", "rlig", "øvrebø", "_100%", "kari nord", "*?[x]", "bø kåre", "élodie", "ŋ", "x", "a\\b", "ä"}
	asciiLower := func(s string) string {
		return strings.Map(func(r rune) rune {
			if 'A' <= r && r <= 'Z' {
				return r + 32
			}
			return r
		}, s)
	}
	like := func(text, pattern string) bool {
		var re strings.Builder
		re.WriteString("^")
		esc := false
		for _, r := range pattern {
			switch {
			case esc:
				re.WriteString(regexp.QuoteMeta(string(r)))
				esc = false
			case r == '\\':
				esc = true
			case r == '%':
				re.WriteString("(?s:.*)")
			case r == '_':
				re.WriteString("(?s:.)")
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString("$")
		return regexp.MustCompile(re.String()).MatchString(text)
	}
	for _, text := range texts {
		for _, q := range searches {
			want := domain.MatchesSearch(q, text)
			all := func(ps []string, match func(p string) bool) bool {
				for _, p := range ps {
					if !match(p) {
						return false
					}
				}
				return true
			}
			if want {
				assert.True(t, all(domain.SearchPatterns(q), func(p string) bool { return like(asciiLower(text), p) }), "LIKE %q in %q", q, text)
			}
			assert.Equal(t, want, all(domain.SearchGlobs(q), func(p string) bool {
				ok, err := path.Match(strings.ReplaceAll(p, "\\", "\\\\"), text)
				return err == nil && ok
			}), "GLOB %q in %q", q, text)
			assert.Equal(t, want, all(domain.SearchRegexps(q), func(p string) bool { return regexp.MustCompile(p).MatchString(text) }), "regexp %q in %q", q, text)
		}
	}
}
