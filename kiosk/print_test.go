package kiosk_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/internal/hubtest"
	"hallq/kiosk"
	"hallq/web"
)

// Status bytes a fake printer answers DLE EOT 1, 2 and 4 with.
const statusOK = 0x12 // the fixed bits only: all is well

var (
	ready     = [3]byte{statusOK, statusOK, statusOK}
	paperOut  = [3]byte{statusOK | 0x08, statusOK | 0x20, statusOK | 0x60}
	paperLow  = [3]byte{statusOK, statusOK, statusOK | 0x0c}
	coverOpen = [3]byte{statusOK | 0x08, statusOK | 0x04, statusOK}
)

// fakePrinter is a network ESC/POS printer on 127.0.0.1: it answers the
// real-time status requests DLE EOT 1, 2 and 4 with its status bytes, or
// not at all while silent, and hands each connection's other bytes, the
// job, to the test.
type fakePrinter struct {
	Addr string
	ln   net.Listener
	jobs chan []byte // one a connection, when it ends; empty when nothing was printed
	wg   sync.WaitGroup

	mu     sync.Mutex
	status [3]byte
	silent bool
	chatty bool // it sends bytes of its own after its status, and reads the job late
	conns  map[net.Conn]bool
	hold   *held // the connection whose answers wait, while holdFirst is in force
}

// held is a connection whose status answers wait for another connection.
type held struct {
	conn    net.Conn      // nil until the first connection asks
	pending []byte        // the requests it made: n of each DLE EOT n
	asked   chan struct{} // closed when it first asks
}

// newFakePrinter starts a fake printer that is ready, for the rest of t.
func newFakePrinter(t *testing.T) *fakePrinter {
	t.Helper()
	return startFakePrinter(t, net.ListenConfig{})
}

// startFakePrinter starts a fake printer listening with lc.
func startFakePrinter(t *testing.T, lc net.ListenConfig) *fakePrinter {
	t.Helper()
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &fakePrinter{Addr: ln.Addr().String(), ln: ln, jobs: make(chan []byte, 16), status: ready, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// set makes the printer answer with status from now on.
func (p *fakePrinter) set(status [3]byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status, p.silent = status, false
}

// hush makes the printer take connections and never answer.
func (p *fakePrinter) hush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.silent = true
}

func (p *fakePrinter) accept() {
	defer p.wg.Done()
	for {
		conn, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns[conn] = true
		p.mu.Unlock()
		p.wg.Add(1)
		go p.serve(conn)
	}
}

// newChattyPrinter starts a fake printer that, like some real ones, sends
// bytes nobody asked for (an automatic status back) after its last status
// answer, and reads the job only a moment later, through a small receive
// buffer: a hub that closes the connection with those bytes unread resets
// it, and the part of the job still on its way is lost.
func newChattyPrinter(t *testing.T) *fakePrinter {
	t.Helper()
	p := startFakePrinter(t, net.ListenConfig{Control: smallReceiveBuffer(t)})
	p.mu.Lock()
	defer p.mu.Unlock()
	p.chatty = true
	return p
}

// dleEOT starts a real-time status request.
var dleEOT = []byte{0x10, 0x04}

// serve answers the status requests on conn and, when the hub closes it,
// hands over the job.
func (p *fakePrinter) serve(conn net.Conn) {
	defer p.wg.Done()
	defer func() {
		p.mu.Lock()
		delete(p.conns, conn)
		p.mu.Unlock()
		conn.Close()
	}()
	p.mu.Lock()
	chatty := p.chatty
	p.mu.Unlock()
	var got, job []byte
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		got = append(got, buf[:n]...)
		// Status requests are answered at once; everything else is the job.
		for {
			i := bytes.Index(got, dleEOT)
			if i < 0 || i+2 >= len(got) {
				break
			}
			job = append(job, got[:i]...)
			p.answer(conn, got[i+2])
			if chatty && got[i+2] == 4 {
				conn.Write([]byte{0x14, 0x00, 0x00, 0x0f}) // an automatic status back
				time.Sleep(100 * time.Millisecond)         // long enough for a hub to close on it
			}
			got = got[i+3:]
		}
		if err != nil {
			p.jobs <- append(job, got...)
			return
		}
	}
}

