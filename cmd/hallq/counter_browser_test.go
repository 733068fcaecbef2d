package main

// Browser tests of the staff login, /login, and the counter terminal,
// /counter (assets/static/login.*, counter*.*), against the whole hub, as a
// clerk uses them: a wrong password's sentence, then the right one; a
// password a manager set, changed first; the counter chosen once per PC;
// opening; Next by the keyboard and the numeric keypad, and not while
// typing; recalls up to the limit, then No-show and the call back by
// number; transfers; a priority ticket with its QR code; a press refused as
// stale after another client moved the counter on; presses while the hub
// cannot be reached, sent again with the same key and never applied to
// the wrong customer; and screenshots of every state at 1366×768 in both
// languages.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/gorilla/websocket"
	"golang.org/x/crypto/bcrypt"

	"hallq"
	"hallq/store"
	"hallq/web"
)

// The counter PC and the tablet the terminal is made for.
var (
	viewportCounter = viewport{width: 1366, height: 768, scale: 1}
	viewportTablet  = viewport{width: 1280, height: 800, scale: 1}
)

// The clerks of the tests, with passwords of their own (no change due).
const (
	clerk1, clerk1Password = "clerk01", "clerk01-secret"
	clerk2, clerk2Password = "clerk02", "clerk02-secret"
)

// startCounterHub starts a hub with the default hall and a gold card (as
// startKioskHub), its admin (see login) and two clerks who have chosen
// their passwords.
func startCounterHub(t *testing.T) *inProcessHub {
	t.Helper()
	hub := startStaffHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0")
	ctx := context.Background()
	if _, err := hub.st.EnsureAdmin(ctx, testAdminPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := hub.st.CreateCard(ctx, kioskManager, hallq.Card{Number: testCardNumber, Tier: "gold", Holder: "Ms Wang"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range [][2]string{{clerk1, clerk1Password}, {clerk2, clerk2Password}} {
		newStaff(t, hub, u[0], u[1], false)
	}
	return hub
}

// startStaffHub is startInProcessHub with the cheapest password hashes: a
// login's bcrypt at the default cost takes a second under the race
// detector, and these tests log in a lot.
func startStaffHub(t *testing.T, db, addr string) *inProcessHub {
	t.Helper()
	return startInProcessHubWith(t, db, addr, store.Options{TimeZone: "UTC", BcryptCost: bcrypt.MinCost})
}

// newStaff adds a staff account; unless mustChange, its user has already
// changed the password a manager set.
func newStaff(t *testing.T, hub *inProcessHub, username, password string, mustChange bool) {
	t.Helper()
	ctx := context.Background()
	set := password
	if !mustChange {
		set = password + "-by-manager"
	}
	if _, err := hub.st.CreateUser(ctx, kioskManager, hallq.NewUser{Username: username, Password: set, Role: hallq.RoleStaff}); err != nil {
		t.Fatal(err)
	}
	if !mustChange {
		if err := hub.st.ChangePassword(ctx, username, hallq.PasswordChange{Current: set, New: password}, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// staffLogin logs in through the API and returns the session token.
func staffLogin(t *testing.T, base, username, password string) string {
	t.Helper()
	status, out := staffCall(t, "POST", base+"/api/v1/login", "", "", fmt.Sprintf(`{"username":%q,"password":%q}`, username, password))
	var reply struct{ Token string }
	if err := json.Unmarshal(out, &reply); status != http.StatusOK || err != nil || reply.Token == "" {
		t.Fatalf("login of %s: %d %s", username, status, out)
	}
	return reply.Token
}

// staffCall sends a JSON request as the holder of token (none if ""), with
// an Idempotency-Key if one is given, and returns the status and the body.
func staffCall(t *testing.T, method, url, token, key, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
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

// staffSignIn gives the browser the session of a login through the API, as the
// login page would have left it: the tests of the counter start logged in.
func staffSignIn(t *testing.T, b *browser, base, username, password string) {
	t.Helper()
	token := staffLogin(t, base, username, password)
	httpOnly := true
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, network.SetCookie, network.SetCookieParams{
			Name: "hallq_session", Value: token, URL: base, Path: "/", HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteStrict,
		})
		return err
	}))
}

// staffWaitPage is waitJS across a change of page: a page that sends the
// browser on (location.replace) ends the context the expression ran in, and
// the wait goes on in the next page.
func staffWaitPage(b *browser, expression string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expression,
			chromedp.WithPollingInterval(20*time.Millisecond),
			chromedp.WithPollingTimeout(browserStepTimeout)))
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			b.fail("browser: waiting for %s: %v", expression, err)
		}
		// Else the page went away under the wait: wait in the next one.
	}
}

// staffText returns the visible text of the element sel names, spaces folded.
func staffText(b *browser, sel string) string {
	b.t.Helper()
	return browserEval[string](b, `(document.querySelector(`+jsQuote(sel)+`)?.innerText ?? "").replace(/\s+/g, " ").trim()`)
}

// jsQuote quotes s for a JavaScript expression.
func jsQuote(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// staffFill sets the value of the input sel names as a person typing it would.
func staffFill(b *browser, sel, value string) {
	b.t.Helper()
	b.run(chromedp.Evaluate[chromedp.Void](`(() => { const i = document.querySelector(` + jsQuote(sel) + `); i.value = ""; i.focus(); })()`))
	b.run(chromedp.KeyEvent(value))
}

// counterKeypad presses a key of a USB numeric keypad: code is its
// KeyboardEvent.code, such as "NumpadDecimal"; repeat marks the key held
// down.
func counterKeypad(b *browser, code string, repeat bool) {
	b.t.Helper()
	keys := map[string]struct {
		key  string
		vk   int64
		text string
	}{
		"NumpadEnter":    {"Enter", 13, "\r"},
		"NumpadDecimal":  {".", 110, "."},
		"NumpadSubtract": {"-", 109, "-"},
		"NumpadMultiply": {"*", 106, "*"},
		"NumpadDivide":   {"/", 111, "/"},
	}
	k, ok := keys[code]
	if !ok {
		b.t.Fatalf("no keypad key %s", code)
	}
	yes := true
	down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Code: code, Key: k.key, WindowsVirtualKeyCode: k.vk, Text: k.text, UnmodifiedText: k.text, Location: 3, IsKeypad: &yes}
	if repeat {
		down.AutoRepeat = &yes
	}
	up := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Code: code, Key: k.key, WindowsVirtualKeyCode: k.vk, Location: 3, IsKeypad: &yes}
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tab, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tab, input.DispatchKeyEvent, up)
		return err
	}))
}

