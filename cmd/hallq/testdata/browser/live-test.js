// Test driver for /assets/live.js: connects to the socket given by ?ws=
// (default /ws/display), renewing a link silent for ?quiet= ms (default
// live.js's), and reflects what live.js hands on in attributes of
// <body>, for browser_test.go to wait on:
//
//	data-snapshots  how many snapshots arrived (1 per connection, plus replacements)
//	data-messages   how many other messages arrived
//	data-seq        the seq of the last message handed on
//	data-type       the type of the last message handed on
//	data-status     the last status: connecting, live, offline, closed
//	data-waiting-a  the number waiting for service A (likewise -b, -c)
import { connect } from "/assets/live.js";

const body = document.body;
const params = new URLSearchParams(location.search);
const path = params.get("ws") || "/ws/display";
const quietMs = Number(params.get("quiet")) || undefined;

function count(name) {
  body.dataset[name] = String(Number(body.dataset[name] || 0) + 1);
}

function show(msg) {
  body.dataset.seq = String(msg.seq);
  body.dataset.type = msg.type;
  const lines = [];
  for (const s of msg.services || []) {
    body.dataset["waiting" + s.id.toUpperCase()] = String(s.waiting);
    lines.push(`${s.id}: ${s.waiting}`);
  }
  if (lines.length > 0) document.getElementById("waiting").textContent = "waiting " + lines.join(", ");
}

window.live = connect(path, {
  onSnapshot(msg) {
    count("snapshots");
    show(msg);
  },
  onMessage(msg) {
    count("messages");
    show(msg);
  },
  onStatus(status) {
    body.dataset.status = status;
  },
  quietMs,
});
