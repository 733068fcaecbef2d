package main

// Browser tests of the phone page, /t/{token}: a customer's phone follows
// their ticket from waiting to called, served and done, leaves the queue
// (also when an earlier try got through), finds its way back after a hub
// restart and after sleeping, and shows until when a missed ticket can be
// called back.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"hallq"
	"hallq/assets"
	"hallq/store"
	"hallq/web"
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
	if got := phoneText(b, "w-eta"); got != "No counter is serving A now" {
		t.Errorf("estimated wait with every counter closed %q, want No counter is serving A now", got)
	}
	if !browserEval[bool](b, `document.getElementById("w-note").hidden`) {
		t.Errorf("with no estimate the page still says how the estimate may change: %q", phoneText(b, "w-note"))
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
	if got := phoneText(b, "w-eta"); got != "目前没有窗口办理A业务" {
		t.Errorf("estimated wait in Chinese with every counter closed %q, want 目前没有窗口办理A业务", got)
	}
	if got := browserEval[string](b, `localStorage.getItem("hallq.ticket.lang")`); got != "zh" {
		t.Errorf("the language chosen is kept as %q, want zh", got)
	}
	phoneLang(b, "en")

	// Touched, the page may vibrate: the hint has gone.
	b.waitJS(`document.getElementById("vibrate-hint").hidden`)

	phoneAct(t, hub, admin, "3", "open", `{}`)
	b.waitJS(`/^(About \d+ min|Under a minute)( \(.*min\))?$|^Less than a minute$/.test(document.getElementById("w-eta").textContent)`)
	if got := phoneText(b, "w-note"); !strings.Contains(got, "at most 30 minutes after you") {
		t.Errorf("note %q, want the published bound of 30 minutes", got)
	}
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

	// Hold the page's DELETE until the ticket has been called.
	held := confirmLeavingHeld(t, b)
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

// TestBrowser_PhoneLeftBefore confirms "I'm leaving" for a ticket that an
// earlier try had cancelled after all (its reply lost): the hub's answer,
// whether a 409 (as hubs before "cancelling twice is no error" gave) or its
// own, is a success over the cancelled ticket, never "too late".
// (Short test names: chromium's socket lives under t.TempDir(), and a
// long name makes its path too long for a unix socket.)
func TestBrowser_PhoneLeftBefore(t *testing.T) {
	for _, tc := range []struct {
		name     string
		conflict bool // the page's DELETE gets a 409 conflict; else the hub's own answer
	}{{"Conflict", true}, {"Hub", false}} {
		t.Run(tc.name, func(t *testing.T) {
			b := phoneBrowser(t, viewportPhone)
			hub := startInProcessHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0")
			mine := phoneIssue(t, hub, "", `{"service":"A","lang":"en"}`)
			b.run(chromedp.Navigate(hub.URL + "/t/" + mine.Token))
			b.waitJS(`document.body.dataset.view === "waiting"`)
			b.run(chromedp.Click(chromedp.CSS("#leave")))
			b.waitJS(`document.getElementById("leave-dialog").open`)

			held := confirmLeavingHeld(t, b)
			// An earlier DELETE, as the page's first try whose reply was lost.
			if status, out := phoneCall(t, "DELETE", hub.URL+"/api/v1/tickets/"+mine.Token, "", ""); status != http.StatusOK {
				t.Fatalf("cancelling: status %d: %s", status, out)
			}
			b.waitJS(`document.body.dataset.view === "cancelled" && document.getElementById("leave-dialog").open`)
			b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
				if !tc.conflict {
					_, err := cdp.Call(ctx, tab, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: held})
					return err
				}
				_, err := cdp.Call(ctx, tab, fetch.FulfillRequest, fetch.FulfillRequestParams{
					RequestID:       held,
					ResponseCode:    http.StatusConflict,
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/json"}},
					Body:            []byte(`{"error":{"code":"conflict","message":"The ticket is no longer waiting."}}`),
				})
				return err
			}))
			b.waitJS(`document.body.dataset.view === "cancelled" && !document.getElementById("leave-dialog").open`)
			if got := phoneText(b, "leave-title"); got == "Too late to cancel" {
				t.Errorf("the dialog said %q for a cancelled ticket", got)
			}
			if got := phoneText(b, "e-title"); got != "Ticket cancelled" {
				t.Errorf("the page says %q, want Ticket cancelled", got)
			}
			b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
				_, err := cdp.Call(ctx, tab, fetch.Disable, cdp.Empty{})
				return err
			}))
		})
	}
}

