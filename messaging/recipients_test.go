package messaging_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

func cand(id string, pr, req, den bool, prot domain.AddressProtection) messaging.Candidate {
	return messaging.Candidate{
		ID: id,
		Relation: domain.Guardianship{
			ParentalResponsibility: pr,
			InformationRequested:   req,
			InformationDenied:      den,
		},
		Protection: prot,
	}
}

func TestResolve(t *testing.T) {
	none := domain.ProtectionNone
	tests := []struct {
		name      string
		audience  messaging.Audience
		child     domain.AddressProtection
		guardians []messaging.Candidate
		want      []messaging.Recipient
		reveal    bool
		reasons   []messaging.Reason
	}{
		{"responsibility receives", messaging.AudienceChild, none,
			[]messaging.Candidate{cand("g1", true, false, false, none)},
			[]messaging.Recipient{{ID: "g1", Channel: messaging.ChannelAny}}, true,
			[]messaging.Reason{messaging.ReasonParentalResponsibility}},
		{"denied excludes even with responsibility", messaging.AudienceChild, none,
			[]messaging.Candidate{cand("g1", true, false, true, none)},
			[]messaging.Recipient{}, true,
			[]messaging.Reason{messaging.ReasonInformationDenied}},
		{"request without responsibility, child message", messaging.AudienceChild, none,
			[]messaging.Candidate{cand("g1", false, true, false, none)},
			[]messaging.Recipient{{ID: "g1", Channel: messaging.ChannelAny}}, true,
			[]messaging.Reason{messaging.ReasonInformationRequested}},
		{"request without responsibility, group bulletin", messaging.AudienceGroup, none,
			[]messaging.Candidate{cand("g1", false, true, false, none)},
			[]messaging.Recipient{}, true,
			[]messaging.Reason{messaging.ReasonGroupBulletin}},
		{"no request", messaging.AudienceChild, none,
			[]messaging.Candidate{cand("g1", false, false, false, none)},
			[]messaging.Recipient{}, true,
			[]messaging.Reason{messaging.ReasonNoRequest}},
		{"request denied", messaging.AudienceChild, none,
			[]messaging.Candidate{cand("g1", false, true, true, none)},
			[]messaging.Recipient{}, true,
			[]messaging.Reason{messaging.ReasonInformationDenied}},
		{"strict guardian gets the protected channel, sorted", messaging.AudienceGroup, domain.ProtectionFortrolig,
			[]messaging.Candidate{
				cand("g3", true, false, false, domain.ProtectionStrengtFortroligUtland),
				cand("g2", true, false, false, domain.ProtectionFortrolig),
				cand("g1", true, false, false, domain.ProtectionStrengtFortrolig),
			},
			[]messaging.Recipient{{ID: "g1", Channel: messaging.ChannelProtected}, {ID: "g2", Channel: messaging.ChannelAny},
				{ID: "g3", Channel: messaging.ChannelAny}}, false,
			[]messaging.Reason{messaging.ReasonParentalResponsibility, messaging.ReasonParentalResponsibility, messaging.ReasonParentalResponsibility}},
		{"strengt fortrolig utland: no address here to hide (STANDARD: true otherwise)", messaging.AudienceChild, domain.ProtectionStrengtFortroligUtland,
			nil, []messaging.Recipient{}, true, []messaging.Reason{}},
		{"empty protection means none", messaging.AudienceChild, "",
			[]messaging.Candidate{cand("g1", true, false, false, "")},
			[]messaging.Recipient{{ID: "g1", Channel: messaging.ChannelAny}}, true,
			[]messaging.Reason{messaging.ReasonParentalResponsibility}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := messaging.Resolve(tt.audience, tt.child, tt.guardians)
			require.NoError(t, err)
			assert.Equal(t, tt.want, res.Recipients)
			assert.Equal(t, tt.reveal, res.RevealChildAddress)
			got := []messaging.Reason{}
			for _, d := range res.Explanation.Guardians {
				got = append(got, d.Reason)
			}
			assert.Equal(t, tt.reasons, got)
		})
	}
}

func TestResolveDoesNotReorderInput(t *testing.T) {
	in := []messaging.Candidate{cand("b", true, false, false, ""), cand("a", true, false, false, "")}
	_, err := messaging.Resolve(messaging.AudienceChild, "", in)
	require.NoError(t, err)
	assert.Equal(t, "b", in[0].ID)
}

