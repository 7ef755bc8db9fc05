package domain

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/rickb777/date/v2"
)

// Retention: how long each kind of record is kept, as data
// (rules/retention.json), and the daily job that deletes or anonymises
// what has passed its time.
//
// Each RetentionRule names a kind of record (RecordKind), a period, where
// the period starts (the record's own day, or the end of its financial
// year) and its legal source. Where the law leaves the period to the
// municipality (its bevarings- og kassasjonsplan) the rule is Municipal and
// the period a default that RetentionSettings may change; a statutory
// period (bookkeeping) may only be lengthened.
//
// Retention.Run applies the rules of one municipality through a
// RetentionStore in bounded batches, one transaction each, and writes an
// audit entry per batch naming the rule and the count — never the data.

//go:embed rules/retention.json
var retentionFS embed.FS

// RecordKind names a kind of record the retention job knows how to expire.
// What each kind covers, and what "expired" means for it, is part of the
// RetentionStore contract.
type RecordKind string

const (
	// RecordAttendance is check-in and check-out events, by their day.
	RecordAttendance RecordKind = "attendance"
	// RecordAbsences is reported absences, by their last day.
	RecordAbsences RecordKind = "absences"
	// RecordSchoolAbsences is school absence, by its day.
	RecordSchoolAbsences RecordKind = "school-absences"
	// RecordMessages is messages by when they were written; a thread goes
	// with its last message.
	RecordMessages RecordKind = "messages"
	// RecordOutbox is the outbox after delivery (sent or dead): subject,
	// body, recipient address and last error are blanked; the receipt stays.
	RecordOutbox RecordKind = "outbox"
	// RecordReceipts is the receivers' answers to sent messages (the
	// archive's kvittering), by when the last answer came: a receipt
	// delivered or failed is deleted; one awaiting its answer stays. A
	// receipt holds no personal data; the archived document itself is
	// kept by the archive.
	RecordReceipts RecordKind = "receipts"
	// RecordApplications is applications that did not lead to a place (no
	// accepted offer), by when they were submitted, with their offers.
	RecordApplications RecordKind = "applications"
	// RecordInvoices is invoices by their issue date, with their lines and
	// the payments matched to them.
	RecordInvoices RecordKind = "invoices"
	// RecordPersons is children whose last placement ended before the
	// cutoff and whom no kept record (application, invoice line) needs, and
	// then their guardians who have no other child and are payer of no kept
	// invoice: national ID, names, e-mail and phone are removed (the record
	// stays, so that kept statistics and decisions still add up), the
	// child's birth date is cut to its year, and the child's pickup list is
	// deleted, as is the guardian's calendar feed (its secret URL), in the
	// same transaction.
	RecordPersons RecordKind = "persons"
	// RecordSpecialEd is special-education cases by the day they ended
	// (an open case never expires), with their entries, documents,
	// attachments and reminders.
	RecordSpecialEd RecordKind = "special-education"
	// RecordConversations is rounds of booked conversations by the day of
	// their last slot, with their slots, children and bookings.
	RecordConversations RecordKind = "conversations"
	// RecordIntegrationHistory is the versions of a municipality's
	// integration settings (IntegrationSetting) by when the next version
	// replaced them; the current version of each integration never
	// expires.
	RecordIntegrationHistory RecordKind = "integration-history"
	// RecordEvents is the unit's calendar events (Event) by their last
	// day; a guardian's feed is not a record of its own (it goes with the
	// guardian).
	RecordEvents RecordKind = "calendar-events"
	// RecordAudit is audit entries by when they were written.
	RecordAudit RecordKind = "audit"
)

// RecordKinds lists every kind, in the order the job applies them: records
// that refer to persons go before the persons themselves.
var recordKinds = []RecordKind{
	RecordAttendance, RecordAbsences, RecordSchoolAbsences, RecordMessages, RecordOutbox,
	RecordReceipts, RecordApplications, RecordInvoices, RecordSpecialEd, RecordConversations, RecordEvents, RecordPersons, RecordIntegrationHistory, RecordAudit,
}

// RecordKinds lists every kind the retention job knows, in the order it
// applies them.
func RecordKinds() []RecordKind { return slices.Clone(recordKinds) }

// ErasedName is what an anonymised person's names are replaced with.
const ErasedName = "[slettet]"

// RetentionPeriod is a length of time in years, months and days.
type RetentionPeriod struct {
	Years  int `json:"years,omitempty"`
	Months int `json:"months,omitempty"`
	Days   int `json:"days,omitempty"`
}

