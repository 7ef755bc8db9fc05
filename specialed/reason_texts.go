package specialed

// Reason codes the package refuses input with (domain.FieldError.Reason,
// domain.ConflictError.Reason).
const (
	ReasonRequired             = "required"
	ReasonTooLong              = "too-long"
	ReasonOutOfRange           = "out-of-range"
	ReasonUnknownSetting       = "specialed-unknown-setting"
	ReasonUnknownStep          = "specialed-unknown-step"
	ReasonUnknownOutcome       = "specialed-unknown-outcome"
	ReasonUnknownKind          = "specialed-unknown-decision-kind"
	ReasonUnknownProvider      = "specialed-unknown-provider"
	ReasonUnknownDocument      = "specialed-unknown-document-kind"
	ReasonEndsBeforeStart      = "specialed-ends-before-start"
	ReasonKindNotForSetting    = "specialed-kind-not-for-setting"
	ReasonDepartureNeedsReason = "specialed-departure-needs-reason"
	ReasonStepOutOfOrder       = "specialed-step-out-of-order"
	ReasonCaseEnded            = "specialed-case-ended"
	ReasonNotAllowed           = "specialed-role-may-not-do-step"
	ReasonNoSuchPPT            = "specialed-no-such-ppt"
	ReasonNoSuchChild          = "specialed-no-such-child"
	ReasonNoSuchUnit           = "specialed-no-such-unit"
	ReasonNotPlaced            = "specialed-child-not-placed-at-unit"
	ReasonWrongUnitKind        = "specialed-unit-not-kindergarten-or-school"
	ReasonVersion              = "specialed-version-not-next"
	ReasonNoDecision           = "specialed-no-decision"
	ReasonTooLarge             = "specialed-too-large"
	ReasonSizeMismatch         = "specialed-size-mismatch"
	ReasonNotStaffOfUnit       = "specialed-not-staff-of-unit"
	ReasonNoSuchCase           = "specialed-no-such-case"
)

// ReasonTexts are the reason codes of this package and their English text
// for developers and logs, {name} standing for a parameter. Pages never
// show this text: an application writes the code in the user's language.
// Nothing registers the table: an application names it among its
// domain.ReasonTables.
var ReasonTexts = map[string]string{
	ReasonRequired:             "required",
	ReasonTooLong:              "is longer than {max} characters",
	ReasonOutOfRange:           "is out of range",
	ReasonUnknownSetting:       "is not kindergarten or school",
	ReasonUnknownStep:          "is not a step of a special-education case",
	ReasonUnknownOutcome:       "is not granted or refused",
	ReasonUnknownKind:          "is not a kind of special-education decision",
	ReasonUnknownProvider:      "is not special-education-teacher or assistant",
	ReasonUnknownDocument:      "is not assessment, decision, plan or report",
	ReasonEndsBeforeStart:      "ends before it starts",
	ReasonKindNotForSetting:    "this kind of decision is not made in a {setting} case",
	ReasonDepartureNeedsReason: "the decision departs from PPT's recommendation ({points}): give the reasons",
	ReasonStepOutOfOrder:       "step {step} cannot follow {last}",
	ReasonCaseEnded:            "the case has ended",
	ReasonNotAllowed:           "this role may not do the step",
	ReasonNoSuchPPT:            "no such PPT in the municipality",
	ReasonNoSuchChild:          "no such child in the municipality",
	ReasonNoSuchUnit:           "no such unit in the municipality",
	ReasonNotPlaced:            "the child has no place at the unit on the day",
	ReasonWrongUnitKind:        "the unit is not a kindergarten or a school",
	ReasonVersion:              "the version is not one more than the latest",
	ReasonNoDecision:           "the case has no decision",
	ReasonTooLarge:             "is larger than {max} bytes",
	ReasonSizeMismatch:         "does not match the content's length",
	ReasonNotStaffOfUnit:       "is not staff of the child's unit",
	ReasonNoSuchCase:           "no such case in the municipality",
}
