// counter.js: the counter terminal, /counter. It wires the modules that
// do the work:
//
//	counter-state.js    what the page knows, and when a press can act
//	counter-view.js     draws it
//	counter-press.js    a press becomes one action on the hub, exactly once
//	counter-dialogs.js  transfer, call a number, priority ticket, complaint, …
//	counter-words.js    the page's words in Chinese and English
//
// and the shared ones: staff.js (the login), request.js (the API), live.js
// (the websocket), keyboard.js (the shortcuts), clock.js, lang.js.
//
// On load it asks who is logged in (nobody, or a password to change: the
// login page, which comes back here), then which counter this PC is at:
// the one remembered on this PC, or a list to pick from. It then follows
// /ws/counters/{id}: the counter, its current ticket and its queue, live.
//
// The keys (also in the page's help dialog):
//
//	Space, Enter, keypad Enter   Next
//	keypad .                     Recall
//	keypad -                     No-show
//	keypad *                     Pause / resume
//	keypad /                     Start (the customer has arrived)
//
// They act only while no text field has the focus and no dialog is open.

import { connect } from "/assets/live.js";
import { setTimeZone } from "/assets/i18n.js";
import { everySecond } from "/assets/clock.js";
import { blurAfterClick, shortcuts } from "/assets/keyboard.js";
import { request } from "/assets/request.js";
import { currentUser, needsLogin, toLogin } from "/assets/staff.js";
import { L, say, state } from "/assets/counter-state.js";
import { render, renderPick, tick } from "/assets/counter-view.js";
import { pressers } from "/assets/counter-press.js";
import { dialogs } from "/assets/counter-dialogs.js";

const COUNTER_KEY = "hallq.counter"; // this PC's counter id
const RETRY_MS = 3000; // reading the session, the hall, the counters
const PICK_REFRESH_MS = 5000; // the pick list follows the counters this often
const DIAGNOSE_MS = 5000; // a lost link is looked into at most this often

const $ = (id) => document.getElementById(id);

let live = null; // the live.js link to this counter
let pickTimer = 0;
let lastDiagnose = 0;

const presses = pressers({ render, refresh: () => live && live.reconnect(), takeOver: (s) => dialog.takeOver(s) });
const dialog = dialogs({ press: presses.press, render });

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function storedCounter() {
  try {
    return localStorage.getItem(COUNTER_KEY) || "";
  } catch {
    return "";
  }
}

function storeCounter(id) {
  try {
    if (id) localStorage.setItem(COUNTER_KEY, id);
    else localStorage.removeItem(COUNTER_KEY);
  } catch {
    // not remembered: the PC asks again next time
  }
}

// --- Picking the counter.

async function toPick() {
  if (live) live.close();
  live = null;
  dialog.closeAll();
  state.view = "pick";
  state.counter = null;
  state.counterId = "";
  state.message = null;
  render();
  await loadCounters();
  $("counter-list").querySelector("button")?.focus();
}

async function loadCounters() {
  clearTimeout(pickTimer);
  const r = await request("GET", "/api/v1/counters");
  if (needsLogin(r)) return toLogin();
  if (state.view !== "pick") return;
  const err = $("pick-error");
  if (r.ok && Array.isArray(r.data)) {
    // Redrawn only when something changed: a button replaced under a
    // finger loses the tap.
    const changed = JSON.stringify(r.data) !== JSON.stringify(state.counters) || $("counter-list").children.length === 0;
    state.counters = r.data;
    err.hidden = true;
    if (changed) renderPick(choose);
  } else {
    err.hidden = false;
    err.textContent = r.unreachable ? L.t("pickUnreachable") : (r.error && r.error.message) || L.t("failed");
  }
  pickTimer = setTimeout(loadCounters, PICK_REFRESH_MS);
}

function choose(id) {
  clearTimeout(pickTimer);
  storeCounter(id);
  work(id);
}

// --- Working at the counter.

function work(id) {
  clearTimeout(pickTimer);
  state.counterId = id;
  state.view = "work";
  state.counter = state.counters.find((c) => c.id === id) || null;
  state.queue = [];
  state.message = null;
  state.suggestNoShow = false;
  if (!state.counter) {
    state.view = "loading";
  }
  render();
  if (live) live.close();
  live = connect(`/ws/counters/${encodeURIComponent(id)}`, {
    onSnapshot(msg) {
      take(msg);
      state.view = "work";
      render();
    },
    onMessage(msg) {
      take(msg);
      render();
    },
    onStatus(status) {
      state.live = status;
      if (status === "live") {
        state.linkDown = false;
        state.unreachable = false;
        presses.liveAgain();
      } else if (status === "offline") {
        state.linkDown = true;
        diagnose();
      }
      render();
    },
  });
}

