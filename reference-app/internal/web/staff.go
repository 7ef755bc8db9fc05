package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
)

// Staff and their roles are stored (domain.StaffStore): a Feide login is
// the staff member with the principal name, acting with the grants in
// force today (domain.StaffActorFor). No grant in force, no access.
//
// A session of a staff member keeps the member's ID (Actor.Staff) and is
// re-read from the stored grants on every request (currentSession): a
// role revoked, or one that ended yesterday, takes effect at the next
// request of a session opened while it was in force, and a session whose
// member has no role left ends. That costs two reads by key per request of
// a staff session, which is cheaper than being wrong for up to 12 hours.

// CreateStaff stores a new staff member with their first grants, in one
// transaction with the audit entries.
func (a *App) CreateStaff(ctx context.Context, actor domain.Actor, s domain.StaffMember, grants ...domain.Grant) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.CreateStaffMember(ctx, s); err != nil {
			return err
		}
		if err := a.AuditChange(ctx, actor, "staff.create", "staff:"+s.ID.String()); err != nil {
			return err
		}
		for _, g := range grants {
			if err := a.PutGrant(ctx, actor, g); err != nil {
				return err
			}
		}
		return nil
	})
}

// PutGrant stores a grant (new, or a stored one with a new period), in
// one transaction with its audit entry.
func (a *App) PutGrant(ctx context.Context, actor domain.Actor, g domain.Grant) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.PutGrant(ctx, g); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "staff.grant", grantRecord(g))
	})
}

// grantRecord names a grant in the audit log: what was granted to whom,
// for which days.
func grantRecord(g domain.Grant) string {
	what := string(g.Role)
	switch {
	case !g.Unit.IsZero():
		what += ":" + g.Unit.String()
	case g.Capability != "":
		what += ":" + string(g.Capability)
	}
	end := "open"
	if !g.Period.Open() {
		end = g.Period.End.String()
	}
	return fmt.Sprintf("grant:%s staff:%s %s %s..%s", g.ID, g.Staff, what, g.Period.Start, end)
}

// StaffActor is who the stored staff member is today, from their grants
// in force; ok is false when they have none.
func (a *App) StaffActor(ctx context.Context, m domain.Municipality, id domain.StaffID) (actor domain.Actor, ok bool, err error) {
	s, err := a.Store.StaffMember(ctx, m, id)
	if err != nil {
		return domain.Actor{}, false, err
	}
	grants, err := a.Store.Grants(ctx, m, id)
	if err != nil {
		return domain.Actor{}, false, err
	}
	actor, ok = domain.StaffActorFor(s, grants, domain.Today(a.Clock))
	return actor, ok, nil
}

// refreshStaff re-reads the actor of a staff member's session from the
// grants in force today; live is false when none is (or the member is
// gone).
func (a *App) refreshStaff(ctx context.Context, sess Session) (Session, bool, error) {
	var (
		actor domain.Actor
		ok    bool
		err   error
	)
	if now := sess.staff; now != nil { // read with the session
		if now.member == nil {
			return Session{}, false, nil
		}
		actor, ok = domain.StaffActorFor(*now.member, now.grants, domain.Today(a.Clock))
	} else {
		actor, ok, err = a.StaffActor(ctx, sess.Actor.Municipality, sess.Actor.Staff)
	}
	if domain.IsNotFound(err) {
		return Session{}, false, nil
	}
	if err != nil || !ok {
		return Session{}, false, err
	}
	sess.Actor, sess.Name, sess.staff = actor, actor.Name, nil
	return sess, true, nil
}

// staffLogin maps a Feide principal to the staff member of a municipality
// served who has a role in force today; the first municipality (in the
// order of OPPVEKST_MUNICIPALITIES) where they have one wins.
func (a *App) staffLogin(ctx context.Context, principal string) (Session, bool, error) {
	if principal == "" {
		return Session{}, false, nil
	}
	for _, m := range a.Municipalities {
		ctx := domain.WithMunicipality(ctx, m)
		s, err := a.Store.StaffByPrincipal(ctx, m, principal)
		if domain.IsNotFound(err) {
			continue
		}
		if err != nil {
			return Session{}, false, err
		}
		actor, ok, err := a.StaffActor(ctx, m, s.ID)
		if err != nil {
			return Session{}, false, err
		}
		if ok {
			return Session{Actor: actor, Name: actor.Name}, true, nil
		}
	}
	return Session{}, false, nil
}

// BootstrapAdmin is the first administrator of a municipality, from the
// configuration (-bootstrap-admin, OPPVEKST_BOOTSTRAP_ADMIN):
// "<kommunenummer>,<Feide principal>,<display name>".
type BootstrapAdmin struct {
	Municipality domain.Municipality
	Principal    string
	Name         string
}

