package fiksio

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"
)

// Message types of the Fiks Arkiv protocol (v1) that this package sends
// and understands, and the platform's own answers.
const (
	TypeArchiveCreate         = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett"
	TypeArchiveCreateReceived = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.mottatt"
	TypeArchiveCreateReceipt  = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering"
	TypeArchiveErrorPrefix    = "no.ks.fiks.arkiv.v1.feilmelding."
	TypeArchiveInvalidRequest = "no.ks.fiks.arkiv.v1.feilmelding.ugyldigforespoersel"
	TypeArchiveServerError    = "no.ks.fiks.arkiv.v1.feilmelding.serverfeil"
	TypeArchiveNotFound       = "no.ks.fiks.arkiv.v1.feilmelding.ikkefunnet"
	TypePlatformTimeout       = "no.ks.fiks.kvittering.tidsavbrudd"
	TypePlatformServerError   = "no.ks.fiks.kvittering.serverfeil.v1"

	// ArchiveFileName is the name of the arkivmelding in the payload.
	ArchiveFileName = "arkivmelding.xml"
)

// AnswerKind is what an answer says about the message it answers.
type AnswerKind int

// Kinds of answers.
const (
	// Received: the receiver has the message and handles it (mottatt).
	Received AnswerKind = iota + 1
	// Delivered: the receiver has done what was asked (kvittering: archived).
	Delivered
	// Failed: the receiver or the platform gave up (feilmelding, tidsavbrudd).
	Failed
)

// Answer is an answer classified: its kind, and for a failure a code (the
// last part of the feilmelding's type: ugyldigforespoersel, serverfeil,
// ikkefunnet; tidsavbrudd and fiks-serverfeil from the platform) and
// whether a resend may mend it.
type Answer struct {
	Kind      AnswerKind
	Code      string
	Retryable bool
}

// Protocol names the message type a transport sends and the answer types
// it understands.
type Protocol struct {
	// Send is the type of the messages sent.
	Send string
	// Received and Delivered are the types of the two answers.
	Received, Delivered string
	// ErrorPrefix starts the types of the protocol's error answers; the rest
	// of the type is the failure's code.
	ErrorPrefix string
	// Retryable lists the codes of errors a resend may mend (the
	// receiver's serverfeil); any other error code is permanent.
	Retryable []string
}

// FiksArkiv is the protocol of archiving a new case folder or record in a
// Noark 5 archive (Fiks Arkiv v1, arkivmelding.opprett): the archive
// answers mottatt when it has the message, kvittering when it is
// archived, or a feilmelding: ugyldigforespoersel (invalid; permanent),
// serverfeil (the archive's fault; retried) or ikkefunnet.
var FiksArkiv = Protocol{
	Send:        TypeArchiveCreate,
	Received:    TypeArchiveCreateReceived,
	Delivered:   TypeArchiveCreateReceipt,
	ErrorPrefix: TypeArchiveErrorPrefix,
	Retryable:   []string{"serverfeil"},
}

// Validate checks that the protocol names its types.
func (p Protocol) Validate() error {
	if p.Send == "" || p.Received == "" || p.Delivered == "" || p.ErrorPrefix == "" {
		return errors.New("fiksio: protocol needs Send, Received, Delivered and ErrorPrefix types")
	}
	return nil
}

// Classify says what an answer of message type typ means; false when the
// type is neither the protocol's nor the platform's.
//
// The platform's own answers are failures a resend may mend:
// no.ks.fiks.kvittering.tidsavbrudd (the message's time to live ran out
// before the receiver read it) and no.ks.fiks.kvittering.serverfeil.v1
// (the receiver fetched it three times without acknowledging it).
func (p Protocol) Classify(typ string) (Answer, bool) {
	switch {
	case typ == p.Received:
		return Answer{Kind: Received}, true
	case typ == p.Delivered:
		return Answer{Kind: Delivered}, true
	case typ == TypePlatformTimeout:
		return Answer{Kind: Failed, Code: "tidsavbrudd", Retryable: true}, true
	case typ == TypePlatformServerError:
		return Answer{Kind: Failed, Code: "fiks-serverfeil", Retryable: true}, true
	case strings.HasPrefix(typ, p.ErrorPrefix) && len(typ) > len(p.ErrorPrefix):
		code := typ[len(p.ErrorPrefix):]
		retry := false
		for _, c := range p.Retryable {
			retry = retry || c == code
		}
		return Answer{Kind: Failed, Code: code, Retryable: retry}, true
	}
	return Answer{}, false
}

// ErrUnknownMessage is what a ReceiptStore returns for an answer to a
// message it does not know: the answer is acknowledged and logged (its type
// and the IDs only) and otherwise dropped.
var ErrUnknownMessage = errors.New("fiksio: answer to an unknown message")

// ReceiptStore records the answers to sent messages, by the ID of the
// message they answer (svar-til).
//
// Every method may be called more than once for the same ID — a receiver
// may answer twice, the broker may deliver an answer again after a crash —
// and must be idempotent: a message is delivered once however often its
// kvittering comes. A later kvittering wins over an earlier failure (a
// resend after a serverfeil that then succeeded); a failure after a
// kvittering changes nothing. An ID the store does not know is
// ErrUnknownMessage (or domain.ErrNotFound, as the SQLite and PostgreSQL
// stores' Receipts answer); any other error makes the answer come again
// later.
type ReceiptStore interface {
	MarkReceived(ctx context.Context, id uuid.UUID) error
	MarkDelivered(ctx context.Context, id uuid.UUID) error
	MarkFailed(ctx context.Context, id uuid.UUID, code string) error
}
