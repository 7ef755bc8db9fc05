package web

import (
	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// The capabilities' services, composed in one place: each works on the
// app's store and clock, and every notice a capability raises (an offer, an
// invoice, an undocumented absence) goes to messaging, in the transaction of
// the change that raised it. They are cheap values; a handler makes the one
// it needs.

func (a *App) Messaging() *messaging.Service {
	return &messaging.Service{Store: a.Store, Clock: a.Clock, ContactRegister: a.ContactRegister, Registers: a.Registers, Gate: a.IntegrationGate()}
}

// IntegrationGate answers, from the store, whether a municipality has
// switched an integration off (its settings at /admin/integrations): the
// dispatcher holds its deliveries, notices skip its contact register.
func (a *App) IntegrationGate() domain.IntegrationGate { return domain.IntegrationGate{Store: a.Store} }

// notifier is where notices go: messaging's outbox.
func (a *App) notifier() domain.Notifier { return a.Messaging() }

func (a *App) Admission() *admission.Service {
	return &admission.Service{Store: a.Store, Clock: a.Clock, Notifier: a.notifier()}
}

func (a *App) Attendance() *attendance.Service {
	return &attendance.Service{Store: a.Store, Clock: a.Clock, Notifier: a.notifier()}
}

func (a *App) Billing() *billing.Service {
	// No Settings: every municipality runs invoices with the settings it
	// stored (billing settings page), never with defaults.
	return &billing.Service{Store: a.Store, Clock: a.Clock, Notifier: a.notifier()}
}
