package pdf

// Fonts gives the benchmarks the embedded font files.
func Fonts() (regular, bold []byte) { return fontRegular, fontBold }
