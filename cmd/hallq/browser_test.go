package main

// The browser harness: Debian's chromium, headless, driven over the DevTools
// protocol with chromedp, against the whole hub assembled as main.go does.
//
//	b := newBrowser(t)                      // skips when chromium is missing
//	b.setViewport(viewportKioskPortrait)    // any time; desktop by default
//	b.run(chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(".x")))
//	b.waitJS(`document.body.dataset.ready === "1"`)
//	n := browserEval[int](b, `document.querySelectorAll("li").length`)
//	b.screenshot("ready")                   // $HALLQ_SCREENSHOTS/<Test>-ready.png
//
// Every step has a time limit (browserStepTimeout) and fails the test with
// the page's state when it runs out; tests wait on the page, never sleep. An
// uncaught exception or a Content-Security-Policy violation on the page fails
// the test too.
//
// Without chromium the browser tests are skipped, unless
// HALLQ_BROWSER_TESTS=required (as in .ci/run): then they fail.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"hallq/assets"
	"hallq/store"
	"hallq/web"
)

// browserStepTimeout bounds one browser step: a page that never gets there
// fails the test instead of hanging it.
const browserStepTimeout = 20 * time.Second

// viewport is the size of the page's window in CSS pixels, as a device shows it.
type viewport struct {
	width, height int
	scale         float64 // device pixels per CSS pixel
	mobile        bool    // a phone: mobile layout and touch events
}

// viewportDesktop is a counter PC's or a manager's screen; the pages of the
// kiosk (1080×1920, 1920×1080), the displays and phones bring their own.
var viewportDesktop = viewport{width: 1280, height: 800, scale: 1}

// browser is one headless chromium with one tab, for one test.
type browser struct {
	t   testing.TB
	ctx context.Context // the tab's chromedp context, for chromedp calls of a test's own

	mu      sync.Mutex
	ended   bool                      // the test's cleanup has begun: log no more
	console []chromedp.ConsoleMessage // what the page wrote to its console
	output  strings.Builder           // what chromium printed
}

// newBrowser starts chromium for the test, with a fresh profile and the
// desktop viewport, and ends it when the test ends. Without chromium it
// skips the test, or fails it when HALLQ_BROWSER_TESTS=required.
func newBrowser(t testing.TB) *browser {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("HALLQ_BROWSER_TESTS") == "required" {
			t.Fatalf("HALLQ_BROWSER_TESTS=required, but chromium is not installed: %v (apt-get install chromium)", err)
		}
		t.Skipf("chromium is not installed (%v); set HALLQ_BROWSER_TESTS=required to fail instead", err)
	}
	// Chromium's profile, and the home and temporary directories it would
	// otherwise litter, all removed after it has exited (cleanups run last
	// first). Short paths: Chromium's sockets live in TMPDIR, and a test's
	// own TempDir, named after the test, can pass the length a socket's
	// path may have.
	profile, home := shortTempDir(t), shortTempDir(t)
	b := &browser{t: t}

	v := viewportDesktop
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(v.width, v.height),
		chromedp.Flag("disable-dev-shm-usage", true),
		// No network but the hub's: no updates, no sync, no QUIC probes.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		// Timers run at full speed in a tab nobody looks at.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Env("HOME="+home, "TMPDIR="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home),
		chromedp.CombinedOutput(lockedWriter{b}),
	)
	ctx, cancelTab := chromedp.NewContext(alloc, chromedp.WithLogf(b.logf), chromedp.WithErrorf(b.logf))
	b.ctx = ctx
	consoleDone := make(chan struct{})
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for chromium to exit
		<-consoleDone
		b.mu.Lock()
		b.ended = true
		b.mu.Unlock()
		b.report()
	})

	// The first call starts chromium and opens the tab, for as long as ctx
	// lives: no time limit on this one.
	messages := chromedp.Console(ctx)
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m)
			b.mu.Unlock()
		}
	}()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v\n%s", err, b.chromiumOutput())
	}
	b.setViewport(v)
	// Screenshots show pages at rest, not half way through an animation;
	// the hub's styles animate only without prefers-reduced-motion.
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		})
		return err
	}))
	return b
}

// setViewport sizes the page as the device v shows it.
func (b *browser) setViewport(v viewport) {
	b.t.Helper()
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(v.scale)}
	if v.height > v.width {
		opts = append(opts, chromedp.EmulatePortrait)
	} else {
		opts = append(opts, chromedp.EmulateLandscape)
	}
	if v.mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	b.run(chromedp.EmulateViewport(int64(v.width), int64(v.height), opts...))
}

