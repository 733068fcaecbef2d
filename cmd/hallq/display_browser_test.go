package main

// Browser tests of the waiting-room display, /display (assets/static/
// display*.*), and the counter display, /display/counter/{id}
// (counter-display.*): a call on the screen within a second and said in
// order, chime, Chinese, English, never cut off; a call too old by the
// hub's clock shown but not said; a recall said again; the slides rotating
// and giving way to a call; the rule in the hall's own words; sound that
// waits for a tap; the real Web Audio player and the shipped clips; a hub
// restart survived without a reload; the counter display following its
// counter; the clock in the hall's zone with the browser in another; and
// screenshots of 1920×1080, 1280×720 and 1080×1920 TVs and of counter
// screens.
//
// The announcer is watched through window.hallqAnnouncer, with the page's
// test player (?audio=test&clipms=N): each clip "plays" N ms, so the tests
// check the order and the overlaps without real audio timing.

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"hallq"
	"hallq/assets"
	"hallq/store"
	"hallq/web"
)

// The screens the displays are made for.
var (
	viewportTV         = viewport{width: 1920, height: 1080, scale: 1}
	viewportTV720      = viewport{width: 1280, height: 720, scale: 1}
	viewportTVPortrait = viewport{width: 1080, height: 1920, scale: 1}
)

// hubClock is the hub's clock in these tests: the real time, moved by an
// offset the test sets, so that the hub and the browser can disagree.
type hubClock struct{ offset atomic.Int64 }

func (c *hubClock) Now() time.Time      { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *hubClock) add(d time.Duration) { c.offset.Add(int64(d)) }

// startDisplayHub is startInProcessHub with the hub's clock and the hall's
// time zone (on first start) of the test's choosing.
func startDisplayHub(t *testing.T, db, addr string, clock *hubClock, zone string) *inProcessHub {
	t.Helper()
	return startInProcessHubWith(t, db, addr, store.Options{TimeZone: zone, Now: clock.Now})
}

// displayPages serves the display pages as the hub will at /display and
// /display/counter/{id} (the hub's routes for them are the backend's part).
func displayPages(mux *http.ServeMux) {
	mux.Handle("GET /display", web.SecureHeaders(assets.Page("display.html")))
	mux.Handle("GET /display/counter/{id}", web.SecureHeaders(assets.Page("counter-display.html")))
}

// displayFront serves the display pages in front of the hub at addr, and
// passes everything else on to it, websockets included; every reply's Date
// is the hub's clock, as the hub's own replies are. It stays up while the
// hub behind it stops and starts again.
func displayFront(t *testing.T, hubURL string, clock *hubClock) string {
	t.Helper()
	target, err := url.Parse(hubURL)
	if err != nil {
		t.Fatal(err)
	}
	date := func() string { return clock.Now().UTC().Format(http.TimeFormat) }
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(res *http.Response) error {
		res.Header.Set("Date", date())
		return nil
	}
	proxy.ErrorLog = slog.NewLogLogger(slog.New(slog.NewTextHandler(t.Output(), nil)).Handler(), slog.LevelDebug)
	pages := http.NewServeMux()
	displayPages(pages)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, pattern := pages.Handler(r); pattern != "" {
			w.Header().Set("Date", date())
			h.ServeHTTP(w, r)
			return
		}
		proxy.ServeHTTP(w, r) // its replies' Date: ModifyResponse
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// displayIssue takes a ticket for service in the store, as a kiosk does.
func displayIssue(t *testing.T, hub *inProcessHub, service string) *hallq.Ticket {
	t.Helper()
	tk, _, err := hub.st.IssueTicket(context.Background(), hallq.IssueRequest{Service: service})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// displayAct does op at counter in the store, as its clerk's terminal does.
func displayAct(t *testing.T, hub *inProcessHub, op hallq.CounterOp, counter string) {
	t.Helper()
	a := hallq.CounterAction{Op: op, Counter: counter, By: hallq.Actor{Name: "clerk" + counter, Role: hallq.RoleStaff}}
	if _, err := hub.st.ActAtCounter(context.Background(), a, ""); err != nil {
		t.Fatalf("%s at counter %s: %v", op, counter, err)
	}
}

// annEntry is one line of window.hallqAnnouncer.log.
type annEntry struct {
	T      float64  `json:"t"`
	Event  string   `json:"event"`
	Number string   `json:"number"`
	Recall bool     `json:"recall"`
	Clips  []string `json:"clips"`
	Clip   string   `json:"clip"`
	Phase  string   `json:"phase"`
	Reason string   `json:"reason"`
	AgeMS  float64  `json:"age_ms"`
}

func announcerLog(b *browser) []annEntry {
	b.t.Helper()
	return browserEval[[]annEntry](b, `window.hallqAnnouncer.log`)
}

// waitAnnounced waits until the announcer has finished with number: said
// it to the end (n times, counting recalls), or skipped it.
func waitAnnounced(b *browser, number string, event string, n int) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf(`window.hallqAnnouncer.log.filter(e => e.number === %q && e.event === %q).length >= %d`, number, event, n))
}

// callClips are the clips a call of number at counter must be said with.
func callClips(number, counter string) []string {
	zh := []string{"zh-qing"}
	en := []string{"en-ticket"}
	for _, c := range number {
		zh = append(zh, "zh-"+string(c))
		en = append(en, "en-"+string(c))
	}
	zh = append(zh, "zh-hao-dao", "zh-"+counter, "zh-hao-chuangkou")
	en = append(en, "en-please-go-to-counter", "en-"+counter)
	return append(append([]string{"chime"}, zh...), en...)
}

