package web

import "time"

// SetPings sets how often h's sockets are pinged and how long a client may
// stay silent, for tests that cannot wait a minute. It must come before
// the first socket.
func SetPings(h *Hub, every, wait time.Duration) { h.timing = timing{every, wait} }
