package web

import (
	"net"
	"net/netip"
	"sync"
)

// ClientKey is how the hub's per-client limits know an address: an IPv4
// address whole, an IPv6 address by its /64, which a household, a phone
// or a guest network gets whole, so that one client cannot take a fresh
// address for each try.
func ClientKey(addr netip.Addr) string {
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// CapConnections returns ln with at most max connections open at a time
// from one client (ClientKey): a connection past the cap is closed at once,
// so that one guest holding connections open cannot starve the kiosks of
// file descriptors. max 0 is no cap.
func CapConnections(ln net.Listener, max int) net.Listener {
	if max <= 0 {
		return ln
	}
	return &cappedListener{Listener: ln, max: max, open: map[string]int{}}
}

type cappedListener struct {
	net.Listener
	max int

	mu   sync.Mutex
	open map[string]int
}

func (l *cappedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := connKey(c)
		l.mu.Lock()
		over := l.open[key] >= l.max
		if !over {
			l.open[key]++
		}
		l.mu.Unlock()
		if over {
			c.Close()
			continue
		}
		return &cappedConn{Conn: c, release: func() { l.release(key) }}, nil
	}
}

func (l *cappedListener) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[key]--; l.open[key] <= 0 {
		delete(l.open, key)
	}
}

// connKey is the client key of a connection's remote address.
func connKey(c net.Conn) string {
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ClientKey(ap.Addr())
	}
	return c.RemoteAddr().String()
}

// cappedConn gives its place back once, when it closes.
type cappedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *cappedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
