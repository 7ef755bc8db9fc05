package messaging

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
	ReasonMediumReserved:                           "the guardian has reserved against digital communication in the contact register: the digital mailbox only",
	"contents-erased":                              "its contents were erased after delivery (retention); it cannot be sent again",
	"has-not-failed":                               "has not failed: only a delivery given up or answered with a failure can be retried",
	"is-delivered":                                 "is delivered already",
	"is-required-at-most-100-bytes":                "is required, at most 100 bytes",
	"must-be-a-medium":                             "must be email, sms, webhook, digital-mailbox or archive",
	"must-be-from-1-to-200":                        "must be from 1 to 200",
	"must-be-pending-sent-or-dead":                 "must be pending, sent or dead",
	"no-such-delivery":                             "no such delivery",
	"a-guardian-cannot-send-a-bulletin":            "a guardian cannot send a bulletin",
	"a-new-delivery-is-pending":                    "a new delivery is pending",
	"a-new-receipt-is-awaiting":                    "a new receipt is awaiting its answer",
	"empty":                                        "must not be empty",
	"is-a-bulletin-it-takes-no-replies":            "is a bulletin: it takes no replies",
	"is-bytes-more-than-the-limit-of":              "is {count} bytes, more than the limit of {maxAttachmentBytes}",
	"is-longer-than-characters":                    "is longer than {maxBody} characters",
	"is-not-an-allowed-type":                       "{contentType} is not an allowed type ({join})",
	"is-not-an-outcome":                            "{state} is not an outcome",
	"is-required-and-may-not-contain-a-path":       "is required and may not contain a path",
	"is-required-at-most-300-bytes":                "is required, at most 300 bytes",
	"longer-than":                                  "is longer than {max} characters",
	"more-than-attachments":                        "more than {maxAttachments} attachments",
	"must-be-child-group-unit-or-municipality":     "must be child, group, unit or municipality",
	"must-be-child-or-group":                       "must be child or group",
	"must-be-email-sms-webhook-or-digital-mailbox": "must be email, sms, webhook or digital-mailbox",
	"must-be-nb-nn-or-en":                          "must be nb, nn or en",
	"must-name-a-guardian-of-this-thread":          "must name a guardian of this thread",
	"no-guardian-may-receive-this-message":         "no guardian may receive this message",
	"no-such-child":                                "no such child",
	"no-such-group":                                "no such group",
	"no-such-guardian":                             "no such guardian",
	"no-such-staff-member":                         "no such staff member",
	"staff-has-no-work-address":                    "the staff member has no work e-mail address",
	"one-guardian-or-one-staff-member":             "a delivery goes to one guardian or one staff member",
	"no-such-unit":                                 "no such unit",
	"repeats-guardians-id":                         "repeats guardians[{index}].id",
	"required":                                     "is required",
	ReasonQuietMinutes:                             "must be a time of day",
	ReasonQuietOutside:                             "must lie within the municipality's quiet hours ({quiet})",
	ReasonUnknownZone:                              "is not a known time zone",
	ReasonUnreadAfter:                              "must be from 1 to 1440 minutes",
	ReasonUrgentStaffOnly:                          "only staff of the unit send urgent messages, to the children of their unit",
	"the-first-message-belongs-to-another-thread":  "the first message belongs to another thread",
}
