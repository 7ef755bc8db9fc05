package fiksio_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/fiksio"
	"github.com/oppvekst/oppvekst/adapters/pdf"
	"github.com/oppvekst/oppvekst/domain"
)

// decision is a decision letter as admission writes one.
func decision() domain.Document {
	return domain.Document{
		Kind: "decision", Lang: "nb", Title: "Vedtak om barnehageplass",
		Date:      date.New(2027, time.March, 1),
		Sender:    domain.Party{Name: "Eksempel kommune", Lines: []string{"Postboks 1", "9999 Eksempel"}},
		Recipient: domain.Party{Name: "Åse Ørnsæter", Lines: []string{"Blåbærstien 7", "c/o Bø", "9998 Æblevik"}},
		Facts:     []domain.Field{{Label: "Vår referanse", Value: "2027/17"}},
		Sections:  []domain.Section{{Heading: "Vedtak", Paragraphs: []string{"Nora har fått plass i Solsikken barnehage fra 1. august 2027."}}},
		Signature: []string{"Kari Saksbehandler", "rådgiver"},
	}
}

// render makes the letter's PDF with the project's renderer.
func render(t testing.TB, doc domain.Document) []byte {
	t.Helper()
	r, err := pdf.New()
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, r.Render(&b, doc, time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)))
	return b.Bytes()
}

func archiveMeta() fiksio.Archive {
	return fiksio.Archive{
		Key: "decision/7f1c/archive", System: "Oppvekst",
		Folder: fiksio.Folder{
			New: true, ExternalKey: "application/7f1c",
			Title: "Barnehageplass – Nora Ørnsæter", PublicTitle: "Barnehageplass",
			Date: date.New(2027, time.February, 15), AdministrativeUnit: "Oppvekst og utdanning",
			Responsible: "Kari Saksbehandler", ArchivePart: "BARNEHAGE",
			Class:     &fiksio.Class{SystemID: "ORDNINGSVERDI", ClassID: "A10"},
			Screening: &fiksio.Screening{Restriction: fiksio.Code{Code: "SK"}, Basis: "hjemmel fra kommunens oppsett"},
		},
		Record: fiksio.Record{
			ExternalKey: "decision/7f1c", PublicTitle: "Vedtak om barnehageplass",
			Caseworker: "Kari Saksbehandler", JournalUnit: "SENTRAL",
			SentAt: time.Date(2027, 3, 1, 10, 15, 0, 0, domain.Oslo()), Method: "digital postkasse",
		},
		RecipientID: "01017012345",
	}
}