// staffLang switches a staff page to lang with its toggle, if it shows another.
func staffLang(b *browser, lang string) {
	b.t.Helper()
	if browserEval[string](b, `document.body.dataset.lang`) == lang {
		return
	}
	if browserEval[bool](b, `document.querySelector("dialog[open]") !== null`) {
		// A modal dialog keeps the toggle from the mouse; the screenshot
		// of a dialog in the other language still needs it.
		b.run(chromedp.Evaluate[chromedp.Void](`document.getElementById("lang-toggle").click()`))
	} else {
		tap(b, "#lang-toggle")
	}
	b.waitJS(`document.body.dataset.lang === "` + lang + `"`)
}

// staffCheckFits fails the test when the page scrolls at its size or a
// visible element reaches past the screen's edges.
func staffCheckFits(t *testing.T, b *browser, what string) {
	t.Helper()
	out := browserEval[[]string](b, `(() => {
		const W = innerWidth, H = innerHeight, out = [];
		const d = document.documentElement;
		if (d.scrollHeight > H + 1) out.push("page scrolls down: " + d.scrollHeight + " > " + H);
		if (d.scrollWidth > W + 1) out.push("page scrolls sideways: " + d.scrollWidth + " > " + W);
		const root = document.querySelector("dialog[open]") || document.body;
		for (const e of root.querySelectorAll("*")) {
			const r = e.getBoundingClientRect();
			if (r.width === 0 || r.height === 0 || e.closest("dialog:not([open])")) continue;
			if (r.right > W + 1 || r.left < -1 || r.bottom > H + 1 || r.top < -1) out.push((e.id || e.className || e.tagName) + " " + JSON.stringify(r));
		}
		// Words too long for their button, or a number for its card.
		for (const e of root.querySelectorAll("button, .t-number, .issued-number, .queue-name, .queue-count")) {
			if (e.offsetParent === null) continue;
			if (e.scrollWidth > e.clientWidth + 1 || (e.tagName === "BUTTON" && e.scrollHeight > e.clientHeight + 1)) out.push("clipped: " + (e.id || e.className));
		}
		return out.slice(0, 6);
	})()`)
	if len(out) > 0 {
		t.Errorf("%s: does not fit the screen: %s", what, strings.Join(out, "; "))
	}
}

// staffShots saves the page in both languages at 1366×768, checking that it
// fits there and on the 1280×800 tablet, and leaves it in Chinese.
func staffShots(t *testing.T, b *browser, name string) {
	t.Helper()
	for _, lang := range []string{"zh", "en"} {
		staffLang(b, lang)
		staffCheckFits(t, b, name+" "+lang)
		b.screenshot(name + "-" + lang)
	}
	b.setViewport(viewportTablet)
	staffCheckFits(t, b, name+" en on a tablet")
	b.setViewport(viewportCounter)
	staffLang(b, "zh")
}

// TestBrowser_Login logs a clerk in as a person does: /counter without a
// session goes to the login page; a wrong password shows the hub's
// sentence beside the form; the right one goes on to /counter. A next
// address on another site is never followed. Logging out ends the session.
func TestBrowser_Login(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startCounterHub(t)

	b.run(chromedp.Navigate(hub.URL + "/counter"))
	staffWaitPage(b, `location.pathname === "/login" && document.body.dataset.view === "login"`)
	if got := browserEval[string](b, `location.search`); got != "?next=%2Fcounter" {
		t.Errorf("the login page's query is %q, want ?next=%%2Fcounter", got)
	}
	if got := browserEval[string](b, `document.activeElement.id`); got != "username" {
		t.Errorf("the focus is on %q, want the username", got)
	}
	staffShots(t, b, "form")

	// A wrong password: the hub's sentence, the username kept.
	staffFill(b, "#username", clerk1)
	staffFill(b, "#password", "not-the-password")
	b.run(chromedp.KeyEvent("\r"))
	b.waitJS(`!document.getElementById("login-error").hidden`)
	if got := staffText(b, "#login-error"); got != "The username or password is wrong." {
		t.Errorf("after a wrong password the page says %q", got)
	}
	if got := browserEval[string](b, `document.getElementById("username").value`); got != clerk1 {
		t.Errorf("the username field holds %q after a wrong password, want it kept", got)
	}
	staffShots(t, b, "wrong-password")

	// Empty fields are the page's to point out, without asking the hub.
	staffFill(b, "#password", "")
	b.run(chromedp.Evaluate[chromedp.Void](`document.getElementById("password").value = ""`))
	tap(b, "#login-submit")
	b.waitJS(`!document.getElementById("password-error").hidden`)
	if got := staffText(b, "#password-error"); got != "请输入密码。" {
		t.Errorf("an empty password: %q", got)
	}

	staffFill(b, "#password", clerk1Password)
	tap(b, "#login-submit")
	staffWaitPage(b, `location.pathname === "/counter" && document.body.dataset.view === "pick"`)
	if got := staffText(b, "#who"); got != clerk1 {
		t.Errorf("the counter page's bar names %q, want %s", got, clerk1)
	}

	// Logged in, the login page goes straight on, to a page of this hub
	// only.
	for _, next := range []string{"/counter", "//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		b.run(chromedp.Navigate(hub.URL + "/login?next=" + url.QueryEscape(next)))
		staffWaitPage(b, `location.pathname === "/counter" && document.body.dataset.view === "pick"`)
		if got := browserEval[string](b, `location.origin`); got != hub.URL {
			t.Errorf("with next=%s the login page went to %s", next, got)
		}
	}

	// Logging out: back to the login page, and the session is gone.
	tap(b, "#logout")
	staffWaitPage(b, `location.pathname === "/login" && document.body.dataset.view === "login"`)
	b.run(chromedp.Navigate(hub.URL + "/counter"))
	staffWaitPage(b, `location.pathname === "/login" && document.body.dataset.view === "login"`)
}

