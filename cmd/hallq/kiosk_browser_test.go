package main

// Browser tests of the kiosk page, /kiosk (assets/static/kiosk.*), against
// the whole hub: a service button gives a ticket on screen; a card reader
// typing like a keyboard gives a VIP ticket and the page never shows the
// card; an unknown card offers a regular ticket; closed services show why
// and cannot be pressed; the 80 mm paper ticket; the hub's printer, working
// and not; pairing; a lost reply retried with the same Idempotency-Key; and
// screenshots of both screen orientations in both languages.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"hallq"
	"hallq/web"
)

// The kiosk's touch screen, upright and on its side.
var (
	viewportKioskPortrait  = viewport{width: 1080, height: 1920, scale: 1}
	viewportKioskLandscape = viewport{width: 1920, height: 1080, scale: 1}
)

// kioskManager is the manager the tests configure the hall as.
var kioskManager = hallq.Actor{Name: "admin", Role: hallq.RoleManager}

// A VIP card of the tests, as its reader types it (track 2 and track 1).
const (
	testCardNumber = "6222021234567890"
	testCardHolder = "ZHANG/SAN"
	testCardTrack2 = ";" + testCardNumber + "=2512101?"
	testCardTrack1 = "%B" + testCardNumber + "^" + testCardHolder + "^2512101?"
)

// startKioskHub starts a hub with the default hall and a gold card.
func startKioskHub(t *testing.T) *inProcessHub {
	t.Helper()
	hub := startInProcessHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0")
	if _, err := hub.st.CreateCard(context.Background(), kioskManager,
		hallq.Card{Number: testCardNumber, Tier: "gold", Holder: "Zhang San"}); err != nil {
		t.Fatal(err)
	}
	return hub
}

// openKiosk loads /kiosk from base and waits until it shows the services,
// follows the hub live and knows whether it is a paired kiosk. The
// browser's print is replaced by a counter, window.printed: a kiosk prints
// silently (chromium --kiosk-printing), and a headless browser's print job
// would get in the way of printing to PDF.
func openKiosk(b *browser, base string) {
	b.t.Helper()
	b.run(chromedp.Navigate(base + "/kiosk"))
	b.run(chromedp.Evaluate[chromedp.Void](`window.printed = 0; window.print = () => { window.printed++; }`))
	b.waitJS(`document.body.dataset.ready === "1" && document.body.dataset.live === "live" && document.body.dataset.device !== undefined`)
}

// readerGap and personGap are the time between two keys of a card reader
// that types like a keyboard, and of a person at a keyboard.
const (
	readerGap = 3 * time.Millisecond
	personGap = 250 * time.Millisecond
)

// typeAt types keys to the page's document, one key every gap. The events
// carry their times, so the page sees that pace whatever the test's own.
// The times only go forward, and the keys of one call come a second after
// the last of the call before, at the earliest: as a person's keys and then
// a card's, not one burst.
func typeAt(b *browser, keys string, gap time.Duration) {
	b.t.Helper()
	keyClocks.Lock()
	at := time.Now()
	last, ok := keyClocks.last[b]
	if ok && at.Before(last.Add(time.Second)) {
		at = last.Add(time.Second)
	}
	keyClocks.Unlock()
	if !ok {
		b.t.Cleanup(func() {
			keyClocks.Lock()
			delete(keyClocks.last, b)
			keyClocks.Unlock()
		})
	}
	b.run(chromedp.KeyEvent(keys, func(p *input.DispatchKeyEventParams) {
		if p.Type == input.DispatchKeyEventTypeKeyDown {
			at = at.Add(gap)
		}
		p.Timestamp = input.TimeSinceEpoch(float64(at.UnixMicro()) / 1e6)
	}))
	keyClocks.Lock()
	keyClocks.last[b] = at
	keyClocks.Unlock()
}

// keyClocks holds the time of the last key typeAt typed, per browser.
var keyClocks = struct {
	sync.Mutex
	last map[*browser]time.Time
}{last: map[*browser]time.Time{}}

// tap clicks the element sel names.
func tap(b *browser, sel string) {
	b.t.Helper()
	b.run(chromedp.Click(chromedp.CSS(sel)))
}

// queued returns the waiting tickets of a service, in call order.
func queued(t *testing.T, hub *inProcessHub, service string) []*hallq.Ticket {
	t.Helper()
	q, err := hub.st.FindQueue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range q {
		if s.ID == service {
			return s.Tickets
		}
	}
	t.Fatalf("no queue for service %s", service)
	return nil
}

// waitResult waits for the ticket screen with the QR code loaded.
func waitResult(b *browser) {
	b.t.Helper()
	b.waitJS(`document.body.dataset.screen === "result" && document.getElementById("r-qr").complete && document.getElementById("r-qr").naturalWidth > 0`)
}

// TestBrowser_KioskIssue takes a ticket with a service button: the number,
// the people ahead, the wait as a range and the QR code of the phone page
// show, the browser prints, and Done goes back to the start.
func TestBrowser_KioskIssue(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportKioskPortrait)
	hub := startKioskHub(t)
	if _, err := hub.st.ActAtCounter(context.Background(), hallq.CounterAction{Op: hallq.OpOpen, Counter: "1", By: kioskManager}, ""); err != nil {
		t.Fatal(err)
	}
	postTicket(t, hub.URL, "A") // A001, ahead of the kiosk's
	openKiosk(b, hub.URL)
	b.waitJS(`document.querySelector('.service[data-service="A"] .svc-detail').textContent.includes("1 人等候")`)
	startWait := browserEval[string](b, `document.querySelector('.service[data-service="A"] .svc-detail').textContent.split(" · ")[1]`)

	tap(b, `.service[data-service="A"]`)
	waitResult(b)
	b.waitJS(`window.printed === 1`)
	got := browserEval[map[string]string](b, `({
		number: document.getElementById("r-number").textContent,
		service: document.getElementById("r-service").textContent,
		ahead: document.getElementById("r-ahead").textContent,
		wait: document.getElementById("r-wait").textContent,
		qr: document.getElementById("r-qr").getAttribute("src"),
		print: document.body.dataset.print,
		countdown: document.getElementById("countdown").textContent,
		live: document.querySelector("#screen-result [aria-live]").getAttribute("aria-live"),
	})`)
	q := queued(t, hub, "A")
	if len(q) != 2 {
		t.Fatalf("queue A holds %d tickets, want 2", len(q))
	}
	mine := q[1]
	want := map[string]string{
		"number": "A002",
		"ahead":  "1 人",
		"qr":     "/api/v1/tickets/" + mine.Token + "/qr.png",
		"print":  "browser",
		"live":   "polite",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if !strings.Contains(got["service"], "个人业务") || !strings.Contains(got["service"], "Personal") {
		t.Errorf("service = %q, want both names", got["service"])
	}
	if !regexp.MustCompile(`^(约 \d+ 分钟|不到 1 分钟)(（(\d+–)?\d+ 分钟(以内)?）)?$`).MatchString(got["wait"]) {
		t.Errorf("wait = %q, want about so many minutes, with a range", got["wait"])
	}
	if got["wait"] != startWait {
		t.Errorf("the result screen says %q, the start screen said %q: want the same figures", got["wait"], startWait)
	}
	if n, err := strconv.Atoi(got["countdown"]); err != nil || n < 9 || n > 12 {
		t.Errorf("countdown = %q, want about 12 s: the QR code must not wait for the next in line", got["countdown"])
	}
	if mine.Lang != "zh" || mine.Tier != "regular" {
		t.Errorf("the ticket's lang/tier = %s/%s, want zh/regular", mine.Lang, mine.Tier)
	}
	// The paper ticket carries the same, in the ticket's language first.
	paper := browserEval[string](b, `document.getElementById("paper").textContent`)
	for _, s := range []string{"A002", "前面还有 1 人", "1 person ahead", "Scan to follow your turn", "服务大厅"} {
		if !strings.Contains(paper, s) {
			t.Errorf("the paper ticket lacks %q: %q", s, paper)
		}
	}
	b.screenshot("result")

	tap(b, "#done")
	b.waitJS(`document.body.dataset.screen === "start"`)
	checkResultCleared(t, b, mine.Token, mine.Number)
	b.waitJS(`document.querySelector('.service[data-service="A"] .svc-detail').textContent.includes("2 人等候")`)
}

