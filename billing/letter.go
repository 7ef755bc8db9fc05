package billing

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// This file writes billing's decisions (enkeltvedtak) as letters: a fee
// decision (what a child's place costs from a month, and why) and an
// income decision (reduced parental payment and free core hours from the
// household's income). Each is a domain.Document in one language with the
// parts the law requires of an individual decision that no template can
// leave out: the decision and its amounts, the act and section it is made
// under, the facts and reasons with the calculation's steps, the right to
// appeal with its deadline written out and where to send the appeal, the
// right to see the case documents, and the caseworker's name and role.
// The acts and sections are data (DecisionRules.Citations,
// rules/decision.json); the municipality's LetterTemplate adds the
// letterhead, its opening and closing paragraphs and the appeal body.

// DecisionRules are the legal references of a billing decision letter, one
// row of the embedded table rules/decision.json.
type DecisionRules struct {
	ValidFrom   string   `json:"validFrom"`
	Provisional bool     `json:"provisional"`
	Source      []string `json:"source"`
	// AppealDays is the appeal deadline in days from the decision (21:
	// three weeks).
	AppealDays int `json:"appealDays"`
	// Citations are the acts and sections a letter names, by key
	// ("basis.fee.kindergarten", "basis.income.sfo", "reasons", "appeal",
	// "appeal.where", "access") and language.
	Citations map[string]map[string]string `json:"citations,omitempty"`
}

// NationalDecisionRules returns the row of rules/decision.json in force on
// day d (the first row for a day before it).
func NationalDecisionRules(d date.Date) (DecisionRules, error) {
	raw, err := rulesFS.ReadFile("rules/decision.json")
	if err != nil {
		return DecisionRules{}, fmt.Errorf("billing: %w", err)
	}
	var t struct {
		Rows []DecisionRules `json:"rows"`
	}
	if err := json.Unmarshal(raw, &t); err != nil || len(t.Rows) == 0 {
		return DecisionRules{}, fmt.Errorf("billing: rules/decision.json: no rows (%v)", err)
	}
	best := 0
	for i, r := range t.Rows {
		if r.ValidFrom <= d.String() && r.ValidFrom >= t.Rows[best].ValidFrom {
			best = i
		}
	}
	return t.Rows[best], nil
}

// cite returns the citation key in l, "" when the row has none.
func (r DecisionRules) cite(key string, l Lang) string {
	c := r.Citations[key]
	return cmp.Or(c[string(l)], c["nb"])
}

// LetterInfo is what a decision letter needs besides the decision: who it
// is to and from, who decided, and the day.
type LetterInfo struct {
	// Template is the municipality's letterhead, contact, appeal body and
	// opening and closing paragraphs.
	Template domain.LetterTemplate
	// To is the recipient (the payer, or a guardian with parental
	// responsibility); with DigitalMailbox set no address is printed.
	To domain.Party
	// ChildName names the child a fee decision is for.
	ChildName string
	// Caseworker is the name of who made the decision; Role their role in
	// the letter's language ("saksbehandler" when empty).
	Caseworker, Role string
	// Date is the day of the decision; the appeal deadline counts from it.
	Date date.Date
	// Rules are the legal references in force on Date
	// (NationalDecisionRules).
	Rules DecisionRules
}

// letter is the frame both decision letters share.
type letter struct {
	l  Lang
	in LetterInfo
}

func (lt letter) sender() string {
	return cmp.Or(lt.in.Template.SenderName, pick(lt.l, "Kommunen", "Kommunen", "The municipality"))
}

func (lt letter) by() string { return cmp.Or(lt.in.Caseworker, lt.sender()) }

func (lt letter) role() string {
	return cmp.Or(lt.in.Role, pick(lt.l, "saksbehandler", "saksbehandlar", "caseworker"))
}

func (lt letter) cite(key string) string { return lt.in.Rules.cite(key, lt.l) }

