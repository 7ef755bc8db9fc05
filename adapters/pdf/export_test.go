package pdf

// Fonts gives the benchmarks the embedded font files.
func Fonts() (regular, bold []byte) { return fontRegular, fontBold }

// Covers says whether both embedded fonts have a glyph for c.
func (r *Renderer) Covers(c rune) bool { return r.regular.covers(c) && r.bold.covers(c) }