// fakeTicketHub serves the phone page of one ticket that the test writes:
// GET /api/v1/tickets/{token}, and /ws/tickets/{token}, a snapshot of it on
// each connection, then the messages the test pushes. The hall and the
// display name the service and the counter.
type fakeTicketHub struct {
	URL   string
	token string

	mu     sync.Mutex
	ticket map[string]any
	gets   int // GETs of the ticket
	live   *fakeLive
}

func startFakeTicketHub(t *testing.T, token string, ticket map[string]any) *fakeTicketHub {
	t.Helper()
	f := &fakeTicketHub{token: token, ticket: ticket}
	mux := http.NewServeMux()
	mux.Handle("/assets/", http.StripPrefix("/assets/", web.SecureHeaders(assets.Handler())))
	mux.Handle("GET /t/{token}", web.SecureHeaders(assets.Page("ticket.html")))
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /api/v1/hall", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{
			"name":             map[string]string{"en": "Service Hall", "zh": "服务大厅"},
			"head_start_max_s": 1800,
			"services":         []any{map[string]any{"id": "A", "name": map[string]string{"en": "Personal", "zh": "个人业务"}}},
		})
	})
	mux.HandleFunc("GET /api/v1/display", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"counters": []any{map[string]any{"id": "2", "name": map[string]string{"en": "Counter 2", "zh": "2号窗口"}}}})
	})
	mux.HandleFunc("GET /api/v1/tickets/{token}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("token") != token {
			http.Error(w, `{"error":{"code":"not_found","message":"No such ticket."}}`, http.StatusNotFound)
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		f.gets++
		reply(w, f.ticket)
	})
	mux.HandleFunc("/ws/tickets/{token}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("token") != token {
			http.NotFound(w, r)
			return
		}
		f.live.serve(w, r, func(seq int) any { return map[string]any{"type": "snapshot", "seq": seq, "ticket": f.ticket} })
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	f.live = newFakeLive(t, &f.mu) // its connections end before the server
	return f
}

// change changes the ticket; with push, the newest connection hears of it.
func (f *fakeTicketHub) change(t *testing.T, push bool, fn func(tk map[string]any)) {
	t.Helper()
	if push {
		f.live.waitDialed()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.ticket)
	if push {
		f.live.pushLocked(t, map[string]any{"type": "ticket", "ticket": f.ticket})
	}
}

func (f *fakeTicketHub) counts() (conns, gets int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.live.connections(), f.gets
}

// fakeTicket is a ticket of service A, as the hub sends it.
func fakeTicket(token, state string) map[string]any {
	now := time.Now()
	return map[string]any{
		"id": 7, "number": "A007", "service": "A", "tier": "regular", "state": state, "lang": "en",
		"issued_at": now.Add(-30 * time.Minute).Format(time.RFC3339Nano),
		"ahead":     3, "eta_s": 600, "eta_low_s": 300, "eta_high_s": 900,
		"token": token, "status_url": "/t/" + token,
	}
}

// rfc3339ms is the API's time format: RFC 3339 with milliseconds.
const rfc3339ms = "2006-01-02T15:04:05.000Z07:00"

// phoneSockets counts the websockets a page opens in window.sockets, before
// any script of the page runs.
const phoneSockets = `
window.sockets = 0;
window.WebSocket = class extends window.WebSocket {
  constructor(...args) { super(...args); window.sockets++; }
};`

