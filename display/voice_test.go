package display_test

import (
	"bytes"
	"testing"

	"hallq/assets"
)

// TestShippedVoice: every clip an announcement is made of ships with the
// hub, as Ogg.
func TestShippedVoice(t *testing.T) {
	for _, name := range assets.VoiceClips {
		data, err := assets.ShippedClip(name)
		if err != nil {
			t.Errorf("clip %s is not shipped: %v", name, err)
			continue
		}
		if !bytes.HasPrefix(data, []byte("OggS")) {
			t.Errorf("clip %s is not Ogg", name)
		}
	}
}
