// manager-config.js: the tabs of the manager's page that configure the
// hall: Hall, Services, Tiers, Counters, Staff and Devices. Each is a form
// (manager-forms.js) or a list with its editor (manager-lists.js) bound to
// the API of docs/API.md section 8.

import { text } from "/assets/i18n.js";
import { request } from "/assets/request.js";
import { L } from "/assets/manager-words.js";
import { dangerButton, el, message, objectForm, words } from "/assets/manager-forms.js";
import { listTab } from "/assets/manager-lists.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const seg = encodeURIComponent;

// What several tabs offer as choices: read again when a tab is shown.
const known = { services: [], counters: [] };
async function readServices() {
  const r = await request("GET", "/api/v1/services");
  if (r.ok && Array.isArray(r.data)) known.services = r.data;
}
async function readCounters() {
  const r = await request("GET", "/api/v1/counters");
  if (r.ok && Array.isArray(r.data)) known.counters = r.data;
}
const serviceOptions = () => known.services.map((s) => ({ value: s.id, label: `${s.id} ${text(s.name, L.lang)}` }));
const counterOptions = () => known.counters.map((c) => ({ value: c.id, label: text(c.name, L.lang) }));
const names = [
  { key: "name.zh", t: "nameZh", max: 64 },
  { key: "name.en", t: "nameEn", max: 64 },
];

// --- Hall

export function hallTab() {
  let form = null;
  let url, warn, today;
  return {
    async show(panel) {
      if (!form) {
        form = objectForm({
          fields: [
            ...names,
            { key: "time_zone", t: "timeZone", hint: "timeZoneHint" },
            { key: "day_start", t: "dayStart", type: "time" },
            { key: "notice.zh", t: "noticeZh", type: "textarea", max: 500, half: true },
            { key: "notice.en", t: "noticeEn", type: "textarea", max: 500, half: true },
            { key: "vip_streak_cap", t: "vipStreak", type: "int", hint: "vipStreakHint" },
            { key: "recall_limit", t: "recallLimit", type: "int", hint: "recallLimitHint" },
            { key: "recall_tolerance_s", t: "recallTol", type: "min" },
            { key: "pause_alert_s", t: "pauseAlert", type: "min" },
            // A fraction, typed and sent as it is, so that a PUT takes back
            // exactly the goal the GET gave.
            { key: "service_level_goal", t: "slGoal", type: "int", hint: "slGoalHint" },
            { key: "escalation.respond_s", t: "escRespond", type: "min", hint: "escRespondHint" },
            { key: "escalation.level3_after_s", t: "escLevel3", type: "min", hint: "escLevel3Hint" },
            { key: "escalation.webhook_url", t: "escWebhook", max: 2000, half: true },
          ],
          // A hub that gave no escalation, or no goal, is sent none back.
          shape: (body) => {
            const e = body.escalation;
            if (e && e.respond_s === "" && e.level3_after_s === "" && !e.webhook_url) delete body.escalation;
            if (body.service_level_goal === "") delete body.service_level_goal;
          },
          send: (body) => request("PUT", "/api/v1/hall", { body }),
          done: (reply) => facts(reply.data),
        });
        warn = words("p", "publicUrlLocal", { class: "loud", id: "public-url-warning", role: "alert", hidden: true });
        url = el("code", { id: "public-url" });
        today = el("span", { id: "hall-day" });
        const info = el("dl", { class: "mfacts" },
          words("dt", "publicUrl"), el("dd", {}, url),
          words("dt", "today"), el("dd", {}, today));
        const goal = form.el.querySelector('[data-field="service_level_goal"] input');
        Object.assign(goal, { step: "0.01", min: "0", max: "1", inputMode: "decimal" });
        panel.replaceChildren(warn, info, form.el);
      }
      const r = await request("GET", "/api/v1/hall");
      if (r.ok) {
        form.fill(r.data);
        facts(r.data);
      } else form.showError(r);
    },
  };
  function facts(h) {
    if (!h) return;
    url.textContent = h.public_url || "";
    today.textContent = h.day || "";
    warn.hidden = !h.public_url_local;
    document.getElementById("hall-name").textContent = text(h.name, L.lang);
    document.getElementById("hall-name").dataset.name = JSON.stringify(h.name);
  }
}

// --- Services

function serviceFields(isNew) {
  return [
    { key: "id", t: "serviceId", readonly: !isNew, max: 3 },
    ...names,
    { key: "open", t: "openSwitch", type: "bool" },
    { key: "target_wait_s", t: "targetWait", type: "min" },
    { key: "service_time_s", t: "serviceTime", type: "min" },
    { key: "daily_quota", t: "quota", type: "int", empty: 0 },
    { key: "hours.open", t: "hoursOpen", type: "time", hint: "hoursHint" },
    { key: "hours.close", t: "hoursClose", type: "time" },
    { key: "hours.days", t: "hoursDays", type: "checks", wide: true, options: () => DAYS.map((d) => ({ value: d, t: d })) },
  ];
}

