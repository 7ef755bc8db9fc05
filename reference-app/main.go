// Command reference-app is the municipality's Oppvekst app: a web UI and
// HTTP API over one store, with a fictional demo municipality to click
// through.
//
// Usage:
//
//	go run ./reference-app [-data DIR] [-db postgres://... [-db-role oppvekst_app]] [-addr HOST:PORT] [-seed=false] [-demo=false] [-demo-children N]
//
// It keeps its SQLite database in DIR/oppvekst.db (default ./oppvekst-data,
// or $OPPVEKST_DATA), or runs on PostgreSQL when -db (or
// $OPPVEKST_DATABASE_URL) is a postgres:// URL, and listens on
// 127.0.0.1:8080 (or $OPPVEKST_ADDR). Flags win over the environment.
// With -demo-children N (or $OPPVEKST_DEMO_CHILDREN) the demo municipality
// is seeded with about N children in the proportions of a real one
// (demo.SeedChildren), to try the app at a municipality's size.
// With -db-role (normally oppvekst_app) the app runs on PostgreSQL as a
// role that does not own the tables, and row-level security walls each
// municipality's rows off from the others' (see the README's "Several
// instances on one PostgreSQL": any number of instances may share one
// database). Logs are JSON lines (log/slog) on standard output. SIGINT or SIGTERM shuts
// it down gracefully: /readyz turns 503 at once, requests in flight finish.
//
// Login is OIDC with PKCE, configured by the environment (see web.LoginConfig):
// ID-porten for guardians, Feide for staff. A provider's discovery document
// is read at its first login, not at start-up, so a provider that is down
// stops only its own logins (503) until it is back; logging out ends the
// session at the provider too (see oidc.Provider and logout). In demo mode
// (the default, off with -demo=false or OPPVEKST_DEMO=false) a demo login
// lists the seeded personas.
//
// With -registry (and a Maskinporten token, see the README) the population
// register's change feed is applied daily and on a caseworker's "sync now"
// (internal/registryweb); a new address protection hides the address at
// once, everywhere.
//
// With -krr (and a Maskinporten token for scope
// krr:global/kontaktinformasjon.read: -krr-token-file, OPPVEKST_KRR_TOKEN
// or the Maskinporten client) notices consult the contact and reservation
// register: e-mail and SMS go to the register's details, a reserved
// guardian gets the digital mailbox only (messaging, "Contact register").
// Off by default; the demo uses the guardians' own details.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/folkeregister"
	"github.com/oppvekst/oppvekst/adapters/krr"
	"github.com/oppvekst/oppvekst/adapters/maskinporten"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "oppvekst:", err)
		os.Exit(1)
	}
}

