// display-view.js: draws the waiting-room display (display.html) from the
// hub's display view: the hall's name, the latest call and the ones before
// it, each service's queue and wait, the notice, and the clock in the
// hall's time zone. Every text goes in with textContent, in Chinese and
// English at once: the whole hall reads one screen.

import { fit } from "/assets/display-fit.js";
import { capitalized, ticketWait, text } from "/assets/i18n.js";

export const RECENT = 10; // calls listed below the latest one
export const FLASH_MS = 8000; // how long a new call's number flashes

const $ = (id) => document.getElementById(id);

// el makes an element with a class and, optionally, text in a language.
export function el(tag, className, content, lang) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (content !== undefined) e.textContent = content;
  if (lang) e.lang = lang === "zh" ? "zh-Hans" : "en";
  return e;
}

// both fills the elements of ids zh and en with t, an {en, zh} object.
function both(zhId, enId, t) {
  $(zhId).textContent = (t && t.zh) || "";
  $(enId).textContent = (t && t.en) || "";
}

// callKey identifies one call: a recall is a call of its own, with its own
// time.
export function callKey(c) {
  return `${c.number}|${c.at}`;
}

// uniqueCalls keeps the newest call of each number, newest first.
export function uniqueCalls(calls) {
  const seen = new Set();
  const out = [];
  for (const c of calls) {
    if (!c || seen.has(c.number)) continue;
    seen.add(c.number);
    out.push(c);
  }
  return out;
}

// counterName is the name of a call's counter in lang: the name the call
// carries, else "3号窗口" / "Counter 3".
export function counterName(call, lang) {
  const named = call.counter_name && call.counter_name[lang];
  if (named) return named;
  return lang === "zh" ? `${call.counter}号窗口` : `Counter ${call.counter}`;
}

// shortCounterName is "3号窗口" / "Counter 3" for a counter whose id is a
// number, whatever its full name ("4号窗口 · 贵宾"): for narrow lists.
export function shortCounterName(call, lang) {
  if (!/^[0-9]{1,4}$/.test(String(call.counter))) return counterName(call, lang);
  return lang === "zh" ? `${call.counter}号窗口` : `Counter ${call.counter}`;
}

export function drawHall(name) {
  $("hall-zh").textContent = text(name, "zh") || " ";
  $("hall-en").textContent = name && name.en && name.en !== name.zh ? name.en : "";
  const t = [text(name, "zh"), name && name.en].filter(Boolean);
  document.title = t.length ? `${[...new Set(t)].join(" · ")} · 叫号` : "叫号 · Now calling";
}

export function drawNotice(notice) {
  const has = !!(notice && (notice.zh || notice.en));
  $("notice").hidden = !has;
  both("notice-zh", "notice-en", notice);
  return has;
}

// drawCalls shows calls (newest first, one per number): the first large,
// the next RECENT listed.
export function drawCalls(calls) {
  const list = uniqueCalls(calls);
  const latest = list[0];
  $("latest").dataset.empty = latest ? "0" : "1";
  $("latest-number").textContent = latest ? latest.number : "—";
  $("latest-counter-zh").textContent = latest ? counterName(latest, "zh") : "";
  $("latest-counter-en").textContent = latest ? counterName(latest, "en") : "";
  $("latest-again").hidden = !(latest && latest.recall);
  $("latest").dataset.number = latest ? latest.number : "";
  const items = list.slice(1, RECENT + 1).map((c) => {
    const li = el("li", "recent-call");
    li.dataset.number = c.number;
    const counter = el("span", "rc-counter");
    counter.append(
      el("span", "zh full", counterName(c, "zh"), "zh"),
      el("span", "en full", counterName(c, "en"), "en"),
      el("span", "zh short", shortCounterName(c, "zh"), "zh"),
      el("span", "en short", shortCounterName(c, "en"), "en"),
    );
    li.append(el("span", "rc-number", c.number), el("span", "rc-arrow", "→"), counter);
    li.lastChild.previousSibling.setAttribute("aria-hidden", "true");
    return li;
  });
  if (items.length === 0) {
    const li = el("li", "recent-none");
    li.append(el("span", "zh", "暂无", "zh"), " ", el("span", "en", "None yet", "en"));
    items.push(li);
  }
  $("recent").replaceChildren(...items);
  fitCalls();
}

// fitCalls shrinks the latest call to its box when a long number or
// counter name would not fit.
export function fitCalls() {
  fit($("latest-number"), true);
  fit(document.querySelector(".latest-counter"), true);
}

