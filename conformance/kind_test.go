package conformance

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

type testChild struct {
	ID         string            `json:"id"`
	BirthDate  date.Date         `json:"birthDate"`
	Hours      int               `json:"hoursPerWeek"`
	National   domain.NationalID `json:"nationalId"`
	Income     decimal.Decimal   `json:"income"`
	Optional   *decimal.Decimal  `json:"optional"`
	Codes      []string          `json:"codes"`
	Local      map[string]bool   `json:"local"`
	unexported int
}

type testInput struct {
	Month    string          `json:"month"`
	Children []testChild     `json:"children"`
	Raw      json.RawMessage `json:"raw"`
}

func TestDecodeInput(t *testing.T) {
	tests := []struct {
		name, input, field string
	}{
		{"ok", `{"month":"2024-09","children":[{"id":"a","birthDate":"2020-03-02","hoursPerWeek":45,"income":"1.50","local":{"x":true},"codes":["a"]}],"raw":[1,{"a":2}]}`, ""},
		{"null fields are zero", `{"month":null,"children":[{"optional":null,"birthDate":null}]}`, ""},
		{"unknown field", `{"month":"2024-09","children":[{},{"hours":3}]}`, "children[1].hours"},
		{"case-insensitive match refused", `{"Month":"2024-09"}`, "Month"},
		{"unexported name refused", `{"children":[{"unexported":1}]}`, "children[0].unexported"},
		{"repeated key", `{"month":"a","month":"b"}`, "month"},
		{"wrong type string", `{"month":202409}`, "month"},
		{"wrong type int", `{"children":[{"hoursPerWeek":"45"}]}`, "children[0].hoursPerWeek"},
		{"fraction for int", `{"children":[{"hoursPerWeek":4.5}]}`, "children[0].hoursPerWeek"},
		{"int overflow", `{"children":[{"hoursPerWeek":1e400}]}`, "children[0].hoursPerWeek"},
		{"wrong type list", `{"children":{}}`, "children"},
		{"wrong type object", `{"children":[[]]}`, "children[0]"},
		{"wrong type in map", `{"children":[{"local":{"x":"yes"}}]}`, "children[0].local.x"},
		{"money as number", `{"children":[{"income":1.5}]}`, "children[0].income"},
		{"money not a decimal", `{"children":[{"income":"1,50"}]}`, "children[0].income"},
		{"pointer money as number", `{"children":[{"optional":2}]}`, "children[0].optional"},
		{"impossible date", `{"children":[{"birthDate":"2023-02-29"}]}`, "children[0].birthDate"},
		{"date as number", `{"children":[{"birthDate":20230228}]}`, "children[0].birthDate"},
		{"validation error from UnmarshalText", `{"children":[{"nationalId":"15076500566"}]}`, "children[0].nationalId"},
		{"trailing data", `{"month":"x"} {}`, "input"},
		{"not JSON", `{"month":`, "month"},
		{"date not ISO", `{"children":[{"birthDate":"2023-2-28"}]}`, "children[0].birthDate"},
		{"empty", ``, "input"},
		{"null", `null`, "input"},
		{"not an object", `"x"`, "input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in testInput
			err := decodeInput(json.RawMessage(tt.input), &in)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, CodeInvalidInput, e.Code)
			assert.Equal(t, tt.field, e.Field, e.Message)
		})
	}
}

func TestDecodeInputFillsValue(t *testing.T) {
	var in testInput
	require.NoError(t, decodeInput([]byte(`{"month":"2024-09","children":[{"id":"a","birthDate":"2020-03-02","hoursPerWeek":45,"income":"300000.00"}]}`), &in))
	assert.Equal(t, "2024-09", in.Month)
	require.Len(t, in.Children, 1)
	assert.Equal(t, 45, in.Children[0].Hours)
	assert.Equal(t, "2020-03-02", in.Children[0].BirthDate.String())
	assert.True(t, in.Children[0].Income.Equal(decimal.RequireFromString("300000")))
}

func TestDecodeInputDepth(t *testing.T) {
	deep := ""
	for range 100 {
		deep += "["
	}
	var v any
	err := decodeInput([]byte(deep), &v)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeInvalidInput, e.Code)
}

func TestDecodeInputNeedsPointer(t *testing.T) {
	var e *Error
	require.ErrorAs(t, decodeInput([]byte(`{}`), testInput{}), &e)
}

func TestErrorFrom(t *testing.T) {
	assert.Nil(t, errorFrom(nil))
	e := invalid("x", "bad")
	assert.Same(t, e, errorFrom(e))
	got := errorFrom(domain.Invalid("children[0].id", "is required"))
	assert.Equal(t, &Error{Code: CodeInvalidInput, Field: "children[0].id", Message: "is required"}, got)
	assert.Equal(t, &Error{Code: CodeInvalidInput, Message: "boom"}, errorFrom(errors.New("boom")))
	assert.Equal(t, "unknown-rules: month: no table", unknownRules("month", "no table").Error())
}

func TestMoney(t *testing.T) {
	for in, want := range map[string]string{"1400": "1400.00", "0": "0.00", "12.345": "12.35", "-12.345": "-12.35", "0.005": "0.01", "7.1": "7.10"} {
		assert.Equal(t, want, money(decimal.RequireFromString(in)), in)
	}
}