// run starts the app and serves until ctx ends; it returns nil after a
// graceful shutdown.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return runWith(ctx, args, getenv, stdout, server.Options{})
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (server.Config, error) {
	envOr := func(key, fallback string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return fallback
	}
	var c server.Config
	fs := flag.NewFlagSet("oppvekst", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.DataDir, "data", envOr("OPPVEKST_DATA", "./oppvekst-data"), "folder for the SQLite database (env OPPVEKST_DATA)")
	fs.StringVar(&c.Addr, "addr", envOr("OPPVEKST_ADDR", "127.0.0.1:8080"), "address to listen on (env OPPVEKST_ADDR)")
	fs.StringVar(&c.DBURL, "db", getenv("OPPVEKST_DATABASE_URL"), "PostgreSQL URL postgres://… (env OPPVEKST_DATABASE_URL); empty uses SQLite under -data")
	fs.StringVar(&c.DBRole, "db-role", getenv("OPPVEKST_DATABASE_ROLE"), "with -db: the role the app takes on after migrating, normally oppvekst_app (created by the migrations), so that PostgreSQL's row-level security walls each municipality's rows off from the others' (env OPPVEKST_DATABASE_ROLE)")
	fs.BoolVar(&c.Seed, "seed", true, "seed the fictional demo municipalities "+string(demo.Municipality)+" and "+string(demo.Neighbour)+" when they are empty")
	demoChildren := 0
	if v := getenv("OPPVEKST_DEMO_CHILDREN"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return server.Config{}, fmt.Errorf("OPPVEKST_DEMO_CHILDREN must be a whole number of children, 0 or more, not %q", v)
		}
		demoChildren = n
	}
	fs.IntVar(&c.DemoChildren, "demo-children", demoChildren, "seed the demo municipality "+string(demo.Municipality)+" with about this many children, in the proportions of a real one (units, groups, families, an intake), to try the app at a municipality's size; 0 is the small demo of about 150 (env OPPVEKST_DEMO_CHILDREN)")
	// Demo mode is on for go run, and off by default once a real login is
	// configured; OPPVEKST_DEMO=true or false decides either way.
	login, err := web.ParseLoginConfig(getenv)
	if err != nil {
		return server.Config{}, err
	}
	c.Login = login
	demoMode := login.IDPorten == nil && login.Feide == nil
	switch getenv("OPPVEKST_DEMO") {
	case "true":
		demoMode = true
	case "false":
		demoMode = false
	}
	fs.BoolVar(&c.Demo, "demo", demoMode, "offer the demo login listing the seeded personas (env OPPVEKST_DEMO; off by default when OIDC is configured)")
	fs.BoolVar(&c.LoadTest, "load-test", getenv("OPPVEKST_LOAD_TEST") == "true", "for a load test only (scripts/checkin-load): also answer POST "+web.BareCheckPath+", a check-in's answer without the store's work, the baseline the real one is read against (env OPPVEKST_LOAD_TEST=true)")
	fs.StringVar(&c.PprofAddr, "pprof", getenv("OPPVEKST_PPROF"), "address on which to serve Go's profiles (/debug/pprof/), e.g. 127.0.0.1:6060, for profiling; off when empty (env OPPVEKST_PPROF)")
	fs.StringVar(&c.ClientIPHeader, "client-ip-header", getenv("OPPVEKST_CLIENT_IP_HEADER"), "header in which a trusted reverse proxy passes the client's address, e.g. X-Forwarded-For (env OPPVEKST_CLIENT_IP_HEADER)")
	loginLimit := web.LoginAttempts
	if v := getenv("OPPVEKST_LOGIN_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return server.Config{}, fmt.Errorf("OPPVEKST_LOGIN_LIMIT must be a positive whole number, not %q", v)
		}
		loginLimit = n
	}
	fs.IntVar(&c.LoginLimit, "login-limit", loginLimit, "login attempts a client may make a minute (env OPPVEKST_LOGIN_LIMIT)")
	lifetime := web.DefaultSessionLifetime
	if v := getenv("OPPVEKST_SESSION_LIFETIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return server.Config{}, fmt.Errorf("OPPVEKST_SESSION_LIFETIME must be a duration such as 12h, not %q", v)
		}
		lifetime = d
	}
	fs.DurationVar(&c.SessionLifetime, "session-lifetime", lifetime, "how long a session lasts at most, used or not, e.g. 12h; unused it ends after 8h (env OPPVEKST_SESSION_LIFETIME)")
	bootstrap := fs.String("bootstrap-admin", getenv("OPPVEKST_BOOTSTRAP_ADMIN"), "the first administrator of an empty municipality: <kommunenummer>,<Feide principal>,<display name>; does nothing once the municipality has an administrator (env OPPVEKST_BOOTSTRAP_ADMIN)")
	today := fs.String("today", getenv("OPPVEKST_TODAY"), "for a demonstration, training or a browser test, on the embedded database only (refused with -db): the day (YYYY-MM-DD, today or later) the app's clock starts at, 10:00 in Oslo, running on from there (env OPPVEKST_TODAY)")
	retention := fs.String("retention", getenv("OPPVEKST_RETENTION"), "JSON file of municipalities' own retention periods, {\"<kommunenummer>\": {\"periods\": {\"<rule>\": {\"years\": 1}}}}; the national defaults otherwise (env OPPVEKST_RETENTION)")
	fs.StringVar(&c.RegistryURL, "registry", getenv("OPPVEKST_REGISTRY_URL"), "base URL of Skatteetaten's Folkeregister API, rights package offentlig med hjemmel (…/folkeregisteret/offentlig-med-hjemmel/api/v1/); its change feed is applied daily and on a caseworker's \"sync now\"; empty turns the register off (env OPPVEKST_REGISTRY_URL)")
	registryTokenFile := fs.String("registry-token-file", getenv("OPPVEKST_REGISTRY_TOKEN_FILE"), "file holding the Maskinporten access token (scope skatteetaten:medhjemmel) for -registry, read again at every call so that a token renewer can replace it (env OPPVEKST_REGISTRY_TOKEN_FILE; or the token itself in env OPPVEKST_REGISTRY_TOKEN)")
	fs.StringVar(&c.KRRURL, "krr", getenv("OPPVEKST_KRR_URL"), "base URL of Digdir's contact and reservation register (KRR) lookup service (…/rest/v1/); when set, e-mail and SMS notices use the register's details and a reserved guardian gets the digital mailbox only; empty turns it off (env OPPVEKST_KRR_URL)")
	krrTokenFile := fs.String("krr-token-file", getenv("OPPVEKST_KRR_TOKEN_FILE"), "file holding the Maskinporten access token (scope krr:global/kontaktinformasjon.read) for -krr, read again at every call (env OPPVEKST_KRR_TOKEN_FILE; or the token itself in env OPPVEKST_KRR_TOKEN)")
	proxies := fs.String("trusted-proxies", getenv("OPPVEKST_TRUSTED_PROXIES"), "addresses (IPs or CIDR ranges, comma-separated) of the reverse proxies whose X-Forwarded-Proto is believed; none by default (env OPPVEKST_TRUSTED_PROXIES)")
	if err := fs.Parse(args); err != nil {
		return server.Config{}, err
	}
	if c.DemoChildren < 0 {
		return server.Config{}, fmt.Errorf("-demo-children must be 0 or more, not %d", c.DemoChildren)
	}
	if c.TrustedProxies, err = parseProxies(*proxies); err != nil {
		return server.Config{}, err
	}
	if *bootstrap != "" {
		b, err := web.ParseBootstrapAdmin(*bootstrap)
		if err != nil {
			return server.Config{}, err
		}
		c.Bootstrap = &b
	}
	if *retention != "" {
		if c.Retention, err = web.LoadRetentionSettings(*retention); err != nil {
			return server.Config{}, err
		}
	}
	if c.RegistryURL != "" {
		if c.RegistryToken, err = tokenSource("-registry", *registryTokenFile, getenv("OPPVEKST_REGISTRY_TOKEN"), folkeregister.Scope, getenv); err != nil {
			return server.Config{}, err
		}
	}
	if c.KRRURL != "" {
		if c.KRRToken, err = tokenSource("-krr", *krrTokenFile, getenv("OPPVEKST_KRR_TOKEN"), krr.Scope, getenv); err != nil {
			return server.Config{}, err
		}
	}
	if *today != "" {
		// Every record is stamped by this clock: a municipality's real
		// data, which lives in PostgreSQL, must never get tomorrow's date.
		if c.DBURL != "" {
			return server.Config{}, fmt.Errorf("-today is for the embedded database only (demonstrations, training, tests), not with -db")
		}
		d, err := domain.ParseDate("today", *today)
		if err != nil || d < domain.Today(domain.SystemClock{}) {
			return server.Config{}, fmt.Errorf("-today must be a date YYYY-MM-DD, today or later, not %q", *today)
		}
		c.Today = d
	}
	if fs.NArg() > 0 {
		return server.Config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if c.LoginLimit < 1 {
		return server.Config{}, fmt.Errorf("-login-limit must be at least 1")
	}
	if c.SessionLifetime < time.Minute {
		return server.Config{}, fmt.Errorf("-session-lifetime must be at least a minute")
	}
	if c.DBRole != "" && c.DBURL == "" {
		return server.Config{}, fmt.Errorf("-db-role needs -db (PostgreSQL)")
	}
	if c.DBURL != "" && !strings.HasPrefix(c.DBURL, "postgres://") && !strings.HasPrefix(c.DBURL, "postgresql://") {
		return server.Config{}, fmt.Errorf("-db must be a postgres:// URL")
	}
	return c, nil
}

