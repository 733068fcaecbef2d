package manager_test

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"hallq"
	"hallq/internal/hubtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// setup is the actor of test setup done directly on the store.
var setup = hallq.Actor{Name: "admin", Role: hallq.RoleManager}

// maintain moves the clock on by d and runs the store's upkeep, which
// raises the alerts then due.
func maintain(t *testing.T, h *hubtest.Hub, d time.Duration) {
	t.Helper()
	h.Clock.Add(d)
	if err := h.Store.Maintain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// dashboard is a manager's dashboard socket.
type dashboard struct {
	*hubtest.Socket
	last uint64 // the last sequence number read
}

// dial opens a dashboard and returns it with its snapshot.
func dial(t *testing.T, h *hubtest.Hub, opts ...hubtest.Request) (*dashboard, hubtest.Message) {
	t.Helper()
	d := &dashboard{Socket: h.Dial(t, "/ws/manager", opts...)}
	snap := d.Next(t)
	if snap.Type() != "snapshot" {
		t.Fatalf("first message: %v", snap)
	}
	d.last = snap.Seq()
	return d, snap
}

// next reads the next message and checks that sequence numbers strictly
// increase.
func (d *dashboard) next(t *testing.T) hubtest.Message {
	t.Helper()
	m := d.Next(t)
	if m.Seq() <= d.last {
		t.Fatalf("%s message with seq %d after %d", m.Type(), m.Seq(), d.last)
	}
	d.last = m.Seq()
	return m
}

// until reads messages up to and including the first for which done holds,
// and returns them all.
func (d *dashboard) until(t *testing.T, done func(m hubtest.Message) bool) []hubtest.Message {
	t.Helper()
	var out []hubtest.Message
	for {
		m := d.next(t)
		out = append(out, m)
		if done(m) {
			return out
		}
	}
}

// event returns the event an event message carries.
func event(m hubtest.Message) map[string]any {
	e, _ := m["event"].(map[string]any)
	return e
}

// issuedNumber reports whether m is the event of issuing ticket number.
func issuedNumber(number string) func(m hubtest.Message) bool {
	return func(m hubtest.Message) bool {
		e := event(m)
		tk, _ := e["ticket"].(map[string]any)
		return e["type"] == string(hallq.TicketIssued) && tk["number"] == number
	}
}

func TestSocket_Snapshot(t *testing.T) {
	h, admin := newHub(t)
	h.Issue(t, hallq.IssueRequest{Service: "A"})
	h.Issue(t, hallq.IssueRequest{Service: "B"})
	h.Act(t, hallq.OpOpen, "1", "clerk01")
	h.Act(t, hallq.OpNext, "1", "clerk01")

	_, snap := dial(t, h, admin)
	if snap.Seq() == 0 {
		t.Errorf("snapshot after four commits with seq 0")
	}
	var got struct {
		Hall struct {
			Name     hallq.Text
			Services []struct {
				ID      string
				Waiting int
			}
			Tiers []struct{ ID string }
		}
		Counters []struct {
			ID         string
			Services   []string
			AlsoServes []string `json:"also_serves"`
			State      string
			Staff      string
			Ticket     *struct{ Number string }
		}
		Queue []struct {
			ID      string
			Tickets []struct{ Number, Token string }
		}
		Calls []struct{ Number, Counter string }
	}
	b, _ := json.Marshal(snap)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Hall.Name.EN != "Service Hall" || len(got.Hall.Services) != 3 || len(got.Hall.Tiers) != 5 {
		t.Errorf("hall: %+v", got.Hall)
	}
	if len(got.Counters) != 4 {
		t.Fatalf("%d counters, want 4", len(got.Counters))
	}
	if c := got.Counters[0]; c.ID != "1" || c.State != "open" || c.Staff != "clerk01" || c.Ticket == nil ||
		c.Ticket.Number != "A001" || !slices.Equal(c.Services, []string{"A", "B", "C"}) || c.AlsoServes == nil {
		t.Errorf("counter 1 as managers see it: %+v", c)
	}
	if len(got.Queue) != 3 || got.Queue[1].ID != "B" || len(got.Queue[1].Tickets) != 1 ||
		got.Queue[1].Tickets[0].Number != "B001" || len(got.Queue[0].Tickets) != 0 {
		t.Errorf("queue: %+v", got.Queue)
	}
	if len(got.Calls) != 1 || got.Calls[0].Number != "A001" || got.Calls[0].Counter != "1" {
		t.Errorf("calls: %+v", got.Calls)
	}
}

// Every event reaches every dashboard as it happened, in commit order; the
// last message carries the queue figures.
func TestSocket_EveryEvent(t *testing.T) {
	h, admin := newHub(t)
	dashboards := make([]*dashboard, 2)
	for i := range dashboards {
		dashboards[i], _ = dial(t, h, admin)
	}
	h.Issue(t, hallq.IssueRequest{Service: "A"})
	h.Issue(t, hallq.IssueRequest{Service: "A"})
	h.Act(t, hallq.OpOpen, "2", "clerk02")
	h.Act(t, hallq.OpNext, "2", "clerk02")
	h.Act(t, hallq.OpStart, "2", "clerk02")
	h.Act(t, hallq.OpDone, "2", "clerk02")
	h.Act(t, hallq.OpPause, "2", "clerk02")
	closed := false
	if _, err := h.Store.UpdateService(context.Background(), setup, "C", hallq.ServiceUpdate{Open: &closed}); err != nil {
		t.Fatal(err)
	}
	want := []hallq.EventType{hallq.TicketIssued, hallq.TicketIssued, hallq.CounterOpened, hallq.TicketCalled,
		hallq.TicketStarted, hallq.TicketDone, hallq.CounterPaused, hallq.ServiceUpdated}

	for i, d := range dashboards {
		msgs := d.until(t, func(m hubtest.Message) bool { return event(m)["type"] == string(hallq.ServiceUpdated) })
		var types []hallq.EventType
		for _, m := range msgs {
			e := event(m)
			if m.Type() != "event" || e == nil || uint64(e["seq"].(float64)) != m.Seq() {
				t.Fatalf("dashboard %d: %v is not an event message with the event's seq", i, m)
			}
			types = append(types, hallq.EventType(e["type"].(string)))
		}
		if !slices.Equal(types, want) {
			t.Errorf("dashboard %d: events %v, want %v", i, types, want)
		}
		called := event(msgs[3])
		if called["staff"] != "clerk02" || called["call"].(map[string]any)["number"] != "A001" ||
			called["counter"].(map[string]any)["ticket"].(map[string]any)["number"] != "A001" {
			t.Errorf("dashboard %d: the call event: %v", i, called)
		}
		last := msgs[len(msgs)-1]
		if got := waitingOf(t, last["services"], "A"); got != 1 {
			t.Errorf("dashboard %d: the last message's figures: %d waiting for A, want 1", i, got)
		}
		hall, _ := last["hall"].(map[string]any)
		if hall == nil || waitingOf(t, hall["services"], "A") != 1 {
			t.Errorf("dashboard %d: no hall after a change of configuration: %v", i, last)
		}
	}
}

// waitingOf returns how many wait for service in a list of services.
func waitingOf(t *testing.T, services any, service string) int {
	t.Helper()
	list, _ := services.([]any)
	for _, s := range list {
		if s := s.(map[string]any); s["id"] == service {
			return int(s["waiting"].(float64))
		}
	}
	t.Fatalf("no service %s in %v", service, services)
	return 0
}

// alertMsg is an alert message as a dashboard reads it.
type alertMsg struct {
	ID          uint64
	Kind        string
	Level       int
	State       string
	RaisedAt    string `json:"raised_at"`
	EscalatesAt string `json:"escalates_at"`
	WaitedS     int    `json:"waited_s"`
	TargetS     int    `json:"target_s"`
	Ticket      string
	Service     string
	Counter     string
	Device      uint64
	Problem     string
	Message     hallq.Text
	ResolvedBy  string `json:"resolved_by"`
	Notes       []struct{ At, By, Text string }
}

// alertsIn returns the alerts among msgs, and fails the test if an alert
// also arrives as a plain event.
func alertsIn(t *testing.T, msgs []hubtest.Message) []alertMsg {
	t.Helper()
	var out []alertMsg
	for _, m := range msgs {
		if typ, _ := event(m)["type"].(string); hallq.EventType(typ).IsAlert() {
			t.Fatalf("an alert as a plain event: %v", m)
		}
		if m.Type() != "alert" {
			continue
		}
		var a alertMsg
		b, _ := json.Marshal(m["alert"])
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// Waits past their service's target, VIP waits past their tier's target and
// long pauses each raise one alert, with a sentence in both languages.
func TestSocket_Alerts(t *testing.T) {
	h, admin := newHub(t)
	const card = "6222021234567890"
	if _, err := h.Store.CreateCard(context.Background(), setup, hallq.Card{Number: card, Tier: "gold", Holder: "Zhang San"}); err != nil {
		t.Fatal(err)
	}
	d, _ := dial(t, h, admin)
	regular := h.Issue(t, hallq.IssueRequest{Service: "A"})
	vip := h.Issue(t, hallq.IssueRequest{Service: "B", Card: card})
	h.Act(t, hallq.OpOpen, "2", "clerk02")
	h.Act(t, hallq.OpPause, "2", "clerk02")

	maintain(t, h, 16*time.Minute)
	at := h.Clock.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
	h.Issue(t, hallq.IssueRequest{Service: "C"})
	alerts := alertsIn(t, d.until(t, issuedNumber("C001")))
	if len(alerts) != 3 {
		t.Fatalf("%d alerts, want 3: %+v", len(alerts), alerts)
	}
	slices.SortFunc(alerts, func(a, b alertMsg) int { return cmp.Compare(a.Kind, b.Kind) })
	pause, vipWait, wait := alerts[0], alerts[1], alerts[2]

	escalates := regular.IssuedAt.Add(900 * 1500 * time.Millisecond).UTC().Format("2006-01-02T15:04:05.000Z07:00")
	if wait.Kind != hallq.AlertWait || wait.Level != 1 || wait.State != "open" || wait.WaitedS != 960 || wait.TargetS != 900 ||
		wait.RaisedAt != at || wait.EscalatesAt != escalates || wait.Ticket != "A001" || wait.Service != "A" || wait.Counter != "" {
		t.Errorf("wait alert: %+v (escalates at %s)", wait, escalates)
	}
	wantMessage(t, wait.Message,
		"Ticket A001 has waited 16 min, past the 15 min target for Personal.",
		"A001 号已等候 16 分钟，超过个人业务 15 分钟的目标。")

	if vipWait.Kind != hallq.AlertVIPWait || vipWait.Level != 1 || vipWait.WaitedS != 960 || vipWait.TargetS != 900 ||
		vipWait.Ticket != vip.Number || vipWait.Service != "B" {
		t.Errorf("VIP wait alert: %+v", vipWait)
	}
	wantMessage(t, vipWait.Message,
		"Gold ticket B001 has waited 16 min since it was issued, past the 15 min target for Gold customers.",
		"金卡客户 B001 号自取号起已等候 16 分钟，超过金卡 15 分钟的目标。")

	if pause.Kind != hallq.AlertPause || pause.Level != 1 || pause.WaitedS != 960 || pause.TargetS != 900 || pause.Ticket != "" ||
		pause.Counter != "2" {
		t.Errorf("pause alert: %+v", pause)
	}
	wantMessage(t, pause.Message,
		"Counter 2 (clerk02) has been paused for 16 min, past the hall's 15 min limit.",
		"2号窗口（clerk02）已暂停 16 分钟，超过大厅 15 分钟的上限。")

	// Ten minutes on, nothing is raised twice; B001 now waits past its
	// service's own target, 20 minutes; the three others are past 1.5 ×
	// their targets (22 min 30 s): red, level 2.
	maintain(t, h, 10*time.Minute)
	h.Issue(t, hallq.IssueRequest{Service: "C"})
	alerts = alertsIn(t, d.until(t, issuedNumber("C002")))
	var raised []alertMsg
	levels := map[uint64]int{}
	for _, a := range alerts {
		if a.State == "open" && a.Level == 1 {
			raised = append(raised, a)
		} else {
			levels[a.ID] = a.Level
		}
	}
	if len(raised) != 1 || raised[0].Kind != hallq.AlertWait || raised[0].Ticket != "B001" {
		t.Fatalf("alerts raised ten minutes on: %+v, want B001's wait only", raised)
	}
	wantMessage(t, raised[0].Message,
		"Ticket B001 has waited 26 min, past the 20 min target for Business.",
		"B001 号已等候 26 分钟，超过对公业务 20 分钟的目标。")
	if want := map[uint64]int{wait.ID: 2, vipWait.ID: 2, pause.ID: 2}; !maps.Equal(levels, want) {
		t.Errorf("levels %v, want %v", levels, want)
	}

	// Calling A001 and reopening counter 2 end the causes: those alerts
	// resolve by themselves; the others stay.
	h.Act(t, hallq.OpOpen, "1", "clerk01")
	h.Act(t, hallq.OpNext, "1", "clerk01") // B001 has the VIP head start: it goes first
	h.Act(t, hallq.OpOpen, "2", "clerk02")
	h.Issue(t, hallq.IssueRequest{Service: "C"})
	resolved := map[uint64]bool{}
	for _, a := range alertsIn(t, d.until(t, issuedNumber("C003"))) {
		if a.State == "resolved" {
			resolved[a.ID] = true
		}
	}
	if want := map[uint64]bool{vipWait.ID: true, raised[0].ID: true, pause.ID: true}; !maps.Equal(resolved, want) {
		t.Errorf("resolved %v, want B001's two and counter 2's (%d, %d, %d)", resolved, vipWait.ID, raised[0].ID, pause.ID)
	}
	open, err := h.Store.FindAlerts(context.Background(), hallq.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].ID != wait.ID || open[0].Level != 2 {
		t.Errorf("open alerts %+v, want A001's wait, red", open)
	}
	_ = regular
}

// A kiosk's printer alerts say which kiosk, what is wrong and what to do,
// in both languages.
func TestSocket_PrinterAlerts(t *testing.T) {
	h, admin := newHub(t)
	d, _ := dial(t, h, admin)
	for _, tt := range []struct {
		name, problem, en, zh string
	}{
		{"Entrance", hallq.PrinterPaperOut, "The printer of kiosk Entrance is out of paper; load a new roll.", "Entrance取号机的打印机缺纸，请更换纸卷。"},
		{"入口", hallq.PrinterPaperLow, "The printer of kiosk 入口 is running out of paper; have a new roll ready.", "入口取号机的打印机纸将用完，请准备新纸卷。"},
		{"入口", hallq.PrinterCoverOpen, "The printer of kiosk 入口 has its cover open; close it.", "入口取号机的打印机纸仓盖未合上，请合上。"},
		{"", hallq.PrinterOffline, "The printer of kiosk 7 does not answer; check its power and network cable.", "7取号机的打印机无响应，请检查电源和网线。"},
		{"入口", hallq.PrinterOK, "The printer of kiosk 入口 works again.", "入口取号机的打印机恢复正常。"},
	} {
		t.Run(tt.problem, func(t *testing.T) {
			a := hallq.Alert{Kind: hallq.AlertPrinter, Device: 7, Name: tt.name, Problem: tt.problem}
			if err := h.Store.RaiseAlert(context.Background(), a); err != nil {
				t.Fatal(err)
			}
			alerts := alertsIn(t, d.until(t, func(m hubtest.Message) bool { return m.Type() == "alert" }))
			if len(alerts) != 1 || alerts[0].Kind != hallq.AlertPrinter || alerts[0].Problem != tt.problem || alerts[0].Device != 7 {
				t.Fatalf("alerts %+v, want one printer alert", alerts)
			}
			wantMessage(t, alerts[0].Message, tt.en, tt.zh)
		})
	}
}

// A printer's problems are one alert while it lasts: raised, changed as the
// problem changes, climbing by the hall's response limits (not while the
// paper only runs low), resolved when it works again.
func TestSocket_PrinterAlertClimbs(t *testing.T) {
	h, admin := newHub(t)
	d, _ := dial(t, h, admin)
	raise := func(problem string) alertMsg {
		t.Helper()
		a := hallq.Alert{Kind: hallq.AlertPrinter, Device: 3, Name: "Entrance", Printer: "10.0.0.9:9100", Problem: problem}
		if err := h.Store.RaiseAlert(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		alerts := alertsIn(t, d.until(t, func(m hubtest.Message) bool { return m.Type() == "alert" }))
		if len(alerts) != 1 {
			t.Fatalf("alerts %+v, want one", alerts)
		}
		return alerts[0]
	}
	low := raise(hallq.PrinterPaperLow)
	if low.Level != 1 || low.EscalatesAt != "" {
		t.Fatalf("paper low: %+v, want level 1 that does not climb", low)
	}
	maintain(t, h, time.Hour)
	out := raise(hallq.PrinterPaperOut)
	respond := h.Clock.Now().Add(15 * time.Minute).UTC().Format("2006-01-02T15:04:05.000Z07:00")
	if out.ID != low.ID || out.Problem != hallq.PrinterPaperOut || out.EscalatesAt != respond {
		t.Fatalf("out of paper: %+v, want alert %d changed, climbing at %s", out, low.ID, respond)
	}
	printers := func(alerts []alertMsg) []alertMsg {
		return slices.DeleteFunc(alerts, func(a alertMsg) bool { return a.Kind != hallq.AlertPrinter })
	}
	maintain(t, h, 15*time.Minute)
	h.Issue(t, hallq.IssueRequest{Service: "C"})
	climbed := printers(alertsIn(t, d.until(t, issuedNumber("C001"))))
	if len(climbed) != 1 || climbed[0].Level != 2 || climbed[0].ID != low.ID {
		t.Fatalf("after the time to respond: %+v, want level 2", climbed)
	}
	maintain(t, h, 45*time.Minute)
	h.Issue(t, hallq.IssueRequest{Service: "C"})
	climbed = printers(alertsIn(t, d.until(t, issuedNumber("C002"))))
	if len(climbed) != 1 || climbed[0].Level != 3 || climbed[0].EscalatesAt != "" {
		t.Fatalf("an hour after it was raised: %+v, want level 3, the last", climbed)
	}
	ok := raise(hallq.PrinterOK)
	if ok.ID != low.ID || ok.State != "resolved" || ok.Level != 3 {
		t.Fatalf("working again: %+v, want alert %d resolved", ok, low.ID)
	}
}

func wantMessage(t *testing.T, got hallq.Text, en, zh string) {
	t.Helper()
	if got.EN != en || got.ZH != zh {
		t.Errorf("message:\n got %q / %q\nwant %q / %q", got.EN, got.ZH, en, zh)
	}
}

func TestSocket_Refused(t *testing.T) {
	h, admin := newHub(t)
	staff := hubtest.Bearer(h.Staff(t, "clerk01"))
	tests := []struct {
		name   string
		opts   []hubtest.Request
		status int
		code   string
	}{
		{"NoLogin", nil, http.StatusUnauthorized, "unauthorized"},
		{"Staff", []hubtest.Request{staff}, http.StatusForbidden, "forbidden"},
		{"OtherOrigin", []hubtest.Request{admin, hubtest.Header("Origin", "http://evil.test")}, http.StatusForbidden, "forbidden"},
		{"NullOrigin", []hubtest.Request{admin, hubtest.Header("Origin", "null")}, http.StatusForbidden, "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, res, err := h.DialRaw("/ws/manager", tt.opts...)
			if err == nil {
				s.Conn.Close()
				t.Fatal("the handshake succeeded")
			}
			if res == nil {
				t.Fatalf("no reply: %v", err)
			}
			defer res.Body.Close()
			var body struct {
				Error struct{ Code, Message string }
			}
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != tt.status ||
				body.Error.Code != tt.code || body.Error.Message == "" {
				t.Errorf("status %d, error %+v (%v); want %d %s", res.StatusCode, body.Error, err, tt.status, tt.code)
			}
		})
	}
}

// When the handler's loop ends, every dashboard gets a close frame saying
// the hub is going away, and new ones are turned away the same way.
func TestSocket_ClosedWhenTheHubStops(t *testing.T) {
	h, m := startHub(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Run(ctx)
	}()
	admin := hubtest.Bearer(h.Manager(t))
	d, _ := dial(t, h, admin)
	cancel()
	<-done
	if _, _, err := d.Conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("after the hub stopped: %v, want a close frame 1001", err)
	}
	late := h.Dial(t, "/ws/manager", admin)
	if _, _, err := late.Conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("a dashboard after the hub stopped: %v, want a close frame 1001", err)
	}
}
