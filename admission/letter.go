package admission

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// This file writes admission's decisions (enkeltvedtak) as letters: a
// domain.Document in one language, with the parts the law requires of an
// individual decision that no template can leave out — the decision, the
// act and section it is made under, the facts and reasons, the right to
// appeal with its deadline and where to send the appeal, the right to see
// the case documents, and the caseworker's name and role. The acts and
// sections are data (DecisionRules.Citations, rules/decision.json); the
// municipality's LetterTemplate adds the letterhead, its opening and
// closing paragraphs and the appeal body.

// cite returns the citation key in l from the rules, "" when the table has
// none.
func (r DecisionRules) cite(key string, l Lang) string {
	c := r.Citations[key]
	return cmp.Or(c[string(l)], c["nb"])
}

// letter is the frame every decision letter shares.
type letter struct {
	l        Lang
	t        domain.LetterTemplate
	rules    DecisionRules
	decided  date.Date
	appealBy date.Date
	// by is the caseworker's name.
	by string
	// kind is "kindergarten", "sfo", "school-start" or "school-change":
	// which basis, reasons and appeal citations apply.
	kind string
}

func (lt letter) sender() string {
	return cmp.Or(lt.t.SenderName, pick(lt.l, "Kommunen", "Kommunen", "The municipality"))
}

func (lt letter) role() string {
	return pick(lt.l, "saksbehandler", "saksbehandlar", "caseworker")
}

// citeKind returns the citation for key.kind, falling back to key.
func (lt letter) citeKind(key string) string {
	if s := lt.rules.cite(key+"."+lt.kind, lt.l); s != "" {
		return s
	}
	return lt.rules.cite(key, lt.l)
}

// weeks writes a number of days as the law does: "tre uker" when it is
// whole weeks, else "N dager".
func weeks(l Lang, days int) string {
	if days%7 == 0 && days/7 >= 1 && days/7 <= 6 {
		n := days / 7
		nb := [...]string{"én uke", "to uker", "tre uker", "fire uker", "fem uker", "seks uker"}
		nn := [...]string{"éi veke", "to veker", "tre veker", "fire veker", "fem veker", "seks veker"}
		en := [...]string{"one week", "two weeks", "three weeks", "four weeks", "five weeks", "six weeks"}
		return pick(l, nb[n-1], nn[n-1], en[n-1])
	}
	return fmt.Sprintf(pick(l, "%d dager", "%d dagar", "%d days"), days)
}

