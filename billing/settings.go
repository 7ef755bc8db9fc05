package billing

import (
	"strings"

	"github.com/oppvekst/oppvekst/domain"
)

// Settings are a municipality's choices for invoicing, kept per
// municipality in the store (Store.PutBillingSettings) and edited by its
// administrator or billing caseworker.
type Settings struct {
	// Municipality the settings belong to (required when stored).
	Municipality domain.Municipality `json:"municipality,omitempty"`
	// BankAccount is the municipality's Norwegian bank account number the
	// invoices are paid to: 11 digits, the last a MOD11 check digit
	// (ValidBankAccount). Stored without spaces or dots.
	BankAccount string `json:"bankAccount,omitempty"`
	// KIDMethod is the check-digit method of the KIDs; "" means mod10.
	KIDMethod KIDMethod `json:"kidMethod,omitempty"`
	// DueDay is the day of the invoiced month the invoice is due (the
	// last day when the month is shorter); 0 means the last day.
	DueDay int `json:"dueDay"`
	// CorrectionMonths is how many months before the run's month are
	// computed again for corrections (never months before the first run,
	// nor before FirstMonth). 0 means no corrections. A month inside the
	// window that was never run is charged in full as correction lines of
	// the next run.
	CorrectionMonths int `json:"correctionMonths"`
	// FirstMonth is the first month the municipality invoices: no invoice
	// run may be for an earlier month, and corrections never reach before
	// it. It is the guard against a mistyped month becoming the first run
	// (and the next run back-billing every month in between). Zero (only
	// for settings given by a caller, never stored ones) means no guard.
	FirstMonth Month `json:"firstMonth,omitzero"`
}

// Reason codes of the billing settings (translated by an application,
// like domain's Reason* codes).
const (
	// ReasonBankAccountDigits: a bank account number is not 11 digits
	// (spaces and dots between the groups are allowed).
	ReasonBankAccountDigits = "bank-account-digits"
	// ReasonBankAccountCheck: the 11th digit is not the MOD11 check digit
	// of the first ten.
	ReasonBankAccountCheck = "bank-account-check"
	// ReasonRequired: a required value is missing.
	ReasonRequired = "billing-required"
	// ReasonKIDMethod: the KID method is neither mod10 nor mod11.
	ReasonKIDMethod = "kid-method"
	// ReasonDueDay: the due day is not from 0 to 31.
	ReasonDueDay = "due-day"
	// ReasonCorrectionMonths: the correction window is not from 0 to
	// MaxCorrectionMonths.
	ReasonCorrectionMonths = "correction-months"
	// ReasonBeforeFirstMonth: an invoice run for a month before the
	// municipality's first invoiced month.
	ReasonBeforeFirstMonth = "before-first-month"
	// ReasonOutsideRunWindow: an invoice run for a month too far from
	// today's (RunMonthsBack, RunMonthsAhead).
	ReasonOutsideRunWindow = "outside-run-window"
	// ReasonBeforeLastRun: an invoice run for a month before the latest
	// month run.
	ReasonBeforeLastRun = "before-last-run"
	// ReasonNoSettings: the municipality has stored no billing settings.
	ReasonNoSettings = "no-billing-settings"
)

// The window of months an invoice run may be made for, around the month of
// the day of the run: a month may be invoiced in advance, at most
// RunMonthsAhead ahead, and a forgotten month at most RunMonthsBack behind
// (further back is what corrections are for). They are the app's
// safeguards against a mistyped month, not rules of any regulation.
const (
	RunMonthsAhead = 1
	RunMonthsBack  = 12
	// MaxCorrectionMonths bounds the correction window (every month
	// computed again costs a run about as much as its own month).
	MaxCorrectionMonths = 24
)

// DefaultSettings are the settings the examples use: KIDs with MOD10,
// due on the 20th, corrections three months back, no first month and no
// bank account. Every month computed again for corrections costs a run
// about as much as its own month (some 0.5 s for 50,000 children), so the
// window is a municipal trade-off.
func DefaultSettings() Settings {
	return Settings{KIDMethod: KIDMod10, DueDay: 20, CorrectionMonths: 3}
}

