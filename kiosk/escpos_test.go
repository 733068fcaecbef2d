package kiosk_test

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/skip2/go-qrcode"

	"hallq"
	"hallq/kiosk"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func TestPrinterText(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string // want in hex
	}{
		{"ASCII", "A023 Personal", hex.EncodeToString([]byte("A023 Personal"))},
		{"Chinese", "个人业务", "b8f6c8cbd2b5cef1"},
		{"Mixed", "A023 个人业务", hex.EncodeToString([]byte("A023 ")) + "b8f6c8cbd2b5cef1"},
		{"Latin", "é", "a8a6"},
		{"NoCommands", "\x1b@\x1dV\x10\x04\x01", "2040205620" + "2020"},
		{"C1Controls", "a\u0085b", "612062"},
		{"FourBytes", "a😀b", "613f62"},
		{"InvalidUTF8", "a\xffb", "613f62"},
		{"EnDash", "5–15 分钟", hex.EncodeToString([]byte("5-15 ")) + "b7d6d6d3"},
		{"EmDash", "a—b", "61a1aa62"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := hex.EncodeToString(kiosk.PrinterText(tt.in)); got != tt.want {
				t.Errorf("PrinterText(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestRaster(t *testing.T) {
	header := func(xBytes, y int) []byte {
		return []byte{0x1d, 'v', '0', 0, byte(xBytes), byte(xBytes >> 8), byte(y), byte(y >> 8)}
	}
	for _, tt := range []struct {
		name   string
		bitmap [][]bool
		scale  int
		want   []byte
	}{
		{"Diagonal", [][]bool{{true, false}, {false, true}}, 1,
			append(header(1, 2), 0x80, 0x40)},
		{"Scaled", [][]bool{{true, false}, {false, true}}, 2,
			append(header(1, 4), 0xc0, 0xc0, 0x30, 0x30)},
		{"PaddedToBytes", [][]bool{{true, false, false, false, false, false, false, false, true}}, 1,
			append(header(2, 1), 0x80, 0x80)},
		{"WideRows", [][]bool{{false, true, true}}, 4,
			append(header(2, 4), 0x0f, 0xf0, 0x0f, 0xf0, 0x0f, 0xf0, 0x0f, 0xf0)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := kiosk.Raster(tt.bitmap, tt.scale); !bytes.Equal(got, tt.want) {
				t.Errorf("Raster = % x, want % x", got, tt.want)
			}
		})
	}
}

// A ticket's QR code is a raster image of its status URL, about 240 dots
// wide on a 576-dot line, and never holds a real-time command (no lone
// dot, 0x10, in its data).
func TestRasterQR(t *testing.T) {
	for _, url := range []string{
		"http://hall.test/t/AAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAA",
		"https://branch-0421.example-bank.com.cn:8443/t/AAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAA",
		"http://192.168.1.2:8080/t/x",
	} {
		t.Run(url, func(t *testing.T) {
			got, err := kiosk.RasterQR(url)
			if err != nil {
				t.Fatal(err)
			}
			q, err := qrcode.New(url, qrcode.Medium)
			if err != nil {
				t.Fatal(err)
			}
			bitmap := q.Bitmap()
			scale := 240 / len(bitmap)
			if want := kiosk.Raster(bitmap, scale); !bytes.Equal(got, want) {
				t.Fatalf("the QR raster is not the code's bitmap at %d dots a module", scale)
			}
			if dots := len(bitmap) * scale; dots < 200 || dots > 260 {
				t.Errorf("the QR code is %d dots wide, want 200 to 260", dots)
			}
			if bytes.IndexByte(got[8:], 0x10) >= 0 {
				t.Errorf("the image data holds a DLE byte")
			}
		})
	}
}

func TestAheadText(t *testing.T) {
	for _, tt := range []struct {
		n      int
		en, zh string
	}{
		{0, "You are next", "下一位就是您"},
		{1, "1 person ahead", "前面还有 1 人"},
		{12, "12 people ahead", "前面还有 12 人"},
	} {
		if got := kiosk.AheadText(tt.n); got.EN != tt.en || got.ZH != tt.zh {
			t.Errorf("AheadText(%d) = %q, want %q / %q", tt.n, got, tt.en, tt.zh)
		}
	}
}

// The slip says the wait in the words of every page: waitWords in
// i18n.js, as the kiosk's screens and the phone say it.
func TestWaitText(t *testing.T) {
	for _, tt := range []struct {
		eta, low, high int
		reason         string
		en, zh         string
	}{
		{0, 0, 0, "", "less than a minute", "不到 1 分钟"},
		{0, 0, 30, "", "less than a minute", "不到 1 分钟"},
		{50, 45, 59, "", "less than a minute", "不到 1 分钟"},
		{0, 0, 60, "", "under a minute (up to 1 min)", "不到 1 分钟（1 分钟以内）"},
		{100, 0, 150, "", "about 2 min (up to 3 min)", "约 2 分钟（3 分钟以内）"},
		{200, 59, 360, "", "about 4 min (up to 6 min)", "约 4 分钟（6 分钟以内）"},
		{200, 60, 360, "", "about 4 min (1–6 min)", "约 4 分钟（1–6 分钟）"},
		{600, 300, 900, "", "about 10 min (5–15 min)", "约 10 分钟（5–15 分钟）"},
		{600, 330, 899, "", "about 10 min (6–15 min)", "约 10 分钟（6–15 分钟）"},
		{600, 600, 600, "", "about 10 min", "约 10 分钟"},
		{595, 590, 600, "", "about 10 min", "约 10 分钟"},
		{0, 0, 0, hallq.EtaNoCounter, "no counter is serving A now", "目前没有窗口办理A业务"},
	} {
		got := kiosk.WaitText(tt.eta, tt.low, tt.high, tt.reason, "A")
		if want := (hallq.Text{EN: "Estimated wait: " + tt.en, ZH: "预计等候 " + tt.zh}); got != want {
			t.Errorf("WaitText(%d, %d, %d, %q) = %q, want %q", tt.eta, tt.low, tt.high, tt.reason, got, want)
		}
	}
}

// testSlip is a slip as the default hall prints it.
var testSlip = kiosk.Slip{
	Lang:      "zh",
	Hall:      hallq.Text{EN: "Service Hall", ZH: "服务大厅"},
	Number:    "A023",
	Service:   hallq.Text{EN: "Personal", ZH: "个人业务"},
	IssuedAt:  time.Date(2026, 11, 25, 17, 4, 0, 0, time.FixedZone("CST", 8*3600)),
	Waiting:   true,
	Ahead:     3,
	ServiceID: "A",
	EtaS:      600,
	EtaLowS:   300,
	EtaHighS:  900,
	URL:       "http://hall.test/t/AAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAA",
}

// line returns s in GB18030 as one line, as the printer gets it.
func line(s string) []byte { return append(kiosk.PrinterText(s), '\n') }

func TestSlip(t *testing.T) {
	job, err := kiosk.SlipESCPOS(testSlip)
	if err != nil {
		t.Fatal(err)
	}
	qr, err := kiosk.RasterQR(testSlip.URL)
	if err != nil {
		t.Fatal(err)
	}
	// Each piece in the order it prints.
	pieces := [][]byte{
		{0x1b, '@'},    // init
		{0x1c, '&'},    // Chinese mode
		{0x1b, 'a', 1}, // centred
		line("服务大厅"),   // the hall
		line("Service Hall"),
		{0x1d, '!', 0x33}, // the number, four times the size
		line("A023"),
		{0x1d, '!', 0x00},
		line("个人业务"),
		line("Personal"),
		line("2026-11-25 17:04"),
		line("前面还有 3 人"),
		line("3 people ahead"),
		line("预计等候 约 10 分钟（5–15 分钟）"),
		line("Estimated wait: about 10 min (5–15 min)"),
		line("扫码查看排队进度"),
		line("Scan to follow your turn"),
		qr,
		{0x1b, 'd', 3, 0x1d, 'V', 66, 0}, // feed and partial cut
	}
	rest := job
	for i, p := range pieces {
		at := bytes.Index(rest, p)
		if at < 0 {
			t.Fatalf("piece %d (% x) is missing, or out of order", i, p)
		}
		rest = rest[at+len(p):]
	}
	if len(rest) != 0 {
		t.Errorf("% x after the cut", rest)
	}
	if !bytes.HasPrefix(job, []byte{0x1b, '@'}) {
		t.Errorf("the job does not start with ESC @")
	}
	if bytes.Contains(job, []byte{0x10}) {
		t.Errorf("the job holds a DLE byte, which a printer could take for a real-time command")
	}
	if !bytes.Contains(job, []byte("Estimated wait: about 10 min (5-15 min)\n")) {
		t.Errorf("the wait's range is not printed with a hyphen, which every printer font has")
	}

	golden := filepath.Join("testdata", "slip.escpos")
	if *update {
		if err := os.WriteFile(golden, job, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(job, want) {
		t.Errorf("the job differs from %s; run go test -update if the change is meant", golden)
	}
}

// A slip prints each line in the ticket's language first, then in the
// other, as the browser prints a ticket; a language the hall does not
// speak counts as its first, English.
func TestSlip_Language(t *testing.T) {
	zhFirst := [][]string{
		{"服务大厅", "Service Hall"},
		{"个人业务", "Personal"},
		{"前面还有 3 人", "3 people ahead"},
		{"预计等候 约 10 分钟（5–15 分钟）", "Estimated wait: about 10 min (5–15 min)"},
		{"扫码查看排队进度", "Scan to follow your turn"},
	}
	for _, tt := range []struct {
		lang    string
		enFirst bool
	}{{"zh", false}, {"en", true}, {"", true}, {"fr", true}} {
		t.Run(tt.lang, func(t *testing.T) {
			s := testSlip
			s.Lang = tt.lang
			job, err := kiosk.SlipESCPOS(s)
			if err != nil {
				t.Fatal(err)
			}
			for _, pair := range zhFirst {
				first, second := pair[0], pair[1]
				if tt.enFirst {
					first, second = second, first
				}
				if !bytes.Contains(job, append(line(first), line(second)...)) {
					t.Errorf("the slip does not print %q, then %q", first, second)
				}
			}
		})
	}
}

// A ticket that is no longer waiting prints without a place in the queue.
func TestSlip_NotWaiting(t *testing.T) {
	s := testSlip
	s.Waiting = false
	job, err := kiosk.SlipESCPOS(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"people ahead", "Estimated wait"} {
		if bytes.Contains(job, []byte(p)) {
			t.Errorf("the slip of a called ticket says %q", p)
		}
	}
}

// A slip with one name for both languages prints it once.
func TestSlip_OneLanguage(t *testing.T) {
	s := testSlip
	s.Hall = hallq.Text{EN: "Branch 12"}
	job, err := kiosk.SlipESCPOS(s)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(job, line("Branch 12")); n != 1 {
		t.Errorf("the hall's name is printed %d times, want once", n)
	}
}

func TestStatusProblem(t *testing.T) {
	const ok = 0x12 // the fixed bits of every status byte
	for _, tt := range []struct {
		name                    string
		printer, offline, paper byte
		want                    string
	}{
		{"Ready", ok, ok, ok, hallq.PrinterOK},
		{"PaperOut", ok | 0x08, ok | 0x20, ok | 0x60, hallq.PrinterPaperOut},
		{"PaperOutOneSensorBit", ok, ok, ok | 0x20, hallq.PrinterPaperOut},
		{"PaperLow", ok, ok, ok | 0x0c, hallq.PrinterPaperLow},
		{"PaperLowOneSensorBit", ok, ok, ok | 0x04, hallq.PrinterPaperLow},
		{"PaperOutAndLow", ok, ok, ok | 0x6c, hallq.PrinterPaperOut},
		{"CoverOpen", ok | 0x08, ok | 0x04, ok, hallq.PrinterCoverOpen},
		{"CoverOpenPaperSensorEmpty", ok | 0x08, ok | 0x04, ok | 0x60, hallq.PrinterCoverOpen},
		{"OfflineForAnotherCause", ok | 0x08, ok | 0x40, ok, hallq.PrinterOffline},
		{"DrawerOpenIsFine", ok | 0x04, ok, ok, hallq.PrinterOK},
		{"NotAStatusByte", 0x00, ok, ok, hallq.PrinterOffline},
		{"HighBitSet", ok, ok, 0x92, hallq.PrinterOffline},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := kiosk.StatusProblem(tt.printer, tt.offline, tt.paper); got != tt.want {
				t.Errorf("StatusProblem(%#x, %#x, %#x) = %q, want %q", tt.printer, tt.offline, tt.paper, got, tt.want)
			}
		})
	}
}

// Managers hear of news of a printer: a problem once, and again only after
// AlertEvery; that it works again once after any problem, and once when
// first seen (an alert from before a restart then resolves).
func TestPrinterNews(t *testing.T) {
	const (
		ok, low, out = hallq.PrinterOK, hallq.PrinterPaperLow, hallq.PrinterPaperOut
		cover, off   = hallq.PrinterCoverOpen, hallq.PrinterOffline
	)
	for _, tt := range []struct {
		name   string
		every  time.Duration // 10 min when 0
		states []string
		want   []string
	}{
		{"FirstSeenWorking", 0, []string{ok, ok}, []string{ok, ""}},
		{"FirstSeenOut", 0, []string{out, out, ok, ok}, []string{out, "", ok, ""}},
		{"LowFlapping", 0, []string{ok, low, ok, low, ok, low}, []string{ok, low, ok, "", "", ""}},
		{"OutFlapping", 0, []string{out, ok, out, ok, out, ok}, []string{out, ok, "", "", "", ""}},
		{"EachProblemOnce", 0, []string{out, cover, off, ok}, []string{out, cover, off, ok}},
		{"OutThenLow", 0, []string{out, low, ok}, []string{out, low, ok}},
		// Paper low was told lately: that the printer prints is told as
		// working again, not kept from managers who think it out of paper.
		{"OutThenLowToldLately", 0, []string{low, out, low}, []string{low, out, ok}},
		// Out of paper again, told lately, while managers know the cover is
		// open: nothing; that it works again is news.
		{"AgainWhileOpen", 0, []string{out, cover, out, ok}, []string{out, cover, "", ok}},
		{"AfterAlertEvery", 4 * time.Minute, []string{out, ok, ok, ok, out}, []string{out, ok, "", "", out}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			every := cmp.Or(tt.every, 10*time.Minute)
			got := kiosk.PrinterNews(every, tt.states...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("printer %q: alerts %q, want %q", tt.states, got, tt.want)
			}
		})
	}
}