// AppealBy is the last day to appeal a decision made on day d: d plus the
// rules' AppealDays.
func (r DecisionRules) AppealBy(d date.Date) date.Date { return d.AddDate(0, 0, r.AppealDays) }

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
func (lt letter) document(title string, facts []domain.Field, body []domain.Section) domain.Document {
	l, t := lt.l, lt.in.Template
	to := lt.in.To
	if to.DigitalMailbox {
		to.Lines = nil
	}
	doc := domain.Document{Kind: "decision", Lang: string(l), Title: title, Date: lt.in.Date,
		Sender: domain.Party{Name: lt.sender(), Lines: t.SenderLines}, Recipient: to}
	doc.Facts = append([]domain.Field{
		{Label: pick(l, "Dato", "Dato", "Date"), Value: domain.LongDate(lt.in.Date, string(l))},
		{Label: pick(l, "Saksbehandler", "Saksbehandlar", "Caseworker"), Value: lt.by()},
	}, facts...)
	if s := t.Opening[string(l)]; s != "" {
		doc.Sections = append(doc.Sections, domain.Section{Paragraphs: []string{s}})
	}
	doc.Sections = append(doc.Sections, body...)
	appealBody := cmp.Or(t.AppealBody, pick(l, "klageinstansen", "klageinstansen", "the appeal body"))
	doc.Sections = append(doc.Sections, domain.Section{
		Heading: pick(l, "Du kan klage", "Du kan klage", "You may appeal"),
		Paragraphs: []string{
			fmt.Sprintf(pick(l,
				"Du kan klage på vedtaket, jf. %s.",
				"Du kan klage på vedtaket, jf. %s.",
				"You may appeal this decision (%s)."), lt.cite("appeal")),
			fmt.Sprintf(pick(l,
				"Klagefristen er %s fra den dagen du mottok dette brevet. Regnet fra datoen på brevet er siste dag for å klage %s.",
				"Klagefristen er %s frå den dagen du fekk dette brevet. Rekna frå datoen på brevet er siste dag for å klage %s.",
				"The deadline for appealing is %s from the day you received this letter. Counted from the date of the letter, the last day to appeal is %s."),
				weeks(l, lt.in.Rules.AppealDays), domain.LongDate(lt.in.Rules.AppealBy(lt.in.Date), string(l))),
			fmt.Sprintf(pick(l,
				"Send klagen skriftlig til %s (%s). Skriv hvilket vedtak du klager på, hva du ønsker endret og hvorfor, og skriv under. Kommunen vurderer vedtaket på nytt. Gir vi deg ikke medhold, sender vi klagen til %s, som avgjør den.",
				"Send klaga skriftleg til %s (%s). Skriv kva vedtak du klagar på, kva du ønskjer endra og kvifor, og skriv under. Kommunen vurderer vedtaket på nytt. Gir vi deg ikkje medhald, sender vi klaga til %s, som avgjer henne.",
				"Send your appeal in writing to %s (%s). Say which decision you appeal, what you want changed and why, and sign it. The municipality reconsiders the decision; if it does not grant your appeal, it forwards it to %s, which decides it."),
				lt.sender(), lt.cite("appeal.where"), appealBody),
		},
	})
	doc.Sections = append(doc.Sections, domain.Section{
		Heading: pick(l, "Innsyn i saken", "Innsyn i saka", "The case documents"),
		Paragraphs: []string{fmt.Sprintf(pick(l,
			"Du har rett til å se dokumentene i saken, jf. %s. Be om innsyn hos %s.",
			"Du har rett til å sjå dokumenta i saka, jf. %s. Be om innsyn hos %s.",
			"You have the right to see the documents of the case (%s). Ask %s to see them."),
			lt.cite("access"), lt.sender())},
	})
	if s := t.Closing[string(l)]; s != "" {
		doc.Sections = append(doc.Sections, domain.Section{Paragraphs: []string{s}})
	}
	doc.Signature = []string{lt.by(), lt.role(), lt.sender()}
	doc.Footer = []string{lt.sender()}
	if t.OrgNumber != "" {
		doc.Footer = append(doc.Footer, pick(l, "Org.nr. ", "Org.nr. ", "Org. no. ")+t.OrgNumber)
	}
	if t.Contact != "" {
		doc.Footer = append(doc.Footer, t.Contact)
	}
	return doc
}

