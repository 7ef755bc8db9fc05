package admission

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

var isoDate = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

func letterTemplate() domain.LetterTemplate {
	return domain.LetterTemplate{Municipality: domain.MustMunicipality("0301"), SenderName: "Eksempel kommune, oppvekst",
		SenderLines: []string{"Postboks 1", "0101 Oslo"}, OrgNumber: "974770482", Contact: "post@eksempel.kommune.no",
		AppealBody: "Statsforvalteren i Oslo og Viken",
		Opening:    map[string]string{"nb": "Takk for søknaden.", "nn": "Takk for søknaden.", "en": "Thank you for applying."},
		Closing:    map[string]string{"nb": "Med vennlig hilsen", "nn": "Med venleg helsing", "en": "Kind regards"}}
}

func guardianParty() domain.Party {
	return domain.Party{Name: "Kari Nordmann", Lines: []string{"Storgata 1", "0155 Oslo"}}
}

// admissionDecisions are a decision of each outcome: a place offered in
// the main round, no place (the waiting list), a seat offered later from
// the waiting list, each made 6 December 2026.
func admissionDecisions(t *testing.T) map[string]Decision {
	decided := date.New(2026, time.December, 6)
	rules, err := NationalDecisionRules(decided)
	require.NoError(t, err)
	base := Decision{ChildName: "Sara Nordmann", Intake: "Hovedopptak 2027", Kind: domain.Kindergarten, Decided: decided,
		AppealBy: decided.AddDate(0, 0, rules.AppealDays), Rules: rules, DecidedBy: "Siri Saksbehandler",
		Criteria: []Criterion{Statutory, Sibling}, Group: domain.Large}
	place := base
	place.UnitName, place.Rank, place.Start = "Solsikken barnehage", 1, date.New(2027, time.August, 16)
	refusal := base
	refusal.ReasonsDue = true
	refusal.Reasons = []Comparison{
		{Unit: "Solsikken barnehage", Rank: 1, Seats: 3, Last: &Priority{Holds: []bool{false, true}, Tiebreak: 12}, Own: Priority{Holds: []bool{false, false}, Tiebreak: 40}, DecidedBy: Sibling},
		{Unit: "Løvetann barnehage", Rank: 2},
	}
	later := base
	later.Later, later.UnitName, later.Rank, later.Start = true, "Løvetann barnehage", 2, date.New(2027, time.January, 4)
	return map[string]Decision{"place": place, "refusal": refusal, "later": later}
}

// mandatory checks the parts every decision letter must have in l.
func mandatory(t *testing.T, doc domain.Document, l Lang, appealBy date.Date, basis string) {
	t.Helper()
	text := doc.Text()
	assert.Equal(t, string(l), doc.Lang)
	assert.Contains(t, text, basis, "legal basis named")
	assert.Contains(t, text, pick(l, "Du kan klage på vedtaket", "Du kan klage på vedtaket", "You may appeal this decision"), "right to appeal")
	assert.Contains(t, text, pick(l, "tre uker fra den dagen du mottok", "tre veker frå den dagen du fekk", "three weeks from the day you received"), "deadline as the law puts it")
	assert.Contains(t, text, domain.LongDate(appealBy, string(l)), "deadline date written out")
	assert.Contains(t, text, "Statsforvalteren i Oslo og Viken", "where the appeal goes")
	assert.Contains(t, text, pick(l, "§ 32", "§ 32", "section 32"), "the appeal is sent to the municipality")
	assert.Contains(t, text, pick(l, "rett til å se dokumentene i saken, jf. forvaltningsloven § 18, med unntakene i § 19",
		"rett til å sjå dokumenta i saka, jf. forvaltningslova § 18, med unntaka i § 19", "right to see the documents of the case (the Public Administration Act (forvaltningsloven) section 18, with the exceptions in section 19)"), "access to the case documents")
	assert.Contains(t, text, pick(l, "forvaltningsloven §§ 24 og 25", "forvaltningslova §§ 24 og 25", "sections 24 and 25"), "reasons")
	assert.Equal(t, []string{"Siri Saksbehandler", pick(l, "saksbehandler", "saksbehandlar", "caseworker"), "Eksempel kommune, oppvekst"}, doc.Signature, "caseworker name and role")
	assert.Contains(t, text, pick(l, "Saksbehandler: Siri Saksbehandler", "Saksbehandlar: Siri Saksbehandler", "Caseworker: Siri Saksbehandler"))
	assert.Contains(t, text, domain.LongDate(doc.Date, string(l)), "date written out")
	assert.Contains(t, text, pick(l, "Takk for søknaden.", "Takk for søknaden.", "Thank you for applying."), "the template's opening")
	assert.Contains(t, text, pick(l, "Med vennlig hilsen", "Med venleg helsing", "Kind regards"), "the template's closing")
	assert.Contains(t, doc.Footer, pick(l, "Org.nr. ", "Org.nr. ", "Org. no. ")+"974770482")
	assert.Contains(t, doc.Footer, "post@eksempel.kommune.no")
	assert.False(t, isoDate.MatchString(text), "no ISO date in\n%s", text)
	assert.Equal(t, []string{"Storgata 1", "0155 Oslo"}, doc.Recipient.Lines)
}

