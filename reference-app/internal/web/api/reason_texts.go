package api

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
	ReasonCannotBeRead:                     "cannot be read",
	"is-not-a-cursor-from-a-previous-page": "is not a cursor from a previous page",
	"is-not-a-field-of-this-operation":     "is not a field of this operation",
	"is-not-a-uuid":                        "{value} is not a UUID",
	"must-be":                              "must be {value}",
	"must-be-a-whole-number-from-1-to":     "must be a whole number from 1 to {maxLimit}",
	ReasonNotAnInstant:                     "is not an instant (RFC 3339 with its offset)",
	"points-at-no-item-of-this-list":       "points at no item of this list",
	"search-at-most":                       "a search has at most {maxSearch} characters",
}