func (lt letter) basis(keys ...string) domain.Section {
	var cites []string
	for _, k := range keys {
		if c := lt.cite(k); c != "" {
			cites = append(cites, c)
		}
	}
	and := pick(lt.l, " og ", " og ", " and ")
	return domain.Section{
		Heading: pick(lt.l, "Lovgrunnlag", "Lovgrunnlag", "Legal basis"),
		Paragraphs: []string{fmt.Sprintf(pick(lt.l,
			"Vedtaket er gjort etter %s.", "Vedtaket er gjort etter %s.", "This decision is made under %s."),
			strings.Join(cites, and))},
	}
}

func kindKey(k domain.UnitKind) string {
	if k == domain.SFO {
		return "sfo"
	}
	return "kindergarten"
}

func monthText(m Month, l Lang) string { return MonthNameOf(m, l) }

// MonthNameOf writes the month as a letter does ("januar 2027").
func MonthNameOf(m Month, l Lang) string { return domain.MonthName(m.Year, int(m.Month), string(l)) }

// Letter writes the fee decision as a letter (enkeltvedtak) in l: the fee
// and food a month from its first month, the steps of the calculation
// (price, reductions, discounts) to the øre, why it was made, the legal
// basis, the right to appeal and to see the case documents.
func (d FeeDecision) Letter(l Lang, in LetterInfo) domain.Document {
	lt := letter{l: l, in: in}
	what := pick(l, "barnehage", "barnehage", "kindergarten")
	if d.Kind == domain.SFO {
		what = pick(l, "skolefritidsordningen (SFO)", "skulefritidsordninga (SFO)", "the after-school programme (SFO)")
	}
	title := fmt.Sprintf(pick(l, "Vedtak om foreldrebetaling i %s", "Vedtak om foreldrebetaling i %s", "Decision on parental payment for %s"), what)
	facts := []domain.Field{
		{Label: pick(l, "Barn", "Barn", "Child"), Value: in.ChildName},
		{Label: pick(l, "Gjelder fra", "Gjeld frå", "From"), Value: monthText(d.From, l)},
	}
	decision := domain.Section{Heading: pick(l, "Vedtak", "Vedtak", "Decision")}
	decision.Paragraphs = append(decision.Paragraphs, fmt.Sprintf(pick(l,
		"Foreldrebetalingen for %s i %s er %s i måneden fra %s.",
		"Foreldrebetalinga for %s i %s er %s i månaden frå %s.",
		"The parental payment for %s in %s is %s a month from %s."),
		in.ChildName, what, kr(l, d.Fee), monthText(d.From, l)))
	if d.Food.Sign() > 0 {
		decision.Paragraphs = append(decision.Paragraphs, fmt.Sprintf(pick(l,
			"Kost kommer i tillegg: %s i måneden.", "Kost kjem i tillegg: %s i månaden.", "Food comes in addition: %s a month."), kr(l, d.Food)))
	}
	decision.Paragraphs = append(decision.Paragraphs, fmt.Sprintf(pick(l,
		"Vedtaket gjelder til det kommer et nytt vedtak om foreldrebetaling for barnet. Avtalt oppholdstid: %d timer i uka.",
		"Vedtaket gjeld til det kjem eit nytt vedtak om foreldrebetaling for barnet. Avtalt opphaldstid: %d timar i veka.",
		"The decision applies until a new decision on parental payment is made for the child. Agreed weekly hours: %d."), d.Hours))

	reasons := domain.Section{Heading: pick(l, "Begrunnelse", "Grunngiving", "Reasons")}
	why := make([]string, len(d.Reasons))
	for i, r := range d.Reasons {
		why[i] = r.Render(l)
	}
	if len(why) > 0 {
		reasons.Paragraphs = append(reasons.Paragraphs, fmt.Sprintf(pick(l,
			"Det er gjort nytt vedtak på grunn av: %s.", "Det er gjort nytt vedtak på grunn av: %s.", "A new decision was made because of: %s."),
			strings.Join(why, ", ")))
	}
	reasons.Paragraphs = append(reasons.Paragraphs, fmt.Sprintf(pick(l,
		"Beløpet er regnet ut trinn for trinn fra kommunens pris etter de nasjonale reglene som gjelder for måneden. Tabellen viser hvert trinn. Begrunnelsen gis etter %s.",
		"Beløpet er rekna ut steg for steg frå prisen til kommunen etter dei nasjonale reglane som gjeld for månaden. Tabellen viser kvart steg. Grunngivinga vert gitt etter %s.",
		"The amount is worked out step by step from the municipality's price under the national rules in force for the month. The table shows each step. Reasons are given under %s."),
		lt.cite("reasons")))
	if d.Siblings > 1 && d.Position > 0 {
		reasons.Paragraphs = append(reasons.Paragraphs, fmt.Sprintf(pick(l,
			"Husholdningen har %d barn som telles sammen for søskenmoderasjon. Dette barnet er nummer %d.",
			"Hushaldet har %d barn som vert rekna saman for syskenmoderasjon. Dette barnet er nummer %d.",
			"The household has %d children counted together for the sibling discount. This child is number %d."), d.Siblings, d.Position))
	}
	table := &domain.Table{
		Columns: []string{pick(l, "Trinn", "Steg", "Step"), pick(l, "Før", "Før", "Before"), pick(l, "Etter", "Etter", "After")},
		Numeric: []bool{false, true, true},
	}
	for _, s := range d.Steps {
		before := kr(l, s.Before)
		if s.Code == StepPrice {
			before = ""
		}
		table.Rows = append(table.Rows, []string{stepName(l, s.Code), before, kr(l, s.After)})
	}
	table.Totals = [][]string{{pick(l, "Foreldrebetaling i måneden", "Foreldrebetaling i månaden", "Parental payment a month"), "", kr(l, d.Fee)}}
	reasons.Table = table
	return lt.document(title, facts, []domain.Section{decision, lt.basis("basis.fee." + kindKey(d.Kind)), reasons})
}

