package counter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"hallq"
	"hallq/internal/hubtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// admin is the actor of test setup done directly on the store.
var admin = hallq.Actor{Name: "admin", Role: hallq.RoleManager}

// reader reads one websocket's messages, checks that their sequence
// numbers strictly increase, and keeps every byte it read.
type reader struct {
	t    *testing.T
	s    *hubtest.Socket
	read bool   // a message has been read
	last uint64 // the sequence number of the last message
	raw  bytes.Buffer
}

// dial opens a websocket to path and reads its snapshot.
func dial(t *testing.T, h *hubtest.Hub, path string, opts ...hubtest.Request) (*reader, hubtest.Message) {
	t.Helper()
	r := &reader{t: t, s: h.Dial(t, path, opts...)}
	snap := r.next()
	if snap.Type() != "snapshot" {
		t.Fatalf("%s: first message %v, want a snapshot", path, snap)
	}
	return r, snap
}

// next reads the next message. It fails the test if none comes within ten
// seconds: a bound for a broken hub, not a pace.
func (r *reader) next() hubtest.Message {
	r.t.Helper()
	r.s.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := r.s.Conn.ReadMessage()
	if err != nil {
		r.t.Fatalf("reading a websocket message: %v", err)
	}
	r.raw.Write(b)
	var m hubtest.Message
	if err := json.Unmarshal(b, &m); err != nil {
		r.t.Fatalf("decoding %s: %v", b, err)
	}
	if r.read && m.Seq() <= r.last {
		r.t.Fatalf("%s message with seq %d after %d", m.Type(), m.Seq(), r.last)
	}
	r.read, r.last = true, m.Seq()
	return m
}

// until reads messages until one for which ok holds, and returns it; every
// message before it goes to skipped, if not nil.
func (r *reader) until(ok func(m hubtest.Message) bool, skipped func(m hubtest.Message)) hubtest.Message {
	r.t.Helper()
	for {
		m := r.next()
		if ok(m) {
			return m
		}
		if skipped != nil {
			skipped(m)
		}
	}
}

// closed reads until the socket ends and returns its close code.
func (r *reader) closed() int {
	r.t.Helper()
	for {
		r.s.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, _, err := r.s.Conn.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		if err != nil {
			r.t.Fatalf("reading until the close: %v, want a close frame", err)
		}
	}
}

// counterOf returns a message's counter.
func counterOf(m hubtest.Message) map[string]any {
	c, _ := m["counter"].(map[string]any)
	return c
}

// isCounter returns a test of a counter message about counter id in state
// state with ticket number ("" for none).
func isCounter(id, state, number string) func(hubtest.Message) bool {
	return func(m hubtest.Message) bool {
		c := counterOf(m)
		if m.Type() != "counter" || c["id"] != id || c["state"] != state {
			return false
		}
		tk, _ := c["ticket"].(map[string]any)
		if number == "" {
			return tk == nil
		}
		return tk != nil && tk["number"] == number
	}
}

// waiting returns the numbers of a message's queue, by service; nil when it
// has no queue.
func waiting(m hubtest.Message) map[string][]string {
	list, ok := m["queue"].([]any)
	if !ok {
		return nil
	}
	out := map[string][]string{}
	for _, q := range list {
		q := q.(map[string]any)
		id := q["id"].(string)
		out[id] = []string{}
		for _, tk := range q["tickets"].([]any) {
			out[id] = append(out[id], tk.(map[string]any)["number"].(string))
		}
	}
	return out
}

// hasQueue returns a test of a message whose queue has these waiting
// numbers for service.
func hasQueue(service string, numbers ...string) func(hubtest.Message) bool {
	return func(m hubtest.Message) bool {
		q := waiting(m)
		if q == nil || len(q[service]) != len(numbers) {
			return false
		}
		for i, n := range numbers {
			if q[service][i] != n {
				return false
			}
		}
		return true
	}
}

