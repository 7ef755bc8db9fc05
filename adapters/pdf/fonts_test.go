package pdf_test

import (
	"bytes"
	"encoding/binary"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"

	"github.com/oppvekst/oppvekst/adapters/pdf"
	"github.com/oppvekst/oppvekst/adapters/pdf/pdftest"
	"github.com/oppvekst/oppvekst/domain"
)

// TestCharactersOutsideTheSubset: a character the subset fonts have no
// glyph for prints as U+FFFD in its place, the characters around it stay,
// nothing panics, and the document is still PDF/A-1b.
func TestCharactersOutsideTheSubset(t *testing.T) {
	r, err := pdf.New()
	if err != nil {
		t.Fatal(err)
	}
	outside := []rune{'Ω', 'Ж', 'ẞ', 'ễ', '漢', '😀', '∑', '✓', 'ﬁ'}
	for _, c := range outside {
		if r.Covers(c) {
			t.Fatalf("%q (%U) is in the subset; pick another character for this test", c, c)
		}
	}
	inside := []string{"ǯ", "ŧ", "ŋ", "ș", "€", "§", "…", "“", "”", "‘", "’", "—", "–", "•", "«", "»"}
	var lines []string
	for _, c := range outside {
		lines = append(lines, "før"+string(c)+"etter")
	}
	d := domain.Document{
		Lang:      "nb",
		Title:     "Tegn utenfor skriften Ω",
		Sender:    domain.Party{Name: "Kommune 漢"},
		Recipient: domain.Party{Name: "Nguyễn Văn An", Lines: []string{"Gate 1"}},
		Sections: []domain.Section{
			{Heading: "Overskrift ✓", Paragraphs: lines},
			{Paragraphs: []string{"Innenfor: " + strings.Join(inside, " ")}},
		},
	}
	b := render(t, d)
	text := pdftest.Text(t, b)
	for _, c := range outside {
		if strings.ContainsRune(text, c) {
			t.Errorf("%q printed although the fonts have no glyph for it", c)
		}
	}
	if got := strings.Count(squash(text), "før\uFFFDetter"); got != len(outside) {
		t.Errorf("%d of %d characters outside the subset printed as U+FFFD between their neighbours:\n%s", got, len(outside), text)
	}
	for _, want := range []string{"Tegn utenfor skriften \uFFFD", "Kommune \uFFFD", "Nguy\uFFFDn Văn An", "Overskrift \uFFFD"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q missing:\n%s", want, text)
		}
	}
	for _, s := range inside {
		if !strings.Contains(text, s) {
			t.Errorf("%q (in the subset) lost", s)
		}
	}
	pdftest.ValidatePDFA(t, b)
}

// moduleRoot is the directory with the module's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// goStrings returns the string and rune literals of a Go file, unquoted
// (comments are not text the renderer prints).
func goStrings(t *testing.T, path string, src []byte) []string {
	var out []string
	fset := token.NewFileSet()
	var s scanner.Scanner
	s.Init(fset.AddFile(path, -1, len(src)), src, func(pos token.Position, msg string) {
		t.Errorf("%s: %s", pos, msg)
	}, 0)
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok != token.STRING && tok != token.CHAR {
			continue
		}
		if tok == token.CHAR {
			lit = `"` + strings.Trim(lit, "'") + `"`
		}
		if u, err := strconv.Unquote(lit); err == nil {
			out = append(out, u)
		}
	}
}

