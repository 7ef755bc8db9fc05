// Package specialed is special education (spesialpedagogikk) for
// kindergarten and school: the case of one child from a concern to the
// decision, the plan and the reports.
//
// A case goes through steps (rules/steps.json, embedded and versioned):
// a concern recorded by staff of the child's unit → the consent of a
// guardian with parental responsibility (recorded, and withdrawable) →
// the referral to the educational-psychological service (PPT) → PPT's
// expert assessment (sakkyndig vurdering) with its recommendation → the
// municipality's individual decision (enkeltvedtak): special-education
// help or adaptation for a child with disabilities in kindergarten,
// individually adapted education in school → the plan (the individual
// education plan in school) → the periodic report → a new assessment or
// the end. For each step the rules say who may do it (Rules.Allowed),
// what it must contain (Step.Required, CheckEntry), its deadline
// (Rules.Due: calendar days and months from the latest step, legal or
// a municipal default, flagged by Basis) and its legal source (act and
// section, as data; no section number is written in code).
//
// The rules are pure (no I/O): LoadRules, MustRules, Rules.NextStep,
// Rules.CanFollow, Rules.Allowed, Rules.Due, Rules.Waiting, Departures and
// DecisionLetter. The Service runs cases on a Store (one adapter
// implements it for every capability): CreatePPT, Open, Assign, Record,
// SaveDocument (versioned: who changed what), AddAttachment, Case,
// History, Documents, Attachment, Worklist, Remind and Letter.
//
// Access is strict. A case is seen only by the guardians with parental
// responsibility for the child, the staff given the case at the child's
// unit and the unit's leader, the staff of the PPT the case is referred
// to, and the caseworkers granted domain.CapSpecialEd. Everyone else —
// a parent without parental responsibility, staff of another unit, a
// caseworker of another capability or municipality — gets
// domain.ErrNotFound, so that not even the existence of a case leaks.
// Every read and write is audit-logged (domain.AuditLog).
//
// A decision that departs from PPT's recommendation must give its reasons
// (ReasonDepartureNeedsReason); the letter prints the points and the
// reasons beside the reference to the expert assessment, and the appeal
// information (three weeks).
//
// Reminders are idempotent: Remind sends one notice per key
// "<kind>/<case>/<step>/<due>/<guardian or staff>" however often it runs,
// through the Notifier (that is messaging): to the guardians when a step
// waits on them, and, when a step that waits on staff is overdue, to each
// staff member it waits on — the staff given the case, the PPT's members,
// the staff holding a caseworker grant for domain.CapSpecialEd that day —
// as one e-mail at their work address (domain.StaffMember.Email) naming
// the step, the deadline and the link to the case (Service.CaseURL), not
// the child. A person without a work address gets no e-mail: the Reminder
// is recorded with NoAddress once, and the worklist shows it
// (Item.NoAddress) until the step is done.
//
// A granted decision on individually adapted education is a special need
// for SFO: the store answers domain.SpecialNeedsSource from the cases, and
// billing gives the free SFO the national rules give in the grades they
// name.
package specialed
