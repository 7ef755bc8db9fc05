// Package digitalpost is the port to the national digital mailbox (Digipost
// and e-Boks through the state's address register and DPI), with a logging
// adapter until the municipality's agreement and certificates are in place.
//
// The digital mailbox is the only medium a guardian with a strengt
// fortrolig address is reached through: the letter goes to the person's
// national ID, never to contact details that could reveal where the person
// lives. messaging routes such deliveries here (messaging.DigitalMailbox,
// To = the national ID).
//
// Logger writes one structured log record per delivery with the key, kind,
// municipality and a masked recipient (birth date only) — never the text or
// the full national ID — so an operator can see that letters would have been
// sent, and nothing confidential ends up in the logs.
package digitalpost

import (
	"context"
	"log/slog"

	"github.com/oppvekst/oppvekst/messaging"
)

// Logger is a messaging.Transport that logs deliveries instead of sending
// them.
type Logger struct {
	log *slog.Logger
}

// NewLogger returns a logging digital-mailbox transport; slog.Default when
// log is nil.
func NewLogger(log *slog.Logger) *Logger {
	if log == nil {
		log = slog.Default()
	}
	return &Logger{log: log}
}

// Medium is messaging.DigitalMailbox.
func (l *Logger) Medium() messaging.Medium { return messaging.DigitalMailbox }

// Mask keeps the first six digits of a national ID (the birth date) and
// hides the rest; anything else is hidden entirely.
func Mask(to string) string {
	if len(to) == 11 {
		return to[:6] + "*****"
	}
	return "***"
}

// Send logs the delivery.
func (l *Logger) Send(ctx context.Context, d messaging.Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.log.LogAttrs(ctx, slog.LevelInfo, "digital mailbox delivery (logged, not sent)",
		slog.String("key", d.Key),
		slog.String("kind", d.Kind),
		slog.String("municipality", string(d.Municipality)),
		slog.String("to", Mask(d.To)),
		slog.Bool("urgent", d.Urgent),
		slog.Int("bodyBytes", len(d.Body)),
	)
	return nil
}