// run runs the steps in order, each within browserStepTimeout altogether,
// and fails the test with the page's state if one fails.
func (b *browser) run(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail("browser: %v", err)
	}
}

// waitJS waits until the JavaScript expression is truthy on the page.
func (b *browser) waitJS(expression string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expression,
		chromedp.WithPollingInterval(20*time.Millisecond),
		chromedp.WithPollingTimeout(browserStepTimeout)))
	if err != nil {
		b.fail("browser: waiting for %s: %v", expression, err)
	}
}

// settle waits until the page has been laid out twice since now: what
// the last change set off on its layout (a ResizeObserver refitting type)
// has run, as a viewer would see it a frame later.
func (b *browser) settle() {
	b.t.Helper()
	b.run(chromedp.Evaluate[chromedp.Void](`window.settled = false; requestAnimationFrame(() => requestAnimationFrame(() => { window.settled = true; }))`))
	b.waitJS(`window.settled === true`)
}

// browserEval returns the value of the JavaScript expression on the page.
func browserEval[T any](b *browser, expression string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		b.fail("browser: evaluating %s: %v", expression, err)
	}
	return v
}

// screenshot saves what the page shows (the viewport) as
// $HALLQ_SCREENSHOTS/<test>-<name>.png, for a person to look at; without
// HALLQ_SCREENSHOTS it does nothing.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv("HALLQ_SCREENSHOTS")
	if dir == "" {
		return
	}
	if !filepath.IsAbs(dir) { // go test runs in the package's directory
		b.t.Errorf("HALLQ_SCREENSHOTS=%s: give an absolute path", dir)
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(dir, fileName(b.t.Name()+"-"+name)+".png")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	b.t.Logf("screenshot: %s", file)
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName turns a test's name, with its subtests, into a file name.
func fileName(s string) string {
	return strings.Trim(unsafeFileChars.ReplaceAllString(s, "_"), "_")
}

// fail ends the test with the page's state, and a screenshot of it when
// HALLQ_SCREENSHOTS is set.
func (b *browser) fail(format string, args ...any) {
	b.t.Helper()
	b.screenshot("failed")
	b.t.Fatalf(format+"\n%s", append(args, b.state())...)
}

// state describes the page for a failure message: its address and the
// start of its body, attributes included.
func (b *browser) state() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`location.href + "\n" + (document.body ? document.body.outerHTML : document.documentElement.outerHTML).slice(0, 2000)`))
	if err != nil {
		return fmt.Sprintf("(the page cannot be read: %v)", err)
	}
	return "page: " + s
}

// report logs what the page wrote to its console, and fails the test for an
// uncaught exception or a Content-Security-Policy violation: a page of the
// hub has neither.
func (b *browser) report() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console {
		place := ""
		if m.URL != "" {
			place = fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
		}
		switch {
		case m.IsException():
			b.t.Errorf("page: uncaught %s%s", m.Text, place)
		case strings.Contains(m.Text, "Content Security Policy"):
			b.t.Errorf("page: CSP violation: %s%s", m.Text, place)
		default:
			b.t.Logf("page console: %s%s", m, place)
		}
	}
	if b.t.Failed() && b.output.Len() > 0 {
		b.t.Logf("chromium printed:\n%s", b.output.String())
	}
}

// logf passes chromedp's messages on to the test log while the test runs.
func (b *browser) logf(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.ended {
		b.t.Logf("chromedp: "+format, args...)
	}
}

func (b *browser) chromiumOutput() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.output.String()
}

// lockedWriter collects chromium's output in b.output.
type lockedWriter struct{ b *browser }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	if w.b.output.Len() < 64<<10 {
		w.b.output.Write(p)
	}
	return len(p), nil
}

// testPages serves testdata/browser under /test/ with the hub's security
// headers, so that test pages live under the same strict CSP as the hub's.
func testPages() http.Handler {
	return web.SecureHeaders(http.StripPrefix("/test/", http.FileServerFS(os.DirFS("testdata/browser"))))
}

// inProcessHub is the whole hub, assembled and stopped as run in main.go
// does it, in the test's process, plus the test pages under /test/.
type inProcessHub struct {
	URL  string // http://127.0.0.1:port
	Addr string // 127.0.0.1:port, to start the next hub on
	st   *store.Store

	srv       *http.Server
	served    chan error
	stopViews context.CancelFunc
	viewsDone chan struct{}
	once      sync.Once
}

