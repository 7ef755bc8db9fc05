package messagingweb

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
	"send-failed":                  "the last attempt to send failed (the error is in the log, not shown)",
	"receipt-ugyldigforespoersel":  "the archive refused the message as invalid (ugyldigforespoersel)",
	"receipt-serverfeil":           "the archive failed (serverfeil); it is sent again",
	"receipt-ikkefunnet":           "the archive did not find the case folder (ikkefunnet)",
	"receipt-tidsavbrudd":          "Fiks IO: the message was not read in time (tidsavbrudd); it is sent again",
	"receipt-fiks-serverfeil":      "Fiks IO: the archive fetched the message three times without acknowledging it; it is sent again",
	"choose-a-child":               "choose a child",
	"choose-whom-to-write-to":      "choose whom to write to",
	"must-be-pending-sent-or-dead": "must be pending, sent or dead",
	"no-such-thread":               "no such thread",
	"required":                     "is required",
}
