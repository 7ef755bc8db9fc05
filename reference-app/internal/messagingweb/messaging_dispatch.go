package messagingweb

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	netsmtp "net/smtp"
	"net/url"
	"time"

	"github.com/oppvekst/oppvekst/adapters/digitalpost"
	"github.com/oppvekst/oppvekst/adapters/sms"
	"github.com/oppvekst/oppvekst/adapters/smtp"
	"github.com/oppvekst/oppvekst/adapters/webhook"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// The dispatcher: it sends what messaging wrote to the outbox (every notice
// and message to a guardian) through the transports configured by the
// environment. The server starts it with RunDispatcher.

// dispatchIdle is how long the dispatcher waits after a round that found
// nothing to send.
const dispatchIdle = 2 * time.Second

// Transports builds the transports from the environment:
//
//	OPPVEKST_SMTP_HOST, _PORT (587), _FROM, _USER, _PASSWORD  e-mail (STARTTLS when offered)
//	OPPVEKST_SMS_URL, OPPVEKST_SMS_TOKEN (OPPVEKST_SMS_SENDER) the SMS gateway
//	OPPVEKST_WEBHOOK_URL, OPPVEKST_WEBHOOK_SECRET               signed webhook (the app's push)
//
// The digital mailbox (the only medium of a guardian with a strengt
// fortrolig address) is always the logging adapter until the
// municipality's agreement is in place. In demo mode a medium without
// configuration is logged instead of sent; outside demo mode it has no
// transport, and its deliveries end as dead letters on the outbox page.
// It returns the transports and, per medium, what serves it (for the log).
func Transports(getenv func(string) string, demo bool, log *slog.Logger) ([]messaging.Transport, map[messaging.Medium]string, error) {
	dep, how, err := DeploymentFrom(getenv, demo, log)
	if err != nil {
		return nil, nil, err
	}
	var ts []messaging.Transport
	for _, m := range []messaging.Medium{messaging.DigitalMailbox, messaging.Email, messaging.SMS, messaging.Webhook} {
		if t := dep.Fallback[m]; t != nil {
			ts = append(ts, t)
		}
	}
	return ts, how, nil
}

// DeploymentFrom reads the deployment's transports as Transports does,
// with the options each was built from (a Selector's fallback).
func DeploymentFrom(getenv func(string) string, demo bool, log *slog.Logger) (Deployment, map[messaging.Medium]string, error) {
	dep := Deployment{Fallback: map[messaging.Medium]messaging.Transport{messaging.DigitalMailbox: digitalpost.NewLogger(log)}}
	how := map[messaging.Medium]string{messaging.DigitalMailbox: "logged (digital mailbox adapter)"}
	if host := getenv("OPPVEKST_SMTP_HOST"); host != "" {
		port := getenv("OPPVEKST_SMTP_PORT")
		if port == "" {
			port = "587"
		}
		opts := smtp.Options{Addr: net.JoinHostPort(host, port), From: getenv("OPPVEKST_SMTP_FROM"), TLS: &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}}
		if user := getenv("OPPVEKST_SMTP_USER"); user != "" {
			opts.Auth = netsmtp.PlainAuth("", user, getenv("OPPVEKST_SMTP_PASSWORD"), host)
		}
		t, err := smtp.New(opts)
		if err != nil {
			return Deployment{}, nil, fmt.Errorf("OPPVEKST_SMTP_*: %w", err)
		}
		dep.SMTP, dep.Fallback[messaging.Email], how[messaging.Email] = &opts, t, "smtp "+opts.Addr
	}
	if url := getenv("OPPVEKST_SMS_URL"); url != "" {
		opts := sms.Options{URL: url, Token: getenv("OPPVEKST_SMS_TOKEN"), Sender: getenv("OPPVEKST_SMS_SENDER")}
		t, err := sms.New(opts)
		if err != nil {
			return Deployment{}, nil, fmt.Errorf("OPPVEKST_SMS_*: %w", err)
		}
		dep.SMS, dep.Fallback[messaging.SMS], how[messaging.SMS] = &opts, t, "sms gateway"
	}
	if url := getenv("OPPVEKST_WEBHOOK_URL"); url != "" {
		opts := webhook.Options{URL: url, Secret: []byte(getenv("OPPVEKST_WEBHOOK_SECRET"))}
		t, err := webhook.New(opts)
		if err != nil {
			return Deployment{}, nil, fmt.Errorf("OPPVEKST_WEBHOOK_*: %w", err)
		}
		dep.Webhook, dep.Fallback[messaging.Webhook], how[messaging.Webhook] = &opts, t, "webhook"
	}
	for _, m := range []messaging.Medium{messaging.Email, messaging.SMS, messaging.Webhook} {
		if _, ok := how[m]; ok {
			continue
		}
		if demo {
			dep.Fallback[m], how[m] = logTransport{medium: m, log: log}, "logged (demo mode, not configured)"
		} else {
			how[m] = "none: deliveries become dead letters"
		}
	}
	return dep, how, nil
}

