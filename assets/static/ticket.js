// ticket.js: the phone page of one ticket, /t/{token}.
//
// The customer scanned the QR code on their ticket. The page shows the
// ticket in its own language (a toggle switches, and the choice is kept on
// the phone): while it waits, the number, the service, the people ahead and
// the estimated wait; when it is called, a full screen "go to counter 3"
// and a vibration, again on every recall; then being served, the end
// (thank you, missed, cancelled, expired). A missed ticket that staff can
// still call back says until when; when that time has passed, the page says
// the turn is missed for good and stops following. "I'm leaving" cancels a
// waiting ticket after a confirmation. It follows /ws/tickets/{token} with
// live.js, which reconnects by itself; a lost link keeps the last view, and
// a phone that wakes up connects again for a fresh view.
//
// A done visit can be rated while the hub says so (rate_until), and the
// customer can tell the manager what went wrong; feedback.js draws that,
// and the page follows the ticket while its rating or complaint may still
// change.
//
// The body's data-view says which view shows (loading, the ticket's state,
// missed: a no_show past its recall_until, or notfound) and data-lang the
// language: the stylesheet and the browser tests read them.

import { connect } from "/assets/live.js";
import { capitalized, clock, minutes, setTimeZone, text, ticketWait } from "/assets/i18n.js";
import { createFeedback } from "/assets/feedback.js";

const LANG_KEY = "hallq.ticket.lang"; // the language chosen with the toggle
const VIBRATION = [400, 200, 400]; // ms: on, off, on
const OPEN = new Set(["waiting", "called", "serving", "no_show"]); // may still change
const THEME = { called: "#14213d", serving: "#0b6e4f" }; // the browser bar's colour; paper otherwise

// The page's own words, in both languages.
const W = {
  yourNumber: { en: "Your number", zh: "您的号码" },
  etaLabel: { en: "Estimated wait", zh: "预计等待时间" },
  issued: (at) => ({ en: `Issued at ${at}`, zh: `取号时间 ${at}` }),
  target: (counter) => ({ en: `You will be called to ${counter}.`, zh: `您将被叫到${counter}办理。` }),
  note: (maxS) =>
    maxS > 0
      ? {
          en: `The estimate can change: priority customers may be called first, but only those who came at most ${minutes(maxS)} minutes after you.`,
          zh: `预计时间可能变化：优先客户可能先于您被叫号，但仅限比您晚到不超过 ${minutes(maxS)} 分钟的客户。`,
        }
      : { en: "The estimate can change.", zh: "预计时间可能变化。" },
  vibrateHint: {
    en: "Tap here so that your phone can vibrate when it's your turn",
    zh: "轻触此处，轮到您时手机会振动提醒",
  },
  leave: { en: "I'm leaving", zh: "我要离开" },
  called: { en: "Please go to", zh: "请到" },
  calledAgain: { en: "Called again", zh: "再次呼叫" },
  serving: { en: "You are being served at", zh: "正在为您办理的窗口" },
  toggle: { en: "中文", zh: "English" }, // names the other language
  toggleLabel: { en: "切换到中文", zh: "Switch to English" },
  leaveTitle: { en: "Leave the queue?", zh: "确定要离开吗？" },
  leaveText: (number) => ({
    en: `Ticket ${number} will be cancelled and will not be called. This cannot be undone.`,
    zh: `${number} 号将被取消，不会再被叫号。取消后无法恢复。`,
  }),
  stay: { en: "Stay in the queue", zh: "继续排队" },
  confirm: { en: "Yes, cancel my ticket", zh: "确定取消" },
  cancelling: { en: "Cancelling…", zh: "正在取消…" },
  lateTitle: { en: "Too late to cancel", zh: "无法取消" },
  lateCalled: (counter) => ({
    en: `Your number has just been called: please go to ${counter}.`,
    zh: `您的号码刚刚被叫到，请到${counter}。`,
  }),
  lateOther: { en: "This ticket can no longer be cancelled.", zh: "此号票已无法取消。" },
  failed: {
    en: "The hall could not be reached. Check your connection and try again.",
    zh: "无法连接服务大厅，请检查网络后重试。",
  },
  ok: { en: "OK", zh: "知道了" },
};

