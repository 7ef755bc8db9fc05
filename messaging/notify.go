package messaging

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

//go:embed templates/notices.json
var noticeTemplates []byte

// Text is a rendered or template subject and body, in plain text.
type Text struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Template is the text of one notice kind in each language, and the Data
// keys it uses.
//
// Restricted is the text for a recipient who must learn nothing of where
// the child is (Recipient.HideWhereabouts; see the domain package,
// "Whereabouts"), in each language, and RestrictedKeys the only Data keys
// it is given: no unit, group, staff name, address or time of day. A kind
// without a restricted text sends such a recipient the fallback text.
type Template struct {
	Keys           []string          `json:"keys"`
	Langs          map[Language]Text `json:"-"`
	RestrictedKeys []string          `json:"-"`
	Restricted     map[Language]Text `json:"-"`
}

// WhereaboutsKeys are Data keys that tell where a child is, or who works
// there. A restricted text may not use them; ParseTemplates refuses one that
// names them.
func WhereaboutsKeys() []string {
	return []string{"unit", "group", "from", "staff", "address", "phone", "email", "time", "place"}
}

// Templates are the notification texts, per notice kind and language.
// They are data (templates/notices.json, embedded): {name} in a subject or
// body is replaced by Notice.Data[name + "." + language] when the notice
// gives a value in the text's language ("step.nn"), else by
// Notice.Data[name]; a name without a value becomes empty; Data keys a template does not use are ignored. A kind without a
// template gets the fallback text. Data["urgent"] = "true" prefixes the
// subject with the language's urgency marker.
type Templates struct {
	Kinds    map[string]Template
	Fallback map[Language]Text
	Urgent   map[Language]string
}

