package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// rawClient sends the load rows' ticket requests over keep-alive
// connections of its own: each request formatted into one buffer, each reply
// read for its status line and Content-Length only. net/http's client spends
// about as much CPU on a request as the hub does, on the two cores the hub
// is measured on; this one a fraction of it. It speaks only what the hub
// answers a ticket request with (HTTP/1.1, a Content-Length).
type rawClient struct {
	addr, host string
	idle       chan *rawConn
}

// rawConn is one connection and its buffers.
type rawConn struct {
	conn net.Conn
	r    *bufio.Reader
	buf  []byte
}

var (
	rawClients   = map[string]*rawClient{}
	rawClientsMu sync.Mutex
)

// rawClientFor returns the client of the hub at base, or nil for a hub
// that is not at a plain http:// URL (the load rows then use net/http).
func rawClientFor(base string) *rawClient {
	rawClientsMu.Lock()
	defer rawClientsMu.Unlock()
	if c, ok := rawClients[base]; ok {
		return c
	}
	var c *rawClient
	if u, err := url.Parse(base); err == nil && u.Scheme == "http" {
		c = &rawClient{addr: u.Host, host: u.Host, idle: make(chan *rawConn, 1024)}
	}
	rawClients[base] = c
	return c
}

// post sends a JSON body to path with an Idempotency-Key and returns the
// reply's status and body. A request that fails in transit on a kept-alive
// connection (the hub may have closed it) is sent once more on a new one:
// the key makes that safe.
func (c *rawClient) post(path, key, body string) (int, []byte, error) {
	for attempt := 0; ; attempt++ {
		var rc *rawConn
		reused := false
		if attempt == 0 {
			select {
			case rc = <-c.idle:
				reused = true
			default:
			}
		}
		if rc == nil {
			conn, err := net.DialTimeout("tcp", c.addr, 10*time.Second)
			if err != nil {
				return 0, nil, err
			}
			rc = &rawConn{conn: conn, r: bufio.NewReaderSize(conn, 4096)}
		}
		status, reply, keep, err := rc.post(c.host, path, key, body)
		if err != nil {
			rc.conn.Close()
			var transit *transitError
			if reused && errors.As(err, &transit) {
				continue
			}
			return 0, nil, err
		}
		if !keep {
			rc.conn.Close()
			return status, reply, nil
		}
		select {
		case c.idle <- rc:
		default:
			rc.conn.Close()
		}
		return status, reply, nil
	}
}

// transitError is a request that failed on the wire, before a whole reply
// came back: the connection may have been closed by the hub.
type transitError struct{ err error }

func (e *transitError) Error() string { return e.err.Error() }
func (e *transitError) Unwrap() error { return e.err }

var errUnsupportedReply = errors.New("a reply without a Content-Length")

// post sends one request and reads its reply; keep is false when the hub
// said it closes the connection.
func (rc *rawConn) post(host, path, key, body string) (status int, reply []byte, keep bool, err error) {
	b := append(rc.buf[:0], "POST "...)
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\nContent-Type: application/json\r\nIdempotency-Key: "...)
	b = append(b, key...)
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, body...)
	rc.buf = b
	rc.conn.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := rc.conn.Write(b); err != nil {
		return 0, nil, false, &transitError{err}
	}
	line, err := rc.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, &transitError{err}
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, nil, false, fmt.Errorf("not an HTTP/1.1 reply: %q", line)
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, nil, false, fmt.Errorf("a reply's status line: %q", line)
	}
	length, keep := -1, true
	for {
		line, err := rc.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		if len(line) <= 2 { // the blank line
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, nil, false, fmt.Errorf("a reply's Content-Length: %q", line)
			}
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			keep = false
		}
	}
	if length < 0 {
		return 0, nil, false, errUnsupportedReply
	}
	reply = make([]byte, length)
	if _, err := io.ReadFull(rc.r, reply); err != nil {
		return 0, nil, false, err
	}
	return status, reply, keep, nil
}