// document builds the letter around the decision's own sections: the
// opening, then body (the decision, its legal basis, the facts and
// reasons), then the appeal, the case documents and the closing.
func (lt letter) document(title string, to domain.Party, facts []domain.Field, body []domain.Section) domain.Document {
	l := lt.l
	if to.DigitalMailbox {
		to.Lines = nil
	}
	doc := domain.Document{Kind: "decision", Lang: string(l), Title: title, Date: lt.decided,
		Sender: domain.Party{Name: lt.sender(), Lines: lt.t.SenderLines}, Recipient: to}
	doc.Facts = append([]domain.Field{
		{Label: pick(l, "Dato", "Dato", "Date"), Value: domain.LongDate(lt.decided, string(l))},
		{Label: pick(l, "Saksbehandler", "Saksbehandlar", "Caseworker"), Value: lt.by},
	}, facts...)
	if s := lt.t.Opening[string(l)]; s != "" {
		doc.Sections = append(doc.Sections, domain.Section{Paragraphs: []string{s}})
	}
	doc.Sections = append(doc.Sections, body...)

	appealBody := cmp.Or(lt.t.AppealBody, pick(l, "klageinstansen", "klageinstansen", "the appeal body"))
	period := weeks(l, lt.rules.AppealDays)
	doc.Sections = append(doc.Sections, domain.Section{
		Heading: pick(l, "Du kan klage", "Du kan klage", "You may appeal"),
		Paragraphs: []string{
			fmt.Sprintf(pick(l,
				"Du kan klage på vedtaket, jf. %s.",
				"Du kan klage på vedtaket, jf. %s.",
				"You may appeal this decision (%s)."), lt.citeKind("appeal")),
			fmt.Sprintf(pick(l,
				"Klagefristen er %s fra den dagen du mottok dette brevet. Regnet fra datoen på brevet er siste dag for å klage %s.",
				"Klagefristen er %s frå den dagen du fekk dette brevet. Rekna frå datoen på brevet er siste dag for å klage %s.",
				"The deadline for appealing is %s from the day you received this letter. Counted from the date of the letter, the last day to appeal is %s."),
				period, domain.LongDate(lt.appealBy, string(l))),
			fmt.Sprintf(pick(l,
				"Send klagen skriftlig til %s (%s). Skriv hvilket vedtak du klager på, hva du ønsker endret og hvorfor, og skriv under. Kommunen vurderer klagen på nytt. Gir vi deg ikke medhold, sender vi klagen til %s, som avgjør den.",
				"Send klaga skriftleg til %s (%s). Skriv kva vedtak du klagar på, kva du ønskjer endra og kvifor, og skriv under. Kommunen vurderer klaga på nytt. Gir vi deg ikkje medhald, sender vi klaga til %s, som avgjer henne.",
				"Send your appeal in writing to %s (%s). Say which decision you appeal, what you want changed and why, and sign it. The municipality reconsiders the decision; if it does not grant your appeal, it forwards it to %s, which decides it."),
				lt.sender(), lt.rules.cite("appeal.where", l), appealBody),
		},
	})
	access := fmt.Sprintf(pick(l,
		"Du har rett til å se dokumentene i saken, jf. %s. Be om innsyn hos %s.",
		"Du har rett til å sjå dokumenta i saka, jf. %s. Be om innsyn hos %s.",
		"You have the right to see the documents of the case (%s). Ask %s to see them."),
		lt.rules.cite("access", l), lt.sender())
	doc.Sections = append(doc.Sections, domain.Section{
		Heading:    pick(l, "Innsyn i saken", "Innsyn i saka", "The case documents"),
		Paragraphs: []string{access},
	})
	if s := lt.t.Closing[string(l)]; s != "" {
		doc.Sections = append(doc.Sections, domain.Section{Paragraphs: []string{s}})
	}
	doc.Signature = []string{lt.by, lt.role(), lt.sender()}
	doc.Footer = []string{lt.sender()}
	if lt.t.OrgNumber != "" {
		doc.Footer = append(doc.Footer, pick(l, "Org.nr. ", "Org.nr. ", "Org. no. ")+lt.t.OrgNumber)
	}
	if lt.t.Contact != "" {
		doc.Footer = append(doc.Footer, lt.t.Contact)
	}
	return doc
}

// basis is the legal basis section.
func (lt letter) basis() domain.Section {
	return domain.Section{
		Heading: pick(lt.l, "Lovgrunnlag", "Lovgrunnlag", "Legal basis"),
		Paragraphs: []string{fmt.Sprintf(pick(lt.l,
			"Vedtaket er gjort etter %s.", "Vedtaket er gjort etter %s.", "This decision is made under %s."),
			lt.citeKind("basis"))},
	}
}

