package main

// Browser tests of the manager's page, /manager (assets/static/manager*.*),
// against the whole hub, as a manager uses it: who may open it; the hall's
// notice changed and shown on the displays' snapshot; a value the hub
// refuses, with its sentence beside the field; a service and a counter
// that serves it; a staff account whose first login asks for a new
// password; a rating pad and its pairing code; a text slide; the day's
// figures after a visit; and screenshots of every tab at 1366×768 in both
// languages (HALLQ_SCREENSHOTS); a picture slide and the hall's own voice
// uploaded.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hallq"
)

// viewportManagerWide is the manager's office screen; viewportCounter the
// small one the page must fit as well.
var viewportManagerWide = viewport{width: 1920, height: 1080, scale: 1}

// managerTabs are the tabs of the page, in order.
var managerTabs = []string{"hall", "services", "tiers", "counters", "staff", "devices", "slides", "voice", "reports"}

// startManagerHub starts a hub with the default hall, its admin (a manager
// who has chosen the password, see login) and one clerk.
func startManagerHub(t *testing.T) *inProcessHub {
	t.Helper()
	hub := startStaffHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0")
	if _, err := hub.st.EnsureAdmin(context.Background(), testAdminPassword); err != nil {
		t.Fatal(err)
	}
	newStaff(t, hub, clerk1, clerk1Password, false)
	return hub
}

// openManager loads /manager logged in as admin, at tab, and waits until
// the tab has read what it shows.
func openManager(t *testing.T, b *browser, hub *inProcessHub, tab string) {
	t.Helper()
	staffSignIn(t, b, hub.URL, "admin", testAdminPassword)
	b.run(chromedp.Navigate(hub.URL + "/manager#" + tab))
	staffWaitPage(b, `document.body.dataset.view === "work" && document.body.dataset.ready === "`+tab+`"`)
}

// managerTab shows tab as a click on it does, and waits until it has read
// its objects again.
func managerTab(b *browser, tab string) {
	b.t.Helper()
	n := browserEval[string](b, `document.body.dataset.shown || ""`)
	tap(b, "#tab-"+tab)
	b.waitJS(`document.body.dataset.ready === "` + tab + `" && document.body.dataset.shown !== ` + jsQuote(n))
}

// managerField is the selector of the input of the field key in the open
// panel's (or editor's) form.
func managerField(tab, key, input string) string {
	return fmt.Sprintf(`#panel-%s [data-field=%q] %s`, tab, key, input)
}

// managerSave submits the form of the panel's editor and waits for its
// result, "saved" or "error", and for what the page draws after it.
func managerSave(b *browser, tab string) string {
	b.t.Helper()
	n := browserEval[string](b, `document.body.dataset.saves || "0"`)
	tap(b, "#panel-"+tab+" form.mform button[type=submit]")
	b.waitJS(`(document.body.dataset.saves || "0") !== ` + jsQuote(n))
	return browserEval[string](b, `document.body.dataset.result`)
}

// managerFitsScreen fails the test when the page as a whole scrolls, or a
// button's words are cut off; the panel under the tabs scrolls by itself.
func managerFitsScreen(t *testing.T, b *browser, what string) {
	t.Helper()
	out := browserEval[[]string](b, `(() => {
		const out = [], d = document.documentElement;
		if (d.scrollHeight > innerHeight + 1) out.push("page scrolls down: " + d.scrollHeight);
		if (d.scrollWidth > innerWidth + 1) out.push("page scrolls sideways: " + d.scrollWidth);
		const m = document.querySelector(".mmain");
		if (m && m.scrollWidth > m.clientWidth + 1) out.push("panel scrolls sideways: " + m.scrollWidth + " > " + m.clientWidth);
		for (const e of document.querySelectorAll("button, .mtabs button")) {
			if (e.offsetParent === null) continue;
			if (e.scrollWidth > e.clientWidth + 1) out.push("clipped: " + (e.id || e.textContent));
		}
		return out.slice(0, 6);
	})()`)
	if len(out) > 0 {
		t.Errorf("%s: does not fit: %s", what, strings.Join(out, "; "))
	}
}

