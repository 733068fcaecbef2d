package main

// Browser tests of the phone page, /t/{token}: a customer's phone follows
// their ticket from waiting to called, served and done, leaves the queue,
// and finds its way back after a hub restart.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"hallq"
	"hallq/store"
)

// The phones the page is made for: a common large one and a small one.
var (
	viewportPhone      = viewport{width: 390, height: 844, scale: 3, mobile: true}
	viewportPhoneSmall = viewport{width: 360, height: 640, scale: 2, mobile: true}
)

// phoneVibrations records the page's calls of navigator.vibrate in
// window.vibrations, each as JSON, before any script of the page runs. The
// browser injects it, so the page's CSP does not apply.
const phoneVibrations = `
window.vibrations = [];
Object.defineProperty(navigator, "vibrate", {
  configurable: true,
  value: (pattern) => { window.vibrations.push(JSON.stringify(pattern)); return true; },
});`

// phoneTicket is what the tests read of a ticket from the API.
type phoneTicket struct {
	ID     uint64 `json:"id"`
	Number string `json:"number"`
	Token  string `json:"token"`
}

// phoneBrowser starts chromium for a phone test, with navigator.vibrate
// recorded on every page it loads.
func phoneBrowser(t *testing.T, v viewport) *browser {
	t.Helper()
	b := newBrowser(t)
	b.setViewport(v)
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: phoneVibrations})
		return err
	}))
	return b
}

// phoneAdmin makes the hall's admin account, once per database, and logs
// in: a Bearer token for staff calls.
func phoneAdmin(t *testing.T, hub *inProcessHub) string {
	t.Helper()
	if _, err := hub.st.EnsureAdmin(context.Background(), testAdminPassword); err != nil {
		t.Fatal(err)
	}
	return login(t, hub.URL)
}

// phoneCall sends a JSON request to the hub, with a Bearer token when one is
// given, and returns the status and the body.
func phoneCall(t *testing.T, method, url, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, out
}

// phoneIssue issues a ticket with the request body, as staff when a token
// is given.
func phoneIssue(t *testing.T, hub *inProcessHub, token, body string) phoneTicket {
	t.Helper()
	status, out := phoneCall(t, "POST", hub.URL+"/api/v1/tickets", token, body)
	if status != http.StatusCreated {
		t.Fatalf("issuing %s: status %d: %s", body, status, out)
	}
	var tk phoneTicket
	if err := json.Unmarshal(out, &tk); err != nil {
		t.Fatal(err)
	}
	return tk
}

// phoneAct carries out a staff action at a counter and returns the ticket
// acted on, if any.
func phoneAct(t *testing.T, hub *inProcessHub, token, counter, op, body string) phoneTicket {
	t.Helper()
	status, out := phoneCall(t, "POST", hub.URL+"/api/v1/counters/"+counter+"/"+op, token, body)
	if status != http.StatusOK {
		t.Fatalf("%s at counter %s: status %d: %s", op, counter, status, out)
	}
	var tk phoneTicket
	if op != "open" {
		if err := json.Unmarshal(out, &tk); err != nil {
			t.Fatal(err)
		}
	}
	return tk
}

// phoneText returns the visible text of the element with the id.
func phoneText(b *browser, id string) string {
	b.t.Helper()
	return browserEval[string](b, `document.getElementById("`+id+`").innerText.replace(/\s+/g, " ").trim()`)
}

// phoneCheckLayout fails the test when the page does not fit the screen (a
// customer would have to scroll to find the counter, or the button to
// leave), or a visible button is smaller than a finger (48 CSS pixels).
func phoneCheckLayout(t *testing.T, b *browser, where string) {
	t.Helper()
	if w := browserEval[int](b, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("%s: the page is %d px wider than the screen", where, w)
	}
	if h := browserEval[int](b, `document.documentElement.scrollHeight - window.innerHeight`); h > 0 {
		t.Errorf("%s: the page is %d px taller than the screen", where, h)
	}
	small := browserEval[[]string](b, `[...document.querySelectorAll("button")]
		.filter((el) => el.offsetParent !== null || el.closest("dialog[open]"))
		.map((el) => [el.id, el.getBoundingClientRect()])
		.filter(([, r]) => r.width > 0 && (r.width < 48 || r.height < 48))
		.map(([id, r]) => id + " " + Math.round(r.width) + "×" + Math.round(r.height))`)
	if len(small) > 0 {
		t.Errorf("%s: touch targets under 48 px: %v", where, small)
	}
}

