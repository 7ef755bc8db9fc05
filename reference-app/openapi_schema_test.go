package main

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
	g := &schemaGen{schemas: map[string]any{}}
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/Run"}, g.of(reflect.TypeFor[admission.Run]()))
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/BillingRun"}, g.of(reflect.TypeFor[billing.Run]()))
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/Run"}, g.of(reflect.TypeFor[admission.Run]()), "the same type, the same name")
	assert.Contains(t, g.schemas, "Run")
	assert.Contains(t, g.schemas, "BillingRun")

	assert.Equal(t, map[string]any{"type": "string"}, g.of(reflect.TypeFor[decimal.Decimal]()))
	assert.Equal(t, map[string]any{"type": "string"}, g.of(reflect.TypeFor[billing.Month]()))
}