// managerShots saves the page in both languages at 1366×768, checking that
// it fits there and at 1920×1080, and leaves it in Chinese.
func managerShots(t *testing.T, b *browser, name string) {
	t.Helper()
	for _, lang := range []string{"zh", "en"} {
		staffLang(b, lang)
		if browserEval[string](b, `document.body.dataset.view`) == "work" {
			tab := browserEval[string](b, `document.body.dataset.tab`)
			b.waitJS(`document.body.dataset.ready === "` + tab + `"`)
		}
		managerFitsScreen(t, b, name+" "+lang)
		b.screenshot(name + "-" + lang)
	}
	b.setViewport(viewportManagerWide)
	managerFitsScreen(t, b, name+" en at 1920×1080")
	b.setViewport(viewportCounter)
	staffLang(b, "zh")
	// The tab redraws in the language: wait, or the next tap may hit a
	// button that is being replaced.
	b.waitJS(`document.body.dataset.view !== "work" || document.body.dataset.ready === document.body.dataset.tab`)
}

// TestBrowser_ManagerAccess: without a session the page sends the browser
// to the login page, which comes back to /manager; a clerk sees that the
// page is for managers only; a manager whose password a manager set is
// asked for a new one first.
func TestBrowser_ManagerAccess(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startManagerHub(t)

	b.run(chromedp.Navigate(hub.URL + "/manager"))
	staffWaitPage(b, `location.pathname === "/login" && document.body.dataset.view === "login"`)
	if got := browserEval[string](b, `location.search`); got != "?next=%2Fmanager" {
		t.Errorf("the login page's query is %q, want ?next=%%2Fmanager", got)
	}

	staffSignIn(t, b, hub.URL, clerk1, clerk1Password)
	b.run(chromedp.Navigate(hub.URL + "/manager"))
	staffWaitPage(b, `document.body.dataset.view === "denied"`)
	if got := staffText(b, "#denied-title"); got != "仅限经理" {
		t.Errorf("a clerk sees the title %q", got)
	}
	if got := staffText(b, "#denied-text"); !strings.Contains(got, clerk1) {
		t.Errorf("the managers-only page says %q, without the clerk's name", got)
	}
	if browserEval[bool](b, `!document.getElementById("view-work").hidden`) {
		t.Error("a clerk sees the tabs")
	}
	managerShots(t, b, "denied")

	// A second manager, with the password the admin set: the change first.
	admin := login(t, hub.URL)
	if status, out := staffCall(t, "POST", hub.URL+"/api/v1/users", admin, "", `{"username":"boss2","password":"set-by-admin-1","role":"manager"}`); status != http.StatusCreated {
		t.Fatalf("creating boss2: %d %s", status, out)
	}
	staffSignIn(t, b, hub.URL, "boss2", "set-by-admin-1")
	b.run(chromedp.Navigate(hub.URL + "/manager"))
	staffWaitPage(b, `location.pathname === "/login" && document.body.dataset.view === "change"`)
	if got := browserEval[string](b, `location.search`); got != "?next=%2Fmanager" {
		t.Errorf("the change form's query is %q, want ?next=%%2Fmanager", got)
	}
}

