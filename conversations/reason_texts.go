package conversations

// Reason codes the package refuses input with (domain.FieldError.Reason,
// domain.ConflictError.Reason).
const (
	ReasonRequired        = "required"
	ReasonTooLong         = "too-long"
	ReasonOutOfRange      = "out-of-range"
	ReasonUnknownKind     = "conversation-unknown-kind"
	ReasonSlotTaken       = "conversation-slot-taken"
	ReasonAlreadyBooked   = "conversation-already-booked"
	ReasonSlotsOverlap    = "conversation-slots-overlap"
	ReasonSlotPassed      = "conversation-slot-passed"
	ReasonNoSuchSlot      = "conversation-no-such-slot"
	ReasonNoSuchGroup     = "conversation-no-such-group"
	ReasonNotInGroup      = "conversation-child-not-in-group"
	ReasonNotInRound      = "conversation-child-not-in-round"
	ReasonNotStaffOfUnit  = "conversation-not-staff-of-unit"
	ReasonPlaceOrLink     = "conversation-place-or-link"
	ReasonLinkNotHTTPS    = "conversation-link-not-https"
	ReasonBookByAfterSlot = "conversation-book-by-after-first-slot"
)

// ReasonTexts are the reason codes of this package and their English text
// for developers and logs, {name} standing for a parameter. Pages never
// show this text: an application writes the code in the user's language.
var ReasonTexts = map[string]string{
	ReasonRequired:        "required",
	ReasonTooLong:         "too long (at most {max})",
	ReasonOutOfRange:      "out of range ({min} to {max})",
	ReasonUnknownKind:     "not a kind of conversation",
	ReasonSlotTaken:       "the time is taken; choose another",
	ReasonAlreadyBooked:   "the child already has a booking in this round; move it instead",
	ReasonSlotsOverlap:    "two times overlap",
	ReasonSlotPassed:      "the time has passed",
	ReasonNoSuchSlot:      "no such time in this round",
	ReasonNoSuchGroup:     "no such group",
	ReasonNotInGroup:      "the child is not placed in the group",
	ReasonNotInRound:      "the child is not in this round",
	ReasonNotStaffOfUnit:  "only staff of the unit may do this",
	ReasonPlaceOrLink:     "give a place or a video link",
	ReasonLinkNotHTTPS:    "a video link starts with https://",
	ReasonBookByAfterSlot: "the last day to book is after the first time",
}