// TestBrowser_KioskNoCounter: with every counter closed, the kiosk's start
// screen, its result screen, the paper ticket and the phone page all say
// that no counter is serving the service now, in both languages, instead
// of a wait.
func TestBrowser_KioskNoCounter(t *testing.T) {
	// A line of its own begins with a capital, as on the displays.
	const zh, en, alone = "目前没有窗口办理A业务", "no counter is serving A now", "No counter is serving A now"
	b := newBrowser(t)
	b.setViewport(viewportKioskPortrait)
	hub := startKioskHub(t)
	openKiosk(b, hub.URL)
	detail := `document.querySelector('.service[data-service="A"] .svc-detail').textContent`
	if got := browserEval[string](b, detail); got != zh {
		t.Errorf("start screen (zh): %q, want %q", got, zh)
	}
	tap(b, "#lang-toggle")
	b.waitJS(`document.documentElement.lang === "en"`)
	if got := browserEval[string](b, detail); got != en {
		t.Errorf("start screen (en): %q, want %q", got, en)
	}
	tap(b, `.service[data-service="A"]`)
	waitResult(b)
	if got := browserEval[string](b, `document.getElementById("r-wait").textContent`); got != alone {
		t.Errorf("result screen (en): %q, want %q", got, alone)
	}
	paper := browserEval[string](b, `document.getElementById("p-wait").textContent`)
	if !strings.Contains(paper, "Estimated wait: "+en) || !strings.Contains(paper, "预计等候 "+zh) {
		t.Errorf("paper ticket: %q, want both languages' no-counter words", paper)
	}
	tap(b, "#lang-toggle")
	b.waitJS(`document.documentElement.lang === "zh-Hans"`)
	if got := browserEval[string](b, `document.getElementById("r-wait").textContent`); got != zh {
		t.Errorf("result screen (zh): %q, want %q", got, zh)
	}
	b.screenshot("no-counter")

	q := queued(t, hub, "A")
	if len(q) != 1 {
		t.Fatalf("queue A holds %d tickets, want 1", len(q))
	}
	b.run(chromedp.Navigate(hub.URL + "/t/" + q[0].Token))
	b.waitJS(`document.body.dataset.view === "waiting" && document.getElementById("w-eta").textContent !== ""`)
	phoneLang(b, "en")
	if got := phoneText(b, "w-eta"); got != alone {
		t.Errorf("phone (en): %q, want %q", got, alone)
	}
	phoneLang(b, "zh")
	if got := phoneText(b, "w-eta"); got != zh {
		t.Errorf("phone (zh): %q, want %q", got, zh)
	}
}

// checkResultCleared fails the test when the page still holds the ticket
// it showed: its QR code (the ticket's token, with which anyone can cancel
// it) or its number, on the hidden result screen or the paper ticket.
func checkResultCleared(t *testing.T, b *browser, token, number string) {
	t.Helper()
	got := browserEval[map[string]any](b, `({
		qr: document.getElementById("r-qr").hasAttribute("src"),
		paperQR: document.getElementById("p-qr").hasAttribute("src"),
		number: document.getElementById("r-number").textContent,
		paper: document.getElementById("paper").textContent.trim(),
		html: document.documentElement.outerHTML,
	})`)
	if got["qr"] != false || got["paperQR"] != false {
		t.Errorf("back at the start, a QR code is still set: screen %v, paper %v", got["qr"], got["paperQR"])
	}
	if got["number"] != "" || got["paper"] != "" {
		t.Errorf("back at the start, the last ticket is still there: number %q, paper %q", got["number"], got["paper"])
	}
	html := got["html"].(string)
	if strings.Contains(html, token) {
		t.Errorf("back at the start, the page still holds the last ticket's token")
	}
	if strings.Contains(html, ">"+number+"<") {
		t.Errorf("back at the start, the page still holds the last ticket's number %s", number)
	}
}

// TestBrowser_KioskCardWedge reads a VIP card from a reader that types like
// a keyboard, whatever has the focus, and issues a gold ticket; neither the
// card's number nor its holder ever shows.
func TestBrowser_KioskCardWedge(t *testing.T) {
	for _, tc := range []struct{ name, typed string }{
		{"Track2", testCardTrack2},
		{"Track1", testCardTrack1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t)
			b.setViewport(viewportKioskLandscape)
			hub := startKioskHub(t)
			front, requests := recordIssues(t, hub)
			openKiosk(b, front)

			// A service button has the focus: the reader's Enter must not
			// press it.
			b.run(chromedp.Focus(chromedp.CSS(`.service[data-service="A"]`)))
			typeAt(b, tc.typed+"\r", readerGap)
			b.waitJS(`document.body.dataset.card === "1" && !document.getElementById("card-read").hidden`)
			if got := browserEval[string](b, `document.body.dataset.screen`); got != "start" {
				t.Fatalf("after the card: screen %s, want start", got)
			}
			if n := len(queued(t, hub, "A")); n != 0 {
				t.Fatalf("the reader's Enter issued %d tickets for the focused button", n)
			}
			if got := browserEval[string](b, `document.querySelector(".card-read-text").textContent`); got != "已读取 VIP 卡 — 请选择业务" {
				t.Errorf("card banner = %q", got)
			}
			checkNoCard(t, b)
			b.screenshot("card-read")

			tap(b, `.service[data-service="B"]`)
			waitResult(b)
			q := queued(t, hub, "B")
			if len(q) != 1 || q[0].Tier != "gold" {
				t.Fatalf("queue B = %v, want one gold ticket", q)
			}
			if got := browserEval[string](b, `document.getElementById("r-number").textContent`); got != q[0].Number {
				t.Errorf("number on screen %q, want %q", got, q[0].Number)
			}
			if got := browserEval[string](b, `document.getElementById("r-tier").hidden ? "" : document.getElementById("r-tier").textContent`); got != "VIP · 金卡" {
				t.Errorf("tier on screen %q, want VIP · 金卡", got)
			}
			if got := browserEval[string](b, `document.body.dataset.card || ""`); got != "" {
				t.Errorf("the card is still held after its ticket (data-card=%q)", got)
			}
			// The kiosk sends the number alone: the holder's name on track 1
			// never leaves it.
			if got := requests(); len(got) != 1 || got[0] != `{"service":"B","lang":"zh","card":"`+testCardNumber+`"}` {
				t.Errorf("ticket requests %q, want one for B with the card number", got)
			}
			checkNoCard(t, b)
			b.screenshot("vip-ticket")

			// The next customer gets a regular ticket.
			tap(b, "#done")
			b.waitJS(`document.body.dataset.screen === "start"`)
			tap(b, `.service[data-service="B"]`)
			waitResult(b)
			if q := queued(t, hub, "B"); len(q) != 2 || q[1].Tier != "regular" {
				t.Errorf("the next ticket: queue B = %v, want a regular second", q)
			}
		})
	}
}