// TestBrowser_LoginPasswordChange logs in with a password a manager set:
// the page asks for a new one before anything else, checks it (8
// characters, typed twice the same) itself, and goes on once the hub took
// it. Coming back with such a session asks for the current password too,
// and the hub's sentence for a wrong one shows beside its field.
func TestBrowser_LoginPasswordChange(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startCounterHub(t)
	const user, set, chosen = "clerk03", "manager-set-1", "my-own-password"
	admin := login(t, hub.URL)
	if status, out := staffCall(t, "POST", hub.URL+"/api/v1/users", admin, "", fmt.Sprintf(`{"username":%q,"password":%q,"role":"staff"}`, user, set)); status != http.StatusCreated {
		t.Fatalf("a manager creating %s: %d %s", user, status, out)
	}

	b.run(chromedp.Navigate(hub.URL + "/login?next=/counter"))
	b.waitJS(`document.body.dataset.view === "login"`)
	staffFill(b, "#username", user)
	staffFill(b, "#password", set)
	b.run(chromedp.KeyEvent("\r"))
	b.waitJS(`document.body.dataset.view === "change"`)
	if !browserEval[bool](b, `document.getElementById("current-field").hidden`) {
		t.Error("right after the login, the change form asks for the current password again")
	}
	staffShots(t, b, "change")

	// Too short, then two different passwords: the page says so.
	staffFill(b, "#new-password", "short")
	staffFill(b, "#repeat-password", "short")
	b.run(chromedp.KeyEvent("\r"))
	b.waitJS(`!document.getElementById("new-error").hidden`)
	if got := staffText(b, "#new-error"); got != "新密码至少 8 个字符。" {
		t.Errorf("a short password: %q", got)
	}
	staffFill(b, "#new-password", chosen)
	staffFill(b, "#repeat-password", chosen+"x")
	b.run(chromedp.KeyEvent("\r"))
	b.waitJS(`!document.getElementById("repeat-error").hidden`)
	if got := staffText(b, "#repeat-error"); got != "两次输入的新密码不一致。" {
		t.Errorf("two different passwords: %q", got)
	}
	staffShots(t, b, "change-mismatch")

	// The session cannot do anything else yet: the counter page sends it back.
	b.run(chromedp.Navigate(hub.URL + "/counter"))
	staffWaitPage(b, `location.pathname === "/login" && document.body.dataset.view === "change"`)
	if browserEval[bool](b, `document.getElementById("current-field").hidden`) {
		t.Fatal("coming back, the change form does not ask for the current password")
	}
	staffFill(b, "#current", "not-it-at-all")
	staffFill(b, "#new-password", chosen)
	staffFill(b, "#repeat-password", chosen)
	b.run(chromedp.KeyEvent("\r"))
	b.waitJS(`!document.getElementById("current-error").hidden`)
	if got := staffText(b, "#current-error"); got != "The current password is wrong." {
		t.Errorf("a wrong current password: %q", got)
	}
	staffFill(b, "#current", set)
	b.run(chromedp.KeyEvent("\r"))
	staffWaitPage(b, `location.pathname === "/counter" && document.body.dataset.view === "pick"`)

	// The new password is the one: a login with it needs no change.
	token := staffLogin(t, hub.URL, user, chosen)
	var s struct {
		User struct {
			MustChange bool `json:"must_change_password"`
		} `json:"user"`
	}
	if status := getJSON(t, hub.URL+"/api/v1/session", token, &s); status != http.StatusOK || s.User.MustChange {
		t.Errorf("after the change: session %d, must_change_password %v", status, s.User.MustChange)
	}
}

