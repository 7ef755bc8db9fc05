package pdf_test

import (
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

var created = time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)

func sampleLetter() domain.Document {
	return domain.Document{
		Kind:  "decision",
		Lang:  "nb",
		Title: "Vedtak om barnehageplass – «Solsikken» barnehage",
		Date:  date.New(2026, 12, 6),
		Sender: domain.Party{
			Name:  "Eksempel kommune, oppvekst",
			Lines: []string{"Postboks 123 Sentrum", "9999 Eksempelby"},
		},
		Recipient: domain.Party{
			Name:  "Åse Ørnsæter",
			Lines: []string{"Blåbærstien 7", "9998 Æblevik"},
		},
		Facts: []domain.Field{
			{Label: "Dato", Value: "6. desember 2026"},
			{Label: "Vår referanse", Value: "2026/4711"},
			{Label: "Saksbehandler", Value: "Kåre Ødegård"},
		},
		Sections: []domain.Section{
			{Paragraphs: []string{"Vi viser til søknaden om barnehageplass for Lille Øyvind, født 3. mars 2023. Søknaden ble mottatt 1. mars 2026 og er behandlet i hovedopptaket."}},
			{Heading: "Vedtak", Paragraphs: []string{"Lille Øyvind får plass i Solsikken barnehage fra 1. august 2027, med 100 % oppholdstid."},
				Fields: []domain.Field{{Label: "Barnehage", Value: "Solsikken barnehage"}, {Label: "Oppstart", Value: "1. august 2027"}, {Label: "Svarfrist", Value: "20. desember 2026"}}},
			{Heading: "Begrunnelse", Items: []string{"Barnet har rett til plass etter barnehageloven § 16.", "Søknaden kom innen fristen for hovedopptaket.", "Foreldrene ønsket denne barnehagen som første valg."}},
			{Heading: "Du kan klage", Paragraphs: []string{"Du kan klage på vedtaket innen tre uker fra du fikk dette brevet. Klagen sender du til oss; blir den ikke tatt til følge, sender vi den til Statsforvalteren i Eksempel."}},
		},
		Signature: []string{"Med hilsen", "Kåre Ødegård", "rådgiver"},
		Footer:    []string{"Org.nr. 999 888 777", "Kontonr. 1234.56.78903", "postmottak@eksempel.kommune.no"},
	}
}

func sampleInvoice(rows int) domain.Document {
	d := domain.Document{
		Kind:      "invoice",
		Lang:      "nb",
		Title:     "Faktura for foreldrebetaling, desember 2026",
		Date:      date.New(2026, 12, 6),
		Sender:    domain.Party{Name: "Eksempel kommune", Lines: []string{"Postboks 123 Sentrum", "9999 Eksempelby"}},
		Recipient: domain.Party{Name: "Åse Ørnsæter", Lines: []string{"Blåbærstien 7", "9998 Æblevik"}},
		Facts: []domain.Field{
			{Label: "Fakturadato", Value: "6. desember 2026"},
			{Label: "KID", Value: "0012345678903"},
			{Label: "Forfallsdato", Value: "20. desember 2026"},
		},
		Footer: []string{"Org.nr. 999 888 777", "Kontonr. 1234.56.78903"},
	}
	t := &domain.Table{
		Columns: []string{"Barn", "Beskrivelse", "Periode", "Antall", "Beløp"},
		Numeric: []bool{false, false, false, true, true},
	}
	for i := 0; i < rows; i++ {
		t.Rows = append(t.Rows, []string{"Øyvind", fmt.Sprintf("Linje %d: kost og opphold – søskenmoderasjon", i+1), "desember 2026", "1", fmt.Sprintf("%d,%02d", 100+i, i%100)})
	}
	t.Totals = [][]string{{"Å betale", "", "", "", "3 315,00"}}
	d.Sections = []domain.Section{{Heading: "Spesifikasjon", Table: t}, {Paragraphs: []string{"Beløpet trekkes fra kontoen din på forfallsdatoen."}}}
	return d
}