// TestBrowser_KioskPersonTyping types a number and Enter at a person's
// pace: that is not a card reader, and the Enter presses the focused button
// as it would anywhere.
func TestBrowser_KioskPersonTyping(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportKioskLandscape)
	hub := startKioskHub(t)
	openKiosk(b, hub.URL)
	b.run(chromedp.Focus(chromedp.CSS(`.service[data-service="A"]`)))
	typeAt(b, testCardNumber+"\r", personGap)
	waitResult(b)
	q := queued(t, hub, "A")
	if len(q) != 1 || q[0].Tier != "regular" {
		t.Errorf("queue A = %v, want one regular ticket from the focused button", q)
	}
	if got := browserEval[string](b, `document.body.dataset.card || ""`); got != "" {
		t.Errorf("typing at a person's pace read a card")
	}
}

// recordIssues serves the hub through a proxy that records the body of
// every ticket request; it returns the proxy's URL and the bodies so far.
func recordIssues(t *testing.T, hub *inProcessHub) (string, func() []string) {
	t.Helper()
	target, err := url.Parse(hub.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target) // keeps the Host, so Origin checks pass
	var (
		mu     sync.Mutex
		bodies []string
	)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v1/tickets" {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			mu.Lock()
			bodies = append(bodies, string(body))
			mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), bodies...)
	}
}

// checkNoCard fails the test if the page shows or holds the test card's
// number, its last digits or its holder.
func checkNoCard(t *testing.T, b *browser) {
	t.Helper()
	page := browserEval[string](b, `document.documentElement.outerHTML + "\n" + document.body.innerText`)
	shown := browserEval[string](b, `document.body.innerText`)
	for _, s := range []string{testCardNumber, testCardHolder, "ZHANG", "Zhang", "SAN^"} {
		if strings.Contains(page, s) {
			t.Errorf("the page holds %q", s)
		}
	}
	if strings.Contains(shown, testCardNumber[len(testCardNumber)-4:]) {
		t.Errorf("the page shows the card's last digits")
	}
}

// TestBrowser_KioskUnknownCard types an unknown card on the keypad: the
// page says so kindly in both languages and its one button gives a regular
// ticket.
func TestBrowser_KioskUnknownCard(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportKioskPortrait)
	hub := startKioskHub(t)
	openKiosk(b, hub.URL)

	tap(b, "#vip-button")
	b.waitJS(`document.body.dataset.screen === "keypad"`)
	for _, k := range "99990000" {
		tap(b, fmt.Sprintf(`#keypad [data-key="%c"]`, k))
	}
	if got := browserEval[string](b, `document.getElementById("keypad-entry").textContent`); strings.Contains(got, "9999") || !strings.Contains(got, "••••••••") {
		t.Errorf("keypad shows %q, want dots only", got)
	}
	b.screenshot("keypad")
	tap(b, "#keypad-ok")
	b.waitJS(`document.body.dataset.screen === "start" && document.body.dataset.card === "1"`)

	tap(b, `.service[data-service="A"]`)
	b.waitJS(`document.body.dataset.screen === "card-unknown"`)
	msg := browserEval[string](b, `document.getElementById("unknown-text").innerText`)
	for _, s := range []string{"抱歉，这张 VIP 卡无法使用", "Sorry, this VIP card cannot be used", "普通号", "regular ticket"} {
		if !strings.Contains(msg, s) {
			t.Errorf("the message lacks %q: %q", s, msg)
		}
	}
	if got := browserEval[string](b, `document.getElementById("unknown-regular").textContent`); !strings.Contains(got, "个人业务") {
		t.Errorf("the regular-ticket button says %q, want the service", got)
	}
	if n := len(queued(t, hub, "A")); n != 0 {
		t.Fatalf("an unknown card issued %d tickets", n)
	}
	b.screenshot("unknown")

	tap(b, "#unknown-regular")
	waitResult(b)
	q := queued(t, hub, "A")
	if len(q) != 1 || q[0].Tier != "regular" {
		t.Fatalf("queue A = %v, want one regular ticket", q)
	}
	if got := browserEval[string](b, `document.getElementById("r-number").textContent`); got != q[0].Number {
		t.Errorf("number on screen %q, want %q", got, q[0].Number)
	}
}

// otherDays returns every weekday but today's (UTC, the test hub's zone).
func otherDays() []string {
	all := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	today := int(time.Now().UTC().Weekday())
	var days []string
	for i := 1; i < 7; i++ {
		days = append(days, all[(today+i)%7])
	}
	return days
}

// closeServices closes B by its switch and C by its hours, and gives A a
// quota of one ticket, already taken.
func closeServices(t *testing.T, hub *inProcessHub) {
	t.Helper()
	ctx := context.Background()
	off, quota := false, 1
	for id, u := range map[string]hallq.ServiceUpdate{
		"A": {DailyQuota: &quota},
		"B": {Open: &off},
		"C": {Hours: hallq.Nullable[hallq.Hours]{Set: true, Value: &hallq.Hours{Open: "08:30", Close: "17:00", Days: otherDays()}}},
	} {
		if _, err := hub.st.UpdateService(ctx, kioskManager, id, u); err != nil {
			t.Fatal(err)
		}
	}
	postTicket(t, hub.URL, "A")
}