// ParseTemplates reads templates in the format of templates/notices.json.
func ParseTemplates(b []byte) (*Templates, error) {
	var raw struct {
		Templates map[string]map[string]json.RawMessage `json:"templates"`
		Fallback  map[Language]Text                     `json:"fallback"`
		Urgent    map[Language]string                   `json:"urgent"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("messaging: templates: %w", err)
	}
	t := &Templates{Kinds: map[string]Template{}, Fallback: raw.Fallback, Urgent: raw.Urgent}
	for kind, entries := range raw.Templates {
		tpl := Template{Langs: map[Language]Text{}}
		for k, v := range entries {
			if k == "keys" {
				if err := json.Unmarshal(v, &tpl.Keys); err != nil {
					return nil, fmt.Errorf("messaging: templates: %s keys: %w", kind, err)
				}
				continue
			}
			if k == "restricted" {
				if err := tpl.parseRestricted(v); err != nil {
					return nil, fmt.Errorf("messaging: templates: %s restricted: %w", kind, err)
				}
				continue
			}
			var x Text
			if err := json.Unmarshal(v, &x); err != nil {
				return nil, fmt.Errorf("messaging: templates: %s %s: %w", kind, k, err)
			}
			tpl.Langs[Language(k)] = x
		}
		for _, l := range []Language{Bokmal, Nynorsk, English} {
			if tpl.Langs[l].Subject == "" || tpl.Langs[l].Body == "" {
				return nil, fmt.Errorf("messaging: templates: %s has no %s text", kind, l)
			}
		}
		t.Kinds[kind] = tpl
	}
	return t, nil
}

// parseRestricted reads {"keys": [...], "nb": {...}, "nn": {...}, "en":
// {...}}: every language is required, every placeholder must be one of the
// keys, and no key may be one of WhereaboutsKeys.
func (tpl *Template) parseRestricted(raw json.RawMessage) error {
	var r map[string]json.RawMessage
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	tpl.Restricted = map[Language]Text{}
	for k, v := range r {
		if k == "keys" {
			if err := json.Unmarshal(v, &tpl.RestrictedKeys); err != nil {
				return fmt.Errorf("keys: %w", err)
			}
			continue
		}
		var x Text
		if err := json.Unmarshal(v, &x); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		tpl.Restricted[Language(k)] = x
	}
	for _, key := range tpl.RestrictedKeys {
		if slices.Contains(WhereaboutsKeys(), key) {
			return fmt.Errorf("key %q tells where the child is", key)
		}
	}
	for _, l := range []Language{Bokmal, Nynorsk, English} {
		x := tpl.Restricted[l]
		if x.Subject == "" || x.Body == "" {
			return fmt.Errorf("no %s text", l)
		}
		for _, m := range placeholder.FindAllStringSubmatch(x.Subject+x.Body, -1) {
			if !slices.Contains(tpl.RestrictedKeys, m[1]) {
				return fmt.Errorf("%s uses {%s}, which is not one of its keys", l, m[1])
			}
		}
	}
	return nil
}

// DefaultTemplates returns the built-in templates, parsed anew on each call
// (no global state).
func DefaultTemplates() *Templates {
	t, err := ParseTemplates(noticeTemplates)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return t
}

var placeholder = regexp.MustCompile(`\{([A-Za-z][A-Za-z0-9]*)\}`)

// Render fills the template of kind in lang (bokmål when lang has none)
// with data.
func (t *Templates) Render(kind string, lang Language, data map[string]string) Text {
	texts := t.Fallback
	if tpl, ok := t.Kinds[kind]; ok {
		texts = tpl.Langs
	}
	return t.render(texts, lang, data)
}

// RenderRestricted renders kind for a recipient who must learn nothing of
// where the child is: the restricted text of the kind, given only its
// RestrictedKeys of data (and "urgent"), or the fallback text when the kind
// has none.
func (t *Templates) RenderRestricted(kind string, lang Language, data map[string]string) Text {
	tpl, ok := t.Kinds[kind]
	if !ok || tpl.Restricted == nil {
		return t.render(t.Fallback, lang, map[string]string{"urgent": data["urgent"]})
	}
	only := map[string]string{"urgent": data["urgent"]}
	for _, k := range tpl.RestrictedKeys {
		only[k] = data[k]
	}
	return t.render(tpl.Restricted, lang, only)
}

func (t *Templates) render(texts map[Language]Text, lang Language, data map[string]string) Text {
	x, ok := texts[lang]
	if !ok {
		lang = Bokmal
		x = texts[Bokmal]
	}
	fill := func(s string) string {
		return placeholder.ReplaceAllStringFunc(s, func(m string) string {
			name := m[1 : len(m)-1]
			if v, ok := data[name+"."+string(lang)]; ok {
				return oneLine(v)
			}
			return oneLine(data[name])
		})
	}
	out := Text{Subject: fill(x.Subject), Body: fill(x.Body)}
	if data["urgent"] == "true" {
		out.Subject = t.Urgent[lang] + out.Subject
	}
	return out
}

// oneLine drops control characters (line breaks included) from a value, so
// that a value cannot add a line to a subject or header.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// Notify turns a notice into deliveries in the outbox, in the transaction
// of ctx: the recipients are n.Guardian, or the child's guardians by the
// guardianship rules (Resolve with AudienceChild); each gets the template of
// n.Kind in the language and medium of the guardian's Contact (bokmål by
// e-mail by default), and a guardian with a strengt fortrolig address gets
// it in the digital mailbox only. A recipient who must learn nothing of
// where the child is (Recipient.HideWhereabouts) gets the restricted text
// (Templates.RenderRestricted): no unit, group, staff name or time. With
// a ContactRegister, the medium and address of each recipient are decided
// by RouteByRegister instead (see "Contact register" in the package doc).
// The same n.Key notifies once: the key of each delivery is n.Key + "/" +
// the guardian's ID.
//
// A notice to a staff member (n.Staff) is one e-mail to the member's work
// address (domain.StaffMember.Email), in bokmål, keyed n.Key + "/" + the
// member's ID: no guardian is told, the contact register is not asked (it
// is for citizens), and the child's name is not filled in. A member
// without a work address is a *domain.ValidationError on "staff"
// (ReasonNoWorkAddress); the raiser should check first and record it.
func (s *Service) Notify(ctx context.Context, n domain.Notice) error {
	if err := n.Validate(); err != nil {
		return err
	}
	if !n.Staff.IsZero() {
		return s.notifyStaff(ctx, n)
	}
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		var rs []resolved
		if !n.Guardian.IsZero() {
			g, err := s.Store.Guardian(ctx, n.Municipality, n.Guardian)
			if err != nil {
				return refErr(err, "guardian", "no-such-guardian")
			}
			ch := ChannelAny
			if g.AddressProtection == domain.ProtectionStrengtFortrolig {
				ch = ChannelProtected
			}
			hide := false
			if !n.Child.IsZero() {
				rec, err := s.Store.ChildRecord(ctx, n.Municipality, n.Child)
				if err != nil {
					return refErr(err, "child", "no-such-child")
				}
				hide = rec.HidesWhereaboutsFrom(domain.GuardianActor(n.Municipality, g.ID))
			}
			rs = []resolved{{guardian: g, channel: ch, hide: hide}}
		} else {
			var err error
			if rs, err = s.resolveChildren(ctx, n.Municipality, AudienceChild, []domain.ChildID{n.Child}, "child"); err != nil {
				return err
			}
		}
		data, err := s.withChildName(ctx, n)
		if err != nil {
			return err
		}
		return s.enqueue(ctx, rs, n.Kind, n.Key+"/", data)
	})
}

// NotifyAll is Notify of each notice in turn, in the transaction of ctx,
// made for many notices at once (the invoice.ready notices of an invoice
// run): the notices to one guardian that are about no child (Guardian set,
// Child and Staff zero) read their guardians, their contacts, the
// settings and the contact register once per municipality and write all
// their deliveries in one Enqueue; any other notice goes through Notify.
// The deliveries are the ones Notify would write. A notice that does not
// validate, or names a guardian the municipality does not have, refuses
// them all with Notify's error.
func (s *Service) NotifyAll(ctx context.Context, ns []domain.Notice) error {
	for _, n := range ns {
		if err := n.Validate(); err != nil {
			return err
		}
	}
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		var order []domain.Municipality
		bulk := map[domain.Municipality][]int{}
		for i, n := range ns {
			if n.Guardian.IsZero() || !n.Child.IsZero() {
				if err := s.Notify(ctx, n); err != nil {
					return err
				}
				continue
			}
			if _, ok := bulk[n.Municipality]; !ok {
				order = append(order, n.Municipality)
			}
			bulk[n.Municipality] = append(bulk[n.Municipality], i)
		}
		for _, m := range order {
			idx := bulk[m]
			ids := make([]domain.GuardianID, 0, len(idx))
			seen := make(map[domain.GuardianID]bool, len(idx))
			for _, i := range idx {
				if g := ns[i].Guardian; !seen[g] {
					seen[g] = true
					ids = append(ids, g)
				}
			}
			gs, err := s.Store.GuardiansByID(ctx, m, ids)
			if err != nil {
				return err
			}
			byID := make(map[domain.GuardianID]*domain.Guardian, len(gs))
			for i := range gs {
				byID[gs[i].ID] = &gs[i]
			}
			out := make([]outgoing, 0, len(idx))
			for _, i := range idx {
				n := ns[i]
				g := byID[n.Guardian]
				if g == nil {
					return domain.Invalid("guardian", "no-such-guardian")
				}
				ch := ChannelAny
				if g.AddressProtection == domain.ProtectionStrengtFortrolig {
					ch = ChannelProtected
				}
				out = append(out, outgoing{resolved: resolved{guardian: *g, channel: ch}, kind: n.Kind,
					key: n.Key + "/" + g.ID.String(), data: n.Data, group: i + 1})
			}
			if _, err := s.deliver(ctx, out, false); err != nil {
				return err
			}
		}
		return nil
	})
}

// Reason codes of notices to staff.
const (
	// ReasonNoWorkAddress: the staff member has no work e-mail address.
	ReasonNoWorkAddress = "staff-has-no-work-address"
	// ReasonOneRecipient: a delivery goes to one guardian or one staff
	// member (by e-mail), never both.
	ReasonOneRecipient = "one-guardian-or-one-staff-member"
)

// notifyStaff writes the one e-mail of a notice to a staff member.
func (s *Service) notifyStaff(ctx context.Context, n domain.Notice) error {
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		st, err := s.Store.StaffMember(ctx, n.Municipality, n.Staff)
		if err != nil {
			return refErr(err, "staff", "no-such-staff-member")
		}
		if st.Email == "" {
			return domain.Invalid("staff", ReasonNoWorkAddress)
		}
		text := s.templates().Render(n.Kind, Bokmal, n.Data)
		now := s.clock().Now()
		_, err = s.Store.Enqueue(ctx, []Delivery{{
			ID: domain.NewID[Delivery](), Municipality: n.Municipality, Key: n.Key + "/" + st.ID.String(), Kind: n.Kind,
			Staff: st.ID, Medium: Email, To: st.Email, Language: Bokmal,
			Subject: text.Subject, Body: text.Body, Urgent: n.Data["urgent"] == "true",
			State: Pending, NextAt: now, CreatedAt: now,
		}})
		return err
	})
}

// withChildName fills Data["child"] with the child's given name when the
// notice is about a child and its raiser left the name out (admission and
// billing know the child by ID only). The raiser's map is not changed.
func (s *Service) withChildName(ctx context.Context, n domain.Notice) (map[string]string, error) {
	if n.Child.IsZero() || n.Data["child"] != "" {
		return n.Data, nil
	}
	c, err := s.Store.Child(ctx, n.Municipality, n.Child)
	if err != nil {
		return nil, refErr(err, "child", "no-such-child")
	}
	data := make(map[string]string, len(n.Data)+1)
	maps.Copy(data, n.Data)
	data["child"] = c.GivenName
	return data, nil
}

// resolved is a guardian who receives, on which channel, and whether the
// guardian must learn nothing of where the child is.
type resolved struct {
	guardian domain.Guardian
	channel  Channel
	hide     bool
}

// enqueue renders and writes one delivery per recipient, keyed
// keyPrefix + the guardian's ID, reading every recipient's Contact at once.
//
// A delivery that is not urgent, written in the recipient's quiet hours
// (the guardian's own, or the municipality's: Settings), waits until they
// end (QuietHours.Release); an urgent one is due at once.
func (s *Service) enqueue(ctx context.Context, rs []resolved, kind, keyPrefix string, data map[string]string) error {
	_, err := s.enqueueWith(ctx, rs, kind, keyPrefix, data, false)
	return err
}

// enqueueWith is enqueue; with smsCopy (an urgent message from staff) each
// recipient whose medium is not SMS also gets an SMS, keyed with "/sms"
// after the guardian, unless the guardian may not be reached by SMS: it
// returns, per recipient, why not (UrgentRecipient.NoSMS).
func (s *Service) enqueueWith(ctx context.Context, rs []resolved, kind, keyPrefix string, data map[string]string, smsCopy bool) ([]UrgentRecipient, error) {
	out := make([]outgoing, len(rs))
	for i, r := range rs {
		out[i] = outgoing{resolved: r, kind: kind, key: keyPrefix + r.guardian.ID.String(), data: data}
	}
	return s.deliver(ctx, out, smsCopy)
}

// outgoing is one delivery to write: a recipient, the kind, the delivery
// key and the template data. Deliveries with the same data map (one notice
// to many) share the rendering of each language; group numbers the data
// maps (0 when all share one).
type outgoing struct {
	resolved
	kind, key string
	data      map[string]string
	group     int
}

// deliver renders and writes the deliveries of out (all of one
// municipality) in one Enqueue, reading every recipient's Contact, the
// settings and the contact register once.
func (s *Service) deliver(ctx context.Context, out []outgoing, smsCopy bool) ([]UrgentRecipient, error) {
	if len(out) == 0 {
		return nil, nil
	}
	m := out[0].guardian.Municipality
	ids := make([]domain.GuardianID, len(out))
	rs := make([]resolved, len(out))
	for i, o := range out {
		ids[i], rs[i] = o.guardian.ID, o.resolved
	}
	contacts, err := s.Store.Contacts(ctx, m, ids)
	if err != nil {
		return nil, err
	}
	settings, err := s.settingsOf(ctx, m)
	if err != nil {
		return nil, err
	}
	loc := settings.Location()
	now := s.clock().Now()
	tpl := s.templates()
	// Render once per data, language (and restriction), not once per
	// recipient.
	type variant struct {
		group int
		kind  string
		lang  Language
		hide  bool
	}
	texts := map[variant]Text{}
	var register map[domain.NationalID]RegisterEntry
	registerFailed := false
	reg, useRegister, err := s.registerOf(ctx, m)
	if err != nil {
		return nil, err
	}
	switch {
	case useRegister && reg == nil:
		registerFailed = true
	case useRegister:
		register, registerFailed = s.lookupRegister(ctx, reg, rs)
	}
	ds := make([]Delivery, 0, len(out))
	var notes []UrgentRecipient
	// Quiet hours depend on the contact only: the release of the
	// municipality's is computed once.
	var release *time.Time
	for _, o := range out {
		r, g := o.resolved, o.guardian
		urgent := o.data["urgent"] == "true"
		c, ok := contacts[g.ID]
		if !ok {
			c = DefaultContact(m, g.ID)
		}
		v := variant{o.group, o.kind, c.Language, r.hide}
		text, ok := texts[v]
		if !ok {
			if r.hide {
				text = tpl.RenderRestricted(o.kind, c.Language, o.data)
			} else {
				text = tpl.Render(o.kind, c.Language, o.data)
			}
			texts[v] = text
		}
		medium, to := route(g, r.channel, c.Medium)
		// The SMS copy of an urgent message: to the number on file, or
		// the register's when it is consulted.
		noSMS, mobile := "", g.Phone
		if r.channel == ChannelProtected {
			noSMS = NoSMSProtected
		}
		if useRegister {
			e, found := register[g.NationalID]
			rt := RouteByRegister(g, r.channel, c.Medium, RouteLookup{Failed: registerFailed, Found: found, Entry: e})
			if rt.Skip {
				continue
			}
			medium, to = rt.Medium, rt.To
			switch {
			case noSMS != "":
			case rt.Reason == ReasonRegisterReserved && e.Mobile != "":
				// An urgent message is a service message (the child is
				// ill, the unit closes): public bodies may send those by
				// SMS to the register's number also to a person who has
				// reserved against digital communication. The message
				// itself still goes to the digital mailbox only.
				mobile = e.Mobile
			case rt.Reason == ReasonRegisterReserved:
				noSMS = NoSMSReserved
			case rt.Reason == ReasonRegisterNotified:
				mobile = e.Mobile
			case rt.Reason != ReasonRegisterNoNationalID:
				noSMS = NoSMSRegister
			}
		}
		next := now
		if !urgent {
			if c.Quiet != nil && c.Quiet.Within(settings.Quiet) {
				next = c.Quiet.Release(now, loc)
			} else {
				if release == nil {
					t := settings.Quiet.Release(now, loc)
					release = &t
				}
				next = *release
			}
		}
		d := Delivery{
			ID: domain.NewID[Delivery](), Municipality: m, Key: o.key, Kind: o.kind,
			Guardian: g.ID, Medium: medium, To: to, Language: c.Language,
			Subject: text.Subject, Body: text.Body, Urgent: urgent,
			State: Pending, NextAt: next, CreatedAt: now,
		}
		ds = append(ds, d)
		if !smsCopy {
			continue
		}
		switch {
		case medium == SMS:
			noSMS = ""
		case noSMS == "" && mobile == "":
			noSMS = NoSMSNumber
		case noSMS == "":
			sms := d
			sms.ID, sms.Key, sms.Medium, sms.To = domain.NewID[Delivery](), d.Key+"/sms", SMS, mobile
			ds = append(ds, sms)
		}
		notes = append(notes, UrgentRecipient{Guardian: g.ID, NoSMS: noSMS})
	}
	if len(ds) == 0 {
		return notes, nil
	}
	_, err = s.Store.Enqueue(ctx, ds)
	return notes, err
}

// route picks the medium and address: the digital mailbox for the protected
// channel; otherwise the preferred medium when the guardian has an address
// for it, then e-mail, SMS, and the digital mailbox.
func route(g domain.Guardian, ch Channel, preferred Medium) (Medium, string) {
	mailbox := mailboxOf(g)
	if ch == ChannelProtected {
		return DigitalMailbox, mailbox
	}
	switch {
	case preferred == Email && g.Email != "":
		return Email, g.Email
	case preferred == SMS && g.Phone != "":
		return SMS, g.Phone
	case preferred == Webhook:
		return Webhook, g.ID.String()
	case preferred == DigitalMailbox:
		return DigitalMailbox, mailbox
	case g.Email != "":
		return Email, g.Email
	case g.Phone != "":
		return SMS, g.Phone
	}
	return DigitalMailbox, mailbox
}

func refErr(err error, field, reason string) error {
	if domain.IsNotFound(err) {
		return domain.Invalid(field, reason)
	}
	return err
}

// registerOf is the contact register consulted for a notice of
// municipality m, and whether one is: one is configured (Registers, else
// ContactRegister), and the municipality has not switched it off (Gate).
// A register whose settings cannot be used (Registers' error) is
// consulted as one that cannot answer: use true, reg nil.
func (s *Service) registerOf(ctx context.Context, m domain.Municipality) (reg ContactRegister, use bool, err error) {
	if s.Registers == nil && s.ContactRegister == nil {
		return nil, false, nil
	}
	if s.Gate != nil {
		open, err := s.Gate.Open(ctx, m, domain.IntegrationKRR)
		if err != nil || !open {
			return nil, false, err
		}
	}
	if s.Registers == nil {
		return s.ContactRegister, true, nil
	}
	reg, err = s.Registers.RegisterFor(ctx, m)
	switch {
	case err != nil:
		return nil, true, nil
	case reg == nil:
		return nil, false, nil
	}
	return reg, true, nil
}
