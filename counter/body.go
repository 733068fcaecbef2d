package counter

import "hallq"

// actionBody is the JSON body of one counter action. Each action has its own
// type holding only the fields it takes, so that any other field is refused
// as unknown.
type actionBody interface {
	// apply copies the body's fields into a.
	apply(a *hallq.CounterAction)
}

// newActionBody returns an empty body of the type op takes.
func newActionBody(op hallq.CounterOp) actionBody {
	switch op {
	case hallq.OpOpen:
		return new(openBody)
	case hallq.OpPause, hallq.OpClose:
		return new(emptyBody)
	case hallq.OpCall:
		return new(callBody)
	case hallq.OpTransfer:
		return new(transferBody)
	}
	return new(expectBody) // next, recall, start, done, noshow
}

// openBody is the body of open.
type openBody struct {
	TakeOver bool `json:"take_over"` // take the counter over from another user
}

func (b *openBody) apply(a *hallq.CounterAction) { a.TakeOver = b.TakeOver }

// emptyBody is the body of pause and close: no fields.
type emptyBody struct{}

func (*emptyBody) apply(*hallq.CounterAction) {}

// expectBody is the body of next, recall, start, done and noshow.
type expectBody struct {
	Expect *uint64 `json:"expect"` // the ticket the terminal shows as current
}

func (b *expectBody) apply(a *hallq.CounterAction) { a.Expect = b.Expect }

// callBody is the body of call: a ticket to call out of turn, and why.
type callBody struct {
	Number string  `json:"number"`
	Reason string  `json:"reason"`
	Expect *uint64 `json:"expect"`
}

func (b *callBody) apply(a *hallq.CounterAction) {
	a.Number, a.Reason, a.Expect = b.Number, b.Reason, b.Expect
}

// transferBody is the body of transfer: to a service's queue, or to one
// counter.
type transferBody struct {
	Service string  `json:"service"`
	Counter string  `json:"counter"`
	Expect  *uint64 `json:"expect"`
}

func (b *transferBody) apply(a *hallq.CounterAction) {
	a.ToService, a.ToCounter, a.Expect = b.Service, b.Counter, b.Expect
}
