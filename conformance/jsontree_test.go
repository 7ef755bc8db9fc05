package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var jsonSeeds = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e-3`, `1E+2`, `true`, `false`, `null`, ` {"a" : [1, 2 ,3] } `,
	`{"a":{"b":{"c":[{"d":null}]}}}`, `"\u00e6\u00f8\u00e5"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`,
	`"\udc00\ud800"`, `"a\"b\\c\/d\b\f\n\r\t"`, "\"\xff\xfe\"", "\"æøå\"", `{"__proto__":1}`,
	`01`, `1.`, `.5`, `-`, `1e`, `+1`, `tru`, `nul`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `[1 2]`,
	`"\x"`, `"\u12"`, "\"a\tb\"", `{"a":1}{}`, `[`, `{"a":`, `"abc`, ``, ` `, `{"a":1,"a":2}`,
	`{"a":1,"b":{"x":1,"x":2}}`, `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k3":3}`,
	`{"\u0061":1,"a":2}`,
}

// checkAgainstEncodingJSON checks parseTree (and parseGuided with a partial
// guide) against encoding/json on one text: the same texts are JSON, the
// same values come out, and the only extra refusals are repeated keys and
// nesting deeper than maxInputDepth.
func checkAgainstEncodingJSON(t *testing.T, data []byte) {
	tree, err := parseTree(data)
	valid := json.Valid(data)
	if err != nil {
		var e *Error
		require.True(t, errors.As(err, &e), "%q: %v", data, err)
		if strings.Contains(e.Message, "nested too deeply") || strings.Contains(e.Message, "appears twice") {
			return // found before the rest of the text is read
		}
		require.False(t, valid, "%q is JSON, refused: %v", data, err)
		return
	}
	require.True(t, valid, "%q is not JSON, accepted", data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var want any
	require.NoError(t, dec.Decode(&want))
	require.True(t, reflect.DeepEqual(want, anyOf(tree)), "%q: %#v ≠ %#v", data, want, anyOf(tree))
	assert.Equal(t, string(bytes.TrimSpace(data)), string(tree.raw))

	// Guided by itself, everything is built; guided by an empty object or
	// list, everything below is checked but skipped.
	again, err := parseGuided(data, tree)
	require.NoError(t, err)
	require.True(t, reflect.DeepEqual(want, anyOf(again)))
	_, err = parseGuided(data, &node{kind: tree.kind})
	require.NoError(t, err)
}

func TestParseTreeAgainstEncodingJSON(t *testing.T) {
	for _, s := range jsonSeeds {
		checkAgainstEncodingJSON(t, []byte(s))
	}
}

func TestParseTreeRefusals(t *testing.T) {
	for in, field := range map[string]string{
		`{"a":1,"a":2}`:                 "a",
		`{"a":[{"b":1,"b":1}]}`:         "a[0].b",
		`{"a":{"b":`:                    "a.b",
		`{"a":1} x`:                     "input",
		`[1,2,{"c":tru}]`:               "[2].c",
		`{"\u0061":1,"a":2}`:            "a",
		strings.Repeat("[", 70) + "]":   "",
		`{"big":{` + bigObject() + `}}`: "big.k3",
		// Keys in order need no set until one comes out of order.
		`{"big":{` + sortedObject() + `,"kt":2}}`: "big.kt",
		`{"big":{` + sortedObject() + `,"ka":2}}`: "big.ka",
		`{"b":1,"c":1,"a":1,"c":2}`:               "c",
	} {
		_, err := parseTree([]byte(in))
		var e *Error
		require.ErrorAs(t, err, &e, in)
		if field != "" {
			assert.Equal(t, field, e.Field, in)
		}
		// A skipped value is checked just as strictly.
		_, err = parseGuided([]byte(in), &node{kind: 'o'})
		require.ErrorAs(t, err, &e, in)
		if field != "" {
			assert.Equal(t, field, e.Field, in)
		}
	}
}

// bigObject is the members of an object past indexFrom keys with k3
// repeated at the end.
func bigObject() string {
	var b strings.Builder
	for i := range indexFrom + 4 {
		b.WriteString(`"k` + string(rune('a'+i)) + `":1,`)
	}
	b.WriteString(`"k3":1,"k3":2`)
	return b.String()
}

// sortedObject is the members of an object past indexFrom keys, in
// increasing order, ka to kt.
func sortedObject() string {
	var keys []string
	for i := range indexFrom + 4 {
		keys = append(keys, `"k`+string(rune('a'+i))+`":1`)
	}
	return strings.Join(keys, ",")
}

func FuzzParseTree(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkAgainstEncodingJSON(t, data) })
}
