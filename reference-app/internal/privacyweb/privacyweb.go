// Package privacyweb is the data subject's access in the reference app
// (personvernforordningen, GDPR, art. 15): a guardian with parental
// responsibility downloads everything the municipality holds about their
// child and about themselves, as JSON (GET
// /api/v1/children/{childId}/export) and as a readable page in nb, nn and
// en (GET /children/{childId}/export). Each export is audit-logged
// ("child.export"). No one else may export (policy child-own-parent): not
// the parent without parental responsibility, not another family, not
// staff or the municipality (they read the child through their own
// routes).
//
// The export holds of the other guardians only their names and their
// relation to the child — never their national ID, e-mail, phone or
// address — and of the municipality's staff only roles and display names,
// so that a protected co-guardian's contact cannot leak through it.
//
// What it does not hold yet: check-in and check-out events (the
// attendance port has no per-child listing).
package privacyweb

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// app is the shell as the privacy handlers see it.
type app struct{ *web.App }

// New returns the privacy part of the app, for web.App.Mount.
func New(shell *web.App) web.Capability { return (&app{shell}).capability() }

//go:embed templates/privacy_*.html
var templates embed.FS

//go:embed messages/privacy.*.json
var messages embed.FS

func (a *app) capability() web.Capability {
	return web.Capability{Tag: "privacy", About: "The data subject's rights (GDPR): a guardian's access export of everything held about their child and themselves, and erasure on request where the law allows it",
		Routes: a.routes(), Pages: templates, Messages: messages}
}

func (a *app) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/children/{childId}/export", Kind: web.KindAPI, Policy: web.PolicyChildOwnParent,
			Summary: "Everything the municipality holds about the child and the asking guardian (GDPR art. 15), for a guardian with parental responsibility", Response: Export{}, Handle: a.apiExport},
		{Method: "GET", Path: "/children/{childId}/export", Kind: web.KindPage, Policy: web.PolicyChildOwnParent, Handle: a.exportPage},
		{Method: "GET", Path: "/api/v1/children/{childId}/erasure", Kind: web.KindAPI, Policy: web.PolicyChildMunicipal,
			Summary: "Whether the child's data may be erased on request now (GDPR art. 17), and the reason code when not", Response: ErasureView{}, Handle: a.apiErasureCheck},
		{Method: "POST", Path: "/api/v1/children/{childId}/erasure", Kind: web.KindAPI, Policy: web.PolicyChildMunicipal,
			Summary: "Erase the child's data on request (GDPR art. 17): refused with the field child and a reason code (active-placement, bookkeeping-period) where the law requires keeping it", Body: erasureRequest{}, Response: ErasureView{}, Handle: a.apiErase},
		{Method: "GET", Path: "/children/{childId}/erasure", Kind: web.KindPage, Policy: web.PolicyChildMunicipal, Handle: a.erasurePage},
		{Method: "POST", Path: "/children/{childId}/erasure", Kind: web.KindPage, Policy: web.PolicyChildMunicipal, Handle: a.erasureSubmit},
	}
}

// Export is everything held about a child and the guardian who asks.
type Export struct {
	Generated      time.Time          `json:"generated"`
	Municipality   string             `json:"municipality"`
	Child          PersonView         `json:"child"`
	Guardian       PersonView         `json:"guardian"`
	Contact        *ContactView       `json:"contact,omitempty"`
	OtherGuardians []RelativeView     `json:"otherGuardians"`
	Placements     []PlacementView    `json:"placements"`
	Absences       []AbsenceView      `json:"absences"`
	SchoolAbsences []AbsenceView      `json:"schoolAbsences"`
	Checks         []CheckView        `json:"checks"`
	Pickups        []PickupView       `json:"pickups"`
	Applications   []ApplicationView  `json:"applications"`
	FeeDecisions   []FeeDecisionView  `json:"feeDecisions"`
	Invoices       []InvoiceView      `json:"invoices"`
	Threads        []ThreadView       `json:"threads"`
	Deliveries     []DeliveryView     `json:"deliveries"`
	Access         []AccessEntryView  `json:"access"`
	Retention      []RetentionRuleRef `json:"retention"`
}

// PersonView is a person as the register holds them.
type PersonView struct {
	ID                string `json:"id"`
	NationalID        string `json:"nationalId,omitempty"`
	GivenName         string `json:"givenName"`
	FamilyName        string `json:"familyName"`
	BirthDate         string `json:"birthDate,omitempty"`
	Email             string `json:"email,omitempty"`
	Phone             string `json:"phone,omitempty"`
	AddressProtection string `json:"addressProtection"`
	// ContactWithheld says the e-mail address and phone number are kept
	// out: the guardian's address is strengt fortrolig, and the app shows
	// no contact detail of such a household on any page or in any file,
	// to the guardian herself neither (a screen or a downloaded file on a
	// shared device must not give them away).
	ContactWithheld bool `json:"contactWithheld,omitempty"`
}