let flashTimer = 0;
let flashes = 0;

// flash makes the latest call flash for FLASH_MS, from the start again if
// it flashes already.
export function flash() {
  const latest = $("latest");
  latest.classList.remove("flash");
  void latest.offsetWidth; // restarts the animation
  latest.classList.add("flash");
  flashes++;
  document.body.dataset.flashes = String(flashes);
  document.body.dataset.flash = "1";
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => {
    latest.classList.remove("flash");
    document.body.dataset.flash = "0";
  }, FLASH_MS);
}

// noCounter tells whether no open counter takes service s now: the hub
// says so (eta_s null, eta_reason "no_counter"), or no counter that serves
// it is open (public counters that name their services; else any counter).
export function noCounter(s, counters) {
  if (s.eta_reason === "no_counter" || s.eta_s === null || s.eta_s === undefined) return true;
  if (!Array.isArray(counters) || counters.length === 0) return false;
  const serving = counters.filter((c) => {
    if (c.state !== "open") return false;
    const takes = [...(c.services || []), ...(c.also_serves || [])];
    return !Array.isArray(c.services) || takes.includes(s.id);
  });
  return serving.length === 0;
}

// waitWords says a service's wait in both languages: the wait of a ticket
// taken now, in the words every page uses for the hub's estimate (i18n.js),
// so the display, the kiosk and the phone say the same.
function waitWords(s, counters) {
  if (s.accepting === false) return { kind: "closed", zh: "暂停取号", en: "Not taking tickets" };
  const est = noCounter(s, counters) ? { ...s, eta_s: null, eta_reason: "no_counter" } : s;
  const kind = est.eta_reason === "no_counter" ? "no_counter" : s.waiting ? "estimate" : "none";
  return { kind, zh: ticketWait(est, "zh", s.id), en: capitalized(ticketWait(est, "en", s.id)) };
}

// drawServices lists each service with its waiting count and wait.
export function drawServices(services, counters) {
  const items = (services || []).map((s) => {
    const li = el("li", "service");
    li.dataset.id = s.id;
    const w = waitWords(s, counters);
    li.dataset.eta = w.kind;
    const name = el("span", "svc-name");
    name.append(el("span", "zh", text(s.name, "zh"), "zh"), el("span", "en", (s.name && s.name.en) || "", "en"));
    const n = s.waiting || 0;
    const waiting = el("span", "svc-waiting");
    waiting.append(
      el("strong", "svc-n", String(n)),
      el("span", "zh", "人等候", "zh"),
      el("span", "en", "waiting", "en"),
    );
    const eta = el("span", "svc-eta");
    eta.append(el("span", "zh", w.zh, "zh"), el("span", "en", w.en, "en"));
    li.append(el("span", "svc-id", s.id), name, waiting, eta);
    return li;
  });
  $("services").replaceChildren(...items);
  $("services").dataset.count = String(items.length);
  document.body.dataset.services = String(items.length);
  fitServices();
}

// fitServices shrinks the services' type when their rows would not all fit
// the panel (many services, a wait in words over two lines).
export function fitServices() {
  fit(document.querySelector(".services"));
}

// The clock, in the hall's time zone only: until the zone is known it
// shows no time rather than the PC's.
const formats = new Map();

function formatter(locale, options) {
  const key = locale + JSON.stringify(options);
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formats.set(key, f);
  }
  return f;
}

// timeIn formats ms (epoch) as HH:MM in zone.
export function timeIn(ms, zone) {
  return formatter("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ms);
}

// validZone tells whether the browser knows zone.
export function validZone(zone) {
  if (typeof zone !== "string" || zone === "") return false;
  try {
    formatter("en-GB", { timeZone: zone, hour: "2-digit" });
    return true;
  } catch {
    return false;
  }
}

export function drawClock(ms, zone) {
  if (!validZone(zone)) {
    $("clock-time").textContent = "--:--";
    $("clock-date").textContent = "";
    return;
  }
  $("clock-time").textContent = timeIn(ms, zone);
  $("clock-time").dateTime = new Date(ms).toISOString();
  const zh = formatter("zh-CN", { timeZone: zone, month: "long", day: "numeric", weekday: "short" }).format(ms);
  const en = formatter("en-GB", { timeZone: zone, weekday: "short", day: "numeric", month: "short" }).format(ms);
  $("clock-date").textContent = `${zh} · ${en}`;
}
