// report.js: the printable daily report. It reads GET /api/v1/stats for the
// day (or from–to) in the address and lays the figures out on A4 in both
// languages at once, for a manager to file or hand on.

import { request } from "/assets/request.js";
import { currentUser, toLogin } from "/assets/staff.js";
import { clock, day, setTimeZone, text } from "/assets/i18n.js";

const $ = (id) => document.getElementById(id);

// both returns an element holding the Chinese and the English of a label.
function both(zh, en) {
  const e = document.createElement("span");
  const z = document.createElement("span");
  z.lang = "zh-Hans";
  z.textContent = zh;
  const n = document.createElement("span");
  n.lang = "en";
  n.textContent = ` ${en}`;
  e.append(z, n);
  return e;
}

function minutes(s) {
  return s === null || s === undefined ? "—" : `${Math.round(s / 60)} min`;
}

function percent(f) {
  return f === null || f === undefined ? "—" : `${Math.round(f * 100)} %`;
}

// called reports whether any leg of f was called (and so has a wait).
function called(f) {
  return f.served + f.no_show + f.transferred > 0 || f.wait_s.max > 0;
}

function rating(r) {
  return r && r.n > 0 && r.avg !== null ? `${r.avg.toFixed(1)} (${r.n})` : "—";
}

// FIGURES are the report's headline figures: label and how to show it.
const FIGURES = [
  ["取号", "Tickets", (f) => f.tickets],
  ["已办结", "Served", (f) => f.served],
  ["过号", "No-shows", (f) => f.no_show],
  ["取消 / 过期", "Cancelled / expired", (f) => `${f.cancelled} / ${f.expired}`],
  ["平均等候", "Average wait", (f) => minutes(called(f) ? f.wait_s.avg : null)],
  ["90% 等候不超过", "90th percentile wait", (f) => minutes(called(f) ? f.wait_s.p90 : null)],
  ["服务水平", "Service level", (f) => percent(f.service_level)],
  ["平均办理", "Average service", (f) => minutes(f.served ? f.service_s.avg : null)],
  ["评价", "Ratings", (f) => rating(f.ratings)],
  ["投诉", "Complaints", (f) => f.complaints],
  ["指定叫号", "Calls by number", (f) => f.calls_by_number],
  ["转移", "Transferred", (f) => f.transferred],
];

// COLUMNS are the breakdown tables' columns.
const COLUMNS = [
  ["已办结", "Served", (f) => f.served],
  ["过号", "No-shows", (f) => f.no_show],
  ["平均等候", "Avg wait", (f) => minutes(called(f) ? f.wait_s.avg : null)],
  ["90%", "p90", (f) => minutes(called(f) ? f.wait_s.p90 : null)],
  ["服务水平", "Level", (f) => percent(f.service_level)],
  ["评价", "Rating", (f) => rating(f.ratings)],
];

function fillFigures(f) {
  const box = $("figures");
  box.replaceChildren();
  for (const [zh, en, value] of FIGURES) {
    const d = document.createElement("div");
    d.className = "figure";
    const l = both(zh, en);
    l.className = "label";
    const v = document.createElement("div");
    v.className = "value";
    v.textContent = String(value(f));
    d.append(l, v);
    box.append(d);
  }
}

function fillTable(id, first, groups, nameOf) {
  const t = $(id);
  t.replaceChildren();
  const head = t.insertRow();
  for (const [zh, en] of [first, ...COLUMNS]) {
    const th = document.createElement("th");
    th.append(both(zh, en));
    head.append(th);
  }
  const keys = Object.keys(groups || {}).sort();
  for (const k of keys) {
    const row = t.insertRow();
    row.insertCell().textContent = nameOf(k);
    for (const [, , value] of COLUMNS) row.insertCell().textContent = String(value(groups[k]));
  }
  if (keys.length === 0) row0(t);
}

function row0(t) {
  const c = t.insertRow().insertCell();
  c.colSpan = COLUMNS.length + 1;
  c.textContent = "— 无 · none —";
}

async function load() {
  const q = new URLSearchParams(location.search);
  const s = await currentUser();
  if ((s.user === null && !s.unreachable) || (s.user && s.user.must_change_password)) return toLogin();
  const hall = await request("GET", "/api/v1/hall");
  if (hall.ok) setTimeZone(hall.data.time_zone);
  const from = q.get("from") || q.get("day") || (hall.ok ? hall.data.day : "");
  const to = q.get("to") || from;
  if (/^\d{4}-\d{2}-\d{2}$/.test(from)) $("day").value = from;
  const r = await request("GET", `/api/v1/stats?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  if (!r.ok) {
    $("error").hidden = false;
    $("error").textContent = r.error ? r.error.message : "The hub cannot be reached.";
    document.body.dataset.view = "error";
    return;
  }
  const st = r.data;
  const names = {};
  if (hall.ok) for (const sv of hall.data.services) names[sv.id] = sv.name;
  $("hall-zh").textContent = hall.ok ? text(hall.data.name, "zh") : "";
  $("hall-en").textContent = hall.ok ? text(hall.data.name, "en") : "";
  $("range").textContent = st.from === st.to ? st.from : `${st.from} – ${st.to}`;
  fillFigures(st);
  fillTable("by-service", ["业务", "Service"], st.by_service, (k) => `${k} ${names[k] ? `${text(names[k], "zh")} ${text(names[k], "en")}` : ""}`);
  fillTable("by-counter", ["窗口", "Counter"], st.by_counter, (k) => k);
  fillTable("by-staff", ["员工", "Staff"], st.by_staff, (k) => k);
  const now = new Date().toISOString();
  $("printed").textContent = `${day(now)} ${clock(now)}`;
  $("sheet").hidden = false;
  document.body.dataset.view = "report";
}

$("print").addEventListener("click", () => window.print());
$("day").addEventListener("change", (e) => {
  location.search = `?day=${encodeURIComponent(e.target.value)}`;
});
load();
