// Package server assembles the reference app — the shell (package web)
// with every capability mounted — and runs it: it opens the store, seeds
// the demo municipalities, listens, starts the background jobs and shuts
// down gracefully. The command (reference-app/main.go) only parses the
// configuration and calls Run.
package server

import (
	"log/slog"

	"github.com/oppvekst/oppvekst/adapters/pdf"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/admissionweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/attendanceweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/billingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/calendarweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/conversationsweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/directoryweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/integrationsweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/messagingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/privacyweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/registryweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/reportsweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/specialedweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/staffweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// New makes the app: the shell with every capability mounted, the
// directory first (a role lands on its first menu entry).
func New(store web.Store, clock domain.Clock, log *slog.Logger) (*web.App, error) {
	a, err := web.New(store, clock, log)
	if err != nil {
		return nil, err
	}
	// The PDF renderer of letters and invoices: made once (it parses its
	// fonts), safe for concurrent use.
	letters, err := pdf.New()
	if err != nil {
		return nil, err
	}
	err = a.Mount(
		directoryweb.New(a),
		admissionweb.New(a, letters),
		attendanceweb.New(a),
		billingweb.New(a, letters),
		messagingweb.New(a),
		staffweb.New(a),
		calendarweb.New(a),
		privacyweb.New(a),
		registryweb.New(a),
		reportsweb.New(a),
		specialedweb.New(a, letters),
		conversationsweb.New(a),
		integrationsweb.New(a),
	)
	if err != nil {
		return nil, err
	}
	return a, nil
}
