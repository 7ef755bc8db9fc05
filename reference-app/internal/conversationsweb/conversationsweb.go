// Package conversationsweb is booked conversations (package
// conversations) in the reference app: the pages and API where staff
// publish a round of time slots for a group (foreldresamtale,
// utviklingssamtale) and see their day, and where the guardians with
// parental responsibility book, move and cancel the conversation of each
// child.
//
//   - Staff of a unit publish a round (/conversations/new): the group, a
//     title, a place or a video link, how long each conversation is, the
//     first and last slot of the day on one or more days, and the last day
//     to book. Every child placed in the group on the first day is in the
//     round. A refused form comes back with what was typed and each
//     field's error in the user's language.
//   - Staff see the booked conversations of a day at their units
//     (/conversations/day, today unless ?date= is given).
//   - A guardian sees the open rounds of the children they have parental
//     responsibility for (/conversations), books a free slot (the joint
//     conversation, or a separate one of their own), moves or cancels it.
//     A slot taken by someone else in the meantime is refused with the
//     choice kept.
//
// Who may do what is the library's to decide (conversations.Service):
// the routes admit the role and the service answers 403 or 404. The API's
// booking routes admit anyone logged in, so that the body is read first
// as on every API POST, and refuse anyone but a guardian (403); a
// guardian without parental responsibility for the child gets 404. Every
// read of a child's booking is audit-logged by the service. RemindEvery
// is the background job of the reminders (the day before, and on the
// last day to book), sent through messaging.
package conversationsweb

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// app is the shell as the conversation handlers see it.
type app struct {
	*web.App
}

//go:embed templates/conversations_*.html
var templates embed.FS

//go:embed messages/conversations.*.json
var messages embed.FS

// Tag is the routes' group in /openapi.json.
const Tag = "conversations"

const (
	apiBase  = "/api/v1/conversations"
	pageBase = "/conversations"
)

// New returns booked conversations' part of the app, for web.App.Mount.
func New(shell *web.App) web.Capability {
	a := &app{App: shell}
	return web.Capability{Tag: Tag,
		About:  "Booked conversations: staff publish time slots for a group's parent or development conversations; the guardians with parental responsibility book, move and cancel the child's conversation; reminders the day before and on the last day to book",
		Routes: a.routes(), Pages: templates, Messages: messages,
		Menus: []web.MenuItem{
			{Roles: []domain.Role{domain.RoleGuardian}, Path: pageBase, Key: "conversations.menu"},
			{Roles: []domain.Role{domain.RoleStaff}, Path: pageBase + "/day", Key: "conversations.menu"},
		}}
}

// errNoStore is the answer when the app's store keeps no conversations.
var errNoStore = fmt.Errorf("conversationsweb: the store keeps no booked conversations: %w", domain.ErrUnavailable)

// Service is the conversations service of the app, on its store, clock
// and messaging (the reminders go to messaging's outbox in the
// transaction that raises them).
func Service(a *web.App) (*conversations.Service, error) {
	st, ok := a.Store.(conversations.ServiceStore)
	if !ok {
		return nil, errNoStore
	}
	return &conversations.Service{Store: st, Clock: a.Clock, Notifier: a.Messaging()}, nil
}

// RemindEvery runs Remind now and then every interval until ctx ends.
func RemindEvery(ctx context.Context, a *web.App, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		Remind(ctx, a)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Remind sends the conversation reminders in every municipality served
// (conversations.Service.Remind: once per booking, slot and guardian,
// however often it runs). It returns how many it sent.
func Remind(ctx context.Context, a *web.App) int {
	s, err := Service(a)
	if err != nil {
		return 0
	}
	total := 0
	for _, m := range a.Municipalities {
		n, err := s.Remind(ctx, domain.SystemActor(m, "conversation-reminders"))
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			a.Log.Error("conversation reminders", "municipality", m, "err", err)
		case n > 0:
			a.Log.Info("conversation reminders sent", "municipality", m, "count", n)
		}
		total += n
	}
	return total
}