func TestArchiveMessageNewFolder(t *testing.T) {
	doc := decision()
	letter := render(t, doc)
	m, err := fiksio.ArchiveMessage(doc, letter, archiveMeta())
	require.NoError(t, err)
	assert.Equal(t, "decision/7f1c/archive", m.Key)
	assert.Equal(t, "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett", m.Type)
	require.Len(t, m.Files, 2)
	assert.Equal(t, "arkivmelding.xml", m.Files[0].Name)
	assert.Equal(t, "decision.pdf", m.Files[1].Name)
	assert.Equal(t, letter, m.Files[1].Data, "the PDF travels as rendered")

	x := string(m.Files[0].Data)
	assert.True(t, strings.HasPrefix(x, `<?xml version="1.0" encoding="UTF-8"?>`))
	for _, want := range []string{
		`<arkivmelding xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
		`<system>Oppvekst</system>`, `<antallFiler>1</antallFiler>`,
		`<mappe xsi:type="saksmappe">`, `<tittel>Barnehageplass – Nora Ørnsæter</tittel>`, `<offentligTittel>Barnehageplass</offentligTittel>`,
		`<saksdato>2027-02-15</saksdato>`, `<administrativEnhet>Oppvekst og utdanning</administrativEnhet>`, `<saksansvarlig>Kari Saksbehandler</saksansvarlig>`,
		`<skjermingshjemmel>hjemmel fra kommunens oppsett</skjermingshjemmel>`, `<klasseID>A10</klasseID>`,
		`<registrering xsi:type="journalpost">`, `<tittel>Vedtak om barnehageplass</tittel>`,
		`<korrespondansepartNavn>Åse Ørnsæter</korrespondansepartNavn>`, `<personid>01017012345</personid>`,
		`<postadresse>Blåbærstien 7</postadresse>`, `<postadresse>c/o Bø</postadresse>`, `<postnummer>9998</postnummer>`, `<poststed>Æblevik</poststed>`,
		`<saksbehandler>Kari Saksbehandler</saksbehandler>`, `<forsendelsesmaate>digital postkasse</forsendelsesmaate>`,
		`<dokumentetsDato>2027-03-01</dokumentetsDato>`, `<sendtDato>2027-03-01T10:15:00+01:00</sendtDato>`,
		`<filnavn>decision.pdf</filnavn>`, `<referanseDokumentfil>decision.pdf</referanseDokumentfil>`,
		`<sjekksumAlgoritme>SHA-256</sjekksumAlgoritme>`, `<mimeType>application/pdf</mimeType>`,
	} {
		assert.Contains(t, x, want)
	}
	sum := sha256.Sum256(letter)
	assert.Contains(t, x, "<sjekksum>"+hex.EncodeToString(sum[:])+"</sjekksum>")

	// The schema's sequences: each element after the one before it.
	inRecord := x[strings.Index(x, "<registrering"):]
	order := []string{"<referanseForelderMappe>", "<dokumentbeskrivelse>", "<tittel>Vedtak", "<offentligTittel>",
		"<forfatter>", "<korrespondansepart>", "<referanseEksternNoekkel>", "<journalposttype>", "<dokumentetsDato>", "<sendtDato>", "<journalenhet>"}
	last := -1
	for _, e := range order {
		i := strings.Index(inRecord, e)
		require.Greater(t, i, last, "%s out of the schema's order", e)
		last = i
	}
	inFolder := x[strings.Index(x, "<mappe"):strings.Index(x, "</mappe>")]
	last = -1
	for _, e := range []string{"<tittel>", "<offentligTittel>", "<arkivdel>", "<skjerming>", "<klassifikasjon>", "<referanseEksternNoekkel>", "<saksdato>", "<administrativEnhet>", "<saksansvarlig>"} {
		i := strings.Index(inFolder, e)
		require.Greater(t, i, last, "%s out of the schema's order", e)
		last = i
	}

	// Namespaces as a parser resolves them: the message's elements in the
	// arkivmelding namespace, a code's children in the metadata
	// catalogue's, xsi:type in the XML Schema instance namespace.
	spaces := map[string]string{}
	var xsiTypes []string
	dec := xml.NewDecoder(bytes.NewReader(m.Files[0].Data))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if se, ok := tok.(xml.StartElement); ok {
			spaces[se.Name.Local] = se.Name.Space
			for _, a := range se.Attr {
				if a.Name.Local == "type" {
					assert.Equal(t, "http://www.w3.org/2001/XMLSchema-instance", a.Name.Space)
					xsiTypes = append(xsiTypes, a.Value)
				}
			}
		}
	}
	assert.Equal(t, fiksio.NamespaceArchiveCreate, spaces["journalposttype"])
	assert.Equal(t, fiksio.NamespaceArchiveCreate, spaces["korrespondansepart"])
	assert.Equal(t, fiksio.NamespaceMetadata, spaces["kode"])
	assert.Equal(t, fiksio.NamespaceMetadata, spaces["fagsystem"])
	assert.Equal(t, fiksio.NamespaceMetadata, spaces["noekkel"])
	assert.Equal(t, []string{"saksmappe", "journalpost"}, xsiTypes)

	am, err := fiksio.ParseArkivmelding(m.Files[0].Data)
	require.NoError(t, err)
	require.NotNil(t, am.Folder)
	require.NotNil(t, am.Record)
	assert.Equal(t, "U", am.Record.Type.Code)
	assert.Equal(t, "EM", am.Record.Parties[0].Type.Code)
	assert.Equal(t, "H", am.Record.Documents[0].LinkedAs.Code)
	assert.Equal(t, "A", am.Record.Documents[0].Objects[0].Variant.Code)
	assert.Equal(t, "RA-PDF", am.Record.Documents[0].Objects[0].Format.Code)
	assert.Equal(t, len(letter), am.Record.Documents[0].Objects[0].Size)
	require.NotNil(t, am.Record.Folder.ExternalKey, "the record finds its new folder by the folder's key")
	assert.Equal(t, fiksio.ExternalKey{System: "Oppvekst", Key: "application/7f1c"}, *am.Record.Folder.ExternalKey)
	assert.Nil(t, am.Record.Folder.CaseNumber)
	assert.Equal(t, fiksio.ExternalKey{System: "Oppvekst", Key: "decision/7f1c"}, *am.Record.ExternalKey)
}

func TestArchiveMessageIsAPureFunction(t *testing.T) {
	doc := decision()
	letter := render(t, doc)
	a, err := fiksio.ArchiveMessage(doc, letter, archiveMeta())
	require.NoError(t, err)
	b, err := fiksio.ArchiveMessage(doc, letter, archiveMeta())
	require.NoError(t, err)
	assert.Equal(t, a, b)
	za, err := fiksio.Zip{}.Seal(a.Files)
	require.NoError(t, err)
	zb, err := fiksio.Zip{}.Seal(b.Files)
	require.NoError(t, err)
	assert.Equal(t, za, zb, "the same message seals to the same bytes")
	files, err := fiksio.Zip{}.Open(za)
	require.NoError(t, err)
	assert.Equal(t, a.Files, files)
}

func TestArchiveMessageExistingFolderProtectedAddress(t *testing.T) {
	doc := decision()
	doc.Recipient = domain.Party{Name: "Åse Ørnsæter", DigitalMailbox: true}
	meta := archiveMeta()
	meta.Folder = fiksio.Folder{CaseNumber: &fiksio.CaseNumber{Year: 2027, Sequence: 412}}
	meta.Record.FileName = "vedtak.pdf"
	meta.RecipientID = ""
	m, err := fiksio.ArchiveMessage(doc, render(t, doc), meta)
	require.NoError(t, err)
	x := string(m.Files[0].Data)
	assert.NotContains(t, x, "<mappe", "the folder exists: no new one")
	assert.NotContains(t, x, "<postadresse>", "a protected address is never archived")
	assert.NotContains(t, x, "<personid>")
	assert.Contains(t, x, "<erSkjermet>true</erSkjermet>")
	assert.Equal(t, "vedtak.pdf", m.Files[1].Name)
	am, err := fiksio.ParseArkivmelding(m.Files[0].Data)
	require.NoError(t, err)
	assert.Nil(t, am.Folder)
	assert.Equal(t, &fiksio.CaseNumber{Year: 2027, Sequence: 412}, am.Record.Folder.CaseNumber)
	assert.Nil(t, am.Record.Folder.ExternalKey)
}

func TestArchiveMessageRefusesWhatCannotBeArchived(t *testing.T) {
	doc := decision()
	meta := archiveMeta()
	meta.Key = ""
	meta.Folder = fiksio.Folder{New: true}
	doc.Title = ""
	doc.Recipient.Name = ""
	_, err := fiksio.ArchiveMessage(doc, []byte("not a pdf"), meta)
	var v *domain.ValidationError
	require.ErrorAs(t, err, &v)
	var fields []string
	for _, f := range v.Fields {
		fields = append(fields, f.Field+":"+f.Reason)
	}
	assert.ElementsMatch(t, []string{"key:is-required-at-most-300-bytes", "pdf:must-be-a-pdf", "recipient.name:required",
		"record.title:required", "folder:new-folder-needs-external-key-and-title"}, fields)

	meta = archiveMeta()
	meta.Folder = fiksio.Folder{}
	_, err = fiksio.ArchiveMessage(decision(), []byte("%PDF-1.4"), meta)
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "needs-case-number-or-external-key", v.Fields[0].Reason)
}

func TestZipRefusesOddNames(t *testing.T) {
	for _, name := range []string{"", "../x", "/etc/x", "a/../../b"} {
		err := fiksio.Message{Key: "k", Type: "t", Files: []fiksio.File{{Name: name}}}.Validate()
		assert.Error(t, err, name)
	}
	err := fiksio.Message{Key: "k", Type: "t", Files: []fiksio.File{{Name: "a"}, {Name: "a"}}}.Validate()
	assert.Error(t, err, "a file twice")
	_, err = fiksio.Zip{}.Open([]byte("not a zip"))
	assert.Error(t, err)
}

func TestClassify(t *testing.T) {
	p := fiksio.FiksArkiv
	for typ, want := range map[string]fiksio.Answer{
		"no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.mottatt":    {Kind: fiksio.Received},
		"no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering": {Kind: fiksio.Delivered},
		"no.ks.fiks.arkiv.v1.feilmelding.ugyldigforespoersel":            {Kind: fiksio.Failed, Code: "ugyldigforespoersel"},
		"no.ks.fiks.arkiv.v1.feilmelding.ikkefunnet":                     {Kind: fiksio.Failed, Code: "ikkefunnet"},
		"no.ks.fiks.arkiv.v1.feilmelding.serverfeil":                     {Kind: fiksio.Failed, Code: "serverfeil", Retryable: true},
		"no.ks.fiks.kvittering.tidsavbrudd":                              {Kind: fiksio.Failed, Code: "tidsavbrudd", Retryable: true},
		"no.ks.fiks.kvittering.serverfeil.v1":                            {Kind: fiksio.Failed, Code: "fiks-serverfeil", Retryable: true},
	} {
		got, ok := p.Classify(typ)
		assert.True(t, ok, typ)
		assert.Equal(t, want, got, typ)
	}
	for _, typ := range []string{"", "no.ks.fiks.arkiv.v1.feilmelding.", "no.ks.fiks.arkiv.v1.innsyn.sok.resultat.utvidet"} {
		_, ok := p.Classify(typ)
		assert.False(t, ok, typ)
	}
}

func TestMessageIDIsDeterministic(t *testing.T) {
	a, b := domain.NewID[domain.Guardian]().UUID(), domain.NewID[domain.Guardian]().UUID()
	assert.Equal(t, fiksio.MessageID(a, b, "k"), fiksio.MessageID(a, b, "k"))
	assert.NotEqual(t, fiksio.MessageID(a, b, "k"), fiksio.MessageID(a, b, "k2"))
	assert.NotEqual(t, fiksio.MessageID(a, b, "k"), fiksio.MessageID(b, a, "k"), "another sender, another message")
	assert.Equal(t, 5, int(fiksio.MessageID(a, b, "k").Version()))
}