// checkNothingCutOff checks that clips were played one at a time, each to
// its end before the next began, announcements one after the other; and
// returns the clips said, with the numbers they were said for.
func checkNothingCutOff(t *testing.T, log []annEntry) (said []string, numbers []string) {
	t.Helper()
	playing := "" // the clip playing now
	inCall := ""  // the announcement under way
	last := 0.0
	for i, e := range log {
		if e.T < last {
			t.Errorf("log %d: time %v goes back from %v", i, e.T, last)
		}
		last = e.T
		switch {
		case e.Event == "start":
			if inCall != "" {
				t.Errorf("log %d: %s starts while %s is being said", i, e.Number, inCall)
			}
			inCall = e.Number
			numbers = append(numbers, e.Number)
		case e.Event == "end":
			if inCall != e.Number || playing != "" {
				t.Errorf("log %d: %s ends while %q is said and clip %q plays", i, e.Number, inCall, playing)
			}
			inCall = ""
		case e.Event == "clip" && e.Phase == "start":
			if playing != "" {
				t.Errorf("log %d: clip %s starts over %s", i, e.Clip, playing)
			}
			if inCall == "" {
				t.Errorf("log %d: clip %s outside an announcement", i, e.Clip)
			}
			playing = e.Clip
			said = append(said, e.Clip)
		case e.Event == "clip" && e.Phase == "end":
			if playing != e.Clip {
				t.Errorf("log %d: clip %s ends, but %q was playing", i, e.Clip, playing)
			}
			playing = ""
		case e.Event == "clip":
			t.Errorf("log %d: clip %s %s", i, e.Clip, e.Phase)
		}
	}
	return said, numbers
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, " ") == strings.Join(b, " ")
}

// browserAwait returns the value the JavaScript expression's promise
// resolves to.
func browserAwait[T any](b *browser, expression string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("browser: awaiting %s: %v", expression, err)
	}
	return v
}

// openDisplay loads path from base and waits for the first snapshot.
func openDisplay(b *browser, base, path string) {
	b.t.Helper()
	b.run(chromedp.Navigate(base + path))
	b.waitJS(`document.body.dataset.ready === "1" && document.body.dataset.live === "live"`)
}

// TestBrowser_DisplayAnnounces follows the hall's calls on a display that
// plays sound, with the hub's clock an hour behind the browser's: each
// call is on the screen within a second and said in order, chime, Chinese,
// English; a recall is said again; calls that come while one is being said
// wait their turn, and one that is more than 20 s old by the hub's clock
// when its turn comes is shown, flashed, and not said.
func TestBrowser_DisplayAnnounces(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportTV)
	clock := &hubClock{}
	clock.add(-time.Hour) // by the browser's clock, every call is an hour old
	hub := startDisplayHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0", clock, "UTC")
	front := displayFront(t, hub.URL, clock)
	for _, c := range []string{"1", "2", "3"} {
		displayAct(t, hub, hallq.OpOpen, c)
	}
	for range 5 {
		displayIssue(t, hub, "A")
	}
	// A call from before the page opened is history: shown, not said.
	displayAct(t, hub, hallq.OpNext, "1") // A001
	openDisplay(b, front, "/display?sound=1&audio=test&clipms=3")
	if got := browserEval[string](b, `document.getElementById("latest-number").textContent`); got != "A001" {
		t.Errorf("latest call %q, want A001 from the snapshot", got)
	}
	if got := browserEval[string](b, `document.body.dataset.sound + " " + document.getElementById("sound-text").textContent`); got != "on 声音开 · Sound on" {
		t.Errorf("sound marker %q", got)
	}

	t.Run("Call", func(t *testing.T) {
		called := time.Now()
		displayAct(t, hub, hallq.OpNext, "3") // A002 to counter 3
		b.waitJS(`document.getElementById("latest-number").textContent === "A002"`)
		if d := time.Since(called); d > time.Second {
			t.Errorf("the call took %v to reach the screen, want under a second", d)
		}
		if got := browserEval[string](b, `document.getElementById("latest-counter-zh").textContent + "|" + document.getElementById("latest-counter-en").textContent`); got != "3号窗口|Counter 3" {
			t.Errorf("latest counter %q", got)
		}
		if !browserEval[bool](b, `document.getElementById("latest").classList.contains("flash") && document.body.dataset.panel === "call"`) {
			t.Error("the new call does not flash or take the panel")
		}
		waitAnnounced(b, "A002", "end", 1)
		said, numbers := checkNothingCutOff(t, announcerLog(b))
		if want := callClips("A002", "3"); !equalStrings(said, want) {
			t.Errorf("said %v, want %v", said, want)
		}
		if !equalStrings(numbers, []string{"A002"}) {
			t.Errorf("announced %v, want only A002 (A001 was history)", numbers)
		}
	})

	t.Run("Recall", func(t *testing.T) {
		flashes := browserEval[string](b, `document.body.dataset.flashes`)
		displayAct(t, hub, hallq.OpRecall, "3")
		waitAnnounced(b, "A002", "end", 2)
		b.waitJS(`!document.getElementById("latest-again").hidden`)
		if got := browserEval[string](b, `document.body.dataset.flashes`); got == flashes {
			t.Error("the recall did not flash the number again")
		}
		said, _ := checkNothingCutOff(t, announcerLog(b))
		want := append(callClips("A002", "3"), callClips("A002", "3")...)
		if !equalStrings(said, want) {
			t.Errorf("said %v, want the call twice", said)
		}
		if got := browserEval[int](b, `document.querySelectorAll("#recent [data-number=A002]").length`); got != 0 {
			t.Errorf("the recalled A002 is listed again below the latest call (%d)", got)
		}
	})

	t.Run("QueuedAndStale", func(t *testing.T) {
		// A003 is being said, and held there; A004 waits its turn; then the
		// hub's clock moves 30 s on and A005 is called: A004 is too old by
		// then, and A005's time tells the page how late it is.
		b.run(chromedp.Evaluate[chromedp.Void](`window.hallqAnnouncer.hold()`))
		displayAct(t, hub, hallq.OpNext, "1") // A003
		b.waitJS(`window.hallqAnnouncer.log.some(e => e.event === "clip" && e.number === "A003" && e.clip === "chime" && e.phase === "start")`)
		displayAct(t, hub, hallq.OpNext, "2") // A004
		b.waitJS(`document.getElementById("latest-number").textContent === "A004" && window.hallqAnnouncer.pending === 1`)
		clock.add(30 * time.Second)
		displayAct(t, hub, hallq.OpNext, "3") // A005
		b.waitJS(`document.getElementById("latest-number").textContent === "A005" && window.hallqAnnouncer.pending === 2`)
		b.run(chromedp.Evaluate[chromedp.Void](`window.hallqAnnouncer.release()`))
		waitAnnounced(b, "A005", "end", 1)

		log := announcerLog(b)
		said, numbers := checkNothingCutOff(t, log)
		if !equalStrings(numbers, []string{"A002", "A002", "A003", "A005"}) {
			t.Errorf("announced %v, want A002 A002 A003 A005", numbers)
		}
		want := append(append(append(callClips("A002", "3"), callClips("A002", "3")...), callClips("A003", "1")...), callClips("A005", "3")...)
		if !equalStrings(said, want) {
			t.Errorf("said %v\nwant %v", said, want)
		}
		var skipped *annEntry
		for i, e := range log {
			if e.Number == "A004" && e.Event == "skipped" {
				skipped = &log[i]
			}
		}
		if skipped == nil || skipped.Reason != "stale" || skipped.AgeMS < 20000 {
			t.Errorf("A004: %+v, want skipped as stale, older than 20 s", skipped)
		}
		if got := browserEval[string](b, `[...document.querySelectorAll("#recent .rc-number")].map(e => e.textContent).join(" ")`); !strings.HasPrefix(got, "A004 A003 A002 A001") {
			t.Errorf("recent calls %q, want A004 A003 A002 A001 under A005", got)
		}
	})
}