// Letter writes the decision as a letter (enkeltvedtak) in l to the
// recipient to (a guardian; with DigitalMailbox set its address is never
// printed), with the municipality's template t: a place offered, no place
// and the waiting list, or a seat offered later from the waiting list.
func (d Decision) Letter(l Lang, t domain.LetterTemplate, to domain.Party) domain.Document {
	kind := "kindergarten"
	if d.Kind == domain.SFO {
		kind = "sfo"
	}
	lt := letter{l: l, t: t, rules: d.Rules, decided: d.Decided, appealBy: d.AppealBy,
		by: cmp.Or(d.DecidedBy, t.SenderName), kind: kind}
	what := pick(l, "barnehageplass", "barnehageplass", "a kindergarten place")
	if d.Kind == domain.SFO {
		what = pick(l, "plass i skolefritidsordningen (SFO)", "plass i skulefritidsordninga (SFO)", "a place in the after-school programme (SFO)")
	}
	title := fmt.Sprintf(pick(l, "Vedtak om %s", "Vedtak om %s", "Decision on %s"), what)
	facts := []domain.Field{
		{Label: pick(l, "Barn", "Barn", "Child"), Value: d.ChildName},
		{Label: pick(l, "Opptak", "Opptak", "Admission round"), Value: d.Intake},
	}
	var decision domain.Section
	decision.Heading = pick(l, "Vedtak", "Vedtak", "Decision")
	switch {
	case d.Rank > 0 && d.Later:
		decision.Paragraphs = append(decision.Paragraphs, fmt.Sprintf(pick(l,
			"%s har fått tilbud om plass i %s fra %s. Plassen er ledig etter hovedopptaket, og barnet får den fra ventelisten. Det var %d. valg i søknaden.",
			"%s har fått tilbod om plass i %s frå %s. Plassen er ledig etter hovudopptaket, og barnet får han frå ventelista. Det var %d. val i søknaden.",
			"%s is offered a place at %s from %s. The place became free after the main admission round and is offered from the waiting list. It was choice %d in the application."),
			d.ChildName, d.UnitName, domain.LongDate(d.Start, string(l)), d.Rank))
	case d.Rank > 0:
		decision.Paragraphs = append(decision.Paragraphs, fmt.Sprintf(pick(l,
			"%s har fått tilbud om plass i %s fra %s. Det var %d. valg i søknaden.",
			"%s har fått tilbod om plass i %s frå %s. Det var %d. val i søknaden.",
			"%s is offered a place at %s from %s. It was choice %d in the application."),
			d.ChildName, d.UnitName, domain.LongDate(d.Start, string(l)), d.Rank))
	default:
		decision.Paragraphs = append(decision.Paragraphs, fmt.Sprintf(pick(l,
			"%s har ikke fått plass i noen av de ønskede enhetene i dette opptaket. Søknaden står på venteliste, og barnet kan få tilbud om plass senere når en plass blir ledig.",
			"%s har ikkje fått plass i nokon av dei ønskte einingane i dette opptaket. Søknaden står på venteliste, og barnet kan få tilbod om plass seinare når ein plass vert ledig.",
			"%s was not offered a place at any of the units applied for in this round. The application is on the waiting list, and the child may be offered a place later when one becomes free."),
			d.ChildName))
	}
	reasons := domain.Section{Heading: pick(l, "Begrunnelse", "Grunngiving", "Reasons")}
	reasons.Paragraphs = append(reasons.Paragraphs, fmt.Sprintf(pick(l,
		"Plassene er fordelt etter opptakskriteriene, med barn som har lovfestet rett til prioritet først. Begrunnelsen gis etter %s og %s.",
		"Plassane er fordelte etter opptakskriteria, med born som har lovfesta rett til prioritet først. Grunngivinga vert gitt etter %s og %s.",
		"The places were allocated by the admission criteria, children with a statutory right to priority first. Reasons are given under %s and %s."),
		lt.rules.cite("reasons", l), lt.rules.cite("reasons.kindergarten", l)))
	if d.ReasonsDue {
		reasons.Paragraphs = append(reasons.Paragraphs, pick(l,
			"Verken 1. eller 2. valg ble oppfylt. For hver enhet du ønsket høyere, sammenligner vi barnet ditt med det siste barnet som fikk plass der:",
			"Verken 1. eller 2. val vart oppfylt. For kvar eining du ønskte høgare, samanliknar vi barnet ditt med det siste barnet som fekk plass der:",
			"Neither the first nor the second choice was met. For each unit you ranked higher, we compare your child with the last child admitted there:"))
		for _, c := range d.Reasons {
			var b strings.Builder
			if c.Last == nil {
				fmt.Fprintf(&b, pick(l, "%d. valg %s: ingen plasser for %s i dette opptaket.", "%d. val %s: ingen plassar for %s i dette opptaket.", "Choice %d %s: no seats for %s in this round."),
					c.Rank, c.Unit, groupName(l, d.Group))
			} else {
				fmt.Fprintf(&b, pick(l, "%d. valg %s: det siste barnet som fikk plass blant %s hadde ", "%d. val %s: det siste barnet som fekk plass blant %s hadde ", "Choice %d %s: the last child admitted among %s had "),
					c.Rank, c.Unit, groupName(l, d.Group))
				renderPriority(&b, l, d.Criteria, *c.Last)
				b.WriteString(pick(l, "; ditt barn har ", "; barnet ditt har ", "; your child has "))
				renderPriority(&b, l, d.Criteria, c.Own)
				fmt.Fprintf(&b, pick(l, ". Avgjort av: %s.", ". Avgjort av: %s.", ". Decided by: %s."), criterionName(l, c.DecidedBy))
			}
			reasons.Items = append(reasons.Items, b.String())
		}
	} else {
		reasons.Paragraphs = append(reasons.Paragraphs, pick(l,
			"Du fikk 1. eller 2. valg. Du kan likevel be om en nærmere begrunnelse før klagefristen går ut.",
			"Du fekk 1. eller 2. val. Du kan likevel be om ei nærare grunngiving før klagefristen går ut.",
			"You got your first or second choice. You may still ask for fuller reasons before the deadline for appealing."))
	}
	return lt.document(title, to, facts, []domain.Section{decision, lt.basis(), reasons})
}

