package specialed

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
)

// This file writes the decision (enkeltvedtak) as a letter: a
// domain.Document in nb, nn or en with what is decided (the kind of help,
// the hours per week by whom, how it is organised, from when to when), why
// (with reference to PPT's expert assessment; where the decision departs
// from the recommendation, the points and the reasons), the legal basis,
// and the appeal information. Acts and sections come from the rules
// (rules/steps.json), never from code.

func pick(lang, nb, nn, en string) string {
	switch lang {
	case "nn":
		return nn
	case "en":
		return en
	}
	return nb
}

func kindName(k DecisionKind, lang string) string {
	switch k {
	case SpecialEducationHelp:
		return pick(lang, "spesialpedagogisk hjelp", "spesialpedagogisk hjelp", "special-education help")
	case Adaptation:
		return pick(lang, "tilrettelegging av barnehagetilbudet for barn med nedsatt funksjonsevne",
			"tilrettelegging av barnehagetilbodet for barn med nedsett funksjonsevne",
			"adaptation of the kindergarten provision for a child with disabilities")
	case AdaptedEducation:
		return pick(lang, "individuelt tilrettelagt opplæring", "individuelt tilrettelagd opplæring", "individually adapted education")
	}
	return string(k)
}

func providerName(p Provider, lang string) string {
	if p == Assistant {
		return pick(lang, "assistent", "assistent", "assistant")
	}
	return pick(lang, "spesialpedagog eller lærer", "spesialpedagog eller lærar", "special-education teacher")
}

func pointName(p, lang string) string {
	switch p {
	case "outcome":
		return pick(lang, "om barnet skal ha hjelp", "om barnet skal ha hjelp", "whether the child is given help")
	case "kind":
		return pick(lang, "hva slags hjelp", "kva slags hjelp", "the kind of help")
	case "hours." + string(Teacher):
		return pick(lang, "timer med spesialpedagog eller lærer", "timar med spesialpedagog eller lærar", "hours with a special-education teacher")
	case "hours." + string(Assistant):
		return pick(lang, "timer med assistent", "timar med assistent", "hours with an assistant")
	case "organisation":
		return pick(lang, "hvordan hjelpen organiseres", "korleis hjelpa blir organisert", "how the help is organised")
	}
	return p
}

func hoursText(p Provision, lang string) string {
	var parts []string
	for _, by := range []Provider{Teacher, Assistant} {
		h := p.HoursOf(by)
		if h.IsZero() {
			continue
		}
		n := strings.Replace(h.String(), ".", pick(lang, ",", ",", "."), 1)
		parts = append(parts, fmt.Sprintf(pick(lang, "%s timer i uken med %s", "%s timar i veka med %s", "%s hours a week with a %s"), n, providerName(by, lang)))
	}
	if len(parts) == 0 {
		return pick(lang, "ingen", "ingen", "none")
	}
	return strings.Join(parts, pick(lang, " og ", " og ", " and "))
}

// Letter writes the case's latest decision as a letter in lang (nb, nn or
// en; bokmål otherwise) to the recipient, with the municipality's letter
// template. Anyone who sees the case may read it (audit-logged). A case
// without a decision is a *domain.ValidationError on "case"
// (ReasonNoDecision).
func (s *Service) Letter(ctx context.Context, a domain.Actor, id CaseID, lang string, t domain.LetterTemplate, to domain.Party) (domain.Document, error) {
	c, _, err := s.see(ctx, a, id)
	if err != nil {
		return domain.Document{}, err
	}
	if c.Decision == nil {
		return domain.Document{}, domain.Invalid("case", ReasonNoDecision)
	}
	var pptName string
	if !c.PPT.IsZero() {
		if p, err := s.Store.PPT(ctx, c.Municipality, c.PPT); err == nil {
			pptName = p.Name
		}
	}
	doc := DecisionLetter(s.rules(), c, pptName, lang, t, to)
	return doc, s.auditNow(ctx, a, AuditLetter, c)
}