// holdFirst makes the printer keep its answers to the next connection that
// asks until another connection asks; the channel is closed when that first
// connection asks.
func (p *fakePrinter) holdFirst() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hold = &held{asked: make(chan struct{})}
	return p.hold.asked
}

// answer answers DLE EOT n on conn, unless the printer is silent or holds
// conn's answers.
func (p *fakePrinter) answer(conn net.Conn, n byte) {
	p.mu.Lock()
	status, silent, hold := p.status, p.silent, p.hold
	switch {
	case hold != nil && (hold.conn == nil || hold.conn == conn):
		if hold.conn == nil {
			hold.conn = conn
			close(hold.asked)
		}
		hold.pending = append(hold.pending, n)
		p.mu.Unlock()
		return
	case hold != nil:
		p.hold = nil
	}
	p.mu.Unlock()
	if hold != nil {
		for _, n := range hold.pending {
			writeStatus(hold.conn, status, n)
		}
	}
	if !silent {
		writeStatus(conn, status, n)
	}
}

// writeStatus writes the byte of status that answers DLE EOT n.
func writeStatus(conn net.Conn, status [3]byte, n byte) {
	switch n {
	case 1:
		conn.Write(status[:1])
	case 2:
		conn.Write(status[1:2])
	case 4:
		conn.Write(status[2:3])
	}
}

// job returns the bytes of the next connection to end, other than the
// status requests.
func (p *fakePrinter) job(t *testing.T) []byte {
	t.Helper()
	select {
	case j := <-p.jobs:
		return j
	case <-time.After(10 * time.Second): // a bound for a broken hub, not a pace
		t.Fatal("the printer got no connection")
		return nil
	}
}

// idle fails the test if a connection ended that the test did not read.
func (p *fakePrinter) idle(t *testing.T) {
	t.Helper()
	select {
	case j := <-p.jobs:
		t.Fatalf("the printer got a connection the test did not expect: % x", j)
	default:
	}
}

func (p *fakePrinter) close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// printTimeout is the tests' printer timeout: short, so a silent printer
// fails fast, and long enough for a loaded test machine.
const printTimeout = 300 * time.Millisecond

// newPrintHub starts a hub serving the kiosk routes, printing included,
// with a print limit of limit a minute (0: none).
func newPrintHub(t *testing.T, limit int) *hubtest.Hub {
	t.Helper()
	return hubtest.New(t, func(r chi.Router, h *hubtest.Hub) {
		k := &kiosk.Handler{
			Tickets:      h.Store,
			Hall:         h.Store,
			Auth:         h.Auth,
			Feed:         h.Store,
			Devices:      h.Store,
			Alerts:       h.Store,
			PrintTimeout: printTimeout,
			PrintLimit:   web.NewRateLimiter(limit, h.Clock.Now),
			Now:          h.Clock.Now,
		}
		k.Routes(r)
	})
}

// pair creates and pairs a device directly in the store, and returns it
// with the option that authenticates a request as it.
func pair(t *testing.T, h *hubtest.Hub, n hallq.NewDevice) (*hallq.Device, hubtest.Request) {
	t.Helper()
	ctx := context.Background()
	d, err := h.Store.CreateDevice(ctx, admin, n)
	if err != nil {
		t.Fatal(err)
	}
	paired, token, err := h.Store.PairDevice(ctx, d.Code)
	if err != nil {
		t.Fatal(err)
	}
	return paired, hubtest.Header("Authorization", "Device "+token)
}

// kioskWith pairs a kiosk named name with printer p.
func kioskWith(t *testing.T, h *hubtest.Hub, name string, p *fakePrinter) (*hallq.Device, hubtest.Request) {
	t.Helper()
	return pair(t, h, hallq.NewDevice{Kind: hallq.DeviceKiosk, Name: name, Printer: p.Addr})
}

// printPath is the print address of a ticket.
func printPath(tk ticket) string { return "/api/v1/tickets/" + tk.Token + "/print" }

// alerts follows the printer alerts a hub raises.
type alerts struct {
	h   *hubtest.Hub
	sub hallq.Subscription
}

// watchAlerts follows h's events for the rest of t.
func watchAlerts(t *testing.T, h *hubtest.Hub) *alerts {
	sub := h.Store.Subscribe(64)
	t.Cleanup(sub.Close)
	return &alerts{h: h, sub: sub}
}

