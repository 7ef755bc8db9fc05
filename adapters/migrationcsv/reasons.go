package migrationcsv

import (
	"errors"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
)

// Reason codes of a refused line, besides the domain's own (domain.Reason*:
// required, too-long, not-a-date, in-the-future, control-character,
// not-utf8, not-an-email, not-a-phone, not-a-postcode, not-an-age-group,
// not-grades, grades-outside-unit, past-closing-date, …), which are passed on
// as they are. An application translates them ("reason.<code>" in the
// reference app's catalogs).
const (
	// ReasonUnknownColumn: the header names a column the kind of file
	// does not have (line 1).
	ReasonUnknownColumn = "unknown-column"
	// ReasonMissingColumn: the header lacks a required column (line 1).
	ReasonMissingColumn = "missing-column"
	// ReasonUnknownKind: neither the file's name nor its header says
	// which kind of file it is (see ErrUnknownKind).
	ReasonUnknownKind = "unknown-file-kind"
	// ReasonMalformed: the line is not CSV (a stray quote).
	ReasonMalformed = "malformed-line"
	// ReasonFieldCount: the line has another number of fields than the
	// header.
	ReasonFieldCount = "wrong-field-count"
	// ReasonDuplicate: the same key (national ID, unit name, …) is on an
	// earlier line of the import.
	ReasonDuplicate = "duplicate"
	// ReasonNationalID: not a valid Norwegian national identity number
	// (fødselsnummer, D-number or H-number).
	ReasonNationalID = "not-a-national-id"
	// ReasonBirthDate: the birth date does not agree with the national ID.
	ReasonBirthDate = "birth-date-mismatch"
	// ReasonProtection: not none, fortrolig, strengt-fortrolig or
	// strengt-fortrolig-utland.
	ReasonProtection = "not-a-protection"
	// ReasonFlag: a yes/no column holds other than 1, 0, true, false, ja,
	// nei, yes or no.
	ReasonFlag = "not-a-flag"
	// ReasonNumber: not a whole number.
	ReasonNumber = "not-a-number"
	// ReasonHours: hours per week outside what the unit's kind allows
	// (0 to 60 for a school, 1 to 60 otherwise).
	ReasonHours = "not-hours"
	// ReasonUnitKind: not kindergarten, school or sfo.
	ReasonUnitKind = "not-a-unit-kind"
	// ReasonOwner: not municipal or private.
	ReasonOwner = "not-an-owner"
	// ReasonParent: only an SFO has a parent, and it must be a school.
	ReasonParent = "bad-parent"
	// ReasonEndBeforeStart: the end date is before the start date.
	ReasonEndBeforeStart = "end-before-start"
	// ReasonNoSuchChild: no child with that national ID, stored or on a
	// line of the import.
	ReasonNoSuchChild = "no-such-child"
	// ReasonNoSuchGuardian: no guardian with that national ID.
	ReasonNoSuchGuardian = "no-such-guardian"
	// ReasonNoSuchUnit: no unit of that name.
	ReasonNoSuchUnit = "no-such-unit"
	// ReasonNoSuchGroup: the unit has no group of that name.
	ReasonNoSuchGroup = "no-such-group"
	// ReasonAmbiguous: the municipality has more than one unit of that
	// name, so a name cannot say which.
	ReasonAmbiguous = "ambiguous-name"
	// ReasonOverlap: the placement overlaps another of the same kind for
	// the child.
	ReasonOverlap = "overlaps"
	// ReasonConflict: the change contradicts stored data in another way
	// (a unit whose kind would no longer fit its placements).
	ReasonConflict = "conflict"
	// ReasonInvalid: refused for a reason this package has no code for.
	ReasonInvalid = "invalid"
)

// columnOf maps a domain field name to the file's column.
var columnOf = map[string]string{
	"givenName":         "given_name",
	"familyName":        "family_name",
	"birthDate":         "birth_date",
	"nationalId":        "national_id",
	"addressProtection": "address_protection",
	"hoursPerWeek":      "hours_per_week",
	"period":            "start",
	"period.start":      "start",
	"period.end":        "end",
	"unitId":            "unit",
	"groupId":           "group",
	"childId":           "child_national_id",
	"guardianId":        "guardian_national_id",
	"ageGroup":          "age_group",
	"grades":            "grade_from",
	"address.street":    "street",
	"address.cadastral": "cadastral",
	"address.postcode":  "postcode",
	"address.postTown":  "post_town",
}

func column(k Kind, field string) string {
	if k == Placements && field == "kind" {
		return "unit"
	}
	if c, ok := columnOf[field]; ok {
		return c
	}
	return field
}

// code turns a domain reason code into one of the import's: the domain's
// precise codes for a few columns are folded into the import's coarser
// ones (documented above), others pass.
func code(field, reason string) string {
	switch reason {
	case domain.ReasonRequired:
		return domain.ReasonRequired
	case "longer-than":
		return domain.ReasonTooLong
	case "does-not-match-the-national-id":
		return ReasonBirthDate
	case "no-such-child":
		return ReasonNoSuchChild
	case "no-such-guardian":
		return ReasonNoSuchGuardian
	case "no-such-unit":
		return ReasonNoSuchUnit
	case "no-such-group", "the-group-belongs-to-another-unit":
		return ReasonNoSuchGroup
	case "only-an-sfo-belongs-to-another-unit", "the-parent-of-an-sfo-must-be-a-school", "a-unit-cannot-be-its-own-parent":
		return ReasonParent
	case domain.ReasonTooLong, domain.ReasonControl, domain.ReasonUTF8, domain.ReasonDate, domain.ReasonFuture:
		return reason
	}
	switch {
	case strings.HasSuffix(field, "nationalId"):
		return ReasonNationalID
	case field == "kind" && !strings.HasPrefix(reason, "not-for"):
		return ReasonUnitKind
	case field == "owner":
		return ReasonOwner
	case field == "hoursPerWeek":
		return ReasonHours
	case field == "period.end" || field == "end":
		return ReasonEndBeforeStart
	case field == "addressProtection":
		return ReasonProtection
	}
	if isCode(reason) {
		return reason
	}
	return ReasonInvalid
}

func isCode(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// problemsOf turns a domain error into field errors on the file's columns.
// An error that is neither a validation error nor a conflict (the store
// failed) is returned as is.
func problemsOf(k Kind, err error) ([]domain.FieldError, error) {
	if err == nil {
		return nil, nil
	}
	var v *domain.ValidationError
	if errors.As(err, &v) {
		out := make([]domain.FieldError, 0, len(v.Fields))
		for _, f := range v.Fields {
			out = append(out, domain.FieldError{Field: column(k, f.Field), Reason: code(f.Field, f.Reason)})
		}
		return out, nil
	}
	var c *domain.ConflictError
	if errors.As(err, &c) {
		r := ReasonConflict
		if c.Field == "period" {
			r = ReasonOverlap
		}
		return []domain.FieldError{{Field: column(k, c.Field), Reason: r}}, nil
	}
	return nil, err
}