// TestBrowser_ManagerHall edits the hall: a new notice is on the displays'
// snapshot; a recall limit of 99 is refused with the hub's sentence beside
// its field and nothing saved; the loopback public URL is warned of; a
// change made elsewhere shows when the tab is opened again.
func TestBrowser_ManagerHall(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startManagerHub(t)
	openManager(t, b, hub, "hall")

	if browserEval[bool](b, `document.getElementById("public-url-warning").hidden`) {
		t.Error("the hub's QR codes point at 127.0.0.1, and the page does not warn")
	}
	if got := staffText(b, "#public-url"); got != hub.URL {
		t.Errorf("the page shows the public URL %q, want %s", got, hub.URL)
	}

	const notice = "Counter 3 closes at noon today."
	staffFill(b, managerField("hall", "notice.en", "textarea"), notice)
	if got := managerSave(b, "hall"); got != "saved" {
		t.Fatalf("saving the notice: %s, the page says %q", got, staffText(b, "#panel-hall .form-error"))
	}
	if got := staffText(b, "#panel-hall .form-status"); got != "已保存" {
		t.Errorf("after saving the form says %q", got)
	}
	var d struct {
		Notice hallq.Text `json:"notice"`
	}
	if status := getJSON(t, hub.URL+"/api/v1/display", "", &d); status != http.StatusOK || d.Notice.EN != notice {
		t.Errorf("the display's notice: %d %q, want %q", status, d.Notice.EN, notice)
	}

	// Out of range: the hub's sentence beside the field.
	staffFill(b, managerField("hall", "recall_limit", "input"), "99")
	if got := managerSave(b, "hall"); got != "error" {
		t.Fatalf("a recall limit of 99: %s", got)
	}
	if got := staffText(b, `#panel-hall [data-field="recall_limit"] .field-error`); got != "The recall limit is between 0 and 20." {
		t.Errorf("beside the recall limit: %q", got)
	}
	if !browserEval[bool](b, `document.querySelector("#panel-hall .form-error").hidden`) {
		t.Errorf("the sentence is at the top too: %q", staffText(b, "#panel-hall .form-error"))
	}
	managerShots(t, b, "hall-invalid")
	var h map[string]any
	getJSON(t, hub.URL+"/api/v1/hall", "", &h)
	if h["recall_limit"] != 3.0 {
		t.Errorf("the hub's recall limit is %v after a refused save", h["recall_limit"])
	}

	// A change made elsewhere shows when the tab is shown again.
	admin := login(t, hub.URL)
	const zh = "今天中午 3 号窗口关闭。"
	h["notice"].(map[string]any)["zh"] = zh
	body, _ := json.Marshal(h)
	if status, out := staffCall(t, "PUT", hub.URL+"/api/v1/hall", admin, "", string(body)); status != http.StatusOK {
		t.Fatalf("PUT hall: %d %s", status, out)
	}
	managerTab(b, "services")
	managerTab(b, "hall")
	if got := browserEval[string](b, `document.querySelector(`+jsQuote(managerField("hall", "notice.zh", "textarea"))+`).value`); got != zh {
		t.Errorf("the tab shown again has the notice %q, want %q", got, zh)
	}
	if got := browserEval[string](b, `document.querySelector(`+jsQuote(managerField("hall", "recall_limit", "input"))+`).value`); got != "3" {
		t.Errorf("the tab shown again has the recall limit %q, want the hub's 3", got)
	}
}

