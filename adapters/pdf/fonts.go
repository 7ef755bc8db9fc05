package pdf

import (
	"encoding/binary"
	"errors"
)

// glyphs is the set of characters a font has a glyph for, read from its
// cmap table once, in New.
type glyphs struct {
	has map[rune]bool
}

// covers says whether the font has a glyph for r. Only the Basic
// Multilingual Plane counts: fpdf writes characters as 16-bit CIDs.
func (g *glyphs) covers(r rune) bool { return r <= 0xffff && g.has[r] }

// parseGlyphs reads the characters a TrueType font maps to a glyph, from
// its Unicode cmap subtable (format 12 when there is one, else format 4).
func parseGlyphs(ttf []byte) (*glyphs, error) {
	u16 := func(b []byte, i int) int {
		if i < 0 || i+2 > len(b) {
			return -1
		}
		return int(binary.BigEndian.Uint16(b[i:]))
	}
	u32 := func(b []byte, i int) int {
		if i < 0 || i+4 > len(b) {
			return -1
		}
		return int(binary.BigEndian.Uint32(b[i:]))
	}
	numTables := u16(ttf, 4)
	cmap := -1
	for i := 0; i < numTables; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			break
		}
		if string(ttf[rec:rec+4]) == "cmap" {
			cmap = u32(ttf, rec+8)
		}
	}
	if cmap < 0 || cmap >= len(ttf) {
		return nil, errors.New("no cmap table")
	}
	t := ttf[cmap:]
	var f4, f12 int = -1, -1
	for i := 0; i < u16(t, 2); i++ {
		platform, encoding, off := u16(t, 4+8*i), u16(t, 6+8*i), u32(t, 8+8*i)
		if !(platform == 0 || platform == 3 && (encoding == 1 || encoding == 10)) {
			continue
		}
		switch u16(t, off) {
		case 4:
			f4 = off
		case 12:
			f12 = off
		}
	}
	g := &glyphs{has: map[rune]bool{}}
	switch {
	case f12 >= 0:
		s := t[f12:]
		n := u32(s, 12)
		for i := 0; i < n; i++ {
			start, end, gid := u32(s, 16+12*i), u32(s, 20+12*i), u32(s, 24+12*i)
			if start < 0 || end < 0 || end-start > 0x10ffff {
				return nil, errors.New("bad cmap format 12")
			}
			for c := start; c <= end; c++ {
				if gid+(c-start) != 0 {
					g.has[rune(c)] = true
				}
			}
		}
	case f4 >= 0:
		s := t[f4:]
		segs := u16(s, 6) / 2
		ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
		for i := 0; i < segs; i++ {
			end, start := u16(s, ends+2*i), u16(s, starts+2*i)
			delta, rangeOff := u16(s, deltas+2*i), u16(s, ranges+2*i)
			if end < 0 || start < 0 || delta < 0 || rangeOff < 0 {
				return nil, errors.New("bad cmap format 4")
			}
			for c := start; c <= end && c != 0xffff; c++ {
				gid := 0
				if rangeOff == 0 {
					gid = (c + delta) & 0xffff
				} else if v := u16(s, ranges+2*i+rangeOff+2*(c-start)); v > 0 {
					gid = (v + delta) & 0xffff
				}
				if gid != 0 {
					g.has[rune(c)] = true
				}
			}
		}
	default:
		return nil, errors.New("no Unicode cmap subtable")
	}
	if len(g.has) == 0 {
		return nil, errors.New("empty cmap")
	}
	return g, nil
}