// IncomeLetter is what an income decision letter says besides the
// decision: the national rules in force at its start, from which the
// monthly caps and the free core hours follow.
type IncomeLetter struct {
	// Kindergarten are the kindergarten rules of the first month (nil:
	// the letter says nothing of kindergarten).
	Kindergarten *KindergartenRules
	// SFO are the SFO rules of the first month (nil: nothing of SFO).
	SFO *SFORules
}

// IncomeRules looks up the national rules of the decision's first month
// in t for an IncomeLetter; a kind whose rules are not known is left out.
func (d IncomeDecision) IncomeRules(t *Tables, zone Zone) IncomeLetter {
	var out IncomeLetter
	m := MonthOf(d.Period.Start)
	if r, err := t.KindergartenRules(m, zone); err == nil {
		out.Kindergarten = &r
	}
	if r, err := t.SFORules(m); err == nil {
		out.SFO = &r
	}
	return out
}

// monthlyCap is income × share ÷ billed months, to the øre.
func monthlyCap(income, share decimal.Decimal, months int) decimal.Decimal {
	if months <= 0 {
		return decimal.Zero
	}
	return domain.RoundOre(income.Mul(share).Div(decimal.NewFromInt(int64(months))))
}

func percent(l Lang, share decimal.Decimal) string {
	s := share.Mul(decimal.NewFromInt(100)).String()
	if l != English {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s + " %"
}

func grades(l Lang, gs []int) string {
	if len(gs) == 0 {
		return ""
	}
	if len(gs) == 1 {
		return fmt.Sprintf(pick(l, "%d. trinn", "%d. trinn", "grade %d"), gs[0])
	}
	return fmt.Sprintf(pick(l, "%d.–%d. trinn", "%d.–%d. trinn", "grades %d to %d"), gs[0], gs[len(gs)-1])
}

// Letter writes the income decision as a letter (enkeltvedtak) in l:
// reduced parental payment for the period from the household's income,
// the monthly caps (kindergarten and SFO) worked out to the øre and
// whether the income gives free core hours, why, the legal basis, the
// right to appeal and to see the case documents.
func (d IncomeDecision) Letter(l Lang, in LetterInfo, rules IncomeLetter) domain.Document {
	lt := letter{l: l, in: in}
	title := pick(l, "Vedtak om redusert foreldrebetaling", "Vedtak om redusert foreldrebetaling", "Decision on reduced parental payment")
	period := domain.LongDate(d.Period.Start, string(l)) + " – " + domain.LongDate(d.Period.End, string(l))
	facts := []domain.Field{{Label: pick(l, "Periode", "Periode", "Period"), Value: period}}
	decision := domain.Section{Heading: pick(l, "Vedtak", "Vedtak", "Decision")}
	decision.Paragraphs = append(decision.Paragraphs, fmt.Sprintf(pick(l,
		"Husholdningen får redusert foreldrebetaling fra %s til og med %s. Vedtaket bygger på en samlet inntekt i husholdningen på %s i året.",
		"Hushaldet får redusert foreldrebetaling frå %s til og med %s. Vedtaket byggjer på ei samla inntekt i hushaldet på %s i året.",
		"The household has reduced parental payment from %s to %s inclusive. The decision rests on a household income of %s a year."),
		domain.LongDate(d.Period.Start, string(l)), domain.LongDate(d.Period.End, string(l)), kr(l, d.AnnualIncome)))
	basis := []string{}
	reasons := domain.Section{Heading: pick(l, "Begrunnelse", "Grunngiving", "Reasons")}
	if k := rules.Kindergarten; k != nil {
		basis = append(basis, "basis.income.kindergarten")
		cap := monthlyCap(d.AnnualIncome, k.IncomeCapShare, k.BilledMonthsPerYear)
		decision.Items = append(decision.Items, fmt.Sprintf(pick(l,
			"Barnehage: dere betaler høyst %s i måneden for hvert barn.",
			"Barnehage: de betaler høgst %s i månaden for kvart barn.",
			"Kindergarten: you pay at most %s a month for each child."), kr(l, cap)))
		reasons.Items = append(reasons.Items, fmt.Sprintf(pick(l,
			"Foreldrebetalingen i barnehage kan ikke være høyere enn %s av husholdningens inntekt i året, fordelt på %d måneder: %s × %s ÷ %d = %s i måneden.",
			"Foreldrebetalinga i barnehage kan ikkje vere høgare enn %s av inntekta til hushaldet i året, fordelt på %d månader: %s × %s ÷ %d = %s i månaden.",
			"The parental payment in kindergarten may not be more than %s of the household's yearly income, spread over %d months: %s × %s ÷ %d = %s a month."),
			percent(l, k.IncomeCapShare), k.BilledMonthsPerYear, kr(l, d.AnnualIncome), percent(l, k.IncomeCapShare), k.BilledMonthsPerYear, kr(l, cap)))
		if th := k.FreeCoreIncomeThreshold; th != nil {
			if d.AnnualIncome.LessThan(*th) {
				decision.Items = append(decision.Items, fmt.Sprintf(pick(l,
					"Gratis kjernetid: barn fra året de fyller 2 år til skolestart får %d timer gratis i uka.",
					"Gratis kjernetid: born frå året dei fyller 2 år til skulestart får %d timar gratis i veka.",
					"Free core hours: children from the year they turn 2 until they start school get %d hours a week free."), k.FreeCoreHours))
				reasons.Items = append(reasons.Items, fmt.Sprintf(pick(l,
					"Inntekten er lavere enn grensen for gratis kjernetid, %s i året.",
					"Inntekta er lågare enn grensa for gratis kjernetid, %s i året.",
					"The income is below the limit for free core hours, %s a year."), kr(l, *th)))
			} else {
				reasons.Items = append(reasons.Items, fmt.Sprintf(pick(l,
					"Inntekten er ikke lavere enn grensen for gratis kjernetid, %s i året, så det gis ikke gratis kjernetid.",
					"Inntekta er ikkje lågare enn grensa for gratis kjernetid, %s i året, så det blir ikkje gitt gratis kjernetid.",
					"The income is not below the limit for free core hours, %s a year, so no free core hours are given."), kr(l, *th)))
			}
		}
	}
	if s := rules.SFO; s != nil && len(s.IncomeCapGrades) > 0 {
		basis = append(basis, "basis.income.sfo")
		cap := monthlyCap(d.AnnualIncome, s.IncomeCapShare, s.BilledMonthsPerYear)
		decision.Items = append(decision.Items, fmt.Sprintf(pick(l,
			"SFO (%s): dere betaler høyst %s i måneden for hvert barn.",
			"SFO (%s): de betaler høgst %s i månaden for kvart barn.",
			"SFO (%s): you pay at most %s a month for each child."), grades(l, s.IncomeCapGrades), kr(l, cap)))
		reasons.Items = append(reasons.Items, fmt.Sprintf(pick(l,
			"Foreldrebetalingen i SFO for %s kan ikke være høyere enn %s av husholdningens inntekt i året, fordelt på %d måneder: %s i måneden.",
			"Foreldrebetalinga i SFO for %s kan ikkje vere høgare enn %s av inntekta til hushaldet i året, fordelt på %d månader: %s i månaden.",
			"The parental payment in SFO for %s may not be more than %s of the household's yearly income, spread over %d months: %s a month."),
			grades(l, s.IncomeCapGrades), percent(l, s.IncomeCapShare), s.BilledMonthsPerYear, kr(l, cap)))
	}
	decision.Paragraphs = append(decision.Paragraphs, pick(l,
		"Er prisen for plassen lavere enn dette, betaler dere prisen. Søskenmoderasjon regnes av beløpet etter reduksjonen.",
		"Er prisen for plassen lågare enn dette, betaler de prisen. Syskenmoderasjon vert rekna av beløpet etter reduksjonen.",
		"Where the price of the place is lower, you pay the price. Sibling discounts are worked out on the amount after the reduction."))
	reasons.Paragraphs = append(reasons.Paragraphs, fmt.Sprintf(pick(l,
		"Søknaden var komplett %s, og vedtaket gjelder fra måneden etter, til og med %s. Inntekten er dokumentert med: %s. Begrunnelsen gis etter %s.",
		"Søknaden var komplett %s, og vedtaket gjeld frå månaden etter, til og med %s. Inntekta er dokumentert med: %s. Grunngivinga vert gitt etter %s.",
		"The application was complete on %s, and the decision applies from the month after, until %s inclusive. The income is documented by: %s. Reasons are given under %s."),
		domain.LongDate(d.Applied, string(l)), domain.LongDate(d.Period.End, string(l)), cmp.Or(d.Documentation, "–"), lt.cite("reasons")))
	reasons.Paragraphs = append(reasons.Paragraphs, pick(l,
		"Endrer inntekten eller husholdningen seg, må dere si fra, og dere kan søke på nytt.",
		"Endrar inntekta eller hushaldet seg, må de seie frå, og de kan søkje på nytt.",
		"If the income or the household changes, you must tell us, and you may apply again."))
	return lt.document(title, facts, []domain.Section{decision, lt.basis(basis...), reasons})
}
