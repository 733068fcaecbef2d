package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hallq"
)

// TestBrowser_DailyReport: a manager's daily report shows the day's figures
// in both languages and prints on one A4 page.
func TestBrowser_DailyReport(t *testing.T) {
	b := newBrowser(t)
	hub := startCounterHub(t)
	counterIssue(t, hub, "A", "")
	counterIssue(t, hub, "B", "")
	counterAct(t, hub, clerk1, "1", hallq.OpOpen)
	counterAct(t, hub, clerk1, "1", hallq.OpNext)
	counterAct(t, hub, clerk1, "1", hallq.OpDone)

	staffSignIn(t, b, hub.URL, "admin", testAdminPassword)
	b.run(chromedp.Navigate(hub.URL + "/manager/report"))
	b.waitJS(`document.body.dataset.view === "report"`)
	figures := staffText(b, "#figures")
	for _, want := range []string{"取号 Tickets 2", "已办结 Served 1", "服务水平 Service level 100 %"} {
		if !strings.Contains(figures, want) {
			t.Errorf("figures %q lack %q", figures, want)
		}
	}
	if got := staffText(b, "#by-counter"); !strings.Contains(got, "1") {
		t.Errorf("by counter: %q", got)
	}
	b.screenshot("report")
	setMedia(b, "print")
	if pages, w, h := printedPages(b); pages != 1 || w < 209 || w > 211 || h < 296 || h > 298 {
		t.Errorf("printed %d pages of %.0f×%.0f mm, want one A4 page", pages, w, h)
	}

	// Staff may not see it: the hub's sentence says so.
	b2 := newBrowser(t)
	staffSignIn(t, b2, hub.URL, clerk1, clerk1Password)
	b2.run(chromedp.Navigate(hub.URL + "/manager/report"))
	b2.waitJS(`document.body.dataset.view === "error" && document.getElementById("error").textContent !== ""`)
}