// TestBrowser_KioskClosed shows closed services as closed, with why, as
// soon as they close; they cannot be pressed.
func TestBrowser_KioskClosed(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportKioskLandscape)
	hub := startKioskHub(t)
	openKiosk(b, hub.URL)
	if got := browserEval[int](b, `document.querySelectorAll(".service.closed").length`); got != 0 {
		t.Fatalf("%d services closed at the start", got)
	}

	closeServices(t, hub) // while the page is open: it follows live
	b.waitJS(`document.querySelectorAll(".service.closed").length === 3`)
	got := browserEval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll(".service")].map(b =>
		[b.dataset.service, b.dataset.closed + "|" + b.disabled + "|" + b.querySelector(".svc-info").textContent.replaceAll("\u2060", "")]))`)
	want := map[string]string{
		"A": "quota|true|暂停取号今日号票已取完",
		"B": "closed|true|暂停取号今日暂停服务",
		"C": "hours|true|暂停取号办理时间 08:30–17:00",
	}
	for id, w := range want {
		if !strings.HasPrefix(got[id], w) {
			t.Errorf("service %s: %q, want %q…", id, got[id], w)
		}
	}
	b.screenshot("closed-zh")

	tap(b, "#lang-toggle")
	b.waitJS(`document.documentElement.lang === "en"`)
	if got := browserEval[string](b, `document.querySelector('.service[data-service="C"] .svc-info').textContent.replaceAll("\u2060", "")`); !strings.HasPrefix(got, "ClosedOpens 08:30–17:00, ") {
		t.Errorf("service C in English: %q, want Closed, Opens 08:30–17:00 and the days", got)
	}
	b.screenshot("closed-en")

	// Neither a click nor a script's click issues a ticket.
	b.run(chromedp.Click(chromedp.CSS(`.service[data-service="B"]`)))
	b.run(chromedp.Evaluate[chromedp.Void](`document.querySelector('.service[data-service="C"]').click()`))
	if got := browserEval[string](b, `document.body.dataset.screen + "/" + (document.body.dataset.attempts || "0")`); got != "start/0" {
		t.Errorf("after pressing closed services: screen/attempts %s, want start/0", got)
	}
	for _, id := range []string{"B", "C"} {
		if n := len(queued(t, hub, id)); n != 0 {
			t.Errorf("closed service %s got %d tickets", id, n)
		}
	}
}

// setMedia emulates a CSS media type ("print", or "" for the screen),
// keeping the harness's reduced motion.
func setMedia(b *browser, media string) {
	b.t.Helper()
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Media:    media,
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		})
		return err
	}))
}

// TestBrowser_KioskPrintLayout prints the ticket as the browser would: an
// 80 mm ticket, black on white, without the screen's chrome, on one 80 mm
// page.
func TestBrowser_KioskPrintLayout(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportKioskPortrait)
	hub := startKioskHub(t)
	openKiosk(b, hub.URL)
	tap(b, "#lang-toggle") // an English ticket: English first, then Chinese
	tap(b, `.service[data-service="C"]`)
	waitResult(b)
	b.waitJS(`window.printed === 1`) // with the QR code loaded
	if got := browserEval[bool](b, `document.getElementById("p-qr").complete && document.getElementById("p-qr").naturalWidth > 0`); !got {
		t.Errorf("the browser printed before the QR code loaded")
	}

	setMedia(b, "print")
	got := browserEval[map[string]any](b, `(() => {
		const paper = document.getElementById("paper"), r = paper.getBoundingClientRect();
		const style = getComputedStyle(paper);
		const number = getComputedStyle(document.querySelector(".p-number"));
		return {
			width: r.width, height: paper.scrollHeight, fits: paper.scrollHeight <= paper.clientHeight,
			chrome: getComputedStyle(document.getElementById("chrome")).display,
			color: style.color, background: style.backgroundColor,
			numberPx: parseFloat(number.fontSize),
			qr: document.getElementById("p-qr").getBoundingClientRect().width,
			text: paper.innerText,
		};
	})()`)
	b.screenshot("print")
	setMedia(b, "")

	const mm80 = 80 * 96 / 25.4 // 302.36 CSS px
	if w := got["width"].(float64); math.Abs(w-mm80) > 1 {
		t.Errorf("paper width %.1f px, want 80 mm = %.1f px", w, mm80)
	}
	if got["chrome"] != "none" {
		t.Errorf("in print, the screen's chrome has display %v, want none", got["chrome"])
	}
	if got["color"] != "rgb(0, 0, 0)" || got["background"] != "rgb(255, 255, 255)" {
		t.Errorf("paper colours %v on %v, want black on white", got["color"], got["background"])
	}
	if px := got["numberPx"].(float64); px < 50 {
		t.Errorf("the number prints at %.0f px, want very large", px)
	}
	if qr := got["qr"].(float64); qr < 100 {
		t.Errorf("the QR code prints %.0f px wide, want at least 100 (about 26 mm)", qr)
	}
	text := got["text"].(string)
	for _, s := range []string{"Service Hall", "服务大厅", "C001", "Enquiries", "咨询", "0 people ahead", "前面还有 0 人",
		"Estimated wait", "预计等候", "Scan to follow your turn on your phone", "扫码在手机上查看排队进度"} {
		if !strings.Contains(text, s) {
			t.Errorf("the paper ticket lacks %q:\n%s", s, text)
		}
	}
	if i, j := strings.Index(text, "Enquiries"), strings.Index(text, "咨询"); i > j {
		t.Errorf("an English ticket prints Chinese first:\n%s", text)
	}

	// The page as Chromium prints it: one page, 80 mm wide, with all of
	// the ticket on it.
	if fits := got["fits"].(bool); !fits {
		t.Errorf("the ticket is %.0f mm long: it does not fit its page", got["height"].(float64)*25.4/96)
	}
	pages, w, h := printedPages(b)
	t.Logf("printed: %d page(s) of %.1f × %.1f mm; the ticket is %.1f mm long", pages, w, h, got["height"].(float64)*25.4/96)
	if pages != 1 || math.Abs(w-80) > 1 {
		t.Errorf("the ticket prints on %d pages %.1f mm wide, want 1 page 80 mm wide", pages, w)
	}

	// Long names wrap; the ticket still prints on one page.
	long := hallq.Text{EN: "Riverside Branch, Personal and Business Banking Service Hall", ZH: "滨江支行个人及对公业务综合服务大厅"}
	if _, err := hub.st.UpdateSettings(context.Background(), kioskManager, hallq.SettingsUpdate{Name: &long}); err != nil {
		t.Fatal(err)
	}
	b.waitJS(`document.getElementById("hall-name").textContent.startsWith("Riverside")`)
	tap(b, "#done")
	tap(b, `.service[data-service="C"]`)
	b.waitJS(`window.printed === 2`)
	if pages, _, _ := printedPages(b); pages != 1 {
		t.Errorf("with long names the ticket prints on %d pages, want 1", pages)
	}
	setMedia(b, "print")
	b.screenshot("print-long")
	setMedia(b, "")
}

// printedPages prints the page to PDF as Chromium prints it, with the
// page's own page size, and returns its number of pages and the size of
// the first in millimetres.
func printedPages(b *browser) (pages int, width, height float64) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	yes := true
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) {
		p.PreferCSSPageSize = &yes
		p.PrintBackground = &yes
	}))
	if err != nil {
		b.t.Fatalf("printing to PDF: %v", err)
	}
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]`).FindAllSubmatch(pdf, -1)
	if len(boxes) == 0 {
		b.t.Fatalf("the PDF has no pages")
	}
	fmt.Sscan(string(boxes[0][1]), &width)
	fmt.Sscan(string(boxes[0][2]), &height)
	return len(boxes), width / 72 * 25.4, height / 72 * 25.4
}

