package webtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// BigUnit adds n children placed in the unit's first group from the start
// of the school year ("<prefix>0001 Storeng" ...), each with a guardian of
// their own (parental responsibility) and a conversation about the child
// started by the unit's staff a minute apart and answered by the guardian.
// It writes through the store in one transaction and returns the children
// in the order added: for the statement counts of the staff's list pages.
func BigUnit(ctx context.Context, ta *Harness, unit domain.UnitID, prefix string, n int) ([]domain.ChildID, error) {
	m := demo.Municipality
	u, err := ta.DB.Unit(ctx, m, unit)
	if err != nil {
		return nil, err
	}
	groups, err := ta.DB.Groups(ctx, m, unit)
	if err != nil {
		return nil, err
	}
	var group domain.GroupID
	if len(groups) > 0 {
		group = groups[0].ID
	}
	today := date.NewAt(Now.In(domain.Oslo()))
	year := domain.SchoolYearOf(today)
	birth, hours := date.New(int(year)-3, time.March, 1), 41
	if u.Kind != domain.Kindergarten {
		birth, hours = date.New(int(year)-8, time.March, 1), 0
		if u.Kind == domain.SFO {
			hours = 15
		}
	}
	ids := make([]domain.ChildID, n)
	err = ta.DB.Atomic(ctx, func(ctx context.Context) error {
		for i := range n {
			c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("%s%04d", prefix, i+1),
				FamilyName: "Storeng", BirthDate: birth.AddDate(0, 0, i%300)}
			g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: fmt.Sprintf("Forelder%s%04d", prefix, i+1), FamilyName: "Storeng"}
			if err := ta.DB.CreateChild(ctx, c); err != nil {
				return err
			}
			if err := ta.DB.CreateGuardian(ctx, g); err != nil {
				return err
			}
			if err := ta.DB.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: c.ID, GuardianID: g.ID,
				ParentalResponsibility: true, LivesWithChild: true}); err != nil {
				return err
			}
			if err := ta.DB.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: c.ID,
				UnitID: unit, GroupID: group, Kind: u.Kind, HoursPerWeek: hours, Period: year.Period()}); err != nil {
				return err
			}
			at := Now.Add(time.Duration(i-n) * time.Minute)
			t := messaging.Thread{ID: domain.NewID[messaging.Thread](), Municipality: m, Unit: unit, Subject: fmt.Sprintf("Om %s", c.GivenName),
				About:  messaging.About{Scope: messaging.ScopeChild, Child: c.ID},
				Author: messaging.Author{Role: domain.RoleStaff, Subject: "ansatt", Name: "Kari Lærer"}, CreatedAt: at}
			first := messaging.Message{ID: domain.NewID[messaging.Message](), Municipality: m, Thread: t.ID, Author: t.Author, Body: "Hei.", CreatedAt: at}
			if err := ta.DB.CreateThread(ctx, t, first, []messaging.Participant{{Municipality: m, Thread: t.ID, Guardian: g.ID}}); err != nil {
				return err
			}
			if err := ta.DB.AddMessage(ctx, messaging.Message{ID: domain.NewID[messaging.Message](), Municipality: m, Thread: t.ID,
				Author: messaging.Author{Role: domain.RoleGuardian, Subject: "forelder", Guardian: g.ID}, Body: "Takk.", CreatedAt: at.Add(time.Second)}); err != nil {
				return err
			}
			ids[i] = c.ID
		}
		return nil
	})
	return ids, err
}

// Count is what one request cost on PostgreSQL: its SQL statements, of
// them those writing the audit log, its time and its response.
type Count struct {
	Statements, Audits int64
	Took               time.Duration
	Response
}

// Reads is the statements other than the audit log's.
func (c Count) Reads() int64 { return c.Statements - c.Audits }

func (c Count) String() string {
	return fmt.Sprintf("%d statements (%d of them audit log), %v, %d bytes", c.Statements, c.Audits, c.Took.Round(time.Millisecond), len(c.Body))
}

// Counted requests path as cookie once to warm up and once counted
// (PostgreSQL only, NewPostgres).
func (ta *Harness) Counted(t *testing.T, cookie, path string) Count {
	t.Helper()
	require.NotNil(t, ta.SQL, "statements are counted on PostgreSQL (NewPostgres)")
	require.Equal(t, 200, ta.Do(t, cookie, "GET", path, "", "").Status, "warm")
	before, audits, start := ta.SQL.Count(), ta.SQL.Audits(), time.Now()
	resp := ta.Do(t, cookie, "GET", path, "", "")
	took := time.Since(start)
	require.Equal(t, 200, resp.Status, resp.Body)
	return Count{Statements: ta.SQL.Count() - before, Audits: ta.SQL.Audits() - audits, Took: took, Response: resp}
}

// UnitNamed is the demo unit of that name.
func (ta *Harness) UnitNamed(t testing.TB, name string) domain.UnitID {
	t.Helper()
	units, err := ta.DB.Units(context.Background(), demo.Municipality)
	require.NoError(t, err)
	for _, u := range units {
		if u.Name == name {
			return u.ID
		}
	}
	t.Fatalf("no unit %s in the demo", name)
	return domain.UnitID{}
}
