// lang.js: the language of a staff page (login, counter), Chinese or
// English, with a toggle, kept on the PC so that the next page opens in the
// language chosen on the last. A page keeps its own words as {zh, en}
// pairs; a value is a string or a function of the arguments.
//
//	import { pageLang } from "/assets/lang.js";
//
//	const L = pageLang({ hello: { zh: "你好", en: "Hello" }, n: { zh: (n) => `${n} 人`, en: (n) => `${n}` } });
//	L.t("n", 3);                       // in the page's language now
//	L.toggle(button, () => render());  // the button switches, render redraws
//	L.apply();                         // fills [data-t], [data-t-label], …
//
// Words the hub sends (service and counter names) are {en, zh} objects too:
// i18n.js's text(name, L.lang) reads them. The hub's error sentences are
// shown as they come.

import { LANGS, htmlLang } from "/assets/i18n.js";

export { htmlLang };

const STORE_KEY = "hallq.staff.lang";

function stored() {
  try {
    const l = localStorage.getItem(STORE_KEY);
    return LANGS.includes(l) ? l : null;
  } catch {
    return null; // storage may be off
  }
}

// otherLang is the hall's other language.
export function otherLang(lang) {
  return lang === "zh" ? "en" : "zh";
}

/**
 * pageLang makes a page's language, from its words.
 *
 * @param {Record<string, {zh: any, en: any}>} words
 */
export function pageLang(words) {
  const changed = [];
  const L = {
    lang: stored() || LANGS[0],

    // t returns the words of key in lang (default the page's), applied to args.
    t(key, ...args) {
      return L.in(L.lang, key, ...args);
    },

    // in returns the words of key in lang, applied to args.
    in(lang, key, ...args) {
      const w = words[key];
      if (!w) throw new Error(`lang.js: no words "${key}"`);
      const v = w[lang];
      return typeof v === "function" ? v(...args) : v;
    },

    // set switches the page to lang and remembers the choice.
    set(lang) {
      if (!LANGS.includes(lang)) return;
      L.lang = lang;
      try {
        localStorage.setItem(STORE_KEY, lang);
      } catch {
        // not remembered; the page still switches
      }
      L.apply();
      for (const fn of changed) fn(lang);
    },

    // apply writes the page's words into the document: [data-t] as text,
    // [data-t-label] as aria-label, [data-t-title] as title and
    // [data-t-placeholder] as placeholder, and the document's language.
    apply(root = document) {
      document.documentElement.lang = htmlLang(L.lang);
      if (document.body) document.body.dataset.lang = L.lang;
      for (const e of root.querySelectorAll("[data-t]")) e.textContent = L.t(e.dataset.t);
      for (const e of root.querySelectorAll("[data-t-label]")) e.setAttribute("aria-label", L.t(e.dataset.tLabel));
      for (const e of root.querySelectorAll("[data-t-title]")) e.title = L.t(e.dataset.tTitle);
      for (const e of root.querySelectorAll("[data-t-placeholder]")) e.placeholder = L.t(e.dataset.tPlaceholder);
    },

    // toggle makes button switch between the languages, named in the other
    // language ("English" on a Chinese page), and calls onChange after
    // every switch.
    toggle(button, onChange) {
      const label = () => {
        const next = otherLang(L.lang);
        const span = document.createElement("span");
        span.lang = htmlLang(next);
        span.textContent = next === "zh" ? "中文" : "English";
        button.replaceChildren(span);
        button.setAttribute("aria-label", next === "zh" ? "切换到中文" : "Switch to English");
      };
      label();
      changed.push(label);
      if (onChange) changed.push(onChange);
      button.addEventListener("click", () => L.set(otherLang(L.lang)));
    },
  };
  return L;
}
