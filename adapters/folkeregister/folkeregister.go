// Package folkeregister is the population register adapter: it implements
// domain.Registry by speaking Skatteetaten's Folkeregister API, the
// consumer services of the rights package "offentlig med hjemmel"
// (public bodies whose own law gives them the right to register data, as
// the Education Act and the Kindergarten Act give a municipality).
//
// Two services are used, as Skatteetaten documents them:
//
//   - Oppslag (lookup): GET {base}/personer/{folkeregisteridentifikator}
//     returns the person document (JSON): identifikasjonsnummer, navn,
//     foedsel, bostedsadresse (vegadresse or matrikkeladresse, with
//     poststed and kommunenummer), deltBosted, adressebeskyttelse
//     (graderingsnivaa ugradert, fortrolig, strengtFortrolig,
//     strengtFortroligUtland), familierelasjon (relatertPerson,
//     relatertPersonsRolle mor/far/medmor/barn), foreldreansvar (ansvar
//     felles/mor/far/medmor/andre, ansvarlig, ansvarssubjekt) and
//     doedsfall (doedsdato). Every element is a list of versions; the one
//     with erGjeldende true is current.
//   - Hendelsesliste (event feed): GET {base}/hendelser/feed?seq={n} returns
//     the events from sequence number n: a JSON list of {sekvensnummer,
//     hendelse: {folkeregisteridentifikator, hendelsestype,
//     hendelsesdokument, persondokument, ajourholdstidspunkt}}, a page of at
//     most 1000. The consumer keeps its own pointer into the feed; here that
//     is the store's registry position (domain.RegistryStore).
//
// Authentication is a Maskinporten access token for the scope
// "skatteetaten:medhjemmel", sent as "Authorization: Bearer <token>";
// Options.Token supplies it (this package does not talk to Maskinporten).
// Error responses carry {"kode", "melding"}; 404 is domain.ErrNotFound,
// 429 and 5xx are domain.ErrUnavailable.
//
// Documents followed (Skatteetaten, folkeregisteret-api-dokumentasjon):
//
//   - Oppslag: https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/oppslag/
//   - Hendelsesliste: https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/hendelsesliste/
//   - Endepunkter: https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/endepunkter/
//   - Maskinporten: https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/maskinporten/
//   - Spesreg (address protection) questions and answers:
//     https://github.com/Skatteetaten/folkeregisteret-api-dokumentasjon/blob/master/src/spm-og-svar/sos-spesreg.md
//
// The element and code names of the person document (foreldreansvar's
// ansvar values, graderingsnivaa, the hendelsestype names such as
// endringIAdressebeskyttelse) follow the information model and the
// swagger contract the documentation links to; that contract needs an
// agreement with Skatteetaten to call, so this package is tested against
// folkeregistertest, a local server serving sample documents written from
// the schema (folkeregistertest/testdata), not against the real service.
//
// Mapping to domain.RegisterPerson: the parents of a child are its
// familierelasjon entries with role mor, far or medmor, plus any holder of
// foreldreansvar who is not a parent (role "other"). A holder of ansvar
// "felles" has shared responsibility; a holder of mor, far, medmor or
// andre holds it alone. A parent lives with the child when the child's
// current bostedsadresse or deltBosted is the parent's current
// bostedsadresse (compared by the cadastre's address identifier, or the
// address itself), which takes one lookup per parent. The hendelsestype
// of a feed entry maps to a domain.ChangeKind (see kindOf); a move to
// another municipality is recognised by domain.RegistryApplier from the
// new address.
package folkeregister

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// DefaultBaseURL is the production address of the rights package
// "offentlig med hjemmel", version 1.
const DefaultBaseURL = "https://folkeregisteret.api.skatteetaten.no/folkeregisteret/offentlig-med-hjemmel/api/v1/"

// Scope is the Maskinporten scope of the rights package "offentlig med
// hjemmel".
const Scope = "skatteetaten:medhjemmel"

// Options configure a Client.
type Options struct {
	// BaseURL is the rights package's address, ending in "/api/v1/";
	// DefaultBaseURL when empty.
	BaseURL string
	// Token returns a Maskinporten access token (scope
	// "skatteetaten:medhjemmel"). Required.
	Token func(ctx context.Context) (string, error)
	// HTTPClient makes the requests; a client with a 30 s timeout when nil.
	HTTPClient *http.Client
}