// ParseBootstrapAdmin reads "<kommunenummer>,<principal>,<name>"; the
// name may hold commas.
func ParseBootstrapAdmin(s string) (BootstrapAdmin, error) {
	parts := strings.SplitN(s, ",", 3)
	if len(parts) != 3 {
		return BootstrapAdmin{}, fmt.Errorf("bootstrap admin: write <kommunenummer>,<Feide principal>,<display name>, not %q", s)
	}
	m, err := domain.ParseMunicipality(strings.TrimSpace(parts[0]))
	if err != nil {
		return BootstrapAdmin{}, fmt.Errorf("bootstrap admin: %w", err)
	}
	b := BootstrapAdmin{Municipality: m, Principal: strings.TrimSpace(parts[1]), Name: strings.TrimSpace(parts[2])}
	probe := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: m, Name: b.Name, Principal: b.Principal}
	if err := probe.Validate(); err != nil {
		return BootstrapAdmin{}, fmt.Errorf("bootstrap admin: %w", err)
	}
	return b, nil
}

// ErrBootstrapDone: the municipality has (or has had) an administrator,
// so the bootstrap does nothing.
var ErrBootstrapDone = errors.New("the municipality has an administrator already; the bootstrap does nothing")

// Bootstrap makes the first administrator of an empty municipality: the
// staff member (created, or the one stored with the principal) gets the
// admin role from today, audit-logged as the system actor "bootstrap".
// Once the municipality has an admin grant of any dates, it refuses with
// ErrBootstrapDone and changes nothing, so leaving the setting in place
// is harmless, and it cannot bring back an admin whose role was ended.
func (a *App) Bootstrap(ctx context.Context, b BootstrapAdmin) error {
	system := domain.SystemActor(b.Municipality, "bootstrap")
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		admins, err := a.Store.RoleGrants(ctx, b.Municipality, domain.GrantAdmin)
		if err != nil {
			return err
		}
		if len(admins) > 0 {
			return ErrBootstrapDone
		}
		s, err := a.Store.StaffByPrincipal(ctx, b.Municipality, b.Principal)
		switch {
		case domain.IsNotFound(err):
			s = domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: b.Municipality, Name: b.Name, Principal: b.Principal}
			if err := a.CreateStaff(ctx, system, s); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		return a.PutGrant(ctx, system, domain.Grant{ID: domain.NewID[domain.Grant](), Municipality: b.Municipality, Staff: s.ID,
			Role: domain.GrantAdmin, Period: domain.Period{Start: domain.Today(a.Clock)}})
	})
}

// StaffEntry is one line of the staff list file (OPPVEKST_FEIDE_STAFF),
// which is imported at start-up as a convenience for deployments that had
// one: each principal not yet stored in its municipality becomes a staff
// member with the entry's role from today (staff: unit staff of each
// unit; caseworker: caseworker of every capability; admin). A principal
// already stored is left as it is: the stored staff and grants are the
// source of truth, and editing the file later changes nothing.
type StaffEntry struct {
	Principal    string              `json:"principal"`
	Municipality domain.Municipality `json:"municipality"`
	Role         domain.Role         `json:"role"`
	Name         string              `json:"name"`
	Units        []domain.UnitID     `json:"units"`
}

// ImportStaffFile imports the staff list file (see StaffEntry) and
// returns how many members it added.
func (a *App) ImportStaffFile(ctx context.Context, path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("staff list: %w", err)
	}
	var entries []StaffEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		return 0, fmt.Errorf("staff list %s: %w", path, err)
	}
	added := 0
	today := domain.Today(a.Clock)
	for i, e := range entries {
		m := e.Municipality
		_, err := a.Store.StaffByPrincipal(ctx, m, e.Principal)
		if err == nil {
			continue
		}
		if !domain.IsNotFound(err) && m.Validate() == nil {
			return added, err
		}
		s := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: m, Name: e.Name, Principal: e.Principal}
		if s.Name == "" {
			s.Name = e.Principal
		}
		grant := func(role domain.GrantRole, u domain.UnitID, c domain.Capability) domain.Grant {
			return domain.Grant{ID: domain.NewID[domain.Grant](), Municipality: m, Staff: s.ID, Role: role, Unit: u, Capability: c, Period: domain.Period{Start: today}}
		}
		var grants []domain.Grant
		switch e.Role {
		case domain.RoleStaff:
			for _, u := range e.Units {
				grants = append(grants, grant(domain.GrantUnitStaff, u, ""))
			}
		case domain.RoleCaseworker:
			for _, c := range domain.Capabilities {
				grants = append(grants, grant(domain.GrantCaseworker, domain.UnitID{}, c))
			}
		case domain.RoleAdmin:
			grants = append(grants, grant(domain.GrantAdmin, domain.UnitID{}, ""))
		default:
			return added, fmt.Errorf("staff list %s, entry %d: role %q is not staff, caseworker or admin", path, i+1, e.Role)
		}
		if err := a.CreateStaff(ctx, domain.SystemActor(m, "staff-list"), s, grants...); err != nil {
			return added, fmt.Errorf("staff list %s, entry %d (%s): %w", path, i+1, e.Principal, err)
		}
		added++
	}
	return added, nil
}