// The end screens: a mark, a title and a sentence for each.
const ENDS = {
  done: {
    mark: "✓",
    title: { en: "Thank you", zh: "谢谢光临" },
    body: { en: "Your visit is complete. We hope to see you again.", zh: "您的业务已办理完毕，期待再次为您服务。" },
  },
  no_show: {
    mark: "!",
    title: { en: "You missed your call", zh: "您错过了叫号" },
    body: {
      en: "Please go to the desk: staff can still call your number again for a short while.",
      zh: "请尽快到咨询台，工作人员可在短时间内为您重新叫号。",
    },
    // With the ticket's recall_until, as a clock time.
    until: (at) => ({
      en: `Staff can call your number again until ${at} — please go to the desk.`,
      zh: `工作人员可在 ${at} 前为您重新叫号，请尽快到咨询台。`,
    }),
  },
  missed: {
    mark: "✕",
    title: { en: "You missed your turn", zh: "您已过号" },
    body: {
      en: "This number can no longer be called. If you still need us, take a new ticket at the kiosk.",
      zh: "此号码已无法再被叫号。如仍需办理业务，请重新取号。",
    },
  },
  cancelled: {
    mark: "✕",
    title: { en: "Ticket cancelled", zh: "号票已取消" },
    body: {
      en: "This number will not be called. If you come back, take a new ticket at the kiosk.",
      zh: "此号码不会再被叫号。如需办理业务，请重新取号。",
    },
  },
  expired: {
    mark: "✕",
    title: { en: "Ticket expired", zh: "号票已过期" },
    body: {
      en: "This ticket expired at the end of the day. Take a new ticket if you still need us.",
      zh: "此号票已在当日营业结束时过期。如仍需办理业务，请重新取号。",
    },
  },
  notfound: {
    mark: "?",
    title: { en: "This ticket was not found", zh: "未找到此号票" },
    body: {
      en: "Check the QR code or the link on your ticket, or ask at the desk.",
      zh: "请核对号票上的二维码或链接，或到咨询台询问。",
    },
  },
};

const $ = (id) => document.getElementById(id);

// The ticket's token is the last segment of the page's path.
const token = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const ticketPath = `/api/v1/tickets/${encodeURIComponent(token)}`;

const state = {
  lang: storedLang() || deviceLang(),
  chosen: storedLang() !== null, // the customer picked the language here once
  ticket: null, // the newest ticket the hub sent
  notFound: false,
  hall: null, // GET /api/v1/hall: service names, notice, the VIP bound
  counters: new Map(), // counter id → name {en, zh}, from GET /api/v1/display
  namesLoading: false,
  calledBack: false, // called again after a no-show
  received: 0, // websocket messages handed on so far
  lost: false, // the link was lost since its last snapshot: the hub may have restarted
  live: null, // the live.js link while the ticket may change
  skewMs: 0, // the hub's clock minus the phone's, when they clearly differ
  recallTimer: 0, // fires when a no-show's recall_until passes
  leaveMode: "ask", // the dialog: ask, busy, late or failed
};

const feedback = createFeedback({
  path: ticketPath,
  lang: () => state.lang,
  now: hubNow,
  setTicket: (t) => setTicket(t),
  changed: () => state.ticket && setTicket(state.ticket),
});

function storedLang() {
  try {
    const l = localStorage.getItem(LANG_KEY);
    return l === "en" || l === "zh" ? l : null;
  } catch {
    return null; // storage may be off in a private window
  }
}

function deviceLang() {
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
}

// getJSON fetches a JSON resource: {status, body}, status 0 when the hub
// could not be reached and body null unless the reply was a success.
async function getJSON(path, init) {
  try {
    const sent = Date.now();
    const res = await fetch(path, { headers: { Accept: "application/json" }, ...init });
    noteClock(res, sent);
    const body = res.ok ? await res.json() : null;
    return { status: res.status, body };
  } catch {
    return { status: 0, body: null };
  }
}

