package messagingweb

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Messaging's routes (API and pages), menu entries and handlers; the
// services come from the shell (web/services.go).
//
// Who may read or write a thread is decided by messaging.Service (guardians
// their own threads, staff the threads of their units, the municipality
// all); the routes only require the role. Contact details are never shown:
// not the guardians' (the recipients of a bulletin never see each other,
// and a guardian with a protected address is never listed), and not the
// outbox's addresses.

// messagingRoutes are the messaging routes of the route table.
func (a *app) messagingRoutes() []web.Route {
	return []web.Route{
		// Pages.
		{Method: "GET", Path: "/messages", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.inboxPage},
		{Method: "POST", Path: "/messages", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.guardianPostForm},
		{Method: "GET", Path: "/messages/contact", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.contactPage},
		{Method: "POST", Path: "/messages/contact", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.contactForm},
		{Method: "GET", Path: "/messages/{threadId}", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.threadPage},
		{Method: "POST", Path: "/messages/{threadId}/reply", Kind: web.KindPage, Policy: web.PolicyLoggedIn, Handle: a.replyForm},
		{Method: "GET", Path: "/staff/messages", Kind: web.KindPage, Policy: web.PolicyStaff, Handle: a.staffMessagesPage},
		{Method: "POST", Path: "/staff/messages", Kind: web.KindPage, Policy: web.PolicyStaff, Handle: a.staffPostForm},
		{Method: "GET", Path: "/caseworker/outbox", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.outboxPage},
		// API. POST routes take their IDs in the body.
		{Method: "GET", Path: "/api/v1/threads", Kind: web.KindAPI, Policy: policyCorrespondent, Summary: "Threads and bulletins: a guardian's inbox (with unread), or the threads of a staff member's units", Response: ThreadSummary{}, List: true, Handle: a.apiThreads},
		{Method: "POST", Path: "/api/v1/threads", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "Start a thread or send a bulletin (staff, caseworker); a guardian writes to a ward's unit (scope child or unit)", Body: newThreadRequest{}, Response: ThreadView{}, Status: http.StatusCreated, Handle: a.apiPostThread},
		{Method: "GET", Path: "/api/v1/threads/{threadId}", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "A thread with its messages and the participants the actor may see", Response: ThreadView{}, Handle: a.apiThread},
		{Method: "GET", Path: "/api/v1/threads/{threadId}/participants", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "The participants of a thread the actor may see, by guardian ID (staff and the municipality; a guardian sees none), a page at a time", Response: participantView{}, List: true, Handle: a.apiParticipants},
		{Method: "GET", Path: "/api/v1/threads/{threadId}/status", Kind: web.KindAPI, Policy: policySender, Summary: "The delivery status of an urgent message per guardian (queued, sent, failed, read), why a guardian got no SMS, and whether the unread check told the sender (staff of the unit, the municipality)", Response: messaging.UrgentStatus{}, Handle: a.apiUrgentStatus},
		{Method: "POST", Path: "/api/v1/replies", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "Reply to a thread (not a bulletin)", Body: replyRequest{}, Response: messageView{}, Status: http.StatusCreated, Handle: a.apiReply},
		{Method: "POST", Path: "/api/v1/read-receipts", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "Mark a thread read (guardian)", Body: readRequest{}, Response: web.StatusBody{}, Handle: a.apiMarkRead},
		{Method: "GET", Path: "/api/v1/contact", Kind: web.KindAPI, Policy: web.PolicyGuardian, Summary: "The guardian's notification preference: language, channel and own quiet hours (minutes after midnight)", Response: contactView{}, Handle: a.apiContact},
		{Method: "POST", Path: "/api/v1/contact", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Summary: "Set a guardian's notification preference (language, channel, own quiet hours within the municipality's): the guardian's own, or any guardian's by guardianId (caseworker); a guardian reserved in KRR may choose digital-mailbox only", Body: contactRequest{}, Response: contactView{}, Handle: a.apiSetContact},
		{Method: "GET", Path: "/api/v1/outbox", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The municipality's outbox, newest first (by creation time, then ID; paged by keyset, a page's cursor is for the same state), without addresses, texts or error texts: a failure is its reason code (caseworker)", Response: deliveryView{}, List: true, Query: map[string]string{"state": "only deliveries in this state: pending, sent or dead"}, Handle: a.apiOutbox},
		{Method: "GET", Path: "/api/v1/outbox/summary", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "How many deliveries are pending, sent and dead, counted in the database (caseworker)", Response: OutboxSummary{}, Handle: a.apiOutboxSummary},
	}
}

// messagingTemplates are messaging's pages.
//
//go:embed templates/messaging_*.html
var messagingTemplates embed.FS

// messagingMessages are messaging's strings.
//
//go:embed messages/messaging.*.json
var messagingMessages embed.FS

// messagingCapability is messaging's part of the app.
func (a *app) messagingCapability() web.Capability {
	return web.Capability{Tag: "messaging", About: "Threads, bulletins, replies, contact preferences and the outbox",
		Routes: append(a.messagingRoutes(), a.operationsRoutes()...), Menus: messagingMenus, Pages: messagingTemplates, Messages: messagingMessages}
}

// messagingMenus are the messaging menu entries.
var messagingMenus = []web.MenuItem{
	{Roles: []domain.Role{domain.RoleGuardian}, Path: "/messages", Key: "messaging.menu.inbox"},
	{Roles: []domain.Role{domain.RoleStaff}, Path: "/staff/messages", Key: "messaging.menu.staff"},
	{Roles: []domain.Role{domain.RoleCaseworker, domain.RoleAdmin}, Path: "/caseworker/outbox", Key: "messaging.menu.outbox"},
	{Roles: []domain.Role{domain.RoleAdmin}, Path: "/admin/operations", Key: "messaging.menu.operations"},
}

// policySender: staff and the municipality, who send urgent messages or
// follow them up.
var policySender = web.RolePolicy("sender", domain.RoleStaff, domain.RoleCaseworker, domain.RoleAdmin)

// policyCorrespondent: guardians and staff, who have threads to list.
var policyCorrespondent = web.RolePolicy("correspondent", domain.RoleGuardian, domain.RoleStaff)

// JSON bodies.

// ThreadSummary is a thread in a list.
type ThreadSummary struct {
	ID       messaging.ThreadID `json:"id"`
	Subject  string             `json:"subject"`
	Scope    messaging.Scope    `json:"scope"`
	Bulletin bool               `json:"bulletin"`
	Urgent   bool               `json:"urgent"`
	// Unread: for a guardian, a message came after the guardian last read
	// the thread; for staff, the last message is a guardian's.
	Unread    bool          `json:"unread"`
	UnitID    domain.UnitID `json:"unitId,omitzero"`
	UnitName  string        `json:"unitName,omitempty"`
	About     string        `json:"about,omitempty"` // the child's or group's name
	From      string        `json:"from"`
	Messages  int           `json:"messages"`
	CreatedAt time.Time     `json:"createdAt"`
	LastAt    time.Time     `json:"lastAt"`
}

