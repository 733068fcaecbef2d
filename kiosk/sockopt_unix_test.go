//go:build unix

package kiosk_test

import (
	"syscall"
	"testing"
)

// smallReceiveBuffer returns a listener's Control that gives the sockets it
// accepts a receive buffer of a couple of kilobytes, set before they connect
// so that the window they offer is that small from the start.
func smallReceiveBuffer(*testing.T) func(network, address string, c syscall.RawConn) error {
	return func(_, _ string, c syscall.RawConn) error {
		var err error
		if cerr := c.Control(func(fd uintptr) {
			err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
		}); cerr != nil {
			return cerr
		}
		return err
	}
}
