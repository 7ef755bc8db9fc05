package billingweb

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
	"choose-a-family":                  "choose a family",
	"is-empty-give-the-ocr-files-text": "is empty; give the OCR file's text",
	"must-be-a-number":                 "must be a number",
	"must-be-an-amount-in-kroner":      "must be an amount in kroner",
	"no-such-family":                   "no such family",
	"not-a-whole-number":               "not a whole number",
	"required":                         "is required",
	"too-large":                        "too large",
}
