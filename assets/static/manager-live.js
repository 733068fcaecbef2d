// manager-live.js: the Live tab of the manager's page, the first and the
// default: how the hall is doing now and today.
//
// It follows /ws/manager (live.js) from the moment the page shows its
// tabs, whichever tab is open, so that the alarm sounds on every tab: a
// snapshot (hall, counters, waiting tickets, alerts), then one message per
// event (a ticket or a counter after the change) or per change of an
// alert; the last of a batch carries the services' figures, and the hall
// itself after a change of configuration or a new day. The tab shows:
//
//	the waiting tickets per service and tier, and the longest wait (ticking);
//	today's figures from GET /api/v1/stats, read again at most every 20 s
//	  while events come, every 60 s anyway, and at once for a new hall;
//	the counters; tickets and average wait per hour (manager-charts.js);
//	the estimates' accuracy; calls by number per staff member;
//	the alerts and complaints (manager-alerts.js);
//	staffing advice and its "what if" (manager-staffing.js).
//
// <body data-live> is "live" while the link is up; #panel-live's
// data-seq is the seq of the last message drawn, data-stats counts the
// stats read.

import { clock, setTimeZone, text } from "/assets/i18n.js";
import { connect } from "/assets/live.js";
import { everySecond, hubNow, noteHubAtLeast, secondsSince, stopwatch } from "/assets/clock.js";
import { later } from "/assets/timers.js";
import { request } from "/assets/request.js";
import { L } from "/assets/manager-words.js";
import { el, words } from "/assets/manager-forms.js";
import { hourChart } from "/assets/manager-charts.js";
import { alertsView, soundToggle } from "/assets/manager-alerts.js";
import { percent, staffingView } from "/assets/manager-staffing.js";

const STATS_AFTER_EVENT_MS = 20000; // at most this often while events come
const STATS_EVERY_MS = 60000; // and this often anyway
const STAFFING_EVERY_MS = 60000;

const $ = (id) => document.getElementById(id);
const showing = () => document.body.dataset.tab === "live";

// The view of the hall, as the socket tells it.
let hall = null;
const counters = new Map(); // id → Counter
const waiting = new Map(); // ticket id → Ticket, state "waiting"
let stats = null;
let statsAt = 0; // when the stats were last asked for (PC's clock)
let statsDue = Infinity; // when they will be asked for next
let alerts = null;
let alertsList = null;
const staffing = staffingView();

// The tab's boxes, made once.
let panel = null;
const box = {};

// startLive connects the page to the hub's live side: called once, when
// the page shows its tabs.
export function startLive() {
  alertsList = el("ul", { class: "malerts", id: "live-alerts" });
  alerts = alertsView({ list: alertsList, banner: $("alarm-banner") });
  soundToggle($("sound-toggle"));
  connect("/ws/manager", {
    onSnapshot(msg) {
      counters.clear();
      waiting.clear();
      for (const c of msg.counters || []) counters.set(c.id, c);
      for (const q of msg.queue || []) for (const t of q.tickets || []) waiting.set(t.id, t);
      // The hub has reached every time it tells of: a PC clock behind it
      // would show waits too short.
      const times = [...(msg.alerts || []).map((a) => a.raised_at), ...[...waiting.values()].map((t) => t.issued_at),
        ...[...counters.values()].map((c) => c.ticket && c.ticket.called_at), ...(msg.calls || []).map((c) => c.at)];
      for (const at of times) if (at) noteHubAtLeast(Date.parse(at));
      alerts.replace(msg.alerts);
      takeHall(msg.hall);
      seen(msg);
      loadStats();
    },
    onMessage(msg) {
      if (msg.type === "event" && msg.event) apply(msg.event);
      else if (msg.type === "alert" && msg.alert) {
        alerts.upsert(msg.alert);
        if (msg.alert.raised_at) noteHubAtLeast(Date.parse(msg.alert.raised_at));
      }
      if (Array.isArray(msg.services) && hall) hall.services = msg.services;
      if (msg.hall) {
        takeHall(msg.hall);
        loadStats(); // a new configuration or a new day: a fresh view
      } else statsSoon();
      seen(msg);
    },
    onStatus(s) {
      document.body.dataset.live = s;
    },
  });
  everySecond(tick);
}

