package main

// Browser tests of the rating pad, /pad (assets/static/pad.*), against the
// whole hub: staff pair it with a manager's code; between visits it shows
// its counter and the number served; when staff finish a visit it asks the
// customer with five faces, stores the answer, and after a 1 or a 2 asks
// what went wrong and passes it on as a complaint; it asks about a visit
// once, through reconnections and reloads; left alone it goes back to the
// counter; unpaired, it asks for a code again. Screenshots of each screen
// at the pad's three sizes.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The pads the page is made for: small tablets on their side, and one
// upright.
var (
	viewportPadWide     = viewport{width: 1024, height: 600, scale: 1}
	viewportPadSmall    = viewport{width: 800, height: 480, scale: 1}
	viewportPadPortrait = viewport{width: 768, height: 1024, scale: 1}
)

// faceMinPx is 2 cm in CSS pixels (96 per inch): the smallest a face may be.
const faceMinPx = 2 * 96 / 2.54

// padBrowser starts chromium for a pad test at v. times, when not empty, is
// a JavaScript object of the page's times to shorten (window.hallqPadTimes,
// e.g. `{rateMs: 1500}`), set before any script of the page runs.
func padBrowser(t *testing.T, v viewport, times string) *browser {
	t.Helper()
	b := newBrowser(t)
	b.setViewport(v)
	if times != "" {
		b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
			_, err := cdp.Call(ctx, tab, page.AddScriptToEvaluateOnNewDocument,
				page.AddScriptToEvaluateOnNewDocumentParams{Source: "window.hallqPadTimes = " + times + ";"})
			return err
		}))
	}
	return b
}

// padDevice is a pad a manager created through the API, not paired yet.
type padDevice struct {
	ID   uint64 `json:"id"`
	Code string `json:"code"`
}

// newPadDevice has the manager create a pad for counter and returns its
// pairing code.
func newPadDevice(t *testing.T, hub *inProcessHub, admin, counter string) padDevice {
	t.Helper()
	status, out := phoneCall(t, "POST", hub.URL+"/api/v1/devices", admin, `{"kind":"pad","name":"Pad `+counter+`","counter":"`+counter+`"}`)
	if status != http.StatusCreated {
		t.Fatalf("creating a pad: status %d: %s", status, out)
	}
	var d padDevice
	if err := json.Unmarshal(out, &d); err != nil || d.Code == "" {
		t.Fatalf("creating a pad: %v: %s", err, out)
	}
	return d
}

// startPad starts a hub with its admin, has the manager create a pad for
// counter 1, and pairs the page at /pad with it as staff do, on its own
// letters. It returns the hub, the admin's token and the device.
func startPad(t *testing.T, b *browser) (*inProcessHub, string, padDevice) {
	t.Helper()
	hub := startInProcessHub(t, t.TempDir()+"/hallq.db", "127.0.0.1:0")
	admin := phoneAdmin(t, hub)
	d := newPadDevice(t, hub, admin, "1")
	b.run(chromedp.Navigate(hub.URL + "/pad"))
	b.waitJS(`document.body.dataset.screen === "pair"`)
	padType(b, d.Code)
	b.waitJS(`document.body.dataset.screen === "idle" && document.body.dataset.live === "live"`)
	return hub, admin, d
}

// padType types a pairing code on the page's letters and sends it.
func padType(b *browser, code string) {
	b.t.Helper()
	for _, c := range code {
		tap(b, fmt.Sprintf(`#pair-keys [data-letter="%c"]`, c))
	}
	tap(b, "#pair-submit")
}

// padText returns the visible text of the element with the id, its lines
// joined by spaces.
func padText(b *browser, id string) string {
	b.t.Helper()
	return phoneText(b, id)
}

// padData returns the page's data-* attributes.
func padData(b *browser) map[string]string {
	b.t.Helper()
	return browserEval[map[string]string](b, `({...document.body.dataset})`)
}