// noteClock compares the hub's clock (a reply's Date, to the second) with
// the phone's: a phone set minutes wrong must not end a recall window early
// or late. Differences of a few seconds are the Date's rounding, not skew.
function noteClock(res, sent) {
  const hub = Date.parse(res.headers.get("Date") || "");
  if (Number.isNaN(hub)) return;
  const skew = hub + 500 - (sent + Date.now()) / 2;
  state.skewMs = Math.abs(skew) > 5000 ? skew : 0;
}

function hubNow() {
  return Date.now() + state.skewMs;
}

// recallUntil returns the time (ms) until which staff can call a no-show
// ticket back, or NaN when the hub did not say.
function recallUntil(t) {
  return t && t.state === "no_show" && typeof t.recall_until === "string" ? Date.parse(t.recall_until) : NaN;
}

// missed says whether t is a no-show that can no longer be called back.
function missed(t) {
  return recallUntil(t) <= hubNow(); // false for NaN
}

// mayChange says whether the hub may still change t: then the page follows
// it. A done visit changes while it can be rated or its complaint is open.
function mayChange(t) {
  return (OPEN.has(t.state) && !missed(t)) || feedback.follows(t);
}

// watchRecall sets the timer of the ticket's recall window, if it has one
// still open: when it passes, the page says so and stops following.
function watchRecall() {
  clearTimeout(state.recallTimer);
  state.recallTimer = 0;
  const until = recallUntil(state.ticket);
  if (!(until > hubNow())) return;
  // Timers wait at most 2^31-1 ms; a later end is looked at again then.
  const wait = Math.min(until - hubNow(), 2 ** 31 - 1);
  state.recallTimer = setTimeout(recallEnded, wait);
}

// recallEnded runs at the end of the recall window (or later: a sleeping
// phone's timers wait), and when the page shows again.
function recallEnded() {
  state.recallTimer = 0;
  const t = state.ticket;
  if (!t) return;
  if (!missed(t)) {
    watchRecall(); // early, or a ticket without a window
    return;
  }
  stopFollowing();
  render();
}

function stopFollowing() {
  if (state.live) {
    state.live.close(); // nothing more can happen to it
    state.live = null;
  }
}

// loadNames fetches what the ticket names by id: services (the hall) and
// counters (the display).
async function loadNames() {
  if (state.namesLoading) return;
  state.namesLoading = true;
  const [hall, display] = await Promise.all([getJSON("/api/v1/hall"), getJSON("/api/v1/display")]);
  state.namesLoading = false;
  if (hall.body) {
    state.hall = hall.body;
    setTimeZone(hall.body.time_zone);
  }
  if (display.body && Array.isArray(display.body.counters)) {
    state.counters = new Map(display.body.counters.map((c) => [c.id, c.name]));
  }
  render();
}

// setTicket shows t, the ticket as the hub sent it, and vibrates when it
// has just been called, or called again.
function setTicket(t) {
  if (!t || typeof t !== "object" || typeof t.state !== "string") return;
  const prev = state.ticket;
  state.ticket = t;
  if (!state.chosen && (t.lang === "en" || t.lang === "zh")) state.lang = t.lang;
  if (t.state === "called") {
    if (prev && prev.state === "no_show") state.calledBack = true;
    if (prev && (prev.state !== "called" || t.recalls > prev.recalls)) vibrate();
  } else {
    state.calledBack = false;
  }
  watchRecall();
  if (!mayChange(t)) stopFollowing();
  else if (!state.live && !state.notFound) follow(); // a complaint just sent
  if (t.counter && !state.counters.has(t.counter)) loadNames();
  render();
}

function vibrate() {
  if (typeof navigator.vibrate !== "function") return;
  try {
    navigator.vibrate(VIBRATION);
  } catch {
    // A phone that cannot vibrate still shows the call.
  }
}

