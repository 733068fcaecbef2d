package manager

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"hallq"
	"hallq/web"
)

// topic is the hub topic every manager's dashboard joins: they all see the
// same things.
const topic = "manager"

// snapshot is the first message on a dashboard's socket: the whole hall as
// of seq.
type snapshot struct {
	Type     string               `json:"type"`
	Seq      uint64               `json:"seq"`
	Hall     hallq.HallView       `json:"hall"`
	Counters []*hallq.Counter     `json:"counters"`
	Queue    []hallq.ServiceQueue `json:"queue"`
	Calls    []hallq.Call         `json:"calls"` // newest first
}

// message is one event as it happened, or one alert. The last message of
// every batch carries the services' queue figures as they are after it, and,
// when the batch changed the hall's configuration or started a new day, the
// whole hall as well.
type message struct {
	Type     string           `json:"type"` // "event" or "alert"
	Seq      uint64           `json:"seq"`
	Event    *hallq.Event     `json:"event,omitempty"`
	Alert    *alert           `json:"alert,omitempty"`
	Services []*hallq.Service `json:"services,omitempty"`
	Hall     *hallq.HallView  `json:"hall,omitempty"`
}

// alert is an AlertRaised event told to a manager: what ran over, by how
// much, and a sentence to act on in each language.
type alert struct {
	Kind    string        `json:"kind"`
	WaitedS int           `json:"waited_s"`
	TargetS int           `json:"target_s"`
	At      string        `json:"at"`
	Ticket  *alertTicket  `json:"ticket,omitempty"`
	Counter *alertCounter `json:"counter,omitempty"`
	Message hallq.Text    `json:"message"`
}

// alertTicket is the ticket an alert is about.
type alertTicket struct {
	ID      uint64 `json:"id"`
	Number  string `json:"number"`
	Service string `json:"service"`
	Tier    string `json:"tier"`
}

// alertCounter is the counter an alert is about.
type alertCounter struct {
	ID    string             `json:"id"`
	Name  hallq.Text         `json:"name"`
	State hallq.CounterState `json:"state"`
}

// handleSocket serves /ws/manager: a snapshot of the hall, then every event
// and every alert.
func (h *Handler) handleSocket(w http.ResponseWriter, r *http.Request) {
	h.hub.Serve(w, r, web.Join{Topic: topic, Snapshot: h.snapshot, Recheck: h.Auth.Recheck(r)})
}

// snapshot returns the whole hall as of the last commit.
func (h *Handler) snapshot() (uint64, any, error) {
	var snap snapshot
	h.Feed.ReadFloor(func(f *hallq.Floor, seq uint64, now time.Time) {
		snap = snapshot{Type: "snapshot", Seq: seq, Hall: f.Hall(now), Counters: f.Counters(), Queue: f.Queue(), Calls: f.Calls()}
	})
	return snap.Seq, snap, nil
}

// Sockets returns how many websockets the handler serves now.
func (h *Handler) Sockets() int { return h.hub.Len() }

// Run keeps every dashboard up to date until ctx ends, then closes their
// sockets.
func (h *Handler) Run(ctx context.Context) {
	h.hub.Follow(ctx, h.Feed, h.publish)
}

// publish sends each event of a batch to the dashboards as one message, an
// alert for AlertRaised and the event itself for the others, with the
// batch's figures on the last.
func (h *Handler) publish(batch []hallq.Event) {
	if len(batch) == 0 {
		return
	}
	var hall hallq.HallView
	h.Feed.ReadFloor(func(f *hallq.Floor, _ uint64, now time.Time) { hall = f.Hall(now) })
	names := namesOf(hall)
	msgs := make([]message, len(batch))
	configured := false
	for i := range batch {
		e := &batch[i]
		configured = configured || e.Type.Configures()
		if e.Type == hallq.AlertRaised && e.Alert != nil {
			msgs[i] = message{Type: "alert", Seq: e.Seq, Alert: names.alert(e)}
		} else {
			msgs[i] = message{Type: "event", Seq: e.Seq, Event: e}
		}
	}
	last := &msgs[len(msgs)-1]
	last.Services = hall.Services
	if configured {
		last.Hall = &hall
	}
	for _, m := range msgs {
		if err := h.hub.Publish(topic, m.Seq, m); err != nil {
			slog.Error("manager: a dashboard message could not be encoded", "seq", m.Seq, "type", m.Type, "err", err)
		}
	}
}

// names are the services' and tiers' names, for the alerts' sentences.
type names struct {
	services map[string]hallq.Text
	tiers    map[string]hallq.Text
}

func namesOf(hall hallq.HallView) names {
	n := names{services: map[string]hallq.Text{}, tiers: map[string]hallq.Text{}}
	for _, s := range hall.Services {
		n.services[s.ID] = s.Name
	}
	for _, t := range hall.Tiers {
		n.tiers[t.ID] = t.Name
	}
	return n
}

// name returns the name under id in both languages, or id itself when
// there is none.
func name(m map[string]hallq.Text, id string) hallq.Text {
	if t, ok := m[id]; ok {
		return hallq.Text{EN: t.In("en"), ZH: t.In("zh")}
	}
	return hallq.Text{EN: id, ZH: id}
}

