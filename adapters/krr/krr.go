// Package krr is the contact register adapter: it implements
// messaging.ContactRegister by speaking the REST API of Digdir's
// Kontakt- og reservasjonsregisteret (KRR), the lookup service
// ("Oppslagstjenesten").
//
// # The service, as Digdir documents it
//
//   - POST {base}personer with Content-Type application/json and the body
//     {"personidentifikatorer": ["...", ...]}: 1 to 1000 fødselsnumre or
//     D-numbers per request (MaxBatch). Production base is
//     https://krr.digdir.no/rest/v1/ (DefaultBaseURL).
//   - The answer is {"personer": [...]}, one object per person with
//     personidentifikator, reservasjon ("JA"/"NEI"), status ("AKTIV",
//     "SLETTET", "IKKE_REGISTRERT"), varslingsstatus ("KAN_VARSLES",
//     "KAN_IKKE_VARSLES") and kontaktinformasjon {epostadresse,
//     epostadresse_oppdatert, epostadresse_sist_verifisert,
//     mobiltelefonnummer, mobiltelefonnummer_oppdatert,
//     mobiltelefonnummer_sist_verifisert}. Times come as
//     "2023-08-05T10:45:15.768Z" or "2023-11-20T10:14:52+02"; a time this
//     package cannot read is left zero. Fields this package does not use
//     (digital_post, sertifikat, spraak) are ignored.
//   - Authentication is a Maskinporten access token for the scope
//     "krr:global/kontaktinformasjon.read" (Scope), sent as
//     "Authorization: Bearer <token>"; Options.Token supplies it (see
//     adapters/maskinporten). The reservation status is always returned.
//   - varslingsstatus KAN_IKKE_VARSLES means the person's contact details
//     are stale (not updated or confirmed within 18 months), or the
//     person is reserved, deleted or not in the register.
//
// Lookup splits a longer list into requests of at most Options.Batch IDs
// (MaxBatch when zero), one after another, and drops repeated IDs. A
// person the answer leaves out is left out of the map (read as not
// registered by messaging.RouteByRegister). Errors: a transport failure,
// HTTP 429 or 5xx is domain.ErrUnavailable; 401 or 403 domain.ErrForbidden;
// any other status an *APIError; an answer not in the documented form
// wraps ErrFormat. Nothing personal goes into an error's text.
//
// # The law behind it
//
// Forskrift om elektronisk kommunikasjon med og i forvaltningen
// (eForvaltningsforskriften), as Digdir quotes and explains it:
//
//   - § 8 (use of electronic communication for messages from a public
//     body, including notice of individual decisions) third paragraph: the
//     contact details in the register are to be used to notify a person
//     (Digdir, "Dette er kontaktregisteret"; "Retningslinjer for bruk av
//     Kontakt- og reservasjonsregisteret");
//   - § 9 is headed "Reservasjon" (the regulation's table of contents, as
//     a copy of the regulation on 9pdf.net shows it). Digdir: a public body
//     must check the reservation status to send important letters
//     digitally without consent, and may communicate digitally without
//     consent with everyone who has not reserved ("Dette er
//     kontaktregisteret"; difi.no, "Kontakt- og reservasjonsregisteret");
//     a person who has reserved keeps getting such letters on paper
//     (Bygland kommune's summary of the 2014 changes);
//   - § 32 second paragraph: details not updated or confirmed as correct
//     in the last 18 months shall not be used to notify under § 8 third
//     paragraph (quoted on Digdir's page "18-månedersregel"); the register
//     applies it through varslingsstatus;
//   - forvaltningsloven § 15 a third paragraph letter c lets the King give
//     rules on a private person's right to reserve against electronic
//     communication.
//
// Not verified here: the wording of § 9 itself (only its heading was
// found, in a copy of the regulation, not on Lovdata); Digdir's attribute
// list ties reservasjon to "eForvaltningsforskriften § 15 a", which looks
// like forvaltningsloven § 15 a and is not relied on; the register's error
// body format (the adapter reads an optional "message" field); whether the
// live service answers an unknown ID with status IKKE_REGISTRERT or leaves
// it out (both are handled); whether it still returns contact details for
// a person with KAN_IKKE_VARSLES (the sample does; they are not used).
// Paper for a reserved person is owed by the letter route
// (messaging.DigitalMailbox): a transport that prints (KS SvarUt) is not
// built, and the reference app's digital mailbox only logs.
// Digdir also says that reminders and service messages may be sent by SMS
// or e-mail even to a reserved person; messaging does not use that
// allowance: a reserved guardian gets no e-mail or SMS.
//
// Documents followed:
// https://docs.digdir.no/docs/Kontaktregisteret/oppslagstjenesten_rest,
// https://docs.digdir.no/docs/Kontaktregisteret/krr_attributter,
// https://docs.digdir.no/docs/Kontaktregisteret/krr_18mnd and
// https://docs.digdir.no/resources/begrep/oppslagstjenesten/HentPersonerForespoersel.
// Tested against krrtest, a local server replaying sample answers written
// in the documented form (testdata), never against the real service.
package krr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// DefaultBaseURL is the production address of the lookup service.
const DefaultBaseURL = "https://krr.digdir.no/rest/v1/"

