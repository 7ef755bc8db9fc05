package messaging

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
)

// Audience says what a message is about, which decides who may receive it.
type Audience string

const (
	// AudienceChild is a message about one child: an absence, an incident,
	// a conversation with the guardians.
	AudienceChild Audience = "child"
	// AudienceGroup is a bulletin to the child's group or class.
	AudienceGroup Audience = "group"
)

// ParseAudience accepts "child" and "group".
func ParseAudience(s string) (Audience, error) {
	switch a := Audience(s); a {
	case AudienceChild, AudienceGroup:
		return a, nil
	}
	return "", domain.Invalid("audience", "must-be-child-or-group")
}

// Channel says how a recipient may be reached.
type Channel string

const (
	// ChannelAny allows every channel: SMS, e-mail, the app, the digital
	// mailbox.
	ChannelAny Channel = "any"
	// ChannelProtected allows the digital mailbox only: no SMS or e-mail to
	// contact details on file, which could reveal a strictly protected
	// address.
	ChannelProtected Channel = "protected"
)

// Candidate is one guardian of the child, as far as recipient resolution
// needs to know: an identifier, the guardianship (parental responsibility
// and barneloven § 47 request and denial) and the guardian's own address
// protection. Only the three flags of Relation are read.
type Candidate struct {
	// ID identifies the guardian in the result; unique among the candidates.
	ID string
	// Relation is the guardian's relation to the child.
	Relation domain.Guardianship
	// Protection is the guardian's own address protection; "" means none.
	Protection domain.AddressProtection
}

// Recipient is a guardian who receives the message, and how.
type Recipient struct {
	ID      string
	Channel Channel
	// HideWhereabouts: the recipient must learn nothing of where the child
	// is (domain.Guardianship.HidesWhereabouts): no unit, group, staff
	// name or time of day in what is sent to or shown to this guardian.
	HideWhereabouts bool
}

// Resolution is the answer of Resolve: who receives the message, whether the
// child's address may be shown to them, and why.
type Resolution struct {
	// Recipients are sorted by ID; never nil.
	Recipients []Recipient
	// RevealChildAddress is false when the child has any address protection
	// other than none.
	RevealChildAddress bool
	// Explanation says, for the child and for every guardian, which rule
	// decided.
	Explanation Explanation
}

// Reason is a rule that decided part of a resolution.
type Reason string

// Reasons for including or excluding a guardian, choosing a channel and
// revealing the child's address.
const (
	// ReasonParentalResponsibility: the guardian has parental
	// responsibility (barneloven § 30) and receives.
	ReasonParentalResponsibility Reason = "parental-responsibility"
	// ReasonInformationDenied: the unit has decided that information would
	// harm the child (barneloven § 47 second paragraph); the guardian does
	// not receive, with or without parental responsibility.
	ReasonInformationDenied Reason = "information-denied"
	// ReasonInformationRequested: a parent without parental responsibility
	// has asked for information (barneloven § 47) and receives messages
	// about the child.
	ReasonInformationRequested Reason = "information-requested"
	// ReasonNoRequest: a parent without parental responsibility who has not
	// asked for information does not receive.
	ReasonNoRequest Reason = "no-request"
	// ReasonGroupBulletin: a parent without parental responsibility never
	// receives bulletins to the group, even on request.
	ReasonGroupBulletin Reason = "group-bulletin"
	// ReasonProtectedChannel: the guardian's own address is strengt fortrolig
	// (in Norway or abroad); only the digital mailbox may be used.
	ReasonProtectedChannel Reason = "protected-channel"
	// ReasonChildProtected: the child's address is protected and must not be
	// shown to recipients.
	ReasonChildProtected Reason = "child-address-protected"
	// ReasonChildNotProtected: the child has no address protection.
	ReasonChildNotProtected Reason = "child-address-not-protected"
	// ReasonWhereaboutsHidden: the child's address is strengt fortrolig
	// (in Norway or abroad) and the recipient has no parental
	// responsibility: nothing sent to this recipient tells where the child
	// is (no unit, group, staff name or time of day).
	ReasonWhereaboutsHidden Reason = "whereabouts-hidden"
)

// GuardianDecision explains the outcome for one guardian.
type GuardianDecision struct {
	ID       string
	Included bool
	// Reason is the rule that included or excluded the guardian.
	Reason Reason
	// Channel is set for included guardians.
	Channel Channel
	// HideWhereabouts is set for included guardians who must learn nothing
	// of where the child is.
	HideWhereabouts bool
}

// Explanation is the data behind a resolution, in the order of the input
// guardians sorted by ID.
type Explanation struct {
	Audience        Audience
	ChildProtection domain.AddressProtection
	// Child is ReasonChildProtected or ReasonChildNotProtected.
	Child     Reason
	Guardians []GuardianDecision
}

