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

// waitWords says the hub's estimate of a wait, the same way on every page
// (and as the hub prints it, kiosk/escpos.go waitText): "about 5 min (2–9
// min)", "约 5 分钟（2–9 分钟）"; "about 5 min (up to 9 min)" when it could
// be any moment; "less than a minute" when even the high end is under one;
// and, when no open counter can call the ticket (eta_s null, eta_reason
// "no_counter"), "no counter is serving A now", "目前没有窗口办理A业务".
// Minutes are rounded up. Without a range (a hub that sends eta_s only),
// just "about 5 min".
export function waitWords(etaS, lowS, highS, reason, lang, service) {
  const zh = lang === "zh";
  if (reason === "no_counter" || etaS === null || etaS === undefined) {
    return zh ? `目前没有窗口办理${service || ""}业务` : `no counter is serving ${service || "this service"} now`;
  }
  const known = (x) => typeof x === "number";
  const high = known(highS) ? highS : etaS;
  if (high < 60) return zh ? "不到 1 分钟" : "less than a minute";
  const about = etaS < 60 ? (zh ? "不到 1 分钟" : "under a minute") : zh ? `约 ${minutes(etaS)} 分钟` : `about ${minutes(etaS)} min`;
  if (!known(highS) || !known(lowS)) return about;
  const h = minutes(highS);
  let range;
  if (lowS < 60) range = zh ? `${h} 分钟以内` : `up to ${h} min`;
  else {
    const l = Math.min(minutes(lowS), h);
    if (l === h) return about;
    range = zh ? `${l}–${h} 分钟` : `${l}–${h} min`;
  }
  return zh ? `${about}（${range}）` : `${about} (${range})`;
}

// ticketWait says a ticket's or a service's estimate (an object with eta_s,
// eta_low_s, eta_high_s, eta_reason) in waitWords's words; service is its
// service id, for "no counter is serving A now".
export function ticketWait(x, lang, service) {
  return waitWords(x.eta_s, x.eta_low_s, x.eta_high_s, x.eta_reason, lang, service || x.service || x.id);
}

// capitalized returns s with its first letter upper-case, for English
// standing on its own.
export function capitalized(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
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
