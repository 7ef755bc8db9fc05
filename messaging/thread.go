package messaging

import (
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oppvekst/oppvekst/domain"
)

// Identifiers of the messaging records.
type (
	ThreadID   = domain.ID[Thread]
	MessageID  = domain.ID[Message]
	DeliveryID = domain.ID[Delivery]
)

// Scope says what a thread is about, which decides who receives it.
type Scope string

// Scopes of a thread.
const (
	ScopeChild        Scope = "child"        // one child: its guardians
	ScopeGroup        Scope = "group"        // a department or class
	ScopeUnit         Scope = "unit"         // a whole kindergarten, school or SFO
	ScopeMunicipality Scope = "municipality" // every placed child of the municipality
)

// About names what a thread is about: Child for ScopeChild, Group for
// ScopeGroup, Unit for ScopeUnit (and, when a guardian writes, the unit the
// guardian writes to), nothing for ScopeMunicipality.
type About struct {
	Scope Scope          `json:"scope"`
	Child domain.ChildID `json:"child,omitzero"`
	Group domain.GroupID `json:"group,omitzero"`
	Unit  domain.UnitID  `json:"unit,omitzero"`
}

// Author is who wrote a thread or message: the role, subject and display
// name of the domain.Actor (and the guardian, for a guardian). Subject is
// the login ID, for matching; Name is what a person reads ("Kari Lærer"),
// empty when the login gave none.
type Author struct {
	Role     domain.Role       `json:"role"`
	Subject  string            `json:"subject"`
	Guardian domain.GuardianID `json:"guardian,omitzero"`
	Name     string            `json:"name,omitempty"`
}

func authorOf(a domain.Actor) Author {
	return Author{Role: a.Role, Subject: a.Subject, Guardian: a.Guardian, Name: a.Name}
}

// Thread is a conversation between staff and guardians, or a bulletin.
type Thread struct {
	ID           ThreadID            `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	About        About               `json:"about"`
	// Unit is the unit that answers the thread (the child's or group's
	// unit); zero for a municipality-wide thread.
	Unit    domain.UnitID `json:"unit,omitzero"`
	Subject string        `json:"subject"`
	// Bulletin: no replies, and recipients never see each other.
	Bulletin  bool      `json:"bulletin"`
	Urgent    bool      `json:"urgent"`
	Author    Author    `json:"author"`
	CreatedAt time.Time `json:"createdAt"`
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Data        []byte `json:"data"`
}

// Message is one message of a thread.
type Message struct {
	ID           MessageID           `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Thread       ThreadID            `json:"thread"`
	Author       Author              `json:"author"`
	// Body is stored exactly as written. It is text: any HTML in it is
	// never interpreted. Show it with Text (plain text) or HTML (escaped
	// for an HTML page), never by inserting Body into markup.
	Body        string       `json:"body"`
	Attachments []Attachment `json:"attachments,omitempty"`
	CreatedAt   time.Time    `json:"createdAt"`
}

// Text returns the body as plain text: exactly as written.
func (m Message) Text() string { return m.Body }

// HTML returns the body for an HTML page: every character escaped, so
// "<b>" shows as "<b>" and is never markup; line breaks become <br>.
func (m Message) HTML() string {
	return strings.ReplaceAll(html.EscapeString(m.Body), "\n", "<br>\n")
}

// Participant is a guardian who receives a thread, with read status.
type Participant struct {
	Municipality domain.Municipality `json:"municipality"`
	Thread       ThreadID            `json:"thread"`
	Guardian     domain.GuardianID   `json:"guardian"`
	// Protected: the guardian's address is protected (fortrolig or
	// strengt fortrolig, in Norway or abroad). Such a participant is never
	// shown in a list of participants, to anyone.
	Protected bool `json:"-"`
	// ReadAt is when the guardian last read the thread; zero when unread.
	ReadAt time.Time `json:"readAt,omitzero"`
}

