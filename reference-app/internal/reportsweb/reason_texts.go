package reportsweb

// ReasonTexts are the reason codes this package refuses input with
// (domain.FieldError.Reason) and their English text for developers and
// logs. Pages never show this text: an application writes the code in the
// user's language (the reference app's catalogs hold "reason.<code>" in
// nb, nn and en, and a test there fails when one is missing).
//
// This is the package's table, and nothing registers it: an application
// names the tables of the packages it uses (domain.ReasonTables).
var ReasonTexts = map[string]string{
	"is-not-a-report":               "is not a report (basil, gsi or nav)",
	"is-not-a-figure-of-the-report": "is not a figure of the report",
}