// TestBrowser_PhoneRecallWindow shows a missed ticket that staff can still
// call back, with the time until when (recall_until) in both languages;
// when that time passes, the page says the turn is missed and closes its
// live link, without being told. A page opened after the window says so at
// once and does not follow.
func TestBrowser_PhoneRecallWindow(t *testing.T) {
	b := phoneBrowser(t, viewportPhone)
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: phoneSockets})
		return err
	}))
	const token = "AAAAAAAAAAGQxig7fuaitUm99skGzB8K"
	tk := fakeTicket(token, "no_show")
	tk["counter"] = "2"
	until := time.Now().Add(10 * time.Minute).UTC().Format(rfc3339ms)
	tk["recall_until"] = until
	f := startFakeTicketHub(t, token, tk)

	b.run(chromedp.Navigate(f.URL + "/t/" + token))
	b.waitJS(`document.body.dataset.view === "no_show" && document.getElementById("hall-name").textContent !== ""`)
	hhmm := browserEval[string](b, `(d => String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0"))(new Date("`+until+`"))`)
	if got := phoneText(b, "e-title"); got != "You missed your call" {
		t.Errorf("title %q", got)
	}
	if got, want := phoneText(b, "e-body"), "Staff can call your number again until "+hhmm+" — please go to the desk."; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
	phoneLang(b, "zh")
	if got, want := phoneText(b, "e-body"), "工作人员可在 "+hhmm+" 前为您重新叫号，请尽快到咨询台。"; got != want {
		t.Errorf("body in Chinese %q, want %q", got, want)
	}
	phoneShots(t, b, "recall-open")

	// The window ends in a moment: the page's timer, not a message, ends it.
	soon := time.Now().Add(1500 * time.Millisecond)
	f.change(t, true, func(tk map[string]any) { tk["recall_until"] = soon.UTC().Format(rfc3339ms) })
	b.waitJS(`document.body.dataset.view === "missed"`)
	if time.Now().Before(soon) {
		t.Errorf("the page said the turn was missed before recall_until")
	}
	if got := phoneText(b, "e-title"); got != "You missed your turn" {
		t.Errorf("after the window: title %q", got)
	}
	if got := phoneText(b, "e-body"); !strings.Contains(got, "can no longer be called") {
		t.Errorf("after the window: body %q", got)
	}
	select {
	case code := <-f.live.closes:
		if code != websocket.CloseNormalClosure {
			t.Errorf("the page closed its link with code %d, want %d", code, websocket.CloseNormalClosure)
		}
	case <-time.After(browserStepTimeout):
		t.Errorf("the page did not close its live link after the window")
	}
	phoneShots(t, b, "missed")
	phoneLang(b, "zh")
	if got := phoneText(b, "e-title"); got != "您已过号" {
		t.Errorf("after the window, in Chinese: title %q", got)
	}

	// Opened again later: missed at once, and nothing to follow.
	b.run(chromedp.Navigate(f.URL + "/t/" + token))
	b.waitJS(`document.body.dataset.view === "missed"`)
	if n := browserEval[int](b, `window.sockets`); n != 0 {
		t.Errorf("a page of a ticket past its recall window opened %d websockets, want none", n)
	}
}