// IsZero reports whether the period is empty.
func (p RetentionPeriod) IsZero() bool { return p == RetentionPeriod{} }

// Before reports whether p is shorter than q, counted from the same day.
func (p RetentionPeriod) Before(q RetentionPeriod) bool {
	from := date.New(2000, 1, 1)
	return from.AddDate(p.Years, p.Months, p.Days) < from.AddDate(q.Years, q.Months, q.Days)
}

// String is "5y", "1y6m", "30d".
func (p RetentionPeriod) String() string {
	s := ""
	if p.Years != 0 {
		s += strconv.Itoa(p.Years) + "y"
	}
	if p.Months != 0 {
		s += strconv.Itoa(p.Months) + "m"
	}
	if p.Days != 0 || s == "" {
		s += strconv.Itoa(p.Days) + "d"
	}
	return s
}

// Where a retention period starts.
const (
	// FromEvent counts from the record's own day (the day of attendance,
	// the day a message was written, the day of delivery).
	FromEvent = "event"
	// FromEndOfYear counts from the end of the record's financial year
	// (the calendar year, as for municipalities).
	FromEndOfYear = "end-of-year"
)

// RetentionRule is one rule of rules/retention.json.
type RetentionRule struct {
	ID     string     `json:"id"`
	Record RecordKind `json:"record"`
	// Action is "delete" or "anonymise", as the kind does it.
	Action string          `json:"action"`
	Period RetentionPeriod `json:"period"`
	From   string          `json:"from"`
	// Municipal is true where the law leaves the period to the
	// municipality; Period is then the default.
	Municipal bool `json:"municipal"`
	// Source is the act and section (in Norwegian, as cited).
	Source string            `json:"source"`
	Names  map[string]string `json:"names"`
}

// Name is the rule's name in lang ("nb", "nn" or "en"; bokmål otherwise).
func (r RetentionRule) Name(lang string) string {
	if n, ok := r.Names[lang]; ok {
		return n
	}
	return r.Names["nb"]
}

// Cutoff is the first day that is still kept on the day today: records
// whose day (as the kind defines it) is before the cutoff have passed
// their time.
func (r RetentionRule) Cutoff(today date.Date) date.Date {
	d := today.AddDate(-r.Period.Years, -r.Period.Months, -r.Period.Days)
	if r.From == FromEndOfYear {
		// A record of year Y is kept until the end of Y + Years: on
		// 1 January of Y+Years+1 its year is before the cutoff.
		d = date.New(d.Year(), 1, 1)
	}
	return d
}

func kindAction(k RecordKind) string {
	switch k {
	case RecordOutbox, RecordPersons:
		return "anonymise"
	}
	return "delete"
}

func (r RetentionRule) check() error {
	if r.ID == "" || r.Source == "" || r.Names["nb"] == "" || r.Names["nn"] == "" || r.Names["en"] == "" {
		return fmt.Errorf("incomplete rule %q", r.ID)
	}
	if !slices.Contains(recordKinds, r.Record) {
		return fmt.Errorf("rule %q: unknown record %q", r.ID, r.Record)
	}
	if r.Action != kindAction(r.Record) {
		return fmt.Errorf("rule %q: record %q is done by %q", r.ID, r.Record, kindAction(r.Record))
	}
	if r.From != FromEvent && r.From != FromEndOfYear {
		return fmt.Errorf("rule %q: unknown start %q", r.ID, r.From)
	}
	if r.Period.IsZero() || r.Period.Years < 0 || r.Period.Months < 0 || r.Period.Days < 0 {
		return fmt.Errorf("rule %q: period must be positive", r.ID)
	}
	return nil
}