// since returns the printer alerts committed since the last call: it
// commits a marker, a ticket for service C, and reads the events up to it.
func (a *alerts) since(t *testing.T) []hallq.Alert {
	t.Helper()
	marker, _, err := a.h.Store.IssueTicket(context.Background(), hallq.IssueRequest{Service: "C"})
	if err != nil {
		t.Fatal(err)
	}
	var out []hallq.Alert
	for {
		select {
		case e, ok := <-a.sub.Events():
			if !ok {
				t.Fatal("the subscription ended")
			}
			if e.Type.IsAlert() && e.Alert != nil && e.Alert.Kind == hallq.AlertPrinter {
				out = append(out, *e.Alert)
			}
			if e.Type == hallq.TicketIssued && e.Ticket != nil && e.Ticket.ID == marker.ID {
				return out
			}
		case <-time.After(10 * time.Second): // a bound for a broken hub, not a pace
			t.Fatal("no marker event")
		}
	}
}

// want fails the test unless the alerts since the last call are exactly
// one, for kiosk d with problem, or none when problem is "".
func (a *alerts) want(t *testing.T, d *hallq.Device, problem string) {
	t.Helper()
	got := a.since(t)
	if problem == "" {
		if len(got) != 0 {
			t.Fatalf("alerts %+v, want none", got)
		}
		return
	}
	if len(got) != 1 || got[0].Kind != hallq.AlertPrinter || got[0].Device != d.ID || got[0].Name != d.Name || got[0].Problem != problem {
		t.Fatalf("alerts %+v, want one of kiosk %d (%s): %s", got, d.ID, d.Name, problem)
	}
}

// wantUnavailable fails the test unless res is 503 unavailable with a
// message that says what.
func wantUnavailable(t *testing.T, res *hubtest.Response, what string) {
	t.Helper()
	res.WantError(t, http.StatusServiceUnavailable, hallq.EUNAVAILABLE)
	if !strings.Contains(string(res.Body), what) {
		t.Errorf("body %s, want it to say %q", res.Body, what)
	}
}

// wantPrinted fails the test unless res is 200 {printed: true}.
func wantPrinted(t *testing.T, res *hubtest.Response) {
	t.Helper()
	res.Want(t, http.StatusOK)
	if got := strings.TrimSpace(string(res.Body)); got != `{"printed":true}` {
		t.Errorf("body %s, want {\"printed\":true}", got)
	}
}

func TestDeviceMe(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	withPrinter, withPrinterAuth := kioskWith(t, h, "Entrance", p)
	without, withoutAuth := pair(t, h, hallq.NewDevice{Kind: hallq.DeviceKiosk, Name: "Lobby"})
	pad, padAuth := pair(t, h, hallq.NewDevice{Kind: hallq.DevicePad, Counter: "1"})

	type me struct {
		ID      uint64 `json:"id"`
		Kind    string `json:"kind"`
		Name    string `json:"name"`
		Counter string `json:"counter"`
		Printer bool   `json:"printer"`
	}
	for _, tt := range []struct {
		name string
		auth hubtest.Request
		want me
	}{
		{"KioskWithPrinter", withPrinterAuth, me{withPrinter.ID, "kiosk", "Entrance", "", true}},
		{"KioskWithout", withoutAuth, me{without.ID, "kiosk", "Lobby", "", false}},
		{"Pad", padAuth, me{pad.ID, "pad", "", "1", false}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := h.Do(t, "GET", "/api/v1/devices/me", nil, tt.auth).Want(t, http.StatusOK)
			var got me
			res.Decode(t, &got)
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if strings.Contains(string(res.Body), "127.0.0.1") {
				t.Errorf("the reply %s gives away the printer's address", res.Body)
			}
		})
	}
	t.Run("CookieRenewed", func(t *testing.T) {
		// A browser that lost its cookie but kept its token gets the
		// cookie again, for the websockets that cannot send the header.
		res := h.Do(t, "GET", "/api/v1/devices/me", nil, padAuth).Want(t, http.StatusOK)
		if c := res.Header.Get("Set-Cookie"); !strings.HasPrefix(c, "hallq_device=") || !strings.Contains(c, "HttpOnly") {
			t.Errorf("Set-Cookie %q, want the device cookie again", c)
		}
		if c := h.Do(t, "GET", "/api/v1/devices/me", nil).Header.Get("Set-Cookie"); c != "" {
			t.Errorf("an unpaired browser got a cookie: %q", c)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		h.Do(t, "GET", "/api/v1/devices/me", nil).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
		h.Do(t, "GET", "/api/v1/devices/me", nil, hubtest.Bearer(h.Staff(t, "clerk01"))).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
		h.Do(t, "GET", "/api/v1/devices/me", nil, hubtest.Header("Authorization", "Device not-a-token")).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
	})
}

