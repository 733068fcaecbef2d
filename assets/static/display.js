// display.js: the waiting-room display, /display (display.html).
//
// It follows /ws/display (live.js): a snapshot of the whole view, then
// `call`, `counter` and `queue` messages, and a new snapshot after a change
// of the hall's configuration. It shows the latest call large and flashing,
// the calls before it, each service's queue, the slides or the rule, the
// notice and the clock in the hall's time zone (the snapshot's time_zone,
// else GET /api/v1/hall's; never the PC's).
//
// A display set to play sound announces each call it has not seen before
// (display-announcer.js, display-voice.js); the calls a page finds when it
// opens are history and are not announced. The clips come from
// GET /api/v1/voice/{name}.ogg?v={the snapshot's voice.version}, decoded
// once and played back to back. The hub's clock, which decides
// when a call is too old to say, is estimated from the hub: a snapshot's
// `now` when it has one, the Date of GET /api/v1/hall, and the calls'
// times (the hub has reached each) — never the PC's clock alone.
//
// Address parameters:
//	sound=1     this display plays sound (one display per hall, or the
//	            calls echo); a small marker says sound on or off
//	takeover=S  a call holds the slide panel S seconds (default 10)
//	audio=test  for tests: a player that plays nothing, each clip lasting
//	            clipms=N milliseconds (default 10); locked=1 makes it wait
//	            for a tap, as a browser's autoplay policy does
//
// For tests, <body> carries data-ready ("1" after the first snapshot),
// data-live (the link: connecting, live, offline), data-lost ("1" while the
// banner says the hub is lost), data-sound, data-panel, data-slide,
// data-flash, data-flashes, data-zone (the zone the clock uses) and
// data-locked ("1" while sound waits for a tap); and
// window.hallqAnnouncer is the announcer (display-announcer.js), with its
// log of what was queued, played and skipped.

import { connect } from "/assets/live.js";
import { everySecond, hubNow, noteClock, noteHubAtLeast, noteHubTime } from "/assets/clock.js";
import { announcer } from "/assets/display-announcer.js";
import { panel as makePanel } from "/assets/display-panel.js";
import { ruleText } from "/assets/display-rule.js";
import { refitOnResize } from "/assets/display-fit.js";
import { callKey, drawCalls, drawClock, drawHall, drawNotice, drawServices, fitCalls, fitServices, flash, uniqueCalls, validZone } from "/assets/display-view.js";
import { ALL_CLIPS, clipSource, testPlayer, webAudioPlayer } from "/assets/display-voice.js";

const params = new URLSearchParams(location.search);
const SOUND = params.get("sound") === "1";
const TEST_AUDIO = params.get("audio") === "test";
const TAKEOVER_MS = (Number(params.get("takeover")) > 0 ? Number(params.get("takeover")) : 10) * 1000;
const LOST_AFTER_MS = 2500; // the link down this long: the banner
const UNLOCK_AFTER_MS = 600; // sound still locked this long after load: the overlay
const HALL_RETRY_MS = 5000;
const HALL_REFRESH_MS = 10 * 60 * 1000; // the hub's clock and zone, again
const KEEP_CALLS = 30;

const $ = (id) => document.getElementById(id);

const state = {
  name: null,
  notice: null,
  calls: [], // newest first
  services: [],
  counters: [],
  rule: null,
  slides: [],
  snapshotZone: "",
  hallZone: "",
  voice: "", // the voice's version
  synced: false, // a snapshot has come: later calls are news
  seen: new Set(), // callKey of every call this page has shown
};

// The player: none without sound.
function makePlayer() {
  if (!SOUND) return null;
  if (TEST_AUDIO) return testPlayer({ clipMs: Number(params.get("clipms")) || 10, locked: params.get("locked") === "1" });
  try {
    return webAudioPlayer(clipSource(() => state.voice));
  } catch (err) {
    console.warn("display: no Web Audio here; calls are shown, not said", err);
    return null;
  }
}
const player = makePlayer();
const ann = announcer({ player, sound: SOUND && player !== null, hubNow });
window.hallqAnnouncer = ann;
const panel = makePanel({ takeoverMs: TAKEOVER_MS });
let preloaded = false; // the clips are loading or loaded

function zone() {
  return validZone(state.snapshotZone) ? state.snapshotZone : state.hallZone;
}

// The sound marker, and the one-time tap that unlocks sound.
function drawSound() {
  const on = SOUND && player !== null;
  document.body.dataset.sound = on ? "on" : "off";
  $("sound-mark").classList.toggle("off", !on);
  $("sound-text").textContent = on ? "声音开 · Sound on" : "声音关 · Sound off";
}

function unlockSound() {
  if (!player || !player.locked) return;
  player.unlock().then(drawUnlock, drawUnlock);
}

function drawUnlock() {
  const locked = !!(player && player.locked);
  $("unlock").hidden = !locked;
  document.body.dataset.locked = locked ? "1" : "0";
}

if (player) {
  for (const type of ["pointerdown", "keydown", "touchend", "click"]) {
    window.addEventListener(type, unlockSound, { capture: true });
  }
  setTimeout(drawUnlock, UNLOCK_AFTER_MS);
}

// The hub's clock and zone, from GET /api/v1/hall.
let hallAt = 0;
let hallTimer = 0;