// take applies a message of the counter's link: a snapshot, a change of
// the counter, a change of the queue.
function take(msg) {
  if (msg.counter) {
    if (state.counter && msg.counter.ticket?.id !== state.counter.ticket?.id) state.suggestNoShow = false;
    state.counter = msg.counter;
  }
  if (Array.isArray(msg.services)) state.services = msg.services;
  if (Array.isArray(msg.queue)) state.queue = msg.queue;
}

// diagnose finds out why the link is down: the hub is away, the login
// ended, or the counter is gone. A hub that answers HTTP but whose link
// cannot connect still gives the counter's state.
async function diagnose() {
  if (Date.now() - lastDiagnose < DIAGNOSE_MS || state.view === "pick") return;
  lastDiagnose = Date.now();
  const id = state.counterId;
  const r = await request("GET", `/api/v1/counters/${encodeURIComponent(id)}`);
  if (id !== state.counterId) return;
  if (r.unreachable) {
    state.unreachable = true;
  } else if (needsLogin(r)) {
    toLogin();
    return;
  } else if (r.status === 404) {
    storeCounter("");
    await toPick();
    say("warn", "counterGone");
  } else if (r.ok && r.data) {
    state.unreachable = false;
    if (!state.busy && !state.pending) state.counter = r.data;
  }
  render();
}

// --- Buttons and keys.

function pressOp(op) {
  if (state.view !== "work") return;
  presses.press(op);
}

function pauseOrResume() {
  const c = state.counter;
  if (c && c.state === "paused") pressOp("open");
  else pressOp("pause");
}

function wire() {
  blurAfterClick();
  for (const b of document.querySelectorAll("#actions [data-op], .control-buttons [data-op]")) {
    if (b.id === "ctl-pause") continue;
    b.addEventListener("click", () => pressOp(b.dataset.op));
  }
  $("ctl-pause").addEventListener("click", pauseOrResume);
  for (const b of document.querySelectorAll("#actions [data-dialog]")) {
    b.addEventListener("click", (e) => dialog.show(b.dataset.dialog, e.detail > 0));
  }
  $("resume-inline").addEventListener("click", () => pressOp("open"));
  $("open-inline").addEventListener("click", () => pressOp("open"));
  $("change-counter").addEventListener("click", () => {
    storeCounter("");
    toPick();
  });
  $("help-open").addEventListener("click", (e) => dialog.show("help", e.detail > 0));
  $("logout").addEventListener("click", (e) => dialog.show("logout", e.detail > 0));
  $("stop-retry").addEventListener("click", () => presses.stop());
  shortcuts(
    [
      { codes: ["Space", "Enter", "NumpadEnter"], run: () => pressOp("next") },
      { codes: ["NumpadDecimal"], run: () => pressOp("recall") },
      { codes: ["NumpadSubtract"], run: () => pressOp("noshow") },
      { codes: ["NumpadMultiply"], run: pauseOrResume },
      { codes: ["NumpadDivide"], run: () => pressOp("start") },
    ],
    { enabled: () => state.view === "work" && state.counter !== null },
  );
  L.toggle($("lang-toggle"), () => {
    if (state.view === "pick") renderPick(choose);
    dialog.relabel();
    render();
  });
}

// --- Start.

async function start() {
  L.apply();
  wire();
  render();
  everySecond(tick);
  let s;
  for (;;) {
    s = await currentUser();
    if (!s.unreachable) break;
    state.unreachable = true;
    render();
    await sleep(RETRY_MS);
  }
  state.unreachable = false;
  if (!s.user || s.user.must_change_password) {
    toLogin();
    return;
  }
  state.user = s.user;
  for (;;) {
    const r = await request("GET", "/api/v1/hall");
    if (r.ok && r.data) {
      state.hall = r.data;
      state.services = r.data.services || [];
      if (typeof r.data.time_zone === "string") setTimeZone(r.data.time_zone); // the bar's clock is the hall's
      break;
    }
    state.unreachable = r.unreachable;
    render();
    await sleep(RETRY_MS);
  }
  state.unreachable = false;
  const r = await request("GET", "/api/v1/counters");
  if (needsLogin(r)) return toLogin();
  if (r.ok && Array.isArray(r.data)) state.counters = r.data;
  const id = storedCounter();
  if (id && (!r.ok || state.counters.some((c) => c.id === id))) work(id);
  else toPick();
}

start();
