package messagingweb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/oppvekst/oppvekst/adapters/fiksio"
	"github.com/oppvekst/oppvekst/adapters/pdf"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// The archive: decision letters to the municipality's archive (Fiks
// Arkiv) through Fiks IO. A decision writes one outbox delivery of the
// medium messaging.Archive (web.App.ArchiveDecision); the dispatcher gives
// it to the Archiver's transport, which draws the letter as a PDF/A,
// builds the arkivmelding (fiksio.ArchiveMessage), records the message's
// receipt as awaiting and publishes it. Listen reads the archive's answers
// into the receipts.
//
// Sent is not delivered. The outbox says sent when the broker has
// confirmed the message and the archive has answered (mottatt or
// kvittering) within OPPVEKST_FIKS_AWAIT; the receipt says delivered when
// the kvittering has come. No answer in time, or a serverfeil, is retried
// by the dispatcher with the same message ID (the archive drops a repeat
// by klientmelding-id); a serverfeil after a mottatt makes the delivery
// due again; ugyldigforespoersel is permanent and shown on the operations
// page.

// ArchiveConfig is the Fiks IO configuration of one municipality, read
// from the environment:
//
//	OPPVEKST_FIKS_AMQP_URL          the Fiks IO broker (amqps://io.fiks.ks.no for real; amqp://… locally)
//	OPPVEKST_FIKS_MUNICIPALITY      the kommunenummer whose account it is
//	OPPVEKST_FIKS_ACCOUNT           the municipality's Fiks IO account ID (the answers come to its queue)
//	OPPVEKST_FIKS_ARCHIVE_ACCOUNT   the archive's Fiks IO account ID
//	OPPVEKST_FIKS_QUEUE_PREFIX      put before an account ID to name its queue (optional)
//	OPPVEKST_FIKS_SENDER_NAME       avsender-navn (optional)
//	OPPVEKST_FIKS_AWAIT             how long a send waits for the first answer (default 30s)
type ArchiveConfig struct {
	Municipality domain.Municipality
	Options      fiksio.Options
}

// ArchiveConfigFrom reads the configuration; (nil, nil) when
// OPPVEKST_FIKS_AMQP_URL is not set.
func ArchiveConfigFrom(getenv func(string) string) (*ArchiveConfig, error) {
	url := getenv("OPPVEKST_FIKS_AMQP_URL")
	if url == "" {
		return nil, nil
	}
	m, err := domain.ParseMunicipality(getenv("OPPVEKST_FIKS_MUNICIPALITY"))
	if err != nil {
		return nil, fmt.Errorf("OPPVEKST_FIKS_MUNICIPALITY: %w", err)
	}
	account, err := uuid.Parse(getenv("OPPVEKST_FIKS_ACCOUNT"))
	if err != nil {
		return nil, fmt.Errorf("OPPVEKST_FIKS_ACCOUNT: %w", err)
	}
	archive, err := uuid.Parse(getenv("OPPVEKST_FIKS_ARCHIVE_ACCOUNT"))
	if err != nil {
		return nil, fmt.Errorf("OPPVEKST_FIKS_ARCHIVE_ACCOUNT: %w", err)
	}
	await := 30 * time.Second
	if v := getenv("OPPVEKST_FIKS_AWAIT"); v != "" {
		if await, err = time.ParseDuration(v); err != nil || await <= 0 {
			return nil, fmt.Errorf("OPPVEKST_FIKS_AWAIT: want a positive duration such as 30s, got %q", v)
		}
	}
	return &ArchiveConfig{Municipality: m, Options: fiksio.Options{URL: url, Account: account, Receiver: archive,
		QueuePrefix: getenv("OPPVEKST_FIKS_QUEUE_PREFIX"), SenderName: getenv("OPPVEKST_FIKS_SENDER_NAME"),
		Protocol: fiksio.FiksArkiv, Medium: messaging.Archive, AwaitAnswer: await}}, nil
}

// pdfRenderer draws a Document as a PDF (adapters/pdf's Renderer).
type pdfRenderer interface {
	Render(w io.Writer, doc domain.Document, created time.Time) error
}

// Archiver sends the archive deliveries and reads the archive's answers.
type Archiver struct {
	app   *web.App
	pdf   pdfRenderer
	cfg   *ArchiveConfig
	fiks  *fiksio.Transport
	demo  bool
	log   *slog.Logger
	retry time.Duration
}

// NewArchiver makes the archiver of the configuration (nil: none; in demo
// mode the deliveries are logged, else they end as dead letters).
func NewArchiver(a *web.App, cfg *ArchiveConfig, demo bool) (*Archiver, error) {
	r, err := pdf.New()
	if err != nil {
		return nil, err
	}
	ar := &Archiver{app: a, pdf: r, cfg: cfg, demo: demo, log: a.Log, retry: time.Minute}
	if cfg != nil {
		opts := cfg.Options
		opts.Receipts = ar.answers()
		opts.Log = a.Log
		if ar.fiks, err = fiksio.New(opts); err != nil {
			return nil, fmt.Errorf("OPPVEKST_FIKS_*: %w", err)
		}
	}
	return ar, nil
}