var retentionRules = sync.OnceValues(func() ([]RetentionRule, error) {
	b, err := retentionFS.ReadFile("rules/retention.json")
	if err != nil {
		return nil, err
	}
	var f struct {
		Rules []RetentionRule `json:"rules"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("domain: rules/retention.json: %w", err)
	}
	seen := map[RecordKind]bool{}
	for _, r := range f.Rules {
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("domain: rules/retention.json: %w", err)
		}
		if seen[r.Record] {
			return nil, fmt.Errorf("domain: rules/retention.json: two rules for %q", r.Record)
		}
		seen[r.Record] = true
	}
	for _, k := range recordKinds {
		if !seen[k] {
			return nil, fmt.Errorf("domain: rules/retention.json: no rule for %q", k)
		}
	}
	slices.SortStableFunc(f.Rules, func(a, b RetentionRule) int {
		return slices.Index(recordKinds, a.Record) - slices.Index(recordKinds, b.Record)
	})
	return f.Rules, nil
})

// RetentionRules returns the national default rules of
// rules/retention.json, one per RecordKind, in the order the job applies
// them.
func RetentionRules() []RetentionRule {
	rules, err := retentionRules()
	if err != nil {
		panic(err) // the table is embedded and tested
	}
	return slices.Clone(rules)
}

// RetentionSettings are a municipality's own periods, by rule ID, as its
// bevarings- og kassasjonsplan sets them.
type RetentionSettings struct {
	Periods map[string]RetentionPeriod `json:"periods,omitempty"`
}

// Rules returns the national rules with the municipality's periods. A
// period for an unknown rule, an empty or negative one, or one shorter
// than a statutory (not Municipal) period is a *ValidationError on
// "periods.<id>".
func (s RetentionSettings) Rules() ([]RetentionRule, error) {
	rules := RetentionRules()
	var p Problems
	ids := make([]string, 0, len(s.Periods))
	for id := range s.Periods {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		per := s.Periods[id]
		field := "periods." + id
		i := slices.IndexFunc(rules, func(r RetentionRule) bool { return r.ID == id })
		switch {
		case i < 0:
			p.Add(field, "is-not-a-retention-rule")
		case per.IsZero() || per.Years < 0 || per.Months < 0 || per.Days < 0:
			p.Add(field, "not-positive")
		case !rules[i].Municipal && per.Before(rules[i].Period):
			p.Add(field, "is-shorter-than-the-law-requires")
		default:
			rules[i].Period = per
		}
	}
	return rules, p.Err()
}

// RetentionStore is the store port of the retention job.
type RetentionStore interface {
	Transactor
	AuditLog
	// ExpireRecords deletes or anonymises at most limit records of the
	// kind in the municipality whose day is before the cutoff (see the
	// RecordKind constants), and returns how many it changed. A record
	// already anonymised is not counted again, so that calling it until it
	// returns 0 ends.
	ExpireRecords(ctx context.Context, m Municipality, kind RecordKind, cutoff date.Date, limit int) (int, error)
}

// DefaultRetentionBatch is how many records one transaction of the
// retention job changes, unless Retention.Batch says otherwise.
const DefaultRetentionBatch = 1000

// Retention is the retention job.
type Retention struct {
	Store RetentionStore
	Clock Clock
	// Batch is the most records one transaction changes (0:
	// DefaultRetentionBatch).
	Batch int
}

// RetentionResult says how many records one rule changed.
type RetentionResult struct {
	Rule   string     `json:"rule"`
	Record RecordKind `json:"record"`
	Action string     `json:"action"`
	Cutoff date.Date  `json:"cutoff"`
	Count  int        `json:"count"`
}

// AuditRetentionAction is the audit action of a retention batch:
// "retention.delete" or "retention.anonymise". The entry's Record is
// "retention/<rule>?count=<n>&before=<cutoff>".
func AuditRetentionAction(action string) string { return "retention." + action }

// Run applies the rules in the municipality on today's date (by the
// clock), each in batches of at most Batch records, one transaction per
// batch, until a batch finds nothing more; each batch with an audit entry by the system actor
// "retention-job" naming the rule, the count and the cutoff. It stops at
// the first error; what earlier batches did stays done.
func (r Retention) Run(ctx context.Context, m Municipality, rules []RetentionRule) ([]RetentionResult, error) {
	batch := r.Batch
	if batch <= 0 {
		batch = DefaultRetentionBatch
	}
	actor := SystemActor(m, "retention-job")
	today := Today(r.Clock)
	var out []RetentionResult
	for _, rule := range rules {
		if err := rule.check(); err != nil {
			return out, fmt.Errorf("domain: retention: %w", err)
		}
		res := RetentionResult{Rule: rule.ID, Record: rule.Record, Action: rule.Action, Cutoff: rule.Cutoff(today)}
		for {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			var n int
			err := r.Store.Atomic(ctx, func(ctx context.Context) error {
				var err error
				if n, err = r.Store.ExpireRecords(ctx, m, rule.Record, res.Cutoff, batch); err != nil || n == 0 {
					return err
				}
				record := "retention/" + rule.ID + "?count=" + strconv.Itoa(n) + "&before=" + res.Cutoff.String()
				return r.Store.AppendAudit(ctx, NewAuditEntry(actor, r.Clock.Now(), AuditRetentionAction(rule.Action), ChildID{}, record))
			})
			if err != nil {
				return out, fmt.Errorf("domain: retention rule %s: %w", rule.ID, err)
			}
			res.Count += n
			if n == 0 {
				break
			}
		}
		out = append(out, res)
	}
	return out, nil
}