function takeHall(h) {
  if (!h) return;
  hall = h;
  if (h.time_zone) setTimeZone(h.time_zone);
  staffing.setHall(h);
}

// apply keeps the counters and the waiting tickets as an event leaves them.
function apply(ev) {
  if (ev.at) noteHubAtLeast(Date.parse(ev.at));
  const t = ev.ticket;
  if (t && t.id !== undefined) {
    if (t.state === "waiting") waiting.set(t.id, t);
    else waiting.delete(t.id);
  }
  if (ev.counter && ev.counter.id !== undefined) counters.set(ev.counter.id, ev.counter);
}

// seen draws the view after a message, a moment later, once for a burst.
function seen(msg) {
  later("live-draw", 40, () => {
    draw();
    if (panel) panel.dataset.seq = String(msg.seq);
  });
}

// --- Today's figures

function statsSoon() {
  const at = Math.max(Date.now(), statsAt + STATS_AFTER_EVENT_MS);
  if (at >= statsDue) return;
  statsDue = at;
  later("live-stats", at - Date.now(), loadStats);
}

async function loadStats() {
  statsAt = Date.now();
  statsDue = statsAt + STATS_EVERY_MS;
  later("live-stats", STATS_EVERY_MS, loadStats);
  if (!panel || !showing()) return; // the tab reads them again when shown
  const r = await request("GET", "/api/v1/stats");
  if (!r.ok) return;
  stats = r.data;
  panel.dataset.stats = String(Number(panel.dataset.stats || 0) + 1);
  drawStats();
}

async function loadStaffing() {
  later("live-staffing", STAFFING_EVERY_MS, () => showing() && loadStaffing());
  await staffing.load();
}

// --- Drawing

const mins = (s) => (Number.isFinite(s) ? L.t("liveMinutes", Math.round((s / 60) * 10) / 10) : L.t("none"));

function card(key, id, ...children) {
  return el("section", { class: `mcard mlive-card mlive-${id}`, id: `live-${id}` }, words("h2", key, { class: "mlive-title" }), ...children);
}

function figure(key, id) {
  const value = el("span", { class: "mfigure-value", id: `live-fig-${id}`, text: "—" });
  const sub = el("span", { class: "mfigure-sub", id: `live-sub-${id}` });
  return el("div", { class: "mfigure", "data-figure": id }, words("span", key, { class: "mfigure-name" }), value, sub);
}

function build(p) {
  panel = p;
  box.figures = el("div", { class: "mfigures mlive-figures" },
    figure("liveWaiting", "waiting"), figure("liveLongest", "longest"), figure("liveLevel", "level"),
    figure("waitAvg", "avg"), figure("liveP90", "p90"), figure("served", "served"), figure("noShow", "noshow"),
    figure("liveRatingAvg", "ratings"), figure("tickets", "tickets"));
  box.queue = el("table", { class: "mtable", id: "live-queue" });
  box.counters = el("table", { class: "mtable", id: "live-counters" });
  box.ticketsChart = el("div", { class: "mchart-box", id: "chart-tickets" });
  box.waitChart = el("div", { class: "mchart-box", id: "chart-wait" });
  box.accuracy = el("dl", { class: "mfacts mlive-accuracy", id: "live-accuracy" });
  box.byStaff = el("table", { class: "mtable", id: "live-by-staff" });
  box.statsAt = el("p", { class: "field-hint", id: "live-stats-at" });
  p.replaceChildren(box.figures, el("div", { class: "mlive" },
    card("alertsTitle", "alerts", alertsList),
    card("liveCounters", "counters", el("div", { class: "mtable-wrap" }, box.counters)),
    card("liveQueue", "queue", el("div", { class: "mtable-wrap" }, box.queue)),
    card("liveTicketsChart", "chart-tickets", box.ticketsChart),
    card("liveWaitChart", "chart-wait", box.waitChart),
    card("liveAccuracy", "accuracy", box.accuracy, words("h3", "liveByStaff", { class: "mlive-sub" }), el("div", { class: "mtable-wrap" }, box.byStaff), box.statsAt),
    card("staffingTitle", "staffing", staffing.el)));
  new ResizeObserver(() => later("live-charts", 60, drawCharts)).observe(box.ticketsChart);
}