// TestBrowser_DisplayNumbers reads ticket numbers and counter ids as the
// announcement says them: letters and digits one by one, counters 1–99 as
// numbers (十二, twenty), other ids character by character.
func TestBrowser_DisplayNumbers(t *testing.T) {
	b := newBrowser(t)
	srv := newFakeDisplayHub(t, displaySnapshot())
	openDisplay(b, srv.URL, "/display")
	got := browserAwait[map[string][]string](b, `import("/assets/display-voice.js").then(m => Object.fromEntries(
		[["A023","3"],["B105","10"],["C001","12"],["A100","20"],["A101","45"],["Z999","99"],["A002","VIP2"],["A003","0"],["A004","100"]]
		.map(([n, c]) => [n + "@" + c, m.callParts({number: n, counter: c}).flat()])))`)
	want := map[string]string{
		"A023@3":    "chime zh-qing zh-A zh-0 zh-2 zh-3 zh-hao-dao zh-3 zh-hao-chuangkou en-ticket en-A en-0 en-2 en-3 en-please-go-to-counter en-3",
		"B105@10":   "chime zh-qing zh-B zh-1 zh-0 zh-5 zh-hao-dao zh-shi zh-hao-chuangkou en-ticket en-B en-1 en-0 en-5 en-please-go-to-counter en-10",
		"C001@12":   "chime zh-qing zh-C zh-0 zh-0 zh-1 zh-hao-dao zh-shi zh-2 zh-hao-chuangkou en-ticket en-C en-0 en-0 en-1 en-please-go-to-counter en-12",
		"A100@20":   "chime zh-qing zh-A zh-1 zh-0 zh-0 zh-hao-dao zh-2 zh-shi zh-hao-chuangkou en-ticket en-A en-1 en-0 en-0 en-please-go-to-counter en-20",
		"A101@45":   "chime zh-qing zh-A zh-1 zh-0 zh-1 zh-hao-dao zh-4 zh-shi zh-5 zh-hao-chuangkou en-ticket en-A en-1 en-0 en-1 en-please-go-to-counter en-40 en-5",
		"Z999@99":   "chime zh-qing zh-Z zh-9 zh-9 zh-9 zh-hao-dao zh-9 zh-shi zh-9 zh-hao-chuangkou en-ticket en-Z en-9 en-9 en-9 en-please-go-to-counter en-90 en-9",
		"A002@VIP2": "chime zh-qing zh-A zh-0 zh-0 zh-2 zh-hao-dao zh-V zh-I zh-P zh-2 zh-hao-chuangkou en-ticket en-A en-0 en-0 en-2 en-please-go-to-counter en-V en-I en-P en-2",
		"A003@0":    "chime zh-qing zh-A zh-0 zh-0 zh-3 zh-hao-dao zh-0 zh-hao-chuangkou en-ticket en-A en-0 en-0 en-3 en-please-go-to-counter en-0",
		"A004@100":  "chime zh-qing zh-A zh-0 zh-0 zh-4 zh-hao-dao zh-1 zh-0 zh-0 zh-hao-chuangkou en-ticket en-A en-0 en-0 en-4 en-please-go-to-counter en-1 en-0 en-0",
	}
	for k, w := range want {
		if g := strings.Join(got[k], " "); g != w {
			t.Errorf("%s:\n got %s\nwant %s", k, g, w)
		}
	}
	// Every clip a call can need is shipped, and clips.txt lists exactly
	// the shipped set.
	all := browserAwait[[]string](b, `import("/assets/display-voice.js").then(m => m.ALL_CLIPS)`)
	list, err := fs.ReadFile(assets.FS, "voice/clips.txt")
	if err != nil {
		t.Fatal(err)
	}
	listed := strings.Fields(string(list))
	if len(all) != len(listed) || len(all) != 97 {
		t.Errorf("%d clips a call can need, %d in clips.txt, want 97 each", len(all), len(listed))
	}
	in := map[string]bool{}
	for _, n := range listed {
		in[n] = true
	}
	for _, n := range all {
		if !in[n] {
			t.Errorf("clip %s is not in clips.txt", n)
		}
	}
}