// TestBrowser_ManagerSetup sets a hall up as a manager does: a service, a
// counter that serves it, a rating pad at that counter with its pairing
// code, a text slide, and a clerk, whose first login then asks for a new
// password.
func TestBrowser_ManagerSetup(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startManagerHub(t)
	openManager(t, b, hub, "services")
	managerShots(t, b, "services")

	// A service.
	tap(b, `#panel-services [data-create="newItem"]`)
	staffFill(b, managerField("services", "id", "input"), "D")
	staffFill(b, managerField("services", "name.zh", "input"), "外汇")
	staffFill(b, managerField("services", "name.en", "input"), "Foreign exchange")
	staffFill(b, managerField("services", "daily_quota", "input"), "50")
	if got := managerSave(b, "services"); got != "saved" {
		t.Fatalf("creating service D: %s %q", got, staffText(b, "#panel-services .meditor"))
	}
	b.waitJS(`document.querySelector("#panel-services .meditor").dataset.open === "D"`)
	var svc hallq.Service
	if status := getJSON(t, hub.URL+"/api/v1/services/D", login(t, hub.URL), &svc); status != http.StatusOK || svc.Name.EN != "Foreign exchange" || svc.DailyQuota != 50 || !svc.Open {
		t.Errorf("service D: %d %+v", status, svc)
	}
	managerShots(t, b, "service-created")

	// A counter serving it.
	managerTab(b, "counters")
	tap(b, `#panel-counters [data-create="newItem"]`)
	staffFill(b, managerField("counters", "id", "input"), "5")
	staffFill(b, managerField("counters", "name.zh", "input"), "5号窗口")
	staffFill(b, managerField("counters", "name.en", "input"), "Counter 5")
	tap(b, `#panel-counters [data-field="services"] input[value="D"]`)
	tap(b, `#panel-counters [data-field="also_serves"] input[value="C"]`)
	if got := managerSave(b, "counters"); got != "saved" {
		t.Fatalf("creating counter 5: %s %q", got, staffText(b, "#panel-counters .meditor"))
	}
	b.waitJS(`document.querySelector("#panel-counters .meditor").dataset.open === "5"`)
	c := counterNow(t, hub, "5")
	if strings.Join(c.Services, ",") != "D" || strings.Join(c.AlsoServes, ",") != "C" {
		t.Errorf("counter 5 serves %v, in spare time %v", c.Services, c.AlsoServes)
	}
	managerShots(t, b, "counter")

	// A pad at it: the code, big.
	managerTab(b, "devices")
	tap(b, `#panel-devices [data-create="newItem"]`)
	b.run(chromedp.Evaluate[chromedp.Void](`document.querySelector(` + jsQuote(managerField("devices", "counter", "select")) + `).value = "5"`))
	staffFill(b, managerField("devices", "name", "input"), "Pad 5")
	if got := managerSave(b, "devices"); got != "saved" {
		t.Fatalf("creating a pad: %s %q", got, staffText(b, "#panel-devices .meditor"))
	}
	b.waitJS(`document.getElementById("pair-code")?.textContent.length > 0`)
	code := staffText(b, "#pair-code")
	var paired struct{ Kind, Counter string }
	status, out := staffCall(t, "POST", hub.URL+"/api/v1/devices/pair", "", "", fmt.Sprintf(`{"code":%q}`, code))
	if err := json.Unmarshal(out, &paired); status != http.StatusOK || err != nil {
		t.Errorf("pairing with the code %q the page shows: %d %s", code, status, out)
	}
	b.waitJS(`document.querySelector("#panel-devices .mitem") !== null`)
	managerShots(t, b, "device-code")

	// A text slide, on the displays' list.
	managerTab(b, "slides")
	tap(b, `#panel-slides [data-create="newText"]`)
	staffFill(b, managerField("slides", "text.zh", "textarea"), "欢迎光临")
	staffFill(b, managerField("slides", "text.en", "textarea"), "Welcome to the hall")
	staffFill(b, managerField("slides", "seconds", "input"), "12")
	if got := managerSave(b, "slides"); got != "saved" {
		t.Fatalf("creating a slide: %s %q", got, staffText(b, "#panel-slides .meditor"))
	}
	var slides []hallq.Slide
	getJSON(t, hub.URL+"/api/v1/slides", "", &slides)
	if len(slides) != 1 || slides[0].Text.EN != "Welcome to the hall" || slides[0].Seconds != 12 {
		t.Errorf("GET /api/v1/slides: %+v", slides)
	}
	// Its seconds changed, as the PUT of what GET returned.
	b.waitJS(`document.querySelector("#panel-slides .meditor").dataset.open !== "new:newText"`)
	staffFill(b, managerField("slides", "seconds", "input"), "2")
	if got := managerSave(b, "slides"); got != "error" {
		t.Errorf("a slide of 2 seconds: %s", got)
	}
	if got := staffText(b, `#panel-slides [data-field="seconds"] .field-error`); got != "A slide shows for 3 to 600 seconds." {
		t.Errorf("beside the seconds: %q", got)
	}
	staffFill(b, managerField("slides", "seconds", "input"), "20")
	if got := managerSave(b, "slides"); got != "saved" {
		t.Errorf("20 seconds: %s %q", got, staffText(b, "#panel-slides .meditor"))
	}
	getJSON(t, hub.URL+"/api/v1/slides", "", &slides)
	if len(slides) != 1 || slides[0].Seconds != 20 {
		t.Errorf("after the edit: %+v", slides)
	}
	managerShots(t, b, "slides")

	// A clerk, with a password the manager sets.
	managerTab(b, "staff")
	tap(b, `#panel-staff [data-create="newItem"]`)
	if got := staffText(b, "#panel-staff .note"); !strings.Contains(got, "下次登录时必须改") {
		t.Errorf("the new user form says %q, not that the password must be changed", got)
	}
	staffFill(b, managerField("staff", "username", "input"), "clerk09")
	staffFill(b, managerField("staff", "password", "input"), "first-pass-9")
	if got := managerSave(b, "staff"); got != "saved" {
		t.Fatalf("creating clerk09: %s %q", got, staffText(b, "#panel-staff .meditor"))
	}
	b.waitJS(`document.querySelector("#panel-staff .meditor").dataset.open === "clerk09"`)
	managerShots(t, b, "staff")

	// Disabled, and enabled again.
	userDisabled := func() bool {
		var u struct{ Disabled bool }
		if status := getJSON(t, hub.URL+"/api/v1/users/clerk09", login(t, hub.URL), &u); status != http.StatusOK {
			t.Fatalf("GET clerk09: %d", status)
		}
		return u.Disabled
	}
	for _, want := range []bool{true, false} {
		tap(b, "#user-toggle")
		b.waitJS(`document.querySelector("#panel-staff .mitem[aria-pressed=true] .mitem-meta")?.textContent.includes("已停用") === ` + fmt.Sprint(want))
		if got := userDisabled(); got != want {
			t.Errorf("after the button clerk09 is disabled: %v, want %v", got, want)
		}
	}

	tap(b, "#logout")
	staffWaitPage(b, `location.pathname === "/login" && document.body.dataset.view === "login"`)
	staffFill(b, "#username", "clerk09")
	staffFill(b, "#password", "first-pass-9")
	b.run(chromedp.KeyEvent("\r"))
	b.waitJS(`document.body.dataset.view === "change"`)
}

