// pad.js: the rating pad at a counter, /pad.
//
// A small tablet faces the customer. Between visits it shows the counter
// and the number it serves. When staff finish a visit, the hub sends a
// "rate" message on /ws/pad and the pad asks the customer, for 30 seconds,
// how it went: five faces. After a 1 or a 2 it asks what went wrong (a few
// categories, or skip); that goes to the hall's manager as a complaint.
// Then thanks, then the counter again. Every visit is asked about once: a
// pad that reconnects or reloads while the hub still offers a visit it has
// asked about already does not ask again.
//
// Everything shows in both languages at once, Chinese first: the pad does
// not know whom it faces, and a customer should not have to look for a
// language button in the few seconds they give it.
//
// The pad is a device a manager paired with the hub: staff type the
// pairing code here once; POST /api/v1/devices/pair answers with the device
// token and sets the HttpOnly device cookie. The token is kept in
// localStorage and sent as "Authorization: Device …" with every request;
// the websocket, which cannot carry that header, goes by the cookie. A pad
// that was unpaired (401) shows the pairing screen again.
//
// For tests and for a person at DevTools, <body> reflects the page's state:
// data-screen (loading, pair, idle, rate, why, thanks), data-paired,
// data-live (the live link's status), data-snapshots (how many came),
// data-offered (the visit the last snapshot offers to rate),
// data-counter-state, data-number (the number served), data-visit (the id
// of the visit asked about), data-asks (how many times the page asked), data-left (seconds left to answer),
// data-busy ("1" while an answer is on its way), data-result (rated,
// already, failed: the last rating), data-complaint (sent, skipped,
// failed).
//
// The times can be shortened by a script that runs before this one and sets
// window.hallqPadTimes, e.g. {rateMs: 1000}: the tests do.

import { connect } from "/assets/live.js";
import { htmlLang, text } from "/assets/i18n.js";
import { cancel, later, longPress, sleep } from "/assets/timers.js";
import { LOW, categoryButtons, faceButtons } from "/assets/rating.js";

const LANGS = ["zh", "en"]; // both at once, this one first
const TOKEN_KEY = "hallq.pad.token";
const ASKED_KEY = "hallq.pad.asked"; // the visits asked about already
const ASKED_MAX = 50;
const PAIRING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const REQUEST_TIMEOUT_MS = 10000;
const RETRY_DELAYS_MS = [1000, 2000]; // a rating lost on the way is sent again

const TIMES = {
  rateMs: 30000, // the faces wait this long for an answer
  whyMs: 30000, // so does "what went wrong?"
  thanksMs: 6000,
  pairIdleMs: 120000, // the pairing screen of a paired pad goes back by itself
  retryMs: 5000, // the hub did not answer "who am I?": ask again
  longPressMs: 3000, // on the bar: the pairing screen
};
for (const [k, v] of Object.entries(globalThis.hallqPadTimes || {})) {
  if (k in TIMES && Number.isFinite(v) && v > 0) TIMES[k] = v;
}

// The page's own words: each in both languages.
const T = {
  pairTitle: { zh: "配对评价器", en: "Pair this rating pad" },
  pairHelp: {
    zh: "请输入管理员在管理页面“设备”中为本窗口生成的 8 位配对码。",
    en: "Type the 8-character pairing code a manager made for this counter under Devices on the manager page.",
  },
  pairCode: { zh: "配对码", en: "Pairing code" },
  pair: { zh: "配对", en: "Pair" },
  back: { zh: "返回", en: "Back" },
  pairing: { zh: "正在配对…", en: "Pairing…" },
  paired: { zh: "配对成功。", en: "Paired." },
  pairWrong: { zh: "配对码不正确或已过期。", en: "" },
  pairTooMany: { zh: "尝试次数过多，请稍后再试。", en: "" },
  pairOffline: { zh: "无法连接大厅主机，请检查网络。", en: "The hub cannot be reached. Check the network." },
  notPad: {
    zh: "这个配对码属于自助取号机，请向管理员索取评价器的配对码。",
    en: "That code pairs a kiosk, not a rating pad. Ask a manager for a rating pad's code.",
  },
  unpaired: {
    zh: "本评价器已被取消配对，请输入新的配对码。",
    en: "This pad is no longer paired. Type a new pairing code.",
  },
  keyDelete: { zh: "删除", en: "Delete" },
  invite: { zh: "业务办理完毕后，请您为本次服务评价", en: "When we are done, please rate our service" },
  nowServing: { zh: "正在办理", en: "Now serving" },
  welcome: { zh: "欢迎光临", en: "Welcome" },
  waitCall: { zh: "请留意叫号", en: "Please wait for your number" },
  closed: { zh: "本窗口暂停服务", en: "This counter is closed" },
  paused: { zh: "暂停服务，请稍候", en: "Paused — back shortly" },
  rateQuestion: { zh: "请您为本次服务评价", en: "How was our service today?" },
  visit: { zh: (n) => `号码 ${n}`, en: (n) => `Ticket ${n}` },
  whyQuestion: { zh: "很抱歉！请问哪里让您不满意？", en: "We are sorry. What went wrong?" },
  skip: { zh: "跳过", en: "Skip" },
  thanksRated: { zh: "谢谢您的评价！", en: "Thank you for your rating!" },
  thanks: { zh: "谢谢您！", en: "Thank you!" },
  seeYou: { zh: "期待再次为您服务。", en: "We hope to see you again." },
  passedOn: {
    zh: "您的意见已转交大堂经理，我们会尽快处理。",
    en: "Your feedback has been passed to the hall manager, who will look into it.",
  },
  already: { zh: "这次服务已经评价过了。", en: "This visit has already been rated." },
  failed: {
    zh: "抱歉，评价未能提交，请告诉工作人员。",
    en: "Sorry, your rating could not be sent. Please tell a member of staff.",
  },
  complaintFailed: {
    zh: "抱歉，您的意见未能转交，请告诉大堂经理。",
    en: "Sorry, your feedback could not be passed on. Please tell the hall manager.",
  },
};