function draw() {
  if (!panel) return;
  drawQueue();
  drawCounters();
  tick();
}

function drawQueue() {
  const services = (hall && hall.services) || [];
  const tiers = (hall && hall.tiers) || [];
  const head = el("tr", {}, words("th", "service"), words("th", "liveTotal"),
    ...tiers.map((t) => el("th", { text: text(t.name, L.lang) || t.id })), words("th", "liveLongest"));
  const all = [...waiting.values()];
  const rows = services.map((s) => {
    const mine = all.filter((t) => t.service === s.id);
    const oldest = mine.reduce((o, t) => (!o || t.issued_at < o ? t.issued_at : o), "");
    return el("tr", { "data-service": s.id, class: s.open ? "" : "closed" },
      el("th", { text: `${s.id} ${text(s.name, L.lang)}` }),
      el("td", { class: "total", text: String(mine.length) }),
      ...tiers.map((t) => {
        const n = mine.filter((x) => x.tier === t.id).length;
        return el("td", { "data-tier": t.id, class: n ? "" : "zero", text: String(n) });
      }),
      el("td", { class: "since", "data-since": oldest || null, text: oldest ? stopwatch(secondsSince(oldest)) : L.t("none") }));
  });
  box.queue.replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
}

function drawCounters() {
  const list = [...counters.values()].sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
  const head = el("tr", {}, words("th", "visitCounter"), words("th", "liveCounterState"), words("th", "liveStaff"), words("th", "liveTicket"),
    words("th", "liveServedToday"), words("th", "liveServiceAvg"));
  const rows = list.map((c) => {
    const t = c.ticket;
    return el("tr", { "data-counter": c.id, "data-state": c.state, class: `state-${c.state}` },
      el("th", { text: text(c.name, L.lang) || c.id }),
      el("td", { class: "state" }, el("span", { class: `mstate mstate-${c.state}`, text: L.t("state_" + c.state) })),
      el("td", { text: c.staff || L.t("none") }),
      el("td", { class: "ticket" }, t ? el("strong", { text: t.number }) : L.t("none"),
        t && t.called_at ? el("span", { class: "since", "data-since": t.called_at, text: ` ${stopwatch(secondsSince(t.called_at))}` }) : null),
      el("td", { text: String(c.served_today ?? 0) }),
      el("td", { text: c.service_s_avg ? mins(c.service_s_avg) : L.t("none") }));
  });
  box.counters.replaceChildren(el("thead", {}, head), el("tbody", {}, ...(rows.length ? rows : [el("tr", {}, words("td", "liveNoCounters", { class: "quiet mlive-empty", colSpan: 6 }))])));
}

function setFig(id, value, sub = "") {
  $(`live-fig-${id}`).textContent = value;
  $(`live-sub-${id}`).textContent = sub;
}

