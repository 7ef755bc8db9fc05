package conformance

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// absenceSummaryInput is the wire input of the school-absence-summary
// kind: a pupil's absence records of one school year, the grade and the
// municipality's rule for the leaving certificate.
type absenceSummaryInput struct {
	SchoolYear *int                 `json:"schoolYear"`
	Grade      *int                 `json:"grade"`
	Rule       *absenceRuleInput    `json:"rule"`
	Absences   *[]absenceRecordWire `json:"absences"`
}

type absenceRuleInput struct {
	ExcludableDays  *int      `json:"excludableDays"`
	Excludable      *[]string `json:"excludable"`
	CertificateFrom *int      `json:"certificateFrom"`
	CertificateTo   *int      `json:"certificateTo"`
}

type absenceRecordWire struct {
	Day    *string `json:"day"`
	Hours  *int    `json:"hours"`
	Kind   *string `json:"kind"`
	Reason *string `json:"reason"`
}

// absenceSummaryOutput is the expect shape of the school-absence-summary
// kind.
type absenceSummaryOutput struct {
	SchoolYear       int      `json:"schoolYear"`
	Grade            int      `json:"grade"`
	Days             int      `json:"days"`
	Hours            int      `json:"hours"`
	LeftOutDays      []string `json:"leftOutDays"`
	CertificateDays  int      `json:"certificateDays"`
	CertificateHours int      `json:"certificateHours"`
}

// maxReasonLength is the longest free-text reason of a record (as
// attendance.SchoolAbsence.Validate allows).
const maxReasonLength = 200

// evalAbsenceSummary evaluates the school-absence-summary kind with the
// attendance package's count for the leaving certificate
// (attendance.CountYear, the count behind Service.YearSummary): whole days
// and lesson hours, and the whole days of an excludable kind left out, at
// most the rule's number, earliest first.
func evalAbsenceSummary(input json.RawMessage) (any, error) {
	var in absenceSummaryInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	y, err := requiredInt("schoolYear", in.SchoolYear)
	if err != nil {
		return nil, err
	}
	if y < 1 || y > 9998 {
		return nil, invalid("schoolYear", "must be 1-9998")
	}
	year := domain.SchoolYear(y)
	grade, err := requiredInt("grade", in.Grade)
	if err != nil {
		return nil, err
	}
	if grade < 1 || grade > 13 {
		return nil, invalid("grade", "must be 1-13")
	}
	rule, err := wireSchoolRule(in.Rule)
	if err != nil {
		return nil, err
	}
	if grade < rule.CertificateFrom || grade > rule.CertificateTo {
		return nil, invalid("grade", "is not a grade whose absence goes on the leaving certificate")
	}
	if in.Absences == nil {
		return nil, invalid("absences", "is required")
	}
	list := make([]attendance.SchoolAbsence, len(*in.Absences))
	for i, r := range *in.Absences {
		field := "absences[" + strconv.Itoa(i) + "]"
		day, err := parseWireDate(field+".day", r.Day)
		if err != nil {
			return nil, err
		}
		if !year.Period().Contains(day) {
			return nil, invalid(field+".day", "is not in the school year")
		}
		hours := 0
		if r.Hours != nil {
			hours = *r.Hours
		}
		if hours < 0 || hours > attendance.MaxLessonHours {
			return nil, invalid(field+".hours", "must be 0 (the whole day) to 12")
		}
		if r.Kind == nil {
			return nil, invalid(field+".kind", "is required")
		}
		kind := attendance.SchoolKind(*r.Kind)
		if !kind.Valid() {
			return nil, invalid(field+".kind", "must be documented, permission or undocumented")
		}
		reason := ""
		if r.Reason != nil {
			reason = *r.Reason
		}
		if kind == attendance.Documented && reason != attendance.ReasonHealth && reason != attendance.ReasonGuardianReported {
			return nil, invalid(field+".reason", "a documented absence is health or guardian-reported")
		}
		if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > maxReasonLength {
			return nil, invalid(field+".reason", "must be at most 200 characters")
		}
		list[i] = attendance.SchoolAbsence{Day: day, Hours: hours, Kind: kind, Reason: reason}
	}
	days, hours, excluded := attendance.CountYear(rule, list)
	out := absenceSummaryOutput{SchoolYear: y, Grade: grade, Days: days, Hours: hours, LeftOutDays: make([]string, len(excluded)),
		CertificateDays: days - len(excluded), CertificateHours: hours}
	for i, d := range excluded {
		out.LeftOutDays[i] = d.String()
	}
	return out, nil
}

// wireSchoolRule reads the rule object; every field is required.
func wireSchoolRule(r *absenceRuleInput) (attendance.SchoolRule, error) {
	var rule attendance.SchoolRule
	if r == nil {
		return rule, invalid("rule", "is required")
	}
	n, err := requiredInt("rule.excludableDays", r.ExcludableDays)
	if err != nil {
		return rule, err
	}
	if n < 0 || n > 366 {
		return rule, invalid("rule.excludableDays", "must be 0-366")
	}
	rule.ExcludableDays = n
	if r.Excludable == nil {
		return rule, invalid("rule.excludable", "is required")
	}
	for i, k := range *r.Excludable {
		kind := attendance.SchoolKind(k)
		field := "rule.excludable[" + strconv.Itoa(i) + "]"
		if !kind.Valid() {
			return rule, invalid(field, "must be documented, permission or undocumented")
		}
		if slices.Contains(rule.Excludable, kind) {
			return rule, invalid(field, "is repeated")
		}
		rule.Excludable = append(rule.Excludable, kind)
	}
	if rule.CertificateFrom, err = requiredInt("rule.certificateFrom", r.CertificateFrom); err != nil {
		return rule, err
	}
	if rule.CertificateTo, err = requiredInt("rule.certificateTo", r.CertificateTo); err != nil {
		return rule, err
	}
	if rule.CertificateFrom < 1 || rule.CertificateFrom > 13 {
		return rule, invalid("rule.certificateFrom", "must be 1-13")
	}
	if rule.CertificateTo < rule.CertificateFrom || rule.CertificateTo > 13 {
		return rule, invalid("rule.certificateTo", "must be certificateFrom-13")
	}
	return rule, nil
}
