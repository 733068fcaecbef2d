// manager-media.js: the tabs of the manager's page for what the displays
// show and say: Slides (text and picture slides, their seconds, order and
// dates) and Voice (the hall's own recordings as a zip, or the shipped
// voice).
//
// request.js sends JSON only; a picture (multipart/form-data) and a zip
// (application/zip) go through upload() here, which answers in request.js's
// Reply shape.

import { text } from "/assets/i18n.js";
import { request } from "/assets/request.js";
import { L } from "/assets/manager-words.js";
import { dangerButton, el, message, objectForm, words } from "/assets/manager-forms.js";
import { listTab } from "/assets/manager-lists.js";

const MAX_IMAGE = 2 << 20; // bytes: the hub's limit for a slide's picture

// upload sends a body that is not JSON (FormData, or a file with its type)
// and answers as request.js does.
export async function upload(method, path, body, type) {
  const headers = { Accept: "application/json" };
  if (type) headers["Content-Type"] = type;
  try {
    const res = await fetch(path, { method, headers, body, credentials: "same-origin", cache: "no-store" });
    const raw = await res.text();
    let data = null;
    try {
      data = raw ? JSON.parse(raw) : null;
    } catch {
      data = null;
    }
    const hubError = data && data.error && typeof data.error.message === "string" ? data.error : null;
    return {
      ok: res.ok,
      status: res.status,
      unreachable: !res.ok && res.status >= 500 && !hubError,
      data: res.ok ? data : null,
      error: res.ok ? null : hubError || { code: `http_${res.status}`, message: "" },
    };
  } catch {
    return { ok: false, status: 0, unreachable: true, data: null, error: null };
  }
}

const slideWhen = (s) => [L.t("slideMeta", s.seconds), `#${s.order}`, s.from || s.until ? `${s.from || "…"} – ${s.until || "…"}` : ""].filter(Boolean).join(" · ");

const dates = [
  { key: "seconds", t: "seconds", type: "int" },
  { key: "order", t: "order", type: "int" },
  { key: "from", t: "from", type: "date" },
  { key: "until", t: "until", type: "date" },
];

// imageForm is the form of a new picture slide: multipart/form-data with
// the picture in field image, checked here for type and size first.
function imageForm(done) {
  const f = objectForm({
    fields: [
      { key: "image", t: "image", type: "text", wide: true },
      { key: "text.zh", t: "captionZh", max: 300 },
      { key: "text.en", t: "captionEn", max: 300 },
      ...dates,
    ],
    submit: "create",
    doneWords: "created",
    send: async (body) => {
      const file = picker.files[0];
      if (!file) return { ok: false, error: { message: L.t("imageMissing"), field: "image" } };
      if (!["image/png", "image/jpeg"].includes(file.type)) return { ok: false, error: { message: L.t("imageKind"), field: "image" } };
      if (file.size > MAX_IMAGE) return { ok: false, error: { message: L.t("imageTooBig"), field: "image" } };
      const fd = new FormData();
      fd.append("image", file);
      fd.append("text_en", body.text?.en || "");
      fd.append("text_zh", body.text?.zh || "");
      for (const k of ["seconds", "order", "from", "until"]) if (body[k] !== "" && body[k] !== undefined) fd.append(k, String(body[k]));
      return upload("POST", "/api/v1/slides", fd);
    },
    done,
  });
  // The picture's field is a file input in place of the text one.
  const picker = el("input", { type: "file", accept: "image/png,image/jpeg", id: "slide-image" });
  const old = f.el.querySelector('[data-field="image"] input');
  picker.setAttribute("aria-describedby", old.getAttribute("aria-describedby"));
  f.el.querySelector('[data-field="image"] label').htmlFor = "slide-image";
  old.replaceWith(picker);
  const fill = f.fill;
  f.fill = (o) => fill({ ...o, image: "" });
  return f;
}

