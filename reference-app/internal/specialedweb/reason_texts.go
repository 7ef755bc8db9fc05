package specialedweb

// Reason codes of the special-education pages' own checks.
const (
	ReasonUnknownLanguage = "specialedweb-unknown-language"
	ReasonNotANumber      = "specialedweb-not-a-number"
	ReasonNotADate        = "specialedweb-not-a-date"
	ReasonNoSuchChoice    = "specialedweb-no-such-choice"
	ReasonNotAMediaType   = "specialedweb-not-a-media-type"
)

// ReasonTexts are the reason codes this package refuses input with and
// their English text for developers and logs. Pages never show this text:
// the app's catalogs hold "reason.<code>" in nb, nn and en.
var ReasonTexts = map[string]string{
	ReasonUnknownLanguage: "is not nb, nn or en",
	ReasonNotANumber:      "is not a number",
	ReasonNotADate:        "is not a date (YYYY-MM-DD)",
	ReasonNoSuchChoice:    "is not one of the choices",
	ReasonNotAMediaType:   "is not a media type (type/subtype)",
}
