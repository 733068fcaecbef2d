// kiosk.js: the kiosk at the hall's entrance, /kiosk.
//
// A customer presses a service and takes a ticket. The services, their
// state and their queues come from GET /api/v1/hall and then live from
// /ws/display (live.js). A VIP card is read by a card reader that types like
// a keyboard, or typed on the on-screen keypad; the number goes with the
// next ticket request only and is never shown. A ticket request carries an
// Idempotency-Key made once per tap, and is retried with that same key when
// the network or the hub fails, so a customer never gets two tickets for
// one tap. The ticket is printed by the browser (kiosk.css's print styles),
// or, on a kiosk paired with a hub printer, by the hub.
//
// For tests and for a person at the kiosk's DevTools, <body> reflects the
// page's state: data-screen (start, keypad, card-unknown, result, setup),
// data-ready (the services are shown), data-card ("1" while a VIP card is
// held; never the number), data-attempts (the requests of the last issue),
// data-print (browser, hub, hub-ok or hub-failed: how the last ticket was
// printed), data-device (none, kiosk or printer: what GET /api/v1/devices/me
// said) and data-live (the live link's status).

import { connect } from "/assets/live.js";
import { LANGS, capitalized, clock, day, htmlLang, minutes, setTimeZone, text, ticketWait } from "/assets/i18n.js";
import { cancel, later, longPress, sleep } from "/assets/timers.js";

// The ticket stays on screen only as long as its customer needs: its QR
// code is the ticket's token, and whoever scans it can cancel the ticket.
const RESULT_S = 12; // printed by the browser, or by the hub's printer
const RESULT_PAPER_S = 10; // … at most this long once the hub says the paper is out
const RESULT_PRINT_FAILED_S = 45; // the printer failed: the screen is the ticket
const CARD_IDLE_MS = 45000; // a card read but no service chosen is forgotten
const KEYPAD_IDLE_MS = 60000; // the keypad goes back to the start when left
const SETUP_IDLE_MS = 120000; // so does the setup screen
const MESSAGE_MS = 12000; // a message on the start screen
const LANG_IDLE_MS = 60000; // the other language, untouched this long, goes back to the first
const LONG_PRESS_MS = 3000; // on the hall name: the setup screen
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000]; // after a network error or a 5xx
const REQUEST_TIMEOUT_MS = 10000; // one ticket request; then it is retried
const PRINT_TIMEOUT_MS = 20000; // the hub's printer
const HALL_RETRY_MS = 5000;
const BUSY_AFTER_MS = 300; // a ticket request this slow shows "issuing"…
const PENDING_REUSE_MS = 120000; // a failed tap's key is reused by the same tap soon after
// A card reader types its characters a few milliseconds apart and ends with
// Enter; a person's keystrokes are further apart.
const WEDGE_GAP_MS = 100;
const WEDGE_MIN = 4;
const WEDGE_MAX = 256;
const CARD_MAX = 32;
const PAIRING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const DEFAULT_LANG = LANGS[0];

