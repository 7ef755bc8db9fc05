package billingweb

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Decision letters (enkeltvedtak) for fees: a child's fee decision and a
// family's income decision, as a printable page and as data
// (domain.Document, written by package billing). A fee decision's letter
// is for a guardian with parental responsibility for the child and for
// the municipality; an income decision's for the family's adults (the
// payer and the other adults of the period) and for the municipality.
// Every read is audit-logged for the children it concerns.

// policyIncomeLetter: a guardian (an adult of the family, checked by the
// handler) or the municipality.
var policyIncomeLetter = web.RolePolicy("income-letter", domain.RoleGuardian, domain.RoleCaseworker, domain.RoleAdmin)

var langQuery = map[string]string{"lang": "nb, nn or en (the letter's language; the page's language, or nb, when left out)"}

// letterRoutes are the decision letters' routes.
func (a *app) letterRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/children/{childId}/fee-decisions/{feeDecisionId}/letter", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "The fee decision as a letter (enkeltvedtak) in one language: the fee with its steps, legal basis, reasons, the right to appeal and its last day, access to the case documents, the caseworker (guardian with parental responsibility, caseworker)", Response: domain.Document{}, Query: langQuery, Handle: a.apiFeeLetter},
		{Method: "GET", Path: "/api/v1/income-decisions/{incomeDecisionId}/letter", Kind: web.KindAPI, Policy: policyIncomeLetter, Summary: "The income decision (reduced parental payment, free core hours) as a letter (enkeltvedtak) in one language (an adult of the family, caseworker)", Response: domain.Document{}, Query: langQuery, Handle: a.apiIncomeLetter},
		{Method: "GET", Path: "/children/{childId}/fee-decisions/{feeDecisionId}/letter", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.feeLetterPage},
		{Method: "GET", Path: "/income-decisions/{incomeDecisionId}/letter", Kind: web.KindPage, Policy: policyIncomeLetter, Handle: a.incomeLetterPage},
	}
}

// pageLang is the language of the page: a printable page shows the letter
// in it (English on a Norwegian page would be neither).
func pageLang(c *web.Call) billing.Lang {
	if c.Lang.Code == "nn" || c.Lang.Code == "en" {
		return billing.Lang(c.Lang.Code)
	}
	return billing.Bokmal
}

// letterLang is ?lang= (nb, nn or en), else the page's language.
func letterLang(r *http.Request, c *web.Call) (billing.Lang, error) {
	switch l := r.URL.Query().Get("lang"); l {
	case "":
		return pageLang(c), nil
	case "nb", "nn", "en":
		return billing.Lang(l), nil
	default:
		return "", domain.Invalid("lang", "unknown-language")
	}
}

// recipient is the guardian as a letter's recipient: the address only
// when it may be printed, the digital mailbox otherwise.
func (a *app) recipient(ctx context.Context, m domain.Municipality, id domain.GuardianID) (domain.Party, error) {
	g, err := a.Store.Guardian(ctx, m, id)
	if err != nil {
		return domain.Party{}, err
	}
	p := domain.Party{Name: g.GivenName + " " + g.FamilyName}
	if g.AddressProtection.Protected() {
		p.DigitalMailbox = true
		return p, nil
	}
	if ad := g.ShownAddress(); !ad.IsZero() {
		p.Lines = append(p.Lines, strings.TrimSpace(ad.Street))
		p.Lines = append(p.Lines, strings.TrimSpace(ad.Postcode+" "+ad.PostTown))
	}
	return p, nil
}

// decider is who made a decision, from the audit log: the actor of the
// first entry of action that match accepts — name as a person reads it,
// and the day. The entry is looked for in the trails of children (an entry
// about them names them; a child's trail is read from its own index, so
// this costs the same in a municipality of 150 children and of 50,000),
// in their order; with none given, or found in none of theirs, in the
// municipality's newest entries (where an older entry is out of reach).
func (a *app) decider(ctx context.Context, m domain.Municipality, children []domain.ChildID, action string, match func(domain.AuditEntry) bool) (string, date.Date, error) {
	for _, child := range append(slices.Clip(children), domain.ChildID{}) {
		entries, err := a.Store.AuditEntries(ctx, m, child, domain.AuditID{}, 5000)
		if err != nil {
			return "", 0, err
		}
		for _, e := range slices.Backward(entries) {
			if e.Action != action || !match(e) {
				continue
			}
			name := e.Actor.Name
			if name == "" {
				if s, err := a.Store.StaffByPrincipal(ctx, m, e.Actor.Subject); err == nil {
					name = s.Name
				}
			}
			return name, date.NewAt(e.At.In(domain.Oslo())), nil
		}
	}
	return "", 0, nil
}

