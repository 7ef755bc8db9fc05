package calendarweb

// ReasonTexts are the reason codes this package refuses input with
// (domain.FieldError.Reason, domain.ConflictError.Reason) and their English
// text for developers and logs, {name} standing for a parameter. Pages
// never show this text: an application writes the code in the user's
// language (the reference app's catalogs hold "reason.<code>" in nb, nn
// and en, and a test there fails when one is missing).
//
// This is the package's table, and nothing registers it: an application
// names the tables of the packages it uses (domain.ReasonTables).
var ReasonTexts = map[string]string{
	"is-before-from":                  "is before from",
	"is-not-a-year-yyyy":              "is not a year (YYYY)",
	"is-not-a-time":                   "is not a time of day (HH:MM)",
	"no-such-unit":                    "no such unit",
	ReasonNoSuchGroup:                 "is not one of the unit's groups",
	ReasonToBeforeFrom:                "is not after the start time",
	"the-range-is-longer-than-a-year": "the range is longer than a year",
}

// ReasonNoSuchGroup refuses an event form's group that is not one of the
// unit's.
const ReasonNoSuchGroup = "calendarweb-no-such-group"

// ReasonToBeforeFrom refuses an event form whose end time is not after
// its start time.
const ReasonToBeforeFrom = "calendarweb-to-before-from"
