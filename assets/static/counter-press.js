// counter-press.js: a press of a counter button (or its key) becomes one
// action on the hub, exactly once, on the customer the screen showed.
//
// Every press gets its own Idempotency-Key and names, as expect, the ticket
// the screen shows as current, so the hub refuses it (409, with a sentence
// the page shows) if the counter has moved on meanwhile. One press is in
// flight at a time; another press meanwhile, or the same one again within
// REPEAT_MS after it ended (a double press), is not sent. When the hub
// cannot be reached the press is kept and sent again with the same key: at
// once when the live link comes back, and every few seconds meanwhile, for
// up to PENDING_MAX_MS. The hub then either answers with the first result
// (the press had got through before: Idempotent-Replayed, and the screen
// says it had been done), acts now, or refuses it as stale. Nothing is ever
// sent under a new key on its own, and the clerk can give a press up.

import { newKey, request } from "/assets/request.js";
import { needsLogin, toLogin } from "/assets/staff.js";
import { minutesText } from "/assets/clock.js";
import {
  EXPECTS, L, counterNameById, opLabel, recallLimit, recallToleranceS, say, sayWith, serviceName, state, ticketNow, why,
} from "/assets/counter-state.js";

const RETRY_MS = [1000, 2000, 3000, 5000]; // between tries while the hub is away
const PENDING_MAX_MS = 90000; // a press older than this is not sent again
const REPEAT_MS = 350; // the same press again this soon after the last one ended is a double press

/**
 * pressers makes the press machinery of the page.
 *
 * @param {object} hooks
 * @param {() => void} hooks.render redraws the page from state
 * @param {() => void} hooks.refresh asks the hub for a fresh view (a stale press)
 * @param {(sentence: string) => void} hooks.takeOver the counter is someone
 *   else's: ask whether to take it over, with the hub's sentence
 */