// TestBrowser_ManagerReports serves a visit, then reads today's figures on
// the Reports tab, with the links to the CSV and the backup.
func TestBrowser_ManagerReports(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startManagerHub(t)
	counterIssue(t, hub, "A", "")
	counterIssue(t, hub, "B", "")
	counterAct(t, hub, clerk1, "1", hallq.OpOpen)
	counterAct(t, hub, clerk1, "1", hallq.OpNext)
	counterAct(t, hub, clerk1, "1", hallq.OpStart)
	counterAct(t, hub, clerk1, "1", hallq.OpDone)

	openManager(t, b, hub, "reports")
	b.waitJS(`document.getElementById("report-figures").dataset.loaded !== undefined`)
	fig := func(k string) string {
		return staffText(b, `[data-figure="`+k+`"] .mfigure-value`)
	}
	if fig("tickets") != "2" || fig("served") != "1" || fig("noShow") != "0" {
		t.Errorf("figures: tickets %s, served %s, no-shows %s", fig("tickets"), fig("served"), fig("noShow"))
	}
	if got := staffText(b, `#report-services tr[data-service="A"] td`); got != "1" {
		t.Errorf("service A's tickets: %q", got)
	}
	var h struct{ Day string }
	getJSON(t, hub.URL+"/api/v1/hall", "", &h)
	if got, want := browserEval[string](b, `document.getElementById("report-csv").getAttribute("href")`), "/api/v1/reports/tickets.csv?from="+h.Day+"&to="+h.Day; got != want {
		t.Errorf("the CSV link is %q, want %q", got, want)
	}
	if got := browserEval[string](b, `document.getElementById("backup-link").getAttribute("href")`); got != "/api/v1/backup" {
		t.Errorf("the backup link is %q", got)
	}
	managerShots(t, b, "reports")
}