// padVisit finishes a visit at counter 1: a ticket issued, called and done.
// The counter must be open.
func padVisit(t *testing.T, hub *inProcessHub, admin string) phoneTicket {
	t.Helper()
	tk := phoneIssue(t, hub, "", `{"service":"A","lang":"en"}`)
	if got := phoneAct(t, hub, admin, "1", "next", `{}`); got.ID != tk.ID {
		t.Fatalf("counter 1 called %s, want %s", got.Number, tk.Number)
	}
	phoneAct(t, hub, admin, "1", "done", `{}`)
	return tk
}

// padAsked waits until the page asks about ticket tk.
func padAsked(b *browser, tk phoneTicket) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf(`document.body.dataset.screen === "rate" && document.body.dataset.visit === "%d"`, tk.ID))
}

// ticketRating returns the rating the hub has for the ticket, 0 for none.
func ticketRating(t *testing.T, hub *inProcessHub, tk phoneTicket) int {
	t.Helper()
	status, out := phoneCall(t, "GET", hub.URL+"/api/v1/tickets/"+tk.Token, "", "")
	if status != http.StatusOK {
		t.Fatalf("reading ticket %s: status %d: %s", tk.Number, status, out)
	}
	var v struct{ Rating int }
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return v.Rating
}

// padCheckFits fails the test when the pad's page does not fit its screen,
// a visible button is smaller than a finger (48 CSS pixels) or has words
// that spill out of it, or a face is smaller than 2 cm.
func padCheckFits(t *testing.T, b *browser, where string) {
	t.Helper()
	out := browserEval[[]string](b, `((MIN) => {
		const W = innerWidth, H = innerHeight, out = [];
		const seen = (e) => !e.closest("[hidden]") && e.getClientRects().length > 0;
		const name = (e) => e.id || e.className.baseVal || e.className || e.tagName;
		for (const e of document.querySelectorAll("body *")) {
			if (!seen(e)) continue;
			const r = e.getBoundingClientRect();
			if (r.width === 0 || r.height === 0) continue;
			if (r.right > W + 1 || r.left < -1 || r.bottom > H + 1 || r.top < -1) out.push("off the screen: " + name(e) + " " + JSON.stringify(r));
		}
		for (const e of document.querySelectorAll("button")) {
			if (!seen(e)) continue;
			const r = e.getBoundingClientRect();
			if (r.width < 48 || r.height < 48) out.push("small target: " + name(e) + " " + Math.round(r.width) + "×" + Math.round(r.height));
			if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1) out.push("words spill out of " + name(e) + ": " + e.textContent);
		}
		for (const e of document.querySelectorAll(".face")) {
			if (!seen(e)) continue;
			const img = e.querySelector(".face-img").getBoundingClientRect();
			if (img.width < MIN || img.height < MIN) out.push("face " + e.dataset.score + " under 2 cm: " + Math.round(img.width) + "×" + Math.round(img.height));
		}
		return out.slice(0, 8);
	})(`+strconv.FormatFloat(faceMinPx, 'f', 1, 64)+`)`)
	if len(out) > 0 {
		t.Errorf("%s: %s", where, strings.Join(out, "; "))
	}
}

// padShots checks the layout of the screen at the pad's three sizes and
// saves each, and goes back to v.
func padShots(t *testing.T, b *browser, name string, v viewport) {
	t.Helper()
	for _, s := range []viewport{viewportPadWide, viewportPadSmall, viewportPadPortrait} {
		b.setViewport(s)
		size := fmt.Sprintf("%dx%d", s.width, s.height)
		padCheckFits(t, b, name+" "+size)
		b.screenshot(name + "-" + size)
	}
	b.setViewport(v)
}

