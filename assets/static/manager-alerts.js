// manager-alerts.js: the hall's open alerts and complaints on the manager's
// page, and the manager's alarm.
//
// The list shows every alert not resolved, highest level first, then
// newest: its level in words and colour (1 amber, 2 red, 3 dark purple),
// its sentence in the page's language, how long ago it was raised, who has
// it, and the buttons to acknowledge it and (complaints, printers) to
// resolve it with a note, in a dialog that shows the hub's sentence when
// it refuses.
//
// The alarm: when an alert reaches level 2 or 3 (raised there or climbed),
// the page sounds a beep made with WebAudio (no sound files), if the
// manager turned sound on (remembered on the PC; browsers let a page play
// sound only after a press), and shows a red banner until every such alert
// is acknowledged. <body data-alarms> counts the alarms given, for tests.
//
//	const alerts = alertsView({ list, banner, sound });
//	alerts.replace(snapshot.alerts); alerts.upsert(msg.alert); alerts.draw();

import { text } from "/assets/i18n.js";
import { request } from "/assets/request.js";
import { hubNow, secondsSince, stopwatch, waitText } from "/assets/clock.js";
import { categoryName } from "/assets/complaint-words.js";
import { L } from "/assets/manager-words.js";
import { el, words } from "/assets/manager-forms.js";

const SOUND_KEY = "hallq.manager.sound";
const REPEAT_MS = 30000; // an alarm nobody acknowledged sounds again this often
const seg = encodeURIComponent;

// --- The sound

let audio = null; // an AudioContext, made on the manager's press

function soundWanted() {
  try {
    return localStorage.getItem(SOUND_KEY) === "on";
  } catch {
    return false;
  }
}

function ensureAudio() {
  const AC = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!AC) return null;
  if (audio === null) audio = new AC();
  if (audio.state === "suspended") audio.resume().catch(() => {});
  return audio;
}

// beep plays the alarm: three two-tone beeps for level 2, six quicker for 3.
function beep(level) {
  if (!soundWanted()) return;
  const ctx = ensureAudio();
  if (!ctx) return;
  const n = level >= 3 ? 6 : 3;
  const gap = level >= 3 ? 0.22 : 0.34;
  let t = ctx.currentTime + 0.05;
  for (let i = 0; i < n; i++) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "square";
    osc.frequency.value = i % 2 ? 660 : 880;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + gap * 0.7);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + gap);
    t += gap;
  }
}

// soundToggle makes button turn the alarm's sound on and off.
export function soundToggle(button) {
  const label = () => {
    const on = soundWanted();
    button.setAttribute("aria-pressed", String(on));
    button.dataset.t = on ? "soundOn" : "soundOff";
    button.textContent = L.t(button.dataset.t);
  };
  button.addEventListener("click", () => {
    const on = !soundWanted();
    try {
      localStorage.setItem(SOUND_KEY, on ? "on" : "off");
    } catch {
      // not remembered; on for this page only it cannot be
    }
    label();
    if (on) beep(2); // the press lets the page play; the manager hears it works
  });
  // Sound turned on earlier: the first press anywhere wakes the audio.
  document.addEventListener("pointerdown", () => soundWanted() && ensureAudio(), { once: true });
  label();
}

// --- The list

const climbs = (a) => a.kind === "complaint" || a.kind === "printer";
const order = (a, b) => b.level - a.level || String(b.raised_at).localeCompare(String(a.raised_at));