const $ = (id) => document.getElementById(id);
const body = document.body;

const state = {
  token: stored(TOKEN_KEY),
  device: null, // GET /api/v1/devices/me
  hall: null, // the hall's name {en, zh}
  counter: null, // the public counter {id, name, state, number?}
  screen: "loading",
  visit: null, // {id, number}: the visit asked about
  pending: null, // a visit that ended while an answer was on its way
  busy: false, // an answer is on its way
  asks: 0,
  snapshots: 0,
  asked: loadAsked(), // ids of the visits asked about already
  live: null, // the live.js link
  checking: false, // asking the hub who this pad is
};

function stored(key) {
  try {
    return localStorage.getItem(key) || "";
  } catch {
    return "";
  }
}

function store(key, value) {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {
    // Not kept: the cookie still pairs the pad.
  }
}

function loadAsked() {
  try {
    const ids = JSON.parse(stored(ASKED_KEY) || "[]");
    return new Set(Array.isArray(ids) ? ids.filter(Number.isInteger) : []);
  } catch {
    return new Set();
  }
}

// markAsked remembers that the visit id was asked about, also across a
// reload: the hub offers a visit not rated for two minutes.
function markAsked(id) {
  state.asked.add(id);
  const ids = [...state.asked].slice(-ASKED_MAX);
  state.asked = new Set(ids);
  store(ASKED_KEY, JSON.stringify(ids));
}

// --- Words.

function say(key, lang, ...args) {
  const v = T[key][lang];
  return typeof v === "function" ? v(...args) : v;
}

// both fills e with words in both languages, Chinese first: words is a key
// of T, or an {en, zh} object. The second line is left out when it is
// empty or says the same.
function both(e, words, ...args) {
  const w = typeof words === "string" ? (lang) => say(words, lang, ...args) : (lang) => text(words, lang);
  const [first, second] = LANGS.map(w);
  const parts = [span("l1", first, LANGS[0])];
  if (second && second !== first) parts.push(" ", span("l2", second, LANGS[1]));
  e.replaceChildren(...parts);
}

function span(className, content, lang) {
  const s = document.createElement("span");
  s.className = className;
  s.lang = htmlLang(lang);
  s.textContent = content;
  return s;
}

// --- Screens.

const SCREENS = ["loading", "pair", "idle", "rate", "why", "thanks"];

function show(screen) {
  state.screen = screen;
  body.dataset.screen = screen;
  for (const s of SCREENS) $(`screen-${s}`).hidden = s !== screen;
  for (const t of ["countdown", "tick", "thanks", "pairIdle"]) cancel(t);
  if (screen !== "rate" && screen !== "why") delete body.dataset.left;
  if (screen === "pair" && state.device) later("pairIdle", TIMES.pairIdleMs, home);
  renderTop();
}

// home shows the counter, or the next visit to ask about.
function home() {
  state.visit = null;
  if (!state.device) {
    show("pair");
    return;
  }
  if (!state.counter) {
    show("loading");
    return;
  }
  const next = state.pending;
  state.pending = null;
  if (next && !state.asked.has(next.id)) {
    ask(next);
    return;
  }
  renderIdle();
  show("idle");
}

