package assets

import (
	"io/fs"
	"strconv"
)

// VoiceClips are the names of the recorded clips the displays put their
// announcements together from, as shipped in static/voice/<name>.ogg and as
// a hall may replace them with its own recordings: a chime; in Chinese 请,
// 号到, 号窗口, the digits, 十 and the letters; in English "Ticket", "please go
// to counter", the numbers 0–19 and the tens to 90, and the letters.
var VoiceClips = func() []string {
	names := []string{"chime", "zh-qing", "zh-hao-dao", "zh-hao-chuangkou", "zh-shi", "en-ticket", "en-please-go-to-counter"}
	for d := 0; d <= 9; d++ {
		names = append(names, "zh-"+strconv.Itoa(d))
	}
	for n := 0; n <= 19; n++ {
		names = append(names, "en-"+strconv.Itoa(n))
	}
	for n := 20; n <= 90; n += 10 {
		names = append(names, "en-"+strconv.Itoa(n))
	}
	for c := 'A'; c <= 'Z'; c++ {
		names = append(names, "zh-"+string(c), "en-"+string(c))
	}
	return names
}()

// IsVoiceClip reports whether name is one of VoiceClips.
func IsVoiceClip(name string) bool {
	for _, n := range VoiceClips {
		if n == name {
			return true
		}
	}
	return false
}

// ShippedClip returns the shipped recording of clip name, Ogg Vorbis.
func ShippedClip(name string) ([]byte, error) {
	return fs.ReadFile(FS, "voice/"+name+".ogg")
}