// SchoolLetter is what a school start or school change letter says: the
// child, the intake (its name and admission year), the school and, for a
// change, the request and its decision.
type SchoolLetter struct {
	ChildName     string `json:"childName"`
	Intake        string `json:"intake"`
	AdmissionYear int    `json:"admissionYear"`
	// School is the catchment school (school start) or the school asked
	// for (school change).
	School string `json:"school"`
	// Catchment is the catchment school's name, for a change.
	Catchment string `json:"catchment,omitempty"`
	// Request is the request for another school; nil for school start.
	Request *SchoolRequest `json:"request,omitempty"`
	Decided date.Date      `json:"decided"`
	// DecidedBy is who registered the child (school start) or decided the
	// request.
	DecidedBy string        `json:"decidedBy"`
	Rules     DecisionRules `json:"rules"`
}

// NewSchoolStartLetter gathers a school start letter's data: the
// registration st and the school's name; decided is the registration's
// day.
func NewSchoolStartLetter(st SchoolStarter, childName string, in Intake, school string) (SchoolLetter, error) {
	decided := date.NewAt(st.Registered.In(domain.Oslo()))
	rules, err := NationalDecisionRules(decided)
	if err != nil {
		return SchoolLetter{}, err
	}
	return SchoolLetter{ChildName: childName, Intake: in.Name, AdmissionYear: in.AdmissionYear, School: school,
		Decided: decided, DecidedBy: st.RegisteredBy, Rules: rules}, nil
}

// NewSchoolChangeLetter gathers a decided request's letter data: the
// school asked for and the catchment school by name.
func NewSchoolChangeLetter(r SchoolRequest, childName string, in Intake, asked, catchment string) (SchoolLetter, error) {
	if r.Open() {
		return SchoolLetter{}, domain.Invalid("decision", ReasonRequired)
	}
	decided := date.NewAt(r.Decided.In(domain.Oslo()))
	rules, err := NationalDecisionRules(decided)
	if err != nil {
		return SchoolLetter{}, err
	}
	return SchoolLetter{ChildName: childName, Intake: in.Name, AdmissionYear: in.AdmissionYear, School: asked,
		Catchment: catchment, Request: &r, Decided: decided, DecidedBy: r.DecidedBy, Rules: rules}, nil
}