func TestCounterSocket_Snapshot(t *testing.T) {
	h := newHub(t)
	clerk2, clerk := h.Staff(t, "clerk02"), h.Staff(t, "clerk01")
	a1, a2 := issue(t, h, "A"), issue(t, h, "A")
	issue(t, h, "B")
	open(t, h, clerk2, "2")
	clerk3 := h.Staff(t, "clerk03")
	open(t, h, clerk3, "3")
	act(t, h, clerk3, "3", "pause", nil).Want(t, http.StatusOK) // paused: A001 waits for it
	next(t, h, clerk2, "2")
	actTicket(t, h, clerk2, "2", "transfer", map[string]string{"counter": "3"}) // A001 waits for counter 3 only
	called := next(t, h, clerk2, "2")                                           // A002

	_, snap := dial(t, h, "/ws/counters/1", hubtest.Bearer(clerk))
	if c := counterOf(snap); c["id"] != "1" || c["state"] != "closed" || c["services"] == nil {
		t.Errorf("counter 1's snapshot has counter %v", c)
	}
	if got, want := len(snap["services"].([]any)), 3; got != want {
		t.Errorf("%d services in the snapshot, want %d", got, want)
	}
	if got := waiting(snap); len(got) != 3 || len(got["A"]) != 0 || len(got["B"]) != 1 || len(got["C"]) != 0 {
		t.Errorf("counter 1's queue %v, want B001 only: A001 waits for counter 3", got)
	}

	_, snap = dial(t, h, "/ws/counters/3", hubtest.Bearer(clerk))
	if got := waiting(snap); len(got["A"]) != 1 || got["A"][0] != a1.Number {
		t.Errorf("counter 3's queue %v, want %s waiting for A", got, a1.Number)
	}
	if tk := snap["queue"].([]any)[0].(map[string]any)["tickets"].([]any)[0].(map[string]any); tk["token"] != a1.Token {
		t.Errorf("staff see the queue's tokens; got ticket %v", tk)
	}

	_, snap = dial(t, h, "/ws/counters/2", hubtest.Bearer(clerk))
	c := counterOf(snap)
	tk, _ := c["ticket"].(map[string]any)
	if c["staff"] != "clerk02" || tk == nil || tk["number"] != a2.Number || tk["token"] != a2.Token || uint64(tk["id"].(float64)) != called.ID {
		t.Errorf("counter 2's snapshot has counter %v, want %s called with its token", c, a2.Number)
	}
}

func TestCounterSocket_Changes(t *testing.T) {
	h := newHub(t)
	clerk1, clerk2 := h.Staff(t, "clerk01"), h.Staff(t, "clerk02")
	s1, _ := dial(t, h, "/ws/counters/1", hubtest.Bearer(clerk1))
	s2, _ := dial(t, h, "/ws/counters/2", hubtest.Bearer(clerk2))

	a1 := issue(t, h, "A")
	for _, s := range []*reader{s1, s2} {
		s.until(hasQueue("A", a1.Number), nil)
	}

	open(t, h, clerk1, "1")
	if c := counterOf(s1.until(isCounter("1", "open", ""), nil)); c["staff"] != "clerk01" {
		t.Errorf("counter message %v, want counter 1 open by clerk01", c)
	}
	next(t, h, clerk1, "1")
	actCounter(t, h, clerk1, "1", "pause", nil)
	called, queue := false, map[string][]string(nil)
	seen := func(m hubtest.Message) {
		called = called || isCounter("1", "open", a1.Number)(m)
		if q := waiting(m); q != nil {
			queue = q
		}
	}
	seen(s1.until(isCounter("1", "paused", a1.Number), seen))
	if !called {
		t.Errorf("counter 1's socket got no counter message for the call of %s", a1.Number)
	}
	if queue == nil || len(queue["A"]) != 0 {
		t.Errorf("counter 1's queue is %v after the call, want A empty", queue)
	}

	// Counter 2's terminals get the queue, never counter 1.
	b1 := issue(t, h, "B")
	open(t, h, clerk2, "2")
	queues := 0
	s2.until(isCounter("2", "open", ""), func(m hubtest.Message) {
		switch m.Type() {
		case "queue":
			queues++
		default:
			t.Errorf("counter 2's socket got %v", m)
		}
	})
	if queues == 0 {
		t.Error("counter 2's socket got no queue message while counter 1 called and B was issued")
	}
	if got := s1.until(hasQueue("B", b1.Number), nil); got.Type() != "queue" {
		t.Errorf("counter 1 got %v for an issue, want a queue message", got)
	}
}

