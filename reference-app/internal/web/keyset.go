package web

import (
	"net/url"
	"sort"
	"strings"
	"time"
)

// PageSize is how many rows a paged list page shows.
const PageSize = 50

// Keyset is one page of a list cut by its sort key (keyset paging): the
// rows after one key or before another, never "skip n rows", so a row
// added or removed while someone pages does not shift the pages.
type Keyset[T any] struct {
	Rows []T
	// Prev and Next are the keys to page from: ?before=Prev shows the page
	// before, ?after=Next the page after; empty when there is none.
	Prev, Next string
}

// KeysetPage cuts a page of at most limit rows out of rows sorted by key
// (ascending, each key unique): the first rows after the key after, or
// when before is set the last rows before it; neither is the first page.
// A key that is no row's still cuts at its place in the order.
func KeysetPage[T any](rows []T, key func(T) string, after, before string, limit int) Keyset[T] {
	return KeysetPageFunc(rows, key, strings.Compare, after, before, limit)
}

// KeysetPageFunc is KeysetPage for rows sorted by key in the order of
// compare (strings.Compare reversed: newest first).
func KeysetPageFunc[T any](rows []T, key func(T) string, compare func(a, b string) int, after, before string, limit int) Keyset[T] {
	if limit < 1 {
		limit = PageSize
	}
	start, end := 0, len(rows)
	switch {
	case before != "":
		end = sort.Search(len(rows), func(i int) bool { return compare(key(rows[i]), before) >= 0 })
		start = max(0, end-limit)
	case after != "":
		start = sort.Search(len(rows), func(i int) bool { return compare(key(rows[i]), after) > 0 })
		end = min(len(rows), start+limit)
	default:
		end = min(len(rows), limit)
	}
	p := Keyset[T]{Rows: rows[start:end]}
	if start > 0 && start < len(rows) {
		p.Prev = key(rows[start])
	}
	if end < len(rows) && end > 0 {
		p.Next = key(rows[end-1])
	}
	return p
}

// Descending compares the other way round: for KeysetPageFunc on rows
// sorted newest first.
func Descending(a, b string) int { return strings.Compare(b, a) }

// TimeKey is a sort key of an instant and an ID that orders as text the
// way the instant and the ID order (the instant in UTC, fixed width).
func TimeKey(t time.Time, id string) string {
	return t.UTC().Format("20060102T150405.000000000") + "_" + id
}

// PagerLinks are the query strings of a list page's previous and next
// page (empty for none), keeping the filters named by keep as q has them.
func PagerLinks(q url.Values, prev, next string, keep ...string) (prevHref, nextHref string) {
	link := func(param, key string) string {
		v := url.Values{}
		for _, k := range keep {
			if s := q.Get(k); s != "" {
				v.Set(k, s)
			}
		}
		v.Set(param, key)
		return "?" + v.Encode()
	}
	if prev != "" {
		prevHref = link("before", prev)
	}
	if next != "" {
		nextHref = link("after", next)
	}
	return prevHref, nextHref
}

// Matches reports whether text contains every word of the search q,
// ignoring case.
func Matches(text, q string) bool {
	text = strings.ToLower(text)
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}