// TestBrowser_DisplayClips decodes every shipped clip in the browser, as
// the display does, and checks each holds sound, unclipped.
func TestBrowser_DisplayClips(t *testing.T) {
	b := newBrowser(t)
	srv := newFakeDisplayHub(t, displaySnapshot())
	openDisplay(b, srv.URL, "/display")
	type clip struct {
		Name     string  `json:"name"`
		Duration float64 `json:"duration"`
		Peak     float64 `json:"peak"`
		Rate     float64 `json:"rate"`
		Channels int     `json:"channels"`
	}
	clips := browserAwait[[]clip](b, `import("/assets/display-voice.js").then(async m => {
		const ctx = new OfflineAudioContext(1, 1, 22050);
		const out = [];
		for (const name of m.ALL_CLIPS) {
			const res = await fetch("/assets/voice/" + name + ".ogg");
			const buf = await ctx.decodeAudioData(await res.arrayBuffer());
			let peak = 0;
			for (const x of buf.getChannelData(0)) peak = Math.max(peak, Math.abs(x));
			out.push({name, duration: buf.duration, peak, rate: buf.sampleRate, channels: buf.numberOfChannels});
		}
		return out;
	})`)
	if len(clips) != 97 {
		t.Fatalf("%d clips decoded, want 97", len(clips))
	}
	for _, c := range clips {
		if c.Duration < 0.2 || c.Duration > 2 || c.Peak < 0.7 || c.Peak >= 1 {
			t.Errorf("clip %s: %.2f s, peak %.3f: want 0.2–2 s, peak 0.7–1", c.Name, c.Duration, c.Peak)
		}
	}
	t.Logf("%d clips decode; the first: %+v", len(clips), clips[0])
}

// TestBrowser_DisplayWebAudio says a call with the real player: the clips
// are fetched (the hub's /api/v1/voice/ first, the shipped ones when it
// answers 404), decoded once, and scheduled back to back.
func TestBrowser_DisplayWebAudio(t *testing.T) {
	b := newBrowser(t)
	srv := newFakeDisplayHub(t, displaySnapshot())
	openDisplay(b, srv.URL, "/display?sound=1")
	if got := browserEval[string](b, `window.hallqAnnouncer.player`); got != "webaudio" {
		t.Fatalf("player %q, want webaudio", got)
	}
	// Headless chromium may keep sound off until a gesture, as a TV
	// without the autoplay flag would: the overlay's tap turns it on.
	b.waitJS(`document.body.dataset.locked !== undefined`)
	if browserEval[bool](b, `document.body.dataset.locked === "1"`) {
		b.screenshot("locked")
		tap(b, "#unlock-button")
		b.waitJS(`document.body.dataset.locked === "0" && document.getElementById("unlock").hidden`)
	}
	srv.push(t, map[string]any{"type": "call", "call": fakeCall("A023", "3", time.Now(), false)})
	waitAnnounced(b, "A023", "end", 1)
	log := announcerLog(b)
	said, _ := checkNothingCutOff(t, log)
	if want := callClips("A023", "3"); !equalStrings(said, want) {
		t.Errorf("said %v, want %v", said, want)
	}
	// Back to back: within a part, each clip starts as the one before ends.
	var prevEnd float64
	for _, e := range log {
		if e.Event != "clip" {
			continue
		}
		if e.Phase == "start" && prevEnd > 0 && e.T-prevEnd > 600 {
			t.Errorf("a gap of %.0f ms before %s", e.T-prevEnd, e.Clip)
		}
		if e.Phase == "end" {
			prevEnd = e.T
		}
	}
	var start, end float64
	for _, e := range log {
		if e.Event == "start" {
			start = e.T
		}
		if e.Event == "end" {
			end = e.T
		}
	}
	if d := end - start; d < 5000 || d > 15000 {
		t.Errorf("the announcement took %.0f ms, want the clips' 6–10 s", d)
	}
	if got := srv.voiceAsks(); got < 1 {
		t.Errorf("the page never asked /api/v1/voice/ (%d)", got)
	}
}

// TestBrowser_DisplaySlides rotates the hall's slides by their order and
// seconds; a call takes the panel over at once and the slides come back
// after it; a call already 60 s old is shown and flashed, not said; a new
// snapshot (the hall's configuration changed) brings calls the display had
// not seen, and they are said in order; the rule reads as the hall is set;
// a service with no counter says so.
func TestBrowser_DisplaySlides(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportTV)
	snap := displaySnapshot()
	snap["slides"] = []any{
		map[string]any{"id": "s2", "kind": "text", "order": 2, "seconds": 1, "text": map[string]string{"zh": "第二张", "en": "Second"}},
		map[string]any{"id": "s1", "kind": "text", "order": 1, "seconds": 1, "text": map[string]string{"zh": "第一张", "en": "First"}},
	}
	srv := newFakeDisplayHub(t, snap)
	openDisplay(b, srv.URL, "/display?sound=1&audio=test&clipms=2&takeover=1")
	b.waitJS(`document.body.dataset.slide === "s1"`)
	b.waitJS(`document.body.dataset.slide === "s2"`)
	if got := browserEval[string](b, `document.getElementById("slide-zh").textContent + "|" + document.getElementById("slide-en").textContent`); got != "第二张|Second" {
		t.Errorf("slide s2 shows %q", got)
	}
	if browserEval[int](b, `window.hallqAnnouncer.log.length`) != 0 {
		t.Errorf("the snapshot's old calls were announced: %+v", announcerLog(b))
	}
	if !browserEval[bool](b, `!document.getElementById("notice").hidden`) {
		t.Error("with slides, the notice is not along the bottom")
	}

	a21 := fakeCall("A021", "2", time.Now(), false)
	srv.push(t, map[string]any{"type": "call", "call": a21})
	b.waitJS(`document.body.dataset.panel === "call" && document.getElementById("pc-number").textContent === "A021"`)
	if got := browserEval[string](b, `document.getElementById("pc-go-zh").textContent + "|" + document.getElementById("pc-go-en").textContent`); got != "请到 2号窗口|Please go to Counter 2" {
		t.Errorf("the panel says %q", got)
	}
	b.screenshot("call")
	b.waitJS(`document.body.dataset.panel === "slide" || document.body.dataset.panel === "rule"`)
	waitAnnounced(b, "A021", "end", 1)

	flashes := browserEval[string](b, `document.body.dataset.flashes`)
	a22 := fakeCall("A022", "1", time.Now().Add(-time.Minute), false)
	srv.push(t, map[string]any{"type": "call", "call": a22})
	waitAnnounced(b, "A022", "skipped", 1)
	if got := browserEval[string](b, `document.getElementById("latest-number").textContent + " " + (document.body.dataset.flashes !== "`+flashes+`")`); got != "A022 true" {
		t.Errorf("a stale call: latest %q, want A022 shown and flashed", got)
	}
	for _, e := range announcerLog(b) {
		if e.Number == "A022" && e.Event == "skipped" && (e.Reason != "stale" || e.AgeMS < 59000) {
			t.Errorf("A022 skipped as %q, %v ms old", e.Reason, e.AgeMS)
		}
	}

	// The configuration changed: a new snapshot, with two calls made
	// meanwhile; every counter closed now, so A has no counter.
	now := time.Now()
	snap2 := displaySnapshot()
	snap2["calls"] = []any{fakeCall("A024", "3", now, false), fakeCall("A023", "1", now.Add(-time.Second), false), a22, a21}
	snap2["counters"] = []any{
		map[string]any{"id": "1", "name": map[string]string{"en": "Counter 1", "zh": "1号窗口"}, "state": "closed"},
	}
	snap2["slides"] = snap["slides"]
	srv.snapshot(t, snap2)
	waitAnnounced(b, "A024", "end", 1)
	_, numbers := checkNothingCutOff(t, announcerLog(b))
	if !equalStrings(numbers, []string{"A021", "A023", "A024"}) {
		t.Errorf("announced %v, want A021, then the snapshot's new A023 and A024", numbers)
	}
	if got := browserEval[string](b, `document.querySelector('[data-id="A"]').dataset.eta + "|" + document.querySelector('[data-id="A"] .svc-eta').textContent`); got != "no_counter|目前没有窗口办理A业务No counter is serving A now" {
		t.Errorf("service A with every counter closed: %q", got)
	}
}

