package kiosk

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// ticketTopic prefixes a ticket's id in the hub's topics: each ticket has
// its own, joined by its phone's sockets only.
const ticketTopic = "ticket:"

// topicOf returns the topic of ticket id.
func topicOf(id uint64) string { return ticketTopic + strconv.FormatUint(id, 10) }

// message is a message to a phone: the snapshot, or its ticket after a
// change. It never carries another ticket.
type message struct {
	Type   string        `json:"type"`
	Seq    uint64        `json:"seq"`
	Ticket *hallq.Ticket `json:"ticket"`
}

// handleTicketSocket serves /ws/tickets/{token}: the ticket the token names,
// then the ticket again whenever what its phone shows changes. The token is
// the only credential; an unknown one gets 404 before any upgrade.
func (h *Handler) handleTicketSocket(w http.ResponseWriter, r *http.Request) {
	t, err := h.Tickets.FindTicketByToken(r.Context(), chi.URLParam(r, "token"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	h.hub.Serve(w, r, web.Join{Topic: topicOf(t.ID), Snapshot: func() (uint64, any, error) { return h.snapshot(r.Context(), t) }})
}

// snapshot returns the first message of a socket of ticket t, and the seq it
// shows, and tells the phones' memory that a socket shows it. The hub calls
// it with no publication in between.
func (h *Handler) snapshot(ctx context.Context, t *hallq.Ticket) (uint64, any, error) {
	var (
		seq  uint64
		view *hallq.Ticket
		open bool
	)
	h.Feed.ReadFloor(func(f *hallq.Floor, s uint64, _ time.Time) {
		seq = s
		view, open = f.OpenTicket(t.ID)
	})
	if !open {
		// It was closed by seq, so what is stored is its last state. The
		// read comes after ReadFloor, which holds the store's lock.
		var err error
		if view, err = h.Tickets.FindTicketByToken(ctx, t.Token); err != nil {
			return 0, nil, err
		}
	}
	h.phones.join(t.ID, seq, view)
	return seq, message{Type: "snapshot", Seq: seq, Ticket: view}, nil
}

// Sockets returns how many websockets the handler serves now.
func (h *Handler) Sockets() int { return h.hub.Len() }

// Run keeps every phone's view of its ticket up to date until ctx ends, then
// closes their sockets.
func (h *Handler) Run(ctx context.Context) {
	h.hub.Follow(ctx, h.Feed, h.publish)
}

// update is a ticket's view and the seq of the state it shows.
type update struct {
	ticket *hallq.Ticket
	seq    uint64
}

// publish sends each ticket that has sockets to them, after a batch of
// events, when what they show has changed: its state, counter, recalls, or
// while it waits its place and estimate, which other tickets and the
// counters move. All the views are made in one read of the floor, so a
// batch costs one view per ticket with sockets, however many events it
// holds.
//
// An open ticket's view is the floor's, which may already be ahead of the
// batch, so it carries the floor's seq: a socket whose snapshot is newer
// than the batch but older than the floor must not skip it. A ticket no
// longer open (done, cancelled, expired, a no-show let go) takes its state
// from its last event in the batch, with that event's seq; with no event in
// the batch, its phones have its last state already, or get it with the
// next batch.
func (h *Handler) publish(batch []hallq.Event) {
	watched := h.phones.watched(h.hub.Topics)
	if len(watched) == 0 {
		return
	}
	last := map[uint64]update{}
	for _, e := range batch {
		if e.Ticket != nil {
			last[e.Ticket.ID] = update{e.Ticket, e.Seq}
		}
	}
	updates := make([]update, len(watched))
	ids := make([]uint64, len(watched))
	for i, w := range watched {
		ids[i] = w.id
	}
	h.Feed.ReadFloor(func(f *hallq.Floor, seq uint64, _ time.Time) {
		// All the views in one read, with one estimator.
		for i, t := range f.OpenTickets(ids) {
			if t != nil {
				updates[i] = update{t, seq}
			} else {
				updates[i] = last[watched[i].id]
			}
		}
	})
	for i, w := range watched {
		u := updates[i]
		if u.ticket == nil || !h.phones.changed(w.phone, u) {
			continue
		}
		h.hub.Publish(topicOf(w.id), u.seq, message{Type: "ticket", Seq: u.seq, Ticket: u.ticket})
		h.phones.sent(w.phone, u)
	}
}

// phones remembers, for each ticket with sockets, what they were sent, so
// that a ticket is published only when its view changes.
type phones struct {
	mu    sync.Mutex
	round uint64 // the batches published so far
	byID  map[uint64]*phone
}

// phone is what the sockets of one ticket show. Each has had seq, the
// newest state published to them, or its snapshot if no later; each shows
// view, or took a snapshot later than seq, and then joined is later too.
type phone struct {
	view   hallq.Ticket
	seq    uint64
	joined uint64 // the seq of the newest snapshot a socket took
	round  uint64 // the round of the newest snapshot
}

// watchedPhone is a ticket with sockets, and what they show.
type watchedPhone struct {
	id    uint64
	phone *phone
}

// join records that a socket of ticket id took a snapshot of view at seq.
func (p *phones) join(id, seq uint64, view *hallq.Ticket) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ph := p.byID[id]
	if ph == nil {
		// The ticket's first socket (watched forgets a ticket only when
		// it has none): what it shows is all its sockets show.
		ph = &phone{view: *view, seq: seq}
		if p.byID == nil {
			p.byID = map[uint64]*phone{}
		}
		p.byID[id] = ph
	}
	ph.joined = max(ph.joined, seq)
	ph.round = p.round
}

// watched starts a round of publication: it forgets the tickets that no
// longer have sockets, as topics lists them, and returns the others. A
// ticket whose first socket is joining as topics runs is kept: its snapshot
// came in this round.
func (p *phones) watched(topics func() []string) []watchedPhone {
	p.mu.Lock()
	p.round++
	p.mu.Unlock()
	live := map[string]bool{}
	for _, t := range topics() {
		live[t] = true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]watchedPhone, 0, len(p.byID))
	for id, ph := range p.byID {
		if !live[topicOf(id)] && ph.round < p.round {
			delete(p.byID, id)
			continue
		}
		out = append(out, watchedPhone{id, ph})
	}
	return out
}