export function pressers({ render, refresh, takeOver }) {
  let retryTimer = 0;
  let lastEnd = { op: "", at: 0 };
  let settleTimer = 0;

  // press asks for op with the body's fields (expect is added here). It
  // resolves to {ok, data} or {ok: false, error}, {pending: true} while the
  // hub is away, or {ignored: true} when the press is not sent.
  //
  // A dialog's press (inDialog) is deliberate, never a double: its button
  // is off while it is sent; and the dialog shows why the hub refused it.
  async function press(op, fields = {}, { inDialog = false } = {}) {
    if (state.busy || state.pending) {
      const p = state.busy || state.pending;
      if (p.op !== op || Date.now() - p.at > REPEAT_MS) say("warn", "stillSending", opLabel(p.op));
      render();
      return { ignored: true, error: { message: L.t("stillSending", opLabel(p.op)) } };
    }
    if (!inDialog && lastEnd.op === op && Date.now() - lastEnd.at < REPEAT_MS) return { ignored: true };
    const reason = why(op);
    if (reason) {
      say("warn", ...reason);
      render();
      return { ignored: true, error: { message: L.t(...reason) } };
    }
    const body = { ...fields };
    const t = ticketNow();
    // 0: the screen shows no customer, so a Next that arrives after another
    // terminal called one here is refused instead of finishing them.
    if (EXPECTS.has(op)) body.expect = t ? t.id : 0;
    const p = { op, body, key: newKey(), at: Date.now(), tries: 0, expect: t ? t.id : null, number: t ? t.number : "", inDialog };
    state.presses++;
    return send(p);
  }

  async function send(p) {
    clearTimeout(retryTimer);
    retryTimer = 0;
    p.tries++;
    state.busy = p;
    state.pending = null;
    render();
    const shown = ticketNow(); // what the screen shows as this try leaves
    const r = await request("POST", `/api/v1/counters/${encodeURIComponent(state.counterId)}/${p.op}`, { body: p.body, key: p.key });
    state.busy = null;
    if (r.unreachable || (r.status >= 500 && r.error && r.error.code === "internal")) {
      state.unreachable = true;
      if (Date.now() - p.at > PENDING_MAX_MS) {
        say("error", "gaveUp", opLabel(p.op));
        end(p);
        return { ok: false, unreachable: true };
      }
      state.pending = p;
      retryTimer = setTimeout(retry, RETRY_MS[Math.min(p.tries - 1, RETRY_MS.length - 1)]);
      render();
      return { pending: true };
    }
    state.unreachable = false;
    if (needsLogin(r)) {
      toLogin();
      return { ok: false, error: r.error };
    }
    if (!r.ok) {
      refused(p, r);
      end(p);
      return { ok: false, error: r.error };
    }
    applied(p, r, replayed(p, r, shown));
    end(p);
    return { ok: true, data: r.data };
  }

  function end(p) {
    lastEnd = { op: p.op, at: Date.now() };
    state.settled = false;
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => {
      state.settled = true;
      render();
    }, REPEAT_MS);
    render();
  }

  // retry sends the waiting press again, with its key.
  function retry() {
    retryTimer = 0;
    const p = state.pending;
    if (p && !state.busy) send(p);
  }

  // replayed reports whether a retried press had got through before: the
  // hub says so, or it succeeded though the counter had moved on from the
  // ticket the press named (a press applied now would have been refused).
  function replayed(p, r, shown) {
    if (r.replayed) return true;
    if (p.tries < 2) return false;
    const shownID = shown ? shown.id : null;
    if (p.op === "next" || p.op === "call") return r.data !== null && shownID === r.data.id && shownID !== p.expect;
    if (p.op === "done" || p.op === "noshow" || p.op === "transfer") return shownID !== p.expect;
    return false;
  }

  // applied shows what a press did. The live link brings the same change a
  // moment later (or a moment earlier); meanwhile the reply stands for it,
  // so that the next press names the right ticket.
  function applied(p, r, replay) {
    const c = state.counter;
    const t = r.data;
    let what = null; // (lang) => the sentence
    state.suggestNoShow = false;
    switch (p.op) {
      case "open":
      case "pause":
      case "close": {
        const before = c ? c.state : "";
        if (t && t.id) state.counter = { ...c, ...t };
        const key = p.op === "pause" ? "pausedMsg" : p.op === "close" ? "closedMsg" : before === "paused" ? "resumed" : "opened";
        what = (lang) => L.in(lang, key);
        break;
      }
      case "next":
        if (t === null) {
          state.counter = { ...c, ticket: null };
          what = p.number ? (lang) => L.in(lang, "finishedNobody", p.number) : (lang) => L.in(lang, "nobodyWaiting");
        } else {
          state.counter = { ...c, ticket: t };
          if (replay) {
            sayWith("info", (lang) => L.in(lang, "alreadyCalled", t.number, counterNameById(t.counter || state.counterId, lang)));
            return;
          }
          what = (lang) => L.in(lang, "calledMsg", t.number);
        }
        break;
      case "call":
        state.counter = { ...c, ticket: t };
        if (replay) {
          sayWith("info", (lang) => L.in(lang, "alreadyCalled", t.number, counterNameById(t.counter || state.counterId, lang)));
          return;
        }
        what = (lang) => L.in(lang, "calledByNumber", t.number);
        break;
      case "recall": {
        state.counter = { ...c, ticket: t };
        const left = Math.max(0, recallLimit() - t.recalls);
        state.suggestNoShow = left === 0;
        what = left === 0 ? (lang) => L.in(lang, "recalledLast", t.number) : (lang) => L.in(lang, "recalledMsg", t.number, left);
        break;
      }
      case "start":
        state.counter = { ...c, ticket: t };
        what = (lang) => L.in(lang, "startedMsg", t.number);
        break;
      case "done":
        if (c && c.ticket && c.ticket.id === t.id) state.counter = { ...c, ticket: null };
        what = (lang) => L.in(lang, "doneMsg", t.number);
        break;
      case "noshow":
        if (c && c.ticket && c.ticket.id === t.id) state.counter = { ...c, ticket: null };
        what = (lang) => L.in(lang, "noShowMsg", t.number, minutesText(recallToleranceS(), lang));
        break;
      case "transfer": {
        if (c && c.ticket && c.ticket.id === t.id) state.counter = { ...c, ticket: null };
        const to = p.body.counter ? (lang) => counterNameById(p.body.counter, lang) : (lang) => serviceName(p.body.service, lang);
        what = (lang) => L.in(lang, "transferredMsg", t.number, to(lang));
        break;
      }
    }
    const kind = state.suggestNoShow ? "warn" : "ok";
    if (replay) sayWith("info", (lang) => L.in(lang, "already", what(lang)));
    else if (p.tries > 1) sayWith(kind, (lang) => L.in(lang, "afterOutage", what(lang)));
    else sayWith(kind, what);
  }

  // refused shows why the hub refused a press, in its own words.
  function refused(p, r) {
    const sentence = (r.error && r.error.message) || "";
    if (p.op === "open" && r.status === 409 && !p.body.take_over) {
      state.message = null;
      takeOver(sentence);
      return;
    }
    if (p.inDialog) state.message = null; // the dialog says it
    else if (sentence) say("error", null, sentence);
    else say("error", "failed");
    if (r.status !== 409) return;
    if (p.op === "recall" && ticketNow() && ticketNow().id === p.expect) {
      state.suggestNoShow = true;
      const n = p.number;
      sayWith("error", (lang) => `${sentence} ${L.in(lang, "suggestNoShow", n)}`.trim());
    } else if (!p.inDialog) {
      // The screen was behind the hub (a stale press, most often): it
      // catches up now, and says so in the page's words too.
      sayWith("error", (lang) => `${sentence} ${L.in(lang, "refreshed")}`.trim());
    }
    refresh();
  }

  // liveAgain sends a waiting press at once: the hub is back.
  function liveAgain() {
    if (state.pending && !state.busy) retry();
  }

  // stop gives up the waiting press; the screen shows the hub's view.
  function stop() {
    const p = state.pending;
    if (!p) return;
    clearTimeout(retryTimer);
    retryTimer = 0;
    state.pending = null;
    say("warn", "stopped", opLabel(p.op));
    refresh();
    render();
  }

  return { press, liveAgain, stop };
}
