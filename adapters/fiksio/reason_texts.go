package fiksio

// ReasonTexts are the reason codes this package refuses input with
// (domain.FieldError.Reason) and their English text for developers and
// logs. Pages never show this text: an application writes the code in the
// user's language (the reference app's catalogs hold "reason.<code>" in
// nb, nn and en).
//
// This is the package's table, and nothing registers it: an application
// names the tables of the packages it uses (domain.ReasonTables).
var ReasonTexts = map[string]string{
	"must-be-a-pdf":                           "the document to archive is not a PDF (it does not start with %PDF-)",
	"needs-case-number-or-external-key":       "a record for an existing case folder needs the folder's case number or its external key",
	"new-folder-needs-external-key-and-title": "a new case folder needs an external key and a title",
	"reserved": "the file name is the archive message's own (arkivmelding.xml)",
}