// Limits are a municipality's choices for messages: the largest body and
// attachment, and the attachment types allowed.
type Limits struct {
	// MaxBody is the longest body in characters.
	MaxBody int
	// MaxAttachmentBytes is the largest single attachment.
	MaxAttachmentBytes int
	// MaxAttachments is the most attachments on one message.
	MaxAttachments int
	// AllowedTypes are the media types an attachment may have.
	AllowedTypes []string
}

// DefaultLimits are used when Service.Limits is zero: 20,000 characters,
// ten attachments of at most 10 MiB each, PDF, JPEG, PNG and plain text.
func DefaultLimits() Limits {
	return Limits{
		MaxBody:            20_000,
		MaxAttachmentBytes: 10 << 20,
		MaxAttachments:     10,
		AllowedTypes:       []string{"application/pdf", "image/jpeg", "image/png", "text/plain"},
	}
}

// check validates a body and attachments against the limits.
func (l Limits) check(p *domain.Problems, body string, atts []Attachment) {
	bodyChars := domain.CheckText("body", body)
	switch {
	case bodyChars != nil:
		p.Merge("", bodyChars)
	case domain.Blank(body):
		p.Add("body", "empty")
	case utf8.RuneCountInString(body) > l.MaxBody:
		p.Add("body", "is-longer-than-characters", "maxBody", fmt.Sprint(l.MaxBody))
	}
	if len(atts) > l.MaxAttachments {
		p.Add("attachments", "more-than-attachments", "maxAttachments", fmt.Sprint(l.MaxAttachments))
	}
	for i, a := range atts {
		f := fmt.Sprintf("attachments[%d]", i)
		if err := domain.CheckLine("name", a.Name); err != nil {
			p.Merge(f, err)
		} else if domain.Blank(a.Name) || strings.ContainsAny(a.Name, "/\\") {
			p.Add(f+".name", "is-required-and-may-not-contain-a-path")
		}
		if !slices.Contains(l.AllowedTypes, a.ContentType) {
			p.Add(f+".contentType", "is-not-an-allowed-type", "contentType", fmt.Sprint(a.ContentType), "join", fmt.Sprint(strings.Join(l.AllowedTypes, ", ")))
		}
		if len(a.Data) == 0 {
			p.Add(f+".data", "empty")
		}
		if len(a.Data) > l.MaxAttachmentBytes {
			p.Add(f+".data", "is-bytes-more-than-the-limit-of", "count", fmt.Sprint(len(a.Data)), "maxAttachmentBytes", fmt.Sprint(l.MaxAttachmentBytes))
		}
	}
}

// Validate checks a thread on its own.
func (t Thread) Validate() error {
	var p domain.Problems
	if t.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", t.Municipality.Validate())
	switch t.About.Scope {
	case ScopeChild:
		if t.About.Child.IsZero() {
			p.Add("about.child", "required")
		}
	case ScopeGroup:
		if t.About.Group.IsZero() {
			p.Add("about.group", "required")
		}
	case ScopeUnit:
		if t.About.Unit.IsZero() {
			p.Add("about.unit", "required")
		}
	case ScopeMunicipality:
	default:
		p.Add("about.scope", "must-be-child-group-unit-or-municipality")
	}
	subjectChars := domain.CheckLine("subject", t.Subject)
	switch {
	case subjectChars != nil:
		p.Merge("", subjectChars)
	case domain.Blank(t.Subject):
		p.Add("subject", "required")
	case utf8.RuneCountInString(t.Subject) > 200:
		p.Add("subject", "longer-than", "max", "200")
	}
	if t.Author.Subject == "" {
		p.Add("author", "required")
	}
	return p.Err()
}

// Validate checks a message on its own (the body's presence, not the
// limits, which are the service's configuration).
func (m Message) Validate() error {
	var p domain.Problems
	if m.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", m.Municipality.Validate())
	if m.Thread.IsZero() {
		p.Add("thread", "required")
	}
	if err := domain.CheckText("body", m.Body); err != nil {
		p.Merge("", err)
	} else if domain.Blank(m.Body) {
		p.Add("body", "empty")
	}
	if m.Author.Subject == "" {
		p.Add("author", "required")
	}
	return p.Err()
}