// Transport is the archive's transport: the Fiks IO archive when
// configured; in demo mode without configuration a logging one; else nil.
func (ar *Archiver) Transport() messaging.Transport {
	if ar.fiks == nil && !ar.demo {
		return nil
	}
	return archiveTransport{ar}
}

// How says what serves the archive, for the log.
func (ar *Archiver) How() string {
	switch {
	case ar.fiks != nil:
		return "fiks io (municipality " + string(ar.cfg.Municipality) + ")"
	case ar.demo:
		return "logged (demo mode, not configured)"
	}
	return "none: deliveries become dead letters"
}

// Listen reads the archive's answers until ctx ends (nothing to read
// without configuration).
func (ar *Archiver) Listen(ctx context.Context) error {
	if ar.fiks == nil {
		<-ctx.Done()
		return ctx.Err()
	}
	return ar.fiks.Listen(ctx)
}

// Close closes the connection to the broker.
func (ar *Archiver) Close() error {
	if ar.fiks == nil {
		return nil
	}
	return ar.fiks.Close()
}

type archiveTransport struct{ ar *Archiver }

func (t archiveTransport) Medium() messaging.Medium { return messaging.Archive }

// Send archives one decision letter: it draws the PDF (dated by the
// delivery, so every attempt is the same message), builds the
// arkivmelding, records the receipt and publishes. Without Fiks IO (demo
// mode) it logs the delivery's key and kind only.
func (t archiveTransport) Send(ctx context.Context, d messaging.Delivery) error {
	ar := t.ar
	if ar.fiks == nil || d.Municipality != ar.cfg.Municipality {
		if !ar.demo {
			return messaging.Permanent(errors.New("no Fiks IO archive account for the municipality"))
		}
		return logTransport{medium: messaging.Archive, log: ar.log}.Send(ctx, d)
	}
	var cp web.ArchiveCopy
	if err := json.Unmarshal([]byte(d.Body), &cp); err != nil {
		return messaging.Permanent(fmt.Errorf("archive copy: %w", err))
	}
	var buf bytes.Buffer
	if err := ar.pdf.Render(&buf, cp.Document, d.CreatedAt); err != nil {
		return messaging.Permanent(fmt.Errorf("archive copy: pdf: %w", err))
	}
	cp.Archive.Record.SentAt = d.CreatedAt
	msg, err := fiksio.ArchiveMessage(cp.Document, buf.Bytes(), cp.Archive)
	if err != nil {
		return messaging.Permanent(err)
	}
	id := ar.fiks.MessageID(msg.Key)
	if err := ar.app.Store.TrackReceipt(ctx, messaging.Receipt{Municipality: d.Municipality, Message: id, Delivery: d.ID,
		State: messaging.Awaiting, SentAt: ar.app.Clock.Now()}); err != nil {
		return err
	}
	_, err = ar.fiks.Publish(ctx, msg)
	return err
}

// retryable lists the failure codes a resend may mend: the archive's
// serverfeil and the platform's tidsavbrudd and serverfeil.
var retryable = append(slices.Clone(fiksio.FiksArkiv.Retryable), "tidsavbrudd", "fiks-serverfeil")

// answers is the receipt store Listen records into: the store's receipts
// of the municipality, and for a failure a resend may mend that comes
// after the delivery was settled as sent (a serverfeil after a mottatt),
// the delivery made due again — the same message, sent again.
func (ar *Archiver) answers() fiksio.ReceiptStore {
	return retryingAnswers{Answers: ar.app.Store.Receipts(ar.cfg.Municipality, ar.app.Clock), ar: ar}
}

type retryingAnswers struct {
	messaging.Answers
	ar *Archiver
}

func (r retryingAnswers) MarkFailed(ctx context.Context, id uuid.UUID, code string) error {
	if err := r.Answers.MarkFailed(ctx, id, code); err != nil {
		return err
	}
	if !slices.Contains(retryable, code) {
		return nil
	}
	m := r.ar.cfg.Municipality
	rc, err := r.ar.app.Store.Receipt(ctx, m, id)
	if err != nil {
		return err
	}
	err = r.ar.app.Store.RetryDelivery(ctx, m, rc.Delivery, r.ar.app.Clock.Now().Add(r.ar.retry))
	var conflict *domain.ConflictError
	if errors.As(err, &conflict) {
		// Still being sent (the dispatcher retries it), delivered, or given
		// up: nothing to do.
		return nil
	}
	return err
}