export function alertsView({ list, banner }) {
  const alerts = new Map(); // id → Alert, not resolved
  const alarmed = new Set(); // "id:level" alarms given, across reconnects
  let alarms = 0;
  let repeat = 0;
  const dialog = resolveDialog(upsert);

  function alarm(a) {
    const key = `${a.id}:${a.level}`;
    if (a.level < 2 || a.state === "resolved" || alarmed.has(key)) return;
    alarmed.add(key);
    alarms++;
    document.body.dataset.alarms = String(alarms);
    beep(a.level);
  }

  // loud are the alerts the banner is for: level 2 or 3, not acknowledged.
  const loud = () => [...alerts.values()].filter((a) => a.level >= 2 && a.state === "open").sort(order);

  function upsert(a) {
    if (!a || a.id === undefined) return;
    if (a.state === "resolved") alerts.delete(String(a.id));
    else alerts.set(String(a.id), a);
    alarm(a);
    draw();
  }

  function replace(all) {
    alerts.clear();
    for (const a of all || []) if (a.state !== "resolved") alerts.set(String(a.id), a);
    for (const a of alerts.values()) alarm(a);
    draw();
  }

  async function ack(a, out) {
    const r = await request("POST", `/api/v1/alerts/${seg(a.id)}/ack`, { body: {} });
    if (r.ok) upsert(r.data);
    else show(out, r);
  }

  function item(a) {
    const out = el("p", { class: "form-error malert-error", role: "alert", hidden: true });
    const head = el("div", { class: "malert-head" },
      el("span", { class: "malert-level", text: L.t("alertLevel", a.level) }),
      el("span", { class: "malert-kind", text: L.t("kind_" + a.kind) }),
      a.ticket ? el("span", { class: "malert-ticket", text: a.ticket }) : null,
      el("span", { class: "malert-age", "data-since": a.raised_at, "data-words": "alertAge", text: ago(a.raised_at) }));
    // A complaint says who complained of what in its own words; the
    // hub's message would say the same again.
    const c = a.complaint;
    const body = c ? [] : [el("p", { class: "malert-msg", text: text(a.message, L.lang) })];
    if (c) {
      body.push(el("p", { class: "malert-complaint" },
        el("span", { class: "malert-cat", text: L.t("complaintFrom", c.source || "", categoryName(L, c.category)) }),
        el("q", { class: "malert-text", text: c.text || "" })));
    }
    const who = a.acknowledged_by ? L.t("alertAckBy", a.acknowledged_by) : L.t("alertUnacked");
    const facts = el("p", { class: "malert-facts" }, el("span", { class: "malert-who", text: who }));
    if (a.escalates_at && climbs(a)) facts.append(el("span", { class: "malert-next", "data-until": a.escalates_at, text: L.t("alertNext", until(a.escalates_at)) }));
    const buttons = el("div", { class: "malert-actions" });
    if (a.state === "open") {
      const b = words("button", "ack", { type: "button", class: "primary", "data-act": "ack" });
      b.addEventListener("click", async () => {
        b.disabled = true;
        await ack(a, out);
        b.disabled = false;
      });
      buttons.append(b);
    }
    // Waits and pauses end by themselves; a complaint or a printer is
    // resolved by a manager, and so is the clock, which resolving confirms.
    if (climbs(a) || a.kind === "clock") {
      const b = words("button", "resolve", { type: "button", class: "plain", "data-act": "resolve" });
      b.addEventListener("click", () => dialog.open(a));
      buttons.append(b);
    }
    for (const n of (a.notes || []).slice(-2)) facts.append(el("span", { class: "malert-note", text: `${n.by}: ${n.text}` }));
    return el("li", { class: `malert level-${a.level}`, "data-alert": String(a.id), "data-level": String(a.level), "data-state": a.state, "data-kind": a.kind },
      head, ...body, el("div", { class: "malert-foot" }, facts, buttons), out);
  }

  // drawn keeps each alert's item as drawn, so that an alert that did not
  // change keeps its item (and a press on its button is not lost).
  const drawn = new Map(); // id → {key, li}

  function draw() {
    const all = [...alerts.values()].sort(order);
    list.dataset.count = String(all.length);
    const items = all.map((a) => {
      const key = L.lang + JSON.stringify(a);
      const was = drawn.get(String(a.id));
      if (was && was.key === key) return was.li;
      const li = item(a);
      drawn.set(String(a.id), { key, li });
      return li;
    });
    for (const id of drawn.keys()) if (!alerts.has(id)) drawn.delete(id);
    if (items.length === 0) items.push(words("li", "alertsNone", { class: "quiet malert-none" }));
    if (items.length !== list.children.length || items.some((li, i) => list.children[i] !== li)) list.replaceChildren(...items);
    drawBanner();
  }

  let bannerKey = "";
  function drawBanner() {
    const l = loud();
    const key = l.length ? L.lang + l.length + JSON.stringify(l[0]) : "";
    if (key === bannerKey) return;
    bannerKey = key;
    banner.hidden = l.length === 0;
    document.body.dataset.alarm = l.length ? String(l[0].level) : "";
    clearInterval(repeat);
    repeat = 0;
    if (!l.length) {
      banner.replaceChildren();
      return;
    }
    const a = l[0];
    banner.className = `malarm level-${a.level}`;
    const say = el("p", { class: "malarm-text", text: L.t("alarmBanner", L.t("alertLevel", a.level), text(a.message, L.lang)) + (l.length > 1 ? L.t("alarmMore", l.length - 1) : "") });
    const out = el("span", { class: "malarm-error", role: "alert", hidden: true });
    const b = words("button", "ack", { type: "button", id: "alarm-ack" });
    b.addEventListener("click", async () => {
      b.disabled = true;
      await ack(a, out);
      b.disabled = false;
    });
    banner.replaceChildren(say, out, b);
    repeat = setInterval(() => loud().length && beep(loud()[0].level), REPEAT_MS);
  }

  // tick brings the ages and countdowns up to the second.
  function tick() {
    for (const e of list.querySelectorAll("[data-since]")) e.textContent = ago(e.dataset.since);
    for (const e of list.querySelectorAll("[data-until]")) e.textContent = L.t("alertNext", until(e.dataset.until));
  }

  return { replace, upsert, draw, tick, get size() { return alerts.size; } };
}

