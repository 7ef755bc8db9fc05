package attendance

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
	"a-documented-absence-is-health-or-guardian-reported":           "a documented absence is health or guardian-reported",
	"belongs-to-another-childs-list":                                "belongs to another child's list",
	"duty-overlaps":                                                 "the staff member is on the unit's duty roster at that time already",
	"grade-is-not-on-the-leaving-certificate-grades-to":             "grade {grade} is not on the leaving certificate (grades {certificateFrom} to {certificateTo})",
	"is-before-summerfrom":                                          "is before summerFrom",
	"is-in-the-future":                                              "{day} is in the future",
	"is-in-the-past-ask-the-unit-to-record-it":                      "is in the past; ask the unit to record it",
	"is-longer-than-bytes":                                          "is longer than {maxKeyLength} bytes",
	"is-not-a-kind-of-school-absence":                               "{kind} is not a kind of school absence",
	"is-not-documented-permission-or-undocumented":                  "{kind} is not documented, permission or undocumented",
	"is-not-in-or-out":                                              "{kind} is not in or out",
	"is-not-sick-holiday-leave-or-other":                            "{reason} is not sick, holiday, leave or other",
	"is-not-the-day-of-at-in-europe-oslo":                           "is not the day of at in Europe/Oslo",
	"is-required-at-check-out":                                      "is required at check-out",
	"longer-than":                                                   "is longer than {max} characters",
	"must-be-8-to-15-digits-optionally-starting-with":               "must be 8 to 15 digits, optionally starting with +",
	"must-be-a-time-of-day-hh-mm":                                   "must be a time of day HH:MM",
	"must-be-after-the-start":                                       "must be after the start",
	"must-be-from-0-the-whole-day-to":                               "must be from 0 (the whole day) to {maxLessonHours}",
	"must-be-from-0-to-weeks":                                       "must be from 0 to weeks",
	"must-be-on-the-day":                                            "must be on the day",
	"negative":                                                      "must not be negative",
	"no-staffing-norm-is-known-for":                                 "no staffing norm is known for {day}",
	"not-a-month-day":                                               "must be a month and day MM-DD",
	"not-at-unit":                                                   "the staff member has no unit role at the unit that day, so cannot be on its duty roster",
	"only-a-check-out-has-a-collector":                              "only a check-out has a collector",
	"out-of-range":                                                  "must be from {min} to {max}",
	"overlaps-absence":                                              "overlaps the absence reported for {start} to {end}",
	"permission-would-make-days-in-the-municipality-grants-at-most": "permission would make {count} days in {year}; the municipality grants at most {limit} ({source})",
	"required":                  "is required",
	"the-child-already-left-at": "the child already left at {time}",
	"the-child-has-no-placement-at-this-unit-on":        "the child has no placement at this unit on {day}",
	"the-child-has-not-been-checked-in-on":              "the child has not been checked in on {day}",
	"the-child-is-already-checked-in-since":             "the child is already checked in since {time}",
	"the-grades-must-be-a-range-within-1-to-13":         "the grades must be a range within 1 to 13",
	"the-municipality-has-no-holiday-rule":              "the municipality has no holiday rule",
	"the-pupil-has-no-school-placement-at-this-unit-on": "the pupil has no school placement at this unit on {day}",
	"time-in-the-future":                                "{time} is in the future",
	"unit-closed-that-day":                              "the unit is closed that day",
	"unit-time-of-day":                                  "{time} for unit {unit}: must be a time of day HH:MM",
	"was-used-for-another-event":                        "was used for another event",
}