function showNotFound() {
  state.notFound = true;
  stopFollowing();
  render();
}

// follow keeps the ticket live over its websocket.
function follow() {
  if (state.live) return;
  state.live = connect(`/ws/tickets/${encodeURIComponent(token)}`, {
    onSnapshot(msg) {
      state.received++;
      // Back after a restart, names may have changed. (A link renewed on
      // purpose, when quiet or when the page shows again, was not lost.)
      if (state.lost) loadNames();
      state.lost = false;
      setTicket(msg.ticket);
    },
    onMessage(msg) {
      if (msg.type !== "ticket") return;
      state.received++;
      setTicket(msg.ticket);
    },
    onStatus(status) {
      if (status === "offline") state.lost = true;
      // Never connected, and the first look at the ticket failed too: ask
      // again whether it exists, as an unknown token would retry forever.
      if (status === "offline" && !state.ticket) recheck();
    },
  });
}

async function recheck() {
  const r = await getJSON(ticketPath);
  if (r.status === 404) showNotFound();
  else if (r.body && !state.ticket) setTicket(r.body);
}

// A phone that slept may hold a link that died without a word, and timers
// that did not fire: as soon as the page shows again, the recall window is
// looked at and the link connects again, for a fresh snapshot. (With a
// live.js without reconnect(), the ticket is read once instead, unless the
// link spoke meanwhile.)
document.addEventListener("visibilitychange", async () => {
  if (document.visibilityState !== "visible") return;
  if (state.ticket && state.recallTimer !== 0) recallEnded();
  if (!state.live || !state.ticket) return;
  if (typeof state.live.reconnect === "function") {
    state.live.reconnect();
    return;
  }
  const seen = state.received;
  const r = await getJSON(ticketPath);
  if (r.body && state.received === seen && state.live) setTicket(r.body);
});

// ---- drawing ----

function counterName(id) {
  return state.counters.get(id) || { en: `Counter ${id}`, zh: `${id}号窗口` };
}

function serviceName(id) {
  const s = state.hall && state.hall.services && state.hall.services.find((x) => x.id === id);
  return s ? s.name : { en: id, zh: id };
}

function viewOf() {
  if (state.notFound) return "notfound";
  if (!state.ticket) return "loading";
  return missed(state.ticket) ? "missed" : state.ticket.state;
}

const SECTIONS = { loading: "loading", waiting: "waiting", called: "called", serving: "serving" };

function render() {
  const L = state.lang;
  const tr = (t) => text(t, L);
  const view = viewOf();
  document.documentElement.lang = L === "zh" ? "zh-Hans" : "en";
  document.body.dataset.lang = L;
  document.body.dataset.view = view;
  $("theme-color").content = THEME[view] || "#f7f7f2";

  $("hall-name").textContent = state.hall ? tr(state.hall.name) : "";
  const toggle = $("lang-toggle");
  toggle.hidden = false;
  toggle.textContent = tr(W.toggle);
  toggle.lang = L === "zh" ? "en" : "zh-Hans";
  toggle.setAttribute("aria-label", tr(W.toggleLabel));

  const section = SECTIONS[view] || "ended";
  for (const s of ["loading", "waiting", "called", "serving", "ended"]) $(`view-${s}`).hidden = s !== section;

  const t = state.ticket;
  if (section === "waiting") renderWaiting(t, tr);
  else if (section === "called") renderCalled(t, tr);
  else if (section === "serving") renderServing(t, tr);
  else if (section === "ended") renderEnded(view, t, tr);
  feedback.render(view === "done" ? t : null);
  document.title = title(view, t, tr);
  renderDialog();
}

