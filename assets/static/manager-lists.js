// manager-lists.js: a tab that lists objects of one kind (services, tiers,
// counters, staff, devices, slides) on the left and edits the one picked,
// or a new one, on the right. Each time the tab is shown, the list and the
// object open in the editor are read again from the hub, so a change made
// elsewhere shows.
//
//	const tab = listTab({
//	  list: () => request("GET", "/api/v1/services"),
//	  key: (s) => s.id, title: (s) => s.id + " " + text(s.name, L.lang),
//	  one: (id) => request("GET", `/api/v1/services/${id}`),
//	  edit: { fields, send: (id, body) => request("PUT", …) },
//	  creators: [{ t: "newItem", fields, defaults: () => ({…}), send: (body) => request("POST", …) }],
//	});
//	tab.show(panel);

import { L } from "/assets/manager-words.js";
import { el, message, objectForm, words } from "/assets/manager-forms.js";

/**
 * listTab makes a list-and-editor tab.
 *
 * @param {object} spec
 * @param {() => Promise<any>} spec.list GET of the list
 * @param {(o: any) => string} spec.key an object's id
 * @param {(o: any) => string} spec.title its name in the list
 * @param {(o: any) => string} [spec.meta] a second line
 * @param {(o: any) => Node|null} [spec.preview] a picture in the list
 * @param {(id: string) => Promise<any>} [spec.one] GET of one (default: from the list)
 * @param {{fields: () => any[], send: (id: string, body: any) => Promise<any>, note?: () => Node}} [spec.edit]
 * @param {Array<{t: string, fields?: () => any[], defaults?: () => any, send?: (body: any) => Promise<any>, form?: (done: (reply: any) => void) => {el: Node}, note?: () => Node, after?: (reply: any, box: Node) => void, mounted?: (form: HTMLFormElement) => void}>} spec.creators
 * @param {(o: any, box: Node, refresh: () => void) => void} [spec.extra] more actions on one
 * @param {() => Promise<void>} [spec.before] reads what the fields' options need
 */
export function listTab(spec) {
  let panel = null;
  let items = [];
  let picked = null; // the id open in the editor, or null
  let creating = null; // the creator open, or null
  let listBox, editor, listError;

  function build(p) {
    panel = p;
    listBox = el("ul", { class: "mlist" });
    listError = el("p", { class: "form-error", role: "alert", hidden: true });
    const news = el("div", { class: "mlist-new" });
    for (const c of spec.creators || []) {
      const b = words("button", c.t, { type: "button", class: "plain" });
      b.dataset.create = c.t;
      b.addEventListener("click", () => startCreate(c));
      news.append(b);
    }
    editor = el("div", { class: "meditor" });
    panel.replaceChildren(el("div", { class: "msplit" }, el("div", { class: "mside" }, news, listError, listBox), editor));
  }

  function drawList() {
    listBox.replaceChildren();
    for (const o of items) {
      const id = spec.key(o);
      const b = el("button", { type: "button", class: "mitem", "aria-pressed": String(id === picked && !creating) });
      b.dataset.id = id;
      const pic = spec.preview ? spec.preview(o) : null;
      if (pic) b.append(pic);
      b.append(el("span", { class: "mitem-text" }, el("span", { class: "mitem-title", text: spec.title(o) }), spec.meta ? el("span", { class: "mitem-meta", text: spec.meta(o) }) : null));
      b.addEventListener("click", () => openOne(id));
      listBox.append(el("li", {}, b));
    }
  }

  async function loadList() {
    if (spec.before) await spec.before();
    const r = await spec.list();
    if (r.ok && Array.isArray(r.data)) {
      items = r.data;
      listError.hidden = true;
    } else {
      message(listError, r);
    }
    drawList();
  }

  async function openOne(id, flash) {
    creating = null;
    picked = id;
    drawList();
    let obj = items.find((o) => spec.key(o) === id);
    if (spec.one) {
      const r = await spec.one(id);
      if (picked !== id || creating) return;
      if (r.status === 404) {
        picked = null;
        editor.replaceChildren(words("p", "pick", { class: "quiet" }));
        return loadList();
      }
      if (!r.ok) {
        const box = el("p");
        message(box, r);
        editor.replaceChildren(box);
        return;
      }
      obj = r.data;
    }
    if (!obj) {
      picked = null;
      editor.replaceChildren(words("p", "pick", { class: "quiet" }));
      return;
    }
    const head = el("h2", { class: "meditor-title", text: spec.title(obj) });
    const parts = [head];
    if (flash) parts.push(words("p", flash, { class: "form-ok", role: "status" }));
    if (spec.edit) {
      const f = objectForm({
        fields: spec.edit.fields(obj),
        send: (body) => spec.edit.send(id, body),
        shape: spec.edit.shape,
        note: spec.edit.note ? spec.edit.note(obj) : undefined,
        done: (reply) => {
          if (reply.data) {
            const i = items.findIndex((o) => spec.key(o) === id);
            if (i >= 0) items[i] = reply.data;
            head.textContent = spec.title(reply.data);
          }
          drawList();
        },
      });
      f.fill(obj);
      parts.push(f.el);
    }
    if (spec.extra) {
      const box = el("div", { class: "mextra" });
      spec.extra(obj, box, () => refresh());
      parts.push(box);
    }
    editor.replaceChildren(...parts);
    editor.dataset.open = id;
  }

  function startCreate(c) {
    creating = c;
    picked = null;
    drawList();
    const head = words("h2", c.t, { class: "meditor-title" });
    const result = el("div", { class: "mcreated" });
    const done = async (reply) => {
      if (c.after) {
        c.after(reply, result);
        await loadList();
        return;
      }
      await loadList();
      if (reply.data && creating === c) await openOne(spec.key(reply.data), "created");
    };
    const f = c.form
      ? c.form(done)
      : objectForm({ fields: c.fields(), send: c.send, shape: c.shape, submit: "create", doneWords: "created", note: c.note ? c.note() : undefined, done });
    if (f.fill) f.fill(c.defaults ? c.defaults() : {});
    if (c.mounted) c.mounted(f.el);
    editor.replaceChildren(head, f.el, result);
    editor.dataset.open = `new:${c.t}`;
    f.el.querySelector("input:not([type=checkbox]), select, textarea")?.focus();
  }

  // refresh reads the list again, and the object open, if any.
  async function refresh() {
    await loadList();
    if (picked !== null && !creating) await openOne(picked);
  }

  return {
    async show(p) {
      if (panel !== p) {
        build(p);
        editor.replaceChildren(words("p", "pick", { class: "quiet" }));
      }
      await refresh();
    },
    refresh,
  };
}
