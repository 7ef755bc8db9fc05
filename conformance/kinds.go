package conformance

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// builtinKinds lists every kind this library evaluates, by its name in
// STANDARD.md. It builds a fresh map on each call: there is no global
// registry.
func builtinKinds() map[string]kindFunc {
	return map[string]kindFunc{
		"national-id":      evalNationalID,
		"kid":              evalKID,
		"right-to-place":   evalRightToPlace,
		"kindergarten-fee": evalKindergartenFee,
		"sfo-fee":          evalSFOFee,
		"allocation":       evalAllocation,
		"recipients":       evalRecipients,

		"special-education-deadline": evalSpecialEdDeadline,

		"basil":                 evalBASIL,
		"gsi":                   evalGSI,
		"nav-kindergarten-list": evalNAVList,

		"invoice-line":  evalInvoiceLine,
		"staffing-norm": evalOccupancy,

		"school-absence-summary": evalAbsenceSummary,
		"rule-table":             evalRuleTable,
	}
}

// nationalIDInput is the wire input of the national-id kind.
type nationalIDInput struct {
	Value *string `json:"value"`
	// Reading is "1964" (the default: STANDARD.md's rules, the 1964
	// computation alone) or "2032" (the 1964 and the 2032 computations
	// side by side, as Skatteetaten asks systems to read from 2032).
	Reading *string `json:"reading"`
}

// nationalIDOutput is the expect shape of the national-id kind.
// birthDate is present only when the number tells the century (SPEC.md
// 3.1); birthMonthDay ("--MM-DD") and birthYearDigits ("YY") are always
// present for a valid number.
type nationalIDOutput struct {
	Valid           bool   `json:"valid"`
	Type            string `json:"type,omitempty"`
	BirthDate       string `json:"birthDate,omitempty"`
	Synthetic       *bool  `json:"synthetic,omitempty"`
	Rule            string `json:"rule,omitempty"`
	BirthMonthDay   string `json:"birthMonthDay,omitempty"`
	BirthYearDigits string `json:"birthYearDigits,omitempty"`
}

// evalNationalID evaluates the national-id kind (domain.ParseNationalID).
// By the default reading ("1964") a number is valid only as STANDARD.md
// says: the 1964 computation accepts its first check digit and the 1964
// century table gives a year in which the date exists. By the "2032"
// reading both computations are read side by side (SPEC.md 3.1). A value
// that is not a valid number is {"valid": false}, never an error; only a
// malformed input (an unknown field, a "value" that is absent, null or not
// a JSON string, an unknown reading) is invalid-input.
func evalNationalID(input json.RawMessage) (any, error) {
	var in nationalIDInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	if in.Value == nil {
		return nil, invalid("value", "is required")
	}
	both := false
	if in.Reading != nil {
		switch *in.Reading {
		case "1964":
		case "2032":
			both = true
		default:
			return nil, invalid("reading", `must be "1964" or "2032"`)
		}
	}
	id, err := domain.ParseNationalID(*in.Value)
	if err != nil || !both && !id.Valid1964() {
		return nationalIDOutput{Valid: false}, nil
	}
	synthetic := id.Synthetic()
	m, d := id.BirthMonthDay()
	out := nationalIDOutput{
		Valid:           true,
		Type:            string(id.Type()),
		Synthetic:       &synthetic,
		Rule:            string(id.Rule()),
		BirthMonthDay:   fmt.Sprintf("--%02d-%02d", int(m), d),
		BirthYearDigits: fmt.Sprintf("%02d", id.BirthYearDigits()),
	}
	if b := id.BirthDate(); b != date.Zero {
		out.BirthDate = b.Format("2006-01-02")
	}
	return out, nil
}

// recipientsInput is the wire input of the recipients kind.
type recipientsInput struct {
	Audience  *string            `json:"audience"`
	Child     *recipientsChild   `json:"child"`
	Guardians *[]recipientsGuard `json:"guardians"`
}

type recipientsChild struct {
	AddressProtection *string `json:"addressProtection"`
}

type recipientsGuard struct {
	ID                     *string `json:"id"`
	ParentalResponsibility bool    `json:"parentalResponsibility"`
	InformationRequested   bool    `json:"informationRequested"`
	InformationDenied      bool    `json:"informationDenied"`
	AddressProtection      *string `json:"addressProtection"`
}

// recipientsOutput is the expect shape of the recipients kind.
type recipientsOutput struct {
	Recipients         []recipientOutput `json:"recipients"`
	RevealChildAddress bool              `json:"revealChildAddress"`
}

type recipientOutput struct {
	ID              string `json:"id"`
	Channel         string `json:"channel"`
	HideWhereabouts bool   `json:"hideWhereabouts"`
}

// evalRecipients evaluates the recipients kind with messaging.Resolve.
// "audience", "child" and "guardians" are required ("guardians" may be
// empty), as is every guardian's "id"; the booleans default to false and an
// absent "addressProtection" means "none". An explicitly empty
// addressProtection string is refused: the wire names the level.
func evalRecipients(input json.RawMessage) (any, error) {
	var in recipientsInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	if in.Audience == nil {
		return nil, invalid("audience", "is required")
	}
	if in.Child == nil {
		return nil, invalid("child", "is required")
	}
	if in.Guardians == nil {
		return nil, invalid("guardians", "is required")
	}
	childP, err := wireProtection(in.Child.AddressProtection, "child.addressProtection")
	if err != nil {
		return nil, err
	}
	cands := make([]messaging.Candidate, len(*in.Guardians))
	for i, g := range *in.Guardians {
		field := "guardians[" + strconv.Itoa(i) + "]"
		if g.ID == nil {
			return nil, invalid(field+".id", "is required")
		}
		p, err := wireProtection(g.AddressProtection, field+".addressProtection")
		if err != nil {
			return nil, err
		}
		cands[i] = messaging.Candidate{
			ID: *g.ID,
			Relation: domain.Guardianship{
				ParentalResponsibility: g.ParentalResponsibility,
				InformationRequested:   g.InformationRequested,
				InformationDenied:      g.InformationDenied,
			},
			Protection: p,
		}
	}
	res, err := messaging.Resolve(messaging.Audience(*in.Audience), childP, cands)
	if err != nil {
		return nil, errorFrom(err)
	}
	out := recipientsOutput{
		Recipients:         make([]recipientOutput, len(res.Recipients)),
		RevealChildAddress: res.RevealChildAddress,
	}
	for i, r := range res.Recipients {
		out.Recipients[i] = recipientOutput{ID: r.ID, Channel: string(r.Channel), HideWhereabouts: r.HideWhereabouts}
	}
	return out, nil
}

// wireProtection reads an address protection level: absent or null is
// "none", the empty string is refused.
func wireProtection(s *string, field string) (domain.AddressProtection, error) {
	if s == nil {
		return domain.ProtectionNone, nil
	}
	if *s == "" {
		return "", invalid(field, "must be none, fortrolig, strengt-fortrolig or strengt-fortrolig-utland")
	}
	p, err := domain.ParseAddressProtection(*s)
	if err != nil {
		return "", invalid(field, reasonOf(err))
	}
	return p, nil
}
