package hallq

import "math"

// maxSamples is how many recent service times of a service the estimator keeps.
const maxSamples = 50

// minSamples is how many measured service times the estimator needs before it
// trusts them over the service's assumed service time.
const minSamples = 5

// Estimate is an estimated wait with its 80 % range, in seconds.
type Estimate struct {
	S     int
	LowS  int
	HighS int
}

// EstimateWait estimates the wait of a ticket with ahead tickets before it in
// a service that counters open counters take, from the service's recent
// service times (seconds, oldest first) or, with fewer than minSamples of
// them, its assumed service time.
//
// The wait is ahead × mean ÷ counters. The range treats the ahead service
// times as independent: ±1.28 standard deviations of their sum, spread over
// the counters, plus up to half a service for the customers at the counters
// now. With no counter open the estimate assumes one, and says so by a wide
// range: the high end doubles.
func EstimateWait(ahead, counters int, recent []int, assumedS int) Estimate {
	mean, sd := float64(assumedS), float64(assumedS)/2
	if len(recent) >= minSamples {
		mean, sd = meanSD(recent)
	}
	c := float64(counters)
	if counters < 1 {
		c = 1
	}
	n := float64(ahead)
	eta := n * mean / c
	spread := 1.28 * sd * math.Sqrt(math.Max(n, 1)) / c
	low := math.Max(0, eta-spread)
	high := eta + spread + mean/(2*c)
	if counters < 1 {
		high *= 2
	}
	return Estimate{S: round(eta), LowS: round(low), HighS: round(high)}
}

func meanSD(xs []int) (mean, sd float64) {
	for _, x := range xs {
		mean += float64(x)
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		d := float64(x) - mean
		sd += d * d
	}
	return mean, math.Sqrt(sd / float64(len(xs)-1))
}

func round(x float64) int { return int(math.Round(x)) }