// phoneShots saves the page in both languages at both phone sizes, checking
// the layout of each, and leaves it in English on the large phone.
func phoneShots(t *testing.T, b *browser, name string) {
	t.Helper()
	for _, v := range []viewport{viewportPhone, viewportPhoneSmall} {
		b.setViewport(v)
		for _, lang := range []string{"en", "zh"} {
			phoneLang(b, lang)
			size := fmt.Sprintf("%dx%d", v.width, v.height)
			phoneCheckLayout(t, b, name+" "+lang+" "+size)
			b.screenshot(name + "-" + lang + "-" + size)
		}
	}
	b.setViewport(viewportPhone)
	phoneLang(b, "en")
}

// phoneLang switches the page to lang with its toggle, if it shows another.
func phoneLang(b *browser, lang string) {
	b.t.Helper()
	if browserEval[string](b, `document.body.dataset.lang`) != lang {
		b.run(chromedp.Click(chromedp.CSS("#lang-toggle")))
		b.waitJS(`document.body.dataset.lang === "` + lang + `"`)
	}
}

// TestBrowser_PhoneFollowsTicket follows one ticket on a phone from issue to
// done: the waiting view with its place and estimate; a priority ticket
// raises "ahead" live; the call takes the whole screen and vibrates, and a
// recall again; a restart of the hub is bridged by itself, to the state
// changed meanwhile; done says thank you. All without a reload.
func TestBrowser_PhoneFollowsTicket(t *testing.T) {
	b := phoneBrowser(t, viewportPhone)
	db := filepath.Join(t.TempDir(), "hallq.db")
	hub := startInProcessHub(t, db, "127.0.0.1:0")
	admin := phoneAdmin(t, hub)

	first := phoneIssue(t, hub, "", `{"service":"A","lang":"zh"}`)
	mine := phoneIssue(t, hub, "", `{"service":"A","lang":"en"}`)

	// Nobody has touched the page yet, so it may not vibrate: a hint asks
	// for a tap. (It is looked for first: waitJS evaluates with a user
	// gesture, as if the customer had touched the page.)
	b.run(chromedp.Navigate(hub.URL+"/t/"+mine.Token), chromedp.WaitVisible(chromedp.CSS("#vibrate-hint")))
	b.screenshot("waiting-untouched")
	b.waitJS(`document.body.dataset.view === "waiting" && document.getElementById("w-service").textContent === "Personal"`)
	b.run(chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))
	if got := browserEval[string](b, `document.body.dataset.lang`); got != "en" {
		t.Errorf("language %q, want the ticket's (en)", got)
	}
	if got := phoneText(b, "w-number"); got != mine.Number {
		t.Errorf("number %q, want %q", got, mine.Number)
	}
	if got := phoneText(b, "w-ahead"); got != "1 person ahead of you" {
		t.Errorf("ahead %q, want 1 person ahead of you", got)
	}
	if got := phoneText(b, "w-eta"); !strings.HasSuffix(got, " min") && got != "less than a minute" {
		t.Errorf("estimated wait %q, want a range in minutes", got)
	}
	if got := phoneText(b, "w-note"); !strings.Contains(got, "at most 30 minutes after you") {
		t.Errorf("note %q, want the published bound of 30 minutes", got)
	}
	if got := phoneText(b, "w-issued"); !strings.HasPrefix(got, "Issued at ") {
		t.Errorf("issue time %q", got)
	}
	phoneShots(t, b, "waiting")

	// A priority ticket, issued by staff, goes ahead: live, no reload.
	phoneIssue(t, hub, admin, `{"service":"A","tier":"priority"}`)
	b.waitJS(`document.getElementById("w-ahead").innerText.trim() === "2 people ahead of you"`)
	phoneLang(b, "zh")
	if got := phoneText(b, "w-ahead"); got != "前面还有 2 人" {
		t.Errorf("ahead in Chinese %q, want 前面还有 2 人", got)
	}
	if got := browserEval[string](b, `localStorage.getItem("hallq.ticket.lang")`); got != "zh" {
		t.Errorf("the language chosen is kept as %q, want zh", got)
	}
	phoneLang(b, "en")

	// Touched, the page may vibrate: the hint has gone.
	b.waitJS(`document.getElementById("vibrate-hint").hidden`)

	phoneAct(t, hub, admin, "3", "open", `{}`)
	if got := phoneAct(t, hub, admin, "3", "next", `{}`); got.Number == first.Number || got.Number == mine.Number {
		t.Fatalf("counter 3 called %s first, want the priority ticket", got.Number)
	}
	b.waitJS(`document.getElementById("w-ahead").innerText.trim() === "1 person ahead of you"`)
	phoneAct(t, hub, admin, "3", "next", `{}`)
	b.waitJS(`document.getElementById("w-ahead").innerText.trim() === "You are next"`)
	b.screenshot("next")

	if got := phoneAct(t, hub, admin, "3", "next", `{}`); got.ID != mine.ID {
		t.Fatalf("counter 3 called %s, want %s", got.Number, mine.Number)
	}
	b.waitJS(`document.body.dataset.view === "called"`)
	if got := phoneText(b, "view-called"); got != "Please go to Counter 3 Your number "+mine.Number {
		t.Errorf("called view says %q", got)
	}
	if got := browserEval[[]string](b, `window.vibrations`); len(got) != 1 || got[0] != "[400,200,400]" {
		t.Errorf("vibrations %v, want one [400,200,400]", got)
	}
	if got := browserEval[bool](b, `document.getElementById("c-again").hidden`); !got {
		t.Errorf("a first call says it is called again")
	}
	phoneShots(t, b, "called")
	phoneLang(b, "zh")
	if got := phoneText(b, "view-called"); got != "请到 3号窗口 您的号码 "+mine.Number {
		t.Errorf("called view in Chinese says %q", got)
	}
	phoneLang(b, "en")

	phoneAct(t, hub, admin, "3", "recall", `{}`)
	b.waitJS(`!document.getElementById("c-again").hidden`)
	if got := phoneText(b, "c-again"); got != "Called again" {
		t.Errorf("recall says %q, want Called again", got)
	}
	if got := browserEval[int](b, `window.vibrations.length`); got != 2 {
		t.Errorf("%d vibrations after a recall, want 2", got)
	}
	b.screenshot("recalled")

	// The hub stops; the customer arrives at the counter meanwhile (the
	// store, opened on the same file, records it); the hub starts again on
	// the same address. The page shows the last view while away, then the
	// fresh state.
	hub.stop(t)
	b.run(chromedp.WaitVisible(chromedp.CSS(`.hallq-offline`)))
	if got := browserEval[string](b, `document.body.dataset.view`); got != "called" {
		t.Errorf("while the hub is away the page shows %q, want the last view (called)", got)
	}
	b.screenshot("offline")
	st, err := store.Open(store.Options{Path: db, TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.ActAtCounter(context.Background(), hallq.CounterAction{Op: hallq.OpStart, Counter: "3", By: hallq.Actor{Name: "admin", Role: hallq.RoleManager}}, "")
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	hub = startInProcessHub(t, db, hub.Addr)
	b.waitJS(`document.body.dataset.view === "serving"`)
	b.run(chromedp.WaitNotPresent(chromedp.CSS(`.hallq-offline`)))
	if got := phoneText(b, "view-serving"); got != "You are being served at Counter 3 "+mine.Number {
		t.Errorf("serving view says %q", got)
	}
	b.screenshot("serving")

	phoneAct(t, hub, admin, "3", "done", `{}`)
	b.waitJS(`document.body.dataset.view === "done"`)
	if got := phoneText(b, "e-title"); got != "Thank you" {
		t.Errorf("done says %q, want Thank you", got)
	}
	phoneShots(t, b, "done")
	if got := browserEval[bool](b, `window.sameDocument === true`); !got {
		t.Errorf("the page was reloaded")
	}
	if got := browserEval[int](b, `window.vibrations.length`); got != 2 {
		t.Errorf("%d vibrations at the end, want 2: only calls vibrate", got)
	}
}

// TestBrowser_PhoneLeaves cancels a ticket with "I'm leaving": the dialog
// asks first, "stay" keeps the ticket, confirming cancels it in the store.
func TestBrowser_PhoneLeaves(t *testing.T) {
	b := phoneBrowser(t, viewportPhoneSmall)
	hub := startInProcessHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0")
	mine := phoneIssue(t, hub, "", `{"service":"B","lang":"zh"}`)

	b.run(chromedp.Navigate(hub.URL + "/t/" + mine.Token))
	b.waitJS(`document.body.dataset.view === "waiting" && document.getElementById("w-service").textContent === "对公业务"`)
	if got := browserEval[string](b, `document.documentElement.lang + " " + document.body.dataset.lang`); got != "zh-Hans zh" {
		t.Errorf("languages %q, want the ticket's: zh-Hans zh", got)
	}
	if got := phoneText(b, "w-ahead"); got != "下一位就是您" {
		t.Errorf("nobody ahead says %q, want 下一位就是您", got)
	}

	b.run(chromedp.Click(chromedp.CSS("#leave")))
	b.waitJS(`document.getElementById("leave-dialog").open`)
	if got := phoneText(b, "leave-text"); !strings.Contains(got, mine.Number) {
		t.Errorf("the question %q does not name the ticket", got)
	}
	phoneCheckLayout(t, b, "dialog zh 360x640")
	b.screenshot("dialog-zh-360x640")

	// "Stay" keeps the ticket.
	b.run(chromedp.Click(chromedp.CSS("#leave-stay")))
	b.waitJS(`!document.getElementById("leave-dialog").open`)
	if tk, err := hub.st.FindTicketByToken(context.Background(), mine.Token); err != nil || tk.State != hallq.Waiting {
		t.Fatalf("after stay: %v, %v; want still waiting", tk, err)
	}
	phoneLang(b, "en")

	b.run(chromedp.Click(chromedp.CSS("#leave")))
	b.waitJS(`document.getElementById("leave-dialog").open`)
	phoneCheckLayout(t, b, "dialog en 360x640")
	b.screenshot("dialog-en-360x640")
	b.run(chromedp.Click(chromedp.CSS("#leave-confirm")))
	b.waitJS(`document.body.dataset.view === "cancelled" && !document.getElementById("leave-dialog").open`)
	if got := phoneText(b, "e-title"); got != "Ticket cancelled" {
		t.Errorf("cancelled says %q", got)
	}
	tk, err := hub.st.FindTicketByToken(context.Background(), mine.Token)
	if err != nil || tk.State != hallq.Cancelled {
		t.Fatalf("the store has %v, %v; want the ticket cancelled", tk, err)
	}
	phoneShots(t, b, "cancelled")
}

// TestBrowser_PhoneLeavesTooLate confirms "I'm leaving" just as the ticket
// is called: the hub refuses (409), and the dialog says why over the
// called view. Then a no-show, and a call back that vibrates again.
func TestBrowser_PhoneLeavesTooLate(t *testing.T) {
	b := phoneBrowser(t, viewportPhone)
	hub := startInProcessHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0")
	admin := phoneAdmin(t, hub)
	mine := phoneIssue(t, hub, "", `{"service":"C","lang":"en"}`)

	b.run(chromedp.Navigate(hub.URL + "/t/" + mine.Token))
	b.waitJS(`document.body.dataset.view === "waiting"`)
	b.run(chromedp.Click(chromedp.CSS("#leave")))
	b.waitJS(`document.getElementById("leave-dialog").open`)

	// Hold the page's DELETE until the ticket has been called; let every
	// other request through.
	deletes := make(chan fetch.RequestID, 1)
	if err := chromedp.Listen(b.ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		if e.Request.Method == "DELETE" {
			deletes <- e.RequestID
			return
		}
		go chromedp.Call(b.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
	}); err != nil {
		t.Fatal(err)
	}
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/api/v1/tickets/*"}}})
		return err
	}))
	b.run(chromedp.Click(chromedp.CSS("#leave-confirm")))
	var held fetch.RequestID
	select {
	case held = <-deletes:
	case <-b.ctx.Done():
		t.Fatal("the page sent no DELETE")
	}
	phoneAct(t, hub, admin, "2", "open", `{}`)
	phoneAct(t, hub, admin, "2", "next", `{}`)
	b.waitJS(`document.body.dataset.view === "called" && document.getElementById("leave-dialog").open`)
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: held})
		return err
	}))
	b.waitJS(`document.getElementById("leave-title").textContent === "Too late to cancel"`)
	if got := phoneText(b, "leave-text"); got != "Your number has just been called: please go to Counter 2." {
		t.Errorf("the refusal says %q", got)
	}
	b.screenshot("too-late")
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, fetch.Disable, cdp.Empty{})
		return err
	}))
	b.run(chromedp.Click(chromedp.CSS("#leave-stay")))
	b.waitJS(`!document.getElementById("leave-dialog").open && document.body.dataset.view === "called"`)

	phoneAct(t, hub, admin, "2", "noshow", `{}`)
	b.waitJS(`document.body.dataset.view === "no_show"`)
	if got := phoneText(b, "e-title"); got != "You missed your call" {
		t.Errorf("no-show says %q", got)
	}
	phoneShots(t, b, "no-show")

	vibrations := browserEval[int](b, `window.vibrations.length`)
	phoneAct(t, hub, admin, "2", "call", `{"number":"`+mine.Number+`","reason":"came back"}`)
	b.waitJS(`document.body.dataset.view === "called" && !document.getElementById("c-again").hidden`)
	if got := browserEval[int](b, `window.vibrations.length`); got != vibrations+1 {
		t.Errorf("called back after a no-show: %d vibrations, want %d", got, vibrations+1)
	}
	b.screenshot("called-back")
}

// TestBrowser_PhoneUnknownTicket shows "not found" for a token the hub does
// not know, well formed or not.
func TestBrowser_PhoneUnknownTicket(t *testing.T) {
	b := phoneBrowser(t, viewportPhone)
	hub := startInProcessHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0")
	for _, token := range []string{"AAAAAAAAAAGQxig7fuaitUm99skGzB8K", "nonsense"} {
		b.run(chromedp.Navigate(hub.URL + "/t/" + token))
		b.waitJS(`document.body.dataset.view === "notfound"`)
		if got := phoneText(b, "e-title"); got != "This ticket was not found" {
			t.Errorf("%s: the page says %q", token, got)
		}
		if got := phoneText(b, "e-number"); got != "" {
			t.Errorf("%s: the page shows a number %q", token, got)
		}
	}
	phoneShots(t, b, "not-found")
}
