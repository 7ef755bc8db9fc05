package pdf

// parseGlyphs reads the characters a TrueType font covers.
func parseGlyphs(ttf []byte) (*glyphs, error) {
	return &glyphs{}, nil
}