// Scope is the Maskinporten scope that returns contact details and
// notification status.
const Scope = "krr:global/kontaktinformasjon.read"

// MaxBatch is the most IDs the service takes in one request.
const MaxBatch = 1000

// ErrFormat is wrapped by errors about an answer not in the documented
// form.
var ErrFormat = errors.New("krr: answer not in the documented format")

// Options configure a Client.
type Options struct {
	// BaseURL ends in "/rest/v1/"; DefaultBaseURL when empty.
	BaseURL string
	// Token returns a Maskinporten access token (Scope). Required.
	Token func(ctx context.Context) (string, error)
	// HTTPClient makes the requests; a client with a 20 s timeout when nil.
	HTTPClient *http.Client
	// Batch is the most IDs per request, 1 to MaxBatch; MaxBatch when zero.
	Batch int
}

// Client is a messaging.ContactRegister backed by the KRR REST API. It is
// safe for concurrent use.
type Client struct {
	endpoint string
	token    func(ctx context.Context) (string, error)
	http     *http.Client
	batch    int
}

var _ messaging.ContactRegister = (*Client)(nil)

// New returns a client.
func New(opts Options) (*Client, error) {
	raw := opts.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	if !strings.HasSuffix(raw, "/") {
		raw += "/"
	}
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("krr: base URL %q is not an http(s) URL", raw)
	}
	if opts.Token == nil {
		return nil, errors.New("krr: a Maskinporten token source is required")
	}
	if opts.Batch < 0 || opts.Batch > MaxBatch {
		return nil, fmt.Errorf("krr: batch %d is not between 1 and %d", opts.Batch, MaxBatch)
	}
	batch := opts.Batch
	if batch == 0 {
		batch = MaxBatch
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	return &Client{endpoint: base.JoinPath("personer").String(), token: opts.Token, http: hc, batch: batch}, nil
}

// APIError is an error answer of the service: the HTTP status and, when
// the body has one, its message.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("krr: HTTP %d", e.Status)
	}
	return fmt.Sprintf("krr: HTTP %d: %s", e.Status, e.Message)
}

// Unwrap makes 429 and 5xx domain.ErrUnavailable, 401 and 403
// domain.ErrForbidden.
func (e *APIError) Unwrap() error {
	switch {
	case e.Status == http.StatusTooManyRequests || e.Status >= 500:
		return domain.ErrUnavailable
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		return domain.ErrForbidden
	}
	return nil
}

