package main

// Messaging in the reference app: its routes (API and pages), menu entries and
// handlers. Services come from services.go.

// messagingRoutes are the messaging routes of the route table.
func (a *app) messagingRoutes() []route { return nil }

// messagingMenus are the messaging menu entries.
var messagingMenus []menuItem
