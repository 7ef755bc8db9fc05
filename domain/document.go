package domain

import (
	"fmt"
	"strings"

	"github.com/rickb777/date/v2"
)

// Document is a letter, a decision (vedtak) or an invoice as data, already
// written in one language: what both the printable page and the PDF show.
// The capability that decides writes it (admission its decision letters,
// billing its invoices and fee decisions); a renderer lays it out and adds
// no words of its own, so the page, the PDF and the archived copy say the
// same.
type Document struct {
	// Kind names the kind of document: "decision", "invoice",
	// "credit-note" and so on; renderers may use it for a file name.
	Kind string `json:"kind"`
	// Lang is the language it is written in: nb, nn or en.
	Lang string `json:"lang"`
	// Title is the heading of the first page ("Vedtak om barnehageplass").
	Title string `json:"title"`
	// Date is the date the document was made; Facts carries it written out.
	Date date.Date `json:"date"`
	// Sender is the municipality (or its unit) the document is from.
	Sender Party `json:"sender"`
	// Recipient is who it is addressed to. A recipient whose address is
	// protected has no address lines and DigitalMailbox set: the document
	// goes to the digital mailbox, and no renderer prints an address.
	Recipient Party `json:"recipient"`
	// Facts are the labelled lines beside the address block: date,
	// reference, caseworker, KID, due date.
	Facts []Field `json:"facts,omitempty"`
	// Sections are the body, in order.
	Sections []Section `json:"sections"`
	// Signature closes the body: the caseworker's name and role, or the
	// unit's.
	Signature []string `json:"signature,omitempty"`
	// Footer is printed at the foot of every page: the sender's
	// organisation number, account number, contact.
	Footer []string `json:"footer,omitempty"`
}

// Party is the sender or the recipient of a Document.
type Party struct {
	Name string `json:"name"`
	// Lines are the postal address, a line each.
	Lines []string `json:"lines,omitempty"`
	// DigitalMailbox says the document is delivered to the party's digital
	// mailbox only (a protected address is never printed).
	DigitalMailbox bool `json:"digitalMailbox,omitempty"`
}

// Field is a label and its value ("Forfallsdato", "20. januar 2027").
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Section is one part of a Document's body: a heading, then its
// paragraphs, labelled fields, bullet items and table, in that order; any
// of them may be empty.
type Section struct {
	Heading    string   `json:"heading,omitempty"`
	Paragraphs []string `json:"paragraphs,omitempty"`
	Fields     []Field  `json:"fields,omitempty"`
	Items      []string `json:"items,omitempty"`
	Table      *Table   `json:"table,omitempty"`
}

// Table is a table of a Section: a header row, body rows and total rows,
// every row as many cells as Columns. Numeric marks the columns that are
// amounts or counts (right-aligned).
type Table struct {
	Columns []string   `json:"columns"`
	Numeric []bool     `json:"numeric,omitempty"`
	Rows    [][]string `json:"rows"`
	Totals  [][]string `json:"totals,omitempty"`
}

// Text writes the document as plain text, in reading order: what a
// screen reader, a text message or a test sees.
func (d Document) Text() string {
	var b strings.Builder
	line := func(s string) {
		if s != "" {
			b.WriteString(s)
			b.WriteByte('\n')
		}
	}
	line(d.Sender.Name)
	for _, l := range d.Sender.Lines {
		line(l)
	}
	b.WriteByte('\n')
	line(d.Recipient.Name)
	for _, l := range d.Recipient.Lines {
		line(l)
	}
	for _, f := range d.Facts {
		line(f.Label + ": " + f.Value)
	}
	b.WriteByte('\n')
	line(d.Title)
	for _, s := range d.Sections {
		b.WriteByte('\n')
		line(s.Heading)
		for _, p := range s.Paragraphs {
			line(p)
		}
		for _, f := range s.Fields {
			line(f.Label + ": " + f.Value)
		}
		for _, it := range s.Items {
			line("– " + it)
		}
		if t := s.Table; t != nil {
			line(strings.Join(t.Columns, " | "))
			for _, r := range t.Rows {
				line(strings.Join(r, " | "))
			}
			for _, r := range t.Totals {
				line(strings.Join(r, " | "))
			}
		}
	}
	if len(d.Signature) > 0 {
		b.WriteByte('\n')
		for _, l := range d.Signature {
			line(l)
		}
	}
	if len(d.Footer) > 0 {
		b.WriteByte('\n')
		line(strings.Join(d.Footer, " · "))
	}
	return b.String()
}