function renderWaiting(t, tr) {
  const hint = $("vibrate-hint");
  const ua = navigator.userActivation;
  hint.hidden = !(typeof navigator.vibrate === "function" && ua && !ua.hasBeenActive);
  hint.textContent = tr(W.vibrateHint);

  $("w-number-label").textContent = tr(W.yourNumber);
  $("w-number").textContent = t.number;
  $("w-service").textContent = tr(serviceName(t.service));
  const target = $("w-target");
  target.hidden = !t.target_counter;
  target.textContent = t.target_counter ? tr(W.target(tr(counterName(t.target_counter)))) : "";

  const [pre, n, post] = aheadWords(t.ahead, state.lang);
  $("w-ahead").classList.toggle("next", n === "");
  $("w-ahead-pre").textContent = pre;
  $("w-ahead-n").textContent = n;
  $("w-ahead-n").hidden = n === "";
  $("w-ahead-post").textContent = post;
  $("w-eta-label").textContent = tr(W.etaLabel);
  // The hub's estimate in the words of every page; "no counter is serving
  // A now" while no open counter can call the ticket.
  $("w-eta").textContent = capitalized(ticketWait(t, state.lang));
  $("w-eta").dataset.eta = t.eta_reason || (t.eta_s === null || t.eta_s === undefined ? "none" : "estimate");
  // The note says how the estimate may change: with no estimate, there is
  // nothing for it to say.
  const note = $("w-note");
  note.hidden = t.eta_s === null || t.eta_s === undefined;
  note.textContent = note.hidden ? "" : tr(W.note(state.hall ? state.hall.head_start_max_s : 0));
  $("w-issued").textContent = t.issued_at ? tr(W.issued(clock(t.issued_at))) : "";

  const notice = state.hall ? tr(state.hall.notice) : "";
  $("w-notice").hidden = notice === "";
  $("w-notice").textContent = notice;
  $("leave").textContent = tr(W.leave);
}

// aheadWords says how many wait ahead: the words before the figure, the
// figure, the words after it.
function aheadWords(n, lang) {
  if (!(n > 0)) return [lang === "zh" ? "下一位就是您" : "You are next", "", ""];
  if (lang === "zh") return ["前面还有 ", String(n), " 人"];
  return ["", String(n), n === 1 ? " person ahead of you" : " people ahead of you"];
}

function renderCalled(t, tr) {
  const again = $("c-again");
  again.hidden = !(t.recalls > 0 || state.calledBack);
  again.textContent = tr(W.calledAgain);
  $("c-go").textContent = tr(W.called);
  $("c-counter").textContent = tr(counterName(t.counter));
  $("c-number-label").textContent = tr(W.yourNumber);
  $("c-number").textContent = t.number;
}

function renderServing(t, tr) {
  $("s-text").textContent = tr(W.serving);
  $("s-counter").textContent = tr(counterName(t.counter));
  $("s-number").textContent = t.number;
}

function renderEnded(view, t, tr) {
  const end = ENDS[view] || ENDS.notfound;
  $("e-mark").textContent = end.mark;
  $("e-title").textContent = tr(end.title);
  const until = view === "no_show" ? recallUntil(t) : NaN;
  $("e-body").textContent = tr(Number.isNaN(until) ? end.body : end.until(clock(t.recall_until)));
  $("e-number").textContent = t && view !== "notfound" ? `${t.number} · ${tr(serviceName(t.service))}` : "";
}

function title(view, t, tr) {
  if (view === "loading") return "hallq";
  if (view === "notfound" || !t) return tr(ENDS.notfound.title);
  switch (view) {
    case "waiting":
      return `${t.number} · ${aheadWords(t.ahead, state.lang).join("")}`;
    case "called":
      return `${t.number} → ${tr(counterName(t.counter))}`;
    case "serving":
      return `${t.number} · ${tr(counterName(t.counter))}`;
  }
  return `${t.number} · ${tr((ENDS[view] || ENDS.notfound).title)}`;
}

// ---- leaving ----

const dialog = $("leave-dialog");

