package admissionweb

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
	"position-twice":                "has the same position as another criterion",
	"must-be-nb-nn-or-en":           "must be nb, nn or en",
	"must-be-start-or-change":       "must be start or change",
	"must-be-the-uuid-of-a-school":  "must be the UUID of a school",
	"must-be-the-uuid-of-an-intake": "must be the UUID of an intake",
	"no-such-intake":                "no such intake",
	"no-such-request":               "no such request",
	"required":                      "is required",
}
