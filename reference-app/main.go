// Command reference-app is the municipality's Oppvekst app: a web UI and
// HTTP API over one store, with a fictional demo municipality to click
// through.
//
// Usage:
//
//	go run ./reference-app [-data DIR] [-db postgres://...] [-addr HOST:PORT] [-seed=false] [-demo=false]
//
// It keeps its SQLite database in DIR/oppvekst.db (default ./oppvekst-data,
// or $OPPVEKST_DATA), or runs on PostgreSQL when -db (or
// $OPPVEKST_DATABASE_URL) is a postgres:// URL, and listens on
// 127.0.0.1:8080 (or $OPPVEKST_ADDR). Flags win over the environment.
// Logs are JSON lines (log/slog) on standard output. SIGINT or SIGTERM shuts
// it down gracefully: /readyz turns 503 at once, requests in flight finish.
//
// Login is OIDC with PKCE, configured by the environment (see loginConfig):
// ID-porten for guardians, Feide for staff. A provider's discovery document
// is read at its first login, not at start-up, so a provider that is down
// stops only its own logins (503) until it is back; logging out ends the
// session at the provider too (see oidcProvider and logout). In demo mode
// (the default, off with -demo=false or OPPVEKST_DEMO=false) a demo login
// lists the seeded personas.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/messaging"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
)

// shutdownTimeout is how long requests in flight get to finish after a
// shutdown signal.
const shutdownTimeout = 10 * time.Second

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
	return runWith(ctx, args, getenv, stdout, options{})
}

// options are what tests may change about run.
type options struct {
	// ready, when set, is called with the address the server listens on
	// once it accepts connections.
	ready func(addr string)
	// clock defaults to the system clock.
	clock domain.Clock
}

// config is the parsed command line and environment.
type config struct {
	dataDir string
	dbURL   string // postgres://… runs on PostgreSQL instead of SQLite
	addr    string
	seed    bool
	demo    bool // the demo login is offered
	// clientIPHeader is the header a trusted proxy sets to the client's
	// address (X-Forwarded-For); login attempts are limited per client.
	clientIPHeader string
	// loginLimit is how many login attempts a client may make a minute.
	loginLimit int
	login      loginConfig
	// trustedProxies are the reverse proxies whose X-Forwarded-Proto the
	// app believes (for HSTS); none by default.
	trustedProxies []netip.Prefix
	// sessionLifetime is how long a session lasts at most, used or not.
	sessionLifetime time.Duration
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	envOr := func(key, fallback string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return fallback
	}
	var c config
	fs := flag.NewFlagSet("oppvekst", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.dataDir, "data", envOr("OPPVEKST_DATA", "./oppvekst-data"), "folder for the SQLite database (env OPPVEKST_DATA)")
	fs.StringVar(&c.addr, "addr", envOr("OPPVEKST_ADDR", "127.0.0.1:8080"), "address to listen on (env OPPVEKST_ADDR)")
	fs.StringVar(&c.dbURL, "db", getenv("OPPVEKST_DATABASE_URL"), "PostgreSQL URL postgres://… (env OPPVEKST_DATABASE_URL); empty uses SQLite under -data")
	fs.BoolVar(&c.seed, "seed", true, "seed the fictional demo municipalities "+string(demoMunicipality)+" and "+string(neighbourMunicipality)+" when they are empty")
	// Demo mode is on for go run, and off by default once a real login is
	// configured; OPPVEKST_DEMO=true or false decides either way.
	login, err := parseLoginConfig(getenv)
	if err != nil {
		return config{}, err
	}
	c.login = login
	demoMode := login.idporten == nil && login.feide == nil
	switch getenv("OPPVEKST_DEMO") {
	case "true":
		demoMode = true
	case "false":
		demoMode = false
	}
	fs.BoolVar(&c.demo, "demo", demoMode, "offer the demo login listing the seeded personas (env OPPVEKST_DEMO; off by default when OIDC is configured)")
	fs.StringVar(&c.clientIPHeader, "client-ip-header", getenv("OPPVEKST_CLIENT_IP_HEADER"), "header in which a trusted reverse proxy passes the client's address, e.g. X-Forwarded-For (env OPPVEKST_CLIENT_IP_HEADER)")
	loginLimit := loginAttempts
	if v := getenv("OPPVEKST_LOGIN_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return config{}, fmt.Errorf("OPPVEKST_LOGIN_LIMIT must be a positive whole number, not %q", v)
		}
		loginLimit = n
	}
	fs.IntVar(&c.loginLimit, "login-limit", loginLimit, "login attempts a client may make a minute (env OPPVEKST_LOGIN_LIMIT)")
	lifetime := defaultSessionLifetime
	if v := getenv("OPPVEKST_SESSION_LIFETIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return config{}, fmt.Errorf("OPPVEKST_SESSION_LIFETIME must be a duration such as 12h, not %q", v)
		}
		lifetime = d
	}
	fs.DurationVar(&c.sessionLifetime, "session-lifetime", lifetime, "how long a session lasts at most, used or not, e.g. 12h; unused it ends after 8h (env OPPVEKST_SESSION_LIFETIME)")
	proxies := fs.String("trusted-proxies", getenv("OPPVEKST_TRUSTED_PROXIES"), "addresses (IPs or CIDR ranges, comma-separated) of the reverse proxies whose X-Forwarded-Proto is believed; none by default (env OPPVEKST_TRUSTED_PROXIES)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if c.trustedProxies, err = parseProxies(*proxies); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if c.loginLimit < 1 {
		return config{}, fmt.Errorf("-login-limit must be at least 1")
	}
	if c.sessionLifetime < time.Minute {
		return config{}, fmt.Errorf("-session-lifetime must be at least a minute")
	}
	if c.dbURL != "" && !strings.HasPrefix(c.dbURL, "postgres://") && !strings.HasPrefix(c.dbURL, "postgresql://") {
		return config{}, fmt.Errorf("-db must be a postgres:// URL")
	}
	return c, nil
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

