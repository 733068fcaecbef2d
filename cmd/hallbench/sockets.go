package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// socket is one websocket client: a display, which waits for call
// messages, or a phone following its ticket, which waits for ticket
// messages. It notes when the first of them arrived after each call.
type socket struct {
	conn  *websocket.Conn
	phone bool
	at    atomic.Int64 // when the awaited message of the current call arrived (UnixNano)
	done  chan struct{}
}

// crowd is every websocket client of a hub, and the call they wait for.
type crowd struct {
	h       *hub
	sockets []*socket
	gen     atomic.Int64  // the call under way; each socket notes its first message of it
	arrived atomic.Int64  // sockets that got the current call
	want    atomic.Int64  // sockets that are to get it
	all     chan struct{} // signalled when the last of them got it
	ready   atomic.Int64  // sockets that got their snapshot
	dropped atomic.Int64  // sockets whose reading ended before the crowd closed them
	closing atomic.Bool
}

func newCrowd(h *hub) *crowd { return &crowd{h: h, all: make(chan struct{}, 1)} }

var (
	callType   = []byte(`"type":"call"`)
	ticketType = []byte(`"type":"ticket"`)
)

// read reads s's messages until it is closed. It looks at the first bytes
// of each, where the type is, and discards the rest without keeping it: the
// load generator shares the hub's cores, so its readers cost as little as
// a reader can.
func (cr *crowd) read(s *socket) {
	defer close(s.done)
	var seen int64 // the last call this socket noted
	want := callType
	if s.phone {
		want = ticketType
	}
	head := make([]byte, 40)
	first := true
	for {
		_, r, err := s.conn.NextReader()
		now := time.Now().UnixNano()
		if err != nil {
			if !cr.closing.Load() {
				cr.dropped.Add(1)
			}
			return
		}
		n, _ := io.ReadFull(r, head) // a shorter message is all there
		io.Copy(io.Discard, r)
		if first {
			first = false
			cr.ready.Add(1)
			continue
		}
		if gen := cr.gen.Load(); gen != seen && bytes.Contains(head[:n], want) {
			seen = gen
			s.at.Store(now)
			if cr.arrived.Add(1) == cr.want.Load() {
				select {
				case cr.all <- struct{}{}:
				default:
				}
			}
		}
	}
}

// dial connects n more clients (phones when tokens are given, one each)
// and waits until each has its snapshot.
func (cr *crowd) dial(n int, tokens []string) error {
	// A read buffer that holds a whole message: one read system call each.
	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 256}
	base := "ws" + strings.TrimPrefix(cr.h.URL, "http")
	first := len(cr.sockets)
	fresh := make([]*socket, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var dialErr error
	for range 16 {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				path := "/ws/display"
				if tokens != nil {
					path = "/ws/tickets/" + tokens[i]
				}
				conn, res, err := dialer.Dial(base+path, http.Header{})
				if err != nil {
					mu.Lock()
					if dialErr == nil {
						dialErr = fmt.Errorf("websocket client %d dialing %s: %v (%v)", first+i, path, err, res)
					}
					mu.Unlock()
					return
				}
				s := &socket{conn: conn, phone: tokens != nil, done: make(chan struct{})}
				fresh[i] = s
				go cr.read(s)
			}
		})
	}
	wg.Wait()
	for _, s := range fresh {
		if s != nil {
			cr.sockets = append(cr.sockets, s)
		}
	}
	if dialErr != nil {
		return dialErr
	}
	for end := time.Now().Add(60 * time.Second); cr.ready.Load() < int64(len(cr.sockets)); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			return fmt.Errorf("%d of %d websocket clients got no snapshot within a minute", int64(len(cr.sockets))-cr.ready.Load(), len(cr.sockets))
		}
	}
	return nil
}

func (cr *crowd) close() {
	cr.closing.Store(true)
	for _, s := range cr.sockets {
		s.conn.Close()
	}
	for _, s := range cr.sockets {
		<-s.done
	}
}

