package main

// Billing in the reference app: its routes (API and pages), menu entries and
// handlers. Services come from services.go.

// billingRoutes are the billing routes of the route table.
func (a *app) billingRoutes() []route { return nil }

// billingMenus are the billing menu entries.
var billingMenus []menuItem