// changed reports whether u must be published to ph's sockets: it is newer
// than what they were sent (an older state reaches none of them: each has
// had ph.seq), and either it is not what they show or some show a later
// snapshot, which may differ from it.
//
// Tickets are compared whole, but for the estimate: one that moved by no
// more than a minute or 15 % (hallq.EstimateMoved) counts as what the
// phone shows, so a phone hears of its estimate when it moves, not with
// every event; any other change (its state, the people ahead) is sent at
// once, with the estimate as it is then. Equal tickets encode alike, and
// the rare tickets equal in content but not in their times' locations are
// sent twice, which is harmless.
func (p *phones) changed(ph *phone, u update) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if u.seq <= ph.seq {
		return false
	}
	if ph.joined > ph.seq {
		return true
	}
	was, now := liveOf(&ph.view), liveOf(u.ticket)
	if !hallq.EstimateMoved(ph.view.Estimate(), u.ticket.Estimate()) {
		now.EtaS, now.EtaLowS, now.EtaHighS, now.EtaReason = was.EtaS, was.EtaLowS, was.EtaHighS, was.EtaReason
	}
	kept, keptNow := ph.view, *u.ticket
	kept.Live, keptNow.Live = nil, nil
	return kept != keptNow || was != now
}

// liveOf returns a copy of t's live figures, none if it has none.
func liveOf(t *hallq.Ticket) hallq.Live {
	if t.Live == nil {
		return hallq.Live{}
	}
	return *t.Live
}

// sent records that u was published to ph's sockets.
func (p *phones) sent(ph *phone, u update) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ph.view, ph.seq = *u.ticket, u.seq
}
