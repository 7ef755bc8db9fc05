package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/folkeregister"
	"github.com/oppvekst/oppvekst/adapters/krr"
	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/admissionweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/conversationsweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/messagingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/registryweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/specialedweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// shutdownTimeout is how long requests in flight get to finish after a
// shutdown signal.
const shutdownTimeout = 10 * time.Second

// Options are what tests may change about run.
type Options struct {
	// Ready, when set, is called with the address the server listens on
	// once it accepts connections.
	Ready func(addr string)
	// Clock defaults to the system clock.
	Clock domain.Clock
	// JobEvery, when set, is the interval of every background job (the
	// tests of several instances); each job's own interval otherwise.
	JobEvery time.Duration
}

// Config is the parsed command line and environment.
type Config struct {
	DataDir string
	DBURL   string // postgres://… runs on PostgreSQL instead of SQLite
	// DBRole (-db-role, normally oppvekst_app) is the role the PostgreSQL
	// store takes on after migrating: the database then walls each
	// municipality's rows off from the others' (postgres Options.Role).
	DBRole string
	Addr   string
	Seed   bool
	// DemoChildren is how many children the seeded demo municipality
	// gets, about (-demo-children, demo.SeedChildren); 0 is the small
	// demo of about 150.
	DemoChildren int
	Demo         bool // the demo login is offered
	// Today is the day the app's clock starts at (-today: demonstrations,
	// training and tests on the embedded database); zero is the system
	// clock.
	Today date.Date
	// ClientIPHeader is the header a trusted proxy sets to the client's
	// address (X-Forwarded-For); login attempts are limited per client.
	ClientIPHeader string
	// LoginLimit is how many login attempts a client may make a minute.
	LoginLimit int
	Login      web.LoginConfig
	// TrustedProxies are the reverse proxies whose X-Forwarded-Proto the
	// app believes (for HSTS); none by default.
	TrustedProxies []netip.Prefix
	// SessionLifetime is how long a session lasts at most, used or not.
	SessionLifetime time.Duration
	// Bootstrap is the first administrator of a municipality
	// (-bootstrap-admin); nothing is done once it has one.
	Bootstrap *web.BootstrapAdmin
	// Retention holds municipalities' own retention periods (-retention);
	// the others keep the national defaults.
	Retention map[domain.Municipality]domain.RetentionSettings
	// RegistryURL is the Folkeregister API's base URL ("…/api/v1/",
	// -registry); empty turns the register sync off.
	RegistryURL string
	// RegistryToken returns the Maskinporten access token the register is
	// called with (-registry-token or -registry-token-file).
	RegistryToken func(ctx context.Context) (string, error)
	// KRRURL is the contact register's base URL ("…/rest/v1/", -krr);
	// empty leaves notices on the guardians' own details.
	KRRURL string
	// KRRToken returns the Maskinporten access token (scope
	// krr:global/kontaktinformasjon.read) the contact register is called
	// with.
	KRRToken func(ctx context.Context) (string, error)
	// LoadTest mounts the bare check-in the load test compares against
	// (web.BareCheckPath; -load-test, scripts/checkin-load).
	LoadTest bool
	// PprofAddr, when set, serves Go's profiles (/debug/pprof/) on this
	// address of its own (-pprof), never on the app's.
	PprofAddr string
}

