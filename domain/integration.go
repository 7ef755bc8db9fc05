package domain

import (
	"context"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Integrations: each municipality's settings for the national services and
// transports it talks to (KS Fiks IO, the contact register KRR, e-mail,
// SMS, the digital mailbox, webhooks). One deployment serves several
// municipalities; what the deployment is configured with (its flags and
// environment) is every municipality's default, and a municipality may
// switch an integration off, or on with its own endpoint, identifiers and
// references.
//
// A setting never holds a secret. A certificate, key, password or token is
// named by reference: the name under which the deployment's secret store
// (a file under a secrets folder, a vault path, an environment variable)
// keeps it. Every change is a new version kept as history; the current
// setting is the latest version.

// Integration names one integration.
type Integration string

// Integrations a municipality may set.
const (
	// IntegrationFiksIO is KS Fiks IO: letters to the archive (Fiks
	// arkiv) and to the digital mailbox, over AMQP.
	IntegrationFiksIO Integration = "fiks-io"
	// IntegrationKRR is the contact and reservation register (KRR),
	// consulted before a notice goes out by e-mail or SMS.
	IntegrationKRR Integration = "krr"
	// IntegrationEmail is e-mail over SMTP.
	IntegrationEmail Integration = "email"
	// IntegrationSMS is the SMS gateway.
	IntegrationSMS Integration = "sms"
	// IntegrationDigitalMailbox is the national digital mailbox
	// (Digipost, e-Boks).
	IntegrationDigitalMailbox Integration = "digital-mailbox"
	// IntegrationWebhook is the signed webhook that pushes to the app.
	IntegrationWebhook Integration = "webhook"
)

var integrations = []Integration{IntegrationFiksIO, IntegrationKRR, IntegrationEmail, IntegrationSMS, IntegrationDigitalMailbox, IntegrationWebhook}

// Integrations lists every integration, in the order pages show them.
func Integrations() []Integration { return slices.Clone(integrations) }

// ParseIntegration accepts the name of an integration.
func ParseIntegration(field, s string) (Integration, error) {
	if i := Integration(s); slices.Contains(integrations, i) {
		return i, nil
	}
	return "", Invalid(field, "is-not-an-integration")
}

// IntegrationState is whether a municipality uses an integration.
type IntegrationState string

// States of an integration.
const (
	// IntegrationDefault: the municipality follows the deployment's
	// configuration (on when the deployment has configured it).
	IntegrationDefault IntegrationState = "default"
	// IntegrationOn: on; a blank field takes the deployment's value.
	IntegrationOn IntegrationState = "on"
	// IntegrationOff: off for this municipality. Deliveries through it
	// wait in the outbox until it is on again; the contact register is
	// not consulted.
	IntegrationOff IntegrationState = "off"
)

// FieldKind is how a field of an integration is checked.
type FieldKind string

// Kinds of field.
const (
	// FieldUUID is an account or client identifier written as a UUID.
	FieldUUID FieldKind = "uuid"
	// FieldReference names a secret (certificate, key, password, token)
	// in the deployment's secret store; never the secret itself.
	FieldReference FieldKind = "reference"
	// FieldName is a short identifier: letters, digits, '.', '_', '-',
	// ':' and '/' (a queue prefix, a scope, a sender name, a user name).
	FieldName FieldKind = "name"
	// FieldEmail is an e-mail address.
	FieldEmail FieldKind = "email"
)

// IntegrationField is one field of an integration besides its endpoint.
type IntegrationField struct {
	Name string
	Kind FieldKind
}

// integrationSpecs are, per integration, the URL schemes its endpoint may
// have (the first is the secure one; a plain one is allowed on the
// loopback interface only) and its fields.
var integrationSpecs = map[Integration]struct {
	schemes [2]string
	fields  []IntegrationField
}{
	IntegrationFiksIO: {[2]string{"amqps", "amqp"}, []IntegrationField{
		{"senderAccount", FieldUUID}, {"archiveAccount", FieldUUID}, {"mailboxAccount", FieldUUID},
		{"queuePrefix", FieldName}, {"integrationId", FieldUUID}, {"integrationPasswordRef", FieldReference},
		{"certificateRef", FieldReference}}},
	IntegrationKRR: {[2]string{"https", "http"}, []IntegrationField{
		{"tokenRef", FieldReference}, {"maskinportenClient", FieldUUID}, {"scope", FieldName}, {"keyRef", FieldReference}}},
	IntegrationEmail: {[2]string{"smtps", "smtp"}, []IntegrationField{
		{"from", FieldEmail}, {"user", FieldName}, {"passwordRef", FieldReference}}},
	IntegrationSMS: {[2]string{"https", "http"}, []IntegrationField{
		{"sender", FieldName}, {"tokenRef", FieldReference}}},
	IntegrationDigitalMailbox: {[2]string{"https", "http"}, []IntegrationField{
		{"certificateRef", FieldReference}}},
	IntegrationWebhook: {[2]string{"https", "http"}, []IntegrationField{
		{"secretRef", FieldReference}}},
}

// Fields lists the integration's fields besides its endpoint, in the
// order pages show them.
func (i Integration) Fields() []IntegrationField {
	return slices.Clone(integrationSpecs[i].fields)
}

// Scheme is the URL scheme the integration's endpoint has ("https",
// "amqps", "smtps"); the plain one ("http", "amqp", "smtp") is allowed
// only on the loopback interface.
func (i Integration) Scheme() string { return integrationSpecs[i].schemes[0] }

// Limits of a setting's text.
const (
	// MaxEndpointLength is the longest endpoint URL, in bytes.
	MaxEndpointLength = 500
	// MaxFieldLength is the longest field, in bytes.
	MaxFieldLength = 200
)

// IntegrationSetting is one version of a municipality's setting of one
// integration.
type IntegrationSetting struct {
	Municipality Municipality     `json:"municipality"`
	Integration  Integration      `json:"integration"`
	State        IntegrationState `json:"state"`
	// Endpoint is the URL of the service (for Fiks IO the AMQP URL, for
	// e-mail smtps://host:port or smtp://host:587 with STARTTLS); blank
	// takes the deployment's. It carries no user name or password.
	Endpoint string `json:"endpoint,omitempty"`
	// Values are the integration's fields (Integration.Fields) by name;
	// a field left out or blank takes the deployment's value.
	Values map[string]string `json:"values,omitempty"`
	// Version counts the changes: 1 for the first saved setting. The
	// caller sets it (the current version plus one), with ChangedAt and
	// ChangedBy.
	Version   int       `json:"version"`
	ChangedAt time.Time `json:"changedAt"`
	// ChangedBy is who saved the version: the actor's display name, or
	// its subject when it has none.
	ChangedBy string `json:"changedBy"`
}

// Enabled reports whether the setting lets the integration be used: on,
// or left to the deployment (which may have it configured or not).
func (s IntegrationSetting) Enabled() bool { return s.State != IntegrationOff }

// Value returns the named field, or "".
func (s IntegrationSetting) Value(name string) string { return s.Values[name] }

// Same reports whether two settings say the same: state, endpoint and
// fields, whatever their versions, times and authors.
func (s IntegrationSetting) Same(o IntegrationSetting) bool {
	if s.Municipality != o.Municipality || s.Integration != o.Integration || s.State != o.State || s.Endpoint != o.Endpoint {
		return false
	}
	for k, v := range s.Values {
		if o.Values[k] != v {
			return false
		}
	}
	for k, v := range o.Values {
		if s.Values[k] != v {
			return false
		}
	}
	return true
}

// Normalize trims the text of the setting and drops blank fields.
func (s IntegrationSetting) Normalize() IntegrationSetting {
	s.Endpoint = strings.TrimSpace(s.Endpoint)
	var vs map[string]string
	for k, v := range s.Values {
		if v = strings.TrimSpace(v); v != "" {
			if vs == nil {
				vs = map[string]string{}
			}
			vs[k] = v
		}
	}
	s.Values = vs
	return s
}

// Validate checks a setting before it is saved: a known integration and
// state; an endpoint that is an absolute URL of the integration's secure
// scheme (the plain one only on the loopback interface), with a host and
// no user or password in it; the integration's own fields only, each of
// its kind; no control characters; no text longer than the limits. Each
// problem is a field error with a reason code: the endpoint's field is
// "endpoint", a value's "values.<name>".
func (s IntegrationSetting) Validate() error {
	var p Problems
	p.Merge("", s.Municipality.Validate())
	spec, known := integrationSpecs[s.Integration]
	if !known {
		p.Add("integration", "is-not-an-integration")
	}
	switch s.State {
	case IntegrationDefault, IntegrationOn, IntegrationOff:
	default:
		p.Add("state", "must-be-default-on-or-off")
	}
	if s.Version < 1 {
		p.Add("version", "not-positive")
	}
	if s.ChangedAt.IsZero() {
		p.Add("changedAt", "required")
	}
	if s.Endpoint != "" && known {
		if code := checkEndpoint(s.Endpoint, spec.schemes); code != "" {
			p.Add("endpoint", code, "scheme", spec.schemes[0])
		}
	}
	names := make([]string, 0, len(s.Values))
	for k := range s.Values {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		field := "values." + name
		i := slices.IndexFunc(spec.fields, func(f IntegrationField) bool { return f.Name == name })
		if i < 0 {
			if known {
				p.Add(field, "is-not-a-field-of-the-integration")
			}
			continue
		}
		if code := checkField(spec.fields[i].Kind, s.Values[name]); code != "" {
			p.Add(field, code)
		}
	}
	return p.Err()
}

// settingText refuses text that is not UTF-8, holds a control character or
// is longer than max bytes.
func settingText(v string, max int) string {
	switch {
	case !utf8.ValidString(v):
		return ReasonUTF8
	case strings.ContainsFunc(v, isControl):
		return ReasonControl
	case len(v) > max:
		return "too-long"
	}
	return ""
}

func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }

