// manager-cards.js: the Cards tab of the manager's page, the customers'
// file (docs/API.md section 8.5): a search by last four or holder, the
// list with the editor of one card (tier, holder, expiry; delete) and its
// visits, a new card, a CSV import (from a file or pasted) with its result
// line by line, and the export without numbers.
//
// A card's number is typed once, when the card is made or imported: the
// hub keeps only a keyed hash and the last four, and so does this page.

import { clock, day, text } from "/assets/i18n.js";
import { request } from "/assets/request.js";
import { L } from "/assets/manager-words.js";
import { dangerButton, el, message, words } from "/assets/manager-forms.js";
import { listTab } from "/assets/manager-lists.js";
import { upload } from "/assets/manager-media.js";

const seg = encodeURIComponent;
let tiers = [];
let services = [];

// readTiers reads the tiers (the choices of a card's) and the services (the
// names in its visits).
async function readTiers() {
  const [r, s] = await Promise.all([request("GET", "/api/v1/tiers"), request("GET", "/api/v1/services")]);
  if (r.ok && Array.isArray(r.data)) tiers = r.data;
  if (s.ok && Array.isArray(s.data)) services = s.data;
}
const serviceName = (id) => {
  const x = services.find((s) => s.id === id);
  return x ? `${id} ${text(x.name, L.lang)}` : id;
};

// The tiers a card may carry: those not issued by staff only.
const tierOptions = () => tiers.filter((x) => !x.staff_only).map((x) => ({ value: x.id, label: text(x.name, L.lang) || x.id }));
const tierName = (id) => {
  const x = tiers.find((t) => t.id === id);
  return x ? text(x.name, L.lang) || id : id;
};
const last4 = (c) => (c.last4 ? `•••• ${c.last4}` : L.t("shortNumber"));
const expiry = (c) => (c.expires ? L.t("expiresOn", c.expires.length > 10 ? `${day(c.expires)} ${clock(c.expires)}` : c.expires) : L.t("noExpiry"));

const editFields = () => [
  { key: "tier", t: "cardTier", type: "select", options: tierOptions },
  { key: "holder", t: "cardHolder", max: 64 },
  { key: "expires", t: "cardExpires", type: "date", hint: "cardExpiresHint" },
];

// cardShape: an empty expiry is none (null in a PUT, left out of a POST).
const cardShape = (isNew) => (body) => {
  if (body.expires === "") body.expires = isNew ? undefined : null;
  if (isNew && body.holder === "") delete body.holder;
  if (body.expires === undefined) delete body.expires;
};

function duration(s) {
  if (s === null || s === undefined) return L.t("none");
  return L.t("dur", Math.floor(s / 60), s % 60);
}

// visitsTable reads a card's visits into box.
async function visitsTable(c, box) {
  const r = await request("GET", `/api/v1/cards/${seg(c.id)}/visits`);
  const head = words("h3", "cardVisits", { class: "mvisits-title" });
  if (!r.ok) {
    const p = el("p");
    message(p, r);
    box.replaceChildren(head, p);
    return;
  }
  const v = r.data || [];
  box.dataset.count = String(v.length);
  if (v.length === 0) {
    box.replaceChildren(head, words("p", "noVisits", { class: "quiet" }));
    return;
  }
  const cols = ["visitNumber", "service", "visitState", "visitIssued", "visitWait", "visitCounter", "visitRating", "visitComplaint"];
  const rows = v.map((x) => el("tr", {},
    el("td", { text: x.number }),
    el("td", { text: serviceName(x.service) }),
    el("td", { text: L.t("vstate_" + x.state) }),
    el("td", { text: x.issued_at ? `${day(x.issued_at)} ${clock(x.issued_at)}` : "" }),
    el("td", { text: duration(x.wait_s) }),
    el("td", { text: x.counter || L.t("none") }),
    el("td", { text: x.rating ? "★".repeat(x.rating) : L.t("none") }),
    el("td", { text: x.complaint ? L.t("complaint_" + x.complaint.state) : L.t("none") })));
  box.replaceChildren(head, el("div", { class: "mtable-wrap" },
    el("table", { class: "mtable mvisits-table" }, el("thead", {}, el("tr", {}, ...cols.map((k) => words("th", k)))), el("tbody", {}, ...rows))));
}