// TestBrowser_PhoneWakeReconnects brings a phone back from sleep while its
// link died without a word: the ticket changed meanwhile and nobody said.
// On visibilitychange the page connects again for a fresh snapshot (with
// live.js's reconnect(); without it, it reads the ticket once).
func TestBrowser_PhoneWakeReconnects(t *testing.T) {
	b := phoneBrowser(t, viewportPhone)
	const token = "AAAAAAAAAAGQxig7fuaitUm99skGzB8K"
	f := startFakeTicketHub(t, token, fakeTicket(token, "waiting"))
	b.run(chromedp.Navigate(f.URL + "/t/" + token))
	b.waitJS(`document.body.dataset.view === "waiting" && document.getElementById("w-ahead").innerText.trim() === "3 people ahead of you"`)

	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	reconnects, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`import("/assets/live.js").then((m) => {
		const probe = m.connect("/ws/probe");
		const has = typeof probe.reconnect === "function";
		probe.close();
		return has;
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("live.js has reconnect(): %v", reconnects)

	f.change(t, false, func(tk map[string]any) { tk["ahead"] = 1 })
	b.run(chromedp.Evaluate[chromedp.Void](`(() => {
		for (const state of ["hidden", "visible"]) {
			Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
			document.dispatchEvent(new Event("visibilitychange"));
		}
	})()`))
	b.waitJS(`document.getElementById("w-ahead").innerText.trim() === "1 person ahead of you"`)
	conns, gets := f.counts()
	if reconnects && conns != 2 {
		t.Errorf("the page connected %d times, want 2: once more on waking", conns)
	}
	if !reconnects && (conns != 1 || gets != 2) {
		t.Errorf("without reconnect(): %d connections and %d GETs, want 1 and 2", conns, gets)
	}
}

// confirmLeavingHeld confirms "I'm leaving" with the page's DELETE held in
// the browser, every other request let through, and returns the held
// request for the test to continue or answer.
func confirmLeavingHeld(t *testing.T, b *browser) fetch.RequestID {
	t.Helper()
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
	select {
	case held := <-deletes:
		return held
	case <-b.ctx.Done():
		t.Fatal("the page sent no DELETE")
		return ""
	}
}

// phoneDone issues a ticket with the body and serves it to done at
// counter 2, which it opens.
func phoneDone(t *testing.T, hub *inProcessHub, admin, body string) phoneTicket {
	t.Helper()
	tk := phoneIssue(t, hub, "", body)
	phoneAct(t, hub, admin, "2", "open", `{}`)
	if got := phoneAct(t, hub, admin, "2", "next", `{}`); got.ID != tk.ID {
		t.Fatalf("counter 2 called %s, want %s", got.Number, tk.Number)
	}
	phoneAct(t, hub, admin, "2", "done", `{}`)
	return tk
}

// phoneFetch runs a fetch on the page, as its own scripts would, and
// returns the status.
func phoneFetch(b *browser, method, path, body string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	js := fmt.Sprintf(`fetch(%q, {method: %q, headers: {"Content-Type": "application/json"}, body: %s}).then((r) => r.status)`, path, method, body)
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("fetch %s %s: %v", method, path, err)
	}
	return status
}

// TestBrowser_PhoneRates rates a visit on the phone once it is done: the
// five faces while the hub takes a rating (refused, and said so, while the
// browser carries a staff login), the face pressed is stored, and the
// faces are not offered again, neither live nor after a reload. The
// complaint link is there without a low rating too.
func TestBrowser_PhoneRates(t *testing.T) {
	b := phoneBrowser(t, viewportPhone)
	hub := startInProcessHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0")
	admin := phoneAdmin(t, hub)
	mine := phoneDone(t, hub, admin, `{"service":"A","lang":"en"}`)

	b.run(chromedp.Navigate(hub.URL + "/t/" + mine.Token))
	b.waitJS(`document.body.dataset.view === "done" && document.body.dataset.feedback === "rate"`)
	if got := phoneText(b, "fb-rate-title"); got != "How was your visit?" {
		t.Errorf("the question %q", got)
	}
	faces := browserEval[[]string](b, `[...document.querySelectorAll("#fb-faces .face")].map((f) => f.dataset.score + " " + f.innerText.trim() + " / " + f.getAttribute("aria-label"))`)
	if want := "1 Very poor / 1 – Very dissatisfied|2 Poor / 2 – Dissatisfied|3 OK / 3 – Neutral|4 Good / 4 – Satisfied|5 Great / 5 – Very satisfied"; strings.Join(faces, "|") != want {
		t.Errorf("faces %q, want %q", faces, want)
	}
	if got := phoneText(b, "fb-until"); !strings.HasPrefix(got, "You can rate it until ") {
		t.Errorf("the rating's time says %q", got)
	}
	phoneShots(t, b, "rate")

	// Staff never rate, not even on a customer's phone.
	if status := phoneFetch(b, "POST", "/api/v1/login", `JSON.stringify({username: "admin", password: "`+testAdminPassword+`"})`); status != http.StatusOK {
		t.Fatalf("logging in on the page: status %d", status)
	}
	tap(b, `#fb-faces .face[data-score="5"]`)
	b.waitJS(`!document.getElementById("fb-rate-error").hidden`)
	if got := phoneText(b, "fb-rate-error"); got != "Staff cannot rate a visit: the customer rates it on their own phone." {
		t.Errorf("a staff login's rating says %q", got)
	}
	if got := ticketRating(t, hub, mine); got != 0 {
		t.Errorf("a staff login rated the visit %d", got)
	}
	b.screenshot("staff")
	if status := phoneFetch(b, "POST", "/api/v1/logout", `"{}"`); status != http.StatusNoContent {
		t.Fatalf("logging out on the page: status %d", status)
	}

	tap(b, `#fb-faces .face[data-score="4"]`)
	b.waitJS(`document.body.dataset.feedback === "rated"`)
	if got := phoneText(b, "fb-rated"); got != "You rated this visit: Satisfied. Thank you!" {
		t.Errorf("rated says %q", got)
	}
	if got := ticketRating(t, hub, mine); got != 4 {
		t.Errorf("the hub has rating %d, want 4", got)
	}
	if !browserEval[bool](b, `document.getElementById("fb-rate").hidden`) {
		t.Errorf("the faces are still offered after the rating")
	}
	phoneShots(t, b, "rated")

	// Not a low rating, but the customer may still complain; "not now"
	// closes the form.
	tap(b, "#fb-complain")
	b.waitJS(`document.body.dataset.feedback === "form"`)
	if got := phoneText(b, "fb-form-title"); got != "Tell us what went wrong" {
		t.Errorf("the form's title %q", got)
	}
	tap(b, "#fb-cancel")
	b.waitJS(`document.body.dataset.feedback === "rated" && !document.getElementById("fb-complain").hidden`)

	b.run(chromedp.Reload())
	b.waitJS(`document.body.dataset.view === "done" && document.body.dataset.feedback !== undefined`)
	if got := browserEval[string](b, `document.body.dataset.feedback`); got != "rated" {
		t.Errorf("after a reload: feedback %q, want rated (no faces)", got)
	}
	if got := phoneText(b, "fb-rated"); got != "You rated this visit: Satisfied. Thank you!" {
		t.Errorf("after a reload, rated says %q", got)
	}
}

