package main

// Admission in the reference app: its routes (API and pages), menu entries and
// handlers. Services come from services.go.

// admissionRoutes are the admission routes of the route table.
func (a *app) admissionRoutes() []route { return nil }

// admissionMenus are the admission menu entries.
var admissionMenus []menuItem