// startInProcessHub opens the database file db and serves the hub on addr
// ("127.0.0.1:0" for any free port) until stop or the end of the test.
func startInProcessHub(t *testing.T, db, addr string) *inProcessHub {
	t.Helper()
	return startInProcessHubWith(t, db, addr, store.Options{TimeZone: "UTC"})
}

// startInProcessHubWith is startInProcessHub with the store options a test
// chooses: its clock (Now), the hall's zone on first start (TimeZone), the
// cost of password hashes (BcryptCost). The path, the public URL and the
// logger are the harness's.
func startInProcessHubWith(t *testing.T, db, addr string, opts store.Options) *inProcessHub {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listening on %s: %v", addr, err)
	}
	url := "http://" + ln.Addr().String()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts.Path, opts.PublicURL, opts.Logger = db, url, log
	st, err := store.Open(opts)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	hub := newServer(st, config{addr: ln.Addr().String(), db: db, publicURL: url, timeZone: opts.TimeZone})
	mux := http.NewServeMux()
	mux.Handle("/test/", testPages()) // test pages: only in tests
	mux.Handle("/", hub)
	h := &inProcessHub{
		URL:       url,
		Addr:      ln.Addr().String(),
		st:        st,
		srv:       &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)},
		served:    make(chan error, 1),
		viewsDone: make(chan struct{}),
	}
	var views context.Context
	views, h.stopViews = context.WithCancel(context.Background())
	go func() {
		defer close(h.viewsDone)
		hub.run(views)
	}()
	go func() { h.served <- h.srv.Serve(ln) }()
	t.Cleanup(func() { h.stop(t) })
	return h
}

// stop stops the hub in main.go's order: no new requests, the open ones
// finished, the websockets closed with a close frame, the database last.
func (h *inProcessHub) stop(t *testing.T) {
	t.Helper()
	h.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.srv.Shutdown(ctx); err != nil {
			t.Errorf("shutting the hub down: %v", err)
		}
		h.stopViews()
		<-h.viewsDone
		if err := <-h.served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serving: %v", err)
		}
		if err := h.st.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
}