// call has counter c call the next ticket and waits until every client
// has the call: it returns each client's time from just before the next
// was sent to the message's receipt, and how many never got it.
func (cr *crowd) call(c *counter) ([]time.Duration, int, error) {
	cr.arrived.Store(0)
	cr.want.Store(int64(len(cr.sockets)))
	select {
	case <-cr.all: // a signal of the last call, not this one
	default:
	}
	cr.gen.Add(1)
	t0 := time.Now()
	tk, err := c.act("next")
	if err != nil {
		return nil, 0, err
	}
	if tk == nil {
		return nil, 0, fmt.Errorf("counter %s found nobody to call", c.id)
	}
	select {
	case <-cr.all:
	case <-time.After(5 * time.Second):
	}
	var lat []time.Duration
	for _, s := range cr.sockets {
		if at := s.at.Load(); at >= t0.UnixNano() {
			lat = append(lat, time.Duration(at-t0.UnixNano()))
		}
	}
	time.Sleep(5 * time.Millisecond) // let the call's last messages pass before the next
	return lat, len(cr.sockets) - len(lat), nil
}

// calls makes n calls and returns the p99 over calls of the last client's
// receipt, the p99 of every receipt, and the clients that missed a call;
// and the p99 over calls of the first client's receipt, which is the
// commit and the hub's way to its first write, before the fan-out.
func (cr *crowd) calls(c *counter, n int) (last, each time.Duration, missed int, first time.Duration, err error) {
	var lasts, firsts, all []time.Duration
	for range n {
		lat, miss, err := cr.call(c)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		missed += miss
		if len(lat) > 0 {
			firsts = append(firsts, slices.Min(lat))
			lasts = append(lasts, slices.Max(lat))
		}
		all = append(all, lat...)
	}
	if missed > 0 {
		lasts = append(lasts, 5*time.Second) // a client that never got it counts as the bound
	}
	return percentile(lasts, 99), percentile(all, 99), missed, percentile(firsts, 99), nil
}

