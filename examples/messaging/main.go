// Command messaging shows how a vendor embeds package messaging: a
// kindergarten sends a bulletin to a group, admission raises an "offer.sent"
// notice through the domain.Notifier port, and a dispatcher delivers the
// outbox — e-mail over SMTP (to a small SMTP server started here), and the
// digital mailbox (a logging adapter) for a guardian whose address is
// strengt fortrolig. Everything is stored in a temporary SQLite database
// (sqlite.Options.Temp), gone when the program ends.
//
//	go run ./examples/messaging
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/digitalpost"
	"github.com/oppvekst/oppvekst/adapters/smtp"
	"github.com/oppvekst/oppvekst/adapters/smtp/smtptest"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	if err != nil {
		return err
	}
	defer store.Close()

	m := domain.MustMunicipality("0301")
	clock := domain.FixedClock(time.Date(2025, 3, 10, 9, 0, 0, 0, domain.Oslo()))
	unit := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
	group := domain.Group{ID: domain.NewID[domain.Group](), Municipality: m, UnitID: unit.ID, Name: "Blåklokka"}
	ada := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Ada", FamilyName: "Nordmann", BirthDate: date.New(2021, 4, 2)}
	kari := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Nordmann", Email: "kari@example.no"}
	ola := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Ola", FamilyName: "Nordmann",
		Email: "ola@example.no", AddressProtection: domain.ProtectionStrengtFortrolig}
	per := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Per", FamilyName: "Hansen", Email: "per@example.no"}
	err = store.Atomic(ctx, func(ctx context.Context) error {
		steps := []error{
			store.CreateUnit(ctx, unit), store.CreateGroup(ctx, group), store.CreateChild(ctx, ada),
			store.CreateGuardian(ctx, kari), store.CreateGuardian(ctx, ola), store.CreateGuardian(ctx, per),
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: ada.ID, GuardianID: kari.ID, ParentalResponsibility: true}),
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: ada.ID, GuardianID: ola.ID, ParentalResponsibility: true}),
			// Per has no parental responsibility and has not asked for
			// information (barneloven § 47): he is told nothing.
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: ada.ID, GuardianID: per.ID}),
			store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: ada.ID,
				UnitID: unit.ID, GroupID: group.ID, Kind: domain.Kindergarten, HoursPerWeek: 41,
				Period: domain.Period{Start: date.New(2024, 8, 1)}}),
		}
		for _, err := range steps {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	svc := &messaging.Service{Store: store, Clock: clock}
	// Kari reads in English.
	if err := svc.SetContact(ctx, domain.GuardianActor(m, kari.ID),
		messaging.Contact{Municipality: m, Guardian: kari.ID, Language: messaging.English, Medium: messaging.Email}); err != nil {
		return err
	}
	staff := domain.StaffActor(m, "ansatt-17", unit.ID)
	th, err := svc.Post(ctx, staff, messaging.Draft{Municipality: m,
		About:   messaging.About{Scope: messaging.ScopeGroup, Group: group.ID},
		Subject: "Tur til skogen", Body: "Vi går på tur fredag. Husk <b>matpakke</b>!", Bulletin: true})
	if err != nil {
		return err
	}
	view, err := svc.Read(ctx, domain.GuardianActor(m, kari.ID), m, th.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "bulletin as Kari sees it: %q, other recipients shown: %d\n", view.Messages[0].HTML(), len(view.Participants))

	// Another capability raises a notice in its own transaction.
	var notifier domain.Notifier = svc
	err = store.Atomic(ctx, func(ctx context.Context) error {
		return notifier.Notify(ctx, domain.Notice{Municipality: m, Kind: "offer.sent", Child: ada.ID, Key: "offer.sent/1",
			Data: map[string]string{"child": "Ada", "unit": "Solsikken barnehage", "deadline": "24.03.2025"}})
	})
	if err != nil {
		return err
	}
	// Bad input is refused with a reason, and nothing is written.
	_, err = svc.Post(ctx, staff, messaging.Draft{Municipality: m, About: messaging.About{Scope: messaging.ScopeGroup, Group: group.ID},
		Subject: "Plan", Body: "Se vedlegg", Attachments: []messaging.Attachment{{Name: "plan.exe", ContentType: "application/x-msdownload", Data: []byte("MZ")}}})
	fmt.Fprintf(w, "refused: %v\n  (%s)\n", err, english(err))

	// Deliver: e-mail through SMTP, the digital mailbox through the log.
	mailServer, err := smtptest.Start()
	if err != nil {
		return err
	}
	defer mailServer.Close()
	mailer, err := smtp.New(smtp.Options{Addr: mailServer.Addr, From: "noreply@oslo.example.no", FromName: "Oslo kommune", Clock: clock})
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	d := &messaging.Dispatcher{Outbox: store, Clock: clock,
		Transports: []messaging.Transport{mailer, digitalpost.NewLogger(logger)}}
	n, err := d.RunOnce(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "dispatched %d deliveries\n", n)
	for _, msg := range mailServer.Messages() {
		fmt.Fprintf(w, "e-mail to %s\n", msg.To[0])
	}
	ds, err := store.Deliveries(ctx, m)
	if err != nil {
		return err
	}
	for _, d := range ds {
		fmt.Fprintf(w, "%-8s %-15s %-6s %s\n", d.State, d.Medium, d.Language, d.Subject)
	}
	return nil
}

// english writes each refused field of err in English for developers,
// from the reason tables of the packages this program uses (the library
// keeps no registry: err.Error() gives the codes, users get them in their
// own language from the application's catalogs).
func english(err error) string {
	tables := domain.ReasonTables{messaging.ReasonTexts, sqlite.ReasonTexts, domain.ReasonTexts}
	var v *domain.ValidationError
	if !errors.As(err, &v) {
		return fmt.Sprint(err)
	}
	s := ""
	for i, f := range v.Fields {
		if i > 0 {
			s += "; "
		}
		s += f.Field + ": " + tables.Text(f.Reason, domain.Pairs(f.Params)...)
	}
	return s
}
