#!/bin/sh
# subset-fonts.sh makes the fonts adapters/pdf embeds: DejaVu Sans and
# DejaVu Sans Bold from Debian's fonts-dejavu-core, cut down to the
# characters Norwegian (bokmål, nynorsk), Sámi and English letters use and
# renamed "DejaVu Sans Oppvekst" (see adapters/pdf/fonts/README.md).
#
#   apt-get install -y fonts-dejavu-core python3-fonttools
#   scripts/subset-fonts.sh            # from the repository root
#
# It checks the SHA-256 of the source fonts, so the output only changes
# when this script does; run the adapters/pdf tests afterwards.
set -eu

SRC=${DEJAVU_DIR:-/usr/share/fonts/truetype/dejavu}
OUT=$(dirname "$0")/../adapters/pdf/fonts

# fonts-dejavu-core 2.37-6 (Debian 12).
REGULAR_SHA256=abdc775b21b1bc470d50c97e790d276f2054b7504e56e5bd3e64f48d68582322
BOLD_SHA256=0d977336a6d5fba34eab8e3199eb218327161b5143749f802982c2bc34df0c96

# The characters kept:
#   U+0020-007E  Basic Latin
#   U+00A0-00FF  Latin-1 Supplement (no-break space, « », §, æ ø å ...)
#   U+0100-017F  Latin Extended-A (North, Lule, Inari Sámi: č đ ŋ š ŧ ž ...)
#   U+0180-024F  Latin Extended-B (Skolt Sámi ǥ ǧ ǩ ǯ Ʒ, Romanian ș ț ...)
#   U+0292       ʒ (Skolt Sámi)
#   U+02B9-02BC  ʹ ʺ ʻ ʼ (Skolt Sámi softness mark, apostrophes)
#   U+02C6-02C7, U+02D8-02DD  spacing accents ˆ ˇ ˘ ˙ ˚ ˛ ˜ ˝
#   U+2010-2015  hyphens and dashes ‐ ‑ ‒ – — ―
#   U+2018-201F  quotation marks ‘ ’ ‚ ‛ “ ” „ ‟
#   U+2020-2022  † ‡ •
#   U+2026       …
#   U+2030       ‰
#   U+2032-2033  ′ ″
#   U+2039-203A  ‹ ›
#   U+2044       ⁄
#   U+20AC       €
#   U+2116       №
#   U+2122       ™
#   U+2190-2195  arrows ← ↑ → ↓ ↔ ↕
#   U+2212       − (minus)
#   U+2248, U+2260, U+2264-2265  ≈ ≠ ≤ ≥
#   U+FFFD       � (printed for every character outside this set)
UNICODES="U+0020-007E,U+00A0-00FF,U+0100-017F,U+0180-024F,U+0292,U+02B9-02BC,\
U+02C6-02C7,U+02D8-02DD,U+2010-2015,U+2018-201F,U+2020-2022,U+2026,U+2030,\
U+2032-2033,U+2039-203A,U+2044,U+20AC,U+2116,U+2122,U+2190-2195,U+2212,\
U+2248,U+2260,U+2264-2265,U+FFFD"

PYTHON=${PYTHON:-/usr/bin/python3}
if ! "$PYTHON" -c 'import fontTools' 2>/dev/null; then
	echo "subset-fonts.sh: $PYTHON has no fontTools; apt-get install -y python3-fonttools" >&2
	exit 1
fi

check() { # file sha256
	if [ ! -f "$1" ]; then
		echo "subset-fonts.sh: $1 missing; apt-get install -y fonts-dejavu-core" >&2
		exit 1
	fi
	got=$(sha256sum "$1" | cut -d' ' -f1)
	if [ "$got" != "$2" ]; then
		echo "subset-fonts.sh: $1 has SHA-256 $got, want $2 (another fonts-dejavu-core version?)" >&2
		exit 1
	fi
}

subset() { # source output style
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	# Layout tables (GSUB, GPOS, GDEF) go: fpdf neither shapes nor kerns;
	# so do FontForge's FFTM (timestamps) and MATH (formula layout).
	# Every name record stays (copyright, licence), then rename() below
	# renames the font.
	"$PYTHON" -m fontTools.subset "$1" --output-file="$tmp" \
		--unicodes="$UNICODES" --layout-features='' \
		--name-IDs='*' --name-languages='*' --notdef-outline \
		--drop-tables+=GSUB,GPOS,GDEF,FFTM,MATH
	"$PYTHON" - "$tmp" "$2" "$3" <<'PY'
import sys
from fontTools.ttLib import TTFont

src, out, style = sys.argv[1:4]
family = "DejaVu Sans Oppvekst"
ps = "DejaVuSansOppvekst" + ("-Bold" if style == "Bold" else "")
full = family + ("" if style == "Book" else " " + style)
f = TTFont(src, recalcTimestamp=False)
names = f["name"]
for rec in list(names.names):
    nid = rec.nameID
    if nid in (1, 16):
        names.setName(family, nid, rec.platformID, rec.platEncID, rec.langID)
    elif nid in (4, 18):
        names.setName(full, nid, rec.platformID, rec.platEncID, rec.langID)
    elif nid == 6:
        names.setName(ps, nid, rec.platformID, rec.platEncID, rec.langID)
    elif nid == 3:
        names.setName(full + " (subset made by Oppvekst scripts/subset-fonts.sh)",
                      nid, rec.platformID, rec.platEncID, rec.langID)
# Fixed timestamps, so the same input makes the same bytes.
f["head"].modified = f["head"].created
f.save(out, reorderTables=True)
PY
	rm -f "$tmp"
	trap - EXIT
}

check "$SRC/DejaVuSans.ttf" "$REGULAR_SHA256"
check "$SRC/DejaVuSans-Bold.ttf" "$BOLD_SHA256"
subset "$SRC/DejaVuSans.ttf" "$OUT/DejaVuSansOppvekst.ttf" Book
subset "$SRC/DejaVuSans-Bold.ttf" "$OUT/DejaVuSansOppvekst-Bold.ttf" Bold
ls -l "$OUT"/DejaVuSansOppvekst*.ttf