// ContactView is how the guardian wants to be told.
type ContactView struct {
	Language string `json:"language"`
	Medium   string `json:"medium"`
}

// RelativeView is another guardian of the child: a name and the relation,
// nothing to reach them by.
type RelativeView struct {
	Name                   string `json:"name"`
	ParentalResponsibility bool   `json:"parentalResponsibility"`
	LivesWithChild         bool   `json:"livesWithChild"`
}

// PlacementView is a place at a unit.
type PlacementView struct {
	Unit         string `json:"unit"`
	Kind         string `json:"kind"`
	HoursPerWeek int    `json:"hoursPerWeek"`
	Start        string `json:"start"`
	End          string `json:"end,omitempty"`
}

// AbsenceView is a reported absence or school absence.
type AbsenceView struct {
	Start  string `json:"start"`
	End    string `json:"end"`
	Reason string `json:"reason"`
	Note   string `json:"note,omitempty"`
	Hours  int    `json:"hours,omitempty"`
}

// CheckView is one check-in or check-out: when, where, and who collected
// the child (a person on the pickup list or a guardian, by name).
type CheckView struct {
	At          time.Time `json:"at"`
	Kind        string    `json:"kind"`
	Unit        string    `json:"unit"`
	CollectedBy string    `json:"collectedBy,omitempty"`
}

// PickupView is a person on the child's pickup list.
type PickupView struct {
	Name       string `json:"name"`
	Relation   string `json:"relation"`
	Phone      string `json:"phone,omitempty"`
	ValidUntil string `json:"validUntil,omitempty"`
}

// ApplicationView is an application with its offers.
type ApplicationView struct {
	ID         string      `json:"id"`
	Submitted  time.Time   `json:"submitted"`
	Units      []string    `json:"units"`
	Start      string      `json:"start,omitempty"`
	Hours      int         `json:"hours"`
	Withdrawn  string      `json:"withdrawn,omitempty"`
	Rejected   string      `json:"rejected,omitempty"`
	RejectedAs string      `json:"rejectReason,omitempty"`
	Offers     []OfferView `json:"offers"`
}

// OfferView is an offer of a place.
type OfferView struct {
	Unit     string    `json:"unit"`
	Start    string    `json:"start"`
	Deadline time.Time `json:"deadline"`
	Status   string    `json:"status"`
}

// FeeDecisionView is a fee decision about the child.
type FeeDecisionView struct {
	Kind string `json:"kind"`
	From string `json:"from"`
	Fee  string `json:"fee"`
	Food string `json:"food"`
	Made string `json:"made"`
}

// InvoiceView is an invoice to the guardian.
type InvoiceView struct {
	Number int64  `json:"number"`
	Month  string `json:"month"`
	KID    string `json:"kid"`
	Issued string `json:"issued"`
	Due    string `json:"due"`
	Total  string `json:"total"`
}

// ThreadView is a conversation the guardian takes part in, with its
// messages.
type ThreadView struct {
	Subject  string        `json:"subject"`
	Created  time.Time     `json:"created"`
	Messages []MessageView `json:"messages"`
}

// MessageView is one message: who wrote it (role and display name) and
// the text.
type MessageView struct {
	Author  string    `json:"author"`
	Body    string    `json:"body"`
	Created time.Time `json:"created"`
}

// DeliveryView is a notification sent to the guardian.
type DeliveryView struct {
	Medium  string    `json:"medium"`
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	State   string    `json:"state"`
	Created time.Time `json:"created"`
}

// AccessEntryView is one entry of the audit log about the child: who (by
// role and display name) read or changed what, and when (art. 15 nr. 1
// bokstav c).
type AccessEntryView struct {
	At     time.Time `json:"at"`
	Role   string    `json:"role"`
	Name   string    `json:"name,omitempty"`
	Action string    `json:"action"`
	// What is the action in words, in the reader's language (the page's;
	// the download keeps the code).
	What string `json:"-"`
}

// RetentionRuleRef says how long a kind of record is kept (art. 15 nr. 1
// bokstav d).
type RetentionRuleRef struct {
	Rule   string `json:"rule"`
	Name   string `json:"name"`
	Period string `json:"period"`
	Source string `json:"source"`
	// PeriodText is the period in words ("5 år"), for the page.
	PeriodText string `json:"-"`
}

