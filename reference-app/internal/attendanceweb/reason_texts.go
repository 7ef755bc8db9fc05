package attendanceweb

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
	"is-not-a-guardian":                "is not a guardian",
	"is-not-a-uuid":                    "{value} is not a UUID",
	"is-not-a-whole-number":            "is not a whole number",
	"is-not-on-the-pickup-list":        "is not on the pickup list",
	"must-be-a-year-from-1900-to-2999": "must be a year from 1900 to 2999, like 2025",
}
