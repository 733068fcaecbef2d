// display-voice.js: the recorded voice of the waiting-room display: which
// clips say a call, and the players that say them.
//
// A call is said as a chime, then Chinese, then English:
//
//	chime | zh-qing zh-A zh-0 zh-2 zh-3 zh-hao-dao zh-3 zh-hao-chuangkou
//	      | en-ticket en-A en-0 en-2 en-3 en-please-go-to-counter en-3
//
// (请 A 零 二 三 号到 3 号窗口 / Ticket A 0 2 3, please go to counter 3.)
// Ticket numbers are read letter by letter and digit by digit; a counter
// whose id is a number from 1 to 99 is read as a number (十二 = zh-shi zh-2,
// forty-five = en-40 en-5), any other id character by character. The clips
// are the shipped ones (assets/static/voice/, made by scripts/make-voice.sh)
// or the hall's own upload, from GET /api/v1/voice/{name}.ogg.
//
// Two players say a list of parts (each a list of clip names, with a short
// pause between parts):
//   - webAudioPlayer: decodes every clip once with Web Audio and schedules
//     the clips of an announcement back to back on the audio clock, so they
//     play without gaps whatever the page is doing.
//   - testPlayer (?audio=test): plays nothing; each clip "lasts" clipMs, so
//     that tests see the order and the timing without sound.
// Both tell what they do through onClip(name, "start" | "end" | "missing").

// The clip names: clips.txt beside the clips lists them too, for the hub.
const ZH_DIGITS = "0123456789";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// readChars reads a string character by character in lang: digits and
// letters (in either case); anything else is not said.
function readChars(s, lang) {
  const out = [];
  for (const ch of String(s).toUpperCase()) {
    if (ZH_DIGITS.includes(ch) || LETTERS.includes(ch)) out.push(`${lang}-${ch}`);
  }
  return out;
}

// counterWords reads a counter id: 1–99 as a number, else character by
// character.
export function counterWords(id, lang) {
  const s = String(id);
  if (!/^[1-9][0-9]?$/.test(s)) return readChars(s, lang);
  const n = Number(s);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  if (lang === "zh") {
    if (n < 10) return [`zh-${n}`];
    const out = tens === 1 ? ["zh-shi"] : [`zh-${tens}`, "zh-shi"];
    if (ones > 0) out.push(`zh-${ones}`);
    return out;
  }
  if (n < 20) return [`en-${n}`];
  return ones > 0 ? [`en-${tens}0`, `en-${ones}`] : [`en-${tens}0`];
}

// callParts returns the parts an announcement of call says: the chime, the
// Chinese, the English.
export function callParts(call) {
  return [
    ["chime"],
    ["zh-qing", ...readChars(call.number, "zh"), "zh-hao-dao", ...counterWords(call.counter, "zh"), "zh-hao-chuangkou"],
    ["en-ticket", ...readChars(call.number, "en"), "en-please-go-to-counter", ...counterWords(call.counter, "en")],
  ];
}

// ALL_CLIPS is every clip a call can need, to load ahead of the first call.
export const ALL_CLIPS = (() => {
  const names = ["chime", "zh-qing", "zh-hao-dao", "zh-hao-chuangkou", "zh-shi", "en-ticket", "en-please-go-to-counter"];
  for (const d of ZH_DIGITS) names.push(`zh-${d}`, `en-${d}`);
  for (let n = 10; n < 20; n++) names.push(`en-${n}`);
  for (let t = 2; t <= 9; t++) names.push(`en-${t}0`);
  for (const l of LETTERS) names.push(`zh-${l}`, `en-${l}`);
  return names;
})();

const PAUSE_S = [0.2, 0.45]; // after the chime; between Chinese and English
const START_AHEAD_S = 0.06; // the first clip starts this far ahead on the audio clock

/**
 * clipSource makes the addresses of the clips. The hub serves the hall's
 * own clip at /api/v1/voice/{name}.ogg, else the shipped one; a hub that
 * does not serve that endpoint yet answers 404, and the shipped clip at
 * /assets/voice/ is used instead.
 *
 * @param {() => string} version the voice's version (the snapshot's
 *   voice.version), appended as ?v= so that a new upload is fetched fresh
 */
export function clipSource(version) {
  let apiMissing = false; // the hub has no /api/v1/voice/: ask it no more
  return async function fetchClip(name) {
    const v = version();
    const q = v ? `?v=${encodeURIComponent(v)}` : "";
    if (!apiMissing) {
      const res = await fetch(`/api/v1/voice/${name}.ogg${q}`);
      if (res.ok) return res.arrayBuffer();
      if (res.status !== 404) throw new Error(`voice clip ${name}: HTTP ${res.status}`);
      // 404: this clip is not there, or no voice endpoint at all. Without
      // the endpoint, even the chime is 404: then every clip comes from
      // the assets.
      if (name === "chime") apiMissing = true;
    }
    const res = await fetch(`/assets/voice/${name}.ogg${q}`);
    if (!res.ok) throw new Error(`voice clip ${name}: HTTP ${res.status}`);
    return res.arrayBuffer();
  };
}