// The page's own words. A value is a string or a function of the arguments.
const T = {
  choose: { zh: "请选择业务", en: "Please choose a service" },
  loading: { zh: "正在连接…", en: "Connecting…" },
  cardRead: { zh: "已读取 VIP 卡 — 请选择业务", en: "VIP card read — choose a service" },
  cardCancel: { zh: "不使用 VIP 卡", en: "Don't use the card" },
  vipButton: { zh: "VIP 卡取号", en: "VIP card" },
  vipRule: {
    zh: (m) => `VIP 持卡客户可优先叫号，但最多相当于提前 ${m} 分钟取号。`,
    en: (m) => `VIP card holders may be called ahead, by at most ${m} minutes of arrival time.`,
  },
  waiting: { zh: (n) => `${n} 人等候`, en: (n) => `${n} waiting` },
  noneWaiting: { zh: "无人等候", en: "No one waiting" },
  closed: { zh: "暂停取号", en: "Closed" },
  closedSwitch: { zh: "今日暂停服务", en: "Not taking tickets now" },
  closedHours: { zh: (h) => `办理时间 ${h}`, en: (h) => `Opens ${h}` },
  closedQuota: { zh: "今日号票已取完", en: "Today's quota reached" },
  keypadTitle: { zh: "请输入 VIP 卡号", en: "Type your VIP card number" },
  keypadHint: { zh: "也可以直接刷卡", en: "or swipe your card" },
  keyClear: { zh: "清除", en: "Clear" },
  keyBack: { zh: "删除一位", en: "Delete one digit" },
  cancel: { zh: "取消", en: "Cancel" },
  ok: { zh: "确定", en: "OK" },
  back: { zh: "返回", en: "Back" },
  unknownTitle: { zh: "抱歉，这张 VIP 卡无法使用", en: "Sorry, this VIP card cannot be used" },
  unknownBody: {
    zh: "这张卡未在本厅登记，或已过期。您可以取一张普通号。",
    en: "It is not registered here, or it has expired. You can take a regular ticket.",
  },
  regularTicket: { zh: (s) => `取普通号 · ${s}`, en: (s) => `Regular ticket · ${s}` },
  yourNumber: { zh: "您的号码", en: "Your number" },
  aheadLabel: { zh: "前面还有", en: "People ahead" },
  aheadValue: { zh: (n) => `${n} 人`, en: (n) => `${n}` },
  aheadLine: {
    zh: (n) => `前面还有 ${n} 人`,
    en: (n) => (n === 1 ? "1 person ahead" : `${n} people ahead`),
  },
  waitLabel: { zh: "预计等候", en: "Estimated wait" },
  waitLine: { zh: (w) => `预计等候 ${w}`, en: (w) => `Estimated wait: ${w}` },
  scan: { zh: "扫码在手机上查看排队进度", en: "Scan to follow your turn on your phone" },
  qrAlt: { zh: "本号票的二维码", en: "QR code of your ticket" },
  done: { zh: "完成", en: "Done" },
  issuing: { zh: "正在出票，请稍候…", en: "Issuing your ticket…" },
  printing: { zh: "正在打印号票…", en: "Printing your ticket…" },
  printed: { zh: "请取走号票", en: "Please take your ticket" },
  printFailed: {
    zh: "打印机出现故障 — 请拍下此屏幕或扫描二维码",
    en: "The printer is not working — please photograph this screen or scan the code",
  },
  // Of a service (its object: each language its own name).
  justClosed: {
    zh: (s) => `抱歉，“${serviceName(s, "zh")}”刚刚停止取号。`,
    en: (s) => `Sorry, ${serviceName(s, "en")} has just closed.`,
  },
  rateLimited: { zh: "请稍等片刻再取号。", en: "Please wait a moment, then try again." },
  failed: {
    zh: "暂时无法出票，请再试一次或联系工作人员。",
    en: "The ticket could not be issued. Please try again, or ask a member of staff.",
  },
  cardUnreadable: {
    zh: "未能读取这张卡，请重新刷卡或输入卡号。",
    en: "The card could not be read. Please swipe it again or type the number.",
  },
  vipTier: { zh: (n) => `VIP · ${n}`, en: (n) => `VIP · ${n}` },
  setupTitle: { zh: "设置 · 配对本机", en: "Setup · pair this kiosk" },
  setupHelp: {
    zh: "输入管理员在管理页面“设备”中生成的 8 位配对码。配对后，本机可由大厅主机的打印机打印号票，且不受取号频率限制。",
    en: "Type the 8-character pairing code a manager made under Devices on the manager page. A paired kiosk can print on the hub's ticket printer and is not rate-limited.",
  },
  pairCode: { zh: "配对码", en: "Pairing code" },
  pair: { zh: "配对", en: "Pair" },
  pairing: { zh: "正在配对…", en: "Pairing…" },
  paired: { zh: "配对成功。", en: "Paired." },
  deviceNone: {
    zh: "本机未配对：号票由本浏览器打印。",
    en: "This kiosk is not paired: this browser prints the tickets.",
  },
  devicePrinter: {
    zh: (n) => `已配对为“${n}”：号票由大厅主机的打印机打印。`,
    en: (n) => `Paired as “${n}”: the hub's printer prints the tickets.`,
  },
  deviceNoPrinter: {
    zh: (n) => `已配对为“${n}”，未设打印机：号票由本浏览器打印。`,
    en: (n) => `Paired as “${n}”, without a printer: this browser prints the tickets.`,
  },
  keyDelete: { zh: "删除", en: "Delete" },
  setupCardIgnored: {
    zh: "刚才刷了卡：设置页面不读取卡号，配对码未改动。",
    en: "A card was swiped: this screen does not read cards, and the pairing code is unchanged.",
  },
};

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_NAMES = {
  en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
  zh: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
};

const $ = (id) => document.getElementById(id);
const body = document.body;

const state = {
  lang: DEFAULT_LANG,
  screen: "start",
  name: null, // the hall's {en, zh}
  notice: null,
  headStartMaxS: 0,
  tiers: [],
  services: [], // the live services, in the hall's order
  card: null, // the VIP card number read, until the next ticket request
  keypad: "", // what the keypad holds
  busy: false, // a ticket request is on its way
  pending: null, // {service, card, key, at}: a request whose outcome is not known
  retryService: null, // the service of a request refused for its card
  ticket: null, // the ticket on the result screen
  printStatus: "", // "", printing, printed, failed: the hub's printer
  device: { kind: "", name: "", printer: false },
};

function other(lang) {
  return lang === "zh" ? "en" : "zh";
}

// t returns the page's string key in lang, applied to args.
function t(key, lang = state.lang, ...args) {
  const v = T[key][lang];
  return typeof v === "function" ? v(...args) : v;
}

// el makes an element with a class, a text and a language.
function el(tag, className, content, lang) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (content !== undefined) e.textContent = content;
  if (lang) e.lang = htmlLang(lang);
  return e;
}

// bilingual fills e with key in lang first, then in the other language.
function bilingual(e, key, lang, ...args) {
  e.replaceChildren(el("span", "l1", t(key, lang, ...args), lang), el("span", "l2", t(key, other(lang), ...args), other(lang)));
}

