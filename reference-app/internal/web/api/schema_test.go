package api

import (
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/billing"
)

// Two Go types of one name get two components, and types that marshal
// themselves are described as the strings they are in the JSON.
func TestOpenAPISchemaNames(t *testing.T) {
	g := &SchemaGen{Schemas: map[string]any{}}
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/Run"}, g.Of(reflect.TypeFor[admission.Run]()))
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/BillingRun"}, g.Of(reflect.TypeFor[billing.Run]()))
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/Run"}, g.Of(reflect.TypeFor[admission.Run]()), "the same type, the same name")
	assert.Contains(t, g.Schemas, "Run")
	assert.Contains(t, g.Schemas, "BillingRun")

	assert.Equal(t, map[string]any{"type": "string"}, g.Of(reflect.TypeFor[decimal.Decimal]()))
	assert.Equal(t, map[string]any{"type": "string"}, g.Of(reflect.TypeFor[billing.Month]()))
}
