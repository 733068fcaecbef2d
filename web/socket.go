package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"hallq"
)

// Websocket timing and sizes. Pages only listen: what they send is pongs
// and a close, so reads are small.
const (
	writeWait      = 10 * time.Second  // the longest a write the kernel did not take at once may take
	pongWait       = 60 * time.Second  // a client silent this long is gone
	pingPeriod     = pongWait * 9 / 10 // how often the hub pings
	closeWait      = time.Second       // how long a close frame may take
	maxMessageSize = 512               // the largest message a client may send
	sendBuffer     = 64                // frames queued for one client before it is dropped
)

var upgrader = websocket.Upgrader{
	// Enough for a control frame (125 bytes and its header), the largest
	// frame the library reads whole.
	ReadBufferSize: 256,
	// The library writes only control frames, without a write buffer; the
	// pool, never used, keeps it from allocating one for each socket.
	WriteBufferPool: &sync.Pool{},
	// Origin is checked before the upgrade, to answer in the API's shape.
	CheckOrigin: func(*http.Request) bool { return true },
	// A request that is no websocket handshake is answered in it too.
	Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
		code := hallq.EINVALID
		if status == http.StatusMethodNotAllowed {
			code = hallq.EMETHOD
		}
		w.Header().Set("Sec-Websocket-Version", "13")
		JSON(w, status, errorReply{errorBody{Code: code, Message: "This address takes a websocket connection: " + reason.Error() + "."}})
	},
}

// socket is one websocket client. Its one goroutine reads what the client
// sends (pongs, the close). What the hub sends it is queued as frames and
// written at once by the sender, as far as the kernel takes it without
// waiting; a writer goroutine, started only then and gone once the queue is
// empty, writes the rest with a deadline. A client that falls sendBuffer
// frames behind is dropped: it reconnects and takes a fresh snapshot. A
// timer, not a goroutine, pings it.
type socket struct {
	ws       *websocket.Conn
	conn     net.Conn        // the connection under ws, written directly
	raw      syscall.RawConn // conn's descriptor, for writes that never wait; nil over TLS
	timing   timing
	ended    chan struct{} // closed once the connection is closed and no writer runs
	finished chan struct{} // closed once the reader has finished too

	mu      sync.Mutex
	frames  [][]byte // queued, the first perhaps written in part
	writing bool     // a writer goroutine has the frames
	state   socketState
	closeBy time.Time   // while closing: the deadline of what is left to write
	ping    *time.Timer // nil until the socket starts

	// Guarded by the hub's mutex: the socket's place in its hub.
	topic   string
	index   int    // in h.topics[topic]
	seq     uint64 // the last sequence number it was sent
	client  string // its address, when capped
	recheck func(context.Context) bool
}

// socketState is where a socket is in its life.
type socketState int

const (
	open    socketState = iota
	closing             // a close frame is queued; nothing more is
	over                // the connection is closed
)

// timing is how often a socket is pinged and how long a client may stay
// silent; the zero value is the defaults.
type timing struct{ pingEvery, pongWait time.Duration }

func (t timing) orDefaults() timing {
	if t.pingEvery == 0 {
		t.pingEvery, t.pongWait = pingPeriod, pongWait
	}
	return t
}

// upgrade checks the request's origin and makes it a websocket; a request
// from another origin gets 403 in the API's shape. The caller then joins
// the socket to a hub and starts it.
func upgrade(w http.ResponseWriter, r *http.Request, t timing) (*socket, error) {
	if !CheckOrigin(r) {
		err := hallq.Errorf(hallq.EFORBIDDEN, "Connections from another site are refused; use the hub's own pages.")
		Error(w, r, err)
		return nil, err
	}
	hj := &hijacker{ResponseWriter: w}
	ws, err := upgrader.Upgrade(hj, r, nil)
	if err != nil {
		return nil, err // the upgrader has answered
	}
	s := &socket{
		ws:       ws,
		conn:     hj.wire.Conn,
		raw:      rawConn(hj.wire.Conn),
		timing:   t.orDefaults(),
		ended:    make(chan struct{}),
		finished: make(chan struct{}),
	}
	hj.wire.s = s
	return s, nil
}