// ThreadView is a thread with its messages.
type ThreadView struct {
	ID             messaging.ThreadID `json:"id"`
	Subject        string             `json:"subject"`
	Scope          messaging.Scope    `json:"scope"`
	Bulletin       bool               `json:"bulletin"`
	Urgent         bool               `json:"urgent"`
	UnitID         domain.UnitID      `json:"unitId,omitzero"`
	UnitName       string             `json:"unitName,omitempty"`
	About          string             `json:"about,omitempty"`
	RepliesAllowed bool               `json:"repliesAllowed"`
	Messages       []messageView      `json:"messages"`
	// Participants are the guardians the actor may see: staff and the
	// municipality only, never one with a protected address. In the API
	// they are the first page (by guardian ID) of them all: a bulletin to
	// the whole municipality reaches tens of thousands. ParticipantsNext
	// is the cursor of the next page of
	// /api/v1/threads/{threadId}/participants; ParticipantsTotal and
	// ParticipantsRead count them all.
	Participants      []participantView `json:"participants"`
	ParticipantsTotal int               `json:"participantsTotal"`
	ParticipantsRead  int               `json:"participantsRead"`
	ParticipantsNext  string            `json:"participantsNext,omitempty"`
}

// firstParticipants keeps the first page of v's participants, counting
// them all first (the API's thread view).
func firstParticipants(v *ThreadView) {
	v.ParticipantsTotal, v.ParticipantsRead = len(v.Participants), readBy(v.Participants)
	pg, _ := api.Paginate(v.Participants, participantKey, api.PageRequest{Limit: api.DefaultLimit})
	v.Participants, v.ParticipantsNext = pg.Items, pg.NextCursor
}

func participantKey(p participantView) string { return p.GuardianID.String() }

// readBy counts the participants who have read the thread.
func readBy(ps []participantView) int {
	n := 0
	for _, p := range ps {
		if !p.ReadAt.IsZero() {
			n++
		}
	}
	return n
}

// messageView is one message. Body is text exactly as written: a page shows
// it escaped, never as markup.
type messageView struct {
	ID        messaging.MessageID `json:"id"`
	From      string              `json:"from"`
	Mine      bool                `json:"mine"`
	Body      string              `json:"body"`
	CreatedAt time.Time           `json:"createdAt"`
	Last      bool                `json:"-"` // the thread's last message
}

// Lines are the body's lines, for a page (each escaped there).
func (m messageView) Lines() []string { return strings.Split(m.Body, "\n") }

type participantView struct {
	GuardianID domain.GuardianID `json:"guardianId"`
	Name       string            `json:"name"`
	ReadAt     time.Time         `json:"readAt,omitzero"`
}

// newThreadRequest starts a thread: about a child (its guardians), a group
// or a unit (a bulletin), or the municipality (caseworker).
type newThreadRequest struct {
	Scope    messaging.Scope `json:"scope"`
	ChildID  domain.ChildID  `json:"childId,omitzero"`
	GroupID  domain.GroupID  `json:"groupId,omitzero"`
	UnitID   domain.UnitID   `json:"unitId,omitzero"`
	Subject  string          `json:"subject"`
	Body     string          `json:"body"`
	Bulletin bool            `json:"bulletin"`
	Urgent   bool            `json:"urgent"`
}

type replyRequest struct {
	ThreadID messaging.ThreadID `json:"threadId"`
	Body     string             `json:"body"`
}

type readRequest struct {
	ThreadID messaging.ThreadID `json:"threadId"`
}

// contactView is a guardian's preference: language nb, nn or en; channel
// email, sms, webhook (the app) or digital-mailbox.
type contactView struct {
	Language messaging.Language `json:"language"`
	Channel  messaging.Medium   `json:"channel"`
	// Quiet is the guardian's own quiet hours, within the municipality's;
	// absent keeps the municipality's.
	Quiet *messaging.QuietHours `json:"quiet,omitempty"`
}

// contactRequest sets a contact preference; guardianId is for a
// caseworker setting a guardian's (a guardian sets only the own).
type contactRequest struct {
	GuardianID domain.GuardianID  `json:"guardianId,omitzero"`
	Language   messaging.Language `json:"language"`
	Channel    messaging.Medium   `json:"channel"`
	// Quiet is the guardian's own quiet hours (minutes after midnight),
	// within the municipality's; absent keeps the municipality's.
	Quiet *messaging.QuietHours `json:"quiet,omitempty"`
}

// deliveryView is a delivery of the outbox without its address or text.
type deliveryView struct {
	ID         messaging.DeliveryID `json:"id"`
	Kind       string               `json:"kind"`
	GuardianID domain.GuardianID    `json:"guardianId"`
	Medium     messaging.Medium     `json:"medium"`
	State      messaging.State      `json:"state"`
	Urgent     bool                 `json:"urgent"`
	Attempts   int                  `json:"attempts"`
	CreatedAt  time.Time            `json:"createdAt"`
	NextAt     time.Time            `json:"nextAt,omitzero"`
	DoneAt     time.Time            `json:"doneAt,omitzero"`
	// Reason is the reason code of the last attempt's failure
	// (send-failed), empty when it did not fail. The error text itself is
	// never shown: a server may quote an address or a name in it.
	Reason string `json:"reason,omitempty"`
}

type OutboxSummary struct {
	Pending int `json:"pending"`
	Sent    int `json:"sent"`
	Dead    int `json:"dead"`
}

// Reading threads.

// threadList lists the actor's threads, newest first: a guardian's inbox,
// or the threads of a staff member's units; the read is audited.
func (a *app) threadList(ctx context.Context, l web.Locale, actor domain.Actor) ([]ThreadSummary, error) {
	out, children, err := a.threadSummaries(ctx, l, actor)
	if err != nil {
		return nil, err
	}
	return out, a.auditThreadList(ctx, actor, children)
}

// auditThreadList audits a read of a thread list: it names the children
// the conversations are about.
func (a *app) auditThreadList(ctx context.Context, actor domain.Actor, children []domain.ChildID) error {
	if len(children) == 0 {
		return nil
	}
	return a.Audit(ctx, actor, "messages.list", "", children...)
}

// threadSummaries is threadList without the audit, with the children the
// threads are about.
func (a *app) threadSummaries(ctx context.Context, l web.Locale, actor domain.Actor) ([]ThreadSummary, []domain.ChildID, error) {
	var threads []messaging.Thread
	var err error
	if actor.Role == domain.RoleGuardian {
		threads, err = a.Messaging().Inbox(ctx, actor)
	} else {
		threads, err = a.unitThreads(ctx, actor)
	}
	if err != nil {
		return nil, nil, err
	}
	out, err := a.summarize(ctx, l, actor, threads)
	if err != nil {
		return nil, nil, err
	}
	return out, listChildren(threads), nil
}