// checkEndpoint is the reason an endpoint is refused, or "".
func checkEndpoint(v string, schemes [2]string) string {
	if code := settingText(v, MaxEndpointLength); code != "" {
		return code
	}
	u, err := url.Parse(v)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return "not-an-absolute-url"
	}
	if u.User != nil {
		return "no-credentials-in-the-url"
	}
	switch strings.ToLower(u.Scheme) {
	case schemes[0]:
		return ""
	case schemes[1]:
		if isLoopback(u.Hostname()) {
			return ""
		}
	}
	return "must-use-the-secure-scheme"
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// checkField is the reason a field's value is refused, or "".
func checkField(kind FieldKind, v string) string {
	if code := settingText(v, MaxFieldLength); code != "" {
		return code
	}
	switch kind {
	case FieldUUID:
		if _, err := uuid.Parse(v); err != nil || len(v) != 36 {
			return "must-be-a-uuid"
		}
	case FieldReference:
		if strings.HasPrefix(v, "-----BEGIN") || strings.Contains(v, "PRIVATE KEY") {
			return "must-be-a-reference-not-a-secret"
		}
		if !isReference(v) {
			return "must-be-a-reference"
		}
	case FieldName:
		if !isName(v) {
			return "must-be-a-name"
		}
	case FieldEmail:
		at := strings.LastIndexByte(v, '@')
		if at < 1 || at == len(v)-1 || strings.ContainsAny(v, " <>,;\"") || !strings.Contains(v[at:], ".") {
			return "must-be-an-email-address"
		}
	}
	return ""
}

