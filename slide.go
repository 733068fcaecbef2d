package hallq

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// The kinds of slide.
const (
	SlideText  = "text"
	SlideImage = "image"
)

// Slide is one page of the hall's publicity on the waiting-room displays:
// a text, or an image stored by the hub. It shows for Seconds at a time,
// in Order, on the hall days from From to Until (YYYY-MM-DD, inclusive;
// "" for no bound).
type Slide struct {
	ID      uint64
	Kind    string
	Text    Text
	Image   string // the image's content hash; the hub serves it at ImageURL
	Seconds int
	Order   int
	From    string
	Until   string
}

// ImageURL is where an image slide's picture is served: by its content
// hash, so that displays may keep it for good.
func (s *Slide) ImageURL() string {
	if s.Image == "" {
		return ""
	}
	return "/api/v1/slides/images/" + s.Image
}

// MarshalJSON writes the API's Slide object.
func (s Slide) MarshalJSON() ([]byte, error) {
	var text *Text
	if s.Kind == SlideText || s.Text != (Text{}) {
		text = &s.Text
	}
	return json.Marshal(struct {
		ID       uint64 `json:"id"`
		Kind     string `json:"kind"`
		Text     *Text  `json:"text,omitempty"`
		ImageURL string `json:"image_url,omitempty"`
		Seconds  int    `json:"seconds"`
		Order    int    `json:"order"`
		From     string `json:"from,omitempty"`
		Until    string `json:"until,omitempty"`
	}{s.ID, s.Kind, text, s.ImageURL(), s.Seconds, s.Order, s.From, s.Until})
}

// SlideUpdate changes the fields of a slide that are present. A slide's
// kind and image are fixed: a new picture is a new slide.
type SlideUpdate struct {
	Text    *Text   `json:"text"`
	Seconds *int    `json:"seconds"`
	Order   *int    `json:"order"`
	From    *string `json:"from"`
	Until   *string `json:"until"`
	ID      *uint64 `json:"id"`        // read-only: taken back unchanged
	Kind    *string `json:"kind"`      // read-only
	Image   *string `json:"image_url"` // read-only
}

// maxSlides bounds how many slides a hall keeps.
const maxSlides = 100

