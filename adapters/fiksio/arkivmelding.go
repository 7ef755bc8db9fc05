package fiksio

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// XML namespaces of Fiks Arkiv v1's arkivmelding.opprett and of its
// Noark 5 metadata catalogue (metadatakatalog), whose types' child
// elements (a code's kode and beskrivelse, a key's fagsystem and noekkel)
// live in the catalogue's namespace.
const (
	NamespaceArchiveCreate = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
	NamespaceMetadata      = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"
	namespaceXSI           = "http://www.w3.org/2001/XMLSchema-instance"
)

// Codes of Fiks Arkiv's code lists that a decision letter uses.
const (
	JournalpostOutgoing = "U"      // journalposttype: utgående dokument
	PartyRecipient      = "EM"     // korrespondanseparttype: mottaker
	MainDocument        = "H"      // tilknyttetRegistreringSom: hoveddokument
	DocumentFinished    = "F"      // dokumentstatus: ferdigstilt
	VariantArchive      = "A"      // variantformat: arkivformat
	FormatPDFA          = "RA-PDF" // format: PDF/A
)

// Code is a value of one of Fiks Arkiv's code lists (Noark 5 metadata
// type kode): the code and, optionally, its description.
type Code struct {
	Code        string `xml:"https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1 kode"`
	Description string `xml:"https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1 beskrivelse,omitempty"`
}

// ExternalKey is a record's or folder's key in the sending system
// (referanseEksternNoekkel): the system's name and its key.
type ExternalKey struct {
	System string `xml:"https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1 fagsystem"`
	Key    string `xml:"https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1 noekkel"`
}

// CaseNumber is an archive's case number (saksnummer): year and sequence.
type CaseNumber struct {
	Year     int `xml:"https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1 saksaar"`
	Sequence int `xml:"https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1 sakssekvensnummer"`
}

// FolderRef points at a case folder (referanseTilMappe): by the archive's
// case number, by the sending system's key, or both.
type FolderRef struct {
	CaseNumber  *CaseNumber  `xml:"https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1 saksnummer,omitempty"`
	ExternalKey *ExternalKey `xml:"https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1 referanseEksternNoekkel,omitempty"`
}

// Screening is the access restriction of a folder or record (skjerming):
// the restriction code (tilgangsrestriksjon) and the legal basis as the
// municipality's archive writes it (skjermingshjemmel). Both come from the
// municipality's configuration, never from code.
type Screening struct {
	Restriction Code   `xml:"tilgangsrestriksjon"`
	Basis       string `xml:"skjermingshjemmel"`
}

// Class is a classification (klassifikasjon): the classification system
// and the class in it.
type Class struct {
	SystemID string `xml:"klassifikasjonssystemID,omitempty"`
	ClassID  string `xml:"klasseID"`
	Title    string `xml:"tittel,omitempty"`
}

// Arkivmelding is the message arkivmelding.xml of
// no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett: a case folder
// (saksmappe) to create, a record (journalpost) to create, or both — the
// record then in the folder. Field order is the schema's.
type Arkivmelding struct {
	XMLName xml.Name `xml:"https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1 arkivmelding"`
	XSI     string   `xml:"xmlns:xsi,attr"`
	// System is the sending system (system).
	System string `xml:"system"`
	// Files counts the files besides arkivmelding.xml (antallFiler).
	Files  int          `xml:"antallFiler"`
	Folder *Saksmappe   `xml:"mappe,omitempty"`
	Record *Journalpost `xml:"registrering,omitempty"`
}

// Saksmappe is a case folder: the fields of mappe, then of saksmappe.
type Saksmappe struct {
	XSIType            string       `xml:"xsi:type,attr"`
	Title              string       `xml:"tittel"`
	PublicTitle        string       `xml:"offentligTittel,omitempty"`
	ArchivePart        *Code        `xml:"arkivdel,omitempty"`
	Screening          *Screening   `xml:"skjerming,omitempty"`
	Class              []Class      `xml:"klassifikasjon,omitempty"`
	ExternalKey        *ExternalKey `xml:"referanseEksternNoekkel,omitempty"`
	CaseDate           string       `xml:"saksdato,omitempty"`
	AdministrativeUnit string       `xml:"administrativEnhet,omitempty"`
	Responsible        string       `xml:"saksansvarlig,omitempty"`
}

