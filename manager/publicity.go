package manager

import (
	"archive/zip"
	"bytes"
	"image"
	_ "image/jpeg" // slides may be JPEG pictures
	_ "image/png"  // or PNG
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/assets"
	"hallq/web"
)

// Limits of the hall's publicity and voice.
const (
	maxSlideImage = 2 << 20  // a slide's picture
	maxImageSide  = 8192     // pixels, either way
	maxVoiceZip   = 16 << 20 // the hall's whole voice
	maxVoiceClip  = 1 << 20  // one clip
)

// handleSlideCreate answers POST /api/v1/slides: a text slide as JSON
// {text, seconds, order, from?, until?}, or an image slide as
// multipart/form-data with the picture (PNG or JPEG, at most 2 MiB) in
// field "image" and the other fields beside it.
func (h *Handler) handleSlideCreate(w http.ResponseWriter, r *http.Request) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var s hallq.Slide
	var img *hallq.Blob
	var err error
	if mediaType == "multipart/form-data" {
		s, img, err = readImageSlide(w, r)
	} else {
		var req struct {
			Kind    string     `json:"kind"`
			Text    hallq.Text `json:"text"`
			Seconds *int       `json:"seconds"`
			Order   int        `json:"order"`
			From    string     `json:"from"`
			Until   string     `json:"until"`
		}
		if err = web.Decode(w, r, &req); err == nil {
			s = hallq.Slide{Kind: hallq.SlideText, Text: req.Text, Seconds: 10, Order: req.Order, From: req.From, Until: req.Until}
			if req.Seconds != nil {
				s.Seconds = *req.Seconds
			}
			if req.Kind != "" && req.Kind != hallq.SlideText {
				err = hallq.WithField(hallq.Errorf(hallq.EINVALID, "An image slide is sent as multipart/form-data with the picture in field image."), "kind")
			}
		}
	}
	if err != nil {
		web.Error(w, r, err)
		return
	}
	created, err := h.Publicity.CreateSlide(r.Context(), web.ActorFrom(r.Context()), s, img)
	reply(w, r, http.StatusCreated, created, err)
}

// readImageSlide reads an image slide from a multipart form.
func readImageSlide(w http.ResponseWriter, r *http.Request) (hallq.Slide, *hallq.Blob, error) {
	s := hallq.Slide{Kind: hallq.SlideImage, Seconds: 10}
	r.Body = http.MaxBytesReader(w, r.Body, maxSlideImage+64<<10)
	if err := r.ParseMultipartForm(maxSlideImage + 64<<10); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return s, nil, hallq.WithField(hallq.Errorf(hallq.ETOOLARGE, "A slide's picture is at most 2 MiB."), "image")
		}
		return s, nil, hallq.Errorf(hallq.EINVALID, "The form could not be read; send the picture in field image.")
	}
	defer r.MultipartForm.RemoveAll()
	for _, f := range []struct {
		name string
		v    *int
	}{{"seconds", &s.Seconds}, {"order", &s.Order}} {
		if v := r.FormValue(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return s, nil, hallq.WithField(hallq.Errorf(hallq.EINVALID, "%s is a whole number; %q is not.", f.name, v), f.name)
			}
			*f.v = n
		}
	}
	s.From, s.Until = r.FormValue("from"), r.FormValue("until")
	s.Text = hallq.Text{EN: r.FormValue("text_en"), ZH: r.FormValue("text_zh")}
	file, _, err := r.FormFile("image")
	if err != nil {
		return s, nil, hallq.WithField(hallq.Errorf(hallq.EINVALID, "An image slide needs its picture in field image."), "image")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxSlideImage+1))
	if err != nil {
		return s, nil, hallq.Errorf(hallq.EINVALID, "The picture could not be read; please send it again.")
	}
	img, err := checkSlideImage(data)
	return s, img, err
}