// TestBrowser_PadRates pairs a pad with a manager's code, shows its counter
// closed, open and serving, asks for a rating when staff finish the visit
// (for 30 seconds), stores the face pressed, thanks, goes back to the
// counter, and does not ask again about that visit after a reload.
func TestBrowser_PadRates(t *testing.T) {
	b := padBrowser(t, viewportPadWide, `{thanksMs: 300}`)
	hub := startInProcessHub(t, t.TempDir()+"/hallq.db", "127.0.0.1:0")
	admin := phoneAdmin(t, hub)
	d := newPadDevice(t, hub, admin, "1")

	b.run(chromedp.Navigate(hub.URL + "/pad"))
	b.waitJS(`document.body.dataset.screen === "pair"`)
	if got := padText(b, "pair-title"); got != "配对评价器 Pair this rating pad" {
		t.Errorf("pairing title %q", got)
	}
	padShots(t, b, "pair", viewportPadWide)
	padType(b, "ZZZZ2222")
	b.waitJS(`document.getElementById("pair-result").classList.contains("bad")`)
	if got := padText(b, "pair-result"); !strings.HasPrefix(got, "配对码不正确或已过期。") || !strings.Contains(got, "pairing code") {
		t.Errorf("a wrong code says %q, want both languages", got)
	}
	b.run(chromedp.Evaluate[chromedp.Void](`document.getElementById("pair-code").value = ""`))
	padType(b, d.Code)
	b.waitJS(`document.body.dataset.screen === "idle" && document.body.dataset.counterState === "closed"`)
	if got := browserEval[string](b, `localStorage.getItem("hallq.pad.token") || ""`); got == "" {
		t.Errorf("no device token kept after pairing")
	}
	if got := padText(b, "idle-counter"); got != "1号窗口 Counter 1" {
		t.Errorf("counter %q, want 1号窗口 Counter 1", got)
	}
	if got := padText(b, "idle-status"); got != "本窗口暂停服务 This counter is closed" {
		t.Errorf("closed counter says %q", got)
	}
	if got := padText(b, "hall-name"); got != "服务大厅 Service Hall" {
		t.Errorf("hall %q", got)
	}
	padShots(t, b, "closed", viewportPadWide)

	phoneAct(t, hub, admin, "1", "open", `{}`)
	b.waitJS(`document.body.dataset.counterState === "open"`)
	if got := padText(b, "idle-status"); got != "欢迎光临 Welcome 请留意叫号 Please wait for your number" {
		t.Errorf("open counter says %q", got)
	}
	tk := phoneIssue(t, hub, "", `{"service":"A","lang":"en"}`)
	phoneAct(t, hub, admin, "1", "next", `{}`)
	b.waitJS(`document.body.dataset.number === "` + tk.Number + `"`)
	if got, want := padText(b, "idle-status"), "正在办理 Now serving "+tk.Number; got != want {
		t.Errorf("serving counter says %q, want %q", got, want)
	}
	padShots(t, b, "serving", viewportPadWide)

	phoneAct(t, hub, admin, "1", "done", `{}`)
	padAsked(b, tk)
	if left, _ := strconv.Atoi(padData(b)["left"]); left < 28 || left > 30 {
		t.Errorf("%d seconds to answer, want 30", left)
	}
	if got, want := padText(b, "rate-visit"), "号码 "+tk.Number+" Ticket "+tk.Number; got != want {
		t.Errorf("the visit asked about %q, want %q", got, want)
	}
	faces := browserEval[[]string](b, `[...document.querySelectorAll("#faces .face")].map((f) => f.dataset.score + " " + f.innerText.replace(/\s+/g, " ").trim())`)
	if want := []string{"1 非常不满意 Very dissatisfied", "2 不满意 Dissatisfied", "3 一般 Neutral", "4 满意 Satisfied", "5 非常满意 Very satisfied"}; strings.Join(faces, "|") != strings.Join(want, "|") {
		t.Errorf("faces %q, want %q", faces, want)
	}
	padShots(t, b, "rate", viewportPadWide)

	tap(b, `#faces .face[data-score="4"]`)
	b.waitJS(`document.body.dataset.screen === "thanks" && document.body.dataset.result === "rated"`)
	if got := padText(b, "thanks-title"); got != "谢谢您的评价！ Thank you for your rating!" {
		t.Errorf("thanks say %q", got)
	}
	if got := ticketRating(t, hub, tk); got != 4 {
		t.Errorf("the hub has rating %d, want 4", got)
	}
	b.screenshot("thanks")
	b.waitJS(`document.body.dataset.screen === "idle"`)

	// Reloaded, the pad finds the counter and nothing to ask about.
	b.run(chromedp.Reload())
	b.waitJS(`document.body.dataset.snapshots === "1" && document.body.dataset.counterState === "open"`)
	if got := padData(b); got["screen"] != "idle" || got["asks"] != "0" || got["offered"] != "" {
		t.Errorf("after a reload: screen %s, %s asks, offered %q; want idle, none, nothing", got["screen"], got["asks"], got["offered"])
	}
}