// tokenSource is the token source of a national register (flag names it:
// "-registry", "-krr"): the file, read at every call (a token renewer may
// replace it), or else the static token, or else Maskinporten asked by the
// app itself for scope.
func tokenSource(flag, file, static, scope string, getenv func(string) string) (func(context.Context) (string, error), error) {
	switch {
	case file != "":
		if _, err := os.Stat(file); err != nil {
			return nil, fmt.Errorf("%s-token-file: %w", flag, err)
		}
		return func(context.Context) (string, error) {
			b, err := os.ReadFile(file)
			if err != nil {
				return "", fmt.Errorf("%s token: %w", flag, err)
			}
			tok := strings.TrimSpace(string(b))
			if tok == "" {
				return "", fmt.Errorf("%s token: %s is empty", flag, file)
			}
			return tok, nil
		}, nil
	case strings.TrimSpace(static) != "":
		tok := strings.TrimSpace(static)
		return func(context.Context) (string, error) { return tok, nil }, nil
	case getenv("OPPVEKST_MASKINPORTEN_CLIENT_ID") != "":
		return maskinportenToken(getenv, scope)
	}
	env := "OPPVEKST_" + strings.ToUpper(strings.TrimPrefix(flag, "-")) + "_TOKEN"
	return nil, fmt.Errorf("%s needs a Maskinporten token: %s-token-file, %s or OPPVEKST_MASKINPORTEN_CLIENT_ID", flag, flag, env)
}

