package storetest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// testWaitingListsAsBefore seeds an intake with everything a waiting list
// depends on (two age groups, three units ranked in random orders, claims
// held and not, siblings at a unit, an approved run, offers accepted,
// declined and open, applications withdrawn, rejected and after the run)
// and checks that the waiting lists, the positions an application view
// shows, the store's Entrants and EndedApplications and the approval
// preview are what they were worked out from before issue 24 (every
// application, its child, the approved run's results and the offers, read
// whole): referenceWaitingLists is that computation, kept here.
func testWaitingListsAsBefore(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	ctx := w.ctx
	rng := rand.New(rand.NewPCG(24, 2026))
	units := []domain.Unit{w.unit("Eventyrskogen"), w.unit("Fjellheimen"), w.unit("Solsikken")}
	in := w.intake(admission.UnitSeats{Unit: units[0].ID, Places: 6, Small: 1}, admission.UnitSeats{Unit: units[1].ID, Places: 5, Small: 1},
		admission.UnitSeats{Unit: units[2].ID, Places: 4, Small: 1})
	apply := func(i int) admission.Application {
		birth := large
		if i%3 == 0 {
			birth = small
		}
		c := w.child(birth)
		prefs := slices.Clone(units)
		rng.Shuffle(len(prefs), func(i, j int) { prefs[i], prefs[j] = prefs[j], prefs[i] })
		a := w.apply(in, c, prefs[:1+rng.IntN(3)]...)
		if rng.IntN(3) == 0 {
			a.Statutory = admission.Claim{Claimed: true, Documented: []string{admission.DocVerified, admission.DocReceived}[rng.IntN(2)]}
		}
		if rng.IntN(3) == 0 {
			a.Local = map[string]admission.Claim{"single-provider": {Claimed: true, Documented: admission.DocVerified}}
		}
		if rng.IntN(4) == 0 {
			a.SiblingAt = []domain.UnitID{units[rng.IntN(len(units))].ID}
		}
		require.NoError(t, s.UpdateApplication(ctx, a))
		return a
	}
	var apps []admission.Application
	for i := range 40 {
		w.clock.set(oslo(2025, time.February, 10, 12).Add(time.Duration(i) * time.Minute))
		apps = append(apps, apply(i))
	}
	require.NoError(t, w.svc.Withdraw(ctx, w.case_, apps[5].ID))
	compare := func(stage string) {
		t.Helper()
		want := referenceWaitingLists(t, w, in)
		got, err := w.svc.WaitingLists(ctx, w.case_, in.ID)
		require.NoError(t, err)
		require.Len(t, got, 2*len(in.Seats))
		for _, l := range got {
			exp := want[fmt.Sprint(l.Unit, l.Group)]
			if exp == nil {
				exp = []admission.WaitingEntry{}
			}
			assert.Equal(t, exp, l.Entries, "%s: the list of %s, %s", stage, l.Unit, l.Group)
		}
		ids := make([]admission.ApplicationID, len(apps))
		for i, a := range apps {
			ids[i] = a.ID
		}
		views, err := w.svc.IntakeViews(ctx, w.case_, in.ID, ids)
		require.NoError(t, err)
		for _, v := range views {
			var exp []admission.WaitingEntry
			for _, u := range v.Application.Preferences {
				for _, g := range []domain.AgeGroup{domain.Small, domain.Large} {
					for _, e := range want[fmt.Sprint(u, g)] {
						if e.Application == v.Application.ID {
							exp = append(exp, e)
						}
					}
				}
			}
			assert.ElementsMatch(t, exp, v.Waiting, "%s: the positions of %s", stage, v.Application.ID)
		}
		// The store's reads against the whole records.
		all, err := s.Applications(ctx, Oslo, in.ID)
		require.NoError(t, err)
		es, err := s.Entrants(ctx, Oslo, in.ID)
		require.NoError(t, err)
		require.Len(t, es, len(all))
		draws := referenceDraws(t, w, in)
		var ended []admission.ApplicationID
		for i, a := range all {
			assert.Equal(t, a, es[i].Application, "%s: the entrant is the application", stage)
			c, err := s.Child(ctx, Oslo, a.Child)
			require.NoError(t, err)
			assert.Equal(t, c.BirthDate, es[i].Birth)
			tb, drawn := draws[a.ID]
			assert.Equal(t, drawn, es[i].Drawn, "%s: drawn", stage)
			assert.Equal(t, tb, es[i].Tiebreak, "%s: the draw", stage)
			if !a.Withdrawn.IsZero() || !a.Rejected.IsZero() {
				ended = append(ended, a.ID)
			}
		}
		got2, err := s.EndedApplications(ctx, Oslo, in.ID)
		require.NoError(t, err)
		assert.Equal(t, ended, got2, "%s: the ended applications", stage)
	}
	compare("before the run")

	w.clock.set(oslo(2025, time.March, 10, 9))
	run, err := w.svc.Run(ctx, w.case_, in.ID, 7)
	require.NoError(t, err)
	require.NoError(t, w.svc.Reject(ctx, w.case_, apps[7].ID, "flyttet"))
	p, err := w.svc.PreviewApproval(ctx, w.case_, run.ID)
	require.NoError(t, err)
	var letters, unplaced, lower, offersWant int
	for _, r := range run.Results {
		if r.Application == apps[5].ID || r.Application == apps[7].ID {
			continue
		}
		letters++
		switch {
		case r.Rank == 0:
			unplaced++
		case r.Rank > 1:
			lower++
		}
		if r.Rank != 0 {
			offersWant++
		}
	}
	assert.Equal(t, []int{letters, unplaced, lower, offersWant}, []int{p.Letters, p.Unplaced, p.Lower, p.Offers}, "the preview")
	offers, err := w.svc.Approve(ctx, w.case_, run.ID)
	require.NoError(t, err)
	require.Len(t, offers, offersWant)
	p, err = w.svc.PreviewApproval(ctx, w.case_, run.ID)
	require.NoError(t, err)
	assert.Equal(t, []int{letters, unplaced, lower, offersWant}, []int{p.Letters, p.Unplaced, p.Lower, p.Offers}, "the approved run's preview")
	compare("after the approval")

	// Answers: accepted (some below their first choice: they wait for a
	// better one), declined (the seat goes on), left open; then
	// applications after the run.
	w.clock.set(oslo(2025, time.March, 12, 9))
	for i, o := range offers {
		switch i % 3 {
		case 0:
			_, err = w.svc.Accept(ctx, w.parent(domain.Child{ID: o.Child}), o.ID)
		case 1:
			err = w.svc.Decline(ctx, w.parent(domain.Child{ID: o.Child}), o.ID)
		}
		require.NoError(t, err)
	}
	for i := range 8 {
		w.clock.set(oslo(2025, time.April, 2, 9).Add(time.Duration(i) * time.Hour))
		apps = append(apps, apply(100+i))
	}
	require.NoError(t, w.svc.Withdraw(ctx, w.case_, apps[len(apps)-1].ID))
	compare("after answers and late applications")
}

