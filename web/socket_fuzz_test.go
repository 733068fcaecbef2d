package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"hallq"
	"hallq/web"
)

// clientFrame is one websocket frame as a client sends it: masked.
func clientFrame(opcode byte, fin bool, payload []byte) []byte {
	b0 := opcode
	if fin {
		b0 |= 0x80
	}
	out := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		out = append(out, 0x80|byte(n))
	case n < 1<<16:
		out = append(out, 0x80|126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out = append(out, 0x80|127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	mask := [4]byte{0x12, 0x34, 0x56, 0x78}
	out = append(out, mask[:]...)
	for i, c := range payload {
		out = append(out, c^mask[i%4])
	}
	return out
}

// FuzzSocketInput sends any bytes on a websocket after the handshake, where
// a page would send pongs and a close. The hub never panics, ends the
// connection once the client has stopped sending, and goes on serving the
// other sockets of the topic: an observer gets every message published
// after each input.
func FuzzSocketInput(f *testing.F) {
	seeds := [][]byte{
		{},
		clientFrame(websocket.TextMessage, true, []byte(`{"type":"hello"}`)),
		clientFrame(websocket.BinaryMessage, true, []byte{0, 1, 2}),
		clientFrame(websocket.PingMessage, true, []byte("ping")),
		clientFrame(websocket.PongMessage, true, nil),
		clientFrame(websocket.CloseMessage, true, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")),
		clientFrame(websocket.CloseMessage, true, []byte{0x03}),                   // a close of one byte
		clientFrame(websocket.CloseMessage, true, []byte{0x03, 0xe8, 0xff, 0xfe}), // a reason that is not UTF-8
		clientFrame(websocket.PingMessage, true, bytes.Repeat([]byte("p"), 126)),  // a control frame too long
		clientFrame(websocket.PingMessage, false, nil),                            // a fragmented control frame
		clientFrame(websocket.TextMessage, true, bytes.Repeat([]byte("x"), 513)),  // over the read limit
		clientFrame(websocket.TextMessage, true, []byte{0xff, 0xfe}),              // text that is not UTF-8
		append(clientFrame(websocket.TextMessage, false, []byte("a")), clientFrame(0, true, []byte("b"))...),
		clientFrame(0, true, []byte("continuation without a start")),
		clientFrame(0x3, true, nil), clientFrame(0xb, true, nil), // reserved opcodes
		{0x81, 0x05, 'h', 'e', 'l', 'l', 'o'},                        // not masked
		{0xc1, 0x80, 0, 0, 0, 0},                                     // RSV1 set: compression was not agreed
		{0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, // a length of 2^63-1
		{0x81, 0xfe, 0x00},                                           // a length cut short
		{0x81, 0xfe, 0x00, 0x05},                                     // a 16-bit length for a short payload
		[]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		bytes.Repeat(clientFrame(websocket.PingMessage, true, nil), 200),
		bytes.Repeat(clientFrame(websocket.PongMessage, true, []byte("pong")), 50),
	}
	for _, s := range seeds {
		f.Add(s)
	}

	hub := &web.Hub{}
	seq := uint64(1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, web.Join{Topic: "hall", Snapshot: func() (uint64, any, error) {
			return 1, testMessage{Type: "snapshot", Seq: 1}, nil
		}})
	}))
	ctx, cancel := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		hub.Follow(ctx, web.StillFeed{}, func([]hallq.Event) {}) // the fuzz test publishes by hand
	}()
	observer, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		observer.Close()
		cancel()
		<-followed
		srv.Close()
	})
	observer.SetReadDeadline(time.Now().Add(10 * time.Second))
	var m testMessage
	if err := observer.ReadJSON(&m); err != nil || m.Type != "snapshot" {
		f.Fatalf("the observer's snapshot: %+v, %v", m, err)
	}
	addr := srv.Listener.Addr().String()

	f.Fuzz(func(t *testing.T, input []byte) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(conn, "GET / HTTP/1.1\r\nHost: "+addr+"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
		rd := bufio.NewReader(conn)
		res, err := http.ReadResponse(rd, nil)
		if err != nil {
			t.Fatalf("the handshake: %v", err)
		}
		if res.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("the handshake: %s", res.Status)
		}
		if _, err := conn.Write(input); err != nil && !isReset(err) {
			t.Fatalf("writing the input: %v", err)
		}
		conn.(*net.TCPConn).CloseWrite()
		// The hub ends the connection: it read a close, an error, or the
		// end of what the client sends.
		if _, err := io.Copy(io.Discard, rd); err != nil && !isReset(err) {
			t.Fatalf("after input %.200q the hub did not end the connection: %v", input, err)
		}

		seq++
		if err := hub.Publish("hall", seq, testMessage{Type: "update", Seq: seq}); err != nil {
			t.Fatal(err)
		}
		observer.SetReadDeadline(time.Now().Add(10 * time.Second))
		var m testMessage
		if err := observer.ReadJSON(&m); err != nil || m.Seq != seq {
			t.Fatalf("after input %.200q the observer got %+v, %v; want seq %d", input, m, err, seq)
		}
	})
}

// isReset reports whether err is the peer resetting or having closed the
// connection, a fair end for a client that sent garbage.
func isReset(err error) bool {
	s := err.Error()
	return strings.Contains(s, "connection reset") || strings.Contains(s, "broken pipe")
}