var monthNames = map[string][12]string{
	"nb": {"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"},
	"nn": {"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// LongDate writes a date out as a letter does: "6. desember 2026" in nb
// and nn, "6 December 2026" in en (any other language gets nb). The zero
// date is "".
func LongDate(d date.Date, lang string) string {
	if d == 0 {
		return ""
	}
	y, m, day := d.Date()
	names, ok := monthNames[lang]
	if !ok {
		names, lang = monthNames["nb"], "nb"
	}
	if lang == "en" {
		return fmt.Sprintf("%d %s %d", day, names[m-1], y)
	}
	return fmt.Sprintf("%d. %s %d", day, names[m-1], y)
}

// MonthName writes a calendar month as "desember 2026" (nb, nn) or
// "December 2026" (en).
func MonthName(year int, month int, lang string) string {
	names, ok := monthNames[lang]
	if !ok {
		names = monthNames["nb"]
	}
	if month < 1 || month > 12 {
		return fmt.Sprintf("%04d-%02d", year, month)
	}
	return fmt.Sprintf("%s %d", names[month-1], year)
}

// LetterTemplate is a municipality's own part of the letters it sends:
// who they are from, how to reach it, who decides appeals, and an opening
// and closing paragraph of its choice in each language. The legal parts of
// a decision (its legal basis, the facts and reasons, the right to appeal
// and its deadline, the right to see the case documents) are written by
// the capability that decides and cannot be configured away.
//
// The zero LetterTemplate is usable: a store returns it, with Municipality
// set, when the municipality has saved none.
type LetterTemplate struct {
	Municipality Municipality `json:"municipality"`
	// SenderName is the letterhead ("Eksempel kommune, oppvekst").
	SenderName string `json:"senderName"`
	// SenderLines are the postal address, a line each.
	SenderLines []string `json:"senderLines,omitempty"`
	// OrgNumber is the organisation number (9 digits), printed in the footer.
	OrgNumber string `json:"orgNumber,omitempty"`
	// Contact is one line of telephone, e-mail or web address.
	Contact string `json:"contact,omitempty"`
	// AppealBody names who decides an appeal the municipality does not
	// grant itself ("Statsforvalteren i Eksempel", "kommunens klagenemnd").
	AppealBody string `json:"appealBody,omitempty"`
	// Opening and Closing are optional paragraphs by language (nb, nn, en).
	Opening map[string]string `json:"opening,omitempty"`
	Closing map[string]string `json:"closing,omitempty"`
}

// Letter template limits.
const (
	MaxLetterLine      = 200  // a name, an address line, the contact line
	MaxLetterParagraph = 2000 // an opening or closing paragraph
	MaxLetterLines     = 6    // address lines
)

// Validate checks a template: every line one line of printable text within
// MaxLetterLine, at most MaxLetterLines address lines, paragraphs within
// MaxLetterParagraph in nb, nn or en, and an organisation number of nine
// digits when given. Every problem is reported, each with its field.
func (t LetterTemplate) Validate() error {
	var p Problems
	line := func(field, s string) {
		if err := CheckLine(field, s); err != nil {
			p.Merge("", err)
		} else if len([]rune(s)) > MaxLetterLine {
			p.Add(field, ReasonTooLong, "max", fmt.Sprint(MaxLetterLine))
		}
	}
	if err := t.Municipality.Validate(); err != nil {
		p.Merge("", err)
	}
	line("senderName", t.SenderName)
	if len(t.SenderLines) > MaxLetterLines {
		p.Add("senderLines", ReasonTooLong, "max", fmt.Sprint(MaxLetterLines))
	}
	for i, l := range t.SenderLines {
		line(fmt.Sprintf("senderLines[%d]", i), l)
	}
	if t.OrgNumber != "" {
		digits := strings.ReplaceAll(t.OrgNumber, " ", "")
		ok := len(digits) == 9
		for _, r := range digits {
			ok = ok && r >= '0' && r <= '9'
		}
		if !ok {
			p.Add("orgNumber", "org-number-must-be-9-digits")
		}
	}
	line("contact", t.Contact)
	line("appealBody", t.AppealBody)
	for name, m := range map[string]map[string]string{"opening": t.Opening, "closing": t.Closing} {
		for lang, s := range m {
			field := name + "." + lang
			if lang != "nb" && lang != "nn" && lang != "en" {
				p.Add(field, "unknown-language")
				continue
			}
			if err := CheckText(field, s); err != nil {
				p.Merge("", err)
			} else if len([]rune(s)) > MaxLetterParagraph {
				p.Add(field, ReasonTooLong, "max", fmt.Sprint(MaxLetterParagraph))
			}
		}
	}
	return p.Err()
}
