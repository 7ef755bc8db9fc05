package admission

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

//go:embed rules/decision.json
var decisionFS embed.FS

// DecisionRules are the national parameters of an admission decision
// (vedtak), one row of the embedded table rules/decision.json.
type DecisionRules struct {
	ValidFrom   string   `json:"validFrom"`
	Provisional bool     `json:"provisional"`
	Source      []string `json:"source"`
	// AppealDays is the appeal deadline in days from the decision (21:
	// three weeks).
	AppealDays int `json:"appealDays"`
	// ReasonsBeyondRank: written reasons are given when the result is not
	// among the first ReasonsBeyondRank choices (2: neither the first nor
	// the second).
	ReasonsBeyondRank int `json:"reasonsBeyondRank"`
	// Citations are the acts and sections a decision letter names, by key
	// ("basis.kindergarten", "basis.school-start", "appeal", "access", …)
	// and language: the law stays in this table, not in the code.
	Citations map[string]map[string]string `json:"citations,omitempty"`
}

// NationalDecisionRules returns the row valid on day d.
func NationalDecisionRules(d date.Date) (DecisionRules, error) {
	raw, err := decisionFS.ReadFile("rules/decision.json")
	if err != nil {
		return DecisionRules{}, err
	}
	var t struct {
		Rows []DecisionRules `json:"rows"`
	}
	if err := json.Unmarshal(raw, &t); err != nil || len(t.Rows) == 0 {
		return DecisionRules{}, fmt.Errorf("admission: rules/decision.json: %v", err)
	}
	best := 0
	for i, r := range t.Rows {
		if r.ValidFrom <= d.String() && r.ValidFrom >= t.Rows[best].ValidFrom {
			best = i
		}
	}
	return t.Rows[best], nil
}

// Decision is the admission decision (vedtak) for one application, as
// data: the result, the reasons when neither the first nor the second
// choice was met, and the right to appeal with its deadline.
type Decision struct {
	Application ApplicationID   `json:"application"`
	Child       domain.ChildID  `json:"child"`
	ChildName   string          `json:"childName"`
	Intake      string          `json:"intake"`
	Kind        domain.UnitKind `json:"kind"`
	Decided     date.Date       `json:"decided"`
	// Unit and UnitName are the unit offered (zero and "" for none), Rank
	// its place in the preferences, Start the first day.
	Unit     domain.UnitID   `json:"unit,omitzero"`
	UnitName string          `json:"unitName,omitempty"`
	Rank     int             `json:"rank"`
	Start    date.Date       `json:"start,omitzero"`
	Group    domain.AgeGroup `json:"group"`
	// Reasons compares the child with the last child admitted at every unit
	// ranked above the result (unit names in Comparison.Unit); set only
	// when reasons are due (ReasonsDue).
	ReasonsDue bool         `json:"reasonsDue"`
	Reasons    []Comparison `json:"reasons,omitempty"`
	Criteria   []Criterion  `json:"criteria"`
	// AppealBy is the last day to appeal.
	AppealBy date.Date     `json:"appealBy"`
	Rules    DecisionRules `json:"rules"`
	// DecidedBy is the caseworker who made the decision, as recorded: who
	// approved the run or, for a seat offered later, who offered it (the
	// run's approver when the seat was passed on by itself).
	DecidedBy string `json:"decidedBy,omitempty"`
	// Later is set for a seat offered later from the waiting list.
	Later bool `json:"later,omitempty"`
}

// Decision returns the decision for an application, to a guardian with
// parental responsibility or the municipality: the intake's approved run's
// result, or, when a seat was offered later from the waiting list, that
// offer (decided the day it was made). Before either it is
// domain.ErrNotFound.
func (s *Service) Decision(ctx context.Context, actor domain.Actor, id ApplicationID) (Decision, error) {
	var d Decision
	err := reads(ctx, func(ctx context.Context) error {
		m := actor.Municipality
		a, err := s.Store.Application(ctx, m, id)
		if err != nil {
			return err
		}
		if err := s.responsibleOrMunicipal(ctx, actor, m, a.Child); err != nil {
			return err
		}
		in, err := s.Store.Intake(ctx, m, a.Intake)
		if err != nil {
			return err
		}
		runs, err := s.Store.Runs(ctx, m, a.Intake)
		if err != nil {
			return err
		}
		var run Run
		for _, r := range runs {
			if r.IsApproved() {
				if run, err = s.Store.Run(ctx, m, r.ID); err != nil {
					return err
				}
			}
		}
		var res *RunResult
		for i := range run.Results {
			if run.Results[i].Application == id {
				res = &run.Results[i]
			}
		}
		// A seat offered later from the waiting list (a declined or lapsed
		// seat passed on, a vacancy) is a new decision: the newest such
		// offer decides, with the run's comparisons for the units ranked
		// above it.
		offers, err := s.Store.ApplicationOffers(ctx, m, id)
		if err != nil {
			return err
		}
		var later *Offer
		for i := range offers {
			if o := &offers[i]; o.Run.IsZero() && (later == nil || o.Created.After(later.Created)) {
				later = o
			}
		}
		if res == nil && later == nil {
			return fmt.Errorf("admission: no decision for application %s yet: %w", id, domain.ErrNotFound)
		}
		if res == nil {
			res = &RunResult{Application: id, Child: a.Child, Group: later.Group}
		}
		child, err := s.Store.Child(ctx, m, a.Child)
		if err != nil {
			return err
		}
		units, err := s.Store.Units(ctx, m)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, u := range units {
			names[u.ID.String()] = u.Name
		}
		decided := date.NewAt(run.Approved.In(domain.Oslo()))
		by := run.ApprovedBy
		if by == run.CreatedBy && run.CreatedByName != "" {
			by = run.CreatedByName
		}
		unit, rank, start := res.Unit, res.Rank, date.Zero
		if rank > 0 {
			start = max(a.Start, in.Start)
		}
		if later != nil {
			decided = date.NewAt(later.Created.In(domain.Oslo()))
			unit, rank, start = later.Unit, later.Rank, later.Start
			if later.OfferedBy != "" {
				by = later.OfferedBy
			}
		}
		rules, err := NationalDecisionRules(decided)
		if err != nil {
			return err
		}
		d = Decision{Application: id, Child: a.Child, ChildName: child.GivenName + " " + child.FamilyName,
			Intake: in.Name, Kind: in.Kind, Decided: decided, Unit: unit, UnitName: names[unit.String()],
			Rank: rank, Start: start, Group: res.Group, Criteria: res.Explanation.Criteria,
			AppealBy: decided.AddDate(0, 0, rules.AppealDays), Rules: rules, DecidedBy: by, Later: later != nil}
		d.ReasonsDue = rank == 0 || rank > rules.ReasonsBeyondRank
		if d.ReasonsDue {
			for _, c := range res.Explanation.Above {
				if rank > 0 && c.Rank >= rank {
					continue
				}
				c.Unit = names[c.Unit]
				d.Reasons = append(d.Reasons, c)
			}
		}
		return nil
	})
	return d, err
}