function serviceName(s, lang) {
  return text(s && s.name, lang) || (s ? s.id : "");
}

function findService(id) {
  return state.services.find((s) => s.id === id);
}

// --- Screens.

const screens = ["start", "keypad", "card-unknown", "result", "setup"];

function show(screen) {
  state.screen = screen;
  body.dataset.screen = screen;
  for (const s of screens) $(`screen-${s}`).hidden = s !== screen;
  cancel("idle");
  if (screen !== "result") {
    stopCountdown();
    clearResult();
  }
  if (screen === "keypad") later("idle", KEYPAD_IDLE_MS, home);
  if (screen === "setup") later("idle", SETUP_IDLE_MS, home);
  if (screen === "card-unknown") later("idle", KEYPAD_IDLE_MS, home);
}

// back returns to the start screen, as the customer left it.
function back() {
  hideMessage();
  state.retryService = null;
  state.keypad = "";
  show("start");
}

// home is the start screen as the next customer should find it: no card,
// no message, the hall's first language.
function home() {
  forgetCard();
  hideMessage();
  state.retryService = null;
  state.keypad = "";
  if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
  setLang(DEFAULT_LANG);
  show("start");
}

// --- Language.

function setLang(lang) {
  state.lang = lang;
  document.documentElement.lang = htmlLang(lang);
  const toggle = $("lang-toggle");
  const next = other(lang);
  toggle.replaceChildren(el("span", "", next === "zh" ? "中文" : "English", next));
  toggle.setAttribute("aria-label", next === "zh" ? "切换到中文" : "Switch to English");
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = t(e.dataset.t);
  for (const e of document.querySelectorAll("[data-t-label]")) e.setAttribute("aria-label", t(e.dataset.tLabel));
  $("r-qr").alt = t("qrAlt");
  renderHall();
  renderServices();
  renderKeypad();
  renderUnknown();
  renderResult();
  renderDevice();
  if (messageKey) showMessage(...messageKey);
}

// langIdle (re)starts the clock of the other language: a customer who chose
// it and walked away leaves the kiosk in it; the next one finds the first
// language again.
function langIdle() {
  if (state.lang === DEFAULT_LANG) return;
  later("lang", LANG_IDLE_MS, () => {
    if (state.screen === "start" && !state.busy) setLang(DEFAULT_LANG);
  });
}

// --- The hall and its services.

function renderHall() {
  $("hall-name").textContent = text(state.name, state.lang) || "\u00a0";
  const notice = text(state.notice, state.lang);
  $("notice").textContent = notice;
  $("notice").hidden = notice === "";
  const rule = $("vip-rule");
  rule.hidden = !(state.headStartMaxS > 0);
  if (!rule.hidden) rule.textContent = t("vipRule", state.lang, minutes(state.headStartMaxS));
  document.title = `${text(state.name, state.lang) || "hallq"} · ${t("choose")}`;
}

// hoursText says opening hours: "08:30–17:00", "08:30–17:00, Mon–Fri",
// "08:30–17:00, Sat, Sun".
function hoursText(h, lang) {
  const s = `${h.open}–\u2060${h.close}`; // a word joiner: no line break in a range
  const days = DAYS.map((_, i) => i).filter((i) => (h.days || []).includes(DAYS[i]));
  if (days.length === 0 || days.length === 7) return s;
  const names = DAY_NAMES[lang];
  // A run of three days or more, through Sunday too (Thu–Tue), is a range.
  const first = days.find((d) => !days.includes((d + 6) % 7));
  const run = first !== undefined && days.every((_, i) => days.includes((first + i) % 7));
  let list;
  if (run && days.length >= 3) {
    const last = (first + days.length - 1) % 7;
    list = `${names[first]}${lang === "zh" ? "至" : "–\u2060"}${names[last]}`;
  } else {
    list = days.map((d) => names[d]).join(lang === "zh" ? "、" : ", ");
  }
  return lang === "zh" ? `${s} ${list}` : `${s}, ${list}`;
}

// closedText says why a service takes no tickets.
function closedText(s, lang) {
  if (s.closed_reason === "quota") return t("closedQuota", lang);
  if (s.closed_reason === "hours" && s.hours) return t("closedHours", lang, hoursText(s.hours, lang));
  return t("closedSwitch", lang);
}

// queueText says how many wait for service s and the wait of a ticket
// taken now, in the words every page uses for the hub's estimate
// (i18n.js's waitWords): the ticket then shows the same figures.
function queueText(s, lang) {
  const parts = [];
  if (s.waiting) parts.push(t("waiting", lang, s.waiting));
  else if (s.eta_reason !== "no_counter") parts.push(t("noneWaiting", lang));
  parts.push(ticketWait(s, lang, s.id));
  return parts.join(" · ");
}

// words fills e with s, each space-separated part kept on one line.
function words(e, s) {
  const parts = s.split(" ").map((w) => el("span", "word", w));
  e.replaceChildren(...parts.flatMap((p, i) => (i === 0 ? [p] : [" ", p])));
}