// A kiosk prints on its own printer: the hall and the service in Chinese
// (GB18030) and English, the number, the QR code and a cut, nothing of the
// card the ticket came with; the ticket does not change.
func TestTicketPrint(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	watch := watchAlerts(t, h)
	_, auth := kioskWith(t, h, "Entrance", p)
	const card, holder = "6222021234567890", "张三"
	addCard(t, h, hallq.Card{Number: card, Tier: "gold", Holder: holder})
	tk := issue(t, h, map[string]string{"service": "A", "card": card})
	before := h.Do(t, "GET", "/api/v1/tickets/"+tk.Token, nil).Want(t, http.StatusOK).Body

	wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, auth))
	job := p.job(t)
	for _, piece := range []struct {
		what  string
		bytes []byte
	}{
		{"init", []byte{0x1b, '@'}},
		{"the hall's Chinese name", kiosk.PrinterText("服务大厅")},
		{"the hall's English name", []byte("Service Hall")},
		{"the number", []byte(tk.Number)},
		{"the service's Chinese name", []byte{0xb8, 0xf6, 0xc8, 0xcb, 0xd2, 0xb5, 0xce, 0xf1}}, // 个人业务
		{"the service's English name", []byte("Personal")},
		{"a raster image", []byte{0x1d, 'v', '0', 0}},
		{"the partial cut", []byte{0x1d, 'V', 66}},
	} {
		if !bytes.Contains(job, piece.bytes) {
			t.Errorf("the job lacks %s (% x)", piece.what, piece.bytes)
		}
	}
	if !bytes.HasPrefix(job, []byte{0x1b, '@'}) {
		t.Errorf("the job starts % x, want ESC @", job[:min(len(job), 8)])
	}
	for _, secret := range [][]byte{[]byte(card), []byte(card[len(card)-4:]), []byte(holder), kiosk.PrinterText(holder)} {
		if bytes.Contains(job, secret) {
			t.Errorf("the job holds the card's %q", secret)
		}
	}
	qr, err := kiosk.RasterQR(tk.StatusURL)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(job, qr) {
		t.Error("the job lacks the QR code of the ticket's status page")
	}
	if after := h.Do(t, "GET", "/api/v1/tickets/"+tk.Token, nil).Body; !bytes.Equal(after, before) {
		t.Errorf("printing changed the ticket:\n%s\n%s", before, after)
	}
	watch.want(t, nil, "") // a printer first seen working is no news
}

// A printer out of paper raises one alert, however many tickets it misses,
// and one more when it works again; a printer low on paper prints and
// raises one.
func TestTicketPrint_PaperOut(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	watch := watchAlerts(t, h)
	d, auth := kioskWith(t, h, "Entrance", p)
	tk := issue(t, h, map[string]string{"service": "A"})

	p.set(paperOut)
	wantUnavailable(t, h.Do(t, "POST", printPath(tk), nil, auth), "out of paper")
	if job := p.job(t); len(job) != 0 {
		t.Errorf("a printer out of paper got a job: % x", job)
	}
	watch.want(t, d, hallq.PrinterPaperOut)

	other := issue(t, h, map[string]string{"service": "B"})
	wantUnavailable(t, h.Do(t, "POST", printPath(other), nil, auth), "out of paper")
	p.job(t)
	watch.want(t, d, "")

	p.set(ready)
	wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, auth))
	if job := p.job(t); !bytes.Contains(job, []byte(tk.Number)) {
		t.Errorf("the reprint lacks %s", tk.Number)
	}
	watch.want(t, d, hallq.PrinterOK)

	p.set(paperLow)
	wantPrinted(t, h.Do(t, "POST", printPath(other), nil, auth))
	if job := p.job(t); !bytes.Contains(job, []byte(other.Number)) {
		t.Errorf("a printer low on paper did not print %s", other.Number)
	}
	watch.want(t, d, hallq.PrinterPaperLow)
	wantPrinted(t, h.Do(t, "POST", printPath(other), nil, auth))
	p.job(t)
	watch.want(t, d, "")
}

