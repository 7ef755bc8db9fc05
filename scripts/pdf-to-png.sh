#!/bin/sh
# pdf-to-png.sh IN.pdf OUT.png: the first page of a PDF as a PNG at 80 dpi,
# for pictures in the README. Needs pdftoppm (Debian poppler-utils).
set -eu
if [ $# -ne 2 ]; then
  echo "usage: $0 IN.pdf OUT.png" >&2
  exit 2
fi
in=$1
out=$2
case $out in
  *.png) base=${out%.png} ;;
  *) base=$out ;;
esac
# pdftoppm appends .png to the name it is given
pdftoppm -png -r 80 -singlefile "$in" "$base"
if [ "$base.png" != "$out" ]; then
  mv "$base.png" "$out"
fi
