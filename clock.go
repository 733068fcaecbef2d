package hallq

import (
	"fmt"
	"time"
)

// This file keeps the hall's time when the PC's clock is stepped: a clock
// set a year ahead by hand or by a dead CMOS battery, then corrected. The
// hall runs on its own time, the PC's clock less an offset that absorbs
// each step, so that a step neither ends the hall day with every ticket in
// it nor freezes numbering and issue times until real time catches up.

// AlertClock is the alert of a PC clock that was stepped: managers correct
// the clock, or resolve the alert to take the PC's time as right.
const AlertClock = "clock"

// ClockStepLimit is how far the PC's clock may move beyond the time that
// passed before the hall takes it for a step: NTP's corrections are far
// smaller, a clock set by hand or reset at boot far larger.
const ClockStepLimit = time.Hour

// HallTime returns the hall's time at the PC's time raw: raw less the
// offset of the clock steps absorbed.
func (f *Floor) HallTime(raw time.Time) time.Time { return wallTime(raw).Add(-f.clockOffset) }

// ClockOffset returns how far the PC's clock is from the hall's time: 0
// unless a step of the clock was absorbed and not yet undone or confirmed.
func (f *Floor) ClockOffset() time.Duration { return f.clockOffset }

// hasMonotonic reports whether t carries a monotonic clock reading, which
// only times from time.Now have: stripping it changes the value.
func hasMonotonic(t time.Time) bool { return t != t.Round(0) }

// observeClock looks at the PC's time raw, as Advance is given it: a move
// of its wall clock beyond the time that passed (measured on the
// monotonic clock, which no step moves) is a step, which the hall absorbs
// into its offset. After a restart, which carries no monotonic reading
// over, a PC clock behind the hall's last time by more than the limit is
// taken for a step too; a PC clock ahead is taken as the time that passed
// while the hub was stopped.
func (f *Floor) observeClock(ch *change, raw time.Time) {
	wall := wallTime(raw)
	var step time.Duration
	switch {
	case hasMonotonic(raw) && hasMonotonic(f.lastRaw):
		step = wall.Sub(wallTime(f.lastRaw)) - raw.Sub(f.lastRaw)
	case !f.looked && !f.lastSeen.IsZero():
		if behind := f.lastSeen.Sub(f.HallTime(wall)); behind > ClockStepLimit {
			step = -behind
		}
	}
	f.looked = true
	if hasMonotonic(raw) {
		f.lastRaw = raw
	}
	if step > ClockStepLimit || step < -ClockStepLimit {
		f.clockOffset += step
		if f.clockOffset > -time.Minute && f.clockOffset < time.Minute {
			f.clockOffset = 0 // stepped back to the right time, near enough
		}
		f.clockAlert(ch, wall)
	}
	if t := f.HallTime(wall); t.After(f.lastSeen) {
		f.lastSeen = t
	}
}

// clockAlert raises, updates or resolves the clock alert to match the
// offset: it is open while the PC's clock and the hall's time differ.
func (f *Floor) clockAlert(ch *change, wall time.Time) {
	var open *Alert
	for _, a := range f.alertsByID() {
		if a.Kind == AlertClock {
			open = a
		}
	}
	hall := f.HallTime(wall)
	switch {
	case open == nil && f.clockOffset == 0:
	case f.clockOffset == 0:
		open.State, open.ResolvedAt, open.EscalatesAt = AlertStateResolved, hall, time.Time{}
		open.Message = f.clockMessage(wall)
		f.dropAlert(open)
		ch.alertEvent(Event{Type: AlertResolved, Alert: open})
	case open == nil:
		a := &Alert{Kind: AlertClock, WaitedS: seconds(f.clockOffset)}
		ch.raise(a, Event{})
		a.Message = f.clockMessage(wall)
		ch.escalate(a) // the alarm: the hall runs on a time the PC does not show
	default:
		open.WaitedS, open.Message = seconds(f.clockOffset), f.clockMessage(wall)
		ch.alertEvent(Event{Type: AlertUpdated, Alert: open})
	}
}

// clockMessage says what happened to the clock and what to do.
func (f *Floor) clockMessage(wall time.Time) Text {
	loc := f.days.Location()
	pc, hall := wall.In(loc).Format("2006-01-02 15:04"), f.HallTime(wall).In(loc).Format("2006-01-02 15:04")
	if f.clockOffset == 0 {
		return Text{
			EN: fmt.Sprintf("The PC's clock and the hall's time agree again (%s).", pc),
			ZH: fmt.Sprintf("电脑时钟已与大厅时间一致（%s）。", pc),
		}
	}
	return Text{
		EN: fmt.Sprintf("The PC's clock was changed: it reads %s, the hall keeps its own time, %s, so that no ticket loses its place. Correct the PC's clock; or, if it is right now, resolve this alert to move the hall to it.", pc, hall),
		ZH: fmt.Sprintf("电脑时钟被改动：显示 %s，大厅按自身时间 %s 运行，所有号票保持原位。请校正电脑时钟；如电脑时钟无误，请处理本警报，大厅将改用电脑时间。", pc, hall),
	}
}

// confirmClock takes the PC's clock as right, as a manager resolving the
// clock alert says: the hall moves to it. Forward, the hall day may end at
// the next Advance as at any day's end. Back to an earlier hall day (the
// hub started on a clock set ahead, which was then corrected), the open
// work moves back with it: every open ticket, call and counter keeps its
// place and order, and numbering goes on after numbers, the highest
// numbers already issued on that earlier day (by service, as the store
// reads them), so that no number is issued twice on a day.
func (f *Floor) confirmClock(ch *change, numbers map[string]int) {
	shift := f.clockOffset // the hall's times move by this
	f.clockOffset = 0
	f.lastSeen = f.lastSeen.Add(shift)
	ch.now = ch.now.Add(shift)
	day := f.days.Of(ch.now)
	if shift >= 0 || day >= f.day {
		return
	}
	move := func(t *time.Time) {
		if !t.IsZero() {
			*t = t.Add(shift)
		}
	}
	for _, t := range f.openByID() {
		for _, at := range []*time.Time{&t.Key, &t.IssuedAt, &t.LegAt, &t.CalledAt, &t.ServedAt, &t.FinishedAt} {
			move(at)
		}
		t.Day = day
		ch.touchTicket(t)
	}
	for _, c := range f.counters {
		move(&c.Since)
		ch.touchCounter(c)
	}
	for i := range f.calls {
		move(&f.calls[i].At)
	}
	for _, a := range f.alerts {
		for _, at := range []*time.Time{&a.RaisedAt, &a.EscalatesAt, &a.Since} {
			move(at)
		}
		a.Day = day
		ch.touchAlert(a)
	}
	move(&f.lastIssued)
	for s, n := range numbers {
		f.numbers[s] = max(f.numbers[s], n)
	}
	ch.out.UndoneDay, f.day = f.day, day
	ch.out.Config = true
	ch.event(Event{Type: HallUpdated}) // every view takes the hall anew
}