func (a *app) feeLetter(r *http.Request, c *web.Call, l billing.Lang) (domain.Document, error) {
	ctx := r.Context()
	m := c.Actor.Municipality
	id, err := api.PathID[billing.FeeDecision](r, "feeDecisionId")
	if err != nil {
		return domain.Document{}, err
	}
	ds, _, err := a.feeDecisionsOf(ctx, c.Actor, c.ChildID)
	if err != nil {
		return domain.Document{}, err
	}
	i := slices.IndexFunc(ds, func(d billing.FeeDecision) bool { return d.ID == id })
	if i < 0 {
		return domain.Document{}, domain.ErrNotFound
	}
	d := ds[i]
	// The invoice run that made the decision: its caseworker signs.
	caseworker, _, err := a.decider(ctx, m, []domain.ChildID{d.Child}, "invoice-run.create", func(e domain.AuditEntry) bool {
		return date.NewAt(e.At.In(domain.Oslo())) == d.Made
	})
	if err != nil {
		return domain.Document{}, err
	}
	_, doc, err := a.feeDocument(ctx, c.Actor, d, c.Record.Child.GivenName+" "+c.Record.Child.FamilyName, caseworker, l)
	if err != nil {
		return domain.Document{}, err
	}
	if err := a.Audit(ctx, c.Actor, "fee-decision.letter.read", "fee-decision/"+d.ID.String(), c.ChildID); err != nil {
		return domain.Document{}, err
	}
	return doc, nil
}

// feeDocument writes fee decision d about the child named as a letter in
// l, signed by caseworker, to the family's payer; a decision without a
// family goes to the child's guardian with parental responsibility
// (web.App.LetterRecipient). It returns the recipient too.
func (a *app) feeDocument(ctx context.Context, actor domain.Actor, d billing.FeeDecision, childName, caseworker string, l billing.Lang) (domain.GuardianID, domain.Document, error) {
	m := actor.Municipality
	in := billing.LetterInfo{ChildName: childName, Date: d.Made, Caseworker: caseworker}
	var err error
	if in.Template, err = a.LetterTemplate(ctx, m); err != nil {
		return domain.GuardianID{}, domain.Document{}, err
	}
	var to domain.GuardianID
	if f, err := a.Store.Family(ctx, m, d.Family); err == nil {
		to = f.Payer
		if in.To, err = a.recipient(ctx, m, f.Payer); err != nil {
			return to, domain.Document{}, err
		}
	} else if !domain.IsNotFound(err) {
		return to, domain.Document{}, err
	} else if to, in.To, err = a.LetterRecipient(ctx, actor, d.Child); err != nil {
		return to, domain.Document{}, err
	}
	if in.Rules, err = billing.NationalDecisionRules(d.Made); err != nil {
		return to, domain.Document{}, err
	}
	return to, d.Letter(l, in), nil
}

