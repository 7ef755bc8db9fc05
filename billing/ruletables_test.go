package billing_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// The built-in files pass the parser a loaded file goes through, and a
// malformed file is refused with the line and path of every problem.
func TestParseRuleTable(t *testing.T) {
	for _, kind := range []domain.UnitKind{domain.Kindergarten, domain.SFO} {
		b, err := os.ReadFile("rules/" + string(kind) + ".json")
		require.NoError(t, err)
		_, err = billing.ParseRuleTable(kind, b)
		require.NoError(t, err, kind)
	}
	for name, tc := range map[string]struct {
		kind   domain.UnitKind
		file   string
		fields []domain.FieldError
	}{
		"syntax": {domain.SFO, "{\n\"rows\": [\n{\"validFrom\": }\n]}", []domain.FieldError{{Field: "table:3:", Reason: billing.ReasonTableSyntax}}},
		"unknown and repeated": {domain.SFO, `{"rows": [
 {"validFrom": "2024-08-01", "freeHours": 12, "incomeCapShare": "0.06", "billedMonthsPerYear": 11, "source": "x"},
 {"validFrom": "2024-08-01", "freeHours": 12, "incomeCapShare": "0.06", "billedMonthsPerYear": 11, "source": "x"},
 {"validFrom": "2024-09-02", "freeHours": 99, "incomeCapShare": "1.5", "billedMonthsPerYear": 11, "source": "",
  "colour": "red"}
]}`, []domain.FieldError{
			{Field: "table:3:rows[1].validFrom", Reason: billing.ReasonTableRepeated},
			{Field: "table:5:rows[2].colour", Reason: billing.ReasonTableUnknown},
		}},
		"ranges": {domain.SFO, `{"rows": [
 {"validFrom": "2024-09-02", "freeHours": 99, "incomeCapShare": "1.5", "billedMonthsPerYear": 0, "feeFreeMonths": [13], "source": ""}
]}`, []domain.FieldError{
			{Field: "table:2:rows[0].validFrom", Reason: billing.ReasonTableFirstDay},
			{Field: "table:2:rows[0].freeHours", Reason: billing.ReasonTableRange},
			{Field: "table:2:rows[0].incomeCapShare", Reason: billing.ReasonTableRate},
			{Field: "table:2:rows[0].billedMonthsPerYear", Reason: billing.ReasonTableRange},
			{Field: "table:2:rows[0].feeFreeMonths", Reason: billing.ReasonTableMonths},
			{Field: "table:2:rows[0].source", Reason: billing.ReasonTableRequired},
		}},
		"key in another case": {domain.SFO, `{"rows": [
{"validFrom": "2026-08-01", "freehours": 12, "freeHoursGrades": [1], "incomeCapShare": "0.06", "incomeCapGrades": [1], "specialNeedsFreeGrades": [5], "billedMonthsPerYear": 11, "feeFreeMonths": [7], "source": "x"}
]}`, []domain.FieldError{{Field: "table:2:rows[0].freehours", Reason: billing.ReasonTableUnknown}}},
		"no rows":   {domain.Kindergarten, `{"rows": []}`, []domain.FieldError{{Field: "table:1:rows", Reason: billing.ReasonTableNoRows}}},
		"top-level": {domain.Kindergarten, `{"rows": [], "extra": 1}`, []domain.FieldError{{Field: "table:1:rows", Reason: billing.ReasonTableNoRows}, {Field: "table:1:extra", Reason: billing.ReasonTableUnknown}}},
	} {
		_, err := billing.ParseRuleTable(tc.kind, []byte(tc.file))
		var ve *domain.ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.ElementsMatch(t, tc.fields, ve.Fields, name)
	}
}