// fakeDevice stands in for the hub's device and printer endpoints, in front
// of the hub: GET /api/v1/devices/me answers me, and each POST
// /api/v1/tickets/{token}/print answers status with body.
type fakeDevice struct {
	me     string
	status int
	body   string

	mu      sync.Mutex
	printed []string // the tokens asked to print
}

// frontHub serves mux in front of the hub (or a fake of it) at hubURL: what
// mux does not handle goes on to the hub, websockets included.
func frontHub(t *testing.T, hubURL string, mux *http.ServeMux) *httptest.Server {
	t.Helper()
	target, err := url.Parse(hubURL)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/", httputil.NewSingleHostReverseProxy(target)) // keeps the Host, so Origin checks pass
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func (f *fakeDevice) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/devices/me", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, f.me)
	})
	mux.HandleFunc("POST /api/v1/tickets/{token}/print", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.printed = append(f.printed, r.PathValue("token"))
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		fmt.Fprint(w, f.body)
	})
}

// TestBrowser_KioskHubPrinter prints on the hub's printer on a paired kiosk
// that has one: no browser printing; when the printer fails, the ticket
// stays up longer with the advice to photograph it.
func TestBrowser_KioskHubPrinter(t *testing.T) {
	for _, tc := range []struct {
		name, me   string
		status     int
		body       string
		wantPrint  string // data-print
		wantStatus string // what the ticket screen says about printing
		vp         viewport
	}{
		{"Printed", `{"kind":"kiosk","name":"Entrance","printer":true}`, 200, `{"printed":true}`, "hub-ok", "请取走号票Please take your ticket", viewportKioskLandscape},
		{"PrinterFails", `{"kind":"kiosk","name":"Entrance","printer":true}`, 503,
			`{"error":{"code":"printer_unavailable","message":"The ticket printer does not answer."}}`, "hub-failed",
			"打印机出现故障 — 请拍下此屏幕或扫描二维码The printer is not working — please photograph this screen or scan the code", viewportKioskPortrait},
		{"NoPrinter", `{"kind":"kiosk","name":"Entrance","printer":false}`, 500, `{}`, "browser", "", viewportKioskLandscape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t)
			b.setViewport(tc.vp)
			hub := startKioskHub(t)
			dev := &fakeDevice{me: tc.me, status: tc.status, body: tc.body}
			mux := http.NewServeMux()
			dev.routes(mux)
			front := frontHub(t, hub.URL, mux)
			openKiosk(b, front.URL)

			tap(b, `.service[data-service="A"]`)
			waitResult(b)
			b.waitJS(`["browser", "hub-ok", "hub-failed"].includes(document.body.dataset.print)`)
			got := browserEval[map[string]any](b, `({
				print: document.body.dataset.print,
				status: document.getElementById("r-print").hidden ? "" : document.getElementById("r-print").textContent,
				role: document.getElementById("r-print").getAttribute("role"),
				countdown: Number(document.getElementById("countdown").textContent),
			})`)
			if got["print"] != tc.wantPrint {
				t.Errorf("data-print = %v, want %s", got["print"], tc.wantPrint)
			}
			if got["status"] != tc.wantStatus {
				t.Errorf("print status %q, want %q", got["status"], tc.wantStatus)
			}
			dev.mu.Lock()
			printed := dev.printed
			dev.mu.Unlock()
			q := queued(t, hub, "A")
			browserPrinted := browserEval[int](b, `window.printed`)
			switch tc.wantPrint {
			case "browser":
				if len(printed) != 0 || browserPrinted != 1 {
					t.Errorf("a kiosk without a hub printer: the hub printed %v, the browser %d times; want none and once", printed, browserPrinted)
				}
			default:
				if len(printed) != 1 || printed[0] != q[0].Token || browserPrinted != 0 {
					t.Errorf("the hub printed %v, the browser %d times; want the ticket's token once and none", printed, browserPrinted)
				}
			}
			c := got["countdown"].(float64)
			switch tc.wantPrint {
			case "hub-failed":
				if got["role"] != "alert" {
					t.Errorf("the printer's failure has role %v, want alert", got["role"])
				}
				if c < 40 {
					t.Errorf("countdown %v s after a printer failure, want about 45: the screen is the ticket", c)
				}
			case "hub-ok":
				if c > 10 {
					t.Errorf("countdown %v s with the ticket printed, want at most 10", c)
				}
			default:
				if c > 12 {
					t.Errorf("countdown %v s with the ticket printed by the browser, want at most 12", c)
				}
			}
			checkFits(t, b, "ticket")
			b.screenshot("ticket")
			if tc.wantPrint == "hub-ok" {
				// Left alone, the screen goes back to the start by itself,
				// without the ticket.
				b.waitJS(`document.body.dataset.screen === "start"`)
				checkResultCleared(t, b, q[0].Token, q[0].Number)
			}
		})
	}
}

// TestBrowser_KioskHubPrinterDown pairs the kiosk for real, with a printer
// at an address where nothing listens: the hub's /api/v1/devices/me says it
// has a printer, /print fails, and the page shows the ticket with the
// advice to photograph it, without printing through the browser.
func TestBrowser_KioskHubPrinterDown(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportKioskPortrait)
	hub := startKioskHub(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nowhere := ln.Addr().String()
	ln.Close()
	ctx := context.Background()
	d, err := hub.st.CreateDevice(ctx, kioskManager, hallq.NewDevice{Kind: hallq.DeviceKiosk, Name: "Entrance", Printer: nowhere})
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := hub.st.PairDevice(ctx, d.Code)
	if err != nil {
		t.Fatal(err)
	}
	httpOnly := true
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, network.SetCookie, network.SetCookieParams{
			Name: "hallq_device", Value: token, URL: hub.URL, HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteStrict,
		})
		return err
	}))
	openKiosk(b, hub.URL)
	if got := browserEval[string](b, `document.body.dataset.device`); got != "printer" {
		t.Fatalf("data-device = %q, want printer", got)
	}

	tap(b, `.service[data-service="A"]`)
	waitResult(b)
	b.waitJS(`document.body.dataset.print === "hub-failed"`)
	if got := browserEval[string](b, `document.getElementById("r-print").textContent`); !strings.Contains(got, "The printer is not working") {
		t.Errorf("print status %q", got)
	}
	if n := browserEval[int](b, `window.printed`); n != 0 {
		t.Errorf("the browser printed %d times on a kiosk with a hub printer", n)
	}
	if q := queued(t, hub, "A"); len(q) != 1 {
		t.Errorf("queue A holds %d tickets, want 1", len(q))
	}
}