// counterIssue issues a ticket for service in the store, as a kiosk would; a
// card gives it the card's tier.
func counterIssue(t *testing.T, hub *inProcessHub, service, card string) *hallq.Ticket {
	t.Helper()
	tk, _, err := hub.st.IssueTicket(context.Background(), hallq.IssueRequest{Service: service, Card: card, Lang: "zh"})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// counterAct carries out a counter action of a clerk in the store, as another
// terminal would.
func counterAct(t *testing.T, hub *inProcessHub, staff, counter string, op hallq.CounterOp) *hallq.ActResult {
	t.Helper()
	r, err := hub.st.ActAtCounter(context.Background(), hallq.CounterAction{Op: op, Counter: counter, By: hallq.Actor{Name: staff, Role: hallq.RoleStaff}}, "")
	if err != nil {
		t.Fatalf("%s at counter %s by %s: %v", op, counter, staff, err)
	}
	return r
}

// counterNow returns the counter as the hub has it.
func counterNow(t *testing.T, hub *inProcessHub, id string) *hallq.Counter {
	t.Helper()
	c, err := hub.st.FindCounter(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// counterCurrent is the number of the counter's current ticket, or "".
func counterCurrent(t *testing.T, hub *inProcessHub, id string) string {
	t.Helper()
	if c := counterNow(t, hub, id); c.Ticket != nil {
		return c.Ticket.Number
	}
	return ""
}

// counterWaiting are the numbers waiting for service, in call order.
func counterWaiting(t *testing.T, hub *inProcessHub, service string) []string {
	t.Helper()
	var out []string
	for _, tk := range queued(t, hub, service) {
		out = append(out, tk.Number)
	}
	return out
}

// openCounterPage loads /counter at base and, if the PC asks which counter
// this is, picks id; it waits until the page follows that counter live.
func openCounterPage(b *browser, base, id string) {
	b.t.Helper()
	b.run(chromedp.Navigate(base + "/counter"))
	staffWaitPage(b, `document.body.dataset.view === "pick" || document.body.dataset.view === "work"`)
	if browserEval[string](b, `document.body.dataset.view`) == "pick" {
		b.waitJS(`document.querySelector('.counter-choice[data-counter="` + id + `"]') !== null`)
		tap(b, `.counter-choice[data-counter="`+id+`"]`)
	}
	counterWaitLive(b, id)
}

// counterWaitLive waits until the page works at counter id, live.
func counterWaitLive(b *browser, id string) {
	b.t.Helper()
	b.waitJS(`document.body.dataset.view === "work" && document.body.dataset.counter === "` + id + `" && document.body.dataset.live === "live"`)
}

// counterSettle waits until the page takes another press as a press of its own,
// not as the double of the last one.
func counterSettle(b *browser) {
	b.t.Helper()
	b.waitJS(`document.body.dataset.settled === "1"`)
}

// counterPresses is how many presses the page has sent to the hub.
func counterPresses(b *browser) int {
	b.t.Helper()
	return browserEval[int](b, `Number(document.body.dataset.presses)`)
}

// counterMessage is the sentence under the current ticket.
func counterMessage(b *browser) string {
	b.t.Helper()
	return staffText(b, "#message")
}

// TestBrowser_CounterPick chooses the counter once on a PC: the list shows
// each counter's state, who is there and whom they serve; the choice
// survives a reload, and "Change counter" asks again.
func TestBrowser_CounterPick(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startCounterHub(t)
	counterIssue(t, hub, "A", "")
	counterAct(t, hub, clerk2, "2", hallq.OpOpen)
	counterAct(t, hub, clerk2, "2", hallq.OpNext)
	staffSignIn(t, b, hub.URL, clerk1, clerk1Password)

	b.run(chromedp.Navigate(hub.URL + "/counter"))
	b.waitJS(`document.body.dataset.view === "pick" && document.querySelectorAll(".counter-choice").length === 4`)
	if got := staffText(b, `.counter-choice[data-counter="2"]`); !strings.Contains(got, "2号窗口") || !strings.Contains(got, "营业中") ||
		!strings.Contains(got, "clerk02 在岗") || !strings.Contains(got, "当前 A001") {
		t.Errorf("counter 2 in the list: %q, want its name, open, clerk02 and A001", got)
	}
	if got := staffText(b, `.counter-choice[data-counter="4"]`); !strings.Contains(got, "贵宾窗口") || !strings.Contains(got, "已关闭") {
		t.Errorf("counter 4 in the list: %q, want the VIP window, closed", got)
	}
	staffShots(t, b, "pick")

	tap(b, `.counter-choice[data-counter="1"]`)
	counterWaitLive(b, "1")
	if got := staffText(b, "#counter-name"); got != "1号窗口" {
		t.Errorf("the bar names %q, want 1号窗口", got)
	}
	b.run(chromedp.Reload())
	staffWaitPage(b, `document.body.dataset.view === "work" && document.body.dataset.counter === "1"`)

	tap(b, "#change-counter")
	b.waitJS(`document.body.dataset.view === "pick" && document.querySelectorAll(".counter-choice").length === 4`)
	tap(b, `.counter-choice[data-counter="3"]`)
	counterWaitLive(b, "3")
	b.run(chromedp.Navigate(hub.URL + "/counter"))
	staffWaitPage(b, `document.body.dataset.view === "work" && document.body.dataset.counter === "3"`)
	if got := browserEval[string](b, `localStorage.getItem("hallq.counter")`); got != "3" {
		t.Errorf("the PC remembers counter %q, want 3", got)
	}
}

// TestBrowser_CounterKeys opens a counter and works it from the keyboard
// and a USB numeric keypad: Space, Enter and keypad Enter call the next
// customer; keypad . recalls, / starts, * pauses and resumes, - marks a
// no-show. A key held down or pressed twice at once is one press, and no
// key acts while the clerk types in a field.
func TestBrowser_CounterKeys(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startCounterHub(t)
	for _, s := range []string{"A", "A", "B", "A", "C", "A"} {
		counterIssue(t, hub, s, "")
	}
	staffSignIn(t, b, hub.URL, clerk1, clerk1Password)
	openCounterPage(b, hub.URL, "1")

	// Closed: Next says why and sends nothing.
	b.waitJS(`document.body.dataset.state === "closed"`)
	counterSettle(b)
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.body.dataset.message === "warn"`)
	if got, n := counterMessage(b), counterPresses(b); got != "窗口已关闭，请先开放窗口。" || n != 0 {
		t.Errorf("Space at a closed counter: %q and %d presses, want the reason and none", got, n)
	}
	staffShots(t, b, "closed")

	tap(b, "#open-inline")
	b.waitJS(`document.body.dataset.state === "open" && document.body.dataset.mine === "1"`)
	b.waitJS(`document.querySelector('.queue-row[data-service="A"] .queue-count').textContent === "4 人"`)
	staffShots(t, b, "open-idle")

	counterSettle(b)
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.body.dataset.ticket === "A001"`)
	if got := staffText(b, "#t-number"); got != "A001" {
		t.Errorf("the ticket card shows %q", got)
	}
	if got := counterCurrent(t, hub, "1"); got != "A001" {
		t.Errorf("after Space the hub has %q at counter 1, want A001", got)
	}
	staffShots(t, b, "called")
	b.setViewport(viewportTablet)
	staffCheckFits(t, b, "called on a tablet")
	b.screenshot("called-tablet")
	b.setViewport(viewportCounter)

	counterSettle(b)
	b.run(chromedp.KeyEvent("\r"))
	b.waitJS(`document.body.dataset.ticket === "A002"`)
	counterSettle(b)
	counterKeypad(b, "NumpadEnter", false)
	b.waitJS(`document.body.dataset.ticket === "B001"`)

	// Held down, or pressed twice in a row: once.
	counterSettle(b)
	n := counterPresses(b)
	counterKeypad(b, "NumpadEnter", true)
	if got := counterPresses(b); got != n {
		t.Errorf("a repeated key sent %d presses", got-n)
	}
	counterSettle(b)
	b.run(chromedp.KeyEvent("  "))
	b.waitJS(`document.body.dataset.ticket === "A003"`)
	if got := counterPresses(b); got != n+1 {
		t.Errorf("a double Space sent %d presses, want 1", got-n)
	}
	if got := counterWaiting(t, hub, "A"); strings.Join(got, " ") != "A004" {
		t.Errorf("after one double press A's queue is %v, want [A004]", got)
	}

	counterSettle(b)
	counterKeypad(b, "NumpadDecimal", false)
	b.waitJS(`document.getElementById("t-recalls").textContent === "2 / 3 次"`)
	counterSettle(b)
	counterKeypad(b, "NumpadDivide", false)
	b.waitJS(`document.body.dataset.ticketState === "serving"`)
	staffShots(t, b, "serving")
	counterSettle(b)
	counterKeypad(b, "NumpadMultiply", false)
	b.waitJS(`document.body.dataset.state === "paused"`)
	n = counterPresses(b)
	counterSettle(b)
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.getElementById("message").textContent === "窗口已暂停，请先恢复。"`)
	if got := counterPresses(b); got != n {
		t.Errorf("Space at a paused counter sent %d presses", got-n)
	}
	staffShots(t, b, "paused")
	counterSettle(b)
	counterKeypad(b, "NumpadMultiply", false)
	b.waitJS(`document.body.dataset.state === "open"`)
	counterSettle(b)
	counterKeypad(b, "NumpadEnter", false)
	b.waitJS(`document.body.dataset.ticket === "C001"`)
	counterSettle(b)
	counterKeypad(b, "NumpadSubtract", false)
	b.waitJS(`document.body.dataset.ticket === "" && document.getElementById("message").textContent.startsWith("C001 已标记过号")`)
	// Today's figures follow: four served (the no-show does not count).
	b.waitJS(`document.getElementById("served-today").textContent === "4"`)
	if c := counterNow(t, hub, "1"); c.Served != 4 {
		t.Errorf("the hub counts %d served at counter 1, want 4", c.Served)
	}

	// Typing in a field: the keys are the field's.
	n = counterPresses(b)
	tap(b, "#act-complaint")
	b.waitJS(`document.getElementById("dialog-complaint").open && document.activeElement.id === "complaint-text"`)
	b.run(chromedp.KeyEvent("waited long. "))
	for _, code := range []string{"NumpadSubtract", "NumpadMultiply", "NumpadDivide", "NumpadDecimal", "NumpadEnter"} {
		counterKeypad(b, code, false)
	}
	b.run(chromedp.KeyEvent("\r "))
	if got := browserEval[string](b, `document.getElementById("complaint-text").value`); got != "waited long. -*/.\n\n " {
		t.Errorf("the complaint field holds %q", got)
	}
	b.run(chromedp.KeyEvent(kb.Escape))
	b.waitJS(`!document.getElementById("dialog-complaint").open`)
	tap(b, "#act-call")
	b.waitJS(`document.activeElement.id === "call-number"`)
	b.run(chromedp.KeyEvent("A0 05"))
	counterKeypad(b, "NumpadSubtract", false)
	b.run(chromedp.KeyEvent(kb.Escape))
	b.waitJS(`!document.getElementById("dialog-call").open`)
	if got := counterPresses(b); got != n {
		t.Errorf("typing sent %d presses", got-n)
	}
	if got := counterCurrent(t, hub, "1"); got != "" {
		t.Errorf("after typing counter 1 is at %q, want no ticket", got)
	}
	// And after the dialog, Space is Next again.
	counterSettle(b)
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.body.dataset.ticket === "A004"`)
}

// TestBrowser_CounterRecalls recalls a customer who does not come until no
// recall is left: the page counts them down, then offers No-show. The
// no-show who comes back is called again by number, with the reason; a
// call without a reason, or of a number nobody holds, is refused in the
// dialog.
func TestBrowser_CounterRecalls(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startCounterHub(t)
	counterIssue(t, hub, "A", "")
	counterIssue(t, hub, "A", "")
	counterAct(t, hub, clerk1, "1", hallq.OpOpen)
	staffSignIn(t, b, hub.URL, clerk1, clerk1Password)
	openCounterPage(b, hub.URL, "1")
	tap(b, "#act-next")
	b.waitJS(`document.body.dataset.ticket === "A001"`)

	for left := 2; left >= 0; left-- {
		counterSettle(b)
		tap(b, "#act-recall")
		want := fmt.Sprintf("%d / 3 次", left)
		if left == 0 {
			want = "已用完"
		}
		b.waitJS(`document.getElementById("t-recalls").textContent === ` + jsQuote(want))
	}
	b.waitJS(`document.getElementById("message").textContent.includes("重呼次数已用完")`)
	if !browserEval[bool](b, `document.getElementById("act-recall").disabled && document.getElementById("act-noshow").classList.contains("suggested")`) {
		t.Error("at the recall limit, Recall is not disabled or No-show not suggested")
	}
	if tk := counterNow(t, hub, "1").Ticket; tk == nil || tk.Recalls != 3 {
		t.Errorf("the hub's ticket after three recalls: %+v", tk)
	}
	staffShots(t, b, "recall-limit")
	counterSettle(b)
	counterKeypad(b, "NumpadDecimal", false)
	b.waitJS(`document.getElementById("message").textContent === "A001 的重呼次数已用完，可按“过号”。"`)

	counterSettle(b)
	tap(b, "#act-noshow")
	b.waitJS(`document.body.dataset.ticket === "" && document.getElementById("message").textContent.startsWith("A001 已标记过号")`)

	// The customer comes back: call A001 by number.
	tap(b, "#act-call")
	b.waitJS(`document.getElementById("dialog-call").open`)
	staffFill(b, "#call-number", "a001")
	tap(b, "#call-go")
	b.waitJS(`document.getElementById("call-error").textContent === "请选择或填写原因。"`)
	tap(b, `#call-reasons [data-reason="returned no-show"]`)
	staffShots(t, b, "call-dialog")
	staffFill(b, "#call-number", "A099")
	tap(b, "#call-go")
	b.waitJS(`document.getElementById("call-error").textContent === "No ticket A099 is waiting today, nor a recent no-show."`)
	staffFill(b, "#call-number", "a001")
	b.run(chromedp.KeyEvent("\r"))
	b.waitJS(`!document.getElementById("dialog-call").open && document.body.dataset.ticket === "A001"`)
	if got := counterMessage(b); got != "已指定叫号 A001。" {
		t.Errorf("after the call by number: %q", got)
	}
	if got := counterCurrent(t, hub, "1"); got != "A001" {
		t.Errorf("the hub has %q at counter 1, want A001 again", got)
	}
	if got := counterWaiting(t, hub, "A"); strings.Join(got, " ") != "A002" {
		t.Errorf("A's queue is %v, want [A002] still", got)
	}
}

// TestBrowser_CounterTransfer sends the customer at the counter to another
// service, where they keep their place (and come back first), then to one
// counter: a closed one refuses with the hub's sentence, an open one takes
// them, and only it.
func TestBrowser_CounterTransfer(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startCounterHub(t)
	counterIssue(t, hub, "A", "")
	counterIssue(t, hub, "B", "")
	counterAct(t, hub, clerk1, "1", hallq.OpOpen)
	staffSignIn(t, b, hub.URL, clerk1, clerk1Password)
	openCounterPage(b, hub.URL, "1")
	tap(b, "#act-next")
	b.waitJS(`document.body.dataset.ticket === "A001"`)

	tap(b, "#act-transfer")
	b.waitJS(`document.getElementById("dialog-transfer").open && document.querySelectorAll("#transfer-counters .choice").length === 3`)
	if got := staffText(b, "#transfer-title"); got != "转移 A001" {
		t.Errorf("the dialog's title: %q", got)
	}
	tap(b, `#transfer-services [data-service="B"]`)
	staffShots(t, b, "transfer-dialog")
	tap(b, "#transfer-go")
	b.waitJS(`!document.getElementById("dialog-transfer").open && document.body.dataset.ticket === ""`)
	if got := counterMessage(b); got != "A001 已转到对公业务，保留原排队位置。" {
		t.Errorf("after the transfer: %q", got)
	}
	if got := counterWaiting(t, hub, "B"); strings.Join(got, " ") != "A001 B001" {
		t.Errorf("B's queue is %v, want A001 first: it keeps its place", got)
	}

	counterSettle(b)
	tap(b, "#act-next")
	b.waitJS(`document.body.dataset.ticket === "A001"`)
	if got := staffText(b, "#t-target"); got != "转自其他窗口" {
		t.Errorf("a transferred ticket says %q", got)
	}
	if got := staffText(b, "#t-service"); got != "B 对公业务" {
		t.Errorf("the transferred ticket's service: %q", got)
	}

	// To counter 3, closed: the hub's sentence in the dialog.
	tap(b, "#act-transfer")
	b.waitJS(`document.getElementById("dialog-transfer").open && document.querySelectorAll("#transfer-counters .choice").length === 3`)
	tap(b, `#transfer-counters [data-counter="3"]`)
	tap(b, "#transfer-go")
	b.waitJS(`!document.getElementById("transfer-error").hidden`)
	if got := staffText(b, "#transfer-error"); !strings.Contains(got, "closed") {
		t.Errorf("a transfer to a closed counter says %q", got)
	}
	if got := counterCurrent(t, hub, "1"); got != "A001" {
		t.Errorf("after the refused transfer counter 1 is at %q, want A001", got)
	}
	// The dialog is drawn again (after the counters are fetched, or here a
	// switch of language) on the same buttons: a redraw as the clerk taps
	// must not take the button from under the finger, nor the choice.
	b.run(chromedp.Evaluate[chromedp.Void](`window.tapped = document.querySelector('#transfer-counters [data-counter="3"]')`))
	for _, title := range []string{"Transfer A001", "转移 A001"} {
		b.run(chromedp.Evaluate[chromedp.Void](`document.getElementById("lang-toggle").click()`))
		b.waitJS(`document.getElementById("transfer-title").textContent === ` + jsQuote(title))
		if !browserEval[bool](b, `window.tapped === document.querySelector('#transfer-counters [data-counter="3"]') && window.tapped.getAttribute("aria-pressed") === "true"`) {
			t.Errorf("redrawn as %q, the dialog's chosen counter is a new button or not chosen", title)
		}
	}
	counterAct(t, hub, clerk2, "3", hallq.OpOpen)
	tap(b, "#transfer-go")
	b.waitJS(`!document.getElementById("dialog-transfer").open && document.body.dataset.ticket === ""`)
	if got := counterMessage(b); got != "A001 已转到3号窗口，保留原排队位置。" {
		t.Errorf("after the transfer to counter 3: %q", got)
	}
	b.waitJS(`document.querySelector('.queue-row[data-service="B"] .queue-count').textContent === "1 人"`)
	q := queued(t, hub, "B")
	if len(q) != 2 || q[0].Number != "A001" || q[0].Target != "3" {
		t.Errorf("B's queue after the transfer to counter 3: %+v", q)
	}
}

// TestBrowser_CounterPriority issues a priority ticket for a customer who
// needs one: it shows large with the QR code of its phone page, printing
// on the kiosk's printer says why it cannot (the hall has none), and the
// ticket is called ahead with its badge. A VIP card holder is greeted by
// the name on the card.
func TestBrowser_CounterPriority(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startCounterHub(t)
	counterIssue(t, hub, "A", "")
	counterAct(t, hub, clerk1, "1", hallq.OpOpen)
	staffSignIn(t, b, hub.URL, clerk1, clerk1Password)
	openCounterPage(b, hub.URL, "1")

	tap(b, "#act-priority")
	b.waitJS(`document.getElementById("dialog-priority").open && document.querySelector('#priority-tiers [aria-pressed="true"]')?.dataset.tier === "priority"`)
	tap(b, "#priority-go")
	b.waitJS(`document.getElementById("priority-error").textContent === "请选择业务。"`)
	tap(b, `#priority-services [data-service="A"]`)
	staffShots(t, b, "priority-form")
	tap(b, "#priority-go")
	b.waitJS(`document.body.dataset.issued === "A002" && document.getElementById("issued-qr").complete && document.getElementById("issued-qr").naturalWidth > 0`)
	q := queued(t, hub, "A")
	if len(q) != 2 || q[0].Number != "A002" || q[0].Tier != "priority" || q[0].IssuedBy != clerk1 {
		t.Fatalf("A's queue after the priority ticket: %+v", q)
	}
	if got := browserEval[string](b, `document.getElementById("issued-qr").getAttribute("src")`); got != "/api/v1/tickets/"+q[0].Token+"/qr.png" {
		t.Errorf("the QR code is %q", got)
	}
	if got := staffText(b, "#issued-tier"); got != "优先" {
		t.Errorf("the ticket's tier reads %q", got)
	}
	staffShots(t, b, "priority-ticket")
	tap(b, "#print-go")
	b.waitJS(`document.getElementById("print-result").dataset.kind === "error"`)
	t.Logf("printing without a printer: %s", staffText(b, "#print-result"))
	tap(b, `#priority-result [data-close]`)
	b.waitJS(`!document.getElementById("dialog-priority").open`)
	if browserEval[bool](b, `document.getElementById("issued-qr").hasAttribute("src") || document.documentElement.outerHTML.includes(`+jsQuote(q[0].Token)+`)`) {
		t.Error("the page still holds the priority ticket's token after Done")
	}
	b.waitJS(`document.querySelector('.queue-row[data-service="A"] .queue-vips')?.textContent === "VIP 1 人"`)

	counterSettle(b)
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.body.dataset.ticket === "A002"`)
	if got := staffText(b, "#t-tier"); got != "优先" {
		t.Errorf("the priority ticket's badge: %q", got)
	}

	// A gold card holder.
	counterIssue(t, hub, "B", testCardNumber)
	counterSettle(b)
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.body.dataset.ticket === "B001"`)
	if got := staffText(b, "#t-tier"); got != "VIP 金卡" {
		t.Errorf("the gold ticket's badge: %q", got)
	}
	if got := staffText(b, "#t-holder"); got != "请称呼：Ms Wang" {
		t.Errorf("the gold ticket's holder: %q", got)
	}
	staffShots(t, b, "vip-called")
}

