// Package domain is the shared vocabulary of Oppvekst: the types every
// capability (admission, attendance, billing, messaging) and every adapter
// speaks.
//
// It holds typed identifiers (UUIDv7), the municipality (kommunenummer),
// national identity numbers, children, guardians and guardianships with
// address protection, units (kindergarten, school, SFO) and their groups,
// placements, the kindergarten/school year and age groups, money helpers,
// the clock, the actor who asks, typed errors, and the directory store port
// that adapters implement.
//
// # The opening calendar
//
// Calendar says whether a unit is open on a day and, when not, why
// (Closure, rendered in nb, nn and en): Norway's public holidays are
// computed from rules/holidays.json — fixed days and days counted from
// Easter Sunday (Easter, the Gregorian computus), each with its act and
// section (lov om helligdager og helligdagsfred § 2, lov om 1. og 17. mai
// som høgtidsdager § 1) — and a municipality's CalendarEntry records add
// summer closures, planning days, units' closed days and school holidays
// (schools closed, SFO open). A unit is open Monday to Friday unless its
// Weekdays say otherwise. CalendarStore is the port; LoadCalendar reads a
// period of it.
//
// # Input
//
// Every date and month that comes in from outside (a request, a form, a
// query, a file, a conformance vector) is read by ParseDate or ParseMonth,
// which accept exactly YYYY-MM-DD and YYYY-MM, a year from 0001 to 9999,
// and only a day the calendar has: 2026-02-30, 2026-04-31, 2026-13-01,
// 2026-01-00 and 0000-01-01 are refused with a *ValidationError naming the
// field (ReasonDate, ReasonMonth), never rolled over into another day as
// date.ParseISO and date.Date's UnmarshalText do. A child's birth date
// after today is refused by Child.ValidateAt (ReasonFuture).
//
// Text holds no control characters: a single-line value (a name, a
// subject, a phone number, a key) none at all (CheckLine), a free text (a
// message body, a note) only tab, line feed and carriage return
// (CheckText); NUL is never stored. Text must be valid UTF-8 (ReasonUTF8).
// A required text that is Blank (only white space, control or format
// characters) is missing. The records' Validate methods, here and in the
// capabilities, apply these rules, so a store refuses such input whoever
// calls it; an application checks them at its edge too.
//
// The reasons of these rules are codes (the Reason constants), which an
// application translates. Every refusal in the library is so: a
// FieldError's Reason is a stable kebab-case code ("required",
// "out-of-range", "no-such-unit") with its Params ("min": "0", "max":
// "60"; dates yyyy-mm-dd), never a sentence. Each package lists its codes
// and their English developer text in its ReasonTexts. Nothing registers
// them (the library keeps no global state): ValidationError.Error and
// ConflictError.Error write the codes and their parameters, the same in
// every application, and an application that wants English names the
// tables of the packages it uses (ReasonTables{admission.ReasonTexts,
// ReasonTexts}.Text(code, params...)). Pages show the code in the user's
// language; the reference app has a test that fails when a code lacks a
// text in nb, nn or en.
//
// # Whereabouts
//
// Whereabouts are everything that tells where a child can be found: the
// unit and the group it is placed in (by name or by ID), the names of the
// staff who work there, its address and contact details, and the times it
// arrives, leaves or is collected (check-in and check-out, pickup lists,
// the unit's opening hours and closing days).
//
// When a child's address is strengt fortrolig (in Norway or abroad, see
// AddressProtection.Strict), a guardian without parental responsibility
// learns nothing of the child's whereabouts — also a parent who has an
// information right under barneloven § 47. Such a parent may still be told
// about the child (how it is doing, that it has a place, a message from
// its teacher), but never where. Guardianship.HidesWhereabouts and
// ChildRecord.HidesWhereaboutsFrom decide it; every capability that shows
// or sends a guardian anything about a child asks them:
//
//   - messages and thread headers name no unit or group and no member of
//     staff: a message from staff is "from the municipality's staff", the
//     thread has no unit (messaging.Service redacts both when such a parent
//     reads, posts or lists);
//   - notifications use the template's restricted text
//     (messaging.Templates.RenderRestricted), which has no unit, group,
//     staff name or time of day;
//   - a thread to a unit (a guardian's message "to the kindergarten") may
//     not be chosen through such a child: the answer is the same refusal
//     whether the child is at that unit or not, so the answer is no oracle.
//     Writing about the child goes to whoever has the child today, without
//     saying who; it is refused only when the child has no place at all,
//     which tells that it has none, never where it has one;
//   - the child's record shows no placements, and nothing of attendance or
//     pickups (attendance refuses such a parent the pickup list);
//   - decision letters (admission) and fee decisions are read only by
//     guardians with parental responsibility and the municipality;
//     invoices name the child, the kind of place and the months, never a
//     unit, group or member of staff, so an invoice tells no whereabouts
//     whoever pays it;
//   - exports (finance files, rosters) are for the municipality and staff,
//     never for guardians;
//   - errors never depend on where the child is: a refusal has the same
//     status and body whichever unit was named.
//
// The time a message was written is not among them: it tells when staff
// wrote, not where the child was. What staff write in a subject or body is
// theirs to keep free of whereabouts; the library cannot read meaning.
//
// A parent with parental responsibility is not restricted by this rule (the
// unit may still deny information under § 47 second paragraph, which
// InformationDenied records and which stops every message).
//
// Registered addresses are whereabouts too. A child's and a guardian's
// registered address (Child.Address, Guardian.Address, from the
// Folkeregister or a caseworker) is given out only through ShownAddress,
// which is empty for a person with any address protection. The decision
// is the conservative one, for every level and every reader:
//
//   - strengt fortrolig (in Norway or abroad): nobody learns the address
//     through the app — no guardian, member of staff, caseworker or
//     administrator, and not the person either (she knows where she lives;
//     a page that showed it would be one shoulder-surf or one mistaken
//     login away from the person she hides from). The Folkeregister hands
//     such addresses to very few public bodies, and a kindergarten or
//     school office is not among them;
//   - fortrolig: the same. A caseworker who needs the address for a case
//     reads it in the Folkeregister under the municipality's own access,
//     where the lookup is logged there; the app has no task that needs to
//     show it, so it does not;
//   - no protection: the person's own guardians with parental
//     responsibility and the municipality's caseworkers and administrators
//     see the child's address; a guardian's address is shown to the
//     municipality, and to the guardian on their own invoices, never to
//     the other guardians of the same child (parents who live apart need
//     not learn each other's address from the municipality), nor to
//     staff.
//
// A household shares its protection: a guardian's address is governed by
// HouseholdProtection (the guardian's own level, or a stricter one of a
// child the guardian lives with or who is registered at the same address)
// and a child's by ChildRecord.ChildHouseholdProtection, since showing a
// parent's address would show the protected child's home.
//
// The same holds for everything that leaves the app: finance exports and
// invoices carry the payer's address only when it is not protected (the
// finance file marks the protection, so the finance system does not look
// one up); a letter to a person with a strengt fortrolig address goes to
// the digital mailbox only (messaging), never by post, e-mail or SMS, and
// no delivery ever carries a postal address. A protected address can be
// replaced by a caseworker (a move registered by hand), but the form never
// shows the stored one: an empty field keeps it.
//
// # Units, groups and orphaned placements
//
// A unit states its kind, owner, Address (public for a unit; the same type
// holds a person's registered address, whose visibility follows the
// person's AddressProtection, see "Whereabouts"), OpeningHours per
// weekday, Contact, Seats per age group (a kindergarten; AgeGroup as
// AgeGroupOn counts it) or Grades (a school or SFO, within GradeRange), and
// a ClosingDate, its last open day. A group states its age group or grades, and may close too.
//
// A change that would leave placements behind is refused with an
// *OrphanError (a *ConflictError on the field that causes it) listing
// them, so the caseworker sees how many and which, and nothing is written:
//
//   - a closing date (unit or group) while placements run past it (an
//     open-ended placement runs past every date; one ending on the
//     closing date fits);
//   - a unit's kind, while it has any placement (a placement's kind is
//     its unit's, history included);
//   - a group moved to another unit, while it has any placement.
//
// A unit's grades narrowed below one of its groups', or a group's grades
// outside its unit's, are a *ValidationError. A closed unit or group
// takes no placement running past its closing date (CheckPlacement).
//
// What carries placements along: everything that does not change where a
// child is — a new name, owner, address, opening hours, contact details,
// seats, grades or age group. Placements refer to units and groups by ID,
// so they follow without being touched. Fewer seats than placed children is
// allowed (the unit page shows seats against children placed): it is a
// capacity question for the next intake, not an orphan. A child's grade is
// not stored (children may start early or late), so a change of grades is
// not checked against the children placed.
//
// Merging two groups, or moving a unit's children elsewhere before it
// closes, is a caseworker's intention about each child: the caseworker
// ends or moves the placements (UpdatePlacement, each one audit-logged for
// its child), then closes the emptied group or unit. The library does not
// move placements as a side effect of editing a unit or group.
//
// # The population register
//
// Registry is the port to Folkeregisteret: a person (RegisterPerson: names,
// birth date, registered address, protection, death, a child's parents
// with their share of the parental responsibility and whether the child
// lives with them) and the feed of changes (RegisterChange, with the
// sequence number to continue from). RegistryApplier applies the feed to
// one municipality, one change per transaction together with the feed
// position (RegistryStore): a new protection is in force from that commit;
// a move updates the address; a child moving out of the municipality, a
// death, or a holder of parental responsibility the directory does not
// know raises a RegistryNotice for the caseworkers. Placements, offers,
// fee decisions, invoices and the unit's § 47 decisions are never
// rewritten by the register: the caseworker acts on the notice.
// adapters/folkeregister speaks Skatteetaten's API.
//
// # Names
//
// Actor.Subject is a login ID (in production a Feide principal name or an
// ID-porten guardian's ID), for matching and logs; Actor.Name is the
// display name people read. Show the name — in notifications, threads, the
// audit log, run pages — never the subject.
//
// # The audit log
//
// Every read or change of a child's data is an AuditEntry: who, what,
// when, and which child. A request that shows one child names it
// (ChildID); a request that lists many (a roster, an intake's
// applications, an invoice export) writes one entry naming them all
// (Children, NewListAuditEntry), so the audit of a list of 2,000 children
// is one record, written by a store in one statement. A child's trail
// (AuditLog.AuditEntries with the child: what a guardian's insight shows)
// holds the entries about the child and the lists that named it, newest
// first by keyset, each naming that child alone. A page of the log
// (AuditLog.AuditSummaries) carries each list's length and only its first
// children, so that it stays small when its lists name thousands; the rest
// are read by keyset from the entry (AuditLog.AuditChildren). Retention
// deletes an entry by its age together with the children it names;
// erasing a child leaves its mentions, in lists as in its own entries.
//
// # Retention and erasure
//
// How long each kind of record is kept is data (rules/retention.json,
// RetentionRules), each rule with its legal source; where the law leaves
// the period to the municipality, RetentionSettings sets its own, and a
// statutory period (bookkeeping) can only be lengthened. Retention.Run
// deletes or anonymises what has passed its time through the
// RetentionStore port, in bounded batches with an audit entry per batch
// (rule and count, never the data). Erasure handles a request under GDPR
// art. 17: refused with ReasonActivePlacement or ReasonBookkeepingPeriod
// where the law requires keeping the data, otherwise done in one
// transaction through the ErasureStore port.
//
// # No I/O
//
// The package does no I/O: it imports no database driver and no net/http.
// Adapters live in package adapters and its subpackages.
package domain
