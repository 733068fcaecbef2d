//go:build !unix

package kiosk_test

import (
	"syscall"
	"testing"
)

// smallReceiveBuffer skips the test: it sets socket options the Unix way.
func smallReceiveBuffer(t *testing.T) func(network, address string, c syscall.RawConn) error {
	t.Skip("setting a socket's receive buffer before it connects is done for Unix only")
	return nil
}