// listChildren are the children the threads are about, each once.
func listChildren(threads []messaging.Thread) []domain.ChildID {
	var children []domain.ChildID
	seen := map[domain.ChildID]bool{}
	for _, t := range threads {
		for _, c := range threadChildren(t) {
			if !seen[c] {
				seen[c] = true
				children = append(children, c)
			}
		}
	}
	return children
}

// threadKey is a thread's place in a list of threads, newest first
// (web.TimeKey, compared by web.Descending).
func threadKey(t messaging.Thread) string { return web.TimeKey(t.CreatedAt, t.ID.String()) }

// unitThreads finds the threads of a staff member's units: the threads of
// the guardians of the children placed there today (every thread has a
// guardian as participant), newest first (threadKey). It reads the
// placements of each unit, the families of all their children in one read
// and the threads of all those guardians in one read.
func (a *app) unitThreads(ctx context.Context, actor domain.Actor) ([]messaging.Thread, error) {
	m := actor.Municipality
	today := domain.Today(a.Clock)
	var children []domain.ChildID
	seenChild := map[domain.ChildID]bool{}
	for _, u := range actor.Units {
		ps, err := a.Store.UnitPlacements(ctx, m, u, domain.Period{Start: today, End: today})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if !seenChild[p.ChildID] {
				seenChild[p.ChildID] = true
				children = append(children, p.ChildID)
			}
		}
	}
	fams, err := a.Store.RecipientFamilies(ctx, m, children)
	if err != nil {
		return nil, err
	}
	seenGuardian := map[domain.GuardianID]bool{}
	var guardians []domain.GuardianID
	for _, f := range fams {
		for _, l := range f.Guardians {
			if !seenGuardian[l.Guardian.ID] {
				seenGuardian[l.Guardian.ID] = true
				guardians = append(guardians, l.Guardian.ID)
			}
		}
	}
	ts, err := a.Store.ThreadsOf(ctx, m, guardians)
	if err != nil {
		return nil, err
	}
	out := ts[:0]
	for _, t := range ts {
		if !t.Unit.IsZero() && actor.WorksAt(t.Unit) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(x, y messaging.Thread) int { return web.Descending(threadKey(x), threadKey(y)) })
	return out, nil
}

// summarize makes the list rows of threads of the actor's municipality in
// a fixed number of reads whatever the number of threads: the messages'
// tallies, the children and the guardian authors each in one read, a unit
// or group once however many threads name it. Only a guardian's own read
// status is read per thread (a guardian's inbox).
func (a *app) summarize(ctx context.Context, l web.Locale, actor domain.Actor, threads []messaging.Thread) ([]ThreadSummary, error) {
	m := actor.Municipality
	out := make([]ThreadSummary, 0, len(threads))
	if len(threads) == 0 {
		return out, nil
	}
	ids := make([]messaging.ThreadID, len(threads))
	var childIDs []domain.ChildID
	var authorIDs []domain.GuardianID
	for i, t := range threads {
		ids[i] = t.ID
		if t.About.Scope == messaging.ScopeChild {
			childIDs = append(childIDs, t.About.Child)
		}
		if t.Author.Role == domain.RoleGuardian {
			authorIDs = append(authorIDs, t.Author.Guardian)
		}
	}
	tallies, err := a.Store.Tallies(ctx, m, ids)
	if err != nil {
		return nil, err
	}
	cs, err := a.Store.ChildrenByID(ctx, m, childIDs)
	if err != nil {
		return nil, err
	}
	children := make(map[domain.ChildID]domain.Child, len(cs))
	for _, c := range cs {
		children[c.ID] = c
	}
	gs, err := a.Store.GuardiansByID(ctx, m, authorIDs)
	if err != nil {
		return nil, err
	}
	authors := make(map[domain.GuardianID]domain.Guardian, len(gs))
	for _, g := range gs {
		authors[g.ID] = g
	}
	units := map[domain.UnitID]string{}
	unitName := func(id domain.UnitID) (string, error) {
		if id.IsZero() {
			return "", nil
		}
		if n, ok := units[id]; ok {
			return n, nil
		}
		u, err := a.Store.Unit(ctx, m, id)
		if err != nil {
			return "", err
		}
		units[id] = u.Name
		return u.Name, nil
	}
	groups := map[domain.GroupID]string{}
	for _, t := range threads {
		tally := tallies[t.ID]
		s := ThreadSummary{ID: t.ID, Subject: t.Subject, Scope: t.About.Scope, Bulletin: t.Bulletin, Urgent: t.Urgent,
			UnitID: t.Unit, Messages: tally.Messages, CreatedAt: t.CreatedAt, LastAt: t.CreatedAt}
		if s.UnitName, err = unitName(t.Unit); err != nil {
			return nil, err
		}
		switch t.About.Scope {
		case messaging.ScopeChild:
			c, ok := children[t.About.Child]
			if !ok {
				return nil, domain.ErrNotFound
			}
			s.About = c.GivenName + " " + c.FamilyName
		case messaging.ScopeGroup:
			name, ok := groups[t.About.Group]
			if !ok {
				g, err := a.Store.Group(ctx, m, t.About.Group)
				if err != nil {
					return nil, err
				}
				name, groups[t.About.Group] = g.Name, g.Name
			}
			s.About = name
		}
		s.From = a.authorLabel(l, t.Author, authors, s.UnitName)
		last := tally.Last
		if tally.Messages > 0 {
			s.LastAt = last.CreatedAt
		}
		switch actor.Role {
		case domain.RoleGuardian:
			ps, err := a.Store.Participants(ctx, m, t.ID)
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				if p.Guardian == actor.Guardian {
					s.Unread = (p.ReadAt.IsZero() || last.CreatedAt.After(p.ReadAt)) && last.Author.Guardian != actor.Guardian
				}
			}
		case domain.RoleStaff:
			s.Unread = last.Author.Role == domain.RoleGuardian
		}
		out = append(out, s)
	}
	return out, nil
}

// authorLabel is authorName for a list: the guardian authors read
// beforehand, the unit's name known.
func (a *app) authorLabel(l web.Locale, au messaging.Author, guardians map[domain.GuardianID]domain.Guardian, unitName string) string {
	switch au.Role {
	case domain.RoleGuardian:
		if g, ok := guardians[au.Guardian]; ok {
			return g.GivenName + " " + g.FamilyName
		}
		return l.T("messaging.from.guardian")
	case domain.RoleStaff:
		switch {
		case au.Name != "" && unitName != "":
			return l.T("messaging.from.staffNamed", au.Name, unitName)
		case au.Name != "":
			return au.Name
		case unitName != "":
			return l.T("messaging.from.staffOf", unitName)
		}
		return l.T("messaging.from.staff")
	}
	if au.Name != "" {
		return au.Name
	}
	return l.T("messaging.from.municipality")
}