func TestResolveInvalid(t *testing.T) {
	ok := []messaging.Candidate{cand("g1", true, false, false, "")}
	tests := []struct {
		name      string
		audience  messaging.Audience
		child     domain.AddressProtection
		guardians []messaging.Candidate
		field     string
	}{
		{"unknown audience", "school", "", ok, "audience"},
		{"unknown child protection", messaging.AudienceChild, "hemmelig", ok, "child.addressProtection"},
		{"unknown guardian protection", messaging.AudienceChild, "", []messaging.Candidate{cand("g1", true, false, false, "x")}, "guardians[0].addressProtection"},
		{"empty id", messaging.AudienceChild, "", []messaging.Candidate{cand("", true, false, false, "")}, "guardians[0].id"},
		{"repeated id", messaging.AudienceChild, "", append(ok, cand("g1", false, true, false, "")), "guardians[1].id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := messaging.Resolve(tt.audience, tt.child, tt.guardians)
			require.ErrorIs(t, err, domain.ErrInvalid)
			assert.Equal(t, tt.field, domain.FieldOf(err))
		})
	}
}

func TestRender(t *testing.T) {
	res, err := messaging.Resolve(messaging.AudienceGroup, domain.ProtectionStrengtFortrolig, []messaging.Candidate{
		cand("mor", true, false, false, domain.ProtectionStrengtFortrolig),
		cand("far", false, true, false, ""),
	})
	require.NoError(t, err)
	tests := map[messaging.Language][]string{
		messaging.Bokmal: {
			"Barnet har adressesperre: adressen vises ikke for mottakerne.",
			"far mottar ikke: meldinger til hele gruppen går bare til dem som har foreldreansvar.",
			"mor mottar: har foreldreansvar (barneloven § 30).",
			"mor har strengt fortrolig adresse: bare digital postkasse, ikke SMS eller e-post.",
		},
		messaging.Nynorsk: {
			"Barnet har adressesperre: adressa blir ikkje vist for mottakarane.",
			"far får ikkje meldinga: meldingar til heile gruppa går berre til dei som har foreldreansvar.",
			"mor får meldinga: har foreldreansvar (barnelova § 30).",
			"mor har strengt fortruleg adresse: berre digital postkasse, ikkje SMS eller e-post.",
		},
		messaging.English: {
			"The child's address is protected: it is not shown to recipients.",
			"far does not receive: bulletins to the whole group go only to those with parental responsibility.",
			"mor receives: has parental responsibility (Children Act § 30).",
			"mor has a strictly confidential address: digital mailbox only, no SMS or e-mail.",
		},
	}
	for lang, want := range tests {
		t.Run(string(lang), func(t *testing.T) {
			assert.Equal(t, want, res.Explanation.Render(lang))
		})
	}
	assert.Equal(t, tests[messaging.Bokmal], res.Explanation.Render("de"), "unknown language falls back to bokmål")
}

func TestParseAudience(t *testing.T) {
	a, err := messaging.ParseAudience("group")
	require.NoError(t, err)
	assert.Equal(t, messaging.AudienceGroup, a)
	_, err = messaging.ParseAudience("Group")
	assert.ErrorIs(t, err, domain.ErrInvalid)
}

func ExampleResolve() {
	res, err := messaging.Resolve(messaging.AudienceChild, domain.ProtectionNone, []messaging.Candidate{
		{ID: "mor", Relation: domain.Guardianship{ParentalResponsibility: true}, Protection: domain.ProtectionStrengtFortrolig},
		{ID: "far", Relation: domain.Guardianship{InformationRequested: true}},
		{ID: "bonusfar", Relation: domain.Guardianship{}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res.Recipients {
		fmt.Println(r.ID, r.Channel)
	}
	fmt.Println("reveal child's address:", res.RevealChildAddress)
	for _, line := range res.Explanation.Render(messaging.Bokmal) {
		fmt.Println(line)
	}
	// Output:
	// far any
	// mor protected
	// reveal child's address: true
	// Barnets adresse kan vises for mottakerne.
	// bonusfar mottar ikke: har ikke foreldreansvar og har ikke bedt om informasjon (barneloven § 47).
	// far mottar: har ikke foreldreansvar, men har bedt om informasjon om barnet (barneloven § 47).
	// mor mottar: har foreldreansvar (barneloven § 30).
	// mor har strengt fortrolig adresse: bare digital postkasse, ikke SMS eller e-post.
}