// Client is a domain.Registry backed by the Folkeregister API.
type Client struct {
	base  *url.URL
	token func(ctx context.Context) (string, error)
	http  *http.Client
}

var _ domain.Registry = (*Client)(nil)

// New returns a client.
func New(opts Options) (*Client, error) {
	raw := opts.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	if !strings.HasSuffix(raw, "/") {
		raw += "/"
	}
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("folkeregister: base URL %q is not an http(s) URL", raw)
	}
	if opts.Token == nil {
		return nil, errors.New("folkeregister: a Maskinporten token source is required")
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: base, token: opts.Token, http: hc}, nil
}

// APIError is an error response of the service: the HTTP status and the
// body's kode and melding.
type APIError struct {
	Status  int
	Kode    string `json:"kode"`
	Melding string `json:"melding"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("folkeregister: HTTP %d %s: %s", e.Status, e.Kode, e.Melding)
}

// Unwrap makes 404 domain.ErrNotFound and 429 or 5xx domain.ErrUnavailable.
func (e *APIError) Unwrap() error {
	switch {
	case e.Status == http.StatusNotFound:
		return domain.ErrNotFound
	case e.Status == http.StatusTooManyRequests || e.Status >= 500:
		return domain.ErrUnavailable
	}
	return nil
}

func (c *Client) get(ctx context.Context, path string, query url.Values, dst any) error {
	u := c.base.JoinPath(path)
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	tok, err := c.token(ctx)
	if err != nil {
		return fmt.Errorf("folkeregister: token: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("folkeregister: %w: %w", domain.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("folkeregister: %w: %w", domain.ErrUnavailable, err)
	}
	if resp.StatusCode != http.StatusOK {
		e := &APIError{Status: resp.StatusCode}
		_ = json.Unmarshal(body, e)
		return e
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return fmt.Errorf("folkeregister: %s: %w", path, err)
	}
	return nil
}

// Person implements domain.Registry: the person document, and for a child
// its parents' documents to tell whom it lives with.
func (c *Client) Person(ctx context.Context, n domain.NationalID) (domain.RegisterPerson, error) {
	doc, err := c.document(ctx, n)
	if err != nil {
		return domain.RegisterPerson{}, err
	}
	p, err := doc.person()
	if err != nil {
		return domain.RegisterPerson{}, err
	}
	homes := doc.homes()
	for i, rp := range p.Parents {
		if len(homes) == 0 {
			break
		}
		pd, err := c.document(ctx, rp.NationalID)
		if domain.IsNotFound(err) {
			continue
		}
		if err != nil {
			return domain.RegisterPerson{}, err
		}
		if home, ok := pd.home(); ok {
			for _, h := range homes {
				if h.same(home) {
					p.Parents[i].LivesWith = true
				}
			}
		}
	}
	return p, nil
}

func (c *Client) document(ctx context.Context, n domain.NationalID) (document, error) {
	if n.IsZero() {
		return document{}, domain.Invalid("nationalId", domain.ReasonRequired)
	}
	var doc document
	err := c.get(ctx, "personer/"+n.String(), nil, &doc)
	return doc, err
}

// Changes implements domain.Registry: one page of the event feed from
// sequence number from.
func (c *Client) Changes(ctx context.Context, from int64) ([]domain.RegisterChange, error) {
	if from < 1 {
		from = 1
	}
	var entries []feedEntry
	if err := c.get(ctx, "hendelser/feed", url.Values{"seq": {strconv.FormatInt(from, 10)}}, &entries); err != nil {
		return nil, err
	}
	out := make([]domain.RegisterChange, 0, len(entries))
	for _, e := range entries {
		if e.Sekvensnummer < from {
			continue
		}
		n, err := domain.ParseNationalID(e.Hendelse.Folkeregisteridentifikator)
		if err != nil {
			return nil, fmt.Errorf("folkeregister: event %d: %w", e.Sekvensnummer, err)
		}
		out = append(out, domain.RegisterChange{
			Sequence: e.Sekvensnummer,
			Kind:     kindOf(e.Hendelse.Hendelsestype),
			Person:   n,
			Recorded: recorded(e.Hendelse.Ajourholdstidspunkt),
		})
	}
	return out, nil
}

// recorded reads an ajourholdstidspunkt; one the adapter cannot read is
// left out (zero) rather than stopping the feed.
func recorded(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// kindOf maps a hendelsestype to the change it means for a municipality.
func kindOf(hendelsestype string) domain.ChangeKind {
	switch hendelsestype {
	case "endringIAdressebeskyttelse":
		return domain.ChangeProtection
	case "endringIBostedsadresse", "endringIBostedsadresseUtenFlytting", "flyttingInnenKommune", "flyttingTilAnnenKommune":
		return domain.ChangeMoved
	case "endringIUtflytting", "utflyttingFraNorge":
		return domain.ChangeMovedOut
	case "endringIDoedsfall", "doedsfall":
		return domain.ChangeDeath
	case "endringIForeldreansvar", "endringIFamilierelasjon", "endringIDeltBosted":
		return domain.ChangeParentalResponsibility
	}
	return domain.ChangeOther
}

type feedEntry struct {
	Sekvensnummer int64 `json:"sekvensnummer"`
	Hendelse      struct {
		Folkeregisteridentifikator string `json:"folkeregisteridentifikator"`
		Hendelsestype              string `json:"hendelsestype"`
		Hendelsesdokument          string `json:"hendelsesdokument"`
		Persondokument             string `json:"persondokument"`
		Ajourholdstidspunkt        string `json:"ajourholdstidspunkt"`
	} `json:"hendelse"`
}

// version is what every element of the person document has.
type version struct {
	ErGjeldende bool `json:"erGjeldende"`
}

func current[T interface{ gjeldende() bool }](vs []T) (T, bool) {
	for _, v := range vs {
		if v.gjeldende() {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func (v version) gjeldende() bool { return v.ErGjeldende }

type identifikasjonsnummer struct {
	version
	FoedselsEllerDNummer string `json:"foedselsEllerDNummer"`
	Identifikatortype    string `json:"identifikatortype"`
}

type navn struct {
	version
	Fornavn    string `json:"fornavn"`
	Mellomnavn string `json:"mellomnavn"`
	Etternavn  string `json:"etternavn"`
}

type foedsel struct {
	version
	Foedselsdato string `json:"foedselsdato"`
}

type poststed struct {
	Postnummer    string `json:"postnummer"`
	Poststedsnavn string `json:"poststedsnavn"`
}

type vegadresse struct {
	Adressenavn   string `json:"adressenavn"`
	Adressenummer *struct {
		Husnummer  string `json:"husnummer"`
		Husbokstav string `json:"husbokstav"`
	} `json:"adressenummer"`
	Kommunenummer string    `json:"kommunenummer"`
	Poststed      *poststed `json:"poststed"`
}

type matrikkeladresse struct {
	Matrikkelnummer *struct {
		Kommunenummer string `json:"kommunenummer"`
		Gaardsnummer  int    `json:"gaardsnummer"`
		Bruksnummer   int    `json:"bruksnummer"`
		Festenummer   int    `json:"festenummer"`
	} `json:"matrikkelnummer"`
	Undernummer         int       `json:"undernummer"`
	Adressetilleggsnavn string    `json:"adressetilleggsnavn"`
	Poststed            *poststed `json:"poststed"`
}

// bosted is a bostedsadresse or deltBosted version.
type bosted struct {
	version
	AdresseIdentifikatorFraMatrikkelen string            `json:"adresseIdentifikatorFraMatrikkelen"`
	Vegadresse                         *vegadresse       `json:"vegadresse"`
	Matrikkeladresse                   *matrikkeladresse `json:"matrikkeladresse"`
	Adressegradering                   string            `json:"adressegradering"`
}

type adressebeskyttelse struct {
	version
	Graderingsnivaa string `json:"graderingsnivaa"`
}

type familierelasjon struct {
	version
	RelatertPerson       string `json:"relatertPerson"`
	RelatertPersonsRolle string `json:"relatertPersonsRolle"`
	MinRolleForPerson    string `json:"minRolleForPerson"`
}

type foreldreansvar struct {
	version
	Ansvar         string `json:"ansvar"`
	Ansvarlig      string `json:"ansvarlig"`
	Ansvarssubjekt string `json:"ansvarssubjekt"`
}

type doedsfall struct {
	version
	Doedsdato string `json:"doedsdato"`
}

// doedsfallList accepts doedsfall as a list of versions or as one object.
type doedsfallList []doedsfall

func (l *doedsfallList) UnmarshalJSON(b []byte) error {
	if s := strings.TrimSpace(string(b)); strings.HasPrefix(s, "{") {
		var one doedsfall
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = doedsfallList{one}
		return nil
	}
	return json.Unmarshal(b, (*[]doedsfall)(l))
}

// document is the part of the person document this adapter reads.
type document struct {
	Identifikasjonsnummer []identifikasjonsnummer `json:"identifikasjonsnummer"`
	Navn                  []navn                  `json:"navn"`
	Foedsel               []foedsel               `json:"foedsel"`
	Bostedsadresse        []bosted                `json:"bostedsadresse"`
	DeltBosted            []bosted                `json:"deltBosted"`
	Adressebeskyttelse    []adressebeskyttelse    `json:"adressebeskyttelse"`
	Familierelasjon       []familierelasjon       `json:"familierelasjon"`
	Foreldreansvar        []foreldreansvar        `json:"foreldreansvar"`
	Doedsfall             doedsfallList           `json:"doedsfall"`
}

// Protection maps a graderingsnivaa to the domain's level ("" and
// "ugradert" are none).
func Protection(graderingsnivaa string) (domain.AddressProtection, error) {
	switch graderingsnivaa {
	case "", "ugradert":
		return domain.ProtectionNone, nil
	case "fortrolig":
		return domain.ProtectionFortrolig, nil
	case "strengtFortrolig":
		return domain.ProtectionStrengtFortrolig, nil
	case "strengtFortroligUtland":
		return domain.ProtectionStrengtFortroligUtland, nil
	}
	return "", fmt.Errorf("folkeregister: unknown graderingsnivaa %q", graderingsnivaa)
}

func (d document) person() (domain.RegisterPerson, error) {
	var p domain.RegisterPerson
	id, ok := current(d.Identifikasjonsnummer)
	if !ok {
		return p, errors.New("folkeregister: person document without a current identifikasjonsnummer")
	}
	n, err := domain.ParseNationalID(id.FoedselsEllerDNummer)
	if err != nil {
		return p, fmt.Errorf("folkeregister: identifikasjonsnummer: %w", err)
	}
	p.NationalID = n
	if nm, ok := current(d.Navn); ok {
		p.GivenName, p.MiddleName, p.FamilyName = nm.Fornavn, nm.Mellomnavn, nm.Etternavn
	}
	p.BirthDate = n.BirthDate()
	if f, ok := current(d.Foedsel); ok && f.Foedselsdato != "" {
		if p.BirthDate, err = date.ParseISO(f.Foedselsdato); err != nil {
			return p, fmt.Errorf("folkeregister: foedselsdato: %w", err)
		}
	}
	if b, ok := current(d.Adressebeskyttelse); ok {
		if p.Protection, err = Protection(b.Graderingsnivaa); err != nil {
			return p, err
		}
	} else {
		p.Protection = domain.ProtectionNone
	}
	if home, ok := d.home(); ok {
		p.Address = home.address()
		// The address's own grading may be stricter than the person's.
		if g, err := Protection(home.Adressegradering); err == nil && g.Protected() && !p.Protection.Protected() {
			p.Protection = g
		}
	}
	if p.Protection.Strict() {
		p.Address = domain.Address{}
	}
	if df, ok := current(d.Doedsfall); ok && df.Doedsdato != "" {
		if p.DeathDate, err = date.ParseISO(df.Doedsdato); err != nil {
			return p, fmt.Errorf("folkeregister: doedsdato: %w", err)
		}
	}
	if p.Parents, err = d.parents(); err != nil {
		return p, err
	}
	return p, nil
}

func (d document) parents() ([]domain.RegisterParent, error) {
	var out []domain.RegisterParent
	index := map[string]int{}
	add := func(nid string, role domain.ParentRole) (int, error) {
		if i, ok := index[nid]; ok {
			return i, nil
		}
		n, err := domain.ParseNationalID(nid)
		if err != nil {
			return 0, fmt.Errorf("folkeregister: related person: %w", err)
		}
		out = append(out, domain.RegisterParent{NationalID: n, Role: role})
		index[nid] = len(out) - 1
		return len(out) - 1, nil
	}
	for _, r := range d.Familierelasjon {
		if !r.ErGjeldende || r.RelatertPerson == "" {
			continue
		}
		var role domain.ParentRole
		switch r.RelatertPersonsRolle {
		case "mor":
			role = domain.RoleMother
		case "far":
			role = domain.RoleFather
		case "medmor":
			role = domain.RoleCoMother
		default:
			continue
		}
		if _, err := add(r.RelatertPerson, role); err != nil {
			return nil, err
		}
	}
	self := ""
	if id, ok := current(d.Identifikasjonsnummer); ok {
		self = id.FoedselsEllerDNummer
	}
	for _, a := range d.Foreldreansvar {
		// On a parent's own document the entries name the child as
		// ansvarssubjekt; only the child's entries say who holds it.
		if !a.ErGjeldende || a.Ansvarlig == "" || a.Ansvarlig == self {
			continue
		}
		if a.Ansvarssubjekt != "" && a.Ansvarssubjekt != self {
			continue
		}
		i, err := add(a.Ansvarlig, domain.RoleOtherResponsible)
		if err != nil {
			return nil, err
		}
		switch a.Ansvar {
		case "felles":
			out[i].Responsibility = domain.ResponsibilityShared
		case "mor", "far", "medmor", "andre", "annen", "ukjent":
			if out[i].Responsibility != domain.ResponsibilityShared {
				out[i].Responsibility = domain.ResponsibilitySole
			}
		default:
			return nil, fmt.Errorf("folkeregister: unknown foreldreansvar ansvar %q", a.Ansvar)
		}
	}
	return out, nil
}

func (d document) home() (bosted, bool) { return current(d.Bostedsadresse) }

// homes are where a child lives: its registered address and its shared
// residence.
func (d document) homes() []bosted {
	var hs []bosted
	if h, ok := d.home(); ok {
		hs = append(hs, h)
	}
	if h, ok := current(d.DeltBosted); ok {
		hs = append(hs, h)
	}
	return hs
}

func (b bosted) same(o bosted) bool {
	if b.AdresseIdentifikatorFraMatrikkelen != "" && o.AdresseIdentifikatorFraMatrikkelen != "" {
		return b.AdresseIdentifikatorFraMatrikkelen == o.AdresseIdentifikatorFraMatrikkelen
	}
	a, c := b.address(), o.address()
	return !a.IsZero() && strings.EqualFold(a.Street, c.Street) && strings.EqualFold(a.Cadastral, c.Cadastral) &&
		a.Postcode == c.Postcode && a.Municipality == c.Municipality
}

func (b bosted) address() domain.Address {
	var a domain.Address
	var ps *poststed
	var kommune string
	switch {
	case b.Vegadresse != nil:
		v := b.Vegadresse
		a.Street = v.Adressenavn
		if v.Adressenummer != nil {
			a.Street = strings.TrimSpace(a.Street + " " + v.Adressenummer.Husnummer + v.Adressenummer.Husbokstav)
		}
		ps, kommune = v.Poststed, v.Kommunenummer
	case b.Matrikkeladresse != nil:
		m := b.Matrikkeladresse
		if mn := m.Matrikkelnummer; mn != nil {
			a.Cadastral = fmt.Sprintf("gnr. %d bnr. %d", mn.Gaardsnummer, mn.Bruksnummer)
			if mn.Festenummer > 0 {
				a.Cadastral += fmt.Sprintf(" fnr. %d", mn.Festenummer)
			}
			kommune = mn.Kommunenummer
		}
		if m.Adressetilleggsnavn != "" {
			a.Cadastral = strings.TrimSpace(m.Adressetilleggsnavn + ", " + a.Cadastral)
		}
		ps = m.Poststed
	}
	if ps != nil {
		a.Postcode, a.PostTown = ps.Postnummer, ps.Poststedsnavn
	}
	if mun, err := domain.ParseMunicipality(kommune); err == nil {
		a.Municipality = mun
	}
	return a
}