func (a *app) incomeLetter(r *http.Request, c *web.Call, l billing.Lang) (domain.Document, error) {
	ctx := r.Context()
	m := c.Actor.Municipality
	id, err := api.PathID[billing.IncomeDecision](r, "incomeDecisionId")
	if err != nil {
		return domain.Document{}, err
	}
	d, err := billing.ReadIncomeDecision(ctx, a.Store, m, id)
	if err != nil {
		return domain.Document{}, err
	}
	f, err := a.Store.Family(ctx, m, d.Family)
	if err != nil {
		return domain.Document{}, err
	}
	var children []domain.ChildID
	adult := f.Payer == c.Actor.Guardian
	for _, mb := range f.Members {
		if !mb.Child.IsZero() {
			children = append(children, mb.Child)
		}
		adult = adult || (!mb.Guardian.IsZero() && mb.Guardian == c.Actor.Guardian && mb.Period.Overlaps(d.Period))
	}
	if !c.Actor.Municipal() && !adult {
		return domain.Document{}, domain.ErrNotFound // not theirs: as if it did not exist
	}
	record := "income-decision/" + d.ID.String()
	caseworker, day, err := a.decider(ctx, m, children, "income-decision.create", func(e domain.AuditEntry) bool { return e.Record == record })
	if err != nil {
		return domain.Document{}, err
	}
	doc, err := a.incomeDocument(ctx, m, d, f, caseworker, day, l)
	if err != nil {
		return domain.Document{}, err
	}
	if err := a.Audit(ctx, c.Actor, "income-decision.letter.read", record, children...); err != nil {
		return domain.Document{}, err
	}
	return doc, nil
}

// incomeDocument writes income decision d of family f as a letter in l to
// the family's payer, signed by caseworker on day (the day it was
// applied for when zero: approved before the audit log kept it).
func (a *app) incomeDocument(ctx context.Context, m domain.Municipality, d billing.IncomeDecision, f billing.Family, caseworker string, day date.Date, l billing.Lang) (domain.Document, error) {
	in := billing.LetterInfo{Caseworker: caseworker, Date: day}
	var err error
	if in.Template, err = a.LetterTemplate(ctx, m); err != nil {
		return domain.Document{}, err
	}
	if in.To, err = a.recipient(ctx, m, f.Payer); err != nil {
		return domain.Document{}, err
	}
	if in.Date == 0 {
		in.Date = d.Applied
	}
	if in.Rules, err = billing.NationalDecisionRules(in.Date); err != nil {
		return domain.Document{}, err
	}
	// The monthly caps and the income limit do not depend on the price
	// zone: the ordinary zone's row gives them.
	tables, err := a.Billing().TablesFor(ctx, m)
	if err != nil {
		return domain.Document{}, err
	}
	return d.Letter(l, in, d.IncomeRules(tables, billing.ZoneOrdinary)), nil
}

func (a *app) apiFeeLetter(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	l, err := letterLang(r, c)
	if err != nil {
		return err
	}
	doc, err := a.feeLetter(r, c, l)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, doc)
	return nil
}

func (a *app) apiIncomeLetter(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	l, err := letterLang(r, c)
	if err != nil {
		return err
	}
	doc, err := a.incomeLetter(r, c, l)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, doc)
	return nil
}

// letterContent is the printable page: the document in the page's
// language, and its PDF in each language when the app renders PDF.
type letterContent struct {
	Doc  domain.Document
	PDFs []letterPDFLink
	Back string
}

type letterPDFLink struct {
	Href, Label string
}

func (a *app) letterPage(w http.ResponseWriter, r *http.Request, c *web.Call, doc domain.Document, back string) {
	content := letterContent{Doc: doc, Back: back}
	if a.pdf != nil {
		for _, code := range []string{"nb", "nn", "en"} {
			content.PDFs = append(content.PDFs, letterPDFLink{Href: r.URL.Path + ".pdf?lang=" + code, Label: c.Lang.T("billing.letter.pdf", c.Lang.T("billing.letter.lang."+code))})
		}
	}
	a.Page(w, r, c, http.StatusOK, "billing_letter", "billing.letter.title", content)
}

func (a *app) feeLetterPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	doc, err := a.feeLetter(r, c, pageLang(c))
	if err != nil {
		return err
	}
	a.letterPage(w, r, c, doc, "/children/"+c.ChildID.String()+"/fees")
	return nil
}

func (a *app) incomeLetterPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	doc, err := a.incomeLetter(r, c, pageLang(c))
	if err != nil {
		return err
	}
	back := "/invoices"
	if c.Actor.Municipal() {
		back = "/billing/families"
	}
	a.letterPage(w, r, c, doc, back)
	return nil
}

// incomeLetterLink is an income decision's letter on the guardian's
// invoices page.
type incomeLetterLink struct {
	Href, Period string
}