// validateRun checks what an invoice run uses.
func (s Settings) validateRun() error {
	var p domain.Problems
	if s.KIDMethod != "" {
		if err := checkMethod(s.KIDMethod); err != nil {
			p.Add("kidMethod", ReasonKIDMethod)
		}
	}
	if s.DueDay < 0 || s.DueDay > 31 {
		p.Add("dueDay", ReasonDueDay)
	}
	if s.CorrectionMonths < 0 || s.CorrectionMonths > MaxCorrectionMonths {
		p.Add("correctionMonths", ReasonCorrectionMonths)
	}
	if s.FirstMonth != (Month{}) && !s.FirstMonth.valid() {
		p.Add("firstMonth", domain.ReasonMonth)
	}
	if s.BankAccount != "" {
		p.Merge("", CheckBankAccount("bankAccount", s.BankAccount))
	}
	return p.Err()
}

// Validate checks settings to be stored: a municipality, a valid bank
// account number, a first month invoiced, and the choices of a run (KID
// method, due day 0–31, correction window 0–MaxCorrectionMonths). Reasons
// are the Reason* codes.
func (s Settings) Validate() error {
	var p domain.Problems
	if err := s.Municipality.Validate(); err != nil {
		p.Merge("", err)
	}
	if s.BankAccount == "" {
		p.Add("bankAccount", ReasonRequired)
	}
	if s.FirstMonth == (Month{}) {
		p.Add("firstMonth", ReasonRequired)
	}
	p.Merge("", s.validateRun())
	return p.Err()
}

func (m Month) valid() bool { return m.Year >= 1 && m.Year <= 9999 && m.Month >= 1 && m.Month <= 12 }

// NormalizeBankAccount removes the spaces and dots a bank account number
// is written with ("1234 56 78903", "1234.56.78903").
func NormalizeBankAccount(s string) string {
	return strings.NewReplacer(" ", "", ".", "").Replace(strings.TrimSpace(s))
}

// ValidBankAccount reports whether s (spaces and dots allowed) is a
// Norwegian bank account number: 11 digits, of which the first four name
// the bank, and the last is a check digit computed from the first ten by
// modulus 11 with the standard weights 2, 3, 4, 5, 6, 7 repeating from the
// right (5 4 3 2 7 6 5 4 3 2 from the left), the check being 11 minus the
// remainder, 0 for remainder 0; remainder 1 (check 10) gives no valid
// number. Sources: the structure of the account number (11 digits in
// groups 4-2-5, the 11th a check digit computed from the first ten) as
// banks describe it (e.g. remember.no, "Hva er et kontonummer og hvordan
// er det satt sammen?"), and the modulus 11 method with the standard
// weights as Brønnøysundregistrene describe it for the organisation number
// (brreg.no, "Construction of the Norwegian organization number") — the
// same method as MOD11 KIDs (KIDMod11). Checked against a published
// account: 3207 40 68323.
func ValidBankAccount(s string) bool { return CheckBankAccount("bankAccount", s) == nil }

// CheckBankAccount is ValidBankAccount with the reason: a
// *domain.ValidationError for field with ReasonBankAccountDigits or
// ReasonBankAccountCheck.
func CheckBankAccount(field, s string) error {
	n := NormalizeBankAccount(s)
	if len(n) != 11 || !digitsOnly(n) {
		return domain.Invalid(field, ReasonBankAccountDigits)
	}
	if kidCheck(n[:10], KIDMod11) != n[10] {
		return domain.Invalid(field, ReasonBankAccountCheck)
	}
	return nil
}

// CheckRunMonth checks the month of an invoice run against the settings
// and the day of the run: not before FirstMonth (ReasonBeforeFirstMonth)
// and inside the window RunMonthsBack..RunMonthsAhead around today's month
// (ReasonOutsideRunWindow), both on the field "month".
func CheckRunMonth(s Settings, month, today Month) error {
	if !month.valid() {
		return domain.Invalid("month", domain.ReasonMonth)
	}
	if s.FirstMonth != (Month{}) && month.Before(s.FirstMonth) {
		return domain.Invalid("month", ReasonBeforeFirstMonth)
	}
	if month.index() > today.index()+RunMonthsAhead || month.index() < today.index()-RunMonthsBack {
		return domain.Invalid("month", ReasonOutsideRunWindow)
	}
	return nil
}
