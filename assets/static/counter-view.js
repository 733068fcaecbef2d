// counter-view.js: draws the counter terminal from counter-state.js's
// state: the bar, the customer at the counter, the buttons (enabled only
// when they can act, each saying why not), the queue this counter calls
// from, today's figures, and the counter pick list. render() redraws it
// all; tick() only what changes with the clock.
//
// <body> reflects the page's state for the stylesheet and the browser
// tests: data-view (loading, pick, work), data-counter, data-state (the
// counter's), data-ticket and data-ticket-state (the current ticket),
// data-mine ("1" when the user works here), data-hub (up, down),
// data-busy and data-pending (the op being sent, or waiting to be sent
// again), data-presses (the presses sent so far, retries not counted),
// data-settled ("1" once a press may follow the last without counting as
// its double),
// data-message (the kind of the sentence shown), data-dialog (the dialog
// open), data-live and data-lang.

import { clock, text } from "/assets/i18n.js";
import { hubNow, secondsSince, stopwatch, waitText } from "/assets/clock.js";
import { htmlLang } from "/assets/lang.js";
import {
  L, counterName, mine, opLabel, recallLimit, serviceName, state, takenBy, tierOf, vip, why,
} from "/assets/counter-state.js";

const $ = (id) => document.getElementById(id);
const body = document.body;

function el(tag, className, content) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (content !== undefined) e.textContent = content;
  return e;
}

// durationText says a service time: "4 分 05 秒", "4 min 05 s".
function durationText(s, lang) {
  if (!Number.isFinite(s)) return L.in(lang, "noFigure");
  s = Math.round(s);
  const m = Math.floor(s / 60);
  const ss = String(s % 60).padStart(2, "0");
  return lang === "zh" ? `${m} 分 ${ss} 秒` : `${m} min ${ss} s`;
}

function stateWord(c) {
  return L.t({ closed: "stateClosed", open: "stateOpen", paused: "statePaused" }[c.state] || "stateClosed");
}

// --- The bar.

function renderBar() {
  const c = state.counter;
  $("hall-name").textContent = text(state.hall && state.hall.name, L.lang);
  $("counter-name").textContent = state.view === "work" && c ? counterName(c) : L.t("title");
  const pill = $("state-pill");
  pill.hidden = !(state.view === "work" && c);
  if (c) {
    pill.textContent = stateWord(c);
    pill.dataset.state = c.state;
  }
  $("who").textContent = state.user ? state.user.username : "";
  $("change-counter").hidden = state.view !== "work";
  document.title = `${state.view === "work" && c ? counterName(c) : L.t("title")} · hallq`;
}

function renderHubDown() {
  const down = state.unreachable || state.linkDown;
  body.dataset.hub = down ? "down" : "up";
  const box = $("hub-down");
  box.hidden = !down && !state.pending;
  const p = state.pending || (down && state.busy);
  const lines = [L.t("hubDown"), p ? L.t("pendingRetry", opLabel(p.op)) : L.t("hubDownIdle")];
  $("hub-down-text").replaceChildren(el("strong", "", lines[0]), " ", el("span", "", lines[1]));
  $("stop-retry").hidden = !state.pending;
  // The biggest button says it too.
  const nextWaits = (state.pending || state.busy || {}).op === "next";
  $("next-offline").textContent = !down ? "" : nextWaits ? L.t("retrying") : L.t("hubDownShort");
}

// --- The customer at the counter.

function renderTicket() {
  const c = state.counter;
  const card = $("ticket-card");
  const t = c && c.ticket;
  const other = takenBy(c);
  const me = mine(c);
  $("paused-strip").hidden = !(me && c.state === "paused");
  const openInline = $("open-inline");
  openInline.hidden = true;
  if (!c) return;
  card.classList.toggle("vip", !!t && !other && vip(t));
  if (t && !other) {
    card.dataset.state = t.state;
    $("ticket").hidden = false;
    $("no-ticket").hidden = true;
    renderCurrent(t);
    return;
  }
  $("ticket").hidden = true;
  $("no-ticket").hidden = false;
  let title, hint;
  if (c.state === "closed") {
    card.dataset.state = "closed";
    [title, hint] = [L.t("closedTitle"), L.t("closedHint")];
    openInline.hidden = false;
    openInline.textContent = L.t("openCounter");
  } else if (other) {
    card.dataset.state = "other";
    [title, hint] = [L.t("inUseTitle", other), L.t("inUseHint")];
    openInline.hidden = false;
    openInline.textContent = L.t("takeOver");
  } else {
    card.dataset.state = c.state === "paused" ? "paused" : "idle";
    title = L.t("idleTitle");
    hint = c.state === "paused" ? L.t("pausedHint") : waitingForMe() > 0 ? L.t("idleHint") : L.t("idleNobody");
  }
  $("no-ticket-title").textContent = title;
  $("no-ticket-hint").textContent = hint;
}

