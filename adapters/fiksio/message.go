package fiksio

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The AMQP headers of a Fiks IO message, as Fiks IO's documentation names
// them (section "Headere og properties i meldingsutvekslingen").
const (
	HeaderSenderAccount   = "avsender-id"      // the sender's Fiks IO account (AvsenderKontoId)
	HeaderSenderName      = "avsender-navn"    // the sender account's name
	HeaderMessageID       = "melding-id"       // the message's ID (MeldingId)
	HeaderType            = "type"             // the message type (MeldingType)
	HeaderDocumentStore   = "dokumentlager-id" // a payload parked in Fiks Dokumentlager
	HeaderReplyTo         = "svar-til"         // on an answer: the melding-id it answers (SvarPaMelding)
	HeaderReplyToType     = "svar-til-type"    // on a tidsavbrudd: the type of the original
	HeaderClientMessageID = "klientmelding-id" // the sender's own ID, the same on every resend (KlientMeldingId)
)

// File is one file of a message's payload: arkivmelding.xml, a PDF, a
// letter as JSON.
type File struct {
	Name string
	Data []byte
}

// Message is what the transport publishes: a message type, the files of
// the payload and the idempotency key that names it. The same key gives the
// same message ID on every attempt.
type Message struct {
	// Key is the sender's idempotency key (at most 300 bytes): the ID of the
	// message is derived from it.
	Key string
	// Type is the Fiks IO message type
	// (no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett).
	Type string
	// Files are sealed into the payload in this order.
	Files []File
}

// Validate checks a message before it is sealed.
func (m Message) Validate() error {
	switch {
	case m.Key == "" || len(m.Key) > 300:
		return errors.New("fiksio: message key is required, at most 300 bytes")
	case m.Type == "":
		return errors.New("fiksio: message type is required")
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		if f.Name == "" || path.Clean(f.Name) != f.Name || strings.HasPrefix(f.Name, "/") || strings.HasPrefix(f.Name, "../") || f.Name == ".." {
			return fmt.Errorf("fiksio: file name %q is not a plain relative name", f.Name)
		}
		if seen[f.Name] {
			return fmt.Errorf("fiksio: file %q twice", f.Name)
		}
		seen[f.Name] = true
	}
	return nil
}

// namespace is the UUID namespace of message IDs (a version-5 UUID of the
// module path in the URL namespace).
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("github.com/oppvekst/oppvekst/adapters/fiksio"))

// MessageID is the ID of the message with key sent from one account to
// another: a version-5 UUID of the three, so that a resend after a crash or
// a retry carries the same ID and the receiver can drop the repeat.
func MessageID(sender, receiver uuid.UUID, key string) uuid.UUID {
	b := make([]byte, 0, 32+len(key))
	b = append(b, sender[:]...)
	b = append(b, receiver[:]...)
	b = append(b, key...)
	return uuid.NewSHA1(namespace, b)
}

// A Sealer turns the files of a message into its payload and back.
//
// The real Fiks IO carries an ASiC-E container signed with the sender's
// business certificate (virksomhetssertifikat) and encrypted to the
// certificate the receiver has published in the Fiks IO account catalogue.
// That needs certificates this code does not have; a production Sealer
// does it (KS's Java and .NET clients show how). Zip is the plain
// container of tests and a local broker.
type Sealer interface {
	// ContentType is the AMQP content type of a sealed payload.
	ContentType() string
	Seal(files []File) ([]byte, error)
	Open(payload []byte) ([]File, error)
}

// Zip is a Sealer that packs the files into a plain zip: NEITHER SIGNED NOR
// ENCRYPTED. It is what the tests and a local broker use, and the layout an
// ASiC-E container wraps (a zip of the files). The same files give the
// same bytes.
type Zip struct{}

// ContentType is application/zip.
func (Zip) ContentType() string { return "application/zip" }

// zipTime is the fixed modification time of every entry, so that a
// message's bytes depend on its files only.
var zipTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Seal packs the files, deflated, in order.
func (Zip) Seal(files []File) ([]byte, error) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range files {
		fw, err := w.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// maxOpen bounds what Open unpacks from one entry, against zip bombs: the
// size at which Fiks IO moves a payload to Dokumentlager (5 MB), times ten.
const maxOpen = 50 << 20

// Open unpacks the files of a zip.
func (Zip) Open(payload []byte) ([]File, error) {
	r, err := zip.NewReader(bytes.NewReader(payload), int64(len(payload)))
	if err != nil {
		return nil, fmt.Errorf("fiksio: payload is not a zip: %w", err)
	}
	files := make([]File, 0, len(r.File))
	for _, zf := range r.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxOpen+1))
		rc.Close()
		if err != nil {
			return nil, err
		}
		if len(data) > maxOpen {
			return nil, fmt.Errorf("fiksio: file %q is larger than %d bytes", zf.Name, maxOpen)
		}
		files = append(files, File{Name: zf.Name, Data: data})
	}
	return files, nil
}

// Lookup returns the file with the name, and whether there is one.
func Lookup(files []File, name string) (File, bool) {
	for _, f := range files {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}