// Letter writes the school start or school change decision as a letter in
// l to the recipient to, with the municipality's template t.
func (s SchoolLetter) Letter(l Lang, t domain.LetterTemplate, to domain.Party) domain.Document {
	lt := letter{l: l, t: t, rules: s.Rules, decided: s.Decided, appealBy: s.Decided.AddDate(0, 0, s.Rules.AppealDays),
		by: cmp.Or(s.DecidedBy, t.SenderName), kind: "school-start"}
	facts := []domain.Field{
		{Label: pick(l, "Elev", "Elev", "Pupil"), Value: s.ChildName},
		{Label: pick(l, "Skolestart", "Skulestart", "School start"), Value: fmt.Sprintf(pick(l, "august %d", "august %d", "August %d"), s.AdmissionYear)},
	}
	decision := domain.Section{Heading: pick(l, "Vedtak", "Vedtak", "Decision")}
	reasons := domain.Section{Heading: pick(l, "Begrunnelse", "Grunngiving", "Reasons")}
	var title string
	if s.Request == nil {
		title = pick(l, "Vedtak om skoleplass ved skolestart", "Vedtak om skuleplass ved skulestart", "Decision on a school place at school start")
		decision.Paragraphs = []string{fmt.Sprintf(pick(l,
			"%s begynner på %s ved skolestart i august %d.",
			"%s byrjar på %s ved skulestart i august %d.",
			"%s starts at %s when school starts in August %d."), s.ChildName, s.School, s.AdmissionYear)}
		reasons.Paragraphs = []string{fmt.Sprintf(pick(l,
			"Barnet har rett til å gå på nærskolen, den skolen i nærmiljøet som barnet sokner til. Etter adressen barnet har i folkeregisteret, hører det til skolekretsen til %s. Du kan søke om plass ved en annen skole. Vi gir begrunnelse etter %s.",
			"Barnet har rett til å gå på nærskulen, den skulen i nærmiljøet som barnet soknar til. Etter adressa barnet har i folkeregisteret, høyrer det til skulekrinsen til %s. Du kan søkje om plass ved ein annan skule. Vi gir grunngiving etter %s.",
			"Your child has the right to attend the local school (nærskole), the school of the area the child belongs to. By the child's address in the population register it belongs to the catchment area of %s. You may apply for a place at another school. Reasons are given under %s."),
			s.School, lt.rules.cite("reasons", l))}
	} else {
		lt.kind = "school-change"
		granted := s.Request.Decision == RequestGranted
		if granted {
			title = pick(l, "Vedtak om skolebytte – søknaden er innvilget", "Vedtak om skulebyte – søknaden er innvilga", "Decision on a change of school – granted")
			decision.Paragraphs = []string{fmt.Sprintf(pick(l,
				"Søknaden om at %s skal gå på %s, er innvilget. Barnet begynner på %s ved skolestart i august %d.",
				"Søknaden om at %s skal gå på %s, er innvilga. Barnet byrjar på %s ved skulestart i august %d.",
				"The application for %s to attend %s is granted. The child starts at %s when school starts in August %d."),
				s.ChildName, s.School, s.School, s.AdmissionYear)}
			reasons.Paragraphs = []string{pick(l,
				"Skolen har plass, og vi har lagt vekt på grunnene du ga i søknaden.",
				"Skulen har plass, og vi har lagt vekt på grunnane du gav i søknaden.",
				"The school has room, and we have given weight to the reasons in your application.")}
		} else {
			title = pick(l, "Vedtak om skolebytte – søknaden er avslått", "Vedtak om skulebyte – søknaden er avslått", "Decision on a change of school – refused")
			decision.Paragraphs = []string{fmt.Sprintf(pick(l,
				"Søknaden om at %s skal gå på %s, er avslått. Barnet begynner på nærskolen %s ved skolestart i august %d.",
				"Søknaden om at %s skal gå på %s, er avslått. Barnet byrjar på nærskulen %s ved skulestart i august %d.",
				"The application for %s to attend %s is refused. The child starts at the local school, %s, when school starts in August %d."),
				s.ChildName, s.School, cmp.Or(s.Catchment, "–"), s.AdmissionYear)}
			reasons.Paragraphs = []string{s.Request.DecisionReason}
		}
		reasons.Paragraphs = append(reasons.Paragraphs, fmt.Sprintf(pick(l,
			"Din begrunnelse i søknaden: «%s». Vi gir begrunnelse etter %s.",
			"Grunngivinga di i søknaden: «%s». Vi gir grunngiving etter %s.",
			"Your reasons in the application: “%s”. Reasons are given under %s."),
			s.Request.Reason, lt.rules.cite("reasons", l)))
	}
	return lt.document(title, to, facts, []domain.Section{decision, lt.basis(), reasons})
}
