// live.js: a page's live link to the hub.
//
// Every page that changes while it is open follows the hub over a websocket
// with connect(). The hub sends a whole "snapshot" first, then one message
// per change; each message has a "seq" that grows on a connection (API.md,
// "Websocket messages"). connect() keeps the link up by itself: after any
// close or error it waits a little, longer each time, and connects again,
// and the fresh snapshot replaces whatever the page showed. While the link
// has been down for a moment, a small bilingual marker says so.
//
// A link can die without closing (a phone's network changes, a power cut at
// the hub): the browser answers the hub's pings unseen and notices nothing.
// So a link that has brought nothing for QUIET_MS is renewed, quietly: a new
// websocket, a fresh snapshot. A page that comes back to the screen renews
// its link too (reconnect()).
//
//	import { connect } from "/assets/live.js";
//
//	const live = connect("/ws/display", {
//	  onSnapshot(msg) { /* draw the whole view from msg */ },
//	  onMessage(msg) { /* apply one change: msg.type is "call", "queue", … */ },
//	  onStatus(status) { /* "connecting", "live", "offline" or "closed" */ },
//	});
//	live.reconnect(); // now, for a fresh snapshot
//	live.close(); // for good: no more messages, no reconnecting
//
// No dependencies and no build step: the hub serves this file as it is.

const FIRST_DELAY_MS = 500; // the wait before the first retry
const MAX_DELAY_MS = 15000; // the longest wait between retries
const MARKER_AFTER_MS = 1500; // a link down this long shows the marker
const QUIET_MS = 45000; // a link silent this long (plus jitter) is renewed
const SNAPSHOT_WITHIN_MS = 10000; // a new link must bring its snapshot this fast

// The marker is one element for the whole page, shown while at least one
// connection has been down for MARKER_AFTER_MS.
const down = new Set();
let marker = null;

function updateMarker() {
  if (down.size > 0 && marker === null) {
    marker = document.createElement("div");
    marker.className = "hallq-offline";
    marker.setAttribute("role", "status");
    const en = document.createElement("span");
    en.lang = "en";
    en.textContent = "Reconnecting…";
    const zh = document.createElement("span");
    zh.lang = "zh-Hans";
    zh.textContent = "正在重新连接…";
    marker.append(en, " ", zh);
    (document.body || document.documentElement).append(marker);
  } else if (down.size === 0 && marker !== null) {
    marker.remove();
    marker = null;
  }
}