// RunDispatcher sends the outbox until ctx ends. A configuration that
// cannot be used is logged as an error and nothing is sent: the deliveries
// wait in the outbox, nothing is lost.
func RunDispatcher(ctx context.Context, a *web.App, getenv func(string) string, demo bool) {
	RunDispatcherThen(ctx, a, getenv, demo, nil)
}

// RunDispatcherThen is RunDispatcher calling idle (when not nil) once, the
// first time the outbox is empty: the start-up's burst of delivery lines
// is over then (the app prints the demo personas after it, where they do
// not scroll away).
func RunDispatcherThen(ctx context.Context, a *web.App, getenv func(string) string, demo bool, idle func()) {
	d, ar, err := NewDispatcher(a, getenv, demo)
	if err != nil {
		a.Log.Error("messaging: the transports are misconfigured; nothing is sent, deliveries wait in the outbox", "err", err)
		return
	}
	defer ar.Close()
	go func() {
		if err := ar.Listen(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("messaging: the archive's answers are not read", "err", err)
		}
	}()
	for ctx.Err() == nil {
		n, err := d.Drain(ctx)
		if err != nil && ctx.Err() == nil {
			a.Log.Error("messaging: dispatch", "err", err)
		}
		if err == nil && n == 0 && idle != nil {
			idle()
			idle = nil
		}
		if err != nil || n == 0 {
			select {
			case <-ctx.Done():
			case <-time.After(dispatchIdle):
			}
		}
	}
}

// NewDispatcher makes the dispatcher of the outbox with the transports of
// the environment (Transports) and the archive's (ArchiveConfigFrom), and
// logs what serves each medium. The Archiver's Listen reads the archive's
// answers; the caller runs it beside the dispatcher.
func NewDispatcher(a *web.App, getenv func(string) string, demo bool) (*messaging.Dispatcher, *Archiver, error) {
	dep, how, err := DeploymentFrom(getenv, demo, a.Log)
	if err != nil {
		return nil, nil, err
	}
	// Each municipality's deliveries go through its own transport where
	// it has saved settings of its own (/admin/integrations), else the
	// deployment's (Selector).
	sel := &Selector{Store: a.Store, Secrets: SecretsFrom(getenv), Deployment: dep, Log: a.Log}
	ts := []messaging.Transport{dep.Fallback[messaging.DigitalMailbox]}
	for _, m := range []messaging.Medium{messaging.Email, messaging.SMS, messaging.Webhook} {
		ts = append(ts, selecting{medium: m, sel: sel})
	}
	cfg, err := ArchiveConfigFrom(getenv)
	if err != nil {
		return nil, nil, err
	}
	ar, err := NewArchiver(a, cfg, demo)
	if err != nil {
		return nil, nil, err
	}
	if t := ar.Transport(); t != nil {
		ts = append(ts, t)
	}
	how[messaging.Archive] = ar.How()
	attrs := []any{}
	for _, m := range []messaging.Medium{messaging.Email, messaging.SMS, messaging.Webhook, messaging.DigitalMailbox, messaging.Archive} {
		attrs = append(attrs, string(m), how[m])
	}
	a.Log.Info("messaging: dispatcher started", attrs...)
	// The gate holds the deliveries of a municipality that has switched
	// their integration off (/admin/integrations), or whose setting is
	// misconfigured; they wait in the outbox.
	return &messaging.Dispatcher{Outbox: a.Store, Transports: ts, Clock: a.Clock, Gate: Gate{Switch: a.IntegrationGate(), Selector: sel}, Quiet: a.Messaging()}, ar, nil
}