// cutProxy is the hub behind a proxy a test can cut like a pulled network
// cable: while cut, every connection through it, websockets included, is
// closed, and new ones are closed as they come. It can also freeze the
// websockets open now (they stay up and bring nothing more: a page that
// missed a change), lose the reply to one POST after the hub acted on it,
// and it records the path and Idempotency-Key of every POST that reached
// the hub.
type cutProxy struct {
	URL string
	hub string // the hub's address, http://…

	mu        sync.Mutex
	cut       bool
	conns     map[*trackedConn]struct{}
	frozen    []chan struct{} // closed: that websocket relay may go on
	relays    map[chan struct{}]struct{}
	loseReply string   // the path of the next POST whose reply is lost
	posts     []string // "path key" of every POST passed on
}

func newCutProxy(t *testing.T, hub *inProcessHub) *cutProxy {
	t.Helper()
	target, err := url.Parse(hub.URL)
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{hub: hub.URL, conns: map[*trackedConn]struct{}{}, relays: map[chan struct{}]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.URL = "http://" + ln.Addr().String()
	rp := httputil.NewSingleHostReverseProxy(target) // keeps the Host, so Origin checks pass
	srv := &http.Server{Handler: p.handler(t, rp), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(&cutListener{Listener: ln, p: p})
	}()
	t.Cleanup(func() {
		p.setCut(true)
		srv.Close()
		<-done
	})
	return p
}

func (p *cutProxy) handler(t *testing.T, rp http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/ws/") {
			p.relay(w, r)
			return
		}
		if r.Method == http.MethodPost {
			p.mu.Lock()
			p.posts = append(p.posts, r.URL.Path+" "+r.Header.Get("Idempotency-Key"))
			lose := p.loseReply == r.URL.Path
			if lose {
				p.loseReply = ""
			}
			p.mu.Unlock()
			if lose {
				rp.ServeHTTP(httptest.NewRecorder(), r) // the hub acts; its reply goes nowhere
				if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
					conn.Close()
				}
				return
			}
		}
		rp.ServeHTTP(w, r)
	})
}

