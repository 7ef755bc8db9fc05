package integrationsweb

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The municipality's notice settings (messaging.Settings), beside the
// integration settings: its quiet hours, in which no notice that is not
// urgent is sent; their time zone; and after how many minutes the sender
// of an urgent message no guardian has read is told. The page
// /admin/notices and the API GET and PUT /api/v1/notice-settings, for the
// municipality's administrator; every read and change is audit-logged.

func (a *app) noticeRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/notice-settings", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "The municipality's notice settings (municipal administrator): quiet hours (minutes after midnight) in which no notice that is not urgent is sent, their time zone, and after how many minutes the sender of an urgent message no guardian has read is told; the defaults until it has chosen", Response: NoticeSettings{}, Handle: a.apiNoticeGet},
		{Method: "PUT", Path: "/api/v1/notice-settings", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Save the municipality's notice settings (municipal administrator); every refused field with its reason", Body: NoticeSettings{}, Response: NoticeSettings{}, Handle: a.apiNoticePut},
		{Method: "GET", Path: "/admin/notices", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.noticePage},
		{Method: "POST", Path: "/admin/notices", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.noticeForm},
	}
}

// NoticeSettings is the municipality's notice settings in the API.
type NoticeSettings struct {
	// Quiet is the window in minutes after local midnight (start after
	// end wraps past midnight: 1260 to 420 is 21:00 to 07:00).
	Quiet messaging.QuietHours `json:"quiet"`
	// Zone is an IANA time zone name.
	Zone string `json:"zone"`
	// UnreadAfterMinutes is from 1 to 1440.
	UnreadAfterMinutes int `json:"unreadAfterMinutes"`
}

func noticeView(s messaging.Settings) NoticeSettings {
	return NoticeSettings{Quiet: s.Quiet, Zone: s.Zone, UnreadAfterMinutes: int(s.UnreadAfter / time.Minute)}
}

// noticeRecord is the audit record of the municipality's notice settings.
func noticeRecord(m domain.Municipality) string { return "notice-settings/" + string(m) }

func (a *app) readNotices(ctx context.Context, actor domain.Actor) (NoticeSettings, error) {
	s, err := a.Messaging().SettingsFor(ctx, actor, actor.Municipality)
	if err != nil {
		return NoticeSettings{}, err
	}
	if err := a.Audit(ctx, actor, "notice-settings.read", noticeRecord(actor.Municipality)); err != nil {
		return NoticeSettings{}, err
	}
	return noticeView(s), nil
}

// saveNotices saves the settings and their audit entry in one transaction.
func (a *app) saveNotices(ctx context.Context, actor domain.Actor, v NoticeSettings) error {
	st := messaging.Settings{Municipality: actor.Municipality, Quiet: v.Quiet, Zone: strings.TrimSpace(v.Zone),
		UnreadAfter: time.Duration(v.UnreadAfterMinutes) * time.Minute}
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Messaging().SetSettings(ctx, actor, st); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "notice-settings.update", noticeRecord(actor.Municipality))
	})
}

// renameFields renames the refused fields of a validation error.
func renameFields(err error, names map[string]string) error {
	ve, ok := isValidation(err)
	if !ok {
		return err
	}
	out := &domain.ValidationError{}
	for _, f := range ve.Fields {
		if n, ok := names[f.Field]; ok {
			f.Field = n
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}

func (a *app) apiNoticeGet(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v, err := a.readNotices(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiNoticePut(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var v NoticeSettings
	if err := api.DecodeJSON(w, r, &v); err != nil {
		return err
	}
	if err := a.saveNotices(r.Context(), c.Actor, v); err != nil {
		return renameFields(err, map[string]string{"unreadAfter": "unreadAfterMinutes"})
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// noticeContent is the notice settings page: the form's values as saved
// or as typed (quiet-start, quiet-end as HH:MM, zone, unread-after), each
// field's refusal and the summary above the form.
type noticeContent struct {
	Values  map[string]string
	Errors  map[string]string
	Summary []summaryItem
	Saved   bool
}

// noticeLabels names the page's fields by catalog key.
var noticeLabels = map[string]string{
	"quiet-start":  "notices.quietStart",
	"quiet-end":    "notices.quietEnd",
	"zone":         "notices.zone",
	"unread-after": "notices.unreadAfter",
}

// noticeFields are the page's fields in order.
var noticeFields = []string{"quiet-start", "quiet-end", "zone", "unread-after"}

func (a *app) noticePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v, err := a.readNotices(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	values := map[string]string{"quiet-start": clockOf(v.Quiet.Start), "quiet-end": clockOf(v.Quiet.End), "zone": v.Zone,
		"unread-after": strconv.Itoa(v.UnreadAfterMinutes)}
	a.Page(w, r, c, http.StatusOK, "notices", "notices.title", noticeContent{Values: values, Saved: r.URL.Query().Get("saved") == "1"})
	return nil
}

func (a *app) noticeForm(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	r.Body = http.MaxBytesReader(w, r.Body, api.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("unreadable", "the form cannot be read")
	}
	values := map[string]string{}
	for _, f := range noticeFields {
		values[f] = strings.TrimSpace(r.PostForm.Get(f))
	}
	// What cannot be read is out of range, so that the settings' own
	// validation refuses it with every other field at once.
	start, okStart := minutesOf(values["quiet-start"])
	end, okEnd := minutesOf(values["quiet-end"])
	if !okStart {
		start = -1
	}
	if !okEnd {
		end = -1
	}
	unread, errUnread := strconv.Atoi(values["unread-after"])
	if errUnread != nil {
		unread = 0
	}
	err := renameFields(a.saveNotices(r.Context(), c.Actor, NoticeSettings{Quiet: messaging.QuietHours{Start: start, End: end},
		Zone: values["zone"], UnreadAfterMinutes: unread}),
		map[string]string{"quiet.start": "quiet-start", "quiet.end": "quiet-end", "unreadAfter": "unread-after"})
	if err == nil {
		http.Redirect(w, r, "/admin/notices?saved=1", http.StatusSeeOther)
		return nil
	}
	ve, ok := isValidation(err)
	if !ok {
		return err
	}
	content := noticeContent{Values: values, Errors: map[string]string{}}
	for _, f := range ve.Fields {
		if _, known := noticeLabels[f.Field]; !known {
			f.Field = "zone"
		}
		msg := c.Lang.FieldReason(f)
		if old := content.Errors[f.Field]; old != "" {
			msg = old + "; " + msg
		}
		content.Errors[f.Field] = msg
		content.Summary = append(content.Summary, summaryItem{ID: f.Field, Label: c.Lang.T(noticeLabels[f.Field]), Error: c.Lang.FieldReason(f)})
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "notices", "notices.title", content)
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