// rawConn returns the descriptor of c for writes that never wait, or nil
// when its bytes must go through c itself (TLS).
func rawConn(c net.Conn) syscall.RawConn {
	if cc, ok := c.(*cappedConn); ok {
		c = cc.Conn
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return raw
}

// hijacker hands the websocket library the connection as a wire.
type hijacker struct {
	http.ResponseWriter
	wire *wire
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.wire = &wire{Conn: c}
	return h.wire, brw, nil
}

// wire is the connection as the websocket library sees it. It reads from
// the connection; what it writes on its own (a pong, the answer to a close,
// a close after a protocol error), always one whole frame a write, joins
// the socket's queue behind what is there, so that frames never interleave.
// The handshake, before there is a socket, is written directly.
type wire struct {
	net.Conn
	s *socket
}

func (w *wire) Write(p []byte) (int, error) {
	if w.s == nil {
		return w.Conn.Write(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !w.s.send(bytes.Clone(p), p[0]&0x0f == websocket.CloseMessage) {
		return 0, net.ErrClosed
	}
	return len(p), nil
}

// SetWriteDeadline does nothing: the socket sets the deadlines of its own
// writes.
func (w *wire) SetWriteDeadline(time.Time) error { return nil }

// start starts the socket's pings and its reader goroutine, which reads
// until the client goes away, falls silent or the socket is closed, then
// waits for the connection to end and calls ended. The HTTP handler can
// return: the socket lives on in its one goroutine, with its small stack.
func (s *socket) start(ended func()) {
	s.mu.Lock()
	if s.state != over {
		s.ping = time.AfterFunc(s.timing.pingEvery, s.pinged)
	}
	s.mu.Unlock()
	go func() {
		defer close(s.finished)
		s.read()
		s.Close(websocket.CloseNormalClosure, "")
		<-s.ended
		ended()
	}()
}

// read reads (pongs and the close) until the connection fails or goes quiet.
func (s *socket) read() {
	s.ws.SetReadLimit(maxMessageSize)
	s.ws.SetReadDeadline(time.Now().Add(s.timing.pongWait))
	s.ws.SetPongHandler(func(string) error {
		return s.ws.SetReadDeadline(time.Now().Add(s.timing.pongWait))
	})
	for {
		if _, _, err := s.ws.NextReader(); err != nil {
			return
		}
	}
}

// pingFrame is every ping the hub sends.
var pingFrame = frame(websocket.PingMessage, nil)

// pinged sends a ping and sets the timer for the next.
func (s *socket) pinged() {
	if !s.send(pingFrame, false) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == open {
		s.ping.Reset(s.timing.pingEvery)
	}
}

// Close sends a close frame with code and reason after what is queued, and
// ends the socket once it is written.
func (s *socket) Close(code int, reason string) {
	s.send(frame(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason)), true)
}

// Done is closed when the socket has ended and its goroutines have
// finished.
func (s *socket) Done() <-chan struct{} { return s.finished }

// send queues frame f (a close frame if closes) and writes what it can at
// once. It reports whether the socket took f: not once it is closing.
func (s *socket) send(f []byte, closes bool) bool {
	if !s.queue(f, closes) {
		return false
	}
	s.flush()
	return true
}

// queue adds f to the frames to write, unless the socket is closing; a
// client sendBuffer frames behind is dropped instead, with no close frame:
// it is not reading. The caller then flushes.
func (s *socket) queue(f []byte, closes bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != open {
		return false
	}
	if len(s.frames) >= sendBuffer {
		s.endLocked()
		return false
	}
	s.frames = append(s.frames, f)
	if closes {
		s.state, s.closeBy = closing, time.Now().Add(closeWait)
		if s.writing { // a write waiting on the client waits no longer
			s.conn.SetWriteDeadline(s.closeBy)
		}
	}
	return true
}

// flush writes the queued frames as far as the kernel takes them without
// waiting, and leaves the rest to a writer goroutine. Once a close frame is
// written, the connection ends.
func (s *socket) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writing || s.state == over {
		return
	}
	for s.raw != nil && len(s.frames) > 0 {
		n, err := s.writeNow(s.frames[0])
		if err != nil {
			s.endLocked()
			return
		}
		if n < len(s.frames[0]) {
			s.frames[0] = s.frames[0][n:]
			break
		}
		s.frames[0] = nil
		s.frames = s.frames[1:]
	}
	if len(s.frames) == 0 {
		s.frames = nil
		if s.state == closing {
			s.endLocked()
		}
		return
	}
	s.writing = true
	go s.write()
}

// writeNow writes what of b the kernel takes now, without waiting.
func (s *socket) writeNow(b []byte) (int, error) {
	var n int
	var err error
	if rerr := s.raw.Write(func(fd uintptr) bool {
		n, err = syscall.Write(int(fd), b)
		return true // never wait for the descriptor
	}); rerr != nil {
		return 0, rerr
	}
	if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
		return 0, nil
	}
	return max(n, 0), err
}

// write is the writer goroutine: it writes the queued frames, each within
// writeWait (what is left of a closing socket by closeBy), until none is
// left. A client that reads slowly is waited on here, by no one else.
func (s *socket) write() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.frames) > 0 {
		deadline := time.Now().Add(writeWait)
		if s.state == closing {
			deadline = s.closeBy
		}
		s.conn.SetWriteDeadline(deadline)
		f := s.frames[0]
		s.mu.Unlock()
		_, err := s.conn.Write(f)
		s.mu.Lock()
		if s.state == over {
			break
		}
		if err != nil {
			s.endLocked()
			break
		}
		s.frames[0] = nil
		s.frames = s.frames[1:]
	}
	s.writing = false
	switch s.state {
	case open: // later writes are made at once again, with no deadline
		s.frames = nil
		s.conn.SetWriteDeadline(time.Time{})
	case closing:
		s.endLocked()
	case over:
		close(s.ended) // endLocked left it to this goroutine
	}
}

// endLocked closes the connection, which also ends a write under way.
func (s *socket) endLocked() {
	if s.state == over {
		return
	}
	s.state, s.frames = over, nil
	s.conn.Close()
	if s.ping != nil {
		s.ping.Stop()
	}
	if !s.writing {
		close(s.ended)
	}
}

// prepare encodes v once for every receiver, as one text frame.
func prepare(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding a websocket message: %w", err)
	}
	return frame(websocket.TextMessage, b), nil
}

// frame returns a whole frame as a server sends it (final, unmasked) of
// opcode op with payload p, as RFC 6455 section 5.2 lays it out.
func frame(op int, p []byte) []byte {
	f := make([]byte, 0, 10+len(p))
	f = append(f, 0x80|byte(op))
	switch n := len(p); {
	case n < 126:
		f = append(f, byte(n))
	case n <= 0xffff:
		f = binary.BigEndian.AppendUint16(append(f, 126), uint16(n))
	default:
		f = binary.BigEndian.AppendUint64(append(f, 127), uint64(n))
	}
	return append(f, p...)
}
