package billing

import (
	"fmt"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/shopspring/decimal"
)

// Lang is a language an explanation is rendered in.
type Lang string

const (
	// Bokmal is Norwegian bokmål ("nb").
	Bokmal Lang = "nb"
	// Nynorsk is Norwegian nynorsk ("nn").
	Nynorsk Lang = "nn"
	// English is English ("en").
	English Lang = "en"
)

// pick chooses the text for lang; anything but nn and en is bokmål.
func pick(lang Lang, nb, nn, en string) string {
	switch lang {
	case Nynorsk:
		return nn
	case English:
		return en
	}
	return nb
}

func kr(lang Lang, d decimal.Decimal) string {
	if lang == English {
		return "NOK " + domain.RoundOre(d).StringFixed(2)
	}
	return domain.FormatNOK(d)
}

func pct(d decimal.Decimal) string { return d.Shift(2).String() + " %" }

func orderName(lang Lang, o SiblingOrder) string {
	switch o {
	case AgeDesc:
		return pick(lang, "eldste først", "eldste først", "oldest first")
	case AgeAsc:
		return pick(lang, "yngste først", "yngste først", "youngest first")
	}
	return pick(lang, "høyeste pris først", "høgaste pris først", "highest price first")
}

// Render describes the step in one line in the language.
func (s Step) Render(lang Lang) string {
	change := ""
	if s.differs {
		change = fmt.Sprintf(": %s → %s", kr(lang, s.Before()), kr(lang, s.After()))
	} else if s.Code != StepPrice && s.Code != StepFeeFreeMonth {
		change = pick(lang, " (ingen endring)", " (inga endring)", " (no change)")
	}
	p := s.Params
	if p == nil {
		p = &Params{}
	}
	switch s.Code {
	case StepPrice:
		if s.Price.IsZero() && (!p.MaxPrice.IsZero() || !s.Share.IsZero()) {
			return fmt.Sprintf(pick(lang,
				"Pris: laveste av heltidspris %s og makspris %s × %s for %d timer i uka (sats fra %d timer) = %s; kost %s",
				"Pris: lågaste av heiltidspris %s og makspris %s × %s for %d timar i veka (sats frå %d timar) = %s; kost %s",
				"Price: the lower of the full-time price %s and the maximum price %s × %s for %d hours a week (bracket from %d hours) = %s; food %s"),
				kr(lang, p.FullTimePrice), kr(lang, p.MaxPrice), pct(s.Share), s.Hours, s.MinHours, kr(lang, s.After()), kr(lang, s.Food))
		}
		return fmt.Sprintf(pick(lang,
			"Pris: %s for %d timer i uka (sats fra %d timer); kost %s",
			"Pris: %s for %d timar i veka (sats frå %d timar); kost %s",
			"Price: %s for %d hours a week (bracket from %d hours); food %s"),
			kr(lang, s.Price), s.Hours, s.MinHours, kr(lang, s.Food))
	case StepSpecialNeeds:
		return fmt.Sprintf(pick(lang, "Særskilte behov på %d. trinn: gratis SFO", "Særskilde behov på %d. trinn: gratis SFO",
			"Special needs in grade %d: SFO is free"), s.Grade) + change
	case StepIncomeCap:
		income := decimal.Zero
		if p.Income != nil {
			income = *p.Income
		}
		capAmt := amountOf(p.IncomeCapShare).mul(amountOf(income)).mulFrac(1, int64(max(p.Months, 1))).round(2)
		return fmt.Sprintf(pick(lang,
			"Inntektsgradert betaling: høyst %s av inntekten %s ÷ %d måneder = %s",
			"Inntektsgradert betaling: høgst %s av inntekta %s ÷ %d månader = %s",
			"Income cap: at most %s of the income %s ÷ %d months = %s"),
			pct(p.IncomeCapShare), kr(lang, income), p.Months, kr(lang, capAmt)) + change
	case StepFreeCoreHours:
		income, threshold := decimal.Zero, decimal.Zero
		if p.Income != nil {
			income = *p.Income
		}
		if p.Threshold != nil {
			threshold = *p.Threshold
		}
		return fmt.Sprintf(pick(lang,
			"Gratis kjernetid: inntekten %s er under %s; %d av %d timer gratis",
			"Gratis kjernetid: inntekta %s er under %s; %d av %d timar gratis",
			"Free core hours: the income %s is below %s; %d of %d hours free"),
			kr(lang, income), kr(lang, threshold), min(p.FreeHours, s.Basis), s.Basis) + change
	case StepFreeHours:
		return fmt.Sprintf(pick(lang, "Gratis timer på %d. trinn: %d av %d timer gratis",
			"Gratis timar på %d. trinn: %d av %d timar gratis", "Free hours in grade %d: %d of %d hours free"),
			s.Grade, min(p.FreeHours, s.Basis), s.Basis) + change
	case StepSibling:
		return fmt.Sprintf(pick(lang, "Søskenmoderasjon: barn nr. %d (%s), %s",
			"Syskenmoderasjon: barn nr. %d (%s), %s", "Sibling discount: child no. %d (%s), %s"),
			s.Position, orderName(lang, p.Order), pct(s.Rate)) + change
	case StepRounding:
		if s.Changed {
			change = ": " + kr(lang, s.After())
		}
		if p.Rounding == domain.RoundToKrone {
			return pick(lang, "Avrundet til hele kroner", "Avrunda til heile kroner", "Rounded to whole kroner") + change
		}
		return pick(lang, "Avrundet til hele øre", "Avrunda til heile øre", "Rounded to whole øre") + change
	case StepFeeFreeMonth:
		return pick(lang, "Betalingsfri måned: ingen foreldrebetaling og ingen kost",
			"Betalingsfri månad: ingen foreldrebetaling og ingen kost",
			"Fee-free month: no fee and no food")
	case StepFreeZone:
		return pick(lang, "Tiltakssonen: ingen foreldrebetaling", "Tiltakssona: ingen foreldrebetaling",
			"Tiltakssonen (Finnmark and Nord-Troms): no parental fee") + change
	}
	return string(s.Code)
}

// Render explains the child's fee, one step a line.
func (c ChildFee) Render(lang Lang) string {
	var b strings.Builder
	fmt.Fprintf(&b, pick(lang, "Barn %s: foreldrebetaling %s, kost %s\n", "Barn %s: foreldrebetaling %s, kost %s\n",
		"Child %s: fee %s, food %s\n"), c.ID, kr(lang, c.Fee), kr(lang, c.Food))
	for _, s := range c.Steps() {
		b.WriteString("  - ")
		b.WriteString(s.Render(lang))
		b.WriteByte('\n')
	}
	return b.String()
}

// Render explains the household's fee for the month: every child and the
// total.
func (f Fee) Render(lang Lang) string {
	var b strings.Builder
	fmt.Fprintf(&b, pick(lang, "Foreldrebetaling for %s\n", "Foreldrebetaling for %s\n", "Parental fee for %s\n"), f.Month)
	for _, c := range f.Children {
		b.WriteString(c.Render(lang))
	}
	fmt.Fprintf(&b, pick(lang, "Totalt: %s\n", "Totalt: %s\n", "Total: %s\n"), kr(lang, f.Total))
	return b.String()
}
