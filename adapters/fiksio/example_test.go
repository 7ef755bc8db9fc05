package fiksio_test

import (
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/fiksio"
	"github.com/oppvekst/oppvekst/domain"
)

// A decision letter and its PDF become the Fiks Arkiv message that files
// it as an outgoing record in a new case folder. A Transport publishes the
// message; the archive answers mottatt, then kvittering.
func ExampleArchiveMessage() {
	doc := domain.Document{
		Kind: "decision", Lang: "nb", Title: "Vedtak om barnehageplass",
		Date:      date.New(2027, time.March, 1),
		Sender:    domain.Party{Name: "Eksempel kommune"},
		Recipient: domain.Party{Name: "Åse Ørnsæter", Lines: []string{"Blåbærstien 7", "9998 Æblevik"}},
	}
	letter := []byte("%PDF-1.4 the rendered letter (adapters/pdf)")
	m, err := fiksio.ArchiveMessage(doc, letter, fiksio.Archive{
		Key:    "decision/7f1c/archive",
		System: "Oppvekst",
		Folder: fiksio.Folder{New: true, ExternalKey: "application/7f1c",
			Title: "Barnehageplass – Nora Ørnsæter", PublicTitle: "Barnehageplass"},
		Record: fiksio.Record{ExternalKey: "decision/7f1c", Caseworker: "Kari Saksbehandler"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Type)
	for _, f := range m.Files {
		fmt.Println(f.Name, len(f.Data) > 0)
	}
	fmt.Println(string(m.Files[0].Data))
	// Output:
	// no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett
	// arkivmelding.xml true
	// decision.pdf true
	// <?xml version="1.0" encoding="UTF-8"?>
	// <arkivmelding xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
	//   <system>Oppvekst</system>
	//   <antallFiler>1</antallFiler>
	//   <mappe xsi:type="saksmappe">
	//     <tittel>Barnehageplass – Nora Ørnsæter</tittel>
	//     <offentligTittel>Barnehageplass</offentligTittel>
	//     <referanseEksternNoekkel>
	//       <fagsystem xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">Oppvekst</fagsystem>
	//       <noekkel xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">application/7f1c</noekkel>
	//     </referanseEksternNoekkel>
	//   </mappe>
	//   <registrering xsi:type="journalpost">
	//     <referanseForelderMappe>
	//       <referanseEksternNoekkel xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">
	//         <fagsystem xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">Oppvekst</fagsystem>
	//         <noekkel xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">application/7f1c</noekkel>
	//       </referanseEksternNoekkel>
	//     </referanseForelderMappe>
	//     <dokumentbeskrivelse>
	//       <dokumentstatus>
	//         <kode xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">F</kode>
	//         <beskrivelse xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">Dokumentet er ferdigstilt</beskrivelse>
	//       </dokumentstatus>
	//       <tittel>Vedtak om barnehageplass</tittel>
	//       <tilknyttetRegistreringSom>
	//         <kode xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">H</kode>
	//         <beskrivelse xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">Hoveddokument</beskrivelse>
	//       </tilknyttetRegistreringSom>
	//       <dokumentnummer>1</dokumentnummer>
	//       <dokumentobjekt>
	//         <versjonsnummer>1</versjonsnummer>
	//         <variantformat>
	//           <kode xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">A</kode>
	//           <beskrivelse xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">Arkivformat</beskrivelse>
	//         </variantformat>
	//         <format>
	//           <kode xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">RA-PDF</kode>
	//         </format>
	//         <mimeType>application/pdf</mimeType>
	//         <filnavn>decision.pdf</filnavn>
	//         <referanseDokumentfil>decision.pdf</referanseDokumentfil>
	//         <sjekksum>dba41aa9c37777bd89d23b69d835f4fab04b4dd459591153fb72fc4ef7bdf80d</sjekksum>
	//         <sjekksumAlgoritme>SHA-256</sjekksumAlgoritme>
	//         <filstoerrelse>43</filstoerrelse>
	//       </dokumentobjekt>
	//     </dokumentbeskrivelse>
	//     <tittel>Vedtak om barnehageplass</tittel>
	//     <forfatter>Kari Saksbehandler</forfatter>
	//     <korrespondansepart>
	//       <korrespondanseparttype>
	//         <kode xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">EM</kode>
	//         <beskrivelse xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">Mottaker</beskrivelse>
	//       </korrespondanseparttype>
	//       <korrespondansepartNavn>Åse Ørnsæter</korrespondansepartNavn>
	//       <postadresse>Blåbærstien 7</postadresse>
	//       <postnummer>9998</postnummer>
	//       <poststed>Æblevik</poststed>
	//       <saksbehandler>Kari Saksbehandler</saksbehandler>
	//     </korrespondansepart>
	//     <referanseEksternNoekkel>
	//       <fagsystem xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">Oppvekst</fagsystem>
	//       <noekkel xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">decision/7f1c</noekkel>
	//     </referanseEksternNoekkel>
	//     <journalposttype>
	//       <kode xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">U</kode>
	//       <beskrivelse xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1">Utgående dokument</beskrivelse>
	//     </journalposttype>
	//     <dokumentetsDato>2027-03-01</dokumentetsDato>
	//   </registrering>
	// </arkivmelding>
}
