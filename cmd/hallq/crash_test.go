package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
)

// TestCrash kills a real hub (SIGKILL) three times while 16 clients take
// tickets, then checks that every acknowledged ticket is there with its
// number, that a retry with the same key finds the ticket of a request that
// got no answer, and that no ticket exists twice.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills hub processes")
	}
	db := filepath.Join(t.TempDir(), "hallq.db")
	var mu sync.Mutex
	acked := map[string]issued{} // by idempotency key
	pending := map[string]bool{} // sent, not answered
	found := 0                   // pending requests the hub had committed
	retry := func(base string) {
		for key := range pending {
			tk, status, err := issueWithKey(base, key)
			if err != nil {
				t.Fatalf("retrying %s after a restart: %v", key, err)
			}
			if status == http.StatusOK {
				found++
			}
			acked[key] = tk
			delete(pending, key)
		}
	}

	const rounds, clients, perRound = 3, 16, 300
	for round := 0; round < rounds; round++ {
		hub := startHub(t, db)
		retry(hub.URL)
		target := len(acked) + perRound
		reached := make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					key := fmt.Sprintf("round%d-client%d-%d", round, c, i)
					mu.Lock()
					pending[key] = true
					mu.Unlock()
					tk, _, err := issueWithKey(hub.URL, key)
					if err != nil {
						return // the hub is gone; the key stays pending
					}
					mu.Lock()
					acked[key] = tk
					delete(pending, key)
					if len(acked) >= target {
						once.Do(func() { close(reached) })
					}
					mu.Unlock()
				}
			}()
		}
		<-reached
		hub.kill()
		wg.Wait()
		<-hub.exited
	}

	hub := startHub(t, db)
	retry(hub.URL)
	for key, want := range acked {
		var got issued
		if status := getJSON(t, hub.URL+"/api/v1/tickets/"+want.Token, "", &got); status != http.StatusOK {
			t.Fatalf("acknowledged ticket %s (key %s) is lost: status %d", want.Number, key, status)
		}
		if got.ID != want.ID || got.Number != want.Number {
			t.Errorf("acknowledged ticket %s #%d came back as %s #%d", want.Number, want.ID, got.Number, got.ID)
		}
	}
	var queue struct {
		Services []struct {
			ID      string
			Tickets []issued
		}
	}
	getJSON(t, hub.URL+"/api/v1/queue", login(t, hub.URL), &queue)
	ids, numbers, waiting := map[uint64]bool{}, map[string]bool{}, 0
	for _, s := range queue.Services {
		for _, tk := range s.Tickets {
			if ids[tk.ID] || numbers[tk.Number] {
				t.Errorf("ticket %s #%d exists twice", tk.Number, tk.ID)
			}
			ids[tk.ID], numbers[tk.Number] = true, true
			waiting++
		}
	}
	told := map[uint64]bool{}
	for _, tk := range acked {
		told[tk.ID] = true
	}
	if waiting != len(told) {
		t.Errorf("%d tickets wait, but customers were given %d", waiting, len(told))
	}
	t.Logf("%d tickets acknowledged over %d kills, %d of them committed before a kill and found by their retry; all found, none twice",
		len(acked), rounds, found)
}
