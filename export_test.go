package hallq

// EstimateAll recomputes the estimate of every waiting ticket, as the queue
// views do, and returns how many there were: for BenchmarkEstimateAll.
func EstimateAll(f *Floor) int {
	e := f.newEstimator()
	n := 0
	for _, s := range f.services {
		for i, t := range f.queues[s.ID] {
			e.ticket(t, i)
			n++
		}
	}
	return n
}