// TestSubsetCoverage: every character in the project's texts (the
// nb/nn/en rule, template and message files and the string literals of
// the Go code that writes letters, decisions, invoices and notices) is in
// both subset fonts, so no project text ever prints as U+FFFD. Names and
// addresses come from people and registers; the subset's Latin ranges
// are for them, and TestCharactersOutsideTheSubset covers the rest.
func TestSubsetCoverage(t *testing.T) {
	r, err := pdf.New()
	if err != nil {
		t.Fatal(err)
	}
	root := moduleRoot(t)
	// The packages whose Go code holds texts that end up in documents.
	goDirs := []string{"admission", "attendance", "billing", "domain", "messaging", "reference-app/internal"}
	missing := map[rune][]string{}
	files := 0
	scan := func(path, text string) {
		for _, c := range text {
			// white space prints as a space and control and format
			// characters are dropped (text.go); the rest needs a glyph
			if !r.Covers(c) && !unicode.IsSpace(c) && !unicode.IsControl(c) && !unicode.Is(unicode.Cf, c) {
				missing[c] = append(missing[c], path)
			}
		}
	}
	err = filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if e.IsDir() {
			if strings.HasPrefix(e.Name(), ".") && rel != "." || e.Name() == "testdata" || rel == "conformance" || e.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		dir := filepath.Base(filepath.Dir(path))
		switch {
		case strings.HasSuffix(rel, ".json") && (dir == "rules" || dir == "templates" || dir == "messages"),
			strings.HasSuffix(rel, ".sql") && dir == "migrations":
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			scan(rel, string(b))
		case strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go") &&
			slices.ContainsFunc(goDirs, func(d string) bool { return strings.HasPrefix(rel, d+"/") }):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			for _, s := range goStrings(t, rel, b) {
				scan(rel, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("scanned %d files", files)
	if files < 50 {
		t.Fatalf("scanned only %d files; has the layout changed?", files)
	}
	for c, paths := range missing {
		slices.Sort(paths)
		t.Errorf("%q (%U) is not in the subset fonts; used in %s; add it to scripts/subset-fonts.sh", c, c, strings.Join(slices.Compact(paths), ", "))
	}
	// and the characters the renderer writes itself
	for _, c := range "•·/0123456789 \uFFFD" {
		if !r.Covers(c) {
			t.Errorf("%q (%U), which the renderer writes, is not in the subset", c, c)
		}
	}
}

// nameRecords reads the name table of a TrueType font: name ID to the
// strings stored under it (Windows and Unicode platforms decoded from
// UTF-16, Macintosh read as ASCII).
func nameRecords(t *testing.T, ttf []byte) map[int][]string {
	t.Helper()
	u16 := func(i int) int { return int(binary.BigEndian.Uint16(ttf[i:])) }
	u32 := func(i int) int { return int(binary.BigEndian.Uint32(ttf[i:])) }
	table := -1
	for i := 0; i < u16(4); i++ {
		if rec := 12 + 16*i; string(ttf[rec:rec+4]) == "name" {
			table = u32(rec + 8)
		}
	}
	if table < 0 {
		t.Fatal("no name table")
	}
	count, strs := u16(table+2), table+u16(table+4)
	out := map[int][]string{}
	for i := 0; i < count; i++ {
		rec := table + 6 + 12*i
		platform, id, length, off := u16(rec), u16(rec+6), u16(rec+8), u16(rec+10)
		raw := ttf[strs+off : strs+off+length]
		var s string
		if platform == 0 || platform == 3 {
			u := make([]uint16, len(raw)/2)
			for k := range u {
				u[k] = binary.BigEndian.Uint16(raw[2*k:])
			}
			s = string(utf16.Decode(u))
		} else {
			s = string(raw)
		}
		out[id] = append(out[id], s)
	}
	return out
}

// TestSubsetFontNamesFollowTheLicence: the Bitstream Vera licence lets a
// modified font be distributed only under a name without "Bitstream" or
// "Vera" (the Arev licence, for the glyphs DejaVu took from Arev: without
// "Tavmjong Bah" or "Arev"), and both ask that the copyright and
// trademark notices stay. DejaVu's
// own changes are public domain, so "DejaVu" may stay in the name; the
// subsets are still renamed "DejaVu Sans Oppvekst" so that no one mistakes
// them for the full DejaVu Sans.
func TestSubsetFontNamesFollowTheLicence(t *testing.T) {
	regular, bold := pdf.Fonts()
	for _, f := range []struct {
		name, ps, full string
		ttf            []byte
	}{
		{"regular", "DejaVuSansOppvekst", "DejaVu Sans Oppvekst", regular},
		{"bold", "DejaVuSansOppvekst-Bold", "DejaVu Sans Oppvekst Bold", bold},
	} {
		names := nameRecords(t, f.ttf)
		// 1 family, 3 unique ID, 4 full name, 6 PostScript name,
		// 16 typographic family, 17 typographic subfamily, 18 compatible full
		for _, id := range []int{1, 3, 4, 6, 16, 17, 18} {
			for _, s := range names[id] {
				l := strings.ToLower(s)
				if strings.Contains(l, "bitstream") || strings.Contains(l, "vera") ||
					strings.Contains(l, "arev") || strings.Contains(l, "tavmjong bah") {
					t.Errorf("%s: name ID %d %q contains a name the licence reserves", f.name, id, s)
				}
			}
		}
		for id, want := range map[int]string{1: "DejaVu Sans Oppvekst", 4: f.full, 6: f.ps} {
			if len(names[id]) == 0 {
				t.Errorf("%s: no name ID %d", f.name, id)
			}
			for _, s := range names[id] {
				if s != want {
					t.Errorf("%s: name ID %d is %q, want %q", f.name, id, s, want)
				}
			}
		}
		for _, s := range names[16] {
			if s != "DejaVu Sans Oppvekst" {
				t.Errorf("%s: typographic family %q", f.name, s)
			}
		}
		notice := strings.Join(names[0], "\n")
		if !strings.Contains(notice, "Copyright (c) 2003 by Bitstream, Inc.") {
			t.Errorf("%s: Bitstream copyright notice lost: %q", f.name, notice)
		}
		licence := strings.Join(names[13], "\n")
		for _, want := range []string{"Bitstream Vera Fonts Copyright", "Arev Fonts Copyright", "DejaVu changes are in public domain"} {
			if !strings.Contains(licence, want) {
				t.Errorf("%s: licence text (name ID 13) lost %q", f.name, want)
			}
		}
	}
	// the licence file that ships with them
	lic, err := os.ReadFile("fonts/LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(lic, []byte(`are renamed to names not containing either the words "Bitstream" or the word`)) {
		t.Error("fonts/LICENSE lost the Bitstream Vera licence")
	}
}
