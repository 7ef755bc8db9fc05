package conformance

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// reversedObject is sortedObject's members in decreasing order.
func reversedObject() string {
	keys := strings.Split(sortedObject(), ",")
	slices.Reverse(keys)
	return strings.Join(keys, ",")
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name, expect, actual, field string
		equal                       bool
	}{
		{"equal", `{"a":1,"b":"x"}`, `{"b":"x","a":1}`, "", true},
		{"large object in another order", `{"a":{` + sortedObject() + `}}`, `{"a":{` + reversedObject() + `}}`, "", true},
		{"large object, one key missing", `{"a":{` + sortedObject() + `}}`, `{"a":{` + strings.Replace(sortedObject(), `"kc":1,`, "", 1) + `}}`, "a.kc", false},
		{"large object, extra keys", `{"a":{"kb":1,"kq":1}}`, `{"a":{` + sortedObject() + `}}`, "", true},
		{"large object, one value differs", `{"a":{` + sortedObject() + `}}`, `{"a":{` + strings.Replace(reversedObject(), `"kp":1`, `"kp":2`, 1) + `}}`, "a.kp", false},
		{"extra actual fields ignored", `{"valid":false}`, `{"valid":false,"type":""}`, "", true},
		{"money by value", `{"fee":"1400.00"}`, `{"fee":"1400.0"}`, "", true},
		{"money differs", `{"fee":"1400.00"}`, `{"fee":"1400.01"}`, "fee", false},
		{"money needs a point on both sides", `{"fee":"1400.00"}`, `{"fee":"1400"}`, "fee", false},
		{"ids exact", `{"id":"02842150186"}`, `{"id":"2842150186"}`, "id", false},
		{"money as number refused", `{"fee":"1.00"}`, `{"fee":1}`, "fee", false},
		{"numbers by value", `{"n":2}`, `{"n":2.0}`, "", true},
		{"numbers differ", `{"n":2}`, `{"n":3}`, "n", false},
		{"codes as sets", `{"rules":["sibling","income-cap"]}`, `{"rules":["income-cap","sibling"]}`, "", true},
		{"codes differ", `{"rules":["sibling"]}`, `{"rules":["sibling","income-cap"]}`, "rules", false},
		{"empty list matches missing", `{"rules":[]}`, `{}`, "", true},
		{"empty list matches null", `{"rules":[]}`, `{"rules":null}`, "", true},
		{"empty list vs non-empty", `{"rules":[]}`, `{"rules":["x"]}`, "rules", false},
		{"null matches missing", `{"assignments":{"c2":null}}`, `{"assignments":{}}`, "", true},
		{"null vs value", `{"assignments":{"c2":null}}`, `{"assignments":{"c2":"U1"}}`, "assignments.c2", false},
		{"missing field", `{"a":{"b":true}}`, `{"a":{}}`, "a.b", false},
		{"objects in order", `{"r":[{"id":"g1"},{"id":"g2"}]}`, `{"r":[{"id":"g2"},{"id":"g1"}]}`, "r[0].id", false},
		{"list length", `{"r":[{"id":"g1"}]}`, `{"r":[]}`, "r", false},
		{"bool", `{"valid":true}`, `{"valid":false}`, "valid", false},
		{"first difference in expect order", `{"z":1,"a":1}`, `{"z":2,"a":2}`, "z", false},
		{"type mismatch", `{"a":{}}`, `{"a":[]}`, "a", false},
		{"not JSON", `{}`, `{`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Compare([]byte(tt.expect), []byte(tt.actual))
			if tt.equal {
				assert.Nil(t, m)
				return
			}
			if assert.NotNil(t, m) {
				assert.Equal(t, tt.field, m.Field, m.Detail)
				assert.NotEmpty(t, m.Error())
			}
		})
	}
}
