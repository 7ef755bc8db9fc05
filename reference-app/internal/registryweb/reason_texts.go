package registryweb

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
	"is-not-a-registry-notice": "{kind} is not a registry notice",
	"is-not-an-id":             "is not an ID",
	"must-be-a-whole-number":   "must be a whole number",
	"not-positive":             "must be positive",
	"strictly-protected":       "a strengt fortrolig person's address is not held",
}