async function fetchHall() {
  clearTimeout(hallTimer);
  hallAt = Date.now();
  const sent = Date.now();
  try {
    const res = await fetch("/api/v1/hall", { cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    noteClock(res, sent);
    const hall = await res.json();
    state.hallZone = typeof hall.time_zone === "string" ? hall.time_zone : "";
    if (!state.name && hall.name) drawHall(hall.name);
    tick();
    hallTimer = setTimeout(fetchHall, HALL_REFRESH_MS);
  } catch (err) {
    console.warn("display: the hall cannot be read; trying again", err);
    hallTimer = setTimeout(fetchHall, HALL_RETRY_MS);
  }
}

function tick() {
  const z = zone();
  document.body.dataset.zone = validZone(z) ? z : "";
  drawClock(hubNow(), z);
}

// Drawing the whole view.
function drawAll() {
  drawHall(state.name);
  drawCalls(state.calls);
  drawServices(state.services, state.counters);
  const rule = ruleText(state.rule, state.services);
  panel.set({ slides: state.slides, ruleText: rule, noticeText: state.notice });
  // The notice: along the bottom while slides show; in the panel otherwise.
  const hasNotice = drawNotice(state.notice);
  $("notice").hidden = !hasNotice || !panel.hasSlides;
  document.body.dataset.rule = rule ? "1" : "0";
  tick();
}

// news handles calls this page had not seen, oldest first: each is said
// (on a sounding display), and the newest flashes and takes the panel.
function news(calls) {
  if (calls.length === 0) return;
  for (const c of calls) ann.announce(c);
  const newest = calls[calls.length - 1];
  flash();
  panel.takeOver(newest);
}

function remember(calls) {
  for (const c of calls) state.seen.add(callKey(c));
  if (state.seen.size > 500) state.seen = new Set(state.calls.map(callKey));
}

function noteCallTimes(calls) {
  for (const c of calls) noteHubAtLeast(Date.parse((c && c.at) || ""));
}

function onSnapshot(msg) {
  if (typeof msg.now === "string") noteHubTime(Date.parse(msg.now));
  state.name = msg.name || state.name;
  state.notice = msg.notice || null;
  state.services = Array.isArray(msg.services) ? msg.services : [];
  state.counters = Array.isArray(msg.counters) ? msg.counters : [];
  state.rule = msg.rule || null;
  state.slides = Array.isArray(msg.slides) ? msg.slides : [];
  state.snapshotZone = typeof msg.time_zone === "string" ? msg.time_zone : "";
  const calls = Array.isArray(msg.calls) ? msg.calls.filter((c) => c && c.number) : [];
  noteCallTimes(calls);
  const version = msg.voice && typeof msg.voice.version === "string" ? msg.voice.version : "";
  const voiceChanged = version !== state.voice;
  state.voice = version;

  const fresh = state.synced ? calls.filter((c) => !state.seen.has(callKey(c))).reverse() : [];
  state.calls = calls.slice(0, KEEP_CALLS);
  remember(calls);
  state.synced = true;
  drawAll();
  news(fresh);

  if (player && (voiceChanged || !preloaded)) {
    if (voiceChanged) player.forget();
    preloaded = true;
    player.preload(ALL_CLIPS);
  }
  // The zone and the clock from the hall, unless this snapshot told both.
  if (!(validZone(state.snapshotZone) && typeof msg.now === "string") || Date.now() - hallAt > HALL_REFRESH_MS) {
    fetchHall();
  }
  document.body.dataset.seq = String(msg.seq);
  document.body.dataset.ready = "1";
}

function upsertCounter(c) {
  if (!c || c.id === undefined) return;
  const i = state.counters.findIndex((x) => x.id === c.id);
  if (i >= 0) state.counters[i] = c;
  else state.counters.push(c);
}

function onMessage(msg) {
  if (Array.isArray(msg.services)) state.services = msg.services;
  if (msg.type === "call" && msg.call && msg.call.number) {
    const c = msg.call;
    upsertCounter(msg.counter);
    noteCallTimes([c]);
    const isNew = !state.seen.has(callKey(c));
    state.calls = uniqueCalls([c, ...state.calls]).slice(0, KEEP_CALLS);
    remember([c]);
    drawCalls(state.calls);
    drawServices(state.services, state.counters);
    if (isNew) news([c]);
  } else if (msg.type === "counter") {
    upsertCounter(msg.counter);
    drawServices(state.services, state.counters);
  } else if (msg.type === "queue") {
    drawServices(state.services, state.counters);
  }
  document.body.dataset.seq = String(msg.seq);
}

// The link: a plain banner while the hub is lost (live.js's own small
// marker is hidden on this page by display.css).
let lostTimer = 0;
function onStatus(status) {
  document.body.dataset.live = status;
  if (status === "live") {
    clearTimeout(lostTimer);
    lostTimer = 0;
    $("lost").hidden = true;
    document.body.dataset.lost = "0";
  } else if (lostTimer === 0 && $("lost").hidden) {
    lostTimer = setTimeout(() => {
      lostTimer = 0;
      $("lost").hidden = false;
      document.body.dataset.lost = "1";
    }, LOST_AFTER_MS);
  }
}

drawSound();
drawAll();
// The services' box changes size with the screen and with what the panel
// beside it shows: their type is fitted again each time.
new ResizeObserver(fitServices).observe(document.querySelector(".services"));
refitOnResize(() => {
  fitCalls();
  panel.refit();
});
everySecond(tick);
fetchHall();
connect("/ws/display", { onSnapshot, onMessage, onStatus });