func runWith(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, opts options) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	return serve(ctx, cfg, getenv, stdout, opts)
}

// newApp makes the app: the shell with every capability mounted, the
// directory first.
func newApp(store appStore, clock domain.Clock, log *slog.Logger) (*app, error) {
	a, err := newShell(store, clock, log)
	if err != nil {
		return nil, err
	}
	if err := a.mount(a.directoryCapability(), a.admissionCapability(), a.attendanceCapability(), a.billingCapability(), a.messagingCapability()); err != nil {
		return nil, err
	}
	return a, nil
}

// serve runs the app with the configuration until ctx ends: it opens the
// store, seeds the demo municipalities, assembles the app, listens, and
// starts the background jobs. It returns nil after a graceful shutdown.
func serve(ctx context.Context, cfg config, getenv func(string) string, stdout io.Writer, opts options) error {
	clock := opts.clock
	if clock == nil {
		clock = domain.SystemClock{}
	}
	log := slog.New(slog.NewJSONHandler(stdout, nil))

	store, closeStore, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore()

	if cfg.seed {
		start := time.Now()
		if err := seedDemo(ctx, store, clock); err != nil {
			return err
		}
		if err := seedNeighbour(ctx, store, clock); err != nil {
			return err
		}
		log.Info("demo municipalities ready", "municipalities", []domain.Municipality{demoMunicipality, neighbourMunicipality}, "took", time.Since(start).Round(time.Millisecond))
	}

	a, err := newApp(store, clock, log)
	if err != nil {
		return err
	}
	a.demo = cfg.demo
	a.clientIPHeader = cfg.clientIPHeader
	a.trustedProxies = cfg.trustedProxies
	a.sessions.lifetime = cfg.sessionLifetime
	a.loginLimiter = newLimiter(cfg.loginLimit, time.Minute)
	if err := a.configureLogin(ctx, cfg.login); err != nil {
		return err
	}
	if cfg.demo {
		if a.personas, err = findPersonas(ctx, store); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           a.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	addr := ln.Addr().String()
	log.Info("listening", "addr", addr)
	fmt.Fprintf(stdout, "Oppvekst kjører på %s\n", browseURL(ln.Addr()))
	if cfg.demo {
		fmt.Fprintf(stdout, "Demomodus: logg inn på %slogin som en av disse oppdiktede personene:\n", browseURL(ln.Addr()))
		for _, p := range a.personas {
			fmt.Fprintf(stdout, "  %-22s %s (%s)\n", p.Key, p.Name, a.personaDescription(p, "nb"))
		}
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	sweepCtx, stopSweeping := context.WithCancel(ctx)
	defer stopSweeping()
	go a.sweepEvery(sweepCtx, time.Hour)
	go runDispatcher(sweepCtx, a, getenv, cfg.demo)
	go lapseOffersEvery(sweepCtx, a, 15*time.Minute)
	go a.warmLogin(sweepCtx)
	if opts.ready != nil {
		opts.ready(addr)
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	a.shuttingDown.Store(true)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// appStore is what the app needs of a store: the directory and the app's
// own records.
type appStore interface {
	domain.Store
	domain.AuditLog
	domain.IdempotencyStore
	domain.SessionStore
	admission.Store
	attendance.Store
	billing.Store
	messaging.Store
}

// openStore opens PostgreSQL when cfg.dbURL is set, SQLite under
// cfg.dataDir otherwise; the returned func closes it.
func openStore(ctx context.Context, cfg config, log *slog.Logger) (appStore, func(), error) {
	if cfg.dbURL != "" {
		// pgx's default pool (4 connections on 2 cores) queues requests at
		// a few hundred a second; pool_max_conns in the URL wins.
		opts := postgres.Options{URL: cfg.dbURL}
		if !strings.Contains(cfg.dbURL, "pool_max_conns") {
			opts.MaxConns = 16
		}
		store, err := postgres.Open(ctx, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("open store: %w", err)
		}
		log.Info("store open", "store", "postgres")
		return store, store.Close, nil
	}
	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		return nil, nil, fmt.Errorf("create data folder: %w", err)
	}
	dbPath := filepath.Join(cfg.dataDir, "oppvekst.db")
	store, err := sqlite.Open(ctx, sqlite.Options{Path: dbPath})
	if err != nil {
		return nil, nil, fmt.Errorf("open store: %w", err)
	}
	log.Info("store open", "store", "sqlite", "path", dbPath)
	return store, func() {
		if err := store.Close(); err != nil {
			log.Error("close store", "err", err)
		}
	}, nil
}

// browseURL is the address to open in a browser: a wildcard host becomes
// localhost.
func browseURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || tcp.IP == nil || tcp.IP.IsUnspecified() {
		_, port, _ := net.SplitHostPort(a.String())
		return "http://localhost:" + port + "/"
	}
	return "http://" + a.String() + "/"
}
