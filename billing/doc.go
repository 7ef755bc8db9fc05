// Package billing is for parental fees: the national rule tables (data,
// versioned by date, with their legal sources), municipal price lists, fee
// calculation with explanations, households, monthly invoice runs,
// corrections, KID numbers, exports and payment matching.
//
// The rule engines (KindergartenFee, SFOFee, MakeKID) and the invoice run
// (Compute) are pure functions. A fee says for each child the amount and
// the codes of the rules that changed it; its explanation, step by step,
// is worked out when ChildFee.Steps is called (for a kindergarten fee, from
// a copy of the input kept with it), so a fee that is only paid costs no
// explanation. KindergartenFees (NewKindergartenFees) checks one month's
// national rules and price list once for the fees of many households. Service runs the use cases on a store that
// implements the Store port next to the directory (ServiceStore): families
// for fees, income decisions and price lists; RunInvoices, which computes a
// month and writes fee decisions, invoices and the run in one transaction
// and raises an "invoice.ready" notice per invoice; Export through an
// Exporter; ImportPayments from Nets' OCR giro files (ParseOCR).
//
// A run is made of one read of the month and then, a batch of
// Service.RunBatch payers at a time, a computation and a bulk write, all
// in one transaction, whatever its size (issue 22, docs/capacity.md): a
// store that is a RunReader hands over the placements, children,
// families, income decisions, price lists and fee decisions in one go (one
// round trip on PostgreSQL); the correction months are computed first
// (only their differences are kept), then the month family by family in
// the order of their payers; each batch's fee decisions (CreateFeeDecisions)
// and invoices with their lines (RunWriter.CreateRunInvoices) are written
// in bulk (COPY on PostgreSQL, multi-row prepared INSERTs on SQLite) and
// dropped, so the run's memory is its input and one batch, not every
// invoice; a notifier that is a BulkNotifier (messaging.Service) gets each
// batch's invoice.ready notices in one call, in the run's transaction. The
// batch size changes nothing of what is made (numbers, KIDs, amounts, the
// fingerprint).
//
// Blocked (the fees an unknown national parameter refuses in a month, on
// the rule tables page) computes no month it does not have to (issue 24):
// which fees can reach an unknown parameter follows from the tables and
// the price lists alone (no rules in force for a kind; the free-core
// income threshold not known, which only a family with an income decision
// and a child of the free-core years reads), and a store that is a
// BlockedReader reads only those families (FeeFamilies), whose month is
// then computed as a run would. With the tables complete nothing is read
// but the price lists. A page about one income decision (its letter)
// reads it with ReadIncomeDecision, by its ID when the store is an
// IncomeDecisionReader (both stores are), not among every decision of the
// municipality.
//
// Proration counts calendar days, not open days. The fee is a monthly
// price for the agreed place (barnehageplassen), not a price per day the
// kindergarten is open: forskrift om foreldrebetaling i barnehager
// (FOR-2005-12-16-1478) § 1 caps the parents' payment "per måned og per
// år" for an ordinary full-time place, and § 2 relates a part-time price
// to the agreed weekly time, never to the days the unit opens. A place
// that starts or ends inside a month is charged Prorate(full, days, dim)
// for the calendar days it exists; a public holiday, a planning day or a
// summer closure (domain.Calendar) inside the month changes nothing. The
// opening calendar drives attendance (rosters, the sick button, holiday
// reports), not the fee.
//
// Settings (bank account, KID method, due day, correction window, first
// month invoiced) are stored per municipality; the national tables are data
// a municipality may add to (ParseRuleTable, Service.LoadRuleTable,
// Tables.Overlay), in the format conformance/SPEC.md publishes.
//
// It is a pure domain package: no number from a regulation is written in
// code, and it imports no database driver and no net/http.
package billing