// A printer whose paper sensor flaps between ok and paper_low raises one
// alert in AlertEvery, not one a flap: paper again resolves it, and
// running low again is told only AlertEvery after it was last told.
func TestTicketPrint_Flapping(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	watch := watchAlerts(t, h)
	d, auth := kioskWith(t, h, "Entrance", p)
	tk := issue(t, h, map[string]string{"service": "A"})
	problems := func() []string {
		t.Helper()
		var out []string
		for _, a := range watch.since(t) {
			if a.Device != d.ID {
				t.Fatalf("an alert of kiosk %d", a.Device)
			}
			out = append(out, a.Problem+":"+a.State)
		}
		return out
	}

	for i := range 6 {
		p.set([][3]byte{ready, paperLow}[i%2])
		wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, auth))
		p.job(t)
		h.Clock.Add(time.Minute)
	}
	if got, want := problems(), []string{"paper_low:open", "ok:resolved"}; !slices.Equal(got, want) {
		t.Fatalf("alerts of six flaps: %v, want %v", got, want)
	}

	// Ten minutes after it was told, paper running low is told again.
	h.Clock.Add(5 * time.Minute)
	for _, status := range [][3]byte{paperLow, ready, paperLow} {
		p.set(status)
		wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, auth))
		p.job(t)
	}
	if got, want := problems(), []string{"paper_low:open", "ok:resolved"}; !slices.Equal(got, want) {
		t.Fatalf("alerts ten minutes on: %v, want %v", got, want)
	}
	if open := openPrinterAlerts(t, h); len(open) != 0 {
		t.Fatalf("open printer alerts %+v, want none: it has paper", open)
	}
}

// A printer alert open when the hub restarts resolves with the first good
// print after it: the kiosk's memory of the printer starts empty.
func TestTicketPrint_OKAfterRestart(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	d, auth := kioskWith(t, h, "Entrance", p)
	if err := h.Store.RaiseAlert(context.Background(), hallq.Alert{Kind: hallq.AlertPrinter, Device: d.ID, Name: d.Name,
		Printer: d.Printer, Problem: hallq.PrinterPaperOut}); err != nil {
		t.Fatal(err)
	}
	tk := issue(t, h, map[string]string{"service": "A"})
	p.set(ready)
	wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, auth))
	p.job(t)
	if open := openPrinterAlerts(t, h); len(open) != 0 {
		t.Fatalf("open printer alerts %+v, want none after a good print", open)
	}
}

// openPrinterAlerts returns the printer alerts not resolved.
func openPrinterAlerts(t *testing.T, h *hubtest.Hub) []*hallq.Alert {
	t.Helper()
	all, err := h.Store.FindAlerts(context.Background(), hallq.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var out []*hallq.Alert
	for _, a := range all {
		if a.Kind == hallq.AlertPrinter {
			out = append(out, a)
		}
	}
	return out
}

// A printer out of paper, then working, then out of paper again within ten
// minutes raises two alerts, out of paper and working again; the second
// time it runs out is told ten minutes after the first.
func TestTicketPrint_AlertEvery(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	watch := watchAlerts(t, h)
	d, auth := kioskWith(t, h, "Entrance", p)
	tk := issue(t, h, map[string]string{"service": "A"})
	try := func(status [3]byte) {
		t.Helper()
		p.set(status)
		res := h.Do(t, "POST", printPath(tk), nil, auth)
		if status == ready {
			wantPrinted(t, res)
		} else {
			wantUnavailable(t, res, "out of paper")
		}
		p.job(t)
	}

	try(paperOut)
	h.Clock.Add(2 * time.Minute)
	try(ready)
	h.Clock.Add(2 * time.Minute)
	try(paperOut)
	if got := watch.since(t); len(got) != 2 || got[0].Problem != hallq.PrinterPaperOut || got[1].Problem != hallq.PrinterOK {
		t.Fatalf("alerts %+v, want two: paper_out, then ok", got)
	}
	h.Clock.Add(5*time.Minute + 59*time.Second)
	try(paperOut)
	try(ready) // managers were told it works: no news
	try(paperOut)
	watch.want(t, d, "")

	h.Clock.Add(time.Second) // ten minutes since they heard it is out of paper
	try(paperOut)
	watch.want(t, d, hallq.PrinterPaperOut)
	try(paperOut)
	watch.want(t, d, "")
	try(ready)
	watch.want(t, d, hallq.PrinterOK)
}

// Two kiosks that share a printer share what managers hear of it: one
// alert when it runs out of paper, whichever kiosk finds out, and one when
// it works again.
func TestTicketPrint_SharedPrinter(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	watch := watchAlerts(t, h)
	entrance, entranceAuth := kioskWith(t, h, "Entrance", p)
	lobby, lobbyAuth := kioskWith(t, h, "Lobby", p)
	tk := issue(t, h, map[string]string{"service": "A"})

	p.set(paperOut)
	wantUnavailable(t, h.Do(t, "POST", printPath(tk), nil, entranceAuth), "out of paper")
	p.job(t)
	watch.want(t, entrance, hallq.PrinterPaperOut)
	wantUnavailable(t, h.Do(t, "POST", printPath(tk), nil, lobbyAuth), "out of paper")
	p.job(t)
	watch.want(t, lobby, "")

	p.set(ready)
	wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, lobbyAuth))
	p.job(t)
	watch.want(t, lobby, hallq.PrinterOK)
	wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, entranceAuth))
	p.job(t)
	watch.want(t, entrance, "")
}

