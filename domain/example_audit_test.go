package domain_test

import (
	"fmt"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// An audit entry says who read or changed which child's data, and when.
func ExampleNewAuditEntry() {
	oslo := domain.MustMunicipality("0301")
	staff := domain.StaffActor(oslo, "ansatt-42", domain.MustParseID[domain.Unit]("0190b5d0-0000-7000-8000-000000000001"))
	child := domain.MustParseID[domain.Child]("0190b5d0-0000-7000-8000-000000000002")
	at := time.Date(2025, time.November, 24, 8, 15, 0, 0, domain.Oslo())

	e := domain.NewAuditEntry(staff, at, "child.read", child, "")
	fmt.Println(e.Actor.Role, e.Actor.Subject, e.Action, e.ChildID, e.At.Format(time.DateTime))
	fmt.Println(e.Validate() == nil)
	// Output:
	// staff ansatt-42 child.read 0190b5d0-0000-7000-8000-000000000002 2025-11-24 08:15:00
	// true
}
