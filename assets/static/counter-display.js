// counter-display.js: the small screen over a counter window,
// /display/counter/{id} (counter-display.html).
//
// It follows /ws/display (live.js) and shows one counter of its snapshot:
// its name, the number it calls or serves, very large, and its state:
// open, paused ("please go to another counter") or closed. The number
// flashes when a call comes for the counter, a recall included. A counter
// id the hall does not have says so plainly.
//
// For tests, <body> carries data-ready, data-live, data-state (loading,
// open, paused, closed or unknown), data-number and data-flashes.

import { fit, refitOnResize } from "/assets/display-fit.js";
import { connect } from "/assets/live.js";

const FLASH_MS = 8000;
const LOST_AFTER_MS = 2500;

const $ = (id) => document.getElementById(id);
const id = decodeURIComponent(location.pathname.replace(/\/+$/, "").split("/").pop() || "");

const WORDS = {
  open: { zh: "服务中", en: "Open" },
  paused: { zh: "暂停服务", en: "Paused" },
  closed: { zh: "已关闭", en: "Closed" },
  waitNext: { zh: "请稍候", en: "Please wait for your number" },
  pausedLong: { zh: "暂停服务，请到其他窗口", en: "Paused — please go to another counter" },
  closedLong: { zh: "窗口已关闭", en: "Counter closed" },
  unknown: {
    zh: `没有“${id}”号窗口`,
    en: `There is no counter “${id}” in this hall`,
  },
};

let counter = null; // this counter, as the hub last said
let synced = false;
let flashes = 0;
let flashTimer = 0;

function pair(zhId, enId, w) {
  $(zhId).textContent = w ? w.zh : "";
  $(enId).textContent = w ? w.en : "";
}

function draw() {
  const body = document.body;
  if (!counter) {
    body.dataset.state = "unknown";
    body.dataset.number = "";
    pair("cd-name-zh", "cd-name-en", { zh: "窗口", en: "Counter" });
    pair("cd-state-zh", "cd-state-en", null);
    $("cd-state").hidden = true;
    $("cd-number").textContent = "";
    $("cd-number").hidden = true;
    $("cd-message").hidden = false;
    pair("cd-message-zh", "cd-message-en", WORDS.unknown);
    document.title = "窗口 · Counter";
    stopFlash();
    fit($("cd-main"));
    return;
  }
  const name = counter.name || {};
  pair("cd-name-zh", "cd-name-en", { zh: name.zh || `${counter.id}号窗口`, en: name.en || `Counter ${counter.id}` });
  document.title = `${name.zh || counter.id} · ${name.en || "Counter " + counter.id}`;
  const state = ["open", "paused", "closed"].includes(counter.state) ? counter.state : "closed";
  body.dataset.state = state;
  body.dataset.number = counter.number || "";
  pair("cd-state-zh", "cd-state-en", WORDS[state]);
  $("cd-state").hidden = false;
  const number = state === "open" ? counter.number || "" : "";
  $("cd-number").textContent = number;
  $("cd-number").hidden = number === "";
  const message = state === "paused" ? WORDS.pausedLong : state === "closed" ? WORDS.closedLong : number === "" ? WORDS.waitNext : null;
  $("cd-message").hidden = message === null;
  pair("cd-message-zh", "cd-message-en", message);
  // A flash is for a number being called: not for a counter that stopped.
  if (number === "") stopFlash();
  fit($("cd-main"));
  fit($("cd-name"));
}

function stopFlash() {
  clearTimeout(flashTimer);
  $("cd-main").classList.remove("flash");
}

function flash() {
  const main = $("cd-main");
  main.classList.remove("flash");
  void main.offsetWidth; // restarts the animation
  main.classList.add("flash");
  flashes++;
  document.body.dataset.flashes = String(flashes);
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => main.classList.remove("flash"), FLASH_MS);
}

function onSnapshot(msg) {
  const before = counter;
  const list = Array.isArray(msg.counters) ? msg.counters : [];
  counter = list.find((c) => String(c.id) === id) || null;
  draw();
  // Back after a lost link or a restart: a number that changed meanwhile
  // was a call this screen did not see.
  if (synced && counter && counter.number && (!before || before.number !== counter.number)) flash();
  synced = true;
  document.body.dataset.ready = "1";
}

function onMessage(msg) {
  if (!msg.counter || String(msg.counter.id) !== id) return;
  counter = msg.counter;
  draw();
  if (msg.type === "call") flash();
}

let lostTimer = 0;
function onStatus(status) {
  document.body.dataset.live = status;
  if (status === "live") {
    clearTimeout(lostTimer);
    lostTimer = 0;
    $("lost").hidden = true;
  } else if (lostTimer === 0 && $("lost").hidden) {
    lostTimer = setTimeout(() => {
      lostTimer = 0;
      $("lost").hidden = false;
    }, LOST_AFTER_MS);
  }
}

document.body.dataset.flashes = "0";
refitOnResize(() => {
  fit($("cd-main"));
  fit($("cd-name"));
});
connect("/ws/display", { onSnapshot, onMessage, onStatus });