// TestBrowser_DisplayRule shows the rule and the notice in the panel when
// the hall has no slides, in both languages, true for the hall as set; a
// service the hub says has no counter says so instead of a wait.
func TestBrowser_DisplayRule(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportTV)
	snap := displaySnapshot()
	srv := newFakeDisplayHub(t, snap)
	openDisplay(b, srv.URL, "/display?takeover=1")
	b.waitJS(`document.body.dataset.panel === "rule"`)
	rule := browserEval[map[string]string](b, `({zh: document.getElementById("rule-zh").textContent, en: document.getElementById("rule-en").textContent, notice: document.getElementById("panel-notice-en").textContent})`)
	for _, want := range []string{
		"At counters 1–3, Platinum customers are served with up to a 30-minute head start: no one waits behind a ticket issued more than 30 minutes after theirs.",
		"After 3 VIP tickets in a row have been called ahead of a waiting regular ticket, the next call goes to the regular ticket.",
		"Counter 4 is the VIP window: it serves VIP customers first.",
		"In spare time, counter 2 also serves Enquiries (C), outside this rule.",
		"every such call is recorded",
	} {
		if !strings.Contains(rule["en"], want) {
			t.Errorf("rule (en) %q\nlacks %q", rule["en"], want)
		}
	}
	for _, want := range []string{"在 1–3 号窗口，白金卡客户最多可提前 30 分钟办理", "连续 3 位 VIP 客户提前办理后", "4 号窗口为 VIP 窗口", "2 号窗口空闲时也办理咨询（C）"} {
		if !strings.Contains(rule["zh"], want) {
			t.Errorf("rule (zh) %q\nlacks %q", rule["zh"], want)
		}
	}
	if rule["notice"] != "Counter 2 closes at 16:00 today." {
		t.Errorf("panel notice %q", rule["notice"])
	}
	if !browserEval[bool](b, `document.getElementById("notice").hidden`) {
		t.Error("without slides the notice shows twice, in the panel and along the bottom")
	}
	services := browserEval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll("#services .service")].map(e => [e.dataset.id, e.dataset.eta + "|" + e.querySelector(".svc-eta").textContent]))`)
	want := map[string]string{"A": "estimate|约 9 分钟About 9 min", "B": "no_counter|目前没有窗口办理B业务No counter is serving B now", "C": "none|不到 1 分钟Less than a minute"}
	for id, w := range want {
		if services[id] != w {
			t.Errorf("service %s: %q, want %q", id, services[id], w)
		}
	}
	if got := browserEval[string](b, `document.body.dataset.sound + " " + document.getElementById("sound-text").textContent`); got != "off 声音关 · Sound off" {
		t.Errorf("sound marker %q", got)
	}
	// Without sound, calls are shown and not said.
	srv.push(t, map[string]any{"type": "call", "call": fakeCall("A030", "1", time.Now(), false)})
	waitAnnounced(b, "A030", "skipped", 1)
	if got := announcerLog(b); len(got) != 1 || got[0].Reason != "sound off" {
		t.Errorf("a silent display's log: %+v", got)
	}

	// A rule with no head start, and no VIP window (the calls the same).
	snap["rule"] = map[string]any{"head_start_max_s": 0, "top_tiers": []any{},
		"general_counters": []any{map[string]any{"id": "1", "name": map[string]string{"en": "Counter 1", "zh": "1号窗口"}}, map[string]any{"id": "2", "name": map[string]string{"en": "Counter 2", "zh": "2号窗口"}}},
		"vip_windows":      []any{}, "spare_time": []any{}}
	srv.snapshot(t, snap)
	b.waitJS(`document.getElementById("rule-en").textContent.startsWith("At counters 1 and 2, tickets are called in the order they were issued.")`)
	// No rule (a hub before the rule): no rule panel.
	delete(snap, "rule")
	srv.snapshot(t, snap)
	b.waitJS(`document.body.dataset.panel === "info" && document.body.dataset.rule === "0"`)
}

// TestBrowser_DisplaySoundTap keeps sound waiting for a tap, as a browser
// without the autoplay flag does: the overlay asks for one, calls wait, and
// one tap says them.
func TestBrowser_DisplaySoundTap(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportTV720)
	srv := newFakeDisplayHub(t, displaySnapshot())
	openDisplay(b, srv.URL, "/display?sound=1&audio=test&clipms=2&locked=1")
	b.waitJS(`!document.getElementById("unlock").hidden`)
	srv.push(t, map[string]any{"type": "call", "call": fakeCall("B007", "4", time.Now(), false)})
	waitAnnounced(b, "B007", "queued", 1)
	b.screenshot("tap-to-enable")
	if got := browserEval[int](b, `window.hallqAnnouncer.said().length`); got != 0 {
		t.Errorf("%d clips played before the tap", got)
	}
	tap(b, "#unlock-button")
	waitAnnounced(b, "B007", "end", 1)
	if !browserEval[bool](b, `document.getElementById("unlock").hidden`) {
		t.Error("the overlay stays after the tap")
	}
	said, _ := checkNothingCutOff(t, announcerLog(b))
	if want := callClips("B007", "4"); !equalStrings(said, want) {
		t.Errorf("said %v, want %v", said, want)
	}
}

// TestBrowser_DisplayRecovers stops the hub under an open display and
// starts it again on the same address: the display says plainly that it
// lost the hub, keeps its last view, and follows the hub again by itself,
// without a reload, announcing the next call.
func TestBrowser_DisplayRecovers(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportTV720)
	clock := &hubClock{}
	db := filepath.Join(t.TempDir(), "hallq.db")
	hub := startDisplayHub(t, db, "127.0.0.1:0", clock, "UTC")
	front := displayFront(t, hub.URL, clock)
	displayAct(t, hub, hallq.OpOpen, "2")
	displayIssue(t, hub, "B")
	displayIssue(t, hub, "B")
	displayAct(t, hub, hallq.OpNext, "2") // B001
	openDisplay(b, front, "/display?sound=1&audio=test&clipms=2")
	b.run(chromedp.Evaluate[chromedp.Void](`window.loadedAt = performance.timeOrigin`))

	hub.stop(t)
	b.waitJS(`document.body.dataset.lost === "1" && !document.getElementById("lost").hidden`)
	if got := browserEval[string](b, `document.getElementById("lost").textContent.replace(/\s+/g, " ").trim()`); got != "与主机的连接已断开，正在重新连接… Connection to the hub lost — reconnecting" {
		t.Errorf("the banner says %q", got)
	}
	if got := browserEval[string](b, `document.getElementById("latest-number").textContent`); got != "B001" {
		t.Errorf("while lost the display shows %q, want the last view (B001)", got)
	}
	b.screenshot("lost")

	restarted := time.Now()
	hub = startDisplayHub(t, db, hub.Addr, clock, "UTC")
	b.waitJS(`document.body.dataset.live === "live" && document.body.dataset.lost === "0"`)
	t.Logf("live again %v after the restart", time.Since(restarted).Round(10*time.Millisecond))
	if d := time.Since(restarted); d > 10*time.Second {
		t.Errorf("the display took %v to come back, want a few seconds", d)
	}
	displayAct(t, hub, hallq.OpNext, "2") // B002
	b.waitJS(`document.getElementById("latest-number").textContent === "B002"`)
	waitAnnounced(b, "B002", "end", 1)
	if !browserEval[bool](b, `window.loadedAt === performance.timeOrigin`) {
		t.Error("the page was reloaded")
	}
	_, numbers := checkNothingCutOff(t, announcerLog(b))
	if !equalStrings(numbers, []string{"B002"}) {
		t.Errorf("announced %v, want B002 only (B001 came before the page)", numbers)
	}
}

// TestBrowser_DisplayCounter follows counter 3 on its own screen: closed,
// open and waiting, a call (flashing), a recall (flashing again), paused,
// closed; an unknown counter says so. Screenshots at the sizes of counter
// screens.
func TestBrowser_DisplayCounter(t *testing.T) {
	b := newBrowser(t)
	clock := &hubClock{}
	hub := startDisplayHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0", clock, "UTC")
	front := displayFront(t, hub.URL, clock)
	displayIssue(t, hub, "A")
	displayIssue(t, hub, "A")

	text := func() string {
		return browserEval[string](b, `document.body.dataset.state + "|" + document.getElementById("cd-number").textContent + "|" + (document.getElementById("cd-message").hidden ? "" : document.getElementById("cd-message").textContent.replace(/\s+/g, " ").trim())`)
	}
	sizes := []struct {
		name string
		v    viewport
	}{{"1280x400", viewport{width: 1280, height: 400, scale: 1}}, {"800x480", viewport{width: 800, height: 480, scale: 1}}, {"1024x600", viewport{width: 1024, height: 600, scale: 1}}}
	shots := func(state string) {
		for _, s := range sizes {
			b.setViewport(s.v)
			checkFitsScreen(t, b, state+" at "+s.name)
			b.screenshot(state + "-" + s.name)
		}
	}

	b.setViewport(sizes[0].v)
	openDisplay(b, front, "/display/counter/3")
	if got := browserEval[string](b, `document.getElementById("cd-name-zh").textContent + "|" + document.getElementById("cd-name-en").textContent`); got != "3号窗口|Counter 3" {
		t.Errorf("name %q", got)
	}
	if got := text(); got != "closed||窗口已关闭 Counter closed" {
		t.Errorf("closed: %q", got)
	}
	shots("closed")

	displayAct(t, hub, hallq.OpOpen, "3")
	b.waitJS(`document.body.dataset.state === "open"`)
	if got := text(); got != "open||请稍候 Please wait for your number" {
		t.Errorf("open: %q", got)
	}
	displayAct(t, hub, hallq.OpNext, "3")
	b.waitJS(`document.body.dataset.number === "A001" && document.body.dataset.flashes === "1"`)
	if got := text(); got != "open|A001|" {
		t.Errorf("called: %q", got)
	}
	shots("called")
	displayAct(t, hub, hallq.OpRecall, "3")
	b.waitJS(`document.body.dataset.flashes === "2"`)
	displayAct(t, hub, hallq.OpOpen, "1")
	displayAct(t, hub, hallq.OpNext, "1") // another counter's call: no flash here
	displayAct(t, hub, hallq.OpPause, "3")
	b.waitJS(`document.body.dataset.state === "paused"`)
	if got := text(); got != "paused||暂停服务，请到其他窗口 Paused — please go to another counter" {
		t.Errorf("paused: %q", got)
	}
	if got := browserEval[string](b, `document.body.dataset.flashes`); got != "2" {
		t.Errorf("%s flashes, want 2: another counter's call flashed this one", got)
	}
	shots("paused")
	displayAct(t, hub, hallq.OpDone, "3")
	displayAct(t, hub, hallq.OpClose, "3")
	b.waitJS(`document.body.dataset.state === "closed"`)

	openDisplay(b, front, "/display/counter/99")
	if got := text(); got != "unknown||没有“99”号窗口 There is no counter “99” in this hall" {
		t.Errorf("unknown counter: %q", got)
	}
	shots("unknown")
}

// TestBrowser_DisplayTimeZone shows the time in the hall's zone with the
// browser in another.
func TestBrowser_DisplayTimeZone(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportTV720)
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
		return err
	}))
	clock := &hubClock{}
	hub := startDisplayHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0", clock, "Asia/Shanghai")
	front := displayFront(t, hub.URL, clock)
	openDisplay(b, front, "/display")
	b.waitJS(`document.body.dataset.zone === "Asia/Shanghai"`)
	if got := browserEval[string](b, `Intl.DateTimeFormat().resolvedOptions().timeZone`); got != "America/New_York" {
		t.Fatalf("the browser's zone is %s, want America/New_York", got)
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().In(shanghai).Format("15:04")
	got := browserEval[string](b, `document.getElementById("clock-time").textContent`)
	after := time.Now().In(shanghai).Format("15:04")
	if got != before && got != after {
		t.Errorf("the clock shows %s, want %s (Shanghai)", got, before)
	}
	// The hub's own rule for the default hall, in plain words.
	b.waitJS(`document.body.dataset.rule === "1"`)
	if got, want := browserEval[string](b, `document.getElementById("rule-en").textContent`), "At counters 1–3, Platinum customers are served with up to a 30-minute head start"; !strings.HasPrefix(got, want) {
		t.Errorf("the default hall's rule says %q, want it to start %q", got, want)
	}
	date := browserEval[string](b, `document.getElementById("clock-date").textContent`)
	if want := time.Now().In(shanghai).Format("Mon 2 Jan"); !strings.Contains(date, want) && !strings.Contains(date, time.Now().In(shanghai).Format("Mon _2 Jan")) {
		t.Errorf("the date shows %q, want %q in it", date, want)
	}
}

// TestBrowser_DisplayScreens lays the display out on a 1920×1080 TV, a
// 720p one and a portrait 1080×1920: the latest call at least 12 % of the
// screen's height, the recent calls at least 4 %, nothing cut off or
// scrolled; with the rule, with a slide, and with a call over the panel.
// Both languages are on screen at once, Chinese first: one screen serves
// the whole hall.
func TestBrowser_DisplayScreens(t *testing.T) {
	for _, s := range []struct {
		name string
		v    viewport
	}{{"1920x1080", viewportTV}, {"1280x720", viewportTV720}, {"1080x1920", viewportTVPortrait}} {
		t.Run(s.name, func(t *testing.T) {
			b := newBrowser(t)
			b.setViewport(s.v)
			snap := displaySnapshot()
			srv := newFakeDisplayHub(t, snap)
			openDisplay(b, srv.URL, "/display?sound=1&audio=test&takeover=600")
			b.waitJS(`document.body.dataset.panel === "rule" && document.body.dataset.zone === "Asia/Shanghai"`)
			checkDisplaySizes(t, b)
			checkFitsScreen(t, b, "the rule")
			b.screenshot("rule")

			snap["slides"] = []any{map[string]any{"id": "s1", "kind": "text", "order": 1, "seconds": 600,
				"text": map[string]string{"zh": "开通手机银行，转账免手续费", "en": "Open mobile banking: transfers free of charge"}}}
			srv.snapshot(t, snap)
			b.waitJS(`document.body.dataset.slide === "s1"`)
			checkFitsScreen(t, b, "a slide")
			b.screenshot("slide")

			srv.push(t, map[string]any{"type": "call", "call": fakeCall("A024", "4", time.Now(), false),
				"counter": map[string]any{"id": "4", "name": map[string]string{"en": "Counter 4 · VIP", "zh": "4号窗口 · 贵宾"}, "state": "open", "number": "A024"}})
			b.waitJS(`document.body.dataset.panel === "call" && document.body.dataset.flash === "1"`)
			checkDisplaySizes(t, b)
			checkFitsScreen(t, b, "a call")
			b.screenshot("call")
		})
	}
}

// checkDisplaySizes checks the sizes a hall reads from across the room.
func checkDisplaySizes(t *testing.T, b *browser) {
	t.Helper()
	sizes := browserEval[map[string]float64](b, `(() => {
		const h = innerHeight;
		const r = (e) => e.getBoundingClientRect();
		const rows = [...document.querySelectorAll("#recent .rc-number")].map(e => r(e).height / h);
		return {latest: r(document.getElementById("latest-number")).height / h,
			recentMin: Math.min(...rows), recent: rows.length};
	})()`)
	if sizes["latest"] < 0.12 {
		t.Errorf("the latest call is %.1f %% of the screen's height, want at least 12 %%", sizes["latest"]*100)
	}
	if sizes["recent"] != 10 || sizes["recentMin"] < 0.04 {
		t.Errorf("%v recent calls, the smallest %.1f %% high: want 10, at least 4 %%", sizes["recent"], sizes["recentMin"]*100)
	}
}

// checkFitsScreen fails when the page scrolls, or a text of it is cut off
// or out of the screen.
func checkFitsScreen(t *testing.T, b *browser, what string) {
	t.Helper()
	b.settle()
	bad := browserEval[[]string](b, `(() => {
		const out = [];
		const d = document.documentElement;
		if (d.scrollHeight > innerHeight + 1 || d.scrollWidth > innerWidth + 1) out.push("the page scrolls: " + d.scrollWidth + "×" + d.scrollHeight);
		for (const e of document.querySelectorAll("body *")) {
			if (e.closest("[hidden]") || !e.textContent.trim() || e.children.length > 0 && e.tagName !== "P") continue;
			const r = e.getBoundingClientRect();
			if (r.width === 0 || getComputedStyle(e).display === "none") continue;
			const name = (e.id || e.className || e.tagName) + " " + JSON.stringify(e.textContent.trim().slice(0, 30));
			if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1) out.push(name + " is off the screen");
			else if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) out.push(name + " overflows its box (" + e.scrollWidth + " > " + e.clientWidth + ")");
			else if (e.clientHeight > 0 && e.scrollHeight > e.clientHeight + 2 && getComputedStyle(e).overflow !== "visible") out.push(name + " is cut off below (" + e.scrollHeight + " > " + e.clientHeight + ")");
			else {
				// Or cut off by a box around it that hides what overflows.
				for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
					if (getComputedStyle(a).overflowY === "visible") continue;
					const ar = a.getBoundingClientRect();
					if (r.bottom > ar.bottom + 1) out.push(name + " is cut off by " + (a.id || a.className || a.tagName));
					break;
				}
			}
		}
		return out;
	})()`)
	for _, s := range bad {
		t.Errorf("%s: %s", what, s)
	}
}

// displaySnapshot is a display view of the default hall at work, with the
// contract's rule, notice and time zone: counters 1, 2 and 4 open, eleven
// calls, B with no counter now.
func displaySnapshot() map[string]any {
	now := time.Now()
	name := func(id string) map[string]string {
		return map[string]string{"en": "Counter " + id, "zh": id + "号窗口"}
	}
	calls := []any{}
	for i := range 11 {
		c := []string{"1", "2", "4"}[i%3]
		calls = append(calls, fakeCall(fmt.Sprintf("A%03d", 20-i), c, now.Add(-time.Duration(i+1)*time.Minute), false))
	}
	return map[string]any{
		"type":  "snapshot",
		"name":  map[string]string{"en": "Riverside Branch", "zh": "滨江支行"},
		"calls": calls,
		"services": []any{
			map[string]any{"id": "A", "name": map[string]string{"en": "Personal", "zh": "个人业务"}, "open": true, "accepting": true, "waiting": 7, "eta_s": 540},
			map[string]any{"id": "B", "name": map[string]string{"en": "Business", "zh": "对公业务"}, "open": true, "accepting": true, "waiting": 2, "eta_s": nil, "eta_reason": "no_counter"},
			map[string]any{"id": "C", "name": map[string]string{"en": "Enquiries", "zh": "咨询"}, "open": true, "accepting": true, "waiting": 0, "eta_s": 0},
		},
		"counters": []any{
			map[string]any{"id": "1", "name": name("1"), "state": "open", "number": "A020"},
			map[string]any{"id": "2", "name": name("2"), "state": "open", "number": "A019"},
			map[string]any{"id": "3", "name": name("3"), "state": "closed"},
			map[string]any{"id": "4", "name": map[string]string{"en": "Counter 4 · VIP", "zh": "4号窗口 · 贵宾"}, "state": "open", "number": "A018"},
		},
		"notice":           map[string]string{"en": "Counter 2 closes at 16:00 today.", "zh": "今日 2 号窗口 16:00 停止办理。"},
		"head_start_max_s": 1800,
		"rule": map[string]any{
			"head_start_max_s": 1800,
			"top_tiers":        []any{map[string]any{"id": "platinum", "name": map[string]string{"en": "Platinum", "zh": "白金卡"}, "head_start_s": 1800}},
			"general_counters": []any{map[string]any{"id": "1", "name": name("1")}, map[string]any{"id": "2", "name": name("2")}, map[string]any{"id": "3", "name": name("3")}},
			"vip_windows":      []any{map[string]any{"id": "4", "name": name("4")}},
			"spare_time":       []any{map[string]any{"counter": map[string]any{"id": "2", "name": name("2")}, "services": []string{"C"}}},
			"vip_streak_cap":   3,
		},
		"time_zone": "Asia/Shanghai",
	}
}

// fakeCall is a Call as the hub sends it.
func fakeCall(number, counter string, at time.Time, recall bool) map[string]any {
	zh := counter + "号窗口"
	en := "Counter " + counter
	if counter == "4" {
		zh, en = "4号窗口 · 贵宾", "Counter 4 · VIP"
	}
	return map[string]any{"number": number, "service": number[:1], "counter": counter,
		"counter_name": map[string]string{"en": en, "zh": zh}, "at": at.UTC().Format("2006-01-02T15:04:05.000Z07:00"), "recall": recall}
}

// fakeDisplayHub serves the display pages with a scripted /ws/display: a
// snapshot the test writes on each connection, then the messages the test
// pushes; GET /api/v1/hall; and /api/v1/voice/ answering 404, as a hub
// before the voice endpoint does.
type fakeDisplayHub struct {
	URL string

	mu   sync.Mutex
	snap map[string]any
	asks int // requests to /api/v1/voice/
	live *fakeLive
}

func newFakeDisplayHub(t *testing.T, snap map[string]any) *fakeDisplayHub {
	t.Helper()
	f := &fakeDisplayHub{snap: snap}
	mux := http.NewServeMux()
	displayPages(mux)
	mux.Handle("/assets/", http.StripPrefix("/assets/", web.SecureHeaders(assets.Handler())))
	mux.HandleFunc("GET /api/v1/hall", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		f.mu.Lock()
		zone := f.snap["time_zone"]
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"name": map[string]string{"en": "Riverside Branch", "zh": "滨江支行"}, "time_zone": zone})
	})
	mux.HandleFunc("GET /api/v1/voice/", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.asks++
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":"not_found","message":"Not found."}}`)
	})
	mux.HandleFunc("/ws/display", func(w http.ResponseWriter, r *http.Request) {
		f.live.serve(w, r, func(seq int) any {
			f.snap["seq"] = seq
			return f.snap
		})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	f.live = newFakeLive(t, &f.mu) // its connections end before the server
	return f
}

// push sends msg, with the next seq, on the newest connection.
func (f *fakeDisplayHub) push(t *testing.T, msg map[string]any) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.live.pushLocked(t, msg)
}

// snapshot replaces the view, for the next connections too, and sends it
// as the hub does after a change of configuration.
func (f *fakeDisplayHub) snapshot(t *testing.T, snap map[string]any) {
	t.Helper()
	snap["type"] = "snapshot"
	f.mu.Lock()
	f.snap = snap
	f.mu.Unlock()
	f.push(t, snap)
}

func (f *fakeDisplayHub) voiceAsks() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asks
}