/**
 * webAudioPlayer says announcements with Web Audio.
 *
 * @param {(name: string) => Promise<ArrayBuffer>} fetchClip
 */
export function webAudioPlayer(fetchClip) {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  const ctx = new Ctx({ latencyHint: "playback" });
  const buffers = new Map(); // name → Promise<AudioBuffer | null>
  const readyWaiters = [];

  ctx.addEventListener("statechange", () => {
    if (ctx.state !== "running") return;
    for (const w of readyWaiters.splice(0)) w();
  });

  function load(name) {
    let p = buffers.get(name);
    if (!p) {
      p = fetchClip(name)
        .then((data) => ctx.decodeAudioData(data))
        .catch((err) => {
          console.warn("display: voice clip", name, "cannot be played:", err);
          buffers.delete(name); // asked again at the next call
          return null;
        });
      buffers.set(name, p);
    }
    return p;
  }

  return {
    kind: "webaudio",
    // locked: the browser keeps sound off until a person touches the page.
    get locked() {
      return ctx.state === "suspended";
    },
    // unlock resumes the sound; call it from a tap or a key.
    unlock() {
      return ctx.resume();
    },
    // ready resolves once sound can play.
    ready() {
      if (ctx.state === "running") return Promise.resolve();
      return new Promise((resolve) => readyWaiters.push(resolve));
    },
    // preload decodes the clips one after the other, in the background.
    async preload(names) {
      for (const n of names) await load(n);
    },
    // forget drops the decoded clips, for a new voice version.
    forget() {
      buffers.clear();
    },
    // play says the parts back to back and resolves when the last clip has
    // ended.
    async play(parts, onClip) {
      const seq = [];
      for (const [i, part] of parts.entries()) {
        for (const name of part) seq.push({ name, buffer: await load(name), pauseAfter: 0 });
        if (seq.length > 0 && i < parts.length - 1) seq[seq.length - 1].pauseAfter = PAUSE_S[Math.min(i, PAUSE_S.length - 1)];
      }
      const now = ctx.currentTime;
      let t = now + START_AHEAD_S;
      const t0 = t;
      const timers = [];
      let last = null;
      let lastLogged = Promise.resolve(); // the last clip's end, in the log
      for (const clip of seq) {
        if (!clip.buffer) {
          onClip(clip.name, "missing");
          continue;
        }
        const src = ctx.createBufferSource();
        src.buffer = clip.buffer;
        src.connect(ctx.destination);
        src.start(t);
        // The log follows the audio clock: start and end as scheduled.
        const startMs = (t - now) * 1000;
        const endMs = (t + clip.buffer.duration - now) * 1000;
        timers.push(setTimeout(() => onClip(clip.name, "start"), Math.max(0, startMs)));
        lastLogged = new Promise((logged) => {
          timers.push(setTimeout(() => {
            onClip(clip.name, "end");
            logged();
          }, Math.max(0, endMs)));
        });
        t += clip.buffer.duration + clip.pauseAfter;
        last = src;
      }
      if (last === null) return;
      const totalMs = (t - t0 + START_AHEAD_S) * 1000;
      // Resolve when the last clip ends; a timer makes sure a lost "ended"
      // (a suspended context) cannot hold the queue for ever.
      await new Promise((resolve) => {
        const guard = setTimeout(resolve, totalMs + 3000);
        last.addEventListener("ended", () => {
          clearTimeout(guard);
          resolve();
        });
      });
      // The page's timers may run behind the audio clock on a busy PC:
      // the announcement ends once its last clip's end is in the log.
      await lastLogged;
    },
  };
}

/**
 * testPlayer plays nothing: each clip takes clipMs on the page's timers. A
 * test can hold it (the clip playing now does not end until release()),
 * and can make it locked, as a browser that waits for a tap.
 */
export function testPlayer({ clipMs = 10, locked = false } = {}) {
  let held = false;
  let releaseWaiters = [];
  let unlockWaiters = [];
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const player = {
    kind: "test",
    locked,
    unlock() {
      player.locked = false;
      for (const w of unlockWaiters.splice(0)) w();
      return Promise.resolve();
    },
    ready() {
      return player.locked ? new Promise((resolve) => unlockWaiters.push(resolve)) : Promise.resolve();
    },
    async preload() {},
    forget() {},
    hold() {
      held = true;
    },
    release() {
      held = false;
      for (const w of releaseWaiters.splice(0)) w();
    },
    async play(parts, onClip) {
      for (const part of parts) {
        for (const name of part) {
          onClip(name, "start");
          await wait(clipMs);
          if (held) await new Promise((resolve) => releaseWaiters.push(resolve));
          onClip(name, "end");
        }
      }
    },
  };
  return player;
}
