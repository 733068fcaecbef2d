// manager-reports.js: the Reports tab of the manager's page: the figures of
// a range of hall days (GET /api/v1/stats), by service, with the links to
// the tickets' CSV and to a backup of the database.

import { text } from "/assets/i18n.js";
import { request } from "/assets/request.js";
import { L } from "/assets/manager-words.js";
import { el, message, words } from "/assets/manager-forms.js";

// duration says seconds as minutes and seconds, "—" for none.
function duration(s) {
  if (s === null || s === undefined) return L.t("none");
  const r = Math.round(s);
  return L.t("dur", Math.floor(r / 60), r % 60);
}

const percent = (x) => (x === null || x === undefined ? L.t("none") : `${Math.round(x * 100)}%`);
const rating = (r) => (!r || !r.n || r.avg === null ? L.t("none") : L.t("ratingsOf", Math.round(r.avg * 10) / 10, r.n));

// FIGURES are the main figures, in the order shown.
const FIGURES = [
  ["tickets", (s) => String(s.tickets ?? 0)],
  ["served", (s) => String(s.served ?? 0)],
  ["noShow", (s) => String(s.no_show ?? 0)],
  ["waitAvg", (s) => duration(s.wait_s?.avg)],
  ["waitP90", (s) => duration(s.wait_s?.p90)],
  ["serviceLevel", (s) => percent(s.service_level)],
  ["ratings", (s) => rating(s.ratings)],
  ["complaints", (s) => String(s.complaints ?? 0)],
];

export function reportsTab() {
  let built = false;
  let from, to, figures, table, err, csv, stats = null, services = [];

  function draw() {
    if (!stats) return;
    figures.replaceChildren(...FIGURES.map(([k, f]) => el("div", { class: "mfigure", "data-figure": k }, words("span", k, { class: "mfigure-name" }), el("span", { class: "mfigure-value", text: f(stats) }))));
    const head = el("tr", {}, words("th", "service"), ...FIGURES.map(([k]) => words("th", k)));
    const rows = Object.entries(stats.by_service || {}).map(([id, s]) => {
      const svc = services.find((x) => x.id === id);
      return el("tr", { "data-service": id }, el("th", { text: `${id} ${svc ? text(svc.name, L.lang) : ""}` }), ...FIGURES.map(([, f]) => el("td", { text: f(s) })));
    });
    table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
  }

  async function load() {
    const q = `from=${encodeURIComponent(from.value)}&to=${encodeURIComponent(to.value)}`;
    csv.href = `/api/v1/reports/tickets.csv?${q}`;
    const r = await request("GET", `/api/v1/stats?${q}`);
    if (!r.ok) {
      message(err, r);
      return;
    }
    err.hidden = true;
    stats = r.data;
    draw();
    figures.dataset.loaded = `${stats.from}/${stats.to}`;
  }

  return {
    async show(panel) {
      if (!built) {
        built = true;
        from = el("input", { type: "text", id: "report-from", placeholder: "YYYY-MM-DD", maxLength: 10, inputMode: "numeric" });
        to = el("input", { type: "text", id: "report-to", placeholder: "YYYY-MM-DD", maxLength: 10, inputMode: "numeric" });
        const go = words("button", "show", { type: "submit", class: "primary", id: "report-show" });
        const form = el("form", { class: "mrange", novalidate: true },
          el("div", { class: "field" }, words("label", "fromDay", { for: "report-from" }), from),
          el("div", { class: "field" }, words("label", "toDay", { for: "report-to" }), to), go);
        form.addEventListener("submit", (e) => {
          e.preventDefault();
          load();
        });
        csv = words("a", "downloadCsv", { class: "plain button-link", id: "report-csv", download: "" });
        const backup = words("a", "backup", { class: "plain button-link", id: "backup-link", href: "/api/v1/backup", download: "" });
        err = el("p", { hidden: true, role: "alert" });
        figures = el("div", { class: "mfigures", id: "report-figures" });
        table = el("table", { class: "mtable", id: "report-services" });
        panel.replaceChildren(el("div", { class: "mreport-head" }, form, el("div", { class: "mlinks" }, csv, backup)), err, figures, el("div", { class: "mtable-wrap" }, table));
      }
      const h = await request("GET", "/api/v1/hall");
      if (h.ok) {
        services = h.data.services || [];
        if (!from.value) from.value = h.data.day;
        if (!to.value) to.value = h.data.day;
      }
      await load();
    },
    redraw: () => draw(),
  };
}