function renderCurrent(t) {
  $("t-state").textContent = L.t(t.state === "serving" ? "ticketServing" : "ticketCalled");
  $("t-number").textContent = t.number;
  const service = $("t-service");
  service.replaceChildren(el("span", "svc-id", t.service), " ", el("span", "", serviceName(t.service)));
  const tier = tierOf(t.tier);
  const badge = $("t-tier");
  badge.hidden = !(tier && tier.rank > 0);
  if (tier) {
    badge.replaceChildren(...(vip(t) && !tier.staff_only ? [el("span", "vip-mark", L.t("vip")), " "] : []), el("span", "", text(tier.name, L.lang) || tier.id));
    badge.dataset.tier = tier.id;
    badge.classList.toggle("staff-tier", !!tier.staff_only);
  }
  const holder = $("t-holder");
  holder.hidden = !t.holder;
  holder.textContent = t.holder ? L.t("holder", t.holder) : "";
  const target = $("t-target");
  target.hidden = !(t.leg > 1);
  target.textContent = t.leg > 1 ? L.t("transferredHere") : "";
  const limit = recallLimit();
  const left = Math.max(0, limit - (t.recalls || 0));
  $("t-recalls-box").hidden = t.state !== "called";
  $("t-recalls").textContent = left > 0 ? L.t("recallsValue", left, limit) : L.t("recallsNone");
  $("t-recalls-box").classList.toggle("none-left", left === 0);
  tickTicket();
}

// tickTicket redraws the clocks of the current ticket.
function tickTicket() {
  const t = state.counter && state.counter.ticket;
  if (!t) return;
  const called = Date.parse(t.called_at || "");
  $("t-waited").textContent = waitText(secondsSince(t.issued_at, Number.isNaN(called) ? hubNow() : called), L.lang);
  $("t-at").textContent = stopwatch(secondsSince(t.called_at));
}

// --- The buttons.

const ACTS = ["next", "recall", "start", "done", "noshow"];

function renderButtons() {
  const c = state.counter;
  const me = mine(c);
  const other = takenBy(c);
  const t = c && c.ticket;
  for (const op of ACTS) setButton($(`act-${op}`), op, why(op));
  setButton($("act-transfer"), "transfer", why("transfer"));
  setButton($("act-call"), "call", why("call"));
  setButton($("act-priority"), "", null);
  setButton($("act-complaint"), "", null);
  $("act-noshow").classList.toggle("suggested", !!(state.suggestNoShow || (t && t.state === "called" && t.recalls >= recallLimit())));
  $("act-next").classList.toggle("quiet-next", !!t && t.state === "called");

  // The counter's own controls.
  const closed = !c || c.state === "closed";
  $("ctl-open").hidden = !(closed || other);
  $("ctl-open").querySelector(".act-label").textContent = other ? L.t("takeOver") : L.t("open");
  $("ctl-pause").hidden = closed || !!other;
  $("ctl-close").hidden = closed || !!other;
  $("ctl-pause-label").textContent = c && c.state === "paused" ? L.t("resume") : L.t("pause");
  $("ctl-pause").classList.toggle("resume", !!c && c.state === "paused");
  setButton($("ctl-open"), "open", null);
  setButton($("ctl-pause"), c && c.state === "paused" ? "open" : "pause", why("pause"));
  setButton($("ctl-close"), "close", why("close"));
  $("resume-inline").disabled = !!state.busy;
  $("open-inline").disabled = !!state.busy;
  let line = "";
  if (c) line = me ? L.t("controlsYou", stateWord(c)) : other ? L.t("controlsOther", stateWord(c), other) : stateWord(c);
  $("controls-state").textContent = line;
  $("controls-state").dataset.state = c ? c.state : "";
}

// setButton enables b when its op can act now, says why not in its
// title, and marks the one being sent.
function setButton(b, op, reason) {
  b.disabled = reason !== null;
  b.title = reason ? L.t(...reason) : "";
  const sending = op !== "" && ((state.busy && state.busy.op === op) || (state.pending && state.pending.op === op));
  b.classList.toggle("sending", !!sending);
  b.setAttribute("aria-busy", String(!!sending));
}

// --- The queue this counter calls from.

// The hub sends, per service, how many tickets this counter may call and
// their figures, with only the first tickets.
function waitingForMe() {
  return state.queue.reduce((n, q) => n + (q.waiting || 0), 0);
}