// socketURL returns the websocket address of path on this page's own host.
function socketURL(path) {
  if (typeof path !== "string" || !path.startsWith("/") || path.startsWith("//")) {
    throw new TypeError(`live.js: ${path} is not a path on this hub, such as "/ws/display"`);
  }
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

// call runs one of the page's handlers. A handler that throws is reported
// like any uncaught error, and the link stays up.
function call(handler, arg) {
  if (typeof handler !== "function") return;
  try {
    handler(arg);
  } catch (err) {
    (globalThis.reportError || console.error)(err);
  }
}

/**
 * connect follows the websocket at path (on this page's host) until close().
 *
 * @param {string} path such as "/ws/display"
 * @param {object} handlers
 * @param {(msg: object) => void} [handlers.onSnapshot] the whole view: the first
 *   message of every connection, and a "snapshot" sent later to replace it
 * @param {(msg: object) => void} [handlers.onMessage] every other message
 * @param {(status: string) => void} [handlers.onStatus] "connecting", "live"
 *   (a snapshot arrived), "offline" (lost; a retry is due) or "closed"
 * @param {number} [handlers.quietMs] how long a silent link lasts before it is
 *   renewed (default 45 s; tests shorten it)
 * @returns {{reconnect: () => void, close: () => void}}
 */
export function connect(path, { onSnapshot, onMessage, onStatus, quietMs = QUIET_MS } = {}) {
  const url = socketURL(path);
  const self = {}; // this connection's entry in `down`
  let socket = null; // the current websocket, or null between attempts
  let synced = false; // the current websocket has delivered its snapshot
  let lastSeq = -1; // the seq of the last message handed on, on this websocket
  let delay = FIRST_DELAY_MS; // the next retry waits between delay/2 and delay
  let retryTimer = 0;
  let markerTimer = 0;
  let quietTimer = 0; // renews a silent link, or gives up on a snapshot that does not come
  let closed = false;

  // open starts a new websocket; its first message must be a snapshot.
  function open() {
    retryTimer = 0;
    synced = false;
    lastSeq = -1;
    markDown();
    call(onStatus, "connecting");
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (err) {
      console.warn("live.js: cannot open", url, err);
      lose();
      return;
    }
    socket = ws;
    expect(SNAPSHOT_WITHIN_MS, lose);
    // Each handler checks that its websocket is still the current one, so a
    // late event of an abandoned websocket changes nothing.
    ws.onmessage = (event) => {
      if (ws === socket) receive(event.data);
    };
    // An error is followed by a close; either one means the link is lost.
    ws.onerror = ws.onclose = () => {
      if (ws === socket) lose();
    };
  }

  // expect runs then after ms of silence on the current websocket.
  function expect(ms, then) {
    clearTimeout(quietTimer);
    quietTimer = setTimeout(() => {
      quietTimer = 0;
      then();
    }, ms);
  }

  // renew replaces a link that has gone quiet with a new one at once.
  function renew() {
    drop();
    open();
  }

  function receive(data) {
    if (synced) expect(quietMs + (Math.random() * quietMs) / 3, renew);
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      msg = null;
    }
    if (msg === null || typeof msg !== "object" || typeof msg.type !== "string") {
      // The view cannot be trusted any more: start over with a snapshot.
      console.warn("live.js: not a hub message; reconnecting", data);
      lose();
      return;
    }
    if (!synced && msg.type !== "snapshot") {
      console.warn("live.js: the first message is not a snapshot; reconnecting", msg.type);
      lose();
      return;
    }
    // seq grows on a connection; anything else is stale or repeated.
    if (typeof msg.seq !== "number" || msg.seq <= lastSeq) return;
    lastSeq = msg.seq;
    if (msg.type === "snapshot") {
      if (!synced) {
        synced = true;
        delay = FIRST_DELAY_MS; // the hub is back: the next loss retries quickly again
        expect(quietMs + (Math.random() * quietMs) / 3, renew);
        markUp();
        call(onStatus, "live");
      }
      call(onSnapshot, msg);
    } else {
      call(onMessage, msg);
    }
  }

  // drop abandons the current websocket, if any, without reconnecting.
  function drop() {
    const ws = socket;
    socket = null;
    synced = false;
    clearTimeout(quietTimer);
    quietTimer = 0;
    if (ws === null) return;
    ws.onmessage = ws.onerror = ws.onclose = null;
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(1000);
  }

  // lose abandons the current websocket and connects again after the back-off,
  // with jitter so that a hall full of screens does not reconnect in step.
  function lose() {
    drop();
    if (closed || retryTimer !== 0) return;
    markDown();
    call(onStatus, "offline");
    const wait = delay / 2 + (Math.random() * delay) / 2;
    delay = Math.min(delay * 2, MAX_DELAY_MS);
    retryTimer = setTimeout(open, wait);
  }

  // markDown starts the marker's clock, unless it runs or shows already:
  // a short blip (a restart, a page's first connection) shows nothing.
  function markDown() {
    if (markerTimer !== 0 || down.has(self)) return;
    markerTimer = setTimeout(() => {
      markerTimer = 0;
      down.add(self);
      updateMarker();
    }, MARKER_AFTER_MS);
  }

  function markUp() {
    clearTimeout(markerTimer);
    markerTimer = 0;
    down.delete(self);
    updateMarker();
  }

  // reconnect replaces the link now, for a fresh snapshot: the device's
  // network came back, or the page came back to the screen.
  function reconnect() {
    if (closed) return;
    clearTimeout(retryTimer);
    retryTimer = 0;
    drop();
    delay = FIRST_DELAY_MS;
    open();
  }
  const online = reconnect;
  window.addEventListener("online", online);

  open();

  return {
    reconnect,
    // close ends the link for good.
    close() {
      if (closed) return;
      closed = true;
      window.removeEventListener("online", online);
      clearTimeout(retryTimer);
      retryTimer = 0;
      drop();
      markUp();
      call(onStatus, "closed");
    },
  };
}