// serviceButton returns the button of service id, made once and then
// changed in place: a button replaced under a finger loses the tap.
const buttons = new Map();
function serviceButton(id) {
  let b = buttons.get(id);
  if (b) return b;
  b = el("button", "service");
  b.type = "button";
  b.dataset.service = id;
  const badge = el("span", "svc-id", id);
  badge.setAttribute("aria-hidden", "true");
  const names = el("span", "svc-names");
  names.append(el("span", "svc-name1"), el("span", "svc-name2"));
  const info = el("span", "svc-info");
  info.append(el("span", "svc-state"), el("span", "svc-detail"));
  b.append(badge, names, info);
  b.addEventListener("click", () => tapService(id));
  buttons.set(id, b);
  return b;
}

function renderServices() {
  const box = $("services");
  if (state.services.length === 0) return;
  const lang = state.lang;
  const wanted = state.services.map((s) => {
    const b = serviceButton(s.id);
    const [name1, name2] = b.querySelector(".svc-names").children;
    name1.textContent = text(s.name, lang) || s.id;
    name1.lang = htmlLang(lang);
    name2.textContent = text(s.name, other(lang));
    name2.lang = htmlLang(other(lang));
    name2.hidden = name2.textContent === name1.textContent;
    const [st, detail] = b.querySelector(".svc-info").children;
    const closed = !s.accepting;
    b.classList.toggle("closed", closed);
    b.dataset.closed = closed ? s.closed_reason || "closed" : "";
    st.hidden = !closed;
    st.textContent = closed ? t("closed", lang) : "";
    words(detail, closed ? closedText(s, lang) : queueText(s, lang));
    b.disabled = closed || state.busy;
    b.setAttribute("aria-disabled", String(closed || state.busy));
    return b;
  });
  for (const [id, b] of buttons) {
    if (!findService(id)) {
      b.remove();
      buttons.delete(id);
    }
  }
  const same = box.children.length === wanted.length && wanted.every((b, i) => box.children[i] === b);
  if (!same) box.replaceChildren(...wanted);
  box.classList.toggle("few", wanted.length <= 3);
  box.removeAttribute("aria-busy");
  body.dataset.ready = "1";
}

function setServices(list) {
  if (!Array.isArray(list)) return;
  state.services = list;
  renderServices();
}

// The hall, once at start (and again until it answers): names, notice,
// tiers, the services with their hours; the live view keeps them current.
async function loadHall() {
  for (;;) {
    try {
      const res = await fetch("/api/v1/hall", { cache: "no-store" });
      if (res.ok) {
        const hall = await res.json();
        setTimeZone(hall.time_zone);
        state.tiers = hall.tiers || [];
        if (!live.synced) {
          state.name = hall.name;
          state.notice = hall.notice;
          state.headStartMaxS = hall.head_start_max_s || 0;
          renderHall();
          setServices(hall.services);
        }
        return;
      }
    } catch (err) {
      console.warn("kiosk: the hall is not reachable yet", err);
    }
    await sleep(HALL_RETRY_MS);
  }
}

