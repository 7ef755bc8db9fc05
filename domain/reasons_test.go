package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/domain"
)

// There is no registry of reason codes: the tables an application names
// are all there is, the first that has a code gives its text, and the
// errors write their codes the same whatever tables exist.
func TestReasonTablesPrecedence(t *testing.T) {
	capability := map[string]string{
		"required":     "must be filled in", // overrides domain's text
		"too-few-kids": "needs at least {min} children, has {count}",
	}
	tables := domain.ReasonTables{capability, domain.ReasonTexts}

	assert.Equal(t, "must be filled in", tables.Text("required"), "the first table wins")
	assert.Equal(t, "is required", domain.ReasonTables{domain.ReasonTexts, capability}.Text("required"))
	assert.Equal(t, "is too long", tables.Text("too-long"), "a later table answers what the first lacks")
	assert.Equal(t, "needs at least 3 children, has 1", tables.Text("too-few-kids", "min", "3", "count", "1"))
	assert.Equal(t, "needs at least {min} children, has 1", tables.Text("too-few-kids", "count", "1"),
		"a parameter not given stays a placeholder")
	assert.Equal(t, "no-such-code (max=60, min=0)", tables.Text("no-such-code", "min", "0", "max", "60"),
		"an unknown code is written with its parameters, sorted by name")
	assert.Equal(t, "no-such-code", tables.Text("no-such-code"))
	assert.Equal(t, "required", domain.ReasonTables{}.Text("required"), "no tables, no text")

	codes := tables.Codes()
	assert.IsIncreasing(t, codes, "sorted, each once")
	assert.Len(t, codes, len(domain.ReasonTexts)+1, "required is in both tables and listed once")
	assert.Contains(t, codes, "too-few-kids")
	assert.Empty(t, domain.ReasonTables{}.Codes())
}

func TestErrorsWriteCodesNotText(t *testing.T) {
	f := domain.NewFieldError("hoursPerWeek", "out-of-range", "min", "0", "max", "60")
	assert.Equal(t, "out-of-range (max=60, min=0)", f.Text())
	assert.Equal(t, []string{"max", "60", "min", "0"}, domain.Pairs(f.Params))
	assert.Empty(t, domain.Pairs(nil))

	v := &domain.ValidationError{Fields: []domain.FieldError{f, domain.NewFieldError("start", "required")}}
	assert.Equal(t, "invalid input: hoursPerWeek: out-of-range (max=60, min=0); start: required", v.Error())

	c := domain.Conflict("period", "overlaps", "other", "2026-08-01")
	assert.Equal(t, "conflict: period: overlaps (other=2026-08-01)", c.Error())
}

// An application turns a refusal into English for its developers with the
// tables of the packages it uses; its users get the code in their own
// language from the application's catalogs.
func ExampleReasonTables() {
	capability := map[string]string{"too-few-kids": "needs at least {min} children"}
	tables := domain.ReasonTables{capability, domain.ReasonTexts}

	var p domain.Problems
	p.Add("name", "required")
	p.Add("group", "too-few-kids", "min", "3")
	err := p.Err()
	fmt.Println(err)

	var v *domain.ValidationError
	if errors.As(err, &v) {
		for _, f := range v.Fields {
			fmt.Println(f.Field+":", tables.Text(f.Reason, domain.Pairs(f.Params)...))
		}
	}
	// Output:
	// invalid input: name: required; group: too-few-kids (min=3)
	// name: is required
	// group: needs at least 3 children
}
