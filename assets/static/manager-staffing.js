// manager-staffing.js: staffing advice on the manager's Live tab, from
// GET /api/v1/staffing (Erlang C, worked out by the hub): per service the
// arrivals of the last hour, the mean service time, the counters open, the
// service level now and with a counter more or less, and the counters the
// hall's goal needs; and a "what if" form that asks the hub the same for
// numbers the manager types, showing the hub's sentence beside the field
// it names when it refuses them.

import { text } from "/assets/i18n.js";
import { request } from "/assets/request.js";
import { L } from "/assets/manager-words.js";
import { el, words } from "/assets/manager-forms.js";

export const percent = (x) => (Number.isFinite(x) ? `${Math.round(x * 1000) / 10}%` : L.t("none"));
const minutes = (s) => (Number.isFinite(s) ? String(Math.round((s / 60) * 10) / 10) : L.t("none"));

// FIELDS are the what-if form's inputs: the query parameter, the words, and
// how a typed number becomes the parameter.
const FIELDS = [
  ["arrivals_per_h", "whatIfArrivals", (v) => v],
  ["service_time_s", "whatIfMinutes", (v) => Math.round(v * 60)],
  ["target_s", "whatIfTarget", (v) => Math.round(v * 60)],
  ["counters", "whatIfCounters", (v) => v],
];

