// i18n.js: what every customer-facing page needs to speak the hall's two
// languages. Strings of the hub's own (service and counter names, notices)
// come as {en, zh} objects; a page's own strings are kept the same way.

// LANGS are the languages of the hall, in the order the toggle offers them.
export const LANGS = ["zh", "en"];

// htmlLang is the lang attribute of a language: zh-Hans or en.
export function htmlLang(lang) {
  return lang === "zh" ? "zh-Hans" : "en";
}

// text returns t, an {en, zh} object, in lang, or in the other language
// when that one is empty.
export function text(t, lang) {
  if (!t) return "";
  const first = lang === "zh" ? t.zh : t.en;
  return first || t.en || t.zh || "";
}

// minutes rounds seconds up to whole minutes, at least 1.
export function minutes(seconds) {
  return Math.max(1, Math.ceil(seconds / 60));
}

// waitRange says an estimated wait as a range of minutes: "5–10 min",
// "约 5–10 分钟"; "up to 6 min" when it could be any moment; "less than a
// minute" when both ends are under one.
export function waitRange(lowS, highS, lang) {
  if (highS < 60) return lang === "zh" ? "不到 1 分钟" : "less than a minute";
  const high = minutes(highS);
  if (lowS < 60) return lang === "zh" ? `${high} 分钟以内` : `up to ${high} min`;
  const low = Math.min(minutes(lowS), high);
  const span = low === high ? `${high}` : `${low}–${high}`;
  return lang === "zh" ? `约 ${span} 分钟` : `${span} min`;
}

// The hall's time zone (GET /api/v1/hall's time_zone): every time a page
// shows is the hall's, never the device's, which may be left on UTC.
let hallZone; // undefined until a page learns it: the device's

// setTimeZone makes clock and day show times in zone, an IANA name; a
// name this browser does not know is ignored.
export function setTimeZone(zone) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    hallZone = zone;
  } catch {
    console.warn("i18n: unknown time zone", zone);
  }
}

// parts returns a time's fields in the hall's zone.
function parts(iso) {
  const f = new Intl.DateTimeFormat("en-GB", {
    timeZone: hallZone, hourCycle: "h23",
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  });
  const out = {};
  for (const p of f.formatToParts(new Date(iso))) out[p.type] = p.value;
  return out;
}

// clock formats a time as HH:MM in the hall's zone.
export function clock(iso) {
  const p = parts(iso);
  return `${p.hour}:${p.minute}`;
}

// day formats a time's date as YYYY-MM-DD in the hall's zone.
export function day(iso) {
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day}`;
}
