package main

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

func (a *app) messaging() *messaging.Service {
	return &messaging.Service{Store: a.store, Clock: a.clock}
}

// notifier is where notices go: messaging's outbox.
func (a *app) notifier() domain.Notifier { return a.messaging() }

func (a *app) admission() *admission.Service {
	return &admission.Service{Store: a.store, Clock: a.clock, Notifier: a.notifier()}
}

func (a *app) attendance() *attendance.Service {
	return &attendance.Service{Store: a.store, Clock: a.clock, Notifier: a.notifier()}
}

func (a *app) billing() *billing.Service {
	return &billing.Service{Store: a.store, Clock: a.clock, Notifier: a.notifier(), Settings: billing.DefaultSettings()}
}