// TestBrowser_ManagerScreens shows every tab, for the screenshots, and
// checks that each fits 1366×768 and 1920×1080 in both languages.
func TestBrowser_ManagerScreens(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startManagerHub(t)
	openManager(t, b, hub, "hall")
	for _, tab := range managerTabs {
		if tab != "hall" {
			managerTab(b, tab)
		}
		// Open the first item of a list, as a manager would, or the form
		// of a new one when there is none.
		switch {
		case browserEval[bool](b, `document.querySelector("#panel-`+tab+` .mitem") !== null`):
			tap(b, "#panel-"+tab+" .mitem")
			b.waitJS(`document.querySelector("#panel-` + tab + ` form.mform") !== null`)
		case browserEval[bool](b, `document.querySelector("#panel-`+tab+` [data-create]") !== null`):
			tap(b, "#panel-"+tab+" [data-create]")
			b.waitJS(`document.querySelector("#panel-` + tab + ` form.mform") !== null`)
		}
		managerShots(t, b, tab)
		if tab == "devices" { // a kiosk names a printer, not a counter
			b.run(chromedp.Evaluate[chromedp.Void](`(() => { const k = document.querySelector('#panel-devices [data-field="kind"] select'); k.value = "kiosk"; k.dispatchEvent(new Event("change")); })()`))
			if !browserEval[bool](b, `document.querySelector('#panel-devices [data-field="counter"]').hidden && !document.querySelector('#panel-devices [data-field="printer"]').hidden`) {
				t.Error("a new kiosk's form asks for a counter, or not for a printer")
			}
			b.screenshot("devices-kiosk")
		}
	}
	b.setViewport(viewportManagerWide)
	managerTab(b, "hall")
	b.screenshot("hall-1920")
}

// TestBrowser_ManagerUploads adds a picture slide (multipart/form-data) and
// the hall's own recording of the chime (a zip), then goes back to the
// shipped voice.
func TestBrowser_ManagerUploads(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startManagerHub(t)
	dir := t.TempDir()

	// A picture.
	img := image.NewRGBA(image.Rect(0, 0, 160, 90))
	for i := range img.Pix {
		img.Pix[i] = byte(i % 251)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	pic := filepath.Join(dir, "welcome.png")
	if err := os.WriteFile(pic, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	openManager(t, b, hub, "slides")
	tap(b, `#panel-slides [data-create="newImage"]`)
	b.run(chromedp.SetUploadFiles(chromedp.CSS("#slide-image"), []string{pic}))
	staffFill(b, managerField("slides", "text.en", "input"), "Our new hall")
	staffFill(b, managerField("slides", "until", "input"), "2099-12-31")
	if got := managerSave(b, "slides"); got != "saved" {
		t.Fatalf("an image slide: %s %q", got, staffText(b, "#panel-slides .meditor"))
	}
	var slides []hallq.Slide
	getJSON(t, hub.URL+"/api/v1/slides", "", &slides)
	if len(slides) != 1 || slides[0].Kind != hallq.SlideImage || slides[0].Text.EN != "Our new hall" || slides[0].Until != "2099-12-31" {
		t.Fatalf("GET /api/v1/slides: %+v", slides)
	}
	b.waitJS(`document.querySelector("#panel-slides .mitem img.mthumb")?.complete && document.querySelector("#panel-slides .mitem img.mthumb").naturalWidth === 160`)
	managerShots(t, b, "image-slide")

	// The hall's own chime, zipped.
	chime, err := os.ReadFile("../../assets/static/voice/chime.ogg")
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("chime.ogg")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(chime); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	voice := filepath.Join(dir, "voice.zip")
	if err := os.WriteFile(voice, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	managerTab(b, "voice")
	b.run(chromedp.SetUploadFiles(chromedp.CSS("#voice-zip"), []string{voice}))
	tap(b, "#voice-upload")
	b.waitJS(`document.querySelector("#voice-custom li")?.textContent === "chime"`)
	var v struct{ Custom []string }
	getJSON(t, hub.URL+"/api/v1/voice", "", &v)
	if strings.Join(v.Custom, ",") != "chime" {
		t.Errorf("GET /api/v1/voice: custom %v", v.Custom)
	}
	managerShots(t, b, "voice-own")
	tap(b, "#voice-reset")
	b.waitJS(`document.querySelector("#voice-custom li") === null && !document.getElementById("voice-result").hidden`)
	getJSON(t, hub.URL+"/api/v1/voice", "", &v)
	if len(v.Custom) != 0 {
		t.Errorf("after going back: custom %v", v.Custom)
	}
}
