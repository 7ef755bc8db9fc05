package domain_test

import (
	"strings"
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/domain"
)

func TestLongDate(t *testing.T) {
	d := date.New(2026, 12, 6)
	assert.Equal(t, "6. desember 2026", domain.LongDate(d, "nb"))
	assert.Equal(t, "6. desember 2026", domain.LongDate(d, "nn"))
	assert.Equal(t, "6 December 2026", domain.LongDate(d, "en"))
	assert.Equal(t, "6. desember 2026", domain.LongDate(d, "xx"))
	assert.Equal(t, "", domain.LongDate(date.Zero, "nb"))
	assert.Equal(t, "januar 2027", domain.MonthName(2027, 1, "nn"))
	assert.Equal(t, "January 2027", domain.MonthName(2027, 1, "en"))
	assert.Equal(t, "2027-13", domain.MonthName(2027, 13, "nb"))
}

func TestDocumentTextInReadingOrder(t *testing.T) {
	doc := domain.Document{
		Title:     "Vedtak om barnehageplass",
		Sender:    domain.Party{Name: "Eksempel kommune", Lines: []string{"Postboks 1", "9999 Eksempel"}},
		Recipient: domain.Party{Name: "Kari Berg", DigitalMailbox: true},
		Facts:     []domain.Field{{Label: "Dato", Value: "6. desember 2026"}},
		Sections: []domain.Section{{Heading: "Vedtak", Paragraphs: []string{"Emil får plass."},
			Table: &domain.Table{Columns: []string{"Barn", "Beløp"}, Rows: [][]string{{"Emil", "1 000,00"}}, Totals: [][]string{{"Sum", "1 000,00"}}}}},
		Signature: []string{"Ola Saksbehandler", "rådgiver"},
		Footer:    []string{"Org.nr. 999 999 999"},
	}
	txt := doc.Text()
	for _, want := range []string{"Eksempel kommune\nPostboks 1\n9999 Eksempel\n", "Kari Berg\nDato: 6. desember 2026\n", "Vedtak om barnehageplass", "Emil | 1 000,00", "Sum | 1 000,00", "Ola Saksbehandler\nrådgiver", "Org.nr. 999 999 999"} {
		assert.Contains(t, txt, want)
	}
	assert.Less(t, strings.Index(txt, "Vedtak om barnehageplass"), strings.Index(txt, "Emil får plass."))
}

func TestLetterTemplateValidate(t *testing.T) {
	ok := domain.LetterTemplate{Municipality: "4601", SenderName: "Eksempel kommune", SenderLines: []string{"Postboks 1", "5020 Bergen"},
		OrgNumber: "964 338 531", Contact: "55 56 60 00", AppealBody: "Statsforvalteren i Vestland", Opening: map[string]string{"nn": "Hei."}}
	assert.NoError(t, ok.Validate())
	assert.NoError(t, domain.LetterTemplate{Municipality: "4601"}.Validate(), "the zero template is usable")
	bad := ok
	bad.OrgNumber = "12345"
	bad.SenderName = "Eksempel\x00kommune"
	bad.Closing = map[string]string{"sv": "Hej"}
	err := bad.Validate()
	var v *domain.ValidationError
	if assert.ErrorAs(t, err, &v) {
		var fields []string
		for _, f := range v.Fields {
			fields = append(fields, f.Field+":"+f.Reason)
		}
		assert.ElementsMatch(t, []string{"orgNumber:org-number-must-be-9-digits", "senderName:control-character", "closing.sv:unknown-language"}, fields)
	}
}