// TestBrowser_KioskPairing opens the setup screen with a long press on the
// hall's name and pairs the kiosk with a manager's code: the hub's device
// cookie is set, HttpOnly. A wrong code gets the hub's message.
func TestBrowser_KioskPairing(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportKioskPortrait)
	hub := startKioskHub(t)
	d, err := hub.st.CreateDevice(context.Background(), kioskManager, hallq.NewDevice{Kind: hallq.DeviceKiosk, Name: "Entrance"})
	if err != nil {
		t.Fatal(err)
	}
	openKiosk(b, hub.URL)

	// A short press does nothing; a press of three seconds opens setup.
	tap(b, "#hall-name")
	if got := browserEval[string](b, `document.body.dataset.screen`); got != "start" {
		t.Fatalf("a short press on the hall name: screen %s", got)
	}
	openSetup(b)
	if got := browserEval[string](b, `document.getElementById("setup-device").textContent`); got != "本机未配对：号票由本浏览器打印。" {
		t.Errorf("device status %q", got)
	}

	for _, c := range "ZZZZ2222" {
		tap(b, fmt.Sprintf(`#pair-keys [data-letter="%c"]`, c))
	}
	tap(b, "#pair-submit")
	b.waitJS(`document.getElementById("pair-result").classList.contains("bad")`)
	if got := browserEval[string](b, `document.getElementById("pair-result").textContent`); !strings.Contains(got, "pairing code is wrong") {
		t.Errorf("a wrong code says %q", got)
	}

	b.run(chromedp.Evaluate[chromedp.Void](`document.getElementById("pair-code").value = ""`))
	for _, c := range d.Code {
		tap(b, fmt.Sprintf(`#pair-keys [data-letter="%c"]`, c))
	}
	b.screenshot("setup")
	tap(b, "#pair-submit")
	b.waitJS(`document.getElementById("pair-result").textContent === "配对成功。"`)
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	cookies, err := chromedp.Run(ctx, chromedp.Action[[]*network.Cookie](func(ctx context.Context, tab *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(ctx, tab, network.GetCookies, network.GetCookiesParams{URLs: []string{hub.URL}})
		if err != nil {
			return nil, err
		}
		return res.Cookies, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, c := range cookies {
		if c.Name == "hallq_device" {
			found = true
			if !c.HTTPOnly {
				t.Errorf("the device cookie is not HttpOnly")
			}
		}
	}
	if !found {
		t.Errorf("no device cookie after pairing: %v", cookies)
	}
	tap(b, "#setup-back")
	b.waitJS(`document.body.dataset.screen === "start"`)
}

// openSetup opens the setup screen as staff do: a press of three seconds
// on the hall's name.
func openSetup(b *browser) {
	b.t.Helper()
	xy := browserEval[[]float64](b, `(() => { const r = document.getElementById("hall-name").getBoundingClientRect(); return [r.x + 20, r.y + r.height / 2]; })()`)
	b.run(chromedp.MouseEvent(chromedp.MousePressed, xy[0], xy[1], chromedp.ButtonLeft, chromedp.ClickCount(1)))
	b.waitJS(`document.body.dataset.screen === "setup"`)
	b.run(chromedp.MouseEvent(chromedp.MouseReleased, xy[0], xy[1], chromedp.ButtonLeft, chromedp.ClickCount(1)))
}

// TestBrowser_KioskSetupDropsCard swipes cards on the setup screen, into
// the pairing field and with the Pair button focused: the field keeps what
// the person typed, and nothing is sent to /api/v1/devices/pair (each try
// there counts as a failed pairing, and ten block pairing for a while). A
// person typing the code on a keyboard still pairs.
func TestBrowser_KioskSetupDropsCard(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportKioskPortrait)
	hub := startKioskHub(t)
	d, err := hub.st.CreateDevice(context.Background(), kioskManager, hallq.NewDevice{Kind: hallq.DeviceKiosk, Name: "Entrance"})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		pairs []string // the bodies of the pairing requests
	)
	target, err := url.Parse(hub.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/devices/pair", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		pairs = append(pairs, string(body))
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	})
	front := frontHub(t, hub.URL, mux)
	openKiosk(b, front.URL)
	openSetup(b)

	field := `document.getElementById("pair-code").value`
	b.run(chromedp.Focus(chromedp.CSS("#pair-code")))
	typeAt(b, d.Code[:3], personGap)
	if got := browserEval[string](b, field); got != d.Code[:3] {
		t.Fatalf("a person typed %q; the field holds %q", d.Code[:3], got)
	}

	// A card into the field: the field keeps the person's three letters.
	typeAt(b, testCardTrack2+"\r", readerGap)
	if got := browserEval[string](b, field); got != d.Code[:3] {
		t.Errorf("after a card in the field, it holds %q, want %q", got, d.Code[:3])
	}
	result := `document.getElementById("pair-result").textContent`
	if got := browserEval[string](b, result); got != "刚才刷了卡：设置页面不读取卡号，配对码未改动。" {
		t.Errorf("after a card, the setup screen says %q", got)
	}
	b.screenshot("card-dropped")

	// A card with the Pair button focused: its Enter presses nothing.
	b.run(chromedp.Focus(chromedp.CSS("#pair-submit")))
	typeAt(b, testCardTrack1+"\r", readerGap)
	if got := browserEval[string](b, result+` + "|" + document.getElementById("pair-submit").disabled`); got != "刚才刷了卡：设置页面不读取卡号，配对码未改动。|false" {
		t.Errorf("a card's Enter on the Pair button: the screen says %q, want no pairing", got)
	}
	if got := browserEval[string](b, field+` + "|" + document.body.dataset.screen + "|" + (document.body.dataset.card || "")`); got != d.Code[:3]+"|setup|" {
		t.Errorf("after a card on the Pair button: field|screen|card = %q, want %s|setup|", got, d.Code[:3])
	}
	checkNoCard(t, b)

	// The person types the rest, and Enter: paired.
	b.run(chromedp.Focus(chromedp.CSS("#pair-code")))
	b.run(chromedp.Evaluate[chromedp.Void](`document.getElementById("pair-code").setSelectionRange(3, 3)`))
	typeAt(b, d.Code[3:]+"\r", personGap)
	b.waitJS(`document.getElementById("pair-result").textContent === "配对成功。"`)
	mu.Lock()
	defer mu.Unlock()
	if want := `{"code":"` + d.Code + `"}`; len(pairs) != 1 || pairs[0] != want {
		t.Errorf("pairing requests %q, want only the person's %s", pairs, want)
	}
}

