package sqlite

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
	"a-response-is-kept-under-this-key":                               "a response is kept under this key",
	"a-thread-with-this-id-exists":                                    "a thread with this ID exists",
	"another-invoice-has-one-of-these-numbers":                        "another invoice has one of these numbers",
	"another-invoice-has-this-kid":                                    "another invoice has this KID",
	"another-price-list-of-the-same-kind-is-in-force-on-a-shared-day": "another price list of the same kind is in force on a shared day",
	"another-staff-member-has-this-feide-identity":                    "another staff member has this Feide identity",
	"id-exists":                             "a {what} with this ID exists",
	"is-already-registered":                 "is already registered",
	"is-not-a-record-kind":                  "is not a record kind",
	"national-id-taken":                     "another {what} has this national ID",
	"no-such-application":                   "no such application",
	"no-such-child":                         "no such child",
	"no-such-family":                        "no such family",
	"no-such-guardian":                      "no such guardian",
	"no-such-invoice":                       "no such invoice",
	"no-such-staff-member":                  "no such staff member",
	"no-such-thread":                        "no such thread",
	"no-such-unit":                          "no such unit",
	"not-positive":                          "must be positive",
	"overlaps-another-absence-of-the-child": "overlaps another absence of the child",
	"refers-to-an-intake-child-application-or-unit-that-does-not-exist": "refers to an intake, child, application or unit that does not exist",
	"the-application-already-has-an-open-offer":                         "the application already has an open offer",
	"the-child-already-has-an-application-in-this-intake":               "the child already has an application in this intake",
	"the-family-has-another-income-decision-on-a-shared-day":            "the family has another income decision on a shared day",
	"the-intake-already-has-an-approved-run":                            "the intake already has an approved run",
	"the-month-has-an-invoice-run":                                      "the month has an invoice run",
	"the-municipality-has-loaded-this-version-of-a-rule-table-already":  "the municipality has loaded this version of a rule table already",
	"the-notice-is-handled-already":                                     "the notice is handled already",
	"the-person-is-in-another-family-on-a-shared-day":                   "the person is in another family on a shared day",
	"the-registers-feed-position-only-moves-forward":                    "the register's feed position only moves forward",
	"this-payment-is-recorded":                                          "this payment is recorded",
	"too-short-to-redact":                                               "too short to redact",
	"year-is-outside-1-to-9999":                                         "year {year} is outside 1 to 9999",
}