// logTransport logs deliveries instead of sending them (demo mode without a
// configured transport). It never logs the address or the text.
type logTransport struct {
	medium messaging.Medium
	log    *slog.Logger
}

func (t logTransport) Medium() messaging.Medium { return t.medium }

func (t logTransport) Send(ctx context.Context, d messaging.Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.log.LogAttrs(ctx, slog.LevelInfo, "delivery logged, not sent (demo mode: no transport configured)",
		slog.String("key", d.Key), slog.String("kind", d.Kind), slog.String("medium", string(d.Medium)),
		slog.String("municipality", string(d.Municipality)), slog.Bool("urgent", d.Urgent))
	return nil
}

// Defaults describes the deployment's configuration of each integration,
// as Transports and the -krr flag read it, for the integration settings
// page (web.App.IntegrationDefaults): on when configured (or, in demo
// mode, logged), with its endpoint and identifiers; a password, token or
// secret is named by the environment variable that holds it, never shown.
func Defaults(getenv func(string) string, demo bool, krrURL string) []domain.IntegrationSetting {
	set := func(i domain.Integration, on bool, endpoint string, values map[string]string) domain.IntegrationSetting {
		s := domain.IntegrationSetting{Integration: i, State: domain.IntegrationOff, Endpoint: endpoint, Values: values}
		if on {
			s.State = domain.IntegrationOn
		}
		return s.Normalize()
	}
	ref := func(env string) string {
		if getenv(env) == "" && getenv(env+"_FILE") == "" {
			return ""
		}
		return "env:" + env
	}
	var out []domain.IntegrationSetting
	out = append(out, set(domain.IntegrationFiksIO, false, "", nil))
	out = append(out, set(domain.IntegrationKRR, krrURL != "", safeURL(krrURL), map[string]string{
		"tokenRef": ref("OPPVEKST_KRR_TOKEN"), "maskinportenClient": getenv("OPPVEKST_MASKINPORTEN_CLIENT_ID"), "keyRef": ref("OPPVEKST_MASKINPORTEN_KEY_FILE")}))
	email := ""
	if host := getenv("OPPVEKST_SMTP_HOST"); host != "" {
		port := getenv("OPPVEKST_SMTP_PORT")
		if port == "" {
			port = "587"
		}
		email = "smtp://" + net.JoinHostPort(host, port)
	}
	out = append(out, set(domain.IntegrationEmail, email != "" || demo, email, map[string]string{
		"from": getenv("OPPVEKST_SMTP_FROM"), "user": getenv("OPPVEKST_SMTP_USER"), "passwordRef": ref("OPPVEKST_SMTP_PASSWORD")}))
	sms := safeURL(getenv("OPPVEKST_SMS_URL"))
	out = append(out, set(domain.IntegrationSMS, sms != "" || demo, sms, map[string]string{
		"sender": getenv("OPPVEKST_SMS_SENDER"), "tokenRef": ref("OPPVEKST_SMS_TOKEN")}))
	out = append(out, set(domain.IntegrationDigitalMailbox, true, "", nil))
	hook := safeURL(getenv("OPPVEKST_WEBHOOK_URL"))
	out = append(out, set(domain.IntegrationWebhook, hook != "" || demo, hook, map[string]string{"secretRef": ref("OPPVEKST_WEBHOOK_SECRET")}))
	return out
}

// safeURL is a URL without its user information, query and fragment
// (where a token might hide), for showing.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if raw == "" || err != nil {
		return ""
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}
