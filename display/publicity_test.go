package display_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"testing"

	"hallq"
	"hallq/assets"
)

func TestSlides(t *testing.T) {
	h := newHub(t)
	s := h.Dial(t, "/ws/display")
	snap := s.Next(t)
	if slides, ok := snap["slides"].([]any); !ok || len(slides) != 0 {
		t.Fatalf("the snapshot's slides %v, want none", snap["slides"])
	}
	last := snap.Seq()

	var pic bytes.Buffer
	png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 16, 9)))
	img, err := h.Store.CreateSlide(t.Context(), admin, hallq.Slide{Kind: hallq.SlideImage, Seconds: 12},
		&hallq.Blob{Type: "image/png", Data: pic.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Store.CreateSlide(t.Context(), admin, hallq.Slide{Kind: hallq.SlideText, Text: hallq.Text{EN: "From next week"},
		Seconds: 5, From: "2026-12-01"}, nil); err != nil {
		t.Fatal(err)
	}
	// The displays take the new slides at once, today's only.
	again := next(t, s, &last, "snapshot")
	if slides := again["slides"].([]any); len(slides) != 1 || slides[0].(map[string]any)["image_url"] != img.ImageURL() {
		t.Errorf("the new snapshot's slides %v, want the picture only", slides)
	}
	var today []map[string]any
	h.Do(t, "GET", "/api/v1/slides", nil).Want(t, http.StatusOK).Decode(t, &today)
	if len(today) != 1 {
		t.Errorf("GET /api/v1/slides: %v, want today's one", today)
	}
	h.Do(t, "GET", "/api/v1/slides?all=true", nil).WantError(t, http.StatusForbidden, hallq.EFORBIDDEN)

	res := h.Do(t, "GET", img.ImageURL(), nil).Want(t, http.StatusOK)
	if !bytes.Equal(res.Body, pic.Bytes()) || res.Header.Get("Content-Type") != "image/png" ||
		res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("the picture: %d bytes, %v", len(res.Body), res.Header)
	}
	h.Do(t, "GET", "/api/v1/slides/images/0123abcd", nil).WantError(t, http.StatusNotFound, hallq.ENOTFOUND)
}

func TestRule(t *testing.T) {
	h := newHub(t)
	var d struct {
		Rule struct {
			HeadStartMaxS int `json:"head_start_max_s"`
			TopTiers      []struct {
				ID         string
				HeadStartS int `json:"head_start_s"`
			} `json:"top_tiers"`
			GeneralCounters []struct{ ID string } `json:"general_counters"`
			VIPWindows      []struct{ ID string } `json:"vip_windows"`
			SpareTime       []any                 `json:"spare_time"`
		}
		TimeZone string `json:"time_zone"`
	}
	h.Do(t, "GET", "/api/v1/display", nil).Want(t, http.StatusOK).Decode(t, &d)
	r := d.Rule
	if r.HeadStartMaxS != 1800 || len(r.TopTiers) != 1 || r.TopTiers[0].ID != "platinum" ||
		len(r.GeneralCounters) != 3 || len(r.VIPWindows) != 1 || r.VIPWindows[0].ID != "4" || len(r.SpareTime) != 0 {
		t.Errorf("the default hall's rule: %+v", r)
	}
	if d.TimeZone != "Asia/Shanghai" {
		t.Errorf("time zone %q", d.TimeZone)
	}
}

func TestVoice(t *testing.T) {
	h := newHub(t)
	ogg := []byte("OggS the hall's own chime")
	if err := h.Store.SetVoice(t.Context(), admin, map[string]*hallq.Blob{"chime": {Type: "audio/ogg", Data: ogg}}); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Version string
		Custom  []string
		Clips   []string
	}
	h.Do(t, "GET", "/api/v1/voice", nil).Want(t, http.StatusOK).Decode(t, &v)
	if v.Version == "" || len(v.Custom) != 1 || v.Custom[0] != "chime" || len(v.Clips) != len(assets.VoiceClips) {
		t.Errorf("voice %+v", v)
	}
	res := h.Do(t, "GET", "/api/v1/voice/chime.ogg?v="+v.Version, nil).Want(t, http.StatusOK)
	if !bytes.Equal(res.Body, ogg) || res.Header.Get("Content-Type") != "audio/ogg" {
		t.Errorf("the hall's chime: %q %v", res.Body, res.Header)
	}
	h.Do(t, "GET", "/api/v1/voice/hello.ogg", nil).WantError(t, http.StatusNotFound, hallq.ENOTFOUND)
	if _, err := assets.ShippedClip("zh-qing"); err == nil {
		res := h.Do(t, "GET", "/api/v1/voice/zh-qing.ogg", nil).Want(t, http.StatusOK)
		if !bytes.HasPrefix(res.Body, []byte("OggS")) {
			t.Errorf("the shipped clip zh-qing is not Ogg: %q", res.Body[:8])
		}
	}
}

// TestSocketNotUpgraded: a plain GET of a websocket address is answered in
// the API's error shape.
func TestSocketNotUpgraded(t *testing.T) {
	h := newHub(t)
	h.Do(t, "GET", "/ws/display", nil).WantError(t, http.StatusBadRequest, hallq.EINVALID)
}
