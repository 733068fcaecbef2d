// clock.js: the hub's time on a staff page, and how long things took.
//
// A page counts waits from times the hub gave (issued_at, called_at), so it
// needs the hub's clock, not the PC's, which may be set minutes wrong.
// request.js passes every reply to noteClock(), which compares the reply's
// Date header with the PC's clock; hubNow() is the PC's clock corrected by
// that difference when it is clearly more than the Date's rounding.
//
//	import { everySecond, hubNow, secondsSince, stopwatch } from "/assets/clock.js";
//
//	everySecond(() => { el.textContent = stopwatch(secondsSince(ticket.called_at)); });

import { minutes } from "/assets/i18n.js";

const SKEW_MIN_MS = 5000; // a smaller difference is the Date header's rounding

let skewMs = 0; // the hub's clock minus the PC's

// noteClock compares the Date of a reply, requested at sentMs (the PC's
// clock), with the PC's clock.
export function noteClock(res, sentMs) {
  const hub = Date.parse((res && res.headers && res.headers.get("Date")) || "");
  if (Number.isNaN(hub)) return;
  const skew = hub + 500 - (sentMs + Date.now()) / 2;
  skewMs = Math.abs(skew) > SKEW_MIN_MS ? skew : 0;
}

// noteHubTime takes a time the hub stated as its now (milliseconds since
// the epoch), such as a display snapshot's "now", as exact: no rounding
// allowance.
export function noteHubTime(ms) {
  if (Number.isFinite(ms)) skewMs = ms - Date.now();
}

// noteHubAtLeast takes a time the hub has certainly reached (milliseconds
// since the epoch), such as the time of a call it sent: a clock found
// behind it is moved up to it.
export function noteHubAtLeast(ms) {
  if (Number.isFinite(ms) && hubNow() < ms) skewMs = ms - Date.now();
}

// hubNow returns the hub's time now, in milliseconds since the epoch.
export function hubNow() {
  return Date.now() + skewMs;
}

// secondsSince returns the whole seconds from the time iso (RFC 3339) to
// until (milliseconds, default now on the hub's clock), never below 0; NaN
// when iso is not a time.
export function secondsSince(iso, until = hubNow()) {
  const at = Date.parse(iso || "");
  if (Number.isNaN(at)) return NaN;
  return Math.max(0, Math.floor((until - at) / 1000));
}

// stopwatch says seconds as m:ss, or h:mm:ss from an hour.
export function stopwatch(s) {
  if (!Number.isFinite(s)) return "";
  s = Math.max(0, Math.floor(s));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

// waitText says a wait in whole minutes, rounded down: "12 分钟", "12 min";
// under a minute "不到 1 分钟", "under 1 min".
export function waitText(s, lang) {
  if (!Number.isFinite(s)) return "";
  if (s < 60) return lang === "zh" ? "不到 1 分钟" : "under 1 min";
  const m = Math.floor(s / 60);
  if (m >= 120) {
    const h = Math.floor(m / 60);
    return lang === "zh" ? `${h} 小时 ${m % 60} 分钟` : `${h} h ${m % 60} min`;
  }
  return lang === "zh" ? `${m} 分钟` : `${m} min`;
}

// minutesText says seconds rounded up to whole minutes: "10 分钟", "10 min".
export function minutesText(s, lang) {
  const m = minutes(s);
  return lang === "zh" ? `${m} 分钟` : `${m} min`;
}

// everySecond runs fn now and then at the start of every second of the
// PC's clock, so that several counters on a screen tick together. It
// returns a function that stops it.
export function everySecond(fn) {
  let timer = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    try {
      fn();
    } catch (err) {
      (globalThis.reportError || console.error)(err);
    }
    timer = setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
