// Package pdf renders a domain.Document (a letter, a decision or an
// invoice) as a PDF/A-1b document on A4 paper, for printing and for the
// archive.
//
// The renderer lays the document out and adds no words of its own: every
// text on the page comes from the Document; the only things it writes are
// the page numbers ("2 / 3"), bullets and rules.
//
// It uses codeberg.org/go-pdf/fpdf (see CONTRIBUTING.md for why), embeds
// DejaVu Sans Oppvekst (regular and bold: DejaVu Sans cut down to the
// characters Norwegian, Sámi and English letters use, fonts/README.md;
// fpdf subsets it again into each document) and the ICC's sRGB profile as
// output intent, and writes XMP metadata that matches the document
// information dictionary, as PDF/A-1b asks.
//
// A character the fonts have no glyph for is printed as U+FFFD (�), so a
// missing character shows on the page instead of vanishing.
//
// RenderAll renders many documents (an invoice run) on several
// goroutines and hands the PDFs back in order.
package pdf

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/oppvekst/oppvekst/domain"
)

// The embedded files, read-only: DejaVu Sans Oppvekst regular and bold
// (subsets of DejaVu Sans made by scripts/subset-fonts.sh; Bitstream Vera
// licence, fonts/LICENSE and fonts/README.md) and the ICC's sRGB profile
// (icc/LICENSE).
var (
	//go:embed fonts/DejaVuSansOppvekst.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSansOppvekst-Bold.ttf
	fontBold []byte
	//go:embed icc/sRGB2014.icc
	iccSRGB []byte
)

// producer names the software in the Info dictionary and the XMP packet.
const producer = "Oppvekst (codeberg.org/go-pdf/fpdf)"

// Renderer renders Documents as PDF/A-1b. It holds only read-only data
// and is safe for concurrent use.
type Renderer struct {
	regular, bold *glyphs
}

// New returns a Renderer; safe for concurrent use; parses the embedded
// fonts once (their character maps, to know which characters they can
// print). fpdf itself parses the font files again for every document:
// v0.12.0 keeps a parsed font in the unexported utf8File field of the
// document's own font table and has no API to hand one document's parsed
// font to another (AddUTF8FontFromBytes always parses). That cost is why
// the embedded fonts are small subsets (fonts/README.md).
func New() (*Renderer, error) {
	reg, err := parseGlyphs(fontRegular)
	if err != nil {
		return nil, fmt.Errorf("pdf: regular font: %w", err)
	}
	bold, err := parseGlyphs(fontBold)
	if err != nil {
		return nil, fmt.Errorf("pdf: bold font: %w", err)
	}
	return &Renderer{regular: reg, bold: bold}, nil
}

// Render writes doc as a PDF/A-1b document; created is the creation
// instant (from the caller's clock), so the same input gives the same
// bytes.
func (r *Renderer) Render(w io.Writer, doc domain.Document, created time.Time) error {
	doc = r.clean(doc)
	created = created.UTC().Truncate(time.Second)

	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	f.SetCatalogSort(true)
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	f.SetProducer(producer, true)
	f.SetCreator(producer, true)
	f.SetTitle(doc.Title, true)
	f.SetAuthor(doc.Sender.Name, true)
	if lang := langTag(doc.Lang); lang != "" {
		f.SetLang(lang)
	}
	f.AddUTF8FontFromBytes(family, "", fontRegular)
	f.AddUTF8FontFromBytes(family, "B", fontBold)
	f.AddOutputIntent(fpdf.OutputIntentType{
		SubtypeIdent:              fpdf.OutputIntent_GTS_PDFA1,
		OutputConditionIdentifier: "sRGB",
		Info:                      "sRGB IEC61966-2.1",
		ICCProfile:                iccSRGB,
	})
	f.SetXmpMetadata(xmpPacket(doc, created))

	l := &layout{f: f, doc: doc}
	l.run()
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	out, err := fixForPDFA(buf.Bytes())
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	_, err = w.Write(out)
	return err
}