// TestBrowser_PadLowRating asks what went wrong after a 2 and passes the
// answer to the manager as a complaint; after a 1, "skip" passes nothing.
// A visit rated meanwhile from elsewhere gets a thank-you, not an error.
// A paused counter says so.
func TestBrowser_PadLowRating(t *testing.T) {
	b := padBrowser(t, viewportPadSmall, `{thanksMs: 300}`)
	hub, admin, _ := startPad(t, b)
	phoneAct(t, hub, admin, "1", "open", `{}`)

	tk := padVisit(t, hub, admin)
	padAsked(b, tk)
	tap(b, `#faces .face[data-score="2"]`)
	b.waitJS(`document.body.dataset.screen === "why"`)
	if got := padText(b, "why-question"); got != "很抱歉！请问哪里让您不满意？ We are sorry. What went wrong?" {
		t.Errorf("the question %q", got)
	}
	cats := browserEval[[]string](b, `[...document.querySelectorAll("#categories .category")].map((c) => c.dataset.category)`)
	if got, want := strings.Join(cats, " "), "wait_too_long attitude not_resolved environment other"; got != want {
		t.Errorf("categories %s, want %s", got, want)
	}
	if got := ticketRating(t, hub, tk); got != 2 {
		t.Errorf("the hub has rating %d, want 2 before the question", got)
	}
	padShots(t, b, "why", viewportPadSmall)
	tap(b, `#categories .category[data-category="attitude"]`)
	b.waitJS(`document.body.dataset.screen === "thanks" && document.body.dataset.complaint === "sent"`)
	if got := padText(b, "thanks-body"); !strings.HasPrefix(got, "您的意见已转交大堂经理") || !strings.Contains(got, "passed to the hall manager") {
		t.Errorf("after a complaint the pad says %q", got)
	}
	padShots(t, b, "complaint-sent", viewportPadSmall)
	complaints := func() []map[string]any {
		var out []map[string]any
		if status := getJSON(t, hub.URL+"/api/v1/complaints", admin, &out); status != http.StatusOK {
			t.Fatalf("complaints: status %d", status)
		}
		return out
	}
	if got := complaints(); len(got) != 1 || got[0]["category"] != "attitude" || got[0]["source"] != "rating" || got[0]["ticket"] != tk.Number {
		t.Errorf("complaints %v, want one about the attitude, from the rating of %s", got, tk.Number)
	}
	b.waitJS(`document.body.dataset.screen === "idle"`)

	// A 1, then "skip": the rating is kept, nothing is passed on.
	tk = padVisit(t, hub, admin)
	padAsked(b, tk)
	tap(b, `#faces .face[data-score="1"]`)
	b.waitJS(`document.body.dataset.screen === "why"`)
	tap(b, "#why-skip")
	b.waitJS(`document.body.dataset.screen === "thanks" && document.body.dataset.complaint === "skipped"`)
	if got := ticketRating(t, hub, tk); got != 1 {
		t.Errorf("the hub has rating %d, want 1", got)
	}
	if got := complaints(); len(got) != 1 {
		t.Errorf("%d complaints after a skip, want still 1", len(got))
	}
	b.waitJS(`document.body.dataset.screen === "idle"`)

	// Rated another way while the pad asks (here: by the pad's own token,
	// as a try of the page's whose reply was lost would): a thank-you.
	tk = padVisit(t, hub, admin)
	padAsked(b, tk)
	token := browserEval[string](b, `localStorage.getItem("hallq.pad.token")`)
	req, err := http.NewRequest("POST", hub.URL+"/api/v1/ratings", strings.NewReader(fmt.Sprintf(`{"ticket":%d,"score":5}`, tk.ID)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Device "+token)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("rating with the pad's token: status %d", res.StatusCode)
	}
	tap(b, `#faces .face[data-score="3"]`)
	b.waitJS(`document.body.dataset.screen === "thanks" && document.body.dataset.result === "already"`)
	if got := padText(b, "thanks-body"); got != "这次服务已经评价过了。 This visit has already been rated." {
		t.Errorf("rated already says %q", got)
	}
	if got := ticketRating(t, hub, tk); got != 5 {
		t.Errorf("the hub has rating %d, want the first, 5", got)
	}
	padShots(t, b, "already", viewportPadSmall)
	b.waitJS(`document.body.dataset.screen === "idle"`)

	if status, out := phoneCall(t, "POST", hub.URL+"/api/v1/counters/1/pause", admin, `{}`); status != http.StatusOK {
		t.Fatalf("pause: status %d: %s", status, out)
	}
	b.waitJS(`document.body.dataset.counterState === "paused"`)
	if got := padText(b, "idle-status"); got != "暂停服务，请稍候 Paused — back shortly" {
		t.Errorf("paused counter says %q", got)
	}
	padShots(t, b, "paused", viewportPadSmall)
}

// TestBrowser_PadAsksOnce leaves the faces alone: after the page's own
// time (shortened here) the pad goes back to the counter without a rating,
// and does not ask again about that visit, though the hub still offers it,
// neither when its link reconnects nor after a reload. Unpaired by the
// manager, the pad asks for a new code.
func TestBrowser_PadAsksOnce(t *testing.T) {
	b := padBrowser(t, viewportPadPortrait, `{rateMs: 1500, thanksMs: 300}`)
	hub, admin, d := startPad(t, b)
	phoneAct(t, hub, admin, "1", "open", `{}`)

	tk := padVisit(t, hub, admin)
	padAsked(b, tk)
	b.waitJS(`document.body.dataset.screen === "idle"`)
	if got := ticketRating(t, hub, tk); got != 0 {
		t.Errorf("the hub has rating %d after the time ran out, want none", got)
	}

	id := strconv.FormatUint(tk.ID, 10)
	b.run(chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event("online"))`)) // live.js reconnects
	b.waitJS(`document.body.dataset.snapshots === "2"`)
	if got := padData(b); got["offered"] != id || got["asks"] != "1" || got["screen"] != "idle" {
		t.Errorf("after reconnecting: offered %q, %s asks, screen %s; want %s offered, still 1 ask, idle", got["offered"], got["asks"], got["screen"], id)
	}
	b.run(chromedp.Reload())
	b.waitJS(`document.body.dataset.snapshots === "1" && document.body.dataset.counterState === "open"`)
	if got := padData(b); got["offered"] != id || got["asks"] != "0" || got["screen"] != "idle" {
		t.Errorf("after a reload: offered %q, %s asks, screen %s; want %s offered, no ask, idle", got["offered"], got["asks"], got["screen"], id)
	}

	// The next visit is asked about as usual.
	tk = padVisit(t, hub, admin)
	padAsked(b, tk)
	tap(b, `#faces .face[data-score="5"]`)
	b.waitJS(`document.body.dataset.screen === "thanks" && document.body.dataset.result === "rated"`)
	padShots(t, b, "thanks", viewportPadPortrait)

	if status, out := phoneCall(t, "DELETE", hub.URL+"/api/v1/devices/"+strconv.FormatUint(d.ID, 10), admin, ""); status != http.StatusNoContent && status != http.StatusOK {
		t.Fatalf("unpairing: status %d: %s", status, out)
	}
	b.run(chromedp.Reload())
	b.waitJS(`document.body.dataset.screen === "pair" && document.body.dataset.paired === "0"`)
	if got := padText(b, "pair-result"); got != "本评价器已被取消配对，请输入新的配对码。 This pad is no longer paired. Type a new pairing code." {
		t.Errorf("unpaired says %q", got)
	}
	if got := browserEval[string](b, `localStorage.getItem("hallq.pad.token") || ""`); got != "" {
		t.Errorf("the old token is still kept")
	}
	padShots(t, b, "unpaired", viewportPadPortrait)
}