// refreshHall reads the hall's services again, once: the hub refused a
// ticket for a service this page still showed open. The live view goes on
// changing them afterwards.
async function refreshHall() {
  try {
    const res = await fetch("/api/v1/hall", { cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const hall = await res.json();
    state.tiers = hall.tiers || state.tiers;
    setServices(hall.services);
  } catch (err) {
    console.warn("kiosk: reading the hall again", err);
  }
}

// markClosed shows service id closed until the hub says more.
function markClosed(id) {
  const s = findService(id);
  if (!s || !s.accepting) return;
  setServices(state.services.map((x) => (x === s ? { ...s, accepting: false, closed_reason: "closed" } : x)));
}

const live = { synced: false };
function followHall() {
  connect("/ws/display", {
    onSnapshot(msg) {
      live.synced = true;
      state.name = msg.name;
      state.notice = msg.notice;
      state.headStartMaxS = msg.head_start_max_s || 0;
      renderHall();
      setServices(msg.services);
    },
    onMessage(msg) {
      if (msg.services) setServices(msg.services);
    },
    onStatus(status) {
      body.dataset.live = status;
    },
  });
}

// --- Messages on the start screen, in both languages.

let messageKey = null;
function showMessage(key, ...args) {
  messageKey = [key, ...args];
  const m = $("message");
  bilingual(m, key, state.lang, ...args);
  m.hidden = false;
  later("message", MESSAGE_MS, hideMessage);
}
function hideMessage() {
  messageKey = null;
  $("message").hidden = true;
  cancel("message");
}

// --- The VIP card: a reader typing like a keyboard, or the keypad.

// cardNumber reduces what a reader typed to the card number, as the hub
// does: track 1 (%B6222…^NAME^…?) keeps the number and drops the holder's
// name, track 2 (;6222…=2512…?) drops the rest.
function cardNumber(raw) {
  let s = raw.trim();
  if (/^%b/i.test(s)) {
    s = s.slice(2);
    const i = s.indexOf("^");
    if (i >= 0) s = s.slice(0, i);
  } else if (s.startsWith(";")) {
    s = s.slice(1);
    const i = s.search(/[=?]/);
    if (i >= 0) s = s.slice(0, i);
  } else if (s.includes("=")) {
    s = s.slice(0, s.indexOf("="));
  }
  s = s.replace(/\?$/, "").replace(/[ -]/g, "").toUpperCase();
  return /^[A-Z0-9]{1,32}$/.test(s) ? s : "";
}

// useCard holds a card for the next ticket request, on the start screen.
function useCard(raw) {
  const number = cardNumber(raw);
  state.keypad = "";
  if (state.screen !== "start") show("start");
  stopCountdown();
  if (number === "") {
    forgetCard();
    showMessage("cardUnreadable");
    return;
  }
  hideMessage();
  // The reader typed on whatever had the focus; a ring on it now would
  // only puzzle the customer.
  if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
  state.card = number;
  body.dataset.card = "1";
  $("card-read").hidden = false;
  $("vip-button").hidden = true;
  later("card", CARD_IDLE_MS, expireCard);
}

// expireCard forgets a card nobody used, once its ticket request, if any,
// has its answer.
function expireCard() {
  if (state.busy) later("card", CARD_IDLE_MS, expireCard);
  else forgetCard();
}

function forgetCard() {
  state.card = null;
  delete body.dataset.card;
  $("card-read").hidden = true;
  $("vip-button").hidden = false;
  cancel("card");
}

// The reader's keystrokes come to the document, whatever has the focus: a
// burst of characters a few milliseconds apart, then Enter (or Tab).
//
// On the setup screen a card is no use, and its Enter would submit the
// pairing form: every failed pairing counts against the kiosk, and ten
// block pairing for a while. There a burst is dropped instead: the
// characters of its start that reached the pairing field before it was
// known to be a burst are taken back out, the rest never get there, and its
// Enter presses nothing. A person typing a code types slower than a reader.
const wedge = { buffer: "", last: -Infinity, swallow: "", field: null, dropped: false };
function onKeyDown(e) {
  if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
  const setup = state.screen === "setup";
  // When the key was pressed, not when this page got to it: a busy page
  // must not split a reader's burst.
  const now = e.timeStamp;
  const burst = now - wedge.last <= WEDGE_GAP_MS;
  if (e.key === "Enter" || e.key === "Tab") {
    const read = burst && wedge.buffer.length >= WEDGE_MIN ? wedge.buffer : "";
    wedge.buffer = "";
    wedge.last = -Infinity;
    if (read === "") return; // a person's Enter or Tab: leave it be
    e.preventDefault(); // or Enter would press the focused button, or submit
    wedge.swallow = e.key; // … on its keypress, too
    if (setup) dropBurst();
    else if (!state.busy) useCard(read);
    return;
  }
  if (e.key.length !== 1) return; // Shift and the like: part of a burst
  if (!burst) {
    wedge.buffer = "";
    wedge.dropped = false;
    wedge.field = setup ? fieldState() : null;
  }
  if (wedge.buffer.length < WEDGE_MAX) wedge.buffer += e.key;
  wedge.last = now;
  if (setup) {
    // A person's keys go to the pairing field, until they are a burst.
    if (wedge.buffer.length >= WEDGE_MIN) {
      e.preventDefault();
      dropBurst();
    }
    return;
  }
  // No text field takes a character here; a space would press the focused
  // button, unless a person meant it.
  if (e.key !== " " || burst) e.preventDefault();
}

// fieldState remembers the text field that has the focus, as it was before
// a key that may start a burst.
function fieldState() {
  const f = document.activeElement;
  if (!(f instanceof HTMLInputElement)) return null;
  return { el: f, value: f.value, start: f.selectionStart, end: f.selectionEnd };
}

// dropBurst undoes what a reader's burst typed on the setup screen, and
// says why nothing happened, once per burst.
function dropBurst() {
  const f = wedge.field;
  if (f && f.el.value !== f.value) {
    f.el.value = f.value;
    if (f.start !== null) f.el.setSelectionRange(f.start, f.end);
  }
  if (wedge.dropped) return;
  wedge.dropped = true;
  console.info("kiosk: a card reader's input on the setup screen, dropped");
  const result = $("pair-result");
  result.classList.remove("bad");
  result.textContent = t("setupCardIgnored");
  later("idle", SETUP_IDLE_MS, home);
}

// The reader's Enter presses nothing, on its keypress or its keyup either.
function onKeyRest(e) {
  if (wedge.swallow === "" || e.key !== wedge.swallow) return;
  e.preventDefault();
  if (e.type === "keyup") wedge.swallow = "";
}

function renderKeypad() {
  const n = state.keypad.length;
  $("keypad-dots").textContent = "•".repeat(n);
  $("keypad-hint").hidden = n > 0;
  $("keypad-ok").disabled = n === 0;
}

function onKeypad(key) {
  later("idle", KEYPAD_IDLE_MS, home);
  if (key === "clear") state.keypad = "";
  else if (key === "back") state.keypad = state.keypad.slice(0, -1);
  else if (state.keypad.length < CARD_MAX) state.keypad += key;
  renderKeypad();
}

// --- Issuing a ticket.

// newKey returns a fresh Idempotency-Key. crypto.randomUUID exists only in a
// secure context, and a kiosk reaches the hub over plain http on the LAN.
function newKey() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// setBusy disables every button that would issue a ticket; the "issuing"
// overlay shows only when the hub takes a moment.
function setBusy(busy) {
  state.busy = busy;
  if (busy) later("busy", BUSY_AFTER_MS, () => ($("busy").hidden = !state.busy));
  else {
    cancel("busy");
    $("busy").hidden = true;
  }
  $("vip-button").disabled = busy;
  $("card-cancel").disabled = busy;
  $("unknown-regular").disabled = busy;
  renderServices();
}

function tapService(id) {
  if (state.busy) return;
  const s = findService(id);
  if (!s || !s.accepting) return;
  issue(id, state.card);
}

// keyFor returns the Idempotency-Key of a tap: a new one, unless the same
// tap (service and card) failed a moment ago without a known outcome: that
// request may have made a ticket, and the hub answers a repeated key with it.
function keyFor(service, card) {
  const p = state.pending;
  if (p && p.service === service && p.card === card && Date.now() - p.at < PENDING_REUSE_MS) return p.key;
  return newKey();
}

// post sends one ticket request; it resolves to the reply's {status, data}
// (data: the JSON body, or null), or to null when the network failed, the
// reply was cut off or the hub did not answer in time.
async function post(key, payload) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), REQUEST_TIMEOUT_MS);
  try {
    const res = await fetch("/api/v1/tickets", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify(payload),
      signal: ctl.signal,
      cache: "no-store",
    });
    const raw = await res.text();
    let data = null;
    try {
      data = JSON.parse(raw);
    } catch {
      // not JSON: a proxy's error page, or a reply cut short
    }
    if (res.ok && (data === null || typeof data.number !== "string")) {
      throw new Error(`a ${res.status} reply without a ticket`);
    }
    return { status: res.status, data };
  } catch (err) {
    console.warn("kiosk: ticket request failed; retrying with the same key", err);
    return null;
  } finally {
    clearTimeout(timer);
  }
}

