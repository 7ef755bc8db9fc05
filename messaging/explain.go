package messaging

import (
	"fmt"
	"strings"
)

// Language is a language an explanation can be rendered in.
type Language string

// The three languages of the project.
const (
	Bokmal  Language = "nb"
	Nynorsk Language = "nn"
	English Language = "en"
)

// phrases returns, per language, the sentence for every reason. %s is the
// guardian's ID. A function, not a package variable: no global state.
func phrases() map[Language]map[Reason]string {
	return map[Language]map[Reason]string{
		Bokmal: {
			ReasonParentalResponsibility: "%s mottar: har foreldreansvar (barneloven § 30).",
			ReasonInformationDenied:      "%s mottar ikke: det er vedtatt å nekte informasjon fordi den kan skade barnet (barneloven § 47).",
			ReasonInformationRequested:   "%s mottar: har ikke foreldreansvar, men har bedt om informasjon om barnet (barneloven § 47).",
			ReasonNoRequest:              "%s mottar ikke: har ikke foreldreansvar og har ikke bedt om informasjon (barneloven § 47).",
			ReasonGroupBulletin:          "%s mottar ikke: meldinger til hele gruppen går bare til dem som har foreldreansvar.",
			ReasonProtectedChannel:       "%s har strengt fortrolig adresse: bare digital postkasse, ikke SMS eller e-post.",
			ReasonChildProtected:         "Barnet har adressesperre: adressen vises ikke for mottakerne.",
			ReasonChildNotProtected:      "Barnets adresse kan vises for mottakerne.",
			ReasonWhereaboutsHidden:      "%s har ikke foreldreansvar for et barn med strengt fortrolig adresse: får ikke vite hvor barnet er (ingen enhet, gruppe, ansatte eller klokkeslett).",
		},
		Nynorsk: {
			ReasonParentalResponsibility: "%s får meldinga: har foreldreansvar (barnelova § 30).",
			ReasonInformationDenied:      "%s får ikkje meldinga: det er gjort vedtak om å nekte informasjon fordi ho kan skade barnet (barnelova § 47).",
			ReasonInformationRequested:   "%s får meldinga: har ikkje foreldreansvar, men har bede om informasjon om barnet (barnelova § 47).",
			ReasonNoRequest:              "%s får ikkje meldinga: har ikkje foreldreansvar og har ikkje bede om informasjon (barnelova § 47).",
			ReasonGroupBulletin:          "%s får ikkje meldinga: meldingar til heile gruppa går berre til dei som har foreldreansvar.",
			ReasonProtectedChannel:       "%s har strengt fortruleg adresse: berre digital postkasse, ikkje SMS eller e-post.",
			ReasonChildProtected:         "Barnet har adressesperre: adressa blir ikkje vist for mottakarane.",
			ReasonChildNotProtected:      "Adressa til barnet kan visast for mottakarane.",
			ReasonWhereaboutsHidden:      "%s har ikkje foreldreansvar for eit barn med strengt fortruleg adresse: får ikkje vite kvar barnet er (inga eining, gruppe, tilsette eller klokkeslett).",
		},
		English: {
			ReasonParentalResponsibility: "%s receives: has parental responsibility (Children Act § 30).",
			ReasonInformationDenied:      "%s does not receive: information has been refused because it could harm the child (Children Act § 47).",
			ReasonInformationRequested:   "%s receives: has no parental responsibility but has asked for information about the child (Children Act § 47).",
			ReasonNoRequest:              "%s does not receive: has no parental responsibility and has not asked for information (Children Act § 47).",
			ReasonGroupBulletin:          "%s does not receive: bulletins to the whole group go only to those with parental responsibility.",
			ReasonProtectedChannel:       "%s has a strictly confidential address: digital mailbox only, no SMS or e-mail.",
			ReasonChildProtected:         "The child's address is protected: it is not shown to recipients.",
			ReasonChildNotProtected:      "The child's address may be shown to recipients.",
			ReasonWhereaboutsHidden:      "%s has no parental responsibility for a child with a strictly confidential address: is not told where the child is (no unit, group, staff or time of day).",
		},
	}
}

// Phrase renders one reason in lang, with id in place of the guardian; an
// unknown language falls back to bokmål.
func (r Reason) Phrase(lang Language, id string) string {
	all := phrases()
	table, ok := all[lang]
	if !ok {
		table = all[Bokmal]
	}
	p, ok := table[r]
	if !ok {
		return string(r)
	}
	if strings.Contains(p, "%s") {
		return fmt.Sprintf(p, id)
	}
	return p
}

// Render returns the explanation as sentences in lang ("nb", "nn" or "en";
// anything else falls back to bokmål): first the child's address, then one
// sentence per guardian in ID order, each followed by the protected-channel
// and the whereabouts sentences where they apply.
func (e Explanation) Render(lang Language) []string {
	out := make([]string, 0, 1+len(e.Guardians))
	if e.Child != "" {
		out = append(out, e.Child.Phrase(lang, ""))
	}
	for _, g := range e.Guardians {
		out = append(out, g.Reason.Phrase(lang, g.ID))
		if g.Included && g.Channel == ChannelProtected {
			out = append(out, ReasonProtectedChannel.Phrase(lang, g.ID))
		}
		if g.Included && g.HideWhereabouts {
			out = append(out, ReasonWhereaboutsHidden.Phrase(lang, g.ID))
		}
	}
	return out
}
