// manager-forms.js: a form bound to one object of the API, for the manager's
// page. It is filled from what GET returned and sends back that same object
// with the fields the manager changed (the hub takes back its GET, and
// names a read-only field that changed). The hub's sentence for a refusal
// is shown beside the field it names, or, when it names none, beside the
// one field that was changed, else at the top of the form.
//
//	const f = objectForm({
//	  fields: [{ key: "name.en", t: "nameEn" }, { key: "recall_limit", t: "recallLimit", type: "int" }],
//	  send: (body) => request("PUT", "/api/v1/hall", { body }),
//	  done: (reply) => …,
//	});
//	panel.append(f.el);
//	f.fill(hall);
//
// A field's type: text (default), textarea, password, int, min (seconds in
// the object, minutes on the screen), bool, time ("HH:MM"), date
// ("YYYY-MM-DD"), select and checks (a list; options() gives {value, t} or
// {value, label}). Words are lang.js keys (data-t), so the page's language
// toggle relabels a form as it stands.

import { L } from "/assets/manager-words.js";

let serial = 0;

// noteResult marks the page with the result of the last form sent, after
// the page has drawn what follows it: <body data-saves="n" data-result>.
function noteResult(result) {
  const b = document.body.dataset;
  b.result = result;
  b.saves = String(Number(b.saves || 0) + 1);
}

// el makes an element with attributes and children (text as textContent).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else if (k in e && typeof v !== "string") e[k] = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// words makes an element showing the page's words for key, in the page's
// language now and after every switch.
export function words(tag, key, attrs = {}) {
  return el(tag, { ...attrs, "data-t": key, text: L.t(key) });
}

// getPath and setPath read and write a dotted path ("hours.open").
export function getPath(o, path) {
  return path.split(".").reduce((v, k) => (v === null || v === undefined ? undefined : v[k]), o);
}
export function setPath(o, path, v) {
  const keys = path.split(".");
  let at = o;
  for (const k of keys.slice(0, -1)) {
    if (at[k] === null || typeof at[k] !== "object") at[k] = {};
    at = at[k];
  }
  at[keys[keys.length - 1]] = v;
}

function optionLabel(o) {
  return o.t ? words("span", o.t) : el("span", { text: o.label });
}

// makeInput builds one field's control and says how to read and write it.
function makeInput(f, id) {
  const type = f.type || "text";
  if (type === "bool") {
    const input = el("input", { type: "checkbox", id, name: f.key });
    return { input, control: input, read: () => input.checked, write: (v) => (input.checked = !!v) };
  }
  if (type === "checks") {
    const box = el("div", { class: "checks", id, role: "group" });
    const opts = f.options();
    for (const o of opts) {
      const c = el("input", { type: "checkbox", value: o.value, name: f.key });
      box.append(el("label", { class: "check" }, c, optionLabel(o)));
    }
    const all = () => [...box.querySelectorAll("input")];
    return {
      input: box,
      control: box,
      read: () => all().filter((c) => c.checked).map((c) => c.value),
      write: (v) => { for (const c of all()) c.checked = Array.isArray(v) && v.includes(c.value); },
    };
  }
  if (type === "select") {
    const input = el("select", { id, name: f.key });
    for (const o of f.options()) {
      const opt = el("option", { value: o.value });
      if (o.t) { opt.dataset.t = o.t; opt.textContent = L.t(o.t); } else opt.textContent = o.label;
      input.append(opt);
    }
    return { input, control: input, read: () => input.value, write: (v) => (input.value = v ?? "") };
  }
  if (type === "textarea") {
    const input = el("textarea", { id, name: f.key, rows: 2, maxLength: f.max || undefined });
    return { input, control: input, read: () => input.value, write: (v) => (input.value = v ?? "") };
  }
  // Times and dates are typed as the API writes them (24 h, YYYY-MM-DD):
  // the browser's own pickers show them in its locale ("12:00 AM").
  const htmlType = { int: "number", min: "number", password: "password" }[type] || "text";
  const input = el("input", { type: htmlType, id, name: f.key, autocomplete: type === "password" ? "new-password" : "off", spellcheck: "false" });
  if (type === "time") Object.assign(input, { placeholder: "HH:MM", maxLength: 5, inputMode: "numeric" });
  if (type === "date") Object.assign(input, { placeholder: "YYYY-MM-DD", maxLength: 10, inputMode: "numeric" });
  if (f.max && htmlType === "text") input.maxLength = f.max;
  if (type === "int") input.step = "1";
  if (type === "min") input.step = "any";
  const num = (s) => (s.trim() === "" ? NaN : Number(s));
  return {
    input,
    control: input,
    read: () => {
      if (type === "int") { const n = num(input.value); return Number.isFinite(n) ? n : input.value; }
      if (type === "min") { const n = num(input.value); return Number.isFinite(n) ? Math.round(n * 60) : input.value; }
      return input.value;
    },
    write: (v) => {
      if (type === "min") input.value = v === undefined || v === null ? "" : String(Math.round((v / 60) * 100) / 100);
      else input.value = v ?? "";
    },
  };
}

/**
 * objectForm makes a form for one object.
 *
 * @param {object} spec
 * @param {Array<object>} spec.fields {key, t, type?, hint?, options?, readonly?,
 *   wide?, half?, max?, skipEmpty? (not sent when empty), empty? (shown when the
 *   object leaves the field out)}
 * @param {(body: object) => Promise<any>} spec.send sends the object; a request.js reply
 * @param {(reply: any) => void} [spec.done] after the hub took it
 * @param {(body: object) => void} [spec.shape] last changes to the body before it goes
 * @param {string} [spec.submit] the words of the button ("save")
 * @param {string} [spec.doneWords] the words shown after ("saved")
 * @param {Node} [spec.note] shown above the button
 */