// serviceShape sends hours as null when neither end is set (any hour), and
// a service's figures only as they came.
function serviceShape(body) {
  const h = body.hours;
  if (!h || (!h.open && !h.close)) body.hours = null;
  else if (!h.days || h.days.length === 0) delete h.days;
  if (body.daily_quota === "") body.daily_quota = 0;
}

export function servicesTab() {
  return listTab({
    list: () => request("GET", "/api/v1/services"),
    key: (s) => s.id,
    title: (s) => `${s.id} · ${text(s.name, L.lang)}`,
    meta: (s) => (s.open ? L.t("waiting", s.waiting ?? 0) : L.t("closedNow")),
    one: (id) => request("GET", `/api/v1/services/${seg(id)}`),
    edit: { fields: () => serviceFields(false), shape: serviceShape, send: (id, body) => request("PUT", `/api/v1/services/${seg(id)}`, { body }) },
    creators: [{
      t: "newItem",
      fields: () => serviceFields(true),
      defaults: () => ({ id: "", name: { en: "", zh: "" }, open: true, target_wait_s: 900, service_time_s: 300, daily_quota: 0 }),
      shape: (body) => {
        serviceShape(body);
        if (body.hours === null) delete body.hours;
      },
      send: (body) => request("POST", "/api/v1/services", { body }),
    }],
  });
}

// --- Tiers

function tierFields(isNew) {
  return [
    { key: "id", t: "tierId", readonly: !isNew, max: 32 },
    ...names,
    { key: "rank", t: "rank", type: "int" },
    { key: "head_start_s", t: "headStart", type: "min" },
    { key: "target_wait_s", t: "tierTarget", type: "min" },
    { key: "staff_only", t: "staffOnly", type: "bool" },
  ];
}

export function tiersTab() {
  return listTab({
    list: () => request("GET", "/api/v1/tiers"),
    key: (x) => x.id,
    title: (x) => text(x.name, L.lang) || x.id,
    meta: (x) => `${x.id} · ${L.lang === "zh" ? "级别" : "rank"} ${x.rank}` + (x.head_start_s ? ` · +${Math.round(x.head_start_s / 60)} ${L.lang === "zh" ? "分钟" : "min"}` : ""),
    one: (id) => request("GET", `/api/v1/tiers/${seg(id)}`),
    edit: { fields: () => tierFields(false), send: (id, body) => request("PUT", `/api/v1/tiers/${seg(id)}`, { body }) },
    creators: [{
      t: "newItem",
      fields: () => tierFields(true),
      defaults: () => ({ id: "", name: { en: "", zh: "" }, rank: 1, head_start_s: 600, target_wait_s: 900, staff_only: false }),
      send: (body) => request("POST", "/api/v1/tiers", { body }),
    }],
  });
}

// --- Counters

function counterFields(isNew) {
  return [
    { key: "id", t: "counterId", readonly: !isNew, max: 16 },
    ...names,
    { key: "services", t: "services", type: "checks", wide: true, options: serviceOptions },
    { key: "also_serves", t: "alsoServes", type: "checks", wide: true, options: serviceOptions },
    { key: "vip_first", t: "vipFirst", type: "bool" },
  ];
}

export function countersTab() {
  return listTab({
    before: readServices,
    list: () => request("GET", "/api/v1/counters"),
    key: (c) => c.id,
    title: (c) => text(c.name, L.lang) || c.id,
    meta: (c) => `${L.t("state_" + c.state)} · ${(c.services || []).join(" ")}${(c.also_serves || []).length ? " + " + c.also_serves.join(" ") : ""}`,
    one: (id) => request("GET", `/api/v1/counters/${seg(id)}`),
    edit: { fields: () => counterFields(false), send: (id, body) => request("PUT", `/api/v1/counters/${seg(id)}`, { body }) },
    extra(c, box, refresh) {
      const out = el("p", { hidden: true });
      const del = dangerButton("remove", "counter-delete", () => text(c.name, L.lang) || c.id, async () => {
        const r = await request("DELETE", `/api/v1/counters/${seg(c.id)}`);
        message(out, r, "deleted");
        if (r.ok) refresh();
      });
      del.disabled = c.state !== "closed";
      box.append(del, words("p", "deleteClosedOnly", { class: "field-hint" }), out);
    },
    creators: [{
      t: "newItem",
      fields: () => counterFields(true),
      defaults: () => ({ id: "", name: { en: "", zh: "" }, services: [], also_serves: [], vip_first: false }),
      send: (body) => request("POST", "/api/v1/counters", { body }),
    }],
  });
}