func person(id string, nid domain.NationalID, given, family string, protection domain.AddressProtection) PersonView {
	return PersonView{ID: id, NationalID: nid.String(), GivenName: given, FamilyName: family, AddressProtection: string(protection)}
}

func dateText(d interface{ String() string }, zero bool) string {
	if zero {
		return ""
	}
	return d.String()
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(domain.Oslo()).Format(time.DateOnly)
}

// export gathers the export for the guardian actor of the child whose
// record the policy read.
func (a *app) export(ctx context.Context, c *web.Call, lang string) (Export, error) {
	m, rec := c.Actor.Municipality, c.Record
	ch := rec.Child
	out := Export{Generated: a.Clock.Now(), Municipality: string(m),
		Child:          person(ch.ID.String(), ch.NationalID, ch.GivenName, ch.FamilyName, ch.AddressProtection),
		OtherGuardians: []RelativeView{}, Placements: []PlacementView{}, Absences: []AbsenceView{}, SchoolAbsences: []AbsenceView{}, Checks: []CheckView{},
		Pickups: []PickupView{}, Applications: []ApplicationView{}, FeeDecisions: []FeeDecisionView{}, Invoices: []InvoiceView{},
		Threads: []ThreadView{}, Deliveries: []DeliveryView{}, Access: []AccessEntryView{}}
	out.Child.BirthDate = ch.BirthDate.String()
	for _, l := range rec.Guardians {
		g := l.Guardian
		if g.ID == c.Actor.Guardian {
			protection, err := domain.GuardianHousehold(ctx, a.Store, g)
			if err != nil {
				return out, err
			}
			out.Guardian = person(g.ID.String(), g.NationalID, g.GivenName, g.FamilyName, protection)
			if protection == domain.ProtectionStrengtFortrolig {
				out.Guardian.ContactWithheld = true
			} else {
				out.Guardian.Email, out.Guardian.Phone = g.Email, g.Phone
			}
			continue
		}
		out.OtherGuardians = append(out.OtherGuardians, RelativeView{Name: g.GivenName + " " + g.FamilyName,
			ParentalResponsibility: l.Guardianship.ParentalResponsibility, LivesWithChild: l.Guardianship.LivesWithChild})
	}
	if ct, err := a.Store.Contact(ctx, m, c.Actor.Guardian); err == nil {
		out.Contact = &ContactView{Language: string(ct.Language), Medium: string(ct.Medium)}
	} else if !domainNotFound(err) {
		return out, err
	}
	unitNames := map[domain.UnitID]string{}
	unitName := func(id domain.UnitID) string {
		if n, ok := unitNames[id]; ok {
			return n
		}
		n := ""
		if u, err := a.Store.Unit(ctx, m, id); err == nil {
			n = u.Name
		}
		unitNames[id] = n
		return n
	}
	for _, p := range rec.Placements {
		out.Placements = append(out.Placements, PlacementView{Unit: unitName(p.UnitID), Kind: string(p.Kind), HoursPerWeek: p.HoursPerWeek,
			Start: p.Period.Start.String(), End: dateText(p.Period.End, p.Period.End == date.Zero)})
	}
	ever := domain.Period{Start: ch.BirthDate, End: domain.Today(a.Clock).AddDate(2, 0, 0)}
	absences, err := a.Store.Absences(ctx, m, ch.ID, ever)
	if err != nil {
		return out, err
	}
	for _, ab := range absences {
		out.Absences = append(out.Absences, AbsenceView{Start: ab.Period.Start.String(), End: ab.Period.End.String(), Reason: string(ab.Reason), Note: ab.Note})
	}
	school, err := a.Store.SchoolAbsences(ctx, m, ch.ID, ever)
	if err != nil {
		return out, err
	}
	for _, sa := range school {
		out.SchoolAbsences = append(out.SchoolAbsences, AbsenceView{Start: sa.Day.String(), End: sa.Day.String(), Reason: string(sa.Kind), Note: sa.Reason, Hours: sa.Hours})
	}
	checks, err := a.Store.ChildChecks(ctx, m, ch.ID, ever)
	if err != nil {
		return out, err
	}
	for _, k := range checks {
		out.Checks = append(out.Checks, CheckView{At: k.At.In(domain.Oslo()), Kind: string(k.Kind), Unit: unitName(k.UnitID), CollectedBy: k.Collector.Name})
	}
	pickups, err := a.Store.Pickups(ctx, m, ch.ID)
	if err != nil {
		return out, err
	}
	for _, p := range pickups {
		out.Pickups = append(out.Pickups, pickupView(p))
	}
	apps, err := a.Store.ChildApplications(ctx, m, ch.ID)
	if err != nil {
		return out, err
	}
	for _, ap := range apps {
		v := ApplicationView{ID: ap.ID.String(), Submitted: ap.Submitted, Start: dateText(ap.Start, ap.Start == date.Zero), Hours: ap.Hours,
			Withdrawn: timeText(ap.Withdrawn), Rejected: timeText(ap.Rejected), RejectedAs: ap.RejectReason, Units: []string{}, Offers: []OfferView{}}
		for _, u := range ap.Preferences {
			v.Units = append(v.Units, unitName(u))
		}
		offers, err := a.Store.ApplicationOffers(ctx, m, ap.ID)
		if err != nil {
			return out, err
		}
		for _, o := range offers {
			v.Offers = append(v.Offers, offerView(o, unitName(o.Unit)))
		}
		out.Applications = append(out.Applications, v)
	}
	// The child's fee decisions, the guardian's invoices and deliveries:
	// each read by its key (child, payer, guardian), not the municipality's.
	decisions, err := a.Store.FeeDecisionsOf(ctx, m, []domain.ChildID{ch.ID})
	if err != nil {
		return out, err
	}
	for _, d := range decisions {
		out.FeeDecisions = append(out.FeeDecisions, FeeDecisionView{Kind: string(d.Kind), From: d.From.String(),
			Fee: d.Fee.StringFixed(2), Food: d.Food.StringFixed(2), Made: d.Made.String()})
	}
	invoices, err := a.Store.InvoicesOfPayer(ctx, m, c.Actor.Guardian)
	if err != nil {
		return out, err
	}
	for _, inv := range invoices {
		out.Invoices = append(out.Invoices, InvoiceView{Number: inv.Number, Month: inv.Month.String(), KID: inv.KID,
			Issued: inv.Issued.String(), Due: inv.Due.String(), Total: inv.Total.StringFixed(2)})
	}
	threads, err := a.Store.GuardianThreads(ctx, m, c.Actor.Guardian)
	if err != nil {
		return out, err
	}
	for _, t := range threads {
		msgs, err := a.Store.Messages(ctx, m, t.ID)
		if err != nil {
			return out, err
		}
		v := ThreadView{Subject: t.Subject, Created: t.CreatedAt, Messages: []MessageView{}}
		for _, msg := range msgs {
			author := c.Lang.T("role." + string(msg.Author.Role))
			if msg.Author.Name != "" {
				author += ": " + msg.Author.Name
			}
			v.Messages = append(v.Messages, MessageView{Author: author, Body: msg.Body, Created: msg.CreatedAt})
		}
		out.Threads = append(out.Threads, v)
	}
	deliveries, err := a.Store.GuardianDeliveries(ctx, m, c.Actor.Guardian)
	if err != nil {
		return out, err
	}
	for _, dl := range deliveries {
		out.Deliveries = append(out.Deliveries, DeliveryView{Medium: string(dl.Medium), To: dl.To, Subject: dl.Subject, State: string(dl.State), Created: dl.CreatedAt})
	}
	entries, err := a.Store.AuditEntries(ctx, m, ch.ID, domain.AuditID{}, 1000)
	if err != nil {
		return out, err
	}
	for _, e := range entries {
		v := AccessEntryView{At: e.At, Role: c.Lang.T("role." + string(e.Actor.Role)), Action: e.Action, What: actionText(c.Lang, e.Action)}
		if e.Actor.Role != domain.RoleGuardian {
			v.Name = e.Actor.Name // staff by display name; guardians are not named to each other
		}
		out.Access = append(out.Access, v)
	}
	rules, err := a.RetentionSettings[m].Rules()
	if err != nil {
		return out, err
	}
	for _, r := range rules {
		out.Retention = append(out.Retention, RetentionRuleRef{Rule: r.ID, Name: r.Name(lang), Period: r.Period.String(), Source: r.Source,
			PeriodText: periodText(c.Lang, r.Period)})
	}
	return out, nil
}

