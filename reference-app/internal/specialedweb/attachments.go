package specialedweb

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/specialed"
)

// The largest bodies the attachment routes read: the library's largest
// attachment (in base64 for the API) and a margin for the rest of the
// request, so that a file just too large reaches the library and is
// refused there with its field (422), and a body far too large is a 413.
const (
	attachmentMargin    = 64 << 10
	attachmentBodyLimit = int64((specialed.MaxAttachment+2)/3*4) + attachmentMargin
	attachmentFormLimit = int64(specialed.MaxAttachment) + 1<<20
)

// AttachmentRequest adds a file to a case; Content is the file in base64
// (standard alphabet, padded).
type AttachmentRequest struct {
	Name      string `json:"name"`
	MediaType string `json:"mediaType"`
	Content   []byte `json:"content"`
}

func attachmentID(r *http.Request) (specialed.AttachmentID, error) {
	id, err := api.PathID[specialed.Attachment](r, "attachmentId")
	if err != nil {
		return specialed.AttachmentID{}, fmt.Errorf("specialedweb: attachment: %w", domain.ErrNotFound)
	}
	return id, nil
}

// checkMediaType refuses a media type that is not type/subtype (the
// library checks only that it is one line); a blank one is the library's
// to refuse as required.
func checkMediaType(mt string) error {
	if strings.TrimSpace(mt) == "" {
		return nil
	}
	parsed, _, err := mime.ParseMediaType(mt)
	if err != nil || !strings.Contains(parsed, "/") || strings.HasPrefix(parsed, "/") || strings.HasSuffix(parsed, "/") {
		return domain.Invalid("mediaType", ReasonNotAMediaType)
	}
	return nil
}

// addAttachment checks the media type and adds the file through the
// library, which decides who may and refuses a bad name or size.
func (a *app) addAttachment(r *http.Request, c *web.Call, id specialed.CaseID, name, mediaType string, content []byte) (specialed.Attachment, error) {
	s, err := a.service()
	if err != nil {
		return specialed.Attachment{}, err
	}
	// Who may see the case first: an outsider learns nothing, not even
	// that the media type was wrong.
	if _, err := s.Case(r.Context(), c.Actor, id); err != nil {
		return specialed.Attachment{}, err
	}
	if err := checkMediaType(mediaType); err != nil {
		return specialed.Attachment{}, err
	}
	return s.AddAttachment(r.Context(), c.Actor, id, name, mediaType, content)
}

func (a *app) apiAddAttachment(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &api.HTTPError{Status: http.StatusUnsupportedMediaType, Kind: "media-type", Detail: "send application/json"}
		}
	}
	body, err := api.ReadBodyLimit(w, r, attachmentBodyLimit)
	if err != nil {
		return err
	}
	var req AttachmentRequest
	if err := api.DecodeStrict(body, &req); err != nil {
		return err
	}
	at, err := a.addAttachment(r, c, id, req.Name, req.MediaType, req.Content)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, at)
	return nil
}

func (a *app) apiAttachments(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	s, err := a.service()
	if err != nil {
		return err
	}
	as, err := s.Attachments(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	if as == nil {
		as = []specialed.Attachment{}
	}
	api.WriteJSON(w, http.StatusOK, as)
	return nil
}

// downloadAttachment sends the file as its media type, to be saved and
// not shown: Content-Disposition attachment with the name encoded as RFC
// 6266 and 2231 say, nosniff, and a sandbox should a browser show it
// anyway.
func (a *app) downloadAttachment(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	aid, err := attachmentID(r)
	if err != nil {
		return err
	}
	s, err := a.service()
	if err != nil {
		return err
	}
	at, err := s.Attachment(r.Context(), c.Actor, aid)
	if err != nil {
		return err
	}
	if at.Case != id {
		return fmt.Errorf("specialedweb: the attachment is another case's: %w", domain.ErrNotFound)
	}
	ct := "application/octet-stream"
	if mt, params, err := mime.ParseMediaType(at.MediaType); err == nil && strings.Contains(mt, "/") {
		ct = mime.FormatMediaType(mt, params)
		if ct == "" {
			ct = "application/octet-stream"
		}
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": at.Name})
	if disposition == "" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Content-Length", fmt.Sprint(len(at.Content)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(at.Content)
	return err
}

// attachmentSubmit adds the file of the case page's upload form (field
// "file"); its media type is the one the browser sent, else
// application/octet-stream.
func (a *app) attachmentSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var name, mediaType string
	var content []byte
	f, hdr, ferr := r.FormFile("file")
	if ferr == nil {
		defer f.Close()
		name = hdr.Filename
		mediaType = hdr.Header.Get("Content-Type")
		if checkMediaType(mediaType) != nil || strings.TrimSpace(mediaType) == "" {
			mediaType = "application/octet-stream"
		}
		if content, err = io.ReadAll(io.LimitReader(f, attachmentFormLimit)); err != nil {
			return api.BadRequest("unreadable", "the file cannot be read")
		}
	}
	if ferr != nil {
		// No file chosen: one problem, at the file, once the caller is
		// known to see the case.
		s, err := a.service()
		if err != nil {
			return err
		}
		if _, err := s.Case(r.Context(), c.Actor, id); err != nil {
			return err
		}
		err = domain.Invalid("content", specialed.ReasonRequired)
		problems, invalid, _ := a.refusal(c, err)
		return a.caseRender(w, r, c, http.StatusUnprocessableEntity, "attachment", nil, problems, invalid)
	}
	_, err = a.addAttachment(r, c, id, name, mediaType, content)
	if err != nil {
		if problems, invalid, ok := a.refusal(c, err); ok {
			return a.caseRender(w, r, c, http.StatusUnprocessableEntity, "attachment", nil, problems, invalid)
		}
		return err
	}
	http.Redirect(w, r, pageBase+"/cases/"+id.String()+"?saved=1", http.StatusSeeOther)
	return nil
}
