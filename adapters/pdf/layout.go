package pdf

import (
	"sort"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/oppvekst/oppvekst/domain"
)

const (
	family = "DejaVuSansOppvekst"

	pageW, pageH = 210.0, 297.0
	marginL      = 20.0
	marginR      = 20.0
	marginT      = 15.0
	contentW     = pageW - marginL - marginR
	footerTop    = pageH - 22.0 // the body stops here; the footer is below
	bodyBottom   = footerTop - 4.0

	// The recipient block sits where a C5/C4 envelope's window is
	// (window left 20 mm, top 50 mm from the sheet's top left, 90×40 mm).
	windowX, windowY, windowW = 20.0, 50.0, 90.0
	factsX                    = 118.0
	factsW                    = pageW - marginR - factsX

	sizeBody    = 10.0
	sizeTable   = 9.0
	sizeSmall   = 8.0
	sizeTitle   = 15.0
	sizeHeading = 11.5
	sizeSender  = 13.0
)

// lineH is the line height in mm for a font size in points.
func lineH(pt float64) float64 { return pt * 0.3528 * 1.35 }

// layout renders one document with one fpdf instance.
type layout struct {
	f   *fpdf.Fpdf
	doc domain.Document
}

func (l *layout) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	l.f.SetFont(family, style, size)
}

func (l *layout) run() {
	f := l.f
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(false, 0)
	f.SetCellMargin(0)
	f.SetTextColor(0, 0, 0)
	f.SetDrawColor(0, 0, 0)
	f.AddPage()

	top := max(windowY, l.letterhead()+5)
	// the facts sit beside the address when they fit on the first page;
	// a document with more of them gets them below the address instead
	factsBeside := top+l.factsHeight() <= bodyBottom-20
	bottom := l.recipient(top)
	if factsBeside {
		bottom = max(bottom, l.facts(top))
	}
	f.SetY(bottom + 10)
	if !factsBeside {
		l.fields(l.doc.Facts)
		f.Ln(6)
	}
	if l.doc.Title != "" {
		l.font(true, sizeTitle)
		l.para(l.doc.Title, sizeTitle, true)
		f.Ln(3)
	}
	for _, s := range l.doc.Sections {
		l.section(s)
	}
	if len(l.doc.Signature) > 0 {
		l.need(lineH(sizeBody) * float64(len(l.doc.Signature)+1))
		f.Ln(lineH(sizeBody))
		for _, s := range l.doc.Signature {
			l.para(s, sizeBody, false)
		}
	}
	// the footers go on last, when the number of pages is known
	n := f.PageCount()
	for i := 1; i <= n; i++ {
		f.SetPage(i)
		l.footer(i, n)
	}
}

// need breaks the page when less than h mm are left for the body.
func (l *layout) need(h float64) bool {
	if l.f.GetY()+h > bodyBottom {
		l.f.AddPage()
		l.f.SetY(marginT)
		return true
	}
	return false
}

// letterhead writes the sender at the top and returns where it ends.
func (l *layout) letterhead() float64 {
	f := l.f
	f.SetXY(marginL, marginT)
	if l.doc.Sender.Name != "" {
		l.font(true, sizeSender)
		l.lines(l.doc.Sender.Name, contentW, sizeSender, "L")
	}
	l.font(false, sizeSmall)
	for _, s := range l.doc.Sender.Lines {
		f.SetX(marginL)
		l.lines(s, contentW, sizeSmall, "L")
	}
	return f.GetY()
}

// recipient prints the recipient in the envelope window (from top) and
// returns where it ends. A recipient with a digital mailbox has no
// address printed.
func (l *layout) recipient(top float64) float64 {
	f := l.f
	f.SetXY(windowX, top)
	rc := l.doc.Recipient
	write := func(s string) {
		l.font(false, sizeBody)
		for _, ln := range l.split(s, windowW) {
			l.need(lineH(sizeBody))
			l.font(false, sizeBody)
			f.SetX(windowX)
			f.CellFormat(windowW, lineH(sizeBody), ln, "", 2, "L", false, 0, "")
		}
	}
	if rc.Name != "" {
		write(rc.Name)
	}
	if !rc.DigitalMailbox {
		for _, s := range rc.Lines {
			write(s)
		}
	}
	return f.GetY()
}