func TestDecisionLetterOutcomes(t *testing.T) {
	for outcome, d := range admissionDecisions(t) {
		for _, l := range Langs() {
			t.Run(outcome+"/"+string(l), func(t *testing.T) {
				doc := d.Letter(l, letterTemplate(), guardianParty())
				mandatory(t, doc, l, d.AppealBy, pick(l, "barnehageloven §§ 16–18", "barnehagelova §§ 16–18", "the Kindergarten Act (barnehageloven) sections 16 to 18"))
				text := doc.Text()
				assert.Equal(t, pick(l, "Vedtak om barnehageplass", "Vedtak om barnehageplass", "Decision on a kindergarten place"), doc.Title)
				assert.Contains(t, text, domain.LongDate(date.New(2026, time.December, 27), string(l)), "six December plus three weeks")
				switch outcome {
				case "place":
					assert.Contains(t, text, domain.LongDate(d.Start, string(l)))
					assert.Contains(t, text, "Solsikken barnehage")
				case "refusal":
					assert.Contains(t, text, pick(l, "venteliste", "venteliste", "waiting list"))
					assert.Contains(t, text, pick(l, "1. valg Solsikken barnehage", "1. val Solsikken barnehage", "Choice 1 Solsikken barnehage"), "the comparison with the last child admitted")
					assert.Contains(t, text, pick(l, "2. valg Løvetann barnehage: ingen plasser", "2. val Løvetann barnehage: ingen plassar", "Choice 2 Løvetann barnehage: no seats"))
				case "later":
					assert.Contains(t, text, pick(l, "fra ventelisten", "frå ventelista", "from the waiting list"))
					assert.Contains(t, text, domain.LongDate(d.Start, string(l)))
				}
			})
		}
	}
}

func TestDecisionLetterProtectedAddress(t *testing.T) {
	d := admissionDecisions(t)["place"]
	to := guardianParty()
	to.DigitalMailbox = true
	doc := d.Letter(Bokmal, letterTemplate(), to)
	assert.Empty(t, doc.Recipient.Lines)
	assert.True(t, doc.Recipient.DigitalMailbox)
	assert.NotContains(t, doc.Text(), "Storgata")
}

func TestDecisionLetterWithoutTemplate(t *testing.T) {
	d := admissionDecisions(t)["refusal"]
	d.DecidedBy = ""
	doc := d.Letter(Nynorsk, domain.LetterTemplate{}, guardianParty())
	text := doc.Text()
	assert.Contains(t, text, "klageinstansen", "an appeal body even when the template names none")
	assert.Contains(t, text, "barnehagelova §§ 16–18")
	assert.Equal(t, []string{"Kommunen"}, doc.Footer)
}

func TestSchoolLetters(t *testing.T) {
	m := domain.MustMunicipality("0301")
	in := Intake{Name: "Skolestart 2027", AdmissionYear: 2027, Kind: domain.School}
	registered := time.Date(2026, time.December, 6, 10, 0, 0, 0, domain.Oslo())
	st := SchoolStarter{Municipality: m, Registered: registered, RegisteredBy: "Siri Saksbehandler"}
	start, err := NewSchoolStartLetter(st, "Sara Nordmann", in, "Bakken skole")
	require.NoError(t, err)
	req := SchoolRequest{Municipality: m, Reason: "Storesøster går der.", Decision: RequestGranted, Decided: registered, DecidedBy: "Siri Saksbehandler"}
	granted, err := NewSchoolChangeLetter(req, "Sara Nordmann", in, "Haugen skole", "Bakken skole")
	require.NoError(t, err)
	req.Decision, req.DecisionReason = RequestRefused, "Haugen skole har ikke plass på 1. trinn."
	refused, err := NewSchoolChangeLetter(req, "Sara Nordmann", in, "Haugen skole", "Bakken skole")
	require.NoError(t, err)
	_, err = NewSchoolChangeLetter(SchoolRequest{}, "Sara Nordmann", in, "Haugen skole", "Bakken skole")
	require.Error(t, err, "an open request has no letter")

	appealBy := date.New(2026, time.December, 27)
	for name, sl := range map[string]SchoolLetter{"start": start, "granted": granted, "refused": refused} {
		for _, l := range Langs() {
			t.Run(name+"/"+string(l), func(t *testing.T) {
				doc := sl.Letter(l, letterTemplate(), guardianParty())
				basis := pick(l, "opplæringslova §§ 2-1 og 2-6", "opplæringslova §§ 2-1 og 2-6", "sections 2-1 and 2-6")
				if name != "start" {
					basis = pick(l, "etter opplæringslova § 2-6.", "etter opplæringslova § 2-6.", "(opplæringslova) section 2-6.")
				}
				mandatory(t, doc, l, appealBy, basis)
				text := doc.Text()
				assert.Contains(t, text, pick(l, "august 2027", "august 2027", "August 2027"))
				switch name {
				case "start":
					assert.Contains(t, text, "Bakken skole")
				case "granted":
					assert.Contains(t, text, "Haugen skole")
					assert.Contains(t, text, "Storesøster går der.")
				case "refused":
					assert.Contains(t, text, "Haugen skole har ikke plass på 1. trinn.")
					assert.Contains(t, text, "Bakken skole")
				}
				assert.True(t, strings.Contains(doc.Title, pick(l, "Vedtak", "Vedtak", "Decision")))
			})
		}
	}
}
