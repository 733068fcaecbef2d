// request.js: the staff pages' requests to the hub's API.
//
// request() sends one JSON request with the page's session cookie and never
// throws: it says what came back, the hub's error with its sentence, or that
// the hub could not be reached at all. An action that must not happen twice
// carries an Idempotency-Key (newKey(), one per press): sending the same
// request again with the same key is safe, and the hub answers with the
// first result.
//
//	import { newKey, request } from "/assets/request.js";
//
//	const r = await request("POST", "/api/v1/counters/3/next", { body: { expect: 41 }, key: newKey() });
//	if (r.unreachable) { /* try again later with the same key */ }
//	else if (!r.ok) show(r.error.message); // a sentence for a person, as the hub wrote it
//	else use(r.data); // the reply's JSON, or null for 204
//
// Only this module talks HTTP for the staff pages; they never build a fetch
// of their own.

import { noteClock } from "/assets/clock.js";

// TIMEOUT_MS bounds one request: a hub that does not answer in this time
// counts as unreachable.
export const TIMEOUT_MS = 8000;

/**
 * @typedef {object} Reply
 * @property {boolean} ok a 2xx status
 * @property {number} status the HTTP status, 0 when nothing came back
 * @property {boolean} unreachable the hub did not answer: no connection, a
 *   time-out, or a gateway's 5xx without a hub error; worth retrying
 * @property {any} data the reply's JSON, null when it had none
 * @property {{code: string, message: string, field?: string} | null} error
 *   the hub's error, when not ok
 * @property {boolean} replayed the hub says the key was seen before, and
 *   this is the first request's result (header Idempotent-Replayed: true)
 */

/**
 * request sends method path with a JSON body, if any, and an
 * Idempotency-Key, if one is given.
 *
 * @returns {Promise<Reply>}
 */
export async function request(method, path, { body, key, timeoutMs = TIMEOUT_MS } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers["Idempotency-Key"] = key;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const sent = Date.now();
  try {
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal: abort.signal,
    });
    const raw = await res.text();
    noteClock(res, sent);
    let data = null;
    if (raw !== "") {
      try {
        data = JSON.parse(raw);
      } catch {
        data = null;
      }
    }
    const hubError = data && typeof data === "object" && data.error && typeof data.error.message === "string" ? data.error : null;
    return {
      ok: res.ok,
      status: res.status,
      // A 5xx that is not the hub's own JSON error comes from something in
      // between (a proxy) that could not reach the hub.
      unreachable: !res.ok && res.status >= 500 && hubError === null,
      data: res.ok ? data : null,
      error: res.ok ? null : hubError || { code: `http_${res.status}`, message: "" },
      replayed: res.headers.get("Idempotent-Replayed") === "true",
    };
  } catch (err) {
    console.warn(`request.js: ${method} ${path}: the hub did not answer`, err);
    return { ok: false, status: 0, unreachable: true, data: null, error: null, replayed: false };
  } finally {
    clearTimeout(timer);
  }
}

// newKey returns a fresh Idempotency-Key: 32 hexadecimal digits.
// crypto.randomUUID needs a secure context, which a hall PC reaching the
// hub at http://192.168.x.y is not; getRandomValues works everywhere.
export function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
