package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

var _ hallq.PublicityService = (*Store)(nil)

// Buckets of the hall's publicity and voice.
var (
	bucketImages = []byte("slide_images") // content hash → blobRecord: the slides' pictures
	bucketVoice  = []byte("voice")        // clip name → blobRecord: the hall's own recordings
	keySlideSeq  = []byte("slide_seq")    // in meta: the last slide id given
)

// blobRecord is a stored file: its media type and bytes.
type blobRecord struct {
	Type string `json:"type"`
	Data []byte `json:"data"`
}

// contentHash names a blob by its content: the first 128 bits of its
// SHA-256, in hex.
func contentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

// CreateSlide adds a slide. An image slide comes with its picture, already
// checked, which is kept by its content hash.
func (s *Store) CreateSlide(ctx context.Context, by hallq.Actor, sl hallq.Slide, image *hallq.Blob) (*hallq.Slide, error) {
	res, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		meta := tx.Bucket(bucketMeta)
		var last uint64
		if v := meta.Get(keySlideSeq); v != nil {
			last = btoi(v)
		}
		sl.ID = last + 1
		if image != nil {
			sl.Image = contentHash(image.Data)
		}
		ch, err := s.floor.CreateSlide(now, by, sl)
		if err != nil {
			return nil, nil, err
		}
		if err := meta.Put(keySlideSeq, itob(sl.ID)); err != nil {
			return nil, nil, err
		}
		if image != nil {
			if err := tx.Bucket(bucketImages).Put([]byte(sl.Image), marshal(blobRecord{Type: image.Type, Data: image.Data})); err != nil {
				return nil, nil, err
			}
		}
		created, _ := s.floor.Slide(sl.ID)
		return ch, &created, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.Slide), nil
}

// UpdateSlide changes a slide's text, timing or dates.
func (s *Store) UpdateSlide(ctx context.Context, by hallq.Actor, id uint64, u hallq.SlideUpdate) (*hallq.Slide, error) {
	res, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		ch, err := s.floor.UpdateSlide(now, by, id, u)
		if err != nil {
			return nil, nil, err
		}
		updated, _ := s.floor.Slide(id)
		return ch, &updated, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.Slide), nil
}

// DeleteSlide removes a slide, and its picture when no other slide shows it.
func (s *Store) DeleteSlide(ctx context.Context, by hallq.Actor, id uint64) error {
	_, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		old, err := s.floor.Slide(id)
		if err != nil {
			return nil, nil, err
		}
		ch, err := s.floor.DeleteSlide(now, by, id)
		if err != nil {
			return nil, nil, err
		}
		if old.Image != "" && !s.floor.SlideImages()[old.Image] {
			if err := tx.Bucket(bucketImages).Delete([]byte(old.Image)); err != nil {
				return nil, nil, err
			}
		}
		return ch, nil, nil
	})
	return err
}

// FindSlides returns every slide, or only today's, in the order they show.
func (s *Store) FindSlides(ctx context.Context, todayOnly bool) ([]hallq.Slide, error) {
	var out []hallq.Slide
	s.read(func(f *hallq.Floor) {
		if todayOnly {
			out = f.SlidesToday()
		} else {
			out = f.Slides()
		}
	})
	return out, nil
}

// FindSlide returns slide id.
func (s *Store) FindSlide(ctx context.Context, id uint64) (*hallq.Slide, error) {
	var sl hallq.Slide
	var err error
	s.read(func(f *hallq.Floor) { sl, err = f.Slide(id) })
	if err != nil {
		return nil, err
	}
	return &sl, nil
}

// FindSlideImage returns the picture with the given content hash.
func (s *Store) FindSlideImage(ctx context.Context, hash string) (*hallq.Blob, error) {
	return s.findBlob(bucketImages, hash, "No slide has picture %s.")
}

// SetVoice replaces the hall's own voice with clips (name → recording,
// each already checked), or goes back to the shipped voice when clips is
// empty. The displays fetch the new clips at once.
func (s *Store) SetVoice(ctx context.Context, by hallq.Actor, clips map[string]*hallq.Blob) error {
	_, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		if err := tx.DeleteBucket(bucketVoice); err != nil {
			return nil, nil, fmt.Errorf("clearing the hall's voice: %w", err)
		}
		b, err := tx.CreateBucket(bucketVoice)
		if err != nil {
			return nil, nil, fmt.Errorf("keeping the hall's voice: %w", err)
		}
		version := ""
		if len(clips) > 0 {
			h := sha256.New()
			for _, name := range slices.Sorted(maps.Keys(clips)) {
				c := clips[name]
				fmt.Fprintf(h, "%s\x00%s\x00", name, contentHash(c.Data))
				if err := b.Put([]byte(name), marshal(blobRecord{Type: c.Type, Data: c.Data})); err != nil {
					return nil, nil, err
				}
			}
			version = hex.EncodeToString(h.Sum(nil)[:8])
		}
		ch, err := s.floor.SetVoice(now, by, version)
		return ch, nil, err
	})
	return err
}

// FindVoiceClip returns the hall's own recording of clip name, or
// ENOTFOUND when the hall plays the shipped one.
func (s *Store) FindVoiceClip(ctx context.Context, name string) (*hallq.Blob, error) {
	return s.findBlob(bucketVoice, name, "The hall has no recording of its own named %s.")
}

// FindVoiceClipNames returns the names of the hall's own recordings, in
// order.
func (s *Store) FindVoiceClipNames(ctx context.Context) ([]string, error) {
	out := []string{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketVoice).ForEach(func(k, _ []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	return out, err
}

func (s *Store) findBlob(bucket []byte, key, missing string) (*hallq.Blob, error) {
	var out *hallq.Blob
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucket).Get([]byte(key))
		if v == nil {
			return hallq.Errorf(hallq.ENOTFOUND, missing, key)
		}
		var r blobRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("reading %s %s: %w", bucket, key, err)
		}
		out = &hallq.Blob{Type: r.Type, Data: r.Data}
		return nil
	})
	return out, err
}