// describeAbout names the thread's unit and what it is about (the child or
// the group).
func (a *app) describeAbout(ctx context.Context, unitName, about *string, t messaging.Thread) error {
	m := t.Municipality
	if !t.Unit.IsZero() {
		u, err := a.Store.Unit(ctx, m, t.Unit)
		if err != nil {
			return err
		}
		*unitName = u.Name
	}
	switch t.About.Scope {
	case messaging.ScopeChild:
		c, err := a.Store.Child(ctx, m, t.About.Child)
		if err != nil {
			return err
		}
		*about = c.GivenName + " " + c.FamilyName
	case messaging.ScopeGroup:
		g, err := a.Store.Group(ctx, m, t.About.Group)
		if err != nil {
			return err
		}
		*about = g.Name
	}
	return nil
}

// authorName is how an author is shown: a guardian by name; staff by
// display name and unit ("Kari Lærer, Nordby skole"), by unit alone when
// they have no display name; the municipality's people by display name or
// as the municipality. Never the login ID, never contact details. A thread
// redacted for a reader who may not know where the child is
// (messaging.View.HideWhereabouts) has no unit and its staff authors no
// name: they show as the municipality's staff.
func (a *app) authorName(ctx context.Context, l web.Locale, au messaging.Author, unit domain.UnitID) string {
	switch au.Role {
	case domain.RoleGuardian:
		// The author's municipality is the thread's; look in the served ones.
		for _, m := range a.Municipalities {
			if g, err := a.Store.Guardian(ctx, m, au.Guardian); err == nil {
				return g.GivenName + " " + g.FamilyName
			}
		}
		return l.T("messaging.from.guardian")
	case domain.RoleStaff:
		unitName := ""
		if !unit.IsZero() {
			for _, m := range a.Municipalities {
				if u, err := a.Store.Unit(ctx, m, unit); err == nil {
					unitName = u.Name
				}
			}
		}
		switch {
		case au.Name != "" && unitName != "":
			return l.T("messaging.from.staffNamed", au.Name, unitName)
		case au.Name != "":
			return au.Name
		case unitName != "":
			return l.T("messaging.from.staffOf", unitName)
		}
		return l.T("messaging.from.staff")
	}
	if au.Name != "" {
		return au.Name
	}
	return l.T("messaging.from.municipality")
}

// readThread reads a thread as the actor may see it, audit-logged.
func (a *app) readThread(ctx context.Context, l web.Locale, actor domain.Actor, id messaging.ThreadID) (ThreadView, error) {
	v, err := a.Messaging().Read(ctx, actor, actor.Municipality, id)
	if err != nil {
		return ThreadView{}, err
	}
	t := v.Thread
	tv := ThreadView{ID: t.ID, Subject: t.Subject, Scope: t.About.Scope, Bulletin: t.Bulletin, Urgent: t.Urgent, UnitID: t.Unit,
		RepliesAllowed: !t.Bulletin && actor.Role != domain.RoleCaseworker && actor.Role != domain.RoleAdmin,
		Messages:       []messageView{}, Participants: []participantView{}}
	if err := a.describeAbout(ctx, &tv.UnitName, &tv.About, t); err != nil {
		return ThreadView{}, err
	}
	// A guardian sees the other guardians' names only with parental
	// responsibility for the child (barneloven § 47 gives a parent without
	// it nothing about them).
	namesOthers := actor.Role != domain.RoleGuardian
	if !namesOthers && t.About.Scope == messaging.ScopeChild {
		access, _, err := a.DecideChild(ctx, actor, t.About.Child)
		if err != nil && !errors.Is(err, domain.ErrForbidden) {
			return ThreadView{}, err
		}
		namesOthers = access == web.AccessParent
	}
	for _, msg := range v.Messages {
		mine := msg.Author.Role == actor.Role && msg.Author.Subject == actor.Subject
		from := a.authorName(ctx, l, msg.Author, t.Unit)
		if msg.Author.Role == domain.RoleGuardian && !mine && !namesOthers {
			from = l.T("messaging.from.guardian")
		}
		tv.Messages = append(tv.Messages, messageView{ID: msg.ID, From: from, Mine: mine, Body: msg.Text(), CreatedAt: msg.CreatedAt})
	}
	if n := len(tv.Messages); n > 0 {
		tv.Messages[n-1].Last = true
	}
	// Who else receives it is for the staff to see; their names in one
	// read, however many a bulletin reached.
	var names map[domain.GuardianID]domain.Guardian
	if actor.Role != domain.RoleGuardian && len(v.Participants) > 0 {
		ids := make([]domain.GuardianID, len(v.Participants))
		for i, p := range v.Participants {
			ids[i] = p.Guardian
		}
		gs, err := a.Store.GuardiansByID(ctx, actor.Municipality, ids)
		if err != nil {
			return ThreadView{}, err
		}
		names = make(map[domain.GuardianID]domain.Guardian, len(gs))
		for _, g := range gs {
			names[g.ID] = g
		}
	}
	for _, p := range v.Participants {
		if actor.Role == domain.RoleGuardian {
			break
		}
		g, ok := names[p.Guardian]
		if !ok {
			return ThreadView{}, fmt.Errorf("messaging: participant %s: %w", p.Guardian, domain.ErrNotFound)
		}
		if g.AddressProtection.Protected() {
			continue // Visible leaves them out already; never list one.
		}
		tv.Participants = append(tv.Participants, participantView{GuardianID: g.ID, Name: g.GivenName + " " + g.FamilyName, ReadAt: p.ReadAt})
	}
	if err := a.Audit(ctx, actor, "message.read", "thread/"+t.ID.String(), threadChildren(t)...); err != nil {
		return ThreadView{}, err
	}
	return tv, nil
}

// threadChildren is the child a thread is about, if one.
func threadChildren(t messaging.Thread) []domain.ChildID {
	if t.About.Scope == messaging.ScopeChild {
		return []domain.ChildID{t.About.Child}
	}
	return nil
}

// Writing.

// post starts a thread, audit-logged in its transaction.
func (a *app) post(ctx context.Context, actor domain.Actor, d messaging.Draft) (messaging.Thread, error) {
	d.Municipality = actor.Municipality
	var t messaging.Thread
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if t, err = a.Messaging().Post(ctx, actor, d); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "message.post", "thread/"+t.ID.String(), threadChildren(t)...)
	})
	return t, err
}