// referenceDraws are the draws of the intake's approved run, by
// application (read whole, as before issue 24).
func referenceDraws(t *testing.T, w *world, in admission.Intake) map[admission.ApplicationID]int64 {
	runs, err := w.s.Runs(w.ctx, Oslo, in.ID)
	require.NoError(t, err)
	out := map[admission.ApplicationID]int64{}
	for _, r := range runs {
		if !r.IsApproved() {
			continue
		}
		full, err := w.s.Run(w.ctx, Oslo, r.ID)
		require.NoError(t, err)
		for _, res := range full.Results {
			out[res.Application] = res.Tiebreak
		}
	}
	return out
}

// referenceWaitingLists is the waiting lists as admission worked them out
// before issue 24, list by list from every application read whole, by
// fmt.Sprint(unit, group).
func referenceWaitingLists(t *testing.T, w *world, in admission.Intake) map[string][]admission.WaitingEntry {
	ctx, m := w.ctx, in.Municipality
	apps, err := w.s.Applications(ctx, m, in.ID)
	require.NoError(t, err)
	os, err := w.s.IntakeOffers(ctx, m, in.ID)
	require.NoError(t, err)
	offers := map[admission.ApplicationID][]admission.Offer{}
	for _, o := range os {
		offers[o.Application] = append(offers[o.Application], o)
	}
	births := map[domain.ChildID]domain.Child{}
	for _, a := range apps {
		c, err := w.s.Child(ctx, m, a.Child)
		require.NoError(t, err)
		births[a.Child] = c
	}
	tiebreak := referenceDraws(t, w, in)
	drawn := map[admission.ApplicationID]bool{}
	var last int64
	for id, tb := range tiebreak {
		drawn[id] = true
		last = max(last, tb)
	}
	late := slices.Clone(apps)
	slices.SortFunc(late, func(x, y admission.Application) int {
		return cmp.Or(x.Submitted.Compare(y.Submitted), x.ID.Compare(y.ID))
	})
	for _, a := range late {
		if _, ok := tiebreak[a.ID]; !ok {
			last++
			tiebreak[a.ID] = last
		}
	}
	var bools []admission.Criterion
	for _, c := range in.Criteria {
		if c != admission.Tiebreak {
			bools = append(bools, c)
		}
	}
	key := func(a admission.Application, p admission.Priority) string {
		var b strings.Builder
		for _, h := range p.Holds {
			b.WriteString(map[bool]string{true: "0", false: "1"}[h])
		}
		if drawn[a.ID] {
			fmt.Fprintf(&b, ".0.%020d", uint64(p.Tiebreak)^(1<<63))
		} else {
			b.WriteString(".1." + a.Submitted.UTC().Format("20060102T150405.000000000"))
		}
		return b.String() + "." + a.ID.String()
	}
	list := func(u domain.UnitID, g domain.AgeGroup) []admission.WaitingEntry {
		var out []admission.WaitingEntry
		for _, a := range apps {
			if !a.Withdrawn.IsZero() || !a.Rejected.IsZero() || in.Group(births[a.Child].BirthDate) != g {
				continue
			}
			pos := slices.Index(a.Preferences, u)
			if pos < 0 {
				continue
			}
			ok := true
			for _, o := range offers[a.ID] {
				switch {
				case o.Status == admission.OfferOpen, o.Status == admission.OfferDeclined, o.Status == admission.OfferLapsed:
					ok = false
				case o.Status == admission.OfferAccepted && o.Rank <= pos+1:
					ok = false
				}
			}
			if !ok {
				continue
			}
			p := admission.Priority{Holds: make([]bool, len(bools)), Tiebreak: tiebreak[a.ID]}
			for k, c := range bools {
				switch {
				case c == admission.Statutory:
					p.Holds[k] = a.Statutory.Holds()
				case c == admission.Sibling:
					p.Holds[k] = slices.Contains(a.SiblingAt, u)
				default:
					p.Holds[k] = a.Local[string(c[len(admission.LocalPrefix):])].Holds()
				}
			}
			out = append(out, admission.WaitingEntry{Application: a.ID, Child: a.Child, Rank: pos + 1, Priority: p, Key: key(a, p)})
		}
		slices.SortFunc(out, func(x, y admission.WaitingEntry) int {
			for k := range x.Priority.Holds {
				if x.Priority.Holds[k] != y.Priority.Holds[k] {
					if x.Priority.Holds[k] {
						return -1
					}
					return 1
				}
			}
			return cmp.Compare(x.Priority.Tiebreak, y.Priority.Tiebreak)
		})
		for i := range out {
			out[i].Position = i + 1
		}
		return out
	}
	out := map[string][]admission.WaitingEntry{}
	for _, st := range in.Seats {
		for _, g := range []domain.AgeGroup{domain.Small, domain.Large} {
			if l := list(st.Unit, g); len(l) > 0 {
				out[fmt.Sprint(st.Unit, g)] = l
			}
		}
	}
	return out
}
