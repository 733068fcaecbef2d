package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"hallq"
)

// Websocket timing and sizes. Pages only listen: what they send is pongs
// and a close, so reads are small.
const (
	writeWait      = 10 * time.Second  // the longest one write may take
	pongWait       = 60 * time.Second  // a client silent this long is gone
	pingPeriod     = pongWait * 9 / 10 // how often the hub pings
	closeWait      = time.Second       // how long a close frame may take
	maxMessageSize = 512               // the largest message a client may send
	sendBuffer     = 64                // messages queued for one client before it is dropped
)

var upgrader = websocket.Upgrader{
	ReadBufferSize:  512,
	WriteBufferSize: 4096,
	// Write buffers are shared between writes, not held by idle clients.
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

// Socket is one websocket client with two goroutines: a reader (pongs, the
// close) and a writer that sends what is queued, with a deadline, and pings.
// A client that falls sendBuffer messages behind is dropped: it reconnects
// and takes a fresh snapshot.
type Socket struct {
	ws     *websocket.Conn
	send   chan *websocket.PreparedMessage
	quit   chan closeFrame
	writer chan struct{} // closed when the writer has finished
	done   chan struct{} // closed when both have
	once   sync.Once
}

type closeFrame struct {
	code   int
	reason string
}

// Upgrade checks the request's origin and makes it a websocket; a request
// from another origin gets 403 in the API's shape. The caller then Joins the
// socket to a Hub and Starts it.
func Upgrade(w http.ResponseWriter, r *http.Request) (*Socket, error) {
	if !CheckOrigin(r) {
		err := hallq.Errorf(hallq.EFORBIDDEN, "Connections from another site are refused; use the hub's own pages.")
		Error(w, r, err)
		return nil, err
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return nil, err // the upgrader has answered
	}
	s := &Socket{
		ws:     ws,
		send:   make(chan *websocket.PreparedMessage, sendBuffer),
		quit:   make(chan closeFrame, 1),
		writer: make(chan struct{}),
		done:   make(chan struct{}),
	}
	go s.write()
	return s, nil
}

// Start starts the socket's reader goroutine, which reads until the client
// goes away or the socket is closed, then waits for the writer and calls
// ended. The HTTP handler can return: the socket lives on in its two
// goroutines, with their small stacks.
func (s *Socket) Start(ended func()) {
	go func() {
		defer close(s.done)
		s.read()
		s.Close(websocket.CloseNormalClosure, "")
		<-s.writer
		ended()
	}()
}

// read reads (pongs and the close) until the connection fails or goes quiet.
func (s *Socket) read() {
	s.ws.SetReadLimit(maxMessageSize)
	s.ws.SetReadDeadline(time.Now().Add(pongWait))
	s.ws.SetPongHandler(func(string) error {
		return s.ws.SetReadDeadline(time.Now().Add(pongWait))
	})
	for {
		if _, _, err := s.ws.NextReader(); err != nil {
			return
		}
	}
}

// write sends queued messages and pings until the socket is closed.
func (s *Socket) write() {
	defer close(s.writer)
	defer s.ws.Close()
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	for {
		select {
		case m := <-s.send:
			s.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := s.ws.WritePreparedMessage(m); err != nil {
				return
			}
		case <-ping.C:
			if err := s.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				return
			}
		case f := <-s.quit:
			if f.code != 0 {
				msg := websocket.FormatCloseMessage(f.code, f.reason)
				s.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(closeWait))
			}
			return
		}
	}
}

// Send queues m without waiting. A client whose queue is full is dropped at
// once, with no close frame: it is not reading.
func (s *Socket) Send(m *websocket.PreparedMessage) {
	select {
	case s.send <- m:
	default:
		s.drop()
	}
}

// Close sends a close frame with code and reason, and ends the socket.
func (s *Socket) Close(code int, reason string) {
	s.once.Do(func() { s.quit <- closeFrame{code, reason} })
}

// drop ends the socket without a close frame, unblocking a stuck write.
func (s *Socket) drop() {
	s.once.Do(func() {
		s.quit <- closeFrame{}
		s.ws.NetConn().Close()
	})
}

// Done is closed when both of the socket's goroutines have finished.
func (s *Socket) Done() <-chan struct{} { return s.done }

// prepare encodes v once for every receiver.
func prepare(v any) (*websocket.PreparedMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding a websocket message: %w", err)
	}
	return websocket.NewPreparedMessage(websocket.TextMessage, b)
}