// reply adds a message, audit-logged; a guardian's own reply leaves the
// thread read.
func (a *app) reply(ctx context.Context, actor domain.Actor, id messaging.ThreadID, body string) (messaging.Message, error) {
	var msg messaging.Message
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		svc := a.Messaging()
		if msg, err = svc.Reply(ctx, actor, actor.Municipality, id, body, nil); err != nil {
			return err
		}
		t, err := a.Store.Thread(ctx, actor.Municipality, id)
		if err != nil {
			return err
		}
		if actor.Role == domain.RoleGuardian {
			if err := svc.MarkRead(ctx, actor, actor.Municipality, id); err != nil {
				return err
			}
		}
		return a.AuditChange(ctx, actor, "message.reply", "thread/"+id.String(), threadChildren(t)...)
	})
	return msg, err
}

// contactOf is a guardian's preference, or the default.
func (a *app) contactOf(ctx context.Context, actor domain.Actor) (contactView, error) {
	c, err := a.Store.Contact(ctx, actor.Municipality, actor.Guardian)
	if domain.IsNotFound(err) {
		c, err = messaging.DefaultContact(actor.Municipality, actor.Guardian), nil
	}
	return contactView{Language: c.Language, Channel: c.Medium, Quiet: c.Quiet}, err
}

// setContact sets the preference of guardian (the actor's own when zero),
// audit-logged.
func (a *app) setContact(ctx context.Context, actor domain.Actor, guardian domain.GuardianID, v contactView) error {
	if guardian.IsZero() {
		guardian = actor.Guardian
	}
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Messaging().SetContact(ctx, actor, messaging.Contact{Municipality: actor.Municipality, Guardian: guardian, Language: v.Language, Medium: v.Channel, Quiet: v.Quiet}); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "contact.set", "guardian/"+guardian.String())
	})
}

// The outbox.