// alert turns an AlertRaised event into the dashboards' alert.
func (n names) alert(e *hallq.Event) *alert {
	a := &alert{Kind: e.Alert.Kind, WaitedS: e.Alert.WaitedS, TargetS: e.Alert.TargetS, At: formatTime(e.At)}
	if t := e.Ticket; t != nil {
		a.Ticket = &alertTicket{ID: t.ID, Number: t.Number, Service: t.Service, Tier: t.Tier}
	}
	if c := e.Counter; c != nil {
		a.Counter = &alertCounter{ID: c.ID, Name: c.Name, State: c.State}
	}
	a.Message = n.message(e)
	return a
}

// message says what an alert is about, in English and in Chinese.
func (n names) message(e *hallq.Event) hallq.Text {
	waited, target := span(e.Alert.WaitedS), span(e.Alert.TargetS)
	switch t, c := e.Ticket, e.Counter; {
	case e.Alert.Kind == hallq.AlertPrinter:
		return printerMessage(e.Alert)
	case e.Alert.Kind == hallq.AlertWait && t != nil:
		s := name(n.services, t.Service)
		return hallq.Text{
			EN: fmt.Sprintf("Ticket %s has waited %s, past the %s target for %s.", t.Number, waited.EN, target.EN, s.EN),
			ZH: fmt.Sprintf("%s 号已等候 %s，超过%s %s的目标。", t.Number, waited.ZH, s.ZH, target.ZH),
		}
	case e.Alert.Kind == hallq.AlertVIPWait && t != nil:
		tier := name(n.tiers, t.Tier)
		return hallq.Text{
			EN: fmt.Sprintf("%s ticket %s has waited %s since it was issued, past the %s target for %s customers.",
				tier.EN, t.Number, waited.EN, target.EN, tier.EN),
			ZH: fmt.Sprintf("%s客户 %s 号自取号起已等候 %s，超过%s %s的目标。", tier.ZH, t.Number, waited.ZH, tier.ZH, target.ZH),
		}
	case e.Alert.Kind == hallq.AlertPause && c != nil:
		who := hallq.Text{EN: c.Name.In("en"), ZH: c.Name.In("zh")}
		if c.Staff != "" {
			who.EN += " (" + c.Staff + ")"
			who.ZH += "（" + c.Staff + "）"
		}
		return hallq.Text{
			EN: fmt.Sprintf("%s has been paused for %s, past the hall's %s limit.", who.EN, waited.EN, target.EN),
			ZH: fmt.Sprintf("%s已暂停 %s，超过大厅 %s的上限。", who.ZH, waited.ZH, target.ZH),
		}
	}
	return hallq.Text{
		EN: fmt.Sprintf("An alert (%s): %s, past the %s target.", e.Alert.Kind, waited.EN, target.EN),
		ZH: fmt.Sprintf("警报（%s）：%s，超过 %s的目标。", e.Alert.Kind, waited.ZH, target.ZH),
	}
}

// printerMessage says what happened to a kiosk's printer, and what to do.
func printerMessage(a *hallq.Alert) hallq.Text {
	kiosk := a.Name
	if kiosk == "" {
		kiosk = fmt.Sprintf("%d", a.Device)
	}
	var what hallq.Text
	switch a.Problem {
	case hallq.PrinterPaperOut:
		what = hallq.Text{EN: "is out of paper; load a new roll", ZH: "缺纸，请更换纸卷"}
	case hallq.PrinterPaperLow:
		what = hallq.Text{EN: "is running out of paper; have a new roll ready", ZH: "纸将用完，请准备新纸卷"}
	case hallq.PrinterCoverOpen:
		what = hallq.Text{EN: "has its cover open; close it", ZH: "纸仓盖未合上，请合上"}
	case hallq.PrinterOffline:
		what = hallq.Text{EN: "does not answer; check its power and network cable", ZH: "无响应，请检查电源和网线"}
	case hallq.PrinterOK:
		what = hallq.Text{EN: "works again", ZH: "恢复正常"}
	default:
		what = hallq.Text{EN: "reports " + a.Problem, ZH: "报告" + a.Problem}
	}
	return hallq.Text{
		EN: fmt.Sprintf("The printer of kiosk %s %s.", kiosk, what.EN),
		ZH: fmt.Sprintf("%s取号机的打印机%s。", kiosk, what.ZH),
	}
}

// span writes a number of seconds as people say it: "45 s", "15 min",
// "15 min 10 s", "1 h 5 min".
func span(s int) hallq.Text {
	h, m, sec := s/3600, s%3600/60, s%60
	switch {
	case s < 60:
		return hallq.Text{EN: fmt.Sprintf("%d s", s), ZH: fmt.Sprintf("%d 秒", s)}
	case h == 0 && sec == 0:
		return hallq.Text{EN: fmt.Sprintf("%d min", m), ZH: fmt.Sprintf("%d 分钟", m)}
	case h == 0:
		return hallq.Text{EN: fmt.Sprintf("%d min %d s", m, sec), ZH: fmt.Sprintf("%d 分 %d 秒", m, sec)}
	case m == 0:
		return hallq.Text{EN: fmt.Sprintf("%d h", h), ZH: fmt.Sprintf("%d 小时", h)}
	}
	return hallq.Text{EN: fmt.Sprintf("%d h %d min", h, m), ZH: fmt.Sprintf("%d 小时 %d 分钟", h, m)}
}
