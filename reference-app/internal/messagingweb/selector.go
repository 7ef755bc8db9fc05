package messagingweb

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	netsmtp "net/smtp"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/oppvekst/oppvekst/adapters/krr"
	"github.com/oppvekst/oppvekst/adapters/sms"
	"github.com/oppvekst/oppvekst/adapters/smtp"
	"github.com/oppvekst/oppvekst/adapters/webhook"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// Per-municipality integrations: what a municipality saved at
// /admin/integrations (domain.IntegrationSetting) is used for its own
// deliveries and lookups, the deployment's configuration (flags and
// environment) filling every field it left blank.
//
// A Selector builds, per municipality and integration, the contact
// register or transport of the current setting, and keeps it until the
// setting's version changes. A municipality that never saved a setting,
// or saved one with no field of its own, uses the deployment's. A setting
// whose secret reference cannot be resolved, or whose values the adapter
// refuses, is misconfigured: the Selector logs it (municipality,
// integration and reason, never a value), the dispatcher holds the
// municipality's deliveries through it (they wait in the outbox), the
// contact register is read as one that cannot answer (the notice goes to
// the digital mailbox, as when KRR is down), and the integrations page
// shows the problem (Selector.Check).

// Secrets resolves the secret references of integration settings:
//
//	env:NAME   the environment variable NAME (or, when it is empty, the
//	           file named by NAME_FILE)
//	other      the file of that name under Dir (OPPVEKST_SECRETS_DIR),
//	           read at every use so a renewer may replace it
//
// The value is trimmed; an empty one does not resolve.
type Secrets struct {
	Getenv func(string) string
	Dir    string
}

// SecretsFrom is the secret store of the environment.
func SecretsFrom(getenv func(string) string) Secrets {
	return Secrets{Getenv: getenv, Dir: getenv("OPPVEKST_SECRETS_DIR")}
}

// ErrUnresolved is the error of a secret reference that names nothing.
var ErrUnresolved = errors.New("secret reference does not resolve")

// Resolve returns the secret ref names.
func (s Secrets) Resolve(ref string) (string, error) {
	var v string
	if name, ok := strings.CutPrefix(ref, "env:"); ok {
		if s.Getenv != nil {
			v = s.Getenv(name)
			if strings.TrimSpace(v) == "" && s.Getenv(name+"_FILE") != "" {
				b, err := os.ReadFile(s.Getenv(name + "_FILE"))
				if err != nil {
					return "", fmt.Errorf("%w: %s: the file of %s_FILE cannot be read", ErrUnresolved, ref, name)
				}
				v = string(b)
			}
		}
	} else {
		if s.Dir == "" || !filepath.IsLocal(ref) {
			return "", fmt.Errorf("%w: %s: no secrets folder (OPPVEKST_SECRETS_DIR)", ErrUnresolved, ref)
		}
		b, err := os.ReadFile(filepath.Join(s.Dir, filepath.FromSlash(ref)))
		if err != nil {
			return "", fmt.Errorf("%w: %s: not in the secrets folder", ErrUnresolved, ref)
		}
		v = string(b)
	}
	if v = strings.TrimSpace(v); v == "" {
		return "", fmt.Errorf("%w: %s is empty", ErrUnresolved, ref)
	}
	return v, nil
}

// Deployment is the deployment's own configuration of the integrations a
// Selector builds from: every municipality's fallback. A nil part is not
// configured.
type Deployment struct {
	// KRRURL and KRRToken are the contact register's (-krr).
	KRRURL   string
	KRRToken func(ctx context.Context) (string, error)
	// KRRHTTP makes the register's requests; the adapter's default when nil.
	KRRHTTP *http.Client
	SMTP    *smtp.Options
	SMS     *sms.Options
	Webhook *webhook.Options
	// Fallback are the transports of the deployment, per medium (including
	// the demo's logging ones), used when a municipality has nothing of
	// its own.
	Fallback map[messaging.Medium]messaging.Transport
}

// Selector picks a municipality's contact register and transports.
type Selector struct {
	Store interface {
		IntegrationSettings(ctx context.Context, m domain.Municipality) ([]domain.IntegrationSetting, error)
	}
	Secrets    Secrets
	Deployment Deployment
	Log        *slog.Logger

	mu    sync.Mutex
	built map[builtKey]builtValue
}

type builtKey struct {
	m domain.Municipality
	i domain.Integration
}

type builtValue struct {
	version int
	value   any
	err     error
}

// setting is the municipality's current setting of i (zero when none).
func (s *Selector) setting(ctx context.Context, m domain.Municipality, i domain.Integration) (domain.IntegrationSetting, error) {
	ss, err := s.Store.IntegrationSettings(ctx, m)
	if err != nil {
		return domain.IntegrationSetting{}, err
	}
	for _, st := range ss {
		if st.Integration == i {
			return st, nil
		}
	}
	return domain.IntegrationSetting{Municipality: m, Integration: i, State: domain.IntegrationDefault}, nil
}

