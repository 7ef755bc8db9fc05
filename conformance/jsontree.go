package conformance

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is the runner's JSON reader: one pass over the bytes that
// checks the syntax (RFC 8259), refuses a key repeated in one object and
// bounds the nesting. decodeInput (decode.go) reads with it straight into Go
// values; Compare builds a tree (node) of the expected answer and of the
// parts of the actual answer that expect names. It replaces a tree built
// token by token with encoding/json's Decoder.Token and a second decoding
// pass, which were most of the runner's time on large vectors (issue 20).
// Strings are decoded as encoding/json decodes them: invalid UTF-8 and lone
// surrogates become U+FFFD.

// node is a parsed JSON value that keeps object keys in order.
type node struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	str   string
	keys  []string
	elems []*node // object values (parallel to keys) or array elements
	// raw is the value's text in the parsed bytes (not a copy).
	raw []byte
	// index maps keys to positions in a large object, built at the first
	// lookup that the keys' order does not answer (nil until then).
	index map[string]int
	// lazy marks a value that was checked but not built (parseGuided):
	// it has its kind and raw text but no members.
	lazy bool
}

// indexFrom is the number of keys from which an object is searched by an
// index rather than one by one.
const indexFrom = 16

// field returns the value of key in an object node, or nil.
func (n *node) field(key string) *node {
	next := 0
	return n.lookup(key, &next)
}

// lookup is field that tries the key at position *next first and, when
// it finds key, sets *next to the position after it: an object read in
// the order of another with the same keys in the same order (an answer
// and its expect, both written with sorted keys) is matched key by key,
// without an index.
func (n *node) lookup(key string, next *int) *node {
	if i := *next; i < len(n.keys) && n.keys[i] == key {
		*next = i + 1
		return n.elems[i]
	}
	if n.index == nil && len(n.keys) >= indexFrom {
		n.index = make(map[string]int, len(n.keys))
		for i, k := range n.keys {
			n.index[k] = i
		}
	}
	if n.index != nil {
		if i, ok := n.index[key]; ok {
			*next = i + 1
			return n.elems[i]
		}
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			*next = i + 1
			return n.elems[i]
		}
	}
	return nil
}

// keyCheck finds a key repeated in one object, the keys given one by one.
// While the keys come in increasing byte order (as encoding/json and most
// writers put a map's keys) a key greater than the one before is new and
// nothing is kept; after the first key out of order, a small object's keys
// are compared one by one and a large one's are kept in a set.
type keyCheck struct {
	unordered bool
	seen      map[string]struct{}
}

// repeated reports whether key is among before, the object's earlier
// keys.
func repeated[K string | []byte](c *keyCheck, key K, before []K) bool {
	n := len(before)
	if !c.unordered {
		if n == 0 || string(key) > string(before[n-1]) {
			return false
		}
		c.unordered = true
	}
	if c.seen == nil && n >= indexFrom {
		c.seen = make(map[string]struct{}, 2*n)
		for _, k := range before {
			c.seen[string(k)] = struct{}{}
		}
	}
	if c.seen != nil {
		if _, dup := c.seen[string(key)]; dup {
			return true
		}
		c.seen[string(key)] = struct{}{}
		return false
	}
	for _, k := range before {
		if string(k) == string(key) {
			return true
		}
	}
	return false
}

// pathSeg is one step of the path to the value being read: a key (its
// decoded bytes, not copied) or an index. The path is written out only for
// an error.
type pathSeg struct {
	key   []byte
	index int // -1 for a key
}

// pathStack is the path to the value being read or decoded.
type pathStack []pathSeg

// String writes the path as "children[1].hoursPerWeek"; "" for the root.
func (s pathStack) String() string {
	var b strings.Builder
	for _, p := range s {
		if p.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.Write(p.key)
	}
	return b.String()
}

// field is the path as an error's field: "input" for the root.
func (s pathStack) field() string { return pathOrInput(s.String()) }

// parser reads one JSON text.
type parser struct {
	data []byte
	pos  int
	path pathStack
	slab []node
	// nodes and keys are scratch stacks for the members of the objects
	// and arrays being read; each is copied out once, at its exact size.
	nodes []*node
	keys  []string
	// skipped is a scratch stack of the keys of skipped objects.
	skipped [][]byte
	// share makes a decoded json.RawMessage a slice of data, not a copy.
	share bool
}

// full, as a guide, asks for a whole subtree to be built.
var full = &node{}

// parseTree parses raw as exactly one JSON value, refusing duplicate object
// keys, nesting deeper than maxInputDepth and trailing data. Its errors are
// *Error invalid-input naming the place as a JSON path.
func parseTree(raw []byte) (*node, error) { return parseGuided(raw, full) }