// relay serves a websocket by one of its own to the hub, with the page's
// cookie, passing the hub's messages on unless frozen.
func (p *cutProxy) relay(w http.ResponseWriter, r *http.Request) {
	up, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(p.hub, "http")+r.URL.RequestURI(), http.Header{"Cookie": r.Header.Values("Cookie")})
	if err != nil {
		status := http.StatusBadGateway
		if res != nil {
			status = res.StatusCode
		}
		http.Error(w, err.Error(), status)
		return
	}
	defer up.Close()
	upgrader := websocket.Upgrader{CheckOrigin: web.CheckOrigin}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	thaw := make(chan struct{})
	p.mu.Lock()
	p.relays[thaw] = struct{}{}
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.relays, thaw)
		p.mu.Unlock()
	}()
	go func() { // the page's side: read until it goes, then end both
		defer up.Close()
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for {
		typ, msg, err := up.ReadMessage()
		if err != nil {
			return
		}
		p.mu.Lock()
		frozen := slices.Contains(p.frozen, thaw)
		p.mu.Unlock()
		if frozen {
			continue // the page never hears of it
		}
		if err := conn.WriteMessage(typ, msg); err != nil {
			return
		}
	}
}

// freeze stops every websocket open now from passing anything on; those
// opened later work.
func (p *cutProxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.relays {
		p.frozen = append(p.frozen, c)
	}
}

