// Package billing is for parental fees: the national rule tables (data,
// versioned by date, with their legal sources), municipal price lists, fee
// calculation with explanations, households, monthly invoice runs,
// corrections, KID numbers, exports and payment matching.
//
// The rule engines (KindergartenFee, SFOFee, MakeKID) and the invoice run
// (Compute) are pure functions. Service runs the use cases on a store that
// implements the Store port next to the directory (ServiceStore): families
// for fees, income decisions and price lists; RunInvoices, which computes a
// month and writes fee decisions, invoices and the run in one transaction
// and raises an "invoice.ready" notice per invoice; Export through an
// Exporter; ImportPayments from Nets' OCR giro files (ParseOCR).
//
// Settings (bank account, KID method, due day, correction window, first
// month invoiced) are stored per municipality; the national tables are data
// a municipality may add to (ParseRuleTable, Service.LoadRuleTable,
// Tables.Overlay), in the format conformance/SPEC.md publishes.
//
// It is a pure domain package: no number from a regulation is written in
// code, and it imports no database driver and no net/http.
package billing