// Lookup implements messaging.ContactRegister.
func (c *Client) Lookup(ctx context.Context, ids []domain.NationalID) (map[domain.NationalID]messaging.RegisterEntry, error) {
	out := make(map[domain.NationalID]messaging.RegisterEntry, len(ids))
	asked := make(map[string]domain.NationalID, len(ids))
	var unique []string
	for i, n := range ids {
		if n.IsZero() {
			return nil, domain.Invalid(fmt.Sprintf("ids[%d]", i), domain.ReasonRequired)
		}
		if _, dup := asked[n.String()]; !dup {
			asked[n.String()] = n
			unique = append(unique, n.String())
		}
	}
	for start := 0; start < len(unique); start += c.batch {
		chunk := unique[start:min(start+c.batch, len(unique))]
		persons, err := c.post(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for i, p := range persons {
			n, ok := asked[p.Personidentifikator]
			if !ok {
				continue // not asked for: ignored
			}
			e, err := p.entry(n)
			if err != nil {
				return nil, fmt.Errorf("krr: personer[%d]: %w", start+i, err)
			}
			out[n] = e
		}
	}
	return out, nil
}

func (c *Client) post(ctx context.Context, ids []string) ([]person, error) {
	body, err := json.Marshal(request{Personidentifikatorer: ids})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	tok, err := c.token(ctx)
	if err != nil {
		return nil, fmt.Errorf("krr: token: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("krr: %w: %w", domain.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, fmt.Errorf("krr: %w: %w", domain.ErrUnavailable, err)
	}
	if resp.StatusCode != http.StatusOK {
		e := &APIError{Status: resp.StatusCode}
		var m struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(raw, &m) == nil {
			e.Message = m.Message
		}
		return nil, e
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if r.Personer == nil {
		return nil, fmt.Errorf("%w: no \"personer\"", ErrFormat)
	}
	return r.Personer, nil
}

type request struct {
	Personidentifikatorer []string `json:"personidentifikatorer"`
}

type response struct {
	Personer []person `json:"personer"`
}

type person struct {
	Personidentifikator string   `json:"personidentifikator"`
	Reservasjon         string   `json:"reservasjon"`
	Status              string   `json:"status"`
	Varslingsstatus     string   `json:"varslingsstatus"`
	Kontaktinformasjon  *contact `json:"kontaktinformasjon"`
}

type contact struct {
	Epostadresse                     string `json:"epostadresse"`
	EpostadresseOppdatert            string `json:"epostadresse_oppdatert"`
	EpostadresseSistVerifisert       string `json:"epostadresse_sist_verifisert"`
	Mobiltelefonnummer               string `json:"mobiltelefonnummer"`
	MobiltelefonnummerOppdatert      string `json:"mobiltelefonnummer_oppdatert"`
	MobiltelefonnummerSistVerifisert string `json:"mobiltelefonnummer_sist_verifisert"`
}

// entry maps one person of the answer. Reservation "JA" is reserved; a
// missing reservation (as for a deleted person) is not. A missing or
// unknown varslingsstatus cannot notify.
func (p person) entry(n domain.NationalID) (messaging.RegisterEntry, error) {
	e := messaging.RegisterEntry{NationalID: n}
	switch p.Status {
	case "AKTIV":
		e.Status = messaging.RegisterActive
	case "SLETTET":
		e.Status = messaging.RegisterDeleted
	case "IKKE_REGISTRERT":
		e.Status = messaging.RegisterNotRegistered
	default:
		return e, fmt.Errorf("%w: status %q", ErrFormat, p.Status)
	}
	switch p.Reservasjon {
	case "JA":
		e.Reserved = true
	case "NEI", "":
	default:
		return e, fmt.Errorf("%w: reservasjon %q", ErrFormat, p.Reservasjon)
	}
	e.CanNotify = p.Varslingsstatus == "KAN_VARSLES" && !e.Reserved && e.Status == messaging.RegisterActive
	if k := p.Kontaktinformasjon; k != nil && e.Status == messaging.RegisterActive {
		e.Email = strings.TrimSpace(k.Epostadresse)
		e.Mobile = strings.TrimSpace(k.Mobiltelefonnummer)
		e.EmailUpdated, e.EmailVerified = instant(k.EpostadresseOppdatert), instant(k.EpostadresseSistVerifisert)
		e.MobileUpdated, e.MobileVerified = instant(k.MobiltelefonnummerOppdatert), instant(k.MobiltelefonnummerSistVerifisert)
	}
	return e, nil
}

// instant reads a time in the forms the documentation shows; one it
// cannot read is zero.
func instant(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z07", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
