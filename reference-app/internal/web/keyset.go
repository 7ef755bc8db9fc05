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
	if limit < 1 {
		limit = PageSize
	}
	start, end := 0, len(rows)
	switch {
	case before != "":
		end = sort.Search(len(rows), func(i int) bool { return key(rows[i]) >= before })
		start = max(0, end-limit)
	case after != "":
		start = sort.Search(len(rows), func(i int) bool { return key(rows[i]) > after })
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

// TimeKey is a sort key of an instant and an ID that orders as text the
// way the instant and the ID order (the instant in UTC, fixed width).
func TimeKey(t time.Time, id string) string {
	return t.UTC().Format("20060102T150405.000000000") + "_" + id
}

// PagerLinks are the query strings of a list page's previous and next
// page (empty for none), keeping the page's filters q.
func PagerLinks(q url.Values, prev, next string) (prevHref, nextHref string) {
	link := func(param, key string) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "after" && k != "before" && len(vs) > 0 && vs[0] != "" {
				v.Set(k, vs[0])
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