// DecisionLetter writes the decision of c as a letter (pure: Service.Letter
// reads the case and calls it). pptName names the service that made the
// expert assessment.
func DecisionLetter(r Rules, c Case, pptName, lang string, t domain.LetterTemplate, to domain.Party) domain.Document {
	if lang != "nn" && lang != "en" {
		lang = "nb"
	}
	d := *c.Decision
	decided := c.Days[StepDecision]
	step, _ := r.Step(c.Setting, StepDecision)
	basis := step.Source
	if b, ok := r.Settings[c.Setting].Basis[cmpKind(d.Kind, c.Setting)]; ok {
		basis = b
	}
	assess, _ := r.Step(c.Setting, StepAssessment)
	sender := cmp.Or(t.SenderName, pick(lang, "Kommunen", "Kommunen", "The municipality"))
	if to.DigitalMailbox {
		to.Lines = nil
	}
	doc := domain.Document{Kind: "decision", Lang: lang, Date: decided, Sender: domain.Party{Name: sender, Lines: t.SenderLines}, Recipient: to,
		Title: pick(lang, "Vedtak om ", "Vedtak om ", "Decision on ") + kindName(cmpKind(d.Kind, c.Setting), lang)}
	doc.Facts = []domain.Field{
		{Label: pick(lang, "Dato", "Dato", "Date"), Value: domain.LongDate(decided, lang)},
		{Label: pick(lang, "Saksnummer", "Saksnummer", "Case"), Value: c.ID.String()},
		{Label: pick(lang, "Saksbehandler", "Saksbehandlar", "Caseworker"), Value: c.DecidedBy},
	}
	if s := t.Opening[lang]; s != "" {
		doc.Sections = append(doc.Sections, domain.Section{Paragraphs: []string{s}})
	}
	// What is decided.
	what := domain.Section{Heading: pick(lang, "Vedtak", "Vedtak", "Decision")}
	if d.Outcome == Granted {
		what.Paragraphs = []string{fmt.Sprintf(pick(lang,
			"Barnet får %s, jf. %s.", "Barnet får %s, jf. %s.", "The child is given %s (%s)."),
			kindName(d.Kind, lang), basis.Cite())}
		what.Fields = []domain.Field{
			{Label: pick(lang, "Omfang", "Omfang", "Hours"), Value: hoursText(d, lang)},
			{Label: pick(lang, "Organisering", "Organisering", "Organised as"), Value: d.Organisation},
			{Label: pick(lang, "Fra", "Frå", "From"), Value: domain.LongDate(d.From, lang)},
			{Label: pick(lang, "Til", "Til", "To"), Value: cmp.Or(domain.LongDate(d.To, lang), pick(lang, "inntil videre", "inntil vidare", "until further notice"))},
		}
	} else {
		what.Paragraphs = []string{fmt.Sprintf(pick(lang,
			"Barnet får ikke %s, jf. %s.", "Barnet får ikkje %s, jf. %s.", "The child is not given %s (%s)."),
			kindName(cmpKind(d.Kind, c.Setting), lang), basis.Cite())}
	}
	doc.Sections = append(doc.Sections, what)
	// Why.
	why := domain.Section{Heading: pick(lang, "Begrunnelse", "Grunngiving", "Reasons")}
	assessed := domain.LongDate(c.Days[StepAssessment], lang)
	by := cmp.Or(pptName, pick(lang, "PP-tjenesten", "PP-tenesta", "the educational-psychological service (PPT)"))
	why.Paragraphs = append(why.Paragraphs, fmt.Sprintf(pick(lang,
		"Vedtaket bygger på den sakkyndige vurderingen fra %s av %s (%s).",
		"Vedtaket byggjer på den sakkunnige vurderinga frå %s av %s (%s).",
		"The decision rests on the expert assessment by %s of %s (%s)."), by, assessed, assess.Source.Cite()))
	if rec := c.Recommendation; rec != nil {
		if pts := Departures(*rec, d); len(pts) > 0 {
			why.Paragraphs = append(why.Paragraphs, fmt.Sprintf(pick(lang,
				"Vedtaket avviker fra tilrådingen i den sakkyndige vurderingen på disse punktene: PP-tjenesten tilrådet %s; kommunen har vedtatt %s.",
				"Vedtaket avvik frå tilrådinga i den sakkunnige vurderinga på desse punkta: PP-tenesta tilrådde %s; kommunen har vedteke %s.",
				"The decision departs from the recommendation of the expert assessment on these points: PPT recommended %s; the municipality has decided %s."),
				hoursText(*rec, lang), hoursText(d, lang)))
			for _, p := range pts {
				why.Items = append(why.Items, pointName(p, lang))
			}
			why.Paragraphs = append(why.Paragraphs, pick(lang, "Kommunens begrunnelse for avviket: ", "Grunngivinga til kommunen for avviket: ", "The municipality's reasons for departing: ")+c.DecisionReason)
		} else if c.DecisionReason != "" {
			why.Paragraphs = append(why.Paragraphs, c.DecisionReason)
		}
	}
	why.Paragraphs = append(why.Paragraphs, fmt.Sprintf(pick(lang, "Vedtaket er begrunnet, jf. %s.", "Vedtaket er grunngitt, jf. %s.", "Reasons are given as %s requires."), r.Appeal.Reasons.Cite()))
	doc.Sections = append(doc.Sections, why)
	// Appeal.
	appealBody := cmp.Or(t.AppealBody, pick(lang, "Statsforvalteren", "Statsforvaltaren", "the County Governor (Statsforvalteren)"))
	days := r.Appeal.Deadline.Days
	period := fmt.Sprintf(pick(lang, "%d dager", "%d dagar", "%d days"), days)
	if days == 21 && r.Appeal.Deadline.Months == 0 {
		period = pick(lang, "tre uker", "tre veker", "three weeks")
	}
	doc.Sections = append(doc.Sections, domain.Section{
		Heading: pick(lang, "Du kan klage", "Du kan klage", "You may appeal"),
		Paragraphs: []string{
			fmt.Sprintf(pick(lang, "Du kan klage på vedtaket, jf. %s.", "Du kan klage på vedtaket, jf. %s.", "You may appeal this decision (%s)."), r.Appeal.Source.Cite()),
			fmt.Sprintf(pick(lang,
				"Klagefristen er %s fra den dagen du mottok dette brevet. Regnet fra datoen på brevet er siste dag for å klage %s.",
				"Klagefristen er %s frå den dagen du fekk dette brevet. Rekna frå datoen på brevet er siste dag for å klage %s.",
				"The deadline for appealing is %s from the day you received this letter. Counted from the date of the letter, the last day to appeal is %s."),
				period, domain.LongDate(r.AppealBy(decided), lang)),
			fmt.Sprintf(pick(lang,
				"Send klagen skriftlig til %s. Skriv hvilket vedtak du klager på, hva du ønsker endret og hvorfor, og skriv under. Gir kommunen deg ikke medhold, sender den klagen til %s, som avgjør den.",
				"Send klaga skriftleg til %s. Skriv kva vedtak du klagar på, kva du ønskjer endra og kvifor, og skriv under. Gir kommunen deg ikkje medhald, sender han klaga til %s, som avgjer henne.",
				"Send your appeal in writing to %s. Say which decision you appeal, what you want changed and why, and sign it. If the municipality does not grant your appeal, it forwards it to %s, which decides it."),
				sender, appealBody),
			fmt.Sprintf(pick(lang, "Du har rett til å se dokumentene i saken. Be om innsyn hos %s.", "Du har rett til å sjå dokumenta i saka. Be om innsyn hos %s.", "You have the right to see the documents of the case. Ask %s to see them."), sender),
		},
	})
	if s := t.Closing[lang]; s != "" {
		doc.Sections = append(doc.Sections, domain.Section{Paragraphs: []string{s}})
	}
	doc.Signature = []string{c.DecidedBy, pick(lang, "saksbehandler", "saksbehandlar", "caseworker")}
	if t.OrgNumber != "" {
		doc.Footer = append(doc.Footer, pick(lang, "Org.nr. ", "Org.nr. ", "Org. no. ")+t.OrgNumber)
	}
	if t.Contact != "" {
		doc.Footer = append(doc.Footer, t.Contact)
	}
	return doc
}

// cmpKind is the decision's kind, or the setting's usual kind for a
// refusal that names none.
func cmpKind(k DecisionKind, set Setting) DecisionKind {
	if k != "" {
		return k
	}
	if set == School {
		return AdaptedEducation
	}
	return SpecialEducationHelp
}