// screenRows: the hub's CPU for 1,000 displays, a call reaching 500 and
// 5,000 clients, and (full) 10,000 clients held.
func (b *bench) screenRows() ([]row, error) {
	h, err := b.hubFor("screens")
	if err != nil {
		return nil, err
	}
	defer b.done(h)
	// The clients' memory is counted from the hub as it started: the
	// tickets issued for them and the collector's headroom count against
	// them, not as a baseline that hides what they take.
	baseRSS := int64(0)
	if h.pid != 0 {
		baseRSS = rss(h.pid)
	}
	p := b.p
	c, err := h.openCounter("1", b.runID+"-screens-c1")
	if err != nil {
		return nil, err
	}
	// Tickets for the calls, in service A, issued before the phones' so
	// that each call moves every phone's place.
	fodder := p.rounds*(p.fewCalls+p.idleCalls+p.manyCalls+p.heldCalls) + 10
	var n atomic.Int64
	if _, _, err := load(min(p.clients, 32), time.Hour, func(_, _ int) error {
		i := n.Add(1)
		if i > int64(fodder) {
			return errFull
		}
		return h.issueFast(fmt.Sprintf("%s-fodder-%d", b.runID, i), "A")
	}); err != nil && err != errFull {
		return nil, err
	}
	var phoneTokens []string
	if p.held > 0 {
		phones := p.held - p.many
		phoneTokens = make([]string, phones)
		n.Store(0)
		if _, _, err := load(p.clients, time.Hour, func(_, _ int) error {
			i := n.Add(1) - 1
			if i >= int64(phones) {
				return errFull
			}
			tk, err := h.issue(fmt.Sprintf("%s-phone-%d", b.runID, i), "A")
			phoneTokens[i] = tk.Token
			return err
		}); err != nil && err != errFull {
			return nil, err
		}
	}
	cr := newCrowd(h)
	defer cr.close()

	reach := func(clients, calls int, bound time.Duration) (row, error) {
		b.say("a call reaching %d websocket clients", clients)
		if err := cr.dial(clients-len(cr.sockets), nil); err != nil {
			return row{}, err
		}
		v, err := b.rounds(func(int) ([]float64, error) {
			last, each, missed, first, err := cr.calls(c, calls)
			return []float64{ms64(last), ms64(each), float64(missed), ms64(first)}, err
		})
		if err != nil {
			return row{}, err
		}
		r := row{
			figure:   fmt.Sprintf("commit → last of %s websocket clients has the call", thousands(float64(clients))),
			measured: fmt.Sprintf("p99 %s", msf(v[0])),
			target:   "p99 ≤ " + ms(bound),
			ok:       verdict(v[0] <= ms64(bound) && v[2] == 0),
			notes: fmt.Sprintf("%s of %d calls; displays; from just before POST next to each client's receipt of the call; every receipt p99 %s, the first client's %s",
				b.roundsNote(), calls, msf(v[1]), msf(v[3])),
		}
		if v[2] > 0 {
			r.notes += fmt.Sprintf("; %.0f receipts missing after 5 s", v[2])
		}
		return r, nil
	}
	var rows []row
	few, err := reach(p.few, p.fewCalls, 15*time.Millisecond)
	if err != nil {
		return nil, err
	}

	b.say("hub CPU for %d displays", p.displays)
	if err := cr.dial(p.displays-len(cr.sockets), nil); err != nil {
		return nil, err
	}
	cpuRow := row{figure: fmt.Sprintf("hub CPU for %s displays at one call every 10 s", thousands(float64(p.displays))), target: "≤ 0.02 of a core"}
	if h.pid == 0 {
		cpuRow.measured, cpuRow.notes = "n/a", "the hub's process is not known here"
	} else {
		v, err := b.rounds(func(int) ([]float64, error) {
			idle := startCPU(h.pid)
			time.Sleep(p.idle)
			idle.stop()
			calls := startCPU(h.pid)
			if _, _, _, _, err := cr.calls(c, p.idleCalls); err != nil {
				return nil, err
			}
			calls.stop()
			rate := cores(idle.hubD, idle.wall)
			perCall := max(0, calls.hubD.Seconds()-rate*calls.wall.Seconds()) / float64(p.idleCalls)
			return []float64{rate + perCall/10, rate, perCall * 1e3}, nil
		})
		if err != nil {
			return nil, err
		}
		cpuRow.measured = fmt.Sprintf("%.4f core", v[0])
		cpuRow.ok = verdict(v[0] <= 0.02)
		cpuRow.notes = fmt.Sprintf("%s; scaled, not 30 s: idle %v at %.4f core + %d calls at %.1f ms CPU each, as one call per 10 s; /proc/PID/stat, 10 ms ticks",
			b.roundsNote(), p.idle, v[1], p.idleCalls, v[2])
	}

	many, err := reach(p.many, p.manyCalls, 150*time.Millisecond)
	if err != nil {
		return nil, err
	}
	rows = append(rows, cpuRow, few, many)

	if p.held > 0 {
		b.say("%d websocket clients held", p.held)
		if err := cr.dial(len(phoneTokens), phoneTokens); err != nil {
			return nil, err
		}
		held := len(cr.sockets)
		v, err := b.rounds(func(int) ([]float64, error) {
			last, each, missed, first, err := cr.calls(c, p.heldCalls)
			return []float64{ms64(last), ms64(each), float64(missed), ms64(first)}, err
		})
		if err != nil {
			return nil, err
		}
		r := row{figure: fmt.Sprintf("%s websocket clients held (displays and phones)", thousands(float64(p.held))),
			target: "RSS ≤ 300 MB, ≤ 16 KiB/client, call to all p99 ≤ 300 ms"}
		if h.pid == 0 {
			r.measured = fmt.Sprintf("call to all p99 %s", msf(v[0]))
			r.notes = "the hub's process is not known here: no RSS"
		} else {
			now := rss(h.pid)
			per := float64(now-baseRSS) / float64(held)
			r.measured = fmt.Sprintf("RSS %.0f MB, %.1f KiB/client, call to all p99 %s", float64(now)/1e6, per/1024, msf(v[0]))
			r.ok = verdict(now <= 300e6 && per <= 16*1024 && v[0] <= 300 && v[2] == 0)
			r.notes = fmt.Sprintf("%d displays + %d phones; RSS from the hub's start %.0f → %.0f MB ÷ clients; %s of %d calls, every receipt p99 %s, the first client's %s",
				held-len(phoneTokens), len(phoneTokens), float64(baseRSS)/1e6, float64(now)/1e6, b.roundsNote(), p.heldCalls, msf(v[1]), msf(v[3]))
		}
		if v[2] > 0 {
			r.notes += fmt.Sprintf("; %.0f receipts missing after 5 s", v[2])
		}
		if d := cr.dropped.Load(); d > 0 {
			r.notes += fmt.Sprintf("; %d clients dropped by the hub", d)
		}
		rows = append(rows, r)
	}
	return rows, nil
}
