package web

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/oppvekst/oppvekst/adapters/fiksio"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// The archive copy of a decision. A decision letter (an enkeltvedtak) is
// archived in the municipality's archive (Noark 5, through Fiks Arkiv):
// when a capability makes a decision it calls ArchiveDecision in the
// decision's own transaction, which writes one outbox delivery of the
// medium messaging.Archive, keyed by the decision, so that the decision is
// never kept without its archive copy and never archived twice. The
// delivery carries the letter as issued and its case metadata
// (ArchiveCopy); the dispatcher draws the PDF and sends it
// (messagingweb's archive transport), and the archive's kvittering marks
// it delivered (messaging.Receipt).

// ArchiveSystem names this system in the archive (arkivmelding's system,
// the fagsystem of the external keys).
const ArchiveSystem = "Oppvekst"

// ArchiveCopy is the body of an archive delivery: the letter as issued
// and the metadata it is archived with.
type ArchiveCopy struct {
	Document domain.Document `json:"document"`
	Archive  fiksio.Archive  `json:"archive"`
}

// ArchiveDecision is one decision to archive.
type ArchiveDecision struct {
	Municipality domain.Municipality
	// Kind names the decision ("admission-decision"); the delivery's kind
	// is "archive." + Kind.
	Kind string
	// Key names the decision, unique in the municipality
	// ("admission-decision/<run>/<application>"): the same key is
	// archived once.
	Key string
	// Guardian is the recipient the letter is addressed to.
	Guardian domain.GuardianID
	// Letter is the letter as issued.
	Letter domain.Document
	// Folder is the case folder's key in this system ("application/<id>")
	// and its title; the public title leaves out who it is about.
	Folder, Title, PublicTitle string
	// Caseworker decided.
	Caseworker string
}

// ArchiveDecision writes the archive copy of a decision to the outbox, in
// the transaction of ctx; a key written before writes nothing. A decision
// without a recipient guardian is not archived by the app (it reports
// false).
func (a *App) ArchiveDecision(ctx context.Context, d ArchiveDecision) (bool, error) {
	if d.Guardian.IsZero() || d.Letter.Recipient.Name == "" {
		return false, nil
	}
	key := "archive/" + d.Key
	cp := ArchiveCopy{Document: d.Letter, Archive: fiksio.Archive{
		Key:    string(d.Municipality) + "/" + key,
		System: ArchiveSystem,
		Folder: fiksio.Folder{New: true, ExternalKey: d.Folder, Title: d.Title, PublicTitle: d.PublicTitle,
			Date: d.Letter.Date, Responsible: d.Caseworker},
		Record: fiksio.Record{ExternalKey: d.Key, Title: d.Letter.Title, PublicTitle: d.Letter.Title,
			Caseworker: d.Caseworker, FileName: strings.ReplaceAll(d.Kind, "/", "-") + ".pdf"},
	}}
	if d.Letter.Recipient.DigitalMailbox {
		cp.Archive.Record.Method = "digital postkasse"
	}
	body, err := json.Marshal(cp)
	if err != nil {
		return false, err
	}
	now := a.Clock.Now()
	n, err := a.Store.Enqueue(ctx, []messaging.Delivery{{ID: domain.NewID[messaging.Delivery](), Municipality: d.Municipality,
		Key: key, Kind: "archive." + d.Kind, Guardian: d.Guardian, Medium: messaging.Archive, To: "archive",
		Language: messaging.Language(d.Letter.Lang), Subject: d.Letter.Title, Body: string(body),
		State: messaging.Pending, NextAt: now, CreatedAt: now}})
	return n == 1, err
}

// LetterRecipient is whom a letter about child is addressed to: the
// guardian reading it, or for staff the child's first guardian with
// parental responsibility (none: zero). A protected address is never
// written: the letter goes to the digital mailbox.
func (a *App) LetterRecipient(ctx context.Context, actor domain.Actor, child domain.ChildID) (domain.GuardianID, domain.Party, error) {
	m := actor.Municipality
	id := actor.Guardian
	if actor.Role != domain.RoleGuardian {
		gs, err := a.Store.Guardianships(ctx, m, child)
		if err != nil {
			return id, domain.Party{}, err
		}
		for _, g := range gs {
			if g.ParentalResponsibility {
				id = g.GuardianID
				break
			}
		}
	}
	if id.IsZero() {
		return id, domain.Party{}, nil
	}
	g, err := a.Store.Guardian(ctx, m, id)
	if err != nil {
		return id, domain.Party{}, err
	}
	p := domain.Party{Name: g.GivenName + " " + g.FamilyName}
	if g.AddressProtection.Protected() {
		p.DigitalMailbox = true
		return id, p, nil
	}
	addr := g.ShownAddress()
	if s := strings.TrimSpace(addr.Street); s != "" {
		p.Lines = append(p.Lines, s)
	} else if s := strings.TrimSpace(addr.Cadastral); s != "" {
		p.Lines = append(p.Lines, s)
	}
	if s := strings.TrimSpace(addr.Postcode + " " + addr.PostTown); s != "" {
		p.Lines = append(p.Lines, s)
	}
	return id, p, nil
}