// The hub's printer prints a ticket in the ticket's language first, then in
// the other, as the kiosk's browser does.
func TestTicketPrint_Language(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	_, auth := kioskWith(t, h, "Entrance", p)
	for _, tt := range []struct {
		lang          string
		first, second string
	}{{"zh", "服务大厅", "Service Hall"}, {"en", "Service Hall", "服务大厅"}} {
		tk := issue(t, h, map[string]string{"service": "A", "lang": tt.lang})
		wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, auth))
		if job := p.job(t); !bytes.Contains(job, append(line(tt.first), line(tt.second)...)) {
			t.Errorf("a ticket in %s does not print %q, then %q", tt.lang, tt.first, tt.second)
		}
	}
}

func TestTicketPrint_CoverOpen(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	watch := watchAlerts(t, h)
	d, auth := kioskWith(t, h, "Entrance", p)
	tk := issue(t, h, map[string]string{"service": "A"})

	p.set(coverOpen)
	wantUnavailable(t, h.Do(t, "POST", printPath(tk), nil, auth), "cover is open")
	if job := p.job(t); len(job) != 0 {
		t.Errorf("a printer with its cover open got a job: % x", job)
	}
	watch.want(t, d, hallq.PrinterCoverOpen)
}

// A printer that takes the connection but never answers, or is not there,
// is offline: 503 within the timeout.
func TestTicketPrint_Offline(t *testing.T) {
	t.Run("Silent", func(t *testing.T) {
		h := newPrintHub(t, 0)
		p := newFakePrinter(t)
		watch := watchAlerts(t, h)
		d, auth := kioskWith(t, h, "Entrance", p)
		tk := issue(t, h, map[string]string{"service": "A"})

		p.hush()
		start := time.Now()
		wantUnavailable(t, h.Do(t, "POST", printPath(tk), nil, auth), "does not answer")
		if took := time.Since(start); took > 5*printTimeout {
			t.Errorf("a silent printer held the reply for %v, with a timeout of %v", took, printTimeout)
		}
		if job := p.job(t); len(job) != 0 {
			t.Errorf("a silent printer got a job: % x", job)
		}
		watch.want(t, d, hallq.PrinterOffline)
	})
	t.Run("Gone", func(t *testing.T) {
		h := newPrintHub(t, 0)
		p := newFakePrinter(t)
		watch := watchAlerts(t, h)
		d, auth := kioskWith(t, h, "Entrance", p)
		tk := issue(t, h, map[string]string{"service": "A"})

		p.close()
		wantUnavailable(t, h.Do(t, "POST", printPath(tk), nil, auth), "does not answer")
		watch.want(t, d, hallq.PrinterOffline)
	})
}