// Journalpost is a record: the fields of registrering, then of
// journalpost.
type Journalpost struct {
	XSIType         string                `xml:"xsi:type,attr"`
	Folder          *FolderRef            `xml:"referanseForelderMappe,omitempty"`
	Screening       *Screening            `xml:"skjerming,omitempty"`
	Documents       []Dokumentbeskrivelse `xml:"dokumentbeskrivelse"`
	Title           string                `xml:"tittel"`
	PublicTitle     string                `xml:"offentligTittel,omitempty"`
	Authors         []string              `xml:"forfatter,omitempty"`
	Parties         []Korrespondansepart  `xml:"korrespondansepart,omitempty"`
	ExternalKey     *ExternalKey          `xml:"referanseEksternNoekkel,omitempty"`
	Type            Code                  `xml:"journalposttype"`
	DocumentDate    string                `xml:"dokumentetsDato,omitempty"`
	SentAt          string                `xml:"sendtDato,omitempty"`
	AdministrativeU string                `xml:"journalenhet,omitempty"`
}

// Dokumentbeskrivelse describes one document of a record.
type Dokumentbeskrivelse struct {
	Status   *Code            `xml:"dokumentstatus,omitempty"`
	Title    string           `xml:"tittel"`
	LinkedAs Code             `xml:"tilknyttetRegistreringSom"`
	Number   int              `xml:"dokumentnummer,omitempty"`
	Objects  []Dokumentobjekt `xml:"dokumentobjekt"`
}

// Dokumentobjekt is one file of a document: its version, variant, format
// and the name of the file in the message (referanseDokumentfil).
type Dokumentobjekt struct {
	Version   int    `xml:"versjonsnummer,omitempty"`
	Variant   *Code  `xml:"variantformat,omitempty"`
	Format    *Code  `xml:"format,omitempty"`
	MIMEType  string `xml:"mimeType,omitempty"`
	FileName  string `xml:"filnavn"`
	File      string `xml:"referanseDokumentfil"`
	Checksum  string `xml:"sjekksum,omitempty"`
	Algorithm string `xml:"sjekksumAlgoritme,omitempty"`
	Size      int    `xml:"filstoerrelse,omitempty"`
}

// Korrespondansepart is a party the record is sent to or from.
type Korrespondansepart struct {
	Type       Code     `xml:"korrespondanseparttype"`
	Name       string   `xml:"korrespondansepartNavn"`
	PersonID   string   `xml:"personid,omitempty"`
	Address    []string `xml:"postadresse,omitempty"`
	PostCode   string   `xml:"postnummer,omitempty"`
	PostTown   string   `xml:"poststed,omitempty"`
	Caseworker string   `xml:"saksbehandler,omitempty"`
	Screened   bool     `xml:"erSkjermet,omitempty"`
	Method     string   `xml:"forsendelsesmaate,omitempty"`
}

// Archive is the case metadata with which a decision letter is archived.
type Archive struct {
	// Key is the idempotency key of the message ("decision/<id>/archive"):
	// the same key is the same message, archived once.
	Key string
	// System names the sending system (arkivmelding's system; the
	// fagsystem of the external keys).
	System string
	// Folder is the case folder the record goes into.
	Folder Folder
	// Record is the record of the letter.
	Record Record
	// RecipientID is the recipient's national ID, when the archive is to
	// have it (personid); empty leaves it out.
	RecipientID string
}