// maskinportenToken fetches a register's tokens for scope from
// Maskinporten itself (adapters/maskinporten), with the client's own key.
func maskinportenToken(getenv func(string) string, scope string) (func(context.Context) (string, error), error) {
	or := func(key, fallback string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return fallback
	}
	keyFile := getenv("OPPVEKST_MASKINPORTEN_KEY_FILE")
	if keyFile == "" {
		return nil, fmt.Errorf("OPPVEKST_MASKINPORTEN_KEY_FILE is required with OPPVEKST_MASKINPORTEN_CLIENT_ID")
	}
	pemBytes, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("OPPVEKST_MASKINPORTEN_KEY_FILE: %w", err)
	}
	key, err := maskinporten.ParseKey(pemBytes)
	if err != nil {
		return nil, err
	}
	src, err := maskinporten.New(maskinporten.Options{
		TokenURL: or("OPPVEKST_MASKINPORTEN_TOKEN_URL", "https://maskinporten.no/token"),
		Audience: or("OPPVEKST_MASKINPORTEN_AUDIENCE", "https://maskinporten.no/"),
		ClientID: getenv("OPPVEKST_MASKINPORTEN_CLIENT_ID"), KeyID: getenv("OPPVEKST_MASKINPORTEN_KEY_ID"), Key: key,
		Scopes: []string{scope},
	})
	if err != nil {
		return nil, err
	}
	return src.Token, nil
}

// parseProxies reads a comma-separated list of IP addresses and CIDR
// ranges.
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("-trusted-proxies: %q is not an IP address or CIDR range", f)
			}
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxies: %q is not an IP address or CIDR range", f)
		}
		ip = ip.Unmap()
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out, nil
}

func runWith(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, opts server.Options) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if cfg.Today != date.Zero && opts.Clock == nil {
		// The clock runs on from 10:00 on that day. It never starts in the
		// past: a session cookie's expiry is reckoned by it, and the
		// browser would drop a cookie that expired by its own clock.
		start := time.Date(cfg.Today.Year(), cfg.Today.Month(), cfg.Today.Day(), 10, 0, 0, 0, domain.Oslo())
		opts.Clock = shiftedClock(max(time.Until(start), 0))
	}
	return server.Run(ctx, cfg, getenv, stdout, opts)
}

// shiftedClock is the system clock moved on by a duration (-today).
type shiftedClock time.Duration

func (c shiftedClock) Now() time.Time { return time.Now().Add(time.Duration(c)).In(domain.Oslo()) }
