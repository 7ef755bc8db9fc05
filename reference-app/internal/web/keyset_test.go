package web

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestKeysetPage(t *testing.T) {
	rows := []string{"a", "c", "e", "g", "i"}
	id := func(s string) string { return s }
	p := KeysetPage(rows, id, "", "", 2)
	assert.Equal(t, []string{"a", "c"}, p.Rows)
	assert.Equal(t, "", p.Prev, "no page before the first")
	assert.Equal(t, "c", p.Next)
	p = KeysetPage(rows, id, "c", "", 2)
	assert.Equal(t, []string{"e", "g"}, p.Rows)
	assert.Equal(t, "e", p.Prev)
	assert.Equal(t, "g", p.Next)
	p = KeysetPage(rows, id, "g", "", 2)
	assert.Equal(t, []string{"i"}, p.Rows)
	assert.Equal(t, "", p.Next, "no page after the last")
	p = KeysetPage(rows, id, "", "e", 2)
	assert.Equal(t, []string{"a", "c"}, p.Rows, "the rows before a key")
	p = KeysetPage(rows, id, "d", "", 2)
	assert.Equal(t, []string{"e", "g"}, p.Rows, "a key no row has (a row removed) still cuts at its place")
	p = KeysetPageFunc([]string{"i", "g", "e"}, id, Descending, "g", "", 2)
	assert.Equal(t, []string{"e"}, p.Rows, "newest first")
}

func TestPagerLinksKeepTheFilter(t *testing.T) {
	q := url.Values{"q": {"berg"}, "made": {"1"}, "after": {"x"}}
	prev, next := PagerLinks(q, "b", "y", "q")
	assert.Equal(t, "?before=b&q=berg", prev)
	assert.Equal(t, "?after=y&q=berg", next)
	prev, next = PagerLinks(q, "", "", "q")
	assert.Empty(t, prev+next)
	assert.True(t, Matches("Åse Marie Øvrebø", "øvrebø åse"), "every word, any case")
	assert.False(t, Matches("Åse Øvrebø", "berg"))
	early := time.Date(2025, time.March, 1, 9, 5, 0, 0, time.UTC)
	late := early.Add(1500 * time.Millisecond)
	assert.Less(t, TimeKey(early, "b"), TimeKey(late, "a"), "the instant orders before the ID, as text")
	assert.Less(t, TimeKey(early, "a"), TimeKey(early, "b"))
}
