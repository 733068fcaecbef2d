// rating.js: what the rating pad (/pad) and the phone page (/t/{token})
// share to ask a customer about a visit: the five labelled faces, from
// 1 (very dissatisfied) to 5 (very satisfied), and the few things that can
// have gone wrong.
//
//	import { faceButtons, categoryButtons } from "/assets/rating.js";
//
//	const faces = faceButtons(["zh", "en"]); // the labels, in these languages
//	box.append(...faces);                    // each a <button data-score="1">…
//	faces.forEach((b) => b.addEventListener("click", () => rate(Number(b.dataset.score))));
//
// The faces are drawn here as SVG, not as emoji: a hall's PC or tablet may
// have no colour emoji font, and an SVG needs no file and no style sheet.
// The colour is not the only sign: each face has its mouth and its words.

import { htmlLang, text } from "/assets/i18n.js";

// SCORES are the faces, worst first, each with its words, shorter words
// for a phone's narrow row, and its colour.
export const SCORES = [
  { score: 1, label: { zh: "非常不满意", en: "Very dissatisfied" }, short: { zh: "很差", en: "Very poor" }, colour: "#e4574b", mouth: "M19 47 Q32 35 45 47" },
  { score: 2, label: { zh: "不满意", en: "Dissatisfied" }, short: { zh: "较差", en: "Poor" }, colour: "#f28c38", mouth: "M21 45 Q32 39 43 45" },
  { score: 3, label: { zh: "一般", en: "Neutral" }, short: { zh: "一般", en: "OK" }, colour: "#f5c542", mouth: "M21 43 L43 43" },
  { score: 4, label: { zh: "满意", en: "Satisfied" }, short: { zh: "满意", en: "Good" }, colour: "#8cc152", mouth: "M21 40 Q32 49 43 40" },
  { score: 5, label: { zh: "非常满意", en: "Very satisfied" }, short: { zh: "很满意", en: "Great" }, colour: "#2f9e5f", mouth: "M18 38 Q32 55 46 38" },
];

// LOW is the highest score after which the customer is asked what went wrong.
export const LOW = 2;

// CATEGORIES are what can have gone wrong, as the hub names them.
export const CATEGORIES = [
  { id: "wait_too_long", label: { zh: "等候时间太长", en: "I waited too long" } },
  { id: "attitude", label: { zh: "服务态度不好", en: "Staff attitude" } },
  { id: "not_resolved", label: { zh: "问题没有解决", en: "My matter was not resolved" } },
  { id: "environment", label: { zh: "大厅环境设施", en: "The hall and its facilities" } },
  { id: "other", label: { zh: "其他", en: "Something else" } },
];

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// faceImage returns the face of a score as an SVG element, without words
// (the button around it has them).
export function faceImage(score) {
  const s = SCORES[score - 1];
  const ink = "#14213d";
  const img = svg("svg", { viewBox: "0 0 64 64", class: "face-img", "aria-hidden": "true", focusable: "false" });
  img.append(
    svg("circle", { cx: 32, cy: 32, r: 29, fill: s.colour, stroke: ink, "stroke-width": 2.5 }),
    svg("circle", { cx: 22.5, cy: 26, r: 3.6, fill: ink }),
    svg("circle", { cx: 41.5, cy: 26, r: 3.6, fill: ink }),
    svg("path", { d: s.mouth, fill: "none", stroke: ink, "stroke-width": 4, "stroke-linecap": "round" }),
  );
  return img;
}

// labels fills e with t's words in each of langs, one span each, the first
// with class "l1", the others "l2".
function labels(e, t, langs) {
  const spans = langs.map((lang, i) => {
    const span = document.createElement("span");
    span.className = i === 0 ? "l1" : "l2";
    span.lang = htmlLang(lang);
    span.textContent = text(t, lang);
    return span;
  });
  e.replaceChildren(...spans.flatMap((s, i) => (i === 0 ? [s] : [" ", s])));
}

// faceButtons returns the five face buttons, worst first, labelled in langs
// (the first language first), with the shorter words when short is set.
// Each has data-score.
export function faceButtons(langs, { short = false } = {}) {
  return SCORES.map((s) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `face face-${s.score}`;
    b.dataset.score = String(s.score);
    if (short) b.dataset.short = "1";
    const words = document.createElement("span");
    words.className = "face-label";
    b.append(faceImage(s.score), words);
    labelFace(b, langs);
    return b;
  });
}

// labelFace writes a face button's words in langs again, after the
// language changed.
export function labelFace(b, langs) {
  const s = SCORES[Number(b.dataset.score) - 1];
  labels(b.querySelector(".face-label"), b.dataset.short ? s.short : s.label, langs);
  b.setAttribute("aria-label", langs.map((l) => `${s.score} – ${text(s.label, l)}`).join(" / "));
}

// categoryButtons returns a button for each category, labelled in langs.
// Each has data-category.
export function categoryButtons(langs) {
  return CATEGORIES.map((c) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "category";
    b.dataset.category = c.id;
    labelCategory(b, langs);
    return b;
  });
}

// labelCategory writes a category button's words in langs again.
export function labelCategory(b, langs) {
  const c = CATEGORIES.find((x) => x.id === b.dataset.category);
  labels(b, c.label, langs);
}

// scoreLabel returns the words of a score in lang.
export function scoreLabel(score, lang) {
  const s = SCORES[score - 1];
  return s ? text(s.label, lang) : "";
}