// countdown gives the customer ms to answer on screen (rate or why), with
// a bar and the seconds left, then runs then.
function countdown(screen, ms, then) {
  const end = Date.now() + ms;
  const fill = $(`${screen}-fill`);
  const left = $(`${screen}-left`);
  const tick = () => {
    const rest = Math.max(0, end - Date.now());
    const s = String(Math.ceil(rest / 1000));
    left.textContent = s;
    body.dataset.left = s;
    fill.style.transform = `scaleX(${rest / ms})`;
    if (rest > 0) later("tick", rest % 1000 || 1000, tick);
  };
  fill.classList.add("reset");
  fill.style.transform = "scaleX(1)";
  void fill.offsetWidth; // the bar starts full, without sliding there
  fill.classList.remove("reset");
  tick();
  later("countdown", ms, then);
}

// --- The hub.

// send makes a request to the hub as this pad: {status, body}, status 0
// when the hub did not answer, body the JSON reply or null.
async function send(method, path, payload, { auth = true } = {}) {
  const headers = { Accept: "application/json" };
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  if (auth && state.token) headers.Authorization = `Device ${state.token}`;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), REQUEST_TIMEOUT_MS);
  try {
    const res = await fetch(path, {
      method,
      headers,
      body: payload === undefined ? undefined : JSON.stringify(payload),
      cache: "no-store",
      signal: ctl.signal,
    });
    const data = await res.json().catch(() => null);
    return { status: res.status, body: data };
  } catch {
    return { status: 0, body: null };
  } finally {
    clearTimeout(timer);
  }
}

// sendAgain sends a request that is safe to repeat until the hub answers
// it, and says whether an earlier try may have got through.
async function sendAgain(method, path, payload) {
  let lost = false;
  for (let i = 0; ; i++) {
    const r = await send(method, path, payload);
    if ((r.status !== 0 && r.status < 500) || i >= RETRY_DELAYS_MS.length) return { ...r, lost };
    lost = true;
    await sleep(RETRY_DELAYS_MS[i]);
  }
}

function errorOf(r) {
  return (r.body && typeof r.body === "object" && r.body.error) || {};
}

// checkDevice asks the hub who this pad is, and follows its counter when
// it is a paired pad.
async function checkDevice() {
  if (state.checking) return;
  state.checking = true;
  const r = await send("GET", "/api/v1/devices/me");
  state.checking = false;
  if (r.status === 200 && r.body && r.body.kind === "pad") {
    state.device = r.body;
    body.dataset.paired = "1";
    follow();
    return;
  }
  if (r.status === 200) unpaired("notPad");
  else if (r.status === 401 || r.status === 403) unpaired(state.device || state.token ? "unpaired" : "");
  else if (!state.device) later("device", TIMES.retryMs, checkDevice); // the hub is away
}

// unpaired forgets the pairing and asks for a code; why is the key of the
// sentence that says why, or "".
function unpaired(why) {
  stopFollowing();
  state.device = null;
  state.counter = null;
  state.visit = state.pending = null;
  state.token = "";
  store(TOKEN_KEY, "");
  body.dataset.paired = "0";
  openPair();
  const result = $("pair-result");
  result.classList.toggle("bad", why !== "");
  if (why) both(result, why);
}

function follow() {
  if (state.live) return;
  state.live = connect("/ws/pad", {
    onSnapshot,
    onMessage,
    onStatus(status) {
      body.dataset.live = status;
      // A websocket refused says nothing of why: the pad may have been
      // unpaired.
      if (status === "offline") checkDevice();
    },
  });
}

function stopFollowing() {
  if (state.live) state.live.close();
  state.live = null;
}

function isVisit(v) {
  return v && typeof v === "object" && Number.isInteger(v.id) && typeof v.number === "string";
}

function onSnapshot(msg) {
  state.snapshots++;
  body.dataset.snapshots = String(state.snapshots);
  if (msg.name) state.hall = msg.name;
  if (msg.counter) state.counter = msg.counter;
  const v = isVisit(msg.ticket) ? msg.ticket : null;
  body.dataset.offered = v ? String(v.id) : "";
  if (v && state.visit && v.id === state.visit.id) {
    // Still the visit asked about.
  } else if (v && !state.asked.has(v.id)) {
    offer(v);
  } else if (state.screen === "rate" && !state.busy) {
    // The hub takes no rating for it any more: rated on the phone, or
    // too late.
    if (state.visit) markAsked(state.visit.id);
    home();
  }
  if (state.screen === "loading") home();
  renderIdle();
}