// isName: letters, digits and . _ - : / only.
func isName(v string) bool {
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-:/", r)) {
			return false
		}
	}
	return true
}

// isReference: a name (see isName) that starts with a letter or digit and
// has no ".." segment, so that a secret store reading it as a path stays
// inside its folder.
func isReference(v string) bool {
	if !isName(v) || strings.Contains(v, "..") {
		return false
	}
	c := v[0]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// IntegrationStore keeps the municipalities' integration settings, every
// version of them.
type IntegrationStore interface {
	// IntegrationSettings returns the municipality's current setting of
	// each integration it has saved one for (the latest version), in the
	// order of Integrations. An integration never saved is left out: it
	// follows the deployment.
	IntegrationSettings(ctx context.Context, m Municipality) ([]IntegrationSetting, error)
	// PutIntegrationSetting validates s and saves it as the next version
	// of its integration: s.Version must be the current version plus one
	// (1 for the first), else ErrConflict, so that two saves at once do
	// not overwrite each other unseen.
	PutIntegrationSetting(ctx context.Context, s IntegrationSetting) error
	// IntegrationHistory lists every kept version of the municipality's
	// setting of integration i, newest first.
	IntegrationHistory(ctx context.Context, m Municipality, i Integration) ([]IntegrationSetting, error)
}

// IntegrationGate answers whether a municipality lets an integration be
// used, from its settings in Store: not when it has switched it off; when
// it has switched it on or never set it (the deployment decides then).
// It implements the gate the messaging dispatcher asks.
type IntegrationGate struct {
	Store interface {
		IntegrationSettings(ctx context.Context, m Municipality) ([]IntegrationSetting, error)
	}
}

// Open reports whether integration i may be used for municipality m.
func (g IntegrationGate) Open(ctx context.Context, m Municipality, i Integration) (bool, error) {
	ss, err := g.Store.IntegrationSettings(ctx, m)
	if err != nil {
		return false, err
	}
	for _, s := range ss {
		if s.Integration == i {
			return s.Enabled(), nil
		}
	}
	return true, nil
}

// IntegrationChanged is the conflict of a save whose version is not the
// next one: someone saved the integration since it was read.
func IntegrationChanged() error {
	return &ConflictError{Field: "version", Reason: "integration-changed-since-read"}
}

// SortIntegrationSettings sorts settings in the order of Integrations,
// then by version, and returns them.
func SortIntegrationSettings(ss []IntegrationSetting) []IntegrationSetting {
	slices.SortFunc(ss, func(a, b IntegrationSetting) int {
		if c := slices.Index(integrations, a.Integration) - slices.Index(integrations, b.Integration); c != 0 {
			return c
		}
		return a.Version - b.Version
	})
	return ss
}