// checkSlideImage checks a slide's picture: a PNG or JPEG, at most 2 MiB,
// that decodes, of a sensible size.
func checkSlideImage(data []byte) (*hallq.Blob, error) {
	if len(data) > maxSlideImage {
		return nil, hallq.WithField(hallq.Errorf(hallq.ETOOLARGE, "A slide's picture is at most 2 MiB."), "image")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "png" && format != "jpeg" {
		return nil, hallq.WithField(hallq.Errorf(hallq.EINVALID, "A slide's picture is a PNG or JPEG file."), "image")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxImageSide || cfg.Height > maxImageSide {
		return nil, hallq.WithField(hallq.Errorf(hallq.EINVALID, "A slide's picture is at most %d pixels either way.", maxImageSide), "image")
	}
	return &hallq.Blob{Type: "image/" + format, Data: data}, nil
}

// slideID reads the slide id of the path.
func slideID(r *http.Request) (uint64, error) {
	id, err := strconv.ParseUint(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return 0, hallq.Errorf(hallq.ENOTFOUND, "Slide %q does not exist.", chi.URLParam(r, "id"))
	}
	return id, nil
}

// handleSlideGet answers GET /api/v1/slides/{id}.
func (h *Handler) handleSlideGet(w http.ResponseWriter, r *http.Request) {
	id, err := slideID(r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	s, err := h.Publicity.FindSlide(r.Context(), id)
	reply(w, r, http.StatusOK, s, err)
}

// handleSlideUpdate answers PUT /api/v1/slides/{id}: text, seconds, order,
// dates. It takes back what GET returned.
func (h *Handler) handleSlideUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := slideID(r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	var u hallq.SlideUpdate
	if err := web.Decode(w, r, &u); err != nil {
		web.Error(w, r, err)
		return
	}
	s, err := h.Publicity.UpdateSlide(r.Context(), web.ActorFrom(r.Context()), id, u)
	reply(w, r, http.StatusOK, s, err)
}

// handleSlideDelete answers DELETE /api/v1/slides/{id}.
func (h *Handler) handleSlideDelete(w http.ResponseWriter, r *http.Request) {
	id, err := slideID(r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	noContent(w, r, h.Publicity.DeleteSlide(r.Context(), web.ActorFrom(r.Context()), id))
}

// handleVoiceUpdate answers PUT /api/v1/voice: a zip (application/zip) of
// the hall's own recordings, each named as a clip of GET /api/v1/voice with
// .ogg, .mp3 or .wav; the clips it leaves out keep the shipped recording.
// It replaces any earlier upload as a whole.
func (h *Handler) handleVoiceUpdate(w http.ResponseWriter, r *http.Request) {
	body, err := web.ReadBody(w, r, maxVoiceZip)
	if err == nil {
		var clips map[string]*hallq.Blob
		if clips, err = readVoiceZip(body); err == nil {
			err = h.Publicity.SetVoice(r.Context(), web.ActorFrom(r.Context()), clips)
		}
	}
	noContent(w, r, err)
}

// handleVoiceDelete answers DELETE /api/v1/voice: back to the shipped voice.
func (h *Handler) handleVoiceDelete(w http.ResponseWriter, r *http.Request) {
	noContent(w, r, h.Publicity.SetVoice(r.Context(), web.ActorFrom(r.Context()), nil))
}

// audioTypes are the recordings a hall may upload, by file extension.
var audioTypes = map[string]string{".ogg": "audio/ogg", ".mp3": "audio/mpeg", ".wav": "audio/wav"}

// readVoiceZip reads a voice upload: every file a known clip, once, in a
// format browsers play, of at most 1 MiB.
func readVoiceZip(body []byte) (map[string]*hallq.Blob, error) {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return nil, hallq.Errorf(hallq.EINVALID, "The voice is a zip file of recordings; this is not a zip file.")
	}
	clips := map[string]*hallq.Blob{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		base := path.Base(f.Name)
		ext := strings.ToLower(path.Ext(base))
		name := strings.TrimSuffix(base, path.Ext(base))
		typ, ok := audioTypes[ext]
		switch {
		case !ok:
			return nil, hallq.Errorf(hallq.EINVALID, "%s: a recording is an .ogg, .mp3 or .wav file.", f.Name)
		case !assets.IsVoiceClip(name):
			return nil, hallq.Errorf(hallq.EINVALID, "%s: there is no clip %q; GET /api/v1/voice lists them.", f.Name, name)
		case clips[name] != nil:
			return nil, hallq.Errorf(hallq.EINVALID, "%s: clip %s is in the zip twice.", f.Name, name)
		case f.UncompressedSize64 > maxVoiceClip:
			return nil, hallq.Errorf(hallq.ETOOLARGE, "%s: a clip is at most 1 MiB.", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, hallq.Errorf(hallq.EINVALID, "%s cannot be read from the zip.", f.Name)
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxVoiceClip+1))
		rc.Close()
		if err != nil || len(data) > maxVoiceClip {
			return nil, hallq.Errorf(hallq.EINVALID, "%s cannot be read from the zip, or is over 1 MiB.", f.Name)
		}
		if !isAudio(typ, data) {
			return nil, hallq.Errorf(hallq.EINVALID, "%s is not a %s recording.", f.Name, strings.TrimPrefix(ext, "."))
		}
		clips[name] = &hallq.Blob{Type: typ, Data: data}
	}
	if len(clips) == 0 {
		return nil, hallq.Errorf(hallq.EINVALID, "The zip holds no recordings; DELETE /api/v1/voice brings back the shipped voice.")
	}
	return clips, nil
}

// isAudio checks the first bytes of a recording against its type.
func isAudio(typ string, data []byte) bool {
	switch typ {
	case "audio/ogg":
		return bytes.HasPrefix(data, []byte("OggS"))
	case "audio/wav":
		return len(data) > 12 && bytes.HasPrefix(data, []byte("RIFF")) && string(data[8:12]) == "WAVE"
	case "audio/mpeg":
		return bytes.HasPrefix(data, []byte("ID3")) || len(data) > 1 && data[0] == 0xFF && data[1]&0xE0 == 0xE0
	}
	return false
}
