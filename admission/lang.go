package admission

import (
	"fmt"
	"time"
)

// Lang is a language an explanation is rendered in.
type Lang string

// Languages explanations are rendered in.
const (
	Bokmal  Lang = "nb" // Norwegian bokmål
	Nynorsk Lang = "nn" // Norwegian nynorsk
	English Lang = "en" // English
)

// Langs lists every language Render supports.
func Langs() []Lang { return []Lang{Bokmal, Nynorsk, English} }

// pick returns the text for l; any language other than nn and en gets
// bokmål.
func pick(l Lang, nb, nn, en string) string {
	switch l {
	case Nynorsk:
		return nn
	case English:
		return en
	}
	return nb
}

var (
	monthsNorwegian = [12]string{"januar", "februar", "mars", "april", "mai", "juni",
		"juli", "august", "september", "oktober", "november", "desember"}
)

// monthName names a calendar month in l.
func monthName(l Lang, m time.Month) string {
	if m < time.January || m > time.December {
		return fmt.Sprint(int(m))
	}
	if l == English {
		return m.String()
	}
	return monthsNorwegian[m-1]
}

// yesNo renders a truth value in l.
func yesNo(l Lang, v bool) string {
	if v {
		return pick(l, "ja", "ja", "yes")
	}
	return pick(l, "nei", "nei", "no")
}