// own reports whether a setting has any value of its own to use.
func own(st domain.IntegrationSetting) bool { return st.Endpoint != "" || len(st.Values) > 0 }

// build returns what make builds of the municipality's current setting of
// i, from the cache while the setting's version is the same. An error of
// make is kept too (and logged once per version).
func (s *Selector) build(ctx context.Context, m domain.Municipality, i domain.Integration, mk func(domain.IntegrationSetting) (any, error)) (any, error) {
	st, err := s.setting(ctx, m, i)
	if err != nil {
		return nil, err
	}
	k := builtKey{m, i}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.built[k]; ok && b.version == st.Version {
		return b.value, b.err
	}
	v, cause := mk(st)
	if cause != nil {
		v, err = nil, &MisconfiguredError{Municipality: m, Integration: i, Version: st.Version, Err: cause}
		if s.Log != nil {
			s.Log.Error("integrations: a municipality's setting is misconfigured and not used until mended (deliveries through it wait; a contact register counts as unavailable)",
				"municipality", string(m), "integration", string(i), "version", st.Version, "err", cause.Error())
		}
	}
	if old, ok := s.built[k]; ok {
		if c, ok := old.value.(interface{ Close() error }); ok {
			_ = c.Close()
		}
	}
	if s.built == nil {
		s.built = map[builtKey]builtValue{}
	}
	s.built[k] = builtValue{version: st.Version, value: v, err: err}
	return v, err
}

// MisconfiguredError is a municipality's integration setting that cannot
// be used. Its message names the setting's version and the reason, never
// a secret.
type MisconfiguredError struct {
	Municipality domain.Municipality
	Integration  domain.Integration
	Version      int
	Err          error
}

func (e *MisconfiguredError) Error() string {
	return fmt.Sprintf("integration %s of municipality %s (version %d) is misconfigured: %v", e.Integration, e.Municipality, e.Version, e.Err)
}

func (e *MisconfiguredError) Unwrap() error { return e.Err }

// or is v, or fallback when v is blank.
func or(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}

// RegisterFor is the contact register of municipality m
// (messaging.RegisterSource): its own base URL (endpoint) and token
// (values.tokenRef, a reference to an access token for scope
// krr:global/kontaktinformasjon.read), each blank one the deployment's;
// nil when neither it nor the deployment has one.
func (s *Selector) RegisterFor(ctx context.Context, m domain.Municipality) (messaging.ContactRegister, error) {
	v, err := s.build(ctx, m, domain.IntegrationKRR, func(st domain.IntegrationSetting) (any, error) {
		d := s.Deployment
		base := or(st.Endpoint, d.KRRURL)
		if base == "" {
			return nil, nil
		}
		token := d.KRRToken
		if ref := st.Value("tokenRef"); ref != "" {
			if _, err := s.Secrets.Resolve(ref); err != nil {
				return nil, err
			}
			token = func(context.Context) (string, error) { return s.Secrets.Resolve(ref) }
		}
		if token == nil {
			return nil, errors.New("no token for the contact register: set tokenRef")
		}
		return krr.New(krr.Options{BaseURL: base, Token: token, HTTPClient: d.KRRHTTP})
	})
	if err != nil || v == nil {
		return nil, err
	}
	return v.(messaging.ContactRegister), nil
}

// TransportFor is the transport of medium md for municipality m: built
// from its own setting where it has values of its own and the adapter
// takes them (e-mail: endpoint, from, user, passwordRef; SMS: endpoint,
// sender, tokenRef; webhook: endpoint, secretRef), else the deployment's;
// nil when there is none.
func (s *Selector) TransportFor(ctx context.Context, m domain.Municipality, md messaging.Medium) (messaging.Transport, error) {
	i := md.Integration()
	var mk func(domain.IntegrationSetting) (messaging.Transport, error)
	switch md {
	case messaging.Email:
		mk = s.emailTransport
	case messaging.SMS:
		mk = s.smsTransport
	case messaging.Webhook:
		mk = s.webhookTransport
	default:
		return s.Deployment.Fallback[md], nil
	}
	v, err := s.build(ctx, m, i, func(st domain.IntegrationSetting) (any, error) {
		if !own(st) {
			return s.Deployment.Fallback[md], nil
		}
		return mk(st)
	})
	if err != nil || v == nil {
		return nil, err
	}
	return v.(messaging.Transport), nil
}