func (s *Slide) validate() error {
	switch s.Kind {
	case SlideText:
		if err := s.Text.validate("slide text", 300, true); err != nil {
			return WithField(err, "text")
		}
	case SlideImage:
		if s.Image == "" {
			return WithField(Errorf(EINVALID, "An image slide needs its picture."), "image")
		}
		if err := s.Text.validate("slide caption", 300, false); err != nil {
			return WithField(err, "text")
		}
	default:
		return WithField(Errorf(EINVALID, "A slide is of kind text or image; %q is not.", s.Kind), "kind")
	}
	if s.Seconds < 3 || s.Seconds > 600 {
		return WithField(Errorf(EINVALID, "A slide shows for 3 to 600 seconds."), "seconds")
	}
	if s.Order < 0 || s.Order > 9999 {
		return WithField(Errorf(EINVALID, "A slide's order is between 0 and 9999."), "order")
	}
	for _, d := range []struct{ name, day string }{{"from", s.From}, {"until", s.Until}} {
		if d.day == "" {
			continue
		}
		if _, err := time.Parse("2006-01-02", d.day); err != nil {
			return WithField(Errorf(EINVALID, "A slide's %s is a date, YYYY-MM-DD; %q is not.", d.name, d.day), d.name)
		}
	}
	if s.From != "" && s.Until != "" && s.Until < s.From {
		return WithField(Errorf(EINVALID, "A slide's until (%s) is before its from (%s).", s.Until, s.From), "until")
	}
	return nil
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// showsOn reports whether the slide is shown on hall day day.
func (s *Slide) showsOn(day string) bool {
	return (s.From == "" || s.From <= day) && (s.Until == "" || day <= s.Until)
}

// CreateSlide adds slide s, its ID given by the store.
func (f *Floor) CreateSlide(now time.Time, by Actor, s Slide) (*Change, error) {
	now = f.HallTime(now)
	if err := s.validate(); err != nil {
		return nil, err
	}
	if len(f.slides) >= maxSlides {
		return nil, Errorf(ECONFLICT, "The hall has %d slides, the most it keeps; delete one first.", maxSlides)
	}
	ch := f.begin(now, by)
	f.slides = append(f.slides, &s)
	f.sortSlides()
	ch.out.Config = true
	ch.event(Event{Type: SlidesChanged, Subject: itoa(s.ID)})
	return ch.done(), nil
}

// UpdateSlide changes slide id.
func (f *Floor) UpdateSlide(now time.Time, by Actor, id uint64, u SlideUpdate) (*Change, error) {
	now = f.HallTime(now)
	old := f.slide(id)
	if old == nil {
		return nil, Errorf(ENOTFOUND, "Slide %d does not exist.", id)
	}
	switch {
	case u.ID != nil && *u.ID != old.ID:
		return nil, WithField(Errorf(EINVALID, "A slide's id cannot be changed."), "id")
	case u.Kind != nil && *u.Kind != old.Kind:
		return nil, WithField(Errorf(EINVALID, "A slide's kind cannot be changed; make a new slide."), "kind")
	case u.Image != nil && *u.Image != old.ImageURL():
		return nil, WithField(Errorf(EINVALID, "A slide's picture cannot be changed; upload a new slide."), "image_url")
	}
	s := *old
	if u.Text != nil {
		s.Text = *u.Text
	}
	if u.Seconds != nil {
		s.Seconds = *u.Seconds
	}
	if u.Order != nil {
		s.Order = *u.Order
	}
	if u.From != nil {
		s.From = *u.From
	}
	if u.Until != nil {
		s.Until = *u.Until
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	ch := f.begin(now, by)
	*old = s
	f.sortSlides()
	ch.out.Config = true
	ch.event(Event{Type: SlidesChanged, Subject: itoa(id)})
	return ch.done(), nil
}

// DeleteSlide removes slide id.
func (f *Floor) DeleteSlide(now time.Time, by Actor, id uint64) (*Change, error) {
	now = f.HallTime(now)
	if f.slide(id) == nil {
		return nil, Errorf(ENOTFOUND, "Slide %d does not exist.", id)
	}
	ch := f.begin(now, by)
	f.slides = slices.DeleteFunc(f.slides, func(s *Slide) bool { return s.ID == id })
	ch.out.Config = true
	ch.event(Event{Type: SlidesChanged, Subject: itoa(id)})
	return ch.done(), nil
}

// Slides returns every slide, in the order they show.
func (f *Floor) Slides() []Slide {
	out := make([]Slide, 0, len(f.slides))
	for _, s := range f.slides {
		out = append(out, *s)
	}
	return out
}

// Slide returns slide id.
func (f *Floor) Slide(id uint64) (Slide, error) {
	if s := f.slide(id); s != nil {
		return *s, nil
	}
	return Slide{}, Errorf(ENOTFOUND, "Slide %d does not exist.", id)
}

// SlidesToday returns the slides shown today, in the order they show.
func (f *Floor) SlidesToday() []Slide {
	out := []Slide{}
	for _, s := range f.slides {
		if s.showsOn(f.day) {
			out = append(out, *s)
		}
	}
	return out
}

// SlideImages returns the content hashes of every slide's picture.
func (f *Floor) SlideImages() map[string]bool {
	out := map[string]bool{}
	for _, s := range f.slides {
		if s.Image != "" {
			out[s.Image] = true
		}
	}
	return out
}

func (f *Floor) slide(id uint64) *Slide {
	for _, s := range f.slides {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func (f *Floor) sortSlides() {
	slices.SortStableFunc(f.slides, func(a, b *Slide) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return cmpUint(a.ID, b.ID)
	})
}

// SetVoice records that the hall's announcements use recorded clips of
// version (a content hash of the hall's own upload), or the shipped voice
// when version is "".
func (f *Floor) SetVoice(now time.Time, by Actor, version string) (*Change, error) {
	now = f.HallTime(now)
	ch := f.begin(now, by)
	f.voice = version
	ch.out.Config = true
	ch.event(Event{Type: VoiceChanged})
	return ch.done(), nil
}

// Voice returns the version of the hall's own voice, "" for the shipped one.
func (f *Floor) Voice() string { return f.voice }