// TestBrowser_PhoneComplains rates a visit 1 on a small phone in Chinese:
// the page asks what went wrong, wants a few words for "other", and sends
// the category and the words as a complaint; the complaint's state shows.
func TestBrowser_PhoneComplains(t *testing.T) {
	b := phoneBrowser(t, viewportPhoneSmall)
	hub := startInProcessHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0")
	admin := phoneAdmin(t, hub)
	mine := phoneDone(t, hub, admin, `{"service":"B","lang":"zh"}`)

	b.run(chromedp.Navigate(hub.URL + "/t/" + mine.Token))
	b.waitJS(`document.body.dataset.view === "done" && document.body.dataset.feedback === "rate"`)
	tap(b, `#fb-faces .face[data-score="1"]`)
	b.waitJS(`document.body.dataset.feedback === "form"`)
	if got := phoneText(b, "fb-form-title"); got != "很抱歉！请问哪里让您不满意？" {
		t.Errorf("the form's title %q", got)
	}
	if got := ticketRating(t, hub, mine); got != 1 {
		t.Errorf("the hub has rating %d, want 1", got)
	}
	cats := browserEval[[]string](b, `[...document.querySelectorAll("#fb-cats .category")].map((c) => c.dataset.category + " " + c.innerText.trim())`)
	if want := "wait_too_long 等候时间太长|attitude 服务态度不好|not_resolved 问题没有解决|environment 大厅环境设施|other 其他"; strings.Join(cats, "|") != want {
		t.Errorf("categories %q, want %q", cats, want)
	}
	phoneShots(t, b, "form")
	phoneLang(b, "zh")

	// "Other" needs a few words.
	tap(b, `#fb-cats .category[data-category="other"]`)
	tap(b, "#fb-send")
	b.waitJS(`!document.getElementById("fb-form-error").hidden`)
	if got := phoneText(b, "fb-form-error"); got != "请简单写几句，告诉我们哪里出了问题。" {
		t.Errorf("other without words says %q", got)
	}
	tap(b, `#fb-cats .category[data-category="wait_too_long"]`)
	b.run(chromedp.SendKeys(chromedp.CSS("#fb-text"), "Waited an hour at lunchtime"))
	b.screenshot("form-filled")
	tap(b, "#fb-send")
	b.waitJS(`document.body.dataset.complaint === "received" && document.body.dataset.feedback !== "form"`)
	if got := phoneText(b, "fb-steps"); got != "已受理 处理中 已解决" {
		t.Errorf("the steps say %q", got)
	}
	if got := phoneText(b, "fb-explain"); got != "大堂经理已收到您的意见，会尽快处理。" {
		t.Errorf("received says %q", got)
	}
	var complaints []map[string]any
	if status := getJSON(t, hub.URL+"/api/v1/complaints", admin, &complaints); status != http.StatusOK {
		t.Fatalf("complaints: status %d", status)
	}
	if len(complaints) != 1 || complaints[0]["category"] != "wait_too_long" || complaints[0]["source"] != "phone" ||
		complaints[0]["text"] != "Waited an hour at lunchtime" || complaints[0]["ticket"] != mine.Number {
		t.Errorf("complaints %v, want one from the phone about %s's wait, with the words", complaints, mine.Number)
	}
	if !browserEval[bool](b, `document.getElementById("fb-complain").hidden`) {
		t.Errorf("the complaint link is still offered with a complaint in hand")
	}
	phoneShots(t, b, "complaint-received")

	// Reloaded, the ticket itself says where the complaint stands.
	b.run(chromedp.Reload())
	b.waitJS(`document.body.dataset.view === "done" && document.body.dataset.complaint === "received"`)
}