function onMessage(msg) {
  if (msg.counter) state.counter = msg.counter;
  if (msg.type === "rate" && isVisit(msg.ticket) && !state.asked.has(msg.ticket.id)) offer(msg.ticket);
  renderIdle();
}

// offer asks about visit v now, or once the answer on its way is sent.
function offer(v) {
  if (state.screen === "pair" || (state.visit && v.id === state.visit.id)) return;
  if (state.busy) {
    state.pending = v;
    return;
  }
  ask(v);
}

// --- The counter, between visits.

function renderTop() {
  const hall = $("hall-name");
  if (state.hall) both(hall, state.hall);
  else hall.replaceChildren();
  const chip = $("counter-chip");
  if (state.counter) both(chip, state.counter.name || { en: state.counter.id, zh: state.counter.id });
  else chip.replaceChildren();
  body.classList.toggle("unpaired", !state.device);
}

function renderIdle() {
  renderTop();
  const c = state.counter;
  if (!c) return;
  const name = c.name && (c.name.zh || c.name.en) ? c.name : { en: `Counter ${c.id}`, zh: `${c.id}号窗口` };
  both($("idle-counter"), name);
  const number = c.number || (c.ticket && c.ticket.number) || "";
  body.dataset.counterState = c.state || "";
  body.dataset.number = number;
  const label = $("idle-label");
  const big = $("idle-number");
  $("idle-status").className = `status ${c.state || ""}`;
  big.classList.remove("words");
  if (c.state === "open" && number) {
    both(label, "nowServing");
    big.textContent = number;
  } else if (c.state === "open") {
    both(label, "welcome");
    both(big, "waitCall");
    big.classList.add("words");
  } else {
    both(label, c.state === "paused" ? "paused" : "closed");
    big.replaceChildren();
  }
  $("idle-invite").hidden = c.state !== "open";
  document.title = `${text(name, "zh")} · 服务评价 · Rate our service`;
}

// --- Asking.

function ask(v) {
  state.visit = v;
  state.asks++;
  body.dataset.asks = String(state.asks);
  body.dataset.visit = String(v.id);
  both($("rate-visit"), "visit", v.number);
  for (const f of document.querySelectorAll("#faces .face")) {
    f.disabled = false;
    f.classList.remove("chosen");
  }
  show("rate");
  countdown("rate", TIMES.rateMs, () => {
    markAsked(v.id);
    home();
  });
}

async function rate(score) {
  const v = state.visit;
  if (state.busy || !v || state.screen !== "rate") return;
  setBusy(true);
  cancel("countdown");
  cancel("tick");
  for (const f of document.querySelectorAll("#faces .face")) {
    f.classList.toggle("chosen", Number(f.dataset.score) === score);
    f.disabled = true;
  }
  const r = await sendAgain("POST", "/api/v1/ratings", { ticket: v.id, score });
  markAsked(v.id);
  setBusy(false);
  if (r.status === 401) {
    unpaired("unpaired");
    return;
  }
  // 409: rated already, on the phone, or by a try of ours that seemed lost.
  let result = "failed";
  if (r.status === 200 || r.status === 201 || (r.status === 409 && r.lost)) result = "rated";
  else if (r.status === 409) result = "already";
  body.dataset.result = result;
  delete body.dataset.complaint;
  if (state.pending) {
    home(); // the next customer is here
    return;
  }
  if (result === "rated" && score <= LOW) askWhy();
  else thank(result);
}

function askWhy() {
  for (const b of document.querySelectorAll("#categories .category")) {
    b.disabled = false;
    b.classList.remove("chosen");
  }
  $("why-skip").disabled = false;
  show("why");
  countdown("why", TIMES.whyMs, () => {
    body.dataset.complaint = "skipped";
    thank("rated");
  });
}

async function complain(category) {
  const v = state.visit;
  if (state.busy || !v || state.screen !== "why") return;
  setBusy(true);
  cancel("countdown");
  cancel("tick");
  for (const b of document.querySelectorAll("#categories .category")) {
    b.classList.toggle("chosen", b.dataset.category === category);
    b.disabled = true;
  }
  $("why-skip").disabled = true;
  const r = await send("POST", "/api/v1/ratings/complaint", { ticket: v.id, category });
  setBusy(false);
  const ok = r.status === 200 || r.status === 201;
  if (!ok) console.warn("pad: the complaint was refused", r.status, errorOf(r));
  body.dataset.complaint = ok ? "sent" : "failed";
  if (state.pending) {
    home();
    return;
  }
  thank(ok ? "complaint" : "complaintFailed");
}

