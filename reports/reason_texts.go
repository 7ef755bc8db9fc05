package reports

// Reason codes of this package. They are the codes other packages use for
// the same faults, so an application's catalogs already hold their texts.
const (
	// ReasonRequired: a value is missing.
	ReasonRequired = "required"
	// ReasonOutOfRange: a number or rule is outside what the definitions allow.
	ReasonOutOfRange = "out-of-range"
	// ReasonBandsOverlap: hours bands are not ordered or share hours.
	ReasonBandsOverlap = "overlaps"
	// ReasonUnknownAgeRule: the age rule is not one of the known rules.
	ReasonUnknownAgeRule = ReasonOutOfRange
	// ReasonUnknownChild: a placement or decision names a child not in the input.
	ReasonUnknownChild = "unknown-child"
	// ReasonUnknownUnit: a placement names a unit not in the input.
	ReasonUnknownUnit = "unknown-unit"
)

// ReasonTexts are the reason codes of this package and their English text
// for developers and logs. Nothing registers the table: an application
// names it among its domain.ReasonTables.
var ReasonTexts = map[string]string{
	ReasonRequired:     "required",
	ReasonOutOfRange:   "is out of range",
	ReasonBandsOverlap: "overlaps",
	ReasonUnknownChild: "is not a known child",
	ReasonUnknownUnit:  "is not a known unit",
}