// outbox reads one page of the municipality's deliveries newest first
// (keyset: creation time, then ID; state "" for every state), from the
// cursor of the page before: an opaque "nanoseconds/deliveryID". Addresses,
// texts and error texts are left out. The page is read in SQL, never the
// whole outbox: a month's notices are tens of thousands.
func (a *app) outbox(ctx context.Context, m domain.Municipality, state, cursor string, limit int) (api.Page[deliveryView], error) {
	q := messaging.EntryQuery{State: messaging.State(state), Limit: min(limit+1, messaging.MaxEntries)}
	if cursor != "" {
		nanos, id, ok := strings.Cut(cursor, "/")
		n, err1 := strconv.ParseInt(nanos, 10, 64)
		did, err2 := domain.ParseID[messaging.Delivery](id)
		if !ok || err1 != nil || err2 != nil {
			return api.Page[deliveryView]{}, api.BadRequest("invalid-query", "the cursor is not one this API gave",
				domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
		q.Before = &messaging.Entry{ID: did, CreatedAt: time.Unix(0, n)}
	}
	es, err := a.Store.OutboxEntries(ctx, m, q)
	if err != nil {
		return api.Page[deliveryView]{}, err
	}
	// One more than the page is read to know whether a page follows; at
	// the largest page a full page is taken to have one.
	more := len(es) > limit || (len(es) == limit && q.Limit == limit)
	es = es[:min(len(es), limit)]
	pg := api.Page[deliveryView]{Items: make([]deliveryView, len(es))}
	for i, e := range es {
		v := deliveryView{ID: e.ID, Kind: e.Kind, GuardianID: e.Guardian, Medium: e.Medium, State: e.State, Urgent: e.Urgent,
			Attempts: e.Attempts, CreatedAt: e.CreatedAt, DoneAt: e.DoneAt}
		// The reason code of the last attempt's failure, as the
		// operations page names it without a receipt: send-failed.
		if e.Failed {
			v.Reason = "send-failed"
		}
		if e.State == messaging.Pending {
			v.NextAt = e.NextAt
		}
		pg.Items[i] = v
	}
	if more && len(es) > 0 {
		last := es[len(es)-1]
		pg.NextCursor = api.EncodeCursor(strconv.FormatInt(last.CreatedAt.UnixNano(), 10) + "/" + last.ID.String())
	}
	return pg, nil
}

// outboxSummary counts the municipality's deliveries by state, in SQL.
func (a *app) outboxSummary(ctx context.Context, m domain.Municipality) (OutboxSummary, error) {
	counts, err := a.Store.OutboxCounts(ctx, m)
	if err != nil {
		return OutboxSummary{}, err
	}
	var sum OutboxSummary
	for _, c := range counts {
		switch c.State {
		case messaging.Pending:
			sum.Pending += c.N
		case messaging.Sent:
			sum.Sent += c.N
		case messaging.Dead:
			sum.Dead += c.N
		}
	}
	return sum, nil
}

func outboxState(r *http.Request) (string, error) {
	s := r.URL.Query().Get("state")
	switch messaging.State(s) {
	case "", messaging.Pending, messaging.Sent, messaging.Dead:
		return s, nil
	}
	return "", api.Unprocessable("invalid-query", "state is not a delivery state", domain.FieldError{Field: "state", Reason: "must-be-pending-sent-or-dead"})
}

// API handlers.

func (a *app) apiThreads(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	// The read is audited once the page is known: a cursor that points at
	// no thread is refused with nothing written.
	list, children, err := a.threadSummaries(r.Context(), c.Lang, c.Actor)
	if err != nil {
		return err
	}
	pg, err := api.Paginate(list, func(t ThreadSummary) string { return t.ID.String() }, pr)
	if err != nil {
		return err
	}
	if err := a.auditThreadList(r.Context(), c.Actor, children); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

func (a *app) apiThread(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[messaging.Thread](r, "threadId")
	if err != nil {
		return err
	}
	v, err := a.readThread(r.Context(), c.Lang, c.Actor, id)
	if err != nil {
		return err
	}
	firstParticipants(&v)
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// apiParticipants answers the participants of a thread the actor may see,
// a page at a time by guardian ID.
func (a *app) apiParticipants(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[messaging.Thread](r, "threadId")
	if err != nil {
		return err
	}
	p, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	v, err := a.readThread(r.Context(), c.Lang, c.Actor, id)
	if err != nil {
		return err
	}
	pg, err := api.Paginate(v.Participants, participantKey, p)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

// apiUrgentStatus answers the delivery status of an urgent thread,
// audit-logged as a read of the thread's child.
func (a *app) apiUrgentStatus(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[messaging.Thread](r, "threadId")
	if err != nil {
		return err
	}
	ctx := r.Context()
	st, err := a.Messaging().StatusOf(ctx, c.Actor, c.Actor.Municipality, id)
	if err != nil {
		return err
	}
	t, err := a.Store.Thread(ctx, c.Actor.Municipality, id)
	if err != nil {
		return err
	}
	// Logged outside a transaction (web.App.Audit batches its entries).
	if err := a.Audit(ctx, c.Actor, "message.status", "thread/"+id.String(), threadChildren(t)...); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (a *app) apiPostThread(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req newThreadRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	t, err := a.post(ctx, c.Actor, messaging.Draft{
		About:   messaging.About{Scope: req.Scope, Child: req.ChildID, Group: req.GroupID, Unit: req.UnitID},
		Subject: req.Subject, Body: req.Body, Bulletin: req.Bulletin, Urgent: req.Urgent,
	})
	if err != nil {
		return err
	}
	v, err := a.readThread(ctx, c.Lang, c.Actor, t.ID)
	if err != nil {
		return err
	}
	firstParticipants(&v)
	w.Header().Set("Location", "/api/v1/threads/"+t.ID.String())
	api.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (a *app) apiReply(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req replyRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.ThreadID.IsZero() {
		return domain.Invalid("threadId", "required")
	}
	msg, err := a.reply(r.Context(), c.Actor, req.ThreadID, req.Body)
	if err != nil {
		return threadRef(err)
	}
	api.WriteJSON(w, http.StatusCreated, messageView{ID: msg.ID, From: a.authorName(r.Context(), c.Lang, msg.Author, domain.UnitID{}), Mine: true, Body: msg.Body, CreatedAt: msg.CreatedAt})
	return nil
}

func (a *app) apiMarkRead(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req readRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.ThreadID.IsZero() {
		return domain.Invalid("threadId", "required")
	}
	if err := a.Messaging().MarkRead(r.Context(), c.Actor, c.Actor.Municipality, req.ThreadID); err != nil {
		return threadRef(err)
	}
	api.WriteJSON(w, http.StatusOK, web.StatusBody{Status: "read"})
	return nil
}

// threadRef turns an unknown thread named in a body into a validation
// error on threadId.
func threadRef(err error) error {
	if domain.IsNotFound(err) {
		return domain.Invalid("threadId", "no-such-thread")
	}
	return err
}

func (a *app) apiContact(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v, err := a.contactOf(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiSetContact(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req contactRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	v := contactView{Language: req.Language, Channel: req.Channel, Quiet: req.Quiet}
	if err := a.setContact(r.Context(), c.Actor, req.GuardianID, v); err != nil {
		return renameField(err, "medium", "channel")
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// renameField renames a field of a validation error (the service's name
// for what the API calls otherwise).
func renameField(err error, from, to string) error {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	fields := slices.Clone(ve.Fields)
	for i := range fields {
		if fields[i].Field == from {
			fields[i].Field = to
		}
	}
	return &domain.ValidationError{Fields: fields}
}

func (a *app) apiOutbox(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	state, err := outboxState(r)
	if err != nil {
		return err
	}
	pg, err := a.outbox(r.Context(), c.Actor.Municipality, state, pr.Cursor, pr.Limit)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "outbox.read", "outbox"); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

func (a *app) apiOutboxSummary(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	sum, err := a.outboxSummary(r.Context(), c.Actor.Municipality)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, sum)
	return nil
}

// Pages.

// inboxContent is the guardian's messages page.
type inboxContent struct {
	L        web.Locale
	Threads  []ThreadSummary
	Children []web.ChildSummary // the wards the guardian may write about
	// Values keeps what was typed in a new message that was not sent
	// (child, subject, body); Errors the message at each field; Summary
	// the list above the form.
	Values  map[string]string
	Errors  map[string]string
	Summary []fieldMsg
	// NoPlace says whom to contact instead when the child has no place
	// to write to (what was typed is kept in Values).
	NoPlace string
}

// fieldMsg is a refusal in the error summary: the input's id, its label
// and the message.
type fieldMsg struct {
	ID, Label, Message string
}

// refusalErrors turns a refused message into each field's error (in l)
// and the summary above the form. labels names the form's fields by
// catalog key; an error about another field is shown at "body".
func refusalErrors(l web.Locale, refusal error, labels map[string]string) (map[string]string, []fieldMsg) {
	errs := map[string]string{}
	var summary []fieldMsg
	add := func(field, msg string) {
		if _, ok := labels[field]; !ok {
			field = "body"
		}
		if old, ok := errs[field]; ok {
			msg = old + "; " + msg
		}
		errs[field] = msg
		summary = append(summary, fieldMsg{ID: field, Label: l.T(labels[field]), Message: msg})
	}
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	switch {
	case errors.As(refusal, &ve):
		for _, f := range ve.Fields {
			add(f.Field, l.FieldReason(f))
		}
	case errors.As(refusal, &ce):
		add(ce.Field, l.ConflictReason(ce))
	}
	return errs, summary
}

func (a *app) inboxPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.renderInbox(w, r, c, nil, nil, "")
}

// renderInbox renders the guardian's messages. values is a new message
// that was not sent, shown again (422) with refusal's errors at its
// fields, or with noPlace saying whom to contact instead.
func (a *app) renderInbox(w http.ResponseWriter, r *http.Request, c *web.Call, values map[string]string, refusal error, noPlace string) error {
	content, err := a.inbox(r.Context(), c)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if refusal != nil || noPlace != "" {
		status = http.StatusUnprocessableEntity
		content.Values, content.Errors, content.NoPlace = values, map[string]string{}, noPlace
	}
	if refusal != nil {
		content.Errors, content.Summary = refusalErrors(c.Lang, refusal,
			map[string]string{"child": "messaging.new.child", "subject": "messaging.subject", "body": "messaging.body"})
	}
	a.Page(w, r, c, status, "messaging_inbox", "messaging.inbox.title", content)
	return nil
}

// inbox is the guardian's messages page.
func (a *app) inbox(ctx context.Context, c *web.Call) (inboxContent, error) {
	threads, err := a.threadList(ctx, c.Lang, c.Actor)
	if err != nil {
		return inboxContent{}, err
	}
	content := inboxContent{L: c.Lang, Threads: threads}
	children, err := a.VisibleChildren(ctx, c.Actor)
	if err != nil {
		return inboxContent{}, err
	}
	for _, ch := range children {
		content.Children = append(content.Children, web.Summarize(ch))
	}
	return content, nil
}

// noPlace says whom a guardian writes to about a ward that has no
// placement today: the unit from the day a coming placement starts, else
// the municipality's admission office. It is "" when the child is not
// the guardian's ward or has a placement today (then the refusal stands).
func (a *app) noPlace(ctx context.Context, c *web.Call, child domain.ChildID) (string, error) {
	children, err := a.VisibleChildren(ctx, c.Actor)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(children, func(ch domain.Child) bool { return ch.ID == child })
	if i < 0 {
		return "", nil
	}
	access, rec, err := a.DecideChild(ctx, c.Actor, child)
	if err != nil {
		return "", err
	}
	name := children[i].GivenName
	today := domain.Today(a.Clock)
	var next *domain.Placement
	for _, p := range rec.Placements {
		if p.Period.Contains(today) {
			return "", nil
		}
		if p.Period.Start > today && (next == nil || p.Period.Start < next.Period.Start) {
			next = &p
		}
	}
	// Only a parent with parental responsibility learns the coming unit
	// (where a child will be tells where it lives).
	if next != nil && access == web.AccessParent && !rec.Child.AddressProtection.Protected() {
		u, err := a.Store.Unit(ctx, c.Actor.Municipality, next.UnitID)
		if err != nil {
			return "", err
		}
		return c.Lang.T("messaging.noPlace.coming", name, u.Name, c.Lang.Date(next.Period.Start)), nil
	}
	return c.Lang.T("messaging.noPlace.office", name, demo.MunicipalityNames[c.Actor.Municipality]), nil
}

// threadContent is a thread's page.
type threadContent struct {
	L      web.Locale
	Thread ThreadView
	Back   string
	// Body keeps the text of a refused reply; Error says why.
	Body, Error string
	// Status is the delivery status of an urgent message, for staff and
	// the municipality; nil otherwise.
	Status *urgentStatusView
	// Recipients is one page of Thread.Participants (a bulletin to the
	// whole municipality reaches tens of thousands), Read and Total the
	// figures of all of them, PrevHref and NextHref the pager.
	Recipients         []participantView
	Read, Total        int
	PrevHref, NextHref string
}

func (a *app) threadPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[messaging.Thread](r, "threadId")
	if err != nil {
		return err
	}
	return a.renderThread(w, r, c, id, "", nil)
}

// renderThread renders a thread; body and refusal, when refusal is not
// nil, are a refused reply shown again (422).
func (a *app) renderThread(w http.ResponseWriter, r *http.Request, c *web.Call, id messaging.ThreadID, body string, refusal error) error {
	ctx := r.Context()
	v, err := a.readThread(ctx, c.Lang, c.Actor, id)
	if err != nil {
		return err
	}
	if c.Actor.Role == domain.RoleGuardian {
		if err := a.Messaging().MarkRead(ctx, c.Actor, c.Actor.Municipality, id); err != nil {
			return err
		}
	}
	back := "/messages"
	if c.Actor.Role != domain.RoleGuardian {
		back = a.StartPage(c.Actor.Role)
		if c.Actor.Role == domain.RoleStaff {
			back = "/staff/messages"
		}
	}
	content := threadContent{L: c.Lang, Thread: v, Back: back, Total: len(v.Participants), Read: readBy(v.Participants)}
	// The recipients in pages by guardian ID (the order they are read in).
	q := r.URL.Query()
	pg := web.KeysetPage(v.Participants, participantKey, q.Get("after"), q.Get("before"), web.PageSize)
	content.Recipients = pg.Rows
	content.PrevHref, content.NextHref = web.PagerLinks(q, pg.Prev, pg.Next)
	if v.Urgent && c.Actor.Role != domain.RoleGuardian {
		if content.Status, err = a.urgentStatus(ctx, c, v); err != nil {
			return err
		}
	}
	status := http.StatusOK
	if refusal != nil {
		status = http.StatusUnprocessableEntity
		content.Body = body
		errs, _ := refusalErrors(c.Lang, refusal, map[string]string{"body": "messaging.body"})
		content.Error = errs["body"]
	}
	a.Page(w, r, c, status, "messaging_thread", "messaging.thread.title", content)
	return nil
}

// formValues parses a form (at most api.MaxBodyBytes).
func formValues(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, api.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return nil, api.BadRequest("unreadable", "the form cannot be read")
	}
	return r.PostForm, nil
}

func (a *app) replyForm(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[messaging.Thread](r, "threadId")
	if err != nil {
		return err
	}
	f, err := formValues(w, r)
	if err != nil {
		return err
	}
	if _, err := a.reply(r.Context(), c.Actor, id, f.Get("body")); err != nil {
		// A refusal keeps what was written.
		var ve *domain.ValidationError
		var ce *domain.ConflictError
		if errors.As(err, &ve) || errors.As(err, &ce) {
			return a.renderThread(w, r, c, id, f.Get("body"), err)
		}
		return err
	}
	http.Redirect(w, r, "/messages/"+id.String()+"#siste", http.StatusSeeOther)
	return nil
}

func (a *app) guardianPostForm(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	f, err := formValues(w, r)
	if err != nil {
		return err
	}
	values := map[string]string{"child": f.Get("child"), "subject": f.Get("subject"), "body": f.Get("body")}
	child, err := domain.ParseID[domain.Child](f.Get("child"))
	if err != nil || child.IsZero() {
		return a.renderInbox(w, r, c, values, domain.Invalid("child", "choose-a-child"), "")
	}
	t, err := a.post(r.Context(), c.Actor, messaging.Draft{About: messaging.About{Scope: messaging.ScopeChild, Child: child},
		Subject: f.Get("subject"), Body: f.Get("body")})
	if errors.Is(err, domain.ErrForbidden) {
		// A ward without a placement today has nobody to write to here:
		// say whom to contact instead, and keep what was typed.
		why, nerr := a.noPlace(r.Context(), c, child)
		if nerr != nil {
			return nerr
		}
		if why == "" {
			return err
		}
		return a.renderInbox(w, r, c, values, nil, why)
	}
	if err != nil {
		// A refusal keeps what was written; the message is not lost.
		var ve *domain.ValidationError
		var ce *domain.ConflictError
		if errors.As(err, &ve) || errors.As(err, &ce) {
			return a.renderInbox(w, r, c, values, err, "")
		}
		return err
	}
	http.Redirect(w, r, "/messages/"+t.ID.String(), http.StatusSeeOther)
	return nil
}

// staffMessagesContent is the staff's messages page.
type staffMessagesContent struct {
	L       web.Locale
	Threads []ThreadSummary // one page, newest first
	// Total is how many threads the units have; PrevHref and NextHref the
	// query strings of the pages before and after ("" for none).
	Total              int
	PrevHref, NextHref string
	Targets            []targetOption
	// Values, Errors and Summary are a refused message shown again (422):
	// what was typed, each field's error, and the list above the form.
	Values  map[string]string
	Errors  map[string]string
	Summary []fieldMsg
}

// targetOption is whom staff may write to: the guardians of a child, a
// group or a whole unit.
type targetOption struct {
	Value, Label string
}

func (a *app) staffMessagesPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.renderStaffMessages(w, r, c, nil, nil)
}

// renderStaffMessages renders the staff's messages page; values is a
// message that was refused, shown again (422) with refusal's errors at
// its fields and what was typed kept.
func (a *app) renderStaffMessages(w http.ResponseWriter, r *http.Request, c *web.Call, values map[string]string, refusal error) error {
	ctx := r.Context()
	// The units' threads in keyset pages, newest first: only the page's
	// rows are summarized, and only their children logged as read.
	all, err := a.unitThreads(ctx, c.Actor)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := web.KeysetPageFunc(all, threadKey, web.Descending, q.Get("after"), q.Get("before"), web.PageSize)
	threads, err := a.summarize(ctx, c.Lang, c.Actor, pg.Rows)
	if err != nil {
		return err
	}
	if err := a.auditThreadList(ctx, c.Actor, listChildren(pg.Rows)); err != nil {
		return err
	}
	content := staffMessagesContent{L: c.Lang, Threads: threads, Values: values, Total: len(all)}
	content.PrevHref, content.NextHref = web.PagerLinks(q, pg.Prev, pg.Next)
	status := http.StatusOK
	if refusal != nil {
		status = http.StatusUnprocessableEntity
		content.Errors, content.Summary = refusalErrors(c.Lang, refusal,
			map[string]string{"to": "messaging.staff.to", "subject": "messaging.subject", "body": "messaging.body"})
	}
	var children []domain.ChildID
	for _, u := range c.Actor.Units {
		v, err := a.Roster(ctx, c.Actor.Municipality, u)
		if err != nil {
			return err
		}
		content.Targets = append(content.Targets, targetOption{Value: "unit:" + u.String(), Label: c.Lang.T("messaging.target.unit", v.Unit.Name)})
		for _, g := range v.Groups {
			if !g.ID.IsZero() {
				content.Targets = append(content.Targets, targetOption{Value: "group:" + g.ID.String(), Label: c.Lang.T("messaging.target.group", g.Name, v.Unit.Name)})
			}
		}
		for _, g := range v.Groups {
			for _, ch := range g.Children {
				if slices.Contains(children, ch.ID) {
					continue
				}
				children = append(children, ch.ID)
				content.Targets = append(content.Targets, targetOption{Value: "child:" + ch.ID.String(), Label: c.Lang.T("messaging.target.child", ch.GivenName+" "+ch.FamilyName)})
			}
		}
	}
	if len(children) > 0 {
		if err := a.Audit(ctx, c.Actor, "roster.read", "messages", children...); err != nil {
			return err
		}
	}
	a.Page(w, r, c, status, "messaging_staff", "messaging.staff.title", content)
	return nil
}

// staffPostForm sends a message to a child's guardians (replies allowed)
// or a bulletin to a group or unit.
func (a *app) staffPostForm(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	f, err := formValues(w, r)
	if err != nil {
		return err
	}
	values := map[string]string{"to": f.Get("to"), "subject": f.Get("subject"), "body": f.Get("body"), "urgent": f.Get("urgent")}
	kind, id, _ := strings.Cut(f.Get("to"), ":")
	uid, err := domain.ParseID[struct{}](id)
	if err != nil || uid.IsZero() {
		return a.renderStaffMessages(w, r, c, values, domain.Invalid("to", "choose-whom-to-write-to"))
	}
	d := messaging.Draft{Subject: f.Get("subject"), Body: f.Get("body"), Urgent: f.Get("urgent") == "on"}
	switch kind {
	case "child":
		d.About = messaging.About{Scope: messaging.ScopeChild, Child: domain.IDFromUUID[domain.Child](uid.UUID())}
	case "group":
		d.About, d.Bulletin = messaging.About{Scope: messaging.ScopeGroup, Group: domain.IDFromUUID[domain.Group](uid.UUID())}, true
	case "unit":
		d.About, d.Bulletin = messaging.About{Scope: messaging.ScopeUnit, Unit: domain.IDFromUUID[domain.Unit](uid.UUID())}, true
	default:
		return a.renderStaffMessages(w, r, c, values, domain.Invalid("to", "choose-whom-to-write-to"))
	}
	t, err := a.post(r.Context(), c.Actor, d)
	if err != nil {
		if errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrConflict) {
			return a.renderStaffMessages(w, r, c, values, err)
		}
		return err
	}
	http.Redirect(w, r, "/messages/"+t.ID.String(), http.StatusSeeOther)
	return nil
}

// outboxContent is the caseworker's outbox page.
type outboxContent struct {
	L          web.Locale
	Summary    OutboxSummary
	State      string
	Deliveries []deliveryView
	Next       string
}

func (a *app) outboxPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	state, err := outboxState(r)
	if err != nil {
		return err
	}
	sum, err := a.outboxSummary(r.Context(), c.Actor.Municipality)
	if err != nil {
		return err
	}
	pg, err := a.outbox(r.Context(), c.Actor.Municipality, state, pr.Cursor, pr.Limit)
	if err != nil {
		return err
	}
	content := outboxContent{L: c.Lang, Summary: sum, State: state, Deliveries: pg.Items}
	if pg.NextCursor != "" {
		content.Next = "?" + url.Values{"state": {state}, "cursor": {pg.NextCursor}}.Encode()
	}
	if err := a.Audit(r.Context(), c.Actor, "outbox.read", "outbox"); err != nil {
		return err
	}
	a.Page(w, r, c, http.StatusOK, "messaging_outbox", "messaging.outbox.title", content)
	return nil
}

// Times as pages show them, in Oslo.

func osloTime(t time.Time) string { return t.In(domain.Oslo()).Format("02.01.2006 15:04") }

// At is when the message was written, for a page.
func (m messageView) At() string { return osloTime(m.CreatedAt) }

// At is when the thread last changed, for a page.
func (t ThreadSummary) At() string { return osloTime(t.LastAt) }

// At is when the delivery was written to the outbox, for a page.
func (d deliveryView) At() string { return osloTime(d.CreatedAt) }

// Done is when it was sent or given up, for a page.
func (d deliveryView) Done() string {
	if d.DoneAt.IsZero() {
		return ""
	}
	return osloTime(d.DoneAt)
}

// CheckUnreadEvery runs CheckUnread now and then every interval until ctx
// ends.
func CheckUnreadEvery(ctx context.Context, a *web.App, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		CheckUnread(ctx, a)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CheckUnread tells, in every municipality served, the sender of each
// urgent message that no guardian has read within the municipality's
// minutes (messaging.Service.CheckUnread: once per message, however often
// it runs). It returns how many senders it told.
func CheckUnread(ctx context.Context, a *web.App) int {
	total := 0
	for _, m := range a.Municipalities {
		n, err := a.Messaging().CheckUnread(ctx, domain.SystemActor(m, "urgent-unread"))
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			a.Log.Error("urgent unread check", "municipality", m, "err", err)
		case n > 0:
			a.Log.Info("urgent messages unread, senders told", "municipality", m, "count", n)
		}
		total += n
	}
	return total
}
