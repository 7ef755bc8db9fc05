package conformance

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The decoder reads in one pass, but a syntax error, a repeated key or too
// deep a nesting anywhere in the text is still reported before a type
// error that comes earlier in it.
func TestDecodeStrictErrorOrder(t *testing.T) {
	type in struct {
		A string         `json:"a"`
		B []int          `json:"b"`
		M map[string]int `json:"m"`
		R json.RawMessage
	}
	for text, want := range map[string]string{
		`{"a":1,"b":[1,`:              "b[1]",
		`{"a":1,"b":[1],"b":[2]}`:     "b",
		`{"a":"x","m":{"k":1,"k":2}}`: "m.k",
		`{"a":"x","b":[1,"2"]}`:       "b[1]",
		`{"a":"x","R":{"z":1,"z":2}}`: "R.z",
		`{"a":"x","c":1}`:             "c",
		`{"a":"x"} []`:                "input",
		`null`:                        "input",
		` `:                           "input",
	} {
		var v in
		err := decodeInput([]byte(text), &v)
		var e *Error
		require.ErrorAs(t, err, &e, text)
		assert.Equal(t, want, e.Field, "%s: %s", text, e.Message)
	}
	var v in
	require.NoError(t, decodeInput([]byte(`{"a":"x","b":[1,2],"m":{"k":3},"R":{"z":[1]}}`), &v))
	assert.Equal(t, in{A: "x", B: []int{1, 2}, M: map[string]int{"k": 3}, R: json.RawMessage(`{"z":[1]}`)}, v)
}

// Lists are decoded as encoding/json decodes them: an empty list is an
// empty slice (not nil), null leaves nil, a long list keeps every element
// in order, and a list of structs is read element by element.
func TestDecodeLists(t *testing.T) {
	type elem struct {
		N int `json:"n"`
	}
	type in struct {
		S  []string  `json:"s"`
		E  []string  `json:"e"`
		Z  []string  `json:"z"`
		P  *[]int    `json:"p"`
		L  []elem    `json:"l"`
		A  [2]int    `json:"a"`
		SS [][]int64 `json:"ss"`
	}
	long := make([]string, 37)
	texts := make([]string, len(long))
	for i := range long {
		long[i] = string(rune('a'+i%26)) + "x"
		texts[i] = `"` + long[i] + `"`
	}
	text := `{"s":[` + strings.Join(texts, ",") + `],"e":[],"z":null,"p":[],"l":[{"n":1},{"n":2},{"n":3}],"a":[4,5],"ss":[[],[1],[1,2,3,4,5,6,7,8,9]]}`
	var got in
	require.NoError(t, decodeInput([]byte(text), &got))
	var want in
	require.NoError(t, json.Unmarshal([]byte(text), &want))
	assert.Equal(t, want, got)
	assert.NotNil(t, got.E)
	assert.NotNil(t, *got.P)
	assert.Nil(t, got.Z)
	assert.NotNil(t, got.SS[0])

	var v in
	err := decodeInput([]byte(`{"a":[1,2,3]}`), &v)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "a", e.Field)
}
