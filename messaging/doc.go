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
// # Whereabouts
//
// A guardian without parental responsibility — a parent with an information
// right under barneloven § 47 — of a child whose address is strengt
// fortrolig (in Norway or abroad) learns nothing from messaging of where the
// child is (the rule is written out in the domain package, "Whereabouts"):
//
//   - Resolve marks such a recipient HideWhereabouts, with its reason
//     (ReasonWhereaboutsHidden) in the explanation;
//   - notifications to such a recipient use the restricted text of their
//     kind (Templates.RenderRestricted), which is given no unit, group,
//     staff name, address or time of day; a kind without one gets the
//     fallback text. ParseTemplates refuses a restricted text that uses
//     such a key (WhereaboutsKeys);
//   - Read, Inbox and Post give such a reader the thread redacted
//     (Thread.Redacted, Message.Redacted, View.HideWhereabouts): no unit or
//     group, and staff and the municipality only by role, without login ID
//     or name; the other participants are not listed;
//   - such a guardian writes about the child with ScopeChild (the thread
//     still goes to the child's unit); ScopeUnit is not opened by that
//     child: the refusal (domain.ErrForbidden) is the same at the child's
//     unit as at any other, so posting to each unit is no oracle.
//
// The time a message was written is shown: it says when staff wrote, not
// where the child was. Subjects and bodies are shown as written: the
// library cannot tell what free text reveals, so staff writing about such a
// child must keep it free of where.
//
// # Names
//
// Author.Name is the display name of who wrote ("Kari Lærer", from
// domain.Actor.Name); Author.Subject is the login ID (in production a Feide
// principal name), kept for matching and never shown. Notifications name
// staff by display name, or by their unit when they have none; guardians
// are "en foresatt".
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
// transaction. The same Notice.Key notifies once. NotifyAll does the same
// for many notices at once (an invoice run's): notices to one guardian
// each read their guardians, contacts, settings and the contact register
// once and are written in one Enqueue. The Data keys of the built-in
// kinds:
//
//	offer.sent, offer.lapsing   child, unit, deadline
//	invoice.ready               month, amount (with its unit, "1 234,50 kr"), due, kid
//	absence.undocumented        child, date, unit
//	message.new                 subject, from (the author's display name)
//	school-request.granted,     child, unit (the school asked for)
//	school-request.refused
//	special-education.waiting,  child, due (the last day, YYYY-MM-DD); no step,
//	special-education.overdue   unit or diagnosis: the guardian logs in to read
//	special-education.          step (with step.nb, step.nn, step.en: the step's
//	  staff-overdue             name in each language), due, link (the case's
//	                            page); to a staff member, never naming the child
//	conversation.tomorrow       child, title, date (YYYY-MM-DD), time (HH:MM),
//	                            place, link (either may be empty)
//	conversation.unbooked       child, title, bookBy (YYYY-MM-DD)
//
// When a notice is about a child and has no "child" value, Notify fills in
// the child's given name from the directory. A value keyed name + "." +
// language ("step.nn") is used in the text of that language.
//
// # Notices to staff
//
// A notice with domain.Notice.Staff set goes to that staff member only, as
// one e-mail to the work address (domain.StaffMember.Email), in bokmål,
// keyed Notice.Key + "/" + the member's ID (Delivery.Staff is set, not
// Delivery.Guardian). Staff are reached at work, not as citizens: no
// guardianship rules, no contact register, no other medium. A member
// without a work address is refused (ReasonNoWorkAddress) with nothing
// written; the raiser records that instead (specialed keeps a Reminder
// with NoAddress on the worklist).
//
// Any kind: "urgent" = "true" marks the subject as urgent. A key a template
// does not use is ignored; a key it uses but is not given renders empty; a
// kind without a template gets a neutral fallback text.
//
// # Contact register
//
// With Service.ContactRegister set (adapters/krr speaks the national
// contact and reservation register, KRR), Notify asks the register once
// per notice about every recipient with a national ID and routes each by
// RouteByRegister: e-mail and SMS go to the details the person keeps in
// the register, never to those on file; a person who has reserved against
// digital communication, or whom the register says cannot be notified
// (stale details), gets the digital mailbox only (the route of letters);
// a person deleted from the register gets nothing; a person the register
// does not know gets the digital mailbox. A strengt fortrolig address
// still means the digital mailbox only.
//
// When the register cannot answer (down, refused, slower than
// Service.RegisterTimeout), the notice is not held back and the caller's
// change is not refused: every recipient it would have asked about gets
// the digital mailbox, and no e-mail or SMS goes to details the register
// has not confirmed. (Holding the notice for a later e-mail or SMS would
// need the outbox to keep the undecided route; it does not.) The lookup
// runs inside the caller's transaction, bounded by RegisterTimeout.
//
// Digdir allows reminders and service messages by SMS or e-mail even to a
// reserved person; this package does not use that allowance for any kind.
//
// # Outbox
//
// A Dispatcher claims due deliveries with a lease, sends them through the
// Transport of their Medium with bounded concurrency per transport, and
// settles them: sent, retried after exponential Backoff, or dead after
// Backoff.Limit attempts or a permanent failure (Permanent). Sending is at
// least once: a dispatcher that stops between sending and settling loses
// nothing, and the repeat carries the same Delivery.Key. The bookkeeping is
// in batches: a claim leases a whole batch in one statement and Settle
// records a whole batch's outcomes in one; Dispatcher.Drain (what Run and
// the reference app use) records one batch and claims the next while the
// transports send, so the database round trips do not stop the sending.
// Several dispatchers (app instances) share one outbox: the stores' claims
// skip what another has leased (FOR UPDATE SKIP LOCKED on PostgreSQL).
//
// It is a pure domain package: it imports no database driver and no
// net/http.
package messaging
