// Package admission is for applications to kindergarten, school and SFO,
// admission rounds, the statutory right to a kindergarten place
// (barnehageloven § 16), priority criteria, allocation by deferred acceptance
// with an explanation for every child, offers, waiting lists and decisions.
//
// # Rules
//
// The rules are pure functions:
//
//   - RightToPlace decides the statutory right to a place from the child's
//     birth date, the application year, the deadline and residence, with
//     the national parameters of the embedded table rules/right-to-place.json.
//   - Allocate runs one main round by child-proposing deferred acceptance
//     with strict priorities built from the round's criteria (statutory,
//     sibling, local:NAME, tiebreak), separate seats for children under and
//     over three, and returns the child-optimal stable matching, its
//     measures and, for every child, an explanation a family can check. It
//     is the conformance kind "allocation".
//   - AllocateFamilies is Allocate with siblings applying together (a
//     documented heuristic: families insert after single children, are
//     evicted and re-queued as a whole, move up when seats free, with a cap),
//     and measures how many families were kept together and any justified
//     envy left.
//   - Compute turns an intake's stored applications into a run: a lottery
//     drawn from a seed, families, allocation, explanations. Same seed and
//     data, same result.
//
// # The process
//
// Service runs the process on a store (ServiceStore: the directory,
// transactions and this package's Store port; adapters/sqlite and
// adapters/postgres implement it, and sqlite.Options.Temp gives tests a
// fast one):
//
//   - Settings and SaveSettings (caseworker): the municipality's admission
//     Settings — its local criteria (a key, names in nb, nn and en, where
//     it was decided) in their usual order, and what a new intake starts
//     with (NewIntake: criteria order, answer days, SmallWeight, most units
//     ranked); every save is a new version, the old ones kept.
//   - CreateIntake and UpdateIntake (caseworker): an Intake is a round —
//     deadline, criteria order, each unit's free places with the seats for
//     children under three (derived before the run with the intake's
//     SmallWeight), answer days and the most units an application may
//     rank. CheckIntake checks it against the settings and the directory
//     (the deadline before the start, units that exist and are of the
//     intake's kind, no more places than a unit's known capacity, local
//     criteria the settings have); CheckIntakeChange limits a change once
//     the intake has applications (kind and year fixed) or a run (only the
//     name and the answer days may change).
//   - Prefill and Apply (a guardian with parental responsibility): what the
//     municipality knows is taken from the directory (guardians, units where
//     siblings have a place), and claims arrive unverified until a
//     caseworker verifies them (VerifyClaim); a second application for the
//     child is a *domain.ConflictError, a unit without seats for the child's
//     age group a *domain.ValidationError with the reason. Confirm lets the
//     other guardian with parental responsibility confirm; View shows
//     status, dated history, the next deadline and the positions on waiting
//     lists; Withdraw and Reject end an application.
//   - Run (caseworker) stores a draft Run — on or before the application
//     deadline only with a reason (RunWithReason, CheckRunTime), recorded
//     as Run.Reason — with its Stats (placed, first
//     choices, rank distribution, justified envy, siblings together, unused
//     seats, statutory priority) and every child's explanation; Approve
//     (once: a second approval is a *domain.ConflictError) makes an Offer
//     for every child placed.
//   - Accept / Decline (a guardian with parental responsibility): accepting
//     creates the domain.Placement in the same transaction; a declined seat,
//     a lapsed one (LapseOffers, a job run with the Clock's time) or a
//     withdrawn one goes to the next child on the unit's waiting list.
//     Vacancy offers a seat freed during the year (continuous admission).
//   - WaitingList, Obligations (children with a § 16 right and no offer by
//     the month the right applies) and Decision (the vedtak as data, with
//     Render in nb, nn and en: the result, reasons when neither the first
//     nor the second choice was met, the appeal deadline from
//     rules/decision.json).
//   - Decision.Letter, and SchoolLetter.Letter for school start and a
//     change of school, write a decision as a letter (enkeltvedtak, a
//     domain.Document) in nb, nn or en with the municipality's
//     domain.LetterTemplate: the decision, the act and section it is made
//     under, facts and reasons, the right to appeal with its deadline
//     written out and where to send the appeal, the right to see the case
//     documents, and the caseworker's name and role. The acts and sections
//     are DecisionRules.Citations, data in rules/decision.json by
//     valid-from date with their sources.
//
// # Catchment schools
//
// A municipality's catchment areas (skolekretser) are municipal data: a
// Catchment table of rows — a street, a range of house numbers, a side
// (SideAll, SideOdd, SideEven) and the school. Catchment.Validate refuses
// a row that shares a house number with an earlier row of the same street
// (ReasonCatchmentOverlap, field "rows[i].from"), a range outside 1 to
// MaxHouseNumber or turned round, an unknown side; CheckCatchmentUnits a
// unit that is not one of the municipality's schools. ParseStreet reads a
// registered street address ("Storgata 12 B") into name, number and
// letter; Catchment.Lookup finds the school with the row that gave it, or
// no school with a reason code (a cadastral address, another
// municipality, no house number, no row). Street names are matched as
// written (case and spaces aside): "Storgata" and "Storgate" are two
// streets.
//
// ParseCatchmentCSV reads the table from the file a municipality keeps
// (pure parsing of an io.Reader, in this package so that its refusals are
// this package's reason codes): UTF-8 with or without a byte order mark,
// semicolons, the header
//
//	gatenavn;fra_nr;til_nr;side;skole
//
// with side begge, oddetall or partall and the school by its unit name or
// ID. Every problem is reported at once on field "lines[N].column" (N the
// file's line, the header line 1), nothing kept. Service.LoadCatchmentCSV
// and ReplaceCatchment replace the table whole in one transaction.
//
// School start: Service.RegisterSchoolStarters registers, in a school
// intake, every child resident in the municipality who starts school in
// August of the admission year — born in the year it reaches
// RightRules.SchoolStartAge (opplæringslova 2023 § 2-1, in the rules
// table) — as a SchoolStarter with the school of its catchment area, and
// lists those without one for the caseworker; protected addresses are
// read, never returned, and running it again adds only new children.
// Prefill puts the catchment school (for SFO, the SFO whose Parent it is)
// first in a new school or SFO application. AskOtherSchool (a guardian
// with parental responsibility) asks for another school with reasons;
// DecideSchoolRequest (a caseworker) grants it, moving the child, or
// refuses it with a reason, recorded with who and when.
//
// # Notices
//
// The Service raises a domain.Notice through its Notifier, in the
// transaction of the change, about the offer's child (Notice.Child), with
// the key "<kind>/<offer ID>":
//
//   - "offer.sent" (Approve, a declined, lapsed or withdrawn seat passed on,
//     Vacancy) and "offer.lapsing" (RemindOffers), both with Data:
//     "offer" (offer ID), "intake" (intake name), "unit" (unit name),
//     "unitId", "start" (first day, YYYY-MM-DD), "deadline" (last day to
//     answer, YYYY-MM-DD) and "rank" (the unit's place in the preferences).
//   - "school-request.granted" and "school-request.refused"
//     (DecideSchoolRequest), with Data "unit" (the school asked for),
//     "unitId", "intake" (intake name) and "request" (request ID), key
//     "<kind>/<request ID>".
//
// Every answer explains itself in bokmål, nynorsk and English (Render).
//
// It is a pure domain package: it imports no database driver and no
// net/http, and does no I/O.
package admission