function ago(iso) {
  const s = secondsSince(iso);
  return L.t("alertAge", s < 3600 ? stopwatch(s) : waitText(s, L.lang));
}

function until(iso) {
  const at = Date.parse(iso || "");
  return stopwatch(Number.isNaN(at) ? 0 : Math.max(0, Math.ceil((at - hubNow()) / 1000)));
}

function show(out, r) {
  out.hidden = false;
  out.textContent = r.unreachable ? L.t("unreachable") : (r.error && r.error.message) || L.t("failed");
}

// resolveDialog asks for the note a resolution needs, and sends it.
function resolveDialog(done) {
  const note = el("textarea", { id: "resolve-note", rows: 4, maxLength: 1000 });
  const out = el("p", { class: "form-error", role: "alert", id: "resolve-error", hidden: true });
  const what = el("p", { class: "resolve-what" });
  const send = words("button", "resolveSend", { type: "submit", class: "primary", id: "resolve-send" });
  const cancel = words("button", "cancel", { type: "button", class: "plain", id: "resolve-cancel" });
  const form = el("form", { method: "dialog", novalidate: true },
    words("h2", "resolveTitle"), what,
    el("div", { class: "field" }, words("label", "resolveNote", { for: "resolve-note" }), note),
    out, el("div", { class: "dialog-actions" }, cancel, send));
  const d = el("dialog", { id: "dialog-resolve", class: "mdialog" }, form);
  document.body.append(d);
  let current = null;
  cancel.addEventListener("click", () => d.close());
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!current) return;
    send.disabled = true;
    const r = await request("POST", `/api/v1/alerts/${seg(current.id)}/resolve`, { body: { note: note.value } });
    send.disabled = false;
    if (!r.ok) {
      show(out, r);
      return;
    }
    d.close();
    done(r.data);
  });
  return {
    open(a) {
      current = a;
      note.value = "";
      out.hidden = true;
      what.textContent = text(a.message, L.lang);
      d.showModal();
      note.focus();
    },
  };
}
