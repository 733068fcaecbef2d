package web

import (
	"net"
	"net/netip"
	"testing"
)

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":            "192.0.2.7",
		"::ffff:192.0.2.7":     "192.0.2.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":      "2001:db8:1:3::/64",
		"fe80::1%eth0":         "fe80::/64",
	} {
		if got := ClientKey(netip.MustParseAddr(in)); got != want {
			t.Errorf("ClientKey(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestCapConnections: past the cap a client's connection is closed at
// once; a connection that closes gives its place back.
func TestCapConnections(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := CapConnections(raw, 2)
	defer ln.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := dial(), dial()
	first, second := <-accepted, <-accepted
	over := dial()
	// The third is closed by the hub: its read ends at once.
	if _, err := over.Read(make([]byte, 1)); err == nil {
		t.Error("a third connection from one client was kept open")
	}
	first.Close()
	a.Close()
	d := dial()
	third := <-accepted
	if third == nil {
		t.Fatal("no place given back after a connection closed")
	}
	for _, c := range []net.Conn{b, second, over, d, third} {
		c.Close()
	}
}