function drawStats() {
  if (!panel || !stats) return;
  const s = stats;
  const goal = hall && Number.isFinite(hall.service_level_goal) ? hall.service_level_goal : null;
  setFig("level", percent(s.service_level), goal === null ? "" : L.t("liveGoal", percent(goal)));
  $(`live-fig-level`).classList.toggle("short", Number.isFinite(s.service_level) && goal !== null && s.service_level < goal);
  setFig("avg", mins(s.wait_s?.avg));
  setFig("p90", mins(s.wait_s?.p90));
  setFig("served", String(s.served ?? 0));
  setFig("noshow", String(s.no_show ?? 0));
  setFig("tickets", String(s.tickets ?? 0));
  const r = s.ratings;
  setFig("ratings", r && r.n && Number.isFinite(r.avg) ? String(Math.round(r.avg * 10) / 10) : L.t("none"), r && r.n ? L.t("liveRatingsN", r.n) : "");
  const e = s.estimate || {};
  box.accuracy.replaceChildren(
    words("dt", "liveRmse"), el("dd", { "data-figure": "rmse", text: Number.isFinite(e.rmse_s) ? mins(e.rmse_s) : L.t("none") }),
    words("dt", "liveWithin"), el("dd", { "data-figure": "within", text: percent(e.within_range) }),
    words("dt", "liveEstimateN"), el("dd", { "data-figure": "n", text: String(e.n ?? 0) }));
  const staff = Object.entries(s.by_staff || {}).filter(([, f]) => f.calls_by_number > 0).sort((a, b) => b[1].calls_by_number - a[1].calls_by_number);
  box.byStaff.replaceChildren(...(staff.length
    ? [el("thead", {}, el("tr", {}, words("th", "liveStaff"), words("th", "served"), words("th", "liveByNumber"))),
      el("tbody", {}, ...staff.map(([name, f]) => el("tr", { "data-staff": name }, el("th", { text: name }), el("td", { text: String(f.served ?? 0) }), el("td", { text: String(f.calls_by_number) }))))]
    : [el("tbody", {}, el("tr", {}, words("td", "liveNoStaff", { class: "quiet mlive-empty" })))]));
  box.statsAt.textContent = L.t("liveStatsAt", clock(new Date(hubNow()).toISOString()));
  drawCharts();
}

// hours are the hours the charts cover: the hall's usual day, 08 to 18,
// widened to every hour with figures and to the hour now.
function hours(byHour) {
  const have = Object.keys(byHour).map(Number).filter(Number.isFinite);
  const now = Number(clock(new Date(hubNow()).toISOString()).slice(0, 2));
  const lo = Math.min(8, now, ...have);
  const hi = Math.max(18, now, ...have);
  const out = [];
  for (let h = lo; h <= hi; h++) out.push(String(h).padStart(2, "0"));
  return out;
}

function drawCharts() {
  if (!panel || !stats) return;
  const byHour = stats.by_hour;
  if (!byHour || typeof byHour !== "object") {
    box.ticketsChart.replaceChildren(words("p", "liveNoHours", { class: "quiet" }));
    box.waitChart.replaceChildren(words("p", "liveNoHours", { class: "quiet" }));
    return;
  }
  const hs = hours(byHour);
  const w = box.ticketsChart.clientWidth;
  box.ticketsChart.replaceChildren(hourChart({
    kind: "bars", width: w, title: L.t("liveTicketsChart"), unit: L.t("liveTicketsAxis"), hourWord: L.t("liveHour"),
    points: hs.map((h) => ({ hour: h, value: byHour[h] ? byHour[h].tickets ?? 0 : 0 })),
  }));
  box.waitChart.replaceChildren(hourChart({
    kind: "line", width: box.waitChart.clientWidth || w, title: L.t("liveWaitChart"), unit: L.t("liveMinAxis"), hourWord: L.t("liveHour"),
    points: hs.map((h) => ({ hour: h, value: byHour[h] && byHour[h].wait_s ? Math.round((byHour[h].wait_s.avg / 60) * 10) / 10 : null })),
  }));
}

// tick brings every running time up to the second.
function tick() {
  if (alerts) alerts.tick();
  if (!panel || panel.hidden) return;
  for (const e of panel.querySelectorAll(".mtable [data-since]")) {
    const s = stopwatch(secondsSince(e.dataset.since));
    e.textContent = e.tagName === "SPAN" ? ` ${s}` : s;
  }
  let oldest = "";
  for (const t of waiting.values()) if (!oldest || t.issued_at < oldest) oldest = t.issued_at;
  setFig("waiting", String(waiting.size));
  setFig("longest", oldest ? stopwatch(secondsSince(oldest)) : L.t("none"));
}

// liveLang redraws what shows on every tab (the alarm's banner) in the
// page's language now.
export function liveLang() {
  if (alerts) alerts.draw();
}

export function liveTab() {
  return {
    async show(p) {
      if (!panel) build(p);
      alerts.draw();
      staffing.draw();
      draw();
      drawStats();
      await Promise.all([loadStats(), loadStaffing()]);
    },
  };
}