// parseGuided is parseTree that builds only the parts of the tree that
// guide names: below an object of guide, the value of a key that guide's
// object does not hold is checked (syntax, repeated keys, depth) but
// skipped, kept as a node of the right kind with its raw text and no
// members; below a list of guide, the elements past guide's are skipped
// likewise. full builds everything. Compare reads an answer guided by the
// expected answer (the fields it does not name are ignored); with a nil
// guide it only checks the text (decodeStrict's syntax check).
func parseGuided(raw []byte, guide *node) (*node, error) {
	p := parser{data: raw}
	p.space()
	if p.pos == len(raw) {
		return nil, invalid("input", "is required")
	}
	n, err := p.value(0, guide)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(raw) {
		return nil, invalid("input", "has data after the JSON value")
	}
	return n, nil
}

func (p *parser) newNode(kind byte) *node {
	if len(p.slab) == 0 {
		p.slab = make([]node, 256)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	n.kind = kind
	return n
}

func (p *parser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) syntax() error { return invalid(p.path.field(), "is not valid JSON") }

// kindOf returns the node kind of the value starting with c.
func kindOf(c byte) byte {
	switch c {
	case '{':
		return 'o'
	case '[':
		return 'a'
	case '"':
		return 's'
	case 't', 'f':
		return 'b'
	case 'n':
		return 'z'
	}
	return 'n'
}

func (p *parser) value(depth int, guide *node) (*node, error) {
	if depth > maxInputDepth {
		return nil, invalid(p.path.field(), "is nested too deeply")
	}
	p.space()
	if p.pos >= len(p.data) {
		return nil, p.syntax()
	}
	start := p.pos
	c := p.data[p.pos]
	if guide == nil || (guide != full && (c == '{' || c == '[') && guide.kind != kindOf(c)) {
		if err := p.skip(depth); err != nil {
			return nil, err
		}
		n := p.newNode(kindOf(c))
		n.raw, n.lazy = p.data[start:p.pos], true
		return n, nil
	}
	switch {
	case c == '{':
		return p.object(start, depth, guide)
	case c == '[':
		return p.array(start, depth, guide)
	case c == '"':
		b, err := p.stringBytes()
		if err != nil {
			return nil, err
		}
		n := p.newNode('s')
		n.str, n.raw = string(b), p.data[start:p.pos]
		return n, nil
	case c == '-' || (c >= '0' && c <= '9'):
		if !p.number() {
			return nil, p.syntax()
		}
		n := p.newNode('n')
		n.raw = p.data[start:p.pos]
		n.str = string(n.raw)
		return n, nil
	case c == 't':
		return p.literal("true", 'b')
	case c == 'f':
		return p.literal("false", 'b')
	case c == 'n':
		return p.literal("null", 'z')
	}
	return nil, p.syntax()
}

func (p *parser) literal(word string, kind byte) (*node, error) {
	if !p.word(word) {
		return nil, p.syntax()
	}
	n := p.newNode(kind)
	n.raw = p.data[p.pos-len(word) : p.pos]
	if kind == 'b' {
		n.str = word
	}
	return n, nil
}

// word reads the literal word.
func (p *parser) word(word string) bool {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return false
	}
	p.pos += len(word)
	return true
}

// members reads the members of an object or the elements of a list up to
// the closing bracket, calling each for every one; for an object it reads
// the key and the colon first.
func (p *parser) members(object bool, each func(key []byte, i int) error) error {
	end := byte(']')
	if object {
		end = '}'
	}
	p.pos++ // the opening bracket
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == end {
		p.pos++
		return nil
	}
	for i := 0; ; i++ {
		var key []byte
		if object {
			p.space()
			if p.pos >= len(p.data) || p.data[p.pos] != '"' {
				return p.syntax()
			}
			k, err := p.stringBytes()
			if err != nil {
				return err
			}
			p.space()
			if p.pos >= len(p.data) || p.data[p.pos] != ':' {
				return p.syntax()
			}
			p.pos++
			key = k
		}
		if err := each(key, i); err != nil {
			return err
		}
		p.space()
		if p.pos >= len(p.data) {
			return p.syntax()
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
			continue
		case end:
			p.pos++
			return nil
		}
		return p.syntax()
	}
}

func (p *parser) object(start, depth int, guide *node) (*node, error) {
	n := p.newNode('o')
	base := len(p.nodes)
	var (
		keys keyCheck
		next int // the guide's key expected next
	)
	err := p.members(true, func(kb []byte, i int) error {
		key := string(kb)
		p.path = append(p.path, pathSeg{key: kb, index: -1})
		if repeated(&keys, key, p.keys[len(p.keys)-i:]) {
			return invalid(p.path.String(), "appears twice")
		}
		g := full
		if guide != full {
			g = guide.lookup(key, &next)
		}
		val, err := p.value(depth+1, g)
		if err != nil {
			return err
		}
		p.path = p.path[:len(p.path)-1]
		p.keys = append(p.keys, key)
		p.nodes = append(p.nodes, val)
		return nil
	})
	if err != nil {
		return nil, err
	}
	count := len(p.nodes) - base
	n.keys = append([]string(nil), p.keys[len(p.keys)-count:]...)
	n.elems = append([]*node(nil), p.nodes[base:]...)
	p.keys = p.keys[:len(p.keys)-count]
	p.nodes = p.nodes[:base]
	n.raw = p.data[start:p.pos]
	return n, nil
}