function skip() {
  if (state.busy || state.screen !== "why") return;
  body.dataset.complaint = "skipped";
  thank("rated");
}

// thank shows the thanks for an answer: rated, complaint, complaintFailed,
// already or failed.
function thank(kind) {
  const title = kind === "already" || kind === "failed" ? "thanks" : "thanksRated";
  const words = { rated: "seeYou", complaint: "passedOn", complaintFailed: "complaintFailed", already: "already", failed: "failed" }[kind];
  both($("thanks-title"), title);
  both($("thanks-body"), words);
  $("screen-thanks").className = `screen thanks ${kind}`;
  show("thanks");
  later("thanks", TIMES.thanksMs, home);
}

function setBusy(busy) {
  state.busy = busy;
  if (busy) body.dataset.busy = "1";
  else delete body.dataset.busy;
}

// --- Pairing.

function openPair() {
  $("pair-code").value = "";
  $("pair-result").replaceChildren();
  $("pair-result").classList.remove("bad");
  $("pair-back").hidden = !state.device;
  show("pair");
}

async function pair(e) {
  e.preventDefault();
  if (state.device) later("pairIdle", TIMES.pairIdleMs, home);
  const code = $("pair-code").value.trim().toUpperCase();
  if (code === "") return;
  const result = $("pair-result");
  result.classList.remove("bad");
  both(result, "pairing");
  $("pair-submit").disabled = true;
  const r = await send("POST", "/api/v1/devices/pair", { code }, { auth: false });
  $("pair-submit").disabled = false;
  if (r.status === 200 && r.body && typeof r.body.token === "string") {
    if (r.body.kind !== "pad") {
      result.classList.add("bad");
      both(result, "notPad");
      return;
    }
    stopFollowing();
    state.token = r.body.token;
    store(TOKEN_KEY, state.token);
    state.device = null;
    state.counter = null;
    state.visit = state.pending = null;
    $("pair-code").value = "";
    both(result, "paired");
    show("loading");
    checkDevice();
    return;
  }
  result.classList.add("bad");
  if (r.status === 0) {
    both(result, "pairOffline");
    return;
  }
  const zh = say(r.status === 429 ? "pairTooMany" : "pairWrong", "zh");
  result.replaceChildren(span("l1", zh, "zh"), " ", span("l2", errorOf(r).message || `HTTP ${r.status}`, "en"));
}

function pairKeys() {
  const box = $("pair-keys");
  for (const c of PAIRING_ALPHABET) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "letter";
    b.dataset.letter = c;
    b.textContent = c;
    box.append(b);
  }
  const del = document.createElement("button");
  del.type = "button";
  del.className = "letter delete";
  del.dataset.letter = "back";
  del.textContent = "⌫";
  del.setAttribute("aria-label", `${T.keyDelete.zh} / ${T.keyDelete.en}`);
  box.append(del);
  box.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-letter]");
    if (!b) return;
    if (state.device) later("pairIdle", TIMES.pairIdleMs, home);
    const input = $("pair-code");
    if (b.dataset.letter === "back") input.value = input.value.slice(0, -1);
    else if (input.value.length < 8) input.value += b.dataset.letter;
  });
  $("pair-code").addEventListener("input", (e) => {
    e.target.value = e.target.value.toUpperCase();
  });
}

// --- Wiring.

function init() {
  for (const e of document.querySelectorAll("[data-t]")) both(e, e.dataset.t);
  const faces = $("faces");
  faces.append(...faceButtons(LANGS));
  faces.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-score]");
    if (b) rate(Number(b.dataset.score));
  });
  const categories = $("categories");
  categories.append(...categoryButtons(LANGS));
  categories.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-category]");
    if (b) complain(b.dataset.category);
  });
  $("why-skip").addEventListener("click", skip);
  $("pair-form").addEventListener("submit", pair);
  $("pair-back").addEventListener("click", home);
  pairKeys();
  // A long press on the bar opens the pairing screen, for staff.
  longPress($("top"), TIMES.longPressMs, () => {
    if (!state.busy) openPair();
  });
  // A pad has no use for the menu a long press opens.
  document.addEventListener("contextmenu", (e) => e.preventDefault());
  body.dataset.paired = "0";
  body.dataset.asks = "0";
  show("loading");
  checkDevice();
}

init();