// importForm is the CSV import: a file, or pasted text, and its result,
// drawn again (redraw) in the page's language after a switch.
function importForm(done) {
  const file = el("input", { type: "file", accept: ".csv,text/csv", id: "card-file" });
  const paste = el("textarea", { id: "card-paste", rows: 4, spellcheck: "false", placeholder: "number,tier,holder,expires" });
  const all = el("input", { type: "checkbox", id: "card-all-or-none" });
  const send = words("button", "cardImport", { type: "button", class: "primary", id: "card-import" });
  const out = el("div", { class: "mimport-result", id: "card-import-result", role: "status", hidden: true });
  let runs = 0;
  let last = null; // {reply, allOrNone} or {nothing: true}

  function redraw() {
    if (!last) return;
    out.hidden = false;
    if (last.nothing) return out.replaceChildren(words("p", "cardImportNothing", { class: "form-error" }));
    const r = last.reply;
    if (!r.ok) {
      const p = el("p");
      message(p, r);
      return out.replaceChildren(p);
    }
    const d = r.data || {};
    const errs = d.errors || [];
    const exp = d.expired || [];
    const none = last.allOrNone && errs.length > 0;
    const parts = [el("p", { class: d.imported ? "form-ok" : "note", id: "card-imported", "data-n": String(d.imported ?? 0), text: none ? L.t("cardImportedNone") : L.t("cardImported", d.imported ?? 0) })];
    if (exp.length) parts.push(el("p", { class: "note", id: "card-expired", text: L.t("cardExpiredLines", exp.join(", ")) }));
    if (errs.length) {
      parts.push(el("p", { class: "mimport-refused", text: L.t("cardRefused", errs.length) }),
        el("ul", { class: "mimport-errors", id: "card-errors" },
          ...errs.map((e) => el("li", { "data-line": String(e.line) }, el("span", { class: "mline", text: L.t("cardLine", e.line) }), el("span", { text: e.message })))));
    }
    out.replaceChildren(...parts);
  }

  send.addEventListener("click", async () => {
    const f = file.files[0];
    if (!f && paste.value.trim() === "") {
      last = { nothing: true };
    } else {
      send.disabled = true;
      const allOrNone = all.checked;
      const reply = await upload("POST", "/api/v1/cards/import" + (allOrNone ? "?all_or_none=true" : ""), f || paste.value, "text/csv");
      send.disabled = false;
      last = { reply, allOrNone };
      if (reply.ok) await done(reply);
    }
    redraw();
    out.dataset.runs = String(++runs);
  });
  const form = el("div", { class: "mimport" },
    words("p", "cardImportHelp", { class: "field-hint" }),
    el("div", { class: "mimport-in" },
      el("div", { class: "field" }, words("label", "cardFile", { for: "card-file" }), file),
      el("div", { class: "field" }, words("label", "cardPaste", { for: "card-paste" }), paste)),
    el("div", { class: "form-actions" },
      el("label", { class: "check", for: "card-all-or-none" }, all, words("span", "cardAllOrNone")), send),
    out);
  return { el: form, redraw };
}

export function cardsTab() {
  let built = false;
  let q, count, exportLink, listHost;
  let imp = null; // the import form, when one is open
  const list = listTab({
    before: readTiers,
    list: async () => {
      const r = await request("GET", `/api/v1/cards?q=${seg(q.value.trim())}`);
      if (r.ok && Array.isArray(r.data)) {
        count.dataset.n = String(r.data.length);
        count.dataset.q = q.value.trim();
        count.textContent = L.t("cardCount", r.data.length);
      }
      return r;
    },
    key: (c) => c.id,
    title: (c) => `${last4(c)} · ${c.holder || L.t("noHolder")}`,
    meta: (c) => [tierName(c.tier), expiry(c), c.id].join(" · "),
    one: (id) => request("GET", `/api/v1/cards/${seg(id)}`),
    edit: { fields: editFields, shape: cardShape(false), send: (id, body) => request("PUT", `/api/v1/cards/${seg(id)}`, { body }) },
    extra(c, box, refresh) {
      const out = el("p", { hidden: true });
      const del = dangerButton("remove", "card-delete", () => last4(c), async () => {
        const r = await request("DELETE", `/api/v1/cards/${seg(c.id)}`);
        message(out, r, "deleted");
        if (r.ok) refresh();
      });
      const visits = el("div", { class: "mvisits", id: "card-visits" });
      box.append(del, out, visits);
      visitsTable(c, visits);
    },
    creators: [{
      t: "newCard",
      fields: () => [
        { key: "number", t: "cardNumber", max: 80, hint: "cardNumberHint" },
        ...editFields(),
      ],
      defaults: () => ({ number: "", tier: tierOptions()[0]?.value || "", holder: "", expires: "" }),
      shape: cardShape(true),
      send: (body) => request("POST", "/api/v1/cards", { body }),
    }, {
      t: "cardImportOpen",
      form: (done) => (imp = importForm(done)),
      after: () => {},
    }],
  });
  return {
    async show(panel) {
      if (!built) {
        built = true;
        q = el("input", { type: "search", id: "card-q", autocomplete: "off", spellcheck: "false", maxLength: 64 });
        const form = el("form", { class: "msearch", role: "search" },
          words("label", "cardSearch", { for: "card-q" }), q,
          words("button", "cardFind", { type: "submit", class: "plain", id: "card-find" }),
          (count = el("span", { class: "mcount", id: "card-count" })));
        exportLink = words("a", "cardExport", { class: "plain button-link", id: "card-export", href: "/api/v1/cards/export.csv", download: "" });
        form.addEventListener("submit", async (ev) => {
          ev.preventDefault();
          await list.refresh();
          L.apply();
          document.body.dataset.found = String(Number(document.body.dataset.found || 0) + 1);
        });
        listHost = el("div");
        panel.replaceChildren(el("div", { class: "mcards-head" }, form, exportLink), listHost);
      }
      await list.show(listHost);
      imp?.redraw();
    },
  };
}
