package storetest

import (
	"testing"

	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/specialed"
)

// Store is every store port together: the directory, admission, attendance,
// billing, messaging, special education and the app's records (audit log, idempotency keys,
// sessions). The SQLite and PostgreSQL stores implement it; a
// vendor's store may implement only some ports and run the suites of those.
type Store interface {
	AdmissionStore
	AttendanceStore
	CalendarStore
	domain.EventStore
	BillingStore
	MessagingStore
	ReceiptStore
	AppStore
	domain.StaffStore
	RegistryStore
	domain.LetterTemplateStore
	domain.IntegrationStore
	specialed.Store
	conversations.Store
}

// RunAll runs every suite against stores made by newStore: Run (the
// directory), RunAdmission, RunAttendance, RunBilling, RunMessaging,
// RunApp, RunSpecialEd and RunConversations, each as a subtest.
func RunAll(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("Directory", func(t *testing.T) { Run(t, func(t *testing.T) domain.Store { return newStore(t) }) })
	t.Run("Admission", func(t *testing.T) { RunAdmission(t, func(t *testing.T) AdmissionStore { return newStore(t) }) })
	t.Run("Calendar", func(t *testing.T) { RunCalendar(t, func(t *testing.T) CalendarStore { return newStore(t) }) })
	t.Run("Events", func(t *testing.T) { RunEvents(t, func(t *testing.T) EventStore { return newStore(t) }) })
	t.Run("Attendance", func(t *testing.T) { RunAttendance(t, func(t *testing.T) AttendanceStore { return newStore(t) }) })
	t.Run("Billing", func(t *testing.T) { RunBilling(t, func(t *testing.T) BillingStore { return newStore(t) }) })
	t.Run("Messaging", func(t *testing.T) { RunMessaging(t, func(t *testing.T) MessagingStore { return newStore(t) }) })
	t.Run("Receipts", func(t *testing.T) { RunReceipts(t, func(t *testing.T) ReceiptStore { return newStore(t) }) })
	t.Run("App", func(t *testing.T) { RunApp(t, func(t *testing.T) AppStore { return newStore(t) }) })
	t.Run("Staff", func(t *testing.T) { RunStaff(t, func(t *testing.T) StaffStore { return newStore(t) }) })
	t.Run("Registry", func(t *testing.T) { RunRegistry(t, func(t *testing.T) RegistryStore { return newStore(t) }) })
	t.Run("Letters", func(t *testing.T) { RunLetters(t, func(t *testing.T) LetterStore { return newStore(t) }) })
	t.Run("Integrations", func(t *testing.T) { RunIntegrations(t, func(t *testing.T) IntegrationStore { return newStore(t) }) })
	t.Run("SpecialEd", func(t *testing.T) { RunSpecialEd(t, func(t *testing.T) SpecialEdStore { return newStore(t) }) })
	t.Run("Conversations", func(t *testing.T) { RunConversations(t, func(t *testing.T) ConversationStore { return newStore(t) }) })
	t.Run("ChildrenByID", func(t *testing.T) { RunChildrenByID(t, func(t *testing.T) ChildrenStore { return newStore(t) }) })
	t.Run("ChildrenPage", func(t *testing.T) { RunChildrenPage(t, func(t *testing.T) ChildrenStore { return newStore(t) }) })
	t.Run("FamiliesPage", func(t *testing.T) { RunFamiliesPage(t, func(t *testing.T) BillingStore { return newStore(t) }) })
	t.Run("InvoicesPage", func(t *testing.T) { RunInvoicesPage(t, func(t *testing.T) BillingStore { return newStore(t) }) })
	t.Run("PlacedOn", func(t *testing.T) { RunPlacedOn(t, func(t *testing.T) ChildrenStore { return newStore(t) }) })
}