function renderQueue() {
  const c = state.counter;
  const list = $("queue-list");
  const rows = state.queue.map((q) => {
    const s = state.services.find((x) => x.id === q.id);
    const li = el("li", "queue-row");
    li.dataset.service = q.id;
    const head = el("div", "queue-head");
    const name = el("span", "queue-name");
    name.append(el("span", "svc-id", q.id), " ", el("span", "", serviceName(q.id)));
    const n = q.waiting || 0;
    const count = el("span", "queue-count", n ? L.t("queueWaiting", n) : L.t("queueNone"));
    count.classList.toggle("zero", n === 0);
    head.append(name, count);
    const facts = el("div", "queue-facts");
    const oldest = q.oldest_issued_at;
    if (oldest) {
      const f = el("span", "queue-oldest");
      f.dataset.issued = oldest;
      facts.append(f);
    }
    const vips = q.vips || 0;
    if (vips > 0) facts.append(el("span", "queue-vips", L.t("queueVips", vips)));
    const toMe = q.to_me || 0;
    if (toMe > 0) facts.append(el("span", "queue-tome", L.t("queueToYou", toMe)));
    if (c && (c.also_serves || []).includes(q.id)) facts.append(el("span", "queue-spare", L.t("queueSpare")));
    if (s && s.accepting === false) facts.append(el("span", "queue-closed", L.t("queueNotTaking")));
    li.append(head);
    if (facts.children.length > 0) li.append(facts);
    return li;
  });
  list.replaceChildren(...rows);
  $("queue-total").textContent = L.t("queueTotal", waitingForMe());
  tickQueue();
}

function tickQueue() {
  for (const f of document.querySelectorAll(".queue-oldest")) {
    const s = secondsSince(f.dataset.issued);
    f.textContent = L.t("queueOldest", waitText(s, L.lang));
    f.classList.toggle("long", s >= 900);
  }
}

function renderToday() {
  const c = state.counter;
  $("served-today").textContent = c && Number.isInteger(c.served_today) ? String(c.served_today) : L.t("noFigure");
  $("service-avg").textContent = c && Number.isFinite(c.service_s_avg) ? durationText(c.service_s_avg, L.lang) : L.t("noFigure");
}

// --- The sentence under the ticket.

function renderMessage() {
  // The line keeps its place when empty: the buttons do not move under a
  // finger when a sentence comes or goes.
  const m = $("message");
  const msg = state.message;
  body.dataset.message = msg ? msg.kind : "";
  m.textContent = msg ? msg.say(L.lang) : "";
  m.dataset.kind = msg ? msg.kind : "";
}

// --- The counter pick list.

// renderPick draws the counters as buttons; choose(id) is called with the
// one pressed.
export function renderPick(choose) {
  const list = $("counter-list");
  const buttons = state.counters.map((c) => {
    const b = el("button", "counter-choice");
    b.type = "button";
    b.dataset.counter = c.id;
    b.dataset.state = c.state;
    const name = el("span", "choice-name", counterName(c));
    const other = el("span", "choice-other", counterName(c, L.lang === "zh" ? "en" : "zh"));
    other.lang = htmlLang(L.lang === "zh" ? "en" : "zh");
    other.hidden = other.textContent === name.textContent;
    const st = el("span", "choice-state", stateWord(c));
    st.dataset.state = c.state;
    let who = c.state !== "closed" && c.staff ? L.t("staffThere", c.staff) : L.t("nobodyThere");
    if (c.state !== "closed" && state.user && c.staff === state.user.username) who += L.t("thisIsYou");
    const info = el("span", "choice-info", who);
    if (c.ticket) info.append(" · ", el("strong", "", L.t("nowAt", c.ticket.number)));
    b.append(name, other, st, info);
    if (c.vip_first) b.append(el("span", "choice-vip", L.t("vipWindow")));
    b.addEventListener("click", () => choose(c.id));
    return b;
  });
  list.replaceChildren(...buttons);
}

// --- All of it.

export function render() {
  const c = state.counter;
  body.dataset.view = state.view;
  for (const v of ["loading", "pick", "work"]) $(`view-${v}`).hidden = state.view !== v;
  body.dataset.counter = state.counterId;
  body.dataset.state = c ? c.state : "";
  body.dataset.ticket = c && c.ticket ? c.ticket.number : "";
  body.dataset.ticketState = c && c.ticket ? c.ticket.state : "";
  body.dataset.mine = mine(c) ? "1" : "";
  body.dataset.busy = state.busy ? state.busy.op : "";
  body.dataset.pending = state.pending ? state.pending.op : "";
  body.dataset.live = state.live;
  body.dataset.presses = String(state.presses);
  body.dataset.settled = state.settled && !state.busy && !state.pending ? "1" : "";
  renderBar();
  renderHubDown();
  if (state.view === "work" && c) {
    renderTicket();
    renderButtons();
    renderQueue();
    renderToday();
  }
  renderMessage();
  tick();
}

// tick redraws what the clock changes: the time, the current ticket's
// clocks, the queue's oldest waits.
export function tick() {
  $("now").textContent = clock(new Date(hubNow()).toISOString());
  if (state.view !== "work") return;
  tickTicket();
  tickQueue();
}
