package pdf

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/oppvekst/oppvekst/domain"
)

// clean makes every string of doc printable: invalid UTF-8 becomes U+FFFD,
// tabs and other white space become a space, other control characters
// are dropped, and characters neither font has a glyph for become U+FFFD.
func (r *Renderer) clean(doc domain.Document) domain.Document {
	c := r.cleanString
	doc.Title = c(doc.Title)
	doc.Sender = r.cleanParty(doc.Sender)
	doc.Recipient = r.cleanParty(doc.Recipient)
	doc.Facts = r.cleanFields(doc.Facts)
	doc.Signature = r.cleanStrings(doc.Signature)
	doc.Footer = r.cleanStrings(doc.Footer)
	secs := make([]domain.Section, len(doc.Sections))
	for i, s := range doc.Sections {
		s.Heading = c(s.Heading)
		s.Paragraphs = r.cleanStrings(s.Paragraphs)
		s.Fields = r.cleanFields(s.Fields)
		s.Items = r.cleanStrings(s.Items)
		if s.Table != nil {
			t := *s.Table
			t.Columns = r.cleanStrings(t.Columns)
			t.Rows = r.cleanRows(t.Rows)
			t.Totals = r.cleanRows(t.Totals)
			s.Table = &t
		}
		secs[i] = s
	}
	doc.Sections = secs
	return doc
}

func (r *Renderer) cleanParty(p domain.Party) domain.Party {
	p.Name = r.cleanString(p.Name)
	p.Lines = r.cleanStrings(p.Lines)
	return p
}

func (r *Renderer) cleanFields(fs []domain.Field) []domain.Field {
	out := make([]domain.Field, len(fs))
	for i, f := range fs {
		out[i] = domain.Field{Label: r.cleanString(f.Label), Value: r.cleanString(f.Value)}
	}
	return out
}

func (r *Renderer) cleanStrings(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = r.cleanString(s)
	}
	return out
}

func (r *Renderer) cleanRows(rows [][]string) [][]string {
	if rows == nil {
		return nil
	}
	out := make([][]string, len(rows))
	for i, row := range rows {
		out[i] = r.cleanStrings(row)
	}
	return out
}

func (r *Renderer) cleanString(s string) string {
	ok := utf8.ValidString(s)
	for _, c := range s {
		if !ok {
			break
		}
		ok = c >= ' ' && c != 0x7f && !unicode.IsSpace(c) || c == ' '
		ok = ok && r.regular.covers(c) && r.bold.covers(c)
	}
	if ok {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for _, c := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case unicode.IsSpace(c):
			b.WriteByte(' ')
		case unicode.IsControl(c) || unicode.Is(unicode.Cf, c):
			// dropped: nothing to print
		case !r.regular.covers(c) || !r.bold.covers(c):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(c)
		}
	}
	return strings.TrimSpace(b.String())
}