// Folder is the case folder of an archived decision. With New, a case
// folder is created (saksmappe) and the record put in it by the folder's
// external key; without, the record goes into the existing folder named
// by CaseNumber or ExternalKey.
type Folder struct {
	New bool
	// CaseNumber is the archive's number of an existing folder.
	CaseNumber *CaseNumber
	// ExternalKey is the folder's key in the sending system
	// ("application/<id>"): required for a new folder.
	ExternalKey string
	// Title and PublicTitle of a new folder; the public title leaves out
	// what is screened (the child's name).
	Title, PublicTitle string
	// Date is the case date (saksdato) of a new folder.
	Date date.Date
	// AdministrativeUnit and Responsible (saksansvarlig) of a new folder.
	AdministrativeUnit, Responsible string
	// ArchivePart is the archive part (arkivdel) when the municipality
	// names one.
	ArchivePart string
	Class       *Class
	Screening   *Screening
}

// Record is the record (journalpost) of an archived letter: outgoing.
type Record struct {
	// ExternalKey is the record's key in the sending system.
	ExternalKey string
	// Title defaults to the document's title; PublicTitle leaves out what
	// is screened.
	Title, PublicTitle string
	// Caseworker is the author (forfatter) and the caseworker named on
	// the recipient.
	Caseworker string
	// JournalUnit is the journal unit (journalenhet), when the
	// municipality names one.
	JournalUnit string
	Screening   *Screening
	// SentAt is when the letter was sent (sendtDato); zero leaves it out.
	SentAt time.Time
	// FileName is the PDF's name in the message; Kind + ".pdf" when empty.
	FileName string
	// Method is how the letter went to the recipient (forsendelsesmaate),
	// e.g. "digital postkasse"; empty leaves it out.
	Method string
}

var postLine = regexp.MustCompile(`^(\d{4}) +(\S.*)$`)

// fileName is a safe file name from a document kind.
var unsafeName = regexp.MustCompile(`[^a-z0-9._-]+`)

