package conformance

import (
	"encoding/json"
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