// postTicket issues a ticket for service through the API, as a kiosk does.
func postTicket(t *testing.T, base, service string) {
	t.Helper()
	res, err := client.Post(base+"/api/v1/tickets", "application/json", strings.NewReader(`{"service":"`+service+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("issuing a ticket for %s: status %d", service, res.StatusCode)
	}
}

// TestBrowser_LiveReconnects follows a page using /assets/live.js on the
// display's socket through a stop and a restart of the whole hub: the page
// changes without reload, shows the offline marker while the hub is away,
// and reconnects by itself to a fresh snapshot of what was committed.
func TestBrowser_LiveReconnects(t *testing.T) {
	b := newBrowser(t)
	db := filepath.Join(t.TempDir(), "hallq.db")
	hub := startInProcessHub(t, db, "127.0.0.1:0")

	b.run(chromedp.Navigate(hub.URL + "/test/live.html"))
	b.waitJS(`document.body.dataset.snapshots === "1" && document.body.dataset.status === "live"`)
	if got := browserEval[string](b, `document.body.dataset.waitingA`); got != "0" {
		t.Fatalf("first snapshot: waiting A = %q, want 0", got)
	}
	b.screenshot("live")

	postTicket(t, hub.URL, "A")
	b.waitJS(`document.body.dataset.waitingA === "1"`)
	if got := browserEval[string](b, `document.body.dataset.snapshots`); got != "1" {
		t.Errorf("after a ticket: %s snapshots, want still 1: the change came as a message", got)
	}

	hub.stop(t)
	b.run(chromedp.WaitVisible(chromedp.CSS(`.hallq-offline[role="status"]`)))
	if got := browserEval[string](b, `document.querySelector(".hallq-offline").textContent`); !strings.Contains(got, "Reconnecting…") || !strings.Contains(got, "正在重新连接…") {
		t.Errorf("offline marker says %q, want both languages", got)
	}
	if got := browserEval[string](b, `document.body.dataset.waitingA`); got != "1" {
		t.Errorf("while offline: waiting A = %q, want the last view kept (1)", got)
	}
	b.screenshot("offline")

	hub = startInProcessHub(t, db, hub.Addr)
	b.waitJS(`document.body.dataset.snapshots === "2"`)
	if got := browserEval[string](b, `document.body.dataset.waitingA`); got != "1" {
		t.Errorf("after the restart: waiting A = %q, want 1 from the file", got)
	}
	b.run(chromedp.WaitNotPresent(chromedp.CSS(`.hallq-offline`)))
	b.screenshot("reconnected")

	postTicket(t, hub.URL, "A")
	b.waitJS(`document.body.dataset.waitingA === "2"`)
	if got := browserEval[string](b, `document.body.dataset.snapshots + "/" + document.body.dataset.status`); got != "2/live" {
		t.Errorf("at the end: snapshots/status %s, want 2/live", got)
	}
}

// TestBrowser_LiveDefends feeds live.js a scripted socket that breaks the
// protocol's promises: repeated and older seqs are ignored, a later snapshot
// replaces the view, a connection that does not start with a snapshot is
// dropped for a new one, each connection starts its seqs afresh, and
// close() says goodbye with a normal close frame.
func TestBrowser_LiveDefends(t *testing.T) {
	b := newBrowser(t)

	type msg struct {
		Type     string `json:"type"`
		Seq      int    `json:"seq"`
		Services []struct {
			ID      string `json:"id"`
			Waiting int    `json:"waiting"`
		} `json:"services"`
	}
	waiting := func(typ string, seq, a int) msg {
		m := msg{Type: typ, Seq: seq}
		m.Services = append(m.Services, struct {
			ID      string `json:"id"`
			Waiting int    `json:"waiting"`
		}{"A", a})
		return m
	}
	scripts := [][]msg{
		{ // the first connection
			waiting("snapshot", 5, 1),
			waiting("queue", 5, 91), // repeated: ignored
			waiting("queue", 3, 92), // older: ignored
			waiting("queue", 7, 2),
			waiting("snapshot", 9, 3), // replaces the view
			waiting("queue", 8, 93),   // older than the snapshot: ignored
			waiting("queue", 10, 4),
		},
		{waiting("queue", 11, 94)},                          // no snapshot first: dropped
		{waiting("snapshot", 2, 5), waiting("queue", 3, 6)}, // a new connection: seqs start afresh
	}

	goodbye := make(chan int, 1) // the close code of the last connection
	srv, dialed := scriptedHub(t, func(n int, conn *websocket.Conn) {
		if n >= len(scripts) {
			return
		}
		for _, m := range scripts[n] {
			if err := conn.WriteJSON(m); err != nil {
				return
			}
		}
		if n < len(scripts)-1 {
			conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
		}
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				var ce *websocket.CloseError
				if n == len(scripts)-1 && errors.As(err, &ce) {
					goodbye <- ce.Code
				}
				return
			}
		}
	})

	b.run(chromedp.Navigate(srv.URL + "/test/live.html?ws=/test/ws"))
	b.waitJS(`document.body.dataset.snapshots === "3" && document.body.dataset.seq === "3"`)
	got := browserEval[map[string]string](b, `({...document.body.dataset})`)
	want := map[string]string{"snapshots": "3", "messages": "3", "seq": "3", "type": "queue", "waitingA": "6", "status": "live"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("data-%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	// Replayed: 1st connection snapshot 5 → 7 → snapshot 9 → 10 (2 messages,
	// 2 snapshots); the 2nd is dropped unseen; the 3rd: snapshot 2 → 3.

	b.run(chromedp.Evaluate[chromedp.Void](`window.live.close()`))
	b.waitJS(`document.body.dataset.status === "closed"`)
	select {
	case code := <-goodbye:
		if code != websocket.CloseNormalClosure {
			t.Errorf("close() sent close code %d, want %d", code, websocket.CloseNormalClosure)
		}
	case <-time.After(browserStepTimeout):
		t.Errorf("close() sent no close frame")
	}
	if n := dialed(); n != len(scripts) {
		t.Errorf("the page connected %d times, want %d", n, len(scripts))
	}
}

// A link that brings nothing for a while may be dead without knowing it
// (the browser answers pings unseen): live.js renews it, and the page takes
// a fresh snapshot without showing the marker.
func TestBrowser_LiveRenewsQuietLink(t *testing.T) {
	b := newBrowser(t)
	renewed := make(chan int, 1) // the close code the page sent the quiet link
	srv, _ := scriptedHub(t, func(n int, conn *websocket.Conn) {
		snapshot := map[string]any{"type": "snapshot", "seq": 1, "services": []map[string]any{{"id": "A", "waiting": n + 1}}}
		if conn.WriteJSON(snapshot) != nil {
			return
		}
		for { // then nothing: a quiet hall, or a dead link
			if _, _, err := conn.ReadMessage(); err != nil {
				var ce *websocket.CloseError
				if n == 0 && errors.As(err, &ce) {
					renewed <- ce.Code
				}
				return
			}
		}
	})

	b.run(chromedp.Navigate(srv.URL + "/test/live.html?ws=/test/ws&quiet=300"))
	b.waitJS(`document.body.dataset.snapshots === "2" && document.body.dataset.waitingA === "2"`)
	if code := <-renewed; code != websocket.CloseNormalClosure {
		t.Errorf("the quiet link was closed with %d, want %d", code, websocket.CloseNormalClosure)
	}
	if browserEval[bool](b, `document.querySelector(".hallq-offline") !== null`) {
		t.Error("renewing a quiet link showed the offline marker")
	}
}

// shortTempDir is a new directory with a short path, removed at the end of
// the test.
func shortTempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "hq")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// scriptedHub serves the assets, the test pages and, at /test/ws, a
// websocket that serve scripts: it gets each connection with its number,
// from 0. Connections end with the test, for the browser may outlive the
// server. dialed tells how many connections came.
func scriptedHub(t *testing.T, serve func(n int, conn *websocket.Conn)) (srv *httptest.Server, dialed func() int) {
	t.Helper()
	var (
		mu      sync.Mutex
		count   int
		handled sync.WaitGroup
		quit    = make(chan struct{})
	)
	upgrader := websocket.Upgrader{CheckOrigin: web.CheckOrigin}
	mux := http.NewServeMux()
	mux.Handle("/assets/", http.StripPrefix("/assets/", web.SecureHeaders(assets.Handler())))
	mux.Handle("/test/", testPages())
	mux.HandleFunc("/test/ws", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := count
		count++
		mu.Unlock()
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		handled.Add(1)
		defer handled.Done()
		go func() {
			select {
			case <-quit:
				conn.Close()
			case <-r.Context().Done():
			}
		}()
		defer conn.Close()
		serve(n, conn)
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(quit)
		srv.Close()
		handled.Wait()
	})
	return srv, func() int {
		mu.Lock()
		defer mu.Unlock()
		return count
	}
}

