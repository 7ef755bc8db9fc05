package main

// Attendance in the reference app: its routes (API and pages), menu entries and
// handlers. Services come from services.go.

// attendanceRoutes are the attendance routes of the route table.
func (a *app) attendanceRoutes() []route { return nil }

// attendanceMenus are the attendance menu entries.
var attendanceMenus []menuItem