// Prints to one printer take turns: while the first job's printer keeps
// silent, a second job waits; the answers the printer sends the first job
// once the second connects come too late for it.
func TestTicketPrint_OneAtATime(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	_, auth := kioskWith(t, h, "Entrance", p)
	first := issue(t, h, map[string]string{"service": "A"})
	second := issue(t, h, map[string]string{"service": "A"})

	asked := p.holdFirst()
	done := make(chan *hubtest.Response, 1)
	go func() { done <- h.Do(t, "POST", printPath(first), nil, auth) }()
	<-asked
	wantPrinted(t, h.Do(t, "POST", printPath(second), nil, auth))
	wantUnavailable(t, <-done, "does not answer")
	for range 2 {
		if job := p.job(t); len(job) != 0 && !bytes.Contains(job, []byte(second.Number)) {
			t.Errorf("a job other than %s's: % x", second.Number, job)
		}
	}
}

// A printer that sends bytes of its own gets the whole job: the hub reads
// them before it closes, so the connection ends cleanly, not with a reset
// that would cut the job.
func TestTicketPrint_ChattyPrinter(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newChattyPrinter(t)
	_, auth := kioskWith(t, h, "Entrance", p)
	tk := issue(t, h, map[string]string{"service": "A"})

	wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, auth))
	job := p.job(t)
	if cut := []byte{0x1d, 'V', 66, 0}; !bytes.HasSuffix(job, cut) {
		t.Errorf("the printer got %d bytes of the job, ending % x; want all of it, ending with the cut", len(job), job[max(0, len(job)-8):])
	}
}

// Staff reprint a ticket on the only kiosk with a printer, or on the one
// they name.
func TestTicketPrint_Reprint(t *testing.T) {
	h := newPrintHub(t, 0)
	staff := hubtest.Bearer(h.Staff(t, "clerk01"))
	tk := issue(t, h, map[string]string{"service": "A"})

	h.Do(t, "POST", printPath(tk), nil, staff).WantError(t, http.StatusConflict, hallq.ECONFLICT)

	first := newFakePrinter(t)
	entrance, entranceAuth := kioskWith(t, h, "Entrance", first)
	pad, _ := pair(t, h, hallq.NewDevice{Kind: hallq.DevicePad, Counter: "1"})
	lobby, _ := pair(t, h, hallq.NewDevice{Kind: hallq.DeviceKiosk, Name: "Lobby"})
	wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, staff))
	if job := first.job(t); !bytes.Contains(job, []byte(tk.Number)) {
		t.Errorf("the reprint lacks %s", tk.Number)
	}

	second := newFakePrinter(t)
	upstairs, _ := kioskWith(t, h, "Upstairs", second)
	res := h.Do(t, "POST", printPath(tk), nil, staff)
	res.WantError(t, http.StatusBadRequest, hallq.EINVALID)
	if !strings.Contains(string(res.Body), "Upstairs") || !strings.Contains(string(res.Body), "Entrance") {
		t.Errorf("the refusal %s does not list the kiosks to choose from", res.Body)
	}
	wantPrinted(t, h.Do(t, "POST", printPath(tk), map[string]uint64{"device": upstairs.ID}, staff))
	second.job(t)
	wantPrinted(t, h.Do(t, "POST", printPath(tk), map[string]uint64{"device": entrance.ID}, hubtest.Bearer(h.Manager(t))))
	first.job(t)

	for _, id := range []uint64{pad.ID, lobby.ID, 999} {
		h.Do(t, "POST", printPath(tk), map[string]uint64{"device": id}, staff).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	}
	// A kiosk prints on its own printer, not on another's.
	h.Do(t, "POST", printPath(tk), map[string]uint64{"device": upstairs.ID}, entranceAuth).WantError(t, http.StatusForbidden, hallq.EFORBIDDEN)
	wantPrinted(t, h.Do(t, "POST", printPath(tk), map[string]uint64{"device": entrance.ID}, entranceAuth))
	first.job(t)
	first.idle(t)
	second.idle(t)
}

