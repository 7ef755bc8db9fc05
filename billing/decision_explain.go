package billing

import (
	"fmt"
	"strings"
)

// Render names the reason in the language.
func (r Reason) Render(lang Lang) string {
	switch r {
	case ReasonPlacement:
		return pick(lang, "ny eller endret plass", "ny eller endra plass", "a new or changed place")
	case ReasonHours:
		return pick(lang, "endret oppholdstid", "endra opphaldstid", "changed weekly hours")
	case ReasonHousehold:
		return pick(lang, "endret husstand", "endra hushald", "a changed household")
	case ReasonIncome:
		return pick(lang, "vedtak om inntektsgradert betaling", "vedtak om inntektsgradert betaling", "an income decision")
	case ReasonPriceList:
		return pick(lang, "ny prisliste i kommunen", "ny prisliste i kommunen", "a new municipal price list")
	case ReasonNational:
		return pick(lang, "nasjonale regler (makspris, alder eller trinn)", "nasjonale reglar (makspris, alder eller trinn)",
			"national rules (maximum price, age or grade)")
	case ReasonSibling:
		return pick(lang, "søskenmoderasjon", "syskenmoderasjon", "sibling discount")
	}
	return string(r)
}

func stepName(lang Lang, c StepCode) string {
	switch c {
	case StepPrice:
		return pick(lang, "Pris", "Pris", "Price")
	case StepSpecialNeeds:
		return pick(lang, "Særskilte behov", "Særskilde behov", "Special needs")
	case StepIncomeCap:
		return pick(lang, "Inntektsgradert betaling", "Inntektsgradert betaling", "Income cap")
	case StepFreeCoreHours:
		return pick(lang, "Gratis kjernetid", "Gratis kjernetid", "Free core hours")
	case StepFreeHours:
		return pick(lang, "Gratis timer", "Gratis timar", "Free hours")
	case StepSibling:
		return pick(lang, "Søskenmoderasjon", "Syskenmoderasjon", "Sibling discount")
	case StepRounding:
		return pick(lang, "Avrunding", "Avrunding", "Rounding")
	case StepFeeFreeMonth:
		return pick(lang, "Betalingsfri måned", "Betalingsfri månad", "Fee-free month")
	case StepFreeZone:
		return pick(lang, "Tiltakssonen", "Tiltakssona", "Tiltakssonen")
	}
	return string(c)
}

// Render explains the fee decision in the language: the amounts, why it
// was made, and its steps.
func (d FeeDecision) Render(lang Lang) string {
	var b strings.Builder
	kind := pick(lang, "barnehage", "barnehage", "kindergarten")
	if d.Kind == "sfo" {
		kind = "SFO"
	}
	fmt.Fprintf(&b, pick(lang, "Vedtak om foreldrebetaling (%s) fra %s: %s i måneden, kost %s\n",
		"Vedtak om foreldrebetaling (%s) frå %s: %s i månaden, kost %s\n",
		"Fee decision (%s) from %s: %s a month, food %s\n"), kind, d.From, kr(lang, d.Fee), kr(lang, d.Food))
	reasons := make([]string, len(d.Reasons))
	for i, r := range d.Reasons {
		reasons[i] = r.Render(lang)
	}
	fmt.Fprintf(&b, pick(lang, "Grunn: %s\n", "Grunn: %s\n", "Because of: %s\n"), strings.Join(reasons, ", "))
	for _, s := range d.Steps {
		if s.Before.Equal(s.After) || s.Code == StepPrice {
			fmt.Fprintf(&b, "  - %s: %s\n", stepName(lang, s.Code), kr(lang, s.After))
			continue
		}
		fmt.Fprintf(&b, "  - %s: %s → %s\n", stepName(lang, s.Code), kr(lang, s.Before), kr(lang, s.After))
	}
	return b.String()
}