function errorOf(data) {
  return (data && typeof data === "object" && data.error) || {};
}

async function readError(res) {
  try {
    return errorOf(await res.json());
  } catch {
    return {};
  }
}

// issue asks the hub for a ticket, retrying with the same key until it
// answers (or gives up), and shows the outcome.
async function issue(service, card) {
  const key = keyFor(service, card);
  const lang = state.lang;
  const payload = { service, lang };
  if (card) payload.card = card;
  state.pending = { service, card, key, at: Date.now() };
  hideMessage();
  setBusy(true);
  let res = null;
  let attempts = 0;
  try {
    for (;;) {
      attempts++;
      body.dataset.attempts = String(attempts);
      res = await post(key, payload);
      if (res !== null && res.status < 500) break;
      if (attempts > RETRY_DELAYS_MS.length) break;
      await sleep(RETRY_DELAYS_MS[attempts - 1]);
    }
    if (res === null || res.status >= 500) {
      // The outcome is not known: the same tap again reuses the key.
      show("start");
      showMessage("failed");
      return;
    }
    state.pending = null;
    if (card) forgetCard();
    if (res.status === 200 || res.status === 201) {
      showTicket(res.data);
      return;
    }
    refused(res.status, errorOf(res.data), service, card);
  } catch (err) {
    console.error("kiosk: issuing a ticket", err);
    show("start");
    showMessage("failed");
  } finally {
    setBusy(false);
  }
}

// refused shows why the hub refused a ticket request.
function refused(status, err, service, card) {
  const s = findService(service);
  if (status === 409 && err.code === "closed") {
    // The next customer must not tap it again: closed here at once, then
    // as the hub has it, with its reason.
    markClosed(service);
    show("start");
    showMessage("justClosed", s || { id: service });
    refreshHall();
  } else if (status === 429) {
    show("start");
    showMessage("rateLimited");
  } else if (card && (err.code === "card_unknown" || status === 400)) {
    state.retryService = service;
    renderUnknown();
    show("card-unknown");
    $("unknown-regular").focus({ focusVisible: false });
  } else {
    console.warn("kiosk: ticket refused", status, err);
    show("start");
    showMessage("failed");
  }
}

function renderUnknown() {
  const box = $("unknown-text");
  const lang = state.lang;
  const parts = [];
  for (const l of [lang, other(lang)]) {
    parts.push(el("h2", l === lang ? "first" : "second", t("unknownTitle", l), l));
    parts.push(el("p", l === lang ? "first" : "second", t("unknownBody", l), l));
  }
  parts[0].id = "unknown-title"; // the screen's label
  box.replaceChildren(...parts);
  const s = findService(state.retryService);
  $("unknown-regular").replaceChildren(
    el("span", "l1", t("regularTicket", lang, serviceName(s, lang)), lang),
    el("span", "l2", t("regularTicket", other(lang), serviceName(s, other(lang))), other(lang)),
  );
}

