package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"hallq"
)

// TestBrowser_PhoneHallTime: the phone page shows a ticket's times in the
// hall's zone, whatever the zone of the phone.
func TestBrowser_PhoneHallTime(t *testing.T) {
	b := phoneBrowser(t, viewportPhone)
	b.run(chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
		return err
	}))
	hub := startInProcessHub(t, filepath.Join(t.TempDir(), "hallq.db"), "127.0.0.1:0")
	zone := "Asia/Shanghai"
	if _, err := hub.st.UpdateSettings(context.Background(), hallq.Actor{Name: "admin", Role: hallq.RoleManager},
		hallq.SettingsUpdate{TimeZone: &zone}); err != nil {
		t.Fatal(err)
	}
	tk := phoneIssue(t, hub, "", `{"service":"A","lang":"en"}`)
	issued, err := hub.st.FindTicketByToken(context.Background(), tk.Token)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation(zone)
	want := issued.IssuedAt.In(loc).Format("15:04")

	b.run(chromedp.Navigate(hub.URL + "/t/" + tk.Token))
	b.waitJS(`document.body.dataset.view === "waiting" && document.getElementById("w-issued").textContent.includes("` + want + `")`)
	if got := phoneText(b, "w-issued"); !strings.Contains(got, want) {
		t.Errorf("issued %q, want the hall's %s", got, want)
	}
}