// ArchiveMessage builds the Fiks Arkiv message that archives a decision
// letter: arkivmelding.xml (a new case folder with the record in it, or
// the record in an existing folder) and the letter's PDF as the main
// document, in archive format (PDF/A) with its SHA-256 checksum. It is a
// pure function: the same letter and metadata give the same message.
//
// The recipient is the outgoing record's korrespondansepart (mottaker):
// the document's recipient name, and the postal address split from its
// lines — none for a recipient with a protected address
// (Party.DigitalMailbox), who is marked screened instead.
func ArchiveMessage(doc domain.Document, pdf []byte, a Archive) (Message, error) {
	var p domain.Problems
	if a.Key == "" || len(a.Key) > 300 {
		p.Add("key", "is-required-at-most-300-bytes")
	}
	if a.System == "" {
		p.Add("system", "required")
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		p.Add("pdf", "must-be-a-pdf")
	}
	if doc.Recipient.Name == "" {
		p.Add("recipient.name", "required")
	}
	title := a.Record.Title
	if title == "" {
		title = doc.Title
	}
	if title == "" {
		p.Add("record.title", "required")
	}
	f := a.Folder
	switch {
	case f.New && (f.ExternalKey == "" || f.Title == ""):
		p.Add("folder", "new-folder-needs-external-key-and-title")
	case !f.New && f.CaseNumber == nil && f.ExternalKey == "":
		p.Add("folder", "needs-case-number-or-external-key")
	}
	if err := p.Err(); err != nil {
		return Message{}, err
	}

	file := a.Record.FileName
	if file == "" {
		file = strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(doc.Kind), "-"), "-.")
		if file == "" {
			file = "dokument"
		}
		file += ".pdf"
	}
	if file == ArchiveFileName {
		return Message{}, domain.Invalid("record.fileName", "reserved")
	}
	sum := sha256.Sum256(pdf)

	ref := &FolderRef{CaseNumber: f.CaseNumber}
	if f.ExternalKey != "" {
		ref.ExternalKey = &ExternalKey{System: a.System, Key: f.ExternalKey}
	}
	party := Korrespondansepart{
		Type:       Code{Code: PartyRecipient, Description: "Mottaker"},
		Name:       doc.Recipient.Name,
		PersonID:   a.RecipientID,
		Caseworker: a.Record.Caseworker,
		Method:     a.Record.Method,
	}
	if doc.Recipient.DigitalMailbox || len(doc.Recipient.Lines) == 0 {
		party.Screened = doc.Recipient.DigitalMailbox
	} else {
		lines := doc.Recipient.Lines
		if m := postLine.FindStringSubmatch(lines[len(lines)-1]); m != nil {
			party.PostCode, party.PostTown = m[1], m[2]
			lines = lines[:len(lines)-1]
		}
		party.Address = append([]string(nil), lines...)
	}
	rec := &Journalpost{
		XSIType:   "journalpost",
		Folder:    ref,
		Screening: a.Record.Screening,
		Documents: []Dokumentbeskrivelse{{
			Status:   &Code{Code: DocumentFinished, Description: "Dokumentet er ferdigstilt"},
			Title:    title,
			LinkedAs: Code{Code: MainDocument, Description: "Hoveddokument"},
			Number:   1,
			Objects: []Dokumentobjekt{{
				Version:   1,
				Variant:   &Code{Code: VariantArchive, Description: "Arkivformat"},
				Format:    &Code{Code: FormatPDFA},
				MIMEType:  "application/pdf",
				FileName:  file,
				File:      file,
				Checksum:  hex.EncodeToString(sum[:]),
				Algorithm: "SHA-256",
				Size:      len(pdf),
			}},
		}},
		Title:           title,
		PublicTitle:     a.Record.PublicTitle,
		Parties:         []Korrespondansepart{party},
		Type:            Code{Code: JournalpostOutgoing, Description: "Utgående dokument"},
		AdministrativeU: a.Record.JournalUnit,
	}
	if a.Record.Caseworker != "" {
		rec.Authors = []string{a.Record.Caseworker}
	}
	if a.Record.ExternalKey != "" {
		rec.ExternalKey = &ExternalKey{System: a.System, Key: a.Record.ExternalKey}
	}
	if doc.Date != date.Zero {
		rec.DocumentDate = doc.Date.String()
	}
	if !a.Record.SentAt.IsZero() {
		rec.SentAt = a.Record.SentAt.Format(time.RFC3339)
	}
	am := Arkivmelding{XSI: namespaceXSI, System: a.System, Files: 1, Record: rec}
	if f.New {
		folder := &Saksmappe{
			XSIType:            "saksmappe",
			Title:              f.Title,
			PublicTitle:        f.PublicTitle,
			Screening:          f.Screening,
			ExternalKey:        &ExternalKey{System: a.System, Key: f.ExternalKey},
			AdministrativeUnit: f.AdministrativeUnit,
			Responsible:        f.Responsible,
		}
		if f.ArchivePart != "" {
			folder.ArchivePart = &Code{Code: f.ArchivePart}
		}
		if f.Class != nil {
			folder.Class = []Class{*f.Class}
		}
		if f.Date != date.Zero {
			folder.CaseDate = f.Date.String()
		}
		am.Folder = folder
		// The record refers to the new folder by its external key only: the
		// archive has no case number for it yet.
		rec.Folder = &FolderRef{ExternalKey: folder.ExternalKey}
	}
	x, err := xml.MarshalIndent(am, "", "  ")
	if err != nil {
		return Message{}, fmt.Errorf("fiksio: arkivmelding: %w", err)
	}
	x = append([]byte(xml.Header), x...)
	return Message{Key: a.Key, Type: TypeArchiveCreate, Files: []File{
		{Name: ArchiveFileName, Data: x},
		{Name: file, Data: pdf},
	}}, nil
}

// ParseArkivmelding reads an arkivmelding.xml made by ArchiveMessage: what
// a test's archive, or a vendor's, checks.
func ParseArkivmelding(data []byte) (Arkivmelding, error) {
	var am Arkivmelding
	if err := xml.Unmarshal(data, &am); err != nil {
		return Arkivmelding{}, fmt.Errorf("fiksio: arkivmelding: %w", err)
	}
	if am.Record == nil && am.Folder == nil {
		return Arkivmelding{}, errors.New("fiksio: arkivmelding has neither folder nor record")
	}
	return am, nil
}
