package manager

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"golang.org/x/time/rate"
)

// A paced writer writes everything it is given, in pieces no larger than its
// burst, and stops when its request ends.
func TestPacedWriter(t *testing.T) {
	data := bytes.Repeat([]byte("hallq backup "), 3*backupBurst/13+7) // over three bursts, not a multiple
	var out bytes.Buffer
	p := &pacedWriter{ctx: context.Background(), w: &out, lim: rate.NewLimiter(rate.Inf, backupBurst)}
	if n, err := p.Write(data); err != nil || n != len(data) || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("wrote %d of %d bytes (%v); the copy matches: %v", n, len(data), err, bytes.Equal(out.Bytes(), data))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out.Reset()
	p = &pacedWriter{ctx: ctx, w: &out, lim: rate.NewLimiter(backupRate, backupBurst)}
	if n, err := p.Write(data); !errors.Is(err, context.Canceled) || n != 0 || out.Len() != 0 {
		t.Errorf("a request that ended: wrote %d bytes (%d reached the client), error %v; want none, context.Canceled", n, out.Len(), err)
	}
}