func pickupView(p attendance.Pickup) PickupView {
	return PickupView{Name: p.Name, Relation: p.Relation, Phone: p.Phone, ValidUntil: dateText(p.ValidUntil, p.ValidUntil == date.Zero)}
}

func offerView(o admission.Offer, unit string) OfferView {
	return OfferView{Unit: unit, Start: o.Start.String(), Deadline: o.Deadline, Status: string(o.Status)}
}

func domainNotFound(err error) bool { return errors.Is(err, domain.ErrNotFound) }

func (a *app) apiExport(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ex, err := a.export(r.Context(), c, c.Lang.Code)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "child.export", "", c.ChildID); err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="innsyn-`+c.ChildID.String()+`.json"`)
	api.WriteJSON(w, http.StatusOK, ex)
	return nil
}

type exportContent struct {
	L      web.Locale
	Export Export
	JSON   string
	// Months sums the check-ins and check-outs per month for the page (the
	// JSON export has every one).
	Months []checkMonth
}

// checkMonth is one month's count of check events.
type checkMonth struct {
	Month   string
	In, Out int
}

// checkMonths counts the check events per month, the newest month first.
func checkMonths(l web.Locale, cs []CheckView) []checkMonth {
	var out []checkMonth
	key := ""
	for i := len(cs) - 1; i >= 0; i-- {
		at := cs[i].At
		k := at.Format("2006-01")
		if k != key {
			key = k
			out = append(out, checkMonth{Month: l.T(fmt.Sprintf("month.%d", int(at.Month()))) + " " + strconv.Itoa(at.Year())})
		}
		if cs[i].Kind == string(attendance.CheckIn) {
			out[len(out)-1].In++
		} else {
			out[len(out)-1].Out++
		}
	}
	return out
}

// periodText is a retention period in words: "5 år", "1 år og 6 måneder",
// "30 dager".
func periodText(l web.Locale, p domain.RetentionPeriod) string {
	var parts []string
	for _, u := range []struct {
		n    int
		unit string
	}{{p.Years, "year"}, {p.Months, "month"}, {p.Days, "day"}} {
		if u.n == 0 {
			continue
		}
		form := "other"
		if u.n == 1 {
			form = "one"
		}
		parts = append(parts, l.T("privacy.period."+u.unit+"."+form, u.n))
	}
	switch len(parts) {
	case 0:
		return l.T("privacy.period.day.other", 0)
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + l.T("privacy.period.and") + parts[len(parts)-1]
}

// actionAreas are what an audited action is about, by its first part
// (admission.run, child.read, invoices.read …), as the guardian's
// access export names it.
var actionAreas = map[string]string{
	"admission": "admission", "child": "child", "children": "child", "guardianship": "child", "address": "child",
	"attendance": "attendance", "roster": "attendance", "calendar": "calendar", "contact": "contact",
	"family": "fees", "families": "fees", "invoice": "fees", "invoices": "fees", "invoice-run": "fees", "payments": "fees",
	"income-decision": "fees", "income-decisions": "fees", "fee-decision": "fees", "fee-decisions": "fees", "credit-note": "fees",
	"message": "messages", "messages": "messages", "specialed": "specialed", "special-education": "specialed",
	"conversations": "conversations", "conversation": "conversations", "migration": "import", "registry": "registry",
}

// actionText is an audited action in words: what was done (read, changed,
// exported, erased) and to what ("Lest: opptak og skoleplass").
func actionText(l web.Locale, action string) string {
	first, _, _ := strings.Cut(action, ".")
	area, ok := actionAreas[first]
	if !ok {
		area = "other"
	}
	verb := "changed"
	switch {
	case action == "child.export":
		return l.T("privacy.action.export")
	case action == "child.erase":
		return l.T("privacy.action.erase")
	case strings.HasSuffix(action, ".read") || strings.HasSuffix(action, ".list") || strings.HasSuffix(action, ".prefill"):
		verb = "read"
	}
	return l.T("privacy.action."+verb, l.T("privacy.area."+area))
}

// maskedID is a national ID's birth date with the personal number
// hidden, as domain.NationalID.Masked writes it.
func maskedID(s string) string {
	if len(s) != 11 {
		return s
	}
	return s[:6] + "*****"
}

func (a *app) exportPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ex, err := a.export(r.Context(), c, c.Lang.Code)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "child.export", "", c.ChildID); err != nil {
		return err
	}
	// The page shows no full national ID (none of a guardian's pages
	// does: a screen is seen over a shoulder); the download has them.
	ex.Child.NationalID, ex.Guardian.NationalID = maskedID(ex.Child.NationalID), maskedID(ex.Guardian.NationalID)
	a.Page(w, r, c, http.StatusOK, "privacy_export", "privacy.export.title",
		exportContent{L: c.Lang, Export: ex, JSON: "/api/v1/children/" + c.ChildID.String() + "/export", Months: checkMonths(c.Lang, ex.Checks)})
	return nil
}