// TestBrowser_PhoneComplainsFirst complains with the link before rating:
// the complaint shows as received, live from the hub, and the faces are
// still offered; a rating afterwards keeps the complaint in view.
func TestBrowser_PhoneComplainsFirst(t *testing.T) {
	b := phoneBrowser(t, viewportPhone)
	hub := startInProcessHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0")
	admin := phoneAdmin(t, hub)
	mine := phoneDone(t, hub, admin, `{"service":"C","lang":"en"}`)

	b.run(chromedp.Navigate(hub.URL + "/t/" + mine.Token))
	b.waitJS(`document.body.dataset.view === "done" && document.body.dataset.feedback === "rate"`)
	tap(b, "#fb-complain")
	b.waitJS(`document.body.dataset.feedback === "form"`)
	tap(b, `#fb-cats .category[data-category="environment"]`)
	tap(b, "#fb-send")
	b.waitJS(`document.body.dataset.complaint === "received" && document.body.dataset.feedback === "rate"`)
	b.screenshot("complained")
	tap(b, `#fb-faces .face[data-score="3"]`)
	b.waitJS(`document.body.dataset.feedback === "rated" && document.body.dataset.complaint === "received"`)
	if got := ticketRating(t, hub, mine); got != 3 {
		t.Errorf("the hub has rating %d, want 3", got)
	}
	var complaints []map[string]any
	if status := getJSON(t, hub.URL+"/api/v1/complaints", admin, &complaints); status != http.StatusOK {
		t.Fatalf("complaints: status %d", status)
	}
	if len(complaints) != 1 || complaints[0]["category"] != "environment" || complaints[0]["text"] != "" {
		t.Errorf("complaints %v, want one about the hall, without words", complaints)
	}
	phoneShots(t, b, "complained-rated")
}

