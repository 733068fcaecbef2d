// counter-state.js: what the counter terminal knows, shared by its modules
// (counter.js wires them): the user, the hall, this counter as the hub last
// said, its queue, the link's health, the press in flight, and the sentence
// on the screen. Modules change `state` and call the render they were given;
// nothing else keeps a copy.

import { text } from "/assets/i18n.js";
import { pageLang } from "/assets/lang.js";
import { WORDS } from "/assets/counter-words.js";

export const L = pageLang(WORDS);

export const state = {
  user: null, // {username, role}
  hall: null, // GET /api/v1/hall: name, services, tiers, recall_limit, recall_tolerance_s
  counterId: "", // this PC's counter
  counter: null, // the Counter, as the hub last said
  services: [], // every service with its live figures
  queue: [], // [{id, tickets}]: the waiting tickets this counter may call
  counters: [], // GET /api/v1/counters: for the pick list and transfers
  view: "loading", // loading, pick, work
  live: "", // the live link's status (live.js)
  linkDown: false, // the live link was lost and is not back yet
  unreachable: false, // a request found no hub, and none has answered since
  busy: null, // the press whose request is on its way
  pending: null, // the press that waits to be sent again
  message: null, // {kind: info | ok | warn | error, say: (lang) => string}
  suggestNoShow: false, // the current ticket has had every recall
  presses: 0, // presses sent to the hub so far (not their retries)
  settled: true, // no press in flight, and none ended so recently that another would be a double press
};

// The ops whose request names the ticket the screen shows (expect).
export const EXPECTS = new Set(["next", "call", "recall", "start", "done", "noshow", "transfer"]);

// say puts a sentence on the screen: key of the page's words with args,
// or, with key null, the hub's own sentence args[0] as it came.
export function say(kind, key, ...args) {
  state.message = {
    kind,
    say: key === null ? () => args[0] : (lang) => L.in(lang, key, ...args),
  };
}

// sayWith is say for a sentence made from other sentences: fn(lang).
export function sayWith(kind, fn) {
  state.message = { kind, say: fn };
}

export function mine(c = state.counter) {
  return !!(c && state.user && c.state !== "closed" && c.staff === state.user.username);
}

// takenBy is who else works at the counter, or "".
export function takenBy(c = state.counter) {
  return c && c.state !== "closed" && c.staff && (!state.user || c.staff !== state.user.username) ? c.staff : "";
}

export function ticketNow() {
  return (state.counter && state.counter.ticket) || null;
}

export function tierOf(id) {
  return ((state.hall && state.hall.tiers) || []).find((t) => t.id === id) || null;
}

// vip reports whether a ticket's tier ranks above regular.
export function vip(ticket) {
  const t = tierOf(ticket && ticket.tier);
  return !!t && t.rank > 0;
}

export function serviceOf(id) {
  return state.services.find((s) => s.id === id) || ((state.hall && state.hall.services) || []).find((s) => s.id === id) || null;
}

export function serviceName(id, lang = L.lang) {
  const s = serviceOf(id);
  return (s && text(s.name, lang)) || id || "";
}

export function counterName(c, lang = L.lang) {
  if (!c) return "";
  return text(c.name, lang) || (lang === "zh" ? `${c.id} 号窗口` : `Counter ${c.id}`);
}

// counterById names a counter by its id, from what the page knows.
export function counterNameById(id, lang = L.lang) {
  if (state.counter && state.counter.id === id) return counterName(state.counter, lang);
  const c = state.counters.find((x) => x.id === id);
  return c ? counterName(c, lang) : lang === "zh" ? `${id} 号窗口` : `counter ${id}`;
}

export function recallLimit() {
  const n = state.hall && state.hall.recall_limit;
  return Number.isInteger(n) ? n : 3;
}

export function recallToleranceS() {
  const n = state.hall && state.hall.recall_tolerance_s;
  return Number.isInteger(n) ? n : 600;
}

// opLabel names an op as its button does, in lang.
export function opLabel(op, lang = L.lang) {
  if (op === "open" && state.counter && state.counter.state === "paused" && mine()) return L.in(lang, "resume");
  const key = { open: "open", pause: "pause", close: "close", next: "next", call: "call", recall: "recall", start: "start", done: "done", noshow: "noshow", transfer: "transfer" }[op];
  return key ? L.in(lang, key) : op;
}

// why says why op cannot be pressed now, as [key, ...args] of the page's
// words, or returns null when it can.
export function why(op) {
  const c = state.counter;
  if (!c) return ["failed"];
  const other = takenBy(c);
  const t = c.ticket;
  switch (op) {
    case "open":
      return null;
    case "pause":
      if (c.state === "closed") return ["whyClosed"];
      return other ? ["whyOther", other] : null;
    case "close":
      if (other) return ["whyOther", other];
      return t ? ["whyCloseTicket", t.number] : null;
  }
  if (c.state === "closed") return ["whyClosed"];
  if (other) return ["whyOther", other];
  switch (op) {
    case "next":
    case "call":
      return c.state === "paused" ? ["whyPaused"] : null;
    case "recall":
      if (!t) return ["whyNoTicket"];
      if (t.state !== "called") return ["whyServing"];
      return t.recalls >= recallLimit() ? ["whyNoRecalls", t.number] : null;
    case "start":
    case "noshow":
      if (!t) return ["whyNoTicket"];
      return t.state !== "called" ? ["whyServing"] : null;
    case "done":
    case "transfer":
      return t ? null : ["whyNoTicket"];
  }
  return null;
}