// factsHeight measures the facts column.
func (l *layout) factsHeight() float64 {
	h := 0.0
	for _, fa := range l.doc.Facts {
		if fa.Label != "" {
			l.font(false, sizeSmall)
			h += float64(len(l.split(fa.Label, factsW))) * lineH(sizeSmall)
		}
		l.font(true, sizeBody)
		h += float64(len(l.split(fa.Value, factsW)))*lineH(sizeBody) + 1
	}
	return h
}

// facts prints the labelled facts at the right of the address (from top)
// and returns where they end.
func (l *layout) facts(top float64) float64 {
	f := l.f
	f.SetXY(factsX, top)
	for _, fa := range l.doc.Facts {
		if fa.Label != "" {
			l.font(false, sizeSmall)
			f.SetX(factsX)
			l.lines(fa.Label, factsW, sizeSmall, "L")
		}
		l.font(true, sizeBody)
		f.SetX(factsX)
		l.lines(fa.Value, factsW, sizeBody, "L")
		f.Ln(1)
	}
	return f.GetY()
}

// lines writes s wrapped to w at the current position, a line each, with
// the current font; x stays where it was for every line.
func (l *layout) lines(s string, w, size float64, align string) {
	f := l.f
	x := f.GetX()
	for _, ln := range l.split(s, w) {
		f.SetX(x)
		f.CellFormat(w, lineH(size), ln, "", 2, align, false, 0, "")
	}
}