// --- The ticket.

function qrURL(ticket) {
  return `/api/v1/tickets/${encodeURIComponent(ticket.token)}/qr.png`;
}

function tierOf(ticket) {
  return state.tiers.find((x) => x.id === ticket.tier);
}

function showTicket(ticket) {
  state.ticket = ticket;
  state.printStatus = "";
  $("r-qr").src = qrURL(ticket);
  $("p-qr").src = qrURL(ticket);
  renderResult();
  show("result");
  startCountdown(RESULT_S);
  $("done").focus({ focusVisible: false });
  printTicket(ticket);
}

function renderResult() {
  const tk = state.ticket;
  if (!tk) return;
  const lang = state.lang;
  const s = findService(tk.service);
  $("r-number").textContent = tk.number;
  const service = $("r-service");
  service.replaceChildren(el("span", "l1", serviceName(s, lang) || tk.service, lang));
  const second = serviceName(s, other(lang));
  if (second && second !== serviceName(s, lang)) service.append(el("span", "l2", second, other(lang)));
  const tier = tierOf(tk);
  $("r-tier").hidden = !(tier && tier.rank > 0);
  if (tier && tier.rank > 0) $("r-tier").textContent = t("vipTier", lang, text(tier.name, lang));
  $("r-ahead").textContent = t("aheadValue", lang, tk.ahead);
  $("r-wait").textContent = capitalized(ticketWait(tk, lang)); // standing on its own, as on the phone
  $("r-wait").classList.toggle("sentence", tk.eta_reason === "no_counter");
  renderPrintStatus();
  renderPaper();
}

// clearResult forgets the ticket of the result screen and empties the
// screen and the paper ticket: the QR code carries the ticket's token, and
// the next person in line must not find it, not even in a hidden screen.
function clearResult() {
  if (state.ticket === null && !$("r-qr").hasAttribute("src")) return;
  state.ticket = null;
  state.printStatus = "";
  for (const id of ["r-qr", "p-qr"]) $(id).removeAttribute("src");
  for (const id of ["r-number", "r-service", "r-tier", "r-ahead", "r-wait", "r-print"]) $(id).replaceChildren();
  for (const e of $("paper").querySelectorAll("p")) e.replaceChildren();
  $("r-tier").hidden = true;
  $("r-print").hidden = true;
  $("countdown").textContent = "";
}

function renderPrintStatus() {
  const box = $("r-print");
  const key = { printing: "printing", printed: "printed", failed: "printFailed" }[state.printStatus];
  box.hidden = !key;
  box.classList.toggle("failed", state.printStatus === "failed");
  box.setAttribute("role", state.printStatus === "failed" ? "alert" : "status");
  if (key) bilingual(box, key, state.lang);
}

// renderPaper fills the paper ticket in the ticket's language, then the
// other.
function renderPaper() {
  const tk = state.ticket;
  const lang = tk.lang === "en" || tk.lang === "zh" ? tk.lang : state.lang;
  const s = findService(tk.service);
  const two = (id, a, b) => {
    const e = $(id);
    e.replaceChildren(el("span", "l1", a, lang));
    if (b && b !== a) e.append(el("span", "l2", b, other(lang)));
  };
  two("p-hall", text(state.name, lang), text(state.name, other(lang)));
  $("p-number").textContent = tk.number;
  two("p-service", serviceName(s, lang) || tk.service, serviceName(s, other(lang)));
  two("p-ahead", t("aheadLine", lang, tk.ahead), t("aheadLine", other(lang), tk.ahead));
  two(
    "p-wait",
    t("waitLine", lang, ticketWait(tk, lang)),
    t("waitLine", other(lang), ticketWait(tk, other(lang))),
  );
  two("p-scan", t("scan", lang), t("scan", other(lang)));
  $("p-time").textContent = `${day(tk.issued_at)} ${clock(tk.issued_at)}`;
}

// printTicket prints the ticket: on the hub's printer for a paired kiosk
// that has one, else through the browser (silently with chromium
// --kiosk-printing).
async function printTicket(ticket) {
  if (state.device.printer) {
    await printOnHub(ticket);
    return;
  }
  const img = $("p-qr");
  try {
    await Promise.race([img.decode(), sleep(3000)]);
  } catch {
    // A QR code that does not load is left off; the number still prints.
  }
  if (state.ticket !== ticket) return;
  body.dataset.print = "browser";
  window.print();
}

async function printOnHub(ticket) {
  body.dataset.print = "hub";
  state.printStatus = "printing";
  renderPrintStatus();
  let ok = false;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), PRINT_TIMEOUT_MS);
  try {
    const res = await fetch(`/api/v1/tickets/${encodeURIComponent(ticket.token)}/print`, {
      method: "POST",
      signal: ctl.signal,
      cache: "no-store",
    });
    ok = res.ok;
    if (!ok) console.warn("kiosk: the hub's printer failed", res.status, await readError(res));
  } catch (err) {
    console.warn("kiosk: the hub's printer failed", err);
  } finally {
    clearTimeout(timer);
  }
  if (state.ticket !== ticket) return;
  body.dataset.print = ok ? "hub-ok" : "hub-failed";
  state.printStatus = ok ? "printed" : "failed";
  renderPrintStatus();
  if (ok) {
    // The customer holds the paper, with the same QR code on it.
    if (countdownLeft + 1 > RESULT_PAPER_S) startCountdown(RESULT_PAPER_S);
  } else {
    startCountdown(RESULT_PRINT_FAILED_S);
    loadDevice(); // the kiosk may have been unpaired
  }
}