// TestBrowser_PhoneFeedbackLive follows a done ticket's complaint on a fake
// hub that pushes its states: received, in hand, resolved with the hall's
// answer, in both languages; the faces go when rate_until passes, by the
// page's own clock, and then the page stops following. A 409 to a rating
// says it was rated already.
func TestBrowser_PhoneFeedbackLive(t *testing.T) {
	b := phoneBrowser(t, viewportPhone)
	const token = "AAAAAAAAAAGQxig7fuaitUm99skGzB8K"
	tk := fakeTicket(token, "done")
	tk["counter"] = "2"
	tk["finished_at"] = time.Now().Add(-time.Minute).UTC().Format(rfc3339ms)
	tk["rate_until"] = time.Now().Add(9 * time.Minute).UTC().Format(rfc3339ms)
	f := startFakeTicketHub(t, token, tk)

	// In front of the fake: the rating and complaint endpoints.
	var (
		mu          sync.Mutex
		ratingReply = http.StatusConflict
		ratings     int
	)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/tickets/{token}/rating", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		status := ratingReply
		ratings++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, `{"error":{"code":"conflict","message":"This visit has already been rated. Thank you!"}}`)
	})
	front := frontHub(t, f.URL, mux)

	b.run(chromedp.Navigate(front.URL + "/t/" + token))
	b.waitJS(`document.body.dataset.view === "done" && document.body.dataset.feedback === "rate"`)

	steps := []struct {
		complaint map[string]any
		en, zh    string // the steps and the explanation, as shown
	}{
		{map[string]any{"state": "received"}, "Received In hand Resolved|The hall manager has your message and will look into it.", "已受理 处理中 已解决|大堂经理已收到您的意见，会尽快处理。"},
		{map[string]any{"state": "in_hand"}, "Received In hand Resolved|A manager is dealing with it now.", "已受理 处理中 已解决|经理正在处理您的意见。"},
		{map[string]any{"state": "resolved", "resolution": "We open a second counter at lunchtime from Monday."}, "Received In hand Resolved|", "已受理 处理中 已解决|"}, // the answer says it
	}
	for _, s := range steps {
		f.change(t, true, func(tk map[string]any) { tk["complaint"] = s.complaint })
		b.waitJS(`document.body.dataset.complaint === "` + s.complaint["state"].(string) + `"`)
		for _, lang := range []string{"en", "zh"} {
			phoneLang(b, lang)
			got := phoneText(b, "fb-steps") + "|" + phoneText(b, "fb-explain")
			if want := map[string]string{"en": s.en, "zh": s.zh}[lang]; got != want {
				t.Errorf("%s, %s: %q, want %q", s.complaint["state"], lang, got, want)
			}
		}
		phoneShots(t, b, "complaint-"+s.complaint["state"].(string))
	}
	if got := phoneText(b, "fb-answer"); got != "The hall's answer We open a second counter at lunchtime from Monday." {
		t.Errorf("the resolution shows as %q", got)
	}
	if got := browserEval[string](b, `document.querySelector("#fb-steps [aria-current=step]").textContent`); got != "Resolved" {
		t.Errorf("the current step is %q, want Resolved", got)
	}

	// The rating window ends in a moment: the faces go, and with nothing
	// left to change, the page closes its link.
	soon := time.Now().Add(1500 * time.Millisecond)
	f.change(t, true, func(tk map[string]any) { tk["rate_until"] = soon.UTC().Format(rfc3339ms) })
	b.waitJS(`document.body.dataset.feedback === "none"`)
	if time.Now().Before(soon) {
		t.Errorf("the faces went before rate_until")
	}
	select {
	case code := <-f.live.closes:
		if code != websocket.CloseNormalClosure {
			t.Errorf("the page closed its link with code %d, want %d", code, websocket.CloseNormalClosure)
		}
	case <-time.After(browserStepTimeout):
		t.Errorf("the page did not close its live link once nothing could change")
	}

	// Rated already (on the pad): a thank-you, not an error.
	f.change(t, false, func(tk map[string]any) {
		tk["rate_until"] = time.Now().Add(5 * time.Minute).UTC().Format(rfc3339ms)
		delete(tk, "complaint")
	})
	b.run(chromedp.Reload())
	b.waitJS(`document.body.dataset.feedback === "rate"`)
	tap(b, `#fb-faces .face[data-score="2"]`)
	b.waitJS(`document.body.dataset.feedback === "rated"`)
	if got := phoneText(b, "fb-rated"); got != "This visit has already been rated. Thank you!" {
		t.Errorf("a 409 says %q", got)
	}
	if !browserEval[bool](b, `document.getElementById("fb-rate-error").hidden`) {
		t.Errorf("a 409 shows an error: %q", phoneText(b, "fb-rate-error"))
	}
	mu.Lock()
	defer mu.Unlock()
	if ratings != 1 {
		t.Errorf("the page sent %d ratings, want 1", ratings)
	}
}