export function objectForm(spec) {
  const form = el("form", { class: "mform", novalidate: true, autocomplete: "off" });
  const top = el("p", { class: "form-error", role: "alert", hidden: true });
  const grid = el("div", { class: "mfields" });
  const rows = [];
  for (const f of spec.fields) {
    const id = `mf-${++serial}`;
    const io = makeInput(f, id);
    const err = el("p", { class: "field-error", role: "alert", hidden: true, id: `${id}-error` });
    const label = f.type === "checks" ? words("span", f.t, { class: "label" }) : words("label", f.t, { for: id });
    const wrap = el("div", { class: `field field-${f.type || "text"}${f.wide ? " wide" : ""}${f.half ? " half" : ""}`, "data-field": f.key });
    if (f.type === "bool") wrap.append(el("label", { class: "check", for: id }, io.control, words("span", f.t)));
    else wrap.append(label, io.control);
    if (f.hint) wrap.append(words("p", f.hint, { class: "field-hint" }));
    wrap.append(err);
    if (f.readonly) io.control.disabled = true;
    io.control.setAttribute("aria-describedby", err.id);
    grid.append(wrap);
    rows.push({ f, io, err, wrap });
  }
  const submit = words("button", spec.submit || "save", { type: "submit", class: "primary" });
  const status = el("span", { class: "form-status", role: "status" });
  const actions = el("div", { class: "form-actions" }, submit, status);
  form.append(top, grid);
  if (spec.note) form.append(spec.note);
  form.append(actions);

  let got = {};
  let busy = false;

  function clear() {
    top.hidden = true;
    top.textContent = "";
    status.textContent = "";
    delete status.dataset.t;
    for (const r of rows) {
      r.err.hidden = true;
      r.err.textContent = "";
      r.io.control.removeAttribute("aria-invalid");
      r.wrap.classList.remove("invalid");
    }
  }

  function fill(obj) {
    got = structuredClone(obj || {});
    clear();
    for (const r of rows) {
      const v = getPath(got, r.f.key);
      r.io.write(v === undefined && "empty" in r.f ? r.f.empty : v);
    }
  }

  function rowFor(field, changed) {
    if (field) {
      const r = rows.find((x) => x.f.key === field) || rows.find((x) => x.f.key.startsWith(field + ".")) || rows.find((x) => field.startsWith(x.f.key + "."));
      if (r) return r;
    }
    return changed.length === 1 ? changed[0] : null;
  }

  function showError(reply, changed) {
    const msg = reply.unreachable ? L.t("unreachable") : (reply.error && reply.error.message) || L.t("failed");
    const r = reply.unreachable ? null : rowFor(reply.error && reply.error.field, changed);
    if (r) {
      r.err.textContent = msg;
      r.err.hidden = false;
      r.wrap.classList.add("invalid");
      r.io.control.setAttribute("aria-invalid", "true");
      (r.io.control.querySelector?.("input") || r.io.control).focus?.();
    } else {
      top.textContent = msg;
      top.hidden = false;
    }
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy) return;
    clear();
    const body = structuredClone(got);
    const changed = [];
    for (const r of rows) {
      if (r.f.readonly) continue;
      const v = r.io.read();
      const was = getPath(got, r.f.key) ?? ("empty" in r.f ? r.f.empty : r.f.type === "checks" ? [] : r.f.type === "bool" ? false : "");
      if (JSON.stringify(v) !== JSON.stringify(was)) changed.push(r);
      if (r.f.skipEmpty && v === "") continue;
      setPath(body, r.f.key, v);
    }
    if (spec.shape) spec.shape(body);
    busy = true;
    submit.disabled = true;
    status.dataset.t = "saving";
    status.textContent = L.t("saving");
    let reply;
    try {
      reply = await spec.send(body);
    } finally {
      busy = false;
      submit.disabled = false;
    }
    status.textContent = "";
    delete status.dataset.t;
    if (!reply.ok) {
      showError(reply, changed);
      form.dataset.result = "error";
      noteResult("error");
      return;
    }
    if (reply.data && typeof reply.data === "object") fill(reply.data);
    const doneKey = spec.doneWords || "saved";
    status.dataset.t = doneKey;
    status.textContent = L.t(doneKey);
    form.dataset.result = "saved";
    if (spec.done) await spec.done(reply);
    noteResult("saved");
  });

  return { el: form, fill, showError: (reply) => showError(reply, []), got: () => got };
}

// message shows a sentence in box: the hub's, or the page's words.
export function message(box, reply, okKey) {
  box.hidden = false;
  if (reply.ok) {
    box.className = "form-ok";
    box.dataset.t = okKey;
    box.textContent = L.t(okKey);
  } else {
    box.className = "form-error";
    delete box.dataset.t;
    box.textContent = reply.unreachable ? L.t("unreachable") : (reply.error && reply.error.message) || L.t("failed");
  }
}

// dangerButton is a button that acts on its second press: the first asks
// "Delete …?" on the button itself (no confirm(), which would stop the page).
export function dangerButton(key, id, what, act) {
  const b = words("button", key, { type: "button", class: "danger", id });
  b.addEventListener("click", async () => {
    if (b.dataset.armed !== "1") {
      b.dataset.armed = "1";
      delete b.dataset.t;
      b.textContent = L.t("confirmDelete", what());
      return;
    }
    b.disabled = true;
    await act();
    b.disabled = false;
  });
  return b;
}