// split wraps s to width w with the current font; an empty string is one
// empty line.
func (l *layout) split(s string, w float64) []string {
	if s == "" {
		return []string{""}
	}
	out := l.f.SplitText(s, w)
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// para writes a paragraph at the left margin, breaking pages between lines.
func (l *layout) para(s string, size float64, bold bool) {
	l.font(bold, size)
	for _, ln := range l.split(s, contentW) {
		l.need(lineH(size))
		l.font(bold, size)
		l.f.SetX(marginL)
		l.f.CellFormat(contentW, lineH(size), ln, "", 2, "L", false, 0, "")
	}
}

func (l *layout) section(s domain.Section) {
	f := l.f
	if s.Heading != "" {
		// keep a heading with at least two lines of what follows
		l.need(lineH(sizeHeading) + 2 + 2*lineH(sizeBody) + 4)
		f.Ln(4)
		l.para(s.Heading, sizeHeading, true)
		f.Ln(1)
	} else {
		f.Ln(3)
	}
	for _, p := range s.Paragraphs {
		l.para(p, sizeBody, false)
		f.Ln(2)
	}
	if len(s.Fields) > 0 {
		l.fields(s.Fields)
		f.Ln(2)
	}
	for _, it := range s.Items {
		l.item(it)
	}
	if len(s.Items) > 0 {
		f.Ln(2)
	}
	if s.Table != nil {
		l.table(*s.Table)
	}
}

// fields writes label: value pairs in two columns.
func (l *layout) fields(fs []domain.Field) {
	f := l.f
	labelW := 0.0
	l.font(false, sizeBody)
	for _, fa := range fs {
		if w := f.GetStringWidth(fa.Label + ":"); w > labelW {
			labelW = w
		}
	}
	if labelW > contentW*0.4 {
		labelW = contentW * 0.4
	}
	labelW += 3
	valueW := contentW - labelW
	for _, fa := range fs {
		l.font(false, sizeBody)
		label := fa.Label
		if label != "" {
			label += ":"
		}
		ls := l.split(label, labelW-3)
		l.font(true, sizeBody)
		vs := l.split(fa.Value, valueW)
		n := max(len(ls), len(vs))
		for i := 0; i < n; i++ {
			l.need(lineH(sizeBody))
			y := f.GetY()
			if i < len(ls) {
				l.font(false, sizeBody)
				f.SetXY(marginL, y)
				f.CellFormat(labelW, lineH(sizeBody), ls[i], "", 0, "L", false, 0, "")
			}
			if i < len(vs) {
				l.font(true, sizeBody)
				f.SetXY(marginL+labelW, y)
				f.CellFormat(valueW, lineH(sizeBody), vs[i], "", 0, "L", false, 0, "")
			}
			f.SetXY(marginL, y+lineH(sizeBody))
		}
	}
}

// item writes a bullet item with a hanging indent.
func (l *layout) item(s string) {
	f := l.f
	const indent = 5.0
	l.font(false, sizeBody)
	for i, ln := range l.split(s, contentW-indent) {
		l.need(lineH(sizeBody))
		l.font(false, sizeBody)
		y := f.GetY()
		if i == 0 {
			f.SetXY(marginL+1, y)
			f.CellFormat(indent-1, lineH(sizeBody), "•", "", 0, "L", false, 0, "")
		}
		f.SetXY(marginL+indent, y)
		f.CellFormat(contentW-indent, lineH(sizeBody), ln, "", 2, "L", false, 0, "")
	}
}

// table writes a table; the header row is repeated at the top of every
// page the table continues on, and total rows are bold.
func (l *layout) table(t domain.Table) {
	f := l.f
	n := len(t.Columns)
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	for _, r := range t.Totals {
		n = max(n, len(r))
	}
	if n == 0 {
		return
	}
	widths := l.columnWidths(t, n)
	numeric := func(i int) bool { return i < len(t.Numeric) && t.Numeric[i] }
	const pad = 1.5
	row := func(cells []string, bold bool) [][]string {
		l.font(bold, sizeTable)
		out := make([][]string, n)
		for i := 0; i < n; i++ {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			out[i] = l.split(c, widths[i]-2*pad)
		}
		return out
	}
	height := func(cells [][]string) float64 {
		m := 1
		for _, c := range cells {
			m = max(m, len(c))
		}
		return float64(m)*lineH(sizeTable) + 1.5
	}
	draw := func(cells [][]string, bold bool, ruleAbove, ruleBelow bool) {
		y := f.GetY()
		h := height(cells)
		l.font(bold, sizeTable)
		if ruleAbove {
			f.SetLineWidth(0.3)
			f.Line(marginL, y, marginL+contentW, y)
		}
		x := marginL
		for i, c := range cells {
			align := "L"
			if numeric(i) {
				align = "R"
			}
			for j, ln := range c {
				f.SetXY(x+pad, y+0.75+float64(j)*lineH(sizeTable))
				f.CellFormat(widths[i]-2*pad, lineH(sizeTable), ln, "", 0, align, false, 0, "")
			}
			x += widths[i]
		}
		if ruleBelow {
			f.SetLineWidth(0.3)
			f.Line(marginL, y+h, marginL+contentW, y+h)
		} else {
			f.SetLineWidth(0.1)
			f.Line(marginL, y+h, marginL+contentW, y+h)
		}
		f.SetXY(marginL, y+h)
	}
	header := row(t.Columns, true)
	hasHeader := false
	for _, c := range t.Columns {
		hasHeader = hasHeader || c != ""
	}
	headerH := 0.0
	if hasHeader {
		headerH = height(header)
	}
	f.Ln(1)
	printHeader := func() {
		if hasHeader {
			draw(header, true, false, true)
		}
	}
	first := row(nil, false)
	if len(t.Rows) > 0 {
		first = row(t.Rows[0], false)
	}
	l.need(headerH + height(first))
	printHeader()
	for _, r := range t.Rows {
		cells := row(r, false)
		if l.need(height(cells)) {
			printHeader()
		}
		draw(cells, false, false, false)
	}
	for i, r := range t.Totals {
		cells := row(r, true)
		if l.need(height(cells)) {
			printHeader()
		}
		draw(cells, true, i == 0, false)
	}
	f.Ln(3)
}

// columnWidths shares the content width between n columns. A column
// would like the width of its widest cell and cannot go below its widest
// word (numeric columns: below their widest cell); when the table is too
// wide, each column gets its minimum and the rest is shared in proportion
// to what they would like more; when it is narrow, the text columns get
// the slack.
func (l *layout) columnWidths(t domain.Table, n int) []float64 {
	f := l.f
	const pad = 3.0
	want := make([]float64, n)
	least := make([]float64, n)
	numeric := func(i int) bool { return i < len(t.Numeric) && t.Numeric[i] }
	measure := func(cells []string, bold bool) {
		l.font(bold, sizeTable)
		for i, c := range cells {
			if i >= n {
				break
			}
			w := f.GetStringWidth(c) + pad
			want[i] = max(want[i], w)
			if numeric(i) {
				least[i] = max(least[i], w)
				continue
			}
			for _, word := range strings.Fields(c) {
				least[i] = max(least[i], f.GetStringWidth(word)+pad)
			}
		}
	}
	measure(t.Columns, true)
	for _, r := range t.Rows {
		measure(r, false)
	}
	for _, r := range t.Totals {
		measure(r, true)
	}
	// no column vanishes, and no single word takes more than half the page
	floor := min(contentW/float64(n), 12)
	for i := range want {
		least[i] = min(max(least[i], floor), contentW/2)
		want[i] = max(want[i], least[i])
	}
	sumWant, sumLeast := 0.0, 0.0
	for i := range want {
		sumWant += want[i]
		sumLeast += least[i]
	}
	out := make([]float64, n)
	switch {
	case sumWant <= contentW:
		var text []int
		for i := range want {
			if !numeric(i) {
				text = append(text, i)
			}
		}
		if len(text) == 0 {
			for i := range want {
				text = append(text, i)
			}
		}
		copy(out, want)
		for _, i := range text {
			out[i] += (contentW - sumWant) / float64(len(text))
		}
	case sumLeast <= contentW:
		// columns that lack little get all they want first (a short
		// "desember 2026" stays on one line), while the others can
		// still have their least; the rest share what is left
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool {
			return want[order[a]]-least[order[a]] < want[order[b]]-least[order[b]]
		})
		copy(out, least)
		left := contentW - sumLeast
		k := 0
		for ; k < n; k++ {
			i := order[k]
			if want[i]-least[i] > left {
				break
			}
			out[i] = want[i]
			left -= want[i] - least[i]
		}
		rest := 0.0
		for _, i := range order[k:] {
			rest += want[i] - least[i]
		}
		for _, i := range order[k:] {
			out[i] += left * (want[i] - least[i]) / rest
		}
	default:
		for i := range want {
			out[i] = least[i] * contentW / sumLeast
		}
	}
	return out
}

// footer writes the document's footer lines and "n / m" on page n of m.
func (l *layout) footer(n, m int) {
	f := l.f
	f.SetLineWidth(0.2)
	f.Line(marginL, footerTop, marginL+contentW, footerTop)
	// the page's content stream may have left another font selected than
	// the one fpdf last set: select twice so the font is written out
	l.font(true, sizeSmall)
	l.font(false, sizeSmall)
	f.SetXY(marginL, footerTop+1.5)
	pageW := 20.0
	text := strings.Join(l.doc.Footer, "  ·  ")
	for i, ln := range l.split(text, contentW-pageW) {
		if i >= 3 {
			break
		}
		f.SetX(marginL)
		f.CellFormat(contentW-pageW, lineH(sizeSmall), ln, "", 2, "L", false, 0, "")
	}
	f.SetXY(marginL+contentW-pageW, footerTop+1.5)
	f.CellFormat(pageW, lineH(sizeSmall), strconv.Itoa(n)+" / "+strconv.Itoa(m), "", 0, "R", false, 0, "")
}