export function slidesTab() {
  return listTab({
    list: () => request("GET", "/api/v1/slides?all=true"),
    key: (s) => String(s.id),
    title: (s) => text(s.text, L.lang) || (s.kind === "image" ? L.t("slideImage") : `#${s.id}`),
    meta: slideWhen,
    preview: (s) => (s.kind === "image" && s.image_url ? el("img", { class: "mthumb", src: s.image_url, alt: "" }) : el("span", { class: "mthumb mthumb-text", text: L.lang === "zh" ? "文" : "T" })),
    one: (id) => request("GET", `/api/v1/slides/${encodeURIComponent(id)}`),
    edit: {
      fields: (s) => [
        { key: "text.zh", t: s.kind === "image" ? "captionZh" : "slideTextZh", type: "textarea", max: 300, wide: true },
        { key: "text.en", t: s.kind === "image" ? "captionEn" : "slideTextEn", type: "textarea", max: 300, wide: true },
        ...dates,
      ],
      note: (s) => (s.kind === "image" ? el("img", { class: "mpreview", src: s.image_url, alt: "" }) : null),
      send: (id, body) => request("PUT", `/api/v1/slides/${encodeURIComponent(id)}`, { body }),
    },
    extra(s, box, refresh) {
      const out = el("p", { hidden: true });
      const del = dangerButton("remove", "slide-delete", () => `#${s.id}`, async () => {
        const r = await request("DELETE", `/api/v1/slides/${encodeURIComponent(s.id)}`);
        message(out, r, "deleted");
        if (r.ok) refresh();
      });
      box.append(del, out);
    },
    creators: [
      {
        t: "newText",
        fields: () => [
          { key: "text.zh", t: "slideTextZh", type: "textarea", max: 300, wide: true },
          { key: "text.en", t: "slideTextEn", type: "textarea", max: 300, wide: true },
          ...dates,
        ],
        defaults: () => ({ kind: "text", text: { en: "", zh: "" }, seconds: 10, order: 0, from: "", until: "" }),
        shape: (body) => {
          for (const k of ["from", "until"]) if (!body[k]) delete body[k];
        },
        send: (body) => request("POST", "/api/v1/slides", { body }),
      },
      { t: "newImage", form: imageForm, defaults: () => ({ text: { en: "", zh: "" }, seconds: 10, order: 0, from: "", until: "" }) },
    ],
  });
}

// --- Voice

export function voiceTab() {
  let built = false;
  let status, custom, clips, out, zip;
  async function load() {
    const r = await request("GET", "/api/v1/voice");
    if (!r.ok) return message(status, r);
    const v = r.data;
    status.className = v.custom && v.custom.length ? "loud-ok" : "quiet";
    status.hidden = false;
    delete status.dataset.t;
    status.textContent = v.custom && v.custom.length ? L.t("voiceOwn", v.custom.length, v.clips.length) : L.t("voiceShipped");
    custom.replaceChildren(...(v.custom || []).map((c) => el("li", { text: c })));
    clips.textContent = (v.clips || []).join(" ");
  }
  return {
    async show(panel) {
      if (!built) {
        built = true;
        status = el("p", { id: "voice-status" });
        custom = el("ul", { class: "mclips", id: "voice-custom" });
        clips = el("p", { class: "mallclips" });
        out = el("p", { hidden: true, id: "voice-result" });
        zip = el("input", { type: "file", accept: ".zip,application/zip", id: "voice-zip" });
        const send = words("button", "voiceUpload", { type: "button", class: "primary", id: "voice-upload" });
        const reset = words("button", "voiceReset", { type: "button", class: "plain", id: "voice-reset" });
        send.addEventListener("click", async () => {
          const file = zip.files[0];
          if (!file) return message(out, { ok: false, error: { message: L.t("chooseFile") } });
          send.disabled = true;
          const r = await upload("PUT", "/api/v1/voice", file, "application/zip");
          send.disabled = false;
          message(out, r, "voiceUploaded");
          if (r.ok) load();
        });
        reset.addEventListener("click", async () => {
          const r = await request("DELETE", "/api/v1/voice");
          message(out, r, "voiceResetDone");
          if (r.ok) load();
        });
        panel.replaceChildren(
          el("div", { class: "mcard" }, status, custom),
          el("div", { class: "mcard" }, el("div", { class: "field" }, words("label", "voiceZip", { for: "voice-zip" }), zip),
            el("div", { class: "form-actions" }, send, reset), out),
          el("details", { class: "mcard" }, words("summary", "voiceClips"), clips),
        );
      }
      out.hidden = true;
      await load();
    },
  };
}