// frozenDisplay serves /ws/display in front of the hub with the hub's
// snapshot and nothing after it: the page is live, and hears of no change.
func frozenDisplay(t *testing.T, hub *inProcessHub, mux *http.ServeMux) {
	t.Helper()
	upgrader := websocket.Upgrader{CheckOrigin: web.CheckOrigin}
	var (
		mu    sync.Mutex
		conns []*websocket.Conn
	)
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	mux.HandleFunc("/ws/display", func(w http.ResponseWriter, r *http.Request) {
		up, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hub.URL, "http")+"/ws/display", http.Header{"Origin": {hub.URL}})
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer up.Close()
		_, snapshot, err := up.ReadMessage()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		conns = append(conns, conn)
		mu.Unlock()
		defer conn.Close()
		go func() { // the hub's later messages, read and dropped
			for {
				if _, _, err := up.ReadMessage(); err != nil {
					conn.Close()
					return
				}
			}
		}()
		if err := conn.WriteMessage(websocket.TextMessage, snapshot); err != nil {
			return
		}
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	})
}

// TestBrowser_KioskJustClosed taps a service that closed (by its hours)
// while the page did not hear of it: the hub refuses with 409 closed, and
// the button shows the service closed at once, then with the hub's reason,
// so that the next customer does not tap it again.
func TestBrowser_KioskJustClosed(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportKioskLandscape)
	hub := startKioskHub(t)
	mux := http.NewServeMux()
	frozenDisplay(t, hub, mux)
	front := frontHub(t, hub.URL, mux)
	openKiosk(b, front.URL)

	hours := hallq.Nullable[hallq.Hours]{Set: true, Value: &hallq.Hours{Open: "08:30", Close: "17:00", Days: otherDays()}}
	if _, err := hub.st.UpdateService(context.Background(), kioskManager, "C", hallq.ServiceUpdate{Hours: hours}); err != nil {
		t.Fatal(err)
	}
	button := `document.querySelector('.service[data-service="C"]')`
	if got := browserEval[bool](b, button+`.disabled`); got {
		t.Fatalf("service C shows closed before the tap: the page heard of it live, the test cannot tell")
	}

	tap(b, `.service[data-service="C"]`)
	b.waitJS(button + `.classList.contains("closed") && !document.getElementById("message").hidden`)
	if got := browserEval[string](b, `document.getElementById("message").textContent`); !strings.Contains(got, "抱歉，“咨询”刚刚停止取号。") || !strings.Contains(got, "Sorry, Enquiries has just closed.") {
		t.Errorf("the message says %q, want just closed in both languages, each with its own name", got)
	}
	// Read again from the hub: closed by its hours, and says when it opens.
	b.waitJS(button + `.dataset.closed === "hours"`)
	got := browserEval[string](b, button+`.disabled + "|" + `+button+`.querySelector(".svc-info").textContent.replaceAll("\u2060", "")`)
	if !strings.HasPrefix(got, "true|暂停取号办理时间 08:30–17:00") {
		t.Errorf("service C after the refusal: %q, want closed, with its hours", got)
	}
	if got := browserEval[string](b, `document.querySelector('.service[data-service="A"]').disabled + "|" + document.body.dataset.screen`); got != "false|start" {
		t.Errorf("service A disabled / screen: %q, want false|start", got)
	}
	b.screenshot("just-closed")

	// A second tap does nothing.
	b.run(chromedp.Evaluate[chromedp.Void](button + `.click()`))
	if got := browserEval[string](b, `document.body.dataset.attempts`); got != "1" {
		t.Errorf("the page made %s ticket requests, want 1", got)
	}
	if n := len(queued(t, hub, "C")); n != 0 {
		t.Errorf("closed service C got %d tickets", n)
	}
}

// loseFirstIssue is a proxy in front of the hub that forwards the first
// POST /api/v1/tickets and then loses the reply, as a flaky network does:
// the ticket exists, the kiosk does not know it. It records the
// Idempotency-Key of every ticket request.
type loseFirstIssue struct {
	proxy http.Handler
	lose  func(w http.ResponseWriter, reply *httptest.ResponseRecorder) // what reaches the kiosk instead

	mu   sync.Mutex
	keys []string
}

func (p *loseFirstIssue) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Every reply closes its connection, so the browser never resends a
	// request of its own accord on a reused one: only the page retries.
	w.Header().Set("Connection", "close")
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/tickets" {
		p.proxy.ServeHTTP(w, r)
		return
	}
	p.mu.Lock()
	first := len(p.keys) == 0
	p.keys = append(p.keys, r.Header.Get("Idempotency-Key"))
	p.mu.Unlock()
	if !first {
		p.proxy.ServeHTTP(w, r)
		return
	}
	reply := httptest.NewRecorder()
	p.proxy.ServeHTTP(reply, r)
	p.lose(w, reply)
}

// TestBrowser_KioskRetry loses the reply to the kiosk's first ticket
// request after the hub made the ticket: the page retries with the same
// Idempotency-Key, and exactly one ticket exists, the one on screen.
func TestBrowser_KioskRetry(t *testing.T) {
	hijack := func(t *testing.T, w http.ResponseWriter) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijacking: %v", err)
			return
		}
		buf.Flush()
		conn.Close()
	}
	for _, tc := range []struct {
		name string
		lose func(t *testing.T) func(w http.ResponseWriter, reply *httptest.ResponseRecorder)
	}{
		{"Dropped", func(t *testing.T) func(http.ResponseWriter, *httptest.ResponseRecorder) {
			return func(w http.ResponseWriter, reply *httptest.ResponseRecorder) {
				hijack(t, w) // no reply at all
			}
		}},
		{"CutShort", func(t *testing.T) func(http.ResponseWriter, *httptest.ResponseRecorder) {
			return func(w http.ResponseWriter, reply *httptest.ResponseRecorder) {
				// The status and half the ticket, then the line goes.
				conn, buf, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Errorf("hijacking: %v", err)
					return
				}
				body := reply.Body.Bytes()
				fmt.Fprintf(buf, "HTTP/1.1 %d Created\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", reply.Code, len(body))
				buf.Write(body[:len(body)/2])
				buf.Flush()
				conn.Close()
			}
		}},
		{"BadGateway", func(t *testing.T) func(http.ResponseWriter, *httptest.ResponseRecorder) {
			return func(w http.ResponseWriter, reply *httptest.ResponseRecorder) {
				http.Error(w, "bad gateway", http.StatusBadGateway)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t)
			b.setViewport(viewportKioskPortrait)
			hub := startKioskHub(t)
			target, err := url.Parse(hub.URL)
			if err != nil {
				t.Fatal(err)
			}
			p := &loseFirstIssue{proxy: httputil.NewSingleHostReverseProxy(target), lose: tc.lose(t)}
			front := httptest.NewServer(p)
			t.Cleanup(front.Close)
			openKiosk(b, front.URL)

			tap(b, `.service[data-service="A"]`)
			waitResult(b)
			q := queued(t, hub, "A")
			if len(q) != 1 {
				t.Fatalf("queue A holds %d tickets, want exactly 1", len(q))
			}
			if got := browserEval[string](b, `document.getElementById("r-number").textContent`); got != q[0].Number {
				t.Errorf("number on screen %q, want %q", got, q[0].Number)
			}
			p.mu.Lock()
			keys := append([]string(nil), p.keys...)
			p.mu.Unlock()
			if len(keys) < 2 {
				t.Fatalf("the hub saw %d ticket requests, want the first and a retry", len(keys))
			}
			for _, k := range keys {
				if k == "" || k != keys[0] {
					t.Errorf("Idempotency-Keys %q, want one non-empty key throughout", keys)
					break
				}
			}
			if got := browserEval[string](b, `document.body.dataset.attempts`); got != fmt.Sprint(len(keys)) {
				t.Errorf("the page made %s attempts; the hub saw %d", got, len(keys))
			}

			// The next tap is a new key, and a new ticket.
			tap(b, "#done")
			b.waitJS(`document.body.dataset.screen === "start"`)
			tap(b, `.service[data-service="A"]`)
			waitResult(b)
			if q := queued(t, hub, "A"); len(q) != 2 {
				t.Errorf("after a second tap: %d tickets, want 2", len(q))
			}
			p.mu.Lock()
			if last := p.keys[len(p.keys)-1]; last == keys[0] {
				t.Errorf("the second tap reused the first tap's key")
			}
			p.mu.Unlock()
		})
	}
}

