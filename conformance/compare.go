package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// Mismatch is the first difference between an expected and an actual
// answer.
type Mismatch struct {
	// Field is the JSON path of the differing field ("children[1].fee");
	// empty when the answers differ as a whole.
	Field string `json:"field"`
	// Detail says what was expected and what was found.
	Detail string `json:"detail"`
}

// Error makes a Mismatch readable in one line.
func (m *Mismatch) Error() string {
	if m.Field == "" {
		return m.Detail
	}
	return m.Field + ": " + m.Detail
}

// isDecimalString reports whether s is a plain decimal with a point: an
// optional minus, digits, a point, digits. No exponent, no plus, no spaces.
func isDecimalString(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	intPart, frac, ok := strings.Cut(s, ".")
	return ok && allDigits(intPart) && allDigits(frac)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Compare compares an actual answer with the expected one, field by field
// in the order of expect, and returns the first difference, or nil:
//
//   - objects: every field of expect must match the field of actual; fields
//     of actual that expect does not name are ignored. An expected null
//     matches a missing field, and an expected empty list matches a missing
//     or null field;
//   - lists whose expected elements are all strings (rule codes) are
//     compared as sets: the same distinct strings, in any order;
//   - other lists must have the same length and match element by element;
//   - two strings that both look like decimals with a point ("1400.00",
//     "-0.5") are compared by value, so "1400.0" matches "1400.00"; any other
//     strings (ids, dates, codes, "02842150186") must be equal;
//   - numbers are compared by value (2 matches 2.0); true, false and null
//     exactly.
func Compare(expect, actual json.RawMessage) *Mismatch {
	e, err := parseTree(expect)
	if err != nil {
		return &Mismatch{Detail: "expected answer is not valid JSON"}
	}
	return compareTree(e, actual)
}

// compareTree is Compare with the expected answer parsed.
func compareTree(e *node, actual json.RawMessage) *Mismatch {
	// Only the fields expect names are built; the rest of the answer is
	// checked (JSON, no repeated keys) but skipped.
	a, err := parseGuided(actual, e)
	if err != nil {
		return &Mismatch{Detail: "answer is not valid JSON"}
	}
	var c comparer
	return c.node(e, a)
}

// comparer walks an expected and an actual tree together; path is where
// it is, written out only for a mismatch.
type comparer struct {
	path []cmpSeg
}

type cmpSeg struct {
	key   string
	index int // -1 for a key
}

// at returns the path as "children[1].fee", "" at the root.
func (c *comparer) at() string {
	var b strings.Builder
	for _, s := range c.path {
		if s.index >= 0 {
			b.WriteString(joinIndex("", s.index))
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

// child compares e and a one level down, at the key or index.
func (c *comparer) child(e, a *node, key string, index int) *Mismatch {
	c.path = append(c.path, cmpSeg{key: key, index: index})
	m := c.node(e, a)
	c.path = c.path[:len(c.path)-1]
	return m
}

func (c *comparer) node(e, a *node) *Mismatch {
	switch e.kind {
	case 'o':
		if a.kind != 'o' {
			return c.mismatch(e, a)
		}
		next := 0
		for i, k := range e.keys {
			ev := e.elems[i]
			av := a.lookup(k, &next)
			if av == nil || av.kind == 'z' {
				if ev.kind == 'z' || (ev.kind == 'a' && len(ev.elems) == 0) {
					continue
				}
				if av == nil {
					return &Mismatch{Field: joinKey(c.at(), k), Detail: "expected " + show(ev) + ", field missing"}
				}
			}
			if m := c.child(ev, av, k, -1); m != nil {
				return m
			}
		}
		return nil
	case 'a':
		if a.kind != 'a' {
			return c.mismatch(e, a)
		}
		if len(e.elems) > 0 && allStrings(e) {
			if !allStrings(a) {
				return c.mismatch(e, a)
			}
			if !slices.Equal(stringSet(e), stringSet(a)) {
				return c.mismatch(e, a)
			}
			return nil
		}
		if len(e.elems) != len(a.elems) {
			return &Mismatch{Field: c.at(), Detail: fmt.Sprintf("expected %d elements, got %d", len(e.elems), len(a.elems))}
		}
		for i := range e.elems {
			if m := c.child(e.elems[i], a.elems[i], "", i); m != nil {
				return m
			}
		}
		return nil
	case 's':
		if a.kind != 's' {
			return c.mismatch(e, a)
		}
		if e.str == a.str {
			return nil
		}
		if isDecimalString(e.str) && isDecimalString(a.str) {
			ed, err1 := decimal.NewFromString(e.str)
			ad, err2 := decimal.NewFromString(a.str)
			if err1 == nil && err2 == nil && ed.Equal(ad) {
				return nil
			}
		}
		return c.mismatch(e, a)
	case 'n':
		if a.kind != 'n' {
			return c.mismatch(e, a)
		}
		ed, err1 := decimal.NewFromString(e.str)
		ad, err2 := decimal.NewFromString(a.str)
		if err1 != nil || err2 != nil || !ed.Equal(ad) {
			return c.mismatch(e, a)
		}
		return nil
	}
	// true, false, null
	if a.kind != e.kind || a.str != e.str {
		return c.mismatch(e, a)
	}
	return nil
}

func allStrings(n *node) bool {
	for _, e := range n.elems {
		if e.kind != 's' {
			return false
		}
	}
	return true
}

// stringSet returns the distinct strings of a list node, sorted.
func stringSet(n *node) []string {
	out := make([]string, 0, len(n.elems))
	for _, e := range n.elems {
		out = append(out, e.str)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (c *comparer) mismatch(e, a *node) *Mismatch {
	return &Mismatch{Field: c.at(), Detail: "expected " + show(e) + ", got " + show(a)}
}

// show renders a node as compact JSON, shortened for messages.
func show(n *node) string {
	var b bytes.Buffer
	n.encode(&b)
	return snippet(b.Bytes())
}
