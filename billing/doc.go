// Package billing is for parental fees: the national rule tables (data,
// versioned by date, with their legal sources), municipal price lists, fee
// calculation with explanations, households, monthly invoice runs,
// corrections, KID numbers, exports and payment matching.
//
// It is a pure domain package: no number from a regulation is written in
// code, and it imports no database driver and no net/http.
package billing
