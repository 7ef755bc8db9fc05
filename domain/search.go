package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MatchesSearch reports whether the texts, joined by spaces, hold every
// word of search, ignoring case (strings.ToLower on both, so Æ finds æ);
// an empty search matches everything. It is the name search of every list
// (the reference app's api.Matches) and the final word of the stores'
// searches in SQL (SearchPatterns).
func MatchesSearch(search string, texts ...string) bool {
	if strings.TrimSpace(search) == "" {
		return true
	}
	text := strings.ToLower(strings.Join(texts, " "))
	for _, w := range strings.Fields(strings.ToLower(search)) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// SearchPatterns are the SQL LIKE patterns (escape character '\') of the
// words of a search, one each, to be matched against lower(text). Every
// text MatchesSearch finds matches all of them in SQLite and PostgreSQL
// alike: a word's ASCII letters are lower-cased as lower() does everywhere,
// and any other character (æ, ø, å, é…), which SQLite's lower() leaves as
// it is, becomes '_' (any one character). The patterns may find more than
// MatchesSearch (a name with "ä" for a search "æ"), so a store checks every
// row it found with MatchesSearch before it counts it. No words: nil.
func SearchPatterns(search string) []string {
	words := strings.Fields(strings.ToLower(search))
	if len(words) == 0 {
		return nil
	}
	out := make([]string, 0, len(words))
	for _, w := range words {
		var b strings.Builder
		b.WriteByte('%')
		for _, r := range w {
			switch {
			case r == '%' || r == '_' || r == '\\':
				b.WriteByte('\\')
				b.WriteRune(r)
			case r < utf8.RuneSelf:
				b.WriteRune(r)
			default:
				b.WriteByte('_')
			}
		}
		b.WriteByte('%')
		out = append(out, b.String())
	}
	return out
}

// NationalIDPrefix is the search without spaces when it can start a
// national ID (one to eleven digits), else "": the prefix a list searches
// national ID numbers by, for actors who may search by number.
func NationalIDPrefix(search string) string {
	digits := strings.ReplaceAll(search, " ", "")
	if digits == "" || len(digits) > 11 {
		return ""
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return digits
}

// ChildQuery asks DirectoryReader.ChildrenPage for one keyset page of the
// municipality's children, in ID order.
type ChildQuery struct {
	// After is the key of the last child of the previous page; zero starts
	// at the first child.
	After ChildID
	// Limit is the most children returned (a list asks one more than it
	// shows, to know whether there is a next page); 0 or less is 1.
	Limit int
	// Search, when not blank, keeps the children whose name (given and
	// family name) holds every word of it (MatchesSearch), or, with
	// ByNationalID, whose national ID starts with it (NationalIDPrefix).
	Search       string
	ByNationalID bool
}

// Matches reports whether the query's search finds the child.
func (q ChildQuery) Matches(c Child) bool {
	if strings.TrimSpace(q.Search) == "" || MatchesSearch(q.Search, c.GivenName, c.FamilyName) {
		return true
	}
	p := NationalIDPrefix(q.Search)
	return q.ByNationalID && p != "" && !c.NationalID.IsZero() && strings.HasPrefix(c.NationalID.String(), p)
}

// CollectPage collects at most limit rows that keep accepts, reading them
// in key order with read(after, n) (the n rows after the key, fewer at
// the end): the loop every store's keyset search shares. A search in SQL
// that may find more than keep (SearchPatterns) costs one more read only
// when a batch held rows keep refused.
func CollectPage[T, K any](limit int, after K, key func(T) K, read func(after K, n int) ([]T, error), keep func(T) bool) ([]T, error) {
	limit = max(limit, 1)
	out := make([]T, 0, min(limit, 256))
	for {
		n := limit - len(out)
		rows, err := read(after, n)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if keep(r) {
				out = append(out, r)
			}
		}
		if len(rows) < n || len(out) >= limit {
			return out, nil
		}
		after = key(rows[len(rows)-1])
	}
}

// foldSet is every rune whose strings.ToLower is the lower-case rune c:
// c and the runes of its case-folding orbit that lower to it (k: k, K and
// the Kelvin sign).
func foldSet(c rune) []rune {
	set := []rune{c}
	for r := unicode.SimpleFold(c); r != c; r = unicode.SimpleFold(r) {
		if unicode.ToLower(r) == c {
			set = append(set, r)
		}
	}
	return set
}

// SearchGlobs are the SQLite GLOB patterns of the words of a search, one
// each, to be matched against the text itself (not lower-cased): each
// letter a class of the letters that lower-case to it ([æÆ]), so a text
// matches them all exactly when MatchesSearch finds it. No words: nil.
func SearchGlobs(search string) []string {
	words := strings.Fields(strings.ToLower(search))
	if len(words) == 0 {
		return nil
	}
	out := make([]string, 0, len(words))
	for _, w := range words {
		var b strings.Builder
		b.WriteByte('*')
		for _, c := range w {
			switch set := foldSet(c); {
			case len(set) > 1:
				b.WriteByte('[')
				b.WriteString(string(set))
				b.WriteByte(']')
			case c == '*' || c == '?' || c == '[':
				b.WriteByte('[')
				b.WriteRune(c)
				b.WriteByte(']')
			default:
				b.WriteRune(c)
			}
		}
		b.WriteByte('*')
		out = append(out, b.String())
	}
	return out
}

// SearchRegexps are SearchGlobs as PostgreSQL regular expressions (~),
// unanchored: a text matches them all exactly when MatchesSearch finds it.
func SearchRegexps(search string) []string {
	words := strings.Fields(strings.ToLower(search))
	if len(words) == 0 {
		return nil
	}
	out := make([]string, 0, len(words))
	for _, w := range words {
		var b strings.Builder
		for _, c := range w {
			switch set := foldSet(c); {
			case len(set) > 1:
				b.WriteByte('[')
				b.WriteString(string(set))
				b.WriteByte(']')
			case c < utf8.RuneSelf && !('a' <= c && c <= 'z' || '0' <= c && c <= '9'):
				b.WriteByte('\\')
				b.WriteRune(c)
			default:
				b.WriteRune(c)
			}
		}
		out = append(out, b.String())
	}
	return out
}
