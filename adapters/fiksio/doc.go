// Package fiksio sends letters and archive messages through KS Fiks IO's
// message format over AMQP (RabbitMQ), and reads the receivers' answers:
// the way out to the municipal archive (Fiks Arkiv) and to a system that
// posts letters to the digital mailbox.
//
// # Fiks IO, as documented
//
// Fiks IO is KS's channel for machine-to-machine messages between
// accounts (kontoer). Each account has a queue on KS's RabbitMQ
// (io.fiks.ks.no); a receiver reads its queue over AMQP and acknowledges
// (ack) each message once it has stored it. A message not acknowledged is
// delivered again; after three deliveries without an ack Fiks IO answers
// the sender with no.ks.fiks.kvittering.serverfeil.v1. The Fiks IO page
// also describes no.ks.fiks.kvittering.tidsavbrudd when a message's time to
// live (default 7 days) runs out unread; the Fiks Arkiv page says the
// serverfeil rule replaces it and no tidsavbrudd is sent any more — Listen
// understands both. A receiver answers a message with
// messages of its own, sent to the sender's account, whose header svar-til
// is the melding-id of the message answered. The headers (AMQP header →
// the clients' property): avsender-id (AvsenderKontoId), melding-id
// (MeldingId), type (MeldingType), svar-til (SvarPaMelding), svar-til-type
// (on a tidsavbrudd), klientmelding-id (KlientMeldingId: the sender's own
// ID, reused when it sends a message again) and dokumentlager-id (a
// payload over 5 MB parked in Fiks Dokumentlager); the Fiks Arkiv page
// also names avsender-navn, the sender's name. Fiks IO does not
// guarantee delivery: the sender retries, and the receiver recognises a
// repeat by klientmelding-id and answers it again.
//
// Fiks Arkiv (v1) is the protocol for archiving over Fiks IO. A new case
// folder or record is no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett
// with arkivmelding.xml and the documents in the payload; the archive
// answers …opprett.mottatt when it has the message, …opprett.kvittering
// when it is archived, or no.ks.fiks.arkiv.v1.feilmelding.ugyldigforespoersel
// (invalid), .serverfeil (its own failure) or .ikkefunnet. A message is
// one folder or one record; a record in a new folder refers to it.
//
// Sources (read with the project's search tool, December 2026):
//   - KS, "Fiks IO" (developers.fiks.ks.no/tjenester/fiksprotokoll/fiksio;
//     github.com/ks-no/ks-no.github.io, content/fiks-plattform/tjenester/
//     fiksprotokoll/fiksio.md): accounts and queues, the HTTP send API and
//     AMQP receipt, the header table, TTL, tidsavbrudd and serverfeil, the
//     5 MB Dokumentlager limit, ASiC-E signing and encryption, and when to
//     use SvarUt instead.
//   - KS, "Protokoll – Fiks arkiv" (developers.fiks.ks.no/tjenester/
//     fiksprotokoll/protokoll-arkiv): the message types, mottatt and
//     kvittering, the feilmelding types, ack versus mottatt, retry with
//     klientMeldingId.
//   - github.com/ks-no/fiks-arkiv-specification: Schema/V1/
//     no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd and
//     metadatakatalog.xsd (the Noark 5 fields and their order), the code
//     lists under Schema/V1/kodelister (journalposttype U, korrespondanseparttype
//     EM, tilknyttetRegistreringSom H, dokumentstatus F, variantformat A,
//     format RA-PDF), and the sequence diagrams of arkivmelding.opprett
//     (ok; ugyldigforespoersel, possibly without a mottatt first).
//   - KS, SvarUt "API: Sending av dokumenter" (ks-no.github.io,
//     content/Tjenester/svarut/SendMedDokumenter.md): letters to citizens
//     through SvarUt are a multipart HTTP POST of a forsendelse, not Fiks IO.
//
// # What this package does
//
// Transport publishes one message per send to the receiver's account
// queue with the Fiks IO headers, persistent, with publisher confirms, and
// mandatory (a message the broker cannot route — no such account queue —
// is a permanent failure). The message ID is a version-5 UUID of the
// sender account, the receiver account and the idempotency key (MessageID),
// sent as melding-id, klientmelding-id and the AMQP message-id, so a
// resend after a crash or a retry is the same message and the receiver
// drops the repeat: at-least-once, idempotent by message ID. Send makes a
// messaging.Delivery a letter (brev.json, Letter); Publish sends any
// Message, such as the one ArchiveMessage builds.
//
// Listen reads the sender's own account queue and records each answer in
// a ReceiptStore by svar-til: mottatt as received, kvittering as
// delivered, a feilmelding or the platform's tidsavbrudd/serverfeil as
// failed with its code. It acknowledges an answer after the store has it,
// so none is lost; duplicate answers are harmless because the store is
// idempotent. Answers it cannot place are acknowledged and logged with
// their type and IDs only, never the payload. With Options.AwaitAnswer,
// Publish and Send also wait for the first answer: none in time is
// ErrNoAnswer, which messaging.Dispatcher retries (the same message again);
// ugyldigforespoersel and ikkefunnet are permanent; a serverfeil is
// retried.
//
// ArchiveMessage builds the arkivmelding.opprett of a decision letter —
// the domain.Document and its PDF (adapters/pdf renders PDF/A) — with its
// Noark 5 case metadata (Archive): a new case folder (saksmappe) with the
// record in it, or a record in an existing folder, the record outgoing
// (journalposttype U), the recipient as korrespondansepart (mottaker) with
// the postal address — none, and erSkjermet, for a protected address —
// and the PDF as the main document in archive format with its SHA-256.
// It is a pure function.
//
// # What it does not do (honestly)
//
//   - Encryption and signing. The real Fiks IO payload is an ASiC-E
//     container signed with the municipality's business certificate and
//     encrypted to the receiver's certificate from the account catalogue.
//     Without those certificates this package cannot do it and does not
//     pretend to: the payload goes through a Sealer, and the Zip sealer is
//     a plain, unencrypted zip for tests and a local broker. A production
//     Sealer is the vendor's to supply.
//   - Fiks IO's HTTP send API and Maskinporten. On io.fiks.ks.no a sender
//     posts to Fiks IO's REST API, which assigns melding-id (new on every
//     send) and puts the message on the receiver's queue; only the
//     receiving side is AMQP. This transport publishes on AMQP itself, as
//     Fiks IO does when it queues the message, and uses the deterministic
//     ID as both melding-id and klientmelding-id. Against the real service
//     the sender would record each melding-id the API returns for its
//     klientmelding-id; that is not built. The queue names of
//     io.fiks.ks.no are KS's (Options.QueuePrefix).
//   - Fiks Dokumentlager: a sealed payload over 5 MB (MaxPayload) is
//     refused as permanent.
//   - The digital mailbox. KS sends letters to citizens' digital mailboxes
//     through SvarUt (an HTTP API that falls back to print), not Fiks IO,
//     and no Fiks IO protocol for citizen post is published. Send carries
//     a delivery to a Fiks IO account of a system that posts it (the
//     municipality's own integration), with the message and answer types
//     named in Options.Protocol; the protocol must be agreed with that
//     system. A SvarUt adapter is not built.
//   - Several municipalities on one transport. A Transport is one
//     account; the reference app configures one municipality's account
//     (OPPVEKST_FIKS_*). The SQLite and PostgreSQL stores' Receipts(m,
//     clock) is the ReceiptStore of one municipality's messages (an
//     unknown ID is domain.ErrNotFound, dropped like ErrUnknownMessage).
//   - Folders that exist already. The reference app archives each
//     decision as a new case folder with the record in it (Folder.New, by
//     the external key of the application or special-education case, or
//     of the decision itself for school start, school change, fee and
//     income decisions); a second decision in the same case (a new
//     special-education decision) makes the folder again, which an
//     archive may refuse as ugyldigforespoersel. Screening codes, archive part and class are
//     the municipality's configuration, not yet read by the app.
//
// The reference app (messagingweb's Archiver) wires it: a decision writes
// its archive copy to the outbox (medium archive) in its transaction; the
// dispatcher sends it with Publish and AwaitAnswer; Listen records the
// answers in the store's receipts; the operations page shows sent,
// delivered and failed, and retries.
package fiksio