// Resolve decides who receives a message with the given audience about a
// child with the given address protection (barneloven §§ 30 and 47, the
// Folkeregister's address protection):
//
//   - a guardian with parental responsibility receives, unless information
//     is denied;
//   - a parent without parental responsibility receives messages about the
//     child (AudienceChild) only when information is requested and not
//     denied, and never group bulletins;
//   - a recipient whose own protection is strengt fortrolig is reached on
//     ChannelProtected only, everyone else on ChannelAny;
//   - the child's address is withheld when the child's protection is
//     fortrolig or strengt fortrolig, and revealed otherwise;
//   - a recipient without parental responsibility (a § 47 request) of a
//     child whose protection is strengt fortrolig, in Norway or abroad,
//     gets HideWhereabouts: what is sent to or shown to that recipient
//     names no unit, group or staff and no time of day (see the domain
//     package, "Whereabouts").
//
// Strengt fortrolig utland is, as the standard says, neither: such a
// person's address is abroad and not held by the municipality, so there is
// nothing here to reveal or to send to.
//
// Recipients are sorted by ID. An unknown audience or protection level, an
// empty or repeated guardian ID is a *domain.ValidationError naming the field
// ("audience", "child.addressProtection", "guardians[1].id").
func Resolve(audience Audience, child domain.AddressProtection, guardians []Candidate) (Resolution, error) {
	var p domain.Problems
	if _, err := ParseAudience(string(audience)); err != nil {
		p.Merge("", err)
	}
	childP, err := domain.ParseAddressProtection(string(child))
	if err != nil {
		p.Add("child.addressProtection", reasonText(err))
	}
	seen := make(map[string]int, len(guardians))
	for i, g := range guardians {
		field := fmt.Sprintf("guardians[%d]", i)
		switch _, dup := seen[g.ID]; {
		case g.ID == "":
			p.Add(field+".id", "required")
		case dup:
			p.Add(field+".id", "repeats-guardians-id", "index", fmt.Sprint(seen[g.ID]))
		default:
			seen[g.ID] = i
		}
		if _, err := domain.ParseAddressProtection(string(g.Protection)); err != nil {
			p.Add(field+".addressProtection", reasonText(err))
		}
	}
	if err := p.Err(); err != nil {
		return Resolution{}, err
	}

	sorted := slices.Clone(guardians)
	slices.SortFunc(sorted, func(a, b Candidate) int { return strings.Compare(a.ID, b.ID) })

	res := Resolution{
		Recipients:         []Recipient{},
		RevealChildAddress: !hidesAddress(childP),
		Explanation: Explanation{
			Audience:        audience,
			ChildProtection: childP,
			Child:           ReasonChildNotProtected,
			Guardians:       make([]GuardianDecision, 0, len(sorted)),
		},
	}
	if hidesAddress(childP) {
		res.Explanation.Child = ReasonChildProtected
	}
	for _, g := range sorted {
		d := decide(audience, g)
		if d.Included {
			d.HideWhereabouts = g.Relation.HidesWhereabouts(childP)
			res.Recipients = append(res.Recipients, Recipient{ID: g.ID, Channel: d.Channel, HideWhereabouts: d.HideWhereabouts})
		}
		res.Explanation.Guardians = append(res.Explanation.Guardians, d)
	}
	return res, nil
}

// hidesAddress reports whether a child's protection withholds its address.
func hidesAddress(p domain.AddressProtection) bool {
	return p == domain.ProtectionFortrolig || p == domain.ProtectionStrengtFortrolig
}

// decide applies the rules to one guardian.
func decide(audience Audience, g Candidate) GuardianDecision {
	d := GuardianDecision{ID: g.ID}
	r := g.Relation
	switch {
	case r.InformationDenied:
		d.Reason = ReasonInformationDenied
	case r.ParentalResponsibility:
		d.Included, d.Reason = true, ReasonParentalResponsibility
	case audience == AudienceGroup:
		d.Reason = ReasonGroupBulletin
	case r.InformationRequested:
		d.Included, d.Reason = true, ReasonInformationRequested
	default:
		d.Reason = ReasonNoRequest
	}
	if d.Included {
		d.Channel = ChannelAny
		if g.Protection == domain.ProtectionStrengtFortrolig {
			d.Channel = ChannelProtected
		}
	}
	return d
}

func reasonText(err error) string {
	if v, ok := err.(*domain.ValidationError); ok && len(v.Fields) > 0 {
		return v.Fields[0].Reason
	}
	return domain.ReasonRefused
}