// fakeLive is the websocket side of a fake hub for a page's tests: each
// connection first gets the snapshot its owner makes, with the next seq,
// and push sends a message with the next seq to the newest connection. It
// shares its owner's mutex, which guards what the snapshots are made of;
// every connection ends with the test.
type fakeLive struct {
	mu     *sync.Mutex
	conns  []*websocket.Conn // every connection, in order; under mu
	seq    int               // under mu
	ended  bool              // the test is over: no more connections; under mu
	closes chan int          // the close codes the page sent
	dialed chan struct{}     // closed once the page has connected
	once   sync.Once
}

// newFakeLive returns the websocket side of a fake hub guarded by mu.
func newFakeLive(t *testing.T, mu *sync.Mutex) *fakeLive {
	l := &fakeLive{mu: mu, closes: make(chan int, 16), dialed: make(chan struct{})}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		l.ended = true
		for _, c := range l.conns {
			c.Close()
		}
	})
	return l
}

var fakeUpgrader = websocket.Upgrader{CheckOrigin: web.CheckOrigin}

// serve upgrades the request and sends the snapshot snap makes of seq
// (called under mu), then reads until the page goes, noting its close code.
func (l *fakeLive) serve(w http.ResponseWriter, r *http.Request, snap func(seq int) any) {
	l.mu.Lock()
	ended := l.ended
	l.mu.Unlock()
	if ended {
		http.NotFound(w, r)
		return
	}
	conn, err := fakeUpgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	l.mu.Lock()
	l.conns = append(l.conns, conn)
	l.seq++
	err = conn.WriteJSON(snap(l.seq))
	l.mu.Unlock()
	l.once.Do(func() { close(l.dialed) })
	if err != nil {
		return
	}
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				l.closes <- ce.Code
			}
			return
		}
	}
}

// waitDialed waits until the page has connected, within a browser step's
// time: a page may show what its first GET got before its live link is up.
func (l *fakeLive) waitDialed() {
	select {
	case <-l.dialed:
	case <-time.After(browserStepTimeout):
	}
}

// pushLocked sends msg, with the next seq, on the newest connection; mu is
// held.
func (l *fakeLive) pushLocked(t *testing.T, msg map[string]any) {
	t.Helper()
	if len(l.conns) == 0 {
		t.Fatal("the page has not connected")
	}
	l.seq++
	msg["seq"] = l.seq
	if err := l.conns[len(l.conns)-1].WriteJSON(msg); err != nil && !errors.Is(err, net.ErrClosed) {
		t.Fatalf("pushing %v: %v", msg["type"], err)
	}
}

// connections returns how many connections came; mu is held.
func (l *fakeLive) connections() int { return len(l.conns) }