// Run runs the app with the configuration until ctx ends: it opens the
// store, seeds the demo municipalities, assembles the app, listens, and
// starts the background jobs. It returns nil after a graceful shutdown.
func Run(ctx context.Context, cfg Config, getenv func(string) string, stdout io.Writer, opts Options) error {
	clock := opts.Clock
	if clock == nil {
		clock = domain.SystemClock{}
	}
	log := slog.New(slog.NewJSONHandler(stdout, nil))

	store, closeStore, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore()

	// Start-up (the demo seed, the bootstrap, the personas) is the
	// deployment's: its calls reach every municipality.
	setup := domain.AcrossMunicipalities(ctx, "start-up")
	if cfg.Seed {
		start := time.Now()
		if err := demo.SeedChildren(setup, store, clock, cfg.DemoChildren); err != nil {
			return err
		}
		if err := demo.SeedNeighbour(setup, store, clock); err != nil {
			return err
		}
		log.Info("demo municipalities ready", "municipalities", []domain.Municipality{demo.Municipality, demo.Neighbour}, "demoChildren", cfg.DemoChildren, "took", time.Since(start).Round(time.Millisecond))
	}

	a, err := New(store, clock, log)
	if err != nil {
		return err
	}
	a.Demo = cfg.Demo
	a.PublicURL = cfg.Login.PublicURL
	if a.PublicURL == "" {
		a.PublicURL = "http://" + cfg.Addr
	}
	a.ClientIPHeader = cfg.ClientIPHeader
	a.LoadTestBare = cfg.LoadTest
	a.TrustedProxies = cfg.TrustedProxies
	a.Sessions.Lifetime = cfg.SessionLifetime
	a.RetentionSettings = cfg.Retention
	a.IntegrationDefaults = messagingweb.Defaults(getenv, cfg.Demo, cfg.KRRURL)
	if cfg.RegistryURL != "" {
		reg, err := folkeregister.New(folkeregister.Options{BaseURL: cfg.RegistryURL, Token: cfg.RegistryToken})
		if err != nil {
			return err
		}
		a.Registry = reg
		log.Info("population register configured", "url", cfg.RegistryURL)
	}
	if cfg.KRRURL != "" {
		reg, err := krr.New(krr.Options{BaseURL: cfg.KRRURL, Token: cfg.KRRToken})
		if err != nil {
			return err
		}
		a.ContactRegister = reg
		log.Info("contact register configured", "url", cfg.KRRURL)
	}
	// Each municipality's own integration settings (/admin/integrations)
	// are used for its notices and deliveries, the deployment's
	// configuration filling what it left blank.
	dep, _, err := messagingweb.DeploymentFrom(getenv, cfg.Demo, log)
	if err != nil {
		// The dispatcher logs this too and sends nothing.
		log.Error("integrations: the deployment's transports are misconfigured", "err", err)
		dep = messagingweb.Deployment{}
	}
	dep.KRRURL, dep.KRRToken = cfg.KRRURL, cfg.KRRToken
	sel := &messagingweb.Selector{Store: a.Store, Secrets: messagingweb.SecretsFrom(getenv), Deployment: dep, Log: log}
	a.Registers, a.IntegrationCheck = sel, sel.Check
	a.LoginLimiter = web.NewLimiter(cfg.LoginLimit, time.Minute)
	if cfg.DBURL != "" {
		// Several instances may serve one PostgreSQL: they count a
		// client's attempts together.
		a.LoginLimiter.Shared, a.LoginLimiter.Log = store, log
	}
	if err := a.ConfigureLogin(ctx, cfg.Login); err != nil {
		return err
	}
	if b := cfg.Bootstrap; b != nil {
		if !slices.Contains(a.Municipalities, b.Municipality) {
			return fmt.Errorf("-bootstrap-admin: municipality %s is not served (OPPVEKST_MUNICIPALITIES)", b.Municipality)
		}
		switch err := a.Bootstrap(setup, *b); {
		case errors.Is(err, web.ErrBootstrapDone):
			log.Info("bootstrap admin: nothing done, the municipality has an administrator", "municipality", b.Municipality)
		case err != nil:
			return fmt.Errorf("bootstrap admin: %w", err)
		default:
			log.Info("bootstrap admin: first administrator made", "municipality", b.Municipality, "name", b.Name)
		}
	}
	if cfg.Demo {
		if a.Personas, err = demo.Personas(setup, store); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           a.Routes(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	addr := ln.Addr().String()
	log.Info("listening", "addr", addr)
	fmt.Fprintf(stdout, "Oppvekst kjører på %s\n", browseURL(ln.Addr()))
	// The demo personas are printed after the start-up's log lines (the
	// outbox's first pass logs a line per delivery), so they stand last
	// and do not scroll away; at the latest on shutdown.
	var printPersonas sync.Once
	personas := func() {
		printPersonas.Do(func() {
			if !cfg.Demo {
				return
			}
			fmt.Fprintf(stdout, "Demomodus: logg inn på %slogin som en av disse oppdiktede personene:\n", browseURL(ln.Addr()))
			for _, p := range a.Personas {
				fmt.Fprintf(stdout, "  %-22s %s (%s)\n", p.Key, p.Name, a.PersonaDescription(p, "nb"))
			}
		})
	}
	defer personas()

	if cfg.PprofAddr != "" {
		stopPprof, err := servePprof(cfg.PprofAddr, log)
		if err != nil {
			return err
		}
		defer stopPprof()
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	sweepCtx, stopSweeping := context.WithCancel(ctx)
	defer stopSweeping()
	// Every instance runs the background jobs; the store's lock of each
	// job lets one instance at a time run it (web.App.Periodic), and the
	// outbox's deliveries are claimed (FOR UPDATE SKIP LOCKED on
	// PostgreSQL), so each is sent by one instance.
	log.Info("background jobs started; their store calls reach every municipality",
		"jobs", []string{"sweep", "outbox dispatch", "offer-lapse", "special-education-reminders", "conversation-reminders", "urgent-unread", "retention", "registry-sync"})
	every := func(d time.Duration) time.Duration {
		if opts.JobEvery > 0 {
			return opts.JobEvery
		}
		return d
	}
	go a.Periodic(sweepCtx, "sweep", 0, every(time.Hour), func(ctx context.Context) {
		a.Sweep(ctx)
		a.SweepAttempts(ctx)
	})
	go messagingweb.RunDispatcherThen(domain.AcrossMunicipalities(sweepCtx, "outbox dispatch"), a, getenv, cfg.Demo, personas)
	go a.Periodic(sweepCtx, "offer-lapse", 0, every(15*time.Minute), func(ctx context.Context) { admissionweb.LapseOffers(ctx, a) })
	go a.Periodic(sweepCtx, "special-education-reminders", 0, every(15*time.Minute), func(ctx context.Context) { specialedweb.Remind(ctx, a) })
	go a.Periodic(sweepCtx, "conversation-reminders", 0, every(15*time.Minute), func(ctx context.Context) { conversationsweb.Remind(ctx, a) })
	go a.Periodic(sweepCtx, "urgent-unread", 0, every(time.Minute), func(ctx context.Context) { messagingweb.CheckUnread(ctx, a) })
	go a.Periodic(sweepCtx, "retention", web.RetentionDelay, every(web.RetentionInterval), func(ctx context.Context) { a.Retain(ctx) })
	if a.Registry != nil {
		go a.Periodic(sweepCtx, "registry-sync", registryweb.SyncDelay, every(registryweb.SyncInterval), func(ctx context.Context) {
			for _, m := range a.Municipalities {
				if _, err := registryweb.Sync(ctx, a, m); err != nil && !errors.Is(err, context.Canceled) {
					a.Log.Error("registry sync", "municipality", m, "err", err)
				}
			}
		})
	}
	go a.WarmLogin(sweepCtx)
	if opts.Ready != nil {
		opts.Ready(addr)
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	a.ShuttingDown.Store(true)
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

// openStore opens PostgreSQL when cfg.DBURL is set, SQLite under
// cfg.DataDir otherwise; the returned func closes it.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (web.Store, func(), error) {
	if cfg.DBURL != "" {
		// pgx's default pool (4 connections on 2 cores) queues requests at
		// a few hundred a second; pool_max_conns in the URL wins.
		opts := postgres.Options{URL: cfg.DBURL, Role: cfg.DBRole}
		if !strings.Contains(cfg.DBURL, "pool_max_conns") {
			opts.MaxConns = 16
		}
		store, err := postgres.Open(ctx, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("open store: %w", err)
		}
		log.Info("store open", "store", "postgres", "role", cfg.DBRole)
		return store, store.Close, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, nil, fmt.Errorf("create data folder: %w", err)
	}
	dbPath := filepath.Join(cfg.DataDir, "oppvekst.db")
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