func (p *parser) array(start, depth int, guide *node) (*node, error) {
	n := p.newNode('a')
	base := len(p.nodes)
	sets := guide != full && len(guide.elems) > 0 && allStrings(guide)
	err := p.members(false, func(_ []byte, i int) error {
		p.path = append(p.path, pathSeg{index: i})
		g := full
		if guide != full && !sets {
			g = nil
			if i < len(guide.elems) {
				g = guide.elems[i]
			}
		}
		val, err := p.value(depth+1, g)
		if err != nil {
			return err
		}
		p.path = p.path[:len(p.path)-1]
		p.nodes = append(p.nodes, val)
		return nil
	})
	if err != nil {
		return nil, err
	}
	n.elems = append([]*node(nil), p.nodes[base:]...)
	p.nodes = p.nodes[:base]
	n.raw = p.data[start:p.pos]
	return n, nil
}

// skip checks one value without building it: its syntax, the keys of its
// objects (none repeated) and its depth.
func (p *parser) skip(depth int) error {
	if depth > maxInputDepth {
		return invalid(p.path.field(), "is nested too deeply")
	}
	p.space()
	if p.pos >= len(p.data) {
		return p.syntax()
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		base := len(p.skipped)
		var keys keyCheck
		err := p.members(true, func(key []byte, i int) error {
			dup := repeated(&keys, key, p.skipped[base:])
			p.skipped = append(p.skipped, key)
			p.path = append(p.path, pathSeg{key: key, index: -1})
			if dup {
				return invalid(p.path.String(), "appears twice")
			}
			if err := p.skip(depth + 1); err != nil {
				return err
			}
			p.path = p.path[:len(p.path)-1]
			return nil
		})
		p.skipped = p.skipped[:base]
		return err
	case c == '[':
		return p.members(false, func(_ []byte, i int) error {
			p.path = append(p.path, pathSeg{index: i})
			if err := p.skip(depth + 1); err != nil {
				return err
			}
			p.path = p.path[:len(p.path)-1]
			return nil
		})
	case c == '"':
		_, err := p.stringBytes()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		if !p.number() {
			return p.syntax()
		}
		return nil
	case c == 't' && p.word("true"), c == 'f' && p.word("false"), c == 'n' && p.word("null"):
		return nil
	}
	return p.syntax()
}

// number reads a number by the JSON grammar:
// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (p *parser) number() bool {
	d := p.data
	if p.pos < len(d) && d[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(d) && d[p.pos] == '0':
		p.pos++
	case p.pos < len(d) && d[p.pos] >= '1' && d[p.pos] <= '9':
		p.digits()
	default:
		return false
	}
	if p.pos < len(d) && d[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return false
		}
	}
	if p.pos < len(d) && (d[p.pos] == 'e' || d[p.pos] == 'E') {
		p.pos++
		if p.pos < len(d) && (d[p.pos] == '+' || d[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return false
		}
	}
	return true
}

func (p *parser) digits() int {
	n := 0
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
		n++
	}
	return n
}

// stringBytes reads a JSON string starting at the opening quote and
// returns its value: the bytes of the text itself when the string has no
// escapes and only ASCII, otherwise a decoded copy.
func (p *parser) stringBytes() ([]byte, error) {
	d := p.data
	i := p.pos + 1
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			s := d[p.pos+1 : i]
			p.pos = i + 1
			return s, nil
		case c == '\\' || c >= utf8.RuneSelf:
			return p.slowString(i)
		case c < 0x20:
			return nil, p.syntax()
		}
		i++
	}
	return nil, p.syntax()
}

// slowString finishes a string with escapes or non-ASCII bytes; i is the
// first such byte.
func (p *parser) slowString(i int) ([]byte, error) {
	d := p.data
	b := make([]byte, 0, i-p.pos+16)
	b = append(b, d[p.pos+1:i]...)
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return b, nil
		case c < 0x20:
			return nil, p.syntax()
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, d[i:i+size]...)
			}
			i += size
		case c != '\\':
			b = append(b, c)
			i++
		default:
			if i+1 >= len(d) {
				return nil, p.syntax()
			}
			switch e := d[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := hex4(d, i+2)
				if !ok {
					return nil, p.syntax()
				}
				i += 6
				if utf16.IsSurrogate(r) {
					r2, ok := rune(-1), false
					if i+1 < len(d) && d[i] == '\\' && d[i+1] == 'u' {
						r2, ok = hex4(d, i+2)
					}
					if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				return nil, p.syntax()
			}
			i += 2
		}
	}
	return nil, p.syntax()
}

// hex4 reads four hexadecimal digits at d[i:].
func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}
