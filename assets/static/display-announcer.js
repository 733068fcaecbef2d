// display-announcer.js: the queue of announcements of a display that plays
// sound. Calls are said one after the other, never over each other; a call
// older than STALE_MS by the hub's clock when its turn comes is shown but
// not said (the customer has been told by the screen, and an old call read
// out late misleads); a recall is a call of its own and is said again.
//
//	const a = announcer({ player, sound: true, hubNow });
//	a.announce(call); // {number, counter, at, recall, …}
//
// window.hallqAnnouncer (see display.js) is this object: its log lists,
// with performance.now() times, what happened to each call:
//
//	{t, event: "queued",  number, counter, at, recall}
//	{t, event: "skipped", number, …, reason: "stale" (age_ms) | "sound off"}
//	{t, event: "start",   number, …, clips: ["chime", "zh-qing", …]}
//	{t, event: "clip",    number, clip, phase: "start" | "end" | "missing"}
//	{t, event: "end",     number, …}
//	{t, event: "error",   number, …, message}

import { callParts } from "/assets/display-voice.js";

export const STALE_MS = 20000;

/**
 * @param {object} opts
 * @param {object} opts.player display-voice.js's webAudioPlayer or testPlayer (null without sound)
 * @param {boolean} opts.sound this display plays sound
 * @param {() => number} opts.hubNow the hub's clock, in milliseconds
 * @param {() => void} [opts.onIdle] the queue has run dry
 */
export function announcer({ player, sound, hubNow, onIdle }) {
  const log = [];
  const queue = [];
  let busy = false;

  function note(event, call, extra) {
    const e = { t: performance.now(), event };
    if (call) Object.assign(e, { number: call.number, counter: call.counter, at: call.at, recall: !!call.recall });
    log.push(Object.assign(e, extra));
    if (log.length > 2000) log.splice(0, log.length - 1000);
  }

  // age is how old call is on the hub's clock; 0 when its time is unknown
  // (a call just received is news).
  function age(call) {
    const at = Date.parse(call.at || "");
    return Number.isNaN(at) ? 0 : hubNow() - at;
  }

  async function run() {
    if (busy) return;
    busy = true;
    try {
      while (queue.length > 0) {
        // A locked player (no tap yet) holds the queue; the calls that
        // have gone stale meanwhile are skipped when it opens.
        await player.ready();
        const call = queue.shift();
        const a = age(call);
        if (a > STALE_MS) {
          note("skipped", call, { reason: "stale", age_ms: Math.round(a) });
          continue;
        }
        const parts = callParts(call);
        note("start", call, { clips: parts.flat() });
        try {
          await player.play(parts, (clip, phase) => note("clip", null, { number: call.number, clip, phase }));
          note("end", call);
        } catch (err) {
          note("error", call, { message: String(err && err.message) });
        }
      }
    } finally {
      busy = false;
      if (onIdle) onIdle();
    }
  }

  return {
    log,
    sound,
    get busy() {
      return busy;
    },
    get pending() {
      return queue.length;
    },
    get player() {
      return player ? player.kind : "none";
    },
    // announce queues call to be said (or notes that it is not).
    announce(call) {
      if (!sound || !player) {
        note("skipped", call, { reason: "sound off" });
        return;
      }
      queue.push(call);
      note("queued", call);
      run();
    },
    // said lists the clips played so far, in order (the "start" of each).
    said() {
      return log.filter((e) => e.event === "clip" && e.phase === "start").map((e) => e.clip);
    },
    // hold and release: the test player's clip now playing lasts until
    // release (only with ?audio=test).
    hold() {
      if (player && player.hold) player.hold();
    },
    release() {
      if (player && player.release) player.release();
    },
  };
}
