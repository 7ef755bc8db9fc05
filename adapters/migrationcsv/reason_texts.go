package migrationcsv

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
	"ambiguous-name":      "the municipality has more than one unit of that name, so a name cannot say which",
	"bad-parent":          "only an SFO has a parent, and it must be a school",
	"birth-date-mismatch": "the birth date does not agree with the national ID",
	"conflict":            "the change contradicts stored data in another way (a unit whose kind would no longer fit its placements)",
	"duplicate":           "the same key (national ID, unit name, …) is on an earlier line of the import",
	"end-before-start":    "the end date is before the start date",
	"invalid":             "refused for a reason this package has no code for",
	"malformed-line":      "the line is not CSV (a stray quote)",
	"missing-column":      "the header lacks a required column (line 1)",
	"no-such-child":       "no such child",
	"no-such-group":       "no such group",
	"no-such-guardian":    "no such guardian",
	"no-such-unit":        "no such unit",
	"not-a-flag":          "a yes/no column holds other than 1, 0, true, false, ja, nei, yes or no",
	"not-a-national-id":   "not a valid Norwegian national identity number (fødselsnummer, D-number or H-number)",
	"not-a-number":        "not a whole number",
	"not-a-protection":    "not none, fortrolig, strengt-fortrolig or strengt-fortrolig-utland",
	"not-a-unit-kind":     "not kindergarten, school or sfo",
	"not-an-owner":        "not municipal or private",
	"not-hours":           "hours per week outside what the unit's kind allows (0 to 60 for a school, 1 to 60 otherwise)",
	"overlaps":            "the placement overlaps another of the same kind for the child",
	"unknown-column":      "the header names a column the kind of file does not have (line 1)",
	"unknown-file-kind":   "neither the file's name nor its header says which kind of file it is (see ErrUnknownKind)",
	"wrong-field-count":   "the line has another number of fields than the header",
}