func TestCounterSocket_NewSnapshotAfterConfiguration(t *testing.T) {
	h := newHub(t)
	s, _ := dial(t, h, "/ws/counters/1", hubtest.Bearer(h.Staff(t, "clerk01")))
	name := hallq.Text{EN: "Window one", ZH: "一号窗口"}
	if _, err := h.Store.UpdateCounter(context.Background(), admin, "1", hallq.CounterUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	snap := s.until(func(m hubtest.Message) bool { return m.Type() == "snapshot" }, nil)
	if c := counterOf(snap); c["name"].(map[string]any)["en"] != "Window one" || waiting(snap) == nil {
		t.Errorf("snapshot after a change of configuration: %v", snap)
	}
}

func TestCounterSocket_DeletedCounter(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	s, _ := dial(t, h, "/ws/counters/3", hubtest.Bearer(clerk))
	if err := h.Store.DeleteCounter(context.Background(), admin, "3"); err != nil {
		t.Fatal(err)
	}
	if got := s.closed(); got != websocket.CloseTryAgainLater {
		t.Errorf("close code %d after the counter was deleted, want %d (reconnect)", got, websocket.CloseTryAgainLater)
	}
	_, res, err := h.DialRaw("/ws/counters/3", hubtest.Bearer(clerk))
	if err == nil || res == nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("reconnecting to a deleted counter: %v, want 404", err)
	}
}

func TestCounterSocket_Refused(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	for _, tt := range []struct {
		name, path string
		opts       []hubtest.Request
		want       int
	}{
		{"NoLogin", "/ws/counters/1", nil, http.StatusUnauthorized},
		{"BadToken", "/ws/counters/1", []hubtest.Request{hubtest.Bearer("nonsense")}, http.StatusUnauthorized},
		{"UnknownCounter", "/ws/counters/9", []hubtest.Request{hubtest.Bearer(clerk)}, http.StatusNotFound},
		{"OtherOrigin", "/ws/counters/1", []hubtest.Request{hubtest.Bearer(clerk), hubtest.Header("Origin", "http://evil.example")}, http.StatusForbidden},
		{"NullOrigin", "/ws/counters/1", []hubtest.Request{hubtest.Bearer(clerk), hubtest.Header("Origin", "null")}, http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, res, err := h.DialRaw(tt.path, tt.opts...)
			if err == nil || res == nil || res.StatusCode != tt.want {
				t.Fatalf("dialing: %v, want %d", err, tt.want)
			}
		})
	}
	t.Run("Manager", func(t *testing.T) {
		dial(t, h, "/ws/counters/1", hubtest.Bearer(h.Manager(t)))
	})
}

func TestCounterSocket_ClosedOnShutdown(t *testing.T) {
	h, c := serveCounters(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(ctx)
	}()
	defer func() { cancel(); <-done }()

	clerk := h.Staff(t, "clerk01")
	pad := pairPad(t, h, "1")
	terminal, _ := dial(t, h, "/ws/counters/1", hubtest.Bearer(clerk))
	padSock, _ := dial(t, h, "/ws/pad", padAuth(pad))
	cancel()
	<-done
	for name, s := range map[string]*reader{"terminal": terminal, "pad": padSock} {
		if got := s.closed(); got != websocket.CloseGoingAway {
			t.Errorf("the %s got close code %d at shutdown, want %d", name, got, websocket.CloseGoingAway)
		}
	}
	late := &reader{t: t, s: h.Dial(t, "/ws/counters/1", hubtest.Bearer(clerk))}
	if got := late.closed(); got != websocket.CloseGoingAway {
		t.Errorf("a terminal connecting during shutdown got close code %d, want %d", got, websocket.CloseGoingAway)
	}
}