// Render writes the decision as a letter in l (nb, nn or en).
func (d Decision) Render(l Lang) string {
	var b strings.Builder
	fmt.Fprintf(&b, pick(l, "Vedtak om plass – %s\n", "Vedtak om plass – %s\n", "Decision on a place – %s\n"), d.Intake)
	fmt.Fprintf(&b, pick(l, "Dato: %s\nBarn: %s\n\n", "Dato: %s\nBarn: %s\n\n", "Date: %s\nChild: %s\n\n"), d.Decided, d.ChildName)
	if d.Rank > 0 {
		fmt.Fprintf(&b, pick(l,
			"%s har fått tilbud om plass i %s fra %s. Det var %d. valg i søknaden.\n",
			"%s har fått tilbod om plass i %s frå %s. Det var %d. val i søknaden.\n",
			"%s is offered a place at %s from %s. It was choice %d in the application.\n"),
			d.ChildName, d.UnitName, d.Start, d.Rank)
	} else {
		fmt.Fprintf(&b, pick(l,
			"%s har ikke fått plass i noen av de ønskede enhetene, og står på venteliste.\n",
			"%s har ikkje fått plass i nokon av dei ønskte einingane, og står på venteliste.\n",
			"%s was not offered a place at any of the units applied for, and is on the waiting list.\n"),
			d.ChildName)
	}
	if d.ReasonsDue {
		b.WriteString(pick(l,
			"\nBegrunnelse (verken 1. eller 2. valg ble oppfylt):\n",
			"\nGrunngiving (verken 1. eller 2. val vart oppfylt):\n",
			"\nReasons (neither the first nor the second choice was met):\n"))
		for _, c := range d.Reasons {
			if c.Last == nil {
				fmt.Fprintf(&b, pick(l, "- %d. valg %s: ingen plasser for %s i dette opptaket.\n", "- %d. val %s: ingen plassar for %s i dette opptaket.\n", "- Choice %d %s: no seats for %s in this round.\n"),
					c.Rank, c.Unit, groupName(l, d.Group))
				continue
			}
			fmt.Fprintf(&b, pick(l, "- %d. valg %s: det siste barnet som fikk plass blant %s hadde ", "- %d. val %s: det siste barnet som fekk plass blant %s hadde ", "- Choice %d %s: the last child admitted among %s had "),
				c.Rank, c.Unit, groupName(l, d.Group))
			renderPriority(&b, l, d.Criteria, *c.Last)
			b.WriteString(pick(l, "; ditt barn har ", "; barnet ditt har ", "; your child has "))
			renderPriority(&b, l, d.Criteria, c.Own)
			fmt.Fprintf(&b, pick(l, ". Avgjort av: %s.\n", ". Avgjort av: %s.\n", ". Decided by: %s.\n"), criterionName(l, c.DecidedBy))
		}
	}
	period := fmt.Sprintf(pick(l, "%d dager", "%d dagar", "%d days"), d.Rules.AppealDays)
	if d.Rules.AppealDays%7 == 0 {
		period = fmt.Sprintf(pick(l, "%d uker", "%d veker", "%d weeks"), d.Rules.AppealDays/7)
	}
	fmt.Fprintf(&b, pick(l,
		"\nDere kan klage på vedtaket. Klagefristen er %s, til og med %s. Klagen sendes kommunen, som sender den videre til klagenemnda om vedtaket ikke endres.\n",
		"\nDe kan klage på vedtaket. Klagefristen er %s, til og med %s. Klaga skal sendast kommunen, som sender henne vidare til klagenemnda om vedtaket ikkje vert endra.\n",
		"\nYou may appeal this decision within %s, by %s. Send the appeal to the municipality, which forwards it to the appeals board unless it changes the decision.\n"),
		period, d.AppealBy)
	return b.String()
}
