package messagingweb

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// A guardian's notification preferences page (/messages/contact): the
// language, the medium (e-mail, SMS, the app or the digital mailbox) and
// the guardian's own quiet hours. A guardian reserved against digital
// communication in the contact register (KRR) is offered the digital
// mailbox only, and the page says why (messaging.ContactChoices, which
// cites the rule). The quiet hours may shorten the municipality's window,
// never widen it (messaging.QuietHours.Within).

// contactContent is the preferences page.
type contactContent struct {
	L       web.Locale
	Choices messaging.ContactChoices
	// Values are the form's values: language, channel, own ("on" when
	// the guardian keeps own quiet hours), quiet-start and quiet-end
	// (HH:MM); what was typed when refused.
	Values  map[string]string
	Errors  map[string]string
	Summary []fieldMsg
	Saved   bool
}

// MunicipalQuiet is the municipality's window, as "21:00–07:00".
func (c contactContent) MunicipalQuiet() string { return c.Choices.Quiet.String() }

// Languages are the languages offered, as codes.
func (contactContent) Languages() []string { return []string{"nb", "nn", "en"} }

// contactLabels names the fields of the preferences form by catalog key.
var contactLabels = map[string]string{
	"language":    "messaging.contact.language",
	"channel":     "messaging.contact.channel",
	"quiet-start": "messaging.contact.quiet.start",
	"quiet-end":   "messaging.contact.quiet.end",
}

func (a *app) contactPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v, err := a.contactOf(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	values := map[string]string{"language": string(v.Language), "channel": string(v.Channel)}
	if v.Quiet != nil {
		values["own"], values["quiet-start"], values["quiet-end"] = "on", clockOf(v.Quiet.Start), clockOf(v.Quiet.End)
	}
	return a.renderContact(w, r, c, values, nil)
}

// renderContact renders the preferences page; with refusal (422) the
// values typed are kept and each field names its error.
func (a *app) renderContact(w http.ResponseWriter, r *http.Request, c *web.Call, values map[string]string, refusal error) error {
	ch, err := a.Messaging().ChoicesFor(r.Context(), c.Actor, c.Actor.Guardian)
	if err != nil {
		return err
	}
	if ch.Reserved {
		values["channel"] = string(messaging.DigitalMailbox)
	}
	if values["own"] != "on" && values["quiet-start"] == "" && values["quiet-end"] == "" {
		values["quiet-start"], values["quiet-end"] = clockOf(ch.Quiet.Start), clockOf(ch.Quiet.End)
	}
	content := contactContent{L: c.Lang, Choices: ch, Values: values, Saved: r.URL.Query().Get("saved") == "1"}
	status := http.StatusOK
	if refusal != nil {
		status = http.StatusUnprocessableEntity
		content.Saved = false
		content.Errors, content.Summary = refusalErrors(c.Lang, contactFields(refusal), contactLabels)
	}
	a.Page(w, r, c, status, "messaging_contact", "messaging.contact.title", content)
	return nil
}

// contactFields names the service's fields as the form's inputs: medium
// is channel, the quiet hours as a whole are shown at their start.
func contactFields(err error) error {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	out := &domain.ValidationError{}
	for _, f := range ve.Fields {
		switch f.Field {
		case "medium":
			f.Field = "channel"
		case "quiet", "quiet.start":
			f.Field = "quiet-start"
		case "quiet.end":
			f.Field = "quiet-end"
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}

func (a *app) contactForm(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	f, err := formValues(w, r)
	if err != nil {
		return err
	}
	values := map[string]string{"language": f.Get("language"), "channel": f.Get("channel"), "own": f.Get("own"),
		"quiet-start": strings.TrimSpace(f.Get("quiet-start")), "quiet-end": strings.TrimSpace(f.Get("quiet-end"))}
	v := contactView{Language: messaging.Language(values["language"]), Channel: messaging.Medium(values["channel"])}
	if values["own"] == "on" {
		var p domain.Problems
		start, okStart := minutesOf(values["quiet-start"])
		end, okEnd := minutesOf(values["quiet-end"])
		if !okStart {
			p.Add("quiet-start", messaging.ReasonQuietMinutes)
		}
		if !okEnd {
			p.Add("quiet-end", messaging.ReasonQuietMinutes)
		}
		if err := p.Err(); err != nil {
			return a.renderContact(w, r, c, values, err)
		}
		v.Quiet = &messaging.QuietHours{Start: start, End: end}
	}
	if err := a.setContact(r.Context(), c.Actor, domain.GuardianID{}, v); err != nil {
		var ve *domain.ValidationError
		if errors.As(err, &ve) {
			return a.renderContact(w, r, c, values, err)
		}
		return err
	}
	http.Redirect(w, r, "/messages/contact?saved=1", http.StatusSeeOther)
	return nil
}

// clockOf writes minutes after midnight as "07:00".
func clockOf(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// minutesOf reads "7:00", "07:00" or "07.00" as minutes after midnight.
func minutesOf(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.ReplaceAll(s, ".", ":"), ":")
	if !ok || len(m) != 2 || len(h) == 0 || len(h) > 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}
