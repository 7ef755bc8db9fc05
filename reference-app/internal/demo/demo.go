// Package demo is the fictional data the reference app is demonstrated
// with: the demo municipality (Seed: units, families, an admission intake,
// price lists and invoices, attendance and messages of the school year of
// the clock; SeedChildren: the same at a municipality's size) and its
// neighbour (SeedNeighbour), whose data must never be
// seen from the demo municipality, and the personas one logs in as in demo
// mode (Personas). Seeding writes a municipality once, in one transaction,
// and is deterministic. It imports the library only.
package demo