// setCut cuts the proxy off, closing every connection through it, or
// joins it again.
func (p *cutProxy) setCut(cut bool) {
	p.mu.Lock()
	p.cut = cut
	var open []*trackedConn
	if cut {
		for c := range p.conns {
			open = append(open, c)
		}
		clear(p.conns)
	}
	p.mu.Unlock()
	for _, c := range open {
		c.Conn.Close()
	}
}

// loseNextReply makes the hub's reply to the next POST to path go nowhere.
func (p *cutProxy) loseNextReply(path string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.loseReply = path
}

// postsTo returns the Idempotency-Keys of the POSTs to path so far.
func (p *cutProxy) postsTo(path string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var keys []string
	for _, s := range p.posts {
		if k, ok := strings.CutPrefix(s, path+" "); ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// cutListener accepts connections for a cutProxy, and closes them at once
// while it is cut.
type cutListener struct {
	net.Listener
	p *cutProxy
}

func (l *cutListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.p.mu.Lock()
		if l.p.cut {
			l.p.mu.Unlock()
			c.Close()
			continue
		}
		tc := &trackedConn{Conn: c, p: l.p}
		l.p.conns[tc] = struct{}{}
		l.p.mu.Unlock()
		return tc, nil
	}
}

// trackedConn is a connection a cutProxy can close.
type trackedConn struct {
	net.Conn
	p *cutProxy
}

func (c *trackedConn) Close() error {
	c.p.mu.Lock()
	delete(c.p.conns, c)
	c.p.mu.Unlock()
	return c.Conn.Close()
}

// TestBrowser_CounterStale presses Done for the customer the screen shows
// while the counter has moved on without the page hearing of it (another
// terminal of the clerk called the next): the hub refuses, the page shows
// its sentence and catches up, and nobody is finished by mistake.
func TestBrowser_CounterStale(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startCounterHub(t)
	for range 3 {
		counterIssue(t, hub, "A", "")
	}
	counterAct(t, hub, clerk1, "1", hallq.OpOpen)
	first := counterAct(t, hub, clerk1, "1", hallq.OpNext).Ticket
	p := newCutProxy(t, hub)
	staffSignIn(t, b, p.URL, clerk1, clerk1Password)
	openCounterPage(b, p.URL, "1")
	b.waitJS(`document.body.dataset.ticket === "A001"`)

	p.freeze()
	other := staffLogin(t, hub.URL, clerk1, clerk1Password)
	if status, out := staffCall(t, "POST", hub.URL+"/api/v1/counters/1/next", other, "other-terminal-1", fmt.Sprintf(`{"expect":%d}`, first.ID)); status != http.StatusOK {
		t.Fatalf("next from the other terminal: %d %s", status, out)
	}
	if got := browserEval[string](b, `document.body.dataset.ticket`); got != "A001" {
		t.Fatalf("the frozen page shows %q, want A001 still", got)
	}
	tap(b, "#act-done")
	b.waitJS(`document.body.dataset.message === "error"`)
	if got := counterMessage(b); got != "Counter 1 is now at ticket A002; refresh the screen and try again. 屏幕已刷新为主机的最新状态。" {
		t.Errorf("the stale Done says %q", got)
	}
	b.waitJS(`document.body.dataset.ticket === "A002" && document.body.dataset.live === "live"`)
	if c := counterNow(t, hub, "1"); c.Ticket == nil || c.Ticket.Number != "A002" || c.Ticket.State != hallq.Called {
		t.Errorf("after the stale Done the hub has %+v at counter 1, want A002 still called", c.Ticket)
	}
	staffShots(t, b, "stale")
}

// TestBrowser_CounterHubDown presses while the hub cannot be reached (the
// network to it cut): the page says so on its buttons, keeps the press and
// sends it again with the same Idempotency-Key when the hub is back. A
// press whose reply was lost is not done twice, and the screen says it had
// been done; a press the counter has moved past meanwhile is refused, not
// applied to the next customer; and a press can be given up.
func TestBrowser_CounterHubDown(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startCounterHub(t)
	for range 5 {
		counterIssue(t, hub, "A", "")
	}
	counterAct(t, hub, clerk1, "1", hallq.OpOpen)
	p := newCutProxy(t, hub)
	staffSignIn(t, b, p.URL, clerk1, clerk1Password)
	openCounterPage(b, p.URL, "1")
	const next = "/api/v1/counters/1/next"
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.body.dataset.ticket === "A001"`)

	// The network goes: the page says so, and keeps a press.
	p.setCut(true)
	b.waitJS(`document.body.dataset.hub === "down" && !document.getElementById("hub-down").hidden`)
	staffShots(t, b, "hub-down")
	counterSettle(b)
	sent := len(p.postsTo(next))
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.body.dataset.pending === "next"`)
	if got := staffText(b, "#hub-down-text"); !strings.Contains(got, "无法连接大厅主机") || !strings.Contains(got, "“下一位”尚未送达") {
		t.Errorf("while the hub is away the page says %q", got)
	}
	if !browserEval[bool](b, `document.getElementById("act-next").classList.contains("sending")`) {
		t.Error("the Next button does not show its press waiting")
	}
	staffShots(t, b, "pending")
	if got := counterCurrent(t, hub, "1"); got != "A001" {
		t.Errorf("while cut off the hub has %q at counter 1", got)
	}
	p.setCut(false)
	b.waitJS(`document.body.dataset.ticket === "A002" && document.body.dataset.pending === "" && document.body.dataset.hub === "up"`)
	b.waitJS(`document.getElementById("message").textContent === "连接恢复后已送达：已叫号 A002。"`)
	if keys := p.postsTo(next)[sent:]; len(keys) != 1 {
		t.Errorf("the press reached the hub %d times, want once: %v", len(keys), keys)
	}

	// The hub acts, but its reply is lost: the same key again, and the
	// hub's first answer, said as such.
	p.loseNextReply(next)
	counterSettle(b)
	sent = len(p.postsTo(next))
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.body.dataset.ticket === "A003" && document.body.dataset.pending === "" && document.body.dataset.busy === ""`)
	b.waitJS(`document.getElementById("message").textContent === "A003 已在1号窗口叫号（断线前已送达，没有重复叫号）。"`)
	if keys := p.postsTo(next)[sent:]; len(keys) != 2 || keys[0] != keys[1] || keys[0] == "" {
		t.Errorf("a press whose reply was lost was sent with keys %q, want the same key twice", keys)
	}
	if got := counterWaiting(t, hub, "A"); strings.Join(got, " ") != "A004 A005" {
		t.Errorf("after the lost reply A's queue is %v, want A004 A005: one customer called", got)
	}
	staffShots(t, b, "replayed")

	// Cut off again, Done for A003; meanwhile the clerk's other terminal
	// calls A004. When the hub is back, Done is refused: A004 goes on.
	p.setCut(true)
	b.waitJS(`document.body.dataset.hub === "down"`)
	counterSettle(b)
	tap(b, "#act-done")
	b.waitJS(`document.body.dataset.pending === "done"`)
	other := staffLogin(t, hub.URL, clerk1, clerk1Password)
	if status, out := staffCall(t, "POST", hub.URL+next, other, "other-terminal-2", ""); status != http.StatusOK {
		t.Fatalf("next from the other terminal: %d %s", status, out)
	}
	p.setCut(false)
	b.waitJS(`document.body.dataset.pending === "" && document.body.dataset.message === "error" && document.body.dataset.ticket === "A004"`)
	if got := counterMessage(b); got != "Counter 1 is now at ticket A004; refresh the screen and try again. 屏幕已刷新为主机的最新状态。" {
		t.Errorf("the Done sent late says %q", got)
	}
	if c := counterNow(t, hub, "1"); c.Ticket == nil || c.Ticket.Number != "A004" || c.Ticket.State != hallq.Called {
		t.Errorf("after the late Done the hub has %+v at counter 1, want A004 still called", c.Ticket)
	}

	// Cut off, Next, then "Stop retrying": nothing is sent when the hub is back.
	p.setCut(true)
	b.waitJS(`document.body.dataset.hub === "down"`)
	counterSettle(b)
	sent = len(p.postsTo(next))
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.body.dataset.pending === "next" && !document.getElementById("stop-retry").hidden`)
	tap(b, "#stop-retry")
	b.waitJS(`document.body.dataset.pending === "" && document.getElementById("message").textContent.startsWith("已停止重发“下一位”")`)
	p.setCut(false)
	b.waitJS(`document.body.dataset.live === "live" && document.body.dataset.hub === "up"`)
	if keys := p.postsTo(next)[sent:]; len(keys) != 0 {
		t.Errorf("a press given up was sent %d times", len(keys))
	}
	if got := counterCurrent(t, hub, "1"); got != "A004" {
		t.Errorf("at the end counter 1 is at %q, want A004", got)
	}
}

