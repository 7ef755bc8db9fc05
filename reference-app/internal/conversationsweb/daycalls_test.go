package conversationsweb_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// countingStore counts the store's reads a page makes: the directory's
// and the conversations' (the audit entries, one per child read, are
// counted apart: they are the rule, not the cost of a page).
type countingStore struct {
	*sqlite.Store
	mu     sync.Mutex
	reads  map[string]int
	audits int
}

func (s *countingStore) read(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads[name]++
}

func (s *countingStore) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, k := range s.reads {
		n += k
	}
	return n
}

func (s *countingStore) Child(ctx context.Context, m domain.Municipality, id domain.ChildID) (domain.Child, error) {
	s.read("Child")
	return s.Store.Child(ctx, m, id)
}

func (s *countingStore) Children(ctx context.Context, m domain.Municipality) ([]domain.Child, error) {
	s.read("Children")
	return s.Store.Children(ctx, m)
}

func (s *countingStore) ChildrenByID(ctx context.Context, m domain.Municipality, ids []domain.ChildID) ([]domain.Child, error) {
	s.read("ChildrenByID")
	return s.Store.ChildrenByID(ctx, m, ids)
}

func (s *countingStore) Guardian(ctx context.Context, m domain.Municipality, id domain.GuardianID) (domain.Guardian, error) {
	s.read("Guardian")
	return s.Store.Guardian(ctx, m, id)
}

func (s *countingStore) Guardianships(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]domain.Guardianship, error) {
	s.read("Guardianships")
	return s.Store.Guardianships(ctx, m, child)
}

func (s *countingStore) Unit(ctx context.Context, m domain.Municipality, id domain.UnitID) (domain.Unit, error) {
	s.read("Unit")
	return s.Store.Unit(ctx, m, id)
}

func (s *countingStore) Group(ctx context.Context, m domain.Municipality, id domain.GroupID) (domain.Group, error) {
	s.read("Group")
	return s.Store.Group(ctx, m, id)
}

func (s *countingStore) Placements(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]domain.Placement, error) {
	s.read("Placements")
	return s.Store.Placements(ctx, m, child)
}

func (s *countingStore) Rounds(ctx context.Context, m domain.Municipality, unit domain.UnitID, from date.Date) ([]conversations.Round, error) {
	s.read("Rounds")
	return s.Store.Rounds(ctx, m, unit, from)
}

func (s *countingStore) Slots(ctx context.Context, m domain.Municipality, round conversations.RoundID) ([]conversations.Slot, error) {
	s.read("Slots")
	return s.Store.Slots(ctx, m, round)
}

func (s *countingStore) Bookings(ctx context.Context, m domain.Municipality, round conversations.RoundID) ([]conversations.Booking, error) {
	s.read("Bookings")
	return s.Store.Bookings(ctx, m, round)
}

func (s *countingStore) Booking(ctx context.Context, m domain.Municipality, id conversations.BookingID) (conversations.Booking, error) {
	s.read("Booking")
	return s.Store.Booking(ctx, m, id)
}

func (s *countingStore) AppendAudit(ctx context.Context, e domain.AuditEntry) error {
	s.mu.Lock()
	s.audits++
	s.mu.Unlock()
	return s.Store.AppendAudit(ctx, e)
}

// The staff's day reads the booked children's names in one call: the
// page and the API make as many store reads with 50 bookings as with 5
// (each child read is still audit-logged, one entry each).
func TestDayReadsDoNotGrowWithBookings(t *testing.T) {
	measure := func(bookings int) (page, apiReads, audits int) {
		ta := webtest.New(t)
		ctx := context.Background()
		m := demo.Municipality
		school := ta.NordbySkole(t)
		children, err := ta.Store.Children(ctx, m)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(children), bookings, "the demo has enough children")
		day := domain.Today(ta.App.Clock).AddDate(0, 0, 3)
		y, mo, d := day.Date()
		r := conversations.Round{ID: domain.NewID[conversations.Round](), Municipality: m, Unit: school, Group: ta.SofieGroup(t),
			Kind: conversations.Parent, Title: "Foreldresamtaler", Minutes: 10, Place: "Klasserom 3A",
			PublishedBy: "kari", PublishedAt: ta.App.Clock.Now()}
		var slots []conversations.Slot
		for i := range bookings {
			r.Children = append(r.Children, children[i].ID)
			slots = append(slots, conversations.Slot{ID: domain.NewID[conversations.Slot](), Municipality: m, Round: r.ID,
				Start: time.Date(y, mo, d, 8, 0, 0, 0, domain.Oslo()).Add(time.Duration(i) * 10 * time.Minute)})
		}
		require.NoError(t, ta.Store.CreateRound(ctx, r, slots))
		hilde := ta.Personas[demo.PersonaGuardian].Actor.Guardian
		for i, sl := range slots {
			require.NoError(t, ta.Store.Book(ctx, conversations.Booking{ID: domain.NewID[conversations.Booking](), Municipality: m, Round: r.ID,
				Slot: sl.ID, Child: children[i].ID, Guardian: hilde, At: ta.App.Clock.Now()}))
		}
		cs := &countingStore{Store: ta.Store, reads: map[string]int{}}
		ta.App.Store = cs
		cookie := ta.CookieFor(t, demo.PersonaStaff)
		before := cs.total()
		res := ta.Do(t, cookie, "GET", "/conversations/day?unit="+school.String()+"&date="+day.String(), "", "")
		require.Equal(t, http.StatusOK, res.Status)
		assert.Contains(t, res.Body, children[bookings-1].GivenName+" "+children[bookings-1].FamilyName, "the last booked child is named")
		page = cs.total() - before
		before = cs.total()
		res = ta.Do(t, cookie, "GET", "/api/v1/conversations/units/"+school.String()+"/day?date="+day.String(), "", "")
		require.Equal(t, http.StatusOK, res.Status)
		assert.Contains(t, res.Body, fmt.Sprintf("%q", children[0].GivenName+" "+children[0].FamilyName))
		apiReads = cs.total() - before
		t.Logf("%d bookings: the page %d reads, the API %d reads, %d audit entries; by method %v", bookings, page, apiReads, cs.audits, cs.reads)
		return page, apiReads, cs.audits
	}
	page5, api5, audits5 := measure(5)
	page50, api50, audits50 := measure(50)
	assert.Equal(t, page5, page50, "the day page reads no more with 50 bookings than with 5")
	assert.Equal(t, api5, api50, "the day API reads no more with 50 bookings than with 5")
	assert.Equal(t, 2*5, audits5, "each child read is audit-logged (page and API)")
	assert.Equal(t, 2*50, audits50)
}