function renderDialog() {
  if (!dialog.open) return;
  const t = state.ticket;
  // A ticket called, or gone, while the customer was deciding: the page
  // behind says what happened; the question is moot.
  const asking = state.leaveMode === "ask" || state.leaveMode === "failed";
  if (asking && (!t || t.state !== "waiting")) {
    dialog.close();
    return;
  }
  // Cancelled after all (an earlier try got through): what was asked is
  // done, and the page behind says so.
  if (state.leaveMode === "late" && t && t.state === "cancelled") {
    state.leaveMode = "ask";
    dialog.close();
    return;
  }
  const tr = (x) => text(x, state.lang);
  const stay = $("leave-stay");
  const confirm = $("leave-confirm");
  const late = state.leaveMode === "late";
  $("leave-title").textContent = tr(late ? W.lateTitle : W.leaveTitle);
  let body = W.leaveText(t.number);
  if (late) body = t.state === "called" ? W.lateCalled(tr(counterName(t.counter))) : W.lateOther;
  else if (state.leaveMode === "failed") body = W.failed;
  $("leave-text").textContent = tr(body);
  stay.textContent = tr(late ? W.ok : W.stay);
  confirm.hidden = late;
  confirm.textContent = tr(state.leaveMode === "busy" ? W.cancelling : W.confirm);
  stay.disabled = confirm.disabled = state.leaveMode === "busy";
}

$("leave").addEventListener("click", () => {
  state.leaveMode = "ask";
  dialog.showModal();
  renderDialog();
});

$("leave-stay").addEventListener("click", () => dialog.close());

// Escape or the back gesture closes the dialog, but not while the hub is
// asked: its answer must be seen.
dialog.addEventListener("cancel", (e) => {
  if (state.leaveMode === "busy") e.preventDefault();
});

$("leave-confirm").addEventListener("click", async () => {
  state.leaveMode = "busy";
  renderDialog();
  let res;
  try {
    res = await fetch(ticketPath, { method: "DELETE", headers: { Accept: "application/json" } });
  } catch {
    res = null;
  }
  if (res && res.ok) {
    const t = await res.json().catch(() => null);
    state.leaveMode = "ask";
    dialog.close();
    if (t) setTicket(t);
    else recheck();
  } else if (res && res.status === 404) {
    state.leaveMode = "ask";
    dialog.close();
    showNotFound();
  } else if (res && res.status === 409) {
    // Cancelled already (an earlier try that seemed to fail, or another
    // tab): that is what the customer asked for. Otherwise called (or gone)
    // a moment ago: show why, over its new state.
    const body = await res.json().catch(() => null);
    let t = cancelledIn(body);
    if (!t) {
      const r = await getJSON(ticketPath);
      if (r.body) t = r.body;
    }
    if (t && t.state === "cancelled") {
      state.leaveMode = "ask";
      dialog.close();
      setTicket(t);
      return;
    }
    if (t) setTicket(t);
    state.leaveMode = "late";
    renderDialog();
  } else {
    state.leaveMode = "failed";
    renderDialog();
  }
});

// cancelledIn returns the cancelled ticket a refusal's body carries, if any.
function cancelledIn(body) {
  if (!body || typeof body !== "object") return null;
  for (const t of [body, body.ticket, body.error && body.error.ticket]) {
    if (t && typeof t === "object" && t.state === "cancelled" && typeof t.number === "string") return t;
  }
  return null;
}

// ---- language ----

$("lang-toggle").addEventListener("click", () => {
  state.lang = state.lang === "zh" ? "en" : "zh";
  state.chosen = true;
  try {
    localStorage.setItem(LANG_KEY, state.lang);
  } catch {
    // Not kept: the toggle still works on this page.
  }
  render();
});

// A first tap anywhere lets the page vibrate later: the hint can go.
document.addEventListener("click", () => {
  if (!$("vibrate-hint").hidden) render();
});

// ---- start ----

async function start() {
  render();
  if (token === "") {
    showNotFound();
    return;
  }
  loadNames();
  const first = await getJSON(ticketPath);
  if (first.status === 404) {
    showNotFound();
    return;
  }
  if (first.body) setTicket(first.body);
  // A ticket that can still change is followed; one that cannot is shown
  // as it is. When the first look failed, the link finds out.
  if (!state.ticket || mayChange(state.ticket)) follow();
}

start();