// TestBrowser_KioskScreens takes screenshots of every screen of the kiosk,
// upright and on its side, in both languages, for a person to look at, and
// checks that nothing spills out of the screen.
func TestBrowser_KioskScreens(t *testing.T) {
	for _, v := range []struct {
		name string
		vp   viewport
	}{{"portrait", viewportKioskPortrait}, {"landscape", viewportKioskLandscape}} {
		for _, lang := range []string{"zh", "en"} {
			t.Run(v.name+"-"+lang, func(t *testing.T) {
				b := newBrowser(t)
				b.setViewport(v.vp)
				hub := startKioskHub(t)
				ctx := context.Background()
				notice := hallq.Text{EN: "Foreign exchange is at counter 4 today.", ZH: "今日外币业务请到 4 号窗口办理。"}
				if _, err := hub.st.UpdateSettings(ctx, kioskManager, hallq.SettingsUpdate{Notice: &notice}); err != nil {
					t.Fatal(err)
				}
				hours := hallq.Nullable[hallq.Hours]{Set: true, Value: &hallq.Hours{Open: "08:30", Close: "17:00", Days: otherDays()}}
				if _, err := hub.st.UpdateService(ctx, kioskManager, "C", hallq.ServiceUpdate{Hours: hours}); err != nil {
					t.Fatal(err)
				}
				for range 3 {
					postTicket(t, hub.URL, "A")
				}
				openKiosk(b, hub.URL)
				setLang := func() {
					if lang == "en" {
						tap(b, "#lang-toggle")
						b.waitJS(`document.documentElement.lang === "en"`)
					}
				}
				setLang()
				checkFits(t, b, "start")
				b.screenshot("start")

				typeAt(b, testCardTrack2+"\r", readerGap)
				b.waitJS(`document.body.dataset.card === "1"`)
				checkFits(t, b, "card read")
				b.screenshot("card-read")
				tap(b, "#card-cancel")

				tap(b, "#vip-button")
				b.waitJS(`document.body.dataset.screen === "keypad"`)
				tap(b, `#keypad [data-key="1"]`)
				tap(b, `#keypad [data-key="2"]`)
				checkFits(t, b, "keypad")
				b.screenshot("keypad")
				tap(b, "#keypad-ok")
				b.waitJS(`document.body.dataset.card === "1"`)
				tap(b, `.service[data-service="A"]`)
				b.waitJS(`document.body.dataset.screen === "card-unknown"`)
				checkFits(t, b, "unknown card")
				b.screenshot("unknown-card")

				tap(b, "#unknown-regular")
				waitResult(b)
				checkFits(t, b, "ticket")
				b.screenshot("ticket")
			})
		}
	}
}

// TestBrowser_KioskManyServices lays out a hall of eight services, two
// closed, upright and on its side: every button on the screen at once.
func TestBrowser_KioskManyServices(t *testing.T) {
	for _, v := range []struct {
		name string
		vp   viewport
	}{{"portrait", viewportKioskPortrait}, {"landscape", viewportKioskLandscape}} {
		t.Run(v.name, func(t *testing.T) {
			b := newBrowser(t)
			b.setViewport(v.vp)
			hub := startKioskHub(t)
			ctx := context.Background()
			for _, n := range []hallq.NewService{
				{ID: "D", Name: hallq.Text{EN: "Foreign exchange", ZH: "外汇业务"}},
				{ID: "E", Name: hallq.Text{EN: "Wealth management", ZH: "理财咨询"}},
				{ID: "F", Name: hallq.Text{EN: "Cards and online banking", ZH: "银行卡及网上银行"}},
				{ID: "G", Name: hallq.Text{EN: "Loans", ZH: "贷款"}, Hours: &hallq.Hours{Open: "09:00", Close: "16:00", Days: otherDays()}},
				{ID: "H", Name: hallq.Text{EN: "Safe deposit boxes", ZH: "保管箱"}},
			} {
				if _, err := hub.st.CreateService(ctx, kioskManager, n); err != nil {
					t.Fatal(err)
				}
			}
			off := false
			if _, err := hub.st.UpdateService(ctx, kioskManager, "H", hallq.ServiceUpdate{Open: &off}); err != nil {
				t.Fatal(err)
			}
			openKiosk(b, hub.URL)
			if n := browserEval[int](b, `document.querySelectorAll(".service").length`); n != 8 {
				t.Fatalf("%d service buttons, want 8", n)
			}
			checkFits(t, b, "eight services")
			b.screenshot("zh")
			tap(b, "#lang-toggle")
			b.waitJS(`document.documentElement.lang === "en"`)
			checkFits(t, b, "eight services in English")
			b.screenshot("en")
		})
	}
}

// checkFits fails the test when the page scrolls or a visible element
// reaches past the screen's edges.
func checkFits(t *testing.T, b *browser, what string) {
	t.Helper()
	out := browserEval[[]string](b, `(() => {
		const W = innerWidth, H = innerHeight, out = [];
		if (document.documentElement.scrollHeight > H + 1) out.push("page scrolls: " + document.documentElement.scrollHeight + " > " + H);
		for (const e of document.querySelectorAll(".chrome *")) {
			const r = e.getBoundingClientRect();
			if (r.width === 0 || r.height === 0) continue;
			if (r.right > W + 1 || r.left < -1 || r.bottom > H + 1) out.push((e.id || e.className) + " " + JSON.stringify(r));
		}
		return out.slice(0, 5);
	})()`)
	if len(out) > 0 {
		t.Errorf("%s: does not fit the screen: %s", what, strings.Join(out, "; "))
	}
}