// secret resolves the reference of field name, or returns fallback when
// the setting has none.
func (s *Selector) secret(st domain.IntegrationSetting, name, fallback string) (string, error) {
	if ref := st.Value(name); ref != "" {
		return s.Secrets.Resolve(ref)
	}
	return fallback, nil
}

func (s *Selector) emailTransport(st domain.IntegrationSetting) (messaging.Transport, error) {
	var opts smtp.Options
	if d := s.Deployment.SMTP; d != nil {
		opts = *d
	}
	if st.Endpoint != "" {
		u, err := url.Parse(st.Endpoint)
		if err != nil {
			return nil, errors.New("endpoint is not a URL")
		}
		port := u.Port()
		if port == "" {
			port = "587"
			if strings.EqualFold(u.Scheme, "smtps") {
				port = "465"
			}
		}
		opts.Addr = net.JoinHostPort(u.Hostname(), port)
		opts.TLS = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
		opts.Auth = nil
	}
	if opts.Addr == "" {
		return nil, errors.New("no SMTP server: set the endpoint")
	}
	opts.From = or(st.Value("from"), opts.From)
	if st.Value("from") != "" {
		// The deployment's display name belongs to its own address.
		opts.FromName = ""
		opts.Domain = ""
	}
	if user := st.Value("user"); user != "" || st.Value("passwordRef") != "" {
		pw, err := s.secret(st, "passwordRef", "")
		if err != nil {
			return nil, err
		}
		host, _, _ := net.SplitHostPort(opts.Addr)
		opts.Auth = netsmtp.PlainAuth("", user, pw, host)
	}
	return smtp.New(opts)
}

func (s *Selector) smsTransport(st domain.IntegrationSetting) (messaging.Transport, error) {
	var opts sms.Options
	if d := s.Deployment.SMS; d != nil {
		opts = *d
	}
	opts.URL = or(st.Endpoint, opts.URL)
	opts.Sender = or(st.Value("sender"), opts.Sender)
	tok, err := s.secret(st, "tokenRef", opts.Token)
	if err != nil {
		return nil, err
	}
	opts.Token = tok
	if opts.URL == "" {
		return nil, errors.New("no SMS gateway: set the endpoint")
	}
	return sms.New(opts)
}

func (s *Selector) webhookTransport(st domain.IntegrationSetting) (messaging.Transport, error) {
	var opts webhook.Options
	if d := s.Deployment.Webhook; d != nil {
		opts = *d
	}
	opts.URL = or(st.Endpoint, opts.URL)
	sec, err := s.secret(st, "secretRef", string(opts.Secret))
	if err != nil {
		return nil, err
	}
	opts.Secret = []byte(sec)
	if opts.URL == "" {
		return nil, errors.New("no webhook URL: set the endpoint")
	}
	return webhook.New(opts)
}

// Check reports whether municipality m's setting of integration i can be
// used: nil, or a *MisconfiguredError (for the integrations page).
func (s *Selector) Check(ctx context.Context, m domain.Municipality, i domain.Integration) error {
	var err error
	switch i {
	case domain.IntegrationKRR:
		_, err = s.RegisterFor(ctx, m)
	case domain.IntegrationEmail:
		_, err = s.TransportFor(ctx, m, messaging.Email)
	case domain.IntegrationSMS:
		_, err = s.TransportFor(ctx, m, messaging.SMS)
	case domain.IntegrationWebhook:
		_, err = s.TransportFor(ctx, m, messaging.Webhook)
	}
	return err
}

// Gate is the dispatcher's gate: shut when the municipality has switched
// the integration off (domain.IntegrationGate) or when its setting is
// misconfigured (the deliveries wait in the outbox until it is mended).
type Gate struct {
	Switch   messaging.Gate
	Selector *Selector
}

// Open reports whether the integration may be used for the municipality.
func (g Gate) Open(ctx context.Context, m domain.Municipality, i domain.Integration) (bool, error) {
	open, err := g.Switch.Open(ctx, m, i)
	if err != nil || !open {
		return open, err
	}
	if err := g.Selector.Check(ctx, m, i); err != nil {
		var mis *MisconfiguredError
		if errors.As(err, &mis) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// selecting is the transport of one medium that sends each delivery
// through its municipality's transport.
type selecting struct {
	medium messaging.Medium
	sel    *Selector
}

func (t selecting) Medium() messaging.Medium { return t.medium }

func (t selecting) Send(ctx context.Context, d messaging.Delivery) error {
	tr, err := t.sel.TransportFor(ctx, d.Municipality, t.medium)
	if err != nil {
		// Misconfigured since the gate was asked: retried later.
		return err
	}
	if tr == nil {
		return messaging.Permanent(fmt.Errorf("no transport for medium %q", t.medium))
	}
	return tr.Send(ctx, d)
}