export function staffingView() {
  let services = [];
  let rows = [];
  let goal = null;
  const table = el("table", { class: "mtable", id: "staffing-table" });
  const err = el("p", { class: "form-error", role: "alert", hidden: true });

  const select = el("select", { id: "whatif-service", name: "service" });
  const inputs = {};
  const fieldBoxes = [el("div", { class: "field", "data-field": "service" }, words("label", "whatIfService", { for: "whatif-service" }), select, el("p", { class: "field-error", hidden: true }))];
  for (const [key, t] of FIELDS) {
    const input = el("input", { type: "number", id: `whatif-${key}`, name: key, step: "any", min: "0", inputMode: "decimal" });
    inputs[key] = input;
    fieldBoxes.push(el("div", { class: "field", "data-field": key }, words("label", t, { for: input.id }), input, el("p", { class: "field-error", hidden: true })));
  }
  const go = words("button", "whatIfGo", { type: "submit", class: "primary", id: "whatif-go" });
  const topErr = el("p", { class: "form-error", role: "alert", hidden: true, id: "whatif-error" });
  const result = el("dl", { class: "mwhatif-result", id: "whatif-result", hidden: true });
  const form = el("form", { class: "mwhatif", novalidate: true, id: "whatif" },
    words("h3", "whatIf"), el("div", { class: "mwhatif-fields" }, ...fieldBoxes, el("div", { class: "mwhatif-go" }, go)), topErr, result);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    ask();
  });
  select.addEventListener("change", prefill);
  const box = el("div", { class: "mstaffing" }, el("div", { class: "mtable-wrap" }, table), err, form);

  function clearErrors() {
    topErr.hidden = true;
    for (const f of form.querySelectorAll(".field")) {
      f.classList.remove("invalid");
      const p = f.querySelector(".field-error");
      p.hidden = true;
      p.textContent = "";
      f.querySelector("input, select").removeAttribute("aria-invalid");
    }
  }

  async function ask() {
    clearErrors();
    const q = new URLSearchParams({ service: select.value });
    for (const [key, , conv] of FIELDS) {
      const raw = inputs[key].value.trim();
      const n = Number(raw);
      q.set(key, raw === "" || !Number.isFinite(n) ? raw : String(conv(n)));
    }
    go.disabled = true;
    const r = await request("GET", `/api/v1/staffing?${q}`);
    go.disabled = false;
    form.dataset.asked = String(Number(form.dataset.asked || 0) + 1);
    if (!r.ok) {
      result.hidden = true;
      const msg = r.unreachable ? L.t("unreachable") : (r.error && r.error.message) || L.t("failed");
      const f = r.error && r.error.field && form.querySelector(`.field[data-field="${CSS.escape(r.error.field)}"]`);
      if (f) {
        f.classList.add("invalid");
        const p = f.querySelector(".field-error");
        p.textContent = msg;
        p.hidden = false;
        f.querySelector("input, select").setAttribute("aria-invalid", "true");
      } else {
        topErr.textContent = msg;
        topErr.hidden = false;
      }
      form.dataset.result = "error";
      return;
    }
    const list = Array.isArray(r.data) ? r.data : [r.data];
    const s = list.find((x) => x && x.service === select.value) || list[0];
    if (!s) return;
    const fig = (key, t, value, raw) => [words("dt", t), el("dd", { "data-figure": key, "data-value": String(raw), text: value })];
    result.replaceChildren(
      ...fig("service_level", "whatIfLevel", percent(s.service_level), s.service_level),
      ...fig("service_level_plus_one", "staffingPlus", percent(s.service_level_plus_one), s.service_level_plus_one),
      ...fig("service_level_minus_one", "staffingMinus", percent(s.service_level_minus_one), s.service_level_minus_one),
      ...fig("counters_needed", "staffingNeededShort", String(s.counters_needed), s.counters_needed));
    result.hidden = false;
    form.dataset.result = "ok";
  }

  // prefill puts the chosen service's measured figures in the form, to
  // change from there.
  function prefill() {
    const s = rows.find((x) => x.service === select.value);
    if (!s) return;
    inputs.arrivals_per_h.value = String(Math.round(s.arrivals_per_h * 10) / 10);
    inputs.service_time_s.value = minutes(s.service_time_s);
    if (Number.isFinite(s.target_s)) inputs.target_s.value = minutes(s.target_s);
    inputs.counters.value = String(s.counters_open);
  }

  function draw() {
    const g = goal === null ? "" : percent(goal);
    const head = el("tr", {}, words("th", "service"), words("th", "staffingArrivals"), words("th", "staffingService"), words("th", "staffingOpen"),
      words("th", "staffingLevel"), words("th", "staffingPlus"), words("th", "staffingMinus"), el("th", { text: L.t("staffingNeeded", g) }));
    const body = rows.map((s) => {
      const svc = services.find((x) => x.id === s.service);
      const short = Number.isFinite(s.service_level) && goal !== null && s.service_level < goal;
      return el("tr", { "data-service": s.service, class: short ? "short" : "" },
        el("th", { text: `${s.service} ${svc ? text(svc.name, L.lang) : ""}` }),
        el("td", { text: String(Math.round(s.arrivals_per_h * 10) / 10) }),
        el("td", { text: minutes(s.service_time_s) }),
        el("td", { text: String(s.counters_open) }),
        el("td", { class: "level", text: percent(s.service_level) }),
        el("td", { text: percent(s.service_level_plus_one) }),
        el("td", { text: percent(s.service_level_minus_one) }),
        el("td", { class: "needed", text: String(s.counters_needed) }));
    });
    table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...body));
    const was = select.value;
    select.replaceChildren(...services.map((s) => el("option", { value: s.id, text: `${s.id} ${text(s.name, L.lang)}` })));
    if (services.some((s) => s.id === was)) select.value = was;
  }

  return {
    el: box,
    // setHall takes the hall's services and goal.
    setHall(hall) {
      services = (hall && hall.services) || services;
      if (hall && Number.isFinite(hall.service_level_goal)) goal = hall.service_level_goal;
    },
    async load() {
      const r = await request("GET", "/api/v1/staffing");
      if (!r.ok) {
        err.hidden = false;
        err.textContent = r.unreachable ? L.t("unreachable") : (r.error && r.error.message) || L.t("failed");
        return;
      }
      err.hidden = true;
      rows = Array.isArray(r.data) ? r.data : [];
      const g = rows.find((x) => Number.isFinite(x.goal));
      if (g) goal = g.goal;
      draw();
      // The measured figures, to start from, in a form nobody has typed in.
      if (FIELDS.every(([key]) => inputs[key].value === "")) prefill();
      table.dataset.loaded = String(Number(table.dataset.loaded || 0) + 1);
    },
    draw,
  };
}
