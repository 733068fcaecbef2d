package display

import (
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/assets"
	"hallq/web"
)

// handleSlides answers GET /api/v1/slides: the slides the displays show
// today, in order. A manager may ask for every slide with ?all=true.
func (h *Handler) handleSlides(w http.ResponseWriter, r *http.Request) {
	all := r.URL.Query().Get("all") == "true"
	if all {
		if u := web.UserFrom(r.Context()); u == nil || u.Role != hallq.RoleManager || u.MustChangePassword {
			web.Error(w, r, hallq.Errorf(hallq.EFORBIDDEN, "Only a manager sees the slides not shown today; ask a manager to log in."))
			return
		}
	}
	slides, err := h.Publicity.FindSlides(r.Context(), !all)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, slides)
}

// handleSlideImage answers GET /api/v1/slides/images/{hash}: a slide's
// picture. Its address is its content, so displays keep it for good.
func (h *Handler) handleSlideImage(w http.ResponseWriter, r *http.Request) {
	img, err := h.Publicity.FindSlideImage(r.Context(), chi.URLParam(r, "hash"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	serveBlob(w, img, "public, max-age=31536000, immutable")
}

// voiceReply is the reply of GET /api/v1/voice.
type voiceReply struct {
	Version string   `json:"version"` // "" while the shipped voice plays
	Custom  []string `json:"custom"`  // the clips the hall recorded itself
	Clips   []string `json:"clips"`   // every clip an announcement is made of
}

// handleVoice answers GET /api/v1/voice: which voice the displays play and
// the names of its clips.
func (h *Handler) handleVoice(w http.ResponseWriter, r *http.Request) {
	var version string
	h.Feed.ReadFloor(func(f *hallq.Floor, _ uint64, _ time.Time) { version = f.Voice() })
	custom, err := h.Publicity.FindVoiceClipNames(r.Context())
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, voiceReply{Version: version, Custom: custom, Clips: assets.VoiceClips})
}

// handleVoiceClip answers GET /api/v1/voice/{clip}: the hall's own
// recording of the clip (its name, with or without .ogg), else the shipped
// one. Displays add ?v=<version> so that a new voice is fetched at once.
func (h *Handler) handleVoiceClip(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(chi.URLParam(r, "clip"), ".ogg")
	if !assets.IsVoiceClip(name) {
		web.Error(w, r, hallq.Errorf(hallq.ENOTFOUND, "There is no clip %q; GET /api/v1/voice lists them.", name))
		return
	}
	clip, err := h.Publicity.FindVoiceClip(r.Context(), name)
	if hallq.ErrorCode(err) == hallq.ENOTFOUND {
		var data []byte
		if data, err = assets.ShippedClip(name); err == nil {
			clip = &hallq.Blob{Type: "audio/ogg", Data: data}
		} else {
			err = hallq.Errorf(hallq.ENOTFOUND, "The hub has no recording of clip %s.", name)
		}
	}
	if err != nil {
		web.Error(w, r, err)
		return
	}
	serveBlob(w, clip, "no-cache")
}

// serveBlob writes a stored file with its type and caching.
func serveBlob(w http.ResponseWriter, b *hallq.Blob, cache string) {
	w.Header().Set("Content-Type", b.Type)
	w.Header().Set("Cache-Control", cache)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(b.Data)
}
