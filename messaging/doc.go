// Package messaging is for the dialogue between staff and guardians:
// threads and messages, bulletins to groups, recipient resolution
// (parental responsibility, barneloven § 47, address protection), the
// outbox, notifications and templates in bokmål, nynorsk and English, and
// the transport port that the SMTP, SMS, webhook and digital-mailbox
// adapters implement.
//
// # Recipients
//
// Resolve decides who receives a message about a child (the conformance
// kind "recipients"). Service.Post applies it to every child a thread is
// about (ScopeChild, ScopeGroup, ScopeUnit, ScopeMunicipality) and merges
// the answers, so a guardian of two children in a group is notified once.
// A guardian with a strengt fortrolig address is reached through the
// digital mailbox only; a guardian with any protected address is never in a
// list of participants shown to anyone (Visible); recipients of a bulletin
// never see each other.
//
// # Text, not HTML
//
// Message.Body is stored exactly as written and is always text. Show it
// with Message.Text or, in a web page, Message.HTML, which escapes every
// character ("<b>" shows as "&lt;b&gt;"). Notifications are plain text.
//
// # Notifications
//
// Service implements domain.Notifier: Notify resolves the recipients of a
// domain.Notice, renders the template of its kind (templates/notices.json,
// data) in each guardian's language and medium (Contact; bokmål by e-mail
// by default) and writes the deliveries to the outbox in the caller's
// transaction. The same Notice.Key notifies once. The Data keys of the
// built-in kinds:
//
//	offer.sent, offer.lapsing   child, unit, deadline
//	invoice.ready               month, amount (with its unit, "1 234,50 kr"), due, kid
//	absence.undocumented        child, date, unit
//	message.new                 subject, from
//
// When a notice is about a child and has no "child" value, Notify fills in
// the child's given name from the directory.
//
// Any kind: "urgent" = "true" marks the subject as urgent. A key a template
// does not use is ignored; a key it uses but is not given renders empty; a
// kind without a template gets a neutral fallback text.
//
// # Outbox
//
// A Dispatcher claims due deliveries with a lease, sends them through the
// Transport of their Medium with bounded concurrency, and settles them:
// sent, retried after exponential Backoff, or dead after Backoff.Limit
// attempts or a permanent failure (Permanent). Sending is at least once: a
// dispatcher that stops between sending and settling loses nothing, and the
// repeat carries the same Delivery.Key.
//
// It is a pure domain package: it imports no database driver and no
// net/http.
package messaging
