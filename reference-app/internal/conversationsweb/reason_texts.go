package conversationsweb

// Reason codes of the conversation pages' own checks.
const (
	ReasonNotANumber   = "conversationsweb-not-a-number"
	ReasonNotATime     = "conversationsweb-not-a-time"
	ReasonNoSuchChoice = "conversationsweb-no-such-choice"
	ReasonToBeforeFrom = "conversationsweb-to-before-from"
	ReasonNoChildren   = "conversationsweb-no-children"
)

// ReasonTexts are the reason codes this package refuses input with and
// their English text for developers and logs. Pages never show this text:
// the catalogs hold "reason.<code>" in nb, nn and en.
var ReasonTexts = map[string]string{
	ReasonNotANumber:   "is not a number",
	ReasonNotATime:     "is not a time of day (HH:MM)",
	ReasonNoSuchChoice: "is not one of the choices",
	ReasonToBeforeFrom: "the last slot is before the first",
	ReasonNoChildren:   "no child is placed in the group on the first day",
}
