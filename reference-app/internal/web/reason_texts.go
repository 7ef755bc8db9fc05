package web

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
	"is-not-a-demo-persona":                       "is not a demo persona",
	"must-be-1-to-200-printable-ascii-characters": "must be 1 to 200 printable ASCII characters",
	"must-be-nb-nn-or-en":                         "must be nb, nn or en",
	"was-used-for-another-request":                "was used for another request",
}
