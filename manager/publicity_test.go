package manager_test

import (
	"archive/zip"
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"hallq/internal/hubtest"
)

// slide is the API's Slide, as these tests read it.
type slide struct {
	ID       uint64            `json:"id"`
	Kind     string            `json:"kind"`
	Text     map[string]string `json:"text"`
	ImageURL string            `json:"image_url"`
	Seconds  int               `json:"seconds"`
	Order    int               `json:"order"`
	From     string            `json:"from"`
	Until    string            `json:"until"`
}

// pngOf returns a w×h PNG.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imageForm returns a multipart body with the picture in field image and
// the other fields given.
func imageForm(t *testing.T, picture []byte, fields map[string]string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if picture != nil {
		fw, _ := mw.CreateFormFile("image", "promo.png")
		fw.Write(picture)
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

func TestHandler_Slides(t *testing.T) {
	h, admin := newHub(t)
	var text slide
	h.Do(t, "POST", "/api/v1/slides", `{"text": {"en": "Open on Saturdays", "zh": "周六营业"}, "seconds": 8, "order": 2}`, admin).
		Want(t, http.StatusCreated).Decode(t, &text)
	if text.ID == 0 || text.Kind != "text" || text.Text["zh"] != "周六营业" || text.Seconds != 8 {
		t.Errorf("text slide %+v", text)
	}

	ctype, body := imageForm(t, pngOf(t, 64, 36), map[string]string{"seconds": "15", "order": "1", "until": "2026-12-31"})
	var img slide
	h.Do(t, "POST", "/api/v1/slides", body, admin, hubtest.Header("Content-Type", ctype)).Want(t, http.StatusCreated).Decode(t, &img)
	if img.Kind != "image" || !strings.HasPrefix(img.ImageURL, "/api/v1/slides/images/") || img.Seconds != 15 || img.Until != "2026-12-31" {
		t.Errorf("image slide %+v", img)
	}
	if s, err := h.Store.FindSlides(t.Context(), false); err != nil || len(s) != 2 || s[0].ID != img.ID {
		t.Errorf("slides %+v, %v; want the image (order 1) first", s, err)
	}

	// PUT takes back what GET returned.
	var got slide
	res := h.Do(t, "GET", "/api/v1/slides/"+itoa(text.ID), nil, admin).Want(t, http.StatusOK)
	res.Decode(t, &got)
	changed := strings.Replace(string(res.Body), `"seconds":8`, `"seconds":20`, 1)
	h.Do(t, "PUT", "/api/v1/slides/"+itoa(text.ID), changed, admin).Want(t, http.StatusOK).Decode(t, &got)
	if got.Seconds != 20 {
		t.Errorf("after PUT: %+v", got)
	}
	h.Do(t, "PUT", "/api/v1/slides/"+itoa(text.ID), `{"kind": "image"}`, admin).WantError(t, http.StatusBadRequest, "invalid")

	for name, tt := range map[string]struct {
		body   string
		status int
		code   string
	}{
		"NoText":       {`{"text": {}}`, 400, "invalid"},
		"ShortSeconds": {`{"text": {"en": "x"}, "seconds": 1}`, 400, "invalid"},
		"BadDate":      {`{"text": {"en": "x"}, "from": "12/01/2026"}`, 400, "invalid"},
		"UntilBefore":  {`{"text": {"en": "x"}, "from": "2026-12-05", "until": "2026-12-01"}`, 400, "invalid"},
		"Unknown":      {`{"text": {"en": "x"}, "colour": "red"}`, 400, "invalid"},
	} {
		t.Run(name, func(t *testing.T) { h.Do(t, "POST", "/api/v1/slides", tt.body, admin).WantError(t, tt.status, tt.code) })
	}
	t.Run("NotAnImage", func(t *testing.T) {
		ctype, body := imageForm(t, []byte("GIF89a not really"), nil)
		h.Do(t, "POST", "/api/v1/slides", body, admin, hubtest.Header("Content-Type", ctype)).WantError(t, http.StatusBadRequest, "invalid")
	})
	t.Run("TooLarge", func(t *testing.T) {
		big := append(pngOf(t, 8, 8), make([]byte, 2<<20)...)
		ctype, body := imageForm(t, big, nil)
		h.Do(t, "POST", "/api/v1/slides", body, admin, hubtest.Header("Content-Type", ctype)).WantError(t, http.StatusRequestEntityTooLarge, "too_large")
	})
	t.Run("Staff", func(t *testing.T) {
		staff := hubtest.Bearer(h.Staff(t, "clerk01"))
		h.Do(t, "POST", "/api/v1/slides", `{"text": {"en": "x"}}`, staff).WantError(t, http.StatusForbidden, "forbidden")
	})

	h.Do(t, "DELETE", "/api/v1/slides/"+itoa(img.ID), nil, admin).Want(t, http.StatusNoContent)
	h.Do(t, "DELETE", "/api/v1/slides/"+itoa(img.ID), nil, admin).WantError(t, http.StatusNotFound, "not_found")
	if _, err := h.Store.FindSlideImage(t.Context(), strings.TrimPrefix(img.ImageURL, "/api/v1/slides/images/")); err == nil {
		t.Error("the deleted slide's picture is still kept")
	}
}

// voiceZip returns a zip of the named files.
func voiceZip(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range files {
		w, _ := zw.Create(name)
		w.Write(data)
	}
	zw.Close()
	return b.Bytes()
}

func TestHandler_Voice(t *testing.T) {
	h, admin := newHub(t)
	ogg := []byte("OggS\x00\x02 a recording")
	zipped := hubtest.Header("Content-Type", "application/zip")
	h.Do(t, "PUT", "/api/v1/voice", voiceZip(t, map[string][]byte{"chime.ogg": ogg, "voice/zh-qing.ogg": ogg}), admin, zipped).
		Want(t, http.StatusNoContent)
	clip, err := h.Store.FindVoiceClip(t.Context(), "zh-qing")
	if err != nil || !bytes.Equal(clip.Data, ogg) || clip.Type != "audio/ogg" {
		t.Errorf("the uploaded clip: %+v, %v", clip, err)
	}
	for name, files := range map[string]map[string][]byte{
		"UnknownClip": {"hello.ogg": ogg},
		"NotAudio":    {"chime.ogg": []byte("not ogg")},
		"Format":      {"chime.flac": ogg},
		"Empty":       {},
	} {
		t.Run(name, func(t *testing.T) {
			h.Do(t, "PUT", "/api/v1/voice", voiceZip(t, files), admin, zipped).WantError(t, http.StatusBadRequest, "invalid")
		})
	}
	h.Do(t, "PUT", "/api/v1/voice", "not a zip", admin, zipped).WantError(t, http.StatusBadRequest, "invalid")
	h.Do(t, "DELETE", "/api/v1/voice", nil, admin).Want(t, http.StatusNoContent)
	if _, err := h.Store.FindVoiceClip(t.Context(), "zh-qing"); err == nil {
		t.Error("the hall's own clip is kept after going back to the shipped voice")
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