// guardianIncomeLetters lists the income decisions of the families the
// guardian is an adult of in the decision's period (the payer, or
// another adult member).
func (a *app) guardianIncomeLetters(ctx context.Context, c *web.Call) ([]incomeLetterLink, error) {
	m := c.Actor.Municipality
	// The families the guardian pays for or has been an adult of, and
	// their decisions: read by the guardian, not the municipality's.
	fams, err := a.Store.GuardianFamilies(ctx, m, c.Actor.Guardian)
	if err != nil || len(fams) == 0 {
		return nil, err
	}
	byID := make(map[billing.FamilyID]billing.Family, len(fams))
	ids := make([]billing.FamilyID, 0, len(fams))
	for _, f := range fams {
		byID[f.ID] = f
		ids = append(ids, f.ID)
	}
	ds, err := a.Store.IncomeDecisionsOf(ctx, m, ids)
	if err != nil {
		return nil, err
	}
	var out []incomeLetterLink
	for _, d := range ds {
		f := byID[d.Family]
		adult := f.Payer == c.Actor.Guardian
		for _, mb := range f.Members {
			adult = adult || (!mb.Guardian.IsZero() && mb.Guardian == c.Actor.Guardian && mb.Period.Overlaps(d.Period))
		}
		if adult {
			out = append(out, incomeLetterLink{Href: "/income-decisions/" + d.ID.String() + "/letter",
				Period: c.Lang.Date(d.Period.Start) + " – " + c.Lang.Date(d.Period.End)})
		}
	}
	return out, nil
}

// actorName is who decides now, named as a letter signs: the name of the
// login, else the staff member of its principal (as decider reads the
// audit log).
func (a *app) actorName(ctx context.Context, actor domain.Actor) string {
	if actor.Name != "" {
		return actor.Name
	}
	if s, err := a.Store.StaffByPrincipal(ctx, actor.Municipality, actor.Subject); err == nil {
		return s.Name
	}
	return ""
}

// archiveFeeDecisions writes the archive copy of every fee decision an
// invoice run just made (in bokmål, to the family's payer), in the run's
// transaction, keyed by the decision: a month is run once, and a run
// again makes no decision (web.App.ArchiveDecision).
func (a *app) archiveFeeDecisions(ctx context.Context, actor domain.Actor, ds []billing.FeeDecision) error {
	m := actor.Municipality
	caseworker := a.actorName(ctx, actor)
	for _, d := range ds {
		ch, err := a.Store.Child(ctx, m, d.Child)
		if err != nil {
			return err
		}
		child := ch.GivenName + " " + ch.FamilyName
		g, doc, err := a.feeDocument(ctx, actor, d, child, caseworker, billing.Bokmal)
		if err != nil {
			return err
		}
		key := "fee-decision/" + d.ID.String()
		if _, err := a.ArchiveDecision(ctx, web.ArchiveDecision{Municipality: m, Kind: "fee-decision", Key: key,
			Guardian: g, Letter: doc, Folder: key, Title: doc.Title + " – " + child, PublicTitle: doc.Title,
			Caseworker: caseworker}); err != nil {
			return err
		}
	}
	return nil
}

// archiveIncomeDecision writes the archive copy of an income decision
// just approved (in bokmål, to the family's payer), in the approval's
// transaction, keyed by the decision; the same period again is refused
// before it (the family has an income decision on a shared day).
func (a *app) archiveIncomeDecision(ctx context.Context, actor domain.Actor, d billing.IncomeDecision, f billing.Family, payer string) error {
	m := actor.Municipality
	caseworker := a.actorName(ctx, actor)
	doc, err := a.incomeDocument(ctx, m, d, f, caseworker, date.NewAt(a.Clock.Now().In(domain.Oslo())), billing.Bokmal)
	if err != nil {
		return err
	}
	key := "income-decision/" + d.ID.String()
	_, err = a.ArchiveDecision(ctx, web.ArchiveDecision{Municipality: m, Kind: "income-decision", Key: key,
		Guardian: f.Payer, Letter: doc, Folder: key, Title: doc.Title + " – " + payer, PublicTitle: doc.Title,
		Caseworker: caseworker})
	return err
}