// --- Staff

const roleOptions = () => [{ value: "staff", t: "role_staff" }, { value: "manager", t: "role_manager" }];

export function staffTab() {
  return listTab({
    list: () => request("GET", "/api/v1/users"),
    key: (u) => u.username,
    title: (u) => u.username,
    meta: (u) => [L.t("role_" + u.role), u.disabled ? L.t("isDisabled") : "", u.must_change_password ? L.t("mustChange") : ""].filter(Boolean).join(" · "),
    one: (id) => request("GET", `/api/v1/users/${seg(id)}`),
    edit: {
      fields: () => [
        { key: "role", t: "role", type: "select", options: roleOptions },
        { key: "password", t: "resetPassword", type: "password", skipEmpty: true, hint: "resetNote" },
      ],
      send: (id, body) => request("PUT", `/api/v1/users/${seg(id)}`, { body }),
    },
    extra(u, box, refresh) {
      const out = el("p", { hidden: true });
      const b = words("button", u.disabled ? "enable" : "disable", { type: "button", class: u.disabled ? "primary" : "danger", id: "user-toggle" });
      b.addEventListener("click", async () => {
        const r = await request("PUT", `/api/v1/users/${seg(u.username)}`, { body: { ...u, disabled: !u.disabled } });
        message(out, r, "saved");
        if (r.ok) refresh();
      });
      box.append(b, out);
    },
    creators: [{
      t: "newItem",
      fields: () => [
        { key: "username", t: "username", max: 32 },
        { key: "password", t: "password", type: "password" },
        { key: "role", t: "role", type: "select", options: roleOptions },
      ],
      note: () => words("p", "mustChangeNote", { class: "note" }),
      defaults: () => ({ username: "", password: "", role: "staff" }),
      send: (body) => request("POST", "/api/v1/users", { body }),
    }],
  });
}

// --- Devices

export function devicesTab() {
  const counterName = (id) => {
    const c = known.counters.find((x) => x.id === id);
    return c ? text(c.name, L.lang) : id;
  };
  return listTab({
    before: readCounters,
    list: () => request("GET", "/api/v1/devices"),
    key: (d) => String(d.id),
    title: (d) => d.name || `${L.t("kind_" + d.kind)} #${d.id}`,
    meta: (d) => [L.t("kind_" + d.kind), d.counter ? counterName(d.counter) : "", d.printer || "", d.paired ? L.t("paired") : L.t("notPaired")].filter(Boolean).join(" · "),
    extra(d, box, refresh) {
      const out = el("p", { hidden: true });
      const del = dangerButton("unpair", "device-delete", () => d.name || `#${d.id}`, async () => {
        const r = await request("DELETE", `/api/v1/devices/${seg(d.id)}`);
        message(out, r, "deleted");
        if (r.ok) refresh();
      });
      box.append(del, out);
    },
    creators: [{
      t: "newItem",
      fields: () => [
        { key: "kind", t: "kind", type: "select", options: () => [{ value: "pad", t: "kind_pad" }, { value: "kiosk", t: "kind_kiosk" }] },
        { key: "name", t: "deviceName", max: 64 },
        { key: "counter", t: "counter", type: "select", options: () => [{ value: "", label: "—" }, ...counterOptions()] },
        { key: "printer", t: "printer" },
      ],
      defaults: () => ({ kind: "pad", name: "", counter: known.counters[0]?.id || "", printer: "" }),
      shape: (body) => {
        for (const k of ["name", "counter", "printer"]) if (body[k] === "") delete body[k];
        if (body.kind === "kiosk") delete body.counter;
        else delete body.printer;
      },
      send: (body) => request("POST", "/api/v1/devices", { body }),
      // A pad faces a counter; a kiosk may have a printer.
      mounted(form) {
        const kind = form.querySelector('[data-field="kind"] select');
        const sync = () => {
          form.querySelector('[data-field="counter"]').hidden = kind.value !== "pad";
          form.querySelector('[data-field="printer"]').hidden = kind.value !== "kiosk";
        };
        kind.addEventListener("change", sync);
        sync();
      },
      after(reply, box) {
        const d = reply.data || {};
        box.replaceChildren(el("div", { class: "pair-code-box" },
          words("p", "pairCode", { class: "label" }),
          el("p", { class: "pair-code", id: "pair-code", text: d.code || "" }),
          words("p", "pairHelp", { class: "field-hint" })));
      },
    }],
  });
}