func TestTicketPrint_Refused(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	_, auth := kioskWith(t, h, "Entrance", p)
	_, padAuth := pair(t, h, hallq.NewDevice{Kind: hallq.DevicePad, Counter: "1"})
	_, bareAuth := pair(t, h, hallq.NewDevice{Kind: hallq.DeviceKiosk, Name: "Lobby"})
	tk := issue(t, h, map[string]string{"service": "A"})
	cancelled := issue(t, h, map[string]string{"service": "A"})
	h.Do(t, "DELETE", "/api/v1/tickets/"+cancelled.Token, nil).Want(t, http.StatusOK)

	for _, tt := range []struct {
		name   string
		path   string
		body   any
		opts   []hubtest.Request
		status int
		code   string
	}{
		{"Anonymous", printPath(tk), nil, nil, http.StatusUnauthorized, hallq.EUNAUTHORIZED},
		{"Pad", printPath(tk), nil, []hubtest.Request{padAuth}, http.StatusUnauthorized, hallq.EUNAUTHORIZED},
		{"UnknownDeviceToken", printPath(tk), nil, []hubtest.Request{hubtest.Header("Authorization", "Device nope")}, http.StatusUnauthorized, hallq.EUNAUTHORIZED},
		{"KioskWithoutPrinter", printPath(tk), nil, []hubtest.Request{bareAuth}, http.StatusConflict, hallq.ECONFLICT},
		{"UnknownTicket", "/api/v1/tickets/AAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAA/print", nil, []hubtest.Request{auth}, http.StatusNotFound, hallq.ENOTFOUND},
		{"NotAToken", "/api/v1/tickets/nope/print", nil, []hubtest.Request{auth}, http.StatusNotFound, hallq.ENOTFOUND},
		{"Cancelled", printPath(cancelled), nil, []hubtest.Request{auth}, http.StatusConflict, hallq.ECONFLICT},
		{"BadJSON", printPath(tk), "{", []hubtest.Request{auth}, http.StatusBadRequest, hallq.EINVALID},
		{"UnknownField", printPath(tk), `{"printer": "10.0.0.1:9100"}`, []hubtest.Request{auth}, http.StatusBadRequest, hallq.EINVALID},
		{"OtherOrigin", printPath(tk), nil, []hubtest.Request{auth, hubtest.Header("Origin", "http://evil.test")}, http.StatusForbidden, hallq.EFORBIDDEN},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h.Do(t, "POST", tt.path, tt.body, tt.opts...).WantError(t, tt.status, tt.code)
		})
	}
	h.Do(t, "GET", printPath(tk), nil, auth).WantError(t, http.StatusMethodNotAllowed, hallq.EMETHOD)
	p.idle(t)
}

func TestTicketPrint_RateLimit(t *testing.T) {
	h := newPrintHub(t, 2)
	p := newFakePrinter(t)
	_, auth := kioskWith(t, h, "Entrance", p)
	staff := hubtest.Bearer(h.Staff(t, "clerk01"))
	tk := issue(t, h, map[string]string{"service": "A"})

	for range 2 {
		wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, auth))
		p.job(t)
	}
	res := h.Do(t, "POST", printPath(tk), nil, auth)
	res.WantError(t, http.StatusTooManyRequests, hallq.ERATELIMITED)
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	// Each kiosk and each staff member has a limit of their own.
	wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, staff))
	p.job(t)
	h.Clock.Add(30 * time.Second)
	wantPrinted(t, h.Do(t, "POST", printPath(tk), nil, auth))
	p.job(t)
}

// A kiosk removed takes its printer's alert with it, resolved with a note,
// unless another kiosk shares that printer and can still say it works.
func TestTicketPrint_KioskRemoved(t *testing.T) {
	h := newPrintHub(t, 0)
	p := newFakePrinter(t)
	entrance, _ := kioskWith(t, h, "Entrance", p)
	lobby, _ := kioskWith(t, h, "Lobby", p)
	raise := func(d *hallq.Device) {
		t.Helper()
		if err := h.Store.RaiseAlert(context.Background(), hallq.Alert{Kind: hallq.AlertPrinter, Device: d.ID, Name: d.Name,
			Printer: d.Printer, Problem: hallq.PrinterPaperOut}); err != nil {
			t.Fatal(err)
		}
	}
	raise(entrance)
	if err := h.Store.DeleteDevice(context.Background(), admin, entrance.ID); err != nil {
		t.Fatal(err)
	}
	if open := openPrinterAlerts(t, h); len(open) != 1 {
		t.Fatalf("open printer alerts %+v, want the one Lobby shares", open)
	}
	if err := h.Store.DeleteDevice(context.Background(), admin, lobby.ID); err != nil {
		t.Fatal(err)
	}
	if open := openPrinterAlerts(t, h); len(open) != 0 {
		t.Fatalf("open printer alerts %+v, want none: no kiosk is left on that printer", open)
	}
}
