package pdf

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// xmpPacket writes the XMP metadata PDF/A-1b asks for: the PDF/A
// identification (part 1, conformance B) and the same title, author,
// creator tool, producer and dates as the Info dictionary fpdf writes.
func xmpPacket(doc domain.Document, created time.Time) []byte {
	// fpdf writes the Info dates as D:YYYYMMDDHHmmSS without a zone;
	// the XMP dates carry no zone either, so both name the same instant.
	when := created.Format("2006-01-02T15:04:05")
	var b strings.Builder
	b.WriteString("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/">` + "\n")
	b.WriteString(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` + "\n")
	b.WriteString(`<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">` + "\n")
	b.WriteString("<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n")
	b.WriteString("</rdf:Description>\n")
	b.WriteString(`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">` + "\n")
	b.WriteString("<dc:format>application/pdf</dc:format>\n")
	if doc.Title != "" {
		b.WriteString(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + xmlEscape(doc.Title) + "</rdf:li></rdf:Alt></dc:title>\n")
	}
	if doc.Sender.Name != "" {
		b.WriteString("<dc:creator><rdf:Seq><rdf:li>" + xmlEscape(doc.Sender.Name) + "</rdf:li></rdf:Seq></dc:creator>\n")
	}
	b.WriteString("</rdf:Description>\n")
	b.WriteString(`<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">` + "\n")
	b.WriteString("<xmp:CreatorTool>" + xmlEscape(producer) + "</xmp:CreatorTool>\n")
	b.WriteString("<xmp:CreateDate>" + when + "</xmp:CreateDate>\n")
	b.WriteString("<xmp:ModifyDate>" + when + "</xmp:ModifyDate>\n")
	b.WriteString("</rdf:Description>\n")
	b.WriteString(`<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">` + "\n")
	b.WriteString("<pdf:Producer>" + xmlEscape(producer) + "</pdf:Producer>\n")
	b.WriteString("</rdf:Description>\n")
	b.WriteString("</rdf:RDF>\n</x:xmpmeta>\n")
	b.WriteString(`<?xpacket end="w"?>`)
	return []byte(b.String())
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// langTag keeps a language tag to the letters, digits and hyphens a tag
// has, so it can go into the catalog's /Lang string as is.
func langTag(s string) string {
	ok := len(s) > 0 && len(s) <= 35
	for _, c := range s {
		ok = ok && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')
	}
	if !ok {
		return ""
	}
	return s
}

// Byte patterns fpdf v0.12.0 writes that PDF/A-1 forbids, and that it has
// no option to leave out.
var (
	// every page of a PDF 1.4 file gets a transparency group (PDF/A-1
	// 6.4 forbids transparency)
	transparencyGroup = []byte("/Group <</Type /Group /S /Transparency /CS /DeviceRGB>>")
	// the catalog's name dictionary always gets an (empty) EmbeddedFiles
	// tree (PDF/A-1 6.1.11 forbids it)
	embeddedFiles = []byte("/EmbeddedFiles << /Names [\n  \n] >>")
	trailerStart  = []byte("\ntrailer\n<<\n")
)

// fixForPDFA post-processes fpdf's output for what fpdf has no API for:
//
//   - it blanks out the pages' transparency groups and the empty
//     EmbeddedFiles name tree, overwriting them with spaces of the same
//     length, so every offset in the cross-reference table stays right;
//   - it adds the file identifier PDF/A-1 asks for (6.1.3) to the
//     trailer, which comes after the cross-reference table, so again no
//     offset moves. The identifier is the MD5 of the file so far: the same
//     input gives the same bytes.
func fixForPDFA(b []byte) ([]byte, error) {
	blank(b, transparencyGroup)
	blank(b, embeddedFiles)
	i := bytes.LastIndex(b, trailerStart)
	if i < 0 {
		return nil, errors.New("no trailer in fpdf's output")
	}
	i += len(trailerStart)
	sum := md5.Sum(b[:i])
	id := hex.EncodeToString(sum[:])
	out := make([]byte, 0, len(b)+80)
	out = append(out, b[:i]...)
	out = append(out, "/ID [<"+id+"><"+id+">]\n"...)
	out = append(out, b[i:]...)
	return out, nil
}

// blank overwrites every occurrence of pat in b with spaces, keeping line
// ends, so the length of b does not change.
func blank(b, pat []byte) {
	for {
		i := bytes.Index(b, pat)
		if i < 0 {
			return
		}
		for j := i; j < i+len(pat); j++ {
			if b[j] != '\n' {
				b[j] = ' '
			}
		}
	}
}
