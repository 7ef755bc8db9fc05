// Command reference-app is the municipality's Oppvekst app: a web UI and
// HTTP API over one store, with a fictional demo municipality to click
// through.
//
// Usage:
//
//	go run ./reference-app [-data DIR] [-addr HOST:PORT] [-seed=false]
//
// It keeps its SQLite database in DIR/oppvekst.db (default ./oppvekst-data,
// or $OPPVEKST_DATA) and listens on 127.0.0.1:8080 (or $OPPVEKST_ADDR).
// Flags win over the environment. SIGINT or SIGTERM shuts it down gracefully.
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
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

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
	addr    string
	seed    bool
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
	fs.BoolVar(&c.seed, "seed", true, "seed the fictional demo municipality "+string(demoMunicipality)+" when it is empty")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	return c, nil
}

func runWith(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, opts options) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	clock := opts.clock
	if clock == nil {
		clock = domain.SystemClock{}
	}
	log := slog.New(slog.NewTextHandler(stdout, nil))

	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	dbPath := filepath.Join(cfg.dataDir, "oppvekst.db")
	store, err := sqlite.Open(ctx, sqlite.Options{Path: dbPath})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("close store", "err", err)
		}
	}()
	log.Info("store open", "path", dbPath)

	if cfg.seed {
		start := time.Now()
		if err := seedDemo(ctx, store, clock); err != nil {
			return err
		}
		log.Info("demo municipality ready", "municipality", demoMunicipality, "took", time.Since(start).Round(time.Millisecond))
	}

	a, err := newApp(store, clock, log)
	if err != nil {
		return err
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

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if opts.ready != nil {
		opts.ready(addr)
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
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