// The result screen counts down to the start screen.
let countdownLeft = 0;
function startCountdown(seconds) {
  countdownLeft = seconds;
  tick();
}
function tick() {
  $("countdown").textContent = String(countdownLeft);
  if (countdownLeft <= 0) {
    home();
    return;
  }
  countdownLeft--;
  later("countdown", 1000, tick);
}
function stopCountdown() {
  cancel("countdown");
}

// --- The device: paired or not, with a hub printer or not.

async function loadDevice() {
  let device = { kind: "", name: "", printer: false };
  try {
    const res = await fetch("/api/v1/devices/me", { cache: "no-store" });
    if (res.ok) {
      const d = await res.json();
      if (d && typeof d === "object") {
        device = { kind: String(d.kind || ""), name: String(d.name || ""), printer: d.kind === "kiosk" && !!d.printer };
      }
    }
  } catch (err) {
    console.warn("kiosk: no paired device", err);
  }
  state.device = device;
  body.dataset.device = device.printer ? "printer" : device.kind || "none";
  renderDevice();
}

function renderDevice() {
  const d = state.device;
  const name = d.name || d.kind;
  let key = "deviceNone";
  if (d.kind) key = d.printer ? "devicePrinter" : "deviceNoPrinter";
  $("setup-device").textContent = t(key, state.lang, name);
}

function openSetup() {
  if (state.busy) return;
  forgetCard();
  hideMessage();
  $("pair-code").value = "";
  $("pair-result").textContent = "";
  show("setup");
  loadDevice();
}

async function pair(e) {
  e.preventDefault();
  later("idle", SETUP_IDLE_MS, home);
  const code = $("pair-code").value.trim().toUpperCase();
  const result = $("pair-result");
  result.classList.remove("bad");
  result.textContent = t("pairing");
  $("pair-submit").disabled = true;
  try {
    const res = await fetch("/api/v1/devices/pair", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code }),
      cache: "no-store",
    });
    if (res.ok) {
      result.textContent = t("paired");
      $("pair-code").value = "";
      await loadDevice();
    } else {
      const err = await readError(res);
      result.classList.add("bad");
      result.textContent = err.message || `HTTP ${res.status}`;
    }
  } catch (err) {
    result.classList.add("bad");
    result.textContent = String(err);
  } finally {
    $("pair-submit").disabled = false;
  }
}

function setupKeys() {
  const box = $("pair-keys");
  for (const c of PAIRING_ALPHABET) {
    const b = el("button", "letter", c);
    b.type = "button";
    b.dataset.letter = c;
    box.append(b);
  }
  const del = el("button", "letter wide", "⌫");
  del.type = "button";
  del.dataset.letter = "back";
  del.dataset.tLabel = "keyDelete";
  box.append(del);
  box.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-letter]");
    if (!b) return;
    later("idle", SETUP_IDLE_MS, home);
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
  $("lang-toggle").addEventListener("click", () => {
    setLang(other(state.lang));
    langIdle();
    if (state.screen === "result") startCountdown(Math.max(countdownLeft + 1, 10));
  });
  document.addEventListener("pointerdown", langIdle, true);
  $("vip-button").addEventListener("click", () => {
    if (state.busy) return;
    hideMessage();
    state.keypad = "";
    renderKeypad();
    show("keypad");
  });
  $("keypad").addEventListener("click", (e) => {
    const b = e.target.closest("button[data-key]");
    if (b) onKeypad(b.dataset.key);
  });
  $("keypad-ok").addEventListener("click", () => {
    if (state.keypad !== "") useCard(state.keypad);
  });
  $("keypad-cancel").addEventListener("click", back);
  $("card-cancel").addEventListener("click", forgetCard);
  $("unknown-cancel").addEventListener("click", back);
  $("unknown-regular").addEventListener("click", () => {
    if (state.retryService && !state.busy) issue(state.retryService, null);
  });
  $("done").addEventListener("click", home);
  $("setup-back").addEventListener("click", back);
  $("pair-form").addEventListener("submit", pair);
  document.addEventListener("keydown", onKeyDown, true);
  document.addEventListener("keypress", onKeyRest, true);
  document.addEventListener("keyup", onKeyRest, true);
  // A kiosk has no use for the context menu a long press opens.
  document.addEventListener("contextmenu", (e) => e.preventDefault());
  longPress($("hall-name"), LONG_PRESS_MS, openSetup); // the setup screen, for staff
  setupKeys();
  setLang(DEFAULT_LANG);
  show("start");
  loadDevice();
  loadHall();
  followHall();
}

init();