// TestBrowser_CounterTakeOverComplaint comes to a counter another clerk
// left open with a customer: the page says whose it is, and takes it over
// after asking. The customer complains, and the complaint is recorded
// against their ticket. Logging out offers to close the counter first.
func TestBrowser_CounterTakeOverComplaint(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startCounterHub(t)
	counterIssue(t, hub, "A", "")
	counterAct(t, hub, clerk2, "1", hallq.OpOpen)
	counterAct(t, hub, clerk2, "1", hallq.OpNext)
	staffSignIn(t, b, hub.URL, clerk1, clerk1Password)
	openCounterPage(b, hub.URL, "1")
	b.waitJS(`document.getElementById("ticket-card").dataset.state === "other"`)
	if got := staffText(b, "#no-ticket-title"); got != "clerk02 正在使用此窗口" {
		t.Errorf("someone else's counter says %q", got)
	}
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.getElementById("message").textContent === "clerk02 正在使用此窗口，请先接管。"`)
	staffShots(t, b, "in-use")

	tap(b, "#open-inline")
	b.waitJS(`document.getElementById("dialog-takeover").open`)
	if got := staffText(b, "#takeover-text"); !strings.Contains(got, "in use by clerk02") {
		t.Errorf("the take-over dialog says %q", got)
	}
	staffShots(t, b, "take-over")
	tap(b, "#takeover-go")
	b.waitJS(`document.body.dataset.mine === "1" && document.body.dataset.ticket === "A001"`)
	if c := counterNow(t, hub, "1"); c.Staff != clerk1 {
		t.Errorf("after the take-over counter 1 is %s's", c.Staff)
	}

	// The customer complains.
	tap(b, "#act-complaint")
	b.waitJS(`document.getElementById("dialog-complaint").open`)
	if got := browserEval[string](b, `document.getElementById("complaint-ticket").value`); got != "A001" {
		t.Errorf("the complaint's ticket is %q, want the customer's A001", got)
	}
	b.run(chromedp.KeyEvent("排队太久，窗口少"))
	tap(b, "#complaint-go")
	b.waitJS(`document.getElementById("complaint-error").textContent === "请选择类别。"`)
	tap(b, `#complaint-categories [data-category="wait_too_long"]`)
	staffShots(t, b, "complaint")
	tap(b, "#complaint-go")
	b.waitJS(`!document.getElementById("dialog-complaint").open && document.getElementById("message").textContent.startsWith("投诉已登记")`)
	var complaints []struct {
		Ticket, Source, Category, Text string
	}
	if status := getJSON(t, hub.URL+"/api/v1/complaints", login(t, hub.URL), &complaints); status != http.StatusOK || len(complaints) != 1 ||
		complaints[0].Ticket != "A001" || complaints[0].Source != "counter" || complaints[0].Category != "wait_too_long" || complaints[0].Text != "排队太久，窗口少" {
		t.Errorf("the hub's complaints: %d %+v", status, complaints)
	}

	tap(b, "#help-open")
	b.waitJS(`document.getElementById("dialog-help").open`)
	staffShots(t, b, "keys-help")
	tap(b, `#dialog-help [data-close]`)
	b.waitJS(`!document.getElementById("dialog-help").open`)

	// Done, and nobody else is waiting; then log out, closing the counter.
	counterSettle(b)
	tap(b, "#act-done")
	b.waitJS(`document.body.dataset.ticket === ""`)
	counterSettle(b)
	b.run(chromedp.KeyEvent(" "))
	b.waitJS(`document.getElementById("message").textContent === "没有等候的客户。"`)
	tap(b, "#logout")
	b.waitJS(`document.getElementById("dialog-logout").open`)
	tap(b, "#logout-close")
	staffWaitPage(b, `location.pathname === "/login" && document.body.dataset.view === "login"`)
	if c := counterNow(t, hub, "1"); c.State != hallq.Closed {
		t.Errorf("after Close and log out, counter 1 is %s", c.State)
	}
}
