// Package attendance is for the daily life of a unit: check-in and
// check-out, absence and sick reports from guardians, pickup
// authorisations, day rosters, school absence and occupancy.
//
// It is a pure domain package: it reads placements from package domain and
// declares the ports it needs. It imports no database driver and no net/http.
package attendance
